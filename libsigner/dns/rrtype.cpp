#include "dns/rrtype.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace zs {

namespace {

struct TypeName {
  RrType type;
  std::string_view name;
  // False when a common reader rejects the mnemonic, even with RFC 3597
  // RDATA (found by loading each into named-compilezone 9.18, kzonecheck
  // 3.2, nsd-checkzone 4.6 and ldns-read-zone 1.8.3); such types print as
  // TYPEnnn, which all of them read.
  bool portable = true;
};

// Sorted by type number so printing can binary-search; parsing scans it (a
// few dozen entries, case-insensitive).
constexpr std::array<TypeName, 67> type_names{{
    {RrType::A, "A"},           {RrType::NS, "NS"},           {RrType::MD, "MD", false},
    {RrType::MF, "MF", false},         {RrType::CNAME, "CNAME"},     {RrType::SOA, "SOA"},
    {RrType::MB, "MB", false},         {RrType::MG, "MG", false},           {RrType::MR, "MR", false},
    {RrType::NULL_, "NULL", false},    {RrType::WKS, "WKS", false},         {RrType::PTR, "PTR"},
    {RrType::HINFO, "HINFO"},   {RrType::MINFO, "MINFO"},     {RrType::MX, "MX"},
    {RrType::TXT, "TXT"},       {RrType::RP, "RP"},           {RrType::AFSDB, "AFSDB"},
    {RrType::X25, "X25", false},       {RrType::ISDN, "ISDN", false},       {RrType::RT, "RT"},
    {RrType::NSAP, "NSAP", false},     {RrType::NSAP_PTR, "NSAP-PTR", false}, {RrType::SIG, "SIG", false},
    {RrType::KEY, "KEY"},       {RrType::PX, "PX", false},           {RrType::GPOS, "GPOS", false},
    {RrType::AAAA, "AAAA"},     {RrType::LOC, "LOC"},         {RrType::NXT, "NXT", false},
    {RrType::SRV, "SRV"},       {RrType::NAPTR, "NAPTR"},     {RrType::KX, "KX"},
    {RrType::CERT, "CERT"},     {RrType::A6, "A6", false},           {RrType::DNAME, "DNAME"},
    {RrType::APL, "APL"},       {RrType::DS, "DS"},           {RrType::SSHFP, "SSHFP"},
    {RrType::IPSECKEY, "IPSECKEY"}, {RrType::RRSIG, "RRSIG"}, {RrType::NSEC, "NSEC"},
    {RrType::DNSKEY, "DNSKEY"}, {RrType::DHCID, "DHCID"},     {RrType::NSEC3, "NSEC3"},
    {RrType::NSEC3PARAM, "NSEC3PARAM"}, {RrType::TLSA, "TLSA"}, {RrType::SMIMEA, "SMIMEA"},
    {RrType::HIP, "HIP", false},       {RrType::CDS, "CDS"},         {RrType::CDNSKEY, "CDNSKEY"},
    {RrType::OPENPGPKEY, "OPENPGPKEY"}, {RrType::CSYNC, "CSYNC"}, {RrType::ZONEMD, "ZONEMD"},
    {RrType::SVCB, "SVCB"},     {RrType::HTTPS, "HTTPS"},     {RrType::SPF, "SPF"},
    {RrType::NID, "NID"},       {RrType::L32, "L32"},         {RrType::L64, "L64"},
    {RrType::LP, "LP"},         {RrType::EUI48, "EUI48"},     {RrType::EUI64, "EUI64"},
    {RrType::URI, "URI"},       {RrType::CAA, "CAA"},         {RrType::AVC, "AVC", false},
    {RrType::DLV, "DLV", false},
}};

constexpr bool type_names_sorted() {
  for (std::size_t i = 1; i < type_names.size(); ++i)
    if (to_u16(type_names[i - 1].type) >= to_u16(type_names[i].type)) return false;
  return true;
}
static_assert(type_names_sorted(), "type_names must be sorted by number");

struct ClassName {
  std::uint16_t rclass;
  std::string_view name;
};
constexpr std::array<ClassName, 4> class_names{{{1, "IN"}, {2, "CS"}, {3, "CH"}, {4, "HS"}}};

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

// Parses the digits after a "TYPE"/"CLASS" prefix: decimal, no sign, no
// leading '+', at most 65535.
std::optional<std::uint16_t> generic_number(std::string_view text, std::string_view prefix) {
  if (text.size() <= prefix.size() || !iequals(text.substr(0, prefix.size()), prefix)) return std::nullopt;
  std::string_view digits = text.substr(prefix.size());
  if (digits.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

constexpr bool type_names_upper_and_short() {
  for (const auto& e : type_names) {
    if (e.name.size() > 10) return false;
    for (char c : e.name)
      if (c >= 'a' && c <= 'z') return false;
  }
  return true;
}
static_assert(type_names_upper_and_short(), "type_from_string compares upper-cased tokens of up to 10 characters");

// type_names ordered by mnemonic, for type_from_string.
constexpr std::array<const TypeName*, type_names.size()> make_names_in_order() {
  std::array<const TypeName*, type_names.size()> order{};
  for (std::size_t i = 0; i < type_names.size(); ++i) order[i] = &type_names[i];
  std::sort(order.begin(), order.end(), [](const TypeName* a, const TypeName* b) { return a->name < b->name; });
  return order;
}
constexpr auto names_in_order = make_names_in_order();

const TypeName* find_type(RrType type) noexcept {
  auto it = std::lower_bound(type_names.begin(), type_names.end(), to_u16(type),
                             [](const TypeName& e, std::uint16_t v) { return to_u16(e.type) < v; });
  return it != type_names.end() && it->type == type ? &*it : nullptr;
}

}  // namespace

std::string type_to_string(RrType type) {
  const TypeName* e = find_type(type);
  if (e && e->portable) return std::string(e->name);
  return "TYPE" + std::to_string(to_u16(type));
}

std::string type_mnemonic(RrType type) {
  const TypeName* e = find_type(type);
  if (e) return std::string(e->name);
  return "TYPE" + std::to_string(to_u16(type));
}

bool type_prints_as_mnemonic(RrType type) noexcept {
  const TypeName* e = find_type(type);
  return e && e->portable;
}

std::optional<RrType> type_from_string(std::string_view text) {
  // The parser asks this of most tokens at the head of every record (is it
  // a type, or a TTL or class?), so a token is upper-cased once and only
  // binary-searched among the mnemonics.
  constexpr std::size_t longest = 10;  // NSEC3PARAM, OPENPGPKEY
  if (!text.empty() && text.size() <= longest) {
    char upper[longest];
    for (std::size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      upper[i] = c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
    }
    const std::string_view key(upper, text.size());
    auto it = std::lower_bound(names_in_order.begin(), names_in_order.end(), key,
                               [](const TypeName* e, std::string_view k) { return e->name < k; });
    if (it != names_in_order.end() && (*it)->name == key) return (*it)->type;
  }
  if (auto v = generic_number(text, "TYPE")) return static_cast<RrType>(*v);
  return std::nullopt;
}

std::string class_to_string(std::uint16_t rclass) {
  for (const auto& e : class_names)
    if (e.rclass == rclass) return std::string(e.name);
  return "CLASS" + std::to_string(rclass);
}

std::optional<std::uint16_t> class_from_string(std::string_view text) {
  for (const auto& e : class_names)
    if (iequals(e.name, text)) return e.rclass;
  return generic_number(text, "CLASS");
}

bool is_dnssec_generated_type(RrType type) noexcept {
  switch (type) {
    case RrType::DNSKEY:
    case RrType::RRSIG:
    case RrType::NSEC:
    case RrType::NSEC3:
    case RrType::NSEC3PARAM:
    case RrType::CDS:
    case RrType::CDNSKEY:
      return true;
    default:
      return false;
  }
}

}  // namespace zs
