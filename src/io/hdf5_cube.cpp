#include "io/hdf5_cube.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace sinkmap::io {
namespace {

void check(herr_t status, std::string const& what, std::string const& path)
{
  if (status < 0) SINKMAP_FAIL(runtime_failure, "cannot write HDF5 cube '" + path + "': " + what);
}

void string_attribute(hid_t obj, char const* name, std::string const& value)
{
  hid_t const type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, std::max<std::size_t>(value.size(), 1));
  hid_t const space = H5Screate(H5S_SCALAR);
  hid_t const attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, type, value.c_str());
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

template <typename T>
void array_attribute(hid_t obj, char const* name, hid_t type, std::vector<T> const& v)
{
  hsize_t const n = v.size();
  hid_t const space = H5Screate_simple(1, &n, nullptr);
  hid_t const attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, type, v.data());
  H5Aclose(attr);
  H5Sclose(space);
}

}  // namespace

hdf5_cube::hdf5_cube(std::string path, std::string const& dataset, std::vector<int> const& years,
                     raster_grid const& grid, std::string const& units)
  : path_(std::move(path)), height_(grid.height), width_(grid.width)
{
  temp_ = temp_path_for(path_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not stderr dumps
  file_ = H5Fcreate(temp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  SINKMAP_EXPECTS(file_ >= 0, bad_input, "cannot create HDF5 cube '" + path_ + "'");
  hsize_t const dims[3] = {hsize_t(years.size()), hsize_t(height_), hsize_t(width_)};
  hsize_t const chunk[3] = {1, hsize_t(std::min(256, height_)), hsize_t(std::min(256, width_))};
  hid_t const space = H5Screate_simple(3, dims, nullptr);
  hid_t const plist = H5Pcreate(H5P_DATASET_CREATE);
  check(H5Pset_chunk(plist, 3, chunk), "chunking", path_);
  check(H5Pset_deflate(plist, 4), "compression", path_);
  float const fill = NAN;
  check(H5Pset_fill_value(plist, H5T_NATIVE_FLOAT, &fill), "fill value", path_);
  dset_ = H5Dcreate2(file_, dataset.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, plist, H5P_DEFAULT);
  H5Pclose(plist);
  H5Sclose(space);
  check(dset_ >= 0 ? 0 : -1, "dataset", path_);
  string_attribute(dset_, "units", units);
  string_attribute(dset_, "dimensions", "year, row, col");
  string_attribute(dset_, "crs_wkt", grid.crs_wkt);
  array_attribute(dset_, "geotransform", H5T_NATIVE_DOUBLE,
                  std::vector<double>(grid.geotransform.begin(), grid.geotransform.end()));
  array_attribute(dset_, "years", H5T_NATIVE_INT, years);
  string_attribute(dset_, "nodata", "NaN");
}

hdf5_cube::~hdf5_cube()
{
  if (dset_ >= 0) H5Dclose(dset_);
  if (file_ >= 0) H5Fclose(file_);
  if (!committed_) std::remove(temp_.c_str());
}

void hdf5_cube::write(int year_index, pipeline::window const& w, float const* values)
{
  hsize_t const start[3] = {hsize_t(year_index), hsize_t(w.y), hsize_t(w.x)};
  hsize_t const count[3] = {1, hsize_t(w.h), hsize_t(w.w)};
  hid_t const file_space = H5Dget_space(dset_);
  H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  hid_t const mem_space = H5Screate_simple(3, count, nullptr);
  herr_t const s = H5Dwrite(dset_, H5T_NATIVE_FLOAT, mem_space, file_space, H5P_DEFAULT, values);
  H5Sclose(mem_space);
  H5Sclose(file_space);
  check(s, "tile at row " + std::to_string(w.y), path_);
}

void hdf5_cube::commit()
{
  H5Dclose(dset_);
  dset_ = -1;
  check(H5Fclose(file_), "close (disk full?)", path_);
  file_ = -1;
  move_into_place(temp_, path_);
  committed_ = true;
}

}  // namespace sinkmap::io
