#include "zonefile/lexer.hpp"

#include <array>
#include <string>

namespace zs {

namespace {

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

// What a byte does inside an unquoted token: most bytes are text, a few end
// the token, '\\' escapes the next one. A table, since every byte of a zone
// passes through this test.
enum class InToken : std::uint8_t { text, end, escape };
constexpr std::array<InToken, 256> make_in_token() {
  std::array<InToken, 256> t{};
  for (unsigned char c : {' ', '\t', '\r', '\n', ';', '(', ')', '"'}) t[c] = InToken::end;
  t[static_cast<unsigned char>('\\')] = InToken::escape;
  return t;
}
constexpr auto in_token = make_in_token();

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// Inside quotes; a NUL in an unquoted token is left to the parser of its
// field (a name refuses it as bad_name, a number or address as malformed).
std::unexpected<Error> nul_byte(std::uint32_t line, std::uint32_t column) {
  return fail(Errc::syntax, "raw NUL byte in a quoted string (a zero octet is written \\000)",
              Location{"", line, column});
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

Result<void> Lexer::admit_token(std::size_t length, std::uint32_t line, std::uint32_t column) const {
  // Reported at the entry's first token: the record as a whole is too large.
  const Token* first = count_ > 0 ? &tokens_[0] : nullptr;
  Location where{"", first ? first->line : line, first ? first->column : column};
  if (count_ >= limits_.max_tokens)
    return fail(Errc::limit,
                "record of more than " + std::to_string(limits_.max_tokens) +
                    " tokens (65,535 octets of RDATA never need that many)",
                std::move(where));
  if (length > limits_.max_chars - chars_)
    return fail(Errc::limit,
                "record of more than " + std::to_string(limits_.max_chars) +
                    " characters (65,535 octets of RDATA never need that many)",
                std::move(where));
  return {};
}

Result<bool> Lexer::next(LexEntry& entry) {
  const std::size_t size = text_.size();
  if (pos_ == 0 && text_.starts_with(utf8_bom))
    return fail(Errc::syntax,
                "the file starts with a UTF-8 byte order mark (bytes EF BB BF): save it without one, "
                "as plain ASCII or UTF-8 without BOM",
                Location{"", 1, 1});
  while (pos_ < size) {
    count_ = 0;
    chars_ = 0;
    bool owner_blank = is_blank(text_[pos_]);
    std::size_t depth = 0;
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
        if (line_ == UINT32_MAX - 1)
          return fail(Errc::limit, "more than " + std::to_string(UINT32_MAX - 1) + " lines",
                      Location{"", line_, column_at(pos_)});
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
        std::size_t start = ++pos_;
        for (;;) {
          if (pos_ >= size || text_[pos_] == '\n')
            return fail(Errc::unterminated, "quoted string is never closed", Location{"", qline, qcolumn});
          char q = text_[pos_];
          if (q == '\0') return nul_byte(line_, column_at(pos_));
          if (q == '"') break;
          if (q == '\\' && pos_ + 1 < size && text_[pos_ + 1] != '\n') {
            if (text_[pos_ + 1] == '\0') return nul_byte(line_, column_at(pos_ + 1));
            ++pos_;
          }
          ++pos_;
        }
        if (over_limits(pos_ - start)) return std::unexpected(admit_token(pos_ - start, qline, qcolumn).error());
        Token& t = new_token(qline, qcolumn);
        t.quoted = true;
        t.text.assign(text_.substr(start, pos_ - start));
        chars_ += t.text.size();
        ++pos_;
      } else {
        const std::uint32_t tline = line_, tcolumn = column_at(pos_);
        std::size_t start = pos_;
        while (pos_ < size) {
          const InToken kind = in_token[static_cast<unsigned char>(text_[pos_])];
          if (kind == InToken::text) {
            ++pos_;
          } else if (kind == InToken::escape) {
            // An escape keeps its next character in the token, even a blank
            // or a ';'; the name and RDATA parsers decode it.
            pos_ += pos_ + 1 < size && text_[pos_ + 1] != '\n' ? 2 : 1;
          } else {
            break;
          }
        }
        if (over_limits(pos_ - start)) return std::unexpected(admit_token(pos_ - start, tline, tcolumn).error());
        Token& t = new_token(tline, tcolumn);
        t.text.assign(text_.substr(start, pos_ - start));
        chars_ += t.text.size();
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
