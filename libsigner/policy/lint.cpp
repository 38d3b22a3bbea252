#include "policy/lint.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <initializer_list>

namespace zs {

namespace {

constexpr Duration max_ttl = 0x7fffffff;  // RFC 2181 §8
// RRSIG times compare in RFC 1982 serial arithmetic (RFC 4034 §3.1.5), so a
// validity window must stay below half the 32-bit space.
constexpr Duration max_validity = 0x7fffffff;

std::string dur(Duration d) { return format_duration(d); }

bool rollover_fits_role(Role role, RolloverMethod method) {
  if (role == Role::zsk) return method == RolloverMethod::pre_publish || method == RolloverMethod::double_signature;
  return method == RolloverMethod::double_ksk || method == RolloverMethod::double_ds;
}

bool valid_address(const std::string& text) {
  std::array<unsigned char, 16> buf{};
  return inet_pton(AF_INET, text.c_str(), buf.data()) == 1 || inet_pton(AF_INET6, text.c_str(), buf.data()) == 1;
}

// Collects the outcome of the rules: the first error wins, warnings accumulate.
class Linter {
 public:
  explicit Linter(const PolicySource& source) : source_(source) {}

  // Blames the first of `paths` that the file spells out, so the position
  // points at what the author wrote; with none of them in the file, the first
  // path is named at its nearest ancestor's position.
  void error(std::initializer_list<std::string> paths, const std::string& message) {
    if (error_) return;
    const std::string& path = pick(paths);
    error_ = Error(Errc::policy, path + ": " + message, source_.locate(path));
  }
  void warn(std::initializer_list<std::string> paths, const std::string& message) {
    const std::string& path = pick(paths);
    warnings_.push_back(Warning{source_.locate(path), path, message});
  }

  bool failed() const { return error_.has_value(); }

  Result<std::vector<Warning>> finish() && {
    if (error_) return fail(std::move(*error_));
    return std::move(warnings_);
  }

 private:
  const std::string& pick(std::initializer_list<std::string> paths) const {
    for (const auto& p : paths)
      if (source_.has(p)) return p;
    return *paths.begin();
  }

