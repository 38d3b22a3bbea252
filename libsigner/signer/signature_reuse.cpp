#include "signer/signature_reuse.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <unordered_map>

#include "core/atomic_file.hpp"
#include "core/encoding.hpp"
#include "crypto/digest_stream.hpp"
#include "crypto/keys.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

// The signature index file, all numbers big-endian:
//   "ZSSIGIDX", u32 version (6)
//   then, run after run, appended: entries, header, chunks, footer; the
//   last footer is the file's end, and with its header and chunks it is the
//   index. What earlier runs appended before it is dead, but for the entries
//   its chunks still point to: a re-sign writes only the entries of the
//   chunks it signs again, and points to those of the chunks it carries
//   where an earlier run wrote them, instead of copying a quarter of a GB a
//   day at 1M names. A file more than half dead is written afresh (and
//   renamed into place) instead of appended to.
//   entries, one per signed RRset, each chunk's together:
//     32 octets content digest, u16 count, each RRSIG RDATA as u16 length + octets
//   header:
//     u8 length, the origin's lower-case wire form
//     32 octets: the SHA-256 of the output it describes
//     32 octets: the signers digest of the run that wrote it (signers_digest)
//     32 octets: the denial digest of that output's zone (dnssec/verify.hpp)
//     u16 count, then each DNSKEY RDATA of that output as u16 length + octets
//   the chunks of that output (output_chunks.hpp IndexedChunk), in order,
//     chunk_record_size octets each: records digest, unsigned digest, text
//     digest and entries digest (32 octets each); u64 offset, size, entries
//     offset (in the file), entries size; u32 entries, signatures, earliest
//     expiration, latest inception
//   footer: u64 the header's offset, u64 its size, u64 number of entries,
//     u32 number of chunks, u64 offset and u64 size of the entries after the
//     chunks' (the tail), 32 octets: their SHA-256, then 32 octets: the seal,
//     SHA-256 of the magic and version, the header, the chunks and the
//     footer before it
// The seal makes a torn or altered header or chunk list fail as a whole
// (a run killed while appending leaves a file whose end is no footer), and
// each chunk's entries are checked against their digest when a run reads
// them: a re-sign reads only the entries of the chunks it signs again, and
// points to the others unread (with their digest, so that damage is caught
// by whichever run reads them). The bounds checks below hold for any bytes,
// sealed or not (test/fuzz).
// Version 5, the release before, is one file written whole: the header
// after the version, the entries, the chunks (their entries offsets counted
// from the header's end, one chunk's after the other's) and a footer of
// u64 header size, u64 entries, u32 chunks, 32 octets tail digest, 32
// octets seal.
namespace {

constexpr std::string_view index_magic = "ZSSIGIDX";
// Version 5 is read as before and its chunks carried, their entries
// copied into a file of version 6. Versions 1 (no signers digest, no
// chunks) and 4 (chunks without entries digests) seal the whole file and
// still serve their signatures, read whole, with no chunk carried: the run
// after an upgrade reuses them as the one before it would have, instead of
// parsing the previous output (which holds several times the memory: 2.4
// GB at 1M names). Versions 2 and 3 lived on a branch and read as unknown.
constexpr std::uint32_t index_version = 6;
constexpr std::uint32_t index_version_5 = 5;
constexpr std::size_t digest_size = 32;
constexpr std::size_t start_size = 8 + 4;  // magic and version
constexpr std::size_t footer_size = 8 + 8 + 8 + 4 + 8 + 8 + digest_size + digest_size;
constexpr std::size_t footer_size_v5 = 8 + 8 + 4 + digest_size + digest_size;
constexpr std::size_t footer_size_v1 = 8 + digest_size;
constexpr std::size_t footer_size_v4 = 8 + 4 + digest_size;
constexpr std::size_t chunk_record_size_v4 = 3 * 32 + 4 * 8 + 4 * 4;
constexpr std::size_t chunk_record_size = 4 * 32 + 4 * 8 + 4 * 4;
// The header holds the origin and the DNSKEYs: far less than this. A
// larger one is not read (it would only be a damaged file's claim).
constexpr std::uint64_t max_header_size = std::uint64_t{1} << 24;

std::string index_key(const Name& owner, RrType type) {
  const Name lower = owner.lowercased();
  std::string key(lower.wire().begin(), lower.wire().end());
  const std::uint16_t t = to_u16(type);
  key.push_back(static_cast<char>(t >> 8));
  key.push_back(static_cast<char>(t & 0xff));
  return key;
}

// Counts and lengths are 16 bits: callers check that they fit.
void put_entry(Bytes& out, const ContentDigest& content, std::span<const BytesView> rrsigs) {
  put_bytes(out, content);
  put_u16(out, static_cast<std::uint16_t>(rrsigs.size()));
  for (BytesView r : rrsigs) {
    put_u16(out, static_cast<std::uint16_t>(r.size()));
    put_bytes(out, r);
  }
}

// Reads the index layout with bounds checks: every read past `end` fails.
class Cursor {
 public:
  Cursor(std::string_view data, std::size_t at, std::size_t end) : data_(data), at_(at), end_(end) {}
  std::size_t at() const noexcept { return at_; }
  bool done() const noexcept { return at_ >= end_; }
  bool take(std::size_t n, BytesView& out) {
    if (end_ - at_ < n) return false;
    out = BytesView(reinterpret_cast<const std::uint8_t*>(data_.data()) + at_, n);
    at_ += n;
    return true;
  }
  bool u16(std::size_t& v) {
    BytesView b;
    if (!take(2, b)) return false;
    v = get_u16(b.data());
    return true;
  }
  bool u32(std::uint32_t& v) {
    BytesView b;
    if (!take(4, b)) return false;
    v = get_u32(b.data());
    return true;
  }

