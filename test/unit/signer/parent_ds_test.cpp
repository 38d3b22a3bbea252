// The parent's DS against the DS set the zone wants (signer/parent_ds.hpp):
// the per-server comparison behind `ds --check-parent`, and the confirmation
// step that records ds-seen / ds-withdrawn for `rollover` and `sign`. The
// answers are built by hand here (the client is parent/parent_client.hpp);
// test/integration/parent/run asks a real nsd.
#include <doctest/doctest.h>

#include <algorithm>

#include "dnssec/dnskey.hpp"
#include "keys/key_state.hpp"
#include "keys/key_store.hpp"
#include "signer/parent_ds.hpp"

using namespace zs;

namespace {

const Name origin = Name::parse("child.test.").value();
constexpr UnixTime t0 = 1767225600;

// A KSK whose public key is just distinct bytes: the tag and the DS digest
// are computed over the DNSKEY RDATA, no key pair is needed.
KeyInfo ksk(std::uint8_t seed) {
  KeyInfo k;
  k.role = Role::ksk;
  k.algorithm = Algorithm::ECDSAP256SHA256;
  k.flags = dnskey_flag_zone | dnskey_flag_sep;
  k.public_key = Bytes(64, seed);
  k.tag = key_tag(k.dnskey().to_rdata());
  k.timestamps["created"] = t0;
  return k;
}

Ds ds_of(const KeyInfo& k, DigestType type = DigestType::SHA256) { return make_ds(origin, k.dnskey().to_rdata(), type); }

ServerDs serves(const std::string& server, std::vector<Ds> set) { return ServerDs{server, std::move(set)}; }
ServerDs silent(const std::string& server) {
  return ServerDs{server, std::unexpected(Error(Errc::io, "no answer within 4s"))};
}

// The DS of `k` is in CDS since `since` and waits for the parent.
void ds_rumoured(KeyInfo& k, UnixTime since) {
  k.timestamps["dnskey-rumoured"] = t0;
  k.timestamps["krrsig-rumoured"] = t0;
  k.timestamps["ds-rumoured"] = since;
}

// The DS of `k` left CDS at `since` and waits to be withdrawn.
void ds_unretentive(KeyInfo& k, UnixTime since) {
  ds_rumoured(k, t0);
  k.timestamps["ds-seen"] = t0 + 3600;
  k.timestamps["ds-omnipresent"] = t0 + 7200;
  k.timestamps["retired"] = since;
  k.timestamps["ds-unretentive"] = since;
}

}  // namespace

TEST_CASE("a wanted DS the parent does not serve is to be added") {
  KeyInfo a = ksk(1);
  std::vector<Ds> wanted = {ds_of(a)};
  std::vector<ServerDs> live = {serves("192.0.2.1", {})};
  ParentComparison c = compare_parent_ds(wanted, live);
  CHECK_FALSE(c.matches());
  REQUIRE(c.add.size() == 1);
  CHECK(same_ds(c.add[0], wanted[0]));
  CHECK(c.remove.empty());
  CHECK(c.answered == 1);
  CHECK_FALSE(c.disagree);
}

TEST_CASE("the parent serving exactly the wanted set, in any order, matches") {
  KeyInfo a = ksk(1), b = ksk(2);
  std::vector<Ds> wanted = {ds_of(a), ds_of(b)};
  std::vector<ServerDs> live = {serves("192.0.2.1", {ds_of(b), ds_of(a)}), serves("192.0.2.2", {ds_of(a), ds_of(b)})};
  ParentComparison c = compare_parent_ds(wanted, live);
  CHECK(c.matches());
  CHECK(c.add.empty());
  CHECK(c.remove.empty());
  CHECK(c.answered == 2);
  CHECK_FALSE(c.disagree);
}

TEST_CASE("a DS the parent serves that the zone does not want is to be removed") {
  KeyInfo a = ksk(1), stale = ksk(9);
  std::vector<Ds> wanted = {ds_of(a)};
  std::vector<ServerDs> live = {serves("192.0.2.1", {ds_of(a), ds_of(stale)})};
  ParentComparison c = compare_parent_ds(wanted, live);
  CHECK_FALSE(c.matches());
  CHECK(c.add.empty());
  REQUIRE(c.remove.size() == 1);
  CHECK(same_ds(c.remove[0], ds_of(stale)));
  REQUIRE(c.servers.size() == 1);
  CHECK(c.servers[0].extra.size() == 1);
}

