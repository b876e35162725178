#include "inventory/forest_inventory_agreement.hpp"

#include "core/error.hpp"
#include "gdal/gdal_session.hpp"
#include "io/forest_inventory.hpp"

#include <gdal_priv.h>

#include <algorithm>
#include <cmath>

namespace sinkmap::zonal {

std::vector<inventory_agreement_row> forest_inventory_agreement(std::string const& observed_stock,
                                                                std::string const& inventory_raster,
                                                                unsigned char const* group_of,
                                                                io::zone_set const& zones, io::cell_area const& areas)
{
  auto stock = io::open_raster(observed_stock, "observed stock");
  auto inv = io::open_raster(inventory_raster, "forest inventory");
  int const cls_band = io::band_named(*stock, "ecosystem_class");
  SINKMAP_EXPECTS(cls_band > 0, runtime_failure, observed_stock + ": no ecosystem_class band");
  int const width = stock->GetRasterXSize(), height = stock->GetRasterYSize();
  std::vector<inventory_agreement_row> rows(zones.size() + 1);
  for (std::size_t z = 0; z < zones.size(); ++z) rows[z].zone = zones.name(int(z + 1));
  rows.back().zone = "*";
  auto forest = [&](float c) {
    return !std::isnan(c) && c > 0 && c < float(kernels::max_classes) &&
           group_of[int(c)] == static_cast<unsigned char>(kernels::class_group::forest);
  };
  int const strip = std::max(1, std::min(height, int((4u << 20) / std::max(1, width))));
  std::vector<float> cls, in;
  std::vector<int> ids;
  for (int y = 0; y < height; y += strip) {
    int const h = std::min(strip, height - y);
    std::size_t const n = std::size_t(width) * std::size_t(h);
    cls.resize(n);
    in.resize(n);
    if (stock->GetRasterBand(cls_band)->RasterIO(GF_Read, 0, y, width, h, cls.data(), width, h, GDT_Float32, 0, 0) != CE_None ||
        inv->GetRasterBand(1 + io::ib_class)->RasterIO(GF_Read, 0, y, width, h, in.data(), width, h, GDT_Float32, 0, 0) != CE_None)
      SINKMAP_FAIL(runtime_failure, "cannot read " + observed_stock + " or " + inventory_raster + io::gdal_reason());
    zones.rasterize(pipeline::window{0, y, width, h}, ids);
    for (std::size_t i = 0; i < n; ++i) {
      if (ids[i] <= 0) continue;
      double const ha = areas.hectares(y + int(i / std::size_t(width)));
      // A polygon of economic forest (经济林) makes a forest pixel perennial cropland: the map's
      // class then is the polygon's, which is agreement, not an inventory-only area.
      bool const polygon = in[i] > 0, lc_forest = forest(cls[i]) || (polygon && cls[i] == in[i]);
      for (auto* r : {&rows[std::size_t(ids[i] - 1)], &rows.back()}) {
        if (polygon && lc_forest) r->both_ha += ha;
        else if (polygon) r->inventory_only_ha += ha;
        else if (lc_forest) r->landcover_only_ha += ha;
      }
    }
  }
  return rows;
}

nlohmann::json to_json(std::vector<inventory_agreement_row> const& rows)
{
  nlohmann::json a = nlohmann::json::array();
  for (auto const& r : rows)
    a.push_back({{"zone", r.zone},
                 {"forest_in_both_ha", r.both_ha},
                 {"inventory_not_landcover_forest_ha", r.inventory_only_ha},
                 {"landcover_forest_outside_inventory_ha", r.landcover_only_ha}});
  return a;
}

}  // namespace sinkmap::zonal
