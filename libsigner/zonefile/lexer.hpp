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
//
// Hostile input: an entry is refused once it holds more tokens or token text
// than any record can need (LexLimits), before it is stored, so one 100 MB
// line costs no more memory than a legitimate record. A raw NUL byte in a
// quoted string and a UTF-8 byte order mark are refused with a hint (a NUL
// in an unquoted token reaches the field's parser, which refuses it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "dns/rdata.hpp"

namespace zs {

// What one entry may hold. RDATA is at most 65,535 octets (RFC 1035 §3.2.1),
// and no presentation form needs more than two tokens per octet (hex split
// into single digits, an empty character-string "" per octet) nor more than
// four characters per octet (\DDD); the owner, TTL, class, type and the
// RFC 3597 "\# length" need a few tokens and at most 4 × 255 characters more.
// $GENERATE lines and directives fit the same bounds.
struct LexLimits {
  std::size_t max_tokens = 2 * 65535 + 64;
  std::size_t max_chars = 4 * 65535 + 4096;  // total text of the entry's tokens
};

struct LexEntry {
  std::span<const Token> tokens;  // never empty; valid until the next call
  bool owner_blank = false;       // the first physical line starts with a blank
};

class Lexer {
 public:
  explicit Lexer(std::string_view text, LexLimits limits = {}) noexcept : text_(text), limits_(limits) {}

  // Reads the next entry that holds at least one token. Returns false at the
  // end of the text. Errors (no file set): unterminated for an open quote or
  // parenthesis (at its position), syntax for an unmatched ')', a raw NUL
  // byte in quotes (at it) or a byte order mark (at 1:1), limit for an entry over
  // LexLimits (at its first token) or a text of more than 2^32-2 lines.
  Result<bool> next(LexEntry& entry);

  std::uint32_t line() const noexcept { return line_; }

 private:
  Token& new_token(std::uint32_t line, std::uint32_t column);
  std::uint32_t column_at(std::size_t pos) const noexcept {
    const std::size_t column = pos - line_start_ + 1;
    return column > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(column);
  }
  // The limits, checked before a token of `length` characters is stored:
  // over_limits() inline for every token, admit_token() for the error.
  bool over_limits(std::size_t length) const noexcept {
    return count_ >= limits_.max_tokens || length > limits_.max_chars - chars_;
  }
  Result<void> admit_token(std::size_t length, std::uint32_t line, std::uint32_t column) const;

  std::string_view text_;
  LexLimits limits_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::size_t line_start_ = 0;
  std::size_t chars_ = 0;  // token text in the current entry
  // Tokens are reused from entry to entry, so their strings keep their
  // capacity and lexing a large zone allocates almost nothing.
  std::vector<Token> tokens_;
  std::size_t count_ = 0;
};

}  // namespace zs
