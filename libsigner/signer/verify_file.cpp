#include "signer/verify_file.hpp"

#include <algorithm>
#include <thread>

#include "zone/zone.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

Result<VerifyReport> verify_zone_file(const std::string& path, const Name& origin, UnixTime now, unsigned threads,
                                      const ZoneInputOptions& input) {
  auto parsed = parse_zone_file(path, ParseOptions{origin, 16, input});
  if (!parsed) return std::unexpected(parsed.error());
  auto zone = Zone::build(std::move(parsed->records), origin, parsed->files, Zone::BuildOptions{true});
  if (!zone) return std::unexpected(zone.error());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  VerifyReport report = verify_zone(*zone, VerifyOptions{static_cast<std::uint64_t>(now), threads});
  // What the zone reader warns about (data below a DNAME, which no server
  // serves) is a warning of verify too, the one `sign` prints for the same
  // input; first, since it names input lines rather than DNSSEC records.
  std::vector<VerifyProblem> read_warnings;
  for (const ZoneWarning& w : zone->warnings()) {
    std::string at = w.where.prefix();  // "file:line:column: "
    if (at.size() >= 2) at = " (" + at.substr(0, at.size() - 2) + ")";
    read_warnings.push_back(VerifyProblem{w.owner, w.type, w.message + at, Severity::warning});
  }
  report.problems.insert(report.problems.begin(), std::make_move_iterator(read_warnings.begin()),
                         std::make_move_iterator(read_warnings.end()));
  return report;
}

}  // namespace zs
