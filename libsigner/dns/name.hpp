// Domain names (RFC 1035 §3.1, RFC 4343 case rules, RFC 4034 §6.1 order).
//
// A Name holds its uncompressed wire form, with the spelling it was given:
// names compare case-insensitively but print as written. Canonical order
// compares labels from the root down, case-folded, as unsigned octets.
//
// Names are immutable, and copies share one heap block (reference count,
// length, octets): a zone holds its owner names many times over (each node's,
// each of its RRsets', each record's while parsing), and a million-name zone
// should not pay a separate allocation and vector header for every copy.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

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
  // As parse(), but appends the wire form to `out` instead of making a Name
  // (no allocation beyond `out`'s): how RDATA fields read their names. On an
  // error `out` is left as it was.
  static Result<void> parse_to_wire(std::string_view text, const Name* origin, Bytes& out);
  // Wraps already-valid wire form (uncompressed, ends with the root label).
  // Errors: bad_name if it is not.
  static Result<Name> from_wire(BytesView wire);
  // Reads a possibly compressed name from a message/RDATA at `offset`,
  // advancing it. Compression pointers are followed only in `message`.
  static Result<Name> read_wire(BytesView message, std::size_t& offset);

  BytesView wire() const noexcept { return shared_.view(); }
  std::size_t wire_length() const noexcept { return shared_.view().size(); }
  // Number of labels, not counting the root (so "." has 0).
  std::size_t label_count() const noexcept;
  bool is_root() const noexcept { return wire_length() == 1; }
  bool is_wildcard() const noexcept {
    const BytesView w = wire();
    return w.size() >= 2 && w[0] == 1 && w[1] == '*';
  }

  // Presentation format, absolute, with a trailing dot; escapes what must be.
  std::string to_string() const;
  Name lowercased() const;
  // The name minus its first `n` labels (n <= label_count()).
  Name parent(std::size_t n = 1) const;
  // The first label's octets, without its length byte.
  std::string_view first_label() const noexcept;
  // A new name with `label` (raw octets) prepended. Errors when it would be too long.
  Result<Name> prepend(std::string_view label) const;
  // The same name in a block of its own, not shared with this one: a zone
  // copies its owner names in zone order, so that walks in that order read
  // them from memory laid out in that order.
  Name copy() const { return Name(wire()); }
  // Asks the processor to start loading the wire form, for a pass that will
  // read it soon (a name whose block is a cache miss away).
  void prefetch() const noexcept { shared_.prefetch(); }

  // True if *this equals `other` or lies below it (case-insensitive).
  bool is_subdomain_of(const Name& other) const noexcept;
  bool equals(const Name& other) const noexcept;  // case-insensitive

 private:
  // The shared, immutable wire form. Null stands for the root name, so that
  // the many default-constructed names cost no allocation.
  class SharedWire {
   public:
    SharedWire() noexcept = default;
    explicit SharedWire(BytesView wire);
    SharedWire(const SharedWire& other) noexcept : block_(other.block_) { retain(); }
    SharedWire(SharedWire&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
    SharedWire& operator=(const SharedWire& other) noexcept {
      SharedWire copy(other);
      std::swap(block_, copy.block_);
      return *this;
    }
    SharedWire& operator=(SharedWire&& other) noexcept {
      std::swap(block_, other.block_);
      return *this;
    }
    ~SharedWire() { release(); }
    BytesView view() const noexcept;
    void prefetch() const noexcept { __builtin_prefetch(block_); }

   private:
    void retain() const noexcept;
    void release() noexcept;
    std::uint32_t* block_ = nullptr;  // [count][length octet, wire octets...], in 32-bit words
  };

  explicit Name(BytesView wire) : shared_(wire) {}
  SharedWire shared_;
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
