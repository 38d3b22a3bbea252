#include "dns/rdata_descriptors.hpp"

#include <algorithm>
#include <array>

namespace zs::rdata_detail {

namespace {

using K = FieldKind;

constexpr Field name_f{K::name};
constexpr Field target_f{K::name, true};
constexpr Field cname_f{K::name, false, true};         // compressible, not a host
constexpr Field ctarget_f{K::name, true, true};        // compressible host name

// One array per field layout; several types share a layout.
constexpr Field f_a[] = {{K::ipv4}};
constexpr Field f_aaaa[] = {{K::ipv6}};
constexpr Field f_ctarget[] = {ctarget_f};                       // NS, MD, MF, CNAME, MB, PTR
constexpr Field f_cname[] = {cname_f};                           // MG, MR
constexpr Field f_target[] = {target_f};                         // DNAME
constexpr Field f_soa[] = {cname_f, cname_f, {K::u32}, {K::ttl}, {K::ttl}, {K::ttl}, {K::ttl}};
constexpr Field f_hinfo[] = {{K::text}, {K::text}};
constexpr Field f_minfo[] = {cname_f, cname_f};
constexpr Field f_mx[] = {{K::u16}, ctarget_f};
constexpr Field f_u16_target[] = {{K::u16}, target_f};          // AFSDB, RT, KX
constexpr Field f_txt[] = {{K::text_list}};
constexpr Field f_rp[] = {name_f, name_f};
constexpr Field f_x25[] = {{K::text}};
// The original TTL is a plain number: BIND, Knot and ldns refuse units there.
constexpr Field f_sig[] = {{K::rrtype}, {K::algorithm}, {K::u8}, {K::u32},  {K::time},
                           {K::time},   {K::u16},       name_f,  {K::base64}};
constexpr Field f_key[] = {{K::u16}, {K::u8}, {K::algorithm}, {K::base64}};
constexpr Field f_px[] = {{K::u16}, name_f, name_f};
constexpr Field f_gpos[] = {{K::text}, {K::text}, {K::text}};
constexpr Field f_loc[] = {{K::loc}};
constexpr Field f_srv[] = {{K::u16}, {K::u16}, {K::u16}, target_f};
constexpr Field f_naptr[] = {{K::u16}, {K::u16}, {K::text}, {K::text}, {K::text}, target_f};
constexpr Field f_cert[] = {{K::cert_type}, {K::u16}, {K::algorithm}, {K::base64}};
constexpr Field f_ds[] = {{K::u16}, {K::algorithm}, {K::u8}, {K::hex}};
constexpr Field f_sshfp[] = {{K::u8}, {K::u8}, {K::hex}};
constexpr Field f_nsec[] = {name_f, {K::bitmap}};
constexpr Field f_base64[] = {{K::base64}};                      // DHCID, OPENPGPKEY
constexpr Field f_nsec3[] = {{K::u8}, {K::u8}, {K::u16}, {K::salt}, {K::base32hex8}, {K::bitmap}};
constexpr Field f_nsec3param[] = {{K::u8}, {K::u8}, {K::u16}, {K::salt}};
constexpr Field f_tlsa[] = {{K::u8}, {K::u8}, {K::u8}, {K::hex}};  // TLSA, SMIMEA
constexpr Field f_csync[] = {{K::u32}, {K::u16}, {K::bitmap}};
constexpr Field f_zonemd[] = {{K::u32}, {K::u8}, {K::u8}, {K::hex}};
constexpr Field f_svcb[] = {{K::u16}, target_f, {K::svcb_params}};
constexpr Field f_nid[] = {{K::u16}, {K::ilnp64}};             // NID, L64
constexpr Field f_l32[] = {{K::u16}, {K::ipv4}};
constexpr Field f_lp[] = {{K::u16}, name_f};
constexpr Field f_eui48[] = {{K::eui48}};
constexpr Field f_eui64[] = {{K::eui64}};
constexpr Field f_uri[] = {{K::u16}, {K::u16}, {K::text_rest}};
constexpr Field f_isdn[] = {{K::text}, {K::text_opt}};
constexpr Field f_name[] = {name_f};                            // NSAP-PTR
constexpr Field f_wks[] = {{K::wks}};
constexpr Field f_nxt[] = {name_f, {K::nxt_bitmap}};
constexpr Field f_nsap[] = {{K::nsap}};
constexpr Field f_a6[] = {{K::a6}};
constexpr Field f_apl[] = {{K::apl}};
constexpr Field f_ipseckey[] = {{K::ipseckey}};
constexpr Field f_hip[] = {{K::hip}};
constexpr Field f_caa[] = {{K::u8}, {K::caa_tag}, {K::text_rest}};

// Digest lengths of the DS digest types (IANA registry) that BIND 9.18
// checks too; other types (GOST, private, CDS delete type 0) are not checked.
std::optional<FieldProblem> check_ds(BytesView rd) {
  std::size_t want = 0;
  switch (rd[3]) {
    case 1: want = 20; break;  // SHA-1, RFC 4034
    case 2: want = 32; break;  // SHA-256, RFC 4509
    case 4: want = 48; break;  // SHA-384, RFC 6605
    default: return std::nullopt;
  }
  if (rd.size() - 4 == want) return std::nullopt;
  return FieldProblem{3, "digest type " + std::to_string(rd[3]) + " needs " + std::to_string(want) +
                             " octets, not " + std::to_string(rd.size() - 4)};
}

// RFC 4255 §3.1.2 / RFC 6594: SHA-1 and SHA-256 fingerprints.
std::optional<FieldProblem> check_sshfp(BytesView rd) {
  std::size_t want = rd[1] == 1 ? 20 : rd[1] == 2 ? 32 : 0;
  if (want == 0 || rd.size() - 2 == want) return std::nullopt;
  return FieldProblem{2, "fingerprint type " + std::to_string(rd[1]) + " needs " + std::to_string(want) + " octets"};
}

// RFC 8976 §2.2.3-2.2.4: SHA-384 and SHA-512 digests; at least 12 octets.
std::optional<FieldProblem> check_zonemd(BytesView rd) {
  std::size_t have = rd.size() - 6;
  std::size_t want = rd[5] == 1 ? 48 : rd[5] == 2 ? 64 : 0;
  if (want != 0 && have != want)
    return FieldProblem{3, "hash algorithm " + std::to_string(rd[5]) + " needs " + std::to_string(want) + " octets"};
  if (have < 12) return FieldProblem{3, "ZONEMD digest shorter than 12 octets"};
  return std::nullopt;
}

// RFC 5155 §3.1.7: the next hashed owner is a hash of the algorithm's size.
std::optional<FieldProblem> check_nsec3(BytesView rd) {
  std::size_t at = 5u + rd[4];
  if (rd[0] == 1 && rd[at] != 20) return FieldProblem{4, "SHA-1 hashed owner name must be 20 octets"};
  return std::nullopt;
}

// Sorted by type number (checked below) for binary search. `true` marks the
// RFC 4034 §6.2 / RFC 6840 §5.1 types whose names are lower-cased; NSEC is
// deliberately not among them.
constexpr Descriptor table[] = {
    {RrType::A, false, f_a},
    {RrType::NS, true, f_ctarget},
    {RrType::MD, true, f_ctarget},
    {RrType::MF, true, f_ctarget},
    {RrType::CNAME, true, f_ctarget},
    {RrType::SOA, true, f_soa},
    {RrType::MB, true, f_ctarget},
    {RrType::MG, true, f_cname},
    {RrType::MR, true, f_cname},
    {RrType::WKS, false, f_wks},
    {RrType::PTR, true, f_ctarget},
    {RrType::HINFO, false, f_hinfo},
    {RrType::MINFO, true, f_minfo},
    {RrType::MX, true, f_mx},
    {RrType::TXT, false, f_txt},
    {RrType::RP, true, f_rp},
    {RrType::AFSDB, true, f_u16_target},
    {RrType::X25, false, f_x25},
    {RrType::ISDN, false, f_isdn},
    {RrType::RT, true, f_u16_target},
    {RrType::NSAP, false, f_nsap},
    {RrType::NSAP_PTR, false, f_name},
    {RrType::SIG, true, f_sig},
    {RrType::KEY, false, f_key},
    {RrType::PX, true, f_px},
    {RrType::GPOS, false, f_gpos},
    {RrType::AAAA, false, f_aaaa},
    {RrType::LOC, false, f_loc},
    {RrType::NXT, true, f_nxt},
    {RrType::SRV, true, f_srv},
    {RrType::NAPTR, true, f_naptr},
    {RrType::KX, true, f_u16_target},
    {RrType::CERT, false, f_cert},
    {RrType::A6, true, f_a6},
    {RrType::DNAME, true, f_target},
    {RrType::APL, false, f_apl},
    {RrType::DS, false, f_ds, check_ds},
    {RrType::SSHFP, false, f_sshfp, check_sshfp},
    {RrType::IPSECKEY, false, f_ipseckey},
    {RrType::RRSIG, true, f_sig},
    {RrType::NSEC, false, f_nsec},
    {RrType::DNSKEY, false, f_key},
    {RrType::DHCID, false, f_base64},
    {RrType::NSEC3, false, f_nsec3, check_nsec3},
    {RrType::NSEC3PARAM, false, f_nsec3param},
    {RrType::TLSA, false, f_tlsa},
    {RrType::SMIMEA, false, f_tlsa},
    {RrType::HIP, false, f_hip},
    {RrType::CDS, false, f_ds, check_ds},
    {RrType::CDNSKEY, false, f_key},
    {RrType::OPENPGPKEY, false, f_base64},
    {RrType::CSYNC, false, f_csync},
    {RrType::ZONEMD, false, f_zonemd, check_zonemd},
    {RrType::SVCB, false, f_svcb},
    {RrType::HTTPS, false, f_svcb},
    {RrType::SPF, false, f_txt},
    {RrType::NID, false, f_nid},
    {RrType::L32, false, f_l32},
    {RrType::L64, false, f_nid},
    {RrType::LP, false, f_lp},
    {RrType::EUI48, false, f_eui48},
    {RrType::EUI64, false, f_eui64},
    {RrType::URI, false, f_uri},
    {RrType::CAA, false, f_caa},
    {RrType::AVC, false, f_txt},
    {RrType::DLV, false, f_ds, check_ds},
};

constexpr bool table_sorted() {
  for (std::size_t i = 1; i < std::size(table); ++i)
    if (to_u16(table[i - 1].type) >= to_u16(table[i].type)) return false;
  return true;
}
static_assert(table_sorted(), "descriptor table must be sorted by type number");

constexpr bool fields_fit() {
  for (const auto& d : table)
    if (d.fields.size() > max_fields) return false;
  return true;
}
static_assert(fields_fit(), "raise max_fields");

}  // namespace

const Descriptor* find_descriptor(RrType type) noexcept {
  auto it = std::lower_bound(std::begin(table), std::end(table), to_u16(type),
                             [](const Descriptor& d, std::uint16_t v) { return to_u16(d.type) < v; });
  if (it != std::end(table) && it->type == type) return &*it;
  return nullptr;
}

}  // namespace zs::rdata_detail
