// The `status` use case: each key of a zone with its role, tag, algorithm and
// the state of each of its records (keys/key_state.hpp) with the moment it
// can next change; what is due now, what the operator must do, and when the
// next run has something to do. Read-only: nothing is written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "policy/policy.hpp"

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

struct StatusReport {
  std::string zone;
  UnixTime now = 0;
  std::vector<KeyStatusLine> keys;         // removed keys left out
  std::vector<std::string> due_now;        // actions the next sign/rollover run performs
  std::vector<std::string> operator_tasks; // non-empty: exit code 10
  std::optional<PublishedZoneStatus> published;  // nullopt: never signed with this key folder
  // The next moment a run has work to do: a key change, or signatures to
  // refresh; nullopt when only the operator can move things on.
  std::optional<UnixTime> next_due;
};

Result<StatusReport> zone_status(const Name& origin, const std::string& key_dir, const Policy& policy, UnixTime now);

std::string status_text(const StatusReport& report);
std::string status_json(const StatusReport& report);

}  // namespace zs
