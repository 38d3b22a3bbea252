#include "policy/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "core/atomic_file.hpp"
#include "policy/yaml_document.hpp"

namespace zs {

namespace {

// A config of thousands of zones is a few hundred KiB; anything far larger
// is not one.
constexpr std::size_t max_config_bytes = 16 << 20;

using Keys = std::vector<std::string_view>;

class ConfigReader {
 public:
  ConfigReader(std::string file, std::filesystem::path base) : file_(std::move(file)), base_(std::move(base)) {}

  Location at(const YAML::Mark& m) const { return yaml_location(file_, m); }

  // `where` is the key's position for a null value ("file:" with nothing
  // after it), whose own mark points at the next token.
  std::unexpected<Error> bad(const Location& where, const std::string& path, const std::string& message) const {
    return fail(Errc::policy, (path.empty() ? std::string("config") : path) + ": " + message, where);
  }
  std::unexpected<Error> bad(const YAML::Node& node, const std::string& path, const std::string& message) const {
    return bad(at(node.Mark()), path, message);
  }

  struct Entry {
    std::string name;
    YAML::Node value;
    Location where;  // of the value, or of the key when the value is null
  };

  // A mapping's entries in file order: every key known, none repeated.
  Result<std::vector<Entry>> entries(const YAML::Node& map, const std::string& path, const Keys& allowed,
                                     const Location& where) const {
    if (!map.IsMap())
      return bad(map.IsNull() ? where : at(map.Mark()), path, "expected a mapping, got " + yaml_kind(map));
    std::vector<Entry> out;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) return bad(key, path, "a key must be a plain name");
      const std::string& name = key.Scalar();
      const std::string child = yaml_path(path, name);
      if (!allowed.empty() && std::ranges::find(allowed, std::string_view(name)) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list.append(list.empty() ? "" : ", ").append(a);
        return bad(key, child, "unknown field (expected one of: " + list + ")");
      }
      for (const auto& seen : out)
        if (seen.name == name) return bad(key, child, "field given twice");
      out.push_back({name, it->second, at(it->second.IsNull() ? key.Mark() : it->second.Mark())});
    }
    return out;
  }

  Result<std::string> text(const Entry& e, const std::string& path, const char* what) const {
    if (!e.value.IsScalar() || e.value.Scalar().empty())
      return bad(e.where, path, std::string("expected ") + what + ", got " + yaml_kind(e.value));
    return e.value.Scalar();
  }

  // A path as written, resolved against the config file's folder.
  Result<std::string> file_path(const Entry& e, const std::string& path, const char* what) const {
    auto t = text(e, path, what);
    if (!t) return std::unexpected(t.error());
    const std::filesystem::path p(*t);
    return p.is_absolute() ? p.lexically_normal().string() : (base_ / p).lexically_normal().string();
  }

 private:
  std::string file_;
  std::filesystem::path base_;
};


// The top level's defaults, applied to entries that leave the field out.
struct ConfigDefaults {
  std::string keys;
  std::string policy_name;
  Location policy_where;
};

Result<ZoneConfig> read_zone(const ConfigReader& r, const YAML::Node& node, const std::string& path,
                             const Location& where, const ConfigDefaults& defaults,
                             const std::map<std::string, std::string>& policies) {
  auto fields = r.entries(node, path, {"origin", "file", "output", "keys", "policy"}, where);
  if (!fields) return std::unexpected(fields.error());
  ZoneConfig zone;
  zone.where = r.at(node.Mark());
  bool has_origin = false;
  std::string policy_name = defaults.policy_name;
  Location policy_where = defaults.policy_where;
  std::string policy_path = "policy";
  zone.keys = defaults.keys;
  for (const auto& e : *fields) {
    const std::string p = yaml_path(path, e.name);
    if (e.name == "origin") {
      auto t = r.text(e, p, "a zone name");
      if (!t) return std::unexpected(t.error());
      std::string absolute = *t;
      if (absolute.back() != '.' || (absolute.size() >= 2 && absolute[absolute.size() - 2] == '\\')) absolute += '.';
      auto name = Name::parse(absolute);
      if (!name) return r.bad(e.where, p, "bad zone name " + quote_text(*t) + ": " + name.error().message);
      zone.origin = *name;
      has_origin = true;
    } else if (e.name == "policy") {
      auto t = r.text(e, p, "a policy name from policies:");
      if (!t) return std::unexpected(t.error());
      policy_name = *t;
      policy_where = e.where;
      policy_path = p;
    } else {
      auto resolved = r.file_path(e, p, "a path");
      if (!resolved) return std::unexpected(resolved.error());
      (e.name == "file" ? zone.file : e.name == "output" ? zone.output : zone.keys) = *resolved;
    }
  }
  if (!has_origin) return r.bad(zone.where, path + ".origin", "missing (the zone's name)");
  if (zone.file.empty()) return r.bad(zone.where, path + ".file", "missing (the zone file to sign)");
  if (zone.output.empty()) return r.bad(zone.where, path + ".output", "missing (the signed zone file to write)");
  if (zone.keys.empty())
    return r.bad(zone.where, path + ".keys", "missing, and no top-level keys: gives a default (the key folder)");
  if (zone.output == zone.file)
    return r.bad(zone.where, path + ".output", "is the zone file itself: signing would overwrite its input");
  if (!policy_name.empty()) {
    auto found = policies.find(policy_name);
    if (found == policies.end()) {
      std::string known;
      for (const auto& [name, file] : policies) known.append(known.empty() ? "" : ", ").append(name);
      return r.bad(policy_where, policy_path,
                   "unknown policy " + quote_text(policy_name) +
                       (known.empty() ? std::string(" (the config has no policies:)") : " (known: " + known + ")"));
    }
    zone.policy = found->second;
    zone.policy_name = policy_name;
  }
  return zone;
}

