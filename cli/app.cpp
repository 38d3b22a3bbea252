#include "app.hpp"

#include "examples.hpp"
#include "manual.hpp"

namespace zs::cli {

namespace {

// The runnable subcommands in the order of `zonesign --help`.
struct Registrar {
  std::string_view name;
  Action (*add)(CLI::App&);
};
constexpr Registrar registrars[] = {
    {"sign", add_sign_command},         {"ds", add_ds_command},         {"keygen", add_keygen_command},
    {"verify", add_verify_command},     {"rollover", add_rollover_command}, {"status", add_status_command},
    {"plan", add_plan_command},         {"check", add_check_command},   {"key", add_key_command},
};

void describe_program(CLI::App& app) {
  app.description("zonesign: sign DNS zones with DNSSEC, print DS records, verify signed zones");
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("zonesign ") + zonesign_version());
}

}  // namespace

const char* zonesign_version() { return ZONESIGN_VERSION; }

std::vector<Command> build_app(CLI::App& app) {
  describe_program(app);
  std::vector<Command> commands;
  for (const Registrar& r : registrars) commands.push_back({std::string(r.name), r.add(app)});
  apply_example_footers(app);
  // Registered last, so that the footers and the pages skip it: it is hidden.
  commands.push_back({std::string(packager_command_name), add_packager_command(app)});
  return commands;
}

std::vector<Command> build_app_for(CLI::App& app, std::string_view first_argument) {
  for (const Registrar& r : registrars) {
    if (r.name != first_argument) continue;
    describe_program(app);
    std::vector<Command> commands = {{std::string(r.name), r.add(app)}};
    apply_example_footers(app);
    return commands;
  }
  return build_app(app);
}

}  // namespace zs::cli
