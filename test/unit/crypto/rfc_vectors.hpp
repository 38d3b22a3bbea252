// Test helper: reads the RFC example files under test/vectors/ (rfc5702-*,
// rfc6605-*, rfc8080-*, rfc4034-5.4) as the RFCs print them: a BIND
// private-key block and resource records in master-file form, with
// parentheses, ";" comments and wrapped base64. Only the tokenising lives
// here; turning tokens into wire form is left to each test, so this header
// needs nothing above the core layer.
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/encoding.hpp"

namespace zs::test {

struct VectorRecord {
  std::string owner;
  std::uint32_t ttl = 0;
  std::string type;
  std::vector<std::string> rdata;  // RDATA tokens, parentheses removed

  // The RDATA tokens from index `from` on, joined (wrapped base64 or hex).
  std::string joined(std::size_t from) const {
    std::string out;
    for (std::size_t i = from; i < rdata.size(); ++i) out += rdata[i];
    return out;
  }
};

struct VectorFile {
  std::string private_key;  // BIND "Private-key-format" block, if any
  std::vector<VectorRecord> records;

  const VectorRecord& first(std::string_view type) const {
    for (const auto& r : records)
      if (r.type == type) return r;
    throw std::runtime_error("vector file has no " + std::string(type) + " record");
  }
};

inline std::string vector_path(std::string_view name) {
  return std::string(ZONESIGN_SOURCE_DIR) + "/test/vectors/" + std::string(name);
}

inline VectorFile read_vector_file(std::string_view name) {
  std::ifstream in(vector_path(name));
  if (!in) throw std::runtime_error("cannot open " + vector_path(name));
  VectorFile file;
  std::vector<std::string> tokens;
  int depth = 0;
  bool in_key = false;

  auto flush = [&] {
    if (tokens.size() >= 4) {
      VectorRecord r;
      r.owner = tokens[0];
      r.ttl = static_cast<std::uint32_t>(std::stoul(tokens[1]));
      // tokens[2] is the class (IN in every example).
      r.type = tokens[3];
      r.rdata.assign(tokens.begin() + 4, tokens.end());
      file.records.push_back(std::move(r));
    }
    tokens.clear();
    depth = 0;
  };

  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(";")) continue;  // the file's own header comment
    if (line.starts_with("Private-key-format")) in_key = true;
    if (in_key) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) {
        in_key = false;
      } else {
        file.private_key += line + "\n";
      }
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      flush();
      continue;
    }
    if (auto semi = line.find(';'); semi != std::string::npos) line.erase(semi);
    for (char& c : line) {
      if (c == '(') {
        ++depth;
        c = ' ';
      } else if (c == ')') {
        --depth;
        c = ' ';
      }
    }
    std::istringstream words(line);
    for (std::string w; words >> w;) tokens.push_back(w);
    if (depth <= 0) flush();
  }
  flush();
  return file;
}

inline Bytes base64_bytes(const std::string& text) {
  auto b = from_base64(text);
  if (!b) throw std::runtime_error("bad base64 in vector: " + text);
  return *b;
}

inline Bytes hex_bytes(const std::string& text) {
  auto b = from_hex(text);
  if (!b) throw std::runtime_error("bad hex in vector: " + text);
  return *b;
}

}  // namespace zs::test
