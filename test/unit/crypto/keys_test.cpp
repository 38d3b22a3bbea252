// Keys, signatures and digests: generated keys for every signing algorithm,
// PEM round trips, BIND key import checked against the RFC examples' DNSKEY
// public-key fields, and the failure cases.
#include <doctest/doctest.h>

#include <array>
#include <string>

#include "core/encoding.hpp"
#include "crypto/algorithm.hpp"
#include "crypto/keys.hpp"
#include "rfc_vectors.hpp"

using namespace zs;

namespace {

constexpr std::array signing_algorithms{
    Algorithm::RSASHA256,       Algorithm::RSASHA512, Algorithm::ECDSAP256SHA256,
    Algorithm::ECDSAP384SHA384, Algorithm::ED25519,   Algorithm::ED448,
};

// DNSKEY public-key field length implied by the algorithm (RFC 6605 §4,
// RFC 8080 §3); 0 for RSA, whose length follows the modulus.
std::size_t expected_key_size(Algorithm alg) {
  switch (alg) {
    case Algorithm::ECDSAP256SHA256: return 64;
    case Algorithm::ECDSAP384SHA384: return 96;
    case Algorithm::ED25519: return 32;
    case Algorithm::ED448: return 57;
    default: return 0;
  }
}

std::size_t expected_sig_size(Algorithm alg, unsigned rsa_bits) {
  switch (alg) {
    case Algorithm::ECDSAP256SHA256: return 64;
    case Algorithm::ECDSAP384SHA384: return 96;
    case Algorithm::ED25519: return 64;
    case Algorithm::ED448: return 114;
    default: return rsa_bits / 8;
  }
}

}  // namespace

TEST_CASE("algorithm mnemonics and numbers parse to the same algorithm") {
  CHECK(algorithm_from_string("ECDSAP256SHA256") == Algorithm::ECDSAP256SHA256);
  CHECK(algorithm_from_string("ecdsap256sha256") == Algorithm::ECDSAP256SHA256);
  CHECK(algorithm_from_string("13") == Algorithm::ECDSAP256SHA256);
  CHECK(algorithm_from_string("RSASHA1-NSEC3-SHA1") == Algorithm::RSASHA1_NSEC3_SHA1);
  CHECK(algorithm_from_string("12") == std::nullopt);  // ECC-GOST: not supported
  CHECK(algorithm_from_string("") == std::nullopt);
  CHECK(algorithm_from_string("13x") == std::nullopt);
  for (Algorithm alg : signing_algorithms) CHECK(algorithm_from_string(algorithm_name(alg)) == alg);
  CHECK(algorithm_name(Algorithm::ED448) == "ED448");
}

TEST_CASE("only the RFC 8624 signing algorithms are used for new keys") {
  for (Algorithm alg : signing_algorithms) CHECK(algorithm_can_sign(alg));
  CHECK_FALSE(algorithm_can_sign(Algorithm::RSASHA1));
  CHECK_FALSE(algorithm_can_sign(Algorithm::RSASHA1_NSEC3_SHA1));
  auto sha1_key = PrivateKey::generate(Algorithm::RSASHA1);
  REQUIRE_FALSE(sha1_key);
  CHECK(sha1_key.error().code == Errc::crypto);
}

TEST_CASE("digest names accept IANA and command-line spellings") {
  CHECK(digest_from_string("SHA-256") == DigestType::SHA256);
  CHECK(digest_from_string("sha256") == DigestType::SHA256);
  CHECK(digest_from_string("2") == DigestType::SHA256);
  CHECK(digest_from_string("4") == DigestType::SHA384);
  CHECK(digest_from_string("SHA-1") == DigestType::SHA1);
  CHECK(digest_from_string("3") == std::nullopt);
  CHECK(digest_name(DigestType::SHA384) == "SHA-384");
}

