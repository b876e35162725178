#include "io/invest_pools.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "core/parse_number.hpp"
#include "gdal/gdal_session.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

namespace sinkmap::io {

kernels::pool_lookup_params read_invest_pools(std::string const& csv)
{
  init_gdal();
  char const* drivers[] = {"CSV", nullptr};
  char const* open_opts[] = {"AUTODETECT_TYPE=NO", nullptr};
  note_input(csv);
  GDALDatasetUniquePtr ds(GDALDataset::Open(csv.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers,
                                            open_opts, nullptr));
  SINKMAP_EXPECTS(ds && ds->GetLayerCount() == 1, bad_input,
                  "--pools: cannot read CSV table '" + csv + "'" + gdal_reason());
  OGRLayer* layer = ds->GetLayer(0);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  char const* columns[] = {"lucode", "C_above", "C_below", "C_dead", "C_soil"};
  int idx[5];
  for (int c = 0; c < 5; ++c) {
    idx[c] = defn->GetFieldIndex(columns[c]);
    SINKMAP_EXPECTS(idx[c] >= 0, bad_input,
                    "--pools: '" + csv + "' has no column '" + columns[c] +
                      "' (InVEST carbon tables need lucode, C_above, C_below, C_soil, C_dead)");
  }
  kernels::pool_lookup_params p{};
  int line = 1;  // the header
  for (auto const& f : *layer) {
    ++line;
    std::string const where = "--pools " + csv + " line " + std::to_string(line);
    long const code = parse_int(f->GetFieldAsString(idx[0]), where + " field lucode");
    SINKMAP_EXPECTS(code >= 0 && code < kernels::landcover_codes, bad_input,
                    where + " field lucode: " + std::to_string(code) + " is outside 0..255");
    SINKMAP_EXPECTS(!p.known[code], bad_input, where + " field lucode: " + std::to_string(code) +
                                                 " is listed twice");
    for (int k = 0; k < 4; ++k) {
      double const v = parse_double(f->GetFieldAsString(idx[k + 1]), where + " field " + columns[k + 1]);
      SINKMAP_EXPECTS(v >= 0, bad_input, where + " field " + columns[k + 1] + ": negative carbon");
      SINKMAP_EXPECTS(v <= 1.0e5, bad_input,
                      where + " field " + columns[k + 1] + ": " + std::to_string(v) +
                        " Mg C/ha is not a carbon density (no ecosystem holds 100,000)");
      p.pools[code][k] = float(v);
    }
    p.known[code] = 1;
  }
  SINKMAP_EXPECTS(line > 1, bad_input, "--pools: '" + csv + "' has no rows");
  return p;
}

}  // namespace sinkmap::io
