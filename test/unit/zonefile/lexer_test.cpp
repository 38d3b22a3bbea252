#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "zonefile/lexer.hpp"
#include "zonefile/ttl.hpp"

using namespace zs;

namespace {

struct Lexed {
  std::vector<Token> tokens;
  bool owner_blank = false;
};

std::vector<Lexed> lex_all(std::string_view text) {
  Lexer lexer(text);
  LexEntry entry;
  std::vector<Lexed> out;
  for (;;) {
    auto more = lexer.next(entry);
    REQUIRE(more.has_value());
    if (!*more) break;
    out.push_back(Lexed{{entry.tokens.begin(), entry.tokens.end()}, entry.owner_blank});
  }
  return out;
}

Error lex_error(std::string_view text) {
  Lexer lexer(text);
  LexEntry entry;
  for (;;) {
    auto more = lexer.next(entry);
    if (!more) return more.error();
    REQUIRE(*more);
  }
}

}  // namespace

TEST_CASE("parentheses join lines and comments inside them are dropped") {
  auto entries = lex_all("@ IN SOA ns host ( 1 ; serial\n  2 ; refresh\n 3 4 5 )\nwww A 1.2.3.4\n");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].tokens.size() == 10);
  CHECK(entries[0].tokens[9].text == "5");
  CHECK(entries[0].tokens[9].line == 3);
  CHECK(entries[1].tokens[0].text == "www");
  CHECK(entries[1].tokens[0].line == 4);
  CHECK_FALSE(entries[1].owner_blank);
}

TEST_CASE("a semicolon inside quotes is text and escapes stay as written") {
  auto entries = lex_all("a TXT \"x;y\" \"q\\\"z\" b\\;c\n");
  REQUIRE(entries.size() == 1);
  const auto& t = entries[0].tokens;
  REQUIRE(t.size() == 5);
  CHECK(t[2].text == "x;y");
  CHECK(t[2].quoted);
  CHECK(t[3].text == "q\\\"z");
  CHECK(t[4].text == "b\\;c");
  CHECK_FALSE(t[4].quoted);
  CHECK(t[4].column == 20);
}

TEST_CASE("a line that starts with a blank is marked as inheriting the owner") {
  auto entries = lex_all("a A 1.1.1.1\n\tA 2.2.2.2\n   ; only a comment\n\n b AAAA ::1\n");
  REQUIRE(entries.size() == 3);
  CHECK_FALSE(entries[0].owner_blank);
  CHECK(entries[1].owner_blank);
  CHECK(entries[1].tokens[0].column == 2);
  CHECK(entries[2].owner_blank);
  CHECK(entries[2].tokens[0].line == 5);
}

TEST_CASE("CRLF line ends are read like LF") {
  auto entries = lex_all("a A 1.1.1.1\r\nb A 2.2.2.2\r\n");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].tokens.back().text == "1.1.1.1");
  CHECK(entries[1].tokens[0].text == "b");
  CHECK(entries[1].tokens[0].line == 2);
}

TEST_CASE("an escaped blank stays inside the token") {
  auto entries = lex_all("a\\ b\\059c\\. A 1.1.1.1");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].tokens[0].text == "a\\ b\\059c\\.");
  CHECK(entries[0].tokens[1].column == 13);
}

TEST_CASE("an open quote or parenthesis is unterminated at its own position") {
  Error e = lex_error("a A 1.1.1.1\nb TXT \"abc\n");
  CHECK(e.code == Errc::unterminated);
  REQUIRE(e.where);
  CHECK(e.where->line == 2);
  CHECK(e.where->column == 7);

  e = lex_error("a A 1.1.1.1\n@ SOA ns host (1 2\n3 4 5\n");
  CHECK(e.code == Errc::unterminated);
  CHECK(e.where->line == 2);
  CHECK(e.where->column == 15);
}

TEST_CASE("a closing parenthesis without an opening one is a syntax error") {
  Error e = lex_error("a A 1.1.1.1 )\n");
  CHECK(e.code == Errc::syntax);
  CHECK(e.where->column == 13);
}

TEST_CASE("TTLs accept unit suffixes in any case and reject values above 2^31-1") {
  CHECK(parse_ttl("3600").value() == 3600);
  CHECK(parse_ttl("1w2d3h4m5s").value() == 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
  CHECK(parse_ttl("1H30M").value() == 5400);
  CHECK(parse_ttl("2147483647").value() == 2147483647u);
  CHECK(parse_ttl("2147483648").error().code == Errc::bad_ttl);
  CHECK(parse_ttl("9999999999999").error().code == Errc::bad_ttl);
  CHECK(parse_ttl("3600x").error().code == Errc::bad_ttl);
  CHECK(parse_ttl("h").error().code == Errc::bad_ttl);
  CHECK(parse_ttl("4000w").error().code == Errc::bad_ttl);
}

TEST_CASE("a token longer than any before it is read whole, however the token strings grew") {
  // Token strings are reused from entry to entry; one that has to grow must
  // hold exactly its own text, not what lies after it in the input.
  std::string text = "a b\n";
  for (std::size_t length : {16u, 40u, 17u, 300u, 2u, 1000u}) text += std::string(length, 'x') + " tail\n";
  auto entries = lex_all(text);
  REQUIRE(entries.size() == 7);
  const std::size_t lengths[] = {16, 40, 17, 300, 2, 1000};
  for (std::size_t i = 0; i < 6; ++i) {
    CAPTURE(i);
    REQUIRE(entries[i + 1].tokens.size() == 2);
    CHECK(entries[i + 1].tokens[0].text == std::string(lengths[i], 'x'));
    CHECK(entries[i + 1].tokens[1].text == "tail");
    CHECK(entries[i + 1].tokens[1].column == lengths[i] + 2);
  }
}

TEST_CASE("blanks, tabs and comments between tokens keep lines and columns") {
  auto entries = lex_all("a \t\t b ; comment \"quote ( \n\t\t; only a comment\n  c\t;\n");
  REQUIRE(entries.size() == 2);
  REQUIRE(entries[0].tokens.size() == 2);
  CHECK(entries[0].tokens[1].text == "b");
  CHECK(entries[0].tokens[1].column == 6);
  REQUIRE(entries[1].tokens.size() == 1);
  CHECK(entries[1].tokens[0].line == 3);
  CHECK(entries[1].tokens[0].column == 3);
  CHECK(entries[1].owner_blank);
}
