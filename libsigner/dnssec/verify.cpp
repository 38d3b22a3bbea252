// Signature checks of verify_zone, and the entry point. The NSEC/NSEC3 chain
// checks live in verify_denial.cpp. Nothing here calls the signer or the
// chain builder: every expectation is derived again from the signed zone.
#include "dnssec/verify.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/parallel.hpp"
#include "core/time.hpp"
#include "crypto/keys.hpp"
#include "dns/rdata.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"
#include "dnssec/verify_detail.hpp"
#include "dnssec/zonemd.hpp"

namespace zs {

namespace {

struct ZoneKey {
  Bytes rdata;
  Dnskey dnskey;
  std::uint16_t tag = 0;
  std::optional<PublicKey> public_key;  // empty when the key field is unusable
};

// The zone keys a signature may come from: same tag and algorithm, zone
// flag set. Signatures share a handful of these lists.
struct KeyGroup {
  std::uint16_t tag = 0;
  Algorithm algorithm = Algorithm::ED25519;
  std::vector<std::size_t> keys;  // indices into the key list; may be empty
};

// One RRSIG to check by cryptography, with what the sequential pass found.
// Kept small: a signed zone of a million names has two million of them, so
// the RRSIG is parsed again where its cryptography is checked instead of
// being held here.
struct SigJob {
  const Rrset* rrset = nullptr;
  const std::uint8_t* rdata = nullptr;  // the RRSIG RDATA as found in the zone
  std::uint32_t node = 0;
  std::uint32_t group = 0;  // index into the KeyGroup list
  RrType type_covered = RrType::A;
  std::uint16_t rdata_length = 0;  // RRSIG RDATA is at most 65,535 octets
  bool time_valid = false;
  bool fields_valid = false;  // signer, labels, TTLs, key match all right

