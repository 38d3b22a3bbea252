// The gate between signing and publishing (ARCHITECTURE.md, data flow steps
// 8 and 9): the signed zone is streamed into a staged file beside its target
// and hashed as it goes out; the file is read back piece by piece through the
// zone-file parser and compared record by record with the zone in memory;
// that zone then passes verify_zone (denial chain, key rules, coverage,
// times), whose signature checks the signer answers for its own
// deterministic signatures by making them again (ResigningProver) instead of
// verifying them. Nothing is renamed into place unless all of it passes.
// docs/architecture.md ("Self-check") says why this proves as much as a
// second full verification of the file.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/keys.hpp"
#include "dns/name.hpp"
#include "dnssec/verify.hpp"
#include "signer/output_chunks.hpp"
#include "zone/zone.hpp"

namespace zs {

// A key this run signs with, as the prover uses it.
struct ProverKey {
  const PrivateKey* key = nullptr;  // shared read-only between sessions
  Bytes dnskey_rdata;               // the DNSKEY that the output publishes for it
};

// Proves a signature by making it again: for a key of this run whose
// algorithm signs deterministically and verifies more slowly than it signs
// (ECDSA with RFC 6979 nonces, Ed25519, Ed448; not RSA, which verifies 16
// times faster than it signs), a signature equal, byte for byte, to the one
// the private key makes over the signed data is the one the signing meant
// to make. The first signature a session proves with a key is also verified
// against the published DNSKEY's public key, which ties the private key to
// that DNSKEY: a wrong or damaged private key reproduces its own wrong
// signatures, and is caught there. Anything else (another key, RSA, a
// signature that does not reproduce, every signature of a key in a PKCS#11
// token) is left to verification: nullopt.
class ResigningProver final : public SignatureProver {
 public:
  explicit ResigningProver(std::vector<ProverKey> keys);
  ~ResigningProver() override;
  std::unique_ptr<Session> session() const override;

  // Whether signatures of `alg` are proven by making them again.
  static bool resigns(Algorithm alg) noexcept;

  struct Key;

