#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/encoding.hpp"
#include "dns/rdata.hpp"

using namespace zs;

namespace {

// A small stand-in for the zone file lexer: white space separates tokens; a
// token that starts with '"' runs to the closing quote and is marked quoted;
// a '"' inside a token keeps the token going through spaces up to the
// closing quote (as BIND reads `alpn="h2 h3"`). Escapes stay as written.
// Columns are 1-based offsets into `text`, all on line 7.
std::vector<Token> lex(std::string_view text) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t') {
      ++i;
      continue;
    }
    Token t;
    t.line = 7;
    t.column = static_cast<std::uint32_t>(i + 1);
    if (text[i] == '"') {
      t.quoted = true;
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) t.text += text[i++];
        t.text += text[i++];
      }
      ++i;
    } else {
      bool in_quotes = false;
      while (i < text.size() && (in_quotes || (text[i] != ' ' && text[i] != '\t'))) {
        if (text[i] == '\\' && i + 1 < text.size()) t.text += text[i++];
        else if (text[i] == '"') in_quotes = !in_quotes;
        t.text += text[i++];
      }
    }
    // Parentheses only group lines; the real lexer drops them.
    if (t.quoted || (t.text != "(" && t.text != ")")) out.push_back(std::move(t));
  }
  return out;
}

const Name& origin() {
  static const Name o = Name::parse("example.com.").value();
  return o;
}

Result<Bytes> parse(RrType type, std::string_view text) { return rdata_from_tokens(type, lex(text), origin()); }

Bytes hex(std::string_view h) {
  std::string s;
  for (char c : h)
    if (c != ' ') s += c;
  return from_hex(s).value();
}

// Parses `text`, checks it prints as `printed`, and that the printed form
// parses back to the same wire data.
Bytes round_trip(RrType type, std::string_view text, std::string_view printed) {
  auto wire = parse(type, text);
  if (!wire) FAIL_CHECK(wire.error().to_string());
  REQUIRE(wire);
  CHECK(validate_rdata(type, *wire));
  std::string out = rdata_to_string(type, *wire);
  // Types that print as TYPEnnn print their RDATA generically.
  if (type_prints_as_mnemonic(type)) CHECK(out == printed);
  else CHECK(out == "\\# " + std::to_string(wire->size()) + " " + to_hex(*wire));
  auto again = parse(type, out);
  REQUIRE(again);
  CHECK(*again == *wire);
  return *wire;
}

Bytes round_trip(RrType type, std::string_view text) { return round_trip(type, text, text); }

Error parse_error(RrType type, std::string_view text) {
  auto r = parse(type, text);
  REQUIRE_FALSE(r);
  return r.error();
}

std::uint32_t error_column(const Error& e) { return e.where ? e.where->column : 0; }

}  // namespace

TEST_CASE("address records round-trip and have the expected wire form") {
  CHECK(round_trip(RrType::A, "192.0.2.1") == hex("C0000201"));
  CHECK(round_trip(RrType::AAAA, "2001:db8::1") == hex("20010DB8000000000000000000000001"));
  round_trip(RrType::AAAA, "2001:DB8:0:0:0:0:0:1", "2001:db8::1");
  round_trip(RrType::AAAA, "::ffff:192.0.2.1");
  CHECK(parse_error(RrType::A, "192.0.2").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::A, "192.0.2.256").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::A, "192.0.2.1.5").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::A, "010.0.0.1").code == Errc::bad_rdata);  // octal or decimal?
  round_trip(RrType::A, "0.0.0.0");
  CHECK(parse_error(RrType::AAAA, "2001:db8::g").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::AAAA, "192.0.2.1").code == Errc::bad_rdata);
}

TEST_CASE("the one-pass IPv4 reader keeps the strict dotted quad") {
  CHECK(round_trip(RrType::A, "255.255.255.255") == hex("FFFFFFFF"));
  CHECK(round_trip(RrType::A, "10.0.0.1") == hex("0A000001"));
  for (const char* bad : {"1.2.3.004", "00.1.2.3", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4.", "1000.1.1.1",
                          "256.1.1.1", "1.2.3.a", "1.2.3.-1", "1.2.3.+4", "1.2.3.4x"})
    CHECK_MESSAGE(parse_error(RrType::A, bad).code == Errc::bad_rdata, bad);
  // A NUL octet inside an unquoted token reaches the field parser.
  CHECK(parse_error(RrType::A, std::string("1.2.3.4\0", 8) + "5").code == Errc::bad_rdata);
}

TEST_CASE("an IPv6 address with a NUL octet inside is refused, not cut at the NUL") {
  std::vector<Token> tokens(1);
  tokens[0].text = std::string("::1\0", 4) + "junk";
  tokens[0].line = 3;
  tokens[0].column = 9;
  auto r = rdata_from_tokens(RrType::AAAA, tokens, origin());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::bad_rdata);
  CHECK(error_column(r.error()) == 9);
  tokens[0].text = "::1";
  CHECK(rdata_from_tokens(RrType::AAAA, tokens, origin()).value() == hex("00000000000000000000000000000001"));
}

TEST_CASE("text between escapes is copied whole and the 255-octet limit counts decoded octets") {
  CHECK(parse(RrType::TXT, "\"ab\\065cd\\\\ef\\\"\"").value() == hex("09 6162 41 6364 5C 6566 22"));
  CHECK(parse(RrType::TXT, "\"\\065\"").value() == hex("01 41"));
  CHECK(parse(RrType::TXT, "\"plain\" \"x\\.y\"").value() == hex("05 706C61696E 03 782E79"));
  // Runs and escapes together: 254 plain octets and one escape fit, two do not.
  std::string run(254, 'r');
  CHECK(parse(RrType::TXT, "\"" + run + "\\255\"").value().size() == 256);
  Error e = parse_error(RrType::TXT, "\"" + run + "\\255\\255\"");
  CHECK(e.code == Errc::text_too_long);
  CHECK(error_column(e) == 1);
  // The first bad escape is reported, wherever it sits among the runs.
  CHECK(parse_error(RrType::TXT, "\"" + run + "\\25\"").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::TXT, "\"" + run + "\\").code == Errc::bad_rdata);
}

