// sinkmap: ecosystem carbon sinks from satellite imagery. Exit codes: 0 success, 1 the run
// failed (IO, device), 2 bad input (files, options, models).
#include "commands.hpp"
#include "core/error.hpp"
#include "io/atomic_output.hpp"
#include "gdal/gdal_session.hpp"
#include "io/provenance.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

int main(int argc, char** argv)
{
  CLI::App app{"sinkmap: carbon stock and sink maps from satellite imagery, on GPU or CPU"};
  app.require_subcommand(1);
  app.set_version_flag("--version", sinkmap::io::sinkmap_version());
  sinkmap::io::set_command_line(argc, argv);
  sinkmap::io::install_cleanup_on_signals();
  sinkmap::io::keep_hdf5_from_exit_handlers();
  sinkmap::cli::add_index_command(app);
  sinkmap::cli::add_info_command(app);
  sinkmap::cli::add_composite_command(app);
  sinkmap::cli::add_stock_command(app);
  sinkmap::cli::add_sink_command(app);
  sinkmap::cli::add_trend_command(app);
  sinkmap::cli::add_blue_carbon_command(app);
  sinkmap::cli::add_inventory_command(app);
  sinkmap::cli::add_run_command(app);
  sinkmap::cli::add_validate_command(app);
  sinkmap::cli::add_calibrate_command(app);
  // A command that fails leaves nothing that looks like a result: every file it created in
  // this run goes (and only those: io/atomic_output.hpp); one that succeeds keeps them.
  using sinkmap::io::discard_created_outputs;
  try {
    app.parse(argc, argv);
  } catch (CLI::ParseError const& e) {
    discard_created_outputs();
    int const rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (sinkmap::bad_input const& e) {
    discard_created_outputs();
    std::fprintf(stderr, "sinkmap: error: %s\n", e.what());
    return 2;
  } catch (std::exception const& e) {
    discard_created_outputs();
    std::fprintf(stderr, "sinkmap: failed: %s\n", e.what());
    return 1;
  }
  sinkmap::io::commit_created_outputs();
  return 0;
}
