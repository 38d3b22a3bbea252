#include <doctest/doctest.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "signer/ds_report.hpp"
#include "signer/sign_zone.hpp"
#include "signer/verify_file.hpp"

using namespace zs;

namespace {

constexpr const char* zone_text = R"($ORIGIN example.org.
$TTL 3600
@ IN SOA ns1 hostmaster 2026010101 7200 3600 1209600 300
  IN NS ns1
  IN NS ns2.example.net.
  IN MX 10 mail
ns1 IN A 192.0.2.53
mail IN A 192.0.2.25
www IN CNAME @
*.wild IN TXT "wildcard"
a.b.c IN A 192.0.2.9
sub IN NS ns.sub
ns.sub IN A 192.0.2.99
secure IN NS ns1
secure IN DS 12345 13 2 3E0E5C8F3A0D1C9B4F2A6E7D8C9B0A1F2E3D4C5B6A7980F1E2D3C4B5A6978801
)";

struct Fixture {
  std::filesystem::path dir;
  Fixture() {
    dir = std::filesystem::temp_directory_path() / "zs_sign_zone_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    REQUIRE(write_file_atomic((dir / "example.org.zone").string(), zone_text));
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  SignRequest request(const std::string& output) const {
    SignRequest r;
    r.zone_file = (dir / "example.org.zone").string();
    r.origin = Name::parse("example.org.").value();
    r.key_dir = (dir / "keys").string();
    r.output = (dir / output).string();
    r.now = 1767225600;  // 2026-01-01T00:00:00Z
    for (auto& k : r.keys) k.algorithm = Algorithm::ED25519;
    r.threads = 1;
    return r;
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "signing creates a KSK and a ZSK and writes a zone that verifies") {
  auto summary = sign_zone(request("out.zone"));
  REQUIRE_MESSAGE(summary, summary.error().to_string());
  CHECK(summary->keys_created == 2);
  CHECK(summary->signatures > 10);
  auto report = verify_zone_file((dir / "out.zone").string(), Name::parse("example.org.").value(), 1767225600, 1);
  REQUIRE(report);
  CHECK(report->ok());
  CHECK(report->denial == VerifyReport::Denial::nsec3);

  // A second run reuses the keys.
  auto again = sign_zone(request("out2.zone"));
  REQUIRE(again);
  CHECK(again->keys_created == 0);
  DsRequest ds_request;
  ds_request.origin = Name::parse("example.org.").value();
  ds_request.key_dir = (dir / "keys").string();
  auto ds = make_ds_report(ds_request);
  REQUIRE(ds);
  CHECK(ds->size() == 1);
}

TEST_CASE_FIXTURE(Fixture, "the same input, keys and time give the same bytes for any thread count") {
  REQUIRE(sign_zone(request("one.zone")));
  SignRequest two = request("two.zone");
  two.threads = 2;
  REQUIRE(sign_zone(two));
  SignRequest again = request("three.zone");
  again.denial = DenialType::nsec3;
  REQUIRE(sign_zone(again));
  std::string a = read_file((dir / "one.zone").string()).value();
  CHECK(a == read_file((dir / "two.zone").string()).value());
  CHECK(a == read_file((dir / "three.zone").string()).value());
}

TEST_CASE_FIXTURE(Fixture, "NSEC signing and the serial modes work, and the serial never goes backwards") {
  SignRequest r = request("nsec.zone");
  r.denial = DenialType::nsec;
  r.serial = SerialPolicy::unixtime;
  auto s = sign_zone(r);
  REQUIRE_MESSAGE(s, s.error().to_string());
  CHECK(s->serial == 2026010102u);  // 1767225600 is behind 2026010101 in RFC 1982 terms
  r.output = (dir / "date.zone").string();
  r.serial = SerialPolicy::date;  // 2026010100 is below the zone's 2026010101: increments instead
  s = sign_zone(r);
  REQUIRE(s);
  CHECK(s->serial == 2026010102u);
  r.serial = SerialPolicy::increment;  // moves past the previously published 2026010102
  s = sign_zone(r);
  REQUIRE(s);
  CHECK(s->serial == 2026010103u);
  r.serial = SerialPolicy::keep;
  s = sign_zone(r);
  REQUIRE(s);
  CHECK(s->serial == 2026010101u);
}

TEST_CASE_FIXTURE(Fixture, "bad input leaves an existing output file untouched") {
  REQUIRE(write_file_atomic((dir / "out.zone").string(), "previous contents\n"));
  REQUIRE(write_file_atomic((dir / "bad.zone").string(), "$ORIGIN example.org.\n@ 3600 IN SOA ns1 host 1 2 3 4\n"));
  SignRequest r = request("out.zone");
  r.zone_file = (dir / "bad.zone").string();
  auto s = sign_zone(r);
  REQUIRE_FALSE(s);
  CHECK(s.error().where.has_value());
  CHECK(read_file((dir / "out.zone").string()).value() == "previous contents\n");
}

TEST_CASE_FIXTURE(Fixture, "with a policy the planner's key states decide the keys, and the first CDS waits") {
  SignRequest r = request("policy.zone");
  r.policy = default_policy();
  auto first = sign_zone(r);
  REQUIRE_MESSAGE(first, first.error().to_string());
  CHECK(first->keys_created == 2);
  CHECK(first->operator_tasks.empty());
  std::string text = read_file((dir / "policy.zone").string()).value();
  CHECK(text.find("\tDNSKEY\t") != std::string::npos);
  CHECK(text.find("\tCDS\t") == std::string::npos);  // not before the signed zone fills every cache

  r.now += 7 * 86400;
  auto later = sign_zone(r);
  REQUIRE_MESSAGE(later, later.error().to_string());
  CHECK(later->keys_created == 0);
  CHECK(later->operator_tasks.size() == 1);  // submit the DS: exit code 10 in the CLI
  text = read_file((dir / "policy.zone").string()).value();
  CHECK(text.find("\tCDS\t") != std::string::npos);
  auto report = verify_zone_file((dir / "policy.zone").string(), Name::parse("example.org.").value(), r.now, 1);
  REQUIRE(report);
  CHECK(report->ok());
}
