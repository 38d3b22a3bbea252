// OpenSSL 3 (EVP, OSSL_PARAM) behind PrivateKey, PublicKey, SignContext and
// the digests. Key formats: RFC 3110 §2 (RSA), RFC 6605 §4 (ECDSA), RFC 8080
// §3 (EdDSA); signature formats: RFC 3110 §3 / RFC 5702 §3 (PKCS#1 v1.5),
// RFC 6605 §4 (r||s), RFC 8080 §4 (raw EdDSA). ECDSA signing goes through
// deterministic_ecdsa.cpp (RFC 6979 nonces) instead of EVP, whose k is random.
#include "crypto/keys.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/encoding.hpp"
#include "crypto/deterministic_ecdsa.hpp"
#include "crypto/bind_rsa_fields.hpp"
#include "crypto/ossl.hpp"
#include "crypto/pkcs11.hpp"

namespace zs {

struct PrivateKey::Impl {
  Algorithm alg;
  ossl::Pkey pkey;                          // null for a token key
  std::shared_ptr<detail::TokenKey> token;  // null for a key held in memory
  Bytes dnskey;  // derived once: the key is immutable and shared by threads
  unsigned bits = 0;
};

struct PublicKey::Impl {
  Algorithm alg;
  ossl::Pkey pkey;
};

// Initialising a signing or verification context in OpenSSL 3 fetches the
// signature and digest implementations and creates a provider context:
// several times the cost of an ECDSA or Ed25519 operation itself. So each
// per-thread context keeps one initialised context per key it has seen and
// copies it for every operation. A template holds a reference on its
// EVP_PKEY, so the pointer cannot be reused by another key while it lives.
struct KeyContextCache {
  ossl::MdCtx work;
  std::vector<std::pair<const EVP_PKEY*, ossl::MdCtx>> templates;

  KeyContextCache() : work(EVP_MD_CTX_new()) {
    if (!work) throw std::bad_alloc();
  }

  // `work`, set up for one operation with `pkey`.
  Result<EVP_MD_CTX*> prepare(EVP_PKEY* pkey, const EVP_MD* md, bool signing) {
    const EVP_MD_CTX* tmpl = nullptr;
    for (const auto& [key, ctx] : templates)
      if (key == pkey) tmpl = ctx.get();
    if (tmpl == nullptr) {
      // A worker uses a handful of keys; a long-lived context that has seen
      // many (keys loaded and dropped over time) starts afresh.
      if (templates.size() >= 16) templates.clear();
      ossl::MdCtx ctx(EVP_MD_CTX_new());
      if (!ctx) return fail(ossl::crypto_error("EVP_MD_CTX_new"));
      // Init only takes a reference on the shared EVP_PKEY; the key itself
      // is never modified, so many threads may use it at once.
      const int rc = signing ? EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, pkey)
                             : EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, pkey);
      if (rc != 1) return fail(ossl::crypto_error(signing ? "EVP_DigestSignInit" : "EVP_DigestVerifyInit"));
      tmpl = ctx.get();
      templates.emplace_back(pkey, std::move(ctx));
    }
    if (EVP_MD_CTX_copy_ex(work.get(), tmpl) != 1) return fail(ossl::crypto_error("EVP_MD_CTX_copy_ex"));
    return work.get();
  }
};

struct SignContext::Impl {
  KeyContextCache cache;
  // ECDSA goes through RFC 6979 instead of EVP (whose k is random): one
  // signer per key, built on first use. Each entry holds a reference on its
  // EVP_PKEY, so a freed key's address cannot be mistaken for a new key.
  std::vector<std::pair<ossl::Pkey, detail::DeterministicEcdsa>> ecdsa;

  Result<detail::DeterministicEcdsa*> ecdsa_signer(EVP_PKEY* pkey, Algorithm alg, const EVP_MD* md) {
    for (auto& [key, signer] : ecdsa)
      if (key.get() == pkey) return &signer;
    if (ecdsa.size() >= 16) ecdsa.clear();  // as KeyContextCache: a handful of keys per worker
    auto signer = detail::DeterministicEcdsa::create(pkey, alg, md);
    if (!signer) return fail(std::move(signer.error()));
    if (EVP_PKEY_up_ref(pkey) != 1) return fail(ossl::crypto_error("EVP_PKEY_up_ref"));
    ecdsa.emplace_back(ossl::Pkey(pkey), std::move(*signer));
    return &ecdsa.back().second;
  }
};

