// The run config (TOML).
#include "fuzz_target.hpp"
#include "jobs/run_config.hpp"
SINKMAP_FUZZ_TARGET(run_config, "run.toml", sinkmap::jobs::load_run_config(path))
