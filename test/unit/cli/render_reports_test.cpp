// The JSON documents of verify, check and keygen (cli/render_reports.hpp),
// from results built by hand: every field the schema lists is there, null
// where unknown, and errors keep their code and position.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "render_reports.hpp"

using namespace zs;
using namespace zs::cli;

namespace {

const Name origin = Name::parse("example.com.").value();
constexpr UnixTime t0 = 1767225600;  // 2026-01-01T00:00:00Z

ZoneFileVerification verification() {
  ZoneFileVerification v;
  v.records = 40;
  v.report.denial = VerifyReport::Denial::nsec3;
  v.report.rrsets_checked = 20;
  v.report.signatures_checked = 21;
  v.report.zonemd = ZonemdCheck::Outcome::verified;
  v.report.problems.push_back(
      VerifyProblem{Name::parse("mail.example.com.").value(), RrType::A, "no valid signature", Severity::error});
  v.report.problems.push_back(
      VerifyProblem{Name::parse("x.example.com.").value(), RrType::NSEC3, "TTL 3600, not 300", Severity::warning});
  return v;
}

}  // namespace

TEST_CASE("verify: problems are split into errors and warnings, each at its line when known") {
  VerifyRun run{"z.signed", origin, t0, false, verification(), {}, std::nullopt, 1};
  run.where = {Location{"z.signed", 12, 1}, std::nullopt};
  const auto doc = nlohmann::json::parse(verify_json(run));
  CHECK(doc["ok"] == false);
  CHECK(doc["result"] == "invalid");
  CHECK(doc["now"] == "2026-01-01T00:00:00Z");
  CHECK(doc["denial"] == "NSEC3");
  CHECK(doc["records"] == 40);
  CHECK(doc["signatures_checked"] == 21);
  CHECK(doc["zonemd"] == "verified");
  CHECK(doc["checks"].size() == 6);  // with zonemd
  REQUIRE(doc["errors"].size() == 1);
  CHECK(doc["errors"][0]["owner"] == "mail.example.com.");
  CHECK(doc["errors"][0]["type"] == "A");
  CHECK(doc["errors"][0]["file"] == "z.signed");
  CHECK(doc["errors"][0]["line"] == 12);
  REQUIRE(doc["warnings"].size() == 1);
  CHECK(doc["warnings"][0]["line"].is_null());
  CHECK(doc["warnings"][0]["type"] == "NSEC3");
  CHECK(doc["error_count"] == 1);
  CHECK(doc["warning_count"] == 1);
  CHECK(doc["exit_code"] == 1);
}

TEST_CASE("verify: with --strict a warning alone fails the zone") {
  ZoneFileVerification v = verification();
  v.report.problems.erase(v.report.problems.begin());
  VerifyRun lenient{"z", origin, t0, false, v, {}, std::nullopt, 0};
  VerifyRun strict{"z", origin, t0, true, v, {}, std::nullopt, 1};
  CHECK(nlohmann::json::parse(verify_json(lenient))["result"] == "valid");
  CHECK(nlohmann::json::parse(verify_json(strict))["result"] == "invalid");
}

TEST_CASE("verify: an unreadable file is a report with the error and null counts") {
  VerifyRun run{"gone", origin, t0, false, std::nullopt, {}, Error(Errc::io, "cannot open", Location{"gone", 0, 0}),
                1};
  const auto doc = nlohmann::json::parse(verify_json(run));
  CHECK(doc["result"] == "unreadable");
  CHECK(doc["records"].is_null());
  CHECK(doc["denial"].is_null());
  CHECK(doc["checks"].empty());
  REQUIRE(doc["errors"].size() == 1);
  CHECK(doc["errors"][0]["code"] == "io");
  CHECK(doc["errors"][0]["file"] == "gone");
  CHECK(doc["errors"][0]["line"].is_null());
  CHECK(doc["errors"][0]["owner"].is_null());
}

TEST_CASE("a policy error's YAML path is the head of its message, and only a policy error's") {
  CHECK(yaml_path_of(Error(Errc::policy, "keys.zsk.lifetime: bad duration \"9x\"")) == "keys.zsk.lifetime");
  CHECK(yaml_path_of(Error(Errc::policy, "zones[2].origin: missing")) == "zones[2].origin");
  CHECK_FALSE(yaml_path_of(Error(Errc::policy, "YAML syntax: bad indentation")));
  CHECK_FALSE(yaml_path_of(Error(Errc::io, "keys.zsk: cannot open")));
  CHECK_FALSE(yaml_path_of(Error(Errc::policy, "no colon here")));
}

TEST_CASE("check: errors carry source, code, position and YAML path; warnings their own fields") {
  CheckRun run;
  run.policies = {"p.yaml"};
  run.zone = CheckRun::ZonePart{"z.zone", "example.com.", std::nullopt, 86400};
  run.errors.push_back(CheckError{"policy", Error(Errc::policy, "ttl.zone-max: too small", Location{"p.yaml", 4, 7})});
  run.warnings.push_back(CheckWarning{"zone", "occluded", Location{"z.zone", 9, 1}, std::nullopt,
                                      std::string("www.old.example.com."), std::string("A")});
  run.exit_code = 1;
  const auto doc = nlohmann::json::parse(check_json(run));
  CHECK(doc["ok"] == false);
  CHECK(doc["config"].is_null());
  CHECK(doc["zone"]["records"].is_null());
  CHECK(doc["zone"]["zone_max_ttl"] == 86400);
  REQUIRE(doc["errors"].size() == 1);
  CHECK(doc["errors"][0]["source"] == "policy");
  CHECK(doc["errors"][0]["code"] == "policy");
  CHECK(doc["errors"][0]["line"] == 4);
  CHECK(doc["errors"][0]["column"] == 7);
  CHECK(doc["errors"][0]["path"] == "ttl.zone-max");
  REQUIRE(doc["warnings"].size() == 1);
  CHECK(doc["warnings"][0]["owner"] == "www.old.example.com.");
  CHECK(doc["warnings"][0]["path"].is_null());
  CHECK(doc["exit_code"] == 1);
}

TEST_CASE("keygen: a KSK has its DNSKEY and DS lines, a ZSK no DS") {
  KeyInfo k;
  k.role = Role::ksk;
  k.algorithm = Algorithm::ED25519;
  k.flags = 257;
  k.bits = 256;
  k.tag = 4711;
  k.file = "Kexample.com.+015+04711.pem";
  k.public_key = Bytes(32, 0x01);
  auto doc = nlohmann::json::parse(keygen_json(origin, "keys/", t0, k));
  CHECK(doc["key_folder"] == "keys/example.com");
  REQUIRE(doc["keys"].size() == 1);
  const auto& key = doc["keys"][0];
  CHECK(key["tag"] == 4711);
  CHECK(key["role"] == "ksk");
  CHECK(key["algorithm_number"] == 15);
  CHECK(key["pkcs11_uri"].is_null());
  CHECK(key["dnskey"].get<std::string>().starts_with("example.com. IN DNSKEY 257 3 15 AQEB"));
  REQUIRE(key["ds"].size() == 1);
  CHECK(key["ds"][0].get<std::string>().starts_with("example.com. IN DS "));
  CHECK(key["ds"][0].get<std::string>().find(" 15 2 ") != std::string::npos);
  k.role = Role::zsk;
  k.flags = 256;
  doc = nlohmann::json::parse(keygen_json(origin, "keys", t0, k));
  CHECK(doc["keys"][0]["ds"].empty());
}
