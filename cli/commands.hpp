// The CLI front end: one file per subcommand. Each registers its options on
// the app and returns the action to run once parsing succeeded; the action
// calls one libsigner use case and maps its Result to an exit code.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "dns/name.hpp"
#include "policy/policy.hpp"

namespace zs::cli {

// Exit codes for cron and pipelines (README "Exit codes").
inline constexpr int exit_ok = 0;
inline constexpr int exit_error = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_action_needed = 10;

using Action = std::function<int()>;

Action add_sign_command(CLI::App& app);
Action add_ds_command(CLI::App& app);
Action add_keygen_command(CLI::App& app);
Action add_verify_command(CLI::App& app);
Action add_rollover_command(CLI::App& app);
Action add_status_command(CLI::App& app);
Action add_plan_command(CLI::App& app);
Action add_check_command(CLI::App& app);

// Prints an error as `file:line:column: error: message` on stderr and returns
// the exit code for it (2 for usage errors, 1 otherwise).
int report_error(const Error& error);

// Option-value parsers shared by the subcommands; failures are usage errors.
Result<Name> parse_origin(const std::string& text);
Result<UnixTime> parse_now(const std::string& text);  // empty: the system clock
Result<Algorithm> parse_algorithm(const std::string& text);
Result<DigestType> parse_digest(const std::string& text);
// Loads and lints a policy file, printing its warnings on stderr.
Result<Policy> load_policy_file(const std::string& path);

// The options of the subcommands that work on one zone's key folder under a
// policy (rollover, status, plan): --origin, --keys, --policy, --now.
struct ZoneOptions {
  std::string origin;
  std::string keys = "keys";
  std::string policy;
  std::string now;
};
void add_zone_options(CLI::App& cmd, ZoneOptions& options);
// The same, parsed: the zone, the moment and the loaded (and linted) policy.
struct ZoneContext {
  Name origin;
  UnixTime now = 0;
  Policy policy;
};
Result<ZoneContext> load_zone_options(const ZoneOptions& options);

}  // namespace zs::cli
