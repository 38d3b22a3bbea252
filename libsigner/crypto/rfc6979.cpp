// RFC 6979 §3.2 (HMAC-DRBG nonce) with the conversions of §2.3 (bits2int,
// int2octets, bits2octets), on OpenSSL's EVP_MAC HMAC.
#include "crypto/rfc6979.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

#include "crypto/ossl.hpp"

namespace zs::rfc6979 {

namespace {

// P-521's order, the widest RFC 6979 gives examples for; DNSSEC needs 48.
constexpr std::size_t max_q_octets = 66;
// A nonce is rejected with probability below 2^-32 for P-256 and far less
// for P-384; this many rejections in a row means a broken q, not bad luck.
constexpr int max_candidates = 64;

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* p) const noexcept { EVP_MAC_CTX_free(p); }
};
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

// Fetched once for the process (a lock and a provider lookup otherwise);
// immutable and deliberately never freed, like the digests in keys.cpp.
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) throw std::runtime_error(ossl::drain_errors("no OpenSSL HMAC"));
    return m;
  }();
  return mac;
}

const char* digest_name_for_hmac(DigestType d) {
  switch (d) {
    case DigestType::SHA1:
      return "SHA1";
    case DigestType::SHA256:
      return "SHA256";
    case DigestType::SHA384:
      return "SHA384";
  }
  throw std::invalid_argument("RFC 6979 nonce: unknown digest type");
}

std::size_t digest_size(DigestType d) {
  switch (d) {
    case DigestType::SHA1:
      return 20;
    case DigestType::SHA256:
      return 32;
    case DigestType::SHA384:
      return 48;
  }
  throw std::invalid_argument("RFC 6979 nonce: unknown digest type");
}

// §2.3.2 bits2int, written as rlen octets: the leftmost qlen bits of `in`
// (or all of it, left-padded, when it is shorter than qlen).
void bits2int(BytesView in, std::size_t qlen, std::size_t rlen, std::uint8_t* out) {
  if (in.size() * 8 < qlen) {
    const std::size_t pad = rlen - in.size();
    std::memset(out, 0, pad);
    std::memcpy(out + pad, in.data(), in.size());
    return;
  }
  const unsigned shift = static_cast<unsigned>(8 * rlen - qlen);
  if (shift == 0) {
    std::memcpy(out, in.data(), rlen);
    return;
  }
  for (std::size_t i = rlen; i-- > 0;) {
    const unsigned hi = i > 0 ? static_cast<unsigned>(in[i - 1]) << (8 - shift) : 0;
    out[i] = static_cast<std::uint8_t>(((in[i] >> shift) | hi) & 0xFF);
  }
}

// a < b over n big-endian octets. Branch-free on the data, since `a` is the
// secret nonce: an early exit at the first differing octet would tell a
// timing observer some of k's leading bits (the Minerva kind of leak).
bool less_than(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) noexcept {
  unsigned borrow = 0;
  for (std::size_t i = n; i-- > 0;) {
    const unsigned d = static_cast<unsigned>(a[i]) - static_cast<unsigned>(b[i]) - borrow;
    borrow = (d >> 8) & 1U;
  }
  return borrow == 1;
}

bool is_zero(const std::uint8_t* a, std::size_t n) noexcept {
  unsigned acc = 0;
  for (std::size_t i = 0; i < n; ++i) acc |= a[i];
  return acc == 0;
}

// a -= b over n big-endian octets (a >= b).
void subtract(std::uint8_t* a, const std::uint8_t* b, std::size_t n) noexcept {
  unsigned borrow = 0;
  for (std::size_t i = n; i-- > 0;) {
    const unsigned d = static_cast<unsigned>(a[i]) - static_cast<unsigned>(b[i]) - borrow;
    a[i] = static_cast<std::uint8_t>(d & 0xFF);
    borrow = (d >> 8) & 1U;
  }
}

}  // namespace

