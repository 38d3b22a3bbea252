// The signed output cut into chunks of whole nodes, so that the gate's
// read-back (signer/output_gate.hpp) can take over what an earlier run
// already proved instead of parsing the whole file again.
//
// A chunk ends after a node whose lower-case owner name hashes to a chosen
// residue (or after 1,024 nodes): its boundaries depend on the names alone,
// not on positions, so a record changed, added or removed moves only the
// chunk around it, and an unchanged stretch of the zone gives the same
// chunks run after run.
//
// What a chunk proof says: the bytes whose SHA-256 is `text`, read through
// the zone-file parser on their own, gave exactly the records whose digest
// is `records` (chunk_records_digest: owner with its spelling, type, TTL and
// RDATA of each record, in the writer's order). The gate records one per
// chunk of every output it passes, in the signature index; the next run
// that finds the same pair for a chunk of its own output (records digested
// from its zone, text hashed from its staged file) knows what parsing them
// would give, and parses only the other chunks. docs/architecture.md
// ("Self-check") says why that proves as much as reading everything back.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "zone/zone.hpp"

namespace zs {

using ChunkDigest = std::array<std::uint8_t, 32>;  // SHA-256

// Nodes [first_node, end_node) of a zone, written at bytes [offset,
// offset + size) of the output.
struct OutputChunk {
  std::size_t first_node = 0;
  std::size_t end_node = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// Where the chunks of `zone`'s output end: for each chunk, the index of the
// node after its last. They depend on the owner names alone.
std::vector<std::size_t> chunk_ends(const Zone& zone);

// The chunks of `zone`'s output, from `node_ends` (write_zone: the byte
// offset after each node's text, one per node). They cover every node and
// every byte, in order.
std::vector<OutputChunk> output_chunks(const Zone& zone, std::span<const std::uint64_t> node_ends);

// SHA-256 over the records the writer writes for nodes [first, end)
// (zonefile/writer.hpp OutputOrder): for each, the owner's wire form as
// spelt, type, TTL, RDATA, each length-prefixed. Class is always IN.
ChunkDigest chunk_records_digest(const Zone& zone, std::size_t first, std::size_t end);

// chunk_records_digest of each chunk that `ends` (chunk_ends) describes,
// on `threads` threads.
std::vector<ChunkDigest> chunk_records_digests(const Zone& zone, std::span<const std::size_t> ends,
                                               unsigned threads);

struct ChunkProof {
  ChunkDigest records{};
  ChunkDigest text{};
  friend auto operator<=>(const ChunkProof&, const ChunkProof&) = default;
};

// A chunk of an output as the signature index records it: its proof, where
// its bytes lie in that output (which a re-sign may copy them from), and
// what a re-sign needs to carry it over whole without signing or checking
// its nodes again (signer/sign_zone.cpp, docs/architecture.md "Carried
// chunks").
struct IndexedChunk {
  ChunkProof proof;
  // chunk_unsigned_digest: the chunk's records without its RRSIGs.
  ChunkDigest unsigned_records{};
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  // Its signed RRsets' entries in the same index: `entries` of them in
  // bytes [entries_offset, entries_offset + entries_size) of the entries.
  std::uint64_t entries_offset = 0;
  std::uint64_t entries_size = 0;
  std::uint32_t entries = 0;
  // SHA-256 of those entry bytes: the index's seal does not cover them.
  ChunkDigest entries_digest{};
  // Its RRSIGs: how many, the earliest expiration and the latest inception
  // (RRSIG times, RFC 4034 §3.1.5; both 0 when it has none).
  std::uint32_t signatures = 0;
  std::uint32_t earliest_expiration = 0;
  std::uint32_t latest_inception = 0;
};

// SHA-256 over the records of nodes [first, end) but their RRSIGs, as
// chunk_records_digest takes them, each with its node's kind (NodeKind: an
// ancestor elsewhere decides it, and it decides what is signed): what a
// chunk holds before it is signed, and what its signatures depend on
// besides the keys.
ChunkDigest chunk_unsigned_digest(const Zone& zone, std::size_t first, std::size_t end);

// chunk_unsigned_digest of each chunk that `ends` describes, on `threads`
// threads.
std::vector<ChunkDigest> chunk_unsigned_digests(const Zone& zone, std::span<const std::size_t> ends,
                                                unsigned threads);

// The RRSIGs of nodes [first, end): IndexedChunk::signatures,
// earliest_expiration and latest_inception, in serial-number order around
// `now` (RFC 4034 §3.1.5).
struct ChunkSignatureTimes {
  std::uint32_t signatures = 0;
  std::uint32_t earliest_expiration = 0;
  std::uint32_t latest_inception = 0;
};
ChunkSignatureTimes chunk_signature_times(const Zone& zone, std::size_t first, std::size_t end,
                                          std::uint32_t now);

// The chunk proofs a previous run recorded, looked up by pair.
class ProvenChunks {
 public:
  ProvenChunks() = default;
  explicit ProvenChunks(std::vector<ChunkProof> proofs);
  bool contains(const ChunkProof& proof) const noexcept;
  std::size_t size() const noexcept { return proofs_.size(); }
  bool empty() const noexcept { return proofs_.empty(); }

 private:
  std::vector<ChunkProof> proofs_;  // sorted, unique
};

}  // namespace zs
