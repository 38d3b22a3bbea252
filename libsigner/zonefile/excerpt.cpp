#include "zonefile/excerpt.hpp"

namespace zs {

namespace {

bool printable(unsigned char c) noexcept { return c >= 0x20 && c < 0x7f; }

void append_escaped(std::string& out, unsigned char c) {
  if (printable(c)) {
    out.push_back(static_cast<char>(c));
    return;
  }
  out.push_back('\\');
  out.push_back(static_cast<char>('0' + c / 100));
  out.push_back(static_cast<char>('0' + c / 10 % 10));
  out.push_back(static_cast<char>('0' + c % 10));
}

}  // namespace

std::string excerpt(std::string_view text, std::size_t max_chars) {
  std::string out;
  const std::size_t shown = text.size() <= max_chars ? text.size() : max_chars;
  for (std::size_t i = 0; i < shown; ++i) append_escaped(out, static_cast<unsigned char>(text[i]));
  if (shown < text.size()) out += "... (" + std::to_string(text.size()) + " characters)";
  return out;
}

std::string safe_message(std::string_view message, std::string_view token, bool withhold) {
  std::string text(message);
  if (withhold) {
    static constexpr std::string_view withheld = "[text withheld]";
    const auto first = text.find('\'');
    const auto last = text.rfind('\'');
    if (first != std::string::npos && last > first) text.replace(first, last - first + 1, withheld);
    // A token quoted some other way (or holding quotes itself); shorter ones
    // would match the message's own words and are no secret.
    if (token.size() >= 4)
      for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at + withheld.size()))
        text.replace(at, token.size(), withheld);
  } else if (!token.empty()) {
    const std::string quoted = "'" + std::string(token) + "'";
    if (const auto at = text.find(quoted); at != std::string::npos)
      text.replace(at, quoted.size(), "'" + excerpt(token) + "'");
  }
  std::string out;
  for (char c : text) {
    if (out.size() >= max_message_chars) {
      out += "...";
      break;
    }
    append_escaped(out, static_cast<unsigned char>(c));
  }
  return out;
}

}  // namespace zs
