// The parent zone's name servers, asked for our DS (libunbound): an adapter
// of the front end. `sign`, `rollover`, `status --check-parent` and
// `ds --check-parent` ask here before their use case runs and hand it the
// answers (signer/parent_ds.hpp ServerDs, ParentObservations); no use case
// calls the network in the middle of its work (docs/architecture.md).
//
// A DS is owned by the parent zone (RFC 4034 §5, RFC 4035 §2.4), so each
// parent server is asked directly, without recursion, and its answer is kept
// apart from the others'. The queries go through libunbound (no hand-built
// packets) and each step is bounded by a timeout, so a cron run never hangs
// on a dead server. This layer is the only code that links libunbound.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "policy/policy.hpp"
#include "signer/parent_ds.hpp"

namespace zs {

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

// What a `sign --policy` or `rollover` run at `now` wants from the parent,
// asked before the run: nothing (nullopt) when `query` names no server and
// leaves discovery off, or when no DS of the zone's keys waits for the parent
// (signer/parent_ds.hpp key_folder_awaits_parent_ds: a quiet cron run stays
// off the network); else what ask_parent() found, its failure included (the
// run turns that into a warning).
std::optional<ParentObservations> observe_parent_for_run(const Name& origin, const std::string& key_dir,
                                                         UnixTime now, bool allow_clock_back,
                                                         const ParentQuery& query);

}  // namespace zs
