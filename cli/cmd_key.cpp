// zonesign key adopt --origin NAME --keys DIR [--signed FILE] [--now TIME] [--dry-run] [--json]
// zonesign key import --origin NAME --keys DIR [--algorithm A --role R] [--now TIME] [--dry-run] [--json] FILE...
// zonesign key export --origin NAME --keys DIR --tag TAG --format bind --to DIR [--json]
// The `key` group: subcommands that manage a zone's key files as a whole.
// `adopt` rebuilds a lost state.yaml from the private keys in the folder
// (signer/key_adopt.hpp), the recovery that `sign` names when it finds
// private keys without a state file. `import` and `export` move keys between
// zonesign and other signers (keys/key_import.hpp, docs/keys-import.md).
#include <cstdio>

#include "commands.hpp"
#include "keys/key_import.hpp"
#include "signer/key_adopt.hpp"

namespace zs::cli {

namespace {

struct AdoptOptions {
  std::string origin;
  std::string keys;
  std::string signed_zone;
  std::string now;
  bool dry_run = false;
  bool json = false;
  ConfigCliOptions config;  // --config FILE --zone NAME: origin, keys and the published output
};

int run_adopt(const AdoptOptions& o) {
  auto origin = parse_origin(o.origin);
  if (!origin) return report_error(origin.error());
  auto keys = require_keys(o.keys);
  if (!keys) return report_error(keys.error());
  auto now = parse_now(o.now, TimeUse::signing);
  if (!now) return report_error(now.error());
  AdoptRequest request{*origin, *keys, *now, std::nullopt, o.dry_run};
  if (!o.signed_zone.empty()) request.signed_zone = o.signed_zone;
  auto report = adopt_keys(request);
  if (!report) return report_error(report.error());
  for (const auto& w : report->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  for (const auto& s : report->skipped) std::fprintf(stderr, "skipped: %s\n", s.c_str());
  if (o.json) {
    nlohmann::ordered_json doc;
    doc["zone"] = origin->to_string();
    doc["dry_run"] = o.dry_run;
    doc["adopted"] = nlohmann::ordered_json::array();
    for (const auto& k : report->adopted)
      doc["adopted"].push_back({{"tag", k.tag},
                                {"role", std::string(role_name(k.role))},
                                {"algorithm", algorithm_name(k.algorithm)},
                                {"flags", k.flags},
                                {"file", k.file},
                                {"pkcs11_uri", k.in_token() ? nlohmann::ordered_json(k.pkcs11_uri)
                                                            : nlohmann::ordered_json(nullptr)}});
    doc["skipped"] = report->skipped;
    doc["warnings"] = report->warnings;
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    for (const auto& k : report->adopted)
      std::printf("%s %s %u (%s, flags %u): %s\n", o.dry_run ? "would adopt" : "adopted",
                  std::string(role_name(k.role)).c_str(), k.tag, algorithm_name(k.algorithm).c_str(), k.flags,
                  k.in_token() ? ("in a PKCS#11 token, " + k.pkcs11_uri).c_str() : k.file.c_str());
  }
  if (!o.dry_run)
    std::fprintf(stderr,
                 "note: the adopted keys count as published from %s; their cache windows start again, and a "
                 "KSK's DS waits for --ds-seen (or the parent's servers) before any KSK rollover goes on\n",
                 format_time(*now).c_str());
  return exit_ok;
}

struct ImportOptions {
  std::string origin;
  std::string keys;
  std::vector<std::string> files;
  std::vector<std::string> pkcs11_uris;
  std::string algorithm;
  std::string role;
  std::string now;
  bool dry_run = false;
  bool json = false;
  ConfigCliOptions config;  // --config FILE --zone NAME: origin and keys
};

nlohmann::ordered_json timestamps_json(const KeyInfo& k) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [event, when] : k.timestamps) out[event] = format_time(when);
  return out;
}

int run_import(const ImportOptions& o) {
  auto origin = parse_origin(o.origin);
  if (!origin) return report_error(origin.error());
  auto keys = require_keys(o.keys);
  if (!keys) return report_error(keys.error());
  auto now = parse_now(o.now, TimeUse::signing);
  if (!now) return report_error(now.error());
  ImportRequest request{*origin, *keys, o.files, *now, std::nullopt, std::nullopt, o.dry_run, o.pkcs11_uris};
  if (!o.algorithm.empty()) {
    auto alg = parse_algorithm(o.algorithm);
    if (!alg) return report_error(alg.error());
    request.pem_algorithm = *alg;
  }
  if (!o.role.empty()) {
    auto role = role_from_string(o.role);
    if (!role) return report_error(Error(Errc::usage, "--role: expected ksk, zsk or csk, not '" + o.role + "'"));
    request.pem_role = *role;
  }
  auto report = import_keys(request);
  if (!report) return report_error(report.error());
  for (const auto& n : report->notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  for (const auto& s : report->skipped)
    std::fprintf(stderr, "skipped: key %u (%s): %s\n", s.tag, s.sources.front().c_str(), s.reason.c_str());
  if (o.json) {
    nlohmann::ordered_json doc;
    doc["zone"] = origin->to_string();
    doc["dry_run"] = o.dry_run;
    doc["imported"] = nlohmann::ordered_json::array();
    for (const auto& k : report->imported)
      doc["imported"].push_back({{"tag", k.info.tag},
                                 {"role", std::string(role_name(k.info.role))},
                                 {"algorithm", algorithm_name(k.info.algorithm)},
                                 {"flags", k.info.flags},
                                 {"bits", k.info.bits},
                                 {"file", k.info.file},
                                 {"pkcs11_uri", k.info.in_token() ? nlohmann::ordered_json(k.info.pkcs11_uri)
                                                                  : nlohmann::ordered_json(nullptr)},
                                 {"format", k.format},
                                 {"sources", k.sources},
                                 {"timestamps", timestamps_json(k.info)}});
    doc["skipped"] = nlohmann::ordered_json::array();
    for (const auto& s : report->skipped)
      doc["skipped"].push_back({{"tag", s.tag}, {"sources", s.sources}, {"reason", s.reason}});
    doc["notes"] = report->notes;
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    for (const auto& k : report->imported)
      std::printf("%s %s %u (%s, flags %u) from %s: %s\n", o.dry_run ? "would import" : "imported",
                  std::string(role_name(k.info.role)).c_str(), k.info.tag, algorithm_name(k.info.algorithm).c_str(),
                  k.info.flags, k.sources.front().c_str(),
                  k.info.in_token() ? "stays in its PKCS#11 token" : k.info.file.c_str());
  }
  const bool waits_for_ds = std::any_of(report->imported.begin(), report->imported.end(), [](const ImportedKey& k) {
    return k.info.role != Role::zsk && !k.info.timestamps.contains("ds-seen");
  });
  if (!o.dry_run && waits_for_ds)
    std::fprintf(stderr,
                 "note: the parent's DS of an imported KSK counts as asked for, not confirmed: record it with "
                 "`zonesign rollover ... --ds-seen TAG` (or let the parent's servers confirm it) before any KSK "
                 "rollover goes on\n");
  return exit_ok;
}

struct ExportOptions {
  std::string origin;
  std::string keys;
  unsigned tag = 0;
  std::string format;
  std::string to;
  bool json = false;
  ConfigCliOptions config;  // --config FILE --zone NAME: origin and keys
};

int run_export(const ExportOptions& o) {
  auto origin = parse_origin(o.origin);
  if (!origin) return report_error(origin.error());
  auto keys = require_keys(o.keys);
  if (!keys) return report_error(keys.error());
  if (o.format != "bind") return report_error(Error(Errc::usage, "--format: only 'bind' is supported"));
  if (o.tag > 65535) return report_error(Error(Errc::usage, "--tag: a key tag is 0..65535"));
  auto report = export_bind_key(ExportRequest{*origin, *keys, static_cast<std::uint16_t>(o.tag), o.to});
  if (!report) return report_error(report.error());
  const KeyInfo& k = report->key;
  if (o.json) {
    nlohmann::ordered_json doc;
    doc["zone"] = origin->to_string();
    doc["tag"] = k.tag;
    doc["role"] = std::string(role_name(k.role));
    doc["algorithm"] = algorithm_name(k.algorithm);
    doc["flags"] = k.flags;
    doc["format"] = "bind";
    doc["key_file"] = report->key_file;
    doc["private_file"] = report->private_file;
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    std::printf("exported %s %u (%s): %s, %s\n", std::string(role_name(k.role)).c_str(), k.tag,
                algorithm_name(k.algorithm).c_str(), report->key_file.c_str(), report->private_file.c_str());
  }
  return exit_ok;
}

}  // namespace

Action add_key_command(CLI::App& app) {
  CLI::App* key = app.add_subcommand("key", "Manage a zone's key files (adopt, import, export)");
  key->require_subcommand(1);
  auto adopt = std::make_shared<AdoptOptions>();
  CLI::App* cmd = key->add_subcommand(
      "adopt", "Rebuild a lost state.yaml from the private key files in DIR/<zone>/ (keeps the keys and the DS)");
  // --origin is required unless --config gives it (on each key subcommand).
  cmd->add_option("--origin", adopt->origin, "The zone's name");
  cmd->add_option("--keys", adopt->keys, "Key directory (keys live in DIR/<zone>/); required");
  cmd->add_option("--signed", adopt->signed_zone,
                  "The zone as last published: adopt only the keys in its DNSKEY RRset, with its flags");
  cmd->add_option("--now", adopt->now, now_help);
  cmd->add_flag("--dry-run", adopt->dry_run, "Show what would be adopted; write nothing");
  cmd->add_flag("--json", adopt->json, "Print the result as JSON on standard output");
  add_config_options(*cmd, adopt->config);

  auto import = std::make_shared<ImportOptions>();
  CLI::App* import_cmd = key->add_subcommand(
      "import", "Bring keys made by BIND, ldns, dnst (K*.key/.private) or Knot (PEM) into DIR/<zone>/, keeping "
                "their DS valid");
  import_cmd->add_option("--origin", import->origin, "The zone's name");
  import_cmd->add_option("--keys", import->keys, "Key directory (keys live in DIR/<zone>/); required");
  import_cmd->add_option("--algorithm", import->algorithm,
                         "For PEM files and --pkcs11-uri only: the key's algorithm (RSA: which one it signs for)");
  import_cmd->add_option("--role", import->role, "For PEM files and --pkcs11-uri only: ksk, zsk or csk");
  import_cmd->add_option("--pkcs11-uri", import->pkcs11_uris,
                         "A key that stays in a PKCS#11 token (RFC 7512 URI with module-path and pin-source=file:PATH, "
                         "or the PIN in ZONESIGN_PKCS11_PIN; docs/hsm.md); repeatable");
  import_cmd->add_option("--now", import->now, now_help);
  import_cmd->add_flag("--dry-run", import->dry_run, "Check the files and show what would be imported; write nothing");
  import_cmd->add_flag("--json", import->json, "Print the result as JSON on standard output");
  import_cmd->add_option("files", import->files, "K<zone>+<alg>+<tag>.key, .private or .state (either names the "
                                                 "pair), or a PEM private key (required unless --pkcs11-uri is given)");
  add_config_options(*import_cmd, import->config);

  auto exp = std::make_shared<ExportOptions>();
  CLI::App* export_cmd = key->add_subcommand(
      "export", "Write a key as BIND's K<zone>+<alg>+<tag>.key and .private (for dnssec-signzone, ldns-signzone)");
  export_cmd->add_option("--origin", exp->origin, "The zone's name");
  export_cmd->add_option("--keys", exp->keys, "Key directory (keys live in DIR/<zone>/); required");
  export_cmd->add_option("--tag", exp->tag, "The key tag of the key to export")->required();
  export_cmd->add_option("--format", exp->format, "The file format: bind")->required();
  export_cmd->add_option("--to", exp->to, "The folder to write into (existing files are never replaced)")->required();
  export_cmd->add_flag("--json", exp->json, "Print the result as JSON on standard output");
  add_config_options(*export_cmd, exp->config);

  return [key, cmd, adopt, import_cmd, import, export_cmd, exp]() -> int {
    // `key adopt --config F --zone Z` reads the zone's published output only
    // when the operator asks for it with --signed: adopting every key of the
    // folder is the default without --config too.
    if (key->got_subcommand(cmd)) {
      if (auto ok = apply_zone_config(*cmd, adopt->config,
                                      {{"--origin", &adopt->origin, ZoneField::origin, true},
                                       {"--keys", &adopt->keys, ZoneField::keys}});
          !ok)
        return report_error(ok.error());
      return run_adopt(*adopt);
    }
    if (key->got_subcommand(import_cmd)) {
      if (auto ok = apply_zone_config(*import_cmd, import->config,
                                      {{"--origin", &import->origin, ZoneField::origin, true},
                                       {"--keys", &import->keys, ZoneField::keys}});
          !ok)
        return report_error(ok.error());
      return run_import(*import);
    }
    if (key->got_subcommand(export_cmd)) {
      if (auto ok = apply_zone_config(*export_cmd, exp->config,
                                      {{"--origin", &exp->origin, ZoneField::origin, true},
                                       {"--keys", &exp->keys, ZoneField::keys}});
          !ok)
        return report_error(ok.error());
      return run_export(*exp);
    }
    return exit_usage;
  };
}

}  // namespace zs::cli
