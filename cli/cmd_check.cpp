// zonesign check --policy P [-v]
// zonesign check --zone ZONEFILE --origin Z [--policy P] [-v]
// zonesign check --config FILE [--zone NAME]
// Loads and lints a policy (every load does; this shows the findings), and
// checks an unsigned zone with every check `sign` makes before it touches a
// key (signer/zone_input.hpp), with no keys: syntax, the zone's semantics,
// and, with a policy, each TTL against ttl.zone-max.
#include <cstdio>

#include "commands.hpp"
#include "input_options.hpp"
#include "signer/zone_input.hpp"

namespace zs::cli {

namespace {
struct CheckOptions {
  std::string policy;
  std::string zone;
  std::string origin;
  bool verbose = false;
  InputCliOptions input;  // --no-include, --include-root, --max-input-size (with --zone)
  ConfigCliOptions config;  // --config [FILE]; then --zone names a zone of it, not a file
};

// `check --config FILE` without --zone: the config and every policy it names.
int check_config(const Config& config) {
  int code = exit_ok;
  for (const auto& [name, file] : config.policies) {
    auto loaded = load_policy(file);
    if (!loaded) {
      code = report_error(loaded.error());
      continue;
    }
    for (const auto& w : loaded->warnings) std::printf("%s\n", w.to_string().c_str());
  }
  if (code == exit_ok)
    std::printf("config OK: %zu zone%s, %zu polic%s\n", config.zones.size(), config.zones.size() == 1 ? "" : "s",
                config.policies.size(), config.policies.size() == 1 ? "y" : "ies");
  return code;
}
}  // namespace

Action add_check_command(CLI::App& app) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* cmd =
      app.add_subcommand("check", "Check a signing policy, and a zone file as sign would (no keys needed)");
  cmd->add_option("--policy", opts->policy, "YAML signing policy (with --zone: also check TTLs against it)");
  cmd->add_option("--zone", opts->zone,
                  "Zone file to check with every check sign makes (with --config: the zone's name)");
  cmd->add_option("--origin", opts->origin, "The zone's name (with --zone)");
  cmd->add_flag("-v,--verbose", opts->verbose, "Print the effective policy, every field");
  add_input_options(*cmd, opts->input);
  add_config_options(*cmd, opts->config, /*zone_option=*/false);
  return [opts, cmd]() -> int {
    if (config_given(*cmd)) {
      ConfigCliOptions named = opts->config;
      named.zone = opts->zone;
      auto selected = select_config(*cmd, named, /*zone_required=*/false);
      if (!selected) return report_error(selected.error());
      if (!(*selected)->zone) return check_config((*selected)->config);
      const ZoneConfig& z = *(*selected)->zone;
      opts->zone = z.file;
      use_unless_given(*cmd, "--origin", opts->origin, z.origin.to_string());
      use_unless_given(*cmd, "--policy", opts->policy, z.policy);
    }
    if (opts->zone.empty() != opts->origin.empty())
      return report_error(Error(Errc::usage, "check: --zone FILE and --origin NAME go together"));
    if (opts->policy.empty() && opts->zone.empty())
      return report_error(Error(Errc::usage, "check needs --policy FILE, or --zone FILE --origin NAME (or both)"));
    std::optional<Policy> policy;
    if (!opts->policy.empty()) {
      auto loaded = load_policy(opts->policy);
      if (!loaded) return report_error(loaded.error());
      for (const auto& w : loaded->warnings) std::printf("%s\n", w.to_string().c_str());
      std::printf("policy OK%s\n",
                  loaded->warnings.empty() ? ""
                                           : (" (" + std::to_string(loaded->warnings.size()) + " warning" +
                                              (loaded->warnings.size() == 1 ? ")" : "s)"))
                                                 .c_str());
      if (opts->verbose) {
        const std::string text = describe(loaded->policy);
        std::fwrite(text.data(), 1, text.size(), stdout);
      }
      policy = std::move(loaded->policy);
    }
    auto input = zone_input_options(opts->input);
    if (!input) return report_error(input.error());
    if (opts->zone.empty()) return exit_ok;
    auto name = parse_origin(opts->origin);
    if (!name) return report_error(name.error());
    std::optional<std::uint32_t> zone_max;
    if (policy) zone_max = static_cast<std::uint32_t>(policy->ttl.zone_max);
    auto checked = check_unsigned_zone(opts->zone, *name, zone_max, *input);
    if (!checked) return report_error(checked.error());
    for (const auto& e : checked->problems) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    if (checked->zone)
      for (const auto& w : checked->zone->warnings()) std::fprintf(stderr, "%s\n", w.to_string().c_str());
    if (!checked->problems.empty()) return exit_error;
    std::printf("zone OK: %zu records pass every check sign makes%s\n", checked->records_in,
                policy ? (", every TTL within ttl.zone-max " + format_duration(policy->ttl.zone_max)).c_str() : "");
    return exit_ok;
  };
}

}  // namespace zs::cli
