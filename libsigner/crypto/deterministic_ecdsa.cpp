// RFC 6979 ECDSA on OpenSSL 3.0's low-level ECDSA_do_sign_ex: the nonce k
// comes from rfc6979::NonceGenerator, r = x(kG) mod n and kinv = k^-1 mod n
// are computed here, and OpenSSL computes s = kinv (h + r d) mod n with its
// own constant-time code for the private scalar d.
//
// Why a deprecated API: OpenSSL 3.0's EVP signatures always draw k at random
// and the project may not depend on 3.2 (Debian 12 ships 3.0). For P-256,
// which DNSSEC mostly uses, this is the fastest of the options measured for
// issue 10 (GnuTLS's reproducible flag and Nettle with a computed k reach
// 0.55 to 0.6 of its rate) and it keeps one crypto library. For P-384 it is
// as slow as OpenSSL 3.0's randomized P-384 (no optimised code for that
// curve); Nettle signs P-384 about 9 times faster on the same machine.
// The deprecation is confined to this file (OPENSSL_SUPPRESS_DEPRECATED below
// and nowhere else); EC_KEY never leaves it. When the project can require
// OpenSSL 3.2, EVP_DigestSign with OSSL_SIGNATURE_PARAM_NONCE_TYPE = 1 gives
// the same bytes (the RFC 6979 vectors in test/unit/crypto prove it) and this
// file and rfc6979.cpp go away.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "crypto/deterministic_ecdsa.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <new>
#include <span>
#include <vector>

#include "crypto/ossl.hpp"
#include "crypto/rfc6979.hpp"

namespace zs::detail {

namespace {

// EC_KEY_free wipes the private scalar (BN_clear_free) before freeing it.
struct EcKeyFree {
  void operator()(EC_KEY* p) const noexcept { EC_KEY_free(p); }
};
using EcKey = std::unique_ptr<EC_KEY, EcKeyFree>;

constexpr std::size_t max_width = 48;  // P-384

DigestType nonce_hash(Algorithm alg) noexcept {
  return alg == Algorithm::ECDSAP384SHA384 ? DigestType::SHA384 : DigestType::SHA256;
}

ossl::Bn new_bn() {
  ossl::Bn bn(BN_new());
  if (!bn) throw std::bad_alloc();
  return bn;
}

}  // namespace

struct DeterministicEcdsa::Impl {
  explicit Impl(Algorithm a) : alg(a), nonce(nonce_hash(a)) {}

  Algorithm alg;
  std::size_t width = 0;  // rlen: octets of the order, of r and of s
  const EVP_MD* md = nullptr;
  ossl::MdCtx md_ctx;
  EcKey key;  // group and private scalar, as ECDSA_do_sign_ex wants them
  const EC_GROUP* group = nullptr;  // owned by `key`
  const BIGNUM* order = nullptr;  // owned by `group`
  BN_MONT_CTX* order_mont = nullptr;  // owned by `group`
  ossl::Bn order_minus_2;
  std::array<std::uint8_t, max_width> order_octets{};
  std::array<std::uint8_t, max_width> x_octets{};  // int2octets(d): secret
  rfc6979::NonceGenerator nonce;
  ossl::BnCtx bn_ctx;
  // Scratch reused by every signature; k and kinv are wiped after each.
  ossl::Bn k = new_bn();
  ossl::Bn kinv = new_bn();
  ossl::Bn r = new_bn();
  ossl::Bn rx = new_bn();
  ossl::EcPoint kg;

  ~Impl() { OPENSSL_cleanse(x_octets.data(), x_octets.size()); }

  // kinv = k^(n-2) mod n (Fermat; n is prime), constant time in k. The
  // alternatives measured worse or unsafe: BN_mod_inverse is only a quarter faster
  // and its running time depends on k (a nonce-bit leak of the kind lattice
  // attacks turn into the private key); a hand-written fixed-width Montgomery
  // ladder was no faster than OpenSSL's bn_mul_mont; OpenSSL's own fast
  // inversion modulo the order (ossl_ec_group_do_inverse_ord) is internal.
  bool invert_k() {
    return BN_mod_exp_mont_consttime(kinv.get(), k.get(), order_minus_2.get(), order, bn_ctx.get(), order_mont) ==
           1;
  }

