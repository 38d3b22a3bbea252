// NSEC3 hashing and the NSEC3 chain, against RFC 5155 Appendix A
// (test/vectors/rfc5155-appendix-A.*).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/encoding.hpp"
#include "dns/rdata.hpp"
#include "dnssec/denial.hpp"
#include "zone_text.hpp"

using namespace zs;
using namespace zs::test;

namespace {

const Bytes rfc5155_salt{0xaa, 0xbb, 0xcc, 0xdd};
constexpr std::uint16_t rfc5155_iterations = 12;

struct ParsedNsec3 {
  std::uint8_t flags = 0;
  std::uint16_t iterations = 0;
  Bytes salt;
  Bytes next;
  std::vector<RrType> types;
};

ParsedNsec3 parse_nsec3_rdata(BytesView rdata) {
  ParsedNsec3 p;
  REQUIRE(rdata.size() >= 6);
  CHECK(rdata[0] == 1);
  p.flags = rdata[1];
  p.iterations = get_u16(&rdata[2]);
  std::size_t salt_len = rdata[4];
  p.salt.assign(rdata.begin() + 5, rdata.begin() + 5 + static_cast<std::ptrdiff_t>(salt_len));
  std::size_t pos = 5 + salt_len;
  std::size_t hash_len = rdata[pos++];
  p.next.assign(rdata.begin() + static_cast<std::ptrdiff_t>(pos),
                rdata.begin() + static_cast<std::ptrdiff_t>(pos + hash_len));
  pos += hash_len;
  auto types = decode_type_bitmap(BytesView(rdata).subspan(pos));
  REQUIRE(types.has_value());
  p.types = *types;
  return p;
}

std::string hash_text(std::string_view owner) {
  return to_base32hex(nsec3_hash(name(owner), rfc5155_salt, rfc5155_iterations));
}

// The NSEC3 records of a zone, in node order.
std::vector<std::pair<Name, ParsedNsec3>> nsec3_records(const Zone& zone) {
  std::vector<std::pair<Name, ParsedNsec3>> out;
  for (const Node& n : zone.nodes()) {
    if (const Rrset* r = n.find(RrType::NSEC3)) {
      REQUIRE(r->rdatas.size() == 1);
      out.emplace_back(n.owner, parse_nsec3_rdata(r->rdatas.front()));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("nsec3_hash gives the RFC 5155 Appendix A hash of every name") {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"},
      {"a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"},
      {"ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"},
      {"ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"},
      {"ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r"},
      {"w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h"},
      {"*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"},
      {"x.w.example.", "b4um86eghhds6nea196smvmlo4ors995"},
      {"y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"},
      {"x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s"},
      {"xx.example.", "t644ebqk9bibcna874givr6joj62mlhv"},
      {"2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.", "kohar7mbb8dc2ce8a9qvl8hon4k53uhi"},
  };
  for (const auto& [owner, expected] : vectors) {
    CAPTURE(owner);
    CHECK(hash_text(owner) == expected);
  }
}

TEST_CASE("nsec3_hash ignores the case of the owner name") {
  CHECK(hash_text("XX.Example.") == "t644ebqk9bibcna874givr6joj62mlhv");
}

TEST_CASE("nsec3_hash with no salt and no extra iterations is one SHA-1 of the wire name") {
  // RFC 9276 defaults: SHA-1 over "\007example\000" alone, as
  // `printf '\007example\000' | sha1sum` computes it.
  Bytes h = nsec3_hash(name("example."), {}, 0);
  CHECK(to_hex(h) == "1DB8EFA7DCB348BDA7893FCA1D8BADFDB6996B01");
  CHECK(h != nsec3_hash(name("example."), {}, 1));
  CHECK(h != nsec3_hash(name("example."), Bytes{0x00}, 0));
}

TEST_CASE("NSEC3 chain of the RFC 5155 Appendix A data matches the appendix") {
  Zone zone = zone_from_vector("rfc5155-appendix-A.zone", name("example."), false);
  REQUIRE(add_nsec3_chain(zone, Nsec3Params{.iterations = 12, .salt = rfc5155_salt, .opt_out = true}).has_value());

  const Name origin = name("example.");
  std::vector<std::pair<Name, ParsedNsec3>> expected;
  for (const Record& r : records_from_text(read_text_file(vector_path("rfc5155-appendix-A.nsec3")), origin))
    expected.emplace_back(r.owner, parse_nsec3_rdata(r.rdata));
  auto actual = nsec3_records(zone);
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(expected[i].first.to_string());
    CHECK(actual[i].first == expected[i].first);
    CHECK(actual[i].second.flags == 1);
    CHECK(actual[i].second.iterations == 12);
    CHECK(actual[i].second.salt == rfc5155_salt);
    CHECK(to_base32hex(actual[i].second.next) == to_base32hex(expected[i].second.next));
    std::vector<RrType> want = expected[i].second.types;
    if (expected[i].first == name("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.")) std::erase(want, RrType::DNSKEY);
    CHECK(actual[i].second.types == want);
  }

  // The real name that looks like a hash keeps its A record beside the NSEC3
  // of ns1.example.
  const Node* both = find_node(zone, name("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example."));
  REQUIRE(both != nullptr);
  CHECK(both->has(RrType::A));
  CHECK(both->has(RrType::NSEC3));

  const Rrset* param = zone.apex().find(RrType::NSEC3PARAM);
  REQUIRE(param != nullptr);
  REQUIRE(param->rdatas.size() == 1);
  CHECK(to_bytes(param->rdatas.front()) == Bytes{1, 0, 0, 12, 4, 0xaa, 0xbb, 0xcc, 0xdd});
}

TEST_CASE("NSEC3 chain skips insecure delegations under opt-out and keeps them without it") {
  const Name origin = name("example.");
  const Bytes c_hash = nsec3_hash(name("c.example."), rfc5155_salt, rfc5155_iterations);
  auto has_hash = [&](const Zone& z, const Bytes& h) {
    return find_node(z, origin.prepend(to_base32hex(h)).value()) != nullptr;
  };

  Zone opt_out = zone_from_vector("rfc5155-appendix-A.zone", origin, false);
  REQUIRE(add_nsec3_chain(opt_out, Nsec3Params{.iterations = 12, .salt = rfc5155_salt, .opt_out = true}));
  CHECK_FALSE(has_hash(opt_out, c_hash));

  Zone full = zone_from_vector("rfc5155-appendix-A.zone", origin, false);
  REQUIRE(add_nsec3_chain(full, Nsec3Params{.iterations = 12, .salt = rfc5155_salt, .opt_out = false}));
  REQUIRE(has_hash(full, c_hash));
  const Node* c = find_node(full, origin.prepend(to_base32hex(c_hash)).value());
  auto parsed = parse_nsec3_rdata(c->find(RrType::NSEC3)->rdatas.front());
  // An insecure delegation has only its unsigned NS set: no RRSIG bit.
  CHECK(parsed.types == std::vector<RrType>{RrType::NS});
  CHECK(parsed.flags == 0);
  CHECK(nsec3_records(full).size() == nsec3_records(opt_out).size() + 1);
}

TEST_CASE("NSEC3 chain leaves out an empty non-terminal that leads only to insecure delegations under opt-out") {
  const Name origin = name("example.");
  const char* text =
      "example. 3600 IN SOA ns1.example. h.example. 1 3600 300 3600000 300\n"
      "example. 3600 IN NS ns1.example.\n"
      "ns1.example. 3600 IN A 192.0.2.1\n"
      "d.ent.example. 3600 IN NS ns.elsewhere.\n"      // ent.example: only insecure below
      "s.ent2.example. 3600 IN NS ns.elsewhere.\n"     // ent2.example: a secure delegation below
      "s.ent2.example. 3600 IN DS 1 13 2 0011223344556677889900112233445566778899001122334455667788990011\n";
  Zone zone = zone_from_text(text, origin, false);
  REQUIRE(add_nsec3_chain(zone, Nsec3Params{.iterations = 0, .salt = {}, .opt_out = true}));
  auto hashed = [&](std::string_view n) {
    return find_node(zone, origin.prepend(to_base32hex(nsec3_hash(name(n), {}, 0))).value()) != nullptr;
  };
  CHECK(hashed("example."));
  CHECK(hashed("ns1.example."));
  CHECK_FALSE(hashed("ent.example."));
  CHECK_FALSE(hashed("d.ent.example."));
  CHECK(hashed("ent2.example."));
  CHECK(hashed("s.ent2.example."));
  CHECK(nsec3_records(zone).size() == 4);
  // The NSEC3 TTL is the lesser of SOA TTL and MINIMUM (RFC 9077).
  for (const Node& n : zone.nodes())
    if (const Rrset* r = n.find(RrType::NSEC3)) CHECK(r->ttl == 300);
}

TEST_CASE("NSEC3 chain replaces an earlier chain instead of adding to it") {
  const Name origin = name("example.");
  Zone zone = zone_from_vector("rfc5155-appendix-A.zone", origin, false);
  REQUIRE(add_nsec3_chain(zone, Nsec3Params{.iterations = 12, .salt = rfc5155_salt, .opt_out = true}));
  REQUIRE(add_nsec3_chain(zone, Nsec3Params{.iterations = 0, .salt = {}, .opt_out = false}));
  auto records = nsec3_records(zone);
  for (const auto& [owner, r] : records) {
    CHECK(r.iterations == 0);
    CHECK(r.salt.empty());
  }
  // Every name but the glue: apex, 2t7b.., a, ai, c, ns1, ns2, w, *.w, x.w, y.w, x.y.w, xx.
  CHECK(records.size() == 13);
  // The real name beside a hash-named NSEC3 survives the replacement.
  const Node* both = find_node(zone, name("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example."));
  REQUIRE(both != nullptr);
  CHECK(both->has(RrType::A));
}

TEST_CASE("NSEC3 chain of 100k names, on threads, links every name once in hash order") {
  // 100k names with no salt and no extra iterations (RFC 9276): enough for
  // the hashing, the sort and the nodes to run on threads. (Its speed is
  // scripts/bench's business, not a test's.)
  const Name origin = name("example.");
  std::string text =
      "example. 3600 IN SOA ns1.example. h.example. 1 3600 300 3600000 300\n"
      "example. 3600 IN NS ns1.example.\nns1.example. 3600 IN A 192.0.2.1\n";
  std::vector<Record> records = records_from_text(text, origin);
  const std::size_t count = 100000;
  for (std::size_t i = 0; i < count; ++i) {
    Record r;
    r.owner = origin.prepend("h" + std::to_string(i)).value();
    r.type = RrType::A;
    r.ttl = 3600;
    r.rdata = Bytes{192, 0, 2, static_cast<std::uint8_t>(i)};
    records.push_back(std::move(r));
  }
  auto zone = Zone::build(std::move(records), origin, SourceFiles{"gen"});
  REQUIRE(zone.has_value());
  REQUIRE(add_nsec3_chain(*zone, Nsec3Params{}));
  auto chain = nsec3_records(*zone);
  CHECK(chain.size() == count + 2);
  // In node order each NSEC3's next hashed owner is the next node's, the
  // last one's the first's: one ring through every hash, in hash order.
  std::size_t broken = 0;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const Name& next_owner = chain[(i + 1) % chain.size()].first;
    if (to_base32hex(chain[i].second.next) != next_owner.first_label()) ++broken;
  }
  CHECK(broken == 0);
  // In hash order, which is the canonical order of the hashed owners, and
  // the whole zone in canonical order.
  std::size_t unordered = 0;
  for (std::size_t i = 1; i < chain.size(); ++i)
    unordered += canonical_compare(chain[i - 1].first, chain[i].first) < 0 ? 0 : 1;
  for (std::size_t k = 1; k < zone->nodes().size(); ++k)
    unordered += canonical_compare(zone->nodes()[k - 1].owner, zone->nodes()[k].owner) < 0 ? 0 : 1;
  CHECK(unordered == 0);

  // Replaced on threads too: another chain instead of this one, then NSEC,
  // and no node of an old chain is left.
  const std::size_t names = count + 2;
  CHECK(zone->nodes().size() == 2 * names);
  REQUIRE(add_nsec3_chain(*zone, Nsec3Params{.iterations = 1, .salt = {0xab}, .opt_out = false}));
  CHECK(zone->nodes().size() == 2 * names);
  for (const auto& [owner, r] : nsec3_records(*zone)) CHECK(r.salt == Bytes{0xab});
  add_nsec_chain(*zone);
  CHECK(zone->nodes().size() == names);
  std::size_t nsec = 0;
  for (const Node& n : zone->nodes()) {
    CHECK_FALSE(n.has(RrType::NSEC3));
    nsec += n.has(RrType::NSEC) ? 1 : 0;
  }
  CHECK(nsec == names);
}

TEST_CASE("NSEC3 chain gives occluded names (glue, data below a DNAME) no NSEC3") {
  const Name origin = name("example.");
  const char* text =
      "example. 3600 IN SOA ns1.example. h.example. 1 3600 300 3600000 3600\n"
      "example. 3600 IN NS ns1.example.\n"
      "ns1.example. 3600 IN A 192.0.2.1\n"
      "sub.example. 3600 IN NS ns.sub.example.\n"
      "ns.sub.example. 3600 IN A 192.0.2.2\n"
      "d.example. 3600 IN DNAME elsewhere.test.\n"
      "below.d.example. 3600 IN A 192.0.2.3\n";
  Zone zone = zone_from_text(text, origin, false);
  REQUIRE(add_nsec3_chain(zone, Nsec3Params{}));
  auto hashed = [&](std::string_view n) {
    return find_node(zone, origin.prepend(to_base32hex(nsec3_hash(name(n), {}, 0))).value()) != nullptr;
  };
  CHECK(hashed("sub.example."));
  CHECK(hashed("d.example."));
  CHECK_FALSE(hashed("ns.sub.example."));
  CHECK_FALSE(hashed("below.d.example."));
  CHECK(nsec3_records(zone).size() == 4);  // apex, ns1, sub, d
}

TEST_CASE("NSEC3 owners merge into the zone in canonical order, beside, above and below names of the zone") {
  const Name origin = name("example.");
  const std::string hash = to_base32hex(nsec3_hash(name("a.example."), {}, 0));
  std::string upper = hash;
  std::ranges::transform(upper, upper.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
  // A name equal to a hashed owner (in capitals), one below it, one whose
  // label is a prefix of it, and labels that sort first and last.
  const std::string text = "example. 3600 IN SOA ns1.example. h.example. 1 3600 300 3600000 300\n"
                           "example. 3600 IN NS ns1.example.\n"
                           "ns1.example. 3600 IN A 192.0.2.1\n"
                           "a.example. 3600 IN A 192.0.2.2\n" +
                           upper + ".example. 3600 IN A 192.0.2.3\n" + "x." + hash +
                           ".example. 3600 IN TXT below\n" + hash.substr(0, 10) +
                           ".example. 3600 IN A 192.0.2.4\n"
                           "0.example. 3600 IN A 192.0.2.5\n"
                           "\\200.example. 3600 IN A 192.0.2.6\n"
                           "zz.example. 3600 IN A 192.0.2.7\n";
  Zone zone = zone_from_text(text, origin, false);
  REQUIRE(add_nsec3_chain(zone, Nsec3Params{}));
  const auto& nodes = zone.nodes();
  for (std::size_t i = 1; i < nodes.size(); ++i)
    CHECK_MESSAGE(canonical_compare(nodes[i - 1].owner, nodes[i].owner) < 0,
                  (nodes[i - 1].owner.to_string() + " before " + nodes[i].owner.to_string()));
  const Node* both = find_node(zone, name((hash + ".example.").c_str()));
  REQUIRE(both != nullptr);
  CHECK(both->has(RrType::A));
  CHECK(both->has(RrType::NSEC3));
  // Every name of the zone: apex, ns1, a, <hash>, x.<hash>, the prefix, 0,
  // \200 and zz.
  CHECK(nsec3_records(zone).size() == 9);
}
