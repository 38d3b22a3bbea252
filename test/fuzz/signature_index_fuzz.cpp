// Fuzzes the reader of the signature index (libsigner/signer/signature_reuse,
// PreviousSignatures::load_index and load_entries), the binary file a
// signing run leaves in the zone's key folder for the next one, and its
// writer (SignatureIndexWriter), which either writes it afresh or appends a
// run's index to it. The input is the file without its seal. The harness
// seals it as the layout asks, so mutations reach the parsers behind the
// seal and the digests instead of all failing at them: for version 6 (the
// current one) it sets each chunk's entries digest and the footer's tail
// digest to the SHA-256 of the bytes their ranges cover (where those lie
// before the header, after the magic), then seals the magic and version, the
// header, the chunks and the footer; version 5 alike, its ranges counted from
// the header's end; versions 1 and 4, the whole input. The origin asked for
// is the one the input's header names, and the output SHA-256 the one it
// holds, so an input is read through to its entries.
//
// Properties beyond "no crash" (the layout is at the top of
// signature_reuse.cpp; the harness decodes it on its own):
//   - load_index accepts every input that decodes, with the chunks it
//     records; load_entries() of every chunk succeeds exactly when the
//     entries decode, each chunk's range and the tail as many as recorded;
//     rrset_count() is then the number of entries, and with every other chunk
//     skipped, the number of those of the others and the tail;
//   - SignatureIndexWriter, written afresh with the decoded origin, output
//     hash, signers and denial digests, DNSKEYs, chunks and entries, writes a
//     file of version 6 that decodes to the same fields, chunks (but where
//     their entries lie) and entries, chunk by chunk, sealed as the layout
//     asks, which load_index and load_entries read back alike; byte for byte
//     the sealed input when that is a version 6 file whose entries lie as a
//     fresh writer puts them (each chunk's after the one before, from the
//     magic on, then the tail, then the header);
//   - for a version 6 input, a second writer on that file's append_target(),
//     carrying every chunk's entries (entries_of, copy_entries) and adding
//     the tail again, appends exactly when no more than half the file would
//     be dead, then leaves the bytes before the old end as they were and the
//     carried chunks' entries where they were; either way the file holds the
//     same as above and reads back alike;
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
#include <span>
#include <string>
#include <string_view>
#include <utility>
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

