#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "dns/name.hpp"

using namespace zs;

namespace {
Name n(std::string_view text) { return Name::parse(text).value(); }
}  // namespace

TEST_CASE("names parse relative to an origin and print absolute") {
  Name origin = n("example.com.");
  CHECK(Name::parse("www", &origin).value().to_string() == "www.example.com.");
  CHECK(Name::parse("@", &origin).value().to_string() == "example.com.");
  CHECK(Name::parse(".").value().is_root());
  CHECK(Name::parse("www").error().code == Errc::no_origin);
}

TEST_CASE("escapes in names round-trip") {
  Name a = n("a\\.b.example.");
  CHECK(a.label_count() == 2);
  CHECK(a.to_string() == "a\\.b.example.");
  Name d = n("\\000\\255x.example.");
  CHECK(d.first_label().size() == 3);
  CHECK(d.to_string() == "\\000\\255x.example.");
  CHECK(Name::parse("\\25.example.").error().code == Errc::bad_name);
  CHECK(Name::parse("\\256.example.").error().code == Errc::bad_name);
}

TEST_CASE("labels over 63 octets and names over 255 octets are rejected") {
  std::string label(64, 'a');
  CHECK(Name::parse(label + ".example.").error().code == Errc::label_too_long);
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'b') + ".";
  CHECK(Name::parse(long_name).error().code == Errc::name_too_long);
  CHECK(Name::parse("a..b.").error().code == Errc::bad_name);
}

TEST_CASE("names compare case-insensitively but keep their spelling") {
  CHECK(n("WWW.Example.COM.") == n("www.example.com."));
  CHECK(n("WWW.Example.COM.").to_string() == "WWW.Example.COM.");
  CHECK(n("WWW.Example.COM.").lowercased().to_string() == "www.example.com.");
  CHECK(n("a.b.example.").is_subdomain_of(n("B.example.")));
  CHECK_FALSE(n("ab.example.").is_subdomain_of(n("b.example.")));
}

TEST_CASE("canonical order follows RFC 4034 section 6.1's example") {
  // The example list of RFC 4034 §6.1, in canonical order.
  std::vector<std::string> expected = {"example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.",
                                       "zABC.a.EXAMPLE.", "z.example.", "\\001.z.example.", "*.z.example.",
                                       "\\200.z.example."};
  std::vector<Name> names;
  for (auto it = expected.rbegin(); it != expected.rend(); ++it) names.push_back(n(*it));
  std::sort(names.begin(), names.end());
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(names[i].to_string() == n(expected[i]).to_string());
}

TEST_CASE("wire form reads back, including compression pointers") {
  Bytes msg = {3, 'c', 'o', 'm', 0, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0xC0, 0};
  std::size_t off = 5;
  auto name = Name::read_wire(msg, off);
  REQUIRE(name);
  CHECK(name->to_string() == "example.com.");
  CHECK(off == msg.size());
  Bytes loop = {0xC0, 0};
  off = 0;
  CHECK_FALSE(Name::read_wire(loop, off));
}

TEST_CASE("parse_to_wire appends what parse reads, and nothing on an error") {
  Name origin = n("Example.COM.");
  for (const char* text : {"www", "WWW.sub", "a\\.b", "\\000x", "abs.example.net.", "@", ".", "*.wild"}) {
    CAPTURE(text);
    Bytes out = {0xAA};
    REQUIRE(Name::parse_to_wire(text, &origin, out));
    const Name parsed = Name::parse(text, &origin).value();
    CHECK(out.front() == 0xAA);
    CHECK(Bytes(out.begin() + 1, out.end()) == Bytes(parsed.wire().begin(), parsed.wire().end()));
  }
  for (const char* text : {"", "a..b", "\\25x", "\\256", "x\\"}) {
    CAPTURE(text);
    Bytes out = {0xAA};
    auto r = Name::parse_to_wire(text, &origin, out);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Name::parse(text, &origin).error().code);
    CHECK(out == Bytes{0xAA});
  }
  Bytes out;
  CHECK(Name::parse_to_wire("www", nullptr, out).error().code == Errc::no_origin);
  CHECK(out.empty());
}

TEST_CASE("the 255-octet limit holds at its edge for plain runs, escapes and the origin") {
  // Four labels of 63 octets and one of 2: 4 * 64 + 3 + 1 = 260 octets; one
  // of 59 octets instead makes exactly 255 octets with the root.
  const std::string l63(63, 'a');
  const std::string fits = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b') + ".";
  REQUIRE(Name::parse(fits).value().wire_length() == 255);
  CHECK(Name::parse(l63 + "." + l63 + "." + l63 + "." + std::string(62, 'b') + ".").error().code ==
        Errc::name_too_long);
  // The same edge with the last octet written as an escape.
  CHECK(Name::parse(l63 + "." + l63 + "." + l63 + "." + std::string(60, 'b') + "\\098.").value().wire_length() ==
        255);
  CHECK(Name::parse(l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b') + "\\098.").error().code ==
        Errc::name_too_long);
  // Relative: the origin's octets count too.
  Name origin = n("example.");  // 9 octets
  const std::string relative = l63 + "." + l63 + "." + l63 + "." + std::string(53, 'c');
  CHECK(Name::parse(relative, &origin).value().wire_length() == 255);
  CHECK(Name::parse(relative + "c", &origin).error().code == Errc::name_too_long);
  // A run far past the limit fails as too long before any later error.
  CHECK(Name::parse(std::string(300, 'x') + "\\999").error().code == Errc::name_too_long);
  // A long label ends in label_too_long, an overlong name before it closes in name_too_long.
  CHECK(Name::parse(std::string(64, 'x') + ".").error().code == Errc::label_too_long);
  CHECK(Name::parse(std::string(256, 'x')).error().code == Errc::name_too_long);
}
