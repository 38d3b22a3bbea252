// The Zone: an authoritative zone's data in canonical order, classified.
//
// Zone::build takes the parsed records, drops the DNSSEC records an earlier
// signing left (DNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, CDS, CDNSKEY), merges
// records into RRsets, sorts owners canonically (RFC 4034 §6.1) and classifies
// every owner: apex, authoritative, delegation point, or occluded (below a
// delegation or a DNAME: glue and other data that is kept but neither signed
// nor part of the denial chain). It rejects semantically broken zones
// (RFC 1034/1035/2181/4035 rules listed under Errc's zone-semantics codes)
// and, as BIND 9.18 does, what no server loads: meta types (RFC 6895 §3.1),
// NS at a wildcard (RFC 4592 §4.2), two DNAMEs at one name or NS beside a
// DNAME below the apex (RFC 6672 §2.3), an NS target below a DNAME, RDATA
// too long for any DNS message. Data below a DNAME (the apex included) is
// kept as occluded, as BIND keeps it, with a warning naming its line.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/compact_bytes.hpp"
#include "core/compact_vector.hpp"
#include "core/error.hpp"
#include "dns/name.hpp"
#include "dns/record.hpp"
#include "zone/signature_list.hpp"

namespace zs {

enum class NodeKind : std::uint8_t {
  apex,           // the zone's origin
  authoritative,  // ordinary data (including empty non-terminals and wildcards)
  delegation,     // NS below the apex: NS/glue unsigned; DS and NSEC/NSEC3 signed
  occluded,       // below a delegation or a DNAME: kept, unsigned, not in the chain
};

// 32 octets: a million-name zone with NSEC3 has about two million nodes.
struct Node {
  Name owner;                 // spelling from the first record seen for it
  CompactVector<Rrset> rrsets;  // sorted by type number, one per type; never RRSIG
  // RRSIGs, kept apart from the RRsets because RRSIGs at one owner cover
  // types with different TTLs; sorted by covered type, then RDATA.
  SignatureList signatures;
  NodeKind kind = NodeKind::authoritative;
  bool empty_non_terminal = false;  // no RRsets; exists only as an ancestor

  const Rrset* find(RrType type) const noexcept;
  Rrset* find(RrType type) noexcept;
  bool has(RrType type) const noexcept { return find(type) != nullptr; }
};

// Something the zone's reader should hear about that does not stop signing:
// "file:line:column: warning: message".
struct ZoneWarning {
  Name owner;
  RrType type = RrType::A;
  std::string message;
  Location where;
  std::string to_string() const;
};

class Zone {
 public:
  Zone() = default;
  Zone(const Zone&) = default;
  Zone(Zone&&) noexcept = default;
  Zone& operator=(const Zone&) = default;
  Zone& operator=(Zone&&) noexcept = default;
  ~Zone();

  // Errors carry the position of the offending record (from Record::src_*
  // and `files`). A CNAME sharing its owner with data other than DNSSEC
  // records is an error, as are: no SOA, several SOAs, SOA away from the apex,
  // no NS at the apex, CNAME at the apex, records outside the zone, a DS at
  // the apex, the server-refused cases above, and an in-zone NS target with
  // no address: the target must have an A or AAAA record (or be covered by a
  // wildcard that has one) unless it lies at or below another delegation
  // than the NS RRset's own (sibling glue is the other zone's business, as
  // BIND and Knot load it); one below a DNAME is an error (BIND: illegal).
  struct BuildOptions {
    // false (signing): DNSSEC records found in the input are dropped.
    // true (verifying a signed zone): they are kept, RRSIGs in Node::signatures.
    // A ZONEMD (RFC 8976) is dropped with a warning when signing: its digest
    // no longer matches once the zone is signed.
    bool keep_dnssec = false;
  };
  static Result<Zone> build(std::vector<Record> records, const Name& origin, const SourceFiles& files,
                            BuildOptions options);
  static Result<Zone> build(std::vector<Record> records, const Name& origin, const SourceFiles& files) {
    return build(std::move(records), origin, files, BuildOptions{});
  }

  const Name& origin() const noexcept { return origin_; }
  // All owners in canonical order, including empty non-terminals between
  // the apex and authoritative names (never between occluded names).
  const std::vector<Node>& nodes() const noexcept { return nodes_; }
  std::vector<Node>& nodes() noexcept { return nodes_; }

  const Node& apex() const noexcept { return nodes_.front(); }
  Node& apex() noexcept { return nodes_.front(); }
  const Rrset& soa() const noexcept { return *apex().find(RrType::SOA); }
  Rrset& soa() noexcept { return *apex().find(RrType::SOA); }
  std::uint32_t soa_minimum() const noexcept;

  // Replaces (or adds) the RRset of rrset.type at an existing node or a new
  // one (kept in canonical order; a new node is authoritative).
  void put_rrset(Rrset rrset);
  // Removes every RRset of `type` from the zone.
  void remove_type(RrType type);

  // Number of records, over all RRsets.
  std::size_t record_count() const noexcept;

  // What build found worth a warning: each ZONEMD dropped (in file order),
  // then names with data occluded by a DNAME (in canonical order, the first
  // max_occlusion_warnings of them, then one line with the count of the rest).
  const std::vector<ZoneWarning>& warnings() const noexcept { return warnings_; }
  static constexpr std::size_t max_occlusion_warnings = 10;

 private:
  Name origin_;
  std::vector<Node> nodes_;
  std::vector<ZoneWarning> warnings_;
};

}  // namespace zs
