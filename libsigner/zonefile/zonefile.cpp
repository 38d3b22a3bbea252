#include "zonefile/zonefile.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "dns/rdata.hpp"
#include "zonefile/generate.hpp"
#include "zonefile/lexer.hpp"
#include "zonefile/ttl.hpp"

namespace zs {

namespace {

namespace fs = std::filesystem;

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

// One read of the whole file: the lexer then works on a single buffer.
Result<std::string> read_file(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) return fail(Errc::io, "cannot open '" + path + "'");
  std::string data;
  if (std::fseek(f.get(), 0, SEEK_END) == 0) {
    long size = std::ftell(f.get());
    if (size > 0) data.reserve(static_cast<std::size_t>(size));
    std::rewind(f.get());
  }
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) data.append(buf, n);
  if (std::ferror(f.get())) return fail(Errc::io, "cannot read '" + path + "'");
  return data;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(static_cast<std::uint8_t>(a[i])) != ascii_lower(static_cast<std::uint8_t>(b[i]))) return false;
  return true;
}

bool starts_with_digit(const Token& t) noexcept {
  return !t.quoted && !t.text.empty() && t.text[0] >= '0' && t.text[0] <= '9';
}

// The SOA MINIMUM field: the last four octets of its RDATA.
std::optional<std::uint32_t> soa_minimum_of(const Bytes& rdata) {
  if (rdata.size() < 22) return std::nullopt;
  return get_u32(rdata.data() + rdata.size() - 4);
}

// The fields of one record line (or $GENERATE line) after the owner.
struct RecordHead {
  std::optional<std::uint32_t> ttl;
  RrType type = RrType::A;
  std::size_t rdata_index = 0;  // first RDATA token
};

class Parser {
 public:
  Parser(const ParseOptions& options, ParsedZone& out) : options_(options), out_(out) {}

  Result<void> parse_file(std::string_view text, std::uint32_t file_index, const fs::path& dir, Name origin,
                          std::size_t depth);
  std::vector<std::string>& include_stack() { return include_stack_; }

 private:
  Location where(const Token& t) const { return Location{out_.files[file_], t.line, t.column}; }
  std::unexpected<Error> at(Error e, const Token& t) const {
    e.where = where(t);
    return std::unexpected<Error>(std::move(e));
  }
  // Errors from rdata_from_tokens carry line/column but no file.
  std::unexpected<Error> at_rdata(Error e, const Token& fallback) const {
    if (e.where && e.where->line != 0) {
      e.where->file = out_.files[file_];
      return std::unexpected<Error>(std::move(e));
    }
    return at(std::move(e), fallback);
  }

  Result<Name> name_at(std::string_view text, const Token& t, const Name& origin) const {
    auto n = Name::parse(text, &origin);
    if (!n) return at(n.error(), t);
    return n;
  }

  Result<RecordHead> parse_head(std::span<const Token> tokens, std::size_t index);
  Result<std::uint32_t> resolve_ttl(const RecordHead& head, const Bytes& rdata, const Token& first);
  void add_record(Name owner, const RecordHead& head, std::uint32_t ttl, Bytes rdata, const Token& first);

  Result<void> directive(std::span<const Token> tokens, Name& origin, const fs::path& dir, std::size_t depth);
  Result<void> include(std::span<const Token> tokens, const Name& origin, const fs::path& dir, std::size_t depth);
  Result<void> generate(std::span<const Token> tokens, const Name& origin);

  const ParseOptions& options_;
  ParsedZone& out_;
  std::uint32_t file_ = 0;
  std::optional<Name> owner_;
  std::optional<std::uint32_t> default_ttl_;  // $TTL, or the MINIMUM of an SOA read without any TTL known
  std::optional<std::uint32_t> last_ttl_;     // the last explicit TTL (RFC 1035 semantics)
  std::vector<std::string> include_stack_;    // canonical paths of the files being read
  std::vector<Token> generated_;              // scratch for $GENERATE's expanded RDATA tokens
};

