#include "dnssec/denial.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/encoding.hpp"
#include "core/parallel.hpp"
#include "crypto/keys.hpp"
#include "dns/rdata.hpp"

namespace zs {

namespace {

constexpr std::uint8_t nsec3_hash_sha1 = 1;  // RFC 5155 §11, the only hash algorithm
constexpr std::uint8_t nsec3_flag_opt_out = 0x01;

bool is_chain_type(RrType t) noexcept {
  return t == RrType::NSEC || t == RrType::NSEC3 || t == RrType::NSEC3PARAM;
}

// Drops every NSEC, NSEC3 and NSEC3PARAM RRset (and the signatures over
// them), and the nodes left behind by an earlier NSEC3 chain: those that held
// nothing but NSEC3 records. Empty non-terminals are kept.
void strip_denial(Zone& zone) {
  auto& nodes = zone.nodes();
  // Each node on its own, on a few threads: a walk over every node (0.04 s
  // at a million names on one thread), where an unsigned zone has nothing
  // to strip. The nodes an old chain leaves empty go afterwards, in order.
  std::vector<std::uint8_t> leftover(nodes.size(), 0);
  std::atomic<bool> any_leftover{false};
  for_each_slice(nodes.size(), [&](std::size_t begin, std::size_t end) {
    bool found = false;
    for (std::size_t i = begin; i < end; ++i) {
      Node& node = nodes[i];
      const bool had_nsec3 = node.has(RrType::NSEC3);
      erase_if(node.rrsets, [](const Rrset& r) { return is_chain_type(r.type); });
      erase_if(node.signatures, [](SignatureRef s) { return is_chain_type(s.covered); });
      if (had_nsec3 && node.rrsets.empty() && node.kind != NodeKind::apex && !node.empty_non_terminal) {
        leftover[i] = 1;
        found = true;
      }
    }
    if (found) any_leftover = true;
  });
  if (!any_leftover) return;
  std::size_t out = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (leftover[i]) continue;
    if (out != i) nodes[out] = std::move(nodes[i]);
    ++out;
  }
  nodes.resize(out);
}

// Inserts `rrset` into `node`, keeping Node::rrsets sorted by type number.
void insert_rrset(Node& node, Rrset rrset) {
  auto pos = std::lower_bound(node.rrsets.begin(), node.rrsets.end(), rrset.type,
                              [](const Rrset& r, RrType t) { return to_u16(r.type) < to_u16(t); });
  if (pos != node.rrsets.end() && pos->type == rrset.type) {
    *pos = std::move(rrset);
  } else {
    node.rrsets.insert(pos, std::move(rrset));
  }
}

// Types whose RRsets the zone is authoritative for at this node. At a
// delegation only NS and DS belong to the parent side (RFC 4035 §2.3); other
// data there (glue) is not.
void authoritative_types(const Node& node, std::vector<RrType>& types) {
  for (const Rrset& r : node.rrsets) {
    if (node.kind == NodeKind::delegation && r.type != RrType::NS && r.type != RrType::DS) continue;
    types.push_back(r.type);
  }
}

void sort_unique(std::vector<RrType>& types) {
  std::sort(types.begin(), types.end(), [](RrType a, RrType b) { return to_u16(a) < to_u16(b); });
  types.erase(std::unique(types.begin(), types.end()), types.end());
}

bool in_nsec_chain(const Node& node) {
  switch (node.kind) {
    case NodeKind::apex:
    case NodeKind::delegation:
      return true;
    case NodeKind::authoritative:
      return !node.empty_non_terminal;
    case NodeKind::occluded:
      return false;
  }
  return false;
}

bool insecure_delegation(const Node& node) {
  return node.kind == NodeKind::delegation && !node.has(RrType::DS);
}

// The types of a node's NSEC3 bitmap (RFC 5155 §3.2.1): its authoritative
// types, and RRSIG where something here is signed (not at an insecure
// delegation, whose NS set is unsigned). None at an empty non-terminal.
// At the apex, NSEC3PARAM too: add_nsec3_chain adds it there once nothing
// can fail any more, after the bitmaps are made.
void nsec3_types(const Node& node, std::vector<RrType>& types) {
  types.clear();
  if (node.empty_non_terminal) return;
  authoritative_types(node, types);
  if (node.kind == NodeKind::apex) types.push_back(RrType::NSEC3PARAM);
  if (!insecure_delegation(node) && !types.empty()) types.push_back(RrType::RRSIG);
  sort_unique(types);
}

struct HashedName {
  Nsec3Hash hash{};
  std::uint32_t node = 0;    // index into Zone::nodes()
  std::uint32_t bitmap = 0;  // index into the chain's type bitmaps
};

// Hashes the name of every node in `hashed` and finds its NSEC3 type bitmap,
// on a few threads, in zone order: both read the node, and in zone order the
// nodes are read as they lie in memory, where in hash order (as the NSEC3
// records are made) each would be a cache miss.
// Returns the bitmaps that `bitmap` indexes: most nodes hold one of a few
// sets of types, so each is encoded once per slice, not once per node.
std::vector<Bytes> hash_names(std::vector<HashedName>& hashed, const std::vector<Node>& nodes,
                              const Nsec3Params& params) {
  struct SliceBitmaps {
    std::size_t begin = 0, end = 0;
    std::vector<Bytes> bitmaps;
  };
  std::mutex guard;
  std::vector<SliceBitmaps> slices;
  for_each_slice(hashed.size(), [&](std::size_t begin, std::size_t end) {
    Nsec3Hasher hasher(params.salt, params.iterations);
    SliceBitmaps out{begin, end, {}};
    std::vector<RrType> types;
    // The last type sets seen, with their bitmap's index in out.bitmaps.
    using Seen = std::pair<std::vector<RrType>, std::uint32_t>;
    std::vector<Seen> recent;
    for (std::size_t i = begin; i < end; ++i) {
      const Node& node = nodes[hashed[i].node];
      hashed[i].hash = hasher.hash(node.owner);
      nsec3_types(node, types);
      auto seen = std::ranges::find(recent, types, &Seen::first);
      if (seen == recent.end()) {
        if (recent.size() == 16) recent.pop_back();
        recent.emplace_back(types, static_cast<std::uint32_t>(out.bitmaps.size()));
        out.bitmaps.push_back(encode_type_bitmap(types));
        seen = recent.end() - 1;
      }
      hashed[i].bitmap = seen->second;
    }
    std::lock_guard lock(guard);
    slices.push_back(std::move(out));
  });
  std::ranges::sort(slices, {}, &SliceBitmaps::begin);
  std::vector<Bytes> bitmaps;
  for (SliceBitmaps& slice : slices) {
    const auto offset = static_cast<std::uint32_t>(bitmaps.size());
    for (std::size_t i = slice.begin; i < slice.end; ++i) hashed[i].bitmap += offset;
    std::move(slice.bitmaps.begin(), slice.bitmaps.end(), std::back_inserter(bitmaps));
  }
  return bitmaps;
}

// Sorts by hash, then zone order (which only two equal hashes, a collision,
// would need). The hashes are uniform: they are dealt into 65,536 buckets
// by their first two octets (a counting sort), and the buckets, a dozen or
// so names each at a million, are sorted on a few threads. 0.066 s at a
// million names as a merge sort on two threads, 0.045 s so (with 4,096
// buckets of some 250 names: 0.10 s).
void sort_by_hash(std::vector<HashedName>& hashed) {
  constexpr std::size_t buckets = 1u << 16;
  auto before = [](const HashedName& x, const HashedName& y) {
    return x.hash != y.hash ? x.hash < y.hash : x.node < y.node;
  };
  // Fewer names than buckets: the buckets' 512 KiB and their threads would
  // cost more than the sort (a small zone signed every few minutes).
  if (hashed.size() < buckets) {
    std::sort(hashed.begin(), hashed.end(), before);
    return;
  }
  auto bucket_of = [](const HashedName& h) { return (std::size_t{h.hash[0]} << 8) | h.hash[1]; };
  std::vector<std::uint32_t> starts(buckets + 1, 0);
  for (const HashedName& h : hashed) ++starts[bucket_of(h) + 1];
  for (std::size_t b = 0; b < buckets; ++b) starts[b + 1] += starts[b];
  std::vector<HashedName> dealt(hashed.size());
  {
    std::vector<std::uint32_t> next(starts.begin(), starts.end() - 1);
    for (const HashedName& h : hashed) dealt[next[bucket_of(h)]++] = h;
  }
  for_each_slice(buckets, [&](std::size_t begin, std::size_t end) {
    for (std::size_t b = begin; b < end; ++b)
      std::sort(dealt.begin() + starts[b], dealt.begin() + starts[b + 1], before);
  });
  hashed = std::move(dealt);
}

}  // namespace

