#include "zonefile/zonefile.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <optional>
#include <thread>

#include "core/atomic_file.hpp"
#include "core/parallel.hpp"
#include "dns/rdata.hpp"
#include "zonefile/excerpt.hpp"
#include "zonefile/generate.hpp"
#include "zonefile/lexer.hpp"
#include "zonefile/ttl.hpp"

namespace zs {

namespace {

namespace fs = std::filesystem;

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(static_cast<std::uint8_t>(a[i])) != ascii_lower(static_cast<std::uint8_t>(b[i]))) return false;
  return true;
}

bool starts_with_digit(const Token& t) noexcept {
  return !t.quoted && !t.text.empty() && t.text[0] >= '0' && t.text[0] <= '9';
}

// The class of a record: "IN" in nearly every record that names one, so it
// is recognised before the general lookup.
std::optional<std::uint16_t> record_class(std::string_view text) {
  if (text.size() == 2 && (text[0] | 0x20) == 'i' && (text[1] | 0x20) == 'n') return class_IN;
  return class_from_string(text);
}

// The type of a record. The mnemonics that make up most zones are matched
// here, case-insensitively, before the binary search of type_from_string
// (which gives the same answer, as zonefile_test checks); the type is looked
// up once per record, so this is one of the parser's hot spots.
std::optional<RrType> record_type(std::string_view text) {
  char up[5];
  if (text.size() <= sizeof up) {
    for (std::size_t i = 0; i < text.size(); ++i)
      up[i] = text[i] >= 'a' && text[i] <= 'z' ? static_cast<char>(text[i] - 32) : text[i];
    const std::string_view u(up, text.size());
    switch (u.size()) {
      case 1:
        if (u == "A") return RrType::A;
        break;
      case 2:
        if (u == "NS") return RrType::NS;
        if (u == "MX") return RrType::MX;
        if (u == "DS") return RrType::DS;
        break;
      case 3:
        if (u == "TXT") return RrType::TXT;
        if (u == "SRV") return RrType::SRV;
        if (u == "PTR") return RrType::PTR;
        if (u == "SOA") return RrType::SOA;
        break;
      case 4:
        if (u == "AAAA") return RrType::AAAA;
        break;
      case 5:
        if (u == "CNAME") return RrType::CNAME;
        break;
      default:
        break;
    }
  }
  return type_from_string(text);
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
  Parser(const ParseOptions& options, SourceFiles& files, const RecordCallback& on_record)
      : options_(options), files_(files), on_record_(on_record) {}

  // Counts `bytes` of input against ZoneInputOptions::max_bytes; false once over.
  bool count_input(std::size_t bytes) {
    input_bytes_ += bytes;
    return input_bytes_ <= options_.input.max_bytes;
  }

  // `origin` is updated by $ORIGIN, so that the next piece of the same file
  // goes on with it; `line_base` is the number of lines of that file before
  // `text`. Returns the number of line breaks in `text`.
  Result<std::uint32_t> parse_file(std::string_view text, std::uint32_t file_index, const fs::path& dir,
                                   Name& origin, std::size_t depth, std::uint32_t line_base = 0);
  std::vector<std::string>& include_stack() { return include_stack_; }
  // $TTL (or an SOA's MINIMUM read without any TTL known), for the records after.
  std::optional<std::uint32_t> default_ttl() const noexcept { return default_ttl_; }

 private:
  Location where(const Token& t) const { return Location{files_[file_], line_base_ + t.line, t.column}; }
  // Every error leaves through here: positioned at `t`, its message quoting
  // at most an excerpt of `t`, and nothing of an included file.
  std::unexpected<Error> at(Error e, const Token& t) const {
    e.where = where(t);
    e.message = safe_message(e.message, t.text, file_ != 0);
    return std::unexpected<Error>(std::move(e));
  }
  // Errors from rdata_from_tokens carry line/column but no file; the token
  // they point at is looked up in the current entry.
  std::unexpected<Error> at_rdata(Error e, const Token& fallback) const {
    if (e.where && e.where->line != 0) {
      for (const Token& t : current_)
        if (t.line == e.where->line && t.column == e.where->column) return at(std::move(e), t);
      e.where->file = files_[file_];
      e.where->line += line_base_;
      e.message = safe_message(e.message, {}, file_ != 0);
      return std::unexpected<Error>(std::move(e));
    }
    return at(std::move(e), fallback);
  }
  // Errors of the lexer: a position, no file, no token.
  std::unexpected<Error> at_lexer(Error e) const {
    if (e.where) {
      e.where->file = files_[file_];
      if (e.where->line != 0) e.where->line += line_base_;
    }
    e.message = safe_message(e.message, {}, file_ != 0);
    return std::unexpected<Error>(std::move(e));
  }

  Result<Name> name_at(std::string_view text, const Token& t, const Name& origin) const {
    auto n = Name::parse(text, &origin);
    if (!n) return at(n.error(), t);
    return n;
  }

  Result<void> read_owner(const Token& t, const Name& origin);
  Result<RecordHead> parse_head(std::span<const Token> tokens, std::size_t index);
  Result<std::uint32_t> resolve_ttl(const RecordHead& head, const Bytes& rdata, const Token& first);
  Result<void> add_record(Name owner, const RecordHead& head, std::uint32_t ttl, Bytes rdata, const Token& first);

  Result<void> directive(std::span<const Token> tokens, Name& origin, const fs::path& dir, std::size_t depth);
  Result<void> include(std::span<const Token> tokens, const Name& origin, const fs::path& dir, std::size_t depth);
  Result<void> generate(std::span<const Token> tokens, const Name& origin);

  const ParseOptions& options_;
  SourceFiles& files_;
  const RecordCallback& on_record_;
  std::uint32_t file_ = 0;
  std::uint32_t line_base_ = 0;               // lines of the current file before the text being read
  std::optional<Name> owner_;
  // The text and origin owner_ was last parsed from: most owners are
  // written again on the next line (one name, several types), and the same
  // text under the same origin (the same Name block) is the same name, so
  // it is not parsed again and the records share one Name block. Cleared
  // whenever owner_ is set another way.
  std::string owner_text_;
  std::optional<Name> owner_origin_;
  std::optional<std::uint32_t> default_ttl_;  // $TTL, or the MINIMUM of an SOA read without any TTL known
  std::optional<std::uint32_t> last_ttl_;     // the last explicit TTL (RFC 1035 semantics)
  std::vector<std::string> include_stack_;    // canonical paths of the files being read
  std::vector<Token> generated_;              // scratch for $GENERATE's expanded RDATA tokens
  std::span<const Token> current_;            // the entry being read, to find an error's token
  std::uint64_t input_bytes_ = 0;             // files read so far, all together
  std::uint64_t generated_records_ = 0;       // $GENERATE records so far
  std::uint64_t generated_chars_ = 0;         // $GENERATE expanded text so far
  std::optional<fs::path> include_root_;      // options_.input.include_root with its links resolved
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
      auto rclass = record_class(t.text);
      if (!rclass) break;
      if (*rclass != class_IN)
        return at(Error(Errc::bad_class, "class '" + t.text + "' is not supported (only IN)"), t);
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
  auto type = t.quoted ? std::nullopt : record_type(t.text);
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

Result<void> Parser::add_record(Name owner, const RecordHead& head, std::uint32_t ttl, Bytes rdata,
                                const Token& first) {
  Record r;
  r.owner = std::move(owner);
  r.type = head.type;
  r.rclass = class_IN;
  r.ttl = ttl;
  r.rdata = std::move(rdata);
  r.src_file = file_;
  r.src_line = line_base_ + first.line;
  r.src_column = first.column;
  return on_record_(std::move(r), files_);
}

Result<void> Parser::read_owner(const Token& t, const Name& origin) {
  if (owner_ && owner_origin_ && owner_origin_->wire().data() == origin.wire().data() && owner_text_ == t.text)
    return {};
  auto owner = name_at(t.text, t, origin);
  if (!owner) return std::unexpected(std::move(owner.error()));
  owner_ = std::move(*owner);
  owner_text_ = t.text;
  owner_origin_ = origin;
  return {};
}

Result<std::uint32_t> Parser::parse_file(std::string_view text, std::uint32_t file_index, const fs::path& dir,
                                         Name& origin, std::size_t depth, std::uint32_t line_base) {
  const std::uint32_t saved_file = file_;
  const std::uint32_t saved_base = line_base_;
  file_ = file_index;
  line_base_ = line_base;
  Lexer lexer(text, options_.lex);
  LexEntry entry;
  for (;;) {
    auto more = lexer.next(entry);
    if (!more) return at_lexer(std::move(more.error()));
    if (!*more) break;
    auto tokens = entry.tokens;
    current_ = tokens;
    const Token& first = tokens.front();
    if (!entry.owner_blank && !first.quoted && first.text.starts_with('$')) {
      if (auto r = directive(tokens, origin, dir, depth); !r) return std::unexpected(std::move(r.error()));
      file_ = file_index;
      line_base_ = line_base;
      continue;
    }
    std::size_t index = 0;
    if (entry.owner_blank) {
      if (!owner_) return at(Error(Errc::syntax, "no previous owner to inherit"), first);
    } else {
      if (auto r = read_owner(first, origin); !r) return std::unexpected(std::move(r.error()));
      index = 1;
      if (tokens.size() == 1) return at(Error(Errc::syntax, "owner name with no record"), first);
    }
    auto head = parse_head(tokens, index);
    if (!head) return std::unexpected(head.error());
    auto rdata = rdata_from_tokens(head->type, tokens.subspan(head->rdata_index), origin);
    if (!rdata) return at_rdata(rdata.error(), tokens[head->rdata_index - 1]);
    auto ttl = resolve_ttl(*head, *rdata, first);
    if (!ttl) return std::unexpected(ttl.error());
    if (auto r = add_record(*owner_, *head, *ttl, std::move(*rdata), first); !r)
      return std::unexpected(std::move(r.error()));
  }
  file_ = saved_file;
  line_base_ = saved_base;
  // The lexer has passed every line break of the text (none hides in a
  // token, a quoted string or a comment).
  return lexer.line() - 1;
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
    if (!options_.input.allow_include)
      return at(Error(Errc::include_denied, "$INCLUDE is turned off for this run (--no-include)"), d);
    if (args < 1 || args > 2) return at(Error(Errc::bad_directive, "$INCLUDE takes a file and an optional origin"), d);
    return include(tokens, origin, dir, depth);
  }
  if (iequals(d.text, "$GENERATE")) return generate(tokens, origin);
  return at(Error(Errc::bad_directive, "unknown directive '" + d.text + "'"), d);
}

