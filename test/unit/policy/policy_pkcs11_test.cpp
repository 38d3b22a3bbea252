// The policy's keys.store and keys.pkcs11 fields (docs/hsm.md): read into
// the model, kept by describe(), and each mistake reported at its line and
// column with its YAML path.
#include <doctest/doctest.h>

#include "policy/policy.hpp"

using namespace zs;

namespace {

Error load_error(const char* yaml) {
  auto r = load_policy_text(yaml, "t.yaml");
  REQUIRE_FALSE(r);
  return r.error();
}

}  // namespace

TEST_CASE("keys.store pkcs11 with keys.pkcs11 keeps the default key list and round-trips through describe") {
  auto r = load_policy_text(R"(version: 1
keys:
  store: pkcs11
  pkcs11: { module: /usr/lib/softhsm/libsofthsm2.so, token: "zone signing", pin-file: /etc/zonesign/pin }
)",
                            "t.yaml");
  REQUIRE(r);
  const Policy& p = r->policy;
  CHECK(p.key_store.kind == KeyStoreKind::pkcs11);
  CHECK(p.key_store.pkcs11.module == "/usr/lib/softhsm/libsofthsm2.so");
  CHECK(p.key_store.pkcs11.token == "zone signing");
  CHECK(p.key_store.pkcs11.pin_file == "/etc/zonesign/pin");
  CHECK(p.keys == default_policy().keys);
  auto again = load_policy_text(describe(p), "described");
  REQUIRE(again);
  CHECK(again->policy == p);
}

TEST_CASE("a policy without keys.store makes keys in files, and store: files is the same") {
  auto plain = load_policy_text("version: 1\n", "t.yaml");
  REQUIRE(plain);
  CHECK(plain->policy.key_store.kind == KeyStoreKind::files);
  auto files = load_policy_text("version: 1\nkeys:\n  store: files\n  csk: { algorithm: ED25519 }\n", "t.yaml");
  REQUIRE(files);
  CHECK(files->policy.key_store.kind == KeyStoreKind::files);
  REQUIRE(files->policy.keys.size() == 1);
  CHECK(files->policy.keys.front().role == Role::csk);
}

TEST_CASE("keys.store and keys.pkcs11 mistakes name their line, column and YAML path") {
  Error e = load_error("version: 1\nkeys:\n  store: hsm\n");
  CHECK(e.code == Errc::policy);
  REQUIRE(e.where);
  CHECK(e.where->line == 3);
  CHECK(e.where->column == 10);
  CHECK(e.message.starts_with("keys.store:"));

  e = load_error("version: 1\nkeys:\n  store: pkcs11\n");
  CHECK(e.message.starts_with("keys.store:"));
  REQUIRE(e.where);
  CHECK(e.where->line == 3);

  e = load_error("version: 1\nkeys:\n  pkcs11: { module: /m.so, token: t }\n");
  CHECK(e.message.starts_with("keys.pkcs11:"));
  REQUIRE(e.where);
  CHECK(e.where->line == 3);

  e = load_error("version: 1\nkeys:\n  store: pkcs11\n  pkcs11: { token: t }\n");
  CHECK(e.message.starts_with("keys.pkcs11:"));
  CHECK(e.message.find("module") != std::string::npos);

  e = load_error("version: 1\nkeys:\n  store: pkcs11\n  pkcs11:\n    module: /m.so\n    token: t\n    pin: 1234\n");
  CHECK(e.message.starts_with("keys.pkcs11.pin:"));
  REQUIRE(e.where);
  CHECK(e.where->line == 7);
}
