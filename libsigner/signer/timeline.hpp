// The `plan` use case: the coming key events of a zone, found by running the
// rollover planner (keys/rollover.hpp) forward in time on a copy of the
// stored key list, as cron would run `sign`, with a parent that acts on every
// DS request after the policy's parent-propagation delay. The result is a
// table of events as data (the front end renders it as JSON and as an SVG
// picture with one lane per key: cli/render_timeline.hpp).
//
// Read-only: the key state is read and never written; keys the simulation
// needs are made up (a placeholder label such as "zsk#2" and a tag chosen to
// collide with no stored key), never generated. Timing is RFC 7583 §3 and
// the methods RFC 6781 §4.1, exactly as the planner applies them; the DS
// steps follow RFC 7344 (CDS) with the parent's confirmation simulated.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "dns/name.hpp"
#include "keys/key_store.hpp"
#include "keys/rollover.hpp"
#include "policy/policy.hpp"

namespace zs {

// The key events a plan reports, in the order they happen to one key.
enum class TimelineEventKind : std::uint8_t {
  created,           // the key is generated ("created")
  dnskey_published,  // its DNSKEY enters the zone ("dnskey-rumoured")
  signing_starts,    // its first signatures ("active")
  ds_submitted,      // its DS enters CDS: the operator submits it ("ds-submitted")
  ds_seen,           // the parent serves the DS ("ds-seen", simulated)
  retired,           // its goal becomes hidden ("retired")
  signing_stops,     // its signatures leave the zone ("krrsig"/"zrrsig-unretentive")
  ds_withdrawal,     // its DS leaves CDS: the operator withdraws it ("ds-unretentive")
  ds_withdrawn,      // the parent no longer serves the DS ("ds-withdrawn", simulated)
  dnskey_withdrawn,  // its DNSKEY leaves the zone ("dnskey-unretentive")
  removed,           // every record has left every cache ("removed")
};

// "created", "dnskey-published", "signing-starts", ... (the JSON spelling).
std::string_view timeline_event_name(TimelineEventKind kind) noexcept;
// Whether the event is a task for the operator (submitting or withdrawing a DS).
bool timeline_event_is_task(TimelineEventKind kind) noexcept;

struct TimelineEvent {
  UnixTime at = 0;
  std::size_t key = 0;  // index into Timeline::keys
  TimelineEventKind kind = TimelineEventKind::created;
};

// A period of a key; `to` is nullopt while it lasts past the end of the plan.
struct TimelinePeriod {
  UnixTime from = 0;
  std::optional<UnixTime> to;
};

struct TimelineKey {
  std::string label;                // "zsk 40123" for a stored key, "zsk#2" for one the plan assumes
  std::optional<std::uint16_t> tag; // nullopt for an assumed key
  Role role = Role::zsk;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  std::optional<TimelinePeriod> published;     // DNSKEY in the zone
  std::optional<TimelinePeriod> cached;        // DNSKEY out of the zone, possibly still cached
  std::optional<TimelinePeriod> signing;       // its signatures in the zone (DNSKEY RRset for a KSK)
  std::optional<TimelinePeriod> ds_requested;  // DS in CDS, not yet served by the parent
  std::optional<TimelinePeriod> ds;            // DS served by the parent
};

struct Timeline {
  std::string zone;
  UnixTime now = 0;
  UnixTime start = 0;  // left edge of the picture: the first day of now's month
  UnixTime end = 0;    // now + months (calendar months); events before it
  int months = 0;
  Duration run_interval = 0;
  Duration parent_delay = 0;  // the simulated parent acts this long after a request
  std::size_t runs = 0;       // simulated runs
  std::vector<TimelineKey> keys;      // keys not removed before now, stored ones first
  std::vector<TimelineEvent> events;  // at >= now and < end; by time, then key, then kind
  std::vector<std::string> operator_tasks;  // what the operator must do now: exit 10
  std::vector<OperatorTask> tasks;          // the same as data, for the command a front end prints with each
};

// Simulates the planner from `now` for `months` calendar months over `keys`
// (left unchanged). Runs happen every policy.run_interval, and also at each
// Plan::next_due that comes earlier and at each simulated parent action.
// Errors: Errc::usage for months outside 1..120 or more than 200,000
// simulated runs (a run-interval too short for the span); the planner's.
// Where a simulation may end before its months are over, for callers that
// look for one event only (signer/rollover_keys.hpp upcoming_ds_request):
// the timeline then holds the runs and events up to that moment only.
struct TimelineLimits {
  std::optional<UnixTime> end;  // simulate moments before this one only
  // Called after each simulated moment with the planner's working key list
  // (removed keys leave it) and that moment; true ends the simulation there.
  std::function<bool(const std::vector<KeyInfo>& keys, UnixTime t)> stop;
};

Result<Timeline> simulate_timeline(const std::vector<KeyInfo>& keys, const Policy& policy, const std::string& zone,
                                   UnixTime now, int months, const TimelineLimits& limits = {});

// The same for a zone's stored keys: DIR/<zone>/state.yaml read under the
// store's lock (its lock file is the one thing that may be created, when no
// run has made it yet; a zone with no key folder starts from no keys, as its
// first `sign` would, and gets no folder). Errors: those of KeyStore::open.
Result<Timeline> zone_timeline(const Name& origin, const std::string& key_dir, const Policy& policy, UnixTime now,
                               int months);

// The calendar arithmetic the plan uses (UTC): `t` moved by `months` months,
// the day clamped to the month's last ("2026-01-31" + 1 = "2026-02-28").
UnixTime add_months(UnixTime t, int months);
// 00:00:00 on the first day of t's month.
UnixTime month_start(UnixTime t);

// The event as a sentence ("DNSKEY published", "starts signing the zone"):
// the words of the table and of the JSON and SVG the front end renders
// (cli/render_timeline.hpp).
std::string timeline_event_text(TimelineEventKind kind, Role role);
// A table: "TIME  KEY  EVENT" lines in event order, then the tasks due now.
std::string timeline_text(const Timeline& timeline);

}  // namespace zs
