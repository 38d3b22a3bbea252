// `zonesign sign --config FILE` without --zone: signs every zone of the
// config (docs/config.md). Each zone is its own `sign --config FILE --zone
// NAME` process, run by a small pool: a zone that fails, runs out of memory
// or crashes cannot stop or corrupt the others, and each keeps the
// single-zone guarantees (its key folder lock, its transaction, its exit
// code) unchanged. Every line a zone prints is prefixed with the zone.
#pragma once

#include <CLI/CLI.hpp>

#include "policy/config.hpp"

namespace zs::cli {

// How bad a sign exit code is, for the worst of many (docs/config.md):
// 70 (internal) > 2 (usage) > 1 (error) > 12 (published, state not saved) >
// 11 > any other code (10, or what --action-needed-exit made of it) > 0.
int exit_code_severity(int code) noexcept;

// Runs `sign` for every zone of `config` with the options given on `cmd`
// (those a zone takes from the config excepted), `jobs` zones at a time
// (0: one per core, at most the number of zones), each zone with its share
// of `threads` (0: of the cores). With `json`, one JSON document on standard
// output holds each zone's summary. Returns the worst zone's exit code.
int sign_all_zones(const CLI::App& cmd, const Config& config, const std::string& config_file, unsigned threads,
                   bool json, bool verbose);

}  // namespace zs::cli
