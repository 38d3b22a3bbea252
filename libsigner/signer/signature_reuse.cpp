#include "signer/signature_reuse.hpp"

#include <algorithm>
#include <filesystem>

#include "core/atomic_file.hpp"
#include "core/encoding.hpp"
#include "crypto/keys.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

namespace {

std::string index_key(const Name& owner, RrType type) {
  const Name lower = owner.lowercased();
  std::string key(lower.wire().begin(), lower.wire().end());
  const std::uint16_t t = to_u16(type);
  key.push_back(static_cast<char>(t >> 8));
  key.push_back(static_cast<char>(t & 0xff));
  return key;
}

// Seconds from `now` to a 32-bit RRSIG time, in serial-number arithmetic
// (RFC 4034 §3.1.5): negative when it lies in the past.
std::int64_t seconds_until(std::uint32_t when, UnixTime now) {
  return static_cast<std::int32_t>(when - static_cast<std::uint32_t>(now));
}

}  // namespace

Result<PreviousSignatures> PreviousSignatures::load(const std::string& path, const Name& origin,
                                                    const std::string& verified_sha256) {
  PreviousSignatures index;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return index;
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
  // Only a file with exactly the bytes the last run verified in full before
  // writing it vouches for its signatures. One changed since (by hand, by
  // another tool, by a disk fault) could hold bad ones, which the self-check
  // would then refuse run after run: it is signed afresh instead.
  if (verified_sha256.empty())
    return fail(Errc::io, path + " has no record of being written by the last signing run");
  if (to_hex(digest(DigestType::SHA256, to_bytes(*text))) != verified_sha256)
    return fail(Errc::io, path + " changed since the last signing run wrote it");
  auto parsed = parse_zone_text(*text, path, ParseOptions{origin, 16});
  if (!parsed) return std::unexpected(parsed.error());

  std::unordered_map<std::string, Rrset> rrsets;
  std::unordered_map<std::string, std::vector<Bytes>> rrsigs;
  for (auto& record : parsed->records) {
    if (record.type == RrType::RRSIG) {
      auto rrsig = Rrsig::from_rdata(record.rdata);
      if (!rrsig) continue;  // the self-check of that run would have refused it; just sign afresh
      rrsigs[index_key(record.owner, rrsig->type_covered)].push_back(std::move(record.rdata));
      continue;
    }
    Rrset& r = rrsets[index_key(record.owner, record.type)];
    r.owner = record.owner;
    r.type = record.type;
    r.ttl = record.ttl;  // the writer prints one TTL per RRset
    r.rdatas.push_back(std::move(record.rdata));
  }

  // Each signature is recorded as verified with the DNSKEY (same tag and
  // algorithm, in that file's DNSKEY RRset) it verified with.
  const Rrset* dnskeys = nullptr;
  if (auto it = rrsets.find(index_key(origin, RrType::DNSKEY)); it != rrsets.end()) dnskeys = &it->second;

  for (auto& [key, sigs] : rrsigs) {
    auto it = rrsets.find(key);
    if (it == rrsets.end()) continue;
    const Rrset& rrset = it->second;
    if (dnskeys) {
      for (const auto& sig_rdata : sigs) {
        auto rrsig = Rrsig::from_rdata(sig_rdata);  // parsed once already above
        for (const auto& dnskey_rdata : dnskeys->rdatas) {
          auto dnskey = Dnskey::from_rdata(dnskey_rdata);
          if (dnskey && dnskey->algorithm == rrsig->algorithm && key_tag(dnskey_rdata) == rrsig->key_tag)
            index.verified_.insert(signature_fingerprint(sig_rdata, rrset, dnskey_rdata));
        }
      }
    }
    index.entries_.emplace(key, Entry{rrset_content_digest(rrset), std::move(sigs)});
  }
  return index;
}

std::optional<Bytes> PreviousSignatures::find(const Rrset& rrset, const Name& origin, std::uint16_t tag,
                                              Algorithm algorithm, UnixTime now, Duration refresh) const {
  auto it = entries_.find(index_key(rrset.owner, rrset.type));
  if (it == entries_.end()) return std::nullopt;
  if (it->second.content != rrset_content_digest(rrset)) return std::nullopt;
  for (const auto& rdata : it->second.rrsigs) {
    auto rrsig = Rrsig::from_rdata(rdata);
    if (!rrsig) continue;
    if (rrsig->key_tag != tag || rrsig->algorithm != algorithm || rrsig->original_ttl != rrset.ttl) continue;
    if (!rrsig->signer.equals(origin)) continue;
    if (seconds_until(rrsig->inception, now) > 0) continue;  // not valid yet (a clock set back)
    if (seconds_until(rrsig->expiration, now) <= static_cast<std::int64_t>(refresh)) continue;
    return rdata;
  }
  return std::nullopt;
}

UnixTime jittered_expiration(const Name& owner, RrType type, UnixTime now, Duration validity, Duration jitter) {
  if (jitter <= 0) return now + validity;
  // FNV-1a over the lower-case owner and the type: stable across runs and
  // machines, and evenly spread (no cryptographic property is needed).
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 0x100000001b3ull;
  };
  const Name lower = owner.lowercased();
  for (std::uint8_t b : lower.wire()) mix(b);
  mix(static_cast<std::uint8_t>(to_u16(type) >> 8));
  mix(static_cast<std::uint8_t>(to_u16(type) & 0xff));
  return now + validity - static_cast<Duration>(h % static_cast<std::uint64_t>(jitter + 1));
}

}  // namespace zs
