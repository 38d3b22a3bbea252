// RRSIG records: RFC 4034 §3 fields, the signature input of §3.1.8.1 (with
// the canonical RRset of §6.3 and wildcard label count of §3.1.3), signing
// and cryptographic verification.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/keys.hpp"
#include "dns/name.hpp"
#include "dns/record.hpp"
#include "dnssec/verified_signatures.hpp"

namespace zs {

struct Rrsig {
  RrType type_covered = RrType::A;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  std::uint8_t labels = 0;
  std::uint32_t original_ttl = 0;
  std::uint32_t expiration = 0;
  std::uint32_t inception = 0;
  std::uint16_t key_tag = 0;
  Name signer;
  Bytes signature;

  Bytes to_rdata() const;
  static Result<Rrsig> from_rdata(BytesView rdata);  // Errc::bad_rdata
};

// Appends the signature input (RRSIG RDATA without the signature, then the
// RRset in canonical form and canonical RDATA order) to `out`.
// `fields.signature` is ignored. The RRset's owner may be a wildcard
// expansion: `fields.labels` decides the owner used (RFC 4035 §5.3.2).
void append_signature_input(const Rrsig& fields, const Rrset& rrset, Bytes& out);

// A key as the signer uses it: shared read-only between threads.
struct SigningKey {
  const PrivateKey* key = nullptr;
  Bytes dnskey_rdata;
  std::uint16_t tag = 0;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
};

// Per-thread: signs RRsets, reusing its crypto context and input buffer.
class RrsetSigner {
 public:
  // Labels count excludes the root and a leading "*" label (RFC 4034 §3.1.3).
  Result<Rrsig> sign(const Rrset& rrset, const Name& signer_name, const SigningKey& key,
                     std::uint32_t inception, std::uint32_t expiration);

  // One RRset of a batch.
  struct Item {
    const Rrset* rrset = nullptr;
    const SigningKey* key = nullptr;
    std::uint32_t inception = 0;
    std::uint32_t expiration = 0;
  };
  // The RRSIGs sign() gives for each item, in order. Items with the same key
  // are signed together (SignContext::sign_many: ECDSA in batches, about half
  // the cost of one at a time).
  Result<std::vector<Rrsig>> sign_batch(std::span<const Item> items, const Name& signer_name);

 private:
  SignContext ctx_;
  Bytes buffer_;
};

// Cryptographic check of one RRSIG over an RRset with a DNSKEY (RDATA form);
// ignores validity times (callers compare them with `now`). True if valid.
Result<bool> verify_rrsig(const Rrset& rrset, const Rrsig& rrsig, BytesView dnskey_rdata);

// A digest of an RRset as a signature covers it (RFC 4034 §6.2, §6.3):
// lower-case owner, type, TTL and the canonical RDATAs in canonical order,
// without duplicates. Two RRsets with equal digests take the same signatures.
using ContentDigest = std::array<std::uint8_t, 32>;  // SHA-256
ContentDigest rrset_content_digest(const Rrset& rrset);

// Names one verified fact: "RRSIG `rrsig_rdata` over `rrset` verifies with
// DNSKEY `dnskey_rdata`" (a SHA-256 over all three). The signer's self-check
// uses it to skip the cryptography of signatures it already verified in the
// previous run (VerifyOptions::verified).
SignatureFingerprint signature_fingerprint(BytesView rrsig_rdata, const Rrset& rrset, BytesView dnskey_rdata);
// The same for an RRset whose rrset_content_digest() is already known.
SignatureFingerprint signature_fingerprint(BytesView rrsig_rdata, const ContentDigest& rrset_content,
                                           BytesView dnskey_rdata);

// RFC 4034 §3.1.5 serial-number arithmetic on 32-bit times (RFC 1982):
// is `t` within [inception, expiration] taken at `now`?
bool rrsig_time_valid(const Rrsig& rrsig, std::uint64_t now) noexcept;
// Seconds from `now` to the RRSIG time `when` in that arithmetic: negative
// when it lies in the past.
std::int64_t rrsig_seconds_until(std::uint32_t when, std::uint64_t now) noexcept;

}  // namespace zs