struct VerifyContext::Impl {
  KeyContextCache cache;
};

namespace {

enum class Family { rsa, ecdsa, eddsa };

Family family_of(Algorithm alg) noexcept {
  switch (alg) {
    case Algorithm::ECDSAP256SHA256:
    case Algorithm::ECDSAP384SHA384:
      return Family::ecdsa;
    case Algorithm::ED25519:
    case Algorithm::ED448:
      return Family::eddsa;
    case Algorithm::RSASHA1:
    case Algorithm::RSASHA1_NSEC3_SHA1:
    case Algorithm::RSASHA256:
    case Algorithm::RSASHA512:
      return Family::rsa;
  }
  return Family::rsa;
}

// The algorithms this layer can verify: every signing one, and RSASHA1 (5, 7)
// for old zones. An Algorithm read from a DNSKEY may hold any other number.
bool known_algorithm(Algorithm alg) noexcept {
  return algorithm_can_sign(alg) || alg == Algorithm::RSASHA1 || alg == Algorithm::RSASHA1_NSEC3_SHA1;
}

// Fetching an EVP_MD costs a lock and a lookup in the provider store; done
// once per digest for the process. The fetched objects are immutable and
// deliberately never freed (they live as long as OpenSSL itself).
const EVP_MD* fetch_md(const char* name) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) throw std::runtime_error(ossl::drain_errors(std::string("no OpenSSL digest ") + name));
  return md;
}
const EVP_MD* md_sha1() {
  static const EVP_MD* md = fetch_md("SHA1");
  return md;
}
const EVP_MD* md_sha256() {
  static const EVP_MD* md = fetch_md("SHA256");
  return md;
}
const EVP_MD* md_sha384() {
  static const EVP_MD* md = fetch_md("SHA384");
  return md;
}
const EVP_MD* md_sha512() {
  static const EVP_MD* md = fetch_md("SHA512");
  return md;
}

// The hash that the algorithm signs with; null for EdDSA, which hashes
// internally (RFC 8032) and is used one-shot.
const EVP_MD* signature_md(Algorithm alg) {
  switch (alg) {
    case Algorithm::RSASHA1:
    case Algorithm::RSASHA1_NSEC3_SHA1:
      return md_sha1();
    case Algorithm::RSASHA256:
    case Algorithm::ECDSAP256SHA256:
      return md_sha256();
    case Algorithm::ECDSAP384SHA384:
      return md_sha384();
    case Algorithm::RSASHA512:
      return md_sha512();
    case Algorithm::ED25519:
    case Algorithm::ED448:
      return nullptr;
  }
  return nullptr;
}

// ECDSA: coordinate / scalar width in octets (RFC 6605 §4).
std::size_t ec_width(Algorithm alg) noexcept { return alg == Algorithm::ECDSAP384SHA384 ? 48 : 32; }
const char* ec_group(Algorithm alg) noexcept { return alg == Algorithm::ECDSAP384SHA384 ? "P-384" : "P-256"; }
int ec_nid(Algorithm alg) noexcept {
  return alg == Algorithm::ECDSAP384SHA384 ? NID_secp384r1 : NID_X9_62_prime256v1;
}

// EdDSA: OpenSSL key type, public key and signature lengths (RFC 8080 §3, §4).
const char* ed_name(Algorithm alg) noexcept { return alg == Algorithm::ED448 ? "ED448" : "ED25519"; }
std::size_t ed_key_size(Algorithm alg) noexcept { return alg == Algorithm::ED448 ? 57 : 32; }
std::size_t ed_sig_size(Algorithm alg) noexcept { return alg == Algorithm::ED448 ? 114 : 64; }

// Decoded secret material, wiped when it goes out of scope.
struct SecretBytes {
  Bytes bytes;
  SecretBytes() = default;
  explicit SecretBytes(Bytes b) : bytes(std::move(b)) {}
  SecretBytes(SecretBytes&& other) noexcept : bytes(std::move(other.bytes)) { other.bytes.clear(); }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes& operator=(SecretBytes&&) = delete;
  ~SecretBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

Result<ossl::Bn> bn_from(BytesView bytes) {
  ossl::Bn bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!bn) return fail(ossl::crypto_error("BN_bin2bn"));
  return bn;
}