TEST_CASE("names in RDATA are completed with the origin and keep their spelling") {
  CHECK(round_trip(RrType::NS, "Ns1", "Ns1.example.com.") == hex("034E7331 076578616D706C65 03636F6D 00"));
  round_trip(RrType::CNAME, "@", "example.com.");
  round_trip(RrType::DNAME, "example.net.");
  round_trip(RrType::PTR, "host\\.with\\.dots.example.");
  CHECK(round_trip(RrType::MX, "10 Mail", "10 Mail.example.com.") ==
        hex("000A 044D61696C 076578616D706C65 03636F6D 00"));
  round_trip(RrType::SOA, "ns1 hostmaster.example.com. 2024010101 3600 900 1209600 300",
             "ns1.example.com. hostmaster.example.com. 2024010101 3600 900 1209600 300");
  round_trip(RrType::SOA, "ns1. h. 1 1h 15m 2w 5m", "ns1. h. 1 3600 900 1209600 300");
  round_trip(RrType::SRV, "0 5 5060 sipserver.example.com.");
  round_trip(RrType::AFSDB, "1 afs.example.com.");
  round_trip(RrType::KX, "10 kx.example.com.");
  round_trip(RrType::RT, "10 relay.example.com.");
  round_trip(RrType::RP, "admin.example.com. info.example.com.");
  round_trip(RrType::MINFO, "owners.example.com. errors.example.com.");
  round_trip(RrType::PX, "10 net2.it. PRMD-net2.ADMD-p400.C-it.");
  round_trip(RrType::MB, "mailhost.example.com.");
  round_trip(RrType::MG, "mbox.example.com.");
  round_trip(RrType::MR, "mbox.example.com.");
  round_trip(RrType::LP, "10 l64-subnet.example.com.");
}

TEST_CASE("text records decode escapes, quote every string on output and limit strings to 255 octets") {
  CHECK(round_trip(RrType::TXT, "\"hello world\"") == hex("0B 68656C6C6F20776F726C64"));
  round_trip(RrType::TXT, "unquoted", "\"unquoted\"");
  round_trip(RrType::TXT, "\"\"");
  round_trip(RrType::TXT, "\"a\" \"\" \"b\"");
  CHECK(round_trip(RrType::TXT, "\"say \\\"hi\\\" \\\\ \\065\\255\"", "\"say \\\"hi\\\" \\\\ A\\255\"") ==
        hex("0D 736179202268692220 5C2041FF"));
  round_trip(RrType::TXT, "\"tab\\009nl\\010\"");
  round_trip(RrType::SPF, "\"v=spf1 -all\"");
  round_trip(RrType::HINFO, "\"PC-Intel-700mhz\" \"Linux 2.4\"");
  round_trip(RrType::HINFO, "INTEL LINUX", "\"INTEL\" \"LINUX\"");
  round_trip(RrType::X25, "\"311061700956\"");
  round_trip(RrType::GPOS, "\"-32.6882\" \"116.8652\" \"10.0\"");
  round_trip(RrType::AVC, "\"app-name:WebEx|app-class:OAM\"");

  std::string s255(255, 'x');
  round_trip(RrType::TXT, "\"" + s255 + "\"");
  Error e = parse_error(RrType::TXT, "\"a\" \"" + s255 + "x\"");
  CHECK(e.code == Errc::text_too_long);
  CHECK(error_column(e) == 5);
  // \DDD counts as one octet
  std::string esc;
  for (int i = 0; i < 255; ++i) esc += "\\255";
  CHECK(parse(RrType::TXT, "\"" + esc + "\"").value().size() == 256);
  CHECK(parse_error(RrType::TXT, "\"" + esc + "a\"").code == Errc::text_too_long);

  CHECK(parse_error(RrType::TXT, "").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::TXT, "\"bad \\25x\"").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::TXT, "\"bad \\256\"").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::HINFO, "\"only one\"").code == Errc::bad_rdata);
}

TEST_CASE("NAPTR, URI, CAA, CERT and SSHFP round-trip") {
  round_trip(RrType::NAPTR, "100 10 \"S\" \"SIP+D2U\" \"!^.*$!sip:customer-service@example.com!\" _sip._udp.example.com.");
  round_trip(RrType::NAPTR, "100 50 \"a\" \"z3950+N2L+N2C\" \"\" cidserver.example.com.");
  round_trip(RrType::URI, "10 1 \"ftp://ftp1.example.com/public\"");
  CHECK(round_trip(RrType::CAA, "0 issue \"letsencrypt.org\"") ==
        hex("00 05 6973737565 6C657473656E63727970742E6F7267"));
  round_trip(RrType::CAA, "128 tbs \"Unknown\"");
  round_trip(RrType::CAA, "0 iodef \"mailto:security@example.com\"");
  round_trip(RrType::CAA, "0 issue \";\"");
  round_trip(RrType::CAA, "0 issue letsencrypt.org", "0 issue \"letsencrypt.org\"");
  // NSD 4.6 refuses upper-case tags: they print in the generic form.
  Bytes upper = parse(RrType::CAA, "0 ISSUE \"x\"").value();
  CHECK(rdata_to_string(RrType::CAA, upper) == "\\# 8 0005495353554578");
  CHECK(parse_error(RrType::CAA, "0 is-sue \"x\"").code == Errc::bad_rdata);
  round_trip(RrType::CERT, "PGP 0 0 AAECAwQ=", "3 0 0 AAECAwQ=");
  round_trip(RrType::CERT, "1 12345 RSASHA256 AAECAwQ=", "1 12345 8 AAECAwQ=");
  CHECK(round_trip(RrType::SSHFP, "2 1 123456789abcdef67890123456789abcdef67890",
                   "2 1 123456789ABCDEF67890123456789ABCDEF67890") ==
        hex("0201 123456789abcdef67890123456789abcdef67890"));
  round_trip(RrType::SSHFP, "4 2 9a1b2c3d4e5f60718293a4b5c6d7e8f9 0a1b2c3d4e5f60718293a4b5c6d7e8f9",
             "4 2 9A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9");
  round_trip(RrType::SSHFP, "4 9 9A1B2C");  // unknown fingerprint types have no fixed length
  round_trip(RrType::TLSA, "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6");
  round_trip(RrType::SMIMEA, "3 0 1 ( AABB CCDD )", "3 0 1 AABBCCDD");
  CHECK(parse_error(RrType::TLSA, "3 1 1 0C7").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::TLSA, "3 1 1").code == Errc::bad_rdata);
}

