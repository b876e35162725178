#include "jobs/carbon_inputs.hpp"


#include "core/error.hpp"
#include "gdal/gdal_session.hpp"
#include "io/landcover.hpp"
#include "io/target_grid.hpp"

#include <ogr_spatialref.h>

#include <cstdio>
#include <cstring>

namespace sinkmap::jobs {

models::carbon_model load_model(carbon_input_options const& o)
{
  return models::load_carbon_model(models::resolve_model_path(o.model), {o.soil_type});
}

std::optional<std::string> region_warning(models::carbon_model const& m, io::raster_grid const& g)
{
  if (g.crs_wkt.empty() || !g.has_geotransform) return std::nullopt;
  auto const& gt = g.geotransform;
  double x = gt[0] + gt[1] * g.width / 2.0 + gt[2] * g.height / 2.0;
  double y = gt[3] + gt[4] * g.width / 2.0 + gt[5] * g.height / 2.0;
  auto const ct = io::to_lonlat(g);
  if (!ct || !ct->Transform(1, &x, &y)) return std::nullopt;
  if (x >= m.lon_min && x <= m.lon_max && y >= m.lat_min && y <= m.lat_max) return std::nullopt;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "the map's centre (lon %.3f, lat %.3f) lies outside the region of model %s "
                "(lon %g..%g, lat %g..%g: %s); its factors may not apply here",
                x, y, m.name.c_str(), m.lon_min, m.lon_max, m.lat_min, m.lat_max,
                m.region_description.c_str());
  return std::string(buf);
}

/// Whether every corner of the grid lies inside the extent of a map in lon/lat (EPSG:4326): the
/// model's coarse zone map is used only where it covers the whole run.
bool grid_inside_lonlat_map(io::raster_grid const& g, std::string const& map)
{
  if (g.crs_wkt.empty() || !g.has_geotransform) return false;
  auto ds = io::open_raster(map, "climate_zones.map");
  double mt[6];
  if (ds->GetGeoTransform(mt) != CE_None || mt[2] != 0 || mt[4] != 0) return false;
  double const x0 = mt[0], x1 = mt[0] + mt[1] * ds->GetRasterXSize();
  double const y0 = std::min(mt[3], mt[3] + mt[5] * ds->GetRasterYSize()), y1 = std::max(mt[3], mt[3] + mt[5] * ds->GetRasterYSize());
  auto const ct = io::to_lonlat(g);
  if (!ct) return false;
  auto const& gt = g.geotransform;
  for (double const px : {0.0, double(g.width)})
    for (double const py : {0.0, double(g.height)}) {
      double x = gt[0] + gt[1] * px + gt[2] * py, y = gt[3] + gt[4] * px + gt[5] * py;
      if (!ct->Transform(1, &x, &y) || x < x0 || x > x1 || y < y0 || y > y1) {
        io::take_gdal_error();
        return false;
      }
    }
  return true;
}

