// Generic RDATA engine: walks the descriptor of a type (rdata_descriptors.cpp)
// to parse tokens, check and print wire data, and derive canonical forms.
#include "dns/rdata.hpp"

#include <algorithm>
#include <array>

#include "core/encoding.hpp"
#include "dns/rdata_descriptors.hpp"
#include "dns/rdata_fields.hpp"

namespace zs {

using namespace rdata_detail;


namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(static_cast<std::uint8_t>(a[i])) != ascii_lower(static_cast<std::uint8_t>(b[i])))
      return false;
  return true;
}

struct Mnemonic {
  std::uint16_t value;
  std::string_view name;
};

// IANA "DNS Security Algorithm Numbers"; input may use these, output is numeric.
constexpr Mnemonic algorithm_mnemonics[] = {
    {1, "RSAMD5"},           {2, "DH"},               {3, "DSA"},
    {5, "RSASHA1"},          {6, "DSA-NSEC3-SHA1"},   {7, "RSASHA1-NSEC3-SHA1"},
    {8, "RSASHA256"},        {10, "RSASHA512"},       {12, "ECC-GOST"},
    {13, "ECDSAP256SHA256"}, {14, "ECDSAP384SHA384"}, {15, "ED25519"},
    {16, "ED448"},           {252, "INDIRECT"},       {253, "PRIVATEDNS"},
    {254, "PRIVATEOID"},
};

// RFC 4398 §2.1 certificate types.
constexpr Mnemonic cert_mnemonics[] = {
    {1, "PKIX"},   {2, "SPKI"},    {3, "PGP"},    {4, "IPKIX"}, {5, "ISPKI"},
    {6, "IPGP"},   {7, "ACPKIX"},  {8, "IACPKIX"}, {253, "URI"}, {254, "OID"},
};

template <std::size_t N>
std::optional<std::uint16_t> number_or_mnemonic(std::string_view text, const Mnemonic (&table)[N],
                                                std::uint64_t max) {
  if (auto v = parse_decimal(text, max)) return static_cast<std::uint16_t>(*v);
  for (const auto& m : table)
    if (iequals(m.name, text)) return m.value;
  return std::nullopt;
}

std::optional<MiscKind> misc_kind(FieldKind kind) {
  switch (kind) {
    case FieldKind::wks: return MiscKind::wks;
    case FieldKind::nsap: return MiscKind::nsap;
    case FieldKind::a6: return MiscKind::a6;
    case FieldKind::apl: return MiscKind::apl;
    case FieldKind::ipseckey: return MiscKind::ipseckey;
    case FieldKind::hip: return MiscKind::hip;
    default: return std::nullopt;
  }
}

// A cursor over the RDATA tokens of one record.
class Cursor {
 public:
  explicit Cursor(std::span<const Token> tokens) : tokens_(tokens) {}
  bool at_end() const { return pos_ >= tokens_.size(); }
  Result<const Token*> next(std::string_view what) {
    if (at_end()) return missing(what);
    return &tokens_[pos_++];
  }
  // All tokens left (possibly none), consumed.
  std::span<const Token> rest() {
    auto r = tokens_.subspan(pos_);
    pos_ = tokens_.size();
    return r;
  }
  Result<std::span<const Token>> rest_nonempty(std::string_view what) {
    if (at_end()) return missing(what);
    return rest();
  }
  std::unexpected<Error> missing(std::string_view what) const {
    std::string msg = "missing " + std::string(what) + " in RDATA";
    // No token to blame: point at the last one, or leave the position to
    // the caller (who knows where the record starts).
    if (tokens_.empty()) return fail(Errc::bad_rdata, std::move(msg));
    return token_error(Errc::bad_rdata, std::move(msg), tokens_.back());
  }
  const Token* peek() const { return at_end() ? nullptr : &tokens_[pos_]; }
  std::size_t position() const { return pos_; }

 private:
  std::span<const Token> tokens_;
  std::size_t pos_ = 0;
};

std::string join_tokens(std::span<const Token> tokens) {
  std::string s;
  for (const auto& t : tokens) s += t.text;
  return s;
}