 private:
  std::string_view data_;
  std::size_t at_;
  std::size_t end_;
};


// Moves `c` past one entry (the layout above); false when it is cut short.
bool skip_entry(Cursor& c) {
  BytesView skip;
  std::size_t sigs = 0;
  if (!c.take(digest_size, skip) || !c.u16(sigs)) return false;
  for (std::size_t i = 0; i < sigs; ++i) {
    std::size_t len = 0;
    if (!c.u16(len) || !c.take(len, skip)) return false;
  }
  return true;
}

Error index_error(const std::string& path, const std::string& what) {
  return Error{Errc::io, "signature index " + path + " " + what};
}

}  // namespace

std::string signature_index_path(const std::string& key_dir) { return key_dir + "/signatures.index"; }

Result<void> PreviousSignatures::index_entries() {
  const std::string_view data = data_;
  std::vector<std::size_t> offsets;
  Cursor c(data, begin_, end_);
  while (!c.done()) {
    offsets.push_back(c.at());
    if (!skip_entry(c)) return fail(Errc::io, "entry cut short");
  }
  count_ = offsets.size();
  std::size_t slots = 16;
  while (slots < 2 * count_) slots *= 2;
  table_.assign(slots, 0);
  const auto* base = reinterpret_cast<const std::uint8_t*>(data.data());
  for (std::size_t offset : offsets) {
    std::size_t slot = get_u64(base + offset) & (slots - 1);
    while (table_[slot] != 0) {
      // The same digest twice: the first stays (either was verified).
      if (std::equal(base + offset, base + offset + digest_size, base + table_[slot] - 1)) break;
      slot = (slot + 1) & (slots - 1);
    }
    if (table_[slot] == 0) table_[slot] = offset + 1;
  }
  return {};
}

// The header of an index (the layout above), from after the version on:
// the origin, output hash, signers and denial digests (none in version 1)
// and the DNSKEYs, as views of the cursor's bytes; the cursor ends after
// them.
struct PreviousSignatures::Header {
  BytesView origin_wire;
  BytesView output_sha;
  BytesView signers;
  BytesView denial;
  std::vector<BytesView> dnskeys;
};

namespace {

std::optional<PreviousSignatures::Header> read_header(Cursor& c, std::uint32_t version) {
  PreviousSignatures::Header h;
  BytesView len_byte;
  std::size_t keys = 0;
  if (!c.take(1, len_byte) || !c.take(len_byte[0], h.origin_wire) || !c.take(digest_size, h.output_sha) ||
      (version != 1 && (!c.take(digest_size, h.signers) || !c.take(digest_size, h.denial))) || !c.u16(keys))
    return std::nullopt;
  for (std::size_t i = 0; i < keys; ++i) {
    std::size_t len = 0;
    BytesView key;
    if (!c.u16(len) || !c.take(len, key)) return std::nullopt;
    h.dnskeys.push_back(key);
  }
  return h;
}

}  // namespace

Result<bool> PreviousSignatures::take_header(const Header& header, const Name& origin,
                                             const std::string& verified_sha256, const std::string& index_path) {
  const Name lower = origin.lowercased();
  if (!std::ranges::equal(header.origin_wire, lower.wire()))
    return std::unexpected(index_error(index_path, "is for another zone"));
  if (to_hex(header.output_sha) != verified_sha256) return false;
  std::copy(header.signers.begin(), header.signers.end(), signers_.begin());
  std::copy(header.denial.begin(), header.denial.end(), denial_.begin());
  for (BytesView key : header.dnskeys) dnskeys_.emplace_back(key.begin(), key.end());
  return true;
}

