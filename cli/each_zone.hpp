// A subcommand over every zone of a config (docs/config.md): this program is
// started once per zone as `zonesign CMD --config FILE --zone NAME` with the
// options the user typed, so that each zone's run is exactly the single-zone
// run (its output, its exit code, its guarantees) and one zone's failure, or
// crash, stops no other. `sign` (cli/sign_all) prints each zone's lines as
// they come, prefixed with the zone; the read-only reports (`status`, `plan`,
// `ds`: report_each_zone) print each zone's output as one block, in the
// config's order, or one JSON document holding every zone's.
#pragma once

#include <cstdio>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "input_options.hpp"
#include "policy/config.hpp"

namespace zs::cli {

// How bad an exit code is, for the worst of many (docs/config.md):
// 70 (internal) > 2 (usage) > 1 (error) > 12 (published, state not saved) >
// 11 (zone failing) > any other code (10, or what --action-needed-exit made
// of it) > 0.
int exit_code_severity(int code) noexcept;
// The worse of two exit codes by exit_code_severity (the first on a tie).
int worse_exit_code(int a, int b) noexcept;

// The options typed on `cmd`, as arguments that give every zone's run the
// same options, leaving out those named in `skip` (what each zone takes from
// the config, or what the pool sets per zone).
std::vector<std::string> typed_arguments(const CLI::App& cmd, std::span<const std::string_view> skip);

// A usage error when one of `options` (as typed: "--origin", or a
// positional's name) is on the command line: it names one zone, and without
// --zone every zone takes it from the config.
Result<void> refuse_one_zone_options(const CLI::App& cmd, std::initializer_list<const char*> options);

// This program as it runs now (/proc/self/exe), not a `zonesign` found on
// PATH that may be another version. Errc::io when it cannot be found.
Result<std::string> self_executable();

// `ZONE: line` on `to`, flushed.
void print_prefixed(std::FILE* to, const std::string& zone, std::string_view line);

// One zone's run of this program.
struct ZoneRun {
  std::string zone;  // the zone's name with its final dot
  int code = 0;      // its exit code; 70 when it could not start or was killed
  std::string out;   // its standard output, unless streamed
  std::string err;   // its standard error, unless streamed (the pool's own lines about it included)
};

struct ZonePool {
  std::string program;   // self_executable()
  std::size_t jobs = 1;  // zones that run at once
  // Print each line as it comes, as `ZONE: line`, instead of keeping it.
  bool stream_out = false;
  bool stream_err = false;
  // The arguments (after the program) of zone `i`'s run.
  std::function<std::vector<std::string>(std::size_t i)> arguments;
  // Called as each zone's run ends (in the order they end) with every run
  // so far; optional.
  std::function<void(std::size_t i, const std::vector<ZoneRun>& runs)> finished;
};

// Runs the pool over `config`'s zones; the runs in the config's order.
std::vector<ZoneRun> run_zone_processes(const Config& config, const ZonePool& pool);

// --- one metrics file for many zones ----------------------------------------

// The temporary files the zones' runs write their metrics to, one per zone:
// `.M.tmp-XXXXXX` beside the metrics file M, the name core/atomic_file gives
// its own temporary files, so that the collector never reads one (not
// *.prom) and, should this run be killed, the next write of M removes it.
// The flock() held on each keeps another writer of M from taking it for a
// dead run's while the zone's run works. Removed when this object goes.
class ZoneMetricsFiles {
 public:
  // Errc::io when one cannot be created (none is left then).
  static Result<ZoneMetricsFiles> create(const std::string& metrics_file, std::size_t zones);
  ZoneMetricsFiles(ZoneMetricsFiles&& other) noexcept = default;
  ZoneMetricsFiles& operator=(ZoneMetricsFiles&&) = delete;
  ~ZoneMetricsFiles();

  const std::string& path(std::size_t zone) const { return files_[zone].path; }
  // What zone `zone`'s run wrote; empty when it wrote nothing.
  std::string text(std::size_t zone) const;

 private:
  ZoneMetricsFiles() = default;
  struct File {
    std::string path;
    int fd = -1;
  };
  std::vector<File> files_;
};

// Replaces `metrics_file` atomically with one exposition of every zone's
// metrics (`parts`: zone name and what its run wrote, empty parts left out):
// the zones sorted by name, one `# HELP`/`# TYPE` per family
// (signer/metrics merge_expositions). Errors: write_metrics_text's, and the
// file is then as it was.
Result<void> write_merged_metrics(const std::string& metrics_file,
                                  std::vector<std::pair<std::string, std::string>> parts);

// --- status, plan and ds over every zone ------------------------------------

// Says in --zone's help (and so in --help and the man page) that without it
// the subcommand works on every zone of the config.
void describe_every_zone(CLI::App& cmd);

// The config to run over every zone when --config is given without --zone;
// nullopt otherwise (no --config, or one zone). Errors: the config file's.
Result<std::optional<Config>> every_zone_config(const CLI::App& cmd, const ConfigCliOptions& options);

struct EachZoneReport {
  std::string command;  // "status", "plan" or "ds"
  bool json = false;
  // How a zone's text block is headed: `==> NAME <==` (as head(1) heads
  // files), or for ds, whose output is records to paste, a zone-file comment
  // `; NAME`.
  bool comment_heading = false;
  // status --metrics-file (given): one file with every zone's samples.
  std::optional<std::string> metrics_file;
  std::string now;  // --now as typed: resolved once, so that every zone reports at one moment
};

// Runs `command` for every zone of `config` with the options typed on `cmd`
// (--config, --zone, --json, --now and --metrics-file set per zone; --origin
// refused). Text: each zone's output as a block headed by its name, in the
// config's order, its standard error lines prefixed with its name. JSON: one
// document {config, zones: [{zone, exit_code, report, errors}], exit_code}.
// Returns the worst zone's exit code (with a metrics file that cannot be
// written: at least 1, unless a zone is failing, 11).
int report_each_zone(const CLI::App& cmd, const Config& config, const std::string& config_file,
                     const EachZoneReport& options);

}  // namespace zs::cli
