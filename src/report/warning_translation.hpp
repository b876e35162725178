// The run's warnings and inventory-check lines in Simplified Chinese for the Chinese report.
//
// The jobs write their warnings in English (run.json keeps them so: they are machine-readable and
// searchable). The Chinese report renders each through a catalogue of the sentences the jobs
// write: a warning is "where, where: text" (merge_repeated in run_job.cpp joins the places that
// share a text), so the places ("year 2008", "sink 2008-2009", "zone x", "class y", ...) and the
// sentence are translated apart, recursively; names, paths and numbers are kept as written. A
// sentence the catalogue does not know stays in English and is counted, so a test can require
// that every warning a run writes is translated.
#pragma once

#include "report/report_language.hpp"

#include <string>
#include <vector>

namespace sinkmap::report {

struct translated_text {
  std::string text;
  bool complete = true;  ///< false: a sentence was left in English
};

/// One warning or check line in Chinese (class names through lang's model names).
translated_text warning_in_chinese(std::string const& english, report_language const& lang);

/// The English sentence patterns of the catalogue (tests: each has its Chinese form).
std::vector<std::string> warning_catalogue_patterns();

}  // namespace sinkmap::report
