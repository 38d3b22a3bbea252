// zonesign plan --origin Z --keys DIR --policy P [--now T] [--months N] [--svg FILE | --no-svg] [--json]
// Read-only: the key state is simulated forward, never written.
// With --config FILE and no --zone: every zone of the config (each_zone.hpp),
// each zone's picture in <zone>-plan.svg (--svg FILE is refused).
#include <cstdio>

#include "commands.hpp"
#include "core/atomic_file.hpp"
#include "each_zone.hpp"
#include "keys/key_store.hpp"
#include "render_timeline.hpp"
#include "signer/timeline.hpp"

namespace zs::cli {

namespace {
struct PlanOptions {
  ZoneOptions zone;
  int months = 12;
  std::string svg;
  bool no_svg = false;
  bool json = false;
};
}  // namespace

Action add_plan_command(CLI::App& app) {
  auto opts = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand("plan", "Show the coming key events as a table and an SVG timeline");
  add_zone_options(*cmd, opts->zone);
  describe_every_zone(*cmd);
  cmd->add_option("--months", opts->months, "How far to look ahead")->check(CLI::Range(1, 120))->capture_default_str();
  auto* svg = cmd->add_option("--svg", opts->svg,
                              "Write the picture here (default: <zone>-plan.svg in the current folder); one zone only");
  cmd->add_flag("--no-svg", opts->no_svg, "Write no picture")->excludes(svg);
  cmd->add_flag("--json", opts->json, "Print as JSON");
  return [opts, cmd]() -> int {
    auto every_zone = every_zone_config(*cmd, opts->zone.config);
    if (!every_zone) return report_error(every_zone.error());
    if (*every_zone) {
      if (cmd->count("--svg") > 0)
        return report_error(Error(Errc::usage, "--svg FILE names one zone's picture: with --config and no --zone, "
                                               "each zone's goes to <zone>-plan.svg in the current folder (give "
                                               "--no-svg for none, or --zone NAME to choose the file)"));
      EachZoneReport each;
      each.command = "plan";
      each.json = opts->json;
      each.now = opts->zone.now;
      return report_each_zone(*cmd, **every_zone, config_path(opts->zone.config), each);
    }
    auto zone = load_zone_options(opts->zone, TimeUse::reading);
    if (!zone) return report_error(zone.error());
    auto timeline = zone_timeline(zone->origin, zone->keys, zone->policy, zone->now, opts->months);
    if (!timeline) return report_error(timeline.error());
    // Each task as the other commands show it: how long it has waited and
    // the command that records it, with this run's options.
    const HintContext hints = hint_context(zone->origin, zone->keys, opts->zone.policy);
    for (std::size_t i = 0; i < timeline->tasks.size() && i < timeline->operator_tasks.size(); ++i)
      timeline->operator_tasks[i] = task_line(task_report(timeline->tasks[i], hints), zone->now);
    std::optional<std::string> svg_path;
    if (!opts->no_svg) {
      svg_path = opts->svg.empty() ? KeyStore::folder_name(zone->origin) + "-plan.svg" : opts->svg;
      if (auto w = write_file_atomic(*svg_path, timeline_svg(*timeline)); !w) return report_error(w.error());
    }
    std::string out = opts->json ? timeline_json(*timeline, svg_path) : timeline_text(*timeline);
    if (!opts->json && svg_path) out += "timeline picture: " + *svg_path + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return timeline->operator_tasks.empty() ? exit_ok : exit_action_needed;
  };
}

}  // namespace zs::cli
