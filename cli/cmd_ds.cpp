// zonesign ds --origin NAME --keys DIR [--digest D]... [--json]
#include <cstdio>

#include "commands.hpp"
#include "signer/ds_report.hpp"

namespace zs::cli {

namespace {
struct DsOptions {
  std::string origin;
  std::string keys = "keys";
  std::vector<std::string> digests;
  bool json = false;
};
}  // namespace

Action add_ds_command(CLI::App& app) {
  auto opts = std::make_shared<DsOptions>();
  CLI::App* cmd = app.add_subcommand("ds", "Print the DS records the parent zone must publish");
  cmd->add_option("--origin", opts->origin, "The zone's name")->required();
  cmd->add_option("--keys", opts->keys, "Key directory")->capture_default_str();
  cmd->add_option("--digest", opts->digests, "SHA-256 (default), SHA-384, or SHA-1 (only when named); repeatable");
  cmd->add_flag("--json", opts->json, "Print the fields a registrar's form asks for, as JSON");
  return [opts]() -> int {
    auto origin = parse_origin(opts->origin);
    if (!origin) return report_error(origin.error());
    DsRequest request{*origin, opts->keys, {}};
    for (const auto& text : opts->digests) {
      auto d = parse_digest(text);
      if (!d) return report_error(d.error());
      request.digests.push_back(*d);
    }
    if (request.digests.empty()) request.digests.push_back(DigestType::SHA256);
    auto entries = make_ds_report(request);
    if (!entries) return report_error(entries.error());
    std::string out = opts->json ? ds_report_json(*origin, *entries) : ds_report_text(*origin, *entries);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return exit_ok;
  };
}

}  // namespace zs::cli
