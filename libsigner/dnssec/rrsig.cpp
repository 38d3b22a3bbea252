// RRSIG RDATA (RFC 4034 §3.1), the one builder of signature input (RFC 4034
// §3.1.8.1 with §6.2 canonical RR form and §6.3 RR ordering, wildcard owner
// reconstruction of RFC 4035 §5.3.2), signing, verification and the
// validity-window check in serial-number arithmetic (RFC 4034 §3.1.5,
// RFC 1982).
#include "dnssec/rrsig.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "dns/rdata.hpp"
#include "dnssec/dnskey.hpp"

namespace zs {
namespace {

// Type covered through key tag: the fixed-size head of RRSIG RDATA.
constexpr std::size_t rrsig_fixed_size = 18;

void put_rrsig_head(const Rrsig& r, Bytes& out) {
  put_u16(out, to_u16(r.type_covered));
  put_u8(out, static_cast<std::uint8_t>(r.algorithm));
  put_u8(out, r.labels);
  put_u32(out, r.original_ttl);
  put_u32(out, r.expiration);
  put_u32(out, r.inception);
  put_u16(out, r.key_tag);
}

// RFC 4034 §3.1.3: the Labels field does not count the root or a leading
// wildcard label.
std::uint8_t rrsig_label_count(const Name& owner) noexcept {
  std::size_t n = owner.label_count();
  if (owner.is_wildcard()) --n;
  return static_cast<std::uint8_t>(n);
}

// The owner as it enters the signature input: lower-cased, and if the RRSIG
// covers fewer labels than the owner has, the wildcard it was expanded from
// ("*." + the rightmost `labels` labels, RFC 4035 §5.3.2).
Name signature_owner(const Name& owner, std::uint8_t labels) {
  Name lower = owner.lowercased();
  if (labels >= rrsig_label_count(lower)) return lower;
  Name suffix = lower.parent(lower.label_count() - labels);
  auto wild = suffix.prepend("*");
  // Prepending one label to a suffix of a valid name cannot overflow 255
  // octets: the suffix lost at least one label of at least two octets.
  if (!wild) return lower;
  return std::move(*wild);
}

}  // namespace

Bytes Rrsig::to_rdata() const {
  Bytes out;
  out.reserve(rrsig_fixed_size + signer.wire_length() + signature.size());
  put_rrsig_head(*this, out);
  put_bytes(out, signer.wire());
  put_bytes(out, signature);
  return out;
}

Result<Rrsig> Rrsig::from_rdata(BytesView rdata) {
  if (rdata.size() < rrsig_fixed_size + 1)
    return fail(Errc::bad_rdata, "RRSIG RDATA of " + std::to_string(rdata.size()) + " octets");
  Rrsig r;
  const std::uint8_t* p = rdata.data();
  r.type_covered = static_cast<RrType>(get_u16(p));
  r.algorithm = static_cast<Algorithm>(p[2]);
  r.labels = p[3];
  r.original_ttl = get_u32(p + 4);
  r.expiration = get_u32(p + 8);
  r.inception = get_u32(p + 12);
  r.key_tag = get_u16(p + 16);
  std::size_t offset = rrsig_fixed_size;
  auto signer = Name::read_wire(rdata, offset);
  if (!signer) return fail(Errc::bad_rdata, "RRSIG signer name: " + signer.error().message);
  // RFC 4034 §3.1.7: the signer's name is never compressed.
  if (offset - rrsig_fixed_size != signer->wire_length())
    return fail(Errc::bad_rdata, "RRSIG signer name is compressed");
  if (offset >= rdata.size()) return fail(Errc::bad_rdata, "RRSIG without a signature");
  r.signer = std::move(*signer);
  r.signature.assign(rdata.begin() + static_cast<std::ptrdiff_t>(offset), rdata.end());
  return r;
}

void append_signature_input(const Rrsig& fields, const Rrset& rrset, Bytes& out) {
  // RRSIG RDATA without the signature, signer name in canonical form.
  put_rrsig_head(fields, out);
  put_bytes(out, fields.signer.lowercased().wire());

  // §6.3: RRs ordered by their canonical RDATA as left-justified octet
  // strings, duplicates dropped (they would be one RR on the wire).
  std::vector<Bytes> canonical;
  canonical.reserve(rrset.rdatas.size());
  for (BytesView rdata : rrset.rdatas) canonical.push_back(canonical_rdata(rrset.type, rdata));
  std::sort(canonical.begin(), canonical.end());
  canonical.erase(std::unique(canonical.begin(), canonical.end()), canonical.end());

  const Name owner = signature_owner(rrset.owner, fields.labels);
  for (const Bytes& rdata : canonical) {
    put_bytes(out, owner.wire());
    put_u16(out, to_u16(rrset.type));
    put_u16(out, rrset.rclass);
    put_u32(out, fields.original_ttl);  // §3.1.8.1: the RRSIG's Original TTL
    put_u16(out, static_cast<std::uint16_t>(rdata.size()));
    put_bytes(out, rdata);
  }
}

Result<Rrsig> RrsetSigner::sign(const Rrset& rrset, const Name& signer_name, const SigningKey& key,
                                std::uint32_t inception, std::uint32_t expiration) {
  if (key.key == nullptr) return fail(Errc::internal, "RrsetSigner::sign without a private key");
  if (key.key->algorithm() != key.algorithm)
    return fail(Errc::crypto, "signing key is " + algorithm_name(key.key->algorithm()) + ", DNSKEY says " +
                                  algorithm_name(key.algorithm));
  Rrsig r;
  r.type_covered = rrset.type;
  r.algorithm = key.algorithm;
  r.labels = rrsig_label_count(rrset.owner);
  r.original_ttl = rrset.ttl;
  r.expiration = expiration;
  r.inception = inception;
  r.key_tag = key.tag;
  // Printed in canonical (lower-case) form, as the signature input has it.
  r.signer = signer_name.lowercased();

  buffer_.clear();
  append_signature_input(r, rrset, buffer_);
  auto signature = ctx_.sign(*key.key, buffer_);
  if (!signature)
    return fail(std::move(signature.error())
                    .with_context("while signing " + rrset.owner.to_string() + " " + type_to_string(rrset.type)));
  r.signature = std::move(*signature);
  return r;
}

Result<std::vector<Rrsig>> RrsetSigner::sign_batch(std::span<const Item> items, const Name& signer_name) {
  std::vector<Rrsig> out(items.size());
  const Name signer = signer_name.lowercased();
  // Every item's signature input in one buffer (offsets, since it grows).
  buffer_.clear();
  std::vector<std::size_t> begin(items.size() + 1);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    if (it.key == nullptr || it.key->key == nullptr)
      return fail(Errc::internal, "RrsetSigner::sign_batch without a private key");
    if (it.key->key->algorithm() != it.key->algorithm)
      return fail(Errc::crypto, "signing key is " + algorithm_name(it.key->key->algorithm()) + ", DNSKEY says " +
                                    algorithm_name(it.key->algorithm));
    Rrsig& r = out[i];
    r.type_covered = it.rrset->type;
    r.algorithm = it.key->algorithm;
    r.labels = rrsig_label_count(it.rrset->owner);
    r.original_ttl = it.rrset->ttl;
    r.expiration = it.expiration;
    r.inception = it.inception;
    r.key_tag = it.key->tag;
    r.signer = signer;
    begin[i] = buffer_.size();
    append_signature_input(r, *it.rrset, buffer_);
  }
  begin[items.size()] = buffer_.size();
  // Grouped by key, each group in item order.
  std::vector<bool> done(items.size(), false);
  std::vector<std::size_t> group;
  std::vector<BytesView> inputs;
  for (std::size_t first = 0; first < items.size(); ++first) {
    if (done[first]) continue;
    group.clear();
    inputs.clear();
    for (std::size_t i = first; i < items.size(); ++i) {
      if (done[i] || items[i].key != items[first].key) continue;
      done[i] = true;
      group.push_back(i);
      inputs.emplace_back(buffer_.data() + begin[i], begin[i + 1] - begin[i]);
    }
    auto signatures = ctx_.sign_many(*items[first].key->key, inputs);
    if (!signatures)
      return fail(std::move(signatures.error())
                      .with_context("while signing " + items[first].rrset->owner.to_string() + " " +
                                    type_to_string(items[first].rrset->type) + " and the RRsets batched with it"));
    for (std::size_t g = 0; g < group.size(); ++g) out[group[g]].signature = std::move((*signatures)[g]);
  }
  return out;
}

