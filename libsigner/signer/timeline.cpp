#include "signer/timeline.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "keys/key_state.hpp"
#include "keys/rollover.hpp"

namespace zs {

namespace {

constexpr int max_months = 120;
// A plan is for people to read; a run-interval of seconds over years would
// take minutes of planning and say nothing more.
constexpr std::int64_t max_runs = 200000;
// Confirmations due at the moment of a run make the run plan again (the
// operator's `rollover --ds-seen` is a run of its own); bounded because each
// pass can only confirm what the previous pass asked for.
constexpr int max_passes_per_moment = 8;

constexpr std::array<TimelineEventKind, 11> all_event_kinds = {
    TimelineEventKind::created,          TimelineEventKind::dnskey_published, TimelineEventKind::signing_starts,
    TimelineEventKind::ds_submitted,     TimelineEventKind::ds_seen,          TimelineEventKind::retired,
    TimelineEventKind::signing_stops,    TimelineEventKind::ds_withdrawal,    TimelineEventKind::ds_withdrawn,
    TimelineEventKind::dnskey_withdrawn, TimelineEventKind::removed};

RecordKind signing_record(Role role) { return role == Role::ksk ? RecordKind::krrsig : RecordKind::zrrsig; }

std::optional<UnixTime> stamp(const KeyInfo& key, const std::string& name) {
  auto it = key.timestamps.find(name);
  if (it == key.timestamps.end()) return std::nullopt;
  return it->second;
}

// The stored event that marks `kind` for `key`, if the key has it.
std::optional<UnixTime> event_time(const KeyInfo& key, TimelineEventKind kind) {
  switch (kind) {
    case TimelineEventKind::created: return stamp(key, "created");
    case TimelineEventKind::dnskey_published:
      return stamp(key, record_event_name(RecordKind::dnskey, RecordState::rumoured));
    case TimelineEventKind::signing_starts: return stamp(key, "active");
    case TimelineEventKind::ds_submitted:
      if (!record_applies(key.role, RecordKind::ds)) return std::nullopt;
      return stamp(key, "ds-submitted");
    case TimelineEventKind::ds_seen: return stamp(key, "ds-seen");
    case TimelineEventKind::retired: return stamp(key, "retired");
    case TimelineEventKind::signing_stops:
      return stamp(key, record_event_name(signing_record(key.role), RecordState::unretentive));
    case TimelineEventKind::ds_withdrawal:
      if (!record_applies(key.role, RecordKind::ds)) return std::nullopt;
      return stamp(key, record_event_name(RecordKind::ds, RecordState::unretentive));
    case TimelineEventKind::ds_withdrawn: return stamp(key, "ds-withdrawn");
    case TimelineEventKind::dnskey_withdrawn:
      return stamp(key, record_event_name(RecordKind::dnskey, RecordState::unretentive));
    case TimelineEventKind::removed: return stamp(key, "removed");
  }
  return std::nullopt;
}

std::optional<TimelinePeriod> period(std::optional<UnixTime> from, std::optional<UnixTime> to) {
  if (!from) return std::nullopt;
  // An end before the start belongs to an earlier cycle of the record (a
  // state file edited by hand): the period is still open.
  if (to && *to < *from) to.reset();
  return TimelinePeriod{*from, to};
}

TimelineKey lane_of(const KeyInfo& key, std::string label, bool assumed) {
  TimelineKey lane;
  lane.label = std::move(label);
  if (!assumed) lane.tag = key.tag;
  lane.role = key.role;
  lane.algorithm = key.algorithm;
  auto ev = [&key](RecordKind r, RecordState s) { return stamp(key, record_event_name(r, s)); };
  lane.published =
      period(ev(RecordKind::dnskey, RecordState::rumoured), ev(RecordKind::dnskey, RecordState::unretentive));
  lane.cached = period(ev(RecordKind::dnskey, RecordState::unretentive), ev(RecordKind::dnskey, RecordState::hidden));
  const RecordKind sig = signing_record(key.role);
  lane.signing = period(ev(sig, RecordState::rumoured), ev(sig, RecordState::unretentive));
  if (record_applies(key.role, RecordKind::ds)) {
    // A request ends when the parent serves the DS, or when the zone stops
    // asking for it before that.
    auto requested_until = stamp(key, "ds-seen");
    if (!requested_until) requested_until = ev(RecordKind::ds, RecordState::unretentive);
    lane.ds_requested = period(ev(RecordKind::ds, RecordState::rumoured), requested_until);
    lane.ds = period(stamp(key, "ds-seen"), stamp(key, "ds-withdrawn"));
  }
  return lane;
}

struct Confirmation {
  UnixTime at = 0;
  std::uint16_t tag = 0;
  OperatorTaskKind kind = OperatorTaskKind::submit_ds;
};

}  // namespace

std::string_view timeline_event_name(TimelineEventKind kind) noexcept {
  switch (kind) {
    case TimelineEventKind::created: return "created";
    case TimelineEventKind::dnskey_published: return "dnskey-published";
    case TimelineEventKind::signing_starts: return "signing-starts";
    case TimelineEventKind::ds_submitted: return "ds-submitted";
    case TimelineEventKind::ds_seen: return "ds-seen";
    case TimelineEventKind::retired: return "retired";
    case TimelineEventKind::signing_stops: return "signing-stops";
    case TimelineEventKind::ds_withdrawal: return "ds-withdrawal";
    case TimelineEventKind::ds_withdrawn: return "ds-withdrawn";
    case TimelineEventKind::dnskey_withdrawn: return "dnskey-withdrawn";
    case TimelineEventKind::removed: return "removed";
  }
  return "?";
}

bool timeline_event_is_task(TimelineEventKind kind) noexcept {
  return kind == TimelineEventKind::ds_submitted || kind == TimelineEventKind::ds_withdrawal;
}

UnixTime add_months(UnixTime t, int months) {
  using namespace std::chrono;
  const sys_seconds tp{seconds{t}};
  const sys_days day = floor<days>(tp);
  const seconds time_of_day = tp - day;
  year_month_day ymd = year_month_day{day} + std::chrono::months{months};
  sys_days target = ymd.ok() ? sys_days{ymd} : sys_days{ymd.year() / ymd.month() / last};
  return (target + time_of_day).time_since_epoch().count();
}

UnixTime month_start(UnixTime t) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_seconds{seconds{t}})};
  return duration_cast<seconds>(sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch()).count();
}

