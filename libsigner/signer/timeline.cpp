#include "signer/timeline.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <set>

#include "keys/key_state.hpp"
#include "keys/rollover.hpp"

namespace zs {

namespace {

constexpr int max_months = 120;
// A plan is for people to read; a run-interval of seconds over years would
// take minutes of planning and say nothing more.
constexpr std::int64_t max_runs = 200000;
// Confirmations due at the moment of a run make the run plan again (the
// operator's `rollover --ds-seen` is a run of its own); bounded because each
// pass can only confirm what the previous pass asked for.
constexpr int max_passes_per_moment = 8;

constexpr std::array<TimelineEventKind, 11> all_event_kinds = {
    TimelineEventKind::created,          TimelineEventKind::dnskey_published, TimelineEventKind::signing_starts,
    TimelineEventKind::ds_submitted,     TimelineEventKind::ds_seen,          TimelineEventKind::retired,
    TimelineEventKind::signing_stops,    TimelineEventKind::ds_withdrawal,    TimelineEventKind::ds_withdrawn,
    TimelineEventKind::dnskey_withdrawn, TimelineEventKind::removed};

RecordKind signing_record(Role role) { return role == Role::ksk ? RecordKind::krrsig : RecordKind::zrrsig; }

std::optional<UnixTime> stamp(const KeyInfo& key, const std::string& name) {
  auto it = key.timestamps.find(name);
  if (it == key.timestamps.end()) return std::nullopt;
  return it->second;
}

// The stored event that marks `kind` for `key`, if the key has it.
std::optional<UnixTime> event_time(const KeyInfo& key, TimelineEventKind kind) {
  switch (kind) {
    case TimelineEventKind::created: return stamp(key, "created");
    case TimelineEventKind::dnskey_published:
      return stamp(key, record_event_name(RecordKind::dnskey, RecordState::rumoured));
    case TimelineEventKind::signing_starts: return stamp(key, "active");
    case TimelineEventKind::ds_submitted:
      if (!record_applies(key.role, RecordKind::ds)) return std::nullopt;
      return stamp(key, "ds-submitted");
    case TimelineEventKind::ds_seen: return stamp(key, "ds-seen");
    case TimelineEventKind::retired: return stamp(key, "retired");
    case TimelineEventKind::signing_stops:
      return stamp(key, record_event_name(signing_record(key.role), RecordState::unretentive));
    case TimelineEventKind::ds_withdrawal:
      if (!record_applies(key.role, RecordKind::ds)) return std::nullopt;
      return stamp(key, record_event_name(RecordKind::ds, RecordState::unretentive));
    case TimelineEventKind::ds_withdrawn: return stamp(key, "ds-withdrawn");
    case TimelineEventKind::dnskey_withdrawn:
      return stamp(key, record_event_name(RecordKind::dnskey, RecordState::unretentive));
    case TimelineEventKind::removed: return stamp(key, "removed");
  }
  return std::nullopt;
}

std::optional<TimelinePeriod> period(std::optional<UnixTime> from, std::optional<UnixTime> to) {
  if (!from) return std::nullopt;
  // An end before the start belongs to an earlier cycle of the record (a
  // state file edited by hand): the period is still open.
  if (to && *to < *from) to.reset();
  return TimelinePeriod{*from, to};
}

TimelineKey lane_of(const KeyInfo& key, std::string label, bool assumed) {
  TimelineKey lane;
  lane.label = std::move(label);
  if (!assumed) lane.tag = key.tag;
  lane.role = key.role;
  lane.algorithm = key.algorithm;
  auto ev = [&key](RecordKind r, RecordState s) { return stamp(key, record_event_name(r, s)); };
  lane.published =
      period(ev(RecordKind::dnskey, RecordState::rumoured), ev(RecordKind::dnskey, RecordState::unretentive));
  lane.cached = period(ev(RecordKind::dnskey, RecordState::unretentive), ev(RecordKind::dnskey, RecordState::hidden));
  const RecordKind sig = signing_record(key.role);
  lane.signing = period(ev(sig, RecordState::rumoured), ev(sig, RecordState::unretentive));
  if (record_applies(key.role, RecordKind::ds)) {
    // A request ends when the parent serves the DS, or when the zone stops
    // asking for it before that.
    auto requested_until = stamp(key, "ds-seen");
    if (!requested_until) requested_until = ev(RecordKind::ds, RecordState::unretentive);
    lane.ds_requested = period(ev(RecordKind::ds, RecordState::rumoured), requested_until);
    lane.ds = period(stamp(key, "ds-seen"), stamp(key, "ds-withdrawn"));
  }
  return lane;
}

struct Confirmation {
  UnixTime at = 0;
  std::uint16_t tag = 0;
  OperatorTaskKind kind = OperatorTaskKind::submit_ds;
};

}  // namespace

std::string_view timeline_event_name(TimelineEventKind kind) noexcept {
  switch (kind) {
    case TimelineEventKind::created: return "created";
    case TimelineEventKind::dnskey_published: return "dnskey-published";
    case TimelineEventKind::signing_starts: return "signing-starts";
    case TimelineEventKind::ds_submitted: return "ds-submitted";
    case TimelineEventKind::ds_seen: return "ds-seen";
    case TimelineEventKind::retired: return "retired";
    case TimelineEventKind::signing_stops: return "signing-stops";
    case TimelineEventKind::ds_withdrawal: return "ds-withdrawal";
    case TimelineEventKind::ds_withdrawn: return "ds-withdrawn";
    case TimelineEventKind::dnskey_withdrawn: return "dnskey-withdrawn";
    case TimelineEventKind::removed: return "removed";
  }
  return "?";
}

bool timeline_event_is_task(TimelineEventKind kind) noexcept {
  return kind == TimelineEventKind::ds_submitted || kind == TimelineEventKind::ds_withdrawal;
}

UnixTime add_months(UnixTime t, int months) {
  using namespace std::chrono;
  const sys_seconds tp{seconds{t}};
  const sys_days day = floor<days>(tp);
  const seconds time_of_day = tp - day;
  year_month_day ymd = year_month_day{day} + std::chrono::months{months};
  sys_days target = ymd.ok() ? sys_days{ymd} : sys_days{ymd.year() / ymd.month() / last};
  return (target + time_of_day).time_since_epoch().count();
}

UnixTime month_start(UnixTime t) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_seconds{seconds{t}})};
  return duration_cast<seconds>(sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch()).count();
}

