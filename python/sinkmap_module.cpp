// The compiled part of the `sinkmap` Python module (pybind11): NumPy arrays through the same
// per-pixel functors the CLI streams (kernels/), and `run` on a config. The GIL is released while
// computing; sinkmap's bad_input becomes ValueError (naming the argument), a run failure
// RuntimeError. python/sinkmap/__init__.py adds open_cube (xarray) on top.
#include "composite/composite_plan.hpp"
#include "core/error.hpp"
#include "indices/index_request.hpp"
#include "jobs/run_config.hpp"
#include "jobs/run_job.hpp"
#include "jobs/sink_job.hpp"
#include "jobs/stock_job.hpp"
#include "sensors/band_role_names.hpp"
#include "sinkmap/kernels/composite_stage.hpp"
#include "sinkmap/kernels/index_stage.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <array>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace sinkmap;

namespace {

using float_array = py::array_t<float, py::array::c_style | py::array::forcecast>;

/// A floating-point array argument as float32 (C order); ValueError naming `what` for another
/// dtype, so integer digital numbers are not taken for reflectance by accident.
float_array floats(py::handle const& obj, std::string const& what)
{
  SINKMAP_EXPECTS(py::isinstance<py::array>(obj), bad_input, what + ": expected a NumPy array");
  auto const a = py::reinterpret_borrow<py::array>(obj);
  SINKMAP_EXPECTS(a.dtype().kind() == 'f', bad_input,
                  what + ": dtype " + std::string(py::str(a.dtype())) +
                    " is not floating point (give reflectance as float32 or float64, NaN for nodata)");
  return float_array::ensure(obj);
}

std::vector<py::ssize_t> shape_of(py::array const& a) { return {a.shape(), a.shape() + a.ndim()}; }

std::string shape_text(std::vector<py::ssize_t> const& s)
{
  std::string t = "(";
  for (std::size_t k = 0; k < s.size(); ++k) t += (k ? ", " : "") + std::to_string(s[k]);
  return t + (s.size() == 1 ? ",)" : ")");
}

/// sinkmap.index(name, **roles): one spectral index of reflectance arrays (roles by name: red,
/// nir, ...), float32 out, NaN where a role is NaN; the index_stage functor of the CLI.
py::array_t<float> spectral_index(std::string const& name, py::kwargs const& roles)
{
  auto const request = indices::make_index_request({name}, {});
  SINKMAP_EXPECTS(request.indices.size() == 1, bad_input, "name: give one index, e.g. 'NDVI'");
  kernels::index_stage_params p{};
  for (int r = 0; r < kernels::band_role_count; ++r) p.plane_of_role[r] = -1;
  p.n_outputs = 1;
  p.terms[0] = request.terms[0];
  std::vector<float_array> arrays;
  std::vector<py::ssize_t> shape;
  std::string first;
  for (auto const& [key, value] : roles) {
    std::string const role_name = py::str(key);
    auto const role = sensors::parse_role(role_name);
    SINKMAP_EXPECTS(role.has_value(), bad_input,
                    role_name + ": not a band role (" + sensors::role_name_list() + ")");
    auto a = floats(value, role_name);
    if (arrays.empty()) {
      shape = shape_of(a);
      first = role_name;
    }
    SINKMAP_EXPECTS(shape_of(a) == shape, bad_input,
                    role_name + ": shape " + shape_text(shape_of(a)) + " differs from " + first + "'s " + shape_text(shape));
    p.plane_of_role[static_cast<int>(*role)] = int(arrays.size());
    arrays.push_back(std::move(a));
  }
  for (auto const role : request.roles)
  {
    std::string const rn(sensors::role_name(role));
    SINKMAP_EXPECTS(p.plane_of_role[static_cast<int>(role)] >= 0, bad_input,
                    rn + ": " + name + " needs this band (pass " + rn + "=ARRAY)");
  }
  std::size_t const n = arrays.empty() ? 0 : std::size_t(arrays.front().size());
  py::array_t<float> out(shape);
  float* dst = out.mutable_data();
  {
    std::vector<float const*> src;
    for (auto const& a : arrays) src.push_back(a.data());
    py::gil_scoped_release release;
    // The functor reads band-sequential planes: one plane per bound role.
    std::vector<float> planes(n * src.size());
    for (std::size_t k = 0; k < src.size(); ++k) std::copy(src[k], src[k] + n, planes.begin() + std::ptrdiff_t(k * n));
    kernels::index_stage<float> const stage{p, planes.data(), dst, n};
    for (std::size_t i = 0; i < n; ++i) stage(i);
  }
  return out;
}

/// sinkmap.composite(stack, dates, roles, method, valid_range): the clear-sky composite of a
/// (observation, role, y, x) reflectance stack, NaN where an observation is not clear; returns
/// {role: array, "clear_count": array, "doy": array (medoid, max-ndvi)}. The CLI's
/// composite_stage functor; observations ordered by date as the CLI orders them (ties: given
/// order).
py::dict clear_sky_composite(py::handle const& stack_obj, std::vector<std::string> const& dates,
                   std::vector<std::string> const& role_names, std::string const& method,
                   std::optional<std::pair<double, double>> const& valid_range)
{
  auto const stack = floats(stack_obj, "stack");
  SINKMAP_EXPECTS(stack.ndim() == 4, bad_input,
                  "stack: shape " + shape_text(shape_of(stack)) + " is not (observation, role, y, x)");
  auto const n_obs = std::size_t(stack.shape(0)), n_roles = std::size_t(stack.shape(1));
  SINKMAP_EXPECTS(dates.size() == n_obs, bad_input,
                  "dates: " + std::to_string(dates.size()) + " dates for " + std::to_string(n_obs) + " observations");
  SINKMAP_EXPECTS(role_names.size() == n_roles, bad_input,
                  "roles: " + std::to_string(role_names.size()) + " names for " + std::to_string(n_roles) +
                    " bands of the stack");
  SINKMAP_EXPECTS(n_roles >= 1 && n_roles <= std::size_t(kernels::max_composite_roles), bad_input,
                  "roles: a composite takes 1 to " + std::to_string(kernels::max_composite_roles) + " roles");
  kernels::composite_stage_params sp;
  auto& p = sp.comp;
  p.method = composite::parse_method(method);
  p.n_roles = int(n_roles);
  for (std::size_t r = 0; r < n_roles; ++r) {
    auto const role = sensors::parse_role(role_names[r]);
    SINKMAP_EXPECTS(role.has_value(), bad_input,
                    "roles: '" + role_names[r] + "' is not a band role (" + sensors::role_name_list() + ")");
    p.roles[r] = *role;
    if (*role == kernels::band_role::red) p.red_slot = int(r);
    if (*role == kernels::band_role::nir) p.nir_slot = int(r);
    p.decode[0][r] = kernels::input_decode{};  // reflectance as given, NaN = not observed
  }
  SINKMAP_EXPECTS(p.method != kernels::composite_method::max_ndvi || (p.red_slot >= 0 && p.nir_slot >= 0),
                  bad_input, "method: max-ndvi needs red and nir among the roles");
  if (valid_range) {
    SINKMAP_EXPECTS(valid_range->first < valid_range->second, bad_input,
                    "valid_range: (" + std::to_string(valid_range->first) + ", " + std::to_string(valid_range->second) +
                      ") is empty: give (low, high) with low < high");
    p.valid_min = float(valid_range->first);
    p.valid_max = float(valid_range->second);
  }
  std::vector<int> doy(n_obs);
  for (std::size_t k = 0; k < n_obs; ++k) doy[k] = composite::day_of_year(dates[k], "dates[" + std::to_string(k) + "]");
  std::vector<std::size_t> order(n_obs);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return dates[a] < dates[b]; });
  std::vector<kernels::observation> obs(n_obs);
  for (std::size_t k = 0; k < n_obs; ++k) {
    obs[k].first_plane = int(order[k] * n_roles);  // the stack's planes: observation-major
    obs[k].doy = doy[order[k]];
  }
  p.n_obs = int(n_obs);
  p.obs = obs.data();
  sp.with_doy = p.method != kernels::composite_method::median ? 1 : 0;
  std::size_t const h = std::size_t(stack.shape(2)), w = std::size_t(stack.shape(3)), n = h * w;
  int const outputs = kernels::composite_output_count(sp);
  std::vector<float> out(std::size_t(outputs) * n);
  {
    float const* in = stack.data();
    py::gil_scoped_release release;
    std::vector<float> workspace(n_obs * std::size_t(kernels::composite_workspace_columns(p)));
    p.workspace = workspace.data();
    p.workspace_per_pixel = 0;  // one pixel's buffer, reused pixel after pixel (the CPU form)
    kernels::composite_stage<float> const stage{sp, in, out.data(), n};
    for (std::size_t i = 0; i < n; ++i) stage(i);
  }
  py::dict result;
  auto plane = [&](int k) {
    py::array_t<float> a({py::ssize_t(h), py::ssize_t(w)});
    std::copy(out.begin() + std::ptrdiff_t(std::size_t(k) * n), out.begin() + std::ptrdiff_t(std::size_t(k + 1) * n),
              a.mutable_data());
    return a;
  };
  for (std::size_t r = 0; r < n_roles; ++r) result[py::str(role_names[r])] = plane(int(r));
  result["clear_count"] = plane(int(n_roles));
  if (sp.with_doy) result["doy"] = plane(int(n_roles) + 1);
  return result;
}

