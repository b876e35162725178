// The compiled part of the `sinkmap` Python module (pybind11): NumPy arrays through the same
// per-pixel functors the CLI streams (kernels/), and `run` on a config. The GIL is released while
// computing; sinkmap's bad_input becomes ValueError (naming the argument), a run failure
// RuntimeError. python/sinkmap/__init__.py adds open_cube (xarray) on top.
#include "composite/composite_plan.hpp"
#include "core/error.hpp"
#include "indices/index_request.hpp"
#include "jobs/run_config.hpp"
#include "jobs/run_job.hpp"
#include "sensors/band_role_names.hpp"
#include "sinkmap/kernels/composite_stage.hpp"
#include "sinkmap/kernels/index_stage.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <fstream>
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

/// sinkmap.run(config): `sinkmap run CONFIG`, quietly; returns run.json's text (the Python side
/// parses it into a dict).
std::string run_config_file(std::string const& config)
{
  auto const cfg = jobs::load_run_config(config);
  jobs::run_settings s;
  s.quiet = true;
  std::string manifest;
  {
    py::gil_scoped_release release;
    manifest = jobs::run_one_map(cfg, s, {}).manifest;
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
  m.def("run", &run_config_file, py::arg("config"), "run(config) -> str: `sinkmap run CONFIG`; returns run.json's text.");
  m.def("index_names", [] {
    std::vector<std::string> names;
    for (auto const& i : indices::all_indices()) names.push_back(i.name);
    return names;
  });
}
