// Metrics for monitoring (`--metrics-file` on `sign` and `status`): the
// Prometheus text exposition format, version 0.0.4, written atomically for
// node_exporter's textfile collector, which reads every `*.prom` file of its
// folder at each scrape and must never see one half written.
//
// Two steps, both pure: the use cases' results (signer/status.hpp
// StatusReport, the facts of a `sign` run) become ZoneMetrics, and a list of
// ZoneMetrics becomes metric families, rendered in one fixed order. Only
// write_metrics_file() touches the file system. docs/monitoring.md lists every
// metric with its meaning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "signer/status.hpp"

namespace zs {

// --- the exposition format ----------------------------------------------------

enum class MetricType : std::uint8_t { gauge, counter };

struct MetricSample {
  // Label names and values, in the order they print. Values are any text
  // (escaped when rendered); names must be [a-zA-Z_][a-zA-Z0-9_]*.
  std::vector<std::pair<std::string, std::string>> labels;
  // Integers print exactly; a double prints in its shortest exact form, NaN
  // and infinities as the format spells them.
  std::variant<std::int64_t, double> value = std::int64_t{0};
};

struct MetricFamily {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*
  std::string help;  // one line for people (a newline or backslash is escaped)
  MetricType type = MetricType::gauge;
  std::vector<MetricSample> samples;
};

// The families in the order given, each as `# HELP`, `# TYPE` and its samples
// in the order given (the format wants a family's lines together). A family
// without samples is left out. Throws std::logic_error for a metric or label
// name outside the format's grammar: names come from code, never from input.
std::string render_exposition(const std::vector<MetricFamily>& families);

// `text` as a label value between double quotes: \ " and newline escaped.
std::string escape_label_value(std::string_view text);

// --- what zonesign exports per zone -----------------------------------------

struct NextKeyEvent {
  UnixTime at = 0;
  std::string event;  // "dnskey-omnipresent", "ds-hidden", "lifetime-end", "ds-request", ...
  std::string key;    // "zsk 7291", or "ksk#1" for a key not made yet
};

struct TaskWaiting {
  std::string task;  // "submit-ds", "withdraw-ds", "resign"
  std::string key;   // "12345", or "" (a key the next run creates, or no key)
  UnixTime since = 0;
};

// The facts of one `sign` run, whatever its outcome.
struct RunMetrics {
  bool success = false;  // published, and the key state saved (exit 0 or 10)
  int exit_code = 0;
  UnixTime at = 0;                  // the run's `now`
  double duration_seconds = 0;      // wall time of the whole command
  std::optional<std::size_t> signatures_made;    // only a run that signed
  std::optional<std::size_t> signatures_reused;
};

struct ZoneMetrics {
  std::string zone;  // "example.com." (the `zone` label)
  // What the key state records of the last successful run (state.yaml).
  std::optional<UnixTime> last_success;
  std::optional<std::uint32_t> serial;
  std::optional<UnixTime> earliest_expiration;
  std::optional<UnixTime> resign_due;       // from then on a run re-signs the earliest signatures
  std::optional<UnixTime> resign_deadline;  // a re-signing later than this is too late
  // What `status` derives with the policy (absent without one).
  std::optional<UnixTime> next_run_due;
  std::optional<NextKeyEvent> next_key_event;
  std::optional<std::vector<TaskWaiting>> tasks;  // nullopt: unknown (no policy)
  std::optional<bool> failing;                    // status exit 11
  std::optional<RunMetrics> run;                  // `sign` only
};

// The earliest moment `status` shows for a key: a record's cache window end
// (its state can change then: event "<record>-omnipresent" after rumoured,
// "<record>-hidden" after unretentive), the end of a key's lifetime
// ("lifetime-end", keys not retired), or a coming DS request
// ("ds-request"). Ties go to the first in that order. nullopt: none.
std::optional<NextKeyEvent> next_key_event(const StatusReport& report);

// Everything a StatusReport tells (no run facts).
ZoneMetrics zone_metrics(const StatusReport& report);
// Only what the key state records of the last successful run, for a zone
// signed without a policy (nothing to plan). Errors: KeyStore::open_read_only's.
Result<ZoneMetrics> recorded_zone_metrics(const Name& origin, const std::string& key_dir);

// The families for these zones: one fixed order of metrics, each holding
// the zones sorted by name (then a metric's own labels in the order given).
std::vector<MetricFamily> zone_metric_families(std::vector<ZoneMetrics> zones);

// A metrics file may not be `-` (standard output), a file the run reads or
// writes (`files`: output, zone file, policy), nor anything inside a key
// folder (`folders`): the file is rewritten even when a run fails, and must
// never touch what the run promised to leave as it was. Compared after
// resolving symbolic links, and by device and inode where both exist.
// Errors: Errc::usage.
Result<void> check_metrics_path(const std::string& path, const std::vector<std::string>& files,
                                const std::vector<std::string>& folders);

// One exposition of many: `parts` are renderings of zone_metric_families()
// (one zone each, as every zone's own run wrote it), already in zone order.
// Each family appears once, with its `# HELP` and `# TYPE` taken from the
// first part that has it, then the samples of every part in order; families
// in zone_metric_families()' fixed order (a family unknown to this build
// after them, in the order first seen). Lines that are neither comments nor
// samples are dropped.
std::string merge_expositions(const std::vector<std::string>& parts);

// Replaces `path` atomically with `text` (mode 0644), after removing the
// temporary files of killed writers beside it. Errors: Errc::io, and `path`
// is then as it was.
Result<void> write_metrics_text(const std::string& path, const std::string& text);

// Renders the zones and replaces `path` atomically (mode 0644, readable by
// the collector). Errors: Errc::io, and `path` is then as it was, with no
// temporary file left beside it.
Result<void> write_metrics_file(const std::string& path, const std::vector<ZoneMetrics>& zones);

}  // namespace zs
