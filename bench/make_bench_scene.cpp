// Writes a large synthetic 4-band uint16 tiled GeoTIFF (blue, green, red, nir), block row by
// block row so memory stays small. 16384 x 16384 pixels = 2 GiB of samples.
//   make_bench_scene OUT.tif [SIZE]
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr, "usage: make_bench_scene OUT.tif [SIZE=16384]\n");
    return 2;
  }
  int const size = argc > 2 ? std::atoi(argv[2]) : 16384;
  GDALAllRegister();
  char** co = nullptr;
  co = CSLSetNameValue(co, "TILED", "YES");
  co = CSLSetNameValue(co, "BLOCKXSIZE", "256");
  co = CSLSetNameValue(co, "BLOCKYSIZE", "256");
  co = CSLSetNameValue(co, "BIGTIFF", "YES");
  auto* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(argv[1], size, size, 4,
                                                                       GDT_UInt16, co);
  CSLDestroy(co);
  if (!ds) {
    std::fprintf(stderr, "cannot create %s\n", argv[1]);
    return 1;
  }
  double gt[6] = {500000, 10, 0, 4100000, 0, -10};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.importFromEPSG(32650);
  ds->SetSpatialRef(&srs);
  char const* names[] = {"blue", "green", "red", "nir"};
  for (int b = 0; b < 4; ++b) {
    ds->GetRasterBand(b + 1)->SetDescription(names[b]);
    ds->GetRasterBand(b + 1)->SetNoDataValue(0);
  }
  // Smooth fields plus hash noise: vegetation-like NIR > red over most of the scene.
  int const rows = 256;
  std::vector<std::uint16_t> buf(std::size_t(size) * rows * 4);
  for (int y0 = 0; y0 < size; y0 += rows) {
    int const h = std::min(rows, size - y0);
    std::size_t const plane = std::size_t(size) * h;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < size; ++x) {
        std::uint32_t hsh = std::uint32_t(x) * 2654435761u ^ std::uint32_t(y0 + y) * 2246822519u;
        hsh ^= hsh >> 15;
        int const noise = int(hsh & 511);
        int const veg = ((x / 512 + (y0 + y) / 512) % 3);
        std::size_t const i = std::size_t(y) * size + x;
        buf[i] = std::uint16_t(800 + noise);                           // blue
        buf[plane + i] = std::uint16_t(1200 + noise);                  // green
        buf[2 * plane + i] = std::uint16_t(1500 + 700 * veg + noise);  // red
        buf[3 * plane + i] = std::uint16_t(4500 - 900 * veg + noise);  // nir
      }
    if (ds->RasterIO(GF_Write, 0, y0, size, h, buf.data(), size, h, GDT_UInt16, 4, nullptr, 2,
                     GSpacing(2) * size, GSpacing(2) * plane, nullptr) != CE_None) {
      std::fprintf(stderr, "write failed\n");
      return 1;
    }
  }
  GDALClose(ds);
  return 0;
}