TEST_CASE("digests match the FIPS 180 examples for \"abc\"") {
  const Bytes abc = to_bytes("abc");
  CHECK(to_hex(sha1(abc)) == "A9993E364706816ABA3E25717850C26C9CD0D89D");
  CHECK(to_hex(digest(DigestType::SHA256, abc)) ==
        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  CHECK(to_hex(digest(DigestType::SHA384, abc)) ==
        "CB00753F45A35E8BB5A03D699AC65007272C32AB0EDED1631A8B605A43FF5BED"
        "8086072BA1E7CC2358BAECA134C825A7");
}

TEST_CASE("a generated key signs and its DNSKEY public key verifies, for every algorithm") {
  const Bytes data = to_bytes("example.com. IN SOA signature input");
  SignContext ctx;
  for (Algorithm alg : signing_algorithms) {
    CAPTURE(algorithm_name(alg));
    const unsigned rsa_bits = alg == Algorithm::RSASHA512 ? 1024 : 0;
    auto key = PrivateKey::generate(alg, rsa_bits);
    REQUIRE(key);
    CHECK(key->algorithm() == alg);
    const Bytes field = key->dnskey_public_key();
    if (expected_key_size(alg) != 0) {
      CHECK(field.size() == expected_key_size(alg));
    } else {
      // RFC 3110 §2: one-octet exponent length 3, exponent 65537.
      REQUIRE(field.size() > 4);
      CHECK(field[0] == 3);
      CHECK(field[1] == 0x01);
      CHECK(field[2] == 0x00);
      CHECK(field[3] == 0x01);
      CHECK(key->bits() == (rsa_bits == 0 ? 2048u : rsa_bits));
      CHECK(field.size() == 4 + key->bits() / 8);
    }

    auto sig = ctx.sign(*key, data);
    REQUIRE(sig);
    CHECK(sig->size() == expected_sig_size(alg, key->bits()));

    auto pub = PublicKey::from_dnskey(alg, field);
    REQUIRE(pub);
    CHECK(pub->algorithm() == alg);
    auto ok = pub->verify(data, *sig);
    REQUIRE(ok);
    CHECK(*ok);

    Bytes tampered_data = data;
    tampered_data.back() ^= 0x01;
    auto bad_data = pub->verify(tampered_data, *sig);
    REQUIRE(bad_data);
    CHECK_FALSE(*bad_data);

    Bytes tampered_sig = *sig;
    tampered_sig[tampered_sig.size() / 2] ^= 0x40;
    auto bad_sig = pub->verify(data, tampered_sig);
    CHECK((!bad_sig || !*bad_sig));
  }
}

TEST_CASE("the signing context is reusable across keys and algorithms") {
  auto ec = PrivateKey::generate(Algorithm::ECDSAP256SHA256);
  auto ed = PrivateKey::generate(Algorithm::ED25519);
  REQUIRE(ec);
  REQUIRE(ed);
  SignContext ctx;
  const Bytes data = to_bytes("data");
  for (int i = 0; i < 3; ++i) {
    auto s1 = ctx.sign(*ec, data);
    auto s2 = ctx.sign(*ed, data);
    REQUIRE(s1);
    REQUIRE(s2);
    auto p1 = PublicKey::from_dnskey(Algorithm::ECDSAP256SHA256, ec->dnskey_public_key());
    auto p2 = PublicKey::from_dnskey(Algorithm::ED25519, ed->dnskey_public_key());
    REQUIRE(p1);
    REQUIRE(p2);
    CHECK(p1->verify(data, *s1).value_or(false));
    CHECK(p2->verify(data, *s2).value_or(false));
    // Ed25519 is deterministic: the same key and data give the same signature.
    auto again = ctx.sign(*ed, data);
    REQUIRE(again);
    CHECK(*again == *s2);
  }
}

TEST_CASE("a private key survives a PKCS#8 PEM round trip") {
  for (Algorithm alg : signing_algorithms) {
    CAPTURE(algorithm_name(alg));
    auto key = PrivateKey::generate(alg, alg == Algorithm::RSASHA256 || alg == Algorithm::RSASHA512 ? 1024 : 0);
    REQUIRE(key);
    const std::string pem = key->to_pem();
    CHECK(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    auto back = PrivateKey::from_pem(pem, alg);
    REQUIRE(back);
    CHECK(back->algorithm() == alg);
    CHECK(back->dnskey_public_key() == key->dnskey_public_key());
    CHECK(back->bits() == key->bits());
  }
}

TEST_CASE("a PEM key of another algorithm is refused") {
  auto p256 = PrivateKey::generate(Algorithm::ECDSAP256SHA256);
  REQUIRE(p256);
  const std::string pem = p256->to_pem();
  for (Algorithm other : {Algorithm::ECDSAP384SHA384, Algorithm::RSASHA256, Algorithm::ED25519}) {
    auto wrong = PrivateKey::from_pem(pem, other);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == Errc::crypto);
  }
  auto ed = PrivateKey::generate(Algorithm::ED25519);
  REQUIRE(ed);
  auto wrong = PrivateKey::from_pem(ed->to_pem(), Algorithm::ED448);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == Errc::crypto);
}

TEST_CASE("text that is not a PEM private key is an error, not a prompt") {
  auto garbage = PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                                      Algorithm::ED25519);
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().code == Errc::crypto);
  CHECK_FALSE(garbage.error().message.empty());
  auto empty = PrivateKey::from_pem("", Algorithm::ED25519);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == Errc::crypto);
}

