#include "io/landcover.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "gdal/gdal_session.hpp"

#include <gdal_utils.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace sinkmap::io {

std::string parse_landcover_resampling(std::string const& s)
{
  SINKMAP_EXPECTS(s == "nearest" || s == "mode", bad_input,
                  "--landcover-resampling '" + s + "': expected nearest or mode");
  return s == "nearest" ? "near" : "mode";
}

namespace {

std::string exact(double v)  // std::to_string's %f would round geographic grids
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

scene_plane warp_onto_grid(std::string const& path, std::string const& option,
                           raster_grid const& grid, std::string const& resampling,
                           GDALDataType type, double fill)
{
  auto src = open_raster(path, option);
  SINKMAP_EXPECTS(grid.has_geotransform && !grid.crs_wkt.empty(), bad_input,
                  option + ": the run's grid has no georeferencing to warp '" + path + "' onto");
  SINKMAP_EXPECTS(src->GetSpatialRef() != nullptr, bad_input,
                  option + ": '" + path + "' has no coordinate system to warp from");
  std::string const dst = vsimem_vrt_path("warped");
  auto const& gt = grid.geotransform;
  double const xmin = gt[0], ymax = gt[3];
  double const xmax = gt[0] + gt[1] * grid.width, ymin = gt[3] + gt[5] * grid.height;
  gdal_string_list const argv({"-of", "VRT", "-t_srs", grid.crs_wkt, "-te", exact(xmin),
                               exact(ymin), exact(xmax), exact(ymax), "-ts",
                               std::to_string(grid.width), std::to_string(grid.height), "-r",
                               resampling, "-dstnodata", exact(fill), "-ot",
                               GDALGetDataTypeName(type)});
  GDALWarpAppOptions* o = GDALWarpAppOptionsNew(argv.get(), nullptr);
  GDALDatasetH in = GDALDataset::ToHandle(src.get());
  take_gdal_error();
  int usage = 0;
  GDALDatasetH out = GDALWarp(dst.c_str(), nullptr, 1, &in, o, &usage);
  GDALWarpAppOptionsFree(o);
  SINKMAP_EXPECTS(out != nullptr, bad_input,
                  option + ": cannot warp '" + path + "' onto the run's grid" + gdal_reason());
  GDALClose(out);
  scene_plane plane;
  plane.name = option;
  plane.source = {dst, 1};
  plane.type = type;
  return plane;
}

scene_plane warp_codes(std::string const& path, std::string const& option, raster_grid const& grid,
                       std::string const& resampling, models::code_lookup const& lookup)
{
  auto src = open_raster(path, option);
  GDALDataType const type = src->GetRasterBand(1)->GetRasterDataType();
  SINKMAP_EXPECTS(type == GDT_Byte || type == GDT_UInt16 || type == GDT_Int16 || type == GDT_UInt32 ||
                    type == GDT_Int32,
                  bad_input,
                  option + ": '" + path + "' has " + GDALGetDataTypeName(type) +
                    " samples; expected integer class codes");
  return warp_onto_grid(path, option, grid, resampling, GDT_Byte,
                        lookup.nodata.empty() ? 0 : lookup.nodata.front());
}

std::array<std::uint64_t, 256> check_codes(scene_plane const& warped, std::string const& original,
                                           models::code_lookup const& lookup,
                                           std::string const& option)
{
  // Codes above 255 do not fit the lookup: find them on the source map.
  {
    auto src = open_raster(original, option);
    double mm[2] = {0, 0};
    int has_nd = 0;
    double const nd = src->GetRasterBand(1)->GetNoDataValue(&has_nd);
    if (src->GetRasterBand(1)->ComputeRasterMinMax(FALSE, mm) == CE_None) {
      bool const low = mm[0] < 0 && !(has_nd && mm[0] == nd);
      bool const high = mm[1] >= kernels::landcover_codes && !(has_nd && mm[1] == nd);
      SINKMAP_EXPECTS(!low && !high, bad_input,
                      option + ": '" + original + "' has code " +
                        std::to_string(long(high ? mm[1] : mm[0])) +
                        ", outside 0..255; no crosswalk can map it");
    }
    take_gdal_error();
  }
  auto ds = open_raster(warped.source.file, option);
  std::vector<GUIntBig> hist(kernels::landcover_codes, 0);
  take_gdal_error();
  if (ds->GetRasterBand(1)->GetHistogram(-0.5, 255.5, kernels::landcover_codes, hist.data(), FALSE,
                                         FALSE, nullptr, nullptr) != CE_None)
    SINKMAP_FAIL(runtime_failure, option + ": cannot read '" + original + "'" + gdal_reason());
  std::string missing;
  std::array<std::uint64_t, 256> out{};
  for (int code = 0; code < kernels::landcover_codes; ++code) {
    out[std::size_t(code)] = hist[std::size_t(code)];
    bool const is_nodata =
      std::find(lookup.nodata.begin(), lookup.nodata.end(), code) != lookup.nodata.end();
    if (hist[std::size_t(code)] > 0 && !is_nodata && lookup.lut[std::size_t(code)] == kernels::unmapped_code)
      missing += (missing.empty() ? "" : ", ") + std::to_string(code) + " (" +
                 std::to_string(hist[std::size_t(code)]) + " pixels)";
  }
  SINKMAP_EXPECTS(missing.empty(), bad_input,
                  option + ": '" + original + "' has code(s) " + missing +
                    " with no entry in crosswalk " + lookup.file);
  return out;
}

std::string guess_crosswalk(std::string const& path, std::string const& given,
                            models::carbon_model const& m)
{
  if (!given.empty()) return models::resolve_crosswalk_path(given, m);
  std::string const lower = to_lower(path);
  for (auto const& [key, name] : {std::pair{"worldcover", "esa_worldcover"}, {"nlcd", "nlcd"},
                                  {"glc_fcs30", "glc_fcs30"}, {"glcfcs30", "glc_fcs30"},
                                  {"clcd", "clcd"}, {"aber_cls", "rsgislib_aber"}})
    if (lower.find(key) != std::string::npos && m.crosswalks.count(name)) return m.crosswalks.at(name);
  std::string names;
  for (auto const& [n, _] : m.crosswalks) names += (names.empty() ? "" : ", ") + n;
  SINKMAP_FAIL(bad_input, "--landcover '" + path + "': pass --crosswalk NAME|FILE (model " + m.name +
                            " lists: " + (names.empty() ? std::string("none") : names) + ")");
}

}  // namespace sinkmap::io
