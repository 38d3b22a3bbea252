// Output chunks (signer/output_chunks.hpp): boundaries that depend on the
// names alone, and a records digest that changes with anything the writer
// writes of a record.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/bytes.hpp"
#include "crypto/keys.hpp"
#include "signer/output_chunks.hpp"
#include "zone/zone.hpp"
#include "zonefile/writer.hpp"
#include "zonefile/zonefile.hpp"

using namespace zs;

namespace {

Name name(const char* text) { return Name::parse(text).value(); }

class StringTextSink final : public TextSink {
 public:
  explicit StringTextSink(std::string& out) : out_(out) {}
  Result<void> write(std::string_view text) override {
    out_.append(text);
    return {};
  }

 private:
  std::string& out_;
};

// A zone of `hosts` names h0 ... with one A record each; `extra` lines are
// appended as they are.
Zone zone_of(int hosts, const std::string& extra = "") {
  std::string text = "$ORIGIN example.org.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\n";
  text += "ns1 IN A 192.0.2.53\n";
  for (int i = 0; i < hosts; ++i) text += "h" + std::to_string(i) + " IN A 192.0.2." + std::to_string(i % 250) + "\n";
  text += extra;
  auto parsed = parse_zone_text(text, "test", ParseOptions{name("example.org.")});
  REQUIRE(parsed);
  auto zone = Zone::build(std::move(parsed->records), name("example.org."), parsed->files);
  REQUIRE(zone);
  return std::move(*zone);
}

// The chunks of the zone's text, with the text.
std::vector<OutputChunk> chunks_of(const Zone& zone, std::string& text) {
  std::vector<std::uint64_t> ends;
  StringTextSink sink(text);
  REQUIRE(write_zone(zone, sink, 1, &ends));
  REQUIRE(ends.size() == zone.nodes().size());
  return output_chunks(zone, ends);
}

}  // namespace

TEST_CASE("chunks tile the zone's nodes and text in order, whatever the thread count") {
  const Zone zone = zone_of(3000);
  std::string text;
  const auto chunks = chunks_of(zone, text);
  REQUIRE(chunks.size() > 10);  // about one node in 64 ends a chunk
  std::uint64_t offset = 0;
  std::size_t node = 0;
  for (const OutputChunk& c : chunks) {
    CHECK(c.offset == offset);
    CHECK(c.first_node == node);
    CHECK(c.end_node > c.first_node);
    CHECK(c.end_node - c.first_node <= 1024);
    offset += c.size;
    node = c.end_node;
  }
  CHECK(offset == text.size());
  CHECK(node == zone.nodes().size());
  // Each chunk's text is whole lines.
  for (const OutputChunk& c : chunks) CHECK(text[c.offset + c.size - 1] == '\n');

  std::string threaded;
  std::vector<std::uint64_t> ends;
  StringTextSink sink(threaded);
  REQUIRE(write_zone(zone, sink, 3, &ends));
  CHECK(threaded == text);
  const auto again = output_chunks(zone, ends);
  REQUIRE(again.size() == chunks.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    CHECK(again[i].offset == chunks[i].offset);
    CHECK(again[i].end_node == chunks[i].end_node);
  }
}

TEST_CASE("a name added moves only the chunk around it") {
  const Zone before = zone_of(3000);
  const Zone after = zone_of(3000, "h1500x IN A 192.0.2.1\n");
  std::string t1, t2;
  const auto c1 = chunks_of(before, t1);
  const auto c2 = chunks_of(after, t2);
  std::vector<std::string> s1, s2;  // each chunk's text
  for (const auto& c : c1) s1.push_back(t1.substr(c.offset, c.size));
  for (const auto& c : c2) s2.push_back(t2.substr(c.offset, c.size));
  std::size_t differ = 0;
  for (const auto& s : s2) differ += std::find(s1.begin(), s1.end(), s) == s1.end() ? 1 : 0;
  std::size_t gone = 0;
  for (const auto& s : s1) gone += std::find(s2.begin(), s2.end(), s) == s2.end() ? 1 : 0;
  // The chunk that holds the new name is new; should the name end a chunk
  // itself, that chunk is cut in two. Every other chunk stays.
  CHECK(gone == 1);
  CHECK(differ >= 1);
  CHECK(differ <= 2);
}

