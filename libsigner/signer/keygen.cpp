#include "signer/keygen.hpp"

namespace zs {

Result<KeyInfo> generate_key(const KeygenRequest& request) {
  auto store = KeyStore::open(request.key_dir, request.origin, true);
  if (!store) return std::unexpected(store.error());
  if (auto clock = store->check_clock(request.now, false); !clock) return std::unexpected(clock.error());
  store->make_new_keys_in(request.token);
  auto key = store->generate(request.role, request.algorithm, request.rsa_bits, request.now);
  if (!key) return std::unexpected(key.error());
  KeyInfo info = **key;
  if (auto c = store->commit(); !c) return std::unexpected(c.error());
  return info;
}

}  // namespace zs
