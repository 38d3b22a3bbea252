#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "crypto/keys.hpp"
#include "dnssec/verified_signatures.hpp"

using namespace zs;

namespace {

SignatureFingerprint fingerprint_of(std::uint32_t n) {
  const Bytes input{static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                    static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  const Bytes d = digest(DigestType::SHA256, input);
  SignatureFingerprint f{};
  std::copy_n(d.begin(), f.size(), f.begin());
  return f;
}

}  // namespace

TEST_CASE("the verified-signature set holds what was inserted, through growth, and nothing else") {
  VerifiedSignatures set;
  CHECK(set.empty());
  CHECK_FALSE(set.contains(fingerprint_of(0)));
  for (std::uint32_t n = 0; n < 5000; n += 2) set.insert(fingerprint_of(n));  // grows from 16 slots
  CHECK(set.size() == 2500);
  for (std::uint32_t n = 0; n < 5000; ++n) CHECK_MESSAGE(set.contains(fingerprint_of(n)) == (n % 2 == 0), n);
  set.insert(fingerprint_of(4));  // again: no second copy
  CHECK(set.size() == 2500);
}

TEST_CASE("fingerprints that share their first octets are told apart") {
  // Same probe start: only the last octet differs.
  SignatureFingerprint a = fingerprint_of(1), b = a, c = a;
  b.back() ^= 1;
  c.back() ^= 2;
  VerifiedSignatures set{a, b};
  CHECK(set.contains(a));
  CHECK(set.contains(b));
  CHECK_FALSE(set.contains(c));
}

TEST_CASE("the all-zero fingerprint is a member like any other") {
  VerifiedSignatures set;
  set.reserve(100);
  CHECK_FALSE(set.contains(SignatureFingerprint{}));
  set.insert(SignatureFingerprint{});
  CHECK(set.contains(SignatureFingerprint{}));
  CHECK(set.size() == 1);
  CHECK_FALSE(set.contains(fingerprint_of(7)));
}