Result<RecordHead> Parser::parse_head(std::span<const Token> tokens, std::size_t index) {
  RecordHead head;
  bool class_seen = false;
  // TTL and class, each optional, in either order (RFC 1035 §5.1).
  for (int k = 0; k < 2 && index < tokens.size(); ++k) {
    const Token& t = tokens[index];
    if (!head.ttl && starts_with_digit(t)) {
      auto ttl = parse_ttl(t.text);
      if (!ttl) return at(ttl.error(), t);
      head.ttl = *ttl;
      ++index;
    } else if (!class_seen && !t.quoted) {
      auto rclass = class_from_string(t.text);
      if (!rclass) break;
      if (*rclass != class_IN)
        return at(Error(Errc::bad_class, "class " + t.text + " is not supported (only IN)"), t);
      class_seen = true;
      ++index;
    } else {
      break;
    }
  }
  if (index >= tokens.size())
    return at(Error(Errc::syntax, "record has no type"), tokens.back());
  const Token& t = tokens[index];
  if (starts_with_digit(t))
    return at(Error(Errc::syntax, "unexpected number '" + t.text + "' where a type belongs"), t);
  auto type = t.quoted ? std::nullopt : type_from_string(t.text);
  if (!type) return at(Error(Errc::bad_type, "unknown type '" + t.text + "'"), t);
  head.type = *type;
  head.rdata_index = index + 1;
  return head;
}

// BIND's default TTL (checked with named-compilezone 9.18): $TTL if given;
// else the last explicit TTL (RFC 1035 semantics); else, for an SOA, its
// MINIMUM, which then also becomes the default for the records after it,
// exactly as if it had been a $TTL. Any other record has no TTL.
Result<std::uint32_t> Parser::resolve_ttl(const RecordHead& head, const Bytes& rdata, const Token& first) {
  if (head.ttl) {
    last_ttl_ = *head.ttl;
    return *head.ttl;
  }
  if (default_ttl_) return *default_ttl_;
  if (last_ttl_) return *last_ttl_;
  if (auto minimum = head.type == RrType::SOA ? soa_minimum_of(rdata) : std::nullopt) {
    default_ttl_ = std::min(*minimum, max_ttl);
    return *default_ttl_;
  }
  return at(Error(Errc::no_ttl, "no TTL given and no $TTL or earlier TTL to default to"), first);
}

void Parser::add_record(Name owner, const RecordHead& head, std::uint32_t ttl, Bytes rdata, const Token& first) {
  Record r;
  r.owner = std::move(owner);
  r.type = head.type;
  r.rclass = class_IN;
  r.ttl = ttl;
  r.rdata = std::move(rdata);
  r.src_file = file_;
  r.src_line = first.line;
  r.src_column = first.column;
  out_.records.push_back(std::move(r));
}

Result<void> Parser::parse_file(std::string_view text, std::uint32_t file_index, const fs::path& dir, Name origin,
                                std::size_t depth) {
  const std::uint32_t saved_file = file_;
  file_ = file_index;
  Lexer lexer(text);
  LexEntry entry;
  for (;;) {
    auto more = lexer.next(entry);
    if (!more) {
      Error e = more.error();
      if (e.where) e.where->file = out_.files[file_];
      return fail(std::move(e));
    }
    if (!*more) break;
    auto tokens = entry.tokens;
    const Token& first = tokens.front();
    if (!entry.owner_blank && !first.quoted && first.text.starts_with('$')) {
      if (auto r = directive(tokens, origin, dir, depth); !r) return r;
      file_ = file_index;
      continue;
    }
    std::size_t index = 0;
    if (entry.owner_blank) {
      if (!owner_) return at(Error(Errc::syntax, "no previous owner to inherit"), first);
    } else {
      auto owner = name_at(first.text, first, origin);
      if (!owner) return std::unexpected(owner.error());
      owner_ = std::move(*owner);
      index = 1;
      if (tokens.size() == 1) return at(Error(Errc::syntax, "owner name with no record"), first);
    }
    auto head = parse_head(tokens, index);
    if (!head) return std::unexpected(head.error());
    auto rdata = rdata_from_tokens(head->type, tokens.subspan(head->rdata_index), origin);
    if (!rdata) return at_rdata(rdata.error(), tokens[head->rdata_index - 1]);
    auto ttl = resolve_ttl(*head, *rdata, first);
    if (!ttl) return std::unexpected(ttl.error());
    add_record(*owner_, *head, *ttl, std::move(*rdata), first);
  }
  file_ = saved_file;
  return {};
}