Result<void> parse_u(Cursor& cur, Bytes& out, int octets, std::string_view what) {
  auto t = cur.next(what);
  if (!t) return std::unexpected(t.error());
  std::uint64_t max = octets == 1 ? 0xff : octets == 2 ? 0xffff : 0xffffffffu;
  auto v = parse_decimal((*t)->text, max);
  if (!v)
    return token_error(Errc::bad_rdata,
                       "expected " + std::string(what) + " (0.." + std::to_string(max) + "), got '" + (*t)->text + "'",
                       **t);
  if (octets == 1) put_u8(out, static_cast<std::uint8_t>(*v));
  else if (octets == 2) put_u16(out, static_cast<std::uint16_t>(*v));
  else put_u32(out, static_cast<std::uint32_t>(*v));
  return {};
}

Result<void> parse_text_field(const Token& t, Bytes& out) {
  // Decoded in place after its length octet, which is filled in last.
  const std::size_t length_at = out.size();
  put_u8(out, 0);
  if (auto r = append_decoded(t.text, t, out); !r) return r;
  const std::size_t length = out.size() - length_at - 1;
  if (length > 255)
    return token_error(Errc::text_too_long, "character-string of " + std::to_string(length) + " octets (limit 255)", t);
  out[length_at] = static_cast<std::uint8_t>(length);
  return {};
}