Result<Timeline> simulate_timeline(const std::vector<KeyInfo>& stored, const Policy& policy, const std::string& zone,
                                   UnixTime now, int months, const TimelineLimits& limits) {
  if (months < 1 || months > max_months)
    return fail(Errc::usage, "--months: " + std::to_string(months) + " is not between 1 and " +
                                 std::to_string(max_months));
  if (policy.run_interval <= 0) return fail(Errc::usage, "run-interval must be positive to plan");
  Timeline tl;
  tl.zone = zone;
  tl.now = now;
  tl.start = month_start(now);
  tl.end = add_months(now, months);
  if (limits.end) tl.end = std::min(tl.end, std::max(*limits.end, now + 1));
  tl.months = months;
  tl.run_interval = policy.run_interval;
  tl.parent_delay = policy.delays.parent_propagation;
  if ((tl.end - now) / policy.run_interval > max_runs)
    return fail(Errc::usage, "a plan of " + std::to_string(months) + " months with run-interval " +
                                 format_duration(policy.run_interval) + " would simulate more than " +
                                 std::to_string(max_runs) + " runs: ask for fewer months");

  // The planner's working list. Removed keys are history (the planner skips
  // them) and leave it, so a policy with hour-long lifetimes does not make
  // every later run walk thousands of dead keys.
  std::vector<KeyInfo> keys = stored;
  struct Meta {
    std::string label;
    bool assumed = false;
    std::size_t seq = 0;  // order of appearance: the lane order
  };
  std::vector<Meta> meta;
  std::vector<std::pair<KeyInfo, Meta>> history;
  std::size_t seq = 0;
  for (const KeyInfo& k : keys)
    meta.push_back(Meta{std::string(role_name(k.role)) + " " + std::to_string(k.tag), false, seq++});
  std::set<std::uint16_t> used;
  for (const KeyInfo& k : keys) used.insert(k.tag);
  // Made-up tags count down from the top, skipping stored ones and live
  // made-up ones, so a made-up key never shadows another in the planner's
  // by-tag references; a removed made-up key's tag may come round again
  // (the planner ignores removed keys), as it does in a long plan.
  std::uint16_t next_tag = 65535;
  std::array<int, 3> per_role{};
  const KeyFactory make = [&](const NewKey& nk, UnixTime t) -> Result<std::uint16_t> {
    for (int tries = 0; used.contains(next_tag) || next_tag == 0; ++tries) {
      if (tries > 65536) return fail(Errc::internal, "the plan ran out of placeholder key tags");
      next_tag = next_tag == 0 ? 65535 : static_cast<std::uint16_t>(next_tag - 1);
    }
    KeyInfo k;
    k.role = nk.role;
    k.algorithm = nk.algorithm;
    k.bits = nk.bits;
    k.tag = next_tag;
    k.flags = nk.role == Role::zsk ? dnskey_flag_zone : static_cast<std::uint16_t>(dnskey_flag_zone | dnskey_flag_sep);
    k.timestamps["created"] = t;
    used.insert(k.tag);
    const int n = ++per_role[static_cast<std::size_t>(nk.role)];
    meta.push_back(Meta{std::string(role_name(nk.role)) + "#" + std::to_string(n), true, seq++});
    keys.push_back(std::move(k));
    return next_tag;
  };
  const auto prune = [&](UnixTime t) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (auto removed = stamp(keys[i], "removed"); removed && *removed <= t) {
        if (meta[i].assumed) used.erase(keys[i].tag);
        history.emplace_back(std::move(keys[i]), std::move(meta[i]));
        continue;
      }
      if (kept != i) {
        keys[kept] = std::move(keys[i]);
        meta[kept] = std::move(meta[i]);
      }
      ++kept;
    }
    keys.resize(kept);
    meta.resize(kept);
  };

  std::vector<Confirmation> pending;
  UnixTime t = now;
  while (t < tl.end) {
    std::optional<UnixTime> next_due;
    for (int pass = 0; pass < max_passes_per_moment; ++pass) {
      for (auto it = pending.begin(); it != pending.end();) {
        if (it->at > t) {
          ++it;
          continue;
        }
        // A confirmation the key no longer waits for (its DS left CDS before
        // the parent acted) is the parent following CDS: nothing to record.
        if (it->kind == OperatorTaskKind::submit_ds) (void)record_ds_seen(keys, it->tag, t);
        else (void)record_ds_withdrawn(keys, it->tag, t);
        it = pending.erase(it);
      }
      auto p = plan(keys, policy, t);
      if (!p) return std::unexpected(p.error());
      if (tl.runs == 0)
        for (const auto& task : p->operator_tasks) {
          tl.operator_tasks.push_back(task.text);
          tl.tasks.push_back(task);
        }
      auto created = apply_plan(*p, keys, make);
      if (!created) return std::unexpected(created.error());
      ++tl.runs;
      next_due = p->next_due;
      bool due_now = false;
      for (const OperatorTask& task : p->operator_tasks) {
        const std::uint16_t tag = task.key.new_key ? created->at(*task.key.new_key) : task.key.tag;
        const bool known = std::any_of(pending.begin(), pending.end(), [&](const Confirmation& c) {
          return c.tag == tag && c.kind == task.kind;
        });
        if (known) continue;
        const UnixTime at = std::max(task.since + tl.parent_delay, t);
        pending.push_back(Confirmation{at, tag, task.kind});
        due_now = due_now || at <= t;
      }
      if (!due_now) break;
    }
    if (limits.stop && limits.stop(keys, t)) break;
    prune(t);
    UnixTime next = t + policy.run_interval;
    if (next_due && *next_due > t) next = std::min(next, *next_due);
    for (const Confirmation& c : pending)
      if (c.at > t) next = std::min(next, c.at);
    t = next;
  }

  for (std::size_t i = 0; i < keys.size(); ++i) history.emplace_back(std::move(keys[i]), std::move(meta[i]));
  std::sort(history.begin(), history.end(), [](const auto& a, const auto& b) { return a.second.seq < b.second.seq; });
  for (const auto& [k, m] : history) {
    if (auto removed = stamp(k, "removed"); removed && *removed < now) continue;
    const std::size_t lane = tl.keys.size();
    tl.keys.push_back(lane_of(k, m.label, m.assumed));
    for (TimelineEventKind kind : all_event_kinds)
      if (auto at = event_time(k, kind); at && *at >= now && *at < tl.end)
        tl.events.push_back(TimelineEvent{*at, lane, kind});
  }
  std::sort(tl.events.begin(), tl.events.end(), [](const TimelineEvent& a, const TimelineEvent& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.key != b.key) return a.key < b.key;
    return a.kind < b.kind;
  });
  return tl;
}

