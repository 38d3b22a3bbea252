#include "input_options.hpp"

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
