// LD_PRELOAD shim for the crash-safety test (issue 4 "Proof"): kills the
// process with SIGKILL just before it renames a file into place whose name
// ends in "state.yaml" after it has renamed the signed zone into place --
// after `zonesign sign` has published the zone and before it commits the key
// state. (A run that makes keys also writes state.yaml once before the zone,
// listing them as unpublished: keys/key_store.hpp; that write is let through.) SIGKILL cannot be caught, so nothing the program does afterwards
// (destructors, atexit, unlocking) runs: the same as a power cut between the
// two writes, minus the page cache.
// With ZONESIGN_CRASH_AT=index-append it kills instead right after the
// first write into a file named signatures.index in place (a re-sign that
// appends its index to the previous one's file, signer/signature_reuse.hpp):
// the new entries are in the file, the header and footer that make them an
// index are not. With ZONESIGN_CRASH_AT=index-afresh, right after the first
// write into the temporary file of an index written afresh (which a watcher
// polling the folder can miss: a small index lives there for a millisecond).
// With ZONESIGN_CRASH_AT=state-temp, right after the first write into the
// temporary file of state.yaml once the zone is published (it lives a few
// milliseconds, which a polling watcher missed now and then). Renames are
// then let through.
#include <dlfcn.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

bool is_state_file(const char* path) {
  static constexpr char suffix[] = "state.yaml";
  const std::size_t n = std::strlen(path), s = sizeof(suffix) - 1;
  return n >= s && std::strcmp(path + n - s, suffix) == 0;
}

// Renames of the key folder's own files (new private keys, their journal)
// come before the zone's; any other rename is the zone's.
bool is_key_folder_file(const char* path) {
  const std::size_t n = std::strlen(path);
  return (n >= 4 && std::strcmp(path + n - 4, ".pem") == 0) ||
         (n >= 12 && std::strcmp(path + n - 12, "pending-keys") == 0);
}

bool zone_published = false;

bool crash_at(const char* what) {
  const char* at = std::getenv("ZONESIGN_CRASH_AT");
  return at && std::strcmp(at, what) == 0;
}

// The name of the file `fd` is open on, or "".
std::string file_name(int fd) {
  char link[64], path[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return std::string();
  const std::string full(path, static_cast<std::size_t>(n));
  return full.substr(full.rfind('/') + 1);
}

// Whether `fd` is open on a file named signatures.index (not a temporary
// file beside it, which a run writing its index afresh makes).
bool is_index_in_place(int fd) { return file_name(fd) == "signatures.index"; }
bool is_index_temp(int fd) { return file_name(fd).starts_with(".signatures.index.tmp-"); }
bool is_state_temp(int fd) { return file_name(fd).starts_with(".state.yaml.tmp-"); }

// Whether the kill is set for another moment than state.yaml's rename.
bool killing_elsewhere() { return crash_at("index-append") || crash_at("index-afresh") || crash_at("state-temp"); }

bool should_die(const char* to) {
  if (is_state_file(to)) return zone_published && !killing_elsewhere();
  if (!is_key_folder_file(to)) zone_published = true;
  return false;
}

template <class F>
F next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int rename(const char* from, const char* to) {
  if (should_die(to)) raise(SIGKILL);
  static auto real = next<int (*)(const char*, const char*)>("rename");
  return real(from, to);
}

int renameat(int fromdir, const char* from, int todir, const char* to) {
  if (should_die(to)) raise(SIGKILL);
  static auto real = next<int (*)(int, const char*, int, const char*)>("renameat");
  return real(fromdir, from, todir, to);
}

int renameat2(int fromdir, const char* from, int todir, const char* to, unsigned int flags) {
  if (should_die(to)) raise(SIGKILL);
  static auto real = next<int (*)(int, const char*, int, const char*, unsigned int)>("renameat2");
  return real(fromdir, from, todir, to, flags);
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
  static auto real = next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  const ssize_t n = real(fd, data, size, offset);
  if (n > 0 && crash_at("index-append") && is_index_in_place(fd)) raise(SIGKILL);
  return n;
}

ssize_t pwrite64(int fd, const void* data, size_t size, off_t offset) {
  static auto real = next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite64");
  const ssize_t n = real(fd, data, size, offset);
  if (n > 0 && crash_at("index-append") && is_index_in_place(fd)) raise(SIGKILL);
  return n;
}

ssize_t write(int fd, const void* data, size_t size) {
  static auto real = next<ssize_t (*)(int, const void*, size_t)>("write");
  const ssize_t n = real(fd, data, size);
  if (n > 0 && crash_at("index-afresh") && is_index_temp(fd)) raise(SIGKILL);
  if (n > 0 && crash_at("state-temp") && zone_published && is_state_temp(fd)) raise(SIGKILL);
  return n;
}

}  // extern "C"
