#include "zone/zone.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_set>
#include <utility>

#include "dns/rdata.hpp"

namespace zs {

namespace {

// Types that may share an owner with a CNAME (RFC 2181 §10.1, RFC 4035 §2.5).
bool allowed_beside_cname(RrType t) noexcept {
  return t == RrType::CNAME || t == RrType::RRSIG || t == RrType::NSEC || t == RrType::KEY ||
         is_dnssec_generated_type(t);
}

std::string lower_key(const Name& n) {
  const Bytes& w = n.wire();
  std::string key(w.begin(), w.end());
  for (char& c : key) c = static_cast<char>(ascii_lower(static_cast<std::uint8_t>(c)));
  return key;
}

Error error_at(Errc code, std::string message, const Record& r, const SourceFiles& files) {
  return Error(code, std::move(message), record_location(r, files));
}

// A record kept by build, with the position of its first appearance in the
// input (so errors point at the record that made the zone wrong).
struct Item {
  std::size_t order;
  Bytes canonical;
};

bool node_less(const Node& a, const Name& b) { return canonical_compare(a.owner, b) < 0; }

}  // namespace

const Rrset* Node::find(RrType type) const noexcept {
  auto it = std::lower_bound(rrsets.begin(), rrsets.end(), type,
                             [](const Rrset& r, RrType t) { return to_u16(r.type) < to_u16(t); });
  return it != rrsets.end() && it->type == type ? &*it : nullptr;
}

Rrset* Node::find(RrType type) noexcept {
  return const_cast<Rrset*>(std::as_const(*this).find(type));
}

Result<Zone> Zone::build(std::vector<Record> records, const Name& origin, const SourceFiles& files,
                         BuildOptions options) {
  // Checks on single records, in file order, so the first bad record is named.
  for (const Record& r : records) {
    if (!r.owner.is_subdomain_of(origin))
      return fail(error_at(Errc::out_of_zone, r.owner.to_string() + " is outside the zone " + origin.to_string(), r,
                           files));
    if (r.type == RrType::SOA && !r.owner.equals(origin))
      return fail(error_at(Errc::soa_not_at_apex, "SOA at " + r.owner.to_string() + ", not at the apex", r, files));
    if (r.type == RrType::DS && r.owner.equals(origin))
      return fail(error_at(Errc::ds_at_apex, "DS at the zone apex belongs in the parent zone", r, files));
    if (r.type == RrType::CNAME && r.owner.equals(origin))
      return fail(error_at(Errc::cname_at_apex, "CNAME at the zone apex", r, files));
  }

  // Glue: an in-zone NS target must have an address somewhere in the zone.
  // Checked before the RDATA moves into RRsets.
  std::unordered_set<std::string> with_address;
  for (const Record& r : records)
    if (r.type == RrType::A || r.type == RrType::AAAA) with_address.insert(lower_key(r.owner));
  for (const Record& r : records) {
    if (r.type != RrType::NS) continue;
    for (const Name& target : rdata_names(RrType::NS, r.rdata)) {
      if (target.is_subdomain_of(origin) && !with_address.contains(lower_key(target)))
        return fail(error_at(Errc::missing_glue,
                             "NS target " + target.to_string() + " is in the zone but has no A or AAAA record", r,
                             files));
    }
  }

  // Sort by owner then type; stable, so the first record of each RRset in
  // file order leads it (its TTL is the RRset's, as BIND does).
  std::vector<std::size_t> order;
  order.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    if (!options.keep_dnssec && (is_dnssec_generated_type(r.type) || r.type == RrType::RRSIG)) continue;
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    int c = canonical_compare(records[a].owner, records[b].owner);
    if (c != 0) return c < 0;
    return to_u16(records[a].type) < to_u16(records[b].type);
  });

  Zone zone;
  zone.origin_ = origin;
  std::vector<Item> items;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t owner_end = i + 1;
    while (owner_end < order.size() && records[order[owner_end]].owner.equals(records[order[i]].owner)) ++owner_end;

    Node node;
    std::size_t first_seen = *std::min_element(order.begin() + static_cast<std::ptrdiff_t>(i),
                                               order.begin() + static_cast<std::ptrdiff_t>(owner_end));
    node.owner = records[first_seen].owner;
    // The records that decide CNAME conflicts: the first CNAME, and the first
    // record of other data, by file position.
    const Record* cname = nullptr;
    std::size_t cname_order = 0;
    const Record* other = nullptr;
    std::size_t other_order = 0;

    for (std::size_t j = i; j < owner_end;) {
      std::size_t type_end = j + 1;
      const RrType type = records[order[j]].type;
      while (type_end < owner_end && records[order[type_end]].type == type) ++type_end;

      items.clear();
      for (std::size_t k = j; k < type_end; ++k)
        items.push_back(Item{order[k], canonical_rdata(type, records[order[k]].rdata)});
      std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.canonical < b.canonical; });
      // Duplicates (equal in canonical form) collapse into their first spelling.
      std::vector<Item> unique;
      for (Item& it : items) {
        if (!unique.empty() && unique.back().canonical == it.canonical) {
          if (it.order < unique.back().order) unique.back().order = it.order;
          continue;
        }
        unique.push_back(std::move(it));
      }

      if (type == RrType::RRSIG) {
        for (const Item& it : unique) {
          Record& r = records[it.order];
          Signature sig;
          sig.covered = r.rdata.size() >= 2 ? static_cast<RrType>(get_u16(r.rdata.data())) : RrType{0};
          sig.ttl = r.ttl;
          sig.rdata = std::move(r.rdata);
          node.signatures.push_back(std::move(sig));
        }
        j = type_end;
        continue;
      }

      if ((type == RrType::SOA || type == RrType::CNAME) && unique.size() > 1) {
        std::vector<std::size_t> positions;
        for (const Item& it : unique) positions.push_back(it.order);
        std::sort(positions.begin(), positions.end());
        if (type == RrType::SOA)
          return fail(error_at(Errc::multiple_soa, "a second SOA record at the apex", records[positions[1]], files));
        return fail(error_at(Errc::cname_conflict, "a second CNAME at " + node.owner.to_string(),
                             records[positions[1]], files));
      }
      if (type == RrType::CNAME) {
        cname = &records[unique[0].order];
        cname_order = unique[0].order;
      } else if (!allowed_beside_cname(type)) {
        for (const Item& it : unique)
          if (!other || it.order < other_order) {
            other = &records[it.order];
            other_order = it.order;
          }
      }

      Rrset set;
      set.owner = node.owner;
      set.type = type;
      set.rclass = class_IN;
      // The TTL of the RRset's first record in the file (BIND: "TTL set to prior TTL").
      set.ttl = records[order[j]].ttl;
      set.rdatas.reserve(unique.size());
      std::sort(unique.begin(), unique.end(), [](const Item& a, const Item& b) { return a.canonical < b.canonical; });
      for (const Item& it : unique) set.rdatas.push_back(std::move(records[it.order].rdata));
      node.rrsets.push_back(std::move(set));
      j = type_end;
    }
    if (cname && other) {
      const Record& later = cname_order > other_order ? *cname : *other;
      return fail(error_at(Errc::cname_conflict, "CNAME and other data at " + node.owner.to_string(), later, files));
    }
    std::sort(node.signatures.begin(), node.signatures.end(), [](const Signature& a, const Signature& b) {
      if (a.covered != b.covered) return to_u16(a.covered) < to_u16(b.covered);
      return a.rdata < b.rdata;
    });
    zone.nodes_.push_back(std::move(node));
    i = owner_end;
  }

  // The apex sorts first among names at or below the origin.
  if (zone.nodes_.empty() || !zone.nodes_.front().owner.equals(origin) || !zone.nodes_.front().has(RrType::SOA)) {
    Location where{files.empty() ? std::string() : files.front(), 0, 0};
    if (!records.empty()) where = record_location(records.front(), files);
    return fail(Errc::no_soa, "the zone " + origin.to_string() + " has no SOA record", where);
  }
  if (!zone.nodes_.front().has(RrType::NS)) {
    auto soa = std::find_if(records.begin(), records.end(), [](const Record& r) { return r.type == RrType::SOA; });
    return fail(error_at(Errc::no_apex_ns, "no NS records at the zone apex", *soa, files));
  }

  // Classification: in canonical order every name below X follows X
  // directly, so one "current cut" is enough.
  const Name* cut = nullptr;
  for (std::size_t k = 0; k < zone.nodes_.size(); ++k) {
    Node& node = zone.nodes_[k];
    if (k == 0) {
      node.kind = NodeKind::apex;
    } else if (cut && node.owner.is_subdomain_of(*cut)) {
      node.kind = NodeKind::occluded;
      continue;
    } else {
      cut = nullptr;
      node.kind = node.has(RrType::NS) ? NodeKind::delegation : NodeKind::authoritative;
    }
    if (node.kind == NodeKind::delegation || node.has(RrType::DNAME)) cut = &node.owner;
  }

  std::unordered_set<std::string> existing;
  for (const Node& node : zone.nodes_) existing.insert(lower_key(node.owner));

  // Empty non-terminals between the apex and every name that is in the
  // zone's namespace proper (occluded names have none).
  std::vector<Node> ents;
  for (const Node& node : zone.nodes_) {
    if (node.kind == NodeKind::occluded || node.kind == NodeKind::apex) continue;
    for (Name up = node.owner.parent(); !up.equals(origin); up = up.parent()) {
      if (!existing.insert(lower_key(up)).second) break;
      Node ent;
      ent.owner = up;
      ent.kind = NodeKind::authoritative;
      ent.empty_non_terminal = true;
      ents.push_back(std::move(ent));
    }
  }
  if (!ents.empty()) {
    std::sort(ents.begin(), ents.end(), [](const Node& a, const Node& b) { return canonical_compare(a.owner, b.owner) < 0; });
    std::vector<Node> merged;
    merged.reserve(zone.nodes_.size() + ents.size());
    std::merge(std::make_move_iterator(zone.nodes_.begin()), std::make_move_iterator(zone.nodes_.end()),
               std::make_move_iterator(ents.begin()), std::make_move_iterator(ents.end()), std::back_inserter(merged),
               [](const Node& a, const Node& b) { return canonical_compare(a.owner, b.owner) < 0; });
    zone.nodes_ = std::move(merged);
  }
  return zone;
}

