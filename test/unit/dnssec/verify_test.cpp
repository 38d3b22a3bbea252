// verify_zone: zones signed by ldns-signzone and dnssec-signzone pass; each
// kind of tampering is reported at the right owner and type. Vectors:
// test/vectors/rfc4035-appendix-A.*.zone (signed 20250101..20371231).
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/encoding.hpp"
#include "dns/rdata.hpp"
#include "dnssec/denial.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"
#include "dnssec/verify.hpp"
#include "zone_text.hpp"

using namespace zs;
using namespace zs::test;

namespace {

constexpr std::uint64_t jan_2026 = 1767225600;  // 2026-01-01T00:00:00Z, inside the vectors' window
const Bytes rfc5155_salt{0xaa, 0xbb, 0xcc, 0xdd};

std::string describe(const VerifyReport& report) {
  std::string out;
  for (const VerifyProblem& p : report.problems)
    out += p.owner.to_string() + " " + type_to_string(p.type) + ": " + p.what + "\n";
  return out;
}

bool has_problem(const VerifyReport& report, std::string_view owner, RrType type, std::string_view fragment = "") {
  return std::any_of(report.problems.begin(), report.problems.end(), [&](const VerifyProblem& p) {
    return p.owner == name(owner) && p.type == type && p.what.find(fragment) != std::string::npos;
  });
}

bool problems_sorted(const VerifyReport& report) {
  return std::is_sorted(report.problems.begin(), report.problems.end(), [](const VerifyProblem& a, const VerifyProblem& b) {
    return canonical_compare(a.owner, b.owner) < 0;
  });
}

Zone signed_vector(std::string_view file) { return zone_from_vector(file, name("example."), true); }

VerifyReport verify(const Zone& zone, std::uint64_t now = jan_2026, unsigned threads = 1) {
  return verify_zone(zone, VerifyOptions{.now = now, .threads = threads});
}

Rrset& only_rrset(Zone& zone, std::string_view owner, RrType type) {
  Node* node = find_node(zone, name(owner));
  REQUIRE(node != nullptr);
  Rrset* rrset = node->find(type);
  REQUIRE(rrset != nullptr);
  REQUIRE(rrset->rdatas.size() == 1);
  return *rrset;
}

// The octets of the only record of an RRset, to change in place.
std::span<std::uint8_t> only_rdata(Zone& zone, std::string_view owner, RrType type) {
  return only_rrset(zone, owner, type).rdatas.mutable_at(0);
}

void set_only_rdata(Zone& zone, std::string_view owner, RrType type, const Bytes& rdata) {
  only_rrset(zone, owner, type).rdatas = RdataSet{rdata};
}

std::string hashed_owner(std::string_view n) {
  return to_base32hex(nsec3_hash(name(n), rfc5155_salt, 12)) + ".example.";
}

}  // namespace

// An owning copy of the first RRSIG over `covered` at `node`.
Signature signature_over(const Node& node, RrType covered) {
  for (SignatureRef s : node.signatures)
    if (s.covered == covered) return Signature{s.covered, s.ttl, CompactBytes(s.rdata)};
  FAIL("no signature");
  throw;
}

// Flips the last bit of every RRSIG over `covered` at `node`, in place.
void flip_signatures(Node& node, RrType covered) {
  for (std::size_t i = 0; i < node.signatures.size(); ++i)
    if (node.signatures[i].covered == covered) node.signatures.mutable_rdata(i).back() ^= 1;
}

TEST_CASE("a zone signed by ldns-signzone with NSEC verifies without problems") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(report.ok());
  CHECK(report.denial == VerifyReport::Denial::nsec);
  CHECK(report.signatures_checked >= 20);
  CHECK(report.rrsets_checked == report.signatures_checked);  // one ZSK or KSK signature per RRset
}

TEST_CASE("a zone signed by ldns-signzone with opt-out NSEC3 verifies without problems") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec3-optout.zone");
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(report.ok());
  CHECK(report.denial == VerifyReport::Denial::nsec3);
}

TEST_CASE("a zone signed by dnssec-signzone with NSEC3 verifies without problems") {
  Zone zone = signed_vector("rfc4035-appendix-A.bind-nsec3.zone");
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(report.ok());
  CHECK(report.denial == VerifyReport::Denial::nsec3);
}

