// Helpers shared by the RDATA field parsers and printers (private to the dns
// layer): token positions, <character-string> escapes (RFC 1035 §5.1),
// numbers and addresses, and the two field kinds complex enough for a file of
// their own: SVCB/HTTPS SvcParams (RFC 9460, rdata_svcb.cpp) and LOC
// (RFC 1876, rdata_loc.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "dns/rdata.hpp"

namespace zs::rdata_detail {

inline Location token_location(const Token& t) { return Location{std::string(), t.line, t.column}; }
inline std::unexpected<Error> token_error(Errc code, std::string message, const Token& t) {
  return fail(code, std::move(message), token_location(t));
}

// Decodes \DDD and \X escapes of a token as written. No length limit here;
// callers enforce the 255-octet limit of <character-string>s.
Result<Bytes> decode_escapes(std::string_view text, const Token& where);
// As decode_escapes, appending to `out` (on an error, `out` may hold part of
// the text: the caller drops the RDATA).
Result<void> append_decoded(std::string_view text, const Token& where, Bytes& out);
// Appends `data` between double quotes, escaping '"' and '\' with a
// backslash and non-printable octets as \DDD.
void append_quoted(std::string& out, BytesView data);
// As append_quoted, without the surrounding quotes.
void append_escaped(std::string& out, BytesView data);

// Plain decimal, no sign, at most `max`.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max);

// TTL-like values: a plain number or unit groups ("1h30m", "2w").
std::optional<std::uint32_t> parse_ttl_value(std::string_view text);
// RRSIG times: YYYYMMDDHHmmSS (UTC) or seconds since the epoch; dates past
// 2106 wrap modulo 2^32 (RFC 4034 §3.2).
std::optional<std::uint32_t> parse_rrsig_time(std::string_view text);
// YYYYMMDDHHmmSS in the 1970-2106 window.
std::string rrsig_time_to_string(std::uint32_t t);

bool parse_ipv4(std::string_view text, Bytes& out);
bool parse_ipv6(std::string_view text, Bytes& out);
std::string ipv4_to_string(const std::uint8_t* p);
std::string ipv6_to_string(const std::uint8_t* p);

// SvcParams (RFC 9460 §2.2, Appendix A): `tokens` are all tokens after the
// TargetName. Appends the params in wire order (sorted by key).
Result<void> parse_svcb_params(std::span<const Token> tokens, Bytes& out);
// Wire checks of RFC 9460 §2.2 and the value formats of the known keys.
Result<void> check_svcb_params(BytesView params);
// Presentation form of valid params (keys in wire order), "" when none.
std::string svcb_params_to_string(BytesView params);

// LOC (RFC 1876 §3 text form and §2 wire form).
Result<void> parse_loc(std::span<const Token> tokens, Bytes& out);
Result<void> check_loc(BytesView rdata);
// "" when the RDATA has no exact text form (the caller prints it generically).
std::string loc_to_string(BytesView rdata);

// Whole-RDATA kinds of rdata_misc.cpp: WKS, NSAP, A6, APL, IPSECKEY, HIP.
// `kind` selects the type; each parses all RDATA tokens, checks wire data and
// prints checked wire data ("" when there is no native text that all common
// readers take: an APL without items, an IPSECKEY without a key).
enum class MiscKind : std::uint8_t { wks, nsap, a6, apl, ipseckey, hip };
Result<void> parse_misc(MiscKind kind, std::span<const Token> tokens, const Name& origin, Bytes& out);
Result<void> check_misc(MiscKind kind, BytesView rdata);
std::string misc_to_string(MiscKind kind, BytesView rdata);
// Offset of the prefix name in checked A6 RDATA, or 0 when there is none
// (A6 is on the RFC 4034 §6.2 list of types whose names are lower-cased).
std::size_t a6_name_offset(BytesView rdata);

}  // namespace zs::rdata_detail
