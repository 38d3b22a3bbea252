#include "manual.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <set>

#include "app.hpp"
#include "core/atomic_file.hpp"
#include "examples.hpp"

namespace zs::cli {

namespace {

// Options whose value is a path (for completion and the value's name in the
// pages): CLI11 types them all as TEXT. `command` empty: on every subcommand.
// An option with a type_name of FILE or DIR is a path without being listed.
struct PathOption {
  std::string_view command;
  std::string_view option;
  std::string_view kind;  // "FILE" or "DIR"
};
constexpr std::array path_options = {
    PathOption{"", "--keys", "DIR"},          PathOption{"", "--include-root", "DIR"},
    PathOption{"", "--to", "DIR"},            PathOption{"", "--man", "DIR"},
    PathOption{"", "--policy", "FILE"},       PathOption{"", "--output", "FILE"},
    PathOption{"", "--signed", "FILE"},       PathOption{"", "--svg", "FILE"},
    PathOption{"", "--config", "FILE"},       PathOption{"", "--metrics-file", "FILE"},
    PathOption{"", "--bash-completion", "FILE"},
    // Elsewhere --zone names a zone of the config file; here it is the zone file.
    PathOption{"check", "--zone", "FILE"},
};

// Exit codes as README "Exit codes" and commands.hpp define them; `who`
// empty: every subcommand.
struct ExitCode {
  int code;
  std::string_view meaning;
  std::array<std::string_view, 5> who;
};
constexpr std::array exit_codes = {
    ExitCode{exit_ok, "Done; nothing for the operator.", {}},
    ExitCode{exit_error,
             "An error. sign, rollover and keygen published and changed nothing (the key folder is left as it was).",
             {}},
    ExitCode{exit_usage, "Bad usage: an unknown option (named), a missing --keys, a --now that cannot be right.", {}},
    ExitCode{exit_action_needed,
             "Done, but the operator must act: a DS to submit to the parent or to withdraw, or (status) a signing run "
             "is overdue. For ds --check-parent: the parent's DS set differs from the wanted one. "
             "--action-needed-exit CODE replaces 10 on sign, rollover, ds and status.",
             {"sign", "rollover", "ds", "status", "plan"}},
    ExitCode{exit_zone_failing,
             "The published zone fails validation, or will before the next run can fix it: signatures expired or "
             "expiring before now + run-interval, or (--check-parent) a parent DS set that matches no published "
             "key. Wins over 10; --action-needed-exit does not change it.",
             {"status"}},
    ExitCode{exit_state_not_saved,
             "The zone was published (it verifies) but the key state could not be written; the next run catches up.",
             {"sign"}},
    ExitCode{exit_internal, "Internal error: a bug in zonesign; nothing was published.", {}},
};

bool visible(const CLI::App* sub) { return !sub->get_group().empty(); }

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return visible(sub); });
}

std::vector<const CLI::Option*> visible_options(const CLI::App& app) {
  return app.get_options([](const CLI::Option* opt) { return !opt->get_group().empty(); });
}

bool is_flag(const CLI::Option& opt) { return opt.get_items_expected_max() == 0; }

std::string top_command(const std::string& path) { return path.substr(0, path.find(' ')); }

// CLI11's type name is "TYPE[:VALIDATOR...]".
std::string base_type(const CLI::Option& opt) {
  const std::string full = opt.get_type_name();
  return full.substr(0, full.find(':'));
}

std::string validator_text(const CLI::Option& opt) {
  const std::string full = opt.get_type_name();
  const auto colon = full.find(':');
  return colon == std::string::npos ? "" : full.substr(colon + 1);
}

