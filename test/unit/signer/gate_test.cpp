// The output gate (signer/output_gate.hpp), one test per fault it must catch:
// a flipped bit in a signature, a signature over other data, a private key
// that does not match the published DNSKEY, a record changed between signing
// and writing, and a file changed between writing and reading back. Each
// drives the gate's steps with a zone signed here, the fault injected
// between two steps.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <random>
#include <thread>

#include "core/atomic_file.hpp"
#include "core/encoding.hpp"
#include "crypto/keys.hpp"
#include "crypto/pkcs11.hpp"
#include "dnssec/denial.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"
#include "keys/key_store.hpp"
#include "signer/output_gate.hpp"
#include "signer/previous_output.hpp"
#include "signer/sign_zone.hpp"
#include "zone/zone.hpp"
#include "zonefile/writer.hpp"
#include "zonefile/zonefile.hpp"
#include "../crypto/pkcs11_softhsm.hpp"

using namespace zs;

namespace {

constexpr const char* unsigned_zone = R"($ORIGIN example.org.
$TTL 3600
@ IN SOA ns1 hostmaster 2026010101 7200 3600 1209600 300
  IN NS ns1
ns1 IN A 192.0.2.53
www IN A 192.0.2.80
mail IN A 192.0.2.25
mail IN MX 10 mail
*.wild IN TXT "wildcard"
sub IN NS ns.sub
ns.sub IN A 192.0.2.99
)";

constexpr UnixTime now = 1767225600;  // 2026-01-01T00:00:00Z

Name name(const char* text) { return Name::parse(text).value(); }

struct Key {
  PrivateKey key;
  Bytes dnskey_rdata;
  std::uint16_t tag = 0;
};

Key make_key(Algorithm alg, std::uint16_t flags) {
  auto key = PrivateKey::generate(alg);
  REQUIRE(key);
  Dnskey dnskey{flags, 3, alg, key->dnskey_public_key()};
  Bytes rdata = dnskey.to_rdata();
  const std::uint16_t tag = key_tag(rdata);
  return Key{std::move(*key), std::move(rdata), tag};
}

// A zone signed as sign_zone signs it: DNSKEY by the KSK, the rest by the
// ZSK, NSEC chain. `zsk_private` signs in the ZSK's name (its DNSKEY, tag
// and algorithm), so a test can make it another key than the published one.
struct Signed {
  Zone zone;
  Key ksk;
  Key zsk;
  const PrivateKey* zsk_private = nullptr;  // null: zsk.key
  // What sign_zone hands the prover: each signing key's private key with the
  // DNSKEY published for it.
  std::vector<ProverKey> prover_keys() const {
    return {{&ksk.key, ksk.dnskey_rdata}, {zsk_private ? zsk_private : &zsk.key, zsk.dnskey_rdata}};
  }
};

// `zsk_key`, when given, is the ZSK (a key in a token).
Signed sign(Algorithm alg, const PrivateKey* zsk_private = nullptr, std::optional<Key> zsk_key = std::nullopt) {
  auto parsed = parse_zone_text(unsigned_zone, "test", ParseOptions{name("example.org.")});
  REQUIRE(parsed);
  auto zone = Zone::build(std::move(parsed->records), name("example.org."), parsed->files);
  REQUIRE(zone);
  Key ksk = make_key(alg, dnskey_flag_zone | dnskey_flag_sep);
  Key zsk = zsk_key ? std::move(*zsk_key) : make_key(alg, dnskey_flag_zone);
  std::vector<Bytes> dnskey_rdatas{ksk.dnskey_rdata, zsk.dnskey_rdata};
  std::sort(dnskey_rdatas.begin(), dnskey_rdatas.end());
  Rrset dnskeys{zone->apex().owner, RrType::DNSKEY, class_IN, 3600, dnskey_rdatas};
  zone->put_rrset(std::move(dnskeys));
  add_nsec_chain(*zone);
  const SigningKey k{&ksk.key, ksk.dnskey_rdata, ksk.tag, alg};
  const SigningKey z{zsk_private ? zsk_private : &zsk.key, zsk.dnskey_rdata, zsk.tag, alg};
  RrsetSigner signer;
  for (Node& node : zone->nodes()) {
    for (const Rrset& rrset : node.rrsets) {
      const bool signs = node.kind == NodeKind::apex || node.kind == NodeKind::authoritative ||
                         (node.kind == NodeKind::delegation && (rrset.type == RrType::DS || rrset.type == RrType::NSEC));
      if (!signs) continue;
      auto sig = signer.sign(rrset, zone->origin(), rrset.type == RrType::DNSKEY ? k : z,
                             static_cast<std::uint32_t>(now - 3600), static_cast<std::uint32_t>(now + 14 * 86400));
      REQUIRE(sig);
      node.signatures.push_back(Signature{rrset.type, rrset.ttl, sig->to_rdata()});
    }
  }
  return Signed{std::move(*zone), std::move(ksk), std::move(zsk), zsk_private};
}

