// zonesign key adopt --origin NAME --keys DIR [--signed FILE] [--now TIME] [--dry-run] [--json]
// The `key` group: subcommands that manage a zone's key files as a whole.
// `adopt` rebuilds a lost state.yaml from the private keys in the folder
// (signer/key_adopt.hpp), the recovery that `sign` names when it finds
// private keys without a state file.
#include <cstdio>

#include "commands.hpp"
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
                                {"file", k.file}});
    doc["skipped"] = report->skipped;
    doc["warnings"] = report->warnings;
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    for (const auto& k : report->adopted)
      std::printf("%s %s %u (%s, flags %u): %s\n", o.dry_run ? "would adopt" : "adopted",
                  std::string(role_name(k.role)).c_str(), k.tag, algorithm_name(k.algorithm).c_str(), k.flags,
                  k.file.c_str());
  }
  if (!o.dry_run)
    std::fprintf(stderr,
                 "note: the adopted keys count as published from %s; their cache windows start again, and a "
                 "KSK's DS waits for --ds-seen (or the parent's servers) before any KSK rollover goes on\n",
                 format_time(*now).c_str());
  return exit_ok;
}

}  // namespace

Action add_key_command(CLI::App& app) {
  CLI::App* key = app.add_subcommand("key", "Manage a zone's key files (adopt)");
  key->require_subcommand(1);
  auto adopt = std::make_shared<AdoptOptions>();
  CLI::App* cmd = key->add_subcommand(
      "adopt", "Rebuild a lost state.yaml from the private key files in DIR/<zone>/ (keeps the keys and the DS)");
  cmd->add_option("--origin", adopt->origin, "The zone's name")->required();
  cmd->add_option("--keys", adopt->keys, "Key directory (keys live in DIR/<zone>/); required");
  cmd->add_option("--signed", adopt->signed_zone,
                  "The zone as last published: adopt only the keys in its DNSKEY RRset, with its flags");
  cmd->add_option("--now", adopt->now, now_help);
  cmd->add_flag("--dry-run", adopt->dry_run, "Show what would be adopted; write nothing");
  cmd->add_flag("--json", adopt->json, "Print the result as JSON on standard output");
  return [key, cmd, adopt]() -> int {
    if (key->got_subcommand(cmd)) return run_adopt(*adopt);
    return exit_usage;
  };
}

}  // namespace zs::cli
