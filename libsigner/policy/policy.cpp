#include "policy/policy.hpp"

namespace zs {

std::string_view serial_policy_name(SerialPolicy policy) noexcept {
  switch (policy) {
    case SerialPolicy::keep: return "keep";
    case SerialPolicy::increment: return "increment";
    case SerialPolicy::unixtime: return "unixtime";
    case SerialPolicy::date: return "date";
  }
  return "unixtime";
}

std::optional<SerialPolicy> serial_policy_from_string(std::string_view text) noexcept {
  for (SerialPolicy p : {SerialPolicy::keep, SerialPolicy::increment, SerialPolicy::unixtime, SerialPolicy::date})
    if (serial_policy_name(p) == text) return p;
  return std::nullopt;
}

std::string_view role_name(Role role) noexcept {
  switch (role) {
    case Role::ksk: return "ksk";
    case Role::zsk: return "zsk";
    case Role::csk: return "csk";
  }
  return "zsk";
}

std::string_view rollover_method_name(RolloverMethod method) noexcept {
  switch (method) {
    case RolloverMethod::pre_publish: return "pre-publish";
    case RolloverMethod::double_signature: return "double-signature";
    case RolloverMethod::double_ksk: return "double-ksk";
    case RolloverMethod::double_ds: return "double-ds";
  }
  return "pre-publish";
}

std::optional<RolloverMethod> rollover_method_from_string(std::string_view text) noexcept {
  for (RolloverMethod m : {RolloverMethod::pre_publish, RolloverMethod::double_signature, RolloverMethod::double_ksk,
                           RolloverMethod::double_ds})
    if (rollover_method_name(m) == text) return m;
  return std::nullopt;
}

std::string_view denial_type_name(DenialType type) noexcept { return type == DenialType::nsec ? "nsec" : "nsec3"; }

std::string_view policy_digest_name(DigestType digest) noexcept {
  switch (digest) {
    case DigestType::SHA1: return "sha1";
    case DigestType::SHA256: return "sha256";
    case DigestType::SHA384: return "sha384";
  }
  return "sha256";
}

const KeyPolicy* Policy::key_for(Role role) const noexcept {
  for (const KeyPolicy& k : keys)
    if (k.role == role) return &k;
  return nullptr;
}

std::string Warning::to_string() const {
  std::string out = where.prefix();
  out += "warning: ";
  out += path;
  out += ": ";
  out += message;
  return out;
}

KeyPolicy default_key_policy(Role role) {
  switch (role) {
    case Role::ksk: return {role, Algorithm::ECDSAP256SHA256, 0, Duration{365 * 86400}, RolloverMethod::double_ksk};
    case Role::zsk: return {role, Algorithm::ECDSAP256SHA256, 0, Duration{90 * 86400}, RolloverMethod::pre_publish};
    case Role::csk: return {role, Algorithm::ECDSAP256SHA256, 0, Duration{365 * 86400}, RolloverMethod::double_ksk};
  }
  return {};
}

Policy default_policy() {
  Policy p;
  p.keys = {default_key_policy(Role::ksk), default_key_policy(Role::zsk)};
  return p;
}

Result<void> check_zone_ttls(const Policy& policy, std::uint32_t max_ttl_in_zone) {
  if (static_cast<Duration>(max_ttl_in_zone) > policy.ttl.zone_max)
    return fail(Errc::policy, "TTL " + std::to_string(max_ttl_in_zone) + " (" + format_duration(max_ttl_in_zone) +
                                  ") exceeds the policy's ttl.zone-max " + format_duration(policy.ttl.zone_max) +
                                  ", on which signature refresh and rollover timing rely");
  return {};
}

std::string describe(const Policy& p) {
  std::string out;
  const auto line = [&out](std::string_view indent, std::string_view key, std::string_view value) {
    out.append(indent).append(key).append(": ").append(value).append("\n");
  };
  const auto dur = [](Duration d) { return format_duration(d); };

  line("", "version", std::to_string(p.version));
  out += "keys:\n";
  for (Role role : {Role::ksk, Role::zsk, Role::csk}) {
    const KeyPolicy* k = p.key_for(role);
    if (!k) continue;
    out.append("  ").append(role_name(role)).append(":\n");
    line("    ", "algorithm", algorithm_name(k->algorithm));
    if (k->size != 0) line("    ", "size", std::to_string(k->size));
    line("    ", "lifetime", k->lifetime ? dur(*k->lifetime) : "unlimited");
    line("    ", "rollover", rollover_method_name(k->rollover));
  }
  if (p.key_store.kind == KeyStoreKind::pkcs11) {
    // Quoted: paths and token labels may hold YAML's special characters.
    const auto quoted = [](const std::string& text) {
      std::string q = "\"";
      for (char c : text) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
      }
      return q + "\"";
    };
    line("  ", "store", "pkcs11");
    out += "  pkcs11:\n";
    line("    ", "module", quoted(p.key_store.pkcs11.module));
    line("    ", "token", quoted(p.key_store.pkcs11.token));
    if (!p.key_store.pkcs11.pin_file.empty()) line("    ", "pin-file", quoted(p.key_store.pkcs11.pin_file));
  }
  out += "signatures:\n";
  line("  ", "validity", dur(p.signatures.validity));
  line("  ", "dnskey-validity", dur(p.signatures.dnskey_validity));
  line("  ", "refresh", dur(p.signatures.refresh));
  line("  ", "jitter", dur(p.signatures.jitter));
  line("  ", "inception-offset", dur(p.signatures.inception_offset));
  out += "ttl:\n";
  line("  ", "dnskey", dur(p.ttl.dnskey));
  line("  ", "zone-max", dur(p.ttl.zone_max));
  line("  ", "parent-ds", dur(p.ttl.parent_ds));
  out += "delays:\n";
  line("  ", "zone-propagation", dur(p.delays.zone_propagation));
  line("  ", "parent-propagation", dur(p.delays.parent_propagation));
  line("  ", "publish-safety", dur(p.delays.publish_safety));
  line("  ", "retire-safety", dur(p.delays.retire_safety));
  out += "denial:\n";
  line("  ", "type", denial_type_name(p.denial.type));
  line("  ", "iterations", std::to_string(p.denial.iterations));
  line("  ", "salt-length", std::to_string(p.denial.salt_length));
  line("  ", "opt-out", p.denial.opt_out ? "true" : "false");
  out += "parent:\n";
  line("  ", "cds", p.parent.cds ? "true" : "false");
  std::string digests = "[";
  for (std::size_t i = 0; i < p.parent.cds_digests.size(); ++i)
    digests.append(i ? ", " : "").append(policy_digest_name(p.parent.cds_digests[i]));
  line("  ", "cds-digests", digests + "]");
  std::string servers = "[";
  for (std::size_t i = 0; i < p.parent.servers.size(); ++i) {
    const ParentServer& s = p.parent.servers[i];
    // Quoted because an IPv6 address is full of colons.
    servers.append(i ? ", \"" : "\"").append(s.address);
    if (s.port != 53) servers.append("@").append(std::to_string(s.port));
    servers += '"';
  }
  line("  ", "servers", servers + "]");
  line("  ", "discover", p.parent.discover ? "true" : "false");
  line("", "serial", serial_policy_name(p.serial));
  line("", "run-interval", dur(p.run_interval));
  line("", "zonemd", p.zonemd ? "true" : "false");
  return out;
}

}  // namespace zs
