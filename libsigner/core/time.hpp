// Time as an input: Unix seconds, parsed from the forms operators type, and
// durations with s/m/h/d/w units. Nothing here reads the clock except
// system_now(), which only the CLI calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace zs {

using UnixTime = std::int64_t;   // seconds since 1970-01-01T00:00:00Z
using Duration = std::int64_t;   // seconds

// "1w2d3h4m5s", "90d", "3600" (plain seconds); units case-insensitive.
// Errors: Errc::usage (callers re-code for their context).
Result<Duration> parse_duration(std::string_view text);
// Shortest exact form: 90d, 1w2d, 1h30m, 0s.
std::string format_duration(Duration seconds);

// Unix seconds ("1700000000"), "YYYYMMDDHHMMSS" (UTC), or RFC 3339
// ("2026-11-24T12:00:00Z", "2026-11-24T12:00:00+01:00", fractional seconds ignored).
Result<UnixTime> parse_time(std::string_view text);
// RFC 3339 in UTC: "2026-11-24T12:00:00Z".
std::string format_time(UnixTime t);
// "YYYYMMDDHHMMSS" in UTC (RRSIG presentation form).
std::string format_time_compact(UnixTime t);

UnixTime system_now();

}  // namespace zs
