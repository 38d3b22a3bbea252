// ZONEMD (RFC 8976): the SIMPLE/SHA-384 digest against the RFC's Appendix A
// zones (test/vectors/rfc8976-appendix-A.*.zone, each expected digest in its
// apex ZONEMD), what the digest leaves out and takes in, and the
// verification outcomes of §4 as check_zonemd and verify_zone report them.
#include <doctest/doctest.h>

#include <string>

#include "core/encoding.hpp"
#include "dns/rdata.hpp"
#include "dnssec/verify.hpp"
#include "dnssec/zonemd.hpp"
#include "zone_text.hpp"

using namespace zs;
using namespace zs::test;

namespace {

constexpr std::uint64_t jan_2026 = 1767225600;  // inside the rfc4035 vectors' signature window

Zone rfc_zone(std::string_view file) { return zone_from_vector(file, name("example."), true); }

// The SIMPLE/SHA-384 digest the zone's apex ZONEMD records.
Bytes published_sha384(const Zone& zone) {
  const Rrset* rrset = zone.apex().find(RrType::ZONEMD);
  REQUIRE(rrset != nullptr);
  for (BytesView rdata : rrset->rdatas) {
    auto z = Zonemd::from_rdata(rdata);
    REQUIRE(z.has_value());
    if (z->scheme == zonemd_scheme_simple && z->hash_algorithm == zonemd_hash_sha384) return z->digest;
  }
  FAIL("no SIMPLE/SHA-384 ZONEMD at the apex");
  return {};
}

Bytes hex(std::string_view text) {
  auto b = from_hex(text);
  REQUIRE(b.has_value());
  return *b;
}

Rrset& rrset_at(Zone& zone, std::string_view owner, RrType type) {
  Node* node = find_node(zone, name(owner));
  REQUIRE(node != nullptr);
  Rrset* rrset = node->find(type);
  REQUIRE(rrset != nullptr);
  return *rrset;
}

// RFC 4035 Appendix A signed by ldns-signzone, with a ZONEMD computed here.
Zone signed_zone_with_zonemd() {
  Zone zone = rfc_zone("rfc4035-appendix-A.ldns-nsec.zone");
  add_zonemd_placeholder(zone);
  set_zonemd_digest(zone);
  return zone;
}

}  // namespace

TEST_CASE("the simple example zone of RFC 8976 A.1 has the RFC's SHA-384 digest") {
  Zone zone = rfc_zone("rfc8976-appendix-A.1.zone");
  CHECK(to_hex(zonemd_digest(zone)) ==
        to_hex(hex("c68090d90a7aed716bc459f9340e3d7c1370d4d24b7e2fc3"
                   "a1ddc0b9a87153b9a9713b3c9ae5cc27777f98b8e730044c")));
  CHECK(zonemd_digest(zone) == published_sha384(zone));
  CHECK(check_zonemd(zone).outcome == ZonemdCheck::Outcome::verified);
}

TEST_CASE("the complex example zone of RFC 8976 A.2 has the RFC's digest: case, duplicates, occlusion, order") {
  Zone zone = rfc_zone("rfc8976-appendix-A.2.zone");
  CHECK(to_hex(zonemd_digest(zone)) ==
        to_hex(hex("a3b69bad980a3504e1cffcb0fd6397f93848071c93151f55"
                   "2ae2f6b1711d4bd2d8b39808226d7b9db71e34b72077f8fe")));
  CHECK(check_zonemd(zone).outcome == ZonemdCheck::Outcome::verified);
}

TEST_CASE("a zone with several digests (RFC 8976 A.3) verifies with its SHA-384 one, passing over the others") {
  Zone zone = rfc_zone("rfc8976-appendix-A.3.zone");
  CHECK(to_hex(zonemd_digest(zone)) ==
        to_hex(hex("62e6cf51b02e54b9b5f967d547ce43136792901f9f88e637"
                   "493daaf401c92c279dd10f0edb1c56f8080211f8480ee306")));
  const ZonemdCheck check = check_zonemd(zone);
  CHECK(check.outcome == ZonemdCheck::Outcome::verified);
  CHECK(check.message.empty());
}