TEST_CASE("DNSSEC records match the RFC 4034 examples") {
  // RFC 4034 §2.3: DNSKEY 256 3 5 ( AQPSKmynfzW4kyBv015MUG2DeIQ3 ... )
  std::string key_b64 =
      "AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3buXA10hWqTkF7H6RfoRqXQeo"
      "gmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w==";
  Bytes key = round_trip(RrType::DNSKEY, "256 3 5 " + key_b64);
  CHECK(key.size() == 4 + from_base64(key_b64).value().size());
  CHECK(key[0] == 1);
  CHECK(key[1] == 0);
  CHECK(key[2] == 3);
  CHECK(key[3] == 5);
  // base64 split over several tokens, algorithm as a mnemonic
  CHECK(parse(RrType::DNSKEY, "256 3 RSASHA1 ( " + key_b64.substr(0, 30) + " " + key_b64.substr(30) + " )").value() ==
        key);

  // RFC 4034 §3.3
  Bytes sig = round_trip(
      RrType::RRSIG,
      "A 5 3 86400 20030322173103 20030220173103 2642 example.com. "
      "oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3t"
      "GNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=");
  CHECK(std::vector<std::uint8_t>(sig.begin(), sig.begin() + 18) ==
        hex("0001 05 03 00015180 3E7C9DD7 3E5510D7 0A52"));
  // The same times as plain seconds since the epoch
  CHECK(parse(RrType::RRSIG,
              "A 5 3 86400 1048354263 1045762263 2642 example.com. "
              "oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0R"
              "znl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=")
            .value() == sig);

  // RFC 4034 §4.3
  CHECK(round_trip(RrType::NSEC, "host.example.com. A MX RRSIG NSEC TYPE1234") ==
        hex("04686F7374 076578616D706C65 03636F6D 00 "
            "0006 40010000 0003 "
            "04 1B 000000000000000000000000000000000000000000000000000020"));
  round_trip(RrType::NSEC, "host.example.com. NSEC A TYPE1234 RRSIG MX", "host.example.com. A MX RRSIG NSEC TYPE1234");

  // RFC 4034 §5.3
  CHECK(round_trip(RrType::DS, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118") ==
        hex("EC45 05 01 2BB183AF5F22588179A53B0A98631FAD1A292118"));
  round_trip(RrType::DS, "60485 5 1 ( 2BB183AF5F22588179A5 3B0A98631FAD1A292118 )",
             "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118");
  round_trip(RrType::CDS, "0 0 0 00");
  round_trip(RrType::CDNSKEY, "0 3 0 AA==");
  round_trip(RrType::DLV, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118");
}

TEST_CASE("NSEC3 and NSEC3PARAM follow RFC 5155") {
  // RFC 5155 Appendix A
  Bytes n3 = round_trip(RrType::NSEC3, "1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA NSEC3PARAM RRSIG",
                        "1 1 12 AABBCCDD 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA MX RRSIG DNSKEY NSEC3PARAM");
  CHECK(std::vector<std::uint8_t>(n3.begin(), n3.begin() + 10) == hex("01 01 000C 04 AABBCCDD 14"));
  CHECK(n3.size() == 10 + 20 + 2 + 7);
  round_trip(RrType::NSEC3, "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR",
             "1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr");
  CHECK(round_trip(RrType::NSEC3PARAM, "1 0 12 aabbccdd", "1 0 12 AABBCCDD") == hex("01 00 000C 04 AABBCCDD"));
  CHECK(round_trip(RrType::NSEC3PARAM, "1 0 0 -") == hex("01 00 0000 00"));
  CHECK(parse_error(RrType::NSEC3PARAM, "1 0 0 abc").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::NSEC3, "1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22boj! A").code == Errc::bad_rdata);
}

TEST_CASE("CSYNC, ZONEMD and OPENPGPKEY round-trip") {
  // RFC 7477 example
  CHECK(round_trip(RrType::CSYNC, "66 3 A NS AAAA") == hex("00000042 0003 00 04 60000008"));
  // ldns 1.8.3 reads a CSYNC without types only in the generic form.
  CHECK(rdata_to_string(RrType::CSYNC, parse(RrType::CSYNC, "0 0").value()) == "\\# 6 000000000000");
  // RFC 8976 Appendix A.1
  round_trip(RrType::ZONEMD,
             "2018031900 1 1 C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3A1DDC0B9A87153B9A9713B3C9AE5CC27777F98B8"
             "E730044C");
  round_trip(RrType::OPENPGPKEY, "mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjlqxx5gjtPhb2YhvyDMXjq");
  round_trip(RrType::DHCID, "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=");
}

TEST_CASE("EUI, ILNP and other small types round-trip") {
  CHECK(round_trip(RrType::EUI48, "00-00-5e-00-53-2a") == hex("00005E00532A"));
  round_trip(RrType::EUI64, "00-00-5E-EF-10-00-00-2A", "00-00-5e-ef-10-00-00-2a");
  CHECK(round_trip(RrType::NID, "10 14:4fff:ff20:ee64", "10 0014:4fff:ff20:ee64") == hex("000A 00144FFFFF20EE64"));
  round_trip(RrType::L64, "10 2001:0db8:1140:1000");
  round_trip(RrType::L32, "10 10.1.2.0");
  CHECK(parse_error(RrType::EUI48, "00-00-5e-00-53").code == Errc::bad_rdata);
}

TEST_CASE("LOC reads the RFC 1876 text form with defaults and prints every field") {
  // RFC 1876 example: cambridge-net.kei.com. LOC 42 21 54 N 71 06 18 W -24m 30m
  Bytes loc = round_trip(RrType::LOC, "42 21 54 N 71 06 18 W -24m 30m",
                         "42 21 54.000 N 71 6 18.000 W -24.00m 30.00m 10000.00m 10.00m");
  CHECK(loc == hex("00 33 16 13 89 17 2D D0 70 BE 15 F0 00 98 8D 20"));
  round_trip(RrType::LOC, "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000.00m 10.00m");
  round_trip(RrType::LOC, "60 9 0.510 N 24 39 0.000 E 10.00m 20.00m 2000.00m 20.00m");
  round_trip(RrType::LOC, "90 S 180 W 42849672.95m 90000000.00m 90000000.00m 90000000.00m",
             "90 0 0.000 S 180 0 0.000 W 42849672.95m 90000000.00m 90000000.00m 90000000.00m");
  round_trip(RrType::LOC, "0 0 0.001 N 0 0 0.001 W -100000.00m 1.00m 10000.00m 10.00m");
  CHECK(parse_error(RrType::LOC, "91 N 0 E 0m").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::LOC, "42 60 N 0 E 0m").code == Errc::bad_rdata);
  CHECK(error_column(parse_error(RrType::LOC, "42 21 54 X 71 06 18 W -24m")) == 10);
  CHECK(parse_error(RrType::LOC, "42 21 54 N 71 06 18 W").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::LOC, "42 21 54 N 71 06 18 W 1m 1m 1m 1m 1m").code == Errc::bad_rdata);
}

