// DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers") and DS
// digest types (IANA "Delegation Signer Digest Algorithms") that zonesign
// signs with, and their mnemonics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zs {

enum class Algorithm : std::uint8_t {
  RSASHA1 = 5,  // verify only (never generated)
  RSASHA1_NSEC3_SHA1 = 7,  // verify only
  RSASHA256 = 8,
  RSASHA512 = 10,
  ECDSAP256SHA256 = 13,
  ECDSAP384SHA384 = 14,
  ED25519 = 15,
  ED448 = 16,
};

enum class DigestType : std::uint8_t { SHA1 = 1, SHA256 = 2, SHA384 = 4 };

std::string algorithm_name(Algorithm alg);  // "ECDSAP256SHA256"
// Accepts the mnemonic (case-insensitive) or the number.
std::optional<Algorithm> algorithm_from_string(std::string_view text);
bool algorithm_can_sign(Algorithm alg) noexcept;  // 8, 10, 13, 14, 15, 16

std::string digest_name(DigestType d);  // "SHA-256"
// Accepts "SHA-256", "sha256", "2" and the like.
std::optional<DigestType> digest_from_string(std::string_view text);

}  // namespace zs