TEST_CASE("verification gives the same report on one thread and on several") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  only_rdata(zone, "ai.example.", RrType::HINFO).back() ^= 1;
  only_rdata(zone, "xx.example.", RrType::A).back() ^= 1;
  VerifyReport one = verify(zone, jan_2026, 1);
  VerifyReport four = verify(zone, jan_2026, 4);
  REQUIRE(one.problems.size() == four.problems.size());
  CHECK_FALSE(one.ok());
  for (std::size_t i = 0; i < one.problems.size(); ++i) {
    CHECK(one.problems[i].owner == four.problems[i].owner);
    CHECK(one.problems[i].type == four.problems[i].type);
    CHECK(one.problems[i].what == four.problems[i].what);
  }
  CHECK(one.signatures_checked == four.signatures_checked);
}

TEST_CASE("a record changed after signing is reported at its owner and type") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  only_rdata(zone, "ai.example.", RrType::A).back() ^= 1;  // 192.0.2.9 -> 192.0.2.8
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, "ai.example.", RrType::A, "does not verify"));
  CHECK(has_problem(report, "ai.example.", RrType::A, "no valid signature"));
  CHECK_FALSE(has_problem(report, "ai.example.", RrType::AAAA));
  CHECK(report.problems.size() == 2);
}

TEST_CASE("a signature listed as verified skips only its cryptography, and only for the RRset and key it names") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  const Node* ai = find_node(zone, name("ai.example."));
  const Rrset* a = ai->find(RrType::A);
  const Signature sig = signature_over(*ai, RrType::A);
  std::optional<Bytes> zsk;
  for (BytesView rdata : zone.apex().find(RrType::DNSKEY)->rdatas)
    if (key_tag(rdata) == Rrsig::from_rdata(sig.rdata).value().key_tag) zsk = to_bytes(rdata);
  REQUIRE(zsk);

  // Break the signature, then vouch for exactly that broken signature over
  // exactly this RRset and key: the verifier takes the word for it.
  Zone broken = zone;
  Node* node = find_node(broken, name("ai.example."));
  flip_signatures(*node, RrType::A);
  const Signature broken_sig = signature_over(*node, RrType::A);
  VerifiedSignatures verified{signature_fingerprint(broken_sig.rdata, *a, *zsk)};
  VerifyOptions options{jan_2026, 1, &verified};
  VerifyReport vouched = verify_zone(broken, options);
  INFO(describe(vouched));
  CHECK(vouched.ok());
  CHECK(vouched.signatures_known_good == 1);

  // The same fingerprint does not cover a changed RRset: the signature is checked and fails.
  only_rdata(broken, "ai.example.", RrType::A).back() ^= 1;
  VerifyReport changed = verify_zone(broken, options);
  CHECK(changed.signatures_known_good == 0);
  CHECK(has_problem(changed, "ai.example.", RrType::A, "does not verify"));

  // Nor does a fingerprint made with another key.
  Bytes other_key = *zsk;
  other_key.back() ^= 1;
  VerifiedSignatures wrong_key{signature_fingerprint(broken_sig.rdata, *a, other_key)};
  Zone broken_again = zone;
  flip_signatures(*find_node(broken_again, name("ai.example.")), RrType::A);
  VerifyReport refused = verify_zone(broken_again, VerifyOptions{.now = jan_2026, .threads = 1, .verified = &wrong_key});
  CHECK(has_problem(refused, "ai.example.", RrType::A, "does not verify"));
}

TEST_CASE("a signature of an algorithm not yet in DNSKEY is skipped; one of a known algorithm by an unknown key is not") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  Node* ai = find_node(zone, name("ai.example."));
  const Signature extra = signature_over(*ai, RrType::A);
  REQUIRE_FALSE(extra.rdata.empty());

  // RFC 6781 §4.1.4: the new algorithm's signatures come before its DNSKEY.
  Zone prepublished = zone;
  Signature ed = extra;
  ed.rdata[2] = static_cast<std::uint8_t>(Algorithm::ED25519);
  find_node(prepublished, name("ai.example."))->signatures.push_back(ed);
  VerifyReport early = verify(prepublished);
  INFO(describe(early));
  CHECK(early.ok());

  // The zone's own algorithm with a key tag no DNSKEY has: a stale signature.
  Zone stale = zone;
  Signature unknown = extra;
  unknown.rdata[16] ^= 0x5a;  // key tag, RFC 4034 §3.1
  find_node(stale, name("ai.example."))->signatures.push_back(unknown);
  VerifyReport late = verify(stale);
  CHECK(has_problem(late, "ai.example.", RrType::A, "no zone key in the apex DNSKEY RRset"));
}

