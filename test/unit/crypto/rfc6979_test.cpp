// Deterministic ECDSA: the RFC 6979 nonce generator against the RFC's own
// numbers, and SignContext's ECDSAP256SHA256 / ECDSAP384SHA384 signatures
// against RFC 6979 Appendix A.2.5 (P-256 with SHA-256) and A.2.6 (P-384
// with SHA-384), the only curve and hash pairs that DNSSEC uses (RFC 6605).
// The values are copied from RFC 6979 (Pornin, August 2013), Appendix A.
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.hpp"
#include "crypto/algorithm.hpp"
#include "crypto/keys.hpp"
#include "crypto/rfc6979.hpp"

using namespace zs;

namespace {

Bytes hex(std::string_view text) {
  auto bytes = from_hex(text);
  REQUIRE(bytes);
  return *bytes;
}

struct Curve {
  Algorithm alg;
  DigestType hash;
  const char* q;
  const char* x;
  const char* ux_uy;
};

// RFC 6979 A.2.5: NIST P-256.
const Curve p256{
    Algorithm::ECDSAP256SHA256,
    DigestType::SHA256,
    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
    "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
    "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
    "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
};

// RFC 6979 A.2.6: NIST P-384.
const Curve p384{
    Algorithm::ECDSAP384SHA384,
    DigestType::SHA384,
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
    "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5",
    "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13"
    "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720",
};

struct Vector {
  const Curve* curve;
  const char* message;
  const char* k;
  const char* r;
  const char* s;
};

// "With SHA-256" of A.2.5 and "With SHA-384" of A.2.6, both messages.
const std::array vectors{
    Vector{&p256, "sample", "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60",
           "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
           "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"},
    Vector{&p256, "test", "D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0",
           "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
           "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"},
    Vector{&p384, "sample",
           "94ED910D1A099DAD3254E9242AE85ABDE4BA15168EAF0CA87A555FD56D10FBCA2907E3E83BA95368623B8C4686915CF9",
           "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46",
           "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8"},
    Vector{&p384, "test",
           "015EE46A5BF88773ED9123A5AB0807962D193719503C527B031B4C2D225092ADA71F4A459BC0DA98ADB95837DB8312EA",
           "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB",
           "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E06A739F040649A667BF3B828246BAA5A5"},
};

// The RFC's private key in BIND's form, which carries just the scalar.
PrivateKey rfc_key(const Curve& c) {
  const std::string text = "Private-key-format: v1.3\nAlgorithm: " +
                           std::to_string(static_cast<int>(c.alg)) + "\nPrivateKey: " + to_base64(hex(c.x)) + "\n";
  auto key = PrivateKey::from_bind_private(text);
  REQUIRE(key);
  return std::move(*key);
}

Bytes next_k(rfc6979::NonceGenerator& gen, std::size_t width) {
  Bytes k(width);
  auto r = gen.next(k);
  REQUIRE(r);
  return k;
}

}  // namespace

TEST_CASE("the RFC 6979 nonce rejects a k not below q and gives Appendix A.1's k (163-bit q, SHA-256)") {
  // A.1: q of K-163 (qlen = 163, not a multiple of 8). A.1.2's first
  // candidate, bits2int(9305A46D...), is above q and must be rejected
  // (step h.3); the k it prints comes after.
  const Bytes q = hex("04000000000000000000020108A2E0CC0D99F8A5EF");
  const Bytes x = hex("009A4D6792295A7F730FC3F2B49CBC0F62E862272F");  // int2octets(x), A.1.2
  rfc6979::NonceGenerator gen(DigestType::SHA256);
  REQUIRE(gen.start(q, x, digest(DigestType::SHA256, to_bytes("sample"))));
  CHECK(to_hex(next_k(gen, 21)) == "023AF4074C90A02B3FE61D286D5C87F425E6BDD81B");
}

TEST_CASE("the RFC 6979 nonce for P-256 and P-384 is Appendix A.2.5's and A.2.6's k") {
  for (const auto& v : vectors) {
    CAPTURE(algorithm_name(v.curve->alg));
    CAPTURE(v.message);
    rfc6979::NonceGenerator gen(v.curve->hash);
    const Bytes q = hex(v.curve->q);
    REQUIRE(gen.start(q, hex(v.curve->x), digest(v.curve->hash, to_bytes(v.message))));
    CHECK(to_hex(next_k(gen, q.size())) == v.k);
  }
}