TEST_CASE("the RFC 3597 generic form is read for known and unknown types") {
  CHECK(parse(RrType::A, "\\# 4 C0000201").value() == hex("C0000201"));
  CHECK(parse(RrType::A, "\\# 4 C000 0201").value() == hex("C0000201"));
  CHECK(parse(static_cast<RrType>(65280), "\\# 4 0A000001").value() == hex("0A000001"));
  CHECK(parse(static_cast<RrType>(65280), "\\# 0").value().empty());
  CHECK(parse(RrType::NULL_, "\\# 3 abcdef").value() == hex("ABCDEF"));
  CHECK(rdata_to_string(static_cast<RrType>(65280), hex("0A000001")) == "\\# 4 0A000001");
  CHECK(rdata_to_string(static_cast<RrType>(65280), Bytes{}) == "\\# 0");
  CHECK(rdata_to_string(RrType::NULL_, hex("ABCDEF")) == "\\# 3 ABCDEF");
  // A known type given generically is checked against its format.
  CHECK(parse(RrType::MX, "\\# 4 000A 0000").error().code == Errc::bad_rdata);
  CHECK(parse(RrType::MX, "\\# 3 000A00").value() == hex("000A00"));
  CHECK(parse(RrType::A, "\\# 3 C00002").error().code == Errc::bad_rdata);
  // Unknown types have no other form.
  Error e = parse_error(static_cast<RrType>(65280), "10.0.0.1");
  CHECK(e.code == Errc::bad_rdata);
  CHECK(error_column(e) == 1);
  CHECK(parse_error(static_cast<RrType>(65280), "\\# 4 0A0000").code == Errc::bad_rdata);
  CHECK(parse_error(static_cast<RrType>(65280), "\\# 4").code == Errc::bad_rdata);
  CHECK(parse_error(static_cast<RrType>(65280), "\\# 0 00").code == Errc::bad_rdata);
  CHECK(parse_error(static_cast<RrType>(65280), "\\# x 00").code == Errc::bad_rdata);
  CHECK(parse_error(static_cast<RrType>(65280), "\\# 1 0g").code == Errc::bad_rdata);
  // A quoted "\#" is text, not the generic marker.
  CHECK(parse(RrType::TXT, "\"\\#\" 0").value() == hex("01 23 01 30"));
}

TEST_CASE("malformed wire data prints in the generic form") {
  CHECK(rdata_to_string(RrType::A, hex("C00002")) == "\\# 3 C00002");
  CHECK(rdata_to_string(RrType::MX, hex("000A C00C")) == "\\# 4 000AC00C");  // compression pointer
  CHECK(rdata_to_string(RrType::TXT, hex("05 6162")) == "\\# 3 056162");
  CHECK(rdata_to_string(RrType::TXT, Bytes{}) == "\\# 0");
  CHECK(rdata_to_string(RrType::NSEC, hex("00 0006 0000")) == "\\# 5 0000060000");  // no root label end
  CHECK_FALSE(validate_rdata(RrType::NSEC, hex("00 00 02 40 00")));  // trailing zero octet
  CHECK_FALSE(validate_rdata(RrType::NSEC, hex("00 01 01 40 00 01 40")));  // windows out of order
  CHECK_FALSE(validate_rdata(RrType::A, hex("C0000201 00")));
  CHECK(validate_rdata(static_cast<RrType>(65280), hex("FF")));
}

TEST_CASE("errors name the offending token's position") {
  Error e = parse_error(RrType::MX, "10 bad..name");
  CHECK(e.code == Errc::bad_name);
  REQUIRE(e.where);
  CHECK(e.where->line == 7);
  CHECK(e.where->column == 4);
  CHECK(e.where->file.empty());
  CHECK(error_column(parse_error(RrType::MX, "65536 mx")) == 1);
  CHECK(parse_error(RrType::NS, std::string(64, 'a')).code == Errc::label_too_long);
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'b') + ".";
  CHECK(parse_error(RrType::CNAME, long_name).code == Errc::name_too_long);
  e = parse_error(RrType::SRV, "0 5 5060 sip.example. extra");
  CHECK(e.code == Errc::bad_rdata);
  CHECK(error_column(e) == 23);
  e = parse_error(RrType::SOA, "ns1 host 1 2 3 4");  // missing MINIMUM: blame the last token
  CHECK(e.code == Errc::bad_rdata);
  CHECK(error_column(e) == 16);
  CHECK_FALSE(parse_error(RrType::A, "").where);
  CHECK(error_column(parse_error(RrType::RRSIG, "A 5 3 86400 20031322173103 20030220173103 2642 example.com. AA==")) == 13);
  CHECK(error_column(parse_error(RrType::NSEC, "host.example.com. A BOGUS")) == 21);
  CHECK(error_column(parse_error(RrType::DS, "60485 5 1 2BB183AF5F2258817 9AZ")) == 11);
}

TEST_CASE("the canonical form lower-cases names of the RFC 4034 list, not NSEC or SVCB targets") {
  Bytes mx = parse(RrType::MX, "10 MAIL.Example.COM.").value();
  CHECK(canonical_rdata(RrType::MX, mx) == parse(RrType::MX, "10 mail.example.com.").value());
  Bytes soa = parse(RrType::SOA, "NS1.Example. HostMaster.Example. 1 2 3 4 5").value();
  CHECK(canonical_rdata(RrType::SOA, soa) == parse(RrType::SOA, "ns1.example. hostmaster.example. 1 2 3 4 5").value());
  Bytes rrsig = parse(RrType::RRSIG, "A 8 2 300 20240101000000 20231201000000 1234 EXAMPLE.com. AAAA").value();
  CHECK(canonical_rdata(RrType::RRSIG, rrsig) ==
        parse(RrType::RRSIG, "A 8 2 300 20240101000000 20231201000000 1234 example.com. AAAA").value());
  Bytes nsec = parse(RrType::NSEC, "Host.Example.com. A").value();
  CHECK(canonical_rdata(RrType::NSEC, nsec) == nsec);
  Bytes svcb = parse(RrType::SVCB, "1 Svc.Example.net. port=8443").value();
  CHECK(canonical_rdata(RrType::SVCB, svcb) == svcb);
  Bytes txt = parse(RrType::TXT, "\"MiXeD\"").value();
  CHECK(canonical_rdata(RrType::TXT, txt) == txt);
  Bytes naptr = parse(RrType::NAPTR, "1 1 \"S\" \"SIP\" \"\" _SIP._udp.EXAMPLE.com.").value();
  CHECK(canonical_rdata(RrType::NAPTR, naptr) == parse(RrType::NAPTR, "1 1 \"S\" \"SIP\" \"\" _sip._udp.example.com.").value());
  Bytes rp = parse(RrType::RP, "A.b. C.d.").value();
  CHECK(canonical_rdata(RrType::RP, rp) == parse(RrType::RP, "a.b. c.d.").value());
}

