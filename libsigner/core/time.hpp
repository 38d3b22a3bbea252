// Time as an input: Unix seconds, parsed from the forms operators type, and
// durations with s/m/h/d/w units. Nothing here reads the clock except
// system_now(), which only the CLI calls.
//
// Every time is kept between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z:
// the state file and the RFC 3339 form hold a four-digit year, so a later
// moment would be written in a form no later run reads back.
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

// The last moment a time field can hold: 9999-12-31T23:59:59Z.
inline constexpr UnixTime latest_time = 253402300799;
// RRSIG inception and expiration are 32-bit (RFC 4034 §3.1.5); a signing run
// from 2106-01-01T00:00:00Z on would write times that wrap, so runs that sign
// or stamp keys refuse it.
inline constexpr UnixTime signing_time_limit = 4291747200;
// A clock before 2000-01-01T00:00:00Z is taken for a wrong one (a VM whose RTC
// reads 1970): RRSIG inceptions and key timestamps from it would be nonsense.
inline constexpr UnixTime earliest_signing_time = 946684800;

// Unix seconds ("1700000000"), "YYYYMMDDHHMMSS" (UTC), RFC 3339
// ("2026-11-24T12:00:00Z", "2026-11-24T12:00:00+01:00", fractional seconds
// ignored), or a date ("2026-12-07", midnight UTC). Errors (Errc::usage): a
// malformed time, and one outside 1970 .. latest_time.
Result<UnixTime> parse_time(std::string_view text);
// parse_time(), and a time relative to `reference` as other DNS tools take it:
// "now", "+40d", "now+40d", "-2h", "now-2h" (units as parse_duration takes).
Result<UnixTime> parse_moment(std::string_view text, UnixTime reference);
// RFC 3339 in UTC: "2026-11-24T12:00:00Z".
std::string format_time(UnixTime t);
// "YYYYMMDDHHMMSS" in UTC (RRSIG presentation form).
std::string format_time_compact(UnixTime t);
// A span for people, in its largest whole unit: "5 days", "1 day", "3 hours",
// "12 minutes", "less than a minute" (negative spans read as zero).
std::string format_elapsed(Duration seconds);

UnixTime system_now();

}  // namespace zs
