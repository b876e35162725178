#include "composite/composite_plan.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "core/parse_number.hpp"
#include "core/text.hpp"
#include "indices/index_request.hpp"
#include "gdal/gdal_session.hpp"
#include "io/target_grid.hpp"
#include "sensors/band_role_names.hpp"
#include "sensors/product.hpp"

#include <glob.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

namespace sinkmap::composite {
namespace {

namespace fs = std::filesystem;
using kernels::band_role;

struct quality_plane {
  std::string file;
  kernels::clear_test test;  // plane filled in later
  double fill = 0;           // value outside the file when warped (a "not clear" value)
};

// One dated scene before planning.
struct scene_record {
  std::string date, where;
  int doy = 0;
  std::map<band_role, io::band_source> files;
  std::map<band_role, kernels::input_decode> decode;
  std::vector<quality_plane> quality;
};

bool same_files(scene_record const& a, scene_record const& b)
{
  if (a.files.size() != b.files.size()) return false;
  for (auto const& [role, src] : a.files) {
    auto it = b.files.find(role);
    if (it == b.files.end() || it->second.file != src.file || it->second.band != src.band) return false;
  }
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::string role_list(std::vector<band_role> const& roles)
{
  std::string s;
  for (auto r : roles) s += (s.empty() ? "" : ",") + std::string(sensors::role_name(r));
  return s;
}

// Scale, offset and nodata of a role: option per role, option for all, the product's or the
// band's own metadata, then 1 / 0 / none (as `sinkmap index` decodes).
kernels::input_decode decode_of(band_role role, io::band_source const& src, io::role_values const& scales,
                                io::role_values const& offsets, io::role_values const& nodata,
                                std::optional<double> scale, std::optional<double> offset,
                                std::optional<double> nd, std::string const& what)
{
  auto ds = io::open_raster(src.file, what);
  SINKMAP_EXPECTS(src.band >= 1 && src.band <= ds->GetRasterCount(), bad_input,
                  what + ": '" + src.file + "' has no band " + std::to_string(src.band));
  auto* band = ds->GetRasterBand(src.band);
  int ok = 0;
  double const ms = band->GetScale(&ok);
  double const file_scale = scale.value_or(ok ? ms : 1.0);
  double const mo = band->GetOffset(&ok);
  double const file_offset = offset.value_or(ok ? mo : 0.0);
  kernels::input_decode d;
  d.scale = scales.get(role).value_or(file_scale);
  d.offset = offsets.get(role).value_or(file_offset);
  double const fnd = band->GetNoDataValue(&ok);
  if (auto v = nodata.get(role)) {
    d.has_nodata = 1;
    d.nodata = *v;
  } else if (nd) {
    d.has_nodata = 1;
    d.nodata = *nd;
  } else if (ok) {
    d.has_nodata = 1;
    d.nodata = fnd;
  }
  return d;
}

std::vector<scene_record> products_of(composite_request const& r, std::vector<std::string>& notes)
{
  std::vector<scene_record> out;
  auto const scales = io::parse_role_values(r.scene_options.scales, "--scale");
  auto const offsets = io::parse_role_values(r.scene_options.offsets, "--offset");
  auto const nodata = io::parse_role_values(r.scene_options.nodata, "--nodata");
  auto const mask_classes = sensors::parse_mask_spec(r.scene_options.mask);
  // Products from SCENE paths, or STAC items (--stac) that describe the same products.
  std::vector<std::pair<std::string, sensors::product>> products;
  if (!r.scene_options.stac.empty()) {
    auto sel = io::stac_products(r.scene_options);
    if (auto const n = sel.note(r.scene_options.stac); !n.empty()) notes.push_back(n);
    for (auto& p : sel.products) products.emplace_back(p.metadata_file, std::move(p));
  }
  for (auto const& path : r.scenes) {
    io::init_gdal();
    auto p = sensors::open_product(path, {r.scene_options.resolution});
    SINKMAP_EXPECTS(p.has_value(), bad_input,
                    "SCENE '" + path + "': not a Landsat Collection 2 Level-2 or Sentinel-2 L2A product "
                    "(plain rasters go in a --scenes list with their date)");
    products.emplace_back(path, std::move(*p));
  }
  for (auto const& [path, p] : products) {
    scene_record s;
    s.where = p.metadata_file;
    s.date = p.date;
    s.doy = day_of_year(s.date, p.metadata_file + ": acquisition date");
    for (auto const& b : p.bands) {
      io::band_source const src{b.file, 1};
      s.files[b.role] = src;
      s.decode[b.role] = decode_of(b.role, src, scales, offsets, nodata, b.scale, b.offset,
                                   b.has_nodata ? std::optional<double>(b.nodata) : std::nullopt,
                                   "SCENE " + path);
    }
    for (auto const& q : p.quality) {
      std::uint32_t bits = 0;
      for (auto const& c : q.classes)
        if (std::find(mask_classes.begin(), mask_classes.end(), c.name) != mask_classes.end()) bits |= c.bits;
      if (bits == 0) continue;
      quality_plane qp;
      qp.file = q.file;
      if (q.by_class) {
        qp.test.mode = 3;  // the selected SCL classes are masked
        qp.test.set[0] = bits;
        qp.fill = 0;
      } else {
        qp.test.mode = 1;  // any selected QA bit set masks
        qp.test.set[0] = bits;
        qp.fill = q.name == "QA_PIXEL" ? 1 : 0;
      }
      s.quality.push_back(qp);
    }
    out.push_back(s);
  }
  return out;
}

std::vector<scene_record> list_of(composite_request const& r)
{
  std::string const& csv = r.scene_list;
  SINKMAP_EXPECTS(fs::is_regular_file(csv), bad_input, "--scenes: no file '" + csv + "'");
  io::init_gdal();
  note_input(csv);
  GDALDatasetUniquePtr ds(GDALDataset::Open(csv.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                            nullptr, nullptr, nullptr));
  SINKMAP_EXPECTS(ds && ds->GetLayerCount() == 1, bad_input,
                  "--scenes: cannot read '" + csv + "' as CSV" + io::gdal_reason());
  OGRLayer* layer = ds->GetLayer(0);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  int date_col = -1, mask_col = -1;
  std::vector<std::pair<int, band_role>> role_cols;
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    std::string const name = to_lower(trim(defn->GetFieldDefn(i)->GetNameRef()));
    if (name == "date") {
      date_col = i;
    } else if (name == "mask") {
      mask_col = i;
    } else if (auto role = sensors::parse_role(name)) {
      for (auto const& [col, other] : role_cols)
        SINKMAP_EXPECTS(other != *role, bad_input,
                        csv + " line 1: column " + std::to_string(i + 1) + " ('" + name + "') is band role " +
                          std::string(sensors::role_name(*role)) + ", as column " + std::to_string(col + 1) + " is");
      role_cols.push_back({i, *role});
    } else {
      SINKMAP_FAIL(bad_input, csv + " line 1: column '" + name +
                                "' is not date, mask or a band role (" + sensors::role_name_list() + ")");
    }
  }
  SINKMAP_EXPECTS(date_col >= 0, bad_input, csv + " line 1: no 'date' column");
  SINKMAP_EXPECTS(!role_cols.empty(), bad_input, csv + " line 1: no band-role column (e.g. red, nir)");
  SINKMAP_EXPECTS(mask_col < 0 || !r.clear.empty(), bad_input,
                  csv + ": has a mask column: pass --clear V,V,... (the mask values that mean clear, "
                        "e.g. --clear 0,1 for Fmask)");
  std::uint32_t clear_set[8] = {};
  double fill = -1;
  for (auto const& v : r.clear) {
    long const c = parse_int(v, "--clear");
    SINKMAP_EXPECTS(c >= 0 && c <= 255, bad_input, "--clear " + v + ": mask values are 0..255");
    clear_set[c >> 5] |= 1u << (c & 31);
  }
  for (int v = 0; v < 256 && fill < 0; ++v)
    if (!((clear_set[v >> 5] >> (v & 31)) & 1u)) fill = v;
  auto const scales = io::parse_role_values(r.scene_options.scales, "--scale");
  auto const offsets = io::parse_role_values(r.scene_options.offsets, "--offset");
  auto const nodata = io::parse_role_values(r.scene_options.nodata, "--nodata");
  fs::path const dir = fs::path(csv).parent_path();
  auto resolve = [&](std::string const& p) {
    fs::path f(trim(p));
    return (f.is_absolute() ? f : dir / f).lexically_normal().string();
  };
  std::vector<scene_record> out;
  int line = 1;
  for (auto const& feat : *layer) {
    ++line;
    std::string const where = csv + " line " + std::to_string(line);
    scene_record s;
    s.where = where;
    s.date = trim(feat->GetFieldAsString(date_col));
    s.doy = day_of_year(s.date, where + ": date");
    for (auto const& [col, role] : role_cols) {
      std::string const text = trim(feat->GetFieldAsString(col));
      SINKMAP_EXPECTS(!text.empty(), bad_input, where + ": no file for " + std::string(sensors::role_name(role)));
      std::string file = text;
      int band = 1;
      if (auto colon = text.rfind(':'); colon != std::string::npos && colon + 1 < text.size() &&
                                        std::all_of(text.begin() + long(colon) + 1, text.end(), ::isdigit)) {
        file = text.substr(0, colon);
        band = int(parse_int(text.substr(colon + 1), where + ": band number"));
      }
      io::band_source const src{resolve(file), band};
      SINKMAP_EXPECTS(fs::exists(src.file), bad_input,
                      where + ": " + std::string(sensors::role_name(role)) + " file '" + src.file + "' does not exist");
      s.files[role] = src;
      s.decode[role] = decode_of(role, src, scales, offsets, nodata, std::nullopt, std::nullopt,
                                 std::nullopt, where + " " + std::string(sensors::role_name(role)));
    }
    if (mask_col >= 0) {
      std::string const m = trim(feat->GetFieldAsString(mask_col));
      if (!m.empty()) {
        quality_plane qp;
        qp.file = resolve(m);
        SINKMAP_EXPECTS(fs::exists(qp.file), bad_input, where + ": mask file '" + qp.file + "' does not exist");
        qp.test.mode = 2;
        std::memcpy(qp.test.set, clear_set, sizeof clear_set);
        qp.fill = fill;
        s.quality.push_back(qp);
      }
    }
    // The same scene listed twice would count its observation twice (a median and a medoid
    // lean toward it); two scenes of one date with other files (two sensors) are kept.
    for (auto const& o : out)
      SINKMAP_EXPECTS(!(o.date == s.date && same_files(o, s)), bad_input,
                      where + ": the scene of " + s.date + " is listed again (as at " + o.where + ")");
    out.push_back(s);
  }
  SINKMAP_EXPECTS(!out.empty(), bad_input, "--scenes: '" + csv + "' lists no scene");
  return out;
}

}  // namespace

int day_of_year(std::string const& date, std::string const& what)
{
  auto bad = [&] { SINKMAP_FAIL(bad_input, what + ": '" + date + "' is not a date YYYY-MM-DD"); };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') bad();
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(date[std::size_t(i)]))) bad();
  int const y = std::stoi(date.substr(0, 4)), m = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
  static int const days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > days[m - 1] + (m == 2 && leap(y) ? 1 : 0)) bad();
  int doy = d;
  for (int k = 0; k < m - 1; ++k) doy += days[k] + (k == 1 && leap(y) ? 1 : 0);
  return doy;
}

