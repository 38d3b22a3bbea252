// LD_PRELOAD shim for the crash-safety test (issue 4 "Proof"): kills the
// process with SIGKILL just before it renames a file into place whose name
// ends in "state.yaml" -- after `zonesign sign` has written the signed zone
// (AtomicFile: temp file, fsync, rename) and before it commits the key
// state. SIGKILL cannot be caught, so nothing the program does afterwards
// (destructors, atexit, unlocking) runs: the same as a power cut between the
// two writes, minus the page cache.
#include <dlfcn.h>
#include <signal.h>

#include <cstring>

namespace {

bool is_state_file(const char* path) {
  static constexpr char suffix[] = "state.yaml";
  const std::size_t n = std::strlen(path), s = sizeof(suffix) - 1;
  return n >= s && std::strcmp(path + n - s, suffix) == 0;
}

template <class F>
F next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int rename(const char* from, const char* to) {
  if (is_state_file(to)) raise(SIGKILL);
  static auto real = next<int (*)(const char*, const char*)>("rename");
  return real(from, to);
}

int renameat(int fromdir, const char* from, int todir, const char* to) {
  if (is_state_file(to)) raise(SIGKILL);
  static auto real = next<int (*)(int, const char*, int, const char*)>("renameat");
  return real(fromdir, from, todir, to);
}

int renameat2(int fromdir, const char* from, int todir, const char* to, unsigned int flags) {
  if (is_state_file(to)) raise(SIGKILL);
  static auto real = next<int (*)(int, const char*, int, const char*, unsigned int)>("renameat2");
  return real(fromdir, from, todir, to, flags);
}

}  // extern "C"
