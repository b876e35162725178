// One function per subcommand; each registers its options and its action on the app.
#pragma once

#include <CLI/CLI.hpp>

namespace sinkmap::cli {

void add_index_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_stock_command(CLI::App& app);
void add_composite_command(CLI::App& app);
void add_sink_command(CLI::App& app);
void add_trend_command(CLI::App& app);
void add_blue_carbon_command(CLI::App& app);
void add_inventory_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_calibrate_command(CLI::App& app);

}  // namespace sinkmap::cli
