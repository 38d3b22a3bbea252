// Independent check of a signed zone (what `zonesign verify` and the signer's
// self-check run): every RRSIG verifies against the zone's DNSKEYs within its
// validity window at `now`; every authoritative RRset is signed by a zone key
// of each algorithm in the DNSKEY RRset; the DNSKEY RRset is signed by a SEP
// key; no signatures on glue, occluded data or delegation NS; and the NSEC or
// NSEC3 chain is ordered, complete, closed, with correct type bitmaps and
// opt-out, covering empty non-terminals and leaving out glue/occluded names.
// The expected chain is derived from the zone's names alone; the only code
// shared with the signing side is nsec3_hash (checked against RFC 5155
// Appendix A) and the RRSIG signature-input builder.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"
#include "zone/zone.hpp"

namespace zs {

struct VerifyProblem {
  Name owner;
  RrType type = RrType::A;  // the RRset concerned (NSEC/NSEC3 for chain problems)
  std::string what;
};

// Signatures whose cryptography is known good, by signature_fingerprint()
// (dnssec/rrsig.hpp).
using VerifiedSignatures = std::unordered_set<std::string>;

struct VerifyOptions {
  std::uint64_t now = 0;     // Unix seconds
  unsigned threads = 1;      // crypto checks may run on several threads
  // Signatures whose fingerprint is listed here skip only the cryptographic
  // check (every field, time and coverage check still applies): the signer
  // passes the ones it kept from a previous output whose exact bytes it
  // verified in full when it wrote them.
  const VerifiedSignatures* verified = nullptr;
};

struct VerifyReport {
  enum class Denial { none, nsec, nsec3 } denial = Denial::none;
  std::size_t rrsets_checked = 0;
  std::size_t signatures_checked = 0;
  std::size_t signatures_known_good = 0;  // of those, accepted through VerifyOptions::verified
  std::vector<VerifyProblem> problems;  // in canonical order of owner
  bool ok() const noexcept { return problems.empty(); }
};

// `zone` was built with BuildOptions{.keep_dnssec = true}.
VerifyReport verify_zone(const Zone& zone, const VerifyOptions& options);

}  // namespace zs