  void wipe_nonce() noexcept {
    BN_clear(k.get());
    BN_clear(kinv.get());
    nonce.clear();
  }

  Result<Bytes> sign_digest(BytesView h1) {
    if (auto s = nonce.start(BytesView(order_octets.data(), width), BytesView(x_octets.data(), width), h1); !s)
      return fail(std::move(s.error()));
    std::array<std::uint8_t, max_width> k_octets;
    struct Wipe {
      Impl& self;
      std::array<std::uint8_t, max_width>& k;
      ~Wipe() {
        OPENSSL_cleanse(k.data(), k.size());
        self.wipe_nonce();
      }
    } wipe{*this, k_octets};
    // RFC 6979 §3.4: a k that gives r = 0 or s = 0 is replaced by the next
    // one from the same generator. Each happens with probability about 1/n.
    for (int attempt = 0; attempt < 8; ++attempt) {
      if (auto s = nonce.next(std::span(k_octets.data(), width)); !s) return fail(std::move(s.error()));
      if (BN_bin2bn(k_octets.data(), static_cast<int>(width), k.get()) == nullptr)
        return fail(ossl::crypto_error("BN_bin2bn"));
      BN_set_flags(k.get(), BN_FLG_CONSTTIME);
      if (EC_POINT_mul(group, kg.get(), k.get(), nullptr, nullptr, bn_ctx.get()) != 1)
        return fail(ossl::crypto_error("EC_POINT_mul"));
      if (EC_POINT_get_affine_coordinates(group, kg.get(), rx.get(), nullptr, bn_ctx.get()) != 1)
        return fail(ossl::crypto_error("EC_POINT_get_affine_coordinates"));
      if (BN_nnmod(r.get(), rx.get(), order, bn_ctx.get()) != 1) return fail(ossl::crypto_error("BN_nnmod"));
      if (BN_is_zero(r.get())) continue;
      if (!invert_k()) return fail(ossl::crypto_error("k inverse"));
      ossl::EcdsaSig sig(
          ECDSA_do_sign_ex(h1.data(), static_cast<int>(h1.size()), kinv.get(), r.get(), key.get()));
      if (!sig) {
        // s = 0: OpenSSL asks for another (kinv, r) instead of drawing one.
        if (ERR_GET_REASON(ERR_peek_last_error()) == EC_R_NEED_NEW_SETUP_VALUES) {
          ossl::clear_errors();
          continue;
        }
        return fail(ossl::crypto_error("ECDSA_do_sign_ex"));
      }
      const BIGNUM* sig_r = nullptr;
      const BIGNUM* sig_s = nullptr;
      ECDSA_SIG_get0(sig.get(), &sig_r, &sig_s);
      Bytes out(2 * width);
      if (BN_bn2binpad(sig_r, out.data(), static_cast<int>(width)) < 0 ||
          BN_bn2binpad(sig_s, out.data() + width, static_cast<int>(width)) < 0)
        return fail(ossl::crypto_error("ECDSA signature wider than the curve"));
      return out;
    }
    return fail(Errc::crypto, "RFC 6979: no usable nonce");
  }

  // Batch state, kept from one batch to the next like the scratch above;
  // every secret in it is wiped at the end of each batch.
  struct Slot {
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> h1{};
    unsigned h1_len = 0;
    ossl::Bn k = new_bn(), k_mont = new_bn(), prefix = new_bn(), kinv = new_bn(), r = new_bn();
    ossl::EcPoint point;  // kG: public (its x is r)
    bool single = false;  // r = 0 or s = 0: signed alone, with the RFC's retry
  };
  std::vector<Slot> slots;
  ossl::Bn inverse = new_bn();  // (k_0 ... k_i)^-1, Montgomery form

