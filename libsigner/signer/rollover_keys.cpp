#include "signer/rollover_keys.hpp"

#include "keys/key_store.hpp"
#include "keys/rollover.hpp"

namespace zs {

Result<RolloverReport> roll_keys(const RolloverRequest& request) {
  auto store = KeyStore::open(request.key_dir, request.origin, false);
  if (!store) return std::unexpected(store.error());
  // Events first, on a copy, so an invalid tag changes nothing.
  std::vector<KeyInfo> keys = store->keys();
  for (auto tag : request.ds_seen)
    if (auto r = record_ds_seen(keys, tag, request.now); !r) return std::unexpected(r.error());
  for (auto tag : request.ds_withdrawn)
    if (auto r = record_ds_withdrawn(keys, tag, request.now); !r) return std::unexpected(r.error());
  // Then what the parent's servers show, before planning, so a DS they all
  // serve lets the rollover go on in this very run.
  auto confirmed = confirm_from_parent(keys, request.policy, request.origin, request.now, request.parent);
  if (!confirmed) return std::unexpected(confirmed.error());

  auto p = plan(keys, request.policy, request.now, PlanOptions{request.force});
  if (!p) return std::unexpected(p.error());
  RolloverReport report;
  for (const auto& a : p->actions) report.actions.push_back(a.text);
  for (const auto& t : p->operator_tasks) report.operator_tasks.push_back(t.text);
  report.next_due = p->next_due;
  report.parent = std::move(confirmed->lines);
  report.warnings = std::move(confirmed->warnings);
  if (request.dry_run) return report;

  store->keys() = std::move(keys);
  auto created = apply_plan(*p, *store);
  if (!created) return std::unexpected(created.error());
  if (auto c = store->commit(); !c) return std::unexpected(c.error());
  return report;
}

}  // namespace zs
