// Fuzzes the key state reader (libsigner/keys/key_store): the input is
// written as keys/example/state.yaml in a private temporary folder, which
// KeyStore::open_read_only() then reads as `status` and `ds` do (no lock, no
// private key loaded). Every field it accepts is read back through the
// accessors, so a half-built key list shows under the sanitizers.
#include <cstdint>
#include <filesystem>
#include <string>
#include <sys/stat.h>

#include "fuzz_tmp.hpp"
#include "keys/key_store.hpp"

namespace {

struct Folder {
  std::string keys;   // the --keys folder
  std::string state;  // its example/state.yaml
  Folder() : keys(zs::fuzz::temp_dir() + "/keys") {
    ::mkdir(keys.c_str(), 0700);
    ::mkdir((keys + "/example").c_str(), 0700);
    state = keys + "/example/state.yaml";
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Folder folder;
  static const zs::Name zone = *zs::Name::parse("example.");
  zs::fuzz::write_whole_file(folder.state, data, size);
  auto store = zs::KeyStore::open_read_only(folder.keys, zone);
  if (!store) {
    (void)store.error().to_string();
    return 0;
  }
  std::size_t sum = 0;
  for (const auto& key : store->keys()) {
    sum += key.tag + key.public_key.size() + key.file.size() + key.timestamps.size();
    (void)key.dnskey().to_rdata();
  }
  if (const auto& last = store->last_signed()) sum += last->output.size() + last->sha256.size();
  return sum == 0xFFFFFFFF ? 1 : 0;  // keeps the reads; never true
}