struct NonceGenerator::Impl {
  MacCtx mac;
  std::string digest;  // OSSL_MAC_PARAM_DIGEST wants a mutable char*
  std::size_t hlen = 0;
  bool digest_set = false;
  bool key_fresh = false;  // the last EVP_MAC_init loaded K: no re-init needed

  std::array<std::uint8_t, EVP_MAX_MD_SIZE> k_state{};  // K of §3.2
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> v_state{};  // V of §3.2
  std::array<std::uint8_t, max_q_octets> q{};  // rlen octets
  std::array<std::uint8_t, max_q_octets> x{};  // int2octets(x)
  std::array<std::uint8_t, max_q_octets> h{};  // bits2octets(h1)
  std::size_t qlen = 0;
  std::size_t rlen = 0;
  bool started = false;
  bool handed_out = false;  // next() gave a k: a further call continues per §3.4

  void clear() noexcept {
    OPENSSL_cleanse(k_state.data(), k_state.size());
    OPENSSL_cleanse(v_state.data(), v_state.size());
    OPENSSL_cleanse(x.data(), x.size());
    OPENSSL_cleanse(h.data(), h.size());
    started = false;
    handed_out = false;
  }

  // Loads K as the HMAC key. The digest parameter goes in only once: each
  // time it is set, the provider fetches the digest again (a lock and a
  // lookup), and K changes three times per nonce.
  Result<void> load_key() {
    OSSL_PARAM params[2] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
                            OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(mac.get(), k_state.data(), hlen, digest_set ? nullptr : params) != 1)
      return fail(ossl::crypto_error("HMAC init"));
    digest_set = true;
    key_fresh = true;
    return {};
  }

  // What follows V in an HMAC input of §3.2.
  enum class Tail { none, zero, zero_seed, one_seed };

  // out = HMAC_K(V || tail); `out` may be K or V itself (the context holds
  // its own copy of the key).
  Result<void> hmac(std::uint8_t* out, Tail tail) {
    if (!key_fresh && EVP_MAC_init(mac.get(), nullptr, 0, nullptr) != 1)
      return fail(ossl::crypto_error("HMAC re-init"));
    key_fresh = false;
    bool ok = EVP_MAC_update(mac.get(), v_state.data(), hlen) == 1;
    if (tail != Tail::none) {
      const std::uint8_t octet = tail == Tail::one_seed ? 0x01 : 0x00;
      ok = ok && EVP_MAC_update(mac.get(), &octet, 1) == 1;
    }
    if (tail == Tail::zero_seed || tail == Tail::one_seed)
      ok = ok && EVP_MAC_update(mac.get(), x.data(), rlen) == 1 && EVP_MAC_update(mac.get(), h.data(), rlen) == 1;
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> result;
    std::size_t len = 0;
    ok = ok && EVP_MAC_final(mac.get(), result.data(), &len, result.size()) == 1 && len == hlen;
    if (ok) std::memcpy(out, result.data(), hlen);
    OPENSSL_cleanse(result.data(), result.size());
    if (!ok) return fail(ossl::crypto_error("HMAC"));
    return {};
  }

  // Steps d and e (K = HMAC_K(V || 0x00 || x || h), V = HMAC_K(V)) and then
  // f and g (the same with 0x01) when seeding; without the seed, the update
  // of step h.3 and §3.4 (K = HMAC_K(V || 0x00), V = HMAC_K(V)).
  Result<void> update(bool seeding) {
    auto r = hmac(k_state.data(), seeding ? Tail::zero_seed : Tail::zero);
    if (r) r = load_key();
    if (r) r = hmac(v_state.data(), Tail::none);
    if (r && seeding) {
      r = hmac(k_state.data(), Tail::one_seed);
      if (r) r = load_key();
      if (r) r = hmac(v_state.data(), Tail::none);
    }
    return r;
  }
};

