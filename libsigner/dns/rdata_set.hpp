// The RDATA of one RRset, in one heap block.
//
// A million-name zone holds millions of RRsets, most of them one short record
// (an A, an NSEC3). A std::vector<Bytes> costs a vector header, a heap array
// of Bytes headers and a heap buffer per record; this costs one pointer and
// one block: the record count, the end offset of each record, then the
// records' octets back to back. Records keep their order; reading one is O(1).
//
// Appending copies the block: build a large set from a vector in one go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <span>
#include <vector>

#include "core/bytes.hpp"

namespace zs {

class RdataSet {
 public:
  RdataSet() noexcept = default;
  RdataSet(std::initializer_list<Bytes> rdatas) : RdataSet(std::span<const Bytes>(rdatas.begin(), rdatas.size())) {}
  RdataSet(const std::vector<Bytes>& rdatas) : RdataSet(std::span<const Bytes>(rdatas)) {}  // NOLINT: implicit
  explicit RdataSet(std::span<const Bytes> rdatas);
  explicit RdataSet(std::span<const BytesView> rdatas);
  RdataSet(const RdataSet& other);
  RdataSet(RdataSet&& other) noexcept;
  RdataSet& operator=(const RdataSet& other);
  RdataSet& operator=(RdataSet&& other) noexcept;
  ~RdataSet();

  std::size_t size() const noexcept { return block_ ? block_[0] : 0; }
  bool empty() const noexcept { return size() == 0; }
  // const, so that `set[0] = other` (which would assign a temporary view and
  // change nothing) does not compile: replace a record by building a new set.
  const BytesView operator[](std::size_t i) const noexcept;
  const BytesView front() const noexcept { return (*this)[0]; }
  const BytesView back() const noexcept { return (*this)[size() - 1]; }
  // The octets of record i, to change in place (a serial, a test's flipped bit).
  std::span<std::uint8_t> mutable_at(std::size_t i) noexcept;

  void push_back(BytesView rdata);  // copies the whole set: for small sets
  void clear() noexcept;
  std::vector<Bytes> to_vector() const;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = BytesView;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = BytesView;
    iterator() = default;
    iterator(const RdataSet* set, std::size_t i) : set_(set), i_(i) {}
    BytesView operator*() const noexcept { return (*set_)[i_]; }
    iterator& operator++() noexcept {
      ++i_;
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      ++i_;
      return old;
    }
    bool operator==(const iterator& o) const noexcept { return i_ == o.i_; }

   private:
    const RdataSet* set_ = nullptr;
    std::size_t i_ = 0;
  };
  iterator begin() const noexcept { return iterator(this, 0); }
  iterator end() const noexcept { return iterator(this, size()); }

  friend bool operator==(const RdataSet& a, const RdataSet& b) noexcept;

 private:
  std::size_t octets() const noexcept { return empty() ? 0 : block_[size()]; }
  const std::uint8_t* data() const noexcept;
  std::uint32_t* block_ = nullptr;  // [count][end offset of each record][octets], in 32-bit words
};

}  // namespace zs
