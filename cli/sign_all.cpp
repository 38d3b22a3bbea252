#include "sign_all.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "core/atomic_file.hpp"
#include "signer/metrics.hpp"

namespace zs::cli {

namespace {

// Options a zone takes from the config, or that the pool sets per zone.
constexpr std::string_view per_zone_options[] = {"--config", "--zone",         "--threads",
                                                  "--json",   "--metrics-file", "--help"};

// The options the user typed, to be given to every zone's run as typed.
std::vector<std::string> explicit_arguments(const CLI::App& cmd) {
  std::vector<std::string> args;
  for (const CLI::Option* opt : cmd.get_options()) {
    if (opt->count() == 0) continue;
    const std::string name = opt->get_name();
    if (std::ranges::find(per_zone_options, std::string_view(name)) != std::end(per_zone_options)) continue;
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

struct ZoneRun {
  std::string zone;
  pid_t pid = -1;
  int out = -1;  // the child's stdout, then -1 once closed
  int err = -1;
  std::string out_text;  // all of it with --json, else the unfinished line
  std::string err_line;  // the unfinished line
  int code = 0;
};

void print_prefixed(std::FILE* to, const std::string& zone, std::string_view line) {
  std::fprintf(to, "%s: %.*s\n", zone.c_str(), static_cast<int>(line.size()), line.data());
  std::fflush(to);
}

// Prints the complete lines of `pending` with the zone in front; keeps the
// rest.
void flush_lines(std::FILE* to, const std::string& zone, std::string& pending) {
  std::size_t start = 0;
  for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
    print_prefixed(to, zone, std::string_view(pending).substr(start, nl - start));
  pending.erase(0, start);
}

std::string self_executable() {
  // The program that is running now, not a `zonesign` found on PATH that may
  // be another version.
  std::string path(4096, '\0');
  const ssize_t n = ::readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (n <= 0) return "";
  path.resize(static_cast<std::size_t>(n));
  return path;
}

bool start(ZoneRun& run, const std::string& program, const std::vector<std::string>& args) {
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
  run.pid = pid;
  run.out = out[0];
  run.err = err[0];
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

// The temporary file a zone's run writes its metrics to: `.M.tmp-XXXXXX`
// beside the metrics file M, the name core/atomic_file gives its own
// temporary files, so the collector never reads it (not *.prom) and, should
// this run be killed, the next write of M removes it. The flock() on the
// empty file keeps another writer of M from taking it for a dead run's until
// the zone's run puts its own file in its place (atomically, by rename).
struct ZoneMetricsFile {
  std::string path;
  int fd = -1;
};

Result<ZoneMetricsFile> make_zone_metrics_file(const std::string& metrics_file) {
  std::error_code ec;
  std::filesystem::path target = std::filesystem::absolute(metrics_file, ec);
  if (ec) target = metrics_file;
  std::string name = (target.parent_path() / (temp_prefix(target) + "XXXXXX")).string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return fail(Errc::io, "cannot create a temporary metrics file beside '" + metrics_file + "': " +
                                        std::strerror(errno));
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  ::flock(fd, LOCK_EX | LOCK_NB);
  return ZoneMetricsFile{name, fd};
}

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

int sign_all_zones(const CLI::App& cmd, const Config& config, const std::string& config_file,
                   const SignAllOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const unsigned threads = options.threads;
  const bool json = options.json, verbose = options.verbose;
  for (const char* option : {"ZONEFILE", "--origin", "--output"})
    if (cmd.count(option) > 0)
      return report_error(Error(Errc::usage, std::string(option) +
                                                 " names one zone: with --config and no --zone, every zone "
                                                 "takes it "
                                                 "from the config (give --zone NAME to sign one zone)"));
  const std::string program = self_executable();
  if (program.empty())
    return report_error(Error(Errc::io, "cannot find this program (/proc/self/exe) to run per zone"));
  const std::string absolute_config = absolute_path(config_file);
  const std::vector<std::string> given = explicit_arguments(cmd);
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
  std::vector<ZoneMetricsFile> metrics_files;
  // Each zone's temporary file goes when this run ends, whatever happens.
  struct RemoveAtEnd {
    std::vector<ZoneMetricsFile>& files;
    ~RemoveAtEnd() {
      for (const auto& f : files) {
        ::unlink(f.path.c_str());
        ::close(f.fd);
      }
    }
  } remove_at_end{metrics_files};
  for (std::size_t i = 0; metrics && i < config.zones.size(); ++i) {
    auto file = make_zone_metrics_file(options.metrics_file);
    if (!file) {
      // As when the file itself cannot be written: said, and the zones are
      // signed all the same.
      report_error(file.error());
      metrics = false;
      break;
    }
    metrics_files.push_back(std::move(*file));
  }

  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t jobs = std::min<std::size_t>(config.zones.size(), cores);
  const unsigned budget = threads > 0 ? threads : cores;
  const unsigned share = std::max<unsigned>(1, budget / static_cast<unsigned>(jobs));

  std::vector<ZoneRun> runs(config.zones.size());
  std::size_t next = 0, running = 0;
  while (next < runs.size() || running > 0) {
    while (running < jobs && next < runs.size()) {
      ZoneRun& run = runs[next];
      run.zone = config.zones[next].origin.to_string();
      std::vector<std::string> args = {"sign",   "--config",  absolute_config,      "--zone",
                                       run.zone, "--threads", std::to_string(share)};
      if (json) args.push_back("--json");
      if (metrics) args.insert(args.end(), {"--metrics-file", metrics_files[next].path});
      args.insert(args.end(), given.begin(), given.end());
      ++next;
      if (!start(run, program, args)) {
        print_prefixed(stderr, run.zone, std::string("error: cannot start its run: ") + std::strerror(errno));
        run.code = exit_internal;
        continue;
      }
      ++running;
    }
    std::vector<pollfd> fds;
    std::vector<std::pair<ZoneRun*, bool>> owners;  // run, is stdout
    for (auto& run : runs) {
      if (run.out >= 0) {
        fds.push_back({run.out, POLLIN, 0});
        owners.emplace_back(&run, true);
      }
      if (run.err >= 0) {
        fds.push_back({run.err, POLLIN, 0});
        owners.emplace_back(&run, false);
      }
    }
    if (!fds.empty() && ::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      // poll itself failed: stop the zones and read their pipes to the end
      // (blocking), so that the loop ends instead of spinning.
      for (auto& [run, is_out] : owners) ::kill(run->pid, SIGTERM);
      for (auto& fd : fds) fd.revents = POLLHUP;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      ZoneRun& run = *owners[i].first;
      if (owners[i].second) {
        drain(run.out, run.out_text);
        if (!json) flush_lines(stdout, run.zone, run.out_text);
      } else {
        drain(run.err, run.err_line);
        flush_lines(stderr, run.zone, run.err_line);
      }
    }
    for (auto& run : runs) {
      if (run.pid < 0 || run.out >= 0 || run.err >= 0) continue;
      int status = 0;
      while (::waitpid(run.pid, &status, 0) < 0 && errno == EINTR) {
      }
      run.pid = -1;
      --running;
      if (!run.err_line.empty()) print_prefixed(stderr, run.zone, run.err_line);
      if (!json && !run.out_text.empty()) print_prefixed(stdout, run.zone, run.out_text);
      if (WIFEXITED(status)) {
        run.code = WEXITSTATUS(status);
      } else {
        run.code = exit_internal;
        print_prefixed(stderr, run.zone,
                       "error: internal error: its run ended by signal " +
                           std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0));
      }
      if (run.code != exit_ok || verbose)
        print_prefixed(stderr, run.zone,
                       run.code == exit_ok ? "signed (exit 0)"
                       : exit_code_severity(run.code) <= exit_code_severity(exit_state_not_saved)
                           ? "signed, exit " + std::to_string(run.code)
                           : "FAILED, exit " + std::to_string(run.code) + ": nothing published, keys unchanged");
    }
  }

  int worst = exit_ok;
  for (const auto& run : runs)
    if (exit_code_severity(run.code) > exit_code_severity(worst)) worst = run.code;
  if (metrics) {
    // Zones by name, as one run of many zones would list them; each zone's
    // metrics as its own run wrote them, failures included.
    std::vector<std::pair<std::string, std::string>> parts;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      auto text = read_file(metrics_files[i].path);
      parts.emplace_back(runs[i].zone, text && !text->empty()
                                           ? std::move(*text)
                                           : failed_run_metrics(runs[i].zone, runs[i].code, options.now, started));
    }
    std::ranges::sort(parts, {}, &std::pair<std::string, std::string>::first);
    std::vector<std::string> texts;
    for (auto& [zone, text] : parts) texts.push_back(std::move(text));
    // As for one zone: a metrics file that cannot be written is reported and
    // leaves the exit code to the zones.
    if (auto written = write_metrics_text(options.metrics_file, merge_expositions(texts)); !written)
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
      auto parsed = nlohmann::ordered_json::parse(run.out_text, nullptr, false);
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
