// The rollover simulation of issue 4 ("Proof"): runs the real zonesign CLI
// as cron would (`sign --now T` every run interval over two simulated
// years), emulates a parent that follows the zone's CDS RRset (RFC 7344,
// RFC 8078) after a delay and confirms each DS change with `zonesign rollover
// --ds-seen/--ds-withdrawn`, and checks at every step, with a resolver-cache
// model built from the signed outputs (cache_model.hpp), that every cached
// combination validates (RFC 4035 §5, RFC 7583 §3). It also measures each
// key's active lifetime against the policy, and can kill chosen runs between
// writing the zone and writing the key state (crash_shim.cpp) to prove that
// the next run recovers. With pause_days it runs the pause and clock-step
// matrix of issue 8 instead (pause.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace zs::sim {

// The kinds of key step a crash can interrupt (from `rollover --dry-run`'s
// action sentences, keys/rollover.cpp).
inline const std::vector<std::string> crash_kinds = {"create", "publish", "sign",   "unsign", "cds-add",
                                                     "cds-drop", "unpublish", "retire", "remove"};
// The kinds of step issue 4 names, each covered by some of the kinds above: a
// crash at any one of a group's kinds proves that group. (Some kinds never
// happen in a sign run of some methods: with double-KSK the old DS leaves the
// CDS set in the `rollover --ds-seen` run that confirms the new one.)
std::string crash_group(const std::string& kind);

struct SimOptions {
  std::string zonesign;   // the binary under test
  std::string method;     // one of method_names()
  std::string work;       // work folder (keys, policy, outputs)
  std::string zone_file;  // unsigned zone (default: sim.zone beside the sources)
  std::string origin = "sim.example.";
  std::string shim;       // crash shim library (needed with crash kinds)
  std::set<std::string> crash;  // kinds to crash once each
  UnixTime start = 1798761600;  // 2027-01-01T00:00:00Z
  Duration interval = 6 * 3600;
  int days = 730;
  bool verbose = false;
  // Issue 8: with pauses, the pause and clock-step matrix instead of the
  // timeline (pause.cpp): the schedule is copied after the first run and
  // after the first run of each kind of key step, and from each copy no run
  // happens for each of these many days, then cron resumes.
  std::vector<int> pause_days;
  int other_validator_runs = 3;  // runs after a pause checked by ldns-verify-zone and kzonecheck too
  bool clock_steps = true;       // with pauses: also set the clock back at each starting step
};

std::vector<std::string> method_names();

// Runs the simulation, prints its progress problems and the summary on
// standard output, and returns the process exit status (0: every check passed).
int run_simulation(const SimOptions& options);

}  // namespace zs::sim
