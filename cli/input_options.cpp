#include "input_options.hpp"

#include <cstdlib>
#include <filesystem>

namespace zs::cli {

void add_input_options(CLI::App& cmd, InputCliOptions& options) {
  cmd.add_flag("--no-include", options.no_include,
               "Refuse $INCLUDE in the zone file (for zone files from elsewhere)");
  cmd.add_option("--include-root", options.include_root,
                 "Let $INCLUDE read only files below DIR (symbolic links resolved)")
      ->type_name("DIR");
  cmd.add_option("--max-input-size", options.max_input_size,
                 "Largest zone file, its included files together (default " +
                     format_byte_count(default_max_zone_bytes) + "; units K, M, G, T)")
      ->type_name("SIZE");
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::size_t i = 0;
  std::uint64_t value = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (value > (UINT64_MAX - 9) / 10) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
    ++i;
  }
  if (i == 0) return std::nullopt;
  std::string unit;
  for (char c : text.substr(i)) unit.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
  unsigned shift = 0;
  if (!unit.empty() && unit != "B") {
    const std::string_view units = "KMGT";
    const auto at = units.find(unit[0]);
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view rest = std::string_view(unit).substr(1);
    if (!rest.empty() && rest != "B" && rest != "IB") return std::nullopt;
    shift = static_cast<unsigned>(10 * (at + 1));
  }
  if (value == 0 || value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

Result<ZoneInputOptions> zone_input_options(const InputCliOptions& options) {
  ZoneInputOptions input;
  input.allow_include = !options.no_include;
  if (!options.include_root.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(options.include_root, ec))
      return fail(Errc::usage, "--include-root: '" + options.include_root + "' is not a folder");
    input.include_root = options.include_root;
  }
  if (!options.max_input_size.empty()) {
    auto size = parse_byte_size(options.max_input_size);
    if (!size)
      return fail(Errc::usage, "--max-input-size: expected a size such as 512M or 16G, not '" +
                                   options.max_input_size + "'");
    input.max_bytes = *size;
  }
  return input;
}

}  // namespace zs::cli

namespace zs::cli {

void add_config_options(CLI::App& cmd, ConfigCliOptions& o, bool zone_option) {
  cmd.add_option("--config", o.config,
                 "Take the zone's paths from this config file (docs/config.md); without a value: "
                 "$ZONESIGN_CONFIG, else " +
                     std::string(default_config_path))
      ->expected(0, 1)
      ->type_name("FILE");
  if (zone_option)
    cmd.add_option("--zone", o.zone, "With --config: the zone to work on (its origin)")->type_name("NAME");
}

bool config_given(const CLI::App& cmd) { return cmd.count("--config") > 0; }

std::string config_path(const ConfigCliOptions& o) {
  return o.config.empty() ? config_path_from_environment(std::getenv("ZONESIGN_CONFIG")) : o.config;
}

Result<std::optional<ConfigSelection>> select_config(const CLI::App& cmd, const ConfigCliOptions& o,
                                                     bool zone_required) {
  if (!config_given(cmd)) {
    // A zone name means nothing without the config that lists it (check,
    // whose own --zone is a file, asks only with --config).
    if (!o.zone.empty())
      return fail(Errc::usage, "--zone NAME needs --config FILE (the config that lists the zone)");
    return std::optional<ConfigSelection>();
  }
  auto config = load_config(config_path(o));
  if (!config) return std::unexpected(config.error());
  ConfigSelection selection{std::move(*config), std::nullopt};
  if (o.zone.empty()) {
    if (zone_required) {
      std::string zones;
      for (const ZoneConfig& z : selection.config.zones)
        zones.append(zones.empty() ? "" : ", ").append(z.origin.to_string());
      std::string command = cmd.get_name();  // `key adopt`, not `adopt`
      for (const CLI::App* up = cmd.get_parent(); up && up->get_parent(); up = up->get_parent())
        command = up->get_name() + " " + command;
      return fail(Errc::usage, command +
                                   " works on one zone: --config needs --zone NAME, one of " + selection.config.file +
                                   "'s zones (" + zones +
                                   "); sign, check, status, plan and ds run over every zone without --zone");
    }
    return std::optional<ConfigSelection>(std::move(selection));
  }
  auto zone = selection.config.zone(o.zone);
  if (!zone) return std::unexpected(zone.error());
  selection.zone = **zone;
  return std::optional<ConfigSelection>(std::move(selection));
}

void use_unless_given(const CLI::App& cmd, const char* option, std::string& target, const std::string& value) {
  if (cmd.count(option) == 0 && !value.empty()) target = value;
}

Result<void> require_options(std::string_view what,
                             std::initializer_list<std::pair<std::string_view, const std::string*>> options) {
  std::string missing;
  for (const auto& [name, value] : options)
    if (value->empty()) missing.append(missing.empty() ? "" : ", ").append(name);
  if (missing.empty()) return {};
  return fail(Errc::usage, std::string(what) + " needs " + missing + " (or --config FILE --zone NAME)");
}

Result<void> apply_zone_config(const CLI::App& cmd, const ConfigCliOptions& o,
                               std::initializer_list<ConfigTarget> targets) {
  auto selected = select_config(cmd, o);
  if (!selected) return std::unexpected(selected.error());
  if (*selected) {
    const ZoneConfig& z = *(*selected)->zone;
    for (const auto& t : targets) {
      switch (t.field) {
        case ZoneField::origin: use_unless_given(cmd, t.option, *t.target, z.origin.to_string()); break;
        case ZoneField::file: use_unless_given(cmd, t.option, *t.target, z.file); break;
        case ZoneField::output: use_unless_given(cmd, t.option, *t.target, z.output); break;
        case ZoneField::keys: use_unless_given(cmd, t.option, *t.target, z.keys); break;
        case ZoneField::policy: use_unless_given(cmd, t.option, *t.target, z.policy); break;
      }
    }
  }
  std::string missing;
  for (const auto& t : targets)
    if (t.required && t.target->empty()) missing.append(missing.empty() ? "" : ", ").append(t.option);
  if (missing.empty()) return {};
  return fail(Errc::usage, cmd.get_name() + " needs " + missing + " (or --config FILE --zone NAME)");
}

}  // namespace zs::cli
