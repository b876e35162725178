// Sentinel-2 Level-2A products (.SAFE): band files per resolution, BOA reflectance scaling and
// the scene classification (SCL), from MTD_MSIL2A.xml. Reflectance = (DN + BOA_ADD_OFFSET) /
// BOA_QUANTIFICATION_VALUE (ESA, Sentinel-2 Products Specification Document, PSD 14.9;
// BOA_ADD_OFFSET = -1000 since processing baseline 04.00, absent before). SCL classes: Sentinel-2
// L2A Algorithm Theoretical Basis Document, Scene Classification, table 3.
#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "core/text.hpp"
#include "gdal/gdal_session.hpp"
#include "sensors/product.hpp"

#include <cpl_minixml.h>
#include <gdal_utils.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace sinkmap::sensors {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> find_mtd(std::string const& path)
{
  if (ends_with(path, "MTD_MSIL2A.xml")) return path;
  std::error_code ec;
  if (fs::is_directory(path, ec) && fs::exists(fs::path(path) / "MTD_MSIL2A.xml"))
    return (fs::path(path) / "MTD_MSIL2A.xml").string();
  return std::nullopt;
}

struct xml_doc {
  CPLXMLNode* root = nullptr;
  ~xml_doc() { CPLDestroyXMLNode(root); }
};

// Depth-first search for elements named `name`.
void find_all(CPLXMLNode const* node, char const* name, std::vector<CPLXMLNode const*>& out)
{
  for (auto const* c = node; c; c = c->psNext) {
    if (c->eType != CXT_Element) continue;
    if (EQUAL(c->pszValue, name)) out.push_back(c);
    find_all(c->psChild, name, out);
  }
}

std::string text_of(CPLXMLNode const* n)
{
  for (auto const* k = n->psChild; k; k = k->psNext)
    if (k->eType == CXT_Text) return k->pszValue;
  return "";
}

std::string one(CPLXMLNode const* root, char const* name, std::string const& file)
{
  std::vector<CPLXMLNode const*> v;
  find_all(root, name, v);
  SINKMAP_EXPECTS(!v.empty() && !text_of(v.front()).empty(), bad_input,
                  file + ": missing field " + name);
  return text_of(v.front());
}

double number(std::string const& text, std::string const& field, std::string const& file)
{
  return parse_double(text, file + ": field " + field);
}

// Band name, role and band_id (index in BOA_ADD_OFFSET / Spectral_Information).
struct s2_band {
  char const* name;
  band_role role;
  int band_id;
};
s2_band const s2_bands[] = {
  {"B01", band_role::coastal, 0},  {"B02", band_role::blue, 1},     {"B03", band_role::green, 2},
  {"B04", band_role::red, 3},      {"B05", band_role::rededge1, 4}, {"B06", band_role::rededge2, 5},
  {"B07", band_role::rededge3, 6}, {"B08", band_role::nir, 7},      {"B8A", band_role::nir2, 8},
  {"B11", band_role::swir1, 11},   {"B12", band_role::swir2, 12},
};

int const resolutions[] = {10, 20, 60};


}  // namespace

// A band read at another resolution: a VRT in GDAL's in-memory file system that resamples on
// the fly (average when coarsening, bilinear when refining, nearest for classes).
quality_layer sentinel2_scl(std::string const& file)
{
  auto const cls = [](std::initializer_list<int> v) {
    std::uint32_t bits = 0;
    for (int c : v) bits |= 1u << c;
    return bits;
  };
  return {"SCL",
          file,
          true,
          {{"fill", cls({0})},
           {"saturated", cls({1})},
           {"shadow", cls({3})},
           {"cloud", cls({8, 9})},
           {"cirrus", cls({10})},
           {"snow", cls({11})}}};
}

std::string resampled_band(std::string const& src, int from, int to, bool classes)
{
  std::string const dst =
    io::vsimem_vrt_path("s2_" + fs::path(src).stem().string() + "_" + std::to_string(to) + "m");
  std::string const res = std::to_string(to);
  char const* alg = classes ? "nearest" : (to > from ? "average" : "bilinear");
  io::gdal_string_list const args({"-of", "VRT", "-tr", res, res, "-r", alg, "-a_nodata", "0"});
  GDALTranslateOptions* o = GDALTranslateOptionsNew(args.get(), nullptr);
  auto ds = io::open_raster(src, "Sentinel-2 band");
  GDALDatasetH out = GDALTranslate(dst.c_str(), GDALDataset::ToHandle(ds.get()), o, nullptr);
  GDALTranslateOptionsFree(o);
  SINKMAP_EXPECTS(out != nullptr, runtime_failure,
                  "cannot resample '" + src + "' to " + res + " m" + io::gdal_reason());
  GDALClose(out);
  return dst;
}

