// The rollover planner: which key actions are due at `now` (RFC 7583 timing,
// RFC 6781 §4.1 methods, RFC 7344 / RFC 8078 CDS signalling), as a pure
// function of the key list, the policy and `now`. It returns the actions
// instead of performing them; apply_plan() performs them on a key list.
//
// Each run (`sign` or `rollover`) plans and applies. The planner:
//  1. adopts keys from state files without record events (key_state.hpp);
//  2. creates the keys the policy lacks, and successors: when a key's
//     lifetime (from "active", the moment it started signing) is about to end
//     (ahead by the time its successor needs to start signing), when the
//     policy's algorithm changed (an algorithm rollover, RFC 6781 §4.1.4,
//     once no other rollover is under way), or on demand (--force); the old
//     key is retired (its goal becomes hidden) in the same step;
//  3. moves records of the keys towards their goal, each move only when its
//     cache window has passed (RFC 7583 §3) and the method allows it
//     (pre-publish: new zone signatures only once the new DNSKEY is everywhere;
//     double-signature: both at once; double-KSK: DS only once the DNSKEY is
//     everywhere; double-DS: the new DS first, the DNSKEY once it is
//     everywhere; a new algorithm: its zone signatures first), and only when
//     find_validation_gap() finds no cache combination that fails to validate;
//  4. removes keys whose records have left every cache.
// A DS change needs the parent: the planner puts the DS in (or out of) the
// CDS set and waits for the operator's --ds-seen / --ds-withdrawn event
// (operator_tasks; the CLI exits 10 while there are any).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "keys/key_state.hpp"
#include "policy/policy.hpp"

namespace zs {

struct KeyInfo;
class KeyStore;

// A key to create; `bits` is the RSA size (0 for fixed-size algorithms).
struct NewKey {
  Role role = Role::zsk;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  unsigned bits = 0;
  std::string reason;
};

// An existing key (by tag: tags are unique in a zone's state file) or a key
// this plan creates (index into Plan::created).
struct KeyRef {
  std::uint16_t tag = 0;
  std::optional<std::size_t> new_key;

  bool operator==(const KeyRef&) const = default;
};

enum class ActionKind {
  adopt,       // write the derived record events of a key from an older state file
  create,      // generate Plan::created[key.new_key]
  retire,      // goal -> hidden ("retired" event)
  transition,  // one record moves to a new state ("<record>-<state>" event)
  remove,      // every record hidden ("removed" event): the key is history
};

struct Action {
  ActionKind kind = ActionKind::transition;
  KeyRef key;
  RecordKind record = RecordKind::dnskey;  // transition only
  RecordState from = RecordState::hidden;  // transition only
  RecordState to = RecordState::hidden;    // transition only
  std::string text;                        // for people: "publish the DNSKEY of zsk 12345"
};

// Something only the operator (or a parent that scans CDS) can do.
enum class OperatorTaskKind { submit_ds, withdraw_ds };
struct OperatorTask {
  OperatorTaskKind kind = OperatorTaskKind::submit_ds;
  KeyRef key;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  UnixTime since = 0;  // when the CDS set started asking for it
  std::string text;    // "submit the DS of ksk 12345 to the parent (it is in CDS) ...": no command; front ends render it
};

struct Plan {
  UnixTime now = 0;
  std::vector<NewKey> created;
  std::vector<Action> actions;  // in the order apply_plan() performs them
  std::vector<OperatorTask> operator_tasks;
  // The next moment at which a run could do something without the operator
  // (a cache window ending, a lifetime ending); nullopt when only the
  // operator can move things on.
  std::optional<UnixTime> next_due;
  // Set when the stored state already allows a cache combination that does
  // not validate (a state file from elsewhere, or edited by hand): only
  // introductions are made until time heals it; never set by our own plans.
  std::optional<ValidationGap> existing_gap;

  bool empty() const noexcept { return actions.empty(); }
  // The run is done, but the operator must act: exit code 10.
  bool operator_must_act() const noexcept { return !operator_tasks.empty(); }
};

struct PlanOptions {
  // Start an unscheduled rollover of the current key of this role (a
  // compromised key), even while another rollover is under way.
  std::optional<Role> force;
};

// Plans the key actions due at `now`. Errors: Errc::usage when `force` names
// a role the policy has no key for.
Result<Plan> plan(const std::vector<KeyInfo>& keys, const Policy& policy, UnixTime now,
                  const PlanOptions& options = {});

// The time from the creation of a successor to the moment it starts signing
// (its "active" event) when the parent acts at once: the planner creates the
// successor this long before the predecessor's lifetime ends.
Duration successor_lead(const KeyPolicy& key, const CacheWindows& windows);

// Creates one key in the key list `apply_plan` works on, stamped "created" at
// `now`, and returns its tag (KeyStore::generate in production).
using KeyFactory = std::function<Result<std::uint16_t>(const NewKey& key, UnixTime now)>;

// Performs `p` on `keys`: creates keys through `make` (which appends to
// `keys`), then writes each action's events at p.now. Returns the tags of the
// created keys, in the order of p.created. Errors: those of `make`, and
// Errc::internal when an action names a key not in the list.
Result<std::vector<std::uint16_t>> apply_plan(const Plan& p, std::vector<KeyInfo>& keys, const KeyFactory& make);
// The same on a KeyStore's in-memory list (KeyStore::generate makes the keys);
// the caller commits the store after writing the zone.
Result<std::vector<std::uint16_t>> apply_plan(const Plan& p, KeyStore& store);

// Records the operator's word that the parent now serves the DS of key `tag`
// on all its servers (`rollover --ds-seen TAG`). Errc::key_store when no live
// key has that tag or its DS is not waiting to be seen; nothing is changed then.
Result<void> record_ds_seen(std::vector<KeyInfo>& keys, std::uint16_t tag, UnixTime now);
// The same for a DS the parent no longer serves (`--ds-withdrawn TAG`).
Result<void> record_ds_withdrawn(std::vector<KeyInfo>& keys, std::uint16_t tag, UnixTime now);

}  // namespace zs
