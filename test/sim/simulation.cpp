#include "simulation.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include <signal.h>

#include <nlohmann/json.hpp>

#include "cache_model.hpp"
#include "methods.hpp"
#include "simulation_run.hpp"
#include "keys/key_store.hpp"
#include "process.hpp"
#include "signer/verify_file.hpp"
#include "zone_version.hpp"

namespace zs::sim {

namespace {

// The crash kinds a dry-run action sentence belongs to (keys/rollover.cpp wording).
std::optional<std::string> kind_of(const std::string& action) {
  auto starts = [&](const char* p) { return action.rfind(p, 0) == 0; };
  if (starts("create ")) return "create";
  if (starts("publish the DNSKEY")) return "publish";
  if (starts("sign the ")) return "sign";
  if (starts("stop signing")) return "unsign";
  if (starts("add the DS")) return "cds-add";
  if (starts("drop the DS")) return "cds-drop";
  if (starts("remove the DNSKEY")) return "unpublish";
  if (starts("retire ")) return "retire";
  if (starts("remove ")) return "remove";
  return std::nullopt;
}


// What changes when a key step shows in an output: the DNSKEY and CDS RRsets and
// which keys sign the sampled RRsets.
std::string key_fingerprint(const ZoneVersion& v) {
  std::string out;
  if (v.dnskey)
    for (BytesView rd : v.dnskey->rrset.rdatas) out += std::to_string(key_tag(rd)) + ",";
  out += "|";
  for (const Ds& d : v.cds) out += std::to_string(d.key_tag) + ",";
  std::set<std::uint16_t> signers;
  for (const auto& [label, s] : v.samples)
    for (const Rrsig& sig : s.sigs) signers.insert(sig.key_tag);
  out += "|";
  for (auto tag : signers) out += std::to_string(tag) + ",";
  return out;
}

std::vector<Ds> unique_ds(std::vector<Ds> ds) {
  auto key = [](const Ds& d) { return std::tuple(d.key_tag, d.algorithm, d.digest_type, d.digest); };
  std::sort(ds.begin(), ds.end(), [&](const Ds& a, const Ds& b) { return key(a) < key(b); });
  ds.erase(std::unique(ds.begin(), ds.end(), [&](const Ds& a, const Ds& b) { return key(a) == key(b); }), ds.end());
  return ds;
}

bool same_ds(const std::vector<Ds>& a, const std::vector<Ds>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].key_tag != b[i].key_tag || a[i].algorithm != b[i].algorithm || a[i].digest_type != b[i].digest_type ||
        a[i].digest != b[i].digest)
      return false;
  return true;
}

std::set<std::uint16_t> tags_of(const std::vector<Ds>& ds) {
  std::set<std::uint16_t> out;
  for (const Ds& d : ds) out.insert(d.key_tag);
  return out;
}

}  // namespace

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void Simulation::failure(const std::string& full) {
  // A CLI error can be long (one line per problem): the first lines say enough.
  std::string text;
  std::size_t pos = 0;
  for (int line = 0; line < 4 && pos < full.size(); ++line) {
    std::size_t end = full.find('\n', pos);
    if (end == std::string::npos) end = full.size();
    text += (line ? "\n    " : "") + full.substr(pos, end - pos);
    pos = end + 1;
  }
  if (pos < full.size()) text += "\n    ...";
  text = failure_prefix_ + text;
  failures_.push_back(text);
  if (failures_.size() <= 40) std::printf("failure: %s\n", text.c_str());
  else if (failures_.size() == 41) std::printf("failure: (further failures counted, not printed)\n");
}

Result<ProcessResult> Simulation::zonesign(std::vector<std::string> args, const std::string& preload) {
  args.insert(args.begin(), o_->zonesign);
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_process(args, ProcessOptions{o_->work, preload});
  spawn_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ++spawned_;
  return r;
}

void Simulation::write_policy(const std::string& algorithm) {
  std::string tmp = policy_path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << policy_yaml(m_, timing_, algorithm, o_->interval);
  }
  std::filesystem::rename(tmp, policy_path_);
}