Bytes nsec3_hash(const Name& name, BytesView salt, std::uint16_t iterations) {
  const Nsec3Hash hash = Nsec3Hasher(salt, iterations).hash(name);
  return Bytes(hash.begin(), hash.end());
}

Nsec3Hasher::Nsec3Hasher(BytesView salt, std::uint16_t iterations)
    : sha1_(DigestType::SHA1), salt_(salt.begin(), salt.end()), iterations_(iterations) {
  buffer_.reserve(Name::max_wire_length + salt_.size());
}

Nsec3Hash Nsec3Hasher::hash(const Name& name) {
  // IH(salt, x, 0) = H(x || salt); IH(salt, x, k) = H(IH(salt, x, k-1) || salt),
  // with x the owner name in canonical (lower-case) wire form.
  buffer_.clear();
  for (std::uint8_t c : name.wire()) buffer_.push_back(ascii_lower(c));
  buffer_.insert(buffer_.end(), salt_.begin(), salt_.end());
  Nsec3Hash hash{};
  sha1_.update(buffer_);
  sha1_.finish_into(hash);
  for (std::uint16_t i = 0; i < iterations_; ++i) {
    sha1_.update(hash);
    sha1_.update(salt_);
    sha1_.finish_into(hash);
  }
  return hash;
}

