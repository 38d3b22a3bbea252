#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "core/atomic_file.hpp"
#include "crypto/bind_private.hpp"
#include "keys/bind_key_files.hpp"
#include "keys/key_import.hpp"
#include "keys/key_store.hpp"

using namespace zs;
namespace fs = std::filesystem;

namespace {

constexpr UnixTime t0 = 1790000000;  // 2026-09-21

// Empty folders for one test, removed with the test's keys when it ends.
struct TempDirs {
  std::vector<fs::path> made;
  std::string make(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("zs_import_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    ::chmod(dir.c_str(), 0700);
    made.push_back(dir);
    return dir.string();
  }
  ~TempDirs() {
    std::error_code ec;
    for (const auto& d : made) fs::remove_all(d, ec);
  }
};

Name zone() { return Name::parse("example.com.").value(); }

// Every file below `dir`, with its bytes and mode: a failed import must leave
// the key folder exactly so.
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    std::string entry = std::to_string(st.st_mode);
    if (e.is_regular_file()) entry += ":" + read_file(e.path().string()).value();
    out[e.path().string()] = entry;
  }
  return out;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

// A zone key folder with a KSK and a ZSK, both exported to BIND's files in
// `bind_dir`; returns their tags (KSK first).
std::pair<std::uint16_t, std::uint16_t> make_bind_keys(const std::string& source_keys, const std::string& bind_dir) {
  std::uint16_t ksk = 0, zsk = 0;
  {
    auto store = KeyStore::open(source_keys, zone(), true);
    REQUIRE(store);
    auto k = store->generate(Role::ksk, Algorithm::ECDSAP256SHA256, 0, t0);
    REQUIRE(k);
    ksk = (*k)->tag;
    auto z = store->generate(Role::zsk, Algorithm::ED25519, 0, t0);
    REQUIRE(z);
    zsk = (*z)->tag;
    REQUIRE(store->check_clock(t0, false));
    REQUIRE(store->commit());
  }
  for (std::uint16_t tag : {ksk, zsk}) {
    auto r = export_bind_key(ExportRequest{zone(), source_keys, tag, bind_dir});
    REQUIRE(r);
  }
  return {ksk, zsk};
}

std::string stem(const std::string& dir, Algorithm alg, std::uint16_t tag) {
  return dir + "/" + bind_key_stem(zone(), alg, tag);
}

ImportRequest request(const std::string& keys, std::vector<std::string> files, UnixTime now = t0 + 3600) {
  return ImportRequest{zone(), keys, std::move(files), now, std::nullopt, std::nullopt, false, {}};
}

}  // namespace

TEST_CASE("a key exported to BIND's files imports back with its role, flags, tag, times and a 0600 file") {
  TempDirs dirs;
  const std::string src = dirs.make("rt_src"), bind = dirs.make("rt_bind"), dst = dirs.make("rt_dst");
  auto [ksk, zsk] = make_bind_keys(src, bind);
  CHECK(mode_of(stem(bind, Algorithm::ECDSAP256SHA256, ksk) + ".private") == 0600);
  // The exported .private is BIND's text, read back to the same key.
  auto priv = PrivateKey::from_bind_private(read_file(stem(bind, Algorithm::ED25519, zsk) + ".private").value());
  REQUIRE(priv);

  // Either file of a pair names it.
  auto report = import_keys(request(dst, {stem(bind, Algorithm::ECDSAP256SHA256, ksk) + ".key",
                                          stem(bind, Algorithm::ED25519, zsk) + ".private"}));
  REQUIRE(report);
  REQUIRE(report->imported.size() == 2);
  CHECK(report->skipped.empty());

  auto original = KeyStore::open_read_only(src, zone()).value();
  auto imported = KeyStore::open_read_only(dst, zone()).value();
  REQUIRE(imported.keys().size() == 2);
  for (const KeyInfo& k : imported.keys()) {
    const KeyInfo& o = k.tag == ksk ? original.keys()[0] : original.keys()[1];
    CHECK(k.tag == o.tag);
    CHECK(k.role == o.role);
    CHECK(k.flags == o.flags);
    CHECK(k.algorithm == o.algorithm);
    CHECK(k.public_key == o.public_key);
    // A key without record events was published and active at its creation.
    CHECK(k.timestamps.at("created") == t0);
    CHECK(k.timestamps.at("published") == t0);
    CHECK(k.timestamps.at("active") == t0);
    CHECK(mode_of(imported.folder() + "/" + k.file) == 0600);
    auto loaded = imported.load_private(k);
    REQUIRE(loaded);
  }
  CHECK(priv->dnskey_public_key() == imported.keys()[1].public_key);
}

