// The key store: one folder per zone under the key directory
// (DIR/<zone>/), holding one PKCS#8 PEM private key per key (mode 0600) and a
// versioned state file, state.yaml, that lists every key with its role,
// algorithm, tag, public key and timestamps (never a secret).
//
// All writes are atomic (core/atomic_file.hpp); a lock file (DIR/<zone>/.lock)
// keeps two runs from working on one zone at once. A run's changes reach the
// folder only when it commits, in an order that a kill at any moment cannot
// turn into a state that runs ahead of the published zone or names a missing
// key (ARCHITECTURE.md "Data flow", docs/architecture.md "Key store"):
//   1. stage_new_keys(): a journal (.pending-keys) naming the new key files,
//      the new private keys (0600), then state.yaml with the new keys listed
//      as planned and unpublished (the old state plus the new keys), then the
//      journal is removed. Before its zone is published, this state is true.
//   2. the caller publishes the zone and says so (mark_published()).
//   3. commit(): state.yaml with every event of the run.
// A store destroyed before mark_published() undoes step 1 (restores the old
// state.yaml bytes, removes the new key files, and removes the zone folder if
// this run created it), so a failed run leaves the folder as it was. The next
// run that opens the folder for writing removes what a killed run left: key
// files a journal names that no state lists, and unlocked temporary files.
//
// A key may instead live in a PKCS#11 token (docs/hsm.md): state.yaml then
// records its `pkcs11-uri` (token, object id and label, module path and PIN
// file; never a PIN) in place of a `file`, and its public key as for every
// key, so `ds`, `status` and `plan` work without the token. A note
// K<zone>+<alg>+<tag>.pkcs11 (0600, the URI only) is written beside it as a
// key file would be, so a folder whose state.yaml is lost is still seen to
// hold keys (and refused, see below). New keys are
// made in the token when the store is told to (make_new_keys_in): the token
// holds them from generate() on, so a run that fails before its zone is
// published deletes them from the token again.
//
// A key folder that holds private keys but no state.yaml is never treated as
// empty: open() refuses it and names the recovery (`zonesign key adopt`).
// Private keys must be regular files of mode 0600 or stricter, and neither
// the key folder nor the zone's folder may be writable by group or others
// (as OpenSSH does with its keys).
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
#include "crypto/pkcs11.hpp"
#include "dns/name.hpp"
#include "dnssec/dnskey.hpp"
#include "policy/policy.hpp"

namespace zs {

// "ksk", "zsk" or "csk" (the spellings of policy/policy.hpp's role_name).
std::optional<Role> role_from_string(std::string_view text);

// The token a policy makes new keys in (keys.store: pkcs11), or nullopt for
// PEM files: what KeyStore::make_new_keys_in takes.
std::optional<TokenSpec> token_for_new_keys(const Policy& policy);

// A key as the state file describes it.
struct KeyInfo {
  Role role = Role::zsk;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  std::uint16_t tag = 0;
  std::uint16_t flags = dnskey_flag_zone;
  unsigned bits = 0;
  std::string file;    // private key file name, relative to the zone's folder; empty for a token key
  std::string pkcs11_uri;  // the token key's RFC 7512 URI; empty for a key in a file
  Bytes public_key;    // DNSKEY public-key field, to detect a swapped key file
  // Event name -> time ("created", "published", "active", "retired",
  // "removed", "ds-submitted", "ds-seen", ...). Ordered, so the file is stable.
  std::map<std::string, UnixTime> timestamps;