namespace {

// A chunk record (the layout above) into `chunk`.
void read_chunk_record(const std::uint8_t* r, IndexedChunk& chunk) {
  std::copy_n(r, digest_size, chunk.proof.records.begin());
  std::copy_n(r + 32, digest_size, chunk.unsigned_records.begin());
  std::copy_n(r + 64, digest_size, chunk.proof.text.begin());
  std::copy_n(r + 96, digest_size, chunk.entries_digest.begin());
  chunk.offset = get_u64(r + 128);
  chunk.size = get_u64(r + 136);
  chunk.entries_offset = get_u64(r + 144);
  chunk.entries_size = get_u64(r + 152);
  chunk.entries = get_u32(r + 160);
  chunk.signatures = get_u32(r + 164);
  chunk.earliest_expiration = get_u32(r + 168);
  chunk.latest_inception = get_u32(r + 172);
}

// The seal over the sealed parts of an index (the layout above).
bool seal_matches(std::span<const BytesView> parts, BytesView seal) {
  DigestStream hash(DigestType::SHA256);
  for (BytesView part : parts) hash.update(part);
  const Bytes expected = hash.finish();
  return std::ranges::equal(expected, seal);
}

}  // namespace

Result<std::optional<PreviousSignatures>> PreviousSignatures::load_index(const std::string& index_path,
                                                                         const Name& origin,
                                                                         const std::string& verified_sha256) {
  std::error_code ec;
  if (verified_sha256.empty() || !std::filesystem::is_regular_file(index_path, ec)) return std::nullopt;
  auto file = PreviousOutput::open(index_path);
  if (!file) return std::unexpected(index_error(index_path, "cannot be opened"));
  const std::uint64_t size = file->size();
  char start[start_size];
  if (size < start_size || !file->read_exact(0, start) || std::string_view(start, index_magic.size()) != index_magic)
    return std::unexpected(index_error(index_path, "is not a signature index"));
  const std::uint32_t version = get_u32(reinterpret_cast<const std::uint8_t*>(start) + index_magic.size());
  if (version != index_version && version != index_version_5 && version != 1 && version != 4)
    return std::unexpected(index_error(index_path, "has an unknown version"));
  if (version == 1 || version == 4) return load_whole(index_path, origin, verified_sha256, version);
  const std::size_t footer_bytes = version == index_version ? footer_size : footer_size_v5;

  // The footer, the header and the chunks, sealed together (with the
  // magic and version).
  if (size < start_size + footer_bytes) return std::unexpected(index_error(index_path, "is cut short"));
  std::array<std::uint8_t, footer_size> footer{};
  if (!file->read_exact(size - footer_bytes, std::span(reinterpret_cast<char*>(footer.data()), footer_bytes)))
    return std::unexpected(index_error(index_path, "cannot be read"));
  const std::uint64_t before_footer = size - footer_bytes;
  // Where the header lies, and the entries before it; in version 5 the
  // header follows the version and the entries follow the header.
  std::uint64_t header_at = 0, header_size = 0, entries_at = 0, entries_end = 0, entries_total = 0, chunk_count = 0;
  const std::uint8_t* tail_digest = nullptr;
  std::uint64_t tail_at = 0, tail_size = 0;
  if (version == index_version) {
    header_at = get_u64(footer.data());
    header_size = get_u64(footer.data() + 8);
    entries_total = get_u64(footer.data() + 16);
    chunk_count = get_u32(footer.data() + 24);
    tail_at = get_u64(footer.data() + 28);
    tail_size = get_u64(footer.data() + 36);
    tail_digest = footer.data() + 44;
    if (header_at < start_size || header_at > before_footer || header_size > max_header_size ||
        header_size > before_footer - header_at ||
        chunk_count * chunk_record_size != before_footer - header_at - header_size)
      return std::unexpected(index_error(index_path, "is cut short"));
    entries_at = 0;  // the entries' offsets are the file's
    entries_end = header_at;
    if (tail_at < start_size || tail_at > entries_end || tail_size > entries_end - tail_at)
      return std::unexpected(index_error(index_path, "holds entries outside it"));
  } else {
    header_size = get_u64(footer.data());
    entries_total = get_u64(footer.data() + 8);
    chunk_count = get_u32(footer.data() + 16);
    tail_digest = footer.data() + 20;
    if (header_size < start_size || header_size > max_header_size || header_size > before_footer ||
        chunk_count > (before_footer - header_size) / chunk_record_size)
      return std::unexpected(index_error(index_path, "is cut short"));
    header_at = start_size;
    header_size -= start_size;
    entries_at = start_size + header_size;
    entries_end = before_footer - chunk_count * chunk_record_size - entries_at;
  }
  const std::uint64_t chunks_at = before_footer - chunk_count * chunk_record_size;
  std::string sealed(static_cast<std::size_t>(header_size + chunk_count * chunk_record_size), '\0');
  if (!file->read_exact(header_at, std::span(sealed.data(), static_cast<std::size_t>(header_size))) ||
      !file->read_exact(chunks_at, std::span(sealed.data() + header_size, sealed.size() - header_size)))
    return std::unexpected(index_error(index_path, "cannot be read"));
  const BytesView parts[] = {BytesView(reinterpret_cast<const std::uint8_t*>(start), start_size), bytes_of(sealed),
                             BytesView(footer.data(), footer_bytes - digest_size)};
  if (!seal_matches(parts, BytesView(footer.data() + footer_bytes - digest_size, digest_size)))
    return std::unexpected(index_error(index_path, "is damaged (its seal does not match)"));

  PreviousSignatures index;
  Cursor c(sealed, 0, static_cast<std::size_t>(header_size));
  auto header = read_header(c, version);
  if (!header || c.at() != header_size) return std::unexpected(index_error(index_path, "is cut short"));
  auto ours = index.take_header(*header, origin, verified_sha256, index_path);
  if (!ours) return std::unexpected(std::move(ours.error()));
  if (!*ours) return std::nullopt;

  // Version 6: each chunk's entries anywhere before the header, after the
  // magic. Version 5: each chunk's follow the last one's, from the first
  // entry on, and the entries after the last chunk's are the tail.
  const auto* table = reinterpret_cast<const std::uint8_t*>(sealed.data()) + header_size;
  std::uint64_t next = 0, counted = 0;
  for (std::uint64_t i = 0; i < chunk_count; ++i) {
    IndexedChunk& chunk = index.chunks_.emplace_back();
    read_chunk_record(table + i * chunk_record_size, chunk);
    const bool inside = version == index_version
                            ? chunk.entries_offset >= start_size && chunk.entries_offset <= entries_end &&
                                  chunk.entries_size <= entries_end - chunk.entries_offset
                            : chunk.entries_offset == next && chunk.entries_size <= entries_end - next;
    if (!inside) return std::unexpected(index_error(index_path, "holds a chunk whose entries lie outside it"));
    next += chunk.entries_size;
    counted += chunk.entries;
  }
  if (counted > entries_total)
    return std::unexpected(index_error(index_path, "does not hold the number of entries it claims"));
  if (version == index_version_5) {
    tail_at = next;
    tail_size = entries_end - next;
  }
  std::copy_n(tail_digest, digest_size, index.tail_digest_.begin());
  index.version_ = version;
  index.file_ = std::make_unique<PreviousOutput>(std::move(*file));
  index.entries_at_ = entries_at;
  index.entries_size_ = entries_end;
  index.entries_total_ = entries_total;
  index.tail_at_ = tail_at;
  index.tail_size_ = tail_size;
  return std::optional<PreviousSignatures>(std::move(index));
}