TEST_CASE("a .key whose DNSKEY is not the private key's is refused and the key folder is left byte-identical") {
  TempDirs dirs;
  const std::string src = dirs.make("mm_src"), bind = dirs.make("mm_bind"), dst = dirs.make("mm_dst");
  auto [ksk, zsk] = make_bind_keys(src, bind);
  // A folder in use: one key already imported.
  REQUIRE(import_keys(request(dst, {stem(bind, Algorithm::ED25519, zsk) + ".key"})));
  const auto before = snapshot(dst);

  // The other key's .private under this key's name.
  const std::string other = dirs.make("mm_other");
  auto src2 = dirs.make("mm_src2");
  auto [ksk2, zsk2] = make_bind_keys(src2, other);
  (void)zsk2;
  const std::string target = stem(bind, Algorithm::ECDSAP256SHA256, ksk) + ".private";
  fs::copy_file(stem(other, Algorithm::ECDSAP256SHA256, ksk2) + ".private", target,
                fs::copy_options::overwrite_existing);
  auto report = import_keys(request(dst, {target}));
  REQUIRE_FALSE(report);
  CHECK(report.error().code == Errc::key_store);
  CHECK(snapshot(dst) == before);
}

TEST_CASE("a key of another zone, or renamed to another tag, is refused") {
  TempDirs dirs;
  const std::string src = dirs.make("or_src"), bind = dirs.make("or_bind"), dst = dirs.make("or_dst");
  auto [ksk, zsk] = make_bind_keys(src, bind);
  (void)zsk;
  const std::string key = stem(bind, Algorithm::ECDSAP256SHA256, ksk);

  ImportRequest wrong_origin = request(dst, {key + ".key"});
  wrong_origin.origin = Name::parse("example.net.").value();
  auto r = import_keys(wrong_origin);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::key_store);

  // The owner inside the file is checked too, not only the file name.
  const std::string moved = dirs.make("or_moved");
  const std::string moved_stem = moved + "/" + bind_key_stem(zone(), Algorithm::ECDSAP256SHA256, ksk);
  std::string text = read_file(key + ".key").value();
  text.replace(text.rfind("example.com."), 12, "example.org.");
  REQUIRE(write_file_atomic(moved_stem + ".key", text));
  fs::copy_file(key + ".private", moved_stem + ".private");
  r = import_keys(request(dst, {moved_stem + ".key"}));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::key_store);

  const std::uint16_t other_tag = static_cast<std::uint16_t>(ksk + 1);
  const std::string renamed = bind + "/" + bind_key_stem(zone(), Algorithm::ECDSAP256SHA256, other_tag);
  fs::copy_file(key + ".key", renamed + ".key");
  fs::copy_file(key + ".private", renamed + ".private");
  r = import_keys(request(dst, {renamed + ".key"}));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::key_store);
  CHECK_FALSE(fs::exists(dst + "/example.com"));
}

