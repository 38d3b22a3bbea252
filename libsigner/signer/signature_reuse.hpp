// Signature reuse between runs: the RRSIGs of the previous signed output are
// kept for every RRset that has not changed, as long as they have more than
// the policy's refresh time left (RFC 6781 §4.4.2 "signature validity
// periods"; the "refresh"/"re-sign" interval of BIND and Knot). A zone signed
// every day with a 14-day validity then only re-signs what changed and the
// signatures nearing expiry, instead of everything: fewer signatures to make,
// smaller zone transfers (IXFR), and the expirations stay spread out by the
// jitter instead of all falling on one moment.
//
// Only signatures verified before are reused: the state file records the
// SHA-256 of each output after its full self-check, and a previous output
// with other bytes is not used at all. The self-check of the new output then
// checks everything again except the cryptography of those signatures
// (dnssec/verify.hpp VerifyOptions::verified), which is what makes a re-sign
// of an unchanged zone cheap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "dns/name.hpp"
#include "dns/record.hpp"
#include "dnssec/verify.hpp"

namespace zs {

// The signatures of a previously signed zone, indexed by RRset.
class PreviousSignatures {
 public:
  PreviousSignatures() = default;

  // Reads the signed zone at `path` (the output of the previous run), whose
  // SHA-256 (hex) the last run recorded as `verified_sha256` after verifying
  // it in full. A missing file gives an empty index. A file without that
  // record, with other bytes, or that does not parse is an error the caller
  // may ignore (it then signs everything afresh): only signatures a run has
  // verified are ever reused, and verified() lists them for the self-check.
  static Result<PreviousSignatures> load(const std::string& path, const Name& origin,
                                         const std::string& verified_sha256);

  // The RRSIG RDATA of the previous output that covers exactly this RRset
  // (same owner, type, TTL and RDATA set), made by the key (tag, algorithm)
  // for zone `origin`, valid at `now` and expiring more than `refresh` after
  // `now`; nullopt when the RRset must be signed again.
  std::optional<Bytes> find(const Rrset& rrset, const Name& origin, std::uint16_t tag, Algorithm algorithm,
                            UnixTime now, Duration refresh) const;

  std::size_t rrset_count() const noexcept { return entries_.size(); }
  // Fingerprints (dnssec/rrsig.hpp signature_fingerprint) of the signatures
  // in the file, all verified by the run that wrote it.
  const VerifiedSignatures& verified() const noexcept { return verified_; }

 private:
  struct Entry {
    Bytes content;               // digest of the RRset's canonical form (owner, type, TTL, sorted RDATA)
    std::vector<Bytes> rrsigs;   // RRSIG RDATAs covering it
  };
  std::unordered_map<std::string, Entry> entries_;  // key: lower-case owner wire + type
  VerifiedSignatures verified_;
};

// The expiration of the signatures over one RRset: now + validity, minus an
// offset in [0, jitter] derived from the owner and type. The offset is a hash,
// not a random number, so a run is reproducible, yet the expirations of a
// large zone spread evenly over the jitter window (and so do its re-signings).
UnixTime jittered_expiration(const Name& owner, RrType type, UnixTime now, Duration validity, Duration jitter);

}  // namespace zs
