// The `ds` use case: the DS records the parent must publish for the zone's
// key-signing keys (RFC 4034 §5, RFC 4509 SHA-256, RFC 6605 SHA-384), as
// zone-file lines and as the fields a registrar's web form asks for.
//
// At a moment `now` the set is the one the zone wants at the parent then:
// its CDS set (RFC 7344 §4, keys/key_state.hpp published_set), each DS with
// where it stands in the rollover (to submit, propagating, published), and
// beside it the DS the zone wants removed (a retired KSK whose withdrawal
// the parent has not confirmed yet).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "dns/name.hpp"
#include "dnssec/dnskey.hpp"
#include "policy/policy.hpp"

namespace zs {

struct DsRequest {
  Name origin;
  std::string key_dir;
  std::vector<DigestType> digests = {DigestType::SHA256};
  // The moment whose CDS set is reported. nullopt: every key-signing key that
  // is not removed, without a status (the report of a zone signed without a
  // policy, before rollovers existed).
  std::optional<UnixTime> now;
  // With `now`: the zone's policy, to tell which DS the next run will add to
  // CDS (DsReport::next_run_adds). Not owned; may be null.
  const Policy* policy = nullptr;
};

// Where a DS stands at `now` (DsEntry::status).
inline constexpr const char* ds_status_submit = "submit";            // in CDS; waiting for --ds-seen
inline constexpr const char* ds_status_propagating = "propagating";  // seen; its cache window is running
inline constexpr const char* ds_status_published = "published";      // omnipresent at the parent
inline constexpr const char* ds_status_withdraw = "withdraw";        // left CDS; waiting for --ds-withdrawn

struct DsEntry {
  std::uint16_t key_tag = 0;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  DigestType digest_type = DigestType::SHA256;
  std::string digest_hex;
  std::uint16_t flags = 0;       // of the DNSKEY
  std::uint8_t protocol = 3;
  std::string public_key_base64;
  std::string role;              // "ksk" or "csk"
  std::string status;            // one of ds_status_*; empty without DsRequest::now
  UnixTime since = 0;            // with a status: when the DS entered that state (submit: asked since)

  Ds ds() const;  // the record itself, for comparisons
};

struct DsReport {
  std::vector<DsEntry> entries;   // the DS set the zone wants at the parent
  std::vector<DsEntry> withdraw;  // DS the zone wants gone (status "withdraw")
  bool at_moment = false;         // made for DsRequest::now: statuses and withdraw are meaningful
  // Some key has record states stored: the zone's keys are managed by the
  // rollover planner (signed with a policy). false: signed without one, so
  // its keys are never rolled and no DS event is ever waited for.
  bool rolled = false;
  // With DsRequest::policy: the key-signing keys whose DS the zone does not
  // ask for yet but whose next run (due now) puts in CDS, so that `ds` and
  // `status` (which tells what the next run does) agree on what comes next.
  std::vector<std::uint16_t> next_run_adds;

  // A DS to submit or to withdraw: the operator must act (exit code 10).
  bool operator_must_act() const noexcept;
};

// Errors: Errc::key_store when the zone has no keys or no key-signing key.
// With `now`, an empty `entries` is no error: a newly signed zone asks for
// its first DS only once its signatures are in every cache (rollover.md).
Result<DsReport> make_ds_status(const DsRequest& request);
// make_ds_status(request).entries.
Result<std::vector<DsEntry>> make_ds_report(const DsRequest& request);

// "example.com. IN DS 12345 13 2 ABCD..." (the form of dnssec-dsfromkey).
std::string ds_record_line(const Name& origin, const DsEntry& entry);
std::string ds_record_line(const Name& origin, const Ds& ds);
// One ds_record_line per entry, one per line.
std::string ds_report_text(const Name& origin, const std::vector<DsEntry>& entries);
// The JSON document of `ds --json` is the front end's (cli/render_ds.hpp).

}  // namespace zs
