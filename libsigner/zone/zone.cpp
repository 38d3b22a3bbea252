#include "zone/zone.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>
#include <utility>

#include "core/parallel.hpp"
#include "dns/rdata.hpp"

namespace zs {

namespace {

// Types that may share an owner with a CNAME (RFC 2181 §10.1, RFC 4035
// §2.5; KEY and SIG as BIND 9.18 allows them). Other DNSSEC types (DNSKEY,
// NSEC3PARAM, ...) are dropped before this check when signing, and are
// errors beside a CNAME in a signed zone, as in BIND.
bool allowed_beside_cname(RrType t) noexcept {
  return t == RrType::CNAME || t == RrType::RRSIG || t == RrType::NSEC || t == RrType::KEY || t == RrType::SIG;
}

// Start offsets of the labels of a wire name, root label excluded.
std::size_t label_starts(const Name& n, std::array<std::uint8_t, 128>& at) noexcept {
  const BytesView w = n.wire();
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < w.size() && w[pos] != 0; pos += w[pos] + 1u)
    at[count++] = static_cast<std::uint8_t>(pos);
  return count;
}

// The longest canonical key: every octet of a 255-octet name doubled.
using CanonicalKey = std::array<std::uint8_t, 2 * Name::max_wire_length>;

// A byte string whose plain comparison is RFC 4034 §6.1 canonical order:
// labels from the root down, lower-cased, each closed by 0x00. Octets 0x00
// and 0x01 inside a label become 0x01 0x01 and 0x01 0x02, so a terminator
// always sorts below any label octet and shorter labels sort first. Written
// into `key`; returns its length.
std::size_t canonical_key(const Name& n, CanonicalKey& key) noexcept {
  std::array<std::uint8_t, 128> at;
  const std::size_t count = label_starts(n, at);
  const BytesView w = n.wire();
  std::size_t size = 0;
  for (std::size_t i = count; i-- > 0;) {
    const std::size_t start = at[i] + 1u, end = start + w[at[i]];
    for (std::size_t p = start; p < end; ++p) {
      std::uint8_t c = ascii_lower(w[p]);
      if (c <= 1) {
        key[size++] = 1;
        key[size++] = static_cast<std::uint8_t>(c + 1);
      } else {
        key[size++] = c;
      }
    }
    key[size++] = 0;
  }
  return size;
}

// Number of labels, counted from the root, that two names share.
std::size_t common_labels(const Name& a, const Name& b) noexcept {
  std::array<std::uint8_t, 128> la, lb;
  std::size_t na = label_starts(a, la), nb = label_starts(b, lb);
  const BytesView wa = a.wire();
  const BytesView wb = b.wire();
  std::size_t shared = 0;
  while (shared < na && shared < nb) {
    std::size_t pa = la[na - 1 - shared], pb = lb[nb - 1 - shared];
    if (wa[pa] != wb[pb]) break;
    bool same = true;
    for (std::size_t k = 1; k <= wa[pa]; ++k)
      if (ascii_lower(wa[pa + k]) != ascii_lower(wb[pb + k])) {
        same = false;
        break;
      }
    if (!same) break;
    ++shared;
  }
  return shared;
}

// A record from a file read through $INCLUDE (file 0 is the zone file
// itself) may come from anything the process can read (an .env, a key):
// messages about it name no owner or RDATA, only its kind and position, as
// the parser's do (zonefile/excerpt.hpp).
std::string shown(std::string_view kind, std::string message, const Record& r) {
  if (r.src_file == 0) return message;
  return std::string(kind) + " (details withheld: the record comes from a file read through $INCLUDE; see its "
                             "position)";
}

Error error_at(Errc code, std::string message, const Record& r, const SourceFiles& files) {
  return Error(code, shown(errc_name(code), std::move(message), r), record_location(r, files));
}

ZoneWarning warning_at(std::string message, const Record& r, const SourceFiles& files) {
  return ZoneWarning{r.owner, r.type, shown("zone warning", std::move(message), r), record_location(r, files)};
}

// Types that only exist in queries or as transport (RFC 6895 §3.1): 0, OPT
// (41) and the range 128-255 (TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY and
// the unassigned rest). BIND refuses them in a zone file ("invalid use of a
// meta type"); RFC 3597 syntax (TYPE252) must not smuggle them in.
bool is_meta_type(RrType t) noexcept {
  const std::uint16_t v = to_u16(t);
  return v == 0 || v == 41 || (v >= 128 && v <= 255);
}

// The smallest message that carries a record is an answer to a query for
// it: a 12-octet header, the question (owner, type, class) and the record
// (its owner compressed to a 2-octet pointer, type, class, TTL, RDLENGTH:
// 10 octets, then the RDATA). A record that cannot fit in 65,535 octets
// cannot be served over any transport, and its RRSIG less still.
bool fits_in_message(const Record& r) noexcept {
  constexpr std::size_t header = 12, question_fixed = 4, answer_fixed = 2 + 10, limit = 65535;
  return header + r.owner.wire_length() + question_fixed + answer_fixed + r.rdata.size() <= limit;
}

// A record kept by build, with the position of its first appearance in the
// input (so errors point at the record that made the zone wrong).
struct Item {
  std::size_t order;
  Bytes canonical;
};

bool node_less(const Node& a, const Name& b) { return canonical_compare(a.owner, b) < 0; }

// A node of a signed zone that holds nothing but an NSEC3 RRset, one label
// below the apex: a hashed owner of the NSEC3 chain.
bool is_hash_only(const Node& node, const Name& origin) {
  return !node.rrsets.empty() && node.owner.label_count() == origin.label_count() + 1 &&
         std::all_of(node.rrsets.begin(), node.rrsets.end(), [](const Rrset& r) { return r.type == RrType::NSEC3; });
}

}  // namespace

