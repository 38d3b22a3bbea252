// What an error message may show of the input it complains about.
//
// Zone files reach zonesign from pull requests and customers, and $INCLUDE
// can pull in any file the process can read (an .env, a credentials file,
// /proc/self/environ), while error messages end up in CI logs. So a message
// quotes at most a short excerpt of one token, with every byte that is not
// printable ASCII written as \DDD (a NUL or an escape sequence never reaches
// the terminal raw), and quotes nothing at all of a file reached through
// $INCLUDE: there the file:line:column says where to look.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace zs {

// Longest excerpt of a token a message shows, in input characters.
inline constexpr std::size_t max_excerpt_chars = 40;
// Longest message the zone file parser lets out (an excerpt, the words around it).
inline constexpr std::size_t max_message_chars = 240;

// `text` with every byte outside printable ASCII as \DDD, cut after
// `max_chars` input characters with "..." and the full length appended.
std::string excerpt(std::string_view text, std::size_t max_chars = max_excerpt_chars);

// A message built by a lower layer (name and RDATA parsers quote the token
// they refuse as '...'), made safe to print:
// - `token` (the token the error points at, or empty): its quoted form
//   '<token>' becomes '<excerpt(token)>';
// - `withhold` (the token comes from an $INCLUDEd file): everything from the
//   first to the last single quote is replaced by "[text withheld]";
// - then any byte outside printable ASCII is escaped and the whole message
//   cut at max_message_chars.
std::string safe_message(std::string_view message, std::string_view token, bool withhold);

}  // namespace zs
