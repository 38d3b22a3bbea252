#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "core/atomic_file.hpp"
#include "core/encoding.hpp"
#include "crypto/keys.hpp"
#include "keys/key_store.hpp"
#include "dnssec/rrsig.hpp"
#include "signer/sign_zone.hpp"
#include "signer/signature_reuse.hpp"
#include "signer/verify_file.hpp"
#include "zonefile/zonefile.hpp"

using namespace zs;

namespace {

constexpr const char* base_zone = R"($ORIGIN reuse.test.
$TTL 3600
@ IN SOA ns1 hostmaster 2026010101 7200 3600 1209600 300
  IN NS ns1
ns1 IN A 192.0.2.53
www IN A 192.0.2.80
mail IN A 192.0.2.25
)";

constexpr UnixTime start = 1767225600;  // 2026-01-01T00:00:00Z
constexpr Duration day = 86400;

// The signature index's layout (signature_reuse.cpp), read here on its own:
// the footer (u64 header offset, u64 header size, u64 entries, u32 chunks,
// u64 tail offset, u64 tail size, 32 octets: digest of the tail, 32 octets:
// the seal) and, before it, the header, then the chunks, 176 octets each
// (records, unsigned, text and entries digests; u64 offset, size, entries
// offset in the file, entries size; u32 entries, ...).
struct IndexLayout {
  static constexpr std::size_t start = 12;  // magic and version
  static constexpr std::size_t footer = 8 + 8 + 8 + 4 + 8 + 8 + 32 + 32;
  static constexpr std::size_t chunk = 4 * 32 + 4 * 8 + 4 * 4;
  std::size_t header_at = 0;
  std::size_t header_size = 0;
  std::size_t chunks = 0;
  std::size_t chunks_at = 0;
  std::size_t footer_at = 0;
};
std::uint64_t big_endian(const std::string& bytes, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<std::uint8_t>(bytes[at + i]);
  return v;
}
void put_big_endian(std::string& bytes, std::size_t at, std::size_t n, std::uint64_t v) {
  for (std::size_t i = n; i-- > 0; v >>= 8) bytes[at + i] = static_cast<char>(v & 0xff);
}
IndexLayout layout_of(const std::string& bytes) {
  IndexLayout l;
  l.footer_at = bytes.size() - IndexLayout::footer;
  l.header_at = static_cast<std::size_t>(big_endian(bytes, l.footer_at, 8));
  l.header_size = static_cast<std::size_t>(big_endian(bytes, l.footer_at + 8, 8));
  l.chunks = static_cast<std::size_t>(big_endian(bytes, l.footer_at + 24, 4));
  l.chunks_at = l.footer_at - IndexLayout::chunk * l.chunks;
  return l;
}
// Seals an index again after a change: the seal covers the magic and
// version, the header, the chunks and the footer before it (not the entries).
void reseal(std::string& bytes) {
  const IndexLayout l = layout_of(bytes);
  std::string sealed = bytes.substr(0, IndexLayout::start) + bytes.substr(l.header_at, bytes.size() - 32 - l.header_at);
  const Bytes seal = digest(DigestType::SHA256, to_bytes(sealed));
  std::copy(seal.begin(), seal.end(), bytes.end() - 32);
}

// The base zone with `hosts` more names (h0, h1, ...), enough for several
// output chunks.
std::string zone_with_hosts(int hosts) {
  std::string zone = base_zone;
  for (int i = 0; i < hosts; ++i) zone += "h" + std::to_string(i) + " IN A 192.0.2." + std::to_string(i % 250) + "\n";
  return zone;
}

