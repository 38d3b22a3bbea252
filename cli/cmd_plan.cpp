// zonesign plan --origin Z --keys DIR --policy P [--now T] [--months N] [--svg FILE | --no-svg] [--json]
// Read-only: the key state is simulated forward, never written.
#include <cstdio>

#include "commands.hpp"
#include "core/atomic_file.hpp"
#include "keys/key_store.hpp"
#include "signer/timeline.hpp"

namespace zs::cli {

namespace {
struct PlanOptions {
  std::string origin;
  std::string keys = "keys";
  std::string policy;
  std::string now;
  int months = 12;
  std::string svg;
  bool no_svg = false;
  bool json = false;
};
}  // namespace

Action add_plan_command(CLI::App& app) {
  auto opts = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand("plan", "Show the coming key events as a table and an SVG timeline");
  cmd->add_option("--origin", opts->origin, "The zone's name")->required();
  cmd->add_option("--keys", opts->keys, "Key directory")->capture_default_str();
  cmd->add_option("--policy", opts->policy, "YAML signing policy")->required();
  cmd->add_option("--now", opts->now, "Time: Unix seconds, YYYYMMDDHHMMSS or RFC 3339 (default: clock)");
  cmd->add_option("--months", opts->months, "How far to look ahead")->check(CLI::Range(1, 120))->capture_default_str();
  auto* svg = cmd->add_option("--svg", opts->svg,
                              "Write the picture here (default: <zone>-plan.svg in the current folder)");
  cmd->add_flag("--no-svg", opts->no_svg, "Write no picture")->excludes(svg);
  cmd->add_flag("--json", opts->json, "Print as JSON");
  return [opts]() -> int {
    auto origin = parse_origin(opts->origin);
    if (!origin) return report_error(origin.error());
    auto now = parse_now(opts->now);
    if (!now) return report_error(now.error());
    auto policy = load_policy_file(opts->policy);
    if (!policy) return report_error(policy.error());
    auto timeline = zone_timeline(*origin, opts->keys, *policy, *now, opts->months);
    if (!timeline) return report_error(timeline.error());
    std::optional<std::string> svg_path;
    if (!opts->no_svg) {
      svg_path = opts->svg.empty() ? KeyStore::folder_name(*origin) + "-plan.svg" : opts->svg;
      if (auto w = write_file_atomic(*svg_path, timeline_svg(*timeline)); !w) return report_error(w.error());
    }
    std::string out = opts->json ? timeline_json(*timeline, svg_path) : timeline_text(*timeline);
    if (!opts->json && svg_path) out += "timeline picture: " + *svg_path + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return timeline->operator_tasks.empty() ? exit_ok : exit_action_needed;
  };
}

}  // namespace zs::cli