namespace {

// Whether `path` lies at or below `root`, component by component (both
// canonical: no links, no "..").
bool is_below(const fs::path& root, const fs::path& path) {
  auto p = path.begin();
  for (const auto& part : root) {
    if (p == path.end() || *p != part) return false;
    ++p;
  }
  return true;
}

// A file name as diagnostics show it: bytes outside printable ASCII escaped.
std::string display_path(const std::string& path) { return excerpt(path, path.size()); }

}  // namespace

Result<void> Parser::include(std::span<const Token> tokens, const Name& origin, const fs::path& dir,
                             std::size_t depth) {
  const Token& file_token = tokens[1];
  Name inner_origin = origin;
  if (tokens.size() == 3) {
    auto name = name_at(tokens[2].text, tokens[2], origin);
    if (!name) return std::unexpected(name.error());
    inner_origin = std::move(*name);
  }
  if (file_token.text.empty()) return at(Error(Errc::bad_directive, "$INCLUDE with an empty file name"), file_token);
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
  // Under --include-root, the file actually read is the resolved one, so a
  // link swapped after the check cannot lead elsewhere by a second resolution.
  fs::path to_read = path;
  if (!options_.input.include_root.empty()) {
    if (!include_root_) {
      fs::path root = fs::canonical(options_.input.include_root, ec);
      if (ec)
        return at(Error(Errc::io, "include root '" + options_.input.include_root + "': " + ec.message()), file_token);
      include_root_ = std::move(root);
    }
    fs::path resolved = fs::canonical(path, ec);
    if (ec) return at(Error(Errc::io, "cannot open '" + path.string() + "': " + ec.message()), file_token);
    if (!is_below(*include_root_, resolved))
      return at(Error(Errc::include_denied, "$INCLUDE of '" + path.string() + "', which is not below the include root '" +
                                                include_root_->string() + "' (links resolved)"),
                file_token);
    to_read = std::move(resolved);
  }
  const std::uint64_t left = options_.input.max_bytes - std::min(input_bytes_, options_.input.max_bytes);
  auto text = read_file(to_read.string(), left);
  if (!text) {
    Error e = std::move(text.error());
    if (e.code == Errc::limit)
      e.message = "the zone's files together are larger than the input limit of " +
                  format_byte_count(options_.input.max_bytes);
    return at(std::move(e), file_token);
  }
  count_input(text->size());

  files_.push_back(display_path(path.string()));
  auto index = static_cast<std::uint32_t>(files_.size() - 1);
  include_stack_.push_back(key);
  // RFC 1035 §5.1: the origin and the current owner revert after the include.
  std::optional<Name> saved_owner = owner_;
  auto r = parse_file(*text, index, path.parent_path(), inner_origin, depth + 1);
  if (!r) return std::unexpected(std::move(r.error()));
  owner_ = std::move(saved_owner);
  owner_origin_.reset();
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
  // The count is known before any record is made, so a huge range costs nothing.
  const std::uint64_t count = (std::uint64_t{range->stop} - range->start) / range->step + 1;
  if (count > options_.max_generate_records)
    return at(Error(Errc::limit, "$GENERATE range of " + std::to_string(count) + " records; at most " +
                                     std::to_string(options_.max_generate_records) + " in one directive"),
              tokens[1]);
  if (count > options_.max_generate_total - std::min(generated_records_, options_.max_generate_total))
    return at(Error(Errc::limit, "$GENERATE directives together make more than " +
                                     std::to_string(options_.max_generate_total) + " records"),
              tokens[1]);
  generated_records_ += count;
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
    generated_chars_ += owner_text.size() + rdata_text.size();
    if (generated_chars_ > options_.max_generate_chars)
      return at(Error(Errc::limit, "$GENERATE directives together expand to more than " +
                                       format_byte_count(options_.max_generate_chars) + " of text"),
                d);
    // Positions of the expanded fields all point at the rhs token.
    generated_.clear();
    Lexer lexer(rdata_text, options_.lex);
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
    if (auto r = add_record(std::move(*owner), *head, *ttl, std::move(*rdata), d); !r) return r;
  }
  return {};
}

}  // namespace

