#include "dnssec/zonemd.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/encoding.hpp"
#include "crypto/digest_stream.hpp"
#include "dns/rdata.hpp"

namespace zs {

namespace {

// Past the end of the uncompressed name at `pos`, or nullopt if it runs off.
std::optional<std::size_t> skip_name(BytesView rdata, std::size_t pos) {
  while (pos < rdata.size()) {
    const std::uint8_t len = rdata[pos];
    if (len == 0) return pos + 1;
    pos += 1u + len;
  }
  return std::nullopt;
}

// The SOA serial, after MNAME and RNAME (RFC 1035 §3.3.13).
std::optional<std::uint32_t> soa_serial(const Zone& zone) {
  const Rrset& soa = zone.soa();
  if (soa.rdatas.empty()) return std::nullopt;
  const BytesView rdata = soa.rdatas.front();
  auto rname = skip_name(rdata, 0);
  auto at = rname ? skip_name(rdata, *rname) : std::nullopt;
  if (!at || *at + 4 > rdata.size()) return std::nullopt;
  return get_u32(rdata.data() + *at);
}

// Feeds the zone's records to a digest in the order and form of RFC 8976
// §3.3: RRsets in canonical order (owners canonical, then type number), each
// record as owner | type | class | TTL | RDLENGTH | RDATA with the owner and
// the RDATA in canonical form (RFC 4034 §6.2), records of an RRset in
// canonical RDATA order, each distinct record once. The RRSIGs of a name
// form the RRset of type RRSIG there, each with its own TTL.
class ZoneDigester {
 public:
  explicit ZoneDigester(const Zone& zone) : zone_(zone), class_(zone.soa().rclass), stream_(DigestType::SHA384) {}

  Bytes run() {
    bool apex = true;
    for (const Node& node : zone_.nodes()) {
      set_owner(node.owner);
      bool rrsigs_done = false;
      for (const Rrset& rrset : node.rrsets) {
        if (!rrsigs_done && to_u16(rrset.type) > to_u16(RrType::RRSIG)) {
          add_signatures(node, apex);
          rrsigs_done = true;
        }
        // §3.3.1: the apex ZONEMD RRset is left out (a ZONEMD elsewhere is
        // ordinary data).
        if (apex && rrset.type == RrType::ZONEMD) continue;
        canonical_.clear();
        for (BytesView rdata : rrset.rdatas) canonical_.push_back(canonical_rdata(rrset.type, rdata));
        add_records(rrset.type, [&](std::size_t) { return rrset.ttl; });
      }
      if (!rrsigs_done) add_signatures(node, apex);
      apex = false;
    }
    flush();
    return stream_.finish();
  }

 private:
  void set_owner(const Name& owner) {
    // Length octets are at most 63, below 'A': lower-casing the whole wire
    // form touches only the labels' letters.
    owner_.assign(owner.wire().begin(), owner.wire().end());
    for (auto& c : owner_) c = ascii_lower(c);
  }

  // §3.3.1: at the apex, the RRSIGs covering the ZONEMD RRset are left out.
  void add_signatures(const Node& node, bool apex) {
    canonical_.clear();
    ttls_.clear();
    for (SignatureRef sig : node.signatures) {
      if (apex && sig.covered == RrType::ZONEMD) continue;
      canonical_.push_back(canonical_rdata(RrType::RRSIG, sig.rdata));
      ttls_.push_back(sig.ttl);
    }
    if (canonical_.empty()) return;
    // Sorted with their TTLs: canonical order is by RDATA alone.
    order_.resize(canonical_.size());
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
      if (canonical_[a] != canonical_[b]) return canonical_[a] < canonical_[b];
      return ttls_[a] < ttls_[b];
    });
    std::vector<Bytes> sorted;
    std::vector<std::uint32_t> sorted_ttls;
    sorted.reserve(order_.size());
    sorted_ttls.reserve(order_.size());
    for (std::size_t i : order_) {
      // Records differing in TTL alone are the same record (RFC 2181 §5.2).
      if (!sorted.empty() && sorted.back() == canonical_[i]) continue;
      sorted.push_back(std::move(canonical_[i]));
      sorted_ttls.push_back(ttls_[i]);
    }
    canonical_ = std::move(sorted);
    ttls_ = std::move(sorted_ttls);
    emit(RrType::RRSIG, [&](std::size_t i) { return ttls_[i]; });
  }

  // Sorts canonical_ and drops its duplicates, then emits it.
  template <class TtlOf>
  void add_records(RrType type, TtlOf ttl_of) {
    if (canonical_.size() > 1) {
      std::sort(canonical_.begin(), canonical_.end());
      canonical_.erase(std::unique(canonical_.begin(), canonical_.end()), canonical_.end());
    }
    emit(type, ttl_of);
  }

  template <class TtlOf>
  void emit(RrType type, TtlOf ttl_of) {
    for (std::size_t i = 0; i < canonical_.size(); ++i) {
      const Bytes& rdata = canonical_[i];
      put_bytes(buffer_, owner_);
      put_u16(buffer_, to_u16(type));
      put_u16(buffer_, class_);
      put_u32(buffer_, ttl_of(i));
      put_u16(buffer_, static_cast<std::uint16_t>(rdata.size()));
      put_bytes(buffer_, rdata);
    }
    // Fewer, larger updates: SHA-384 runs on 128-octet blocks either way.
    if (buffer_.size() >= 64 * 1024) flush();
  }

