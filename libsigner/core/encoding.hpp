// Text encodings used in presentation format: hex (RFC 4648 §8, as DS and
// NSEC3 salts), base64 (RFC 4648 §4, DNSKEY/RRSIG), base32hex without padding
// (RFC 4648 §7, NSEC3 owner names and next-hashed-owner fields).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace zs {

std::string to_hex(BytesView data);  // upper-case, no separators
// Accepts either case; white space is not allowed (callers join tokens first).
std::optional<Bytes> from_hex(std::string_view text);

std::string to_base64(BytesView data);
// Accepts padded input; rejects characters outside the alphabet.
std::optional<Bytes> from_base64(std::string_view text);

std::string to_base32hex(BytesView data);  // lower-case, no padding
// The length of to_base32hex's text for `octets` octets.
constexpr std::size_t base32hex_length(std::size_t octets) { return (octets * 8 + 4) / 5; }
// to_base32hex into `out`, which holds base32hex_length(data.size()) chars;
// returns that length. For the million NSEC3 owners, with no allocation each.
std::size_t to_base32hex_into(BytesView data, std::span<char> out);
std::optional<Bytes> from_base32hex(std::string_view text);  // either case, no padding

}  // namespace zs
