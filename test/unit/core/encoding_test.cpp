#include <doctest/doctest.h>

#include <string>

#include "core/encoding.hpp"

using namespace zs;

namespace {
Bytes b(std::string_view s) { return to_bytes(s); }
}  // namespace

// RFC 4648 §10 test vectors. base32hex is printed lower-case and unpadded,
// as NSEC3 uses it (RFC 5155 §3.3), so the RFC's padding is dropped here.
TEST_CASE("base64 encodes and decodes the RFC 4648 section 10 vectors") {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    CAPTURE(plain);
    CHECK(to_base64(b(plain)) == encoded);
    auto decoded = from_base64(encoded);
    REQUIRE(decoded);
    CHECK(*decoded == b(plain));
  }
}

TEST_CASE("base32hex encodes and decodes the RFC 4648 section 10 vectors without padding") {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},           {"f", "co"},           {"fo", "cpng"},           {"foo", "cpnmu"},
      {"foob", "cpnmuog"}, {"fooba", "cpnmuoj1"}, {"foobar", "cpnmuoj1e8"},
  };
  for (auto [plain, encoded] : vectors) {
    CAPTURE(plain);
    CHECK(to_base32hex(b(plain)) == encoded);
    auto decoded = from_base32hex(encoded);
    REQUIRE(decoded);
    CHECK(*decoded == b(plain));
  }
  CHECK(from_base32hex("CPNMUOJ1E8").value() == b("foobar"));
}

TEST_CASE("hex encodes upper-case and decodes either case, the RFC 4648 section 10 vectors") {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},         {"f", "66"},           {"fo", "666F"},           {"foo", "666F6F"},
      {"foob", "666F6F62"}, {"fooba", "666F6F6261"}, {"foobar", "666F6F626172"},
  };
  for (auto [plain, encoded] : vectors) {
    CAPTURE(plain);
    CHECK(to_hex(b(plain)) == encoded);
    CHECK(from_hex(encoded).value() == b(plain));
  }
  CHECK(from_hex("666f6f").value() == b("foo"));
}

TEST_CASE("malformed encodings are rejected") {
  CHECK_FALSE(from_hex("6"));
  CHECK_FALSE(from_hex("6g"));
  CHECK_FALSE(from_hex("66 6f"));
  CHECK_FALSE(from_base64("Zg="));       // not a multiple of 4
  CHECK_FALSE(from_base64("Zm9v!A=="));  // outside the alphabet
  CHECK_FALSE(from_base64("Zh=="));      // non-zero unused bits
  CHECK_FALSE(from_base64("Z==="));
  CHECK_FALSE(from_base32hex("c"));      // impossible length
  CHECK_FALSE(from_base32hex("cw"));     // 'w' is outside base32hex
  CHECK_FALSE(from_base32hex("cp"));     // non-zero unused bits
}

TEST_CASE("all byte values survive each encoding") {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(255 - i));
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    BytesView part(all.data(), len);
    Bytes expected(part.begin(), part.end());
    CHECK(from_hex(to_hex(part)).value() == expected);
    CHECK(from_base64(to_base64(part)).value() == expected);
    CHECK(from_base32hex(to_base32hex(part)).value() == expected);
  }
}
