// The NSEC chain (RFC 4034 §4, RFC 4035 §2.3) and the RFC 9077 denial TTL,
// checked against the NSEC records ldns-signzone wrote for the RFC 4035
// Appendix A data (test/vectors/rfc4035-appendix-A.*).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dns/rdata.hpp"
#include "dnssec/denial.hpp"
#include "zone_text.hpp"

using namespace zs;
using namespace zs::test;

namespace {

struct ParsedNsec {
  Name next;
  std::vector<RrType> types;
};

ParsedNsec parse_nsec(BytesView rdata) {
  std::size_t offset = 0;
  auto next = Name::read_wire(rdata, offset);
  REQUIRE(next.has_value());
  auto types = decode_type_bitmap(BytesView(rdata).subspan(offset));
  REQUIRE(types.has_value());
  return ParsedNsec{*next, *types};
}

std::vector<std::pair<Name, ParsedNsec>> nsec_records(const Zone& zone) {
  std::vector<std::pair<Name, ParsedNsec>> out;
  for (const Node& n : zone.nodes()) {
    if (const Rrset* r = n.find(RrType::NSEC)) {
      REQUIRE(r->rdatas.size() == 1);
      out.emplace_back(n.owner, parse_nsec(r->rdatas.front()));
    }
  }
  return out;
}

const char* small_zone =
    "example. 7200 IN SOA ns1.example. h.example. 1 3600 300 3600000 600\n"
    "example. 7200 IN NS ns1.example.\n"
    "ns1.example. 7200 IN A 192.0.2.1\n"
    "sub.example. 7200 IN NS ns.sub.example.\n"
    "sub.example. 7200 IN A 192.0.2.99\n"          // glue at the delegation point
    "ns.sub.example. 7200 IN A 192.0.2.2\n"        // glue below it
    "deep.ent.example. 7200 IN TXT \"x\"\n";       // ent.example is an empty non-terminal

}  // namespace

TEST_CASE("NSEC chain of the RFC 4035 Appendix A data matches the one ldns-signzone builds") {
  const Name origin = name("example.");
  Zone zone = zone_from_vector("rfc4035-appendix-A.zone", origin, false);
  add_nsec_chain(zone);
  Zone reference = zone_from_vector("rfc4035-appendix-A.ldns-nsec.zone", origin, true);

  auto ours = nsec_records(zone);
  auto theirs = nsec_records(reference);
  REQUIRE(ours.size() == theirs.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    CAPTURE(theirs[i].first.to_string());
    CHECK(ours[i].first == theirs[i].first);
    CHECK(ours[i].second.next == theirs[i].second.next);
    std::vector<RrType> want = theirs[i].second.types;
    if (theirs[i].first == origin) std::erase(want, RrType::DNSKEY);  // the signer adds DNSKEY later
    CHECK(ours[i].second.types == want);
  }
}

TEST_CASE("NSEC chain links apex, names and delegations in canonical order and closes at the apex") {
  const Name origin = name("example.");
  Zone zone = zone_from_text(small_zone, origin, false);
  add_nsec_chain(zone);
  auto chain = nsec_records(zone);
  std::vector<std::string> owners;
  for (const auto& [owner, nsec] : chain) owners.push_back(owner.to_string());
  CHECK(owners == std::vector<std::string>{"example.", "deep.ent.example.", "ns1.example.", "sub.example."});
  for (std::size_t i = 0; i < chain.size(); ++i) CHECK(chain[i].second.next == chain[(i + 1) % chain.size()].first);
}

TEST_CASE("NSEC at a delegation lists NS, RRSIG and NSEC but not the glue there") {
  Zone zone = zone_from_text(small_zone, name("example."), false);
  add_nsec_chain(zone);
  const Node* sub = find_node(zone, name("sub.example."));
  REQUIRE(sub != nullptr);
  auto nsec = parse_nsec(sub->find(RrType::NSEC)->rdatas.front());
  CHECK(nsec.types == std::vector<RrType>{RrType::NS, RrType::RRSIG, RrType::NSEC});
  CHECK_FALSE(find_node(zone, name("ns.sub.example."))->has(RrType::NSEC));
  CHECK_FALSE(find_node(zone, name("ent.example."))->has(RrType::NSEC));
}

TEST_CASE("NSEC TTL is the lesser of the SOA TTL and the SOA MINIMUM") {
  Zone zone = zone_from_text(small_zone, name("example."), false);
  CHECK(denial_ttl(zone) == 600);
  add_nsec_chain(zone);
  for (const Node& n : zone.nodes())
    if (const Rrset* r = n.find(RrType::NSEC)) CHECK(r->ttl == 600);

  Zone low_ttl = zone_from_text(
      "example. 60 IN SOA ns1.example. h.example. 1 3600 300 3600000 600\n"
      "example. 60 IN NS ns1.example.\nns1.example. 60 IN A 192.0.2.1\n",
      name("example."), false);
  CHECK(denial_ttl(low_ttl) == 60);
}

TEST_CASE("NSEC chain replaces an earlier NSEC3 chain and its NSEC3PARAM") {
  Zone zone = zone_from_text(small_zone, name("example."), false);
  REQUIRE(add_nsec3_chain(zone, Nsec3Params{}));
  std::size_t nodes_before = 0;
  add_nsec_chain(zone);
  for (const Node& n : zone.nodes()) {
    CHECK_FALSE(n.has(RrType::NSEC3));
    ++nodes_before;
  }
  CHECK_FALSE(zone.apex().has(RrType::NSEC3PARAM));
  // apex, deep.ent, ent, ns1, sub, ns.sub: the hashed names are gone.
  CHECK(nodes_before == 6);
  CHECK(nsec_records(zone).size() == 4);
}
