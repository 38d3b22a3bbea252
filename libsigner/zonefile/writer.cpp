#include "zonefile/writer.hpp"

#include <charconv>

#include "core/parallel.hpp"
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

std::string type_field(RrType type) {
  if (portable_type(type)) return type_to_string(type);
  return "TYPE" + std::to_string(to_u16(type));
}

// What stays the same from one line to the next: the owner within a node,
// the type field within an RRset.
struct LineCache {
  const Node* node = nullptr;
  std::string owner;
  std::optional<RrType> type;
  std::string type_text;
  bool generic = false;
};

void append_record(std::string& out, LineCache& cache, const OutputRecord& r) {
  if (cache.node != r.node) {
    cache.node = r.node;
    cache.owner = r.node->owner.to_string();
  }
  if (cache.type != r.type) {
    cache.type = r.type;
    cache.type_text = type_field(r.type);
    cache.generic = !portable_type(r.type);
  }
  out += cache.owner;
  out += '\t';
  append_u32(out, r.ttl);
  out += "\tIN\t";
  out += cache.type_text;
  out += '\t';
  if (cache.generic)
    append_generic(out, r.rdata);
  else
    out += rdata_to_string(r.type, r.rdata);
  out += '\n';
}

// Pieces handed to the sink: large enough that its per-call cost vanishes,
// small beside the zone.
constexpr std::size_t piece_bytes = std::size_t{256} << 10;
// Nodes a thread renders at a time: a few MiB of text.
constexpr std::size_t slice_nodes = 8192;

class StringSink final : public TextSink {
 public:
  explicit StringSink(std::string& out) noexcept : out_(out) {}
  Result<void> write(std::string_view text) override {
    out_.append(text);
    return {};
  }

 private:
  std::string& out_;
};

}  // namespace

void OutputOrder::load_node(const Node& node) {
  records_.clear();
  pos_ = 0;
  auto add_rrset = [&](const Rrset& set) {
    for (BytesView rdata : set.rdatas) records_.push_back(OutputRecord{&node, set.type, set.ttl, rdata});
    for (SignatureRef sig : node.signatures)
      if (sig.covered == set.type) records_.push_back(OutputRecord{&node, RrType::RRSIG, sig.ttl, sig.rdata});
  };
  // The SOA opens the file, as most readers expect; then type order.
  const Rrset* soa = node.kind == NodeKind::apex ? node.find(RrType::SOA) : nullptr;
  if (soa) add_rrset(*soa);
  for (const Rrset& set : node.rrsets)
    if (&set != soa) add_rrset(set);
  // Signatures whose RRset is absent (a verifier's input may hold them)
  // still print, after the RRsets, so writing never drops data.
  for (SignatureRef sig : node.signatures)
    if (!node.find(sig.covered)) records_.push_back(OutputRecord{&node, RrType::RRSIG, sig.ttl, sig.rdata});
}

std::optional<OutputRecord> OutputOrder::next() {
  while (pos_ == records_.size()) {
    if (node_ >= end_) return std::nullopt;
    load_node(zone_->nodes()[node_++]);
  }
  return records_[pos_++];
}

namespace {

// With `ends`, ends[n - first] is set to the size of `out` after node n.
void render_nodes(const Zone& zone, std::size_t first, std::size_t end, std::string& out, std::uint64_t* ends) {
  LineCache cache;
  OutputOrder order(zone, first, end);
  const Node* nodes = zone.nodes().data();
  std::size_t next = first;  // the first node whose end is not known yet
  while (auto r = order.next()) {
    if (ends)
      for (const auto at = static_cast<std::size_t>(r->node - nodes); next < at; ++next) ends[next - first] = out.size();
    append_record(out, cache, *r);
  }
  if (ends)
    for (; next < end; ++next) ends[next - first] = out.size();
}

}  // namespace

Result<void> write_zone(const Zone& zone, TextSink& sink, unsigned threads, std::vector<std::uint64_t>* node_ends) {
  const std::size_t nodes = zone.nodes().size();
  if (node_ends) node_ends->assign(nodes, 0);
  if (threads > 1 && nodes > slice_nodes) {
    // Rounds of one slice per thread, rendered side by side, then handed
    // to the sink in zone order.
    std::vector<std::string> slices(threads);
    std::uint64_t written = 0;
    for (std::size_t round = 0; round < nodes; round += threads * slice_nodes) {
      run_on_threads(threads, [&](std::size_t t) {
        slices[t].clear();
        const std::size_t first = std::min(nodes, round + t * slice_nodes);
        render_nodes(zone, first, std::min(nodes, first + slice_nodes), slices[t],
                     node_ends ? node_ends->data() + first : nullptr);
      });
      for (std::size_t t = 0; t < threads; ++t) {
        // Each slice counted its node ends from its own start.
        const std::size_t first = std::min(nodes, round + t * slice_nodes);
        if (node_ends)
          for (std::size_t n = first; n < std::min(nodes, first + slice_nodes); ++n) (*node_ends)[n] += written;
        written += slices[t].size();
        if (!slices[t].empty())
          if (auto w = sink.write(slices[t]); !w) return w;
      }
    }
    return {};
  }
  std::string piece;
  piece.reserve(piece_bytes + 4096);
  LineCache cache;
  OutputOrder order(zone);
  const Node* first = zone.nodes().data();
  std::uint64_t written = 0;
  std::size_t next = 0;  // the first node whose end is not known yet
  while (auto r = order.next()) {
    if (node_ends)
      for (const auto at = static_cast<std::size_t>(r->node - first); next < at; ++next)
        (*node_ends)[next] = written + piece.size();
    append_record(piece, cache, *r);
    if (piece.size() >= piece_bytes) {
      if (auto w = sink.write(piece); !w) return w;
      written += piece.size();
      piece.clear();
    }
  }
  if (node_ends)
    for (; next < nodes; ++next) (*node_ends)[next] = written + piece.size();
  if (!piece.empty()) return sink.write(piece);
  return {};
}

void write_nodes_text(const Zone& zone, std::size_t first, std::size_t end, std::string& out) {
  render_nodes(zone, first, end, out, nullptr);
}

void write_zone_text(const Zone& zone, std::string& out) {
  StringSink sink(out);
  // A string sink cannot fail.
  (void)write_zone(zone, sink);
}

}  // namespace zs
