// Fuzzes the reader of the previous signed output (libsigner/signer/
// signature_reuse, PreviousSignatures::load), which `sign` runs on the zone
// it wrote last time when there is no usable signature index. The input is
// written to a file whose SHA-256 is given as the one the last run recorded,
// so the whole parse and index run (a file with other bytes is refused before
// parsing); lookups then go through find() for every RRset the file holds,
// with every DNSKEY the file holds and keys it does not.
//
// Properties beyond "no crash": a signature found is an RRSIG by the key asked
// for, over the TTL asked for, valid at the moment asked for and expiring
// more than the refresh time later; a key the file does not publish finds
// nothing (its signatures were never verified with it), even with the key tag
// and algorithm of a signature the file holds.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/encoding.hpp"
#include "crypto/keys.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"
#include "fuzz_tmp.hpp"
#include "signer/signature_reuse.hpp"
#include "zonefile/zonefile.hpp"

namespace {

[[noreturn]] void property_failed(const char* what) {
  std::fprintf(stderr, "previous_output: %s\n", what);
  std::abort();
}

zs::SigningKey signing_key(const zs::Bytes& dnskey_rdata) {
  zs::SigningKey key{nullptr, dnskey_rdata, zs::key_tag(dnskey_rdata), zs::Algorithm::ECDSAP256SHA256};
  if (auto parsed = zs::Dnskey::from_rdata(dnskey_rdata)) key.algorithm = parsed->algorithm;
  return key;
}

// RFC 1982 serial arithmetic on 32-bit RRSIG times, as RFC 4034 §3.1.5 asks.
std::int64_t seconds_until(std::uint32_t when, zs::UnixTime now) {
  return static_cast<std::int32_t>(when - static_cast<std::uint32_t>(now));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = zs::fuzz::temp_dir() + "/previous.zone";
  static const zs::Name origin = *zs::Name::parse("example.");
  // A made-up P-256 DNSKEY: unless the file holds it too, it finds nothing.
  static const zs::Bytes foreign_dnskey = [] {
    zs::Bytes rdata{0x01, 0x01, 3, 13};
    rdata.resize(4 + 64, 0x5a);
    return rdata;
  }();
  constexpr zs::Duration refresh = 86400;

  zs::fuzz::write_whole_file(path, data, size);
  const std::string sha256 = zs::to_hex(zs::digest(zs::DigestType::SHA256, zs::BytesView(data, size)));
  auto previous = zs::PreviousSignatures::load(path, origin, sha256);
  if (!previous) {
    (void)previous.error().to_string();
    return 0;
  }
  // Ask for the RRsets the file itself holds, as the signer would after an
  // unchanged zone. The file is parsed again here: load() keeps only digests.
  auto parsed = zs::parse_zone_text(std::string_view(reinterpret_cast<const char*>(data), size), path,
                                    zs::ParseOptions{origin, 16});
  // It parsed in load(); an $INCLUDEd file that changed since (/proc) can
  // make it fail now, which is no finding.
  if (!parsed) return 0;

  // RRsets grouped as load() groups them (lower-case owner and type; the
  // last TTL seen), RRSIGs apart.
  std::map<std::pair<zs::Bytes, std::uint16_t>, zs::Rrset> rrsets;
  std::vector<zs::SigningKey> keys;
  std::vector<zs::UnixTime> moments{0, 1700000000, 0xFFFFFFFFll};
  std::optional<zs::SigningKey> impostor;
  bool foreign_held = false;
  for (const auto& record : parsed->records) {
    if (record.type == zs::RrType::RRSIG) {
      // The first RRSIG's inception makes lookups that can succeed, and its
      // key tag and algorithm an impostor (tags collide, RFC 4034
      // Appendix B): a key the file does not publish, which must find nothing.
      auto rrsig = zs::Rrsig::from_rdata(record.rdata);
      if (rrsig && !impostor) {
        moments.push_back(rrsig->inception);
        impostor = zs::SigningKey{nullptr, foreign_dnskey, rrsig->key_tag, rrsig->algorithm};
      }
      continue;
    }
    if (record.type == zs::RrType::DNSKEY) {
      keys.push_back(signing_key(record.rdata));
      foreign_held = foreign_held || record.rdata == foreign_dnskey;
    }
    zs::Rrset& r = rrsets[{zs::to_bytes(record.owner.lowercased().wire()), zs::to_u16(record.type)}];
    r.owner = record.owner;
    r.type = record.type;
    r.ttl = record.ttl;
    r.rdatas.push_back(record.rdata);
  }
  const std::size_t own_keys = keys.size();
  keys.push_back(signing_key(foreign_dnskey));
  if (impostor) keys.push_back(*impostor);

  for (const auto& [key_of, rrset] : rrsets) {
    const zs::ContentDigest content = zs::rrset_content_digest(rrset);
    for (std::size_t k = 0; k < keys.size(); ++k) {
      for (zs::UnixTime now : moments) {
        auto reused = previous->find(content, rrset.ttl, origin, keys[k], now, refresh);
        if (!reused) continue;
        if (k >= own_keys && !foreign_held) property_failed("a key the file does not publish found a signature");
        auto rrsig = zs::Rrsig::from_rdata(reused->rdata);
        if (!rrsig) property_failed("find() gave RDATA that is not an RRSIG");
        if (rrsig->key_tag != keys[k].tag || rrsig->algorithm != keys[k].algorithm)
          property_failed("find() gave a signature by another key");
        if (rrsig->original_ttl != rrset.ttl || !rrsig->signer.equals(origin))
          property_failed("find() gave a signature for another TTL or signer");
        if (seconds_until(rrsig->inception, now) > 0 || seconds_until(rrsig->expiration, now) <= refresh)
          property_failed("find() gave a signature not valid long enough at that moment");
        if (reused->fingerprint != zs::signature_fingerprint(reused->rdata, content, keys[k].dnskey_rdata))
          property_failed("find() gave a fingerprint of other facts");
      }
    }
  }
  return 0;
}
