// A subcommand over every zone of a config (cli/each_zone.hpp): which runs
// are over every zone, the arguments each zone's run gets, the pool that
// runs them (here with /bin/sh in place of zonesign, so that exit codes,
// output and a killed run can be made at will), and the merged metrics file.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "commands.hpp"
#include "each_zone.hpp"
#include "signer/metrics.hpp"

using namespace zs;
using namespace zs::cli;
namespace fs = std::filesystem;

namespace {

struct TempFolder {
  fs::path dir = fs::temp_directory_path() / ("zs-each-zone-" + std::to_string(::getpid()));
  TempFolder() { fs::create_directories(dir); }
  ~TempFolder() { fs::remove_all(dir); }
  std::vector<std::string> names() const {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir)) found.push_back(e.path().filename().string());
    std::ranges::sort(found);
    return found;
  }
};

// A config of `zones` (origins) in that order.
Config config_of(std::initializer_list<const char*> zones) {
  Config config;
  for (const char* z : zones) {
    ZoneConfig entry;
    entry.origin = *Name::parse(z);
    config.zones.push_back(entry);
  }
  return config;
}

// `status` with the options report_each_zone passes on or sets.
struct StatusCommand {
  CLI::App app{"t"};
  CLI::App* cmd = app.add_subcommand("status");
  ZoneOptions zone;
  bool json = false, check_parent = false;
  std::string metrics;
  std::vector<std::string> servers;
  StatusCommand() {
    add_zone_options(*cmd, zone);
    cmd->add_flag("--json", json);
    cmd->add_flag("--check-parent", check_parent);
    cmd->add_option("--server", servers);
    cmd->add_option("--metrics-file", metrics);
  }
  void parse(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());
    args.push_back("status");
    app.parse(args);  // CLI11 takes the arguments reversed
  }
};

ZonePool shell_pool(std::vector<std::string> scripts) {
  ZonePool pool;
  pool.program = "/bin/sh";
  pool.jobs = 2;
  pool.arguments = [scripts](std::size_t i) { return std::vector<std::string>{"-c", scripts[i]}; };
  return pool;
}

}  // namespace

TEST_CASE("the worse of two exit codes follows the order of many zones") {
  CHECK(worse_exit_code(exit_ok, exit_action_needed) == exit_action_needed);
  CHECK(worse_exit_code(exit_zone_failing, exit_action_needed) == exit_zone_failing);
  CHECK(worse_exit_code(exit_zone_failing, exit_error) == exit_error);
  CHECK(worse_exit_code(exit_usage, exit_error) == exit_usage);
  CHECK(worse_exit_code(exit_internal, exit_usage) == exit_internal);
  // A tie keeps the first: --action-needed-exit 3 and 10 mean the same.
  CHECK(worse_exit_code(3, exit_action_needed) == 3);
}

TEST_CASE("each zone's run gets the options typed, but those set per zone") {
  StatusCommand c;
  c.parse({"--config", "c.yaml", "--keys", "k", "--json", "--check-parent", "--server", "192.0.2.1",
           "--server", "192.0.2.2", "--now", "+1d", "--metrics-file", "m.prom"});
  constexpr std::string_view skip[] = {"--config", "--zone", "--json", "--now", "--metrics-file"};
  CHECK(typed_arguments(*c.cmd, skip) ==
        std::vector<std::string>{"--keys", "k", "--check-parent", "--server", "192.0.2.1", "--server", "192.0.2.2"});
}

TEST_CASE("--origin names one zone and is refused over every zone") {
  StatusCommand c;
  c.parse({"--config", "c.yaml", "--origin", "example.com"});
  auto refused = refuse_one_zone_options(*c.cmd, {"--origin"});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Errc::usage);
  CHECK(refused.error().message.find("--zone") != std::string::npos);
  StatusCommand d;
  d.parse({"--config", "c.yaml", "--keys", "k"});
  CHECK(refuse_one_zone_options(*d.cmd, {"--origin"}).has_value());
}

TEST_CASE("a run is over every zone only with --config and without --zone") {
  TempFolder t;
  const fs::path file = t.dir / "zonesign.yaml";
  std::ofstream(file) << "version: 1\nkeys: keys\nzones:\n"
                         "  - {origin: example.com, file: a.zone, output: a.signed}\n"
                         "  - {origin: example.net, file: b.zone, output: b.signed}\n";
  StatusCommand all;
  all.parse({"--config", file.string()});
  auto every = every_zone_config(*all.cmd, all.zone.config);
  REQUIRE(every.has_value());
  REQUIRE(every->has_value());
  CHECK((*every)->zones.size() == 2);
  StatusCommand one;
  one.parse({"--config", file.string(), "--zone", "example.net"});
  auto single = every_zone_config(*one.cmd, one.zone.config);
  REQUIRE(single.has_value());
  CHECK_FALSE(single->has_value());
  StatusCommand none;
  none.parse({"--origin", "example.com"});
  auto paths = every_zone_config(*none.cmd, none.zone.config);
  REQUIRE(paths.has_value());
  CHECK_FALSE(paths->has_value());
  StatusCommand missing;
  missing.parse({"--config", (t.dir / "nothing.yaml").string()});
  CHECK_FALSE(every_zone_config(*missing.cmd, missing.zone.config).has_value());
}

