// BIND's key files, which ldns and dnst write too: K<zone>+<alg>+<tag>.key
// (the DNSKEY record, with BIND's timing as comments), .private (the private
// key as "Private-key-format: v1.x" fields, then the timing fields BIND reads)
// and, with dnssec-policy, .state (the key's timing and states). Reading them
// for `zonesign key import`, writing the .key/.private pair for `key export`.
//
// The DNSKEY line goes through the zone-file parser (TTL, class, parentheses
// and comments as any master file; no $INCLUDE). Times are BIND's
// YYYYMMDDHHMMSS in UTC; the "(Sun Dec  6 15:46:38 2026)" after a time in the
// .key comments and .state is only for people.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "dns/name.hpp"
#include "dnssec/dnskey.hpp"
#include "keys/key_store.hpp"

namespace zs {

// The parts of a file name K<zone>+<alg>+<tag>[.key|.private|.state].
struct BindKeyName {
  std::string zone;  // as written, with its trailing dot ("example.com.")
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  std::uint16_t tag = 0;
  std::string stem;  // the name without its extension
};
// nullopt when `file_name` (no folder) is not of that form.
std::optional<BindKeyName> parse_bind_key_name(std::string_view file_name);
// "Kexample.com.+013+07894": the stem BIND gives the files of a key.
std::string bind_key_stem(const Name& zone, Algorithm algorithm, std::uint16_t tag);

// BIND's times for a key (dst_key timing metadata); absent ones are nullopt.
struct BindTiming {
  std::optional<UnixTime> created;       // Created / Generated
  std::optional<UnixTime> publish;       // Publish / Published: DNSKEY in the zone
  std::optional<UnixTime> activate;      // Activate / Active: signing
  std::optional<UnixTime> revoke;        // Revoke
  std::optional<UnixTime> inactive;      // Inactive / Retired: stops signing
  std::optional<UnixTime> remove;        // Delete / Removed: DNSKEY out of the zone
  std::optional<UnixTime> sync_publish;  // SyncPublish / PublishCDS: CDS asks for the DS
  std::optional<UnixTime> ds_publish;    // DSPublish: the parent serves the DS
  // From .state's "KSK: yes" / "ZSK: yes" (a CSK has both).
  std::optional<bool> ksk;
  std::optional<bool> zsk;

  bool empty() const noexcept {
    return !created && !publish && !activate && !revoke && !inactive && !remove && !sync_publish && !ds_publish;
  }
  // Every field `other` has replaces this one's.
  void override_with(const BindTiming& other);
};

// A .key file: the one DNSKEY record it holds, and the timing comments.
struct BindPublicFile {
  Name owner;
  Dnskey dnskey;
  BindTiming timing;
};
// `display_name` names the file in errors. Errors: the parser's (at
// file:line:column), Errc::key_store when the file holds no DNSKEY, or more
// than one record, or a bad timing comment.
Result<BindPublicFile> parse_bind_public_file(std::string_view text, const std::string& display_name,
                                              const Name& origin);
// The timing fields of a .private file (the key itself is
// PrivateKey::from_bind_private's business). Errors: Errc::key_store.
Result<BindTiming> parse_bind_private_timing(std::string_view text, const std::string& display_name);
// A .state file. Errors: Errc::key_store.
Result<BindTiming> parse_bind_state(std::string_view text, const std::string& display_name);

// BIND's times for a key zonesign holds, from its timestamps: Created
// (created), Publish (published, else dnskey-rumoured), Activate (active),
// Inactive (retired), Delete (removed), SyncPublish (ds-submitted). A key from
// an old state file (no record events, no "planned") counts as published and
// active from its creation, as key_state() reads it.
BindTiming bind_timing_of(const KeyInfo& info);

// The text of the .key file: BIND's comment lines, then
// "<zone> IN DNSKEY <flags> 3 <alg> <base64>".
std::string render_bind_public_file(const Name& zone, const KeyInfo& info);
// The timing lines BIND appends to the .private file ("Created: ...").
std::string render_bind_private_timing(const KeyInfo& info);

}  // namespace zs
