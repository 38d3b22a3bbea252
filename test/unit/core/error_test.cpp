#include <doctest/doctest.h>

#include "core/error.hpp"

using namespace zs;

TEST_CASE("an error prints as file:line:column: error: message") {
  Error e(Errc::bad_ttl, "TTL above 2^31-1", Location{"db.example", 12, 7});
  CHECK(e.to_string() == "db.example:12:7: error: TTL above 2^31-1");
  CHECK(errc_name(e.code) == "bad-ttl");
}

TEST_CASE("an error without a position prints the message alone, with its context layers") {
  Error e = Error(Errc::io, "cannot open x").with_context("while loading keys");
  CHECK(e.to_string() == "error: cannot open x\n  (while loading keys)");
}
