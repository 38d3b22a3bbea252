// What the policy and config loaders share about reading YAML: one document
// per file, positions as file:line:column, and how an error names what it
// found.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"

namespace zs {

// The 1-based position of a yaml-cpp mark in `file`; line 0 when unknown.
Location yaml_location(const std::string& file, const YAML::Mark& mark);

// `text` in double quotes, as errors cite what a file says.
std::string quote_text(std::string_view text);

// What an error says was found: "a mapping", "a list", "the scalar \"x\"" or
// "nothing".
std::string yaml_kind(const YAML::Node& node);

// The YAML path of `key` below `base` ("keys.ksk"); just `key` at the top.
std::string yaml_path(const std::string& base, std::string_view key);

// The one YAML document of `text`, or nullopt when it holds none. `label`
// ("policy", "config") names the file's kind in the error for a second
// document. yaml-cpp 0.7's LoadAll never returns on a stray ',' at document
// level (it yields empty documents at the same place forever), so documents
// are counted with a bounded parser loop before anything is loaded.
// Errors: Errc::policy at the offending position (a YAML syntax error, a
// second document).
Result<std::optional<YAML::Node>> load_single_document(const std::string& text, const std::string& file,
                                                       std::string_view label);

}  // namespace zs
