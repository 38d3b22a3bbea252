#include "signer/signature_reuse.hpp"

#include <algorithm>
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
//   "ZSSIGIDX", u32 version (4)
//   u8 length, the origin's lower-case wire form
//   32 octets: the SHA-256 of the output it describes
//   32 octets: the signers digest of the run that wrote it (signers_digest)
//   32 octets: the denial digest of that output's zone (dnssec/verify.hpp)
//   u16 count, then each DNSKEY RDATA of that output as u16 length + octets
//   entries, one per signed RRset, in zone order:
//     32 octets content digest, u16 count, each RRSIG RDATA as u16 length + octets
//   the chunks of that output (output_chunks.hpp IndexedChunk), in order,
//     chunk_record_size octets each: records digest, unsigned digest and
//     text digest (32 octets each); u64 offset, size, entries offset,
//     entries size; u32 entries, signatures, earliest expiration, latest
//     inception
//   footer: u64 number of entries, u32 number of chunks, then 32 octets:
//     SHA-256 of all that precedes
// The seal makes a torn or altered file fail as a whole; the bounds checks
// below still hold for any bytes, sealed or not (test/fuzz).
namespace {

constexpr std::string_view index_magic = "ZSSIGIDX";
// Version 1 (main before chunks: no signers digest, no chunks) still serves
// its signatures. Versions 2 and 3 lived on the resign8 branch only: they
// read as unknown, and the run reads the previous output instead, once.
constexpr std::uint32_t index_version = 4;
constexpr std::size_t digest_size = 32;
constexpr std::size_t footer_size = 8 + 4 + digest_size;
constexpr std::size_t footer_size_v1 = 8 + digest_size;
constexpr std::size_t chunk_record_size = 3 * 32 + 4 * 8 + 4 * 4;

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
    BytesView skip;
    std::size_t sigs = 0;
    if (!c.take(digest_size, skip) || !c.u16(sigs)) return fail(Errc::io, "entry cut short");
    for (std::size_t i = 0; i < sigs; ++i) {
      std::size_t len = 0;
      if (!c.u16(len) || !c.take(len, skip)) return fail(Errc::io, "entry cut short");
    }
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

Result<std::optional<PreviousSignatures>> PreviousSignatures::load_index(const std::string& index_path,
                                                                         const Name& origin,
                                                                         const std::string& verified_sha256) {
  std::error_code ec;
  if (verified_sha256.empty() || !std::filesystem::is_regular_file(index_path, ec)) return std::nullopt;
  PreviousSignatures index;
  auto text = read_file(index_path);
  if (!text) return std::unexpected(text.error());
  index.data_ = std::move(*text);
  const std::string_view data = index.data_;
  const auto* base = reinterpret_cast<const std::uint8_t*>(data.data());
  if (data.size() < index_magic.size() + footer_size_v1 || !data.starts_with(index_magic))
    return std::unexpected(index_error(index_path, "is not a signature index"));
  const std::size_t sealed = data.size() - digest_size;
  const Bytes seal = digest(DigestType::SHA256, BytesView(base, sealed));
  if (!std::equal(seal.begin(), seal.end(), base + sealed))
    return std::unexpected(index_error(index_path, "is damaged (its seal does not match)"));

  std::uint32_t version = 0;
  if (Cursor v(data, index_magic.size(), sealed); !v.u32(version) || (version != index_version && version != 1))
    return std::unexpected(index_error(index_path, "has an unknown version"));
  // Version 1 has no chunks and a shorter footer.
  const std::size_t footer = version == 1 ? footer_size_v1 : footer_size;
  if (data.size() < index_magic.size() + 4 + footer) return std::unexpected(index_error(index_path, "is cut short"));
  const std::size_t entries_count_at = data.size() - footer;
  std::uint64_t chunk_count = 0;
  if (version != 1) chunk_count = get_u32(base + entries_count_at + 8);
  if (chunk_count > (entries_count_at - index_magic.size() - 4) / chunk_record_size)
    return std::unexpected(index_error(index_path, "is cut short"));
  const std::size_t chunks_at = entries_count_at - chunk_count * chunk_record_size;

  Cursor c(data, index_magic.size() + 4, chunks_at);
  BytesView origin_wire, output_sha, signers, denial, key;
  std::size_t origin_len = 0, keys = 0;
  BytesView len_byte;
  if (!c.take(1, len_byte)) return std::unexpected(index_error(index_path, "is cut short"));
  origin_len = len_byte[0];
  if (!c.take(origin_len, origin_wire) || !c.take(digest_size, output_sha) ||
      (version != 1 && (!c.take(digest_size, signers) || !c.take(digest_size, denial))) || !c.u16(keys))
    return std::unexpected(index_error(index_path, "is cut short"));
  const Name lower = origin.lowercased();
  if (!std::ranges::equal(origin_wire, lower.wire()))
    return std::unexpected(index_error(index_path, "is for another zone"));
  if (to_hex(output_sha) != verified_sha256) return std::nullopt;
  if (version != 1) {
    std::copy(signers.begin(), signers.end(), index.signers_.begin());
    std::copy(denial.begin(), denial.end(), index.denial_.begin());
  }
  for (std::size_t i = 0; i < keys; ++i) {
    std::size_t len = 0;
    if (!c.u16(len) || !c.take(len, key)) return std::unexpected(index_error(index_path, "is cut short"));
    index.dnskeys_.emplace_back(key.begin(), key.end());
  }
  index.begin_ = c.at();
  index.end_ = chunks_at;
  if (auto r = index.index_entries(); !r) return std::unexpected(index_error(index_path, r.error().message));
  if (get_u64(base + entries_count_at) != index.count_)
    return std::unexpected(index_error(index_path, "does not hold the number of entries it claims"));
  const std::uint64_t entries_size = index.end_ - index.begin_;
  for (std::size_t at = chunks_at; at < entries_count_at; at += chunk_record_size) {
    const std::uint8_t* r = base + at;
    IndexedChunk& chunk = index.chunks_.emplace_back();
    std::copy_n(r, digest_size, chunk.proof.records.begin());
    std::copy_n(r + 32, digest_size, chunk.unsigned_records.begin());
    std::copy_n(r + 64, digest_size, chunk.proof.text.begin());
    chunk.offset = get_u64(r + 96);
    chunk.size = get_u64(r + 104);
    chunk.entries_offset = get_u64(r + 112);
    chunk.entries_size = get_u64(r + 120);
    chunk.entries = get_u32(r + 128);
    chunk.signatures = get_u32(r + 132);
    chunk.earliest_expiration = get_u32(r + 136);
    chunk.latest_inception = get_u32(r + 140);
    if (chunk.entries_offset > entries_size || chunk.entries_size > entries_size - chunk.entries_offset)
      return std::unexpected(index_error(index_path, "holds a chunk whose entries lie outside it"));
  }
  return std::optional<PreviousSignatures>(std::move(index));
}

std::optional<PreviousSignatures::RawEntries> PreviousSignatures::raw_entries(const IndexedChunk& chunk) const {
  // Bounds were checked when the index was read; a chunk from elsewhere
  // is checked here.
  const std::size_t size = end_ - begin_;
  if (chunk.entries_offset > size || chunk.entries_size > size - chunk.entries_offset) return std::nullopt;
  const auto* base = reinterpret_cast<const std::uint8_t*>(data_.data()) + begin_;
  return RawEntries{BytesView(base + chunk.entries_offset, chunk.entries_size), chunk.entries};
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

struct SignatureIndexWriter::Impl {
  explicit Impl(StagedFile f) : file(std::move(f)) {}
  StagedFile file;
  DigestStream seal{DigestType::SHA256};
  std::uint64_t count = 0;
  std::uint64_t entries_bytes = 0;  // written or buffered after the header
  Bytes buffer;

  Result<void> flush() {
    seal.update(buffer);
    auto r = file.append(chars_of(buffer));
    buffer.clear();
    return r;
  }
  Result<void> flush_if_full() { return buffer.size() >= (std::size_t{1} << 20) ? flush() : Result<void>{}; }
};

SignatureIndexWriter::SignatureIndexWriter(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
SignatureIndexWriter::SignatureIndexWriter(SignatureIndexWriter&&) noexcept = default;
SignatureIndexWriter::~SignatureIndexWriter() = default;

Result<SignatureIndexWriter> SignatureIndexWriter::create(const std::string& index_path, const Name& origin,
                                                          const std::string& output_sha256,
                                                          const ContentDigest& signers,
                                                          const ContentDigest& denial,
                                                          std::span<const Bytes> dnskeys) {
  auto sha = from_hex(output_sha256);
  if (!sha || sha->size() != digest_size) return fail(Errc::internal, "the output's SHA-256 is not 64 hex digits");
  if (dnskeys.size() > 0xffff || std::ranges::any_of(dnskeys, [](const Bytes& k) { return k.size() > 0xffff; }))
    return fail(Errc::internal, "more DNSKEYs, or longer ones, than a signature index holds");
  remove_stale_temp_files(index_path);
  auto file = StagedFile::create(index_path, 0644);
  if (!file) return std::unexpected(file.error());
  auto impl = std::make_unique<Impl>(std::move(*file));
  Bytes& out = impl->buffer;
  put_bytes(out, bytes_of(index_magic));
  put_u32(out, index_version);
  const Name lower = origin.lowercased();
  put_u8(out, static_cast<std::uint8_t>(lower.wire().size()));
  put_bytes(out, lower.wire());
  put_bytes(out, *sha);
  put_bytes(out, signers);
  put_bytes(out, denial);
  put_u16(out, static_cast<std::uint16_t>(dnskeys.size()));
  for (const Bytes& k : dnskeys) {
    put_u16(out, static_cast<std::uint16_t>(k.size()));
    put_bytes(out, k);
  }
  return SignatureIndexWriter(std::move(impl));
}

Result<void> SignatureIndexWriter::add(const ContentDigest& content, std::span<const BytesView> rrsigs) {
  // Counts and lengths are 16 bits in the file (RDATA never exceeds that).
  if (rrsigs.size() > 0xffff || std::ranges::any_of(rrsigs, [](BytesView r) { return r.size() > 0xffff; }))
    return fail(Errc::internal, "an RRset with more RRSIGs, or longer ones, than a signature index holds");
  const std::size_t before = impl_->buffer.size();
  put_entry(impl_->buffer, content, rrsigs);
  impl_->entries_bytes += impl_->buffer.size() - before;
  ++impl_->count;
  return impl_->flush_if_full();
}

Result<void> SignatureIndexWriter::add_raw(const PreviousSignatures::RawEntries& entries) {
  put_bytes(impl_->buffer, entries.bytes);
  impl_->entries_bytes += entries.bytes.size();
  impl_->count += entries.count;
  return impl_->flush_if_full();
}

std::uint64_t SignatureIndexWriter::entries_bytes() const noexcept { return impl_->entries_bytes; }
std::uint64_t SignatureIndexWriter::entries() const noexcept { return impl_->count; }

Result<void> SignatureIndexWriter::commit(std::span<const IndexedChunk> chunks) {
  if (chunks.size() > 0xffffffff) return fail(Errc::internal, "more output chunks than a signature index holds");
  for (const IndexedChunk& chunk : chunks) {
    Bytes& out = impl_->buffer;
    put_bytes(out, chunk.proof.records);
    put_bytes(out, chunk.unsigned_records);
    put_bytes(out, chunk.proof.text);
    put_u64(out, chunk.offset);
    put_u64(out, chunk.size);
    put_u64(out, chunk.entries_offset);
    put_u64(out, chunk.entries_size);
    put_u32(out, chunk.entries);
    put_u32(out, chunk.signatures);
    put_u32(out, chunk.earliest_expiration);
    put_u32(out, chunk.latest_inception);
    if (auto r = impl_->flush_if_full(); !r) return r;
  }
  put_u64(impl_->buffer, impl_->count);
  put_u32(impl_->buffer, static_cast<std::uint32_t>(chunks.size()));
  if (auto r = impl_->flush(); !r) return r;
  const Bytes seal = impl_->seal.finish();
  if (auto r = impl_->file.append(chars_of(seal)); !r) return r;
  // A cache: a file torn by a crash fails its seal, and the next run reads
  // the output instead. Not worth an fsync of a few hundred MB per run.
  if (auto r = impl_->file.finish_unsynced(); !r) return r;
  return impl_->file.commit();
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