TEST_CASE("a deleted NSEC is reported as a name missing from the chain") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  Node* node = find_node(zone, name("ns1.example."));
  erase_if(node->rrsets, [](const Rrset& r) { return r.type == RrType::NSEC; });
  erase_if(node->signatures, [](SignatureRef s) { return s.covered == RrType::NSEC; });
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, "ns1.example.", RrType::NSEC, "missing from the chain"));
  CHECK(report.problems.size() == 1);
}

TEST_CASE("an NSEC chain out of order is reported at the NSEC that points the wrong way") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  // ai.example's NSEC skips b.example and points at ns1.example.
  const Bytes rdata = to_bytes(only_rdata(zone, "ai.example.", RrType::NSEC));
  std::size_t offset = 0;
  REQUIRE(Name::read_wire(rdata, offset));
  Bytes changed = to_bytes(name("ns1.example.").wire());
  changed.insert(changed.end(), rdata.begin() + static_cast<std::ptrdiff_t>(offset), rdata.end());
  set_only_rdata(zone, "ai.example.", RrType::NSEC, changed);
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, "ai.example.", RrType::NSEC, "expected b.example."));
  CHECK(has_problem(report, "ai.example.", RrType::NSEC, "does not verify"));
  CHECK_FALSE(has_problem(report, "b.example.", RrType::NSEC));
}

TEST_CASE("a wrong NSEC type bitmap is reported") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  const Bytes rdata = to_bytes(only_rdata(zone, "xx.example.", RrType::NSEC));
  std::size_t offset = 0;
  REQUIRE(Name::read_wire(rdata, offset));
  Bytes changed(rdata.begin(), rdata.begin() + static_cast<std::ptrdiff_t>(offset));
  const std::vector<RrType> without_aaaa{RrType::A, RrType::HINFO, RrType::RRSIG, RrType::NSEC};
  put_bytes(changed, encode_type_bitmap(without_aaaa));
  set_only_rdata(zone, "xx.example.", RrType::NSEC, changed);
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, "xx.example.", RrType::NSEC, "type bitmap"));
}

TEST_CASE("RRSIGs on glue and on a delegation NS set are reported") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  const Node* ns1 = find_node(zone, name("ns1.example."));
  const Signature a_sig = signature_over(*ns1, RrType::A);
  find_node(zone, name("ns1.a.example."))->signatures.push_back(a_sig);
  Signature ns_sig = a_sig;
  ns_sig.covered = RrType::NS;
  find_node(zone, name("b.example."))->signatures.push_back(ns_sig);
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, "ns1.a.example.", RrType::A, "occluded"));
  CHECK(has_problem(report, "b.example.", RrType::NS, "delegation NS"));
  CHECK(report.problems.size() == 2);
}

TEST_CASE("signatures outside their validity window are reported, each one") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  const std::uint64_t june_2024 = 1717200000;  // before the inception 20250101000000
  VerifyReport report = verify(zone, june_2024);
  CHECK(has_problem(report, "example.", RrType::SOA, "validity window"));
  CHECK(has_problem(report, "xx.example.", RrType::AAAA, "validity window"));
  auto expired = std::count_if(report.problems.begin(), report.problems.end(),
                               [](const VerifyProblem& p) { return p.what.find("validity window") != std::string::npos; });
  CHECK(static_cast<std::size_t>(expired) == report.signatures_checked);
  CHECK(problems_sorted(report));
}

TEST_CASE("a DNSKEY RRset that no SEP key signs is reported") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  erase_if(zone.apex().signatures, [](SignatureRef s) { return s.covered == RrType::DNSKEY; });
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, "example.", RrType::DNSKEY, "SEP"));
  CHECK(has_problem(report, "example.", RrType::DNSKEY, "no valid signature"));
}

