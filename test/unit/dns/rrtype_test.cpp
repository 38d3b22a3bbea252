#include <doctest/doctest.h>

#include "dns/rrtype.hpp"

using namespace zs;

TEST_CASE("type mnemonics round-trip and parse case-insensitively") {
  CHECK(type_to_string(RrType::A) == "A");
  CHECK(type_to_string(RrType::NSEC3PARAM) == "NSEC3PARAM");
  CHECK(type_mnemonic(RrType::NSAP_PTR) == "NSAP-PTR");
  CHECK(type_mnemonic(RrType::NULL_) == "NULL");
  CHECK(type_mnemonic(RrType::DLV) == "DLV");
  CHECK(type_mnemonic(static_cast<RrType>(65280)) == "TYPE65280");
  CHECK(type_from_string("https").value() == RrType::HTTPS);
  CHECK(type_from_string("Dnskey").value() == RrType::DNSKEY);
  CHECK(type_from_string("NSAP-PTR").value() == RrType::NSAP_PTR);
  for (std::uint32_t v = 0; v <= 65535; v += 7) {
    auto t = static_cast<RrType>(v);
    CHECK(type_from_string(type_to_string(t)).value() == t);
  }
}

TEST_CASE("types whose mnemonic some reader rejects print as TYPEnnn but still parse by name") {
  CHECK(type_to_string(RrType::MB) == "TYPE7");
  CHECK(type_to_string(RrType::MD) == "TYPE3");
  CHECK(type_to_string(RrType::NULL_) == "TYPE10");
  CHECK(type_to_string(RrType::DLV) == "TYPE32769");
  CHECK(type_to_string(RrType::SIG) == "TYPE24");
  CHECK_FALSE(type_prints_as_mnemonic(RrType::PX));
  CHECK(type_prints_as_mnemonic(RrType::KEY));
  CHECK(type_prints_as_mnemonic(RrType::SVCB));
  CHECK(type_prints_as_mnemonic(RrType::EUI48));
  CHECK_FALSE(type_prints_as_mnemonic(static_cast<RrType>(65280)));
  CHECK(type_from_string("MB").value() == RrType::MB);
  CHECK(type_from_string("dlv").value() == RrType::DLV);
}

TEST_CASE("types without a mnemonic use the RFC 3597 TYPEnnn form") {
  CHECK(type_to_string(static_cast<RrType>(65280)) == "TYPE65280");
  CHECK(type_to_string(static_cast<RrType>(0)) == "TYPE0");
  CHECK(type_from_string("TYPE65280").value() == static_cast<RrType>(65280));
  CHECK(type_from_string("type1").value() == RrType::A);
  CHECK(type_from_string("TYPE65535").value() == static_cast<RrType>(65535));
  CHECK_FALSE(type_from_string("TYPE65536"));
  CHECK_FALSE(type_from_string("TYPE"));
  CHECK_FALSE(type_from_string("TYPE-1"));
  CHECK_FALSE(type_from_string("TYPE1x"));
  CHECK_FALSE(type_from_string("AAAAA"));
  CHECK_FALSE(type_from_string(""));
}

TEST_CASE("classes parse by mnemonic and by CLASSnnn") {
  CHECK(class_to_string(1) == "IN");
  CHECK(class_to_string(3) == "CH");
  CHECK(class_to_string(4) == "HS");
  CHECK(class_to_string(2) == "CS");
  CHECK(class_to_string(300) == "CLASS300");
  CHECK(class_from_string("in").value() == 1);
  CHECK(class_from_string("CLASS1").value() == 1);
  CHECK(class_from_string("class65535").value() == 65535);
  CHECK_FALSE(class_from_string("CLASS65536"));
  CHECK_FALSE(class_from_string("INET"));
}

TEST_CASE("only the DNSSEC records a signer regenerates count as generated") {
  for (RrType t : {RrType::DNSKEY, RrType::RRSIG, RrType::NSEC, RrType::NSEC3, RrType::NSEC3PARAM, RrType::CDS,
                   RrType::CDNSKEY})
    CHECK(is_dnssec_generated_type(t));
  for (RrType t : {RrType::DS, RrType::A, RrType::SOA, RrType::KEY, RrType::SIG, RrType::ZONEMD, RrType::CSYNC})
    CHECK_FALSE(is_dnssec_generated_type(t));
}
