#include "crypto/algorithm.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace zs {
namespace {

struct AlgorithmRow {
  Algorithm alg;
  std::string_view name;
};
constexpr std::array algorithm_rows{
    AlgorithmRow{Algorithm::RSASHA1, "RSASHA1"},
    AlgorithmRow{Algorithm::RSASHA1_NSEC3_SHA1, "RSASHA1-NSEC3-SHA1"},
    AlgorithmRow{Algorithm::RSASHA256, "RSASHA256"},
    AlgorithmRow{Algorithm::RSASHA512, "RSASHA512"},
    AlgorithmRow{Algorithm::ECDSAP256SHA256, "ECDSAP256SHA256"},
    AlgorithmRow{Algorithm::ECDSAP384SHA384, "ECDSAP384SHA384"},
    AlgorithmRow{Algorithm::ED25519, "ED25519"},
    AlgorithmRow{Algorithm::ED448, "ED448"},
};

struct DigestRow {
  DigestType type;
  std::string_view name;     // as IANA spells it
  std::string_view compact;  // as BIND and ldns spell it on the command line
};
constexpr std::array digest_rows{
    DigestRow{DigestType::SHA1, "SHA-1", "SHA1"},
    DigestRow{DigestType::SHA256, "SHA-256", "SHA256"},
    DigestRow{DigestType::SHA384, "SHA-384", "SHA384"},
};

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto la = a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i];
    auto lb = b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i];
    if (la != lb) return false;
  }
  return true;
}

std::optional<unsigned> parse_number(std::string_view text) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::string algorithm_name(Algorithm alg) {
  for (const auto& row : algorithm_rows)
    if (row.alg == alg) return std::string(row.name);
  return std::to_string(std::to_underlying(alg));
}

std::optional<Algorithm> algorithm_from_string(std::string_view text) {
  for (const auto& row : algorithm_rows)
    if (iequals(row.name, text)) return row.alg;
  if (auto n = parse_number(text)) {
    for (const auto& row : algorithm_rows)
      if (std::to_underlying(row.alg) == *n) return row.alg;
  }
  return std::nullopt;
}

bool algorithm_can_sign(Algorithm alg) noexcept {
  switch (alg) {
    case Algorithm::RSASHA256:
    case Algorithm::RSASHA512:
    case Algorithm::ECDSAP256SHA256:
    case Algorithm::ECDSAP384SHA384:
    case Algorithm::ED25519:
    case Algorithm::ED448:
      return true;
    case Algorithm::RSASHA1:
    case Algorithm::RSASHA1_NSEC3_SHA1:
      return false;
  }
  return false;
}

std::string digest_name(DigestType d) {
  for (const auto& row : digest_rows)
    if (row.type == d) return std::string(row.name);
  return std::to_string(std::to_underlying(d));
}

std::optional<DigestType> digest_from_string(std::string_view text) {
  for (const auto& row : digest_rows)
    if (iequals(row.name, text) || iequals(row.compact, text)) return row.type;
  if (auto n = parse_number(text)) {
    for (const auto& row : digest_rows)
      if (std::to_underlying(row.type) == *n) return row.type;
  }
  return std::nullopt;
}

}  // namespace zs
