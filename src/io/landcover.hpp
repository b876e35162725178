// Land-cover maps in any CRS and resolution, warped on the fly onto a scene grid, with their
// codes checked against a crosswalk before a run starts.
#pragma once

#include "io/scene.hpp"
#include "models/crosswalk.hpp"

#include <string>

namespace sinkmap::io {

/// "nearest" or "mode" (--landcover-resampling).
std::string parse_landcover_resampling(std::string const& s);

/// A VRT (GDAL's in-memory file system) of band 1 of `path` warped onto `grid`; pixels outside
/// the map get the crosswalk's first nodata code (0 if none).
scene_plane warp_landcover(std::string const& path, raster_grid const& grid,
                           std::string const& resampling, models::crosswalk const& cw);

/// Throws bad_input naming every code present in the warped map that the crosswalk lacks.
void check_landcover_codes(scene_plane const& warped, std::string const& original,
                           models::crosswalk const& cw);

/// The crosswalk to use: --crosswalk if given, else guessed from the file name (WorldCover,
/// NLCD, CLCD, GLC_FCS30); throws bad_input asking for --crosswalk otherwise.
std::string guess_crosswalk(std::string const& landcover_path, std::string const& given);

}  // namespace sinkmap::io
