// Names of sinkmap's ecosystem classes, as model files, crosswalks and inventories write them.
#pragma once

#include "sinkmap/kernels/ecosystem_class.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sinkmap::models {

using kernels::ecosystem_class;

std::string_view class_name(int id);
std::optional<int> parse_class(std::string_view name);
std::string class_name_list();

}  // namespace sinkmap::models
