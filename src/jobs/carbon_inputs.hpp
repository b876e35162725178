// Everything a carbon pass reads besides the scene: the model, and the land-cover, forest-type,
// forest-age and climate-zone maps warped onto the run's grid with their lookups; plus what the
// run must tell its users about them (provenance for every output, notes and warnings).
#pragma once

#include "models/class_table.hpp"

#include "io/forest_inventory.hpp"
#include "io/scene.hpp"
#include "models/carbon_model.hpp"
#include "models/crosswalk.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct carbon_input_options {
  std::string model = models::default_model_name;
  std::string landcover, crosswalk, landcover_resampling = "nearest";
  std::string forest_type;                                    ///< --forest-type RASTER
  std::string forest_type_crosswalk = "forest_types_north_china";
  std::string forest_age;                                     ///< --forest-age RASTER (years)
  std::string forest_age_class;                               ///< --forest-age-class young|old
  std::string climate_zone;                                   ///< --climate-zone NAME
  std::string climate_zone_map;                               ///< --climate-zone-map RASTER
  std::string climate_zone_crosswalk = "climate_zones_north_china";
  std::string soil_type;                                      ///< --soil-type NAME
  /// [forest_inventory] / --forest-inventory: sub-compartment polygons whose type, age and
  /// growing stock replace the land-cover defaults inside them (uses forest_type_crosswalk).
  io::forest_inventory_options forest_inventory;
  /// The inventory already burnt onto the grid (a run does it once); "" = burn it here.
  std::string forest_inventory_raster;
  int map_year = 0;  ///< the year of the map (0: the survey year): the inventory's ages advance
  bool unmapped_classes = false;  ///< classes without parameters: unmapped pixels, not an error
};

struct carbon_inputs {
  models::carbon_model model;
  /// The maps given, warped onto the grid: land cover, forest type, forest age, climate zone.
  std::vector<io::scene_plane> planes;
  int landcover = -1, forest_type = -1, forest_age = -1, zone = -1;  ///< index into planes
  int volume = -1;               ///< growing stock plane (forest inventory), index into planes
  int increment = -1;            ///< net annual volume increment plane (forest inventory; the accounting's)
  float age_offset_years = 0;    ///< the map's year minus the inventory's survey year
  std::optional<io::forest_inventory> inventory;  ///< the polygons as read (where given)
  std::shared_ptr<io::owned_file> inventory_file;  ///< the burnt inventory, when burnt here
  models::code_lookup landcover_lookup, type_lookup, zone_lookup;
  int default_zone = 0, default_age = 0;
  /// Land-cover pixels per class id (from the code histogram; empty without a land-cover map).
  std::map<int, std::uint64_t> class_pixels;
  std::map<std::string, std::string> metadata;  ///< SINKMAP_* provenance items for outputs
  /// The same choices as a structured record (io/map_metadata.hpp: outputs carry it as their
  /// `carbon_inputs` record), which the Monte Carlo reads back: model_file, model_sha256, soil_type, crosswalk, climate_zone {source: option |
  /// model_default | map, name, map, crosswalk}, age {source: option | model_default | map,
  /// class, map}.
  nlohmann::json record = nlohmann::json::object();
  std::vector<std::string> notes;                ///< what was decided for the user
  std::vector<std::string> warnings;             ///< what the user must look at
};

/// Loads the model the options name (with --soil-type).
models::carbon_model load_model(carbon_input_options const& o);

/// Loads the model, warps and checks the maps onto `grid`, and works out the zone and age
/// defaults, provenance and warnings. Throws bad_input naming the file, field or option.
carbon_inputs prepare_carbon_inputs(carbon_input_options const& o, io::raster_grid const& grid);

/// Fills the classification part of the stage parameters (lookups, planes, zone and age
/// defaults, tables); `first_plane` is the kernel input plane of planes[0].
void bind_carbon_inputs(carbon_inputs const& in, int first_plane, kernels::carbon_stage_params& p);

/// A warning when the centre of `grid` lies outside the model's region (nullopt inside, or
/// when the grid has no coordinate system to tell).
std::optional<std::string> region_warning(models::carbon_model const& m, io::raster_grid const& g);

using models::class_table_text;   // models/class_table.hpp
using models::parse_class_table;

}  // namespace sinkmap::jobs
