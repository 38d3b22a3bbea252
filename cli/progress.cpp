#include "progress.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace zs::cli {

namespace {

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string clock_text(std::int64_t seconds) {
  char buf[32];
  if (seconds >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
  return buf;
}

}  // namespace

TerminalProgress::TerminalProgress(std::FILE* out, std::chrono::milliseconds delay)
    : out_(out), delay_(delay), thread_([this](std::stop_token stop) { run(stop); }) {}

TerminalProgress::~TerminalProgress() {
  thread_.request_stop();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  erase();
}

void TerminalProgress::step(std::string_view name, std::uint64_t total) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    step_ = name;
    total_ = total;
    step_started_ = now;
    done_.store(0, std::memory_order_relaxed);
  }
  // Once the line is shown, a new step appears at once rather than at the
  // next tick, so a short step is not skipped.
  if (now - started_ >= delay_) draw();
}

void TerminalProgress::advance(std::uint64_t units) { done_.fetch_add(units, std::memory_order_relaxed); }

std::string TerminalProgress::render(std::string_view step, std::uint64_t done, std::uint64_t total,
                                     std::chrono::steady_clock::duration elapsed) {
  std::string line(step);
  if (total == 0) {
    if (done > 0) line += "  " + with_commas(done);
    return line;
  }
  if (done > total) done = total;
  line += "  " + with_commas(done) + " / " + with_commas(total);
  line += "  " + std::to_string(done * 100 / total) + "%";
  // The rate of this step so far; an estimate only once there is one.
  const double seconds = std::chrono::duration<double>(elapsed).count();
  if (done > 0 && seconds >= 1.0) {
    const double left = seconds * static_cast<double>(total - done) / static_cast<double>(done);
    line += "  about " + clock_text(static_cast<std::int64_t>(left + 0.5)) + " left";
  }
  return line;
}

void TerminalProgress::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  // The predicate is never true: these waits end at their timeout or when
  // the destructor asks the thread to stop.
  wake_.wait_for(lock, stop, delay_, [] { return false; });
  while (!stop.stop_requested()) {
    lock.unlock();
    draw();
    lock.lock();
    wake_.wait_for(lock, stop, std::chrono::milliseconds(250), [] { return false; });
  }
}

void TerminalProgress::draw() {
  std::string line;
  {
    std::lock_guard lock(mutex_);
    if (step_.empty()) return;
    line = render(step_, done_.load(std::memory_order_relaxed), total_,
                  std::chrono::steady_clock::now() - step_started_);
    drawn_ = true;
  }
  // "\r" and erase-to-end-of-line: the line is redrawn in place.
  std::fprintf(out_, "\r\033[K%s", line.c_str());
  std::fflush(out_);
}

void TerminalProgress::erase() {
  std::lock_guard lock(mutex_);
  if (!drawn_) return;
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
  drawn_ = false;
}

std::chrono::milliseconds progress_delay(const char* setting) {
  constexpr std::chrono::milliseconds fallback(1000);
  if (!setting || !*setting) return fallback;
  char* end = nullptr;
  errno = 0;
  const unsigned long long ms = std::strtoull(setting, &end, 10);
  if (*end != '\0' || errno != 0 || setting[0] == '-' || ms > 3'600'000) return fallback;
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

std::unique_ptr<TerminalProgress> progress_for_stderr(bool quiet) {
  if (quiet || !::isatty(STDERR_FILENO)) return nullptr;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return nullptr;
  return std::make_unique<TerminalProgress>(stderr, progress_delay(std::getenv("ZONESIGN_PROGRESS_DELAY_MS")));
}

}  // namespace zs::cli
