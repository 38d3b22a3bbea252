#include "signer/signature_reuse.hpp"

#include <algorithm>
#include <filesystem>

#include "crypto/keys.hpp"
#include "dns/rdata.hpp"
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

void append_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// The RRset as the signature covers it (RFC 4034 §6.2, §6.3): lower-case
// owner, type, TTL and the canonical RDATAs in canonical order; hashed so the
// index stays small.
Bytes content_digest(const Name& owner, RrType type, std::uint32_t ttl, const std::vector<Bytes>& rdatas) {
  std::vector<Bytes> canonical;
  canonical.reserve(rdatas.size());
  for (const auto& rdata : rdatas) canonical.push_back(canonical_rdata(type, rdata));
  std::sort(canonical.begin(), canonical.end());
  canonical.erase(std::unique(canonical.begin(), canonical.end()), canonical.end());
  Bytes buf = owner.lowercased().wire();
  append_u32(buf, to_u16(type));
  append_u32(buf, ttl);
  for (const auto& rdata : canonical) {
    append_u32(buf, static_cast<std::uint32_t>(rdata.size()));
    buf.insert(buf.end(), rdata.begin(), rdata.end());
  }
  return digest(DigestType::SHA256, buf);
}

// Seconds from `now` to a 32-bit RRSIG time, in serial-number arithmetic
// (RFC 4034 §3.1.5): negative when it lies in the past.
std::int64_t seconds_until(std::uint32_t when, UnixTime now) {
  return static_cast<std::int32_t>(when - static_cast<std::uint32_t>(now));
}

}  // namespace

Result<PreviousSignatures> PreviousSignatures::load(const std::string& path, const Name& origin) {
  PreviousSignatures index;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return index;
  auto parsed = parse_zone_file(path, ParseOptions{origin, 16});
  if (!parsed) return std::unexpected(parsed.error());

  struct Group {
    Name owner;
    RrType type = RrType::A;
    std::uint32_t ttl = 0;
    std::vector<Bytes> rdatas;
    std::vector<Bytes> rrsigs;
  };
  std::unordered_map<std::string, Group> groups;
  for (auto& record : parsed->records) {
    RrType type = record.type;
    if (record.type == RrType::RRSIG) {
      auto rrsig = Rrsig::from_rdata(record.rdata);
      if (!rrsig) continue;  // the self-check of that run would have refused it; just sign afresh
      type = rrsig->type_covered;
    }
    Group& g = groups[index_key(record.owner, type)];
    if (record.type == RrType::RRSIG) {
      g.rrsigs.push_back(std::move(record.rdata));
    } else {
      g.owner = record.owner;
      g.type = type;
      g.ttl = record.ttl;  // the writer prints one TTL per RRset
      g.rdatas.push_back(std::move(record.rdata));
    }
  }
  for (auto& [key, g] : groups) {
    if (g.rdatas.empty() || g.rrsigs.empty()) continue;
    index.entries_.emplace(key, Entry{content_digest(g.owner, g.type, g.ttl, g.rdatas), std::move(g.rrsigs)});
  }
  return index;
}

std::optional<Bytes> PreviousSignatures::find(const Rrset& rrset, const Name& origin, std::uint16_t tag,
                                              Algorithm algorithm, UnixTime now, Duration refresh) const {
  auto it = entries_.find(index_key(rrset.owner, rrset.type));
  if (it == entries_.end()) return std::nullopt;
  if (it->second.content != content_digest(rrset.owner, rrset.type, rrset.ttl, rrset.rdatas)) return std::nullopt;
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
