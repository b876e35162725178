#include "sensors/stac_items.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "gdal/gdal_session.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace sinkmap::sensors {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Asset keys of the reflectance bands. Landsat's nir08 is the broad NIR (OLI B5, TM B4);
// earth-search's Sentinel-2 nir08 is B8A, the narrow one.
struct landsat_asset {
  char const* key;
  band_role role;
};
landsat_asset const landsat_assets[] = {
  {"coastal", band_role::coastal}, {"blue", band_role::blue},     {"green", band_role::green},
  {"red", band_role::red},         {"nir08", band_role::nir},     {"swir16", band_role::swir1},
  {"swir22", band_role::swir2}};

struct s2_asset {
  char const* band;    // Planetary Computer, earth-search v0
  char const* common;  // earth-search v1
  band_role role;
};
s2_asset const s2_assets[] = {
  {"B01", "coastal", band_role::coastal},   {"B02", "blue", band_role::blue},
  {"B03", "green", band_role::green},       {"B04", "red", band_role::red},
  {"B05", "rededge1", band_role::rededge1}, {"B06", "rededge2", band_role::rededge2},
  {"B07", "rededge3", band_role::rededge3}, {"B08", "nir", band_role::nir},
  {"B8A", "nir08", band_role::nir2},        {"B11", "swir16", band_role::swir1},
  {"B12", "swir22", band_role::swir2}};

// The items of an ItemCollection, a single Item, or one Item per line.
std::vector<json> items_of(std::string const& path)
{
  std::ifstream f(path);
  SINKMAP_EXPECTS(f.good(), bad_input, "--stac: cannot read '" + path + "'");
  std::stringstream buf;
  buf << f.rdbuf();
  std::string const text = buf.str();
  json const whole = json::parse(text, nullptr, false);
  std::vector<json> out;
  if (!whole.is_discarded()) {
    SINKMAP_EXPECTS(whole.is_object(), bad_input, path + ": not a STAC ItemCollection or Item");
    std::string const type = whole.value("type", "");
    if (type == "FeatureCollection") {
      SINKMAP_EXPECTS(whole.contains("features") && whole["features"].is_array(), bad_input,
                      path + ": an ItemCollection without a 'features' array");
      for (auto const& i : whole["features"]) out.push_back(i);
    } else {
      SINKMAP_EXPECTS(type == "Feature", bad_input,
                      path + ": type '" + type + "' is not a STAC ItemCollection (FeatureCollection) or Item (Feature)");
      out.push_back(whole);
    }
    return out;
  }
  std::istringstream lines(text);
  std::string line;
  for (int n = 1; std::getline(lines, line); ++n) {
    if (trim(line).empty()) continue;
    json j = json::parse(line, nullptr, false);
    SINKMAP_EXPECTS(!j.is_discarded() && j.is_object() && j.value("type", "") == "Feature", bad_input,
                    path + " line " + std::to_string(n) + ": not a STAC Item (one JSON Feature per line)");
    out.push_back(std::move(j));
  }
  SINKMAP_EXPECTS(!out.empty(), bad_input, path + ": no STAC items");
  return out;
}

struct item_reader {
  json const& item;
  std::string where;  // "ITEMS.json item 'ID'"
  std::string base_dir;
  stac_options const& opt;

  json const* asset(std::string const& key) const
  {
    auto const& a = item["assets"];
    if (a.contains(key)) return &a[key];
    for (auto const& [k, v] : a.items())
      if (iequals(k, key)) return &v;
    return nullptr;
  }

  std::string file_of(json const& a, std::string const& key) const
  {
    SINKMAP_EXPECTS(a.is_object() && a.contains("href") && a["href"].is_string(), bad_input,
                    where + " asset '" + key + "': no href");
    std::string const p = stac_href_path(a["href"].get<std::string>(), base_dir);
    SINKMAP_EXPECTS(p.rfind("/vsi", 0) == 0 || fs::exists(p), bad_input,
                    where + " asset '" + key + "': no file '" + p + "'");
    return p;
  }

  // One reflectance band: its file, scale, offset and nodata from raster:bands.
  product_band band(json const& a, std::string const& key, band_role role) const
  {
    product_band b;
    b.role = role;
    b.name = key;
    b.file = file_of(a, key);
    json const rb = a.contains("raster:bands") && a["raster:bands"].is_array() && !a["raster:bands"].empty()
                      ? a["raster:bands"][0]
                      : json::object();
    bool const has_scale = rb.contains("scale") && rb["scale"].is_number();
    SINKMAP_EXPECTS(has_scale || opt.scale_given, bad_input,
                    where + " asset '" + key + "': no raster:bands scale to turn its numbers into reflectance "
                    "(give --scale and --offset)");
    b.scale = has_scale ? rb["scale"].get<double>() : 1.0;
    bool const has_offset = rb.contains("offset") && rb["offset"].is_number();
    b.offset = has_offset ? rb["offset"].get<double>() : 0.0;
    // Sentinel-2 L2A since processing baseline 04.00 stores reflectance + 0.1 (BOA_ADD_OFFSET):
    // an item of such a product without an offset would bias every band, so it is refused.
    std::string const baseline = item["properties"].value("s2:processing_baseline", "");
    SINKMAP_EXPECTS(has_offset || opt.offset_given || baseline.empty() || baseline < "04.00", bad_input,
                    where + " asset '" + key + "': processing baseline " + baseline +
                      " adds an offset to the reflectance, and raster:bands gives none (give --offset)");
    b.has_nodata = rb.contains("nodata") && rb["nodata"].is_number();
    b.nodata = b.has_nodata ? rb["nodata"].get<double>() : 0.0;
    return b;
  }

