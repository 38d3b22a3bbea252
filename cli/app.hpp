// The zonesign command tree: every subcommand registered on one CLI::App.
// main() parses and runs it; the manual generator (manual.hpp) and the unit
// tests walk the same tree, so the man pages, the bash completion and --help
// cannot drift apart.
#pragma once

#include <string>
#include <string_view>
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

// What main() parses: when `first_argument` (argv[1]) names a runnable
// subcommand, only that one is registered (with the program description,
// --version and its example footer), since a run parses one subcommand;
// otherwise (--help, --version, a typo, generate-docs) the whole tree of
// build_app(). CLI11 builds an Option object per option of every subcommand:
// the whole tree was a fifth of the instructions of `zonesign --version`
// (1.9M of 9.6M) and of the CPU of a sanitizer build's short run.
[[nodiscard]] std::vector<Command> build_app_for(CLI::App& app, std::string_view first_argument);

}  // namespace zs::cli