TEST_CASE("the records digest changes with a TTL, an RDATA octet or an owner's spelling, and only then") {
  const Zone zone = zone_of(10);
  const std::size_t all = zone.nodes().size();
  const ChunkDigest base = chunk_records_digest(zone, 0, all);
  CHECK(chunk_records_digest(zone_of(10), 0, all) == base);
  CHECK(chunk_records_digest(zone, 0, all - 1) != base);

  Zone ttl = zone_of(10);
  ttl.nodes().back().rrsets.front().ttl = 3601;
  CHECK(chunk_records_digest(ttl, 0, all) != base);

  Zone rdata = zone_of(10);
  rdata.nodes().back().rrsets.front().rdatas.mutable_at(0).back() ^= 1;
  CHECK(chunk_records_digest(rdata, 0, all) != base);

  Zone spelling = zone_of(10);
  spelling.nodes().back().owner = name("NS1.example.org.");
  REQUIRE(spelling.nodes().back().owner == zone.nodes().back().owner);  // the same name, case aside
  CHECK(chunk_records_digest(spelling, 0, all) != base);

  Zone signature = zone_of(10);
  signature.nodes().back().signatures.push_back(Signature{RrType::A, 3600, CompactBytes(Bytes{1, 2, 3})});
  CHECK(chunk_records_digest(signature, 0, all) != base);
}

TEST_CASE("proven chunks are found by the pair of digests, never by one alone") {
  ChunkProof a{}, b{};
  a.records[0] = 1;
  a.text[0] = 2;
  b.records[0] = 3;
  b.text[0] = 4;
  const ProvenChunks proven({a, b, a});
  CHECK(proven.size() == 2);
  CHECK(proven.contains(a));
  CHECK(proven.contains(b));
  ChunkProof mixed{a.records, b.text};
  CHECK_FALSE(proven.contains(mixed));
  CHECK_FALSE(ProvenChunks().contains(a));
}

TEST_CASE("the unsigned digest covers the records the writer writes but RRSIGs, each with its node's kind") {
  // Apex with several types, multi-record RRsets, a delegation with DS and
  // glue, an empty non-terminal, and signatures, which it leaves out.
  Zone zone = zone_of(3000,
                      "@ IN MX 10 mail\n@ IN TXT \"a\"\n@ IN TXT \"b\"\nsub IN NS ns.sub\nsub IN DS 1 13 2 "
                      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nns.sub IN A 192.0.2.7\n"
                      "deep.ent IN AAAA 2001:db8::1\n");
  zone.nodes().front().signatures.push_back(Signature{RrType::SOA, 3600, CompactBytes(Bytes{1, 2, 3})});
  zone.nodes()[7].signatures.push_back(Signature{RrType::A, 3600, CompactBytes(Bytes{4, 5})});
  // The stream, made here from the writer's own record order.
  auto expected = [&](std::size_t first, std::size_t end) {
    Bytes data;
    OutputOrder order(zone, first, end);
    while (auto r = order.next()) {
      if (r->type == RrType::RRSIG) continue;
      const BytesView owner = r->node->owner.wire();
      put_u16(data, static_cast<std::uint16_t>(owner.size()));
      put_bytes(data, owner);
      put_u8(data, static_cast<std::uint8_t>(r->node->kind));
      put_u16(data, to_u16(r->type));
      put_u32(data, r->ttl);
      put_u16(data, static_cast<std::uint16_t>(r->rdata.size()));
      put_bytes(data, r->rdata);
    }
    const Bytes d = digest(DigestType::SHA256, data);
    ChunkDigest out{};
    std::copy_n(d.begin(), out.size(), out.begin());
    return out;
  };
  const std::vector<std::size_t> ends = chunk_ends(zone);
  REQUIRE(ends.size() > 10);
  const std::vector<ChunkDigest> all = chunk_unsigned_digests(zone, ends, 2);
  REQUIRE(all.size() == ends.size());
  for (std::size_t c = 0; c < ends.size(); ++c) {
    const std::size_t first = c == 0 ? 0 : ends[c - 1];
    CHECK(all[c] == expected(first, ends[c]));
    CHECK(chunk_unsigned_digest(zone, first, ends[c]) == all[c]);
  }
  // A node's kind is part of it: the same records as glue are others.
  Zone occluded = zone;
  const ChunkDigest whole = chunk_unsigned_digest(zone, 0, zone.nodes().size());
  auto with_a = std::ranges::find_if(occluded.nodes(), [](const Node& n) { return n.has(RrType::A); });
  REQUIRE(with_a != occluded.nodes().end());
  with_a->kind = NodeKind::occluded;
  CHECK(chunk_unsigned_digest(occluded, 0, zone.nodes().size()) != whole);
}