kernels::composite_method parse_method(std::string const& s)
{
  if (s == "medoid") return kernels::composite_method::medoid;
  if (s == "median") return kernels::composite_method::median;
  if (s == "max-ndvi" || s == "max_ndvi") return kernels::composite_method::max_ndvi;
  SINKMAP_FAIL(bad_input, "--method '" + s + "': expected medoid, median or max-ndvi");
}

std::pair<double, double> parse_valid_range(std::string const& s)
{
  auto const parts = indices::split_list(s);
  SINKMAP_EXPECTS(parts.size() == 2, bad_input, "--valid-range '" + s + "': expected LO,HI");
  double const lo = parse_double(parts[0], "--valid-range"), hi = parse_double(parts[1], "--valid-range");
  SINKMAP_EXPECTS(lo < hi, bad_input, "--valid-range '" + s + "': LO must be below HI");
  return {lo, hi};
}

std::vector<std::string> expand_globs(std::vector<std::string> const& patterns)
{
  std::vector<std::string> out;
  for (auto const& p : patterns) {
    if (p.find_first_of("*?[") == std::string::npos) {
      out.push_back(p);
      continue;
    }
    glob_t g{};
    if (::glob(p.c_str(), 0, nullptr, &g) == 0) {
      std::vector<std::string> found(g.gl_pathv, g.gl_pathv + g.gl_pathc);
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(p);  // the caller reports it as a missing file
    }
    globfree(&g);
  }
  return out;
}