namespace {

// The inventory's polygons on the grid: their class (as a forest-type code equal to the class
// id), stand age and growing stock, which the carbon stage reads inside the polygons.
void add_forest_inventory(carbon_input_options const& o, io::raster_grid const& grid, carbon_inputs& in)
{
  auto const& m = in.model;
  auto const& fi = o.forest_inventory;
  SINKMAP_EXPECTS(o.forest_type.empty() && o.forest_age.empty(), bad_input,
                  "forest_inventory and forest_type / forest_age maps: give the inventory or the maps, not both");
  in.inventory = io::read_forest_inventory(fi, m);
  std::string path = o.forest_inventory_raster;
  if (path.empty()) {
    in.inventory_file = std::make_shared<io::owned_file>(io::temporary_raster_path("forest-inventory"));
    io::burn_forest_inventory(fi, *in.inventory, grid, in.inventory_file->path);
    path = in.inventory_file->path;
  }
  in.type_lookup = {};
  in.type_lookup.lut.fill(kernels::unmapped_code);
  in.type_lookup.lut[0] = 0;
  for (auto const& c : m.classes) in.type_lookup.lut[std::size_t(c.id)] = static_cast<unsigned char>(c.id);
  in.type_lookup.nodata = {0};
  in.type_lookup.file = in.inventory->crosswalk_file;
  in.forest_type = int(in.planes.size());
  in.planes.push_back({"forest_inventory", {path, 1 + io::ib_class}, GDT_Float32});
  if (!fi.age_field.empty()) {
    if (m.has_ages) {
      in.forest_age = int(in.planes.size());
      in.planes.push_back({"forest_inventory", {path, 1 + io::ib_age}, GDT_Float32});
    } else {
      in.notes.push_back("forest inventory: model " + m.name + " has no age classes; the ages of " + fi.file + " are not used");
    }
  }
  if (!fi.volume_field.empty()) {
    in.volume = int(in.planes.size());
    in.planes.push_back({"forest_inventory", {path, 1 + io::ib_volume}, GDT_Float32});
  }
  if (!fi.increment_field.empty()) {
    in.increment = int(in.planes.size());
    in.planes.push_back({"forest_inventory", {path, 1 + io::ib_increment}, GDT_Float32});
  }
  in.age_offset_years = o.map_year != 0 ? float(o.map_year - fi.year) : 0.0f;
  std::string classes;
  for (auto const& [cls, n] : in.inventory->stands_per_class)
    classes += (classes.empty() ? "" : ", ") + m.class_name(cls) + " " + std::to_string(n);
  in.notes.push_back("forest inventory " + fi.file + " (layer " + in.inventory->layer + ", survey " + std::to_string(fi.year) +
                     "): " + std::to_string(in.inventory->stands.size()) + " polygons (" + classes + ") through " +
                     in.inventory->crosswalk_file + "; inside them forest pixels take the polygon's class" +
                     (in.forest_age >= 0 ? ", age" : "") + (in.volume >= 0 ? " and growing stock" : "") +
                     (in.increment >= 0 ? "; in the accounting they grow by their volume increment (Eq. 2.10) until "
                                          "converted, relabelled or disturbed" : "") +
                     "; forest outside them keeps the land-cover defaults");
  for (auto const& n : in.inventory->notes) in.notes.push_back(n);
  if (o.map_year != 0 && o.map_year != fi.year)
    in.notes.push_back("forest inventory of " + std::to_string(fi.year) + " used for the map of " +
                       std::to_string(o.map_year) + ": stand ages advanced by " +
                       std::to_string(o.map_year - fi.year) + " years; growing stocks are the survey's");
  in.metadata["SINKMAP_FOREST_INVENTORY"] = fi.file + " (survey " + std::to_string(fi.year) + ", via " +
                                            in.inventory->crosswalk_file + ")";
  if (in.forest_age >= 0)
    in.metadata["SINKMAP_AGE_CLASS"] = "forest inventory ages at the " + std::to_string(fi.year) + " survey, advanced to the map's year";
  in.record["forest_inventory"] = {{"file", fi.file},          {"layer", fi.layer},
                                   {"year", fi.year},          {"type_field", fi.type_field},
                                   {"origin_field", fi.origin_field}, {"age_field", fi.age_field},
                                   {"volume_field", fi.volume_field}, {"increment_field", fi.increment_field},
                                   {"crosswalk", in.inventory->crosswalk_file},
                                   {"map_year", o.map_year}};
}

}  // namespace