void Simulation::run_events_until(UnixTime t) {
  while (!events_.empty() && events_.begin()->first.first <= t) {
    auto node = events_.extract(events_.begin());
    UnixTime at = node.key().first;
    const Event& e = node.mapped();
    // The parent acts on its own during a pause; the operator's commands wait
    // for its end (zonesign does not run at all then).
    if (pause_ && at > pause_->first && at < pause_->second && (e.kind == EventKind::confirm || e.kind == EventKind::force))
      at = pause_->second;
    switch (e.kind) {
      case EventKind::adopt:
        if (pending_ && e.generation == pending_generation_) adopt(at);
        break;
      case EventKind::confirm: confirm(at, e); break;
      case EventKind::force: force(at, e.role); break;
      case EventKind::switch_algorithm:
        write_policy(m_.new_algorithm);
        switched_at_ = at;
        std::printf("policy: algorithm changed to %s at %s\n", m_.new_algorithm.c_str(), format_time(at).c_str());
        break;
    }
  }
}

void Simulation::adopt(UnixTime at) {
  model_->check(at - 1);
  std::vector<Ds> old = model_->current_ds();
  std::vector<Ds> now = *pending_;
  pending_.reset();
  model_->publish_ds(at, now);
  model_->check(at);
  ++adoptions_;
  Event e;
  e.kind = EventKind::confirm;
  auto before = tags_of(old), after = tags_of(now);
  for (auto tag : after)
    if (!before.contains(tag)) e.added.push_back(tag);
  for (auto tag : before)
    if (!after.contains(tag)) e.removed.push_back(tag);
  if (o_->verbose)
    std::printf("parent: %s serves DS [%s]\n", format_time(at).c_str(), describe_ds(now).c_str());
  // The parent's servers all serve it after its propagation delay: then it is "seen".
  if (!e.added.empty() || !e.removed.empty()) schedule(at + timing_.parent_propagation, std::move(e));
}

void Simulation::confirm(UnixTime at, const Event& e) {
  auto args = common_args();
  args.insert(args.begin(), "status");
  args.push_back("--now");
  args.push_back(std::to_string(at));
  args.push_back("--json");
  auto st = zonesign(args);
  // Exit 11 says that the published zone is failing (its signatures expired): that
  // happens only when a pause kept every run away.
  const bool failing_ok = pause_ && at == pause_->second;
  if (!st || !st->exited || (st->code != 0 && st->code != 10 && !(failing_ok && st->code == 11))) {
    failure("status --json at " + format_time(at) + ": " + (st ? st->describe() + " " + st->err : st.error().to_string()));
    return;
  }
  std::set<std::uint16_t> wait_seen, wait_withdrawn;
  try {
    auto doc = nlohmann::json::parse(st->out);
    static const std::regex seen(R"(--ds-seen (\d+))"), withdrawn(R"(--ds-withdrawn (\d+))");
    for (const auto& task : doc.at("operator_tasks")) {
      std::string text = task.get<std::string>();
      std::smatch mt;
      if (std::regex_search(text, mt, seen)) wait_seen.insert(static_cast<std::uint16_t>(std::stoul(mt[1])));
      if (std::regex_search(text, mt, withdrawn)) wait_withdrawn.insert(static_cast<std::uint16_t>(std::stoul(mt[1])));
    }
  } catch (const std::exception& ex) {
    failure("status --json at " + format_time(at) + ": unreadable JSON: " + ex.what());
    return;
  }
  std::vector<std::string> flags;
  for (auto tag : e.added) {
    if (wait_seen.contains(tag)) flags.insert(flags.end(), {"--ds-seen", std::to_string(tag)});
    else failure("parent serves the DS of " + std::to_string(tag) + " since " + format_time(at) +
                 ", but status does not wait for --ds-seen " + std::to_string(tag));
  }
  for (auto tag : e.removed) {
    if (wait_withdrawn.contains(tag)) flags.insert(flags.end(), {"--ds-withdrawn", std::to_string(tag)});
    else failure("parent withdrew the DS of " + std::to_string(tag) + " at " + format_time(at) +
                 ", but status does not wait for --ds-withdrawn " + std::to_string(tag));
  }
  if (flags.empty()) return;
  args = common_args();
  args.insert(args.begin(), "rollover");
  args.push_back("--now");
  args.push_back(std::to_string(at));
  args.insert(args.end(), flags.begin(), flags.end());
  auto r = zonesign(args);
  if (!r || !r->exited || (r->code != 0 && r->code != 10)) {
    failure("rollover confirming the parent at " + format_time(at) + ": " +
            (r ? r->describe() + " " + r->err : r.error().to_string()));
    return;
  }
  ++confirmations_;
  if (o_->verbose) std::printf("confirm %s:%s\n", format_time(at).c_str(), r->out.c_str());
}

