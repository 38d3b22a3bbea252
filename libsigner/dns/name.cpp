#include "dns/name.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <memory>

namespace zs {

namespace {

// Label start offsets of a valid wire name, root label excluded.
struct LabelOffsets {
  std::array<std::uint8_t, 128> at{};
  std::size_t count = 0;
};

LabelOffsets label_offsets(BytesView wire) noexcept {
  LabelOffsets out;
  std::size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0) {
    out.at[out.count++] = static_cast<std::uint8_t>(pos);
    pos += wire[pos] + 1u;
  }
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::uint8_t root_wire[1] = {0};

// The block's size in 32-bit words: the reference count, then the length
// octet and the wire octets.
std::size_t block_words(std::size_t wire_length) noexcept { return 1 + (1 + wire_length + 3) / 4; }

}  // namespace

Name::SharedWire::SharedWire(BytesView wire) {
  if (wire.size() == 1) return;  // the root: no block
  block_ = std::allocator<std::uint32_t>().allocate(block_words(wire.size()));
  block_[0] = 1;
  auto* octets = reinterpret_cast<std::uint8_t*>(block_ + 1);
  octets[0] = static_cast<std::uint8_t>(wire.size());
  std::copy(wire.begin(), wire.end(), octets + 1);
}

BytesView Name::SharedWire::view() const noexcept {
  if (!block_) return BytesView(root_wire);
  const auto* octets = reinterpret_cast<const std::uint8_t*>(block_ + 1);
  return BytesView(octets + 1, octets[0]);
}

// Copies may live on several threads (the signing and checking workers), so
// the count is atomic. A new reference needs no ordering; the last release
// must see every other thread's reads of the octets done before the block goes.
void Name::SharedWire::retain() const noexcept {
  if (block_) std::atomic_ref<std::uint32_t>(block_[0]).fetch_add(1, std::memory_order_relaxed);
}

void Name::SharedWire::release() noexcept {
  if (!block_) return;
  if (std::atomic_ref<std::uint32_t>(block_[0]).fetch_sub(1, std::memory_order_acq_rel) == 1) {
    const auto* octets = reinterpret_cast<const std::uint8_t*>(block_ + 1);
    std::allocator<std::uint32_t>().deallocate(block_, block_words(octets[0]));
  }
  block_ = nullptr;
}

Name::Name() = default;

namespace {

// The wire form of a name being read from text, on the stack: parsing runs
// for every owner and every name in RDATA, and a heap buffer made each one
// pay an allocation and a free besides the Name's own block. 257 octets is
// the most the loop below holds before its length check fires (256 plus the
// open label's length octet); the origin is appended only once the result is
// known to fit.
struct WireBuffer {
  std::array<std::uint8_t, 260> octets;
  std::size_t size = 0;
  BytesView view() const noexcept { return BytesView(octets.data(), size); }
};

// What a character of a name's text is to the parser: most are label octets.
enum class NameChar : std::uint8_t { octet, dot, escape };
constexpr std::array<NameChar, 256> make_name_chars() {
  std::array<NameChar, 256> t{};
  t[static_cast<unsigned char>('.')] = NameChar::dot;
  t[static_cast<unsigned char>('\\')] = NameChar::escape;
  return t;
}
constexpr auto name_chars = make_name_chars();

// Parses a name that is neither "@" nor "." (Name::parse's contract) into
// `wire`. Labels are written straight into the wire form: each starts with a
// length octet that is filled in when its '.' (or the end) is reached.
Result<void> parse_wire(std::string_view text, const Name* origin, WireBuffer& wire) {
  // A raw NUL is no character of the master-file format (BIND: syntax
  // error); the octet is written \000. Not quoted: it would print raw.
  if (text.find('\0') != std::string_view::npos)
    return fail(Errc::bad_name, "a raw NUL byte in a domain name (write the octet as \\000)");
  std::uint8_t* const out = wire.octets.data();
  std::size_t size = 1;         // octets written, the open label's length octet included
  std::size_t label_start = 0;  // offset of the open label's length octet
  out[0] = 0;
  bool absolute = false;
  auto close_label = [&]() -> Result<void> {
    const std::size_t length = size - label_start - 1;
    if (length == 0) return fail(Errc::bad_name, "empty label in '" + std::string(text) + "'");
    if (length > Name::max_label_length)
      return fail(Errc::label_too_long,
                  "label of " + std::to_string(length) + " octets (limit 63) in '" + std::string(text) + "'");
    out[label_start] = static_cast<std::uint8_t>(length);
    return {};
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    // A run of plain octets is copied at once. The loop checks the length
    // after every character and no plain octet fails otherwise, so a run
    // that would pass 255 octets is the same name_too_long, reported first.
    std::size_t run_end = i;
    while (run_end < text.size() && name_chars[static_cast<unsigned char>(text[run_end])] == NameChar::octet) ++run_end;
    if (run_end > i) {
      if (size + (run_end - i) - 1 > Name::max_wire_length)
        return fail(Errc::name_too_long, "name longer than 255 octets: '" + std::string(text) + "'");
      std::copy(text.begin() + static_cast<std::ptrdiff_t>(i), text.begin() + static_cast<std::ptrdiff_t>(run_end),
                out + size);
      size += run_end - i;
      i = run_end;
      if (i == text.size()) break;
    }
    if (name_chars[static_cast<unsigned char>(text[i])] == NameChar::escape) {
      if (i + 1 >= text.size()) return fail(Errc::bad_name, "dangling '\\' in '" + std::string(text) + "'");
      if (is_digit(text[i + 1])) {
        if (i + 3 >= text.size() || !is_digit(text[i + 2]) || !is_digit(text[i + 3]))
          return fail(Errc::bad_name, "bad \\DDD escape in '" + std::string(text) + "'");
        int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (v > 255) return fail(Errc::bad_name, "\\DDD escape above 255 in '" + std::string(text) + "'");
        out[size++] = static_cast<std::uint8_t>(v);
        i += 3;
      } else {
        out[size++] = static_cast<std::uint8_t>(text[i + 1]);
        ++i;
      }
    } else {  // a dot
      if (auto r = close_label(); !r) return r;
      if (i + 1 == text.size()) {
        absolute = true;
      } else {
        label_start = size;
        out[size++] = 0;
      }
    }
    // The octets so far, without the open label's length octet.
    if (size - (absolute ? 0 : 1) > Name::max_wire_length)
      return fail(Errc::name_too_long, "name longer than 255 octets: '" + std::string(text) + "'");
  }
  if (!absolute) {
    if (auto r = close_label(); !r) return r;
    if (!origin) return fail(Errc::no_origin, "relative name '" + std::string(text) + "' with no origin");
    const BytesView suffix = origin->wire();
    if (size + suffix.size() > Name::max_wire_length)
      return fail(Errc::name_too_long, "name longer than 255 octets: '" + std::string(text) + "'");
    std::copy(suffix.begin(), suffix.end(), out + size);
    size += suffix.size();
  } else {
    out[size++] = 0;
    if (size > Name::max_wire_length)
      return fail(Errc::name_too_long, "name longer than 255 octets: '" + std::string(text) + "'");
  }
  wire.size = size;
  return {};
}

}  // namespace

Result<Name> Name::parse(std::string_view text, const Name* origin) {
  if (text.empty()) return fail(Errc::bad_name, "empty domain name");
  if (text == "@") {
    if (!origin) return fail(Errc::no_origin, "'@' used with no origin");
    return *origin;
  }
  if (text == ".") return Name();
  WireBuffer wire;
  if (auto r = parse_wire(text, origin, wire); !r) return std::unexpected(std::move(r.error()));
  return Name(wire.view());
}

Result<void> Name::parse_to_wire(std::string_view text, const Name* origin, Bytes& out) {
  if (text.empty()) return fail(Errc::bad_name, "empty domain name");
  if (text == "@") {
    if (!origin) return fail(Errc::no_origin, "'@' used with no origin");
    put_bytes(out, origin->wire());
    return {};
  }
  if (text == ".") {
    out.push_back(0);
    return {};
  }
  WireBuffer wire;
  if (auto r = parse_wire(text, origin, wire); !r) return r;
  put_bytes(out, wire.view());
  return {};
}

Result<Name> Name::from_wire(BytesView wire) {
  std::size_t offset = 0;
  auto name = read_wire(wire, offset);
  if (!name) return name;
  if (offset != wire.size()) return fail(Errc::bad_name, "trailing octets after name");
  return name;
}

Result<Name> Name::read_wire(BytesView message, std::size_t& offset) {
  Bytes wire;
  std::size_t pos = offset;
  bool jumped = false;
  int jumps = 0;
  while (true) {
    if (pos >= message.size()) return fail(Errc::bad_name, "name runs past the end of its data");
    std::uint8_t len = message[pos];
    if ((len & 0xC0) == 0xC0) {
      if (pos + 1 >= message.size()) return fail(Errc::bad_name, "truncated compression pointer");
      if (++jumps > 64) return fail(Errc::bad_name, "compression pointer loop");
      std::size_t target = ((len & 0x3F) << 8) | message[pos + 1];
      if (!jumped) offset = pos + 2;
      jumped = true;
      if (target >= pos) return fail(Errc::bad_name, "forward compression pointer");
      pos = target;
      continue;
    }
    if (len > max_label_length) return fail(Errc::bad_name, "bad label length octet");
    if (pos + 1 + len > message.size()) return fail(Errc::bad_name, "label runs past the end of its data");
    wire.insert(wire.end(), message.begin() + pos, message.begin() + pos + 1 + len);
    pos += 1 + len;
    if (wire.size() > max_wire_length) return fail(Errc::name_too_long, "name longer than 255 octets");
    if (len == 0) break;
  }
  if (!jumped) offset = pos;
  return Name(BytesView(wire));
}

std::size_t Name::label_count() const noexcept { return label_offsets(wire()).count; }

std::string Name::to_string() const {
  if (is_root()) return ".";
  const BytesView self = wire();
  std::string out;
  std::size_t pos = 0;
  while (self[pos] != 0) {
    std::uint8_t len = self[pos];
    for (std::size_t i = pos + 1; i <= pos + len; ++i) {
      std::uint8_t c = self[i];
      switch (c) {
        case '.': case ';': case '\\': case '(': case ')': case '"': case '$': case '@':
          out += '\\';
          out += static_cast<char>(c);
          break;
        default:
          if (c <= 0x20 || c >= 0x7f) {
            char buf[5] = {'\\', static_cast<char>('0' + c / 100), static_cast<char>('0' + (c / 10) % 10),
                           static_cast<char>('0' + c % 10), 0};
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    out += '.';
    pos += len + 1u;
  }
  return out;
}

Name Name::lowercased() const {
  Bytes w(wire().begin(), wire().end());
  std::size_t pos = 0;
  while (w[pos] != 0) {
    std::uint8_t len = w[pos];
    for (std::size_t i = pos + 1; i <= pos + len; ++i) w[i] = ascii_lower(w[i]);
    pos += len + 1u;
  }
  return Name(BytesView(w));
}

Name Name::parent(std::size_t n) const {
  const BytesView w = wire();
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n && w[pos] != 0; ++i) pos += w[pos] + 1u;
  return Name(w.subspan(pos));
}

std::string_view Name::first_label() const noexcept {
  const BytesView w = wire();
  return std::string_view(reinterpret_cast<const char*>(w.data()) + 1, w[0]);
}

Result<Name> Name::prepend(std::string_view label) const {
  if (label.empty()) return fail(Errc::bad_name, "empty label");
  if (label.size() > max_label_length) return fail(Errc::label_too_long, "label over 63 octets");
  const BytesView self = wire();
  if (self.size() + label.size() + 1 > max_wire_length)
    return fail(Errc::name_too_long, "name longer than 255 octets");
  // On the stack: an NSEC3 chain prepends a label for each of a million names.
  std::array<std::uint8_t, max_wire_length> w;
  w[0] = static_cast<std::uint8_t>(label.size());
  std::memcpy(w.data() + 1, label.data(), label.size());
  std::memcpy(w.data() + 1 + label.size(), self.data(), self.size());
  return Name(BytesView(w.data(), 1 + label.size() + self.size()));
}

bool Name::equals(const Name& other) const noexcept {
  const BytesView self = wire(), other_wire = other.wire();
  if (self.data() == other_wire.data()) return true;  // copies of one name
  if (self.size() != other_wire.size()) return false;
  // Length octets are < 64 and so unaffected by case folding.
  for (std::size_t i = 0; i < self.size(); ++i)
    if (ascii_lower(self[i]) != ascii_lower(other_wire[i])) return false;
  return true;
}

bool Name::is_subdomain_of(const Name& other) const noexcept {
  const BytesView self = wire(), other_wire = other.wire();
  if (other_wire.size() > self.size()) return false;
  std::size_t pos = 0;
  std::size_t skip = self.size() - other_wire.size();
  while (pos < skip) pos += self[pos] + 1u;
  if (pos != skip) return false;  // suffix does not start on a label boundary
  for (std::size_t i = 0; i < other_wire.size(); ++i)
    if (ascii_lower(self[pos + i]) != ascii_lower(other_wire[i])) return false;
  return true;
}

int canonical_compare(const Name& a, const Name& b) noexcept {
  if (a.wire().data() == b.wire().data()) return 0;  // copies of one name
  LabelOffsets la = label_offsets(a.wire());
  LabelOffsets lb = label_offsets(b.wire());
  std::size_t ia = la.count, ib = lb.count;
  while (ia > 0 && ib > 0) {
    --ia;
    --ib;
    const std::uint8_t* pa = a.wire().data() + la.at[ia];
    const std::uint8_t* pb = b.wire().data() + lb.at[ib];
    std::size_t na = pa[0], nb = pb[0];
    std::size_t n = std::min(na, nb);
    for (std::size_t i = 1; i <= n; ++i) {
      std::uint8_t ca = ascii_lower(pa[i]), cb = ascii_lower(pb[i]);
      if (ca != cb) return ca < cb ? -1 : 1;
    }
    if (na != nb) return na < nb ? -1 : 1;
  }
  if (ia == ib) return 0;
  return ia < ib ? -1 : 1;  // the name with labels left over is the longer, later one
}

}  // namespace zs