TEST_CASE("a key already in the folder is skipped; another key with its tag is refused") {
  TempDirs dirs;
  const std::string pems = dirs.make("dup_pem"), dst = dirs.make("dup_dst");
  // Two different Ed25519 keys with one tag: the birthday bound makes a pair
  // likely within a few hundred keys.
  std::map<std::uint16_t, std::string> by_tag;
  std::string first, second;
  for (int i = 0; i < 200000 && first.empty(); ++i) {
    auto key = PrivateKey::generate(Algorithm::ED25519);
    REQUIRE(key);
    const std::uint16_t tag = key_tag(Dnskey{256, 3, Algorithm::ED25519, key->dnskey_public_key()}.to_rdata());
    const std::string pem = key->to_pem();
    auto [it, fresh] = by_tag.emplace(tag, pem);
    if (!fresh) {
      first = it->second;
      second = pem;
    }
  }
  REQUIRE_FALSE(first.empty());
  REQUIRE(write_file_atomic(pems + "/first.pem", first, 0600));
  REQUIRE(write_file_atomic(pems + "/second.pem", second, 0600));

  ImportRequest r1 = request(dst, {pems + "/first.pem"});
  r1.pem_algorithm = Algorithm::ED25519;
  r1.pem_role = Role::zsk;
  auto report = import_keys(r1);
  REQUIRE(report);
  REQUIRE(report->imported.size() == 1);
  CHECK(report->imported[0].info.role == Role::zsk);
  CHECK(report->imported[0].info.flags == 256);
  // Times absent: recorded as `key adopt` records a key.
  CHECK(report->imported[0].info.timestamps == std::map<std::string, UnixTime>{{"created", t0 + 3600}});

  const auto before = snapshot(dst);
  report = import_keys(r1);
  REQUIRE(report);
  CHECK(report->imported.empty());
  REQUIRE(report->skipped.size() == 1);
  CHECK(snapshot(dst) == before);

  ImportRequest r2 = r1;
  r2.files = {pems + "/second.pem"};
  auto refused = import_keys(r2);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::key_store);
  CHECK(snapshot(dst) == before);

  // Two files of one import with one tag: refused before the folder is touched.
  const std::string dst2 = dirs.make("dup_dst2");
  ImportRequest both = r1;
  both.key_dir = dst2;
  both.files = {pems + "/first.pem", pems + "/second.pem"};
  refused = import_keys(both);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::key_store);
  CHECK_FALSE(fs::exists(dst2 + "/example.com"));
}

TEST_CASE("a bare PEM file without its algorithm and role is refused as a usage error") {
  TempDirs dirs;
  const std::string pems = dirs.make("pem_bare"), dst = dirs.make("pem_dst");
  auto key = PrivateKey::generate(Algorithm::ECDSAP256SHA256);
  REQUIRE(key);
  REQUIRE(write_file_atomic(pems + "/0123abcd.pem", key->to_pem(), 0600));
  ImportRequest r = request(dst, {pems + "/0123abcd.pem"});
  r.pem_algorithm = Algorithm::ECDSAP256SHA256;
  auto refused = import_keys(r);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::usage);
  r.pem_algorithm.reset();
  r.pem_role = Role::ksk;
  refused = import_keys(r);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::usage);
  // The wrong algorithm for the key is no usage error: the key is not that.
  r.pem_algorithm = Algorithm::ED25519;
  refused = import_keys(r);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::key_store);
  CHECK_FALSE(fs::exists(dst + "/example.com"));
  // A single SEP key into an empty folder signs everything: a CSK.
  r.pem_algorithm = Algorithm::ECDSAP256SHA256;
  auto report = import_keys(r);
  REQUIRE(report);
  REQUIRE(report->imported.size() == 1);
  CHECK(report->imported[0].info.role == Role::csk);
}

TEST_CASE("key file names: K<zone>+<alg>+<tag> with .key, .private or .state, and nothing else") {
  TempDirs dirs;
  auto n = parse_bind_key_name("Kexample.com.+013+07894.private");
  REQUIRE(n);
  CHECK(n->zone == "example.com.");
  CHECK(n->algorithm == Algorithm::ECDSAP256SHA256);
  CHECK(n->tag == 7894);
  CHECK(n->stem == "Kexample.com.+013+07894");
  auto root = parse_bind_key_name("K.+008+20326.key");
  REQUIRE(root);
  CHECK(root->zone == ".");
  CHECK_FALSE(parse_bind_key_name("Kexample.com.+013+70000.key"));
  CHECK_FALSE(parse_bind_key_name("Kexample.com.+013+12x.key"));
  CHECK_FALSE(parse_bind_key_name("example.com.+013+07894.key"));
  CHECK_FALSE(parse_bind_key_name("Kexample.com.+07894.key"));
  CHECK(bind_key_stem(Name::parse("Example.COM.").value(), Algorithm::ED25519, 42) == "Kexample.com.+015+00042");

  const std::string dst = dirs.make("names_dst");
  const std::string odd = dirs.make("names_odd") + "/keys.txt";
  REQUIRE(write_file_atomic(odd, "not a key\n"));
  auto refused = import_keys(request(dst, {odd}));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::key_store);
  // A pair with its .private missing.
  const std::string lone = dirs.make("names_lone");
  const std::string src = dirs.make("names_src");
  auto [ksk, zsk] = make_bind_keys(src, lone);
  (void)zsk;
  fs::remove(stem(lone, Algorithm::ECDSAP256SHA256, ksk) + ".private");
  refused = import_keys(request(dst, {stem(lone, Algorithm::ECDSAP256SHA256, ksk) + ".key"}));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::key_store);
}

