#include "zone/signature_list.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

namespace zs {

namespace {

// Fields are copied in and out with memcpy: records are packed, so a field
// may sit at any offset.
constexpr std::size_t count_size = 4;
constexpr std::size_t header_size = 2 + 4 + 2;  // covered, TTL, RDATA length

template <class T>
T load(const std::uint8_t* at) noexcept {
  T value;
  std::memcpy(&value, at, sizeof value);
  return value;
}
template <class T>
void store(std::uint8_t* at, T value) noexcept {
  std::memcpy(at, &value, sizeof value);
}

std::size_t rdata_length(const std::uint8_t* record) noexcept { return load<std::uint16_t>(record + 6); }
const std::uint8_t* next_record(const std::uint8_t* record) noexcept {
  return record + header_size + rdata_length(record);
}

std::uint8_t* allocate(std::size_t octets) { return std::allocator<std::uint8_t>().allocate(octets); }
void deallocate(std::uint8_t* block, std::size_t octets) noexcept {
  std::allocator<std::uint8_t>().deallocate(block, octets);
}

}  // namespace

SignatureList::SignatureList(std::span<const SignatureRef> signatures) {
  if (signatures.empty()) return;
  std::size_t octets = count_size;
  for (const SignatureRef& s : signatures) {
    if (s.rdata.size() > UINT16_MAX) throw std::length_error("SignatureList: RDATA over 65,535 octets");
    octets += header_size + s.rdata.size();
  }
  block_ = allocate(octets);
  store(block_, static_cast<std::uint32_t>(signatures.size()));
  std::uint8_t* at = block_ + count_size;
  for (const SignatureRef& s : signatures) {
    store(at, to_u16(s.covered));
    store(at + 2, s.ttl);
    store(at + 6, static_cast<std::uint16_t>(s.rdata.size()));
    if (!s.rdata.empty()) std::memcpy(at + header_size, s.rdata.data(), s.rdata.size());
    at += header_size + s.rdata.size();
  }
}

SignatureList SignatureList::sorted_by_covered_type(std::span<SignatureRef> signatures) {
  std::sort(signatures.begin(), signatures.end(), [](const SignatureRef& a, const SignatureRef& b) {
    if (a.covered != b.covered) return to_u16(a.covered) < to_u16(b.covered);
    return std::lexicographical_compare(a.rdata.begin(), a.rdata.end(), b.rdata.begin(), b.rdata.end());
  });
  return SignatureList(std::span<const SignatureRef>(signatures));
}

SignatureList::SignatureList(const SignatureList& other) {
  if (!other.block_) return;
  const std::size_t octets = other.block_size();
  block_ = allocate(octets);
  std::memcpy(block_, other.block_, octets);
}

SignatureList::SignatureList(SignatureList&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}

SignatureList& SignatureList::operator=(const SignatureList& other) {
  if (this != &other) {
    SignatureList copy(other);
    std::swap(block_, copy.block_);
  }
  return *this;
}

SignatureList& SignatureList::operator=(SignatureList&& other) noexcept {
  std::swap(block_, other.block_);
  return *this;
}

SignatureList::~SignatureList() { clear(); }

std::size_t SignatureList::size() const noexcept { return block_ ? load<std::uint32_t>(block_) : 0; }

std::size_t SignatureList::block_size() const noexcept {
  const std::uint8_t* at = block_ + count_size;
  for (std::size_t i = 0, n = size(); i < n; ++i) at = next_record(at);
  return static_cast<std::size_t>(at - block_);
}

const SignatureRef SignatureList::iterator::operator*() const noexcept {
  return SignatureRef(static_cast<RrType>(load<std::uint16_t>(at_)), load<std::uint32_t>(at_ + 2),
                      BytesView(at_ + header_size, rdata_length(at_)));
}

SignatureList::iterator& SignatureList::iterator::operator++() noexcept {
  at_ = next_record(at_);
  ++index_;
  return *this;
}

SignatureList::iterator SignatureList::begin() const noexcept {
  return block_ ? iterator(block_ + count_size, 0) : end();
}

const SignatureRef SignatureList::operator[](std::size_t i) const noexcept {
  iterator it = begin();
  for (std::size_t k = 0; k < i; ++k) ++it;
  return *it;
}

std::span<std::uint8_t> SignatureList::mutable_rdata(std::size_t i) noexcept {
  std::uint8_t* at = block_ + count_size;
  for (std::size_t k = 0; k < i; ++k) at += header_size + rdata_length(at);
  return {at + header_size, rdata_length(at)};
}

void SignatureList::push_back(SignatureRef signature) {
  std::vector<SignatureRef> all(begin(), end());
  all.push_back(signature);
  *this = SignatureList(all);
}

void SignatureList::clear() noexcept {
  if (!block_) return;
  deallocate(block_, block_size());
  block_ = nullptr;
}

std::vector<Signature> SignatureList::to_vector() const {
  std::vector<Signature> out;
  out.reserve(size());
  for (SignatureRef s : *this) out.push_back(Signature{s.covered, s.ttl, CompactBytes(s.rdata)});
  return out;
}

bool operator==(const SignatureList& a, const SignatureList& b) noexcept {
  if (a.size() != b.size()) return false;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
    const SignatureRef x = *i, y = *j;
    if (x.covered != y.covered || x.ttl != y.ttl || !std::ranges::equal(x.rdata, y.rdata)) return false;
  }
  return true;
}

}  // namespace zs
