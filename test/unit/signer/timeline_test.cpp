// The `plan` timeline: the rollover planner simulated forward from a zone's
// keys. Expected counts are derived from the policy in each case, not taken
// from a run of the code.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/atomic_file.hpp"
#include "keys/key_store.hpp"
#include "keys/rollover.hpp"
#include "signer/timeline.hpp"

using namespace zs;

namespace {

constexpr Duration hour = 3600;
constexpr Duration day = 86400;
constexpr UnixTime t0 = 1767225600;  // 2026-01-01T00:00:00Z

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name) {
    path = std::filesystem::temp_directory_path() / ("zs-timeline-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// Every file under `dir` with its bytes, to compare before and after.
std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string rel = std::filesystem::relative(entry.path(), dir).string();
    files[rel] = entry.is_regular_file() ? read_file(entry.path().string()).value() : std::string("<dir>");
  }
  return files;
}

std::size_t count_events(const Timeline& tl, Role role, TimelineEventKind kind) {
  return static_cast<std::size_t>(std::count_if(tl.events.begin(), tl.events.end(), [&](const TimelineEvent& e) {
    return e.kind == kind && tl.keys[e.key].role == role;
  }));
}

std::optional<UnixTime> event_of(const Timeline& tl, std::size_t key, TimelineEventKind kind) {
  for (const auto& e : tl.events)
    if (e.key == key && e.kind == kind) return e.at;
  return std::nullopt;
}

const Name& example() {
  static const Name name = Name::parse("example.com.").value();
  return name;
}

}  // namespace

TEST_CASE("a fresh zone with ZSK 90d and KSK 365d rolls its ZSK four times in 12 months and its KSK not at all") {
  const Policy policy = default_policy();  // ksk 365d double-KSK, zsk 90d pre-publish
  auto tl = simulate_timeline({}, policy, "example.com.", t0, 12);
  REQUIRE(tl);
  // The first ZSK signs from t0; each successor is made `lead` before the
  // lifetime ends and signs when it does: made at t0 + k*90d - lead, so
  // k = 1..4 fall before t0 + 365d and k = 5 (450d) does not.
  CHECK(count_events(*tl, Role::zsk, TimelineEventKind::created) == 5);
  CHECK(count_events(*tl, Role::zsk, TimelineEventKind::retired) == 4);
  CHECK(count_events(*tl, Role::zsk, TimelineEventKind::removed) == 4);
  // The KSK's lifetime ends at t0 + 365d = the end of the plan, which is not in it.
  CHECK(count_events(*tl, Role::ksk, TimelineEventKind::created) == 1);
  CHECK(count_events(*tl, Role::ksk, TimelineEventKind::retired) == 0);
  CHECK(tl->keys.size() == 6);
  CHECK(tl->end == t0 + 365 * day);
  CHECK(tl->operator_tasks.empty());

  const Duration lead = successor_lead(*policy.key_for(Role::zsk), cache_windows(policy));
  std::vector<UnixTime> zsk_created;
  for (const auto& e : tl->events)
    if (e.kind == TimelineEventKind::created && tl->keys[e.key].role == Role::zsk) zsk_created.push_back(e.at);
  REQUIRE(zsk_created.size() == 5);
  CHECK(zsk_created[0] == t0);
  for (std::size_t k = 1; k < zsk_created.size(); ++k)
    CHECK(zsk_created[k] == t0 + static_cast<Duration>(k) * 90 * day - lead);
}

TEST_CASE("over 13 months the KSK rolls once, with its new DS seen after parent-propagation") {
  const Policy policy = default_policy();
  auto tl = simulate_timeline({}, policy, "example.com.", t0, 13);
  REQUIRE(tl);
  CHECK(count_events(*tl, Role::ksk, TimelineEventKind::created) == 2);
  CHECK(count_events(*tl, Role::ksk, TimelineEventKind::retired) == 1);
  CHECK(count_events(*tl, Role::ksk, TimelineEventKind::ds_submitted) == 2);
  CHECK(count_events(*tl, Role::ksk, TimelineEventKind::ds_seen) == 2);
  for (std::size_t i = 0; i < tl->keys.size(); ++i) {
    auto submitted = event_of(*tl, i, TimelineEventKind::ds_submitted);
    auto seen = event_of(*tl, i, TimelineEventKind::ds_seen);
    if (!submitted) continue;
    REQUIRE(seen);
    CHECK(*seen == *submitted + policy.delays.parent_propagation);
  }
}

