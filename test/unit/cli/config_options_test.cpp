// --config FILE --zone NAME on a subcommand (cli/input_options.hpp) and the
// worst-of order of `sign --config` (cli/sign_all.hpp), on a small command
// parsed by CLI11 as the program parses its own.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "commands.hpp"
#include "input_options.hpp"
#include "sign_all.hpp"

using namespace zs;
using namespace zs::cli;
namespace fs = std::filesystem;

namespace {

struct TempConfig {
  fs::path dir = fs::temp_directory_path() / ("zs-config-cli-" + std::to_string(::getpid()));
  fs::path file = dir / "zonesign.yaml";
  TempConfig() {
    fs::create_directories(dir);
    std::ofstream(file) << "version: 1\nkeys: keys\npolicy: p\npolicies: {p: p.yaml}\nzones:\n"
                           "  - {origin: example.com, file: z/example.com.zone, output: "
                           "s/example.com.zone}\n";
  }
  ~TempConfig() { fs::remove_all(dir); }
};

struct ZoneCommand {
  CLI::App app{"t"};
  CLI::App* cmd = app.add_subcommand("ds");
  std::string origin, keys, policy;
  ConfigCliOptions config;
  ZoneCommand() {
    cmd->add_option("--origin", origin);
    cmd->add_option("--keys", keys);
    cmd->add_option("--policy", policy);
    add_config_options(*cmd, config);
  }
  Result<void> run(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());
    args.push_back("ds");
    app.parse(args);  // CLI11 takes the arguments reversed
    return apply_zone_config(*cmd, config,
                             {{"--origin", &origin, ZoneField::origin, true},
                              {"--keys", &keys, ZoneField::keys},
                              {"--policy", &policy, ZoneField::policy}});
  }
};

}  // namespace

TEST_CASE(
    "--config FILE --zone NAME fills the options not typed, and a typed "
    "option wins") {
  TempConfig t;
  ZoneCommand c;
  auto ok = c.run({"--config", t.file.string(), "--zone", "EXAMPLE.com", "--keys", "/elsewhere"});
  REQUIRE_MESSAGE(ok.has_value(), (ok ? std::string() : ok.error().to_string()));
  CHECK(c.origin == "example.com.");
  CHECK(c.keys == "/elsewhere");
  CHECK(c.policy == (t.dir / "p.yaml").string());
}

TEST_CASE(
    "--zone without --config, an unknown zone and a missing --zone are "
    "usage errors") {
  TempConfig t;
  {
    ZoneCommand c;
    auto r = c.run({"--zone", "example.com"});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Errc::usage);
  }
  {
    ZoneCommand c;
    auto r = c.run({"--config", t.file.string(), "--zone", "example.org"});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Errc::usage);
  }
  {
    ZoneCommand c;
    auto r = c.run({"--config", t.file.string()});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Errc::usage);
  }
}

TEST_CASE(
    "without --config nothing is read and a required option left out is "
    "a usage error naming it") {
  ZoneCommand c;
  auto r = c.run({"--keys", "k"});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::usage);
  CHECK(r.error().message.find("--origin") != std::string::npos);
  ZoneCommand given;
  CHECK(given.run({"--origin", "example.com", "--keys", "k"}).has_value());
  CHECK(given.policy.empty());
}

TEST_CASE("a bare --config reads the file ZONESIGN_CONFIG names") {
  TempConfig t;
  ::setenv("ZONESIGN_CONFIG", t.file.c_str(), 1);
  ZoneCommand c;
  auto ok = c.run({"--config", "--zone", "example.com"});
  ::unsetenv("ZONESIGN_CONFIG");
  REQUIRE_MESSAGE(ok.has_value(), (ok ? std::string() : ok.error().to_string()));
  CHECK(c.keys == (t.dir / "keys").string());
}

TEST_CASE(
    "the exit code of many zones is the worst: 70, 2, 1, 12, 11, then 10 "
    "or its replacement, then 0") {
  const std::vector<int> best_to_worst = {exit_ok,    exit_action_needed, exit_zone_failing, exit_state_not_saved,
                                          exit_error, exit_usage,         exit_internal};
  for (std::size_t i = 1; i < best_to_worst.size(); ++i)
    CHECK(exit_code_severity(best_to_worst[i - 1]) < exit_code_severity(best_to_worst[i]));
  // --action-needed-exit 3: still "the operator must act", below an error.
  CHECK(exit_code_severity(3) == exit_code_severity(exit_action_needed));
}
