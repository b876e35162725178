// Writes a large synthetic 4-band uint16 tiled GeoTIFF (blue, green, red, nir), block row by
// block row so memory stays small. 16384 x 16384 pixels = 2 GiB of samples.
//   make_bench_scene OUT.tif [SIZE] [SEED]
// With a SEED (one scene of a time series), the noise differs per scene and OUT_mask.tif is
// written beside it: a Byte Fmask-like mask, 0 clear and 4 cloud over about a third of the scene
// in blobs that move with the seed.
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
  bool const series = argc > 3;
  unsigned const seed = series ? unsigned(std::atoi(argv[3])) : 0u;
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
  GDALDataset* mask = nullptr;
  if (series) {
    std::string path = argv[1];
    path = path.substr(0, path.rfind('.')) + "_mask.tif";
    char** mco = nullptr;
    mco = CSLSetNameValue(mco, "TILED", "YES");
    mco = CSLSetNameValue(mco, "BLOCKXSIZE", "256");
    mco = CSLSetNameValue(mco, "BLOCKYSIZE", "256");
    mco = CSLSetNameValue(mco, "COMPRESS", "DEFLATE");
    mask = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), size, size, 1, GDT_Byte, mco);
    CSLDestroy(mco);
    if (!mask) {
      std::fprintf(stderr, "cannot create %s\n", path.c_str());
      return 1;
    }
    mask->SetGeoTransform(gt);
    mask->SetSpatialRef(&srs);
  }
  // Smooth fields plus hash noise: vegetation-like NIR > red over most of the scene.
  int const rows = 256;
  std::vector<std::uint16_t> buf(std::size_t(size) * rows * 4);
  std::vector<std::uint8_t> mbuf(series ? std::size_t(size) * rows : 0);
  for (int y0 = 0; y0 < size; y0 += rows) {
    int const h = std::min(rows, size - y0);
    std::size_t const plane = std::size_t(size) * h;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < size; ++x) {
        std::uint32_t hsh = std::uint32_t(x) * 2654435761u ^ std::uint32_t(y0 + y) * 2246822519u ^ seed * 3266489917u;
        hsh ^= hsh >> 15;
        int const noise = int(hsh & 511);
        int const veg = ((x / 512 + (y0 + y) / 512) % 3);
        std::size_t const i = std::size_t(y) * size + x;
        buf[i] = std::uint16_t(800 + noise);                           // blue
        buf[plane + i] = std::uint16_t(1200 + noise);                  // green
        buf[2 * plane + i] = std::uint16_t(1500 + 700 * veg + noise);  // red
        buf[3 * plane + i] = std::uint16_t(4500 - 900 * veg + noise);  // nir
        if (series) {
          // Cloud blobs: 384-pixel cells, a third of them cloudy, shifted by the seed.
          std::uint32_t c = std::uint32_t((x + 97 * seed) / 384) * 73856093u ^
                            std::uint32_t((y0 + y + 53 * seed) / 384) * 19349663u ^ seed * 83492791u;
          c ^= c >> 13;
          c *= 0x5bd1e995u;
          c ^= c >> 15;
          mbuf[i] = (c % 3u) == 0 ? 4 : 0;
        }
      }
    if (ds->RasterIO(GF_Write, 0, y0, size, h, buf.data(), size, h, GDT_UInt16, 4, nullptr, 2,
                     GSpacing(2) * size, GSpacing(2) * plane, nullptr) != CE_None ||
        (mask && mask->GetRasterBand(1)->RasterIO(GF_Write, 0, y0, size, h, mbuf.data(), size, h,
                                                  GDT_Byte, 0, 0, nullptr) != CE_None)) {
      std::fprintf(stderr, "write failed\n");
      return 1;
    }
  }
  GDALClose(ds);
  if (mask) GDALClose(mask);
  return 0;
}