Result<void> Parser::directive(std::span<const Token> tokens, Name& origin, const fs::path& dir, std::size_t depth) {
  const Token& d = tokens.front();
  const std::size_t args = tokens.size() - 1;
  if (iequals(d.text, "$ORIGIN")) {
    if (args != 1) return at(Error(Errc::bad_directive, "$ORIGIN takes one name"), d);
    auto name = name_at(tokens[1].text, tokens[1], origin);
    if (!name) return std::unexpected(name.error());
    origin = std::move(*name);
    return {};
  }
  if (iequals(d.text, "$TTL")) {
    if (args != 1) return at(Error(Errc::bad_directive, "$TTL takes one TTL"), d);
    auto ttl = parse_ttl(tokens[1].text);
    if (!ttl) return at(ttl.error(), tokens[1]);
    default_ttl_ = *ttl;
    return {};
  }
  if (iequals(d.text, "$INCLUDE")) {
    if (args < 1 || args > 2) return at(Error(Errc::bad_directive, "$INCLUDE takes a file and an optional origin"), d);
    return include(tokens, origin, dir, depth);
  }
  if (iequals(d.text, "$GENERATE")) return generate(tokens, origin);
  return at(Error(Errc::bad_directive, "unknown directive " + d.text), d);
}

Result<void> Parser::include(std::span<const Token> tokens, const Name& origin, const fs::path& dir,
                             std::size_t depth) {
  const Token& file_token = tokens[1];
  Name inner_origin = origin;
  if (tokens.size() == 3) {
    auto name = name_at(tokens[2].text, tokens[2], origin);
    if (!name) return std::unexpected(name.error());
    inner_origin = std::move(*name);
  }
  fs::path path(file_token.text);
  if (path.is_relative()) path = dir / path;
  path = path.lexically_normal();
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  std::string key = ec ? path.string() : canonical.string();
  if (std::find(include_stack_.begin(), include_stack_.end(), key) != include_stack_.end())
    return at(Error(Errc::include_loop, "$INCLUDE of '" + path.string() + "', which is already being read"),
              file_token);
  if (depth + 1 > options_.max_include_depth)
    return at(Error(Errc::include_depth,
                    "$INCLUDE nested deeper than " + std::to_string(options_.max_include_depth) + " files"),
              file_token);
  auto text = read_file(path.string());
  if (!text) return at(text.error(), file_token);

  out_.files.push_back(path.string());
  auto index = static_cast<std::uint32_t>(out_.files.size() - 1);
  include_stack_.push_back(key);
  // RFC 1035 §5.1: the origin and the current owner revert after the include.
  std::optional<Name> saved_owner = owner_;
  auto r = parse_file(*text, index, path.parent_path(), std::move(inner_origin), depth + 1);
  if (!r) return r;
  owner_ = std::move(saved_owner);
  include_stack_.pop_back();
  return {};
}