Result<void> parse_field(FieldKind kind, Cursor& cur, Bytes& out, const Name& origin) {
  using K = FieldKind;
  switch (kind) {
    case K::name: {
      auto t = cur.next("domain name");
      if (!t) return std::unexpected(t.error());
      if (auto r = Name::parse_to_wire((*t)->text, &origin, out); !r) {
        Error e = std::move(r.error());
        e.where = token_location(**t);
        return std::unexpected(std::move(e));
      }
      return {};
    }
    case K::u8: return parse_u(cur, out, 1, "8-bit number");
    case K::u16: return parse_u(cur, out, 2, "16-bit number");
    case K::u32: return parse_u(cur, out, 4, "32-bit number");
    case K::ttl: {
      auto t = cur.next("time value");
      if (!t) return std::unexpected(t.error());
      auto v = parse_ttl_value((*t)->text);
      if (!v) return token_error(Errc::bad_rdata, "bad time value '" + (*t)->text + "'", **t);
      put_u32(out, *v);
      return {};
    }
    case K::time: {
      auto t = cur.next("signature time");
      if (!t) return std::unexpected(t.error());
      auto v = parse_rrsig_time((*t)->text);
      if (!v)
        return token_error(Errc::bad_rdata, "bad signature time '" + (*t)->text + "' (YYYYMMDDHHmmSS or seconds)",
                           **t);
      put_u32(out, *v);
      return {};
    }
    case K::rrtype: {
      auto t = cur.next("type");
      if (!t) return std::unexpected(t.error());
      auto v = type_from_string((*t)->text);
      if (!v) return token_error(Errc::bad_rdata, "unknown type '" + (*t)->text + "'", **t);
      put_u16(out, to_u16(*v));
      return {};
    }
    case K::algorithm: {
      auto t = cur.next("algorithm");
      if (!t) return std::unexpected(t.error());
      auto v = number_or_mnemonic((*t)->text, algorithm_mnemonics, 255);
      if (!v) return token_error(Errc::bad_rdata, "unknown algorithm '" + (*t)->text + "'", **t);
      put_u8(out, static_cast<std::uint8_t>(*v));
      return {};
    }
    case K::cert_type: {
      auto t = cur.next("certificate type");
      if (!t) return std::unexpected(t.error());
      auto v = number_or_mnemonic((*t)->text, cert_mnemonics, 65535);
      if (!v) return token_error(Errc::bad_rdata, "unknown certificate type '" + (*t)->text + "'", **t);
      put_u16(out, *v);
      return {};
    }
    case K::text: {
      auto t = cur.next("character-string");
      if (!t) return std::unexpected(t.error());
      return parse_text_field(**t, out);
    }
    case K::text_list: {
      auto ts = cur.rest_nonempty("character-string");
      if (!ts) return std::unexpected(ts.error());
      for (const Token& t : *ts)
        if (auto r = parse_text_field(t, out); !r) return r;
      return {};
    }
    case K::text_rest: {
      auto t = cur.next("quoted string");
      if (!t) return std::unexpected(t.error());
      auto data = decode_escapes((*t)->text, **t);
      if (!data) return std::unexpected(data.error());
      put_bytes(out, *data);
      return {};
    }
    case K::caa_tag: {
      auto t = cur.next("property tag");
      if (!t) return std::unexpected(t.error());
      const std::string& s = (*t)->text;
      bool ok = !s.empty() && s.size() <= 255 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      });
      if (!ok) return token_error(Errc::bad_rdata, "CAA tag must be 1-255 letters and digits", **t);
      put_u8(out, static_cast<std::uint8_t>(s.size()));
      put_bytes(out, to_bytes(s));
      return {};
    }
    case K::base64: {
      auto ts = cur.rest_nonempty("base64 data");
      if (!ts) return std::unexpected(ts.error());
      auto data = from_base64(join_tokens(*ts));
      if (!data || data->empty()) return token_error(Errc::bad_rdata, "bad base64 data", ts->front());
      put_bytes(out, *data);
      return {};
    }
    case K::hex: {
      auto ts = cur.rest_nonempty("hex data");
      if (!ts) return std::unexpected(ts.error());
      auto data = from_hex(join_tokens(*ts));
      if (!data || data->empty()) return token_error(Errc::bad_rdata, "bad hex data", ts->front());
      put_bytes(out, *data);
      return {};
    }
    case K::salt: {
      auto t = cur.next("salt");
      if (!t) return std::unexpected(t.error());
      if ((*t)->text == "-") {
        put_u8(out, 0);
        return {};
      }
      auto data = from_hex((*t)->text);
      if (!data || data->empty() || data->size() > 255)
        return token_error(Errc::bad_rdata, "salt must be '-' or 1-255 octets of hex", **t);
      put_u8(out, static_cast<std::uint8_t>(data->size()));
      put_bytes(out, *data);
      return {};
    }
    case K::base32hex8: {
      auto t = cur.next("next hashed owner name");
      if (!t) return std::unexpected(t.error());
      auto data = from_base32hex((*t)->text);
      if (!data || data->empty() || data->size() > 255)
        return token_error(Errc::bad_rdata, "bad base32hex hash '" + (*t)->text + "'", **t);
      put_u8(out, static_cast<std::uint8_t>(data->size()));
      put_bytes(out, *data);
      return {};
    }
    case K::ipv4: {
      auto t = cur.next("IPv4 address");
      if (!t) return std::unexpected(t.error());
      if (!parse_ipv4((*t)->text, out))
        return token_error(Errc::bad_rdata, "bad IPv4 address '" + (*t)->text + "'", **t);
      return {};
    }
    case K::ipv6: {
      auto t = cur.next("IPv6 address");
      if (!t) return std::unexpected(t.error());
      if (!parse_ipv6((*t)->text, out))
        return token_error(Errc::bad_rdata, "bad IPv6 address '" + (*t)->text + "'", **t);
      return {};
    }
    case K::bitmap: {
      std::vector<RrType> types;
      for (const Token& t : cur.rest()) {
        auto v = type_from_string(t.text);
        if (!v) return token_error(Errc::bad_rdata, "unknown type '" + t.text + "' in type bitmap", t);
        types.push_back(*v);
      }
      std::sort(types.begin(), types.end(), [](RrType a, RrType b) { return to_u16(a) < to_u16(b); });
      types.erase(std::unique(types.begin(), types.end()), types.end());
      put_bytes(out, encode_type_bitmap(types));
      return {};
    }
    case K::svcb_params: return parse_svcb_params(cur.rest(), out);
    case K::loc: return parse_loc(cur.rest(), out);
    case K::nxt_bitmap: {
      std::array<std::uint8_t, 16> bits{};
      std::size_t length = 0;
      for (const Token& t : cur.rest()) {
        auto v = type_from_string(t.text);
        if (!v || to_u16(*v) == 0 || to_u16(*v) > 127)
          return token_error(Errc::bad_rdata, "NXT bitmaps hold types 1-127, not '" + t.text + "'", t);
        std::uint16_t n = to_u16(*v);
        bits[n / 8] |= static_cast<std::uint8_t>(0x80 >> (n % 8));
        length = std::max<std::size_t>(length, n / 8 + 1u);
      }
      out.insert(out.end(), bits.begin(), bits.begin() + static_cast<std::ptrdiff_t>(length));
      return {};
    }
    case K::text_opt: {
      if (cur.at_end()) return {};
      return parse_text_field(*cur.next("character-string").value(), out);
    }
    case K::wks:
    case K::nsap:
    case K::a6:
    case K::apl:
    case K::ipseckey:
    case K::hip: return parse_misc(*misc_kind(kind), cur.rest(), origin, out);
    case K::eui48:
    case K::eui64: {
      std::size_t groups = kind == K::eui48 ? 6 : 8;
      auto t = cur.next("EUI address");
      if (!t) return std::unexpected(t.error());
      const std::string& s = (*t)->text;
      Bytes data;
      bool ok = s.size() == groups * 3 - 1;
      for (std::size_t g = 0; ok && g < groups; ++g) {
        if (g > 0 && s[g * 3 - 1] != '-') ok = false;
        auto b = ok ? from_hex(std::string_view(s).substr(g * 3, 2)) : std::nullopt;
        if (!b) ok = false;
        else data.push_back((*b)[0]);
      }
      if (!ok) return token_error(Errc::bad_rdata, "bad EUI address '" + s + "' (xx-xx-...)", **t);
      put_bytes(out, data);
      return {};
    }
    case K::ilnp64: {
      auto t = cur.next("locator");
      if (!t) return std::unexpected(t.error());
      std::string_view s = (*t)->text;
      Bytes data;
      std::size_t start = 0;
      bool ok = true;
      for (int g = 0; ok && g < 4; ++g) {
        std::size_t end = g < 3 ? s.find(':', start) : s.size();
        if (end == std::string_view::npos || end == start || end - start > 4) {
          ok = false;
          break;
        }
        std::string group = std::string(4 - (end - start), '0') + std::string(s.substr(start, end - start));
        auto b = from_hex(group);
        if (!b) ok = false;
        else put_bytes(data, *b);
        start = end + 1;
      }
      if (!ok) return token_error(Errc::bad_rdata, "bad locator '" + (*t)->text + "' (xxxx:xxxx:xxxx:xxxx)", **t);
      put_bytes(out, data);
      return {};
    }
  }
  return fail(Errc::internal, "unhandled RDATA field kind");
}

