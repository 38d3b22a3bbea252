#include "signer/parent_ds.hpp"

#include <algorithm>
#include <tuple>

#include "core/encoding.hpp"
#include "keys/key_state.hpp"
#include "keys/key_store.hpp"
#include "keys/rollover.hpp"

namespace zs {

// --- comparison ----------------------------------------------------------------

bool same_ds(const Ds& a, const Ds& b) noexcept {
  return a.key_tag == b.key_tag && a.algorithm == b.algorithm && a.digest_type == b.digest_type &&
         a.digest == b.digest;
}

bool ds_less(const Ds& a, const Ds& b) noexcept {
  return std::tie(a.key_tag, a.algorithm, a.digest_type, a.digest) <
         std::tie(b.key_tag, b.algorithm, b.digest_type, b.digest);
}

bool ds_matches_key(const Ds& ds, const Name& owner, BytesView dnskey_rdata) {
  switch (ds.digest_type) {
    case DigestType::SHA1:
    case DigestType::SHA256:
    case DigestType::SHA384:
      break;
    default:
      return false;  // a digest we cannot compute cannot be checked
  }
  if (ds.key_tag != key_tag(dnskey_rdata)) return false;
  return same_ds(ds, make_ds(owner, dnskey_rdata, ds.digest_type));
}

namespace {

bool contains(std::span<const Ds> set, const Ds& ds) {
  return std::ranges::any_of(set, [&](const Ds& d) { return same_ds(d, ds); });
}

void add_unique(std::vector<Ds>& set, const Ds& ds) {
  if (!contains(set, ds)) set.push_back(ds);
}

}  // namespace

ParentComparison compare_parent_ds(std::span<const Ds> wanted, std::span<const ServerDs> live) {
  ParentComparison c;
  const std::vector<Ds>* first = nullptr;
  for (const ServerDs& s : live) {
    if (!s.answer) {
      c.unreachable.push_back(s.server + ": " + s.answer.error().message);
      continue;
    }
    ++c.answered;
    const std::vector<Ds>& served = *s.answer;
    ServerDiff diff{s.server, {}, {}};
    for (const Ds& w : wanted)
      if (!contains(served, w)) add_unique(diff.missing, w);
    for (const Ds& d : served)
      if (!contains(wanted, d)) add_unique(diff.extra, d);
    std::ranges::sort(diff.extra, ds_less);
    for (const Ds& d : diff.extra) add_unique(c.remove, d);
    if (!first) {
      first = &served;
    } else {
      // Same set, whatever the order each server gives it in.
      bool equal = std::ranges::all_of(served, [&](const Ds& d) { return contains(*first, d); }) &&
                   std::ranges::all_of(*first, [&](const Ds& d) { return contains(served, d); });
      c.disagree |= !equal;
    }
    c.servers.push_back(std::move(diff));
  }
  for (const Ds& w : wanted)
    if (std::ranges::any_of(c.servers, [&](const ServerDiff& d) { return contains(d.missing, w); }))
      add_unique(c.add, w);
  std::ranges::sort(c.remove, ds_less);
  return c;
}

// --- confirmation --------------------------------------------------------------

namespace {

std::string ds_fields(const Ds& ds) {
  return std::to_string(ds.key_tag) + " " + std::to_string(static_cast<unsigned>(ds.algorithm)) + " " +
         std::to_string(static_cast<unsigned>(ds.digest_type)) + " " + to_hex(ds.digest);
}

std::string key_label(const KeyInfo& k) { return std::string(role_name(k.role)) + " " + std::to_string(k.tag); }

}  // namespace

ParentConfirmation confirm_from_answers(std::vector<KeyInfo>& keys, const Name& origin,
                                        std::span<const ServerDs> live, UnixTime now) {
  ParentConfirmation out;
  std::size_t answered = 0;
  for (const ServerDs& s : live) {
    if (s.answer)
      ++answered;
    else
      out.warnings.push_back("parent server " + s.server + " gave no DS answer: " + s.answer.error().message);
  }
  const bool all_answered = answered == live.size() && answered > 0;
  const std::string of_all = "all " + std::to_string(live.size()) + " parent server" + (live.size() == 1 ? "" : "s");

  // Keys whose DS is, or may still be, in some cache: a DS of one of them at
  // the parent is expected; any other DS is stale.
  std::vector<Bytes> known;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    KeyInfo& k = keys[i];
    if (!record_applies(k.role, RecordKind::ds)) continue;
    KeyState s = key_state(k, now);
    if (!s.exists || s.removed) continue;
    const RecordStatus& ds = s[RecordKind::ds];
    if (ds.state == RecordState::hidden) continue;
    Bytes rdata = k.dnskey().to_rdata();
    known.push_back(rdata);
    std::size_t serving = 0;
    for (const ServerDs& sd : live)
      if (sd.answer && std::ranges::any_of(*sd.answer, [&](const Ds& d) { return ds_matches_key(d, origin, rdata); }))
        ++serving;
    const bool waits_seen = ds.state == RecordState::rumoured && !(s.ds_seen && *s.ds_seen >= ds.since);
    const bool waits_withdrawn =
        ds.state == RecordState::unretentive && !(s.ds_withdrawn && *s.ds_withdrawn >= ds.since);
    const std::string count = std::to_string(serving) + " of " + std::to_string(answered) + " answering parent servers";
    if (waits_seen) {
      if (all_answered && serving == answered) {
        if (auto r = record_ds_seen(keys, k.tag, now); r) {
          out.seen.push_back(k.tag);
          out.lines.push_back("the DS of " + key_label(k) + " is served by " + of_all + ": recorded ds-seen");
        }
      } else {
        out.lines.push_back("the DS of " + key_label(k) + " is served by " + count + ": still waiting for it");
      }
    } else if (waits_withdrawn) {
      if (all_answered && serving == 0) {
        if (auto r = record_ds_withdrawn(keys, k.tag, now); r) {
          out.withdrawn.push_back(k.tag);
          out.lines.push_back("the DS of " + key_label(k) + " is gone from " + of_all + ": recorded ds-withdrawn");
        }
      } else {
        out.lines.push_back("the DS of " + key_label(k) + " is still served by " + count + ": waiting for its removal");
      }
    }
  }

