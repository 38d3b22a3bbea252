// Fuzzes the reader of the signature index (libsigner/signer/signature_reuse,
// PreviousSignatures::load_index and load_entries), the binary file a
// signing run leaves in the zone's key folder for the next one. The input is
// the file without its seal. The harness seals it as the layout asks (the
// SHA-256 of the whole input for versions 1 and 4; for version 5, of the header,
// the chunks and the footer, after it has set each chunk's entries digest
// and the footer's tail digest to those of the bytes there), so mutations
// reach the parsers behind the seal and the digests instead of all failing
// at them. The origin asked for is the one the input names (when it
// decodes), and the output SHA-256 the one the input holds, so an input is
// read through to its entries.
//
// Properties beyond "no crash" for an accepted input (the layout is at the
// top of signature_reuse.cpp; the harness decodes it on its own):
//   - load_entries() of every chunk succeeds exactly when the entries
//     decode, each chunk's and the tail's as many as recorded; rrset_count()
//     is then the number of entries, and with every other chunk skipped, the
//     number of those of the others and the tail;
//   - SignatureIndexWriter, given the decoded origin, output hash, signers
//     and denial digests, DNSKEYs, chunks and entries, writes exactly the
//     sealed input (for a version 5 input; it writes version 5 for versions
//     1 and 4 too, whose chunks it is not given), which loads back alike;
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
#include "crypto/digest_stream.hpp"
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
  zs::ContentDigest signers{};           // versions 4 and 5
  zs::ContentDigest denial{};            // versions 4 and 5
  std::vector<zs::IndexedChunk> chunks;  // version 5 only
  bool version_5 = false;
  std::vector<Entry> entries;
  // Per chunk, how many of `entries` are its (version 5); the rest are after the last chunk.
  std::vector<std::size_t> chunk_entries;
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
  std::size_t at() const { return at_; }
  std::size_t left() const { return data_.size() - at_; }

 private:
  zs::BytesView data_;
  std::size_t at_ = 0;
};

constexpr std::size_t chunk_size = 4 * digest_size + 4 * 8 + 4 * 4;
constexpr std::size_t footer_v5 = 8 + 8 + 4 + digest_size;  // without the seal
constexpr std::uint8_t version_1[] = {0, 0, 0, 1};
constexpr std::uint8_t version_4[] = {0, 0, 0, 4};
constexpr std::uint8_t version_5[] = {0, 0, 0, 5};
constexpr std::size_t chunk_size_v4 = 3 * digest_size + 4 * 8 + 4 * 4;

bool is_version(zs::BytesView body, const std::uint8_t (&v)[4]) {
  return body.size() >= origin_at && std::ranges::equal(body.subspan(magic_size, 4), v);
}

// Where a version 5 body's parts lie: nullopt when its footer does not fit.
struct Parts {
  std::size_t header_size = 0;
  std::size_t chunk_count = 0;
  std::size_t chunks_at = 0;
  std::size_t footer_at = 0;
};
std::optional<Parts> parts_of(zs::BytesView body) {
  if (body.size() < origin_at + footer_v5) return std::nullopt;
  Parts p;
  p.footer_at = body.size() - footer_v5;
  const std::uint64_t header_size = zs::get_u64(body.data() + p.footer_at);
  p.chunk_count = zs::get_u32(body.data() + p.footer_at + 16);
  if (header_size < origin_at || header_size > p.footer_at ||
      p.chunk_count > (p.footer_at - header_size) / chunk_size)
    return std::nullopt;
  p.header_size = static_cast<std::size_t>(header_size);
  p.chunks_at = p.footer_at - p.chunk_count * chunk_size;
  return p;
}

// Entries of `bytes` until its end; nullopt when one is cut short.
std::optional<std::vector<Entry>> decode_entries(zs::BytesView bytes) {
  std::vector<Entry> out;
  Reader r(bytes);
  while (r.left() > 0) {
    Entry e;
    zs::BytesView b;
    std::size_t sigs = 0;
    if (!r.take(digest_size, b) || !r.u16(sigs)) return std::nullopt;
    std::copy(b.begin(), b.end(), e.content.begin());
    for (std::size_t i = 0; i < sigs; ++i) {
      std::size_t n = 0;
      if (!r.u16(n) || !r.take(n, b)) return std::nullopt;
      e.rrsigs.push_back(b);
    }
    out.push_back(std::move(e));
  }
  return out;
}