Result<Timeline> simulate_timeline(const std::vector<KeyInfo>& stored, const Policy& policy, const std::string& zone,
                                   UnixTime now, int months) {
  if (months < 1 || months > max_months)
    return fail(Errc::usage, "--months: " + std::to_string(months) + " is not between 1 and " +
                                 std::to_string(max_months));
  if (policy.run_interval <= 0) return fail(Errc::usage, "run-interval must be positive to plan");
  Timeline tl;
  tl.zone = zone;
  tl.now = now;
  tl.start = month_start(now);
  tl.end = add_months(now, months);
  tl.months = months;
  tl.run_interval = policy.run_interval;
  tl.parent_delay = policy.delays.parent_propagation;
  if ((tl.end - now) / policy.run_interval > max_runs)
    return fail(Errc::usage, "a plan of " + std::to_string(months) + " months with run-interval " +
                                 format_duration(policy.run_interval) + " would simulate more than " +
                                 std::to_string(max_runs) + " runs: ask for fewer months");

  // The planner's working list. Removed keys are history (the planner skips
  // them) and leave it, so a policy with hour-long lifetimes does not make
  // every later run walk thousands of dead keys.
  std::vector<KeyInfo> keys = stored;
  struct Meta {
    std::string label;
    bool assumed = false;
    std::size_t seq = 0;  // order of appearance: the lane order
  };
  std::vector<Meta> meta;
  std::vector<std::pair<KeyInfo, Meta>> history;
  std::size_t seq = 0;
  for (const KeyInfo& k : keys)
    meta.push_back(Meta{std::string(role_name(k.role)) + " " + std::to_string(k.tag), false, seq++});
  std::set<std::uint16_t> used;
  for (const KeyInfo& k : keys) used.insert(k.tag);
  // Made-up tags count down from the top, skipping stored ones and live
  // made-up ones, so a made-up key never shadows another in the planner's
  // by-tag references; a removed made-up key's tag may come round again
  // (the planner ignores removed keys), as it does in a long plan.
  std::uint16_t next_tag = 65535;
  std::array<int, 3> per_role{};
  const KeyFactory make = [&](const NewKey& nk, UnixTime t) -> Result<std::uint16_t> {
    for (int tries = 0; used.contains(next_tag) || next_tag == 0; ++tries) {
      if (tries > 65536) return fail(Errc::internal, "the plan ran out of placeholder key tags");
      next_tag = next_tag == 0 ? 65535 : static_cast<std::uint16_t>(next_tag - 1);
    }
    KeyInfo k;
    k.role = nk.role;
    k.algorithm = nk.algorithm;
    k.bits = nk.bits;
    k.tag = next_tag;
    k.flags = nk.role == Role::zsk ? dnskey_flag_zone : static_cast<std::uint16_t>(dnskey_flag_zone | dnskey_flag_sep);
    k.timestamps["created"] = t;
    used.insert(k.tag);
    const int n = ++per_role[static_cast<std::size_t>(nk.role)];
    meta.push_back(Meta{std::string(role_name(nk.role)) + "#" + std::to_string(n), true, seq++});
    keys.push_back(std::move(k));
    return next_tag;
  };
  const auto prune = [&](UnixTime t) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (auto removed = stamp(keys[i], "removed"); removed && *removed <= t) {
        if (meta[i].assumed) used.erase(keys[i].tag);
        history.emplace_back(std::move(keys[i]), std::move(meta[i]));
        continue;
      }
      if (kept != i) {
        keys[kept] = std::move(keys[i]);
        meta[kept] = std::move(meta[i]);
      }
      ++kept;
    }
    keys.resize(kept);
    meta.resize(kept);
  };

  std::vector<Confirmation> pending;
  UnixTime t = now;
  while (t < tl.end) {
    std::optional<UnixTime> next_due;
    for (int pass = 0; pass < max_passes_per_moment; ++pass) {
      for (auto it = pending.begin(); it != pending.end();) {
        if (it->at > t) {
          ++it;
          continue;
        }
        // A confirmation the key no longer waits for (its DS left CDS before
        // the parent acted) is the parent following CDS: nothing to record.
        if (it->kind == OperatorTaskKind::submit_ds) (void)record_ds_seen(keys, it->tag, t);
        else (void)record_ds_withdrawn(keys, it->tag, t);
        it = pending.erase(it);
      }
      auto p = plan(keys, policy, t);
      if (!p) return std::unexpected(p.error());
      if (tl.runs == 0)
        for (const auto& task : p->operator_tasks) {
          tl.operator_tasks.push_back(task.text);
          tl.tasks.push_back(task);
        }
      auto created = apply_plan(*p, keys, make);
      if (!created) return std::unexpected(created.error());
      ++tl.runs;
      next_due = p->next_due;
      bool due_now = false;
      for (const OperatorTask& task : p->operator_tasks) {
        const std::uint16_t tag = task.key.new_key ? created->at(*task.key.new_key) : task.key.tag;
        const bool known = std::any_of(pending.begin(), pending.end(), [&](const Confirmation& c) {
          return c.tag == tag && c.kind == task.kind;
        });
        if (known) continue;
        const UnixTime at = std::max(task.since + tl.parent_delay, t);
        pending.push_back(Confirmation{at, tag, task.kind});
        due_now = due_now || at <= t;
      }
      if (!due_now) break;
    }
    prune(t);
    UnixTime next = t + policy.run_interval;
    if (next_due && *next_due > t) next = std::min(next, *next_due);
    for (const Confirmation& c : pending)
      if (c.at > t) next = std::min(next, c.at);
    t = next;
  }

  for (std::size_t i = 0; i < keys.size(); ++i) history.emplace_back(std::move(keys[i]), std::move(meta[i]));
  std::sort(history.begin(), history.end(), [](const auto& a, const auto& b) { return a.second.seq < b.second.seq; });
  for (const auto& [k, m] : history) {
    if (auto removed = stamp(k, "removed"); removed && *removed < now) continue;
    const std::size_t lane = tl.keys.size();
    tl.keys.push_back(lane_of(k, m.label, m.assumed));
    for (TimelineEventKind kind : all_event_kinds)
      if (auto at = event_time(k, kind); at && *at >= now && *at < tl.end)
        tl.events.push_back(TimelineEvent{*at, lane, kind});
  }
  std::sort(tl.events.begin(), tl.events.end(), [](const TimelineEvent& a, const TimelineEvent& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.key != b.key) return a.key < b.key;
    return a.kind < b.kind;
  });
  return tl;
}