  void wipe_batch() noexcept {
    for (Slot& s : slots)
      for (BIGNUM* b : {s.k.get(), s.k_mont.get(), s.prefix.get(), s.kinv.get()}) BN_clear(b);
    BN_clear(inverse.get());
    wipe_nonce();
  }

  // Each input's first nonce k_i, its point k_i G, all made affine together,
  // and r_i; then every k_i inverted through one constant-time
  // exponentiation: with prefix products P_i = k_0 ... k_i (Montgomery form
  // throughout), k_i^-1 = P_i^-1 P_{i-1} and P_{i-1}^-1 = P_i^-1 k_i, from the
  // last input down. An input whose first nonce fails (r = 0 or s = 0,
  // probability about 2^-256 each) is signed alone by sign_digest, which
  // replays the RFC's sequence from its start: the bytes are always sign()'s.
  Result<std::vector<Bytes>> sign_batch(std::span<const BytesView> data) {
    const std::size_t n = data.size();
    std::vector<Bytes> out(n);
    if (n == 0) return out;
    while (slots.size() < n) {
      Slot s;
      s.point.reset(EC_POINT_new(group));
      if (!s.point) return fail(ossl::crypto_error("EC_POINT_new"));
      for (BIGNUM* b : {s.k.get(), s.k_mont.get(), s.prefix.get(), s.kinv.get()}) BN_set_flags(b, BN_FLG_CONSTTIME);
      slots.push_back(std::move(s));
    }
    BN_set_flags(inverse.get(), BN_FLG_CONSTTIME);
    struct Wipe {
      Impl& self;
      ~Wipe() { self.wipe_batch(); }
    } wipe{*this};

    std::array<std::uint8_t, max_width> k_octets;
    std::vector<EC_POINT*> points(n);
    for (std::size_t i = 0; i < n; ++i) {
      Slot& s = slots[i];
      if (EVP_DigestInit_ex2(md_ctx.get(), md, nullptr) != 1 ||
          EVP_DigestUpdate(md_ctx.get(), data[i].data(), data[i].size()) != 1 ||
          EVP_DigestFinal_ex(md_ctx.get(), s.h1.data(), &s.h1_len) != 1)
        return fail(ossl::crypto_error("message digest"));
      const BytesView h1(s.h1.data(), s.h1_len);
      if (auto st = nonce.start(BytesView(order_octets.data(), width), BytesView(x_octets.data(), width), h1); !st)
        return fail(std::move(st.error()));
      auto next = nonce.next(std::span(k_octets.data(), width));
      const bool k_ok = next && BN_bin2bn(k_octets.data(), static_cast<int>(width), s.k.get()) != nullptr;
      OPENSSL_cleanse(k_octets.data(), k_octets.size());
      if (!next) return fail(std::move(next.error()));
      if (!k_ok) return fail(ossl::crypto_error("BN_bin2bn"));
      BN_set_flags(s.k.get(), BN_FLG_CONSTTIME);
      if (EC_POINT_mul(group, s.point.get(), s.k.get(), nullptr, nullptr, bn_ctx.get()) != 1)
        return fail(ossl::crypto_error("EC_POINT_mul"));
      points[i] = s.point.get();
    }
    if (EC_POINTs_make_affine(group, n, points.data(), bn_ctx.get()) != 1)
      return fail(ossl::crypto_error("EC_POINTs_make_affine"));

    std::vector<std::size_t> live;  // the inputs whose first nonce gave r != 0
    live.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      Slot& s = slots[i];
      if (EC_POINT_get_affine_coordinates(group, s.point.get(), rx.get(), nullptr, bn_ctx.get()) != 1)
        return fail(ossl::crypto_error("EC_POINT_get_affine_coordinates"));
      if (BN_nnmod(s.r.get(), rx.get(), order, bn_ctx.get()) != 1) return fail(ossl::crypto_error("BN_nnmod"));
      s.single = BN_is_zero(s.r.get());
      if (!s.single) live.push_back(i);
    }
    auto mont_error = [] { return fail(ossl::crypto_error("Montgomery arithmetic modulo the order")); };
    for (std::size_t j = 0; j < live.size(); ++j) {
      Slot& s = slots[live[j]];
      if (BN_to_montgomery(s.k_mont.get(), s.k.get(), order_mont, bn_ctx.get()) != 1) return mont_error();
      if (j == 0 ? BN_copy(s.prefix.get(), s.k_mont.get()) == nullptr
                 : BN_mod_mul_montgomery(s.prefix.get(), slots[live[j - 1]].prefix.get(), s.k_mont.get(), order_mont,
                                         bn_ctx.get()) != 1)
        return mont_error();
    }
    if (!live.empty()) {
      // inverse = (P_last)^-1 in Montgomery form, through invert_k's
      // constant-time exponentiation of the plain value.
      if (BN_from_montgomery(k.get(), slots[live.back()].prefix.get(), order_mont, bn_ctx.get()) != 1)
        return mont_error();
      BN_set_flags(k.get(), BN_FLG_CONSTTIME);
      if (!invert_k()) return fail(ossl::crypto_error("k inverse"));
      if (BN_to_montgomery(inverse.get(), kinv.get(), order_mont, bn_ctx.get()) != 1) return mont_error();
      for (std::size_t j = live.size(); j-- > 0;) {
        Slot& s = slots[live[j]];
        if (j == 0) {
          if (BN_from_montgomery(s.kinv.get(), inverse.get(), order_mont, bn_ctx.get()) != 1) return mont_error();
          break;
        }
        if (BN_mod_mul_montgomery(s.kinv.get(), inverse.get(), slots[live[j - 1]].prefix.get(), order_mont,
                                  bn_ctx.get()) != 1 ||
            BN_from_montgomery(s.kinv.get(), s.kinv.get(), order_mont, bn_ctx.get()) != 1 ||
            BN_mod_mul_montgomery(inverse.get(), inverse.get(), s.k_mont.get(), order_mont, bn_ctx.get()) != 1)
          return mont_error();
      }
    }