std::optional<product> open_sentinel2_l2a(std::string const& path, product_options const& opt)
{
  auto const mtd = find_mtd(path);
  if (!mtd) return std::nullopt;
  io::init_gdal();
  xml_doc doc{CPLParseXMLFile(mtd->c_str())};
  SINKMAP_EXPECTS(doc.root != nullptr, bad_input, *mtd + ": not a readable XML file");
  fs::path const safe = fs::path(*mtd).parent_path();

  product p;
  p.metadata_file = *mtd;
  p.kind = "Sentinel-2 L2A";
  p.platform = one(doc.root, "SPACECRAFT_NAME", *mtd);
  p.sensor = "MSI";
  p.date = one(doc.root, "PRODUCT_START_TIME", *mtd).substr(0, 10);
  std::string const baseline = one(doc.root, "PROCESSING_BASELINE", *mtd);
  double const quant =
    number(one(doc.root, "BOA_QUANTIFICATION_VALUE", *mtd), "BOA_QUANTIFICATION_VALUE", *mtd);
  SINKMAP_EXPECTS(quant > 0, bad_input, *mtd + ": field BOA_QUANTIFICATION_VALUE must be positive");

  std::map<int, double> add_offset;
  std::vector<CPLXMLNode const*> offsets;
  find_all(doc.root, "BOA_ADD_OFFSET", offsets);
  for (auto const* n : offsets) {
    char const* id = CPLGetXMLValue(const_cast<CPLXMLNode*>(n), "band_id", nullptr);
    SINKMAP_EXPECTS(id != nullptr, bad_input, *mtd + ": field BOA_ADD_OFFSET lacks band_id");
    add_offset[std::atoi(id)] = number(text_of(n), "BOA_ADD_OFFSET", *mtd);
  }
  bool const needs_offset = number(baseline, "PROCESSING_BASELINE", *mtd) >= 4.0;
  SINKMAP_EXPECTS(!needs_offset || !add_offset.empty(), bad_input,
                  *mtd + ": missing field BOA_ADD_OFFSET (required from processing baseline "
                         "04.00 on; this product is " + baseline + ")");

  // Which band files exist at which resolution (IMAGE_FILE entries, relative, without .jp2).
  std::map<std::string, std::map<int, std::string>> files;  // band -> resolution -> path
  std::vector<CPLXMLNode const*> images;
  find_all(doc.root, "IMAGE_FILE", images);
  SINKMAP_EXPECTS(!images.empty(), bad_input, *mtd + ": missing field IMAGE_FILE");
  for (auto const* n : images) {
    std::string const rel = text_of(n);
    auto const us = rel.rfind('_');
    auto const us2 = rel.rfind('_', us - 1);
    if (us == std::string::npos || us2 == std::string::npos) continue;
    std::string const band = rel.substr(us2 + 1, us - us2 - 1);
    int const res = std::atoi(rel.substr(us + 1).c_str());
    fs::path const file = safe / (rel + ".jp2");
    if (fs::exists(file)) files[band][res] = file.string();
  }

  int target = opt.resolution;
  SINKMAP_EXPECTS(target == 0 || target == 10 || target == 20 || target == 60, bad_input,
                  "--resolution " + std::to_string(target) + ": Sentinel-2 grids are 10, 20 or 60");
  if (target == 0) {
    for (int r : resolutions) {
      bool any = false;
      for (auto const& b : s2_bands) any |= files[b.name].count(r) > 0;
      if (any) {
        target = r;
        break;
      }
    }
    SINKMAP_EXPECTS(target != 0, bad_input,
                    "Sentinel-2 product '" + path + "' has none of its band files (IMG_DATA/R10m, "
                    "R20m, R60m)");
    if (target != 10) {
      std::string missing;
      for (int r : resolutions)
        if (r < target) missing += (missing.empty() ? "R" : ", R") + std::to_string(r) + "m";
      p.notes.push_back("band files of " + missing + " are absent: output grid is " +
                        std::to_string(target) + " m");
    }
  }

  auto pick = [&](std::string const& band, bool classes) -> std::optional<std::string> {
    auto const it = files.find(band);
    if (it == files.end() || it->second.empty()) return std::nullopt;
    if (auto f = it->second.find(target); f != it->second.end()) return f->second;
    int const from = it->second.begin()->first;  // finest present
    p.notes.push_back(band + " is not present at " + std::to_string(target) + " m: resampled from " +
                      std::to_string(from) + " m (" +
                      (classes ? "nearest" : (target > from ? "average" : "bilinear")) + ")");
    return resampled_band(it->second.begin()->second, from, target, classes);
  };

  for (auto const& b : s2_bands) {
    auto file = pick(b.name, false);
    if (!file) continue;
    product_band pb;
    pb.role = b.role;
    pb.name = b.name;
    pb.file = *file;
    pb.scale = 1.0 / quant;
    auto const off = add_offset.find(b.band_id);
    pb.offset = (off == add_offset.end() ? 0.0 : off->second) / quant;
    pb.has_nodata = true;
    pb.nodata = 0;  // SPECIAL_VALUE NODATA
    p.bands.push_back(pb);
  }
  // Broad NIR (B08) exists only at 10 m; elsewhere the narrow NIR (B8A) stands in for it.
  auto has = [&](band_role r) {
    return std::any_of(p.bands.begin(), p.bands.end(), [&](auto const& b) { return b.role == r; });
  };
  if (!has(band_role::nir) && has(band_role::nir2)) {
    auto b8a = *std::find_if(p.bands.begin(), p.bands.end(),
                             [](auto const& b) { return b.role == band_role::nir2; });
    b8a.role = band_role::nir;
    p.bands.push_back(b8a);
    p.notes.push_back("B08 is absent: nir uses B8A (narrow NIR)");
  }
  SINKMAP_EXPECTS(!p.bands.empty(), bad_input,
                  "Sentinel-2 product '" + path + "': no band file found under GRANULE/*/IMG_DATA");

  if (auto scl = pick("SCL", true)) {
    p.quality.push_back(sentinel2_scl(*scl));
  } else {
    p.notes.push_back("SCL is absent: no cloud masking");
  }
  return p;
}

}  // namespace sinkmap::sensors
