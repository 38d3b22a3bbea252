// The progress line of `sign` on large zones: while stderr is a terminal, one
// line redrawn in place ("signing  1,204,000 / 2,300,000  52%  about 0:41
// left"), erased when the run ends, so the summary and errors read as without
// it. Under cron, in pipes and with --quiet it draws nothing. A drawing thread
// wakes a few times a second; the signing threads only add to an atomic.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/progress.hpp"

namespace zs::cli {

class TerminalProgress final : public Progress {
 public:
  // Nothing is drawn before `delay` has passed, so that a quick run shows no
  // flicker.
  explicit TerminalProgress(std::FILE* out, std::chrono::milliseconds delay = std::chrono::milliseconds(1000));
  ~TerminalProgress() override;  // stops the thread and erases the line
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void step(std::string_view name, std::uint64_t total) override;
  void advance(std::uint64_t units) override;

  // The line for a step after `elapsed`, as drawn (tests use it directly).
  static std::string render(std::string_view step, std::uint64_t done, std::uint64_t total,
                            std::chrono::steady_clock::duration elapsed);

 private:
  void run(std::stop_token stop);
  void draw();
  void erase();

  std::FILE* out_;
  std::chrono::milliseconds delay_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::mutex mutex_;  // step_, total_, step_started_, drawn_
  std::condition_variable_any wake_;
  std::string step_;
  std::uint64_t total_ = 0;
  std::chrono::steady_clock::time_point step_started_ = started_;
  std::atomic<std::uint64_t> done_{0};
  bool drawn_ = false;
  std::jthread thread_;
};

// The delay before the line is first drawn: ZONESIGN_PROGRESS_DELAY_MS when it
// holds a number of milliseconds up to an hour, else one second. Tests set it
// to 0 so that every step is drawn whatever the machine's speed.
std::chrono::milliseconds progress_delay(const char* setting);

// A TerminalProgress on stderr when it is a terminal (and TERM is not
// "dumb") and `quiet` is false; otherwise nullptr.
std::unique_ptr<TerminalProgress> progress_for_stderr(bool quiet);

}  // namespace zs::cli
