// Byte buffers and the small big-endian helpers that DNS wire format needs.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace zs {

using Bytes = std::vector<std::uint8_t>;
using BytesView = std::span<const std::uint8_t>;

inline void put_u8(Bytes& out, std::uint8_t v) { out.push_back(v); }
inline void put_u16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
inline void put_u32(Bytes& out, std::uint32_t v) {
  put_u16(out, static_cast<std::uint16_t>(v >> 16));
  put_u16(out, static_cast<std::uint16_t>(v));
}
inline void put_u64(Bytes& out, std::uint64_t v) {
  put_u32(out, static_cast<std::uint32_t>(v >> 32));
  put_u32(out, static_cast<std::uint32_t>(v));
}
inline void put_bytes(Bytes& out, BytesView v) { out.insert(out.end(), v.begin(), v.end()); }

// Callers check the length first; these read without bounds checks.
inline std::uint16_t get_u16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t get_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
inline std::uint64_t get_u64(const std::uint8_t* p) { return (std::uint64_t{get_u32(p)} << 32) | get_u32(p + 4); }

inline Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline Bytes to_bytes(BytesView v) { return Bytes(v.begin(), v.end()); }
// The octets of `s`, and the characters of `b`, without a copy.
inline BytesView bytes_of(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
inline std::string_view chars_of(BytesView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

}  // namespace zs
