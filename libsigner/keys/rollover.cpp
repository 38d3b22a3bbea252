#include "keys/rollover.hpp"

#include <algorithm>
#include <bit>

#include "keys/key_store.hpp"
#include "policy/lint.hpp"

namespace zs {

namespace {

// A key as the planner sees it while it builds the plan: its state is
// changed in place as actions are planned, all stamped `now`.
struct PlanKey {
  KeyRef ref;
  KeyView view;
  UnixTime created = 0;
  unsigned bits = 0;
};

struct Move {
  std::size_t key = 0;
  RecordKind record = RecordKind::dnskey;
  RecordState to = RecordState::hidden;
};

// The record whose first publication makes a key "active" (its lifetime
// starts): the zone signatures of a ZSK or CSK, the DNSKEY signatures of a KSK.
RecordKind signing_record(Role role) { return role == Role::ksk ? RecordKind::krrsig : RecordKind::zrrsig; }

std::string key_name(const PlanKey& k) {
  std::string role(role_name(k.view.role));
  if (k.ref.new_key) return "new " + role + " #" + std::to_string(*k.ref.new_key + 1);
  return role + " " + std::to_string(k.ref.tag);
}

std::string describe_move(const PlanKey& k, RecordKind record, RecordState to) {
  const std::string who = key_name(k);
  switch (record) {
    case RecordKind::dnskey:
      switch (to) {
        case RecordState::rumoured: return "publish the DNSKEY of " + who;
        case RecordState::omnipresent: return "the DNSKEY of " + who + " is now in every cache";
        case RecordState::unretentive: return "remove the DNSKEY of " + who + " from the zone";
        case RecordState::hidden: return "the DNSKEY of " + who + " has left every cache";
      }
      break;
    case RecordKind::krrsig:
      switch (to) {
        case RecordState::rumoured: return "sign the DNSKEY RRset with " + who;
        case RecordState::omnipresent: return "the DNSKEY RRset signatures of " + who + " are now in every cache";
        case RecordState::unretentive: return "stop signing the DNSKEY RRset with " + who;
        case RecordState::hidden: return "the DNSKEY RRset signatures of " + who + " have left every cache";
      }
      break;
    case RecordKind::zrrsig:
      switch (to) {
        case RecordState::rumoured: return "sign the zone with " + who;
        case RecordState::omnipresent: return "the zone signatures of " + who + " are now in every cache";
        case RecordState::unretentive: return "stop signing the zone with " + who;
        case RecordState::hidden: return "the zone signatures of " + who + " have left every cache";
      }
      break;
    case RecordKind::ds:
      switch (to) {
        case RecordState::rumoured: return "add the DS of " + who + " to CDS/CDNSKEY: the parent must publish it";
        case RecordState::omnipresent: return "the DS of " + who + " is now in every cache";
        case RecordState::unretentive:
          return "drop the DS of " + who + " from CDS/CDNSKEY: the parent must withdraw it";
        case RecordState::hidden: return "the DS of " + who + " has left every cache";
      }
      break;
  }
  return who;
}

class Planner {
 public:
  Planner(const Policy& policy, UnixTime now, Plan& out)
      : policy_(policy), windows_(cache_windows(policy)), now_(now), out_(out) {}

  void load(const std::vector<KeyInfo>& keys) {
    for (const auto& info : keys) {
      KeyState s = key_state(info, now_);
      if (!s.exists || s.removed) continue;
      PlanKey k{KeyRef{info.tag, std::nullopt}, KeyView{info.tag, info.role, info.algorithm, s},
                info.timestamps.contains("created") ? info.timestamps.at("created") : 0, info.bits};
      keys_.push_back(k);
      if (s.legacy)
        out_.actions.push_back(Action{ActionKind::adopt, k.ref, RecordKind::dnskey, RecordState::hidden,
                                      RecordState::hidden,
                                      "adopt " + key_name(k) + " (no record states stored): published since " +
                                          format_time(k.created)});
    }
  }

