#include "signer/key_adopt.hpp"

#include <algorithm>
#include <charconv>

#include "crypto/keys.hpp"
#include "crypto/pkcs11.hpp"
#include "dnssec/dnskey.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

namespace {

struct FileName {
  Algorithm algorithm = Algorithm::ECDSAP256SHA256;
  std::uint16_t tag = 0;
};

// K<zone>+AAA+TTTTT<suffix>, as KeyStore names its key files (.pem) and its
// token keys' notes (.pkcs11).
std::optional<FileName> parse_file_name(const std::string& name, std::string_view suffix) {
  if (!name.starts_with("K") || !name.ends_with(suffix)) return std::nullopt;
  const std::string stem = name.substr(0, name.size() - suffix.size());
  const auto tag_sep = stem.rfind('+');
  if (tag_sep == std::string::npos || tag_sep == 0) return std::nullopt;
  const auto alg_sep = stem.rfind('+', tag_sep - 1);
  if (alg_sep == std::string::npos) return std::nullopt;
  unsigned alg = 0, tag = 0;
  const char* a = stem.data() + alg_sep + 1;
  const char* t = stem.data() + tag_sep + 1;
  if (std::from_chars(a, stem.data() + tag_sep, alg).ec != std::errc{} || alg > 255) return std::nullopt;
  if (std::from_chars(t, stem.data() + stem.size(), tag).ec != std::errc{} || tag > 65535) return std::nullopt;
  return FileName{static_cast<Algorithm>(alg), static_cast<std::uint16_t>(tag)};
}

// The DNSKEY RRset at the apex of a signed zone file.
Result<std::vector<Dnskey>> published_dnskeys(const std::string& path, const Name& origin) {
  auto parsed = parse_zone_file(path, ParseOptions{origin, 16});
  if (!parsed) return std::unexpected(parsed.error());
  std::vector<Dnskey> keys;
  for (const auto& record : parsed->records) {
    if (record.type != RrType::DNSKEY || !(record.owner == origin)) continue;
    auto key = Dnskey::from_rdata(record.rdata);
    if (!key) return std::unexpected(key.error());
    keys.push_back(*key);
  }
  if (keys.empty()) return fail(Errc::key_store, "'" + path + "' has no DNSKEY RRset at " + origin.to_string());
  return keys;
}

}  // namespace

