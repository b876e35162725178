#include "io/map_metadata.hpp"

#include "core/error.hpp"

#include <cpl_string.h>

#include <cerrno>
#include <cstdlib>

namespace sinkmap::io {

std::string metadata_item(GDALDataset& ds, char const* key)
{
  char const* v = ds.GetMetadataItem(key);
  return v ? v : "";
}

std::optional<int> recorded_year(GDALDataset& ds, std::string const& file, char const* key)
{
  std::string const text = metadata_item(ds, key);
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long const y = std::strtol(text.c_str(), &end, 10);
  SINKMAP_EXPECTS(errno == 0 && end != text.c_str() && *end == '\0' && y >= 1 && y <= 99999, bad_input,
                  "'" + file + "' records " + key + " = '" + text + "', which is not a year");
  return int(y);
}

nlohmann::json structured_metadata(GDALDataset& ds, std::string const& file)
{
  nlohmann::json out = nlohmann::json::object();
  std::string const prefix = record_item_prefix;
  char** items = ds.GetMetadata();
  for (int i = 0; items && items[i]; ++i) {
    char* key = nullptr;
    char const* value = CPLParseNameValue(items[i], &key);
    if (!key || !value) {
      CPLFree(key);
      continue;
    }
    std::string const name = key;
    CPLFree(key);
    if (name.rfind(prefix, 0) != 0) continue;
    auto j = nlohmann::json::parse(value, nullptr, false);
    SINKMAP_EXPECTS(!j.is_discarded(), bad_input,
                    "'" + file + "': its metadata item " + name + " is not JSON");
    out[name.substr(prefix.size())] = std::move(j);
  }
  return out;
}

}  // namespace sinkmap::io