  Result<void> schedule(const PlanOptions& options) {
    if (options.force && !policy_.key_for(*options.force))
      return fail(Errc::usage, "--force " + std::string(role_name(*options.force)) + ": the policy has no " +
                                   std::string(role_name(*options.force)));
    // A snapshot: a rollover started in this run must not block its sibling
    // (an algorithm rollover replaces the KSK and the ZSK together).
    const bool any_retiring = std::any_of(keys_.begin(), keys_.end(),
                                          [](const PlanKey& k) { return k.view.state.goal == KeyGoal::hidden; });
    auto retiring = [&](Role role) {
      return std::any_of(keys_.begin(), keys_.end(), [&](const PlanKey& k) {
        return k.view.role == role && k.view.state.goal == KeyGoal::hidden;
      });
    };
    const std::size_t before = keys_.size();
    for (const KeyPolicy& kp : policy_.keys) {
      std::optional<std::size_t> current;
      for (std::size_t i = 0; i < before; ++i)
        if (keys_[i].view.role == kp.role && keys_[i].view.state.goal == KeyGoal::omnipresent) current = i;
      if (options.force == kp.role) {
        for (std::size_t i = 0; i < before; ++i)
          if (keys_[i].view.role == kp.role && keys_[i].view.state.goal == KeyGoal::omnipresent)
            retire(i, "forced rollover");
        create(kp, "forced rollover");
        continue;
      }
      if (!current) {
        create(kp, retiring(kp.role) ? "successor" : "the policy needs a " + std::string(role_name(kp.role)));
        continue;
      }
      // One current key per role: an older extra (a state file assembled by
      // hand) is retired like a predecessor.
      for (std::size_t i = 0; i < *current; ++i)
        if (!any_retiring && keys_[i].view.role == kp.role && keys_[i].view.state.goal == KeyGoal::omnipresent)
          retire(i, "a newer " + std::string(role_name(kp.role)) + " (" + key_name(keys_[*current]) + ") replaces it");
      const PlanKey& c = keys_[*current];
      const bool other_algorithm =
          c.view.algorithm != kp.algorithm || (algorithm_takes_size(kp.algorithm) && kp.size && c.bits != kp.size);
      if (other_algorithm) {
        if (!any_retiring) {
          const std::string why = c.view.algorithm != kp.algorithm
                                      ? "algorithm rollover from " + algorithm_name(c.view.algorithm) + " to " +
                                            algorithm_name(kp.algorithm)
                                      : "key size change to " + std::to_string(kp.size) + " bits";
          retire(*current, why);
          create(kp, why);
        }
        continue;
      }
      if (kp.lifetime && c.view.state.active && !retiring(kp.role) &&
          now_ >= *c.view.state.active + *kp.lifetime - successor_lead(kp, windows_)) {
        retire(*current, "lifetime " + format_duration(*kp.lifetime) + " ends");
        create(kp, "successor of " + key_name(keys_[*current]));
      }
    }
    // Keys of a role the policy no longer has (ksk+zsk <-> csk): the keys the
    // policy wants were created above; the rules keep the old ones until
    // they are no longer needed.
    for (std::size_t i = 0; i < before; ++i)
      if (!policy_.key_for(keys_[i].view.role) && keys_[i].view.state.goal == KeyGoal::omnipresent && !any_retiring)
        retire(i, "the policy has no " + std::string(role_name(keys_[i].view.role)));
    return {};
  }

  void move_records() {
    // Each pass applies at least one move, and a record only moves forward,
    // so the loop ends; the bound is a guard against a broken invariant.
    for (int pass = 0; pass < 64; ++pass) {
      std::vector<Move> moves = desired();
      if (moves.empty()) return;
      // A move that only follows a cache window changes no cached version:
      // always safe.
      std::vector<Move> timed, rest;
      for (const Move& m : moves)
        (m.to == RecordState::omnipresent || m.to == RecordState::hidden ? timed : rest).push_back(m);
      if (!timed.empty()) {
        for (const Move& m : timed) perform(m);
        continue;
      }
      auto chosen = choose(rest);
      if (chosen.empty()) return;
      for (const Move& m : chosen) perform(m);
    }
    throw std::logic_error("rollover planner: record moves do not converge");
  }

