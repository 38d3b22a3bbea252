#include <doctest/doctest.h>

#include <string>

#include "zone/zone.hpp"
#include "zonefile/writer.hpp"
#include "zonefile/zonefile.hpp"

using namespace zs;

namespace {

Zone zone_of(std::string_view text, bool keep_dnssec = false) {
  ParseOptions o;
  o.origin = Name::parse("example.com.").value();
  auto parsed = parse_zone_text(text, "w.zone", o);
  if (!parsed) FAIL(parsed.error().to_string());
  auto zone = Zone::build(std::move(parsed->records), o.origin, parsed->files, Zone::BuildOptions{keep_dnssec});
  if (!zone) FAIL(zone.error().to_string());
  return std::move(*zone);
}

std::string written(const Zone& zone) {
  std::string out;
  write_zone_text(zone, out);
  return out;
}

}  // namespace

TEST_CASE("the writer prints one tab-separated record per line, SOA first, in canonical and type order") {
  Zone z = zone_of(
      "$TTL 300\n"
      "b.a TXT \"x y\"\n"
      "@ MX 10 Mail\n"
      "@ NS ns\n"
      "@ SOA ns host 1 2 3 4 5\n"
      "ns A 192.0.2.2\n"
      "ns A 192.0.2.1\n"
      "Mail 60 AAAA 2001:db8::1\n");
  CHECK(written(z) ==
        "example.com.\t300\tIN\tSOA\tns.example.com. host.example.com. 1 2 3 4 5\n"
        "example.com.\t300\tIN\tNS\tns.example.com.\n"
        "example.com.\t300\tIN\tMX\t10 Mail.example.com.\n"
        "b.a.example.com.\t300\tIN\tTXT\t\"x y\"\n"
        "Mail.example.com.\t60\tIN\tAAAA\t2001:db8::1\n"
        "ns.example.com.\t300\tIN\tA\t192.0.2.1\n"
        "ns.example.com.\t300\tIN\tA\t192.0.2.2\n");
}

TEST_CASE("the writer puts each RRset's RRSIGs right after it") {
  Zone z = zone_of(
      "$TTL 300\n"
      "@ SOA ns host 1 2 3 4 5\n"
      "@ RRSIG NS 13 2 300 20300101000000 20200101000000 1 example.com. AAAA\n"
      "@ RRSIG SOA 13 2 300 20300101000000 20200101000000 1 example.com. AAAA\n"
      "@ NS ns\n"
      "ns A 192.0.2.1\n"
      "ns 60 RRSIG A 13 3 300 20300101000000 20200101000000 1 example.com. BBBB\n",
      true);
  CHECK(written(z) ==
        "example.com.\t300\tIN\tSOA\tns.example.com. host.example.com. 1 2 3 4 5\n"
        "example.com.\t300\tIN\tRRSIG\tSOA 13 2 300 20300101000000 20200101000000 1 example.com. AAAA\n"
        "example.com.\t300\tIN\tNS\tns.example.com.\n"
        "example.com.\t300\tIN\tRRSIG\tNS 13 2 300 20300101000000 20200101000000 1 example.com. AAAA\n"
        "ns.example.com.\t300\tIN\tA\t192.0.2.1\n"
        "ns.example.com.\t60\tIN\tRRSIG\tA 13 3 300 20300101000000 20200101000000 1 example.com. BBBB\n");
}

TEST_CASE("types that not every server knows by name are written in RFC 3597 form") {
  Zone z = zone_of(
      "$TTL 300\n@ SOA ns host 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
      "x X25 \"311061700956\"\n"
      "y TYPE65280 \\# 0\n");
  std::string out = written(z);
  CHECK(out.find("x.example.com.\t300\tIN\tTYPE19\t\\# 13 0C333131303631373030393536\n") != std::string::npos);
  CHECK(out.find("y.example.com.\t300\tIN\tTYPE65280\t\\# 0\n") != std::string::npos);
}

TEST_CASE("written zones read back to the same zone, escapes and empty non-terminals included") {
  Zone z = zone_of(
      "$TTL 300\n@ SOA ns host 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
      "a\\.b\\032c.d.e TXT \"semi;colon\" \"quote\\\"d\"\n"
      "\\@ TXT at\n"
      "sub NS ns.sub\nns.sub A 192.0.2.9\n");
  std::string first = written(z);
  CHECK(first.find("a\\.b\\032c.d.e.example.com.") != std::string::npos);
  Zone again = zone_of(first);
  CHECK(written(again) == first);
  REQUIRE(again.nodes().size() == z.nodes().size());
  for (std::size_t i = 0; i < z.nodes().size(); ++i) {
    CHECK(again.nodes()[i].owner == z.nodes()[i].owner);
    CHECK(again.nodes()[i].kind == z.nodes()[i].kind);
    CHECK(again.nodes()[i].empty_non_terminal == z.nodes()[i].empty_non_terminal);
  }
}

namespace {

class CollectingSink final : public TextSink {
 public:
  Result<void> write(std::string_view text) override {
    out.append(text);
    ++writes;
    return {};
  }
  std::string out;
  std::size_t writes = 0;
};

}  // namespace

TEST_CASE("the writer gives the same text on any number of threads") {
  // More nodes than several threads' slices (8192 nodes each), some with
  // two RRsets, so that the last round is partly empty.
  std::string text = "$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n";
  for (int i = 0; i < 30000; ++i) {
    text += "h" + std::to_string(i) + " A 192.0.2." + std::to_string(i % 250 + 1) + "\n";
    if (i % 7 == 0) text += "h" + std::to_string(i) + " TXT \"t" + std::to_string(i) + "\"\n";
  }
  const Zone zone = zone_of(text);
  const std::string one = written(zone);
  for (unsigned threads : {2u, 3u, 8u}) {
    CollectingSink sink;
    REQUIRE(write_zone(zone, sink, threads));
    CHECK(sink.writes > 1);
    CHECK_MESSAGE(sink.out == one, threads << " threads");
  }
}