// ---- wire side

std::unexpected<Error> malformed(std::string what) { return fail(Errc::bad_rdata, std::move(what)); }

// Offset just past a well-formed uncompressed name starting at `pos`.
Result<std::size_t> name_end(BytesView rd, std::size_t pos) {
  std::size_t start = pos;
  while (true) {
    if (pos >= rd.size()) return malformed("name runs past the end of the RDATA");
    std::uint8_t len = rd[pos];
    if (len > Name::max_label_length) return malformed("bad label length (compressed name in RDATA?)");
    pos += 1u + len;
    if (pos - start > Name::max_wire_length) return malformed("name longer than 255 octets");
    if (len == 0) return pos;
  }
}

// Offset just past the field of `kind` starting at `pos`, after checking it.
Result<std::size_t> field_end(FieldKind kind, BytesView rd, std::size_t pos) {
  using K = FieldKind;
  auto fixed = [&](std::size_t n) -> Result<std::size_t> {
    if (rd.size() - pos < n) return malformed("RDATA too short");
    return pos + n;
  };
  auto counted = [&]() -> Result<std::size_t> {
    if (pos >= rd.size()) return malformed("RDATA too short");
    return fixed(1u + rd[pos]);
  };
  switch (kind) {
    case K::name: return name_end(rd, pos);
    case K::u8:
    case K::algorithm: return fixed(1);
    case K::u16:
    case K::rrtype:
    case K::cert_type: return fixed(2);
    case K::u32:
    case K::ttl:
    case K::time:
    case K::ipv4: return fixed(4);
    case K::ipv6: return fixed(16);
    case K::eui48: return fixed(6);
    case K::eui64:
    case K::ilnp64: return fixed(8);
    case K::text: return counted();
    case K::salt: return counted();
    case K::base32hex8: {
      if (pos < rd.size() && rd[pos] == 0) return malformed("empty next hashed owner name");
      return counted();
    }
    case K::caa_tag: {
      auto end = counted();
      if (!end) return end;
      if (rd[pos] == 0) return malformed("empty CAA tag");
      for (std::size_t i = pos + 1; i < *end; ++i) {
        std::uint8_t c = rd[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
          return malformed("CAA tag with a character other than a letter or digit");
      }
      return end;
    }
    case K::text_list: {
      if (pos >= rd.size()) return malformed("no character-string");
      while (pos < rd.size()) {
        auto end = counted();
        if (!end) return end;
        pos = *end;
      }
      return pos;
    }
    case K::text_rest: return rd.size();
    case K::base64:
    case K::hex:
      if (pos >= rd.size()) return malformed("empty data field");
      return rd.size();
    case K::bitmap: {
      auto types = decode_type_bitmap(rd.subspan(pos));
      if (!types) return std::unexpected(types.error());
      return rd.size();
    }
    case K::svcb_params: {
      if (auto r = check_svcb_params(rd.subspan(pos)); !r) return std::unexpected(r.error());
      return rd.size();
    }
    case K::loc: {
      if (auto r = check_loc(rd.subspan(pos)); !r) return std::unexpected(r.error());
      return rd.size();
    }
    case K::text_opt:
      if (pos == rd.size()) return pos;
      return counted();
    case K::nxt_bitmap: {
      std::size_t length = rd.size() - pos;
      // RFC 2535 §5.2: bit 0 set would announce another bitmap format; the
      // map is as short as its highest type allows.
      if (length > 16 || (length > 0 && ((rd[pos] & 0x80) || rd.back() == 0)))
        return malformed("bad NXT type bitmap");
      return rd.size();
    }
    case K::wks:
    case K::nsap:
    case K::a6:
    case K::apl:
    case K::ipseckey:
    case K::hip: {
      if (auto r = check_misc(*misc_kind(kind), rd.subspan(pos)); !r) return std::unexpected(r.error());
      return rd.size();
    }
  }
  return malformed("unhandled field kind");
}

// Presentation of one checked field occupying `f`.
// Presentation of one checked field occupying `f`; nullopt when the field
// has no native text that every common reader takes back exactly, so the
// whole RDATA must be printed in the generic form instead.
std::optional<std::string> field_to_string(FieldKind kind, BytesView f) {
  using K = FieldKind;
  std::string out;
  switch (kind) {
    case K::name: return Name::from_wire(f).value().to_string();
    case K::u8:
    case K::algorithm: return std::to_string(f[0]);
    case K::u16:
    case K::cert_type: return std::to_string(get_u16(f.data()));
    case K::rrtype: return type_to_string(static_cast<RrType>(get_u16(f.data())));
    case K::u32:
    case K::ttl: return std::to_string(get_u32(f.data()));
    case K::time: return rrsig_time_to_string(get_u32(f.data()));
    case K::text: append_quoted(out, f.subspan(1)); return out;
    case K::text_list: {
      std::size_t pos = 0;
      while (pos < f.size()) {
        if (pos > 0) out += ' ';
        append_quoted(out, f.subspan(pos + 1, f[pos]));
        pos += 1u + f[pos];
      }
      return out;
    }
    case K::text_rest: append_quoted(out, f); return out;
    case K::caa_tag:
      // NSD 4.6 rejects upper-case tags, which RFC 8659 §4.1 matches
      // case-insensitively; the generic form keeps the octets for all.
      if (std::any_of(f.begin() + 1, f.end(), [](std::uint8_t c) { return c >= 'A' && c <= 'Z'; }))
        return std::nullopt;
      return std::string(f.begin() + 1, f.end());
    case K::base64: return to_base64(f);
    case K::hex: return to_hex(f);
    case K::salt: return f.size() == 1 ? "-" : to_hex(f.subspan(1));
    case K::base32hex8: return to_base32hex(f.subspan(1));
    case K::ipv4: return ipv4_to_string(f.data());
    case K::ipv6: return ipv6_to_string(f.data());
    case K::bitmap: {
      std::vector<RrType> types = decode_type_bitmap(f).value();
      for (RrType t : types) {
        if (!out.empty()) out += ' ';
        out += type_to_string(t);
      }
      return out;
    }
    case K::svcb_params: return svcb_params_to_string(f);
    case K::loc:
      out = loc_to_string(f);
      if (out.empty()) return std::nullopt;
      return out;
    case K::text_opt:
      if (!f.empty()) append_quoted(out, f.subspan(1));
      return out;
    case K::nxt_bitmap:
      for (std::size_t i = 0; i < f.size() * 8; ++i) {
        if (!(f[i / 8] & (0x80 >> (i % 8)))) continue;
        if (!out.empty()) out += ' ';
        out += type_to_string(static_cast<RrType>(i));
      }
      return out;
    case K::wks:
    case K::nsap:
    case K::a6:
    case K::apl:
    case K::ipseckey:
    case K::hip:
      out = misc_to_string(*misc_kind(kind), f);
      if (out.empty()) return std::nullopt;
      return out;
    case K::eui48:
    case K::eui64: {
      std::string hex = to_hex(f);
      for (std::size_t i = 0; i < f.size(); ++i) {
        if (i > 0) out += '-';
        out += static_cast<char>(ascii_lower(static_cast<std::uint8_t>(hex[2 * i])));
        out += static_cast<char>(ascii_lower(static_cast<std::uint8_t>(hex[2 * i + 1])));
      }
      return out;
    }
    case K::ilnp64: {
      std::string hex = to_hex(f);
      for (auto& c : hex) c = static_cast<char>(ascii_lower(static_cast<std::uint8_t>(c)));
      return hex.substr(0, 4) + ':' + hex.substr(4, 4) + ':' + hex.substr(8, 4) + ':' + hex.substr(12, 4);
    }
  }
  return out;
}

struct FieldSpan {
  const Field* field;
  std::size_t begin;
  std::size_t end;
};

// The fields of one RDATA, without heap allocation: canonical_rdata and
// validate_rdata run once per record on zones of millions of records.
struct FieldSpans {
  std::array<FieldSpan, max_fields> at{};
  std::size_t count = 0;
  const FieldSpan* begin() const { return at.data(); }
  const FieldSpan* end() const { return at.data() + count; }
};

// Splits checked RDATA into its fields, or fails if it does not fit.
Result<FieldSpans> split_fields(const Descriptor& d, BytesView rd) {
  FieldSpans spans;
  std::size_t pos = 0;
  for (const Field& f : d.fields) {
    auto end = field_end(f.kind, rd, pos);
    if (!end) return std::unexpected(end.error());
    spans.at[spans.count++] = {&f, pos, *end};
    pos = *end;
  }
  if (pos != rd.size()) return malformed(std::to_string(rd.size() - pos) + " trailing octets in RDATA");
  if (d.check)
    if (auto problem = d.check(rd)) return malformed(std::move(problem->message));
  return spans;
}

std::string generic_to_string(BytesView rd) {
  std::string out = "\\# " + std::to_string(rd.size());
  if (!rd.empty()) out += ' ' + to_hex(rd);
  return out;
}

Result<Bytes> parse_generic(RrType type, std::span<const Token> tokens) {
  // tokens[0] is "\#".
  if (tokens.size() < 2) return token_error(Errc::bad_rdata, "'\\#' needs an RDATA length", tokens[0]);
  auto len = parse_decimal(tokens[1].text, 65535);
  if (!len) return token_error(Errc::bad_rdata, "bad RDATA length '" + tokens[1].text + "'", tokens[1]);
  auto hex_tokens = tokens.subspan(2);
  Bytes data;
  if (*len == 0) {
    if (!hex_tokens.empty()) return token_error(Errc::bad_rdata, "data after '\\# 0'", hex_tokens.front());
  } else {
    if (hex_tokens.empty()) return token_error(Errc::bad_rdata, "missing hex RDATA after length", tokens[1]);
    auto d = from_hex(join_tokens(hex_tokens));
    if (!d) return token_error(Errc::bad_rdata, "bad hex RDATA", hex_tokens.front());
    if (d->size() != *len)
      return token_error(Errc::bad_rdata,
                         "RDATA length " + std::to_string(*len) + " but " + std::to_string(d->size()) +
                             " octets of data",
                         tokens[1]);
    data = std::move(*d);
  }
  if (find_descriptor(type)) {
    if (auto r = validate_rdata(type, data); !r) {
      Error e = std::move(r.error());
      e.where = token_location(tokens[0]);
      return std::unexpected(std::move(e));
    }
  }
  return data;
}

}  // namespace