// $GENERATE range lhs [ttl] [class] type rhs: one record per value of the
// range. As in BIND, rhs is one token (quoted when the RDATA has several
// fields); its expansion is then read as RDATA text, so `MX "10 mx$"` works.
Result<void> Parser::generate(std::span<const Token> tokens, const Name& origin) {
  const Token& d = tokens.front();
  if (tokens.size() < 5) return at(Error(Errc::bad_directive, "$GENERATE needs range, owner, type and RDATA"), d);
  auto range = parse_generate_range(tokens[1].text);
  if (!range) return at(range.error(), tokens[1]);
  const Token& lhs = tokens[2];
  auto head = parse_head(tokens, 3);
  if (!head) return std::unexpected(head.error());
  if (head->rdata_index >= tokens.size())
    return at(Error(Errc::bad_directive, "$GENERATE without RDATA"), tokens.back());
  if (head->rdata_index + 1 < tokens.size())
    return at(Error(Errc::bad_directive, "$GENERATE takes its RDATA as one token; quote it"),
              tokens[head->rdata_index + 1]);
  const Token& rhs = tokens[head->rdata_index];
  std::string owner_text, rdata_text, unquoted;
  for (std::uint64_t v = range->start; v <= range->stop; v += range->step) {
    owner_text.clear();
    if (auto r = expand_generate(lhs.text, static_cast<std::int64_t>(v), owner_text); !r) return at(r.error(), lhs);
    auto owner = name_at(owner_text, lhs, origin);
    if (!owner) return std::unexpected(owner.error());
    rdata_text.clear();
    if (auto r = expand_generate(rhs.text, static_cast<std::int64_t>(v), rdata_text); !r) return at(r.error(), rhs);
    if (rhs.quoted) {
      // Inside the quoted rhs, \" stands for a quote of the RDATA text.
      unquoted.clear();
      for (std::size_t i = 0; i < rdata_text.size(); ++i) {
        if (rdata_text[i] == '\\' && i + 1 < rdata_text.size()) {
          if (rdata_text[i + 1] != '"') unquoted.push_back('\\');
          unquoted.push_back(rdata_text[++i]);
        } else {
          unquoted.push_back(rdata_text[i]);
        }
      }
      rdata_text.swap(unquoted);
    }
    // Positions of the expanded fields all point at the rhs token.
    generated_.clear();
    Lexer lexer(rdata_text);
    LexEntry entry;
    auto more = lexer.next(entry);
    if (!more) return at(more.error(), rhs);
    if (*more) {
      for (const Token& t : entry.tokens) generated_.push_back(Token{t.text, t.quoted, rhs.line, rhs.column});
      if (auto extra = lexer.next(entry); !extra || *extra)
        return at(Error(Errc::bad_rdata, "$GENERATE RDATA spans several lines"), rhs);
    }
    auto rdata = rdata_from_tokens(head->type, generated_, origin);
    if (!rdata) return at_rdata(rdata.error(), rhs);
    auto ttl = resolve_ttl(*head, *rdata, d);
    if (!ttl) return std::unexpected(ttl.error());
    add_record(std::move(*owner), *head, *ttl, std::move(*rdata), d);
  }
  return {};
}

}  // namespace

Result<ParsedZone> parse_zone_file(const std::string& path, const ParseOptions& options) {
  auto text = read_file(path);
  if (!text) {
    text.error().where = Location{path, 0, 0};
    return fail(std::move(text.error()));
  }
  ParsedZone out;
  out.files.push_back(path);
  Parser parser(options, out);
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  parser.include_stack().push_back(ec ? path : canonical.string());
  auto r = parser.parse_file(*text, 0, fs::path(path).parent_path(), options.origin, 0);
  if (!r) return fail(std::move(r.error()));
  return out;
}

Result<ParsedZone> parse_zone_text(std::string_view text, const std::string& display_name,
                                   const ParseOptions& options) {
  ParsedZone out;
  out.files.push_back(display_name);
  Parser parser(options, out);
  auto r = parser.parse_file(text, 0, fs::path(), options.origin, 0);
  if (!r) return fail(std::move(r.error()));
  return out;
}

}  // namespace zs
