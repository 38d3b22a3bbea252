// RRSIG RDATA, signature input, signing and verification. The RFC examples
// (RFC 5702 §6, RFC 6605 §6, RFC 8080 §6 with erratum 4935) are signed again
// with their own keys: RSA and EdDSA must reproduce the RFC's RRSIG byte for
// byte; the RFC 6605 examples were made with random nonces, not RFC 6979's,
// so for ECDSA the RFC's signature must verify, ours must verify too, and
// ours is the same bytes each time.
#include <doctest/doctest.h>

#include <array>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../crypto/rfc_records.hpp"
#include "crypto/keys.hpp"
#include "dns/rdata.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"

using namespace zs;

namespace {

struct Example {
  test::VectorFile file;
  PrivateKey key;
  Bytes dnskey;
  Rrsig rfc_rrsig;
  Rrset rrset;
};

Example load_example(const char* name) {
  auto file = test::read_vector_file(name);
  auto key = PrivateKey::from_bind_private(file.private_key);
  REQUIRE(key);
  const Bytes dnskey = test::rdata_of(file.first("DNSKEY"));
  auto rrsig = Rrsig::from_rdata(test::rdata_of(file.first("RRSIG")));
  REQUIRE(rrsig);
  const auto& covered = file.first("RRSIG").rdata[0];
  Rrset rrset = test::rrset_of(file, covered);
  return Example{std::move(file), std::move(*key), dnskey, std::move(*rrsig), std::move(rrset)};
}

SigningKey signing_key(const Example& ex) {
  SigningKey k;
  k.key = &ex.key;
  k.dnskey_rdata = ex.dnskey;
  k.tag = key_tag(ex.dnskey);
  k.algorithm = ex.key.algorithm();
  return k;
}

Rrset a_rrset(const char* owner, std::vector<Bytes> rdatas, std::uint32_t ttl = 300) {
  Rrset set;
  set.owner = test::name_of(owner);
  set.type = RrType::A;
  set.ttl = ttl;
  set.rdatas = std::move(rdatas);
  return set;
}

struct GeneratedKey {
  PrivateKey key;
  Bytes dnskey;
  SigningKey signing;
};

GeneratedKey generated(Algorithm alg) {
  auto key = PrivateKey::generate(alg, alg == Algorithm::RSASHA256 || alg == Algorithm::RSASHA512 ? 1024 : 0);
  REQUIRE(key);
  Dnskey k;
  k.algorithm = alg;
  k.public_key = key->dnskey_public_key();
  GeneratedKey g{std::move(*key), k.to_rdata(), {}};
  return g;
}

SigningKey signing_of(const GeneratedKey& g) {
  SigningKey s;
  s.key = &g.key;
  s.dnskey_rdata = g.dnskey;
  s.tag = key_tag(g.dnskey);
  s.algorithm = g.key.algorithm();
  return s;
}

constexpr std::uint32_t inception = 1700000000;
constexpr std::uint32_t expiration = 1702592000;

}  // namespace

TEST_CASE("deterministic RFC examples are re-signed byte for byte (RFC 5702 RSA, RFC 8080 EdDSA)") {
  for (const char* name : {"rfc5702-6.1.txt", "rfc5702-6.2.txt", "rfc8080-6.1-a.txt", "rfc8080-6.1-b.txt",
                           "rfc8080-6.2-a.txt", "rfc8080-6.2-b.txt"}) {
    CAPTURE(name);
    const Example ex = load_example(name);
    auto verified = verify_rrsig(ex.rrset, ex.rfc_rrsig, ex.dnskey);
    REQUIRE(verified);
    CHECK(*verified);

    RrsetSigner signer;
    auto ours = signer.sign(ex.rrset, ex.rfc_rrsig.signer, signing_key(ex), ex.rfc_rrsig.inception,
                            ex.rfc_rrsig.expiration);
    REQUIRE(ours);
    CHECK(ours->labels == ex.rfc_rrsig.labels);
    CHECK(ours->key_tag == ex.rfc_rrsig.key_tag);
    CHECK(ours->original_ttl == ex.rfc_rrsig.original_ttl);
    CHECK(ours->to_rdata() == ex.rfc_rrsig.to_rdata());
    CHECK(ours->to_rdata() == test::rdata_of(ex.file.first("RRSIG")));
  }
}

