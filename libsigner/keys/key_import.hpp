// `zonesign key import` and `key export`: keys made by other signers into a
// zone's key folder, and a zone's key out to BIND's files, so that an operator
// moves to zonesign (or away from it) without a key rollover: the DS at the
// parent keeps pointing at a key the zone publishes.
//
// Import reads BIND, ldns and dnst key pairs (K<zone>+<alg>+<tag>.key and
// .private, and BIND's .state when it lies beside them) and Knot's PKCS#8 PEM
// files (keymgr names them by key id; their algorithm and role come from the
// request). Every file is checked before anything is written: the DNSKEY of
// the .key must be the one the private key gives, its owner the zone, its tag
// the one in the file name, its flags 256 (ZSK) or 257 (KSK). What it writes
// goes through KeyStore (lock, atomic writes, private keys 0600, undone on
// failure), so an error leaves the key folder as it was, byte for byte.
//
// Timing (docs/keys-import.md): BIND's times at or before `now` become the
// key's timestamps; a time after `now` is not recorded (the state file holds
// no future event) and the key is refused if BIND has retired, deleted or
// revoked it, or not yet published it. A key without times counts as
// `zonesign key adopt` counts it: created, published and active from `now`,
// its DS asked for but not confirmed (`rollover --ds-seen`, or the parent's
// servers, confirm it).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/algorithm.hpp"
#include "dns/name.hpp"
#include "keys/bind_key_files.hpp"
#include "keys/key_store.hpp"
#include "policy/policy.hpp"

namespace zs {

struct ImportRequest {
  Name origin;
  std::string key_dir;
  // Either file of a BIND pair (or its .state), or a PEM file.
  std::vector<std::string> files;
  UnixTime now = 0;
  // For PEM files only, which say neither.
  std::optional<Algorithm> pem_algorithm;
  std::optional<Role> pem_role;
  bool dry_run = false;  // check and report; write nothing
  // Keys that stay in a PKCS#11 token, by RFC 7512 URI (with module-path
  // and pin-source, or the PIN in ZONESIGN_PKCS11_PIN): listed in state.yaml
  // by URI, never copied. Their role (pem_role) must be given; RSA keys sign
  // for pem_algorithm (default RSASHA256).
  std::vector<std::string> pkcs11_uris;
};

struct ImportedKey {
  KeyInfo info;                      // as listed in state.yaml (file: the PEM name in the folder, or pkcs11_uri)
  std::vector<std::string> sources;  // the files it came from
  std::string format;                // "bind", "pem" or "pkcs11"
};

struct SkippedKey {
  std::uint16_t tag = 0;
  std::vector<std::string> sources;
  std::string reason;
};

struct ImportReport {
  std::vector<ImportedKey> imported;
  std::vector<SkippedKey> skipped;  // already in the folder, the same key
  std::vector<std::string> notes;   // BIND times not recorded, and why
};

// Errors (nothing written): Errc::usage (no file; a PEM without
// pem_algorithm or pem_role), Errc::key_store (a mismatch, a wrong origin, a
// tag taken by another key, a key BIND no longer uses, a folder with private
// keys but no state.yaml, ...), Errc::io, the .key file's parse errors.
Result<ImportReport> import_keys(const ImportRequest& request);

// The zonesign timestamps of a key with BIND's `timing`, at `now` (see the
// header comment). `notes` receives a line per time not recorded. Errors:
// Errc::key_store for a key BIND retired, deleted, revoked, or will publish
// only later.
Result<std::map<std::string, UnixTime>> imported_timestamps(Role role, const BindTiming& timing, UnixTime now,
                                                            std::vector<std::string>& notes);

struct ExportRequest {
  Name origin;
  std::string key_dir;
  std::uint16_t tag = 0;
  std::string to_dir;  // must exist; never the key folder or inside it
};

struct ExportReport {
  KeyInfo key;
  std::string key_file;      // path of the .key file written
  std::string private_file;  // path of the .private file written (mode 0600)
};

// Writes K<zone>+<alg>+<tag>.key and .private into `to_dir`, in BIND's
// format with BIND's timing fields. Errors (nothing left behind):
// Errc::key_store (no such key, unreadable or mismatching private key, a
// target inside the key folder), Errc::io (a file of either name exists:
// never overwritten; the folder is missing).
Result<ExportReport> export_bind_key(const ExportRequest& request);

}  // namespace zs
