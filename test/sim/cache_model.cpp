#include "cache_model.hpp"

#include <algorithm>

#include "crypto/algorithm.hpp"
#include "dnssec/rrsig.hpp"

namespace zs::sim {

namespace {

std::set<Algorithm> algorithms_of(const std::vector<Ds>& ds) {
  std::set<Algorithm> out;
  for (const Ds& d : ds) out.insert(d.algorithm);
  return out;
}

std::string alg_text(Algorithm a) { return algorithm_name(a) + "(" + std::to_string(static_cast<unsigned>(a)) + ")"; }

}  // namespace

CacheModel::CacheModel(Name origin, CacheWindows windows, std::vector<std::string> sample_labels)
    : origin_(std::move(origin)), windows_(windows), sample_labels_(std::move(sample_labels)) {
  // Before any adoption the parent serves no DS: an insecure delegation.
  ds_versions_.push_back(DsVersion{std::numeric_limits<UnixTime>::min(), forever, {}});
  for (const auto& label : sample_labels_) sample_tracks_[label];
}

void CacheModel::push(std::vector<Served>& track, UnixTime t, const SignedRrset* rrset, Duration window,
                      const std::string& name) {
  if (!track.empty()) {
    Served& last = track.back();
    // An unchanged RRset (same records, same signatures) is one version served longer.
    if (rrset == nullptr ? !last.present : (last.present && rrsets_[last.id].same_as(*rrset))) return;
    last.end = t;
  }
  Served s;
  s.start = t;
  s.window = window;
  s.name = name;
  if (rrset != nullptr) {
    s.present = true;
    for (const Rrsig& sig : rrset->sigs) s.first_expiry = std::min<UnixTime>(s.first_expiry, sig.expiration);
    s.id = rrsets_.size();
    rrsets_.push_back(*rrset);
    std::vector<KeyFacts> facts;
    if (rrset->rrset.type == RrType::DNSKEY) {
      for (BytesView rd : rrset->rrset.rdatas) {
        auto k = Dnskey::from_rdata(rd);
        if (!k) continue;  // an unreadable DNSKEY is one a resolver cannot use either
        facts.push_back(KeyFacts{to_bytes(rd), key_tag(rd), k->algorithm, k->is_sep(), (k->flags & dnskey_flag_zone) != 0});
      }
    }
    keys_.push_back(std::move(facts));
  }
  max_window_ = std::max(max_window_, window);
  track.push_back(std::move(s));
}

void CacheModel::publish_zone(UnixTime t, const ZoneVersion& version, const std::string& name) {
  const SignedRrset* dnskey = version.dnskey ? &*version.dnskey : nullptr;
  Duration dnskey_window =
      std::max<Duration>(dnskey ? dnskey->rrset.ttl : 0, windows_.dnskey_ttl) + windows_.zone_propagation;
  push(dnskey_track_, t, dnskey, dnskey_window, name);
  for (const auto& label : sample_labels_) {
    auto it = version.samples.find(label);
    const SignedRrset* s = it == version.samples.end() ? nullptr : &it->second;
    push(sample_tracks_[label], t, s, (s ? s->rrset.ttl : 0) + windows_.zone_propagation, name);
  }
}

void CacheModel::publish_ds(UnixTime t, std::vector<Ds> ds) {
  ds_versions_.back().end = t;
  if (!ds.empty() && !first_secure_) first_secure_ = t;
  ds_versions_.push_back(DsVersion{t, forever, std::move(ds)});
}

std::vector<const CacheModel::Served*> CacheModel::held(const std::vector<Served>& track, UnixTime t) const {
  std::vector<const Served*> out;
  for (auto it = track.rbegin(); it != track.rend(); ++it) {
    if (it->start > t) continue;
    // Versions are in time order: once one ended more than the longest window
    // ago, every older one did too.
    if (it->end != forever && it->end + max_window_ <= t) break;
    if (it->end == forever || it->end + it->window > t) out.push_back(&*it);
  }
  return out;
}

bool CacheModel::verified(std::size_t id, std::size_t sig, const KeyFacts& key) {
  std::string k = std::to_string(id) + "/" + std::to_string(sig) + "/";
  k.append(key.rdata.begin(), key.rdata.end());
  if (auto it = verify_cache_.find(k); it != verify_cache_.end()) {
    ++stats_.cache_hits;
    return it->second;
  }
  ++stats_.verifications;
  auto ok = verify_rrsig(rrsets_[id].rrset, rrsets_[id].sigs[sig], key.rdata);
  bool good = ok && *ok;
  verify_cache_.emplace(std::move(k), good);
  return good;
}

bool CacheModel::signed_by(std::size_t id, Algorithm alg, const std::vector<KeyFacts>& keys, UnixTime t,
                           bool sep_only) {
  const auto& sigs = rrsets_[id].sigs;
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    const Rrsig& s = sigs[i];
    if (s.algorithm != alg || !rrsig_time_valid(s, static_cast<std::uint64_t>(t))) continue;
    if (!s.signer.equals(origin_)) continue;
    for (const KeyFacts& k : keys) {
      if (k.tag != s.key_tag || k.algorithm != alg || !k.zone || (sep_only && !k.sep)) continue;
      if (verified(id, i, k)) return true;
    }
  }
  return false;
}

