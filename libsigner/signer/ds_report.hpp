// The `ds` use case: the DS records the parent must publish for the zone's
// key-signing keys (RFC 4034 §5, RFC 4509 SHA-256, RFC 6605 SHA-384), as
// zone-file lines and as the fields a registrar's web form asks for.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "crypto/algorithm.hpp"
#include "dns/name.hpp"

namespace zs {

struct DsRequest {
  Name origin;
  std::string key_dir;
  std::vector<DigestType> digests = {DigestType::SHA256};
};

struct DsEntry {
  std::uint16_t key_tag = 0;
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  DigestType digest_type = DigestType::SHA256;
  std::string digest_hex;
  std::uint16_t flags = 0;       // of the DNSKEY
  std::uint8_t protocol = 3;
  std::string public_key_base64;
  std::string role;              // "ksk" or "csk"
};

// Errors: Errc::key_store when the zone has no keys or no key-signing key.
Result<std::vector<DsEntry>> make_ds_report(const DsRequest& request);

// "example.com. IN DS 12345 13 2 ABCD..." per entry (the form of
// dnssec-dsfromkey), one per line.
std::string ds_report_text(const Name& origin, const std::vector<DsEntry>& entries);
// A JSON document: {"zone": ..., "ds": [{key_tag, algorithm, algorithm_name,
// digest_type, digest_type_name, digest, dnskey: {flags, protocol, algorithm,
// public_key}, ds_record}]}.
std::string ds_report_json(const Name& origin, const std::vector<DsEntry>& entries);

}  // namespace zs
