// zonesign ds --origin NAME --keys DIR [--digest D]... [--json] [--policy P] [--now T]
//             [--check-parent [--server ADDR[@PORT]]... [--resolver ADDR[@PORT]] [--timeout S]]
//             [--action-needed-exit CODE]
// The command line is a contract (issue 4): extend it, never rename.
// With --config FILE and no --zone: every zone of the config (each_zone.hpp),
// each zone's DS records under a `; ZONE` comment line.
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "each_zone.hpp"
#include "parent/parent_client.hpp"
#include "render_ds.hpp"
#include "signer/ds_report.hpp"
#include "signer/parent_ds.hpp"

namespace zs::cli {

namespace {
struct DsOptions {
  std::string origin;
  std::string keys;
  std::vector<std::string> digests;
  bool json = false;
  std::string policy;
  std::string now;
  bool check_parent = false;
  ParentOptions parent;
  int action_needed_exit = exit_action_needed;
  ConfigCliOptions config;  // --config FILE --zone NAME: origin, keys and policy from the config
};

void out(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// What the operator still has to do, on stderr (stdout stays the DS set, for
// scripts that paste it to the parent). Each task names the command that
// records the parent's move, with this run's options, when there is one that
// works: `rollover` needs the zone's policy.
void print_tasks(const Name& origin, const DsReport& report, const HintContext& hints, UnixTime now) {
  std::map<std::uint16_t, std::vector<const DsEntry*>> submit, withdraw;
  for (const auto& e : report.entries)
    if (e.status == ds_status_submit) submit[e.key_tag].push_back(&e);
  for (const auto& e : report.withdraw) withdraw[e.key_tag].push_back(&e);
  auto print = [&](const auto& tasks, const char* what, OperatorTaskKind kind) {
    for (const auto& [tag, entries] : tasks) {
      for (const DsEntry* e : entries)
        std::fprintf(stderr, "action needed: %s: %s (waiting since %s, %s)\n", what,
                     ds_record_line(origin, *e).c_str(), format_time(e->since).c_str(),
                     format_elapsed(std::max<Duration>(0, now - e->since)).c_str());
      const std::string command = ds_event_command(hints, kind, tag);
      if (!command.empty())
        std::fprintf(stderr, "  then run `%s`\n", command.c_str());
      else
        std::fprintf(stderr, "  then record it (key %u): run ds again with the zone's --policy for the command that "
                             "does\n",
                     tag);
    }
  };
  print(submit, "submit to the parent", OperatorTaskKind::submit_ds);
  print(withdraw, "remove at the parent", OperatorTaskKind::withdraw_ds);
  if (report.at_moment && report.entries.empty())
    std::fprintf(stderr, "note: the zone wants no DS at the parent at this moment\n");
  for (std::uint16_t tag : report.next_run_adds)
    std::fprintf(stderr,
                 "note: the zone's next run (due now) adds the DS of key %u to CDS, and the parent must then publish "
                 "it: run `zonesign sign` first, then `zonesign ds` again for the record to submit\n",
                 tag);
}

std::vector<std::string> lines_of(const Name& origin, const std::vector<Ds>& set) {
  std::vector<std::string> out;
  for (const Ds& d : set) out.push_back(ds_record_line(origin, d));
  return out;
}

std::string comparison_text(const Name& origin, const ParentComparison& c, const std::vector<ServerDs>& live) {
  std::string text;
  for (const ServerDs& s : live)
    if (s.answer)
      text += "parent " + s.server + ": " + std::to_string(s.answer->size()) + " DS\n";
  for (const auto& l : lines_of(origin, c.add)) text += "add: " + l + "\n";
  for (const auto& l : lines_of(origin, c.remove)) text += "remove: " + l + "\n";
  if (c.disagree) {
    text += "the parent's servers disagree:\n";
    for (const ServerDiff& d : c.servers) {
      for (const auto& l : lines_of(origin, d.missing)) text += "  " + d.server + " lacks: " + l + "\n";
      for (const auto& l : lines_of(origin, d.extra)) text += "  " + d.server + " also serves: " + l + "\n";
      if (d.missing.empty() && d.extra.empty()) text += "  " + d.server + " serves the wanted set\n";
    }
  }
  if (c.matches())
    text += "match: the parent serves the DS set the zone wants (" + std::to_string(c.answered) + " server" +
            (c.answered == 1 ? "" : "s") + ")\n";
  else if (c.answered > 0)
    text += "mismatch: the parent's DS set differs from the one the zone wants\n";
  return text;
}

std::string comparison_json(const Name& origin, const ParentComparison& c, const std::vector<ServerDs>& live) {
  nlohmann::ordered_json doc;
  doc["zone"] = origin.to_string();
  doc["match"] = c.matches();
  doc["add"] = lines_of(origin, c.add);
  doc["remove"] = lines_of(origin, c.remove);
  doc["servers"] = nlohmann::ordered_json::array();
  std::size_t answered = 0;
  for (const ServerDs& s : live) {
    nlohmann::ordered_json item;
    item["server"] = s.server;
    if (s.answer) {
      const ServerDiff& d = c.servers[answered++];
      item["ds"] = lines_of(origin, *s.answer);
      item["missing"] = lines_of(origin, d.missing);
      item["extra"] = lines_of(origin, d.extra);
    } else {
      item["error"] = s.answer.error().message;
    }
    doc["servers"].push_back(std::move(item));
  }
  doc["disagree"] = c.disagree;
  return doc.dump(2) + "\n";
}

int check_parent(const DsOptions& o, const Name& origin, const DsReport& report, const Policy* policy) {
  auto built = parent_query(o.parent, policy);
  if (!built) return report_error(built.error());
  const ParentQuery& query = *built;
  if (!query.enabled())
    return report_error(Error(Errc::usage,
                              "--check-parent needs the parent's servers: --server, --resolver, or a --policy with "
                              "parent.servers or parent.discover"));
  auto live = ask_parent(origin, query);
  if (!live) return report_error(live.error());
  std::vector<Ds> wanted;
  for (const auto& e : report.entries) wanted.push_back(e.ds());
  ParentComparison c = compare_parent_ds(wanted, *live);
  for (const auto& u : c.unreachable) std::fprintf(stderr, "warning: parent server %s\n", u.c_str());
  out(o.json ? comparison_json(origin, c, *live) : comparison_text(origin, c, *live));
  if (c.answered == 0) return report_error(Error(Errc::io, "no parent server answered"));
  return final_exit_code(c.matches() ? exit_ok : exit_action_needed, o.action_needed_exit);
}

}  // namespace

Action add_ds_command(CLI::App& app) {
  auto opts = std::make_shared<DsOptions>();
  CLI::App* cmd = app.add_subcommand("ds", "Print the DS records the zone wants at the parent now");
  cmd->add_option("--origin", opts->origin, "The zone's name (required unless --config gives it)");
  cmd->add_option("--keys", opts->keys, "Key directory (keys live in DIR/<zone>/); required");
  cmd->add_option("--digest", opts->digests,
                  "SHA-256 (default, or the policy's parent.cds-digests), SHA-384, or SHA-1 (only when named); "
                  "repeatable");
  cmd->add_flag("--json", opts->json, "Print the fields a registrar's form asks for, as JSON");
  cmd->add_option("--policy", opts->policy, "YAML signing policy (digests, parent servers)");
  cmd->add_option("--now", opts->now, now_help);
  cmd->add_flag("--check-parent", opts->check_parent,
                "Compare the wanted DS set with the one the parent's servers serve");
  add_parent_options(*cmd, opts->parent, true);
  add_action_needed_exit_option(*cmd, opts->action_needed_exit);
  add_config_options(*cmd, opts->config);
  describe_every_zone(*cmd);
  return [opts, cmd]() -> int {
    auto every_zone = every_zone_config(*cmd, opts->config);
    if (!every_zone) return report_error(every_zone.error());
    if (*every_zone) {
      EachZoneReport each;
      each.command = "ds";
      each.json = opts->json;
      each.comment_heading = true;
      each.now = opts->now;
      return report_each_zone(*cmd, **every_zone, config_path(opts->config), each);
    }
    if (auto ok = apply_zone_config(*cmd, opts->config,
                                    {{"--origin", &opts->origin, ZoneField::origin, true},
                                     {"--keys", &opts->keys, ZoneField::keys},
                                     {"--policy", &opts->policy, ZoneField::policy}});
        !ok)
      return report_error(ok.error());
    auto origin = parse_origin(opts->origin);
    if (!origin) return report_error(origin.error());
    auto keys = require_keys(opts->keys);
    if (!keys) return report_error(keys.error());
    auto now = parse_now(opts->now, TimeUse::reading);
    if (!now) return report_error(now.error());
    std::optional<Policy> policy;
    if (!opts->policy.empty()) {
      auto p = load_policy_file(opts->policy);
      if (!p) return report_error(p.error());
      policy = std::move(*p);
    }
    DsRequest request{*origin, *keys, {}, *now, policy ? &*policy : nullptr};
    for (const auto& text : opts->digests) {
      auto d = parse_digest(text);
      if (!d) return report_error(d.error());
      request.digests.push_back(*d);
    }
    if (request.digests.empty() && policy) request.digests = policy->parent.cds_digests;
    if (request.digests.empty()) request.digests.push_back(DigestType::SHA256);
    auto report = make_ds_status(request);
    if (!report) return report_error(report.error());
    if (opts->check_parent) return check_parent(*opts, *origin, *report, policy ? &*policy : nullptr);
    if (!policy && !report->rolled) {
      // Keys used without a policy are never rolled: there is no DS event
      // to record, and nothing zonesign can wait for. Every KSK's DS is
      // printed; the operator puts it at the parent once.
      request.now.reset();
      report = make_ds_status(request);
      if (!report) return report_error(report.error());
      out(opts->json ? ds_report_json(*origin, *report) : ds_report_text(*origin, report->entries));
      std::fprintf(stderr,
                   "note: this zone is signed without a policy, so its keys are never rolled: the parent must "
                   "serve one of these DS for the zone to be secure; --check-parent with --server or --resolver "
                   "compares with what it serves\n");
      return exit_ok;
    }
    out(opts->json ? ds_report_json(*origin, *report) : ds_report_text(*origin, report->entries));
    print_tasks(*origin, *report, hint_context(*origin, *keys, opts->policy), *now);
    return final_exit_code(report->operator_must_act() ? exit_action_needed : exit_ok, opts->action_needed_exit);
  };
}

}  // namespace zs::cli