Result<std::optional<PreviousSignatures>> PreviousSignatures::load_whole(const std::string& index_path,
                                                                         const Name& origin,
                                                                         const std::string& verified_sha256,
                                                                         std::uint32_t version) {
  PreviousSignatures index;
  auto text = read_file(index_path);
  if (!text) return std::unexpected(text.error());
  index.data_ = std::move(*text);
  const std::string_view data = index.data_;
  const auto* base = reinterpret_cast<const std::uint8_t*>(data.data());
  const std::size_t footer = version == 1 ? footer_size_v1 : footer_size_v4;
  if (data.size() < index_magic.size() + 4 + footer) return std::unexpected(index_error(index_path, "is cut short"));
  const std::size_t sealed = data.size() - digest_size;
  const Bytes seal = digest(DigestType::SHA256, BytesView(base, sealed));
  if (!std::equal(seal.begin(), seal.end(), base + sealed))
    return std::unexpected(index_error(index_path, "is damaged (its seal does not match)"));
  const std::size_t entries_count_at = data.size() - footer;
  // Version 4's chunks lie between the entries and the footer; they are
  // not read (nothing is carried on an index without entries digests).
  std::size_t entries_end = entries_count_at;
  if (version == 4) {
    const std::uint64_t chunks = get_u32(base + entries_count_at + 8);
    if (chunks > (entries_count_at - index_magic.size() - 4) / chunk_record_size_v4)
      return std::unexpected(index_error(index_path, "is cut short"));
    entries_end = entries_count_at - static_cast<std::size_t>(chunks) * chunk_record_size_v4;
  }
  Cursor c(data, index_magic.size() + 4, entries_end);
  auto header = read_header(c, version);
  if (!header) return std::unexpected(index_error(index_path, "is cut short"));
  auto ours = index.take_header(*header, origin, verified_sha256, index_path);
  if (!ours) return std::unexpected(std::move(ours.error()));
  if (!*ours) return std::nullopt;
  index.begin_ = c.at();
  index.end_ = entries_end;
  if (auto r = index.index_entries(); !r) return std::unexpected(index_error(index_path, r.error().message));
  if (get_u64(base + entries_count_at) != index.count_)
    return std::unexpected(index_error(index_path, "does not hold the number of entries it claims"));
  return std::optional<PreviousSignatures>(std::move(index));
}