/// A folder of this call's temporary rasters, removed with everything in it.
struct temp_folder {
  std::filesystem::path path;
  temp_folder()
  {
    std::string t = (std::filesystem::temp_directory_path() / "sinkmap-py-XXXXXX").string();
    SINKMAP_EXPECTS(mkdtemp(t.data()) != nullptr, runtime_failure, "cannot make a temporary folder in " + t);
    path = t;
  }
  ~temp_folder()
  {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_folder(temp_folder const&) = delete;
  temp_folder& operator=(temp_folder const&) = delete;
};

/// Writes planes (y, x) of `type` as a GeoTIFF on the caller's georeferencing (float32: NaN nodata).
void write_planes(std::string const& path, std::vector<void const*> const& planes, std::size_t h, std::size_t w,
                  std::array<double, 6> const& transform, std::string const& crs, GDALDataType type = GDT_Float32)
{
  OGRSpatialReference srs;
  SINKMAP_EXPECTS(srs.SetFromUserInput(crs.c_str()) == OGRERR_NONE, bad_input,
                  "crs: '" + crs + "' is not a CRS GDAL knows (e.g. 'EPSG:32650' or WKT)");
  GDALDatasetUniquePtr ds(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
    path.c_str(), int(w), int(h), int(planes.size()), type, nullptr));
  SINKMAP_EXPECTS(ds != nullptr, runtime_failure, "cannot write " + path);
  auto gt = transform;
  ds->SetGeoTransform(gt.data());
  ds->SetSpatialRef(&srs);
  bool ok = true;
  for (std::size_t b = 0; b < planes.size(); ++b) {
    auto* band = ds->GetRasterBand(int(b) + 1);
    if (type == GDT_Float32) band->SetNoDataValue(NAN);
    ok = ok && band->RasterIO(GF_Write, 0, 0, int(w), int(h), const_cast<void*>(planes[b]), int(w), int(h), type,
                              0, 0, nullptr) == CE_None;
  }
  ds.reset();
  SINKMAP_EXPECTS(ok, runtime_failure, "cannot write " + path);
}

