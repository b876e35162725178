// A forest management inventory (sub-compartment polygons with dominant species or forest type,
// origin, age and growing stock) read from any OGR vector, checked field by field, and burnt
// onto the run's grid: the class each polygon stands for (through a forest-type crosswalk's codes
// or labels), its stand age at the survey and its growing stock. Inside the polygons these
// replace the land-cover defaults of forest pixels (kernels/carbon_stage.hpp: forest-type
// refinement, age plane, volume plane; the accounting's increment plane); the ages advance from
// the survey year.
#pragma once

#include "io/scene.hpp"
#include "models/carbon_model.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sinkmap::io {

struct forest_inventory_options {
  std::string file;          ///< any OGR vector (GeoPackage, Shapefile, ...)
  std::string layer;         ///< "" = the first (or only) layer
  int year = 0;              ///< the survey year: ages and volumes are of that year
  std::string type_field;    ///< dominant species / forest type: a code or a label of the crosswalk
  std::string origin_field;  ///< "" = none; values through the crosswalk's origins
  std::string age_field;     ///< "" = none; stand age in years at the survey
  std::string volume_field;  ///< "" = none; growing stock, m3/ha
  std::string increment_field;  ///< "" = none; net annual volume increment, m3/ha/yr (the stand's growth)
  std::string crosswalk = "forest_types_north_china";
  [[nodiscard]] bool given() const { return !file.empty(); }
};

/// One sub-compartment as read.
struct inventory_stand {
  long long fid = 0;
  int class_id = 0;
  float age = NAN;     ///< years at the survey (NaN: not given)
  float volume = NAN;  ///< m3/ha (NaN: not given)
  float increment = NAN;  ///< m3/ha/yr (NaN: not given)
};

/// The bands of a burnt inventory raster, in order.
enum inventory_band : int { ib_class = 0, ib_age, ib_volume, ib_increment, inventory_bands };

struct forest_inventory {
  std::string layer, crosswalk_file;
  std::vector<inventory_stand> stands;
  std::map<int, std::size_t> stands_per_class;
  std::size_t without_volume = 0, without_age = 0, without_increment = 0, zero_increment = 0;
  std::vector<std::string> notes;
};

/// Reads and checks every polygon. Throws bad_input naming the file, the polygon (FID) and the
/// field: a missing field, a volume that is negative or not a number, an age below zero (a
/// stand planted after its survey) or not a number, a type or origin the crosswalk does not
/// know, a class the model lacks.
forest_inventory read_forest_inventory(forest_inventory_options const& o, models::carbon_model const& m);

/// Burns the polygons onto `grid` as a Float32 GeoTIFF at `path` (inventory_band: class id, 0
/// outside every polygon; age at the survey; volume; increment; NaN where not given), strip by
/// strip, so the grid's size is bounded by disk. A pixel belongs to the polygon that holds its
/// centre; where polygons overlap, the later one.
void burn_forest_inventory(forest_inventory_options const& o, forest_inventory const& inv,
                           raster_grid const& grid, std::string const& path);

/// A file removed when the last owner lets go (a run's temporary raster).
struct owned_file {
  std::string path;
  explicit owned_file(std::string p) : path(std::move(p)) {}
  ~owned_file();
  owned_file(owned_file const&) = delete;
  owned_file& operator=(owned_file const&) = delete;
};

/// A fresh path for a temporary raster in the system's temporary folder.
std::string temporary_raster_path(std::string const& stem);

}  // namespace sinkmap::io