TEST_CASE("a further RFC 6979 nonce, for a k that gave r = 0 or s = 0, is new, below q and reproducible") {
  const Bytes q = hex(p256.q);
  const Bytes h1 = digest(DigestType::SHA256, to_bytes("sample"));
  std::vector<Bytes> runs[2];
  for (auto& run : runs) {
    rfc6979::NonceGenerator gen(DigestType::SHA256);
    REQUIRE(gen.start(q, hex(p256.x), h1));
    for (int i = 0; i < 3; ++i) run.push_back(next_k(gen, q.size()));
  }
  CHECK(to_hex(runs[0][0]) == vectors[0].k);
  CHECK(runs[0] == runs[1]);
  CHECK(runs[0][1] != runs[0][0]);
  CHECK(runs[0][2] != runs[0][1]);
  for (const Bytes& k : runs[0]) CHECK(to_hex(k) < std::string(p256.q));  // same width: text order is numeric order
}

TEST_CASE("the RFC 6979 nonce generator restarts cleanly and refuses inputs that do not fit q") {
  rfc6979::NonceGenerator gen(DigestType::SHA256);
  const Bytes q = hex(p256.q);
  Bytes k(q.size());
  auto early = gen.next(k);
  REQUIRE_FALSE(early);
  // The other message first: start() must forget it entirely.
  REQUIRE(gen.start(q, hex(p256.x), digest(DigestType::SHA256, to_bytes("test"))));
  (void)next_k(gen, q.size());
  REQUIRE(gen.start(q, hex(p256.x), digest(DigestType::SHA256, to_bytes("sample"))));
  CHECK(to_hex(next_k(gen, q.size())) == vectors[0].k);

  auto short_x = gen.start(q, Bytes(31, 1), digest(DigestType::SHA256, to_bytes("sample")));
  REQUIRE_FALSE(short_x);
  CHECK(short_x.error().code == Errc::crypto);
  auto wrong_hash = gen.start(q, hex(p256.x), digest(DigestType::SHA384, to_bytes("sample")));
  REQUIRE_FALSE(wrong_hash);
  CHECK(wrong_hash.error().code == Errc::crypto);
  auto no_q = gen.start(Bytes{0x00, 0x01}, Bytes{0x01}, digest(DigestType::SHA256, to_bytes("sample")));
  REQUIRE_FALSE(no_q);
  CHECK(no_q.error().code == Errc::crypto);
}

TEST_CASE("ECDSA signatures are RFC 6979 Appendix A.2.5's and A.2.6's r||s") {
  SignContext ctx;
  for (const auto& v : vectors) {
    CAPTURE(algorithm_name(v.curve->alg));
    CAPTURE(v.message);
    const PrivateKey key = rfc_key(*v.curve);
    REQUIRE(to_hex(key.dnskey_public_key()) == v.curve->ux_uy);
    auto sig = ctx.sign(key, to_bytes(v.message));
    REQUIRE(sig);
    CHECK(to_hex(*sig) == std::string(v.r) + v.s);
    auto pub = PublicKey::from_dnskey(v.curve->alg, key.dnskey_public_key());
    REQUIRE(pub);
    CHECK(pub->verify(to_bytes(v.message), *sig).value_or(false));
  }
}

TEST_CASE("ECDSA signs the same data to the same bytes, other data to other bytes, and every signature verifies") {
  for (Algorithm alg : {Algorithm::ECDSAP256SHA256, Algorithm::ECDSAP384SHA384}) {
    CAPTURE(algorithm_name(alg));
    auto key = PrivateKey::generate(alg);
    REQUIRE(key);
    auto pub = PublicKey::from_dnskey(alg, key->dnskey_public_key());
    REQUIRE(pub);
    // A key read back from its PEM is another OpenSSL object with the same
    // scalar: it must sign to the same bytes, in another context.
    auto reread = PrivateKey::from_pem(key->to_pem(), alg);
    REQUIRE(reread);
    SignContext a;
    SignContext b;
    const Bytes data = to_bytes("www.example.com. 3600 IN A 192.0.2.1");
    Bytes other = data;
    other.back() ^= 1;
    auto first = a.sign(*key, data);
    auto again = a.sign(*key, data);
    auto elsewhere = b.sign(*reread, data);
    auto different = a.sign(*key, other);
    REQUIRE(first);
    REQUIRE(again);
    REQUIRE(elsewhere);
    REQUIRE(different);
    CHECK(*first == *again);
    CHECK(*first == *elsewhere);
    CHECK(*first != *different);
    CHECK(pub->verify(data, *first).value_or(false));
    CHECK(pub->verify(other, *different).value_or(false));
    CHECK_FALSE(pub->verify(other, *first).value_or(true));
  }
}