void Simulation::force(UnixTime at, const std::string& role) {
  auto args = common_args();
  args.insert(args.begin(), "rollover");
  args.insert(args.end(), {"--now", std::to_string(at), "--force", role});
  auto r = zonesign(args);
  if (!r || !r->exited || (r->code != 0 && r->code != 10)) {
    failure("rollover --force " + role + " at " + format_time(at) + ": " +
            (r ? r->describe() + " " + r->err : r.error().to_string()));
    return;
  }
  forced_at_.push_back(at);
  std::printf("forced: rollover --force %s at %s\n", role.c_str(), format_time(at).c_str());
}

std::set<std::string> Simulation::planned_kinds(UnixTime t) {
  auto args = common_args();
  args.insert(args.begin(), "rollover");
  args.insert(args.end(), {"--now", std::to_string(t), "--dry-run"});
  std::set<std::string> kinds;
  auto r = zonesign(args);
  if (!r || !r->exited || (r->code != 0 && r->code != 10)) {
    // The first run has no key folder yet: nothing to plan from.
    return kinds;
  }
  std::size_t pos = 0;
  while (pos < r->out.size()) {
    std::size_t end = r->out.find('\n', pos);
    if (end == std::string::npos) end = r->out.size();
    std::string line = r->out.substr(pos, end - pos);
    pos = end + 1;
    // `rollover` prints the steps it would apply as "would: ..." and the record
    // changes it leaves to the next sign as "next sign: ..."; a sign run does both.
    for (std::string_view prefix : {"would: ", "next sign: "}) {
      if (line.rfind(prefix, 0) != 0) continue;
      if (auto k = kind_of(line.substr(prefix.size()))) kinds.insert(*k);
    }
  }
  return kinds;
}

bool Simulation::sign(int index, UnixTime t) {
  std::string preload;
  std::set<std::string> crash_now;
  // A dry run (one more process per run) tells what this run will do, while some kind
  // is not crashed yet: every kind of a role's rollover shows within its first rollover
  // (120d lifetime, a few days of steps), so the search stops after 150 days unless a
  // group of kinds issue 4 names is still unproved.
  std::set<std::string> open_groups;
  for (const auto& k : o_->crash) open_groups.insert(crash_group(k));
  for (const auto& [k, at] : crashed_) open_groups.erase(crash_group(k));
  const bool searching = crashed_.size() < o_->crash.size() && t - o_->start < 150 * day;
  if (!open_groups.empty() || searching) {
    for (const auto& k : planned_kinds(t))
      if (o_->crash.contains(k) && !crashed_.contains(k)) crash_now.insert(k);
    if (!crash_now.empty()) preload = o_->shim;
  }
  std::vector<std::string> args = {"sign", zone_file_};
  auto common = common_args();
  args.insert(args.end(), common.begin(), common.end());
  args.insert(args.end(), {"--output", output_, "--now", std::to_string(t)});
  auto r = zonesign(args, preload);
  const std::string run_name = "run " + std::to_string(index) + " at " + format_time(t);
  if (!r) {
    failure(run_name + ": " + r.error().to_string());
    return false;
  }
  if (!preload.empty()) {
    std::string kinds;
    for (const auto& k : crash_now) kinds += (kinds.empty() ? "" : ",") + k;
    if (r->exited || r->signal != SIGKILL) {
      failure(run_name + " under the crash shim (" + kinds + ") should die by SIGKILL before writing state.yaml, " +
              r->describe() + ": " + r->err);
    } else {
      for (const auto& k : crash_now) crashed_[k] = t;
      ++crashed_runs_;
      std::printf("crashed: %s (%s): killed before state.yaml was written; its output is published\n",
                  run_name.c_str(), kinds.c_str());
    }
  } else {
    if (!r->exited || (r->code != 0 && r->code != 10)) {
      failure(run_name + ": sign " + r->describe() + ": " + r->err);
      exits_[r->exited ? r->code : 128 + r->signal]++;
      return true;  // the previous version stays served; keep going to see what follows
    }
    exits_[r->code]++;
  }
  std::string content = file_bytes(output_);
  if (!preload.empty() && content == last_output_)
    failure(run_name + " was killed before it wrote the signed zone: the crash must come after the zone, before "
            "the key state");
  last_output_ = std::move(content);
  auto v = read_zone_version(output_, origin_, samples_);
  if (!v) {
    failure(run_name + ": cannot read the output: " + v.error().to_string());
    return false;
  }
  // Outputs must also pass the complete check of `zonesign verify` at their own time
  // (chain, bitmaps, every signature), in process. The signer already ran the same
  // verifier before writing, and it took 10% of the simulation's time when run on every
  // output, so it runs on every output in which a key step shows (DNSKEY or CDS RRset
  // or the signing keys changed), on every crashed run's, and once per simulated day.
  const std::string keys_seen = key_fingerprint(*v);
  if (verify_every_output_ || keys_seen != last_keys_seen_ || !preload.empty() || (t - o_->start) % day == 0) {
    const auto v0 = std::chrono::steady_clock::now();
    ++full_verifications_;
    if (auto report = verify_zone_file(output_, origin_, t, 1); !report) {
      failure(run_name + ": verify: " + report.error().to_string());
    } else if (!report->ok()) {
      const auto& p = report->problems.front();
      failure(run_name + ": the output does not verify at its own time: " + p.owner.to_string() + " " +
              type_to_string(p.type) + ": " + p.what + " (" + std::to_string(report->problems.size()) + " problems)");
    }
    verify_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - v0).count();
  }
  last_keys_seen_ = keys_seen;
  if (other_validators_left_ > 0) {
    --other_validators_left_;
    check_with_other_validators(run_name, t, *v);
  }
  if (!v->dnskey) failure(run_name + ": the output has no DNSKEY RRset");
  model_->publish_zone(t, *v, run_name);
  parent_scan(t, *v);
  last_version_ = std::move(*v);
  return true;
}