Result<Bytes> rdata_from_tokens(RrType type, std::span<const Token> tokens, const Name& origin) {
  if (!tokens.empty() && !tokens[0].quoted && tokens[0].text == "\\#") return parse_generic(type, tokens);
  const Descriptor* d = find_descriptor(type);
  if (!d) {
    std::string msg = "type " + type_mnemonic(type) + " has only the generic form '\\# length hex' (RFC 3597)";
    if (tokens.empty()) return fail(Errc::bad_rdata, std::move(msg));
    return token_error(Errc::bad_rdata, std::move(msg), tokens[0]);
  }
  Cursor cur(tokens);
  Bytes out;
  out.reserve(64);  // most RDATA fits; spares the first few regrowths of every record
  std::array<std::size_t, max_fields> field_token{};  // first token of each field
  for (std::size_t i = 0; i < d->fields.size(); ++i) {
    const Field& f = d->fields[i];
    field_token[i] = cur.position();
    if (auto r = parse_field(f.kind, cur, out, origin); !r) return std::unexpected(r.error());
  }
  if (const Token* extra = cur.peek())
    return token_error(Errc::bad_rdata, "unexpected '" + extra->text + "' after the RDATA of " + type_mnemonic(type),
                       *extra);
  if (out.size() > 65535) return token_error(Errc::bad_rdata, "RDATA longer than 65535 octets", tokens[0]);
  if (d->check) {
    if (auto problem = d->check(out)) {
      std::size_t at = std::min(field_token[problem->field], tokens.size() - 1);
      return token_error(Errc::bad_rdata, std::move(problem->message), tokens[at]);
    }
  }
  return out;
}

