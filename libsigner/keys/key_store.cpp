#include "keys/key_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include <yaml-cpp/yaml.h>

#include "core/encoding.hpp"

namespace zs {

namespace {

constexpr int state_version = 1;
// Bounded retries for the tag-collision rule; a collision is a 1-in-65536
// event per existing key, so hitting the bound means something is broken.
constexpr int max_generate_attempts = 64;

std::unexpected<Error> state_error(const std::string& path, const YAML::Mark& mark, const std::string& message) {
  Location loc{path, mark.line >= 0 ? static_cast<std::uint32_t>(mark.line + 1) : 0u,
               mark.column >= 0 ? static_cast<std::uint32_t>(mark.column + 1) : 0u};
  return fail(Errc::key_store, message, std::move(loc));
}

std::string key_file_name(const Name& zone, Algorithm alg, std::uint16_t tag) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+%03u+%05u.pem", static_cast<unsigned>(alg), static_cast<unsigned>(tag));
  std::string base = zone.lowercased().to_string();
  return "K" + base + buf;
}

// The zone's folder under the key directory.
Result<std::string> zone_folder(const std::string& key_dir, const Name& zone) {
  std::string name = KeyStore::folder_name(zone);
  // A label with '/' would escape the key directory.
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
    return fail(Errc::key_store, "zone name '" + zone.to_string() + "' cannot be used as a key folder name");
  return (std::filesystem::path(key_dir) / name).string();
}

// Beside state.yaml, each token key leaves a note K<zone>+<alg>+<tag>.pkcs11
// holding its URI (no secret): a folder whose state file is lost then still
// shows that it has keys, and is refused instead of treated as empty.
constexpr std::string_view token_note_suffix = ".pkcs11";

// A new key's entry before its file or token note is named: DNSKEY flags by role, tag.
KeyInfo new_key_info(Role role, Algorithm algorithm, Bytes public_key, unsigned bits) {
  KeyInfo info;
  info.role = role;
  info.algorithm = algorithm;
  info.flags = static_cast<std::uint16_t>(dnskey_flag_zone | (role == Role::zsk ? 0 : dnskey_flag_sep));
  info.public_key = std::move(public_key);
  info.bits = bits;
  info.tag = key_tag(info.dnskey().to_rdata());
  return info;
}

std::string token_note_name(const Name& zone, Algorithm alg, std::uint16_t tag) {
  std::string name = key_file_name(zone, alg, tag);
  name.resize(name.size() - 4);  // no ".pem"
  return name + std::string(token_note_suffix);
}

std::string mode_text(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

std::optional<Role> role_from_string(std::string_view text) {
  for (Role role : {Role::ksk, Role::zsk, Role::csk})
    if (role_name(role) == text) return role;
  return std::nullopt;
}

std::optional<TokenSpec> token_for_new_keys(const Policy& policy) {
  if (policy.key_store.kind != KeyStoreKind::pkcs11) return std::nullopt;
  const Pkcs11Policy& p = policy.key_store.pkcs11;
  return TokenSpec{p.module, p.token, p.pin_file};
}

std::string KeyStore::folder_name(const Name& zone) {
  if (zone.is_root()) return "_root";
  std::string text = zone.lowercased().to_string();
  text.pop_back();
  return text;
}

Result<KeyStore> KeyStore::open(const std::string& key_dir, const Name& zone, bool create) {
  auto where = zone_folder(key_dir, zone);
  if (!where) return std::unexpected(where.error());
  const std::string& folder = *where;
  std::error_code ec;
  std::vector<std::string> created;
  if (!std::filesystem::is_directory(folder, ec)) {
    if (!create) return fail(Errc::key_store, "no keys for " + zone.to_string() + " in '" + key_dir + "'");
    // Remember what this run creates, so that a failed first run can leave
    // no trace of itself.
    for (auto p = std::filesystem::path(folder); !p.empty() && !std::filesystem::exists(p, ec);
         p = p.parent_path()) {
      created.push_back(p.string());
      if (p == p.parent_path()) break;
    }
    std::filesystem::create_directories(folder, ec);
    if (ec) return fail(Errc::io, "cannot create key folder '" + folder + "': " + ec.message());
    for (const auto& dir : created) ::chmod(dir.c_str(), 0700);
  }
  auto lock = FileLock::acquire(folder + "/.lock");
  if (!lock) {
    for (const auto& dir : created) ::rmdir(dir.c_str());
    return std::unexpected(lock.error());
  }
  KeyStore store(zone, folder, std::move(*lock));
  store.created_dirs_ = std::move(created);  // the destructor removes them unless committed
  if (auto r = store.check_folder_safety(key_dir); !r) return std::unexpected(r.error());
  store.recover_killed_run();
  if (auto r = store.read_state(); !r) return std::unexpected(r.error());
  if (auto r = store.refuse_keys_without_state(key_dir); !r) return std::unexpected(r.error());
  return store;
}

Result<KeyStore> KeyStore::open_read_only(const std::string& key_dir, const Name& zone) {
  auto where = zone_folder(key_dir, zone);
  if (!where) return std::unexpected(where.error());
  const std::string& folder = *where;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec))
    return fail(Errc::key_store, "no keys for " + zone.to_string() + " in '" + key_dir + "'");
  KeyStore store(zone, folder, std::nullopt);
  store.read_only_ = true;
  if (auto r = store.check_folder_safety(key_dir); !r) return std::unexpected(r.error());
  if (auto r = store.read_state(); !r) return std::unexpected(r.error());
  if (auto r = store.refuse_keys_without_state(key_dir); !r) return std::unexpected(r.error());
  return store;
}

