// The rollover methods the simulation runs (issue 4 "Proof"), and the policy
// file it writes for each: short lifetimes (ZSK 30d, KSK and CSK 120d) so that
// two simulated years hold many rollovers, and the timing values its
// resolver-cache model relies on (RFC 7583 §3 names: TTLkey, TTLsig, TTLds,
// Dprp, DprpP).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "zone_version.hpp"

namespace zs::sim {

inline constexpr Duration hour = 3600;
inline constexpr Duration day = 86400;

// The policy values the simulation writes and its model relies on. Lifetimes
// are short (issue 4: ZSK 30d, KSK and CSK 120d) so two years hold many rollovers.
struct Timing {
  Duration dnskey_ttl = hour;
  Duration zone_max = day;
  Duration parent_ds_ttl = day;
  Duration zone_propagation = 5 * 60;
  Duration parent_propagation = hour;
  Duration zsk_lifetime = 30 * day;
  Duration ksk_lifetime = 120 * day;
  Duration csk_lifetime = 120 * day;
};

struct Force {
  Duration at;  // offset from the start
  std::string role;
};

struct Method {
  std::string name;
  std::string description;
  bool csk = false;
  std::string zsk_rollover = "pre-publish";
  std::string ksk_rollover = "double-ksk";  // also the CSK's
  std::string algorithm = "ECDSAP256SHA256";
  std::optional<Duration> switch_at;  // rewrite the policy to `new_algorithm` then
  std::string new_algorithm;
  Duration parent_delay = day;
  std::vector<Force> forces;
  std::string denial = "nsec3";
};

// Every method, in the order the scenario runs them.
std::vector<Method> methods();
// The policy file for `m` with the keys' algorithm `algorithm`.
std::string policy_yaml(const Method& m, const Timing& t, const std::string& algorithm, Duration interval);
// The RRsets the cache model follows through every version.
std::vector<SampleSpec> sample_specs(const std::string& denial);

}  // namespace zs::sim
