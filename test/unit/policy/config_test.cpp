#include "policy/config.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace zs;
namespace fs = std::filesystem;

namespace {

Config load_ok(std::string_view yaml, const std::string& base = "/srv/dns") {
  auto r = load_config_text(yaml, "z.yaml", base);
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().to_string()));
  return *r;
}

Error load_bad(std::string_view yaml) {
  auto r = load_config_text(yaml, "z.yaml", "/srv/dns");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::policy);
  CHECK(r.error().where->file == "z.yaml");
  return r.error();
}

// The YAML path an error names: its message up to the first ": ".
std::string error_path(const Error& e) { return e.message.substr(0, e.message.find(": ")); }

constexpr std::string_view good = R"(version: 1
keys: keys
policy: standard
policies:
  standard: policies/standard.yaml
  fast: /etc/zonesign/fast.yaml
zones:
  - origin: example.com
    file: zones/example.com.zone
    output: signed/example.com.zone
  - origin: Example.NET.
    file: /var/zones/example.net.zone
    output: ../out/example.net.zone
    keys: /var/keys
    policy: fast
)";

}  // namespace

TEST_CASE(
    "a good config lists its zones in file order with defaults and named "
    "policies applied") {
  const Config c = load_ok(good);
  REQUIRE(c.zones.size() == 2);
  const ZoneConfig& com = c.zones[0];
  CHECK(com.origin.to_string() == "example.com.");
  CHECK(com.file == "/srv/dns/zones/example.com.zone");
  CHECK(com.output == "/srv/dns/signed/example.com.zone");
  CHECK(com.keys == "/srv/dns/keys");
  CHECK(com.policy_name == "standard");
  CHECK(com.policy == "/srv/dns/policies/standard.yaml");
  CHECK(com.where.line == 8);
  const ZoneConfig& net = c.zones[1];
  CHECK(net.file == "/var/zones/example.net.zone");
  CHECK(net.output == "/srv/out/example.net.zone");
  CHECK(net.keys == "/var/keys");
  CHECK(net.policy == "/etc/zonesign/fast.yaml");
  CHECK(c.policies.size() == 2);
}

TEST_CASE("a zone without a policy anywhere has none") {
  const Config c = load_ok(
      "version: 1\nzones:\n  - {origin: a.test, file: a, "
      "output: b, keys: k}\n");
  REQUIRE(c.zones.size() == 1);
  CHECK(c.zones[0].policy.empty());
  CHECK(c.zones[0].policy_name.empty());
}

TEST_CASE(
    "relative paths resolve against the config file's folder, not the "
    "working directory") {
  const fs::path dir = fs::temp_directory_path() / ("zs-config-test-" + std::to_string(::getpid()));
  fs::create_directories(dir / "etc");
  const fs::path file = dir / "etc" / "zonesign.yaml";
  {
    std::ofstream out(file);
    out << "version: 1\nzones:\n  - origin: a.test\n    file: a.zone\n    "
           "output: ../signed/a.zone\n"
           "    keys: keys\n";
  }
  auto c = load_config(file.string());
  fs::remove_all(dir);
  REQUIRE_MESSAGE(c.has_value(), (c ? std::string() : c.error().to_string()));
  CHECK(c->zones[0].file == (dir / "etc" / "a.zone").string());
  CHECK(c->zones[0].output == (dir / "signed" / "a.zone").string());
  CHECK(c->zones[0].keys == (dir / "etc" / "keys").string());
}

TEST_CASE("a missing config file is an I/O error naming the file") {
  auto c = load_config("/nonexistent/zonesign.yaml");
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == Errc::io);
}