  void finish() {
    for (const PlanKey& k : keys_) {
      if (k.view.state.goal != KeyGoal::hidden || k.ref.new_key) continue;
      bool all_hidden = true;
      for (RecordKind r : all_record_kinds)
        if (record_applies(k.view.role, r) && k.view.state[r].state != RecordState::hidden) all_hidden = false;
      if (all_hidden)
        out_.actions.push_back(Action{ActionKind::remove, k.ref, RecordKind::dnskey, RecordState::hidden,
                                      RecordState::hidden, "remove " + key_name(k) + ": it has left every cache"});
    }
    for (const PlanKey& k : keys_) {
      const KeyState& s = k.view.state;
      if (!record_applies(k.view.role, RecordKind::ds)) continue;
      const RecordStatus& ds = s[RecordKind::ds];
      // No command in the text: the front end renders the one that records
      // the event from the task's kind and key with the options of its run,
      // so that it works when pasted.
      if (ds.state == RecordState::rumoured && !(s.ds_seen && *s.ds_seen >= ds.since))
        out_.operator_tasks.push_back(OperatorTask{OperatorTaskKind::submit_ds, k.ref, k.view.algorithm, ds.since,
                                                   "submit the DS of " + key_name(k) +
                                                       " to the parent (it is in CDS) and record when the parent "
                                                       "serves it"});
      if (ds.state == RecordState::unretentive && !(s.ds_withdrawn && *s.ds_withdrawn >= ds.since))
        out_.operator_tasks.push_back(OperatorTask{OperatorTaskKind::withdraw_ds, k.ref, k.view.algorithm, ds.since,
                                                   "withdraw the DS of " + key_name(k) +
                                                       " at the parent (it left CDS) and record when the parent no "
                                                       "longer serves it"});
    }
    out_.next_due = next_due();
  }

 private:
  const KeyPolicy* key_policy(Role role) const { return policy_.key_for(role); }

  RolloverMethod method(Role role) const {
    if (const KeyPolicy* kp = key_policy(role)) return kp->rollover;
    return role == Role::zsk ? RolloverMethod::pre_publish : RolloverMethod::double_ksk;
  }

  void retire(std::size_t i, const std::string& reason) {
    PlanKey& k = keys_[i];
    k.view.state.goal = KeyGoal::hidden;
    k.view.state.retired = now_;
    out_.actions.push_back(Action{ActionKind::retire, k.ref, RecordKind::dnskey, RecordState::hidden,
                                  RecordState::hidden, "retire " + key_name(k) + ": " + reason});
  }

  void create(const KeyPolicy& kp, const std::string& reason) {
    out_.created.push_back(NewKey{kp.role, kp.algorithm, algorithm_takes_size(kp.algorithm) ? kp.size : 0, reason});
    PlanKey k;
    k.ref = KeyRef{0, out_.created.size() - 1};
    k.view.role = kp.role;
    k.view.algorithm = kp.algorithm;
    k.view.state.exists = true;
    k.created = now_;
    keys_.push_back(k);
    out_.actions.push_back(Action{ActionKind::create, k.ref, RecordKind::dnskey, RecordState::hidden,
                                  RecordState::hidden,
                                  "create " + key_name(k) + " (" + algorithm_name(kp.algorithm) + "): " + reason});
  }

  // A double-DS successor: another key-signing key of the same algorithm
  // already has its DS at the parent, so the new DS can go first. (With a
  // new algorithm the DS would name an algorithm the DNSKEY RRset lacks:
  // RFC 6781 §4.1.4 then publishes the DNSKEY first.)
  bool ds_first(std::size_t i) const {
    if (method(keys_[i].view.role) != RolloverMethod::double_ds) return false;
    for (std::size_t j = 0; j < keys_.size(); ++j)
      if (j != i && keys_[j].view.algorithm == keys_[i].view.algorithm &&
          keys_[j].view.state[RecordKind::ds].state == RecordState::omnipresent)
        return true;
    return false;
  }

  // No other key of this algorithm is published or signing: signatures of a
  // new algorithm go out before its DNSKEY (RFC 6781 §4.1.4).
  bool new_algorithm(std::size_t i) const {
    for (std::size_t j = 0; j < keys_.size(); ++j) {
      if (j == i || keys_[j].view.algorithm != keys_[i].view.algorithm) continue;
      const KeyState& s = keys_[j].view.state;
      if (s[RecordKind::dnskey].state != RecordState::hidden || s[RecordKind::zrrsig].state != RecordState::hidden)
        return false;
    }
    return true;
  }

