#include "signer/output_chunks.hpp"

#include <algorithm>
#include <optional>

#include "core/bytes.hpp"
#include "core/parallel.hpp"
#include "crypto/keys.hpp"
#include "dns/name.hpp"
#include "dnssec/rrsig.hpp"
#include "zonefile/writer.hpp"

namespace zs {

namespace {

// About one node in 64 ends a chunk: some 20 KiB of text each, so a
// million-name zone has about 30,000 chunks (2 MB of proofs in the index)
// and a change costs the parse of about 64 nodes.
constexpr std::uint64_t boundary_mask = 63;
// A bound on a chunk whose names never hit the residue, counted from the
// chunk's start, so it too depends on the names alone.
constexpr std::size_t max_chunk_nodes = 1024;

bool ends_chunk(const Name& owner) noexcept {
  // FNV-1a over the lower-case wire form: cheap, and spread well enough to
  // cut evenly (nothing here needs a cryptographic hash).
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::uint8_t b : owner.wire()) {
    h ^= ascii_lower(b);
    h *= 0x100000001b3ull;
  }
  return (h & boundary_mask) == 0;
}

}  // namespace

std::vector<std::size_t> chunk_ends(const Zone& zone) {
  std::vector<std::size_t> ends;
  const auto& nodes = zone.nodes();
  // Each owner's hash on its own, on a few threads in a large zone.
  std::vector<std::uint8_t> ending(nodes.size());
  for_each_index(nodes.size(), [&](std::size_t n) { ending[n] = ends_chunk(nodes[n].owner) ? 1 : 0; });
  std::size_t first = 0;
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    if (n + 1 < nodes.size() && n + 1 - first < max_chunk_nodes && !ending[n]) continue;
    ends.push_back(n + 1);
    first = n + 1;
  }
  return ends;
}

std::vector<OutputChunk> output_chunks(const Zone& zone, std::span<const std::uint64_t> node_ends) {
  std::vector<OutputChunk> chunks;
  if (node_ends.size() != zone.nodes().size()) return chunks;
  std::size_t first = 0;
  std::uint64_t offset = 0;
  for (std::size_t end : chunk_ends(zone)) {
    chunks.push_back(OutputChunk{first, end, offset, node_ends[end - 1] - offset});
    first = end;
    offset = node_ends[end - 1];
  }
  return chunks;
}

namespace {

// One record of a chunk digest's stream. With `kind` (the unsigned digest):
// what is signed at a node depends on its kind too, which an ancestor
// elsewhere in the zone decides (a delegation above makes its data glue),
// so the same records under another kind need other RRSIGs.
void put_record(Bytes& data, BytesView owner, std::optional<NodeKind> kind, RrType type, std::uint32_t ttl,
                BytesView rdata) {
  put_u16(data, static_cast<std::uint16_t>(owner.size()));
  put_bytes(data, owner);
  if (kind) put_u8(data, static_cast<std::uint8_t>(*kind));
  put_u16(data, to_u16(type));
  put_u32(data, ttl);
  // RDATA is at most 65,535 octets; the length keeps records apart.
  put_u16(data, static_cast<std::uint16_t>(rdata.size()));
  put_bytes(data, rdata);
}

ChunkDigest sha256_of(const Bytes& data) {
  const Bytes d = digest(DigestType::SHA256, data);
  ChunkDigest out{};
  std::copy_n(d.begin(), out.size(), out.begin());
  return out;
}

// The records of nodes [first, end) in the writer's order (OutputOrder),
// RRSIGs included. Into `data`, kept by the caller's thread across chunks.
ChunkDigest records_digest(const Zone& zone, std::size_t first, std::size_t end, Bytes& data) {
  data.clear();
  OutputOrder order(zone, first, end);
  while (auto r = order.next()) put_record(data, r->node->owner.wire(), std::nullopt, r->type, r->ttl, r->rdata);
  return sha256_of(data);
}

// The same records but RRSIGs, each with its node's kind, straight from the
// nodes in OutputOrder's order (the apex's SOA first, then the RRsets by
// type) without its per-node list of records and signatures.
ChunkDigest unsigned_records_digest(const Zone& zone, std::size_t first, std::size_t end, Bytes& data) {
  data.clear();
  auto put_rrset = [&](const Node& node, const Rrset& set) {
    for (BytesView rdata : set.rdatas) put_record(data, node.owner.wire(), node.kind, set.type, set.ttl, rdata);
  };
  for (std::size_t n = first; n < end; ++n) {
    const Node& node = zone.nodes()[n];
    const Rrset* soa = node.kind == NodeKind::apex ? node.find(RrType::SOA) : nullptr;
    if (soa) put_rrset(node, *soa);
    for (const Rrset& set : node.rrsets)
      if (&set != soa) put_rrset(node, set);
  }
  return sha256_of(data);
}

std::vector<ChunkDigest> digest_chunks(const Zone& zone, std::span<const std::size_t> ends, unsigned threads,
                                       bool with_signatures) {
  std::vector<ChunkDigest> out(ends.size());
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(ends.size() / 64 + 1)));
  run_on_threads(threads, [&](std::size_t worker) {
    const std::size_t begin = ends.size() * worker / threads;
    const std::size_t end = ends.size() * (worker + 1) / threads;
    Bytes data;
    for (std::size_t c = begin; c < end; ++c) {
      const std::size_t first = c == 0 ? 0 : ends[c - 1];
      out[c] = with_signatures ? records_digest(zone, first, ends[c], data)
                               : unsigned_records_digest(zone, first, ends[c], data);
    }
  });
  return out;
}

}  // namespace