carbon_inputs prepare_carbon_inputs(carbon_input_options const& o, io::raster_grid const& grid)
{
  carbon_inputs in;
  in.model = load_model(o);
  auto& m = in.model;
  auto& md = in.metadata;
  md["SINKMAP_MODEL"] = m.name;
  md["SINKMAP_MODEL_VERSION"] = m.version;
  md["SINKMAP_MODEL_FILE"] = o.model;
  md["SINKMAP_MODEL_SHA256"] = m.sha256;
  // One depth, or "mixed" with each class's depth in SINKMAP_SOIL_DEPTHS: a soil band never
  // claims one depth for pools measured to different depths.
  auto const depths = m.soil_depths();
  md["SINKMAP_SOIL_DEPTH_CM"] = depths.size() == 1 ? std::to_string(depths[0]) : "mixed";
  md["SINKMAP_SOIL_DEPTHS"] = m.soil_depth_summary();
  md["SINKMAP_CLASSES"] = class_table_text(m);
  if (!m.soil_type.empty()) md["SINKMAP_SOIL_TYPE"] = m.soil_type;
  auto& rec = in.record;
  rec["model_file"] = o.model;
  rec["model_sha256"] = m.sha256;
  rec["soil_type"] = m.soil_type;
  rec["climate_zone"] = {{"source", "model_default"}, {"name", m.zones[std::size_t(m.default_zone)].name}};
  rec["age"] = {{"source", m.has_ages ? "model_default" : "none"}};
  if (auto const ne = m.not_estimated_summary(); !ne.empty()) md["SINKMAP_NOT_ESTIMATED"] = ne;
  auto const flagged = m.flagged_parameters();
  if (!flagged.empty()) {
    std::string s;
    for (auto const& f : flagged) s += (s.empty() ? "" : "; ") + f;
    md["SINKMAP_FLAGGED_PARAMETERS"] = s;
    in.notes.push_back(std::to_string(flagged.size()) + " parameter(s) of model " + m.name +
                       " are unverified or proxies (listed in the output metadata)");
  }
  if (!m.deprecated.empty())
    in.warnings.push_back("model " + m.name + " is deprecated: " + m.deprecated + " (" +
                          std::to_string(m.known_errors.size()) + " known errors in " + m.file + ")");

  // Climate zone: a map, a name, or the model's default (recorded either way).
  SINKMAP_EXPECTS(o.climate_zone.empty() || o.climate_zone_map.empty(), bad_input,
                  "--climate-zone and --climate-zone-map: give one, not both");
  in.default_zone = m.default_zone;
  std::string zone_map = o.climate_zone_map, zone_crosswalk = o.climate_zone_crosswalk;
  bool zone_map_is_default = false;
  if (!o.climate_zone.empty()) {
    auto const z = m.zone_id(o.climate_zone);
    SINKMAP_EXPECTS(z.has_value(), bad_input,
                    "--climate-zone: unknown zone '" + o.climate_zone + "' (model " + m.name +
                      " in " + m.file + " defines: " + m.zone_name_list() + ")");
    in.default_zone = *z;
    md["SINKMAP_CLIMATE_ZONE"] = o.climate_zone;
    rec["climate_zone"] = {{"source", "option"}, {"name", o.climate_zone}};
  } else if (o.climate_zone_map.empty() && !m.zone_map.empty() && grid_inside_lonlat_map(grid, m.zone_map)) {
    // The model's coarse zone map of its region, where it covers the run (issue 24: the climate
    // zone from a bundled map, not one default for all).
    zone_map = m.zone_map;
    zone_crosswalk = m.zone_map_crosswalk;
    zone_map_is_default = true;
  } else if (o.climate_zone_map.empty()) {
    md["SINKMAP_CLIMATE_ZONE"] = m.zones[std::size_t(m.default_zone)].name + " (model default)";
    in.notes.push_back("climate zone " + m.zones[std::size_t(m.default_zone)].name +
                       " (the model's default: " + m.default_zone_reason + ")" +
                       (m.zone_map.empty() ? "" : "; the model's zone map " + m.zone_map + " does not cover the whole grid"));
  }

  // Age class: a map of stand ages, one class for all, or the model's default.
  SINKMAP_EXPECTS(o.forest_age.empty() || o.forest_age_class.empty(), bad_input,
                  "--forest-age and --forest-age-class: give one, not both");
  in.default_age = m.default_age;
  if (!o.forest_age_class.empty()) {
    SINKMAP_EXPECTS(o.forest_age_class == "young" || o.forest_age_class == "old", bad_input,
                    "--forest-age-class '" + o.forest_age_class + "': expected young (<= " +
                      std::to_string(int(m.age_boundary_years)) + " years) or old");
    SINKMAP_EXPECTS(m.has_ages, bad_input,
                    "--forest-age-class: model " + m.name + " (" + m.file + ") has no age classes");
    in.default_age = o.forest_age_class == "young" ? 0 : 1;
    md["SINKMAP_AGE_CLASS"] = o.forest_age_class;
    rec["age"] = {{"source", "option"}, {"class", o.forest_age_class}};
  } else if (o.forest_age.empty() && m.has_ages && (!o.forest_inventory.given() || o.forest_inventory.age_field.empty())) {
    md["SINKMAP_AGE_CLASS"] = std::string(m.default_age == 0 ? "young" : "old") + " (model default)";
    rec["age"]["class"] = m.default_age == 0 ? "young" : "old";
    in.notes.push_back(std::string("forest age class ") + (m.default_age == 0 ? "young" : "old") +
                       " (the model's default: " + m.default_age_reason + ")");
  }

  if (auto w = region_warning(m, grid)) in.warnings.push_back(*w);

  auto const resampling = io::parse_landcover_resampling(o.landcover_resampling);
  if (!o.landcover.empty()) {
    std::string const cw_path = io::guess_crosswalk(o.landcover, o.crosswalk, m);
    auto const cw = models::load_crosswalk(cw_path);
    in.landcover_lookup = models::class_lookup(cw, m);
    io::scene_plane const lc = io::warp_codes(o.landcover, "--landcover", grid, resampling, in.landcover_lookup);
    auto const hist = io::check_codes(lc, o.landcover, in.landcover_lookup, "--landcover");
    for (int code = 0; code < kernels::landcover_codes; ++code)
      if (int const cls = in.landcover_lookup.class_of(code); cls > 0 && hist[std::size_t(code)] > 0)
        in.class_pixels[cls] += hist[std::size_t(code)];
    in.landcover = int(in.planes.size());
    in.planes.push_back(lc);
    md["SINKMAP_LANDCOVER"] = o.landcover;
    md["SINKMAP_CROSSWALK"] = cw_path;
    rec["crosswalk"] = cw_path;
    in.notes.push_back("land cover " + o.landcover + " through crosswalk " + cw_path);
    for (auto const& [cls, n] : in.class_pixels) {
      auto const* ci = m.find_class(cls);
      if (ci && !ci->absent_in_region.empty())
        in.warnings.push_back(std::to_string(n) + " pixels are class " + ci->name +
                              ", which the region of model " + m.name + " does not have: " +
                              ci->absent_in_region);
    }
  }
  if (!o.forest_type.empty()) {
    std::string const cw_path = models::resolve_crosswalk_path(o.forest_type_crosswalk, m, "--forest-type-crosswalk");
    auto const cw = models::load_crosswalk(cw_path);
    SINKMAP_EXPECTS(cw.kind == "forest_type" || cw.kind == "landcover", bad_input,
                    "--forest-type-crosswalk: " + cw_path + " is a " + cw.kind + " crosswalk");
    in.type_lookup = models::class_lookup(cw, m);
    io::scene_plane const ft = io::warp_codes(o.forest_type, "--forest-type", grid, "near", in.type_lookup);
    io::check_codes(ft, o.forest_type, in.type_lookup, "--forest-type");
    in.forest_type = int(in.planes.size());
    in.planes.push_back(ft);
    md["SINKMAP_FOREST_TYPE"] = o.forest_type + " via " + cw_path;
    rec["forest_type"] = {{"map", o.forest_type}, {"crosswalk", cw_path}};
  }
  if (o.forest_inventory.given()) add_forest_inventory(o, grid, in);
  if (!o.forest_age.empty()) {
    SINKMAP_EXPECTS(m.has_ages, bad_input,
                    "--forest-age: model " + m.name + " (" + m.file + ") has no age classes");
    io::scene_plane const age = io::warp_onto_grid(o.forest_age, "--forest-age", grid, "near", GDT_Float32, NAN);
    in.forest_age = int(in.planes.size());
    in.planes.push_back(age);
    md["SINKMAP_AGE_CLASS"] = "map " + o.forest_age + " (young <= " +
                              std::to_string(int(m.age_boundary_years)) + " years; default " +
                              (m.default_age == 0 ? "young" : "old") + " where it has no age)";
    rec["age"] = {{"source", "map"}, {"map", o.forest_age}};
  }
  if (!zone_map.empty()) {
    std::string const option = zone_map_is_default ? "climate_zones.map of model " + m.name : "--climate-zone-map";
    std::string const cw_path = models::resolve_crosswalk_path(zone_crosswalk, m, zone_map_is_default ? option : "--climate-zone-crosswalk");
    auto const cw = models::load_crosswalk(cw_path);
    in.zone_lookup = models::zone_lookup(cw, m);
    io::scene_plane const z = io::warp_codes(zone_map, option, grid, "near", in.zone_lookup);
    auto const counts = io::check_codes(z, zone_map, in.zone_lookup, option);
    // Pixels in cells the crosswalk leaves without a zone (no data, or a zone the model has no
    // parameters for, such as cool temperate in north_china_2019) get no stock: said here with
    // the codes, not left to a per-class "no carbon estimate" line.
    std::uint64_t zoneless = 0;
    std::string codes;
    for (int c : in.zone_lookup.nodata)
      if (c >= 0 && c < 256 && counts[std::size_t(c)] > 0) {
        zoneless += counts[std::size_t(c)];
        codes += (codes.empty() ? "" : ", ") + std::to_string(c) + " (" + std::to_string(counts[std::size_t(c)]) + ")";
      }
    if (zoneless > 0)
      in.warnings.push_back("climate zone map " + zone_map + ": " + std::to_string(zoneless) +
                            " pixels lie in cells of codes " + codes + " (pixels per code) that " + cw_path +
                            " gives no zone of model " + m.name + ": they get no carbon estimate (give "
                            "--climate-zone or a finer --climate-zone-map there)");
    in.zone = int(in.planes.size());
    in.planes.push_back(z);
    md["SINKMAP_CLIMATE_ZONE"] = "map " + zone_map + " via " + cw_path + (zone_map_is_default ? " (model default)" : "");
    rec["climate_zone"] = {{"source", "map"}, {"map", zone_map}, {"crosswalk", cw_path}};
    if (zone_map_is_default) {
      rec["climate_zone"]["model_default"] = true;
      in.notes.push_back("climate zone from the model's zone map " + zone_map + " via " + cw_path + " (" + m.zone_map_source + ")");
    }
  }
  // A land-cover class the model has no parameters for (in any zone and age class the map can
  // use) would be NaN carbon on all its pixels: an error naming it, unless the user asked for
  // such pixels to be reported as unmapped.
  std::string unestimated;
  for (auto const& [cls, n] : in.class_pixels) {
    bool any = false;
    for (int z = 0; z < kernels::max_zones && !any; ++z) {
      if (in.zone < 0 && z != in.default_zone) continue;
      for (int a = 0; a < kernels::age_classes && !any; ++a) {
        if (in.forest_age < 0 && a != in.default_age) continue;
        any = kernels::param_set(*m.tables, cls, z, a) >= 0;
      }
    }
    if (!any) unestimated += (unestimated.empty() ? "" : ", ") + m.class_name(cls) + " (" + std::to_string(n) + " pixels)";
  }
  if (!unestimated.empty()) {
    std::string const msg = "--landcover: '" + o.landcover + "' has class(es) " + unestimated + " for which model " +
                            m.name + " (" + m.file + ") has no parameters in this climate zone and age class";
    SINKMAP_EXPECTS(o.unmapped_classes, bad_input, msg + "; add them to the model, or pass --unmapped-classes to report "
                                                   "their pixels as unmapped");
    in.warnings.push_back(msg + ": their pixels are unmapped (--unmapped-classes)");
  }
  return in;
}

