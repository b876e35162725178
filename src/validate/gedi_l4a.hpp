// GEDI L4A footprint biomass granules (HDF5): agbd, agbd_se, lat_lowestmode, lon_lowestmode and
// l4_quality_flag of every BEAM group.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkmap::validate {

struct gedi_shot {
  std::string beam;
  std::size_t index = 0;  ///< shot index within its beam
  double lat = 0, lon = 0;
  double agbd = 0, agbd_se = 0;  ///< Mg / ha
  int quality = 0;
};

/// True for an HDF5 file (by signature).
bool is_hdf5(std::string const& path);

/// Reads every shot of every BEAM group; only l4_quality_flag == 1 unless `all_quality`; shots
/// with agbd fill (-9999) are always dropped. Throws bad_input naming what is missing when the
/// file is HDF5 but not GEDI L4A.
std::vector<gedi_shot> read_gedi_l4a(std::string const& path, bool all_quality);

}  // namespace sinkmap::validate