TEST_CASE("a DS of a wanted key with another digest type still counts as one to remove") {
  KeyInfo a = ksk(1);
  std::vector<Ds> wanted = {ds_of(a)};
  std::vector<ServerDs> live = {serves("192.0.2.1", {ds_of(a), ds_of(a, DigestType::SHA384)})};
  ParentComparison c = compare_parent_ds(wanted, live);
  REQUIRE(c.remove.size() == 1);
  CHECK(c.remove[0].digest_type == DigestType::SHA384);
}

TEST_CASE("servers that disagree are each reported with what they lack and what they add") {
  KeyInfo a = ksk(1), b = ksk(2), old = ksk(3);
  std::vector<Ds> wanted = {ds_of(a), ds_of(b)};
  std::vector<ServerDs> live = {serves("ns1", {ds_of(a), ds_of(b)}), serves("ns2", {ds_of(a), ds_of(old)})};
  ParentComparison c = compare_parent_ds(wanted, live);
  CHECK(c.disagree);
  CHECK_FALSE(c.matches());
  REQUIRE(c.add.size() == 1);
  CHECK(same_ds(c.add[0], ds_of(b)));
  REQUIRE(c.remove.size() == 1);
  CHECK(same_ds(c.remove[0], ds_of(old)));
  REQUIRE(c.servers.size() == 2);
  CHECK(c.servers[0].missing.empty());
  CHECK(c.servers[0].extra.empty());
  CHECK(c.servers[1].server == "ns2");
  REQUIRE(c.servers[1].missing.size() == 1);
  CHECK(same_ds(c.servers[1].missing[0], ds_of(b)));
  REQUIRE(c.servers[1].extra.size() == 1);
  CHECK(same_ds(c.servers[1].extra[0], ds_of(old)));
}

TEST_CASE("a server that gives no answer is listed apart and the others are compared") {
  KeyInfo a = ksk(1);
  std::vector<Ds> wanted = {ds_of(a)};
  std::vector<ServerDs> live = {silent("192.0.2.9@5300"), serves("192.0.2.1", {ds_of(a)})};
  ParentComparison c = compare_parent_ds(wanted, live);
  CHECK(c.matches());
  CHECK(c.answered == 1);
  REQUIRE(c.unreachable.size() == 1);
  CHECK(c.unreachable[0].starts_with("192.0.2.9@5300: "));
}

TEST_CASE("when no server answers, nothing matches") {
  std::vector<ServerDs> live = {silent("192.0.2.9")};
  ParentComparison c = compare_parent_ds({}, live);
  CHECK(c.answered == 0);
  CHECK_FALSE(c.matches());
}

TEST_CASE("an empty wanted set matches a parent without DS (an insecure delegation)") {
  std::vector<ServerDs> live = {serves("192.0.2.1", {})};
  CHECK(compare_parent_ds({}, live).matches());
}

TEST_CASE("a DS matches its key under any digest type we can compute, and no other key") {
  KeyInfo a = ksk(1), b = ksk(2);
  Bytes rdata = a.dnskey().to_rdata();
  CHECK(ds_matches_key(ds_of(a), origin, rdata));
  CHECK(ds_matches_key(ds_of(a, DigestType::SHA384), origin, rdata));
  CHECK(ds_matches_key(ds_of(a, DigestType::SHA1), origin, rdata));
  CHECK_FALSE(ds_matches_key(ds_of(b), origin, rdata));
  CHECK_FALSE(ds_matches_key(ds_of(a), Name::parse("other.test.").value(), rdata));
  Ds tampered = ds_of(a);
  tampered.digest[0] ^= 1;
  CHECK_FALSE(ds_matches_key(tampered, origin, rdata));
}

