// LOC RDATA (RFC 1876): the text form of §3
//   d1 [m1 [s1]] {N|S} d2 [m2 [s2]] {E|W} alt[m] [siz[m] [hp[m] [vp[m]]]]
// and the 16-octet wire form of §2 (version 0).
#include <cstdio>

#include "dns/rdata_fields.hpp"

namespace zs::rdata_detail {

namespace {

constexpr std::uint32_t equator = 1u << 31;          // latitude/longitude origin
constexpr std::int64_t altitude_base = 10000000;     // cm below the WGS 84 spheroid
constexpr std::int64_t max_lat_ms = 90LL * 3600000;  // thousandths of an arc second
constexpr std::int64_t max_lon_ms = 180LL * 3600000;

// Parses "[-]digits[.fraction]" with at most `decimals` fraction digits into
// an integer scaled by 10^decimals. An optional trailing 'm' is allowed when
// `meters` is set.
std::optional<std::int64_t> parse_fixed(std::string_view s, int decimals, bool meters, bool allow_negative) {
  if (meters && !s.empty() && (s.back() == 'm' || s.back() == 'M')) s.remove_suffix(1);
  bool negative = false;
  if (allow_negative && !s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || frac.size() > static_cast<std::size_t>(decimals)) return std::nullopt;
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;
  auto w = parse_decimal(whole, 100000000000ULL);
  if (!w) return std::nullopt;
  std::int64_t v = static_cast<std::int64_t>(*w);
  for (int i = 0; i < decimals; ++i) {
    v *= 10;
    if (static_cast<std::size_t>(i) < frac.size()) {
      char c = frac[static_cast<std::size_t>(i)];
      if (c < '0' || c > '9') return std::nullopt;
      v += c - '0';
    }
  }
  return negative ? -v : v;
}

// RFC 1876 §2 size/precision octet: mantissa (high nibble) * 10^exponent
// (low nibble) centimetres, both 0-9; the value is rounded down to that form.
std::uint8_t encode_precision(std::uint64_t cm) {
  unsigned exponent = 0;
  while (cm > 9 && exponent < 9) {
    cm /= 10;
    ++exponent;
  }
  return static_cast<std::uint8_t>((cm << 4) | exponent);
}

std::uint64_t decode_precision(std::uint8_t octet) {
  std::uint64_t v = octet >> 4;
  for (unsigned i = 0; i < (octet & 0xF); ++i) v *= 10;
  return v;
}

std::string meters(std::int64_t cm) {
  char buf[40];
  std::uint64_t a = static_cast<std::uint64_t>(cm < 0 ? -cm : cm);
  std::snprintf(buf, sizeof buf, "%s%llu.%02llum", cm < 0 ? "-" : "", static_cast<unsigned long long>(a / 100),
                static_cast<unsigned long long>(a % 100));
  return buf;
}

// One coordinate: degrees [minutes [seconds]] hemisphere.
Result<std::uint32_t> parse_coordinate(std::span<const Token> tokens, std::size_t& i, char positive, char negative,
                                       std::int64_t limit_ms) {
  const char* what = positive == 'N' ? "latitude" : "longitude";
  auto missing = [&]() {
    std::string msg = std::string("incomplete ") + what + " in LOC";
    return tokens.empty() ? fail(Errc::bad_rdata, msg) : token_error(Errc::bad_rdata, msg, tokens.back());
  };
  auto is_hemisphere = [&](const Token& t) {
    return t.text.size() == 1 && (ascii_lower(static_cast<std::uint8_t>(t.text[0])) == ascii_lower(positive) ||
                                  ascii_lower(static_cast<std::uint8_t>(t.text[0])) == ascii_lower(negative));
  };
  std::int64_t parts[3] = {0, 0, 0};
  std::int64_t limits[3] = {limit_ms / 3600000, 59, 59999};
  int n = 0;
  while (true) {
    if (i >= tokens.size()) return missing();
    const Token& t = tokens[i];
    if (n > 0 && is_hemisphere(t)) break;
    if (n == 3) return token_error(Errc::bad_rdata, std::string("expected ") + positive + " or " + negative, t);
    auto v = n == 2 ? parse_fixed(t.text, 3, false, false) : parse_decimal(t.text, 1000).transform([](auto x) {
      return static_cast<std::int64_t>(x);
    });
    if (!v || *v > limits[n]) return token_error(Errc::bad_rdata, std::string("bad ") + what + " '" + t.text + "'", t);
    parts[n++] = *v;
    ++i;
  }
  const Token& h = tokens[i++];
  std::int64_t ms = parts[0] * 3600000 + parts[1] * 60000 + parts[2];
  if (ms > limit_ms) return token_error(Errc::bad_rdata, std::string(what) + " out of range", h);
  bool south_or_west = ascii_lower(static_cast<std::uint8_t>(h.text[0])) == ascii_lower(negative);
  return static_cast<std::uint32_t>(static_cast<std::int64_t>(equator) + (south_or_west ? -ms : ms));
}

std::string coordinate(std::uint32_t raw, char positive, char negative) {
  std::int64_t ms = static_cast<std::int64_t>(raw) - static_cast<std::int64_t>(equator);
  char hemisphere = ms < 0 ? negative : positive;
  if (ms < 0) ms = -ms;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld %lld %lld.%03lld %c", static_cast<long long>(ms / 3600000),
                static_cast<long long>((ms / 60000) % 60), static_cast<long long>((ms / 1000) % 60),
                static_cast<long long>(ms % 1000), hemisphere);
  return buf;
}

}  // namespace