Result<KeyStore> KeyStore::open_for_adoption(const std::string& key_dir, const Name& zone) {
  auto where = zone_folder(key_dir, zone);
  if (!where) return std::unexpected(where.error());
  const std::string& folder = *where;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec))
    return fail(Errc::key_store, "no key folder for " + zone.to_string() + " in '" + key_dir + "'");
  if (std::filesystem::exists(std::filesystem::symlink_status(folder + "/state.yaml", ec)))
    return fail(Errc::key_store, "'" + folder + "/state.yaml' exists: `key adopt` only rebuilds a lost state "
                                 "file, it never replaces one");
  auto lock = FileLock::acquire(folder + "/.lock");
  if (!lock) return std::unexpected(lock.error());
  KeyStore store(zone, folder, std::move(*lock));
  if (auto r = store.check_folder_safety(key_dir); !r) return std::unexpected(r.error());
  store.recover_killed_run();
  return store;
}

namespace {

std::vector<std::string> files_ending_in(const std::string& folder, std::string_view suffix) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(suffix) && !name.starts_with(".")) files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<std::string> KeyStore::private_key_files() const { return files_ending_in(folder_, ".pem"); }

std::vector<std::string> KeyStore::token_note_files() const { return files_ending_in(folder_, token_note_suffix); }

Result<std::string> KeyStore::read_private_file(const std::string& file) const {
  const std::string path = folder_ + "/" + file;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return fail(Errc::io, "cannot read '" + path + "': " + std::strerror(errno));
  if (S_ISLNK(st.st_mode))
    return fail(Errc::key_store, "private key file '" + path + "' is a symbolic link: zonesign uses only "
                                 "regular files in the key folder; replace the link with the file (mode 0600)");
  if (!S_ISREG(st.st_mode)) return fail(Errc::key_store, "'" + path + "' is not a regular file");
  if ((st.st_mode & 077) != 0) {
    return fail(Errc::key_store, "private key file '" + path + "' is accessible by others (mode " +
                                     mode_text(st.st_mode) +
                                     "): it must be readable by its owner only; run `chmod 600 '" + path +
                                     "'` and consider the key exposed if others could read it");
  }
  return read_file(path);
}

KeyStore::KeyStore(KeyStore&& other) noexcept
    : zone_(std::move(other.zone_)),
      folder_(std::move(other.folder_)),
      lock_(std::move(other.lock_)),
      keys_(std::move(other.keys_)),
      last_signed_(std::move(other.last_signed_)),
      last_run_(other.last_run_),
      run_time_(other.run_time_),
      original_state_(std::move(other.original_state_)),
      original_keys_(std::move(other.original_keys_)),
      original_last_signed_(std::move(other.original_last_signed_)),
      original_last_run_(other.original_last_run_),
      state_mode_(other.state_mode_),
      new_keys_(std::move(other.new_keys_)),
      new_token_keys_(std::move(other.new_token_keys_)),
      new_key_token_(std::move(other.new_key_token_)),
      created_dirs_(std::move(other.created_dirs_)),
      read_only_(other.read_only_),
      staged_(other.staged_),
      committed_(other.committed_),
      published_(other.published_),
      live_(other.live_) {
  other.live_ = false;
  other.lock_.reset();
}

