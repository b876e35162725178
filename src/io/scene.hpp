// A scene: band roles bound to bands of one or more GDAL rasters that share one pixel grid.
#pragma once

#include "io/band_spec.hpp"
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
};

struct scene {
  std::string path;                ///< SCENE argument ("" when every band names its file)
  std::string grid_file;           ///< the file whose grid the others are checked against
  raster_grid grid;
  std::vector<scene_band> bands;   ///< bound roles, grouped by file (input plane order)
  kernels::pixel_type read_type = kernels::pixel_type::f32;

  [[nodiscard]] scene_band const* find(band_role r) const;
};

/// Opens the scene and binds roles: from --band, else from band descriptions or colour
/// interpretation that name a role (e.g. "nir", "Red"). Scale/offset/nodata: option per role,
/// then option for all, then the band's own GDAL metadata, then 1/0/none. Throws bad_input
/// naming the file or option at fault, and naming both files when grids or CRS differ.
scene open_scene(std::string const& path, scene_options const& opt);

/// Drops the bound roles a run does not read (so each input band is read once, and only if
/// needed), and re-derives the read type.
void keep_roles(scene& s, std::vector<band_role> const& roles);

/// Decode parameters of the bound roles, plane numbers in scene band order.
void fill_decode(scene const& s, kernels::index_stage_params& p);

/// GDAL type name, e.g. "UInt16".
std::string type_name(GDALDataType t);

}  // namespace sinkmap::io