// `body`: the input, the file without its seal. Nullopt when it does not
// follow the layout.
std::optional<Decoded> decode(zs::BytesView body) {
  constexpr std::string_view magic = "ZSSIGIDX";
  if (body.size() < origin_at + 1 + 8 || !std::ranges::equal(body.first(magic_size), magic)) return std::nullopt;
  Decoded d;
  d.version_5 = is_version(body, version_5);
  const bool version_4_body = is_version(body, version_4);
  if (!d.version_5 && !version_4_body && !is_version(body, version_1)) return std::nullopt;
  std::optional<Parts> parts;
  // Versions 1 and 4: the entries end before the footer (u64 entries, and
  // for version 4 a u32 count of chunks with the chunks before it, which
  // the library does not read).
  std::size_t count_at = body.size() - 8;
  std::size_t header_end = count_at;
  if (version_4_body) {
    if (body.size() < origin_at + 12) return std::nullopt;
    count_at = body.size() - 12;
    const std::size_t chunks = zs::get_u32(body.data() + body.size() - 4);
    if (chunks > (count_at - origin_at) / chunk_size_v4) return std::nullopt;
    header_end = count_at - chunks * chunk_size_v4;
  }
  if (d.version_5) {
    parts = parts_of(body);
    if (!parts) return std::nullopt;
    header_end = parts->header_size;
  }
  Reader r(body.first(header_end).subspan(origin_at));
  zs::BytesView len, wire, sha, bytes;
  if (!r.take(1, len) || !r.take(len[0], wire) || !r.take(digest_size, sha)) return std::nullopt;
  if (d.version_5 || version_4_body) {
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
  if (!d.version_5) {
    auto entries = decode_entries(body.first(header_end).subspan(origin_at + r.at()));
    if (!entries || zs::get_u64(body.data() + count_at) != entries->size()) return std::nullopt;
    d.entries = std::move(*entries);
    return d;
  }
  if (r.left() != 0) return std::nullopt;  // the header ends where the footer says
  const zs::BytesView entries = body.subspan(parts->header_size, parts->chunks_at - parts->header_size);
  std::uint64_t next = 0;
  for (std::size_t i = 0; i < parts->chunk_count; ++i) {
    const std::uint8_t* c = body.data() + parts->chunks_at + i * chunk_size;
    zs::IndexedChunk& k = d.chunks.emplace_back();
    std::copy_n(c, digest_size, k.proof.records.begin());
    std::copy_n(c + 32, digest_size, k.unsigned_records.begin());
    std::copy_n(c + 64, digest_size, k.proof.text.begin());
    std::copy_n(c + 96, digest_size, k.entries_digest.begin());
    k.offset = zs::get_u64(c + 128);
    k.size = zs::get_u64(c + 136);
    k.entries_offset = zs::get_u64(c + 144);
    k.entries_size = zs::get_u64(c + 152);
    k.entries = zs::get_u32(c + 160);
    k.signatures = zs::get_u32(c + 164);
    k.earliest_expiration = zs::get_u32(c + 168);
    k.latest_inception = zs::get_u32(c + 172);
    if (k.entries_offset != next || k.entries_size > entries.size() - next) return std::nullopt;
    auto its = decode_entries(entries.subspan(next, k.entries_size));
    if (!its || its->size() != k.entries) return std::nullopt;
    d.chunk_entries.push_back(its->size());
    d.entries.insert(d.entries.end(), its->begin(), its->end());
    next += k.entries_size;
  }
  auto tail = decode_entries(entries.subspan(next));
  if (!tail) return std::nullopt;
  d.entries.insert(d.entries.end(), tail->begin(), tail->end());
  if (zs::get_u64(body.data() + parts->footer_at + 8) != d.entries.size()) return std::nullopt;
  return d;
}

// The file for `body`: a version 5 body with each chunk's entries digest
// and the tail digest set to those of its bytes (where its chunks' places
// fit), then sealed as the layout asks.
zs::Bytes sealed_file(zs::BytesView body) {
  zs::Bytes file(body.begin(), body.end());
  zs::DigestStream seal(zs::DigestType::SHA256);
  const std::optional<Parts> parts = is_version(body, version_5) ? parts_of(body) : std::nullopt;
  if (!parts) {
    seal.update(body);
  } else {
    const std::size_t entries_size = parts->chunks_at - parts->header_size;
    std::uint64_t chunked = 0;
    for (std::size_t i = 0; i < parts->chunk_count; ++i) {
      std::uint8_t* c = file.data() + parts->chunks_at + i * chunk_size;
      const std::uint64_t offset = zs::get_u64(c + 144), size = zs::get_u64(c + 152);
      if (offset > entries_size || size > entries_size - offset) continue;
      const zs::Bytes d = zs::digest(zs::DigestType::SHA256,
                                     zs::BytesView(file.data() + parts->header_size + offset, size));
      std::copy(d.begin(), d.end(), c + 96);
      chunked = std::max(chunked, offset + size);
    }
    const zs::Bytes tail = zs::digest(
        zs::DigestType::SHA256, zs::BytesView(file.data() + parts->header_size + chunked, entries_size - chunked));
    std::copy(tail.begin(), tail.end(), file.data() + parts->footer_at + 20);
    seal.update(zs::BytesView(file.data(), parts->header_size));
    seal.update(zs::BytesView(file.data() + parts->chunks_at, file.size() - parts->chunks_at));
  }
  const zs::Bytes sealed = seal.finish();
  file.insert(file.end(), sealed.begin(), sealed.end());
  return file;
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
  std::vector<zs::IndexedChunk> chunks = d.chunks;
  std::size_t next = 0;
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    for (std::size_t i = 0; i < d.chunk_entries[c]; ++i, ++next)
      if (!writer->add(d.entries[next].content, d.entries[next].rrsigs))
        property_failed("SignatureIndexWriter::add failed");
    if (!writer->end_chunk(chunks[c])) property_failed("SignatureIndexWriter::end_chunk failed");
  }
  for (; next < d.entries.size(); ++next)
    if (!writer->add(d.entries[next].content, d.entries[next].rrsigs)) property_failed("SignatureIndexWriter::add failed");
  if (!writer->commit(chunks)) property_failed("SignatureIndexWriter::commit failed");
  auto written = zs::read_file(path);
  if (!written) property_failed("the rewritten index cannot be read");
  if (d.version_5 && !std::ranges::equal(zs::bytes_of(*written), sealed_input))
    property_failed("SignatureIndexWriter wrote other bytes than the index it was given");
  auto again = zs::PreviousSignatures::load_index(path, d.origin, d.output_sha256);
  if (!again || !*again) property_failed("the rewritten index does not load back");
  std::vector<zs::IndexedChunk> again_chunks = (*again)->take_chunks();
  const std::vector<std::uint8_t> none(again_chunks.size(), 0);
  if (!(*again)->load_entries(again_chunks, none) || (*again)->rrset_count() != d.entries.size())
    property_failed("the rewritten index does not load back with its entries");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = zs::fuzz::temp_dir() + "/signatures.index";
  static const zs::Name fallback_origin = *zs::Name::parse("example.");
  const zs::Bytes sealed = sealed_file(zs::BytesView(data, size));
  const zs::BytesView body(sealed.data(), sealed.size() - digest_size);  // with the digests set
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
  zs::PreviousSignatures& index = **loaded;
  const std::vector<zs::IndexedChunk> chunks = index.take_chunks();
  auto decoded = decode(body);
  // Every other chunk skipped, then none: what a re-sign reads, then its retry.
  std::vector<std::uint8_t> skip(chunks.size(), 0);
  std::size_t expected = 0;
  if (decoded) {
    std::size_t at = 0;
    for (std::size_t c = 0; c < chunks.size(); ++c) {
      skip[c] = c % 2;
      if (!skip[c]) expected += decoded->chunk_entries[c];
      at += decoded->chunk_entries[c];
    }
    expected += decoded->entries.size() - at;
  }
  const bool partial = static_cast<bool>(index.load_entries(chunks, skip));
  if (decoded && decoded->version_5 && (!partial || index.rrset_count() != expected))
    property_failed("load_entries() with chunks skipped did not read the others' entries");
  const std::vector<std::uint8_t> none(chunks.size(), 0);
  auto entries = index.load_entries(chunks, none);
  if (!entries) {
    (void)entries.error().to_string();
    if (decoded) property_failed("load_entries() refused entries that decode");
    return 0;
  }
  if (!decoded) property_failed("load_index and load_entries accepted a file that does not follow the layout");
  if (index.rrset_count() != decoded->entries.size()) property_failed("rrset_count() is not the number of entries");
  check_lookups(index, *decoded);
  check_rewrite(*decoded, sealed);
  return 0;
}