Result<void> validate_rdata(RrType type, BytesView rdata) {
  if (rdata.size() > 65535) return malformed("RDATA longer than 65535 octets");
  const Descriptor* d = find_descriptor(type);
  if (!d) return {};
  auto spans = split_fields(*d, rdata);
  if (!spans) return std::unexpected(std::move(spans.error()).with_context("in " + type_mnemonic(type) + " RDATA"));
  return {};
}

std::string rdata_to_string(RrType type, BytesView rdata) {
  const Descriptor* d = find_descriptor(type);
  // A type printed as TYPEnnn needs the generic RDATA form (RFC 3597 §5).
  if (!d || !type_prints_as_mnemonic(type)) return generic_to_string(rdata);
  // ldns 1.8.3 cannot read a CSYNC without types in its native form.
  if (type == RrType::CSYNC && rdata.size() == 6) return generic_to_string(rdata);
  auto spans = split_fields(*d, rdata);
  if (!spans) return generic_to_string(rdata);
  std::string out;
  for (const auto& s : *spans) {
    auto f = field_to_string(s.field->kind, rdata.subspan(s.begin, s.end - s.begin));
    if (!f) return generic_to_string(rdata);
    if (f->empty()) continue;  // an empty bitmap or SvcParams list
    if (!out.empty()) out += ' ';
    out += *f;
  }
  return out;
}

