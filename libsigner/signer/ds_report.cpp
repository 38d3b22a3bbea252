#include "signer/ds_report.hpp"

#include <nlohmann/json.hpp>

#include "core/encoding.hpp"
#include "dnssec/dnskey.hpp"
#include "keys/key_store.hpp"

namespace zs {

namespace {

std::string ds_line(const Name& origin, const DsEntry& e) {
  return origin.to_string() + " IN DS " + std::to_string(e.key_tag) + " " +
         std::to_string(static_cast<unsigned>(e.algorithm)) + " " +
         std::to_string(static_cast<unsigned>(e.digest_type)) + " " + e.digest_hex;
}

}  // namespace

Result<std::vector<DsEntry>> make_ds_report(const DsRequest& request) {
  auto store = KeyStore::open(request.key_dir, request.origin, false);
  if (!store) return std::unexpected(store.error());
  std::vector<DsEntry> entries;
  for (const auto& info : store->keys()) {
    if (!info.signs_keys() || info.timestamps.contains("removed")) continue;
    Dnskey dnskey = info.dnskey();
    Bytes rdata = dnskey.to_rdata();
    for (DigestType digest : request.digests) {
      Ds ds = make_ds(request.origin, rdata, digest);
      entries.push_back(DsEntry{ds.key_tag, ds.algorithm, ds.digest_type, to_hex(ds.digest), dnskey.flags,
                                dnskey.protocol, to_base64(dnskey.public_key),
                                std::string(role_name(info.role))});
    }
  }
  if (entries.empty())
    return fail(Errc::key_store, "zone " + request.origin.to_string() + " has no key-signing key in '" +
                                     request.key_dir + "'");
  return entries;
}

std::string ds_report_text(const Name& origin, const std::vector<DsEntry>& entries) {
  std::string out;
  for (const auto& e : entries) out += ds_line(origin, e) + "\n";
  return out;
}

std::string ds_report_json(const Name& origin, const std::vector<DsEntry>& entries) {
  nlohmann::ordered_json doc;
  doc["zone"] = origin.to_string();
  doc["ds"] = nlohmann::ordered_json::array();
  for (const auto& e : entries) {
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
    item["ds_record"] = ds_line(origin, e);
    doc["ds"].push_back(std::move(item));
  }
  return doc.dump(2) + "\n";
}

}  // namespace zs
