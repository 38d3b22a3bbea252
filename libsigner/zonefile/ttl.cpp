#include "zonefile/ttl.hpp"

#include <string>

#include "dns/record.hpp"

namespace zs {

Result<std::uint32_t> parse_ttl(std::string_view text) {
  auto bad = [&](const char* why) { return fail(Errc::bad_ttl, std::string(why) + ": '" + std::string(text) + "'"); };
  if (text.empty()) return bad("empty TTL");
  std::uint64_t total = 0, current = 0;
  bool digits = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      current = current * 10 + static_cast<std::uint64_t>(c - '0');
      // Stop before the arithmetic can wrap; the value is too big either way.
      if (current > max_ttl) return bad("TTL above 2^31-1");
      digits = true;
      continue;
    }
    std::uint64_t unit;
    switch (c | 0x20) {
      case 'w': unit = 604800; break;
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: return bad("malformed TTL");
    }
    if (!digits) return bad("TTL unit without a number");
    total += current * unit;
    if (total > max_ttl) return bad("TTL above 2^31-1");
    current = 0;
    digits = false;
  }
  total += current;
  if (total > max_ttl) return bad("TTL above 2^31-1");
  return static_cast<std::uint32_t>(total);
}

}  // namespace zs
