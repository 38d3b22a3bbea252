// The options that bound what a zone file may reach, shared by `sign`,
// `check --zone` and `verify` (issue 9): for zone files from elsewhere (a
// pull request, a customer), `--no-include` refuses every $INCLUDE and
// `--include-root DIR` allows only files below DIR (links resolved);
// `--max-input-size SIZE` caps the zone file and its includes together.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "zonefile/zonefile.hpp"

namespace zs::cli {

struct InputCliOptions {
  bool no_include = false;
  std::string include_root;
  std::string max_input_size;
};

// Registers --no-include, --include-root and --max-input-size on `cmd`.
void add_input_options(CLI::App& cmd, InputCliOptions& options);

// The parser's ZoneInputOptions. Usage errors: --include-root naming no
// folder, a malformed or zero --max-input-size.
Result<ZoneInputOptions> zone_input_options(const InputCliOptions& options);

// "16G", "512MiB", "100k", "1000": binary units K, M, G, T (with or without
// "iB" or "B"), case-insensitive. nullopt when malformed or zero.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace zs::cli
