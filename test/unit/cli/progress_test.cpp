#include "progress.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

using namespace std::chrono_literals;
using zs::cli::TerminalProgress;

namespace {

struct TempFile {
  std::FILE* f = std::tmpfile();
  ~TempFile() {
    if (f) std::fclose(f);
  }
  std::string text() const {
    std::fflush(f);
    std::rewind(f);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
    return out;
  }
};

}  // namespace

TEST_CASE("the progress line counts a step's work with a percentage and, after a second, the time left") {
  CHECK(TerminalProgress::render("reading", 0, 0, 0s) == "reading");
  CHECK(TerminalProgress::render("checking", 1234567, 0, 5s) == "checking  1,234,567");
  CHECK(TerminalProgress::render("signing", 0, 2300000, 0s) == "signing  0 / 2,300,000  0%");
  CHECK(TerminalProgress::render("signing", 1150000, 2300000, 500ms) == "signing  1,150,000 / 2,300,000  50%");
  CHECK(TerminalProgress::render("signing", 1150000, 2300000, 41s) ==
        "signing  1,150,000 / 2,300,000  50%  about 0:41 left");
  CHECK(TerminalProgress::render("signing", 1, 3601, 1s) == "signing  1 / 3,601  0%  about 1:00:00 left");
  CHECK(TerminalProgress::render("signing", 9, 5, 2s) == "signing  5 / 5  100%  about 0:00 left");
}

TEST_CASE("the delay before the first draw is one second unless ZONESIGN_PROGRESS_DELAY_MS holds a number") {
  CHECK(zs::cli::progress_delay(nullptr) == 1000ms);
  CHECK(zs::cli::progress_delay("") == 1000ms);
  CHECK(zs::cli::progress_delay("0") == 0ms);
  CHECK(zs::cli::progress_delay("250") == 250ms);
  CHECK(zs::cli::progress_delay("-1") == 1000ms);
  CHECK(zs::cli::progress_delay("12x") == 1000ms);
  CHECK(zs::cli::progress_delay("99999999999999999999999") == 1000ms);
  CHECK(zs::cli::progress_delay("3600001") == 1000ms);
}

// What a TerminalProgress with `delay` draws while `steps` runs, up to its erase.
template <class Steps>
std::string drawn(std::chrono::milliseconds delay, Steps steps) {
  TempFile out;
  REQUIRE(out.f);
  {
    TerminalProgress progress(out.f, delay);
    steps(progress);
  }
  return out.text();
}

TEST_CASE("once the delay has passed every step is drawn when it begins, and the line is erased at the end") {
  const std::string text = drawn(0ms, [](TerminalProgress& progress) {
    progress.step("reading", 0);
    progress.step("signing", 80);
    progress.advance(40);
    progress.step("writing", 0);
  });
  CHECK(text.find("\r\033[Kreading") != std::string::npos);
  CHECK(text.find("\r\033[Ksigning  0 / 80  0%") != std::string::npos);
  CHECK(text.find("\r\033[Kwriting") != std::string::npos);
  CHECK(text.ends_with("\r\033[K"));
}

TEST_CASE("a run shorter than the delay draws nothing") {
  CHECK(drawn(60s, [](TerminalProgress& progress) {
          progress.step("reading", 0);
          progress.step("signing", 80);
          progress.advance(80);
        }).empty());
}
