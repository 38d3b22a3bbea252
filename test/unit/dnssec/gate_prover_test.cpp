// verify_zone's SignatureProver hook (dnssec/verify.hpp): it is asked about
// every signature not vouched for by fingerprint, from each worker through its
// own session; what it proves is not verified, what it leaves open is, and
// every non-cryptographic check applies either way. Vector: the ldns-signed
// zone of RFC 4035 Appendix A (test/vectors, signed 20250101..20371231).
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <optional>

#include "dnssec/rrsig.hpp"
#include "dnssec/verify.hpp"
#include "zone_text.hpp"

using namespace zs;
using namespace zs::test;

namespace {

constexpr std::uint64_t jan_2026 = 1767225600;

// Answers every question the same way and counts questions and sessions.
class FixedProver final : public SignatureProver {
 public:
  explicit FixedProver(std::optional<bool> answer) : answer_(answer) {}
  std::unique_ptr<Session> session() const override {
    ++sessions;
    return std::make_unique<FixedSession>(*this);
  }
  mutable std::atomic<int> sessions{0};
  mutable std::atomic<int> questions{0};

 private:
  class FixedSession final : public Session {
   public:
    explicit FixedSession(const FixedProver& owner) : owner_(owner) {}
    std::optional<bool> prove(BytesView signed_data, const Rrsig& rrsig, BytesView dnskey_rdata) override {
      CHECK(!signed_data.empty());
      CHECK(!rrsig.signature.empty());
      CHECK(!dnskey_rdata.empty());
      ++owner_.questions;
      return owner_.answer_;
    }

   private:
    const FixedProver& owner_;
  };
  std::optional<bool> answer_;
};

Zone signed_zone() { return zone_from_vector("rfc4035-appendix-A.ldns-nsec.zone", name("example."), true); }

void corrupt_one_signature(Zone& zone) {
  Node* node = find_node(zone, name("ai.example."));
  REQUIRE(node != nullptr);
  REQUIRE(!node->signatures.empty());
  node->signatures.mutable_rdata(0).back() ^= 0x01;
}

}  // namespace

TEST_CASE("a prover that cannot tell leaves every signature to verification") {
  Zone zone = signed_zone();
  corrupt_one_signature(zone);
  FixedProver prover(std::nullopt);
  VerifyReport report = verify_zone(zone, VerifyOptions{.now = jan_2026, .threads = 2, .prover = &prover});
  CHECK(prover.questions.load() == static_cast<int>(report.signatures_checked));
  CHECK(prover.sessions.load() >= 1);
  CHECK(report.signatures_proven == 0);
  CHECK(report.error_count() >= 1);  // the corrupted signature is caught by verification
}

TEST_CASE("what the prover proves is not verified again, and what it refutes fails") {
  Zone zone = signed_zone();
  corrupt_one_signature(zone);
  // Accepting everything shows that the hook decides: the corrupted
  // signature passes, which is why only the signer's own prover, which makes
  // the signature again, may be given here.
  FixedProver yes(true);
  VerifyReport accepted = verify_zone(zone, VerifyOptions{.now = jan_2026, .threads = 1, .prover = &yes});
  CHECK(accepted.ok());
  CHECK(accepted.signatures_proven == accepted.signatures_checked);

  FixedProver no(false);
  VerifyReport refused = verify_zone(signed_zone(), VerifyOptions{.now = jan_2026, .threads = 1, .prover = &no});
  CHECK(refused.signatures_proven == 0);
  CHECK(refused.error_count() >= refused.signatures_checked);
}

TEST_CASE("a proven signature still meets the time checks") {
  Zone zone = signed_zone();
  FixedProver yes(true);
  // 2040: after every expiration of the vector.
  VerifyReport report = verify_zone(zone, VerifyOptions{.now = 2208988800, .threads = 1, .prover = &yes});
  CHECK_FALSE(report.ok());
  bool expired = false;
  for (const VerifyProblem& p : report.problems) expired |= p.what.find("outside its validity window") != std::string::npos;
  CHECK(expired);
}