Bytes bn_to_bytes(const BIGNUM* bn) {
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  return out;
}

Result<ossl::Pkey> pkey_from_params(const char* type, int selection, OSSL_PARAM_BLD* bld) {
  ossl::Params params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) return fail(ossl::crypto_error("OSSL_PARAM_BLD_to_param"));
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx) return fail(ossl::crypto_error(std::string("EVP_PKEY_CTX_new_from_name ") + type));
  if (EVP_PKEY_fromdata_init(ctx.get()) != 1) return fail(ossl::crypto_error("EVP_PKEY_fromdata_init"));
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1)
    return fail(ossl::crypto_error(std::string("cannot build ") + type + " key"));
  return ossl::Pkey(raw);
}

// True if the OpenSSL key is of the kind the DNSSEC algorithm needs.
bool key_matches(const EVP_PKEY* pkey, Algorithm alg) {
  switch (family_of(alg)) {
    case Family::rsa:
      return EVP_PKEY_is_a(pkey, "RSA") == 1;
    case Family::eddsa:
      return EVP_PKEY_is_a(pkey, ed_name(alg)) == 1;
    case Family::ecdsa: {
      if (EVP_PKEY_is_a(pkey, "EC") != 1) return false;
      char group[80] = {};
      std::size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) {
        ossl::clear_errors();
        return false;
      }
      int nid = OBJ_txt2nid(group);
      if (nid == NID_undef) nid = EC_curve_nist2nid(group);
      ossl::clear_errors();
      return nid == ec_nid(alg);
    }
  }
  return false;
}

Result<Bytes> dnskey_field(const EVP_PKEY* pkey, Algorithm alg) {
  switch (family_of(alg)) {
    case Family::rsa: {
      BIGNUM* n_raw = nullptr;
      BIGNUM* e_raw = nullptr;
      if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n_raw) != 1)
        return fail(ossl::crypto_error("RSA modulus"));
      ossl::Bn n(n_raw);
      if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e_raw) != 1)
        return fail(ossl::crypto_error("RSA exponent"));
      ossl::Bn e(e_raw);
      const Bytes exponent = bn_to_bytes(e.get());
      const Bytes modulus = bn_to_bytes(n.get());
      // RFC 3110 §2: a one-octet length, or zero and a two-octet length.
      // (Sized up front: GCC 12 -O2 warns falsely on push_back into an
      // empty vector here.)
      const std::size_t head = exponent.size() <= 255 ? 1 : 3;
      Bytes out(head + exponent.size() + modulus.size());
      if (head == 1) {
        out[0] = static_cast<std::uint8_t>(exponent.size());
      } else {
        out[0] = 0;
        out[1] = static_cast<std::uint8_t>(exponent.size() >> 8);
        out[2] = static_cast<std::uint8_t>(exponent.size());
      }
      std::copy(exponent.begin(), exponent.end(), out.begin() + static_cast<std::ptrdiff_t>(head));
      std::copy(modulus.begin(), modulus.end(),
                out.begin() + static_cast<std::ptrdiff_t>(head + exponent.size()));
      return out;
    }
    case Family::ecdsa: {
      BIGNUM* x_raw = nullptr;
      BIGNUM* y_raw = nullptr;
      if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x_raw) != 1)
        return fail(ossl::crypto_error("EC public x"));
      ossl::Bn x(x_raw);
      if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y_raw) != 1)
        return fail(ossl::crypto_error("EC public y"));
      ossl::Bn y(y_raw);
      const std::size_t w = ec_width(alg);
      Bytes out(2 * w);
      if (BN_bn2binpad(x.get(), out.data(), static_cast<int>(w)) < 0 ||
          BN_bn2binpad(y.get(), out.data() + w, static_cast<int>(w)) < 0)
        return fail(ossl::crypto_error("EC point does not fit the curve width"));
      return out;
    }
    case Family::eddsa: {
      std::size_t len = 0;
      if (EVP_PKEY_get_raw_public_key(pkey, nullptr, &len) != 1)
        return fail(ossl::crypto_error("EdDSA public key"));
      Bytes out(len);
      if (EVP_PKEY_get_raw_public_key(pkey, out.data(), &len) != 1)
        return fail(ossl::crypto_error("EdDSA public key"));
      out.resize(len);
      return out;
    }
  }
  return fail(Errc::crypto, "unsupported algorithm");
}

