// Cloud-Optimized GeoTIFF, the default raster output (issue 21): a map is written as a tiled
// GeoTIFF while it streams, then GDAL's COG driver copies it into the COG layout (overviews,
// ghost header, blocks in the order a cloud reader wants) under its temporary name, so the file
// that appears is always a whole COG. Shared by the float maps and the class rasters.
#pragma once

#include <gdal_priv.h>

#include <string>
#include <vector>

namespace sinkmap::io {

/// The COG driver's options: DEFLATE with a predictor, 256-pixel blocks, overviews (AUTO, down
/// to one block) resampled with `resampling` ("AVERAGE" for quantities, "MODE" for classes),
/// BIGTIFF when needed; `user` (--co KEY=VALUE) replaces any of them.
std::vector<std::string> cog_creation_options(std::string const& resampling, std::vector<std::string> const& user);

/// Copies `src` to `dest` as a COG with `options`; runtime_failure naming `what` (the final
/// file's name) and the reason (a full disk, GDAL's message) when it cannot.
void copy_as_cog(GDALDataset& src, std::string const& dest, std::vector<std::string> const& options,
                 std::string const& what);

}  // namespace sinkmap::io