struct Fixture {
  std::filesystem::path dir;
  Fixture() {
    dir = std::filesystem::temp_directory_path() / "zs_signature_reuse_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    write_zone(base_zone);
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  void write_zone(const std::string& text) const { REQUIRE(write_file_atomic((dir / "zone").string(), text)); }

  SignRequest request(UnixTime now) const {
    SignRequest r;
    r.zone_file = (dir / "zone").string();
    r.origin = Name::parse("reuse.test.").value();
    r.key_dir = (dir / "keys").string();
    r.output = (dir / "signed").string();
    r.now = now;
    for (auto& k : r.keys) k.algorithm = Algorithm::ED25519;  // deterministic signatures
    r.threads = 1;
    r.refresh = 5 * day;
    r.jitter = 12 * 3600;
    return r;
  }

  std::string output() const { return read_file((dir / "signed").string()).value(); }
  // The output passes zonesign's own verifier at `at`.
  void check_valid(UnixTime at) const {
    auto report = verify_zone_file((dir / "signed").string(), Name::parse("reuse.test.").value(), at, 1);
    REQUIRE(report);
    CHECK(report->ok());
  }
  std::filesystem::path index() const { return dir / "keys" / "reuse.test" / "signatures.index"; }

  // Expiration of every RRSIG in the output, by covered owner and type.
  std::vector<std::pair<std::string, std::uint32_t>> expirations() const {
    auto parsed = parse_zone_file((dir / "signed").string(), ParseOptions{Name::parse("reuse.test.").value(), 4});
    REQUIRE(parsed);
    std::vector<std::pair<std::string, std::uint32_t>> out;
    for (const auto& r : parsed->records) {
      if (r.type != RrType::RRSIG) continue;
      auto sig = Rrsig::from_rdata(r.rdata).value();
      out.emplace_back(r.owner.to_string() + "/" + type_to_string(sig.type_covered), sig.expiration);
    }
    return out;
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "an unchanged zone re-signed a day later keeps every signature and the same bytes") {
  auto first = sign_zone(request(start));
  REQUIRE_MESSAGE(first, first.error().to_string());
  CHECK(first->signatures_reused == 0);
  std::string before = output();

  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->signatures == first->signatures);
  CHECK(second->signatures_reused == second->signatures);
  CHECK(output() == before);
  check_valid(start + day);
}

TEST_CASE_FIXTURE(Fixture, "a run knows beforehand whether it will find a previous output and its index") {
  // The command line keeps freed pages for a re-sign only (cli/freed_pages.hpp).
  CHECK_FALSE(reuses_previous_output(request(start)));  // nothing signed yet
  REQUIRE(sign_zone(request(start)));
  CHECK(reuses_previous_output(request(start + day)));
  SignRequest no_refresh = request(start + day);
  no_refresh.refresh.reset();
  CHECK_FALSE(reuses_previous_output(no_refresh));  // nothing reused without a refresh time
  SignRequest to_stdout = request(start + day);
  to_stdout.output = "-";
  CHECK_FALSE(reuses_previous_output(to_stdout));
  SignRequest elsewhere = request(start + day);
  elsewhere.output = (dir / "other.signed").string();
  CHECK_FALSE(reuses_previous_output(elsewhere));  // no previous output there
  std::filesystem::remove(index());
  CHECK_FALSE(reuses_previous_output(request(start + day)));  // an output without its index
}

TEST_CASE_FIXTURE(Fixture, "a changed RRset is signed again while the others keep their signatures") {
  REQUIRE(sign_zone(request(start)));
  auto before = expirations();
  std::string changed = base_zone;
  changed.replace(changed.find("192.0.2.80"), 10, "192.0.2.81");
  write_zone(changed);

  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  // Only www's A RRset changed; with NSEC3 its hash owner and type bitmap do not.
  CHECK(second->signatures - second->signatures_reused == 1);
  for (const auto& [what, expiration] : expirations()) {
    bool is_www = what.rfind("www.reuse.test./A", 0) == 0;
    bool same = std::find(before.begin(), before.end(), std::pair<std::string, std::uint32_t>{what, expiration}) != before.end();
    CHECK_MESSAGE(same != is_www, what);
  }
}

TEST_CASE_FIXTURE(Fixture, "signatures within the refresh margin of their expiration are made again") {
  REQUIRE(sign_zone(request(start)));
  // Validity 14 days minus at most 12 hours of jitter: after 9.5 days less
  // than the 5-day refresh margin is left for some, after 10 days for all.
  auto late = sign_zone(request(start + 10 * day));
  REQUIRE_MESSAGE(late, late.error().to_string());
  CHECK(late->signatures_reused == 0);
  for (const auto& [what, expiration] : expirations())
    CHECK_MESSAGE(expiration > start + 10 * day + 13 * day, what);
}

TEST_CASE_FIXTURE(Fixture, "without a refresh time every run signs everything afresh") {
  auto r = request(start);
  r.refresh.reset();
  REQUIRE(sign_zone(r));
  r.now = start + day;
  auto second = sign_zone(r);
  REQUIRE(second);
  CHECK(second->signatures_reused == 0);
}

TEST_CASE_FIXTURE(Fixture, "signatures of keys that no longer sign are not carried over") {
  REQUIRE(sign_zone(request(start)));
  std::filesystem::remove_all(dir / "keys");  // a new key set: none of the old signatures fits
  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->signatures_reused == 0);
  check_valid(start + day);
}