Result<std::unique_ptr<PrivateKey::Impl>> make_private(ossl::Pkey pkey, Algorithm alg) {
  if (!key_matches(pkey.get(), alg))
    return fail(Errc::crypto, "the private key is not a " + algorithm_name(alg) + " key");
  auto field = dnskey_field(pkey.get(), alg);
  if (!field) return fail(std::move(field.error()));
  const int bits = EVP_PKEY_get_bits(pkey.get());
  auto impl = std::make_unique<PrivateKey::Impl>();
  impl->alg = alg;
  impl->pkey = std::move(pkey);
  impl->dnskey = std::move(*field);
  impl->bits = bits > 0 ? static_cast<unsigned>(bits) : 0;
  return impl;
}

// PEM reading must never fall back to prompting on a terminal for a
// passphrase: encrypted keys are refused instead.
int no_passphrase(char*, int, int, void*) { return -1; }

// Turns "r||s" (RFC 6605 §4) into the DER SEQUENCE OpenSSL verifies.
Result<Bytes> ecdsa_rs_to_der(BytesView rs) {
  const std::size_t w = rs.size() / 2;
  auto r = bn_from(rs.first(w));
  if (!r) return fail(std::move(r.error()));
  auto s = bn_from(rs.subspan(w));
  if (!s) return fail(std::move(s.error()));
  ossl::EcdsaSig sig(ECDSA_SIG_new());
  if (!sig) return fail(ossl::crypto_error("ECDSA_SIG_new"));
  if (ECDSA_SIG_set0(sig.get(), r->get(), s->get()) != 1) return fail(ossl::crypto_error("ECDSA_SIG_set0"));
  r->release();  // now owned by sig
  s->release();
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return fail(ossl::crypto_error("i2d_ECDSA_SIG"));
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  if (i2d_ECDSA_SIG(sig.get(), &p) != len) return fail(ossl::crypto_error("i2d_ECDSA_SIG"));
  return der;
}

// BIND private-key text: "Name: value" lines; a line without a colon
// continues the previous value (the RFCs print long values wrapped).
struct BindFields {
  std::vector<std::pair<std::string, std::string>> fields;

  const std::string* find(std::string_view name) const {
    for (const auto& [k, v] : fields)
      if (k == name) return &v;
    return nullptr;
  }
  ~BindFields() {
    for (auto& [k, v] : fields) OPENSSL_cleanse(v.data(), v.size());
  }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

void parse_bind_fields(std::string_view text, BindFields& out) {
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (line.empty() || line.front() == ';') continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (!out.fields.empty()) out.fields.back().second += line;
      continue;
    }
    out.fields.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
}

Result<SecretBytes> bind_value(const BindFields& f, std::string_view name) {
  const std::string* text = f.find(name);
  if (text == nullptr) return fail(Errc::crypto, "BIND private key has no " + std::string(name) + " field");
  std::string compact;
  for (char c : *text)
    if (c != ' ' && c != '\t') compact += c;
  auto bytes = from_base64(compact);
  OPENSSL_cleanse(compact.data(), compact.size());
  if (!bytes || bytes->empty())
    return fail(Errc::crypto, "BIND private key field " + std::string(name) + " is not base64");
  return SecretBytes(std::move(*bytes));
}

Result<ossl::Pkey> bind_rsa(const BindFields& f) {
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld) return fail(ossl::crypto_error("OSSL_PARAM_BLD_new"));
  // The builder refers to the BIGNUMs until the params are built.
  std::vector<ossl::Bn> numbers;
  for (const auto& [field, param] : bind_format::rsa_fields) {
    auto value = bind_value(f, field);
    if (!value) return fail(std::move(value.error()));
    auto bn = bn_from(value->bytes);
    if (!bn) return fail(std::move(bn.error()));
    if (OSSL_PARAM_BLD_push_BN(bld.get(), param, bn->get()) != 1)
      return fail(ossl::crypto_error("OSSL_PARAM_BLD_push_BN"));
    numbers.push_back(std::move(*bn));
  }
  return pkey_from_params("RSA", EVP_PKEY_KEYPAIR, bld.get());
}