  BytesView rrsig_rdata() const noexcept { return {rdata, rdata_length}; }
};

struct SigResult {
  static constexpr std::uint32_t no_key = 0xffffffff;
  std::uint32_t key = no_key;  // the key that verified it
  bool valid = false;
  bool known_good = false;  // taken from VerifyOptions::verified, not recomputed
  bool proven = false;      // proven valid by VerifyOptions::prover, not verified
};

// What the per-RRset pass needs of a checked signature, once its job and
// result are gone: jobs are checked in batches, so that a million-name zone
// holds 12 octets per signature here instead of a 32-octet job and an
// 8-octet result (the gate runs at the run's memory peak).
struct SigOutcome {
  std::uint32_t node = 0;
  std::uint32_t group = 0;
  RrType type_covered = RrType::A;
  bool counts = false;  // valid, inside its validity window, fields all right
  bool valid = false;
  bool by_sep = false;  // verified by a key with the SEP flag
};

// Why signatures could not be checked (a malformed signature or key), by job
// index: rare, so kept apart from the results.
using SigErrors = std::vector<std::pair<std::size_t, std::string>>;

std::string tag_text(std::uint16_t tag, Algorithm algorithm) {
  return "(key tag " + std::to_string(tag) + ", " + algorithm_name(algorithm) + ")";
}
std::string tag_text(const Rrsig& s) { return tag_text(s.key_tag, s.algorithm); }

// Whether the zone is authoritative for, and so must sign, this RRset
// (RFC 4035 §2.2): everything at the apex and at ordinary names; at a
// delegation only DS and NSEC; nothing below a delegation.
bool must_be_signed(const Node& node, RrType type) {
  switch (node.kind) {
    case NodeKind::apex:
    case NodeKind::authoritative:
      return true;
    case NodeKind::delegation:
      return type == RrType::DS || type == RrType::NSEC;
    case NodeKind::occluded:
      return false;
  }
  return false;
}

std::string unsigned_reason(const Node& node, RrType type) {
  if (node.kind == NodeKind::occluded) return "RRSIG over occluded data (glue or data below a delegation or DNAME)";
  if (type == RrType::NS) return "RRSIG over the delegation NS RRset, which the parent must not sign";
  return "RRSIG over glue at a delegation point";
}

std::vector<SigResult> check_crypto(const std::vector<SigJob>& jobs, const std::vector<ZoneKey>& keys,
                                    const std::vector<KeyGroup>& groups, unsigned threads,
                                    const VerifiedSignatures* verified, const SignatureProver* prover,
                                    SigErrors& errors) {
  std::vector<SigResult> results(jobs.size());
  // Each worker owns its input buffer, verification context and error list
  // and writes only its own slice of `results`; keys are read-only. The
  // merge is by index, so the outcome does not depend on the number of
  // threads.
  std::vector<SigErrors> worker_errors(std::max(1u, threads));
  auto work = [&](std::size_t worker, std::size_t begin, std::size_t end) {
    VerifyContext context;
    std::unique_ptr<SignatureProver::Session> session = prover ? prover->session() : nullptr;
    // Signatures are taken in blocks, so that the prover can prove a block
    // at once: the signature inputs of a block in one buffer.
    constexpr std::size_t block = 64;
    Bytes inputs;
    std::array<std::size_t, block + 1> input_at{};
    std::array<std::size_t, block> job_of{};
    std::vector<Rrsig> rrsigs;  // of the block's pending jobs
    rrsigs.reserve(block);
    std::vector<SignatureProver::Session::Request> requests;
    for (std::size_t block_begin = begin; block_begin < end; block_begin += block) {
      const std::size_t block_end = std::min(end, block_begin + block);
      inputs.clear();
      requests.clear();
      rrsigs.clear();
      std::size_t pending = 0;
      for (std::size_t i = block_begin; i < block_end; ++i) {
        const SigJob& job = jobs[i];
        SigResult& out = results[i];
        const std::vector<std::size_t>& candidates = groups[job.group].keys;
        if (verified && !candidates.empty()) {
          const ContentDigest content = rrset_content_digest(*job.rrset);
          for (std::size_t k : candidates) {
            if (verified->contains(signature_fingerprint(job.rrsig_rdata(), content, keys[k].rdata))) {
              out.valid = out.known_good = true;
              out.key = static_cast<std::uint32_t>(k);
              break;
            }
          }
          if (out.valid) continue;
        }
        auto rrsig = Rrsig::from_rdata(job.rrsig_rdata());  // parsed once already by the sequential pass
        if (!rrsig) {
          worker_errors[worker].emplace_back(i, rrsig.error().message);
          continue;
        }
        rrsigs.push_back(std::move(*rrsig));
        input_at[pending] = inputs.size();
        append_signature_input(rrsigs.back(), *job.rrset, inputs);
        job_of[pending++] = i;
      }
      input_at[pending] = inputs.size();
      auto input_of = [&](std::size_t p) { return BytesView(inputs.data() + input_at[p], input_at[p + 1] - input_at[p]); };
      // The prover's answers for each signature's first candidate key.
      std::vector<std::optional<bool>> first;
      if (session) {
        for (std::size_t p = 0; p < pending; ++p) {
          const std::vector<std::size_t>& candidates = groups[jobs[job_of[p]].group].keys;
          if (!candidates.empty()) requests.push_back({input_of(p), &rrsigs[p], keys[candidates.front()].rdata});
        }
        first = session->prove_many(requests);
      }
      std::size_t asked = 0;
      std::string error;
      for (std::size_t p = 0; p < pending; ++p) {
        const SigJob& job = jobs[job_of[p]];
        const Rrsig& rrsig = rrsigs[p];
        const std::vector<std::size_t>& candidates = groups[job.group].keys;
        SigResult& out = results[job_of[p]];
        const BytesView input = input_of(p);
        error.clear();
        for (std::size_t c = 0; c < candidates.size(); ++c) {
          const std::size_t k = candidates[c];
          if (session) {
            std::optional<bool> proven = c == 0 ? first[asked++] : session->prove(input, rrsig, keys[k].rdata);
            if (proven) {
              if (!*proven) continue;
              out.valid = out.proven = true;
              out.key = static_cast<std::uint32_t>(k);
              break;
            }
          }
          if (!keys[k].public_key) continue;
          auto ok = context.verify(*keys[k].public_key, input, rrsig.signature);
          if (!ok) {
            error = ok.error().message;
            continue;
          }
          if (*ok) {
            out.valid = true;
            out.key = static_cast<std::uint32_t>(k);
            break;
          }
        }
        if (!out.valid && !error.empty()) worker_errors[worker].emplace_back(job_of[p], error);
      }
    }
  };
  // A signature check costs tens of microseconds, a thread start a few: a
  // handful of checks per thread already pays.
  constexpr std::size_t per_thread_minimum = 8;
  std::size_t n = std::max(1u, threads);
  n = std::min<std::size_t>(n, std::max<std::size_t>(1, jobs.size() / per_thread_minimum));
  if (n <= 1) {
    work(0, 0, jobs.size());
  } else {
    const std::size_t chunk = (jobs.size() + n - 1) / n;
    run_on_threads((jobs.size() + chunk - 1) / chunk, [&](std::size_t t) {
      work(t, t * chunk, std::min(jobs.size(), (t + 1) * chunk));
    });
  }
  // Workers took contiguous slices in order: their lists join sorted.
  for (auto& list : worker_errors)
    for (auto& e : list) errors.push_back(std::move(e));
  return results;
}

void verify_signatures(const Zone& zone, const VerifyOptions& options, VerifyReport& report) {
  const Node& apex = zone.apex();
  ProblemList problems(report.problems);

  // The apex DNSKEY RRset: the keys every signature must come from.
  std::vector<ZoneKey> keys;
  std::vector<Algorithm> algorithms;  // of zone keys: each must sign every RRset
  const Rrset* dnskeys = apex.find(RrType::DNSKEY);
  if (!dnskeys || dnskeys->rdatas.empty()) {
    problems.add(apex.owner, RrType::DNSKEY, "no DNSKEY RRset at the apex");
  } else {
    for (BytesView rdata : dnskeys->rdatas) {
      auto key = Dnskey::from_rdata(rdata);
      if (!key) {
        problems.add(apex.owner, RrType::DNSKEY, "malformed DNSKEY: " + key.error().message);
        continue;
      }
      ZoneKey zk;
      zk.rdata = to_bytes(rdata);
      zk.dnskey = *key;
      zk.tag = key_tag(rdata);
      if (auto pk = PublicKey::from_dnskey(key->algorithm, key->public_key)) {
        zk.public_key = std::move(*pk);
      } else {
        problems.add(apex.owner, RrType::DNSKEY,
                     "DNSKEY with key tag " + std::to_string(zk.tag) + " is unusable: " + pk.error().message);
      }
      if ((key->flags & dnskey_flag_zone) != 0 &&
          std::find(algorithms.begin(), algorithms.end(), key->algorithm) == algorithms.end())
        algorithms.push_back(key->algorithm);
      keys.push_back(std::move(zk));
    }
    std::sort(algorithms.begin(), algorithms.end());
    // A validator tries every key with the RRSIG's tag and algorithm; since
    // CVE-2023-50387 (KeyTrap) resolvers cap those attempts, and a zone whose
    // keys collide risks being refused by them.
    std::vector<std::pair<std::uint16_t, Algorithm>> ids;
    for (const ZoneKey& k : keys) ids.emplace_back(k.tag, k.dnskey.algorithm);
    std::sort(ids.begin(), ids.end());
    for (std::size_t i = 0; i < ids.size();) {
      std::size_t same = i + 1;
      while (same < ids.size() && ids[same] == ids[i]) ++same;
      if (same - i > 1)
        problems.warn(apex.owner, RrType::DNSKEY,
                      std::to_string(same - i) + " DNSKEYs share key tag " + std::to_string(ids[i].first) + " (" +
                          algorithm_name(ids[i].second) +
                          "): validators that cap key-tag collisions (CVE-2023-50387) may refuse the zone");
      i = same;
    }
  }

  // Sequential pass: everything but the cryptography.
  std::vector<KeyGroup> groups;
  auto group_of = [&](std::uint16_t tag, Algorithm algorithm) {
    for (std::size_t g = 0; g < groups.size(); ++g)
      if (groups[g].tag == tag && groups[g].algorithm == algorithm) return static_cast<std::uint32_t>(g);
    KeyGroup group{tag, algorithm, {}};
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const Dnskey& key = keys[k].dnskey;
      // RFC 4034 §2.1.1: a key without the zone flag must not verify RRSIGs.
      if (keys[k].tag == tag && key.algorithm == algorithm && (key.flags & dnskey_flag_zone) != 0)
        group.keys.push_back(k);
    }
    groups.push_back(std::move(group));
    return static_cast<std::uint32_t>(groups.size() - 1);
  };
  // An empty list (a fresh signing) costs nothing: no fingerprint is computed.
  const VerifiedSignatures* verified = options.verified && !options.verified->empty() ? options.verified : nullptr;
  const auto& nodes = zone.nodes();
  std::size_t signature_count = 0;
  for (const Node& node : nodes) signature_count += node.signatures.size();
  std::vector<SigOutcome> outcomes;
  outcomes.reserve(signature_count);
  SigErrors errors;  // by index into `outcomes`
  std::vector<SigJob> jobs;
  // Checks the jobs made so far and keeps only their outcomes. Batches end
  // at node boundaries; the outcome does not depend on where they end.
  constexpr std::size_t batch = std::size_t{1} << 17;
  auto check_batch = [&] {
    SigErrors batch_errors;
    std::vector<SigResult> results =
        check_crypto(jobs, keys, groups, options.threads, verified, options.prover, batch_errors);
    for (auto& [job, error] : batch_errors) errors.emplace_back(outcomes.size() + job, std::move(error));
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      const SigJob& job = jobs[k];
      const SigResult& res = results[k];
      report.signatures_known_good += res.known_good ? 1 : 0;
      report.signatures_proven += res.proven ? 1 : 0;
      outcomes.push_back(SigOutcome{job.node, job.group, job.type_covered,
                                    res.valid && job.time_valid && job.fields_valid, res.valid,
                                    res.valid && keys[res.key].dnskey.is_sep()});
    }
    jobs.clear();
  };
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    if (jobs.size() >= batch) check_batch();
    const Node& node = nodes[n];
    const std::size_t expected_labels = node.owner.label_count() - (node.owner.is_wildcard() ? 1 : 0);
    for (SignatureRef sig : node.signatures) {
      const Rrset* rrset = node.find(sig.covered);
      if (!rrset) {
        problems.add(node.owner, sig.covered, "RRSIG covers a type that has no RRset at this name");
        continue;
      }
      if (!must_be_signed(node, sig.covered)) {
        problems.add(node.owner, sig.covered, unsigned_reason(node, sig.covered));
        continue;
      }
      auto parsed = Rrsig::from_rdata(sig.rdata);
      if (!parsed) {
        problems.add(node.owner, sig.covered, "malformed RRSIG: " + parsed.error().message);
        continue;
      }
      SigJob job;
      job.rrset = rrset;
      job.rdata = sig.rdata.data();
      job.rdata_length = static_cast<std::uint16_t>(sig.rdata.size());
      job.node = static_cast<std::uint32_t>(n);
      const Rrsig& r = *parsed;
      job.type_covered = r.type_covered;
      bool fields_ok = true;
      auto bad = [&](std::string what) {
        problems.add(node.owner, sig.covered, "RRSIG " + tag_text(r) + ": " + what);
        fields_ok = false;
      };
      if (r.type_covered != sig.covered) bad("type covered field disagrees with the record");
      if (!(r.signer == zone.origin())) bad("signer name " + r.signer.to_string() + " is not the zone origin");
      if (r.labels != expected_labels)
        bad("labels field " + std::to_string(r.labels) + ", expected " + std::to_string(expected_labels));
      if (r.original_ttl != rrset->ttl)
        bad("original TTL " + std::to_string(r.original_ttl) + " differs from the RRset TTL " +
            std::to_string(rrset->ttl));
      // Resolvers cap the cached TTLs themselves (RFC 4035 §5.3.3): a signer
      // rule broken, not a validation failure.
      if (sig.ttl != rrset->ttl)
        problems.warn(node.owner, sig.covered,
                      "RRSIG " + tag_text(r) + ": RRSIG TTL " + std::to_string(sig.ttl) + " differs from the RRset TTL " +
                          std::to_string(rrset->ttl));
      job.time_valid = rrsig_time_valid(r, options.now);
      if (!job.time_valid)
        problems.add(node.owner, sig.covered,
                     "RRSIG " + tag_text(r) + " is outside its validity window (inception " +
                         format_time_compact(r.inception) + ", expiration " + format_time_compact(r.expiration) +
                         ")");
      job.group = group_of(r.key_tag, r.algorithm);
      // A signature of an algorithm the DNSKEY RRset does not have yet is how
      // an algorithm rollover starts (RFC 6781 §4.1.4: the new algorithm's
      // signatures go out before its DNSKEY, so that no cached DNSKEY RRset
      // ever names an algorithm the cached data lacks); validators skip it.
      // One of a known algorithm but no known key is a stale signature.
      const bool algorithm_known = std::binary_search(algorithms.begin(), algorithms.end(), r.algorithm);
      if (groups[job.group].keys.empty() && algorithm_known)
        bad("no zone key in the apex DNSKEY RRset has this key tag and algorithm");
      job.fields_valid = fields_ok;
      jobs.push_back(std::move(job));
    }
  }

  check_batch();
  jobs = {};
  auto error_of = [&errors](std::size_t job) {
    auto it = std::ranges::lower_bound(errors, job, {}, &SigErrors::value_type::first);
    return it != errors.end() && it->first == job ? it->second : std::string();
  };
  report.signatures_checked = outcomes.size();

  // The algorithms that sign anything at all. One of the DNSKEY RRset that
  // signs nothing breaks RFC 4035 §2.2, but validators need only one valid
  // algorithm (RFC 6840 §5.11): a warning, once. An algorithm that signs
  // some RRsets but not others is still an error for each RRset it misses.
  std::vector<Algorithm> signing;
  for (const SigOutcome& o : outcomes)
    if (o.counts && std::find(signing.begin(), signing.end(), groups[o.group].algorithm) == signing.end())
      signing.push_back(groups[o.group].algorithm);
  if (!signing.empty())
    for (Algorithm alg : algorithms)
      if (std::find(signing.begin(), signing.end(), alg) == signing.end())
        problems.warn(apex.owner, RrType::DNSKEY,
                      "the DNSKEY RRset has algorithm " + algorithm_name(alg) +
                          " but no RRset carries a valid signature of it (RFC 4035 §2.2)");

  // Per RRset: the algorithms with at least one fully valid signature.
  // Jobs were made node by node, in signature order, so one forward walk
  // pairs them with the RRsets.
  std::size_t j = 0;
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    const Node& node = nodes[n];
    std::vector<std::pair<RrType, std::vector<Algorithm>>> covered;
    bool dnskey_by_sep = false;
    for (; j < outcomes.size() && outcomes[j].node == n; ++j) {
      const SigOutcome& job = outcomes[j];
      const KeyGroup& group = groups[job.group];
      if (!job.valid) {
        if (!group.keys.empty()) {
          const std::string error = error_of(j);
          problems.add(node.owner, job.type_covered,
                       "RRSIG " + tag_text(group.tag, group.algorithm) + " does not verify" +
                           (error.empty() ? std::string() : ": " + error));
        }
        continue;
      }
      if (!job.counts) continue;
      auto it = std::find_if(covered.begin(), covered.end(),
                             [&](const auto& c) { return c.first == job.type_covered; });
      if (it == covered.end()) it = covered.insert(covered.end(), {job.type_covered, {}});
      it->second.push_back(group.algorithm);
      if (job.type_covered == RrType::DNSKEY && job.by_sep) dnskey_by_sep = true;
    }
    if (n < options.carried_nodes.size() && options.carried_nodes[n] != 0) continue;
    for (const Rrset& rrset : node.rrsets) {
      if (!must_be_signed(node, rrset.type)) continue;
      ++report.rrsets_checked;
      auto it = std::find_if(covered.begin(), covered.end(), [&](const auto& c) { return c.first == rrset.type; });
      const bool any = it != covered.end() && !it->second.empty();
      for (Algorithm alg : algorithms) {
        bool has = it != covered.end() && std::find(it->second.begin(), it->second.end(), alg) != it->second.end();
        bool signs_elsewhere = std::find(signing.begin(), signing.end(), alg) != signing.end();
        if (!has && (!any || signs_elsewhere))
          problems.add(node.owner, rrset.type,
                       "no valid signature by a zone key of algorithm " + algorithm_name(alg));
      }
      if (rrset.type == RrType::DNSKEY && n == 0 && !dnskey_by_sep)
        problems.add(node.owner, RrType::DNSKEY, "the DNSKEY RRset is not signed by any SEP key (KSK)");
    }
  }
}

}  // namespace

