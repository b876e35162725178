// Which observations a clear-sky composite takes and where their planes are: scenes from
// delivered products (date, roles, scaling and masks from their metadata) or from a scene list
// (CSV: date, one column per band role, optional mask), inside a date window, on one grid.
#pragma once

#include "io/scene.hpp"
#include "sinkmap/kernels/composite_stage.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sinkmap::composite {

struct composite_request {
  std::vector<std::string> scenes;    ///< products (folders or metadata files)
  std::string scene_list;             ///< --scenes LIST.csv
  std::vector<std::string> clear;     ///< --clear V,V,... (mask values that mean clear)
  io::scene_options scene_options;    ///< --scale/--offset/--nodata/--mask/--grid ...
  std::string from, to;               ///< --from / --to YYYY-MM-DD (inclusive)
  std::string method = "medoid";      ///< medoid, median or max-ndvi
  std::optional<std::pair<double, double>> valid_range;  ///< --valid-range LO,HI
  std::vector<std::string> roles;     ///< --roles (default: every role all scenes have)
};

struct composite_plan {
  kernels::composite_params params;     ///< obs and workspace unbound (the tile kernel binds them)
  std::vector<kernels::observation> observations;  ///< params.n_obs of them, in date order
  std::vector<io::band_source> planes;  ///< input planes in kernel order
  std::vector<GDALDataType> types;
  kernels::pixel_type read_type = kernels::pixel_type::f32;
  io::raster_grid grid;
  std::vector<std::string> dates;       ///< of the observations, in order
  int scenes_total = 0;                 ///< before the window
  std::vector<std::string> notes;
};

/// Validates and orders the observations; `first_plane` is the kernel input plane of the
/// first observation (other planes may come before it). Throws bad_input naming the file,
/// line or option at fault: a missing file, a bad date, an unknown role, a mask without
/// --clear, a window that holds no scene, a grid that misses every scene.
composite_plan plan_composite(composite_request const& r, int first_plane = 0);

/// Parses "medoid", "median", "max-ndvi".
kernels::composite_method parse_method(std::string const& s);

/// Parses --valid-range "LO,HI".
std::pair<double, double> parse_valid_range(std::string const& s);

/// Day of year of "YYYY-MM-DD"; throws bad_input naming `what` for anything else.
int day_of_year(std::string const& date, std::string const& what);

/// Expands shell globs (run configs: scenes = ["L2/*_T1"]); a pattern with no match is kept.
std::vector<std::string> expand_globs(std::vector<std::string> const& patterns);

}  // namespace sinkmap::composite
