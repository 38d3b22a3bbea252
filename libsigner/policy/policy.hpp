// The signing policy: a versioned YAML file (docs/policy.md) parsed into this
// validated model. Every field has a default, so `version: 1` alone is a
// complete policy. Loading checks types, unknown fields and impossible
// combinations, then runs the linter (policy/lint.hpp); errors are
// Errc::policy and carry the file, line and column of the offending YAML node
// and its YAML path ("keys.zsk.lifetime: bad duration \"9x\"").
//
// Timing follows RFC 7583 (key rollover timing) and RFC 6781 §4.1 (rollover
// methods); NSEC3 parameters follow RFC 9276; DS digests RFC 8624 §3.3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "policy/serial.hpp"

namespace zs {

// Key roles: a KSK signs the DNSKEY RRset and is referred to by the parent's
// DS; a ZSK signs everything else; a CSK does both (RFC 6781 §3.1, RFC 7583 §3.3).
enum class Role { ksk, zsk, csk };

// RFC 6781 §4.1.1 (ZSK: pre-publish, double-signature) and §4.1.2
// (KSK and CSK: double-KSK, double-DS).
enum class RolloverMethod { pre_publish, double_signature, double_ksk, double_ds };

struct KeyPolicy {
  Role role = Role::zsk;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  unsigned size = 0;                 // bits; RSA only (2048..4096), 0 for fixed-size algorithms
  std::optional<Duration> lifetime;  // nullopt = unlimited (never rolled)
  RolloverMethod rollover = RolloverMethod::pre_publish;

  bool operator==(const KeyPolicy&) const = default;
};

struct SignaturePolicy {
  Duration validity = 14 * 86400;         // RRSIG expiration - signing time, for all RRsets but DNSKEY
  Duration dnskey_validity = 14 * 86400;  // the same for the DNSKEY (and CDS/CDNSKEY) RRsets
  Duration refresh = 5 * 86400;           // re-sign when less than this validity remains
  Duration jitter = 12 * 3600;            // expiration spread over [validity - jitter, validity]
  Duration inception_offset = 3600;       // inception = signing time - this (clock skew)

  bool operator==(const SignaturePolicy&) const = default;
};

struct TtlPolicy {
  Duration dnskey = 3600;      // TTL given to DNSKEY, CDS, CDNSKEY and NSEC3PARAM
  Duration zone_max = 86400;   // no TTL in the zone may exceed this (check_zone_ttls)
  Duration parent_ds = 86400;  // the TTL the parent gives our DS RRset

  bool operator==(const TtlPolicy&) const = default;
};

// The propagation delays (Dprp) and safety margins of RFC 7583 §3.
struct DelayPolicy {
  Duration zone_propagation = 300;     // until every server of the zone serves a new version
  Duration parent_propagation = 3600;  // until every parent server serves a new DS RRset
  Duration publish_safety = 3600;      // extra wait before relying on a published key
  Duration retire_safety = 3600;       // extra wait before removing a retired key

  bool operator==(const DelayPolicy&) const = default;
};

enum class DenialType { nsec, nsec3 };

struct DenialPolicy {
  DenialType type = DenialType::nsec3;
  unsigned iterations = 0;   // NSEC3 additional iterations (RFC 9276 §3.1: 0)
  unsigned salt_length = 0;  // octets of random salt (RFC 9276 §3.1: none)
  bool opt_out = false;      // NSEC3 opt-out (RFC 5155 §6)

  bool operator==(const DenialPolicy&) const = default;
};

// A parent name server queried for our DS RRset (an address, not a host name,
// so no resolver is needed to reach it).
struct ParentServer {
  std::string address;  // IPv4 or IPv6 literal
  std::uint16_t port = 53;

  bool operator==(const ParentServer&) const = default;
};

struct ParentPolicy {
  bool cds = true;  // publish CDS and CDNSKEY (RFC 7344, RFC 8078)
  std::vector<DigestType> cds_digests = {DigestType::SHA256};
  std::vector<ParentServer> servers;  // asked for our DS by rollover; empty: see discover
  // With no servers listed: find the parent zone's name servers through a
  // recursive resolver and ask those. Off by default, because a run then
  // depends on a resolver; with both off the admin confirms the DS by hand.
  bool discover = false;

