#include "signer/verify_file.hpp"

#include <algorithm>
#include <map>
#include <thread>
#include <utility>

#include "zone/zone.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

Result<ZoneFileVerification> verify_zone_file_counted(const std::string& path, const Name& origin, UnixTime now,
                                                      unsigned threads, const ZoneInputOptions& input) {
  auto parsed = parse_zone_file(path, ParseOptions{origin, 16, input});
  if (!parsed) return std::unexpected(parsed.error());
  auto zone = Zone::build(std::move(parsed->records), origin, parsed->files, Zone::BuildOptions{true});
  if (!zone) return std::unexpected(zone.error());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  ZoneFileVerification out;
  out.records = zone->record_count();
  out.report = verify_zone(*zone, VerifyOptions{.now = static_cast<std::uint64_t>(now), .threads = threads});
  // What the zone reader warns about (data below a DNAME, which no server
  // serves) is a warning of verify too, the one `sign` prints for the same
  // input; first, since it names input lines rather than DNSSEC records.
  std::vector<VerifyProblem> read_warnings;
  for (const ZoneWarning& w : zone->warnings()) {
    std::string at = w.where.prefix();  // "file:line:column: "
    if (at.size() >= 2) at = " (" + at.substr(0, at.size() - 2) + ")";
    read_warnings.push_back(VerifyProblem{w.owner, w.type, w.message + at, Severity::warning});
  }
  out.report.problems.insert(out.report.problems.begin(), std::make_move_iterator(read_warnings.begin()),
                             std::make_move_iterator(read_warnings.end()));
  return out;
}

Result<VerifyReport> verify_zone_file(const std::string& path, const Name& origin, UnixTime now, unsigned threads,
                                      const ZoneInputOptions& input) {
  auto verified = verify_zone_file_counted(path, origin, now, threads, input);
  if (!verified) return std::unexpected(verified.error());
  return std::move(verified->report);
}

std::vector<std::optional<Location>> locate_problems(const std::string& path, const Name& origin,
                                                     const ZoneInputOptions& input,
                                                     const std::vector<VerifyProblem>& problems) {
  std::vector<std::optional<Location>> where(problems.size());
  // Standard input was consumed by the first reading.
  if (problems.empty() || path == "-") return where;
  using Key = std::pair<Name, RrType>;  // canonical order of the owner, then the type
  std::map<Key, std::optional<Location>> wanted;
  for (const auto& p : problems) wanted.emplace(Key{p.owner, p.type}, std::nullopt);
  auto parsed = parse_zone_file(path, ParseOptions{origin, 16, input});
  if (!parsed) return where;
  for (const Record& r : parsed->records) {
    auto it = wanted.find(Key{r.owner, r.type});
    if (it != wanted.end() && !it->second) it->second = record_location(r, parsed->files);
  }
  for (std::size_t i = 0; i < problems.size(); ++i) where[i] = wanted.at(Key{problems[i].owner, problems[i].type});
  return where;
}

}  // namespace zs
