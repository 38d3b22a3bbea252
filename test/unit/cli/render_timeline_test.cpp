// The front end's rendering of a key plan (cli/render_timeline.hpp): the SVG
// picture and the JSON document of `plan`, from plans the library simulates.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "render_timeline.hpp"
#include "signer/timeline.hpp"

using namespace zs;
using namespace zs::cli;

namespace {

constexpr UnixTime t0 = 1767225600;  // 2026-01-01T00:00:00Z

std::size_t count_substr(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the SVG is the same bytes every time and has one lane per key") {
  const Policy policy = default_policy();
  auto a = simulate_timeline({}, policy, "example.com.", t0 + 12345, 14);
  auto b = simulate_timeline({}, policy, "example.com.", t0 + 12345, 14);
  REQUIRE(a);
  REQUIRE(b);
  const std::string svg = timeline_svg(*a);
  CHECK(svg == timeline_svg(*b));
  CHECK(timeline_json(*a, "x.svg") == timeline_json(*b, "x.svg"));
  CHECK(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0) == 0);
  CHECK(svg.ends_with("</svg>\n"));
  CHECK(count_substr(svg, "<g class=\"lane\">") == a->keys.size());
  CHECK(a->keys.size() == 7);  // ksk#1, ksk#2 (365d falls inside 14 months), zsk#1..zsk#5
  CHECK(count_substr(svg, "class=\"now\"") == 1);
  // 14 months from mid-January: ticks on the first of February .. March of next year.
  CHECK(count_substr(svg, "text-anchor=\"middle\">2026-02<") == 1);
  CHECK(count_substr(svg, "text-anchor=\"middle\">2027-03<") == 1);
  CHECK(count_substr(svg, "text-anchor=\"middle\">2027-04<") == 0);
  // Every opened element is closed or self-closed: a cheap well-formedness check
  // (the integration scenario runs a real XML parser).
  CHECK(count_substr(svg, "<g ") == count_substr(svg, "</g>"));
  CHECK(count_substr(svg, "<text ") == count_substr(svg, "</text>"));
}

TEST_CASE("text in the SVG is escaped") {
  CHECK(xml_escape("a&b<c>\"d'") == "a&amp;b&lt;c&gt;&quot;d&apos;");
  CHECK(xml_escape(std::string("x\x01y", 3)) == "x?y");
  auto tl = simulate_timeline({}, default_policy(), "a&b<c>.example.", t0, 1);
  REQUIRE(tl);
  const std::string svg = timeline_svg(*tl);
  CHECK(svg.find("a&b") == std::string::npos);
  CHECK(svg.find("a&amp;b&lt;c&gt;.example.") != std::string::npos);
}

TEST_CASE("the JSON document holds every key and event of the plan, with the picture's path") {
  auto tl = simulate_timeline({}, default_policy(), "example.com.", t0 + 12345, 14);
  REQUIRE(tl);
  const auto doc = nlohmann::json::parse(timeline_json(*tl, std::string("x.svg")));
  CHECK(doc["zone"] == "example.com.");
  CHECK(doc["months"] == 14);
  CHECK(doc["svg"] == "x.svg");
  REQUIRE(doc["keys"].size() == tl->keys.size());
  REQUIRE(doc["events"].size() == tl->events.size());
  for (std::size_t i = 0; i < tl->keys.size(); ++i) {
    CHECK(doc["keys"][i]["key"] == tl->keys[i].label);
    CHECK(doc["keys"][i]["assumed"] == !tl->keys[i].tag);
  }
  for (std::size_t i = 0; i < tl->events.size(); ++i) {
    const auto& e = tl->events[i];
    CHECK(doc["events"][i]["event"] == std::string(timeline_event_name(e.kind)));
    CHECK(doc["events"][i]["key"] == tl->keys[e.key].label);
    CHECK(doc["events"][i]["operator"] == timeline_event_is_task(e.kind));
    CHECK(doc["events"][i]["text"] == timeline_event_text(e.kind, tl->keys[e.key].role));
  }
  CHECK(nlohmann::json::parse(timeline_json(*tl, std::nullopt))["svg"].is_null());
}
