// Fuzzes the RDATA presentation parser and printer (libsigner/dns/rdata),
// type by type. The input's first line names the type (a mnemonic or
// TYPEnnn); the rest is used twice:
//  - as presentation text, split by the zone-file lexer: whatever
//    rdata_from_tokens() accepts must be valid wire RDATA for the type, and
//    rdata_to_string() of it must parse back to the same bytes;
//  - as wire RDATA: printing never fails, and wire data that validate_rdata()
//    accepts must come back unchanged through its presentation form.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/rdata.hpp"
#include "zonefile/lexer.hpp"

namespace {

const zs::Name& origin() {
  static const zs::Name name = *zs::Name::parse("example.");
  return name;
}

// The tokens of the first entry of `text`, copied out of the lexer.
bool lex(std::string_view text, std::vector<zs::Token>& tokens) {
  zs::Lexer lexer(text);
  zs::LexEntry entry;
  auto more = lexer.next(entry);
  if (!more || !*more) return false;
  tokens.assign(entry.tokens.begin(), entry.tokens.end());
  return true;
}

std::string hex(zs::BytesView bytes) {
  std::string out;
  char buf[4];
  for (auto b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(b));
    out += buf;
  }
  return out;
}

// `wire` is valid RDATA of `type`: its presentation form must parse back to it.
void check_printed(zs::RrType type, zs::BytesView wire, const char* origin_of_wire) {
  const std::string printed = zs::rdata_to_string(type, wire);
  (void)zs::canonical_rdata(type, wire);
  (void)zs::rdata_names(type, wire);
  std::vector<zs::Token> tokens;
  const bool lexed = lex(printed, tokens);
  auto back = lexed ? zs::rdata_from_tokens(type, tokens, origin()) : zs::Result<zs::Bytes>(zs::Bytes{});
  if (lexed && back && zs::BytesView(*back).size() == wire.size() &&
      std::equal(wire.begin(), wire.end(), back->begin()))
    return;
  if (!lexed && wire.empty()) return;  // empty RDATA prints as nothing for some types
  std::fprintf(stderr, "rdata round trip (%s) of %s failed\n  wire    %s\n  printed %s\n  %s\n", origin_of_wire,
               zs::type_to_string(type).c_str(), hex(wire).c_str(), printed.c_str(),
               !lexed  ? "the printed form does not lex"
               : !back ? back.error().to_string().c_str()
                       : ("parsed back as " + hex(*back)).c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  auto type = zs::type_from_string(input.substr(0, newline));
  if (!type) return 0;
  const std::string_view rest = input.substr(newline + 1);

  std::vector<zs::Token> tokens;
  if (lex(rest, tokens)) {
    auto wire = zs::rdata_from_tokens(*type, tokens, origin());
    if (wire) {
      if (auto valid = zs::validate_rdata(*type, *wire); !valid) {
        std::fprintf(stderr, "rdata of %s accepted by the parser but not by validate_rdata: %s\n  wire %s\n",
                     zs::type_to_string(*type).c_str(), valid.error().to_string().c_str(), hex(*wire).c_str());
        std::abort();
      }
      check_printed(*type, *wire, "parsed text");
    } else {
      (void)wire.error().to_string();
    }
  }

  const zs::BytesView raw(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size());
  if (zs::validate_rdata(*type, raw)) check_printed(*type, raw, "raw wire");
  else (void)zs::rdata_to_string(*type, raw);
  return 0;
}
