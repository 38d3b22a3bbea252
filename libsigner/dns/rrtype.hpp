// RR types and classes, with IANA mnemonics (RFC 3597 TYPEnnn for the rest).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zs {

enum class RrType : std::uint16_t {
  A = 1, NS = 2, MD = 3, MF = 4, CNAME = 5, SOA = 6, MB = 7, MG = 8, MR = 9, NULL_ = 10,
  WKS = 11, PTR = 12, HINFO = 13, MINFO = 14, MX = 15, TXT = 16, RP = 17, AFSDB = 18,
  X25 = 19, ISDN = 20, RT = 21, NSAP = 22, NSAP_PTR = 23, SIG = 24, KEY = 25, PX = 26,
  GPOS = 27, AAAA = 28, LOC = 29, NXT = 30, SRV = 33, NAPTR = 35, KX = 36, CERT = 37,
  A6 = 38, DNAME = 39, APL = 42, DS = 43, SSHFP = 44, IPSECKEY = 45, RRSIG = 46, NSEC = 47,
  DNSKEY = 48, DHCID = 49, NSEC3 = 50, NSEC3PARAM = 51, TLSA = 52, SMIMEA = 53, HIP = 55,
  CDS = 59, CDNSKEY = 60, OPENPGPKEY = 61, CSYNC = 62, ZONEMD = 63, SVCB = 64, HTTPS = 65,
  SPF = 99, NID = 104, L32 = 105, L64 = 106, LP = 107, EUI48 = 108, EUI64 = 109,
  URI = 256, CAA = 257, AVC = 258, DLV = 32769,
};

inline constexpr std::uint16_t class_IN = 1;

inline constexpr std::uint16_t to_u16(RrType t) noexcept { return static_cast<std::uint16_t>(t); }

// "A", "NSEC3PARAM", or "TYPE65280" for types without a mnemonic here.
std::string type_to_string(RrType type);
// Types whose mnemonic a common reader rejects (Knot 3.2: MB, MG, MR, PX,
// NULL, SIG, DLV, ...; BIND 9.18: MD, MF) print as TYPEnnn, so zone output
// loads everywhere; see type_prints_as_mnemonic().
bool type_prints_as_mnemonic(RrType type) noexcept;
// The IANA mnemonic whenever there is one (for messages), else "TYPEnnn".
std::string type_mnemonic(RrType type);
// Accepts mnemonics case-insensitively and the generic "TYPEnnn" form.
std::optional<RrType> type_from_string(std::string_view text);

// "IN", "CH", "HS", "CS" or "CLASSnnn"; parsing accepts both forms.
std::string class_to_string(std::uint16_t rclass);
std::optional<std::uint16_t> class_from_string(std::string_view text);

// Types that are DNSSEC bookkeeping, regenerated on every signing run, and so
// dropped from the input (RFC 4034/5155/7344).
bool is_dnssec_generated_type(RrType type) noexcept;

}  // namespace zs
