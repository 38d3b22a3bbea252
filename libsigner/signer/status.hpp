// The `status` use case: each key of a zone with its role, tag, algorithm and
// the state of each of its records (keys/key_state.hpp) with the moment it
// can next change; what is due now, what the operator must do, whether the
// published zone fails (or is about to fail) validation, and when the next
// run has something to do. Read-only: nothing is written.
//
// Results are data; the CLI renders them (text, JSON) and adds to each task
// the command that records it, with the options of its own run.
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
#include "signer/rollover_keys.hpp"

namespace zs {

struct RecordStatusLine {
  std::string record;  // "dnskey", "krrsig", "zrrsig", "ds"
  std::string state;   // "hidden", "rumoured", "omnipresent", "unretentive"
  UnixTime since = 0;
  std::optional<UnixTime> next;  // when its cache window ends (may change state then)
};

struct KeyStatusLine {
  std::uint16_t tag = 0;
  std::string role;
  std::string algorithm;
  std::string goal;  // "omnipresent" (wanted) or "hidden" (retired)
  std::optional<UnixTime> active;
  std::optional<UnixTime> retired;
  std::optional<UnixTime> lifetime_end;  // active + the policy's lifetime for the role
  std::vector<RecordStatusLine> records;
};

// The zone as the last `sign` run published it (the state file's record).
struct PublishedZoneStatus {
  UnixTime signed_at = 0;
  std::string output;
  std::uint32_t serial = 0;
  UnixTime expires = 0;     // the earliest signature expiration
  UnixTime refresh_at = 0;  // expires - signatures.refresh: the first run after it re-signs them
  // expires - (ttl.zone-max + zone-propagation): a run after this moment is
  // too late, since an answer cached just before it outlives its signature.
  UnixTime resign_by = 0;
};

// Something only the operator can do, as every front end shows it.
enum class TaskKind : std::uint8_t {
  submit_ds,    // submit a DS to the parent, then record --ds-seen
  withdraw_ds,  // withdraw a DS at the parent, then record --ds-withdrawn
  resign,       // the published signatures need a signing run now
};
// "submit-ds", "withdraw-ds", "resign" (the JSON spelling).
std::string_view task_kind_name(TaskKind kind) noexcept;

struct TaskReport {
  TaskKind kind = TaskKind::submit_ds;
  std::optional<std::uint16_t> tag;  // a DS task's key; nullopt for a key the next run creates
  UnixTime since = 0;                // waiting since
  std::string text;                  // what to do, for people, without a command
  // The command that records the event, as the front end prints it for its
  // run (empty: none that works as pasted).
  std::string command;
};
// A planner task (keys/rollover.hpp) as a TaskReport without a command.
TaskReport task_report(const OperatorTask& task);
// "TEXT (waiting since 2026-12-01T00:00:00Z, 5 days); then run `COMMAND`".
std::string task_line(const TaskReport& task, UnixTime now);

struct StatusReport {
  std::string zone;
  UnixTime now = 0;
  Duration run_interval = 0;                // the policy's: the next due run is at now + run_interval
  std::vector<KeyStatusLine> keys;          // removed keys left out
  std::vector<std::string> due_now;         // actions the next sign/rollover run performs
  std::vector<TaskReport> operator_tasks;   // non-empty: exit code 10
  // Why the published zone fails validation now, or will before the next due
  // run can fix it: signatures expired or expiring by now + run_interval, a
  // parent DS set that matches no published key. Non-empty: exit code 11.
  std::vector<std::string> failing;
  std::optional<PublishedZoneStatus> published;  // nullopt: never signed with this key folder
  // The next moment a run has work to do: a key change, or signatures to
  // refresh; nullopt when only the operator can move things on.
  std::optional<UnixTime> next_due;
  std::optional<DsRequestNotice> notice;  // a KSK/CSK rollover's DS request coming soon
  std::vector<std::string> parent;        // with the parent's answers: what each server serves
};

// `parent`: the parent's servers' answers (parent/parent_client.hpp ask_parent),
// when status should check them; a server's non-empty DS set that matches no
// key whose DNSKEY the zone publishes makes the zone fail.
Result<StatusReport> zone_status(const Name& origin, const std::string& key_dir, const Policy& policy, UnixTime now,
                                 const std::vector<ServerDs>* parent = nullptr);

}  // namespace zs
