// zonesign verify FILE --origin NAME [--now TIME] [--strict] [--json]: exit 0
// unless a validating resolver would fail on the zone (an error); warnings
// (signer rules that resolvers tolerate) fail it only with --strict. With
// --json the report is a document on standard output (docs/json.md), also
// when the zone is invalid or cannot be read; usage errors print none.
#include <cstdio>

#include "commands.hpp"
#include "input_options.hpp"
#include "render_reports.hpp"
#include "signer/verify_file.hpp"

namespace zs::cli {

namespace {
struct VerifyCliOptions {
  std::string file;
  std::string origin;
  std::string now;
  unsigned threads = 0;
  bool quiet = false;
  bool strict = false;
  bool json = false;
  InputCliOptions input;  // --no-include, --include-root, --max-input-size
  ConfigCliOptions config;  // --config FILE --zone NAME: the zone's output and origin
};

// For the summary line ("no" denial); render_reports has the JSON form (null).
const char* denial_text(VerifyReport::Denial d) {
  switch (d) {
    case VerifyReport::Denial::nsec: return "NSEC";
    case VerifyReport::Denial::nsec3: return "NSEC3";
    case VerifyReport::Denial::none: return "no";
  }
  return "no";
}

// The summary line: on standard output when the zone is valid (unless
// --quiet), else on standard error.
void print_summary(const VerifyCliOptions& o, const VerifyReport& report, bool valid, bool quiet) {
  if (quiet && valid) return;
  std::fprintf(valid ? stdout : stderr,
               "%s: %s, %zu RRsets, %zu signatures checked with %s denial: %zu error(s), %zu warning(s)%s\n",
               o.file.c_str(), valid ? "valid" : "INVALID", report.rrsets_checked, report.signatures_checked,
               denial_text(report.denial), report.error_count(), report.warning_count(),
               o.strict && report.warning_count() > 0 ? " (--strict)" : "");
}

// --json: the document replaces standard output; standard error says what it
// says without --json (the error, or the INVALID line).
int print_json_report(const VerifyCliOptions& o, const Name& origin, UnixTime now, const ZoneInputOptions& input,
                      Result<ZoneFileVerification> verified) {
  VerifyRun run{o.file, origin, now, o.strict, std::nullopt, {}, std::nullopt, exit_ok};
  if (verified) {
    const bool valid = verified->report.valid(o.strict);
    run.exit_code = valid ? exit_ok : exit_error;
    run.where = locate_problems(o.file, origin, input, verified->report.problems);
    print_summary(o, verified->report, valid, /*quiet=*/true);
    run.verified = std::move(*verified);
  } else {
    run.exit_code = report_error(verified.error());
    run.read_error = std::move(verified.error());
  }
  const std::string text = verify_json(run);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return run.exit_code;
}
}  // namespace

Action add_verify_command(CLI::App& app) {
  auto opts = std::make_shared<VerifyCliOptions>();
  CLI::App* cmd = app.add_subcommand("verify", "Check a signed zone file completely (signatures, keys, denial chain)");
  // FILE and --origin are required unless --config gives them.
  cmd->add_option("FILE", opts->file, "Signed zone file, or - for standard input (with --config: the zone's output)");
  cmd->add_option("--origin", opts->origin, "The zone's name");
  cmd->add_option("--now", opts->now, now_help);
  cmd->add_option("--threads", opts->threads, "Verification threads (0: one per core)")->capture_default_str();
  cmd->add_flag("-q,--quiet", opts->quiet, "Print problems only");
  add_input_options(*cmd, opts->input);
  cmd->add_flag("--strict", opts->strict, "Treat warnings (signer rules that resolvers tolerate) as errors");
  cmd->add_flag("--json", opts->json,
                "Print the report as JSON on standard output, also when the zone is invalid or unreadable");
  add_config_options(*cmd, opts->config);
  return [opts, cmd]() -> int {
    if (auto ok = apply_zone_config(*cmd, opts->config,
                                    {{"FILE", &opts->file, ZoneField::output, true},
                                     {"--origin", &opts->origin, ZoneField::origin, true}});
        !ok)
      return report_error(ok.error());
    auto origin = parse_origin(opts->origin);
    if (!origin) return report_error(origin.error());
    auto now = parse_now(opts->now, TimeUse::reading);
    if (!now) return report_error(now.error());
    auto input = zone_input_options(opts->input);
    if (!input) return report_error(input.error());
    auto verified = verify_zone_file_counted(opts->file, *origin, *now, opts->threads, *input);
    if (opts->json) return print_json_report(*opts, *origin, *now, *input, std::move(verified));
    if (!verified) return report_error(verified.error());
    const VerifyReport* report = &verified->report;
    for (const auto& p : report->problems)
      std::printf("%s %s: %s%s\n", p.owner.to_string().c_str(), type_to_string(p.type).c_str(),
                  p.severity == Severity::warning ? "warning: " : "", p.what.c_str());
    const bool valid = report->valid(opts->strict);
    print_summary(*opts, *report, valid, opts->quiet);
    return valid ? exit_ok : exit_error;
  };
}

}  // namespace zs::cli