[[noreturn]] void property_failed(std::string_view what) {
  std::fprintf(stderr, "signature_index: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

constexpr std::size_t digest_size = 32;
constexpr std::size_t magic_size = 8;              // "ZSSIGIDX"
constexpr std::size_t start_size = magic_size + 4;  // and the version
constexpr std::size_t chunk_size = 4 * digest_size + 4 * 8 + 4 * 4;
constexpr std::size_t chunk_size_v4 = 3 * digest_size + 4 * 8 + 4 * 4;
// Footers without the seal.
constexpr std::size_t footer_v6 = 8 + 8 + 8 + 4 + 8 + 8 + digest_size;
constexpr std::size_t footer_v5 = 8 + 8 + 4 + digest_size;
// The library reads no larger header (it would only be a damaged file's
// claim); the harness follows, so that it accepts what the library does.
constexpr std::uint64_t max_header_size = std::uint64_t{1} << 24;

struct Entry {
  zs::ContentDigest content{};
  std::vector<zs::BytesView> rrsigs;
  friend bool operator==(const Entry& a, const Entry& b) {
    return a.content == b.content && std::ranges::equal(a.rrsigs, b.rrsigs, std::ranges::equal);
  }
};

struct Decoded {
  std::uint32_t version = 0;
  zs::BytesView origin_wire;
  zs::Name origin;
  std::string output_sha256;
  std::vector<zs::Bytes> dnskeys;
  zs::ContentDigest signers{};           // versions 4 to 6
  zs::ContentDigest denial{};            // versions 4 to 6
  std::vector<zs::IndexedChunk> chunks;  // versions 5 and 6
  // Each chunk's entries, in chunk order, then the tail's (the only ones
  // of versions 1 and 4): the order in which load_entries() reads them.
  std::vector<Entry> entries;
  // Per chunk, how many of `entries` are its; the rest are the tail's.
  std::vector<std::size_t> chunk_entries;
  // Version 6 whose entries lie as a fresh writer puts them: each chunk's
  // after the one before from the version on, the tail, then the header.
  bool as_written_afresh = false;
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

// The version a body claims (its magic unchecked); 0 when it is too short.
std::uint32_t version_of(zs::BytesView body) {
  return body.size() >= start_size ? zs::get_u32(body.data() + magic_size) : 0;
}

// Where the parts of a version 5 or 6 body lie, as its footer says (offsets
// in the body); nullopt when they do not fit together as the library
// requires, which it then refuses before the seal.
struct Parts {
  std::size_t header_at = 0;  // the header without the magic and version
  std::size_t header_size = 0;
  std::size_t chunk_count = 0;
  std::size_t chunks_at = 0;
  std::size_t footer_at = 0;
  // The chunks' entries offsets count from `entries_base`; their ranges lie
  // in [entries_begin, entries_end) of the body.
  std::size_t entries_base = 0;
  std::size_t entries_begin = 0;
  std::size_t entries_end = 0;
  std::size_t total_at = 0;        // u64 number of entries
  std::size_t tail_digest_at = 0;  // 32 octets
  std::uint64_t tail_at = 0;       // version 6: the footer's, not yet checked
  std::uint64_t tail_size = 0;
};

std::optional<Parts> parts_v6(zs::BytesView body) {
  if (body.size() < start_size + footer_v6) return std::nullopt;
  Parts p;
  p.footer_at = body.size() - footer_v6;
  const std::uint8_t* f = body.data() + p.footer_at;
  const std::uint64_t header_at = zs::get_u64(f), header_size = zs::get_u64(f + 8);
  p.chunk_count = zs::get_u32(f + 24);
  if (header_at < start_size || header_at > p.footer_at || header_size > max_header_size ||
      header_size > p.footer_at - header_at || p.chunk_count * chunk_size != p.footer_at - header_at - header_size)
    return std::nullopt;
  p.header_at = static_cast<std::size_t>(header_at);
  p.header_size = static_cast<std::size_t>(header_size);
  p.chunks_at = p.header_at + p.header_size;
  p.entries_base = 0;
  p.entries_begin = start_size;
  p.entries_end = p.header_at;
  p.total_at = p.footer_at + 16;
  p.tail_at = zs::get_u64(f + 28);
  p.tail_size = zs::get_u64(f + 36);
  p.tail_digest_at = p.footer_at + 44;
  return p;
}

std::optional<Parts> parts_v5(zs::BytesView body) {
  if (body.size() < start_size + footer_v5) return std::nullopt;
  Parts p;
  p.footer_at = body.size() - footer_v5;
  const std::uint8_t* f = body.data() + p.footer_at;
  const std::uint64_t header_end = zs::get_u64(f);  // the header's size, magic and version counted
  p.chunk_count = zs::get_u32(f + 16);
  if (header_end < start_size || header_end > max_header_size || header_end > p.footer_at ||
      p.chunk_count > (p.footer_at - header_end) / chunk_size)
    return std::nullopt;
  p.header_at = start_size;
  p.header_size = static_cast<std::size_t>(header_end) - start_size;
  p.chunks_at = p.footer_at - p.chunk_count * chunk_size;
  p.entries_base = p.entries_begin = static_cast<std::size_t>(header_end);
  p.entries_end = p.chunks_at;
  p.total_at = p.footer_at + 8;
  p.tail_digest_at = p.footer_at + 20;
  return p;
}

std::optional<Parts> parts_of(zs::BytesView body) {
  switch (version_of(body)) {
    case 6: return parts_v6(body);
    case 5: return parts_v5(body);
    default: return std::nullopt;
  }
}

// Whether `size` bytes at entries offset `offset` lie where the library
// reads a chunk's entries from (the body offset they start at, if so).
// Version 5's must also follow the chunk before, which decode() checks.
std::optional<std::size_t> range_at(const Parts& p, std::uint64_t offset, std::uint64_t size) {
  const std::uint64_t begin = p.entries_begin - p.entries_base, end = p.entries_end - p.entries_base;
  if (offset < begin || offset > end || size > end - offset) return std::nullopt;
  return p.entries_base + static_cast<std::size_t>(offset);
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

// The header at the start of `r` into `d`: the origin (in lower-case wire
// form, as the writer puts it and the reader compares it), the output's
// SHA-256, the signers and denial digests (not in version 1), the DNSKEYs.
bool decode_header(Reader& r, Decoded& d) {
  zs::BytesView len, bytes;
  if (!r.take(1, len) || !r.take(len[0], d.origin_wire) || !r.take(digest_size, bytes)) return false;
  d.output_sha256 = zs::to_hex(bytes);
  if (d.version != 1) {
    if (!r.take(digest_size, bytes)) return false;
    std::copy(bytes.begin(), bytes.end(), d.signers.begin());
    if (!r.take(digest_size, bytes)) return false;
    std::copy(bytes.begin(), bytes.end(), d.denial.begin());
  }
  auto origin = zs::Name::from_wire(d.origin_wire);
  if (!origin || !std::ranges::equal(origin->lowercased().wire(), d.origin_wire)) return false;
  d.origin = std::move(*origin);
  std::size_t keys = 0;
  if (!r.u16(keys)) return false;
  for (std::size_t i = 0; i < keys; ++i) {
    std::size_t n = 0;
    if (!r.u16(n) || !r.take(n, bytes)) return false;
    d.dnskeys.emplace_back(bytes.begin(), bytes.end());
  }
  return true;
}

// Versions 1 and 4: the header after the version, the entries, (version 4)
// chunks the library does not read and their u32 count, u64 entries.
std::optional<Decoded> decode_whole(zs::BytesView body, std::uint32_t version) {
  Decoded d;
  d.version = version;
  const std::size_t count_from_end = version == 4 ? 12 : 8;
  if (body.size() < start_size + count_from_end) return std::nullopt;
  const std::size_t count_at = body.size() - count_from_end;
  std::size_t entries_end = count_at;
  if (version == 4) {
    const std::size_t chunks = zs::get_u32(body.data() + body.size() - 4);
    if (chunks > (count_at - start_size) / chunk_size_v4) return std::nullopt;
    entries_end = count_at - chunks * chunk_size_v4;
  }
  Reader r(body.first(entries_end).subspan(start_size));
  if (!decode_header(r, d)) return std::nullopt;
  auto entries = decode_entries(body.first(entries_end).subspan(start_size + r.at()));
  if (!entries || zs::get_u64(body.data() + count_at) != entries->size()) return std::nullopt;
  d.entries = std::move(*entries);
  return d;
}

// A chunk record (the layout in signature_reuse.cpp).
zs::IndexedChunk read_chunk(const std::uint8_t* c) {
  zs::IndexedChunk k;
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
  return k;
}

// Versions 5 and 6: the header, chunks and footer where `p` says, each
// chunk's entries in its range, the tail's after the last chunk's (version
// 5) or where the footer says (version 6).
std::optional<Decoded> decode_chunked(zs::BytesView body, std::uint32_t version, const Parts& p) {
  Decoded d;
  d.version = version;
  Reader r(body.subspan(p.header_at, p.header_size));
  if (!decode_header(r, d) || r.left() != 0) return std::nullopt;  // the header ends where the footer says
  std::uint64_t next = p.entries_begin - p.entries_base;  // where a chunk's entries follow the last one's
  std::uint64_t counted = 0;
  bool in_order = true;
  for (std::size_t i = 0; i < p.chunk_count; ++i) {
    zs::IndexedChunk& k = d.chunks.emplace_back(read_chunk(body.data() + p.chunks_at + i * chunk_size));
    const std::optional<std::size_t> at = range_at(p, k.entries_offset, k.entries_size);
    if (!at || (version == 5 && k.entries_offset != next)) return std::nullopt;
    auto its = decode_entries(body.subspan(*at, k.entries_size));
    if (!its || its->size() != k.entries) return std::nullopt;
    d.chunk_entries.push_back(its->size());
    d.entries.insert(d.entries.end(), its->begin(), its->end());
    in_order = in_order && k.entries_offset == next;
    next = k.entries_offset + k.entries_size;
    counted += k.entries;
  }
  const std::uint64_t total = zs::get_u64(body.data() + p.total_at);
  std::uint64_t tail_at = next, tail_size = (p.entries_end - p.entries_base) - next;
  if (version == 6) {
    tail_at = p.tail_at;
    tail_size = p.tail_size;
  }
  const std::optional<std::size_t> at = range_at(p, tail_at, tail_size);
  if (!at || counted > total) return std::nullopt;
  auto tail = decode_entries(body.subspan(*at, tail_size));
  if (!tail || tail->size() != total - counted) return std::nullopt;
  d.entries.insert(d.entries.end(), tail->begin(), tail->end());
  d.as_written_afresh = version == 6 && in_order && tail_at == next && tail_at + tail_size == p.header_at;
  return d;
}

// `body`: the input, the file without its seal, its digests set. Nullopt
// when it does not follow the layout.
std::optional<Decoded> decode(zs::BytesView body) {
  constexpr std::string_view magic = "ZSSIGIDX";
  if (body.size() < start_size || !std::ranges::equal(body.first(magic_size), magic)) return std::nullopt;
  const std::uint32_t version = version_of(body);
  if (version == 1 || version == 4) return decode_whole(body, version);
  const std::optional<Parts> parts = parts_of(body);
  if (!parts) return std::nullopt;
  return decode_chunked(body, version, *parts);
}

// The file for `body`: for versions 5 and 6, each chunk's entries digest and
// the tail digest set to those of the bytes their ranges cover (where those
// lie among the entries: the library refuses others before it reads them);
// then sealed as the layout asks.
zs::Bytes sealed_file(zs::BytesView body) {
  zs::Bytes file(body.begin(), body.end());
  zs::DigestStream seal(zs::DigestType::SHA256);
  const std::optional<Parts> parts = parts_of(body);
  if (!parts) {
    seal.update(body);
  } else {
    auto set_digest = [&file, &p = *parts](std::uint64_t offset, std::uint64_t size, std::size_t digest_at) {
      const std::optional<std::size_t> at = range_at(p, offset, size);
      if (!at) return;
      const zs::Bytes d = zs::digest(zs::DigestType::SHA256, zs::BytesView(file.data() + *at, size));
      std::copy(d.begin(), d.end(), file.data() + digest_at);
    };
    // Version 5's tail: after the last chunk's entries that lie there.
    std::uint64_t chunked = parts->entries_begin - parts->entries_base;
    for (std::size_t i = 0; i < parts->chunk_count; ++i) {
      const std::size_t c = parts->chunks_at + i * chunk_size;
      const std::uint64_t offset = zs::get_u64(file.data() + c + 144), size = zs::get_u64(file.data() + c + 152);
      set_digest(offset, size, c + 96);
      if (range_at(*parts, offset, size)) chunked = std::max(chunked, offset + size);
    }
    if (version_of(body) == 6)
      set_digest(parts->tail_at, parts->tail_size, parts->tail_digest_at);
    else
      set_digest(chunked, parts->entries_end - parts->entries_base - chunked, parts->tail_digest_at);
    seal.update(zs::BytesView(file.data(), start_size));
    seal.update(zs::BytesView(file.data() + parts->header_at, parts->header_size));
    seal.update(zs::BytesView(file.data() + parts->chunks_at, file.size() - parts->chunks_at));
  }
  const zs::Bytes sealed = seal.finish();
  file.insert(file.end(), sealed.begin(), sealed.end());
  return file;
}

// The origin and output SHA-256 the input's header names (where its version
// puts the header), so that load_index's checks of them pass and it reads
// on; "example." and no hash when there is none.
std::pair<zs::Name, std::string> asked_for(zs::BytesView body) {
  static const zs::Name fallback = *zs::Name::parse("example.");
  zs::BytesView header = body.size() > start_size ? body.subspan(start_size) : zs::BytesView();
  if (version_of(body) == 6) {
    const std::optional<Parts> parts = parts_v6(body);
    header = parts ? body.subspan(parts->header_at, parts->header_size) : zs::BytesView();
  }
  Reader r(header);
  zs::BytesView len, wire, sha;
  if (!r.take(1, len) || !r.take(len[0], wire) || !r.take(digest_size, sha)) return {fallback, "0"};
  auto named = zs::Name::from_wire(wire);
  return {named ? std::move(*named) : fallback, zs::to_hex(sha)};
}

bool same_chunk(const zs::IndexedChunk& a, const zs::IndexedChunk& b, bool same_place) {
  return a.proof == b.proof && a.unsigned_records == b.unsigned_records && a.offset == b.offset &&
         a.size == b.size && a.entries_size == b.entries_size && a.entries == b.entries &&
         a.entries_digest == b.entries_digest && a.signatures == b.signatures &&
         a.earliest_expiration == b.earliest_expiration && a.latest_inception == b.latest_inception &&
         (!same_place || a.entries_offset == b.entries_offset);
}

bool same_chunks(std::span<const zs::IndexedChunk> a, std::span<const zs::IndexedChunk> b, bool same_place) {
  return std::ranges::equal(a, b, [same_place](const auto& x, const auto& y) { return same_chunk(x, y, same_place); });
}

// What a writer is given of an index and must write back: all but where
// the chunks' entries lie (and the version: it writes version 6).
bool same_content(const Decoded& a, const Decoded& b) {
  return std::ranges::equal(a.origin_wire, b.origin_wire) && a.output_sha256 == b.output_sha256 &&
         a.signers == b.signers && a.denial == b.denial && a.dnskeys == b.dnskeys &&
         same_chunks(a.chunks, b.chunks, false) && a.chunk_entries == b.chunk_entries && a.entries == b.entries;
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

void add_entries(zs::SignatureIndexWriter& writer, std::span<const Entry> entries) {
  for (const Entry& e : entries)
    if (!writer.add(e.content, e.rrsigs)) property_failed("SignatureIndexWriter::add failed");
}

// The entries of `d` after its chunks'.
std::span<const Entry> tail_of(const Decoded& d) {
  std::size_t chunked = 0;
  for (std::size_t n : d.chunk_entries) chunked += n;
  return std::span(d.entries).subspan(chunked);
}

// An index a writer left at `path`, as load_index reads it, with its bytes.
struct Written {
  std::string bytes;
  zs::PreviousSignatures index;
  std::vector<zs::IndexedChunk> chunks;
};

// Checks that the index file at `path` (`who` wrote it) is a version 6 file
// sealed as the layout asks, holding what `d` does, and that load_index and
// load_entries read it back alike.
Written check_written(const std::string& path, const Decoded& d, const std::string& who) {
  auto bytes = zs::read_file(path);
  if (!bytes || bytes->size() < digest_size) property_failed(who + ": the index it wrote cannot be read");
  const zs::BytesView file = zs::bytes_of(*bytes);
  const zs::BytesView body = file.first(file.size() - digest_size);
  if (!std::ranges::equal(sealed_file(body), file))
    property_failed(who + ": the index it wrote is not sealed, or its entries digests not set, as the layout asks");
  auto back = decode(body);
  if (!back || back->version != 6) property_failed(who + ": the index it wrote is not of version 6's layout");
  if (!same_content(d, *back)) property_failed(who + ": the index it wrote holds other fields, chunks or entries");
  auto again = zs::PreviousSignatures::load_index(path, d.origin, d.output_sha256);
  if (!again || !*again) property_failed(who + ": the index it wrote does not load back");
  Written w{std::move(*bytes), std::move(**again), {}};
  w.chunks = w.index.take_chunks();
  if (!same_chunks(w.chunks, back->chunks, true)) property_failed(who + ": load_index read other chunks back");
  const std::vector<std::uint8_t> none(w.chunks.size(), 0);
  if (!w.index.load_entries(w.chunks, none) || w.index.rrset_count() != d.entries.size())
    property_failed(who + ": the index it wrote does not load back with its entries");
  return w;
}

// A re-sign that carries every chunk of `previous` (at `path`, holding
// `d`'s index) and signs its tail again: appended to the file when no more
// than half of it would be dead, else written afresh.
void check_append(const std::string& path, const Decoded& d, const Written& previous) {
  const std::string who = "SignatureIndexWriter appending";
  const auto target = previous.index.append_target();
  if (!target || target->size != previous.bytes.size())
    property_failed("append_target() does not give the version 6 file the index was read from");
  std::uint64_t live = 0;
  for (const zs::IndexedChunk& c : previous.chunks) live += c.entries_size;
  auto writer =
      zs::SignatureIndexWriter::create(path, d.origin, d.output_sha256, d.signers, d.denial, d.dnskeys, target, live);
  if (!writer) property_failed(who + ": create() refused what load_index accepted");
  const std::uint64_t entries_room = target->size - start_size;
  const bool may_append = live > 0 && live <= entries_room && entries_room - live <= live;
  if (writer->appends() != may_append)
    property_failed(may_append ? who + ": it did not append to a file no more than half dead"
                               : who + ": it appended to a file more than half dead");
  std::vector<zs::IndexedChunk> carried = previous.chunks;
  for (zs::IndexedChunk& c : carried) {
    const auto from = previous.index.entries_of(c);
    if (!from) property_failed("entries_of() gave nothing for a chunk of the index");
    if (!writer->copy_entries(*from)) property_failed(who + ": copy_entries failed");
    if (!writer->end_chunk(c)) property_failed(who + ": end_chunk failed");
  }
  add_entries(*writer, tail_of(d));
  if (!writer->commit(carried)) property_failed(who + ": commit failed");
  const Written after = check_written(path, d, who);
  if (may_append && (after.bytes.size() <= previous.bytes.size() || !after.bytes.starts_with(previous.bytes)))
    property_failed(who + ": the bytes before the old end changed");
  if (may_append && !same_chunks(after.chunks, previous.chunks, true))
    property_failed(who + ": a carried chunk's entries do not stay where they were");
}

void check_rewrite(const Decoded& d, zs::BytesView sealed_input) {
  static const std::string path = zs::fuzz::temp_dir() + "/rewritten.index";
  const std::string who = "SignatureIndexWriter afresh";
  auto writer = zs::SignatureIndexWriter::create(path, d.origin, d.output_sha256, d.signers, d.denial, d.dnskeys);
  if (!writer) property_failed(who + ": create() refused what load_index accepted");
  std::vector<zs::IndexedChunk> chunks = d.chunks;
  std::span<const Entry> entries = d.entries;
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    add_entries(*writer, entries.first(d.chunk_entries[c]));
    entries = entries.subspan(d.chunk_entries[c]);
    if (!writer->end_chunk(chunks[c])) property_failed(who + ": end_chunk failed");
  }
  add_entries(*writer, entries);
  if (!writer->commit(chunks)) property_failed(who + ": commit failed");
  const Written written = check_written(path, d, who);
  if (d.as_written_afresh && !std::ranges::equal(zs::bytes_of(written.bytes), sealed_input))
    property_failed(who + ": it wrote other bytes than the index it was given, which lies as it writes one");
  // The append path once per index of the current version: the others'
  // rewrite gives a file of that version too, so this would only repeat.
  if (d.version == 6) check_append(path, d, written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = zs::fuzz::temp_dir() + "/signatures.index";
  const zs::Bytes sealed = sealed_file(zs::BytesView(data, size));
  const zs::BytesView body(sealed.data(), sealed.size() - digest_size);  // with the digests set
  zs::fuzz::write_whole_file(path, sealed.data(), sealed.size());
  auto decoded = decode(body);
  const auto [origin, verified_sha256] = asked_for(body);

  auto loaded = zs::PreviousSignatures::load_index(path, origin, verified_sha256);
  if (!loaded) {
    (void)loaded.error().to_string();
    if (decoded) property_failed("load_index refused an index that decodes");
    return 0;
  }
  if (!*loaded) {
    if (decoded) property_failed("load_index took an index that decodes for another output's");
    return 0;
  }
  zs::PreviousSignatures& index = **loaded;
  const std::vector<zs::IndexedChunk> chunks = index.take_chunks();
  if (decoded && !same_chunks(chunks, decoded->chunks, true)) property_failed("load_index read other chunks");
  // Every other chunk skipped, then none: what a re-sign reads, then its retry.
  std::vector<std::uint8_t> skip(chunks.size(), 0);
  std::size_t expected = 0;
  if (decoded) {
    for (std::size_t c = 0; c < chunks.size(); ++c) {
      skip[c] = c % 2;
      if (!skip[c]) expected += decoded->chunk_entries[c];
    }
    expected += tail_of(*decoded).size();
  }
  const bool partial = static_cast<bool>(index.load_entries(chunks, skip));
  if (decoded && (!partial || index.rrset_count() != expected))
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
