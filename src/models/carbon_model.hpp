// Carbon model files (models/carbon/*.json): per ecosystem class an above-ground biomass model,
// a root-to-shoot ratio, a carbon fraction and dead organic matter and soil carbon densities,
// each with its source. Parsed and validated into the plain structs the kernels read.
#pragma once

#include "sinkmap/kernels/carbon_stage.hpp"

#include <string>
#include <vector>

namespace sinkmap::models {

struct carbon_model {
  std::string name, file;
  kernels::class_model classes[kernels::ecosystem_class_count];
  kernels::threshold_classifier classifier;  ///< *_output index into index_names
  std::vector<std::string> index_names;       ///< the indices the models and classifier read
  std::vector<std::string> agb_sources;       ///< per class id ("" where not covered)
};

/// Loads and validates a model file. Throws bad_input naming the file and the field (e.g.
/// "models/x.json: classes.forest.agb.b: missing") for a missing, mistyped or out-of-range
/// field and for unknown classes, forms or indices.
carbon_model load_carbon_model(std::string const& path);

/// Adds NDVI and NDWI to the model's indices for the threshold classifier (runs without a
/// land-cover map).
void use_threshold_classifier(carbon_model& m);

/// Path of a model shipped in models/carbon/ given its name, or the path itself.
std::string resolve_model_path(std::string const& name_or_path);

}  // namespace sinkmap::models