TEST_CASE("BIND's times become events; times ahead are not recorded; a retired, deleted or future key is refused") {
  const UnixTime now = t0 + 10 * 86400;
  std::vector<std::string> notes;
  BindTiming t;
  t.created = t0;
  t.publish = t0 + 100;
  t.activate = t0 + 200;
  t.inactive = now + 86400;  // BIND's plan: not history
  t.ds_publish = t0 + 5000;
  auto ts = imported_timestamps(Role::ksk, t, now, notes);
  REQUIRE(ts);
  CHECK(ts->at("created") == t0);
  CHECK(ts->at("published") == t0 + 100);
  CHECK(ts->at("dnskey-rumoured") == t0 + 100);
  CHECK(ts->at("active") == t0 + 200);
  CHECK(ts->at("krrsig-rumoured") == t0 + 200);
  CHECK(ts->at("ds-rumoured") == t0 + 100);
  CHECK(ts->at("ds-seen") == t0 + 5000);
  CHECK_FALSE(ts->contains("zrrsig-rumoured"));
  CHECK_FALSE(ts->contains("retired"));
  for (const auto& [event, when] : *ts) CHECK(when <= now);
  CHECK(notes.size() == 1);

  // A ZSK published but to be activated later: no signing events, no DS.
  BindTiming pre;
  pre.publish = t0;
  pre.activate = now + 1;
  ts = imported_timestamps(Role::zsk, pre, now, notes);
  REQUIRE(ts);
  CHECK(ts->at("dnskey-rumoured") == t0);
  CHECK_FALSE(ts->contains("active"));
  CHECK_FALSE(ts->contains("zrrsig-rumoured"));

  for (auto field : {&BindTiming::inactive, &BindTiming::remove, &BindTiming::revoke}) {
    BindTiming gone = t;
    gone.*field = now - 1;
    auto refused = imported_timestamps(Role::ksk, gone, now, notes);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::key_store);
  }
  BindTiming later;
  later.publish = now + 1;
  CHECK_FALSE(imported_timestamps(Role::zsk, later, now, notes));
}

TEST_CASE("BIND's .state file and .key comments give the times, the .state winning") {
  const std::string key_text =
      "; This is a key-signing key, keyid 1, for example.com.\n"
      "; Created: 20260101000000 (Thu Jan  1 00:00:00 2026)\n"
      "; Publish: 20260102000000 (Fri Jan  2 00:00:00 2026)\n"
      "example.com. 3600 IN DNSKEY 257 3 13 ( yatftdkWgbYyFYkk/Z+j5npsYkl7BGVEc7SzvtvbrBI+jiN5Aqdx5yUG\n"
      "  zXC+6KuVJ7EN1UeWGuagVB/XWEbpeA== ) ; ldns-style comment\n";
  auto pub = parse_bind_public_file(key_text, "K.key", zone());
  REQUIRE(pub);
  CHECK(pub->dnskey.flags == 257);
  CHECK(*pub->timing.created == parse_time("2026-01-01").value());
  CHECK(*pub->timing.publish == parse_time("2026-01-02").value());
  auto state = parse_bind_state("Algorithm: 13\nKSK: yes\nZSK: yes\nPublished: 20260103000000 (x)\n"
                                "DSPublish: 20260105000000 (y)\nDNSKEYState: omnipresent\n",
                                "K.state");
  REQUIRE(state);
  pub->timing.override_with(*state);
  CHECK(*pub->timing.publish == parse_time("2026-01-03").value());
  CHECK(*pub->timing.ds_publish == parse_time("2026-01-05").value());
  CHECK(pub->timing.zsk == true);
  // Two records, or none, are no key file; a bad time names its line.
  CHECK_FALSE(parse_bind_public_file(key_text + key_text, "K.key", zone()));
  CHECK_FALSE(parse_bind_public_file("; nothing\n", "K.key", zone()));
  auto bad = parse_bind_private_timing("Private-key-format: v1.3\nCreated: 2026\n", "K.private");
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().where);
  CHECK(bad.error().where->line == 2);
}

