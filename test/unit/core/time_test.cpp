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
