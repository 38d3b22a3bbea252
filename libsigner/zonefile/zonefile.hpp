// RFC 1035 §5 master files as BIND's named-checkzone reads them: $ORIGIN,
// $TTL, $INCLUDE (relative to the including file, depth-limited, loops
// rejected), $GENERATE (with ${offset,width,base}), relative names and "@",
// owner inheritance, class and TTL in either order, TTL units (1w2d3h),
// parentheses across lines, comments, quoted strings, RFC 3597 generic
// types/classes/RDATA. Default TTL as BIND applies it: $TTL, else the last
// stated TTL, else the SOA MINIMUM.
//
// Errors carry file:line:column of the offending token (the included file's
// name inside an $INCLUDE).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "dns/name.hpp"
#include "dns/record.hpp"

namespace zs {

struct ParseOptions {
  Name origin;                      // the zone's origin; the initial $ORIGIN
  std::size_t max_include_depth = 16;
};

struct ParsedZone {
  std::vector<Record> records;  // in file order; Record::src_* index `files`
  SourceFiles files;            // files[0] is the top file
};

Result<ParsedZone> parse_zone_file(const std::string& path, const ParseOptions& options);
// `display_name` stands for the file in diagnostics; $INCLUDE paths are
// relative to the current directory.
Result<ParsedZone> parse_zone_text(std::string_view text, const std::string& display_name,
                                   const ParseOptions& options);

}  // namespace zs
