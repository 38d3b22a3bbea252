// Key states as a pure function of timestamps and `now`, the published key
// set the signer uses, and the cache-combination validation model.
#include <doctest/doctest.h>

#include "keys/key_state.hpp"
#include "keys/key_store.hpp"

using namespace zs;

namespace {

constexpr UnixTime t0 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr Duration hour = 3600;

KeyInfo make_key(Role role, std::uint16_t tag, Algorithm alg = Algorithm::ECDSAP256SHA256) {
  KeyInfo k;
  k.role = role;
  k.tag = tag;
  k.algorithm = alg;
  k.flags = static_cast<std::uint16_t>(role == Role::zsk ? 256 : 257);
  k.timestamps["created"] = t0;
  return k;
}

void set(KeyInfo& k, RecordKind kind, RecordState state, UnixTime at) {
  k.timestamps[record_event_name(kind, state)] = at;
}

// A KSK and a ZSK fully introduced at t0, the KSK's DS confirmed.
std::vector<KeyInfo> settled_pair() {
  KeyInfo ksk = make_key(Role::ksk, 11);
  KeyInfo zsk = make_key(Role::zsk, 22);
  for (RecordKind r : {RecordKind::dnskey, RecordKind::krrsig, RecordKind::ds}) set(ksk, r, RecordState::omnipresent, t0);
  for (RecordKind r : {RecordKind::dnskey, RecordKind::zrrsig}) set(zsk, r, RecordState::omnipresent, t0);
  ksk.timestamps["ds-seen"] = t0;
  return {ksk, zsk};
}

}  // namespace

TEST_CASE("a record is in the state of its latest event at or before now") {
  KeyInfo k = make_key(Role::zsk, 1);
  set(k, RecordKind::dnskey, RecordState::rumoured, t0);
  set(k, RecordKind::dnskey, RecordState::omnipresent, t0 + 2 * hour);
  set(k, RecordKind::dnskey, RecordState::unretentive, t0 + 10 * hour);
  CHECK(key_state(k, t0 - 1).exists == false);
  CHECK(key_state(k, t0)[RecordKind::dnskey].state == RecordState::rumoured);
  CHECK(key_state(k, t0 + hour)[RecordKind::dnskey].state == RecordState::rumoured);
  auto s = key_state(k, t0 + 3 * hour);
  CHECK(s[RecordKind::dnskey].state == RecordState::omnipresent);
  CHECK(s[RecordKind::dnskey].since == t0 + 2 * hour);
  CHECK(key_state(k, t0 + 11 * hour)[RecordKind::dnskey].state == RecordState::unretentive);
  CHECK(key_state(k, t0 + 11 * hour)[RecordKind::zrrsig].state == RecordState::hidden);
  CHECK(key_state(k, t0 + 11 * hour).legacy == false);
  CHECK(key_state(k, t0 + 11 * hour).goal == KeyGoal::omnipresent);
  k.timestamps["retired"] = t0 + 5 * hour;
  CHECK(key_state(k, t0 + 4 * hour).goal == KeyGoal::omnipresent);
  CHECK(key_state(k, t0 + 5 * hour).goal == KeyGoal::hidden);
}

TEST_CASE("a key from a state file without record events reads as published when it was created") {
  KeyInfo k = make_key(Role::ksk, 7);
  auto s = key_state(k, t0 + hour);
  CHECK(s.legacy);
  CHECK(s[RecordKind::dnskey].state == RecordState::rumoured);
  CHECK(s[RecordKind::ds].state == RecordState::rumoured);
  CHECK(s[RecordKind::ds].since == t0);
  CHECK(s[RecordKind::zrrsig].state == RecordState::hidden);  // a KSK has no zone signatures
  CHECK(s.active == t0);
  k.timestamps["removed"] = t0 + 2 * hour;
  CHECK(key_state(k, t0 + 2 * hour).removed);
  CHECK(key_state(k, t0 + 2 * hour)[RecordKind::dnskey].state == RecordState::hidden);
}

TEST_CASE("the published set follows the record states, and a double-DS key can be in CDS before DNSKEY") {
  auto keys = settled_pair();
  KeyInfo next = make_key(Role::ksk, 33);
  set(next, RecordKind::ds, RecordState::rumoured, t0 + hour);
  keys.push_back(next);
  KeyInfo gone = make_key(Role::zsk, 44);
  gone.timestamps["removed"] = t0;
  keys.push_back(gone);
  PublishedSet pub = published_set(keys, t0 + 2 * hour);
  CHECK(pub.dnskey == std::vector<std::uint16_t>{11, 22});
  CHECK(pub.sign_dnskey == std::vector<std::uint16_t>{11});
  CHECK(pub.sign_zone == std::vector<std::uint16_t>{22});
  CHECK(pub.cds == std::vector<std::uint16_t>{11, 33});
  // Before the DS event the new key is nowhere.
  CHECK(published_set(keys, t0 + hour - 1).cds == std::vector<std::uint16_t>{11});
}

