// Timelines of the rollover planner with injected times: every 6 hours over
// months or years, the planner's actions are applied, the published key set
// is recorded as the zone a run would write, and a parent emulator adopts the
// CDS set after a delay, after which the "operator" confirms it with
// --ds-seen / --ds-withdrawn. At every step an independent resolver-cache
// model (built from the recorded history, not from the planner's states)
// checks that every DS, DNSKEY and zone RRset version a cache could still hold
// validates together, and at the end each key's active lifetime is compared
// with the policy.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "keys/key_state.hpp"
#include "keys/key_store.hpp"
#include "keys/rollover.hpp"
#include "policy/lint.hpp"

using namespace zs;

namespace {

constexpr Duration hour = 3600;
constexpr Duration day = 86400;
constexpr UnixTime t0 = 1767225600;  // 2026-01-01T00:00:00Z

using TagSet = std::set<std::uint16_t>;

struct ZoneVersion {
  UnixTime at = 0;
  TagSet dnskey, sign_dnskey, sign_zone, cds;
};

TagSet to_set(const std::vector<std::uint16_t>& v) { return TagSet(v.begin(), v.end()); }

// The versions a cache can hold at `now` out of a history of (time published,
// value): those published within the window and the one live at its start.
template <class T>
std::vector<const T*> cached(const std::vector<std::pair<UnixTime, T>>& history, UnixTime now, Duration window) {
  std::vector<const T*> out;
  const T* live_at_start = nullptr;
  for (const auto& [at, value] : history) {
    if (at > now) break;
    if (at <= now - window) live_at_start = &value;
    else out.push_back(&value);
  }
  if (live_at_start) out.push_back(live_at_start);
  return out;
}

struct Sim {
  Policy policy;
  Duration step = 6 * hour;
  Duration parent_delay = 6 * hour;  // from a CDS change to the parent adopting it
  UnixTime now = t0;
  std::vector<KeyInfo> keys;
  std::uint16_t next_tag = 1000;

  std::vector<std::pair<UnixTime, ZoneVersion>> zone;   // what each run published
  // The DS set at the parent; `second.second`: a DS set was there before, so
  // an empty set now would be a downgrade to insecure.
  std::vector<std::pair<UnixTime, std::pair<TagSet, bool>>> parent{{t0 - 30 * day, {{}, false}}};
  UnixTime cds_changed = t0;
  std::vector<std::pair<UnixTime, std::uint16_t>> to_confirm_seen, to_confirm_withdrawn;

  std::map<std::uint16_t, Algorithm> algorithms;  // every key ever made, committed or not
  std::size_t crash_every = 0;  // every Nth run dies after writing the zone, before the key state
  std::optional<std::pair<UnixTime, Policy>> policy_change;  // the operator edits the policy then

  std::size_t steps = 0, gaps = 0, operator_steps = 0, stale_ds = 0;
  std::string first_gap;
  // The kinds of key step the last run made ("create", "retire", "remove",
  // or a record event such as "dnskey-rumoured").
  std::set<std::string> last_steps;

  explicit Sim(Policy p) : policy(std::move(p)) {
    // The unsigned zone before the first run: cached answers without signatures.
    zone.push_back({t0 - 30 * day, ZoneVersion{t0 - 30 * day, {}, {}, {}, {}}});
  }

  Algorithm algorithm_of(std::uint16_t tag) const {
    auto it = algorithms.find(tag);
    REQUIRE(it != algorithms.end());
    return it->second;
  }

  KeyFactory factory() {
    return [this](const NewKey& nk, UnixTime t) -> Result<std::uint16_t> {
      KeyInfo k;
      k.role = nk.role;
      k.algorithm = nk.algorithm;
      k.tag = next_tag++;
      k.flags = static_cast<std::uint16_t>(nk.role == Role::zsk ? 256 : 257);
      k.timestamps["created"] = t;
      algorithms[k.tag] = k.algorithm;
      keys.push_back(k);
      return k.tag;
    };
  }

  // The parent emulator: adopts the zone's CDS set `parent_delay` after it
  // changed (while no run happens too: the parent does not wait for our
  // cron); the operator confirms at the first run once every parent server
  // has it.
  void parent_step() {
    const TagSet& cds = zone.back().second.cds;
    const TagSet& at_parent = parent.back().second.first;
    if (cds != at_parent && now >= cds_changed + parent_delay) {
      const UnixTime at = std::max(cds_changed + parent_delay, parent.back().first);
      for (auto t : cds)
        if (!at_parent.contains(t)) to_confirm_seen.push_back({at + policy.delays.parent_propagation, t});
      for (auto t : at_parent)
        if (!cds.contains(t)) to_confirm_withdrawn.push_back({at + policy.delays.parent_propagation, t});
      const bool was_secure = parent.back().second.second || !at_parent.empty();
      parent.push_back({at, {cds, was_secure}});
    }
    for (auto* list : {&to_confirm_seen, &to_confirm_withdrawn}) {
      for (auto it = list->begin(); it != list->end();) {
        if (it->first > now) {
          ++it;
          continue;
        }
        // A DS of a key lost in a crashed run is a stale extra at the parent:
        // nothing to confirm (the parent drops it when it follows CDS again).
        const bool known = std::any_of(keys.begin(), keys.end(), [&](const KeyInfo& k) { return k.tag == it->second; });
        if (known) {
          auto r = list == &to_confirm_seen ? record_ds_seen(keys, it->second, now)
                                            : record_ds_withdrawn(keys, it->second, now);
          REQUIRE_MESSAGE(r, r.error().message);
        } else {
          ++stale_ds;
        }
        it = list->erase(it);
      }
    }
  }

