#include "policy/policy.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "policy/lint.hpp"

using namespace zs;
namespace fs = std::filesystem;

namespace {

constexpr Duration minute = 60, hour = 3600, day = 86400;

const fs::path policies = fs::path(ZONESIGN_SOURCE_DIR) / "test" / "policies";

std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  std::ranges::sort(out);
  return out;
}

// The words after "# <tag>:" on the first line of a test policy.
std::vector<std::string> header_words(const fs::path& file, const std::string& tag) {
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  const std::string prefix = "# " + tag + ":";
  REQUIRE_MESSAGE(first.starts_with(prefix), file.string() << " lacks a '" << prefix << "' first line");
  std::istringstream words(first.substr(prefix.size()));
  std::vector<std::string> out;
  for (std::string w; words >> w;) out.push_back(w);
  return out;
}

LoadedPolicy load_ok(std::string_view yaml) {
  auto r = load_policy_text(yaml, "t.yaml");
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().to_string()));
  return *r;
}

Error load_bad(std::string_view yaml) {
  auto r = load_policy_text(yaml, "t.yaml");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::policy);
  return r.error();
}

// The YAML path an error names: its message up to the first ": ".
std::string error_path(const Error& e) { return e.message.substr(0, e.message.find(": ")); }

std::string lint_error_path(const Policy& p) {
  auto r = lint_policy(p);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::policy);
  return error_path(r.error());
}

std::vector<std::string> warning_paths(const std::vector<Warning>& ws) {
  std::vector<std::string> out;
  for (const auto& w : ws) out.push_back(w.path);
  return out;
}

KeyPolicy& key(Policy& p, Role role) {
  for (auto& k : p.keys)
    if (k.role == role) return k;
  FAIL("policy has no such key");
  throw;  // unreachable: FAIL throws
}

}  // namespace

TEST_CASE("every bad policy file fails at the line, column and YAML path its expect comment names") {
  const auto files = yaml_files(policies / "bad");
  CHECK(files.size() >= 20);
  for (const auto& file : files) {
    CAPTURE(file.string());
    const auto expect = header_words(file, "expect");
    REQUIRE(expect.size() == 3);
    auto r = load_policy(file.string());
    REQUIRE_FALSE(r.has_value());
    const Error& e = r.error();
    CAPTURE(e.to_string());
    CHECK(e.code == Errc::policy);
    REQUIRE(e.where.has_value());
    CHECK(e.where->file == file.string());
    CHECK(e.where->line == std::stoul(expect[0]));
    CHECK(e.where->column == std::stoul(expect[1]));
    // "-": an error about the YAML text itself, which has no path.
    if (expect[2] != "-") CHECK(error_path(e) == expect[2]);
  }
}

TEST_CASE("every good policy file loads with exactly the warnings its header lists") {
  const auto files = yaml_files(policies / "good");
  CHECK(files.size() >= 5);
  for (const auto& file : files) {
    CAPTURE(file.string());
    const auto expected = header_words(file, "warnings");
    auto r = load_policy(file.string());
    REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().to_string()));
    CHECK(warning_paths(r->warnings) == expected);
    for (const auto& w : r->warnings) CHECK(w.where.file == file.string());
  }
}

TEST_CASE("the commented example policy of zones-example is valid and equals the defaults") {
  auto r = load_policy((fs::path(ZONESIGN_SOURCE_DIR) / "zones-example" / "policy.yaml").string());
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().to_string()));
  CHECK(r->warnings.empty());
  CHECK(r->policy == default_policy());
}

