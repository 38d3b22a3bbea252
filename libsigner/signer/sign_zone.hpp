// The `sign` use case: zone file in, signed zone out (ARCHITECTURE.md, "Data
// flow of zonesign sign"). Parse, build the Zone, open the key store (creating
// a KSK and a ZSK when the zone has none), add DNSKEY/CDS/CDNSKEY, build the
// NSEC or NSEC3 chain, sign on N threads, complete and sign the ZONEMD when
// asked (RFC 8976), stream the result into a staged file, read it back and
// check it (signer/output_gate.hpp), and only then put the output in place
// and commit the key state, both atomically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "dnssec/denial.hpp"
#include "dns/name.hpp"
#include "policy/policy.hpp"
#include "keys/rollover.hpp"
#include "signer/parent_ds.hpp"
#include "signer/rollover_keys.hpp"
#include "signer/serial.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {


struct SignRequest {
  std::string zone_file;    // "-" for standard input
  ZoneInputOptions input{}; // what the zone file may reach: $INCLUDE, size (zonefile/zonefile.hpp)
  Name origin;
  std::string key_dir;
  std::string output;       // "-" for standard output
  UnixTime now = 0;
  // The keys to create when the zone has none: {ksk, zsk} or {csk} (the
  // policy's `keys`, or --algorithm). Only algorithm and size are used here.
  std::vector<KeyPolicy> keys = {default_key_policy(Role::ksk), default_key_policy(Role::zsk)};
  DenialType denial = DenialType::nsec3;
  Nsec3Params nsec3;
  Duration validity = 14 * 86400;
  Duration dnskey_validity = 14 * 86400;  // for DNSKEY, CDS and CDNSKEY
  // Signature reuse (signer/signature_reuse.hpp): with a refresh time, the
  // signatures of the previous output (the file at `output`) are kept for
  // every unchanged RRset while more than `refresh` of their validity is
  // left. Without one, everything is signed afresh.
  std::optional<Duration> refresh;
  // Expirations are spread over [validity - jitter, validity] by owner/type.
  Duration jitter = 0;
  Duration inception_offset = 3600;
  SerialPolicy serial = SerialPolicy::keep;
  bool publish_cds = true;  // CDS and CDNSKEY for the key-signing keys (RFC 7344)
  std::vector<DigestType> cds_digests = {DigestType::SHA256};
  // ttl.zone-max of a policy: a zone TTL above it is an error at that record.
  std::optional<std::uint32_t> zone_max_ttl;
  std::uint32_t dnskey_ttl = 3600;
  unsigned threads = 0;     // 0: one per core
  // Told each step and how far it is (cli: a line on a terminal); nullptr:
  // nobody watches. Not owned.
  Progress* progress = nullptr;
  // With a policy, every run first plans and applies the key actions due at
  // `now` (keys/rollover.hpp), and the key states decide which keys are
  // published, sign, and appear in CDS/CDNSKEY. Without one, the zone's keys
  // are used as they are: every listed key is published and signs by role.
  std::optional<Policy> policy;
  // What the parent's servers showed, asked by the front end before the run
  // (parent/parent_client.hpp observe_parent_for_run); nullopt: not asked.
  // With a policy, a DS change they all show is recorded (ds-seen,
  // ds-withdrawn) before planning, so the rollover goes on without
  // --ds-seen; servers that gave no answer are warnings (signer/parent_ds.hpp
  // confirm_from_observations).
  std::optional<ParentObservations> parent_observations;
  // A `now` before the last run recorded in the key state is refused (the
  // clock stepped back) unless this is set; then recorded times after `now`
  // are moved back to `now` (KeyStore::check_clock).
  bool allow_clock_back = false;
  // Publish a ZONEMD (RFC 8976: SIMPLE, SHA-384) at the apex, computed over
  // the signed zone (dnssec/zonemd.hpp). A policy's `zonemd: true` does too.
  bool zonemd = false;
  // The caller's process ends after this run (the command line's `sign`):
  // the zone is then left for the exit to take back instead of freed block
  // by block (core/leave_to_exit.hpp). Never for a caller that goes on.
  bool process_ends_after = false;
};

struct SignSummary {
  std::size_t records_in = 0;
  std::size_t records_out = 0;
  std::size_t rrsets_signed = 0;
  std::size_t signatures = 0;
  std::size_t signatures_reused = 0;  // kept from the previous output
  // Of those, the signatures of chunks carried over whole: their bytes were
  // copied from the previous output and proven to be the ones its run
  // checked (signer/sign_zone.cpp, docs/architecture.md "Carried chunks").
  std::size_t signatures_carried = 0;
  // The denial chain was not checked again: its inputs were those of the
  // previous output, whose check passed (dnssec/verify.hpp denial_digest).
  bool denial_proven = false;
  // The gate's read-back: output bytes parsed, and bytes taken over from the
  // previous run's proofs of unchanged chunks (signer/output_chunks.hpp).
  std::uint64_t output_bytes_parsed = 0;
  std::uint64_t output_bytes_proven = 0;
  // Output bytes copied from the previous output instead of rendered.
  std::uint64_t output_bytes_copied = 0;
  std::size_t keys_created = 0;
  std::uint32_t serial = 0;
  std::vector<std::string> key_actions;     // what the rollover planner did this run (-v)
  // Keys created, published, retired or removed, and algorithm rollovers
  // started, by this run: a `key event:` line each, also without -v.
  std::vector<KeyEvent> key_events;
  // What the operator must do (exit code 10); the tags of keys this run
  // created are filled in.
  std::vector<OperatorTask> operator_tasks;
  // A KSK/CSK rollover's DS request coming soon (signer/rollover_keys.hpp).
  std::optional<DsRequestNotice> notice;
  UnixTime expiration = 0;      // the earliest signature expiration in the output
  std::vector<std::string> notes;  // things worth a line on standard error
  std::string output;           // the signed zone text when output == "-"
};

Result<SignSummary> sign_zone(const SignRequest& request);

// Whether sign_zone(request) will find a previous output and the signature
// index its run left (signer/signature_reuse.hpp) to take from: a re-sign,
// which holds about two thirds of a full sign's memory at its peak. Looks,
// reads nothing; the run itself still checks all it takes.
bool reuses_previous_output(const SignRequest& request);

}  // namespace zs
