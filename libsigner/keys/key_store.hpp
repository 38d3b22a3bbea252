// The key store: one folder per zone under the key directory
// (DIR/<zone>/), holding one PKCS#8 PEM private key per key (mode 0600) and a
// versioned state file, state.yaml, that lists every key with its role,
// algorithm, tag, public key and timestamps (never a secret).
//
// All writes are atomic (core/atomic_file.hpp); a lock file (DIR/<zone>/.lock)
// keeps two runs from working on one zone at once. New key files are written
// as soon as they are generated, but the state file only on commit(), so a
// run that fails leaves at most an unreferenced key file behind, never a
// state that names a missing key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "crypto/keys.hpp"
#include "dns/name.hpp"
#include "dnssec/dnskey.hpp"
#include "policy/policy.hpp"

namespace zs {

// "ksk", "zsk" or "csk" (the spellings of policy/policy.hpp's role_name).
std::optional<Role> role_from_string(std::string_view text);

// A key as the state file describes it.
struct KeyInfo {
  Role role = Role::zsk;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  std::uint16_t tag = 0;
  std::uint16_t flags = dnskey_flag_zone;
  unsigned bits = 0;
  std::string file;    // private key file name, relative to the zone's folder
  Bytes public_key;    // DNSKEY public-key field, to detect a swapped key file
  // Event name -> time ("created", "published", "active", "retired",
  // "removed", "ds-submitted", "ds-seen", ...). Ordered, so the file is stable.
  std::map<std::string, UnixTime> timestamps;

  Dnskey dnskey() const { return Dnskey{flags, 3, algorithm, public_key}; }
  bool signs_keys() const noexcept { return role != Role::zsk; }   // KSK or CSK
  bool signs_zone() const noexcept { return role != Role::ksk; }   // ZSK or CSK
};

// What the last successful `sign` run published, so that `status` can tell
// when its signatures expire without reading the signed zone. Stored in the
// state file's optional `signed:` section (older files simply lack it).
struct SignedRecord {
  UnixTime time = 0;        // the run's `now`
  std::string output;       // the file written
  std::uint32_t serial = 0;
  UnixTime expires = 0;     // the earliest RRSIG expiration in it
  std::string sha256;       // hex digest of the file's bytes, as verified before writing

  bool operator==(const SignedRecord&) const = default;
};

class KeyStore {
 public:
  // Opens DIR/<zone>/ (created when `create` is set), takes its lock and reads
  // state.yaml if present. Errors: Errc::key_store (bad state file, naming its
  // line), Errc::io (folder, lock).
  static Result<KeyStore> open(const std::string& key_dir, const Name& zone, bool create);

  const Name& zone() const noexcept { return zone_; }
  const std::string& folder() const noexcept { return folder_; }
  const std::vector<KeyInfo>& keys() const noexcept { return keys_; }
  std::vector<KeyInfo>& keys() noexcept { return keys_; }

  // Generates a key, writes its PEM (0600) and adds it to the in-memory state
  // with created=now. A key whose tag collides with any key already listed
  // (of any algorithm, RFC 4034 Appendix B tags are not unique) is thrown
  // away and made again, so a bare tag names one key.
  Result<KeyInfo*> generate(Role role, Algorithm algorithm, unsigned rsa_bits, UnixTime now);

  // Loads the private key of `info`, checking it matches the listed public
  // key. Errors: Errc::key_store when the file is missing, unreadable or does
  // not match: zonesign never replaces such a key on its own.
  Result<PrivateKey> load_private(const KeyInfo& info) const;

  const std::optional<SignedRecord>& last_signed() const noexcept { return last_signed_; }
  void set_last_signed(SignedRecord record) { last_signed_ = std::move(record); }

  // Writes state.yaml atomically.
  Result<void> commit() const;

  // The zone folder name for a zone: lower-case, no trailing dot, "_root" for ".".
  static std::string folder_name(const Name& zone);

 private:
  KeyStore(Name zone, std::string folder, FileLock lock)
      : zone_(std::move(zone)), folder_(std::move(folder)), lock_(std::move(lock)) {}
  Result<void> read_state();
  std::string state_path() const { return folder_ + "/state.yaml"; }

  Name zone_;
  std::string folder_;
  FileLock lock_;
  std::vector<KeyInfo> keys_;
  std::optional<SignedRecord> last_signed_;
};

}  // namespace zs
