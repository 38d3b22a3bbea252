#include "signer/sign_zone.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <span>
#include <system_error>
#include <thread>

#include "core/atomic_file.hpp"
#include "core/leave_to_exit.hpp"
#include "core/parallel.hpp"
#include "core/encoding.hpp"
#include "crypto/keys.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"
#include "dnssec/verify.hpp"
#include "dnssec/zonemd.hpp"
#include "keys/key_state.hpp"
#include "keys/key_store.hpp"
#include "keys/rollover.hpp"
#include "signer/parent_ds.hpp"
#include "signer/output_chunks.hpp"
#include "signer/output_gate.hpp"
#include "signer/previous_output.hpp"
#include "signer/serial.hpp"
#include "signer/signature_reuse.hpp"
#include "signer/zone_input.hpp"
#include "zone/zone.hpp"
#include "zonefile/writer.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

namespace {

// What a key does in this run's output.
struct KeyUse {
  bool publish = false;      // in the DNSKEY RRset
  bool sign_dnskey = false;  // signs DNSKEY, CDS, CDNSKEY
  bool sign_zone = false;    // signs every other RRset (and CDS, CDNSKEY)
  bool cds = false;          // in CDS/CDNSKEY: the DS set wanted at the parent
};

// A key of this run, shared read-only by the signing threads; only keys that
// sign have their private key loaded.
struct ActiveKey {
  const KeyInfo* info = nullptr;
  KeyUse use;
  std::optional<PrivateKey> key;
  SigningKey signing;
};

// An RRset that this run signs.
// Kept small: a million-name zone has about two million of them, and of Tasks.
struct SignedRrset {
  std::uint32_t node = 0;
  std::uint16_t rrset = 0;  // index into the node's RRsets
};

// One signature to make or reuse: an RRset and a key.
struct Task {
  std::uint32_t signed_rrset = 0;  // index into the SignedRrset list
  std::uint32_t expiration = 0;
  std::uint16_t key = 0;
};

// The RRsets and tasks are a function of the zone and the keys: they are
// dropped once the signatures are in the nodes (the gate, the run's memory
// peak, follows) and made again where needed.
struct SignaturePlan {
  std::vector<SignedRrset> rrsets;
  std::vector<Task> tasks;  // in zone order: by node, RRset, then key
  // By SignedRrset, the digest that identifies each RRset's content across
  // runs (rrset_content_digest): reuse finds previous signatures by it, and
  // the signature index records it. Empty when the run keeps no index.
  std::vector<ContentDigest> contents;

