#include "keys/key_store.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

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

}  // namespace

std::optional<Role> role_from_string(std::string_view text) {
  for (Role role : {Role::ksk, Role::zsk, Role::csk})
    if (role_name(role) == text) return role;
  return std::nullopt;
}

std::string KeyStore::folder_name(const Name& zone) {
  if (zone.is_root()) return "_root";
  std::string text = zone.lowercased().to_string();
  text.pop_back();
  return text;
}

Result<KeyStore> KeyStore::open(const std::string& key_dir, const Name& zone, bool create) {
  std::string name = folder_name(zone);
  // A label with '/' would escape the key directory.
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
    return fail(Errc::key_store, "zone name '" + zone.to_string() + "' cannot be used as a key folder name");
  std::string folder = (std::filesystem::path(key_dir) / name).string();
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    if (!create) return fail(Errc::key_store, "no keys for " + zone.to_string() + " in '" + key_dir + "'");
    std::filesystem::create_directories(folder, ec);
    if (ec) return fail(Errc::io, "cannot create key folder '" + folder + "': " + ec.message());
    ::chmod(folder.c_str(), 0700);
  }
  auto lock = FileLock::acquire(folder + "/.lock");
  if (!lock) return std::unexpected(lock.error());
  KeyStore store(zone, folder, std::move(*lock));
  if (auto r = store.read_state(); !r) return std::unexpected(r.error());
  return store;
}

Result<void> KeyStore::read_state() {
  const std::string path = state_path();
  if (!std::filesystem::exists(path)) return {};
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
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
      if (info.file.empty() || info.file.find('/') != std::string::npos)
        return state_error(path, node.Mark(), "key without a valid file name");
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
  } catch (const YAML::Exception& e) {
    return state_error(path, e.mark, "malformed state file: " + e.msg);
  }
  return {};
}

Result<void> KeyStore::commit() const {
  YAML::Emitter out;
  out << YAML::Comment("zonesign key state: no secrets here; private keys are the .pem files beside it");
  out << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << state_version;
  out << YAML::Key << "zone" << YAML::Value << zone_.lowercased().to_string();
  out << YAML::Key << "keys" << YAML::Value << YAML::BeginSeq;
  for (const auto& k : keys_) {
    out << YAML::BeginMap;
    out << YAML::Key << "role" << YAML::Value << std::string(role_name(k.role));
    out << YAML::Key << "algorithm" << YAML::Value << algorithm_name(k.algorithm);
    out << YAML::Key << "tag" << YAML::Value << k.tag;
    out << YAML::Key << "flags" << YAML::Value << k.flags;
    out << YAML::Key << "bits" << YAML::Value << k.bits;
    out << YAML::Key << "file" << YAML::Value << k.file;
    out << YAML::Key << "public-key" << YAML::Value << to_base64(k.public_key);
    out << YAML::Key << "timestamps" << YAML::Value << YAML::BeginMap;
    for (const auto& [event, when] : k.timestamps) out << YAML::Key << event << YAML::Value << format_time(when);
    out << YAML::EndMap;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  if (last_signed_) {
    out << YAML::Key << "signed" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "time" << YAML::Value << format_time(last_signed_->time);
    out << YAML::Key << "output" << YAML::Value << last_signed_->output;
    out << YAML::Key << "serial" << YAML::Value << last_signed_->serial;
    out << YAML::Key << "expires" << YAML::Value << format_time(last_signed_->expires);
    if (!last_signed_->sha256.empty()) out << YAML::Key << "sha256" << YAML::Value << last_signed_->sha256;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  std::string text = out.c_str();
  text += '\n';
  return write_file_atomic(state_path(), text, 0644);
}

Result<KeyInfo*> KeyStore::generate(Role role, Algorithm algorithm, unsigned rsa_bits, UnixTime now) {
  if (!algorithm_can_sign(algorithm))
    return fail(Errc::key_store, "cannot generate keys of algorithm " + algorithm_name(algorithm));
  for (int attempt = 0; attempt < max_generate_attempts; ++attempt) {
    auto key = PrivateKey::generate(algorithm, rsa_bits);
    if (!key) return std::unexpected(key.error());
    KeyInfo info;
    info.role = role;
    info.algorithm = algorithm;
    info.flags = static_cast<std::uint16_t>(dnskey_flag_zone | (role == Role::zsk ? 0 : dnskey_flag_sep));
    info.public_key = key->dnskey_public_key();
    info.bits = key->bits();
    info.tag = key_tag(info.dnskey().to_rdata());
    bool collides = std::any_of(keys_.begin(), keys_.end(), [&](const KeyInfo& k) { return k.tag == info.tag; });
    if (collides) continue;
    info.file = key_file_name(zone_, algorithm, info.tag);
    info.timestamps["created"] = now;
    if (auto w = write_file_atomic(folder_ + "/" + info.file, key->to_pem(), 0600); !w)
      return std::unexpected(w.error());
    keys_.push_back(std::move(info));
    return &keys_.back();
  }
  return fail(Errc::internal, "could not generate a key with a unique tag");
}

Result<PrivateKey> KeyStore::load_private(const KeyInfo& info) const {
  const std::string path = folder_ + "/" + info.file;
  auto pem = read_file(path);
  if (!pem)
    return fail(Errc::key_store, "key " + std::to_string(info.tag) + " (" + std::string(role_name(info.role)) +
                                     ") is listed in the state file but its private key cannot be read: " +
                                     pem.error().message + "; restore the file, zonesign will not replace it");
  auto key = PrivateKey::from_pem(*pem, info.algorithm);
  if (!key)
    return fail(Errc::key_store, "private key file '" + path + "' is unusable: " + key.error().message);
  if (key->dnskey_public_key() != info.public_key)
    return fail(Errc::key_store, "private key file '" + path + "' does not match key " + std::to_string(info.tag) +
                                     " in the state file");
  return key;
}

}  // namespace zs
