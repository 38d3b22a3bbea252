#include "zonefile/lexer.hpp"

#include <array>
#include <cstring>
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

// Sets a token's text. Token strings keep their capacity from entry to
// entry, and this copy skips what the general assign() checks on every call
// (aliasing, the growth policy): a zone's every token passes through here.
// The callback copies and returns source.size(), not the count it is given:
// libstdc++ 12 passes the grown capacity there when the string must grow.
void set_text(std::string& text, std::string_view source) {
  text.resize_and_overwrite(source.size(), [source](char* out, std::size_t) {
    std::memcpy(out, source.data(), source.size());
    return source.size();
  });
}

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
  // The inner loops run on a local copy of the position: with the member,
  // every byte read through a char pointer (which may alias it) made the
  // compiler store and reload it.
  const char* const data = text_.data();
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
      char c = data[pos_];
      if (is_blank(c)) {
        std::size_t p = pos_ + 1;
        while (p < size && is_blank(data[p])) ++p;
        pos_ = p;
      } else if (c == '\n') {
        if (line_ == UINT32_MAX - 1)
          return fail(Errc::limit, "more than " + std::to_string(UINT32_MAX - 1) + " lines",
                      Location{"", line_, column_at(pos_)});
        ++pos_;
        ++line_;
        line_start_ = pos_;
        if (depth == 0) done = true;
      } else if (c == ';') {
        const void* end = std::memchr(data + pos_, '\n', size - pos_);
        pos_ = end ? static_cast<std::size_t>(static_cast<const char*>(end) - data) : size;
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
        const std::size_t start = pos_ + 1;
        std::size_t p = start;
        for (;;) {
          if (p >= size || data[p] == '\n')
            return fail(Errc::unterminated, "quoted string is never closed", Location{"", qline, qcolumn});
          char q = data[p];
          if (q == '\0') return nul_byte(line_, column_at(p));
          if (q == '"') break;
          if (q == '\\' && p + 1 < size && data[p + 1] != '\n') {
            if (data[p + 1] == '\0') return nul_byte(line_, column_at(p + 1));
            ++p;
          }
          ++p;
        }
        pos_ = p;
        if (over_limits(p - start)) return std::unexpected(admit_token(p - start, qline, qcolumn).error());
        Token& t = new_token(qline, qcolumn);
        t.quoted = true;
        set_text(t.text, text_.substr(start, p - start));
        chars_ += t.text.size();
        ++pos_;
      } else {
        const std::uint32_t tline = line_, tcolumn = column_at(pos_);
        const std::size_t start = pos_;
        std::size_t p = start;
        while (p < size) {
          const InToken kind = in_token[static_cast<unsigned char>(data[p])];
          if (kind == InToken::text) {
            ++p;
          } else if (kind == InToken::escape) {
            // An escape keeps its next character in the token, even a blank
            // or a ';'; the name and RDATA parsers decode it.
            p += p + 1 < size && data[p + 1] != '\n' ? 2 : 1;
          } else {
            break;
          }
        }
        pos_ = p;
        if (over_limits(p - start)) return std::unexpected(admit_token(p - start, tline, tcolumn).error());
        Token& t = new_token(tline, tcolumn);
        set_text(t.text, text_.substr(start, p - start));
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