TEST_CASE("RFC 6605 ECDSA examples: the RFC's signatures verify, and so do ours over the same RRset") {
  for (const char* name : {"rfc6605-6.1.txt", "rfc6605-6.2.txt"}) {
    CAPTURE(name);
    const Example ex = load_example(name);
    auto verified = verify_rrsig(ex.rrset, ex.rfc_rrsig, ex.dnskey);
    REQUIRE(verified);
    CHECK(*verified);

    RrsetSigner signer;
    auto ours = signer.sign(ex.rrset, ex.rfc_rrsig.signer, signing_key(ex), ex.rfc_rrsig.inception,
                            ex.rfc_rrsig.expiration);
    REQUIRE(ours);
    auto ok = verify_rrsig(ex.rrset, *ours, ex.dnskey);
    REQUIRE(ok);
    CHECK(*ok);
    // Ours is deterministic (RFC 6979): signing again gives the same bytes.
    auto again = signer.sign(ex.rrset, ex.rfc_rrsig.signer, signing_key(ex), ex.rfc_rrsig.inception,
                             ex.rfc_rrsig.expiration);
    REQUIRE(again);
    CHECK(again->signature == ours->signature);
    // Everything but the signature (RFC 6605 used a random nonce) is the RFC's.
    Rrsig a = *ours;
    Rrsig b = ex.rfc_rrsig;
    a.signature.clear();
    b.signature.clear();
    CHECK(a.to_rdata() == b.to_rdata());
    CHECK(ours->signature.size() == ex.rfc_rrsig.signature.size());
  }
}

TEST_CASE("a changed RDATA, owner or signature field makes an RFC signature fail") {
  const Example ex = load_example("rfc8080-6.1-a.txt");
  Rrset changed = ex.rrset;
  changed.rdatas.mutable_at(0)[1] ^= 0x01;  // MX preference 10 -> 11
  CHECK_FALSE(verify_rrsig(changed, ex.rfc_rrsig, ex.dnskey).value());

  Rrset moved = ex.rrset;
  moved.owner = test::name_of("example.net.");
  CHECK_FALSE(verify_rrsig(moved, ex.rfc_rrsig, ex.dnskey).value_or(false));

  Rrsig later = ex.rfc_rrsig;
  later.expiration += 1;
  CHECK_FALSE(verify_rrsig(ex.rrset, later, ex.dnskey).value());

  Rrsig flipped = ex.rfc_rrsig;
  flipped.signature[10] ^= 0x20;
  CHECK_FALSE(verify_rrsig(ex.rrset, flipped, ex.dnskey).value());

  // A different key with the same algorithm.
  const Example other = load_example("rfc8080-6.1-b.txt");
  Rrsig retagged = ex.rfc_rrsig;
  retagged.key_tag = key_tag(other.dnskey);
  CHECK_FALSE(verify_rrsig(ex.rrset, retagged, other.dnskey).value());
}

TEST_CASE("verification uses the RRSIG's original TTL, not the RRset's (RFC 4035 §5.3.3)") {
  const Example ex = load_example("rfc5702-6.1.txt");
  Rrset decremented = ex.rrset;
  decremented.ttl = 1234;  // as a cache would hand it out
  CHECK(verify_rrsig(decremented, ex.rfc_rrsig, ex.dnskey).value());
}

TEST_CASE("owner names and embedded names enter the signature input in lower case") {
  const Example ex = load_example("rfc8080-6.1-a.txt");
  Rrset shouting = ex.rrset;
  shouting.owner = test::name_of("EXAMPLE.Com.");
  REQUIRE(shouting.rdatas.size() == 1);
  shouting.rdatas =
      RdataSet{test::rdata_of(test::VectorRecord{"EXAMPLE.Com.", 3600, "MX", {"10", "MAIL.Example.COM."}})};
  CHECK(verify_rrsig(shouting, ex.rfc_rrsig, ex.dnskey).value());

  Rrsig upper_signer = ex.rfc_rrsig;
  upper_signer.signer = test::name_of("Example.COM.");
  CHECK(verify_rrsig(ex.rrset, upper_signer, ex.dnskey).value());
}

