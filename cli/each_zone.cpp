#include "each_zone.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "core/atomic_file.hpp"
#include "signer/metrics.hpp"

namespace zs::cli {

int exit_code_severity(int code) noexcept {
  switch (code) {
    case exit_ok:
      return 0;
    case exit_internal:
      return 6;
    case exit_usage:
      return 5;
    case exit_error:
      return 4;
    case exit_state_not_saved:
      return 3;
    case exit_zone_failing:
      return 2;
    default:
      return 1;  // 10, or what --action-needed-exit made of it
  }
}

int worse_exit_code(int a, int b) noexcept { return exit_code_severity(b) > exit_code_severity(a) ? b : a; }

std::vector<std::string> typed_arguments(const CLI::App& cmd, std::span<const std::string_view> skip) {
  std::vector<std::string> args;
  for (const CLI::Option* opt : cmd.get_options()) {
    if (opt->count() == 0) continue;
    const std::string name = opt->get_name();
    if (std::ranges::find(skip, std::string_view(name)) != skip.end()) continue;
    if (opt->get_expected_max() == 0 || opt->get_type_size_max() == 0) {
      // A flag: its results hold CLI11's spelling of "given", not a value.
      for (std::size_t i = 0; i < opt->count(); ++i) args.push_back(name);
      continue;
    }
    for (const auto& value : opt->results()) {
      args.push_back(name);
      args.push_back(value);
    }
  }
  return args;
}

Result<void> refuse_one_zone_options(const CLI::App& cmd, std::initializer_list<const char*> options) {
  for (const char* option : options)
    if (cmd.count(option) > 0)
      return fail(Errc::usage, std::string(option) +
                                   " names one zone: with --config and no --zone, every zone takes it from the "
                                   "config (give --zone NAME to work on one zone)");
  return {};
}

Result<std::string> self_executable() {
  std::string path(4096, '\0');
  const ssize_t n = ::readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (n <= 0) return fail(Errc::io, "cannot find this program (/proc/self/exe) to run per zone");
  path.resize(static_cast<std::size_t>(n));
  return path;
}

void print_prefixed(std::FILE* to, const std::string& zone, std::string_view line) {
  std::fprintf(to, "%s: %.*s\n", zone.c_str(), static_cast<int>(line.size()), line.data());
  std::fflush(to);
}

namespace {

// Prints the complete lines of `pending` with the zone in front; keeps the
// rest.
void flush_lines(std::FILE* to, const std::string& zone, std::string& pending) {
  std::size_t start = 0;
  for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
    print_prefixed(to, zone, std::string_view(pending).substr(start, nl - start));
  pending.erase(0, start);
}

// A running zone: its process and the read ends of its pipes (-1 once
// closed).
struct Child {
  pid_t pid = -1;
  int out = -1;
  int err = -1;
};

bool start_child(Child& child, const std::string& program, const std::vector<std::string>& args) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return false;
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return false;
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execv(program.c_str(), argv.data());
    static constexpr char message[] = "error: cannot start zonesign for this zone\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(exit_internal);
  }
  ::close(out[1]);
  ::close(err[1]);
  if (pid < 0) {
    ::close(out[0]);
    ::close(err[0]);
    return false;
  }
  child = Child{pid, out[0], err[0]};
  return true;
}

// Reads what is there on `fd`; closes it at the end of the stream.
void drain(int& fd, std::string& into) {
  char buffer[65536];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n > 0) {
    into.append(buffer, static_cast<std::size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    ::close(fd);
    fd = -1;
  }
}

// A line of the pool's own about a zone: printed at once when its standard
// error is streamed, else kept with the rest of it.
void pool_line(const ZonePool& pool, ZoneRun& run, const std::string& line) {
  if (pool.stream_err) {
    print_prefixed(stderr, run.zone, line);
    return;
  }
  if (!run.err.empty() && run.err.back() != '\n') run.err += '\n';
  run.err += line + "\n";
}

}  // namespace