/// A raster's bands as a dict {description: float32 array}.
py::dict read_bands(std::string const& path)
{
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  SINKMAP_EXPECTS(ds != nullptr, runtime_failure, "cannot read " + path + " back");
  py::dict out;
  for (int b = 1; b <= ds->GetRasterCount(); ++b) {
    auto* band = ds->GetRasterBand(b);
    py::array_t<float> a({py::ssize_t(band->GetYSize()), py::ssize_t(band->GetXSize())});
    SINKMAP_EXPECTS(band->RasterIO(GF_Read, 0, 0, band->GetXSize(), band->GetYSize(), a.mutable_data(),
                                   band->GetXSize(), band->GetYSize(), GDT_Float32, 0, 0, nullptr) == CE_None,
                    runtime_failure, "cannot read " + path + " back");
    out[py::str(band->GetDescription())] = a;
  }
  return out;
}

/// sinkmap.stock(classes, model, crosswalk, transform, crs, ...): carbon pools of a land-cover
/// array (and reflectance where the model's imagery classes need it), through the stock job the
/// CLI runs: the arrays go to temporary GeoTIFFs on the caller's georeferencing (the climate
/// zone map and the region check need the place), and the map comes back as arrays.
py::dict carbon_stock(py::handle const& classes_obj, std::string const& model, std::string const& crosswalk,
                      std::array<double, 6> const& transform, std::string const& crs,
                      std::string const& climate_zone, py::object const& forest_age, py::kwargs const& roles)
{
  SINKMAP_EXPECTS(py::isinstance<py::array>(classes_obj), bad_input, "classes: expected a NumPy array");
  auto const raw = py::reinterpret_borrow<py::array>(classes_obj);
  SINKMAP_EXPECTS(raw.dtype().kind() == 'i' || raw.dtype().kind() == 'u', bad_input,
                  "classes: dtype " + std::string(py::str(raw.dtype())) + " is not integer (land-cover codes)");
  auto const classes = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>::ensure(classes_obj);
  SINKMAP_EXPECTS(classes.ndim() == 2, bad_input, "classes: shape " + shape_text(shape_of(classes)) + " is not (y, x)");
  std::size_t const h = std::size_t(classes.shape(0)), w = std::size_t(classes.shape(1));
  temp_folder tmp;
  auto const file = [&](char const* name) { return (tmp.path / name).string(); };
  jobs::stock_job_options o;
  o.carbon.model = model;
  o.carbon.crosswalk = crosswalk;
  o.carbon.climate_zone = climate_zone;
  o.carbon.landcover = file("classes.tif");
  o.output = file("stock.tif");
  o.output_options.cog = false;
  o.run.quiet = true;
  std::vector<float_array> keep;
  std::vector<void const*> bands;
  for (auto const& [key, value] : roles) {
    std::string const role_name = py::str(key);
    SINKMAP_EXPECTS(sensors::parse_role(role_name).has_value(), bad_input,
                    role_name + ": not a band role (" + sensors::role_name_list() + ")");
    keep.push_back(floats(value, role_name));
    SINKMAP_EXPECTS(shape_of(keep.back()) == shape_of(classes), bad_input,
                    role_name + ": shape " + shape_text(shape_of(keep.back())) + " differs from classes' " +
                      shape_text(shape_of(classes)));
    bands.push_back(keep.back().data());
    o.scene_options.bands.push_back(role_name + "=" + std::to_string(bands.size()));
  }
  std::optional<float_array> age;
  if (!forest_age.is_none()) {
    age = floats(forest_age, "forest_age");
    SINKMAP_EXPECTS(shape_of(*age) == shape_of(classes), bad_input, "forest_age: shape differs from classes'");
    o.carbon.forest_age = file("forest_age.tif");
  }
  {
    py::gil_scoped_release release;
    io::init_gdal();
    write_planes(o.carbon.landcover, {classes.data()}, h, w, transform, crs, GDT_Int32);
    if (!bands.empty()) {
      write_planes(file("scene.tif"), bands, h, w, transform, crs);
      o.scenes = {file("scene.tif")};
    }
    if (age) write_planes(o.carbon.forest_age, {age->data()}, h, w, transform, crs);
    jobs::run_stock_job(o);
  }
  return read_bands(o.output);
}

