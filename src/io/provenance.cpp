#include "io/provenance.hpp"

#include "io/run_staging.hpp"
#include "gdal/gdal_session.hpp"
#include "models/carbon_model.hpp"

#include <gdal_priv.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>

#ifndef SINKMAP_VERSION_STRING
#define SINKMAP_VERSION_STRING "unknown"
#endif

namespace sinkmap::io {
namespace {

std::mutex g_mutex;
std::string g_command_line;

}  // namespace

void set_command_line(int argc, char const* const* argv)
{
  std::string s;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.find_first_of(" \t'\"") != std::string::npos) {
      std::string q = "'";
      for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      a = q + "'";
    }
    s += (i ? " " : "") + a;
  }
  std::lock_guard lock(g_mutex);
  g_command_line = s;
}

std::string command_line()
{
  std::lock_guard lock(g_mutex);
  return g_command_line;
}

std::string sinkmap_version() { return std::string("sinkmap ") + SINKMAP_VERSION_STRING; }

std::vector<std::string> files_behind(std::vector<band_source> const& planes)
{
  init_gdal();
  std::vector<std::string> out;
  std::set<std::string> seen, opened;
  for (auto const& p : planes) {
    if (!opened.insert(p.file).second) continue;
    GDALDatasetUniquePtr ds(GDALDataset::Open(p.file.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_SHARED));
    char** list = ds ? ds->GetFileList() : nullptr;
    for (char** f = list; f && *f; ++f) {
      std::string const file = *f;
      if (file.rfind("/vsimem/", 0) == 0 || (file.size() > 4 && file.compare(file.size() - 4, 4, ".ovr") == 0)) continue;
      if (seen.insert(file).second) out.push_back(file);
    }
    CSLDestroy(list);
    if (!ds && p.file.rfind("/vsimem/", 0) != 0 && seen.insert(p.file).second) out.push_back(p.file);
  }
  return out;
}

input_hashes::input_hashes(std::vector<std::string> files) : files_(std::move(files))
{
  result_ = std::async(std::launch::async, [files = files_] {
    std::string s;
    for (auto const& f : files) {
      std::error_code ec;
      auto const size = std::filesystem::file_size(f, ec);
      std::string entry = published_path(f);
      try {
        entry += " (" + std::to_string(size) + " bytes, sha256 " + models::sha256_of_file(f) + ")";
      } catch (std::exception const&) {
        entry += " (not readable for hashing)";
      }
      s += (s.empty() ? "" : "; ") + entry;
    }
    return s;
  });
}

std::string input_hashes::text()
{
  if (result_.valid()) return result_.get();
  return {};
}

std::map<std::string, std::string> run_provenance()
{
  std::map<std::string, std::string> m = {{"SINKMAP_VERSION", sinkmap_version()}};
  if (auto const c = command_line(); !c.empty()) m["SINKMAP_COMMAND_LINE"] = c;
  return m;
}

}  // namespace sinkmap::io
