// Hostile input (issue 9): what a zone file may reach and how much it may
// cost, and what error messages show of it (zonefile.hpp, lexer.hpp,
// excerpt.hpp, core/atomic_file.hpp read_file).
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "zonefile/excerpt.hpp"
#include "zonefile/zonefile.hpp"

using namespace zs;
namespace fs = std::filesystem;

namespace {

const char* const apex = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";

ParseOptions options() {
  ParseOptions o;
  o.origin = Name::parse("example.com.").value();
  return o;
}

struct Scratch {
  fs::path path;
  Scratch() {
    path = fs::temp_directory_path() / ("zs-input-limits-" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, std::string_view text) const {
    auto p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

Error parse_error(const std::string& file, const ParseOptions& o = options()) {
  auto r = parse_zone_file(file, o);
  REQUIRE_FALSE(r.has_value());
  REQUIRE(r.error().where.has_value());
  return r.error();
}

}  // namespace

TEST_CASE("an $INCLUDE of a directory, a device or a FIFO is an io error at the file name, read at once") {
  Scratch dir;
  fs::create_directories(dir.path / "folder");
  REQUIRE(::mkfifo((dir.path / "fifo").c_str(), 0600) == 0);
  for (const char* target : {"folder", "/dev/zero", "/dev/urandom", "fifo", "/"}) {
    CAPTURE(target);
    std::string top = dir.write("top.zone", std::string(apex) + "$INCLUDE " + target + "\n");
    Error e = parse_error(top);
    CHECK(e.code == Errc::io);
    CHECK(e.where->line == 5);
    CHECK(e.where->column == 10);
  }
  // The zone file itself.
  auto r = parse_zone_file((dir.path / "folder").string(), options());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::io);
}

TEST_CASE("$INCLUDE with an empty file name is a bad directive") {
  Scratch dir;
  Error e = parse_error(dir.write("top.zone", std::string(apex) + "$INCLUDE \"\"\n"));
  CHECK(e.code == Errc::bad_directive);
  CHECK(e.where->line == 5);
}

TEST_CASE("allow_include false refuses every $INCLUDE at the directive") {
  Scratch dir;
  dir.write("part.inc", "www A 192.0.2.2\n");
  ParseOptions o = options();
  std::string top = dir.write("top.zone", std::string(apex) + "$INCLUDE part.inc\n");
  CHECK(parse_zone_file(top, o).has_value());
  o.input.allow_include = false;
  Error e = parse_error(top, o);
  CHECK(e.code == Errc::include_denied);
  CHECK(e.where->line == 5);
  CHECK(e.where->column == 1);
}

TEST_CASE("include_root admits only files below it once links are resolved") {
  Scratch dir;
  dir.write("root/part.inc", "www A 192.0.2.2\n");
  dir.write("outside.inc", "evil A 192.0.2.3\n");
  fs::create_symlink(dir.path / "outside.inc", dir.path / "root" / "link-out.inc");
  fs::create_symlink(dir.path / "root" / "part.inc", dir.path / "link-in.inc");
  ParseOptions o = options();
  o.input.include_root = (dir.path / "root").string();
  auto with = [&](const std::string& target) {
    return dir.write("root/top.zone", std::string(apex) + "$INCLUDE " + target + "\n");
  };
  CHECK(parse_zone_file(with("part.inc"), o).has_value());
  CHECK(parse_zone_file(with("../link-in.inc"), o).has_value());  // resolves to root/part.inc
  for (const char* target : {"../outside.inc", "link-out.inc", "/etc/passwd"}) {
    CAPTURE(target);
    Error e = parse_error(with(target), o);
    CHECK(e.code == Errc::include_denied);
    CHECK(e.where->line == 5);
    CHECK(e.where->column == 10);
  }
}

TEST_CASE("the zone's files together are bounded by max_bytes") {
  Scratch dir;
  std::string big(3000, ';');
  big += "\nwww A 192.0.2.2\n";
  dir.write("part.inc", big);
  std::string top = dir.write("top.zone", std::string(apex) + "$INCLUDE part.inc\n");
  ParseOptions o = options();
  o.input.max_bytes = 4000;
  CHECK(parse_zone_file(top, o).has_value());
  o.input.max_bytes = 3000;
  Error e = parse_error(top, o);
  CHECK(e.code == Errc::limit);
  CHECK(e.where->line == 5);
  CHECK(e.where->column == 10);
  o.input.max_bytes = 50;  // the top file alone is larger
  auto r = parse_zone_file(top, o);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::limit);
}

TEST_CASE("read_file reads files whose size fstat does not tell and stops at the limit") {
  auto status = read_file("/proc/self/status");  // st_size 0
  REQUIRE(status.has_value());
  CHECK(status->find("Name:") != std::string::npos);
  auto capped = read_file("/proc/self/status", 10);
  REQUIRE_FALSE(capped.has_value());
  CHECK(capped.error().code == Errc::limit);
}

TEST_CASE("$GENERATE refuses a range over its record limits before making any record") {
  Scratch dir;
  Error e = parse_error(dir.write("a.zone", std::string(apex) + "$GENERATE 0-2147483647 h$ A 192.0.2.1\n"));
  CHECK(e.code == Errc::limit);
  CHECK(e.where->line == 5);
  CHECK(e.where->column == 11);
  CHECK(parse_zone_file(dir.write("b.zone", std::string(apex) + "$GENERATE 0-65535 h$ A 192.0.2.1\n"), options())
            .has_value());
  e = parse_error(dir.write("c.zone", std::string(apex) + "$GENERATE 0-65536 h$ A 192.0.2.1\n"));
  CHECK(e.code == Errc::limit);

  ParseOptions o = options();
  o.max_generate_total = 100;
  e = parse_error(dir.write("d.zone", std::string(apex) + "$GENERATE 1-60 a$ A 192.0.2.1\n"
                                                          "$GENERATE 1-60 b$ A 192.0.2.1\n"),
                  o);
  CHECK(e.code == Errc::limit);
  CHECK(e.where->line == 6);
  CHECK(e.where->column == 11);

  o = options();
  o.max_generate_chars = 1000;
  e = parse_error(dir.write("e.zone", std::string(apex) + "$GENERATE 1-100 name-$ TXT \"text-$\"\n"), o);
  CHECK(e.code == Errc::limit);
  CHECK(e.where->line == 5);
  CHECK(e.where->column == 1);
}

TEST_CASE("a record of more tokens or text than 65,535 octets of RDATA need is refused at its first token") {
  std::string many(apex);
  many += "x TXT";
  for (int i = 0; i < 140000; ++i) many += " a";
  many += "\n";
  auto r = parse_zone_text(many, "t.zone", options());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::limit);
  CHECK(r.error().where->line == 5);
  CHECK(r.error().where->column == 1);

