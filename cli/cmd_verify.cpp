// zonesign verify FILE --origin NAME [--now TIME]: exit 0 only if the zone is valid.
#include <cstdio>

#include "commands.hpp"
#include "signer/verify_file.hpp"

namespace zs::cli {

namespace {
struct VerifyCliOptions {
  std::string file;
  std::string origin;
  std::string now;
  unsigned threads = 0;
  bool quiet = false;
};

const char* denial_name(VerifyReport::Denial d) {
  switch (d) {
    case VerifyReport::Denial::nsec: return "NSEC";
    case VerifyReport::Denial::nsec3: return "NSEC3";
    case VerifyReport::Denial::none: return "no";
  }
  return "no";
}
}  // namespace

Action add_verify_command(CLI::App& app) {
  auto opts = std::make_shared<VerifyCliOptions>();
  CLI::App* cmd = app.add_subcommand("verify", "Check a signed zone file completely (signatures, keys, denial chain)");
  cmd->add_option("FILE", opts->file, "Signed zone file")->required();
  cmd->add_option("--origin", opts->origin, "The zone's name")->required();
  cmd->add_option("--now", opts->now, now_help);
  cmd->add_option("--threads", opts->threads, "Verification threads (0: one per core)")->capture_default_str();
  cmd->add_flag("-q,--quiet", opts->quiet, "Print problems only");
  return [opts]() -> int {
    auto origin = parse_origin(opts->origin);
    if (!origin) return report_error(origin.error());
    auto now = parse_now(opts->now, TimeUse::reading);
    if (!now) return report_error(now.error());
    auto report = verify_zone_file(opts->file, *origin, *now, opts->threads);
    if (!report) return report_error(report.error());
    for (const auto& p : report->problems)
      std::printf("%s %s: %s\n", p.owner.to_string().c_str(), type_to_string(p.type).c_str(), p.what.c_str());
    if (!opts->quiet || !report->ok())
      std::fprintf(report->ok() ? stdout : stderr, "%s: %s, %zu RRsets, %zu signatures checked with %s denial: %zu problem(s)\n",
                   opts->file.c_str(), report->ok() ? "valid" : "INVALID", report->rrsets_checked,
                   report->signatures_checked, denial_name(report->denial), report->problems.size());
    return report->ok() ? exit_ok : exit_error;
  };
}

}  // namespace zs::cli
