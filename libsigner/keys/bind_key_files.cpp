#include "keys/bind_key_files.hpp"

#include <charconv>
#include <ctime>

#include "core/encoding.hpp"
#include "keys/key_state.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

namespace {

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "20261206154638 (Sun Dec  6 15:46:38 2026)" or "20261206154638": the first
// token, in YYYYMMDDHHMMSS. BIND writes 0 for a time it unset. The value is
// not quoted in errors: the line may sit in a .private file.
Result<std::optional<UnixTime>> bind_time(std::string_view value) {
  value = trim_blanks(value);
  const auto end = value.find_first_of(" \t(");
  std::string_view token = value.substr(0, end);
  if (token == "0") return std::optional<UnixTime>{};
  auto t = token.size() == 14 ? parse_time(token) : fail(Errc::key_store, "");
  if (!t) return fail(Errc::key_store, "not a time in BIND's form YYYYMMDDHHMMSS (UTC)");
  return std::optional<UnixTime>{*t};
}

using TimingField = std::optional<UnixTime> BindTiming::*;

// The field names of BIND's .private timing and .key comments, then those of
// its .state file, and where each goes.
TimingField timing_field(std::string_view name) {
  struct Entry {
    std::string_view name;
    TimingField field;
  };
  static constexpr Entry table[] = {
      {"Created", &BindTiming::created},        {"Generated", &BindTiming::created},
      {"Publish", &BindTiming::publish},        {"Published", &BindTiming::publish},
      {"Activate", &BindTiming::activate},      {"Active", &BindTiming::activate},
      {"Revoke", &BindTiming::revoke},          {"Revoked", &BindTiming::revoke},
      {"Inactive", &BindTiming::inactive},      {"Retired", &BindTiming::inactive},
      {"Delete", &BindTiming::remove},          {"Removed", &BindTiming::remove},
      {"SyncPublish", &BindTiming::sync_publish}, {"PublishCDS", &BindTiming::sync_publish},
      {"DSPublish", &BindTiming::ds_publish},
  };
  for (const auto& e : table)
    if (e.name == name) return e.field;
  return nullptr;
}

// Reads "Name: value" lines; `comments` says the lines are "; Name: value"
// (the .key file). Unknown names are left alone: BIND adds fields over time.
Result<BindTiming> read_timing_lines(std::string_view text, const std::string& display_name, bool comments) {
  BindTiming timing;
  std::uint32_t line_no = 0;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    ++line_no;
    line = trim_blanks(line);
    if (comments) {
      if (!line.starts_with(";")) continue;
      line = trim_blanks(line.substr(1));
    } else if (line.starts_with(";")) {
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = trim_blanks(line.substr(0, colon));
    const std::string_view value = trim_blanks(line.substr(colon + 1));
    if (name == "KSK" || name == "ZSK") {
      if (value != "yes" && value != "no")
        return fail(Errc::key_store, std::string(name) + ": expected yes or no", Location{display_name, line_no, 1});
      (name == "KSK" ? timing.ksk : timing.zsk) = value == "yes";
      continue;
    }
    auto field = timing_field(name);
    if (field == nullptr) continue;
    auto t = bind_time(value);
    if (!t) return fail(Errc::key_store, std::string(name) + ": " + t.error().message, Location{display_name, line_no, 1});
    timing.*field = *t;
  }
  return timing;
}

// "Sun Dec  6 15:46:38 2026", as BIND prints after a time for people.
std::string ctime_text(UnixTime t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  if (std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm) == 0) return {};
  return buf;
}

}  // namespace

void BindTiming::override_with(const BindTiming& other) {
  for (auto field : {&BindTiming::created, &BindTiming::publish, &BindTiming::activate, &BindTiming::revoke,
                     &BindTiming::inactive, &BindTiming::remove, &BindTiming::sync_publish, &BindTiming::ds_publish})
    if (other.*field) this->*field = other.*field;
  if (other.ksk) ksk = other.ksk;
  if (other.zsk) zsk = other.zsk;
}

std::optional<BindKeyName> parse_bind_key_name(std::string_view file_name) {
  std::string_view stem = file_name;
  for (std::string_view ext : {".key", ".private", ".state"})
    if (stem.ends_with(ext)) {
      stem.remove_suffix(ext.size());
      break;
    }
  if (!stem.starts_with("K") || stem.size() < 2) return std::nullopt;
  const auto tag_sep = stem.rfind('+');
  if (tag_sep == std::string_view::npos || tag_sep < 2) return std::nullopt;
  const auto alg_sep = stem.rfind('+', tag_sep - 1);
  if (alg_sep == std::string_view::npos || alg_sep < 1) return std::nullopt;
  unsigned alg = 0, tag = 0;
  const std::string_view alg_text = stem.substr(alg_sep + 1, tag_sep - alg_sep - 1);
  const std::string_view tag_text = stem.substr(tag_sep + 1);
  auto whole = [](std::string_view text, unsigned& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
  };
  if (!whole(alg_text, alg) || alg > 255 || !whole(tag_text, tag) || tag > 65535) return std::nullopt;
  BindKeyName out;
  out.zone = std::string(stem.substr(1, alg_sep - 1));
  out.algorithm = static_cast<Algorithm>(alg);
  out.tag = static_cast<std::uint16_t>(tag);
  out.stem = std::string(stem);
  return out;
}

