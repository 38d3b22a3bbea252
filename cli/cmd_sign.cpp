// zonesign sign ZONEFILE --origin NAME --keys DIR --output OUT [--policy FILE] [--now TIME] [--json]
//               [--action-needed-exit CODE] [--metrics-file FILE] ...
// The command line is a contract (issue 3): extend it, never rename.
#include <chrono>
#include <cstdio>

#include "commands.hpp"
#include "freed_pages.hpp"
#include "input_options.hpp"
#include "sign_all.hpp"
#include "progress.hpp"
#include "core/encoding.hpp"
#include "crypto/keys.hpp"
#include "parent/parent_client.hpp"
#include "policy/policy.hpp"
#include "signer/metrics.hpp"
#include "signer/sign_request.hpp"
#include "signer/sign_zone.hpp"

namespace zs::cli {

namespace {

struct SignOptions {
  std::string zone_file;
  std::string origin;
  std::string keys;
  std::string output;
  std::string policy;
  std::string now;
  std::string algorithm = "ECDSAP256SHA256";
  unsigned rsa_bits = 2048;
  std::string denial = "nsec3";
  std::string salt = "-";
  unsigned iterations = 0;
  bool opt_out = false;
  std::string validity = "14d";
  std::string dnskey_validity = "14d";
  std::string refresh = "5d";
  std::string jitter = "12h";
  std::string inception_offset = "1h";
  std::string serial = "keep";  // without a policy; a policy says unixtime by default
  std::vector<std::string> cds_digests = {"SHA-256"};
  std::string dnskey_ttl = "1h";
  unsigned threads = 0;
  bool verbose = false;
  bool no_progress = false;
  bool allow_clock_back = false;
  bool zonemd = false;  // --zonemd; a policy's zonemd: true does the same
  bool json = false;
  int action_needed_exit = exit_action_needed;
  std::string metrics_file;  // --metrics-file; empty: none
  InputCliOptions input;  // --no-include, --include-root, --max-input-size
  ConfigCliOptions config;  // --config [FILE] [--zone NAME]: paths from the config (docs/config.md)
};

// The values typed on the command line, parsed; each wins over its policy
// field (signer/sign_request.hpp). Usage errors name the option.
Result<SignOverrides> typed_overrides(const SignOptions& o, const CLI::App& cmd) {
  auto given = [&](const char* name) { return cmd.count(name) > 0; };
  SignOverrides v;
  if (given("--algorithm") || given("--rsa-bits")) {
    auto alg = parse_algorithm(o.algorithm);
    if (!alg) return std::unexpected(alg.error());
    if (o.rsa_bits < 2048 || o.rsa_bits > 4096)
      return fail(Errc::usage, "--rsa-bits: must be between 2048 and 4096");
    v.algorithm = *alg;
    v.rsa_bits = o.rsa_bits;
  }
  if (given("--denial")) v.denial = o.denial == "nsec" ? DenialType::nsec : DenialType::nsec3;
  if (given("--nsec3-salt")) {
    v.nsec3_salt = Bytes{};
    if (o.salt != "-" && !o.salt.empty()) {
      auto salt = from_hex(o.salt);
      if (!salt || salt->size() > 255)
        return fail(Errc::usage, "--nsec3-salt: expected up to 255 octets in hex, or -");
      v.nsec3_salt = std::move(*salt);
    }
  }
  if (given("--nsec3-iterations")) {
    if (o.iterations > 500) return fail(Errc::usage, "--nsec3-iterations: at most 500 (RFC 9276 advises 0)");
    v.nsec3_iterations = static_cast<std::uint16_t>(o.iterations);
  }
  if (given("--opt-out")) v.opt_out = o.opt_out;
  if (given("--validity")) {
    auto validity = parse_duration(o.validity);
    if (!validity || *validity < 3600) return fail(Errc::usage, "--validity: expected a duration of at least 1h");
    v.validity = *validity;
  }
  if (given("--dnskey-validity")) {
    auto validity = parse_duration(o.dnskey_validity);
    if (!validity || *validity < 3600)
      return fail(Errc::usage, "--dnskey-validity: expected a duration of at least 1h");
    v.dnskey_validity = *validity;
  }
  if (given("--refresh")) {
    auto refresh = parse_duration(o.refresh);
    if (!refresh) return fail(Errc::usage, "--refresh: " + refresh.error().message);
    v.refresh = *refresh;
  }
  if (given("--jitter")) {
    auto jitter = parse_duration(o.jitter);
    if (!jitter) return fail(Errc::usage, "--jitter: " + jitter.error().message);
    v.jitter = *jitter;
  }
  if (given("--inception-offset")) {
    auto offset = parse_duration(o.inception_offset);
    if (!offset) return fail(Errc::usage, "--inception-offset: " + offset.error().message);
    v.inception_offset = *offset;
  }
  if (given("--serial")) {
    auto serial = serial_policy_from_string(o.serial);
    if (!serial) return fail(Errc::usage, "--serial: expected keep, increment, unixtime or date");
    v.serial = *serial;
  }
  if (given("--cds-digest")) {
    v.cds_digests.emplace();
    for (const auto& text : o.cds_digests) {
      auto digest = parse_digest(text);
      if (!digest) return std::unexpected(digest.error());
      v.cds_digests->push_back(*digest);
    }
  }
  if (given("--dnskey-ttl")) {
    auto ttl = parse_duration(o.dnskey_ttl);
    if (!ttl || *ttl > 0x7fffffff) return fail(Errc::usage, "--dnskey-ttl: expected a TTL");
    v.dnskey_ttl = static_cast<std::uint32_t>(*ttl);
  }
  return v;
}

// The policy's request (when --policy is given) with the typed values on top,
// and the run's paths and moment.
Result<SignRequest> make_request(const SignOptions& o, const CLI::App& cmd) {
  auto input = zone_input_options(o.input);
  if (!input) return std::unexpected(input.error());
  auto keys = require_keys(o.keys);
  if (!keys) return std::unexpected(keys.error());
  // With `--output -` the zone is standard output: a JSON summary there would
  // corrupt it.
  if (o.json && o.output == "-")
    return fail(Errc::usage, "--json needs --output FILE: with --output - the zone goes to standard output");
  auto origin = parse_origin(o.origin);
  if (!origin) return std::unexpected(origin.error());
  auto now = parse_now(o.now, TimeUse::signing);
  if (!now) return std::unexpected(now.error());
  std::optional<Policy> policy;
  if (!o.policy.empty()) {
    auto loaded = load_policy_file(o.policy);
    if (!loaded) return std::unexpected(loaded.error());
    policy = std::move(*loaded);
  }
  auto overrides = typed_overrides(o, cmd);
  if (!overrides) return std::unexpected(overrides.error());
  auto r = request_from_policy(policy ? &*policy : nullptr, *origin, *overrides);
  if (!r) return std::unexpected(r.error());
  r->zone_file = o.zone_file;
  r->input = std::move(*input);
  r->key_dir = *keys;
  r->output = o.output;
  r->now = *now;
  r->threads = o.threads;
  r->allow_clock_back = o.allow_clock_back;
  r->zonemd = o.zonemd;
  return r;
}

// --metrics-file: the zone's metrics after this run, whatever its outcome
// (request and summary are null when the run did not get that far). A failed
// run still rewrites the file, which is how monitoring learns of it; the
// key state and output are only read. A file that cannot be written is
// reported and leaves the exit code alone: the zone is what the code is about.
void write_run_metrics(const SignOptions& o, const SignRequest* request, const SignSummary* summary, int code,
                       std::chrono::steady_clock::time_point started) {
  if (o.metrics_file.empty()) return;
  auto origin = request ? Result<Name>(request->origin) : parse_origin(o.origin);
  if (!origin) return;  // no zone to name in the labels; the run's own error says why
  const UnixTime now = request ? request->now : parse_now(o.now, TimeUse::reading).value_or(system_now());
  ZoneMetrics m;
  m.zone = origin->to_string();
  // What is published now: the status of the zone with the run's policy,
  // else only what the key state records.
  if (request && request->policy) {
    if (auto report = zone_status(*origin, request->key_dir, *request->policy, now)) m = zone_metrics(*report);
  } else if (!o.keys.empty()) {
    if (auto recorded = recorded_zone_metrics(*origin, o.keys)) m = std::move(*recorded);
  }
  RunMetrics run;
  run.exit_code = code;
  run.success = summary != nullptr;  // exit 12 (published, state not saved) comes as an error
  run.at = now;
  run.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (summary) {
    run.signatures_made = summary->signatures - summary->signatures_reused;
    run.signatures_reused = summary->signatures_reused;
  }
  m.run = run;
  if (auto written = write_metrics_file(o.metrics_file, {m}); !written) report_error(written.error());
}

}  // namespace

Action add_sign_command(CLI::App& app) {
  auto opts = std::make_shared<SignOptions>();
  CLI::App* cmd = app.add_subcommand("sign", "Sign a zone file; creates a KSK and a ZSK when the zone has none");
  // ZONEFILE, --origin and --output are required unless --config gives them.
  cmd->add_option("ZONEFILE", opts->zone_file, "Zone file (RFC 1035 master file), or - for standard input");
  cmd->add_option("--origin", opts->origin, "The zone's name");
  cmd->add_option("--keys", opts->keys, "Key directory (keys live in DIR/<zone>/); required");
  cmd->add_option("--output", opts->output, "Signed zone file to write atomically, or - for standard output");
  cmd->add_option("--policy", opts->policy, "YAML signing policy");
  cmd->add_option("--now", opts->now, now_help);
  cmd->add_option("--algorithm", opts->algorithm, "Algorithm for keys created by this run")->capture_default_str();
  cmd->add_option("--rsa-bits", opts->rsa_bits, "RSA modulus size for new RSA keys")->capture_default_str();
  cmd->add_option("--denial", opts->denial, "Authenticated denial of existence")
      ->check(CLI::IsMember({"nsec", "nsec3"}))
      ->capture_default_str();
  cmd->add_option("--nsec3-salt", opts->salt, "NSEC3 salt in hex, or - for none (RFC 9276)")->capture_default_str();
  cmd->add_option("--nsec3-iterations", opts->iterations, "NSEC3 extra iterations (RFC 9276: 0)")
      ->capture_default_str();
  cmd->add_flag("--opt-out", opts->opt_out, "NSEC3 opt-out: insecure delegations are left out of the chain");
  cmd->add_flag("--zonemd", opts->zonemd,
                "Publish a ZONEMD (RFC 8976, SIMPLE, SHA-384) at the apex (also: zonemd: true in the policy)");
  cmd->add_option("--validity", opts->validity, "Signature validity")->capture_default_str();
  cmd->add_option("--dnskey-validity", opts->dnskey_validity,
                  "Validity of the DNSKEY, CDS and CDNSKEY signatures (default: --validity)");
  cmd->add_option("--refresh", opts->refresh,
                  "Reuse the previous output's signatures of unchanged RRsets while more than this "
                  "validity is left (default with a policy: signatures.refresh; without: sign everything)");
  cmd->add_option("--jitter", opts->jitter,
                  "Spread signature expirations over this much before the validity "
                  "(default with a policy: signatures.jitter; without: 0)");
  cmd->add_option("--inception-offset", opts->inception_offset, "Signature inception this long before now")
      ->capture_default_str();
  cmd->add_option("--serial", opts->serial, "SOA serial: keep, increment, unixtime or date")->capture_default_str();
  cmd->add_option("--cds-digest", opts->cds_digests, "Digest of the published CDS records (repeatable)")
      ->capture_default_str();
  cmd->add_option("--dnskey-ttl", opts->dnskey_ttl, "TTL of DNSKEY, CDS and CDNSKEY")->capture_default_str();
  cmd->add_option("--threads", opts->threads, "Signing threads (0: one per core)")->capture_default_str();
  cmd->add_flag("-v,--verbose", opts->verbose, "Print a summary on standard error");
  cmd->add_flag("--no-progress", opts->no_progress,
                "No progress line (drawn on standard error only while it is a terminal, after a second)");
  cmd->add_flag("--allow-clock-back", opts->allow_clock_back,
                "Run although --now (or the clock) is before the last run the key state records; recorded "
                "times after it are moved back to it");
  cmd->add_flag("--json", opts->json, "Print a JSON summary on standard output (not with --output -)");
  add_action_needed_exit_option(*cmd, opts->action_needed_exit);
  cmd->add_option("--metrics-file", opts->metrics_file,
                  "Write the zone's metrics (Prometheus text format) to this file after the run, also when it "
                  "fails, for node_exporter's textfile collector (docs/monitoring.md)");
  add_input_options(*cmd, opts->input);
  add_config_options(*cmd, opts->config);
  describe_every_zone(*cmd);
  return [opts, cmd]() -> int {
    const auto started = std::chrono::steady_clock::now();
    auto selected = select_config(*cmd, opts->config, /*zone_required=*/false);
    if (!selected) return report_error(selected.error());
    if (*selected && !(*selected)->zone)
      return sign_all_zones(*cmd, (*selected)->config, config_path(opts->config),
                            SignAllOptions{opts->threads, opts->json, opts->verbose, opts->metrics_file, opts->now});
    if (*selected) {
      const ZoneConfig& z = *(*selected)->zone;
      use_unless_given(*cmd, "ZONEFILE", opts->zone_file, z.file);
      use_unless_given(*cmd, "--origin", opts->origin, z.origin.to_string());
      use_unless_given(*cmd, "--keys", opts->keys, z.keys);
      use_unless_given(*cmd, "--output", opts->output, z.output);
      use_unless_given(*cmd, "--policy", opts->policy, z.policy);
    }
    if (auto ok = require_options("sign", {{"ZONEFILE", &opts->zone_file}, {"--origin", &opts->origin},
                                           {"--output", &opts->output}});
        !ok)
      return report_error(ok.error());
    if (cmd->count("--metrics-file") > 0) {
      if (auto ok = check_metrics_path(opts->metrics_file, {opts->output, opts->zone_file, opts->policy},
                                       {opts->keys});
          !ok)
        return report_error(ok.error());
    }
    auto request = make_request(*opts, *cmd);
    if (!request) {
      const int code = report_error(request.error());
      write_run_metrics(*opts, nullptr, nullptr, code, started);
      return code;
    }
    // The parent's servers are asked here, before signing, when a DS waits
    // for them; sign_zone records what they show.
    if (request->policy)
      request->parent_observations = observe_parent_for_run(request->origin, request->key_dir, request->now,
                                                            request->allow_clock_back,
                                                            parent_query_for(*request->policy));
    // A re-sign's peak is about two thirds of a full sign's (docs/performance.md): freed pages kept
    // for reuse spare it 55,000 page faults at 1M names and still leave its peak below a full
    // sign's. A full sign keeps giving them back: kept, they would raise its peak by a fifth.
    if (reuses_previous_output(*request)) keep_freed_pages();
    auto summary = [&] {
      // Gone (its line erased) before anything else is printed.
      auto progress = progress_for_stderr(opts->no_progress);
      request->progress = progress.get();
      request->process_ends_after = true;
      return sign_zone(*request);
    }();
    if (!summary) {
      const int code = report_error(summary.error());
      write_run_metrics(*opts, &*request, nullptr, code, started);
      return code;
    }
    if (request->output == "-") std::fwrite(summary->output.data(), 1, summary->output.size(), stdout);
    if (opts->verbose)
      std::fprintf(stderr,
                   "signed %s: %zu records in, %zu out, %zu signatures (%zu reused) over %zu RRsets, "
                   "serial %u, %zu keys created, the first signature expires %s\n",
                   request->origin.to_string().c_str(), summary->records_in, summary->records_out,
                   summary->signatures, summary->signatures_reused, summary->rrsets_signed, summary->serial,
                   summary->keys_created, format_time(summary->expiration).c_str());
    if (opts->verbose && summary->output_bytes_proven > 0)
      std::fprintf(stderr,
                   "self-check: read back %llu bytes of the output; %llu more are chunks the last run proved "
                   "(%llu bytes copied from the previous output)\n",
                   static_cast<unsigned long long>(summary->output_bytes_parsed),
                   static_cast<unsigned long long>(summary->output_bytes_proven),
                   static_cast<unsigned long long>(summary->output_bytes_copied));
    if (opts->verbose && summary->signatures_carried > 0)
      std::fprintf(stderr,
                   "self-check: %zu of the reused signatures are in chunks carried over whole, whose bytes the last "
                   "run checked\n",
                   summary->signatures_carried);
    if (opts->verbose && summary->denial_proven)
      std::fprintf(stderr,
                   "self-check: the denial chain's names, types and records are those the last run checked: not "
                   "checked again\n");
    for (const auto& note : summary->notes) std::fprintf(stderr, "note: %s\n", note.c_str());
    if (opts->verbose)
      for (const auto& action : summary->key_actions) std::fprintf(stderr, "key action: %s\n", action.c_str());
    print_key_events(summary->key_events);
    if (summary->notice) std::fprintf(stderr, "notice: %s\n", summary->notice->text.c_str());
    const HintContext hints = hint_context(request->origin, request->key_dir, opts->policy);
    std::vector<TaskReport> tasks;
    for (const auto& t : summary->operator_tasks) tasks.push_back(task_report(t, hints));
    for (const auto& t : tasks) std::fprintf(stderr, "action needed: %s\n", task_line(t, request->now).c_str());
    const int code = tasks.empty() ? exit_ok : exit_action_needed;
    if (opts->json) {
      nlohmann::ordered_json doc;
      doc["zone"] = request->origin.to_string();
      doc["now"] = format_time(request->now);
      doc["output"] = absolute_path(request->output);
      doc["serial"] = summary->serial;
      doc["records_in"] = summary->records_in;
      doc["records_out"] = summary->records_out;
      doc["rrsets_signed"] = summary->rrsets_signed;
      doc["signatures"] = summary->signatures;
      doc["signatures_reused"] = summary->signatures_reused;
      doc["signatures_carried"] = summary->signatures_carried;
      doc["denial_proven"] = summary->denial_proven;
      doc["first_expiration"] = format_time(summary->expiration);
      doc["key_events"] = nlohmann::ordered_json::array();
      for (const auto& e : summary->key_events) doc["key_events"].push_back(key_event_json(e));
      doc["operator_tasks"] = nlohmann::ordered_json::array();
      for (const auto& t : tasks) doc["operator_tasks"].push_back(task_json(t, request->now));
      doc["notice"] = summary->notice ? nlohmann::ordered_json(summary->notice->text) : nlohmann::ordered_json(nullptr);
      doc["notes"] = summary->notes;
      doc["exit_code"] = final_exit_code(code, opts->action_needed_exit);
      const std::string text = doc.dump(2) + "\n";
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
    write_run_metrics(*opts, &*request, &*summary, final_exit_code(code, opts->action_needed_exit), started);
    return final_exit_code(code, opts->action_needed_exit);
  };
}

}  // namespace zs::cli
