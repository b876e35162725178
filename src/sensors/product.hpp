// A delivered product (Landsat Collection 2 Level-2, Sentinel-2 L2A) described as band files
// with their roles, reflectance scaling and quality layers, so users need no band numbers,
// scale factors or QA bit layouts.
#pragma once

#include "sinkmap/kernels/band_role.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::sensors {

using kernels::band_role;

/// One reflectance band of a product.
struct product_band {
  band_role role;
  std::string name;      ///< "SR_B4", "B04"
  std::string file;      ///< path GDAL opens (may be a /vsimem/ VRT when resampled)
  double scale = 1.0, offset = 0.0;
  bool has_nodata = true;
  double nodata = 0.0;
};

/// A mask class: the name users give to --mask and what it selects in the quality layer.
struct mask_class {
  std::string name;   ///< "cloud", "shadow", ...
  std::uint32_t bits; ///< QA bits (bit layer) or class-value bits (class layer)
};

/// A quality layer (QA_PIXEL, QA_RADSAT, SCL) and the classes sinkmap can mask with it.
struct quality_layer {
  std::string name;   ///< "QA_PIXEL", "QA_RADSAT", "SCL"
  std::string file;
  bool by_class = false;  ///< false: bit flags; true: class values (SCL)
  std::vector<mask_class> classes;
};

struct product {
  std::string kind;       ///< "Landsat Collection 2 Level-2", "Sentinel-2 L2A"
  std::string platform;   ///< "LANDSAT_8", "Sentinel-2A"
  std::string sensor;     ///< "OLI_TIRS", "MSI"
  std::string date;       ///< acquisition date, ISO 8601
  std::string metadata_file;
  std::vector<product_band> bands;
  std::vector<quality_layer> quality;
  std::vector<std::string> notes;  ///< what sinkmap chose for the user (resampling, fallbacks)
  /// A STAC item's bbox (west, south, east, north; degrees, WGS 84), where it gives one.
  std::optional<std::array<double, 4>> footprint;
};

struct product_options {
  int resolution = 0;  ///< Sentinel-2 output grid in metres (10, 20, 60); 0: finest present
};

/// Recognises a product folder or metadata file and reads it; nullopt for anything else (a
/// plain raster). Throws bad_input naming the metadata file and the field it could not read, or
/// the band file that is missing.
std::optional<product> open_product(std::string const& path, product_options const& opt = {});

/// Mask class names every product understands, for --help and messages.
std::string mask_class_names();

/// Parses --mask ("cloud,shadow", "none", "default"); throws bad_input on an unknown class.
/// Returns the class names to mask; an empty list masks nothing.
std::vector<std::string> parse_mask_spec(std::string const& spec);

/// A band read at another resolution (metres): a VRT in GDAL's in-memory file system that
/// resamples on the fly (average when coarsening, bilinear when refining, nearest for classes).
std::string resampled_band(std::string const& src, int from, int to, bool classes);

/// The quality layers and the classes they mask, shared by the product readers and STAC items:
/// Landsat C2 QA_PIXEL (bits), QA_RADSAT (`saturated_bits`: bit n-1 for band n) and the
/// Sentinel-2 scene classification (class values).
quality_layer landsat_qa_pixel(std::string const& file);
quality_layer landsat_qa_radsat(std::string const& file, std::uint32_t saturated_bits);
quality_layer sentinel2_scl(std::string const& file);

// Readers (product.cpp dispatches to them).
std::optional<product> open_landsat_c2l2(std::string const& path);
std::optional<product> open_sentinel2_l2a(std::string const& path, product_options const& opt);

}  // namespace sinkmap::sensors
