// Float32 GeoTIFF output that is either complete or absent: written under a temporary name in
// the target folder and renamed by commit(); destroyed uncommitted, it deletes the temporary.
#pragma once

#include "gdal/gdal_session.hpp"
#include "io/scene.hpp"
#include "pipeline/stream_runner.hpp"

#include <map>
#include <string>
#include <vector>

namespace sinkmap::io {

struct output_band {
  std::string name;                              ///< band description, e.g. "NDVI"
  std::map<std::string, std::string> metadata;   ///< band metadata items (units, formula, ...)
  int plane = -1;  ///< kernel output plane written to this band (-1: the band's own index)
};

struct raster_output_options {
  /// --co KEY=VALUE creation options of the format's driver, applied over the defaults: COG
  /// (COMPRESS=DEFLATE, PREDICTOR=YES, BLOCKSIZE=256, OVERVIEWS=AUTO, RESAMPLING=AVERAGE) or
  /// GTiff (TILED=YES, 256x256 blocks, COMPRESS=DEFLATE, PREDICTOR=3, INTERLEAVE=BAND).
  std::vector<std::string> creation_options;
  /// Cloud-Optimized GeoTIFF with overviews (GDAL's COG driver), the default since cloud
  /// readers (GDAL's /vsicurl/, QGIS, rioxarray) fetch a window or an overview without the
  /// whole file; false (--format GTiff) writes a plain tiled GeoTIFF without overviews.
  bool cog = true;
  std::map<std::string, std::string> metadata;  ///< dataset metadata items
  /// Structured records: name -> JSON text, as SINKMAP_JSON_<name> items (io/map_metadata.hpp).
  std::map<std::string, std::string> records;
};

/// GDAL's unit type for a units item: "Mg C / ha" -> "Mg C/ha", "Mg dry matter / ha" -> "Mg/ha";
/// "" for class ids, codes, flags and unitless indices.
std::string gdal_unit_type(std::string const& units);

class geotiff_writer final : public pipeline::tile_sink {
 public:
  geotiff_writer(std::string path, raster_grid const& grid, std::vector<output_band> const& bands,
                 raster_output_options const& opt);
  ~geotiff_writer() override;
  /// A dataset metadata item set after creation (before commit), e.g. the inputs' hashes.
  void set_metadata(std::string const& key, std::string const& value);
  geotiff_writer(geotiff_writer const&) = delete;
  geotiff_writer& operator=(geotiff_writer const&) = delete;

  /// Writes all bands of a window from band-sequential float planes.
  void write(int t, pipeline::window const& w, void const* src) override;

  /// Flushes, builds the COG if asked, and renames the result into place.
  void commit();

  [[nodiscard]] std::string const& temp_path() const { return temp_path_; }

 private:
  void check_written(std::string const& step);

  std::string path_, temp_path_, cog_temp_path_;
  std::vector<std::string> cog_options_;  ///< the COG driver's options (COG mode)
  raster_output_options opt_;
  int bands_ = 0;
  std::vector<int> planes_;  // kernel output plane of each band
  bool identity_ = true;
  GDALDataset* ds_ = nullptr;
  bool committed_ = false;
};

/// Merges --co KEY=VALUE over defaults (keys case-insensitive); throws bad_input on "KEY" alone.
std::vector<std::string> merge_creation_options(std::vector<std::string> const& defaults,
                                                std::vector<std::string> const& user);

}  // namespace sinkmap::io
