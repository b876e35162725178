#include "io/geotiff_writer.hpp"

#include "io/cog_copy.hpp"

#include "io/map_metadata.hpp"

#include "io/provenance.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"
#include "core/text.hpp"

#include <cpl_string.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace sinkmap::io {
namespace {

}  // namespace

std::vector<std::string> merge_creation_options(std::vector<std::string> const& defaults,
                                                std::vector<std::string> const& user)
{
  std::vector<std::string> out = defaults;
  for (auto const& kv : user) {
    auto const eq = kv.find('=');
    SINKMAP_EXPECTS(eq != std::string::npos && eq > 0, bad_input,
                    "--co '" + kv + "': expected KEY=VALUE, e.g. --co COMPRESS=ZSTD");
    std::string const key = to_upper(kv.substr(0, eq));
    out.erase(std::remove_if(out.begin(), out.end(),
                             [&](auto const& d) { return to_upper(d.substr(0, d.find('='))) == key; }),
              out.end());
    out.push_back(kv);
  }
  return out;
}

geotiff_writer::geotiff_writer(std::string path, raster_grid const& grid,
                               std::vector<output_band> const& bands,
                               raster_output_options const& opt)
  : path_(std::move(path)), opt_(opt), bands_(int(bands.size()))
{
  for (int b = 0; b < bands_; ++b) {
    int const p = bands[std::size_t(b)].plane < 0 ? b : bands[std::size_t(b)].plane;
    planes_.push_back(p);
    identity_ &= p == b;
  }
  init_gdal();
  auto const parent = std::filesystem::path(path_).parent_path();
  SINKMAP_EXPECTS(parent.empty() || std::filesystem::is_directory(parent), bad_input,
                  "-o: folder of output '" + path_ + "' does not exist");
  temp_path_ = temp_path_for(path_, "partial");
  cog_temp_path_ = temp_path_for(path_, "cog");

  // A COG is rebuilt from an intermediate GeoTIFF by the COG driver: keep that one fast to write
  // and read (the fastest DEFLATE level) but compressed, so a COG needs little more disk than
  // its result (an uncompressed intermediate of a 14-band state is 56 bytes a pixel).
  std::vector<std::string> const defaults =
    opt.cog ? std::vector<std::string>{"TILED=YES",   "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE",
                                       "ZLEVEL=1",    "PREDICTOR=3",    "BIGTIFF=IF_SAFER"}
            : std::vector<std::string>{"TILED=YES",       "BLOCKXSIZE=256", "BLOCKYSIZE=256",
                                       "COMPRESS=DEFLATE", "PREDICTOR=3",   "BIGTIFF=IF_SAFER",
                                       "INTERLEAVE=BAND"};
  // No NUM_THREADS here: GTiff's worker-thread compression made outputs differ between runs when
  // reader threads evicted this file's dirty blocks from GDAL's shared cache (the accounting run
  // test failed about one run in two with the cache at an eighth of --memory, and passed every
  // time without it). The writer thread compresses its own blocks.
  // The COG's options, made (and a malformed --co refused) before the computation.
  if (opt.cog) cog_options_ = cog_creation_options("AVERAGE", opt.creation_options);
  gdal_string_list const co(opt.cog ? defaults : merge_creation_options(defaults, opt.creation_options));

  auto* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
  take_gdal_error();
  ds_ = driver->Create(temp_path_.c_str(), grid.width, grid.height, bands_, GDT_Float32, co.get());
  if (!ds_)
    SINKMAP_FAIL(bad_input, "-o: cannot create output '" + path_ + "'" + gdal_reason());
  if (grid.has_geotransform) {
    auto gt = grid.geotransform;
    ds_->SetGeoTransform(gt.data());
  }
  if (!grid.crs_wkt.empty()) {
    OGRSpatialReference srs;
    srs.importFromWkt(grid.crs_wkt.c_str());
    ds_->SetSpatialRef(&srs);
  }
  for (auto const& [k, v] : run_provenance()) ds_->SetMetadataItem(k.c_str(), v.c_str());
  for (auto const& [k, v] : opt.metadata) ds_->SetMetadataItem(k.c_str(), v.c_str());
  for (auto const& [k, v] : opt.records) ds_->SetMetadataItem((record_item_prefix + k).c_str(), v.c_str());
  for (int b = 0; b < bands_; ++b) {
    auto* band = ds_->GetRasterBand(b + 1);
    band->SetDescription(bands[std::size_t(b)].name.c_str());
    band->SetNoDataValue(std::nan(""));
    for (auto const& [k, v] : bands[std::size_t(b)].metadata)
      band->SetMetadataItem(k.c_str(), v.c_str());
    // GDAL's unit type, which QGIS and gdalinfo show ("Mg C/ha"), from the units item.
    if (auto it = bands[std::size_t(b)].metadata.find("units"); it != bands[std::size_t(b)].metadata.end())
      if (auto const unit = gdal_unit_type(it->second); !unit.empty()) band->SetUnitType(unit.c_str());
  }
  check_written("create");
}