TEST_CASE("a ZONEMD of unsupported schemes and algorithms only cannot verify the zone: a warning, not a pass") {
  Zone zone = rfc_zone("rfc8976-appendix-A.3.zone");
  Rrset& rrset = rrset_at(zone, "example.", RrType::ZONEMD);
  std::vector<Bytes> kept = rrset.rdatas.to_vector();
  std::erase_if(kept, [](const Bytes& rdata) {
    auto z = Zonemd::from_rdata(rdata);
    return z && z->scheme == zonemd_scheme_simple && z->hash_algorithm == zonemd_hash_sha384;
  });
  rrset.rdatas = RdataSet(kept);
  REQUIRE(rrset.rdatas.size() == 3);
  const ZonemdCheck check = check_zonemd(zone);
  CHECK(check.outcome == ZonemdCheck::Outcome::unverifiable);
  CHECK(check.message.find("2018031900 1 240") != std::string::npos);
}

TEST_CASE("a zone without an apex ZONEMD has nothing to check") {
  Zone zone = rfc_zone("rfc8976-appendix-A.1.zone");
  zone.remove_type(RrType::ZONEMD);
  CHECK(check_zonemd(zone).outcome == ZonemdCheck::Outcome::absent);
}

TEST_CASE("the digest leaves out the apex ZONEMD and its RRSIGs but takes in a ZONEMD below the apex") {
  Zone zone = rfc_zone("rfc8976-appendix-A.2.zone");
  const Bytes digest = zonemd_digest(zone);
  // Another apex ZONEMD changes nothing.
  add_zonemd_placeholder(zone);
  CHECK(zonemd_digest(zone) == digest);
  // Nor does an apex RRSIG over the ZONEMD...
  Rrsig fake;
  fake.type_covered = RrType::ZONEMD;
  fake.algorithm = Algorithm::ECDSAP256SHA256;
  fake.labels = 1;
  fake.original_ttl = 86400;
  fake.expiration = 2;
  fake.inception = 1;
  fake.key_tag = 1;
  fake.signer = name("example.");
  fake.signature = Bytes(64, 0xab);
  zone.apex().signatures.push_back(Signature{RrType::ZONEMD, 86400, fake.to_rdata()});
  CHECK(zonemd_digest(zone) == digest);
  // ...but the same RRSIG over the SOA is digested.
  fake.type_covered = RrType::SOA;
  zone.apex().signatures.push_back(Signature{RrType::SOA, 86400, fake.to_rdata()});
  CHECK(zonemd_digest(zone) != digest);
  zone.apex().signatures.clear();
  // A ZONEMD below the apex is ordinary data.
  rrset_at(zone, "non-apex.example.", RrType::ZONEMD).rdatas.mutable_at(0).back() ^= 1;
  CHECK(zonemd_digest(zone) != digest);
}

TEST_CASE("the placeholder takes the SOA's serial and TTL, and set_zonemd_digest fills in the zone's digest") {
  Zone zone = rfc_zone("rfc8976-appendix-A.1.zone");
  zone.remove_type(RrType::ZONEMD);
  add_zonemd_placeholder(zone);
  const Rrset& rrset = rrset_at(zone, "example.", RrType::ZONEMD);
  CHECK(rrset.ttl == 86400);
  REQUIRE(rrset.rdatas.size() == 1);
  auto placeholder = Zonemd::from_rdata(rrset.rdatas.front());
  REQUIRE(placeholder.has_value());
  CHECK(placeholder->serial == 2018031900);
  CHECK(placeholder->scheme == zonemd_scheme_simple);
  CHECK(placeholder->hash_algorithm == zonemd_hash_sha384);
  CHECK(placeholder->digest == Bytes(zonemd_sha384_length, 0));
  CHECK(check_zonemd(zone).outcome == ZonemdCheck::Outcome::failed);
  set_zonemd_digest(zone);
  CHECK(published_sha384(zone) ==
        hex("c68090d90a7aed716bc459f9340e3d7c1370d4d24b7e2fc3"
            "a1ddc0b9a87153b9a9713b3c9ae5cc27777f98b8e730044c"));
  CHECK(check_zonemd(zone).outcome == ZonemdCheck::Outcome::verified);
}

TEST_CASE("a changed glue address, which no RRSIG covers, changes the digest and fails the check") {
  Zone zone = signed_zone_with_zonemd();
  REQUIRE(check_zonemd(zone).outcome == ZonemdCheck::Outcome::verified);
  const Bytes digest = zonemd_digest(zone);
  // ns1.a.example is glue below the delegation a.example: unsigned.
  const Node* glue = find_node(zone, name("ns1.a.example."));
  REQUIRE(glue != nullptr);
  CHECK(glue->kind == NodeKind::occluded);
  CHECK(glue->signatures.empty());
  Rrset& a = rrset_at(zone, "ns1.a.example.", RrType::A);
  REQUIRE(a.rdatas.size() == 1);
  a.rdatas.mutable_at(0).back() ^= 1;
  CHECK(zonemd_digest(zone) != digest);
  const ZonemdCheck check = check_zonemd(zone);
  CHECK(check.outcome == ZonemdCheck::Outcome::failed);
  CHECK(check.message.find("does not match") != std::string::npos);
}