TEST_CASE("signature input sorts RDATA canonically and drops duplicates (RFC 4034 §6.3)") {
  Rrsig fields;
  fields.type_covered = RrType::A;
  fields.algorithm = Algorithm::ED25519;
  fields.labels = 3;
  fields.original_ttl = 300;
  fields.signer = test::name_of("example.com.");
  const Bytes a1{192, 0, 2, 1};
  const Bytes a2{192, 0, 2, 2};
  const Bytes a10{10, 0, 0, 1};

  Bytes sorted_input;
  append_signature_input(fields, a_rrset("www.example.com.", {a10, a1, a2}), sorted_input);
  Bytes shuffled_input;
  append_signature_input(fields, a_rrset("www.example.com.", {a2, a1, a10, a1}), shuffled_input);
  CHECK(sorted_input == shuffled_input);

  // Head (18) + signer (13) + three RRs of owner (17) + 10 + 4 octets.
  CHECK(sorted_input.size() == 18 + 13 + 3 * (17 + 10 + 4));
  const std::size_t first_rr = 18 + 13;
  const std::size_t rdata_at = first_rr + 17 + 10;
  CHECK(Bytes(sorted_input.begin() + rdata_at, sorted_input.begin() + rdata_at + 4) == a10);
  // Each RR carries the original TTL and class IN.
  CHECK(get_u16(sorted_input.data() + first_rr + 17) == to_u16(RrType::A));
  CHECK(get_u16(sorted_input.data() + first_rr + 19) == class_IN);
  CHECK(get_u32(sorted_input.data() + first_rr + 21) == 300);
  CHECK(get_u16(sorted_input.data() + first_rr + 25) == 4);
}

TEST_CASE("the labels field excludes the root and a leading wildcard label") {
  auto g = generated(Algorithm::ED25519);
  RrsetSigner signer;
  const Name apex = test::name_of("example.com.");
  auto apex_sig = signer.sign(a_rrset("example.com.", {{192, 0, 2, 1}}), apex, signing_of(g), inception, expiration);
  REQUIRE(apex_sig);
  CHECK(apex_sig->labels == 2);
  auto wild_sig =
      signer.sign(a_rrset("*.example.com.", {{192, 0, 2, 1}}), apex, signing_of(g), inception, expiration);
  REQUIRE(wild_sig);
  CHECK(wild_sig->labels == 2);
  auto deep_sig =
      signer.sign(a_rrset("a.b.example.com.", {{192, 0, 2, 1}}), apex, signing_of(g), inception, expiration);
  REQUIRE(deep_sig);
  CHECK(deep_sig->labels == 4);
}

TEST_CASE("a wildcard signature verifies over any expansion of the wildcard (RFC 4035 §5.3.2)") {
  auto g = generated(Algorithm::ECDSAP256SHA256);
  RrsetSigner signer;
  const Name apex = test::name_of("example.com.");
  auto sig = signer.sign(a_rrset("*.example.com.", {{192, 0, 2, 7}}), apex, signing_of(g), inception, expiration);
  REQUIRE(sig);
  CHECK(verify_rrsig(a_rrset("*.example.com.", {{192, 0, 2, 7}}), *sig, g.dnskey).value());
  CHECK(verify_rrsig(a_rrset("host.example.com.", {{192, 0, 2, 7}}), *sig, g.dnskey).value());
  CHECK(verify_rrsig(a_rrset("a.b.c.example.com.", {{192, 0, 2, 7}}), *sig, g.dnskey).value());
  // Not an expansion: data differs, or the name lies outside the wildcard.
  CHECK_FALSE(verify_rrsig(a_rrset("host.example.com.", {{192, 0, 2, 8}}), *sig, g.dnskey).value());
  CHECK_FALSE(verify_rrsig(a_rrset("example.com.", {{192, 0, 2, 7}}), *sig, g.dnskey).value_or(false));
}

