// A private key in BIND's "Private-key-format: v1.3" text, the form
// dnssec-keygen writes into K<zone>+<alg>+<tag>.private and that
// dnssec-signzone, ldns-signzone and dnst read (the reverse of
// PrivateKey::from_bind_private). Field names as BIND's dst_key writes them:
// RSA (RFC 3110 key parts) Modulus, PublicExponent, PrivateExponent, Prime1,
// Prime2, Exponent1, Exponent2, Coefficient; ECDSA (RFC 6605) and EdDSA
// (RFC 8080) PrivateKey, the scalar or seed at its fixed width.
#pragma once

#include <string>

#include "core/error.hpp"
#include "crypto/keys.hpp"

namespace zs {

// "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: ...\n",
// without BIND's timing lines (the caller appends them). The text holds the
// secret: callers write it to a 0600 file and nowhere else, and wipe it.
// Errors: Errc::crypto.
Result<std::string> to_bind_private_text(const PrivateKey& key);

// Overwrites a string that held secret text before it is freed.
void wipe_secret(std::string& text) noexcept;

}  // namespace zs
