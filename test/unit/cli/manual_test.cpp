// The man pages, the bash completion and the --help examples (cli/manual.hpp,
// cli/examples.hpp), checked on the program's real command tree (cli/app.hpp)
// so that a new subcommand or option without an example or a page fails here.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"
#include "examples.hpp"
#include "manual.hpp"

using namespace zs::cli;

namespace {

// The program's tree; the actions own the storage the options parse into.
struct Program {
  CLI::App app;
  std::vector<Command> commands = build_app(app);
};

const CLI::App* find_command(const CLI::App& app, const std::string& path) {
  const CLI::App* at = &app;
  std::istringstream words(path);
  std::string word;
  while (words >> word) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : at->get_subcommands([](const CLI::App*) { return true; }))
      if (sub->get_name() == word) next = sub;
    if (!next) return nullptr;
    at = next;
  }
  return at;
}

std::vector<std::string> visible_paths(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    out.push_back(command_path(*sub));
    for (const auto& p : visible_paths(*sub)) out.push_back(p);
  }
  return out;
}

const ManPage* page_named(const std::vector<ManPage>& pages, const std::string& file) {
  for (const auto& p : pages)
    if (p.file == file) return &p;
  return nullptr;
}

std::string page_file(std::string path) {
  std::ranges::replace(path, ' ', '-');
  return "zonesign-" + path + ".1";
}

}  // namespace

TEST_CASE("every subcommand of the program has at least one example") {
  Program program;
  const CLI::App& app = program.app;
  CHECK(subcommands_without_examples(app) == std::vector<std::string>{});
  CHECK(!examples_of(*find_command(app, "sign")).empty());
  // A group shows the examples of its subcommands.
  CHECK(!examples_of(*find_command(app, "key")).empty());
}

TEST_CASE("every example line of an existing subcommand parses with the real command tree") {
  int parsed = 0;
  for (const auto& example : examples()) {
    CAPTURE(example.line);
    CHECK(std::string_view(example.line).starts_with("zonesign " + std::string(example.command) + " "));
    Program program;
    CLI::App& app = program.app;
    // Named in the table ahead of the subcommand's arrival: skipped, as the pages skip it.
    if (!find_command(app, std::string(example.command))) continue;
    CHECK_NOTHROW(app.parse(std::string(example.line), true));
    CHECK(app.got_subcommand(std::string(example.command.substr(0, example.command.find(' ')))));
    ++parsed;
  }
  CHECK(parsed >= 10);
}

TEST_CASE("the help of every subcommand ends with its example lines") {
  Program program;
  const CLI::App& app = program.app;
  for (const auto& path : visible_paths(app)) {
    CAPTURE(path);
    const CLI::App* sub = find_command(app, path);
    REQUIRE(sub != nullptr);
    const std::string help = sub->help();
    const auto list = examples_of(*sub);
    REQUIRE(!list.empty());
    CHECK(help.find("Example") != std::string::npos);
    const std::string last = "    " + std::string(list.back().line) + "\n";
    CHECK(help.ends_with(last));
  }
}

TEST_CASE("roff_escape keeps text from being read as requests or escapes") {
  CHECK(roff_escape("--keys DIR") == "\\-\\-keys DIR");
  CHECK(roff_escape("a\\b") == "a\\eb");
  CHECK(roff_escape(".lock file") == "\\&.lock file");
  CHECK(roff_escape("'quoted' text") == "\\&'quoted' text");
  CHECK(roff_escape("one.\n.two") == "one.\n\\&.two");
  CHECK(roff_escape("end.") == "end.");
  CHECK(roff_escape("RFC 4034 \xC2\xA7" "3.1") == "RFC 4034 \\[u00A7]3.1");
  CHECK(roff_escape("\xE2\x80\x94") == "\\[u2014]");
  CHECK(roff_escape("\xF0\x9F\x94\x91") == "\\[u1F511]");
  // A truncated sequence and a stray continuation byte.
  CHECK(roff_escape("x\xE2\x80") == "x\\[uFFFD]\\[uFFFD]");
  CHECK(roff_escape("\x80") == "\\[uFFFD]");
  CHECK(roff_escape("a\tb") == "a b");
}

