// Inventory zones from any OGR vector in any CRS, reprojected to the map CRS and rasterized tile
// by tile: a pixel belongs to the zone that holds its centre.
#pragma once

#include "io/scene.hpp"
#include "pipeline/tile_plan.hpp"

#include <ogr_geometry.h>

#include <memory>
#include <string>
#include <vector>

namespace sinkmap::io {

class zone_set {
 public:
  /// Loads every feature of the first (or only) layer; names from `field`. Throws bad_input
  /// naming the file and field, and saying so when no zone overlaps the map.
  zone_set(std::string const& path, std::string const& field, raster_grid const& grid);

  [[nodiscard]] std::size_t size() const { return names_.size(); }
  [[nodiscard]] std::string const& name(int zone_id) const { return names_[std::size_t(zone_id - 1)]; }

  /// Area of zone `zone_id`'s polygon in hectares: planar in a projected map CRS (as the pixel
  /// areas are), on the ellipsoid (a local Lambert azimuthal equal-area projection) otherwise.
  [[nodiscard]] double area_ha(int zone_id) const { return areas_ha_[std::size_t(zone_id - 1)]; }

  /// Zone ids (1-based; 0 outside every zone) of the pixels of `w`, row-major.
  void rasterize(pipeline::window const& w, std::vector<int>& ids) const;

  /// What the user should know: the layer used of a multi-layer file, overlapping zones.
  [[nodiscard]] std::vector<std::string> const& notes() const { return notes_; }

 private:
  void find_overlaps(std::string const& path);
  std::vector<std::string> notes_;
  raster_grid grid_;
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<OGRGeometry>> geoms_;
  std::vector<OGREnvelope> envelopes_;
  std::vector<double> areas_ha_;
};

/// Writes the zone ids of every pixel of `grid` (1-based; 0 outside every zone) as a one-band
/// Float32 GeoTIFF, for a kernel that needs the zone of each pixel (the wood removals).
void write_zone_raster(zone_set const& zones, raster_grid const& grid, std::string const& path);

}  // namespace sinkmap::io