KeyStore::~KeyStore() {
  if (!live_ || read_only_ || published_ || committed_) return;
  undo_staged();
}

void KeyStore::undo_staged() noexcept {
  try {
    // Keys this run made in a token exist there from generate() on; no
    // published zone shows them yet.
    for (auto& k : new_token_keys_)
      if (k.made_here) (void)k.key->destroy();
    if (staged_) {
      // Back to the bytes the folder held: the old state, without the keys
      // this run made. The journal goes last, so a kill in between is still
      // cleaned up by the next run.
      if (original_state_) (void)write_file_atomic(state_path(), *original_state_, state_mode_);
      else ::unlink(state_path().c_str());
      for (const auto& k : new_keys_) ::unlink((folder_ + "/" + k.file).c_str());
      ::unlink(journal_path().c_str());
    }
    if (!created_dirs_.empty()) {
      ::unlink((folder_ + "/.lock").c_str());
      lock_.reset();
      for (const auto& dir : created_dirs_) ::rmdir(dir.c_str());  // only if empty
    }
  } catch (...) {
    // Undoing is best effort; the next run's recovery covers what is left.
  }
}

Result<void> KeyStore::check_folder_safety(const std::string& key_dir) const {
  // Group- or world-writable folders let others swap keys or the state under
  // us (OpenSSH refuses such key files for the same reason).
  for (const std::string& dir : {key_dir, folder_}) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) continue;
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
      return fail(Errc::key_store, "key folder '" + dir + "' is writable by " +
                                       ((st.st_mode & S_IWOTH) ? "others" : "its group") + " (mode " +
                                       mode_text(st.st_mode) +
                                       "): others could replace keys or the key state; run `chmod go-w '" + dir +
                                       "'` and try again");
    }
  }
  struct stat st {};
  if (::lstat(state_path().c_str(), &st) == 0 && S_ISLNK(st.st_mode))
    return fail(Errc::key_store, "'" + state_path() + "' is a symbolic link: zonesign replaces the state file "
                                 "atomically and would break the link; put the real file there");
  return {};
}

namespace {

// A private key file of ours or another signer's (BIND, ldns: K*.private),
// or the note naming a key of ours that lives in a PKCS#11 token.
bool looks_like_private_key(const std::string& name) {
  return (name.ends_with(".pem") || name.ends_with(token_note_suffix) ||
          (name.starts_with("K") && name.ends_with(".private"))) &&
         !name.starts_with(".");
}

}  // namespace

Result<void> KeyStore::refuse_keys_without_state(const std::string& key_dir) const {
  if (original_state_) return {};
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder_, ec)) {
    const std::string name = entry.path().filename().string();
    if (looks_like_private_key(name)) found.push_back(name);
  }
  if (found.empty()) return {};
  std::sort(found.begin(), found.end());
  std::string list;
  for (std::size_t i = 0; i < found.size() && i < 4; ++i) list += (i ? ", " : "") + found[i];
  if (found.size() > 4) list += ", ...";
  std::error_code abs_ec;
  std::string dir = std::filesystem::absolute(key_dir, abs_ec).lexically_normal().string();
  if (abs_ec) dir = key_dir;
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return fail(Errc::key_store,
              "'" + folder_ + "' holds private keys (" + list +
                  ") but no state.yaml: zonesign will not make new keys beside them, as the parent's DS may "
                  "point at one of them. Restore state.yaml from a backup, or rebuild it from the key files "
                  "with: zonesign key adopt --origin " + zone_.to_string() + " --keys '" + dir + "'");
}

