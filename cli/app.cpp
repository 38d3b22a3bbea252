#include "app.hpp"

#include "examples.hpp"
#include "manual.hpp"

namespace zs::cli {

const char* zonesign_version() { return ZONESIGN_VERSION; }

std::vector<Command> build_app(CLI::App& app) {
  app.description("zonesign: sign DNS zones with DNSSEC, print DS records, verify signed zones");
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("zonesign ") + zonesign_version());
  std::vector<Command> commands = {
      {"sign", add_sign_command(app)},         {"ds", add_ds_command(app)},
      {"keygen", add_keygen_command(app)},     {"verify", add_verify_command(app)},
      {"rollover", add_rollover_command(app)}, {"status", add_status_command(app)},
      {"plan", add_plan_command(app)},         {"check", add_check_command(app)},
      {"key", add_key_command(app)},
  };
  apply_example_footers(app);
  // Registered last, so that the footers and the pages skip it: it is hidden.
  commands.push_back({std::string(packager_command_name), add_packager_command(app)});
  return commands;
}

}  // namespace zs::cli