Result<void> parse_loc(std::span<const Token> tokens, Bytes& out) {
  std::size_t i = 0;
  auto lat = parse_coordinate(tokens, i, 'N', 'S', max_lat_ms);
  if (!lat) return std::unexpected(lat.error());
  auto lon = parse_coordinate(tokens, i, 'E', 'W', max_lon_ms);
  if (!lon) return std::unexpected(lon.error());
  if (i >= tokens.size()) return token_error(Errc::bad_rdata, "missing altitude in LOC", tokens.back());
  auto alt = parse_fixed(tokens[i].text, 2, true, true);
  if (!alt || *alt < -altitude_base || *alt + altitude_base > 0xffffffffLL)
    return token_error(Errc::bad_rdata, "bad altitude '" + tokens[i].text + "'", tokens[i]);
  ++i;
  // Defaults of RFC 1876 §3: size 1m, horizontal 10000m, vertical 10m.
  std::uint64_t precision[3] = {100, 1000000, 1000};
  for (int k = 0; k < 3 && i < tokens.size(); ++k, ++i) {
    auto v = parse_fixed(tokens[i].text, 2, true, false);
    if (!v || *v > 9000000000LL)
      return token_error(Errc::bad_rdata, "bad size or precision '" + tokens[i].text + "'", tokens[i]);
    precision[k] = static_cast<std::uint64_t>(*v);
  }
  if (i < tokens.size()) return token_error(Errc::bad_rdata, "unexpected '" + tokens[i].text + "' in LOC", tokens[i]);
  put_u8(out, 0);
  for (auto p : precision) put_u8(out, encode_precision(p));
  put_u32(out, *lat);
  put_u32(out, *lon);
  put_u32(out, static_cast<std::uint32_t>(*alt + altitude_base));
  return {};
}

Result<void> check_loc(BytesView rd) {
  if (rd.size() != 16) return fail(Errc::bad_rdata, "LOC RDATA must be 16 octets");
  if (rd[0] != 0) return fail(Errc::bad_rdata, "unknown LOC version");
  for (int k = 1; k <= 3; ++k)
    if ((rd[k] >> 4) > 9 || (rd[k] & 0xF) > 9) return fail(Errc::bad_rdata, "bad LOC precision octet");
  auto off = [&](int at) {
    return static_cast<std::int64_t>(get_u32(rd.data() + at)) - static_cast<std::int64_t>(equator);
  };
  if (off(4) > max_lat_ms || off(4) < -max_lat_ms) return fail(Errc::bad_rdata, "LOC latitude out of range");
  if (off(8) > max_lon_ms || off(8) < -max_lon_ms) return fail(Errc::bad_rdata, "LOC longitude out of range");
  return {};
}

std::string loc_to_string(BytesView rd) {
  // A zero mantissa with a non-zero exponent is a valid but unusual spelling
  // of 0 that the text form cannot keep.
  for (int k = 1; k <= 3; ++k)
    if ((rd[k] >> 4) == 0 && (rd[k] & 0xF) != 0) return std::string();
  std::string out = coordinate(get_u32(rd.data() + 4), 'N', 'S');
  out += ' ' + coordinate(get_u32(rd.data() + 8), 'E', 'W');
  out += ' ' + meters(static_cast<std::int64_t>(get_u32(rd.data() + 12)) - altitude_base);
  for (int k = 1; k <= 3; ++k) out += ' ' + meters(static_cast<std::int64_t>(decode_precision(rd[k])));
  return out;
}

}  // namespace zs::rdata_detail
