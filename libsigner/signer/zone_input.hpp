// The unsigned zone as `sign` reads it, with every check `sign` makes before
// it touches a key: the master-file syntax (RFC 1035 §5, file:line:column),
// the zone's semantics (zone/zone.hpp Zone::build: CNAME beside other data,
// records outside the zone, ...), and every TTL against the policy's
// ttl.zone-max, on which signature and rollover timing rely. `zonesign check
// --zone` runs the same code, so a zone it accepts is one `sign` accepts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "dns/name.hpp"
#include "zone/zone.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

struct UnsignedZone {
  Zone zone;
  std::size_t records_in = 0;  // records read, $INCLUDE and $GENERATE expanded
};

// Reads and checks the zone file; the first problem is the error. Errors:
// those of the parser (syntax), of Zone::build (semantics), and Errc::policy
// for a record whose TTL exceeds `zone_max_ttl`, at its file:line:column.
// `input`: what the zone file may reach ($INCLUDE, size; zonefile.hpp).
Result<UnsignedZone> read_unsigned_zone(const std::string& path, const Name& origin,
                                        std::optional<std::uint32_t> zone_max_ttl,
                                        const ZoneInputOptions& input = {});

// The same checks, reporting every problem found rather than the first: a
// syntax error stops the reading (Result error); otherwise `problems` holds
// each TTL above `zone_max_ttl` (in file order) and the semantic error of
// Zone::build, if any. Empty: `sign` accepts the zone.
struct ZoneCheck {
  std::size_t records_in = 0;
  std::vector<Error> problems;
  std::optional<Zone> zone;  // when Zone::build succeeded
};
Result<ZoneCheck> check_unsigned_zone(const std::string& path, const Name& origin,
                                      std::optional<std::uint32_t> zone_max_ttl,
                                      const ZoneInputOptions& input = {});

}  // namespace zs
