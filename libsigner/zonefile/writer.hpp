// Writes a Zone as a master file: canonical owner order, one record per line,
// each RRset followed by its RRSIGs, absolute names, explicit TTL and class,
// tab-separated fields. The same zone always gives the same bytes.
//
// Layout: the apex SOA first, then every RRset in type order, each followed
// by its RRSIGs (Node::signatures of that covered type). No $ORIGIN or $TTL.
// Types that BIND, Knot, NSD and ldns do not all know by name (MB, X25,
// GPOS, A6, AVC, ...) are written as RFC 3597 "TYPEnnn \# len hex", so every
// one of them reads the output. Empty non-terminals print nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "zone/zone.hpp"

namespace zs {

// Where the writer's text goes, in pieces of whole lines, in order.
class TextSink {
 public:
  virtual ~TextSink() = default;
  // Errors stop the writing and are returned by write_zone as they are.
  virtual Result<void> write(std::string_view text) = 0;
};

// One record of the output.
struct OutputRecord {
  const Node* node = nullptr;  // its owner is node->owner
  RrType type = RrType::A;
  std::uint32_t ttl = 0;
  BytesView rdata;
};

// The records of a zone one at a time, in the order write_zone writes them
// (the layout above). The writer is built on it, so a reader of the output
// can pair each record it reads with the one that was written. The zone must
// outlive it and stay unchanged.
class OutputOrder {
 public:
  explicit OutputOrder(const Zone& zone) noexcept : zone_(&zone), end_(zone.nodes().size()) {}
  // The records of nodes [first, end) only.
  OutputOrder(const Zone& zone, std::size_t first, std::size_t end) noexcept
      : zone_(&zone), node_(first), end_(end) {}
  // The next record; nullopt after the last.
  std::optional<OutputRecord> next();

 private:
  void load_node(const Node& node);
  const Zone* zone_;
  std::size_t node_ = 0;               // the next node to load
  std::size_t end_ = 0;                // after the last node to load
  std::vector<OutputRecord> records_;  // of the node loaded last
  std::size_t pos_ = 0;
};

// Writes the zone file text to `sink`, one record per line, in pieces of a
// few hundred KiB (a few MiB with several threads, which render slices of
// the zone side by side; the text is the same for any thread count). With
// `node_ends`, it is given one entry per node: the offset in the text just
// after that node's records (an empty non-terminal's is the one before it).
// Errors: the sink's.
Result<void> write_zone(const Zone& zone, TextSink& sink, unsigned threads = 1,
                        std::vector<std::uint64_t>* node_ends = nullptr);

// Appends the text of nodes [first, end) to `out`: the lines write_zone
// writes for them.
void write_nodes_text(const Zone& zone, std::size_t first, std::size_t end, std::string& out);

// Appends the zone file text to `out`.
void write_zone_text(const Zone& zone, std::string& out);

}  // namespace zs