  Dnskey dnskey() const { return Dnskey{flags, 3, algorithm, public_key}; }
  bool signs_keys() const noexcept { return role != Role::zsk; }   // KSK or CSK
  bool signs_zone() const noexcept { return role != Role::ksk; }   // ZSK or CSK
  bool in_token() const noexcept { return !pkcs11_uri.empty(); }
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
  // Opens DIR/<zone>/ for a run that may change it (created when `create` is
  // set), takes its lock, cleans up after a killed run and reads state.yaml.
  // Errors: Errc::key_store (bad state file, naming its line; private keys
  // without a state file; unsafe permissions or symlinks), Errc::io (folder,
  // lock).
  static Result<KeyStore> open(const std::string& key_dir, const Name& zone, bool create);
  // Opens DIR/<zone>/ to read it only (status, ds, plan): creates nothing,
  // takes no lock (state.yaml is replaced atomically, so it reads whole), and
  // needs only read access. commit() and generate() are refused.
  static Result<KeyStore> open_read_only(const std::string& key_dir, const Name& zone);
  // Opens DIR/<zone>/ to rebuild a lost state file (`zonesign key adopt`):
  // takes the lock; state.yaml must be absent. Errors: Errc::key_store.
  static Result<KeyStore> open_for_adoption(const std::string& key_dir, const Name& zone);

  // The private key files in the zone's folder (K*.pem), sorted.
  std::vector<std::string> private_key_files() const;
  // The notes of token keys in the zone's folder (K*.pkcs11, each holding its
  // key's PKCS#11 URI), sorted; read them with read_private_file().
  std::vector<std::string> token_note_files() const;
  // The text of private key file `file` in the zone's folder, after the
  // checks load_private() makes (a regular file, not a link, mode 0600).
  Result<std::string> read_private_file(const std::string& file) const;
  // Lists a key whose private key file is already in the folder.
  void adopt(KeyInfo info) { keys_.push_back(std::move(info)); }

  KeyStore(KeyStore&& other) noexcept;
  KeyStore& operator=(KeyStore&&) = delete;
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;
  ~KeyStore();

  const Name& zone() const noexcept { return zone_; }
  const std::string& folder() const noexcept { return folder_; }
  const std::vector<KeyInfo>& keys() const noexcept { return keys_; }
  std::vector<KeyInfo>& keys() noexcept { return keys_; }

  // From now on generate() makes its keys in this token (nullopt: in PEM
  // files, the default).
  void make_new_keys_in(std::optional<TokenSpec> token) { new_key_token_ = std::move(token); }

  // Generates a key and adds it to the in-memory state with created=now; its
  // private key is written only when the run commits (stage_new_keys), or,
  // with make_new_keys_in(), made in the token at once (labelled
  // K<zone>+<alg>+<tag>, deleted again if the run fails before its zone is
  // published). A key whose tag collides with any key already listed
  // (of any algorithm, RFC 4034 Appendix B tags are not unique) is thrown
  // away and made again, so a bare tag names one key.
  Result<KeyInfo*> generate(Role role, Algorithm algorithm, unsigned rsa_bits, UnixTime now);

  // Lists a key made by another signer (`zonesign key import`): `info` gives
  // its role, flags and timestamps; its algorithm, public key, bits, tag and
  // file name are taken from `key`. Its private key is written with this
  // run's new keys when the run commits (stage_new_keys), as a PEM file of
  // the name generate() would give it; a token key (key.token()) is listed
  // by its URI and stays in its token (a failed run leaves it there). Errors: Errc::key_store when a listed
  // key has its tag or its public key already, a file of that name exists
  // (never overwritten), or the zone would hold more than max_live_keys.
  Result<KeyInfo*> add_imported(KeyInfo info, const PrivateKey& key);

  // Loads the private key of `info`, checking it matches the listed public
  // key; a token key is opened in its token by its URI. Errors:
  // Errc::key_store when the file is missing, unreadable or does not match,
  // or the token, its PIN or the key object cannot be reached: zonesign
  // never replaces such a key on its own.
  Result<PrivateKey> load_private(const KeyInfo& info) const;

  const std::optional<SignedRecord>& last_signed() const noexcept { return last_signed_; }
  void set_last_signed(SignedRecord record) { last_signed_ = std::move(record); }

