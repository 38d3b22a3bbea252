#include "zonefile/writer.hpp"

#include <charconv>

#include "dns/rdata.hpp"

namespace zs {

namespace {

void append_u32(std::string& out, std::uint32_t v) {
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Type mnemonics are looked up once per RRset, owners printed once per node.
void append_record(std::string& out, const std::string& owner, std::uint32_t ttl, const std::string& type,
                   RrType rrtype, BytesView rdata) {
  out += owner;
  out += '\t';
  append_u32(out, ttl);
  out += "\tIN\t";
  out += type;
  out += '\t';
  out += rdata_to_string(rrtype, rdata);
  out += '\n';
}

void append_signatures(std::string& out, const std::string& owner, const Node& node, RrType covered,
                       const std::string& rrsig) {
  for (const Signature& sig : node.signatures)
    if (sig.covered == covered) append_record(out, owner, sig.ttl, rrsig, RrType::RRSIG, sig.rdata);
}

}  // namespace

void write_zone_text(const Zone& zone, std::string& out) {
  const std::string rrsig = type_to_string(RrType::RRSIG);
  for (const Node& node : zone.nodes()) {
    if (node.rrsets.empty() && node.signatures.empty()) continue;
    const std::string owner = node.owner.to_string();
    for (const Rrset& set : node.rrsets) {
      const std::string type = type_to_string(set.type);
      for (const Bytes& rdata : set.rdatas) append_record(out, owner, set.ttl, type, set.type, rdata);
      append_signatures(out, owner, node, set.type, rrsig);
    }
    // Signatures whose RRset is absent (a verifier's input may hold them)
    // still print, after the RRsets, so writing never drops data.
    for (const Signature& sig : node.signatures)
      if (!node.find(sig.covered)) append_record(out, owner, sig.ttl, rrsig, RrType::RRSIG, sig.rdata);
  }
}

}  // namespace zs