TEST_CASE_FIXTURE(Fixture, "a previous output that does not parse is ignored with a note") {
  REQUIRE(write_file_atomic((dir / "signed").string(), "this is not a zone file (\n"));
  auto summary = sign_zone(request(start));
  REQUIRE_MESSAGE(summary, summary.error().to_string());
  CHECK(summary->signatures_reused == 0);
  REQUIRE(summary->notes.size() == 1);
  CHECK(summary->notes[0].find("not reused") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "without the index, a previous output changed since the last run is not trusted") {
  REQUIRE(sign_zone(request(start)));
  REQUIRE(std::filesystem::remove(index()));  // the output is then the only source
  // Flip the last base64 digit of the first RRSIG: still a zone file, but a bad signature.
  std::string text = output();
  std::size_t rrsig = text.find("RRSIG");
  REQUIRE(rrsig != std::string::npos);
  std::size_t eol = text.find('\n', rrsig);
  char& last = text[eol - 2];  // before the trailing base64 character, which may carry padding bits
  last = last == 'A' ? 'B' : 'A';
  REQUIRE(write_file_atomic((dir / "signed").string(), text));

  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->signatures_reused == 0);
  REQUIRE(second->notes.size() == 1);
  CHECK(second->notes[0].find("changed since the last signing run") != std::string::npos);
  auto report = verify_zone_file((dir / "signed").string(), Name::parse("reuse.test.").value(), start + day, 1);
  REQUIRE(report);
  CHECK(report->ok());
  CHECK(report->signatures_known_good == 0);
}

TEST_CASE_FIXTURE(Fixture, "the signature index serves a re-sign without the previous output") {
  auto first = sign_zone(request(start));
  REQUIRE(first);
  REQUIRE(std::filesystem::is_regular_file(index()));
  std::string before = output();
  // The output is only read when the index cannot serve: garbage there changes nothing.
  REQUIRE(write_file_atomic((dir / "signed").string(), "not the zone any more (\n"));

  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->signatures_reused == second->signatures);
  CHECK(second->notes.empty());
  CHECK(output() == before);
}

TEST_CASE_FIXTURE(Fixture, "a re-sign parses back only the output chunks that changed, the rest proven by the last run") {
  // Enough names for a few dozen chunks (about one node in 64 ends one).
  std::string zone = zone_with_hosts(2000);
  write_zone(zone);
  auto first = sign_zone(request(start));
  REQUIRE(first);
  CHECK(first->output_bytes_proven == 0);  // nothing to take over: all of it parsed
  CHECK(first->output_bytes_parsed == output().size());
  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  // The same output (the serial is kept): every chunk was proven by the first run.
  CHECK(second->output_bytes_parsed == 0);
  CHECK(second->output_bytes_proven == output().size());

  SUBCASE("a changed TTL is noticed") {
    std::string changed = zone;
    changed.replace(changed.find("www IN A"), 8, "www 60 IN A");
    write_zone(changed);
    auto third = sign_zone(request(start + 2 * day));
    REQUIRE_MESSAGE(third, third.error().to_string());
    CHECK(third->output_bytes_parsed > 0);
    CHECK(third->output_bytes_parsed < output().size() / 4);
    CHECK(third->output_bytes_parsed + third->output_bytes_proven == output().size());
    CHECK(output().find("www.reuse.test.\t60\tIN\tA\t192.0.2.80") != std::string::npos);
    CHECK(third->signatures_reused < third->signatures);
    check_valid(start + 2 * day);
  }
}

TEST_CASE_FIXTURE(Fixture, "chunk proofs that match nothing written make the read-back parse, never skip") {
  std::string zone = zone_with_hosts(500);
  write_zone(zone);
  REQUIRE(sign_zone(request(start)));
  const std::string before = output();
  // An index whose proofs were altered and sealed again (a bug that records
  // wrong proofs): every text digest changed by one bit.
  std::string bytes = read_file(index().string()).value();
  const IndexLayout l = layout_of(bytes);
  REQUIRE(l.chunks > 1);
  // The text digest is each chunk's third.
  for (std::size_t c = 0; c < l.chunks; ++c) {
    char& octet = bytes[l.chunks_at + IndexLayout::chunk * c + 64];
    octet = static_cast<char>(octet ^ 0x01);
  }
  reseal(bytes);
  REQUIRE(write_file_atomic(index().string(), bytes));

  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  // The chunks carried over whole on those proofs fail the read-back; the
  // run checks again without taking anything from the previous output.
  REQUIRE(second->notes.size() == 1);
  CHECK(second->notes[0].find("chunks taken from the previous output") != std::string::npos);
  CHECK(second->signatures_carried == 0);
  CHECK(second->signatures_reused == second->signatures);
  CHECK(second->output_bytes_proven == 0);
  CHECK(second->output_bytes_parsed == output().size());
  CHECK(output() == before);
}

