// Keys in a PKCS#11 token (crypto/pkcs11.hpp), against a SoftHSM2 token made
// for each test: generation in the token for every algorithm zonesign makes
// there, signatures verified with the DNSKEY's public key, the protection
// attributes, finding a key again by its URI, and each error an operator can
// meet (wrong module, token, PIN, object; a PIN in the URI or in a file others
// can read).
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "crypto/keys.hpp"
#include "crypto/pkcs11.hpp"
#include "pkcs11_softhsm.hpp"

using namespace zs;
using zs::test::SoftHsmToken;
using zs::test::softhsm_module;

namespace {

const Bytes message{'z', 'o', 'n', 'e', 's', 'i', 'g', 'n'};

TokenSpec spec_for(const SoftHsmToken& token) { return TokenSpec{softhsm_module, token.label(), token.pin_file()}; }

bool verifies(const PrivateKey& key, BytesView data, BytesView signature) {
  auto pub = PublicKey::from_dnskey(key.algorithm(), key.dnskey_public_key());
  REQUIRE(pub);
  auto ok = pub->verify(data, signature);
  REQUIRE(ok);
  return *ok;
}

// The URI with `from` replaced by `to` (for the error cases).
std::string replaced(std::string uri, const std::string& from, const std::string& to) {
  const auto at = uri.find(from);
  REQUIRE(at != std::string::npos);
  return uri.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a key made in the token signs for every algorithm, and its signature verifies under its DNSKEY") {
  SoftHsmToken token;
  for (Algorithm alg : {Algorithm::ECDSAP256SHA256, Algorithm::ECDSAP384SHA384, Algorithm::ED25519,
                        Algorithm::RSASHA256, Algorithm::RSASHA512}) {
    CAPTURE(algorithm_name(alg));
    if (alg == Algorithm::ED25519 && !test::softhsm_signs_eddsa_without_leak) continue;
    auto made = detail::TokenKey::generate(spec_for(token), alg, 1024, "test key");
    REQUIRE(made);
    const PrivateKey key = PrivateKey::from_token(*made);
    CHECK(key.algorithm() == alg);
    CHECK(key.token() != nullptr);
    CHECK_FALSE(key.signs_deterministically());
    SignContext ctx;
    auto sig = ctx.sign(key, message);
    REQUIRE(sig);
    CHECK(verifies(key, message, *sig));
    Bytes other = message;
    other.back() ^= 1;
    CHECK_FALSE(verifies(key, other, *sig));
  }
}

TEST_CASE("a key made in the token is sensitive and never extractable, and to_pem refuses it") {
  SoftHsmToken token;
  auto made = detail::TokenKey::generate(spec_for(token), Algorithm::ECDSAP256SHA256, 0, "kept");
  REQUIRE(made);
  auto protection = (*made)->protection();
  REQUIRE(protection);
  CHECK(protection->sensitive);
  CHECK_FALSE(protection->extractable);
  CHECK(protection->kept_in_token());
  CHECK_THROWS_AS(PrivateKey::from_token(*made).to_pem(), std::logic_error);
}

TEST_CASE("ECDSA through a token is not deterministic; many signatures through one key all verify") {
  SoftHsmToken token;
  auto made = detail::TokenKey::generate(spec_for(token), Algorithm::ECDSAP256SHA256, 0, "random nonce");
  REQUIRE(made);
  const PrivateKey key = PrivateKey::from_token(*made);
  SignContext ctx;
  std::vector<BytesView> inputs(5, BytesView(message));
  auto sigs = ctx.sign_many(key, inputs);
  REQUIRE(sigs);
  REQUIRE(sigs->size() == 5);
  for (const Bytes& s : *sigs) CHECK(verifies(key, message, s));
  CHECK((*sigs)[0] != (*sigs)[1]);
}

TEST_CASE("a key is found again by its URI, which names the module and PIN file but holds no PIN") {
  SoftHsmToken token("zs uri test", "9876");
  auto made = detail::TokenKey::generate(spec_for(token), Algorithm::ECDSAP384SHA384, 0, "first");
  REQUIRE(made);
  REQUIRE((*made)->set_label("Kexample.+015+12345"));
  const std::string uri = (*made)->uri();
  CHECK(uri.starts_with("pkcs11:token=zs%20uri%20test;id=%"));
  CHECK(uri.find("object=Kexample.%2B015%2B12345") != std::string::npos);
  CHECK(uri.find("module-path=/usr/lib/softhsm/libsofthsm2.so") != std::string::npos);
  CHECK(uri.find("9876") == std::string::npos);
  auto found = detail::TokenKey::open(uri);
  REQUIRE(found);
  CHECK((*found)->dnskey_public_key() == (*made)->dnskey_public_key());
  CHECK((*found)->algorithm() == Algorithm::ECDSAP384SHA384);
  // By label alone, as an operator writes it.
  auto by_label = detail::TokenKey::open("pkcs11:token=zs%20uri%20test;object=Kexample.%2B015%2B12345?module-path=" +
                                         std::string(softhsm_module) + "&pin-source=file:" + token.pin_file());
  REQUIRE(by_label);
  CHECK((*by_label)->dnskey_public_key() == (*made)->dnskey_public_key());
  SignContext ctx;
  auto sig = ctx.sign(PrivateKey::from_token(*by_label), message);
  REQUIRE(sig);
  CHECK(verifies(PrivateKey::from_token(*made), message, *sig));
}

TEST_CASE("the PIN comes from ZONESIGN_PKCS11_PIN when the URI has no pin-source") {
  SoftHsmToken token;
  auto made = detail::TokenKey::generate(TokenSpec{softhsm_module, token.label(), ""}, Algorithm::ECDSAP256SHA256, 0,
                                         "env");
  // Without the variable there is no PIN at all.
  CHECK_FALSE(made);
  ::setenv(pkcs11_pin_env, "1234", 1);
  made = detail::TokenKey::generate(TokenSpec{softhsm_module, token.label(), ""}, Algorithm::ECDSAP256SHA256, 0, "env");
  ::unsetenv(pkcs11_pin_env);
  REQUIRE(made);
  CHECK((*made)->uri().find("pin-source") == std::string::npos);
}

TEST_CASE("a destroyed key is gone from the token") {
  SoftHsmToken token;
  auto made = detail::TokenKey::generate(spec_for(token), Algorithm::ECDSAP256SHA256, 0, "short-lived");
  REQUIRE(made);
  const std::string uri = (*made)->uri();
  REQUIRE(detail::TokenKey::open(uri));
  REQUIRE((*made)->destroy());
  auto again = detail::TokenKey::open(uri);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == Errc::crypto);
  CHECK(again.error().message.find("no private key object") != std::string::npos);
}