struct ZoneTextReader::State {
  State(const std::string& display_name, const ParseOptions& options_in, RecordCallback callback, fs::path dir_in,
        std::string stack_key)
      : options(options_in),
        on_record([this, callback = std::move(callback)](Record&& r, const SourceFiles& files) {
          ++records;
          return callback(std::move(r), files);
        }),
        parser(options, files, on_record),
        dir(std::move(dir_in)),
        origin(options.origin) {
    files.push_back(display_name);
    if (!stack_key.empty()) parser.include_stack().push_back(std::move(stack_key));
  }
  ParseOptions options;
  SourceFiles files;
  RecordCallback on_record;
  Parser parser;
  fs::path dir;
  Name origin;
  std::uint64_t bytes = 0;
  std::uint64_t records = 0;
  std::uint32_t lines = 0;  // of the top file, before the next piece
  bool failed = false;
};

ZoneTextReader::ZoneTextReader(const std::string& display_name, const ParseOptions& options, RecordCallback on_record)
    : ZoneTextReader(display_name, options, std::move(on_record), std::string(), std::string()) {}

ZoneTextReader::ZoneTextReader(const std::string& display_name, const ParseOptions& options, RecordCallback on_record,
                               const std::string& dir, const std::string& stack_key)
    : state_(std::make_unique<State>(display_name, options, std::move(on_record), fs::path(dir), stack_key)) {}