std::string bind_key_stem(const Name& zone, Algorithm algorithm, std::uint16_t tag) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+%03u+%05u", static_cast<unsigned>(algorithm), static_cast<unsigned>(tag));
  return "K" + zone.lowercased().to_string() + buf;
}

Result<BindPublicFile> parse_bind_public_file(std::string_view text, const std::string& display_name,
                                              const Name& origin) {
  // A .key file states no TTL, which a master file needs: a $TTL line in
  // front, and errors moved back to the file's own line numbers.
  ParseOptions options{origin};
  options.input.allow_include = false;
  std::vector<Record> records;
  ZoneTextReader reader(display_name, options, [&records](Record&& r, const SourceFiles&) -> Result<void> {
    if (!records.empty()) return fail(Errc::key_store, "more than one record");
    records.push_back(std::move(r));
    return {};
  });
  auto shifted = [&](Error e) -> std::unexpected<Error> {
    if (e.where && e.where->file == display_name && e.where->line > 1) --e.where->line;
    return std::unexpected(std::move(e));
  };
  if (auto r = reader.read("$TTL 0\n"); !r) return shifted(std::move(r.error()));
  if (auto r = reader.read(text); !r) {
    if (r.error().code == Errc::key_store)
      return fail(Errc::key_store, "'" + display_name + "' holds more than one record; a key file holds one DNSKEY");
    return shifted(std::move(r.error()));
  }
  if (auto r = reader.finish(); !r) {
    if (r.error().code == Errc::no_soa) return fail(Errc::key_store, "'" + display_name + "' holds no DNSKEY record");
    return shifted(std::move(r.error()));
  }
  if (records.size() != 1 || records[0].type != RrType::DNSKEY)
    return fail(Errc::key_store, "'" + display_name + "' must hold exactly one DNSKEY record");
  auto key = Dnskey::from_rdata(records[0].rdata);
  if (!key) return shifted(Error(key.error().code, key.error().message,
                                 Location{display_name, records[0].src_line + 0, records[0].src_column}));
  auto timing = read_timing_lines(text, display_name, true);
  if (!timing) return std::unexpected(timing.error());
  return BindPublicFile{records[0].owner, std::move(*key), *timing};
}

Result<BindTiming> parse_bind_private_timing(std::string_view text, const std::string& display_name) {
  return read_timing_lines(text, display_name, false);
}

Result<BindTiming> parse_bind_state(std::string_view text, const std::string& display_name) {
  return read_timing_lines(text, display_name, false);
}

BindTiming bind_timing_of(const KeyInfo& info) {
  BindTiming t;
  auto at = [&info](const char* event) -> std::optional<UnixTime> {
    auto it = info.timestamps.find(event);
    if (it == info.timestamps.end()) return std::nullopt;
    return it->second;
  };
  t.created = at("created");
  t.publish = at("published");
  if (!t.publish) t.publish = at("dnskey-rumoured");
  t.activate = at("active");
  t.inactive = at("retired");
  t.remove = at("removed");
  t.sync_publish = at("ds-submitted");
  // A key from before record events: the zone showed it from its creation.
  bool any_record_event = false;
  for (RecordKind kind : all_record_kinds)
    for (RecordState st : {RecordState::rumoured, RecordState::omnipresent, RecordState::unretentive,
                           RecordState::hidden})
      any_record_event |= info.timestamps.contains(record_event_name(kind, st));
  if (!any_record_event && !info.timestamps.contains("planned") && t.created) {
    if (!t.publish) t.publish = t.created;
    if (!t.activate) t.activate = t.created;
  }
  return t;
}

namespace {

// The times BIND's files carry, by their field names, in the order BIND
// writes them; `emit(name, time)` for each one the key has.
template <typename Emit>
void for_each_bind_time(const BindTiming& t, Emit emit) {
  const std::pair<const char*, const std::optional<UnixTime>*> fields[] = {
      {"Created", &t.created}, {"Publish", &t.publish}, {"Activate", &t.activate},
      {"Inactive", &t.inactive}, {"Delete", &t.remove},  {"SyncPublish", &t.sync_publish},
  };
  for (const auto& [name, when] : fields)
    if (*when) emit(name, **when);
}

}  // namespace

std::string render_bind_public_file(const Name& zone, const KeyInfo& info) {
  const BindTiming t = bind_timing_of(info);
  std::string text = "; This is a ";
  text += info.role == Role::zsk ? "zone-signing" : "key-signing";
  text += " key, keyid " + std::to_string(info.tag) + ", for " + zone.lowercased().to_string() + "\n";
  for_each_bind_time(t, [&text](const char* name, UnixTime when) {
    text += std::string("; ") + name + ": " + format_time_compact(when) + " (" + ctime_text(when) + ")\n";
  });
  text += zone.lowercased().to_string() + " IN DNSKEY " + std::to_string(info.flags) + " 3 " +
          std::to_string(static_cast<unsigned>(info.algorithm)) + " " + to_base64(info.public_key) + "\n";
  return text;
}

std::string render_bind_private_timing(const KeyInfo& info) {
  const BindTiming t = bind_timing_of(info);
  std::string text;
  for_each_bind_time(t, [&text](const char* name, UnixTime when) {
    text += std::string(name) + ": " + format_time_compact(when) + "\n";
  });
  return text;
}

}  // namespace zs
