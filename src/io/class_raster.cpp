#include "io/class_raster.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"
#include "io/cog_copy.hpp"
#include "io/run_staging.hpp"
#include "gdal/gdal_session.hpp"
#include "io/provenance.hpp"

#include <gdal_priv.h>

#include <cmath>
#include <filesystem>
#include <vector>

namespace sinkmap::io {
namespace {

// Colours by class group; within a group, classes get darker shades in id order so that
// neighbouring classes of one group stay distinguishable.
GDALColorEntry colour_of(std::string const& group, int shade)
{
  struct rgb {
    short r, g, b;
  };
  rgb base = {160, 160, 160};  // other
  if (group == "forest") base = {34, 139, 34};
  else if (group == "grassland") base = {154, 205, 50};
  else if (group == "cropland") base = {240, 200, 60};
  else if (group == "wetland") base = {70, 160, 200};
  else if (group == "settlement") base = {200, 60, 60};
  else if (group == "water") base = {30, 90, 200};
  double const f = 1.0 - 0.12 * (shade % 5);
  return {short(base.r * f), short(base.g * f), short(base.b * f), 255};
}

}  // namespace

std::string class_raster_beside(std::string const& map, std::string const& suffix)
{
  std::filesystem::path const p(map);
  return (p.parent_path() / (p.stem().string() + "_" + suffix + ".tif")).string();
}

void write_class_raster(std::string const& map, int band, std::map<int, std::string> const& class_names,
                        std::map<int, std::string> const& class_groups, std::string const& out, bool cog,
                        bool overviews,
                        std::string const& description, std::string const& zero_name)
{
  init_gdal();
  GDALDatasetUniquePtr src(GDALDataset::Open(map.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  SINKMAP_EXPECTS(src && band >= 1 && band <= src->GetRasterCount(), runtime_failure,
                  "class raster: cannot read band " + std::to_string(band) + " of '" + map + "'");
  int const w = src->GetRasterXSize(), h = src->GetRasterYSize();
  std::string const temp = temp_path_for(out);
  gdal_string_list const co({"TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS"});
  GDALDataset* dst = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(temp.c_str(), w, h, 1, GDT_Byte, co.get());
  SINKMAP_EXPECTS(dst != nullptr, bad_input, "cannot create '" + out + "'" + gdal_reason());
  bool ok = true;
  try {
    double gt[6];
    if (src->GetGeoTransform(gt) == CE_None) dst->SetGeoTransform(gt);
    if (auto const* srs = src->GetSpatialRef()) dst->SetSpatialRef(srs);
    for (auto const& [k, v] : run_provenance()) dst->SetMetadataItem(k.c_str(), v.c_str());
    for (char const* key : {"SINKMAP_MODEL", "SINKMAP_MODEL_VERSION", "SINKMAP_MODEL_SHA256", "SINKMAP_YEAR",
                            "SINKMAP_LANDCOVER", "SINKMAP_CROSSWALK"})
      if (char const* v = src->GetMetadataItem(key)) dst->SetMetadataItem(key, v);
    dst->SetMetadataItem("SINKMAP_CLASSES_OF", published_path(map).c_str());
    auto* b = dst->GetRasterBand(1);
    b->SetDescription(description.c_str());
    b->SetNoDataValue(0);
    int max_id = 0;
    for (auto const& [id, name] : class_names) max_id = std::max(max_id, id);
    std::vector<std::string> names(std::size_t(max_id) + 1);
    names[0] = zero_name;
    std::map<std::string, int> shade;
    GDALColorTable ct;
    GDALColorEntry none = {0, 0, 0, 0};
    ct.SetColorEntry(0, &none);
    for (int id = 1; id <= max_id; ++id) {
      auto it = class_names.find(id);
      names[std::size_t(id)] = it == class_names.end() ? "" : it->second;
      auto g = class_groups.find(id);
      std::string const group = it == class_names.end() ? "other"
                                : it->second == "water" ? "water"
                                : g == class_groups.end() ? "other" : g->second;
      GDALColorEntry const c = colour_of(group, shade[group]++);
      ct.SetColorEntry(id, &c);
    }
    b->SetColorTable(&ct);
    b->SetColorInterpretation(GCI_PaletteIndex);
    // Class ids (floats, NaN where none) to bytes, a strip of rows at a time.
    auto* in = src->GetRasterBand(band);
    int const rows = std::max(1, int((std::size_t(64) << 20) / (std::size_t(w) * 5)));
    std::vector<float> f;
    std::vector<unsigned char> u;
    for (int y = 0; y < h && ok; y += rows) {
      int const n = std::min(rows, h - y);
      f.resize(std::size_t(w) * n);
      u.resize(f.size());
      ok = in->RasterIO(GF_Read, 0, y, w, n, f.data(), w, n, GDT_Float32, 0, 0, nullptr) == CE_None;
      for (std::size_t i = 0; i < f.size(); ++i)
        u[i] = f[i] > 0 && f[i] <= float(max_id) && f[i] < 256.0f ? static_cast<unsigned char>(f[i]) : 0;
      ok = ok && b->RasterIO(GF_Write, 0, y, w, n, u.data(), w, n, GDT_Byte, 0, 0, nullptr) == CE_None;
    }
    std::string const e = take_gdal_error();
    ok = ok && e.empty();
    GDALClose(GDALDataset::ToHandle(dst));
    dst = nullptr;
    SINKMAP_EXPECTS(ok && take_gdal_error().empty(), runtime_failure, "cannot write '" + out + "'" + (e.empty() ? "" : ": " + e));
    if (cog) {
      std::string const cog_temp = temp_path_for(out, "cog");
      GDALDatasetUniquePtr tiled(GDALDataset::Open(temp.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
      SINKMAP_EXPECTS(tiled != nullptr, runtime_failure, "cannot reopen '" + temp + "'" + gdal_reason());
      try {
        copy_as_cog(*tiled, cog_temp,
                    cog_creation_options("MODE", overviews ? std::vector<std::string>{} : std::vector<std::string>{"OVERVIEWS=NONE"}),
                    out);
      } catch (...) {
        VSIUnlink(cog_temp.c_str());
        throw;
      }
      tiled.reset();
      VSIUnlink(temp.c_str());
      move_into_place(cog_temp, out);
    } else {
      move_into_place(temp, out);
    }
    // Category names live in GDAL's sidecar (OUT.aux.xml; TIFF has no tag for them): set on
    // the final file, so no sidecar of the temporary is left behind.
    std::vector<char const*> list;
    for (auto const& n : names) list.push_back(n.c_str());
    list.push_back(nullptr);
    GDALDatasetUniquePtr fin(GDALDataset::Open(out.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
    SINKMAP_EXPECTS(fin != nullptr, runtime_failure, "cannot reopen '" + out + "'" + gdal_reason());
    fin->GetRasterBand(1)->SetCategoryNames(const_cast<char**>(list.data()));
    fin.reset();
    note_created(out + ".aux.xml");  // this run's too: removed with the raster if the run fails
  } catch (...) {
    if (dst) GDALClose(GDALDataset::ToHandle(dst));
    VSIUnlink(temp.c_str());
    throw;
  }
}

}  // namespace sinkmap::io
