// zonesign rollover --origin Z --keys DIR --policy P [--now T] [--ds-seen TAG] [--ds-withdrawn TAG]
//                   [--dry-run] [--force zsk|ksk|csk] [--server ADDR[@PORT]]... [--resolver ADDR[@PORT]]
// The command line is a contract (issue 4): extend it, never rename.
#include <cstdio>

#include "commands.hpp"
#include "keys/key_store.hpp"
#include "signer/parent_ds.hpp"
#include "signer/rollover_keys.hpp"

namespace zs::cli {

namespace {
struct RolloverOptions {
  ZoneOptions zone;
  std::vector<unsigned> ds_seen;
  std::vector<unsigned> ds_withdrawn;
  bool dry_run = false;
  std::string force;
  std::vector<std::string> servers;
  std::string resolver;
};
}  // namespace

Action add_rollover_command(CLI::App& app) {
  auto opts = std::make_shared<RolloverOptions>();
  CLI::App* cmd = app.add_subcommand("rollover", "Apply the key actions due now, without signing");
  add_zone_options(*cmd, opts->zone);
  cmd->add_option("--ds-seen", opts->ds_seen, "The parent now serves the DS of key TAG on all its servers")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--ds-withdrawn", opts->ds_withdrawn, "The parent no longer serves the DS of key TAG")
      ->check(CLI::Range(0, 65535));
  cmd->add_flag("--dry-run", opts->dry_run, "Show what would happen; change nothing");
  cmd->add_option("--force", opts->force, "Start an unscheduled rollover (a compromised key)")
      ->check(CLI::IsMember({"ksk", "zsk", "csk"}));
  cmd->add_option("--server", opts->servers,
                  "A parent server ADDR[@PORT] to ask for the DS (repeatable; overrides parent.servers)");
  cmd->add_option("--resolver", opts->resolver,
                  "Find the parent's servers through this recursive resolver ADDR[@PORT]");
  return [opts]() -> int {
    auto zone = load_zone_options(opts->zone);
    if (!zone) return report_error(zone.error());
    RolloverRequest request{zone->origin, opts->zone.keys, std::move(zone->policy), zone->now, {}, {}, opts->dry_run, std::nullopt, std::nullopt};
    for (unsigned tag : opts->ds_seen) request.ds_seen.push_back(static_cast<std::uint16_t>(tag));
    for (unsigned tag : opts->ds_withdrawn) request.ds_withdrawn.push_back(static_cast<std::uint16_t>(tag));
    if (!opts->force.empty()) request.force = role_from_string(opts->force);
    if (!opts->servers.empty() || !opts->resolver.empty()) {
      ParentQuery q = parent_query_for(request.policy);
      if (!opts->servers.empty()) q.servers.clear();
      for (const auto& text : opts->servers) {
        auto s = parse_server_address(text);
        if (!s) return report_error(Error(Errc::usage, "--server: " + s.error().message));
        q.servers.push_back(*s);
      }
      if (!opts->resolver.empty()) {
        auto r = parse_server_address(opts->resolver);
        if (!r) return report_error(Error(Errc::usage, "--resolver: " + r.error().message));
        q.resolver = *r;
      }
      request.parent = std::move(q);
    }
    auto report = roll_keys(request);
    if (!report) return report_error(report.error());
    for (const auto& w : report->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    for (const auto& line : report->parent) std::printf("parent: %s\n", line.c_str());
    const char* verb = opts->dry_run ? "would" : "done";
    for (const auto& a : report->actions) std::printf("%s: %s\n", verb, a.c_str());
    for (const auto& a : report->deferred) std::printf("next sign: %s\n", a.c_str());
    if (report->actions.empty() && report->deferred.empty()) std::printf("no key action due\n");
    if (report->next_due) std::printf("next action due: %s\n", format_time(*report->next_due).c_str());
    for (const auto& t : report->operator_tasks) std::printf("action needed: %s\n", t.c_str());
    return report->operator_tasks.empty() ? exit_ok : exit_action_needed;
  };
}

}  // namespace zs::cli
