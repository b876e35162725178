// The carbon stage over a 7-plane memory scene, shared by the GPU-equals-CPU test and the CPU
// fast-path test.
#pragma once

#include "memory_scene.hpp"
#include "sinkmap/kernels/carbon_stage.hpp"

#include <cmath>
#include <cstring>
#include <memory>

namespace sinkmap::test {

// A carbon stage over a 7-plane memory scene: 6 bands, then land-cover codes 0..6 (0 nodata);
// class k (code k) runs model form k, so every form (constant, linear, power, exponential, log,
// none) is compared; band plane 5 doubles as a forest inventory's growing stock, which classes
// 1 (B = aV + b, total biomass split by the ratio) and 2 (BCEF_S table) convert instead.
inline std::unique_ptr<kernels::carbon_stage_params> carbon_fixture_params()
{
  using kernels::agb_form;
  auto const idx = test::all_index_kernel({"NDVI,NDWI"});
  auto p = std::make_unique<kernels::carbon_stage_params>();
  p->idx = idx.params();
  std::memset(p->tables.set_of, kernels::no_param_set, sizeof p->tables.set_of);
  std::memset(p->lut, kernels::unmapped_code, sizeof p->lut);
  p->landcover_plane = 6;
  p->lut[0] = 0;
  agb_form const forms[6] = {agb_form::constant, agb_form::linear, agb_form::power,
                             agb_form::exponential, agb_form::logarithmic, agb_form::none};
  float const a[6] = {90.9f, -20.0f, 300.0f, 2.0f, 150.0f, 0.0f};
  float const b[6] = {0.0f, 300.0f, 1.7f, 3.0f, 40.0f, 0.0f};
  for (int k = 0; k < 6; ++k) {
    kernels::class_params m;
    m.form = forms[k];
    m.index_output = 0;
    m.a = a[k];
    m.b = b[k];
    m.rs_steps = 2;
    m.rs_below[0] = 50;
    m.rs_below[1] = INFINITY;
    m.rs_ratio[0] = 0.4f;
    m.rs_ratio[1] = 0.25f;
    m.dead_c = 3;
    m.soil_c = 40;
    p->tables.sets[k] = m;
    p->lut[k + 1] = static_cast<unsigned char>(k + 1);
    p->tables.group_of[k + 1] = static_cast<unsigned char>(kernels::class_group::forest);
    for (int age = 0; age < kernels::age_classes; ++age) p->tables.set_of[k + 1][0][age] = static_cast<unsigned char>(k);
  }
  p->tables.n_sets = 6;
  p->volume_plane = 5;
  p->tables.sets[0].vb_form = kernels::volume_form::linear;
  p->tables.sets[0].vb_a = 0.0062f;  // the plane holds DNs of 0..65535: biomass of 0..400
  p->tables.sets[0].vb_b = 11.462f;
  p->tables.sets[0].vb_total = 1;
  p->tables.sets[1].vb_form = kernels::volume_form::bcef_table;
  p->bcef.steps[2] = 3;
  float const below[3] = {2000, 9000, INFINITY}, bcef[3] = {0.03f, 0.017f, 0.0105f};
  for (int k = 0; k < 3; ++k) {
    p->bcef.below[2][k] = below[k];
    p->bcef.s[2][k] = bcef[k];
  }
  return p;
}


/// The fixture's threshold-classifier form: no land cover, classes from NDVI and NDWI.
inline std::unique_ptr<kernels::carbon_stage_params> carbon_fixture_classifier_params()
{
  auto p = carbon_fixture_params();
  p->landcover_plane = -1;
  p->volume_plane = -1;
  p->classifier.ndvi_output = 0;
  p->classifier.ndwi_output = 1;
  p->classifier.water = 1;
  p->classifier.bare = 2;
  p->classifier.forest = 3;
  p->classifier.grassland = 4;
  return p;
}

}  // namespace sinkmap::test
