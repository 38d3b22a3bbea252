#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "dns/rdata.hpp"
#include "zonefile/zonefile.hpp"

using namespace zs;

namespace {

ParseOptions options_for(const char* origin) {
  ParseOptions o;
  o.origin = Name::parse(origin).value();
  return o;
}

ParsedZone parse_ok(std::string_view text, const char* origin = "example.com.") {
  auto r = parse_zone_text(text, "test.zone", options_for(origin));
  if (!r) FAIL(r.error().to_string());
  return std::move(*r);
}

Error parse_err(std::string_view text, const char* origin = "example.com.") {
  auto r = parse_zone_text(text, "test.zone", options_for(origin));
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

std::string owner_of(const Record& r) { return r.owner.to_string(); }

// A scratch folder for $INCLUDE tests, removed at the end of the case.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("zs-zonefile-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, std::string_view text) const {
    auto p = path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

}  // namespace

TEST_CASE("relative names, @ and $ORIGIN complete owners and RDATA names") {
  auto z = parse_ok(
      "$TTL 300\n"
      "@ IN SOA ns1 hostmaster 1 2 3 4 5\n"
      "www A 192.0.2.1\n"
      "$ORIGIN sub.example.com.\n"
      "host CNAME www\n"
      "abs.example.net. A 192.0.2.2\n");
  REQUIRE(z.records.size() == 4);
  CHECK(owner_of(z.records[0]) == "example.com.");
  CHECK(owner_of(z.records[1]) == "www.example.com.");
  CHECK(owner_of(z.records[2]) == "host.sub.example.com.");
  CHECK(rdata_to_string(RrType::CNAME, z.records[2].rdata) == "www.sub.example.com.");
  CHECK(owner_of(z.records[3]) == "abs.example.net.");
}

TEST_CASE("a line starting with a blank repeats the previous owner") {
  auto z = parse_ok("$TTL 60\na A 192.0.2.1\n  AAAA 2001:db8::1\n\tTXT \"x\"\n");
  REQUIRE(z.records.size() == 3);
  CHECK(owner_of(z.records[1]) == "a.example.com.");
  CHECK(owner_of(z.records[2]) == "a.example.com.");
  CHECK(z.records[2].type == RrType::TXT);
  CHECK(z.records[2].src_line == 4);
  CHECK(z.records[2].src_column == 2);
}

TEST_CASE("TTL and class come in either order and CLASS1 means IN") {
  auto z = parse_ok("a 10 IN A 192.0.2.1\nb IN 20 A 192.0.2.2\nc CLASS1 30 A 192.0.2.3\nd 1h in a 192.0.2.4\n");
  REQUIRE(z.records.size() == 4);
  CHECK(z.records[0].ttl == 10);
  CHECK(z.records[1].ttl == 20);
  CHECK(z.records[2].ttl == 30);
  CHECK(z.records[3].ttl == 3600);
  CHECK(z.records[3].type == RrType::A);
}

TEST_CASE("classes other than IN are rejected at the class token") {
  Error e = parse_err("$TTL 60\na CH A 192.0.2.1\n");
  CHECK(e.code == Errc::bad_class);
  CHECK(e.where->file == "test.zone");
  CHECK(e.where->line == 2);
  CHECK(e.where->column == 3);
  CHECK(parse_err("$TTL 60\na CLASS3 A 192.0.2.1\n").code == Errc::bad_class);
}

TEST_CASE("the SOA MINIMUM becomes the default TTL when the SOA comes first without a TTL") {
  auto z = parse_ok(
      "@ IN SOA ns1 host 1 2 3 4 600\n"  // no TTL known yet: MINIMUM, now the default
      "a A 192.0.2.1\n"
      "b 30 A 192.0.2.2\n"
      "c A 192.0.2.3\n"                  // the default, not the last TTL (BIND)
      "$TTL 99\n"
      "d A 192.0.2.4\n"
      "e 7 A 192.0.2.5\n"
      "f A 192.0.2.6\n");
  REQUIRE(z.records.size() == 7);
  CHECK(z.records[0].ttl == 600);
  CHECK(z.records[1].ttl == 600);
  CHECK(z.records[2].ttl == 30);
  CHECK(z.records[3].ttl == 600);
  CHECK(z.records[4].ttl == 99);
  CHECK(z.records[5].ttl == 7);
  CHECK(z.records[6].ttl == 99);
}

TEST_CASE("without $TTL a record takes the last explicit TTL") {
  auto z = parse_ok("a 300 A 192.0.2.1\nb A 192.0.2.2\n@ SOA ns1 host 1 2 3 4 600\nc 20 A 192.0.2.3\nd A 192.0.2.4\n");
  REQUIRE(z.records.size() == 5);
  CHECK(z.records[1].ttl == 300);
  CHECK(z.records[2].ttl == 300);
  CHECK(z.records[4].ttl == 20);
}

TEST_CASE("a SOA without TTL takes the last stated TTL, as BIND does") {
  auto z = parse_ok("a 300 A 192.0.2.1\n@ SOA ns1 host 1 2 3 4 600\n");
  CHECK(z.records[1].ttl == 300);
}

TEST_CASE("a record before the SOA with no TTL to default to is an error") {
  Error e = parse_err("a A 192.0.2.1\n@ SOA ns1 host 1 2 3 4 600\n");
  CHECK(e.code == Errc::no_ttl);
  CHECK(e.where->line == 1);
  CHECK(e.where->column == 1);
}

TEST_CASE("TTL errors point at the TTL token") {
  Error e = parse_err("$TTL 60\nwww 2147483648 A 192.0.2.1\n");
  CHECK(e.code == Errc::bad_ttl);
  CHECK(e.where->line == 2);
  CHECK(e.where->column == 5);
  e = parse_err("$TTL 1y\n");
  CHECK(e.code == Errc::bad_ttl);
  CHECK(e.where->column == 6);
}

TEST_CASE("unknown types and directives are reported where they are") {
  Error e = parse_err("$TTL 60\nwww IN FOO 1\n");
  CHECK(e.code == Errc::bad_type);
  CHECK(e.where->column == 8);
  e = parse_err("$TTL 60\n$FOO bar\n");
  CHECK(e.code == Errc::bad_directive);
  CHECK(e.where->line == 2);
  CHECK(parse_err("$ORIGIN\n").code == Errc::bad_directive);
  CHECK(parse_err("$TTL 60 70\n").code == Errc::bad_directive);
}

TEST_CASE("RFC 3597 generic types and RDATA are accepted") {
  auto z = parse_ok("$TTL 60\na TYPE1 \\# 4 c0000201\nb TYPE65280 \\# 3 010203\nc CLASS1 TYPE16 \\# 2 0161\n");
  REQUIRE(z.records.size() == 3);
  CHECK(z.records[0].type == RrType::A);
  CHECK(rdata_to_string(RrType::A, z.records[0].rdata) == "192.0.2.1");
  CHECK(static_cast<int>(z.records[1].type) == 65280);
  CHECK(z.records[1].rdata == Bytes{1, 2, 3});
  CHECK(z.records[2].type == RrType::TXT);
}

TEST_CASE("escaped labels keep their octets") {
  auto z = parse_ok("$TTL 60\na\\.b\\032c A 192.0.2.1\n");
  REQUIRE(z.records.size() == 1);
  CHECK(z.records[0].owner.label_count() == 3);
  CHECK(z.records[0].owner.first_label() == "a.b c");
}

TEST_CASE("owner name errors carry the code of the name parser") {
  std::string long_label(64, 'x');
  Error e = parse_err("$TTL 60\n" + long_label + " A 192.0.2.1\n");
  CHECK(e.code == Errc::label_too_long);
  CHECK(e.where->line == 2);
  CHECK(parse_err("$TTL 60\na..b A 192.0.2.1\n").code == Errc::bad_name);
}

TEST_CASE("$GENERATE expands owners and RDATA with TTL and class") {
  auto z = parse_ok(
      "$TTL 60\n"
      "$GENERATE 1-3 host-$ 120 IN A 192.0.2.$\n"
      "$GENERATE 0-4/2 ${10,3,d}.rev PTR host-${1}.example.com.\n");
  REQUIRE(z.records.size() == 6);
  CHECK(owner_of(z.records[0]) == "host-1.example.com.");
  CHECK(rdata_to_string(RrType::A, z.records[2].rdata) == "192.0.2.3");
  CHECK(z.records[2].ttl == 120);
  CHECK(z.records[2].src_line == 2);
  CHECK(owner_of(z.records[4]) == "012.rev.example.com.");
  CHECK(rdata_to_string(RrType::PTR, z.records[4].rdata) == "host-3.example.com.");
  CHECK(z.records[5].ttl == 60);
}

TEST_CASE("$GENERATE reads a quoted rhs as RDATA text, as BIND does") {
  auto z = parse_ok(
      "$TTL 60\n"
      "$GENERATE 1-1 mx$ MX \"10 host$\"\n"
      "$GENERATE 1-1 txt$ TXT \"a$ b\"\n"
      "$GENERATE 1-1 txq$ TXT \"\\\"a$ b\\\"\"\n");
  REQUIRE(z.records.size() == 3);
  CHECK(rdata_to_string(RrType::MX, z.records[0].rdata) == "10 host1.example.com.");
  CHECK(rdata_to_string(RrType::TXT, z.records[1].rdata) == "\"a1\" \"b\"");
  CHECK(rdata_to_string(RrType::TXT, z.records[2].rdata) == "\"a1 b\"");
}

TEST_CASE("$GENERATE errors point at the faulty field") {
  Error e = parse_err("$TTL 60\n$GENERATE 5-1 h$ A 192.0.2.$\n");
  CHECK(e.code == Errc::bad_directive);
  CHECK(e.where->column == 11);
  e = parse_err("$TTL 60\n$GENERATE 1-300 h$ A 192.0.2.$\n");
  CHECK(e.code == Errc::bad_rdata);
  CHECK(e.where->line == 2);
  CHECK(parse_err("$TTL 60\n$GENERATE 1-3 h$ A\n").code == Errc::bad_directive);
  e = parse_err("$TTL 60\n$GENERATE 1-3 h$ MX 10 mx$\n");
  CHECK(e.code == Errc::bad_directive);
  CHECK(e.where->column == 24);
}

TEST_CASE("$INCLUDE reads files relative to the including file, with an optional origin") {
  TempDir dir;
  dir.write("sub/part.zone", "www A 192.0.2.1\n  AAAA 2001:db8::1\n");
  std::string top = dir.write("top.zone",
                              "$TTL 60\n"
                              "$INCLUDE sub/part.zone\n"
                              "$INCLUDE sub/part.zone inner.example.com.\n"
                              "after A 192.0.2.9\n");
  auto z = parse_zone_file(top, options_for("example.com."));
  REQUIRE(z.has_value());
  REQUIRE(z->records.size() == 5);
  CHECK(owner_of(z->records[0]) == "www.example.com.");
  CHECK(owner_of(z->records[2]) == "www.inner.example.com.");
  CHECK(owner_of(z->records[3]) == "www.inner.example.com.");
  CHECK(owner_of(z->records[4]) == "after.example.com.");
  REQUIRE(z->files.size() == 3);
  CHECK(z->records[1].src_file == 1);
  CHECK(z->records[1].src_line == 2);
  CHECK(z->files[1].ends_with("sub/part.zone"));
}

TEST_CASE("errors inside an included file name that file and line") {
  TempDir dir;
  dir.write("inc/bad.zone", "ok A 192.0.2.1\nbad A 192.0.2.300\n");
  std::string top = dir.write("top.zone", "$TTL 60\n$INCLUDE inc/bad.zone\n");
  auto z = parse_zone_file(top, options_for("example.com."));
  REQUIRE_FALSE(z.has_value());
  CHECK(z.error().code == Errc::bad_rdata);
  CHECK(z.error().where->file.ends_with("inc/bad.zone"));
  CHECK(z.error().where->line == 2);
  CHECK(z.error().where->column == 7);
}

TEST_CASE("an include loop and a missing include file are reported at the $INCLUDE") {
  TempDir dir;
  dir.write("a.zone", "$TTL 60\n$INCLUDE b.zone\n");
  dir.write("b.zone", "x A 192.0.2.1\n$INCLUDE a.zone\n");
  auto z = parse_zone_file((dir.path / "a.zone").string(), options_for("example.com."));
  REQUIRE_FALSE(z.has_value());
  CHECK(z.error().code == Errc::include_loop);
  CHECK(z.error().where->file.ends_with("b.zone"));
  CHECK(z.error().where->line == 2);
  CHECK(z.error().where->column == 10);

  std::string top = dir.write("c.zone", "$TTL 60\n$INCLUDE nowhere.zone\n");
  z = parse_zone_file(top, options_for("example.com."));
  REQUIRE_FALSE(z.has_value());
  CHECK(z.error().code == Errc::io);
  CHECK(z.error().where->line == 2);
}

TEST_CASE("includes nested deeper than max_include_depth are rejected") {
  TempDir dir;
  for (int i = 0; i < 4; ++i)
    dir.write("d" + std::to_string(i) + ".zone", "$INCLUDE d" + std::to_string(i + 1) + ".zone\n");
  dir.write("d4.zone", "$TTL 60\nx A 192.0.2.1\n");
  ParseOptions o = options_for("example.com.");
  o.max_include_depth = 4;
  auto z = parse_zone_file((dir.path / "d0.zone").string(), o);
  CHECK(z.has_value());
  o.max_include_depth = 3;
  z = parse_zone_file((dir.path / "d0.zone").string(), o);
  REQUIRE_FALSE(z.has_value());
  CHECK(z.error().code == Errc::include_depth);
  CHECK(z.error().where->file.ends_with("d3.zone"));
}

TEST_CASE("obsolete MD and MF records parse although BIND refuses them") {
  auto z = parse_ok("$TTL 60\nmd MD ns\nmf MF ns.example.net.\n");
  REQUIRE(z.records.size() == 2);
  CHECK(z.records[0].type == RrType::MD);
  CHECK(z.records[0].rdata == to_bytes(Name::parse("ns.example.com.").value().wire()));
  CHECK(z.records[1].type == RrType::MF);
}

TEST_CASE("directive names are case-insensitive and a quoted owner is a name") {
  auto z = parse_ok("$ttl 60\n$origin sub\n\"quoted\" TXT q\n");
  REQUIRE(z.records.size() == 1);
  CHECK(owner_of(z.records[0]) == "quoted.sub.example.com.");
  CHECK(z.records[0].ttl == 60);
}

TEST_CASE("record types and the class are read in any case, the common types and the rest alike") {
  auto z = parse_ok(
      "$TTL 60\n"
      "@ in soa ns1 h 1 2 3 4 5\n"
      "@ In Ns ns1\n"
      "ns1 iN a 192.0.2.1\n"
      "ns1 aAaA 2001:db8::1\n"
      "m Mx 10 ns1\n"
      "t tXt x\n"
      "c CName ns1\n"
      "s sRv 1 2 3 ns1\n"
      "d dS 1 13 2 " + std::string(64, 'a') + "\n"
      "p pTr ns1\n"
      "n nsec3param 1 0 0 -\n"
      "h HiNfO a b\n"
      "g type1 192.0.2.2\n");
  const RrType expected[] = {RrType::SOA,   RrType::NS,  RrType::A,   RrType::AAAA,       RrType::MX,
                             RrType::TXT,   RrType::CNAME, RrType::SRV, RrType::DS,       RrType::PTR,
                             RrType::NSEC3PARAM, RrType::HINFO, RrType::A};
  REQUIRE(z.records.size() == std::size(expected));
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    CAPTURE(i);
    CHECK(z.records[i].type == expected[i]);
    CHECK(z.records[i].rclass == class_IN);
  }
  // A word that only looks like a common type is no type.
  for (const char* word : {"AA", "NSS", "TXTX", "CNAM", "AAAAA"}) {
    CAPTURE(word);
    Error e = parse_err("$TTL 60\nx " + std::string(word) + " 1\n");
    CHECK(e.code == Errc::bad_type);
    CHECK(e.where->column == 3);
  }
}

