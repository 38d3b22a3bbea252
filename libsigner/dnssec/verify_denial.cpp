// Denial-of-existence checks of verify_zone: the NSEC chain (RFC 4034 §4,
// RFC 4035 §2.3) or the NSEC3 chain (RFC 5155 §7.1 and §8), with the TTL of
// RFC 9077. The expected chain is derived here from the zone's names, on its
// own: nothing is shared with the chain builder but the RFC 5155 hash.
#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/encoding.hpp"
#include "core/parallel.hpp"
#include "crypto/digest_stream.hpp"
#include "crypto/keys.hpp"
#include "dns/rdata.hpp"
#include "dnssec/denial.hpp"
#include "dnssec/verify_detail.hpp"

namespace zs {

namespace {

std::string types_text(const std::vector<RrType>& types) {
  std::string out;
  for (RrType t : types) {
    if (!out.empty()) out += ' ';
    out += type_to_string(t);
  }
  return out.empty() ? "(none)" : out;
}

void sort_types(std::vector<RrType>& types) {
  std::sort(types.begin(), types.end(), [](RrType a, RrType b) { return to_u16(a) < to_u16(b); });
  types.erase(std::unique(types.begin(), types.end()), types.end());
}

// The RRsets a node's denial record must list: at a delegation only NS and
// DS (and the NSEC there), which the parent is authoritative for; glue is not.
// An NSEC3 found at a real name belongs to another name's chain entry.
std::vector<RrType> present_types(const Node& node) {
  std::vector<RrType> types;
  for (const Rrset& r : node.rrsets) {
    if (node.kind == NodeKind::delegation && r.type != RrType::NS && r.type != RrType::DS && r.type != RrType::NSEC)
      continue;
    if (r.type == RrType::NSEC3) continue;  // lives at the hashed name, never listed
    types.push_back(r.type);
  }
  return types;
}

void compare_bitmap(ProblemList& problems, const Name& owner, RrType type, std::vector<RrType> expected,
                    std::vector<RrType> actual, const std::string& about) {
  sort_types(expected);
  sort_types(actual);
  if (expected == actual) return;
  problems.add(owner, type,
               "type bitmap" + about + " lists " + types_text(actual) + "; the name has " + types_text(expected));
}

std::string lower_wire(const Name& name) {
  std::string s;
  s.reserve(name.wire_length());
  for (std::uint8_t c : name.wire()) s.push_back(static_cast<char>(ascii_lower(c)));
  return s;
}

// A node that holds nothing but an NSEC3 exists only for the chain. A real
// name may also carry an NSEC3 when its label happens to be a hash (RFC 5155
// Appendix A has one); it stays a name of the zone.
bool is_hash_only(const Node& node) {
  return node.kind != NodeKind::apex && !node.empty_non_terminal &&
         std::all_of(node.rrsets.begin(), node.rrsets.end(), [](const Rrset& r) { return r.type == RrType::NSEC3; });
}

void check_denial_ttl(ProblemList& problems, const Zone& zone, const Rrset& rrset) {
  // RFC 9077 §3. Resolvers cap negative caching themselves: a warning.
  std::uint32_t want = std::min(zone.soa().ttl, zone.soa_minimum());
  if (rrset.ttl != want)
    problems.warn(rrset.owner, rrset.type,
                 "TTL " + std::to_string(rrset.ttl) + " is not the lesser of the SOA TTL and SOA MINIMUM (" +
                     std::to_string(want) + ", RFC 9077)");
}

// ---------------------------------------------------------------- NSEC

void verify_nsec(const Zone& zone, ProblemList& problems) {
  const auto& nodes = zone.nodes();
  std::vector<std::size_t> members;  // the names the chain must link, in canonical order
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& node = nodes[i];
    bool member = node.kind == NodeKind::apex || node.kind == NodeKind::delegation ||
                  (node.kind == NodeKind::authoritative && !node.empty_non_terminal);
    if (member) {
      members.push_back(i);
    } else if (node.has(RrType::NSEC)) {
      problems.add(node.owner, RrType::NSEC,
                   node.kind == NodeKind::occluded ? "NSEC at an occluded name (glue or below a delegation)"
                                                   : "NSEC at an empty non-terminal");
    }
  }

