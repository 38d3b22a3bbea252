#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <map>

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

namespace {

// Every file in a folder (recursively) with its bytes and mode.
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    std::string content = e.is_regular_file() ? read_file(e.path().string()).value_or("?") : "<dir>";
    out[e.path().string()] = std::to_string(st.st_mode) + ":" + content;
  }
  return out;
}

std::string signed_store(const char* name, UnixTime now) {
  std::string dir = fresh_dir(name);
  auto store = KeyStore::open(dir, zone(), true);
  REQUIRE(store);
  REQUIRE(store->check_clock(now, false));
  REQUIRE(store->generate(Role::ksk, Algorithm::ED25519, 0, now));
  REQUIRE(store->generate(Role::zsk, Algorithm::ED25519, 0, now));
  REQUIRE(store->commit());
  return dir;
}

}  // namespace

TEST_CASE("a run that fails before publishing leaves the key folder byte-identical") {
  std::string dir = signed_store("zs_keystore_undo", 1700000000);
  const auto before = snapshot(dir);
  {
    auto store = KeyStore::open(dir, zone(), false);
    REQUIRE(store);
    REQUIRE(store->generate(Role::zsk, Algorithm::ED25519, 0, 1700086400));
    REQUIRE(store->stage_new_keys());  // the new key is on disk now...
    CHECK(snapshot(dir) != before);
  }  // ...and the zone was never published: undone
  CHECK(snapshot(dir) == before);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a failed first run removes the zone folder it created") {
  std::string dir = fresh_dir("zs_keystore_first");
  {
    auto store = KeyStore::open(dir, zone(), true);
    REQUIRE(store);
    REQUIRE(store->generate(Role::csk, Algorithm::ED25519, 0, 1700000000));
    REQUIRE(store->stage_new_keys());
  }
  CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("after the zone is published a failed state write keeps the new keys listed as unpublished") {
  std::string dir = signed_store("zs_keystore_published", 1700000000);
  std::uint16_t tag = 0;
  {
    auto store = KeyStore::open(dir, zone(), false);
    REQUIRE(store);
    auto k = store->generate(Role::zsk, Algorithm::ED25519, 0, 1700086400);
    REQUIRE(k);
    tag = (*k)->tag;
    (*k)->timestamps["dnskey-rumoured"] = 1700086400;
    REQUIRE(store->stage_new_keys());
    store->mark_published();
    // No commit: as if the final state write failed.
  }
  auto store = KeyStore::open(dir, zone(), false);
  REQUIRE(store);
  REQUIRE(store->keys().size() == 3);
  const KeyInfo& fresh = store->keys().back();
  CHECK(fresh.tag == tag);
  CHECK(fresh.timestamps.contains("created"));
  CHECK_FALSE(fresh.timestamps.contains("dnskey-rumoured"));  // the state never runs ahead of the zone
  CHECK(store->load_private(fresh));
  std::filesystem::remove_all(dir);
}

TEST_CASE("key files that a killed run wrote before its state named them are removed by the next run") {
  std::string dir = signed_store("zs_keystore_killed", 1700000000);
  const auto before = snapshot(dir);
  const std::string folder = dir + "/example.com";
  // What a kill between writing a new key and writing the state leaves.
  REQUIRE(write_file_atomic(folder + "/.pending-keys", "Kexample.com.+015+00001.pem\n", 0600));
  REQUIRE(write_file_atomic(folder + "/Kexample.com.+015+00001.pem", "secret", 0600));
  REQUIRE(write_file_atomic(folder + "/x", "partial"));
  std::filesystem::rename(folder + "/x", folder + "/.state.yaml.tmp-Qw3rty");
  {
    auto store = KeyStore::open(dir, zone(), false);
    REQUIRE(store);
  }
  CHECK(snapshot(dir) == before);
  std::filesystem::remove_all(dir);
}

TEST_CASE("private keys without a state file stop every command and name the recovery") {
  std::string dir = signed_store("zs_keystore_lost", 1700000000);
  std::filesystem::remove(dir + "/example.com/state.yaml");
  auto store = KeyStore::open(dir, zone(), true);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == Errc::key_store);
  CHECK(store.error().message.find("key adopt") != std::string::npos);
  auto reading = KeyStore::open_read_only(dir, zone());
  REQUIRE_FALSE(reading);
  CHECK(reading.error().code == Errc::key_store);
  auto adopting = KeyStore::open_for_adoption(dir, zone());
  REQUIRE(adopting);
  CHECK(adopting->private_key_files().size() == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a run dated before the last recorded run is refused unless the clock step is allowed") {
  std::string dir = signed_store("zs_keystore_clock", 1700000000);
  const auto before = snapshot(dir);
  {
    auto store = KeyStore::open(dir, zone(), false);
    REQUIRE(store);
    auto refused = store->check_clock(1700000000 - 3600, false);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::key_store);
    CHECK(store->check_clock(1700000000, false));  // the same moment is no step back
  }
  CHECK(snapshot(dir) == before);
  {
    auto store = KeyStore::open(dir, zone(), false);
    REQUIRE(store);
    auto moved = store->check_clock(1700000000 - 3600, true);
    REQUIRE(moved);
    CHECK(moved->size() == 2);  // the "created" of both keys
    for (const auto& k : store->keys()) CHECK(k.timestamps.at("created") == 1700000000 - 3600);
    REQUIRE(store->commit());
  }
  auto again = KeyStore::open(dir, zone(), false);
  REQUIRE(again);
  CHECK(again->check_clock(1700000000 - 3600, false));
  std::filesystem::remove_all(dir);
}

