// The pause and clock-step matrix of issue 8 ("Proof"), through the real CLI.
//
// The method's cron schedule runs as in the timeline (simulation.cpp) until
// every kind of key step (crash_kinds) has happened; after the first run, and
// after the first run that makes each kind of step, the whole simulation and
// its work folder (keys, policy, signed zone) are copied. At each of those
// steps the clock is also set back (an hour, a day, a month, years): each such
// run must be refused with exit 1 and change no byte, and the schedule then
// goes on from the right time (its own cache checks find no gap).
//
// From each copy, for each pause length, no run happens for that long (the
// parent still follows the CDS set on its own; the operator's --ds-seen and
// --force wait for the end), then cron resumes: every 6 hours for three days,
// then daily, until a rollover has completed after the pause. Every run must
// exit 0 or 10; every output must pass `zonesign verify` at its own time (in
// process: the same code), the first ones ldns-verify-zone -t and kzonecheck
// -t too; the cache model must find no gap except in combinations holding a
// version whose signatures expired while it was served during the pause; a
// role whose key's lifetime ended during the pause must start its rollover at
// the first run after it (as if the lifetime ended then), and no current key
// may be overdue when the stretch ends.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "keys/key_state.hpp"
#include "keys/key_store.hpp"
#include "keys/rollover.hpp"
#include "policy/policy.hpp"
#include "simulation_run.hpp"

namespace zs::sim {

namespace {

namespace fs = std::filesystem;

// The step kind (simulation.hpp crash_kinds) of a key event in state.yaml.
std::optional<std::string> kind_of_event(const std::string& event) {
  if (event == "created") return "create";
  if (event == "dnskey-rumoured") return "publish";
  if (event == "zrrsig-rumoured" || event == "krrsig-rumoured") return "sign";
  if (event == "zrrsig-unretentive" || event == "krrsig-unretentive") return "unsign";
  if (event == "ds-rumoured") return "cds-add";
  if (event == "ds-unretentive") return "cds-drop";
  if (event == "dnskey-unretentive") return "unpublish";
  if (event == "retired") return "retire";
  if (event == "removed") return "remove";
  return std::nullopt;
}

std::string day_of(UnixTime t, UnixTime start) {
  char text[32];
  std::snprintf(text, sizeof text, "day %.2f", static_cast<double>(t - start) / day);
  return text;
}

// The files a run may change: the key folder, the policy and the signed zone.
const std::vector<std::string> state_names = {"keys", "policy.yaml", "signed.zone"};

void copy_state(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const auto& name : state_names) {
    fs::remove_all(to + "/" + name);
    if (fs::exists(from + "/" + name)) fs::copy(from + "/" + name, to + "/" + name, fs::copy_options::recursive);
  }
}

}  // namespace

std::map<std::uint16_t, std::map<std::string, UnixTime>> Simulation::key_events() {
  std::map<std::uint16_t, std::map<std::string, UnixTime>> out;
  if (!fs::exists(keys_dir_)) return out;
  auto store = KeyStore::open(keys_dir_, origin_, false);
  if (!store) {
    failure("cannot read the key state: " + store.error().to_string());
    return out;
  }
  for (const KeyInfo& k : store->keys()) out[k.tag] = k.timestamps;
  return out;
}

std::string Simulation::folder_bytes() const {
  // Names, modes and contents of every file of the key folder, and the signed
  // zone. The lock file is left out: it holds no key state.
  std::string out;
  std::vector<fs::path> files;
  if (fs::exists(keys_dir_))
    for (const auto& e : fs::recursive_directory_iterator(keys_dir_))
      if (e.is_regular_file() && e.path().filename() != ".lock") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  files.push_back(output_);
  for (const auto& f : files) {
    std::error_code ec;
    const auto mode = static_cast<unsigned>(fs::status(f, ec).permissions());
    out += f.string() + "\n" + std::to_string(mode) + "\n" + file_bytes(f.string()) + "\n";
  }
  return out;
}

