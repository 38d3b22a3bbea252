// Man pages and bash completion generated from the command tree itself
// (app.hpp): the options, their help texts, required flags and defaults as
// CLI11 holds them, plus the example table (examples.hpp). One source, so a
// new option shows up in --help, in its man page and in completion at once.
// The pages are roff for the man(7) macros: zonesign(1) and zonesign-SUB(1)
// for every visible subcommand, nested ones as zonesign-key-adopt(1).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "core/error.hpp"

namespace zs::cli {

// The hidden subcommand for packagers and the build (cli/CMakeLists.txt):
//   zonesign generate-docs --man DIR --bash-completion FILE
// It is left out of --help, of the pages and of completion.
inline constexpr std::string_view packager_command_name = "generate-docs";

// Registers the packager subcommand; its action walks `app`.
Action add_packager_command(CLI::App& app);

// `text` as roff input text: a backslash prints as one, every '-' is the
// ASCII hyphen-minus (\-, which man-db renders as '-', so options can be
// searched and pasted), a line starting with '.' or '\'' is not taken for a
// request, and characters beyond ASCII become \[uXXXX] escapes (groff reads
// the page without an encoding declaration). Newlines are kept.
std::string roff_escape(std::string_view text);

struct ManPage {
  std::string file;  // "zonesign.1", "zonesign-key-adopt.1"
  std::string text;  // roff source
};

// zonesign(1), then one page per visible subcommand, depth first, in the
// order of --help.
std::vector<ManPage> man_pages(const CLI::App& app);

// A bash completion script for the tree: subcommands, each subcommand's
// options, the values of options with a fixed set of choices, and file or
// folder names for options and positional arguments that take a path. It
// defines _zonesign and runs `complete -F _zonesign zonesign`.
std::string bash_completion(const CLI::App& app);

// Writes man_pages(app) into `dir` (created if missing). Errors: io.
Result<void> write_man_pages(const CLI::App& app, const std::string& dir);

}  // namespace zs::cli