Result<Timeline> zone_timeline(const Name& origin, const std::string& key_dir, const Policy& policy, UnixTime now,
                               int months) {
  std::error_code ec;
  const auto folder = std::filesystem::path(key_dir) / KeyStore::folder_name(origin);
  if (!std::filesystem::is_directory(folder, ec))
    return simulate_timeline({}, policy, origin.to_string(), now, months);
  // Read-only: no lock, nothing created (state.yaml is replaced atomically,
  // so a concurrent run is never read half-way).
  auto store = KeyStore::open_read_only(key_dir, origin);
  if (!store) return std::unexpected(store.error());
  return simulate_timeline(store->keys(), policy, origin.to_string(), now, months);
}

namespace {

std::string event_text(TimelineEventKind kind, Role role) {
  switch (kind) {
    case TimelineEventKind::created: return "created";
    case TimelineEventKind::dnskey_published: return "DNSKEY published";
    case TimelineEventKind::signing_starts:
      return role == Role::ksk ? "starts signing the DNSKEY RRset" : "starts signing the zone";
    case TimelineEventKind::ds_submitted: return "DS in CDS: the operator submits it to the parent";
    case TimelineEventKind::ds_seen: return "DS served by the parent (assumed)";
    case TimelineEventKind::retired: return "retired";
    case TimelineEventKind::signing_stops: return "stops signing";
    case TimelineEventKind::ds_withdrawal: return "DS out of CDS: the operator withdraws it at the parent";
    case TimelineEventKind::ds_withdrawn: return "DS gone from the parent (assumed)";
    case TimelineEventKind::dnskey_withdrawn: return "DNSKEY withdrawn from the zone";
    case TimelineEventKind::removed: return "removed: it has left every cache";
  }
  return "?";
}

nlohmann::ordered_json period_json(const std::optional<TimelinePeriod>& p) {
  if (!p) return nullptr;
  return {{"from", format_time(p->from)},
          {"to", p->to ? nlohmann::ordered_json(format_time(*p->to)) : nlohmann::ordered_json(nullptr)}};
}

}  // namespace

