#include "signer/zone_input.hpp"

#include "dns/record.hpp"
#include "dns/rrtype.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

Result<ZoneCheck> check_unsigned_zone(const std::string& path, const Name& origin,
                                      std::optional<std::uint32_t> zone_max_ttl, const ZoneInputOptions& input) {
  auto parsed = parse_zone_file(path, ParseOptions{origin, 16, input});
  if (!parsed) return std::unexpected(parsed.error());
  ZoneCheck out;
  out.records_in = parsed->records.size();
  // Each record, not each RRset, so a record a merge would hide is found at
  // its own position. DNSSEC records an earlier signing left are skipped:
  // Zone::build drops them and the signer makes its own.
  if (zone_max_ttl)
    for (const Record& r : parsed->records)
      // A ZONEMD in the input is dropped by Zone::build (stale once signed), like DNSSEC records.
      if (!is_dnssec_generated_type(r.type) && r.type != RrType::ZONEMD && r.ttl > *zone_max_ttl)
        out.problems.emplace_back(Errc::policy,
                                  r.owner.to_string() + " " + type_to_string(r.type) + ": TTL " +
                                      std::to_string(r.ttl) + " exceeds the policy's ttl.zone-max of " +
                                      std::to_string(*zone_max_ttl) + " (signature and rollover timing assume it)",
                                  record_location(r, parsed->files));
  auto built = Zone::build(std::move(parsed->records), origin, parsed->files);
  if (built)
    out.zone = std::move(*built);
  else
    out.problems.push_back(built.error());
  return out;
}

Result<UnsignedZone> read_unsigned_zone(const std::string& path, const Name& origin,
                                        std::optional<std::uint32_t> zone_max_ttl, const ZoneInputOptions& input) {
  auto checked = check_unsigned_zone(path, origin, zone_max_ttl, input);
  if (!checked) return std::unexpected(checked.error());
  if (!checked->problems.empty()) return std::unexpected(std::move(checked->problems.front()));
  return UnsignedZone{std::move(*checked->zone), checked->records_in};
}

}  // namespace zs
