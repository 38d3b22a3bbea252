#include <doctest/doctest.h>

#include "core/time.hpp"

using namespace zs;

TEST_CASE("durations take s, m, h, d, w units and combinations") {
  CHECK(parse_duration("1w2d3h4m5s").value() == 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
  CHECK(parse_duration("90d").value() == 90 * 86400);
  CHECK(parse_duration("3600").value() == 3600);
  CHECK(parse_duration("1H30M").value() == 5400);
  CHECK_FALSE(parse_duration("10"
                             "x"));
  CHECK_FALSE(parse_duration("h"));
  CHECK_FALSE(parse_duration(""));
  CHECK(format_duration(90 * 86400) == "90d");
  CHECK(format_duration(2 * 604800) == "2w");
  CHECK(format_duration(5400) == "1h30m");
}

TEST_CASE("times parse from Unix seconds, YYYYMMDDHHMMSS and RFC 3339") {
  CHECK(parse_time("1700000000").value() == 1700000000);
  CHECK(parse_time("20231114221320").value() == 1700000000);
  CHECK(parse_time("2023-11-14T22:13:20Z").value() == 1700000000);
  CHECK(parse_time("2023-11-14T23:13:20+01:00").value() == 1700000000);
  CHECK(parse_time("2023-11-14T22:13:20.5Z").value() == 1700000000);
  CHECK_FALSE(parse_time("2023-13-14T22:13:20Z"));
  CHECK_FALSE(parse_time("yesterday"));
  CHECK(format_time(1700000000) == "2023-11-14T22:13:20Z");
  CHECK(format_time_compact(1700000000) == "20231114221320");
  CHECK(format_time(0) == "1970-01-01T00:00:00Z");
}

TEST_CASE("February 29 exists only in leap years") {
  CHECK(parse_time("20240229000000"));
  CHECK_FALSE(parse_time("20230229000000"));
  CHECK_FALSE(parse_time("21000229000000"));
  CHECK(parse_time("20000229000000"));
}

TEST_CASE("a date alone is midnight UTC") {
  CHECK(parse_time("2026-12-07").value() == parse_time("2026-12-07T00:00:00Z").value());
  CHECK_FALSE(parse_time("2026-02-30"));
  CHECK_FALSE(parse_time("2026-1-07"));
}

TEST_CASE("relative times count from the reference, in parse_duration's units") {
  const UnixTime ref = parse_time("2026-12-01T00:00:00Z").value();
  CHECK(parse_moment("now", ref).value() == ref);
  CHECK(parse_moment("+40d", ref).value() == ref + 40 * 86400);
  CHECK(parse_moment("now+40d", ref).value() == ref + 40 * 86400);
  CHECK(parse_moment("-2h", ref).value() == ref - 7200);
  CHECK(parse_moment("now-2h", ref).value() == ref - 7200);
  CHECK(parse_moment("now+1w2d", ref).value() == ref + 9 * 86400);
  // Absolute forms are absolute: the reference plays no part.
  CHECK(parse_moment("2026-12-07", ref).value() == parse_time("20261207000000").value());
  CHECK(parse_moment("1700000000", ref).value() == 1700000000);
  CHECK_FALSE(parse_moment("now+", ref));
  CHECK_FALSE(parse_moment("now+3x", ref));
  CHECK_FALSE(parse_moment("nowish", ref));
  CHECK_FALSE(parse_moment("+", ref));
  CHECK(parse_moment("+1q", ref).error().code == Errc::usage);
}

TEST_CASE("times outside 1970 to 9999 are refused: they could not be written back") {
  CHECK(parse_time("9999-12-31T23:59:59Z").value() == latest_time);
  CHECK(format_time(latest_time) == "9999-12-31T23:59:59Z");
  CHECK_FALSE(parse_time("253402300800"));  // 10000-01-01T00:00:00Z in Unix seconds
  CHECK_FALSE(parse_time("999999999999"));
  CHECK_FALSE(parse_time("1969-12-31T23:59:59Z"));
  CHECK_FALSE(parse_time("0000-01-01"));
  CHECK(parse_time("1970-01-01").value() == 0);
  CHECK_FALSE(parse_moment("-1s", 0));
  CHECK_FALSE(parse_moment("now+1s", latest_time));
  CHECK(parse_moment("now+1s", latest_time - 1).value() == latest_time);
}

TEST_CASE("the signing limits are the moments they name") {
  CHECK(format_time(earliest_signing_time) == "2000-01-01T00:00:00Z");
  CHECK(format_time(signing_time_limit) == "2106-01-01T00:00:00Z");
  // Still below 2^32: every RRSIG time of a run before the limit fits 32 bits for 37 days.
  CHECK(signing_time_limit < (UnixTime{1} << 32));
}

TEST_CASE("elapsed spans read in their largest whole unit") {
  CHECK(format_elapsed(5 * 86400 + 7200) == "5 days");
  CHECK(format_elapsed(86400) == "1 day");
  CHECK(format_elapsed(3 * 3600 + 59) == "3 hours");
  CHECK(format_elapsed(3600) == "1 hour");
  CHECK(format_elapsed(12 * 60) == "12 minutes");
  CHECK(format_elapsed(59) == "less than a minute");
  CHECK(format_elapsed(-5) == "less than a minute");
}

TEST_CASE("the compact form (RRSIG times) prints every field with its zeros and reads back") {
  CHECK(format_time_compact(0) == "19700101000000");
  CHECK(format_time_compact(951782400) == "20000229000000");
  CHECK(format_time_compact(4294967295) == "21060207062815");
  CHECK(format_time_compact(253402300799) == "99991231235959");
  for (UnixTime t = 0; t < 253402300799; t += 987654321) CHECK(parse_time(format_time_compact(t)).value() == t);
}
