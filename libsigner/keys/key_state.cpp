#include "keys/key_state.hpp"

#include <algorithm>
#include <stdexcept>

#include "keys/key_store.hpp"

namespace zs {

namespace {

using Mask = std::uint64_t;

bool present_in(const RecordStatus& r, UnixTime version) {
  switch (r.state) {
    case RecordState::hidden: return false;
    case RecordState::omnipresent: return true;
    case RecordState::rumoured: return r.since <= version;
    case RecordState::unretentive: return r.since > version;
  }
  return false;
}

// The DS of a key in the parent's RRset as served at `version`: known present,
// known absent, or either (submitted but not confirmed, withdrawn but not
// confirmed gone: the parent acts on its own schedule).
enum class Presence { absent, present, unknown };

Presence ds_presence(const KeyState& s, UnixTime version) {
  const RecordStatus& r = s[RecordKind::ds];
  switch (r.state) {
    case RecordState::hidden: return Presence::absent;
    case RecordState::omnipresent: return Presence::present;
    case RecordState::rumoured:
      if (version < r.since) return Presence::absent;
      if (s.ds_seen && version >= std::max(*s.ds_seen, r.since)) return Presence::present;
      return Presence::unknown;
    case RecordState::unretentive:
      // Before the withdrawal the DS was there only if it had been confirmed
      // (a DS withdrawn while still unconfirmed may never have arrived).
      if (version < r.since) return s.ds_seen && version >= *s.ds_seen ? Presence::present : Presence::unknown;
      if (s.ds_withdrawn && version >= std::max(*s.ds_withdrawn, r.since)) return Presence::absent;
      return Presence::unknown;
  }
  return Presence::unknown;
}

// The moments at which a version could differ from the one before: the start
// of the window and every change inside it.
std::vector<UnixTime> version_times(std::span<const KeyView> keys, std::initializer_list<RecordKind> kinds,
                                    Duration window, UnixTime now, bool with_ds_events) {
  const UnixTime start = now - window;
  std::vector<UnixTime> times{start};
  auto add = [&](UnixTime t) {
    if (t > start && t <= now) times.push_back(t);
  };
  for (const auto& k : keys) {
    for (RecordKind kind : kinds)
      if (k.state[kind].state != RecordState::hidden) add(k.state[kind].since);
    if (with_ds_events) {
      if (k.state.ds_seen) add(*k.state.ds_seen);
      if (k.state.ds_withdrawn) add(*k.state.ds_withdrawn);
    }
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return times;
}

struct DnskeyVersion {
  UnixTime at;
  Mask dnskey;
  Mask krrsig;
};
struct DsVersion {
  UnixTime at;
  Mask present;
  Mask unknown;
};

std::vector<std::uint16_t> tags_of(std::span<const KeyView> keys, Mask mask) {
  std::vector<std::uint16_t> out;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (mask & (Mask{1} << i)) out.push_back(keys[i].tag);
  return out;
}

}  // namespace

std::string_view record_kind_name(RecordKind kind) noexcept {
  switch (kind) {
    case RecordKind::dnskey: return "dnskey";
    case RecordKind::krrsig: return "krrsig";
    case RecordKind::zrrsig: return "zrrsig";
    case RecordKind::ds: return "ds";
  }
  return "?";
}

std::string_view record_state_name(RecordState state) noexcept {
  switch (state) {
    case RecordState::hidden: return "hidden";
    case RecordState::rumoured: return "rumoured";
    case RecordState::omnipresent: return "omnipresent";
    case RecordState::unretentive: return "unretentive";
  }
  return "?";
}

const std::string& record_event_name(RecordKind kind, RecordState state) {
  // Built once: the rollover planner looks these names up in every key's timestamps
  // thousands of times per run, and most are too long for a string's inline buffer.
  static const auto names = [] {
    std::array<std::string, 16> all;
    for (RecordKind k : all_record_kinds)
      for (RecordState st : {RecordState::hidden, RecordState::rumoured, RecordState::omnipresent,
                             RecordState::unretentive})
        all[static_cast<std::size_t>(k) * 4 + static_cast<std::size_t>(st)] =
            std::string(record_kind_name(k)) + "-" + std::string(record_state_name(st));
    return all;
  }();
  return names[static_cast<std::size_t>(kind) * 4 + static_cast<std::size_t>(state)];
}

bool record_applies(Role role, RecordKind kind) noexcept {
  switch (kind) {
    case RecordKind::dnskey: return true;
    case RecordKind::krrsig:
    case RecordKind::ds: return role != Role::zsk;
    case RecordKind::zrrsig: return role != Role::ksk;
  }
  return false;
}

namespace {

// A record event's kind and state from its timestamp name ("dnskey-rumoured"); nullopt for
// the key's own events ("created", "ds-seen", ...).
std::optional<std::pair<RecordKind, RecordState>> parse_record_event(std::string_view name) {
  for (RecordKind kind : all_record_kinds) {
    const std::string_view k = record_kind_name(kind);
    if (name.size() <= k.size() || name.substr(0, k.size()) != k || name[k.size()] != '-') continue;
    const std::string_view rest = name.substr(k.size() + 1);
    for (RecordState st : {RecordState::hidden, RecordState::rumoured, RecordState::omnipresent,
                           RecordState::unretentive})
      if (rest == record_state_name(st)) return std::pair{kind, st};
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

KeyState key_state(const KeyInfo& info, UnixTime now) {
  // One pass over the key's timestamps: the rollover planner calls this for every key at
  // every simulated run, and looking each event name up in the map cost most of a plan.
  std::optional<UnixTime> created, removed, retired, active, ds_seen, ds_withdrawn;
  bool has_created = false, planned = false, any_event = false;
  // reached[kind][state]: the time the record entered that state, if at or before `now`.
  std::array<std::array<std::optional<UnixTime>, 4>, 4> reached{};
  for (const auto& [name, at] : info.timestamps) {
    const std::optional<UnixTime> by_now = at <= now ? std::optional<UnixTime>(at) : std::nullopt;
    if (auto ev = parse_record_event(name)) {
      if (!record_applies(info.role, ev->first)) continue;
      // A record event dated after `now` still marks a key managed by the planner.
      any_event = true;
      reached[static_cast<std::size_t>(ev->first)][static_cast<std::size_t>(ev->second)] = by_now;
    } else if (name == "created") {
      has_created = true;
      created = by_now;
    } else if (name == "removed") {
      removed = by_now;
    } else if (name == "retired") {
      retired = by_now;
    } else if (name == "active") {
      active = by_now;
    } else if (name == "ds-seen") {
      ds_seen = by_now;
    } else if (name == "ds-withdrawn") {
      ds_withdrawn = by_now;
    } else if (name == "planned") {
      planned = true;
    }
  }

  KeyState s;
  s.exists = created.has_value() || !has_created;
  if (!s.exists) return s;
  s.removed = removed.has_value();
  s.retired = retired;
  s.goal = s.retired ? KeyGoal::hidden : KeyGoal::omnipresent;
  s.active = active;
  s.ds_seen = ds_seen;
  s.ds_withdrawn = ds_withdrawn;
  if (s.removed) return s;  // every record hidden

  bool any_reached = false;
  for (RecordKind kind : all_record_kinds) {
    if (!record_applies(info.role, kind)) continue;
    // The latest stage reached wins; a record never goes back. An event after `now` has
    // not happened yet at `now`; the "hidden" event is the final one (the first hidden
    // state has no event).
    for (RecordState st : {RecordState::hidden, RecordState::unretentive, RecordState::omnipresent,
                           RecordState::rumoured}) {
      if (auto t = reached[static_cast<std::size_t>(kind)][static_cast<std::size_t>(st)]) {
        s[kind] = RecordStatus{st, *t};
        any_reached = true;
        break;
      }
    }
  }
  any_event = any_event || any_reached;
  if (!any_event && created && !planned) {
    // A key from before rollovers: the zone published it (and its CDS) when
    // it was created. Rumoured is the safe reading: it becomes omnipresent
    // after the cache windows have passed.
    s.legacy = true;
    for (RecordKind kind : all_record_kinds)
      if (record_applies(info.role, kind)) s[kind] = RecordStatus{RecordState::rumoured, *created};
    if (!s.active) s.active = created;
  }
  return s;
}

Duration CacheWindows::window(RecordKind kind) const noexcept {
  switch (kind) {
    case RecordKind::dnskey:
    case RecordKind::krrsig: return dnskey;
    case RecordKind::zrrsig: return zone;
    case RecordKind::ds: return ds;
  }
  return 0;
}

std::optional<UnixTime> window_end(const KeyState& s, RecordKind kind, const CacheWindows& w) {
  const RecordStatus& r = s[kind];
  if (r.state == RecordState::rumoured) {
    if (kind != RecordKind::ds) return r.since + w.introduce(kind);
    if (s.ds_seen && *s.ds_seen >= r.since) return *s.ds_seen + w.introduce(kind);
  }
  if (r.state == RecordState::unretentive) {
    if (kind != RecordKind::ds) return r.since + w.retire(kind);
    if (s.ds_withdrawn && *s.ds_withdrawn >= r.since) return *s.ds_withdrawn + w.retire(kind);
  }
  return std::nullopt;
}

CacheWindows cache_windows(const Policy& p) {
  CacheWindows w;
  w.dnskey = p.ttl.dnskey + p.delays.zone_propagation;
  // Zone signatures cover CDS/CDNSKEY too, which carry the DNSKEY TTL.
  w.zone = std::max(p.ttl.zone_max, p.ttl.dnskey) + p.delays.zone_propagation;
  w.ds = p.ttl.parent_ds + p.delays.parent_propagation;
  w.publish_safety = p.delays.publish_safety;
  w.retire_safety = p.delays.retire_safety;
  return w;
}

std::string ValidationGap::to_string() const {
  std::string text = "DS set {";
  for (std::size_t i = 0; i < ds.size(); ++i) text += (i ? " " : "") + std::to_string(ds[i]);
  text += "} (parent, " + format_time(ds_version) + "), DNSKEY RRset of " + format_time(dnskey_version) +
          ", zone RRset of " + format_time(zone_version) + ": " + reason;
  return text;
}

std::optional<ValidationGap> find_validation_gap(std::span<const KeyView> keys, const CacheWindows& windows,
                                                 UnixTime now) {
  if (keys.size() > 64) throw std::logic_error("validation model: more than 64 live keys");
  // Per-algorithm masks, so each rule is a few AND operations.
  std::vector<std::pair<Algorithm, Mask>> algorithms;
  bool secure = false;  // some DS has reached every cache: an empty DS set is now a downgrade
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const Mask bit = Mask{1} << i;
    auto it = std::find_if(algorithms.begin(), algorithms.end(),
                           [&](const auto& a) { return a.first == keys[i].algorithm; });
    if (it == algorithms.end()) algorithms.emplace_back(keys[i].algorithm, bit);
    else it->second |= bit;
    auto ds = keys[i].state[RecordKind::ds].state;
    secure |= ds == RecordState::omnipresent || ds == RecordState::unretentive;
  }

  // The safety margins widen the windows (the smaller one, so that a record
  // declared omnipresent or hidden by its own timing is so in this model too).
  const Duration margin = std::min(windows.publish_safety, windows.retire_safety);
  std::vector<DnskeyVersion> dnskeys;
  for (UnixTime v :
       version_times(keys, {RecordKind::dnskey, RecordKind::krrsig}, windows.dnskey + margin, now, false)) {
    DnskeyVersion d{v, 0, 0};
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (present_in(keys[i].state[RecordKind::dnskey], v)) d.dnskey |= Mask{1} << i;
      if (present_in(keys[i].state[RecordKind::krrsig], v)) d.krrsig |= Mask{1} << i;
    }
    dnskeys.push_back(d);
  }
  std::vector<std::pair<UnixTime, Mask>> zones;
  for (UnixTime v : version_times(keys, {RecordKind::zrrsig}, windows.zone + margin, now, false)) {
    Mask m = 0;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (present_in(keys[i].state[RecordKind::zrrsig], v)) m |= Mask{1} << i;
    zones.emplace_back(v, m);
  }
  std::vector<DsVersion> dss;
  for (UnixTime v : version_times(keys, {RecordKind::ds}, windows.ds + margin, now, true)) {
    DsVersion d{v, 0, 0};
    for (std::size_t i = 0; i < keys.size(); ++i) {
      switch (ds_presence(keys[i].state, v)) {
        case Presence::present: d.present |= Mask{1} << i; break;
        case Presence::unknown: d.unknown |= Mask{1} << i; break;
        case Presence::absent: break;
      }
    }
    dss.push_back(d);
  }

  // The zone as published at `now` must validate by itself, whatever the
  // parent serves: `sign` refuses to write one that does not (its
  // self-check), and a zone that is not secure yet becomes secure later, so
  // an empty DS set excuses only the mixtures of versions that caches hold
  // (a resolver without a DS validates none of them). This is what keeps a
  // key whose lifetime ended during a long pause signing until its
  // successor may.
  {
    DnskeyVersion k{now, 0, 0};
    Mask zone = 0;
    bool ever_signed = false;  // a zone that was signed stays signed: its DNSKEY RRset is never empty
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const Mask bit = Mask{1} << i;
      if (present_in(keys[i].state[RecordKind::dnskey], now)) k.dnskey |= bit;
      if (present_in(keys[i].state[RecordKind::krrsig], now)) k.krrsig |= bit;
      if (present_in(keys[i].state[RecordKind::zrrsig], now)) zone |= bit;
      for (RecordKind kind : all_record_kinds) ever_signed |= keys[i].state[kind].state != RecordState::hidden;
    }
    if (ever_signed && k.dnskey == 0)
      return ValidationGap{now, {}, now, now, "the zone as published now has no DNSKEY RRset"};
    for (const auto& [alg, mask] : algorithms) {
      if (!(k.dnskey & mask)) continue;
      const std::string name = algorithm_name(alg);
      std::string why;
      if (!(k.dnskey & k.krrsig & mask)) why = "the DNSKEY RRset is not signed with algorithm " + name;
      else if (!(k.dnskey & zone & mask)) why = "the zone RRset is not signed by a published key of algorithm " + name;
      if (!why.empty())
        return ValidationGap{now, {}, now, now, "the zone as published now does not validate by itself: " + why};
    }
  }

