#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>

#include "core/parallel.hpp"

using namespace zs;

TEST_CASE("work on threads runs every slice once and joins before returning") {
  std::atomic<int> done{0};
  std::vector<int> hit(8, 0);
  run_on_threads(hit.size(), [&](std::size_t i) {
    ++hit[i];
    ++done;
  });
  CHECK(done == 8);
  for (int h : hit) CHECK(h == 1);
}

TEST_CASE("an exception in a worker thread reaches the caller instead of terminating the process") {
  std::atomic<int> finished{0};
  auto run = [&] {
    run_on_threads(4, [&](std::size_t i) {
      if (i == 2) throw std::runtime_error("worker 2 failed");
      ++finished;
    });
  };
  CHECK_THROWS_WITH_AS(run(), "worker 2 failed", std::runtime_error);
  CHECK(finished == 3);  // the other workers ran to the end and were joined
}
