// A scene: band roles bound to bands of one or more GDAL rasters that share one pixel grid.
#pragma once

#include "io/band_spec.hpp"
#include "io/grid_spec.hpp"
#include "sensors/product.hpp"
#include "sinkmap/kernels/index_stage.hpp"
#include "sinkmap/kernels/pixel_type.hpp"

#include <gdal.h>

#include <array>
#include <string>
#include <vector>

namespace sinkmap::io {

/// The pixel grid every input shares and every output copies.
struct raster_grid {
  int width = 0, height = 0;
  std::array<double, 6> geotransform{0, 1, 0, 0, 0, 1};
  bool has_geotransform = false;
  std::string crs_wkt;   ///< "" where the file has no CRS
  int block_w = 256, block_h = 256;
};

/// One bound role.
struct scene_band {
  band_role role;
  band_source source;
  GDALDataType type = GDT_Unknown;
  double scale = 1.0, offset = 0.0;
  bool has_nodata = false;
  double nodata = 0.0;
  std::string description;
};

/// Options that bind roles and turn digital numbers into reflectance.
struct scene_options {
  std::vector<std::string> bands;    ///< --band ROLE=N | ROLE=FILE[:N]
  std::vector<std::string> scales;   ///< --scale V | ROLE=V
  std::vector<std::string> offsets;  ///< --offset V | ROLE=V
  std::vector<std::string> nodata;   ///< --nodata V | ROLE=V
  std::string mask = "default";      ///< --mask: quality classes to mask in products
  int resolution = 0;                ///< --resolution: Sentinel-2 output grid (m)
  grid_spec grid;                    ///< --grid ...: warp every input onto one target grid
  std::string stac;                  ///< --stac ITEMS.json: STAC items in place of SCENE paths
};

/// A quality plane read with the bands: pixels it flags become nodata in every output.
struct scene_mask {
  std::string name;      ///< "QA_PIXEL", "QA_RADSAT", "SCL"
  band_source source;
  bool by_class = false;
  std::uint32_t bits = 0;
  GDALDataType type = GDT_Unknown;
};

/// Another plane on the scene grid that a stage reads (e.g. warped land-cover codes).
struct scene_plane {
  std::string name;
  band_source source;
  GDALDataType type = GDT_Unknown;
};

struct scene {
  std::string path;                ///< SCENE (a mosaic VRT for several inputs; "" if none)
  std::string grid_file;           ///< the file whose grid the others are checked against
  raster_grid grid;
  std::vector<scene_band> bands;   ///< bound roles, grouped by file (input planes first)
  std::vector<scene_mask> masks;   ///< quality planes, after the band planes
  std::vector<scene_plane> extra;  ///< further planes a stage reads (land cover), after masks
  kernels::pixel_type read_type = kernels::pixel_type::f32;
  std::optional<sensors::product> product;  ///< set when SCENE is a Landsat / Sentinel-2 product

  [[nodiscard]] scene_band const* find(band_role r) const;
  /// Band planes then mask planes, the order the tile source fills them.
  [[nodiscard]] std::vector<band_source> plane_sources() const;
};

/// Opens the scene and binds roles. SCENE may be a plain raster, a Landsat C2L2 product (folder
/// or MTL) or a Sentinel-2 L2A product (.SAFE or MTD_MSIL2A.xml); several SCENEs of one date are
/// mosaicked into one grid. Roles come from the product, else from --band, else from band
/// descriptions or colour interpretation that name a role. Scale/offset/nodata: option per role,
/// option for all, the product's metadata, the band's GDAL metadata, then 1/0/none. Throws
/// bad_input naming the file, field or option at fault, and both files when grids or CRS differ.
scene open_scene(std::vector<std::string> const& paths, scene_options const& opt);
scene open_scene(std::string const& path, scene_options const& opt);

/// The products of `opt.stac` (sensors/stac_items.hpp), with --resolution and --scale applied,
/// less the items whose bbox misses a target grid of known extent (--extent, --like), counted.
struct stac_selection {
  std::vector<sensors::product> products;
  int items = 0, outside_grid = 0;
  /// "N of M STAC items ... skipped", or "" where none was.
  [[nodiscard]] std::string note(std::string const& file) const;
};
stac_selection stac_products(scene_options const& opt);

/// Drops the bound roles a run does not read (so each input band is read once, and only if
/// needed), and re-derives the read type.
void keep_roles(scene& s, std::vector<band_role> const& roles);

/// Throws bad_input naming both files when two grids differ in size, geotransform or CRS.
void check_same_grid(raster_grid const& ref, std::string const& ref_file, raster_grid const& g,
                     std::string const& file);

/// The pixel grid of a raster file.
raster_grid grid_of_file(std::string const& path);

/// The sample type all planes are read as: their own when they agree, float32 otherwise.
kernels::pixel_type common_read_type(std::vector<GDALDataType> const& types);

/// Re-derives scene.read_type after planes were added or removed.
void update_read_type(scene& s);

/// Decode parameters of the bound roles, plane numbers in scene band order.
void fill_decode(scene const& s, kernels::index_stage_params& p);

/// GDAL type name, e.g. "UInt16".
std::string type_name(GDALDataType t);

}  // namespace sinkmap::io
