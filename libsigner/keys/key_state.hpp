// Key states for rollovers: the model of Mekking's "Flexible and Robust Key
// Rollover" (the one BIND's dnssec-policy uses), with the timing of RFC 7583
// §3 and the validation rules of RFC 4035 §2.2 / §5 and RFC 6781 §4.1.4.
//
// Every key has a goal (omnipresent while it is wanted, hidden once it is
// retired) and, for each record kind it has, a state:
//   hidden -> rumoured -> omnipresent -> unretentive -> hidden
// "rumoured": the record is published but some caches may not have it yet;
// "unretentive": it is withdrawn but some caches may still hold it.
//
// The state is a pure function of the key's stored timestamps and `now`: each
// record change is an event in KeyInfo::timestamps named "<record>-<state>"
// ("dnskey-rumoured", "ds-unretentive", "zrrsig-hidden", ...). A record is in
// the state of its latest event at or before `now`. So a schedule can be
// evaluated at any moment without a clock, and an old state file still reads.
//
// find_validation_gap() is the safety net of the planner: it models every
// combination of DS, DNSKEY and zone RRsets a resolver could hold at `now`
// and reports one that would not validate.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "policy/policy.hpp"

namespace zs {

struct KeyInfo;

// The record kinds of a key (Mekking §3): its DNSKEY, its signatures over the
// DNSKEY RRset (KSK, CSK), its signatures over the rest of the zone (ZSK,
// CSK), and its DS at the parent (KSK, CSK).
enum class RecordKind : std::uint8_t { dnskey, krrsig, zrrsig, ds };
inline constexpr std::array<RecordKind, 4> all_record_kinds = {RecordKind::dnskey, RecordKind::krrsig,
                                                               RecordKind::zrrsig, RecordKind::ds};

enum class RecordState : std::uint8_t { hidden, rumoured, omnipresent, unretentive };

enum class KeyGoal : std::uint8_t { omnipresent, hidden };

std::string_view record_kind_name(RecordKind kind) noexcept;    // "dnskey", "krrsig", "zrrsig", "ds"
std::string_view record_state_name(RecordState state) noexcept;  // "hidden", "rumoured", ...
// The timestamp name of a record change: "dnskey-rumoured".
const std::string& record_event_name(RecordKind kind, RecordState state);

// Whether a key of this role has records of this kind.
bool record_applies(Role role, RecordKind kind) noexcept;

struct RecordStatus {
  RecordState state = RecordState::hidden;
  UnixTime since = 0;  // when it entered this state (meaningless for a never-published record)
};

struct KeyState {
  bool exists = false;   // created at or before `now`
  bool removed = false;  // every record gone from every cache; the key is history
  bool legacy = false;   // no record events: states derived from "created" (see key_state())
  KeyGoal goal = KeyGoal::omnipresent;
  std::array<RecordStatus, 4> records{};
  std::optional<UnixTime> active;        // started signing ("active" event)
  std::optional<UnixTime> retired;       // goal became hidden ("retired" event)
  std::optional<UnixTime> ds_seen;       // the operator confirmed the parent serves the DS
  std::optional<UnixTime> ds_withdrawn;  // the operator confirmed the parent no longer does

  const RecordStatus& operator[](RecordKind kind) const { return records[static_cast<std::size_t>(kind)]; }
  RecordStatus& operator[](RecordKind kind) { return records[static_cast<std::size_t>(kind)]; }
  // Published (rumoured or omnipresent): it is in the zone (or, for DS, in the CDS set).
  bool published(RecordKind kind) const {
    auto s = (*this)[kind].state;
    return s == RecordState::rumoured || s == RecordState::omnipresent;
  }
};

// The state of `info` at `now`, from its timestamps. A key with no record
// events (written before rollovers existed) is read as published when it was
// created: its DNSKEY and signatures rumoured since "created", its DS
// rumoured since "created" (the CDS named it) until a "ds-seen" event; the
// planner then writes those events down ("adopt"). A key the planner created
// carries a "planned" event and is never read that way: until a `sign` run
// publishes it, all its records are hidden.
KeyState key_state(const KeyInfo& info, UnixTime now);

// How long a change of each record kind takes to reach every cache (RFC 7583
// §3): the TTL plus the propagation delay. Safety margins are added on top
// before a record is declared omnipresent or hidden.
struct CacheWindows {
  Duration dnskey = 0;  // ttl.dnskey + zone-propagation (DNSKEY RRset and its signatures)
  Duration zone = 0;    // max(ttl.zone-max, ttl.dnskey) + zone-propagation (zone signatures)
  Duration ds = 0;      // ttl.parent-ds + parent-propagation (DS RRset at the parent)
  Duration publish_safety = 0;
  Duration retire_safety = 0;

