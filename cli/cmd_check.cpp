// zonesign check --policy P [--zone ZONEFILE --origin Z] [-v]
// Loads and lints a policy (every load does; this shows the findings), and
// optionally checks a zone's TTLs against the policy's ttl.zone-max.
#include <cstdio>

#include "commands.hpp"
#include "zonefile/zonefile.hpp"

namespace zs::cli {

namespace {
struct CheckOptions {
  std::string policy;
  std::string zone;
  std::string origin;
  bool verbose = false;
};

// The records `sign` would publish from this file whose TTL is above
// ttl.zone-max, each as an error at its position. DNSSEC records left by an
// earlier signing are skipped: sign drops and regenerates them. Each record
// is checked, not each RRset, so a record that a merge would hide is found.
Result<std::vector<Error>> zone_ttl_problems(const std::string& path, const Name& origin, const Policy& policy) {
  auto parsed = parse_zone_file(path, ParseOptions{origin});
  if (!parsed) return std::unexpected(parsed.error());
  std::vector<Error> problems;
  for (const Record& r : parsed->records) {
    if (is_dnssec_generated_type(r.type)) continue;
    if (auto fits = check_zone_ttls(policy, r.ttl); !fits)
      problems.emplace_back(Errc::policy, r.owner.to_string() + " " + type_to_string(r.type) + ": " +
                                              fits.error().message,
                            record_location(r, parsed->files));
  }
  return problems;
}
}  // namespace

Action add_check_command(CLI::App& app) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Check a signing policy (and a zone's TTLs against it)");
  cmd->add_option("--policy", opts->policy, "YAML signing policy")->required();
  auto* zone = cmd->add_option("--zone", opts->zone, "Also check this zone file's TTLs against ttl.zone-max");
  auto* origin = cmd->add_option("--origin", opts->origin, "The zone's name (with --zone)");
  zone->needs(origin);
  origin->needs(zone);
  cmd->add_flag("-v,--verbose", opts->verbose, "Print the effective policy, every field");
  return [opts]() -> int {
    auto loaded = load_policy(opts->policy);
    if (!loaded) return report_error(loaded.error());
    for (const auto& w : loaded->warnings) std::printf("%s\n", w.to_string().c_str());
    std::printf("policy OK%s\n",
                loaded->warnings.empty() ? ""
                                         : (" (" + std::to_string(loaded->warnings.size()) + " warning" +
                                            (loaded->warnings.size() == 1 ? ")" : "s)"))
                                               .c_str());
    if (opts->verbose) std::fwrite(describe(loaded->policy).data(), 1, describe(loaded->policy).size(), stdout);
    if (opts->zone.empty()) return exit_ok;
    auto name = parse_origin(opts->origin);
    if (!name) return report_error(name.error());
    auto problems = zone_ttl_problems(opts->zone, *name, loaded->policy);
    if (!problems) return report_error(problems.error());
    for (const auto& e : *problems) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    if (!problems->empty()) return exit_error;
    std::printf("zone OK: every TTL fits ttl.zone-max %s\n", format_duration(loaded->policy.ttl.zone_max).c_str());
    return exit_ok;
  };
}

}  // namespace zs::cli
