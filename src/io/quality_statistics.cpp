#include "io/quality_statistics.hpp"

#include "core/error.hpp"
#include "gdal/gdal_session.hpp"
#include "sinkmap/kernels/index_stage.hpp"

namespace sinkmap::io {

std::vector<class_fraction> quality_fractions(sensors::product const& p)
{
  std::vector<class_fraction> out;
  for (auto const& q : p.quality) {
    auto ds = open_raster(q.file, q.name);
    auto* band = ds->GetRasterBand(1);
    int const w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    int bw = 0, bh = 0;
    band->GetBlockSize(&bw, &bh);
    std::vector<kernels::mask_test> tests;
    for (auto const& c : q.classes) {
      tests.push_back({0, q.by_class ? 1 : 0, c.bits});
      out.push_back({q.name, c.name, 0, std::uint64_t(w) * std::uint64_t(h)});
    }
    std::size_t const first = out.size() - q.classes.size();
    std::vector<float> rows(std::size_t(w) * std::size_t(bh));
    for (int y = 0; y < h; y += bh) {
      int const n = std::min(bh, h - y);
      if (band->RasterIO(GF_Read, 0, y, w, n, rows.data(), w, n, GDT_Float32, 0, 0, nullptr) != CE_None)
        SINKMAP_FAIL(runtime_failure, "cannot read '" + q.file + "'" + gdal_reason());
      for (std::size_t i = 0; i < std::size_t(w) * n; ++i)
        for (std::size_t c = 0; c < tests.size(); ++c)
          out[first + c].pixels += kernels::masks_pixel(tests[c], rows[i]) ? 1 : 0;
    }
  }
  return out;
}

}  // namespace sinkmap::io