  for (std::size_t m = 0; m < members.size(); ++m) {
    const Node& node = nodes[members[m]];
    const Name& want_next = nodes[members[(m + 1) % members.size()]].owner;
    const Rrset* nsec = node.find(RrType::NSEC);
    if (!nsec || nsec->rdatas.empty()) {
      problems.add(node.owner, RrType::NSEC, "no NSEC record: the name is missing from the chain");
      continue;
    }
    if (nsec->rdatas.size() != 1)
      problems.add(node.owner, RrType::NSEC, std::to_string(nsec->rdatas.size()) + " NSEC records at one name");
    check_denial_ttl(problems, zone, *nsec);
    const BytesView rdata = nsec->rdatas.front();
    std::size_t offset = 0;
    auto next = Name::read_wire(rdata, offset);
    if (!next) {
      problems.add(node.owner, RrType::NSEC, "malformed next owner name: " + next.error().message);
      continue;
    }
    if (!(*next == want_next)) {
      problems.add(node.owner, RrType::NSEC,
                   "next owner name is " + next->to_string() + ", expected " + want_next.to_string() +
                       (m + 1 == members.size() ? " (the chain must close at the apex)" : ""));
    }
    auto types = decode_type_bitmap(BytesView(rdata).subspan(offset));
    if (!types) {
      problems.add(node.owner, RrType::NSEC, "malformed type bitmap: " + types.error().message);
      continue;
    }
    std::vector<RrType> expected = present_types(node);
    expected.push_back(RrType::RRSIG);  // the NSEC itself is signed at every member
    expected.push_back(RrType::NSEC);
    compare_bitmap(problems, node.owner, RrType::NSEC, std::move(expected), std::move(*types), "");
  }
}

// ---------------------------------------------------------------- NSEC3

struct Nsec3Fields {
  std::uint8_t algorithm = 0;
  std::uint8_t flags = 0;
  std::uint16_t iterations = 0;
  BytesView salt;
  BytesView next;
  BytesView bitmap;  // undecoded; decode_type_bitmap has accepted it
};

Result<Nsec3Fields> parse_nsec3(BytesView rdata, bool is_param) {
  Nsec3Fields f;
  if (rdata.size() < 5) return fail(Errc::bad_rdata, "RDATA too short");
  f.algorithm = rdata[0];
  f.flags = rdata[1];
  f.iterations = get_u16(&rdata[2]);
  std::size_t salt_len = rdata[4];
  std::size_t pos = 5;
  if (pos + salt_len > rdata.size()) return fail(Errc::bad_rdata, "salt runs past the RDATA");
  f.salt = rdata.subspan(pos, salt_len);
  pos += salt_len;
  if (is_param) {
    if (pos != rdata.size()) return fail(Errc::bad_rdata, "trailing octets");
    return f;
  }
  if (pos >= rdata.size()) return fail(Errc::bad_rdata, "no hash length");
  std::size_t hash_len = rdata[pos++];
  if (hash_len == 0 || pos + hash_len > rdata.size()) return fail(Errc::bad_rdata, "bad next hashed owner");
  f.next = rdata.subspan(pos, hash_len);
  pos += hash_len;
  f.bitmap = rdata.subspan(pos);
  if (auto types = decode_type_bitmap(f.bitmap); !types) return std::unexpected(types.error());
  return f;
}

// Hashes of the zone's names, kept inline so a million of them sort and
// search in contiguous memory. Entries' owner hashes are 20 octets (checked
// when they are read).
using Sha1Hash = std::array<std::uint8_t, 20>;

Sha1Hash to_sha1_hash(BytesView b) {
  Sha1Hash h{};
  std::copy_n(b.begin(), std::min(b.size(), h.size()), h.begin());
  return h;
}

// One NSEC3 record of the chain, as the checks need it: a million of them
// are held at once (at the gate's peak), so an entry is 8 octets. The owner
// hash is decoded again from the owner's label, the next-hash field and the
// type bitmap parsed again from the node's record, where they are compared
// (both were accepted when the entry was made).
struct Nsec3Entry {
  std::uint32_t node = 0;
  std::uint8_t flags = 0;
};

Sha1Hash owner_hash(const Node& node) { return to_sha1_hash(*from_base32hex(node.owner.first_label())); }

struct HashIndex {
  Sha1Hash hash{};
  std::uint32_t node = 0;  // index into the zone's nodes
  bool operator<(const HashIndex& o) const { return hash < o.hash; }
};

const HashIndex* find_hash(const std::vector<HashIndex>& sorted, const Sha1Hash& hash) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), hash,
                             [](const HashIndex& h, const Sha1Hash& v) { return h.hash < v; });
  return (it != sorted.end() && it->hash == hash) ? &*it : nullptr;
}

