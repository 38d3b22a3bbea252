// zonesign: a DNSSEC signer for authoritative zones.
#include <cstdio>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"zonesign: sign DNS zones with DNSSEC, print DS records, verify signed zones"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "zonesign 0.1.0");
  zs::cli::Action sign = zs::cli::add_sign_command(app);
  zs::cli::Action ds = zs::cli::add_ds_command(app);
  zs::cli::Action keygen = zs::cli::add_keygen_command(app);
  zs::cli::Action verify = zs::cli::add_verify_command(app);
  zs::cli::Action rollover = zs::cli::add_rollover_command(app);
  zs::cli::Action status = zs::cli::add_status_command(app);
  zs::cli::Action plan = zs::cli::add_plan_command(app);
  zs::cli::Action check = zs::cli::add_check_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : zs::cli::exit_usage;
  }
  if (app.got_subcommand("sign")) return sign();
  if (app.got_subcommand("ds")) return ds();
  if (app.got_subcommand("keygen")) return keygen();
  if (app.got_subcommand("verify")) return verify();
  if (app.got_subcommand("rollover")) return rollover();
  if (app.got_subcommand("status")) return status();
  if (app.got_subcommand("plan")) return plan();
  if (app.got_subcommand("check")) return check();
  return zs::cli::exit_usage;
}