  // Keys not yet removed; at most max_live_keys (the validation model's limit).
  static constexpr std::size_t max_live_keys = 64;
  std::size_t live_key_count() const;

  // The latest moment the state records (the last run, any key event, the
  // last signing), with what it is, for the clock check.
  struct Recorded {
    UnixTime time = 0;
    std::string what;
  };
  std::optional<Recorded> latest_recorded() const;
  // Refuses a run whose `now` lies before latest_recorded(): a clock that
  // stepped back would make the planner read keys as not yet created and
  // undo key events (issue 8). With `allow_back` the run goes on and every
  // recorded time after `now` is moved back to `now` (so windows restart,
  // which is always safe); the returned lines say what moved. Errors:
  // Errc::key_store, nothing changed.
  Result<std::vector<std::string>> check_clock(UnixTime now, bool allow_back);

  // Step 1 of the commit (see above); a no-op without new keys.
  Result<void> stage_new_keys();
  // The zone naming this run's keys is published: from now on a failure
  // keeps the staged keys (the zone shows them) instead of undoing them.
  void mark_published() noexcept { published_ = true; }
  // Writes the new keys (stage_new_keys, if not done yet) and then
  // state.yaml atomically, recording the time check_clock() was given as the
  // last run. On failure before mark_published(), the store undoes its staged
  // changes when destroyed.
  Result<void> commit();

  // The zone folder name for a zone: lower-case, no trailing dot, "_root" for ".".
  static std::string folder_name(const Name& zone);

 private:
  // A key generated by this run, not yet on disk.
  struct NewKeyFile {
    std::string file;
    std::string pem;
  };

  KeyStore(Name zone, std::string folder, std::optional<FileLock> lock)
      : zone_(std::move(zone)), folder_(std::move(folder)), lock_(std::move(lock)) {}
  Result<void> read_state();
  Result<KeyInfo*> generate_in_token(Role role, Algorithm algorithm, unsigned rsa_bits, UnixTime now);
  Result<PrivateKey> load_token_key(const KeyInfo& info) const;
  Result<void> check_folder_safety(const std::string& key_dir) const;
  Result<void> refuse_keys_without_state(const std::string& key_dir) const;
  void recover_killed_run();
  std::string render_state(bool staged_only) const;
  const NewKeyFile* pending_key(const std::string& file) const;
  const std::shared_ptr<detail::TokenKey>* pending_token_key(const std::string& uri) const;
  bool is_new(const KeyInfo& info) const;
  void undo_staged() noexcept;
  std::string state_path() const { return folder_ + "/state.yaml"; }
  std::string journal_path() const { return folder_ + "/.pending-keys"; }

  Name zone_;
  std::string folder_;
  std::optional<FileLock> lock_;  // none when read-only
  std::vector<KeyInfo> keys_;
  std::optional<SignedRecord> last_signed_;
  std::optional<UnixTime> last_run_;  // the state's `last-run`
  std::optional<UnixTime> run_time_;  // this run's `now` (check_clock)
  // What the folder held when opened, to undo a failed run byte for byte.
  std::optional<std::string> original_state_;
  std::vector<KeyInfo> original_keys_;
  std::optional<SignedRecord> original_last_signed_;
  std::optional<UnixTime> original_last_run_;
  unsigned state_mode_ = 0644;
  std::vector<NewKeyFile> new_keys_;
  // Token keys this run lists; made_here ones are deleted if it fails.
  struct NewTokenKey {
    std::shared_ptr<detail::TokenKey> key;
    bool made_here = false;
  };
  std::vector<NewTokenKey> new_token_keys_;
  std::optional<TokenSpec> new_key_token_;
  std::vector<std::string> created_dirs_;  // deepest first
  bool read_only_ = false;
  bool staged_ = false;      // stage_new_keys() wrote to the folder
  bool committed_ = false;   // the final state.yaml is written
  bool published_ = false;   // mark_published()
  bool live_ = true;         // false once moved from
};

}  // namespace zs