std::vector<ZoneRun> run_zone_processes(const Config& config, const ZonePool& pool) {
  std::vector<ZoneRun> runs(config.zones.size());
  std::vector<Child> children(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) runs[i].zone = config.zones[i].origin.to_string();
  const std::size_t jobs = std::max<std::size_t>(1, pool.jobs);
  auto end_of = [&](std::size_t i) {
    if (pool.finished) pool.finished(i, runs);
  };
  std::size_t next = 0, running = 0;
  while (next < runs.size() || running > 0) {
    while (running < jobs && next < runs.size()) {
      const std::size_t i = next++;
      if (!start_child(children[i], pool.program, pool.arguments(i))) {
        runs[i].code = exit_internal;
        pool_line(pool, runs[i], std::string("error: cannot start its run: ") + std::strerror(errno));
        end_of(i);
        continue;
      }
      ++running;
    }
    std::vector<pollfd> fds;
    std::vector<std::pair<std::size_t, bool>> owners;  // zone, is stdout
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (children[i].out >= 0) {
        fds.push_back({children[i].out, POLLIN, 0});
        owners.emplace_back(i, true);
      }
      if (children[i].err >= 0) {
        fds.push_back({children[i].err, POLLIN, 0});
        owners.emplace_back(i, false);
      }
    }
    if (!fds.empty() && ::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      // poll itself failed: stop the zones and read their pipes to the end
      // (blocking), so that the loop ends instead of spinning.
      for (auto& [i, is_out] : owners) ::kill(children[i].pid, SIGTERM);
      for (auto& fd : fds) fd.revents = POLLHUP;
    }
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      const auto [i, is_out] = owners[k];
      ZoneRun& run = runs[i];
      if (is_out) {
        drain(children[i].out, run.out);
        if (pool.stream_out) flush_lines(stdout, run.zone, run.out);
      } else {
        drain(children[i].err, run.err);
        if (pool.stream_err) flush_lines(stderr, run.zone, run.err);
      }
    }
    for (std::size_t i = 0; i < children.size(); ++i) {
      Child& child = children[i];
      if (child.pid < 0 || child.out >= 0 || child.err >= 0) continue;
      int status = 0;
      while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
      }
      child.pid = -1;
      --running;
      ZoneRun& run = runs[i];
      // A last line without its line break.
      if (pool.stream_err && !run.err.empty()) {
        print_prefixed(stderr, run.zone, run.err);
        run.err.clear();
      }
      if (pool.stream_out && !run.out.empty()) {
        print_prefixed(stdout, run.zone, run.out);
        run.out.clear();
      }
      if (WIFEXITED(status)) {
        run.code = WEXITSTATUS(status);
      } else {
        run.code = exit_internal;
        pool_line(pool, run,
                  "error: internal error: its run ended by signal " +
                      std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0));
      }
      end_of(i);
    }
  }
  return runs;
}

// --- metrics -----------------------------------------------------------------

Result<ZoneMetricsFiles> ZoneMetricsFiles::create(const std::string& metrics_file, std::size_t zones) {
  ZoneMetricsFiles made;
  std::error_code ec;
  std::filesystem::path target = std::filesystem::absolute(metrics_file, ec);
  if (ec) target = metrics_file;
  for (std::size_t i = 0; i < zones; ++i) {
    std::string name = (target.parent_path() / (temp_prefix(target) + "XXXXXX")).string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0)
      return fail(Errc::io, "cannot create a temporary metrics file beside '" + metrics_file +
                                "': " + std::strerror(errno));
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    ::flock(fd, LOCK_EX | LOCK_NB);
    made.files_.push_back(File{name, fd});
  }
  return made;
}

ZoneMetricsFiles::~ZoneMetricsFiles() {
  for (const auto& f : files_) {
    ::unlink(f.path.c_str());
    ::close(f.fd);
  }
}

std::string ZoneMetricsFiles::text(std::size_t zone) const {
  auto text = read_file(files_[zone].path);
  return text ? std::move(*text) : std::string();
}

Result<void> write_merged_metrics(const std::string& metrics_file,
                                  std::vector<std::pair<std::string, std::string>> parts) {
  // Zones by name, as one run of many zones lists them.
  std::ranges::stable_sort(parts, {}, &std::pair<std::string, std::string>::first);
  std::vector<std::string> texts;
  for (auto& [zone, text] : parts)
    if (!text.empty()) texts.push_back(std::move(text));
  return write_metrics_text(metrics_file, merge_expositions(texts));
}

// --- status, plan and ds over every zone ------------------------------------

namespace {

// Options a zone takes from the config, or that report_each_zone sets per
// zone.
constexpr std::string_view report_per_zone_options[] = {"--config", "--zone",         "--json",
                                                         "--now",    "--metrics-file", "--help"};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// A zone's result in the text form: its block on standard output, then its
// standard error lines prefixed with its name, so that a terminal shows
// each zone's messages after its block.
void print_block(const ZoneRun& run, const EachZoneReport& options, bool first) {
  const bool failed = exit_code_severity(run.code) >= exit_code_severity(exit_error);
  if (!options.json) {
    // A failed zone's heading says so, for a reader of standard output alone
    // (a file, a pipe), where its block is empty or cut short.
    const std::string name = failed ? run.zone + " (FAILED, exit " + std::to_string(run.code) + ")" : run.zone;
    std::string head = options.comment_heading ? "; " + name + "\n" : "==> " + name + " <==\n";
    if (!first && !options.comment_heading) head.insert(0, "\n");
    std::fwrite(head.data(), 1, head.size(), stdout);
    std::fwrite(run.out.data(), 1, run.out.size(), stdout);
    if (!run.out.empty() && run.out.back() != '\n') std::fputc('\n', stdout);
    std::fflush(stdout);
  }
  for (const auto& line : split_lines(run.err)) print_prefixed(stderr, run.zone, line);
  if (failed) print_prefixed(stderr, run.zone, "FAILED, exit " + std::to_string(run.code));
}

nlohmann::ordered_json zone_entry(const ZoneRun& run) {
  nlohmann::ordered_json z;
  z["zone"] = run.zone;
  z["exit_code"] = run.code;
  auto parsed = nlohmann::ordered_json::parse(run.out, nullptr, false);
  z["report"] = parsed.is_discarded() || run.out.empty() ? nlohmann::ordered_json(nullptr) : parsed;
  // The error lines the zone's run printed (`file:line:column: error: ...`),
  // so that a script keeping only the document knows why a zone failed.
  z["errors"] = nlohmann::ordered_json::array();
  for (const auto& line : split_lines(run.err))
    if (line.starts_with("error: ") || line.find(": error: ") != std::string::npos) z["errors"].push_back(line);
  return z;
}

}  // namespace

