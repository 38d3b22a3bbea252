// An independent model of validating resolver caches (RFC 4035 §5, RFC 7583
// §3), built only from what was actually served: the parent's DS RRset
// versions and the signed zone's versions (zone_version.hpp).
//
// A resolver at time t may hold any DS RRset version the parent served
// within ttl.parent-ds + parent-propagation before t, any DNSKEY RRset
// version served within its TTL + zone-propagation, and, for each sampled
// RRset, any version served within its TTL + zone-propagation. Every
// combination must validate at t: for each algorithm in the DS set, a DS
// matches a SEP DNSKEY of the held DNSKEY RRset whose RRSIG over that RRset
// verifies and is within its validity period at t, and the sampled RRset has
// a verifying, time-valid RRSIG by a key of that algorithm in the held DNSKEY
// RRset. An empty DS set is an insecure delegation (fine until a DS has been
// served). Each failing combination is a gap.
//
// A pause (no run for days or years, issue 8) lets the served signatures
// expire: then no combination can validate, and that outage is the pause's,
// not a rollover's. A failing combination that holds a version served
// across a declared pause whose signatures had expired by the check is
// counted apart (expired_gaps()); without a declared pause there is none.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/time.hpp"
#include "dns/name.hpp"
#include "dnssec/dnskey.hpp"
#include "zone_version.hpp"

namespace zs::sim {

inline constexpr UnixTime forever = std::numeric_limits<UnixTime>::max();

struct CacheWindows {
  Duration zone_propagation = 0;  // added to the TTL of DNSKEY and zone RRsets
  Duration ds = 0;                // ttl.parent-ds + parent-propagation
  Duration dnskey_ttl = 0;        // the policy's ttl.dnskey (a floor for the DNSKEY RRset's own TTL)
};

struct ModelStats {
  std::uint64_t checks = 0;        // instants checked
  std::uint64_t combinations = 0;  // DS x DNSKEY x RRset combinations examined
  std::uint64_t verifications = 0; // signatures verified cryptographically
  std::uint64_t cache_hits = 0;    // verification results reused
};

class CacheModel {
 public:
  CacheModel(Name origin, CacheWindows windows, std::vector<std::string> sample_labels);

  // A zone version served from `t` until the next one; `name` says where it came
  // from in reports ("run 17 at 2027-01-05T06:00:00Z").
  void publish_zone(UnixTime t, const ZoneVersion& version, const std::string& name);
  // The parent starts serving this DS RRset at `t`.
  void publish_ds(UnixTime t, std::vector<Ds> ds);

  // Checks every combination a resolver could hold at `t`; returns the number of
  // new gaps (each distinct failing combination counts once over the whole run).
  std::size_t check(UnixTime t);

  // No run happens in (from, to): versions served then may expire.
  void declare_pause(UnixTime from, UnixTime to) { pauses_.emplace_back(from, to); }

  std::size_t gaps() const noexcept { return gap_keys_.size(); }
  std::size_t expired_gaps() const noexcept { return expired_keys_.size(); }
  const std::vector<std::string>& gap_reports() const noexcept { return reports_; }
  const ModelStats& stats() const noexcept { return stats_; }
  const std::vector<Ds>& current_ds() const { return ds_versions_.back().ds; }

 private:
  struct Served {
    UnixTime start = 0;
    UnixTime end = forever;
    std::size_t id = 0;      // index into rrsets_; absent when `present` is false
    bool present = false;
    Duration window = 0;     // TTL + propagation
    std::string name;
    UnixTime first_expiry = forever;  // the earliest RRSIG expiration in it
  };
  struct DsVersion {
    UnixTime start = 0;
    UnixTime end = forever;
    std::vector<Ds> ds;
  };
  struct KeyFacts {
    Bytes rdata;
    std::uint16_t tag = 0;
    Algorithm algorithm = Algorithm::ECDSAP256SHA256;
    bool sep = false;
    bool zone = false;
  };

  void push(std::vector<Served>& track, UnixTime t, const SignedRrset* rrset, Duration window,
            const std::string& name);
  std::vector<const Served*> held(const std::vector<Served>& track, UnixTime t) const;
  // Does RRSIG number `sig` of interned RRset `id` verify with `key`? Cached.
  bool verified(std::size_t id, std::size_t sig, const KeyFacts& key);
  // Some RRSIG of RRset `id` by a key of `alg` in `keys`, valid at `t`.
  bool signed_by(std::size_t id, Algorithm alg, const std::vector<KeyFacts>& keys, UnixTime t, bool sep_only);
  const Bytes& ds_digest(const KeyFacts& key, DigestType type);
  void gap(UnixTime t, const std::string& key, const std::string& text, bool expired_in_pause = false);
  // Served across a declared pause, and some signature of it expired by `t`.
  bool expired_in_pause(const Served& s, UnixTime t) const;

  Name origin_;
  CacheWindows windows_;
  std::vector<std::string> sample_labels_;
  std::vector<SignedRrset> rrsets_;          // interned versions
  std::vector<std::vector<KeyFacts>> keys_;  // per interned RRset: its DNSKEYs (DNSKEY RRsets only)
  std::vector<Served> dnskey_track_;
  std::map<std::string, std::vector<Served>> sample_tracks_;
  std::vector<DsVersion> ds_versions_;
  Duration max_window_ = 0;                  // the longest window of any version pushed
  std::optional<UnixTime> first_secure_;     // when a non-empty DS set was first served
  std::unordered_map<std::string, bool> verify_cache_;
  std::map<std::pair<Bytes, DigestType>, Bytes> ds_cache_;
  std::set<std::string> gap_keys_;
  std::set<std::string> expired_keys_;
  std::vector<std::pair<UnixTime, UnixTime>> pauses_;
  std::vector<std::string> reports_;
  ModelStats stats_;
};

}  // namespace zs::sim
