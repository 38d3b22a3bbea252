#include "signer/status.hpp"

#include <nlohmann/json.hpp>

#include "keys/key_state.hpp"
#include "keys/key_store.hpp"
#include "keys/rollover.hpp"

namespace zs {

Result<StatusReport> zone_status(const Name& origin, const std::string& key_dir, const Policy& policy, UnixTime now) {
  auto store = KeyStore::open(key_dir, origin, false);
  if (!store) return std::unexpected(store.error());
  StatusReport report;
  report.zone = origin.to_string();
  report.now = now;
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
  for (const auto& t : p->operator_tasks) report.operator_tasks.push_back(t.text);
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
    if (now >= z.expires)
      report.operator_tasks.push_back("the published signatures expired at " + format_time(z.expires) +
                                      ": validating resolvers fail on the zone; run `zonesign sign` now");
    else if (now >= z.resign_by)
      report.operator_tasks.push_back("the published signatures expire at " + format_time(z.expires) +
                                      " and answers cached from now on outlive them: run `zonesign sign` now "
                                      "(is the cron job running?)");
    report.published = std::move(z);
  }
  return report;
}

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
  for (const auto& a : r.due_now) out += "due now: " + a + "\n";
  for (const auto& t : r.operator_tasks) out += "action needed: " + t + "\n";
  if (r.next_due) out += "next run with work to do: " + format_time(*r.next_due) + "\n";
  return out;
}

std::string status_json(const StatusReport& r) {
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
  doc["operator_tasks"] = r.operator_tasks;
  if (r.published) {
    const auto& z = *r.published;
    doc["published"] = {{"signed_at", format_time(z.signed_at)}, {"output", z.output},
                        {"serial", z.serial},                    {"signatures_expire", format_time(z.expires)},
                        {"refresh_at", format_time(z.refresh_at)}, {"resign_by", format_time(z.resign_by)}};
  } else {
    doc["published"] = nullptr;
  }
  doc["next_due"] = opt_time(r.next_due);
  return doc.dump(2) + "\n";
}

}  // namespace zs
