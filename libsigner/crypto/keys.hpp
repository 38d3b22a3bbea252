// Private and public keys, key generation, signing and verification in the
// DNSSEC wire formats. The only module that touches OpenSSL; no OpenSSL type
// appears here (pimpl).
//
// Signature formats: RSA PKCS#1 v1.5 (RFC 3110, RFC 5702), ECDSA r||s fixed
// width (RFC 6605) with RFC 6979 deterministic nonces, EdDSA (RFC 8080).
// Public keys in DNSKEY form: RSA exponent-length||exponent||modulus
// (RFC 3110 §2), ECDSA x||y (RFC 6605 §4), EdDSA raw public key (RFC 8080 §3).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/algorithm.hpp"

namespace zs {

namespace detail {
class TokenKey;  // crypto/pkcs11.hpp
}

// A private key. Move-only; the secret never leaves except through to_pem().
// A key in a PKCS#11 token (crypto/pkcs11.hpp) has no secret here at all:
// it signs through the token, and to_pem() is refused.
class PrivateKey {
 public:
  // rsa_bits is used for RSA algorithms only (0: 2048).
  static Result<PrivateKey> generate(Algorithm alg, unsigned rsa_bits = 0);
  // PEM (PKCS#8 "PRIVATE KEY", also accepts traditional forms OpenSSL reads).
  // Errors (Errc::crypto) when the key does not match the algorithm.
  static Result<PrivateKey> from_pem(std::string_view pem, Algorithm alg);
  // BIND's "Private-key-format: v1.x" text (dnssec-keygen's K*.private, the
  // form RFC 5702, 6605 and 8080 print their example keys in). The algorithm
  // comes from its "Algorithm:" line. Errors: Errc::crypto.
  static Result<PrivateKey> from_bind_private(std::string_view text);
  // A key held in a PKCS#11 token, shared with every other PrivateKey made
  // from the same TokenKey.
  static PrivateKey from_token(std::shared_ptr<detail::TokenKey> key);

  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  ~PrivateKey();

  Algorithm algorithm() const noexcept;
  // Unencrypted PKCS#8 PEM. Callers write it to a 0600 file and nowhere else.
  // Throws std::logic_error for a token key (check token() first).
  std::string to_pem() const;
  // The token key behind this key, or null for a key held in memory.
  const std::shared_ptr<detail::TokenKey>& token() const noexcept;
  // True if signing the same data twice gives the same bytes: the
  // algorithm's rule (deterministic_signatures) for keys held in memory;
  // false for token keys, whose ECDSA nonce is the token's own random one
  // (and whose other signatures zonesign does not vouch for either).
  bool signs_deterministically() const noexcept;
  // The DNSKEY public-key field for this key.
  Bytes dnskey_public_key() const;
  unsigned bits() const noexcept;

  struct Impl;
  const Impl& impl() const noexcept { return *impl_; }

 private:
  explicit PrivateKey(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

class PublicKey {
 public:
  // From the DNSKEY public-key field.
  static Result<PublicKey> from_dnskey(Algorithm alg, BytesView key_field);
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  ~PublicKey();

  Algorithm algorithm() const noexcept;
  // True if `signature` (DNSSEC wire format) is valid over `data`.
  // Errors only for malformed signatures/keys (Errc::crypto).
  Result<bool> verify(BytesView data, BytesView signature) const;

  struct Impl;
  const Impl& impl() const noexcept { return *impl_; }

 private:
  explicit PublicKey(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// Per-thread signing context: owns the OpenSSL digest/sign contexts that a
// worker reuses from one RRset to the next. Not thread-safe; keys are shared.
class SignContext {
 public:
  SignContext();
  SignContext(SignContext&&) noexcept;
  SignContext& operator=(SignContext&&) noexcept;
  ~SignContext();
  // Signature in DNSSEC wire format. Deterministic for every algorithm
  // (see deterministic_signatures): ECDSA takes its nonce from RFC 6979.
  // A token key signs through its token instead (not deterministic for
  // ECDSA: PrivateKey::signs_deterministically).
  Result<Bytes> sign(const PrivateKey& key, BytesView data);
  // The signatures sign() gives for each input, in order. ECDSA signs them
  // in batches (crypto/deterministic_ecdsa: one inversion for many nonces),
  // about half the cost of signing one at a time; other algorithms sign one
  // by one.
  Result<std::vector<Bytes>> sign_many(const PrivateKey& key, std::span<const BytesView> data);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Per-thread verification context, the counterpart of SignContext for
// verifying many signatures (a whole zone): it keeps OpenSSL's per-key setup
// from one signature to the next, which PublicKey::verify cannot since
// PublicKey is shared read-only. Same results as PublicKey::verify.
class VerifyContext {
 public:
  VerifyContext();
  VerifyContext(VerifyContext&&) noexcept;
  VerifyContext& operator=(VerifyContext&&) noexcept;
  ~VerifyContext();
  Result<bool> verify(const PublicKey& key, BytesView data, BytesView signature);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// True if signing the same data with the same key always gives the same
// bytes, so a signature can be proven by signing again and comparing (as
// Knot does) instead of by a verification, which costs 2 to 4 times more.
// True for every algorithm this layer knows: RSA PKCS#1 v1.5 (RFC 8017
// §8.2) has no random input, EdDSA derives its nonce from the key and the
// message (RFC 8032 §5.1.6, §5.2.6), and ECDSA here uses RFC 6979's
// deterministic nonce. False for algorithm numbers this layer does not know.
bool deterministic_signatures(Algorithm alg) noexcept;

Bytes digest(DigestType type, BytesView data);
Bytes sha1(BytesView data);  // NSEC3 hashing (RFC 5155 §5)

}  // namespace zs