void Simulation::clock_steps(UnixTime t, const std::string& step) {
  // Set back from the last run, which state.yaml records: all must be refused.
  const std::vector<std::pair<std::string, Duration>> backs = {
      {"1h", hour}, {"1d", day}, {"30d", 30 * day}, {"3y", 3 * 365 * day}};
  std::string done;
  for (const auto& [name, back] : backs) {
    const std::string before = folder_bytes();
    std::vector<std::string> args = {"sign", zone_file_};
    auto common = common_args();
    args.insert(args.end(), common.begin(), common.end());
    args.insert(args.end(), {"--output", output_, "--now", std::to_string(t - back)});
    auto r = zonesign(args);
    const std::string what = "clock set back " + name + " after the run at " + format_time(t) + " (" + step + ")";
    if (!r) {
      failure(what + ": " + r.error().to_string());
      continue;
    }
    if (!r->exited || r->code != 1) failure(what + ": sign should be refused with exit 1, " + r->describe() + ": " + r->err);
    if (folder_bytes() != before) failure(what + ": the key folder or the signed zone changed");
    done += " " + name;
  }
  std::printf("clock steps after %s (%s): sign with the clock set back%s\n", format_time(t).c_str(), step.c_str(),
              done.c_str());
}

std::set<Role> Simulation::rollovers_due(UnixTime at) {
  std::set<Role> due;
  auto loaded = load_policy(policy_path_);
  auto store = KeyStore::open(keys_dir_, origin_, false);
  if (!loaded || !store) {
    failure("cannot read the policy or the key state at " + format_time(at));
    return due;
  }
  const Policy& policy = loaded->policy;
  const zs::CacheWindows w = cache_windows(policy);
  bool any_retiring = false;
  for (const KeyInfo& k : store->keys())
    any_retiring |= k.timestamps.contains("retired") && !k.timestamps.contains("removed");
  for (const KeyPolicy& kp : policy.keys) {
    if (!kp.lifetime) continue;
    bool under_way = false;
    const KeyInfo* current = nullptr;
    for (const KeyInfo& k : store->keys()) {
      if (k.role != kp.role || k.timestamps.contains("removed")) continue;
      if (k.timestamps.contains("retired")) under_way = true;
      else if (k.timestamps.contains("active")) current = &k;
    }
    // A new algorithm waits until no rollover of any role is under way.
    if (under_way || !current || (current->algorithm != kp.algorithm && any_retiring)) continue;
    if (at >= current->timestamps.at("active") + *kp.lifetime - successor_lead(kp, w)) due.insert(kp.role);
  }
  return due;
}

Simulation::PauseResult Simulation::pause_and_resume(UnixTime paused_at, Duration pause, int& index) {
  PauseResult r;
  const std::size_t failures0 = failures_.size(), gaps0 = model_->gaps(), expired0 = model_->expired_gaps();
  const UnixTime resume = paused_at + pause;
  pause_ = std::pair{paused_at, resume};
  model_->declare_pause(paused_at, resume);
  verify_every_output_ = true;
  other_validators_left_ = o_->other_validator_runs;

  run_events_until(resume);  // the parent's moves in the pause, the operator's on return
  const std::set<Role> due = rollovers_due(resume);
  // Long enough for a rollover to complete after the pause: a 120-day key paused
  // just after it started signing rolls about 120 days later.
  const UnixTime give_up = resume + 150 * day;
  UnixTime t = resume;
  for (;;) {
    if (!cron_run(index++, t)) break;
    ++r.runs;
    if (t == resume && !due.empty()) {
      auto store = KeyStore::open(keys_dir_, origin_, false);
      for (Role role : due) {
        const bool started = store && std::any_of(store->keys().begin(), store->keys().end(), [&](const KeyInfo& k) {
                               return k.role == role && k.timestamps.contains("created") &&
                                      k.timestamps.at("created") == resume;
                             });
        if (!started)
          failure("the lifetime of the " + std::string(role_name(role)) + " ended during the pause, but the first run "
                  "after it (" + format_time(resume) + ") started no rollover");
      }
    }
    const auto events = key_events();
    bool completed = false;
    for (const auto& [tag, ev] : events) completed |= ev.contains("removed") && ev.at("removed") >= resume;
    if (completed && t >= resume + 3 * day) break;
    if (t >= give_up) {
      failure("no rollover completed in the " + format_duration(give_up - resume) + " after the pause");
      break;
    }
    // Cron every run interval while the steps the pause held back happen, then
    // daily (the policy's signatures last 14 days and are refreshed 5 days ahead).
    t += t < resume + 3 * day ? o_->interval : day;
  }
  model_->check(t + o_->interval - 1);

  // The schedule resumed: no key that signs now is overdue.
  if (auto store = KeyStore::open(keys_dir_, origin_, false)) {
    const std::map<std::string, Duration> lifetime = {
        {"zsk", timing_.zsk_lifetime}, {"ksk", timing_.ksk_lifetime}, {"csk", timing_.csk_lifetime}};
    for (const KeyInfo& k : store->keys()) {
      if (k.timestamps.contains("retired") || !k.timestamps.contains("active")) continue;
      const std::string role(role_name(k.role));
      Duration slack = 2 * day;
      if (role != "zsk" && m_.ksk_rollover == "double-ds") slack += m_.parent_delay + timing_.parent_propagation;
      const UnixTime from = std::max(k.timestamps.at("active"), resume);
      if (t - from > lifetime.at(role) + slack)
        failure(role + " " + std::to_string(k.tag) + " signs since " + format_time(from) + " without a successor at " +
                format_time(t) + " (lifetime " + format_duration(lifetime.at(role)) + ")");
    }
  }
  r.ok = failures_.size() == failures0 && model_->gaps() == gaps0;
  if (failures_.size() > failures0) r.why = failures_[failures0];
  else if (model_->gaps() > gaps0) r.why = "gap " + model_->gap_reports()[gaps0];
  r.expired_gaps = model_->expired_gaps() - expired0;
  return r;
}

