// Private to libsigner/crypto: deterministic ECDSA signatures (RFC 6979) for
// ECDSAP256SHA256 and ECDSAP384SHA384 (RFC 6605), in the r||s wire form of
// RFC 6605 §4. Same input and key, same bytes: the signer's gate proves such
// a signature by making it again, and a re-signed zone differs only where
// its data does.
//
// OpenSSL 3.0 offers no deterministic ECDSA through EVP (RFC 6979 nonces
// arrive in 3.2 as OSSL_SIGNATURE_PARAM_NONCE_TYPE), so the .cpp uses the
// deprecated EC_KEY API; see there for why, and for what replaces it.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/algorithm.hpp"

namespace zs::detail {

// One per key and per thread (not thread-safe): everything that depends on
// the key alone (the key's scalar in OpenSSL's form and as octets, the
// group, its order) is set up once, so a signature costs the message hash,
// the HMAC-DRBG, one fixed-base multiplication, one inversion and s.
class DeterministicEcdsa {
 public:
  // `pkey` is a P-256 or P-384 private key matching `alg` (checked by the
  // caller when the PrivateKey was made); it is only read. `md` is the
  // algorithm's hash (SHA-256 or SHA-384). Errors: Errc::crypto.
  static Result<DeterministicEcdsa> create(const EVP_PKEY* pkey, Algorithm alg, const EVP_MD* md);

  DeterministicEcdsa(DeterministicEcdsa&&) noexcept;
  DeterministicEcdsa& operator=(DeterministicEcdsa&&) noexcept;
  ~DeterministicEcdsa();

  // r||s, each padded to the curve's width (RFC 6605 §4).
  Result<Bytes> sign(BytesView data);
  // The same signatures as sign() for each input, in order, made together:
  // the nonces' points are made affine with one field inversion and the
  // nonces inverted with one inversion modulo the order (Montgomery's trick),
  // which together cost more than half of a lone signature. At most
  // max_batch inputs.
  static constexpr std::size_t max_batch = 64;
  Result<std::vector<Bytes>> sign_batch(std::span<const BytesView> data);

  struct Impl;

 private:
  explicit DeterministicEcdsa(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zs::detail
