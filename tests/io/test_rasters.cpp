#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <random>
#include <stdexcept>
#include <unistd.h>

namespace sinkmap::test {

temp_dir::temp_dir()
{
  static int counter = 0;
  path = std::filesystem::temp_directory_path() /
         ("sinkmap-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
}

temp_dir::~temp_dir()
{
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

void write_u16(std::string const& path, raster_spec const& s, std::vector<std::uint16_t> const& planes)
{
  GDALAllRegister();
  char** co = nullptr;
  if (s.tiled) {
    co = CSLSetNameValue(co, "TILED", "YES");
    co = CSLSetNameValue(co, "BLOCKXSIZE", std::to_string(s.block).c_str());
    co = CSLSetNameValue(co, "BLOCKYSIZE", std::to_string(s.block).c_str());
  }
  auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  GDALDataset* ds = drv->Create(path.c_str(), s.width, s.height, s.bands, GDT_UInt16, co);
  CSLDestroy(co);
  if (!ds) throw std::runtime_error("cannot create " + path);
  double gt[6] = {s.origin_x, s.pixel, 0, s.origin_y, 0, -s.pixel};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.importFromEPSG(s.epsg);
  ds->SetSpatialRef(&srs);
  std::size_t const n = std::size_t(s.width) * s.height;
  for (int b = 0; b < s.bands; ++b) {
    auto* band = ds->GetRasterBand(b + 1);
    if (s.has_nodata) band->SetNoDataValue(s.nodata);
    if (band->RasterIO(GF_Write, 0, 0, s.width, s.height,
                       const_cast<std::uint16_t*>(planes.data() + b * n), s.width, s.height,
                       GDT_UInt16, 0, 0, nullptr) != CE_None)
      throw std::runtime_error("cannot write " + path);
  }
  GDALClose(ds);
}

std::vector<std::uint16_t> random_planes(raster_spec const& s, unsigned seed)
{
  std::vector<std::uint16_t> v(std::size_t(s.width) * s.height * s.bands);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dn(0, 12000);
  for (auto& x : v) {
    int const r = dn(rng);
    x = std::uint16_t(r < 120 ? 0 : r);
  }
  return v;
}

std::vector<float> read_band(std::string const& path, int band)
{
  GDALAllRegister();
  GDALDataset* ds = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER);
  if (!ds) throw std::runtime_error("cannot open " + path);
  int const w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
  std::vector<float> v(std::size_t(w) * h);
  if (ds->GetRasterBand(band)->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0, 0,
                                        nullptr) != CE_None)
    throw std::runtime_error("cannot read " + path);
  GDALClose(ds);
  return v;
}

std::vector<float> read_all(std::string const& path)
{
  GDALAllRegister();
  GDALDataset* ds = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER);
  if (!ds) throw std::runtime_error("cannot open " + path);
  int const bands = ds->GetRasterCount();
  GDALClose(ds);
  std::vector<float> all;
  for (int b = 1; b <= bands; ++b) {
    auto const v = read_band(path, b);
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

}  // namespace sinkmap::test
