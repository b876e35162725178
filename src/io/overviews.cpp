#include "io/overviews.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"
#include "gdal/gdal_session.hpp"

#include <gdal_priv.h>

#include <vector>

namespace sinkmap::io {

void add_overviews(std::string const& path, std::string const& resampling)
{
  init_gdal();
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
  SINKMAP_EXPECTS(ds != nullptr, runtime_failure, "overviews: cannot open '" + path + "'" + gdal_reason());
  std::vector<int> levels;
  for (int f = 2; ds->GetRasterXSize() / f >= 128 || ds->GetRasterYSize() / f >= 128; f *= 2) levels.push_back(f);
  if (levels.empty()) return;
  CPLErr e;
  {
    scoped_thread_config const compress("COMPRESS_OVERVIEW", "DEFLATE"), threads("GDAL_NUM_THREADS", "ALL_CPUS");
    e = ds->BuildOverviews(resampling.c_str(), int(levels.size()), levels.data(), 0, nullptr, nullptr, nullptr);
  }
  SINKMAP_EXPECTS(e == CE_None, runtime_failure, "overviews of '" + path + "'" + disk_full_reason(path) + gdal_reason());
  ds.reset();
  SINKMAP_EXPECTS(take_gdal_error().empty(), runtime_failure,
                  "overviews of '" + path + "' not written" + disk_full_reason(path));
}

}  // namespace sinkmap::io
