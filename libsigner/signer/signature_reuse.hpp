// Signature reuse between runs: the RRSIGs of the previous signed output are
// kept for every RRset that has not changed, as long as they have more than
// the policy's refresh time left (RFC 6781 §4.4.2 "signature validity
// periods"; the "refresh"/"re-sign" interval of BIND and Knot). A zone signed
// every day with a 14-day validity then only re-signs what changed and the
// signatures nearing expiry, instead of everything: fewer signatures to make,
// smaller zone transfers (IXFR), and the expirations stay spread out by the
// jitter instead of all falling on one moment.
//
// Only signatures verified before are reused. The state file records the
// SHA-256 of each output after its full self-check; the signatures come from
// one of two places bound to that hash:
//   - the signature index (`signatures.index` in the zone's key folder), which the
//     run that wrote the output left beside its key state: each signed
//     RRset's content digest (rrset_content_digest) with its RRSIGs, the
//     output's DNSKEYs and the output's SHA-256, and the output's chunks
//     (signer/output_chunks.hpp), sealed by a SHA-256 over all but the
//     entries, each chunk's entries by a SHA-256 the sealed part records. It
//     holds no secret and is read without parsing any zone text, and only
//     the entries a run looks up are read, which is what makes a daily
//     re-sign of a large zone cheap;
//   - failing that (no index, another output's, damaged), the previous
//     output itself, parsed, if its bytes still have the recorded hash.
// A signature is reused only for an RRset with the same content digest
// (owner, type, TTL and RDATA set), made by a key whose DNSKEY RDATA is
// byte for byte the one it verified with. The self-check of the new output
// then checks everything again except the cryptography of those signatures
// (dnssec/verify.hpp VerifyOptions::verified, which find() feeds).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "dns/record.hpp"
#include "dnssec/rrsig.hpp"
#include "signer/output_chunks.hpp"
#include "signer/previous_output.hpp"

namespace zs {

// The signature index in a zone's key folder (KeyStore::folder()).
std::string signature_index_path(const std::string& zone_key_folder);

// The signatures of a previously signed zone, indexed by RRset content.
class PreviousSignatures {
 public:
  PreviousSignatures() = default;

  // Reads the signature index at `index_path` if it describes the output
  // whose SHA-256 (hex) the last run recorded as `verified_sha256`; nullopt
  // when there is none or it describes another output (a run that failed or
  // was killed after writing it, a state restored from a backup). A damaged
  // index, or one for another zone, is an error the caller may ignore. Either
  // way the caller falls back to load(). Of an index of version 5 or 6 only the
  // sealed part is read here: the entries wait for load_entries().
  static Result<std::optional<PreviousSignatures>> load_index(const std::string& index_path, const Name& origin,
                                                              const std::string& verified_sha256);

  // Reads the signed zone at `path` (the output of the previous run), whose
  // SHA-256 (hex) the last run recorded as `verified_sha256` after verifying
  // it in full. A missing file gives an empty index. A file without that
  // record, with other bytes, or that does not parse is an error the caller
  // may ignore (it then signs everything afresh).
  static Result<PreviousSignatures> load(const std::string& path, const Name& origin,
                                         const std::string& verified_sha256);

  struct Reused {
    Bytes rdata;              // the RRSIG RDATA
    SignatureFingerprint fingerprint;  // for VerifyOptions::verified
  };
  // A previous RRSIG over an RRset with content digest `content` and TTL
  // `ttl`, made by `key` for zone `origin`, valid at `now` and expiring more
  // than `refresh` after `now`; nullopt when the RRset must be signed again.
  // Safe to call from several threads at once.
  std::optional<Reused> find(const ContentDigest& content, std::uint32_t ttl, const Name& origin,
                             const SigningKey& key, UnixTime now, Duration refresh) const;

  // The entries find() looks in: every one of an index of version 1 and of
  // an output, those load_entries() read of an index of version 5 or 6.
  std::size_t rrset_count() const noexcept { return count_; }

  // Reads the entries of an index of version 5 or 6 for find(): those of `chunks`
  // (what take_chunks() gave) but the ones whose `skip` is set (chunks
  // carried over whole, whose signatures are not looked up), and those
  // after the last chunk. Each chunk's entries must have the digest the
  // sealed part records for them. Does nothing for other sources. Errors:
  // Errc::io (entries that do not match, a file that cannot be read); the
  // caller then reads the output instead.
  Result<void> load_entries(std::span<const IndexedChunk> chunks, std::span<const std::uint8_t> skip);

  // The chunks of the previous output (signer/output_chunks.hpp): proofs,
  // places and entries, from the index; none when it was read from the
  // output or from an index of version 1. Moved out.
  std::vector<IndexedChunk> take_chunks() noexcept { return std::move(chunks_); }
  // The signers digest of the run that wrote the index (signers_digest);
  // all zero when there is none.
  const ContentDigest& signers() const noexcept { return signers_; }
  // The denial digest (dnssec/verify.hpp) of the zone whose output passed
  // the checks; all zero when there is none.
  const ContentDigest& denial() const noexcept { return denial_; }
  // The previous output's DNSKEY RDATAs.
  const std::vector<Bytes>& dnskeys() const noexcept { return dnskeys_; }

  // Where a chunk's entries lie in the index file, to be copied into the
  // next index unread (SignatureIndexWriter::copy_entries) with the digest
  // recorded for them; nullopt when the index was not read from a version 5 or 6
  // file or the range lies outside its entries.
  struct EntriesSource {
    const PreviousOutput* file = nullptr;
    std::uint64_t offset = 0;  // in the file
    std::uint64_t size = 0;
    std::uint32_t count = 0;
    ChunkDigest digest{};
  };
  std::optional<EntriesSource> entries_of(const IndexedChunk& chunk) const;

