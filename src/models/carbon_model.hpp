// Carbon model files (models/carbon/*.json): the ecosystem classes a model defines (name,
// reporting group, integer id), per class an above-ground biomass model, a root-to-shoot ratio,
// a carbon fraction, dead organic matter and soil carbon, growth and disturbance-loss factors,
// each chosen by climate zone, forest age class and soil type and each with its source and
// uncertainty; the model's region, soil depth, default zone and age class, and its crosswalks.
// Parsed and validated into the plain tables the kernels read (kernels/carbon_stage.hpp).
#pragma once

#include "models/parameter_library.hpp"
#include "sinkmap/kernels/carbon_stage.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sinkmap::models {

struct class_info {
  int id = 0;
  std::string name, description;
  std::string name_zh;  ///< the class's Chinese name, for Chinese reports ("" = none)
  kernels::class_group group = kernels::class_group::none;
  std::string absent_in_region;  ///< why the region has no such class ("" if it may occur)
  bool proxy = false;            ///< the class borrows another class's factors
  bool tier1 = true;             ///< biomass is a Tier 1 constant (not an imagery model)
  std::string agb_source;
  /// Pools the model does not estimate for this class (IPCC notation NE): pool -> (reason,
  /// the climate zones where it applies).
  std::map<std::string, std::pair<std::string, std::set<std::string>>> not_estimated;
  /// Zone / age combinations without parameters (NA), with the reason.
  std::vector<std::string> not_available;
  /// Biomass conversion and expansion factors by growing-stock level (IPCC 2006 Vol. 4 Table
  /// 4.5), for wood removals given as volume: empty where the model gives none for the class.
  struct bcef_step {
    double growing_stock_below = INFINITY;  ///< m3/ha; the last step: all larger stocks
    double bcef_s = 0, bcef_r = 0;           ///< Mg d.m. per m3 (growing stock, removals)
    double bcef_i = NAN;                     ///< Mg d.m. per m3 of net annual increment (NaN: none)
  };
  std::vector<bcef_step> bcef;
  std::string bcef_source;
  /// How a forest inventory's growing stock becomes biomass for this class ("" where it takes
  /// none: its land-cover biomass applies inside inventory polygons too): "linear" (B = a V + b)
  /// or "bcef_table"; what B is ("agb" or "total_biomass", roots included) and the source.
  std::string volume_form, volume_output, volume_source;
  /// Depth of the class's soil pool (cm): the model's soil_depth_cm unless the class gives its
  /// own (coastal wetland soils are 0-100 cm in the Wetlands Supplement); never added to another
  /// depth without saying so.
  double soil_depth_cm = 30;
  std::string soil_depth_source;
  /// Coastal wetland (WS Ch. 4): its soil follows the coastal rules when it is converted.
  bool coastal = false;
  /// What a coastal wetland's soil undergoes when converted into this class (kernels::
  /// coastal_soil), and the source of that choice.
  unsigned char coastal_soil_rule = 0;
  std::string coastal_soil_source;
};

struct zone_info {
  int id = 0;
  std::string name, soil_climate, ecological_zone, description;
};

/// Which field of a parameter set a quantity fills (for the Monte Carlo's re-evaluation).
enum class set_field { a, b, rs_ratio_0, rs_ratio_1, rs_ratio_2, rs_ratio_3, carbon_fraction,
                       dead_c, soil_c, growth, loss_fraction, soil_gain, soil_loss, burial, soil_half_life,
                       vb_a, vb_b };

struct set_binding {
  int set = 0;
  set_field field = set_field::a;
  quantity q;
};

/// Run-time choices that select the model's tables (the per-pixel zone and age come from maps).
struct model_choice {
  std::string soil_type;  ///< "" = the model's default
};

