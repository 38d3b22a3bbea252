#include <cstdio>
#include <filesystem>

#include "commands.hpp"

namespace zs::cli {

namespace {
// How this program was started, for the commands it prints (set_program_path).
std::string& program_path() {
  static std::string path = "zonesign";
  return path;
}
}  // namespace

int report_error(const Error& error) {
  std::fprintf(stderr, "%s\n", error.to_string().c_str());
  if (error.code == Errc::state_not_saved) return exit_state_not_saved;
  return error.code == Errc::usage ? exit_usage : exit_error;
}

Result<Name> parse_origin(const std::string& text) {
  std::string absolute = text;
  if (absolute.empty()) return fail(Errc::usage, "--origin: empty zone name");
  if (absolute.back() != '.' || (absolute.size() >= 2 && absolute[absolute.size() - 2] == '\\')) absolute += '.';
  auto name = Name::parse(absolute);
  if (!name) return fail(Errc::usage, "--origin: " + name.error().message);
  return name;
}

Result<UnixTime> parse_now(const std::string& text, TimeUse use) {
  const UnixTime clock = system_now();
  auto t = text.empty() ? Result<UnixTime>(clock) : parse_moment(text, clock);
  if (!t) return fail(Errc::usage, "--now: " + t.error().message);
  const std::string what = text.empty() ? "the system clock reads " + format_time(*t)
                                        : "--now " + text + " (" + format_time(*t) + ")";
  if (*t < 0 || *t > latest_time)
    return fail(Errc::usage, what + " is outside what can be stored (1970 to 9999)");
  if (use == TimeUse::reading) return t;
  if (*t < earliest_signing_time)
    return fail(Errc::usage, what + ": the clock looks wrong (before 2000-01-01T00:00:00Z); signatures and key "
                                    "timestamps from it would be nonsense. Set the clock, or give --now");
  if (*t >= signing_time_limit)
    return fail(Errc::usage, what + ": RRSIG times are 32-bit (RFC 4034 §3.1.5) and end in 2106; zonesign signs "
                                    "and stamps keys only before 2106-01-01T00:00:00Z");
  return t;
}

Result<Algorithm> parse_algorithm(const std::string& text) {
  auto alg = algorithm_from_string(text);
  if (!alg || !algorithm_can_sign(*alg))
    return fail(Errc::usage, "--algorithm: '" + text +
                                 "' is not one of RSASHA256, RSASHA512, ECDSAP256SHA256, ECDSAP384SHA384, "
                                 "ED25519, ED448");
  return *alg;
}

Result<DigestType> parse_digest(const std::string& text) {
  auto d = digest_from_string(text);
  if (!d) return fail(Errc::usage, "--digest: '" + text + "' is not one of SHA-256, SHA-384, SHA-1");
  return *d;
}

Result<Policy> load_policy_file(const std::string& path) {
  auto loaded = load_policy(path);
  if (!loaded) return std::unexpected(loaded.error());
  for (const auto& w : loaded->warnings) std::fprintf(stderr, "%s\n", w.to_string().c_str());
  return std::move(loaded->policy);
}

Result<std::string> require_keys(const std::string& keys) {
  if (keys.empty())
    return fail(Errc::usage, "--keys DIR is required: the folder that holds the zone's keys (they live in "
                             "DIR/<zone>/). There is no default, so that a job started in another folder "
                             "cannot sign with brand-new keys the parent has no DS for");
  return keys;
}

void add_action_needed_exit_option(CLI::App& cmd, int& code) {
  cmd.add_option("--action-needed-exit", code,
                 "Exit code when the run is done but the operator must act (0 lets a `set -e` pipeline go on; "
                 "errors and exit 11 are not affected)")
      ->check(CLI::Range(0, 125))
      ->capture_default_str();
}

int final_exit_code(int code, int action_needed_exit) {
  return code == exit_action_needed ? action_needed_exit : code;
}

void add_zone_options(CLI::App& cmd, ZoneOptions& o) {
  // --origin and --policy are required unless --config gives them.
  cmd.add_option("--origin", o.origin, "The zone's name");
  cmd.add_option("--keys", o.keys, "Key directory (keys live in DIR/<zone>/); required");
  cmd.add_option("--policy", o.policy, "YAML signing policy");
  cmd.add_option("--now", o.now, now_help);
  add_config_options(cmd, o.config);
  o.cmd = &cmd;
}

Result<ZoneContext> load_zone_options(ZoneOptions& o, TimeUse use) {
  if (o.cmd) {
    auto selected = select_config(*o.cmd, o.config);
    if (!selected) return std::unexpected(selected.error());
    if (*selected) {
      const ZoneConfig& z = *(*selected)->zone;
      use_unless_given(*o.cmd, "--origin", o.origin, z.origin.to_string());
      use_unless_given(*o.cmd, "--keys", o.keys, z.keys);
      use_unless_given(*o.cmd, "--policy", o.policy, z.policy);
      if (o.policy.empty())
        return fail(Errc::usage, std::string(o.cmd->get_name()) + ": zone " + z.origin.to_string() + " of " +
                                     (*selected)->config.file + " has no policy (give it policy: NAME)");
    }
  }
  if (auto ok = require_options(o.cmd ? o.cmd->get_name() : "this command",
                                {{"--origin", &o.origin}, {"--policy", &o.policy}});
      !ok)
    return std::unexpected(ok.error());
  auto origin = parse_origin(o.origin);
  if (!origin) return std::unexpected(origin.error());
  auto keys = require_keys(o.keys);
  if (!keys) return std::unexpected(keys.error());
  auto now = parse_now(o.now, use);
  if (!now) return std::unexpected(now.error());
  auto policy = load_policy_file(o.policy);
  if (!policy) return std::unexpected(policy.error());
  return ZoneContext{std::move(*origin), std::move(*keys), *now, std::move(*policy)};
}

void add_parent_options(CLI::App& cmd, ParentOptions& o, bool timeout) {
  cmd.add_option("--server", o.servers,
                 "A parent server ADDR[@PORT] to ask for the DS (repeatable; overrides parent.servers)");
  cmd.add_option("--resolver", o.resolver, "Find the parent's servers through this recursive resolver ADDR[@PORT]");
  if (timeout)
    cmd.add_option("--timeout", o.timeout, "Seconds to wait for the parent's servers")
        ->check(CLI::Range(1, 60))
        ->capture_default_str();
}

Result<ParentQuery> parent_query(const ParentOptions& o, const Policy* policy) {
  ParentQuery query = policy ? parent_query_for(*policy) : ParentQuery{};
  query.timeout = o.timeout;
  if (!o.servers.empty()) query.servers.clear();
  for (const auto& text : o.servers) {
    auto s = parse_server_address(text);
    if (!s) return fail(Errc::usage, "--server: " + s.error().message);
    query.servers.push_back(*s);
  }
  if (!o.resolver.empty()) {
    auto r = parse_server_address(o.resolver);
    if (!r) return fail(Errc::usage, "--resolver: " + r.error().message);
    query.resolver = *r;
  }
  return query;
}

void set_program_path(const char* argv0) {
  // A name without a slash was found on PATH and pastes as it is; any other
  // path is made absolute so the command works from every folder.
  const std::string given = argv0 ? argv0 : "";
  if (given.empty()) return;
  program_path() = given.find('/') == std::string::npos ? given : absolute_path(given);
}

std::string shell_quote(std::string_view word) {
  auto safe = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("@%+=:,./_-").find(c) != std::string_view::npos;
  };
  if (!word.empty() && std::ranges::all_of(word, safe)) return std::string(word);
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

HintContext hint_context(const Name& origin, const std::string& keys, const std::string& policy) {
  HintContext c;
  c.origin = origin.to_string();
  c.keys = absolute_path(keys);
  if (!policy.empty()) c.policy = absolute_path(policy);
  return c;
}

std::string ds_event_command(const HintContext& c, OperatorTaskKind kind, std::optional<std::uint16_t> tag) {
  // `rollover` needs the policy; without one there is no event to record.
  if (!c.policy || !tag) return "";
  return shell_quote(program_path()) + " rollover --origin " + shell_quote(c.origin) + " --keys " +
         shell_quote(c.keys) + " --policy " + shell_quote(*c.policy) +
         (kind == OperatorTaskKind::submit_ds ? " --ds-seen " : " --ds-withdrawn ") + std::to_string(*tag);
}

TaskReport task_report(const OperatorTask& task, const HintContext& context) {
  TaskReport t = zs::task_report(task);
  t.command = ds_event_command(context, task.kind, t.tag);
  return t;
}

void fill_commands(std::vector<TaskReport>& tasks, const HintContext& context) {
  for (auto& t : tasks) {
    if (t.kind == TaskKind::resign) continue;
    t.command = ds_event_command(
        context, t.kind == TaskKind::submit_ds ? OperatorTaskKind::submit_ds : OperatorTaskKind::withdraw_ds, t.tag);
  }
}

nlohmann::ordered_json task_json(const TaskReport& t, UnixTime now) {
  nlohmann::ordered_json j;
  j["kind"] = std::string(task_kind_name(t.kind));
  j["tag"] = t.tag ? nlohmann::ordered_json(*t.tag) : nlohmann::ordered_json(nullptr);
  j["since"] = format_time(t.since);
  j["waiting_seconds"] = std::max<Duration>(0, now - t.since);
  j["text"] = t.text;
  j["command"] = t.command.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(t.command);
  return j;
}

nlohmann::ordered_json key_event_json(const KeyEvent& e) {
  return {{"event", std::string(key_event_name(e.kind))},
          {"role", std::string(role_name(e.role))},
          {"tag", e.tag},
          {"algorithm", algorithm_name(e.algorithm)},
          {"text", e.text}};
}

void print_key_events(const std::vector<KeyEvent>& events) {
  for (const auto& e : events) std::fprintf(stderr, "key event: %s\n", e.text.c_str());
}

}  // namespace zs::cli