TEST_CASE("each key's events come in their natural order: published, signing, retired, removed") {
  for (const char* rollover : {"double-ksk", "double-ds"}) {
    CAPTURE(rollover);
    auto loaded = load_policy_text(std::string("version: 1\nkeys:\n  ksk: { lifetime: 60d, rollover: ") + rollover +
                                       " }\n  zsk: { lifetime: 20d, rollover: double-signature }\n",
                                   "order.yaml");
    REQUIRE(loaded);
    auto tl = simulate_timeline({}, loaded->policy, "example.com.", t0, 8);
    REQUIRE(tl);
    std::size_t removed = 0;
    for (std::size_t i = 0; i < tl->keys.size(); ++i) {
      CAPTURE(tl->keys[i].label);
      auto at = [&](TimelineEventKind k) { return event_of(*tl, i, k); };
      // Every key here is made by the plan, so it has each event up to where the plan ends.
      REQUIRE(at(TimelineEventKind::created));
      REQUIRE(at(TimelineEventKind::dnskey_published));
      const std::vector<TimelineEventKind> life = {
          TimelineEventKind::created,       TimelineEventKind::dnskey_published, TimelineEventKind::signing_starts,
          TimelineEventKind::retired,       TimelineEventKind::signing_stops,    TimelineEventKind::dnskey_withdrawn,
          TimelineEventKind::removed};
      std::optional<UnixTime> last;
      bool ended = false;
      for (auto kind : life) {
        auto t = at(kind);
        if (!t) {
          ended = true;  // the plan stopped before this step
          continue;
        }
        CHECK_MESSAGE(!ended, timeline_event_name(kind), " after a missing earlier step");
        if (last) CHECK(*last <= *t);
        last = t;
      }
      if (at(TimelineEventKind::removed)) ++removed;
      if (tl->keys[i].role == Role::ksk) {
        std::optional<UnixTime> ds_last;
        for (auto kind : {TimelineEventKind::ds_submitted, TimelineEventKind::ds_seen, TimelineEventKind::ds_withdrawal,
                          TimelineEventKind::ds_withdrawn}) {
          if (auto t = at(kind)) {
            if (ds_last) CHECK(*ds_last <= *t);
            ds_last = t;
          }
        }
        // The DS of a key goes only after its successor's DS is at the parent.
        if (auto gone = at(TimelineEventKind::ds_withdrawal)) {
          bool successor_seen = false;
          for (std::size_t j = 0; j < tl->keys.size(); ++j)
            if (j != i && tl->keys[j].role == Role::ksk)
              if (auto seen = event_of(*tl, j, TimelineEventKind::ds_seen); seen && *seen <= *gone)
                successor_seen = true;
          CHECK(successor_seen);
        }
      }
    }
    // 8 months of 20-day ZSKs and 60-day KSKs: several keys of each have come and gone.
    CHECK(removed >= 8);
    CHECK(std::is_sorted(tl->events.begin(), tl->events.end(),
                         [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; }));
  }
}

TEST_CASE("with hour-long lifetimes each planned ZSK signs for its lifetime, within one run") {
  // short-timers: hourly runs, ZSK 3h pre-publish, KSK 4h double-KSK.
  auto loaded = load_policy((std::string(ZONESIGN_SOURCE_DIR) + "/test/policies/good/short-timers.yaml"));
  REQUIRE(loaded);
  const Policy& policy = loaded->policy;
  auto tl = simulate_timeline({}, policy, "example.com.", t0, 1);
  REQUIRE(tl);
  const Duration lifetime = *policy.key_for(Role::zsk)->lifetime;
  std::size_t full = 0;
  std::set<std::string> labels;
  for (const auto& k : tl->keys) {
    CHECK(labels.insert(k.label).second);
    if (k.role != Role::zsk || !k.signing || !k.signing->to) continue;
    const Duration signed_for = *k.signing->to - k.signing->from;
    CHECK(signed_for >= lifetime - policy.run_interval);
    CHECK(signed_for <= lifetime + policy.run_interval);
    ++full;
  }
  // January has 31 days of 3-hour ZSKs: 248 of them, all but the last finished.
  CHECK(full >= 240);
  CHECK(full <= 248);
}

TEST_CASE("planning a stored zone reads its keys and leaves the key folder byte-identical") {
  TempDir dir("stored");
  const Policy policy = default_policy();
  std::vector<std::uint16_t> stored_tags;
  {
    auto store = KeyStore::open(dir.path.string(), example(), true);
    REQUIRE(store);
    auto p = plan(store->keys(), policy, t0);
    REQUIRE(p);
    REQUIRE(apply_plan(*p, *store));
    REQUIRE(store->commit());
    for (const auto& k : store->keys()) stored_tags.push_back(k.tag);
  }
  REQUIRE(stored_tags.size() == 2);
  const auto before = snapshot(dir.path);
  auto tl = zone_timeline(example(), dir.path.string(), policy, t0 + 10 * day, 12);
  REQUIRE(tl);
  CHECK(snapshot(dir.path) == before);
  // The stored keys keep their tags; the made-up ones have none and a #label.
  REQUIRE(tl->keys.size() >= 3);
  for (std::size_t i = 0; i < 2; ++i) {
    REQUIRE(tl->keys[i].tag);
    CHECK(*tl->keys[i].tag == stored_tags[i]);
    CHECK(tl->keys[i].label == std::string(role_name(tl->keys[i].role)) + " " + std::to_string(stored_tags[i]));
  }
  CHECK(!tl->keys[2].tag);
  CHECK(tl->keys[2].label == "zsk#1");
  // Nothing of the stored keys' past is listed as coming.
  for (const auto& e : tl->events) CHECK(e.at >= t0 + 10 * day);
  // The stored ZSK started signing at t0: its successor comes 90d - lead later.
  const Duration lead = successor_lead(*policy.key_for(Role::zsk), cache_windows(policy));
  CHECK(event_of(*tl, 2, TimelineEventKind::created) == t0 + 90 * day - lead);
}

