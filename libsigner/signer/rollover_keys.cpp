#include "signer/rollover_keys.hpp"

#include "keys/key_store.hpp"
#include "keys/rollover.hpp"

namespace zs {

namespace {

// `rollover` publishes nothing. A record change it wrote down now would be
// counted from now while the zone keeps showing the old state until the next
// `sign`, and the planner would then take cache windows as passed that had
// not even begun (a new DNSKEY "in every cache" before any server had it).
// So it applies only what leaves the published zone as it is: new keys,
// retirements, removals and cache windows that have passed (records becoming
// omnipresent or hidden); the next `sign` makes the record changes.
bool changes_published_zone(const Action& action) {
  return action.kind == ActionKind::transition &&
         (action.to == RecordState::rumoured || action.to == RecordState::unretentive);
}

}  // namespace

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
  Plan applied = *p;
  std::erase_if(applied.actions, changes_published_zone);
  for (const auto& a : p->actions) (changes_published_zone(a) ? report.deferred : report.actions).push_back(a.text);
  for (const auto& t : p->operator_tasks) report.operator_tasks.push_back(t.text);
  report.next_due = p->next_due;
  report.parent = std::move(confirmed->lines);
  report.warnings = std::move(confirmed->warnings);
  if (request.dry_run) return report;

  store->keys() = std::move(keys);
  auto created = apply_plan(applied, *store);
  if (!created) return std::unexpected(created.error());
  if (auto c = store->commit(); !c) return std::unexpected(c.error());
  return report;
}

}  // namespace zs
