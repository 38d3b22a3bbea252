// CompactVector: one pointer in its owner, std::vector's behaviour for the
// operations the zone uses.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/compact_vector.hpp"

using namespace zs;

namespace {
std::vector<std::string> contents(const CompactVector<std::string>& v) { return {v.begin(), v.end()}; }
}  // namespace

TEST_CASE("a compact vector costs one pointer, and an empty one no heap block") {
  CHECK(sizeof(CompactVector<std::string>) == sizeof(void*));
  CompactVector<std::string> v;
  CHECK(v.empty());
  CHECK(v.capacity() == 0);
  CHECK(v.begin() == v.end());
}

TEST_CASE("push_back, insert and erase keep the order that std::vector would") {
  CompactVector<std::string> v;
  for (int i = 0; i < 5; ++i) v.push_back("s" + std::to_string(i));  // grows past several capacities
  CHECK(v.size() == 5);
  CHECK(v.capacity() >= 5);
  v.insert(v.begin() + 2, "new");
  CHECK(contents(v) == std::vector<std::string>{"s0", "s1", "new", "s2", "s3", "s4"});
  v.erase(v.begin() + 1, v.begin() + 3);
  CHECK(contents(v) == std::vector<std::string>{"s0", "s2", "s3", "s4"});
  CHECK(erase_if(v, [](const std::string& s) { return s == "s3" || s == "s0"; }) == 2);
  CHECK(contents(v) == std::vector<std::string>{"s2", "s4"});
  CHECK(v.front() == "s2");
  CHECK(v.back() == "s4");
  CHECK(v.at(1) == "s4");
  CHECK_THROWS_AS((void)v.at(2), std::out_of_range);
}

TEST_CASE("reserve allocates exactly what is asked, and a push_back of its own element survives growth") {
  CompactVector<std::string> v;
  v.reserve(3);
  CHECK(v.capacity() == 3);
  v.push_back(std::string(40, 'a'));  // too long for the small-string buffer: moved by pointer
  v.push_back("b");
  v.push_back("c");
  v.push_back(v.front());  // grows while copying an element of the old block
  CHECK(v.size() == 4);
  CHECK(v.back() == std::string(40, 'a'));
}

TEST_CASE("copies are deep, moves take the block, clear frees it") {
  CompactVector<std::string> a{"x", "y"};
  CompactVector<std::string> b = a;
  b[0] = "changed";
  CHECK(a[0] == "x");
  CHECK_FALSE(a == b);
  b = a;
  CHECK(a == b);
  CompactVector<std::string> c = std::move(a);
  CHECK(contents(c) == std::vector<std::string>{"x", "y"});
  c.clear();
  CHECK(c.empty());
  CHECK(c.capacity() == 0);
}

TEST_CASE("elements sort in place through the pointer iterators") {
  CompactVector<int> v{3, 1, 2};
  std::sort(v.begin(), v.end());
  CHECK(std::vector<int>(v.begin(), v.end()) == std::vector<int>{1, 2, 3});
}