TEST_CASE("a policy of only version 1 takes every documented default") {
  const Policy p = load_ok("version: 1\n").policy;
  CHECK(p == default_policy());
  REQUIRE(p.keys.size() == 2);
  const KeyPolicy* ksk = p.key_for(Role::ksk);
  const KeyPolicy* zsk = p.key_for(Role::zsk);
  REQUIRE(ksk);
  REQUIRE(zsk);
  CHECK(p.key_for(Role::csk) == nullptr);
  CHECK(ksk->algorithm == Algorithm::ECDSAP256SHA256);
  CHECK(ksk->size == 0);
  CHECK(ksk->lifetime == 365 * day);
  CHECK(ksk->rollover == RolloverMethod::double_ksk);
  CHECK(zsk->algorithm == Algorithm::ECDSAP256SHA256);
  CHECK(zsk->lifetime == 90 * day);
  CHECK(zsk->rollover == RolloverMethod::pre_publish);
  CHECK(p.signatures.validity == 14 * day);
  CHECK(p.signatures.dnskey_validity == 14 * day);
  CHECK(p.signatures.refresh == 5 * day);
  CHECK(p.signatures.jitter == 12 * hour);
  CHECK(p.signatures.inception_offset == hour);
  CHECK(p.ttl.dnskey == hour);
  CHECK(p.ttl.zone_max == day);
  CHECK(p.ttl.parent_ds == day);
  CHECK(p.delays.zone_propagation == 5 * minute);
  CHECK(p.delays.parent_propagation == hour);
  CHECK(p.delays.publish_safety == hour);
  CHECK(p.delays.retire_safety == hour);
  CHECK(p.denial.type == DenialType::nsec3);
  CHECK(p.denial.iterations == 0);
  CHECK(p.denial.salt_length == 0);
  CHECK_FALSE(p.denial.opt_out);
  CHECK(p.parent.cds);
  CHECK(p.parent.cds_digests == std::vector<DigestType>{DigestType::SHA256});
  CHECK(p.parent.servers.empty());
  CHECK(p.serial == SerialPolicy::unixtime);
  CHECK(p.run_interval == day);
  CHECK(lint_policy(p).value().empty());
}

TEST_CASE("fields left out of a key or a section keep their defaults") {
  const Policy p = load_ok(
                       "version: 1\nkeys:\n  ksk: { lifetime: 2w }\n  zsk: { rollover: double-signature }\n"
                       "ttl: { dnskey: 2h }\n")
                       .policy;
  CHECK(p.key_for(Role::ksk)->lifetime == 14 * day);
  CHECK(p.key_for(Role::ksk)->rollover == RolloverMethod::double_ksk);
  CHECK(p.key_for(Role::zsk)->lifetime == 90 * day);
  CHECK(p.key_for(Role::zsk)->rollover == RolloverMethod::double_signature);
  CHECK(p.ttl.dnskey == 2 * hour);
  CHECK(p.ttl.zone_max == day);
}

TEST_CASE("a csk alone replaces the ksk and zsk pair") {
  const Policy p = load_ok("version: 1\nkeys:\n  csk: { algorithm: ED25519 }\n").policy;
  REQUIRE(p.keys.size() == 1);
  CHECK(p.key_for(Role::ksk) == nullptr);
  CHECK(p.key_for(Role::zsk) == nullptr);
  CHECK(p.key_for(Role::csk)->algorithm == Algorithm::ED25519);
  CHECK(p.key_for(Role::csk)->rollover == RolloverMethod::double_ksk);
  CHECK(p.key_for(Role::csk)->lifetime == 365 * day);
}

TEST_CASE("durations in a policy take unit combinations, plain seconds and unlimited lifetimes") {
  const Policy p = load_ok(
                       "version: 1\n"
                       "keys:\n  ksk: { algorithm: RSASHA256, lifetime: unlimited }\n"
                       "  zsk: { algorithm: RSASHA256, size: 3072, lifetime: 1w2d }\n"
                       "signatures: { jitter: 1H30M, inception-offset: 3600 }\n"
                       "delays: { zone-propagation: 1m30s }\n")
                       .policy;
  CHECK_FALSE(p.key_for(Role::ksk)->lifetime.has_value());
  CHECK(p.key_for(Role::ksk)->size == 2048);  // the RSA default
  CHECK(p.key_for(Role::zsk)->size == 3072);
  CHECK(p.key_for(Role::zsk)->lifetime == 9 * day);
  CHECK(p.signatures.jitter == 90 * minute);
  CHECK(p.signatures.inception_offset == hour);
  CHECK(p.delays.zone_propagation == 90);
}

TEST_CASE("a bad duration names the file, the value's line and column, and the YAML path") {
  const Error e = load_bad("version: 1\nkeys:\n  ksk: {}\n  zsk: { algorithm: ECDSAP256SHA256, lifetime: 9x }\n");
  REQUIRE(e.where.has_value());
  CHECK(e.where->file == "t.yaml");
  CHECK(e.where->line == 4);
  CHECK(e.where->column == 48);
  CHECK(e.message == "keys.zsk.lifetime: bad duration \"9x\" (use s, m, h, d, w units, e.g. 1w2d)");
  CHECK(e.to_string().starts_with("t.yaml:4:48: error: keys.zsk.lifetime: bad duration \"9x\""));
}

TEST_CASE("an empty policy is rejected for its missing version") {
  const Error e = load_bad("");
  CHECK(error_path(e) == "version");
  const Error comments = load_bad("# nothing but a comment\n");
  CHECK(error_path(comments) == "version");
}

