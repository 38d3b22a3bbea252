// What one signed output of zonesign publishes, as a resolver would fetch it:
// the DNSKEY RRset with its RRSIGs, the CDS RRset (the DS set the zone asks
// the parent for, RFC 7344 §4) and a sample of other signed RRsets with
// their RRSIGs. The simulation reads these from the actual output file, so
// the resolver-cache model depends on nothing the planner believes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "dns/name.hpp"
#include "dns/record.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"

namespace zs::sim {

// An RRset with the RRSIGs that cover it. For a wildcard, `rrset` is an
// expansion at a name below it (RFC 4035 §5.3.2), as a resolver sees it.
struct SignedRrset {
  Rrset rrset;
  std::vector<Rrsig> sigs;
  std::vector<Bytes> sig_rdatas;  // the same signatures, for equality and reports

  bool same_as(const SignedRrset& other) const;
};

// An RRset the simulation follows through every version: `owner` relative to
// the origin ("@" for the apex), and for a wildcard the name a resolver asks
// for (`probe`). Type NSEC3 with owner "" means the first NSEC3 in canonical
// order (its owner is a hash, stable while the salt is).
struct SampleSpec {
  std::string label;
  std::string owner;
  RrType type = RrType::A;
  std::string probe;
};

struct ZoneVersion {
  std::optional<SignedRrset> dnskey;
  std::map<std::string, SignedRrset> samples;  // by SampleSpec::label; missing when absent
  std::vector<Ds> cds;                         // CDS records, parsed
  std::vector<Bytes> cdnskey;                  // CDNSKEY RDATA
};

// Reads a signed zone file. Errors: those of the zone file parser, and
// Errc::verify for a malformed RRSIG, CDS or a missing sample owner.
Result<ZoneVersion> read_zone_version(const std::string& path, const Name& origin,
                                      const std::vector<SampleSpec>& samples);

// Tags of the DNSKEYs in an RRset (for reports).
std::string describe_keys(const Rrset& dnskey_rrset);
// "tag/alg/digest" of each DS (for reports).
std::string describe_ds(const std::vector<Ds>& ds);

}  // namespace zs::sim