TEST_CASE("there is one man page per visible subcommand, nested ones included, and none for the hidden one") {
  Program program;
  const CLI::App& app = program.app;
  const auto pages = man_pages(app);
  const auto paths = visible_paths(app);
  CHECK(pages.size() == paths.size() + 1);
  CHECK(page_named(pages, "zonesign.1") != nullptr);
  CHECK(page_named(pages, "zonesign-key-adopt.1") != nullptr);
  CHECK(page_named(pages, "zonesign-" + std::string(packager_command_name) + ".1") == nullptr);
  for (const auto& path : paths) CHECK_MESSAGE(page_named(pages, page_file(path)) != nullptr, path);
}

TEST_CASE("each page has the sections of a man page and lists every option of its subcommand") {
  Program program;
  const CLI::App& app = program.app;
  const auto pages = man_pages(app);
  for (const auto& path : visible_paths(app)) {
    CAPTURE(path);
    const ManPage* page = page_named(pages, page_file(path));
    REQUIRE(page != nullptr);
    for (const char* section : {".SH NAME\n", ".SH SYNOPSIS\n", ".SH DESCRIPTION\n", ".SH OPTIONS\n",
                                ".SH EXAMPLES\n", ".SH \"EXIT STATUS\"\n", ".SH \"SEE ALSO\"\n"})
      CHECK_MESSAGE(page->text.find(section) != std::string::npos, section);
    const CLI::App* sub = find_command(app, path);
    for (const CLI::Option* opt : sub->get_options()) {
      for (const auto& l : opt->get_lnames())
        CHECK_MESSAGE(page->text.find(roff_escape("--" + l)) != std::string::npos, l);
      for (const auto& s : opt->get_snames())
        CHECK_MESSAGE(page->text.find("\\fB" + roff_escape("-" + s) + "\\fR") != std::string::npos, s);
    }
    for (const auto& example : examples_of(*sub))
      CHECK(page->text.find(roff_escape(std::string(example.line))) != std::string::npos);
  }
}

TEST_CASE("no text line of a page starts with a control character") {
  Program program;
  const CLI::App& app = program.app;
  const std::vector<std::string> requests = {".TH ", ".SH ", ".TP", ".PP", ".RS ", ".RE", ".nf", ".fi",
                                             ".B ", ".br", ".nh", ".ad l"};
  for (const auto& page : man_pages(app)) {
    CAPTURE(page.file);
    std::istringstream lines(page.text);
    std::string line;
    while (std::getline(lines, line)) {
      CAPTURE(line);
      CHECK(!line.empty());
      if (line.front() == '\'') CHECK(false);
      if (line.front() == '.')
        CHECK(std::ranges::any_of(requests, [&](const std::string& r) { return line.starts_with(r); }));
    }
  }
}

TEST_CASE("the exit status section names the codes a subcommand can return") {
  Program program;
  const CLI::App& app = program.app;
  const auto pages = man_pages(app);
  auto lists = [&](const std::string& file, int code) {
    const ManPage* page = page_named(pages, file);
    REQUIRE(page != nullptr);
    return page->text.find(".TP\n.B " + std::to_string(code) + "\n") != std::string::npos;
  };
  for (int code : {0, 1, 2, 10, 11, 12, 70}) CHECK(lists("zonesign.1", code));
  CHECK(lists("zonesign-status.1", 11));
  CHECK(lists("zonesign-status.1", 10));
  CHECK(lists("zonesign-sign.1", 12));
  CHECK(!lists("zonesign-sign.1", 11));
  CHECK(!lists("zonesign-verify.1", 10));
  CHECK(lists("zonesign-verify.1", 1));
  CHECK(!lists("zonesign-key-adopt.1", 12));
}