  std::vector<Ds> stale;
  for (const ServerDs& sd : live)
    if (sd.answer)
      for (const Ds& d : *sd.answer)
        if (std::ranges::none_of(known, [&](const Bytes& rd) { return ds_matches_key(d, origin, rd); }))
          add_unique(stale, d);
  std::ranges::sort(stale, ds_less);
  for (const Ds& d : stale) {
    // Name the key when it is one of ours (a successor whose DS the zone
    // does not ask for yet, or a removed key), so the operator knows which.
    std::string whose = "which matches no key of the zone";
    for (const KeyInfo& k : keys)
      if (record_applies(k.role, RecordKind::ds) && ds_matches_key(d, origin, k.dnskey().to_rdata()))
        whose = "of " + key_label(k) + ", which the zone does not want at the parent now";
    out.warnings.push_back("the parent also publishes DS " + ds_fields(d) + ", " + whose +
                           ": remove it (it does not hold up the rollover)");
  }
  return out;
}

namespace {

bool ds_awaits_parent(const KeyInfo& k, UnixTime now) {
  if (!record_applies(k.role, RecordKind::ds)) return false;
  KeyState s = key_state(k, now);
  const RecordStatus& ds = s[RecordKind::ds];
  return (ds.state == RecordState::rumoured && !(s.ds_seen && *s.ds_seen >= ds.since)) ||
         (ds.state == RecordState::unretentive && !(s.ds_withdrawn && *s.ds_withdrawn >= ds.since));
}

}  // namespace

bool awaits_parent_ds(const std::vector<KeyInfo>& keys, UnixTime now) {
  return std::ranges::any_of(keys, [&](const KeyInfo& k) { return ds_awaits_parent(k, now); });
}

bool key_folder_awaits_parent_ds(const std::string& key_dir, const Name& origin, UnixTime now,
                                 bool allow_clock_back) {
  auto store = KeyStore::open_read_only(key_dir, origin);
  if (!store) return false;
  // The run's clock check, on this copy only: with allow_clock_back it moves
  // later times back to `now`, which changes what waits.
  if (!store->check_clock(now, allow_clock_back)) return false;
  return awaits_parent_ds(store->keys(), now);
}

ParentConfirmation confirm_from_observations(std::vector<KeyInfo>& keys, const Name& origin,
                                             const std::optional<ParentObservations>& observed, UnixTime now) {
  // Asked before the run; the keys may have moved since (an operator event
  // recorded, another run): only a DS still waiting makes the answers count.
  if (!observed || !awaits_parent_ds(keys, now)) return ParentConfirmation{};
  if (!*observed) {
    ParentConfirmation out;
    out.warnings.push_back("cannot find the parent's name servers: " + observed->error().message);
    return out;
  }
  return confirm_from_answers(keys, origin, **observed, now);
}

}  // namespace zs
