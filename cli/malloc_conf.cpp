// jemalloc's options for the zonesign program, which jemalloc reads from this
// symbol when it starts (jemalloc(3), "TUNING"); linked only with jemalloc.
//
// One arena: the signer builds large structures on worker threads (the NSEC3
// chain's nodes, the signatures) that outlive them, and with jemalloc's
// default of four arenas per core each worker's leftovers stay in its own
// arena, which nothing else reuses. On a 1M-name zone that cost 58 MB of peak
// memory (678 MB against 620 MB for a full sign, 514 against 445 for a
// re-sign); with one arena the peak is as when those nodes were built on one
// thread, and the wall time is the same (each thread's cache takes most
// allocations without the arena's lock).
extern "C" {
// The name and the type are those jemalloc declares and reads.
const char* malloc_conf = "narenas:1";
}
