// Carbon model files (JSON with uncertain numbers, tables by zone, age and soil).
#include "fuzz_target.hpp"
#include "models/carbon_model.hpp"
SINKMAP_FUZZ_TARGET(model, "model.json", sinkmap::models::load_carbon_model(path))
