// Runs the zone corpus of test/zones (layout in test/zones/README.md): every
// good zone must parse, build and survive a write/read round trip unchanged;
// every bad zone must fail with the code and position its .expect names.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "zone/zone.hpp"
#include "zonefile/writer.hpp"
#include "zonefile/zonefile.hpp"

using namespace zs;
namespace fs = std::filesystem;

namespace {

const fs::path zones_dir = fs::path(ZONESIGN_SOURCE_DIR) / "test" / "zones";

std::vector<fs::path> zone_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".zone") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// good/example.com.zone holds the zone example.com.
Name origin_from_file_name(const fs::path& p) { return Name::parse(p.stem().string() + ".").value(); }

Result<Zone> load(const fs::path& path, const Name& origin) {
  ParseOptions options;
  options.origin = origin;
  auto parsed = parse_zone_file(path.string(), options);
  if (!parsed) return fail(parsed.error());
  return Zone::build(std::move(parsed->records), origin, parsed->files);
}

std::string relative_to_corpus(const std::string& file) {
  return fs::path(file).lexically_normal().lexically_relative(zones_dir.lexically_normal()).generic_string();
}

}  // namespace

TEST_CASE("every good corpus zone parses, builds and round-trips through the writer") {
  auto files = zone_files(zones_dir / "good");
  CHECK(files.size() >= 10);
  for (const fs::path& path : files) {
    CAPTURE(path.string());
    Name origin = origin_from_file_name(path);
    auto zone = load(path, origin);
    if (!zone) FAIL(zone.error().to_string());
    REQUIRE(zone.has_value());
    CHECK(zone->record_count() > 0);

    std::string first;
    write_zone_text(*zone, first);
    ParseOptions options;
    options.origin = origin;
    auto reparsed = parse_zone_text(first, "written", options);
    if (!reparsed) FAIL(reparsed.error().to_string());
    auto rebuilt = Zone::build(std::move(reparsed->records), origin, reparsed->files);
    if (!rebuilt) FAIL(rebuilt.error().to_string());
    std::string second;
    write_zone_text(*rebuilt, second);
    CHECK(first == second);
    CHECK(rebuilt->record_count() == zone->record_count());
    CHECK(rebuilt->nodes().size() == zone->nodes().size());
  }
}

TEST_CASE("every bad corpus zone fails with the code and position of its .expect file") {
  auto files = zone_files(zones_dir / "bad");
  CHECK(files.size() >= 45);
  std::vector<std::string> codes_seen;
  for (const fs::path& path : files) {
    CAPTURE(path.string());
    fs::path expect_path = path;
    expect_path.replace_extension(".expect");
    std::ifstream in(expect_path);
    REQUIRE_MESSAGE(in.good(), "missing " << expect_path.string());
    std::string code, file;
    std::uint32_t line = 0, column = 0;
    in >> code >> file >> line >> column;
    REQUIRE_FALSE(in.fail());

    // Bad zones all belong to example.com. (test/zones/README.md).
    auto zone = load(path, Name::parse("example.com.").value());
    REQUIRE_FALSE(zone.has_value());
    const Error& e = zone.error();
    CAPTURE(e.to_string());
    CHECK(errc_name(e.code) == code);
    REQUIRE(e.where.has_value());
    CHECK(relative_to_corpus(e.where->file) == file);
    CHECK(e.where->line == line);
    CHECK(e.where->column == column);
    codes_seen.push_back(code);
  }
  // Every zone-file and zone-semantics code has at least one bad zone, except
  // no_origin: ParseOptions always supplies an origin, so it cannot occur.
  for (Errc c : {Errc::syntax, Errc::unterminated, Errc::bad_name, Errc::label_too_long, Errc::name_too_long,
                 Errc::bad_ttl, Errc::bad_class, Errc::bad_type, Errc::bad_rdata, Errc::text_too_long,
                 Errc::bad_directive, Errc::include_loop, Errc::include_depth, Errc::no_ttl, Errc::no_soa,
                 Errc::multiple_soa, Errc::soa_not_at_apex, Errc::no_apex_ns, Errc::cname_conflict,
                 Errc::cname_at_apex, Errc::out_of_zone, Errc::missing_glue, Errc::ds_at_apex, Errc::io}) {
    CAPTURE(errc_name(c));
    CHECK(std::find(codes_seen.begin(), codes_seen.end(), std::string(errc_name(c))) != codes_seen.end());
  }
}
