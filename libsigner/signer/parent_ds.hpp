// The DS RRset at the parent, as data: what the parent's name servers were
// found to serve for our zone (each server's answer, gathered by the front end
// through parent/parent_client.hpp before a run), compared with the DS set the
// zone wants there (its CDS set, RFC 7344 §4 / RFC 8078), and what the
// answers let a run record (the `ds-seen` / `ds-withdrawn` events of
// keys/rollover.hpp) so a KSK rollover can go on without the operator typing
// --ds-seen.
//
// A DS is owned by the parent zone (RFC 4034 §5, RFC 4035 §2.4), so each
// parent server's answer is judged on its own: "the parent serves DS X" means
// every server does, which is what RFC 7583 §3.3.1 needs before the DS
// propagation delay may be counted. Nothing here touches the network: the use
// cases (sign_zone, roll_keys, zone_status) receive the answers as input.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "dnssec/dnskey.hpp"

namespace zs {

struct KeyInfo;

// One server's answer: the DS records it serves for the zone (empty for a
// NODATA or NXDOMAIN answer), or why it gave none.
struct ServerDs {
  std::string server;  // "192.0.2.1@5300", with the NS name when discovered
  Result<std::vector<Ds>> answer;
};

// What the front end found at the parent before a run: every asked server's
// answer, in the order asked, or why the servers could not be found (the
// discovery of the parent's name servers failed).
using ParentObservations = Result<std::vector<ServerDs>>;

// --- comparison -------------------------------------------------------------

// Same key tag, algorithm, digest type and digest.
bool same_ds(const Ds& a, const Ds& b) noexcept;
// RFC 4034 §5 order of the fields, for deterministic reports.
bool ds_less(const Ds& a, const Ds& b) noexcept;
// Whether `ds` refers to the DNSKEY with RDATA `dnskey_rdata` at `owner`,
// whatever digest type it uses (of those we can compute).
bool ds_matches_key(const Ds& ds, const Name& owner, BytesView dnskey_rdata);

struct ServerDiff {
  std::string server;
  std::vector<Ds> missing;  // wanted but not served by this server
  std::vector<Ds> extra;    // served by this server but not wanted
};

struct ParentComparison {
  std::vector<Ds> add;     // wanted and missing on at least one answering server
  std::vector<Ds> remove;  // served by at least one answering server and not wanted
  std::vector<ServerDiff> servers;  // one per answering server, in the order asked
  std::vector<std::string> unreachable;  // "server: why", for the servers that gave no answer
  std::size_t answered = 0;
  bool disagree = false;  // the answering servers do not all serve the same set

  // Every answering server serves exactly the wanted set (and one answered).
  bool matches() const noexcept { return answered > 0 && add.empty() && remove.empty(); }
};
// Compares the wanted set with what each server answered. Order: `add` in
// the order of `wanted`, `remove` in ds_less order.
ParentComparison compare_parent_ds(std::span<const Ds> wanted, std::span<const ServerDs> live);

// --- confirmation of rollover events ----------------------------------------

struct ParentConfirmation {
  std::vector<std::uint16_t> seen;       // keys whose ds-seen was recorded
  std::vector<std::uint16_t> withdrawn;  // keys whose ds-withdrawn was recorded
  std::vector<std::string> lines;        // what was found and recorded, for the run's report
  std::vector<std::string> warnings;     // unreachable servers, stale DS at the parent
};

// Records, on `keys`, what the answers in `live` show at `now`: a key whose
// DS waits to be seen (keys/rollover.hpp) gets "ds-seen" when every server in
// `live` answered and serves a DS of it; a key whose DS waits to be withdrawn
// gets "ds-withdrawn" when every server answered and none serves one. A
// server that gave no answer keeps both from being recorded (it might still
// serve the old set): a warning, never an error. A DS at the parent that
// matches no key of ours with a DS in the zone's history is reported as a
// warning to remove it; it blocks nothing.
ParentConfirmation confirm_from_answers(std::vector<KeyInfo>& keys, const Name& origin,
                                        std::span<const ServerDs> live, UnixTime now);

// Whether some key's DS waits for the parent to show a change at `now`: in
// CDS and not yet seen (rumoured), or gone from CDS and not yet withdrawn
// (unretentive). Only then is the parent worth asking: a quiet cron run stays
// off the network.
bool awaits_parent_ds(const std::vector<KeyInfo>& keys, UnixTime now);

// The same question about a zone's key folder as a run at `now` will read it
// (read-only, no lock, after the run's clock check, with `allow_clock_back`
// moving later times back as the run will): for the front end, to decide
// whether to ask the parent before the run. false when the folder holds no
// key state yet, or when the run will be refused anyway (its own error then
// says why).
bool key_folder_awaits_parent_ds(const std::string& key_dir, const Name& origin, UnixTime now,
                                 bool allow_clock_back);

// The confirmation step of `rollover` and `sign --policy`, on the keys as the
// run holds them (its operator events recorded): with `observed` answers and
// a DS that awaits the parent (awaits_parent_ds), confirm_from_answers(); a
// failed discovery is a warning; without observations, or with nothing
// waiting any more, nothing is recorded and nothing reported.
ParentConfirmation confirm_from_observations(std::vector<KeyInfo>& keys, const Name& origin,
                                             const std::optional<ParentObservations>& observed, UnixTime now);

}  // namespace zs