Result<VerifyReport> gate(const Signed& s, unsigned threads = 1) {
  const ResigningProver prover(s.prover_keys());
  const VerifiedSignatures none;
  return check_signed_zone(s.zone, GateOptions{.now = now, .threads = threads, .verified = &none, .prover = &prover});
}

Node& node_at(Zone& zone, const char* owner) {
  for (Node& n : zone.nodes())
    if (n.owner == name(owner)) return n;
  FAIL("no node " << owner);
  throw;
}

// The RDATA octets of the first RRSIG over `covered` at `owner`, to change in place.
std::span<std::uint8_t> signature_of(Zone& zone, const char* owner, RrType covered) {
  SignatureList& list = node_at(zone, owner).signatures;
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i].covered == covered) return list.mutable_rdata(i);
  FAIL("no signature");
  throw;
}

// Swaps two RRSIGs' RDATA of one length (one key, one signer).
void swap_signatures(std::span<std::uint8_t> a, std::span<std::uint8_t> b) {
  REQUIRE(a.size() == b.size());
  std::swap_ranges(a.begin(), a.end(), b.begin());
}

struct TempDir {
  std::filesystem::path dir;
  TempDir() {
    dir = std::filesystem::temp_directory_path() / "zs_gate_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~TempDir() { std::filesystem::remove_all(dir); }
};

ReadAt reader_of(const StagedFile& file) {
  return [&file](std::uint64_t offset, std::span<char> out) { return file.read_at(offset, out); };
}

}  // namespace

TEST_CASE("the gate passes a correct zone and proves every Ed25519 signature by making it again") {
  Signed s = sign(Algorithm::ED25519);
  for (unsigned threads : {1u, 3u}) {
    auto report = gate(s, threads);
    REQUIRE_MESSAGE(report, report.error().to_string());
    CHECK(report->signatures_checked > 10);
    CHECK(report->signatures_proven == report->signatures_checked);
  }
  // Without the prover every signature is verified, with the same verdict.
  auto verified = check_signed_zone(s.zone, GateOptions{.now = now, .threads = 1});
  REQUIRE(verified);
  CHECK(verified->signatures_proven == 0);
}

TEST_CASE("RSA signatures are verified, not made again: RSA verifies faster than it signs") {
  CHECK_FALSE(ResigningProver::resigns(Algorithm::RSASHA256));
  CHECK(ResigningProver::resigns(Algorithm::ED25519));
  CHECK(ResigningProver::resigns(Algorithm::ED448));
  Signed s = sign(Algorithm::RSASHA256);
  auto report = gate(s);
  REQUIRE_MESSAGE(report, report.error().to_string());
  CHECK(report->signatures_proven == 0);
}

TEST_CASE("the gate fails a signature with one bit flipped") {
  Signed s = sign(Algorithm::ED25519);
  signature_of(s.zone, "www.example.org.", RrType::A).back() ^= 0x01;
  auto report = gate(s);
  REQUIRE_FALSE(report);
  CHECK(report.error().code == Errc::verify);
  CHECK(report.error().message.find("www.example.org. A: RRSIG") != std::string::npos);
  CHECK(report.error().message.find("does not verify") != std::string::npos);
}

