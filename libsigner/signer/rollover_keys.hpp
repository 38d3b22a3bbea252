// The `rollover` use case: apply the key actions due at `now` that do not
// change the published zone, without signing (keys/rollover.hpp; the record
// changes are left to the next `sign`), after recording the parent events the operator reports
// (--ds-seen, --ds-withdrawn) and those found by asking the parent's servers
// (signer/parent_ds.hpp confirm_from_parent, when the policy names them or
// turns on discovery). The next `sign` publishes the result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "policy/policy.hpp"
#include "signer/parent_ds.hpp"

namespace zs {

struct RolloverRequest {
  Name origin;
  std::string key_dir;
  Policy policy;
  UnixTime now = 0;
  std::vector<std::uint16_t> ds_seen;       // the parent now serves these DS
  std::vector<std::uint16_t> ds_withdrawn;  // the parent no longer serves these DS
  bool dry_run = false;                     // plan and report, change nothing
  std::optional<Role> force;                // start an unscheduled rollover of this role
  // Which parent servers to ask for the DS; nullopt: the policy's
  // parent.servers / parent.discover.
  std::optional<ParentQuery> parent;
};

struct RolloverReport {
  std::vector<std::string> actions;         // done (or, with dry_run, that would be done)
  // Record changes of the plan left to the next `sign`, which publishes them
  // (a record change counts from the moment a zone shows it, see roll_keys).
  std::vector<std::string> deferred;
  std::vector<std::string> operator_tasks;  // non-empty: exit code 10
  std::optional<UnixTime> next_due;
  std::vector<std::string> parent;    // what the parent's servers showed, and what it recorded
  std::vector<std::string> warnings;  // servers that did not answer, stale DS at the parent
};

// Errors: Errc::key_store for an unknown tag or one not waiting for that
// event (nothing is changed then), Errc::usage for --force of a role the
// policy lacks, and those of the key store. A parent that cannot be reached
// is a warning, never an error.
Result<RolloverReport> roll_keys(const RolloverRequest& request);

}  // namespace zs