  bool approve(std::size_t i, RecordKind record, bool dnskey_moving) const {
    const PlanKey& k = keys_[i];
    const KeyState& s = k.view.state;
    const RecordState dnskey = s[RecordKind::dnskey].state;
    switch (record) {
      case RecordKind::dnskey:
        if (k.view.role == Role::zsk) return true;
        if (ds_first(i) || s[RecordKind::ds].state != RecordState::hidden)
          return s[RecordKind::ds].state == RecordState::omnipresent;
        return true;
      case RecordKind::krrsig: return dnskey == RecordState::rumoured || dnskey == RecordState::omnipresent ||
                                      dnskey_moving;
      case RecordKind::zrrsig:
        if (k.view.role == Role::zsk && method(Role::zsk) == RolloverMethod::double_signature) return true;
        return dnskey == RecordState::omnipresent || (dnskey == RecordState::hidden && new_algorithm(i));
      case RecordKind::ds: return dnskey == RecordState::omnipresent || ds_first(i);
    }
    return false;
  }

  bool window_passed(const PlanKey& k, RecordKind record) const {
    auto end = window_end(k.view.state, record, windows_);
    return end && now_ >= *end;
  }

  std::vector<Move> desired() const {
    std::vector<Move> moves;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      const PlanKey& k = keys_[i];
      const KeyState& s = k.view.state;
      bool dnskey_moving = false;
      for (RecordKind record : all_record_kinds) {
        if (!record_applies(k.view.role, record)) continue;
        const RecordState st = s[record].state;
        std::optional<RecordState> to;
        if (s.goal == KeyGoal::omnipresent) {
          if (st == RecordState::hidden && approve(i, record, dnskey_moving)) to = RecordState::rumoured;
          else if (st == RecordState::rumoured && window_passed(k, record)) to = RecordState::omnipresent;
        } else {
          // A rumoured record first reaches every cache (the cache model
          // knows when it went out only while it is rumoured), except a DS,
          // whose presence at the parent is uncertain either way.
          if (st == RecordState::omnipresent || (st == RecordState::rumoured && record == RecordKind::ds))
            to = RecordState::unretentive;
          else if ((st == RecordState::rumoured || st == RecordState::unretentive) && window_passed(k, record))
            to = st == RecordState::rumoured ? RecordState::omnipresent : RecordState::hidden;
        }
        if (!to) continue;
        if (record == RecordKind::dnskey && *to == RecordState::rumoured) dnskey_moving = true;
        moves.push_back(Move{i, record, *to});
      }
    }
    return moves;
  }

  std::vector<KeyView> views() const {
    std::vector<KeyView> v;
    v.reserve(keys_.size());
    for (const auto& k : keys_) v.push_back(k.view);
    return v;
  }

  bool safe_with(const std::vector<Move>& moves) {
    std::vector<KeyView> v = views();
    for (const Move& m : moves) v[m.key].state[m.record] = RecordStatus{m.to, now_};
    return !find_validation_gap(v, windows_, now_);
  }

  // The largest set of moves (the first in a fixed order among equals) that
  // keeps every cache combination valid: some moves are only safe together
  // (a DNSKEY swap, the keys of a new algorithm joining the RRset at once).
  std::vector<Move> choose(const std::vector<Move>& moves) {
    const std::vector<KeyView> v = views();
    if (auto gap = find_validation_gap(v, windows_, now_)) {
      // Not our doing; introductions cannot make it worse and time heals it.
      if (!out_.existing_gap) out_.existing_gap = gap;
      std::vector<Move> forward;
      for (const Move& m : moves)
        if (m.to == RecordState::rumoured) forward.push_back(m);
      return forward;
    }
    constexpr std::size_t max_search = 12;
    if (moves.size() > max_search) {
      for (const Move& m : moves)
        if (safe_with({m})) return {m};
      return {};
    }
    std::vector<std::uint32_t> subsets;
    for (std::uint32_t mask = 1; mask < (1u << moves.size()); ++mask) subsets.push_back(mask);
    std::stable_sort(subsets.begin(), subsets.end(),
                     [](std::uint32_t a, std::uint32_t b) { return std::popcount(a) > std::popcount(b); });
    for (std::uint32_t mask : subsets) {
      std::vector<Move> pick;
      for (std::size_t j = 0; j < moves.size(); ++j)
        if (mask & (1u << j)) pick.push_back(moves[j]);
      if (safe_with(pick)) return pick;
    }
    return {};
  }