TEST_CASE("the bash completion knows the subcommands, their options and which take paths or choices") {
  Program program;
  const CLI::App& app = program.app;
  const std::string script = bash_completion(app);
  CHECK(script.ends_with("complete -F _zonesign zonesign\n"));
  CHECK(script.find("    '') echo 'sign ds keygen verify rollover status plan check key") != std::string::npos);
  const auto root = script.find("    '') echo '");
  REQUIRE(root != std::string::npos);
  CHECK(script.substr(root, script.find('\n', root) - root).find(packager_command_name) == std::string::npos);
  CHECK(script.find("'" + std::string(packager_command_name) + " ") == std::string::npos);
  CHECK(script.find("    'sign --keys') echo 'dir' ;;") != std::string::npos);
  CHECK(script.find("    'sign --policy') echo 'file' ;;") != std::string::npos);
  CHECK(script.find("    'sign --origin') echo 'value' ;;") != std::string::npos);
  CHECK(script.find("    'keygen --role') echo 'choice ksk zsk csk' ;;") != std::string::npos);
  CHECK(script.find("    'check --zone') echo 'file' ;;") != std::string::npos);
  CHECK(script.find("    'key adopt --signed') echo 'file' ;;") != std::string::npos);
  // Flags take no value, so the word after them is not skipped.
  CHECK(script.find("'sign --json')") == std::string::npos);
}

TEST_CASE("a page states what CLI11 enforces and leaves hidden options out") {
  CLI::App app{"zonesign: a test tree"};
  std::string file, mode = "fast", secret;
  bool flag = false;
  std::vector<std::string> inputs;
  CLI::App* group = app.add_subcommand("tool", "A group");
  CLI::App* sub = group->add_subcommand("run", ".starts with a dot and holds a \\ backslash");
  sub->add_option("INPUT", inputs, "Input files")->required();
  sub->add_option("--policy", file, "A policy")->required();
  sub->add_option("--mode", mode, "How")->check(CLI::IsMember({"fast", "slow"}))->capture_default_str();
  sub->add_flag("--dry", flag, "Change nothing");
  sub->add_option("--secret", secret, "Not for users")->group("");
  const auto pages = man_pages(app);
  const ManPage* page = page_named(pages, "zonesign-tool-run.1");
  REQUIRE(page != nullptr);
  const std::string& t = page->text;
  CHECK(t.find(".TH \"ZONESIGN\\-TOOL\\-RUN\" 1 ") == 0);
  CHECK(t.find("zonesign\\-tool\\-run \\- \\&.starts with a dot and holds a \\e backslash\n") != std::string::npos);
  CHECK(t.find("\\fBzonesign tool run\\fR \\fB\\-\\-policy\\fR \\fIFILE\\fR [\\fIOPTIONS\\fR] \\fIINPUT\\fR ...\n") !=
        std::string::npos);
  CHECK(t.find(".TP\n\\fB\\-\\-policy\\fR \\fIFILE\\fR\nA policy. Required.\n") != std::string::npos);
  CHECK(t.find(".TP\n\\fB\\-\\-mode\\fR \\fITEXT\\fR\nHow. One of: fast, slow. Default: fast.\n") != std::string::npos);
  CHECK(t.find(".TP\n\\fB\\-\\-dry\\fR\nChange nothing.\n") != std::string::npos);
  CHECK(t.find("secret") == std::string::npos);
  // The unit test of the real tree relies on this: a subcommand without an example is named.
  CHECK(subcommands_without_examples(app) == std::vector<std::string>{"tool", "tool run"});
  // Without an example there is no EXAMPLES section, and the group page lists its subcommand.
  CHECK(t.find(".SH EXAMPLES") == std::string::npos);
  const ManPage* group_page = page_named(pages, "zonesign-tool.1");
  REQUIRE(group_page != nullptr);
  CHECK(group_page->text.find(".SH SUBCOMMANDS\n.TP\n\\fBrun\\fR\n") != std::string::npos);
  CHECK(group_page->text.find("\\fBzonesign\\-tool\\-run\\fR(1)") != std::string::npos);
  const std::string script = bash_completion(app);
  CHECK(script.find("    'tool run --mode') echo 'choice fast slow' ;;") != std::string::npos);
  CHECK(script.find("    'tool run --policy') echo 'file' ;;") != std::string::npos);
  CHECK(script.find("--secret") == std::string::npos);
  CHECK(script.find("'tool run') return 0 ;;") != std::string::npos);
}
