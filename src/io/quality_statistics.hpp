// Fraction of a product's pixels each mask class flags (for `sinkmap info PRODUCT`).
#pragma once

#include "sensors/product.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sinkmap::io {

struct class_fraction {
  std::string layer, name;
  std::uint64_t pixels = 0, total = 0;
  [[nodiscard]] double fraction() const { return total ? double(pixels) / double(total) : 0.0; }
};

/// Counts, for every class of every quality layer, the pixels it flags; streams the layer by
/// block rows, with the same test the kernels apply.
std::vector<class_fraction> quality_fractions(sensors::product const& p);

}  // namespace sinkmap::io
