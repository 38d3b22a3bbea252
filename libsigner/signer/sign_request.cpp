#include "signer/sign_request.hpp"

#include <algorithm>
#include <string>

#include "crypto/keys.hpp"

namespace zs {

Bytes stable_nsec3_salt(const Name& origin, std::size_t length) {
  if (length == 0) return {};
  Bytes seed = to_bytes("zonesign nsec3 salt " + origin.lowercased().to_string());
  Bytes salt = digest(DigestType::SHA384, seed);
  while (salt.size() < length) {
    Bytes more = digest(DigestType::SHA384, salt);
    salt.insert(salt.end(), more.begin(), more.end());
  }
  salt.resize(length);
  return salt;
}

Result<SignRequest> request_from_policy(const Policy* policy, const Name& origin, const SignOverrides& o) {
  SignRequest r;
  r.origin = origin;
  if (policy) {
    r.keys = policy->keys;
    r.denial = policy->denial.type;
    r.nsec3.iterations = static_cast<std::uint16_t>(policy->denial.iterations);
    r.nsec3.opt_out = policy->denial.opt_out;
    r.nsec3.salt = stable_nsec3_salt(origin, policy->denial.salt_length);
    r.validity = policy->signatures.validity;
    r.dnskey_validity = policy->signatures.dnskey_validity;
    r.refresh = policy->signatures.refresh;
    r.jitter = policy->signatures.jitter;
    r.inception_offset = policy->signatures.inception_offset;
    r.serial = policy->serial;
    r.dnskey_ttl = static_cast<std::uint32_t>(policy->ttl.dnskey);
    r.publish_cds = policy->parent.cds;
    r.cds_digests = policy->parent.cds_digests;
    r.zone_max_ttl = static_cast<std::uint32_t>(policy->ttl.zone_max);
    r.policy = *policy;
  } else {
    r.serial = SerialPolicy::keep;
  }

  if (o.algorithm) {
    const bool rsa = *o.algorithm == Algorithm::RSASHA256 || *o.algorithm == Algorithm::RSASHA512;
    for (auto& k : r.keys) {
      k.algorithm = *o.algorithm;
      k.size = rsa ? o.rsa_bits : 0;
    }
  }
  if (o.denial) r.denial = *o.denial;
  if (o.nsec3_salt) r.nsec3.salt = *o.nsec3_salt;
  if (o.nsec3_iterations) r.nsec3.iterations = *o.nsec3_iterations;
  if (o.opt_out) r.nsec3.opt_out = *o.opt_out;
  if (r.nsec3.opt_out && r.denial == DenialType::nsec) return fail(Errc::usage, "--opt-out needs --denial nsec3");
  if (o.validity) {
    r.validity = *o.validity;
    if (!policy) r.dnskey_validity = *o.validity;
  }
  if (o.dnskey_validity) r.dnskey_validity = *o.dnskey_validity;
  if (o.refresh) r.refresh = *o.refresh;
  if (o.jitter) r.jitter = *o.jitter;
  // The policy linter checks these for policy files; typed values get the
  // same rule: a signature must still have its refresh margin left when the
  // jitter shortened it most.
  const Duration shortest = std::min(r.validity, r.dnskey_validity) - r.jitter;
  if (r.jitter < 0 || shortest <= 0) return fail(Errc::usage, "--jitter: must be shorter than the signature validity");
  if (r.refresh && *r.refresh >= shortest)
    return fail(Errc::usage, "--refresh: must be shorter than the validity minus the jitter");
  if (o.inception_offset) r.inception_offset = *o.inception_offset;
  if (o.serial) r.serial = *o.serial;
  if (o.cds_digests) r.cds_digests = *o.cds_digests;
  if (o.dnskey_ttl) r.dnskey_ttl = *o.dnskey_ttl;
  return r;
}

}  // namespace zs