TEST_CASE("a deleted NSEC3 is reported at the name it stood for and where the chain breaks") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec3-optout.zone");
  const Name hashed = name(hashed_owner("ai.example."));
  auto& nodes = zone.nodes();
  auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.owner == hashed; });
  REQUIRE(it != nodes.end());
  nodes.erase(it);
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, "ai.example.", RrType::NSEC3, "no NSEC3 record"));
  CHECK(std::count_if(report.problems.begin(), report.problems.end(), [](const VerifyProblem& p) {
          return p.what.find("next hashed owner") != std::string::npos;
        }) == 1);
  CHECK(problems_sorted(report));
}

TEST_CASE("an NSEC3 for a glue name is reported") {
  std::string text = read_text_file(vector_path("rfc4035-appendix-A.ldns-nsec3-optout.zone"));
  text += hashed_owner("ns1.a.example.") + " 3600 IN NSEC3 1 1 12 aabbccdd " +
          to_base32hex(nsec3_hash(name("example."), rfc5155_salt, 12)) + " A\n";
  Zone zone = zone_from_text(text, name("example."), true);
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, hashed_owner("ns1.a.example."), RrType::NSEC3, "occluded name ns1.a.example."));
  CHECK(has_problem(report, hashed_owner("ns1.a.example."), RrType::NSEC3, "no valid signature"));
}

TEST_CASE("an NSEC3 whose opt-out flag disagrees with the chain is reported") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec3-optout.zone");
  only_rdata(zone, hashed_owner("xx.example."), RrType::NSEC3)[1] = 0;
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, hashed_owner("xx.example."), RrType::NSEC3, "opt-out"));
}

TEST_CASE("a wrong NSEC3 type bitmap is reported") {
  Zone zone = signed_vector("rfc4035-appendix-A.bind-nsec3.zone");
  const std::string owner = to_base32hex(nsec3_hash(name("ai.example."), {}, 0)) + ".example.";
  Bytes rdata = to_bytes(only_rdata(zone, owner, RrType::NSEC3));
  // Replace the bitmap (after the 20-octet next hash) with one lacking HINFO.
  std::size_t bitmap_at = 5 + rdata[4] + 1 + 20;
  rdata.resize(bitmap_at);
  const std::vector<RrType> types{RrType::A, RrType::AAAA, RrType::RRSIG};
  put_bytes(rdata, encode_type_bitmap(types));
  set_only_rdata(zone, owner, RrType::NSEC3, rdata);
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, owner, RrType::NSEC3, "type bitmap"));
}

TEST_CASE("a zone with no denial records at all is reported") {
  Zone zone = zone_from_vector("rfc4035-appendix-A.zone", name("example."), true);
  VerifyReport report = verify(zone);
  CHECK(report.denial == VerifyReport::Denial::none);
  CHECK(has_problem(report, "example.", RrType::NSEC, "neither"));
  CHECK(has_problem(report, "example.", RrType::DNSKEY, "no DNSKEY"));
}

TEST_CASE("the chains our builder makes pass the verifier's denial checks") {
  // Unsigned, so the missing DNSKEY RRset is the one expected problem; the
  // denial checks must be silent for both chain types.
  for (bool nsec3 : {false, true}) {
    CAPTURE(nsec3);
    Zone zone = zone_from_vector("rfc5155-appendix-A.zone", name("example."), false);
    if (nsec3) {
      REQUIRE(add_nsec3_chain(zone, Nsec3Params{.iterations = 12, .salt = rfc5155_salt, .opt_out = true}));
    } else {
      add_nsec_chain(zone);
    }
    VerifyReport report = verify(zone);
    INFO(describe(report));
    CHECK(report.problems.size() == 1);
    CHECK(has_problem(report, "example.", RrType::DNSKEY, "no DNSKEY"));
    CHECK(report.denial == (nsec3 ? VerifyReport::Denial::nsec3 : VerifyReport::Denial::nsec));
  }
}

