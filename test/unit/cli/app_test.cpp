// The command tree main() parses (cli/app.hpp): the tree built for one
// subcommand must parse and print exactly what the whole tree does for it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "examples.hpp"
#include "manual.hpp"

using namespace zs::cli;

namespace {

std::vector<const CLI::App*> all_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

const CLI::App* child_named(const CLI::App& app, std::string_view name) {
  for (const CLI::App* sub : all_subcommands(app))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

// The help of `app` and of every subcommand below it, in tree order.
void collect_help(const CLI::App& app, std::vector<std::string>& out) {
  out.push_back(app.help());
  for (const CLI::App* sub : all_subcommands(app)) collect_help(*sub, out);
}

}  // namespace

TEST_CASE("the tree for a named subcommand holds only it, with the help the whole tree gives it") {
  CLI::App whole;
  const std::vector<Command> every = build_app(whole);
  int runnable = 0;
  for (const Command& command : every) {
    if (command.name == packager_command_name) continue;
    CAPTURE(command.name);
    CLI::App one;
    const std::vector<Command> built = build_app_for(one, command.name);
    REQUIRE(built.size() == 1);
    CHECK(built.front().name == command.name);
    CHECK(all_subcommands(one).size() == 1);
    CHECK(one.get_option_no_throw("--version") != nullptr);
    const CLI::App* in_one = child_named(one, command.name);
    const CLI::App* in_whole = child_named(whole, command.name);
    REQUIRE(in_one != nullptr);
    REQUIRE(in_whole != nullptr);
    std::vector<std::string> help_one, help_whole;
    collect_help(*in_one, help_one);
    collect_help(*in_whole, help_whole);
    CHECK(help_one == help_whole);
    ++runnable;
  }
  CHECK(runnable >= 9);
}

TEST_CASE("a first argument that names no runnable subcommand builds the whole tree") {
  CLI::App whole;
  const std::size_t every = build_app(whole).size();
  for (std::string_view first : {"", "--help", "--version", "sgn", "generate-docs"}) {
    CAPTURE(first);
    CLI::App app;
    CHECK(build_app_for(app, first).size() == every);
    CHECK(all_subcommands(app).size() == all_subcommands(whole).size());
  }
}

TEST_CASE("every example line parses with the tree built for its own subcommand") {
  int parsed = 0;
  for (const auto& example : examples()) {
    CAPTURE(example.line);
    const std::string_view command = example.command;
    const std::string first(command.substr(0, command.find(' ')));
    CLI::App app;
    const std::vector<Command> built = build_app_for(app, first);
    // Named in the table ahead of the subcommand's arrival: skipped, as manual_test skips it.
    if (built.size() != 1) continue;
    const CLI::App* at = &app;
    for (std::size_t begin = 0; at && begin <= command.size();) {
      const std::size_t end = std::min(command.find(' ', begin), command.size());
      at = child_named(*at, command.substr(begin, end - begin));
      begin = end + 1;
    }
    if (!at) continue;
    CHECK_NOTHROW(app.parse(std::string(example.line), true));
    CHECK(app.got_subcommand(first));
    ++parsed;
  }
  CHECK(parsed >= 10);
}