  // The pixel size of an asset: its gsd, else the file's geotransform.
  int resolution_of(json const& a, std::string const& file) const
  {
    if (a.contains("gsd") && a["gsd"].is_number()) return int(std::lround(a["gsd"].get<double>()));
    auto ds = io::open_raster(file, "STAC asset");
    double gt[6];
    SINKMAP_EXPECTS(ds->GetGeoTransform(gt) == CE_None, bad_input, where + ": '" + file + "' has no geotransform");
    return int(std::lround(std::fabs(gt[1])));
  }

  void landsat(product& p) const
  {
    p.kind = "Landsat Collection 2 Level-2";
    std::string const correction = item["properties"].value("landsat:correction", "");
    SINKMAP_EXPECTS(correction.empty() || correction.rfind("L2", 0) == 0, bad_input,
                    where + ": landsat:correction is '" + correction + "'; sinkmap reads Level-2 surface reflectance");
    std::uint32_t radsat_bits = 0;
    for (auto const& la : landsat_assets) {
      json const* a = asset(la.key);
      if (!a) continue;
      p.bands.push_back(band(*a, la.key, la.role));
      // QA_RADSAT bit n-1 flags band n; n from the asset's eo:bands name (SR_B<n>).
      if (a->contains("eo:bands") && (*a)["eo:bands"].is_array() && !(*a)["eo:bands"].empty()) {
        std::smatch m;
        std::string const name = (*a)["eo:bands"][0].value("name", "");
        // SR_B5 (USGS, stactools), OLI_B5 / TM_B4 (other catalogues): the number after the B.
        if (std::regex_search(name, m, std::regex("B([0-9]+)$"))) radsat_bits |= 1u << (std::stoi(m[1].str()) - 1);
      }
    }
    if (json const* qa = asset("qa_pixel")) p.quality.push_back(landsat_qa_pixel(file_of(*qa, "qa_pixel")));
    else p.notes.push_back(where + ": no qa_pixel asset: no cloud masking");
    if (json const* rs = asset("qa_radsat"); rs && radsat_bits != 0)
      p.quality.push_back(landsat_qa_radsat(file_of(*rs, "qa_radsat"), radsat_bits));
    else if (rs)
      p.notes.push_back(where + ": its reflectance assets name no band numbers (eo:bands): no saturation mask");
  }

  void sentinel2(product& p) const
  {
    p.kind = "Sentinel-2 L2A";
    struct found {
      product_band b;
      int res;
    };
    std::vector<found> bands;
    for (auto const& sa : s2_assets) {
      std::string key = sa.band;
      json const* a = asset(key);
      if (!a) a = asset(key = sa.common);
      if (!a) continue;
      product_band b = band(*a, key, sa.role);
      bands.push_back({b, resolution_of(*a, b.file)});
    }
    SINKMAP_EXPECTS(!bands.empty(), bad_input, where + ": none of the Sentinel-2 reflectance assets (B01..B12, B8A, or "
                                               "coastal, blue, green, red, rededge1..3, nir, nir08, swir16, swir22)");
    int target = opt.resolution;
    SINKMAP_EXPECTS(target == 0 || target == 10 || target == 20 || target == 60, bad_input,
                    "--resolution " + std::to_string(target) + ": Sentinel-2 grids are 10, 20 or 60");
    if (target == 0)
      for (auto const& f : bands) target = target == 0 ? f.res : std::min(target, f.res);
    for (auto& f : bands) {
      if (f.res != target) {
        p.notes.push_back(where + ": " + f.b.name + " resampled from " + std::to_string(f.res) + " to " +
                          std::to_string(target) + " m");
        f.b.file = resampled_band(f.b.file, f.res, target, false);
      }
      p.bands.push_back(f.b);
    }
    // B08 exists only at 10 m; elsewhere the narrow NIR (B8A) stands in for it, as for a .SAFE.
    auto has = [&](band_role r) {
      return std::any_of(p.bands.begin(), p.bands.end(), [&](auto const& b) { return b.role == r; });
    };
    if (!has(band_role::nir) && has(band_role::nir2)) {
      auto b8a = *std::find_if(p.bands.begin(), p.bands.end(), [](auto const& b) { return b.role == band_role::nir2; });
      b8a.role = band_role::nir;
      p.bands.push_back(b8a);
      p.notes.push_back(where + ": no B08: nir uses B8A (narrow NIR)");
    }
    std::string key = "SCL";
    json const* scl = asset(key);
    if (scl) {
      std::string file = file_of(*scl, key);
      int const res = resolution_of(*scl, file);
      if (res != target) file = resampled_band(file, res, target, true);
      p.quality.push_back(sentinel2_scl(file));
    } else {
      p.notes.push_back(where + ": no scl asset: no cloud masking");
    }
  }
};

}  // namespace