ZoneTextReader::ZoneTextReader(ZoneTextReader&&) noexcept = default;
ZoneTextReader::~ZoneTextReader() = default;

Result<void> ZoneTextReader::read(std::string_view piece) {
  State& st = *state_;
  if (st.failed) return fail(Errc::internal, "zone text read on after an error");
  st.bytes += piece.size();
  // The top file's own size was bounded by whoever read it; counting it here
  // bounds what its includes may add.
  st.parser.count_input(piece.size());
  auto r = st.parser.parse_file(piece, 0, st.dir, st.origin, 0, st.lines);
  if (!r) {
    st.failed = true;
    return std::unexpected(std::move(r.error()));
  }
  // A piece ends at the end of a line (or of the text): the next one starts
  // on the line after its last line break.
  st.lines += *r;
  return {};
}

Result<void> ZoneTextReader::finish() {
  const State& st = *state_;
  if (st.failed) return fail(Errc::internal, "zone text finished after an error");
  // An empty file (or one of comments only) is reported at its line 1, where
  // an editor shows it, rather than with no position at all.
  if (st.records == 0)
    return fail(Errc::no_soa,
                st.bytes == 0 ? "the zone file is empty" : "the zone file holds no records (no SOA, no data)",
                Location{st.files.front(), 1, 1});
  return {};
}