void describe_every_zone(CLI::App& cmd) {
  if (CLI::Option* zone = cmd.get_option_no_throw("--zone"))
    zone->description("With --config: the zone to work on (its origin); without --zone, every zone of the config");
}

Result<std::optional<Config>> every_zone_config(const CLI::App& cmd, const ConfigCliOptions& options) {
  if (!config_given(cmd) || !options.zone.empty()) return std::optional<Config>();
  auto selected = select_config(cmd, options, /*zone_required=*/false);
  if (!selected) return std::unexpected(selected.error());
  return std::optional<Config>(std::move((*selected)->config));
}

int report_each_zone(const CLI::App& cmd, const Config& config, const std::string& config_file,
                     const EachZoneReport& options) {
  if (auto ok = refuse_one_zone_options(cmd, {"--origin"}); !ok) return report_error(ok.error());
  // One moment for every zone, in the form every zone's --now reads back.
  auto now = parse_now(options.now, TimeUse::reading);
  if (!now) return report_error(now.error());
  auto program = self_executable();
  if (!program) return report_error(program.error());
  std::optional<ZoneMetricsFiles> metrics;
  if (options.metrics_file) {
    // Checked for every zone first, as each zone's own run checks its own.
    std::vector<std::string> files, folders;
    for (const ZoneConfig& z : config.zones) {
      files.push_back(z.policy);
      folders.push_back(z.keys);
    }
    if (auto ok = check_metrics_path(*options.metrics_file, files, folders); !ok) return report_error(ok.error());
    auto made = ZoneMetricsFiles::create(*options.metrics_file, config.zones.size());
    if (!made) return report_error(made.error());
    metrics.emplace(std::move(*made));
  }

  const std::string absolute_config = absolute_path(config_file);
  const std::vector<std::string> given = typed_arguments(cmd, report_per_zone_options);
  ZonePool pool;
  pool.program = std::move(*program);
  pool.jobs = std::min<std::size_t>(config.zones.size(), std::max(1u, std::thread::hardware_concurrency()));
  pool.arguments = [&](std::size_t i) {
    std::vector<std::string> args = {options.command, "--config", absolute_config, "--zone",
                                     config.zones[i].origin.to_string(), "--now", format_time(*now)};
    if (options.json) args.push_back("--json");
    if (metrics) args.insert(args.end(), {"--metrics-file", metrics->path(i)});
    args.insert(args.end(), given.begin(), given.end());
    return args;
  };
  // Blocks in the config's order, each as soon as it and those before it
  // are done.
  std::vector<bool> done(config.zones.size(), false);
  std::size_t printed = 0;
  pool.finished = [&](std::size_t i, const std::vector<ZoneRun>& runs) {
    done[i] = true;
    for (; printed < runs.size() && done[printed]; ++printed) print_block(runs[printed], options, printed == 0);
  };
  const std::vector<ZoneRun> runs = run_zone_processes(config, pool);

  int worst = exit_ok;
  for (const auto& run : runs) worst = worse_exit_code(worst, run.code);
  if (metrics) {
    std::vector<std::pair<std::string, std::string>> parts;
    for (std::size_t i = 0; i < runs.size(); ++i) parts.emplace_back(runs[i].zone, metrics->text(i));
    // Writing the metrics is this run's job, as for one zone: failing at it
    // is an error, though a failing zone still says so (exit 11).
    if (auto written = write_merged_metrics(*options.metrics_file, std::move(parts)); !written) {
      report_error(written.error());
      if (worst != exit_zone_failing) worst = worse_exit_code(worst, exit_error);
    }
  }
  if (options.json) {
    nlohmann::ordered_json doc;
    doc["config"] = absolute_config;
    doc["zones"] = nlohmann::ordered_json::array();
    for (const auto& run : runs) doc["zones"].push_back(zone_entry(run));
    doc["exit_code"] = worst;
    const std::string text = doc.dump(2) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return worst;
}

}  // namespace zs::cli