struct carbon_model {
  std::string name, version, description, file, sha256;
  std::string deprecated;                 ///< why a legacy model should not be used
  std::vector<std::string> known_errors;  ///< documented errors of a legacy model
  std::string region_description;
  std::string region_description_zh;  ///< for the Chinese report ("" = none)
  double lon_min = -180, lon_max = 180, lat_min = -90, lat_max = 90;
  double soil_depth_cm = 30;
  /// Wetlands that remain wetlands: "tier1" (no soil change, IPCC Tier 1) or "burial_rate" (each
  /// class's burial_rate, a national practice), with the model's reason; named in every output.
  std::string wetland_soil = "tier1";
  std::string wetland_soil_reason;
  std::vector<class_info> classes;        ///< in id order
  std::vector<zone_info> zones;           ///< in id order
  int default_zone = 0;
  std::string default_zone_reason;
  /// A coarse climate-zone map of the model's region (climate_zones.map): used where no zone is
  /// given and the run's grid lies inside it; its crosswalk's name; where it comes from.
  std::string zone_map, zone_map_crosswalk, zone_map_source;
  double age_boundary_years = 20;
  int default_age = 0;                    ///< 0 young, 1 old
  std::string default_age_reason;
  bool has_ages = false;                  ///< the model defines age classes
  std::vector<std::string> soil_types;
  std::string soil_type;                  ///< the one in use ("" if the model has none)
  std::map<std::string, std::string> crosswalks;  ///< product name -> crosswalk file
  std::vector<std::string> index_names;   ///< the indices the models and classifier read
  kernels::threshold_classifier classifier;
  bool has_classifier = false;
  double dnbr_threshold = NAN;            ///< disturbance: dNBR above this inside forest
  std::string dnbr_source;

  std::vector<uncertain_parameter> parameters;
  std::vector<joint_group> joints;
  std::vector<set_binding> bindings;      ///< how each set's numbers come from parameters
  std::shared_ptr<kernels::class_tables> tables;  ///< at the parameters' values

  /// Class id of a name, or nullopt.
  [[nodiscard]] std::optional<int> class_id(std::string const& name) const;
  /// Name of a class id ("none" for 0 or an unknown id).
  [[nodiscard]] std::string class_name(int id) const;
  [[nodiscard]] class_info const* find_class(int id) const;
  /// Zone index of a name, or nullopt.
  [[nodiscard]] std::optional<int> zone_id(std::string const& name) const;
  /// "a, b, c": the class names (for messages).
  [[nodiscard]] std::string class_name_list() const;
  [[nodiscard]] std::string zone_name_list() const;
  /// The parameters marked unverified or proxy that the tables use.
  [[nodiscard]] std::vector<std::string> flagged_parameters() const;
  /// Every NE pool: "pool not estimated for class, class (zones): reason; ...".
  [[nodiscard]] std::string not_estimated_summary() const;
  /// Whether a class's soil pool is estimated in some zone (not NE everywhere).
  [[nodiscard]] bool soil_estimated(class_info const& c) const;
  /// The soil depths of the classes whose soil is estimated, ascending (one when they all agree).
  [[nodiscard]] std::vector<int> soil_depths() const;
  /// "0-30 cm" or "0-30 cm (forest, ...), 0-100 cm (tidal_marsh, ...)": for metadata and reports.
  [[nodiscard]] std::string soil_depth_summary() const;
};

/// Loads and validates a model file. Throws bad_input naming the file and the field (e.g.
/// "models/x.json: classes.forest.agb.b: missing") for a missing, mistyped or out-of-range
/// field, an unknown form, index, zone, age or soil type, and a class id outside 1..31.
carbon_model load_carbon_model(std::string const& path, model_choice const& choice = {});

/// The classes' BCEF tables (IPCC 2006 Vol. 4 Table 4.5) as the kernels read them.
kernels::bcef_tables bcef_tables_of(carbon_model const& m);

/// Tables at other parameter values (a Monte Carlo draw): the same sets, re-evaluated.
void evaluate_tables(carbon_model const& m, std::vector<double> const& parameter_values,
                     kernels::class_tables& out);

/// Adds NDVI (and NDWI where the scene has a green band) to the model's indices for the
/// threshold classifier (runs without a land-cover map); throws bad_input if the model has no
/// classifier section. Without green, water cannot be told apart (NDVI < bare_ndvi: bare).
void use_threshold_classifier(carbon_model& m, bool have_green = true);

/// Path of a model shipped in models/carbon/ given its name, or the path itself.
std::string resolve_model_path(std::string const& name_or_path);

/// The shipped default model's name.
inline constexpr char const* default_model_name = "north_china_2019";

/// SHA-256 of a file, as 64 hex digits.
std::string sha256_of_file(std::string const& path);

/// "forest", "grassland", "cropland", "wetland", "settlement", "other" ("" for none).
std::string group_name(kernels::class_group g);

}  // namespace sinkmap::models