Result<void> PreviousSignatures::load_entries(std::span<const IndexedChunk> chunks,
                                              std::span<const std::uint8_t> skip) {
  if (!file_) return {};
  if (chunks.size() != skip.size()) return fail(Errc::internal, "load_entries: a skip flag per chunk");
  // The ranges to read: each chunk's not skipped, then the tail, with the
  // digest and number of entries each must have.
  struct Range {
    std::uint64_t offset, size, count;
    ChunkDigest digest;
  };
  std::vector<Range> ranges;
  std::uint64_t chunked_count = 0, wanted = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const IndexedChunk& k = chunks[i];
    if (!holds_entries(k.entries_offset, k.entries_size))
      return fail(Errc::internal, "load_entries: chunks of another index");
    chunked_count += k.entries;
    if (skip[i]) continue;
    ranges.push_back(Range{k.entries_offset, k.entries_size, k.entries, k.entries_digest});
    wanted += k.entries_size;
  }
  if (chunked_count > entries_total_) return fail(Errc::internal, "load_entries: chunks of another index");
  ranges.push_back(Range{tail_at_, tail_size_, entries_total_ - chunked_count, tail_digest_});
  wanted += tail_size_;

  data_.assign(static_cast<std::size_t>(wanted), '\0');
  std::size_t at = 0;
  for (const Range& r : ranges) {
    const std::span<char> into(data_.data() + at, static_cast<std::size_t>(r.size));
    if (!file_->read_exact(entries_at_ + r.offset, into))
      return fail(Errc::io, "the signature index's entries cannot be read");
    const BytesView bytes(reinterpret_cast<const std::uint8_t*>(into.data()), into.size());
    const Bytes got = digest(DigestType::SHA256, bytes);
    if (!std::equal(got.begin(), got.end(), r.digest.begin()))
      return fail(Errc::io, "the signature index holds damaged entries (their digest does not match)");
    // As many entries as recorded, each whole within its chunk's range.
    Cursor c(data_, at, at + into.size());
    std::uint64_t count = 0;
    for (; !c.done(); ++count)
      if (!skip_entry(c)) return fail(Errc::io, "the signature index holds an entry cut short");
    if (count != r.count) return fail(Errc::io, "the signature index does not hold the entries it claims");
    at += into.size();
  }
  begin_ = 0;
  end_ = data_.size();
  return index_entries();
}

bool PreviousSignatures::holds_entries(std::uint64_t offset, std::uint64_t size) const noexcept {
  // Version 6's offsets are the file's: its entries start after the magic.
  const std::uint64_t first = version_ == index_version ? start_size : 0;
  return offset >= first && offset <= entries_size_ && size <= entries_size_ - offset;
}

std::optional<PreviousSignatures::EntriesSource> PreviousSignatures::entries_of(const IndexedChunk& chunk) const {
  if (!file_ || !holds_entries(chunk.entries_offset, chunk.entries_size)) return std::nullopt;
  return EntriesSource{file_.get(), entries_at_ + chunk.entries_offset, chunk.entries_size, chunk.entries,
                       chunk.entries_digest};
}

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
  if (to_hex(digest(DigestType::SHA256, bytes_of(*text))) != verified_sha256)
    return fail(Errc::io, path + " changed since the last signing run wrote it");
  auto parsed = parse_zone_text(*text, path, ParseOptions{origin, 16});
  if (!parsed) return std::unexpected(parsed.error());
  text->clear();
  text->shrink_to_fit();

  // RDATA is gathered per RRset first: an Rrset's RdataSet is built in one go.
  struct Gathered {
    Rrset rrset;
    std::vector<Bytes> rdatas;
  };
  std::unordered_map<std::string, Gathered> rrsets;
  std::unordered_map<std::string, std::vector<Bytes>> rrsigs;
  for (auto& record : parsed->records) {
    if (record.type == RrType::RRSIG) {
      auto rrsig = Rrsig::from_rdata(record.rdata);
      if (!rrsig) continue;  // the self-check of that run would have refused it; just sign afresh
      rrsigs[index_key(record.owner, rrsig->type_covered)].push_back(std::move(record.rdata));
      continue;
    }
    Gathered& g = rrsets[index_key(record.owner, record.type)];
    g.rrset.owner = record.owner;
    g.rrset.type = record.type;
    g.rrset.ttl = record.ttl;  // the writer prints one TTL per RRset
    g.rdatas.push_back(std::move(record.rdata));
  }
  parsed->records.clear();
  for (auto& [key, g] : rrsets) {
    g.rrset.rdatas = RdataSet(g.rdatas);
    g.rdatas = {};
  }

  if (auto it = rrsets.find(index_key(origin, RrType::DNSKEY)); it != rrsets.end())
    index.dnskeys_ = it->second.rrset.rdatas.to_vector();
  // The same layout as an index file's entries, so both are looked up alike.
  Bytes entries;
  std::vector<BytesView> views;
  for (const auto& [key, sigs] : rrsigs) {
    auto it = rrsets.find(key);
    if (it == rrsets.end() || sigs.size() > 0xffff) continue;  // counts are 16 bits in the layout
    views.assign(sigs.begin(), sigs.end());
    put_entry(entries, rrset_content_digest(it->second.rrset), views);
  }
  index.data_ = chars_of(entries);
  index.begin_ = 0;
  index.end_ = index.data_.size();
  if (auto r = index.index_entries(); !r) return std::unexpected(r.error());
  return index;
}