TEST_CASE("a signature does not verify for another type, algorithm or a non-zone key") {
  auto g = generated(Algorithm::ED25519);
  RrsetSigner signer;
  const Rrset set = a_rrset("www.example.com.", {{192, 0, 2, 1}});
  auto sig = signer.sign(set, test::name_of("example.com."), signing_of(g), inception, expiration);
  REQUIRE(sig);
  CHECK(verify_rrsig(set, *sig, g.dnskey).value());

  Rrset aaaa = set;
  aaaa.type = RrType::AAAA;
  CHECK_FALSE(verify_rrsig(aaaa, *sig, g.dnskey).value());

  Rrsig wrong_alg = *sig;
  wrong_alg.algorithm = Algorithm::ED448;
  CHECK_FALSE(verify_rrsig(set, wrong_alg, g.dnskey).value());

  auto dnskey = Dnskey::from_rdata(g.dnskey);
  REQUIRE(dnskey);
  dnskey->flags = 0;  // not a zone key (RFC 4034 §2.1.1)
  Rrsig retagged = *sig;
  retagged.key_tag = key_tag(dnskey->to_rdata());
  CHECK_FALSE(verify_rrsig(set, retagged, dnskey->to_rdata()).value());

  // Signer name that is not an ancestor of the owner.
  Rrsig foreign = *sig;
  foreign.signer = test::name_of("example.net.");
  CHECK_FALSE(verify_rrsig(set, foreign, g.dnskey).value());
}

TEST_CASE("generated keys sign and verify RRsets for every signing algorithm") {
  for (Algorithm alg : {Algorithm::RSASHA256, Algorithm::RSASHA512, Algorithm::ECDSAP256SHA256,
                        Algorithm::ECDSAP384SHA384, Algorithm::ED25519, Algorithm::ED448}) {
    CAPTURE(algorithm_name(alg));
    auto g = generated(alg);
    RrsetSigner signer;
    const Rrset set = a_rrset("www.Example.com.", {{192, 0, 2, 1}, {192, 0, 2, 2}});
    auto sig = signer.sign(set, test::name_of("Example.COM."), signing_of(g), inception, expiration);
    REQUIRE(sig);
    CHECK(sig->algorithm == alg);
    CHECK(sig->type_covered == RrType::A);
    CHECK(sig->original_ttl == 300);
    CHECK(sig->inception == inception);
    CHECK(sig->expiration == expiration);
    CHECK(sig->signer.to_string() == "example.com.");  // printed in canonical form
    CHECK(verify_rrsig(set, *sig, g.dnskey).value());

    auto parsed = Rrsig::from_rdata(sig->to_rdata());
    REQUIRE(parsed);
    CHECK(parsed->to_rdata() == sig->to_rdata());
    CHECK(verify_rrsig(set, *parsed, g.dnskey).value());
  }
}

TEST_CASE("a batch of RRsets under two keys gives exactly the RRSIGs of signing each alone") {
  for (Algorithm alg : {Algorithm::ECDSAP256SHA256, Algorithm::ED25519, Algorithm::RSASHA256}) {
    CAPTURE(algorithm_name(alg));
    auto ksk = generated(alg);
    auto zsk = generated(alg);
    const SigningKey k1 = signing_of(ksk), k2 = signing_of(zsk);
    std::vector<Rrset> sets;
    for (int i = 0; i < 70; ++i)
      sets.push_back(a_rrset(("h" + std::to_string(i) + ".Example.com.").c_str(),
                             {{192, 0, 2, static_cast<std::uint8_t>(i)}, {198, 51, 100, 7}}));
    // Keys interleaved, as the signer's task list has them at the apex.
    std::vector<RrsetSigner::Item> items;
    for (std::size_t i = 0; i < sets.size(); ++i)
      items.push_back({&sets[i], i % 3 == 0 ? &k1 : &k2, inception, expiration - static_cast<std::uint32_t>(i)});
    RrsetSigner batch_signer;
    auto batch = batch_signer.sign_batch(items, test::name_of("Example.COM."));
    REQUIRE(batch);
    REQUIRE(batch->size() == items.size());
    RrsetSigner alone;
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto one = alone.sign(*items[i].rrset, test::name_of("Example.COM."), *items[i].key, items[i].inception,
                            items[i].expiration);
      REQUIRE(one);
      CHECK((*batch)[i].to_rdata() == one->to_rdata());
      CHECK(verify_rrsig(sets[i], (*batch)[i], items[i].key->dnskey_rdata).value());
    }
  }
}

