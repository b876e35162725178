// Land-cover, forest-type, forest-age and climate-zone maps in any CRS and resolution, warped on
// the fly onto the run's grid, with their codes checked against a crosswalk before a run starts.
#pragma once

#include "io/scene.hpp"
#include "models/crosswalk.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace sinkmap::io {

/// "nearest" or "mode" (--landcover-resampling) -> GDAL's name.
std::string parse_landcover_resampling(std::string const& s);

/// A VRT (GDAL's in-memory file system) of band 1 of `path` warped onto `grid` with
/// `resampling`, as `type`; pixels outside the map get `fill`. `option` names the input in
/// messages (e.g. "--landcover").
scene_plane warp_onto_grid(std::string const& path, std::string const& option,
                           raster_grid const& grid, std::string const& resampling,
                           GDALDataType type, double fill);

/// A categorical map (codes 0..255) warped onto the grid; outside the map: the crosswalk's
/// first nodata code (0 if none). Throws bad_input unless the samples are integer codes.
scene_plane warp_codes(std::string const& path, std::string const& option,
                       raster_grid const& grid, std::string const& resampling,
                       models::code_lookup const& lookup);

/// Pixel count of each code of a warped code map. Throws bad_input naming every code present
/// that the lookup lacks (and codes outside 0..255 in the source map), the file and `option`.
std::array<std::uint64_t, 256> check_codes(scene_plane const& warped, std::string const& original,
                                           models::code_lookup const& lookup,
                                           std::string const& option);

/// The land-cover crosswalk to use: --crosswalk if given, else one the model lists whose name
/// the file name contains (worldcover, nlcd, clcd, glc_fcs30); throws bad_input asking for
/// --crosswalk otherwise.
std::string guess_crosswalk(std::string const& landcover_path, std::string const& given,
                            models::carbon_model const& m);

}  // namespace sinkmap::io
