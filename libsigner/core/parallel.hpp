// Work split over threads, with exceptions carried back to the caller.
//
// An exception that leaves a std::thread's function calls std::terminate: an
// abort, a core file, and no error message, in the middle of a cron run. The
// signer and the verifier split their work over threads, so every worker runs
// inside run_on_threads(), which joins all workers and rethrows the first
// exception one of them threw on the calling thread, where main() reports it
// (exit 70) after the stack has unwound (and a key store has undone its
// staged changes).
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace zs {

// Calls work(i) for each i in [0, count), each on its own thread (count <= 1
// runs it on the calling thread), and returns once all have finished.
//
// With `cancel`, for parts that wait on each other (a writer and the readers
// that follow it): should a thread fail to start (EAGAIN: out of memory, a
// thread limit), `cancel` is called before the threads already started are
// joined, so that none of them waits forever for a part that never runs;
// then the failure is thrown. `cancel` must release every wait.
template <class Work, class Cancel>
void run_on_threads(std::size_t count, Work&& work, Cancel&& cancel) {
  if (count <= 1) {
    if (count == 1) work(std::size_t{0});
    return;
  }
  std::exception_ptr first;
  std::mutex guard;
  {
    std::vector<std::jthread> workers;
    workers.reserve(count);
    try {
      for (std::size_t i = 0; i < count; ++i)
        workers.emplace_back([&, i] {
          try {
            work(i);
          } catch (...) {
            std::lock_guard lock(guard);
            if (!first) first = std::current_exception();
          }
        });
    } catch (...) {
      cancel();
      throw;  // the started workers are joined as `workers` goes
    }
  }  // joins
  if (first) std::rethrow_exception(first);
}

// Parts that do not wait on each other: nothing to cancel.
template <class Work>
void run_on_threads(std::size_t count, Work&& work) {
  run_on_threads(count, std::forward<Work>(work), [] {});
}

// std::stable_sort of [first, last) by `less`, its two halves sorted on two
// threads when there are enough elements (and a second core) to gain from it,
// then merged. Stable either way, so the result is the same as one thread's.
template <class Iterator, class Less>
void stable_sort_on_threads(Iterator first, Iterator last, Less less) {
  constexpr std::ptrdiff_t per_thread_minimum = 1 << 16;
  const auto count = last - first;
  if (count < 2 * per_thread_minimum || std::thread::hardware_concurrency() < 2) {
    std::stable_sort(first, last, less);
    return;
  }
  const Iterator middle = first + count / 2;
  run_on_threads(2, [&](std::size_t half) {
    if (half == 0)
      std::stable_sort(first, middle, less);
    else
      std::stable_sort(middle, last, less);
  });
  std::inplace_merge(first, middle, last, less);
}

// Calls slice(begin, end) over [0, count) cut in slices, on a few threads
// (at most 8, each with at least 16,384 indexes) when there are enough: for
// work where every index is independent and writes only its own result, so
// what comes out does not depend on the number of threads.
template <class Work>
void for_each_slice(std::size_t count, Work&& slice) {
  constexpr std::size_t per_thread_minimum = 16384;
  std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  threads = std::min(threads, std::max<std::size_t>(1, count / per_thread_minimum));
  if (threads <= 1) {
    slice(std::size_t{0}, count);
    return;
  }
  const std::size_t chunk = (count + threads - 1) / threads;
  run_on_threads((count + chunk - 1) / chunk,
                 [&](std::size_t t) { slice(t * chunk, std::min(count, (t + 1) * chunk)); });
}

// for_each_slice one index at a time.
template <class Work>
void for_each_index(std::size_t count, Work&& work) {
  for_each_slice(count, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) work(i);
  });
}

}  // namespace zs
