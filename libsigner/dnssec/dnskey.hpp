// DNSKEY, DS, CDS and CDNSKEY records: RFC 4034 §2 and §5, RFC 7344.
#pragma once

#include <cstdint>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/algorithm.hpp"
#include "dns/name.hpp"

namespace zs {

inline constexpr std::uint16_t dnskey_flag_zone = 0x0100;    // bit 7
inline constexpr std::uint16_t dnskey_flag_revoke = 0x0080;  // bit 8, RFC 5011
inline constexpr std::uint16_t dnskey_flag_sep = 0x0001;     // bit 15

struct Dnskey {
  std::uint16_t flags = dnskey_flag_zone;
  std::uint8_t protocol = 3;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  Bytes public_key;

  Bytes to_rdata() const;
  static Result<Dnskey> from_rdata(BytesView rdata);  // Errc::bad_rdata
  bool is_sep() const noexcept { return (flags & dnskey_flag_sep) != 0; }
};

// RFC 4034 Appendix B key tag over DNSKEY RDATA.
std::uint16_t key_tag(BytesView dnskey_rdata) noexcept;

struct Ds {
  std::uint16_t key_tag = 0;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  DigestType digest_type = DigestType::SHA256;
  Bytes digest;

  Bytes to_rdata() const;
  static Result<Ds> from_rdata(BytesView rdata);
};

// RFC 4034 §5.1.4: digest = H(owner in canonical form | DNSKEY RDATA).
Ds make_ds(const Name& owner, BytesView dnskey_rdata, DigestType type);

}  // namespace zs