const Bytes& CacheModel::ds_digest(const KeyFacts& key, DigestType type) {
  auto k = std::make_pair(key.rdata, type);
  auto it = ds_cache_.find(k);
  if (it == ds_cache_.end()) it = ds_cache_.emplace(k, make_ds(origin_, key.rdata, type).digest).first;
  return it->second;
}

bool CacheModel::expired_in_pause(const Served& s, UnixTime t) const {
  if (!s.present || s.first_expiry > t) return false;
  for (const auto& [from, to] : pauses_)
    if (s.start < to && s.end > from) return true;
  return false;
}

void CacheModel::gap(UnixTime t, const std::string& key, const std::string& text, bool expired_in_pause) {
  if (expired_in_pause) {
    expired_keys_.insert(key);
    return;
  }
  if (!gap_keys_.insert(key).second) return;
  reports_.push_back("at " + format_time(t) + ": " + text);
}

std::size_t CacheModel::check(UnixTime t) {
  ++stats_.checks;
  const std::size_t before = gap_keys_.size();
  std::vector<const DsVersion*> ds_held;
  for (auto it = ds_versions_.rbegin(); it != ds_versions_.rend(); ++it) {
    if (it->start > t) continue;
    if (it->end == forever || it->end + windows_.ds > t) ds_held.push_back(&*it);
    else break;
  }
  const auto dnskeys = held(dnskey_track_, t);
  std::map<std::string, std::vector<const Served*>> samples;
  for (const auto& [label, track] : sample_tracks_) samples[label] = held(track, t);

  for (const DsVersion* d : ds_held) {
    const std::string ds_name = "DS set served from " +
                                (d->start == std::numeric_limits<UnixTime>::min() ? std::string("the start")
                                                                                  : format_time(d->start)) +
                                " [" + describe_ds(d->ds) + "]";
    if (d->ds.empty()) {
      // Insecure before the first DS; after one, an empty DS set would turn the zone insecure.
      if (first_secure_ && d->start > *first_secure_)
        gap(t, "empty/" + std::to_string(d->start), ds_name + ": the parent withdrew every DS");
      continue;
    }
    const auto algs = algorithms_of(d->ds);
    for (const Served* k : dnskeys) {
      ++stats_.combinations;
      if (!k->present) {
        gap(t, "nokeys/" + std::to_string(d->start) + "/" + std::to_string(k->start),
            ds_name + " with no DNSKEY RRset (" + k->name + ")");
        continue;
      }
      const auto& keys = keys_[k->id];
      const std::string key_name =
          "DNSKEY RRset of " + k->name + " [" + describe_keys(rrsets_[k->id].rrset) + "]";
      bool chain = true;
      for (Algorithm a : algs) {
        bool found = false;
        for (const Ds& ds : d->ds) {
          if (ds.algorithm != a) continue;
          for (const KeyFacts& key : keys) {
            if (key.tag != ds.key_tag || key.algorithm != a || !key.sep) continue;
            if (ds_digest(key, ds.digest_type) != ds.digest) continue;
            // This DS points at `key`; it must sign the DNSKEY RRset, valid now.
            std::vector<KeyFacts> only{key};
            if (signed_by(k->id, a, only, t, true)) found = true;
            if (found) break;
          }
          if (found) break;
        }
        if (!found) {
          chain = false;
          gap(t, "chain/" + std::to_string(d->start) + "/" + std::to_string(k->id) + "/" + alg_text(a),
              ds_name + " x " + key_name + ": no DS of " + alg_text(a) +
                  " matches a SEP key whose RRSIG over the DNSKEY RRset verifies and is valid now",
              expired_in_pause(*k, t));
        }
      }
      if (!chain) continue;
      for (const auto& [label, versions] : samples) {
        for (const Served* z : versions) {
          if (!z->present) continue;
          ++stats_.combinations;
          for (Algorithm a : algs) {
            if (signed_by(z->id, a, keys, t, false)) continue;
            std::string sig_tags;
            for (const Rrsig& s : rrsets_[z->id].sigs)
              sig_tags += " " + std::to_string(s.key_tag) + "/" + std::to_string(static_cast<unsigned>(s.algorithm)) +
                          "[" + format_time(s.inception) + ".." + format_time(s.expiration) + "]";
            gap(t,
                "zone/" + std::to_string(d->start) + "/" + std::to_string(k->id) + "/" + label + "/" +
                    std::to_string(z->id) + "/" + alg_text(a),
                ds_name + " x " + key_name + " x " + label + " of " + z->name + " (RRSIGs:" + sig_tags +
                    "): no valid RRSIG of " + alg_text(a) + " by a key in that DNSKEY RRset",
                expired_in_pause(*k, t) || expired_in_pause(*z, t));
          }
        }
      }
    }
  }
  return gap_keys_.size() - before;
}

}  // namespace zs::sim