TEST_CASE("the RSASHA1 signatures of RFC 4035 Appendix A verify inside their validity window") {
  // A subset of the appendix zone (see the vector's header): every signature
  // must verify, and what is reported is only what the subset leaves out.
  const std::uint64_t may_2004 = 1083412800;  // 2004-05-01T12:00:00Z
  Zone zone = signed_vector("rfc4035-appendix-A.signatures.zone");
  VerifyReport report = verify(zone, may_2004);
  INFO(describe(report));
  CHECK(report.signatures_checked == 11);
  for (const VerifyProblem& p : report.problems) {
    CAPTURE(p.owner.to_string());
    CAPTURE(p.what);
    // No complaint about any signature itself.
    CHECK_FALSE(p.what.starts_with("RRSIG"));
    CHECK(p.what.find("does not verify") == std::string::npos);
  }
  // What the subset lacks: the DNSKEY RRset's own signature, and the NSEC
  // records of the names whose responses Appendix B does not quote.
  CHECK(has_problem(report, "example.", RrType::DNSKEY, "no valid signature"));
  CHECK(has_problem(report, "a.example.", RrType::NSEC, "missing from the chain"));
  CHECK(has_problem(report, "xx.example.", RrType::NSEC, "missing from the chain"));
  CHECK_FALSE(has_problem(report, "ns1.example.", RrType::NSEC));
  CHECK_FALSE(has_problem(report, "b.example.", RrType::NSEC));
  CHECK(has_problem(report, "example.", RrType::NSEC, "type bitmap"));  // MX: its RRSIG is not quoted

  // After the window every signature is reported; a changed record fails.
  VerifyReport later = verify(zone, may_2004 + 30 * 86400);
  CHECK(has_problem(later, "x.w.example.", RrType::MX, "validity window"));
  only_rdata(zone, "x.w.example.", RrType::MX)[1] = 2;  // preference 1 -> 2
  VerifyReport tampered = verify(zone, may_2004);
  CHECK(has_problem(tampered, "x.w.example.", RrType::MX, "does not verify"));
}

TEST_CASE("an RRset TTL changed after signing is reported against the RRSIG's original TTL") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  find_node(zone, name("ns2.example."))->find(RrType::A)->ttl = 7200;
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, "ns2.example.", RrType::A, "original TTL 3600 differs"));
  CHECK(has_problem(report, "ns2.example.", RrType::A, "RRSIG TTL 3600 differs"));
  CHECK(has_problem(report, "ns2.example.", RrType::A, "no valid signature"));
}

TEST_CASE("an RRSIG whose RRset is gone is reported") {
  Zone zone = signed_vector("rfc4035-appendix-A.ldns-nsec.zone");
  Node* xx = find_node(zone, name("xx.example."));
  erase_if(xx->rrsets, [](const Rrset& r) { return r.type == RrType::HINFO; });
  VerifyReport report = verify(zone);
  INFO(describe(report));
  CHECK(has_problem(report, "xx.example.", RrType::HINFO, "no RRset"));
  CHECK(has_problem(report, "xx.example.", RrType::NSEC, "type bitmap"));
}

