// `zonesign ds` at a moment (signer/ds_report.hpp): the DS set the zone wants
// at the parent is its CDS set, each DS with where it stands, and the DS of a
// retired KSK is listed apart, to be withdrawn.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "keys/key_state.hpp"
#include "keys/key_store.hpp"
#include "signer/ds_report.hpp"

using namespace zs;

namespace {

constexpr UnixTime t0 = 1767225600;
const Name origin = Name::parse("child.test.").value();

struct Fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "zs_ds_report_test";
  std::uint16_t old_ksk = 0, new_ksk = 0, zsk = 0;

  // An old KSK whose DS the parent confirmed, retiring in a double-KSK
  // rollover; a new KSK whose DS entered CDS at t0 + 10h; a ZSK.
  Fixture() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto store = KeyStore::open(dir.string(), origin, true);
    REQUIRE(store);
    auto a = store->generate(Role::ksk, Algorithm::ECDSAP256SHA256, 0, t0);
    REQUIRE(a);
    old_ksk = (*a)->tag;
    auto z = store->generate(Role::zsk, Algorithm::ECDSAP256SHA256, 0, t0);
    REQUIRE(z);
    zsk = (*z)->tag;
    auto b = store->generate(Role::ksk, Algorithm::ECDSAP256SHA256, 0, t0 + 3600);
    REQUIRE(b);
    new_ksk = (*b)->tag;
    for (KeyInfo& k : store->keys()) {
      for (RecordKind r : {RecordKind::dnskey, RecordKind::krrsig, RecordKind::zrrsig})
        if (record_applies(k.role, r)) k.timestamps[record_event_name(r, RecordState::rumoured)] = k.timestamps.at("created");
      if (k.tag == old_ksk) {
        k.timestamps["ds-rumoured"] = t0 + 3600;
        k.timestamps["ds-seen"] = t0 + 7200;
        k.timestamps["ds-omnipresent"] = t0 + 14400;
        k.timestamps["retired"] = t0 + 20 * 3600;
        k.timestamps["ds-unretentive"] = t0 + 20 * 3600;
      }
      if (k.tag == new_ksk) k.timestamps["ds-rumoured"] = t0 + 10 * 3600;
    }
    REQUIRE(store->commit());
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  DsReport at(UnixTime now, std::vector<DigestType> digests = {DigestType::SHA256}) {
    auto r = make_ds_status(DsRequest{origin, dir.string(), std::move(digests), now});
    REQUIRE_MESSAGE(r, r.error().to_string());
    return *r;
  }
};

std::vector<std::uint16_t> tags(const std::vector<DsEntry>& entries) {
  std::vector<std::uint16_t> out;
  for (const auto& e : entries) out.push_back(e.key_tag);
  return out;
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "before its DS enters CDS a KSK is not in the DS set, and nothing is to do") {
  DsReport r = at(t0 + 1800);
  CHECK(r.entries.empty());
  CHECK(r.withdraw.empty());
  CHECK(r.at_moment);
  CHECK_FALSE(r.operator_must_act());
}

TEST_CASE_FIXTURE(Fixture, "a DS in CDS that the parent has not confirmed is to be submitted") {
  DsReport r = at(t0 + 3600);
  REQUIRE(tags(r.entries) == std::vector<std::uint16_t>{old_ksk});
  CHECK(r.entries[0].status == std::string(ds_status_submit));
  CHECK(r.operator_must_act());
}

TEST_CASE_FIXTURE(Fixture, "a confirmed DS is propagating until its cache window ends, then published") {
  DsReport r = at(t0 + 7200);
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].status == std::string(ds_status_propagating));
  CHECK_FALSE(r.operator_must_act());
  r = at(t0 + 5 * 3600);
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].status == std::string(ds_status_published));
  CHECK_FALSE(r.operator_must_act());
}