composite_plan plan_composite(composite_request const& r, int first_plane)
{
  int const sources = int(!r.scenes.empty()) + int(!r.scene_list.empty()) + int(!r.scene_options.stac.empty());
  SINKMAP_EXPECTS(sources == 1, bad_input,
                  sources == 0 ? "no scenes: pass SCENE... (products), --stac ITEMS.json or --scenes LIST.csv"
                               : "give one of SCENE..., --stac ITEMS.json and --scenes LIST.csv");
  if (!r.from.empty()) day_of_year(r.from, "--from");
  if (!r.to.empty()) day_of_year(r.to, "--to");
  SINKMAP_EXPECTS(r.from.empty() || r.to.empty() || r.from <= r.to, bad_input,
                  "--from " + r.from + " is after --to " + r.to);
  composite_plan plan;
  std::vector<scene_record> all = r.scene_list.empty() ? products_of(r, plan.notes) : list_of(r);
  plan.scenes_total = int(all.size());
  std::vector<scene_record> s;
  for (auto& x : all)
    if ((r.from.empty() || x.date >= r.from) && (r.to.empty() || x.date <= r.to)) s.push_back(std::move(x));
  SINKMAP_EXPECTS(!s.empty(), bad_input,
                  "the window " + (r.from.empty() ? std::string("(start)") : r.from) + " .. " +
                    (r.to.empty() ? std::string("(end)") : r.to) + " holds none of the " +
                    std::to_string(all.size()) + " scenes (--from / --to)");
  std::stable_sort(s.begin(), s.end(), [](auto const& a, auto const& b) { return a.date < b.date; });

  // Roles: the requested ones, or every role all scenes have.
  std::vector<band_role> roles;
  if (!r.roles.empty()) {
    for (auto const& name : r.roles) {
      auto const role = sensors::parse_role(name);
      SINKMAP_EXPECTS(role.has_value(), bad_input,
                      "--roles: unknown role '" + name + "' (" + sensors::role_name_list() + ")");
      roles.push_back(*role);
    }
  } else {
    for (auto const& [role, _] : s.front().files) roles.push_back(role);
  }
  for (auto const& x : s)
    for (auto role : roles)
      SINKMAP_EXPECTS(x.files.count(role), bad_input,
                      x.where + ": has no " + std::string(sensors::role_name(role)) + " band" +
                        (r.roles.empty() ? "; pass --roles to composite the roles all scenes have" : ""));
  if (r.roles.empty()) {  // keep the roles every scene has
    std::vector<band_role> common;
    for (auto role : roles) {
      bool all_have = true;
      for (auto const& x : s) all_have &= x.files.count(role) > 0;
      if (all_have) common.push_back(role);
    }
    roles = common;
  }
  SINKMAP_EXPECTS(!roles.empty() && roles.size() <= std::size_t(kernels::max_composite_roles), bad_input,
                  "a composite takes 1 to " + std::to_string(kernels::max_composite_roles) +
                    " band roles, not " + std::to_string(roles.size()) + " (--roles)");
  auto& p = plan.params;
  p.method = parse_method(r.method);
  p.n_roles = int(roles.size());
  for (std::size_t k = 0; k < roles.size(); ++k) {
    p.roles[k] = roles[k];
    if (roles[k] == band_role::red) p.red_slot = int(k);
    if (roles[k] == band_role::nir) p.nir_slot = int(k);
  }
  SINKMAP_EXPECTS(p.method != kernels::composite_method::max_ndvi || (p.red_slot >= 0 && p.nir_slot >= 0),
                  bad_input, "--method max-ndvi needs red and nir among the roles (" + role_list(roles) + ")");
  if (r.valid_range) {
    p.valid_min = float(r.valid_range->first);
    p.valid_max = float(r.valid_range->second);
  }

  // The grid: --grid warps every file onto it; otherwise all files must share one grid.
  std::vector<std::string> files;
  for (auto const& x : s)
    for (auto role : roles) files.push_back(x.files.at(role).file);
  auto const& gs = r.scene_options.grid;
  std::string const resampling = gs.active() ? io::parse_resampling(gs.resampling) : "";
  if (gs.active()) {
    plan.grid = io::resolve_grid(gs, files);
  } else {
    plan.grid = io::grid_of_file(files.front());
  }
  std::map<std::string, std::string> warped;
  auto reflectance = [&](io::band_source src) {
    if (!gs.active()) {
      io::check_same_grid(plan.grid, files.front(), io::grid_of_file(src.file), src.file);
      return src;
    }
    auto it = warped.find(src.file);
    if (it == warped.end()) it = warped.emplace(src.file, io::warp_to_grid(src.file, plan.grid, resampling, {}, "--grid")).first;
    return io::band_source{it->second, src.band};
  };
  auto quality = [&](quality_plane const& q) {
    if (!gs.active()) {
      io::check_same_grid(plan.grid, files.front(), io::grid_of_file(q.file), q.file);
      return q.file;
    }
    return io::warp_to_grid(q.file, plan.grid, "near", {true, q.fill}, "--grid");
  };

  std::vector<std::vector<kernels::input_decode>> groups;
  int plane = first_plane;
  for (auto const& x : s) {
    kernels::observation o;
    o.first_plane = plane;
    o.doy = x.doy;
    std::vector<kernels::input_decode> dec;
    for (auto role : roles) {
      io::band_source const src = reflectance(x.files.at(role));
      plan.planes.push_back(src);
      auto ds = io::open_raster(src.file, x.where);
      plan.types.push_back(ds->GetRasterBand(src.band)->GetRasterDataType());
      // (A band warped without nodata became Float32 with NaN outside the scene: NaN is nodata.)
      dec.push_back(x.decode.at(role));
      ++plane;
    }
    auto same = [&](std::vector<kernels::input_decode> const& g) {
      for (std::size_t k = 0; k < g.size(); ++k)
        if (g[k].scale != dec[k].scale || g[k].offset != dec[k].offset ||
            g[k].has_nodata != dec[k].has_nodata || (g[k].has_nodata && g[k].nodata != dec[k].nodata))
          return false;
      return true;
    };
    auto it = std::find_if(groups.begin(), groups.end(), same);
    if (it == groups.end()) {
      SINKMAP_EXPECTS(groups.size() < std::size_t(kernels::max_decode_groups), bad_input,
                      "the scenes scale their bands in more than " + std::to_string(kernels::max_decode_groups) +
                        " different ways; composite fewer sensors at once");
      groups.push_back(dec);
      it = groups.end() - 1;
    }
    o.decode = int(it - groups.begin());
    SINKMAP_EXPECTS(x.quality.size() <= std::size_t(kernels::max_clear_tests), runtime_failure,
                    x.where + ": too many quality layers");
    for (std::size_t q = 0; q < x.quality.size(); ++q) {
      plan.planes.push_back({quality(x.quality[q]), 1});
      auto ds = io::open_raster(plan.planes.back().file, x.where);
      plan.types.push_back(ds->GetRasterBand(1)->GetRasterDataType());
      o.tests[q] = x.quality[q].test;
      o.tests[q].plane = plane++;
    }
    plan.observations.push_back(o);
    ++p.n_obs;
    plan.dates.push_back(x.date);
  }
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (std::size_t k = 0; k < groups[g].size(); ++k) p.decode[g][k] = groups[g][k];
  plan.read_type = io::common_read_type(plan.types);
  plan.notes.push_back(std::to_string(s.size()) + " of " + std::to_string(all.size()) + " scenes in the window (" +
                       plan.dates.front() + " .. " + plan.dates.back() + "), roles " + role_list(roles) +
                       ", method " + r.method);
  return plan;
}

}  // namespace sinkmap::composite