const SourceFiles& ZoneTextReader::files() const noexcept { return state_->files; }
const Name& ZoneTextReader::origin() const noexcept { return state_->origin; }
std::optional<std::uint32_t> ZoneTextReader::default_ttl() const noexcept { return state_->parser.default_ttl(); }

namespace {

// A directive at `at` (a line start) of `text`, by its name.
bool directive_named(std::string_view text, std::size_t at, std::string_view name) {
  return text.size() - at > name.size() && iequals(text.substr(at, name.size()), name) &&
         (text[at + name.size()] == ' ' || text[at + name.size()] == '\t');
}

}  // namespace

// A large text read in two halves side by side: at 1M names the parse is
// half a second on one core of a re-sign's three. The second half starts
// at a line that starts with an owner name, after the middle; its reader
// first reads, in place of the first half, as many line breaks with the
// first half's directive lines among them ($ORIGIN and $TTL as written),
// so that its line numbers and its origin and default TTL are the first
// half's at its end. Nothing is taken on trust: the first half must end
// where an entry ends (a cut entry is an error), the two readers must agree
// on the origin and the default TTL at the cut, and the first line after it
// must hold its own owner; any error, any $INCLUDE or $GENERATE, any
// directive with parentheses, or no $TTL before the cut (the default TTL
// then depends on the records) and the text is read as one, which reports
// what is wrong where: nullopt.
std::optional<ParsedZone> parse_zone_text_in_halves(std::string_view text, const std::string& display_name,
                                                    const ParseOptions& options, std::size_t min_bytes) {
  if (text.size() < min_bytes || std::thread::hardware_concurrency() < 2) return std::nullopt;
  auto owner_starts = [](char c) {
    return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ';' && c != '$' && c != '(' && c != ')' &&
           c != '"';
  };
  std::size_t cut = text.find('\n', text.size() / 2);
  while (cut != std::string_view::npos && cut + 1 < text.size() && !owner_starts(text[cut + 1]))
    cut = text.find('\n', cut + 1);
  if (cut == std::string_view::npos || cut + 1 >= text.size()) return std::nullopt;
  ++cut;
  // Directives: those of the first half into the prefix, none that reads
  // files or makes records anywhere.
  std::string prefix;
  bool ttl_seen = false;
  std::size_t copied_to = 0;  // the first half's bytes accounted for in `prefix`
  for (std::size_t at = text.find('$'); at != std::string_view::npos; at = text.find('$', at + 1)) {
    if (at != 0 && text[at - 1] != '\n') continue;
    if (directive_named(text, at, "$INCLUDE") || directive_named(text, at, "$GENERATE")) return std::nullopt;
    if (at >= cut) continue;
    const std::size_t end = std::min(text.find('\n', at), cut);
    const std::string_view line = text.substr(at, end - at);
    if (line.find('(') != std::string_view::npos) return std::nullopt;
    ttl_seen = ttl_seen || directive_named(text, at, "$TTL");
    prefix.append(static_cast<std::size_t>(std::count(text.begin() + copied_to, text.begin() + at, '\n')), '\n');
    prefix.append(line);
    copied_to = end;
  }
  if (!ttl_seen) return std::nullopt;
  prefix.append(static_cast<std::size_t>(std::count(text.begin() + copied_to, text.begin() + cut, '\n')), '\n');

  ParsedZone first, second;
  first.records.reserve(std::min<std::size_t>(std::count(text.begin(), text.end(), '\n') + 1, std::size_t{1} << 24));
  second.records.reserve(std::min<std::size_t>(std::count(text.begin() + cut, text.end(), '\n') + 1,
                                               std::size_t{1} << 24));
  auto into = [](ParsedZone& z) {
    return [&z](Record&& r, const SourceFiles&) -> Result<void> {
      z.records.push_back(std::move(r));
      return {};
    };
  };
  // No $INCLUDE is read here: no folder, no stack of files.
  ZoneTextReader a(display_name, options, into(first));
  ZoneTextReader b(display_name, options, into(second));
  bool read_a = false, read_b = false;
  Name origin_at_cut;
  std::optional<std::uint32_t> ttl_at_cut;
  run_on_threads(2, [&](std::size_t half) {
    if (half == 0) {
      read_a = a.read(text.substr(0, cut)).has_value();
      return;
    }
    if (!b.read(prefix)) return;
    origin_at_cut = b.origin();
    ttl_at_cut = b.default_ttl();
    read_b = b.read(text.substr(cut)).has_value();
  });
  if (!read_a || !read_b || second.records.empty()) return std::nullopt;
  const auto lines_before_cut = static_cast<std::uint32_t>(std::count(prefix.begin(), prefix.end(), '\n'));
  if (second.records.front().src_line != lines_before_cut + 1 || second.records.front().src_column != 1 ||
      !std::ranges::equal(a.origin().wire(), origin_at_cut.wire()) || a.default_ttl() != ttl_at_cut)
    return std::nullopt;
  first.records.insert(first.records.end(), std::make_move_iterator(second.records.begin()),
                       std::make_move_iterator(second.records.end()));
  first.files = a.files();
  return first;
}