void bind_carbon_inputs(carbon_inputs const& in, int first_plane, kernels::carbon_stage_params& p)
{
  auto plane = [&](int k) { return k < 0 ? -1 : first_plane + k; };
  p.landcover_plane = plane(in.landcover);
  p.forest_type_plane = plane(in.forest_type);
  p.forest_age_plane = plane(in.forest_age);
  p.volume_plane = plane(in.volume);
  p.age_offset_years = in.age_offset_years;
  p.bcef = models::bcef_tables_of(in.model);
  p.zone_plane = plane(in.zone);
  std::memset(p.lut, kernels::unmapped_code, sizeof p.lut);
  std::memset(p.type_lut, kernels::unmapped_code, sizeof p.type_lut);
  std::memset(p.zone_lut, kernels::unmapped_code, sizeof p.zone_lut);
  if (in.landcover >= 0) std::memcpy(p.lut, in.landcover_lookup.lut.data(), sizeof p.lut);
  if (in.forest_type >= 0) std::memcpy(p.type_lut, in.type_lookup.lut.data(), sizeof p.type_lut);
  if (in.zone >= 0) std::memcpy(p.zone_lut, in.zone_lookup.lut.data(), sizeof p.zone_lut);
  p.default_zone = in.default_zone;
  p.default_age = in.default_age;
  p.age_boundary_years = float(in.model.age_boundary_years);
  p.classifier = in.model.classifier;
  p.tables = *in.model.tables;
}

}  // namespace sinkmap::jobs
