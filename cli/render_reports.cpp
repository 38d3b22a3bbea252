#include "render_reports.hpp"

#include <filesystem>

#include "core/encoding.hpp"
#include "dnssec/dnskey.hpp"
#include "signer/ds_report.hpp"

namespace zs::cli {

namespace {

using Json = nlohmann::ordered_json;

Json or_null(const std::optional<std::string>& text) { return text ? Json(*text) : Json(nullptr); }

// file, line and column of a position, each null when unknown (0 or empty).
void put_location(Json& item, const std::optional<Location>& where) {
  item["file"] = where && !where->file.empty() ? Json(where->file) : Json(nullptr);
  item["line"] = where && where->line > 0 ? Json(where->line) : Json(nullptr);
  item["column"] = where && where->column > 0 ? Json(where->column) : Json(nullptr);
}

std::string document(const Json& doc) { return doc.dump(2) + "\n"; }

const char* denial_name(VerifyReport::Denial d) {
  switch (d) {
    case VerifyReport::Denial::nsec: return "NSEC";
    case VerifyReport::Denial::nsec3: return "NSEC3";
    case VerifyReport::Denial::none: return nullptr;
  }
  return nullptr;
}

const char* zonemd_name(ZonemdCheck::Outcome o) {
  switch (o) {
    case ZonemdCheck::Outcome::absent: return "absent";
    case ZonemdCheck::Outcome::verified: return "verified";
    case ZonemdCheck::Outcome::unverifiable: return "unverifiable";
    case ZonemdCheck::Outcome::failed: return "failed";
  }
  return "absent";
}

bool is_path_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '[' || c == ']';
}

}  // namespace

Json error_json(const Error& error) {
  Json item;
  item["code"] = std::string(errc_name(error.code));
  item["message"] = error.message;
  put_location(item, error.where);
  item["context"] = error.context;
  return item;
}

std::optional<std::string> yaml_path_of(const Error& error) {
  if (error.code != Errc::policy) return std::nullopt;
  const auto colon = error.message.find(": ");
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  const std::string head = error.message.substr(0, colon);
  for (char c : head)
    if (!is_path_character(c)) return std::nullopt;
  return head;
}

std::string verify_json(const VerifyRun& run) {
  Json doc;
  doc["file"] = run.file;
  doc["zone"] = run.origin.to_string();
  doc["now"] = format_time(run.now);
  doc["strict"] = run.strict;
  const VerifyReport* report = run.verified ? &run.verified->report : nullptr;
  const bool valid = report && report->valid(run.strict);
  doc["ok"] = valid;
  doc["result"] = !report ? "unreadable" : valid ? "valid" : "invalid";
  // What verify_zone checks (dnssec/verify.hpp); the ZONEMD only when the
  // zone has one.
  Json checks = Json::array();
  if (report) {
    checks = {"signatures", "coverage", "keys", "delegations", "denial"};
    if (report->zonemd != ZonemdCheck::Outcome::absent) checks.push_back("zonemd");
  }
  doc["checks"] = std::move(checks);
  doc["denial"] = report && denial_name(report->denial) ? Json(denial_name(report->denial)) : Json(nullptr);
  doc["records"] = run.verified ? Json(run.verified->records) : Json(nullptr);
  doc["rrsets_checked"] = report ? Json(report->rrsets_checked) : Json(nullptr);
  doc["signatures_checked"] = report ? Json(report->signatures_checked) : Json(nullptr);
  doc["zonemd"] = report ? Json(zonemd_name(report->zonemd)) : Json(nullptr);
  doc["error_count"] = report ? report->error_count() : std::size_t{1};
  doc["warning_count"] = report ? report->warning_count() : std::size_t{0};
  Json errors = Json::array(), warnings = Json::array();
  if (run.read_error) {
    Json item = error_json(*run.read_error);
    item["owner"] = nullptr;
    item["type"] = nullptr;
    errors.push_back(std::move(item));
  }
  if (report) {
    for (std::size_t i = 0; i < report->problems.size(); ++i) {
      const VerifyProblem& p = report->problems[i];
      Json item;
      item["code"] = "verify";
      item["message"] = p.what;
      put_location(item, i < run.where.size() ? run.where[i] : std::nullopt);
      item["context"] = Json::array();
      item["owner"] = p.owner.to_string();
      item["type"] = type_to_string(p.type);
      (p.severity == Severity::error ? errors : warnings).push_back(std::move(item));
    }
  }
  doc["errors"] = std::move(errors);
  doc["warnings"] = std::move(warnings);
  doc["exit_code"] = run.exit_code;
  return document(doc);
}

