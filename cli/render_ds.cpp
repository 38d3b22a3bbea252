#include "render_ds.hpp"

#include <nlohmann/json.hpp>

namespace zs::cli {

namespace {

nlohmann::ordered_json entry_json(const Name& origin, const DsEntry& e) {
  nlohmann::ordered_json item;
  item["key_tag"] = e.key_tag;
  item["algorithm"] = static_cast<unsigned>(e.algorithm);
  item["algorithm_name"] = algorithm_name(e.algorithm);
  item["digest_type"] = static_cast<unsigned>(e.digest_type);
  item["digest_type_name"] = digest_name(e.digest_type);
  item["digest"] = e.digest_hex;
  item["role"] = e.role;
  item["dnskey"] = {{"flags", e.flags},
                    {"protocol", e.protocol},
                    {"algorithm", static_cast<unsigned>(e.algorithm)},
                    {"public_key", e.public_key_base64}};
  item["ds_record"] = ds_record_line(origin, e);
  if (!e.status.empty()) {
    item["status"] = e.status;
    item["since"] = format_time(e.since);
  }
  return item;
}

}  // namespace

std::string ds_report_json(const Name& origin, const std::vector<DsEntry>& entries) {
  DsReport report;
  report.entries = entries;
  return ds_report_json(origin, report);
}

std::string ds_report_json(const Name& origin, const DsReport& report) {
  nlohmann::ordered_json doc;
  doc["zone"] = origin.to_string();
  doc["ds"] = nlohmann::ordered_json::array();
  for (const auto& e : report.entries) doc["ds"].push_back(entry_json(origin, e));
  if (report.at_moment) {
    doc["withdraw"] = nlohmann::ordered_json::array();
    for (const auto& e : report.withdraw) doc["withdraw"].push_back(entry_json(origin, e));
  }
  return doc.dump(2) + "\n";
}

}  // namespace zs::cli
