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
  return verify_zone(*zone, VerifyOptions{static_cast<std::uint64_t>(now), threads});
}

}  // namespace zs
