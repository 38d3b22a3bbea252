#include "zone_version.hpp"

#include <algorithm>

#include "zonefile/zonefile.hpp"

namespace zs::sim {

namespace {

// Owners are compared case-insensitively; their lower-cased wire form is a map key.
std::string key_of(const Name& owner, RrType type) {
  const Name lower = owner.lowercased();
  std::string k(lower.wire().begin(), lower.wire().end());
  k.push_back('/');
  k += std::to_string(static_cast<unsigned>(type));
  return k;
}

}  // namespace

bool SignedRrset::same_as(const SignedRrset& other) const {
  return rrset.ttl == other.rrset.ttl && rrset.owner == other.rrset.owner && rrset.rdatas == other.rrset.rdatas &&
         sig_rdatas == other.sig_rdatas;
}

Result<ZoneVersion> read_zone_version(const std::string& path, const Name& origin,
                                      const std::vector<SampleSpec>& samples) {
  auto parsed = parse_zone_file(path, ParseOptions{origin});
  if (!parsed) return std::unexpected(parsed.error());

  std::map<std::string, Rrset> rrsets;
  std::map<std::string, std::vector<Bytes>> sigs;  // by owner and covered type
  std::optional<Name> first_nsec3;
  for (Record& r : parsed->records) {
    if (r.type == RrType::RRSIG) {
      auto rrsig = Rrsig::from_rdata(r.rdata);
      if (!rrsig) return fail(Errc::verify, path + ": malformed RRSIG at " + r.owner.to_string());
      sigs[key_of(r.owner, rrsig->type_covered)].push_back(std::move(r.rdata));
      continue;
    }
    if (r.type == RrType::NSEC3 && (!first_nsec3 || canonical_compare(r.owner, *first_nsec3) < 0))
      first_nsec3 = r.owner;
    Rrset& s = rrsets[key_of(r.owner, r.type)];
    if (s.rdatas.empty()) {
      s.owner = r.owner;
      s.type = r.type;
      s.rclass = r.rclass;
      s.ttl = r.ttl;
    }
    s.rdatas.push_back(std::move(r.rdata));
  }

  auto take = [&](const Name& owner, RrType type) -> std::optional<SignedRrset> {
    auto it = rrsets.find(key_of(owner, type));
    if (it == rrsets.end()) return std::nullopt;
    SignedRrset out;
    out.rrset = it->second;
    std::vector<Bytes> sorted = out.rrset.rdatas.to_vector();
    std::sort(sorted.begin(), sorted.end());
    out.rrset.rdatas = RdataSet(sorted);
    if (auto s = sigs.find(key_of(owner, type)); s != sigs.end()) {
      out.sig_rdatas = s->second;
      std::sort(out.sig_rdatas.begin(), out.sig_rdatas.end());
      for (BytesView rd : out.sig_rdatas) out.sigs.push_back(*Rrsig::from_rdata(rd));
    }
    return out;
  };

  ZoneVersion v;
  v.dnskey = take(origin, RrType::DNSKEY);
  if (auto cds = take(origin, RrType::CDS)) {
    for (BytesView rd : cds->rrset.rdatas) {
      auto ds = Ds::from_rdata(rd);
      if (!ds) return fail(Errc::verify, path + ": malformed CDS");
      v.cds.push_back(std::move(*ds));
    }
  }
  if (auto cdnskey = take(origin, RrType::CDNSKEY)) v.cdnskey = cdnskey->rrset.rdatas.to_vector();

  for (const SampleSpec& spec : samples) {
    Name owner;
    if (spec.type == RrType::NSEC3 && spec.owner.empty()) {
      if (!first_nsec3) continue;
      owner = *first_nsec3;
    } else {
      auto n = Name::parse(spec.owner, &origin);
      if (!n) return fail(Errc::verify, "sample " + spec.label + ": bad owner " + spec.owner);
      owner = *n;
    }
    auto s = take(owner, spec.type);
    if (!s) continue;
    if (!spec.probe.empty()) {
      auto probe = Name::parse(spec.probe, &origin);
      if (!probe) return fail(Errc::verify, "sample " + spec.label + ": bad probe " + spec.probe);
      s->rrset.owner = *probe;
    }
    v.samples.emplace(spec.label, std::move(*s));
  }
  return v;
}

std::string describe_keys(const Rrset& dnskey_rrset) {
  std::string out;
  for (BytesView rd : dnskey_rrset.rdatas) {
    auto k = Dnskey::from_rdata(rd);
    if (!out.empty()) out += ' ';
    out += std::to_string(key_tag(rd));
    if (k) out += "/" + std::to_string(static_cast<unsigned>(k->algorithm)) + (k->is_sep() ? "/sep" : "");
  }
  return out.empty() ? "(none)" : out;
}

std::string describe_ds(const std::vector<Ds>& ds) {
  std::string out;
  for (const Ds& d : ds) {
    if (!out.empty()) out += ' ';
    out += std::to_string(d.key_tag) + "/" + std::to_string(static_cast<unsigned>(d.algorithm)) + "/" +
           std::to_string(static_cast<unsigned>(d.digest_type));
  }
  return out.empty() ? "(empty)" : out;
}

}  // namespace zs::sim
