// Memory left for the process's end to take back: a large structure that a
// short-lived program would otherwise free block by block just before it
// exits. At a million names the zone is millions of small blocks, and
// freeing them cost 0.2 s of a 3 s re-sign, where the kernel takes the whole
// address space back at once. Only for a caller whose process ends after
// the run (the command line's `sign`); in a program that goes on, each call
// is a leak. LeakSanitizer is told, so that the sanitizer builds still
// report the leaks that are not meant.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace zs {

template <class T>
void leave_to_exit(T&& value) {
  auto kept = std::make_unique<std::remove_cvref_t<T>>(std::forward<T>(value));
#if defined(__SANITIZE_ADDRESS__)
  __lsan_ignore_object(kept.get());  // and what it reaches
#endif
  static_cast<void>(kept.release());
}

}  // namespace zs