namespace {

// kzonecheck 3.2's two known false alarms (TESTING-NOTES.md), each only where
// it is known to raise it: "CDNSKEY not match DNSKEY" for a CDNSKEY whose key
// is not in the DNSKEY RRset (a double-DS rollover announces the DS first),
// and "no valid signature for a record" while the DNSKEY RRset holds two SEP
// keys and no other key (a CSK rollover), although every signature verifies
// (zonesign verify checks each output in full). True when every error of its
// "Error summary" is one of those.
bool only_known_kzonecheck_alarms(const std::string& said, const ZoneVersion& v) {
  std::size_t sep = 0, other = 0;
  std::set<Bytes> dnskeys;
  if (v.dnskey)
    for (BytesView rd : v.dnskey->rrset.rdatas) {
      dnskeys.insert(to_bytes(rd));
      auto k = Dnskey::from_rdata(rd);
      (k && k->is_sep() ? sep : other)++;
    }
  const bool cdnskey_ahead =
      std::any_of(v.cdnskey.begin(), v.cdnskey.end(), [&](const Bytes& rd) { return !dnskeys.contains(rd); });
  const std::size_t summary = said.find("Error summary:");
  if (summary == std::string::npos) return false;
  std::size_t errors = 0, pos = said.find('\n', summary);
  while (pos != std::string::npos && pos + 1 < said.size()) {
    const std::size_t end = said.find('\n', pos + 1);
    const std::string line = said.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
    pos = end;
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++errors;
    if (line.find("CDNSKEY not match DNSKEY") != std::string::npos && cdnskey_ahead) continue;
    if (line.find("no valid signature for a record") != std::string::npos && sep >= 2 && other == 0) continue;
    return false;
  }
  return errors > 0;
}

}  // namespace

void Simulation::check_with_other_validators(const std::string& run_name, UnixTime t, const ZoneVersion& v) {
  const auto v0 = std::chrono::steady_clock::now();
  ++other_validations_;
  // Both validate at the run's own time (TESTING-NOTES.md): ldns-verify-zone -t
  // YYYYMMDDhhmmss, kzonecheck -t with Unix seconds.
  std::vector<std::vector<std::string>> tools = {
      {"ldns-verify-zone", "-t", format_time_compact(t), output_},
      {"kzonecheck", "-d", "on", "-o", o_->origin, "-t", std::to_string(t), output_}};
  for (auto& argv : tools) {
    const std::string tool = argv.front();
    // run_process takes a path, not a name to look up.
    for (std::string_view dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"})
      if (std::filesystem::exists(std::string(dir) + tool)) argv.front() = std::string(dir) + tool;
    auto found = run_process(argv, ProcessOptions{o_->work, ""});
    if (!found) {
      failure(run_name + ": cannot run " + tool + ": " + found.error().to_string());
      continue;
    }
    if (found->exited && found->code == 0) continue;
    const std::string said = found->out + found->err;
    if (tool == "kzonecheck" && only_known_kzonecheck_alarms(said, v)) {
      ++kzonecheck_false_alarms_;
      continue;
    }
    failure(run_name + ": " + tool + " rejects the output at its own time (" + found->describe() + "): " + said);
  }
  verify_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - v0).count();
}

