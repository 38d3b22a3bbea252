#include "core/error.hpp"

namespace zs {

std::string_view errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::usage: return "usage";
    case Errc::io: return "io";
    case Errc::syntax: return "syntax";
    case Errc::unterminated: return "unterminated";
    case Errc::bad_name: return "bad-name";
    case Errc::label_too_long: return "label-too-long";
    case Errc::name_too_long: return "name-too-long";
    case Errc::bad_ttl: return "bad-ttl";
    case Errc::bad_class: return "bad-class";
    case Errc::bad_type: return "bad-type";
    case Errc::bad_rdata: return "bad-rdata";
    case Errc::text_too_long: return "text-too-long";
    case Errc::bad_directive: return "bad-directive";
    case Errc::include_loop: return "include-loop";
    case Errc::include_depth: return "include-depth";
    case Errc::no_origin: return "no-origin";
    case Errc::no_ttl: return "no-ttl";
    case Errc::no_soa: return "no-soa";
    case Errc::multiple_soa: return "multiple-soa";
    case Errc::soa_not_at_apex: return "soa-not-at-apex";
    case Errc::no_apex_ns: return "no-apex-ns";
    case Errc::cname_conflict: return "cname-conflict";
    case Errc::cname_at_apex: return "cname-at-apex";
    case Errc::out_of_zone: return "out-of-zone";
    case Errc::missing_glue: return "missing-glue";
    case Errc::ds_at_apex: return "ds-at-apex";
    case Errc::dname_conflict: return "dname-conflict";
    case Errc::wildcard_ns: return "wildcard-ns";
    case Errc::crypto: return "crypto";
    case Errc::key_store: return "key-store";
    case Errc::policy: return "policy";
    case Errc::verify: return "verify";
    case Errc::internal: return "internal";
    case Errc::state_not_saved: return "state-not-saved";
    case Errc::limit: return "limit";
    case Errc::include_denied: return "include-denied";
  }
  return "internal";
}

std::string Location::prefix() const {
  if (file.empty()) return {};
  std::string out = file;
  if (line != 0) {
    out += ':' + std::to_string(line);
    if (column != 0) out += ':' + std::to_string(column);
  }
  return out + ": ";
}

std::string Error::to_string() const {
  std::string out = where ? where->prefix() : std::string();
  out += "error: ";
  out += message;
  for (const auto& layer : context) {
    out += "\n  (";
    out += layer;
    out += ')';
  }
  return out;
}

}  // namespace zs