  bool validates(const std::pair<TagSet, bool>& parent_version, const ZoneVersion& k, const ZoneVersion& z,
                 std::string& why) const {
    const TagSet& ds = parent_version.first;
    if (ds.empty()) {
      why = "empty DS set after the zone was secure";
      return !parent_version.second;
    }
    std::set<Algorithm> algs;
    for (auto t : ds) algs.insert(algorithm_of(t));
    for (auto t : k.dnskey) algs.insert(algorithm_of(t));
    for (Algorithm a : algs) {
      bool ds_path = false, any_ds = false, signed_keys = false, signed_zone = false;
      for (auto t : ds) {
        if (algorithm_of(t) != a) continue;
        any_ds = true;
        ds_path |= k.dnskey.contains(t) && k.sign_dnskey.contains(t);
      }
      for (auto t : k.dnskey) {
        if (algorithm_of(t) != a) continue;
        signed_keys |= k.sign_dnskey.contains(t);
        signed_zone |= z.sign_zone.contains(t);
      }
      if (any_ds && !ds_path) {
        why = "no DS path for algorithm " + algorithm_name(a);
        return false;
      }
      if (!signed_keys || !signed_zone) {
        why = "algorithm " + algorithm_name(a) + " does not sign everything";
        return false;
      }
    }
    return true;
  }

  // What `sign` checks before it writes (its self-check): the zone as
  // published validates by itself, whatever the parent serves, since a
  // zone not yet secure becomes secure later. Every algorithm in the DNSKEY
  // RRset has a key there that signs it and one that signs the zone.
  bool whole(const ZoneVersion& v, std::string& why) const {
    if (v.dnskey.empty()) {
      why = "no DNSKEY";
      return false;
    }
    std::set<Algorithm> algs;
    for (auto t : v.dnskey) algs.insert(algorithm_of(t));
    for (Algorithm a : algs) {
      bool signs_keys = false, signs_zone = false;
      for (auto t : v.dnskey) {
        if (algorithm_of(t) != a) continue;
        signs_keys |= v.sign_dnskey.contains(t);
        signs_zone |= v.sign_zone.contains(t);
      }
      if (!signs_keys || !signs_zone) {
        why = "algorithm " + algorithm_name(a) + (signs_keys ? " signs no zone RRset" : " does not sign DNSKEY");
        return false;
      }
    }
    return true;
  }

  void check_caches() {
    const Duration ds_window = policy.ttl.parent_ds + policy.delays.parent_propagation;
    const Duration dnskey_window = policy.ttl.dnskey + policy.delays.zone_propagation;
    const Duration zone_window = std::max(policy.ttl.zone_max, policy.ttl.dnskey) + policy.delays.zone_propagation;
    // The latest parent change may not have reached every parent server: the
    // DS window includes the propagation delay, so it is covered.
    for (const auto* ds : cached(parent, now, ds_window))
      for (const ZoneVersion* k : cached(zone, now, dnskey_window))
        for (const ZoneVersion* z : cached(zone, now, zone_window)) {
          std::string why;
          if (!validates(*ds, *k, *z, why)) {
            if (gaps++ == 0)
              first_gap = format_time(now) + ": DNSKEY of " + format_time(k->at) + ", zone of " + format_time(z->at) +
                          ": " + why;
          }
        }
  }

  void run(const PlanOptions& options = {}) {
    if (policy_change && now >= policy_change->first) {
      policy = policy_change->second;
      policy_change.reset();
    }
    parent_step();
    const std::vector<KeyInfo> committed = keys;
    auto p = plan(keys, policy, now, options);
    REQUIRE_MESSAGE(p, p.error().message);
    CHECK_MESSAGE(!p->existing_gap, p->existing_gap->to_string());
    if (p->next_due) CHECK(*p->next_due > now);
    auto applied = apply_plan(*p, keys, factory());
    REQUIRE_MESSAGE(applied, applied.error().message);
    if (p->operator_must_act()) ++operator_steps;
    // The planner's own model must agree that the published state is safe.
    if (auto gap = find_validation_gap(keys, policy, now)) CHECK_MESSAGE(false, gap->to_string());
    last_steps.clear();
    for (const Action& a : p->actions) {
      switch (a.kind) {
        case ActionKind::create: last_steps.insert("create"); break;
        case ActionKind::retire: last_steps.insert("retire"); break;
        case ActionKind::remove: last_steps.insert("remove"); break;
        case ActionKind::transition: last_steps.insert(record_event_name(a.record, a.to)); break;
        case ActionKind::adopt: break;
      }
    }
    PublishedSet pub = published_set(keys, now);
    ZoneVersion v{now, to_set(pub.dnskey), to_set(pub.sign_dnskey), to_set(pub.sign_zone), to_set(pub.cds)};
    if (std::string why; !whole(v, why) && gaps++ == 0)
      first_gap = format_time(now) + ": the zone this run writes does not validate by itself: " + why;
    if (v.cds != zone.back().second.cds) cds_changed = now;
    zone.push_back({now, v});
    // A crash between writing the zone and committing the key state: the
    // zone is out, the state is the previous one.
    if (crash_every && steps % crash_every == crash_every - 1) keys = committed;
    check_caches();
    ++steps;
  }

  void run_until(UnixTime end) {
    while (now < end) {
      run();
      now += step;
    }
  }

