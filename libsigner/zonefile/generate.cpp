#include "zonefile/generate.hpp"

namespace zs {

namespace {

bool parse_number(std::string_view text, std::uint32_t& out) noexcept {
  if (text.empty() || text.size() > 10) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > 0x7fffffffu) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

bool parse_signed(std::string_view text, std::int64_t& out) noexcept {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  std::uint32_t v;
  if (!parse_number(text, v)) return false;
  out = negative ? -std::int64_t{v} : std::int64_t{v};
  return true;
}

// BIND's nibble form: least significant nibble first, one label each; the
// width counts both nibbles and the dots between them.
void append_nibbles(std::string& out, std::uint64_t value, std::uint32_t width, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    out.push_back(digits[value & 0xf]);
    value >>= 4;
    if (width > 0) --width;
    if (width > 0 || value != 0) {
      out.push_back('.');
      if (width > 0) --width;
    }
  } while (value != 0 || width > 0);
}

void append_number(std::string& out, std::uint64_t value, std::uint32_t width, unsigned base, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char buf[32];
  std::size_t n = 0;
  do {
    buf[n++] = digits[value % base];
    value /= base;
  } while (value != 0);
  for (std::size_t pad = n; pad < width; ++pad) out.push_back('0');
  while (n > 0) out.push_back(buf[--n]);
}

}  // namespace

Result<GenerateRange> parse_generate_range(std::string_view text) {
  GenerateRange range;
  auto bad = [&] { return fail(Errc::bad_directive, "bad $GENERATE range '" + std::string(text) + "'"); };
  auto dash = text.find('-');
  if (dash == std::string_view::npos) return bad();
  auto slash = text.find('/', dash);
  std::string_view start = text.substr(0, dash);
  std::string_view stop = text.substr(dash + 1, slash == std::string_view::npos ? text.npos : slash - dash - 1);
  if (!parse_number(start, range.start) || !parse_number(stop, range.stop)) return bad();
  if (slash != std::string_view::npos && !parse_number(text.substr(slash + 1), range.step)) return bad();
  if (range.start > range.stop || range.step == 0) return bad();
  return range;
}

Result<void> expand_generate(std::string_view pattern, std::int64_t value, std::string& out) {
  for (std::size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\\') {
      out.push_back(c);
      if (i + 1 < pattern.size()) out.push_back(pattern[i + 1]);
      i += 2;
      continue;
    }
    if (c != '$') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 < pattern.size() && pattern[i + 1] == '$') {
      out.push_back('$');
      i += 2;
      continue;
    }
    std::int64_t offset = 0;
    std::uint32_t width = 0;
    char base = 'd';
    if (i + 1 < pattern.size() && pattern[i + 1] == '{') {
      auto close = pattern.find('}', i + 2);
      if (close == std::string_view::npos)
        return fail(Errc::bad_directive, "'${' without '}' in '" + std::string(pattern) + "'");
      std::string_view spec = pattern.substr(i + 2, close - i - 2);
      auto bad = [&] {
        return fail(Errc::bad_directive, "bad modifier '${" + std::string(spec) + "}' in $GENERATE");
      };
      auto c1 = spec.find(',');
      if (!parse_signed(spec.substr(0, c1), offset)) return bad();
      if (c1 != std::string_view::npos) {
        std::string_view rest = spec.substr(c1 + 1);
        auto c2 = rest.find(',');
        if (!parse_number(rest.substr(0, c2), width) || width > 255) return bad();
        if (c2 != std::string_view::npos) {
          std::string_view b = rest.substr(c2 + 1);
          if (b.size() != 1 || std::string_view("doxXnN").find(b[0]) == std::string_view::npos) return bad();
          base = b[0];
        }
      }
      i = close + 1;
    } else {
      ++i;
    }
    std::int64_t v = value + offset;
    if (v < 0) return fail(Errc::bad_directive, "$GENERATE value " + std::to_string(v) + " is negative");
    auto u = static_cast<std::uint64_t>(v);
    switch (base) {
      case 'd': append_number(out, u, width, 10, false); break;
      case 'o': append_number(out, u, width, 8, false); break;
      case 'x': append_number(out, u, width, 16, false); break;
      case 'X': append_number(out, u, width, 16, true); break;
      case 'n': append_nibbles(out, u, width, false); break;
      default: append_nibbles(out, u, width, true); break;
    }
  }
  return {};
}

}  // namespace zs