std::optional<PreviousSignatures::Reused> PreviousSignatures::find(const ContentDigest& content, std::uint32_t ttl,
                                                                   const Name& origin, const SigningKey& key,
                                                                   UnixTime now, Duration refresh) const {
  if (table_.empty()) return std::nullopt;
  // Only a key whose DNSKEY the previous output published, byte for byte:
  // the signatures were verified with that DNSKEY and no other.
  if (std::ranges::find(dnskeys_, key.dnskey_rdata) == dnskeys_.end()) return std::nullopt;
  const std::string_view data = data_;
  const auto* base = reinterpret_cast<const std::uint8_t*>(data.data());
  const BytesView signer_wire = origin.wire();
  std::size_t slot = get_u64(content.data()) & (table_.size() - 1);
  for (; table_[slot] != 0; slot = (slot + 1) & (table_.size() - 1)) {
    const std::size_t offset = table_[slot] - 1;
    if (!std::equal(content.begin(), content.end(), base + offset)) continue;
    // Bounds were checked by index_entries().
    Cursor c(data, offset + digest_size, end_);
    std::size_t sigs = 0;
    c.u16(sigs);
    for (std::size_t i = 0; i < sigs; ++i) {
      std::size_t len = 0;
      BytesView rdata;
      c.u16(len);
      c.take(len, rdata);
      // The RDATA's fixed fields (RFC 4034 §3.1) are read in place: a
      // million lookups, no copy of the signer name or the signature.
      constexpr std::size_t fixed = 18;
      // A signature of at least one octet after the signer, as
      // Rrsig::from_rdata requires: the gate would refuse the output otherwise.
      if (rdata.size() <= fixed + signer_wire.size()) continue;
      const std::uint8_t* f = rdata.data();
      if (f[2] != static_cast<std::uint8_t>(key.algorithm) || get_u32(f + 4) != ttl || get_u16(f + 16) != key.tag)
        continue;
      // Uncompressed wire form: equal octets (case aside) are an equal name.
      if (!std::equal(signer_wire.begin(), signer_wire.end(), f + fixed,
                      [](std::uint8_t a, std::uint8_t b) { return ascii_lower(a) == ascii_lower(b); }))
        continue;
      if (rrsig_seconds_until(get_u32(f + 12), static_cast<std::uint64_t>(now)) > 0) continue;  // inception: not valid yet (a clock set back)
      if (rrsig_seconds_until(get_u32(f + 8), static_cast<std::uint64_t>(now)) <= static_cast<std::int64_t>(refresh))
        continue;  // expiration
      return Reused{Bytes(rdata.begin(), rdata.end()), signature_fingerprint(rdata, content, key.dnskey_rdata)};
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<PreviousSignatures::AppendTarget> PreviousSignatures::append_target() const {
  if (version_ != index_version || !file_) return std::nullopt;
  return AppendTarget{file_.get(), file_->size()};
}

struct SignatureIndexWriter::Impl {
  std::string path;
  // A new file, or the previous index's, open for writing at `written`
  // (where it ended: a writer dropped before commit() cuts it back there),
  // whose entries stay where they are.
  std::optional<StagedFile> staged;
  int fd = -1;
  std::uint64_t start = 0;
  const PreviousOutput* in_place = nullptr;
  bool committed = false;
  std::uint64_t written = 0;  // appending: where the next write goes

  Bytes header;                                // written after the entries
  DigestStream seal{DigestType::SHA256};       // the magic, the header, the chunks, the footer
  std::uint64_t position = 0;  // the file offset of the next entry, buffered and pending ones counted
  std::uint64_t count = 0;
  Bytes buffer;
  // The chunk being written: where its entries began, and either the
  // digest of those added or the place of those taken over.
  std::uint64_t chunk_start = 0;
  std::uint64_t chunk_count_start = 0;
  DigestStream added{DigestType::SHA256};
  bool has_added = false;
  struct Taken {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
    ChunkDigest digest{};
  };
  std::optional<Taken> taken;
  // Entries copied from a previous index and not yet written: the carried
  // chunks of a stretch lie one after the other there too, and go over in
  // one copy instead of one per chunk.
  struct PendingCopy {
    const PreviousOutput* file = nullptr;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
  };
  std::optional<PendingCopy> pending;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (fd < 0) return;
    if (!committed && ::ftruncate(fd, static_cast<off_t>(start)) != 0) {
      // Left longer: the next run finds no footer at its end and reads the output.
    }
    ::close(fd);
  }

  Result<void> put(BytesView data) {
    if (staged) return staged->append(chars_of(data));
    while (!data.empty()) {
      const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(written));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return fail(Errc::io, "cannot write '" + path + "': " + std::strerror(errno));
      written += static_cast<std::uint64_t>(n);
      data = data.subspan(static_cast<std::size_t>(n));
    }
    return {};
  }
  Result<void> copy(const PendingCopy& p) {
    if (staged) return staged->append_copy(p.file->fd(), p.offset, p.size);
    Bytes piece;
    for (std::uint64_t done = 0; done < p.size;) {
      piece.resize(static_cast<std::size_t>(std::min<std::uint64_t>(p.size - done, std::uint64_t{1} << 22)));
      if (!p.file->read_exact(p.offset + done, std::span(reinterpret_cast<char*>(piece.data()), piece.size())))
        return fail(Errc::io, "cannot copy into '" + path + "': the previous index is shorter than it claims");
      if (auto r = put(piece); !r) return r;
      done += piece.size();
    }
    return {};
  }
  Result<void> flush() {
    auto r = put(buffer);
    buffer.clear();
    return r;
  }
  // Writes what was buffered, then the pending copy after it.
  Result<void> flush_all() {
    if (auto r = flush(); !r) return r;
    if (!pending) return {};
    const PendingCopy p = *pending;
    pending.reset();
    return copy(p);
  }
  Result<void> flush_if_full() { return buffer.size() >= (std::size_t{1} << 20) ? flush() : Result<void>{}; }
  ChunkDigest added_digest() {
    const Bytes d = added.finish();
    added = DigestStream(DigestType::SHA256);
    ChunkDigest out{};
    std::copy_n(d.begin(), out.size(), out.begin());
    return out;
  }
};

SignatureIndexWriter::SignatureIndexWriter(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
SignatureIndexWriter::SignatureIndexWriter(SignatureIndexWriter&&) noexcept = default;
SignatureIndexWriter::~SignatureIndexWriter() = default;

bool SignatureIndexWriter::appends() const noexcept { return impl_ && impl_->fd >= 0; }

namespace {

// The previous index's file at `path`, open for writing, when it is still
// the one `after` was read from, as large as it was then, and has no other
// name (a backup made with hard links keeps its copy as it was); -1
// otherwise.
int open_to_append(const std::string& path, const PreviousSignatures::AppendTarget& after) {
  struct stat was {}, now {};
  if (::fstat(after.file->fd(), &was) != 0 || static_cast<std::uint64_t>(was.st_size) != after.size) return -1;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return -1;
  if (::fstat(fd, &now) != 0 || now.st_dev != was.st_dev || now.st_ino != was.st_ino ||
      now.st_size != was.st_size || !S_ISREG(now.st_mode) || now.st_nlink != 1) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

Result<SignatureIndexWriter> SignatureIndexWriter::create(const std::string& index_path, const Name& origin,
                                                          const std::string& output_sha256,
                                                          const ContentDigest& signers,
                                                          const ContentDigest& denial,
                                                          std::span<const Bytes> dnskeys,
                                                          std::optional<PreviousSignatures::AppendTarget> after,
                                                          std::uint64_t live) {
  auto sha = from_hex(output_sha256);
  if (!sha || sha->size() != digest_size) return fail(Errc::internal, "the output's SHA-256 is not 64 hex digits");
  if (dnskeys.size() > 0xffff || std::ranges::any_of(dnskeys, [](const Bytes& k) { return k.size() > 0xffff; }))
    return fail(Errc::internal, "more DNSKEYs, or longer ones, than a signature index holds");
  auto impl = std::make_unique<Impl>();
  impl->path = index_path;
  Bytes& header = impl->header;
  const Name lower = origin.lowercased();
  put_u8(header, static_cast<std::uint8_t>(lower.wire().size()));
  put_bytes(header, lower.wire());
  put_bytes(header, *sha);
  put_bytes(header, signers);
  put_bytes(header, denial);
  put_u16(header, static_cast<std::uint16_t>(dnskeys.size()));
  for (const Bytes& k : dnskeys) {
    put_u16(header, static_cast<std::uint16_t>(k.size()));
    put_bytes(header, k);
  }
  if (header.size() > max_header_size) return fail(Errc::internal, "more DNSKEY data than a signature index holds");
  Bytes start;
  put_bytes(start, bytes_of(index_magic));
  put_u32(start, index_version);
  impl->seal.update(start);
  remove_stale_temp_files(index_path);
  // Appended while no more than half of the file would be dead.
  if (after && after->file && after->size >= start_size && live > 0 && live <= after->size - start_size &&
      after->size - start_size - live <= live)
    impl->fd = open_to_append(index_path, *after);
  if (impl->fd >= 0) {
    impl->in_place = after->file;
    impl->start = impl->written = impl->position = after->size;
  } else {
    auto file = StagedFile::create(index_path, 0644);
    if (!file) return std::unexpected(file.error());
    impl->staged.emplace(std::move(*file));
    impl->buffer = std::move(start);
    impl->position = start_size;
  }
  impl->chunk_start = impl->position;
  return SignatureIndexWriter(std::move(impl));
}

Result<void> SignatureIndexWriter::add(const ContentDigest& content, std::span<const BytesView> rrsigs) {
  // Counts and lengths are 16 bits in the file (RDATA never exceeds that).
  if (rrsigs.size() > 0xffff || std::ranges::any_of(rrsigs, [](BytesView r) { return r.size() > 0xffff; }))
    return fail(Errc::internal, "an RRset with more RRSIGs, or longer ones, than a signature index holds");
  if (impl_->taken) return fail(Errc::internal, "a chunk of the signature index with added and copied entries");
  if (impl_->pending)
    if (auto r = impl_->flush_all(); !r) return r;
  const std::size_t before = impl_->buffer.size();
  put_entry(impl_->buffer, content, rrsigs);
  const std::size_t added = impl_->buffer.size() - before;
  impl_->added.update(BytesView(impl_->buffer.data() + before, added));
  impl_->has_added = true;
  impl_->position += added;
  ++impl_->count;
  return impl_->flush_if_full();
}

Result<void> SignatureIndexWriter::copy_entries(const PreviousSignatures::EntriesSource& from) {
  if (impl_->has_added || impl_->taken)
    return fail(Errc::internal, "a chunk of the signature index with added and copied entries");
  if (!from.file) return fail(Errc::internal, "entries copied from no index file");
  impl_->count += from.count;
  if (from.file == impl_->in_place) {
    impl_->taken = Impl::Taken{from.offset, from.size, from.digest};
    return {};
  }
  impl_->taken = Impl::Taken{impl_->position, from.size, from.digest};
  impl_->position += from.size;
  auto& pending = impl_->pending;
  if (pending && pending->file == from.file && pending->offset + pending->size == from.offset) {
    pending->size += from.size;
    return {};
  }
  if (auto r = impl_->flush_all(); !r) return r;
  pending = Impl::PendingCopy{from.file, from.offset, from.size};
  return {};
}

Result<void> SignatureIndexWriter::end_chunk(IndexedChunk& chunk) {
  if (impl_->count - impl_->chunk_count_start > 0xffffffff)
    return fail(Errc::internal, "more entries in one chunk than a signature index holds");
  chunk.entries = static_cast<std::uint32_t>(impl_->count - impl_->chunk_count_start);
  if (impl_->taken) {
    chunk.entries_offset = impl_->taken->offset;
    chunk.entries_size = impl_->taken->size;
    chunk.entries_digest = impl_->taken->digest;
  } else {
    chunk.entries_offset = impl_->chunk_start;
    chunk.entries_size = impl_->position - impl_->chunk_start;
    chunk.entries_digest = impl_->added_digest();
  }
  impl_->taken.reset();
  impl_->has_added = false;
  impl_->chunk_start = impl_->position;
  impl_->chunk_count_start = impl_->count;
  return {};
}

Result<void> SignatureIndexWriter::commit(std::span<const IndexedChunk> chunks) {
  if (chunks.size() > 0xffffffff) return fail(Errc::internal, "more output chunks than a signature index holds");
  // The entries after the last chunk's: the footer's tail.
  if (impl_->taken) return fail(Errc::internal, "copied entries outside a chunk of the signature index");
  const std::uint64_t tail_at = impl_->chunk_start;
  const std::uint64_t tail_size = impl_->position - impl_->chunk_start;
  const ChunkDigest tail = impl_->added_digest();
  // The entries go out first, then the sealed part in one write: a run
  // killed between the two leaves a file whose end is no footer.
  if (auto r = impl_->flush_all(); !r) return r;
  const std::uint64_t header_at = impl_->position;
  Bytes& out = impl_->buffer;
  put_bytes(out, impl_->header);
  for (const IndexedChunk& chunk : chunks) {
    put_bytes(out, chunk.proof.records);
    put_bytes(out, chunk.unsigned_records);
    put_bytes(out, chunk.proof.text);
    put_bytes(out, chunk.entries_digest);
    put_u64(out, chunk.offset);
    put_u64(out, chunk.size);
    put_u64(out, chunk.entries_offset);
    put_u64(out, chunk.entries_size);
    put_u32(out, chunk.entries);
    put_u32(out, chunk.signatures);
    put_u32(out, chunk.earliest_expiration);
    put_u32(out, chunk.latest_inception);
  }
  put_u64(out, header_at);
  put_u64(out, impl_->header.size());
  put_u64(out, impl_->count);
  put_u32(out, static_cast<std::uint32_t>(chunks.size()));
  put_u64(out, tail_at);
  put_u64(out, tail_size);
  put_bytes(out, tail);
  impl_->seal.update(out);
  const Bytes seal = impl_->seal.finish();
  put_bytes(out, seal);
  if (auto r = impl_->flush(); !r) return r;
  // A cache: a file torn by a crash fails its seal or a digest, and the
  // next run reads the output instead. Not worth an fsync per run.
  if (impl_->fd >= 0) {
    impl_->committed = true;
    return {};
  }
  if (auto r = impl_->staged->finish_unsynced(); !r) return r;
  return impl_->staged->commit();
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