Result<Timeline> zone_timeline(const Name& origin, const std::string& key_dir, const Policy& policy, UnixTime now,
                               int months) {
  std::error_code ec;
  const auto folder = std::filesystem::path(key_dir) / KeyStore::folder_name(origin);
  if (!std::filesystem::is_directory(folder, ec))
    return simulate_timeline({}, policy, origin.to_string(), now, months);
  // Read-only: no lock, nothing created (state.yaml is replaced atomically,
  // so a concurrent run is never read half-way).
  auto store = KeyStore::open_read_only(key_dir, origin);
  if (!store) return std::unexpected(store.error());
  return simulate_timeline(store->keys(), policy, origin.to_string(), now, months);
}

std::string timeline_event_text(TimelineEventKind kind, Role role) {
  switch (kind) {
    case TimelineEventKind::created: return "created";
    case TimelineEventKind::dnskey_published: return "DNSKEY published";
    case TimelineEventKind::signing_starts:
      return role == Role::ksk ? "starts signing the DNSKEY RRset" : "starts signing the zone";
    case TimelineEventKind::ds_submitted: return "DS in CDS: the operator submits it to the parent";
    case TimelineEventKind::ds_seen: return "DS served by the parent (assumed)";
    case TimelineEventKind::retired: return "retired";
    case TimelineEventKind::signing_stops: return "stops signing";
    case TimelineEventKind::ds_withdrawal: return "DS out of CDS: the operator withdraws it at the parent";
    case TimelineEventKind::ds_withdrawn: return "DS gone from the parent (assumed)";
    case TimelineEventKind::dnskey_withdrawn: return "DNSKEY withdrawn from the zone";
    case TimelineEventKind::removed: return "removed: it has left every cache";
  }
  return "?";
}

