// The `keygen` use case: add one key to a zone's key store.
#pragma once

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
};

// Returns the new key's description (without secrets).
Result<KeyInfo> generate_key(const KeygenRequest& request);

}  // namespace zs
