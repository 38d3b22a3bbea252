// Independent check of a signed zone (what `zonesign verify` and the signer's
// self-check run): every RRSIG verifies against the zone's DNSKEYs within its
// validity window at `now`; every authoritative RRset is signed by a zone key
// of each algorithm in the DNSKEY RRset; the DNSKEY RRset is signed by a SEP
// key; no signatures on glue, occluded data or delegation NS; and the NSEC or
// NSEC3 chain is ordered, complete, closed, with correct type bitmaps and
// opt-out, covering empty non-terminals and leaving out glue/occluded names;
// and an apex ZONEMD matches the zone (RFC 8976 §4, dnssec/zonemd.hpp).
// The expected chain is derived from the zone's names alone; the only code
// shared with the signing side is nsec3_hash (checked against RFC 5155
// Appendix A) and the RRSIG signature-input builder.
//
// Two levels, as kzonecheck reports them. An error is what makes a
// validating resolver fail (a signature that does not verify, a broken
// chain, an RRset no valid signature covers). A warning is a signer rule
// broken that resolvers tolerate: an NSEC/NSEC3 TTL other than RFC 9077's,
// an RRSIG TTL other than its RRset's, a DNSKEY algorithm that signs nothing
// (RFC 6840 §5.11: one valid algorithm is enough), several DNSKEYs sharing a
// key tag and algorithm (resolvers that cap key-tag collisions since
// CVE-2023-50387 may give up on them). The signer's self-check treats both as
// failures; `zonesign verify` only errors, unless --strict.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"
#include "dnssec/rrsig.hpp"
#include "dnssec/verified_signatures.hpp"
#include "dnssec/zonemd.hpp"
#include "zone/zone.hpp"

namespace zs {

// Above this many extra NSEC3 iterations verify reports an error instead of
// hashing every name: the ceiling `sign` enforces (cli --nsec3-iterations,
// policy lint), far above RFC 9276's advice of 0.
inline constexpr std::uint16_t max_nsec3_iterations = 500;

enum class Severity : std::uint8_t { error, warning };

struct VerifyProblem {
  Name owner;
  RrType type = RrType::A;  // the RRset concerned (NSEC/NSEC3 for chain problems)
  std::string what;
  Severity severity = Severity::error;
};


// Another way than verification to show that a signature is valid, for a
// caller that can do it more cheaply: the signer, which holds the private
// keys, proves its own deterministic signatures by making them again
// (signer/output_gate.hpp). verify_zone asks it before verifying each
// signature, from the worker threads: each thread opens its own session.
class SignatureProver {
 public:
  class Session {
   public:
    virtual ~Session() = default;
    // Whether `rrsig` is a valid signature over `signed_data` (its signature
    // input, RFC 4034 §3.1.8.1, as verify_zone built it from the zone) by the
    // key whose DNSKEY RDATA is `dnskey_rdata`: true or false when proven
    // either way, nullopt when this session cannot tell (verify_zone then
    // verifies it). Validity times are not its business.
    virtual std::optional<bool> prove(BytesView signed_data, const Rrsig& rrsig, BytesView dnskey_rdata) = 0;
    // prove() for each request, in order; verify_zone asks for up to 64 at
    // once so that a session can prove them together (the signer signs
    // ECDSA in batches, about half the cost of one at a time).
    struct Request {
      BytesView signed_data;
      const Rrsig* rrsig = nullptr;
      BytesView dnskey_rdata;
    };
    virtual std::vector<std::optional<bool>> prove_many(std::span<const Request> requests) {
      std::vector<std::optional<bool>> out;
      out.reserve(requests.size());
      for (const Request& r : requests) out.push_back(prove(r.signed_data, *r.rrsig, r.dnskey_rdata));
      return out;
    }
  };
  virtual ~SignatureProver() = default;
  // A session for one thread; sessions run at the same time.
  virtual std::unique_ptr<Session> session() const = 0;
};

struct VerifyOptions {
  std::uint64_t now = 0;     // Unix seconds
  unsigned threads = 1;      // crypto checks may run on several threads
  // Signatures whose fingerprint is listed here skip only the cryptographic
  // check (every field, time and coverage check still applies): the signer
  // passes the ones it kept from a previous output whose exact bytes it
  // verified in full when it wrote them.
  const VerifiedSignatures* verified = nullptr;
  // Asked about every signature not listed in `verified`, before it is
  // verified; what it proves is not verified. Every other check applies.
  const SignatureProver* prover = nullptr;
  // By node index, nonzero for a node whose signatures a re-sign carried
  // over from an output that an earlier check passed, without holding them
  // in the zone (signer/sign_zone.cpp, "carried chunks"): its RRsets are not
  // checked for coverage. Everything else still covers it, the denial chain
  // included. Empty: every node is checked.
  std::span<const std::uint8_t> carried_nodes{};
  // The denial chain's inputs are, by denial_digest, those of a zone whose
  // check passed: it is not checked again (VerifyReport::denial is still
  // set). Only a signer that recorded that digest after its own passed
  // check may set it.
  bool denial_proven = false;
};

struct VerifyReport {
  enum class Denial { none, nsec, nsec3 } denial = Denial::none;
  std::size_t rrsets_checked = 0;
  std::size_t signatures_checked = 0;
  std::size_t signatures_known_good = 0;  // of those, accepted through VerifyOptions::verified
  std::size_t signatures_proven = 0;      // of those, proven valid by VerifyOptions::prover
  std::vector<VerifyProblem> problems;  // errors and warnings, in canonical order of owner
  // The apex ZONEMD (RFC 8976 §4); failed is an error in `problems`,
  // unverifiable a warning.
  ZonemdCheck::Outcome zonemd = ZonemdCheck::Outcome::absent;
  // No problem at all, warnings included: the signer's gate.
  bool ok() const noexcept { return problems.empty(); }
  std::size_t error_count() const noexcept;
  std::size_t warning_count() const noexcept { return problems.size() - error_count(); }
  // What a validating resolver would accept: no error (strict: no warning either).
  bool valid(bool strict) const noexcept { return strict ? ok() : error_count() == 0; }
};

// `zone` was built with BuildOptions{.keep_dnssec = true}.
VerifyReport verify_zone(const Zone& zone, const VerifyOptions& options);

// SHA-256 over everything the denial-chain check of verify_zone reads: the
// origin, the SOA TTL and MINIMUM, and for each node its owner as spelt, its
// kind, whether it is an empty non-terminal, its RRset types, and its NSEC,
// NSEC3 and NSEC3PARAM records with their TTLs. Two zones with the same
// digest pass or fail that check alike (VerifyOptions::denial_proven).
// Taken in slices of nodes on `threads` threads; the digest does not depend
// on their number.
ContentDigest denial_digest(const Zone& zone, unsigned threads);

}  // namespace zs