int Simulation::run_pauses() {
  const auto wall0 = std::chrono::steady_clock::now();
  if (!setup()) return 2;
  const std::string work = fs::absolute(o_->work).string();
  std::printf("method: %s (%s)\n", m_.name.c_str(), m_.description.c_str());

  struct Start {
    std::string step;  // the kinds of step its run made first, or "first run"
    UnixTime at = 0;
    std::string folder;
    Simulation sim;
  };
  std::vector<Start> starts;
  std::set<std::string> seen, seen_kinds;  // "zsk publish"; "publish"
  std::set<std::string> rolling, rolled;   // roles whose first rollover started; completed (a key removed)
  const std::set<std::string> roles =
      m_.csk ? std::set<std::string>{"csk"} : std::set<std::string>{"ksk", "zsk"};
  int index = 0;
  UnixTime t = o_->start;
  // Every kind of step of each role has happened once a rollover of each role
  // completed (after the policy change, for the algorithm rollover); the bound
  // is a guard.
  const UnixTime base_end = o_->start + m_.switch_at.value_or(0) +
                            std::max(timing_.ksk_lifetime, timing_.csk_lifetime) + 4 * m_.parent_delay + 30 * day;
  auto roles_of = [&]() {
    std::map<std::uint16_t, std::string> out;
    if (auto store = KeyStore::open(keys_dir_, origin_, false))
      for (const KeyInfo& k : store->keys()) out[k.tag] = role_name(k.role);
    return out;
  };
  auto before = key_events();
  for (; t < base_end && rolled != roles; t += o_->interval) {
    if (!cron_run(index++, t)) break;
    const auto after = key_events();
    const auto role = roles_of();
    // The steps since the previous sign run (the --ds-seen/--ds-withdrawn runs
    // between them included), by role.
    std::map<std::string, std::set<std::string>> kinds;
    for (const auto& [tag, ev] : after)
      for (const auto& [name, when] : ev) {
        auto b = before.find(tag);
        if (b != before.end() && b->second.contains(name) && b->second.at(name) == when) continue;
        if (auto k = kind_of_event(name)) kinds[role.contains(tag) ? role.at(tag) : "?"].insert(*k);
      }
    before = after;
    std::string step;
    if (t == o_->start) {
      step = "first run";
    } else if (!m_.switch_at || t >= o_->start + *m_.switch_at) {
      // For the algorithm rollover, its own steps, not those of the rollovers before it.
      // A role's steps before its first rollover (the first DS request) count
      // apart from the same kinds within it.
      for (const auto& [r, ks] : kinds) {
        if (ks.contains("create")) rolling.insert(r);
        const std::string phase = rolling.contains(r) ? "" : " (first keys)";
        std::string part;
        for (const auto& k : ks) {
          seen_kinds.insert(k);
          if (seen.insert(r + " " + k + phase).second) part += (part.empty() ? "" : ",") + k;
          if (k == "remove") rolled.insert(r);
        }
        if (!part.empty()) step += (step.empty() ? "" : "; ") + r + " " + part + phase;
      }
    }
    if (step.empty()) continue;
    if (o_->clock_steps) clock_steps(t, step);
    const std::string folder = work + "/start-" + std::to_string(starts.size());
    copy_state(work, folder);
    starts.push_back(Start{step, t, folder, *this});
  }
  const std::size_t base_failures = failures_.size(), base_gaps = model_->gaps();
  std::string missing;
  for (const auto& k : crash_kinds)
    if (!seen_kinds.contains(k)) missing += " " + k;
  std::printf("schedule: %d runs every %s to %s, %zu starting steps%s%s; %zu failures, %zu gaps\n", index,
              format_duration(o_->interval).c_str(), format_time(t).c_str(), starts.size(),
              missing.empty() ? "" : "; kinds of step that never happened:", missing.c_str(), base_failures, base_gaps);

  // Each pause from each copy, in the work folder the copy was made from (so
  // that the signed zone's path, and with it the reuse of its signatures, is
  // the one the key state records).
  int tried = 0, recovered = 0;
  std::size_t gaps_outside = 0, expired_total = 0, other = 0, false_alarms = 0;
  std::string table = "| " + m_.name + ": pause from | " ;
  for (int d : o_->pause_days) table += std::to_string(d) + "d | ";
  table += "\n|---|";
  for (std::size_t i = 0; i < o_->pause_days.size(); ++i) table += "---|";
  table += "\n";
  std::vector<std::string> problems;
  for (const Start& s : starts) {
    table += "| " + s.step + " (" + day_of(s.at, o_->start) + ") | ";
    for (int d : o_->pause_days) {
      copy_state(s.folder, work);
      Simulation sim = s.sim;
      sim.failure_prefix_ = "[pause " + std::to_string(d) + "d after " + s.step + ", " + format_time(s.at) + "] ";
      PauseResult r = sim.pause_and_resume(s.at, static_cast<Duration>(d) * day, index);
      ++tried;
      recovered += r.ok;
      gaps_outside += sim.model_->gaps() - s.sim.model_->gaps();
      expired_total += r.expired_gaps;
      other += sim.other_validations_;
      false_alarms += sim.kzonecheck_false_alarms_;
      spawned_ += sim.spawned_ - s.sim.spawned_;
      spawn_seconds_ += sim.spawn_seconds_ - s.sim.spawn_seconds_;
      verify_seconds_ += sim.verify_seconds_ - s.sim.verify_seconds_;
      table += std::string(r.ok ? "ok" : "FAIL") + " | ";
      if (!r.ok) problems.push_back(r.why);
      if (o_->verbose)
        std::printf("pause %dd after %s: %d runs, %s, %zu expired-signature combinations\n", d, s.step.c_str(), r.runs,
                    r.ok ? "recovered" : "FAILED", r.expired_gaps);
    }
    table += "\n";
  }
  std::printf("pause matrix (ok: every run exit 0 or 10, every output valid at its own time, no gap outside the "
              "pause, the schedule resumed):\n%s",
              table.c_str());
  for (const auto& p : problems) std::printf("failure: %s\n", p.c_str());
  std::printf("pauses %s: tried %d, recovered %d, gaps outside the pause %zu (combinations that failed only on "
              "signatures expired during the pause: %zu); %zu outputs also checked by ldns-verify-zone and kzonecheck "
              "(%zu known kzonecheck false alarms)\n",
              m_.name.c_str(), tried, recovered, gaps_outside, expired_total, other, false_alarms);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  std::printf("wall time: %.1fs (%llu zonesign processes: %.1fs; verification: %.1fs)\n", wall,
              static_cast<unsigned long long>(spawned_), spawn_seconds_, verify_seconds_);
  const bool ok = base_failures == 0 && base_gaps == 0 && recovered == tried && missing.empty();
  std::printf("result: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

}  // namespace zs::sim
