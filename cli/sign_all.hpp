// `zonesign sign --config FILE` without --zone: signs every zone of the
// config (docs/config.md). Each zone is its own `sign --config FILE --zone
// NAME` process, run by a small pool: a zone that fails, runs out of memory
// or crashes cannot stop or corrupt the others, and each keeps the
// single-zone guarantees (its key folder lock, its transaction, its exit
// code) unchanged. Every line a zone prints is prefixed with the zone, and
// --metrics-file gathers every zone's metrics into one file.
#pragma once

#include <CLI/CLI.hpp>

#include "each_zone.hpp"
#include "policy/config.hpp"

namespace zs::cli {

// What the whole run was asked for beyond each zone's options.
struct SignAllOptions {
  unsigned threads = 0;  // for all zones together; 0: the cores
  bool json = false;
  bool verbose = false;
  // --metrics-file (when given): one file holding every zone's metrics
  // (docs/monitoring.md).
  std::string metrics_file;
  std::string now;  // --now as typed, for the metrics of a zone whose run wrote none
};

// Runs `sign` for every zone of `config` with the options given on `cmd`
// (those a zone takes from the config excepted), one zone per core at a
// time, each zone with its share of `options.threads`. With `json`, one JSON
// document on standard output holds each zone's summary. With a metrics
// file, each zone's run writes its metrics to a temporary file beside it, and
// they are merged into that file at the end, failed zones included. Returns
// the worst zone's exit code.
int sign_all_zones(const CLI::App& cmd, const Config& config, const std::string& config_file,
                   const SignAllOptions& options);

}  // namespace zs::cli