Result<ossl::Pkey> bind_ecdsa(const BindFields& f, Algorithm alg) {
  auto value = bind_value(f, "PrivateKey");
  if (!value) return fail(std::move(value.error()));
  // Fixed width as BIND writes it; shorter when a tool dropped leading zeros.
  if (value->bytes.size() > ec_width(alg))
    return fail(Errc::crypto, "ECDSA private key too long for " + algorithm_name(alg));
  auto d = bn_from(value->bytes);
  if (!d) return fail(std::move(d.error()));
  // The BIND form carries only the scalar; OpenSSL wants the public point
  // too, so derive it: Q = d*G.
  ossl::EcGroup group(EC_GROUP_new_by_curve_name_ex(nullptr, nullptr, ec_nid(alg)));
  if (!group) return fail(ossl::crypto_error("EC_GROUP_new_by_curve_name_ex"));
  ossl::BnCtx bn_ctx(BN_CTX_new());
  ossl::EcPoint q(EC_POINT_new(group.get()));
  if (!bn_ctx || !q) return fail(ossl::crypto_error("EC_POINT_new"));
  if (EC_POINT_mul(group.get(), q.get(), d->get(), nullptr, nullptr, bn_ctx.get()) != 1)
    return fail(ossl::crypto_error("EC_POINT_mul"));
  unsigned char point[1 + 2 * 48];
  const std::size_t point_len =
      EC_POINT_point2oct(group.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, point, sizeof point, bn_ctx.get());
  if (point_len == 0) return fail(ossl::crypto_error("EC_POINT_point2oct"));

  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld) return fail(ossl::crypto_error("OSSL_PARAM_BLD_new"));
  if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, ec_group(alg), 0) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d->get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point, point_len) != 1)
    return fail(ossl::crypto_error("OSSL_PARAM_BLD_push"));
  return pkey_from_params("EC", EVP_PKEY_KEYPAIR, bld.get());
}

Result<ossl::Pkey> bind_eddsa(const BindFields& f, Algorithm alg) {
  auto value = bind_value(f, "PrivateKey");
  if (!value) return fail(std::move(value.error()));
  if (value->bytes.size() != ed_key_size(alg))
    return fail(Errc::crypto, "EdDSA private key has the wrong length for " + algorithm_name(alg));
  EVP_PKEY* raw = EVP_PKEY_new_raw_private_key_ex(nullptr, ed_name(alg), nullptr, value->bytes.data(),
                                                  value->bytes.size());
  if (raw == nullptr) return fail(ossl::crypto_error("EVP_PKEY_new_raw_private_key_ex"));
  return ossl::Pkey(raw);
}

}  // namespace

// ---------------------------------------------------------------- PrivateKey

PrivateKey::PrivateKey(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::~PrivateKey() = default;

Result<PrivateKey> PrivateKey::generate(Algorithm alg, unsigned rsa_bits) {
  if (!algorithm_can_sign(alg))
    return fail(Errc::crypto, "algorithm " + algorithm_name(alg) + " is not used for new keys");
  ossl::PkeyCtx ctx;
  switch (family_of(alg)) {
    case Family::rsa: {
      const unsigned bits = rsa_bits == 0 ? 2048 : rsa_bits;
      // RFC 5702 §2 and §3: RSA/SHA-2 keys between 512 (SHA-256) or 1024
      // (SHA-512) and 4096 bits; we never make keys below 1024 bits.
      if (bits < 1024 || bits > 4096)
        return fail(Errc::crypto, "RSA key size " + std::to_string(bits) + " outside 1024..4096");
      ctx.reset(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
      if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return fail(ossl::crypto_error("RSA keygen init"));
      ossl::Bn e(BN_new());
      if (!e || BN_set_word(e.get(), 65537) != 1) return fail(ossl::crypto_error("BN_set_word"));
      if (EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits)) != 1 ||
          EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()) != 1)
        return fail(ossl::crypto_error("RSA keygen parameters"));
      break;
    }
    case Family::ecdsa:
      ctx.reset(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
      if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return fail(ossl::crypto_error("EC keygen init"));
      if (EVP_PKEY_CTX_set_group_name(ctx.get(), ec_group(alg)) != 1)
        return fail(ossl::crypto_error("EC keygen group"));
      break;
    case Family::eddsa:
      ctx.reset(EVP_PKEY_CTX_new_from_name(nullptr, ed_name(alg), nullptr));
      if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return fail(ossl::crypto_error("EdDSA keygen init"));
      break;
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) return fail(ossl::crypto_error("key generation"));
  auto impl = make_private(ossl::Pkey(raw), alg);
  if (!impl) return fail(std::move(impl.error()));
  return PrivateKey(std::move(*impl));
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, Algorithm alg) {
  if (!known_algorithm(alg)) return fail(Errc::crypto, "unknown algorithm " + algorithm_name(alg));
  ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return fail(ossl::crypto_error("BIO_new_mem_buf"));
  EVP_PKEY* raw = PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, no_passphrase, nullptr, nullptr, nullptr);
  if (raw == nullptr) return fail(ossl::crypto_error("cannot read the PEM private key"));
  auto impl = make_private(ossl::Pkey(raw), alg);
  if (!impl) return fail(std::move(impl.error()));
  return PrivateKey(std::move(*impl));
}

