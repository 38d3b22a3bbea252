#include <doctest/doctest.h>

#include <map>
#include <random>
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
template <class Lines>
std::vector<Record> records_of_lines(const Lines& lines) {
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

std::vector<Record> records_of(std::initializer_list<std::string_view> lines) { return records_of_lines(lines); }

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

TEST_CASE("owners that agree in their first eight octets below the origin still sort canonically") {
  // The sort orders by those octets first (zero-filled), then by the whole
  // key: prefixes of each other, a zero octet, a label ending inside them.
  Zone z = build_ok(with_apex({"abcdefghij 60 TXT x", "abcdefghi 60 TXT x", "abcdefgh 60 TXT x",
                               "x.abcdefgh 60 TXT x", "ABCDEFGH.y 60 TXT x", "abcdefg\\000 60 TXT x",
                               "abcdefg 60 TXT x", "a.abcdefg 60 TXT x", "\\000.abcdefg 60 TXT x",
                               "abcdefgh\\000 60 TXT x", "abcdefgH\\001 60 TXT x", "b 60 TXT x",
                               "abc 60 TXT x", "x.abc 60 TXT x"}));
  const auto& nodes = z.nodes();
  for (std::size_t i = 1; i < nodes.size(); ++i)
    CHECK_MESSAGE(canonical_compare(nodes[i - 1].owner, nodes[i].owner) < 0,
                  (nodes[i - 1].owner.to_string() + " before " + nodes[i].owner.to_string()));
  // The apex, ns1, the 14 owners and y, the empty non-terminal above ABCDEFGH.y.
  CHECK(nodes.size() == 17);
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

TEST_CASE("meta types, NS at a wildcard and a second DNAME are refused at their record, as BIND refuses them") {
  auto code_line = [](std::vector<Record> records, Errc code, std::uint32_t line) {
    Error e = build_err(std::move(records));
    CHECK(e.code == code);
    REQUIRE(e.where);
    CHECK(e.where->line == line);
  };
  for (const char* type : {"TYPE0", "TYPE41", "TYPE128", "TYPE249", "TYPE250", "TYPE251", "TYPE252", "TYPE255"}) {
    CAPTURE(type);
    code_line(with_apex({"a 60 A 192.0.2.1", std::string("b 60 ") + type + " \\# 0"}), Errc::bad_type, 5);
  }
  code_line(with_apex({"*.w 60 NS ns.example.net."}), Errc::wildcard_ns, 4);
  code_line(with_apex({"a 60 DNAME x.example.net.", "a 60 DNAME y.example.net."}), Errc::dname_conflict, 5);
  // Below the apex a DNAME cannot be a delegation point (Knot: fatal); the
  // later of the two records is named, in either order.
  code_line(with_apex({"a 60 DNAME x.example.net.", "a 60 NS ns.example.net."}), Errc::dname_conflict, 5);
  code_line(with_apex({"a 60 NS ns.example.net.", "a 60 DNAME x.example.net."}), Errc::dname_conflict, 5);
  // The neighbours of the meta range load: 40, 127, 65280 (private use).
  CHECK(Zone::build(with_apex({"a 60 TYPE40 \\# 0", "b 60 TYPE127 \\# 0", "d 60 TYPE65280 \\# 0",
                               "e 60 DNAME example.net."}),
                    origin, files)
            .has_value());
  // At the apex a DNAME beside the apex NS is how a whole zone is redirected.
  CHECK(Zone::build(records_of({"@ 60 SOA ns.example.net. h 1 1 1 1 1", "@ 60 NS ns.example.net.",
                                "@ 60 DNAME example.org."}),
                    origin, files)
            .has_value());
}

TEST_CASE("a record whose RDATA and owner cannot fit a 65,535-octet message is refused") {
  // t.example.com. is 15 octets: 12 (header) + 15 + 4 (question) + 2 + 10
  // (answer, owner compressed) + RDATA <= 65,535 leaves 65,492 octets.
  auto txt = [](std::size_t octets) {
    auto records = with_apex({"t 60 TXT x"});
    records.back().rdata.assign(octets, 'x');
    return records;
  };
  CHECK(Zone::build(txt(65492), origin, files).has_value());
  Error e = build_err(txt(65493));
  CHECK(e.code == Errc::bad_rdata);
  REQUIRE(e.where);
  CHECK(e.where->line == 4);
}

TEST_CASE("NS targets that BIND and Knot load need no glue: under a wildcard, below another delegation") {
  // Covered by a wildcard with an address; below a sibling delegation with
  // and without glue; an apex NS served by a child zone.
  Zone z = build_ok(with_apex({"*.w 60 A 192.0.2.9", "sub 60 NS foo.w", "a 60 NS ns.b", "b 60 NS ns.elsewhere.net.",
                               "c 60 NS ns.d", "d 60 NS ns.d", "ns.d 60 A 192.0.2.3", "@ 60 NS ns.e",
                               "e 60 NS ns.elsewhere.net."}));
  CHECK(node_at(z, "sub").kind == NodeKind::delegation);
  auto code_line = [](std::vector<Record> records, Errc code, std::uint32_t line) {
    Error e = build_err(std::move(records));
    CHECK(e.code == code);
    REQUIRE(e.where);
    CHECK(e.where->line == line);
  };
  // A wildcard without an address covers nothing; an existing name (here an
  // empty non-terminal) is not covered by the wildcard; a delegation's own
  // servers below it need their glue.
  code_line(with_apex({"*.w 60 TXT x", "sub 60 NS foo.w"}), Errc::missing_glue, 5);
  code_line(with_apex({"*.w 60 A 192.0.2.9", "x.foo.w 60 TXT x", "sub 60 NS foo.w"}), Errc::missing_glue, 6);
  code_line(with_apex({"*.sub 60 A 192.0.2.9", "sub 60 NS ns.sub"}), Errc::missing_glue, 5);
}

TEST_CASE("an NS target below a DNAME is refused, the apex's own servers included") {
  auto code_line = [](std::vector<Record> records, Errc code, std::uint32_t line) {
    Error e = build_err(std::move(records));
    CHECK(e.code == code);
    REQUIRE(e.where);
    CHECK(e.where->line == line);
  };
  code_line(with_apex({"a 60 DNAME x.example.net.", "sub 60 NS ns.b.a", "ns.b.a 60 A 192.0.2.7"}),
            Errc::dname_conflict, 5);
  // The apex's NS ns1 (line 2) lies below the apex DNAME (BIND: illegal).
  code_line(with_apex({"@ 60 DNAME example.net."}), Errc::dname_conflict, 2);
  // The DNAME's owner itself is not below it.
  CHECK(Zone::build(with_apex({"a 60 DNAME x.example.net.", "a 60 A 192.0.2.7", "sub 60 NS a"}), origin, files)
            .has_value());
  // A target the zone lacks, right after the DNAME in canonical order.
  code_line(with_apex({"d 60 DNAME example.net.", "sub 60 NS ns.d"}), Errc::dname_conflict, 5);
}

TEST_CASE("the cut above an NS target the zone lacks is found from the name before it in canonical order") {
  // Before ns.b comes z.a, below the delegation a, which is not above ns.b:
  // ns.b is no one's glue but sub's, and it has no address.
  Error e = build_err(with_apex({"a 60 NS ns.elsewhere.net.", "z.a 60 A 192.0.2.1", "sub 60 NS ns.b"}));
  CHECK(e.code == Errc::missing_glue);
  REQUIRE(e.where);
  CHECK(e.where->line == 6);
  // Before x.y.b comes a.b, below the delegation b, which is above x.y.b:
  // b's servers answer for it (sibling glue).
  CHECK(Zone::build(with_apex({"b 60 NS ns.elsewhere.net.", "a.b 60 A 192.0.2.1", "sub 60 NS x.y.b"}), origin, files)
            .has_value());
  // Below a delegation that is itself below a DNAME: the DNAME is the cut.
  Error d = build_err(with_apex({"d 60 DNAME example.net.", "c.d 60 NS ns.elsewhere.net.", "e.c.d 60 A 192.0.2.1",
                                 "sub 60 NS x.f.c.d"}));
  CHECK(d.code == Errc::dname_conflict);
}

TEST_CASE("data below a DNAME is kept as occluded, with a warning at its line, the apex's DNAME included") {
  Zone z = build_ok(with_apex({"d 60 DNAME example.net.", "www.d 60 A 192.0.2.1", "x.y.d 60 TXT hidden",
                               "sub 60 NS ns.sub", "ns.sub 60 A 192.0.2.2"}));
  CHECK(node_at(z, "www.d").kind == NodeKind::occluded);
  REQUIRE(z.warnings().size() == 2);  // glue below a delegation is no news
  CHECK(z.warnings()[0].where.line == 5);
  CHECK(z.warnings()[0].where.file == "z.zone");
  CHECK(z.warnings()[0].to_string().starts_with("z.zone:5:1: warning: "));
  CHECK(z.warnings()[1].where.line == 6);

  auto apex = records_of({"@ 60 SOA ns.example.net. h 1 1 1 1 1", "@ 60 NS ns.example.net.", "@ 60 DNAME example.org.",
                          "www 60 A 192.0.2.5"});
  Zone at_apex = build_ok(apex);
  CHECK(node_at(at_apex, "www").kind == NodeKind::occluded);
  REQUIRE(at_apex.warnings().size() == 1);
  CHECK(at_apex.warnings()[0].where.line == 4);

  // Many names: the first few with their lines, then one count.
  std::vector<std::string> lines;
  for (int i = 0; i < 13; ++i) lines.push_back("n" + std::to_string(i) + ".d 60 A 192.0.2.1");
  auto many = records_of(apex_lines);
  many.push_back(records_of({"d 60 DNAME example.net."}).front());
  for (const std::string& l : lines) many.push_back(records_of({l}).front());
  Zone crowded = build_ok(std::move(many));
  REQUIRE(crowded.warnings().size() == Zone::max_occlusion_warnings + 1);
  CHECK(crowded.warnings().back().message.find("3 more") != std::string::npos);
}

TEST_CASE("a ZONEMD is dropped with a warning at its line when signing, and kept in a signed zone") {
  auto input = with_apex({"@ 60 ZONEMD 1 1 1 " + std::string(96, 'a'), "www 60 A 192.0.2.1"});
  Zone z = build_ok(input);
  CHECK_FALSE(z.apex().has(RrType::ZONEMD));
  REQUIRE(z.warnings().size() == 1);
  CHECK(z.warnings()[0].type == RrType::ZONEMD);
  CHECK(z.warnings()[0].where.line == 4);
  Zone kept = build_ok(input, true);
  CHECK(kept.apex().has(RrType::ZONEMD));
  CHECK(kept.warnings().empty());
}

TEST_CASE("the NSEC3 owners of a signed zone with a DNAME at its apex are the chain, not occluded data") {
  auto records = records_of({"@ 60 SOA ns.example.net. h 1 1 1 1 1", "@ 60 NS ns.example.net.",
                             "@ 60 DNAME example.org.", "www 60 A 192.0.2.5",
                             "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom 60 NSEC3 1 0 0 - 0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM NS SOA "
                             "RRSIG DNAME"});
  Zone signed_zone = build_ok(records, true);
  CHECK(node_at(signed_zone, "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom").kind == NodeKind::authoritative);
  CHECK(node_at(signed_zone, "www").kind == NodeKind::occluded);
}

TEST_CASE("errors about a record from an included file name its position but none of its content") {
  auto records = records_of({"@ 3600 SOA ns1 host 1 2 3 4 5", "@ 3600 NS ns1", "ns1 3600 A 192.0.2.1",
                             "secret-token-value 3600 CNAME x", "secret-token-value 3600 A 192.0.2.9"});
  for (std::size_t i = 3; i < records.size(); ++i) records[i].src_file = 1;  // as read through $INCLUDE
  const SourceFiles two{"z.zone", "/etc/credentials"};
  auto z = Zone::build(std::move(records), origin, two);
  REQUIRE_FALSE(z);
  CHECK(z.error().code == Errc::cname_conflict);
  REQUIRE(z.error().where);
  CHECK(z.error().where->file == "/etc/credentials");
  CHECK(z.error().where->line == 5);
  CHECK(z.error().to_string().find("secret-token-value") == std::string::npos);
}

// Zone::build checks glue and places empty non-terminals on a few threads
// once a zone is large (for_each_slice: 16,384 items or more per thread);
// these zones are large enough for two.
TEST_CASE("a large zone's glue check reports the first missing glue in file order") {
  std::vector<std::string> lines = {"@ 60 SOA ns1 h 1 1 1 1 1", "@ 60 NS ns1", "ns1 60 A 192.0.2.1"};
  constexpr int delegations = 40000;
  // Line 4 + 2i holds d<i>'s NS, line 5 + 2i its glue. Two lose their glue:
  // z-early comes early in the file and last in canonical order, a-late
  // late in the file and first in canonical order (the slices see them in
  // the other order).
  for (int i = 0; i < delegations; ++i) {
    std::string owner = i == 10 ? "z-early" : i == delegations - 10 ? "a-late" : "d" + std::to_string(i);
    lines.push_back(owner + " 60 NS ns." + owner);
    lines.push_back((i == 10 || i == delegations - 10 ? "other." : "ns.") + owner + " 60 A 192.0.2.2");
  }
  Error e = build_err(records_of_lines(lines));
  CHECK(e.code == Errc::missing_glue);
  REQUIRE(e.where);
  CHECK(e.where->line == 4 + 2 * 10);
  CHECK(e.message.find("ns.z-early.example.com.") != std::string::npos);
}

// The glue search starts at the NS RRset's own node: targets that sort
// before it, right after it, and far after it must all be found, and the
// one name without an address must be too, wherever it lies.
TEST_CASE("glue is found wherever the NS target sorts against its delegation") {
  std::vector<std::string> lines = {"@ 60 SOA ns1 h 1 1 1 1 1", "@ 60 NS ns1", "ns1 60 A 192.0.2.1"};
  constexpr int hosts = 3000;
  // a<i> sort before every delegation m<i>, z<i> after all of them.
  for (int i = 0; i < hosts; ++i) {
    lines.push_back("a" + std::to_string(i) + " 60 A 192.0.2.4");
    lines.push_back("z" + std::to_string(i) + " 60 AAAA 2001:db8::4");
  }
  std::mt19937 rng(3);
  const auto lost = static_cast<int>(rng() % hosts);  // this one loses its address
  lines.push_back("a" + std::to_string(lost) + "x 60 TXT no-address");
  for (int i = 0; i < hosts; ++i) {
    const std::string m = "m" + std::to_string(i);
    lines.push_back(m + " 60 NS ns." + m);
    lines.push_back("ns." + m + " 60 A 192.0.2.5");
    lines.push_back(m + " 60 NS a" + std::to_string(rng() % hosts));
    lines.push_back(m + " 60 NS z" + std::to_string(rng() % hosts));
    lines.push_back(m + " 60 NS ns.m" + std::to_string(rng() % hosts));  // sibling glue
  }
  // The last name of all is a delegation, and below it lies sibling glue.
  lines.push_back("zzzz 60 NS ns.example.net.");
  lines.push_back("m0 60 NS x.zzzz");
  build_ok(records_of_lines(lines));
  lines.push_back("m7 60 NS a" + std::to_string(lost) + "x");
  Error e = build_err(records_of_lines(lines));
  CHECK(e.code == Errc::missing_glue);
  REQUIRE(e.where);
  CHECK(e.where->line == lines.size());
  CHECK(e.message.find("a" + std::to_string(lost) + "x.example.com.") != std::string::npos);
}

TEST_CASE("a large zone gets every empty non-terminal, in canonical order, and only those") {
  std::vector<std::string> lines = {"@ 60 SOA ns1 h 1 1 1 1 1", "@ 60 NS ns1", "ns1 60 A 192.0.2.1"};
  constexpr int names = 40000;
  // Every tenth name lies two labels below a name the zone lacks.
  for (int i = 0; i < names; ++i)
    lines.push_back((i % 10 == 0 ? "x.y.q" : "h") + std::to_string(i) + " 60 A 192.0.2.3");
  const Zone z = build_ok(records_of_lines(lines));
  REQUIRE(z.nodes().size() == 2 + names + 2 * (names / 10));
  std::size_t ents = 0;
  for (std::size_t k = 0; k < z.nodes().size(); ++k) {
    const Node& n = z.nodes()[k];
    if (k > 0) CHECK(canonical_compare(z.nodes()[k - 1].owner, n.owner) < 0);
    const std::string owner = n.owner.to_string();
    const bool ent = owner.starts_with("q") || owner.starts_with("y.q");
    CHECK(n.empty_non_terminal == ent);
    CHECK(n.rrsets.empty() == ent);
    ents += n.empty_non_terminal ? 1 : 0;
  }
  CHECK(ents == 2 * (names / 10));
  CHECK(z.record_count() == 3 + names);  // counted on a few threads
}

TEST_CASE("in a large zone the first bad record in file order is named, and dropped records go wherever they lie") {
  // 40,000 records: the single-record checks run on a few threads, in slices.
  constexpr int names = 40000;
  auto lines_with = [&](std::map<int, std::string> replaced) {
    std::vector<std::string> lines = {"@ 60 SOA ns1 h 1 1 1 1 1", "@ 60 NS ns1", "ns1 60 A 192.0.2.1"};
    for (int i = 0; i < names; ++i) {
      auto it = replaced.find(i);
      lines.push_back(it != replaced.end() ? it->second : "h" + std::to_string(i) + " 60 A 192.0.2.3");
    }
    return lines;
  };
  // A bad record in each half: the first one's line.
  Error both = build_err(records_of_lines(lines_with({{5000, "x.example.org. 60 A 192.0.2.1"},
                                                       {35000, "@ 60 CNAME ns1"}})));
  CHECK(both.code == Errc::out_of_zone);
  CHECK(both.where.value().line == 3 + 5000 + 1);
  // Two in the second half: the earlier.
  Error late = build_err(records_of_lines(lines_with({{36000, "x.example.org. 60 A 192.0.2.1"},
                                                       {30000, "* 60 NS ns1"}})));
  CHECK(late.code == Errc::wildcard_ns);
  CHECK(late.where.value().line == 3 + 30000 + 1);
  // DNSSEC records the signer makes itself, found late in the file only,
  // are dropped; the rest stays in order.
  const Zone z = build_ok(records_of_lines(lines_with({{39000, "h39000 60 NSEC3PARAM 1 0 0 -"}})));
  CHECK(z.nodes().size() == 2 + names - 1);
  CHECK(z.record_count() == 3 + names - 1);
  for (const Node& n : z.nodes()) CHECK_FALSE(n.has(RrType::NSEC3PARAM));
}

TEST_CASE("owners that share long key prefixes, or differ only in case, sort canonically into one node each") {
  // Short names whose keys the sort compares whole, long ones that share
  // their first sixteen octets and differ after, spellings in other cases,
  // and several types per owner: 40,000 records, sorted on threads.
  std::vector<std::string> lines = {"@ 60 SOA ns1 h 1 1 1 1 1", "@ 60 NS ns1", "ns1 60 A 192.0.2.1"};
  constexpr int groups = 8000;
  for (int i = groups; i-- > 0;) {
    const std::string n = std::to_string(i);
    lines.push_back("s" + n + " 60 TXT \"x\"");
    lines.push_back("S" + n + " 60 A 192.0.2.1");
    lines.push_back("averylonglabelprefix-" + n + " 60 AAAA 2001:db8::1");
    lines.push_back("AVERYLONGLABELPREFIX-" + n + " 60 A 192.0.2.2");
    lines.push_back("x.averylonglabelprefix-" + n + " 60 A 192.0.2.3");
  }
  const Zone z = build_ok(records_of_lines(lines));
  // apex, ns1, and per group: s<n>, the long name, and the name below it.
  REQUIRE(z.nodes().size() == 2 + 3 * groups);
  for (std::size_t k = 1; k < z.nodes().size(); ++k)
    CHECK(canonical_compare(z.nodes()[k - 1].owner, z.nodes()[k].owner) < 0);
  for (const Node& n : z.nodes()) {
    if (n.owner.label_count() != 3 || n.owner.first_label() == "ns1") continue;
    CHECK(n.rrsets.size() == 2);  // s<n>: A and TXT; the long name: A and AAAA
    for (std::size_t t = 1; t < n.rrsets.size(); ++t) CHECK(to_u16(n.rrsets[t - 1].type) < to_u16(n.rrsets[t].type));
  }
}