TEST_CASE("rdata_names lists the hosts a record points at") {
  auto names = [](RrType t, std::string_view text) {
    std::vector<std::string> out;
    for (const Name& n : rdata_names(t, parse(t, text).value())) out.push_back(n.to_string());
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(names(RrType::NS, "ns1") == V{"ns1.example.com."});
  CHECK(names(RrType::MX, "10 Mail.example.net.") == V{"Mail.example.net."});
  CHECK(names(RrType::SRV, "0 5 5060 sip") == V{"sip.example.com."});
  CHECK(names(RrType::CNAME, "www.example.org.") == V{"www.example.org."});
  CHECK(names(RrType::DNAME, "example.org.") == V{"example.org."});
  CHECK(names(RrType::PTR, "host.example.") == V{"host.example."});
  CHECK(names(RrType::HTTPS, "1 svc.example.net. alpn=h2") == V{"svc.example.net."});
  CHECK(names(RrType::NAPTR, "1 1 \"S\" \"SIP\" \"\" _sip._udp") == V{"_sip._udp.example.com."});
  CHECK(names(RrType::AFSDB, "1 afs") == V{"afs.example.com."});
  CHECK(names(RrType::KX, "1 kx") == V{"kx.example.com."});
  CHECK(names(RrType::RT, "1 rt") == V{"rt.example.com."});
  CHECK(names(RrType::TXT, "\"ns1.example.com.\"").empty());
  CHECK(names(RrType::NSEC, "next.example.com. A").empty());
  CHECK(names(RrType::SOA, "ns1 host 1 2 3 4 5").empty());
  CHECK(rdata_names(RrType::MX, hex("000A")).empty());
  CHECK(names(RrType::MX, "0 .").empty());
  CHECK(names(RrType::HTTPS, "1 . alpn=h2").empty());
  CHECK(names(RrType::NAPTR, "1 1 \"U\" \"E2U+sip\" \"!^.*$!sip:x@example.com!\" .").empty());
}

TEST_CASE("type bitmaps encode windows in order and reject malformed ones") {
  std::vector<RrType> types{RrType::A, RrType::MX, RrType::RRSIG, RrType::NSEC, static_cast<RrType>(1234)};
  Bytes bitmap = encode_type_bitmap(types);
  CHECK(bitmap == hex("0006 40010000 0003 04 1B 000000000000000000000000000000000000000000000000000020"));
  CHECK(decode_type_bitmap(bitmap).value() == types);
  CHECK(encode_type_bitmap({}).empty());
  CHECK(decode_type_bitmap({}).value().empty());
  std::vector<RrType> edge{static_cast<RrType>(0), static_cast<RrType>(255), static_cast<RrType>(65535)};
  CHECK(decode_type_bitmap(encode_type_bitmap(edge)).value() == edge);
  CHECK_FALSE(decode_type_bitmap(hex("00")));
  CHECK_FALSE(decode_type_bitmap(hex("00 00")));
  CHECK_FALSE(decode_type_bitmap(hex("00 21" + std::string(66, '1'))));
  CHECK_FALSE(decode_type_bitmap(hex("00 02 40")));
}

TEST_CASE("RRSIG times are read as dates or seconds and printed as dates") {
  Bytes a = parse(RrType::RRSIG, "SOA 13 2 3600 20380119031407 19700101000000 1 example. AA==").value();
  CHECK(std::vector<std::uint8_t>(a.begin() + 8, a.begin() + 16) == hex("7FFFFFFF 00000000"));
  CHECK(rdata_to_string(RrType::RRSIG, a) == "SOA 13 2 3600 20380119031407 19700101000000 1 example. AA==");
  CHECK(parse_error(RrType::RRSIG, "SOA 13 2 1h 4294967295 0 1 example. AA==").code == Errc::bad_rdata);
  Bytes b = parse(RrType::RRSIG, "SOA 13 2 3600 4294967295 0 1 example. AA==").value();
  CHECK(rdata_to_string(RrType::RRSIG, b) == "SOA 13 2 3600 21060207062815 19700101000000 1 example. AA==");
  CHECK(parse(RrType::RRSIG, "SOA 13 2 3600 20240229000000 20240228000000 1 example. AA=="));
  CHECK(parse_error(RrType::RRSIG, "SOA 13 2 3600 20230229000000 20230228000000 1 example. AA==").code ==
        Errc::bad_rdata);
  CHECK(parse_error(RrType::RRSIG, "SOA 13 2 3600 4294967296 0 1 example. AA==").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::RRSIG, "BOGUS 13 2 3600 0 0 1 example. AA==").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::RRSIG, "SOA 13 2 3600 0 0 1 example. AA=").code == Errc::bad_rdata);
}

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  std::size_t i = s.find_first_not_of(' ');
  return i == std::string::npos ? std::string() : s.substr(i);
}

struct SvcbVector {
  bool must_fail;
  RrType type;
  std::string text;
  std::string wire_hex;
};

