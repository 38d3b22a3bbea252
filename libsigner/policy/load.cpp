// The YAML side of the policy: structure, types and names only. Every value
// constraint lives in the linter (lint.cpp), so a Policy built in code is
// checked by exactly the same rules as one read from a file.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <span>

#include "core/atomic_file.hpp"
#include "policy/lint.hpp"
#include "policy/policy.hpp"
#include "policy/yaml_document.hpp"

namespace zs {

namespace {

// A policy is a few dozen lines; anything far larger is not one.
constexpr std::size_t max_policy_bytes = 1 << 20;

using Keys = std::vector<std::string_view>;

class Reader {
 public:
  explicit Reader(PolicySource& source) : source_(source) {}

  Location at(const YAML::Mark& m) const { return yaml_location(source_.file, m); }

  std::unexpected<Error> bad(const YAML::Node& node, const std::string& path, const std::string& message) const {
    // A null value ("ttl:" with nothing after it) is marked at whatever token
    // follows; its key's position, recorded by entries(), is where the
    // author looks.
    Location where = node.IsNull() && source_.has(path) ? source_.locate(path) : at(node.Mark());
    if (where.line == 0) where = source_.locate(path);
    return fail(Errc::policy, (path.empty() ? std::string("policy") : path) + ": " + message, std::move(where));
  }

  void record(const std::string& path, const YAML::Node& node) { source_.positions[path] = at(node.Mark()); }

  // The entries of a mapping in file order, after checking that it is one,
  // that every key is a known name and that none repeats. Records the
  // position of each value.
  Result<std::vector<std::pair<std::string, YAML::Node>>> entries(const YAML::Node& map, const std::string& path,
                                                                  const Keys& allowed) {
    if (!map.IsMap()) return bad(map, path, "expected a mapping, got " + yaml_kind(map));
    std::vector<std::pair<std::string, YAML::Node>> out;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) return bad(key, path, "a key must be a plain name");
      const std::string& name = key.Scalar();
      const std::string child = yaml_path(path, name);
      if (std::ranges::find(allowed, std::string_view(name)) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list.append(list.empty() ? "" : ", ").append(a);
        return bad(key, child, "unknown field (expected one of: " + list + ")");
      }
      for (const auto& [seen, node] : out)
        if (seen == name) return bad(key, child, "field given twice");
      // A null value ("ttl:" with nothing after it) has no useful mark of
      // its own; the key's is where the author looks.
      source_.positions[child] = at(it->second.IsNull() ? key.Mark() : it->second.Mark());
      out.emplace_back(name, it->second);
    }
    return out;
  }

  Result<std::string> scalar(const YAML::Node& node, const std::string& path, const char* what) const {
    if (!node.IsScalar()) return bad(node, path, std::string("expected ") + what + ", got " + yaml_kind(node));
    return node.Scalar();
  }

  // Numbers and booleans must be plain scalars: "1" in quotes is a string.
  Result<std::string> plain(const YAML::Node& node, const std::string& path, const char* what) const {
    auto text = scalar(node, path, what);
    if (text && node.Tag() != "?") return bad(node, path, std::string("expected ") + what + ", got a quoted string");
    return text;
  }

  Result<Duration> duration(const YAML::Node& node, const std::string& path) const {
    auto text = scalar(node, path, "a duration");
    if (!text) return fail(text.error());
    auto d = parse_duration(*text);
    if (!d) return bad(node, path, "bad duration " + quote_text(*text) + " (use s, m, h, d, w units, e.g. 1w2d)");
    return *d;
  }

  Result<unsigned> number(const YAML::Node& node, const std::string& path) const {
    auto text = plain(node, path, "a number");
    if (!text) return fail(text.error());
    unsigned value = 0;
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec == std::errc::result_out_of_range) return bad(node, path, "number " + *text + " is out of range");
    if (text->empty() || ec != std::errc() || ptr != end)
      return bad(node, path, "expected a non-negative whole number, got " + quote_text(*text));
    return value;
  }

  Result<bool> boolean(const YAML::Node& node, const std::string& path) const {
    auto text = plain(node, path, "true or false");
    if (!text) return fail(text.error());
    // The YAML 1.2 core schema spellings; "yes"/"on" are YAML 1.1 traps.
    if (*text == "true" || *text == "True" || *text == "TRUE") return true;
    if (*text == "false" || *text == "False" || *text == "FALSE") return false;
    return bad(node, path, "expected true or false, got " + quote_text(*text));
  }

 private:
  PolicySource& source_;
};

