#include "dns/rdata_set.hpp"

#include <doctest/doctest.h>

#include <vector>

using zs::Bytes;
using zs::BytesView;
using zs::RdataSet;

namespace {

std::vector<Bytes> contents(const RdataSet& set) {
  std::vector<Bytes> out;
  for (BytesView r : set) out.emplace_back(r.begin(), r.end());
  return out;
}

}  // namespace

TEST_CASE("an empty RdataSet holds nothing and iterates over nothing") {
  RdataSet set;
  CHECK(set.empty());
  CHECK(set.size() == 0);
  CHECK(set.begin() == set.end());
  CHECK(set.to_vector().empty());
  CHECK(set == RdataSet(std::vector<Bytes>{}));
}

TEST_CASE("records keep their order and octets, empty records included") {
  const std::vector<Bytes> records{{192, 0, 2, 1}, {}, {1, 2, 3, 4, 5, 6, 7}, {9}};
  RdataSet set(records);
  REQUIRE(set.size() == 4);
  CHECK(contents(set) == records);
  CHECK(set.to_vector() == records);
  CHECK(Bytes(set.front().begin(), set.front().end()) == records.front());
  CHECK(Bytes(set.back().begin(), set.back().end()) == records.back());
  CHECK(set[1].empty());
  CHECK(Bytes(set[2].begin(), set[2].end()) == records[2]);
}

TEST_CASE("push_back appends after the records already held") {
  RdataSet set;
  std::vector<Bytes> want;
  for (std::uint8_t i = 0; i < 40; ++i) {
    Bytes r(i % 7, i);
    set.push_back(r);
    want.push_back(r);
    REQUIRE(set.size() == want.size());
  }
  CHECK(contents(set) == want);
}

TEST_CASE("a copy is independent; equality compares records, not storage") {
  RdataSet a{Bytes{1, 2}, Bytes{3}};
  RdataSet b = a;
  CHECK(a == b);
  b.mutable_at(1)[0] = 4;
  CHECK_FALSE(a == b);
  CHECK(a[1][0] == 3);
  CHECK(b[1][0] == 4);
  // The same octets split differently are other records.
  CHECK_FALSE(RdataSet{Bytes{1, 2, 3}} == (RdataSet{Bytes{1, 2}, Bytes{3}}));
  RdataSet moved = std::move(b);
  CHECK(moved.size() == 2);
  a.clear();
  CHECK(a.empty());
  a = moved;
  CHECK(a == moved);
}

TEST_CASE("a record over 64 KiB in total is held (offsets are 32 bits)") {
  std::vector<Bytes> records(3, Bytes(65535, 0xab));
  RdataSet set(records);
  CHECK(set.size() == 3);
  CHECK(set[2].size() == 65535);
  CHECK(set.to_vector() == records);
}