TEST_CASE_FIXTURE(Fixture, "during a KSK rollover the new DS is to submit and the old one to withdraw") {
  DsReport r = at(t0 + 21 * 3600, {DigestType::SHA256, DigestType::SHA384});
  // One entry per digest type, for the new KSK only.
  REQUIRE(tags(r.entries) == std::vector<std::uint16_t>{new_ksk, new_ksk});
  CHECK(r.entries[0].digest_type == DigestType::SHA256);
  CHECK(r.entries[1].digest_type == DigestType::SHA384);
  CHECK(r.entries[1].status == std::string(ds_status_submit));
  REQUIRE(tags(r.withdraw) == std::vector<std::uint16_t>{old_ksk, old_ksk});
  CHECK(r.withdraw[0].status == std::string(ds_status_withdraw));
  CHECK(r.operator_must_act());
  CHECK(ds_record_line(origin, r.withdraw[0]).starts_with("child.test. IN DS " + std::to_string(old_ksk) +
                                                           " 13 2 "));
}

TEST_CASE_FIXTURE(Fixture, "without a moment every key-signing key is listed, without a status") {
  auto r = make_ds_status(DsRequest{origin, dir.string(), {DigestType::SHA256}, std::nullopt});
  REQUIRE(r);
  auto t = tags(r->entries);
  std::ranges::sort(t);
  std::vector<std::uint16_t> want = {old_ksk, new_ksk};
  std::ranges::sort(want);
  CHECK(t == want);
  CHECK(std::ranges::all_of(r->entries, [](const DsEntry& e) { return e.status.empty(); }));
  CHECK_FALSE(r->operator_must_act());
  CHECK_FALSE(r->at_moment);
}

TEST_CASE_FIXTURE(Fixture, "a DS entry gives back the record it describes") {
  DsReport r = at(t0 + 3600);
  REQUIRE(r.entries.size() == 1);
  Ds ds = r.entries[0].ds();
  CHECK(ds.key_tag == old_ksk);
  CHECK(ds.digest.size() == 32);
  CHECK(ds_record_line(origin, ds) == ds_record_line(origin, r.entries[0]));
}

TEST_CASE("with the policy, a DS the next run will put in CDS is named, so that ds agrees with status") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "zs_ds_report_next_run_test";
  std::filesystem::remove_all(dir);
  std::uint16_t ksk = 0;
  {
    // A zone signed once at t0 with the default policy: DNSKEYs published, no DS asked for yet.
    auto store = KeyStore::open(dir.string(), origin, true);
    REQUIRE(store);
    auto k = store->generate(Role::ksk, Algorithm::ECDSAP256SHA256, 0, t0);
    REQUIRE(k);
    ksk = (*k)->tag;
    REQUIRE(store->generate(Role::zsk, Algorithm::ECDSAP256SHA256, 0, t0));
    for (KeyInfo& key : store->keys())
      for (RecordKind r : {RecordKind::dnskey, RecordKind::krrsig, RecordKind::zrrsig})
        if (record_applies(key.role, r)) key.timestamps[record_event_name(r, RecordState::rumoured)] = t0;
    REQUIRE(store->commit());
  }
  const Policy policy = default_policy();
  DsRequest request{origin, dir.string(), {DigestType::SHA256}, t0 + 60, &policy};
  auto soon = make_ds_status(request);
  REQUIRE(soon);
  CHECK(soon->entries.empty());
  CHECK(soon->next_run_adds.empty());  // the DNSKEY is not in every cache yet: nothing comes next
  // Days later the next run adds the DS to CDS; what is recorded does not ask for it yet.
  request.now = t0 + 3 * 86400;
  auto later = make_ds_status(request);
  REQUIRE(later);
  CHECK(later->entries.empty());
  CHECK(later->next_run_adds == std::vector<std::uint16_t>{ksk});
  CHECK_FALSE(later->operator_must_act());
  // Without the policy, nothing is projected.
  request.policy = nullptr;
  auto plain = make_ds_status(request);
  REQUIRE(plain);
  CHECK(plain->next_run_adds.empty());
  std::filesystem::remove_all(dir);
}
