// denial_digest: a signer skips the denial-chain check of a zone whose
// digest is that of a zone whose check passed (VerifyOptions::denial_proven),
// so the digest must change with everything the check reads and stay the
// same when only other data changes.
#include <doctest/doctest.h>

#include <string>

#include "core/encoding.hpp"
#include "dnssec/denial.hpp"
#include "dnssec/verify.hpp"
#include "zone_text.hpp"

using namespace zs;
using namespace zs::test;

namespace {

constexpr const char* base = R"(example. 3600 IN SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300
example. 3600 IN NS ns1.example.
ns1.example. 3600 IN A 192.0.2.53
www.example. 3600 IN A 192.0.2.80
a.b.example. 3600 IN TXT "below an empty non-terminal"
sub.example. 3600 IN NS ns.sub.example.
ns.sub.example. 3600 IN A 192.0.2.54
)";

// The zone of `text` with an NSEC3 chain (or an NSEC chain).
Zone chained(const std::string& text, bool nsec3 = true) {
  Zone zone = zone_from_text(text, name("example."), false);
  if (nsec3) {
    REQUIRE(add_nsec3_chain(zone, Nsec3Params{}));
  } else {
    add_nsec_chain(zone);
  }
  return zone;
}

ContentDigest digest_of(const std::string& text, bool nsec3 = true) { return denial_digest(chained(text, nsec3), 2); }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the denial digest ignores what the denial check does not read") {
  const ContentDigest before = digest_of(base);
  CHECK(digest_of(base) == before);
  // An address, a TTL of data, a glue address, a TXT string.
  CHECK(digest_of(replaced(base, "192.0.2.80", "192.0.2.81")) == before);
  CHECK(digest_of(replaced(base, "www.example. 3600", "www.example. 60")) == before);
  CHECK(digest_of(replaced(base, "192.0.2.54", "192.0.2.55")) == before);
  CHECK(digest_of(replaced(base, "below an empty", "under an empty")) == before);
}

TEST_CASE("the denial digest changes with everything the denial check reads") {
  const std::string text = base;
  const ContentDigest before = digest_of(text);
  SUBCASE("a name added") { CHECK(digest_of(text + "new.example. 3600 IN A 192.0.2.1\n") != before); }
  SUBCASE("a name removed") { CHECK(digest_of(replaced(text, "www.example. 3600 IN A 192.0.2.80\n", "")) != before); }
  SUBCASE("a type added at a name") { CHECK(digest_of(text + "www.example. 3600 IN AAAA 2001:db8::80\n") != before); }
  SUBCASE("a delegation made secure") {
    CHECK(digest_of(text + "sub.example. 3600 IN DS 12345 13 2 " + std::string(64, 'a') + "\n") != before);
  }
  SUBCASE("a name becomes a delegation") { CHECK(digest_of(text + "www.example. 3600 IN NS ns1.example.\n") != before); }
  SUBCASE("an owner spelt otherwise") { CHECK(digest_of(replaced(text, "www.example.", "WWW.example.")) != before); }
  SUBCASE("the SOA MINIMUM (the denial TTL)") { CHECK(digest_of(replaced(text, "1209600 300", "1209600 301")) != before); }
  SUBCASE("the SOA TTL") { CHECK(digest_of(replaced(text, "example. 3600 IN SOA", "example. 3000 IN SOA")) != before); }
  SUBCASE("the chain's records") {
    Zone zone = chained(text);
    for (Node& node : zone.nodes())
      if (Rrset* nsec3 = node.find(RrType::NSEC3)) {
        Bytes rdata = nsec3->rdatas.to_vector().front();
        rdata.back() ^= 0x01;  // a bit of the type bitmap
        nsec3->rdatas = RdataSet(std::vector<Bytes>{rdata});
        break;
      }
    CHECK(denial_digest(zone, 2) != before);
  }
  SUBCASE("NSEC instead of NSEC3") { CHECK(digest_of(text, false) != before); }
}

TEST_CASE("the denial digest does not depend on the thread count") {
  // More nodes than one slice (65,536): the slices are spread over threads.
  std::string text = base;
  for (int i = 0; i < 40000; ++i) text += "h" + std::to_string(i) + ".example. 3600 IN A 192.0.2.1\n";
  const Zone zone = chained(text);
  REQUIRE(zone.nodes().size() > 65536);
  const ContentDigest one = denial_digest(zone, 1);
  CHECK(denial_digest(zone, 2) == one);
  CHECK(denial_digest(zone, 5) == one);
}

TEST_CASE("the denial digest of a zone stays what earlier versions computed") {
  // An index written by an earlier run records this digest, and a re-sign
  // takes the chain as proven only when its own is equal: the bytes hashed,
  // and how they are fed to SHA-256, must not change. This zone's slices
  // each hold far more than any buffer the hashing fills at a time.
  std::string text = base;
  for (int i = 0; i < 70000; ++i) text += "h" + std::to_string(i) + ".example. 3600 IN A 192.0.2.1\n";
  const Zone zone = chained(text);
  REQUIRE(zone.nodes().size() > 2 * 65536);
  CHECK(to_hex(denial_digest(zone, 2)) == "5E2B229B501570509C7D225B60DAC46F68F87AA609629AD931ED692E4C06C17C");
}

TEST_CASE("denial_proven skips the chain check and only it") {
  Zone zone = chained(base);
  // A chain broken on purpose: the full check reports it, the proven one
  // does not look (the signer sets it only for a digest whose check passed).
  for (Node& node : zone.nodes())
    if (Rrset* nsec3 = node.find(RrType::NSEC3)) {
      nsec3->ttl += 1;
      break;
    }
  const VerifyReport full = verify_zone(zone, VerifyOptions{.now = 0, .threads = 1});
  const VerifyReport proven = verify_zone(zone, VerifyOptions{.now = 0, .threads = 1, .denial_proven = true});
  auto has_ttl_warning = [](const VerifyReport& r) {
    for (const VerifyProblem& p : r.problems)
      if (p.type == RrType::NSEC3 && p.what.find("RFC 9077") != std::string::npos) return true;
    return false;
  };
  CHECK(has_ttl_warning(full));
  CHECK_FALSE(has_ttl_warning(proven));
  CHECK(proven.denial == VerifyReport::Denial::nsec3);
  // The signature checks still run: the zone is unsigned, and says so.
  CHECK(proven.error_count() > 0);
}
