// SVCB/HTTPS SvcParams (RFC 9460 §2.1-2.2, §7, §8, Appendix A).
//
// Presentation: key=value pairs in any order; wire: sorted by key number,
// each key at most once. Values are <character-string>s whose escapes are
// decoded first; alpn and mandatory are then comma-separated value-lists in
// which "\," and "\\" stand for a literal comma and backslash (Appendix A.1).
#include <algorithm>
#include <map>

#include "core/encoding.hpp"
#include "dns/rdata_fields.hpp"

namespace zs::rdata_detail {

namespace {

enum : std::uint16_t {
  key_mandatory = 0,
  key_alpn = 1,
  key_no_default_alpn = 2,
  key_port = 3,
  key_ipv4hint = 4,
  key_ech = 5,
  key_ipv6hint = 6,
  key_dohpath = 7,  // RFC 9461
  key_ohttp = 8,    // RFC 9540
  key_invalid = 65535,
};

// Keys 0-6 are printed by name: BIND 9.18, Knot 3.2 and ldns 1.8 all know
// them. Later keys are printed as keyNNNNN, which every reader accepts.
constexpr std::string_view printed_names[] = {"mandatory", "alpn", "no-default-alpn", "port",
                                              "ipv4hint",  "ech",  "ipv6hint"};

std::optional<std::uint16_t> key_from_string(std::string_view s) {
  for (std::size_t i = 0; i < std::size(printed_names); ++i)
    if (s == printed_names[i]) return static_cast<std::uint16_t>(i);
  if (s == "dohpath") return key_dohpath;
  if (s == "ohttp") return key_ohttp;
  if (s.size() > 3 && s.substr(0, 3) == "key") {
    auto v = parse_decimal(s.substr(3), 65535);
    if (v) return static_cast<std::uint16_t>(*v);
  }
  return std::nullopt;
}

std::string key_to_string(std::uint16_t key) {
  if (key < std::size(printed_names)) return std::string(printed_names[key]);
  return "key" + std::to_string(key);
}

// Splits a decoded value-list at unescaped commas, resolving "\X" to "X".
// nullopt if an item is empty or a backslash dangles.
std::optional<std::vector<std::string>> split_value_list(const Bytes& value) {
  std::vector<std::string> items(1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = static_cast<char>(value[i]);
    if (c == '\\') {
      if (++i >= value.size()) return std::nullopt;
      items.back() += static_cast<char>(value[i]);
    } else if (c == ',') {
      items.emplace_back();
    } else {
      items.back() += c;
    }
  }
  for (const auto& item : items)
    if (item.empty()) return std::nullopt;
  return items;
}

// Splits plain comma lists (addresses, key names), where no escapes occur.
std::vector<std::string> split_commas(const Bytes& value) {
  std::vector<std::string> items(1);
  for (std::uint8_t c : value) {
    if (c == ',') items.emplace_back();
    else items.back() += static_cast<char>(c);
  }
  return items;
}

struct Param {
  std::uint16_t key;
  Bytes value;
  const Token* token;
};

Result<Bytes> encode_value(std::uint16_t key, bool has_value, const Bytes& raw, const Token& t) {
  auto bad = [&](std::string msg) { return token_error(Errc::bad_rdata, std::move(msg), t); };
  Bytes out;
  switch (key) {
    case key_mandatory: {
      if (raw.empty()) return bad("mandatory needs a list of keys");
      std::vector<std::uint16_t> keys;
      for (const auto& item : split_commas(raw)) {
        auto k = key_from_string(item);
        if (!k || *k == key_invalid) return bad("unknown key '" + item + "' in mandatory");
        if (*k == key_mandatory) return bad("mandatory must not list itself");
        keys.push_back(*k);
      }
      std::sort(keys.begin(), keys.end());
      if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) return bad("key listed twice in mandatory");
      for (auto k : keys) put_u16(out, k);
      return out;
    }
    case key_alpn: {
      auto ids = raw.empty() ? std::nullopt : split_value_list(raw);
      if (!ids) return bad("alpn needs a comma-separated list of non-empty protocol ids");
      for (const auto& id : *ids) {
        if (id.size() > 255) return token_error(Errc::text_too_long, "alpn id over 255 octets", t);
        put_u8(out, static_cast<std::uint8_t>(id.size()));
        put_bytes(out, to_bytes(id));
      }
      return out;
    }
    case key_no_default_alpn:
    case key_ohttp:
      if (!raw.empty()) return bad(key_to_string(key) + " takes no value");
      return out;
    case key_port: {
      auto v = parse_decimal(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()), 65535);
      if (!v) return bad("port needs a number 0..65535");
      put_u16(out, static_cast<std::uint16_t>(*v));
      return out;
    }
    case key_ipv4hint:
    case key_ipv6hint: {
      if (raw.empty()) return bad(key_to_string(key) + " needs a list of addresses");
      for (const auto& item : split_commas(raw)) {
        bool ok = key == key_ipv4hint ? parse_ipv4(item, out) : parse_ipv6(item, out);
        if (!ok) return bad("bad address '" + item + "' in " + key_to_string(key));
      }
      return out;
    }
    case key_ech: {
      auto d = from_base64(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
      if (!d || d->empty()) return bad("ech needs base64 data");
      return *d;
    }
    default:
      (void)has_value;
      return raw;
  }
}

}  // namespace

