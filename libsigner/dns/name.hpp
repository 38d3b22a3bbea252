// Domain names (RFC 1035 §3.1, RFC 4343 case rules, RFC 4034 §6.1 order).
//
// A Name holds its uncompressed wire form, with the spelling it was given:
// names compare case-insensitively but print as written. Canonical order
// compares labels from the root down, case-folded, as unsigned octets.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace zs {

class Name {
 public:
  static constexpr std::size_t max_wire_length = 255;
  static constexpr std::size_t max_label_length = 63;

  Name();  // the root name "."

  // Parses presentation format: "\DDD" and "\X" escapes, "@" for origin,
  // relative names completed with origin (fails with no_origin if null).
  // Errors: bad_name, label_too_long, name_too_long, no_origin (no position;
  // callers add it).
  static Result<Name> parse(std::string_view text, const Name* origin = nullptr);
  // Wraps already-valid wire form (uncompressed, ends with the root label).
  // Errors: bad_name if it is not.
  static Result<Name> from_wire(BytesView wire);
  // Reads a possibly compressed name from a message/RDATA at `offset`,
  // advancing it. Compression pointers are followed only in `message`.
  static Result<Name> read_wire(BytesView message, std::size_t& offset);

  const Bytes& wire() const noexcept { return wire_; }
  std::size_t wire_length() const noexcept { return wire_.size(); }
  // Number of labels, not counting the root (so "." has 0).
  std::size_t label_count() const noexcept;
  bool is_root() const noexcept { return wire_.size() == 1; }
  bool is_wildcard() const noexcept { return wire_.size() >= 2 && wire_[0] == 1 && wire_[1] == '*'; }

  // Presentation format, absolute, with a trailing dot; escapes what must be.
  std::string to_string() const;
  Name lowercased() const;
  // The name minus its first `n` labels (n <= label_count()).
  Name parent(std::size_t n = 1) const;
  // The first label's octets, without its length byte.
  std::string_view first_label() const noexcept;
  // A new name with `label` (raw octets) prepended. Errors when it would be too long.
  Result<Name> prepend(std::string_view label) const;

  // True if *this equals `other` or lies below it (case-insensitive).
  bool is_subdomain_of(const Name& other) const noexcept;
  bool equals(const Name& other) const noexcept;  // case-insensitive

 private:
  explicit Name(Bytes wire) : wire_(std::move(wire)) {}
  Bytes wire_;
};

// RFC 4034 §6.1 canonical order; <0, 0, >0.
int canonical_compare(const Name& a, const Name& b) noexcept;

inline bool operator==(const Name& a, const Name& b) noexcept { return a.equals(b); }
inline std::strong_ordering operator<=>(const Name& a, const Name& b) noexcept {
  int c = canonical_compare(a, b);
  return c < 0 ? std::strong_ordering::less
               : c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

inline std::uint8_t ascii_lower(std::uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + 32) : c;
}

}  // namespace zs
