// Policy and typed values into a SignRequest (signer/sign_request.hpp): every
// field a policy decides reaches the request, a typed value wins over it, and
// a run without a policy keeps the defaults.
#include <doctest/doctest.h>

#include "signer/sign_request.hpp"

using namespace zs;

namespace {

const Name origin = Name::parse("example.com.").value();

// A policy whose every request-relevant field differs from the defaults, so
// that a field that does not reach the request fails a check.
Policy unusual_policy() {
  Policy p = default_policy();
  p.keys = {default_key_policy(Role::csk)};
  p.keys[0].algorithm = Algorithm::ED25519;
  p.denial.type = DenialType::nsec3;
  p.denial.iterations = 3;
  p.denial.salt_length = 8;
  p.denial.opt_out = true;
  p.signatures.validity = 20 * 86400;
  p.signatures.dnskey_validity = 30 * 86400;
  p.signatures.refresh = 7 * 86400;
  p.signatures.jitter = 2 * 86400;
  p.signatures.inception_offset = 600;
  p.serial = SerialPolicy::date;
  p.ttl.dnskey = 7200;
  p.ttl.zone_max = 43200;
  p.parent.cds = false;
  p.parent.cds_digests = {DigestType::SHA384};
  return p;
}

}  // namespace

TEST_CASE("every field a policy decides lands in the request") {
  const Policy p = unusual_policy();
  auto r = request_from_policy(&p, origin, {});
  REQUIRE(r);
  CHECK(r->origin == origin);
  REQUIRE(r->keys.size() == 1);
  CHECK(r->keys[0].role == Role::csk);
  CHECK(r->keys[0].algorithm == Algorithm::ED25519);
  CHECK(r->denial == DenialType::nsec3);
  CHECK(r->nsec3.iterations == 3);
  CHECK(r->nsec3.salt.size() == 8);
  CHECK(r->nsec3.opt_out);
  CHECK(r->validity == 20 * 86400);
  CHECK(r->dnskey_validity == 30 * 86400);
  REQUIRE(r->refresh);
  CHECK(*r->refresh == 7 * 86400);
  CHECK(r->jitter == 2 * 86400);
  CHECK(r->inception_offset == 600);
  CHECK(r->serial == SerialPolicy::date);
  CHECK(r->dnskey_ttl == 7200);
  REQUIRE(r->zone_max_ttl);
  CHECK(*r->zone_max_ttl == 43200);
  CHECK_FALSE(r->publish_cds);
  CHECK(r->cds_digests == std::vector<DigestType>{DigestType::SHA384});
  REQUIRE(r->policy);
  CHECK(*r->policy == p);
}

TEST_CASE("a typed value wins over its policy field") {
  const Policy p = unusual_policy();
  SignOverrides o;
  o.algorithm = Algorithm::RSASHA256;
  o.rsa_bits = 3072;
  o.denial = DenialType::nsec;
  o.opt_out = false;
  o.nsec3_salt = Bytes{};
  o.nsec3_iterations = 0;
  o.validity = 10 * 86400;
  o.dnskey_validity = 9 * 86400;
  o.refresh = 2 * 86400;
  o.jitter = 3600;
  o.inception_offset = 60;
  o.serial = SerialPolicy::increment;
  o.cds_digests = std::vector<DigestType>{DigestType::SHA256, DigestType::SHA384};
  o.dnskey_ttl = 300;
  auto r = request_from_policy(&p, origin, o);
  REQUIRE(r);
  CHECK(r->keys[0].algorithm == Algorithm::RSASHA256);
  CHECK(r->keys[0].size == 3072);
  CHECK(r->denial == DenialType::nsec);
  CHECK_FALSE(r->nsec3.opt_out);
  CHECK(r->nsec3.salt.empty());
  CHECK(r->nsec3.iterations == 0);
  CHECK(r->validity == 10 * 86400);
  CHECK(r->dnskey_validity == 9 * 86400);  // with a policy, --validity leaves the DNSKEY validity alone
  CHECK(*r->refresh == 2 * 86400);
  CHECK(r->jitter == 3600);
  CHECK(r->inception_offset == 60);
  CHECK(r->serial == SerialPolicy::increment);
  CHECK(r->cds_digests.size() == 2);
  CHECK(r->dnskey_ttl == 300);
  CHECK(r->policy);  // the planner still runs under the policy
}

TEST_CASE("without a policy the request keeps the defaults, serial keep, and no planner") {
  auto r = request_from_policy(nullptr, origin, {});
  REQUIRE(r);
  const SignRequest defaults;
  CHECK_FALSE(r->policy);
  CHECK(r->serial == SerialPolicy::keep);
  CHECK(r->keys == defaults.keys);
  CHECK_FALSE(r->refresh);
  CHECK(r->jitter == 0);
  CHECK(r->validity == defaults.validity);
  CHECK(r->nsec3.salt.empty());
  CHECK_FALSE(r->zone_max_ttl);
  // --validity without a policy sets the DNSKEY validity too.
  SignOverrides o;
  o.validity = 5 * 86400;
  auto v = request_from_policy(nullptr, origin, o);
  REQUIRE(v);
  CHECK(v->dnskey_validity == 5 * 86400);
  // An ECDSA algorithm takes no key size, whatever rsa_bits says.
  o.algorithm = Algorithm::ECDSAP384SHA384;
  auto a = request_from_policy(nullptr, origin, o);
  REQUIRE(a);
  for (const auto& k : a->keys) {
    CHECK(k.algorithm == Algorithm::ECDSAP384SHA384);
    CHECK(k.size == 0);
  }
}

TEST_CASE("a policy's NSEC3 salt is the same for every run of a zone and differs between zones") {
  const Policy p = unusual_policy();
  auto a = request_from_policy(&p, origin, {});
  auto b = request_from_policy(&p, Name::parse("EXAMPLE.com.").value(), {});
  auto c = request_from_policy(&p, Name::parse("example.org.").value(), {});
  REQUIRE((a && b && c));
  CHECK(a->nsec3.salt == b->nsec3.salt);
  CHECK(a->nsec3.salt != c->nsec3.salt);
  CHECK(stable_nsec3_salt(origin, 60).size() == 60);  // longer than one SHA-384
  CHECK(stable_nsec3_salt(origin, 0).empty());
}

TEST_CASE("typed values that contradict each other or the policy are usage errors") {
  const Policy p = unusual_policy();  // opt-out on
  SignOverrides nsec;
  nsec.denial = DenialType::nsec;
  auto r = request_from_policy(&p, origin, nsec);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::usage);

  SignOverrides jitter;
  jitter.jitter = 30 * 86400;  // not shorter than the 20-day validity
  auto j = request_from_policy(&p, origin, jitter);
  REQUIRE_FALSE(j);
  CHECK(j.error().code == Errc::usage);

  SignOverrides refresh;
  refresh.refresh = 19 * 86400;  // 20 days minus 2 days of jitter leaves 18
  auto f = request_from_policy(&p, origin, refresh);
  REQUIRE_FALSE(f);
  CHECK(f.error().code == Errc::usage);
}