NonceGenerator::NonceGenerator(DigestType hash) : impl_(std::make_unique<Impl>()) {
  impl_->mac.reset(EVP_MAC_CTX_new(hmac_algorithm()));
  if (!impl_->mac) throw std::bad_alloc();
  impl_->digest = digest_name_for_hmac(hash);
  impl_->hlen = digest_size(hash);
}

NonceGenerator::NonceGenerator(NonceGenerator&&) noexcept = default;
NonceGenerator& NonceGenerator::operator=(NonceGenerator&&) noexcept = default;

NonceGenerator::~NonceGenerator() {
  if (impl_) impl_->clear();
}

void NonceGenerator::clear() noexcept { impl_->clear(); }

Result<void> NonceGenerator::start(BytesView q, BytesView x, BytesView h1) {
  auto& s = *impl_;
  s.clear();
  while (!q.empty() && q.front() == 0) q = q.subspan(1);
  if (q.empty() || q.size() > max_q_octets || (q.size() == 1 && q[0] == 1))
    return fail(Errc::crypto, "RFC 6979 nonce: unusable group order");
  s.rlen = q.size();
  s.qlen = 8 * q.size() - static_cast<std::size_t>(std::countl_zero(q[0]));
  if (x.size() != s.rlen) return fail(Errc::crypto, "RFC 6979 nonce: private key of the wrong width");
  if (h1.size() != s.hlen) return fail(Errc::crypto, "RFC 6979 nonce: message hash of the wrong length");
  std::copy(q.begin(), q.end(), s.q.begin());
  std::copy(x.begin(), x.end(), s.x.begin());
  // bits2octets(h1) = int2octets(bits2int(h1) mod q); bits2int(h1) < 2^qlen < 2q,
  // so one conditional subtraction reduces it.
  bits2int(h1, s.qlen, s.rlen, s.h.data());
  if (!less_than(s.h.data(), s.q.data(), s.rlen)) subtract(s.h.data(), s.q.data(), s.rlen);

  std::fill_n(s.v_state.begin(), s.hlen, std::uint8_t{0x01});  // step b
  std::fill_n(s.k_state.begin(), s.hlen, std::uint8_t{0x00});  // step c
  auto r = s.load_key();
  if (r) r = s.update(true);  // steps d to g
  if (!r) {
    s.clear();
    return r;
  }
  s.started = true;
  return {};
}

Result<void> NonceGenerator::next(std::span<std::uint8_t> k) {
  auto& s = *impl_;
  if (!s.started) return fail(Errc::internal, "RFC 6979 nonce requested before start");
  if (k.size() != s.rlen) return fail(Errc::internal, "RFC 6979 nonce buffer of the wrong width");
  if (s.handed_out) {
    if (auto r = s.update(false); !r) return r;
  }
  std::array<std::uint8_t, max_q_octets + EVP_MAX_MD_SIZE> t;
  for (int round = 0; round < max_candidates; ++round) {
    // Step h.2: T = V || V' || ... until it has at least qlen bits.
    std::size_t tlen = 0;
    while (tlen < s.rlen) {
      if (auto r = s.hmac(s.v_state.data(), Impl::Tail::none); !r) {
        OPENSSL_cleanse(t.data(), t.size());
        return r;
      }
      std::memcpy(t.data() + tlen, s.v_state.data(), s.hlen);
      tlen += s.hlen;
    }
    bits2int(BytesView(t.data(), tlen), s.qlen, s.rlen, k.data());
    OPENSSL_cleanse(t.data(), t.size());
    if (!is_zero(k.data(), s.rlen) && less_than(k.data(), s.q.data(), s.rlen)) {
      s.handed_out = true;
      return {};
    }
    // Step h.3: k out of range.
    if (auto r = s.update(false); !r) return r;
  }
  OPENSSL_cleanse(k.data(), k.size());
  return fail(Errc::crypto, "RFC 6979 nonce: no k below the group order");
}

}  // namespace zs::rfc6979
