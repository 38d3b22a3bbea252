// The `rollover` use case: apply the key actions due at `now` without signing
// (keys/rollover.hpp), after recording the parent events the operator reports
// (--ds-seen, --ds-withdrawn). The next `sign` publishes the result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "policy/policy.hpp"

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
};

struct RolloverReport {
  std::vector<std::string> actions;         // done (or, with dry_run, that would be done)
  std::vector<std::string> operator_tasks;  // non-empty: exit code 10
  std::optional<UnixTime> next_due;
};

// Errors: Errc::key_store for an unknown tag or one not waiting for that
// event (nothing is changed then), Errc::usage for --force of a role the
// policy lacks, and those of the key store.
Result<RolloverReport> roll_keys(const RolloverRequest& request);

}  // namespace zs
