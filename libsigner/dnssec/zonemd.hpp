// ZONEMD (RFC 8976): a digest over a whole zone, published at its apex, so
// that a receiver can tell that the zone it holds is complete and unchanged.
// Implements the SIMPLE scheme (1) with SHA-384 (1): the digest of §3.3 over
// every record of the zone in RFC 4034 §6 canonical form and order (glue,
// occluded data and the DNSSEC records included, duplicates once), leaving
// out only the apex ZONEMD RRset and the apex RRSIGs that cover it
// (§3.3.1); and the verification of §4.
//
// The digest is streamed into SHA-384 record by record from the Zone's nodes,
// which are already in canonical order: no text or wire copy of the zone is
// built, so a zone of a million names costs about one pass over its records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "zone/zone.hpp"

namespace zs {

inline constexpr std::uint8_t zonemd_scheme_simple = 1;  // RFC 8976 §5.2
inline constexpr std::uint8_t zonemd_hash_sha384 = 1;    // RFC 8976 §5.3
inline constexpr std::size_t zonemd_sha384_length = 48;

// The RDATA of one ZONEMD record (RFC 8976 §2.2).
struct Zonemd {
  std::uint32_t serial = 0;
  std::uint8_t scheme = 0;
  std::uint8_t hash_algorithm = 0;
  Bytes digest;

  Bytes to_rdata() const;
  // Errc::bad_rdata when shorter than the fixed fields.
  static Result<Zonemd> from_rdata(BytesView rdata);
};

// The SIMPLE/SHA-384 digest of `zone` (48 octets). Which ZONEMD RRset the
// apex holds, if any, does not change it.
Bytes zonemd_digest(const Zone& zone);

// Puts at the apex a ZONEMD RRset of one record (SIMPLE, SHA-384, the SOA's
// serial) with the SOA's TTL and an all-zero digest, replacing any other:
// the placeholder of RFC 8976 §3.1 that the denial chain's apex type bitmap
// and the other RRsets' signatures are made with.
void add_zonemd_placeholder(Zone& zone);

// Computes the digest and writes it into the apex ZONEMD record that
// add_zonemd_placeholder() put there. Every record but that RRset and its
// signatures must be final.
void set_zonemd_digest(Zone& zone);

// RFC 8976 §4 on the apex ZONEMD RRset of `zone`.
struct ZonemdCheck {
  enum class Outcome {
    absent,        // no ZONEMD at the apex: nothing to check
    verified,      // a SIMPLE/SHA-384 record with the SOA serial matches the zone
    unverifiable,  // only schemes or hash algorithms this code does not know (§4: not an error)
    failed,        // a digest that does not match, a serial not the SOA's, a malformed or repeated record
  };
  Outcome outcome = Outcome::absent;
  std::string message;  // why, for unverifiable and failed
};
ZonemdCheck check_zonemd(const Zone& zone);

}  // namespace zs