TEST_CASE("the gate fails a signature made over other data (swapped between two RRsets)") {
  Signed s = sign(Algorithm::ED25519);
  // Same type, TTL and label count: only the signed owner differs.
  swap_signatures(signature_of(s.zone, "www.example.org.", RrType::A),
                  signature_of(s.zone, "ns1.example.org.", RrType::A));
  auto report = gate(s);
  REQUIRE_FALSE(report);
  CHECK(report.error().code == Errc::verify);
  CHECK(report.error().message.find("www.example.org. A: RRSIG") != std::string::npos);
  CHECK(report.error().message.find("ns1.example.org. A: RRSIG") != std::string::npos);
}

TEST_CASE("a token key's ECDSA signatures are verified, not made again: one made over other data is caught") {
  test::SoftHsmToken token;
  auto made = detail::TokenKey::generate(TokenSpec{test::softhsm_module, token.label(), token.pin_file()},
                                         Algorithm::ECDSAP256SHA256, 0, "gate zsk");
  REQUIRE(made);
  PrivateKey key = PrivateKey::from_token(*made);
  Bytes rdata = Dnskey{dnskey_flag_zone, 3, Algorithm::ECDSAP256SHA256, key.dnskey_public_key()}.to_rdata();
  const std::uint16_t tag = key_tag(rdata);
  // The token's nonce is random: signing again would never give the same
  // bytes, so the prover must leave every one of them to verification.
  CHECK_FALSE(key.signs_deterministically());
  Signed s = sign(Algorithm::ECDSAP256SHA256, nullptr, Key{std::move(key), std::move(rdata), tag});
  REQUIRE(gate(s));
  swap_signatures(signature_of(s.zone, "www.example.org.", RrType::A),
                  signature_of(s.zone, "ns1.example.org.", RrType::A));
  auto report = gate(s);
  REQUIRE_FALSE(report);
  CHECK(report.error().code == Errc::verify);
  CHECK(report.error().message.find("www.example.org. A: RRSIG") != std::string::npos);
  CHECK(report.error().message.find("ns1.example.org. A: RRSIG") != std::string::npos);
}

TEST_CASE("the prover proves a file key's Ed25519 signature by signing again, leaves a token key's to verification") {
  // Ed25519, deterministic: only the token rule keeps the prover from signing again.
  if (!test::softhsm_signs_eddsa_without_leak) return;  // pkcs11_softhsm.hpp
  test::SoftHsmToken token;
  auto made = detail::TokenKey::generate(TokenSpec{test::softhsm_module, token.label(), token.pin_file()},
                                         Algorithm::ED25519, 0, "prover");
  REQUIRE(made);
  const PrivateKey in_token = PrivateKey::from_token(*made);
  const PrivateKey in_file = PrivateKey::generate(Algorithm::ED25519).value();
  const Bytes data{1, 2, 3, 4, 5};
  for (const PrivateKey* key : {&in_file, &in_token}) {
    const Bytes rdata = Dnskey{dnskey_flag_zone, 3, Algorithm::ED25519, key->dnskey_public_key()}.to_rdata();
    const ResigningProver prover({ProverKey{key, rdata}});
    SignContext ctx;
    Rrsig rrsig;
    rrsig.algorithm = Algorithm::ED25519;
    rrsig.signature = ctx.sign(*key, data).value();
    const std::optional<bool> proven = prover.session()->prove(data, rrsig, rdata);
    if (key == &in_file) {
      CHECK(proven == std::optional<bool>(true));
    } else {
      CHECK_FALSE(proven.has_value());  // verify_zone verifies it
    }
  }
}