  void perform(const Move& m) {
    PlanKey& k = keys_[m.key];
    const RecordState from = k.view.state[m.record].state;
    k.view.state[m.record] = RecordStatus{m.to, now_};
    if (m.record == signing_record(k.view.role) && m.to == RecordState::rumoured && !k.view.state.active)
      k.view.state.active = now_;
    out_.actions.push_back(Action{ActionKind::transition, k.ref, m.record, from, m.to,
                                  describe_move(k, m.record, m.to)});
  }

  std::optional<UnixTime> next_due() const {
    std::optional<UnixTime> best;
    auto consider = [&](UnixTime t) {
      if (t > now_ && (!best || t < *best)) best = t;
    };
    for (const PlanKey& k : keys_) {
      const KeyState& s = k.view.state;
      // A move blocked by the validation check can become safe when a
      // change leaves the (margin-widened) cache window of the check.
      const Duration margin = std::min(windows_.publish_safety, windows_.retire_safety);
      for (RecordKind record : all_record_kinds) {
        if (!record_applies(k.view.role, record)) continue;
        if (auto end = window_end(s, record, windows_)) consider(*end);
        if (s[record].state != RecordState::hidden) consider(s[record].since + windows_.window(record) + margin);
      }
      for (auto event : {s.ds_seen, s.ds_withdrawn})
        if (event) consider(*event + windows_.ds + margin);
      if (s.goal == KeyGoal::omnipresent && s.active)
        if (const KeyPolicy* kp = key_policy(k.view.role); kp && kp->lifetime)
          consider(*s.active + *kp->lifetime - successor_lead(*kp, windows_));
    }
    return best;
  }

  const Policy& policy_;
  CacheWindows windows_;
  UnixTime now_;
  Plan& out_;
  std::vector<PlanKey> keys_;
};

KeyInfo* find_key(std::vector<KeyInfo>& keys, std::uint16_t tag) {
  for (auto& k : keys)
    if (k.tag == tag && !k.timestamps.contains("removed")) return &k;
  return nullptr;
}

void set_once(KeyInfo& k, const std::string& event, UnixTime t) { k.timestamps.try_emplace(event, t); }

}  // namespace

Duration successor_lead(const KeyPolicy& key, const CacheWindows& w) {
  switch (key.role) {
    case Role::zsk: return key.rollover == RolloverMethod::double_signature ? 0 : w.introduce(RecordKind::dnskey);
    case Role::ksk: return key.rollover == RolloverMethod::double_ds ? w.introduce(RecordKind::ds) : 0;
    case Role::csk:
      return (key.rollover == RolloverMethod::double_ds ? w.introduce(RecordKind::ds) : 0) +
             w.introduce(RecordKind::dnskey);
  }
  return 0;
}

Result<Plan> plan(const std::vector<KeyInfo>& keys, const Policy& policy, UnixTime now, const PlanOptions& options) {
  Plan out;
  out.now = now;
  Planner planner(policy, now, out);
  planner.load(keys);
  if (auto r = planner.schedule(options); !r) return std::unexpected(r.error());
  planner.move_records();
  planner.finish();
  return out;
}

Result<std::vector<std::uint16_t>> apply_plan(const Plan& p, std::vector<KeyInfo>& keys, const KeyFactory& make) {
  std::vector<std::uint16_t> tags;
  for (const NewKey& nk : p.created) {
    auto tag = make(nk, p.now);
    if (!tag) return std::unexpected(tag.error());
    tags.push_back(*tag);
  }
  for (const Action& a : p.actions) {
    const std::uint16_t tag = a.key.new_key ? tags.at(*a.key.new_key) : a.key.tag;
    KeyInfo* k = find_key(keys, tag);
    if (!k) return fail(Errc::internal, "rollover plan names key " + std::to_string(tag) + ", which is not in the list");
    switch (a.kind) {
      case ActionKind::adopt: {
        KeyState s = key_state(*k, p.now);
        for (RecordKind r : all_record_kinds)
          if (record_applies(k->role, r) && s[r].state != RecordState::hidden)
            set_once(*k, record_event_name(r, s[r].state), s[r].since);
        if (s.active) set_once(*k, "active", *s.active);
        break;
      }
      // "planned" marks a key the planner manages from its creation on: one
      // with no record event yet is then waiting to be published, not a key
      // from an old state file that the zone already shows (key_state()).
      case ActionKind::create: set_once(*k, "planned", p.now); break;
      case ActionKind::retire: set_once(*k, "retired", p.now); break;
      case ActionKind::transition:
        k->timestamps[record_event_name(a.record, a.to)] = p.now;
        if (a.to == RecordState::rumoured) {
          if (a.record == RecordKind::dnskey) set_once(*k, "published", p.now);
          if (a.record == signing_record(k->role)) set_once(*k, "active", p.now);
          if (a.record == RecordKind::ds) set_once(*k, "ds-submitted", p.now);
        }
        break;
      case ActionKind::remove: set_once(*k, "removed", p.now); break;
    }
  }
  return tags;
}