TEST_CASE("the digest covers the DNSSEC records: an RRSIG or NSEC changed changes it") {
  Zone zone = signed_zone_with_zonemd();
  const Bytes digest = zonemd_digest(zone);
  SUBCASE("an RRSIG") {
    Node* node = find_node(zone, name("ai.example."));
    REQUIRE(node != nullptr);
    REQUIRE(!node->signatures.empty());
    node->signatures.mutable_rdata(0).back() ^= 1;
  }
  SUBCASE("an NSEC TTL") { rrset_at(zone, "ai.example.", RrType::NSEC).ttl += 1; }
  SUBCASE("a DNSKEY") { rrset_at(zone, "example.", RrType::DNSKEY).rdatas.mutable_at(0).back() ^= 1; }
  CHECK(zonemd_digest(zone) != digest);
}

TEST_CASE("a ZONEMD whose serial is not the SOA's fails, as does a repeated scheme and algorithm") {
  Zone zone = rfc_zone("rfc8976-appendix-A.1.zone");
  Rrset& rrset = rrset_at(zone, "example.", RrType::ZONEMD);
  SUBCASE("serial") {
    auto z = Zonemd::from_rdata(rrset.rdatas.front());
    REQUIRE(z.has_value());
    z->serial += 1;
    rrset.rdatas = RdataSet{z->to_rdata()};
    const ZonemdCheck check = check_zonemd(zone);
    CHECK(check.outcome == ZonemdCheck::Outcome::failed);
    CHECK(check.message.find("serial") != std::string::npos);
  }
  SUBCASE("repeated") {
    Bytes other = to_bytes(rrset.rdatas.front());
    other.back() ^= 1;
    rrset.rdatas.push_back(other);
    const ZonemdCheck check = check_zonemd(zone);
    CHECK(check.outcome == ZonemdCheck::Outcome::failed);
    CHECK(check.message.find("several") != std::string::npos);
  }
}

TEST_CASE("verify_zone reports a ZONEMD mismatch as an error and an unverifiable one as a warning") {
  Zone zone = signed_zone_with_zonemd();
  SUBCASE("matching: of the ZONEMD, only its missing signature is an error") {
    // (ldns signed this zone without a ZONEMD: its signatures and apex NSEC
    // bitmap do not cover ours, which is not what this test is about.)
    const VerifyReport report = verify_zone(zone, VerifyOptions{.now = jan_2026, .threads = 2});
    CHECK(report.zonemd == ZonemdCheck::Outcome::verified);
    for (const VerifyProblem& p : report.problems)
      if (p.type == RrType::ZONEMD) CHECK(p.what.find("no valid signature") != std::string::npos);
  }
  SUBCASE("mismatch") {
    rrset_at(zone, "ns1.a.example.", RrType::A).rdatas.mutable_at(0).back() ^= 1;
    const VerifyReport report = verify_zone(zone, VerifyOptions{.now = jan_2026, .threads = 1});
    CHECK(report.zonemd == ZonemdCheck::Outcome::failed);
    bool found = false;
    for (const VerifyProblem& p : report.problems)
      found |= p.type == RrType::ZONEMD && p.severity == Severity::error &&
               p.what.find("does not match") != std::string::npos;
    CHECK(found);
  }
  SUBCASE("unverifiable") {
    Rrset& rrset = rrset_at(zone, "example.", RrType::ZONEMD);
    auto z = Zonemd::from_rdata(rrset.rdatas.front());
    REQUIRE(z.has_value());
    z->hash_algorithm = 2;  // SHA-512: valid, not supported here
    z->digest.resize(64);
    rrset.rdatas = RdataSet{z->to_rdata()};
    const VerifyReport report = verify_zone(zone, VerifyOptions{.now = jan_2026, .threads = 2});
    CHECK(report.zonemd == ZonemdCheck::Outcome::unverifiable);
    bool found = false;
    for (const VerifyProblem& p : report.problems)
      found |= p.type == RrType::ZONEMD && p.severity == Severity::warning &&
               p.what.find("cannot be verified") != std::string::npos;
    CHECK(found);
  }
}