  auto check = [&](Mask ds, const DnskeyVersion& k, Mask zone) -> std::optional<std::string> {
    if (ds == 0)
      return secure ? std::optional<std::string>("no DS at all, after the zone was secure") : std::nullopt;
    for (const auto& [alg, mask] : algorithms) {
      const bool in_ds = (ds & mask) != 0;
      const bool in_dnskey = (k.dnskey & mask) != 0;
      if (!in_ds && !in_dnskey) continue;
      const std::string name = algorithm_name(alg);
      if (in_ds && !(ds & k.dnskey & k.krrsig & mask))
        return "no DS of algorithm " + name + " leads to a key that signs the DNSKEY RRset";
      if (!(k.dnskey & k.krrsig & mask)) return "the DNSKEY RRset is not signed with algorithm " + name;
      if (!(k.dnskey & zone & mask)) return "the zone RRset is not signed by a published key of algorithm " + name;
    }
    return std::nullopt;
  };

  for (const auto& d : dss) {
    // Every choice of the uncertain DS records, the empty choice included.
    for (Mask sub = d.unknown;; sub = (sub - 1) & d.unknown) {
      const Mask ds = d.present | sub;
      for (const auto& k : dnskeys)
        for (const auto& [zv, zone] : zones)
          if (auto why = check(ds, k, zone))
            return ValidationGap{d.at, tags_of(keys, ds), k.at, zv, std::move(*why)};
      if (sub == 0) break;
    }
  }
  return std::nullopt;
}

std::optional<ValidationGap> find_validation_gap(const std::vector<KeyInfo>& keys, const Policy& policy,
                                                 UnixTime now) {
  std::vector<KeyView> views;
  for (const auto& k : keys) {
    KeyState s = key_state(k, now);
    if (!s.exists || s.removed) continue;
    views.push_back(KeyView{k.tag, k.role, k.algorithm, s});
  }
  return find_validation_gap(views, cache_windows(policy), now);
}

PublishedSet published_set(const std::vector<KeyInfo>& keys, UnixTime now) {
  PublishedSet out;
  for (const auto& k : keys) {
    KeyState s = key_state(k, now);
    if (!s.exists || s.removed) continue;
    if (s.published(RecordKind::dnskey)) out.dnskey.push_back(k.tag);
    if (s.published(RecordKind::krrsig)) out.sign_dnskey.push_back(k.tag);
    if (s.published(RecordKind::zrrsig)) out.sign_zone.push_back(k.tag);
    if (s.published(RecordKind::ds)) out.cds.push_back(k.tag);
  }
  return out;
}

}  // namespace zs
