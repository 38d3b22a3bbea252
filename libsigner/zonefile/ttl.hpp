// TTL values in master files: plain seconds or BIND's unit form ("1w2d3h4m5s",
// units case-insensitive, a trailing bare number counted as seconds). RFC 2181
// §8 caps TTLs at 2^31-1; larger values are rejected rather than clamped.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/error.hpp"

namespace zs {

// Errors: bad_ttl (no position; the caller adds the token's).
Result<std::uint32_t> parse_ttl(std::string_view text);

}  // namespace zs
