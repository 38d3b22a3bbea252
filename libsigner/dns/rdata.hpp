// RDATA of every supported type: presentation <-> wire, and canonical form.
//
// One descriptor per type (rdata_descriptors.cpp) lists its fields; parsing,
// printing and canonicalisation are driven by that table, so adding a type is
// one table row. Types without a descriptor use the RFC 3597 generic form
// ("\# len hex"), which is also accepted for every known type.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "dns/name.hpp"
#include "dns/rrtype.hpp"

namespace zs {

// One token of a zone-file line, as the lexer found it.
struct Token {
  std::string text;   // unquoted; escapes are left as written (\DDD, \X)
  bool quoted = false;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// Parses the RDATA tokens of one record of `type`. Relative names are
// completed with `origin`. Errors carry the line/column of the offending token
// in Error::where (file left empty; the parser fills it in).
// Codes: bad_rdata, bad_name, label_too_long, name_too_long, text_too_long.
// An SVCB/HTTPS SvcParam may come as one token (`alpn="h2,h3"`, quotes kept
// in the text) or split where a quote opens (`alpn=` then the quoted token).
// Multi-token fields (base64, hex, type bitmaps, TXT strings, LOC) take the
// tokens as the lexer split them, parentheses already removed.
Result<Bytes> rdata_from_tokens(RrType type, std::span<const Token> tokens, const Name& origin);

// Presentation form of the RDATA, fields separated by one space, names
// absolute. Falls back to "\# len hex" when the wire data is malformed for
// the type, so printing never fails and never loses data.
// Types that print as TYPEnnn (see type_prints_as_mnemonic) always use the
// generic form, as RFC 3597 §5 requires, so output loads in every reader.
std::string rdata_to_string(RrType type, BytesView rdata);

// Checks that the wire RDATA is well formed for the type.
Result<void> validate_rdata(RrType type, BytesView rdata);

// RFC 4034 §6.2 as amended by RFC 6840 §5.1: the domain names embedded in
// RDATA of NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR, MINFO, MX, RP, AFSDB, RT,
// SIG, PX, NXT, NAPTR, KX, SRV, DNAME, A6, RRSIG are lower-cased (NSEC is not).
Bytes canonical_rdata(RrType type, BytesView rdata);

// Domain names embedded in the RDATA of the types that name other hosts
// (NS, MX, SRV, CNAME, DNAME, ... target), in wire order; empty for others.
// The root name is left out: as a target it names no host ("." in a null MX,
// RFC 7505; a NAPTR without replacement; an SVCB TargetName standing for
// the owner or for "no service", RFC 9460 §2.5).
std::vector<Name> rdata_names(RrType type, BytesView rdata);

// RFC 4034 §4.1.2 type bitmap, used by NSEC, NSEC3 and CSYNC.
Bytes encode_type_bitmap(std::span<const RrType> sorted_unique_types);
Result<std::vector<RrType>> decode_type_bitmap(BytesView bitmap);

}  // namespace zs