TEST_CASE("the gate fails signatures by a private key that does not match the published DNSKEY") {
  // The ZSK's private key replaced by another Ed25519 key: every signature it
  // makes reproduces exactly, so only the full verification of the first one
  // per session shows that it does not belong to the published DNSKEY.
  auto wrong = PrivateKey::generate(Algorithm::ED25519);
  REQUIRE(wrong);
  Signed s = sign(Algorithm::ED25519, &*wrong);
  auto report = gate(s);
  REQUIRE_FALSE(report);
  CHECK(report.error().code == Errc::verify);
  CHECK(report.error().message.find("does not verify") != std::string::npos);
  CHECK(report.error().message.find("DNSKEY:") == std::string::npos);  // the KSK's signature is fine
}

TEST_CASE("the gate fails a record changed after it was signed and before it was written") {
  Signed s = sign(Algorithm::ED25519);
  Node& www = node_at(s.zone, "www.example.org.");
  Rrset* a = www.find(RrType::A);
  REQUIRE(a);
  a->rdatas.mutable_at(0).back() ^= 0x01;  // 192.0.2.80 -> 192.0.2.81
  auto report = gate(s);
  REQUIRE_FALSE(report);
  CHECK(report.error().code == Errc::verify);
  CHECK(report.error().message.find("www.example.org. A: RRSIG") != std::string::npos);
}

TEST_CASE("the written file reads back as the zone, and its SHA-256 is that of its bytes") {
  TempDir t;
  Signed s = sign(Algorithm::ED25519);
  const std::string path = (t.dir / "out.zone").string();
  auto staged = StagedFile::create(path);
  REQUIRE(staged);
  auto sha = write_signed_zone(s.zone, *staged);
  REQUIRE(sha);
  // Pieces far smaller than a line: each piece grows to the next line end.
  for (std::size_t piece : {std::size_t{16}, std::size_t{100}, std::size_t{1} << 20}) {
    auto r = check_read_back(s.zone, reader_of(*staged), s.zone.origin(), piece);
    CHECK_MESSAGE(r, (r ? std::string() : r.error().to_string()));
  }
  std::string text;
  write_zone_text(s.zone, text);
  CHECK(*sha == to_hex(digest(DigestType::SHA256, to_bytes(text))));
  CHECK(output_sha256(reader_of(*staged)).value() == *sha);
  CHECK(read_file(staged->temp_path()).value() == text);
  REQUIRE(staged->commit());
  CHECK(read_file(path).value() == text);
}

TEST_CASE("the gate fails a file changed between writing and reading back") {
  TempDir t;
  Signed s = sign(Algorithm::ED25519);
  const std::string path = (t.dir / "out.zone").string();
  REQUIRE(write_file_atomic(path, "previous output\n"));
  std::string text;
  write_zone_text(s.zone, text);

  auto written = [&] {
    auto staged = StagedFile::create(path);
    REQUIRE(staged);
    REQUIRE(write_signed_zone(s.zone, *staged));
    return std::move(*staged);
  };
  auto overwrite = [](const StagedFile& f, std::size_t at, std::string_view bytes) {
    int fd = ::open(f.temp_path().c_str(), O_WRONLY);
    REQUIRE(fd >= 0);
    CHECK(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(at)) == static_cast<ssize_t>(bytes.size()));
    ::close(fd);
  };

  SUBCASE("one byte of an address") {
    StagedFile f = written();
    const std::size_t at = text.find("192.0.2.80");
    REQUIRE(at != std::string::npos);
    overwrite(f, at + 9, "1");
    auto r = check_read_back(s.zone, reader_of(f), s.zone.origin());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::verify);
    CHECK(r.error().message.find("www.example.org.") != std::string::npos);
    CHECK(r.error().message.find("nothing was published") != std::string::npos);
  }
  SUBCASE("one byte of a signature") {
    StagedFile f = written();
    const std::size_t rrsig = text.find("\tRRSIG\t");
    const std::size_t at = text.find('\n', rrsig) - 10;  // inside the base64 signature, before its padding
    overwrite(f, at, text[at] == 'A' ? "B" : "A");
    auto r = check_read_back(s.zone, reader_of(f), s.zone.origin());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::verify);
  }
  SUBCASE("the case of an owner name") {
    StagedFile f = written();
    const std::size_t at = text.find("\nwww.");
    REQUIRE(at != std::string::npos);
    overwrite(f, at + 1, "W");
    auto r = check_read_back(s.zone, reader_of(f), s.zone.origin());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::verify);
  }
  SUBCASE("a line made unreadable") {
    StagedFile f = written();
    overwrite(f, text.find("\tIN\t") + 1, "XX");
    auto r = check_read_back(s.zone, reader_of(f), s.zone.origin());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::internal);
  }
  SUBCASE("the last record cut off") {
    StagedFile f = written();
    const std::size_t last = text.rfind('\n', text.size() - 2) + 1;
    REQUIRE(::truncate(f.temp_path().c_str(), static_cast<off_t>(last)) == 0);
    auto r = check_read_back(s.zone, reader_of(f), s.zone.origin());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::verify);
    CHECK(r.error().message.find("ends before") != std::string::npos);
  }
  SUBCASE("a record added at the end") {
    StagedFile f = written();
    overwrite(f, text.size(), "extra.example.org.\t3600\tIN\tA\t192.0.2.1\n");
    auto r = check_read_back(s.zone, reader_of(f), s.zone.origin());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::verify);
    CHECK(r.error().message.find("after the zone's last record") != std::string::npos);
  }
  // Whatever failed, the staged file went with it and the target stayed.
  CHECK(read_file(path).value() == "previous output\n");
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(t.dir)) files += e.is_regular_file() ? 1 : 0;
  CHECK(files == 1);
}

