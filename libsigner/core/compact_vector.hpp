// A vector that costs one pointer where it is held.
//
// A million-name zone holds about two million nodes, each with a list of
// RRsets and a list of signatures. A std::vector costs three pointers (24
// octets) in its owner; this keeps its size and capacity at the front of the
// heap block instead, so that an empty list costs 8 octets and no block, and
// `Node` halves. Elements are kept as std::vector keeps them: contiguous,
// iterators are pointers, capacity grows by doubling (or exactly, with
// reserve). Only the operations the zone needs exist.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace zs {

template <class T>
class CompactVector {
  // Elements are moved when the block grows or an element is inserted.
  static_assert(std::is_nothrow_move_constructible_v<T> && std::is_nothrow_move_assignable_v<T>);
  static_assert(alignof(T) <= sizeof(std::uint64_t));

 public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = T*;
  using const_iterator = const T*;

  CompactVector() noexcept = default;
  CompactVector(std::initializer_list<T> values) {
    reserve(values.size());
    for (const T& v : values) push_back(v);
  }
  CompactVector(const CompactVector& other) {
    reserve(other.size());
    for (const T& v : other) push_back(v);
  }
  CompactVector(CompactVector&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  CompactVector& operator=(const CompactVector& other) {
    if (this != &other) {
      CompactVector copy(other);
      std::swap(block_, copy.block_);
    }
    return *this;
  }
  CompactVector& operator=(CompactVector&& other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~CompactVector() { release(); }

  std::size_t size() const noexcept { return block_ ? block_->size : 0; }
  std::size_t capacity() const noexcept { return block_ ? block_->capacity : 0; }
  bool empty() const noexcept { return size() == 0; }

  T* data() noexcept { return block_ ? elements(block_) : nullptr; }
  const T* data() const noexcept { return block_ ? elements(block_) : nullptr; }
  iterator begin() noexcept { return data(); }
  iterator end() noexcept { return data() + size(); }
  const_iterator begin() const noexcept { return data(); }
  const_iterator end() const noexcept { return data() + size(); }

  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  const T& at(std::size_t i) const {
    if (i >= size()) throw std::out_of_range("CompactVector::at");
    return data()[i];
  }
  T& front() noexcept { return data()[0]; }
  const T& front() const noexcept { return data()[0]; }
  T& back() noexcept { return data()[size() - 1]; }
  const T& back() const noexcept { return data()[size() - 1]; }

  void reserve(std::size_t wanted) {
    if (wanted <= capacity()) return;
    Header* grown = allocate(wanted);
    const std::size_t count = size();
    T* to = elements(grown);
    for (std::size_t i = 0; i < count; ++i) {
      std::construct_at(to + i, std::move(data()[i]));
      std::destroy_at(data() + i);
    }
    grown->size = static_cast<std::uint32_t>(count);
    if (block_) deallocate(block_);
    block_ = grown;
  }

  template <class... Args>
  T& emplace_back(Args&&... args) {
    // Built first: an argument may refer to an element the growth moves.
    T value(std::forward<Args>(args)...);
    if (size() == capacity()) reserve(std::max<std::size_t>(1, 2 * capacity()));
    T* slot = std::construct_at(data() + size(), std::move(value));
    ++block_->size;
    return *slot;
  }
  void push_back(const T& value) { emplace_back(value); }
  void push_back(T&& value) { emplace_back(std::move(value)); }

  iterator insert(const_iterator pos, T value) {
    const std::size_t at = static_cast<std::size_t>(pos - begin());
    emplace_back(std::move(value));
    std::rotate(begin() + at, end() - 1, end());
    return begin() + at;
  }

  iterator erase(const_iterator first, const_iterator last) {
    const std::size_t at = static_cast<std::size_t>(first - begin());
    const std::size_t gone = static_cast<std::size_t>(last - first);
    if (gone == 0) return begin() + at;
    std::move(begin() + at + gone, end(), begin() + at);
    std::destroy(end() - gone, end());
    block_->size -= static_cast<std::uint32_t>(gone);
    return begin() + at;
  }
  iterator erase(const_iterator pos) { return erase(pos, pos + 1); }

  void clear() noexcept { release(); }

  template <class Pred>
  friend std::size_t erase_if(CompactVector& v, Pred pred) {
    auto kept_end = std::remove_if(v.begin(), v.end(), pred);
    const auto gone = static_cast<std::size_t>(v.end() - kept_end);
    v.erase(kept_end, v.end());
    return gone;
  }

  friend bool operator==(const CompactVector& a, const CompactVector& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  struct Header {
    std::uint32_t size = 0;
    std::uint32_t capacity = 0;
  };
  static_assert(sizeof(Header) == sizeof(std::uint64_t));

  static std::size_t words(std::size_t capacity) noexcept {
    return 1 + (capacity * sizeof(T) + sizeof(std::uint64_t) - 1) / sizeof(std::uint64_t);
  }
  static T* elements(Header* h) noexcept { return reinterpret_cast<T*>(reinterpret_cast<std::uint64_t*>(h) + 1); }
  static const T* elements(const Header* h) noexcept {
    return reinterpret_cast<const T*>(reinterpret_cast<const std::uint64_t*>(h) + 1);
  }
  static Header* allocate(std::size_t capacity) {
    if (capacity > UINT32_MAX) throw std::length_error("CompactVector");
    auto* h = ::new (std::allocator<std::uint64_t>().allocate(words(capacity))) Header;
    h->capacity = static_cast<std::uint32_t>(capacity);
    return h;
  }
  static void deallocate(Header* h) noexcept {
    std::allocator<std::uint64_t>().deallocate(reinterpret_cast<std::uint64_t*>(h), words(h->capacity));
  }
  void release() noexcept {
    if (!block_) return;
    std::destroy(begin(), end());
    deallocate(block_);
    block_ = nullptr;
  }

  Header* block_ = nullptr;  // [size, capacity][elements...]
};

}  // namespace zs
