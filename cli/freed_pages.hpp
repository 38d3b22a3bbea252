// The allocator's handling of freed pages for one run of the program.
#pragma once

namespace zs::cli {

// Asks jemalloc, when the program runs on it (cli/malloc_conf.cpp), to keep
// the pages freed from now on for the allocations that follow instead of
// giving them back to the kernel. jemalloc hands every freed allocation of
// 8 MiB or more back at once (its huge arena purges immediately), and a
// signer frees many (the parsed records, the sort keys, the nodes before the
// NSEC3 chain is merged in); each page asked for again costs a page fault,
// about 4 us on the VMs measured (docs/performance.md). The price is memory:
// freed pages stay resident until the process ends. Returns whether the
// setting took; false without jemalloc (the unit tests, the sanitizer
// builds), where it does nothing.
bool keep_freed_pages() noexcept;

}  // namespace zs::cli
