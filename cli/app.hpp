// The zonesign command tree: every subcommand registered on one CLI::App.
// main() parses and runs it; the manual generator (manual.hpp) and the unit
// tests walk the same tree, so the man pages, the bash completion and --help
// cannot drift apart.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace zs::cli {

// "0.1.0": the project's version (CMake's PROJECT_VERSION).
const char* zonesign_version();

// A top-level subcommand and the action its file registered.
struct Command {
  std::string name;
  Action action;
};

// Registers the program description, --version and every subcommand on
// `app`, then the example footers (examples.hpp) and the hidden packager
// subcommand (manual.hpp). Returns the runnable subcommands in order; their
// actions own the variables the options parse into, so they must outlive
// every parse of `app`.
[[nodiscard]] std::vector<Command> build_app(CLI::App& app);

}  // namespace zs::cli