TEST_CASE_FIXTURE(Fixture, "a re-sign copies unchanged chunks from the previous output, and a changed copy is caught") {
  std::string zone = zone_with_hosts(2000);
  write_zone(zone);
  auto first = sign_zone(request(start));
  REQUIRE(first);
  CHECK(first->output_bytes_copied == 0);
  const std::string before = output();
  std::string changed = zone;
  changed.replace(changed.find("www IN A 192.0.2.80"), 19, "www IN A 192.0.2.81");
  write_zone(changed);

  SUBCASE("the copied chunks make the same bytes as rendering them") {
    const auto saved = dir / "saved-keys";
    std::filesystem::copy(dir / "keys", saved, std::filesystem::copy_options::recursive);
    auto second = sign_zone(request(start + day));
    REQUIRE_MESSAGE(second, second.error().to_string());
    CHECK(second->notes.empty());
    CHECK(second->output_bytes_copied > output().size() / 2);
    CHECK(second->output_bytes_copied <= second->output_bytes_proven);
    const std::string copied = output();
    CHECK(copied.find("192.0.2.81") != std::string::npos);
    // The same run again from the same key folder, with no previous output
    // to copy from (the index still serves the signatures): all rendered.
    std::filesystem::remove_all(dir / "keys");
    std::filesystem::rename(saved, dir / "keys");
    std::filesystem::remove(dir / "signed");
    auto rendered = sign_zone(request(start + day));
    REQUIRE_MESSAGE(rendered, rendered.error().to_string());
    CHECK(rendered->output_bytes_copied == 0);
    CHECK(rendered->signatures_reused == second->signatures_reused);
    CHECK(output() == copied);
  }
  SUBCASE("a previous output changed since its run: the read-back refuses the copy, and the run renders all") {
    // Same length, so every recorded offset still falls on a line: one
    // address in a chunk that is copied.
    std::string tampered = before;
    const std::size_t at = tampered.find("h1999.reuse.test.\t3600\tIN\tA\t192.0.2.249");
    REQUIRE(at != std::string::npos);
    tampered[tampered.find('\n', at) - 1] = '8';
    REQUIRE(write_file_atomic((dir / "signed").string(), tampered));
    auto second = sign_zone(request(start + day));
    REQUIRE_MESSAGE(second, second.error().to_string());
    REQUIRE(second->notes.size() == 1);
    CHECK(second->notes[0].find("self-check refused") != std::string::npos);
    CHECK(second->output_bytes_copied == 0);
    CHECK(output().find("h1999.reuse.test.\t3600\tIN\tA\t192.0.2.249\n") != std::string::npos);
    CHECK(output().find("h1999.reuse.test.\t3600\tIN\tA\t192.0.2.248\n") == std::string::npos);
    check_valid(start + day);
  }
}

TEST_CASE_FIXTURE(Fixture, "a damaged signature index is passed over with a note, and the output read instead") {
  REQUIRE(sign_zone(request(start)));
  std::string bytes = read_file(index().string()).value();
  SUBCASE("a flipped bit in the part the seal covers") {
    const IndexLayout l = layout_of(bytes);
    const std::size_t at = l.header_at + l.header_size / 2;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x10);
  }
  SUBCASE("cut short") { bytes.resize(bytes.size() - 40); }
  // A run killed while it appended its index: entries after the footer.
  SUBCASE("torn append") { bytes += std::string(300, '\x07'); }
  SUBCASE("another zone's") {
    // Re-sealed, so that only the origin tells: a copy from another zone's folder.
    const std::size_t at = bytes.find("reuse", layout_of(bytes).header_at);
    REQUIRE(at != std::string::npos);
    bytes[at] = 'R' == bytes[at] ? 'r' : 'x';
    reseal(bytes);
  }
  REQUIRE(write_file_atomic(index().string(), bytes));

  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->signatures_reused == second->signatures);  // from the output, whose bytes are on record
  REQUIRE(second->notes.size() == 1);
  CHECK(second->notes[0].find("signature index") != std::string::npos);
  CHECK(second->notes[0].find("reading the previous output instead") != std::string::npos);
  // The run wrote a fresh index, which the next one uses without a note.
  auto third = sign_zone(request(start + 2 * day));
  REQUIRE(third);
  CHECK(third->notes.empty());
  CHECK(third->signatures_reused == third->signatures);
}