  void flush() {
    stream_.update(buffer_);
    buffer_.clear();
  }

  const Zone& zone_;
  std::uint16_t class_;
  DigestStream stream_;
  Bytes owner_;
  Bytes buffer_;
  std::vector<Bytes> canonical_;
  std::vector<std::uint32_t> ttls_;
  std::vector<std::size_t> order_;
};

std::string hex_lower(BytesView data) {
  std::string text = to_hex(data);
  std::transform(text.begin(), text.end(), text.begin(), [](char c) { return static_cast<char>(ascii_lower(c)); });
  return text;
}

std::string record_text(const Zonemd& z) {
  return std::to_string(z.serial) + " " + std::to_string(z.scheme) + " " + std::to_string(z.hash_algorithm);
}

}  // namespace

Bytes Zonemd::to_rdata() const {
  Bytes out;
  out.reserve(6 + digest.size());
  put_u32(out, serial);
  put_u8(out, scheme);
  put_u8(out, hash_algorithm);
  put_bytes(out, digest);
  return out;
}

Result<Zonemd> Zonemd::from_rdata(BytesView rdata) {
  if (rdata.size() < 6) return fail(Errc::bad_rdata, "ZONEMD RDATA of " + std::to_string(rdata.size()) + " octets");
  Zonemd z;
  z.serial = get_u32(rdata.data());
  z.scheme = rdata[4];
  z.hash_algorithm = rdata[5];
  z.digest.assign(rdata.begin() + 6, rdata.end());
  return z;
}

Bytes zonemd_digest(const Zone& zone) { return ZoneDigester(zone).run(); }

void add_zonemd_placeholder(Zone& zone) {
  Zonemd z;
  z.serial = soa_serial(zone).value_or(0);
  z.scheme = zonemd_scheme_simple;
  z.hash_algorithm = zonemd_hash_sha384;
  z.digest.assign(zonemd_sha384_length, 0);
  Rrset rrset;
  rrset.owner = zone.apex().owner;
  rrset.type = RrType::ZONEMD;
  rrset.rclass = zone.soa().rclass;
  rrset.ttl = zone.soa().ttl;
  rrset.rdatas.push_back(z.to_rdata());
  zone.put_rrset(std::move(rrset));
}

void set_zonemd_digest(Zone& zone) {
  Bytes digest = zonemd_digest(zone);
  Rrset* rrset = zone.apex().find(RrType::ZONEMD);
  if (!rrset || rrset->rdatas.size() != 1)
    throw std::logic_error("set_zonemd_digest: no ZONEMD placeholder at the apex");
  auto z = Zonemd::from_rdata(rrset->rdatas.front());
  if (!z) throw std::logic_error("set_zonemd_digest: malformed ZONEMD placeholder");
  z->digest = std::move(digest);
  rrset->rdatas = RdataSet{z->to_rdata()};
}

ZonemdCheck check_zonemd(const Zone& zone) {
  using Outcome = ZonemdCheck::Outcome;
  const Rrset* rrset = zone.apex().find(RrType::ZONEMD);
  if (!rrset || rrset->rdatas.empty()) return {};
  const std::optional<std::uint32_t> serial = soa_serial(zone);
  std::vector<Zonemd> records;
  for (BytesView rdata : rrset->rdatas) {
    auto z = Zonemd::from_rdata(rdata);
    if (!z) return {Outcome::failed, "malformed ZONEMD: " + z.error().message};
    // §2.2: one record per scheme and hash algorithm, else none can be trusted.
    for (const Zonemd& seen : records)
      if (seen.scheme == z->scheme && seen.hash_algorithm == z->hash_algorithm)
        return {Outcome::failed, "several ZONEMD records with scheme " + std::to_string(z->scheme) +
                                     " and hash algorithm " + std::to_string(z->hash_algorithm) +
                                     " (RFC 8976 §2.2): the zone digest cannot be verified"};
    records.push_back(std::move(*z));
  }
  std::optional<Bytes> computed;
  std::string failure;
  std::string unsupported;
  for (const Zonemd& z : records) {
    if (z.scheme != zonemd_scheme_simple || z.hash_algorithm != zonemd_hash_sha384) {
      unsupported.append(unsupported.empty() ? "" : ", ").append(record_text(z));
      continue;
    }
    // §4 step 5a: a record of another serial describes another version of the zone.
    if (!serial || z.serial != *serial) {
      failure = "ZONEMD " + record_text(z) + ": serial differs from the SOA serial " +
                (serial ? std::to_string(*serial) : std::string("(unreadable)")) + " (RFC 8976 §4)";
      continue;
    }
    if (!computed) computed = zonemd_digest(zone);
    if (z.digest == *computed) return {Outcome::verified, {}};
    failure = "ZONEMD " + record_text(z) + ": digest " + hex_lower(z.digest) + " does not match the zone's " +
              hex_lower(*computed) + " (RFC 8976 §4)";
  }
  if (!failure.empty()) return {Outcome::failed, failure};
  return {Outcome::unverifiable, "ZONEMD " + unsupported +
                                     ": no record of a supported scheme and hash algorithm (SIMPLE, SHA-384), so "
                                     "the zone digest cannot be verified (RFC 8976 §4)"};
}

}  // namespace zs