/// sinkmap.sink(stock_1, stock_2, years, ...): `sinkmap sink` of two stock dicts as stock()
/// returns them (pools and ecosystem_class by name), on the caller's georeferencing.
py::dict carbon_sink(py::dict const& stock_1, py::dict const& stock_2, double years, std::array<double, 6> const& transform,
                     std::string const& crs, std::string const& model, std::string const& method,
                     std::string const& climate_zone)
{
  temp_folder tmp;
  std::vector<std::string> files;
  std::vector<std::vector<float_array>> keep(2);
  std::vector<py::ssize_t> shape;
  std::vector<std::vector<std::string>> names(2);
  for (int k = 0; k < 2; ++k) {
    std::string const what = k == 0 ? "stock_1" : "stock_2";
    for (auto const& [key, value] : k == 0 ? stock_1 : stock_2) {
      std::string const name = py::str(key);
      keep[std::size_t(k)].push_back(floats(value, what + "['" + name + "']"));
      if (shape.empty()) shape = shape_of(keep[std::size_t(k)].back());
      SINKMAP_EXPECTS(shape_of(keep[std::size_t(k)].back()) == shape && shape.size() == 2, bad_input,
                      what + "['" + name + "']: shape " + shape_text(shape_of(keep[std::size_t(k)].back())) +
                        " differs from " + shape_text(shape));
      names[std::size_t(k)].push_back(name);
    }
    SINKMAP_EXPECTS(std::find(names[std::size_t(k)].begin(), names[std::size_t(k)].end(), "c_total") !=
                      names[std::size_t(k)].end(),
                    bad_input, what + ": no 'c_total' (give the dict sinkmap.stock returns)");
    files.push_back((tmp.path / (what + ".tif")).string());
  }
  jobs::sink_job_options o;
  o.stock_t1 = files[0];
  o.stock_t2 = files[1];
  o.years = years;
  o.method = method;
  o.carbon.model = model;
  o.carbon.climate_zone = climate_zone;
  o.output = (tmp.path / "sink.tif").string();
  o.output_options.cog = false;
  o.run.quiet = true;
  {
    py::gil_scoped_release release;
    io::init_gdal();
    for (int k = 0; k < 2; ++k) {
      std::vector<void const*> planes;
      for (auto const& a : keep[std::size_t(k)]) planes.push_back(a.data());
      write_planes(files[std::size_t(k)], planes, std::size_t(shape[0]), std::size_t(shape[1]), transform, crs);
      GDALDatasetUniquePtr ds(GDALDataset::Open(files[std::size_t(k)].c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
      for (std::size_t b = 0; b < names[std::size_t(k)].size(); ++b)
        ds->GetRasterBand(int(b) + 1)->SetDescription(names[std::size_t(k)][b].c_str());
    }
    jobs::run_sink_job(o);
  }
  return read_bands(o.output);
}

/// sinkmap.run(config): `sinkmap run CONFIG`, quietly; returns run.json's text (the Python side
/// parses it into a dict).
std::string run_config_file(std::string const& config)
{
  auto const cfg = jobs::load_run_config(config);
  jobs::run_settings s;
  s.quiet = true;
  io::raster_output_options formats;
  formats.cog = cfg.format != "GTiff";  // the config's format (COG by default), as the CLI takes it
  std::string manifest;
  {
    py::gil_scoped_release release;
    manifest = jobs::run_one_map(cfg, s, formats).manifest;
  }
  std::ifstream f(manifest);
  std::stringstream text;
  text << f.rdbuf();
  return text.str();
}

}  // namespace

PYBIND11_MODULE(_sinkmap, m)
{
  m.doc() = "sinkmap: carbon stocks and sinks of forests and wetlands from satellite imagery";
  py::register_exception<bad_input>(m, "BadInput", PyExc_ValueError);
  py::register_exception<runtime_failure>(m, "RunFailure", PyExc_RuntimeError);
  m.def("index", &spectral_index, py::arg("name"),
        "index(name, **roles) -> float32 array: a spectral index (models/spectral_indices.json) of "
        "reflectance arrays given by band role (red=..., nir=...); NaN in, NaN out.");
  m.def("composite", &clear_sky_composite, py::arg("stack"), py::arg("dates"), py::arg("roles"),
        py::arg("method") = "medoid", py::arg("valid_range") = py::none(),
        "composite(stack, dates, roles, method='medoid', valid_range=None) -> dict: the clear-sky "
        "composite (medoid, median or max-ndvi) of a (observation, role, y, x) float stack, NaN = not "
        "clear; {role: array, 'clear_count': array, 'doy': array}.");
  m.def("stock", &carbon_stock, py::arg("classes"), py::arg("model") = "north_china_2019",
        py::arg("crosswalk") = "esa_worldcover", py::kw_only(), py::arg("transform"), py::arg("crs"),
        py::arg("climate_zone") = "", py::arg("forest_age") = py::none(),
        "stock(classes, model='north_china_2019', crosswalk='esa_worldcover', *, transform, crs, "
        "climate_zone='', forest_age=None, **roles) -> dict of float32 arrays (agb, bgb, c_above, "
        "c_below, c_dead, c_soil, c_total, ecosystem_class, ...): `sinkmap stock` of land-cover codes "
        "(and reflectance by role) on the given georeferencing (GDAL geotransform, CRS).");
  m.def("sink", &carbon_sink, py::arg("stock_1"), py::arg("stock_2"), py::arg("years"), py::kw_only(),
        py::arg("transform"), py::arg("crs"), py::arg("model") = "north_china_2019", py::arg("method") = "auto",
        py::arg("climate_zone") = "",
        "sink(stock_1, stock_2, years, *, transform, crs, model='north_china_2019', method='auto', climate_zone='') "
        "-> dict of float32 arrays (sink_c, sink_co2, gains_c, losses_c, sink_method, disturbed, class_from, "
        "class_to): `sinkmap sink` of two dicts as stock() returns them.");
  m.def("run", &run_config_file, py::arg("config"), "run(config) -> str: `sinkmap run CONFIG`; returns run.json's text.");
  m.def("index_names", [] {
    std::vector<std::string> names;
    for (auto const& i : indices::all_indices()) names.push_back(i.name);
    return names;
  });
}
