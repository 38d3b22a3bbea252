#include "sign_all.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "signer/metrics.hpp"

namespace zs::cli {

namespace {

// Options a zone takes from the config, or that the pool sets per zone.
constexpr std::string_view per_zone_options[] = {"--config", "--zone",         "--threads",
                                                  "--json",   "--metrics-file", "--help"};

// The metrics of a zone whose run wrote none (it crashed, or stopped before
// it knew its zone): the run's outcome alone.
std::string failed_run_metrics(const std::string& zone, int code, const std::string& now_text,
                               std::chrono::steady_clock::time_point started) {
  ZoneMetrics m;
  m.zone = zone;
  RunMetrics run;
  run.exit_code = code;
  run.success = false;
  run.at = parse_now(now_text, TimeUse::reading).value_or(system_now());
  run.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  m.run = run;
  return render_exposition(zone_metric_families({m}));
}

}  // namespace

int sign_all_zones(const CLI::App& cmd, const Config& config, const std::string& config_file,
                   const SignAllOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const bool json = options.json, verbose = options.verbose;
  if (auto ok = refuse_one_zone_options(cmd, {"ZONEFILE", "--origin", "--output"}); !ok)
    return report_error(ok.error());
  auto program = self_executable();
  if (!program) return report_error(program.error());
  const std::string absolute_config = absolute_path(config_file);
  const std::vector<std::string> given = typed_arguments(cmd, per_zone_options);
  bool metrics = cmd.count("--metrics-file") > 0;
  if (metrics) {
    // Every zone's files and key folder, as each zone's own run checks its own.
    std::vector<std::string> files, folders;
    for (const ZoneConfig& z : config.zones) {
      files.insert(files.end(), {z.file, z.output, z.policy});
      folders.push_back(z.keys);
    }
    if (auto ok = check_metrics_path(options.metrics_file, files, folders); !ok) return report_error(ok.error());
  }
  std::optional<ZoneMetricsFiles> metrics_files;
  if (metrics) {
    auto made = ZoneMetricsFiles::create(options.metrics_file, config.zones.size());
    if (made) {
      metrics_files.emplace(std::move(*made));
    } else {
      // As when the file itself cannot be written: said, and the zones are
      // signed all the same.
      report_error(made.error());
      metrics = false;
    }
  }

  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  ZonePool pool;
  pool.program = std::move(*program);
  pool.jobs = std::min<std::size_t>(config.zones.size(), cores);
  pool.stream_out = !json;
  pool.stream_err = true;
  const unsigned budget = options.threads > 0 ? options.threads : cores;
  const unsigned share = std::max<unsigned>(1, budget / static_cast<unsigned>(std::max<std::size_t>(1, pool.jobs)));
  pool.arguments = [&](std::size_t i) {
    std::vector<std::string> args = {"sign",   "--config",  absolute_config,      "--zone",
                                     config.zones[i].origin.to_string(), "--threads", std::to_string(share)};
    if (json) args.push_back("--json");
    if (metrics) args.insert(args.end(), {"--metrics-file", metrics_files->path(i)});
    args.insert(args.end(), given.begin(), given.end());
    return args;
  };
  pool.finished = [&](std::size_t i, const std::vector<ZoneRun>& runs) {
    const ZoneRun& run = runs[i];
    if (run.code != exit_ok || verbose)
      print_prefixed(stderr, run.zone,
                     run.code == exit_ok ? "signed (exit 0)"
                     : exit_code_severity(run.code) <= exit_code_severity(exit_state_not_saved)
                         ? "signed, exit " + std::to_string(run.code)
                         : "FAILED, exit " + std::to_string(run.code) + ": nothing published, keys unchanged");
  };
  const std::vector<ZoneRun> runs = run_zone_processes(config, pool);

  int worst = exit_ok;
  for (const auto& run : runs) worst = worse_exit_code(worst, run.code);
  if (metrics) {
    // Each zone's metrics as its own run wrote them, failures included.
    std::vector<std::pair<std::string, std::string>> parts;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      std::string text = metrics_files->text(i);
      parts.emplace_back(runs[i].zone,
                         text.empty() ? failed_run_metrics(runs[i].zone, runs[i].code, options.now, started) : text);
    }
    // As for one zone: a metrics file that cannot be written is reported and
    // leaves the exit code to the zones.
    if (auto written = write_merged_metrics(options.metrics_file, std::move(parts)); !written)
      report_error(written.error());
  }
  if (json) {
    nlohmann::ordered_json doc;
    doc["config"] = absolute_config;
    doc["zones"] = nlohmann::ordered_json::array();
    for (const auto& run : runs) {
      nlohmann::ordered_json z;
      z["zone"] = run.zone;
      z["exit_code"] = run.code;
      auto parsed = nlohmann::ordered_json::parse(run.out, nullptr, false);
      z["summary"] = parsed.is_discarded() ? nlohmann::ordered_json(nullptr) : parsed;
      doc["zones"].push_back(std::move(z));
    }
    doc["exit_code"] = worst;
    const std::string text = doc.dump(2) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return worst;
}

}  // namespace zs::cli