  std::string long_token(apex);
  long_token += "x CNAME " + std::string(300000, 'a') + "\n";
  r = parse_zone_text(long_token, "t.zone", options());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::limit);
  CHECK(r.error().where->line == 5);
}

TEST_CASE("the largest TXT record, every octet written as \\DDD, is within the limits") {
  // 255 strings of 255 octets and one of 254: 65,535 octets of RDATA.
  std::string text(apex);
  text += "x TXT";
  for (int s = 0; s < 256; ++s) {
    text += " \"";
    for (int i = 0; i < (s < 255 ? 255 : 254); ++i) text += "\\097";
    text += "\"";
  }
  text += "\n";
  auto r = parse_zone_text(text, "t.zone", options());
  if (!r) FAIL(r.error().to_string());
  CHECK(r->records.back().rdata.size() == 65535);
}

TEST_CASE("a raw NUL in a quoted string and a byte order mark are syntax errors at their position") {
  auto r = parse_zone_text(std::string(apex) + "x TXT \"a" + std::string(1, '\0') + "b\"\n", "t.zone", options());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::syntax);
  CHECK(r.error().where->line == 5);
  CHECK(r.error().where->column == 9);
  r = parse_zone_text("\xEF\xBB\xBF" + std::string(apex), "t.zone", options());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::syntax);
  CHECK(r.error().where->line == 1);
  CHECK(r.error().where->column == 1);
}

TEST_CASE("a file without records is reported at its line 1") {
  for (const char* text : {"", "; only a comment\n", "$TTL 60\n"}) {
    CAPTURE(text);
    auto r = parse_zone_text(text, "t.zone", options());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Errc::no_soa);
    REQUIRE(r.error().where.has_value());
    CHECK(r.error().where->line == 1);
    CHECK(r.error().where->column == 1);
  }
}

TEST_CASE("messages quote a short escaped excerpt of a token and nothing of an included file") {
  Scratch dir;
  // Top file: an excerpt of at most 40 characters, control bytes escaped.
  std::string top = dir.write("top.zone", std::string(apex) + "x \x1b[31m" + std::string(5000, 'Q') + " 1\n");
  Error e = parse_error(top);
  CHECK(e.code == Errc::bad_type);
  CHECK(e.message.find('\x1b') == std::string::npos);
  CHECK(e.message.find("\\027[31m") != std::string::npos);
  CHECK(e.message.find(std::string(41, 'Q')) == std::string::npos);
  CHECK(e.message.size() <= max_message_chars + 3);

  // Included files: nothing of their text.
  dir.write("secrets.env", "x IN ZS-SECRET-type\n");
  dir.write("creds", "https://user:ZS-SECRET-git@github.com\n");
  dir.write("rdata.inc", "x A ZS-SECRET-address\n");
  for (const char* inc : {"secrets.env", "creds", "rdata.inc"}) {
    CAPTURE(inc);
    e = parse_error(dir.write("inc.zone", std::string(apex) + "$INCLUDE " + inc + "\n"));
    CHECK(e.where->file.ends_with(inc));
    CHECK(e.where->line == 1);
    CHECK(e.to_string().find("ZS-SECRET") == std::string::npos);
  }
}

TEST_CASE("excerpt escapes bytes outside printable ASCII and cuts long text with its length") {
  CHECK(excerpt(std::string("a\0b\n", 4)) == "a\\000b\\010");
  CHECK(excerpt("\xff") == "\\255");
  CHECK(excerpt(std::string(50, 'x')) == std::string(40, 'x') + "... (50 characters)");
  CHECK(safe_message("unknown type 'secret'", "secret", true) == "unknown type [text withheld]");
  CHECK(safe_message("unknown type 'abc'", "abc", false) == "unknown type 'abc'");
}