void verify_nsec3(const Zone& zone, ProblemList& problems) {
  const auto& nodes = zone.nodes();
  const Node& apex = zone.apex();
  const Name& origin = zone.origin();

  // Parameters: from NSEC3PARAM, else (reported) from the first NSEC3.
  std::optional<Nsec3Fields> params;
  if (const Rrset* p = apex.find(RrType::NSEC3PARAM); p && !p->rdatas.empty()) {
    if (p->rdatas.size() > 1)
      problems.add(apex.owner, RrType::NSEC3PARAM, "several NSEC3PARAM records; only the first one is checked");
    if (auto f = parse_nsec3(p->rdatas.front(), true)) {
      if (f->flags != 0)
        problems.add(apex.owner, RrType::NSEC3PARAM, "flags field is " + std::to_string(f->flags) + ", must be 0");
      params = std::move(*f);
    } else {
      problems.add(apex.owner, RrType::NSEC3PARAM, "malformed NSEC3PARAM: " + f.error().message);
    }
  } else {
    problems.add(apex.owner, RrType::NSEC3PARAM, "NSEC3 records but no NSEC3PARAM at the apex");
  }

  // Every NSEC3 record, where it is and what it says.
  std::vector<Nsec3Entry> entries;
  entries.reserve(static_cast<std::size_t>(
      std::ranges::count_if(nodes, [](const Node& node) { return node.has(RrType::NSEC3); })));
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& node = nodes[i];
    const Rrset* rrset = node.find(RrType::NSEC3);
    if (!rrset || rrset->rdatas.empty()) continue;
    check_denial_ttl(problems, zone, *rrset);
    if (rrset->rdatas.size() != 1)
      problems.add(node.owner, RrType::NSEC3, std::to_string(rrset->rdatas.size()) + " NSEC3 records at one name");
    auto fields = parse_nsec3(rrset->rdatas.front(), false);
    if (!fields) {
      problems.add(node.owner, RrType::NSEC3, "malformed NSEC3: " + fields.error().message);
      continue;
    }
    std::optional<Bytes> hash;
    if (node.owner.label_count() == origin.label_count() + 1 && node.owner.parent() == origin)
      hash = from_base32hex(node.owner.first_label());
    if (!hash || hash->size() != 20) {
      problems.add(node.owner, RrType::NSEC3, "owner is not a base32hex SHA-1 hash directly below the apex");
      continue;
    }
    if (!params) params = *fields;
    if (fields->algorithm != params->algorithm || fields->iterations != params->iterations ||
        !std::ranges::equal(fields->salt, params->salt)) {
      problems.add(node.owner, RrType::NSEC3, "hash parameters differ from the NSEC3PARAM record");
      continue;
    }
    entries.push_back(Nsec3Entry{static_cast<std::uint32_t>(i), fields->flags});
  }
  if (!params) return;
  if (params->iterations > max_nsec3_iterations) {
    // Hashing every name that often is the cost an attacker would pick
    // (65,535 iterations: hours for a large zone); RFC 9276 §3.2 lets
    // validators treat such a zone as insecure anyway.
    problems.add(apex.owner, RrType::NSEC3PARAM,
                 std::to_string(params->iterations) + " NSEC3 iterations, above the ceiling of " +
                     std::to_string(max_nsec3_iterations) + " that sign keeps (RFC 9276 advises 0): chain not checked");
    return;
  }
  if (params->algorithm != 1) {
    problems.add(apex.owner, RrType::NSEC3PARAM,
                 "hash algorithm " + std::to_string(params->algorithm) + " is unknown (RFC 5155 defines 1, SHA-1)");
    return;
  }

  // The chain's opt-out setting is that of the apex's NSEC3, which must exist;
  // every other NSEC3 must agree with it.
  Nsec3Hasher hasher(params->salt, params->iterations);
  const Sha1Hash apex_hash = hasher.hash(apex.owner);
  bool opt_out = false;
  {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Nsec3Entry& e) { return owner_hash(nodes[e.node]) == apex_hash; });
    if (it != entries.end()) {
      opt_out = (it->flags & 1) != 0;
    } else if (!entries.empty()) {
      opt_out = (entries.front().flags & 1) != 0;
    }
  }
  for (const Nsec3Entry& e : entries) {
    if (((e.flags & 1) != 0) != opt_out)
      problems.add(nodes[e.node].owner, RrType::NSEC3,
                   std::string("opt-out flag is ") + (opt_out ? "clear" : "set") + " while the rest of the chain has it " +
                       (opt_out ? "set" : "clear"));
  }

  // The names of the zone that may or must have an NSEC3, and their hashes.
  // With opt-out, an insecure delegation may be left out, and so may an
  // empty non-terminal with no required name below it (RFC 5155 §7.1).
  // Bits, not octets: two million nodes at the gate's peak.
  std::vector<bool> required(nodes.size(), false);
  std::vector<HashIndex> originals;
  std::vector<HashIndex> occluded;
  std::unordered_map<std::string, std::size_t> index_of;
  originals.reserve(nodes.size() - entries.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& node = nodes[i];
    if (is_hash_only(node)) continue;
    const Sha1Hash h = hasher.hash(node.owner);
    if (node.kind == NodeKind::occluded) {
      occluded.push_back({h, static_cast<std::uint32_t>(i)});
      continue;
    }
    originals.push_back({h, static_cast<std::uint32_t>(i)});
    if (node.empty_non_terminal) {
      index_of.emplace(lower_wire(node.owner), i);
      required[i] = !opt_out;
    } else {
      bool insecure = node.kind == NodeKind::delegation && !node.has(RrType::DS);
      required[i] = !(opt_out && insecure);
    }
  }
  if (opt_out) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (!required[i] || nodes[i].empty_non_terminal) continue;
      Name up = nodes[i].owner;
      while (up.label_count() > origin.label_count() + 1) {
        up = up.parent();
        auto it = index_of.find(lower_wire(up));
        if (it == index_of.end() || required[it->second]) break;  // not an ENT, or already walked
        required[it->second] = true;
      }
    }
  }
  std::sort(originals.begin(), originals.end());
  std::sort(occluded.begin(), occluded.end());
  for (std::size_t i = 1; i < originals.size(); ++i) {
    if (originals[i].hash == originals[i - 1].hash)
      problems.add(nodes[originals[i].node].owner, RrType::NSEC3,
                   "hash collides with that of " + nodes[originals[i - 1].node].owner.to_string());
  }

  // Order and closure: each record names the next hash in the chain, the
  // last one the first.
  // Canonical order of the hashed owners is hash order, so a sound zone
  // arrives sorted; only a damaged one pays for moving its entries.
  auto by_hash = [&](const Nsec3Entry& a, const Nsec3Entry& b) {
    return owner_hash(nodes[a.node]) < owner_hash(nodes[b.node]);
  };
  if (!std::is_sorted(entries.begin(), entries.end(), by_hash)) std::sort(entries.begin(), entries.end(), by_hash);
  std::vector<bool> covered(nodes.size(), false);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Nsec3Entry& e = entries[i];
    const Name& owner = nodes[e.node].owner;
    const Nsec3Fields fields = *parse_nsec3(nodes[e.node].find(RrType::NSEC3)->rdatas.front(), false);
    const Sha1Hash hash = owner_hash(nodes[e.node]);
    const Sha1Hash want_next = owner_hash(nodes[entries[(i + 1) % entries.size()].node]);
    if (!std::ranges::equal(fields.next, want_next))
      problems.add(owner, RrType::NSEC3,
                   "next hashed owner is " + to_base32hex(fields.next) + ", expected " + to_base32hex(want_next) +
                       (i + 1 == entries.size() ? " (the chain must close at the lowest hash)" : ""));

    const HashIndex* orig = find_hash(originals, hash);
    if (!orig) {
      const HashIndex* occ = find_hash(occluded, hash);
      problems.add(owner, RrType::NSEC3,
                   occ ? "NSEC3 for occluded name " + nodes[occ->node].owner.to_string() + " (glue or below a delegation)"
                       : std::string("NSEC3 matches no name of the zone"));
      continue;
    }
    const Node& original = nodes[orig->node];
    covered[orig->node] = true;
    std::vector<RrType> expected;
    if (!original.empty_non_terminal) {
      expected = present_types(original);
      bool is_signed = original.kind != NodeKind::delegation || original.has(RrType::DS);
      if (is_signed && !expected.empty()) expected.push_back(RrType::RRSIG);
    }
    // parse_nsec3 decoded the bitmap once already and dropped records it refused.
    std::vector<RrType> listed = decode_type_bitmap(fields.bitmap).value_or(std::vector<RrType>{});
    compare_bitmap(problems, owner, RrType::NSEC3, std::move(expected), std::move(listed),
                   " (for " + original.owner.to_string() + ")");
  }
  for (const HashIndex& h : originals) {
    if (required[h.node] && !covered[h.node])
      problems.add(nodes[h.node].owner, RrType::NSEC3,
                   "no NSEC3 record for this name (hash " + to_base32hex(h.hash) + ")");
  }
}

}  // namespace