// ---------------------------------------------------------------- errors and warnings
//
// Zones signed here, key by key, so each test chooses who signs what; they
// go back through Zone::build as a signed zone read from a file would.
namespace {

constexpr std::uint32_t test_inception = 1767225600;              // 2026-01-01
constexpr std::uint32_t test_expiration = test_inception + 86400 * 30;
constexpr std::uint64_t test_now = test_inception + 86400;

struct TestKey {
  std::unique_ptr<PrivateKey> key;
  Bytes dnskey;
};

TestKey make_key(Algorithm alg) {
  auto key = PrivateKey::generate(alg);
  REQUIRE(key);
  Dnskey d;
  d.flags = dnskey_flag_zone | dnskey_flag_sep;  // CSKs: each may sign the DNSKEY RRset
  d.algorithm = alg;
  d.public_key = key->dnskey_public_key();
  return TestKey{std::make_unique<PrivateKey>(std::move(*key)), d.to_rdata()};
}

// The zone's records again, RRSIGs included, built as a signed zone.
Zone reread(const Zone& zone) {
  std::vector<Record> records;
  auto add = [&records](const Name& owner, RrType type, std::uint32_t ttl, BytesView rdata) {
    Record r;
    r.owner = owner;
    r.type = type;
    r.ttl = ttl;
    r.rdata = to_bytes(rdata);
    records.push_back(std::move(r));
  };
  for (const Node& node : zone.nodes()) {
    for (const Rrset& set : node.rrsets)
      for (BytesView rdata : set.rdatas) add(node.owner, set.type, set.ttl, rdata);
    for (SignatureRef sig : node.signatures) add(node.owner, RrType::RRSIG, sig.ttl, sig.rdata);
  }
  auto rebuilt = Zone::build(std::move(records), zone.origin(), SourceFiles{"test"}, Zone::BuildOptions{true});
  REQUIRE_MESSAGE(rebuilt.has_value(), (rebuilt ? std::string() : rebuilt.error().to_string()));
  return std::move(*rebuilt);
}

using SignsPredicate = std::function<bool(const Node&, RrType, std::size_t key_index)>;

// `text` signed with `keys` (all published): denial by NSEC, or NSEC3 when
// `nsec3` is given; `signs` decides which key signs which RRset; `tweak`
// runs before signing.
Zone sign_test_zone(std::string_view text, const std::vector<const TestKey*>& keys, const SignsPredicate& signs,
                    std::optional<Nsec3Params> nsec3 = std::nullopt,
                    const std::function<void(Zone&)>& tweak = nullptr) {
  Zone zone = zone_from_text(text, name("example."), false);
  Rrset dnskeys;
  dnskeys.owner = zone.origin();
  dnskeys.type = RrType::DNSKEY;
  dnskeys.rclass = class_IN;
  dnskeys.ttl = 3600;
  for (const TestKey* k : keys) dnskeys.rdatas.push_back(k->dnskey);
  zone.put_rrset(std::move(dnskeys));
  if (nsec3)
    REQUIRE(add_nsec3_chain(zone, *nsec3));
  else
    add_nsec_chain(zone);
  if (tweak) tweak(zone);
  RrsetSigner signer;
  for (Node& node : zone.nodes()) {
    if (node.kind == NodeKind::occluded) continue;
    for (const Rrset& set : node.rrsets) {
      if (node.kind == NodeKind::delegation && set.type != RrType::DS && set.type != RrType::NSEC) continue;
      for (std::size_t k = 0; k < keys.size(); ++k) {
        if (!signs(node, set.type, k)) continue;
        SigningKey sk{keys[k]->key.get(), keys[k]->dnskey, key_tag(keys[k]->dnskey), keys[k]->key->algorithm()};
        auto rrsig = signer.sign(set, zone.origin(), sk, test_inception, test_expiration);
        REQUIRE(rrsig);
        node.signatures.push_back(Signature{set.type, set.ttl, rrsig->to_rdata()});
      }
    }
  }
  return reread(zone);
}

const char* const small_zone =
    "example. 3600 SOA ns.example. h.example. 1 3600 900 604800 300\n"
    "example. 3600 NS ns.example.\n"
    "ns.example. 3600 A 192.0.2.1\n"
    "www.example. 3600 A 192.0.2.2\n";

bool all_warnings(const VerifyReport& report) {
  return std::all_of(report.problems.begin(), report.problems.end(),
                     [](const VerifyProblem& p) { return p.severity == Severity::warning; });
}

}  // namespace

TEST_CASE("a zone signed here by one key verifies without problems") {
  TestKey k = make_key(Algorithm::ED25519);
  Zone zone = sign_test_zone(small_zone, {&k}, [](const Node&, RrType, std::size_t) { return true; });
  VerifyReport report = verify(zone, test_now);
  INFO(describe(report));
  CHECK(report.ok());
  CHECK(report.valid(true));
}

TEST_CASE("a denial TTL other than RFC 9077's and an RRSIG TTL other than its RRset's are warnings") {
  TestKey k = make_key(Algorithm::ED25519);
  Zone zone = sign_test_zone(
      small_zone, {&k}, [](const Node&, RrType, std::size_t) { return true; }, std::nullopt, [](Zone& z) {
        for (Node& n : z.nodes())
          if (Rrset* nsec = n.find(RrType::NSEC)) nsec->ttl = 3600;  // RFC 9077: min(SOA TTL, MINIMUM) = 300
      });
  {
    SignatureList& list = find_node(zone, name("www.example."))->signatures;
    std::vector<Signature> changed = list.to_vector();
    REQUIRE(!changed.empty());
    changed.front().ttl = 60;
    list = SignatureList(std::vector<SignatureRef>(changed.begin(), changed.end()));
  }
  VerifyReport report = verify(zone, test_now);
  INFO(describe(report));
  CHECK(has_problem(report, "www.example.", RrType::NSEC, "RFC 9077"));
  CHECK(has_problem(report, "www.example.", RrType::A, "RRSIG TTL 60 differs"));
  CHECK(all_warnings(report));
  CHECK(report.error_count() == 0);
  CHECK(report.warning_count() >= 4);  // one NSEC per name, and the RRSIG
  // `zonesign verify` passes it; --strict and the signer's own gate do not.
  CHECK(report.valid(false));
  CHECK_FALSE(report.valid(true));
  CHECK_FALSE(report.ok());
}

