#include <doctest/doctest.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "signer/sign_zone.hpp"
#include "signer/verify_file.hpp"

using namespace zs;

namespace {

// Line 6 holds data below the DNAME of line 5: kept, never served.
constexpr const char* dname_zone = R"($ORIGIN example.org.
$TTL 3600
@ IN SOA ns1 hostmaster 2026010101 7200 3600 1209600 300
  IN NS ns1
old IN DNAME new.example.org.
www.old IN A 192.0.2.80
ns1 IN A 192.0.2.53
)";

struct Signed {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "zs_verify_file_test";
  Signed() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    REQUIRE(write_file_atomic((dir / "in.zone").string(), dname_zone));
    SignRequest r;
    r.zone_file = (dir / "in.zone").string();
    r.origin = Name::parse("example.org.").value();
    r.key_dir = (dir / "keys").string();
    r.output = (dir / "out.zone").string();
    r.now = 1767225600;
    for (auto& k : r.keys) k.algorithm = Algorithm::ED25519;
    r.threads = 1;
    auto summary = sign_zone(r);
    REQUIRE_MESSAGE(summary, summary.error().to_string());
  }
  ~Signed() { std::filesystem::remove_all(dir); }
};

}  // namespace

TEST_CASE_FIXTURE(Signed, "verify warns about data occluded by a DNAME, at its line, as sign does") {
  auto report = verify_zone_file((dir / "out.zone").string(), Name::parse("example.org.").value(), 1767225600, 1);
  REQUIRE(report);
  CHECK(report->error_count() == 0);
  CHECK(report->valid(false));
  CHECK_FALSE(report->valid(true));  // --strict fails on it
  REQUIRE(report->warning_count() == 1);
  const VerifyProblem& p = report->problems.front();
  CHECK(p.severity == Severity::warning);
  CHECK(p.owner == Name::parse("www.old.example.org.").value());
  CHECK(p.what.find("below the DNAME at old.example.org.") != std::string::npos);
  CHECK(p.what.find("occluded") != std::string::npos);
  // The position in the signed file that verify read (the output's own line).
  CHECK(p.what.find("out.zone:") != std::string::npos);
}