Result<PrivateKey> PrivateKey::from_bind_private(std::string_view text) {
  BindFields fields;
  parse_bind_fields(text, fields);
  const std::string* alg_text = fields.find("Algorithm");
  if (alg_text == nullptr) return fail(Errc::crypto, "BIND private key has no Algorithm field");
  // "8 (RSASHA256)": the number is what counts.
  const auto space = alg_text->find_first_of(" \t");
  auto alg = algorithm_from_string(std::string_view(*alg_text).substr(0, space));
  if (!alg) return fail(Errc::crypto, "BIND private key has an unsupported algorithm: " + *alg_text);
  Result<ossl::Pkey> pkey = fail(Errc::internal, "unreachable");
  switch (family_of(*alg)) {
    case Family::rsa:
      pkey = bind_rsa(fields);
      break;
    case Family::ecdsa:
      pkey = bind_ecdsa(fields, *alg);
      break;
    case Family::eddsa:
      pkey = bind_eddsa(fields, *alg);
      break;
  }
  if (!pkey) return fail(std::move(pkey.error()));
  auto impl = make_private(std::move(*pkey), *alg);
  if (!impl) return fail(std::move(impl.error()));
  return PrivateKey(std::move(*impl));
}

PrivateKey PrivateKey::from_token(std::shared_ptr<detail::TokenKey> key) {
  auto impl = std::make_unique<Impl>();
  impl->alg = key->algorithm();
  impl->dnskey = key->dnskey_public_key();
  impl->bits = key->bits();
  impl->token = std::move(key);
  return PrivateKey(std::move(impl));
}

Algorithm PrivateKey::algorithm() const noexcept { return impl_->alg; }

const std::shared_ptr<detail::TokenKey>& PrivateKey::token() const noexcept { return impl_->token; }

bool PrivateKey::signs_deterministically() const noexcept {
  return !impl_->token && deterministic_signatures(impl_->alg);
}

std::string PrivateKey::to_pem() const {
  if (impl_->token) throw std::logic_error("to_pem() of a key that stays in its PKCS#11 token");
  // Secure-heap memory BIO: the PEM text holds the secret.
  ossl::Bio bio(BIO_new(BIO_s_secmem()));
  if (!bio) throw std::runtime_error(ossl::drain_errors("BIO_new"));
  if (PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error(ossl::drain_errors("PEM_write_bio_PrivateKey"));
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || data == nullptr) throw std::runtime_error("PEM_write_bio_PrivateKey wrote nothing");
  return std::string(data, static_cast<std::size_t>(len));
}

Bytes PrivateKey::dnskey_public_key() const { return impl_->dnskey; }

unsigned PrivateKey::bits() const noexcept { return impl_->bits; }

// ----------------------------------------------------------------- PublicKey

