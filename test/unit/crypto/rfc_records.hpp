// Test helper for the dnssec unit tests (dnskey_test, rrsig_test): turns the
// records of the RFC example files (rfc_vectors.hpp) into wire-form RDATA,
// RRsets and Rrsig values. Deliberately independent of the zone-file parser
// and of rdata.cpp, so the vector tests check our DNSSEC code against the
// RFCs and not against another module; it only knows the few types the
// examples use (A, MX, DNSKEY, DS, RRSIG).
#pragma once

#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>

#include "dns/name.hpp"
#include "dns/record.hpp"
#include "dnssec/dnskey.hpp"
#include "dnssec/rrsig.hpp"
#include "rfc_vectors.hpp"

namespace zs::test {

inline Name name_of(const std::string& text) {
  auto n = Name::parse(text);
  if (!n) throw std::runtime_error("bad name in vector: " + text);
  return *n;
}

inline std::uint32_t number(const std::string& text) { return static_cast<std::uint32_t>(std::stoul(text)); }

// RFC 4034 §3.2: YYYYMMDDHHmmSS (UTC) or a plain count of seconds.
inline std::uint32_t rrsig_time(const std::string& text) {
  if (text.size() != 14) return number(text);
  std::tm tm{};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(6, 2));
  tm.tm_hour = std::stoi(text.substr(8, 2));
  tm.tm_min = std::stoi(text.substr(10, 2));
  tm.tm_sec = std::stoi(text.substr(12, 2));
  return static_cast<std::uint32_t>(timegm(&tm));
}

inline RrType type_of(const std::string& text) {
  if (text == "A") return RrType::A;
  if (text == "MX") return RrType::MX;
  if (text == "DNSKEY") return RrType::DNSKEY;
  if (text == "DS") return RrType::DS;
  if (text == "RRSIG") return RrType::RRSIG;
  throw std::runtime_error("type not known to the vector helper: " + text);
}

inline Bytes rdata_of(const VectorRecord& r) {
  Bytes out;
  const auto& d = r.rdata;
  if (r.type == "A") {
    unsigned a = 0, b = 0, c = 0, e = 0;
    if (std::sscanf(d.at(0).c_str(), "%u.%u.%u.%u", &a, &b, &c, &e) != 4)
      throw std::runtime_error("bad address " + d.at(0));
    for (unsigned v : {a, b, c, e}) put_u8(out, static_cast<std::uint8_t>(v));
  } else if (r.type == "MX") {
    put_u16(out, static_cast<std::uint16_t>(number(d.at(0))));
    put_bytes(out, name_of(d.at(1)).wire());
  } else if (r.type == "DNSKEY") {
    put_u16(out, static_cast<std::uint16_t>(number(d.at(0))));
    put_u8(out, static_cast<std::uint8_t>(number(d.at(1))));
    put_u8(out, static_cast<std::uint8_t>(number(d.at(2))));
    put_bytes(out, base64_bytes(r.joined(3)));
  } else if (r.type == "DS") {
    put_u16(out, static_cast<std::uint16_t>(number(d.at(0))));
    put_u8(out, static_cast<std::uint8_t>(number(d.at(1))));
    put_u8(out, static_cast<std::uint8_t>(number(d.at(2))));
    put_bytes(out, hex_bytes(r.joined(3)));
  } else if (r.type == "RRSIG") {
    put_u16(out, to_u16(type_of(d.at(0))));
    put_u8(out, static_cast<std::uint8_t>(number(d.at(1))));
    put_u8(out, static_cast<std::uint8_t>(number(d.at(2))));
    put_u32(out, number(d.at(3)));
    put_u32(out, rrsig_time(d.at(4)));
    put_u32(out, rrsig_time(d.at(5)));
    put_u16(out, static_cast<std::uint16_t>(number(d.at(6))));
    put_bytes(out, name_of(d.at(7)).wire());
    put_bytes(out, base64_bytes(r.joined(8)));
  } else {
    throw std::runtime_error("type not known to the vector helper: " + r.type);
  }
  return out;
}

// The RRset of every record of `type` in the file (the examples have one
// owner per type).
inline Rrset rrset_of(const VectorFile& f, const std::string& type) {
  Rrset set;
  bool first = true;
  for (const auto& r : f.records) {
    if (r.type != type) continue;
    if (first) {
      set.owner = name_of(r.owner);
      set.type = type_of(r.type);
      set.ttl = r.ttl;
      first = false;
    }
    set.rdatas.push_back(rdata_of(r));
  }
  if (first) throw std::runtime_error("vector file has no " + type + " record");
  return set;
}

}  // namespace zs::test