  const SignedRrset& of(const Task& t) const { return rrsets[t.signed_rrset]; }
  static const Rrset& rrset(const Zone& zone, const SignedRrset& s) { return zone.nodes()[s.node].rrsets[s.rrset]; }
  const Rrset& rrset(const Zone& zone, const Task& t) const { return rrset(zone, of(t)); }
};

bool signed_by_key_signing_keys(RrType type) {
  return type == RrType::DNSKEY || type == RrType::CDS || type == RrType::CDNSKEY;
}

// RFC 4035 §2.2: authoritative RRsets are signed; at a delegation only DS and
// the denial records are; occluded data (glue included) never is.
bool needs_signature(const Node& node, const Rrset& rrset) {
  switch (node.kind) {
    case NodeKind::occluded: return false;
    case NodeKind::delegation:
      return rrset.type == RrType::DS || rrset.type == RrType::NSEC || rrset.type == RrType::NSEC3;
    case NodeKind::apex:
    case NodeKind::authoritative: return true;
  }
  return false;
}

// What the summary counts of the output: RRsets signed and records
// (RRSIGs included; carried signatures are added apart).
struct OutputCounts {
  std::size_t rrsets_signed = 0;
  std::size_t records = 0;
};

OutputCounts count_output(const Zone& zone) {
  std::atomic<std::size_t> rrsets_signed{0};
  for_each_slice(zone.nodes().size(), [&](std::size_t begin, std::size_t end) {
    std::size_t n = 0;
    for (std::size_t i = begin; i < end; ++i)
      for (const auto& rrset : zone.nodes()[i].rrsets) n += needs_signature(zone.nodes()[i], rrset) ? 1 : 0;
    rrsets_signed += n;
  });
  return OutputCounts{rrsets_signed, zone.record_count()};
}

bool is_removed(const KeyInfo& info) { return info.timestamps.contains("removed"); }

// Creates the keys a zone without keys needs (the request's key list); a zone
// that has keys is left alone here: rollovers add keys, never this function.
Result<void> ensure_keys(KeyStore& store, const SignRequest& request, std::size_t& created) {
  bool has_ksk = false, has_zsk = false;
  for (const auto& k : store.keys()) {
    if (is_removed(k)) continue;
    has_ksk |= k.signs_keys();
    has_zsk |= k.signs_zone();
  }
  for (const KeyPolicy& want : request.keys) {
    bool needed = (want.role != Role::zsk && !has_ksk) || (want.role != Role::ksk && !has_zsk);
    if (!needed) continue;
    auto k = store.generate(want.role, want.algorithm, want.size, request.now);
    if (!k) return std::unexpected(k.error());
    has_ksk |= (*k)->signs_keys();
    has_zsk |= (*k)->signs_zone();
    ++created;
  }
  if (!has_ksk || !has_zsk) return fail(Errc::key_store, "the key list leaves the zone without a KSK or a ZSK");
  return {};
}

// Which keys this run publishes and signs with. With a policy, the rollover
// planner moves the keys along first and their states decide; without one,
// a zone without keys gets a KSK and a ZSK and every listed key is used by
// its role. Also reports the run's key events, the operator's tasks and a
// coming KSK/CSK rollover's DS request.
Result<std::map<std::uint16_t, KeyUse>> decide_key_uses(KeyStore& store, const SignRequest& request,
                                                        SignSummary& summary) {
  std::map<std::uint16_t, KeyUse> uses;
  if (!request.policy) {
    std::vector<std::uint16_t> before;
    for (const auto& info : store.keys()) before.push_back(info.tag);
    if (auto r = ensure_keys(store, request, summary.keys_created); !r) return std::unexpected(r.error());
    for (const auto& info : store.keys()) {
      if (is_removed(info)) continue;
      uses[info.tag] = KeyUse{true, info.signs_keys(), info.signs_zone(), info.signs_keys()};
      const std::string who = std::string(role_name(info.role)) + " " + std::to_string(info.tag) + " (" +
                              algorithm_name(info.algorithm) + ")";
      if (std::ranges::find(before, info.tag) == before.end())
        summary.key_events.push_back(
            KeyEvent{KeyEventKind::created, info.role, info.tag, info.algorithm, "created " + who});
      // Without a policy every key is published by the first run that sees it.
      if (!info.timestamps.contains("published"))
        summary.key_events.push_back(KeyEvent{KeyEventKind::published, info.role, info.tag, info.algorithm,
                                              "published the DNSKEY of " + who});
    }
    return uses;
  }
  // A DS change the parent's servers already show needs no --ds-seen: the
  // planner then goes on in this same run. Unreachable servers are warnings.
  ParentConfirmation parent =
      confirm_from_observations(store.keys(), store.zone(), request.parent_observations, request.now);
  for (auto& line : parent.lines) summary.key_actions.push_back("parent: " + line);
  for (auto& warning : parent.warnings) summary.notes.push_back(warning);
  auto p = plan(store.keys(), *request.policy, request.now);
  if (!p) return std::unexpected(p.error());
  auto created = apply_plan(*p, store);
  if (!created) return std::unexpected(created.error());
  summary.keys_created = created->size();
  for (const auto& a : p->actions) summary.key_actions.push_back(a.text);
  summary.key_events = key_events(*p, *created, store.keys());
  summary.operator_tasks = resolve_task_tags(p->operator_tasks, *created);
  auto notice = upcoming_ds_request(store.keys(), *request.policy, store.zone().to_string(), request.now);
  if (!notice) return std::unexpected(notice.error());
  summary.notice = std::move(*notice);
  PublishedSet set = published_set(store.keys(), request.now);
  for (auto tag : set.dnskey) uses[tag].publish = true;
  for (auto tag : set.sign_dnskey) uses[tag].sign_dnskey = true;
  for (auto tag : set.sign_zone) uses[tag].sign_zone = true;
  for (auto tag : set.cds) uses[tag].cds = true;
  return uses;
}

Rrset make_apex_rrset(const Zone& zone, RrType type, std::uint32_t ttl) {
  Rrset rrset;
  rrset.owner = zone.apex().owner;
  rrset.type = type;
  rrset.ttl = ttl;
  return rrset;
}

void sort_rdatas(Rrset& rrset) {
  std::vector<Bytes> rdatas = rrset.rdatas.to_vector();
  std::sort(rdatas.begin(), rdatas.end());
  rdatas.erase(std::unique(rdatas.begin(), rdatas.end()), rdatas.end());
  rrset.rdatas = RdataSet(rdatas);
}

// DNSKEY, and for the key-signing keys CDS and CDNSKEY (RFC 7344).
void add_apex_key_records(Zone& zone, const std::vector<ActiveKey>& keys, const SignRequest& request) {
  Rrset dnskey = make_apex_rrset(zone, RrType::DNSKEY, request.dnskey_ttl);
  Rrset cds = make_apex_rrset(zone, RrType::CDS, request.dnskey_ttl);
  Rrset cdnskey = make_apex_rrset(zone, RrType::CDNSKEY, request.dnskey_ttl);
  for (const auto& k : keys) {
    if (k.use.publish) dnskey.rdatas.push_back(k.signing.dnskey_rdata);
    // With double-DS the wanted DS may be for a key not yet in DNSKEY.
    if (k.use.cds && request.publish_cds) {
      for (DigestType digest : request.cds_digests)
        cds.rdatas.push_back(make_ds(zone.origin(), k.signing.dnskey_rdata, digest).to_rdata());
      cdnskey.rdatas.push_back(k.signing.dnskey_rdata);
    }
  }
  for (Rrset* r : {&dnskey, &cds, &cdnskey}) {
    if (r->rdatas.empty()) continue;
    sort_rdatas(*r);
    zone.put_rrset(std::move(*r));
  }
}

// Fills plan.rrsets and plan.tasks (left alone: plan.contents), for every
// node but those `carried_nodes` flags (VerifyOptions::carried_nodes).
void plan_signatures(const Zone& zone, const std::vector<ActiveKey>& keys, SignaturePlan& plan,
                     std::span<const std::uint8_t> carried_nodes) {
  std::vector<Task>& tasks = plan.tasks;
  tasks.clear();
  plan.rrsets.clear();
  tasks.reserve(zone.nodes().size() * 2 * keys.size());
  plan.rrsets.reserve(zone.nodes().size() * 2);
  const auto& nodes = zone.nodes();
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    if (n < carried_nodes.size() && carried_nodes[n] != 0) continue;
    const Node& node = nodes[n];
    for (std::size_t r = 0; r < node.rrsets.size(); ++r) {
      const Rrset& rrset = node.rrsets[r];
      if (!needs_signature(node, rrset)) continue;
      // Signed last, once its digest is known (sign_zonemd).
      if (n == 0 && rrset.type == RrType::ZONEMD) continue;
      const std::size_t before = tasks.size();
      for (std::size_t k = 0; k < keys.size(); ++k) {
        const KeyUse& key = keys[k].use;
        // CDS/CDNSKEY are signed by the zone keys too, so a resolver still
        // holding an older DNSKEY RRset can validate them during a key swap.
        bool use = signed_by_key_signing_keys(rrset.type)
                       ? (key.sign_dnskey || (rrset.type != RrType::DNSKEY && key.sign_zone))
                       : key.sign_zone;
        if (use)
          tasks.push_back({static_cast<std::uint32_t>(plan.rrsets.size()), 0, static_cast<std::uint16_t>(k)});
      }
      if (tasks.size() > before)
        plan.rrsets.push_back({static_cast<std::uint32_t>(n), static_cast<std::uint16_t>(r)});
    }
  }
}

// The content digests of `rrsets` into `out` (of the same size), on
// `threads` workers.
void digest_rrsets(const Zone& zone, std::span<const SignedRrset> rrsets, std::span<ContentDigest> out,
                   unsigned threads) {
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(rrsets.size() / 1024 + 1)));
  run_on_threads(threads, [&](std::size_t worker) {
    const std::size_t begin = rrsets.size() * worker / threads;
    const std::size_t end = rrsets.size() * (worker + 1) / threads;
    for (std::size_t i = begin; i < end; ++i) out[i] = rrset_content_digest(SignaturePlan::rrset(zone, rrsets[i]));
  });
}

// The content digests of the signed RRsets, into plan.contents.
void digest_signed_rrsets(const Zone& zone, SignaturePlan& plan, unsigned threads) {
  plan.contents.resize(plan.rrsets.size());
  digest_rrsets(zone, plan.rrsets, plan.contents, threads);
}