std::string timeline_text(const Timeline& tl) {
  std::string out = "key events for " + tl.zone + " from " + format_time(tl.now) + " to " + format_time(tl.end) +
                    " (" + std::to_string(tl.months) + " months; a run every " + format_duration(tl.run_interval) +
                    ", the parent acting " + format_duration(tl.parent_delay) + " after each DS request)\n";
  std::size_t width = 3;
  for (const auto& k : tl.keys) width = std::max(width, k.label.size());
  auto pad = [width](const std::string& s) { return s + std::string(width - s.size(), ' '); };
  if (tl.events.empty()) {
    out += "no key events\n";
  } else {
    out += "time                  " + pad("key") + "  event\n";
    for (const auto& e : tl.events) {
      const TimelineKey& k = tl.keys[e.key];
      out += format_time(e.at) + "  " + pad(k.label) + "  " + event_text(e.kind, k.role) + "\n";
    }
  }
  if (std::any_of(tl.keys.begin(), tl.keys.end(), [](const TimelineKey& k) { return !k.tag; }))
    out += "keys named with a # (zsk#1) do not exist yet: the plan assumes them; their tags are chosen when they "
           "are made\n";
  for (const auto& t : tl.operator_tasks) out += "action needed now: " + t + "\n";
  return out;
}

