#include "dns/rdata_set.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>

namespace zs {

namespace {

std::size_t block_words(std::size_t count, std::size_t octets) noexcept { return 1 + count + (octets + 3) / 4; }

std::uint32_t* allocate_block(std::size_t count, std::size_t octets) {
  return std::allocator<std::uint32_t>().allocate(block_words(count, octets));
}

}  // namespace

RdataSet::RdataSet(std::span<const Bytes> rdatas) {
  std::vector<BytesView> views(rdatas.begin(), rdatas.end());
  *this = RdataSet(std::span<const BytesView>(views));
}

RdataSet::RdataSet(std::span<const BytesView> rdatas) {
  if (rdatas.empty()) return;
  std::size_t octets = 0;
  for (BytesView r : rdatas) octets += r.size();
  block_ = allocate_block(rdatas.size(), octets);
  block_[0] = static_cast<std::uint32_t>(rdatas.size());
  auto* out = reinterpret_cast<std::uint8_t*>(block_ + 1 + rdatas.size());
  std::size_t end = 0;
  for (std::size_t i = 0; i < rdatas.size(); ++i) {
    std::copy(rdatas[i].begin(), rdatas[i].end(), out + end);
    end += rdatas[i].size();
    block_[1 + i] = static_cast<std::uint32_t>(end);
  }
}

RdataSet::RdataSet(const RdataSet& other) {
  if (other.empty()) return;
  const std::size_t words = block_words(other.size(), other.octets());
  block_ = std::allocator<std::uint32_t>().allocate(words);
  std::memcpy(block_, other.block_, words * sizeof(std::uint32_t));
}

RdataSet::RdataSet(RdataSet&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}

RdataSet& RdataSet::operator=(const RdataSet& other) {
  if (this != &other) {
    RdataSet copy(other);
    std::swap(block_, copy.block_);
  }
  return *this;
}

RdataSet& RdataSet::operator=(RdataSet&& other) noexcept {
  std::swap(block_, other.block_);
  return *this;
}

RdataSet::~RdataSet() { clear(); }

void RdataSet::clear() noexcept {
  if (block_) std::allocator<std::uint32_t>().deallocate(block_, block_words(size(), octets()));
  block_ = nullptr;
}

const std::uint8_t* RdataSet::data() const noexcept {
  return reinterpret_cast<const std::uint8_t*>(block_ + 1 + size());
}

const BytesView RdataSet::operator[](std::size_t i) const noexcept {
  const std::size_t begin = i == 0 ? 0 : block_[i];
  return BytesView(data() + begin, block_[1 + i] - begin);
}

std::span<std::uint8_t> RdataSet::mutable_at(std::size_t i) noexcept {
  const std::size_t begin = i == 0 ? 0 : block_[i];
  auto* octets = reinterpret_cast<std::uint8_t*>(block_ + 1 + size());
  return std::span<std::uint8_t>(octets + begin, block_[1 + i] - begin);
}

void RdataSet::push_back(BytesView rdata) {
  const std::size_t count = size(), octets = this->octets();
  std::uint32_t* grown = allocate_block(count + 1, octets + rdata.size());
  grown[0] = static_cast<std::uint32_t>(count + 1);
  if (count > 0) std::memcpy(grown + 1, block_ + 1, count * sizeof(std::uint32_t));
  grown[1 + count] = static_cast<std::uint32_t>(octets + rdata.size());
  auto* out = reinterpret_cast<std::uint8_t*>(grown + 2 + count);
  if (octets > 0) std::memcpy(out, data(), octets);
  std::copy(rdata.begin(), rdata.end(), out + octets);
  clear();
  block_ = grown;
}

std::vector<Bytes> RdataSet::to_vector() const {
  std::vector<Bytes> out;
  out.reserve(size());
  for (BytesView r : *this) out.emplace_back(r.begin(), r.end());
  return out;
}

bool operator==(const RdataSet& a, const RdataSet& b) noexcept {
  if (a.size() != b.size() || a.octets() != b.octets()) return false;
  if (a.empty()) return true;
  return std::memcmp(a.block_ + 1, b.block_ + 1, a.size() * sizeof(std::uint32_t)) == 0 &&
         std::memcmp(a.data(), b.data(), a.octets()) == 0;
}

}  // namespace zs
