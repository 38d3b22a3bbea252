// The CLI front end: one file per subcommand. Each registers its options on
// the app and returns the action to run once parsing succeeded; the action
// calls one libsigner use case and maps its Result to an exit code.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "input_options.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "dns/name.hpp"
#include "keys/rollover.hpp"
#include "policy/policy.hpp"
#include "parent/parent_client.hpp"
#include "signer/parent_ds.hpp"
#include "signer/rollover_keys.hpp"
#include "signer/status.hpp"

namespace zs::cli {

// Exit codes for cron, CI and monitoring (README "Exit codes").
inline constexpr int exit_ok = 0;
// An error. sign, rollover and keygen published and changed nothing.
inline constexpr int exit_error = 1;
inline constexpr int exit_usage = 2;
// Done, but the operator must act (a DS to submit or withdraw, signatures to
// refresh soon). `--action-needed-exit CODE` replaces it, so a GitOps step
// under `set -e` can take operator tasks as success while errors still fail.
inline constexpr int exit_action_needed = 10;
// `status`: the published zone fails validation now, or will before the next
// due run can fix it (signatures expired or expiring before now +
// run-interval; with --check-parent, a parent DS set matching no published
// key). Wins over 10 and is never replaced by --action-needed-exit.
inline constexpr int exit_zone_failing = 11;
// `sign`: the signed zone was published, but the key state could not be
// written (a full or read-only key folder). The published zone is valid and
// the state lags it, which is safe: the next run repeats the key steps.
inline constexpr int exit_state_not_saved = 12;
// A bug: an exception escaped a command (main reports it as
// `error: internal error: WHAT`). 70 is EX_SOFTWARE of sysexits.h.
inline constexpr int exit_internal = 70;

using Action = std::function<int()>;

Action add_sign_command(CLI::App& app);
Action add_ds_command(CLI::App& app);
Action add_keygen_command(CLI::App& app);
Action add_verify_command(CLI::App& app);
Action add_rollover_command(CLI::App& app);
Action add_status_command(CLI::App& app);
Action add_plan_command(CLI::App& app);
Action add_check_command(CLI::App& app);
Action add_key_command(CLI::App& app);  // key adopt (cmd_key.cpp)

// Prints an error as `file:line:column: error: message` on stderr and returns
// the exit code for it (2 for usage errors, 1 otherwise).
int report_error(const Error& error);

// Option-value parsers shared by the subcommands; failures are usage errors.
Result<Name> parse_origin(const std::string& text);
// What a moment is used for: runs that sign or stamp keys (sign, rollover,
// keygen) take 2000-01-01 up to 2106 (RRSIG times are 32-bit); read-only
// runs (verify, status, ds, plan) take any time from 1970 to 9999.
enum class TimeUse { signing, reading };
// `--now`: empty for the system clock, else core/time.hpp parse_moment()
// relative to the clock (2026-12-07, +40d, now-2h, ...); checked for `use`.
Result<UnixTime> parse_now(const std::string& text, TimeUse use);
Result<Algorithm> parse_algorithm(const std::string& text);
Result<DigestType> parse_digest(const std::string& text);
// Loads and lints a policy file, printing its warnings on stderr.
Result<Policy> load_policy_file(const std::string& path);
// The `--keys` value: there is no default (a job started in another folder
// must not sign with brand-new keys), so an empty one is a usage error.
Result<std::string> require_keys(const std::string& keys);
// The help text of `--now` on every subcommand.
inline constexpr const char* now_help =
    "Time: Unix seconds, YYYYMMDDHHMMSS, RFC 3339, a date (2026-12-07, midnight UTC) or relative to the clock "
    "(+40d, now-2h) (default: the clock)";

// `--action-needed-exit CODE` (0..125, default 10): the exit code that
// replaces 10 on sign, rollover, ds and status.
void add_action_needed_exit_option(CLI::App& cmd, int& code);
// `code`, with exit_action_needed replaced by `action_needed_exit`.
int final_exit_code(int code, int action_needed_exit);

// The options of the subcommands that work on one zone's key folder under a
// policy (rollover, status, plan): --origin, --keys, --policy, --now, and
// --config FILE --zone NAME, which give the first three.
struct ZoneOptions {
  std::string origin;
  std::string keys;
  std::string policy;
  std::string now;
  ConfigCliOptions config;
  const CLI::App* cmd = nullptr;  // set by add_zone_options: which options were typed
};
void add_zone_options(CLI::App& cmd, ZoneOptions& options);
// The same, parsed: the zone, the moment and the loaded (and linted) policy.
// With --config, the config's paths are first copied into `options` (those
// typed on the command line win).
struct ZoneContext {
  Name origin;
  std::string keys;
  UnixTime now = 0;
  Policy policy;
};
Result<ZoneContext> load_zone_options(ZoneOptions& options, TimeUse use);

// The parent's servers to ask (`ds --check-parent`, `status --check-parent`,
// `rollover`): --server (repeatable), --resolver and, with `timeout`, --timeout.
struct ParentOptions {
  std::vector<std::string> servers;
  std::string resolver;
  unsigned timeout = 4;
};
void add_parent_options(CLI::App& cmd, ParentOptions& options, bool timeout);
// The policy's parent section (none without a policy) with the options given
// on top. Errors: a malformed address (usage).
Result<ParentQuery> parent_query(const ParentOptions& options, const Policy* policy);

// --- commands printed for the operator --------------------------------------
// Every command zonesign tells a person to run is printed so that it works as
// pasted: this program as it was started, the run's --origin, --keys and
// --policy as absolute paths, each word shell-quoted when it needs it.

// Called once by main() with argv[0].
void set_program_path(const char* argv0);
// A word for a POSIX shell: as it is when it holds only safe characters, else
// in single quotes.
std::string shell_quote(std::string_view word);
// The absolute, normalised form of a path the user gave.
std::string absolute_path(const std::string& path);

// What a printed command takes from the run.
struct HintContext {
  std::string origin;                 // as the zone's name prints
  std::string keys;                   // absolute
  std::optional<std::string> policy;  // absolute; nullopt: the run had none
};
HintContext hint_context(const Name& origin, const std::string& keys, const std::string& policy);
// `zonesign rollover --origin O --keys K --policy P --ds-seen TAG` (or
// --ds-withdrawn); empty when it cannot be given as a working command (no
// policy, or a key the next run creates and whose tag is not known yet).
std::string ds_event_command(const HintContext& context, OperatorTaskKind kind, std::optional<std::uint16_t> tag);
// The planner's task as shown (signer/status.hpp TaskReport), with its command.
TaskReport task_report(const OperatorTask& task, const HintContext& context);
// Gives each DS task its command.
void fill_commands(std::vector<TaskReport>& tasks, const HintContext& context);
// {kind, tag, since, waiting_seconds, text, command}.
nlohmann::ordered_json task_json(const TaskReport& task, UnixTime now);
// {event, role, tag, algorithm, text}.
nlohmann::ordered_json key_event_json(const KeyEvent& event);
// One `key event: TEXT` line each on stderr: printed without -v too.
void print_key_events(const std::vector<KeyEvent>& events);

}  // namespace zs::cli