std::size_t VerifyReport::error_count() const noexcept {
  return static_cast<std::size_t>(std::count_if(problems.begin(), problems.end(),
                                                [](const VerifyProblem& p) { return p.severity == Severity::error; }));
}

VerifyReport verify_zone(const Zone& zone, const VerifyOptions& options) {
  VerifyReport report;
  // The zone digest is one pass over every record and shares nothing with
  // the signature checks: with threads to spare, it runs beside them.
  ZonemdCheck zonemd;
  run_on_threads(options.threads > 1 ? 2 : 1, [&](std::size_t part) {
    if (part == 0) verify_signatures(zone, options, report);
    if (part == 1 || options.threads <= 1) zonemd = check_zonemd(zone);
  });
  if (!options.denial_proven) {
    verify_denial(zone, report);
  } else {
    report.denial = zone.apex().has(RrType::NSEC3PARAM) ? VerifyReport::Denial::nsec3 : VerifyReport::Denial::nsec;
  }
  // RFC 8976 §4: a digest that does not match fails the zone; one that no
  // supported scheme and algorithm can check is not a pass either.
  report.zonemd = zonemd.outcome;
  ProblemList problems(report.problems);
  if (zonemd.outcome == ZonemdCheck::Outcome::failed)
    problems.add(zone.apex().owner, RrType::ZONEMD, zonemd.message);
  else if (zonemd.outcome == ZonemdCheck::Outcome::unverifiable)
    problems.warn(zone.apex().owner, RrType::ZONEMD, zonemd.message);
  // Canonical order of owner, then type number; within one RRset, the order
  // the checks found them (which does not depend on `threads`).
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const VerifyProblem& a, const VerifyProblem& b) {
                     int c = canonical_compare(a.owner, b.owner);
                     if (c != 0) return c < 0;
                     return to_u16(a.type) < to_u16(b.type);
                   });
  return report;
}

}  // namespace zs