TEST_CASE("sign_zone streams the same bytes to a file and to standard output, and records their SHA-256") {
  TempDir t;
  REQUIRE(write_file_atomic((t.dir / "in.zone").string(), unsigned_zone));
  SignRequest r;
  r.zone_file = (t.dir / "in.zone").string();
  r.origin = name("example.org.");
  r.key_dir = (t.dir / "keys").string();
  r.output = (t.dir / "out.zone").string();
  r.now = now;
  for (auto& k : r.keys) k.algorithm = Algorithm::ED25519;
  r.threads = 2;
  auto to_file = sign_zone(r);
  REQUIRE_MESSAGE(to_file, to_file.error().to_string());
  r.output = std::string(1, '-');  // not = "-": GCC 12 warns falsely (-Wrestrict) there
  auto to_stdout = sign_zone(r);
  REQUIRE_MESSAGE(to_stdout, to_stdout.error().to_string());
  const std::string file = read_file((t.dir / "out.zone").string()).value();
  CHECK(file == to_stdout->output);
  auto store = KeyStore::open_read_only(r.key_dir, r.origin);
  REQUIRE(store);
  REQUIRE(store->last_signed());
  CHECK(store->last_signed()->sha256 == to_hex(digest(DigestType::SHA256, to_bytes(file))));
}