bool Simulation::cds_acceptable(const ZoneVersion& v, UnixTime t, std::string& why) const {
  // RFC 7344 §4.1 / RFC 8078 §3: the parent accepts a CDS RRset that validates
  // through a DS it already serves; every CDS must also match a CDNSKEY.
  for (const Ds& ds : v.cds) {
    bool match = false;
    for (const Bytes& k : v.cdnskey)
      if (key_tag(k) == ds.key_tag && make_ds(origin_, k, ds.digest_type).digest == ds.digest) match = true;
    if (!match) {
      why = "CDS " + std::to_string(ds.key_tag) + " has no matching CDNSKEY";
      return false;
    }
  }
  const auto& current = model_->current_ds();
  if (current.empty()) return true;  // RFC 8078 §3: accepting the first DS (after a delay)
  if (!v.dnskey) {
    why = "no DNSKEY RRset";
    return false;
  }
  auto cds = v.samples.find("CDS");
  if (cds == v.samples.end()) {
    why = "no CDS RRset";
    return false;
  }
  for (const Ds& ds : current) {
    for (BytesView k : v.dnskey->rrset.rdatas) {
      if (key_tag(k) != ds.key_tag || make_ds(origin_, k, ds.digest_type).digest != ds.digest) continue;
      auto ok_with = [&](const SignedRrset& s) {
        for (const Rrsig& sig : s.sigs) {
          if (sig.key_tag != ds.key_tag || !rrsig_time_valid(sig, static_cast<std::uint64_t>(t))) continue;
          if (auto ok = verify_rrsig(s.rrset, sig, k); ok && *ok) return true;
        }
        return false;
      };
      if (ok_with(*v.dnskey) && ok_with(cds->second)) return true;
    }
  }
  why = "no DS the parent serves [" + describe_ds(current) + "] leads to a key that signs the DNSKEY and CDS RRsets";
  return false;
}

void Simulation::parent_scan(UnixTime t, const ZoneVersion& v) {
  // No CDS at all is no signal (RFC 8078 §4 needs the explicit delete CDS to remove DS).
  if (v.cds.empty()) return;
  auto wanted = unique_ds(v.cds);
  if (same_ds(wanted, model_->current_ds())) {
    pending_.reset();
    return;
  }
  if (pending_ && same_ds(*pending_, wanted)) return;
  std::string why;
  if (!cds_acceptable(v, t, why))
    failure("the parent would reject the CDS RRset published at " + format_time(t) + ": " + why);
  pending_ = wanted;
  ++pending_generation_;
  Event e;
  e.kind = EventKind::adopt;
  e.generation = pending_generation_;
  schedule(t + m_.parent_delay, std::move(e));
}