TEST_CASE("each bad field is reported at its line and column with its YAML path") {
  struct Case {
    const char* yaml;
    const char* path;
    std::uint32_t line;
    std::uint32_t column;
  };
  const Case cases[] = {
      {"version: 2\nzones: [{origin: a, file: f, output: o, keys: k}]\n", "version", 1, 10},
      {"version: \"1\"\nzones: [{origin: a, file: f, output: o, keys: k}]\n", "version", 1, 10},
      {"zones: [{origin: a, file: f, output: o, keys: k}]\n", "version", 1, 1},
      {"version: 1\n", "zones", 1, 1},
      {"version: 1\nzones: []\n", "zones", 2, 8},
      {"version: 1\nzone: []\n", "zone", 2, 1},
      {"version: 1\nversion: 1\nzones: []\n", "version", 2, 1},
      {"version: 1\nzones:\n  - origin: a\n    file: f\n    output: o\n    "
       "keys: k\n    outptu: x\n",
       "zones[0].outptu", 7, 5},
      {"version: 1\nzones:\n  - origin: a\n    file: f\n    output: o\n    "
       "keys: k\n    file: g\n",
       "zones[0].file", 7, 5},
      {"version: 1\nzones:\n  - origin: a..b\n    file: f\n    output: o\n    "
       "keys: k\n",
       "zones[0].origin", 3, 13},
      {"version: 1\nzones:\n  - origin: a\n    file:\n    output: o\n    keys: "
       "k\n",
       "zones[0].file", 4, 5},
      {"version: 1\nzones:\n  - origin: a\n    file: [x]\n    output: o\n    "
       "keys: k\n",
       "zones[0].file", 4, 11},
      {"version: 1\nzones:\n  - origin: a\n    output: o\n    keys: k\n", "zones[0].file", 3, 5},
      {"version: 1\nzones:\n  - origin: a\n    file: f\n    keys: k\n", "zones[0].output", 3, 5},
      {"version: 1\nzones:\n  - file: f\n    output: o\n    keys: k\n", "zones[0].origin", 3, 5},
      {"version: 1\nzones:\n  - origin: a\n    file: f\n    output: o\n", "zones[0].keys", 3, 5},
      {"version: 1\nzones:\n  - origin: a\n    file: f\n    output: f\n    "
       "keys: k\n",
       "zones[0].output", 3, 5},
      {"version: 1\nzones:\n  - origin: a\n    file: f\n    output: o\n    "
       "keys: k\n    policy: nope\n",
       "zones[0].policy", 7, 13},
      {"version: 1\npolicy: nope\npolicies: {p: p.yaml}\nzones:\n  - {origin: "
       "a, file: f, output: o, keys: k}\n",
       "policy", 2, 9},
      {"version: 1\npolicies:\n  p: [a]\nzones:\n  - {origin: a, file: f, "
       "output: o, keys: k}\n",
       "policies.p", 3, 6},
      {"version: 1\npolicies: [a]\nzones:\n  - {origin: a, file: f, output: o, "
       "keys: k}\n",
       "policies", 2, 11},
      {"version: 1\nzones:\n  - just-a-name\n", "zones[0]", 3, 5},
      {"version: 1\nzones:\n  - {origin: a, file: f, output: o, keys: k}\n  - "
       "{origin: b, file: g, output: p, "
       "keys: k, ttl: 3}\n",
       "zones[1].ttl", 4, 46},
  };
  for (const auto& c : cases) {
    CAPTURE(c.yaml);
    const Error e = load_bad(c.yaml);
    CHECK(error_path(e) == c.path);
    CHECK(e.where->line == c.line);
    CHECK(e.where->column == c.column);
  }
}

TEST_CASE(
    "a zone listed twice is refused at the second entry, whatever the "
    "case of its name") {
  const Error e = load_bad(
      "version: 1\nkeys: k\nzones:\n  - {origin: example.com, file: "
      "a, output: a.signed}\n"
      "  - {origin: EXAMPLE.com., file: b, output: b.signed}\n");
  CHECK(error_path(e) == "zones[1].origin");
  CHECK(e.where->line == 5);
  CHECK(e.message.find("line 4") != std::string::npos);
}

TEST_CASE("two zones writing one output are refused") {
  const Error e = load_bad(
      "version: 1\nkeys: k\nzones:\n  - {origin: a.test, "
      "file: a, output: out/../signed}\n"
      "  - {origin: b.test, file: b, output: signed}\n");
  CHECK(error_path(e) == "zones[1].output");
  CHECK(e.where->line == 5);
}

TEST_CASE("YAML syntax errors and extra documents carry a position") {
  const Error syntax = load_bad("version: 1\nzones: [\n");
  CHECK(syntax.where->line >= 2);
  const Error two = load_bad(
      "version: 1\nzones: [{origin: a, file: f, output: "
      "o, keys: k}]\n---\nversion: 1\n");
  CHECK(two.where->line == 3);
  const Error empty = load_bad("");
  CHECK(error_path(empty) == "version");
}

TEST_CASE(
    "--zone finds a zone in any case with or without the final dot, and "
    "names the zones it has otherwise") {
  const Config c = load_ok(good);
  auto net = c.zone("example.net");
  REQUIRE(net.has_value());
  CHECK((*net)->origin.to_string() == "Example.NET.");
  auto com = c.zone("EXAMPLE.COM.");
  REQUIRE(com.has_value());
  CHECK(*com == &c.zones[0]);
  auto missing = c.zone("example.org");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Errc::usage);
  CHECK(missing.error().message.find("example.com.") != std::string::npos);
  auto bad = c.zone("a..b");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == Errc::usage);
}

TEST_CASE(
    "--config without a value reads ZONESIGN_CONFIG, else the documented "
    "default") {
  CHECK(config_path_from_environment(nullptr) == "/etc/zonesign/zonesign.yaml");
  CHECK(config_path_from_environment("") == "/etc/zonesign/zonesign.yaml");
  CHECK(config_path_from_environment("/srv/z.yaml") == "/srv/z.yaml");
}