  std::vector<const KeyInfo*> keys_of(Role role) const {
    std::vector<const KeyInfo*> out;
    for (const auto& k : keys)
      if (k.role == role) out.push_back(&k);
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->timestamps.at("created") < b->timestamps.at("created"); });
    return out;
  }

  std::size_t removed(Role role) const {
    std::size_t n = 0;
    for (auto* k : keys_of(role)) n += k->timestamps.contains("removed");
    return n;
  }

  // Each key's active lifetime (its "active" to its successor's) against the
  // policy: within one step, plus `extra` for waits on the parent.
  void check_lifetimes(Role role, Duration extra = 0) const {
    const KeyPolicy* kp = policy.key_for(role);
    REQUIRE(kp);
    REQUIRE(kp->lifetime);
    auto list = keys_of(role);
    std::size_t measured = 0;
    for (std::size_t i = 0; i + 1 < list.size(); ++i) {
      if (!list[i]->timestamps.contains("active") || !list[i + 1]->timestamps.contains("active")) continue;
      const Duration life = list[i + 1]->timestamps.at("active") - list[i]->timestamps.at("active");
      CHECK_MESSAGE(life >= *kp->lifetime - step, role_name(role) << " " << list[i]->tag << " lived " << life);
      CHECK_MESSAGE(life <= *kp->lifetime + step + extra, role_name(role) << " " << list[i]->tag << " lived " << life);
      ++measured;
    }
    if (list.size() >= 3) CHECK(measured >= 1);
  }

  std::size_t live(Role role) const {
    std::size_t n = 0;
    for (auto* k : keys_of(role)) n += !k->timestamps.contains("removed");
    return n;
  }
};

Policy short_policy(std::vector<KeyPolicy> keys) {
  Policy p = default_policy();
  p.keys = std::move(keys);
  REQUIRE(lint_policy(p));
  return p;
}

KeyPolicy key(Role role, Duration lifetime, RolloverMethod method, Algorithm alg = Algorithm::ECDSAP256SHA256) {
  KeyPolicy k = default_key_policy(role);
  k.lifetime = lifetime;
  k.rollover = method;
  k.algorithm = alg;
  return k;
}

}  // namespace

TEST_CASE("ZSK pre-publish and KSK double-KSK roll for two years without a validation gap") {
  Sim sim(short_policy({key(Role::ksk, 120 * day, RolloverMethod::double_ksk),
                        key(Role::zsk, 30 * day, RolloverMethod::pre_publish)}));
  sim.run_until(t0 + 730 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  CHECK(sim.removed(Role::zsk) >= 22);
  CHECK(sim.removed(Role::ksk) >= 4);
  CHECK(sim.live(Role::zsk) <= 2);
  CHECK(sim.live(Role::ksk) <= 2);
  sim.check_lifetimes(Role::zsk);
  sim.check_lifetimes(Role::ksk);
  CHECK(sim.operator_steps > 0);  // every KSK rollover asks for the DS
}

TEST_CASE("ZSK double-signature rollovers keep every cache valid") {
  Sim sim(short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                        key(Role::zsk, 30 * day, RolloverMethod::double_signature)}));
  sim.run_until(t0 + 365 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  CHECK(sim.removed(Role::zsk) >= 10);
  sim.check_lifetimes(Role::zsk);
}

TEST_CASE("KSK double-DS rollovers announce the new DS first and keep every cache valid") {
  Sim sim(short_policy({key(Role::ksk, 120 * day, RolloverMethod::double_ds),
                        key(Role::zsk, 90 * day, RolloverMethod::pre_publish)}));
  sim.run_until(t0 + 730 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  CHECK(sim.removed(Role::ksk) >= 4);
  // The new DS waits for the parent (delay + propagation, at step granularity).
  sim.check_lifetimes(Role::ksk, sim.parent_delay + sim.policy.delays.parent_propagation + 3 * sim.step);
  // Some run published a CDS naming a key absent from the DNSKEY RRset.
  bool ds_first = false;
  for (const auto& [at, v] : sim.zone)
    for (auto t : v.cds) ds_first |= !v.dnskey.contains(t);
  CHECK(ds_first);
}

TEST_CASE("CSK rollovers with double-KSK and with double-DS keep every cache valid") {
  for (RolloverMethod method : {RolloverMethod::double_ksk, RolloverMethod::double_ds}) {
    CAPTURE(rollover_method_name(method));
    Sim sim(short_policy({key(Role::csk, 60 * day, method)}));
    sim.run_until(t0 + 730 * day);
    CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
    CHECK(sim.removed(Role::csk) >= 10);
    CHECK(sim.live(Role::csk) <= 2);
    sim.check_lifetimes(Role::csk, method == RolloverMethod::double_ds
                                       ? sim.parent_delay + sim.policy.delays.parent_propagation + 3 * sim.step
                                       : 0);
  }
}

TEST_CASE("a changed policy algorithm starts an algorithm rollover that signs first and removes old keys last") {
  Sim sim(short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                        key(Role::zsk, 90 * day, RolloverMethod::pre_publish)}));
  sim.run_until(t0 + 40 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  sim.policy = short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk, Algorithm::ED25519),
                             key(Role::zsk, 90 * day, RolloverMethod::pre_publish, Algorithm::ED25519)});
  const std::size_t zone_index = sim.zone.size();
  sim.run_until(t0 + 120 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  for (const auto& k : sim.keys) {
    if (k.algorithm == Algorithm::ED25519) CHECK(!k.timestamps.contains("removed"));
    else CHECK(k.timestamps.contains("removed"));
  }
  // RFC 6781 §4.1.4: the new algorithm signed the zone before its DNSKEY was
  // published, and the old signatures outlived the old DNSKEYs.
  bool sigs_before_key = false, old_sigs_after_keys = false;
  for (std::size_t i = zone_index; i < sim.zone.size(); ++i) {
    const ZoneVersion& v = sim.zone[i].second;
    bool new_sig = false, new_key = false, old_sig = false, old_key = false;
    for (auto t : v.sign_zone) (sim.algorithm_of(t) == Algorithm::ED25519 ? new_sig : old_sig) = true;
    for (auto t : v.dnskey) (sim.algorithm_of(t) == Algorithm::ED25519 ? new_key : old_key) = true;
    sigs_before_key |= new_sig && !new_key;
    old_sigs_after_keys |= old_sig && !old_key;
  }
  CHECK(sigs_before_key);
  CHECK(old_sigs_after_keys);
}

