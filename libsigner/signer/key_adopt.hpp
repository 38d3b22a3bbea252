// The `key adopt` use case: rebuild a zone's lost state.yaml from the private
// key files still in its folder (a restore of the .pem files only, a `git
// clean`), so the zone keeps its keys and the DS at the parent stays valid.
//
// A PEM file says nothing of a key's role or history, so adoption reads what
// it can and assumes the safe rest:
// - the keys: each K<zone>+<alg>+<tag>.pem, and each token key's note
//   K<zone>+<alg>+<tag>.pkcs11, opened through the URI it holds (a note that
//   cannot be followed is an error, never skipped: the key would be dropped);
// - the role from the file name K<zone>+<alg>+<tag>: the tag is computed
//   over the DNSKEY with flags 256 and 257, and the one that matches the name
//   gives the SEP bit (257: KSK, or CSK when no ZSK is adopted; 256: ZSK);
// - with a signed zone (`--signed FILE`, the last published output), only the
//   keys in its DNSKEY RRset are adopted, with its flags; DNSKEYs there
//   without a private key here are reported;
// - the timing: each key is recorded as created at `now` without record
//   events, which the planner reads as published since `now` (its records
//   rumoured, its DS submitted but not confirmed: docs/rollover.md), so
//   every cache window starts again and nothing is removed early.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "keys/key_store.hpp"

namespace zs {

struct AdoptRequest {
  Name origin;
  std::string key_dir;
  UnixTime now = 0;
  std::optional<std::string> signed_zone;  // adopt only the keys of its DNSKEY RRset
  bool dry_run = false;                    // report, write nothing
};

struct AdoptReport {
  std::vector<KeyInfo> adopted;
  std::vector<std::string> skipped;   // "FILE: why"
  std::vector<std::string> warnings;  // e.g. a published DNSKEY without its private key
};

// Errors: Errc::key_store (state.yaml exists, no key file could be adopted,
// unsafe files), Errc::io, and the signed zone's parse errors.
Result<AdoptReport> adopt_keys(const AdoptRequest& request);

}  // namespace zs
