// Fuzzes the reader of the previous signed output (libsigner/signer/
// signature_reuse, PreviousSignatures::load), which `sign` runs on the zone
// it wrote last time. The input is written to a file whose SHA-256 is given
// as the one the last run recorded, so the whole parse and index run (a file
// with other bytes is refused before parsing); lookups then go through
// find() for every RRset the file holds.
#include <cstdint>
#include <string>

#include "core/encoding.hpp"
#include "crypto/keys.hpp"
#include "fuzz_tmp.hpp"
#include "signer/signature_reuse.hpp"
#include "zonefile/zonefile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = zs::fuzz::temp_dir() + "/previous.zone";
  static const zs::Name origin = *zs::Name::parse("example.");
  zs::fuzz::write_whole_file(path, data, size);
  const std::string sha256 = zs::to_hex(zs::digest(zs::DigestType::SHA256, zs::BytesView(data, size)));
  auto previous = zs::PreviousSignatures::load(path, origin, sha256);
  if (!previous) {
    (void)previous.error().to_string();
    return 0;
  }
  // Ask for the RRsets the file itself holds, as the signer would after an
  // unchanged zone: a few keys and moments, including the edges of 32-bit
  // RRSIG time.
  auto parsed = zs::parse_zone_text(std::string_view(reinterpret_cast<const char*>(data), size), path,
                                    zs::ParseOptions{origin, 16});
  if (!parsed) return 0;
  std::size_t found = 0;
  for (const auto& record : parsed->records) {
    zs::Rrset rrset{record.owner, record.type, record.rclass, record.ttl, {record.rdata}};
    for (zs::UnixTime now : {zs::UnixTime{0}, zs::UnixTime{1700000000}, zs::UnixTime{0xFFFFFFFFll}})
      found += previous->find(rrset, origin, 12345, zs::Algorithm::ECDSAP256SHA256, now, 86400).has_value();
  }
  return found == 0xFFFFFFFF ? 1 : 0;  // keeps the lookups; never true
}