TEST_CASE_FIXTURE(Fixture, "damaged entries are caught by the run that reads them, also after being carried over") {
  std::string zone = zone_with_hosts(2000);
  write_zone(zone);
  REQUIRE(sign_zone(request(start)));
  const auto clean = dir / "clean";
  std::filesystem::create_directories(clean);
  std::filesystem::copy(dir / "keys", clean / "keys", std::filesystem::copy_options::recursive);
  std::filesystem::copy(dir / "signed", clean / "signed");
  // One bit of every chunk's entries, which the seal does not cover.
  std::string bytes = read_file(index().string()).value();
  const IndexLayout l = layout_of(bytes);
  REQUIRE(l.chunks > 1);
  for (std::size_t c = 0; c < l.chunks; ++c) {
    const std::size_t record = l.chunks_at + IndexLayout::chunk * c;
    if (big_endian(bytes, record + 152, 8) == 0) continue;  // no entries
    char& octet = bytes[big_endian(bytes, record + 144, 8)];
    octet = static_cast<char>(octet ^ 0x10);
  }
  REQUIRE(write_file_atomic(index().string(), bytes));
  std::string changed = zone;
  changed.replace(changed.find("www IN A 192.0.2.80"), 19, "www IN A 192.0.2.81");

  // Nothing changed: every chunk is carried over, its entries taken into
  // the next index unread, with the digest they fail.
  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->notes.empty());
  CHECK(second->signatures_carried == second->signatures);
  // A changed address: its chunk's entries are read, fail their digest, and
  // the signatures come from the output instead.
  write_zone(changed);
  auto third = sign_zone(request(start + 2 * day));
  REQUIRE_MESSAGE(third, third.error().to_string());
  REQUIRE(third->notes.size() == 1);
  CHECK(third->notes[0].find("damaged entries") != std::string::npos);
  CHECK(third->notes[0].find("reading the previous output instead") != std::string::npos);
  CHECK(third->signatures_carried == 0);
  CHECK(third->signatures_reused + 1 == third->signatures);  // all but www's
  const std::string damaged_path = output();

  // The same runs from the undamaged index give the same bytes.
  write_zone(zone);
  std::filesystem::remove_all(dir / "keys");
  std::filesystem::copy(clean / "keys", dir / "keys", std::filesystem::copy_options::recursive);
  std::filesystem::copy(clean / "signed", dir / "signed", std::filesystem::copy_options::overwrite_existing);
  REQUIRE(sign_zone(request(start + day)));
  write_zone(changed);
  auto clean_third = sign_zone(request(start + 2 * day));
  REQUIRE_MESSAGE(clean_third, clean_third.error().to_string());
  CHECK(clean_third->notes.empty());
  CHECK(clean_third->signatures_carried > 0);
  CHECK(output() == damaged_path);
  check_valid(start + 2 * day);
}

TEST_CASE_FIXTURE(Fixture, "an index of version 4, left by the release before, serves its signatures without carrying") {
  std::string zone = zone_with_hosts(2000);
  write_zone(zone);
  REQUIRE(sign_zone(request(start)));
  // The same index in version 4's layout: the header after the version,
  // the entries and the chunks (without their entries digests) inside one
  // seal over the whole file, the footer a u64 count of entries and a u32
  // count of chunks. A first run's index holds its entries in chunk order.
  const std::string v6 = read_file(index().string()).value();
  const IndexLayout l = layout_of(v6);
  std::string v4 = v6.substr(0, IndexLayout::start) + v6.substr(l.header_at, l.header_size) +
                   v6.substr(IndexLayout::start, l.header_at - IndexLayout::start);
  v4[11] = 4;
  for (std::size_t c = 0; c < l.chunks; ++c) {
    const std::size_t record = l.chunks_at + IndexLayout::chunk * c;
    v4 += v6.substr(record, 96) + v6.substr(record + 128, 48);
  }
  v4 += v6.substr(l.footer_at + 16, 8 + 4);
  const Bytes seal = digest(DigestType::SHA256, to_bytes(v4));
  v4.append(seal.begin(), seal.end());
  REQUIRE(write_file_atomic(index().string(), v4));

  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->notes.empty());
  CHECK(second->signatures_reused == second->signatures);
  CHECK(second->signatures_carried == 0);
  CHECK(second->denial_proven);  // its denial digest still counts
  // It left a version 6 index, on which the next run carries chunks.
  CHECK(read_file(index().string()).value()[11] == 6);
  auto third = sign_zone(request(start + 2 * day));
  REQUIRE_MESSAGE(third, third.error().to_string());
  CHECK(third->notes.empty());
  CHECK(third->signatures_carried > 0);
  check_valid(start + 2 * day);
}