TEST_CASE("parent servers take an optional port after @") {
  const Policy p =
      load_ok("version: 1\nparent:\n  servers: [192.0.2.1, \"2001:db8::1@5353\", 198.51.100.7@53]\n").policy;
  REQUIRE(p.parent.servers.size() == 3);
  CHECK(p.parent.servers[0] == ParentServer{"192.0.2.1", 53});
  CHECK(p.parent.servers[1] == ParentServer{"2001:db8::1", 5353});
  CHECK(p.parent.servers[2] == ParentServer{"198.51.100.7", 53});
}

TEST_CASE("describe prints every field in a fixed order and reads back to the same policy") {
  const std::string text = describe(default_policy());
  CHECK(text == describe(default_policy()));
  CHECK(text ==
        "version: 1\n"
        "keys:\n"
        "  ksk:\n    algorithm: ECDSAP256SHA256\n    lifetime: 365d\n    rollover: double-ksk\n"
        "  zsk:\n    algorithm: ECDSAP256SHA256\n    lifetime: 90d\n    rollover: pre-publish\n"
        "signatures:\n  validity: 2w\n  dnskey-validity: 2w\n  refresh: 5d\n  jitter: 12h\n  inception-offset: 1h\n"
        "ttl:\n  dnskey: 1h\n  zone-max: 1d\n  parent-ds: 1d\n"
        "delays:\n  zone-propagation: 5m\n  parent-propagation: 1h\n  publish-safety: 1h\n  retire-safety: 1h\n"
        "denial:\n  type: nsec3\n  iterations: 0\n  salt-length: 0\n  opt-out: false\n"
        "parent:\n  cds: true\n  cds-digests: [sha256]\n  servers: []\n  discover: false\n"
        "serial: unixtime\n"
        "run-interval: 1d\n"
        "zonemd: false\n");

  for (const auto& file : yaml_files(policies / "good")) {
    CAPTURE(file.string());
    auto first = load_policy(file.string());
    REQUIRE(first.has_value());
    const std::string normal = describe(first->policy);
    auto again = load_policy_text(normal, "described");
    REQUIRE_MESSAGE(again.has_value(), (again ? std::string() : again.error().to_string()));
    CHECK(again->policy == first->policy);
    CHECK(describe(again->policy) == normal);
  }
}

TEST_CASE("zonemd is off by default, read as a boolean and described") {
  CHECK_FALSE(default_policy().zonemd);
  const Policy p = load_ok("version: 1\nzonemd: true\n").policy;
  CHECK(p.zonemd);
  CHECK(describe(p).find("\nzonemd: true\n") != std::string::npos);
  const Error e = load_bad("version: 1\nzonemd: \"true\"\n");
  REQUIRE(e.where.has_value());
  CHECK(e.where->line == 2);
  CHECK(e.where->column == 9);
  CHECK(error_path(e) == "zonemd");
}

TEST_CASE("rollover timing follows RFC 7583 with the policy's TTLs and delays") {
  Policy p = default_policy();
  // dnskey 1h, zone-max 1d, parent-ds 1d; zone 5m, parent 1h, safeties 1h.
  KeyPolicy k{Role::zsk, Algorithm::ED25519, 0, 90 * day, RolloverMethod::pre_publish};
  auto t = rollover_timing(p, k);
  CHECK(t.introduce == hour + 5 * minute + hour);
  CHECK(t.retire == day + 5 * minute + hour);
  k.rollover = RolloverMethod::double_signature;
  t = rollover_timing(p, k);
  CHECK(t.introduce == day + 5 * minute + hour);
  CHECK(t.retire == day + 5 * minute + hour);
  k.role = Role::ksk;
  k.rollover = RolloverMethod::double_ksk;
  t = rollover_timing(p, k);
  CHECK(t.introduce == hour + 5 * minute + hour);
  CHECK(t.retire == day + hour + hour);
  k.rollover = RolloverMethod::double_ds;
  t = rollover_timing(p, k);
  CHECK(t.introduce == day + hour + hour);
  CHECK(t.retire == hour + 5 * minute + hour);
  k.role = Role::csk;
  t = rollover_timing(p, k);
  CHECK(t.retire == day + 5 * minute + hour);  // the zone signatures dominate the DNSKEY TTL
  k.rollover = RolloverMethod::double_ksk;
  p.ttl.zone_max = 3 * day;
  t = rollover_timing(p, k);
  CHECK(t.retire == 3 * day + 5 * minute + hour);  // the zone signatures now outlast the DS
  CHECK(t.minimum_lifetime() == t.introduce + t.retire);
}

