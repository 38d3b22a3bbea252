#include "policy/yaml_document.hpp"

#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <vector>

namespace zs {

namespace {

// Records where each YAML document starts and nothing else.
class DocumentCounter final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

Location yaml_location(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return Location{file, 0, 0};
  return Location{file, static_cast<std::uint32_t>(mark.line + 1), static_cast<std::uint32_t>(mark.column + 1)};
}

std::string quote_text(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string yaml_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "the scalar " + quote_text(node.Scalar());
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "nothing";
}

std::string yaml_path(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}

Result<std::optional<YAML::Node>> load_single_document(const std::string& text, const std::string& file,
                                                       std::string_view label) {
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentCounter counter;
    for (int i = 0; i < 2 && parser.HandleNextDocument(counter); ++i) {
    }
    if (counter.starts.empty()) return std::optional<YAML::Node>();
    if (counter.starts.size() > 1) {
      if (counter.starts[1].pos == counter.starts[0].pos)
        return fail(Errc::policy, "YAML syntax: unexpected token at document level",
                    yaml_location(file, counter.starts[0]));
      return fail(Errc::policy, std::string(label) + ": more than one YAML document",
                  yaml_location(file, counter.starts[1]));
    }
    return std::optional<YAML::Node>(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return fail(Errc::policy, "YAML syntax: " + e.msg, yaml_location(file, e.mark));
  }
}

}  // namespace zs