void KeyStore::recover_killed_run() {
  // A killed run's temporary files (no writer holds their lock any more).
  remove_stale_temp_files_in(folder_);
  // Key files a killed run wrote before its state named them: never in a
  // published zone (the state naming a key precedes any zone showing it).
  auto journal = read_file(journal_path());
  if (!journal) return;
  std::set<std::string> listed;
  if (auto text = read_file(state_path())) {
    try {
      YAML::Node root = YAML::Load(*text);
      for (const auto& node : root["keys"]) {
        listed.insert(node["file"].as<std::string>(""));
        // A token key's note, named by its algorithm and tag.
        auto alg = algorithm_from_string(node["algorithm"].as<std::string>(""));
        if (node["pkcs11-uri"] && alg) listed.insert(token_note_name(zone_, *alg, node["tag"].as<std::uint16_t>(0)));
      }
    } catch (const YAML::Exception&) {
      return;  // read_state() reports the broken file; remove nothing
    }
  }
  std::size_t pos = 0;
  while (pos < journal->size()) {
    std::size_t end = journal->find('\n', pos);
    if (end == std::string::npos) end = journal->size();
    std::string file = journal->substr(pos, end - pos);
    pos = end + 1;
    if (file.empty() || file.find('/') != std::string::npos || file.starts_with(".")) continue;
    if (!listed.contains(file)) ::unlink((folder_ + "/" + file).c_str());
  }
  ::unlink(journal_path().c_str());
}

Result<void> KeyStore::read_state() {
  const std::string path = state_path();
  if (!std::filesystem::exists(path)) return {};
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
  original_state_ = *text;
  // Rewrites keep the mode the operator gave the file (it holds no secret,
  // but some keep it private).
  if (struct stat st {}; ::stat(path.c_str(), &st) == 0) state_mode_ = st.st_mode & 0777;
  YAML::Node root;
  try {
    root = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    return state_error(path, e.mark, "malformed state file: " + e.msg);
  }
  if (!root.IsMap()) return state_error(path, root.Mark(), "state file is not a mapping");
  try {
    if (!root["version"] || root["version"].as<int>() != state_version)
      return state_error(path, root.Mark(), "unsupported state file version (expected version: 1)");
    if (root["zone"]) {
      auto zone = Name::parse(root["zone"].as<std::string>());
      if (!zone || !(*zone == zone_))
        return state_error(path, root["zone"].Mark(), "state file belongs to another zone");
    }
    const YAML::Node keys = root["keys"];
    if (keys && !keys.IsSequence()) return state_error(path, keys.Mark(), "keys: expected a list");
    for (const auto& node : keys) {
      KeyInfo info;
      auto role = role_from_string(node["role"].as<std::string>(""));
      if (!role) return state_error(path, node.Mark(), "key without a valid role");
      info.role = *role;
      auto alg = algorithm_from_string(node["algorithm"].as<std::string>(""));
      if (!alg) return state_error(path, node.Mark(), "key with an unknown algorithm");
      info.algorithm = *alg;
      info.tag = node["tag"].as<std::uint16_t>();
      info.flags = node["flags"].as<std::uint16_t>();
      info.bits = node["bits"].as<unsigned>(0);
      info.file = node["file"].as<std::string>("");
      info.pkcs11_uri = node["pkcs11-uri"].as<std::string>("");
      if (!info.pkcs11_uri.empty()) {
        if (!info.file.empty() || !info.pkcs11_uri.starts_with("pkcs11:"))
          return state_error(path, node.Mark(),
                             "key with both a file and a pkcs11-uri, or a pkcs11-uri that is not one");
      } else if (info.file.empty() || info.file.find('/') != std::string::npos) {
        return state_error(path, node.Mark(), "key without a valid file name");
      }
      auto pub = from_base64(node["public-key"].as<std::string>(""));
      if (!pub || pub->empty()) return state_error(path, node.Mark(), "key without a valid public-key");
      info.public_key = std::move(*pub);
      if (key_tag(info.dnskey().to_rdata()) != info.tag)
        return state_error(path, node.Mark(), "key tag does not match its public key");
      if (const YAML::Node times = node["timestamps"]) {
        if (!times.IsMap()) return state_error(path, times.Mark(), "timestamps: expected a mapping");
        for (const auto& item : times) {
          auto t = parse_time(item.second.as<std::string>());
          if (!t) return state_error(path, item.second.Mark(), "bad timestamp: " + t.error().message);
          info.timestamps[item.first.as<std::string>()] = *t;
        }
      }
      keys_.push_back(std::move(info));
      // The validation model tracks live keys in a 64-bit mask; a state file
      // with more is not one zonesign wrote (a zone has a handful at a time).
      if (live_key_count() > max_live_keys)
        return state_error(path, node.Mark(), "more than " + std::to_string(max_live_keys) +
                                                  " keys that are not removed: zonesign manages at most that many");
    }
    if (const YAML::Node last = root["signed"]) {
      if (!last.IsMap()) return state_error(path, last.Mark(), "signed: expected a mapping");
      SignedRecord record;
      for (const char* field : {"time", "expires"}) {
        auto t = parse_time(last[field].as<std::string>(""));
        if (!t) return state_error(path, last.Mark(), std::string("signed.") + field + ": " + t.error().message);
        (std::string_view(field) == "time" ? record.time : record.expires) = *t;
      }
      record.output = last["output"].as<std::string>("");
      record.serial = last["serial"].as<std::uint32_t>(0);
      record.sha256 = last["sha256"].as<std::string>("");
      last_signed_ = std::move(record);
    }
    if (const YAML::Node last_run = root["last-run"]) {
      auto t = parse_time(last_run.as<std::string>(""));
      if (!t) return state_error(path, last_run.Mark(), "last-run: " + t.error().message);
      last_run_ = *t;
    }
    original_keys_ = keys_;
    original_last_signed_ = last_signed_;
    original_last_run_ = last_run_;
  } catch (const YAML::Exception& e) {
    return state_error(path, e.mark, "malformed state file: " + e.msg);
  }
  return {};
}