std::uint32_t Zone::soa_minimum() const noexcept {
  const Bytes& rdata = soa().rdatas.front();
  return rdata.size() >= 4 ? get_u32(rdata.data() + rdata.size() - 4) : 0;
}

void Zone::put_rrset(Rrset rrset) {
  auto it = std::lower_bound(nodes_.begin(), nodes_.end(), rrset.owner, node_less);
  if (it == nodes_.end() || !it->owner.equals(rrset.owner)) {
    Node node;
    node.owner = rrset.owner;
    node.kind = NodeKind::authoritative;
    it = nodes_.insert(it, std::move(node));
  }
  it->empty_non_terminal = false;
  auto pos = std::lower_bound(it->rrsets.begin(), it->rrsets.end(), rrset.type,
                              [](const Rrset& r, RrType t) { return to_u16(r.type) < to_u16(t); });
  if (pos != it->rrsets.end() && pos->type == rrset.type)
    *pos = std::move(rrset);
  else
    it->rrsets.insert(pos, std::move(rrset));
}

void Zone::remove_type(RrType type) {
  for (std::size_t k = 0; k < nodes_.size();) {
    Node& node = nodes_[k];
    std::erase_if(node.rrsets, [type](const Rrset& r) { return r.type == type; });
    // Signatures over data that no longer exists would be orphans.
    std::erase_if(node.signatures, [type](const Signature& s) { return s.covered == type || type == RrType::RRSIG; });
    if (k > 0 && node.rrsets.empty() && node.signatures.empty() && !node.empty_non_terminal) {
      // A node left empty stays only as the empty non-terminal above a name.
      bool has_descendant = k + 1 < nodes_.size() && nodes_[k + 1].owner.is_subdomain_of(node.owner);
      if (!has_descendant) {
        nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(k));
        continue;
      }
      node.empty_non_terminal = true;
    }
    ++k;
  }
}

std::size_t Zone::record_count() const noexcept {
  // RRSIGs are records too, although they live beside the RRsets.
  std::size_t n = 0;
  for (const Node& node : nodes_) {
    for (const Rrset& r : node.rrsets) n += r.rdatas.size();
    n += node.signatures.size();
  }
  return n;
}

}  // namespace zs
