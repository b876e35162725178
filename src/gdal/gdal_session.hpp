// The GDAL boundary (PDAL's lesson), below sensors and io (both open datasets through it; its
// namespace is io's, whose boundary it is): GDAL status codes become exceptions, GDAL's own messages
// are captured per thread and appended to ours, and the block cache is bounded by the run's
// memory budget.
#pragma once

#include <gdal_priv.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace sinkmap::io {

/// Registers the drivers and installs sinkmap's GDAL error handler (idempotent).
void init_gdal();

/// Keeps HDF5 from closing files at process exit (main() calls it first). A netCDF cube whose
/// close failed on a full disk leaves an HDF5 file id whose netCDF state is gone; HDF5's exit
/// handler then crashed (SIGSEGV) after sinkmap had reported the failure. Every file sinkmap
/// writes is closed (or discarded) before exit, so nothing is lost.
void keep_hdf5_from_exit_handlers();

/// Bounds GDAL's block cache (GDAL defaults to 5% of RAM, too much for bounded-memory runs).
void set_gdal_cache_bytes(std::size_t bytes);

/// Returns and clears the last GDAL error message raised on this thread ("" if none).
std::string take_gdal_error();

/// Prints GDAL warnings to stderr (default on; `sinkmap --quiet` turns it off).
void set_gdal_warnings(bool on);

struct dataset_closer {
  void operator()(GDALDataset* ds) const;
};
using dataset_ptr = std::unique_ptr<GDALDataset, dataset_closer>;

/// Opens a raster read-only; throws bad_input "cannot open raster 'PATH': <GDAL's reason>".
/// `what` names the role of the file in messages (e.g. "scene", "--band red").
dataset_ptr open_raster(std::string const& path, std::string const& what = "raster");

/// The first band whose description is `name` (sinkmap names its output bands), or 0.
int band_named(GDALDataset& ds, std::string const& name);

/// " (GDAL: msg)" from take_gdal_error(), or "".
std::string gdal_reason();

/// Opens a CSV table with its header row, every value as text (the callers' checks then name
/// what is wrong in a cell, line and column); `what` names the option in messages ("harvest").
/// Throws bad_input for a missing or unreadable file.
GDALDatasetUniquePtr open_text_csv(std::string const& path, std::string const& what);

/// An owned GDAL string list (char**): creation options, or the arguments of a GDAL utility
/// (GDALTranslate, GDALWarp, GDALBuildVRT).
class gdal_string_list {
 public:
  explicit gdal_string_list(std::vector<std::string> const& items);
  ~gdal_string_list();
  gdal_string_list(gdal_string_list const&) = delete;
  gdal_string_list& operator=(gdal_string_list const&) = delete;
  [[nodiscard]] char** get() const { return list_; }

 private:
  char** list_ = nullptr;
};

/// Sets a GDAL configuration option for the calling thread while in scope, then gives it back
/// the value it had (nullptr as the value: leaves the option as it is).
class scoped_thread_config {
 public:
  scoped_thread_config(char const* key, char const* value);
  ~scoped_thread_config();
  scoped_thread_config(scoped_thread_config const&) = delete;
  scoped_thread_config& operator=(scoped_thread_config const&) = delete;

 private:
  char const* key_;
  bool set_;
  bool had_ = false;
  std::string old_;
};

/// A new, unique VRT path in GDAL's in-memory file system: /vsimem/sinkmap/STEM_N.vrt.
std::string vsimem_vrt_path(std::string const& stem);

}  // namespace sinkmap::io
