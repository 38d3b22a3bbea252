#include <cstdio>

#include "commands.hpp"

namespace zs::cli {

int report_error(const Error& error) {
  std::fprintf(stderr, "%s\n", error.to_string().c_str());
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

Result<UnixTime> parse_now(const std::string& text) {
  if (text.empty()) return system_now();
  auto t = parse_time(text);
  if (!t) return fail(Errc::usage, "--now: " + t.error().message);
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

void add_zone_options(CLI::App& cmd, ZoneOptions& o) {
  cmd.add_option("--origin", o.origin, "The zone's name")->required();
  cmd.add_option("--keys", o.keys, "Key directory")->capture_default_str();
  cmd.add_option("--policy", o.policy, "YAML signing policy")->required();
  cmd.add_option("--now", o.now, "Time: Unix seconds, YYYYMMDDHHMMSS or RFC 3339 (default: clock)");
}

Result<ZoneContext> load_zone_options(const ZoneOptions& o) {
  auto origin = parse_origin(o.origin);
  if (!origin) return std::unexpected(origin.error());
  auto now = parse_now(o.now);
  if (!now) return std::unexpected(now.error());
  auto policy = load_policy_file(o.policy);
  if (!policy) return std::unexpected(policy.error());
  return ZoneContext{std::move(*origin), *now, std::move(*policy)};
}

}  // namespace zs::cli
