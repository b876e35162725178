// The per-class numbers the yearly carbon accounting needs beyond a model's stock tables, derived
// from those tables (no new coefficients): B_AFTER, the biomass a class holds one year after a
// conversion into it, and the mature stock where growth stops (kernels/accounting_stage.hpp).
#pragma once

#include "models/carbon_model.hpp"
#include "sinkmap/kernels/accounting_stage.hpp"

#include <string>
#include <vector>

namespace sinkmap::models {

/// Fills after_above/after_below, mature_agb and grows_from_zero of `p` from the model's tables:
///  - a class with a positive growth rate G_W in any age class of a zone grows from 0 after a
///    conversion (IPCC 2006 V4 Sect. 2.3.1.2: biomass immediately after conversion to forest is
///    0 at Tier 1; perennial crops accumulate from planting, Table 5.1);
///  - a class without growth (annual crops, grassland, settlements at Tier 1) holds its Tier 1
///    stock one year after the conversion (Table 5.9 for cropland, Table 6.4 for grassland), the
///    stock of its default age class in the zone;
///  - the mature stock of a growing class is the largest constant (Tier 1) above-ground stock
///    of the class in the zone over its age classes; a class whose biomass comes from an imagery
///    model stops at that model's upper clamp (no limit where it has none).
/// Returns notes for the run's manifest (classes without any stock to start from).
std::vector<std::string> fill_accounting_tables(carbon_model const& m, kernels::class_tables const& t,
                                                kernels::accounting_params& p);

}  // namespace sinkmap::models
