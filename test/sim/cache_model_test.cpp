// The simulation's resolver-cache model (cache_model.hpp) must find a real gap,
// or a simulation that reports 0 gaps proves nothing. These cases build zone
// versions by hand with real keys and signatures (RFC 4035 §5 rules).
#include <doctest/doctest.h>

#include "cache_model.hpp"
#include "crypto/keys.hpp"
#include "dnssec/rrsig.hpp"

namespace zs::sim {
namespace {

constexpr UnixTime t0 = 1798761600;  // 2027-01-01T00:00:00Z
constexpr Duration hour = 3600;

struct Key {
  PrivateKey key;
  Bytes rdata;
  std::uint16_t tag = 0;
};

Key make_key(bool sep) {
  auto k = PrivateKey::generate(Algorithm::ECDSAP256SHA256);
  REQUIRE(k);
  Key out{std::move(*k), {}, 0};
  std::uint16_t flags = dnskey_flag_zone | (sep ? dnskey_flag_sep : 0);
  out.rdata = Dnskey{flags, 3, Algorithm::ECDSAP256SHA256, out.key.dnskey_public_key()}.to_rdata();
  out.tag = key_tag(out.rdata);
  return out;
}

Name origin() { return *Name::parse("test."); }

SignedRrset signed_rrset(Rrset rrset, std::initializer_list<const Key*> signers, UnixTime inception,
                         UnixTime expiration) {
  SignedRrset s;
  s.rrset = std::move(rrset);
  RrsetSigner signer;
  for (const Key* k : signers) {
    SigningKey sk{&k->key, k->rdata, k->tag, Algorithm::ECDSAP256SHA256};
    auto sig = signer.sign(s.rrset, origin(), sk, static_cast<std::uint32_t>(inception),
                           static_cast<std::uint32_t>(expiration));
    REQUIRE(sig);
    s.sig_rdatas.push_back(sig->to_rdata());
    s.sigs.push_back(std::move(*sig));
  }
  return s;
}

ZoneVersion version(std::initializer_list<const Key*> dnskeys, std::initializer_list<const Key*> ksks,
                    std::initializer_list<const Key*> zsks, UnixTime t, Duration validity = 14 * 86400) {
  Rrset keys{origin(), RrType::DNSKEY, class_IN, 3600, {}};
  for (const Key* k : dnskeys) keys.rdatas.push_back(k->rdata);
  Rrset a{*Name::parse("www.test."), RrType::A, class_IN, 3600, {Bytes{192, 0, 2, 1}}};
  ZoneVersion v;
  v.dnskey = signed_rrset(keys, ksks, t - hour, t + validity);
  v.samples.emplace("leaf A", signed_rrset(a, zsks, t - hour, t + validity));
  return v;
}

CacheModel make_model() {
  return CacheModel(origin(), CacheWindows{300, 86400 + hour, hour}, {"leaf A"});
}

std::vector<Ds> ds_of(const Key& k) { return {make_ds(origin(), k.rdata, DigestType::SHA256)}; }

}  // namespace

TEST_CASE("a ZSK swap that replaces the signatures in the version that first publishes the key is a gap") {
  Key ksk = make_key(true), old_zsk = make_key(false), new_zsk = make_key(false);
  CacheModel model = make_model();
  model.publish_ds(t0 - 86400, ds_of(ksk));
  model.publish_zone(t0, version({&ksk, &old_zsk}, {&ksk}, {&old_zsk}, t0), "v0");
  CHECK(model.check(t0) == 0);
  const UnixTime t1 = t0 + 6 * hour;
  model.publish_zone(t1, version({&ksk, &old_zsk, &new_zsk}, {&ksk}, {&new_zsk}, t1), "v1");
  // A resolver still holds v0's DNSKEY RRset (1h TTL + 5m) and fetches v1's A RRset.
  CHECK(model.check(t1) > 0);
  CHECK(model.gaps() > 0);
  REQUIRE_FALSE(model.gap_reports().empty());
  CHECK(model.gap_reports().front().find(std::to_string(new_zsk.tag)) != std::string::npos);
}

TEST_CASE("a ZSK pre-publish that waits for the DNSKEY cache window has no gap") {
  Key ksk = make_key(true), old_zsk = make_key(false), new_zsk = make_key(false);
  CacheModel model = make_model();
  model.publish_ds(t0 - 86400, ds_of(ksk));
  const UnixTime t1 = t0 + 6 * hour, t2 = t1 + 6 * hour, t3 = t2 + 6 * hour;
  model.publish_zone(t0, version({&ksk, &old_zsk}, {&ksk}, {&old_zsk}, t0), "v0");
  model.check(t0);
  model.publish_zone(t1, version({&ksk, &old_zsk, &new_zsk}, {&ksk}, {&old_zsk}, t1), "v1");
  model.check(t1);
  model.check(t2 - 1);
  model.publish_zone(t2, version({&ksk, &old_zsk, &new_zsk}, {&ksk}, {&new_zsk}, t2), "v2");
  model.check(t2);
  model.check(t3 - 1);
  // The old A RRset (1h TTL) left every cache long before the old key goes.
  model.publish_zone(t3, version({&ksk, &new_zsk}, {&ksk}, {&new_zsk}, t3), "v3");
  model.check(t3);
  model.check(t3 + 6 * hour - 1);
  CHECK(model.gaps() == 0);
  CHECK(model.stats().combinations > 0);
  CHECK(model.stats().verifications > 0);
}

TEST_CASE("a signature that expires while its RRset is served is a gap") {
  Key ksk = make_key(true), zsk = make_key(false);
  CacheModel model = make_model();
  model.publish_ds(t0 - 86400, ds_of(ksk));
  model.publish_zone(t0, version({&ksk, &zsk}, {&ksk}, {&zsk}, t0, 2 * hour), "v0");
  CHECK(model.check(t0 + hour) == 0);
  CHECK(model.check(t0 + 3 * hour) > 0);
}

TEST_CASE("signatures that expire during a declared pause are counted apart, and only until fresh ones are cached") {
  Key ksk = make_key(true), zsk = make_key(false);
  CacheModel model = make_model();
  model.publish_ds(t0 - 86400, ds_of(ksk));
  model.publish_zone(t0, version({&ksk, &zsk}, {&ksk}, {&zsk}, t0, 2 * hour), "v0");
  const UnixTime resume = t0 + 20 * 86400;
  model.declare_pause(t0, resume);
  CHECK(model.check(resume - 1) == 0);
  CHECK(model.expired_gaps() > 0);
  model.publish_zone(resume, version({&ksk, &zsk}, {&ksk}, {&zsk}, resume), "v1");
  model.check(resume);
  CHECK(model.gaps() == 0);
  // Once the expired versions left every cache, a failure is a gap again.
  const std::size_t excused = model.expired_gaps();
  model.publish_ds(resume + 2 * 86400, ds_of(make_key(true)));
  CHECK(model.check(resume + 2 * 86400) > 0);
  CHECK(model.expired_gaps() == excused);
}

TEST_CASE("a DS that matches no key signing the DNSKEY RRset is a gap; no DS at all is insecure, not a gap") {
  Key ksk = make_key(true), zsk = make_key(false), other = make_key(true);
  CacheModel model = make_model();
  model.publish_zone(t0, version({&ksk, &zsk}, {&ksk}, {&zsk}, t0), "v0");
  CHECK(model.check(t0) == 0);  // insecure delegation: nothing to validate
  model.publish_ds(t0 + hour, ds_of(other));
  CHECK(model.check(t0 + hour) > 0);
}

TEST_CASE("the parent withdrawing every DS after a secure delegation is a gap") {
  Key ksk = make_key(true), zsk = make_key(false);
  CacheModel model = make_model();
  model.publish_ds(t0 - 86400, ds_of(ksk));
  model.publish_zone(t0, version({&ksk, &zsk}, {&ksk}, {&zsk}, t0), "v0");
  CHECK(model.check(t0) == 0);
  model.publish_ds(t0 + hour, {});
  CHECK(model.check(t0 + hour) > 0);
}

}  // namespace zs::sim