std::string timeline_text(const Timeline& tl) {
  std::string out = "key events for " + tl.zone + " from " + format_time(tl.now) + " to " + format_time(tl.end) +
                    " (" + std::to_string(tl.months) + " months; a run every " + format_duration(tl.run_interval) +
                    ", the parent acting " + format_duration(tl.parent_delay) + " after each DS request)\n";
  std::size_t width = 3;
  for (const auto& k : tl.keys) width = std::max(width, k.label.size());
  auto pad = [width](const std::string& s) { return s + std::string(width - s.size(), ' '); };
  if (tl.events.empty()) {
    out += "no key events\n";
  } else {
    out += "time                  " + pad("key") + "  event\n";
    for (const auto& e : tl.events) {
      const TimelineKey& k = tl.keys[e.key];
      out += format_time(e.at) + "  " + pad(k.label) + "  " + timeline_event_text(e.kind, k.role) + "\n";
    }
  }
  if (std::any_of(tl.keys.begin(), tl.keys.end(), [](const TimelineKey& k) { return !k.tag; }))
    out += "keys named with a # (zsk#1) do not exist yet: the plan assumes them; their tags are chosen when they "
           "are made\n";
  for (const auto& t : tl.operator_tasks) out += "action needed now: " + t + "\n";
  return out;
}

}  // namespace zs