std::uint32_t denial_ttl(const Zone& zone) {
  return std::min(zone.soa().ttl, zone.soa_minimum());
}

void add_nsec_chain(Zone& zone) {
  strip_denial(zone);
  const std::uint32_t ttl = denial_ttl(zone);
  auto& nodes = zone.nodes();
  std::vector<std::size_t> members;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (in_nsec_chain(nodes[i])) members.push_back(i);
  }
  for (std::size_t m = 0; m < members.size(); ++m) {
    Node& node = nodes[members[m]];
    const Name& next = nodes[members[(m + 1) % members.size()]].owner;
    std::vector<RrType> types;
    authoritative_types(node, types);
    // The NSEC RRset itself is authoritative and signed at every member,
    // delegations included, so both bits are always set.
    types.push_back(RrType::NSEC);
    types.push_back(RrType::RRSIG);
    sort_unique(types);
    Rrset nsec;
    nsec.owner = node.owner;
    nsec.type = RrType::NSEC;
    nsec.ttl = ttl;
    Bytes rdata = to_bytes(next.wire());
    put_bytes(rdata, encode_type_bitmap(types));
    nsec.rdatas.push_back(std::move(rdata));
    insert_rrset(node, std::move(nsec));
  }
}

Result<void> add_nsec3_chain(Zone& zone, const Nsec3Params& params) {
  if (params.salt.size() > 255) return fail(Errc::internal, "NSEC3 salt longer than 255 octets");
  // A hashed owner is one 32-octet label (plus its length octet) below the
  // origin; checked before anything changes.
  constexpr std::size_t hashed_label_wire = 33;
  if (zone.origin().wire_length() + hashed_label_wire > Name::max_wire_length)
    return fail(Errc::internal, "the origin " + zone.origin().to_string() + " is too long for NSEC3 owner names");
  strip_denial(zone);
  const std::uint32_t ttl = denial_ttl(zone);
  const Name origin = zone.origin();

  auto& nodes = zone.nodes();
  // Node indexes are held in 32 bits (HashedName).
  if (nodes.size() > UINT32_MAX)
    return fail(Errc::limit, "a zone of more than 4,294,967,295 names is too large for an NSEC3 chain here");

  // RFC 5155 §7.1: with opt-out, insecure delegations are left out, and so are
  // empty non-terminals all of whose descendants are left out. Descendants
  // follow their ancestor contiguously in canonical order, so scanning
  // backwards, an empty non-terminal is needed iff the nearest included name
  // after it lies below it.
  std::vector<char> include(nodes.size(), 0);
  const Name* next_included = nullptr;
  for (std::size_t k = nodes.size(); k-- > 0;) {
    const Node& n = nodes[k];
    bool in = false;
    if (n.kind == NodeKind::occluded) {
      in = false;
    } else if (n.empty_non_terminal) {
      in = !params.opt_out || (next_included && next_included->is_subdomain_of(n.owner));
    } else {
      in = !(params.opt_out && insecure_delegation(n));
    }
    include[k] = in ? 1 : 0;
    if (in) next_included = &n.owner;
  }

  std::vector<HashedName> hashed;
  hashed.reserve(nodes.size());
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    if (include[k]) hashed.push_back({Nsec3Hash{}, static_cast<std::uint32_t>(k), 0});
  }
  const std::vector<Bytes> bitmaps = hash_names(hashed, nodes, params);
  sort_by_hash(hashed);
  for (std::size_t i = 1; i < hashed.size(); ++i) {
    if (hashed[i].hash == hashed[i - 1].hash)
      return fail(Errc::internal, "NSEC3 hash collision between " + nodes[hashed[i - 1].node].owner.to_string() +
                                      " and " + nodes[hashed[i].node].owner.to_string() + "; choose another salt");
  }

  // Added only once nothing can fail any more (its type is already in the
  // apex's bitmap, nsec3_types).
  {
    Rrset param;
    param.owner = zone.apex().owner;
    param.type = RrType::NSEC3PARAM;
    // RFC 5155 sets no TTL for NSEC3PARAM and validators never read it (it
    // only tells authoritative servers which chain to serve); BIND writes 0,
    // ldns the SOA MINIMUM. The denial TTL keeps it beside its chain.
    param.ttl = ttl;
    Bytes rdata;
    put_u8(rdata, nsec3_hash_sha1);
    put_u8(rdata, 0);  // RFC 5155 §4.1.2: flags 0 in NSEC3PARAM
    put_u16(rdata, params.iterations);
    put_u8(rdata, static_cast<std::uint8_t>(params.salt.size()));
    put_bytes(rdata, params.salt);
    param.rdatas.push_back(std::move(rdata));
    insert_rrset(zone.apex(), std::move(param));
  }

  const std::uint8_t flags = params.opt_out ? nsec3_flag_opt_out : 0;
  // base32hex keeps the order of the octets it encodes, and every hashed
  // label has the same length, so hash order is the canonical order of the
  // new owner names.
  // Each NSEC3 node is made from its own name and its successor's hash
  // alone: on a few threads too.
  std::vector<Node> added(hashed.size());
  for_each_slice(hashed.size(), [&](std::size_t begin, std::size_t end) {
    Bytes rdata;  // each node's RDATA, made here and copied into its set
    for (std::size_t i = begin; i < end; ++i) {
      const Bytes& bitmap = bitmaps[hashed[i].bitmap];
      const Nsec3Hash& next = hashed[(i + 1) % hashed.size()].hash;

      rdata.clear();
      put_u8(rdata, nsec3_hash_sha1);
      put_u8(rdata, flags);
      put_u16(rdata, params.iterations);
      put_u8(rdata, static_cast<std::uint8_t>(params.salt.size()));
      put_bytes(rdata, params.salt);
      put_u8(rdata, static_cast<std::uint8_t>(next.size()));
      put_bytes(rdata, next);
      put_bytes(rdata, bitmap);

      std::array<char, base32hex_length(std::tuple_size_v<Nsec3Hash>)> label{};
      const std::size_t label_length = to_base32hex_into(hashed[i].hash, label);
      Name owner = origin.prepend(std::string_view(label.data(), label_length)).value();  // length checked on entry
      Node& node = added[i];
      node.owner = owner;
      node.kind = NodeKind::authoritative;
      Rrset rrset;
      rrset.owner = std::move(owner);
      rrset.type = RrType::NSEC3;
      rrset.ttl = ttl;
      const BytesView made(rdata);
      rrset.rdatas = RdataSet(std::span<const BytesView>(&made, 1));
      node.rrsets.push_back(std::move(rrset));
    }
  });

  // A hashed owner name may already be a name of the zone (RFC 5155
  // Appendix A has one): the NSEC3 then joins that node.
  // Every hashed owner is one label below the origin, so against one a node
  // of the zone compares as its own label below the origin does (the apex
  // first), and after it when the node lies below that label's name: its
  // place is found once per node, not once per comparison.
  const std::size_t origin_labels = origin.label_count();
  struct Place {
    bool apex = true;
    BytesView label;     // the node's label one below the origin
    bool below = false;  // the node lies below that label's name
  };
  auto place_of = [&](const Node& n) {
    Place p;
    const BytesView w = n.owner.wire();
    const std::size_t labels = n.owner.label_count();
    if (labels <= origin_labels) return p;
    p.apex = false;
    p.below = labels > origin_labels + 1;
    std::size_t at = 0;
    for (std::size_t k = 0; k + origin_labels + 1 < labels; ++k) at += w[at] + 1u;
    p.label = w.subspan(at + 1, w[at]);
    return p;
  };
  auto compare = [](const Place& p, BytesView hashed_label) {
    if (p.apex) return -1;
    const std::size_t n = std::min(p.label.size(), hashed_label.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t x = ascii_lower(p.label[i]), y = ascii_lower(hashed_label[i]);
      if (x != y) return x < y ? -1 : 1;
    }
    if (p.label.size() != hashed_label.size()) return p.label.size() < hashed_label.size() ? -1 : 1;
    return p.below ? 1 : 0;
  };
  std::vector<Node> merged;
  merged.reserve(nodes.size() + added.size());
  std::size_t a = 0;
  std::size_t b = 0;
  Place place;
  std::size_t placed = static_cast<std::size_t>(-1);
  while (a < nodes.size() || b < added.size()) {
    int c = 0;
    if (a == nodes.size()) {
      c = 1;
    } else if (b == added.size()) {
      c = -1;
    } else {
      if (placed != a) place = place_of(nodes[placed = a]);
      const BytesView w = added[b].owner.wire();
      c = compare(place, w.subspan(1, w[0]));
    }
    if (c < 0) {
      merged.push_back(std::move(nodes[a++]));
    } else if (c > 0) {
      merged.push_back(std::move(added[b++]));
    } else {
      insert_rrset(nodes[a], std::move(added[b++].rrsets.front()));
      merged.push_back(std::move(nodes[a++]));
    }
  }
  nodes = std::move(merged);
  return {};
}

}  // namespace zs