namespace {
void append_sized(Bytes& out, BytesView data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
}
std::array<std::uint8_t, 32> sha256_of(BytesView data) {
  const Bytes d = digest(DigestType::SHA256, data);
  std::array<std::uint8_t, 32> out{};
  std::copy_n(d.begin(), out.size(), out.begin());
  return out;
}
}  // namespace

ContentDigest rrset_content_digest(const Rrset& rrset) {
  Bytes buf;
  std::size_t size = 12 + rrset.owner.wire_length();
  for (const auto& rdata : rrset.rdatas) size += 4 + rdata.size();
  buf.reserve(size + 64);  // canonical RDATA may lower-case, never grow much
  put_u32(buf, static_cast<std::uint32_t>(rrset.owner.wire_length()));
  for (std::uint8_t c : rrset.owner.wire()) buf.push_back(ascii_lower(c));
  put_u32(buf, to_u16(rrset.type));
  put_u32(buf, rrset.ttl);
  if (rrset.rdatas.size() == 1) {
    append_sized(buf, canonical_rdata(rrset.type, rrset.rdatas.front()));
  } else {
    std::vector<Bytes> canonical;
    canonical.reserve(rrset.rdatas.size());
    for (const auto& rdata : rrset.rdatas) canonical.push_back(canonical_rdata(rrset.type, rdata));
    std::sort(canonical.begin(), canonical.end());
    canonical.erase(std::unique(canonical.begin(), canonical.end()), canonical.end());
    for (const auto& rdata : canonical) append_sized(buf, rdata);
  }
  return sha256_of(buf);
}

