// Kept apart from keys.cpp so that PrivateKey's interface stays as it is: the
// key is taken back from its PKCS#8 form, the one way out PrivateKey offers.
#include "crypto/bind_private.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "core/encoding.hpp"
#include "crypto/bind_rsa_fields.hpp"
#include "crypto/ossl.hpp"

namespace zs {

// A named namespace, not an anonymous one: the unity build merges this file
// with keys.cpp, whose anonymous helpers have the same kind of names.
namespace bind_private_detail {

// Bytes that held a secret, wiped when they go.
struct WipedBytes {
  Bytes bytes;
  WipedBytes() = default;
  WipedBytes(const WipedBytes&) = delete;
  WipedBytes& operator=(const WipedBytes&) = delete;
  ~WipedBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

int refuse_passphrase(char*, int, int, void*) { return -1; }

// `what` as big-endian bytes: minimal width when `width` is 0, else padded.
Result<void> bn_param(const EVP_PKEY* pkey, const char* name, std::size_t width, WipedBytes& out) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) return fail(ossl::crypto_error(std::string("key part ") + name));
  ossl::Bn bn(raw);
  const int size = width != 0 ? static_cast<int>(width) : BN_num_bytes(bn.get());
  if (size <= 0 || BN_num_bytes(bn.get()) > size) return fail(Errc::crypto, std::string("key part ") + name + " too long");
  out.bytes.assign(static_cast<std::size_t>(size), 0);
  if (BN_bn2binpad(bn.get(), out.bytes.data(), size) != size) return fail(ossl::crypto_error("BN_bn2binpad"));
  return {};
}

void add_field(std::string& text, const char* field, const WipedBytes& value) {
  std::string b64 = to_base64(value.bytes);
  text += field;
  text += ": ";
  text += b64;
  text += '\n';
  wipe_secret(b64);
}

}  // namespace bind_private_detail

void wipe_secret(std::string& text) noexcept {
  OPENSSL_cleanse(text.data(), text.size());
  text.clear();
}

Result<std::string> to_bind_private_text(const PrivateKey& key) {
  using namespace bind_private_detail;
  std::string pem = key.to_pem();
  ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    wipe_secret(pem);
    return fail(ossl::crypto_error("BIO_new_mem_buf"));
  }
  EVP_PKEY* raw = PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, refuse_passphrase, nullptr, nullptr, nullptr);
  wipe_secret(pem);
  if (raw == nullptr) return fail(ossl::crypto_error("reading the key back"));
  ossl::Pkey pkey(raw);

  const Algorithm alg = key.algorithm();
  std::string text = "Private-key-format: v1.3\nAlgorithm: " + std::to_string(static_cast<unsigned>(alg)) + " (" +
                     algorithm_name(alg) + ")\n";
  auto failed = [&text](Error e) -> Result<std::string> {
    wipe_secret(text);
    return std::unexpected(std::move(e));
  };
  switch (alg) {
    case Algorithm::RSASHA1:
    case Algorithm::RSASHA1_NSEC3_SHA1:
    case Algorithm::RSASHA256:
    case Algorithm::RSASHA512: {
      for (const auto& [field, param] : bind_format::rsa_fields) {
        WipedBytes value;
        if (auto r = bn_param(pkey.get(), param, 0, value); !r) return failed(std::move(r.error()));
        add_field(text, field, value);
      }
      return text;
    }
    case Algorithm::ECDSAP256SHA256:
    case Algorithm::ECDSAP384SHA384: {
      // BIND writes the scalar at the curve's full width.
      WipedBytes value;
      const std::size_t width = alg == Algorithm::ECDSAP256SHA256 ? 32 : 48;
      if (auto r = bn_param(pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY, width, value); !r)
        return failed(std::move(r.error()));
      add_field(text, "PrivateKey", value);
      return text;
    }
    case Algorithm::ED25519:
    case Algorithm::ED448: {
      WipedBytes value;
      std::size_t len = 0;
      if (EVP_PKEY_get_raw_private_key(pkey.get(), nullptr, &len) != 1)
        return failed(ossl::crypto_error("EdDSA private key"));
      value.bytes.assign(len, 0);
      if (EVP_PKEY_get_raw_private_key(pkey.get(), value.bytes.data(), &len) != 1)
        return failed(ossl::crypto_error("EdDSA private key"));
      value.bytes.resize(len);
      add_field(text, "PrivateKey", value);
      return text;
    }
  }
  return failed(Error(Errc::crypto, "no BIND private key format for algorithm " + algorithm_name(alg)));
}

}  // namespace zs
