// Octets that cost one pointer where they are held.
//
// A million-name zone holds about two million RRSIG RDATAs. As a Bytes each
// costs a 24-octet vector header beside its heap buffer; this keeps the
// length at the front of the buffer, so that a `Signature` is 16 octets. The
// octets can be changed in place (a test's flipped bit), never resized.
#pragma once

#include <algorithm>
#include <compare>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

#include "core/bytes.hpp"

namespace zs {

class CompactBytes {
 public:
  CompactBytes() noexcept = default;
  explicit CompactBytes(BytesView octets) {
    if (octets.empty()) return;
    block_ = std::allocator<std::uint32_t>().allocate(words(octets.size()));
    block_[0] = static_cast<std::uint32_t>(octets.size());
    std::memcpy(block_ + 1, octets.data(), octets.size());
  }
  CompactBytes(const Bytes& octets) : CompactBytes(BytesView(octets)) {}  // NOLINT: implicit, as Bytes was
  CompactBytes(const CompactBytes& other) : CompactBytes(other.view()) {}
  CompactBytes(CompactBytes&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  CompactBytes& operator=(const CompactBytes& other) {
    if (this != &other) {
      CompactBytes copy(other);
      std::swap(block_, copy.block_);
    }
    return *this;
  }
  CompactBytes& operator=(CompactBytes&& other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~CompactBytes() {
    if (block_) std::allocator<std::uint32_t>().deallocate(block_, words(size()));
  }

  std::size_t size() const noexcept { return block_ ? block_[0] : 0; }
  bool empty() const noexcept { return size() == 0; }
  std::uint8_t* data() noexcept { return block_ ? reinterpret_cast<std::uint8_t*>(block_ + 1) : nullptr; }
  const std::uint8_t* data() const noexcept {
    return block_ ? reinterpret_cast<const std::uint8_t*>(block_ + 1) : nullptr;
  }
  std::uint8_t* begin() noexcept { return data(); }
  std::uint8_t* end() noexcept { return data() + size(); }
  const std::uint8_t* begin() const noexcept { return data(); }
  const std::uint8_t* end() const noexcept { return data() + size(); }
  std::uint8_t& operator[](std::size_t i) noexcept { return data()[i]; }
  std::uint8_t operator[](std::size_t i) const noexcept { return data()[i]; }
  std::uint8_t& back() noexcept { return data()[size() - 1]; }

  BytesView view() const noexcept { return BytesView(data(), size()); }
  operator BytesView() const noexcept { return view(); }  // NOLINT: implicit, as Bytes was
  Bytes to_bytes() const { return Bytes(begin(), end()); }

  friend bool operator==(const CompactBytes& a, const CompactBytes& b) noexcept {
    return std::ranges::equal(a.view(), b.view());
  }
  friend std::strong_ordering operator<=>(const CompactBytes& a, const CompactBytes& b) noexcept {
    return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  static std::size_t words(std::size_t octets) noexcept { return 1 + (octets + 3) / 4; }
  std::uint32_t* block_ = nullptr;  // [length][octets], in 32-bit words
};

}  // namespace zs