const Rrset* Node::find(RrType type) const noexcept {
  auto it = std::lower_bound(rrsets.begin(), rrsets.end(), type,
                             [](const Rrset& r, RrType t) { return to_u16(r.type) < to_u16(t); });
  return it != rrsets.end() && it->type == type ? &*it : nullptr;
}

Rrset* Node::find(RrType type) noexcept {
  return const_cast<Rrset*>(std::as_const(*this).find(type));
}

Zone::~Zone() {
  // A large zone's nodes are freed on a few threads: at a million names
  // that is 0.2 s of a daily re-sign otherwise. Serially when no thread starts.
  try {
    for_each_index(nodes_.size(), [&](std::size_t i) { nodes_[i] = Node(); });
  } catch (...) {  // what was not freed on a thread is freed with the vector
  }
}

Result<Zone> Zone::build(std::vector<Record> records, const Name& origin, const SourceFiles& files,
                         BuildOptions options) {
  // Checks on single records: the first bad record in file order is named.
  auto record_problem = [&](const Record& r) -> std::optional<Error> {
    if (!r.owner.is_subdomain_of(origin))
      return error_at(Errc::out_of_zone, r.owner.to_string() + " is outside the zone " + origin.to_string(), r,
                      files);
    if (is_meta_type(r.type))
      return error_at(Errc::bad_type,
                      type_to_string(r.type) + " is a meta type (RFC 6895 §3.1), only valid in queries: " +
                          "no zone can hold it",
                      r, files);
    if (r.type == RrType::NS && r.owner.is_wildcard())
      return error_at(Errc::wildcard_ns,
                      "NS at the wildcard " + r.owner.to_string() + " (RFC 4592 §4.2: a wildcard cannot be a "
                      "delegation point)",
                      r, files);
    if (!fits_in_message(r))
      return error_at(Errc::bad_rdata,
                      type_to_string(r.type) + " record of " + std::to_string(r.rdata.size()) +
                          " RDATA octets: with its owner it cannot fit in a 65,535-octet DNS message",
                      r, files);
    if (r.type == RrType::SOA && !r.owner.equals(origin))
      return error_at(Errc::soa_not_at_apex, "SOA at " + r.owner.to_string() + ", not at the apex", r, files);
    if (r.type == RrType::DS && r.owner.equals(origin))
      return error_at(Errc::ds_at_apex, "DS at the zone apex belongs in the parent zone", r, files);
    if (r.type == RrType::CNAME && r.owner.equals(origin))
      return error_at(Errc::cname_at_apex, "CNAME at the zone apex", r, files);
    return std::nullopt;
  };
  // Records that signing drops (below; a ZONEMD with a warning), found on
  // the same pass.
  auto dropped = [&](const Record& r) {
    return !options.keep_dnssec && (is_dnssec_generated_type(r.type) || r.type == RrType::RRSIG ||
                                    r.type == RrType::ZONEMD);
  };
  // On a few threads (a pass over every record, 0.05 s at a million names
  // on one): each slice finds its first bad record, and the first of those
  // is the first in the file.
  std::size_t first_bad = records.size();
  bool any_dropped = false;
  std::mutex first_guard;
  for_each_slice(records.size(), [&](std::size_t begin, std::size_t end) {
    std::size_t bad = records.size();
    bool drops = false;
    for (std::size_t i = begin; i < end; ++i) {
      if (record_problem(records[i])) {
        bad = i;
        break;
      }
      drops = drops || dropped(records[i]);
    }
    std::lock_guard lock(first_guard);
    first_bad = std::min(first_bad, bad);
    any_dropped = any_dropped || drops;
  });
  if (first_bad < records.size()) return fail(*record_problem(records[first_bad]));

  Zone zone;
  zone.origin_ = origin;
  // Record indexes are held in 32 bits (SortKey, below).
  if (records.size() > UINT32_MAX)
    return fail(Errc::limit, "a zone of more than 4,294,967,295 records is too large to sign here");
  // Sort by owner then type. The keys make canonical order a byte
  // comparison; the sort is stable, so the first record of each RRset in
  // file order leads it (its TTL is the RRset's, as BIND does).
  std::vector<std::size_t> order(any_dropped ? 0 : records.size());
  if (!any_dropped) {
    std::iota(order.begin(), order.end(), std::size_t{0});
  } else {
    order.reserve(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      const Record& r = records[i];
      if (!dropped(r)) {
        order.push_back(i);
      } else if (r.type == RrType::ZONEMD) {
        // RFC 8976: the digest covers every record of the zone (DNSSEC
        // records included) but the ZONEMD RRset itself, so one read from
        // the input is stale once we sign.
        zone.warnings_.push_back(warning_at("ZONEMD dropped: its digest cannot match the signed zone (RFC 8976); "
                                            "sign --zonemd (or zonemd: true in the policy) publishes a new one",
                                            r, files));
      }
    }
  }
  // Every key starts with the origin's. The sixteen octets after it, as two
  // numbers (zero-filled past the key's end), order two keys whenever they
  // differ, and the sort then mostly compares numbers side by side in
  // memory instead of following a pointer per key. Sixteen, not eight:
  // names such as host123456 share their first eight octets by the hundred.
  struct SortKey {
    std::uint64_t prefix[2];
    std::uint32_t record;
    std::uint16_t type;
    // The key's length past the origin's when the prefixes hold all of it
    // (16 or less), otherwise 17.
    std::uint8_t whole_length;
  };
  // With equal prefixes: whether the two keys are known to be equal (both
  // whole, of one length), so that the names need not be read, which at a
  // million names is a cache miss each (the records lie in file order).
  auto one_key = [](const SortKey& a, const SortKey& b) {
    return a.whole_length <= 16 && a.whole_length == b.whole_length;
  };
  // Past the prefixes, the names themselves are compared (canonical_compare
  // orders as the keys do); the keys are never stored.
  std::vector<SortKey> sorted(order.size());
  CanonicalKey origin_key_octets;
  const std::size_t origin_key = canonical_key(origin, origin_key_octets);
  for_each_index(order.size(), [&](std::size_t k) {
    CanonicalKey key;
    const std::size_t key_size = canonical_key(records[order[k]].owner, key);
    SortKey& sort_key = sorted[k];
    for (std::size_t half = 0; half < 2; ++half) {
      std::uint64_t prefix = 0;
      for (std::size_t i = origin_key + 8 * half; i < origin_key + 8 * half + 8; ++i)
        prefix = (prefix << 8) | (i < key_size ? key[i] : 0u);
      sort_key.prefix[half] = prefix;
    }
    sort_key.record = static_cast<std::uint32_t>(order[k]);
    sort_key.type = to_u16(records[order[k]].type);
    sort_key.whole_length = static_cast<std::uint8_t>(std::min<std::size_t>(key_size - origin_key, 17));
  });
  stable_sort_on_threads(sorted.begin(), sorted.end(), [&](const SortKey& a, const SortKey& b) {
    if (a.prefix[0] != b.prefix[0]) return a.prefix[0] < b.prefix[0];
    if (a.prefix[1] != b.prefix[1]) return a.prefix[1] < b.prefix[1];
    if (!one_key(a, b))
      if (const int c = canonical_compare(records[a.record].owner, records[b.record].owner); c != 0) return c < 0;
    return a.type < b.type;
  });
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = sorted[k].record;
  // Whether the records at positions k and l of `order` have one owner.
  auto same_owner = [&](std::size_t k, std::size_t l) {
    const SortKey& a = sorted[k];
    const SortKey& b = sorted[l];
    return a.prefix[0] == b.prefix[0] && a.prefix[1] == b.prefix[1] &&
           (one_key(a, b) || records[order[k]].owner.equals(records[order[l]].owner));
  };

  // For the glue check, which runs once owners are classified: every NS
  // RDATA with the input record it came from.
  struct NsSource {
    std::size_t node;
    std::size_t rdata;
    std::size_t record;
  };
  // The nodes of a run of whole owners in `order`, made apart: a node
  // depends on its own records only. `error` is the first owner's of the
  // run that is wrong, in canonical order, as one pass over all would find.
  struct Part {
    std::size_t begin = 0, end = 0;  // in `order`
    std::vector<Node> nodes;
    std::vector<NsSource> ns_sources;      // `node` within this part's nodes
    std::vector<std::size_t> first_record;  // per node: its first record in file order
    std::optional<Error> error;
  };
  const std::size_t parts = order.size() >= (std::size_t{1} << 16) && std::thread::hardware_concurrency() >= 2 ? 2 : 1;
  std::vector<Part> built(parts);
  for (std::size_t p = 0; p < parts; ++p) {
    built[p].begin = p == 0 ? 0 : built[p - 1].end;
    std::size_t end = std::max(built[p].begin, order.size() * (p + 1) / parts);
    while (end > built[p].begin && end < order.size() && same_owner(end, end - 1)) ++end;
    built[p].end = end;
  }
  auto make_nodes = [&](Part& out) -> std::optional<Error> {
    // One node per owner: counted first, so that the node list is made once
    // at its size instead of grown (and moved) a million times over.
    std::size_t owners = out.begin == out.end ? 0 : 1;
    for (std::size_t k = out.begin + 1; k < out.end; ++k) owners += same_owner(k, k - 1) ? 0 : 1;
    out.nodes.reserve(owners);
    out.first_record.reserve(owners);
    std::vector<Item> items, unique;
    std::vector<BytesView> rdata_views;
    std::vector<SignatureRef> rrsigs;  // of the current node, built into its list once
    std::vector<std::size_t> rrsig_records;  // where they came from, freed once copied
    for (std::size_t i = out.begin; i < out.end;) {
      // The records come in canonical order but lie in file order: each is
      // a cache miss or three (itself, its owner, its RDATA). Loaded ahead,
      // in two steps, since the second needs the record.
      // 0.29 s at a million names without, 0.18-0.22 s with (the distance
      // measured: 8 and 16 alike, 32 and 64 slower).
      constexpr std::size_t ahead = 16;
      if (i + ahead < out.end) __builtin_prefetch(&records[order[i + ahead]]);
      if (i + ahead / 2 < out.end) {
        const Record& soon = records[order[i + ahead / 2]];
        soon.owner.prefetch();
        __builtin_prefetch(soon.rdata.data());
      }
      std::size_t owner_end = i + 1;
      while (owner_end < out.end && same_owner(owner_end, i)) ++owner_end;

      Node node;
      std::size_t first_seen = *std::min_element(order.begin() + static_cast<std::ptrdiff_t>(i),
                                                 order.begin() + static_cast<std::ptrdiff_t>(owner_end));
      // A copy, not the parser's block: the nodes' names then lie in memory
      // in zone order, as every later pass over the zone reads them (in file
      // order they are a cache miss each at a million names).
      node.owner = records[first_seen].owner.copy();
      rrsigs.clear();
      rrsig_records.clear();
      // The records that decide a CNAME conflict: the CNAME, and the first
      // record of other data, by file position.
      const Record* cname = nullptr;
      std::size_t cname_order = 0;
      const Record* other = nullptr;
      std::size_t other_order = 0;
      // A DNAME and an NS at one name below the apex (RFC 6672 §2.3).
      std::optional<std::size_t> dname_order, ns_order;

      for (std::size_t j = i; j < owner_end;) {
        std::size_t type_end = j + 1;
        const RrType type = records[order[j]].type;
        while (type_end < owner_end && records[order[type_end]].type == type) ++type_end;

        unique.clear();
        if (type_end - j == 1) {
          // Most RRsets hold one record: nothing to sort or merge.
          unique.push_back(Item{order[j], {}});
        } else {
          items.clear();
          for (std::size_t k = j; k < type_end; ++k)
            items.push_back(Item{order[k], canonical_rdata(type, records[order[k]].rdata)});
          std::stable_sort(items.begin(), items.end(),
                           [](const Item& a, const Item& b) { return a.canonical < b.canonical; });
          // Duplicates (equal in canonical form) collapse into their first spelling.
          for (Item& it : items) {
            if (!unique.empty() && unique.back().canonical == it.canonical) {
              if (it.order < unique.back().order) unique.back().order = it.order;
              continue;
            }
            unique.push_back(std::move(it));
          }
        }

        if (type == RrType::RRSIG) {
          for (const Item& it : unique) {
            const Record& r = records[it.order];
            const RrType covered = r.rdata.size() >= 2 ? static_cast<RrType>(get_u16(r.rdata.data())) : RrType{0};
            rrsigs.emplace_back(covered, r.ttl, r.rdata);
            rrsig_records.push_back(it.order);
          }
          j = type_end;
          continue;
        }

        if ((type == RrType::SOA || type == RrType::CNAME || type == RrType::DNAME) && unique.size() > 1) {
          std::vector<std::size_t> positions;
          for (const Item& it : unique) positions.push_back(it.order);
          std::sort(positions.begin(), positions.end());
          if (type == RrType::SOA)
            return error_at(Errc::multiple_soa, "a second SOA record at the apex", records[positions[1]], files);
          if (type == RrType::DNAME)
            return error_at(Errc::dname_conflict,
                            "a second DNAME at " + node.owner.to_string() + " (RFC 6672 §2.3: at most one)",
                            records[positions[1]], files);
          return error_at(Errc::cname_conflict, "a second CNAME at " + node.owner.to_string(), records[positions[1]],
                          files);
        }
        if (type == RrType::DNAME) dname_order = unique[0].order;
        if (type == RrType::NS)
          for (const Item& it : unique) ns_order = std::min(ns_order.value_or(it.order), it.order);
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
        rdata_views.clear();
        for (const Item& it : unique) {
          if (type == RrType::NS) out.ns_sources.push_back(NsSource{out.nodes.size(), rdata_views.size(), it.order});
          rdata_views.push_back(records[it.order].rdata);
        }
        set.rdatas = RdataSet(std::span<const BytesView>(rdata_views));
        for (const Item& it : unique) Bytes().swap(records[it.order].rdata);  // held by the set now
        node.rrsets.push_back(std::move(set));
        j = type_end;
      }
      if (cname && other) {
        const Record& later = cname_order > other_order ? *cname : *other;
        return error_at(Errc::cname_conflict, "CNAME and other data at " + node.owner.to_string(), later, files);
      }
      if (dname_order && ns_order && !node.owner.equals(origin))
        return error_at(Errc::dname_conflict,
                        "NS beside a DNAME at " + node.owner.to_string() +
                            ": a DNAME below the apex cannot be a delegation point (RFC 6672 §2.3)",
                        records[std::max(*dname_order, *ns_order)], files);
      node.signatures = SignatureList::sorted_by_covered_type(rrsigs);
      for (std::size_t k : rrsig_records) Bytes().swap(records[k].rdata);  // held by the list now
      out.nodes.push_back(std::move(node));
      out.first_record.push_back(first_seen);
      i = owner_end;
    }

    return std::nullopt;
  };
  run_on_threads(parts, [&](std::size_t p) { built[p].error = make_nodes(built[p]); });
  std::vector<SortKey>().swap(sorted);
  std::vector<NsSource> ns_sources;
  std::vector<std::size_t> first_record;  // per node: its first record in file order
  std::size_t node_count = 0;
  for (const Part& part : built) {
    if (part.error) return fail(*part.error);
    node_count += part.nodes.size();
  }
  zone.nodes_.reserve(node_count);
  first_record.reserve(node_count);
  for (Part& part : built) {
    for (NsSource ns : part.ns_sources) {
      ns.node += zone.nodes_.size();
      ns_sources.push_back(ns);
    }
    std::move(part.nodes.begin(), part.nodes.end(), std::back_inserter(zone.nodes_));
    first_record.insert(first_record.end(), part.first_record.begin(), part.first_record.end());
    part = Part();
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
  // directly, so one "current cut" is enough. Data below a DNAME is kept,
  // as BIND keeps it, but a resolver never sees it: worth a warning.
  // By node: the cut it lies below (the topmost), for the glue check.
  constexpr std::size_t no_cut = static_cast<std::size_t>(-1);
  std::vector<std::size_t> cut_above(zone.nodes_.size(), no_cut);
  const Name* cut = nullptr;
  std::size_t cut_index = no_cut;
  bool cut_is_dname = false;
  std::size_t below_dname = 0;
  for (std::size_t k = 0; k < zone.nodes_.size(); ++k) {
    Node& node = zone.nodes_[k];
    if (k == 0) {
      node.kind = NodeKind::apex;
    } else if (cut && node.owner.is_subdomain_of(*cut)) {
      cut_above[k] = cut_index;
      // A signed zone with a DNAME at its apex holds its NSEC3 records one
      // label below the apex: they are the chain, not data the DNAME hides.
      if (options.keep_dnssec && cut_is_dname && cut == &zone.nodes_.front().owner &&
          is_hash_only(node, origin)) {
        node.kind = NodeKind::authoritative;
        continue;
      }
      node.kind = NodeKind::occluded;
      if (cut_is_dname && !node.rrsets.empty()) {
        if (below_dname < max_occlusion_warnings)
          zone.warnings_.push_back(warning_at("data below the DNAME at " + cut->to_string() +
                                                  " is occluded: kept, but neither signed nor served (RFC 6672 §2.3)",
                                              records[first_record[k]], files));
        ++below_dname;
      }
      continue;
    } else {
      cut = nullptr;
      node.kind = node.has(RrType::NS) ? NodeKind::delegation : NodeKind::authoritative;
    }
    if (node.kind == NodeKind::delegation || node.has(RrType::DNAME)) {
      cut = &node.owner;
      cut_index = k;
      cut_is_dname = node.kind != NodeKind::delegation;
    }
  }
  if (below_dname > max_occlusion_warnings) {
    Location where{files.empty() ? std::string() : files.front(), 0, 0};
    zone.warnings_.push_back(ZoneWarning{origin, RrType::DNAME,
                                         "and " + std::to_string(below_dname - max_occlusion_warnings) +
                                             " more names with data below a DNAME, occluded",
                                         where});
  }

  // Glue. An in-zone NS target must have an address a resolver can find:
  // an A or AAAA record at the target, or at the wildcard that covers it.
  // At or below the NS RRset's own delegation that record is the glue and
  // must exist; at or below another delegation (sibling glue, or an apex NS
  // served by a child) the address is the child's business, and BIND and
  // Knot load the zone without it. A target below a DNAME is unreachable
  // (BIND: "is below a DNAME (illegal)"). Occluded NS RRsets are not served
  // and are not checked. The first offending record in file order is reported.
  auto find = [&zone](const Name& name) -> const Node* {
    auto it = std::lower_bound(zone.nodes_.begin(), zone.nodes_.end(), name, node_less);
    return it != zone.nodes_.end() && it->owner.equals(name) ? &*it : nullptr;
  };
  auto exists = [&zone](const Name& name) {
    auto it = std::lower_bound(zone.nodes_.begin(), zone.nodes_.end(), name, node_less);
    return it != zone.nodes_.end() && it->owner.is_subdomain_of(name);
  };
  // std::lower_bound, searched outwards from node `from`: an NS RRset's own
  // glue lies just below it, a few nodes on, where a search of the whole
  // zone compares names twenty times, a cache miss each (at a million
  // names, most of the glue check's time).
  auto lower_bound_from = [&zone](std::size_t from, const Name& name) {
    const auto first = zone.nodes_.begin();
    const std::size_t size = zone.nodes_.size();
    if (from >= size || !node_less(zone.nodes_[from], name)) return std::lower_bound(first, first + from, name, node_less);
    std::size_t below = from;  // sorts before `name`
    std::size_t step = 1;
    std::size_t probe = from + 1;
    while (probe < size && node_less(zone.nodes_[probe], name)) {
      below = probe;
      step *= 2;
      probe = from + step;
    }
    return std::lower_bound(first + below + 1, first + std::min(probe, size), name, node_less);
  };
  auto has_address = [](const Node* n) { return n && (n->has(RrType::A) || n->has(RrType::AAAA)); };
  // The first problem in file order among `src`'s targets and those that
  // came before it, kept in `bad_record` and `bad`.
  auto check_glue = [&](const NsSource& src, std::optional<std::size_t>& bad_record, std::optional<Error>& bad) {
    const Node& ns_node = zone.nodes_[src.node];
    if (ns_node.kind == NodeKind::occluded) return;
    if (bad_record && src.record > *bad_record) return;
    const BytesView rdata = ns_node.find(RrType::NS)->rdatas[src.rdata];
    for (const Name& target : rdata_names(RrType::NS, rdata)) {
      if (!target.is_subdomain_of(origin)) continue;
      // The topmost cut at or above the target: a delegation at or above
      // it, or a DNAME strictly above it (the apex's too). One search: the
      // classification gave every node below a cut its topmost cut, and a
      // name the zone lacks lies below a cut exactly when the node before
      // it in canonical order is that cut or lies below it, since a cut's
      // subtree follows it contiguously.
      const auto it = lower_bound_from(src.node, target);
      const Node* at = it != zone.nodes_.end() && it->owner.equals(target) ? &*it : nullptr;
      const Node* top = nullptr;
      if (at) {
        const auto k = static_cast<std::size_t>(at - zone.nodes_.data());
        if (cut_above[k] != no_cut)
          top = &zone.nodes_[cut_above[k]];
        else if (at->kind == NodeKind::delegation)
          top = at;
      } else if (it != zone.nodes_.begin()) {
        const auto before = static_cast<std::size_t>(it - zone.nodes_.begin()) - 1;
        const Node& n = zone.nodes_[before];
        const bool is_cut =
            n.kind != NodeKind::occluded && (n.kind == NodeKind::delegation || n.has(RrType::DNAME));
        const std::size_t c = is_cut ? before : cut_above[before];
        if (c != no_cut && target.is_subdomain_of(zone.nodes_[c].owner)) top = &zone.nodes_[c];
      }
      const bool top_is_dname = top && top->kind != NodeKind::delegation;
      std::optional<Error> problem;
      if (top_is_dname) {
        problem = error_at(Errc::dname_conflict,
                           "NS target " + target.to_string() + " is below the DNAME at " + top->owner.to_string() +
                               ": no resolver can reach it",
                           records[src.record], files);
      } else if (top && top != &ns_node) {
        // Sibling glue: the other delegation's servers answer for it.
      } else if (!has_address(at)) {
        bool covered = false;
        if (!top && !exists(target)) {
          Name encloser = target.parent();
          while (!encloser.equals(origin) && !exists(encloser)) encloser = encloser.parent();
          auto wildcard = encloser.prepend("*");
          covered = wildcard && has_address(find(*wildcard));
        }
        if (!covered)
          problem = error_at(Errc::missing_glue,
                             "NS target " + target.to_string() + " is in the zone but has no A or AAAA record",
                             records[src.record], files);
      }
      if (problem && (!bad_record || src.record < *bad_record)) {
        bad_record = src.record;
        bad = std::move(problem);
      }
    }
  };
  // Each NS RRset's targets are looked up on their own: on a few threads
  // (at a million names, 0.12 s on one). The slices' first problems are
  // then compared in order, so the one reported is the one a single pass
  // finds.
  struct GlueProblem {
    std::size_t begin = 0;
    std::optional<std::size_t> record;
    std::optional<Error> error;
  };
  std::vector<GlueProblem> glue_problems;
  std::mutex glue_guard;
  for_each_slice(ns_sources.size(), [&](std::size_t begin, std::size_t end) {
    GlueProblem found{begin, {}, {}};
    for (std::size_t i = begin; i < end; ++i) check_glue(ns_sources[i], found.record, found.error);
    std::lock_guard lock(glue_guard);
    glue_problems.push_back(std::move(found));
  });
  std::ranges::sort(glue_problems, {}, &GlueProblem::begin);
  std::optional<std::size_t> bad_record;
  std::optional<Error> bad;
  for (GlueProblem& found : glue_problems)
    if (found.record && (!bad_record || *found.record < *bad_record)) {
      bad_record = found.record;
      bad = std::move(found.error);
    }
  if (bad) return fail(std::move(*bad));

  // Empty non-terminals. Walking in canonical order, every ancestor of the
  // previous name exists by then; the ancestors of this name that are not
  // also ancestors of the previous one cannot exist (they would sort between
  // the two), so exactly those are inserted, right here, in order. Occluded
  // names get none.
  // Each node's count depends on it and the node before it only, and each
  // node's place in the new list on the counts before it: both on a few
  // threads (a million names), and nothing moves in a zone without any.
  const std::size_t origin_labels = origin.label_count();
  const std::size_t count = zone.nodes_.size();
  std::vector<std::size_t> place(count, 0);  // first the empty non-terminals before each node
  for_each_index(count, [&](std::size_t k) {
    const Node& node = zone.nodes_[k];
    if (k == 0 || node.kind == NodeKind::occluded) return;
    const std::size_t labels = node.owner.label_count();
    const std::size_t shared = std::max(common_labels(zone.nodes_[k - 1].owner, node.owner), origin_labels);
    place[k] = labels > shared + 1 ? labels - shared - 1 : 0;
  });
  std::size_t total = 0;
  for (std::size_t k = 0; k < count; ++k) {
    total += place[k];
    place[k] = total + k;  // now the node's index in the new list, its own empty non-terminals just before it
  }
  if (total == 0) return zone;
  std::vector<Node> nodes(count + total);
  for_each_index(count, [&](std::size_t k) {
    Node& node = zone.nodes_[k];
    const std::size_t ents = place[k] - (k == 0 ? 0 : place[k - 1] + 1);
    // From the shallowest down, as canonical order has them.
    for (std::size_t e = 0; e < ents; ++e) {
      Node& ent = nodes[place[k] - ents + e];
      ent.owner = node.owner.parent(ents - e);
      ent.kind = NodeKind::authoritative;
      ent.empty_non_terminal = true;
    }
    nodes[place[k]] = std::move(node);
  });
  zone.nodes_ = std::move(nodes);
  return zone;
}

std::string ZoneWarning::to_string() const {
  return where.prefix() + "warning: " + message;
}

std::uint32_t Zone::soa_minimum() const noexcept {
  const BytesView rdata = soa().rdatas.front();
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
    erase_if(node.rrsets, [type](const Rrset& r) { return r.type == type; });
    // Signatures over data that no longer exists would be orphans.
    erase_if(node.signatures, [type](SignatureRef s) { return s.covered == type || type == RrType::RRSIG; });
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
  auto count = [&](std::size_t begin, std::size_t end) {
    std::size_t n = 0;
    for (std::size_t i = begin; i < end; ++i) {
      for (const Rrset& r : nodes_[i].rrsets) n += r.rdatas.size();
      n += nodes_[i].signatures.size();
    }
    return n;
  };
  // On a few threads: a walk over every node (0.05 s at a million names),
  // and on one where none starts.
  try {
    std::atomic<std::size_t> total{0};
    for_each_slice(nodes_.size(), [&](std::size_t begin, std::size_t end) { total += count(begin, end); });
    return total;
  } catch (...) {
    return count(0, nodes_.size());
  }
}

}  // namespace zs