std::string timeline_json(const Timeline& tl, const std::optional<std::string>& svg_path) {
  nlohmann::ordered_json doc;
  doc["zone"] = tl.zone;
  doc["now"] = format_time(tl.now);
  doc["end"] = format_time(tl.end);
  doc["months"] = tl.months;
  doc["run_interval"] = format_duration(tl.run_interval);
  doc["parent_delay"] = format_duration(tl.parent_delay);
  doc["runs"] = tl.runs;
  doc["keys"] = nlohmann::ordered_json::array();
  for (const auto& k : tl.keys) {
    nlohmann::ordered_json key;
    key["key"] = k.label;
    key["tag"] = k.tag ? nlohmann::ordered_json(*k.tag) : nlohmann::ordered_json(nullptr);
    key["assumed"] = !k.tag;
    key["role"] = std::string(role_name(k.role));
    key["algorithm"] = algorithm_name(k.algorithm);
    key["published"] = period_json(k.published);
    key["cached"] = period_json(k.cached);
    key["signing"] = period_json(k.signing);
    key["ds_requested"] = period_json(k.ds_requested);
    key["ds"] = period_json(k.ds);
    doc["keys"].push_back(std::move(key));
  }
  doc["events"] = nlohmann::ordered_json::array();
  for (const auto& e : tl.events) {
    const TimelineKey& k = tl.keys[e.key];
    doc["events"].push_back({{"time", format_time(e.at)},
                             {"key", k.label},
                             {"event", std::string(timeline_event_name(e.kind))},
                             {"operator", timeline_event_is_task(e.kind)},
                             {"text", event_text(e.kind, k.role)}});
  }
  doc["operator_tasks"] = tl.operator_tasks;
  doc["svg"] = svg_path ? nlohmann::ordered_json(*svg_path) : nlohmann::ordered_json(nullptr);
  return doc.dump(2) + "\n";
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters other than tab and newline are not allowed in
        // XML 1.0 at all, not even escaped (zone names can carry them as \DDD).
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') out += '?';
        else out += c;
    }
  }
  return out;
}