Result<std::vector<std::uint16_t>> apply_plan(const Plan& p, KeyStore& store) {
  return apply_plan(p, store.keys(), [&store](const NewKey& nk, UnixTime now) -> Result<std::uint16_t> {
    auto k = store.generate(nk.role, nk.algorithm, nk.bits, now);
    if (!k) return std::unexpected(k.error());
    return (*k)->tag;
  });
}

// Repeating an event the state holds is no error (an operator or a script
// that runs the printed command twice must not fail): only an unknown tag, or
// an event that contradicts the key's state, is one. Nothing is changed then.
Result<void> record_ds_seen(std::vector<KeyInfo>& keys, std::uint16_t tag, UnixTime now) {
  KeyInfo* k = find_key(keys, tag);
  if (!k) return fail(Errc::key_store, "--ds-seen " + std::to_string(tag) + ": no such key");
  KeyState s = key_state(*k, now);
  const RecordStatus& ds = s[RecordKind::ds];
  auto refuse = [&](const std::string& why) {
    return fail(Errc::key_store, "--ds-seen " + std::to_string(tag) + ": " + why + " (DS " +
                                     std::string(record_state_name(ds.state)) + ")");
  };
  if (!record_applies(k->role, RecordKind::ds)) return refuse("a ZSK has no DS");
  // When the DS entered CDS ("ds-rumoured"); a key from a state file without
  // record events was asked for at its creation.
  std::optional<UnixTime> requested;
  if (auto it = k->timestamps.find(record_event_name(RecordKind::ds, RecordState::rumoured));
      it != k->timestamps.end())
    requested = it->second;
  else if (s.legacy && k->timestamps.contains("created"))
    requested = k->timestamps.at("created");
  // Seen after it was asked for: recorded already, whatever happened since.
  if (s.ds_seen && requested && *s.ds_seen >= *requested) return {};
  switch (ds.state) {
    case RecordState::rumoured: break;
    // The parent serves it for every cache already: seeing it agrees.
    case RecordState::omnipresent: return {};
    case RecordState::hidden: return refuse("the zone does not ask the parent for this DS");
    case RecordState::unretentive: return refuse("the zone asks the parent to withdraw this DS, not to publish it");
  }
  k->timestamps["ds-seen"] = now;
  return {};
}

Result<void> record_ds_withdrawn(std::vector<KeyInfo>& keys, std::uint16_t tag, UnixTime now) {
  KeyInfo* k = find_key(keys, tag);
  if (!k) return fail(Errc::key_store, "--ds-withdrawn " + std::to_string(tag) + ": no such key");
  KeyState s = key_state(*k, now);
  const RecordStatus& ds = s[RecordKind::ds];
  auto refuse = [&](const std::string& why) {
    return fail(Errc::key_store, "--ds-withdrawn " + std::to_string(tag) + ": " + why + " (DS " +
                                     std::string(record_state_name(ds.state)) + ")");
  };
  if (!record_applies(k->role, RecordKind::ds)) return refuse("a ZSK has no DS");
  switch (ds.state) {
    case RecordState::unretentive:
      if (s.ds_withdrawn && *s.ds_withdrawn >= ds.since) return {};
      break;
    // Gone from every cache after a withdrawal that was recorded.
    case RecordState::hidden:
      if (s.ds_withdrawn) return {};
      return refuse("the zone never asked the parent for this DS");
    case RecordState::rumoured:
    case RecordState::omnipresent: return refuse("the zone wants the parent to serve this DS, not to withdraw it");
  }
  k->timestamps["ds-withdrawn"] = now;
  return {};
}

}  // namespace zs
