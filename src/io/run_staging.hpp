// Whole-run atomicity for `sinkmap run`: results are written into a staging folder inside the
// output folder (OUTPUT/.sinkmap-staging-PID) and moved into place only when the run has
// succeeded, run.json last. A failed or interrupted run leaves the previous complete run
// untouched (at worst a staging folder, which the next run into the folder sweeps); a
// successful run removes the files of the previous run that it did not produce again.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace sinkmap::io {

class run_staging {
 public:
  /// Sweeps staging folders of runs that died (their process is gone), reads the previous
  /// run's manifest (`manifest` in `output_dir`), and creates this run's staging folder.
  run_staging(std::string const& output_dir, std::string const& manifest);
  /// Unpublished (the run failed): removes the staging folder and what this run wrote in it.
  ~run_staging();
  run_staging(run_staging const&) = delete;
  run_staging& operator=(run_staging const&) = delete;

  /// Where the run writes `name`: STAGING/name.
  [[nodiscard]] std::string path(std::string const& name) const;
  /// Where `name` will be once published: OUTPUT/name.
  [[nodiscard]] std::string final_path(std::string const& name) const;
  [[nodiscard]] std::string const& folder() const { return staging_; }

  /// Checks every final name (none may be an input of the run), moves every file of the
  /// staging folder into the output folder with the manifest last, then removes the files the
  /// previous manifest listed that this run did not write. Returns the removed files.
  std::vector<std::string> publish();

 private:
  std::string output_dir_, manifest_, staging_;
  std::set<std::string> previous_files_;  ///< names of the files the previous run's manifest listed
  bool published_ = false;
};

/// `path` as it will be named once published: a path inside an active staging folder becomes
/// the same name in its output folder; any other path is returned as it is. Every path an
/// output records (manifest, inventories' "map", a sink map's stock maps, provenance) goes
/// through it, so no published file names the staging folder.
std::string published_path(std::string const& path);

}  // namespace sinkmap::io
