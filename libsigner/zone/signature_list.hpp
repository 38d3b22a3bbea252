// The RRSIGs of one node, in one heap block.
//
// A million-name zone holds about two million RRSIGs, most nodes one or two.
// A list of separately allocated records costs a list block, a 16-octet
// entry and an RDATA block per signature; this costs one pointer in the node
// and one block: the record count, then per record its covered type, TTL,
// RDATA length and RDATA, back to back. Records keep the order they were
// given in (Node::signatures is built sorted: sorted_by_covered_type); reading
// them is a forward walk, and the i-th record is O(i).
//
// Changing the list (push_back, erase_if) copies the block: build a list in
// one go from the signatures of its node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <vector>

#include "core/bytes.hpp"
#include "core/compact_bytes.hpp"
#include "dns/rrtype.hpp"

namespace zs {

// One RRSIG record that owns its RDATA: what tests and small edits build.
struct Signature {
  RrType covered = RrType::A;
  std::uint32_t ttl = 0;
  CompactBytes rdata;
};

// One RRSIG of a SignatureList (or any RRSIG whose RDATA lives elsewhere):
// valid while the list it was read from is not changed.
struct SignatureRef {
  RrType covered = RrType::A;
  std::uint32_t ttl = 0;
  BytesView rdata;

  SignatureRef() = default;
  SignatureRef(RrType covered_type, std::uint32_t record_ttl, BytesView octets) noexcept
      : covered(covered_type), ttl(record_ttl), rdata(octets) {}
  SignatureRef(const Signature& s) noexcept : covered(s.covered), ttl(s.ttl), rdata(s.rdata.view()) {}  // NOLINT
};

class SignatureList {
 public:
  SignatureList() noexcept = default;
  // The records in the given order. Throws std::length_error for an RDATA
  // longer than 65,535 octets (no DNS record can be).
  explicit SignatureList(std::span<const SignatureRef> signatures);
  // The records sorted as a node keeps them: by covered type number, then
  // by RDATA octets. `signatures` is sorted in place.
  static SignatureList sorted_by_covered_type(std::span<SignatureRef> signatures);
  SignatureList(const SignatureList& other);
  SignatureList(SignatureList&& other) noexcept;
  SignatureList& operator=(const SignatureList& other);
  SignatureList& operator=(SignatureList&& other) noexcept;
  ~SignatureList();

  std::size_t size() const noexcept;
  bool empty() const noexcept { return block_ == nullptr; }

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = SignatureRef;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = SignatureRef;
    iterator() = default;
    iterator(const std::uint8_t* at, std::size_t index) noexcept : at_(at), index_(index) {}
    const SignatureRef operator*() const noexcept;
    iterator& operator++() noexcept;
    iterator operator++(int) noexcept {
      iterator old = *this;
      ++*this;
      return old;
    }
    // Iterators of one list compare by position.
    bool operator==(const iterator& o) const noexcept { return index_ == o.index_; }

   private:
    const std::uint8_t* at_ = nullptr;  // the current record's header
    std::size_t index_ = 0;
  };
  iterator begin() const noexcept;
  iterator end() const noexcept { return iterator(nullptr, size()); }

  // const, so that `list[0].ttl = 60` (which would change a copy and
  // nothing else) does not compile: change RDATA with mutable_rdata, or
  // build a new list.
  const SignatureRef operator[](std::size_t i) const noexcept;  // O(i)
  const SignatureRef front() const noexcept { return *begin(); }
  // The RDATA octets of record i, to change in place (a test's flipped bit).
  std::span<std::uint8_t> mutable_rdata(std::size_t i) noexcept;

  void push_back(SignatureRef signature);  // copies the whole list: for small lists
  void clear() noexcept;
  std::vector<Signature> to_vector() const;

  // Removes the records `pred(SignatureRef)` selects; returns how many.
  template <class Pred>
  friend std::size_t erase_if(SignatureList& list, Pred pred) {
    std::vector<SignatureRef> kept;
    for (SignatureRef s : list)
      if (!pred(s)) kept.push_back(s);
    const std::size_t gone = list.size() - kept.size();
    if (gone != 0) list = SignatureList(kept);
    return gone;
  }

  friend bool operator==(const SignatureList& a, const SignatureList& b) noexcept;

 private:
  std::size_t block_size() const noexcept;
  std::uint8_t* block_ = nullptr;  // [count u32][covered u16, ttl u32, length u16, RDATA]...
};

}  // namespace zs