Bytes canonical_rdata(RrType type, BytesView rdata) {
  Bytes out(rdata.begin(), rdata.end());
  const Descriptor* d = find_descriptor(type);
  if (!d || !d->lowercase_names) return out;
  auto spans = split_fields(*d, rdata);
  if (!spans) return out;  // malformed data has no canonical form; keep it as is
  for (const auto& s : *spans) {
    std::size_t pos = s.begin;
    if (s.field->kind == FieldKind::a6) {
      std::size_t at = a6_name_offset(rdata.subspan(s.begin));
      if (at == 0) continue;
      pos += at;
    } else if (s.field->kind != FieldKind::name) {
      continue;
    }
    while (out[pos] != 0) {
      std::size_t len = out[pos];
      for (std::size_t i = pos + 1; i <= pos + len; ++i) out[i] = ascii_lower(out[i]);
      pos += len + 1;
    }
  }
  return out;
}

std::vector<Name> rdata_names(RrType type, BytesView rdata) {
  std::vector<Name> names;
  const Descriptor* d = find_descriptor(type);
  if (!d) return names;
  auto spans = split_fields(*d, rdata);
  if (!spans) return names;
  for (const auto& s : *spans)
    if (s.field->kind == FieldKind::name && s.field->target && s.end - s.begin > 1)
      names.push_back(Name::from_wire(rdata.subspan(s.begin, s.end - s.begin)).value());
  return names;
}

