#include "signer/ds_report.hpp"

#include <algorithm>

#include "core/encoding.hpp"
#include "keys/key_state.hpp"
#include "keys/key_store.hpp"
#include "keys/rollover.hpp"

namespace zs {

namespace {

std::string ds_line(const Name& origin, std::uint16_t tag, Algorithm alg, DigestType type, const std::string& hex) {
  return origin.to_string() + " IN DS " + std::to_string(tag) + " " + std::to_string(static_cast<unsigned>(alg)) +
         " " + std::to_string(static_cast<unsigned>(type)) + " " + hex;
}

void add_entries(std::vector<DsEntry>& out, const Name& origin, const KeyInfo& info,
                 const std::vector<DigestType>& digests, const char* status, UnixTime since = 0) {
  Dnskey dnskey = info.dnskey();
  Bytes rdata = dnskey.to_rdata();
  for (DigestType digest : digests) {
    Ds ds = make_ds(origin, rdata, digest);
    out.push_back(DsEntry{ds.key_tag, ds.algorithm, ds.digest_type, to_hex(ds.digest), dnskey.flags, dnskey.protocol,
                          to_base64(dnskey.public_key), std::string(role_name(info.role)), status, since});
  }
}

}  // namespace

Ds DsEntry::ds() const {
  // digest_hex is ours (to_hex above), so it always decodes.
  return Ds{key_tag, algorithm, digest_type, from_hex(digest_hex).value_or(Bytes{})};
}

bool DsReport::operator_must_act() const noexcept {
  return !withdraw.empty() ||
         std::ranges::any_of(entries, [](const DsEntry& e) { return e.status == ds_status_submit; });
}

Result<DsReport> make_ds_status(const DsRequest& request) {
  auto store = KeyStore::open_read_only(request.key_dir, request.origin);
  if (!store) return std::unexpected(store.error());
  DsReport report;
  report.at_moment = request.now.has_value();
  bool any_ksk = false;
  const auto& keys = store->keys();
  std::vector<std::uint16_t> cds;
  if (request.now) cds = published_set(keys, *request.now).cds;
  for (const auto& info : keys) {
    if (request.now)
      if (KeyState ks = key_state(info, *request.now); ks.exists && !ks.legacy) report.rolled = true;
    if (!info.signs_keys() || info.timestamps.contains("removed")) continue;
    any_ksk = true;
    if (!request.now) {
      add_entries(report.entries, request.origin, info, request.digests, "");
      continue;
    }
    KeyState s = key_state(info, *request.now);
    const RecordStatus& ds = s[RecordKind::ds];
    if (std::ranges::find(cds, info.tag) != cds.end()) {
      // The rollover's own test for "waiting for --ds-seen" (keys/rollover.cpp).
      const bool seen = s.ds_seen && *s.ds_seen >= ds.since;
      const char* status = ds.state == RecordState::omnipresent ? ds_status_published
                           : seen                               ? ds_status_propagating
                                                                : ds_status_submit;
      add_entries(report.entries, request.origin, info, request.digests, status, ds.since);
    } else if (ds.state == RecordState::unretentive && !(s.ds_withdrawn && *s.ds_withdrawn >= ds.since)) {
      add_entries(report.withdraw, request.origin, info, request.digests, ds_status_withdraw, ds.since);
    }
  }
  if (!any_ksk)
    return fail(Errc::key_store, "zone " + request.origin.to_string() + " has no key-signing key in '" +
                                     request.key_dir + "'");
  if (request.now && request.policy) {
    auto next = plan(keys, *request.policy, *request.now);
    if (!next) return std::unexpected(next.error());
    for (const OperatorTask& task : next->operator_tasks) {
      if (task.kind != OperatorTaskKind::submit_ds || task.key.new_key) continue;
      if (std::ranges::none_of(report.entries, [&](const DsEntry& e) { return e.key_tag == task.key.tag; }))
        report.next_run_adds.push_back(task.key.tag);
    }
  }
  return report;
}

Result<std::vector<DsEntry>> make_ds_report(const DsRequest& request) {
  auto report = make_ds_status(request);
  if (!report) return std::unexpected(report.error());
  return std::move(report->entries);
}

std::string ds_record_line(const Name& origin, const DsEntry& e) {
  return ds_line(origin, e.key_tag, e.algorithm, e.digest_type, e.digest_hex);
}

std::string ds_record_line(const Name& origin, const Ds& ds) {
  return ds_line(origin, ds.key_tag, ds.algorithm, ds.digest_type, to_hex(ds.digest));
}

std::string ds_report_text(const Name& origin, const std::vector<DsEntry>& entries) {
  std::string out;
  for (const auto& e : entries) out += ds_record_line(origin, e) + "\n";
  return out;
}

}  // namespace zs
