# Turns models/spectral_indices.json into a C++ header at configure time, so the constants
# live in models/ with their sources while the GDAL- and JSON-free core still compiles them in.
function(sinkmap_generate_index_defaults json_file out_file)
  file(READ "${json_file}" json)
  string(JSON n LENGTH "${json}" indices)
  set(body "")
  set(names "")
  math(EXPR last "${n} - 1")
  foreach(i RANGE ${last})
    string(JSON idx MEMBER "${json}" indices ${i})
    string(JSON long_name GET "${json}" indices ${idx} name)
    string(JSON source GET "${json}" indices ${idx} source)
    string(JSON formula GET "${json}" indices ${idx} formula)
    string(APPEND names "  {\"${idx}\", \"${long_name}\", \"${formula}\", \"${source}\"},\n")
    string(JSON nc LENGTH "${json}" indices ${idx} constants)
    if(nc GREATER 0)
      math(EXPR clast "${nc} - 1")
      foreach(j RANGE ${clast})
        string(JSON cname MEMBER "${json}" indices ${idx} constants ${j})
        string(JSON cval GET "${json}" indices ${idx} constants ${cname})
        string(APPEND body "  {\"${idx}\", \"${cname}\", ${cval}},\n")
      endforeach()
    endif()
  endforeach()
  set(content "// Generated from ${json_file} by cmake/generate_index_defaults.cmake. Do not edit.
#pragma once

namespace sinkmap::indices::generated {

struct index_default_constant {
  char const* index;
  char const* name;
  double value;
};

struct index_description {
  char const* index;
  char const* name;
  char const* formula;
  char const* source;
};

inline constexpr index_default_constant default_constants[] = {
${body}};

inline constexpr index_description descriptions[] = {
${names}};

}  // namespace sinkmap::indices::generated
")
  file(CONFIGURE OUTPUT "${out_file}" CONTENT "${content}" @ONLY)
endfunction()