std::string gdal_unit_type(std::string const& units)
{
  // Class ids, codes, flags and unitless indices have no unit type.
  for (char const* none : {"class", "code", "unitless", "0/1", "day of year", "count"})
    if (units.find(none) != std::string::npos) return "";
  std::string u = units;
  if (auto const p = u.find(" ("); p != std::string::npos) u.erase(p);  // "Mg C / ha (0-30 cm)"
  for (std::string::size_type p; (p = u.find(" / ")) != std::string::npos;) u.replace(p, 3, "/");
  if (u.rfind("Mg dry matter", 0) == 0) u.replace(0, 13, "Mg");
  return u;
}

void geotiff_writer::set_metadata(std::string const& key, std::string const& value)
{
  if (ds_) ds_->SetMetadataItem(key.c_str(), value.c_str());
}

geotiff_writer::~geotiff_writer()
{
  if (ds_) GDALClose(GDALDataset::ToHandle(ds_));
  if (!committed_) {
    VSIUnlink(temp_path_.c_str());
    VSIUnlink(cog_temp_path_.c_str());
  }
}

void geotiff_writer::check_written(std::string const& step)
{
  std::string const e = take_gdal_error();
  if (!e.empty())
    SINKMAP_FAIL(runtime_failure, "cannot write output '" + path_ + "' (" + step + ")" + disk_full_reason(path_) + ": " + e);
}

void geotiff_writer::write(int, pipeline::window const& w, void const* src)
{
  std::size_t const plane_bytes = w.pixels() * sizeof(float);
  auto* base = static_cast<std::byte*>(const_cast<void*>(src));
  CPLErr err = CE_None;
  if (identity_) {
    err = ds_->RasterIO(GF_Write, w.x, w.y, w.w, w.h, base, w.w, w.h, GDT_Float32, bands_, nullptr,
                        sizeof(float), GSpacing(sizeof(float)) * w.w, GSpacing(plane_bytes), nullptr);
  } else {
    for (int b = 0; b < bands_ && err == CE_None; ++b)
      err = ds_->GetRasterBand(b + 1)->RasterIO(
        GF_Write, w.x, w.y, w.w, w.h, base + std::size_t(planes_[std::size_t(b)]) * plane_bytes,
        w.w, w.h, GDT_Float32, 0, 0, nullptr);
  }
  if (err != CE_None) check_written("tile at pixel " + std::to_string(w.x) + "," + std::to_string(w.y));
  check_written("tile");
}

void geotiff_writer::commit()
{
  ds_->FlushCache(true);
  check_written("flush");
  if (!opt_.cog) {
    GDALClose(GDALDataset::ToHandle(ds_));
    ds_ = nullptr;
    check_written("close");
  } else {
    copy_as_cog(*ds_, cog_temp_path_, cog_options_, path_);
    GDALClose(GDALDataset::ToHandle(ds_));
    ds_ = nullptr;
    VSIUnlink(temp_path_.c_str());
    temp_path_ = cog_temp_path_;
  }
  move_into_place(temp_path_, path_);
  committed_ = true;
}

}  // namespace sinkmap::io