// "{ksk,zsk,csk}" -> the choices; empty when the validator is no set.
std::vector<std::string> choices(const CLI::Option& opt) {
  const std::string v = validator_text(opt);
  std::vector<std::string> out;
  if (v.size() < 2 || v.front() != '{' || v.back() != '}') return out;
  std::string word;
  for (char c : v.substr(1, v.size() - 2)) {
    if (c == ',') {
      out.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  out.push_back(word);
  return out;
}

// "FILE", "DIR" or "" for an option of `path` ("sign", "key adopt").
std::string path_kind(const std::string& path, const CLI::Option& opt) {
  if (opt.get_positional()) return "FILE";
  const std::string type = base_type(opt);
  if (type == "FILE" || type == "DIR") return type;
  const std::string name = opt.get_name();
  for (const auto& p : path_options)
    if (p.option == name && (p.command.empty() || p.command == top_command(path))) return std::string(p.kind);
  return "";
}

std::string value_name(const std::string& path, const CLI::Option& opt) {
  std::string kind = path_kind(path, opt);
  std::string name = kind.empty() ? base_type(opt) : kind;
  if (name.empty()) name = "VALUE";
  if (opt.get_items_expected_max() > 1) name += " ...";
  return name;
}

// "-v, --verbose" in bold, for the pages.
std::string option_names_roff(const CLI::Option& opt) {
  std::string out;
  for (const auto& s : opt.get_snames()) out += (out.empty() ? "" : ", ") + ("\\fB" + roff_escape("-" + s) + "\\fR");
  for (const auto& l : opt.get_lnames()) out += (out.empty() ? "" : ", ") + ("\\fB" + roff_escape("--" + l) + "\\fR");
  return out;
}

std::string sorted_names(const std::set<CLI::Option*>& options) {
  std::vector<std::string> names;
  for (const CLI::Option* o : options) names.push_back(o->get_name());
  std::ranges::sort(names);
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The option's paragraph: its help text, then what CLI11 enforces.
std::string option_text(const CLI::Option& opt) {
  std::vector<std::string> parts;
  if (!opt.get_description().empty()) parts.push_back(opt.get_description());
  const auto set = choices(opt);
  if (!set.empty()) {
    std::string list;
    for (const auto& c : set) list += (list.empty() ? "" : ", ") + c;
    parts.push_back("One of: " + list);
  } else if (!validator_text(opt).empty()) {
    parts.push_back("Accepts: " + validator_text(opt));
  }
  if (opt.get_required()) parts.push_back("Required");
  if (!opt.get_default_str().empty()) parts.push_back("Default: " + opt.get_default_str());
  if (!opt.get_needs().empty()) parts.push_back("Needs " + sorted_names(opt.get_needs()));
  if (!opt.get_excludes().empty()) parts.push_back("Not with " + sorted_names(opt.get_excludes()));
  std::string text;
  for (const auto& p : parts) {
    if (!text.empty()) text += text.back() == '.' ? " " : ". ";
    text += p;
  }
  if (!text.empty() && text.back() != '.') text += '.';
  return text;
}

std::string page_name(const std::string& path) {
  std::string name = "zonesign";
  if (!path.empty()) name += '-';
  for (char c : path) name += c == ' ' ? '-' : c;
  return name;
}

std::string page_ref(const std::string& path) { return "\\fB" + roff_escape(page_name(path)) + "\\fR(1)"; }

std::string upper(std::string text) {
  for (char& c : text)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return text;
}

std::string header(const std::string& path, const std::string& summary) {
  std::string out = ".TH \"" + roff_escape(upper(page_name(path))) + "\" 1 \"\" \"zonesign " +
                    roff_escape(zonesign_version()) + "\" \"User Commands\"\n";
  // Option names must not be hyphenated or stretched across a line.
  out += ".nh\n.ad l\n.SH NAME\n" + roff_escape(page_name(path)) + " \\- " + roff_escape(summary) + "\n";
  return out;
}

std::string options_section(const std::string& path, const CLI::App& app) {
  std::string out;
  for (const CLI::Option* opt : visible_options(app)) {
    if (!opt->get_positional()) continue;
    out += ".TP\n\\fI" + roff_escape(opt->get_name(true)) + "\\fR\n" + roff_escape(option_text(*opt)) + "\n";
  }
  for (const CLI::Option* opt : visible_options(app)) {
    if (!opt->nonpositional()) continue;
    out += ".TP\n" + option_names_roff(*opt);
    if (!is_flag(*opt)) out += " \\fI" + roff_escape(value_name(path, *opt)) + "\\fR";
    out += "\n" + roff_escape(option_text(*opt)) + "\n";
  }
  return out.empty() ? "" : ".SH OPTIONS\n" + out;
}

std::string examples_section(const std::vector<Example>& list) {
  if (list.empty()) return "";
  std::string out = ".SH EXAMPLES\n";
  for (const auto& e : list) {
    out += ".PP\n" + roff_escape(std::string(e.purpose)) + ":\n";
    out += ".PP\n.RS 4\n.nf\n" + roff_escape(std::string(e.line)) + "\n.fi\n.RE\n";
  }
  return out;
}

std::string exit_status_section(const std::string& path) {
  std::string out = ".SH \"EXIT STATUS\"\n";
  const std::string top = top_command(path);
  for (const auto& code : exit_codes) {
    const bool everyone = code.who.front().empty();
    if (!path.empty() && !everyone && std::ranges::find(code.who, top) == code.who.end()) continue;
    out += ".TP\n.B " + std::to_string(code.code) + "\n" + roff_escape(std::string(code.meaning));
    if (path.empty() && !everyone) {
      std::string who;
      for (auto w : code.who)
        if (!w.empty()) who += (who.empty() ? "" : ", ") + std::string(w);
      out += " Returned by: " + roff_escape(who) + ".";
    }
    out += "\n";
  }
  // sign --config, and status, plan and ds over every zone (cli/each_zone).
  constexpr std::array every_zone = {"", "sign", "status", "plan", "ds"};
  if (std::ranges::find(every_zone, top) != every_zone.end())
    out += ".PP\n" +
           roff_escape("With --config FILE and no --zone" +
                       std::string(path.empty() ? " (sign, status, plan, ds)" : "") +
                       ", every zone of the config is run on its own and the exit status is the worst zone's, "
                       "from worst to best: 70, 2, 1, 12, 11, 10 (or its --action-needed-exit replacement), 0.") +
           "\n";
  return out;
}

std::string synopsis(const std::string& path, const CLI::App& app) {
  std::string line = "\\fBzonesign " + roff_escape(path) + "\\fR";
  for (const CLI::Option* opt : visible_options(app))
    if (opt->nonpositional() && opt->get_required())
      line += " \\fB" + roff_escape(opt->get_name()) + "\\fR \\fI" + roff_escape(value_name(path, *opt)) + "\\fR";
  line += " [\\fIOPTIONS\\fR]";
  for (const CLI::Option* opt : visible_options(app))
    if (opt->get_positional()) {
      std::string name = "\\fI" + roff_escape(opt->get_name(true)) + "\\fR";
      if (opt->get_items_expected_max() > 1) name += " ...";
      line += opt->get_required() ? " " + name : " [" + name + "]";
    }
  if (!visible_subcommands(app).empty()) line += " \\fISUBCOMMAND\\fR";
  return ".SH SYNOPSIS\n" + line + "\n";
}

std::string subcommand_list(const CLI::App& app) {
  std::string out;
  for (const CLI::App* sub : visible_subcommands(app)) {
    const std::string path = command_path(*sub);
    out += ".TP\n\\fB" + roff_escape(sub->get_name()) + "\\fR\n" + roff_escape(sub->get_description()) + ". See " +
           page_ref(path) + ".\n";
  }
  return out;
}

bool has_option(const CLI::App& app, const std::string& name) {
  for (const CLI::Option* opt : visible_options(app))
    if (opt->check_lname(name.substr(2))) return true;
  for (const CLI::App* sub : visible_subcommands(app))
    if (has_option(*sub, name)) return true;
  return false;
}

std::string main_page(const CLI::App& app) {
  // "zonesign: sign DNS zones ..." names the program once already.
  const std::string& description = app.get_description();
  const auto colon = description.find(": ");
  std::string out = header("", colon == std::string::npos ? description : description.substr(colon + 2));
  out += ".SH SYNOPSIS\n\\fBzonesign\\fR \\fISUBCOMMAND\\fR [\\fIOPTIONS\\fR]\n.br\n"
         "\\fBzonesign\\fR \\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n";
  std::string summary = colon == std::string::npos ? description : description.substr(colon + 2);
  if (!summary.empty() && summary[0] >= 'a' && summary[0] <= 'z') summary[0] = static_cast<char>(summary[0] - 32);
  out += ".SH DESCRIPTION\n" + roff_escape(summary) + ".\n.PP\n" +
         roff_escape("Each run works on one zone: its zone file, its name (--origin), the folder that holds its keys "
                     "(--keys DIR, keys in DIR/<zone>/) and, for rollovers, a YAML signing policy (--policy). "
                     "Signing verifies every signature before anything is written; the zone and the key state are "
                     "written atomically. Run from cron once per run-interval, `sign` keeps the signatures fresh and "
                     "moves key rollovers on; the only step it cannot take alone is the parent's DS, which it asks "
                     "the operator for (exit 10).") +
         "\n.PP\n" +
         roff_escape("Every subcommand has its own page, with all its options, and prints them with "
                     "`zonesign SUBCOMMAND --help`.") +
         "\n";
  out += ".SH SUBCOMMANDS\n" + subcommand_list(app);
  out += options_section("", app);
  out += exit_status_section("");
  std::string files = ".TP\n\\fIDIR\\fB/\\fIzone\\fB/\\fR\n" +
                      roff_escape("The key folder of a zone (--keys DIR): one private key per key, "
                                  "K<zone>+<alg>+<tag>.pem (PKCS#8, mode 0600, never printed), the key state "
                                  "state.yaml (versioned, written atomically) and .lock, which stops two runs from "
                                  "working on one zone at once.") +
                      "\n.TP\n\\fIpolicy.yaml\\fR\n" +
                      roff_escape("The signing policy (--policy): algorithms, key lifetimes, signature validity, "
                                  "denial of existence, TTLs and the parent's delays. "
                                  "`zonesign check --policy FILE -v` "
                                  "prints every effective value.") +
                      "\n";
  if (has_option(app, "--config"))
    files += ".TP\n\\fI/etc/zonesign/zonesign.yaml\\fR\n" +
             roff_escape("The configuration that lists many zones (--config FILE): each zone's file, origin, "
                         "output, key folder and policy.") +
             "\n";
  out += ".SH FILES\n" + files;
  out += ".SH ENVIRONMENT\n.TP\n.B TERM\n" +
         roff_escape("sign draws a progress line on standard error while it is a terminal, unless TERM is dumb "
                     "(or --no-progress is given). Times are read and printed in UTC whatever TZ says.") +
         "\n.TP\n.B ZONESIGN_PROGRESS_DELAY_MS\n" +
         roff_escape("How long sign waits before it first draws the progress line, in milliseconds "
                     "(default 1000, so a quick run draws nothing). At 0 every step is drawn as it begins.") +
         "\n";
  std::vector<Example> list;
  for (const CLI::App* sub : visible_subcommands(app)) {
    const auto own = examples_of(*sub);
    if (!own.empty()) list.push_back(own.front());
  }
  out += examples_section(list);
  out += ".SH \"SEE ALSO\"\n";
  std::string refs;
  for (const CLI::App* sub : visible_subcommands(app)) refs += page_ref(command_path(*sub)) + ",\n";
  out += refs + "\\fBdnssec\\-verify\\fR(1), \\fBldns\\-verify\\-zone\\fR(1), \\fBkzonecheck\\fR(1)\n";
  return out;
}

std::string sub_page(const CLI::App& sub) {
  const std::string path = command_path(sub);
  std::string out = header(path, sub.get_description());
  out += synopsis(path, sub);
  out += ".SH DESCRIPTION\n" + roff_escape(sub.get_description()) + ".\n";
  if (!visible_subcommands(sub).empty()) out += ".SH SUBCOMMANDS\n" + subcommand_list(sub);
  out += options_section(path, sub);
  out += examples_section(examples_of(sub));
  out += exit_status_section(path);
  out += ".SH \"SEE ALSO\"\n" + page_ref("");
  for (const CLI::App* child : visible_subcommands(sub)) out += ",\n" + page_ref(command_path(*child));
  if (const CLI::App* parent = sub.get_parent(); parent && parent->get_parent())
    out += ",\n" + page_ref(command_path(*parent));
  return out + "\n";
}

void collect_pages(const CLI::App& app, std::vector<ManPage>& pages) {
  for (const CLI::App* sub : visible_subcommands(app)) {
    pages.push_back({page_name(command_path(*sub)) + ".1", sub_page(*sub)});
    collect_pages(*sub, pages);
  }
}

// --- bash completion ----------------------------------------------------------

// Words put into the script unquoted must be plain: option names, subcommand
// names and choices are, and anything else is left out of completion.
bool shell_plain(std::string_view word) {
  return !word.empty() && std::ranges::all_of(word, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("._+-@:/").find(c) != std::string_view::npos;
  });
}

struct CompletionNode {
  std::string path;
  std::vector<std::string> subcommands;
  std::vector<std::string> options;
  std::vector<std::pair<std::string, std::string>> values;  // option -> value kind
  bool positional = false;
};

void collect_nodes(const CLI::App& app, const std::string& path, std::vector<CompletionNode>& nodes) {
  CompletionNode node;
  node.path = path;
  for (const CLI::App* sub : visible_subcommands(app))
    if (shell_plain(sub->get_name())) node.subcommands.push_back(sub->get_name());
  for (const CLI::Option* opt : visible_options(app)) {
    if (opt->get_positional()) node.positional = true;
    if (!opt->nonpositional()) continue;
    std::string kind = "value";
    if (is_flag(*opt)) {
      kind.clear();
    } else if (const std::string p = path_kind(path, *opt); !p.empty()) {
      kind = p == "DIR" ? "dir" : "file";
    } else if (const auto set = choices(*opt); !set.empty() && std::ranges::all_of(set, shell_plain)) {
      kind = "choice";
      for (const auto& c : set) kind += " " + c;
    }
    std::vector<std::string> names;
    for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    for (const auto& n : names) {
      if (!shell_plain(n)) continue;
      node.options.push_back(n);
      if (!kind.empty()) node.values.emplace_back(n, kind);
    }
  }
  nodes.push_back(node);
  for (const CLI::App* sub : visible_subcommands(app))
    if (shell_plain(sub->get_name())) collect_nodes(*sub, command_path(*sub), nodes);
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

std::string roff_escape(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = c == '\n';
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else if (c == '\t') {
      out += ' ';
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      // UTF-8: a lead byte gives the sequence's length; anything malformed
      // prints as U+FFFD rather than as bytes groff would warn about.
      const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
      char32_t code = length == 4 ? c & 0x07u : length == 3 ? c & 0x0Fu : c & 0x1Fu;
      bool ok = length != 0 && i + length <= text.size();
      for (std::size_t k = 1; ok && k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        ok = (next & 0xC0u) == 0x80u;
        code = (code << 6) | (next & 0x3Fu);
      }
      if (!ok) {
        code = 0xFFFD;
      } else {
        i += length - 1;
      }
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\[u%04X]", static_cast<unsigned>(code));
      out += buf;
    }
  }
  return out;
}

std::vector<ManPage> man_pages(const CLI::App& app) {
  std::vector<ManPage> pages{{"zonesign.1", main_page(app)}};
  collect_pages(app, pages);
  return pages;
}

std::string bash_completion(const CLI::App& app) {
  std::vector<CompletionNode> nodes;
  collect_nodes(app, "", nodes);
  std::string subs, opts, values, positional;
  for (const auto& n : nodes) {
    if (!n.subcommands.empty()) subs += "    '" + n.path + "') echo '" + joined(n.subcommands) + "' ;;\n";
    opts += "    '" + n.path + "') echo '" + joined(n.options) + "' ;;\n";
    for (const auto& [option, kind] : n.values)
      values += "    '" + (n.path.empty() ? "" : n.path + " ") + option + "') echo '" + kind + "' ;;\n";
    if (n.positional) positional += (positional.empty() ? "'" : "|'") + n.path + "'";
  }
  std::string out =
      "# bash completion for zonesign. Generated by `zonesign generate-docs --bash-completion FILE` from the\n"
      "# program's own command tree: do not edit, regenerate.\n"
      "# shellcheck shell=bash\n\n"
      "_zonesign_subcommands() {\n  case $1 in\n" + subs + "  esac\n}\n\n"
      "_zonesign_options() {\n  case $1 in\n" + opts + "  esac\n}\n\n"
      "# What the option $2 of subcommand $1 takes: nothing (a flag), value, file, dir or \"choice WORD...\".\n"
      "_zonesign_value() {\n  case \"${1:+$1 }$2\" in\n" + values + "  esac\n}\n\n"
      "_zonesign_positional() {\n  case $1 in\n" +
      (positional.empty() ? "" : "    " + positional + ") return 0 ;;\n") +
      "  esac\n  return 1\n}\n\n"
      "_zonesign() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} path='' word kind i pending=''\n"
      "  COMPREPLY=()\n"
      "  # The subcommand path so far; a word after an option that takes a value is that value.\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    word=${COMP_WORDS[i]}\n"
      "    if [[ -n $pending ]]; then pending=''; continue; fi\n"
      "    case $word in\n"
      "      -*=*) ;;\n"
      "      -*) pending=$(_zonesign_value \"$path\" \"$word\") ;;\n"
      "      *) [[ \" $(_zonesign_subcommands \"$path\") \" == *\" $word \"* ]] && path=${path:+$path }$word ;;\n"
      "    esac\n"
      "  done\n"
      "  case $pending in\n"
      "    file) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- \"$cur\"); return ;;\n"
      "    dir) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- \"$cur\"); return ;;\n"
      "    choice\\ *) mapfile -t COMPREPLY < <(compgen -W \"${pending#choice }\" -- \"$cur\"); return ;;\n"
      "    ?*) return ;;\n"
      "  esac\n"
      "  if [[ $cur == -* ]]; then\n"
      "    mapfile -t COMPREPLY < <(compgen -W \"$(_zonesign_options \"$path\")\" -- \"$cur\")\n"
      "    return\n"
      "  fi\n"
      "  kind=$(_zonesign_subcommands \"$path\")\n"
      "  if [[ -n $kind ]]; then\n"
      "    mapfile -t COMPREPLY < <(compgen -W \"$kind\" -- \"$cur\")\n"
      "  elif _zonesign_positional \"$path\"; then\n"
      "    compopt -o filenames 2>/dev/null\n"
      "    mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
      "  fi\n"
      "}\n"
      "complete -F _zonesign zonesign\n";
  return out;
}

Result<void> write_man_pages(const CLI::App& app, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(Errc::io, "cannot create '" + dir + "': " + ec.message());
  for (const auto& page : man_pages(app)) {
    auto written = write_file_atomic(dir + "/" + page.file, page.text, 0644);
    if (!written) return written;
  }
  return {};
}

Action add_packager_command(CLI::App& app) {
  struct Options {
    std::string man_dir;
    std::string completion;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(std::string(packager_command_name),
                                     "For packagers: write the man pages and the bash completion");
  cmd->group("");
  cmd->add_option("--man", opts->man_dir, "Write zonesign.1 and zonesign-SUBCOMMAND.1 into DIR")->type_name("DIR");
  cmd->add_option("--bash-completion", opts->completion,
                  "Write the bash completion script to FILE (- for standard output)")
      ->type_name("FILE");
  const CLI::App* root = &app;
  return [opts, root]() -> int {
    if (opts->man_dir.empty() && opts->completion.empty())
      return report_error(Error(Errc::usage, "generate-docs needs --man DIR, --bash-completion FILE, or both"));
    if (!opts->man_dir.empty()) {
      auto written = write_man_pages(*root, opts->man_dir);
      if (!written) return report_error(written.error());
    }
    if (opts->completion == "-") {
      const std::string text = bash_completion(*root);
      std::fwrite(text.data(), 1, text.size(), stdout);
    } else if (!opts->completion.empty()) {
      auto written = write_file_atomic(opts->completion, bash_completion(*root), 0644);
      if (!written) return report_error(written.error());
    }
    return exit_ok;
  };
}

}  // namespace zs::cli