  const PolicySource& source_;
  std::optional<Error> error_;
  std::vector<Warning> warnings_;
};

void lint_keys(const Policy& p, Linter& lint) {
  const KeyPolicy* ksk = p.key_for(Role::ksk);
  const KeyPolicy* zsk = p.key_for(Role::zsk);
  const KeyPolicy* csk = p.key_for(Role::csk);
  for (Role role : {Role::ksk, Role::zsk, Role::csk}) {
    auto n = std::ranges::count_if(p.keys, [role](const KeyPolicy& k) { return k.role == role; });
    if (n > 1) lint.error({"keys." + std::string(role_name(role))}, "more than one key policy for this role");
  }
  if (csk && (ksk || zsk))
    lint.error({"keys.csk"}, "a csk replaces the ksk and zsk pair; give either ksk and zsk, or csk alone");
  else if (ksk && !zsk)
    lint.error({"keys.ksk", "keys"}, "a ksk needs a zsk (or use a single csk)");
  else if (zsk && !ksk)
    lint.error({"keys.zsk", "keys"}, "a zsk needs a ksk (or use a single csk)");
  else if (!csk && !ksk)
    lint.error({"keys"}, "no keys: give ksk and zsk, or csk");

  for (const KeyPolicy& k : p.keys) {
    const std::string base = "keys." + std::string(role_name(k.role));
    if (!algorithm_can_sign(k.algorithm))
      lint.error({base + ".algorithm"}, "algorithm " + algorithm_name(k.algorithm) +
                                            " is for validation only; choose RSASHA256, RSASHA512, "
                                            "ECDSAP256SHA256, ECDSAP384SHA384, ED25519 or ED448");
    if (algorithm_takes_size(k.algorithm)) {
      if (k.size < 2048)
        lint.error({base + ".size", base + ".algorithm"},
                   "RSA keys under 2048 bits are rejected (size " + std::to_string(k.size) + ")");
      else if (k.size > 4096)
        lint.error({base + ".size"}, "RSA size " + std::to_string(k.size) + " exceeds 4096 bits (RFC 3110 §2)");
    } else if (k.size != 0) {
      lint.error({base + ".size", base + ".algorithm"},
                 "size applies to RSA keys only; " + algorithm_name(k.algorithm) + " has a fixed size");
    }
    if (k.lifetime && *k.lifetime <= 0) lint.error({base + ".lifetime"}, "lifetime must be positive (or unlimited)");
    if (!rollover_fits_role(k.role, k.rollover))
      lint.error({base + ".rollover"}, "rollover " + std::string(rollover_method_name(k.rollover)) +
                                           " does not apply to a " + std::string(role_name(k.role)) +
                                           (k.role == Role::zsk ? " (use pre-publish or double-signature)"
                                                                : " (use double-ksk or double-ds)"));
  }
  // RFC 4035 §2.2: each algorithm in the DNSKEY RRset must sign every RRset;
  // a KSK that signs only the DNSKEY RRset must therefore share the ZSK's.
  if (ksk && zsk && ksk->algorithm != zsk->algorithm)
    lint.error({"keys.zsk.algorithm", "keys.ksk.algorithm", "keys.zsk"},
               "the zsk algorithm " + algorithm_name(zsk->algorithm) + " differs from the ksk algorithm " +
                   algorithm_name(ksk->algorithm) + " (RFC 4035 §2.2: every algorithm signs every RRset)");
}

void lint_scalars(const Policy& p, Linter& lint) {
  const SignaturePolicy& s = p.signatures;
  if (s.validity <= 0) lint.error({"signatures.validity"}, "validity must be positive");
  if (s.validity > max_validity)
    lint.error({"signatures.validity"}, "validity must stay below 68 years (RFC 4034 §3.1.5)");
  if (s.dnskey_validity <= 0) lint.error({"signatures.dnskey-validity"}, "dnskey-validity must be positive");
  if (s.dnskey_validity > max_validity)
    lint.error({"signatures.dnskey-validity"}, "dnskey-validity must stay below 68 years (RFC 4034 §3.1.5)");
  if (s.refresh <= 0) lint.error({"signatures.refresh"}, "refresh must be positive");
  if (s.jitter < 0) lint.error({"signatures.jitter"}, "jitter must not be negative");
  if (s.inception_offset < 0) lint.error({"signatures.inception-offset"}, "inception-offset must not be negative");

  const auto ttl_ok = [&lint](Duration v, const char* path) {
    if (v <= 0) lint.error({path}, "a TTL here must be positive");
    if (v > max_ttl) lint.error({path}, "TTL " + std::to_string(v) + " exceeds 2^31-1 seconds (RFC 2181 §8)");
  };
  ttl_ok(p.ttl.dnskey, "ttl.dnskey");
  ttl_ok(p.ttl.zone_max, "ttl.zone-max");
  ttl_ok(p.ttl.parent_ds, "ttl.parent-ds");

  const auto delay_ok = [&lint](Duration v, const char* path) {
    if (v < 0) lint.error({path}, "a delay must not be negative");
  };
  delay_ok(p.delays.zone_propagation, "delays.zone-propagation");
  delay_ok(p.delays.parent_propagation, "delays.parent-propagation");
  delay_ok(p.delays.publish_safety, "delays.publish-safety");
  delay_ok(p.delays.retire_safety, "delays.retire-safety");

  const DenialPolicy& d = p.denial;
  if (d.type == DenialType::nsec) {
    if (d.opt_out) lint.error({"denial.opt-out"}, "opt-out exists only with nsec3 (RFC 5155 §6)");
    if (d.iterations != 0) lint.error({"denial.iterations"}, "iterations apply to nsec3 only");
    if (d.salt_length != 0) lint.error({"denial.salt-length"}, "salt-length applies to nsec3 only");
  }
  // RFC 9276 §3.2: validators may treat more iterations as insecure or bogus;
  // 500 is the RFC 5155 §10.3 ceiling for 2048-bit keys.
  if (d.iterations > 500)
    lint.error({"denial.iterations"},
               "iterations " + std::to_string(d.iterations) +
                   " exceed 500 (the RFC 5155 §10.3 ceiling; RFC 9276 §3.2 lets validators give up far sooner)");
  if (d.salt_length > 255)
    lint.error({"denial.salt-length"},
               "salt-length " + std::to_string(d.salt_length) + " exceeds 255 octets (RFC 5155 §3.2)");
  if (d.type == DenialType::nsec3 && d.iterations > 0 && d.iterations <= 500)
    lint.warn({"denial.iterations"},
              "iterations above 0 cost resolvers work and add no protection (RFC 9276 §3.1: use 0)");
  if (d.type == DenialType::nsec3 && d.salt_length > 0 && d.salt_length <= 255)
    lint.warn({"denial.salt-length"}, "a salt adds no protection (RFC 9276 §3.1: use none)");

  const ParentPolicy& par = p.parent;
  if (par.cds && par.cds_digests.empty())
    lint.error({"parent.cds-digests", "parent.cds"}, "cds needs at least one digest type");
  for (std::size_t i = 0; i < par.cds_digests.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      if (par.cds_digests[j] == par.cds_digests[i])
        lint.error({"parent.cds-digests." + std::to_string(i), "parent.cds-digests"},
                   "digest " + std::string(policy_digest_name(par.cds_digests[i])) + " listed twice");
    if (par.cds_digests[i] == DigestType::SHA1)
      lint.warn({"parent.cds-digests." + std::to_string(i), "parent.cds-digests"},
                "SHA-1 DS digests must not be generated (RFC 8624 §3.3); use sha256");
  }
  for (std::size_t i = 0; i < par.servers.size(); ++i) {
    const std::string path = "parent.servers." + std::to_string(i);
    if (!valid_address(par.servers[i].address))
      lint.error({path, "parent.servers"}, "\"" + par.servers[i].address + "\" is not an IPv4 or IPv6 address");
    if (par.servers[i].port == 0) lint.error({path, "parent.servers"}, "port 0 is not a port");
  }

  if (p.run_interval <= 0) lint.error({"run-interval"}, "run-interval must be positive");
}

// Cross-field rules: they assume the single fields passed lint_scalars.
void lint_timing(const Policy& p, Linter& lint) {
  const SignaturePolicy& s = p.signatures;
  if (s.refresh >= s.validity)
    lint.error({"signatures.refresh", "signatures.validity"},
               "refresh (" + dur(s.refresh) + ") must be below validity (" + dur(s.validity) + ")");
  if (s.refresh >= s.dnskey_validity)
    lint.error({"signatures.refresh", "signatures.dnskey-validity"},
               "refresh (" + dur(s.refresh) + ") must be below dnskey-validity (" + dur(s.dnskey_validity) + ")");

  for (const KeyPolicy& k : p.keys) {
    if (!k.lifetime || !rollover_fits_role(k.role, k.rollover)) continue;
    const std::string base = "keys." + std::string(role_name(k.role));
    const RolloverTiming t = rollover_timing(p, k);
    if (*k.lifetime <= t.minimum_lifetime())
      lint.error({base + ".lifetime", base + ".rollover", base},
                 "lifetime " + dur(*k.lifetime) + " does not exceed the " +
                     std::string(rollover_method_name(k.rollover)) + " rollover it needs (" + dur(t.introduce) +
                     " to introduce the successor + " + dur(t.retire) +
                     " to retire this key = " + dur(t.minimum_lifetime()) + ", RFC 7583 §3)");
  }

  // A signature still in the zone at one run is replaced only by the next
  // run's output, which then takes zone-propagation to reach every server, and
  // a resolver that fetched the old one just before keeps it for the TTL. So
  // the refresh margin must cover run-interval + propagation + TTL.
  const Duration cache_need = p.ttl.zone_max + p.delays.zone_propagation + p.run_interval;
  if (s.refresh <= cache_need)
    lint.error({"ttl.zone-max", "signatures.refresh", "run-interval", "delays.zone-propagation"},
               "zone-max " + dur(p.ttl.zone_max) + " does not fit the refresh margin: refresh (" + dur(s.refresh) +
                   ") must exceed zone-max + zone-propagation + run-interval (" + dur(cache_need) +
                   ") so cached signatures never outlive their validity");
  const Duration dnskey_need = p.ttl.dnskey + p.delays.zone_propagation + p.run_interval;
  if (s.refresh <= dnskey_need)
    lint.error({"ttl.dnskey", "signatures.refresh", "run-interval", "delays.zone-propagation"},
               "dnskey TTL " + dur(p.ttl.dnskey) + " does not fit the refresh margin: refresh (" + dur(s.refresh) +
                   ") must exceed dnskey + zone-propagation + run-interval (" + dur(dnskey_need) + ")");

  // A fresh signature must still be outside the refresh margin at the next
  // run; otherwise every run re-signs everything and a missed run eats into
  // the margin that was meant for caches.
  for (auto [validity, path] :
       {std::pair{s.validity, "signatures.validity"}, std::pair{s.dnskey_validity, "signatures.dnskey-validity"}}) {
    const Duration reuse = validity - s.jitter - s.refresh;
    if (reuse <= p.run_interval)
      lint.error({path, "run-interval", "signatures.refresh", "signatures.jitter"},
                 std::string(path).substr(11) + " (" + dur(validity) + ") is too short for run-interval " +
                     dur(p.run_interval) + ": validity - jitter - refresh (" + (reuse > 0 ? dur(reuse) : "0s") +
                     ") must exceed it");
  }

  // With one missed run the signatures in the zone must last one run-interval
  // more; allowed, but worth knowing.
  if (s.refresh > cache_need && s.refresh <= cache_need + p.run_interval)
    lint.warn({"signatures.refresh", "run-interval"},
              "a single missed run could let cached signatures expire: refresh (" + dur(s.refresh) +
                  ") does not exceed zone-max + zone-propagation + 2 * run-interval (" +
                  dur(cache_need + p.run_interval) + ")");
}

}  // namespace

bool algorithm_takes_size(Algorithm alg) noexcept {
  switch (alg) {
    case Algorithm::RSASHA1:
    case Algorithm::RSASHA1_NSEC3_SHA1:
    case Algorithm::RSASHA256:
    case Algorithm::RSASHA512: return true;
    default: return false;
  }
}

Location PolicySource::locate(const std::string& path) const {
  std::string p = path;
  for (;;) {
    if (auto it = positions.find(p); it != positions.end()) return it->second;
    if (p.empty()) return Location{file, 0, 0};
    auto dot = p.rfind('.');
    p = dot == std::string::npos ? std::string() : p.substr(0, dot);
  }
}

RolloverTiming rollover_timing(const Policy& p, const KeyPolicy& key) {
  const TtlPolicy& ttl = p.ttl;
  const DelayPolicy& d = p.delays;
  const Duration dnskey_seen = ttl.dnskey + d.zone_propagation;
  const Duration sigs_seen = std::max(ttl.dnskey, ttl.zone_max) + d.zone_propagation;
  const Duration ds_seen = ttl.parent_ds + d.parent_propagation;
  RolloverTiming t;
  switch (key.rollover) {
    case RolloverMethod::pre_publish:
      // RFC 7583 §3.2.1: Ipub = Dprp + TTLkey; Iret = Dsgn + Dprp + TTLsig.
      t.introduce = dnskey_seen + d.publish_safety;
      t.retire = ttl.zone_max + d.zone_propagation + d.retire_safety;
      break;
    case RolloverMethod::double_signature:
      // RFC 7583 §3.2 (double-signature): new key and its signatures appear together; the old
      // ones may go once both are in every cache.
      t.introduce = sigs_seen + d.publish_safety;
      t.retire = sigs_seen + d.retire_safety;
      break;
    case RolloverMethod::double_ksk:
      // RFC 7583 §3.3 (double-KSK): the new KSK joins the DNSKEY RRset, then the DS is
      // swapped at the parent and the old DS must leave the caches. A CSK's
      // zone signatures are swapped at the same time.
      t.introduce = dnskey_seen + d.publish_safety;
      t.retire =
          (key.role == Role::csk ? std::max(ds_seen, ttl.zone_max + d.zone_propagation) : ds_seen) + d.retire_safety;
      break;
    case RolloverMethod::double_ds:
      // RFC 7583 §3.3 (double-DS): the new DS goes to the parent first (announced by CDS
      // alone, its key not yet in the DNSKEY RRset); then the DNSKEY RRset
      // switches and the old key must leave the caches.
      t.introduce = ds_seen + d.publish_safety;
      t.retire = (key.role == Role::csk ? sigs_seen : dnskey_seen) + d.retire_safety;
      break;
  }
  return t;
}

Result<std::vector<Warning>> lint_policy(const Policy& policy, const PolicySource& source) {
  Linter lint(source);
  if (policy.version != 1)
    lint.error({"version"}, "unsupported version " + std::to_string(policy.version) + " (this is version 1)");
  lint_keys(policy, lint);
  lint_scalars(policy, lint);
  // The timing sums assume every single value is in range.
  if (!lint.failed()) lint_timing(policy, lint);
  return std::move(lint).finish();
}

Result<std::vector<Warning>> lint_policy(const Policy& policy) {
  PolicySource source;
  source.file = "(policy)";
  return lint_policy(policy, source);
}

}  // namespace zs
