#include "io/gdal_tile_source.hpp"

#include "core/error.hpp"
#include "core/open_file_limit.hpp"
#include "gdal/gdal_session.hpp"

#include <set>

namespace sinkmap::io {

GDALDataType gdal_type(kernels::pixel_type t)
{
  switch (t) {
    case kernels::pixel_type::u8: return GDT_Byte;
    case kernels::pixel_type::u16: return GDT_UInt16;
    case kernels::pixel_type::i16: return GDT_Int16;
    default: return GDT_Float32;
  }
}

gdal_tile_source::gdal_tile_source(std::vector<band_source> const& planes,
                                   kernels::pixel_type type, int readers)
  : type_(type), handles_(std::size_t(std::max(readers, 1)))
{
  for (std::size_t i = 0; i < planes.size(); ++i) {
    auto const& src = planes[i];
    if (groups_.empty() || groups_.back().file != src.file)
      groups_.push_back({src.file, {}, int(i)});
    groups_.back().band_numbers.push_back(src.band);
  }
  // GDAL's JPEG2000 drivers share decoder state between handles of one file: reading one such
  // file from two threads gave wrong pixels under load (seen with JP2OpenJPEG, GDAL 3.6). Those
  // files are read one thread at a time; other files (GeoTIFF) stay fully parallel. Their
  // decoding also stays on the reading thread (GDAL_NUM_THREADS=1 there, see read()).
  // Each reader keeps a handle on every file.
  std::set<std::string> files;
  for (auto const& g : groups_) files.insert(g.file);
  reserve_open_files(files.size() * handles_.size(),
                     "reading " + std::to_string(files.size()) + " files with " + std::to_string(handles_.size()) + " threads");
  for (auto const& g : groups_) {
    if (serial_.count(g.file)) continue;
    auto ds = open_raster(g.file, "input");
    GDALDataset* base = ds.get();
    // A VRT (resampled band, mosaic) reads its sources through the same drivers.
    std::string driver = base->GetDriver() ? base->GetDriver()->GetDescription() : "";
    if (driver == "VRT") {
      char** files = base->GetFileList();
      for (char** f = files; f && *f; ++f) {
        std::string const name = *f;
        auto const dot = name.rfind('.');
        if (dot != std::string::npos && (name.substr(dot) == ".jp2" || name.substr(dot) == ".JP2"))
          driver = "JP2";
      }
      CSLDestroy(files);
    }
    if (driver.rfind("JP2", 0) == 0) serial_[g.file] = std::make_unique<std::mutex>();
  }
}

std::size_t reader_handle_bytes(std::vector<band_source> const& planes)
{
  constexpr std::size_t per_handle = 4 << 10;  // libtiff's directory, GDAL's band objects
  std::set<std::string> files;
  for (auto const& p : planes) files.insert(p.file);
  std::size_t total = 0;
  for (auto const& f : files) {
    auto ds = open_raster(f, "input");
    total += per_handle;
    if (ds->GetRasterCount() < 1) continue;
    auto* band = ds->GetRasterBand(1);
    int bw = 0, bh = 0;
    band->GetBlockSize(&bw, &bh);
    std::size_t const block = std::size_t(bw) * std::size_t(bh) * std::size_t(GDALGetDataTypeSizeBytes(band->GetRasterDataType()));
    std::string const driver = ds->GetDriver() ? ds->GetDriver()->GetDescription() : "";
    char const* interleave = ds->GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE");
    char const* compression = ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE");
    bool const pixel_interleaved = interleave && std::string(interleave) == "PIXEL" && ds->GetRasterCount() > 1;
    if (driver != "GTiff" || pixel_interleaved) total += block * std::size_t(ds->GetRasterCount());
    else if (compression) total += block;
  }
  return total;
}

void gdal_tile_source::read(int reader, pipeline::window const& w, void* dst)
{
  auto& mine = handles_.at(std::size_t(reader));
  GDALDataType const type = gdal_type(type_);
  auto const sample = std::size_t(GDALGetDataTypeSizeBytes(type));
  std::size_t const plane_bytes = w.pixels() * sample;
  for (auto& g : groups_) {
    auto const serial = serial_.find(g.file);
    // JPEG 2000: OpenJPEG's own decoding threads, with two files read at once by two of our
    // threads, left runs of pixels NaN now and then (Sentinel-2 bands, GDAL 3.6.2 under
    // AddressSanitizer's timing, about one run in eight). One decoding thread per reader gave
    // none in the same trials; the readers still decode different files in parallel.
    scoped_thread_config const single_decoder("GDAL_NUM_THREADS", serial != serial_.end() ? "1" : nullptr);
    auto it = mine.find(g.file);
    if (it == mine.end()) it = mine.emplace(g.file, open_raster(g.file, "input")).first;
    auto* out = static_cast<std::byte*>(dst) + std::size_t(g.first_plane) * plane_bytes;
    std::unique_lock<std::mutex> lock;
    if (serial != serial_.end()) lock = std::unique_lock<std::mutex>(*serial->second);
    CPLErr const err = it->second->RasterIO(
      GF_Read, w.x, w.y, w.w, w.h, out, w.w, w.h, type, int(g.band_numbers.size()),
      g.band_numbers.data(), GSpacing(sample), GSpacing(sample) * w.w, GSpacing(plane_bytes),
      nullptr);
    if (err != CE_None)
      SINKMAP_FAIL(runtime_failure, "cannot read '" + g.file + "' at pixel (" +
                                      std::to_string(w.x) + ", " + std::to_string(w.y) + ")" +
                                      gdal_reason());
  }
}

}  // namespace sinkmap::io