TEST_CASE("a lifetime must exceed the rollover it needs, not merely equal it") {
  Policy p = default_policy();
  const Duration need = rollover_timing(p, key(p, Role::zsk)).minimum_lifetime();
  key(p, Role::zsk).lifetime = need;
  CHECK(lint_error_path(p) == "keys.zsk.lifetime");
  key(p, Role::zsk).lifetime = need + 1;
  CHECK(lint_policy(p).has_value());
  key(p, Role::zsk).lifetime.reset();  // unlimited: never rolled, nothing to fit
  CHECK(lint_policy(p).has_value());

  const Duration ksk_need = rollover_timing(p, key(p, Role::ksk)).minimum_lifetime();
  key(p, Role::ksk).lifetime = ksk_need;
  CHECK(lint_error_path(p) == "keys.ksk.lifetime");
}

TEST_CASE("the linter rejects impossible key combinations in a policy built in code") {
  Policy p = default_policy();
  p.keys.push_back(KeyPolicy{Role::csk, Algorithm::ED25519, 0, 365 * day, RolloverMethod::double_ksk});
  CHECK(lint_error_path(p) == "keys.csk");
  p.keys.clear();
  CHECK(lint_error_path(p) == "keys");
  p = default_policy();
  p.keys.pop_back();
  CHECK(lint_error_path(p) == "keys.ksk");

  p = default_policy();
  key(p, Role::ksk).rollover = RolloverMethod::pre_publish;
  CHECK(lint_error_path(p) == "keys.ksk.rollover");
  p = default_policy();
  key(p, Role::zsk).rollover = RolloverMethod::double_ds;
  CHECK(lint_error_path(p) == "keys.zsk.rollover");
  p = default_policy();
  key(p, Role::zsk).algorithm = Algorithm::ECDSAP384SHA384;
  CHECK(lint_error_path(p) == "keys.zsk.algorithm");
}

TEST_CASE("RSA keys under 2048 bits are rejected and other algorithms take no size") {
  Policy p = default_policy();
  for (auto& k : p.keys) {
    k.algorithm = Algorithm::RSASHA512;
    k.size = 2048;
  }
  CHECK(lint_policy(p).has_value());
  key(p, Role::ksk).size = 2047;
  CHECK(lint_error_path(p) == "keys.ksk.size");
  key(p, Role::ksk).size = 4097;
  CHECK(lint_error_path(p) == "keys.ksk.size");
  p = default_policy();
  key(p, Role::zsk).size = 256;
  CHECK(lint_error_path(p) == "keys.zsk.size");
}

TEST_CASE("refresh must stay below both signature validities") {
  Policy p = default_policy();
  p.signatures.refresh = p.signatures.validity;
  CHECK(lint_error_path(p) == "signatures.refresh");
  p = default_policy();
  p.signatures.dnskey_validity = p.signatures.refresh;
  CHECK(lint_error_path(p) == "signatures.refresh");
}

TEST_CASE("zone-max must fit inside the refresh margin with propagation and one run-interval") {
  Policy p = default_policy();
  // refresh 5d: zone-max + 5m + 1d must stay below it.
  p.ttl.zone_max = 5 * day - 5 * minute - day;
  CHECK(lint_error_path(p) == "ttl.zone-max");
  p.ttl.zone_max -= 1;
  auto ok = lint_policy(p);
  REQUIRE(ok.has_value());
  // Inside the margin, but a missed run would not be: a warning.
  CHECK(warning_paths(*ok) == std::vector<std::string>{"signatures.refresh"});

  p = default_policy();
  p.ttl.dnskey = 4 * day;
  CHECK(lint_error_path(p) == "ttl.dnskey");
}

TEST_CASE("validity minus jitter and refresh must exceed the run-interval") {
  Policy p = default_policy();
  // 14d - 12h - 5d = 8d12h
  p.run_interval = 8 * day + 12 * hour;
  p.signatures.refresh = 10 * day;  // keeps the cache rule satisfied
  p.signatures.validity = p.signatures.dnskey_validity = 20 * day;
  CHECK(lint_policy(p).has_value());
  p.signatures.validity = p.signatures.refresh + p.signatures.jitter + p.run_interval;
  CHECK(lint_error_path(p) == "signatures.validity");
  p.signatures.validity += 1;
  CHECK(lint_policy(p).has_value());
  p.signatures.dnskey_validity = p.signatures.refresh + p.signatures.jitter + p.run_interval;
  CHECK(lint_error_path(p) == "signatures.dnskey-validity");
}