namespace {

// An unsigned zone of `hosts` names, large enough for many chunks; the
// read-back compares records and never looks at signatures.
Zone hosts_zone(int hosts, std::uint32_t ttl_of_h7 = 3600) {
  std::string text = "$ORIGIN example.org.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\n";
  text += "ns1 IN A 192.0.2.53\n";
  for (int i = 0; i < hosts; ++i)
    text += "h" + std::to_string(i) + " " + std::to_string(i == 7 ? ttl_of_h7 : 3600) + " IN A 192.0.2." +
            std::to_string(i % 250) + "\n";
  auto parsed = parse_zone_text(text, "test", ParseOptions{name("example.org.")});
  REQUIRE(parsed);
  auto zone = Zone::build(std::move(parsed->records), name("example.org."), parsed->files);
  REQUIRE(zone);
  return std::move(*zone);
}

struct Written {
  StagedFile file;
  std::vector<OutputChunk> chunks;
  std::string text;
};

Written write_chunked(const Zone& zone, const std::filesystem::path& path) {
  auto staged = StagedFile::create(path.string());
  REQUIRE(staged);
  std::vector<std::uint64_t> ends;
  REQUIRE(write_signed_zone(zone, *staged, 2, &ends));
  std::string text;
  write_zone_text(zone, text);
  return Written{std::move(*staged), output_chunks(zone, ends), std::move(text)};
}

void overwrite_at(const StagedFile& f, std::size_t at, std::string_view bytes) {
  int fd = ::open(f.temp_path().c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  CHECK(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(at)) == static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

}  // namespace

TEST_CASE("the read-back by chunks parses every chunk once, and the next run takes over those it proved") {
  TempDir t;
  const Zone zone = hosts_zone(3000);
  Written w = write_chunked(zone, t.dir / "out.zone");
  REQUIRE(w.chunks.size() > 10);
  ReadBackCounts first;
  auto proofs = check_read_back(zone, reader_of(w.file), zone.origin(), w.chunks, ProvenChunks(), &first);
  REQUIRE_MESSAGE(proofs, proofs.error().to_string());
  CHECK(proofs->size() == w.chunks.size());
  CHECK(first.bytes_parsed == w.text.size());
  CHECK(first.bytes_proven == 0);

  ReadBackCounts second;
  auto again = check_read_back(zone, reader_of(w.file), zone.origin(), w.chunks, ProvenChunks(*proofs), &second);
  REQUIRE(again);
  CHECK(*again == *proofs);
  CHECK(second.bytes_parsed == 0);
  CHECK(second.bytes_proven == w.text.size());

  SUBCASE("a changed TTL: its chunk is parsed again, and only it") {
    const Zone changed = hosts_zone(3000, 3601);
    Written w2 = write_chunked(changed, t.dir / "out2.zone");
    ReadBackCounts counts;
    auto r = check_read_back(changed, reader_of(w2.file), changed.origin(), w2.chunks, ProvenChunks(*proofs), &counts);
    REQUIRE_MESSAGE(r, r.error().to_string());
    CHECK(counts.bytes_parsed > 0);
    CHECK(counts.bytes_parsed < w2.text.size() / 10);
    CHECK(counts.bytes_parsed + counts.bytes_proven == w2.text.size());
  }
  SUBCASE("a proven chunk's bytes changed in the file are parsed, and the change caught") {
    const std::size_t at = w.text.find("h2000.example.org.\t3600\tIN\tA\t192.0.2.");
    REQUIRE(at != std::string::npos);
    overwrite_at(w.file, w.text.find('\n', at) - 1, "9");
    auto r = check_read_back(zone, reader_of(w.file), zone.origin(), w.chunks, ProvenChunks(*proofs));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::verify);
    CHECK(r.error().message.find("h2000.example.org.") != std::string::npos);
  }
  SUBCASE("the previous text of a chunk whose records changed since is caught") {
    // The file holds the old text (TTL 3600) where the zone now has 3601:
    // the old text's digest is on record, but not with these records.
    const Zone changed = hosts_zone(3000, 3601);
    std::string new_text;
    write_zone_text(changed, new_text);
    REQUIRE(new_text.size() == w.text.size());
    std::vector<std::uint64_t> ends;
    auto scratch = StagedFile::create((t.dir / "scratch.zone").string());
    REQUIRE(scratch);
    REQUIRE(write_signed_zone(changed, *scratch, 1, &ends));
    auto r = check_read_back(changed, reader_of(w.file), changed.origin(), output_chunks(changed, ends),
                             ProvenChunks(*proofs));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::verify);
    CHECK(r.error().message.find("TTL 3600 where 3601 was written") != std::string::npos);
  }
  SUBCASE("a directive inside a proven chunk fails the check") {
    const std::size_t at = w.text.find("\nh1500.example.org.");
    REQUIRE(at != std::string::npos);
    overwrite_at(w.file, at + 1, "$");
    auto r = check_read_back(zone, reader_of(w.file), zone.origin(), w.chunks, ProvenChunks(*proofs));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::verify);
    CHECK(r.error().message.find("directive") != std::string::npos);
  }
  SUBCASE("bytes after the last chunk fail the check") {
    overwrite_at(w.file, w.text.size(), "extra.example.org.\t3600\tIN\tA\t192.0.2.1\n");
    auto r = check_read_back(zone, reader_of(w.file), zone.origin(), w.chunks, ProvenChunks(*proofs));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::verify);
  }
  SUBCASE("chunks that do not tile the file are refused") {
    std::vector<OutputChunk> gap = w.chunks;
    gap[3].offset += 1;
    auto r = check_read_back(zone, reader_of(w.file), zone.origin(), gap, ProvenChunks(*proofs));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::internal);
    std::vector<OutputChunk> short_of_zone(w.chunks.begin(), w.chunks.end() - 1);
    CHECK_FALSE(check_read_back(zone, reader_of(w.file), zone.origin(), short_of_zone, ProvenChunks(*proofs)));
  }
}