TEST_CASE_FIXTURE(Fixture, "an index of version 5, left by the release before, is carried from and then appended to") {
  std::string zone = zone_with_hosts(2000);
  write_zone(zone);
  REQUIRE(sign_zone(request(start)));
  // The same index in version 5's layout: the header after the version,
  // then the entries (chunk offsets counted from the header's end), the
  // chunks, and a footer of u64 header size (magic and version included),
  // u64 entries, u32 chunks, the tail's digest and the seal.
  const std::string v6 = read_file(index().string()).value();
  const IndexLayout l = layout_of(v6);
  std::string v5 = v6.substr(0, IndexLayout::start) + v6.substr(l.header_at, l.header_size);
  v5[11] = 5;
  const std::size_t header_size = v5.size();
  v5 += v6.substr(IndexLayout::start, l.header_at - IndexLayout::start);
  std::string chunks = v6.substr(l.chunks_at, l.footer_at - l.chunks_at);
  for (std::size_t c = 0; c < l.chunks; ++c) {
    const std::size_t at = IndexLayout::chunk * c + 144;
    put_big_endian(chunks, at, 8, big_endian(chunks, at, 8) - IndexLayout::start);
  }
  v5 += chunks;
  std::string footer(8, '\0');
  put_big_endian(footer, 0, 8, header_size);
  footer += v6.substr(l.footer_at + 16, 8 + 4) + v6.substr(l.footer_at + 44, 32);
  v5 += footer;
  const Bytes seal = digest(DigestType::SHA256, to_bytes(v5.substr(0, header_size) + chunks + footer));
  v5.append(seal.begin(), seal.end());
  REQUIRE(write_file_atomic(index().string(), v5));

  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK_MESSAGE(second->notes.empty(), (second->notes.empty() ? std::string() : second->notes[0]));
  CHECK(second->signatures_reused == second->signatures);
  CHECK(second->signatures_carried > 0);
  CHECK(second->denial_proven);
  // Its carried chunks' entries were copied into a new file of version 6,
  // which the next run appends to.
  const std::string after = read_file(index().string()).value();
  CHECK(after[11] == 6);
  auto third = sign_zone(request(start + 2 * day));
  REQUIRE_MESSAGE(third, third.error().to_string());
  CHECK(third->notes.empty());
  CHECK(third->signatures_carried > 0);
  const std::string appended = read_file(index().string()).value();
  CHECK(appended.size() > after.size());
  CHECK(appended.substr(0, after.size()) == after);
  check_valid(start + 2 * day);
}

TEST_CASE_FIXTURE(Fixture, "each re-sign appends its index in place until half of the file is dead, then anew") {
  // Hosts p0000 to p1999, in canonical order as numbered: a day's change of
  // 300 of them in a row signs about a seventh of the chunks again.
  auto zone_of = [](int day) {
    std::string zone = base_zone;
    for (int i = 0; i < 2000; ++i) {
      char host[8];
      std::snprintf(host, sizeof host, "p%04d", i);
      const bool changed = day > 0 && (i - (day * 300) % 2000 + 2000) % 2000 < 300;
      zone += std::string(host) + " IN A " + (changed ? "198.51.100." : "192.0.2.") + std::to_string(i % 250) + "\n";
    }
    return zone;
  };
  write_zone(zone_of(0));
  REQUIRE(sign_zone(request(start)));
  auto inode = [&] {
    struct stat st {};
    REQUIRE(::stat(index().c_str(), &st) == 0);
    return st.st_ino;
  };
  const std::size_t fresh = read_file(index().string()).value().size();
  std::size_t largest = fresh;
  int appended = 0, rewritten = 0;
  for (int d = 1; d <= 8; ++d) {
    write_zone(zone_of(d));
    const std::string before = read_file(index().string()).value();
    const auto before_inode = inode();
    auto run = sign_zone(request(start + d * day));
    REQUIRE_MESSAGE(run, run.error().to_string());
    CHECK_MESSAGE(run->notes.empty(), (run->notes.empty() ? std::string() : run->notes[0]));
    CHECK_MESSAGE(run->signatures_carried > 0, d);
    const std::string now = read_file(index().string()).value();
    largest = std::max(largest, now.size());
    if (inode() == before_inode) {
      ++appended;
      CHECK(now.size() > before.size());
      CHECK(now.substr(0, before.size()) == before);  // nothing before the end was touched
      CHECK(now.size() - before.size() < fresh / 2);   // the changed chunks and the sealed part, no copy
    } else {
      ++rewritten;
      CHECK(now.size() < before.size());
    }
  }
  CHECK(appended >= 3);
  CHECK(rewritten >= 1);
  // Never more than half dead, give or take one run's additions.
  CHECK(largest < 2 * fresh + fresh / 2);
  check_valid(start + 8 * day);
}

