// RFC 1035 §5 master files as BIND's named-checkzone reads them: $ORIGIN,
// $TTL, $INCLUDE (relative to the including file, depth-limited, loops
// rejected), $GENERATE (with ${offset,width,base}), relative names and "@",
// owner inheritance, class and TTL in either order, TTL units (1w2d3h),
// parentheses across lines, comments, quoted strings, RFC 3597 generic
// types/classes/RDATA. Default TTL as BIND applies it: $TTL, else the last
// stated TTL, else the SOA MINIMUM.
//
// Errors carry file:line:column of the offending token (the included file's
// name inside an $INCLUDE), and quote at most a short escaped excerpt of a
// token, none of an included file (zonefile/excerpt.hpp).
//
// Input from elsewhere (a pull request, a customer) costs bounded memory and
// time: only regular files are read, the zone's files together at most
// ZoneInputOptions::max_bytes; an entry holds at most what 65,535 octets of
// RDATA can need (zonefile/lexer.hpp LexLimits); $GENERATE makes at most
// max_generate_records records per directive and max_generate_total in all,
// from at most max_generate_chars of expanded text; includes nest at most
// max_include_depth deep. $INCLUDE can be turned off or confined to a folder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "dns/name.hpp"
#include "dns/record.hpp"
#include "zonefile/lexer.hpp"

namespace zs {

// The default ceiling of a zone's text, its included files together: that of
// every read (core/atomic_file.hpp says why 16 GiB).
inline constexpr std::uint64_t default_max_zone_bytes = default_max_read_bytes;

// What a run lets a zone file reach; the options --no-include,
// --include-root and --max-input-size of sign, check and verify.
struct ZoneInputOptions {
  bool allow_include = true;  // false: every $INCLUDE is an error (include_denied)
  // Non-empty: $INCLUDE reads only files below this folder, both paths taken
  // with every symbolic link resolved (include_denied otherwise).
  std::string include_root{};
  // The zone file and all its included files together (limit beyond it).
  std::uint64_t max_bytes = default_max_zone_bytes;
};

struct ParseOptions {
  Name origin;                      // the zone's origin; the initial $ORIGIN
  std::size_t max_include_depth = 16;
  ZoneInputOptions input{};
  // $GENERATE: 65,536 records in one directive cover a /16 of reverse
  // records; 16 of those in one zone, and 256 MiB of expanded text (an
  // average of 256 characters a record), bound what a few lines can make.
  std::uint64_t max_generate_records = 65536;     // per directive
  std::uint64_t max_generate_total = 1u << 20;    // over the whole input
  std::uint64_t max_generate_chars = 256u << 20;  // expanded owner and RDATA text, whole input
  LexLimits lex{};
};

struct ParsedZone {
  std::vector<Record> records;  // in file order; Record::src_* index `files`
  SourceFiles files;            // files[0] is the top file
};

// Receives each record as it is read, in file order, with the file names
// its src_file indexes; an error it returns stops the reading and is returned
// as it is.
using RecordCallback = std::function<Result<void>(Record&&, const SourceFiles&)>;

// The parser, fed its top file's text piece by piece, each record handed to
// a callback as soon as it is read: what parse_zone_text and parse_zone_file
// are built on, and how the signer reads its own output back with memory
// bounded by the piece (signer/output_gate.hpp). $ORIGIN, $TTL, the owner
// and the line numbers carry over from one piece to the next.
class ZoneTextReader {
 public:
  // `display_name` stands for the text in diagnostics; $INCLUDE paths are
  // relative to the current directory.
  ZoneTextReader(const std::string& display_name, const ParseOptions& options, RecordCallback on_record);
  // $INCLUDE paths relative to `dir`; `stack_key`, the canonical path of the
  // top file, makes an $INCLUDE of it a loop.
  ZoneTextReader(const std::string& display_name, const ParseOptions& options, RecordCallback on_record,
                 const std::string& dir, const std::string& stack_key);
  ZoneTextReader(ZoneTextReader&&) noexcept;
  ZoneTextReader& operator=(ZoneTextReader&&) = delete;
  ~ZoneTextReader();

  // Reads the next piece of the text. A piece must end where an entry ends
  // (after a line break outside parentheses and quotes) or at the end of the
  // text: an entry cut in two is an error (Errc::unterminated or a syntax
  // error), not joined. Errors: those of parse_zone_text, positioned in the
  // whole text; after one, the reader takes no more text.
  Result<void> read(std::string_view piece);
  // After the last piece: a text without a single record is Errc::no_soa at
  // its line 1.
  Result<void> finish();
  // The names that Record::src_file indexes (files()[0]: `display_name`).
  const SourceFiles& files() const noexcept;
  // What the next piece starts from besides the owner and the line count:
  // the origin ($ORIGIN) and the default TTL ($TTL, or an SOA's MINIMUM).
  const Name& origin() const noexcept;
  std::optional<std::uint32_t> default_ttl() const noexcept;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// `path` "-" reads standard input ($INCLUDE paths then relative to the
// current directory). Errors: those of read_file (Errc::io, Errc::limit) at
// the path, then the syntax errors at file:line:column; a file without a
// single record is Errc::no_soa at its line 1.
Result<ParsedZone> parse_zone_file(const std::string& path, const ParseOptions& options);
// `display_name` stands for the file in diagnostics; $INCLUDE paths are
// relative to the current directory.
Result<ParsedZone> parse_zone_text(std::string_view text, const std::string& display_name,
                                   const ParseOptions& options);

// How parse_zone_file and parse_zone_text read a text of `min_bytes` or
// more: in two halves side by side, when that gives exactly what reading it
// as one gives (zonefile.cpp says how that is made sure); nullopt otherwise,
// and for any error, which reading it as one then reports. Apart for tests.
std::optional<ParsedZone> parse_zone_text_in_halves(std::string_view text, const std::string& display_name,
                                                    const ParseOptions& options,
                                                    std::size_t min_bytes = std::size_t{4} << 20);

}  // namespace zs
