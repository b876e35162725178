// Land-cover accuracy for the Monte Carlo: a confusion matrix (CSV: a row per map class, a
// column per reference class, counts; labels are the model's class names or the land-cover
// product's codes, mapped through its crosswalk) turned into, per map class, the cumulative
// probabilities of the true class from which each pixel's class is drawn per iteration.
#pragma once

#include "models/carbon_model.hpp"
#include "models/crosswalk.hpp"
#include "sinkmap/kernels/ecosystem_class.hpp"

#include <optional>
#include <string>

namespace sinkmap::uncertainty {

struct confusion_matrix {
  /// [map class][k]: P(true class id <= k | map class); identity for classes without a row.
  float cdf[kernels::max_classes][kernels::max_classes];
};

/// Reads the CSV. Labels that are integers go through `codes` (the land-cover crosswalk) when
/// given; others must be the model's class names. Throws bad_input naming the file, line and
/// label (an unknown class, a negative or missing count, a row without any count).
confusion_matrix read_confusion(std::string const& path, models::carbon_model const& m,
                                std::optional<models::code_lookup> const& codes);

}  // namespace sinkmap::uncertainty
