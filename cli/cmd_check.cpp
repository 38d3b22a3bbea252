// zonesign check --policy P [-v] [--json]
// zonesign check --zone ZONEFILE --origin Z [--policy P] [-v] [--json]
// zonesign check --config FILE [--zone NAME] [--json]
// Loads and lints a policy (every load does; this shows the findings), and
// checks an unsigned zone with every check `sign` makes before it touches a
// key (signer/zone_input.hpp), with no keys: syntax, the zone's semantics,
// and, with a policy, each TTL against ttl.zone-max. With --json the findings
// are a document on standard output (docs/json.md), also when the input
// fails; usage errors print none. Standard error is the same either way.
#include <cstdio>

#include "commands.hpp"
#include "input_options.hpp"
#include "render_reports.hpp"
#include "signer/zone_input.hpp"

namespace zs::cli {

namespace {
struct CheckOptions {
  std::string policy;
  std::string zone;
  std::string origin;
  bool verbose = false;
  bool json = false;
  InputCliOptions input;  // --no-include, --include-root, --max-input-size (with --zone)
  ConfigCliOptions config;  // --config [FILE]; then --zone names a zone of it, not a file
};

// What one check run found; printed as text as it goes, or as one JSON
// document at the end.
struct Findings {
  bool json = false;
  CheckRun run;

  // An input that fails (policy, config or zone): on standard error, and in
  // the document. Returns the exit code for it.
  int error(const char* source, Error e) {
    const int code = report_error(e);
    run.errors.push_back(CheckError{source, std::move(e)});
    run.exit_code = code;
    return code;
  }
  // Standard output without --json.
  void say(const std::string& line) const {
    if (!json) std::printf("%s\n", line.c_str());
  }
  void policy_warnings(const std::vector<Warning>& warnings) {
    for (const auto& w : warnings) {
      say(w.to_string());
      run.warnings.push_back(CheckWarning{"policy", w.message, w.where, w.path, std::nullopt, std::nullopt});
    }
  }
  int finish(int code) {
    run.exit_code = code;
    if (json) {
      const std::string text = check_json(run);
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
    return code;
  }
};

std::string policy_ok_line(std::size_t warnings) {
  if (warnings == 0) return "policy OK";
  return "policy OK (" + std::to_string(warnings) + " warning" + (warnings == 1 ? ")" : "s)");
}

// `check --config FILE` without --zone: the config and every policy it names.
int check_config(const Config& config, Findings& f) {
  f.run.config = config.file;
  f.run.config_zones = config.zones.size();
  f.run.config_policies = config.policies.size();
  int code = exit_ok;
  for (const auto& [name, file] : config.policies) {
    f.run.policies.push_back(file);
    auto loaded = load_policy(file);
    if (!loaded) {
      code = f.error("policy", loaded.error());
      continue;
    }
    f.policy_warnings(loaded->warnings);
  }
  if (code == exit_ok)
    f.say("config OK: " + std::to_string(config.zones.size()) + " zone" + (config.zones.size() == 1 ? "" : "s") +
          ", " + std::to_string(config.policies.size()) + " polic" + (config.policies.size() == 1 ? "y" : "ies"));
  return f.finish(code);
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
  cmd->add_flag("--json", opts->json,
                "Print the findings as JSON on standard output, also when the input fails (not with -v)");
  add_input_options(*cmd, opts->input);
  add_config_options(*cmd, opts->config, /*zone_option=*/false);
  return [opts, cmd]() -> int {
    Findings f;
    f.json = opts->json;
    if (opts->json && opts->verbose)
      return report_error(
          Error(Errc::usage, "check: -v prints the effective policy as text; it does not go with --json"));
    if (config_given(*cmd)) {
      ConfigCliOptions named = opts->config;
      named.zone = opts->zone;
      auto selected = select_config(*cmd, named, /*zone_required=*/false);
      if (!selected) {
        if (selected.error().code == Errc::usage) return report_error(selected.error());
        f.run.config = config_path(named);
        return f.finish(f.error("config", selected.error()));
      }
      if (!(*selected)->zone) return check_config((*selected)->config, f);
      const ZoneConfig& z = *(*selected)->zone;
      f.run.config = (*selected)->config.file;
      f.run.config_zones = (*selected)->config.zones.size();
      f.run.config_policies = (*selected)->config.policies.size();
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
      f.run.policies.push_back(opts->policy);
      auto loaded = load_policy(opts->policy);
      if (!loaded) return f.finish(f.error("policy", loaded.error()));
      f.policy_warnings(loaded->warnings);
      f.say(policy_ok_line(loaded->warnings.size()));
      if (opts->verbose) {
        const std::string text = describe(loaded->policy);
        std::fwrite(text.data(), 1, text.size(), stdout);
      }
      policy = std::move(loaded->policy);
    }
    // Usage errors print no document (as on every command).
    auto input = zone_input_options(opts->input);
    if (!input) return report_error(input.error());
    if (opts->zone.empty()) return f.finish(exit_ok);
    auto name = parse_origin(opts->origin);
    if (!name) return report_error(name.error());
    std::optional<std::uint32_t> zone_max;
    if (policy) zone_max = static_cast<std::uint32_t>(policy->ttl.zone_max);
    f.run.zone = CheckRun::ZonePart{opts->zone, name->to_string(), std::nullopt,
                                    policy ? std::optional<Duration>(policy->ttl.zone_max) : std::nullopt};
    auto checked = check_unsigned_zone(opts->zone, *name, zone_max, *input);
    if (!checked) return f.finish(f.error("zone", checked.error()));
    f.run.zone->records = checked->records_in;
    for (const auto& e : checked->problems) f.error("zone", e);
    if (checked->zone)
      for (const auto& w : checked->zone->warnings()) {
        std::fprintf(stderr, "%s\n", w.to_string().c_str());
        f.run.warnings.push_back(
            CheckWarning{"zone", w.message, w.where, std::nullopt, w.owner.to_string(), type_to_string(w.type)});
      }
    if (!checked->problems.empty()) return f.finish(exit_error);
    f.say("zone OK: " + std::to_string(checked->records_in) + " records pass every check sign makes" +
          (policy ? ", every TTL within ttl.zone-max " + format_duration(policy->ttl.zone_max) : std::string()));
    return f.finish(exit_ok);
  };
}

}  // namespace zs::cli
