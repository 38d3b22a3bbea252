// A re-sign carries the chunks of the previous output that did not change
// over whole (signer/sign_zone.cpp, docs/architecture.md "Carried chunks"):
// their bytes are copied and proven by the last run's checks instead of
// being signed and checked again. These tests hold it to two promises: the
// output is the one a re-sign without carrying makes, byte for byte, and
// whatever the carrying rests on (the previous output's bytes, the keys,
// the signatures' times, the records) is caught when it changed.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "core/atomic_file.hpp"
#include "core/encoding.hpp"
#include "dnssec/rrsig.hpp"
#include "signer/keygen.hpp"
#include "signer/sign_zone.hpp"
#include "signer/verify_file.hpp"
#include "zonefile/zonefile.hpp"

using namespace zs;

namespace {

constexpr UnixTime start = 1767225600;  // 2026-01-01T00:00:00Z
constexpr Duration day = 86400;

// About one node in 64 ends a chunk: 2,000 names make a few dozen.
std::string big_zone() {
  std::string zone = R"($ORIGIN carry.test.
$TTL 3600
@ IN SOA ns1 hostmaster 2026010101 7200 3600 1209600 300
  IN NS ns1
ns1 IN A 192.0.2.53
www IN A 192.0.2.80
sub IN NS ns.sub
sub IN DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.sub IN A 192.0.2.54
)";
  for (int i = 0; i < 2000; ++i) zone += "h" + std::to_string(i) + " IN A 192.0.2." + std::to_string(i % 250) + "\n";
  return zone;
}