    for (std::size_t i = 0; i < n; ++i) {
      Slot& s = slots[i];
      const BytesView h1(s.h1.data(), s.h1_len);
      if (!s.single) {
        ossl::EcdsaSig sig(
            ECDSA_do_sign_ex(h1.data(), static_cast<int>(h1.size()), s.kinv.get(), s.r.get(), key.get()));
        if (sig) {
          const BIGNUM* sig_r = nullptr;
          const BIGNUM* sig_s = nullptr;
          ECDSA_SIG_get0(sig.get(), &sig_r, &sig_s);
          out[i].resize(2 * width);
          if (BN_bn2binpad(sig_r, out[i].data(), static_cast<int>(width)) < 0 ||
              BN_bn2binpad(sig_s, out[i].data() + width, static_cast<int>(width)) < 0)
            return fail(ossl::crypto_error("ECDSA signature wider than the curve"));
          continue;
        }
        if (ERR_GET_REASON(ERR_peek_last_error()) != EC_R_NEED_NEW_SETUP_VALUES)
          return fail(ossl::crypto_error("ECDSA_do_sign_ex"));
        ossl::clear_errors();  // s = 0: the RFC's next nonce, alone
      }
      auto one = sign_digest(h1);
      if (!one) return fail(std::move(one.error()));
      out[i] = std::move(*one);
    }
    return out;
  }
};