namespace {

// The picture's geometry, in pixels.
constexpr std::int64_t label_width = 170;
constexpr std::int64_t plot_width = 900;
constexpr std::int64_t right_margin = 30;
constexpr std::int64_t plot_top = 64;
constexpr std::int64_t lane_height = 40;
constexpr std::int64_t legend_height = 86;

struct Colour {
  const char* fill;
  const char* name;
};
constexpr Colour published_colour{"#3b7dd8", "DNSKEY in the zone"};
constexpr Colour cached_colour{"#a8c6ee", "DNSKEY withdrawn, still in caches"};
constexpr Colour signing_colour{"#2e9e4f", "signing (KSK: the DNSKEY RRset)"};
constexpr Colour requested_colour{"#f3c26b", "DS in CDS, not yet at the parent"};
constexpr Colour ds_colour{"#c8661e", "DS at the parent"};

// Coordinates are kept in tenths of a pixel as integers, so the bytes of the
// picture never depend on floating-point formatting.
std::string px(std::int64_t tenths) {
  std::string out = tenths < 0 ? "-" : "";
  const std::int64_t a = tenths < 0 ? -tenths : tenths;
  out += std::to_string(a / 10);
  if (a % 10 != 0) out += "." + std::to_string(a % 10);
  return out;
}

struct Scale {
  UnixTime start = 0, end = 0;
  std::int64_t x(UnixTime t) const {
    t = std::clamp(t, start, end);
    return label_width * 10 + (t - start) * plot_width * 10 / (end - start);
  }
};

void bar(std::string& out, const Scale& s, const std::optional<TimelinePeriod>& p, std::int64_t y_tenths,
         std::int64_t h_tenths, const Colour& colour, bool assumed, std::string_view what) {
  if (!p) return;
  const UnixTime to = p->to.value_or(s.end);
  if (to < s.start || p->from >= s.end) return;
  const std::int64_t x1 = s.x(p->from);
  // An instant still gets a sliver, so a short period is visible.
  const std::int64_t w = std::max<std::int64_t>(s.x(to) - x1, 10);
  out += "    <rect x=\"" + px(x1) + "\" y=\"" + px(y_tenths) + "\" width=\"" + px(w) + "\" height=\"" + px(h_tenths) +
         "\" fill=\"" + colour.fill + "\"";
  if (assumed) out += " fill-opacity=\"0.65\"";
  out += "><title>" + xml_escape(std::string(what) + ": " + format_time(p->from) + " to " +
                                 (p->to ? format_time(*p->to) : std::string("after the plan"))) +
         "</title></rect>\n";
}

}  // namespace