// Signs the tasks that reuse left (those whose `reused` slot is empty) and
// gives each node of the plan its signature list, built once and to size
// from its tasks' signatures: no list of all the run's signatures is held
// beside the zone. The tasks are split into `threads` contiguous ranges that
// end at node boundaries; each worker owns its RrsetSigner (and so its
// OpenSSL contexts) and writes only its own nodes, so the result is the same
// for any thread count. A reused slot is emptied once its node is built.
Result<void> sign_into_nodes(Zone& zone, const std::vector<ActiveKey>& keys, const SignaturePlan& plan,
                             std::vector<CompactBytes>& reused, std::uint32_t inception, unsigned threads,
                             Progress* progress) {
  const std::vector<Task>& tasks = plan.tasks;
  auto node_of = [&](std::size_t i) { return plan.of(tasks[i]).node; };
  // The first task at or after `i` that starts a node's tasks.
  auto node_start = [&](std::size_t i) {
    while (i > 0 && i < tasks.size() && node_of(i) == node_of(i - 1)) ++i;
    return i;
  };
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(tasks.size() / 64 + 1)));
  std::vector<std::optional<Error>> errors(threads);
  auto work = [&](std::size_t worker) {
    RrsetSigner signer;
    const std::size_t begin = node_start(tasks.size() * worker / threads);
    const std::size_t end = node_start(tasks.size() * (worker + 1) / threads);
    // In batches of whole nodes: RRsets that share a key are signed together
    // (RrsetSigner::sign_batch), which halves the cost of ECDSA.
    constexpr std::size_t batch = 64;
    std::vector<RrsetSigner::Item> items;
    std::vector<Bytes> made;  // by task, from `first`; empty where reused
    std::vector<SignatureRef> refs;
    for (std::size_t first = begin; first < end;) {
      const std::size_t last = std::min(end, node_start(first + batch));
      items.clear();
      for (std::size_t i = first; i < last; ++i) {
        if (!reused.empty() && !reused[i].empty()) continue;
        const Task& t = tasks[i];
        items.push_back({&plan.rrset(zone, t), &keys[t.key].signing, inception, t.expiration});
      }
      auto sigs = signer.sign_batch(items, zone.origin());
      if (!sigs) {
        errors[worker] = sigs.error();
        return;
      }
      made.assign(last - first, Bytes());
      for (std::size_t i = first, k = 0; i < last; ++i)
        if (reused.empty() || reused[i].empty()) made[i - first] = (*sigs)[k++].to_rdata();
      for (std::size_t i = first; i < last;) {
        const std::uint32_t n = node_of(i);
        refs.clear();
        std::size_t j = i;
        for (; j < last && node_of(j) == n; ++j) {
          const Rrset& rrset = plan.rrset(zone, tasks[j]);
          const BytesView rdata = made[j - first].empty() ? reused[j].view() : BytesView(made[j - first]);
          refs.emplace_back(rrset.type, rrset.ttl, rdata);
        }
        zone.nodes()[n].signatures = SignatureList::sorted_by_covered_type(refs);
        for (std::size_t k = i; k < j && !reused.empty(); ++k) reused[k] = CompactBytes();
        i = j;
      }
      progress_advance(progress, items.size());
      first = last;
    }
  };
  run_on_threads(threads, work);
  for (auto& e : errors)
    if (e) return fail(std::move(*e));
  return {};
}

// Sets each task's expiration (the jittered validity; the DNSKEY, CDS and
// CDNSKEY RRsets take dnskey-validity) and fills `reused` with the previous
// run's signatures that can stay (left empty when there is nothing to
// reuse), adding their fingerprints to `verified`. Returns how many tasks
// are left to sign. Runs on `threads` workers, each writing only its own
// slots.
std::size_t reuse_signatures(const Zone& zone, const std::vector<ActiveKey>& keys, SignaturePlan& plan,
                             const SignRequest& request, const PreviousSignatures& previous, unsigned threads,
                             std::vector<CompactBytes>& reused, VerifiedSignatures& verified) {
  std::vector<Task>& tasks = plan.tasks;
  const bool reuse = request.refresh && previous.rrset_count() > 0;
  std::vector<SignatureFingerprint> fingerprints(reuse ? tasks.size() : 0);
  reused.assign(reuse ? tasks.size() : 0, CompactBytes());
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(tasks.size() / 1024 + 1)));
  run_on_threads(threads, [&](std::size_t worker) {
    const std::size_t begin = tasks.size() * worker / threads;
    const std::size_t end = tasks.size() * (worker + 1) / threads;
    for (std::size_t i = begin; i < end; ++i) {
      Task& t = tasks[i];
      const Rrset& rrset = plan.rrset(zone, t);
      Duration validity = signed_by_key_signing_keys(rrset.type) ? request.dnskey_validity : request.validity;
      t.expiration = static_cast<std::uint32_t>(
          jittered_expiration(rrset.owner, rrset.type, request.now, validity, request.jitter));
      if (!reuse) continue;
      auto found = previous.find(plan.contents[t.signed_rrset], rrset.ttl, zone.origin(), keys[t.key].signing,
                                 request.now, *request.refresh);
      if (!found || found->rdata.empty()) continue;
      reused[i] = CompactBytes(found->rdata);
      fingerprints[i] = std::move(found->fingerprint);
    }
  });
  std::size_t kept = 0;
  for (const CompactBytes& r : reused) kept += r.empty() ? 0 : 1;
  if (reuse) verified.reserve(kept);
  for (std::size_t i = 0; i < reused.size(); ++i)
    if (!reused[i].empty()) verified.insert(fingerprints[i]);
  return tasks.size() - kept;
}