TEST_CASE("an owner written again on the next line is one shared name, until $ORIGIN or $INCLUDE") {
  TempDir dir;
  dir.write("inner.zone", "host A 192.0.2.7\n");
  std::string top = dir.write("top.zone",
                              "$TTL 60\n"
                              "host A 192.0.2.1\n"
                              "host AAAA 2001:db8::1\n"
                              "HOST TXT spelled-otherwise\n"
                              "$ORIGIN sub.example.com.\n"
                              "host A 192.0.2.2\n"
                              "$INCLUDE inner.zone other.example.com.\n"
                              "host A 192.0.2.3\n"
                              "$ORIGIN example.com.\n"
                              "host A 192.0.2.4\n");
  auto z = parse_zone_file(top, options_for("example.com."));
  REQUIRE(z.has_value());
  REQUIRE(z->records.size() == 7);
  const auto& r = z->records;
  CHECK(owner_of(r[0]) == "host.example.com.");
  CHECK(r[1].owner.wire().data() == r[0].owner.wire().data());  // the same Name block
  CHECK(owner_of(r[2]) == "HOST.example.com.");                  // spelling kept
  CHECK(owner_of(r[3]) == "host.sub.example.com.");
  CHECK(owner_of(r[4]) == "host.other.example.com.");
  CHECK(owner_of(r[5]) == "host.sub.example.com.");
  CHECK(owner_of(r[6]) == "host.example.com.");
  CHECK(r[6].src_line == 10);
}

TEST_CASE("line numbers carry over pieces whose line breaks sit in comments, parentheses and CRLF") {
  std::vector<Record> got;
  ZoneTextReader reader("pieces.zone", options_for("example.com."), [&got](Record&& r, const SourceFiles&) {
    got.push_back(std::move(r));
    return Result<void>{};
  });
  REQUIRE(reader.read("$TTL 60\r\n@ SOA ( ns1 h ; a comment\n 1 2 3\r\n 4 5 )\n"));
  REQUIRE(reader.read("; only a comment \"with a quote\n\n"));
  REQUIRE(reader.read("a TXT \"x;y\" ; z\n"));
  auto r = reader.read("b A 192.0.2.300\n");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::bad_rdata);
  CHECK(r.error().where->line == 8);
  CHECK(r.error().where->column == 5);
  REQUIRE(got.size() == 2);
  CHECK(got[0].src_line == 2);
  CHECK(got[1].src_line == 7);
}
