#include <doctest/doctest.h>

#include <string>

#include "zonefile/generate.hpp"

using namespace zs;

namespace {
std::string expand(std::string_view pattern, std::int64_t value) {
  std::string out;
  auto r = expand_generate(pattern, value, out);
  REQUIRE(r.has_value());
  return out;
}
}  // namespace

TEST_CASE("$GENERATE substitutes the iterator, $$ and escapes") {
  CHECK(expand("host-$", 7) == "host-7");
  CHECK(expand("h$$x", 7) == "h$x");
  CHECK(expand("h\\$x", 7) == "h\\$x");
  CHECK(expand("$.$", 12) == "12.12");
}

TEST_CASE("$GENERATE modifiers apply offset, width and base") {
  CHECK(expand("${0,3,d}", 7) == "007");
  CHECK(expand("${-5}", 7) == "2");
  CHECK(expand("${10,4,x}", 245) == "00ff");
  CHECK(expand("${0,0,X}", 255) == "FF");
  CHECK(expand("${0,4,o}", 8) == "0010");
  CHECK(expand("${+1,2}", 0) == "01");
}

TEST_CASE("$GENERATE nibble mode reverses nibbles and counts dots in the width") {
  CHECK(expand("${0,0,n}", 0x1a) == "a.1");
  CHECK(expand("${0,3,n}", 0x1a) == "a.1");
  CHECK(expand("${0,4,n}", 0x1a) == "a.1.");
  CHECK(expand("${0,7,N}", 0xab) == "B.A.0.0");
}

TEST_CASE("$GENERATE rejects malformed modifiers and ranges") {
  std::string out;
  CHECK(expand_generate("${1,2,q}", 1, out).error().code == Errc::bad_directive);
  CHECK(expand_generate("${1", 1, out).error().code == Errc::bad_directive);
  CHECK(expand_generate("${a}", 1, out).error().code == Errc::bad_directive);
  CHECK(expand_generate("${-5}", 1, out).error().code == Errc::bad_directive);
  CHECK(parse_generate_range("1-10").value().stop == 10);
  CHECK(parse_generate_range("0-20/5").value().step == 5);
  CHECK(parse_generate_range("10-1").error().code == Errc::bad_directive);
  CHECK(parse_generate_range("1-10/0").error().code == Errc::bad_directive);
  CHECK(parse_generate_range("1").error().code == Errc::bad_directive);
  CHECK(parse_generate_range("a-b").error().code == Errc::bad_directive);
}
