// Small GeoTIFFs for the IO and CLI tests, written and read with GDAL directly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sinkmap::test {

/// A fresh empty folder under the system temp dir, removed by the destructor.
struct temp_dir {
  std::filesystem::path path;
  temp_dir();
  ~temp_dir();
  [[nodiscard]] std::string file(std::string const& name) const { return (path / name).string(); }
};

struct raster_spec {
  int width = 64, height = 48, bands = 4;
  int epsg = 32650;  ///< UTM 50N (Shandong)
  double origin_x = 500000, origin_y = 4000000, pixel = 30;
  bool tiled = true;
  int block = 32;
  bool has_nodata = true;
  double nodata = 0;
};

/// Writes uint16 planes (bands x height x width) as a GeoTIFF.
void write_u16(std::string const& path, raster_spec const& spec,
               std::vector<std::uint16_t> const& planes);

/// Deterministic pseudo-random planes with ~1% zeros.
std::vector<std::uint16_t> random_planes(raster_spec const& spec, unsigned seed = 7);

/// Reads band `band` (1-based) of a raster as float32.
std::vector<float> read_band(std::string const& path, int band);

/// Reads all bands as float32, band-sequential.
std::vector<float> read_all(std::string const& path);

}  // namespace sinkmap::test