TEST_CASE("a signing key whose algorithm disagrees with its DNSKEY is refused") {
  auto g = generated(Algorithm::ED25519);
  SigningKey k = signing_of(g);
  k.algorithm = Algorithm::ED448;
  RrsetSigner signer;
  auto sig = signer.sign(a_rrset("example.com.", {{192, 0, 2, 1}}), test::name_of("example.com."), k, inception,
                         expiration);
  REQUIRE_FALSE(sig);
  CHECK(sig.error().code == Errc::crypto);
}

TEST_CASE("worker threads sharing one key each sign with their own RrsetSigner") {
  for (Algorithm alg : {Algorithm::ECDSAP256SHA256, Algorithm::RSASHA256, Algorithm::ED25519}) {
    CAPTURE(algorithm_name(alg));
    auto g = generated(alg);
    const SigningKey key = signing_of(g);
    constexpr int threads = 4;
    constexpr int per_thread = 25;
    std::vector<std::vector<Rrsig>> results(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        RrsetSigner signer;
        for (int i = 0; i < per_thread; ++i) {
          auto sig = signer.sign(a_rrset("www.example.com.", {{10, 0, static_cast<std::uint8_t>(t),
                                                              static_cast<std::uint8_t>(i)}}),
                                 test::name_of("example.com."), key, inception, expiration);
          if (sig) results[t].push_back(std::move(*sig));
        }
      });
    }
    for (auto& w : workers) w.join();
    for (int t = 0; t < threads; ++t) {
      REQUIRE(results[t].size() == per_thread);
      for (int i = 0; i < per_thread; ++i) {
        const auto set =
            a_rrset("www.example.com.", {{10, 0, static_cast<std::uint8_t>(t), static_cast<std::uint8_t>(i)}});
        CHECK(verify_rrsig(set, results[t][i], g.dnskey).value());
      }
    }
  }
}

TEST_CASE("RRSIG RDATA that is truncated or has a compressed signer is bad_rdata") {
  const Example ex = load_example("rfc5702-6.1.txt");
  const Bytes rdata = ex.rfc_rrsig.to_rdata();
  auto head_only = Rrsig::from_rdata(BytesView(rdata).first(18));
  REQUIRE_FALSE(head_only);
  CHECK(head_only.error().code == Errc::bad_rdata);
  // Signer name but no signature.
  auto unsigned_rrsig = Rrsig::from_rdata(BytesView(rdata).first(18 + ex.rfc_rrsig.signer.wire_length()));
  REQUIRE_FALSE(unsigned_rrsig);
  CHECK(unsigned_rrsig.error().code == Errc::bad_rdata);
  // A compression pointer instead of the signer name.
  Bytes compressed(rdata.begin(), rdata.begin() + 18);
  compressed.insert(compressed.end(), {0xC0, 0x00, 1, 2, 3, 4});
  auto c = Rrsig::from_rdata(compressed);
  REQUIRE_FALSE(c);
  CHECK(c.error().code == Errc::bad_rdata);
}

TEST_CASE("RRSIG validity follows RFC 1982 serial arithmetic, including across the 2106 wrap") {
  Rrsig r;
  r.inception = 1000;
  r.expiration = 2000;
  CHECK(rrsig_time_valid(r, 1000));
  CHECK(rrsig_time_valid(r, 1500));
  CHECK(rrsig_time_valid(r, 2000));
  CHECK_FALSE(rrsig_time_valid(r, 999));
  CHECK_FALSE(rrsig_time_valid(r, 2001));

  // A window spanning 2^32 seconds (February 2106).
  Rrsig wrap;
  wrap.inception = 0xFFFFFF00u;
  wrap.expiration = 0x00000100u;
  CHECK(rrsig_time_valid(wrap, 0xFFFFFF80ull));
  CHECK(rrsig_time_valid(wrap, 0x100000010ull));  // "now" after the wrap, as a 64-bit time
  CHECK_FALSE(rrsig_time_valid(wrap, 0x100000200ull));
  CHECK_FALSE(rrsig_time_valid(wrap, 0xFFFFFE00ull));

  // The RFC 5702 example: 2000-01-01 to 2030-01-01.
  const Example ex = load_example("rfc5702-6.1.txt");
  CHECK(ex.rfc_rrsig.inception == 946684800u);
  CHECK(ex.rfc_rrsig.expiration == 1893456000u);
  CHECK(rrsig_time_valid(ex.rfc_rrsig, 1600000000));
  CHECK_FALSE(rrsig_time_valid(ex.rfc_rrsig, 1893456001));
}

