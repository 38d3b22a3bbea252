#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dns/rdata.hpp"
#include "zone/zone.hpp"

using namespace zs;

namespace {

const Name origin = Name::parse("example.com.").value();
const SourceFiles files{"z.zone"};

// "owner ttl TYPE rdata..." with names relative to example.com.; the record's
// line is its position in the list, so errors can be checked by line.
std::vector<Record> records_of(std::initializer_list<std::string_view> lines) {
  std::vector<Record> out;
  std::uint32_t line = 0;
  for (std::string_view text : lines) {
    ++line;
    std::vector<Token> tokens;
    std::size_t pos = 0;
    while (pos < text.size()) {
      while (pos < text.size() && text[pos] == ' ') ++pos;
      std::size_t start = pos;
      while (pos < text.size() && text[pos] != ' ') ++pos;
      if (pos > start) tokens.push_back(Token{std::string(text.substr(start, pos - start)), false, line,
                                              static_cast<std::uint32_t>(start + 1)});
    }
    REQUIRE(tokens.size() >= 3);
    Record r;
    r.owner = Name::parse(tokens[0].text, &origin).value();
    r.ttl = static_cast<std::uint32_t>(std::stoul(tokens[1].text));
    r.type = type_from_string(tokens[2].text).value();
    auto rdata = rdata_from_tokens(r.type, std::span<const Token>(tokens).subspan(3), origin);
    REQUIRE(rdata.has_value());
    r.rdata = std::move(*rdata);
    r.src_line = line;
    r.src_column = 1;
    out.push_back(std::move(r));
  }
  return out;
}

Zone build_ok(std::vector<Record> records, bool keep_dnssec = false) {
  auto z = Zone::build(std::move(records), origin, files, Zone::BuildOptions{keep_dnssec});
  if (!z) FAIL(z.error().to_string());
  return std::move(*z);
}

Error build_err(std::vector<Record> records) {
  std::string last = records.back().owner.to_string() + " " + type_to_string(records.back().type);
  auto z = Zone::build(std::move(records), origin, files);
  if (z) FAIL("zone built although it is broken; last record " << last);
  REQUIRE_FALSE(z.has_value());
  return z.error();
}

std::vector<std::string> owners(const Zone& z) {
  std::vector<std::string> out;
  for (const Node& n : z.nodes()) out.push_back(n.owner.to_string());
  return out;
}

const Node& node_at(const Zone& z, std::string_view name) {
  Name n = Name::parse(name, &origin).value();
  for (const Node& node : z.nodes())
    if (node.owner == n) return node;
  FAIL("no node " << name);
  return z.apex();
}

std::initializer_list<std::string_view> apex_lines = {
    "@ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300",
    "@ 3600 NS ns1",
    "ns1 3600 A 192.0.2.53",
};

std::vector<Record> with_apex(std::initializer_list<std::string_view> more) {
  auto out = records_of(apex_lines);
  auto extra = records_of(more);
  for (Record& r : extra) {
    r.src_line += 3;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

TEST_CASE("owners come out in canonical order with the apex first") {
  Zone z = build_ok(with_apex({"Z 60 A 192.0.2.1", "a 60 A 192.0.2.2", "*.z 60 A 192.0.2.3",
                               "\\200 60 A 192.0.2.4", "yljkjljk.a 60 A 192.0.2.5", "\\001.z 60 A 192.0.2.6"}));
  CHECK(owners(z) == std::vector<std::string>{"example.com.", "a.example.com.", "yljkjljk.a.example.com.",
                                               "ns1.example.com.", "Z.example.com.", "\\001.z.example.com.",
                                               "*.z.example.com.", "\\200.example.com."});
  CHECK(z.apex().kind == NodeKind::apex);
  CHECK(z.soa_minimum() == 300);
}

TEST_CASE("records merge into RRsets sorted canonically, duplicates dropped, first TTL kept") {
  Zone z = build_ok(with_apex({"x 10 A 192.0.2.9", "x 20 A 192.0.2.1", "x 30 A 192.0.2.9", "x 40 MX 10 B.example.com.",
                               "x 50 MX 10 b.example.com.", "b 60 A 192.0.2.7"}));
  const Node& x = node_at(z, "x");
  REQUIRE(x.rrsets.size() == 2);
  const Rrset* a = x.find(RrType::A);
  REQUIRE(a);
  CHECK(a->ttl == 10);
  REQUIRE(a->rdatas.size() == 2);
  CHECK(rdata_to_string(RrType::A, a->rdatas[0]) == "192.0.2.1");
  CHECK(x.find(RrType::MX)->rdatas.size() == 1);
  CHECK(x.rrsets[0].type == RrType::A);
  CHECK(x.rrsets[1].type == RrType::MX);
  CHECK(z.record_count() == 3 + 3 + 1);
}

TEST_CASE("names below a delegation or a DNAME are occluded and the cut points are classified") {
  Zone z = build_ok(with_apex({"sub 60 NS ns.sub", "sub 60 DS 12345 8 2 "
                                                   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                               "ns.sub 60 A 192.0.2.10", "deep.x.sub 60 TXT hidden", "d 60 DNAME example.net.",
                               "a.d 60 A 192.0.2.11", "after 60 A 192.0.2.12"}));
  CHECK(node_at(z, "sub").kind == NodeKind::delegation);
  CHECK(node_at(z, "ns.sub").kind == NodeKind::occluded);
  CHECK(node_at(z, "deep.x.sub").kind == NodeKind::occluded);
  CHECK(node_at(z, "d").kind == NodeKind::authoritative);
  CHECK(node_at(z, "a.d").kind == NodeKind::occluded);
  CHECK(node_at(z, "after").kind == NodeKind::authoritative);
  // No empty non-terminal "x.sub": it would be occluded.
  for (const Node& n : z.nodes()) CHECK(n.owner.to_string() != "x.sub.example.com.");
}

TEST_CASE("empty non-terminals are inserted between the apex and names with data") {
  Zone z = build_ok(with_apex({"a.b.c 60 A 192.0.2.1", "*.w 60 TXT wild", "x.deleg.e 60 NS ns1"}));
  CHECK(owners(z) == std::vector<std::string>{"example.com.", "c.example.com.", "b.c.example.com.",
                                               "a.b.c.example.com.", "e.example.com.", "deleg.e.example.com.",
                                               "x.deleg.e.example.com.", "ns1.example.com.", "w.example.com.",
                                               "*.w.example.com."});
  CHECK(node_at(z, "c").empty_non_terminal);
  CHECK(node_at(z, "b.c").empty_non_terminal);
  CHECK(node_at(z, "b.c").kind == NodeKind::authoritative);
  CHECK(node_at(z, "w").empty_non_terminal);
  CHECK(node_at(z, "deleg.e").empty_non_terminal);
  CHECK(node_at(z, "x.deleg.e").kind == NodeKind::delegation);
  CHECK_FALSE(node_at(z, "a.b.c").empty_non_terminal);
  CHECK(node_at(z, "c").rrsets.empty());
}

TEST_CASE("DNSSEC records are dropped unless kept, and kept RRSIGs become signatures") {
  const char* sig = "@ 300 RRSIG NS 8 2 3600 20300101000000 20200101000000 12345 example.com. AAAA";
  const char* sig_soa = "@ 300 RRSIG SOA 8 2 3600 20300101000000 20200101000000 12345 example.com. AAAA";
  auto input = with_apex({sig, sig_soa, "@ 300 NSEC ns1 NS SOA RRSIG NSEC",
                          "@ 300 DNSKEY 257 3 8 AwEAAQ=="});
  Zone stripped = build_ok(input);
  CHECK(stripped.apex().rrsets.size() == 2);
  CHECK(stripped.apex().signatures.empty());

  Zone kept = build_ok(input, true);
  CHECK(kept.apex().has(RrType::NSEC));
  CHECK(kept.apex().has(RrType::DNSKEY));
  CHECK_FALSE(kept.apex().has(RrType::RRSIG));
  REQUIRE(kept.apex().signatures.size() == 2);
  CHECK(kept.apex().signatures[0].covered == RrType::NS);
  CHECK(kept.apex().signatures[1].covered == RrType::SOA);
}

TEST_CASE("semantic errors name the offending record") {
  auto code_line = [](std::vector<Record> records, Errc code, std::uint32_t line) {
    Error e = build_err(std::move(records));
    CHECK(e.code == code);
    REQUIRE(e.where);
    CHECK(e.where->file == "z.zone");
    CHECK(e.where->line == line);
  };
  code_line(with_apex({"a 60 A 192.0.2.1", "@ 60 SOA ns2 h 2 1 1 1 1"}), Errc::multiple_soa, 5);
  code_line(with_apex({"a 60 SOA ns1 h 2 1 1 1 1"}), Errc::soa_not_at_apex, 4);
  code_line(records_of({"@ 60 SOA ns1 h 2 1 1 1 1", "ns1 60 A 192.0.2.1"}), Errc::no_apex_ns, 1);
  code_line(records_of({"@ 60 NS ns1", "ns1 60 A 192.0.2.1"}), Errc::no_soa, 1);
  code_line(with_apex({"www 60 A 192.0.2.1", "www 60 CNAME a"}), Errc::cname_conflict, 5);
  code_line(with_apex({"www 60 CNAME a", "www 60 CNAME b"}), Errc::cname_conflict, 5);
  code_line(with_apex({"@ 60 CNAME a"}), Errc::cname_at_apex, 4);
  code_line(with_apex({"a 60 A 192.0.2.1", "www.example.org. 60 A 192.0.2.1"}), Errc::out_of_zone, 5);
  code_line(with_apex({"sub 60 NS ns.sub"}), Errc::missing_glue, 4);
  code_line(with_apex({"@ 60 NS ns2"}), Errc::missing_glue, 4);
  code_line(with_apex({"@ 60 DS 1 8 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}),
            Errc::ds_at_apex, 4);
}

TEST_CASE("a CNAME may share its owner with DNSSEC records and out-of-zone NS targets need no glue") {
  auto input = with_apex({"www 60 CNAME a", "www 60 NSEC a CNAME RRSIG NSEC", "sub 60 NS ns.example.net."});
  CHECK(Zone::build(input, origin, files, Zone::BuildOptions{true}).has_value());
  CHECK(Zone::build(input, origin, files).has_value());
}

TEST_CASE("a DNSKEY beside a CNAME is dropped when signing but is a conflict in a signed zone") {
  auto input = with_apex({"www 60 CNAME a", "www 60 DNSKEY 256 3 13 AwEAAQ=="});
  CHECK(Zone::build(input, origin, files).has_value());
  auto kept = Zone::build(input, origin, files, Zone::BuildOptions{true});
  REQUIRE_FALSE(kept.has_value());
  CHECK(kept.error().code == Errc::cname_conflict);
  CHECK(kept.error().where->line == 5);
}

TEST_CASE("identical duplicate SOA and CNAME records are merged, not errors") {
  Zone z = build_ok(with_apex({"@ 60 SOA ns1 hostmaster 1 7200 3600 1209600 300", "www 60 CNAME a", "www 60 CNAME A"}));
  CHECK(z.soa().rdatas.size() == 1);
  CHECK(node_at(z, "www").find(RrType::CNAME)->rdatas.size() == 1);
}

TEST_CASE("put_rrset adds nodes in canonical order and replaces RRsets; remove_type drops a type everywhere") {
  Zone z = build_ok(with_apex({"m 60 A 192.0.2.1", "a.b 60 TXT x"}));
  Rrset txt;
  txt.owner = Name::parse("c", &origin).value();
  txt.type = RrType::TXT;
  txt.ttl = 5;
  txt.rdatas.push_back(Bytes{1, 'y'});
  z.put_rrset(txt);
  txt.owner = Name::parse("b", &origin).value();
  z.put_rrset(txt);
  CHECK_FALSE(node_at(z, "b").empty_non_terminal);
  CHECK(owners(z) == std::vector<std::string>{"example.com.", "b.example.com.", "a.b.example.com.", "c.example.com.",
                                               "m.example.com.", "ns1.example.com."});
  txt.ttl = 9;
  z.put_rrset(txt);
  CHECK(node_at(z, "b").find(RrType::TXT)->ttl == 9);

  z.remove_type(RrType::TXT);
  CHECK(owners(z) == std::vector<std::string>{"example.com.", "b.example.com.", "m.example.com.", "ns1.example.com."});
  CHECK(node_at(z, "b").empty_non_terminal);
}