std::string check_json(const CheckRun& run) {
  Json doc;
  doc["ok"] = run.errors.empty();
  if (run.config)
    doc["config"] = {{"file", *run.config}, {"zones", run.config_zones}, {"policies", run.config_policies}};
  else
    doc["config"] = nullptr;
  doc["policies"] = run.policies;
  if (run.zone) {
    const auto& z = *run.zone;
    doc["zone"] = {{"file", z.file},
                   {"origin", z.origin},
                   {"records", z.records ? Json(*z.records) : Json(nullptr)},
                   {"zone_max_ttl", z.zone_max_ttl ? Json(*z.zone_max_ttl) : Json(nullptr)}};
  } else {
    doc["zone"] = nullptr;
  }
  doc["errors"] = Json::array();
  for (const auto& e : run.errors) {
    Json item;
    item["source"] = e.source;
    const Json fields = error_json(e.error);
    for (const auto& field : fields.items()) item[field.key()] = field.value();
    item["path"] = or_null(yaml_path_of(e.error));
    doc["errors"].push_back(std::move(item));
  }
  doc["warnings"] = Json::array();
  for (const auto& w : run.warnings) {
    Json item;
    item["source"] = w.source;
    item["message"] = w.message;
    put_location(item, w.where);
    item["path"] = or_null(w.path);
    item["owner"] = or_null(w.owner);
    item["type"] = or_null(w.type);
    doc["warnings"].push_back(std::move(item));
  }
  doc["exit_code"] = run.exit_code;
  return document(doc);
}

std::string keygen_json(const Name& origin, const std::string& key_dir, UnixTime now, const KeyInfo& key) {
  const Dnskey dnskey = key.dnskey();
  Json item;
  item["tag"] = key.tag;
  item["role"] = std::string(role_name(key.role));
  item["algorithm"] = algorithm_name(key.algorithm);
  item["algorithm_number"] = static_cast<unsigned>(key.algorithm);
  item["bits"] = key.bits;
  item["flags"] = key.flags;
  item["file"] = key.file;
  // A key kept in a PKCS#11 token: its RFC 7512 URI (no PIN: that stays in
  // its pin-source file or the environment).
  item["pkcs11_uri"] = key.in_token() ? Json(key.pkcs11_uri) : Json(nullptr);
  item["dnskey"] = origin.to_string() + " IN DNSKEY " + std::to_string(dnskey.flags) + " " +
                   std::to_string(dnskey.protocol) + " " + std::to_string(static_cast<unsigned>(dnskey.algorithm)) +
                   " " + to_base64(dnskey.public_key);
  Json ds = Json::array();
  if (key.signs_keys()) ds.push_back(ds_record_line(origin, make_ds(origin, dnskey.to_rdata(), DigestType::SHA256)));
  item["ds"] = std::move(ds);
  Json doc;
  doc["zone"] = origin.to_string();
  doc["now"] = format_time(now);
  doc["key_folder"] = (std::filesystem::path(key_dir) / KeyStore::folder_name(origin)).lexically_normal().string();
  doc["keys"] = Json::array({std::move(item)});
  doc["exit_code"] = 0;
  return document(doc);
}

}  // namespace zs::cli