 private:
  std::vector<Key> keys_;
};

// Where the text of a chunk can be taken from elsewhere (the previous
// output): `size` bytes at `offset`.
struct CopyRange {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// The file open as `fd` (PreviousOutput), and for chunk `index` the range of
// it that holds the chunk's text, or nullopt to have the chunk rendered.
// `range` is called from the writing threads at once. What it gives is not
// trusted: the read-back checks every chunk alike.
struct ChunkSource {
  int fd = -1;
  std::function<std::optional<CopyRange>(std::size_t index)> range;
  int direct_fd = -1;  // the same file with O_DIRECT, if it could be had
  explicit operator bool() const noexcept { return fd >= 0 && range; }
};

// The chunks of an output as write_signed_zone places them, for a read-back
// that follows the writing on another thread (StagedFile::read_following).
class ChunkFeed {
 public:
  ChunkFeed() = default;
  // Already closed, with every chunk of `chunks`.
  explicit ChunkFeed(std::span<const OutputChunk> chunks);
  // The writer: chunk after chunk, then close(), on every way out.
  void push(const OutputChunk& chunk);
  void close() noexcept;
  // The reader: chunk `index` once it is pushed; nullopt once the feed is
  // closed without it.
  std::optional<OutputChunk> wait(std::size_t index) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<OutputChunk> chunks_;
  bool closed_ = false;
};

// write_signed_zone chunk by chunk: chunk c holds nodes [ends[c-1], ends[c])
// (chunk_ends), copied by the kernel from `source` when it gives a range
// (StagedFile::append_copy, unread by this process), else rendered; the
// bytes are the same either way when the source is right. Fills `chunks`
// with where each went in the file and `copied` with the bytes taken from
// `source`. The file is written out but neither hashed nor synced
// (StagedFile::write_out): the caller hashes what the file holds
// (output_sha256) and syncs it, beside the read-back, before committing it.
// Each chunk also goes to `feed` when there is one, as it is placed (the
// caller closes it). Errors: Errc::io.
Result<void> write_signed_zone(const Zone& zone, StagedFile& staged, unsigned threads,
                               std::span<const std::size_t> ends, const ChunkSource& source,
                               std::vector<OutputChunk>& chunks, std::uint64_t& copied, ChunkFeed* feed = nullptr);

// Reads at most `out.size()` bytes at `offset` of what was written; returns
// how many (0 at its end). StagedFile::read_at, or a string for --output -.
using ReadAt = std::function<Result<std::size_t>(std::uint64_t offset, std::span<char> out)>;

// The SHA-256, in hex as the key state records it, of all that `read` gives
// from offset 0 to its end. Errors: those of `read`.
Result<std::string> output_sha256(const ReadAt& read);

// Reads a file once, front to back, for two consumers on two threads: run()
// reads it in windows and makes output_sha256's digest of it, and hands each
// window on to read(), which serves one reader whose reads follow each other
// (check_read_back with a ChunkFeed). The read-back of a large output is
// bounded by the disk and by its two SHA-256 passes (the whole file's, the
// chunks'): so the file is read once, and the passes run side by side. At
// most `windows` windows of 4 MiB are held at once.
class ReadBackTee {
 public:
  explicit ReadBackTee(ReadAt source, std::size_t windows = 4);
  ReadBackTee(const ReadBackTee&) = delete;
  ReadBackTee& operator=(const ReadBackTee&) = delete;
  ~ReadBackTee();
  // Reads the source to its end. Errors: those of the source; Errc::internal
  // when the reader stopped first.
  Result<std::string> run();
  // Reads at most `out.size()` bytes at `offset`, at or past the end of the
  // last read; 0 at the end of the file. Errors: those of run()'s reads;
  // Errc::internal for a read before the last one's end.
  Result<std::size_t> read(std::uint64_t offset, std::span<char> out);
  // The reader is done (it calls this on every way out), or the read-back is
  // called off: run() stops, and read() fails from then on unless run()
  // had already reached the end.
  void stop() noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Writes `zone` (zonefile/writer.hpp) into `staged` (created, empty) and
// finishes it (fsync). Returns the SHA-256 of the bytes written, in hex, as
// the key state records it; the text is rendered on `threads` threads. With
// `node_ends`, fills it with the offset after each node's text (for
// output_chunks). Errors: Errc::io.
Result<std::string> write_signed_zone(const Zone& zone, StagedFile& staged, unsigned threads = 1,
                                      std::vector<std::uint64_t>* node_ends = nullptr);

// Reads the written text back in pieces of about `piece_bytes` (whole lines;
// a longer line grows the piece to hold it) through the zone-file parser, and
// compares each record with the zone's, in the writer's order: owner wire form
// (spelling included), type, class, TTL and RDATA bytes. Errors:
// Errc::internal when the text does not parse; Errc::verify for a record
// that differs, one missing, or one too many (at its line).
Result<void> check_read_back(const Zone& zone, const ReadAt& read, const Name& origin,
                             std::size_t piece_bytes = std::size_t{4} << 20);

// How much of the output check_read_back parsed, and how much it took over
// from the proofs of an earlier run.
struct ReadBackCounts {
  std::uint64_t bytes_parsed = 0;
  std::uint64_t bytes_proven = 0;
};

// check_read_back chunk by chunk (signer/output_chunks.hpp): for each chunk
// the records digest of its nodes and the SHA-256 of its bytes as read from
// the file; a chunk whose pair `proven` holds is taken as read back, every
// other one is parsed on its own and compared with its own nodes' records.
// A line that starts with '$' (a directive, which the writer never writes,
// and which would carry state from one chunk into the next) fails the
// check. Returns the proof of every chunk, for the next run. Errors as
// check_read_back above; Errc::internal for chunks that do not tile the
// zone and the text.
//
// `carried` (empty, or one per chunk) names the chunks that a re-sign copied
// whole from the previous output without holding their signatures in the
// zone: such a chunk passes only when its bytes are, by SHA-256, the ones
// that run proved for it (IndexedChunk::proof.text); it is not parsed, and
// its proof is the one that run recorded.
Result<std::vector<ChunkProof>> check_read_back(const Zone& zone, const ReadAt& read, const Name& origin,
                                                std::span<const OutputChunk> chunks, const ProvenChunks& proven,
                                                ReadBackCounts* counts = nullptr,
                                                std::span<const IndexedChunk* const> carried = {});
// The same for an output being written: the chunks come from `feed` as the
// writer places them, and `read` waits for their bytes (ReadBackTee, over
// StagedFile::read_following), so the read-back runs beside the writing.
// `read` is called with reads that follow each other only.
Result<std::vector<ChunkProof>> check_read_back(const Zone& zone, const ReadAt& read, const Name& origin,
                                                const ChunkFeed& feed, const ProvenChunks& proven,
                                                ReadBackCounts* counts = nullptr,
                                                std::span<const IndexedChunk* const> carried = {});

struct GateOptions {
  UnixTime now = 0;
  unsigned threads = 1;
  // Signatures kept from the previous output (signer/signature_reuse.hpp).
  const VerifiedSignatures* verified = nullptr;
  // Usually a ResigningProver; null verifies every signature.
  const SignatureProver* prover = nullptr;
  // VerifyOptions::carried_nodes and denial_proven.
  std::span<const std::uint8_t> carried_nodes{};
  bool denial_proven = false;
};

// verify_zone over the zone, warnings included. Returns the report (for its
// counts). Errors: Errc::verify listing the first 20 problems.
Result<VerifyReport> check_signed_zone(const Zone& zone, const GateOptions& options);

}  // namespace zs
