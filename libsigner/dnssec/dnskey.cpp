// DNSKEY and DS RDATA (RFC 4034 §2.1, §5.1), the key tag (RFC 4034
// Appendix B) and the DS digest (RFC 4034 §5.1.4, RFC 4509, RFC 6605 §3).
#include "dnssec/dnskey.hpp"

#include "crypto/keys.hpp"

namespace zs {

Bytes Dnskey::to_rdata() const {
  Bytes out;
  out.reserve(4 + public_key.size());
  put_u16(out, flags);
  put_u8(out, protocol);
  put_u8(out, static_cast<std::uint8_t>(algorithm));
  put_bytes(out, public_key);
  return out;
}

Result<Dnskey> Dnskey::from_rdata(BytesView rdata) {
  // Flags, protocol and algorithm, then a key of at least one octet.
  if (rdata.size() < 5) return fail(Errc::bad_rdata, "DNSKEY RDATA of " + std::to_string(rdata.size()) + " octets");
  Dnskey key;
  key.flags = get_u16(rdata.data());
  key.protocol = rdata[2];
  key.algorithm = static_cast<Algorithm>(rdata[3]);
  key.public_key.assign(rdata.begin() + 4, rdata.end());
  return key;
}

std::uint16_t key_tag(BytesView rdata) noexcept {
  if (rdata.size() < 4) return 0;
  // Algorithm 1 (RSA/MD5) keys use the low 16 bits of the modulus instead
  // (RFC 4034 B.1): the third- and second-to-last octets of the key.
  if (rdata[3] == 1) {
    if (rdata.size() < 7) return 0;
    return get_u16(rdata.data() + rdata.size() - 3);
  }
  std::uint32_t ac = 0;
  for (std::size_t i = 0; i < rdata.size(); ++i) ac += (i & 1) ? rdata[i] : std::uint32_t{rdata[i]} << 8;
  ac += (ac >> 16) & 0xFFFF;
  return static_cast<std::uint16_t>(ac & 0xFFFF);
}

Bytes Ds::to_rdata() const {
  Bytes out;
  out.reserve(4 + digest.size());
  put_u16(out, key_tag);
  put_u8(out, static_cast<std::uint8_t>(algorithm));
  put_u8(out, static_cast<std::uint8_t>(digest_type));
  put_bytes(out, digest);
  return out;
}

Result<Ds> Ds::from_rdata(BytesView rdata) {
  if (rdata.size() < 5) return fail(Errc::bad_rdata, "DS RDATA of " + std::to_string(rdata.size()) + " octets");
  Ds ds;
  ds.key_tag = get_u16(rdata.data());
  ds.algorithm = static_cast<Algorithm>(rdata[2]);
  ds.digest_type = static_cast<DigestType>(rdata[3]);
  ds.digest.assign(rdata.begin() + 4, rdata.end());
  // The digest length is fixed by the digest type for the types we know.
  std::size_t expected = 0;
  switch (ds.digest_type) {
    case DigestType::SHA1:
      expected = 20;
      break;
    case DigestType::SHA256:
      expected = 32;
      break;
    case DigestType::SHA384:
      expected = 48;
      break;
  }
  if (expected != 0 && ds.digest.size() != expected)
    return fail(Errc::bad_rdata, "DS digest of " + std::to_string(ds.digest.size()) + " octets for " +
                                     digest_name(ds.digest_type) + ", expected " + std::to_string(expected));
  return ds;
}

Ds make_ds(const Name& owner, BytesView dnskey_rdata, DigestType type) {
  Bytes input = to_bytes(owner.lowercased().wire());
  put_bytes(input, dnskey_rdata);
  Ds ds;
  ds.key_tag = key_tag(dnskey_rdata);
  ds.algorithm = dnskey_rdata.size() >= 4 ? static_cast<Algorithm>(dnskey_rdata[3]) : Algorithm{};
  ds.digest_type = type;
  ds.digest = digest(type, input);
  return ds;
}

}  // namespace zs