TEST_CASE("a CSK algorithm rollover keeps every cache valid") {
  Sim sim(short_policy({key(Role::csk, 365 * day, RolloverMethod::double_ksk)}));
  sim.run_until(t0 + 20 * day);
  sim.policy = short_policy({key(Role::csk, 365 * day, RolloverMethod::double_ksk, Algorithm::ED25519)});
  sim.run_until(t0 + 80 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  REQUIRE(sim.live(Role::csk) == 1);
  CHECK(sim.removed(Role::csk) == 1);
}

TEST_CASE("an emergency ZSK rollover replaces the key at once and keeps every cache valid") {
  Sim sim(short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                        key(Role::zsk, 90 * day, RolloverMethod::pre_publish)}));
  sim.run_until(t0 + 10 * day);
  const std::uint16_t old_zsk = sim.keys_of(Role::zsk).back()->tag;
  sim.run(PlanOptions{Role::zsk});
  sim.now += sim.step;
  // Retired at once, and the successor exists.
  REQUIRE(sim.keys_of(Role::zsk).size() == 2);
  CHECK(sim.keys_of(Role::zsk).front()->timestamps.contains("retired"));
  CHECK(sim.keys_of(Role::zsk).front()->tag == old_zsk);
  sim.run_until(t0 + 30 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  CHECK(sim.removed(Role::zsk) == 1);
  // The successor signs as soon as its DNSKEY is everywhere (pre-publish).
  const KeyInfo& successor = *sim.keys_of(Role::zsk).back();
  const Duration lead = successor_lead(*sim.policy.key_for(Role::zsk), cache_windows(sim.policy));
  CHECK(successor.timestamps.at("active") - successor.timestamps.at("created") <= lead + sim.step);
}

TEST_CASE("a KSK rollover waits weeks for a slow parent and the old KSK stays until its DS is gone") {
  Sim sim(short_policy({key(Role::ksk, 120 * day, RolloverMethod::double_ksk),
                        key(Role::zsk, 90 * day, RolloverMethod::pre_publish)}));
  sim.parent_delay = 21 * day;
  sim.run_until(t0 + 400 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  CHECK(sim.removed(Role::ksk) >= 2);
  // Every retired KSK kept its DNSKEY in the zone until its successor's DS had
  // been confirmed and had reached every cache.
  auto ksks = sim.keys_of(Role::ksk);
  for (std::size_t i = 0; i + 1 < ksks.size(); ++i) {
    if (!ksks[i]->timestamps.contains("dnskey-unretentive")) continue;
    REQUIRE(ksks[i + 1]->timestamps.contains("ds-seen"));
    CHECK(ksks[i]->timestamps.at("dnskey-unretentive") >=
          ksks[i + 1]->timestamps.at("ds-seen") + sim.policy.ttl.parent_ds + sim.policy.delays.parent_propagation);
  }
  CHECK(sim.operator_steps >= 2 * 21 * 4);  // the operator was asked at every run of each wait
}

TEST_CASE("a key with an unlimited lifetime is never rolled") {
  KeyPolicy csk = default_key_policy(Role::csk);
  csk.lifetime.reset();
  Sim sim(short_policy({csk}));
  sim.run_until(t0 + 800 * day);
  CHECK(sim.keys.size() == 1);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
}

TEST_CASE("the planner creates keys ahead of the lifetime end by the successor's lead time") {
  Policy p = short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                           key(Role::zsk, 30 * day, RolloverMethod::pre_publish)});
  Sim sim(p);
  sim.run_until(t0 + 5 * day);
  const KeyInfo zsk = *sim.keys_of(Role::zsk).front();
  const UnixTime active = zsk.timestamps.at("active");
  const Duration lead = successor_lead(*p.key_for(Role::zsk), cache_windows(p));
  CHECK(lead == p.ttl.dnskey + p.delays.zone_propagation + p.delays.publish_safety);
  auto before = plan(sim.keys, p, active + 30 * day - lead - 1);
  REQUIRE(before);
  CHECK(before->created.empty());
  CHECK(before->next_due);
  auto at = plan(sim.keys, p, active + 30 * day - lead);
  REQUIRE(at);
  REQUIRE(at->created.size() == 1);
  CHECK(at->created[0].role == Role::zsk);
}

TEST_CASE("--force names a role the policy lacks: a usage error") {
  Policy p = short_policy({key(Role::csk, 365 * day, RolloverMethod::double_ksk)});
  auto r = plan({}, p, t0, PlanOptions{Role::zsk});
  REQUIRE(!r);
  CHECK(r.error().code == Errc::usage);
}

