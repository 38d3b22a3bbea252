#include "keys/key_import.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "core/atomic_file.hpp"
#include "crypto/bind_private.hpp"
#include "crypto/keys.hpp"
#include "dnssec/dnskey.hpp"

namespace zs {

namespace {

namespace fs = std::filesystem;

// A key read from its files, checked, not yet compared with the folder.
struct Candidate {
  KeyInfo info;  // role, flags, algorithm, public key, tag
  PrivateKey key;
  BindTiming timing;
  std::vector<std::string> sources;
  std::string format;
};

std::string key_label(const KeyInfo& k) {
  return std::string(role_name(k.role)) + " " + std::to_string(k.tag) + " (" + algorithm_name(k.algorithm) + ")";
}

// Reads a file that holds a private key, wiping the text when it goes.
struct SecretText {
  std::string text;
  SecretText() = default;
  SecretText(const SecretText&) = delete;
  SecretText& operator=(const SecretText&) = delete;
  ~SecretText() { wipe_secret(text); }
};

Result<void> read_secret(const std::string& path, SecretText& out, std::vector<std::string>& notes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    notes.push_back("'" + path + "' is readable by others (mode " + mode +
                    "): the copy in the key folder is 0600, but consider the key exposed if others could read it");
  }
  // A private key file is small; a large one is not a key.
  auto text = read_file(path, 1u << 20);
  if (!text) return std::unexpected(text.error());
  out.text = std::move(*text);
  return {};
}

Result<Candidate> read_bind_pair(const std::string& stem_path, const BindKeyName& name, const ImportRequest& request,
                                 std::vector<std::string>& notes) {
  const std::string key_path = stem_path + ".key";
  const std::string private_path = stem_path + ".private";
  const std::string state_path = stem_path + ".state";
  auto zone = Name::parse(name.zone);
  if (!zone || !(*zone == request.origin))
    return fail(Errc::key_store, "'" + key_path + "' is a key of zone " + name.zone + ", not of " +
                                     request.origin.to_string() + " (--origin)");
  std::error_code ec;
  for (const std::string& path : {key_path, private_path})
    if (!fs::exists(path, ec))
      return fail(Errc::key_store, "'" + path + "' is missing: a BIND key is the pair of its .key and .private files");
  auto key_text = read_file(key_path, 1u << 20);
  if (!key_text) return std::unexpected(key_text.error());
  auto pub = parse_bind_public_file(*key_text, key_path, request.origin);
  if (!pub) return std::unexpected(pub.error());
  if (!(pub->owner == request.origin))
    return fail(Errc::key_store, "'" + key_path + "' holds a DNSKEY of " + pub->owner.to_string() + ", not of " +
                                     request.origin.to_string() + " (--origin)");
  const Dnskey& dnskey = pub->dnskey;
  if (dnskey.algorithm != name.algorithm)
    return fail(Errc::key_store, "'" + key_path + "' holds a key of algorithm " + algorithm_name(dnskey.algorithm) +
                                     " but its name says " + algorithm_name(name.algorithm) + " (a renamed file?)");
  const std::uint16_t tag = key_tag(dnskey.to_rdata());
  if (tag != name.tag)
    return fail(Errc::key_store, "'" + key_path + "' holds the DNSKEY of key tag " + std::to_string(tag) +
                                     " but its name says " + std::to_string(name.tag) + " (a renamed file?)");
  if (dnskey.protocol != 3 || (dnskey.flags != dnskey_flag_zone && dnskey.flags != (dnskey_flag_zone | dnskey_flag_sep)))
    return fail(Errc::key_store, "'" + key_path + "' has DNSKEY flags " + std::to_string(dnskey.flags) +
                                     " (protocol " + std::to_string(dnskey.protocol) +
                                     "): zonesign imports zone keys with flags 256 (ZSK) or 257 (KSK), protocol 3; a "
                                     "revoked key (flag 128) is never used again");

  SecretText secret;
  if (auto r = read_secret(private_path, secret, notes); !r) return std::unexpected(r.error());
  auto key = PrivateKey::from_bind_private(secret.text);
  if (!key) return fail(Errc::key_store, "'" + private_path + "': " + key.error().message);
  auto private_timing = parse_bind_private_timing(secret.text, private_path);
  if (!private_timing) return std::unexpected(private_timing.error());
  if (key->algorithm() != dnskey.algorithm)
    return fail(Errc::key_store, "'" + private_path + "' holds a key of algorithm " + algorithm_name(key->algorithm()) +
                                     ", '" + key_path + "' one of " + algorithm_name(dnskey.algorithm));
  if (key->dnskey_public_key() != dnskey.public_key)
    return fail(Errc::key_store, "the public key in '" + key_path + "' is not the one of the private key in '" +
                                     private_path + "': the files belong to different keys");

  Candidate c{KeyInfo{}, std::move(*key), pub->timing, {key_path, private_path}, "bind"};
  c.timing.override_with(*private_timing);
  if (fs::exists(state_path, ec)) {
    auto state_text = read_file(state_path, 1u << 20);
    if (!state_text) return std::unexpected(state_text.error());
    auto state = parse_bind_state(*state_text, state_path);
    if (!state) return std::unexpected(state.error());
    // dnssec-policy keeps the key's times in .state; it wins over the rest.
    c.timing.override_with(*state);
    c.sources.push_back(state_path);
  }
  c.info.flags = dnskey.flags;
  c.info.role = (dnskey.flags & dnskey_flag_sep) ? (c.timing.zsk.value_or(false) ? Role::csk : Role::ksk) : Role::zsk;
  return c;
}

Result<Candidate> read_pem(const std::string& path, const ImportRequest& request, std::vector<std::string>& notes) {
  if (!request.pem_algorithm || !request.pem_role)
    return fail(Errc::usage, "'" + path + "' is a PEM private key, which names neither its algorithm nor its role: "
                             "give --algorithm and --role (Knot's `keymgr ZONE list` shows both)");
  SecretText secret;
  if (auto r = read_secret(path, secret, notes); !r) return std::unexpected(r.error());
  auto key = PrivateKey::from_pem(secret.text, *request.pem_algorithm);
  if (!key) return fail(Errc::key_store, "'" + path + "': " + key.error().message);
  Candidate c{KeyInfo{}, std::move(*key), BindTiming{}, {path}, "pem"};
  c.info.role = *request.pem_role;
  c.info.flags = static_cast<std::uint16_t>(dnskey_flag_zone | (c.info.role == Role::zsk ? 0 : dnskey_flag_sep));
  return c;
}

// A key object in a PKCS#11 token, named by its URI: its role (and, for
// RSA, its algorithm) come from the request, as for a PEM file.
Result<Candidate> read_token_key(const std::string& uri, const ImportRequest& request) {
  if (!request.pem_role)
    return fail(Errc::usage, "a PKCS#11 key names no role: give --role (ksk, zsk or csk)");
  const Algorithm rsa = request.pem_algorithm.value_or(Algorithm::RSASHA256);
  auto token = detail::TokenKey::open(uri, rsa);
  if (!token) return fail(Errc::key_store, "--pkcs11-uri: " + token.error().message);
  if (request.pem_algorithm && (*token)->algorithm() != *request.pem_algorithm)
    return fail(Errc::key_store, "--pkcs11-uri: the token key is a " + algorithm_name((*token)->algorithm()) +
                                     " key, not --algorithm " + algorithm_name(*request.pem_algorithm));
  Candidate c{KeyInfo{}, PrivateKey::from_token(std::move(*token)), BindTiming{}, {uri}, "pkcs11"};
  c.info.role = *request.pem_role;
  c.info.flags = static_cast<std::uint16_t>(dnskey_flag_zone | (c.info.role == Role::zsk ? 0 : dnskey_flag_sep));
  return c;
}

// Every file named, grouped by key: a BIND pair may be named by either file
// (or its .state), or both.
Result<std::vector<Candidate>> read_candidates(const ImportRequest& request, std::vector<std::string>& notes) {
  if (request.files.empty() && request.pkcs11_uris.empty())
    return fail(Errc::usage, "no key file (or --pkcs11-uri) to import");
  std::vector<Candidate> out;
  std::set<std::string> seen;
  auto where = [](const fs::path& p) {
    std::error_code ec;
    const fs::path abs = fs::absolute(p, ec);
    return (ec ? p : abs).lexically_normal().string();
  };
  const std::size_t named = request.files.size() + request.pkcs11_uris.size();
  for (std::size_t i = 0; i < named; ++i) {
    const bool in_token = i >= request.files.size();
    const std::string& file = in_token ? request.pkcs11_uris[i - request.files.size()] : request.files[i];
    const fs::path path(in_token ? std::string() : file);
    const std::string base = path.filename().string();
    Result<Candidate> c = fail(Errc::internal, "unreachable");
    if (in_token) {
      c = read_token_key(file, request);
    } else if (base.ends_with(".pem")) {
      if (!seen.insert(where(path)).second) continue;
      c = read_pem(file, request, notes);
    } else {
      auto name = parse_bind_key_name(base);
      if (!name || base == name->stem)
        return fail(Errc::key_store, "'" + file + "' is neither a BIND key file (K<zone>+<alg>+<tag>.key, .private "
                                     "or .state) nor a PEM private key (.pem)");
      const std::string stem_path = (path.parent_path() / name->stem).string();
      if (!seen.insert(where(stem_path)).second) continue;
      c = read_bind_pair(stem_path, *name, request, notes);
    }
    if (!c) return std::unexpected(c.error());
    c->info.algorithm = c->key.algorithm();
    c->info.public_key = c->key.dnskey_public_key();
    c->info.bits = c->key.bits();
    c->info.tag = key_tag(c->info.dnskey().to_rdata());
    if (c->key.token()) c->info.pkcs11_uri = c->key.token()->uri();
    else c->info.file = bind_key_stem(request.origin, c->info.algorithm, c->info.tag) + ".pem";
    // The same key given twice (a PEM and a pair, two copies) counts once.
    auto same = std::find_if(out.begin(), out.end(), [&](const Candidate& o) {
      return o.info.algorithm == c->info.algorithm && o.info.public_key == c->info.public_key;
    });
    if (same != out.end()) {
      if (same->info.flags != c->info.flags)
        return fail(Errc::key_store, "key " + std::to_string(c->info.tag) + " is given twice with different flags ('" +
                                         same->sources.front() + "', '" + c->sources.front() + "')");
      same->sources.insert(same->sources.end(), c->sources.begin(), c->sources.end());
      continue;
    }
    for (const Candidate& o : out)
      if (o.info.tag == c->info.tag)
        return fail(Errc::key_store, "'" + o.sources.front() + "' and '" + c->sources.front() +
                                         "' are different keys with the same key tag " + std::to_string(c->info.tag) +
                                         ": zonesign names a key by its tag, so a zone holds one of them only");
    out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace

Result<std::map<std::string, UnixTime>> imported_timestamps(Role role, const BindTiming& timing, UnixTime now,
                                                            std::vector<std::string>& notes) {
  std::map<std::string, UnixTime> ts;
  auto refuse = [](const std::string& why) { return fail(Errc::key_store, why); };
  if (timing.revoke && *timing.revoke <= now)
    return refuse("BIND revoked it at " + format_time(*timing.revoke) + " (RFC 5011): a revoked key is never used again");
  if (timing.remove && *timing.remove <= now)
    return refuse("BIND deleted it from the zone at " + format_time(*timing.remove) +
                  ": import only the keys the zone still uses");
  if (timing.inactive && *timing.inactive <= now)
    return refuse("BIND retired it at " + format_time(*timing.inactive) +
                  " (it no longer signs): import only the keys the zone still uses");
  if (timing.publish && *timing.publish > now)
    return refuse("BIND publishes it only at " + format_time(*timing.publish) +
                  ": import it once the zone shows its DNSKEY, or let zonesign's policy make the successor");
  if (timing.empty()) {
    // No history: as `key adopt` records a key (key_state() reads it as
    // published and active since `now`, its DS asked for, not confirmed).
    ts["created"] = now;
    return ts;
  }
  // Times still to come are BIND's plan, not history; zonesign's policy (or,
  // without one, the operator) decides what happens next.
  auto past = [&](const std::optional<UnixTime>& t, const char* what) -> std::optional<UnixTime> {
    if (!t) return std::nullopt;
    if (*t <= now) return t;
    notes.push_back(std::string(what) + " " + format_time(*t) + " lies ahead: not recorded (zonesign's policy decides)");
    return std::nullopt;
  };
  const UnixTime published = timing.publish.value_or(now);
  const auto created = past(timing.created, "Created");
  const auto activate = past(timing.activate, "Activate");
  (void)past(timing.inactive, "Inactive");
  (void)past(timing.remove, "Delete");
  (void)past(timing.revoke, "Revoke");
  const auto sync_publish = past(timing.sync_publish, "SyncPublish");
  const auto ds_publish = past(timing.ds_publish, "DSPublish");
  // A key without Activate signs from now, as an adopted key does; one whose
  // Activate lies ahead is published only.
  std::optional<UnixTime> active;
  if (activate) active = std::max(*activate, published);
  else if (!timing.activate) active = now;

  ts["created"] = created ? std::min(*created, published) : published;
  ts["published"] = published;
  ts["dnskey-rumoured"] = published;
  if (active) {
    ts["active"] = *active;
    if (role != Role::zsk) ts["krrsig-rumoured"] = *active;
    if (role != Role::ksk) ts["zrrsig-rumoured"] = *active;
  }
  if (role != Role::zsk && (active || sync_publish || ds_publish)) {
    // The DS counts as asked for since CDS named it, else since the key was
    // published (as for an adopted key); only DSPublish (the parent serves
    // it, as BIND's `rndc dnssec -checkds published` records) confirms it.
    UnixTime asked = sync_publish.value_or(published);
    if (ds_publish) {
      asked = std::min(asked, *ds_publish);
      ts["ds-seen"] = *ds_publish;
    }
    ts["ds-rumoured"] = asked;
    ts["ds-submitted"] = asked;
  }
  return ts;
}

Result<ImportReport> import_keys(const ImportRequest& request) {
  ImportReport report;
  auto candidates = read_candidates(request, report.notes);
  if (!candidates) return std::unexpected(candidates.error());

  // The folder: as `sign` opens it (a folder with private keys but no
  // state.yaml is refused), created by a real import if missing.
  std::optional<KeyStore> store;
  std::error_code ec;
  const bool folder_exists =
      fs::is_directory(fs::path(request.key_dir) / KeyStore::folder_name(request.origin), ec);
  // A folder zonesign refuses (private keys without state.yaml, unsafe
  // modes, a broken state file) is refused before the lock file is made, so
  // that the refusal leaves it exactly as it was.
  if (folder_exists && !request.dry_run) {
    auto checked = KeyStore::open_read_only(request.key_dir, request.origin);
    if (!checked) return std::unexpected(checked.error());
  }
  if (!request.dry_run || folder_exists) {
    auto opened = request.dry_run ? KeyStore::open_read_only(request.key_dir, request.origin)
                                  : KeyStore::open(request.key_dir, request.origin, true);
    if (!opened) return std::unexpected(opened.error());
    store.emplace(std::move(*opened));
  }
  const std::vector<KeyInfo> existing = store ? store->keys() : std::vector<KeyInfo>{};

  std::vector<Candidate*> fresh;
  for (Candidate& c : *candidates) {
    auto same = std::find_if(existing.begin(), existing.end(), [&](const KeyInfo& k) {
      return k.algorithm == c.info.algorithm && k.public_key == c.info.public_key;
    });
    if (same != existing.end()) {
      if (same->flags != c.info.flags)
        return fail(Errc::key_store, "key " + std::to_string(c.info.tag) + " from '" + c.sources.front() +
                                         "' is in the key folder already as " + key_label(*same) + " with flags " +
                                         std::to_string(same->flags) + ", not " + std::to_string(c.info.flags));
      report.skipped.push_back(SkippedKey{c.info.tag, c.sources, "already in the key folder as " + key_label(*same)});
      continue;
    }
    for (const KeyInfo& k : existing)
      if (k.tag == c.info.tag)
        return fail(Errc::key_store, "key " + std::to_string(c.info.tag) + " from '" + c.sources.front() +
                                         "' has the tag of another key of the zone (" + key_label(k) +
                                         "): zonesign names a key by its tag, so it cannot hold both");
    fresh.push_back(&c);
  }
  // A zone needs a zone-signing key: SEP keys alone, into a folder without
  // keys, sign everything as CSKs (the rule of `key adopt`).
  const bool existing_live = std::any_of(existing.begin(), existing.end(),
                                         [](const KeyInfo& k) { return !k.timestamps.contains("removed"); });
  const bool fresh_zsk = std::any_of(fresh.begin(), fresh.end(), [](const Candidate* c) { return c->info.role != Role::ksk; });
  if (!existing_live && !fresh_zsk)
    for (Candidate* c : fresh) c->info.role = Role::csk;
  for (Candidate* c : fresh) {
    std::vector<std::string> notes;
    auto ts = imported_timestamps(c->info.role, c->timing, request.now, notes);
    if (!ts) return fail(Errc::key_store, "key " + std::to_string(c->info.tag) + " ('" + c->sources.front() +
                                              "'): " + ts.error().message);
    c->info.timestamps = std::move(*ts);
    for (auto& n : notes) report.notes.push_back("key " + std::to_string(c->info.tag) + ": " + n);
  }
  if (fresh.empty()) return report;

  for (Candidate* c : fresh) {
    if (store && !request.dry_run) {
      auto added = store->add_imported(c->info, c->key);
      if (!added) return std::unexpected(added.error());
      c->info = **added;
    }
    report.imported.push_back(ImportedKey{c->info, c->sources, c->format});
  }
  if (request.dry_run) return report;
  if (auto clock = store->check_clock(request.now, false); !clock) return std::unexpected(clock.error());
  if (auto c = store->commit(); !c) return std::unexpected(c.error());
  return report;
}

namespace {

// Creates `path` with `content`; never replaces a file (O_EXCL), never
// follows a link. On failure nothing is left at `path`.
Result<void> write_new_file(const std::string& path, std::string_view content, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST)
      return fail(Errc::io, "'" + path + "' exists: `key export` never replaces a file; move it away first");
    return fail(Errc::io, "cannot create '" + path + "': " + std::strerror(errno));
  }
  std::size_t done = 0;
  int err = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fchmod(fd, mode) != 0) err = errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(path.c_str());
    return fail(Errc::io, "cannot write '" + path + "': " + std::strerror(err));
  }
  return {};
}

}  // namespace