// Records every signature of the signed zone by the content digest of the
// RRset it covers (signer/signature_reuse.hpp), for the next run, chunk by
// chunk with each chunk's place in the index: a carried chunk's entries are
// copied from the previous index (`previous`), every other chunk's are made
// from the zone. The content digests come from the plan when it has them (a
// run that reused signatures); otherwise they are computed here, a slice at
// a time on `threads` workers, so that they are never all held at once.
// `chunks` (the output's, from the read-back) get their entries' places.
Result<void> write_signature_index(const Zone& zone, const SignaturePlan& plan, unsigned threads,
                                   const std::string& path, const std::string& output_sha256,
                                   const ContentDigest& signers, const ContentDigest& denial,
                                   std::vector<IndexedChunk>& chunks,
                                   std::span<const std::size_t> ends, std::span<const IndexedChunk* const> carried,
                                   const PreviousSignatures& previous) {
  const std::vector<SignedRrset>& rrsets = plan.rrsets;
  std::vector<Bytes> dnskeys;
  if (const Rrset* d = zone.apex().find(RrType::DNSKEY)) dnskeys = d->rdatas.to_vector();
  // The carried chunks' entries stay where they are when the index is
  // appended to the previous one's file.
  std::uint64_t live = 0;
  for (const IndexedChunk* from : carried)
    if (from) live += from->entries_size;
  auto writer = SignatureIndexWriter::create(path, zone.origin(), output_sha256, signers, denial, dnskeys,
                                             previous.append_target(), live);
  if (!writer) return std::unexpected(writer.error());
  if (!chunks.empty() && chunks.size() != ends.size())
    return fail(Errc::internal, "the output's chunks are not the zone's");
  std::vector<BytesView> rrsigs;
  constexpr std::size_t slice = std::size_t{1} << 16;
  std::vector<ContentDigest> computed;
  std::size_t computed_from = 0;
  // The entries of plan.rrsets [i, end) (in zone order).
  auto add_rrsets = [&](std::size_t& i, std::size_t end) -> Result<void> {
    for (; i < end; ++i) {
      if (plan.contents.empty() && (computed.empty() || i - computed_from >= computed.size())) {
        computed_from = i;
        computed.resize(std::min(slice, rrsets.size() - i));
        digest_rrsets(zone, std::span(rrsets).subspan(i, computed.size()), computed, threads);
      }
      const SignedRrset& s = rrsets[i];
      const Node& node = zone.nodes()[s.node];
      const RrType type = SignaturePlan::rrset(zone, s).type;
      rrsigs.clear();
      for (SignatureRef sig : node.signatures)
        if (sig.covered == type) rrsigs.push_back(sig.rdata);
      const ContentDigest& content = plan.contents.empty() ? computed[i - computed_from] : plan.contents[i];
      if (auto r = writer->add(content, rrsigs); !r) return r;
    }
    return {};
  };
  std::size_t i = 0;
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    if (const IndexedChunk* from = carried.empty() ? nullptr : carried[c]) {
      auto source = previous.entries_of(*from);
      if (!source) return fail(Errc::internal, "a carried chunk's entries are not in the previous index");
      if (auto r = writer->copy_entries(*source); !r) return r;
    } else {
      std::size_t end = i;
      while (end < rrsets.size() && rrsets[end].node < ends[c]) ++end;
      if (auto r = add_rrsets(i, end); !r) return r;
    }
    if (auto r = writer->end_chunk(chunks[c]); !r) return r;
  }
  if (auto r = add_rrsets(i, rrsets.size()); !r) return r;
  return writer->commit(chunks);
}

// The chunks of this output carried over whole from the previous one: by
// chunk, the previous output's chunk with the same records but RRSIGs
// (`unsigned_digests`, chunk_unsigned_digest), or null for a chunk that this
// run signs and checks. A chunk is carried only when all that its
// signatures depend on besides its records is as it was (the same keys sign
// the same way: `signers`; the same DNSKEY RRset) and none of them is due
// for refresh or not valid yet: each then stands as the last run's gate
// proved it (docs/architecture.md, "Carried chunks"). Empty when none is.
std::vector<const IndexedChunk*> carry_chunks(const Zone& zone, const PreviousSignatures& previous,
                                              std::span<const IndexedChunk> previous_chunks,
                                              const ContentDigest& signers,
                                              std::span<const ChunkDigest> unsigned_digests, UnixTime now,
                                              Duration refresh) {
  std::vector<const IndexedChunk*> carried;
  if (previous.signers() != signers) return carried;
  const Rrset* dnskeys = zone.apex().find(RrType::DNSKEY);
  if (!dnskeys || dnskeys->rdatas.to_vector() != previous.dnskeys()) return carried;
  std::vector<const IndexedChunk*> by_digest;
  for (const IndexedChunk& c : previous_chunks) by_digest.push_back(&c);
  std::ranges::sort(by_digest, {}, [](const IndexedChunk* c) { return c->unsigned_records; });
  bool any = false;
  for (const ChunkDigest& d : unsigned_digests) {
    auto it = std::ranges::lower_bound(by_digest, d, {}, [](const IndexedChunk* c) { return c->unsigned_records; });
    const IndexedChunk* from = it != by_digest.end() && (*it)->unsigned_records == d ? *it : nullptr;
    if (from && from->signatures > 0 &&
        (rrsig_seconds_until(from->earliest_expiration, static_cast<std::uint64_t>(now)) <=
             static_cast<std::int64_t>(refresh) ||
         rrsig_seconds_until(from->latest_inception, static_cast<std::uint64_t>(now)) > 0))
      from = nullptr;
    if (from && (!previous.entries_of(*from) || from->size > (std::uint64_t{1} << 30))) from = nullptr;
    carried.push_back(from);
    any = any || from;
  }
  if (!any) carried.clear();
  return carried;
}

// What the signatures of this run depend on besides the RRsets: each
// signing key's DNSKEY and what it signs. A chunk of the previous output is
// carried over only when its run had the same (IndexedChunk).
ContentDigest signers_digest(const std::vector<ActiveKey>& keys) {
  std::vector<Bytes> signers;
  for (const ActiveKey& k : keys) {
    if (!k.use.sign_dnskey && !k.use.sign_zone) continue;
    Bytes one;
    put_u8(one, static_cast<std::uint8_t>((k.use.sign_dnskey ? 1 : 0) | (k.use.sign_zone ? 2 : 0)));
    put_bytes(one, k.signing.dnskey_rdata);
    signers.push_back(std::move(one));
  }
  std::ranges::sort(signers);
  Bytes all;
  for (const Bytes& one : signers) {
    put_u16(all, static_cast<std::uint16_t>(one.size()));
    put_bytes(all, one);
  }
  const Bytes d = digest(DigestType::SHA256, all);
  ContentDigest out{};
  std::copy_n(d.begin(), out.size(), out.begin());
  return out;
}

// Moves `earliest` back to the expiration of this RRSIG if it is earlier:
// the moment by which the next run must have re-signed.
void note_expiration(BytesView rrsig_rdata, UnixTime now, std::optional<UnixTime>& earliest) {
  auto rrsig = Rrsig::from_rdata(rrsig_rdata);
  if (!rrsig) return;
  UnixTime when = now + static_cast<std::int32_t>(rrsig->expiration - static_cast<std::uint32_t>(now));
  if (!earliest || when < *earliest) earliest = when;
}

// The earliest expiration among the zone's signatures and `carried` (that of
// the carried chunks' signatures, which the zone does not hold).
UnixTime earliest_expiration(const Zone& zone, UnixTime now, std::optional<UnixTime> carried) {
  std::optional<UnixTime> earliest = carried;
  for (const Node& node : zone.nodes())
    for (SignatureRef sig : node.signatures) note_expiration(sig.rdata, now, earliest);
  return earliest.value_or(now);
}