Result<KeyPolicy> read_key(Reader& r, Role role, const YAML::Node& node, const std::string& path) {
  auto fields = r.entries(node, path, {"algorithm", "size", "lifetime", "rollover"});
  if (!fields) return fail(fields.error());
  KeyPolicy key = default_key_policy(role);
  std::optional<unsigned> size;
  for (const auto& [name, value] : *fields) {
    const std::string p = yaml_path(path, name);
    if (name == "algorithm") {
      auto text = r.scalar(value, p, "an algorithm name");
      if (!text) return fail(text.error());
      auto alg = algorithm_from_string(*text);
      if (!alg) return r.bad(value, p, "unknown algorithm " + quote_text(*text));
      key.algorithm = *alg;
    } else if (name == "size") {
      auto n = r.number(value, p);
      if (!n) return fail(n.error());
      size = *n;
    } else if (name == "lifetime") {
      if (value.IsScalar() && value.Scalar() == "unlimited") {
        key.lifetime.reset();
      } else {
        auto d = r.duration(value, p);
        if (!d) return fail(d.error());
        key.lifetime = *d;
      }
    } else if (name == "rollover") {
      auto text = r.scalar(value, p, "a rollover method");
      if (!text) return fail(text.error());
      auto m = rollover_method_from_string(*text);
      if (!m)
        return r.bad(
            value, p,
            "unknown rollover method " + quote_text(*text) + " (pre-publish, double-signature, double-ksk, double-ds)");
      key.rollover = *m;
    }
  }
  // Known only once the algorithm is, whatever the field order.
  key.size = size ? *size : (algorithm_takes_size(key.algorithm) ? 2048 : 0);
  return key;
}

// keys.pkcs11: the token new keys are made in (docs/hsm.md).
Result<void> read_pkcs11(Reader& r, const YAML::Node& node, Pkcs11Policy& out) {
  const std::string path = "keys.pkcs11";
  auto fields = r.entries(node, path, {"module", "token", "pin-file"});
  if (!fields) return fail(fields.error());
  for (const auto& [name, value] : *fields) {
    const std::string p = yaml_path(path, name);
    const char* what = name == "module" ? "a module path" : name == "token" ? "a token label" : "a file path";
    auto text = r.scalar(value, p, what);
    if (!text) return fail(text.error());
    if (text->empty()) return r.bad(value, p, "must not be empty");
    (name == "module" ? out.module : name == "token" ? out.token : out.pin_file) = *text;
  }
  if (out.module.empty()) return r.bad(node, path, "module: missing (the PKCS#11 module's path)");
  if (out.token.empty()) return r.bad(node, path, "token: missing (the token's label)");
  return {};
}

Result<void> read_keys(Reader& r, const YAML::Node& node, Policy& policy) {
  auto fields = r.entries(node, "keys", {"ksk", "zsk", "csk", "store", "pkcs11"});
  if (!fields) return fail(fields.error());
  // The key list is the one the file gives; a `keys:` that only says where
  // keys are made keeps the default list.
  const bool lists_keys =
      std::ranges::any_of(*fields, [](const auto& f) { return f.first != "store" && f.first != "pkcs11"; });
  if (lists_keys || fields->empty()) policy.keys.clear();
  const YAML::Node* store = nullptr;
  const YAML::Node* pkcs11 = nullptr;
  for (const auto& [name, value] : *fields) {
    if (name == "store") store = &value;
    if (name == "pkcs11") pkcs11 = &value;
  }
  if (store) {
    auto text = r.scalar(*store, "keys.store", "files or pkcs11");
    if (!text) return fail(text.error());
    if (*text == "pkcs11") policy.key_store.kind = KeyStoreKind::pkcs11;
    else if (*text == "files") policy.key_store.kind = KeyStoreKind::files;
    else return r.bad(*store, "keys.store", "unknown key store " + quote_text(*text) + " (files, pkcs11)");
  }
  if (pkcs11) {
    if (policy.key_store.kind != KeyStoreKind::pkcs11)
      return r.bad(*pkcs11, "keys.pkcs11", "given, but keys.store is not pkcs11 (add `store: pkcs11`)");
    if (auto p = read_pkcs11(r, *pkcs11, policy.key_store.pkcs11); !p) return p;
  } else if (policy.key_store.kind == KeyStoreKind::pkcs11) {
    return r.bad(*store, "keys.store", "pkcs11 needs keys.pkcs11 (module, token, pin-file)");
  }
  // Model order is ksk, zsk, csk whatever the file order.
  for (Role role : {Role::ksk, Role::zsk, Role::csk}) {
    for (const auto& [name, value] : *fields) {
      if (name != role_name(role)) continue;
      auto key = read_key(r, role, value, "keys." + name);
      if (!key) return fail(key.error());
      policy.keys.push_back(*key);
    }
  }
  return {};
}