namespace {

// One record per line, "owner ttl class type rdata...", as the RFC 4035
// Appendix A subset file is written; RDATA is parsed by the dns layer.
std::vector<Record> read_one_per_line(std::istream& in) {
  std::vector<Record> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.starts_with(";")) continue;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    REQUIRE(w.size() >= 5);
    std::vector<Token> tokens;
    for (std::size_t i = 4; i < w.size(); ++i) {
      Token t;
      t.text = w[i];
      if (t.text.size() >= 2 && t.text.front() == '"' && t.text.back() == '"') {
        t.text = t.text.substr(1, t.text.size() - 2);
        t.quoted = true;
      }
      tokens.push_back(std::move(t));
    }
    Record r;
    r.owner = test::name_of(w[0]);
    r.ttl = test::number(w[1]);
    auto type = type_from_string(w[3]);
    REQUIRE(type);
    r.type = *type;
    auto rdata = rdata_from_tokens(r.type, tokens, Name());
    REQUIRE(rdata);
    r.rdata = std::move(*rdata);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

TEST_CASE("RFC 4035 Appendix A signatures (RSASHA1, algorithm 5) verify, the wildcard-expanded one included") {
  std::ifstream file(test::vector_path("rfc4035-appendix-A.signatures.zone"));
  REQUIRE(file);
  auto records = read_one_per_line(file);
  // RFC 4035 B.6 "Wildcard Expansion": the answer for a.z.w.example MX is
  // synthesised from *.w.example; its RRSIG has Labels 2, so the signature
  // input must use "*.w.example." as owner.
  std::istringstream b6(
      "a.z.w.example. 3600 IN MX 1 ai.example.\n"
      "a.z.w.example. 3600 IN RRSIG MX 5 2 3600 20040509183619 20040409183619 38519 example. "
      "OMK8rAZlepfzLWW75Dxd63jy2wswESzxDKG2f9AMN1CytCd10cYISAxfAdvXSZ7xujKAtPbctvOQ2ofO7AZJ+d01EeeQTVBPq4/"
      "6KCWhqe2XTjnkVLNvvhnc0u28aoSsG0+4InvkkOHknKxw4kX18MMR34i8lC36SR5xBni8vHI=\n");
  auto expanded = read_one_per_line(b6);
  REQUIRE(expanded.size() == 2);
  for (auto& r : expanded) records.push_back(std::move(r));
  std::vector<Bytes> dnskeys;
  for (const auto& r : records)
    if (r.type == RrType::DNSKEY) dnskeys.push_back(r.rdata);
  REQUIRE(dnskeys.size() == 2);

  int checked = 0;
  for (const auto& sig_rr : records) {
    if (sig_rr.type != RrType::RRSIG) continue;
    auto sig = Rrsig::from_rdata(sig_rr.rdata);
    REQUIRE(sig);
    CAPTURE(sig_rr.owner.to_string());
    CAPTURE(type_to_string(sig->type_covered));
    Rrset set;
    set.owner = sig_rr.owner;
    set.type = sig->type_covered;
    for (const auto& r : records)
      if (r.type == sig->type_covered && r.owner == sig_rr.owner) {
        set.ttl = r.ttl;
        set.rdatas.push_back(r.rdata);
      }
    REQUIRE_FALSE(set.rdatas.empty());
    const Bytes* key = nullptr;
    for (const auto& k : dnskeys)
      if (key_tag(k) == sig->key_tag) key = &k;
    REQUIRE(key != nullptr);
    CHECK(verify_rrsig(set, *sig, *key).value());
    // 2004-04-20, inside the zone's validity window.
    CHECK(rrsig_time_valid(*sig, 1082419200));
    CHECK_FALSE(rrsig_time_valid(*sig, 1100000000));
    ++checked;
  }
  CHECK(checked >= 11);
}
