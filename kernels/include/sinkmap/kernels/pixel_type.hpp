// Input sample types the fused stages read natively (no host-side conversion to float, so a
// uint16 scene crosses PCIe at 2 bytes per sample). Other GDAL types are read as float32.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sinkmap::kernels {

enum class pixel_type : int { u8, i8, u16, i16, f32 };

constexpr std::size_t pixel_type_size(pixel_type t)
{
  switch (t) {
    case pixel_type::u8:
    case pixel_type::i8: return 1;
    case pixel_type::u16:
    case pixel_type::i16: return 2;
    case pixel_type::f32: return 4;
  }
  return 0;
}

/// Calls f(T{}) with the C++ type of `t`.
template <typename F>
decltype(auto) dispatch_pixel_type(pixel_type t, F&& f)
{
  switch (t) {
    case pixel_type::u8: return f(std::uint8_t{});
    case pixel_type::i8: return f(std::int8_t{});
    case pixel_type::u16: return f(std::uint16_t{});
    case pixel_type::i16: return f(std::int16_t{});
    case pixel_type::f32:
    default: return f(float{});
  }
}

}  // namespace sinkmap::kernels
