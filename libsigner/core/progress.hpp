// Progress of a long run, for a person watching it: a use case names the step
// it is in and counts the work done; the front end decides whether and how to
// show it (cli/progress: a line on a terminal, nothing under cron). A run with
// no observer passes nullptr and pays nothing.
#pragma once

#include <cstdint>
#include <string_view>

namespace zs {

class Progress {
 public:
  virtual ~Progress() = default;
  // A new step ("reading", "signing", "writing", "checking") of `total` units
  // (0: unknown). Called by the thread that runs the use case.
  virtual void step(std::string_view name, std::uint64_t total) = 0;
  // `units` more of the current step are done. Safe from any thread; callers
  // on hot paths add in batches.
  virtual void advance(std::uint64_t units) = 0;
};

// Null-safe helpers for the use cases.
inline void progress_step(Progress* p, std::string_view name, std::uint64_t total) {
  if (p) p->step(name, total);
}
inline void progress_advance(Progress* p, std::uint64_t units) {
  if (p && units) p->advance(units);
}

}  // namespace zs
