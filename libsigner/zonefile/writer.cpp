#include "zonefile/writer.hpp"

#include <charconv>

#include "dns/rdata.hpp"

namespace zs {

namespace {

// Types whose mnemonic and presentation format BIND 9.18, Knot 3.2, NSD 4.6
// and ldns 1.8.3 all read (checked by loading one record of each type into
// each of them). Every other type is written in the RFC 3597 generic form
// "TYPEnnn \# len hex", which all four accept, so the output loads anywhere.
bool portable_type(RrType t) noexcept {
  switch (t) {
    case RrType::A: case RrType::NS: case RrType::CNAME: case RrType::SOA: case RrType::PTR:
    case RrType::HINFO: case RrType::MINFO: case RrType::MX: case RrType::TXT: case RrType::RP:
    case RrType::AFSDB: case RrType::RT: case RrType::KEY: case RrType::AAAA: case RrType::LOC:
    case RrType::SRV: case RrType::NAPTR: case RrType::KX: case RrType::CERT: case RrType::DNAME:
    case RrType::DS: case RrType::SSHFP: case RrType::RRSIG: case RrType::NSEC: case RrType::DNSKEY:
    case RrType::DHCID: case RrType::NSEC3: case RrType::NSEC3PARAM: case RrType::TLSA:
    case RrType::SMIMEA: case RrType::CDS: case RrType::CDNSKEY: case RrType::OPENPGPKEY:
    case RrType::CSYNC: case RrType::ZONEMD: case RrType::SVCB: case RrType::HTTPS: case RrType::SPF:
    case RrType::NID: case RrType::L32: case RrType::L64: case RrType::LP: case RrType::EUI48:
    case RrType::EUI64: case RrType::URI: case RrType::CAA:
      return true;
    default:
      return false;
  }
}

void append_u32(std::string& out, std::uint32_t v) {
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_generic(std::string& out, BytesView rdata) {
  static constexpr char hex[] = "0123456789ABCDEF";
  out += "\\# ";
  append_u32(out, static_cast<std::uint32_t>(rdata.size()));
  if (!rdata.empty()) out += ' ';
  for (std::uint8_t b : rdata) {
    out += hex[b >> 4];
    out += hex[b & 0xf];
  }
}

// The fields that stay the same across the records of an RRset.
struct Prefix {
  std::string owner;
  std::string type;
  bool generic = false;
};

std::string type_field(RrType type) {
  if (portable_type(type)) return type_to_string(type);
  return "TYPE" + std::to_string(to_u16(type));
}

void append_record(std::string& out, const Prefix& p, std::uint32_t ttl, RrType type, BytesView rdata) {
  out += p.owner;
  out += '\t';
  append_u32(out, ttl);
  out += "\tIN\t";
  out += p.type;
  out += '\t';
  if (p.generic)
    append_generic(out, rdata);
  else
    out += rdata_to_string(type, rdata);
  out += '\n';
}

void append_rrset(std::string& out, const std::string& owner, const Node& node, const Rrset& set,
                  const Prefix& rrsig) {
  Prefix p{owner, type_field(set.type), !portable_type(set.type)};
  for (const Bytes& rdata : set.rdatas) append_record(out, p, set.ttl, set.type, rdata);
  for (const Signature& sig : node.signatures)
    if (sig.covered == set.type) append_record(out, rrsig, sig.ttl, RrType::RRSIG, sig.rdata);
}

}  // namespace

void write_zone_text(const Zone& zone, std::string& out) {
  Prefix rrsig{{}, type_field(RrType::RRSIG), false};
  for (const Node& node : zone.nodes()) {
    if (node.rrsets.empty() && node.signatures.empty()) continue;
    const std::string owner = node.owner.to_string();
    rrsig.owner = owner;
    // The SOA opens the file, as most readers expect; then type order.
    const Rrset* soa = node.kind == NodeKind::apex ? node.find(RrType::SOA) : nullptr;
    if (soa) append_rrset(out, owner, node, *soa, rrsig);
    for (const Rrset& set : node.rrsets)
      if (&set != soa) append_rrset(out, owner, node, set, rrsig);
    // Signatures whose RRset is absent (a verifier's input may hold them)
    // still print, after the RRsets, so writing never drops data.
    for (const Signature& sig : node.signatures)
      if (!node.find(sig.covered)) append_record(out, rrsig, sig.ttl, RrType::RRSIG, sig.rdata);
  }
}

}  // namespace zs
