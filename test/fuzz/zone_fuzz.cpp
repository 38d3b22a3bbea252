// Fuzzes the master-file reader (libsigner/zonefile) as `sign` and `verify`
// use it: parse -> Zone::build -> write_zone_text, then the written text is
// parsed and built again and must give back the same records (the writer's
// output is canonical, so the two writes are compared byte for byte). Both
// readings of DNSSEC records are tried: dropped (sign) and kept (verify).
//
// The input is zone text for origin example.; directives run as in a real
// file, so $INCLUDE reads what the process can read (relative to the current
// directory) and $GENERATE expands: hostile directives are part of the test.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "zone/zone.hpp"
#include "zonefile/writer.hpp"
#include "zonefile/zonefile.hpp"

namespace {

const zs::Name& origin() {
  static const zs::Name name = *zs::Name::parse("example.");
  return name;
}

[[noreturn]] void round_trip_failed(const char* what, const std::string& first, const std::string& detail) {
  std::fprintf(stderr, "zone round trip: %s\n--- first write ---\n%s\n--- detail ---\n%s\n", what, first.c_str(),
               detail.c_str());
  std::abort();
}

void round_trip(const zs::ParsedZone& parsed, bool keep_dnssec) {
  auto zone = zs::Zone::build(parsed.records, origin(), parsed.files, {.keep_dnssec = keep_dnssec});
  if (!zone) {
    (void)zone.error().to_string();
    return;
  }
  std::string first;
  zs::write_zone_text(*zone, first);

  const zs::ParseOptions options{origin(), 16};
  auto reparsed = zs::parse_zone_text(first, "written.zone", options);
  if (!reparsed) round_trip_failed("the written zone does not parse", first, reparsed.error().to_string());
  auto rebuilt = zs::Zone::build(reparsed->records, origin(), reparsed->files, {.keep_dnssec = keep_dnssec});
  if (!rebuilt) round_trip_failed("the written zone does not build", first, rebuilt.error().to_string());
  std::string second;
  zs::write_zone_text(*rebuilt, second);
  if (second != first) round_trip_failed("the written zone reads back as other records", first, second);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const zs::ParseOptions options{origin(), 16};
  auto parsed = zs::parse_zone_text(text, "fuzz.zone", options);
  if (!parsed) {
    (void)parsed.error().to_string();  // the message formatter sees hostile tokens too
    return 0;
  }
  round_trip(*parsed, false);
  round_trip(*parsed, true);
  return 0;
}
