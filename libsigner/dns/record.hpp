// Resource records and RRsets. RDATA is kept in uncompressed wire form with
// names spelled as given; the canonical form (RFC 4034 §6.2) is derived on
// demand by canonical_rdata() in rdata.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "dns/name.hpp"
#include "dns/rdata_set.hpp"
#include "dns/rrtype.hpp"

namespace zs {

struct Record {
  Name owner;
  RrType type = RrType::A;
  std::uint16_t rclass = class_IN;
  std::uint32_t ttl = 0;
  Bytes rdata;
  // Where the record came from, for diagnostics: index into the parser's file
  // list (SourceFiles), 1-based line and column; all 0 for generated records.
  std::uint32_t src_file = 0;
  std::uint32_t src_line = 0;
  std::uint32_t src_column = 0;
};

// Records that share owner (case-insensitively), class and type. The Rrset
// owns its records; rdatas are kept in canonical RDATA order and free of
// duplicates once normalised by the Zone.
struct Rrset {
  Name owner;
  RrType type = RrType::A;
  std::uint16_t rclass = class_IN;
  std::uint32_t ttl = 0;
  RdataSet rdatas;
};

// TTL limit of RFC 2181 §8: values above are errors in zone files.
inline constexpr std::uint32_t max_ttl = 0x7fffffffu;

}  // namespace zs

namespace zs {
// File names that Record::src_file indexes (index 0 is the top zone file).
using SourceFiles = std::vector<std::string>;

inline Location record_location(const Record& r, const SourceFiles& files) {
  Location loc;
  if (r.src_file < files.size()) loc.file = files[r.src_file];
  loc.line = r.src_line;
  loc.column = r.src_column;
  return loc;
}
}  // namespace zs
