// The key store with keys in a PKCS#11 token (docs/hsm.md), against a
// SoftHSM2 token of the test's own: keys made in the token are listed by URI
// and leave no file; they load again after the store is reopened; a run that
// fails before its zone is published deletes the keys it made from the
// token; a state file naming a key both ways is refused; and a token object
// that is not the listed key is refused when loaded.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "crypto/pkcs11.hpp"
#include "keys/key_store.hpp"
#include "../crypto/pkcs11_softhsm.hpp"

using namespace zs;

namespace {

std::string fresh_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  return dir.string();
}

Name zone() { return Name::parse("example.com.").value(); }

TokenSpec spec_for(const test::SoftHsmToken& token) {
  return TokenSpec{test::softhsm_module, token.label(), token.pin_file()};
}

}  // namespace

TEST_CASE("keys made in the token are listed by pkcs11-uri, leave no file, and load again after reopening") {
  test::SoftHsmToken token;
  const std::string dir = fresh_dir("zs_keystore_pkcs11");
  std::string ksk_uri;
  {
    auto store = KeyStore::open(dir, zone(), true);
    REQUIRE(store);
    store->make_new_keys_in(spec_for(token));
    auto ksk = store->generate(Role::ksk, Algorithm::ECDSAP256SHA256, 0, 1700000000);
    REQUIRE(ksk);
    CHECK((*ksk)->file.empty());
    CHECK((*ksk)->pkcs11_uri.find(";object=Kexample.com.%2B013%2B") != std::string::npos);
    ksk_uri = (*ksk)->pkcs11_uri;
    REQUIRE(store->generate(Role::zsk, Algorithm::ECDSAP384SHA384, 0, 1700000000));
    REQUIRE(store->commit());
  }
  const std::string folder = dir + "/example.com";
  int notes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    CHECK(entry.path().extension() != ".pem");
    if (entry.path().extension() != ".pkcs11") continue;
    ++notes;
    CHECK(read_file(entry.path().string()).value().starts_with("pkcs11:token="));
  }
  CHECK(notes == 2);
  const std::string state = read_file(folder + "/state.yaml").value();
  CHECK(state.find("pkcs11-uri: " + ksk_uri) != std::string::npos);
  CHECK(state.find("file:") == std::string::npos);
  CHECK(state.find("1234") == std::string::npos);

  auto reopened = KeyStore::open_read_only(dir, zone());
  REQUIRE(reopened);
  REQUIRE(reopened->keys().size() == 2);
  for (const KeyInfo& info : reopened->keys()) {
    CHECK(info.in_token());
    auto key = reopened->load_private(info);
    REQUIRE(key);
    CHECK(key->token() != nullptr);
    CHECK(key->dnskey_public_key() == info.public_key);
    SignContext ctx;
    auto sig = ctx.sign(*key, info.public_key);
    REQUIRE(sig);
    auto pub = PublicKey::from_dnskey(info.algorithm, info.public_key);
    REQUIRE(pub);
    CHECK(pub->verify(info.public_key, *sig).value());
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a run that fails before publishing deletes the keys it made in the token, and the folder") {
  test::SoftHsmToken token;
  const std::string dir = fresh_dir("zs_keystore_pkcs11_undo");
  std::string uri;
  {
    auto store = KeyStore::open(dir, zone(), true);
    REQUIRE(store);
    store->make_new_keys_in(spec_for(token));
    auto ksk = store->generate(Role::ksk, Algorithm::ECDSAP256SHA256, 0, 1700000000);
    REQUIRE(ksk);
    uri = (*ksk)->pkcs11_uri;
    REQUIRE(detail::TokenKey::open(uri));
    REQUIRE(store->stage_new_keys());
    // No mark_published(), no commit(): the run failed.
  }
  CHECK_FALSE(std::filesystem::exists(dir + "/example.com"));
  auto gone = detail::TokenKey::open(uri);
  REQUIRE_FALSE(gone);
  CHECK(gone.error().message.find("no private key object") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a key made in the token survives a failure after its zone is published") {
  test::SoftHsmToken token;
  const std::string dir = fresh_dir("zs_keystore_pkcs11_published");
  std::string uri;
  {
    auto store = KeyStore::open(dir, zone(), true);
    REQUIRE(store);
    store->make_new_keys_in(spec_for(token));
    auto zsk = store->generate(Role::zsk, Algorithm::ECDSAP256SHA256, 0, 1700000000);
    REQUIRE(zsk);
    uri = (*zsk)->pkcs11_uri;
    REQUIRE(store->stage_new_keys());
    store->mark_published();
  }
  CHECK(detail::TokenKey::open(uri));
  CHECK(read_file(dir + "/example.com/state.yaml").value().find(uri) != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a token object that is not the listed key, and a key listed both ways, are refused") {
  test::SoftHsmToken token;
  const std::string dir = fresh_dir("zs_keystore_pkcs11_mismatch");
  {
    auto store = KeyStore::open(dir, zone(), true);
    REQUIRE(store);
    store->make_new_keys_in(spec_for(token));
    REQUIRE(store->generate(Role::csk, Algorithm::ECDSAP256SHA256, 0, 1700000000));
    REQUIRE(store->commit());
  }
  const std::string path = dir + "/example.com/state.yaml";
  const std::string original = read_file(path).value();
  auto other = detail::TokenKey::generate(spec_for(token), Algorithm::ECDSAP256SHA256, 0, "other");
  REQUIRE(other);
  const auto at = original.find("pkcs11-uri: ") + 12;
  const auto end = original.find('\n', at);
  std::string swapped = original;
  swapped.replace(at, end - at, (*other)->uri());
  REQUIRE(write_file_atomic(path, swapped, 0644));
  {
    auto store = KeyStore::open_read_only(dir, zone());
    REQUIRE(store);
    auto key = store->load_private(store->keys().front());
    REQUIRE_FALSE(key);
    CHECK(key.error().code == Errc::key_store);
    CHECK(key.error().message.find("not the key the state file lists") != std::string::npos);
  }
  std::string both = original;
  both.insert(original.find("pkcs11-uri: "), "file: Kexample.com.+013+00001.pem\n    ");
  REQUIRE(write_file_atomic(path, both, 0644));
  auto refused = KeyStore::open_read_only(dir, zone());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::key_store);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a folder of token keys whose state.yaml is lost is refused, not taken for an empty one") {
  test::SoftHsmToken token;
  const std::string dir = fresh_dir("zs_keystore_pkcs11_lost");
  {
    auto store = KeyStore::open(dir, zone(), true);
    REQUIRE(store);
    store->make_new_keys_in(spec_for(token));
    REQUIRE(store->generate(Role::csk, Algorithm::ECDSAP256SHA256, 0, 1700000000));
    REQUIRE(store->commit());
  }
  std::filesystem::remove(dir + "/example.com/state.yaml");
  auto store = KeyStore::open(dir, zone(), true);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == Errc::key_store);
  CHECK(store.error().message.find(".pkcs11") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("token_for_new_keys follows the policy's keys.store") {
  Policy policy = default_policy();
  CHECK_FALSE(token_for_new_keys(policy));
  policy.key_store.kind = KeyStoreKind::pkcs11;
  policy.key_store.pkcs11 = Pkcs11Policy{"/m.so", "tok", "/p"};
  auto spec = token_for_new_keys(policy);
  REQUIRE(spec);
  CHECK(spec->module == "/m.so");
  CHECK(spec->token == "tok");
  CHECK(spec->pin_file == "/p");
}