PublicKey::PublicKey(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;
PublicKey::~PublicKey() = default;

Result<PublicKey> PublicKey::from_dnskey(Algorithm alg, BytesView key) {
  if (!known_algorithm(alg)) return fail(Errc::crypto, "unknown algorithm " + algorithm_name(alg));
  ossl::Pkey pkey;
  switch (family_of(alg)) {
    case Family::rsa: {
      // RFC 3110 §2: exponent length (1 octet, or 0 then 2 octets), exponent, modulus.
      if (key.empty()) return fail(Errc::crypto, "empty RSA public key");
      std::size_t exp_len = key[0];
      std::size_t offset = 1;
      if (exp_len == 0) {
        if (key.size() < 3) return fail(Errc::crypto, "truncated RSA public key");
        exp_len = get_u16(key.data() + 1);
        offset = 3;
      }
      if (exp_len == 0 || key.size() <= offset + exp_len)
        return fail(Errc::crypto, "RSA public key too short for its exponent length");
      auto e = bn_from(key.subspan(offset, exp_len));
      if (!e) return fail(std::move(e.error()));
      auto n = bn_from(key.subspan(offset + exp_len));
      if (!n) return fail(std::move(n.error()));
      ossl::ParamBld bld(OSSL_PARAM_BLD_new());
      if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n->get()) != 1 ||
          OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e->get()) != 1)
        return fail(ossl::crypto_error("OSSL_PARAM_BLD_push_BN"));
      auto built = pkey_from_params("RSA", EVP_PKEY_PUBLIC_KEY, bld.get());
      if (!built) return fail(std::move(built.error()));
      pkey = std::move(*built);
      break;
    }
    case Family::ecdsa: {
      const std::size_t w = ec_width(alg);
      if (key.size() != 2 * w)
        return fail(Errc::crypto, algorithm_name(alg) + " public key of " + std::to_string(key.size()) +
                                      " octets, expected " + std::to_string(2 * w));
      Bytes point;
      point.reserve(1 + key.size());
      put_u8(point, 0x04);  // uncompressed point (SEC 1 §2.3.3)
      put_bytes(point, key);
      ossl::ParamBld bld(OSSL_PARAM_BLD_new());
      if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, ec_group(alg), 0) != 1 ||
          OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return fail(ossl::crypto_error("OSSL_PARAM_BLD_push"));
      auto built = pkey_from_params("EC", EVP_PKEY_PUBLIC_KEY, bld.get());
      if (!built) return fail(std::move(built.error()));
      pkey = std::move(*built);
      break;
    }
    case Family::eddsa: {
      if (key.size() != ed_key_size(alg))
        return fail(Errc::crypto, algorithm_name(alg) + " public key of " + std::to_string(key.size()) +
                                      " octets, expected " + std::to_string(ed_key_size(alg)));
      EVP_PKEY* raw = EVP_PKEY_new_raw_public_key_ex(nullptr, ed_name(alg), nullptr, key.data(), key.size());
      if (raw == nullptr) return fail(ossl::crypto_error("EVP_PKEY_new_raw_public_key_ex"));
      pkey.reset(raw);
      break;
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->alg = alg;
  impl->pkey = std::move(pkey);
  return PublicKey(std::move(impl));
}

Algorithm PublicKey::algorithm() const noexcept { return impl_->alg; }

namespace {

// Brings a DNSSEC-format signature into the form OpenSSL verifies (DER for
// ECDSA) after checking its length; `der` holds converted bytes.
Result<BytesView> openssl_signature(Algorithm alg, BytesView signature, Bytes& der) {
  switch (family_of(alg)) {
    case Family::rsa:
      return signature;
    case Family::ecdsa: {
      if (signature.size() != 2 * ec_width(alg))
        return fail(Errc::crypto, algorithm_name(alg) + " signature of " + std::to_string(signature.size()) +
                                      " octets, expected " + std::to_string(2 * ec_width(alg)));
      auto converted = ecdsa_rs_to_der(signature);
      if (!converted) return fail(std::move(converted.error()));
      der = std::move(*converted);
      return BytesView(der);
    }
    case Family::eddsa:
      if (signature.size() != ed_sig_size(alg))
        return fail(Errc::crypto, algorithm_name(alg) + " signature of " + std::to_string(signature.size()) +
                                      " octets, expected " + std::to_string(ed_sig_size(alg)));
      return signature;
  }
  return signature;
}

bool finish_verify(EVP_MD_CTX* ctx, BytesView data, BytesView wire) {
  if (EVP_DigestVerify(ctx, wire.data(), wire.size(), data.data(), data.size()) == 1) return true;
  // A bad signature leaves reasons on the queue; they are not errors here.
  ossl::clear_errors();
  return false;
}

}  // namespace

Result<bool> PublicKey::verify(BytesView data, BytesView signature) const {
  Bytes der;
  auto wire = openssl_signature(impl_->alg, signature, der);
  if (!wire) return fail(std::move(wire.error()));
  // PublicKey is shared between threads and holds no mutable state, so this
  // sets up a fresh context; VerifyContext is the fast path for many calls.
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return fail(ossl::crypto_error("EVP_MD_CTX_new"));
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, signature_md(impl_->alg), nullptr, impl_->pkey.get()) != 1)
    return fail(ossl::crypto_error("EVP_DigestVerifyInit"));
  return finish_verify(ctx.get(), data, *wire);
}