TEST_CASE("zero durations are rejected where they mean nothing and allowed for delays") {
  Policy p = default_policy();
  p.run_interval = 0;
  CHECK(lint_error_path(p) == "run-interval");
  p = default_policy();
  p.ttl.zone_max = 0;
  CHECK(lint_error_path(p) == "ttl.zone-max");
  p = default_policy();
  p.signatures.validity = 0;
  CHECK(lint_error_path(p) == "signatures.validity");
  p = default_policy();
  key(p, Role::zsk).lifetime = 0;
  CHECK(lint_error_path(p) == "keys.zsk.lifetime");
  p = default_policy();
  p.delays = DelayPolicy{0, 0, 0, 0};
  p.signatures.jitter = 0;
  p.signatures.inception_offset = 0;
  CHECK(lint_policy(p).has_value());
  p.delays.publish_safety = -1;
  CHECK(lint_error_path(p) == "delays.publish-safety");
}

TEST_CASE("NSEC3 limits are errors and RFC 9276 departures are warnings") {
  Policy p = default_policy();
  p.denial.iterations = 500;
  auto r = lint_policy(p);
  REQUIRE(r.has_value());
  CHECK(warning_paths(*r) == std::vector<std::string>{"denial.iterations"});
  p.denial.iterations = 501;
  CHECK(lint_error_path(p) == "denial.iterations");
  p.denial.iterations = 0;
  p.denial.salt_length = 255;
  r = lint_policy(p);
  REQUIRE(r.has_value());
  CHECK(warning_paths(*r) == std::vector<std::string>{"denial.salt-length"});
  p.denial.salt_length = 256;
  CHECK(lint_error_path(p) == "denial.salt-length");

  p = default_policy();
  p.denial.type = DenialType::nsec;
  CHECK(lint_policy(p).has_value());
  p.denial.opt_out = true;
  CHECK(lint_error_path(p) == "denial.opt-out");
}

TEST_CASE("a SHA-1 CDS digest is a warning that points at the list item") {
  const LoadedPolicy lp = load_ok("version: 1\nparent:\n  cds-digests:\n    - sha384\n    - sha1\n");
  CHECK(lp.policy.parent.cds_digests == std::vector<DigestType>{DigestType::SHA384, DigestType::SHA1});
  REQUIRE(lp.warnings.size() == 1);
  const Warning& w = lp.warnings[0];
  CHECK(w.path == "parent.cds-digests.1");
  CHECK(w.where.line == 5);
  CHECK(w.where.column == 7);
  CHECK(w.to_string().starts_with("t.yaml:5:7: warning: parent.cds-digests.1: "));
}

TEST_CASE("a cross-field error points at the field the file spells out") {
  // refresh is not in the file, so the error names validity, which is.
  Error e = load_bad("version: 1\nsignatures:\n  validity: 4d\n");
  CHECK(error_path(e) == "signatures.validity");
  CHECK(e.where->line == 3);
  CHECK(e.where->column == 13);
  // With both present, refresh is blamed.
  e = load_bad("version: 1\nsignatures:\n  validity: 4d\n  refresh: 4d\n");
  CHECK(error_path(e) == "signatures.refresh");
  CHECK(e.where->line == 4);
}

TEST_CASE("a zone TTL above ttl.zone-max is a policy error without a position") {
  const Policy p = default_policy();
  CHECK(check_zone_ttls(p, 86400).has_value());
  CHECK(check_zone_ttls(p, 0).has_value());
  auto r = check_zone_ttls(p, 86401);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::policy);
  CHECK_FALSE(r.error().where.has_value());
}

TEST_CASE("serial policies parse from their exact names only") {
  CHECK(serial_policy_from_string("keep") == SerialPolicy::keep);
  CHECK(serial_policy_from_string("increment") == SerialPolicy::increment);
  CHECK(serial_policy_from_string("unixtime") == SerialPolicy::unixtime);
  CHECK(serial_policy_from_string("date") == SerialPolicy::date);
  CHECK_FALSE(serial_policy_from_string("Date"));
  CHECK_FALSE(serial_policy_from_string(""));
  for (SerialPolicy s : {SerialPolicy::keep, SerialPolicy::increment, SerialPolicy::unixtime, SerialPolicy::date})
    CHECK(serial_policy_from_string(serial_policy_name(s)) == s);
}

TEST_CASE("a missing policy file is an I/O error, not a policy error") {
  auto r = load_policy((policies / "no-such-file.yaml").string());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::io);
}