TEST_CASE("a folder with private keys but no state.yaml is refused, as sign refuses it") {
  TempDirs dirs;
  const std::string src = dirs.make("ns_src"), bind = dirs.make("ns_bind"), dst = dirs.make("ns_dst");
  auto [ksk, zsk] = make_bind_keys(src, bind);
  (void)zsk;
  fs::create_directories(dst + "/example.com");
  ::chmod((dst + "/example.com").c_str(), 0700);
  REQUIRE(write_file_atomic(dst + "/example.com/Kexample.com.+013+00001.pem", "x", 0600));
  const auto before = snapshot(dst);
  auto refused = import_keys(request(dst, {stem(bind, Algorithm::ECDSAP256SHA256, ksk) + ".key"}));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::key_store);
  CHECK(refused.error().message.find("key adopt") != std::string::npos);
  CHECK(snapshot(dst) == before);
}

TEST_CASE("a dry run checks and reports but writes nothing") {
  TempDirs dirs;
  const std::string src = dirs.make("dry_src"), bind = dirs.make("dry_bind"), dst = dirs.make("dry_dst");
  auto [ksk, zsk] = make_bind_keys(src, bind);
  ImportRequest r = request(dst, {stem(bind, Algorithm::ECDSAP256SHA256, ksk) + ".key",
                                  stem(bind, Algorithm::ED25519, zsk) + ".key"});
  r.dry_run = true;
  auto report = import_keys(r);
  REQUIRE(report);
  CHECK(report->imported.size() == 2);
  CHECK_FALSE(fs::exists(dst + "/example.com"));
}

TEST_CASE("export never replaces a file and never writes into the key folder") {
  TempDirs dirs;
  const std::string src = dirs.make("ex_src"), bind = dirs.make("ex_bind");
  auto [ksk, zsk] = make_bind_keys(src, bind);
  (void)zsk;
  const std::string key_file = stem(bind, Algorithm::ECDSAP256SHA256, ksk) + ".key";
  const std::string before = read_file(key_file).value();
  auto again = export_bind_key(ExportRequest{zone(), src, ksk, bind});
  REQUIRE_FALSE(again);
  CHECK(again.error().code == Errc::io);
  CHECK(read_file(key_file).value() == before);

  // Only the .private there: the .key is not written either.
  const std::string half = dirs.make("ex_half");
  const std::string half_private = stem(half, Algorithm::ECDSAP256SHA256, ksk) + ".private";
  REQUIRE(write_file_atomic(half_private, "keep", 0600));
  CHECK_FALSE(export_bind_key(ExportRequest{zone(), src, ksk, half}));
  CHECK_FALSE(fs::exists(stem(half, Algorithm::ECDSAP256SHA256, ksk) + ".key"));
  CHECK(read_file(half_private).value() == "keep");

  for (const std::string& inside : {src, src + "/example.com"}) {
    auto refused = export_bind_key(ExportRequest{zone(), src, ksk, inside});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::key_store);
  }
  auto unknown = export_bind_key(ExportRequest{zone(), src, static_cast<std::uint16_t>(ksk ^ 1), dirs.make("ex_u")});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == Errc::key_store);
}

TEST_CASE("BIND's private key text reads back to the same key for every algorithm zonesign signs with") {
  for (Algorithm alg : {Algorithm::RSASHA256, Algorithm::RSASHA512, Algorithm::ECDSAP256SHA256,
                        Algorithm::ECDSAP384SHA384, Algorithm::ED25519, Algorithm::ED448}) {
    CAPTURE(algorithm_name(alg));
    auto key = PrivateKey::generate(alg, 1024);
    REQUIRE(key);
    auto text = to_bind_private_text(*key);
    REQUIRE(text);
    CHECK(text->starts_with("Private-key-format: v1.3\nAlgorithm: " + std::to_string(static_cast<unsigned>(alg)) +
                            " (" + algorithm_name(alg) + ")\n"));
    auto back = PrivateKey::from_bind_private(*text);
    REQUIRE(back);
    CHECK(back->algorithm() == alg);
    CHECK(back->dnskey_public_key() == key->dnskey_public_key());
  }
}
