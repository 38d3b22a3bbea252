#include "dnssec/verified_signatures.hpp"

#include <algorithm>

#include "core/bytes.hpp"

namespace zs {

namespace {

constexpr SignatureFingerprint zero{};

}  // namespace

VerifiedSignatures::VerifiedSignatures(std::initializer_list<SignatureFingerprint> fingerprints) {
  reserve(fingerprints.size());
  for (const auto& f : fingerprints) insert(f);
}

std::size_t VerifiedSignatures::slot_of(const SignatureFingerprint& fingerprint) const noexcept {
  return static_cast<std::size_t>(get_u64(fingerprint.data())) & (slots_.size() - 1);
}

void VerifiedSignatures::reserve(std::size_t count) {
  // At most half full, so that probes stay short.
  std::size_t slots = 16;
  while (slots < 2 * count) slots *= 2;
  if (slots > slots_.size()) grow_to(slots);
}

void VerifiedSignatures::grow_to(std::size_t slots) {
  std::vector<SignatureFingerprint> old = std::move(slots_);
  slots_.assign(slots, zero);
  for (const auto& f : old) {
    if (f == zero) continue;
    std::size_t s = slot_of(f);
    while (slots_[s] != zero) s = (s + 1) & (slots_.size() - 1);
    slots_[s] = f;
  }
}

void VerifiedSignatures::insert(const SignatureFingerprint& fingerprint) {
  if (fingerprint == zero) {
    size_ += has_zero_ ? 0 : 1;
    has_zero_ = true;
    return;
  }
  if (2 * (size_ + 1) > slots_.size()) grow_to(std::max<std::size_t>(16, 2 * slots_.size()));
  std::size_t s = slot_of(fingerprint);
  for (; slots_[s] != zero; s = (s + 1) & (slots_.size() - 1))
    if (slots_[s] == fingerprint) return;
  slots_[s] = fingerprint;
  ++size_;
}

bool VerifiedSignatures::contains(const SignatureFingerprint& fingerprint) const noexcept {
  if (fingerprint == zero) return has_zero_;
  if (slots_.empty()) return false;
  for (std::size_t s = slot_of(fingerprint); slots_[s] != zero; s = (s + 1) & (slots_.size() - 1))
    if (slots_[s] == fingerprint) return true;
  return false;
}

}  // namespace zs