TEST_CASE_FIXTURE(Fixture, "an index writer dropped before its commit cuts the file back to the index before it") {
  std::string zone = zone_with_hosts(2000);
  write_zone(zone);
  REQUIRE(sign_zone(request(start)));
  auto state = KeyStore::open((dir / "keys").string(), Name::parse("reuse.test.").value(), false);
  REQUIRE(state);
  const std::string vouched = state->last_signed()->sha256;
  const std::string before = read_file(index().string()).value();
  auto previous = PreviousSignatures::load_index(index().string(), Name::parse("reuse.test.").value(), vouched);
  REQUIRE(previous);
  REQUIRE(*previous);
  std::vector<IndexedChunk> chunks = (*previous)->take_chunks();
  REQUIRE(chunks.size() > 2);
  std::uint64_t live = 0;
  for (const IndexedChunk& c : chunks) live += c.entries_size;
  {
    auto writer = SignatureIndexWriter::create(index().string(), Name::parse("reuse.test.").value(), vouched,
                                               ContentDigest{}, ContentDigest{}, {}, (*previous)->append_target(),
                                               live);
    REQUIRE(writer);
    CHECK(writer->appends());
    // The first chunk taken over in place, the second's entries written anew.
    REQUIRE(writer->copy_entries((*previous)->entries_of(chunks[0]).value()));
    REQUIRE(writer->end_chunk(chunks[0]));
    const ContentDigest some{};
    const Bytes sig(80, 0x42);
    const std::vector<BytesView> sigs{sig};
    for (int i = 0; i < 20000; ++i) REQUIRE(writer->add(some, sigs));  // more than the writer buffers
    CHECK(read_file(index().string()).value().size() > before.size());
  }
  CHECK(read_file(index().string()).value() == before);

  auto writer_for = [&](std::uint64_t taken_over) {
    auto w = SignatureIndexWriter::create(index().string(), Name::parse("reuse.test.").value(), vouched,
                                          ContentDigest{}, ContentDigest{}, {}, (*previous)->append_target(),
                                          taken_over);
    REQUIRE(w);
    return w->appends();
  };
  // The same file, as large as it was: appended to while no more than half
  // of it would be dead, else written afresh.
  CHECK(writer_for(live));
  CHECK_FALSE(writer_for(live / 3));
  // A second name for it (a backup made with hard links): written afresh,
  // so that the backup's copy stays as it was.
  const auto linked = dir / "index-backup";
  std::filesystem::create_hard_link(index(), linked);
  CHECK_FALSE(writer_for(live));
  std::filesystem::remove(linked);
  CHECK(writer_for(live));
  // Not the file read any more (another run's, a restored copy): written
  // afresh, never appended to.
  REQUIRE(write_file_atomic(index().string(), before));
  CHECK_FALSE(writer_for(live));
}