struct Fixture {
  std::filesystem::path dir;
  Fixture() {
    dir = std::filesystem::temp_directory_path() / "zs_carried_chunks_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    write_zone(big_zone());
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  void write_zone(const std::string& text) const { REQUIRE(write_file_atomic((dir / "zone").string(), text)); }

  SignRequest request(UnixTime now) const {
    SignRequest r;
    r.zone_file = (dir / "zone").string();
    r.origin = Name::parse("carry.test.").value();
    r.key_dir = (dir / "keys").string();
    r.output = (dir / "signed").string();
    r.now = now;
    r.threads = 2;
    r.refresh = 5 * day;
    r.jitter = 12 * 3600;
    r.serial = SerialPolicy::increment;
    return r;
  }

  std::string output() const { return read_file((dir / "signed").string()).value(); }
  std::filesystem::path index() const { return dir / "keys" / "carry.test" / "signatures.index"; }

  // The key folder and output as they are, to run the same re-sign again.
  void save() const {
    std::filesystem::remove_all(dir / "saved");
    std::filesystem::create_directories(dir / "saved");
    std::filesystem::copy(dir / "keys", dir / "saved" / "keys", std::filesystem::copy_options::recursive);
    std::filesystem::copy(dir / "signed", dir / "saved" / "signed");
  }
  void restore() const {
    std::filesystem::remove_all(dir / "keys");
    std::filesystem::remove(dir / "signed");
    std::filesystem::copy(dir / "saved" / "keys", dir / "keys", std::filesystem::copy_options::recursive);
    std::filesystem::copy(dir / "saved" / "signed", dir / "signed");
  }

  void check_valid(UnixTime now) const {
    auto report = verify_zone_file((dir / "signed").string(), Name::parse("carry.test.").value(), now, 1);
    REQUIRE(report);
    std::string problems;
    for (const auto& p : report->problems) problems += p.owner.to_string() + " " + p.what + "\n";
    CHECK_MESSAGE(report->ok(), problems);
  }

  // The same re-sign from the saved state with the index's chunks gone: the
  // signatures are then reused from the previous output, nothing is carried.
  Result<SignSummary> resign_without_carrying(UnixTime now) const {
    restore();
    std::filesystem::remove(index());
    return sign_zone(request(now));
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a re-sign carries unchanged chunks over whole, with the bytes of a re-sign without them") {
  auto first = sign_zone(request(start));
  REQUIRE_MESSAGE(first, first.error().to_string());
  CHECK(first->signatures_carried == 0);
  CHECK_FALSE(first->denial_proven);
  save();

  SUBCASE("nothing changed but the serial") {
    auto second = sign_zone(request(start + day));
    REQUIRE_MESSAGE(second, second.error().to_string());
    CHECK(second->notes.empty());
    // Every chunk but the apex's (its SOA has a new serial).
    CHECK(second->signatures_carried > second->signatures * 9 / 10);
    CHECK(second->signatures_reused == second->signatures - 1);
    CHECK(second->records_out == first->records_out);
    const std::string carried = output();
    check_valid(start + day);

    auto plain = resign_without_carrying(start + day);
    REQUIRE_MESSAGE(plain, plain.error().to_string());
    CHECK(plain->signatures_carried == 0);
    CHECK(plain->signatures_reused == second->signatures_reused);
    CHECK(plain->records_out == second->records_out);
    CHECK(plain->expiration == second->expiration);
    CHECK(output() == carried);
  }
  SUBCASE("one address changed") {
    std::string zone = big_zone();
    zone.replace(zone.find("h1234 IN A 192.0.2.234"), 22, "h1234 IN A 192.0.2.235");
    write_zone(zone);
    auto second = sign_zone(request(start + day));
    REQUIRE_MESSAGE(second, second.error().to_string());
    CHECK(second->notes.empty());
    CHECK(second->signatures_carried > second->signatures * 9 / 10);
    CHECK(second->signatures_reused == second->signatures - 2);  // the SOA's and h1234's
    // Names, types and the chain as the first run checked them.
    CHECK(second->denial_proven);
    const std::string carried = output();
    CHECK(carried.find("h1234.carry.test.\t3600\tIN\tA\t192.0.2.235") != std::string::npos);
    check_valid(start + day);

    auto plain = resign_without_carrying(start + day);
    REQUIRE_MESSAGE(plain, plain.error().to_string());
    CHECK(plain->signatures_reused == second->signatures_reused);
    CHECK(output() == carried);
  }
  SUBCASE("a name added: its chunk and the chain are checked again") {
    write_zone(big_zone() + "new IN A 192.0.2.1\n");
    auto second = sign_zone(request(start + day));
    REQUIRE_MESSAGE(second, second.error().to_string());
    CHECK_FALSE(second->denial_proven);
    CHECK(second->signatures_carried > 0);
    const std::string carried = output();
    CHECK(carried.find("new.carry.test.\t3600\tIN\tA\t192.0.2.1") != std::string::npos);
    check_valid(start + day);

    auto plain = resign_without_carrying(start + day);
    REQUIRE_MESSAGE(plain, plain.error().to_string());
    CHECK(plain->signatures_reused == second->signatures_reused);
    CHECK(output() == carried);
  }
  SUBCASE("a type added at a name: the chain is checked again") {
    write_zone(big_zone() + "h5 IN AAAA 2001:db8::5\n");
    auto second = sign_zone(request(start + day));
    REQUIRE_MESSAGE(second, second.error().to_string());
    CHECK_FALSE(second->denial_proven);
    check_valid(start + day);
  }
  SUBCASE("a delegation added above names in other chunks: their data, now glue, is not carried") {
    // h1000..h1999 move below "dept": 1,000 names, many chunks, and only the
    // first holds dept itself. Their records stay the same, but once dept
    // is delegated they are glue and must lose their signatures.
    std::string zone = big_zone();
    for (int i = 0; i < 1000; ++i) {
      const std::string from = "\nh" + std::to_string(1000 + i) + " IN A";
      zone.replace(zone.find(from), from.size(), "\nh" + std::to_string(1000 + i) + ".dept IN A");
    }
    write_zone(zone);
    REQUIRE(sign_zone(request(start + day / 4)));
    CHECK(output().find("h1500.dept.carry.test.\t3600\tIN\tRRSIG\tA ") != std::string::npos);
    write_zone(zone + "dept IN NS ns.elsewhere.example.\n");
    auto second = sign_zone(request(start + day));
    REQUIRE_MESSAGE(second, second.error().to_string());
    CHECK(second->signatures_carried > 0);  // the chunks before dept's
    CHECK(output().find("h1500.dept.carry.test.\t3600\tIN\tRRSIG\tA ") == std::string::npos);
    check_valid(start + day);
  }
  SUBCASE("a changed TTL is not carried") {
    std::string zone = big_zone();
    zone.replace(zone.find("h777 IN A"), 9, "h777 60 IN A");
    write_zone(zone);
    auto second = sign_zone(request(start + day));
    REQUIRE_MESSAGE(second, second.error().to_string());
    CHECK(second->signatures_reused == second->signatures - 2);
    CHECK(output().find("h777.carry.test.\t60\tIN\tA\t") != std::string::npos);
    check_valid(start + day);
  }
  SUBCASE("the serial kept and nothing changed: everything is carried, the output is the same") {
    auto kept = [&](UnixTime now) {
      auto r = request(now);
      r.serial = SerialPolicy::keep;
      return sign_zone(r);
    };
    auto second = kept(start + day);  // the first run's serial was increased: this one changes the SOA
    REQUIRE_MESSAGE(second, second.error().to_string());
    const std::string before = output();
    auto third = kept(start + 2 * day);
    REQUIRE_MESSAGE(third, third.error().to_string());
    CHECK(third->signatures_carried == third->signatures);
    CHECK(third->expiration == second->expiration);
    CHECK(output() == before);
    check_valid(start + 2 * day);
  }
  SUBCASE("a run a week later carries nothing due for refresh") {
    // 14 days of validity less up to 12 hours of jitter, refresh 5 days: at
    // day 9.5 every signature has less than 5 days left.
    auto second = sign_zone(request(start + 9 * day + day / 2));
    REQUIRE_MESSAGE(second, second.error().to_string());
    CHECK(second->signatures_carried == 0);
    CHECK(second->signatures_reused == 0);
    check_valid(start + 9 * day + day / 2);
  }
  SUBCASE("a clock set back before the signatures' inception carries nothing") {
    auto second = sign_zone(request(start - day));
    // The key store refuses a clock behind its last run (a separate promise);
    // allowed, nothing signed before `now` may be carried.
    if (!second) {
      auto allowed = request(start - day);
      allowed.allow_clock_back = true;
      second = sign_zone(allowed);
    }
    REQUIRE_MESSAGE(second, second.error().to_string());
    CHECK(second->signatures_carried == 0);
    check_valid(start - day);
  }
}

TEST_CASE_FIXTURE(Fixture, "a new signing key: nothing is carried, and every RRset gets its signature") {
  REQUIRE(sign_zone(request(start)));
  KeygenRequest keygen;
  keygen.origin = Name::parse("carry.test.").value();
  keygen.key_dir = (dir / "keys").string();
  keygen.role = Role::zsk;
  keygen.now = start + day / 2;
  auto key = generate_key(keygen);
  REQUIRE_MESSAGE(key, key.error().to_string());

  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->signatures_carried == 0);
  CHECK(second->signatures > second->signatures_reused);
  std::size_t by_new_key = 0;
  auto parsed = parse_zone_text(output(), "signed", ParseOptions{Name::parse("carry.test.").value(), 4});
  REQUIRE(parsed);
  for (const auto& r : parsed->records)
    if (r.type == RrType::RRSIG && Rrsig::from_rdata(r.rdata).value().key_tag == key->tag) ++by_new_key;
  CHECK(by_new_key > 2000);
  check_valid(start + day);
}

TEST_CASE_FIXTURE(Fixture, "a previous output changed in a carried chunk is caught, and the run checks again without it") {
  REQUIRE(sign_zone(request(start)));
  save();
  auto clean = sign_zone(request(start + day));
  REQUIRE_MESSAGE(clean, clean.error().to_string());
  REQUIRE(clean->signatures_carried > 0);
  const std::string expected = output();
  restore();

  SUBCASE("a record") {
    // Same length, so the file's size still matches its chunks: one address
    // in a chunk that is carried.
    std::string tampered = output();
    const std::size_t at = tampered.find("h1999.carry.test.\t3600\tIN\tA\t192.0.2.249");
    REQUIRE(at != std::string::npos);
    tampered[tampered.find('\n', at) - 1] = '8';
    REQUIRE(write_file_atomic((dir / "signed").string(), tampered));
  }
  SUBCASE("a bit of a signature") {
    std::string tampered = output();
    const std::size_t at = tampered.find("h1500.carry.test.\t3600\tIN\tRRSIG\tA ");
    REQUIRE(at != std::string::npos);
    const std::size_t last = tampered.find('\n', at) - 3;  // inside the base64 signature
    tampered[last] = tampered[last] == 'A' ? 'B' : 'A';
    REQUIRE(write_file_atomic((dir / "signed").string(), tampered));
  }
  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  REQUIRE(second->notes.size() == 1);
  CHECK(second->notes[0].find("chunks taken from the previous output") != std::string::npos);
  CHECK(second->signatures_carried == 0);
  // The signatures still come from the index, which the change did not touch.
  CHECK(second->signatures_reused == clean->signatures_reused);
  CHECK(output() == expected);
  check_valid(start + day);
}

TEST_CASE_FIXTURE(Fixture, "a previous output of another length carries nothing") {
  REQUIRE(sign_zone(request(start)));
  REQUIRE(write_file_atomic((dir / "signed").string(), output() + "; a comment added by hand\n"));
  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->notes.empty());
  CHECK(second->signatures_carried == 0);
  CHECK(second->signatures_reused == second->signatures - 1);
  check_valid(start + day);
}
