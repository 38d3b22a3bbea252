// zonesign-sim: the rollover simulation of issue 4 (see simulation.hpp).
//   zonesign-sim --zonesign PATH --method M --work DIR [--zone FILE] [--origin NAME]
//                [--days N] [--interval 6h] [--crash-at KIND[,KIND...]|all --shim LIB] [--verbose]
//                [--pauses DAYS[,DAYS...] [--other-validator-runs N] [--no-clock-steps]]
// With --pauses: the pause and clock-step matrix of issue 8 (pause.cpp) instead of the timeline.
// Exit status: 0 when every check passed, 1 on a gap or failure, 2 on bad usage.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "simulation.hpp"

namespace {

int usage(const char* why) {
  std::fprintf(stderr, "zonesign-sim: %s\n", why);
  std::fprintf(stderr,
               "usage: zonesign-sim --zonesign PATH --method M --work DIR [--zone FILE] [--origin NAME]\n"
               "       [--days N] [--interval DURATION] [--crash-at KIND,...|all --shim LIB] [--verbose]\n"
               "       [--pauses DAYS,... [--other-validator-runs N] [--no-clock-steps]]\n"
               "methods:");
  for (const auto& m : zs::sim::method_names()) std::fprintf(stderr, " %s", m.c_str());
  std::fprintf(stderr, "\ncrash kinds:");
  for (const auto& k : zs::sim::crash_kinds) std::fprintf(stderr, " %s", k.c_str());
  std::fprintf(stderr, "\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  zs::sim::SimOptions o;
  o.zone_file = std::string(ZONESIGN_SIM_DIR) + "/sim.zone";
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--verbose") {
      o.verbose = true;
      continue;
    }
    if (a == "--no-clock-steps") {
      o.clock_steps = false;
      continue;
    }
    const char* v = value();
    if (v == nullptr) return usage("an option is missing its value");
    if (a == "--zonesign") o.zonesign = v;
    else if (a == "--method") o.method = v;
    else if (a == "--work") o.work = v;
    else if (a == "--zone") o.zone_file = v;
    else if (a == "--origin") o.origin = v;
    else if (a == "--shim") o.shim = v;
    else if (a == "--days") o.days = std::stoi(v);
    else if (a == "--other-validator-runs") o.other_validator_runs = std::stoi(v);
    else if (a == "--pauses") {
      std::string list = v;
      for (std::size_t pos = 0; pos < list.size();) {
        std::size_t end = list.find(',', pos);
        if (end == std::string::npos) end = list.size();
        int days = std::atoi(list.substr(pos, end - pos).c_str());
        if (days <= 0) return usage("bad --pauses (days, comma-separated)");
        o.pause_days.push_back(days);
        pos = end + 1;
      }
    }
    else if (a == "--interval") {
      auto d = zs::parse_duration(v);
      if (!d || *d <= 0) return usage("bad --interval");
      o.interval = *d;
    } else if (a == "--crash-at") {
      std::string list = v;
      std::size_t pos = 0;
      while (pos <= list.size()) {
        std::size_t end = list.find(',', pos);
        if (end == std::string::npos) end = list.size();
        std::string kind = list.substr(pos, end - pos);
        if (kind == "all") {
          o.crash.insert(zs::sim::crash_kinds.begin(), zs::sim::crash_kinds.end());
        } else {
          bool known = false;
          for (const auto& k : zs::sim::crash_kinds) known = known || k == kind;
          if (!known) return usage(("unknown crash kind " + kind).c_str());
          o.crash.insert(kind);
        }
        pos = end + 1;
      }
    } else {
      return usage(("unknown option " + std::string(a)).c_str());
    }
  }
  if (o.zonesign.empty() || o.method.empty() || o.work.empty()) return usage("--zonesign, --method and --work are required");
  if (!o.crash.empty() && o.shim.empty()) return usage("--crash-at needs --shim");
  if (o.days <= 0) return usage("bad --days");
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  return zs::sim::run_simulation(o);
}