Result<Config> read_config(const ConfigReader& r, const YAML::Node& root, const std::string& display_name) {
  const Location file_start{display_name, 1, 1};
  if (root.IsNull()) return r.bad(file_start, "version", "missing (the file is empty)");
  auto fields = r.entries(root, "", {"version", "keys", "policy", "policies", "zones"}, file_start);
  if (!fields) return std::unexpected(fields.error());
  Config config;
  config.file = display_name;
  ConfigDefaults defaults;
  const ConfigReader::Entry* zones = nullptr;
  bool has_version = false;
  // Fields are read in an order that does not depend on the file's: the
  // zones need the defaults and the policies, wherever those are written.
  for (const auto& e : *fields) {
    if (e.name == "version") {
      auto t = r.text(e, "version", "a version number");
      if (!t) return std::unexpected(t.error());
      if (*t != "1" || e.value.Tag() != "?")
        return r.bad(e.where, "version", "unsupported version " + quote_text(*t) + " (this zonesign reads version 1)");
      has_version = true;
    } else if (e.name == "keys") {
      auto resolved = r.file_path(e, "keys", "a path");
      if (!resolved) return std::unexpected(resolved.error());
      defaults.keys = *resolved;
    } else if (e.name == "policy") {
      auto t = r.text(e, "policy", "a policy name from policies:");
      if (!t) return std::unexpected(t.error());
      defaults.policy_name = *t;
      defaults.policy_where = e.where;
    } else if (e.name == "policies") {
      auto entries = r.entries(e.value, "policies", {}, e.where);
      if (!entries) return std::unexpected(entries.error());
      for (const auto& p : *entries) {
        auto resolved = r.file_path(p, "policies." + p.name, "the path of a policy file");
        if (!resolved) return std::unexpected(resolved.error());
        config.policies[p.name] = *resolved;
      }
    } else if (e.name == "zones") {
      zones = &e;
    }
  }
  if (!has_version) return r.bad(r.at(root.Mark()), "version", "missing (write version: 1)");
  if (!zones) return r.bad(r.at(root.Mark()), "zones", "missing (the list of zones)");
  if (!zones->value.IsSequence() || zones->value.size() == 0)
    return r.bad(zones->where, "zones", "expected a list of zones, got " + yaml_kind(zones->value));
  for (std::size_t i = 0; i < zones->value.size(); ++i) {
    const YAML::Node node = zones->value[i];
    const std::string path = "zones[" + std::to_string(i) + "]";
    auto zone = read_zone(r, node, path, r.at(node.Mark()), defaults, config.policies);
    if (!zone) return std::unexpected(zone.error());
    for (const auto& seen : config.zones) {
      if (seen.origin == zone->origin)
        return r.bad(node, path + ".origin",
                     "zone " + zone->origin.to_string() + " is listed twice (first at line " +
                         std::to_string(seen.where.line) + ")");
      if (seen.output == zone->output)
        return r.bad(node, path + ".output",
                     "the output of zone " + seen.origin.to_string() + " too: one run would overwrite the other");
    }
    config.zones.push_back(std::move(*zone));
  }
  return config;
}

}  // namespace

Result<const ZoneConfig*> Config::zone(std::string_view name) const {
  std::string absolute(name);
  if (absolute.empty()) return fail(Errc::usage, "--zone: empty zone name");
  if (absolute.back() != '.' || (absolute.size() >= 2 && absolute[absolute.size() - 2] == '\\')) absolute += '.';
  auto parsed = Name::parse(absolute);
  if (!parsed) return fail(Errc::usage, "--zone: " + parsed.error().message);
  for (const auto& z : zones)
    if (z.origin == *parsed) return &z;
  std::string known;
  for (const auto& z : zones) {
    if (known.size() > 200) {
      known += ", ...";
      break;
    }
    known.append(known.empty() ? "" : ", ").append(z.origin.to_string());
  }
  return fail(Errc::usage, "--zone: " + parsed->to_string() + " is not in " + file + " (it lists " + known + ")");
}

Result<Config> load_config_text(std::string_view yaml, const std::string& display_name, const std::string& base_dir) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::absolute(base_dir.empty() ? "." : base_dir, ec);
  if (ec) base = base_dir;
  ConfigReader reader(display_name, base.lexically_normal());
  if (yaml.size() > max_config_bytes)
    return fail(Errc::policy, "config: file too large (over 16 MiB)", Location{display_name, 0, 0});
  auto document = load_single_document(std::string(yaml), display_name, "config");
  if (!document) return std::unexpected(document.error());
  try {
    return read_config(reader, document->value_or(YAML::Node()), display_name);
  } catch (const YAML::Exception& e) {
    return fail(Errc::policy, "YAML syntax: " + e.msg, reader.at(e.mark));
  }
}

Result<Config> load_config(const std::string& path) {
  auto text = read_file(path, max_config_bytes + 1);
  if (!text) {
    if (text.error().code == Errc::limit)
      return fail(Errc::policy, "config: file too large (over 16 MiB)", Location{path, 0, 0});
    return fail(Errc::io, "cannot read config file: " + text.error().message);
  }
  return load_config_text(*text, path, std::filesystem::path(path).parent_path().string());
}

std::string config_path_from_environment(const char* env) {
  return env && *env ? std::string(env) : std::string(default_config_path);
}

}  // namespace zs