  bool operator==(const ParentPolicy&) const = default;
};

// Where new keys are made (docs/hsm.md): PEM files in the key folder, or a
// PKCS#11 token (keys.store: pkcs11 and keys.pkcs11).
enum class KeyStoreKind { files, pkcs11 };

struct Pkcs11Policy {
  std::string module;    // path of the PKCS#11 module
  std::string token;     // the token's label
  std::string pin_file;  // a file (mode 0600) holding the PIN; empty: ZONESIGN_PKCS11_PIN

  bool operator==(const Pkcs11Policy&) const = default;
};

struct KeyStorePolicy {
  KeyStoreKind kind = KeyStoreKind::files;
  Pkcs11Policy pkcs11;  // with kind pkcs11

  bool operator==(const KeyStorePolicy&) const = default;
};

struct Policy {
  int version = 1;
  // Either {ksk, zsk} (in that order) or {csk}; see key_for().
  std::vector<KeyPolicy> keys;
  // keys.store and keys.pkcs11: where new keys of every role are made.
  KeyStorePolicy key_store;
  SignaturePolicy signatures;
  TtlPolicy ttl;
  DelayPolicy delays;
  DenialPolicy denial;
  ParentPolicy parent;
  SerialPolicy serial = SerialPolicy::unixtime;
  Duration run_interval = 86400;  // how often cron runs `sign`; the safety rules use it
  // Publish a ZONEMD (RFC 8976, SIMPLE scheme, SHA-384) at the apex of every
  // signed output (dnssec/zonemd.hpp); the same as `sign --zonemd`.
  bool zonemd = false;

  // The key policy for a role, or nullptr when the policy has no such key.
  const KeyPolicy* key_for(Role role) const noexcept;

  bool operator==(const Policy&) const = default;
};

// A finding of the linter that does not stop signing. `where` holds the file
// and the 1-based position of the YAML node (0 when the field is not in the
// file); `path` the YAML path ("denial.iterations").
struct Warning {
  Location where;
  std::string path;
  std::string message;

  // "file:line:column: warning: path: message"
  std::string to_string() const;
};

struct LoadedPolicy {
  Policy policy;
  std::vector<Warning> warnings;
};

// The defaults of docs/policy.md: ECDSAP256SHA256 KSK (365d, double-KSK) and
// ZSK (90d, pre-publish), NSEC3 without iterations or salt, and so on.
Policy default_policy();
// The defaults of one key, used for the fields a file leaves out: ECDSAP256SHA256
// for every role; ksk 365d double-ksk, zsk 90d pre-publish, csk 365d double-ksk.
KeyPolicy default_key_policy(Role role);

// Reads, parses, validates and lints a policy file. Errors: Errc::io when the
// file cannot be read, Errc::policy for everything about its content.
Result<LoadedPolicy> load_policy(const std::string& path);
// The same for text already in memory; display_name stands for the file name
// in positions.
Result<LoadedPolicy> load_policy_text(std::string_view yaml, const std::string& display_name);

// Checks that the largest TTL found in a zone fits the policy's ttl.zone-max,
// which all signature and rollover timing assumes. Errc::policy without a
// position: the caller knows where the record is and sets Error::where.
Result<void> check_zone_ttls(const Policy& policy, std::uint32_t max_ttl_in_zone);

// The effective policy as normalised YAML: every field, fixed order, durations
// in format_duration() form. Deterministic, and load_policy_text() reads it
// back to an equal Policy.
std::string describe(const Policy& policy);

// Spellings used in policy files.
std::string_view role_name(Role role) noexcept;                         // "ksk"
std::string_view rollover_method_name(RolloverMethod method) noexcept;  // "pre-publish"
std::optional<RolloverMethod> rollover_method_from_string(std::string_view text) noexcept;
std::string_view denial_type_name(DenialType type) noexcept;      // "nsec3"
std::string_view policy_digest_name(DigestType digest) noexcept;  // "sha256"

}  // namespace zs