// RFC 8976 §3: the digest covers every record but the apex ZONEMD RRset and
// its signatures, so the placeholder's digest is filled in once everything
// else is signed, and the RRset signed then. It stays out of the signature
// plan, and so out of reuse and of the signature index: a signature over an
// earlier digest can never be carried over.
Result<void> sign_zonemd(Zone& zone, const std::vector<ActiveKey>& keys, const SignRequest& request,
                         std::uint32_t inception, SignSummary& summary) {
  set_zonemd_digest(zone);
  Node& apex = zone.apex();
  const Rrset& rrset = *apex.find(RrType::ZONEMD);
  const auto expiration = static_cast<std::uint32_t>(
      jittered_expiration(rrset.owner, rrset.type, request.now, request.validity, request.jitter));
  RrsetSigner signer;
  std::vector<Bytes> made;
  std::optional<UnixTime> earliest;
  for (const auto& k : keys) {
    if (!k.use.sign_zone) continue;
    auto rrsig = signer.sign(rrset, zone.origin(), k.signing, inception, expiration);
    if (!rrsig) return std::unexpected(rrsig.error());
    made.push_back(rrsig->to_rdata());
    note_expiration(made.back(), request.now, earliest);
  }
  summary.signatures += made.size();
  if (earliest) summary.expiration = std::min(summary.expiration, *earliest);
  std::vector<SignatureRef> all(apex.signatures.begin(), apex.signatures.end());
  for (const Bytes& rdata : made) all.emplace_back(rrset.type, rrset.ttl, rdata);
  apex.signatures = SignatureList::sorted_by_covered_type(all);
  return {};
}

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

// The signed zone must never land in the key folder: a typo there would
// overwrite a private key or the key state, which nothing can recreate.
Result<void> refuse_output_in_key_folder(const std::string& output, const std::string& key_dir) {
  std::error_code ec;
  auto keys = std::filesystem::weakly_canonical(key_dir, ec);
  if (ec) return {};
  auto out = std::filesystem::weakly_canonical(output, ec);
  if (ec) return {};
  auto [k, o] = std::mismatch(keys.begin(), keys.end(), out.begin(), out.end());
  if (k == keys.end() || (std::next(k) == keys.end() && k->empty()))
    return fail(Errc::usage, "--output '" + output + "' is inside the key folder '" + key_dir +
                                 "': zonesign never writes a zone among the keys (it could replace a private key "
                                 "or the key state); choose an output outside it");
  return {};
}

}  // namespace

bool reuses_previous_output(const SignRequest& request) {
  if (!request.refresh || request.output == "-") return false;
  const std::string folder = (std::filesystem::path(request.key_dir) / KeyStore::folder_name(request.origin)).string();
  std::error_code ec;
  return std::filesystem::is_regular_file(request.output, ec) &&
         std::filesystem::is_regular_file(signature_index_path(folder), ec);
}