  // The index file this was read from, open, and its size then, when the
  // next index may be appended to it (version 6): the entries of the chunks
  // it carries then stay where they are.
  struct AppendTarget {
    const PreviousOutput* file = nullptr;
    std::uint64_t size = 0;
  };
  std::optional<AppendTarget> append_target() const;

  // The header of an index file, as its reader sees it (signature_reuse.cpp).
  struct Header;

 private:
  // Entries in the index file's layout (see signature_reuse.cpp), in
  // data_[begin_, end_), found by open addressing on their content digest.
  std::string data_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t count_ = 0;
  std::vector<std::uint64_t> table_;  // offset into entries_ + 1; 0 for an empty slot
  std::vector<Bytes> dnskeys_;        // the previous output's DNSKEY RDATAs
  std::vector<IndexedChunk> chunks_;
  ContentDigest signers_{};
  ContentDigest denial_{};
  // An index of version 5 or 6: its file, where its entries lie in it
  // (version 6: offsets are the file's), how many there are in all, and
  // where those after the last chunk lie, with their digest.
  std::unique_ptr<PreviousOutput> file_;
  std::uint64_t entries_at_ = 0;
  std::uint64_t entries_size_ = 0;
  std::uint64_t entries_total_ = 0;
  std::uint64_t tail_at_ = 0;  // the entries after the last chunk's
  std::uint64_t tail_size_ = 0;
  ChunkDigest tail_digest_{};
  std::uint32_t version_ = 0;

  Result<void> index_entries();
  // Whether [offset, offset + size) lies among the entries of the file.
  bool holds_entries(std::uint64_t offset, std::uint64_t size) const noexcept;
  // The header of an index file (signature_reuse.cpp, where it is read):
  // taken into this index when it is for `origin` and describes the output
  // on record (true); false for another output; an error for another zone.
  Result<bool> take_header(const Header& header, const Name& origin, const std::string& verified_sha256,
                           const std::string& index_path);
  // Versions 1 and 4: the whole file, sealed as one, all entries read.
  static Result<std::optional<PreviousSignatures>> load_whole(const std::string& index_path, const Name& origin,
                                                              const std::string& verified_sha256,
                                                              std::uint32_t version);
};

// Writes the signature index of a signed zone: add() each signed RRset (or
// copy_entries() a chunk's from the previous index) in zone order, calling
// end_chunk() after each chunk's, then commit() with the output's chunks
// ends it: appended to the previous index's file, or a new file renamed
// into place. It is a cache, not a record: losing it, a failure to write it
// or a kill while it is appended costs the next run a parse of the output,
// nothing else. A writer dropped before commit() cuts the file back.
class SignatureIndexWriter {
 public:
  // `output_sha256` (hex) is the SHA-256 of the output the index describes;
  // `signers` the signers digest of the run that wrote it (signers_digest);
  // `denial` the denial digest of its zone, whose check passed (all zero:
  // none); `dnskeys` its DNSKEY RDATAs.
  // With `after` (PreviousSignatures::append_target), the index is appended
  // to that file, in place, when it is still the file at `index_path`, as
  // large as it was, and no more than half of it would be dead once the
  // `live` bytes of entries the new index takes over from it are counted;
  // entries copied from it (copy_entries) then stay where they are. Else a
  // file is written afresh and renamed into place.
  static Result<SignatureIndexWriter> create(const std::string& index_path, const Name& origin,
                                             const std::string& output_sha256, const ContentDigest& signers,
                                             const ContentDigest& denial, std::span<const Bytes> dnskeys,
                                             std::optional<PreviousSignatures::AppendTarget> after = std::nullopt,
                                             std::uint64_t live = 0);
  // Whether the index goes after the previous one in its file.
  bool appends() const noexcept;
  SignatureIndexWriter(SignatureIndexWriter&&) noexcept;
  SignatureIndexWriter& operator=(SignatureIndexWriter&&) = delete;
  ~SignatureIndexWriter();

  // One signed RRset: its content digest and the RRSIG RDATAs over it.
  Result<void> add(const ContentDigest& content, std::span<const BytesView> rrsigs);
  // A chunk's entries as a previous index holds them
  // (PreviousSignatures::entries_of), taken over unread with their digest:
  // the run that reads them checks it. Pointed to where they are when the
  // index is appended to their file, else copied.
  Result<void> copy_entries(const PreviousSignatures::EntriesSource& from);
  // Ends a chunk's entries: those added or copied since the last call (or
  // create()), whose place, number and digest go into `chunk`. Errors:
  // Errc::internal for a chunk with both added and copied entries.
  Result<void> end_chunk(IndexedChunk& chunk);
  // `chunks`: the output's, with the proofs that the gate's read-back made
  // (signer/output_gate.hpp) and their entries' places.
  Result<void> commit(std::span<const IndexedChunk> chunks = {});

 private:
  struct Impl;
  explicit SignatureIndexWriter(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// The expiration of the signatures over one RRset: now + validity, minus an
// offset in [0, jitter] derived from the owner and type. The offset is a hash,
// not a random number, so a run is reproducible, yet the expirations of a
// large zone spread evenly over the jitter window (and so do its re-signings).
UnixTime jittered_expiration(const Name& owner, RrType type, UnixTime now, Duration validity, Duration jitter);

}  // namespace zs
