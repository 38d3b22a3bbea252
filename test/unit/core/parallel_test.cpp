#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <system_error>

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

// A thread that cannot start (EAGAIN) while the started ones wait for it:
// run_on_threads with a cancel releases them and throws, instead of
// hanging. Made real in a child process that runs as nobody under a limit of
// two processes (itself and one thread); root ignores RLIMIT_NPROC, so the
// child drops to nobody first. An alarm turns a hang into a failure.
TEST_CASE("parts that wait on each other are released when one of their threads cannot start") {
  if (::geteuid() != 0) {
    MESSAGE("needs root to run a child as nobody under a thread limit: nothing tested here");
    return;
  }
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::alarm(20);
    const rlimit limit{2, 2};
    if (::setgid(65534) != 0 || ::setuid(65534) != 0 || ::setrlimit(RLIMIT_NPROC, &limit) != 0) ::_exit(3);
    std::mutex mutex;
    std::condition_variable changed;
    bool released = false;
    try {
      // Part 0 waits for part 2, which never starts.
      run_on_threads(
          3,
          [&](std::size_t) {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return released; });
          },
          [&] {
            std::lock_guard lock(mutex);
            released = true;
            changed.notify_all();
          });
    } catch (const std::system_error&) {
      ::_exit(released ? 0 : 4);
    }
    ::_exit(5);  // every thread started: the limit did not hold
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));  // not killed by the alarm: no hang
  if (WEXITSTATUS(status) == 5) {
    MESSAGE("the thread limit did not stop a thread here: nothing tested");
    return;
  }
  CHECK(WEXITSTATUS(status) == 0);
}
