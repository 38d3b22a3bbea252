// The per-type RDATA descriptor table (private to the dns layer).
//
// Each known RR type is one row: the list of its fields in wire order. The
// generic code in rdata.cpp walks a row to parse presentation tokens, check
// and print wire data, derive the canonical form (RFC 4034 §6.2, RFC 6840
// §5.1) and collect target names, so a new type is one row here.
// Field formats follow RFC 1035 §3.3 and §5.1, RFC 3597 (generic form and
// which names are compressible), RFC 4034 (DNSSEC), RFC 5155 (NSEC3),
// RFC 1876 (LOC), RFC 9460 (SVCB/HTTPS) and the RFC of each other type.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

#include "dns/rrtype.hpp"

namespace zs::rdata_detail {

enum class FieldKind : std::uint8_t {
  name,         // domain name, uncompressed wire form, spelling kept
  u8,
  u16,
  u32,
  ttl,          // u32; text accepts TTL units ("1h30m") as BIND does
  time,         // u32 RRSIG time: YYYYMMDDHHmmSS or a plain integer (RFC 4034 §3.2)
  rrtype,       // u16 RR type, as a mnemonic or TYPEnnn
  algorithm,    // u8 DNSSEC algorithm, number or mnemonic (printed as number)
  cert_type,    // u16 CERT type, number or mnemonic (RFC 4398 §2.1)
  text,         // one <character-string>: length octet + up to 255 octets
  text_list,    // one or more <character-string>s up to the end (TXT)
  text_rest,    // octets up to the end, printed as one quoted string (URI, CAA value)
  caa_tag,      // length octet + non-empty alphanumeric tag, printed bare (RFC 8659)
  base64,       // non-empty, up to the end; text may be split across tokens
  hex,          // non-empty, up to the end; text may be split across tokens
  salt,         // length octet + octets; text is hex, "-" for empty (RFC 5155 §3.3)
  base32hex8,   // length octet + octets; text is base32hex (RFC 5155 §3.3)
  ipv4,
  ipv6,
  bitmap,       // RFC 4034 §4.1.2 type bitmap up to the end; zero or more type tokens
  svcb_params,  // RFC 9460 SvcParams up to the end
  loc,          // the whole RFC 1876 LOC RDATA (16 octets, version 0)
  eui48,        // RFC 7043 xx-xx-xx-xx-xx-xx
  eui64,        // RFC 7043 xx-xx-xx-xx-xx-xx-xx-xx
  ilnp64,       // RFC 6742 four groups of hex, xxxx:xxxx:xxxx:xxxx
  text_opt,     // an optional last <character-string> (ISDN subaddress)
  nxt_bitmap,   // RFC 2535 §5.2 bitmap of types 1-127, up to the end
  // Whole-RDATA kinds whose layout depends on their own contents
  // (rdata_misc.cpp):
  wks,          // RFC 1035 §3.4.2 address, protocol, port bitmap
  nsap,         // RFC 1706 §5 "0x" hex with optional dots
  a6,           // RFC 2874 §3.1 prefix length, address suffix, prefix name
  apl,          // RFC 3123 §4 [!]afi:address/prefix items
  ipseckey,     // RFC 4025 §3 precedence, gateway type, algorithm, gateway, key
  hip,          // RFC 8005 §5 algorithm, HIT, public key, rendezvous servers
};

struct Field {
  FieldKind kind;
  // For names: the name points at another host whose data a zone check may
  // look for (rdata_names).
  bool target = false;
  // For names: RFC 3597 §4 lists it as compressible in messages.
  bool compressible = false;
};

// A rule across fields that the field walk cannot see (a digest length that
// depends on the digest type), reported against one field.
struct FieldProblem {
  std::size_t field;  // index into Descriptor::fields
  std::string message;
};
using TypeCheck = std::optional<FieldProblem> (*)(BytesView rdata);

struct Descriptor {
  RrType type;
  // RFC 4034 §6.2 / RFC 6840 §5.1: the names in this type's RDATA are
  // lower-cased in the canonical form.
  bool lowercase_names;
  std::span<const Field> fields;
  // Runs on RDATA whose fields are well formed; nullptr when none.
  TypeCheck check = nullptr;
};

// No type has more fields than this (RRSIG and SIG have 9).
inline constexpr std::size_t max_fields = 12;

// nullptr for types that only have the RFC 3597 generic form.
const Descriptor* find_descriptor(RrType type) noexcept;

}  // namespace zs::rdata_detail