Result<SignSummary> sign_zone(const SignRequest& request) {
  SignSummary summary;
  if (request.output != "-")
    if (auto r = refuse_output_in_key_folder(request.output, request.key_dir); !r) return std::unexpected(r.error());
  const unsigned threads = request.threads ? request.threads : std::max(1u, std::thread::hardware_concurrency());
  // Closes the previous output once the new one is in place (below); joined
  // last, after the zone is freed.
  std::jthread closer;

  // The same reading and checks as `zonesign check --zone` (signer/zone_input).
  progress_step(request.progress, "reading", 0);
  auto input = read_unsigned_zone(request.zone_file, request.origin, request.zone_max_ttl, request.input);
  if (!input) return std::unexpected(input.error());
  summary.records_in = input->records_in;
  Zone& zone = input->zone;
  // A ZONEMD dropped, data occluded by a DNAME: "file:line:column: warning: ...".
  for (const ZoneWarning& w : zone.warnings()) summary.notes.push_back(w.to_string());

  auto store = KeyStore::open(request.key_dir, request.origin, true);
  if (!store) return std::unexpected(store.error());
  if (request.policy) store->make_new_keys_in(token_for_new_keys(*request.policy));
  auto clock = store->check_clock(request.now, request.allow_clock_back);
  if (!clock) return std::unexpected(clock.error());
  for (const auto& line : *clock) summary.notes.push_back("--allow-clock-back: moved " + line);
  auto uses = decide_key_uses(*store, request, summary);
  if (!uses) return std::unexpected(uses.error());

  std::vector<ActiveKey> keys;
  for (const auto& info : store->keys()) {
    auto it = uses->find(info.tag);
    if (it == uses->end()) continue;
    ActiveKey active{&info, it->second, std::nullopt, {}};
    if (active.use.sign_dnskey || active.use.sign_zone) {
      auto key = store->load_private(info);
      if (!key) return std::unexpected(key.error());
      active.key = std::move(*key);
    }
    keys.push_back(std::move(active));
  }
  for (auto& k : keys) {  // pointers into `keys` are stable from here on
    k.signing = SigningKey{k.key ? &*k.key : nullptr, k.info->dnskey().to_rdata(), k.info->tag, k.info->algorithm};
  }

  std::optional<std::uint32_t> published;
  if (request.output != "-") published = read_published_serial(request.output);
  auto serial = next_serial(zone, request.serial, request.now, published);
  if (!serial) return std::unexpected(serial.error());
  summary.serial = *serial;

  // Before the chain: the apex NSEC/NSEC3 type bitmap lists ZONEMD.
  const bool zonemd = request.zonemd || (request.policy && request.policy->zonemd);
  if (zonemd) add_zonemd_placeholder(zone);
  add_apex_key_records(zone, keys, request);
  if (request.denial == DenialType::nsec) {
    add_nsec_chain(zone);
  } else if (auto r = add_nsec3_chain(zone, request.nsec3); !r) {
    return std::unexpected(r.error());
  }

  PreviousSignatures previous;
  // The previous output's chunks (signer/output_chunks.hpp), from its index.
  std::vector<IndexedChunk> previous_chunk_list;
  std::vector<IndexedChunk> written_chunks;  // this output's, for the next run
  const std::string output_path = absolute_path(request.output);
  // With reuse on, every run leaves a signature index in the key folder
  // for the next one; without it, none is read or written.
  const bool keep_index = request.refresh && request.output != "-";
  const std::string index_path = signature_index_path(store->folder());
  std::string vouched;  // the SHA-256 of the previous output, on record
  if (keep_index) {
    // A previous output that does not read back is no reason to stop:
    // everything is then signed afresh.
    if (const auto& last = store->last_signed(); last && last->output == output_path) vouched = last->sha256;
    auto indexed = PreviousSignatures::load_index(index_path, request.origin, vouched);
    if (!indexed)
      summary.notes.push_back(indexed.error().to_string() + "; reading the previous output instead");
    if (indexed && *indexed) {
      previous = std::move(**indexed);
      previous_chunk_list = previous.take_chunks();
    } else if (auto loaded = PreviousSignatures::load(request.output, request.origin, vouched)) {
      previous = std::move(*loaded);
    } else {
      summary.notes.push_back("previous output not reused (" + loaded.error().to_string() + "); signing everything");
    }
  }
  const auto inception = static_cast<std::uint32_t>(request.now - request.inception_offset);
  const ContentDigest signers = signers_digest(keys);
  // The output's chunks (signer/output_chunks.hpp); none with --output -.
  const std::vector<std::size_t> ends = request.output == "-" ? std::vector<std::size_t>() : chunk_ends(zone);
  // By chunk, its records without RRSIGs, for the index (none with a
  // ZONEMD, whose digest is filled in after them: such an index carries
  // nothing over), and the chunks carried over whole from the previous
  // output (carry_chunks), with their nodes.
  std::vector<ChunkDigest> unsigned_digests;
  if (keep_index && !zonemd) unsigned_digests = chunk_unsigned_digests(zone, ends, threads);
  std::optional<PreviousOutput> previous_file =
      keep_index && !previous_chunk_list.empty() ? PreviousOutput::open(request.output, true) : std::nullopt;
  std::vector<const IndexedChunk*> carried;
  // A previous output of another length than its chunks' is not the one
  // they describe: nothing is carried from it.
  if (previous_file && !unsigned_digests.empty() &&
      previous_file->size() == previous_chunk_list.back().offset + previous_chunk_list.back().size)
    carried = carry_chunks(zone, previous, previous_chunk_list, signers, unsigned_digests, request.now,
                           *request.refresh);
  // The index's entries of the previous chunks but those `skip` marks: where
  // this run looks for signatures to reuse (of a version 5 index no others
  // are read). Entries that fail their digest are not used: the previous
  // output is read instead. False then: nothing can be carried, since the
  // carried chunks' entries could not go into the next index.
  auto load_entries_or_output = [&](std::span<const std::uint8_t> skip) {
    auto r = previous.load_entries(previous_chunk_list, skip);
    if (r) return true;
    summary.notes.push_back("signature index " + index_path + ": " + r.error().message +
                            "; reading the previous output instead");
    if (auto loaded = PreviousSignatures::load(request.output, request.origin, vouched)) {
      previous = std::move(*loaded);
    } else {
      previous = PreviousSignatures();
      summary.notes.push_back("previous output not reused (" + loaded.error().to_string() + "); signing everything");
    }
    return false;
  };
  if (keep_index) {
    std::vector<std::uint8_t> skip(previous_chunk_list.size(), 0);
    for (const IndexedChunk* from : carried)
      if (from) skip[static_cast<std::size_t>(from - previous_chunk_list.data())] = 1;
    if (!load_entries_or_output(skip)) carried.clear();
  }
  // The denial chain's inputs (dnssec/verify.hpp denial_digest): when they
  // are those of the previous output, whose check passed, the chain is not
  // checked again. Taken by the gate's verify_zone part, beside the writing,
  // which leaves a core idle while it waits on the disk (0.13 s of a
  // re-sign at a million names otherwise); signing changes none of them.
  std::optional<ContentDigest> denial;
  const ContentDigest previous_denial = previous.denial();
  bool may_prove_denial = keep_index;
  std::vector<std::uint8_t> carried_nodes;
  std::size_t carried_signatures = 0;
  std::optional<UnixTime> carried_expiration;
  if (!carried.empty()) {
    carried_nodes.assign(zone.nodes().size(), 0);
    for (std::size_t c = 0; c < carried.size(); ++c) {
      if (!carried[c]) continue;
      std::fill(carried_nodes.begin() + static_cast<std::ptrdiff_t>(c == 0 ? 0 : ends[c - 1]),
                carried_nodes.begin() + static_cast<std::ptrdiff_t>(ends[c]), std::uint8_t{1});
      carried_signatures += carried[c]->signatures;
      if (carried[c]->signatures > 0) {
        const UnixTime when =
            request.now +
            rrsig_seconds_until(carried[c]->earliest_expiration, static_cast<std::uint64_t>(request.now));
        if (!carried_expiration || when < *carried_expiration) carried_expiration = when;
      }
    }
  }
  SignaturePlan plan;
  plan_signatures(zone, keys, plan, carried_nodes);
  // Content digests are needed before signing only to find signatures to
  // reuse; otherwise they are computed for the index at the end, so that
  // they are not held through the gate (32 octets per signed RRset).
  if (keep_index && previous.rrset_count() > 0) digest_signed_rrsets(zone, plan, threads);
  std::vector<ProverKey> prover_keys;
  for (const auto& k : keys)
    if (k.key) prover_keys.push_back(ProverKey{&*k.key, k.signing.dnskey_rdata});
  const ResigningProver prover(std::move(prover_keys));
  // The previous output's chunks by records digest: those whose records
  // this zone holds, signatures included, are copied from it instead of
  // rendered, and this run's read-back parses only the chunks they do not
  // prove.
  std::vector<const IndexedChunk*> previous_chunks;
  for (const IndexedChunk& c : previous_chunk_list) previous_chunks.push_back(&c);
  std::ranges::sort(previous_chunks, {}, [](const IndexedChunk* c) { return c->proof.records; });
  ProvenChunks proven([&] {
    std::vector<ChunkProof> proofs;
    for (const IndexedChunk* c : previous_chunks) proofs.push_back(c->proof);
    return proofs;
  }());
  std::optional<StagedFile> staged;
  std::string sha256;
  OutputCounts output_counts;  // of the output that passed the gate
  // Carried chunks and reused signatures are a cache: should the gate
  // refuse a zone holding some (a damaged index or output, a bug), the run
  // tries again without carrying or copying anything from the previous
  // output, then with nothing reused, and checks again each time, rather
  // than fail every run until someone clears it.
  bool reuse = true;
  bool copy_previous = true;
  for (bool first = true;; first = false) {
    if (!first) {
      // The index's entries of the chunks that were carried were not read:
      // they are now, for the signatures they hold.
      if (!carried.empty() && reuse && keep_index)
        load_entries_or_output(std::vector<std::uint8_t>(previous_chunk_list.size(), 0));
      carried.clear();
      carried_nodes.clear();
      carried_signatures = 0;
      carried_expiration.reset();
      plan_signatures(zone, keys, plan, carried_nodes);
      plan.contents.clear();
      if (reuse && keep_index && previous.rrset_count() > 0) digest_signed_rrsets(zone, plan, threads);
    }
    const std::size_t task_count = plan.tasks.size();
    std::vector<CompactBytes> reused;
    VerifiedSignatures verified;
    const PreviousSignatures none;
    const std::size_t pending =
        reuse_signatures(zone, keys, plan, request, reuse ? previous : none, threads, reused, verified);
    // Its memory is needed for what follows, unless the next index copies
    // the carried chunks' entries from it.
    if (carried.empty()) previous = PreviousSignatures();
    progress_step(request.progress, "signing", pending);
    for (auto& node : zone.nodes()) node.signatures.clear();
    if (auto r = sign_into_nodes(zone, keys, plan, reused, inception, threads, request.progress); !r)
      return std::unexpected(r.error());
    reused = {};
    plan.tasks = {};
    plan.rrsets = {};
    summary.signatures = task_count + carried_signatures;
    summary.signatures_reused = task_count - pending + carried_signatures;
    summary.expiration = earliest_expiration(zone, request.now, carried_expiration);
    if (zonemd)
      if (auto r = sign_zonemd(zone, keys, request, inception, summary); !r) return std::unexpected(r.error());

    // The gate (signer/output_gate.hpp): the zone is streamed into a staged
    // file beside the output and hashed as it goes, the file is read back and
    // compared with the zone record by record, and the zone passes verify_zone
    // with this run's deterministic signatures proven by making them again.
    // Publishing then goes in an order that a failure or a kill at any step
    // cannot turn into a published zone whose keys are lost, or a key state
    // that runs ahead of the published zone (keys/key_store.hpp): the zone is
    // staged in full first, the new keys and a state listing them as
    // unpublished next, then the zone is renamed into place, and last the key
    // state records what this run did. Any failure before the rename leaves the
    // output and the key folder as they were.
    GateOptions gate{request.now, threads, &verified, &prover, carried_nodes, false};
    staged.reset();
    summary.output.clear();
    ReadAt read_output;
    std::vector<OutputChunk> chunks;  // empty with --output -: read back whole
    // The staged output's writing: done here, or with `following` beside the
    // read-back (write_output), the chunks then passed on through `feed`.
    bool following = false;
    bool copying = false;  // chunks were to be copied from the previous output
    Result<void> written;
    std::function<void()> write_output;
    ChunkFeed feed;
    if (request.output == "-") {
      // Printed only once the key state is committed, so held until then.
      write_zone_text(zone, summary.output);
      read_output = [text = std::string_view(summary.output)](std::uint64_t offset,
                                                              std::span<char> out) -> Result<std::size_t> {
        const std::size_t n = offset >= text.size() ? 0 : std::min(out.size(), text.size() - offset);
        std::copy_n(text.data() + offset, n, out.data());
        return n;
      };
    } else {
      remove_stale_temp_files(request.output);  // what killed runs left beside it
      // Direct I/O: the zone is hundreds of MB at a million names, new on
      // every run, and read back once (core/direct_io.hpp).
      auto created = StagedFile::create(request.output, 0644, StagedFile::Io::direct);
      if (!created) return std::unexpected(std::move(created.error()).with_context("nothing was published"));
      staged.emplace(std::move(*created));
      progress_step(request.progress, "writing", 0);
      // The read-back, the SHA-256 and the fsync follow the writing (below)
      // where the file can be read back while it is written; otherwise they
      // wait for it.
      following = staged->follow().has_value();
      // Carried chunks, and chunks whose records (signatures included) the
      // previous output holds, are copied from it. Its bytes are not
      // trusted: the read-back checks them, and a refusal makes the retry
      // below render everything.
      ChunkSource source;
      if (reuse && copy_previous && previous_file)
        source = ChunkSource{previous_file->fd(), [&](std::size_t c) -> std::optional<CopyRange> {
                               const IndexedChunk* from = carried.empty() ? nullptr : carried[c];
                               if (!from) {
                                 const ChunkDigest records =
                                     chunk_records_digest(zone, c == 0 ? 0 : ends[c - 1], ends[c]);
                                 auto it = std::ranges::lower_bound(
                                     previous_chunks, records, {},
                                     [](const IndexedChunk* k) { return k->proof.records; });
                                 if (it != previous_chunks.end() && (*it)->proof.records == records) from = *it;
                               }
                               // Beyond the end of the file opened: another file now.
                               if (!from || from->offset + from->size > previous_file->size()) return std::nullopt;
                               return CopyRange{from->offset, from->size};
                             },
                             previous_file->direct_fd()};
      if (following) {
        write_output = [&, source] {
          written = write_signed_zone(zone, *staged, threads, ends, source, chunks, summary.output_bytes_copied,
                                      &feed);
        };
        copying = static_cast<bool>(source);
        read_output = [&file = *staged](std::uint64_t offset, std::span<char> out) {
          return file.read_following(offset, out);
        };
      } else {
        written = write_signed_zone(zone, *staged, threads, ends, source, chunks, summary.output_bytes_copied);
        copying = static_cast<bool>(source);
      }
    }
    // A previous output cut short under this run, say, fails the copies:
    // then it is written again without them.
    auto retry_without_copies = [&] {
      if (!copying) return false;
      summary.notes.push_back("writing the zone with chunks copied from the previous output failed (" +
                              written.error().to_string() + "); written again without them");
      copy_previous = false;
      return true;
    };
    if (!following && !written) {
      if (retry_without_copies()) continue;
      return std::unexpected(std::move(written.error()).with_context("nothing was published"));
    }
    if (staged && !following)
      read_output = [&file = *staged](std::uint64_t offset, std::span<char> out) { return file.read_at(offset, out); };
    // The read-back and verify_zone only read the zone: they run side by
    // side (verify_zone on its own threads too), and beside the writing
    // when the read-back follows it. The read-back's error is the one
    // reported when both fail, as when they ran one after the other.
    if (!following) progress_step(request.progress, "checking", 0);
    Result<void> read_back;
    Result<VerifyReport> checked = VerifyReport{};
    // Once the gate refused reused data, nothing of the last run is taken
    // over: the read-back parses every chunk.
    const ProvenChunks none_proven;
    ReadBackCounts counts;
    // The staged file's fsync runs beside them: it waits on the disk, and
    // nothing is committed before it is done.
    Result<void> synced;
    // And the SHA-256 that the key state records: of the bytes the file
    // holds, which include those the kernel copied unseen.
    Result<std::string> hashed = std::string();
    // Following the writing, the file is read once for the read-back and
    // the SHA-256 (ReadBackTee), each on its own thread.
    std::optional<ReadBackTee> tee;
    if (following) tee.emplace(read_output);
    auto check_read_back_of_tee = [&] {
      struct Stop {
        ReadBackTee& tee;
        ~Stop() { tee.stop(); }
      } stop{*tee};
      const ReadAt read = [&](std::uint64_t offset, std::span<char> out) { return tee->read(offset, out); };
      return check_read_back(zone, read, request.origin, feed, reuse ? proven : none_proven, &counts, carried);
    };
    // Should one of these threads not start, the others are released
    // (their waits on the writing, the chunks and the tee end) and the run
    // fails, instead of waiting for it forever.
    auto release_all = [&] {
      if (!following) return;
      staged->end_following();
      feed.close();
      tee->stop();
    };
    run_on_threads(staged ? 4 : 2, [&](std::size_t part) {
      if (part == 3 && following) {
        // The writing, which the read-back and the SHA-256 follow; it
        // releases them on every way out, a failure or an exception too.
        struct Release {
          StagedFile& file;
          ChunkFeed& feed;
          ~Release() {
            file.end_following();
            feed.close();
          }
        } release{*staged, feed};
        write_output();
        if (!written) return;
        progress_step(request.progress, "checking", 0);
        synced = staged->sync();
      } else if (part == 3) {
        synced = staged->sync();
      } else if (part == 2) {
        hashed = following ? tee->run() : output_sha256(read_output);
      } else if (part == 1) {
        if (keep_index && !denial) denial = denial_digest(zone, threads);
        gate.denial_proven = may_prove_denial && denial == previous_denial;
        summary.denial_proven = gate.denial_proven;
        checked = check_signed_zone(zone, gate);
        // The summary's counts, here where the writing leaves a core idle
        // (0.03 s at a million names after it).
        if (checked) output_counts = count_output(zone);
      } else if (!staged) {
        read_back = check_read_back(zone, read_output, request.origin);
      } else if (auto proofs = following ? check_read_back_of_tee()
                                         : check_read_back(zone, read_output, request.origin, chunks,
                                                           reuse ? proven : none_proven, &counts, carried)) {
        written_chunks.clear();
        for (std::size_t i = 0; i < chunks.size(); ++i) {
          IndexedChunk& w = written_chunks.emplace_back();
          w.proof = (*proofs)[i];
          if (!unsigned_digests.empty()) w.unsigned_records = unsigned_digests[i];
          w.offset = chunks[i].offset;
          w.size = chunks[i].size;
          if (const IndexedChunk* from = carried.empty() ? nullptr : carried[i]) {
            w.signatures = from->signatures;
            w.earliest_expiration = from->earliest_expiration;
            w.latest_inception = from->latest_inception;
          } else {
            const ChunkSignatureTimes times = chunk_signature_times(zone, chunks[i].first_node, chunks[i].end_node,
                                                                    static_cast<std::uint32_t>(request.now));
            w.signatures = times.signatures;
            w.earliest_expiration = times.earliest_expiration;
            w.latest_inception = times.latest_inception;
          }
        }
      } else {
        read_back = std::unexpected(std::move(proofs.error()));
      }
    }, release_all);
    if (!written) {
      if (retry_without_copies()) continue;
      return std::unexpected(std::move(written.error()).with_context("nothing was published"));
    }
    summary.output_bytes_parsed = counts.bytes_parsed;
    summary.output_bytes_proven = counts.bytes_proven;
    if (!synced) return std::unexpected(std::move(synced.error()).with_context("nothing was published"));
    // The tee stops when the read-back ends first, having refused the file:
    // then the read-back's error is the one that counts.
    if (!hashed && (read_back || !following))
      return std::unexpected(std::move(hashed.error()).with_context("nothing was published"));
    if (hashed) sha256 = std::move(*hashed);
    if (read_back && checked) break;
    const Error& error = read_back ? checked.error() : read_back.error();
    if (!carried.empty() || (copy_previous && summary.output_bytes_copied > 0)) {
      summary.notes.push_back("the self-check refused the zone with chunks taken from the previous output (" +
                              error.to_string() + "); checked again without them");
      copy_previous = false;
      continue;
    }
    if (!reuse || summary.signatures_reused == 0) return std::unexpected(error);
    summary.notes.push_back("the self-check refused the zone with " + std::to_string(summary.signatures_reused) +
                            " signatures reused from the last run (" + error.to_string() +
                            "); signed everything afresh");
    reuse = false;
    copy_previous = false;
    may_prove_denial = false;
  }
  summary.rrsets_signed = output_counts.rrsets_signed;
  summary.records_out = output_counts.records + carried_signatures;
  summary.signatures_carried = carried_signatures;

  if (auto r = store->stage_new_keys(); !r)
    return std::unexpected(std::move(r.error()).with_context("while storing the new keys; nothing was published"));
  if (staged) {
    if (auto r = staged->commit(); !r) return std::unexpected(std::move(r.error()).with_context("nothing was published"));
    store->mark_published();
    // The rename left the previous output without a name: closing its last
    // descriptor frees its blocks, 0.1 s at a million names on ext4, which
    // a thread of its own spends beside the index and the freeing of the
    // zone. Where no thread starts, it is closed here.
    if (previous_file) {
      try {
        closer = std::jthread([file = std::move(*previous_file)]() mutable {
          PreviousOutput closing = std::move(file);
        });
      } catch (const std::system_error&) {  // the lambda, and the file with it, is gone: closed
      }
      previous_file.reset();
    }
  }  // with --output -, the zone is printed only once the key state is committed

  // Committed after the zone is written: the state may lag what is published,
  // never run ahead of it.
  if (!request.policy) {
    for (auto& info : store->keys()) {
      if (is_removed(info)) continue;
      info.timestamps.try_emplace("published", request.now);
      info.timestamps.try_emplace("active", request.now);
    }
  }
  if (request.output != "-")
    store->set_last_signed(SignedRecord{request.now, output_path, summary.serial, summary.expiration, sha256});
  if (auto c = store->commit(); !c) {
    if (!staged) return std::unexpected(c.error());
    return fail(Errc::state_not_saved,
                "the signed zone was published to '" + request.output + "', but the key state '" + store->folder() +
                    "/state.yaml' could not be updated: " + c.error().message +
                    ". The published zone is valid; the next run repeats this run's key steps once the key "
                    "folder is writable again");
  }
  // Last, as a cache: a failure here, or a kill before it, leaves an index
  // that no longer matches the state, which the next run passes over.
  if (keep_index) {
    plan_signatures(zone, keys, plan, carried_nodes);
    plan.tasks = {};
  }
  if (keep_index)
    if (auto r = write_signature_index(zone, plan, threads, index_path, sha256, signers,
                                       denial.value_or(ContentDigest{}), written_chunks, ends, carried, previous);
        !r)
      summary.notes.push_back("signature index not written (" + r.error().to_string() +
                              "); the next run reads the signed output instead");
  if (request.process_ends_after) leave_to_exit(std::move(*input));
  return summary;
}

}  // namespace zs