Result<void> read_durations(Reader& r, const YAML::Node& node, const std::string& path,
                            std::span<const std::pair<std::string_view, Duration*>> targets) {
  std::vector<std::string_view> names;
  for (const auto& t : targets) names.push_back(t.first);
  auto fields = r.entries(node, path, names);
  if (!fields) return fail(fields.error());
  for (const auto& [name, value] : *fields) {
    auto d = r.duration(value, yaml_path(path, name));
    if (!d) return fail(d.error());
    *std::ranges::find(targets, std::string_view(name), &std::pair<std::string_view, Duration*>::first)->second = *d;
  }
  return {};
}

Result<void> read_denial(Reader& r, const YAML::Node& node, DenialPolicy& denial) {
  auto fields = r.entries(node, "denial", {"type", "iterations", "salt-length", "opt-out"});
  if (!fields) return fail(fields.error());
  for (const auto& [name, value] : *fields) {
    const std::string p = "denial." + name;
    if (name == "type") {
      auto text = r.scalar(value, p, "nsec or nsec3");
      if (!text) return fail(text.error());
      if (*text == "nsec")
        denial.type = DenialType::nsec;
      else if (*text == "nsec3")
        denial.type = DenialType::nsec3;
      else
        return r.bad(value, p, "unknown denial type " + quote_text(*text) + " (nsec or nsec3)");
    } else if (name == "iterations" || name == "salt-length") {
      auto n = r.number(value, p);
      if (!n) return fail(n.error());
      (name == "iterations" ? denial.iterations : denial.salt_length) = *n;
    } else if (name == "opt-out") {
      auto b = r.boolean(value, p);
      if (!b) return fail(b.error());
      denial.opt_out = *b;
    }
  }
  return {};
}

Result<ParentServer> read_server(Reader& r, const YAML::Node& node, const std::string& path) {
  auto text = r.scalar(node, path, "a server address");
  if (!text) return fail(text.error());
  ParentServer server;
  // "address@port" as dig and BIND write it, so an IPv6 address needs no brackets.
  auto at = text->rfind('@');
  server.address = text->substr(0, at);
  if (at != std::string::npos) {
    const std::string port = text->substr(at + 1);
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value > 65535)
      return r.bad(node, path, "bad port in " + quote_text(*text) + " (address@port)");
    server.port = static_cast<std::uint16_t>(value);
  }
  return server;
}

Result<void> read_parent(Reader& r, const YAML::Node& node, ParentPolicy& parent) {
  auto fields = r.entries(node, "parent", {"cds", "cds-digests", "servers", "discover"});
  if (!fields) return fail(fields.error());
  for (const auto& [name, value] : *fields) {
    const std::string p = "parent." + name;
    if (name == "cds" || name == "discover") {
      auto b = r.boolean(value, p);
      if (!b) return fail(b.error());
      (name == "cds" ? parent.cds : parent.discover) = *b;
      continue;
    }
    if (!value.IsSequence()) return r.bad(value, p, "expected a list, got " + yaml_kind(value));
    if (name == "cds-digests") parent.cds_digests.clear();
    if (name == "servers") parent.servers.clear();
    for (std::size_t i = 0; i < value.size(); ++i) {
      const YAML::Node item = value[i];
      const std::string ip = p + "." + std::to_string(i);
      r.record(ip, item);
      if (name == "cds-digests") {
        auto text = r.scalar(item, ip, "a digest name");
        if (!text) return fail(text.error());
        auto d = digest_from_string(*text);
        if (!d) return r.bad(item, ip, "unknown digest " + quote_text(*text) + " (sha256, sha384, sha1)");
        parent.cds_digests.push_back(*d);
      } else {
        auto s = read_server(r, item, ip);
        if (!s) return fail(s.error());
        parent.servers.push_back(*s);
      }
    }
  }
  return {};
}

