#include "io/landcover.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/gdal_session.hpp"

#include <gdal_utils.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

namespace sinkmap::io {

std::string parse_landcover_resampling(std::string const& s)
{
  SINKMAP_EXPECTS(s == "nearest" || s == "mode", bad_input,
                  "--landcover-resampling '" + s + "': expected nearest or mode");
  return s == "nearest" ? "near" : "mode";
}

scene_plane warp_landcover(std::string const& path, raster_grid const& grid,
                           std::string const& resampling, models::crosswalk const& cw)
{
  auto src = open_raster(path, "--landcover");
  GDALDataType const type = src->GetRasterBand(1)->GetRasterDataType();
  SINKMAP_EXPECTS(type == GDT_Byte || type == GDT_UInt16 || type == GDT_Int16, bad_input,
                  "--landcover: '" + path + "' has " + GDALGetDataTypeName(type) +
                    " samples; expected integer class codes");
  SINKMAP_EXPECTS(grid.has_geotransform && !grid.crs_wkt.empty(), bad_input,
                  "--landcover: the scene has no georeferencing to warp '" + path + "' onto");
  std::string const dst = vsimem_vrt_path("landcover");
  auto const& gt = grid.geotransform;
  double const xmin = gt[0], ymax = gt[3];
  double const xmax = gt[0] + gt[1] * grid.width, ymin = gt[3] + gt[5] * grid.height;
  std::string const nodata = std::to_string(cw.nodata.empty() ? 0 : cw.nodata.front());
  auto const exact = [](double v) {  // std::to_string's %f would round geographic grids
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return std::string(buf);
  };
  gdal_string_list const argv({"-of", "VRT", "-t_srs", grid.crs_wkt, "-te", exact(xmin),
                               exact(ymin), exact(xmax), exact(ymax), "-ts",
                               std::to_string(grid.width), std::to_string(grid.height), "-r",
                               resampling, "-dstnodata", nodata, "-ot", "Byte"});
  GDALWarpAppOptions* o = GDALWarpAppOptionsNew(argv.get(), nullptr);
  GDALDatasetH in = GDALDataset::ToHandle(src.get());
  take_gdal_error();
  int usage = 0;
  GDALDatasetH out = GDALWarp(dst.c_str(), nullptr, 1, &in, o, &usage);
  GDALWarpAppOptionsFree(o);
  SINKMAP_EXPECTS(out != nullptr, bad_input,
                  "--landcover: cannot warp '" + path + "' onto the scene grid" + gdal_reason());
  GDALClose(out);
  scene_plane plane;
  plane.name = "landcover";
  plane.source = {dst, 1};
  plane.type = GDT_Byte;
  return plane;
}

void check_landcover_codes(scene_plane const& warped, std::string const& original,
                           models::crosswalk const& cw)
{
  // Codes above 255 do not fit the lookup: find them on the source map.
  {
    auto src = open_raster(original, "--landcover");
    double mm[2] = {0, 0};
    src->GetRasterBand(1)->ComputeRasterMinMax(FALSE, mm);
    SINKMAP_EXPECTS(mm[1] < kernels::landcover_codes && mm[0] >= 0, bad_input,
                    "--landcover: '" + original + "' has code " +
                      std::to_string(long(mm[1] >= kernels::landcover_codes ? mm[1] : mm[0])) +
                      ", outside 0..255; no crosswalk can map it");
  }
  auto ds = open_raster(warped.source.file, "--landcover");
  std::vector<GUIntBig> hist(kernels::landcover_codes, 0);
  take_gdal_error();
  if (ds->GetRasterBand(1)->GetHistogram(-0.5, 255.5, kernels::landcover_codes, hist.data(), FALSE,
                                         FALSE, nullptr, nullptr) != CE_None)
    SINKMAP_FAIL(runtime_failure, "--landcover: cannot read '" + original + "'" + gdal_reason());
  std::string missing;
  for (int code = 0; code < kernels::landcover_codes; ++code)
    if (hist[std::size_t(code)] > 0 && cw.lut[std::size_t(code)] == kernels::unmapped_code)
      missing += (missing.empty() ? "" : ", ") + std::to_string(code) + " (" +
                 std::to_string(hist[std::size_t(code)]) + " pixels)";
  SINKMAP_EXPECTS(missing.empty(), bad_input,
                  "--landcover: '" + original + "' has code(s) " + missing +
                    " with no entry in crosswalk " + cw.file);
}

std::string guess_crosswalk(std::string const& path, std::string const& given)
{
  if (!given.empty()) return given;
  std::string const lower = to_lower(path);
  if (lower.find("worldcover") != std::string::npos) return "esa_worldcover";
  if (lower.find("nlcd") != std::string::npos) return "nlcd";
  if (lower.find("glc_fcs30") != std::string::npos || lower.find("glcfcs30") != std::string::npos)
    return "glc_fcs30";
  if (lower.find("clcd") != std::string::npos) return "clcd";
  if (lower.find("aber_cls") != std::string::npos) return "rsgislib_aber";
  SINKMAP_FAIL(bad_input, "--landcover '" + path + "': pass --crosswalk NAME|FILE (shipped: " +
                            models::crosswalk_names() + ")");
}

}  // namespace sinkmap::io