TEST_CASE("the first DS is asked for only once the signed zone is in every cache") {
  Policy p = short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                           key(Role::zsk, 90 * day, RolloverMethod::pre_publish)});
  Sim sim(p);
  sim.run();
  REQUIRE(sim.keys.size() == 2);
  CHECK(sim.zone.back().second.cds.empty());
  CHECK(sim.zone.back().second.dnskey.size() == 2);
  CHECK(sim.zone.back().second.sign_zone.size() == 1);
  // The CDS appears once the signed zone has been served for zone-max +
  // propagation (and the smaller safety margin): no cache still holds an
  // unsigned answer then.
  const CacheWindows w = cache_windows(p);
  const UnixTime due = t0 + w.zone + std::min(w.publish_safety, w.retire_safety);
  auto early = plan(sim.keys, p, due - 1);
  REQUIRE(early);
  for (const Action& a : early->actions) CHECK(!(a.kind == ActionKind::transition && a.record == RecordKind::ds));
  auto on_time = plan(sim.keys, p, due);
  REQUIRE(on_time);
  bool submits = false;
  for (const Action& a : on_time->actions)
    submits |= a.kind == ActionKind::transition && a.record == RecordKind::ds && a.to == RecordState::rumoured;
  CHECK(submits);
  CHECK(on_time->operator_must_act());
  REQUIRE(on_time->operator_tasks.size() == 1);
  CHECK(on_time->operator_tasks[0].kind == OperatorTaskKind::submit_ds);
}

TEST_CASE("--ds-seen and --ds-withdrawn are refused for keys not waiting for them") {
  Policy p = short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                           key(Role::zsk, 90 * day, RolloverMethod::pre_publish)});
  Sim sim(p);
  sim.run();
  const std::uint16_t ksk = sim.keys_of(Role::ksk).front()->tag;
  const std::uint16_t zsk = sim.keys_of(Role::zsk).front()->tag;
  const auto before = sim.keys[0].timestamps;
  CHECK(record_ds_seen(sim.keys, ksk, t0 + hour).error().code == Errc::key_store);  // DS not submitted yet
  CHECK(record_ds_seen(sim.keys, zsk, t0 + hour).error().code == Errc::key_store);  // a ZSK has no DS
  CHECK(record_ds_seen(sim.keys, 1, t0 + hour).error().code == Errc::key_store);    // unknown tag
  CHECK(record_ds_withdrawn(sim.keys, ksk, t0 + hour).error().code == Errc::key_store);
  CHECK(sim.keys[0].timestamps == before);
}

TEST_CASE("runs that die between writing the zone and committing the key state leave no validation gap") {
  for (std::size_t every : {2u, 3u, 7u}) {
    CAPTURE(every);
    for (auto [ksk, zsk] : {std::pair{RolloverMethod::double_ksk, RolloverMethod::pre_publish},
                            std::pair{RolloverMethod::double_ds, RolloverMethod::double_signature}}) {
      Sim sim(short_policy({key(Role::ksk, 120 * day, ksk), key(Role::zsk, 30 * day, zsk)}));
      sim.crash_every = every;
      sim.run_until(t0 + 365 * day);
      CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
      CHECK(sim.removed(Role::zsk) >= 8);
      CHECK(sim.removed(Role::ksk) >= 1);
    }
  }
}

TEST_CASE("a policy that moves from KSK and ZSK to a CSK replaces both without a validation gap") {
  Sim sim(short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                        key(Role::zsk, 90 * day, RolloverMethod::pre_publish)}));
  sim.run_until(t0 + 30 * day);
  sim.policy = short_policy({key(Role::csk, 365 * day, RolloverMethod::double_ksk)});
  sim.run_until(t0 + 90 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  CHECK(sim.live(Role::csk) == 1);
  CHECK(sim.live(Role::ksk) == 0);
  CHECK(sim.live(Role::zsk) == 0);
  sim.policy = short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ds),
                             key(Role::zsk, 90 * day, RolloverMethod::pre_publish)});
  sim.run_until(t0 + 150 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  CHECK(sim.live(Role::csk) == 0);
  CHECK(sim.live(Role::ksk) == 1);
  CHECK(sim.live(Role::zsk) == 1);
}

TEST_CASE("keys from a state file without record events are adopted as published since their creation") {
  Policy p = short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                           key(Role::zsk, 90 * day, RolloverMethod::pre_publish)});
  std::vector<KeyInfo> keys(2);
  keys[0].role = Role::ksk;
  keys[0].tag = 501;
  keys[0].flags = 257;
  keys[1].role = Role::zsk;
  keys[1].tag = 502;
  for (auto& k : keys) k.timestamps["created"] = t0 - 50 * day;
  const PublishedSet before = published_set(keys, t0);
  CHECK(before.dnskey == std::vector<std::uint16_t>{501, 502});
  CHECK(before.cds == std::vector<std::uint16_t>{501});

  auto first = plan(keys, p, t0);
  REQUIRE(first);
  CHECK(first->created.empty());
  CHECK(std::count_if(first->actions.begin(), first->actions.end(),
                      [](const Action& a) { return a.kind == ActionKind::adopt; }) == 2);
  CHECK(!first->existing_gap);
  // The DS was announced by CDS but never confirmed: the operator is asked.
  REQUIRE(first->operator_tasks.size() == 1);
  CHECK(first->operator_tasks[0].key.tag == 501);
  KeyFactory no_keys = [](const NewKey&, UnixTime) -> Result<std::uint16_t> {
    return fail(Errc::internal, "no key should be made");
  };
  REQUIRE(apply_plan(*first, keys, no_keys));
  CHECK(keys[0].timestamps.at("dnskey-rumoured") == t0 - 50 * day);
  CHECK(keys[0].timestamps.at("dnskey-omnipresent") == t0);
  CHECK(keys[1].timestamps.at("zrrsig-omnipresent") == t0);
  CHECK(published_set(keys, t0).dnskey == before.dnskey);
  CHECK(published_set(keys, t0).cds == before.cds);

  auto second = plan(keys, p, t0 + day);
  REQUIRE(second);
  CHECK(std::none_of(second->actions.begin(), second->actions.end(),
                     [](const Action& a) { return a.kind == ActionKind::adopt; }));
  REQUIRE(record_ds_seen(keys, 501, t0 + day));
  const CacheWindows w = cache_windows(p);
  auto third = plan(keys, p, t0 + day + w.introduce(RecordKind::ds));
  REQUIRE(third);
  CHECK(!third->operator_must_act());
  REQUIRE(apply_plan(*third, keys, no_keys));
  CHECK(key_state(keys[0], t0 + 3 * day)[RecordKind::ds].state == RecordState::omnipresent);
  CHECK(key_state(keys[0], t0 + day)[RecordKind::ds].state == RecordState::rumoured);
}

