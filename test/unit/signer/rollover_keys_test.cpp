// The `rollover` use case (signer/rollover_keys.hpp) and what `sign` reports
// with it: --ds-seen / --ds-withdrawn are idempotent, a run's key events, and
// the notice ahead of a KSK rollover's DS request.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "keys/key_store.hpp"
#include "signer/rollover_keys.hpp"
#include "signer/sign_zone.hpp"
#include "signer/timeline.hpp"

using namespace zs;

namespace {

constexpr UnixTime t0 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr Duration day = 86400;

struct Fixture {
  std::filesystem::path dir;
  Name origin = Name::parse("example.org.").value();
  Fixture() {
    dir = std::filesystem::temp_directory_path() / "zs_rollover_keys_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    REQUIRE(write_file_atomic((dir / "example.org.zone").string(),
                              "$ORIGIN example.org.\n$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                              "@ NS ns1\nns1 A 192.0.2.53\nwww A 192.0.2.80\n"));
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  Policy policy(Duration ksk_lifetime = 365 * day) const {
    Policy p = default_policy();
    for (auto& k : p.keys) {
      k.algorithm = Algorithm::ED25519;
      if (k.role == Role::ksk) k.lifetime = ksk_lifetime;
    }
    return p;
  }
  Result<SignSummary> sign(UnixTime now, const Policy& p) const {
    SignRequest r;
    r.zone_file = (dir / "example.org.zone").string();
    r.origin = origin;
    r.key_dir = (dir / "keys").string();
    r.output = (dir / "signed.zone").string();
    r.now = now;
    r.threads = 1;
    r.policy = p;
    return sign_zone(r);
  }
  Result<RolloverReport> roll(UnixTime now, const Policy& p, std::vector<std::uint16_t> seen,
                              std::vector<std::uint16_t> withdrawn = {}) const {
    RolloverRequest r;
    r.origin = origin;
    r.key_dir = (dir / "keys").string();
    r.policy = p;
    r.now = now;
    r.ds_seen = std::move(seen);
    r.ds_withdrawn = std::move(withdrawn);
    return roll_keys(r);
  }
  std::string state() const { return read_file((dir / "keys" / "example.org" / "state.yaml").string()).value(); }
};

// The first signing, then the run that puts the KSK's DS in CDS; returns the KSK's tag.
std::uint16_t ds_requested(const Fixture& f, const Policy& p) {
  auto first = f.sign(t0, p);
  REQUIRE_MESSAGE(first, first.error().to_string());
  auto second = f.sign(t0 + 7 * day, p);
  REQUIRE_MESSAGE(second, second.error().to_string());
  REQUIRE(second->operator_tasks.size() == 1);
  CHECK(second->operator_tasks[0].kind == OperatorTaskKind::submit_ds);
  REQUIRE_FALSE(second->operator_tasks[0].key.new_key);
  return second->operator_tasks[0].key.tag;
}

const KeyInfo& key_of(const std::vector<KeyInfo>& keys, std::uint16_t tag) {
  for (const auto& k : keys)
    if (k.tag == tag) return k;
  FAIL("no key " << tag);
  return keys.front();
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "--ds-seen repeated is success and records nothing new") {
  const Policy p = policy();
  const std::uint16_t ksk = ds_requested(*this, p);

  auto once = roll(t0 + 7 * day + 3600, p, {ksk});
  REQUIRE_MESSAGE(once, once.error().to_string());
  REQUIRE(once->recorded.size() == 1);
  CHECK_FALSE(once->recorded[0].already);
  CHECK(once->operator_tasks.empty());

  auto twice = roll(t0 + 7 * day + 7200, p, {ksk});
  REQUIRE_MESSAGE(twice, twice.error().to_string());
  REQUIRE(twice->recorded.size() == 1);
  CHECK(twice->recorded[0].already);
  auto store = KeyStore::open_read_only((dir / "keys").string(), origin);
  REQUIRE(store);
  CHECK(key_of(store->keys(), ksk).timestamps.at("ds-seen") == t0 + 7 * day + 3600);

  // Still success once the DS is in every cache.
  auto later = roll(t0 + 12 * day, p, {ksk});
  REQUIRE_MESSAGE(later, later.error().to_string());
  CHECK(later->recorded[0].already);
}

TEST_CASE_FIXTURE(Fixture, "an unknown tag or an event that contradicts the state is an error and changes nothing") {
  const Policy p = policy();
  const std::uint16_t ksk = ds_requested(*this, p);
  const std::string before = state();
  // The zone asks the parent to publish this DS: a withdrawal contradicts it.
  auto withdrawn = roll(t0 + 7 * day + 3600, p, {}, {ksk});
  REQUIRE_FALSE(withdrawn);
  CHECK(withdrawn.error().code == Errc::key_store);
  // One bad tag among good ones: nothing is recorded.
  auto unknown = roll(t0 + 7 * day + 3600, p, {ksk, static_cast<std::uint16_t>(ksk + 1)});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == Errc::key_store);
  CHECK(state() == before);
}

TEST_CASE("--ds-withdrawn repeated is success; --ds-seen of a DS seen before its withdrawal too") {
  KeyInfo k;
  k.role = Role::ksk;
  k.tag = 100;
  k.flags = 257;
  const UnixTime r = t0 + 10 * day;  // retired: its DS leaves CDS
  k.timestamps = {{"created", t0},          {"planned", t0},           {"dnskey-rumoured", t0},
                  {"dnskey-omnipresent", t0 + day}, {"krrsig-rumoured", t0}, {"krrsig-omnipresent", t0 + day},
                  {"active", t0},           {"ds-rumoured", t0 + day}, {"ds-seen", t0 + 2 * day},
                  {"ds-omnipresent", t0 + 3 * day}, {"retired", r},  {"ds-unretentive", r}};
  std::vector<KeyInfo> keys = {k};
  REQUIRE(record_ds_withdrawn(keys, 100, r + 3600));
  CHECK(keys[0].timestamps.at("ds-withdrawn") == r + 3600);
  const auto once = keys[0].timestamps;
  REQUIRE(record_ds_withdrawn(keys, 100, r + 7200));
  CHECK(keys[0].timestamps == once);
  REQUIRE(record_ds_seen(keys, 100, r + 7200));
  CHECK(keys[0].timestamps == once);
  // A ZSK has no DS at all.
  KeyInfo z = k;
  z.role = Role::zsk;
  z.tag = 200;
  z.flags = 256;
  keys.push_back(z);
  CHECK(record_ds_seen(keys, 200, r).error().code == Errc::key_store);
  CHECK(record_ds_withdrawn(keys, 200, r).error().code == Errc::key_store);
}

TEST_CASE_FIXTURE(Fixture, "a run reports the keys it creates and publishes, and a quiet run reports none") {
  const Policy p = policy();
  auto first = sign(t0, p);
  REQUIRE_MESSAGE(first, first.error().to_string());
  int created = 0, published = 0;
  for (const auto& e : first->key_events) {
    created += e.kind == KeyEventKind::created;
    published += e.kind == KeyEventKind::published;
    CHECK(e.text.find(std::to_string(e.tag)) != std::string::npos);
  }
  CHECK(created == 2);
  CHECK(published == 2);
  auto quiet = sign(t0 + 3600, p);
  REQUIRE_MESSAGE(quiet, quiet.error().to_string());
  CHECK(quiet->key_events.empty());
}

TEST_CASE_FIXTURE(Fixture, "a KSK rollover's DS request is announced within 30 days of it, not before") {
  const Policy p = policy(60 * day);
  const std::uint16_t ksk = ds_requested(*this, p);
  REQUIRE(roll(t0 + 7 * day + 3600, p, {ksk}));
  auto early = sign(t0 + 20 * day, p);
  REQUIRE_MESSAGE(early, early.error().to_string());
  CHECK_FALSE(early->notice);
  auto soon = sign(t0 + 40 * day, p);
  REQUIRE_MESSAGE(soon, soon.error().to_string());
  REQUIRE(soon->notice);
  CHECK(soon->notice->at > t0 + 40 * day);
  CHECK(soon->notice->at <= t0 + 70 * day);
  CHECK(soon->notice->text.find(format_time(soon->notice->at)) != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "a changed policy algorithm is reported as an algorithm rollover with the keys it creates") {
  const Policy ed = policy();
  REQUIRE(sign(t0, ed));
  Policy ecdsa = ed;
  for (auto& k : ecdsa.keys) k.algorithm = Algorithm::ECDSAP256SHA256;
  auto changed = sign(t0 + 3600, ecdsa);
  REQUIRE_MESSAGE(changed, changed.error().to_string());
  int rollovers = 0, created = 0, retired = 0;
  for (const auto& e : changed->key_events) {
    if (e.kind == KeyEventKind::algorithm_rollover) {
      ++rollovers;
      CHECK(e.algorithm == Algorithm::ECDSAP256SHA256);
      CHECK(e.text.find("ED25519 to ECDSAP256SHA256") != std::string::npos);
    }
    created += e.kind == KeyEventKind::created && e.algorithm == Algorithm::ECDSAP256SHA256;
    retired += e.kind == KeyEventKind::retired && e.algorithm == Algorithm::ED25519;
  }
  CHECK(rollovers == 2);  // the KSK and the ZSK
  CHECK(created == 2);
  CHECK(retired == 2);
}

namespace {

// The notice as the whole simulation of ds_notice_horizon() + 2 months gives
// it (what upcoming_ds_request computed before it stopped at the first DS
// request): the first new DS asked for within the horizon.
std::optional<std::pair<UnixTime, std::string>> first_request_in_full_plan(const std::vector<KeyInfo>& keys,
                                                                           const Policy& p, UnixTime now) {
  const Duration horizon = ds_notice_horizon(p);
  auto tl = simulate_timeline(keys, p, "example.org.", now, static_cast<int>(horizon / (30 * day)) + 2);
  REQUIRE_MESSAGE(tl, tl.error().to_string());
  for (const TimelineEvent& e : tl->events) {
    if (e.kind != TimelineEventKind::ds_submitted || e.at <= now || e.at > now + horizon) continue;
    const TimelineKey& k = tl->keys[e.key];
    if (k.tag) {
      const KeyInfo* stored = nullptr;
      for (const KeyInfo& info : keys)
        if (info.tag == *k.tag && !info.timestamps.contains("removed")) stored = &info;
      if (stored && key_state(*stored, now)[RecordKind::ds].state != RecordState::hidden) continue;
    }
    return std::pair{e.at, k.label};
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "the DS request notice, found by a simulation that stops early, is the full plan's") {
  // A 40-day KSK: rollovers (and their DS requests) come round several times in 120 days.
  const Policy p = policy(40 * day);
  const std::uint16_t ksk = ds_requested(*this, p);
  REQUIRE(roll(t0 + 7 * day + 3600, p, {ksk}));
  int announced = 0, quiet = 0;
  for (UnixTime now = t0 + 8 * day; now < t0 + 120 * day; now += 3 * day + 7 * 3600) {
    auto store = KeyStore::open_read_only((dir / "keys").string(), origin);
    REQUIRE(store);
    auto notice = upcoming_ds_request(store->keys(), p, "example.org.", now);
    REQUIRE_MESSAGE(notice, notice.error().to_string());
    const auto want = first_request_in_full_plan(store->keys(), p, now);
    REQUIRE(notice->has_value() == want.has_value());
    if (want) {
      CHECK((*notice)->at == want->first);
      CHECK((*notice)->key == want->second);
      ++announced;
    } else {
      ++quiet;
    }
  }
  // Both kinds of moment were compared.
  CHECK(announced > 0);
  CHECK(quiet > 0);
}
