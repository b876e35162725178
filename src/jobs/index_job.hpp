// `sinkmap index`: spectral indices of a scene into one multiband float32 GeoTIFF, streamed
// tile by tile on the chosen device.
#pragma once

#include "indices/index_request.hpp"
#include "io/geotiff_writer.hpp"
#include "io/scene.hpp"
#include "jobs/run_settings.hpp"

#include <string>
#include <vector>

namespace sinkmap::jobs {

struct index_job_options {
  std::vector<std::string> scenes;      ///< SCENE... (none if every --band names its file)
  io::scene_options scene_options;
  std::vector<std::string> indices;     ///< -i NDVI,EVI
  std::vector<std::string> constants;   ///< --const NAME=VALUE
  std::string output;                   ///< -o
  io::raster_output_options output_options;
  run_settings run;
};

/// Everything a run will do, validated; built without touching the output.
struct index_job_plan {
  io::scene scene;
  indices::index_request request;
  kernels::index_stage_params params{};
};

/// Checks that every role the requested indices read is bound (bad_input naming the index and
/// the missing role), drops unused roles and fills the stage's decode and index terms.
void bind_indices(io::scene& s, indices::index_request const& request,
                  kernels::index_stage_params& params);

/// Opens the scene, resolves indices and constants, and checks that every role an index needs
/// is bound. Throws bad_input naming the index and the missing role.
index_job_plan plan_index_job(index_job_options const& opt);

struct index_job_result {
  run_layout layout;
  std::string device;
  double seconds = 0;
};

/// Plans and runs the job; the output appears only on success.
index_job_result run_index_job(index_job_options const& opt);

}  // namespace sinkmap::jobs
