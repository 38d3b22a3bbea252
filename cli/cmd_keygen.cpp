// zonesign keygen --origin NAME --keys DIR --role ksk|zsk|csk --algorithm ALG [--policy P] [--json]
// With --policy, the key is made where the policy keeps new keys: in a PKCS#11 token when its
// keys.store is pkcs11 (docs/hsm.md), else as a PEM file.
// With --json the key made is a document on standard output (docs/json.md);
// a failure prints none (the error on standard error), as on sign and ds.
#include <cstdio>

#include "commands.hpp"
#include "render_reports.hpp"
#include "signer/keygen.hpp"

namespace zs::cli {

namespace {
struct KeygenOptions {
  std::string origin;
  std::string keys;
  std::string role = "ksk";
  std::string algorithm = "ECDSAP256SHA256";
  unsigned rsa_bits = 2048;
  std::string now;
  std::string policy;  // where new keys live (keys.store); nothing else of it is used
  bool json = false;
  ConfigCliOptions config;  // --config FILE --zone NAME: origin, keys and policy from the config
};
}  // namespace

Action add_keygen_command(CLI::App& app) {
  auto opts = std::make_shared<KeygenOptions>();
  CLI::App* cmd = app.add_subcommand("keygen", "Create a key for a zone (private key 0600, never printed)");
  cmd->add_option("--origin", opts->origin, "The zone's name (required unless --config gives it)");
  cmd->add_option("--keys", opts->keys, "Key directory (keys live in DIR/<zone>/); required");
  cmd->add_option("--role", opts->role, "ksk, zsk or csk")
      ->check(CLI::IsMember({"ksk", "zsk", "csk"}))
      ->capture_default_str();
  cmd->add_option("--algorithm", opts->algorithm, "Key algorithm")->capture_default_str();
  cmd->add_option("--rsa-bits", opts->rsa_bits, "RSA modulus size")->capture_default_str();
  cmd->add_option("--now", opts->now, now_help);
  cmd->add_option("--policy", opts->policy,
                  "YAML signing policy: with keys.store pkcs11 the key is made in its PKCS#11 token");
  cmd->add_flag("--json", opts->json, "Print the key made as JSON on standard output (no secret)");
  add_config_options(*cmd, opts->config);
  return [opts, cmd]() -> int {
    if (auto ok = apply_zone_config(*cmd, opts->config,
                                    {{"--origin", &opts->origin, ZoneField::origin, true},
                                     {"--keys", &opts->keys, ZoneField::keys},
                                     {"--policy", &opts->policy, ZoneField::policy}});
        !ok)
      return report_error(ok.error());
    auto origin = parse_origin(opts->origin);
    if (!origin) return report_error(origin.error());
    auto keys = require_keys(opts->keys);
    if (!keys) return report_error(keys.error());
    auto alg = parse_algorithm(opts->algorithm);
    if (!alg) return report_error(alg.error());
    auto now = parse_now(opts->now, TimeUse::signing);
    if (!now) return report_error(now.error());
    if (opts->rsa_bits < 2048 || opts->rsa_bits > 4096)
      return report_error(Error(Errc::usage, "--rsa-bits: must be between 2048 and 4096"));
    KeygenRequest request{*origin, *keys, *role_from_string(opts->role), *alg, opts->rsa_bits, *now, std::nullopt};
    if (!opts->policy.empty()) {
      auto policy = load_policy_file(opts->policy);
      if (!policy) return report_error(policy.error());
      request.token = token_for_new_keys(*policy);
    }
    auto info = generate_key(request);
    if (!info) return report_error(info.error());
    if (opts->json) {
      const std::string text = keygen_json(*origin, *keys, *now, *info);
      std::fwrite(text.data(), 1, text.size(), stdout);
      return exit_ok;
    }
    std::printf("created %s %u (%s, %u bits) for %s: %s\n", std::string(role_name(info->role)).c_str(),
                info->tag, algorithm_name(info->algorithm).c_str(), info->bits, origin->to_string().c_str(),
                info->file.c_str());
    return exit_ok;
  };
}

}  // namespace zs::cli
