#include "freed_pages.hpp"

#include <sys/types.h>

#include <cstddef>

// jemalloc's control interface (jemalloc(3), "MALLCTL NAMESPACE"). Weak: a
// program linked without jemalloc (the unit tests, the sanitizer builds)
// finds it null and leaves its allocator alone.
extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen)
    __attribute__((weak));

namespace zs::cli {

bool keep_freed_pages() noexcept {
  if (mallctl == nullptr) return false;
  // -1: never purge. "arenas" sets it for arenas made from now on (the huge
  // arena is made at the first allocation of 8 MiB, and takes -1 as its own
  // instead of purging at once); arena 4096 (MALLCTL_ARENAS_ALL) is every
  // arena that exists already.
  ssize_t never = -1;
  bool all = true;
  for (const char* name : {"arenas.dirty_decay_ms", "arenas.muzzy_decay_ms", "arena.4096.dirty_decay_ms",
                           "arena.4096.muzzy_decay_ms"})
    all = mallctl(name, nullptr, nullptr, &never, sizeof never) == 0 && all;
  return all;
}

}  // namespace zs::cli
