// sinkmap info SCENE: bands, roles, size, CRS, the tile plan and the device a run would use.
#include "commands.hpp"
#include "common_options.hpp"
#include "core/error.hpp"
#include "io/quality_statistics.hpp"
#include "io/raster_description.hpp"
#include "jobs/index_job.hpp"
#include "sensors/band_role_names.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

namespace sinkmap::cli {
namespace {

struct info_args {
  std::vector<std::string> scenes;
  io::scene_options bands;
  std::vector<std::string> indices;
  common_options common;
  bool json = false;
};

nlohmann::json describe(info_args const& a)
{
  io::scene s;
  std::size_t out_bytes = sizeof(float);
  if (!a.indices.empty()) {
    jobs::index_job_options o;
    o.scenes = a.scenes;
    o.scene_options = a.bands;
    o.indices = a.indices;
    auto p = jobs::plan_index_job(o);
    s = p.scene;
    out_bytes = p.request.terms.size() * sizeof(float);
  } else {
    s = io::open_scene(a.scenes, a.bands);
  }
  // A product has no single raster: describe the grid of its first band.
  io::raster_description const d = io::describe_raster(s.path.empty() ? s.grid_file : s.path);
  jobs::run_settings const run = a.common.run_settings();
  bool const cuda = run.device != pipeline::device_kind::cpu && pipeline::cuda_device_count() > 0;
  std::size_t const in_bytes =
    std::max<std::size_t>(s.plane_sources().size(), 1) * kernels::pixel_type_size(s.read_type);
  auto const layout = jobs::layout_run(run, s.grid.width, s.grid.height, s.grid.block_w,
                                       s.grid.block_h, in_bytes + out_bytes, cuda);

  nlohmann::json j;
  j["path"] = d.path;
  j["driver"] = d.driver;
  j["width"] = d.grid.width;
  j["height"] = d.grid.height;
  j["crs"] = {{"name", d.crs_name}, {"id", d.crs_epsg}};
  if (d.grid.has_geotransform) j["geotransform"] = d.grid.geotransform;
  for (auto const& b : d.bands) {
    nlohmann::json jb = {{"band", b.number},         {"type", b.type},
                         {"description", b.description},
                         {"color", b.color_interpretation},
                         {"block", {b.block_w, b.block_h}},
                         {"scale", b.scale},          {"offset", b.offset}};
    jb["nodata"] = b.has_nodata ? nlohmann::json(b.nodata) : nlohmann::json(nullptr);
    for (auto const& sb : s.bands)
      if (sb.source.file == d.path && sb.source.band == b.number && !s.product)
        jb["role"] = sensors::role_name(sb.role);
    j["bands"].push_back(jb);
  }
  j["roles"] = nlohmann::json::object();
  for (auto const& sb : s.bands)
    j["roles"][std::string(sensors::role_name(sb.role))] = {
      {"file", sb.source.file}, {"band", sb.source.band}, {"scale", sb.scale},
      {"offset", sb.offset}, {"nodata", sb.has_nodata ? nlohmann::json(sb.nodata) : nullptr}};
  j["tile_plan"] = {{"tile_width", layout.plan.tile_width()},
                    {"tile_height", layout.plan.tile_height()},
                    {"tiles", layout.plan.count()},
                    {"threads", layout.threads},
                    {"slots", layout.slots},
                    {"memory_mb", run.memory_mb}};
  j["device"] = pipeline::describe_device_choice(run.device);
  if (s.product) {
    auto const& p = *s.product;
    nlohmann::json jp = {{"kind", p.kind},       {"platform", p.platform}, {"sensor", p.sensor},
                         {"date", p.date},       {"metadata", p.metadata_file},
                         {"notes", p.notes}};
    for (auto const& b : p.bands)
      jp["bands"].push_back({{"name", b.name}, {"role", sensors::role_name(b.role)},
                             {"file", b.file}, {"scale", b.scale}, {"offset", b.offset}});
    for (auto const& f : io::quality_fractions(p))
      jp["masked_fraction"].push_back({{"layer", f.layer}, {"class", f.name},
                                       {"pixels", f.pixels}, {"fraction", f.fraction()}});
    std::vector<std::string> masked;
    for (auto const& m : s.masks) masked.push_back(m.name);
    jp["masking"] = masked;
    j["product"] = jp;
  }
  return j;
}

void print_product(nlohmann::json const& p)
{
  std::cout << "product: " << p["kind"].get<std::string>() << ", " << p["platform"].get<std::string>()
            << " " << p["sensor"].get<std::string>() << ", acquired " << p["date"].get<std::string>()
            << "\n  metadata: " << p["metadata"].get<std::string>() << "\n";
  for (auto const& b : p["bands"])
    std::printf("  %-6s %-8s reflectance = DN * %.6g + %.6g\n", b["name"].get<std::string>().c_str(),
                b["role"].get<std::string>().c_str(), b["scale"].get<double>(), b["offset"].get<double>());
  for (auto const& f : p["masked_fraction"])
    std::printf("  %-9s %-9s %6.2f%% of pixels (%llu)\n", f["layer"].get<std::string>().c_str(),
                f["class"].get<std::string>().c_str(), 100 * f["fraction"].get<double>(),
                static_cast<unsigned long long>(f["pixels"].get<std::uint64_t>()));
  for (auto const& n : p["notes"]) std::cout << "  note: " << n.get<std::string>() << "\n";
}

void print_text(nlohmann::json const& j)
{
  if (j.contains("product")) print_product(j["product"]);
  std::cout << "scene:  " << j["path"].get<std::string>() << " (" << j["driver"].get<std::string>()
            << ")\nsize:   " << j["width"] << " x " << j["height"] << " pixels, "
            << j["bands"].size() << " band(s)\n";
  std::cout << "crs:    " << (j["crs"]["name"].get<std::string>().empty() ? "none" : j["crs"]["name"].get<std::string>());
  if (!j["crs"]["id"].get<std::string>().empty()) std::cout << " (" << j["crs"]["id"].get<std::string>() << ")";
  std::cout << "\n";
  if (j.contains("geotransform")) {
    auto const& gt = j["geotransform"];
    std::printf("grid:   origin (%.6f, %.6f), pixel %.6g x %.6g\n", gt[0].get<double>(),
                gt[3].get<double>(), gt[1].get<double>(), gt[5].get<double>());
  }
  std::cout << "bands:\n";
  for (auto const& b : j["bands"]) {
    std::printf("  %2d  %-8s block %dx%d  nodata %-8s scale %g offset %g  %-12s %s\n",
                b["band"].get<int>(), b["type"].get<std::string>().c_str(),
                b["block"][0].get<int>(), b["block"][1].get<int>(),
                b["nodata"].is_null() ? "-" : b["nodata"].dump().c_str(),
                b["scale"].get<double>(), b["offset"].get<double>(),
                ("\"" + b["description"].get<std::string>() + "\"").c_str(),
                b.contains("role") ? ("role " + b["role"].get<std::string>()).c_str() : "");
  }
  std::cout << "roles:";
  if (j["roles"].empty()) std::cout << " none bound (pass --band ROLE=N)";
  std::cout << "\n";
  for (auto const& [role, r] : j["roles"].items())
    std::printf("  %-8s band %d of %s, reflectance = DN * %g + %g\n", role.c_str(),
                r["band"].get<int>(), r["file"].get<std::string>().c_str(),
                r["scale"].get<double>(), r["offset"].get<double>());
  auto const& t = j["tile_plan"];
  std::printf("tiles:  %d tile(s) of %dx%d, %d threads, %d slots, --memory %zu MB\n",
              t["tiles"].get<int>(), t["tile_width"].get<int>(), t["tile_height"].get<int>(),
              t["threads"].get<int>(), t["slots"].get<int>(), t["memory_mb"].get<std::size_t>());
  std::cout << "device: " << j["device"].get<std::string>() << "\n";
}

}  // namespace

void add_info_command(CLI::App& app)
{
  auto args = std::make_shared<info_args>();
  auto* cmd = app.add_subcommand("info", "Describe a scene and the run sinkmap would make");
  cmd->add_option("SCENE", args->scenes,
                  "any GDAL raster, or a Landsat C2L2 / Sentinel-2 L2A product (or --stac ITEMS.json)");
  cmd->add_option("-i,--index", args->indices, "plan for these indices")->delimiter(',');
  cmd->add_flag("--json", args->json, "print JSON for scripts");
  add_band_options(*cmd, args->bands);
  add_run_options(*cmd, args->common);
  cmd->footer("Examples:\n  sinkmap info stack.tif --band red=3 --band nir=4 -i NDVI --json\n"
              "  sinkmap info LC08_L2SP_001070_20190114_20200830_02_T2_MTL.json");
  cmd->callback([args] {
    SINKMAP_EXPECTS(!args->scenes.empty() || !args->bands.stac.empty(), bad_input,
                    "SCENE: give a scene, or STAC items with --stac ITEMS.json");
    auto const j = describe(*args);
    if (args->json)
      std::cout << j.dump(2) << "\n";
    else
      print_text(j);
  });
}

}  // namespace sinkmap::cli