TEST_CASE("a DS that every parent server serves is recorded as seen") {
  std::vector<KeyInfo> keys = {ksk(1)};
  ds_rumoured(keys[0], t0 + 3600);
  const UnixTime now = t0 + 7200;
  std::vector<ServerDs> live = {serves("ns1", {ds_of(keys[0])}), serves("ns2", {ds_of(keys[0], DigestType::SHA384)})};
  ParentConfirmation c = confirm_from_answers(keys, origin, live, now);
  REQUIRE(c.seen.size() == 1);
  CHECK(c.seen[0] == keys[0].tag);
  CHECK(keys[0].timestamps.at("ds-seen") == now);
  CHECK(c.warnings.empty());
  REQUIRE(c.lines.size() == 1);
  CHECK(c.lines[0].find("ds-seen") != std::string::npos);
  // The planner's view: the DS no longer waits for the operator.
  KeyState s = key_state(keys[0], now);
  CHECK(s.ds_seen == now);
}

TEST_CASE("a DS missing on one parent server is not recorded as seen") {
  std::vector<KeyInfo> keys = {ksk(1)};
  ds_rumoured(keys[0], t0 + 3600);
  std::vector<ServerDs> live = {serves("ns1", {ds_of(keys[0])}), serves("ns2", {})};
  ParentConfirmation c = confirm_from_answers(keys, origin, live, t0 + 7200);
  CHECK(c.seen.empty());
  CHECK_FALSE(keys[0].timestamps.contains("ds-seen"));
  REQUIRE(c.lines.size() == 1);
  CHECK(c.lines[0].find("1 of 2") != std::string::npos);
}

TEST_CASE("a parent server that does not answer holds the confirmation back with a warning") {
  std::vector<KeyInfo> keys = {ksk(1)};
  ds_rumoured(keys[0], t0 + 3600);
  std::vector<ServerDs> live = {serves("ns1", {ds_of(keys[0])}), silent("ns2")};
  ParentConfirmation c = confirm_from_answers(keys, origin, live, t0 + 7200);
  CHECK(c.seen.empty());
  CHECK_FALSE(keys[0].timestamps.contains("ds-seen"));
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0].find("ns2") != std::string::npos);
}

TEST_CASE("a DS no parent server serves any more is recorded as withdrawn") {
  std::vector<KeyInfo> keys = {ksk(1), ksk(2)};
  ds_unretentive(keys[0], t0 + 86400);
  ds_rumoured(keys[1], t0 + 3600);
  keys[1].timestamps["ds-seen"] = t0 + 7200;
  keys[1].timestamps["ds-omnipresent"] = t0 + 10800;
  const UnixTime now = t0 + 90000;
  std::vector<ServerDs> live = {serves("ns1", {ds_of(keys[1])}), serves("ns2", {ds_of(keys[1])})};
  ParentConfirmation c = confirm_from_answers(keys, origin, live, now);
  REQUIRE(c.withdrawn.size() == 1);
  CHECK(c.withdrawn[0] == keys[0].tag);
  CHECK(keys[0].timestamps.at("ds-withdrawn") == now);
  CHECK(c.seen.empty());  // the new DS was confirmed before: nothing to record
  CHECK(c.warnings.empty());
}

TEST_CASE("a DS still served by one server is not recorded as withdrawn") {
  std::vector<KeyInfo> keys = {ksk(1)};
  ds_unretentive(keys[0], t0 + 86400);
  std::vector<ServerDs> live = {serves("ns1", {}), serves("ns2", {ds_of(keys[0])})};
  ParentConfirmation c = confirm_from_answers(keys, origin, live, t0 + 90000);
  CHECK(c.withdrawn.empty());
  CHECK_FALSE(keys[0].timestamps.contains("ds-withdrawn"));
}

TEST_CASE("a stale DS at the parent is reported for removal and does not block the confirmation") {
  std::vector<KeyInfo> keys = {ksk(1)};
  ds_rumoured(keys[0], t0 + 3600);
  KeyInfo stranger = ksk(7);
  std::vector<ServerDs> live = {serves("ns1", {ds_of(keys[0]), ds_of(stranger)})};
  ParentConfirmation c = confirm_from_answers(keys, origin, live, t0 + 7200);
  CHECK(c.seen.size() == 1);
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0].find("DS " + std::to_string(stranger.tag) + " ") != std::string::npos);
  CHECK(c.warnings[0].find("remove it") != std::string::npos);
}

