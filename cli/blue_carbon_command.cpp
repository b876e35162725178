// sinkmap blue-carbon --biophysical B.csv --transitions T.csv --snapshot 2000=a.tif ... -o OUT.tif
#include "commands.hpp"
#include "common_options.hpp"
#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "gdal/gdal_session.hpp"
#include "jobs/blue_carbon_job.hpp"

#include <cstdio>
#include <memory>

namespace sinkmap::cli {

void add_blue_carbon_command(CLI::App& app)
{
  struct args_t {
    jobs::blue_carbon_options job;
    std::vector<std::string> snapshots;
    common_options common;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("blue-carbon", "InVEST Coastal Blue Carbon timeline (stocks, accumulation, emissions)");
  cmd->add_option("--biophysical", args->job.biophysical, "InVEST biophysical table (CSV)")->required();
  cmd->add_option("--transitions", args->job.transitions, "InVEST transition matrix (CSV)")->required();
  cmd->add_option("--snapshot", args->snapshots, "YEAR=FILE: a land-cover map of the table's lucodes (repeat, years increasing)")
    ->required();
  cmd->add_option("--analysis-year", args->job.analysis_year, "last year counted (default: the last snapshot year)");
  cmd->add_option("-o,--output", args->job.output, "output GeoTIFF")->required();
  add_run_options(*cmd, args->common);
  add_output_options(*cmd, args->common);
  cmd->footer(
    "InVEST Coastal Blue Carbon's equations as its code computes them (docs/blue-carbon.md): baseline\n"
    "accumulation of every pool, then per transition the matrix cell's accumulation or disturbance,\n"
    "emissions D (0.5^(t/h) - 0.5^((t+1)/h)) from the disturbance year, emissions before accumulation.\n"
    "Bands: biomass_Y and soil_Y per snapshot and the analysis year; accumulation, emissions and\n"
    "net_sequestration per interval; total_net_sequestration. Units are the table's, per ha.\n"
    "Example:\n  sinkmap blue-carbon --biophysical bio.csv --transitions tr.csv --snapshot 2010=lulc2010.tif \\\n"
    "    --snapshot 2020=lulc2020.tif --analysis-year 2030 -o cbc.tif");
  cmd->callback([args, cmd] {
    check_command_outputs(*cmd, {{args->job.output, "-o"}, {args->job.output + ".aux.xml", "-o (its GDAL sidecar)"}});
    for (auto const& s : args->snapshots) {
      auto const eq = s.find('=');
      SINKMAP_EXPECTS(eq != std::string::npos && eq > 0, bad_input, "--snapshot '" + s + "': expected YEAR=FILE");
      args->job.years.push_back(int(parse_int(s.substr(0, eq), "--snapshot year")));
      args->job.snapshots.push_back(s.substr(eq + 1));
    }
    args->job.run = args->common.run_settings();
    args->job.output_options = args->common.output_options();
    io::set_gdal_warnings(!args->job.run.quiet);
    auto const r = jobs::run_blue_carbon_job(args->job);
    if (r.not_in_table > 0)
      std::fprintf(stderr, "sinkmap blue-carbon: warning: %llu pixels are nodata in a snapshot or hold a code the "
                           "biophysical table lacks: no values there\n", static_cast<unsigned long long>(r.not_in_table));
    if (!args->job.run.quiet) {
      std::fprintf(stderr, "sinkmap blue-carbon: wrote %s (%s, %.2f s); totals (table units):\n", args->job.output.c_str(),
                   r.stream.device.c_str(), r.stream.seconds);
      for (auto const& b : r.band_names) std::fprintf(stderr, "  %s %.6f\n", b.c_str(), r.totals.at(b));
    }
  });
}

}  // namespace sinkmap::cli