void Simulation::check_lifetimes(UnixTime end) {
  auto store = KeyStore::open(keys_dir_, origin_, false);
  if (!store) {
    failure("cannot read the final key state: " + store.error().to_string());
    return;
  }
  // The slack: the successor is created at the first run at or after its planned
  // moment and starts signing at the first run after its own lead, so up to two
  // run intervals late. A method whose successor starts signing only after the
  // parent confirms its DS (double-DS) also waits for the parent's delay, its
  // propagation, and the next run after the confirmation.
  std::map<std::string, Duration> lifetime = {{"zsk", timing_.zsk_lifetime},
                                              {"ksk", timing_.ksk_lifetime},
                                              {"csk", timing_.csk_lifetime}};
  for (const auto& [role, life] : lifetime) {
    // A crashed run's key actions are done again by the next run, one interval later.
    Duration slack = 2 * o_->interval + crashed_runs_ * o_->interval;
    const bool waits_for_parent = role != "zsk" && m_.ksk_rollover == "double-ds";
    if (waits_for_parent) slack += m_.parent_delay + timing_.parent_propagation + o_->interval;
    std::vector<const KeyInfo*> keys;
    int removed = 0;
    for (const KeyInfo& k : store->keys()) {
      if (std::string(role_name(k.role)) != role) continue;
      if (k.timestamps.contains("removed")) ++removed;
      if (k.timestamps.contains("active")) keys.push_back(&k);
    }
    if (keys.empty()) continue;
    std::sort(keys.begin(), keys.end(),
              [](const KeyInfo* a, const KeyInfo* b) { return a->timestamps.at("active") < b->timestamps.at("active"); });
    std::string measured;
    Duration lo = std::numeric_limits<Duration>::max(), hi = 0;
    int bad = 0, exempt = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const KeyInfo& a = *keys[i];
      const UnixTime a_active = a.timestamps.at("active");
      if (i + 1 == keys.size()) {
        // The current key: its rollover must not be overdue at the end.
        if (end - a_active > life + slack) {
          ++bad;
          failure(role + " " + std::to_string(a.tag) + " active since " + format_time(a_active) +
                  " has no successor at the end, " + format_duration(end - a_active) + " later (lifetime " +
                  format_duration(life) + " + slack " + format_duration(slack) + ")");
        }
        break;
      }
      const KeyInfo& b = *keys[i + 1];
      const Duration lived = b.timestamps.at("active") - a_active;
      measured += (measured.empty() ? "" : " ") + format_duration(lived);
      // A forced rollover or an algorithm rollover ends a key's life early on purpose.
      const UnixTime b_created = b.timestamps.contains("created") ? b.timestamps.at("created") : 0;
      bool early_ok = b.algorithm != a.algorithm ||
                      std::any_of(forced_at_.begin(), forced_at_.end(), [&](UnixTime f) { return b_created == f; });
      if (early_ok) {
        ++exempt;
        measured += "*";
      } else {
        lo = std::min(lo, lived);
        hi = std::max(hi, lived);
      }
      if ((!early_ok && lived < life) || lived > life + slack) {
        ++bad;
        failure(role + " " + std::to_string(a.tag) + " active " + format_time(a_active) + " -> successor " +
                std::to_string(b.tag) + " active " + format_time(b.timestamps.at("active")) + ": " +
                format_duration(lived) + ", outside [" + format_duration(life) + ", " +
                format_duration(life + slack) + "]");
      }
    }
    std::printf("lifetime %s: policy %s, allowed up to +%s; measured %s%s: %s\n", role.c_str(),
                format_duration(life).c_str(), format_duration(slack).c_str(),
                lo <= hi ? (format_duration(lo) + ".." + format_duration(hi)).c_str() : "(no scheduled rollover)",
                exempt ? (" (" + std::to_string(exempt) + " early by force/algorithm, marked *)").c_str() : "",
                bad ? "FAIL" : "ok");
    std::printf("  %s lifetimes: %s\n", role.c_str(), measured.c_str());
    // Each lifetime (plus its slack) ends in a rollover; one still under way at the
    // end is not counted: it needs the parent twice (the new DS, then the old one's
    // withdrawal) and a few days of cache windows.
    const int expected = static_cast<int>((end - o_->start - 2 * m_.parent_delay - 7 * day) / (life + slack));
    std::printf("rollovers completed %s: %d (at least %d expected)\n", role.c_str(), removed, expected);
    if (removed < expected)
      failure("only " + std::to_string(removed) + " " + role + " rollovers completed, expected at least " +
              std::to_string(expected));
  }
}

