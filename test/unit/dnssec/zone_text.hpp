// Test helper for the dnssec unit tests: reads zone data written one record
// per line ("owner ttl [class] type rdata", ';' comments, quoted strings), as
// ldns-readzone, ldns-signzone and dnssec-signzone -O full write it. The
// dnssec layer does not link the zone-file parser, and these tests do not
// need its directives.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dns/rdata.hpp"
#include "dns/record.hpp"
#include "zone/zone.hpp"

namespace zs::test {

inline std::vector<Token> split_tokens(std::string_view line) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ';') break;
    if (c == ' ' || c == '\t' || c == '\r' || c == '(' || c == ')') {
      ++i;
      continue;
    }
    Token t;
    t.column = static_cast<std::uint32_t>(i + 1);
    if (c == '"') {
      t.quoted = true;
      ++i;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size()) t.text += line[i++];
        t.text += line[i++];
      }
      ++i;
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != ';') {
        t.text += line[i++];
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

inline std::vector<Record> records_from_text(std::string_view text, const Name& origin) {
  std::vector<Record> records;
  std::istringstream in{std::string(text)};
  std::string line;
  std::uint32_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::vector<Token> tokens = split_tokens(line);
    if (tokens.empty()) continue;
    REQUIRE_MESSAGE(tokens.size() >= 3, "line " << number << ": " << line);
    Record r;
    auto owner = Name::parse(tokens[0].text, &origin);
    REQUIRE_MESSAGE(owner.has_value(), "line " << number << ": bad owner");
    r.owner = *owner;
    r.ttl = static_cast<std::uint32_t>(std::stoul(tokens[1].text));
    std::size_t k = 2;
    if (tokens[k].text == "IN") ++k;
    auto type = type_from_string(tokens[k].text);
    REQUIRE_MESSAGE(type.has_value(), "line " << number << ": bad type " << tokens[k].text);
    r.type = *type;
    auto rdata = rdata_from_tokens(r.type, std::span<const Token>(tokens).subspan(k + 1), origin);
    REQUIRE_MESSAGE(rdata.has_value(),
                    "line " << number << ": " << (rdata ? std::string() : rdata.error().to_string()) << ": " << line);
    r.rdata = std::move(*rdata);
    r.src_line = number;
    records.push_back(std::move(r));
  }
  return records;
}

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string vector_path(std::string_view name) {
  return std::string(ZONESIGN_SOURCE_DIR) + "/test/vectors/" + std::string(name);
}

inline Zone zone_from_text(std::string_view text, const Name& origin, bool keep_dnssec) {
  auto zone = Zone::build(records_from_text(text, origin), origin, SourceFiles{"test"},
                          Zone::BuildOptions{.keep_dnssec = keep_dnssec});
  REQUIRE_MESSAGE(zone.has_value(), (zone ? std::string() : zone.error().to_string()));
  return std::move(*zone);
}

inline Zone zone_from_vector(std::string_view file, const Name& origin, bool keep_dnssec) {
  return zone_from_text(read_text_file(vector_path(file)), origin, keep_dnssec);
}

inline Name name(std::string_view text) {
  auto n = Name::parse(text);
  REQUIRE(n.has_value());
  return *n;
}

inline const Node* find_node(const Zone& zone, const Name& owner) {
  for (const Node& n : zone.nodes())
    if (n.owner == owner) return &n;
  return nullptr;
}

inline Node* find_node(Zone& zone, const Name& owner) {
  for (Node& n : zone.nodes())
    if (n.owner == owner) return &n;
  return nullptr;
}

}  // namespace zs::test