TEST_CASE("private keys readable by others, symlinked keys and writable folders are refused") {
  std::string dir = signed_store("zs_keystore_perms", 1700000000);
  const std::string folder = dir + "/example.com";
  {
    auto store = KeyStore::open(dir, zone(), false);
    REQUIRE(store);
    const KeyInfo& key = store->keys()[0];
    const std::string pem = folder + "/" + key.file;
    ::chmod(pem.c_str(), 0644);
    auto exposed = store->load_private(key);
    REQUIRE_FALSE(exposed);
    CHECK(exposed.error().message.find("chmod 600") != std::string::npos);
    ::chmod(pem.c_str(), 0600);
    std::filesystem::rename(pem, folder + "/real.key");
    std::filesystem::create_symlink(folder + "/real.key", pem);
    auto linked = store->load_private(key);
    REQUIRE_FALSE(linked);
    CHECK(linked.error().code == Errc::key_store);
    std::filesystem::remove(pem);
    std::filesystem::rename(folder + "/real.key", pem);
    CHECK(store->load_private(key));
  }
  ::chmod(folder.c_str(), 0777);
  auto store = KeyStore::open(dir, zone(), false);
  REQUIRE_FALSE(store);
  CHECK(store.error().message.find("writable") != std::string::npos);
  ::chmod(folder.c_str(), 0700);
  std::filesystem::remove_all(dir);
}

TEST_CASE("opening a key folder read-only creates nothing, not even a lock file") {
  std::string dir = signed_store("zs_keystore_ro", 1700000000);
  std::filesystem::remove(dir + "/example.com/.lock");
  const auto before = snapshot(dir);
  {
    auto store = KeyStore::open_read_only(dir, zone());
    REQUIRE(store);
    CHECK(store->keys().size() == 2);
    CHECK_FALSE(store->commit());
  }
  CHECK(snapshot(dir) == before);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a zone holds at most 64 keys that are not removed, the validation model's limit") {
  std::string dir = fresh_dir("zs_keystore_many");
  auto store = KeyStore::open(dir, zone(), true);
  REQUIRE(store);
  for (std::size_t i = 0; i < KeyStore::max_live_keys; ++i) REQUIRE(store->generate(Role::zsk, Algorithm::ED25519, 0, 1700000000));
  auto one_more = store->generate(Role::zsk, Algorithm::ED25519, 0, 1700000000);
  REQUIRE_FALSE(one_more);
  CHECK(one_more.error().code == Errc::key_store);
  store->keys()[0].timestamps["removed"] = 1700000000;  // history does not count
  CHECK(store->generate(Role::zsk, Algorithm::ED25519, 0, 1700000000));
  std::filesystem::remove_all(dir);
}
