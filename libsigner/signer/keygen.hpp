// The `keygen` use case: add one key to a zone's key store.
#pragma once

#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/time.hpp"
#include "keys/key_store.hpp"

namespace zs {

struct KeygenRequest {
  Name origin;
  std::string key_dir;
  Role role = Role::ksk;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  unsigned rsa_bits = 2048;
  UnixTime now = 0;
  // Set: the key is made in this PKCS#11 token (token_for_new_keys), not as a PEM file.
  std::optional<TokenSpec> token;
};

// Returns the new key's description (without secrets).
Result<KeyInfo> generate_key(const KeygenRequest& request);

}  // namespace zs
