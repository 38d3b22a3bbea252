// zonesign status --origin Z --keys DIR --policy P [--now T] [--json]
#include <cstdio>

#include "commands.hpp"
#include "signer/status.hpp"

namespace zs::cli {

namespace {
struct StatusOptions {
  std::string origin;
  std::string keys = "keys";
  std::string policy;
  std::string now;
  bool json = false;
};
}  // namespace

Action add_status_command(CLI::App& app) {
  auto opts = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand("status", "Show each key's state, what is due and what the operator must do");
  cmd->add_option("--origin", opts->origin, "The zone's name")->required();
  cmd->add_option("--keys", opts->keys, "Key directory")->capture_default_str();
  cmd->add_option("--policy", opts->policy, "YAML signing policy")->required();
  cmd->add_option("--now", opts->now, "Time: Unix seconds, YYYYMMDDHHMMSS or RFC 3339 (default: clock)");
  cmd->add_flag("--json", opts->json, "Print as JSON");
  return [opts]() -> int {
    auto origin = parse_origin(opts->origin);
    if (!origin) return report_error(origin.error());
    auto now = parse_now(opts->now);
    if (!now) return report_error(now.error());
    auto policy = load_policy_file(opts->policy);
    if (!policy) return report_error(policy.error());
    auto report = zone_status(*origin, opts->keys, *policy, *now);
    if (!report) return report_error(report.error());
    std::string out = opts->json ? status_json(*report) : status_text(*report);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return report->operator_tasks.empty() ? exit_ok : exit_action_needed;
  };
}

}  // namespace zs::cli