TEST_CASE("the chunked writer makes write_zone's bytes, copied or rendered, and the read-back catches a wrong copy") {
  TempDir t;
  const Zone zone = hosts_zone(3000);
  std::string text;
  write_zone_text(zone, text);
  const std::vector<std::size_t> ends = chunk_ends(zone);
  auto write = [&](const char* file, const ChunkSource& source, std::vector<OutputChunk>& chunks,
                   std::uint64_t& copied) {
    auto staged = StagedFile::create((t.dir / file).string());
    REQUIRE(staged);
    REQUIRE(write_signed_zone(zone, *staged, 2, ends, source, chunks, copied));
    CHECK(output_sha256(reader_of(*staged)).value() ==
          to_hex(digest(DigestType::SHA256, to_bytes(read_file(staged->temp_path()).value()))));
    return std::move(*staged);
  };
  std::vector<OutputChunk> chunks;
  std::uint64_t copied = 1;
  StagedFile rendered = write("rendered.zone", ChunkSource(), chunks, copied);
  CHECK(copied == 0);
  CHECK(read_file(rendered.temp_path()).value() == text);
  REQUIRE(chunks.size() == ends.size());
  REQUIRE(chunks.size() > 6);
  auto proofs = check_read_back(zone, reader_of(rendered), zone.origin(), chunks, ProvenChunks());
  REQUIRE_MESSAGE(proofs, proofs.error().to_string());

  // The source the chunks are copied from, as the previous output would be.
  const std::string source_path = (t.dir / "previous.zone").string();
  REQUIRE(write_file_atomic(source_path, text));
  auto previous = PreviousOutput::open(source_path);
  REQUIRE(previous);
  auto copy_from = [&](auto range) { return ChunkSource{previous->fd(), range}; };

  // Every chunk copied from its own place: the same file, in one copy.
  std::vector<OutputChunk> chunks2;
  StagedFile copied_file = write(
      "copied.zone",
      copy_from([&](std::size_t c) { return std::optional(CopyRange{chunks[c].offset, chunks[c].size}); }),
      chunks2, copied);
  CHECK(copied == text.size());
  CHECK(read_file(copied_file.temp_path()).value() == text);

  // Every other chunk copied, the others rendered.
  std::vector<OutputChunk> chunks4;
  StagedFile mixed_file = write("mixed.zone", copy_from([&](std::size_t c) -> std::optional<CopyRange> {
                                  if (c % 2 == 1) return std::nullopt;
                                  return CopyRange{chunks[c].offset, chunks[c].size};
                                }),
                                chunks4, copied);
  CHECK(copied > 0);
  CHECK(copied < text.size());
  CHECK(read_file(mixed_file.temp_path()).value() == text);

  // Chunk 5 given chunk 6's text: its pair is on record for no chunk, so it
  // is parsed, and its records are not chunk 5's.
  std::vector<OutputChunk> chunks3;
  StagedFile wrong_file = write("wrong.zone", copy_from([&](std::size_t c) {
                                  const std::size_t from = c == 5 ? 6 : c;
                                  return std::optional(CopyRange{chunks[from].offset, chunks[from].size});
                                }),
                                chunks3, copied);
  ReadBackCounts counts;
  auto r = check_read_back(zone, reader_of(wrong_file), zone.origin(), chunks3, ProvenChunks(*proofs), &counts);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::verify);
  CHECK(counts.bytes_parsed == 0);  // it stopped at the first chunk it parsed

  // A source shorter than the range it gave: an error, not a short file.
  auto staged = StagedFile::create((t.dir / "short.zone").string());
  REQUIRE(staged);
  auto cut = write_signed_zone(zone, *staged, 2, ends, copy_from([&](std::size_t c) {
                                 return std::optional(CopyRange{chunks[c].offset + text.size(), chunks[c].size});
                               }),
                               chunks3, copied);
  REQUIRE_FALSE(cut);
  CHECK(cut.error().code == Errc::io);
}

