// The tokenizer of RFC 1035 §5.1 master files: splits the text into entries
// (one logical line each, parentheses joining physical lines), and entries
// into tokens, dropping comments. It knows nothing of records or directives.
//
// Rules, as BIND reads them: blanks are space, tab and CR (so CRLF files
// work); ';' starts a comment outside quotes; '(' and ')' join lines and are
// not tokens; "..." is one token whose escapes are kept as written (a ';'
// inside quotes is text); '\X' and '\DDD' escape a character of an unquoted
// token and are kept as written too, for the name and RDATA parsers.
// An entry that starts with a blank inherits the previous owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "dns/rdata.hpp"

namespace zs {

struct LexEntry {
  std::span<const Token> tokens;  // never empty; valid until the next call
  bool owner_blank = false;       // the first physical line starts with a blank
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) noexcept : text_(text) {}

  // Reads the next entry that holds at least one token. Returns false at the
  // end of the text. Errors (no file set): unterminated for an open quote or
  // parenthesis (at its position), syntax for an unmatched ')'.
  Result<bool> next(LexEntry& entry);

  std::uint32_t line() const noexcept { return line_; }

 private:
  Token& new_token(std::uint32_t line, std::uint32_t column);
  std::uint32_t column_at(std::size_t pos) const noexcept {
    return static_cast<std::uint32_t>(pos - line_start_ + 1);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::size_t line_start_ = 0;
  // Tokens are reused from entry to entry, so their strings keep their
  // capacity and lexing a large zone allocates almost nothing.
  std::vector<Token> tokens_;
  std::size_t count_ = 0;
};

}  // namespace zs
