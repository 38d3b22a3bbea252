#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "keys/key_store.hpp"

using namespace zs;

namespace {

std::string fresh_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  return dir.string();
}

Name zone() { return Name::parse("Example.COM.").value(); }

}  // namespace

TEST_CASE("generated keys are written 0600 and listed in a state file without secrets") {
  std::string dir = fresh_dir("zs_keystore_gen");
  {
    auto store = KeyStore::open(dir, zone(), true);
    REQUIRE(store);
    auto ksk = store->generate(Role::ksk, Algorithm::ECDSAP256SHA256, 0, 1700000000);
    REQUIRE(ksk);
    CHECK((*ksk)->flags == 257);
    auto zsk = store->generate(Role::zsk, Algorithm::ED25519, 0, 1700000000);
    REQUIRE(zsk);
    CHECK((*zsk)->flags == 256);
    REQUIRE(store->commit());
  }
  std::string folder = dir + "/example.com";
  std::string state = read_file(folder + "/state.yaml").value();
  CHECK(state.find("PRIVATE") == std::string::npos);
  CHECK(state.find("version: 1") != std::string::npos);
  int pem_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".pem") continue;
    ++pem_files;
    struct stat st {};
    REQUIRE(::stat(entry.path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  CHECK(pem_files == 2);

  auto reopened = KeyStore::open(dir, zone(), false);
  REQUIRE(reopened);
  REQUIRE(reopened->keys().size() == 2);
  CHECK(reopened->keys()[0].timestamps.at("created") == 1700000000);
  for (const auto& info : reopened->keys()) CHECK(reopened->load_private(info));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a key whose private file is missing stops the run instead of being replaced") {
  std::string dir = fresh_dir("zs_keystore_missing");
  {
    auto store = KeyStore::open(dir, zone(), true);
    REQUIRE(store);
    REQUIRE(store->generate(Role::ksk, Algorithm::ECDSAP256SHA256, 0, 1700000000));
    REQUIRE(store->commit());
  }
  auto store = KeyStore::open(dir, zone(), false);
  REQUIRE(store);
  std::filesystem::remove(dir + "/example.com/" + store->keys()[0].file);
  auto key = store->load_private(store->keys()[0]);
  REQUIRE_FALSE(key);
  CHECK(key.error().code == Errc::key_store);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a second run on the same zone is refused while the first holds the lock") {
  std::string dir = fresh_dir("zs_keystore_lock");
  auto first = KeyStore::open(dir, zone(), true);
  REQUIRE(first);
  auto second = KeyStore::open(dir, zone(), true);
  REQUIRE_FALSE(second);
  CHECK(second.error().code == Errc::io);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a state file with a tag that does not match its key is rejected with its line") {
  std::string dir = fresh_dir("zs_keystore_bad");
  {
    auto store = KeyStore::open(dir, zone(), true);
    REQUIRE(store);
    REQUIRE(store->generate(Role::zsk, Algorithm::ED25519, 0, 1700000000));
    REQUIRE(store->commit());
  }
  std::string path = dir + "/example.com/state.yaml";
  std::string text = read_file(path).value();
  auto pos = text.find("tag: ");
  REQUIRE(pos != std::string::npos);
  auto end = text.find('\n', pos);
  text.replace(pos, end - pos, "tag: 1");
  REQUIRE(write_file_atomic(path, text));
  auto store = KeyStore::open(dir, zone(), false);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == Errc::key_store);
  REQUIRE(store.error().where);
  CHECK(store.error().where->line > 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the record of the last signing run survives a round trip through the state file") {
  std::string dir = fresh_dir("zs_keystore_signed");
  SignedRecord record{1767225600, "/srv/zones/example.com.signed", 2026010101, 1768435200, "00ff"};
  {
    auto store = KeyStore::open(dir, zone(), true);
    REQUIRE(store);
    CHECK_FALSE(store->last_signed());
    REQUIRE(store->generate(Role::csk, Algorithm::ED25519, 0, 1767225600));
    store->set_last_signed(record);
    REQUIRE(store->commit());
  }
  auto again = KeyStore::open(dir, zone(), false);
  REQUIRE(again);
  REQUIRE(again->last_signed());
  CHECK(*again->last_signed() == record);
  CHECK(again->keys().size() == 1);
}

TEST_CASE("a malformed signed section of the state file is rejected with its line") {
  std::string dir = fresh_dir("zs_keystore_signed_bad");
  std::filesystem::create_directories(dir + "/example.com");
  REQUIRE(write_file_atomic(dir + "/example.com/state.yaml",
                            "version: 1\nzone: example.com.\nkeys: []\nsigned:\n  time: yesterday\n"));
  auto store = KeyStore::open(dir, zone(), false);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == Errc::key_store);
  CHECK(store.error().message.find("signed.time") != std::string::npos);
}