namespace {

// A ReadAt over `text`, failing with Errc::io from `fail_at` on.
ReadAt string_source(const std::string& text, std::uint64_t fail_at = UINT64_MAX) {
  return [&text, fail_at](std::uint64_t offset, std::span<char> out) -> Result<std::size_t> {
    if (offset + out.size() > fail_at && offset < text.size()) return fail(Errc::io, "a read failed");
    const std::size_t n = offset >= text.size() ? 0 : std::min(out.size(), text.size() - offset);
    std::copy_n(text.data() + offset, n, out.data());
    return n;
  };
}

std::string random_text(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>('a' + rng() % 26);
  return out;
}

}  // namespace

TEST_CASE("the read-back tee gives its reader the whole file and the SHA-256 of the whole file") {
  const std::size_t mib = std::size_t{1} << 20;
  for (const std::size_t size : {std::size_t{0}, std::size_t{100}, 4 * mib, 19 * mib + 7}) {
    CAPTURE(size);
    const std::string text = random_text(size, static_cast<unsigned>(size));
    ReadBackTee tee(string_source(text), 2);
    Result<std::string> hashed = std::string();
    std::thread producer([&] { hashed = tee.run(); });
    // Pieces of every size, each read where the last ended; then one byte
    // past the end, which is not there.
    std::string got;
    std::mt19937 rng(7);
    for (;;) {
      std::string piece(rng() % 3000000, '\0');
      auto n = tee.read(got.size(), piece);
      REQUIRE(n);
      got.append(piece, 0, *n);
      if (*n < piece.size()) break;
    }
    char extra = 0;
    CHECK(tee.read(got.size(), std::span<char>(&extra, 1)).value() == 0);
    tee.stop();
    producer.join();
    CHECK(got == text);
    REQUIRE(hashed);
    CHECK(*hashed == output_sha256(string_source(text)).value());
    // Backwards is refused.
    if (size > 0) {
      auto back = tee.read(0, std::span<char>(&extra, 1));
      REQUIRE_FALSE(back);
      CHECK(back.error().code == Errc::internal);
    }
  }
}

TEST_CASE("the read-back tee stops when its reader stops, and passes a failed read on") {
  const std::string text = random_text(std::size_t{30} << 20, 3);
  {
    // The reader is done after a few bytes: the producer, its windows full,
    // must not wait for it forever.
    ReadBackTee tee(string_source(text), 2);
    Result<std::string> hashed = std::string();
    std::thread producer([&] { hashed = tee.run(); });
    char some[100];
    REQUIRE(tee.read(0, some));
    tee.stop();
    producer.join();
    REQUIRE_FALSE(hashed);
    CHECK(hashed.error().code == Errc::internal);
  }
  {
    // A read of the file fails past 9 MiB: the reader gets that error.
    ReadBackTee tee(string_source(text, std::uint64_t{9} << 20), 3);
    Result<std::string> hashed = std::string();
    std::thread producer([&] { hashed = tee.run(); });
    std::string piece(std::size_t{1} << 20, '\0');
    Result<std::size_t> n = std::size_t{0};
    std::uint64_t at = 0;
    while ((n = tee.read(at, piece)) && *n > 0) at += *n;
    tee.stop();
    producer.join();
    REQUIRE_FALSE(n);
    CHECK(n.error().code == Errc::io);
    CHECK(at <= (std::uint64_t{9} << 20));
    REQUIRE_FALSE(hashed);
    CHECK(hashed.error().code == Errc::io);
  }
}