TEST_CASE("an ECDSA signing context keeps keys apart when more keys pass through it than it caches") {
  // The context keeps one RFC 6979 signer per key and starts afresh after
  // 16; each signature must still be made with its own key.
  SignContext ctx;
  const Bytes data = to_bytes("data");
  std::vector<PrivateKey> keys;
  for (int i = 0; i < 20; ++i) {
    auto key = PrivateKey::generate(i % 2 == 0 ? Algorithm::ECDSAP256SHA256 : Algorithm::ECDSAP384SHA384);
    REQUIRE(key);
    keys.push_back(std::move(*key));
  }
  for (int round = 0; round < 2; ++round) {
    for (const auto& key : keys) {
      auto sig = ctx.sign(key, data);
      REQUIRE(sig);
      auto pub = PublicKey::from_dnskey(key.algorithm(), key.dnskey_public_key());
      REQUIRE(pub);
      CHECK(pub->verify(data, *sig).value_or(false));
    }
  }
}

TEST_CASE("every signing algorithm is deterministic; unknown algorithm numbers are not") {
  for (Algorithm alg : {Algorithm::RSASHA1, Algorithm::RSASHA1_NSEC3_SHA1, Algorithm::RSASHA256,
                        Algorithm::RSASHA512, Algorithm::ECDSAP256SHA256, Algorithm::ECDSAP384SHA384,
                        Algorithm::ED25519, Algorithm::ED448}) {
    CAPTURE(algorithm_name(alg));
    CHECK(deterministic_signatures(alg));
  }
  CHECK_FALSE(deterministic_signatures(static_cast<Algorithm>(3)));  // DSA
  CHECK_FALSE(deterministic_signatures(static_cast<Algorithm>(12)));  // ECC-GOST
  CHECK_FALSE(deterministic_signatures(static_cast<Algorithm>(253)));
}

TEST_CASE("Ed25519 and RSA sign the same data to the same bytes, as deterministic_signatures claims") {
  SignContext ctx;
  const Bytes data = to_bytes("example.com. SOA");
  for (Algorithm alg : {Algorithm::RSASHA256, Algorithm::ED25519, Algorithm::ED448}) {
    CAPTURE(algorithm_name(alg));
    auto key = PrivateKey::generate(alg, 1024);
    REQUIRE(key);
    auto first = ctx.sign(*key, data);
    auto again = ctx.sign(*key, data);
    REQUIRE(first);
    REQUIRE(again);
    CHECK(*first == *again);
  }
}

TEST_CASE("signing in batches gives exactly the signatures of signing one at a time") {
  SignContext ctx;
  // The RFC's vectors, through the batch path.
  for (const Curve* curve : {&p256, &p384}) {
    const PrivateKey key = rfc_key(*curve);
    std::vector<Bytes> messages;
    std::vector<BytesView> views;
    for (const auto& v : vectors)
      if (v.curve == curve) messages.push_back(to_bytes(v.message));
    for (const auto& m : messages) views.emplace_back(m);
    auto batch = ctx.sign_many(key, views);
    REQUIRE(batch);
    std::size_t at = 0;
    for (const auto& v : vectors)
      if (v.curve == curve) CHECK(to_hex((*batch)[at++]) == std::string(v.r) + v.s);
  }
  // Batches of every size around the batch limit, for each algorithm family:
  // the same bytes as sign(), each verifying.
  for (Algorithm alg : {Algorithm::ECDSAP256SHA256, Algorithm::ECDSAP384SHA384, Algorithm::ED25519}) {
    CAPTURE(algorithm_name(alg));
    auto key = PrivateKey::generate(alg);
    REQUIRE(key);
    auto pub = PublicKey::from_dnskey(alg, key->dnskey_public_key());
    REQUIRE(pub);
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{63}, std::size_t{64},
                          std::size_t{65}, std::size_t{130}}) {
      if (alg == Algorithm::ECDSAP384SHA384 && n > 65) continue;  // P-384 is slow; 65 crosses a batch
      CAPTURE(n);
      std::vector<Bytes> messages;
      for (std::size_t i = 0; i < n; ++i) messages.push_back(to_bytes("record " + std::to_string(i * 7919)));
      std::vector<BytesView> views(messages.begin(), messages.end());
      auto batch = ctx.sign_many(*key, views);
      REQUIRE(batch);
      REQUIRE(batch->size() == n);
      SignContext alone;
      for (std::size_t i = 0; i < n; ++i) {
        auto one = alone.sign(*key, messages[i]);
        REQUIRE(one);
        CHECK((*batch)[i] == *one);
        CHECK(pub->verify(messages[i], (*batch)[i]).value_or(false));
      }
    }
  }
}