std::string timeline_svg(const Timeline& tl) {
  const Scale s{tl.start, tl.end};
  const std::int64_t lanes_bottom = plot_top + static_cast<std::int64_t>(tl.keys.size()) * lane_height;
  const std::int64_t width = label_width + plot_width + right_margin;
  const std::int64_t height = lanes_bottom + 16 + legend_height;
  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
         std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  const std::string title = "Key plan for " + tl.zone + ", " + format_time(tl.now) + " to " + format_time(tl.end);
  out += "  <title>" + xml_escape(title) + "</title>\n";
  out += "  <rect width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" fill=\"#ffffff\"/>\n";
  out += "  <text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">" + xml_escape(title) + "</text>\n";

  // Lane backgrounds first, so the month lines stay visible across them.
  out += "  <g class=\"stripes\">\n";
  for (std::size_t i = 0; i < tl.keys.size(); ++i)
    out += "    <rect x=\"0\" y=\"" + std::to_string(plot_top + static_cast<std::int64_t>(i) * lane_height) +
           "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(lane_height) + "\" fill=\"" +
           (i % 2 == 0 ? "#f3f3f3" : "#ffffff") + "\"/>\n";
  out += "  </g>\n";

  // Month ticks; only every k-th is labelled, so that labels ("2026-01",
  // about 50 px at 12 px sans-serif) stay at least 64 px apart and never overlap.
  out += "  <g class=\"axis\" stroke=\"#d0d0d0\">\n";
  constexpr std::int64_t label_spacing = 64;
  const int label_every =
      static_cast<int>(std::max<std::int64_t>(1, (tl.months * label_spacing + plot_width - 1) / plot_width));
  int index = 0;
  for (UnixTime m = month_start(tl.start); m <= tl.end; m = add_months(m, 1), ++index) {
    if (m < tl.start) continue;
    const std::string x = px(s.x(m));
    out += "    <line x1=\"" + x + "\" y1=\"" + std::to_string(plot_top - 10) + "\" x2=\"" + x + "\" y2=\"" +
           std::to_string(lanes_bottom) + "\"/>\n";
    if (index % label_every == 0)
      out += "    <text x=\"" + x + "\" y=\"" + std::to_string(plot_top - 14) +
             "\" stroke=\"none\" fill=\"#333333\" text-anchor=\"middle\">" + format_time(m).substr(0, 7) +
             "</text>\n";
  }
  out += "  </g>\n";

  for (std::size_t i = 0; i < tl.keys.size(); ++i) {
    const TimelineKey& k = tl.keys[i];
    const std::int64_t top = plot_top + static_cast<std::int64_t>(i) * lane_height;
    const bool assumed = !k.tag;
    out += "  <g class=\"lane\">\n";
    out += "    <text x=\"10\" y=\"" + std::to_string(top + 18) + "\"" + (assumed ? " font-style=\"italic\"" : "") +
           ">" + xml_escape(k.label) + "</text>\n";
    out += "    <text x=\"10\" y=\"" + std::to_string(top + 32) + "\" font-size=\"10\" fill=\"#666666\">" +
           xml_escape(algorithm_name(k.algorithm)) + "</text>\n";
    const std::int64_t y = top * 10;
    bar(out, s, k.published, y + 50, 100, published_colour, assumed, k.label + " DNSKEY in the zone");
    bar(out, s, k.cached, y + 50, 100, cached_colour, assumed, k.label + " DNSKEY still in caches");
    bar(out, s, k.signing, y + 170, 100, signing_colour, assumed, k.label + " signing");
    bar(out, s, k.ds_requested, y + 290, 80, requested_colour, assumed, k.label + " DS requested");
    bar(out, s, k.ds, y + 290, 80, ds_colour, assumed, k.label + " DS at the parent");
    out += "  </g>\n";
  }

  const std::string now_x = px(s.x(tl.now));
  out += "  <line class=\"now\" x1=\"" + now_x + "\" y1=\"" + std::to_string(plot_top - 10) + "\" x2=\"" + now_x +
         "\" y2=\"" + std::to_string(lanes_bottom) + "\" stroke=\"#d62728\" stroke-width=\"2\" "
         "stroke-dasharray=\"5 3\"/>\n";
  out += "  <text x=\"" + now_x + "\" y=\"" + std::to_string(lanes_bottom + 13) +
         "\" fill=\"#d62728\" text-anchor=\"middle\">now</text>\n";

  out += "  <g class=\"legend\">\n";
  std::int64_t ly = lanes_bottom + 30;
  std::int64_t lx = 10;
  int column = 0;
  for (const Colour* c : {&published_colour, &cached_colour, &signing_colour, &requested_colour, &ds_colour}) {
    out += "    <rect x=\"" + std::to_string(lx) + "\" y=\"" + std::to_string(ly - 9) +
           "\" width=\"18\" height=\"10\" fill=\"" + c->fill + "\"/>\n";
    out += "    <text x=\"" + std::to_string(lx + 24) + "\" y=\"" + std::to_string(ly) + "\">" + xml_escape(c->name) +
           "</text>\n";
    if (++column == 3) {
      column = 0;
      lx = 10;
      ly += 20;
    } else {
      lx += 300;
    }
  }
  out += "    <line x1=\"" + std::to_string(lx + 9) + "\" y1=\"" + std::to_string(ly - 11) + "\" x2=\"" +
         std::to_string(lx + 9) + "\" y2=\"" + std::to_string(ly + 2) +
         "\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n";
  out += "    <text x=\"" + std::to_string(lx + 24) + "\" y=\"" + std::to_string(ly) + "\">now</text>\n";
  out += "    <text x=\"10\" y=\"" + std::to_string(ly + 22) + "\" font-style=\"italic\" fill=\"#444444\">" +
         "Italic names and pale bars: keys the plan assumes (not made yet). The parent is assumed to act " +
         xml_escape(format_duration(tl.parent_delay)) + " after each DS request.</text>\n";
  out += "  </g>\n";
  out += "</svg>\n";
  return out;
}

}  // namespace zs
