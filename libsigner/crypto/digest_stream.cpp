#include "crypto/digest_stream.hpp"

#include <stdexcept>

#include "crypto/ossl.hpp"

namespace zs {

namespace {

const char* md_name(DigestType type) {
  switch (type) {
    case DigestType::SHA1: return "SHA1";
    case DigestType::SHA256: return "SHA256";
    case DigestType::SHA384: return "SHA384";
  }
  throw std::invalid_argument("unknown digest type " + digest_name(type));
}

}  // namespace

// OpenSSL failures here are broken invariants (a digest the provider has,
// on memory it owns), hence exceptions, as digest() has them.
struct DigestStream::Impl {
  ossl::MdCtx ctx;
  ossl::Md md;
  void init() {
    if (EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1)
      throw std::runtime_error(ossl::drain_errors("EVP_DigestInit_ex2"));
  }
};

DigestStream::DigestStream(DigestType type) : impl_(std::make_unique<Impl>()) {
  impl_->ctx.reset(EVP_MD_CTX_new());
  if (!impl_->ctx) throw std::runtime_error(ossl::drain_errors("EVP_MD_CTX_new"));
  // Fetched explicitly, once per stream: a digest looked up by name
  // (EVP_get_digestbyname) is fetched again, under a lock, at every
  // restart, and a stream restarts once per NSEC3 owner hash.
  impl_->md.reset(EVP_MD_fetch(nullptr, md_name(type), nullptr));
  if (!impl_->md) throw std::runtime_error(ossl::drain_errors("EVP_MD_fetch"));
  impl_->init();
}

DigestStream::DigestStream(DigestStream&&) noexcept = default;
DigestStream& DigestStream::operator=(DigestStream&&) noexcept = default;
DigestStream::~DigestStream() = default;

void DigestStream::update(BytesView data) {
  if (data.empty()) return;
  if (EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size()) != 1)
    throw std::runtime_error(ossl::drain_errors("EVP_DigestUpdate"));
}

Bytes DigestStream::finish() {
  Bytes out(EVP_MAX_MD_SIZE);
  out.resize(finish_into(out));
  return out;
}

std::size_t DigestStream::finish_into(std::span<std::uint8_t> out) {
  if (out.size() < static_cast<std::size_t>(EVP_MD_get_size(impl_->md.get())))
    throw std::invalid_argument("DigestStream::finish_into: the output is shorter than the digest");
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len) != 1)
    throw std::runtime_error(ossl::drain_errors("EVP_DigestFinal_ex"));
  impl_->init();
  return len;
}

}  // namespace zs