TEST_CASE("planned record events survive the state file and give the same published set") {
  const auto dir = (std::filesystem::temp_directory_path() / "zs_rollover_store").string();
  std::filesystem::remove_all(dir);
  const Name origin = Name::parse("example.com.").value();
  Policy p = short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                           key(Role::zsk, 90 * day, RolloverMethod::pre_publish)});
  PublishedSet before;
  std::vector<KeyInfo> written;
  {
    auto store = KeyStore::open(dir, origin, true);
    REQUIRE(store);
    for (UnixTime at : {t0, t0 + 2 * day}) {
      auto pl = plan(store->keys(), p, at);
      REQUIRE(pl);
      auto tags = apply_plan(*pl, *store);
      REQUIRE(tags);
      CHECK(tags->size() == pl->created.size());
    }
    REQUIRE(store->keys().size() == 2);
    for (const auto& k : store->keys()) CHECK(store->load_private(k));
    before = published_set(store->keys(), t0 + 2 * day);
    written = store->keys();
    REQUIRE(store->commit());
  }
  auto reopened = KeyStore::open(dir, origin, false);
  REQUIRE(reopened);
  REQUIRE(reopened->keys().size() == 2);
  for (std::size_t i = 0; i < 2; ++i) CHECK(reopened->keys()[i].timestamps == written[i].timestamps);
  const PublishedSet after = published_set(reopened->keys(), t0 + 2 * day);
  CHECK(after.dnskey == before.dnskey);
  CHECK(after.cds == before.cds);
  CHECK(after.cds.size() == 1);  // the KSK's DS, asked for once the zone was everywhere
  std::filesystem::remove_all(dir);
}

TEST_CASE("forced KSK and CSK rollovers, even during a scheduled one, keep every cache valid") {
  for (Role role : {Role::ksk, Role::csk}) {
    CAPTURE(role_name(role));
    std::vector<KeyPolicy> keys;
    if (role == Role::ksk)
      keys = {key(Role::ksk, 60 * day, RolloverMethod::double_ksk), key(Role::zsk, 90 * day, RolloverMethod::pre_publish)};
    else
      keys = {key(Role::csk, 60 * day, RolloverMethod::double_ds)};
    Sim sim(short_policy(keys));
    sim.run_until(t0 + 20 * day);
    sim.run(PlanOptions{role});  // no rollover under way
    sim.now += sim.step;
    // The forced key started signing about day 20 (a CSK double-DS one a
    // little later): its scheduled rollover starts about day 80...
    sim.run_until(t0 + 82 * day);
    auto under_way = sim.keys_of(role);
    CHECK(std::any_of(under_way.begin(), under_way.end(), [](const KeyInfo* k) {
      return k->timestamps.contains("retired") && !k->timestamps.contains("removed");
    }));
    sim.run(PlanOptions{role});  // ...and is overtaken
    sim.now += sim.step;
    sim.run_until(t0 + 200 * day);
    CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
    CHECK(sim.live(role) == 1);
    CHECK(sim.removed(role) >= 3);
  }
}

TEST_CASE("long TTLs and a daily cron keep every rollover method free of validation gaps") {
  const std::vector<std::pair<RolloverMethod, RolloverMethod>> methods = {
      {RolloverMethod::double_ksk, RolloverMethod::pre_publish},
      {RolloverMethod::double_ds, RolloverMethod::double_signature}};
  for (auto [ksk, zsk] : methods) {
    CAPTURE(rollover_method_name(ksk));
    Policy p = default_policy();
    p.keys = {key(Role::ksk, 150 * day, ksk), key(Role::zsk, 40 * day, zsk)};
    p.ttl.dnskey = day;
    p.ttl.zone_max = 2 * day;
    p.ttl.parent_ds = 2 * day;
    p.delays.parent_propagation = 12 * hour;
    REQUIRE(lint_policy(p));
    Sim sim(p);
    sim.step = day;
    sim.parent_delay = 2 * day;
    sim.run_until(t0 + 730 * day);
    CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
    CHECK(sim.removed(Role::zsk) >= 15);
    CHECK(sim.removed(Role::ksk) >= 3);
    sim.check_lifetimes(Role::zsk);
    sim.check_lifetimes(Role::ksk, ksk == RolloverMethod::double_ds
                                       ? sim.parent_delay + p.delays.parent_propagation + 3 * sim.step
                                       : 0);
  }
}

TEST_CASE("an extra current key of a role is retired in favour of the newest") {
  Sim sim(short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                        key(Role::zsk, 90 * day, RolloverMethod::pre_publish)}));
  sim.run_until(t0 + 5 * day);
  // A second ZSK appears in the state file (added by hand, no record
  // events): adopted as published from now on, and as the newest it stays.
  KeyInfo extra;
  extra.role = Role::zsk;
  extra.tag = 4242;
  extra.flags = 256;
  extra.timestamps["created"] = sim.now;
  sim.keys.push_back(extra);
  sim.algorithms[4242] = extra.algorithm;
  sim.run_until(t0 + 20 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  auto zsks = sim.keys_of(Role::zsk);
  REQUIRE(zsks.size() == 2);
  CHECK(zsks[0]->timestamps.contains("removed"));
  CHECK(zsks[1]->tag == 4242);
  CHECK(!zsks[1]->timestamps.contains("retired"));
}