std::vector<SvcbVector> load_svcb_vectors() {
  std::ifstream in(std::string(ZONESIGN_SOURCE_DIR) + "/test/vectors/rfc9460-appendix-d.txt");
  REQUIRE(in);
  std::vector<SvcbVector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    SvcbVector v{};
    std::size_t p1 = line.find('|');
    std::string head = trim(line.substr(0, p1));
    if (head.rfind("FAIL ", 0) == 0) {
      v.must_fail = true;
      head = head.substr(5);
    }
    v.type = type_from_string(head).value();
    std::size_t p2 = line.find(" | ", p1 + 1);
    v.text = trim(line.substr(p1 + 1, p2 == std::string::npos ? std::string::npos : p2 - p1 - 1));
    if (p2 != std::string::npos) v.wire_hex = trim(line.substr(p2 + 3));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

TEST_CASE("SVCB and HTTPS match the RFC 9460 Appendix D vectors and print what they read") {
  auto vectors = load_svcb_vectors();
  CHECK(vectors.size() == 20);
  for (const auto& v : vectors) {
    CAPTURE(v.text);
    auto wire = parse(v.type, v.text);
    if (v.must_fail) {
      REQUIRE_FALSE(wire);
      CHECK(wire.error().code == Errc::bad_rdata);
      REQUIRE(wire.error().where);
      CHECK(wire.error().where->column > 1);
      continue;
    }
    REQUIRE(wire);
    CHECK(*wire == hex(v.wire_hex));
    CHECK(validate_rdata(v.type, *wire));
    std::string printed = rdata_to_string(v.type, *wire);
    CAPTURE(printed);
    CHECK(printed.find("\\#") == std::string::npos);
    CHECK(parse(v.type, printed).value() == *wire);
  }
}

TEST_CASE("SvcParams print in key order in the form BIND, Knot and ldns read") {
  CHECK(round_trip(RrType::SVCB, "16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1",
                   "16 foo.example.org. mandatory=alpn,ipv4hint alpn=\"h2,h3-19\" ipv4hint=192.0.2.1")
            .size() == 48);
  round_trip(RrType::SVCB, "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"");
  round_trip(RrType::HTTPS, "1 . alpn=\"h3,h2\" no-default-alpn port=8443 ipv4hint=192.0.2.1,192.0.2.2 "
                            "ech=AEn+DQBFKwAgACABWIHUGj4u+PIggYXcR5JF0gYk3dCRioBW8uJq9H4mKAAIAAEAAQABAANAEnB1YmxpYy50ZXN0LmV4YW1wbGUuY29tAAA= "
                            "ipv6hint=2001:db8::1,2001:db8::2");
  round_trip(RrType::HTTPS, "0 pool.svc.example.");
  round_trip(RrType::SVCB, "1 . key7=\"/dns-query{?dns}\"");
  round_trip(RrType::SVCB, "1 . dohpath=/dns-query{?dns}", "1 . key7=\"/dns-query{?dns}\"");
  round_trip(RrType::SVCB, "1 . key65000 key65001=\"a b\"");
  round_trip(RrType::SVCB, "1 . key3=443", "1 . port=443");
  round_trip(RrType::SVCB, "1 . mandatory=key65000 key65000=\"x\"");
}

TEST_CASE("SvcParam values are read whether the lexer splits off a quoted value or not") {
  Bytes expected = parse(RrType::HTTPS, "1 . alpn=h2,h3 port=443").value();
  std::vector<Token> split{{"1", false, 1, 1}, {".", false, 1, 3}, {"alpn=", false, 1, 5},
                           {"h2,h3", true, 1, 10}, {"port=", false, 1, 18}, {"443", true, 1, 23}};
  CHECK(rdata_from_tokens(RrType::HTTPS, split, origin()).value() == expected);
  std::vector<Token> joined{{"1", false, 1, 1}, {".", false, 1, 3}, {"alpn=\"h2,h3\"", false, 1, 5},
                            {"port=\"443\"", false, 1, 18}};
  CHECK(rdata_from_tokens(RrType::HTTPS, joined, origin()).value() == expected);
}

TEST_CASE("bad SvcParams are rejected at their token") {
  auto column_of = [](std::string_view text) { return error_column(parse_error(RrType::SVCB, text)); };
  CHECK(column_of("1 . port=443 bogus=1") == 14);
  CHECK(column_of("1 . port=65536") == 5);
  CHECK(column_of("1 . ipv4hint=192.0.2.1,x") == 5);
  CHECK(column_of("1 . ipv6hint=192.0.2.1") == 5);
  CHECK(column_of("1 . alpn=h2,,h3") == 5);
  CHECK(column_of("1 . ech=!!!!") == 5);
  CHECK(column_of("1 . key65535=x") == 5);
  CHECK(column_of("1 . port=1 port=2") == 12);
  CHECK(parse_error(RrType::SVCB, "1").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::SVCB, "x .").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::SVCB, "1 . alpn=" + std::string(256, 'a')).code == Errc::text_too_long);
}

TEST_CASE("malformed SvcParams on the wire fall back to the generic form") {
  // keys out of order
  Bytes unordered = hex("0001 00 0003 0002 01BB 0001 0003 02 6832");
  CHECK_FALSE(validate_rdata(RrType::SVCB, unordered));
  CHECK(rdata_to_string(RrType::SVCB, unordered).rfind("\\# 16 ", 0) == 0);
  CHECK_FALSE(validate_rdata(RrType::SVCB, hex("0001 00 0003 0001 01")));          // port of 1 octet
  CHECK_FALSE(validate_rdata(RrType::SVCB, hex("0001 00 0000 0002 0003")));        // mandatory key absent
  CHECK_FALSE(validate_rdata(RrType::SVCB, hex("0001 00 0001 0003 03 6832")));     // alpn id past the end
  CHECK_FALSE(validate_rdata(RrType::SVCB, hex("0001 00 0004 0003 C00002")));      // partial IPv4 hint
  CHECK_FALSE(validate_rdata(RrType::SVCB, hex("0001 00 0002 0001 00")));          // no-default-alpn with value
  CHECK_FALSE(validate_rdata(RrType::SVCB, hex("0001 00 0003 0002 01")));          // truncated value
  CHECK(validate_rdata(RrType::SVCB, hex("0001 00 0003 0002 01BB")));
  // and the generic form of a valid record is accepted and printed natively
  Bytes via_generic = parse(RrType::HTTPS, "\\# 9 0001 00 0003 0002 01BB").value();
  CHECK(rdata_to_string(RrType::HTTPS, via_generic) == "1 . port=443");
}

TEST_CASE("WKS, ISDN, NSAP, A6, APL, IPSECKEY and HIP read their native forms") {
  CHECK(round_trip(RrType::WKS, "192.0.2.1 tcp 25 80", "192.0.2.1 6 25 80") ==
        hex("C0000201 06 00000040000000000000 80"));
  CHECK(round_trip(RrType::ISDN, "\"150862028003217\" \"004\"").size() == 20);
  round_trip(RrType::ISDN, "\"150862028003217\"");
  CHECK(round_trip(RrType::NSAP, "0x47.0005.80.005a00.0000.0001.e133.ffffff000161.00",
                   "0x47000580005a0000000001e133ffffff00016100") ==
        hex("47000580005A0000000001E133FFFFFF00016100"));
  round_trip(RrType::NSAP_PTR, "foo.example.com.");
  // RFC 2874 examples
  CHECK(round_trip(RrType::A6, "0 2345:00C1:CA11:0001:1234:5678:9ABC:DEF0", "0 2345:c1:ca11:1:1234:5678:9abc:def0") ==
        hex("00 234500C1CA110001123456789ABCDEF0"));
  CHECK(round_trip(RrType::A6, "64 ::1234:5678:9ABC:DEF0 SUBNET-1.IP6.X.COM.",
                   "64 ::1234:5678:9abc:def0 SUBNET-1.IP6.X.COM.") ==
        hex("40 123456789ABCDEF0 085355424E45542D31 03495036 0158 03434F4D 00"));
  round_trip(RrType::A6, "128 FOO.example.");
  CHECK(parse_error(RrType::A6, "64 1::1 x.example.").code == Errc::bad_rdata);  // bits inside the prefix
  // RFC 3123 example
  CHECK(round_trip(RrType::APL, "1:192.168.32.0/21 !1:192.168.38.0/28") == hex("0001 15 03 C0A820 0001 1C 83 C0A826"));
  round_trip(RrType::APL, "1:224.0.0.0/4 2:FF00:0:0:0:0:0:0:0/8", "1:224.0.0.0/4 2:ff00::/8");
  CHECK(parse(RrType::APL, "").value().empty());
  CHECK(rdata_to_string(RrType::APL, Bytes{}) == "\\# 0");
  CHECK(parse_error(RrType::APL, "3:1.2.3.4/8").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::APL, "1:1.2.3.4/33").code == Errc::bad_rdata);
  // RFC 4025 examples
  round_trip(RrType::IPSECKEY, "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==");
  round_trip(RrType::IPSECKEY, "10 0 2 . AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==");
  round_trip(RrType::IPSECKEY, "10 2 2 2001:0DB8:0:8002::2000:1 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
             "10 2 2 2001:db8:0:8002::2000:1 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==");
  round_trip(RrType::IPSECKEY, "10 3 2 mygateway.example.com. AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==");
  Bytes keyless = parse(RrType::IPSECKEY, "10 1 0 192.0.2.38").value();
  CHECK(keyless == hex("0A 01 00 C0000226"));
  CHECK(rdata_to_string(RrType::IPSECKEY, keyless) == "\\# 7 0A0100C0000226");
  CHECK(parse_error(RrType::IPSECKEY, "10 1 2 example.com. AQID").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::IPSECKEY, "10 4 2 . AQID").code == Errc::bad_rdata);
  // RFC 8005 example (HIP prints as TYPE55 with generic RDATA)
  Bytes hip = round_trip(
      RrType::HIP,
      "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UO"
      "oJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D "
      "rvs1.example.com. rvs2.example.com.");
  CHECK(std::vector<std::uint8_t>(hip.begin(), hip.begin() + 4) == hex("10 02 0084"));
  CHECK(parse(RrType::HIP, "\\# " + std::to_string(hip.size()) + " " + to_hex(hip)).value() == hip);
}

