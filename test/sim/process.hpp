// Runs the zonesign binary as cron would: a child process with an argument
// vector (no shell), its standard output and error captured in files, and
// optionally an LD_PRELOAD library (the crash shim). The simulation needs to
// tell a normal exit from a death by signal, so the result says which.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"

namespace zs::sim {

struct ProcessResult {
  bool exited = false;  // exited normally (then `code`), else killed by `signal`
  int code = 0;
  int signal = 0;
  std::string out;  // captured standard output
  std::string err;  // captured standard error

  std::string describe() const;  // "exit 10", "killed by signal 9"
};

struct ProcessOptions {
  std::string capture_dir;  // where stdout/stderr files go (overwritten each call)
  std::string preload;      // LD_PRELOAD value for the child, empty for none
};

// Spawns `argv[0]` with `argv` and waits for it. Errors: Errc::io when it
// cannot be started at all.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options);

}  // namespace zs::sim
