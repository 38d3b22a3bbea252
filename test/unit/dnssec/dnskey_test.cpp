// DNSKEY and DS RDATA, key tags and DS digests, checked against the examples
// of RFC 4034 §5.4, RFC 5702 §6, RFC 6605 §6 and RFC 8080 §6 (stored under
// test/vectors/), and against BIND's dnssec-dsfromkey for a generated key.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "../crypto/rfc_records.hpp"
#include "core/encoding.hpp"
#include "crypto/keys.hpp"
#include "dnssec/dnskey.hpp"

using namespace zs;

namespace {

DigestType digest_of(std::uint8_t n) { return static_cast<DigestType>(n); }

}  // namespace

TEST_CASE("RFC 4034 §5.4: the example DNSKEY has key tag 60485 and the printed SHA-1 DS") {
  const auto file = test::read_vector_file("rfc4034-5.4.txt");
  const auto& key_rr = file.first("DNSKEY");
  const auto& ds_rr = file.first("DS");
  const Bytes dnskey = test::rdata_of(key_rr);
  const Bytes expected_ds = test::rdata_of(ds_rr);

  CHECK(key_tag(dnskey) == 60485);
  CHECK(key_tag(dnskey) == test::number(ds_rr.rdata[0]));

  const Ds ds = make_ds(test::name_of(key_rr.owner), dnskey, DigestType::SHA1);
  CHECK(ds.key_tag == 60485);
  CHECK(ds.algorithm == Algorithm::RSASHA1);
  CHECK(ds.digest_type == DigestType::SHA1);
  CHECK(to_hex(ds.digest) == "2BB183AF5F22588179A53B0A98631FAD1A292118");
  CHECK(ds.to_rdata() == expected_ds);
}

TEST_CASE("the DS digest uses the owner name in canonical (lower-case) form") {
  const auto file = test::read_vector_file("rfc4034-5.4.txt");
  const Bytes dnskey = test::rdata_of(file.first("DNSKEY"));
  const Ds lower = make_ds(test::name_of("dskey.example.com."), dnskey, DigestType::SHA256);
  const Ds mixed = make_ds(test::name_of("DSKey.Example.COM."), dnskey, DigestType::SHA256);
  CHECK(lower.digest == mixed.digest);
  CHECK(lower.digest.size() == 32);
  const Ds other = make_ds(test::name_of("other.example.com."), dnskey, DigestType::SHA256);
  CHECK(other.digest != lower.digest);
}

TEST_CASE("key tags of the RFC example DNSKEYs match the tags their RRSIGs and DS records carry") {
  struct Case {
    const char* file;
    std::uint16_t tag;
  };
  const std::array cases{
      Case{"rfc5702-6.1.txt", 9033},    Case{"rfc5702-6.2.txt", 3740},    Case{"rfc6605-6.1.txt", 55648},
      Case{"rfc6605-6.2.txt", 10771},   Case{"rfc8080-6.1-a.txt", 3613},  Case{"rfc8080-6.1-b.txt", 35217},
      Case{"rfc8080-6.2-a.txt", 9713},  Case{"rfc8080-6.2-b.txt", 38353},
  };
  for (const auto& c : cases) {
    CAPTURE(c.file);
    const auto file = test::read_vector_file(c.file);
    const Bytes dnskey = test::rdata_of(file.first("DNSKEY"));
    CHECK(key_tag(dnskey) == c.tag);
    CHECK(key_tag(dnskey) == test::number(file.first("RRSIG").rdata[6]));
  }
}

TEST_CASE("DS records of RFC 6605 (SHA-256, SHA-384) and RFC 8080 (SHA-256) are reproduced exactly") {
  for (const char* name : {"rfc6605-6.1.txt", "rfc6605-6.2.txt", "rfc8080-6.1-a.txt", "rfc8080-6.1-b.txt",
                           "rfc8080-6.2-a.txt", "rfc8080-6.2-b.txt"}) {
    CAPTURE(name);
    const auto file = test::read_vector_file(name);
    const auto& key_rr = file.first("DNSKEY");
    const auto& ds_rr = file.first("DS");
    const Bytes dnskey = test::rdata_of(key_rr);
    const Ds ds = make_ds(test::name_of(key_rr.owner), dnskey,
                          digest_of(static_cast<std::uint8_t>(test::number(ds_rr.rdata[2]))));
    CHECK(ds.to_rdata() == test::rdata_of(ds_rr));

    auto parsed = Ds::from_rdata(test::rdata_of(ds_rr));
    REQUIRE(parsed);
    CHECK(parsed->key_tag == ds.key_tag);
    CHECK(parsed->algorithm == ds.algorithm);
    CHECK(parsed->digest_type == ds.digest_type);
    CHECK(parsed->digest == ds.digest);
  }
}

