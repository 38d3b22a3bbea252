#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/encoding.hpp"

using namespace zs;

namespace {
Bytes b(std::string_view s) { return to_bytes(s); }
}  // namespace

namespace {

struct Vector {
  std::string encoding, plain, encoded;
};

// test/vectors/rfc4648-section10.txt: "ENCODING | input | encoded".
std::vector<Vector> load_vectors() {
  std::ifstream in(std::string(ZONESIGN_SOURCE_DIR) + "/test/vectors/rfc4648-section10.txt");
  REQUIRE(in);
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::size_t a = line.find(" | "), b = line.find(" | ", a + 3);
    REQUIRE(b != std::string::npos);
    Vector v{line.substr(0, a), line.substr(a + 3, b - a - 3), line.substr(b + 3)};
    while (!v.encoded.empty() && v.encoded.back() == ' ') v.encoded.pop_back();
    out.push_back(std::move(v));
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

}  // namespace

TEST_CASE("the RFC 4648 section 10 vectors encode and decode") {
  auto vectors = load_vectors();
  CHECK(vectors.size() == 21);
  for (const auto& v : vectors) {
    CAPTURE(v.encoding);
    CAPTURE(v.plain);
    if (v.encoding == "BASE64") {
      CHECK(to_base64(b(v.plain)) == v.encoded);
      CHECK(from_base64(v.encoded).value() == b(v.plain));
    } else if (v.encoding == "BASE32-HEX") {
      std::string unpadded = v.encoded.substr(0, v.encoded.find('='));
      CHECK(to_base32hex(b(v.plain)) == lower(unpadded));
      // Into a buffer of exactly the length it announces, marked beyond it.
      std::string buffer(base32hex_length(v.plain.size()) + 1, '#');
      const std::size_t written = to_base32hex_into(b(v.plain), std::span<char>(buffer).first(buffer.size() - 1));
      CHECK(written == unpadded.size());
      CHECK(buffer == lower(unpadded) + "#");
      CHECK(from_base32hex(unpadded).value() == b(v.plain));
      CHECK(from_base32hex(lower(unpadded)).value() == b(v.plain));
    } else {
      REQUIRE(v.encoding == "BASE16");
      CHECK(to_hex(b(v.plain)) == v.encoded);
      CHECK(from_hex(v.encoded).value() == b(v.plain));
      CHECK(from_hex(lower(v.encoded)).value() == b(v.plain));
    }
  }
}

TEST_CASE("malformed encodings are rejected") {
  CHECK_FALSE(from_hex("6"));
  CHECK_FALSE(from_hex("6g"));
  CHECK_FALSE(from_hex("66 6f"));
  CHECK_FALSE(from_base64("Zg="));       // not a multiple of 4
  CHECK_FALSE(from_base64("Zm9v!A=="));  // outside the alphabet
  CHECK_FALSE(from_base64("Zh=="));      // non-zero unused bits
  CHECK_FALSE(from_base64("Z==="));
  CHECK_FALSE(from_base64("Zm!vZm9v"));  // outside the alphabet, inside a whole quantum
  CHECK_FALSE(from_base64("Zm9=Zm9v"));  // padding before the end
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
