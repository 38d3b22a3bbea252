// The policy linter: every value constraint and cross-field rule of the
// policy model, run on each load (the YAML reader only checks syntax, types
// and names) and callable on a Policy built in code. Rules and their
// reasoning are in docs/policy.md; the timing rules follow RFC 7583 §3
// (rollover intervals), RFC 4034 §3.1.5 / RFC 4035 §5.3.1 (signature validity
// against cached data), RFC 9276 §3.1 (NSEC3 parameters), RFC 8624 §3.3 (DS
// digests) and RFC 4035 §2.2 (every algorithm signs every RRset).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "policy/policy.hpp"

namespace zs {

// Where each field of a policy came from: the file name and the 1-based
// position of every YAML node by its path ("keys.zsk.lifetime"; "" is the
// document). Fields absent from the file have no entry.
struct PolicySource {
  std::string file;
  std::map<std::string, Location> positions;

  // Position of path, else of its nearest ancestor in the file, else the
  // file alone (line 0).
  Location locate(const std::string& path) const;
  bool has(const std::string& path) const { return positions.contains(path); }
};

// True for the RSA algorithms, whose keys have a chosen size (policy field
// `size`); the others have a size fixed by the algorithm.
bool algorithm_takes_size(Algorithm alg) noexcept;

// The intervals of one rollover of a key, from RFC 7583 §3 with this policy's
// TTLs and delays. `introduce` is the wait after the successor (its DNSKEY, or
// its DS for double-DS) is published until every cache can see it; `retire`
// the wait after the switch until the predecessor has left every cache.
struct RolloverTiming {
  Duration introduce = 0;
  Duration retire = 0;
  // The lifetime must exceed this, or a rollover would still be running when
  // the next is due.
  Duration minimum_lifetime() const { return introduce + retire; }
};
RolloverTiming rollover_timing(const Policy& policy, const KeyPolicy& key);

// Checks policy; on success returns the warnings (empty when clean). The
// first rule broken is returned as Errc::policy, positioned by source.
Result<std::vector<Warning>> lint_policy(const Policy& policy, const PolicySource& source);
// For a Policy built in code: positions name only the file "(policy)".
Result<std::vector<Warning>> lint_policy(const Policy& policy);

}  // namespace zs
