// The zonesign configuration file (docs/config.md, issue 11): one versioned
// YAML file that lists many zones (origin, zone file, signed output, key
// folder, policy) and the named policies they share, so that one cron line
// (`zonesign sign --config FILE`) signs them all and every subcommand can name
// a zone (`--config FILE --zone NAME`) instead of repeating its paths.
// Parsed with the policy loader's rules: unknown keys refused, a field given
// twice refused, every error at file:line:column with its YAML path
// ("zones[2].origin"). The policies themselves are read later, by the
// command that uses them, with their own positions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "dns/name.hpp"

namespace zs {

// Where a config is read from when `--config` is given without a value and
// the environment variable ZONESIGN_CONFIG is not set.
inline constexpr const char* default_config_path = "/etc/zonesign/zonesign.yaml";

// One `zones:` entry. Paths are as resolved: a relative path in the file is
// taken from the config file's folder.
struct ZoneConfig {
  Name origin;
  std::string file;         // the unsigned zone file
  std::string output;       // the signed zone file
  std::string keys;         // key folder (the zone's keys live in keys/<zone>/)
  std::string policy;       // policy file; empty: the zone has none
  std::string policy_name;  // the `policies:` name it came from; empty: none
  Location where;           // the entry in the config file
};

struct Config {
  std::string file;  // as given
  // `policies:` name -> policy file (resolved).
  std::map<std::string, std::string> policies;
  // In file order; origins are unique (case-insensitive), and so are outputs.
  std::vector<ZoneConfig> zones;

  // The zone named `name` (any case, trailing dot optional). Errc::usage when
  // the name is malformed or the config has no such zone (the message lists
  // the zones it has).
  Result<const ZoneConfig*> zone(std::string_view name) const;
};

// Reads and checks a config file. Errors: Errc::io when it cannot be read,
// Errc::policy for its content (file:line:column, YAML path).
Result<Config> load_config(const std::string& path);
// The same for text in memory; `display_name` stands for the file in
// positions, and relative paths resolve against `base_dir`.
Result<Config> load_config_text(std::string_view yaml, const std::string& display_name, const std::string& base_dir);

// `--config` without a value: $ZONESIGN_CONFIG when set and not empty, else
// default_config_path. `env` is the variable's value (nullptr: unset).
std::string config_path_from_environment(const char* env);

}  // namespace zs