SignatureFingerprint signature_fingerprint(BytesView rrsig_rdata, const ContentDigest& rrset_content,
                                           BytesView dnskey_rdata) {
  Bytes buf;
  buf.reserve(rrsig_rdata.size() + dnskey_rdata.size() + rrset_content.size() + 12);
  append_sized(buf, rrsig_rdata);
  append_sized(buf, dnskey_rdata);
  append_sized(buf, rrset_content);
  return sha256_of(buf);
}

SignatureFingerprint signature_fingerprint(BytesView rrsig_rdata, const Rrset& rrset, BytesView dnskey_rdata) {
  return signature_fingerprint(rrsig_rdata, rrset_content_digest(rrset), dnskey_rdata);
}

Result<bool> verify_rrsig(const Rrset& rrset, const Rrsig& rrsig, BytesView dnskey_rdata) {
  auto dnskey = Dnskey::from_rdata(dnskey_rdata);
  if (!dnskey) return fail(std::move(dnskey.error()));
  // RFC 4035 §5.3.1: the RRSIG must match the RRset and the DNSKEY, and its
  // Labels field cannot exceed the owner's label count. A mismatch is an
  // invalid signature, not a malformed one.
  if (rrsig.type_covered != rrset.type) return false;
  if (dnskey->algorithm != rrsig.algorithm || dnskey->protocol != 3) return false;
  if ((dnskey->flags & dnskey_flag_zone) == 0) return false;
  if (key_tag(dnskey_rdata) != rrsig.key_tag) return false;
  if (rrsig.labels > rrsig_label_count(rrset.owner)) return false;
  if (!rrset.owner.is_subdomain_of(rrsig.signer)) return false;

  auto key = PublicKey::from_dnskey(dnskey->algorithm, dnskey->public_key);
  if (!key) return fail(std::move(key.error()));
  Bytes input;
  append_signature_input(rrsig, rrset, input);
  return key->verify(input, rrsig.signature);
}

std::int64_t rrsig_seconds_until(std::uint32_t when, std::uint64_t now) noexcept {
  return static_cast<std::int32_t>(when - static_cast<std::uint32_t>(now));
}

bool rrsig_time_valid(const Rrsig& rrsig, std::uint64_t now) noexcept {
  // RFC 1982 §3.2 with SERIAL_BITS = 32: a <= b when b - a, taken modulo
  // 2^32, is below 2^31. Times wrap every 136 years; the window does not.
  const auto t = static_cast<std::uint32_t>(now);
  auto serial_le = [](std::uint32_t a, std::uint32_t b) {
    return static_cast<std::uint32_t>(b - a) < 0x80000000u;
  };
  return serial_le(rrsig.inception, t) && serial_le(t, rrsig.expiration);
}

}  // namespace zs