Result<Policy> read_policy(Reader& r, const YAML::Node& root) {
  if (root.IsNull())
    return fail(Errc::policy, "version: missing (the file is empty)", Location{r.at(root.Mark()).file, 1, 1});
  if (!root.IsMap()) return r.bad(root, "", "a policy is a mapping that starts with version: 1");
  // The version decides what the rest means, so it is read before anything else.
  const YAML::Node version = root["version"];
  if (!version) return r.bad(root, "version", "missing (this reader knows version 1)");
  auto v = r.number(version, "version");
  if (!v) return fail(v.error());
  r.record("version", version);
  if (*v != 1) return r.bad(version, "version", "unsupported version " + std::to_string(*v) + " (this is version 1)");

  auto fields = r.entries(
      root, "",
      {"version", "keys", "signatures", "ttl", "delays", "denial", "parent", "serial", "run-interval", "zonemd"});
  if (!fields) return fail(fields.error());
  Policy policy = default_policy();
  for (const auto& [name, value] : *fields) {
    Result<void> ok;
    if (name == "keys") {
      ok = read_keys(r, value, policy);
    } else if (name == "signatures") {
      SignaturePolicy& s = policy.signatures;
      const std::pair<std::string_view, Duration*> t[] = {{"validity", &s.validity},
                                                          {"dnskey-validity", &s.dnskey_validity},
                                                          {"refresh", &s.refresh},
                                                          {"jitter", &s.jitter},
                                                          {"inception-offset", &s.inception_offset}};
      ok = read_durations(r, value, name, t);
    } else if (name == "ttl") {
      const std::pair<std::string_view, Duration*> t[] = {
          {"dnskey", &policy.ttl.dnskey}, {"zone-max", &policy.ttl.zone_max}, {"parent-ds", &policy.ttl.parent_ds}};
      ok = read_durations(r, value, name, t);
    } else if (name == "delays") {
      DelayPolicy& d = policy.delays;
      const std::pair<std::string_view, Duration*> t[] = {{"zone-propagation", &d.zone_propagation},
                                                          {"parent-propagation", &d.parent_propagation},
                                                          {"publish-safety", &d.publish_safety},
                                                          {"retire-safety", &d.retire_safety}};
      ok = read_durations(r, value, name, t);
    } else if (name == "denial") {
      ok = read_denial(r, value, policy.denial);
    } else if (name == "parent") {
      ok = read_parent(r, value, policy.parent);
    } else if (name == "serial") {
      auto text = r.scalar(value, name, "a serial policy");
      if (!text) return fail(text.error());
      auto s = serial_policy_from_string(*text);
      if (!s)
        return r.bad(value, name, "unknown serial policy " + quote_text(*text) + " (keep, increment, unixtime, date)");
      policy.serial = *s;
    } else if (name == "run-interval") {
      auto d = r.duration(value, name);
      if (!d) return fail(d.error());
      policy.run_interval = *d;
    } else if (name == "zonemd") {
      auto b = r.boolean(value, name);
      if (!b) return fail(b.error());
      policy.zonemd = *b;
    }
    if (!ok) return fail(ok.error());
  }
  return policy;
}

}  // namespace

Result<LoadedPolicy> load_policy_text(std::string_view yaml, const std::string& display_name) {
  PolicySource source;
  source.file = display_name;
  Reader reader(source);
  if (yaml.size() > max_policy_bytes)
    return fail(Errc::policy, "policy: file too large (over 1 MiB)", Location{display_name, 0, 0});
  auto document = load_single_document(std::string(yaml), display_name, "policy");
  if (!document) return fail(document.error());
  if (!*document) return fail(Errc::policy, "version: missing (the file is empty)", Location{display_name, 1, 1});
  try {
    const YAML::Node& root = **document;
    source.positions[""] = reader.at(root.Mark());
    auto policy = read_policy(reader, root);
    if (!policy) return fail(policy.error());
    auto warnings = lint_policy(*policy, source);
    if (!warnings) return fail(warnings.error());
    return LoadedPolicy{std::move(*policy), std::move(*warnings)};
  } catch (const YAML::Exception& e) {
    return fail(Errc::policy, "YAML syntax: " + e.msg, reader.at(e.mark));
  }
}

Result<LoadedPolicy> load_policy(const std::string& path) {
  // The one reader of the project (regular files only, never blocking on a
  // FIFO); one byte past the limit, so load_policy_text says it is too large.
  auto text = read_file(path, max_policy_bytes + 1);
  if (!text) {
    if (text.error().code == Errc::limit)
      return fail(Errc::policy, "policy: file too large (over 1 MiB)", Location{path, 0, 0});
    return fail(Errc::io, "cannot read policy file: " + text.error().message);
  }
  return load_policy_text(*text, path);
}

}  // namespace zs