std::string stac_href_path(std::string const& href, std::string const& base_dir)
{
  if (href.rfind("http://", 0) == 0 || href.rfind("https://", 0) == 0) return "/vsicurl/" + href;
  if (href.rfind("s3://", 0) == 0) return "/vsis3/" + href.substr(5);
  if (href.rfind("file://", 0) == 0) return href.substr(7);
  if (href.rfind("/vsi", 0) == 0 || fs::path(href).is_absolute()) return href;
  return (fs::path(base_dir) / href).lexically_normal().string();
}

std::vector<product> read_stac_items(std::string const& path, stac_options const& opt)
{
  io::init_gdal();
  std::string const base_dir = fs::absolute(path).parent_path().string();
  std::vector<product> out;
  std::set<std::string> ids;
  for (auto const& item : items_of(path)) {
    std::string const id = item.contains("id") && item["id"].is_string() ? item["id"].get<std::string>() : "";
    SINKMAP_EXPECTS(!id.empty(), bad_input, path + " item " + std::to_string(out.size() + 1) + ": no id");
    std::string const where = path + " item '" + id + "'";
    // Overlapping search pages or concatenated files repeat items: one scene counted twice
    // would weigh twice in a median or medoid.
    SINKMAP_EXPECTS(ids.insert(id).second, bad_input, where + " is given twice");
    SINKMAP_EXPECTS(item.contains("assets") && item["assets"].is_object(), bad_input, where + ": no assets");
    SINKMAP_EXPECTS(item.contains("properties") && item["properties"].is_object(), bad_input, where + ": no properties");
    json const& props = item["properties"];
    std::string datetime;
    for (char const* k : {"datetime", "start_datetime"})
      if (datetime.empty() && props.contains(k) && props[k].is_string()) datetime = props[k].get<std::string>();
    SINKMAP_EXPECTS(std::regex_search(datetime, std::regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}")), bad_input,
                    where + ": no datetime (YYYY-MM-DD...) in its properties");
    product p;
    p.date = datetime.substr(0, 10);
    p.platform = props.value("platform", "");
    if (props.contains("instruments") && props["instruments"].is_array())
      for (auto const& s : props["instruments"])
        if (s.is_string()) p.sensor += (p.sensor.empty() ? "" : ",") + s.get<std::string>();
    p.metadata_file = where;
    if (item.contains("bbox") && item["bbox"].is_array() && (item["bbox"].size() == 4 || item["bbox"].size() == 6)) {
      auto const& b = item["bbox"];
      std::size_t const hi = b.size() / 2;  // [w, s, (zmin,) e, n, (zmax)]
      bool numbers = true;
      for (auto const& v : b) numbers = numbers && v.is_number();
      if (numbers) p.footprint = std::array<double, 4>{b[0].get<double>(), b[1].get<double>(), b[hi].get<double>(),
                                                       b[hi + 1].get<double>()};
    }
    std::string const collection = to_lower(item.value("collection", ""));
    std::string const platform = to_lower(p.platform);
    item_reader const r{item, where, base_dir, opt};
    if (collection.find("landsat") != std::string::npos || platform.rfind("landsat", 0) == 0) {
      SINKMAP_EXPECTS(collection.find("l1") == std::string::npos, bad_input,
                      where + ": collection '" + collection + "' is Level-1; sinkmap reads Level-2 surface reflectance");
      r.landsat(p);
    } else if (collection.find("sentinel-2") != std::string::npos || platform.rfind("sentinel-2", 0) == 0) {
      SINKMAP_EXPECTS(collection.find("l1c") == std::string::npos, bad_input,
                      where + ": collection '" + collection + "' is Level-1C; sinkmap reads Level-2A surface reflectance");
      r.sentinel2(p);
    } else {
      SINKMAP_FAIL(bad_input, where + ": collection '" + collection + "' (platform '" + p.platform +
                                "') is neither landsat-c2-l2 nor sentinel-2-l2a");
    }
    SINKMAP_EXPECTS(!p.bands.empty(), bad_input,
                    where + ": none of the reflectance assets (coastal, blue, green, red, nir08, swir16, swir22)");
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace sinkmap::sensors