TEST_CASE("a DNSKEY algorithm that signs nothing is a warning; one that misses some RRsets is an error") {
  TestKey ecdsa = make_key(Algorithm::ECDSAP256SHA256);
  TestKey ed = make_key(Algorithm::ED25519);
  Zone unused = sign_test_zone(small_zone, {&ecdsa, &ed}, [](const Node&, RrType, std::size_t k) { return k == 0; });
  VerifyReport quiet = verify(unused, test_now);
  INFO(describe(quiet));
  CHECK(has_problem(quiet, "example.", RrType::DNSKEY, "ED25519"));
  CHECK(quiet.problems.size() == 1);
  CHECK(quiet.error_count() == 0);

  Zone partial = sign_test_zone(small_zone, {&ecdsa, &ed}, [](const Node&, RrType type, std::size_t k) {
    return k == 0 || type == RrType::DNSKEY;
  });
  VerifyReport loud = verify(partial, test_now);
  INFO(describe(loud));
  CHECK(has_problem(loud, "www.example.", RrType::A, "algorithm ED25519"));
  CHECK(loud.error_count() > 0);
}

TEST_CASE("DNSKEYs that share a key tag and algorithm are a warning") {
  // Ed25519 keys until two tags meet: about 320 by the birthday bound.
  std::vector<TestKey> made;
  std::optional<std::pair<std::size_t, std::size_t>> pair;
  for (std::size_t i = 0; i < 5000 && !pair; ++i) {
    made.push_back(make_key(Algorithm::ED25519));
    for (std::size_t j = 0; j + 1 < made.size(); ++j)
      if (key_tag(made[j].dnskey) == key_tag(made.back().dnskey)) pair = std::make_pair(j, made.size() - 1);
  }
  REQUIRE(pair);
  Zone zone = sign_test_zone(small_zone, {&made[pair->first], &made[pair->second]},
                             [](const Node&, RrType, std::size_t k) { return k == 0; });
  VerifyReport report = verify(zone, test_now);
  INFO(describe(report));
  CHECK(has_problem(report, "example.", RrType::DNSKEY, "share key tag " + std::to_string(key_tag(made[pair->first].dnskey))));
  CHECK(report.error_count() == 0);
  CHECK_FALSE(report.ok());
}

TEST_CASE("a DNAME at the apex with data below it verifies with NSEC3 and with NSEC") {
  const char* text =
      "example. 3600 SOA ns.example.net. h.example. 1 3600 900 604800 300\n"
      "example. 3600 NS ns.example.net.\n"
      "example. 3600 DNAME example.org.\n"
      "www.example. 3600 A 192.0.2.2\n";
  TestKey k = make_key(Algorithm::ED25519);
  for (bool nsec3 : {true, false}) {
    CAPTURE(nsec3);
    std::optional<Nsec3Params> params;
    if (nsec3) params = Nsec3Params{};
    Zone zone = sign_test_zone(text, {&k}, [](const Node&, RrType, std::size_t) { return true; }, params);
    CHECK(find_node(zone, name("www.example."))->kind == NodeKind::occluded);
    VerifyReport report = verify(zone, test_now);
    INFO(describe(report));
    CHECK(report.ok());
  }
}

TEST_CASE("NSEC3 iterations above sign's ceiling are an error, and the chain is not hashed") {
  for (std::uint16_t iterations : {max_nsec3_iterations, static_cast<std::uint16_t>(max_nsec3_iterations + 1)}) {
    CAPTURE(iterations);
    Zone zone = zone_from_vector("rfc5155-appendix-A.zone", name("example."), false);
    REQUIRE(add_nsec3_chain(zone, Nsec3Params{.iterations = iterations, .salt = rfc5155_salt}));
    VerifyReport report = verify(zone);
    INFO(describe(report));
    const bool refused = has_problem(report, "example.", RrType::NSEC3PARAM, "ceiling");
    CHECK(refused == (iterations > max_nsec3_iterations));
    // Unsigned: the missing DNSKEY RRset is the one other problem either way.
    CHECK(report.problems.size() == (refused ? 2u : 1u));
  }
}
