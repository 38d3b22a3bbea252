// SignatureList (zone/signature_list.hpp): a node's RRSIGs in one block.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "zone/signature_list.hpp"

using namespace zs;

namespace {

Bytes octets(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

}  // namespace

TEST_CASE("a signature list keeps each record's covered type, TTL and RDATA in the given order") {
  const Bytes a = octets({0, 1, 2, 3}), b = octets({9}), c(300, 0x5a);
  const std::vector<SignatureRef> given{{RrType::SOA, 3600, a}, {RrType::A, 60, b}, {RrType::NS, 7, c}};
  const SignatureList list(given);
  REQUIRE(list.size() == 3);
  CHECK_FALSE(list.empty());
  std::size_t i = 0;
  for (SignatureRef s : list) {
    CHECK(s.covered == given[i].covered);
    CHECK(s.ttl == given[i].ttl);
    CHECK(std::ranges::equal(s.rdata, given[i].rdata));
    ++i;
  }
  CHECK(i == 3);
  CHECK(list[2].covered == RrType::NS);
  CHECK(list[2].rdata.size() == 300);
  CHECK(list.front().ttl == 3600);
}

TEST_CASE("a sorted signature list is ordered by covered type number, then by RDATA octets") {
  const Bytes high = octets({2}), low = octets({1, 7}), mid = octets({1, 8});
  std::vector<SignatureRef> given{{RrType::AAAA, 1, high}, {RrType::A, 2, high}, {RrType::AAAA, 3, mid},
                                  {RrType::AAAA, 4, low}};
  const SignatureList list = SignatureList::sorted_by_covered_type(given);
  REQUIRE(list.size() == 4);
  CHECK(list[0].covered == RrType::A);
  CHECK(list[1].ttl == 4);
  CHECK(list[2].ttl == 3);
  CHECK(list[3].ttl == 1);
}

TEST_CASE("an empty signature list holds no block and iterates over nothing") {
  SignatureList list;
  CHECK(list.empty());
  CHECK(list.size() == 0);
  CHECK(list.begin() == list.end());
  const std::vector<SignatureRef> none;
  CHECK(SignatureList(none).empty());
}

TEST_CASE("copies of a signature list are independent, and push_back, erase_if and clear change only their list") {
  const Bytes a = octets({1, 2}), b = octets({3});
  SignatureList list(std::vector<SignatureRef>{{RrType::A, 5, a}});
  SignatureList copy = list;
  CHECK(copy == list);
  list.push_back(SignatureRef(RrType::MX, 6, b));
  CHECK(list.size() == 2);
  CHECK(copy.size() == 1);
  CHECK_FALSE(copy == list);
  CHECK(list[1].covered == RrType::MX);
  CHECK(erase_if(list, [](SignatureRef s) { return s.covered == RrType::A; }) == 1);
  REQUIRE(list.size() == 1);
  CHECK(list[0].covered == RrType::MX);
  CHECK(erase_if(list, [](SignatureRef) { return false; }) == 0);
  SignatureList moved = std::move(list);
  CHECK(moved.size() == 1);
  moved.clear();
  CHECK(moved.empty());
  CHECK(copy.size() == 1);
}

TEST_CASE("a signature's RDATA can be changed in place, and the list then differs from its copy") {
  const Bytes a = octets({1, 2, 3}), b = octets({4, 5});
  SignatureList list(std::vector<SignatureRef>{{RrType::A, 1, a}, {RrType::TXT, 2, b}});
  const SignatureList before = list;
  auto rdata = list.mutable_rdata(1);
  REQUIRE(rdata.size() == 2);
  rdata.back() ^= 0x01;
  CHECK(list[1].rdata[1] == 4);
  CHECK(list[0].rdata[2] == 3);
  CHECK_FALSE(list == before);
  const std::vector<Signature> owned = list.to_vector();
  REQUIRE(owned.size() == 2);
  CHECK(owned[1].rdata.view()[1] == 4);
}

TEST_CASE("a signature list refuses RDATA longer than any DNS record") {
  const Bytes huge(65536, 0);
  const std::vector<SignatureRef> given{{RrType::A, 1, huge}};
  CHECK_THROWS_AS(SignatureList{given}, std::length_error);
}