TEST_CASE("the pool keeps each zone's output and exit code, in the config's order, whatever order they end in") {
  const Config config = config_of({"a.example.", "b.example.", "c.example."});
  TempFolder t;
  const std::string mark = (t.dir / "others-done").string();
  // The first zone ends last: it waits for a mark the pool's callback leaves
  // once the two others have ended (a mark left by the zones themselves would
  // race with their exit under load).
  ZonePool pool = shell_pool({"while [ ! -e " + mark + " ]; do sleep 0.01; done; echo first; echo 'error: a' >&2; "
                              "exit 1",
                              "echo second; exit 10", "printf 'no line break'; exit 0"});
  pool.jobs = 3;
  std::vector<std::size_t> ended;
  pool.finished = [&](std::size_t i, const std::vector<ZoneRun>&) {
    ended.push_back(i);
    if (ended.size() == 2) std::ofstream(mark).put('\n');
  };
  const auto runs = run_zone_processes(config, pool);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].zone == "a.example.");
  CHECK(runs[0].code == exit_error);
  CHECK(runs[0].out == "first\n");
  CHECK(runs[0].err == "error: a\n");
  CHECK(runs[1].code == exit_action_needed);
  CHECK(runs[1].out == "second\n");
  CHECK(runs[2].out == "no line break");
  REQUIRE(ended.size() == 3);
  CHECK(ended.back() == 0);
}

TEST_CASE("a zone's run that is killed is an internal error of that zone alone") {
  const Config config = config_of({"a.example.", "b.example."});
  const auto runs = run_zone_processes(config, shell_pool({"kill -9 $$", "echo fine"}));
  CHECK(runs[0].code == exit_internal);
  CHECK(runs[0].err.find("error: internal error: its run ended by signal 9") != std::string::npos);
  CHECK(runs[1].code == exit_ok);
  CHECK(runs[1].out == "fine\n");
}

TEST_CASE("one zone at a time when the pool has one job") {
  const Config config = config_of({"a.example.", "b.example."});
  TempFolder t;
  const std::string mark = (t.dir / "running").string();
  // A zone that finds the other's mark ran beside it.
  const std::string script = "if [ -e " + mark + " ]; then exit 1; fi; touch " + mark + "; sleep 0.1; rm " + mark;
  ZonePool pool = shell_pool({script, script});
  pool.jobs = 1;
  const auto runs = run_zone_processes(config, pool);
  CHECK(runs[0].code == exit_ok);
  CHECK(runs[1].code == exit_ok);
}

TEST_CASE("the zones' metrics files are temporary files beside the metrics file, gone at the end") {
  TempFolder t;
  const std::string target = (t.dir / "zonesign.prom").string();
  {
    auto files = ZoneMetricsFiles::create(target, 2);
    REQUIRE(files.has_value());
    CHECK(fs::path(files->path(0)).parent_path() == t.dir);
    CHECK(fs::path(files->path(0)).filename().string().starts_with(".zonesign.prom.tmp-"));
    CHECK(files->path(0) != files->path(1));
    CHECK(files->text(1).empty());
    std::ofstream(files->path(1)) << "written";
    CHECK(files->text(1) == "written");
    CHECK(t.names().size() == 2);
  }
  CHECK(t.names().empty());
  CHECK_FALSE(ZoneMetricsFiles::create((t.dir / "no-such-folder" / "m.prom").string(), 1).has_value());
}

TEST_CASE("the merged metrics file lists the zones by name, one HELP and TYPE per family") {
  TempFolder t;
  const std::string target = (t.dir / "zonesign.prom").string();
  auto part = [](const char* zone, std::uint32_t serial) {
    ZoneMetrics m;
    m.zone = zone;
    m.serial = serial;
    return render_exposition(zone_metric_families({m}));
  };
  REQUIRE(write_merged_metrics(target, {{"b.example.", part("b.example.", 2)},
                                        {"c.example.", ""},
                                        {"a.example.", part("a.example.", 1)}})
              .has_value());
  std::ifstream in(target);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  const auto a = s.find("zonesign_published_serial{zone=\"a.example.\"} 1");
  const auto b = s.find("zonesign_published_serial{zone=\"b.example.\"} 2");
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  CHECK(a < b);
  CHECK(s.find("# TYPE zonesign_published_serial") == s.rfind("# TYPE zonesign_published_serial"));
  CHECK(s.find("c.example.") == std::string::npos);
  CHECK(t.names() == std::vector<std::string>{"zonesign.prom"});
}
