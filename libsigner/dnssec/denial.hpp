// Authenticated denial of existence: NSEC (RFC 4034 §4, RFC 4035 §2.3) and
// NSEC3 (RFC 5155 §7.1, RFC 9276 defaults), with the NSEC/NSEC3 TTL of
// RFC 9077 (the lesser of the SOA TTL and the SOA MINIMUM).
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/digest_stream.hpp"
#include "dns/name.hpp"
#include "zone/zone.hpp"

namespace zs {

struct Nsec3Params {
  std::uint16_t iterations = 0;  // RFC 9276: 0 extra iterations
  Bytes salt;                    // RFC 9276: empty
  bool opt_out = false;
};

// RFC 5155 §5: IH(salt, owner in canonical wire form, iterations), SHA-1.
Bytes nsec3_hash(const Name& name, BytesView salt, std::uint16_t iterations);

// An NSEC3 hash held inline: a million of them sort in contiguous memory.
using Nsec3Hash = std::array<std::uint8_t, 20>;

// nsec3_hash for many names with one salt and iteration count, reusing one
// digest context and buffer: a fresh context per name costs about as much as
// the SHA-1 itself. One per thread.
class Nsec3Hasher {
 public:
  Nsec3Hasher(BytesView salt, std::uint16_t iterations);
  Nsec3Hash hash(const Name& name);

 private:
  DigestStream sha1_;
  Bytes salt_;
  std::uint16_t iterations_;
  Bytes buffer_;
};

// TTL for NSEC/NSEC3 records per RFC 9077.
std::uint32_t denial_ttl(const Zone& zone);

// Adds one NSEC RRset to every apex, authoritative (not empty non-terminal)
// and delegation node, linking them in canonical order, with type bitmaps
// that include RRSIG and NSEC. Replaces any earlier chain.
void add_nsec_chain(Zone& zone);

// Adds NSEC3PARAM at the apex (flags 0) and the NSEC3 chain as new nodes
// "<base32hex hash>.<origin>": one for the apex, each authoritative name,
// each empty non-terminal, each delegation (with opt-out: only those with a
// DS, and empty non-terminals that lead only to insecure delegations are
// left out). Errors (Errc::internal) on a hash collision. A hashed owner that
// is already a name of the zone (RFC 5155 Appendix A has one) gets the NSEC3
// beside its own data. Hashing runs on a few threads for large zones; the
// result does not depend on how many.
Result<void> add_nsec3_chain(Zone& zone, const Nsec3Params& params);

}  // namespace zs