namespace {

std::string render_state(const Name& zone, const std::vector<KeyInfo>& keys,
                         const std::optional<SignedRecord>& last_signed, std::optional<UnixTime> last_run) {
  YAML::Emitter out;
  out << YAML::Comment("zonesign key state: no secrets here; private keys are the .pem files beside it");
  out << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << state_version;
  out << YAML::Key << "zone" << YAML::Value << zone.lowercased().to_string();
  out << YAML::Key << "keys" << YAML::Value << YAML::BeginSeq;
  for (const auto& k : keys) {
    out << YAML::BeginMap;
    out << YAML::Key << "role" << YAML::Value << std::string(role_name(k.role));
    out << YAML::Key << "algorithm" << YAML::Value << algorithm_name(k.algorithm);
    out << YAML::Key << "tag" << YAML::Value << k.tag;
    out << YAML::Key << "flags" << YAML::Value << k.flags;
    out << YAML::Key << "bits" << YAML::Value << k.bits;
    if (k.in_token()) out << YAML::Key << "pkcs11-uri" << YAML::Value << k.pkcs11_uri;
    else out << YAML::Key << "file" << YAML::Value << k.file;
    out << YAML::Key << "public-key" << YAML::Value << to_base64(k.public_key);
    out << YAML::Key << "timestamps" << YAML::Value << YAML::BeginMap;
    for (const auto& [event, when] : k.timestamps) out << YAML::Key << event << YAML::Value << format_time(when);
    out << YAML::EndMap;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  if (last_signed) {
    out << YAML::Key << "signed" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "time" << YAML::Value << format_time(last_signed->time);
    out << YAML::Key << "output" << YAML::Value << last_signed->output;
    out << YAML::Key << "serial" << YAML::Value << last_signed->serial;
    out << YAML::Key << "expires" << YAML::Value << format_time(last_signed->expires);
    if (!last_signed->sha256.empty()) out << YAML::Key << "sha256" << YAML::Value << last_signed->sha256;
    out << YAML::EndMap;
  }
  if (last_run) out << YAML::Key << "last-run" << YAML::Value << format_time(*last_run);
  out << YAML::EndMap;
  std::string text = out.c_str();
  text += '\n';
  return text;
}

}  // namespace

std::string KeyStore::render_state(bool staged_only) const {
  if (!staged_only) {
    std::optional<UnixTime> last_run = last_run_;
    if (run_time_) last_run = last_run ? std::max(*last_run, *run_time_) : *run_time_;
    return zs::render_state(zone_, keys_, last_signed_, last_run);
  }
  // Step 1 of the commit: the state as it was, plus each new key as made and
  // waiting to be published (the zone does not show it yet), whatever this
  // run plans for it.
  std::vector<KeyInfo> keys = original_keys_;
  for (const auto& k : keys_) {
    if (!is_new(k)) continue;
    KeyInfo fresh = k;
    std::erase_if(fresh.timestamps, [](const auto& event) { return event.first != "created" && event.first != "planned"; });
    keys.push_back(std::move(fresh));
  }
  return zs::render_state(zone_, keys, original_last_signed_, original_last_run_);
}

const KeyStore::NewKeyFile* KeyStore::pending_key(const std::string& file) const {
  for (const auto& k : new_keys_)
    if (k.file == file) return &k;
  return nullptr;
}

const std::shared_ptr<detail::TokenKey>* KeyStore::pending_token_key(const std::string& uri) const {
  for (const auto& k : new_token_keys_)
    if (k.key->uri() == uri) return &k.key;
  return nullptr;
}

bool KeyStore::is_new(const KeyInfo& info) const {
  return info.in_token() ? pending_token_key(info.pkcs11_uri) != nullptr : pending_key(info.file) != nullptr;
}

Result<void> KeyStore::stage_new_keys() {
  if (read_only_) return fail(Errc::internal, "key store opened read-only");
  if (staged_ || (new_keys_.empty() && new_token_keys_.empty())) return {};
  staged_ = true;  // from here on, a failure is undone by undo_staged()
  std::string journal;
  for (const auto& k : new_keys_) journal += k.file + "\n";
  if (auto w = write_file_atomic(journal_path(), journal, 0600); !w) return w;
  for (const auto& k : new_keys_)
    if (auto w = write_file_atomic(folder_ + "/" + k.file, k.pem, 0600); !w) return w;
  // The old state plus the new keys as planned: true until the zone shows them.
  const std::string staged_text = render_state(true);
  if (auto w = write_file_atomic(state_path(), staged_text, state_mode_); !w) return w;
  ::unlink(journal_path().c_str());
  return {};
}

Result<void> KeyStore::commit() {
  if (read_only_) return fail(Errc::internal, "key store opened read-only");
  if (auto r = stage_new_keys(); !r) return r;
  if (auto w = write_file_atomic(state_path(), render_state(false), state_mode_); !w) return w;
  committed_ = true;
  created_dirs_.clear();
  return {};
}

std::size_t KeyStore::live_key_count() const {
  return static_cast<std::size_t>(
      std::count_if(keys_.begin(), keys_.end(), [](const KeyInfo& k) { return !k.timestamps.contains("removed"); }));
}

std::optional<KeyStore::Recorded> KeyStore::latest_recorded() const {
  std::optional<Recorded> latest;
  auto consider = [&](UnixTime t, const std::string& what) {
    if (!latest || t > latest->time) latest = Recorded{t, what};
  };
  if (last_run_) consider(*last_run_, "the last run");
  if (last_signed_) consider(last_signed_->time, "the last signing run");
  for (const auto& k : keys_)
    for (const auto& [event, when] : k.timestamps)
      consider(when, std::string(role_name(k.role)) + " " + std::to_string(k.tag) + " " + event);
  return latest;
}

Result<std::vector<std::string>> KeyStore::check_clock(UnixTime now, bool allow_back) {
  std::vector<std::string> moved;
  auto latest = latest_recorded();
  if (latest && now < latest->time) {
    if (!allow_back)
      return fail(Errc::key_store,
                  "the time of this run, " + format_time(now) + ", is before " + latest->what + " recorded in '" +
                      state_path() + "' (" + format_time(latest->time) +
                      "): the clock (or --now) looks stepped back, and keys would be read as not yet made. "
                      "Nothing was changed. Correct the clock or --now; if this time is right and the "
                      "recorded one is wrong, run again with --allow-clock-back (every recorded time after " +
                      format_time(now) + " is then moved back to it, so cache windows restart)");
    for (auto& k : keys_)
      for (auto& [event, when] : k.timestamps)
        if (when > now) {
          moved.push_back(std::string(role_name(k.role)) + " " + std::to_string(k.tag) + " " + event + " " +
                          format_time(when) + " -> " + format_time(now));
          when = now;
        }
    if (last_signed_ && last_signed_->time > now) {
      moved.push_back("last signing run " + format_time(last_signed_->time) + " -> " + format_time(now));
      last_signed_->time = now;
    }
    if (last_run_ && *last_run_ > now) last_run_ = now;
  }
  run_time_ = now;
  return moved;
}

Result<KeyInfo*> KeyStore::generate(Role role, Algorithm algorithm, unsigned rsa_bits, UnixTime now) {
  if (read_only_) return fail(Errc::internal, "key store opened read-only");
  if (staged_) return fail(Errc::internal, "a key generated after the new keys were staged");
  if (!algorithm_can_sign(algorithm))
    return fail(Errc::key_store, "cannot generate keys of algorithm " + algorithm_name(algorithm));
  if (live_key_count() >= max_live_keys)
    return fail(Errc::key_store, "the zone has " + std::to_string(max_live_keys) +
                                     " keys that are not removed already: zonesign manages at most that many");
  if (new_key_token_) return generate_in_token(role, algorithm, rsa_bits, now);
  for (int attempt = 0; attempt < max_generate_attempts; ++attempt) {
    auto key = PrivateKey::generate(algorithm, rsa_bits);
    if (!key) return std::unexpected(key.error());
    KeyInfo info = new_key_info(role, algorithm, key->dnskey_public_key(), key->bits());
    bool collides = std::any_of(keys_.begin(), keys_.end(), [&](const KeyInfo& k) { return k.tag == info.tag; });
    info.file = key_file_name(zone_, algorithm, info.tag);
    // A stray file of that name (not in the state) is never overwritten.
    std::error_code ec;
    if (collides || std::filesystem::exists(std::filesystem::symlink_status(folder_ + "/" + info.file, ec))) continue;
    info.timestamps["created"] = now;
    new_keys_.push_back(NewKeyFile{info.file, key->to_pem()});
    keys_.push_back(std::move(info));
    return &keys_.back();
  }
  return fail(Errc::internal, "could not generate a key with a unique tag");
}

Result<KeyInfo*> KeyStore::generate_in_token(Role role, Algorithm algorithm, unsigned rsa_bits, UnixTime now) {
  for (int attempt = 0; attempt < max_generate_attempts; ++attempt) {
    auto made = detail::TokenKey::generate(*new_key_token_, algorithm, rsa_bits, "zonesign new key");
    if (!made)
      return fail(Errc::key_store, "cannot make a new " + std::string(role_name(role)) + " in the PKCS#11 token: " +
                                       made.error().message);
    std::shared_ptr<detail::TokenKey> key = std::move(*made);
    KeyInfo info = new_key_info(role, algorithm, key->dnskey_public_key(), key->bits());
    const std::string note = token_note_name(zone_, algorithm, info.tag);
    std::error_code ec;
    if (std::any_of(keys_.begin(), keys_.end(), [&](const KeyInfo& k) { return k.tag == info.tag; }) ||
        std::filesystem::exists(std::filesystem::symlink_status(folder_ + "/" + note, ec))) {
      (void)key->destroy();
      continue;
    }
    // The name a PEM file of the key would have: an operator listing the
    // token sees the zone and the tag.
    std::string label = key_file_name(zone_, algorithm, info.tag);
    label.resize(label.size() - 4);  // no ".pem"
    if (auto r = key->set_label(label); !r) {
      (void)key->destroy();
      return fail(Errc::key_store, "cannot label the new key in the PKCS#11 token: " + r.error().message);
    }
    info.pkcs11_uri = key->uri();
    info.timestamps["created"] = now;
    new_keys_.push_back(NewKeyFile{note, info.pkcs11_uri + "\n"});
    new_token_keys_.push_back(NewTokenKey{std::move(key), true});
    keys_.push_back(std::move(info));
    return &keys_.back();
  }
  return fail(Errc::internal, "could not generate a key with a unique tag");
}

Result<KeyInfo*> KeyStore::add_imported(KeyInfo info, const PrivateKey& key) {
  if (read_only_) return fail(Errc::internal, "key store opened read-only");
  if (staged_) return fail(Errc::internal, "a key imported after the new keys were staged");
  info.algorithm = key.algorithm();
  info.public_key = key.dnskey_public_key();
  info.bits = key.bits();
  info.tag = key_tag(info.dnskey().to_rdata());
  for (const KeyInfo& k : keys_) {
    if (k.algorithm == info.algorithm && k.public_key == info.public_key)
      return fail(Errc::key_store, "key " + std::to_string(info.tag) + " is in the key folder already");
    if (k.tag == info.tag)
      return fail(Errc::key_store, "key tag " + std::to_string(info.tag) + " is taken by another key of the zone (" +
                                       std::string(role_name(k.role)) + " " + std::to_string(k.tag) + ", " +
                                       algorithm_name(k.algorithm) + "): zonesign names a key by its tag");
  }
  if (live_key_count() >= max_live_keys)
    return fail(Errc::key_store, "the zone has " + std::to_string(max_live_keys) +
                                     " keys that are not removed already: zonesign manages at most that many");
  if (key.token()) {
    info.file.clear();
    info.pkcs11_uri = key.token()->uri();
    const std::string note = token_note_name(zone_, info.algorithm, info.tag);
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(folder_ + "/" + note, ec)))
      return fail(Errc::key_store, "'" + folder_ + "/" + note + "' exists but no key in the state file names it: "
                                   "zonesign never overwrites it; move it away if it is not this key");
    new_keys_.push_back(NewKeyFile{note, info.pkcs11_uri + "\n"});
    new_token_keys_.push_back(NewTokenKey{key.token(), false});
    keys_.push_back(std::move(info));
    return &keys_.back();
  }
  info.file = key_file_name(zone_, info.algorithm, info.tag);
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(folder_ + "/" + info.file, ec)))
    return fail(Errc::key_store, "'" + folder_ + "/" + info.file + "' exists but no key in the state file names it: "
                                 "zonesign never overwrites it; move it away if it is not this key");
  new_keys_.push_back(NewKeyFile{info.file, key.to_pem()});
  keys_.push_back(std::move(info));
  return &keys_.back();
}