TEST_CASE("a DS of a new algorithm whose DNSKEY is not yet in every cache is a validation gap") {
  Policy p = default_policy();
  const CacheWindows w = cache_windows(p);
  auto keys = settled_pair();
  // A new algorithm: a validator then needs a path for it (RFC 6781 §4.1.4).
  KeyInfo next = make_key(Role::ksk, 33, Algorithm::ED25519);
  KeyInfo next_zsk = make_key(Role::zsk, 34, Algorithm::ED25519);
  set(next_zsk, RecordKind::zrrsig, RecordState::omnipresent, t0);
  const UnixTime published = t0 + 10 * 86400;
  set(next, RecordKind::dnskey, RecordState::rumoured, published);
  set(next, RecordKind::krrsig, RecordState::rumoured, published);
  set(next_zsk, RecordKind::dnskey, RecordState::rumoured, published);
  keys.push_back(next);
  keys.push_back(next_zsk);
  CHECK(!find_validation_gap(keys, p, published));  // extra DNSKEYs, already signing, are harmless
  // The parent may publish the DS at once, while caches still hold the old DNSKEY RRset.
  set(keys[2], RecordKind::ds, RecordState::rumoured, published + hour);
  auto gap = find_validation_gap(keys, p, published + hour);
  REQUIRE(gap);
  CHECK(gap->ds == std::vector<std::uint16_t>{11, 33});
  CHECK(gap->dnskey_version < published);
  // Once the new DNSKEY RRset is in every cache, the same DS is safe.
  keys[2].timestamps.erase(record_event_name(RecordKind::ds, RecordState::rumoured));
  const UnixTime everywhere = published + w.dnskey + w.publish_safety;
  set(keys[2], RecordKind::ds, RecordState::rumoured, everywhere);
  CHECK(!find_validation_gap(keys, p, everywhere));
}

TEST_CASE("withdrawing the only DS of a secure zone is a validation gap") {
  Policy p = default_policy();
  auto keys = settled_pair();
  CHECK(!find_validation_gap(keys, p, t0 + hour));
  set(keys[0], RecordKind::ds, RecordState::unretentive, t0 + hour);
  auto gap = find_validation_gap(keys, p, t0 + hour);
  REQUIRE(gap);
  CHECK(gap->ds.empty());
}

TEST_CASE("zone signatures withdrawn before the replacement reaches every cache are a validation gap") {
  Policy p = default_policy();
  const CacheWindows w = cache_windows(p);
  auto keys = settled_pair();
  KeyInfo next = make_key(Role::zsk, 55);
  set(next, RecordKind::dnskey, RecordState::omnipresent, t0);
  const UnixTime swap = t0 + 86400;
  set(next, RecordKind::zrrsig, RecordState::rumoured, swap);
  keys.push_back(next);
  // Swapping signatures while both DNSKEYs are everywhere is safe (pre-publish).
  set(keys[1], RecordKind::zrrsig, RecordState::unretentive, swap);
  CHECK(!find_validation_gap(keys, p, swap));
  // Removing the old DNSKEY while its signatures may still be cached is not.
  set(keys[1], RecordKind::dnskey, RecordState::unretentive, swap + hour);
  auto gap = find_validation_gap(keys, p, swap + hour);
  REQUIRE(gap);
  CHECK(gap->zone_version < swap);
  // After the zone window it is.
  keys[1].timestamps[record_event_name(RecordKind::zrrsig, RecordState::hidden)] = swap + w.retire(RecordKind::zrrsig);
  keys[1].timestamps[record_event_name(RecordKind::dnskey, RecordState::unretentive)] =
      swap + w.retire(RecordKind::zrrsig);
  CHECK(!find_validation_gap(keys, p, swap + w.retire(RecordKind::zrrsig)));
}

TEST_CASE("a record's cache window ends TTL plus propagation plus safety after its change") {
  Policy p = default_policy();
  const CacheWindows w = cache_windows(p);
  CHECK(w.dnskey == p.ttl.dnskey + p.delays.zone_propagation);
  CHECK(w.zone == p.ttl.zone_max + p.delays.zone_propagation);
  CHECK(w.ds == p.ttl.parent_ds + p.delays.parent_propagation);
  KeyInfo k = make_key(Role::ksk, 9);
  set(k, RecordKind::dnskey, RecordState::rumoured, t0);
  set(k, RecordKind::ds, RecordState::rumoured, t0 + hour);
  auto s = key_state(k, t0 + hour);
  CHECK(window_end(s, RecordKind::dnskey, w) == t0 + w.dnskey + p.delays.publish_safety);
  CHECK(!window_end(s, RecordKind::ds, w));  // waits for the operator
  CHECK(!window_end(s, RecordKind::krrsig, w));  // hidden: nothing to wait for
  k.timestamps["ds-seen"] = t0 + 5 * hour;
  s = key_state(k, t0 + 5 * hour);
  CHECK(window_end(s, RecordKind::ds, w) == t0 + 5 * hour + w.ds + p.delays.publish_safety);
  set(k, RecordKind::dnskey, RecordState::unretentive, t0 + 9 * hour);
  s = key_state(k, t0 + 9 * hour);
  CHECK(window_end(s, RecordKind::dnskey, w) == t0 + 9 * hour + w.dnskey + p.delays.retire_safety);
}