TEST_CASE("a stored state that already allows a failing cache combination only gets introductions") {
  Policy p = short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                           key(Role::zsk, 90 * day, RolloverMethod::pre_publish)});
  // The KSK's DS is confirmed, but its DNSKEY went out only now (edited by hand).
  std::vector<KeyInfo> keys(3);
  keys[0].role = Role::ksk;
  keys[0].tag = 1;
  keys[0].flags = 257;
  keys[0].timestamps = {{"created", t0 - 30 * day},
                        {"dnskey-rumoured", t0},
                        {"krrsig-rumoured", t0},
                        {"ds-omnipresent", t0 - 20 * day},
                        {"ds-seen", t0 - 21 * day}};
  keys[1].role = Role::zsk;
  keys[1].tag = 2;
  keys[1].timestamps = {{"created", t0 - 30 * day},
                        {"dnskey-omnipresent", t0 - 20 * day},
                        {"zrrsig-omnipresent", t0 - 20 * day},
                        {"active", t0 - 20 * day},
                        {"retired", t0 - day}};
  keys[2].role = Role::zsk;
  keys[2].tag = 3;
  keys[2].timestamps = {{"created", t0 - day}, {"dnskey-rumoured", t0 - day}};
  auto pl = plan(keys, p, t0);
  REQUIRE(pl);
  REQUIRE(pl->existing_gap);
  for (const Action& a : pl->actions)
    if (a.kind == ActionKind::transition)
      CHECK_MESSAGE((a.to == RecordState::rumoured || a.to == RecordState::omnipresent), a.text);
  // Once the KSK's DNSKEY is in every cache the gap is gone and the swap proceeds.
  KeyFactory no_keys = [](const NewKey&, UnixTime) -> Result<std::uint16_t> {
    return fail(Errc::internal, "no key should be made");
  };
  REQUIRE(apply_plan(*pl, keys, no_keys));
  const UnixTime later = t0 + cache_windows(p).introduce(RecordKind::dnskey);
  auto healed = plan(keys, p, later);
  REQUIRE(healed);
  CHECK(!healed->existing_gap);
  CHECK(std::any_of(healed->actions.begin(), healed->actions.end(), [](const Action& a) {
    return a.kind == ActionKind::transition && a.key.tag == 2 && a.to == RecordState::unretentive;
  }));
}

TEST_CASE("a key the planner created but no run has published yet stays hidden, not adopted") {
  Sim sim(short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                        key(Role::zsk, 90 * day, RolloverMethod::pre_publish)}));
  const Policy& policy = sim.policy;
  std::vector<KeyInfo>& keys = sim.keys;
  // What `zonesign rollover` applies: the creations, not the record changes.
  auto p = plan(keys, policy, t0);
  REQUIRE(p);
  Plan creations_only = *p;
  std::erase_if(creations_only.actions, [](const Action& a) { return a.kind == ActionKind::transition; });
  REQUIRE(apply_plan(creations_only, keys, sim.factory()));
  REQUIRE(keys.size() == 2);
  for (const auto& k : keys) {
    CHECK(k.timestamps.contains("planned"));
    KeyState s = key_state(k, t0 + 7 * day);
    CHECK_FALSE(s.legacy);
    for (RecordKind kind : all_record_kinds) CHECK(s[kind].state == RecordState::hidden);
  }
  // A week later, the first run that can publish them starts from the beginning.
  auto later = plan(keys, policy, t0 + 7 * day);
  REQUIRE(later);
  bool publishes = false;
  for (const auto& a : later->actions) {
    CHECK(a.kind != ActionKind::adopt);
    publishes |= a.kind == ActionKind::transition && a.record == RecordKind::dnskey && a.to == RecordState::rumoured;
  }
  CHECK(publishes);
  CHECK(published_set(keys, t0 + 7 * day).dnskey.empty());
}

TEST_CASE("a run 91 days after the first keeps the old ZSK signing until its successor's DNSKEY is in every cache") {
  // Issue 8 item 3: the zone was never secure (no DS yet), and the run past
  // the ZSK lifetime stopped signing with the old ZSK before the new one could.
  Sim sim(short_policy({key(Role::ksk, 365 * day, RolloverMethod::double_ksk),
                        key(Role::zsk, 90 * day, RolloverMethod::pre_publish)}));
  sim.run();
  const std::uint16_t old_zsk = sim.keys_of(Role::zsk).front()->tag;
  sim.now = t0 + 91 * day;
  sim.run();
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  REQUIRE(sim.keys_of(Role::zsk).size() == 2);
  const std::uint16_t new_zsk = sim.keys_of(Role::zsk).back()->tag;
  const ZoneVersion& v = sim.zone.back().second;
  CHECK(v.sign_zone == TagSet{old_zsk});
  CHECK(v.dnskey.contains(old_zsk));
  CHECK(v.dnskey.contains(new_zsk));
  sim.now += sim.step;
  sim.run_until(t0 + 100 * day);
  CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
  CHECK(sim.removed(Role::zsk) == 1);
  CHECK(sim.zone.back().second.sign_zone == TagSet{new_zsk});
}

