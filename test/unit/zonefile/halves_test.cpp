// parse_zone_text_in_halves (zonefile.hpp): a large text read in two halves
// side by side must give exactly what reading it as one gives, or nothing
// (the caller then reads it as one).
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "zonefile/zonefile.hpp"

using namespace zs;

namespace {

const Name origin = Name::parse("example.").value();

// Reading the text as one, the way parse_zone_text did before the halves.
std::vector<Record> read_as_one(const std::string& text) {
  std::vector<Record> out;
  ZoneTextReader reader("z", ParseOptions{origin}, [&](Record&& r, const SourceFiles&) -> Result<void> {
    out.push_back(std::move(r));
    return {};
  });
  auto r = reader.read(text);
  REQUIRE_MESSAGE(r, r.error().to_string());
  return out;
}

void check_same(const std::vector<Record>& got, const std::vector<Record>& want) {
  REQUIRE(got.size() == want.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const Record& g = got[i];
    const Record& w = want[i];
    const bool same = std::ranges::equal(g.owner.wire(), w.owner.wire()) && g.type == w.type &&
                      g.rclass == w.rclass && g.ttl == w.ttl && g.rdata == w.rdata && g.src_file == w.src_file &&
                      g.src_line == w.src_line && g.src_column == w.src_column;
    if (!same && differ++ == 0)
      FAIL_CHECK("record " << i << " differs: " << g.owner.to_string() << " line " << g.src_line << " where "
                           << w.owner.to_string() << " line " << w.src_line);
  }
  CHECK(differ == 0);
}

// A zone of `names` hosts with what the halves must get right: $ORIGIN and
// $TTL changing on the way, owners left blank, entries over several lines,
// comments and quoted strings with parentheses and semicolons, spelling in
// capitals, and (`tricky`) lines inside parentheses that start like a
// directive or an owner.
std::string zone_text(int names, std::uint32_t seed, bool tricky) {
  std::mt19937 rng(seed);
  std::string t = "$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n  NS ns1\nns1 A 192.0.2.1\n";
  for (int i = 0; i < names; ++i) {
    const std::string h = "h" + std::to_string(i);
    switch (rng() % 12) {
      case 0:
        t += "$ORIGIN s" + std::to_string(rng() % 5) + ".example.\n";
        break;
      case 1:
        t += "$TTL " + std::to_string(60 + rng() % 1000) + " ; new default\n";
        break;
      case 2:
        t += h + " MX ( 10 ; priority (\n   mail." + h + " )\n";
        break;
      case 3:
        t += h + " TXT \"a ( b ; c\" \"\\\"q\\\"\"\n";
        break;
      case 4:
        t += "; a comment line ( with \" a quote\n";
        break;
      case 5:
        if (tricky) t += h + " TXT ( \"x\"\n$ORIGIN bogus.\nnotanowner \"y\" )\n";
        break;
      default:
        break;
    }
    // An explicit TTL or none (the default then), in capitals or not.
    const std::string owner = rng() % 3 == 0 ? "H" + std::to_string(i) : h;
    t += owner + (rng() % 2 ? " 300" : "") + " A 192.0.2." + std::to_string(i % 250) + "\n";
    if (rng() % 4 == 0) t += "\tAAAA 2001:db8::" + std::to_string(i % 65536) + "\n";
  }
  return t;
}

}  // namespace

TEST_CASE("a large zone text read in two halves gives what reading it as one gives") {
  const bool two_cores = std::thread::hardware_concurrency() >= 2;
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    const std::string text = zone_text(6000, seed, false);
    auto halves = parse_zone_text_in_halves(text, "z", ParseOptions{origin}, 4096);
    if (two_cores) REQUIRE(halves);  // nothing here stops the halves
    if (halves) check_same(halves->records, read_as_one(text));
  }
}

TEST_CASE("directive-like lines inside parentheses leave the halves right or read as one") {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    const std::string text = zone_text(6000, seed, true);
    auto halves = parse_zone_text_in_halves(text, "z", ParseOptions{origin}, 4096);
    if (halves) check_same(halves->records, read_as_one(text));
    // And whatever path it takes, parse_zone_text gives the same records.
    auto parsed = parse_zone_text(text, "z", ParseOptions{origin});
    REQUIRE(parsed);
    check_same(parsed->records, read_as_one(text));
  }
}

TEST_CASE("the halves are read as one without a $TTL before the cut, with $INCLUDE or $GENERATE, or on any error") {
  const ParseOptions options{origin};
  std::string text = zone_text(6000, 9, false);
  REQUIRE(text.starts_with("$TTL 3600\n"));
  // No $TTL before the cut: the default TTL would depend on the records.
  std::string no_ttl = text.substr(10);
  for (std::size_t at = no_ttl.find("$TTL"); at != std::string::npos; at = no_ttl.find("$TTL"))
    no_ttl.replace(at, 4, ";TTL");
  CHECK_FALSE(parse_zone_text_in_halves(no_ttl, "z", options, 4096));
  CHECK_FALSE(parse_zone_text_in_halves(text + "$INCLUDE other.zone\n", "z", options, 4096));
  CHECK_FALSE(parse_zone_text_in_halves(text + "$GENERATE 1-2 g$ A 192.0.2.$\n", "z", options, 4096));
  // An error in the second half: read as one, which reports it at its line.
  const std::string broken = text + "bad 300 A 999.0.2.1\n";
  CHECK_FALSE(parse_zone_text_in_halves(broken, "z", options, 4096));
  auto parsed = parse_zone_text(broken, "z", options);
  REQUIRE_FALSE(parsed);
  REQUIRE(parsed.error().where);
  const auto lines = static_cast<std::uint32_t>(std::count(broken.begin(), broken.end(), '\n'));
  CHECK(parsed.error().where->line == lines);
  // Below the size asked for, nothing is split.
  CHECK_FALSE(parse_zone_text_in_halves(text, "z", options, text.size() + 1));
}