Result<PrivateKey> KeyStore::load_private(const KeyInfo& info) const {
  if (info.in_token()) return load_token_key(info);
  const std::string path = folder_ + "/" + info.file;
  if (const NewKeyFile* fresh = pending_key(info.file)) return PrivateKey::from_pem(fresh->pem, info.algorithm);
  auto pem = read_private_file(info.file);
  if (!pem) {
    if (pem.error().code != Errc::io) return std::unexpected(pem.error());
    return fail(Errc::key_store, "key " + std::to_string(info.tag) + " (" + std::string(role_name(info.role)) +
                                     ") is listed in the state file but its private key cannot be read: " +
                                     pem.error().message + "; restore the file, zonesign will not replace it");
  }
  auto key = PrivateKey::from_pem(*pem, info.algorithm);
  if (!key)
    return fail(Errc::key_store, "private key file '" + path + "' is unusable: " + key.error().message);
  if (key->dnskey_public_key() != info.public_key)
    return fail(Errc::key_store, "private key file '" + path + "' does not match key " + std::to_string(info.tag) +
                                     " in the state file");
  return key;
}

Result<PrivateKey> KeyStore::load_token_key(const KeyInfo& info) const {
  if (const auto* fresh = pending_token_key(info.pkcs11_uri)) return PrivateKey::from_token(*fresh);
  const std::string which = "key " + std::to_string(info.tag) + " (" + std::string(role_name(info.role)) + ")";
  auto key = detail::TokenKey::open(info.pkcs11_uri, info.algorithm);
  if (!key)
    return fail(Errc::key_store, which + " lives in a PKCS#11 token that cannot be used: " + key.error().message +
                                     "; zonesign will not replace it");
  if ((*key)->algorithm() != info.algorithm || (*key)->dnskey_public_key() != info.public_key)
    return fail(Errc::key_store, which + ": the token object '" + info.pkcs11_uri +
                                     "' is not the key the state file lists (another public key)");
  return PrivateKey::from_token(std::move(*key));
}

}  // namespace zs
