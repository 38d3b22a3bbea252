// Text helpers of the RDATA parsers and printers: <character-string>
// escapes (RFC 1035 §5.1), decimal numbers, addresses, TTL-like values and
// RRSIG times (RFC 4034 §3.2).
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/time.hpp"
#include "dns/rdata_fields.hpp"

namespace zs::rdata_detail {

Result<Bytes> decode_escapes(std::string_view text, const Token& where) {
  Bytes out;
  out.reserve(text.size());
  if (auto r = append_decoded(text, where, out); !r) return std::unexpected(std::move(r.error()));
  return out;
}

Result<void> append_decoded(std::string_view text, const Token& where, Bytes& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Most text has no escape: the run up to the next '\\' is copied at once.
    const std::size_t escape = text.find('\\', i);
    const std::size_t run_end = escape == std::string_view::npos ? text.size() : escape;
    put_bytes(out, bytes_of(text.substr(i, run_end - i)));
    i = run_end;
    if (i == text.size()) break;
    if (i + 1 >= text.size()) return token_error(Errc::bad_rdata, "dangling '\\' at the end of the text", where);
    char d = text[i + 1];
    if (d >= '0' && d <= '9') {
      auto digit = [&](std::size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
      if (!digit(i + 2) || !digit(i + 3))
        return token_error(Errc::bad_rdata, "\\DDD escape needs three decimal digits", where);
      int v = (d - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
      if (v > 255) return token_error(Errc::bad_rdata, "\\DDD escape above 255", where);
      out.push_back(static_cast<std::uint8_t>(v));
      i += 3;
    } else {
      out.push_back(static_cast<std::uint8_t>(d));
      ++i;
    }
  }
  return {};
}

void append_escaped(std::string& out, BytesView data) {
  for (std::uint8_t c : data) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += '\\';
      out += static_cast<char>('0' + c / 100);
      out += static_cast<char>('0' + (c / 10) % 10);
      out += static_cast<char>('0' + c % 10);
    } else {
      out += static_cast<char>(c);
    }
  }
}

void append_quoted(std::string& out, BytesView data) {
  out += '"';
  append_escaped(out, data);
  out += '"';
}

std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (d > max || v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

bool parse_ipv4(std::string_view text, Bytes& out) {
  // Strict dotted quad: inet_pton's acceptance of odd forms varies by libc.
  // One pass over the text, as every A record comes through here.
  std::array<std::uint8_t, 4> a{};
  std::size_t part = 0, digits = 0;
  unsigned value = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '.') {
      if (part >= 4 || digits == 0) return false;
      a[part++] = static_cast<std::uint8_t>(value);
      value = 0;
      digits = 0;
      continue;
    }
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    // At most three digits, and no leading zero: it could be read as octal;
    // BIND, Knot, NSD and ldns all refuse it.
    if (digits == 3 || (digits == 1 && value == 0)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
    ++digits;
    if (value > 255) return false;
  }
  if (part != 4) return false;
  out.insert(out.end(), a.begin(), a.end());
  return true;
}

bool parse_ipv6(std::string_view text, Bytes& out) {
  // inet_pton reads a C string: a NUL inside the token would end it early
  // and let trailing bytes through, so such a token is refused first.
  if (text.size() >= INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos) return false;
  std::array<char, INET6_ADDRSTRLEN> s{};  // zero-filled: the copy is terminated
  std::copy(text.begin(), text.end(), s.begin());
  std::array<std::uint8_t, 16> a{};
  if (inet_pton(AF_INET6, s.data(), a.data()) != 1) return false;
  out.insert(out.end(), a.begin(), a.end());
  return true;
}

std::string ipv4_to_string(const std::uint8_t* p) {
  return std::to_string(p[0]) + '.' + std::to_string(p[1]) + '.' + std::to_string(p[2]) + '.' +
         std::to_string(p[3]);
}

std::string ipv6_to_string(const std::uint8_t* p) {
  // inet_ntop gives the RFC 5952 form (lower case, longest zero run as ::).
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, p, buf, sizeof buf);
  return buf;
}

// TTL-like values: a plain number, or number+unit groups ("1w2d", "1h30m"),
// as BIND accepts in SOA timers and RRSIG original TTLs.
std::optional<std::uint32_t> parse_ttl_value(std::string_view text) {
  if (auto v = parse_decimal(text, 0xffffffffu)) return static_cast<std::uint32_t>(*v);
  if (text.empty()) return std::nullopt;
  std::uint64_t total = 0, current = 0;
  bool have_digits = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      current = current * 10 + static_cast<std::uint64_t>(c - '0');
      if (current > 0xffffffffu) return std::nullopt;
      have_digits = true;
      continue;
    }
    std::uint64_t unit = 0;
    switch (ascii_lower(static_cast<std::uint8_t>(c))) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 604800; break;
      default: return std::nullopt;
    }
    if (!have_digits) return std::nullopt;
    total += current * unit;
    if (total > 0xffffffffu) return std::nullopt;
    current = 0;
    have_digits = false;
  }
  if (have_digits) return std::nullopt;  // a bare number after a unit group is ambiguous
  return static_cast<std::uint32_t>(total);
}

// RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC, or the number of seconds since the
// epoch. Dates past 2106 wrap modulo 2^32 (serial number arithmetic).
std::optional<std::uint32_t> parse_rrsig_time(std::string_view text) {
  if (text.size() != 14) {
    if (auto v = parse_decimal(text, 0xffffffffu)) return static_cast<std::uint32_t>(*v);
    return std::nullopt;
  }
  auto t = parse_time(text);  // the 14-digit form is always YYYYMMDDHHmmSS here
  if (!t || *t < 0) return std::nullopt;
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(*t) & 0xffffffffu);
}

// Prints the time in the 1970-2106 window, so output does not depend on
// the current date (RFC 4034 §3.2 lets a reader pick the window near now).
std::string rrsig_time_to_string(std::uint32_t t) { return format_time_compact(t); }

}  // namespace zs::rdata_detail