TEST_CASE("NXT keeps its RFC 2535 bitmap and its name is lower-cased in the canonical form") {
  // A = bit 1, MX = bit 15, SIG = bit 24, NXT = bit 30
  Bytes nxt = round_trip(RrType::NXT, "medium.foo.tld. A MX SIG NXT");
  CHECK(nxt == hex("066D656469756D 03666F6F 03746C64 00 40 01 00 82"));
  CHECK(parse_error(RrType::NXT, "a. AAAA TYPE128").code == Errc::bad_rdata);
  CHECK_FALSE(validate_rdata(RrType::NXT, hex("00 80")));  // bit 0: another bitmap format
  CHECK(canonical_rdata(RrType::NXT, parse(RrType::NXT, "Medium.FOO. A").value()) ==
        parse(RrType::NXT, "medium.foo. A").value());
}

TEST_CASE("A6 prefix names are lower-cased in the canonical form") {
  Bytes a6 = parse(RrType::A6, "64 ::1 SUBNET.Example.").value();
  CHECK(canonical_rdata(RrType::A6, a6) == parse(RrType::A6, "64 ::1 subnet.example.").value());
  Bytes bare = parse(RrType::A6, "0 2001:db8::1").value();
  CHECK(canonical_rdata(RrType::A6, bare) == bare);
}

TEST_CASE("digest and hash lengths are checked where the type fixes them, as BIND does") {
  Error e = parse_error(RrType::DS, "60485 5 1 2BB183AF5F22588179A5");
  CHECK(e.code == Errc::bad_rdata);
  CHECK(error_column(e) == 11);
  CHECK(parse_error(RrType::DS, "60485 5 2 2BB183AF5F22588179A53B0A98631FAD1A292118").code == Errc::bad_rdata);
  CHECK(parse_error(RrType::CDS, "60485 13 4 2BB183AF5F22588179A53B0A98631FAD1A292118").code == Errc::bad_rdata);
  CHECK(parse(RrType::DS, "60485 5 99 2BB1"));
  CHECK_FALSE(validate_rdata(RrType::DS, hex("EC45 05 02 2BB183AF5F22588179A53B0A98631FAD1A292118")));
  CHECK(parse_error(RrType::SSHFP, "2 1 1234").code == Errc::bad_rdata);
  CHECK(error_column(parse_error(RrType::ZONEMD, "1 1 1 1234")) == 7);
  CHECK(parse_error(RrType::ZONEMD, "1 1 240 1234").code == Errc::bad_rdata);  // under 12 octets
  CHECK(parse(RrType::ZONEMD, "1 1 240 00112233445566778899AABB"));
  e = parse_error(RrType::NSEC3, "1 0 0 - 2t7b4g4v A");
  CHECK(e.code == Errc::bad_rdata);
  CHECK(error_column(e) == 9);
  CHECK(parse(RrType::NSEC3, "2 0 0 - 2t7b4g4v A"));
  CHECK(parse_error(RrType::NSEC3, "\\# 11 01 00 0000 00 05 0102030405").code == Errc::bad_rdata);
}

TEST_CASE("no-default-alpn needs an alpn beside it") {
  Error e = parse_error(RrType::HTTPS, "1 . no-default-alpn port=1");
  CHECK(e.code == Errc::bad_rdata);
  CHECK(error_column(e) == 5);
  CHECK(parse(RrType::HTTPS, "1 . no-default-alpn alpn=h3"));
  CHECK_FALSE(validate_rdata(RrType::HTTPS, hex("0001 00 0002 0000")));
}

TEST_CASE("the NSEC3 hash length rule applies to algorithm 1 only") {
  CHECK(parse(RrType::NSEC3, "\\# 11 02 00 0000 00 05 0102030405"));
  CHECK(parse(RrType::NSEC3, "\\# 26 01 00 0000 00 14 0102030405060708090A0B0C0D0E0F1011121314"));
}

