#include "methods.hpp"

namespace zs::sim {

namespace {

Method named(std::string name, std::string description) {
  Method m;
  m.name = std::move(name);
  m.description = std::move(description);
  return m;
}

}  // namespace

std::vector<Method> methods() {
  std::vector<Method> m;
  m.push_back(named("prepublish", "ZSK pre-publish, KSK double-KSK"));
  {
    Method x = named("double-signature", "ZSK double-signature, KSK double-DS");
    x.zsk_rollover = "double-signature";
    x.ksk_rollover = "double-ds";
    m.push_back(x);
  }
  {
    Method x = named("csk", "CSK double-KSK");
    x.csk = true;
    m.push_back(x);
  }
  {
    Method x = named("csk-double-ds", "CSK double-DS, NSEC denial");
    x.csk = true;
    x.ksk_rollover = "double-ds";
    x.denial = "nsec";
    m.push_back(x);
  }
  {
    Method x = named("algorithm", "KSK+ZSK algorithm rollover ECDSAP256SHA256 -> ED25519 at day 100");
    x.switch_at = 100 * day + hour;
    x.new_algorithm = "ED25519";
    m.push_back(x);
  }
  {
    Method x = named("emergency", "ZSK pre-publish, KSK double-KSK; rollover --force zsk on day 45, --force ksk on day 200");
    // Between two runs, as an operator who learns of a compromise would.
    x.forces = {Force{45 * day + 3 * hour, "zsk"}, Force{200 * day + 3 * hour, "ksk"}};
    m.push_back(x);
  }
  {
    // The same emergency with the sign run right after the forced rollover (at the
    // run's own time): tells a planner problem from one of `rollover` acting between runs.
    Method x = named("emergency-at-run", "as emergency, but each --force comes at a run's time, just before its sign");
    x.forces = {Force{45 * day, "zsk"}, Force{200 * day, "ksk"}};
    m.push_back(x);
  }
  {
    Method x = named("slow-parent", "ZSK pre-publish, KSK double-KSK; the parent takes 3 weeks to follow CDS");
    x.parent_delay = 21 * day;
    m.push_back(x);
  }
  return m;
}

std::string policy_yaml(const Method& m, const Timing& t, const std::string& algorithm, Duration interval) {
  auto d = [](Duration v) { return format_duration(v); };
  std::string keys;
  if (m.csk) {
    keys = "  csk: { algorithm: " + algorithm + ", lifetime: " + d(t.csk_lifetime) + ", rollover: " + m.ksk_rollover +
           " }\n";
  } else {
    keys = "  ksk: { algorithm: " + algorithm + ", lifetime: " + d(t.ksk_lifetime) + ", rollover: " + m.ksk_rollover +
           " }\n" + "  zsk: { algorithm: " + algorithm + ", lifetime: " + d(t.zsk_lifetime) +
           ", rollover: " + m.zsk_rollover + " }\n";
  }
  return "# written by zonesign-sim, method " + m.name + "\nversion: 1\nkeys:\n" + keys +
         "signatures: { validity: 14d, dnskey-validity: 14d, refresh: 5d, jitter: 12h, inception-offset: 1h }\n"
         "ttl: { dnskey: " + d(t.dnskey_ttl) + ", zone-max: " + d(t.zone_max) + ", parent-ds: " + d(t.parent_ds_ttl) +
         " }\n"
         "delays: { zone-propagation: " + d(t.zone_propagation) + ", parent-propagation: " + d(t.parent_propagation) +
         ", publish-safety: 1h, retire-safety: 1h }\n"
         "denial: { type: " + m.denial + " }\n"
         "parent: { cds: true, cds-digests: [sha256] }\n"
         "serial: unixtime\n"
         "run-interval: " + d(interval) + "\n";
}

std::vector<SampleSpec> sample_specs(const std::string& denial) {
  std::vector<SampleSpec> s = {
      {"SOA", "@", RrType::SOA, ""},
      {"leaf A", "www", RrType::A, ""},
      {"wildcard A", "*.wild", RrType::A, "probe.wild"},
      {"CDS", "@", RrType::CDS, ""},
      {"delegation DS", "child", RrType::DS, ""},
  };
  if (denial == "nsec") s.push_back({"apex NSEC", "@", RrType::NSEC, ""});
  else s.push_back({"first NSEC3", "", RrType::NSEC3, ""});
  return s;
}

}  // namespace zs::sim
