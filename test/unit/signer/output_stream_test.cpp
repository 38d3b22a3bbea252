// The streaming pieces under the output gate: ZoneTextReader (the parser fed
// piece by piece, zonefile/zonefile.hpp) and StagedFile's streaming form
// (core/atomic_file.hpp).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "zonefile/zonefile.hpp"

using namespace zs;

namespace {

constexpr const char* zone_text = R"($ORIGIN example.org.
$TTL 3600
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
  IN NS ns1
ns1 IN A 192.0.2.53
$ORIGIN sub.example.org.
www 60 IN A 192.0.2.80
    IN TXT ( "two"
             "lines" )
$TTL 120
mail IN MX 10 www
)";

Name name(const char* text) { return Name::parse(text).value(); }

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    out.emplace_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

struct Read {
  std::vector<Record> records;
  ZoneTextReader reader;
  explicit Read(const ParseOptions& options)
      : reader("zone", options, [this](Record&& r, const SourceFiles&) -> Result<void> {
          records.push_back(std::move(r));
          return {};
        }) {}
};

struct TempDir {
  std::filesystem::path dir;
  TempDir() {
    dir = std::filesystem::temp_directory_path() / "zs_output_stream_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~TempDir() { std::filesystem::remove_all(dir); }
  std::size_t files() const {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE("the zone text read in pieces gives the records of a whole read, with $ORIGIN, $TTL and owners carried over") {
  const ParseOptions options{name("example.org.")};
  auto whole = parse_zone_text(zone_text, "zone", options);
  REQUIRE(whole);
  // Pieces end where entries end: the parenthesised TXT stays in one piece.
  std::vector<std::string> lines = lines_of(zone_text);
  lines[7] += lines[8];
  lines.erase(lines.begin() + 8);
  Read read(options);
  for (const std::string& line : lines) REQUIRE(read.reader.read(line));
  REQUIRE(read.reader.finish());
  REQUIRE(read.records.size() == whole->records.size());
  for (std::size_t i = 0; i < read.records.size(); ++i) {
    const Record& a = read.records[i];
    const Record& b = whole->records[i];
    CHECK(to_bytes(a.owner.wire()) == to_bytes(b.owner.wire()));
    CHECK(a.type == b.type);
    CHECK(a.ttl == b.ttl);
    CHECK(a.rdata == b.rdata);
    CHECK(a.src_line == b.src_line);
  }
  CHECK(read.records.back().owner == name("mail.sub.example.org."));
  CHECK(read.records.back().ttl == 120);
  CHECK(read.records.back().src_line == 11);
}

TEST_CASE("an error in a later piece is reported at its line in the whole text") {
  Read read(ParseOptions{name("example.org.")});
  REQUIRE(read.reader.read("@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"));
  REQUIRE(read.reader.read("ns1 3600 IN A 192.0.2.53\n\n"));
  auto r = read.reader.read("www 3600 IN A 192.0.2.300\n");
  REQUIRE_FALSE(r);
  REQUIRE(r.error().where.has_value());
  CHECK(r.error().where->line == 4);
  CHECK(r.error().where->column == 15);
  CHECK_FALSE(read.reader.read("mail 3600 IN A 192.0.2.25\n"));  // nothing more after an error
}

TEST_CASE("a piece that cuts an entry in two is an error, not joined to the next") {
  Read read(ParseOptions{name("example.org.")});
  REQUIRE(read.reader.read("@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"));
  CHECK_FALSE(read.reader.read("www 3600 IN TXT ( \"a\"\n"));
}

TEST_CASE("a text without records read in pieces is an error at its line 1") {
  Read read(ParseOptions{name("example.org.")});
  REQUIRE(read.reader.read("; only a comment\n"));
  auto r = read.reader.finish();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::no_soa);
  CHECK(r.error().where->line == 1);
}

TEST_CASE("a staged file streamed in pieces holds them all, reads back, and appears only on commit") {
  TempDir t;
  const std::string path = (t.dir / "out").string();
  REQUIRE(write_file_atomic(path, "old\n"));
  auto staged = StagedFile::create(path, 0644);
  REQUIRE(staged);
  std::string expected;
  // Pieces around the buffer's size (a few MiB): buffered, and written through.
  const std::string small(1000, 'a');
  const std::string large(std::size_t{5} << 20, 'b');
  for (int i = 0; i < 3; ++i) {
    REQUIRE(staged->append(small));
    expected += small;
  }
  REQUIRE(staged->append(large));
  expected += large;
  REQUIRE(staged->append("end\n"));
  expected += "end\n";
  CHECK_FALSE(staged->read_at(0, std::span<char>()));  // not finished yet
  CHECK(staged->commit().error().code == Errc::internal);
  CHECK(read_file(path).value() == "old\n");
  REQUIRE(staged->finish());
  CHECK_FALSE(staged->append("more"));
  std::string back(expected.size() + 10, '\0');
  auto n = staged->read_at(0, back);
  REQUIRE(n);
  back.resize(*n);
  CHECK(back == expected);
  char tail[8];
  CHECK(staged->read_at(expected.size() - 4, tail).value() == 4);
  CHECK(std::string_view(tail, 4) == "end\n");
  CHECK(t.files() == 2);
  REQUIRE(staged->commit());
  CHECK(read_file(path).value() == expected);
  CHECK(t.files() == 1);
}

TEST_CASE("a staged file dropped before its commit leaves the target as it was") {
  TempDir t;
  const std::string path = (t.dir / "out").string();
  REQUIRE(write_file_atomic(path, "old\n"));
  {
    auto staged = StagedFile::create(path, 0644);
    REQUIRE(staged);
    REQUIRE(staged->append("new\n"));
    REQUIRE(staged->finish());
    CHECK(t.files() == 2);
  }
  CHECK(t.files() == 1);
  CHECK(read_file(path).value() == "old\n");
}