TEST_CASE("DNSKEY RDATA round-trips and exposes its flags") {
  const auto file = test::read_vector_file("rfc6605-6.1.txt");
  const Bytes rdata = test::rdata_of(file.first("DNSKEY"));
  auto key = Dnskey::from_rdata(rdata);
  REQUIRE(key);
  CHECK(key->flags == 257);
  CHECK(key->is_sep());
  CHECK(key->protocol == 3);
  CHECK(key->algorithm == Algorithm::ECDSAP256SHA256);
  CHECK(key->public_key.size() == 64);
  CHECK(key->to_rdata() == rdata);

  Dnskey zsk;
  zsk.public_key = Bytes(32, 7);
  zsk.algorithm = Algorithm::ED25519;
  CHECK_FALSE(zsk.is_sep());
  auto back = Dnskey::from_rdata(zsk.to_rdata());
  REQUIRE(back);
  CHECK(back->flags == dnskey_flag_zone);
  CHECK(back->public_key == zsk.public_key);
}

TEST_CASE("truncated DNSKEY and DS RDATA are bad_rdata") {
  auto short_key = Dnskey::from_rdata(Bytes{1, 0, 3, 13});
  REQUIRE_FALSE(short_key);
  CHECK(short_key.error().code == Errc::bad_rdata);
  auto short_ds = Ds::from_rdata(Bytes{0, 1, 13, 2});
  REQUIRE_FALSE(short_ds);
  CHECK(short_ds.error().code == Errc::bad_rdata);
  // A SHA-256 DS whose digest is not 32 octets.
  Bytes wrong_len{0, 1, 13, 2};
  wrong_len.insert(wrong_len.end(), 20, 0xAB);
  auto bad = Ds::from_rdata(wrong_len);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::bad_rdata);
}

TEST_CASE("the key tag changes with the flags, as a REVOKE'd key's must (RFC 5011 §7)") {
  auto key = PrivateKey::generate(Algorithm::ED25519);
  REQUIRE(key);
  Dnskey k;
  k.flags = dnskey_flag_zone | dnskey_flag_sep;
  k.algorithm = Algorithm::ED25519;
  k.public_key = key->dnskey_public_key();
  const std::uint16_t before = key_tag(k.to_rdata());
  k.flags |= dnskey_flag_revoke;
  // The flag sits in the second (low-order) octet, so the sum grows by 0x80,
  // plus one when the end-around carry of Appendix B wraps.
  const std::uint16_t after = key_tag(k.to_rdata());
  CHECK(after != before);
  CHECK((after == static_cast<std::uint16_t>(before + 0x80) || after == static_cast<std::uint16_t>(before + 0x81)));
}

TEST_CASE("key tag and DS of a generated key agree with BIND's dnssec-dsfromkey") {
  const char* tool = "/usr/bin/dnssec-dsfromkey";
  if (access(tool, X_OK) != 0) {
    MESSAGE("dnssec-dsfromkey not installed; cross-check skipped");
    return;
  }
  const auto dir = std::filesystem::temp_directory_path() / ("zonesign-dsfromkey-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  for (Algorithm alg : {Algorithm::RSASHA256, Algorithm::ECDSAP384SHA384, Algorithm::ED25519}) {
    CAPTURE(algorithm_name(alg));
    auto key = PrivateKey::generate(alg, alg == Algorithm::RSASHA256 ? 1024 : 0);
    REQUIRE(key);
    Dnskey k;
    k.flags = dnskey_flag_zone | dnskey_flag_sep;
    k.algorithm = alg;
    k.public_key = key->dnskey_public_key();
    const Bytes rdata = k.to_rdata();
    const auto path = dir / "key.dnskey";
    {
      std::ofstream out(path);
      out << "example.org. 3600 IN DNSKEY " << k.flags << " 3 " << static_cast<int>(alg) << " "
          << to_base64(k.public_key) << "\n";
    }
    const std::string cmd = std::string(tool) + " -2 -f " + path.string() + " example.org 2>&1";
    std::string output;
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[512];
      while (std::fgets(buf, sizeof buf, p) != nullptr) output += buf;
      pclose(p);
    }
    // "example.org. IN DS <tag> <alg> 2 <HEX>"
    const Ds ds = make_ds(test::name_of("example.org."), rdata, DigestType::SHA256);
    const std::string expected = "IN DS " + std::to_string(ds.key_tag) + " " + std::to_string(static_cast<int>(alg)) +
                                 " 2 " + to_hex(ds.digest);
    CAPTURE(output);
    CHECK(output.find(expected) != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("an RSA/MD5 (algorithm 1) key tag is the modulus' low 24 bits' top 16 (RFC 4034 B.1)") {
  // flags 256, protocol 3, algorithm 1, exponent length 1, exponent 3, then
  // a modulus ending in ... AB CD EF.
  const Bytes rdata{0x01, 0x00, 3, 1, 1, 3, 0x12, 0x34, 0xAB, 0xCD, 0xEF};
  CHECK(key_tag(rdata) == 0xABCD);
}