Result<void> parse_svcb_params(std::span<const Token> tokens, Bytes& out) {
  std::vector<Param> params;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    std::string_view text = t.text;
    std::size_t eq = text.find('=');
    std::string_view key_text = text.substr(0, eq);
    auto key = key_from_string(key_text);
    if (!key) return token_error(Errc::bad_rdata, "unknown SvcParamKey '" + std::string(key_text) + "'", t);
    if (*key == key_invalid) return token_error(Errc::bad_rdata, "key65535 is reserved", t);
    bool has_value = eq != std::string_view::npos;
    std::string_view value_text = has_value ? text.substr(eq + 1) : std::string_view();
    // A lexer may split `alpn="h2,h3"` into `alpn=` and a quoted token, or
    // keep the quotes inside one token; both mean the same value.
    if (has_value && value_text.empty() && i + 1 < tokens.size() && tokens[i + 1].quoted) {
      value_text = tokens[++i].text;
    } else if (value_text.size() >= 2 && value_text.front() == '"' && value_text.back() == '"') {
      value_text = value_text.substr(1, value_text.size() - 2);
    }
    auto raw = decode_escapes(value_text, t);
    if (!raw) return std::unexpected(raw.error());
    auto value = encode_value(*key, has_value, *raw, t);
    if (!value) return std::unexpected(value.error());
    if (value->size() > 65535) return token_error(Errc::bad_rdata, "SvcParam value too long", t);
    params.push_back({*key, std::move(*value), &t});
  }
  std::stable_sort(params.begin(), params.end(), [](const Param& a, const Param& b) { return a.key < b.key; });
  for (std::size_t i = 1; i < params.size(); ++i)
    if (params[i].key == params[i - 1].key)
      return token_error(Errc::bad_rdata, "SvcParamKey " + key_to_string(params[i].key) + " given twice",
                         *params[i].token);
  // RFC 9460 §7.1.1: no-default-alpn needs an alpn beside it (BIND 9.18
  // refuses the record otherwise).
  for (const auto& p : params)
    if (p.key == key_no_default_alpn &&
        std::none_of(params.begin(), params.end(), [](const Param& q) { return q.key == key_alpn; }))
      return token_error(Errc::bad_rdata, "no-default-alpn without alpn", *p.token);
  // RFC 9460 §8: every key that mandatory lists must be present.
  for (const auto& p : params) {
    if (p.key != key_mandatory) continue;
    for (std::size_t j = 0; j < p.value.size(); j += 2) {
      std::uint16_t k = get_u16(p.value.data() + j);
      bool present = std::any_of(params.begin(), params.end(), [&](const Param& q) { return q.key == k; });
      if (!present)
        return token_error(Errc::bad_rdata, "mandatory lists " + key_to_string(k) + ", which is absent", *p.token);
    }
  }
  for (const auto& p : params) {
    put_u16(out, p.key);
    put_u16(out, static_cast<std::uint16_t>(p.value.size()));
    put_bytes(out, p.value);
  }
  return {};
}

