// The `rollover` use case: apply the key actions due at `now` that do not
// change the published zone, without signing (keys/rollover.hpp; the record
// changes are left to the next `sign`), after recording the parent events the operator reports
// (--ds-seen, --ds-withdrawn) and those the parent's servers show (their
// answers gathered by the front end before the run, applied by
// signer/parent_ds.hpp confirm_from_observations). The next `sign` publishes
// the result.
//
// Also what `sign` and `status` report about key events: the key events of an
// applied plan (key_events) and the warning ahead of a KSK or CSK rollover
// (upcoming_ds_request).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "keys/rollover.hpp"
#include "policy/policy.hpp"
#include "signer/parent_ds.hpp"

namespace zs {

struct KeyInfo;

struct RolloverRequest {
  Name origin;
  std::string key_dir;
  Policy policy;
  UnixTime now = 0;
  std::vector<std::uint16_t> ds_seen;       // the parent now serves these DS
  std::vector<std::uint16_t> ds_withdrawn;  // the parent no longer serves these DS
  bool dry_run = false;                     // plan and report, change nothing
  std::optional<Role> force;                // start an unscheduled rollover of this role
  // What the parent's servers showed, asked by the front end before the run
  // (parent/parent_client.hpp observe_parent_for_run); nullopt: not asked.
  std::optional<ParentObservations> parent_observations;
  // See SignRequest::allow_clock_back.
  bool allow_clock_back = false;
};

// Something a run did to a key that the operator should hear about even
// without -v: one `key event:` line each, and the same in --json.
enum class KeyEventKind : std::uint8_t {
  created,             // a key was generated
  published,           // its DNSKEY entered the zone
  retired,             // its goal became hidden: it is being rolled out
  removed,             // it left every cache: the key is history
  algorithm_rollover,  // the policy's algorithm (or key size) changed: a rollover to it started
};
// "created", "published", "retired", "removed", "algorithm-rollover" (the JSON spelling).
std::string_view key_event_name(KeyEventKind kind) noexcept;

struct KeyEvent {
  KeyEventKind kind = KeyEventKind::created;
  Role role = Role::zsk;
  std::uint16_t tag = 0;  // the key (algorithm_rollover: the key being replaced)
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;  // the key's (algorithm_rollover: the new one)
  std::string text;       // "created ksk 12345 (ED25519): successor of ksk 40001"
};

// The key events of plan `p` once applied to `keys` (the list after
// apply_plan; `created` the tags it returned). Record moves other than a
// DNSKEY's publication are not events: they are the rollover's routine steps.
std::vector<KeyEvent> key_events(const Plan& p, const std::vector<std::uint16_t>& created,
                                 const std::vector<KeyInfo>& keys);

// The planner's operator tasks with the tags of the keys this plan created
// filled in (a task of a key still to be created keeps KeyRef::new_key).
std::vector<OperatorTask> resolve_task_tags(const std::vector<OperatorTask>& tasks,
                                            const std::vector<std::uint16_t>& created);

// The DS request that a coming KSK or CSK rollover will make of the parent.
struct DsRequestNotice {
  UnixTime at = 0;        // when the CDS set will ask for the new DS
  std::string key;        // the new key: "ksk 12345", or "ksk#1" for one not created yet
  std::string text;       // one line for people, with the moment and how far ahead it is
};
// How far ahead the notice comes: 30 days, or twice the run interval if longer.
Duration ds_notice_horizon(const Policy& policy);
// The first DS request of a KSK or CSK rollover (a new key's DS while another
// key's DS is at the parent) due after `now` and within ds_notice_horizon(),
// found by running the planner forward as `zonesign plan` does
// (signer/timeline.hpp). nullopt when none is coming that soon. Errors: the
// planner's.
Result<std::optional<DsRequestNotice>> upcoming_ds_request(const std::vector<KeyInfo>& keys, const Policy& policy,
                                                           const std::string& zone, UnixTime now);

// An operator's --ds-seen / --ds-withdrawn as recorded by this run.
struct DsEventRecord {
  OperatorTaskKind kind = OperatorTaskKind::submit_ds;  // submit_ds: --ds-seen; withdraw_ds: --ds-withdrawn
  std::uint16_t tag = 0;
  bool already = false;  // the state held this event already: nothing changed, and no error
};

struct RolloverReport {
  std::vector<std::string> actions;         // done (or, with dry_run, that would be done)
  // Record changes of the plan left to the next `sign`, which publishes them
  // (a record change counts from the moment a zone shows it, see roll_keys).
  std::vector<std::string> deferred;
  // What the operator must do (exit code 10), the tags of keys this run
  // created filled in.
  std::vector<OperatorTask> operator_tasks;
  std::optional<UnixTime> next_due;
  std::vector<std::string> parent;    // what the parent's servers showed, and what it recorded
  std::vector<std::string> warnings;  // servers that did not answer, stale DS at the parent
  std::vector<DsEventRecord> recorded;  // the operator's --ds-seen / --ds-withdrawn
  std::vector<KeyEvent> key_events;     // done (with dry_run: none)
  std::optional<DsRequestNotice> notice;  // a KSK/CSK rollover's DS request coming soon
};

// Errors: Errc::key_store for an unknown tag or an event that contradicts
// the key's state (nothing is changed then; an event the state already holds
// is no error), Errc::usage for --force of a role the policy lacks, and those
// of the key store. A parent that cannot be reached is a warning, never an
// error.
Result<RolloverReport> roll_keys(const RolloverRequest& request);

}  // namespace zs