Result<AdoptReport> adopt_keys(const AdoptRequest& request) {
  auto store = KeyStore::open_for_adoption(request.key_dir, request.origin);
  if (!store) return std::unexpected(store.error());
  std::optional<std::vector<Dnskey>> published;
  if (request.signed_zone) {
    auto keys = published_dnskeys(*request.signed_zone, request.origin);
    if (!keys) return std::unexpected(keys.error());
    published = std::move(*keys);
  }

  AdoptReport report;
  std::vector<KeyInfo> found;
  // Gives a key found as `source` its flags (from the published DNSKEY RRset,
  // else from the tag its name carries) and lists it, or says why not.
  auto place = [&](KeyInfo info, const std::string& source, std::uint16_t named_tag) {
    std::optional<std::uint16_t> flags;
    for (std::uint16_t f : {static_cast<std::uint16_t>(dnskey_flag_zone | dnskey_flag_sep), dnskey_flag_zone}) {
      info.flags = f;
      if (key_tag(info.dnskey().to_rdata()) == named_tag) flags = f;
    }
    if (published) {
      // The published DNSKEY decides (it also carries the flags).
      auto it = std::find_if(published->begin(), published->end(), [&](const Dnskey& d) {
        return d.algorithm == info.algorithm && d.public_key == info.public_key;
      });
      if (it == published->end()) {
        report.skipped.push_back(source + ": not in the DNSKEY RRset of '" + *request.signed_zone + "'");
        return;
      }
      flags = it->flags;
    }
    if (!flags) {
      report.skipped.push_back(source + ": its key tag matches neither a KSK nor a ZSK (renamed file?)");
      return;
    }
    info.flags = *flags;
    info.tag = key_tag(info.dnskey().to_rdata());
    info.role = (info.flags & dnskey_flag_sep) ? Role::ksk : Role::zsk;
    info.timestamps["created"] = request.now;
    found.push_back(std::move(info));
  };

  for (const std::string& file : store->private_key_files()) {
    auto name = parse_file_name(file, ".pem");
    if (!name) {
      report.skipped.push_back(file + ": not named K<zone>+<algorithm>+<tag>.pem");
      continue;
    }
    auto pem = store->read_private_file(file);
    if (!pem) return std::unexpected(pem.error());  // unsafe or unreadable: the operator must look
    auto key = PrivateKey::from_pem(*pem, name->algorithm);
    if (!key) {
      report.skipped.push_back(file + ": not a private key of algorithm " + algorithm_name(name->algorithm));
      continue;
    }
    KeyInfo info;
    info.algorithm = name->algorithm;
    info.public_key = key->dnskey_public_key();
    info.bits = key->bits();
    info.file = file;
    place(std::move(info), file, name->tag);
  }

  // A token key left only its note: the key itself is opened through the URI
  // the note holds. A note that cannot be followed stops the adoption rather
  // than being skipped: the rebuilt state would leave that key out, and the
  // next sign would drop it from the zone (a KSK behind the parent's DS).
  for (const std::string& note : store->token_note_files()) {
    auto name = parse_file_name(note, ".pkcs11");
    if (!name) {
      report.skipped.push_back(note + ": not named K<zone>+<algorithm>+<tag>.pkcs11");
      continue;
    }
    auto text = store->read_private_file(note);
    if (!text) return std::unexpected(text.error());
    const std::string uri = text->substr(0, text->find_first_of("\r\n"));
    const std::string where = "'" + store->folder() + "/" + note + "'";
    if (!uri.starts_with("pkcs11:"))
      return fail(Errc::key_store, where + " does not hold a PKCS#11 URI: restore the note (the URI of the token key "
                                           "it stands for) or move it out of the folder, then adopt again");
    auto token = detail::TokenKey::open(uri, name->algorithm);
    if (!token)
      return fail(Errc::key_store, where + " names a key in a PKCS#11 token that cannot be opened (" +
                                       token.error().message +
                                       "); adopting without it would drop that key from the zone: make the "
                                       "module, token and PIN file its URI names available and adopt again");
    if ((*token)->algorithm() != name->algorithm)
      return fail(Errc::key_store, where + " names a " + algorithm_name((*token)->algorithm()) +
                                       " key in the token, not the " + algorithm_name(name->algorithm) +
                                       " key its name says: restore the right note and adopt again");
    auto key = PrivateKey::from_token(std::move(*token));
    KeyInfo info;
    info.algorithm = name->algorithm;
    info.public_key = key.dnskey_public_key();
    info.bits = key.bits();
    info.pkcs11_uri = uri;
    place(std::move(info), note, name->tag);
  }
  if (published)
    for (const Dnskey& d : *published)
      if (std::none_of(found.begin(), found.end(), [&](const KeyInfo& k) { return k.public_key == d.public_key; }))
        report.warnings.push_back("DNSKEY " + std::to_string(key_tag(d.to_rdata())) + " (" +
                                  algorithm_name(d.algorithm) + ", flags " + std::to_string(d.flags) + ") in '" +
                                  *request.signed_zone +
                                  "' has no private key here: the next sign leaves it out of the zone; if the "
                                  "parent's DS points at it, restore its key file before signing");
  if (found.empty())
    return fail(Errc::key_store, "no key file in '" + store->folder() + "' could be adopted" +
                                     (report.skipped.empty() ? std::string() : ": " + report.skipped.front()));
  if (found.size() > KeyStore::max_live_keys)
    return fail(Errc::key_store, std::to_string(found.size()) + " key files in '" + store->folder() +
                                     "': zonesign manages at most " + std::to_string(KeyStore::max_live_keys) +
                                     " keys per zone; move the ones the zone no longer uses elsewhere and adopt again");
  // A zone needs a zone-signing key: SEP keys without a ZSK beside them sign
  // everything, as a CSK.
  const bool has_zsk = std::any_of(found.begin(), found.end(), [](const KeyInfo& k) { return k.role == Role::zsk; });
  for (auto& k : found)
    if (!has_zsk) k.role = Role::csk;
  for (const auto& k : found) store->adopt(k);
  report.adopted = found;
  if (request.dry_run) return report;
  if (auto clock = store->check_clock(request.now, false); !clock) return std::unexpected(clock.error());
  if (auto c = store->commit(); !c) return std::unexpected(c.error());
  return report;
}

}  // namespace zs