namespace {

// Realistic RDATA of every type with a native form, to mutate below.
const std::pair<RrType, std::string_view> samples[] = {
    {RrType::A, "192.0.2.1"},
    {RrType::NS, "ns1.example."},
    {RrType::SOA, "ns1 hostmaster 1 2 3 4 5"},
    {RrType::WKS, "192.0.2.1 6 25 80"},
    {RrType::HINFO, "\"a\" \"b\""},
    {RrType::MINFO, "a. b."},
    {RrType::MX, "10 mx"},
    {RrType::TXT, "\"a\" \"bc\""},
    {RrType::RP, "a. b."},
    {RrType::ISDN, "\"1\" \"2\""},
    {RrType::NSAP, "0x4700"},
    {RrType::SIG, "A 5 3 86400 20030322173103 20030220173103 2642 example.com. AQID"},
    {RrType::PX, "10 a. b."},
    {RrType::AAAA, "2001:db8::1"},
    {RrType::NXT, "a.example. A MX SIG NXT"},
    {RrType::LOC, "42 21 54 N 71 06 18 W -24m 30m"},
    {RrType::SRV, "0 5 5060 sip"},
    {RrType::NAPTR, "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp"},
    {RrType::CERT, "1 2 3 AQID"},
    {RrType::A6, "64 ::1 x.example."},
    {RrType::APL, "1:192.168.32.0/21 !2:ff00::/8"},
    {RrType::DS, "1 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"},
    {RrType::SSHFP, "1 1 0123456789ABCDEF0123456789ABCDEF01234567"},
    {RrType::IPSECKEY, "10 3 2 gw.example. AQID"},
    {RrType::RRSIG, "A 13 2 300 20240101000000 20231201000000 1234 example. AQIDBA=="},
    {RrType::NSEC, "a.example. A NS SOA RRSIG NSEC DNSKEY TYPE1234"},
    {RrType::DNSKEY, "257 3 13 AQIDBA=="},
    {RrType::NSEC3, "1 1 5 AB 0123456789abcdefghijklmnopqrstuv A RRSIG"},
    {RrType::NSEC3PARAM, "1 0 5 ABCD"},
    {RrType::TLSA, "3 1 1 ABCDEF"},
    {RrType::HIP, "2 0102 AQID a.example."},
    {RrType::CSYNC, "1 3 A NS AAAA"},
    {RrType::ZONEMD, "1 1 240 00112233445566778899AABB"},
    {RrType::SVCB, "16 foo.example. alpn=h2,h3 mandatory=alpn port=853 ipv4hint=192.0.2.1 ipv6hint=::1 key999=x"},
    {RrType::HTTPS, "1 . alpn=h2 no-default-alpn ech=AQID"},
    {RrType::EUI48, "00-00-5e-00-53-2a"},
    {RrType::NID, "10 0014:4fff:ff20:ee64"},
    {RrType::URI, "10 1 \"ftp://x/\""},
    {RrType::CAA, "0 issue \"ca.example\""},
};

}  // namespace

TEST_CASE("any wire data either prints and parses back to itself or prints generically") {
  // Deterministic mutations (bit flips, truncation, extension) of valid RDATA
  // exercise every length and consistency check on the wire side.
  std::uint32_t state = 12345;
  auto next = [&]() {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  std::size_t native = 0, generic = 0;
  for (const auto& [type, text] : samples) {
    CAPTURE(type_mnemonic(type));
    Bytes base = parse(type, text).value();
    for (int round = 0; round < 1000; ++round) {
      Bytes w = base;
      switch (next() % 4) {
        case 0:
          if (!w.empty()) w[next() % w.size()] ^= static_cast<std::uint8_t>(1u << (next() % 8));
          break;
        case 1:
          w.resize(next() % (w.size() + 1));
          break;
        case 2:
          for (std::uint32_t k = next() % 4; k > 0; --k) w.push_back(static_cast<std::uint8_t>(next()));
          break;
        default:
          if (!w.empty()) w[next() % w.size()] = static_cast<std::uint8_t>(next());
      }
      std::string printed = rdata_to_string(type, w);
      CAPTURE(printed);
      CHECK(canonical_rdata(type, w).size() == w.size());
      (void)rdata_names(type, w);
      if (!validate_rdata(type, w)) {
        // Nothing is lost: the generic form carries the octets as they are.
        CHECK(printed == "\\# " + std::to_string(w.size()) + (w.empty() ? "" : " " + to_hex(w)));
        ++generic;
        continue;
      }
      ++native;
      auto back = parse(type, printed);
      REQUIRE(back);
      CHECK(*back == w);
    }
  }
  CHECK(native > 1000);
  CHECK(generic > 1000);
}

TEST_CASE("whatever text parses prints in a form that parses to the same wire data") {
  // Deterministic character-level mutations of valid presentation text.
  const std::string_view alphabet = "0123456789abcdefABCDEF .-:\\\"=,!/x";
  std::uint32_t state = 777;
  auto next = [&]() {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  std::size_t parsed = 0;
  for (const auto& [type, text] : samples) {
    CAPTURE(type_mnemonic(type));
    for (int round = 0; round < 400; ++round) {
      std::string t(text);
      for (std::uint32_t k = 1 + next() % 3; k > 0; --k) {
        std::size_t at = next() % (t.size() + 1);
        char c = alphabet[next() % alphabet.size()];
        switch (next() % 3) {
          case 0: t.insert(at, 1, c); break;
          case 1: if (at < t.size()) t.erase(at, 1); break;
          default: if (at < t.size()) t[at] = c;
        }
      }
      CAPTURE(t);
      auto wire = parse(type, t);
      if (!wire) {
        CHECK(wire.error().code != Errc::internal);
        continue;
      }
      ++parsed;
      CHECK(validate_rdata(type, *wire));
      std::string printed = rdata_to_string(type, *wire);
      CAPTURE(printed);
      auto back = parse(type, printed);
      REQUIRE(back);
      CHECK(*back == *wire);
    }
  }
  CHECK(parsed > 2000);
}

TEST_CASE("BIND's presentation and ldns's wire form of each type agree with ours") {
  std::ifstream in(std::string(ZONESIGN_SOURCE_DIR) + "/test/vectors/bind-ldns-presentation.txt");
  REQUIRE(in);
  std::string line;
  std::size_t checked_bind = 0, checked_ldns = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    CAPTURE(line);
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (std::size_t bar; (bar = line.find(" | ", start)) != std::string::npos; start = bar + 3)
      cols.push_back(line.substr(start, bar - start));
    cols.push_back(line.substr(start));
    REQUIRE(cols.size() == 4);
    RrType type = type_from_string(cols[0]).value();
    Bytes ours = parse(type, cols[1]).value();
    if (cols[2] != "-") {
      auto bind = parse(type, cols[2]);
      REQUIRE(bind);
      CHECK(*bind == ours);
      ++checked_bind;
    }
    if (cols[3] != "-") {
      CHECK(to_hex(ours) == cols[3]);
      ++checked_ldns;
    }
  }
  CHECK(checked_bind > 85);
  CHECK(checked_ldns > 85);
}

TEST_CASE("the RFC examples of each type parse to the wire form ldns gives and print back") {
  std::ifstream in(std::string(ZONESIGN_SOURCE_DIR) + "/test/vectors/rfc-rdata-examples.txt");
  REQUIRE(in);
  std::string line;
  std::size_t count = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    CAPTURE(line);
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (std::size_t bar; (bar = line.find(" | ", start)) != std::string::npos; start = bar + 3)
      cols.push_back(line.substr(start, bar - start));
    cols.push_back(line.substr(start));
    REQUIRE(cols.size() == 4);
    RrType type = type_from_string(cols[1]).value();
    auto wire = parse(type, cols[2]);
    REQUIRE(wire);
    if (cols[3] != "-") CHECK(to_hex(*wire) == cols[3]);
    CHECK(parse(type, rdata_to_string(type, *wire)).value() == *wire);
    ++count;
  }
  CHECK(count == 36);
}
