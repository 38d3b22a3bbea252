// The JSON document of `ds --json` (cli/render_ds.hpp), from reports built by
// hand: the registrar's fields of each DS, statuses only for a moment.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "render_ds.hpp"

using namespace zs;
using namespace zs::cli;

namespace {

const Name origin = Name::parse("child.test.").value();

DsEntry entry(std::uint16_t tag, DigestType digest, const char* status) {
  DsEntry e;
  e.key_tag = tag;
  e.algorithm = Algorithm::ECDSAP256SHA256;
  e.digest_type = digest;
  e.digest_hex = digest == DigestType::SHA256 ? std::string(64, 'A') : std::string(96, 'B');
  e.flags = 257;
  e.public_key_base64 = "AAEC";
  e.role = "ksk";
  e.status = status;
  e.since = 1767225600;  // 2026-01-01T00:00:00Z
  return e;
}

}  // namespace

TEST_CASE("at a moment each DS has its status and the DS to withdraw are listed apart") {
  DsReport report;
  report.at_moment = true;
  report.entries = {entry(4711, DigestType::SHA256, ds_status_submit),
                    entry(4711, DigestType::SHA384, ds_status_submit)};
  report.withdraw = {entry(100, DigestType::SHA256, ds_status_withdraw)};
  const auto doc = nlohmann::json::parse(ds_report_json(origin, report));
  CHECK(doc["zone"] == "child.test.");
  REQUIRE(doc["ds"].size() == 2);
  CHECK(doc["ds"][0]["key_tag"] == 4711);
  CHECK(doc["ds"][0]["algorithm"] == 13);
  CHECK(doc["ds"][0]["algorithm_name"] == "ECDSAP256SHA256");
  CHECK(doc["ds"][1]["digest_type"] == 4);
  CHECK(doc["ds"][1]["digest_type_name"] == "SHA-384");
  CHECK(doc["ds"][0]["status"] == "submit");
  CHECK(doc["ds"][0]["since"] == "2026-01-01T00:00:00Z");
  CHECK(doc["ds"][0]["dnskey"]["flags"] == 257);
  CHECK(doc["ds"][0]["dnskey"]["protocol"] == 3);
  CHECK(doc["ds"][0]["dnskey"]["public_key"] == "AAEC");
  CHECK(doc["ds"][0]["ds_record"] == "child.test. IN DS 4711 13 2 " + std::string(64, 'A'));
  REQUIRE(doc["withdraw"].size() == 1);
  CHECK(doc["withdraw"][0]["key_tag"] == 100);
  CHECK(doc["withdraw"][0]["status"] == "withdraw");
}

TEST_CASE("without a moment there is no status and no withdraw list") {
  const auto doc = nlohmann::json::parse(ds_report_json(origin, {entry(4711, DigestType::SHA256, "")}));
  REQUIRE(doc["ds"].size() == 1);
  CHECK_FALSE(doc["ds"][0].contains("status"));
  CHECK_FALSE(doc["ds"][0].contains("since"));
  CHECK_FALSE(doc.contains("withdraw"));
}

TEST_CASE("the document is the same bytes for the same report, ending with a line break") {
  DsReport report;
  report.entries = {entry(4711, DigestType::SHA256, "")};
  const std::string a = ds_report_json(origin, report);
  CHECK(a == ds_report_json(origin, report));
  CHECK(a.ends_with("}\n"));
}
