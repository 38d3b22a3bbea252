#include "signer/rollover_keys.hpp"

#include <algorithm>
#include <map>

#include "keys/key_state.hpp"
#include "keys/key_store.hpp"
#include "keys/rollover.hpp"
#include "policy/lint.hpp"
#include "signer/timeline.hpp"

namespace zs {

namespace {

// `rollover` publishes nothing. A record change it wrote down now would be
// counted from now while the zone keeps showing the old state until the next
// `sign`, and the planner would then take cache windows as passed that had
// not even begun (a new DNSKEY "in every cache" before any server had it).
// So it applies only what leaves the published zone as it is: new keys,
// retirements, removals and cache windows that have passed (records becoming
// omnipresent or hidden); the next `sign` makes the record changes.
bool changes_published_zone(const Action& action) {
  return action.kind == ActionKind::transition &&
         (action.to == RecordState::rumoured || action.to == RecordState::unretentive);
}

const KeyInfo* find_live(const std::vector<KeyInfo>& keys, std::uint16_t tag) {
  for (const auto& k : keys)
    if (k.tag == tag && !k.timestamps.contains("removed")) return &k;
  return nullptr;
}

std::string key_label(Role role, std::uint16_t tag) { return std::string(role_name(role)) + " " + std::to_string(tag); }

// The planner's texts read "retire zsk 1234: lifetime 90d ends": the part
// after the first ": " is the reason.
std::string reason_of(const std::string& text) {
  auto colon = text.find(": ");
  return colon == std::string::npos ? std::string() : text.substr(colon + 2);
}

// Records the operator's events on `keys`; an event the state already holds
// changes nothing and is reported as such.
Result<std::vector<DsEventRecord>> record_events(std::vector<KeyInfo>& keys, const RolloverRequest& request) {
  std::vector<DsEventRecord> out;
  auto record = [&](OperatorTaskKind kind, std::uint16_t tag) -> Result<void> {
    const KeyInfo* before = find_live(keys, tag);
    const auto stamps = before ? before->timestamps : std::map<std::string, UnixTime>{};
    auto r = kind == OperatorTaskKind::submit_ds ? record_ds_seen(keys, tag, request.now)
                                                 : record_ds_withdrawn(keys, tag, request.now);
    if (!r) return std::unexpected(r.error());
    const KeyInfo* after = find_live(keys, tag);
    out.push_back(DsEventRecord{kind, tag, after && after->timestamps == stamps});
    return {};
  };
  for (auto tag : request.ds_seen)
    if (auto r = record(OperatorTaskKind::submit_ds, tag); !r) return std::unexpected(r.error());
  for (auto tag : request.ds_withdrawn)
    if (auto r = record(OperatorTaskKind::withdraw_ds, tag); !r) return std::unexpected(r.error());
  return out;
}

}  // namespace

std::string_view key_event_name(KeyEventKind kind) noexcept {
  switch (kind) {
    case KeyEventKind::created: return "created";
    case KeyEventKind::published: return "published";
    case KeyEventKind::retired: return "retired";
    case KeyEventKind::removed: return "removed";
    case KeyEventKind::algorithm_rollover: return "algorithm-rollover";
  }
  return "created";
}

std::vector<KeyEvent> key_events(const Plan& p, const std::vector<std::uint16_t>& created,
                                 const std::vector<KeyInfo>& keys) {
  std::vector<KeyEvent> out;
  auto tag_of = [&](const KeyRef& ref) -> std::optional<std::uint16_t> {
    if (!ref.new_key) return ref.tag;
    if (*ref.new_key < created.size()) return created[*ref.new_key];
    return std::nullopt;
  };
  // An algorithm rollover is the policy asking for another algorithm (or RSA
  // size) than the key it retires has: the planner then retires the current
  // key and creates one of the new kind in the same plan.
  std::vector<std::uint16_t> retired_here;
  for (const Action& a : p.actions)
    if (a.kind == ActionKind::retire) retired_here.push_back(a.key.tag);
  for (const Action& a : p.actions) {
    auto tag = tag_of(a.key);
    if (!tag) continue;
    const KeyInfo* k = find_live(keys, *tag);
    if (!k) {
      // A key removed by this very plan is no longer "live": find it anyway.
      for (const auto& info : keys)
        if (info.tag == *tag) k = &info;
      if (!k) continue;
    }
    const std::string who = key_label(k->role, k->tag);
    switch (a.kind) {
      case ActionKind::create: {
        const NewKey& nk = p.created.at(*a.key.new_key);
        out.push_back(KeyEvent{KeyEventKind::created, k->role, k->tag, k->algorithm,
                               "created " + who + " (" + algorithm_name(k->algorithm) + "): " + nk.reason});
        for (std::uint16_t old : retired_here) {
          const KeyInfo* o = find_live(keys, old);
          if (!o || o->role != k->role) continue;
          const bool other_algorithm = o->algorithm != k->algorithm;
          const bool other_size = algorithm_takes_size(k->algorithm) && nk.bits && o->bits != nk.bits;
          if (!other_algorithm && !other_size) continue;
          const std::string change = other_algorithm ? algorithm_name(o->algorithm) + " to " +
                                                           algorithm_name(k->algorithm)
                                                     : std::to_string(o->bits) + " to " + std::to_string(nk.bits) +
                                                           " bits";
          out.push_back(KeyEvent{KeyEventKind::algorithm_rollover, o->role, o->tag, k->algorithm,
                                 "algorithm rollover started: " + key_label(o->role, o->tag) + " (" + change +
                                     ", the policy changed) is replaced by " + who});
        }
        break;
      }
      case ActionKind::transition:
        if (a.record == RecordKind::dnskey && a.to == RecordState::rumoured)
          out.push_back(KeyEvent{KeyEventKind::published, k->role, k->tag, k->algorithm,
                                 "published the DNSKEY of " + who + " (" + algorithm_name(k->algorithm) + ")"});
        break;
      case ActionKind::retire:
        out.push_back(KeyEvent{KeyEventKind::retired, k->role, k->tag, k->algorithm,
                               "retired " + who + ": " + reason_of(a.text)});
        break;
      case ActionKind::remove:
        out.push_back(KeyEvent{KeyEventKind::removed, k->role, k->tag, k->algorithm,
                               "removed " + who + ": " + reason_of(a.text)});
        break;
      case ActionKind::adopt: break;
    }
  }
  return out;
}

std::vector<OperatorTask> resolve_task_tags(const std::vector<OperatorTask>& tasks,
                                            const std::vector<std::uint16_t>& created) {
  std::vector<OperatorTask> out = tasks;
  for (auto& t : out)
    if (t.key.new_key && *t.key.new_key < created.size()) t.key = KeyRef{created[*t.key.new_key], std::nullopt};
  return out;
}

Duration ds_notice_horizon(const Policy& policy) { return std::max<Duration>(30 * 86400, 2 * policy.run_interval); }

Result<std::optional<DsRequestNotice>> upcoming_ds_request(const std::vector<KeyInfo>& keys, const Policy& policy,
                                                           const std::string& zone, UnixTime now) {
  const Duration horizon = ds_notice_horizon(policy);
  const CacheWindows windows = cache_windows(policy);
  // The plan below costs a run of the planner per simulated run: it is made
  // only when a DS request can come within the horizon, which is never
  // before a successor exists (it is created at the predecessor's lifetime
  // end minus its lead) or while a successor waits for its DS.
  bool at_parent = false, could_come = false;
  for (const auto& info : keys) {
    if (!info.signs_keys()) continue;
    KeyState s = key_state(info, now);
    if (!s.exists || s.removed) continue;
    if (s[RecordKind::ds].state != RecordState::hidden) at_parent = true;
    if (s.goal == KeyGoal::omnipresent && s[RecordKind::ds].state == RecordState::hidden) could_come = true;
    const KeyPolicy* kp = policy.key_for(info.role);
    if (s.goal == KeyGoal::omnipresent && s.active && kp && kp->lifetime &&
        *s.active + *kp->lifetime - successor_lead(*kp, windows) <= now + horizon)
      could_come = true;
    if (kp && (kp->algorithm != info.algorithm)) could_come = true;
  }
  if (!at_parent || !could_come) return std::optional<DsRequestNotice>{};
  const int months = static_cast<int>(horizon / (30 * 86400)) + 2;
  // Only the first DS request within the horizon matters: the simulation
  // ends at the horizon, or at the first moment a key's DS enters CDS that
  // the loop below would report (a new key's, or a stored key's whose DS is
  // not at the parent now); the runs up to then are the same as in a longer
  // simulation, so the notice is too.
  TimelineLimits limits;
  limits.end = now + horizon + 1;
  limits.stop = [&](const std::vector<KeyInfo>& simulated, UnixTime) {
    for (const KeyInfo& k : simulated) {
      if (!record_applies(k.role, RecordKind::ds)) continue;
      auto asked = k.timestamps.find("ds-submitted");
      if (asked == k.timestamps.end() || asked->second <= now || asked->second > now + horizon) continue;
      const KeyInfo* stored = find_live(keys, k.tag);
      if (!stored || key_state(*stored, now)[RecordKind::ds].state == RecordState::hidden) return true;
    }
    return false;
  };
  auto tl = simulate_timeline(keys, policy, zone, now, std::min(months, 120), limits);
  if (!tl) return std::unexpected(tl.error());
  for (const TimelineEvent& e : tl->events) {
    if (e.kind != TimelineEventKind::ds_submitted || e.at <= now || e.at > now + horizon) continue;
    const TimelineKey& k = tl->keys[e.key];
    // The first DS of a zone is no rollover; a DS asked while another key's
    // DS is at the parent is.
    if (k.tag) {
      const KeyInfo* info = find_live(keys, *k.tag);
      if (info && key_state(*info, now)[RecordKind::ds].state != RecordState::hidden) continue;
    }
    DsRequestNotice n;
    n.at = e.at;
    n.key = k.label;
    n.text = std::string(role_name(k.role)) + " rollover ahead: the DS of the new " + k.label +
             " will be asked of the parent around " + format_time(e.at) + " (in " + format_elapsed(e.at - now) +
             "): be ready to submit it then";
    return std::optional<DsRequestNotice>{std::move(n)};
  }
  return std::optional<DsRequestNotice>{};
}

Result<RolloverReport> roll_keys(const RolloverRequest& request) {
  auto store = KeyStore::open(request.key_dir, request.origin, false);
  if (!store) return std::unexpected(store.error());
  store->make_new_keys_in(token_for_new_keys(request.policy));
  auto clock = store->check_clock(request.now, request.allow_clock_back);
  if (!clock) return std::unexpected(clock.error());
  // Events first, on a copy, so an invalid tag changes nothing.
  std::vector<KeyInfo> keys = store->keys();
  auto recorded = record_events(keys, request);
  if (!recorded) return std::unexpected(recorded.error());
  // Then what the parent's servers show, before planning, so a DS they all
  // serve lets the rollover go on in this very run.
  ParentConfirmation confirmed =
      confirm_from_observations(keys, request.origin, request.parent_observations, request.now);

  auto p = plan(keys, request.policy, request.now, PlanOptions{request.force});
  if (!p) return std::unexpected(p.error());
  RolloverReport report;
  report.recorded = std::move(*recorded);
  Plan applied = *p;
  std::erase_if(applied.actions, changes_published_zone);
  for (const auto& a : p->actions) (changes_published_zone(a) ? report.deferred : report.actions).push_back(a.text);
  report.operator_tasks = p->operator_tasks;
  report.next_due = p->next_due;
  report.parent = std::move(confirmed.lines);
  report.warnings = std::move(confirmed.warnings);
  for (const auto& line : *clock) report.warnings.push_back("--allow-clock-back: moved " + line);
  if (request.dry_run) return report;

  store->keys() = std::move(keys);
  auto created = apply_plan(applied, *store);
  if (!created) return std::unexpected(created.error());
  report.operator_tasks = resolve_task_tags(p->operator_tasks, *created);
  report.key_events = key_events(applied, *created, store->keys());
  auto notice = upcoming_ds_request(store->keys(), request.policy, request.origin.to_string(), request.now);
  if (!notice) return std::unexpected(notice.error());
  report.notice = std::move(*notice);
  if (auto c = store->commit(); !c) return std::unexpected(c.error());
  return report;
}

}  // namespace zs
