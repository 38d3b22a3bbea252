// PKCS#11 through p11-kit (crypto/pkcs11.hpp). p11-kit loads a module as a
// "managed" one: each load is its own PKCS#11 application as far as
// C_Initialize and sessions go, so two keys opened in one process (a KSK and
// a ZSK) never finalize each other's module. Chosen over libp11 because
// libp11 reaches OpenSSL 3 only through the deprecated ENGINE interface and
// adds nothing here that the standard calls do not already do; p11-kit
// brings the RFC 7512 URI parser and module loading, and is already a
// dependency of GnuTLS on every Debian system.
#include "crypto/pkcs11.hpp"

#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/encoding.hpp"
#include "crypto/keys.hpp"

namespace zs {

namespace {

// DER encodings of the curves' object identifiers, the CKA_EC_PARAMS values
// (PKCS#11 v2.40 §2.3.3; RFC 5480 §2.1.1.1; RFC 8410 §3 for Ed25519).
constexpr std::array<std::uint8_t, 10> oid_p256{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
constexpr std::array<std::uint8_t, 7> oid_p384{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
constexpr std::array<std::uint8_t, 5> oid_ed25519{0x06, 0x03, 0x2b, 0x65, 0x70};
// PKCS#11 v3.0 §2.3.5 also allows the curve's name as a PrintableString.
constexpr std::string_view name_ed25519 = "edwards25519";

std::string rv_text(CK_RV rv) {
  char code[24];
  std::snprintf(code, sizeof code, " (0x%lx)", static_cast<unsigned long>(rv));
  const char* text = p11_kit_strerror(rv);
  return std::string(text ? text : "unknown PKCS#11 error") + code;
}

std::unexpected<Error> token_error(const std::string& what, CK_RV rv) {
  return fail(Errc::crypto, "PKCS#11 " + what + ": " + rv_text(rv));
}

std::string trim_padded(const CK_UTF8CHAR* text, std::size_t size) {
  std::string out(reinterpret_cast<const char*>(text), size);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\0')) out.pop_back();
  return out;
}

struct UriFree {
  void operator()(P11KitUri* uri) const noexcept { p11_kit_uri_free(uri); }
};
using Uri = std::unique_ptr<P11KitUri, UriFree>;

// A module loaded and initialised through p11-kit; finalised and released
// when the last owner goes.
class Module {
 public:
  static Result<Module> load(const std::string& path) {
    if (path.empty())
      return fail(Errc::crypto, "no PKCS#11 module given (module-path in the URI, keys.pkcs11.module in the policy)");
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
      return fail(Errc::crypto, "PKCS#11 module '" + path + "' cannot be used: " + std::strerror(errno));
    CK_FUNCTION_LIST* fns = p11_kit_module_load(path.c_str(), 0);
    if (fns == nullptr) {
      const char* why = p11_kit_message();
      return fail(Errc::crypto, "PKCS#11 module '" + path + "' does not load: " + (why ? why : "unknown reason"));
    }
    Module module(fns);
    if (CK_RV rv = p11_kit_module_initialize(fns); rv != CKR_OK) {
      p11_kit_module_release(fns);
      module.fns_ = nullptr;
      return token_error("C_Initialize of '" + path + "'", rv);
    }
    return module;
  }
  Module(Module&& other) noexcept : fns_(std::exchange(other.fns_, nullptr)) {}
  Module& operator=(Module&&) = delete;
  ~Module() {
    if (fns_ == nullptr) return;
    p11_kit_module_finalize(fns_);
    p11_kit_module_release(fns_);
  }
  CK_FUNCTION_LIST* fns() const noexcept { return fns_; }

 private:
  explicit Module(CK_FUNCTION_LIST* fns) noexcept : fns_(fns) {}
  CK_FUNCTION_LIST* fns_;
};

// A read-write session; closing the last session of the application also
// ends its login (PKCS#11 v2.40 §5.6, C_CloseSession), which is why there is
// no C_Logout: another key of this process may share the login.
class Session {
 public:
  static Result<Session> open(CK_FUNCTION_LIST* fns, CK_SLOT_ID slot) {
    CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
    if (CK_RV rv = fns->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &handle);
        rv != CKR_OK)
      return token_error("C_OpenSession", rv);
    return Session(fns, handle);
  }
  Session(Session&& other) noexcept : fns_(other.fns_), handle_(std::exchange(other.handle_, CK_INVALID_HANDLE)) {}
  Session& operator=(Session&&) = delete;
  ~Session() {
    if (handle_ != CK_INVALID_HANDLE) fns_->C_CloseSession(handle_);
  }
  CK_SESSION_HANDLE handle() const noexcept { return handle_; }

 private:
  Session(CK_FUNCTION_LIST* fns, CK_SESSION_HANDLE handle) noexcept : fns_(fns), handle_(handle) {}
  CK_FUNCTION_LIST* fns_;
  CK_SESSION_HANDLE handle_;
};

// The PIN, wiped when it goes.
class Pin {
 public:
  Pin() = default;
  explicit Pin(std::string text) : text_(std::move(text)) {}
  Pin(Pin&& other) noexcept : text_(std::move(other.text_)) { other.text_.clear(); }
  Pin& operator=(Pin&&) = delete;
  ~Pin() {
    if (!text_.empty()) OPENSSL_cleanse(text_.data(), text_.size());
  }
  const std::string& text() const noexcept { return text_; }
  // Drops the line end a PIN file's last line has (in place: no copy of the
  // PIN is left behind).
  void trim_line_end() noexcept {
    while (!text_.empty() && (text_.back() == '\n' || text_.back() == '\r')) {
      text_.back() = '\0';
      text_.pop_back();
    }
  }

 private:
  std::string text_;
};

// RFC 7512 §2.4: pin-source names where the PIN is; zonesign reads a file
// (a "file:" URI or a plain path) that only its owner may read.
Result<Pin> read_pin(const std::string& pin_source) {
  if (pin_source.empty()) {
    const char* env = std::getenv(pkcs11_pin_env);
    if (env == nullptr || *env == '\0')
      return fail(Errc::crypto,
                  std::string("no PIN for the token: give a pin-file (keys.pkcs11.pin-file in the policy, pin-source "
                              "in the URI) or set ") +
                      pkcs11_pin_env);
    return Pin(env);
  }
  std::string path = pin_source;
  if (path.starts_with("file://")) path.erase(0, 7);
  else if (path.starts_with("file:")) path.erase(0, 5);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return fail(Errc::crypto, "PIN file '" + path + "' cannot be read: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return fail(Errc::crypto, "PIN file '" + path + "' is not a regular file");
  if ((st.st_mode & 077) != 0)
    return fail(Errc::crypto, "PIN file '" + path + "' is readable by others than its owner: run `chmod 600 '" + path +
                                  "'`, and change the PIN if others could read it");
  auto text = read_file(path);
  if (!text) return fail(Errc::crypto, "PIN file '" + path + "' cannot be read: " + text.error().message);
  Pin pin(std::move(*text));
  pin.trim_line_end();
  if (pin.text().empty()) return fail(Errc::crypto, "PIN file '" + path + "' is empty");
  return pin;
}

Result<Bytes> attribute(CK_FUNCTION_LIST* fns, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                        CK_ATTRIBUTE_TYPE type, const char* name) {
  CK_ATTRIBUTE a{type, nullptr, 0};
  if (CK_RV rv = fns->C_GetAttributeValue(session, object, &a, 1); rv != CKR_OK)
    return token_error(std::string("reading ") + name, rv);
  if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
    return fail(Errc::crypto, std::string("PKCS#11 object has no ") + name);
  Bytes value(a.ulValueLen);
  a.pValue = value.data();
  if (CK_RV rv = fns->C_GetAttributeValue(session, object, &a, 1); rv != CKR_OK)
    return token_error(std::string("reading ") + name, rv);
  value.resize(a.ulValueLen);
  return value;
}

Result<CK_ULONG> ulong_attribute(CK_FUNCTION_LIST* fns, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                 CK_ATTRIBUTE_TYPE type, const char* name) {
  CK_ULONG value = 0;
  CK_ATTRIBUTE a{type, &value, sizeof value};
  if (CK_RV rv = fns->C_GetAttributeValue(session, object, &a, 1); rv != CKR_OK)
    return token_error(std::string("reading ") + name, rv);
  return value;
}

Result<bool> bool_attribute(CK_FUNCTION_LIST* fns, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                            CK_ATTRIBUTE_TYPE type, const char* name) {
  CK_BBOOL value = CK_FALSE;
  CK_ATTRIBUTE a{type, &value, sizeof value};
  if (CK_RV rv = fns->C_GetAttributeValue(session, object, &a, 1); rv != CKR_OK)
    return token_error(std::string("reading ") + name, rv);
  return value == CK_TRUE;
}

// The objects matching `match`, at most `limit` of them.
Result<std::vector<CK_OBJECT_HANDLE>> find_objects(CK_FUNCTION_LIST* fns, CK_SESSION_HANDLE session,
                                                   std::vector<CK_ATTRIBUTE>& match, CK_ULONG limit) {
  if (CK_RV rv = fns->C_FindObjectsInit(session, match.data(), match.size()); rv != CKR_OK)
    return token_error("C_FindObjectsInit", rv);
  std::vector<CK_OBJECT_HANDLE> found(limit);
  CK_ULONG count = 0;
  const CK_RV rv = fns->C_FindObjects(session, found.data(), limit, &count);
  fns->C_FindObjectsFinal(session);
  if (rv != CKR_OK) return token_error("C_FindObjects", rv);
  found.resize(count);
  return found;
}

bool same_bytes(BytesView a, BytesView b) { return std::ranges::equal(a, b); }

// CKA_EC_POINT is a DER OCTET STRING around the point (PKCS#11 v2.40
// §2.3.3); some tokens give the bare point. `bare_size` tells them apart.
Result<Bytes> unwrap_point(const Bytes& value, std::size_t bare_size) {
  if (value.size() == bare_size) return value;
  if (value.size() == bare_size + 2 && value[0] == 0x04 && value[1] == bare_size)
    return Bytes(value.begin() + 2, value.end());
  return fail(Errc::crypto, "PKCS#11 public key has a CKA_EC_POINT of " + std::to_string(value.size()) +
                                " octets, not the curve's point");
}

Bytes strip_leading_zeros(Bytes b) {
  auto first = std::find_if(b.begin(), b.end(), [](std::uint8_t v) { return v != 0; });
  b.erase(b.begin(), first);
  return b;
}

// RFC 3110 §2: exponent length (one octet, or zero and two), exponent, modulus.
Bytes rsa_dnskey_field(const Bytes& exponent, const Bytes& modulus) {
  Bytes out;
  if (exponent.size() <= 255) {
    out.push_back(static_cast<std::uint8_t>(exponent.size()));
  } else {
    out.push_back(0);
    out.push_back(static_cast<std::uint8_t>(exponent.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(exponent.size()));
  }
  out.insert(out.end(), exponent.begin(), exponent.end());
  out.insert(out.end(), modulus.begin(), modulus.end());
  return out;
}

bool is_rsa(Algorithm alg) { return alg == Algorithm::RSASHA256 || alg == Algorithm::RSASHA512; }

std::size_t token_ec_width(Algorithm alg) { return alg == Algorithm::ECDSAP384SHA384 ? 48 : 32; }

}  // namespace

std::string pkcs11_uri_escape(std::string_view text, bool in_query) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (in_query && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

namespace detail {

struct TokenKey::Impl {
  Module module;
  Session session;
  std::string module_path;
  std::string pin_source;
  std::string token_label;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  Bytes id;
  std::string label;
  Algorithm alg = Algorithm::ECDSAP256SHA256;
  Bytes dnskey;
  unsigned bits = 0;
  std::size_t signature_size = 0;
  std::string uri;
  mutable std::mutex mutex;  // one operation at a time on the session

  CK_FUNCTION_LIST* fns() const noexcept { return module.fns(); }

  void render_uri() {
    std::string id_text;
    static constexpr char hex[] = "0123456789ABCDEF";
    for (std::uint8_t b : id) {
      id_text += '%';
      id_text += hex[b >> 4];
      id_text += hex[b & 15];
    }
    uri = "pkcs11:token=" + pkcs11_uri_escape(token_label, false);
    if (!id.empty()) uri += ";id=" + id_text;
    if (!label.empty()) uri += ";object=" + pkcs11_uri_escape(label, false);
    uri += ";type=private?module-path=" + pkcs11_uri_escape(module_path, true);
    if (!pin_source.empty()) uri += "&pin-source=" + pkcs11_uri_escape(pin_source, true);
  }
};

namespace {

struct Connection {
  Module module;
  Session session;
  std::string token_label;
};

// Loads the module, finds the one token the URI's token attributes match
// and logs in.
Result<Connection> connect(const std::string& module_path, P11KitUri* uri, const std::string& pin_source,
                           const std::string& described) {
  auto module = Module::load(module_path);
  if (!module) return std::unexpected(module.error());
  CK_FUNCTION_LIST* fns = module->fns();
  CK_ULONG count = 0;
  if (CK_RV rv = fns->C_GetSlotList(CK_TRUE, nullptr, &count); rv != CKR_OK) return token_error("C_GetSlotList", rv);
  std::vector<CK_SLOT_ID> slots(count);
  if (CK_RV rv = fns->C_GetSlotList(CK_TRUE, slots.data(), &count); rv != CKR_OK)
    return token_error("C_GetSlotList", rv);
  slots.resize(count);
  std::vector<std::pair<CK_SLOT_ID, std::string>> matching;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (fns->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    if (!(info.flags & CKF_TOKEN_INITIALIZED)) continue;
    if (p11_kit_uri_match_token_info(uri, &info) != 1) continue;
    matching.emplace_back(slot, trim_padded(info.label, sizeof info.label));
  }
  if (matching.empty())
    return fail(Errc::crypto, "no token " + described + " in PKCS#11 module '" + module_path + "'");
  if (matching.size() > 1)
    return fail(Errc::crypto, std::to_string(matching.size()) + " tokens match " + described + " in PKCS#11 module '" +
                                  module_path + "': name one (token=, serial=)");
  auto session = Session::open(fns, matching.front().first);
  if (!session) return std::unexpected(session.error());
  auto pin = read_pin(pin_source);
  if (!pin) return std::unexpected(pin.error());
  const CK_RV rv = fns->C_Login(session->handle(), CKU_USER,
                                reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin->text().data())),
                                pin->text().size());
  if (rv == CKR_PIN_INCORRECT)
    return fail(Errc::crypto, "wrong PIN for token '" + matching.front().second + "' (PKCS#11 CKR_PIN_INCORRECT)");
  // Already logged in: another key of this process opened a session on the
  // token with the right PIN (the login belongs to the application, not the
  // session), and the token then checks no PIN at all.
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
    return token_error("C_Login to token '" + matching.front().second + "'", rv);
  return Connection{std::move(*module), std::move(*session), matching.front().second};
}

// Reads the public half of the key pair and fills alg, dnskey, bits.
Result<void> describe_key(TokenKey::Impl& k, Algorithm rsa_algorithm) {
  CK_FUNCTION_LIST* fns = k.fns();
  const CK_SESSION_HANDLE s = k.session.handle();
  auto type = ulong_attribute(fns, s, k.private_key, CKA_KEY_TYPE, "CKA_KEY_TYPE");
  if (!type) return std::unexpected(type.error());
  if (k.id.empty())
    if (auto id = attribute(fns, s, k.private_key, CKA_ID, "CKA_ID")) k.id = std::move(*id);
  if (k.label.empty())
    if (auto label = attribute(fns, s, k.private_key, CKA_LABEL, "CKA_LABEL"))
      k.label.assign(label->begin(), label->end());
  if (k.public_key == CK_INVALID_HANDLE) {
    CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
    std::vector<CK_ATTRIBUTE> match{{CKA_CLASS, &cls, sizeof cls}};
    if (!k.id.empty()) match.push_back({CKA_ID, k.id.data(), k.id.size()});
    else match.push_back({CKA_LABEL, k.label.data(), k.label.size()});
    auto found = find_objects(fns, s, match, 2);
    if (!found) return std::unexpected(found.error());
    if (found->size() == 1) k.public_key = found->front();
  }
  switch (*type) {
    case CKK_RSA: {
      if (!is_rsa(rsa_algorithm))
        return fail(Errc::crypto, "the token key is an RSA key, not a " + algorithm_name(rsa_algorithm) + " key");
      auto modulus = attribute(fns, s, k.private_key, CKA_MODULUS, "CKA_MODULUS");
      if (!modulus) return std::unexpected(modulus.error());
      auto exponent = attribute(fns, s, k.private_key, CKA_PUBLIC_EXPONENT, "CKA_PUBLIC_EXPONENT");
      if (!exponent) return std::unexpected(exponent.error());
      Bytes n = strip_leading_zeros(std::move(*modulus));
      Bytes e = strip_leading_zeros(std::move(*exponent));
      if (n.empty() || e.empty()) return fail(Errc::crypto, "the token's RSA key has an empty modulus or exponent");
      k.alg = rsa_algorithm;
      k.signature_size = n.size();
      unsigned top = 0;
      for (std::uint8_t v = n.front(); v != 0; v >>= 1) ++top;
      k.bits = static_cast<unsigned>(8 * (n.size() - 1)) + top;
      k.dnskey = rsa_dnskey_field(e, n);
      return {};
    }
    case CKK_EC:
    case CKK_EC_EDWARDS: {
      if (k.public_key == CK_INVALID_HANDLE)
        return fail(Errc::crypto, "the token holds the private key '" + k.label +
                                      "' but no public key object with its CKA_ID: zonesign reads the public key "
                                      "from that object");
      auto params = attribute(fns, s, k.public_key, CKA_EC_PARAMS, "CKA_EC_PARAMS");
      if (!params) return std::unexpected(params.error());
      auto point = attribute(fns, s, k.public_key, CKA_EC_POINT, "CKA_EC_POINT");
      if (!point) return std::unexpected(point.error());
      const auto same_char = [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); };
      const bool printable_ed25519 = params->size() == 2 + name_ed25519.size() && (*params)[0] == 0x13 &&
                                     std::ranges::equal(BytesView(*params).subspan(2), name_ed25519, same_char);
      if (*type == CKK_EC_EDWARDS && (same_bytes(*params, oid_ed25519) || printable_ed25519)) {
        auto raw = unwrap_point(*point, 32);
        if (!raw) return std::unexpected(raw.error());
        k.alg = Algorithm::ED25519;
        k.dnskey = std::move(*raw);
        k.bits = 253;  // as OpenSSL counts an Ed25519 key (PrivateKey::bits)
        k.signature_size = 64;
        return {};
      }
      if (*type == CKK_EC && (same_bytes(*params, oid_p256) || same_bytes(*params, oid_p384))) {
        k.alg = same_bytes(*params, oid_p256) ? Algorithm::ECDSAP256SHA256 : Algorithm::ECDSAP384SHA384;
        const std::size_t w = token_ec_width(k.alg);
        auto raw = unwrap_point(*point, 1 + 2 * w);
        if (!raw) return std::unexpected(raw.error());
        if ((*raw)[0] != 0x04) return fail(Errc::crypto, "the token's EC public key is not an uncompressed point");
        k.dnskey.assign(raw->begin() + 1, raw->end());
        k.bits = static_cast<unsigned>(8 * w);
        k.signature_size = 2 * w;
        return {};
      }
      return fail(Errc::crypto, "the token key's curve is none that DNSSEC signs with here (P-256, P-384, Ed25519)");
    }
    default:
      return fail(Errc::crypto, "the token key's type (CKK 0x" + to_hex(Bytes{static_cast<std::uint8_t>(*type)}) +
                                    ") is none that DNSSEC signs with here (RSA, EC, EC Edwards)");
  }
}

std::string uri_text(P11KitUri* uri, int type) {
  char* text = nullptr;
  if (p11_kit_uri_format(uri, static_cast<P11KitUriType>(type), &text) != P11_KIT_URI_OK || text == nullptr)
    return "pkcs11:";
  std::string out(text);
  std::free(text);
  return out;
}

}  // namespace

TokenKey::TokenKey(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
TokenKey::~TokenKey() = default;

Algorithm TokenKey::algorithm() const noexcept { return impl_->alg; }
const Bytes& TokenKey::dnskey_public_key() const noexcept { return impl_->dnskey; }
unsigned TokenKey::bits() const noexcept { return impl_->bits; }
const std::string& TokenKey::uri() const noexcept { return impl_->uri; }

Result<std::shared_ptr<TokenKey>> TokenKey::open(std::string_view uri_string, Algorithm rsa_algorithm) {
  Uri uri(p11_kit_uri_new());
  if (!uri) throw std::bad_alloc();
  const std::string text(uri_string);
  if (int rc = p11_kit_uri_parse(text.c_str(), P11_KIT_URI_FOR_ANY, uri.get()); rc != P11_KIT_URI_OK)
    return fail(Errc::crypto, std::string("not a PKCS#11 URI (RFC 7512): ") + p11_kit_uri_message(rc));
  if (p11_kit_uri_get_pin_value(uri.get()) != nullptr)
    return fail(Errc::crypto, "the PKCS#11 URI holds a pin-value: zonesign never keeps a PIN in a URI (it would land "
                              "in the key state and in the process list); use pin-source=file:PATH (mode 0600) or " +
                                  std::string(pkcs11_pin_env));
  const char* module_path = p11_kit_uri_get_module_path(uri.get());
  const char* pin_source = p11_kit_uri_get_pin_source(uri.get());
  CK_ULONG n_attrs = 0;
  CK_ATTRIBUTE* attrs = p11_kit_uri_get_attributes(uri.get(), &n_attrs);
  std::vector<CK_ATTRIBUTE> match;
  bool names_object = false;
  for (CK_ULONG i = 0; i < n_attrs; ++i) {
    if (attrs[i].type == CKA_CLASS) {
      CK_OBJECT_CLASS cls = 0;
      std::memcpy(&cls, attrs[i].pValue, std::min<std::size_t>(sizeof cls, attrs[i].ulValueLen));
      if (cls != CKO_PRIVATE_KEY)
        return fail(Errc::crypto, "the PKCS#11 URI names an object of another type than type=private");
      continue;
    }
    names_object |= attrs[i].type == CKA_ID || attrs[i].type == CKA_LABEL;
    match.push_back(attrs[i]);
  }
  if (!names_object)
    return fail(Errc::crypto, "the PKCS#11 URI names no key object: give its id= or object= (its label)");
  CK_OBJECT_CLASS private_class = CKO_PRIVATE_KEY;
  match.push_back({CKA_CLASS, &private_class, sizeof private_class});

  const std::string described = "matching '" + uri_text(uri.get(), P11_KIT_URI_FOR_TOKEN) + "'";
  auto connection = connect(module_path ? module_path : "", uri.get(), pin_source ? pin_source : "", described);
  if (!connection) return std::unexpected(connection.error());
  auto impl = std::make_unique<Impl>(std::move(connection->module), std::move(connection->session),
                                     module_path ? module_path : "", pin_source ? pin_source : "",
                                     connection->token_label);
  auto found = find_objects(impl->fns(), impl->session.handle(), match, 2);
  if (!found) return std::unexpected(found.error());
  const std::string object = uri_text(uri.get(), P11_KIT_URI_FOR_OBJECT);
  if (found->empty())
    return fail(Errc::crypto, "no private key object '" + object + "' in token '" + impl->token_label + "'");
  if (found->size() > 1)
    return fail(Errc::crypto, "more than one private key object matches '" + object + "' in token '" +
                                  impl->token_label + "': name it by id=");
  impl->private_key = found->front();
  if (auto d = describe_key(*impl, rsa_algorithm); !d) return std::unexpected(d.error());
  impl->render_uri();
  return std::shared_ptr<TokenKey>(new TokenKey(std::move(impl)));
}

Result<std::shared_ptr<TokenKey>> TokenKey::generate(const TokenSpec& spec, Algorithm alg, unsigned rsa_bits,
                                                     std::string_view label) {
  CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  BytesView params;
  CK_ULONG modulus_bits = rsa_bits == 0 ? 2048 : rsa_bits;
  static constexpr std::array<std::uint8_t, 3> f4{0x01, 0x00, 0x01};
  switch (alg) {
    case Algorithm::ECDSAP256SHA256: params = oid_p256; break;
    case Algorithm::ECDSAP384SHA384: params = oid_p384; break;
    case Algorithm::ED25519:
      mechanism.mechanism = CKM_EC_EDWARDS_KEY_PAIR_GEN;
      params = oid_ed25519;
      break;
    case Algorithm::RSASHA256:
    case Algorithm::RSASHA512:
      mechanism.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
      if (modulus_bits < 1024 || modulus_bits > 4096)
        return fail(Errc::crypto, "RSA key size " + std::to_string(modulus_bits) + " outside 1024..4096");
      break;
    default:
      return fail(Errc::crypto, "zonesign makes no " + algorithm_name(alg) +
                                    " keys in a token (P-256, P-384, Ed25519, RSA/SHA-256 and RSA/SHA-512 only)");
  }
  Uri uri(p11_kit_uri_new());
  if (!uri) throw std::bad_alloc();
  const std::string token_uri = "pkcs11:token=" + pkcs11_uri_escape(spec.token, false);
  if (int rc = p11_kit_uri_parse(token_uri.c_str(), P11_KIT_URI_FOR_TOKEN, uri.get()); rc != P11_KIT_URI_OK)
    return fail(Errc::crypto, std::string("bad token label: ") + p11_kit_uri_message(rc));
  auto connection = connect(spec.module, uri.get(), spec.pin_file, "labelled '" + spec.token + "'");
  if (!connection) return std::unexpected(connection.error());
  auto impl = std::make_unique<Impl>(std::move(connection->module), std::move(connection->session), spec.module,
                                     spec.pin_file, connection->token_label);
  impl->id.resize(16);
  if (RAND_bytes(impl->id.data(), static_cast<int>(impl->id.size())) != 1)
    return fail(Errc::crypto, "no random bytes for the key's CKA_ID");
  impl->label = std::string(label);

  CK_BBOOL yes = CK_TRUE;
  CK_BBOOL no = CK_FALSE;
  std::vector<CK_ATTRIBUTE> public_template{
      {CKA_TOKEN, &yes, sizeof yes},
      {CKA_PRIVATE, &no, sizeof no},
      {CKA_VERIFY, &yes, sizeof yes},
      {CKA_ID, impl->id.data(), impl->id.size()},
      {CKA_LABEL, impl->label.data(), impl->label.size()},
  };
  if (is_rsa(alg)) {
    public_template.push_back({CKA_MODULUS_BITS, &modulus_bits, sizeof modulus_bits});
    public_template.push_back({CKA_PUBLIC_EXPONENT, const_cast<std::uint8_t*>(f4.data()), f4.size()});
  } else {
    public_template.push_back({CKA_EC_PARAMS, const_cast<std::uint8_t*>(params.data()), params.size()});
  }
  // The private value is made inside the token and can never be read out
  // of it, wrapped or not (PKCS#11 v2.40 §4.9).
  std::vector<CK_ATTRIBUTE> private_template{
      {CKA_TOKEN, &yes, sizeof yes},
      {CKA_PRIVATE, &yes, sizeof yes},
      {CKA_SENSITIVE, &yes, sizeof yes},
      {CKA_EXTRACTABLE, &no, sizeof no},
      {CKA_SIGN, &yes, sizeof yes},
      {CKA_ID, impl->id.data(), impl->id.size()},
      {CKA_LABEL, impl->label.data(), impl->label.size()},
  };
  const CK_RV rv = impl->fns()->C_GenerateKeyPair(impl->session.handle(), &mechanism, public_template.data(),
                                                  public_template.size(), private_template.data(),
                                                  private_template.size(), &impl->public_key, &impl->private_key);
  if (rv != CKR_OK)
    return token_error("C_GenerateKeyPair (" + algorithm_name(alg) + ") in token '" + impl->token_label + "'", rv);
  if (auto d = describe_key(*impl, is_rsa(alg) ? alg : Algorithm::RSASHA256); !d || impl->alg != alg) {
    // A pair the token made but zonesign cannot use is not left behind.
    impl->fns()->C_DestroyObject(impl->session.handle(), impl->private_key);
    impl->fns()->C_DestroyObject(impl->session.handle(), impl->public_key);
    if (!d) return std::unexpected(d.error());
    return fail(Errc::crypto, "the token made a key of another algorithm than " + algorithm_name(alg));
  }
  impl->render_uri();
  return std::shared_ptr<TokenKey>(new TokenKey(std::move(impl)));
}

Result<Bytes> TokenKey::sign(BytesView data) const {
  Impl& k = *impl_;
  CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
  Bytes hashed;
  BytesView input = data;
  switch (k.alg) {
    case Algorithm::ECDSAP256SHA256:
    case Algorithm::ECDSAP384SHA384:
      // CKM_ECDSA signs a digest given to it (PKCS#11 v2.40 §2.3.6).
      hashed = digest(k.alg == Algorithm::ECDSAP256SHA256 ? DigestType::SHA256 : DigestType::SHA384, data);
      input = hashed;
      break;
    case Algorithm::ED25519: mechanism.mechanism = CKM_EDDSA; break;
    case Algorithm::RSASHA256: mechanism.mechanism = CKM_SHA256_RSA_PKCS; break;
    case Algorithm::RSASHA512: mechanism.mechanism = CKM_SHA512_RSA_PKCS; break;
    default: return fail(Errc::internal, "token key of an algorithm it cannot sign");
  }
  Bytes signature(k.signature_size);
  CK_ULONG length = signature.size();
  {
    std::lock_guard lock(k.mutex);
    if (CK_RV rv = k.fns()->C_SignInit(k.session.handle(), &mechanism, k.private_key); rv != CKR_OK)
      return token_error("C_SignInit with '" + k.label + "'", rv);
    if (CK_RV rv = k.fns()->C_Sign(k.session.handle(), const_cast<std::uint8_t*>(input.data()), input.size(),
                                   signature.data(), &length);
        rv != CKR_OK)
      return token_error("C_Sign with '" + k.label + "'", rv);
  }
  if (length != k.signature_size)
    return fail(Errc::crypto, "the token gave a signature of " + std::to_string(length) + " octets where " +
                                  algorithm_name(k.alg) + " has " + std::to_string(k.signature_size));
  return signature;
}

Result<void> TokenKey::set_label(std::string_view label) {
  Impl& k = *impl_;
  std::string text(label);
  CK_ATTRIBUTE a{CKA_LABEL, text.data(), text.size()};
  std::lock_guard lock(k.mutex);
  for (CK_OBJECT_HANDLE object : {k.private_key, k.public_key}) {
    if (object == CK_INVALID_HANDLE) continue;
    if (CK_RV rv = k.fns()->C_SetAttributeValue(k.session.handle(), object, &a, 1); rv != CKR_OK)
      return token_error("setting CKA_LABEL", rv);
  }
  k.label = std::move(text);
  k.render_uri();
  return {};
}

Result<TokenKeyProtection> TokenKey::protection() const {
  const Impl& k = *impl_;
  std::lock_guard lock(k.mutex);
  TokenKeyProtection p;
  const std::pair<CK_ATTRIBUTE_TYPE, bool*> wanted[] = {{CKA_SENSITIVE, &p.sensitive},
                                                        {CKA_EXTRACTABLE, &p.extractable},
                                                        {CKA_ALWAYS_SENSITIVE, &p.always_sensitive},
                                                        {CKA_NEVER_EXTRACTABLE, &p.never_extractable}};
  for (const auto& [type, out] : wanted) {
    auto value = bool_attribute(k.fns(), k.session.handle(), k.private_key, type, "a protection attribute");
    if (!value) return std::unexpected(value.error());
    *out = *value;
  }
  return p;
}

Result<void> TokenKey::destroy() {
  Impl& k = *impl_;
  std::lock_guard lock(k.mutex);
  for (CK_OBJECT_HANDLE* object : {&k.private_key, &k.public_key}) {
    if (*object == CK_INVALID_HANDLE) continue;
    if (CK_RV rv = k.fns()->C_DestroyObject(k.session.handle(), *object); rv != CKR_OK)
      return token_error("C_DestroyObject of '" + k.label + "'", rv);
    *object = CK_INVALID_HANDLE;
  }
  return {};
}

}  // namespace detail

}  // namespace zs
