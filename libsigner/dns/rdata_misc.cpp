// Types whose RDATA layout depends on its own contents, so that they do not
// fit the field-by-field walk of the descriptor table: WKS (RFC 1035 §3.4.2),
// NSAP (RFC 1706 §5), A6 (RFC 2874 §3.1), APL (RFC 3123 §4), IPSECKEY
// (RFC 4025 §2-3) and HIP (RFC 8005 §5).
#include <algorithm>
#include <array>

#include "core/encoding.hpp"
#include "dns/rdata_fields.hpp"

namespace zs::rdata_detail {

namespace {

std::unexpected<Error> malformed(std::string what) { return fail(Errc::bad_rdata, std::move(what)); }

std::unexpected<Error> missing(std::span<const Token> tokens, std::string what) {
  std::string msg = "missing " + what + " in RDATA";
  if (tokens.empty()) return fail(Errc::bad_rdata, std::move(msg));
  return token_error(Errc::bad_rdata, std::move(msg), tokens.back());
}

Result<std::uint64_t> number(std::span<const Token> tokens, std::size_t i, std::uint64_t max, std::string what) {
  if (i >= tokens.size()) return missing(tokens, what);
  auto v = parse_decimal(tokens[i].text, max);
  if (!v) return token_error(Errc::bad_rdata, "bad " + what + " '" + tokens[i].text + "'", tokens[i]);
  return *v;
}

Result<void> put_name(const Token& t, const Name& origin, Bytes& out) {
  if (auto r = Name::parse_to_wire(t.text, &origin, out); !r) {
    Error e = std::move(r.error());
    e.where = token_location(t);
    return std::unexpected(std::move(e));
  }
  return {};
}

// Offset past an uncompressed name at `pos`, or 0 if there is none.
std::size_t name_end(BytesView rd, std::size_t pos) {
  std::size_t start = pos;
  while (pos < rd.size()) {
    std::uint8_t len = rd[pos];
    if (len > Name::max_label_length) return 0;
    pos += 1u + len;
    if (pos - start > Name::max_wire_length) return 0;
    if (len == 0) return pos <= rd.size() ? pos : 0;
  }
  return 0;
}

std::string name_at(BytesView rd, std::size_t begin, std::size_t end) {
  return Name::from_wire(rd.subspan(begin, end - begin)).value().to_string();
}

Result<void> too_many(std::span<const Token> tokens, std::size_t i) {
  if (i < tokens.size()) return token_error(Errc::bad_rdata, "unexpected '" + tokens[i].text + "'", tokens[i]);
  return {};
}

// ---- WKS: address protocol port...; protocols and ports as numbers (and
// "tcp"/"udp"), so the result never depends on the local services database.

Result<void> parse_wks(std::span<const Token> tokens, Bytes& out) {
  if (tokens.empty()) return missing(tokens, "address");
  if (!parse_ipv4(tokens[0].text, out)) return token_error(Errc::bad_rdata, "bad IPv4 address", tokens[0]);
  if (tokens.size() < 2) return missing(tokens, "protocol");
  std::uint64_t proto;
  if (tokens[1].text == "tcp" || tokens[1].text == "TCP") proto = 6;
  else if (tokens[1].text == "udp" || tokens[1].text == "UDP") proto = 17;
  else {
    auto p = number(tokens, 1, 255, "protocol");
    if (!p) return std::unexpected(p.error());
    proto = *p;
  }
  put_u8(out, static_cast<std::uint8_t>(proto));
  std::array<std::uint8_t, 8192> bits{};
  std::size_t length = 0;
  for (std::size_t i = 2; i < tokens.size(); ++i) {
    auto port = number(tokens, i, 65535, "port number");
    if (!port) return std::unexpected(port.error());
    bits[*port / 8] |= static_cast<std::uint8_t>(0x80 >> (*port % 8));
    length = std::max<std::size_t>(length, *port / 8 + 1);
  }
  out.insert(out.end(), bits.begin(), bits.begin() + static_cast<std::ptrdiff_t>(length));
  return {};
}

std::string wks_to_string(BytesView rd) {
  std::string out = ipv4_to_string(rd.data()) + ' ' + std::to_string(rd[4]);
  for (std::size_t i = 5; i < rd.size(); ++i)
    for (int b = 0; b < 8; ++b)
      if (rd[i] & (0x80 >> b)) out += ' ' + std::to_string((i - 5) * 8 + static_cast<std::size_t>(b));
  return out;
}

// ---- NSAP: "0x" followed by hex digits, dots allowed anywhere after it.

Result<void> parse_nsap(std::span<const Token> tokens, Bytes& out) {
  if (tokens.empty()) return missing(tokens, "NSAP address");
  std::string_view s = tokens[0].text;
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return token_error(Errc::bad_rdata, "NSAP address must start with 0x", tokens[0]);
  std::string digits;
  for (char c : s.substr(2))
    if (c != '.') digits += c;
  auto d = from_hex(digits);
  if (!d || d->empty()) return token_error(Errc::bad_rdata, "bad NSAP address", tokens[0]);
  put_bytes(out, *d);
  return too_many(tokens, 1);
}

// ---- A6: prefix length, the address bits below the prefix, prefix name.

std::size_t a6_suffix_octets(std::uint8_t prefix) { return (128u - prefix + 7u) / 8u; }

Result<void> parse_a6(std::span<const Token> tokens, const Name& origin, Bytes& out) {
  auto prefix = number(tokens, 0, 128, "prefix length");
  if (!prefix) return std::unexpected(prefix.error());
  put_u8(out, static_cast<std::uint8_t>(*prefix));
  std::size_t octets = a6_suffix_octets(static_cast<std::uint8_t>(*prefix));
  std::size_t i = 1;
  if (octets > 0) {
    if (i >= tokens.size()) return missing(tokens, "address suffix");
    Bytes addr;
    if (!parse_ipv6(tokens[i].text, addr)) return token_error(Errc::bad_rdata, "bad IPv6 address", tokens[i]);
    // Bits above the prefix length must be zero in the suffix (RFC 2874 §3.1).
    std::size_t first = 16 - octets;
    for (std::size_t k = 0; k < first; ++k)
      if (addr[k] != 0) return token_error(Errc::bad_rdata, "address suffix has bits inside the prefix", tokens[i]);
    unsigned pad = (8 - (128 - *prefix) % 8) % 8;
    if (pad && (addr[first] >> (8 - pad)) != 0)
      return token_error(Errc::bad_rdata, "address suffix has bits inside the prefix", tokens[i]);
    out.insert(out.end(), addr.begin() + static_cast<std::ptrdiff_t>(first), addr.end());
    ++i;
  }
  if (*prefix > 0) {
    if (i >= tokens.size()) return missing(tokens, "prefix name");
    if (auto r = put_name(tokens[i], origin, out); !r) return r;
    ++i;
  }
  return too_many(tokens, i);
}

Result<void> check_a6(BytesView rd) {
  if (rd.empty() || rd[0] > 128) return malformed("bad A6 prefix length");
  std::size_t end = 1 + a6_suffix_octets(rd[0]);
  if (rd.size() < end) return malformed("A6 address suffix runs past the end");
  if (rd[0] == 0) {
    if (rd.size() != end) return malformed("trailing octets in A6 RDATA");
    return {};
  }
  if (name_end(rd, end) != rd.size()) return malformed("bad A6 prefix name");
  return {};
}

std::string a6_to_string(BytesView rd) {
  std::size_t octets = a6_suffix_octets(rd[0]);
  std::string out = std::to_string(rd[0]);
  if (octets > 0) {
    std::array<std::uint8_t, 16> addr{};
    std::copy(rd.begin() + 1, rd.begin() + 1 + static_cast<std::ptrdiff_t>(octets), addr.end() - static_cast<std::ptrdiff_t>(octets));
    out += ' ' + ipv6_to_string(addr.data());
  }
  if (rd[0] > 0) out += ' ' + name_at(rd, 1 + octets, rd.size());
  return out;
}

// ---- APL: items "[!]afi:address/prefix", afi 1 (IPv4) or 2 (IPv6).

Result<void> parse_apl(std::span<const Token> tokens, Bytes& out) {
  for (const Token& t : tokens) {
    std::string_view s = t.text;
    bool negate = !s.empty() && s[0] == '!';
    if (negate) s.remove_prefix(1);
    std::size_t colon = s.find(':'), slash = s.rfind('/');
    auto bad = [&]() { return token_error(Errc::bad_rdata, "bad APL item '" + t.text + "'", t); };
    if (colon == std::string_view::npos || slash == std::string_view::npos || slash < colon) return bad();
    auto afi = parse_decimal(s.substr(0, colon), 65535);
    std::string_view address = s.substr(colon + 1, slash - colon - 1);
    Bytes addr;
    std::uint64_t max_prefix;
    if (afi == 1u && parse_ipv4(address, addr)) max_prefix = 32;
    else if (afi == 2u && parse_ipv6(address, addr)) max_prefix = 128;
    else return bad();
    auto prefix = parse_decimal(s.substr(slash + 1), max_prefix);
    if (!prefix) return bad();
    // RFC 3123 §4: trailing zero octets of the address are not sent.
    while (!addr.empty() && addr.back() == 0) addr.pop_back();
    put_u16(out, static_cast<std::uint16_t>(*afi));
    put_u8(out, static_cast<std::uint8_t>(*prefix));
    put_u8(out, static_cast<std::uint8_t>((negate ? 0x80 : 0) | addr.size()));
    put_bytes(out, addr);
  }
  return {};
}

Result<void> check_apl(BytesView rd) {
  std::size_t pos = 0;
  while (pos < rd.size()) {
    if (rd.size() - pos < 4) return malformed("truncated APL item");
    std::uint16_t afi = get_u16(rd.data() + pos);
    std::size_t len = rd[pos + 3] & 0x7f;
    std::size_t max_len = afi == 1 ? 4 : afi == 2 ? 16 : 0;
    if (max_len == 0) return malformed("APL address family other than 1 or 2");
    if (len > max_len || rd[pos + 2] > max_len * 8) return malformed("bad APL prefix or address length");
    if (rd.size() - pos - 4 < len) return malformed("APL address runs past the end");
    // RFC 3123 §4: trailing zero octets of AFDPART must not be sent.
    if (len > 0 && rd[pos + 4 + len - 1] == 0) return malformed("APL address with trailing zero octets");
    pos += 4 + len;
  }
  return {};
}

std::string apl_to_string(BytesView rd) {
  std::string out;
  std::size_t pos = 0;
  while (pos < rd.size()) {
    std::uint16_t afi = get_u16(rd.data() + pos);
    std::size_t len = rd[pos + 3] & 0x7f;
    std::array<std::uint8_t, 16> addr{};
    std::copy(rd.begin() + static_cast<std::ptrdiff_t>(pos + 4),
              rd.begin() + static_cast<std::ptrdiff_t>(pos + 4 + len), addr.begin());
    if (!out.empty()) out += ' ';
    if (rd[pos + 3] & 0x80) out += '!';
    out += std::to_string(afi) + ':';
    out += afi == 1 ? ipv4_to_string(addr.data()) : ipv6_to_string(addr.data());
    out += '/' + std::to_string(rd[pos + 2]);
    pos += 4 + len;
  }
  return out;
}

// ---- IPSECKEY: precedence gateway-type algorithm gateway [public-key]

Result<void> parse_ipseckey(std::span<const Token> tokens, const Name& origin, Bytes& out) {
  std::uint64_t v[3];
  const char* what[3] = {"precedence", "gateway type", "algorithm"};
  for (std::size_t i = 0; i < 3; ++i) {
    auto n = number(tokens, i, i == 1 ? 3 : 255, what[i]);
    if (!n) return std::unexpected(n.error());
    v[i] = *n;
    put_u8(out, static_cast<std::uint8_t>(*n));
  }
  if (tokens.size() < 4) return missing(tokens, "gateway");
  const Token& g = tokens[3];
  bool ok = true;
  switch (v[1]) {
    case 0: ok = g.text == "."; break;
    case 1: ok = parse_ipv4(g.text, out); break;
    case 2: ok = parse_ipv6(g.text, out); break;
    default:
      if (auto r = put_name(g, origin, out); !r) return r;
  }
  if (!ok) return token_error(Errc::bad_rdata, "gateway does not match its type", g);
  if (tokens.size() > 4) {
    std::string b64;
    for (const Token& t : tokens.subspan(4)) b64 += t.text;
    auto key = from_base64(b64);
    if (!key) return token_error(Errc::bad_rdata, "bad base64 public key", tokens[4]);
    put_bytes(out, *key);
  }
  return {};
}

// Offset of the public key in IPSECKEY RDATA, or 0 if malformed.
std::size_t ipseckey_key_offset(BytesView rd) {
  if (rd.size() < 3) return 0;
  switch (rd[1]) {
    case 0: return 3;
    case 1: return rd.size() >= 7 ? 7 : 0;
    case 2: return rd.size() >= 19 ? 19 : 0;
    case 3: return name_end(rd, 3);
    default: return 0;
  }
}

std::string ipseckey_to_string(BytesView rd) {
  std::size_t key = ipseckey_key_offset(rd);
  // Without a public key, BIND 9.18 and ldns 1.8.3 reject the native form
  // (ldns still reads the generic one): return nothing, so the caller
  // falls back to "\# len hex".
  if (key == rd.size()) return std::string();
  std::string out = std::to_string(rd[0]) + ' ' + std::to_string(rd[1]) + ' ' + std::to_string(rd[2]) + ' ';
  switch (rd[1]) {
    case 0: out += '.'; break;
    case 1: out += ipv4_to_string(rd.data() + 3); break;
    case 2: out += ipv6_to_string(rd.data() + 3); break;
    default: out += name_at(rd, 3, key);
  }
  if (key < rd.size()) out += ' ' + to_base64(rd.subspan(key));
  return out;
}

// ---- HIP: pk-algorithm HIT(hex) public-key(base64) [rendezvous-server...]

Result<void> parse_hip(std::span<const Token> tokens, const Name& origin, Bytes& out) {
  auto alg = number(tokens, 0, 255, "public key algorithm");
  if (!alg) return std::unexpected(alg.error());
  if (tokens.size() < 3) return missing(tokens, "HIT and public key");
  auto hit = from_hex(tokens[1].text);
  if (!hit || hit->empty() || hit->size() > 255) return token_error(Errc::bad_rdata, "bad HIT", tokens[1]);
  auto pk = from_base64(tokens[2].text);
  if (!pk || pk->empty() || pk->size() > 65535) return token_error(Errc::bad_rdata, "bad public key", tokens[2]);
  put_u8(out, static_cast<std::uint8_t>(hit->size()));
  put_u8(out, static_cast<std::uint8_t>(*alg));
  put_u16(out, static_cast<std::uint16_t>(pk->size()));
  put_bytes(out, *hit);
  put_bytes(out, *pk);
  for (const Token& t : tokens.subspan(3))
    if (auto r = put_name(t, origin, out); !r) return r;
  return {};
}

Result<void> check_hip(BytesView rd) {
  if (rd.size() < 4) return malformed("HIP RDATA too short");
  std::size_t pos = 4 + rd[0] + std::size_t{get_u16(rd.data() + 2)};
  if (rd[0] == 0 || get_u16(rd.data() + 2) == 0 || pos > rd.size()) return malformed("bad HIT or key length");
  while (pos < rd.size()) {
    std::size_t end = name_end(rd, pos);
    if (end == 0) return malformed("bad rendezvous server name");
    pos = end;
  }
  return {};
}

std::string hip_to_string(BytesView rd) {
  std::size_t hit = rd[0], pk = get_u16(rd.data() + 2);
  std::string out = std::to_string(rd[1]) + ' ' + to_hex(rd.subspan(4, hit)) + ' ' + to_base64(rd.subspan(4 + hit, pk));
  std::size_t pos = 4 + hit + pk;
  while (pos < rd.size()) {
    std::size_t end = name_end(rd, pos);
    out += ' ' + name_at(rd, pos, end);
    pos = end;
  }
  return out;
}

}  // namespace

Result<void> parse_misc(MiscKind kind, std::span<const Token> tokens, const Name& origin, Bytes& out) {
  switch (kind) {
    case MiscKind::wks: return parse_wks(tokens, out);
    case MiscKind::nsap: return parse_nsap(tokens, out);
    case MiscKind::a6: return parse_a6(tokens, origin, out);
    case MiscKind::apl: return parse_apl(tokens, out);
    case MiscKind::ipseckey: return parse_ipseckey(tokens, origin, out);
    case MiscKind::hip: return parse_hip(tokens, origin, out);
  }
  return fail(Errc::internal, "unhandled RDATA kind");
}

Result<void> check_misc(MiscKind kind, BytesView rd) {
  switch (kind) {
    case MiscKind::wks:
      if (rd.size() < 5 || rd.size() > 5 + 8192) return malformed("bad WKS RDATA length");
      return {};
    case MiscKind::nsap:
      if (rd.empty()) return malformed("empty NSAP address");
      return {};
    case MiscKind::a6: return check_a6(rd);
    case MiscKind::apl: return check_apl(rd);
    case MiscKind::ipseckey:
      if (ipseckey_key_offset(rd) == 0) return malformed("bad IPSECKEY gateway");
      return {};
    case MiscKind::hip: return check_hip(rd);
  }
  return malformed("unhandled RDATA kind");
}

std::string misc_to_string(MiscKind kind, BytesView rd) {
  switch (kind) {
    case MiscKind::wks: return wks_to_string(rd);
    case MiscKind::nsap: {
      std::string hex = to_hex(rd);
      for (auto& c : hex) c = static_cast<char>(ascii_lower(static_cast<std::uint8_t>(c)));
      return "0x" + hex;
    }
    case MiscKind::a6: return a6_to_string(rd);
    case MiscKind::apl: return apl_to_string(rd);
    case MiscKind::ipseckey: return ipseckey_to_string(rd);
    case MiscKind::hip: return hip_to_string(rd);
  }
  return std::string();
}

std::size_t a6_name_offset(BytesView rd) {
  if (rd.empty() || rd[0] == 0) return 0;
  return 1 + a6_suffix_octets(rd[0]);
}

}  // namespace zs::rdata_detail