namespace {

// Reads the top file and every include into one list of records.
Result<ParsedZone> parse_top(std::string_view text, const std::string& display_name, const fs::path& dir,
                             const std::string& stack_key, const ParseOptions& options) {
  if (auto halves = parse_zone_text_in_halves(text, display_name, options)) return std::move(*halves);
  ParsedZone out;
  // About a record per line: the list is made once at about its size (only
  // what is filled is touched), not grown and moved twenty times at 1M names.
  out.records.reserve(std::min<std::size_t>(std::count(text.begin(), text.end(), '\n') + 1, std::size_t{1} << 24));
  ZoneTextReader reader(
      display_name, options,
      [&out](Record&& r, const SourceFiles&) -> Result<void> {
        out.records.push_back(std::move(r));
        return {};
      },
      dir.string(), stack_key);
  if (auto r = reader.read(text); !r) return fail(std::move(r.error()));
  if (auto r = reader.finish(); !r) return fail(std::move(r.error()));
  out.files = reader.files();
  return out;
}

}  // namespace

Result<ParsedZone> parse_zone_file(const std::string& path, const ParseOptions& options) {
  const std::string shown = display_path(path);
  auto text = path == "-" ? read_stdin(options.input.max_bytes) : read_file(path, options.input.max_bytes);
  if (!text) {
    text.error().where = Location{shown, 0, 0};
    text.error().message = safe_message(text.error().message, {}, false);
    return fail(std::move(text.error()));
  }
  if (path == "-") return parse_top(*text, shown, fs::path(), std::string(), options);
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  return parse_top(*text, shown, fs::path(path).parent_path(), ec ? path : canonical.string(), options);
}

Result<ParsedZone> parse_zone_text(std::string_view text, const std::string& display_name,
                                   const ParseOptions& options) {
  return parse_top(text, display_name, fs::path(), std::string(), options);
}

}  // namespace zs
