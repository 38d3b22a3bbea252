#include "signer/status.hpp"

#include <algorithm>

#include "dnssec/dnskey.hpp"
#include "keys/key_state.hpp"
#include "keys/key_store.hpp"
#include "keys/rollover.hpp"

namespace zs {

namespace {

// The parent's answers against the keys the zone publishes: a server whose
// DS set is not empty but names none of them leaves no chain of trust
// (RFC 4035 §5.2), so every validating resolver that asks it fails.
void check_parent(StatusReport& report, const Name& origin, const std::vector<KeyInfo>& keys, UnixTime now,
                  const std::vector<ServerDs>& parent) {
  std::vector<Bytes> published;
  for (const auto& info : keys) {
    KeyState s = key_state(info, now);
    if (s.exists && !s.removed && s.published(RecordKind::dnskey)) published.push_back(info.dnskey().to_rdata());
  }
  for (const ServerDs& server : parent) {
    if (!server.answer) {
      report.parent.push_back(server.server + ": no answer (" + server.answer.error().message + ")");
      continue;
    }
    const auto& set = *server.answer;
    const auto matching = std::ranges::count_if(set, [&](const Ds& d) {
      return std::ranges::any_of(published, [&](const Bytes& rdata) { return ds_matches_key(d, origin, rdata); });
    });
    report.parent.push_back(server.server + ": " + std::to_string(set.size()) + " DS, " + std::to_string(matching) +
                            " of them for a key the zone publishes");
    if (!set.empty() && matching == 0)
      report.failing.push_back("parent server " + server.server + " serves " + std::to_string(set.size()) +
                               " DS and none is for a key the zone publishes: validating resolvers fail on the zone");
  }
}

}  // namespace

std::string_view task_kind_name(TaskKind kind) noexcept {
  switch (kind) {
    case TaskKind::submit_ds: return "submit-ds";
    case TaskKind::withdraw_ds: return "withdraw-ds";
    case TaskKind::resign: return "resign";
  }
  return "submit-ds";
}

TaskReport task_report(const OperatorTask& task) {
  TaskReport t;
  t.kind = task.kind == OperatorTaskKind::submit_ds ? TaskKind::submit_ds : TaskKind::withdraw_ds;
  if (!task.key.new_key) t.tag = task.key.tag;
  t.since = task.since;
  t.text = task.text;
  return t;
}

std::string task_line(const TaskReport& task, UnixTime now) {
  std::string line = task.text + " (waiting since " + format_time(task.since) + ", " +
                     format_elapsed(std::max<Duration>(0, now - task.since)) + ")";
  if (!task.command.empty()) line += "; then run `" + task.command + "`";
  return line;
}

Result<StatusReport> zone_status(const Name& origin, const std::string& key_dir, const Policy& policy, UnixTime now,
                                 const std::vector<ServerDs>* parent) {
  auto store = KeyStore::open_read_only(key_dir, origin);
  if (!store) return std::unexpected(store.error());
  StatusReport report;
  report.zone = origin.to_string();
  report.now = now;
  report.run_interval = policy.run_interval;
  const CacheWindows windows = cache_windows(policy);
  for (const auto& info : store->keys()) {
    KeyState state = key_state(info, now);
    if (!state.exists || state.removed) continue;
    KeyStatusLine line;
    line.tag = info.tag;
    line.role = std::string(role_name(info.role));
    line.algorithm = algorithm_name(info.algorithm);
    line.goal = state.goal == KeyGoal::omnipresent ? "omnipresent" : "hidden";
    line.active = state.active;
    line.retired = state.retired;
    if (const KeyPolicy* kp = policy.key_for(info.role); kp && kp->lifetime && state.active)
      line.lifetime_end = *state.active + *kp->lifetime;
    for (RecordKind kind : all_record_kinds) {
      if (!record_applies(info.role, kind)) continue;
      line.records.push_back(RecordStatusLine{std::string(record_kind_name(kind)),
                                              std::string(record_state_name(state[kind].state)), state[kind].since,
                                              window_end(state, kind, windows)});
    }
    report.keys.push_back(std::move(line));
  }
  auto p = plan(store->keys(), policy, now);
  if (!p) return std::unexpected(p.error());
  for (const auto& a : p->actions) report.due_now.push_back(a.text);
  for (const auto& t : p->operator_tasks) report.operator_tasks.push_back(task_report(t));
  report.next_due = p->next_due;
  if (const auto& last = store->last_signed()) {
    PublishedZoneStatus z;
    z.signed_at = last->time;
    z.output = last->output;
    z.serial = last->serial;
    z.expires = last->expires;
    z.refresh_at = last->expires - policy.signatures.refresh;
    z.resign_by = last->expires - (policy.ttl.zone_max + policy.delays.zone_propagation);
    if (!report.next_due || z.refresh_at < *report.next_due) report.next_due = std::max(z.refresh_at, now);
    // No command in these texts: status does not know the zone file or the
    // options the signing job runs with.
    const UnixTime next_run = now + policy.run_interval;
    if (now >= z.expires) {
      report.failing.push_back("the published signatures expired at " + format_time(z.expires) +
                               ": validating resolvers fail on the zone");
      report.operator_tasks.push_back(TaskReport{TaskKind::resign, std::nullopt, z.expires,
                                                 "re-sign the zone now: run the job that signs it "
                                                 "(is it still running?)",
                                                 ""});
    } else if (z.expires <= next_run) {
      report.failing.push_back("the published signatures expire at " + format_time(z.expires) +
                               ", before the next due run at " + format_time(next_run) +
                               " (run-interval " + format_duration(policy.run_interval) + ")");
      report.operator_tasks.push_back(TaskReport{TaskKind::resign, std::nullopt, std::min(z.resign_by, now),
                                                 "re-sign the zone now: run the job that signs it before " +
                                                     format_time(z.expires),
                                                 ""});
    } else if (now >= z.resign_by) {
      report.operator_tasks.push_back(TaskReport{TaskKind::resign, std::nullopt, z.resign_by,
                                                 "re-sign the zone now: the published signatures expire at " +
                                                     format_time(z.expires) +
                                                     " and answers cached from now on outlive them (is the "
                                                     "signing job running?)",
                                                 ""});
    }
    report.published = std::move(z);
  }
  if (parent) check_parent(report, origin, store->keys(), now, *parent);
  auto notice = upcoming_ds_request(store->keys(), policy, report.zone, now);
  if (!notice) return std::unexpected(notice.error());
  report.notice = std::move(*notice);
  return report;
}

}  // namespace zs
