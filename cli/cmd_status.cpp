// zonesign status --origin Z --keys DIR --policy P [--now T] [--json]
#include <cstdio>

#include "commands.hpp"
#include "signer/status.hpp"

namespace zs::cli {

namespace {
struct StatusOptions {
  ZoneOptions zone;
  bool json = false;
};
}  // namespace

Action add_status_command(CLI::App& app) {
  auto opts = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand("status", "Show each key's state, what is due and what the operator must do");
  add_zone_options(*cmd, opts->zone);
  cmd->add_flag("--json", opts->json, "Print as JSON");
  return [opts]() -> int {
    auto zone = load_zone_options(opts->zone);
    if (!zone) return report_error(zone.error());
    auto report = zone_status(zone->origin, opts->zone.keys, zone->policy, zone->now);
    if (!report) return report_error(report.error());
    std::string out = opts->json ? status_json(*report) : status_text(*report);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return report->operator_tasks.empty() ? exit_ok : exit_action_needed;
  };
}

}  // namespace zs::cli
