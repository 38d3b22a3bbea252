// $GENERATE template expansion as BIND implements it (BIND ARM, "$GENERATE").
//
// In a template, "$" stands for the iterator, "$$" for a literal "$", "\X"
// is copied as written (so "\$" reaches the name parser as an escaped "$"),
// and "${offset[,width[,base]]}" formats iterator+offset with zero padding to
// `width` in base d (decimal), o (octal), x/X (hex) or n/N (reversed nibbles
// separated by dots, as in ip6.arpa, where `width` counts the dots too).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace zs {

// The parsed "start-stop[/step]" range.
struct GenerateRange {
  std::uint32_t start = 0;
  std::uint32_t stop = 0;
  std::uint32_t step = 1;
};

// Errors: bad_directive (no position).
Result<GenerateRange> parse_generate_range(std::string_view text);

// Appends the expansion of `pattern` for `value` to `out`.
// Errors: bad_directive for a malformed ${...} modifier (no position).
Result<void> expand_generate(std::string_view pattern, std::int64_t value, std::string& out);

}  // namespace zs
