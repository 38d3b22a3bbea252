// Fuzzes the reader of the signature index (libsigner/signer/signature_reuse,
// PreviousSignatures::load_index), the binary file a signing run leaves in
// the zone's key folder for the next one. The input is the file without its
// seal: the harness appends the SHA-256 of the input, so mutations reach the
// parser behind the seal instead of all failing at it. The origin asked for
// is the one the input names (when it decodes), and the output SHA-256 the
// one the input holds, so an input is read through to its entries.
//
// Properties beyond "no crash" for an accepted input (the layout is at the
// top of signature_reuse.cpp; the harness decodes it on its own):
//   - rrset_count() is the number of entries;
//   - SignatureIndexWriter, given the decoded origin, output hash, signers
//     and denial digests, DNSKEYs, chunks and entries, writes exactly the sealed input
//     (for a version 4 input; it writes version 4 for version 1 too), which
//     loads back alike;
//   - find() for each entry, with DNSKEYs of the index and keys it does not
//     hold, at moments around the validity edges, gives a signature exactly
//     when the index publishes the key and the first entry with that digest
//     (the one kept of duplicates) holds one by that key, for that TTL and
//     signer, valid then and for more than the refresh time; and what it
//     gives is such a signature, with its fingerprint.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/encoding.hpp"
#include "crypto/keys.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"
#include "fuzz_tmp.hpp"
#include "signer/signature_reuse.hpp"

namespace {

[[noreturn]] void property_failed(const char* what) {
  std::fprintf(stderr, "signature_index: %s\n", what);
  std::abort();
}

constexpr std::size_t digest_size = 32;
constexpr std::size_t magic_size = 8;  // "ZSSIGIDX"
constexpr std::size_t origin_at = magic_size + 4;

struct Entry {
  zs::ContentDigest content{};
  std::vector<zs::BytesView> rrsigs;
};

struct Decoded {
  zs::Name origin;
  std::string output_sha256;
  std::vector<zs::Bytes> dnskeys;
  zs::ContentDigest signers{};           // version 4 only
  zs::ContentDigest denial{};            // version 4 only
  std::vector<zs::IndexedChunk> chunks;  // version 4 only
  bool version_4 = false;
  std::vector<Entry> entries;
};

// The harness's own reading of the layout, kept apart from the library's.
class Reader {
 public:
  explicit Reader(zs::BytesView data) : data_(data) {}
  bool take(std::size_t n, zs::BytesView& out) {
    if (data_.size() - at_ < n) return false;
    out = data_.subspan(at_, n);
    at_ += n;
    return true;
  }
  bool u16(std::size_t& v) {
    zs::BytesView b;
    if (!take(2, b)) return false;
    v = (std::size_t{b[0]} << 8) | b[1];
    return true;
  }
  std::size_t left() const { return data_.size() - at_; }