ContentDigest denial_digest(const Zone& zone, unsigned threads) {
  // Everything verify_denial below reads, and nothing else: names, kinds,
  // types, the denial records, and the SOA fields of RFC 9077's TTL.
  auto is_denial = [](RrType t) { return t == RrType::NSEC || t == RrType::NSEC3 || t == RrType::NSEC3PARAM; };
  // Each slice is hashed from a small buffer as it fills: a slice's bytes
  // whole took 6-8 MB of fresh memory each, 120 MB of page faults at 1M names.
  constexpr std::size_t flush_at = std::size_t{1} << 16;
  auto slice_digest = [&](std::size_t first, std::size_t end) {
    DigestStream hash(DigestType::SHA256);
    Bytes data;
    data.reserve(flush_at + Name::max_wire_length + 64);
    for (std::size_t n = first; n < end; ++n) {
      if (data.size() >= flush_at) {
        hash.update(data);
        data.clear();
      }
      const Node& node = zone.nodes()[n];
      const BytesView owner = node.owner.wire();
      put_u16(data, static_cast<std::uint16_t>(owner.size()));
      put_bytes(data, owner);
      put_u8(data, static_cast<std::uint8_t>(node.kind));
      put_u8(data, node.empty_non_terminal ? 1 : 0);
      put_u16(data, static_cast<std::uint16_t>(node.rrsets.size()));
      for (const Rrset& r : node.rrsets) {
        put_u16(data, to_u16(r.type));
        if (!is_denial(r.type)) continue;
        put_u32(data, r.ttl);
        put_u32(data, static_cast<std::uint32_t>(r.rdatas.size()));
        for (BytesView rdata : r.rdatas) {
          put_u16(data, static_cast<std::uint16_t>(rdata.size()));
          put_bytes(data, rdata);
        }
      }
    }
    hash.update(data);
    return hash.finish();
  };
  constexpr std::size_t slice = std::size_t{1} << 16;
  const std::size_t count = zone.nodes().size();
  const std::size_t slices = (count + slice - 1) / slice;
  std::vector<Bytes> digests(slices);
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(slices)));
  run_on_threads(threads, [&](std::size_t worker) {
    for (std::size_t k = worker; k < slices; k += threads)
      digests[k] = slice_digest(k * slice, std::min(count, (k + 1) * slice));
  });
  Bytes all;
  const BytesView origin = zone.origin().wire();
  put_u16(all, static_cast<std::uint16_t>(origin.size()));
  put_bytes(all, origin);
  const Rrset* soa = zone.apex().find(RrType::SOA);
  put_u32(all, soa ? soa->ttl : 0);
  put_u32(all, soa ? zone.soa_minimum() : 0);
  put_u64(all, count);
  for (const Bytes& d : digests) put_bytes(all, d);
  const Bytes d = digest(DigestType::SHA256, all);
  ContentDigest out{};
  std::copy_n(d.begin(), out.size(), out.begin());
  return out;
}

void verify_denial(const Zone& zone, VerifyReport& report) {
  ProblemList problems(report.problems);
  bool has_nsec3 = zone.apex().has(RrType::NSEC3PARAM);
  bool has_nsec = false;
  for (const Node& node : zone.nodes()) {
    has_nsec3 = has_nsec3 || node.has(RrType::NSEC3);
    has_nsec = has_nsec || node.has(RrType::NSEC);
  }
  if (has_nsec3) {
    report.denial = VerifyReport::Denial::nsec3;
    for (const Node& node : zone.nodes()) {
      if (node.has(RrType::NSEC)) problems.add(node.owner, RrType::NSEC, "NSEC record in a zone that uses NSEC3");
    }
    verify_nsec3(zone, problems);
  } else if (has_nsec) {
    report.denial = VerifyReport::Denial::nsec;
    verify_nsec(zone, problems);
  } else {
    report.denial = VerifyReport::Denial::none;
    problems.add(zone.apex().owner, RrType::NSEC, "the zone has neither an NSEC nor an NSEC3 chain");
  }
}

}  // namespace zs
