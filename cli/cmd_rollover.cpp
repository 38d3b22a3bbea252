// zonesign rollover --origin Z --keys DIR --policy P [--now T] [--ds-seen TAG] [--ds-withdrawn TAG]
//                   [--dry-run] [--force zsk|ksk|csk] [--server ADDR[@PORT]]... [--resolver ADDR[@PORT]]
//                   [--json] [--action-needed-exit CODE]
// The command line is a contract (issue 4): extend it, never rename.
#include <cstdio>

#include "commands.hpp"
#include "keys/key_store.hpp"
#include "parent/parent_client.hpp"
#include "signer/rollover_keys.hpp"

namespace zs::cli {

namespace {
struct RolloverOptions {
  ZoneOptions zone;
  std::vector<unsigned> ds_seen;
  std::vector<unsigned> ds_withdrawn;
  bool dry_run = false;
  bool allow_clock_back = false;
  std::string force;
  ParentOptions parent;
  bool json = false;
  int action_needed_exit = exit_action_needed;
};

std::string recorded_text(const DsEventRecord& r) {
  const std::string event = r.kind == OperatorTaskKind::submit_ds ? "ds-seen" : "ds-withdrawn";
  return event + " " + std::to_string(r.tag) + (r.already ? ": already recorded" : ": recorded");
}
}  // namespace

Action add_rollover_command(CLI::App& app) {
  auto opts = std::make_shared<RolloverOptions>();
  CLI::App* cmd = app.add_subcommand("rollover", "Apply the key actions due now, without signing");
  add_zone_options(*cmd, opts->zone);
  cmd->add_option("--ds-seen", opts->ds_seen,
                  "The parent now serves the DS of key TAG on all its servers (repeating it is harmless)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--ds-withdrawn", opts->ds_withdrawn,
                  "The parent no longer serves the DS of key TAG (repeating it is harmless)")
      ->check(CLI::Range(0, 65535));
  cmd->add_flag("--dry-run", opts->dry_run, "Show what would happen; change nothing");
  cmd->add_flag("--allow-clock-back", opts->allow_clock_back,
                "Run although --now (or the clock) is before the last run the key state records; recorded "
                "times after it are moved back to it");
  cmd->add_option("--force", opts->force, "Start an unscheduled rollover (a compromised key)")
      ->check(CLI::IsMember({"ksk", "zsk", "csk"}));
  add_parent_options(*cmd, opts->parent, false);
  cmd->add_flag("--json", opts->json, "Print the result as JSON on standard output");
  add_action_needed_exit_option(*cmd, opts->action_needed_exit);
  return [opts]() -> int {
    auto zone = load_zone_options(opts->zone, TimeUse::signing);
    if (!zone) return report_error(zone.error());
    const HintContext hints = hint_context(zone->origin, zone->keys, opts->zone.policy);
    RolloverRequest request{zone->origin, zone->keys, std::move(zone->policy), zone->now, {}, {}, opts->dry_run,
                            std::nullopt, std::nullopt};
    request.allow_clock_back = opts->allow_clock_back;
    for (unsigned tag : opts->ds_seen) request.ds_seen.push_back(static_cast<std::uint16_t>(tag));
    for (unsigned tag : opts->ds_withdrawn) request.ds_withdrawn.push_back(static_cast<std::uint16_t>(tag));
    if (!opts->force.empty()) request.force = role_from_string(opts->force);
    // The parent first (--server/--resolver, else the policy's parent
    // section), only when a DS of the zone waits for it; the use case then
    // records what the answers show.
    ParentQuery query = parent_query_for(request.policy);
    if (!opts->parent.servers.empty() || !opts->parent.resolver.empty()) {
      auto q = parent_query(opts->parent, &request.policy);
      if (!q) return report_error(q.error());
      query = std::move(*q);
    }
    request.parent_observations =
        observe_parent_for_run(request.origin, request.key_dir, request.now, request.allow_clock_back, query);
    auto report = roll_keys(request);
    if (!report) return report_error(report.error());
    for (const auto& w : report->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    print_key_events(report->key_events);
    if (report->notice) std::fprintf(stderr, "notice: %s\n", report->notice->text.c_str());
    std::vector<TaskReport> tasks;
    for (const auto& t : report->operator_tasks) tasks.push_back(task_report(t, hints));
    const int code = final_exit_code(tasks.empty() ? exit_ok : exit_action_needed, opts->action_needed_exit);
    if (opts->json) {
      nlohmann::ordered_json doc;
      doc["zone"] = request.origin.to_string();
      doc["now"] = format_time(request.now);
      doc["dry_run"] = opts->dry_run;
      doc["recorded"] = nlohmann::ordered_json::array();
      for (const auto& r : report->recorded)
        doc["recorded"].push_back({{"event", r.kind == OperatorTaskKind::submit_ds ? "ds-seen" : "ds-withdrawn"},
                                   {"tag", r.tag},
                                   {"already_recorded", r.already}});
      doc["parent"] = report->parent;
      doc["warnings"] = report->warnings;
      doc[opts->dry_run ? "would" : "done"] = report->actions;
      doc["next_sign"] = report->deferred;
      doc["key_events"] = nlohmann::ordered_json::array();
      for (const auto& e : report->key_events) doc["key_events"].push_back(key_event_json(e));
      doc["operator_tasks"] = nlohmann::ordered_json::array();
      for (const auto& t : tasks) doc["operator_tasks"].push_back(task_json(t, request.now));
      doc["notice"] = report->notice ? nlohmann::ordered_json(report->notice->text) : nlohmann::ordered_json(nullptr);
      doc["next_due"] = report->next_due ? nlohmann::ordered_json(format_time(*report->next_due))
                                         : nlohmann::ordered_json(nullptr);
      doc["exit_code"] = code;
      const std::string text = doc.dump(2) + "\n";
      std::fwrite(text.data(), 1, text.size(), stdout);
      return code;
    }
    for (const auto& r : report->recorded) std::printf("%s\n", recorded_text(r).c_str());
    for (const auto& line : report->parent) std::printf("parent: %s\n", line.c_str());
    const char* verb = opts->dry_run ? "would" : "done";
    for (const auto& a : report->actions) std::printf("%s: %s\n", verb, a.c_str());
    for (const auto& a : report->deferred) std::printf("next sign: %s\n", a.c_str());
    if (report->actions.empty() && report->deferred.empty()) std::printf("no key action due\n");
    if (report->next_due) std::printf("next action due: %s\n", format_time(*report->next_due).c_str());
    for (const auto& t : tasks) std::printf("action needed: %s\n", task_line(t, request.now).c_str());
    return code;
  };
}

}  // namespace zs::cli
