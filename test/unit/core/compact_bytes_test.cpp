// CompactBytes: one pointer in its owner, the octets of a Bytes.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/compact_bytes.hpp"

using namespace zs;

TEST_CASE("compact bytes cost one pointer and hold the octets they were given") {
  CHECK(sizeof(CompactBytes) == sizeof(void*));
  const Bytes octets{1, 2, 3, 4, 5};
  CompactBytes b = octets;
  CHECK(b.size() == 5);
  CHECK(std::ranges::equal(BytesView(b), octets));
  CHECK(b.to_bytes() == octets);
  CompactBytes empty;
  CHECK(empty.empty());
  CHECK(empty.view().empty());
}

TEST_CASE("compact bytes change in place, copy deeply and order as their octets do") {
  CompactBytes a = Bytes{1, 2, 3};
  CompactBytes b = a;
  b.back() ^= 0x01;
  CHECK(a[2] == 3);
  CHECK(b[2] == 2);
  CHECK(b < a);
  CHECK_FALSE(a == b);
  CHECK(CompactBytes(Bytes{1, 2}) < a);  // a prefix sorts first
  CompactBytes moved = std::move(a);
  CHECK(moved == CompactBytes(Bytes{1, 2, 3}));
}
