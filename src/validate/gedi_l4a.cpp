#include "validate/gedi_l4a.hpp"

#include "core/error.hpp"

#include <hdf5.h>

#include <vector>

namespace sinkmap::validate {
namespace {

struct h5_handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~h5_handle()
  {
    if (id >= 0) close(id);
  }
};

template <typename T>
std::vector<T> read_dataset(hid_t group, std::string const& beam, char const* name, hid_t type,
                            std::string const& file)
{
  SINKMAP_EXPECTS(H5Lexists(group, name, H5P_DEFAULT) > 0, bad_input,
                  "'" + file + "' is not a GEDI L4A granule: " + beam + "/" + name + " is missing");
  h5_handle const d{H5Dopen2(group, name, H5P_DEFAULT), H5Dclose};
  h5_handle const s{H5Dget_space(d.id), H5Sclose};
  hssize_t const n = H5Sget_simple_extent_npoints(s.id);
  std::vector<T> v(std::size_t(std::max<hssize_t>(n, 0)));
  if (n > 0 && H5Dread(d.id, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    SINKMAP_FAIL(bad_input, "'" + file + "': cannot read " + beam + "/" + name);
  return v;
}

herr_t collect_beam(hid_t, char const* name, H5L_info_t const*, void* data)
{
  std::string const n(name);
  if (n.rfind("BEAM", 0) == 0) static_cast<std::vector<std::string>*>(data)->push_back(n);
  return 0;
}

}  // namespace

bool is_hdf5(std::string const& path)
{
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  return H5Fis_hdf5(path.c_str()) > 0;  // HDF5 1.10 (Debian 12) API
}

std::vector<gedi_shot> read_gedi_l4a(std::string const& path, bool all_quality)
{
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  h5_handle const f{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  SINKMAP_EXPECTS(f.id >= 0, bad_input, "--plots: cannot open HDF5 file '" + path + "'");
  std::vector<std::string> beams;
  H5Literate(f.id, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_beam, &beams);
  SINKMAP_EXPECTS(!beams.empty(), bad_input,
                  "'" + path + "' is not a GEDI L4A granule: no BEAM groups");
  std::vector<gedi_shot> shots;
  for (auto const& beam : beams) {
    h5_handle const g{H5Gopen2(f.id, beam.c_str(), H5P_DEFAULT), H5Gclose};
    auto const agbd = read_dataset<double>(g.id, beam, "agbd", H5T_NATIVE_DOUBLE, path);
    auto const se = read_dataset<double>(g.id, beam, "agbd_se", H5T_NATIVE_DOUBLE, path);
    auto const lat = read_dataset<double>(g.id, beam, "lat_lowestmode", H5T_NATIVE_DOUBLE, path);
    auto const lon = read_dataset<double>(g.id, beam, "lon_lowestmode", H5T_NATIVE_DOUBLE, path);
    auto const q = read_dataset<int>(g.id, beam, "l4_quality_flag", H5T_NATIVE_INT, path);
    SINKMAP_EXPECTS(se.size() == agbd.size() && lat.size() == agbd.size() &&
                      lon.size() == agbd.size() && q.size() == agbd.size(),
                    bad_input, "'" + path + "' " + beam + ": datasets differ in length");
    for (std::size_t i = 0; i < agbd.size(); ++i) {
      if (agbd[i] == -9999 || (!all_quality && q[i] != 1)) continue;
      shots.push_back({beam, i, lat[i], lon[i], agbd[i], se[i], q[i]});
    }
  }
  return shots;
}

}  // namespace sinkmap::validate