DeterministicEcdsa::DeterministicEcdsa(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
DeterministicEcdsa::DeterministicEcdsa(DeterministicEcdsa&&) noexcept = default;
DeterministicEcdsa& DeterministicEcdsa::operator=(DeterministicEcdsa&&) noexcept = default;
DeterministicEcdsa::~DeterministicEcdsa() = default;

Result<DeterministicEcdsa> DeterministicEcdsa::create(const EVP_PKEY* pkey, Algorithm alg, const EVP_MD* md) {
  if (alg != Algorithm::ECDSAP256SHA256 && alg != Algorithm::ECDSAP384SHA384)
    return fail(Errc::crypto, "deterministic ECDSA needs a P-256 or P-384 key");
  auto impl = std::make_unique<Impl>(alg);
  impl->md = md;
  impl->md_ctx.reset(EVP_MD_CTX_new());
  impl->bn_ctx.reset(BN_CTX_new());
  if (!impl->md_ctx || !impl->bn_ctx) return fail(ossl::crypto_error("EVP_MD_CTX_new"));

  BIGNUM* d_raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d_raw) != 1)
    return fail(ossl::crypto_error("EC private scalar"));
  const ossl::Bn d(d_raw);  // wiped on every return (BnFree clears)

  const int nid = alg == Algorithm::ECDSAP384SHA384 ? NID_secp384r1 : NID_X9_62_prime256v1;
  impl->key.reset(EC_KEY_new_by_curve_name_ex(nullptr, nullptr, nid));
  if (!impl->key) return fail(ossl::crypto_error("EC_KEY_new_by_curve_name_ex"));
  if (EC_KEY_set_private_key(impl->key.get(), d.get()) != 1) return fail(ossl::crypto_error("EC_KEY_set_private_key"));
  impl->group = EC_KEY_get0_group(impl->key.get());
  impl->order = EC_GROUP_get0_order(impl->group);
  impl->order_mont = EC_GROUP_get_mont_data(impl->group);
  if (impl->order == nullptr || impl->order_mont == nullptr)
    return fail(Errc::crypto, "EC group without an order");
  impl->width = static_cast<std::size_t>(BN_num_bytes(impl->order));
  if (impl->width > max_width) return fail(Errc::crypto, "EC group wider than P-384");
  // RFC 6979 §2.3.3 int2octets(x) needs 0 < d < n; a key outside would also
  // make every signature invalid.
  if (BN_is_zero(d.get()) || BN_is_negative(d.get()) || BN_cmp(d.get(), impl->order) >= 0)
    return fail(Errc::crypto, "EC private scalar outside 1..n-1");
  if (BN_bn2binpad(impl->order, impl->order_octets.data(), static_cast<int>(impl->width)) < 0 ||
      BN_bn2binpad(d.get(), impl->x_octets.data(), static_cast<int>(impl->width)) < 0)
    return fail(ossl::crypto_error("BN_bn2binpad"));
  impl->order_minus_2 = new_bn();
  if (BN_copy(impl->order_minus_2.get(), impl->order) == nullptr || BN_sub_word(impl->order_minus_2.get(), 2) != 1)
    return fail(ossl::crypto_error("n - 2"));
  impl->kg.reset(EC_POINT_new(impl->group));
  if (!impl->kg) return fail(ossl::crypto_error("EC_POINT_new"));
  return DeterministicEcdsa(std::move(impl));
}

Result<std::vector<Bytes>> DeterministicEcdsa::sign_batch(std::span<const BytesView> data) {
  if (data.size() > max_batch) return fail(Errc::internal, "deterministic ECDSA batch larger than max_batch");
  return impl_->sign_batch(data);
}

Result<Bytes> DeterministicEcdsa::sign(BytesView data) {
  auto& s = *impl_;
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> h1;
  unsigned int h1_len = 0;
  if (EVP_DigestInit_ex2(s.md_ctx.get(), s.md, nullptr) != 1 ||
      EVP_DigestUpdate(s.md_ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(s.md_ctx.get(), h1.data(), &h1_len) != 1)
    return fail(ossl::crypto_error("message digest"));
  return s.sign_digest(BytesView(h1.data(), h1_len));
}

}  // namespace zs::detail
