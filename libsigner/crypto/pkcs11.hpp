// Private keys that live in a PKCS#11 token (an HSM, or SoftHSM2): the key
// object is created in the token or found there by a PKCS#11 URI (RFC 7512),
// and every signature is made by the token (C_Sign); the private key never
// leaves it. Modules are loaded and URIs parsed by p11-kit; the calls are
// the standard PKCS#11 v2.40 ones (C_GenerateKeyPair, C_FindObjects,
// C_GetAttributeValue, C_SignInit/C_Sign, C_DestroyObject).
//
// Mechanisms (PKCS#11 v2.40 §2.3, §2.1; v3.0 §2.3.14 for EdDSA):
//   ECDSAP256SHA256, ECDSAP384SHA384: CKM_ECDSA over a SHA-256/384 digest made
//     here; the token returns r||s, which is RFC 6605 §4's format as it is.
//   ED25519: CKM_EDDSA (RFC 8080 §4: the raw 64-octet signature).
//   RSASHA256, RSASHA512: CKM_SHA256_RSA_PKCS, CKM_SHA512_RSA_PKCS (RFC 5702 §3).
// A token signs ECDSA with a random nonce of its own, so its ECDSA
// signatures are not deterministic: the output gate verifies them instead
// of making them again (signer/output_gate.hpp).
//
// The PIN comes from the URI's pin-source (a file: URI or a path to a file
// of mode 0600 or stricter, RFC 7512 §2.4) or, without one, from the
// ZONESIGN_PKCS11_PIN environment variable. It is never put in a URI this
// module prints, never logged, and wiped after C_Login. A pin-value in a URI
// is refused: such a URI would carry the PIN into the key state and argv.
//
// Sessions, logins and module handles are owned by RAII types in
// pkcs11.cpp; no PKCS#11 or p11-kit type appears in this header.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/algorithm.hpp"

namespace zs {

// Where new keys are made: a token of a module, logged in with a PIN file.
struct TokenSpec {
  std::string module;    // path of the PKCS#11 module (libsofthsm2.so, an HSM vendor's library)
  std::string token;     // the token's label (CKA_LABEL of the token, as `softhsm2-util --show-slots` prints)
  std::string pin_file;  // empty: ZONESIGN_PKCS11_PIN
};

// The name of the environment variable read when a URI has no pin-source.
inline constexpr const char* pkcs11_pin_env = "ZONESIGN_PKCS11_PIN";

// What a token says about how well it keeps a private key (PKCS#11 v2.40
// §4.9: CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_ALWAYS_SENSITIVE,
// CKA_NEVER_EXTRACTABLE).
struct TokenKeyProtection {
  bool sensitive = false;
  bool extractable = true;
  bool always_sensitive = false;
  bool never_extractable = false;

  // The private value can never have left the token in the clear.
  bool kept_in_token() const noexcept { return sensitive && !extractable && always_sensitive && never_extractable; }
};

namespace detail {

// One key pair in a token, with the session it signs through. Shared
// (std::shared_ptr) by every PrivateKey copy and thread that signs with it;
// sign() serialises the calls on its session (a PKCS#11 session runs one
// operation at a time).
class TokenKey {
 public:
  // Finds the private key object a URI names (its token, id and/or object
  // label; type=private is implied) and its public half (same CKA_ID). The
  // module comes from the URI's module-path. `rsa_algorithm` says which RSA
  // algorithm an RSA key signs for (the token cannot tell); other key types
  // give their algorithm themselves (the curve of an EC key). Errors,
  // Errc::crypto, each saying which: a malformed URI or one carrying
  // pin-value, no module-path or a module that does not load, no such token,
  // no PIN or a wrong one, no such key object or more than one, a key type
  // or curve zonesign cannot sign DNSSEC with.
  static Result<std::shared_ptr<TokenKey>> open(std::string_view uri, Algorithm rsa_algorithm = Algorithm::RSASHA256);
  // Makes a new key pair in the token: private key CKA_TOKEN, CKA_PRIVATE,
  // CKA_SENSITIVE, not CKA_EXTRACTABLE, CKA_SIGN only; a random 16-octet
  // CKA_ID shared by both halves; CKA_LABEL `label`. Errors as open(), and
  // Errc::crypto when the token refuses the mechanism or algorithm.
  static Result<std::shared_ptr<TokenKey>> generate(const TokenSpec& spec, Algorithm alg, unsigned rsa_bits,
                                                    std::string_view label);

  TokenKey(const TokenKey&) = delete;
  TokenKey& operator=(const TokenKey&) = delete;
  ~TokenKey();

  Algorithm algorithm() const noexcept;
  // The DNSKEY public-key field, read from the token's public key object.
  const Bytes& dnskey_public_key() const noexcept;
  unsigned bits() const noexcept;
  // The key's URI: token, id, object label and type, with the module-path
  // and pin-source it was opened with; never a PIN.
  const std::string& uri() const noexcept;

  // The DNSSEC wire-format signature over `data`, made by the token.
  // Thread-safe. Errors: Errc::crypto (the token's CKR_ code named).
  Result<Bytes> sign(BytesView data) const;
  // Renames both halves (CKA_LABEL), so an operator listing the token sees
  // which zone and key tag an object is; uri() follows.
  Result<void> set_label(std::string_view label);
  // The private key object's protection attributes.
  Result<TokenKeyProtection> protection() const;
  // Deletes both halves from the token (undoing a key made by a run that
  // failed before its zone was published).
  Result<void> destroy();

  struct Impl;

 private:
  explicit TokenKey(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace detail

// Percent-encodes `text` for a PKCS#11 URI (RFC 7512 §2.3): path attribute
// values when `in_query` is false, query values (where '/' may stay) when true.
std::string pkcs11_uri_escape(std::string_view text, bool in_query);

}  // namespace zs
