// The one error type of zonesign, and Result<T> = std::expected<T, Error>.
//
// Every failure caused by input or environment travels as an Error: a stable
// code (tests assert it, never the wording), a message for people, an optional
// source position (zone files and policies) and context layers added as the
// error travels up ("while loading policy p.yaml"). Exceptions are reserved
// for broken invariants.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zs {

// Stable error codes. The printed name (errc_name) is part of the test corpus
// format (test/zones/bad/*.expect), so never rename one; add new ones.
enum class Errc : std::uint16_t {
  usage,            // bad command line
  io,               // file system or OS call failed
  // --- zone file syntax (lexer/parser)
  syntax,           // malformed token sequence
  unterminated,     // quote or parenthesis left open
  bad_name,         // malformed domain name, bad escape
  label_too_long,   // label over 63 octets
  name_too_long,    // name over 255 octets
  bad_ttl,          // malformed TTL or above 2^31-1
  bad_class,        // unknown or unsupported class
  bad_type,         // unknown type mnemonic
  bad_rdata,        // RDATA does not fit the type
  text_too_long,    // character-string over 255 octets
  bad_directive,    // unknown or malformed $ directive
  include_loop,     // $INCLUDE of a file already being read
  include_depth,    // $INCLUDE nested too deep
  no_origin,        // relative name with no origin known
  no_ttl,           // no TTL can be derived for a record
  // --- zone semantics
  no_soa,
  multiple_soa,
  soa_not_at_apex,
  no_apex_ns,
  cname_conflict,   // CNAME beside other data
  cname_at_apex,
  out_of_zone,      // owner not at or below the origin
  missing_glue,     // in-zone NS target without address
  ds_at_apex,
  dname_conflict,   // two DNAMEs at one name, NS beside a DNAME, NS target below a DNAME
  wildcard_ns,      // NS at a wildcard owner
  // --- keys, crypto, policy
  crypto,
  key_store,
  policy,
  // --- verification of a signed zone
  verify,
  internal,
  // --- outcomes that are not plain failures
  state_not_saved,  // the zone was published but the key state could not be written
  // --- input limits (issue 9)
  limit,            // input over a limit: file size, tokens per record, $GENERATE records
  include_denied,   // $INCLUDE refused: --no-include, or a file outside --include-root
};

std::string_view errc_name(Errc code) noexcept;

struct Location {
  std::string file;
  std::uint32_t line = 0;    // 1-based; 0 when unknown
  std::uint32_t column = 0;  // 1-based; 0 when unknown

  // "file:line:column: " (parts omitted when unknown; empty without a file),
  // the prefix of every diagnostic, error or warning.
  std::string prefix() const;
};

struct Error {
  Errc code = Errc::internal;
  std::string message;
  std::optional<Location> where;
  std::vector<std::string> context;  // innermost first

  Error() = default;
  Error(Errc c, std::string msg) : code(c), message(std::move(msg)) {}
  Error(Errc c, std::string msg, Location loc)
      : code(c), message(std::move(msg)), where(std::move(loc)) {}

  // Adds an outer layer of context ("while reading keys/example.com/state.yaml").
  Error&& with_context(std::string layer) && {
    context.push_back(std::move(layer));
    return std::move(*this);
  }

  // "file:line:column: error: message" (position parts omitted when unknown),
  // followed by one "  (context)" clause per layer.
  std::string to_string() const;
};

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for returning an error: `return fail(Errc::io, "cannot open ...")`.
inline std::unexpected<Error> fail(Errc code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}
inline std::unexpected<Error> fail(Errc code, std::string message, Location where) {
  return std::unexpected<Error>(Error(code, std::move(message), std::move(where)));
}
inline std::unexpected<Error> fail(Error error) { return std::unexpected<Error>(std::move(error)); }

}  // namespace zs
