#include "examples.hpp"

#include <algorithm>
#include <array>

namespace zs::cli {

namespace {

// The paths are those of docs and the README: /srv/keys for the key folder,
// /srv/policy.yaml for the policy, /srv/signed/ for published zones.
constexpr std::array example_table = {
    Example{"sign", "Sign with the policy's keys and timings, as the daily cron job does",
            "zonesign sign example.com.zone --origin example.com. --keys /srv/keys --policy /srv/policy.yaml "
            "--output /srv/signed/example.com.zone"},
    Example{"sign", "Sign without a policy (a KSK and a ZSK are created on the first run) and print the zone",
            "zonesign sign example.com.zone --origin example.com. --keys keys --output -"},
    Example{"sign", "Sign every zone the config file lists, in parallel (docs/config.md)",
            "zonesign sign --config /etc/zonesign/zonesign.yaml"},
    Example{"sign", "Sign in a CI step: a zone file from a pull request, a JSON report, operator tasks not failing "
                    "the step",
            "zonesign sign zones/example.com.zone --origin example.com. --keys /srv/keys --policy policy.yaml "
            "--output signed.zone --no-include --json --action-needed-exit 0"},
    Example{"ds", "Print the DS records to give the registrar",
            "zonesign ds --origin example.com. --keys /srv/keys --policy /srv/policy.yaml"},
    Example{"ds", "Check whether every server of the parent already serves the wanted DS set",
            "zonesign ds --origin example.com. --keys /srv/keys --policy /srv/policy.yaml --check-parent"},
    Example{"ds", "Print the DS records of every zone the config lists, each zone's under a `; ZONE` comment line",
            "zonesign ds --config /etc/zonesign/zonesign.yaml"},
    Example{"keygen", "Create a KSK ahead of the first signing run",
            "zonesign keygen --origin example.com. --keys /srv/keys --role ksk --algorithm ECDSAP256SHA256"},
    Example{"verify", "Check a published zone completely, at the present time",
            "zonesign verify /srv/signed/example.com.zone --origin example.com."},
    Example{"verify", "Check that the zone still validates in ten days",
            "zonesign verify /srv/signed/example.com.zone --origin example.com. --now +10d"},
    Example{"rollover", "Record that every parent server now serves the DS of key 45305",
            "zonesign rollover --origin example.com. --keys /srv/keys --policy /srv/policy.yaml --ds-seen 45305"},
    Example{"rollover", "Show what a forced KSK rollover (a compromised key) would do, changing nothing",
            "zonesign rollover --origin example.com. --keys /srv/keys --policy /srv/policy.yaml --force ksk "
            "--dry-run"},
    Example{"status", "Monitor a zone: exit 10 asks the operator to act, 11 means resolvers fail on it",
            "zonesign status --origin example.com. --keys /srv/keys --policy /srv/policy.yaml --json"},
    Example{"status", "Monitor every zone of the config: one block per zone, one metrics file for all of them",
            "zonesign status --config /etc/zonesign/zonesign.yaml --metrics-file "
            "/var/lib/prometheus/node-exporter/zonesign.prom"},
    Example{"plan", "Show the key events of the next two years and draw them",
            "zonesign plan --origin example.com. --keys /srv/keys --policy /srv/policy.yaml --months 24 "
            "--svg example.com-plan.svg"},
    Example{"plan", "Show the coming key events of every zone of the config, without pictures",
            "zonesign plan --config /etc/zonesign/zonesign.yaml --no-svg"},
    Example{"check", "Lint a policy and print every effective value", "zonesign check --policy /srv/policy.yaml -v"},
    Example{"check", "Check a zone file from a pull request as sign would, without keys or $INCLUDE",
            "zonesign check --zone zones/example.com.zone --origin example.com. --policy policy.yaml --no-include"},
    Example{"key adopt", "Rebuild a lost state.yaml from the keys the published zone holds; show it first",
            "zonesign key adopt --origin example.com. --keys /srv/keys --signed /srv/signed/example.com.zone "
            "--dry-run"},
    Example{"key import", "Take over the keys of a zone signed by BIND, ldns or dnst, without a key rollover",
            "zonesign key import --origin example.com. --keys /srv/keys Kexample.com.+013+45305.key "
            "Kexample.com.+013+07291.key"},
    Example{"key export", "Write key 45305 in BIND's format (K<zone>+<alg>+<tag>.key and .private)",
            "zonesign key export --origin example.com. --keys /srv/keys --tag 45305 --format bind --to /tmp/bind-keys"},
};

// A subcommand with an empty group is hidden from --help (the packager one).
bool listed(const CLI::App* sub) { return !sub->get_group().empty(); }

std::vector<CLI::App*> listed_subcommands(CLI::App& app) {
  return app.get_subcommands([](CLI::App* sub) { return listed(sub); });
}

std::string example_footer(const std::vector<Example>& list) {
  std::string text = list.size() == 1 ? "Example:" : "Examples:";
  for (const auto& e : list) {
    text += "\n  ";
    text += e.purpose;
    text += ":\n    ";
    text += e.line;
  }
  return text;
}

void set_footers(CLI::App& app) {
  for (CLI::App* sub : listed_subcommands(app)) {
    const auto list = examples_of(*sub);
    if (!list.empty()) sub->footer(example_footer(list));
    set_footers(*sub);
  }
}

void collect_missing(const CLI::App& app, std::vector<std::string>& missing) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return listed(s); })) {
    const std::string path = command_path(*sub);
    if (examples_of(*sub).empty()) missing.push_back(path);
    collect_missing(*sub, missing);
  }
}

}  // namespace

std::span<const Example> examples() { return example_table; }

std::vector<Example> examples_for(std::string_view command) {
  std::vector<Example> found;
  for (const auto& e : example_table)
    if (e.command == command) found.push_back(e);
  return found;
}

std::vector<Example> examples_of(const CLI::App& sub) {
  std::vector<Example> found = examples_for(command_path(sub));
  if (!found.empty()) return found;
  for (const CLI::App* child : sub.get_subcommands([](const CLI::App* s) { return listed(s); })) {
    const auto more = examples_of(*child);
    found.insert(found.end(), more.begin(), more.end());
  }
  return found;
}

std::string command_path(const CLI::App& sub) {
  std::string path;
  for (const CLI::App* a = &sub; a->get_parent() != nullptr; a = a->get_parent())
    path = path.empty() ? a->get_name() : a->get_name() + " " + path;
  return path;
}

void apply_example_footers(CLI::App& app) { set_footers(app); }

std::vector<std::string> subcommands_without_examples(const CLI::App& app) {
  std::vector<std::string> missing;
  collect_missing(app, missing);
  return missing;
}

}  // namespace zs::cli
