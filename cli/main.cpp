// zonesign: a DNSSEC signer for authoritative zones.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app.hpp"
#include "commands.hpp"

namespace {

// Broken invariants are exceptions (STYLE.md); none may end the process in
// std::terminate (an abort and a core file in a cron job), so each is
// reported in the usual error format with an exit code of its own.
int internal_error(const char* what) {
  std::fprintf(stderr, "error: internal error: %s\n", what);
  return zs::cli::exit_internal;
}

int run(int argc, char** argv) {
  zs::cli::set_program_path(argc > 0 ? argv[0] : nullptr);
  CLI::App app;
  const std::vector<zs::cli::Command> commands = zs::cli::build_app_for(app, argc > 1 ? argv[1] : "");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports a missing required option (or subcommand) before the
    // arguments it did not recognise, and then does not name them: a typo
    // ("--polcy") would read as "ZONEFILE is required". Name them first.
    if (e.get_exit_code() != 0) {
      std::string unknown;
      std::string where = "zonesign";
      auto collect = [&](const CLI::App& a) {
        for (const auto& word : a.remaining())
          if (word.size() > 1 && word[0] == '-') unknown += (unknown.empty() ? "" : " ") + word;
      };
      collect(app);
      for (const CLI::App* sub : app.get_subcommands()) {
        collect(*sub);
        where += " " + sub->get_name();
      }
      if (!unknown.empty()) {
        std::fprintf(stderr, "error: unknown option for `%s`: %s\nRun `%s --help` for the options.\n",
                     where.c_str(), unknown.c_str(), where.c_str());
        return zs::cli::exit_usage;
      }
    }
    int code = app.exit(e);
    return code == 0 ? 0 : zs::cli::exit_usage;
  }
  for (const auto& [name, action] : commands)
    if (app.got_subcommand(name)) return action();
  return zs::cli::exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    return internal_error(e.what());
  } catch (...) {
    return internal_error("an exception of unknown type");
  }
}