TEST_CASE_FIXTURE(Fixture, "an index left by another run than the one on record is not used") {
  REQUIRE(sign_zone(request(start)));
  const std::string first_index = read_file(index().string()).value();
  std::string changed = base_zone;
  changed.replace(changed.find("192.0.2.80"), 10, "192.0.2.81");
  write_zone(changed);
  REQUIRE(sign_zone(request(start + day)));
  // As after a restored backup, or a run killed between its state and its
  // index: the index describes another output than the state records.
  REQUIRE(write_file_atomic(index().string(), first_index));
  REQUIRE(write_file_atomic((dir / "signed").string(), "not the zone any more (\n"));

  auto third = sign_zone(request(start + 2 * day));
  REQUIRE_MESSAGE(third, third.error().to_string());
  CHECK(third->signatures_reused == 0);  // neither source vouches for anything
  REQUIRE(third->notes.size() == 1);
  CHECK(third->notes[0].find("changed since the last signing run") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "without a refresh time no signature index is written") {
  auto r = request(start);
  r.refresh.reset();
  REQUIRE(sign_zone(r));
  CHECK_FALSE(std::filesystem::exists(index()));
}

TEST_CASE("jittered expirations stay in the window, differ by owner and repeat for the same input") {
  const Duration validity = 14 * day, jitter = 12 * 3600;
  std::set<UnixTime> seen;
  for (int i = 0; i < 200; ++i) {
    Name owner = Name::parse("host" + std::to_string(i) + ".example.").value();
    UnixTime e = jittered_expiration(owner, RrType::A, start, validity, jitter);
    CHECK(e <= start + validity);
    CHECK(e >= start + validity - jitter);
    CHECK(e == jittered_expiration(owner, RrType::A, start, validity, jitter));
    // Case does not matter: the same RRset, whatever its spelling.
    Name upper = Name::parse("HOST" + std::to_string(i) + ".EXAMPLE.").value();
    CHECK(e == jittered_expiration(upper, RrType::A, start, validity, jitter));
    seen.insert(e);
  }
  CHECK(seen.size() > 150);  // spread out, not clumped on a few values
  CHECK(jittered_expiration(Name::parse("a.example.").value(), RrType::A, start, validity, 0) == start + validity);
}

namespace {

// Writes the signature index again from the output as it stands, with
// `mutate` applied to the RRSIG RDATA over www's A RRset: an index as a
// faulty writer (or a hand with write access to the key folder) could leave.
void rewrite_index(const Fixture& f, const std::function<void(Bytes&)>& mutate) {
  const Name origin = Name::parse("reuse.test.").value();
  const std::string text = f.output();
  auto parsed = parse_zone_text(text, "signed", ParseOptions{origin, 4});
  REQUIRE(parsed);
  std::map<std::pair<std::string, RrType>, Rrset> rrsets;
  std::map<std::pair<std::string, RrType>, std::vector<Bytes>> rrsigs;
  for (const auto& r : parsed->records) {
    if (r.type == RrType::RRSIG) {
      const auto covered = Rrsig::from_rdata(r.rdata).value().type_covered;
      rrsigs[{r.owner.lowercased().to_string(), covered}].push_back(r.rdata);
      continue;
    }
    Rrset& set = rrsets[{r.owner.lowercased().to_string(), r.type}];
    set.owner = r.owner;
    set.type = r.type;
    set.ttl = r.ttl;
    set.rdatas.push_back(r.rdata);
  }
  const Bytes sha = digest(DigestType::SHA256, to_bytes(text));
  auto writer = SignatureIndexWriter::create(f.index().string(), origin, to_hex(sha), ContentDigest{}, ContentDigest{},
                                             rrsets.at({"reuse.test.", RrType::DNSKEY}).rdatas.to_vector());
  REQUIRE(writer);
  for (auto& [key, sigs] : rrsigs) {
    if (key == std::pair<std::string, RrType>{"www.reuse.test.", RrType::A})
      for (Bytes& sig : sigs) mutate(sig);
    std::vector<BytesView> views(sigs.begin(), sigs.end());
    REQUIRE(writer->add(rrset_content_digest(rrsets.at(key)), views));
  }
  REQUIRE(writer->commit());
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "an indexed RRSIG without signature octets is not reused") {
  REQUIRE(sign_zone(request(start)));
  rewrite_index(*this, [](Bytes& sig) {
    const std::size_t signer_end = 18 + Name::parse("reuse.test.").value().wire_length();
    sig.resize(signer_end);
  });
  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->signatures_reused == second->signatures - 1);  // all but www's A
  CHECK(second->notes.empty());
}

TEST_CASE_FIXTURE(Fixture, "reused signatures the self-check refuses make the run sign everything afresh") {
  REQUIRE(sign_zone(request(start)));
  std::string before = output();
  // A wrong labels field: every field reuse looks at still fits, but the
  // self-check refuses the zone.
  rewrite_index(*this, [](Bytes& sig) { sig[3] = static_cast<std::uint8_t>(sig[3] + 1); });
  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->signatures_reused == 0);
  REQUIRE(second->notes.size() == 1);
  CHECK(second->notes[0].find("signed everything afresh") != std::string::npos);
  CHECK(second->notes[0].find("labels field") != std::string::npos);
  check_valid(start + day);
  // The run after it reuses again, from the index this run wrote.
  auto third = sign_zone(request(start + 2 * day));
  REQUIRE(third);
  CHECK(third->signatures_reused == third->signatures);
}

TEST_CASE_FIXTURE(Fixture, "an index that cannot be written costs a note, never the run") {
  REQUIRE(sign_zone(request(start)));
  // A directory where the index goes: its rename fails, as on a full or read-only disk.
  std::filesystem::remove(index());
  std::filesystem::create_directory(index());
  auto second = sign_zone(request(start + day));
  REQUIRE_MESSAGE(second, second.error().to_string());
  CHECK(second->signatures_reused == second->signatures);  // from the output, whose hash is on record
  REQUIRE(second->notes.size() == 1);
  CHECK(second->notes[0].find("signature index not written") != std::string::npos);
  check_valid(start + day);
  // No temporary file of the failed index is left in the key folder.
  for (const auto& entry : std::filesystem::directory_iterator(index().parent_path()))
    CHECK_MESSAGE(entry.path().filename().string().find(".tmp-") == std::string::npos, entry.path());
}