TEST_CASE("RSA key sizes outside 1024..4096 bits are refused") {
  auto tiny = PrivateKey::generate(Algorithm::RSASHA256, 512);
  REQUIRE_FALSE(tiny);
  CHECK(tiny.error().code == Errc::crypto);
  auto huge = PrivateKey::generate(Algorithm::RSASHA256, 8192);
  REQUIRE_FALSE(huge);
  CHECK(huge.error().code == Errc::crypto);
}

TEST_CASE("BIND private keys of the RFC examples give the RFCs' DNSKEY public keys") {
  const std::array files{"rfc5702-6.1.txt",   "rfc5702-6.2.txt",   "rfc6605-6.1.txt",
                         "rfc6605-6.2.txt",   "rfc8080-6.1-a.txt", "rfc8080-6.1-b.txt",
                         "rfc8080-6.2-a.txt", "rfc8080-6.2-b.txt"};
  for (const char* name : files) {
    CAPTURE(name);
    const auto file = test::read_vector_file(name);
    const auto& dnskey = file.first("DNSKEY");
    REQUIRE(dnskey.rdata.size() >= 4);
    const auto alg = algorithm_from_string(dnskey.rdata[2]);
    REQUIRE(alg);
    auto key = PrivateKey::from_bind_private(file.private_key);
    REQUIRE(key);
    CHECK(key->algorithm() == *alg);
    CHECK(key->dnskey_public_key() == test::base64_bytes(dnskey.joined(3)));
    // The imported key also survives PEM, which is how the key store keeps it.
    auto back = PrivateKey::from_pem(key->to_pem(), *alg);
    REQUIRE(back);
    CHECK(back->dnskey_public_key() == key->dnskey_public_key());
  }
}

TEST_CASE("BIND private keys with missing or malformed fields are errors") {
  auto no_alg = PrivateKey::from_bind_private("Private-key-format: v1.2\nPrivateKey: AAAA\n");
  REQUIRE_FALSE(no_alg);
  CHECK(no_alg.error().code == Errc::crypto);
  auto short_ed = PrivateKey::from_bind_private("Algorithm: 15 (ED25519)\nPrivateKey: AAAA\n");
  REQUIRE_FALSE(short_ed);
  CHECK(short_ed.error().code == Errc::crypto);
  auto rsa_missing = PrivateKey::from_bind_private("Algorithm: 8 (RSASHA256)\nModulus: AQAB\n");
  REQUIRE_FALSE(rsa_missing);
  CHECK(rsa_missing.error().code == Errc::crypto);
  auto gost = PrivateKey::from_bind_private("Algorithm: 12 (ECCGOST)\nGostAsn1: AAAA\n");
  REQUIRE_FALSE(gost);
  CHECK(gost.error().code == Errc::crypto);
}

TEST_CASE("malformed DNSKEY public keys are refused") {
  CHECK_FALSE(PublicKey::from_dnskey(Algorithm::ECDSAP256SHA256, Bytes(63, 1)));
  CHECK_FALSE(PublicKey::from_dnskey(Algorithm::ED25519, Bytes(31, 1)));
  CHECK_FALSE(PublicKey::from_dnskey(Algorithm::RSASHA256, Bytes{}));
  CHECK_FALSE(PublicKey::from_dnskey(Algorithm::RSASHA256, Bytes{3, 1, 0, 1}));  // no modulus
  CHECK_FALSE(PublicKey::from_dnskey(Algorithm::RSASHA256, Bytes{0, 0}));        // truncated length
  // 64 octets that are not a point on P-256.
  auto off_curve = PublicKey::from_dnskey(Algorithm::ECDSAP256SHA256, Bytes(64, 0x01));
  REQUIRE_FALSE(off_curve);
  CHECK(off_curve.error().code == Errc::crypto);
}

TEST_CASE("an RSA exponent longer than 255 octets uses the three-octet length form") {
  // RFC 3110 §2: a zero octet, then a two-octet exponent length. Build such
  // a key by hand around a generated modulus; the exponent is 65537 padded
  // with leading zeros to 256 octets, which is the same number.
  auto key = PrivateKey::generate(Algorithm::RSASHA256, 1024);
  REQUIRE(key);
  const Bytes short_form = key->dnskey_public_key();
  Bytes long_form{0, 0x01, 0x00};
  long_form.insert(long_form.end(), 253, 0);
  long_form.insert(long_form.end(), {0x01, 0x00, 0x01});
  long_form.insert(long_form.end(), short_form.begin() + 4, short_form.end());
  auto pub = PublicKey::from_dnskey(Algorithm::RSASHA256, long_form);
  REQUIRE(pub);
  SignContext ctx;
  const Bytes data = to_bytes("x");
  auto sig = ctx.sign(*key, data);
  REQUIRE(sig);
  CHECK(pub->verify(data, *sig).value_or(false));
}