namespace {

struct PauseMethod {
  std::string name;
  std::vector<KeyPolicy> keys;
  std::optional<std::pair<UnixTime, std::vector<KeyPolicy>>> change;  // the policy changes then
  UnixTime horizon = 0;  // every kind of step of the first rollovers has happened by then
};

// For each role with a lifetime whose current key's rollover is due at
// `at` while no rollover of that role is under way: the role. The run at
// `at` must start those rollovers, as if the lifetime ended then.
std::set<Role> overdue_roles(const Sim& sim, UnixTime at) {
  std::set<Role> out;
  const CacheWindows w = cache_windows(sim.policy);
  for (const KeyPolicy& kp : sim.policy.keys) {
    if (!kp.lifetime) continue;
    bool under_way = false;
    std::optional<UnixTime> active;
    for (const KeyInfo& k : sim.keys) {
      if (k.role != kp.role || k.timestamps.contains("removed")) continue;
      if (k.timestamps.contains("retired")) under_way = true;
      else if (k.timestamps.contains("active")) active = k.timestamps.at("active");
    }
    if (!under_way && active && at >= *active + *kp.lifetime - successor_lead(kp, w)) out.insert(kp.role);
  }
  return out;
}

}  // namespace

TEST_CASE("pauses of days to years at each kind of step of every method leave every zone whole and every cache valid") {
  const auto ecdsa = Algorithm::ECDSAP256SHA256;
  std::vector<PauseMethod> methods = {
      {"double-KSK, pre-publish",
       {key(Role::ksk, 120 * day, RolloverMethod::double_ksk), key(Role::zsk, 30 * day, RolloverMethod::pre_publish)},
       std::nullopt,
       t0 + 130 * day},
      {"double-DS, double-signature",
       {key(Role::ksk, 120 * day, RolloverMethod::double_ds), key(Role::zsk, 30 * day, RolloverMethod::double_signature)},
       std::nullopt,
       t0 + 130 * day},
      {"CSK double-KSK", {key(Role::csk, 60 * day, RolloverMethod::double_ksk)}, std::nullopt, t0 + 70 * day},
      {"CSK double-DS", {key(Role::csk, 60 * day, RolloverMethod::double_ds)}, std::nullopt, t0 + 70 * day},
      {"algorithm rollover",
       {key(Role::ksk, 120 * day, RolloverMethod::double_ksk, ecdsa),
        key(Role::zsk, 30 * day, RolloverMethod::pre_publish, ecdsa)},
       std::pair{t0 + 10 * day,
                 std::vector{key(Role::ksk, 120 * day, RolloverMethod::double_ksk, Algorithm::ED25519),
                             key(Role::zsk, 30 * day, RolloverMethod::pre_publish, Algorithm::ED25519)}},
       t0 + 20 * day},
  };
  const std::vector<Duration> pauses = {2 * day, 20 * day, 45 * day, 91 * day, 200 * day, 400 * day};
  for (const PauseMethod& m : methods) {
    CAPTURE(m.name);
    Sim base(short_policy(m.keys));
    if (m.change) base.policy_change = std::pair{m.change->first, short_policy(m.change->second)};
    // The uninterrupted schedule, copied after the first run and after the
    // first run that makes each kind of step (after the policy change, for
    // the algorithm rollover).
    std::vector<std::pair<std::string, Sim>> starts;
    std::set<std::string> seen;
    for (; base.now < m.horizon; base.now += base.step) {
      base.run();
      if (base.now == t0) {
        starts.emplace_back("the first run", base);
        continue;
      }
      if (m.change && base.now < m.change->first) continue;
      std::string kinds;
      for (const auto& k : base.last_steps)
        if (seen.insert(k).second) kinds += (kinds.empty() ? "" : " ") + k;
      if (!kinds.empty()) starts.emplace_back(kinds, base);
    }
    REQUIRE_MESSAGE(base.gaps == 0, base.first_gap);
    CHECK(starts.size() >= 6);
    for (const auto& [kinds, snapshot] : starts) {
      for (Duration pause : pauses) {
        CAPTURE(kinds);
        CAPTURE(format_duration(pause));
        Sim sim = snapshot;
        const UnixTime resume = sim.now + pause;
        sim.now = resume;
        if (sim.policy_change && resume >= sim.policy_change->first) {
          sim.policy = sim.policy_change->second;
          sim.policy_change.reset();
        }
        const std::set<Role> due = overdue_roles(sim, resume);
        sim.run();
        for (Role role : due) {
          CAPTURE(role_name(role));
          auto list = sim.keys_of(role);
          CHECK(std::any_of(list.begin(), list.end(), [&](const KeyInfo* k) {
            return k->timestamps.at("created") == resume && !k->timestamps.contains("retired");
          }));
        }
        // Cron every 6 hours for three days, then daily (to keep the test quick).
        sim.now += sim.step;
        sim.run_until(resume + 3 * day);
        sim.step = day;
        const UnixTime end = resume + 130 * day;
        sim.run_until(end);
        CHECK_MESSAGE(sim.gaps == 0, sim.first_gap);
        // The schedule resumed: rollovers completed after the pause, and no
        // current key is overdue at the end.
        CHECK(std::any_of(sim.keys.begin(), sim.keys.end(), [&](const KeyInfo& k) {
          return k.timestamps.contains("removed") && k.timestamps.at("removed") >= resume;
        }));
        for (const KeyPolicy& kp : sim.policy.keys) {
          for (const KeyInfo* k : sim.keys_of(kp.role)) {
            if (k->timestamps.contains("retired") || !k->timestamps.contains("active")) continue;
            const UnixTime from = std::max(k->timestamps.at("active"), resume);
            CHECK_MESSAGE(end - from <= *kp.lifetime + 10 * day,
                          role_name(kp.role) << " " << k->tag << " active since " << format_time(from));
          }
          CHECK(sim.live(kp.role) <= 2);
        }
      }
    }
  }
}
