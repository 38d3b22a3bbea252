// Turning a signing policy (policy/policy.hpp) and the values an operator
// typed for one run into the SignRequest that sign_zone() takes: which fields
// a policy decides, which defaults a run without a policy keeps, and which
// typed value wins. The front end (cli/cmd_sign.cpp) only parses options into
// SignOverrides and adds the run's paths and moment.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "dns/name.hpp"
#include "dnssec/denial.hpp"
#include "policy/policy.hpp"
#include "signer/serial.hpp"
#include "signer/sign_zone.hpp"

namespace zs {

// Values given for one run, each winning over the policy field it names
// (nullopt: not given, the policy's value or the default stays).
struct SignOverrides {
  // Every key the run may create gets this algorithm, and `rsa_bits` when it
  // is RSA (0 bits otherwise).
  std::optional<Algorithm> algorithm;
  unsigned rsa_bits = 2048;
  std::optional<DenialType> denial;
  std::optional<Bytes> nsec3_salt;  // empty: no salt
  std::optional<std::uint16_t> nsec3_iterations;
  std::optional<bool> opt_out;
  // Without a policy it is the DNSKEY signatures' validity too.
  std::optional<Duration> validity;
  std::optional<Duration> dnskey_validity;
  std::optional<Duration> refresh;
  std::optional<Duration> jitter;
  std::optional<Duration> inception_offset;
  std::optional<SerialPolicy> serial;
  std::optional<std::vector<DigestType>> cds_digests;
  std::optional<std::uint32_t> dnskey_ttl;
};

// The NSEC3 salt of `origin` under a policy asking for `length` octets: the
// same for every run of the zone, since a new salt each run would rebuild the
// whole NSEC3 chain for no gain (RFC 9276 §3.1). Empty for length 0.
Bytes stable_nsec3_salt(const Name& origin, std::size_t length);

// The request for zone `origin` under `policy` (nullptr: no policy, the
// defaults of SignRequest and serial `keep`), with `overrides` on top. Sets
// origin, the key, denial, signature, serial, CDS and TTL fields and, with a
// policy, `policy` itself; paths, `now`, threads and the other run options
// are the caller's. Errors (Errc::usage, worded for the command line, as only
// typed values can break them: the policy linter refuses such policy files):
// opt-out with NSEC, a jitter not shorter than the shortest validity, a
// refresh not shorter than that validity minus the jitter.
Result<SignRequest> request_from_policy(const Policy* policy, const Name& origin, const SignOverrides& overrides);

}  // namespace zs