 private:
  zs::BytesView data_;
  std::size_t at_ = 0;
};

// `body`: the input, the file without its seal. Nullopt when it does not
// follow the layout.
std::optional<Decoded> decode(zs::BytesView body) {
  constexpr std::string_view magic = "ZSSIGIDX";
  constexpr std::uint8_t version_1[] = {0, 0, 0, 1};
  constexpr std::uint8_t version_4[] = {0, 0, 0, 4};
  constexpr std::size_t chunk_size = 3 * digest_size + 4 * 8 + 4 * 4;
  if (body.size() < origin_at + 1 + 8 || !std::ranges::equal(body.first(magic_size), magic)) return std::nullopt;
  Decoded d;
  d.version_4 = std::ranges::equal(body.subspan(magic_size, 4), version_4);
  if (!d.version_4 && !std::ranges::equal(body.subspan(magic_size, 4), version_1)) return std::nullopt;
  // Version 4's footer: u64 entries, u32 chunks; the chunks before it.
  const std::size_t footer = d.version_4 ? 12 : 8;
  if (body.size() < origin_at + footer) return std::nullopt;
  std::size_t chunk_count = 0;
  if (d.version_4) chunk_count = zs::get_u32(body.data() + body.size() - 4);
  if (chunk_count > (body.size() - origin_at - footer) / chunk_size) return std::nullopt;
  const std::size_t chunks_at = body.size() - footer - chunk_count * chunk_size;
  Reader r(body.first(chunks_at).subspan(origin_at));
  zs::BytesView len, wire, sha, bytes;
  if (!r.take(1, len) || !r.take(len[0], wire) || !r.take(digest_size, sha)) return std::nullopt;
  if (d.version_4) {
    if (!r.take(digest_size, bytes)) return std::nullopt;
    std::copy(bytes.begin(), bytes.end(), d.signers.begin());
    if (!r.take(digest_size, bytes)) return std::nullopt;
    std::copy(bytes.begin(), bytes.end(), d.denial.begin());
  }
  auto origin = zs::Name::from_wire(wire);
  if (!origin) return std::nullopt;
  d.origin = std::move(*origin);
  d.output_sha256 = zs::to_hex(sha);
  std::size_t keys = 0;
  if (!r.u16(keys)) return std::nullopt;
  for (std::size_t i = 0; i < keys; ++i) {
    std::size_t n = 0;
    if (!r.u16(n) || !r.take(n, bytes)) return std::nullopt;
    d.dnskeys.emplace_back(bytes.begin(), bytes.end());
  }
  const std::size_t entries_size = r.left();
  for (std::size_t i = 0; i < chunk_count; ++i) {
    const std::uint8_t* c = body.data() + chunks_at + i * chunk_size;
    zs::IndexedChunk& k = d.chunks.emplace_back();
    std::copy_n(c, digest_size, k.proof.records.begin());
    std::copy_n(c + 32, digest_size, k.unsigned_records.begin());
    std::copy_n(c + 64, digest_size, k.proof.text.begin());
    k.offset = zs::get_u64(c + 96);
    k.size = zs::get_u64(c + 104);
    k.entries_offset = zs::get_u64(c + 112);
    k.entries_size = zs::get_u64(c + 120);
    k.entries = zs::get_u32(c + 128);
    k.signatures = zs::get_u32(c + 132);
    k.earliest_expiration = zs::get_u32(c + 136);
    k.latest_inception = zs::get_u32(c + 140);
    if (k.entries_offset > entries_size || k.entries_size > entries_size - k.entries_offset) return std::nullopt;
  }
  while (r.left() > 0) {
    Entry e;
    std::size_t sigs = 0;
    if (!r.take(digest_size, bytes) || !r.u16(sigs)) return std::nullopt;
    std::copy(bytes.begin(), bytes.end(), e.content.begin());
    for (std::size_t i = 0; i < sigs; ++i) {
      std::size_t n = 0;
      if (!r.u16(n) || !r.take(n, bytes)) return std::nullopt;
      e.rrsigs.push_back(bytes);
    }
    d.entries.push_back(std::move(e));
  }
  std::uint64_t count = zs::get_u64(body.data() + body.size() - footer);
  if (count != d.entries.size()) return std::nullopt;
  return d;
}

// RFC 1982 serial arithmetic on 32-bit RRSIG times, as RFC 4034 §3.1.5 asks.
std::int64_t seconds_until(std::uint32_t when, zs::UnixTime now) {
  return static_cast<std::int32_t>(when - static_cast<std::uint32_t>(now));
}

// Whether `rdata` is a signature find() may give for these arguments.
bool reusable(zs::BytesView rdata, std::uint32_t ttl, const zs::Name& origin, const zs::SigningKey& key,
              zs::UnixTime now, zs::Duration refresh) {
  auto rrsig = zs::Rrsig::from_rdata(rdata);
  return rrsig && rrsig->key_tag == key.tag && rrsig->algorithm == key.algorithm && rrsig->original_ttl == ttl &&
         rrsig->signer.equals(origin) && seconds_until(rrsig->inception, now) <= 0 &&
         seconds_until(rrsig->expiration, now) > refresh;
}

zs::SigningKey signing_key(const zs::Bytes& dnskey_rdata) {
  zs::SigningKey key{nullptr, dnskey_rdata, zs::key_tag(dnskey_rdata), zs::Algorithm::ECDSAP256SHA256};
  if (auto parsed = zs::Dnskey::from_rdata(dnskey_rdata)) key.algorithm = parsed->algorithm;
  return key;
}

void check_lookups(const zs::PreviousSignatures& index, const Decoded& d) {
  // A made-up P-256 DNSKEY, as a key the index may not hold.
  static const zs::Bytes foreign_dnskey = [] {
    zs::Bytes rdata{0x01, 0x01, 3, 13};
    rdata.resize(4 + 64, 0x5a);
    return rdata;
  }();
  constexpr zs::Duration refresh_5d = 5 * 86400;
  // Bounds the lookups of one input (a few thousand at most): the bugs they
  // look for do not need more entries to show.
  constexpr std::size_t max_keys = 3;
  constexpr std::size_t max_entries = 16;
  std::vector<zs::SigningKey> keys;
  for (std::size_t i = 0; i < d.dnskeys.size() && i < max_keys; ++i) keys.push_back(signing_key(d.dnskeys[i]));
  keys.push_back(signing_key(foreign_dnskey));

  std::map<zs::ContentDigest, const Entry*> kept;  // the first entry of each digest
  for (const Entry& e : d.entries) kept.try_emplace(e.content, &e);

  for (std::size_t i = 0; i < d.entries.size() && i < max_entries; ++i) {
    const Entry& asked = d.entries[i];
    const Entry& first = *kept.at(asked.content);
    // The fixed fields of this entry's first signature (RFC 4034 §3.1, read
    // in place so that RDATA which is no RRSIG is asked for too) give the TTL
    // (and a TTL next to it), the moments on each side of its validity edges,
    // and an impostor: a key the index does not hold with that signature's key
    // tag and algorithm (tags collide, RFC 4034 Appendix B), which must find
    // nothing.
    std::vector<std::uint32_t> ttls{0};
    std::vector<zs::UnixTime> moments{0, 0xFFFFFFFFll};
    std::vector<zs::SigningKey> asking = keys;
    if (!asked.rrsigs.empty() && asked.rrsigs.front().size() >= 18) {
      const std::uint8_t* f = asked.rrsigs.front().data();
      const std::uint32_t ttl = zs::get_u32(f + 4);
      const zs::UnixTime expiration = zs::get_u32(f + 8), inception = zs::get_u32(f + 12);
      ttls = {ttl, ttl + 1};
      moments.insert(moments.end(), {inception - 1, inception, expiration - refresh_5d - 1, expiration - refresh_5d,
                                     expiration - 1, expiration});
      asking.push_back(zs::SigningKey{nullptr, foreign_dnskey, zs::get_u16(f + 16), static_cast<zs::Algorithm>(f[2])});
    }
    for (const zs::SigningKey& key : asking) {
      const bool published = std::ranges::find(d.dnskeys, key.dnskey_rdata) != d.dnskeys.end();
      for (std::uint32_t ttl : ttls) {
        for (zs::UnixTime now : moments) {
          for (zs::Duration refresh : {zs::Duration{0}, refresh_5d}) {
            auto reused = index.find(asked.content, ttl, d.origin, key, now, refresh);
            bool expected = false;
            bool among = false;
            for (zs::BytesView rdata : first.rrsigs) {
              const bool ok = reusable(rdata, ttl, d.origin, key, now, refresh);
              expected = expected || ok;
              if (reused && ok && std::ranges::equal(rdata, reused->rdata)) among = true;
            }
            expected = expected && published;
            if (reused.has_value() != expected)
              property_failed(expected ? "find() missed a reusable signature" : "find() gave a signature it must not");
            if (reused && !among) property_failed("find() gave a signature the kept entry does not hold as reusable");
            if (reused &&
                reused->fingerprint != zs::signature_fingerprint(reused->rdata, asked.content, key.dnskey_rdata))
              property_failed("find() gave a fingerprint of other facts");
          }
        }
      }
    }
  }
}

void check_rewrite(const Decoded& d, zs::BytesView sealed_input) {
  static const std::string path = zs::fuzz::temp_dir() + "/rewritten.index";
  auto writer = zs::SignatureIndexWriter::create(path, d.origin, d.output_sha256, d.signers, d.denial, d.dnskeys);
  if (!writer) property_failed("SignatureIndexWriter::create refused what load_index accepted");
  for (const Entry& e : d.entries)
    if (!writer->add(e.content, e.rrsigs)) property_failed("SignatureIndexWriter::add failed");
  if (!writer->commit(d.chunks)) property_failed("SignatureIndexWriter::commit failed");
  auto written = zs::read_file(path);
  if (!written) property_failed("the rewritten index cannot be read");
  if (d.version_4 && !std::ranges::equal(zs::bytes_of(*written), sealed_input))
    property_failed("SignatureIndexWriter wrote other bytes than the index it was given");
  auto again = zs::PreviousSignatures::load_index(path, d.origin, d.output_sha256);
  if (!again || !*again || (*again)->rrset_count() != d.entries.size())
    property_failed("the rewritten index does not load back with its entries");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = zs::fuzz::temp_dir() + "/signatures.index";
  static const zs::Name fallback_origin = *zs::Name::parse("example.");
  const zs::BytesView body(data, size);

  zs::Bytes sealed(body.begin(), body.end());
  const zs::Bytes seal = zs::digest(zs::DigestType::SHA256, body);
  sealed.insert(sealed.end(), seal.begin(), seal.end());
  zs::fuzz::write_whole_file(path, sealed.data(), sealed.size());

  // The origin and the output's SHA-256 where the layout puts them, so that
  // the checks on them pass and the entries are read.
  zs::Name origin = fallback_origin;
  std::string verified_sha256 = "0";
  if (size > origin_at) {
    const std::size_t origin_len = data[origin_at];
    if (size >= origin_at + 1 + origin_len + digest_size) {
      if (auto named = zs::Name::from_wire(body.subspan(origin_at + 1, origin_len))) origin = std::move(*named);
      verified_sha256 = zs::to_hex(body.subspan(origin_at + 1 + origin_len, digest_size));
    }
  }

  auto loaded = zs::PreviousSignatures::load_index(path, origin, verified_sha256);
  if (!loaded) {
    (void)loaded.error().to_string();
    return 0;
  }
  if (!*loaded) return 0;
  const zs::PreviousSignatures& index = **loaded;
  auto decoded = decode(body);
  if (!decoded) property_failed("load_index accepted a file that does not follow the layout");
  if (index.rrset_count() != decoded->entries.size()) property_failed("rrset_count() is not the number of entries");
  check_lookups(index, *decoded);
  check_rewrite(*decoded, sealed);
  return 0;
}