void Simulation::check_final_status(UnixTime end) {
  // What an operator's script reads: one wanted key per role of the policy, of the
  // policy's algorithm, each record in one of the four states.
  auto args = common_args();
  args.insert(args.begin(), "status");
  args.insert(args.end(), {"--now", std::to_string(end), "--json"});
  auto st = zonesign(args);
  if (!st || !st->exited || (st->code != 0 && st->code != 10)) {
    failure("final status --json: " + (st ? st->describe() + " " + st->err : st.error().to_string()));
    return;
  }
  const std::string algorithm = m_.switch_at ? m_.new_algorithm : m_.algorithm;
  try {
    auto doc = nlohmann::json::parse(st->out);
    std::vector<std::string> roles;
    for (const auto& k : doc.at("keys")) {
      for (const auto& r : k.at("records")) {
        const auto state = r.at("state").get<std::string>();
        if (state != "hidden" && state != "rumoured" && state != "omnipresent" && state != "unretentive")
          failure("final status --json: key " + std::to_string(k.at("tag").get<int>()) + " record state " + state);
      }
      if (k.at("goal") != "omnipresent") continue;
      roles.push_back(k.at("role").get<std::string>());
      if (k.at("algorithm") != algorithm)
        failure("final status --json: wanted key " + std::to_string(k.at("tag").get<int>()) + " is " +
                k.at("algorithm").get<std::string>() + ", the policy says " + algorithm);
    }
    std::sort(roles.begin(), roles.end());
    const std::vector<std::string> want = m_.csk ? std::vector<std::string>{"csk"} : std::vector<std::string>{"ksk", "zsk"};
    if (roles != want) {
      std::string got;
      for (const auto& r : roles) got += " " + r;
      failure("final status --json: wanted keys by role:" + got);
    } else {
      std::printf("final status: one wanted key per role of the policy (%s)\n", algorithm.c_str());
    }
  } catch (const std::exception& ex) {
    failure(std::string("final status --json: unreadable JSON: ") + ex.what());
  }
}

void Simulation::check_algorithm_rollover(const ZoneVersion& last) {
  auto target = algorithm_from_string(m_.new_algorithm);
  if (!target || !switched_at_) return;
  if (last.dnskey)
    for (BytesView rd : last.dnskey->rrset.rdatas)
      if (auto k = Dnskey::from_rdata(rd); k && k->algorithm != *target)
        failure("after the algorithm rollover the DNSKEY RRset still holds key " + std::to_string(key_tag(rd)) +
                " of algorithm " + std::to_string(static_cast<unsigned>(k->algorithm)));
  for (const Ds& d : model_->current_ds())
    if (d.algorithm != *target)
      failure("after the algorithm rollover the parent still serves DS " + std::to_string(d.key_tag));
  // The first run after the policy change starts it by itself.
  auto store = KeyStore::open(keys_dir_, origin_, false);
  if (!store) return;
  const UnixTime next_run = o_->start + ((*switched_at_ - o_->start) / o_->interval + 1) * o_->interval;
  std::optional<UnixTime> first;
  for (const KeyInfo& k : store->keys())
    if (k.algorithm == *target && k.timestamps.contains("created"))
      first = std::min(first.value_or(k.timestamps.at("created")), k.timestamps.at("created"));
  if (!first) failure("no " + m_.new_algorithm + " key was ever created");
  else if (*first != next_run)
    failure("the algorithm rollover started at " + format_time(*first) + ", not at the first run after the policy "
            "change (" + format_time(next_run) + ")");
  else
    std::printf("algorithm rollover: started by the first run after the policy change, %s\n",
                format_time(*first).c_str());
}

bool Simulation::setup() {
  auto origin = Name::parse(o_->origin);
  if (!origin) {
    std::printf("bad --origin: %s\n", origin.error().to_string().c_str());
    return false;
  }
  origin_ = *origin;
  std::filesystem::create_directories(o_->work);
  const std::string work = std::filesystem::absolute(o_->work).string();
  keys_dir_ = work + "/keys";
  policy_path_ = work + "/policy.yaml";
  output_ = work + "/signed.zone";
  zone_file_ = std::filesystem::absolute(o_->zone_file).string();
  samples_ = sample_specs(m_.denial);
  std::vector<std::string> labels;
  for (const auto& s : samples_) labels.push_back(s.label);
  model_.emplace(
      origin_,
      CacheWindows{timing_.zone_propagation, timing_.parent_ds_ttl + timing_.parent_propagation, timing_.dnskey_ttl},
      labels);
  write_policy(m_.algorithm);

  for (const Force& f : m_.forces) {
    Event e;
    e.kind = EventKind::force;
    e.role = f.role;
    schedule(o_->start + f.at, std::move(e));
  }
  if (m_.switch_at) {
    Event e;
    e.kind = EventKind::switch_algorithm;
    schedule(o_->start + *m_.switch_at, std::move(e));
  }
  return true;
}

bool Simulation::cron_run(int index, UnixTime t) {
  run_events_until(t);
  if (last_version_) model_->check(t - 1);  // just before this run: the previous version's last moment
  if (!sign(index, t)) return false;
  model_->check(t);
  return true;
}

