// Options shared by subcommands. The options that bound what a zone file may
// reach, shared by `sign`, `check --zone` and `verify` (issue 9): for zone
// files from elsewhere (a pull request, a customer), `--no-include` refuses
// every $INCLUDE and `--include-root DIR` allows only files below DIR (links
// resolved); `--max-input-size SIZE` caps the zone file and its includes
// together. And `--config FILE --zone NAME` (issue 11), which takes a zone's
// paths from the config file that lists many zones (policy/config.hpp).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "policy/config.hpp"
#include "zonefile/zonefile.hpp"

namespace zs::cli {

struct InputCliOptions {
  bool no_include = false;
  std::string include_root;
  std::string max_input_size;
};

// Registers --no-include, --include-root and --max-input-size on `cmd`.
void add_input_options(CLI::App& cmd, InputCliOptions& options);

// The parser's ZoneInputOptions. Usage errors: --include-root naming no
// folder, a malformed or zero --max-input-size.
Result<ZoneInputOptions> zone_input_options(const InputCliOptions& options);

// "16G", "512MiB", "100k", "1000": binary units K, M, G, T (with or without
// "iB" or "B"), case-insensitive. nullopt when malformed or zero.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace zs::cli

// --- many zones: --config FILE --zone NAME (docs/config.md) ------------------
namespace zs::cli {

struct ConfigCliOptions {
  std::string config;  // empty when --config was given without a value
  std::string zone;
};

// Registers `--config [FILE]` and, unless the subcommand has a --zone of its
// own (check), `--zone NAME`. The config is read only when --config is on
// the command line: a run given explicit paths never reads a default.
void add_config_options(CLI::App& cmd, ConfigCliOptions& options, bool zone_option = true);

// True when --config appears on the command line.
bool config_given(const CLI::App& cmd);

// The file --config names: its value, else $ZONESIGN_CONFIG, else
// /etc/zonesign/zonesign.yaml.
std::string config_path(const ConfigCliOptions& options);

// The config, and the zone --zone names in it (nullopt: no --zone; `sign`,
// `check`, `status`, `plan` and `ds` accept that, to work on every zone).
struct ConfigSelection {
  Config config;
  std::optional<ZoneConfig> zone;
};
// nullopt without --config. Usage errors: a zone in `options` without
// --config, --config without a zone where `zone_required`, a zone the config
// does not list. Errors of the config file itself (Errc::io, Errc::policy).
Result<std::optional<ConfigSelection>> select_config(const CLI::App& cmd, const ConfigCliOptions& options,
                                                     bool zone_required = true);

// `target = value` unless `option` was given on the command line (explicit
// options win over the config) or `value` is empty.
void use_unless_given(const CLI::App& cmd, const char* option, std::string& target, const std::string& value);

// Which field of a zone's config entry an option takes.
enum class ZoneField { origin, file, output, keys, policy };
struct ConfigTarget {
  const char* option;  // as typed: "--origin", or a positional's name
  std::string* target;
  ZoneField field;
  bool required = false;  // a usage error when neither typed nor configured
};
// The glue of a one-zone subcommand, first thing in its action: with
// --config, copies the zone's fields into the options not typed; then checks
// that every required one has a value (select_config's errors too).
Result<void> apply_zone_config(const CLI::App& cmd, const ConfigCliOptions& options,
                               std::initializer_list<ConfigTarget> targets);

// A usage error unless each (option, value) has a value: what the config
// would have given. `what` names the subcommand.
Result<void> require_options(std::string_view what,
                             std::initializer_list<std::pair<std::string_view, const std::string*>> options);

}  // namespace zs::cli
