#include "core/time.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace zs {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::int64_t to_int(std::string_view s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Days from civil date (proleptic Gregorian), after H. Hinnant's algorithm.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t y;
  unsigned m, d, hh, mm, ss;
};

Civil civil_from_time(UnixTime t) {
  std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  std::int64_t secs = t - days * 86400;
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return {y, m, d, static_cast<unsigned>(secs / 3600), static_cast<unsigned>(secs / 60 % 60),
          static_cast<unsigned>(secs % 60)};
}

Result<UnixTime> from_fields(std::int64_t y, std::int64_t mo, std::int64_t d, std::int64_t h, std::int64_t mi,
                             std::int64_t s, std::string_view text) {
  static constexpr unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] + (mo == 2 && leap ? 1 : 0) || h > 23 || mi > 59 ||
      s > 59)
    return fail(Errc::usage, "invalid date/time '" + std::string(text) + "'");
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return fail(Errc::usage, "empty duration");
  if (all_digits(text)) {
    if (text.size() > 12) return fail(Errc::usage, "duration too large: '" + std::string(text) + "'");
    return to_int(text);
  }
  Duration total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start || i == text.size() || i - start > 12)
      return fail(Errc::usage, "bad duration '" + std::string(text) + "' (use e.g. 1w2d3h4m5s)");
    std::int64_t n = to_int(text.substr(start, i - start));
    std::int64_t unit = 0;
    switch (text[i] | 0x20) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 604800; break;
      default: return fail(Errc::usage, "bad duration unit in '" + std::string(text) + "' (s, m, h, d, w)");
    }
    ++i;
    total += n * unit;
    if (total > (std::int64_t{1} << 40)) return fail(Errc::usage, "duration too large: '" + std::string(text) + "'");
  }
  return total;
}

std::string format_duration(Duration seconds) {
  if (seconds == 0) return "0s";
  std::string out;
  if (seconds < 0) {
    out += '-';
    seconds = -seconds;
  }
  // Weeks only when the whole value is a number of weeks: "90d" reads better than "12w6d".
  static constexpr std::pair<std::int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  if (seconds % 604800 == 0) return out + std::to_string(seconds / 604800) + 'w';
  for (auto [size, name] : units) {
    if (seconds >= size) {
      out += std::to_string(seconds / size);
      out += name;
      seconds %= size;
    }
  }
  return out;
}

namespace {

Result<UnixTime> in_range(Result<UnixTime> t, std::string_view text) {
  if (t && (*t < 0 || *t > latest_time))
    return fail(Errc::usage, "time '" + std::string(text) +
                                 "' is outside what can be stored (1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z)");
  return t;
}

Result<UnixTime> parse_absolute(std::string_view text) {
  if (all_digits(text) && text.size() == 14) {
    return from_fields(to_int(text.substr(0, 4)), to_int(text.substr(4, 2)), to_int(text.substr(6, 2)),
                       to_int(text.substr(8, 2)), to_int(text.substr(10, 2)), to_int(text.substr(12, 2)), text);
  }
  if (all_digits(text) && text.size() <= 12) return to_int(text);
  // A date alone: midnight UTC, as `date -d 2026-12-07 -u` reads it.
  if (text.size() == 10 && all_digits(text.substr(0, 4)) && text[4] == '-' && all_digits(text.substr(5, 2)) &&
      text[7] == '-' && all_digits(text.substr(8, 2)))
    return from_fields(to_int(text.substr(0, 4)), to_int(text.substr(5, 2)), to_int(text.substr(8, 2)), 0, 0, 0, text);
  // RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  auto bad = [&] {
    return fail(Errc::usage,
                "bad time '" + std::string(text) +
                    "' (use Unix seconds, YYYYMMDDHHMMSS, RFC 3339, YYYY-MM-DD, or +40d / now-2h)");
  };
  if (text.size() < 20) return bad();
  auto digits_at = [&](std::size_t pos, std::size_t n) { return all_digits(text.substr(pos, n)); };
  if (!digits_at(0, 4) || text[4] != '-' || !digits_at(5, 2) || text[7] != '-' || !digits_at(8, 2) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits_at(11, 2) || text[13] != ':' ||
      !digits_at(14, 2) || text[16] != ':' || !digits_at(17, 2))
    return bad();
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  }
  std::int64_t offset = 0;
  std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && all_digits(zone.substr(1, 2)) &&
             zone[3] == ':' && all_digits(zone.substr(4, 2))) {
    offset = (to_int(zone.substr(1, 2)) * 3600 + to_int(zone.substr(4, 2)) * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  auto t = from_fields(to_int(text.substr(0, 4)), to_int(text.substr(5, 2)), to_int(text.substr(8, 2)),
                       to_int(text.substr(11, 2)), to_int(text.substr(14, 2)), to_int(text.substr(17, 2)), text);
  if (!t) return t;
  return *t - offset;
}

}  // namespace

Result<UnixTime> parse_time(std::string_view text) { return in_range(parse_absolute(text), text); }

Result<UnixTime> parse_moment(std::string_view text, UnixTime reference) {
  std::string_view rest = text;
  const bool named = rest.starts_with("now");
  if (named) rest.remove_prefix(3);
  if (named && rest.empty()) return in_range(reference, text);
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) {
    if (named) return fail(Errc::usage, "bad time '" + std::string(text) + "' (use now, now+40d or now-2h)");
    return parse_time(text);
  }
  auto span = parse_duration(rest.substr(1));
  if (!span) return fail(Errc::usage, "bad relative time '" + std::string(text) + "': " + span.error().message);
  return in_range(rest[0] == '+' ? reference + *span : reference - *span, text);
}

std::string format_time(UnixTime t) {
  Civil c = civil_from_time(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(c.y), c.m, c.d, c.hh,
                c.mm, c.ss);
  return buf;
}

std::string format_time_compact(UnixTime t) {
  Civil c = civil_from_time(t);
  if (c.y < 0 || c.y > 9999) {  // never for stored times (latest_time); kept exact all the same
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04lld%02u%02u%02u%02u%02u", static_cast<long long>(c.y), c.m, c.d, c.hh, c.mm,
                  c.ss);
    return buf;
  }
  // Every RRSIG written prints two of these: digits by hand, not snprintf.
  std::string out(14, '0');
  auto put = [&out](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10) out[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<unsigned>(c.y), 4);
  put(4, c.m, 2);
  put(6, c.d, 2);
  put(8, c.hh, 2);
  put(10, c.mm, 2);
  put(12, c.ss, 2);
  return out;
}

std::string format_elapsed(Duration seconds) {
  auto count = [](Duration n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  if (seconds >= 86400) return count(seconds / 86400, "day");
  if (seconds >= 3600) return count(seconds / 3600, "hour");
  if (seconds >= 60) return count(seconds / 60, "minute");
  return "less than a minute";
}

UnixTime system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace zs