int Simulation::run() {
  const auto wall0 = std::chrono::steady_clock::now();
  if (!setup()) return 2;

  const int runs = static_cast<int>(o_->days * day / o_->interval);
  std::printf("method: %s (%s)\n", m_.name.c_str(), m_.description.c_str());
  UnixTime t = o_->start;
  for (int i = 0; i < runs; ++i) {
    t = o_->start + i * o_->interval;
    if (!cron_run(i, t)) break;
  }
  const UnixTime end = t + o_->interval;
  run_events_until(end - 1);
  model_->check(end - 1);

  check_lifetimes(end);
  check_final_status(end);
  if (last_version_ && m_.switch_at) check_algorithm_rollover(*last_version_);
  std::map<std::string, std::string> groups;  // group -> crashed kinds
  for (const auto& kind : o_->crash) groups[crash_group(kind)];
  for (const auto& [kind, at] : crashed_) groups[crash_group(kind)] += (groups[crash_group(kind)].empty() ? "" : ",") + kind;
  for (const auto& [group, kinds] : groups) {
    if (kinds.empty()) failure("no run in which " + group + " was crashed");
    else std::printf("crashed: %s (%s)\n", group.c_str(), kinds.c_str());
  }
  for (const auto& kind : o_->crash)
    if (!crashed_.contains(kind))
      std::printf("crashed: not at a \"%s\" step (no sign run did one in the first 150 days)\n", kind.c_str());

  const auto& gaps = model_->gap_reports();
  for (std::size_t i = 0; i < gaps.size() && i < 25; ++i) std::printf("gap: %s\n", gaps[i].c_str());
  if (gaps.size() > 25) std::printf("gap: ... %zu more\n", gaps.size() - 25);

  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  std::string exits;
  for (const auto& [code, n] : exits_) exits += " exit " + std::to_string(code) + ": " + std::to_string(n) + ";";
  const auto& st = model_->stats();
  std::printf("runs: %d sign runs every %s from %s to %s;%s\n", runs, format_duration(o_->interval).c_str(),
              format_time(o_->start).c_str(), format_time(end).c_str(), exits.c_str());
  std::printf("parent DS changes: %d (delay %s), confirmations: %d\n", adoptions_,
              format_duration(m_.parent_delay).c_str(), confirmations_);
  if (!o_->crash.empty()) {
    std::string kinds;
    for (const auto& [k, at] : crashed_) kinds += " " + k + "@" + format_time(at);
    std::printf("crashed runs: %d; kinds:%s\n", crashed_runs_, kinds.c_str());
  }
  std::printf("cache model: %llu instants, %llu combinations, %llu signature verifications (%llu reused)\n",
              static_cast<unsigned long long>(st.checks), static_cast<unsigned long long>(st.combinations),
              static_cast<unsigned long long>(st.verifications), static_cast<unsigned long long>(st.cache_hits));
  std::printf("gaps found: %zu\n", model_->gaps());
  std::printf("wall time: %.1fs (%llu zonesign processes: %.1fs; %llu outputs verified in full: %.1fs)\n", wall,
              static_cast<unsigned long long>(spawned_), spawn_seconds_,
              static_cast<unsigned long long>(full_verifications_), verify_seconds_);
  const bool ok = failures_.empty() && model_->gaps() == 0;
  std::printf("result: %s (%zu failures, %zu gaps)\n", ok ? "PASS" : "FAIL", failures_.size(), model_->gaps());
  return ok ? 0 : 1;
}

std::string crash_group(const std::string& kind) {
  if (kind == "create") return "a key is created";
  if (kind == "publish") return "a DNSKEY is published";
  if (kind == "sign" || kind == "unsign") return "signatures switch keys";
  if (kind == "cds-add" || kind == "cds-drop") return "the CDS set changes (DS submission)";
  return "a key is retired or removed";
}

std::vector<std::string> method_names() {
  std::vector<std::string> out;
  for (const auto& m : methods()) out.push_back(m.name);
  return out;
}

int run_simulation(const SimOptions& options) {
  for (const auto& m : methods())
    if (m.name == options.method) {
      Simulation sim(options, m);
      return options.pause_days.empty() ? sim.run() : sim.run_pauses();
    }
  std::printf("unknown method %s\n", options.method.c_str());
  return 2;
}

}  // namespace zs::sim
