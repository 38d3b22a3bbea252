// The simulation's state and steps (simulation.hpp describes what it proves),
// shared by the cron timeline (simulation.cpp) and the pause and clock-step
// matrix of issue 8 (pause.cpp). A Simulation is copyable: the pause matrix
// copies it, with its work folder, at each kind of key step and runs every
// pause from that copy.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cache_model.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "dns/name.hpp"
#include "methods.hpp"
#include "policy/policy.hpp"
#include "process.hpp"
#include "simulation.hpp"
#include "zone_version.hpp"

namespace zs::sim {

// The whole content of a file ("" when it cannot be read).
std::string file_bytes(const std::string& path);

class Simulation {
 public:
  Simulation(const SimOptions& o, Method m) : o_(&o), m_(std::move(m)) {}
  // The cron timeline of `o.days` days; the exit status of zonesign-sim.
  int run();
  // The pause and clock-step matrix (pause.cpp); the exit status of zonesign-sim.
  int run_pauses();

 private:
  enum class EventKind { adopt, confirm, force, switch_algorithm };
  struct Event {
    EventKind kind = EventKind::adopt;
    std::uint64_t generation = 0;  // adopt: which pending CDS set it was scheduled for
    std::vector<std::uint16_t> added, removed;  // confirm
    std::string role;                           // force
  };
  // One pause of the matrix started from one copy (pause.cpp).
  struct PauseResult {
    bool ok = true;
    std::string why;               // the first problem, when not ok
    std::size_t expired_gaps = 0;  // combinations that failed only because the pause let signatures expire
    int runs = 0;                  // sign runs after the pause
  };

  // Creates the work folder and the cache model, writes the policy and
  // schedules the method's events; false on a bad origin.
  bool setup();
  // One cron run at `t`: the events due, the cache check just before, the
  // sign run, the cache check after it. False when the run cannot go on.
  bool cron_run(int index, UnixTime t);

  void failure(const std::string& text);
  Result<ProcessResult> zonesign(std::vector<std::string> args, const std::string& preload = "");
  std::vector<std::string> common_args() const {
    return {"--origin", o_->origin, "--keys", keys_dir_, "--policy", policy_path_};
  }
  void write_policy(const std::string& algorithm);
  void schedule(UnixTime at, Event e) { events_.emplace(std::make_pair(at, seq_++), std::move(e)); }
  void run_events_until(UnixTime t);
  void adopt(UnixTime at);
  void confirm(UnixTime at, const Event& e);
  void force(UnixTime at, const std::string& role);
  std::set<std::string> planned_kinds(UnixTime t);
  bool sign(int index, UnixTime t);
  // ldns-verify-zone -t and kzonecheck -t on the output of the run at `t`.
  void check_with_other_validators(const std::string& run_name, UnixTime t, const ZoneVersion& v);
  void parent_scan(UnixTime t, const ZoneVersion& v);
  bool cds_acceptable(const ZoneVersion& v, UnixTime t, std::string& why) const;
  void check_lifetimes(UnixTime end);
  void check_algorithm_rollover(const ZoneVersion& last);
  void check_final_status(UnixTime end);

  // pause.cpp
  std::map<std::uint16_t, std::map<std::string, UnixTime>> key_events();
  std::string folder_bytes() const;
  void clock_steps(UnixTime t, const std::string& step);
  PauseResult pause_and_resume(UnixTime paused_at, Duration pause, int& index);
  std::set<Role> rollovers_due(UnixTime at);

  const SimOptions* o_;
  Method m_;
  Timing timing_;
  Name origin_;
  std::string keys_dir_, policy_path_, output_, zone_file_;
  std::vector<SampleSpec> samples_;
  std::optional<CacheModel> model_;
  std::multimap<std::pair<UnixTime, std::uint64_t>, Event> events_;
  std::uint64_t seq_ = 0;

  // The parent: the CDS set it saw and since when (it adopts after m_.parent_delay).
  std::optional<std::vector<Ds>> pending_;
  std::uint64_t pending_generation_ = 0;

  std::vector<std::string> failures_;
  std::map<int, int> exits_;  // sign exit code -> count
  int adoptions_ = 0, confirmations_ = 0, crashed_runs_ = 0;
  std::map<std::string, UnixTime> crashed_;  // kind -> run time
  std::vector<UnixTime> forced_at_;
  std::optional<UnixTime> switched_at_;
  std::optional<ZoneVersion> last_version_;
  std::string last_output_;
  std::string last_keys_seen_;
  std::uint64_t full_verifications_ = 0;
  std::uint64_t spawned_ = 0;
  double spawn_seconds_ = 0, verify_seconds_ = 0;

  // Pauses: no zonesign run in (first, second); the operator's own commands
  // (--ds-seen, --force) that fall in it wait for its end.
  std::optional<std::pair<UnixTime, UnixTime>> pause_;
  bool verify_every_output_ = false;  // in process, as `zonesign verify --now` does
  int other_validators_left_ = 0;     // outputs still to check with ldns-verify-zone and kzonecheck
  std::uint64_t other_validations_ = 0;
  std::uint64_t kzonecheck_false_alarms_ = 0;  // its known false alarms (TESTING-NOTES.md), not counted as rejections
  std::string failure_prefix_;        // names the pause a failure belongs to
};

}  // namespace zs::sim
