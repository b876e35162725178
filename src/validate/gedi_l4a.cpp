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
  SINKMAP_EXPECTS(d.id >= 0, bad_input, "'" + file + "': cannot open " + beam + "/" + name);
  h5_handle const s{H5Dget_space(d.id), H5Sclose};
  SINKMAP_EXPECTS(s.id >= 0 && H5Sget_simple_extent_ndims(s.id) == 1, bad_input,
                  "'" + file + "': " + beam + "/" + name + " is not a list of shots (one dimension)");
  hssize_t const n = H5Sget_simple_extent_npoints(s.id);
  // A beam holds at most a few hundred thousand shots a granule; a size beyond 10^8 is a
  // damaged header, not data to allocate for.
  SINKMAP_EXPECTS(n >= 0 && n <= 100000000, bad_input,
                  "'" + file + "': " + beam + "/" + name + " claims " + std::to_string(n) + " shots (damaged file)");
  // The library trusts a dataset's header; a damaged one can point its data outside the file
  // or give compact data of the wrong size, and HDF5 1.10 then reads wild memory. Check the
  // storage against the file before reading.
  {
    h5_handle const dcpl{H5Dget_create_plist(d.id), H5Pclose};
    H5D_layout_t const layout = H5Pget_layout(dcpl.id);
    std::size_t const bytes = std::size_t(n) * H5Tget_size(type);
    if (layout == H5D_CONTIGUOUS && n > 0) {
      haddr_t const offset = H5Dget_offset(d.id);
      hsize_t file_size = 0;
      h5_handle const fid{H5Iget_file_id(d.id), H5Fclose};
      H5Fget_filesize(fid.id, &file_size);
      SINKMAP_EXPECTS(offset != HADDR_UNDEF && offset + bytes <= file_size && H5Dget_storage_size(d.id) >= bytes,
                      bad_input, "'" + file + "': " + beam + "/" + name + " points outside the file (damaged file)");
    } else if (layout == H5D_COMPACT) {
      SINKMAP_EXPECTS(H5Dget_storage_size(d.id) == bytes, bad_input,
                      "'" + file + "': " + beam + "/" + name + " has damaged compact storage");
    } else if (layout != H5D_CHUNKED && n > 0) {
      SINKMAP_FAIL(bad_input, "'" + file + "': " + beam + "/" + name + " has an unknown storage layout");
    }
  }
  std::vector<T> v(static_cast<std::size_t>(n));
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