// ------------------------------------------------------------- VerifyContext

VerifyContext::VerifyContext() : impl_(std::make_unique<Impl>()) {}
VerifyContext::VerifyContext(VerifyContext&&) noexcept = default;
VerifyContext& VerifyContext::operator=(VerifyContext&&) noexcept = default;
VerifyContext::~VerifyContext() = default;

Result<bool> VerifyContext::verify(const PublicKey& key, BytesView data, BytesView signature) {
  const auto& k = key.impl();
  Bytes der;
  auto wire = openssl_signature(k.alg, signature, der);
  if (!wire) return fail(std::move(wire.error()));
  auto ctx = impl_->cache.prepare(k.pkey.get(), signature_md(k.alg), false);
  if (!ctx) return fail(std::move(ctx.error()));
  return finish_verify(*ctx, data, *wire);
}

// --------------------------------------------------------------- SignContext

SignContext::SignContext() : impl_(std::make_unique<Impl>()) {}
SignContext::SignContext(SignContext&&) noexcept = default;
SignContext& SignContext::operator=(SignContext&&) noexcept = default;
SignContext::~SignContext() = default;

Result<Bytes> SignContext::sign(const PrivateKey& key, BytesView data) {
  const auto& k = key.impl();
  if (k.token) return k.token->sign(data);
  if (family_of(k.alg) == Family::ecdsa) {
    auto signer = impl_->ecdsa_signer(k.pkey.get(), k.alg, signature_md(k.alg));
    if (!signer) return fail(std::move(signer.error()));
    return (*signer)->sign(data);
  }
  auto ctx = impl_->cache.prepare(k.pkey.get(), signature_md(k.alg), true);
  if (!ctx) return fail(std::move(ctx.error()));
  std::size_t len = static_cast<std::size_t>(EVP_PKEY_get_size(k.pkey.get()));
  Bytes sig(len);
  if (EVP_DigestSign(*ctx, sig.data(), &len, data.data(), data.size()) != 1)
    return fail(ossl::crypto_error("EVP_DigestSign"));
  sig.resize(len);
  return sig;
}

Result<std::vector<Bytes>> SignContext::sign_many(const PrivateKey& key, std::span<const BytesView> data) {
  std::vector<Bytes> out;
  out.reserve(data.size());
  const auto& k = key.impl();
  if (family_of(k.alg) == Family::ecdsa && !k.token) {
    auto signer = impl_->ecdsa_signer(k.pkey.get(), k.alg, signature_md(k.alg));
    if (!signer) return fail(std::move(signer.error()));
    constexpr std::size_t batch_size = detail::DeterministicEcdsa::max_batch;
    for (std::size_t at = 0; at < data.size(); at += batch_size) {
      auto batch = (*signer)->sign_batch(data.subspan(at, std::min(batch_size, data.size() - at)));
      if (!batch) return fail(std::move(batch.error()));
      for (Bytes& sig : *batch) out.push_back(std::move(sig));
    }
    return out;
  }
  for (BytesView d : data) {
    auto sig = sign(key, d);
    if (!sig) return fail(std::move(sig.error()));
    out.push_back(std::move(*sig));
  }
  return out;
}

bool deterministic_signatures(Algorithm alg) noexcept {
  if (!known_algorithm(alg)) return false;
  // RSA PKCS#1 v1.5 has no randomness (blinding changes only how it is
  // computed); EdDSA derives its nonce from the key and message (RFC 8032
  // §5.1.6); ECDSA takes its k from RFC 6979 (SignContext::sign).
  return true;
}

// ------------------------------------------------------------------ digests

Bytes digest(DigestType type, BytesView data) {
  const EVP_MD* md = nullptr;
  switch (type) {
    case DigestType::SHA1:
      md = md_sha1();
      break;
    case DigestType::SHA256:
      md = md_sha256();
      break;
    case DigestType::SHA384:
      md = md_sha384();
      break;
  }
  if (md == nullptr) throw std::invalid_argument("unknown digest type " + digest_name(type));
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1)
    throw std::runtime_error(ossl::drain_errors("EVP_Digest"));
  out.resize(len);
  return out;
}

Bytes sha1(BytesView data) { return digest(DigestType::SHA1, data); }

}  // namespace zs
