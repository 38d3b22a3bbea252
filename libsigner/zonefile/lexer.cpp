#include "zonefile/lexer.hpp"

#include <string>

namespace zs {

namespace {

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

// Characters that end an unquoted token.
bool ends_token(char c) noexcept {
  return is_blank(c) || c == '\n' || c == ';' || c == '(' || c == ')' || c == '"';
}

}  // namespace

Token& Lexer::new_token(std::uint32_t line, std::uint32_t column) {
  if (count_ == tokens_.size()) tokens_.emplace_back();
  Token& t = tokens_[count_++];
  t.text.clear();
  t.quoted = false;
  t.line = line;
  t.column = column;
  return t;
}

Result<bool> Lexer::next(LexEntry& entry) {
  const std::size_t size = text_.size();
  while (pos_ < size) {
    count_ = 0;
    bool owner_blank = is_blank(text_[pos_]);
    int depth = 0;
    std::uint32_t paren_line = 0, paren_column = 0;
    bool done = false;
    while (!done) {
      if (pos_ >= size) {
        if (depth > 0)
          return fail(Errc::unterminated, "'(' is never closed", Location{"", paren_line, paren_column});
        break;
      }
      char c = text_[pos_];
      if (is_blank(c)) {
        ++pos_;
      } else if (c == '\n') {
        ++pos_;
        ++line_;
        line_start_ = pos_;
        if (depth == 0) done = true;
      } else if (c == ';') {
        while (pos_ < size && text_[pos_] != '\n') ++pos_;
      } else if (c == '(') {
        if (depth == 0) {
          paren_line = line_;
          paren_column = column_at(pos_);
        }
        ++depth;
        ++pos_;
      } else if (c == ')') {
        if (depth == 0) return fail(Errc::syntax, "')' without '('", Location{"", line_, column_at(pos_)});
        --depth;
        ++pos_;
      } else if (c == '"') {
        const std::uint32_t qline = line_, qcolumn = column_at(pos_);
        Token& t = new_token(qline, qcolumn);
        t.quoted = true;
        std::size_t start = ++pos_;
        for (;;) {
          if (pos_ >= size || text_[pos_] == '\n')
            return fail(Errc::unterminated, "quoted string is never closed", Location{"", qline, qcolumn});
          char q = text_[pos_];
          if (q == '"') break;
          if (q == '\\' && pos_ + 1 < size && text_[pos_ + 1] != '\n') ++pos_;
          ++pos_;
        }
        t.text.assign(text_.substr(start, pos_ - start));
        ++pos_;
      } else {
        Token& t = new_token(line_, column_at(pos_));
        std::size_t start = pos_;
        while (pos_ < size) {
          char u = text_[pos_];
          if (u == '\\') {
            // An escape keeps its next character in the token, even a blank
            // or a ';'; the name and RDATA parsers decode it.
            if (pos_ + 1 < size && text_[pos_ + 1] != '\n') {
              pos_ += 2;
              continue;
            }
            ++pos_;
            continue;
          }
          if (ends_token(u)) break;
          ++pos_;
        }
        t.text.assign(text_.substr(start, pos_ - start));
      }
    }
    if (count_ > 0) {
      entry.tokens = std::span<const Token>(tokens_.data(), count_);
      entry.owner_blank = owner_blank;
      return true;
    }
  }
  return false;
}

}  // namespace zs