Result<ExportReport> export_bind_key(const ExportRequest& request) {
  auto store = KeyStore::open_read_only(request.key_dir, request.origin);
  if (!store) return std::unexpected(store.error());
  const auto& keys = store->keys();
  auto it = std::find_if(keys.begin(), keys.end(), [&](const KeyInfo& k) { return k.tag == request.tag; });
  if (it == keys.end())
    return fail(Errc::key_store, "no key with tag " + std::to_string(request.tag) + " in '" + store->folder() + "'");
  const KeyInfo& info = *it;

  std::error_code ec;
  if (!fs::is_directory(request.to_dir, ec))
    return fail(Errc::io, "'" + request.to_dir + "' is not a folder (--to); create it first");
  // Another signer's files in the key folder would be read as keys without
  // a state (refuse_keys_without_state), and they hold the secret twice.
  const fs::path to = fs::canonical(request.to_dir, ec);
  const fs::path keys_root = fs::canonical(request.key_dir, ec);
  if (!to.empty() && !keys_root.empty()) {
    auto rel = to.lexically_relative(keys_root);
    if (!rel.empty() && *rel.begin() != "..")
      return fail(Errc::key_store, "'" + request.to_dir + "' lies in the key folder '" + request.key_dir +
                                       "': `key export` writes elsewhere (--to)");
  }

  if (info.in_token())
    return fail(Errc::key_store, "key " + std::to_string(info.tag) + " lives in a PKCS#11 token ('" + info.pkcs11_uri +
                                     "') and never leaves it: there is no private key to export");
  auto key = store->load_private(info);
  if (!key) return std::unexpected(key.error());
  const std::string stem = (fs::path(request.to_dir) / bind_key_stem(request.origin, info.algorithm, info.tag)).string();
  ExportReport report{info, stem + ".key", stem + ".private"};
  for (const std::string& path : {report.key_file, report.private_file})
    if (fs::exists(fs::symlink_status(path, ec)))
      return fail(Errc::io, "'" + path + "' exists: `key export` never replaces a file; move it away first");

  auto private_text = to_bind_private_text(*key);
  if (!private_text) return std::unexpected(private_text.error());
  private_text->append(render_bind_private_timing(info));
  auto wrote = write_new_file(report.private_file, *private_text, 0600);
  wipe_secret(*private_text);
  if (!wrote) return std::unexpected(wrote.error());
  if (auto w = write_new_file(report.key_file, render_bind_public_file(request.origin, info), 0644); !w) {
    ::unlink(report.private_file.c_str());
    return std::unexpected(w.error());
  }
  return report;
}

}  // namespace zs