TEST_CASE("a zone with no key folder is planned from no keys and no folder is created") {
  TempDir dir("fresh");
  auto tl = zone_timeline(example(), dir.path.string(), default_policy(), t0, 3);
  REQUIRE(tl);
  CHECK(std::filesystem::is_empty(dir.path));
  REQUIRE(!tl->events.empty());
  CHECK(tl->events.front().kind == TimelineEventKind::created);
  CHECK(tl->events.front().at == t0);
}

TEST_CASE("a DS waiting for the parent at now is an operator task, and the plan assumes the parent acts") {
  const Policy policy = default_policy();
  std::vector<KeyInfo> keys;
  std::uint16_t next = 100;
  const KeyFactory make = [&](const NewKey& nk, UnixTime t) -> Result<std::uint16_t> {
    KeyInfo k;
    k.role = nk.role;
    k.algorithm = nk.algorithm;
    k.tag = next++;
    k.flags = nk.role == Role::zsk ? 256 : 257;
    k.timestamps["created"] = t;
    keys.push_back(k);
    return k.tag;
  };
  UnixTime t = t0;
  std::optional<Plan> asked;
  for (; t < t0 + 10 * day; t += hour) {
    auto p = plan(keys, policy, t);
    REQUIRE(p);
    REQUIRE(apply_plan(*p, keys, make));
    if (p->operator_must_act()) {
      asked = *p;
      break;
    }
  }
  REQUIRE(asked);
  const UnixTime since = asked->operator_tasks.front().since;
  const std::vector<KeyInfo> copy = keys;
  auto tl = simulate_timeline(keys, policy, "example.com.", t + 10 * 60, 2);
  REQUIRE(tl);
  CHECK(tl->operator_tasks.size() == 1);
  // The key list given is not changed by the simulation.
  REQUIRE(keys.size() == copy.size());
  for (std::size_t i = 0; i < keys.size(); ++i) CHECK(keys[i].timestamps == copy[i].timestamps);
  std::optional<std::size_t> ksk;
  for (std::size_t i = 0; i < tl->keys.size(); ++i)
    if (tl->keys[i].tag == 100 || tl->keys[i].tag == 101)
      if (tl->keys[i].role == Role::ksk) ksk = i;
  REQUIRE(ksk);
  CHECK(event_of(*tl, *ksk, TimelineEventKind::ds_seen) == since + policy.delays.parent_propagation);
  REQUIRE(tl->keys[*ksk].ds);
  CHECK(tl->keys[*ksk].ds->from == since + policy.delays.parent_propagation);
  CHECK(!tl->keys[*ksk].ds->to);
  // The text table says what to do now.
  const std::string text = timeline_text(*tl);
  CHECK(text.find("action needed now: submit the DS of ksk") != std::string::npos);
}

TEST_CASE("the table is the same text every time") {
  const Policy policy = default_policy();
  auto a = simulate_timeline({}, policy, "example.com.", t0 + 12345, 14);
  auto b = simulate_timeline({}, policy, "example.com.", t0 + 12345, 14);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(timeline_text(*a) == timeline_text(*b));
  CHECK(a->keys.size() == 7);  // ksk#1, ksk#2 (365d falls inside 14 months), zsk#1..zsk#5
}

TEST_CASE("months are calendar months, clamped to the month's last day") {
  CHECK(format_time(add_months(t0, 12)) == "2027-01-01T00:00:00Z");
  CHECK(format_time(add_months(parse_time("2026-01-31T10:20:30Z").value(), 1)) == "2026-02-28T10:20:30Z");
  CHECK(format_time(add_months(parse_time("2028-01-31T00:00:00Z").value(), 1)) == "2028-02-29T00:00:00Z");
  CHECK(format_time(month_start(parse_time("2026-11-24T23:59:59Z").value())) == "2026-11-01T00:00:00Z");
}

TEST_CASE("a plan of no months, or of too many runs, is a usage error") {
  auto zero = simulate_timeline({}, default_policy(), "example.com.", t0, 0);
  REQUIRE(!zero);
  CHECK(zero.error().code == Errc::usage);
  Policy fast = default_policy();
  fast.run_interval = 60;
  auto many = simulate_timeline({}, fast, "example.com.", t0, 12);
  REQUIRE(!many);
  CHECK(many.error().code == Errc::usage);
}
