// sign_zone with a ZONEMD (RFC 8976, docs/zonemd.md): the record is
// published, verified, listed in the denial chain, and its signature is made
// afresh on every run while the others are reused.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "core/atomic_file.hpp"
#include "dns/rdata.hpp"
#include "dnssec/rrsig.hpp"
#include "dnssec/zonemd.hpp"
#include "signer/sign_zone.hpp"
#include "signer/verify_file.hpp"
#include "zonefile/zonefile.hpp"

using namespace zs;

namespace {

// sub.zonemd.test. is a delegation; ns.sub its glue, which no RRSIG covers.
constexpr const char* base_zone = R"($ORIGIN zonemd.test.
$TTL 3600
@ IN SOA ns1 hostmaster 2026010101 7200 3600 1209600 300
  IN NS ns1
ns1 IN A 192.0.2.53
www IN A 192.0.2.80
sub IN NS ns.sub
ns.sub IN A 192.0.2.100
)";

constexpr UnixTime start = 1767225600;  // 2026-01-01T00:00:00Z
constexpr Duration day = 86400;

struct Fixture {
  std::filesystem::path dir;
  Name origin = Name::parse("zonemd.test.").value();
  Fixture() {
    dir = std::filesystem::temp_directory_path() / "zs_sign_zonemd_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    write_zone(base_zone);
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  void write_zone(const std::string& text) const { REQUIRE(write_file_atomic((dir / "zone").string(), text)); }

  SignRequest request(UnixTime now) const {
    SignRequest r;
    r.zone_file = (dir / "zone").string();
    r.origin = origin;
    r.key_dir = (dir / "keys").string();
    r.output = (dir / "signed").string();
    r.now = now;
    for (auto& k : r.keys) k.algorithm = Algorithm::ED25519;
    r.threads = 1;
    r.refresh = 5 * day;
    r.zonemd = true;
    return r;
  }

  // The output's records of `type` at `owner` (RDATA of RRSIGs covering `covered`
  // when type is RRSIG).
  std::vector<Bytes> rdatas(std::string_view owner, RrType type, RrType covered = RrType::A) const {
    auto parsed = parse_zone_file((dir / "signed").string(), ParseOptions{origin, 4});
    REQUIRE(parsed);
    std::vector<Bytes> out;
    for (const auto& r : parsed->records) {
      if (r.owner.to_string() != owner || r.type != type) continue;
      if (type == RrType::RRSIG && Rrsig::from_rdata(r.rdata).value().type_covered != covered) continue;
      out.push_back(r.rdata);
    }
    return out;
  }

  VerifyReport verify(UnixTime now) const {
    auto report = verify_zone_file((dir / "signed").string(), origin, now, 1);
    REQUIRE(report);
    return *report;
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "signing with zonemd publishes one apex ZONEMD of the SOA serial that verifies") {
  auto summary = sign_zone(request(start));
  REQUIRE_MESSAGE(summary, summary.error().to_string());
  const auto zonemd = rdatas("zonemd.test.", RrType::ZONEMD);
  REQUIRE(zonemd.size() == 1);
  auto z = Zonemd::from_rdata(zonemd.front());
  REQUIRE(z);
  CHECK(z->serial == 2026010101);
  CHECK(z->scheme == zonemd_scheme_simple);
  CHECK(z->hash_algorithm == zonemd_hash_sha384);
  CHECK(z->digest.size() == zonemd_sha384_length);
  CHECK(z->digest != Bytes(zonemd_sha384_length, 0));
  CHECK(rdatas("zonemd.test.", RrType::RRSIG, RrType::ZONEMD).size() == 1);  // the ZSK's
  const VerifyReport report = verify(start);
  CHECK(report.ok());
  CHECK(report.zonemd == ZonemdCheck::Outcome::verified);
}

TEST_CASE_FIXTURE(Fixture, "the apex NSEC lists ZONEMD") {
  SignRequest r = request(start);
  r.denial = DenialType::nsec;
  REQUIRE(sign_zone(r));
  const auto nsec = rdatas("zonemd.test.", RrType::NSEC);
  REQUIRE(nsec.size() == 1);
  CHECK(rdata_to_string(RrType::NSEC, nsec.front()).find("ZONEMD") != std::string::npos);
  CHECK(verify(start).ok());
}

TEST_CASE_FIXTURE(Fixture, "a re-sign after a glue change reuses every signature but the new ZONEMD's") {
  auto first = sign_zone(request(start));
  REQUIRE_MESSAGE(first, first.error().to_string());
  const auto digest_before = rdatas("zonemd.test.", RrType::ZONEMD);
  const auto sig_before = rdatas("zonemd.test.", RrType::RRSIG, RrType::ZONEMD);
  std::string changed = base_zone;
  changed.replace(changed.find("192.0.2.100"), 11, "192.0.2.101");
  write_zone(changed);

  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  // Glue is neither signed nor in the NSEC3 chain: only the digest changes.
  CHECK(second->signatures == first->signatures);
  CHECK(second->signatures - second->signatures_reused == 1);
  CHECK(rdatas("zonemd.test.", RrType::ZONEMD) != digest_before);
  const auto sig_after = rdatas("zonemd.test.", RrType::RRSIG, RrType::ZONEMD);
  REQUIRE(sig_after.size() == 1);
  CHECK(sig_after != sig_before);
  const VerifyReport report = verify(start + day);
  CHECK(report.ok());
  CHECK(report.zonemd == ZonemdCheck::Outcome::verified);
}

TEST_CASE_FIXTURE(Fixture, "an unchanged zone keeps its digest, and its ZONEMD signature is still made afresh") {
  REQUIRE(sign_zone(request(start)));
  const auto digest_before = rdatas("zonemd.test.", RrType::ZONEMD);
  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(rdatas("zonemd.test.", RrType::ZONEMD) == digest_before);
  CHECK(second->signatures - second->signatures_reused == 1);
  CHECK(verify(start + day).ok());
}

TEST_CASE_FIXTURE(Fixture, "a policy's zonemd: true publishes a ZONEMD, and without either there is none") {
  SignRequest r = request(start);
  r.zonemd = false;
  REQUIRE(sign_zone(r));
  CHECK(rdatas("zonemd.test.", RrType::ZONEMD).empty());
  r.policy = default_policy();
  r.policy->zonemd = true;
  r.now = start + day;
  auto summary = sign_zone(r);
  REQUIRE_MESSAGE(summary, summary.error().to_string());
  CHECK(rdatas("zonemd.test.", RrType::ZONEMD).size() == 1);
  CHECK(verify(start + day).zonemd == ZonemdCheck::Outcome::verified);
}