  Duration window(RecordKind kind) const noexcept;
  // rumoured -> omnipresent after since + window + publish-safety (DS: counted from ds-seen).
  Duration introduce(RecordKind kind) const noexcept { return window(kind) + publish_safety; }
  // unretentive -> hidden after since + window + retire-safety (DS: counted from ds-withdrawn).
  Duration retire(RecordKind kind) const noexcept { return window(kind) + retire_safety; }
};
CacheWindows cache_windows(const Policy& policy);

// When the record's cache window ends: a rumoured record may become
// omnipresent, an unretentive one hidden. nullopt for the other states, and
// for a DS still waiting for the operator's ds-seen / ds-withdrawn event.
// (`status` prints it; the planner moves the record at the first run at or
// after it.)
std::optional<UnixTime> window_end(const KeyState& state, RecordKind kind, const CacheWindows& windows);

// A key as the validation model sees it. `tag` names it in reports (0 for a
// key the planner has not created yet).
struct KeyView {
  std::uint16_t tag = 0;
  Role role = Role::zsk;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  KeyState state;
};

// A combination of cached RRsets that would not validate.
struct ValidationGap {
  UnixTime ds_version = 0;      // the parent's DS RRset as served at this moment...
  std::vector<std::uint16_t> ds;  // ...holding these DS (one choice of the uncertain ones)
  UnixTime dnskey_version = 0;  // the DNSKEY RRset as published at this moment
  UnixTime zone_version = 0;    // a zone RRset as published at this moment
  std::string reason;

  std::string to_string() const;
};

// Checks every combination a validating resolver could hold at `now`: a DS
// RRset the parent served within the DS window (a DS submitted but not yet
// confirmed, or withdrawn but not yet confirmed gone, may or may not be in
// it), a DNSKEY RRset (with its RRSIGs) published within the DNSKEY window,
// and a zone RRset (with its RRSIGs) published within the zone window (each
// window widened by the smaller of the two safety margins). A
// version published at moment v holds the omnipresent records, the rumoured
// ones with since <= v and the unretentive ones with since > v.
//
// It validates when, for every algorithm in the DS set, some key of that
// algorithm has its DS, its DNSKEY and its DNSKEY signature in the sets held;
// and for every algorithm in the DS set or the DNSKEY RRset, some key of that
// algorithm in the DNSKEY RRset signs the DNSKEY RRset (if a KSK/CSK) and some
// signs the zone RRset (RFC 4035 §2.2, RFC 6781 §4.1.4). An empty DS set is an
// insecure delegation: a gap only once some DS has been omnipresent. The
// DNSKEY and zone versions published at `now` must validate together in any
// case (by the same rules, for the algorithms of that DNSKEY RRset): that is
// the zone `sign` writes, and an insecure zone becomes secure later.
std::optional<ValidationGap> find_validation_gap(std::span<const KeyView> keys, const CacheWindows& windows,
                                                 UnixTime now);
// The same for a stored key list (removed keys and keys created after `now` ignored).
std::optional<ValidationGap> find_validation_gap(const std::vector<KeyInfo>& keys, const Policy& policy,
                                                 UnixTime now);

// What the signer publishes at `now` (RFC 4035 §2, RFC 7344 §4): tags, in the
// order of the key list. A key in `cds` may be missing from `dnskey` (a
// double-DS rollover announces the new DS first); the signer takes its
// DNSKEY rdata from the KeyInfo.
struct PublishedSet {
  std::vector<std::uint16_t> dnskey;       // in the DNSKEY RRset
  std::vector<std::uint16_t> sign_dnskey;  // sign DNSKEY, CDS and CDNSKEY
  std::vector<std::uint16_t> sign_zone;    // sign every other RRset (and CDS, CDNSKEY)
  std::vector<std::uint16_t> cds;          // the DS set the zone wants at the parent (CDS, CDNSKEY)
};
PublishedSet published_set(const std::vector<KeyInfo>& keys, UnixTime now);

}  // namespace zs
