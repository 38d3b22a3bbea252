// The JSON documents of `verify --json`, `check --json` and `keygen --json`
// (docs/json.md, docs/json/<command>.schema.json), and the error object they
// share. The use cases return data; these decide how it is shown to scripts.
// Every document is one JSON object followed by a line break, with its
// fields in a fixed order, so the same run gives the same bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "keys/key_store.hpp"
#include "signer/verify_file.hpp"

namespace zs::cli {

// {code, message, file, line, column, context}: the Error as data; the
// position's parts are null when unknown.
nlohmann::ordered_json error_json(const Error& error);
// The YAML path a policy or config error names ("keys.zsk.lifetime"): the
// loaders' messages start with it ("PATH: what is wrong", policy/policy.hpp).
// nullopt for any other error, or a message that starts otherwise.
std::optional<std::string> yaml_path_of(const Error& error);

// --- verify -------------------------------------------------------------------
struct VerifyRun {
  std::string file;  // as given ("-": standard input)
  Name origin;
  UnixTime now = 0;  // the moment signatures were checked against
  bool strict = false;
  // The verification; nullopt when the file could not be read or parsed
  // (`read_error` says why).
  std::optional<ZoneFileVerification> verified;
  std::vector<std::optional<Location>> where;  // per verified->report.problems (locate_problems)
  std::optional<Error> read_error;
  int exit_code = 0;
};
std::string verify_json(const VerifyRun& run);

// --- check --------------------------------------------------------------------
// What a finding is about: "config", "policy" or "zone".
struct CheckError {
  std::string source;
  Error error;
};
struct CheckWarning {
  std::string source;
  std::string message;
  Location where;
  std::optional<std::string> path;   // the YAML path (policy warnings)
  std::optional<std::string> owner;  // the record's owner and type (zone warnings)
  std::optional<std::string> type;
};
struct CheckRun {
  std::optional<std::string> config;  // --config: the file
  std::size_t config_zones = 0, config_policies = 0;
  std::vector<std::string> policies;  // the policy files checked
  struct ZonePart {
    std::string file;
    std::string origin;
    std::optional<std::size_t> records;      // when the file could be read
    std::optional<Duration> zone_max_ttl;    // with a policy: ttl.zone-max
  };
  std::optional<ZonePart> zone;
  std::vector<CheckError> errors;
  std::vector<CheckWarning> warnings;
  int exit_code = 0;
};
std::string check_json(const CheckRun& run);

// --- keygen -------------------------------------------------------------------
// The key just made (no secret: KeyInfo holds none), with its DNSKEY record
// and, for a key-signing key, its SHA-256 DS record.
std::string keygen_json(const Name& origin, const std::string& key_dir, UnixTime now, const KeyInfo& key);

}  // namespace zs::cli
