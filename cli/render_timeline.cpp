#include "render_timeline.hpp"

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace zs::cli {

namespace {

nlohmann::ordered_json period_json(const std::optional<TimelinePeriod>& p) {
  if (!p) return nullptr;
  return {{"from", format_time(p->from)},
          {"to", p->to ? nlohmann::ordered_json(format_time(*p->to)) : nlohmann::ordered_json(nullptr)}};
}

}  // namespace

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
                             {"text", timeline_event_text(e.kind, k.role)}});
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

}  // namespace zs::cli