TEST_CASE("token errors: wrong module, token, PIN or object, a PIN in the URI, a PIN file others can read") {
  SoftHsmToken token;
  std::string uri;
  {
    auto made = detail::TokenKey::generate(spec_for(token), Algorithm::ECDSAP256SHA256, 0, "errors");
    REQUIRE(made);
    uri = (*made)->uri();
  }
  // No session of this process is logged in from here on: a token that is
  // logged in already accepts any C_Login (CKR_USER_ALREADY_LOGGED_IN).
  REQUIRE(detail::TokenKey::open(uri));
  auto refused = [](const std::string& u, const std::string& says) {
    CAPTURE(u);
    auto r = detail::TokenKey::open(u);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::crypto);
    CAPTURE(r.error().message);
    CHECK(r.error().message.find(says) != std::string::npos);
    // Never the PIN in a message.
    CHECK(r.error().message.find("1234") == std::string::npos);
  };
  refused(replaced(uri, "libsofthsm2.so", "libnothere.so"), "cannot be used");
  refused(replaced(uri, "token=zs-test", "token=other"), "no token");
  refused(replaced(uri, "object=errors", "object=missing"), "no private key object");
  refused(replaced(uri, "pin-source=" + token.pin_file(), "pin-source=" + token.write_pin("wrong", "0000")),
          "wrong PIN");
  refused(replaced(uri, "pin-source=" + token.pin_file(), "pin-source=" + token.write_pin("open", "1234", 0644)),
          "readable by others");
  refused(replaced(uri, "pin-source=" + token.pin_file(), "pin-value=1234"), "pin-value");
  refused("pkcs11:token=zs-test?module-path=" + std::string(softhsm_module), "names no key object");
  refused("not a uri", "not a PKCS#11 URI");
  auto wrong_token = detail::TokenKey::generate(TokenSpec{softhsm_module, "absent", token.pin_file()},
                                                Algorithm::ECDSAP256SHA256, 0, "x");
  REQUIRE_FALSE(wrong_token);
  CHECK(wrong_token.error().message.find("no token") != std::string::npos);
}

TEST_CASE("a URI is escaped as RFC 7512 asks: path values escape '/', query values keep it") {
  CHECK(pkcs11_uri_escape("a b/c;d", false) == "a%20b%2Fc%3Bd");
  CHECK(pkcs11_uri_escape("/usr/lib/x.so", true) == "/usr/lib/x.so");
  CHECK(pkcs11_uri_escape("a&b", true) == "a%26b");
}
