// The example command lines of every subcommand: one table that feeds both
// the footer of `zonesign SUB --help` and the EXAMPLES section of the man
// page zonesign-SUB(1) (manual.hpp), so the two always show the same lines.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace zs::cli {

struct Example {
  // The subcommand's path below `zonesign`: "sign", "key adopt".
  std::string_view command;
  // What the line does, as a sentence for a person.
  std::string_view purpose;
  // The whole command line, starting with "zonesign ", words separated by
  // single spaces (unit tests parse each one with the real command tree).
  std::string_view line;
};

// Every example, grouped by subcommand in the order of `zonesign --help`.
// A subcommand named here that the program does not have is skipped.
std::span<const Example> examples();

// The examples of one subcommand path ("sign", "key adopt"), exactly.
std::vector<Example> examples_for(std::string_view command);

// The examples shown for `sub`: its own; for a group without any (such as
// "key"), those of its visible subcommands, so only lines the program can run.
std::vector<Example> examples_of(const CLI::App& sub);

// "sign", "key adopt": the words of `sub` below the root app.
std::string command_path(const CLI::App& sub);

// Sets the --help footer of every visible subcommand (nested ones too) to its
// examples. A subcommand without any keeps CLI11's empty footer.
void apply_example_footers(CLI::App& app);

// The visible subcommands (paths, nested included) for which examples_of()
// is empty: the unit tests require none.
std::vector<std::string> subcommands_without_examples(const CLI::App& app);

}  // namespace zs::cli