Result<void> check_svcb_params(BytesView params) {
  auto bad = [](std::string msg) { return fail(Errc::bad_rdata, std::move(msg)); };
  std::vector<std::uint16_t> keys;
  std::size_t pos = 0;
  BytesView mandatory;
  bool has_mandatory = false;
  while (pos < params.size()) {
    if (params.size() - pos < 4) return bad("truncated SvcParam");
    std::uint16_t key = get_u16(params.data() + pos);
    std::size_t len = get_u16(params.data() + pos + 2);
    pos += 4;
    if (params.size() - pos < len) return bad("SvcParam value runs past the end");
    BytesView v = params.subspan(pos, len);
    pos += len;
    if (!keys.empty() && key <= keys.back()) return bad("SvcParamKeys not in strictly increasing order");
    if (key == key_invalid) return bad("key65535 is reserved");
    keys.push_back(key);
    switch (key) {
      case key_mandatory:
        if (v.empty() || v.size() % 2 != 0) return bad("bad mandatory length");
        for (std::size_t i = 0; i < v.size(); i += 2) {
          std::uint16_t k = get_u16(v.data() + i);
          if (k == key_mandatory) return bad("mandatory lists itself");
          if (i > 0 && k <= get_u16(v.data() + i - 2)) return bad("mandatory keys not sorted and unique");
        }
        mandatory = v;
        has_mandatory = true;
        break;
      case key_alpn: {
        if (v.empty()) return bad("empty alpn");
        std::size_t p = 0;
        while (p < v.size()) {
          if (v[p] == 0 || v.size() - p - 1 < v[p]) return bad("bad alpn id");
          p += 1u + v[p];
        }
        break;
      }
      case key_no_default_alpn:
      case key_ohttp:
        if (!v.empty()) return bad(key_to_string(key) + " with a value");
        break;
      case key_port:
        if (v.size() != 2) return bad("bad port length");
        break;
      case key_ipv4hint:
        if (v.empty() || v.size() % 4 != 0) return bad("bad ipv4hint length");
        break;
      case key_ech:
        if (v.empty()) return bad("empty ech");
        break;
      case key_ipv6hint:
        if (v.empty() || v.size() % 16 != 0) return bad("bad ipv6hint length");
        break;
      default:
        break;
    }
  }
  if (std::binary_search(keys.begin(), keys.end(), std::uint16_t{key_no_default_alpn}) &&
      !std::binary_search(keys.begin(), keys.end(), std::uint16_t{key_alpn}))
    return bad("no-default-alpn without alpn");
  if (has_mandatory)
    for (std::size_t i = 0; i < mandatory.size(); i += 2)
      if (!std::binary_search(keys.begin(), keys.end(), get_u16(mandatory.data() + i)))
        return bad("mandatory lists an absent key");
  return {};
}

std::string svcb_params_to_string(BytesView params) {
  std::string out;
  std::size_t pos = 0;
  while (pos + 4 <= params.size()) {
    std::uint16_t key = get_u16(params.data() + pos);
    std::size_t len = get_u16(params.data() + pos + 2);
    BytesView v = params.subspan(pos + 4, len);
    pos += 4 + len;
    if (!out.empty()) out += ' ';
    out += key_to_string(key);
    switch (key) {
      case key_mandatory:
        out += '=';
        for (std::size_t i = 0; i < v.size(); i += 2) {
          if (i > 0) out += ',';
          out += key_to_string(get_u16(v.data() + i));
        }
        break;
      case key_alpn: {
        // Value-list escaping first ("\," and "\\"), then <character-string>
        // escaping of the whole, quoted.
        Bytes list;
        std::size_t p = 0;
        while (p < v.size()) {
          if (p > 0) list.push_back(',');
          for (std::size_t i = p + 1; i <= p + v[p]; ++i) {
            if (v[i] == ',' || v[i] == '\\') list.push_back('\\');
            list.push_back(v[i]);
          }
          p += 1u + v[p];
        }
        out += '=';
        append_quoted(out, list);
        break;
      }
      case key_no_default_alpn:
        break;
      case key_port:
        out += '=' + std::to_string(get_u16(v.data()));
        break;
      case key_ipv4hint:
      case key_ipv6hint: {
        std::size_t step = key == key_ipv4hint ? 4 : 16;
        out += '=';
        for (std::size_t i = 0; i < v.size(); i += step) {
          if (i > 0) out += ',';
          out += step == 4 ? ipv4_to_string(v.data() + i) : ipv6_to_string(v.data() + i);
        }
        break;
      }
      case key_ech:
        out += '=' + to_base64(v);
        break;
      default:
        if (!v.empty()) {
          out += '=';
          append_quoted(out, v);
        }
        break;
    }
  }
  return out;
}

}  // namespace zs::rdata_detail