TEST_CASE("a DS at the parent of a key whose DS the zone does not want yet is named in the report") {
  std::vector<KeyInfo> keys = {ksk(1), ksk(2)};
  ds_rumoured(keys[0], t0 + 3600);
  keys[1].timestamps["dnskey-rumoured"] = t0;  // a successor: DNSKEY published, DS not asked for
  std::vector<ServerDs> live = {serves("ns1", {ds_of(keys[0]), ds_of(keys[1])})};
  ParentConfirmation c = confirm_from_answers(keys, origin, live, t0 + 7200);
  CHECK(c.seen.size() == 1);
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0].find("of ksk " + std::to_string(keys[1].tag)) != std::string::npos);
  CHECK_FALSE(keys[1].timestamps.contains("ds-seen"));
}

TEST_CASE("without a DS waiting for the parent, the observations are ignored") {
  std::vector<KeyInfo> keys = {ksk(1)};
  ds_rumoured(keys[0], t0 + 3600);
  keys[0].timestamps["ds-seen"] = t0 + 7200;
  CHECK_FALSE(awaits_parent_ds(keys, t0 + 10800));
  // A silent server and a stale DS would both be warnings, were the answers used.
  KeyInfo stranger = ksk(7);
  std::optional<ParentObservations> observed =
      ParentObservations(std::vector<ServerDs>{silent("ns1"), serves("ns2", {ds_of(stranger)})});
  ParentConfirmation c = confirm_from_observations(keys, origin, observed, t0 + 10800);
  CHECK(c.warnings.empty());
  CHECK(c.lines.empty());
}

TEST_CASE("a DS waiting to be seen or withdrawn makes the parent worth asking") {
  std::vector<KeyInfo> keys = {ksk(1)};
  keys[0].timestamps["dnskey-rumoured"] = t0;  // published, its DS not asked for yet
  CHECK_FALSE(awaits_parent_ds(keys, t0 + 1800));
  ds_rumoured(keys[0], t0 + 3600);
  CHECK(awaits_parent_ds(keys, t0 + 7200));
  std::vector<KeyInfo> leaving = {ksk(2)};
  ds_unretentive(leaving[0], t0 + 86400);
  CHECK(awaits_parent_ds(leaving, t0 + 90000));
  leaving[0].timestamps["ds-withdrawn"] = t0 + 90000;
  CHECK_FALSE(awaits_parent_ds(leaving, t0 + 90000));
}

TEST_CASE("observations are applied as the answers they hold") {
  std::vector<KeyInfo> keys = {ksk(1)};
  ds_rumoured(keys[0], t0 + 3600);
  std::optional<ParentObservations> observed =
      ParentObservations(std::vector<ServerDs>{serves("ns1", {ds_of(keys[0])})});
  ParentConfirmation c = confirm_from_observations(keys, origin, observed, t0 + 7200);
  REQUIRE(c.seen.size() == 1);
  CHECK(keys[0].timestamps.at("ds-seen") == t0 + 7200);
}

TEST_CASE("a failed search for the parent's servers is a warning and records nothing") {
  std::vector<KeyInfo> keys = {ksk(1)};
  ds_rumoured(keys[0], t0 + 3600);
  std::optional<ParentObservations> observed =
      ParentObservations(std::unexpected(Error(Errc::io, "resolver 192.0.2.53: no NS RRset found above child.test.")));
  ParentConfirmation c = confirm_from_observations(keys, origin, observed, t0 + 7200);
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0].starts_with("cannot find the parent's name servers: "));
  CHECK(c.seen.empty());
  CHECK_FALSE(keys[0].timestamps.contains("ds-seen"));
}

TEST_CASE("without observations nothing is recorded, even with a DS waiting") {
  std::vector<KeyInfo> keys = {ksk(1)};
  ds_rumoured(keys[0], t0 + 3600);
  ParentConfirmation c = confirm_from_observations(keys, origin, std::nullopt, t0 + 7200);
  CHECK(c.seen.empty());
  CHECK(c.lines.empty());
  CHECK(c.warnings.empty());
  CHECK_FALSE(keys[0].timestamps.contains("ds-seen"));
}