ChunkDigest chunk_records_digest(const Zone& zone, std::size_t first, std::size_t end) {
  Bytes data;
  return records_digest(zone, first, end, data);
}

ChunkDigest chunk_unsigned_digest(const Zone& zone, std::size_t first, std::size_t end) {
  Bytes data;
  return unsigned_records_digest(zone, first, end, data);
}

std::vector<ChunkDigest> chunk_unsigned_digests(const Zone& zone, std::span<const std::size_t> ends,
                                                unsigned threads) {
  return digest_chunks(zone, ends, threads, false);
}

ChunkSignatureTimes chunk_signature_times(const Zone& zone, std::size_t first, std::size_t end,
                                          std::uint32_t now) {
  ChunkSignatureTimes out;
  // Serial-number order (RFC 4034 §3.1.5): compared as offsets from `now`.
  auto from_now = [now](std::uint32_t t) { return rrsig_seconds_until(t, now); };
  for (std::size_t n = first; n < end; ++n)
    for (SignatureRef sig : zone.nodes()[n].signatures) {
      // RRSIG RDATA: type covered, algorithm, labels, original TTL, then
      // expiration at octet 8 and inception at octet 12.
      if (sig.rdata.size() < 16) continue;
      const std::uint32_t expiration = get_u32(sig.rdata.data() + 8);
      const std::uint32_t inception = get_u32(sig.rdata.data() + 12);
      if (out.signatures == 0 || from_now(expiration) < from_now(out.earliest_expiration))
        out.earliest_expiration = expiration;
      if (out.signatures == 0 || from_now(inception) > from_now(out.latest_inception))
        out.latest_inception = inception;
      ++out.signatures;
    }
  return out;
}

std::vector<ChunkDigest> chunk_records_digests(const Zone& zone, std::span<const std::size_t> ends,
                                               unsigned threads) {
  return digest_chunks(zone, ends, threads, true);
}

ProvenChunks::ProvenChunks(std::vector<ChunkProof> proofs) : proofs_(std::move(proofs)) {
  std::sort(proofs_.begin(), proofs_.end());
  proofs_.erase(std::unique(proofs_.begin(), proofs_.end()), proofs_.end());
}

bool ProvenChunks::contains(const ChunkProof& proof) const noexcept {
  return std::binary_search(proofs_.begin(), proofs_.end(), proof);
}

}  // namespace zs
