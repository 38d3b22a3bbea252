// Private to libsigner/crypto: the deterministic nonce of RFC 6979 §3.2, an
// HMAC-DRBG (HMAC with the signature's own hash) seeded with the private key
// and the message hash, and its continuation when a nonce is unusable (§3.4).
// It knows nothing of curves: the group order q comes in as octets, so the
// same code serves P-256 and P-384, and the RFC's Appendix A.1 example on a
// 163-bit order tests the bit conversions (§2.3) and the retry loop.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/algorithm.hpp"

namespace zs::rfc6979 {

// One generator per thread (not thread-safe); reused from one signature to
// the next, so the HMAC implementation is set up once. K, V and the seed
// are wiped after every nonce and when the generator dies.
class NonceGenerator {
 public:
  // `hash` is the hash the signature uses (SHA-256 for P-256, SHA-384 for
  // P-384 in DNSSEC); it is also the DRBG's HMAC hash, as §3.2 requires.
  explicit NonceGenerator(DigestType hash);
  NonceGenerator(NonceGenerator&&) noexcept;
  NonceGenerator& operator=(NonceGenerator&&) noexcept;
  ~NonceGenerator();

  // Steps a to g of §3.2. `q` is the group order, big-endian (leading zero
  // octets allowed); `x` the private key as int2octets(x), exactly
  // rlen = ceil(qlen/8) octets; `h1` the hash of the message. Errors
  // (Errc::crypto) on sizes that do not fit q, and when OpenSSL fails.
  Result<void> start(BytesView q, BytesView x, BytesView h1);

  // Step h: the next k in [1, q-1] as rlen big-endian octets. The first call
  // after start() gives the RFC's k; each further call continues as §3.2
  // step h.3 and §3.4 say (K = HMAC_K(V || 0x00), V = HMAC_K(V)) for a
  // signer whose k gave r = 0 or s = 0. `k` must hold rlen octets.
  Result<void> next(std::span<std::uint8_t> k);

  // Wipes K, V and the seed early (the destructor does it too).
  void clear() noexcept;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace zs::rfc6979
