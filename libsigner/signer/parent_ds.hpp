// The DS RRset at the parent: asking the parent's name servers what they
// serve for our zone, comparing it with the DS set the zone wants there (its
// CDS set, RFC 7344 §4 / RFC 8078), and recording what the parent has done
// (the `ds-seen` / `ds-withdrawn` events of keys/rollover.hpp) so a KSK
// rollover can go on without the operator typing --ds-seen.
//
// A DS is owned by the parent zone (RFC 4034 §5, RFC 4035 §2.4), so each
// parent server is asked directly, without recursion, and each answer is
// judged on its own: "the parent serves DS X" means every server does, which
// is what RFC 7583 §3.3.1 needs before the DS propagation delay may be
// counted. The queries go through libunbound (no hand-built packets) and each
// step is bounded by a timeout, so a cron run never hangs on a dead server.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "dnssec/dnskey.hpp"
#include "policy/policy.hpp"

namespace zs {

struct KeyInfo;

// Parses "ADDRESS[@PORT]" (an IPv4 or IPv6 literal; the port defaults to 53),
// the form of parent.servers, --server and --resolver. Errors: Errc::usage.
Result<ParentServer> parse_server_address(std::string_view text);
// "192.0.2.1" or "192.0.2.1@5300" (the port only when it is not 53).
std::string server_label(const ParentServer& server);

// Which servers to ask. Servers named here are asked directly; when there are
// none and `discover` is set (or a resolver is named), the parent zone's NS
// and their addresses are found through a recursive resolver first.
struct ParentQuery {
  std::vector<ParentServer> servers;
  bool discover = false;
  std::optional<ParentServer> resolver;  // for discovery; nullopt: /etc/resolv.conf
  Duration timeout = 4;                  // seconds, for each round of queries

  // Whether there is anything to ask at all.
  bool enabled() const noexcept { return !servers.empty() || discover || resolver.has_value(); }
};
// parent.servers and parent.discover of a policy.
ParentQuery parent_query_for(const Policy& policy);

// One server's answer: the DS records it serves for the zone (empty for a
// NODATA or NXDOMAIN answer), or why it gave none.
struct ServerDs {
  std::string server;  // server_label(), with the NS name when discovered
  Result<std::vector<Ds>> answer;
};

// Asks every server in `servers`, in parallel, for `zone` DS without
// recursion (RD=0, as a resolver asks an authoritative server). Never fails
// as a whole: a server that times out, refuses or answers SERVFAIL gets an
// error of its own. Returns one entry per server, in the order given.
std::vector<ServerDs> query_parent_ds(const Name& zone, std::span<const ParentServer> servers, Duration timeout);

// Finds the name servers of the zone above `zone` through the recursive
// resolver `resolver` (nullopt: /etc/resolv.conf): the nearest ancestor with
// an NS RRset, then the A and AAAA records of its servers. Errors: Errc::io
// when the resolver does not answer or no address is found.
struct DiscoveredServer {
  Name ns;
  ParentServer address;
};
Result<std::vector<DiscoveredServer>> discover_parent_servers(const Name& zone,
                                                              const std::optional<ParentServer>& resolver,
                                                              Duration timeout);

// The servers of `query` (discovered when it names none) asked for `zone` DS.
// Errors: those of discover_parent_servers(); a failing server is only an
// entry with an error.
Result<std::vector<ServerDs>> ask_parent(const Name& zone, const ParentQuery& query);

// --- comparison (pure) -------------------------------------------------------

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

// The confirmation step of `rollover` (and of `sign --policy`): when the
// policy names parent servers or turns on discovery (or `query` overrides
// it), asks them and applies confirm_from_answers(); otherwise does nothing.
// Network trouble (discovery failing, servers not answering) ends up in
// `warnings`; the only errors are broken invariants of the key list.
Result<ParentConfirmation> confirm_from_parent(std::vector<KeyInfo>& keys, const Policy& policy, const Name& origin,
                                               UnixTime now, const std::optional<ParentQuery>& query = std::nullopt);

}  // namespace zs
