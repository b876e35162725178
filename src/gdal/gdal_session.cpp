#include "gdal/gdal_session.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"

#include <cpl_error.h>
#include <hdf5.h>
#include <cpl_string.h>

#include <atomic>
#include <filesystem>
#include <cstdio>
#include <mutex>

namespace sinkmap::io {
namespace {

thread_local std::string last_error;
std::atomic<bool> print_warnings{true};

void CPL_STDCALL error_handler(CPLErr level, CPLErrorNum, char const* msg)
{
  if (level == CE_Failure || level == CE_Fatal) {
    last_error = msg ? msg : "unknown GDAL error";
  } else if (level == CE_Warning && print_warnings.load()) {
    std::fprintf(stderr, "sinkmap: GDAL warning: %s\n", msg ? msg : "");
  }
}

}  // namespace

void init_gdal()
{
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(error_handler);
    // Keep GDAL from scanning directories for sidecar files on every open.
    CPLSetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR");
  });
}

void keep_hdf5_from_exit_handlers() { H5dont_atexit(); }

void set_gdal_cache_bytes(std::size_t bytes) { GDALSetCacheMax64(static_cast<GIntBig>(bytes)); }

std::string take_gdal_error()
{
  std::string e;
  e.swap(last_error);
  return e;
}

std::string gdal_reason()
{
  std::string const e = take_gdal_error();
  return e.empty() ? std::string() : " (GDAL: " + e + ")";
}

void set_gdal_warnings(bool on) { print_warnings = on; }

void dataset_closer::operator()(GDALDataset* ds) const { GDALClose(GDALDataset::ToHandle(ds)); }

int band_named(GDALDataset& ds, std::string const& name)
{
  for (int b = 1; b <= ds.GetRasterCount(); ++b)
    if (name == ds.GetRasterBand(b)->GetDescription()) return b;
  return 0;
}

gdal_string_list::gdal_string_list(std::vector<std::string> const& items)
{
  for (auto const& s : items) list_ = CSLAddString(list_, s.c_str());
}

gdal_string_list::~gdal_string_list() { CSLDestroy(list_); }

scoped_thread_config::scoped_thread_config(char const* key, char const* value) : key_(key), set_(value != nullptr)
{
  if (!set_) return;
  if (char const* old = CPLGetThreadLocalConfigOption(key, nullptr)) {
    had_ = true;
    old_ = old;
  }
  CPLSetThreadLocalConfigOption(key, value);
}

scoped_thread_config::~scoped_thread_config()
{
  if (set_) CPLSetThreadLocalConfigOption(key_, had_ ? old_.c_str() : nullptr);
}

std::string vsimem_vrt_path(std::string const& stem)
{
  static std::atomic<int> counter{0};
  return "/vsimem/sinkmap/" + stem + "_" + std::to_string(counter++) + ".vrt";
}

dataset_ptr open_raster(std::string const& path, std::string const& what)
{
  init_gdal();
  take_gdal_error();
  auto* ds = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
  if (!ds) SINKMAP_FAIL(bad_input, what + ": cannot open raster '" + path + "'" + gdal_reason());
  note_input(path);
  if (ds->GetRasterCount() == 0) {
    GDALClose(GDALDataset::ToHandle(ds));
    SINKMAP_FAIL(bad_input, what + ": '" + path + "' has no raster bands");
  }
  return dataset_ptr(ds);
}

GDALDatasetUniquePtr open_text_csv(std::string const& path, std::string const& what)
{
  SINKMAP_EXPECTS(std::filesystem::is_regular_file(path), bad_input, what + ": no file '" + path + "'");
  init_gdal();
  note_input(path);
  // HEADERS=YES: a header of class codes ("map,10,20") is still a header, not a data line.
  char const* const options[] = {"HEADERS=YES", nullptr};
  char const* const drivers[] = {"CSV", nullptr};
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, options));
  SINKMAP_EXPECTS(ds && ds->GetLayerCount() == 1, bad_input, what + ": cannot read '" + path + "' as CSV" + gdal_reason());
  return ds;
}

}  // namespace sinkmap::io
