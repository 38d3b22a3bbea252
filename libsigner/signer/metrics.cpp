#include "signer/metrics.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "core/atomic_file.hpp"
#include "keys/key_store.hpp"

namespace zs {

namespace {

// The format's grammar is ASCII, whatever the locale says a letter is.
bool valid_name(std::string_view name, bool colon) {
  auto first = [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  };
  auto rest = [&](char c) { return first(c) || (c >= '0' && c <= '9'); };
  return !name.empty() && first(name.front()) && std::all_of(name.begin() + 1, name.end(), rest);
}

std::string escape_help(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_value(const std::variant<std::int64_t, double>& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  const double d = std::get<double>(value);
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc{} ? std::string(buf, end) : "NaN";
}

MetricSample sample(std::string_view zone, std::int64_t value) {
  return MetricSample{{{"zone", std::string(zone)}}, value};
}

// A path that may not exist yet, absolute, with the symbolic links and `..`
// of its existing part resolved, so that two spellings of one file compare
// equal.
std::filesystem::path resolved(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  if (ec) return std::filesystem::path(path).lexically_normal();
  auto canonical = std::filesystem::weakly_canonical(absolute, ec);
  return ec ? absolute.lexically_normal() : canonical;
}

bool same_inode(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

bool inside(const std::filesystem::path& path, const std::filesystem::path& folder) {
  auto [f, p] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return f == folder.end() || (std::next(f) == folder.end() && f->empty());
}

}  // namespace

std::string escape_label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string render_exposition(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const MetricFamily& f : families) {
    if (!valid_name(f.name, true)) throw std::logic_error("metric name outside the exposition format: " + f.name);
    if (f.samples.empty()) continue;
    out += "# HELP " + f.name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + f.name + (f.type == MetricType::counter ? " counter\n" : " gauge\n");
    for (const MetricSample& s : f.samples) {
      out += f.name;
      if (!s.labels.empty()) {
        out += '{';
        for (std::size_t i = 0; i < s.labels.size(); ++i) {
          const auto& [name, value] = s.labels[i];
          if (!valid_name(name, false) || name.starts_with("__"))
            throw std::logic_error("label name outside the exposition format: " + name);
          if (i) out += ',';
          out += name + "=\"" + escape_label_value(value) + '"';
        }
        out += '}';
      }
      out += ' ' + format_value(s.value) + '\n';
    }
  }
  return out;
}

std::optional<NextKeyEvent> next_key_event(const StatusReport& report) {
  std::optional<NextKeyEvent> best;
  auto consider = [&](UnixTime at, std::string event, std::string key) {
    if (!best || at < best->at) best = NextKeyEvent{at, std::move(event), std::move(key)};
  };
  for (const KeyStatusLine& k : report.keys) {
    const std::string key = k.role + " " + std::to_string(k.tag);
    for (const RecordStatusLine& r : k.records) {
      // window_end() is set only for a record on its way in or out.
      if (r.next) consider(*r.next, r.record + (r.state == "unretentive" ? "-hidden" : "-omnipresent"), key);
    }
  }
  for (const KeyStatusLine& k : report.keys)
    if (k.lifetime_end && !k.retired) consider(*k.lifetime_end, "lifetime-end", k.role + " " + std::to_string(k.tag));
  if (report.notice) consider(report.notice->at, "ds-request", report.notice->key);
  return best;
}

ZoneMetrics zone_metrics(const StatusReport& report) {
  ZoneMetrics m;
  m.zone = report.zone;
  if (report.published) {
    const PublishedZoneStatus& z = *report.published;
    m.last_success = z.signed_at;
    m.serial = z.serial;
    m.earliest_expiration = z.expires;
    m.resign_due = z.refresh_at;
    m.resign_deadline = z.resign_by;
  }
  m.next_run_due = report.next_due;
  m.next_key_event = next_key_event(report);
  std::vector<TaskWaiting> tasks;
  for (const TaskReport& t : report.operator_tasks)
    tasks.push_back(TaskWaiting{std::string(task_kind_name(t.kind)), t.tag ? std::to_string(*t.tag) : "", t.since});
  m.tasks = std::move(tasks);
  m.failing = !report.failing.empty();
  return m;
}

Result<ZoneMetrics> recorded_zone_metrics(const Name& origin, const std::string& key_dir) {
  auto store = KeyStore::open_read_only(key_dir, origin);
  if (!store) return std::unexpected(store.error());
  ZoneMetrics m;
  m.zone = origin.to_string();
  if (const auto& last = store->last_signed()) {
    m.last_success = last->time;
    m.serial = last->serial;
    m.earliest_expiration = last->expires;
  }
  return m;
}

std::vector<MetricFamily> zone_metric_families(std::vector<ZoneMetrics> zones) {
  std::ranges::sort(zones, {}, &ZoneMetrics::zone);
  using Get = std::optional<std::int64_t> (*)(const ZoneMetrics&);
  struct Simple {
    const char* name;
    const char* help;
    Get get;
  };
  // One gauge per zone, from an optional fact; a fact not known gives no sample.
  const Simple state_metrics[] = {
      {"zonesign_last_success_timestamp_seconds",
       "When the last successful signing run published the zone (the run's time, from the key state)",
       [](const ZoneMetrics& m) -> std::optional<std::int64_t> { return m.last_success; }},
      {"zonesign_published_serial", "SOA serial of the zone the last successful run published",
       [](const ZoneMetrics& m) -> std::optional<std::int64_t> {
         return m.serial ? std::optional<std::int64_t>(*m.serial) : std::nullopt;
       }},
      {"zonesign_signatures_earliest_expiration_timestamp_seconds",
       "Earliest RRSIG expiration in the published zone: validating resolvers fail on the zone after it",
       [](const ZoneMetrics& m) -> std::optional<std::int64_t> { return m.earliest_expiration; }},
      {"zonesign_resign_due_timestamp_seconds",
       "From this moment the next run re-signs the earliest-expiring signatures (expiration minus "
       "signatures.refresh)",
       [](const ZoneMetrics& m) -> std::optional<std::int64_t> { return m.resign_due; }},
      {"zonesign_resign_deadline_timestamp_seconds",
       "A run must have re-signed by this moment: answers cached later outlive the signatures (expiration "
       "minus ttl.zone-max and the zone propagation delay)",
       [](const ZoneMetrics& m) -> std::optional<std::int64_t> { return m.resign_deadline; }},
      {"zonesign_next_run_due_timestamp_seconds",
       "The next moment a signing run has work to do (a key change or signatures to refresh)",
       [](const ZoneMetrics& m) -> std::optional<std::int64_t> { return m.next_run_due; }},
  };
  std::vector<MetricFamily> out;
  for (const Simple& s : state_metrics) {
    MetricFamily f{s.name, s.help, MetricType::gauge, {}};
    for (const ZoneMetrics& m : zones)
      if (auto v = s.get(m)) f.samples.push_back(sample(m.zone, *v));
    out.push_back(std::move(f));
  }

  MetricFamily event{"zonesign_next_key_event_timestamp_seconds",
                     "When the next key event can happen (a record's cache window ends, a key's lifetime ends, "
                     "a DS request), as zonesign status shows it",
                     MetricType::gauge,
                     {}};
  MetricFamily waiting{"zonesign_operator_tasks_waiting",
                       "Tasks only the operator can do (submit or withdraw a DS, re-sign now), as zonesign status "
                       "lists them",
                       MetricType::gauge,
                       {}};
  MetricFamily since{"zonesign_operator_task_waiting_since_timestamp_seconds",
                     "Since when each operator task has been waiting", MetricType::gauge, {}};
  MetricFamily failing{"zonesign_zone_failing",
                       "1 when the published zone fails validation now or will before the next due run can fix it "
                       "(zonesign status exit 11)",
                       MetricType::gauge,
                       {}};
  for (const ZoneMetrics& m : zones) {
    if (m.next_key_event)
      event.samples.push_back(MetricSample{
          {{"zone", m.zone}, {"event", m.next_key_event->event}, {"key", m.next_key_event->key}},
          m.next_key_event->at});
    if (m.tasks) {
      waiting.samples.push_back(sample(m.zone, static_cast<std::int64_t>(m.tasks->size())));
      // Two tasks with one label set would be a duplicate series: the one
      // waiting longest stands for both.
      std::map<std::pair<std::string, std::string>, UnixTime> earliest;
      for (const TaskWaiting& t : *m.tasks) {
        auto [it, fresh] = earliest.try_emplace({t.task, t.key}, t.since);
        if (!fresh) it->second = std::min(it->second, t.since);
      }
      for (const auto& [labels, at] : earliest)
        since.samples.push_back(MetricSample{{{"zone", m.zone}, {"task", labels.first}, {"key", labels.second}}, at});
    }
    if (m.failing) failing.samples.push_back(sample(m.zone, *m.failing ? 1 : 0));
  }
  out.push_back(std::move(event));
  out.push_back(std::move(waiting));
  out.push_back(std::move(since));
  out.push_back(std::move(failing));

  MetricFamily success{"zonesign_run_success", "1 when the last sign run published the zone and saved the key state",
                       MetricType::gauge, {}};
  MetricFamily exit_code{"zonesign_run_exit_code", "Exit code of the last sign run (README, Exit codes)",
                         MetricType::gauge, {}};
  MetricFamily run_at{"zonesign_last_run_timestamp_seconds", "When the last sign run ran (its --now or the clock)",
                      MetricType::gauge, {}};
  MetricFamily duration{"zonesign_run_duration_seconds", "Wall time of the last sign run", MetricType::gauge, {}};
  MetricFamily made{"zonesign_signatures_made", "Signatures the last sign run made", MetricType::gauge, {}};
  MetricFamily reused{"zonesign_signatures_reused",
                      "Signatures the last sign run kept from the previous output", MetricType::gauge, {}};
  for (const ZoneMetrics& m : zones) {
    if (!m.run) continue;
    const RunMetrics& r = *m.run;
    success.samples.push_back(sample(m.zone, r.success ? 1 : 0));
    exit_code.samples.push_back(sample(m.zone, r.exit_code));
    run_at.samples.push_back(sample(m.zone, r.at));
    duration.samples.push_back(MetricSample{{{"zone", m.zone}}, r.duration_seconds});
    if (r.signatures_made) made.samples.push_back(sample(m.zone, static_cast<std::int64_t>(*r.signatures_made)));
    if (r.signatures_reused)
      reused.samples.push_back(sample(m.zone, static_cast<std::int64_t>(*r.signatures_reused)));
  }
  for (MetricFamily* f : {&success, &exit_code, &run_at, &duration, &made, &reused}) out.push_back(std::move(*f));
  return out;
}

Result<void> check_metrics_path(const std::string& path, const std::vector<std::string>& files,
                                const std::vector<std::string>& folders) {
  if (path.empty() || path == "-")
    return fail(Errc::usage, "--metrics-file: expected a file name (the textfile collector reads files, not a stream)");
  const auto target = resolved(path);
  for (const std::string& file : files) {
    if (file.empty() || file == "-") continue;
    if (resolved(file) == target || same_inode(path, file))
      return fail(Errc::usage, "--metrics-file '" + path + "' is the file '" + file +
                                   "' of this run: the metrics file is rewritten even when the run fails");
  }
  for (const std::string& folder : folders) {
    if (folder.empty()) continue;
    if (inside(target, resolved(folder)))
      return fail(Errc::usage, "--metrics-file '" + path + "' is inside the key folder '" + folder +
                                   "': zonesign writes nothing there but keys and their state");
  }
  return {};
}

namespace {

// The metric a line of an exposition belongs to: a sample's name, or the
// name after `# HELP ` / `# TYPE `; empty for anything else.
std::string_view family_of(std::string_view line, bool& comment) {
  comment = false;
  for (std::string_view prefix : {"# HELP ", "# TYPE "}) {
    if (line.starts_with(prefix)) {
      comment = true;
      line.remove_prefix(prefix.size());
      return line.substr(0, line.find(' '));
    }
  }
  if (line.empty() || line.front() == '#') return {};
  return line.substr(0, std::min(line.find('{'), line.find(' ')));
}

}  // namespace

std::string merge_expositions(const std::vector<std::string>& parts) {
  struct Family {
    std::string head;  // its # HELP and # TYPE lines
    std::string samples;
  };
  std::vector<std::string> order;
  for (const MetricFamily& f : zone_metric_families({})) order.push_back(f.name);
  std::map<std::string, Family, std::less<>> families;
  for (const std::string& part : parts) {
    std::map<std::string, std::string, std::less<>> heads;  // this part's comments, per family
    std::size_t start = 0;
    while (start < part.size()) {
      std::size_t end = part.find('\n', start);
      if (end == std::string::npos) end = part.size();
      const std::string_view line = std::string_view(part).substr(start, end - start);
      start = end + 1;
      bool comment = false;
      const std::string_view name = family_of(line, comment);
      if (name.empty()) continue;
      if (std::ranges::find(order, name) == order.end()) order.emplace_back(name);
      Family& f = families[std::string(name)];
      if (comment)
        heads[std::string(name)].append(line).append("\n");
      else
        f.samples.append(line).append("\n");
    }
    for (auto& [name, head] : heads)
      if (families[name].head.empty()) families[name].head = std::move(head);
  }
  std::string out;
  for (const std::string& name : order) {
    auto it = families.find(name);
    if (it == families.end() || it->second.samples.empty()) continue;
    out += it->second.head + it->second.samples;
  }
  return out;
}

Result<void> write_metrics_text(const std::string& path, const std::string& text) {
  // A run killed while writing left its temporary file in the collector's
  // folder; the collector skips it (not *.prom), but nothing else removes it.
  remove_stale_temp_files(path);
  auto written = write_file_atomic(path, text, 0644);
  if (!written) return std::unexpected(std::move(written.error()).with_context("while writing the metrics file"));
  return {};
}

Result<void> write_metrics_file(const std::string& path, const std::vector<ZoneMetrics>& zones) {
  return write_metrics_text(path, render_exposition(zone_metric_families(zones)));
}

}  // namespace zs