Bytes encode_type_bitmap(std::span<const RrType> sorted_unique_types) {
  Bytes out;
  std::size_t i = 0;
  while (i < sorted_unique_types.size()) {
    std::uint8_t window = static_cast<std::uint8_t>(to_u16(sorted_unique_types[i]) >> 8);
    std::array<std::uint8_t, 32> bits{};
    std::size_t length = 0;
    for (; i < sorted_unique_types.size() && (to_u16(sorted_unique_types[i]) >> 8) == window; ++i) {
      std::uint8_t low = static_cast<std::uint8_t>(to_u16(sorted_unique_types[i]));
      bits[low / 8] |= static_cast<std::uint8_t>(0x80 >> (low % 8));
      length = std::max<std::size_t>(length, low / 8 + 1u);
    }
    put_u8(out, window);
    put_u8(out, static_cast<std::uint8_t>(length));
    out.insert(out.end(), bits.begin(), bits.begin() + static_cast<std::ptrdiff_t>(length));
  }
  return out;
}

Result<std::vector<RrType>> decode_type_bitmap(BytesView bitmap) {
  std::vector<RrType> types;
  std::size_t pos = 0;
  int last_window = -1;
  while (pos < bitmap.size()) {
    if (bitmap.size() - pos < 2) return malformed("truncated type bitmap window header");
    int window = bitmap[pos];
    std::size_t length = bitmap[pos + 1];
    if (window <= last_window) return malformed("type bitmap windows out of order");
    if (length < 1 || length > 32) return malformed("type bitmap window length outside 1..32");
    if (bitmap.size() - pos - 2 < length) return malformed("type bitmap window runs past the end");
    const std::uint8_t* bits = bitmap.data() + pos + 2;
    // RFC 4034 §4.1.2: trailing zero octets must be omitted.
    if (bits[length - 1] == 0) return malformed("type bitmap window with trailing zero octets");
    for (std::size_t octet = 0; octet < length; ++octet)
      for (int bit = 0; bit < 8; ++bit)
        if (bits[octet] & (0x80 >> bit))
          types.push_back(static_cast<RrType>((window << 8) | static_cast<int>(octet * 8 + static_cast<unsigned>(bit))));
    last_window = window;
    pos += 2 + length;
  }
  return types;
}

}  // namespace zs
