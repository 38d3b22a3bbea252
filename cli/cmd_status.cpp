// zonesign status --origin Z --keys DIR --policy P [--now T] [--json]
//                 [--check-parent [--server ADDR[@PORT]]... [--resolver ADDR[@PORT]] [--timeout S]]
//                 [--action-needed-exit CODE] [--metrics-file FILE]
// With --config FILE and no --zone: every zone of the config (each_zone.hpp),
// and one metrics file for all of them.
// Exit 11 when the published zone fails validation or will before the next
// due run can fix it, else 10 when the operator must act, else 0.
#include <cstdio>

#include "commands.hpp"
#include "each_zone.hpp"
#include "signer/metrics.hpp"
#include "signer/status.hpp"

namespace zs::cli {

namespace {
struct StatusOptions {
  ZoneOptions zone;
  bool json = false;
  bool check_parent = false;
  ParentOptions parent;
  int action_needed_exit = exit_action_needed;
  std::string metrics_file;  // --metrics-file; empty: none
};

std::string status_text(const StatusReport& r) {
  std::string out = "zone " + r.zone + " at " + format_time(r.now) + "\n";
  for (const auto& k : r.keys) {
    out += "  " + k.role + " " + std::to_string(k.tag) + " " + k.algorithm + " (" +
           (k.goal == "omnipresent" ? "in use" : "retiring") + ")";
    if (k.active) out += ", signing since " + format_time(*k.active);
    if (k.lifetime_end && !k.retired) out += ", lifetime ends " + format_time(*k.lifetime_end);
    if (k.retired) out += ", retired " + format_time(*k.retired);
    out += "\n";
    for (const auto& rec : k.records) {
      out += "    " + rec.record + ": " + rec.state;
      out += rec.since == 0 && rec.state == "hidden" ? " (never published)" : " since " + format_time(rec.since);
      if (rec.next) out += ", next change possible " + format_time(*rec.next);
      out += "\n";
    }
  }
  if (r.published) {
    const auto& z = *r.published;
    out += "published: serial " + std::to_string(z.serial) + " signed " + format_time(z.signed_at) + " to " +
           z.output + "\n";
    out += "  signatures expire from " + format_time(z.expires) + "; refreshed by the first run after " +
           format_time(z.refresh_at) + "; must be re-signed before " + format_time(z.resign_by) + "\n";
  } else {
    out += "published: no signing run recorded for this key folder\n";
  }
  for (const auto& line : r.parent) out += "parent " + line + "\n";
  for (const auto& a : r.due_now) out += "due now: " + a + "\n";
  for (const auto& f : r.failing) out += "FAILING: " + f + "\n";
  for (const auto& t : r.operator_tasks) out += "action needed: " + task_line(t, r.now) + "\n";
  if (r.notice) out += "notice: " + r.notice->text + "\n";
  if (r.next_due) out += "next run with work to do: " + format_time(*r.next_due) + "\n";
  return out;
}

std::string status_json(const StatusReport& r, int exit_code) {
  auto opt_time = [](const std::optional<UnixTime>& t) -> nlohmann::ordered_json {
    return t ? nlohmann::ordered_json(format_time(*t)) : nlohmann::ordered_json(nullptr);
  };
  nlohmann::ordered_json doc;
  doc["zone"] = r.zone;
  doc["now"] = format_time(r.now);
  doc["keys"] = nlohmann::ordered_json::array();
  for (const auto& k : r.keys) {
    nlohmann::ordered_json key;
    key["tag"] = k.tag;
    key["role"] = k.role;
    key["algorithm"] = k.algorithm;
    key["goal"] = k.goal;
    key["active"] = opt_time(k.active);
    key["retired"] = opt_time(k.retired);
    key["lifetime_end"] = opt_time(k.lifetime_end);
    key["records"] = nlohmann::ordered_json::array();
    for (const auto& rec : k.records)
      key["records"].push_back({{"record", rec.record},
                                {"state", rec.state},
                                {"since", format_time(rec.since)},
                                {"next", opt_time(rec.next)}});
    doc["keys"].push_back(std::move(key));
  }
  doc["due_now"] = r.due_now;
  // Each task as one line, as the text shows it (with its command), and the
  // same as data in "tasks".
  doc["operator_tasks"] = nlohmann::ordered_json::array();
  doc["tasks"] = nlohmann::ordered_json::array();
  for (const auto& t : r.operator_tasks) {
    doc["operator_tasks"].push_back(task_line(t, r.now));
    doc["tasks"].push_back(task_json(t, r.now));
  }
  doc["failing"] = r.failing;
  if (r.published) {
    const auto& z = *r.published;
    doc["published"] = {{"signed_at", format_time(z.signed_at)}, {"output", z.output},
                        {"serial", z.serial},                    {"signatures_expire", format_time(z.expires)},
                        {"refresh_at", format_time(z.refresh_at)}, {"resign_by", format_time(z.resign_by)}};
  } else {
    doc["published"] = nullptr;
  }
  doc["parent"] = r.parent;
  doc["notice"] = r.notice ? nlohmann::ordered_json(r.notice->text) : nlohmann::ordered_json(nullptr);
  doc["next_due"] = opt_time(r.next_due);
  doc["exit_code"] = exit_code;
  return doc.dump(2) + "\n";
}
}  // namespace

Action add_status_command(CLI::App& app) {
  auto opts = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand("status", "Show each key's state, what is due and what the operator must do");
  add_zone_options(*cmd, opts->zone);
  describe_every_zone(*cmd);
  cmd->add_flag("--json", opts->json, "Print as JSON");
  cmd->add_flag("--check-parent", opts->check_parent,
                "Also ask the parent's servers for the DS: a DS set that matches no published key fails (exit 11)");
  add_parent_options(*cmd, opts->parent, true);
  add_action_needed_exit_option(*cmd, opts->action_needed_exit);
  cmd->add_option("--metrics-file", opts->metrics_file,
                  "Also write the zone's metrics (Prometheus text format) to this file, for node_exporter's "
                  "textfile collector (docs/monitoring.md); over every zone of a config, one file for all");
  return [opts, cmd]() -> int {
    auto every_zone = every_zone_config(*cmd, opts->zone.config);
    if (!every_zone) return report_error(every_zone.error());
    if (*every_zone) {
      EachZoneReport each;
      each.command = "status";
      each.json = opts->json;
      each.now = opts->zone.now;
      if (cmd->count("--metrics-file") > 0) each.metrics_file = opts->metrics_file;
      return report_each_zone(*cmd, **every_zone, config_path(opts->zone.config), each);
    }
    // Loaded first (it writes nothing), so that paths from --config are checked too.
    auto zone = load_zone_options(opts->zone, TimeUse::reading);
    if (cmd->count("--metrics-file") > 0) {
      if (auto ok = check_metrics_path(opts->metrics_file, {opts->zone.policy}, {opts->zone.keys}); !ok)
        return report_error(ok.error());
    }
    if (!zone) return report_error(zone.error());
    std::optional<std::vector<ServerDs>> live;
    if (opts->check_parent) {
      auto query = parent_query(opts->parent, &zone->policy);
      if (!query) return report_error(query.error());
      if (!query->enabled())
        return report_error(Error(Errc::usage,
                                  "--check-parent needs the parent's servers: --server, --resolver, or a policy with "
                                  "parent.servers or parent.discover"));
      auto answers = ask_parent(zone->origin, *query);
      if (!answers) return report_error(answers.error());
      live = std::move(*answers);
    }
    auto report = zone_status(zone->origin, zone->keys, zone->policy, zone->now, live ? &*live : nullptr);
    if (!report) return report_error(report.error());
    fill_commands(report->operator_tasks, hint_context(zone->origin, zone->keys, opts->zone.policy));
    const int code = !report->failing.empty()        ? exit_zone_failing
                     : !report->operator_tasks.empty() ? final_exit_code(exit_action_needed, opts->action_needed_exit)
                                                       : exit_ok;
    std::string out = opts->json ? status_json(*report, code) : status_text(*report);
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (!opts->metrics_file.empty()) {
      // Writing the metrics is this run's job: failing at it is an error,
      // though a failing zone still says so first (exit 11).
      if (auto written = write_metrics_file(opts->metrics_file, {zone_metrics(*report)}); !written) {
        report_error(written.error());
        return code == exit_zone_failing ? code : exit_error;
      }
    }
    return code;
  };
}

}  // namespace zs::cli