TEST_CASE("an ECDSA or EdDSA signature of the wrong length is an error") {
  auto key = PrivateKey::generate(Algorithm::ECDSAP256SHA256);
  REQUIRE(key);
  auto pub = PublicKey::from_dnskey(Algorithm::ECDSAP256SHA256, key->dnskey_public_key());
  REQUIRE(pub);
  auto r = pub->verify(to_bytes("x"), Bytes(63, 1));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::crypto);
  auto ed = PrivateKey::generate(Algorithm::ED448);
  REQUIRE(ed);
  auto edpub = PublicKey::from_dnskey(Algorithm::ED448, ed->dnskey_public_key());
  REQUIRE(edpub);
  auto e = edpub->verify(to_bytes("x"), Bytes(64, 1));
  REQUIRE_FALSE(e);
  CHECK(e.error().code == Errc::crypto);
}

TEST_CASE("a signing context never signs with a key it saw earlier in place of a new one") {
  // The context caches one initialised state per key; keys that come and go
  // (one per loop) must each get their own.
  SignContext ctx;
  const Bytes data = to_bytes("data");
  for (int i = 0; i < 5; ++i) {
    auto key = PrivateKey::generate(Algorithm::ED25519);
    REQUIRE(key);
    auto sig = ctx.sign(*key, data);
    REQUIRE(sig);
    auto pub = PublicKey::from_dnskey(Algorithm::ED25519, key->dnskey_public_key());
    REQUIRE(pub);
    CHECK(pub->verify(data, *sig).value_or(false));
  }
}

TEST_CASE("a verification context gives the same answers as PublicKey::verify, across keys") {
  VerifyContext verifier;
  SignContext signer;
  const Bytes data = to_bytes("www.example.com. A 192.0.2.1");
  Bytes tampered = data;
  tampered[0] ^= 1;
  for (int round = 0; round < 2; ++round) {
    for (Algorithm alg : signing_algorithms) {
      CAPTURE(algorithm_name(alg));
      auto key = PrivateKey::generate(alg, alg == Algorithm::RSASHA256 || alg == Algorithm::RSASHA512 ? 1024 : 0);
      REQUIRE(key);
      auto pub = PublicKey::from_dnskey(alg, key->dnskey_public_key());
      REQUIRE(pub);
      auto sig = signer.sign(*key, data);
      REQUIRE(sig);
      for (int i = 0; i < 2; ++i) {
        CHECK(verifier.verify(*pub, data, *sig).value_or(false));
        auto bad = verifier.verify(*pub, tampered, *sig);
        REQUIRE(bad);
        CHECK_FALSE(*bad);
      }
      CHECK(verifier.verify(*pub, data, *sig).value_or(false) == pub->verify(data, *sig).value_or(false));
    }
  }
  auto p256 = PrivateKey::generate(Algorithm::ECDSAP256SHA256);
  REQUIRE(p256);
  auto pub = PublicKey::from_dnskey(Algorithm::ECDSAP256SHA256, p256->dnskey_public_key());
  REQUIRE(pub);
  auto short_sig = verifier.verify(*pub, data, Bytes(10, 1));
  REQUIRE_FALSE(short_sig);
  CHECK(short_sig.error().code == Errc::crypto);
}

TEST_CASE("an ECDSA BIND key with its leading zero octets dropped is still read") {
  // RFC 6605 §6.1's key is 32 octets; the P-256 scalar 1 (G itself) written
  // in one octet must import and give G's coordinates as the public key.
  auto one = PrivateKey::from_bind_private("Algorithm: 13 (ECDSAP256SHA256)\nPrivateKey: AQ==\n");
  REQUIRE(one);
  const Bytes g = one->dnskey_public_key();
  REQUIRE(g.size() == 64);
  // SEC 2 §2.4.2: G's x coordinate starts 6B17D1F2.
  CHECK(g[0] == 0x6B);
  CHECK(g[1] == 0x17);
  CHECK(g[2] == 0xD1);
  CHECK(g[3] == 0xF2);
  auto too_long = PrivateKey::from_bind_private(
      "Algorithm: 13 (ECDSAP256SHA256)\nPrivateKey: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().code == Errc::crypto);
}
