// The front end's rendering of a key plan (signer/timeline.hpp): the JSON
// document of `plan --json` (docs/json/plan.schema.json) and the SVG picture
// `plan` writes beside it. The library returns the plan as data; how it
// looks is decided here. Both are deterministic bytes for one plan.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "signer/timeline.hpp"

namespace zs::cli {

// The plan for scripts; `svg_path` names the picture written beside it (null
// in the document when none was written).
std::string timeline_json(const Timeline& timeline, const std::optional<std::string>& svg_path);
// A standalone SVG document: a month axis, one lane per key with its DNSKEY,
// signing and DS bars, a "now" line and a legend. Coordinates are integers in
// tenths of a pixel, so the bytes never depend on floating-point formatting.
std::string timeline_svg(const Timeline& timeline);

// Text escaped for XML character data and attribute values; control
// characters XML 1.0 forbids (a zone name can carry them as \DDD) become '?'.
std::string xml_escape(std::string_view text);

}  // namespace zs::cli
