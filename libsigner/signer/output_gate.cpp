#include "signer/output_gate.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <optional>
#include <utility>

#include "core/direct_io.hpp"
#include "core/encoding.hpp"
#include "core/parallel.hpp"
#include "crypto/digest_stream.hpp"
#include "crypto/keys.hpp"
#include "dnssec/dnskey.hpp"
#include "zonefile/writer.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

namespace {

bool is_rsa(Algorithm alg) noexcept {
  return alg == Algorithm::RSASHA1 || alg == Algorithm::RSASHA1_NSEC3_SHA1 || alg == Algorithm::RSASHA256 ||
         alg == Algorithm::RSASHA512;
}

}  // namespace

struct ResigningProver::Key {
  const PrivateKey* key = nullptr;
  Bytes dnskey_rdata;
  Algorithm algorithm = Algorithm::ED25519;
  std::optional<PublicKey> published;  // from the DNSKEY, not from the private key
};

namespace {

class ResigningSession final : public SignatureProver::Session {
 public:
  explicit ResigningSession(const std::vector<ResigningProver::Key>& keys)
      : keys_(keys), checked_(keys.size(), Check::pending) {}

  std::optional<bool> prove(BytesView signed_data, const Rrsig& rrsig, BytesView dnskey_rdata) override {
    const Request request{signed_data, &rrsig, dnskey_rdata};
    return prove_many(std::span(&request, 1)).front();
  }

  // Requests with the same key are signed again together (SignContext::
  // sign_many), each from the data verify_zone built out of the zone as it
  // stands after writing, not taken from the signing step.
  std::vector<std::optional<bool>> prove_many(std::span<const Request> requests) override {
    std::vector<std::optional<bool>> out(requests.size());
    std::vector<std::size_t> key_of(requests.size(), keys_.size());
    for (std::size_t r = 0; r < requests.size(); ++r) {
      std::size_t i = 0;
      while (i < keys_.size() && !std::ranges::equal(keys_[i].dnskey_rdata, requests[r].dnskey_rdata)) ++i;
      if (i < keys_.size() && checked_[i] != Check::failed && requests[r].rrsig->algorithm == keys_[i].algorithm)
        key_of[r] = i;  // otherwise nullopt: verify_zone verifies it
    }
    std::vector<std::size_t> group;
    std::vector<BytesView> inputs;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      group.clear();
      inputs.clear();
      for (std::size_t r = 0; r < requests.size(); ++r)
        if (key_of[r] == i) {
          group.push_back(r);
          inputs.push_back(requests[r].signed_data);
        }
      if (group.empty()) continue;
      auto made = sign_.sign_many(*keys_[i].key, inputs);
      if (!made) continue;  // all left to verification
      for (std::size_t g = 0; g < group.size(); ++g) {
        const Request& request = requests[group[g]];
        // Not what this key makes over these bytes: not ours, or not over
        // this data. Only a verification can say whether it is valid all the
        // same.
        if (!std::ranges::equal((*made)[g], request.rrsig->signature)) continue;
        if (checked_[i] == Check::pending) {
          // Ties the private key to the published DNSKEY: re-signing with a
          // wrong key would only reproduce its wrong signatures.
          auto ok = verify_.verify(*keys_[i].published, request.signed_data, request.rrsig->signature);
          checked_[i] = ok && *ok ? Check::verified : Check::failed;
          if (checked_[i] == Check::failed) {
            out[group[g]] = false;
            continue;
          }
        }
        // After a failed check, the key's other signatures are verified.
        if (checked_[i] == Check::verified) out[group[g]] = true;
      }
    }
    return out;
  }

 private:
  enum class Check : std::uint8_t { pending, verified, failed };
  const std::vector<ResigningProver::Key>& keys_;
  std::vector<Check> checked_;  // per key: this session's one full verification
  SignContext sign_;
  VerifyContext verify_;
};

}  // namespace

ResigningProver::ResigningProver(std::vector<ProverKey> keys) {
  for (ProverKey& k : keys) {
    // A token key's signatures are verified, every one: its ECDSA nonce is
    // the token's own random one, so signing again proves nothing.
    if (k.key == nullptr || !resigns(k.key->algorithm()) || !k.key->signs_deterministically()) continue;
    auto dnskey = Dnskey::from_rdata(k.dnskey_rdata);
    if (!dnskey || dnskey->algorithm != k.key->algorithm()) continue;
    auto published = PublicKey::from_dnskey(dnskey->algorithm, dnskey->public_key);
    if (!published) continue;  // verify_zone reports the unusable DNSKEY
    keys_.push_back(Key{k.key, std::move(k.dnskey_rdata), dnskey->algorithm, std::move(*published)});
  }
}

ResigningProver::~ResigningProver() = default;

std::unique_ptr<SignatureProver::Session> ResigningProver::session() const {
  return std::make_unique<ResigningSession>(keys_);
}

bool ResigningProver::resigns(Algorithm alg) noexcept {
  // P-256 signs 67k/s and verifies 23.6k/s, Ed25519 43.6k/s and 14.4k/s;
  // RSA-2048 signs 4.5k/s and verifies 74k/s (OpenSSL 3.0, one core).
  return deterministic_signatures(alg) && !is_rsa(alg);
}

namespace {

// Feeds the staged file and the digest the key state records, together.
class HashingSink final : public TextSink {
 public:
  explicit HashingSink(StagedFile& file) : file_(file), hash_(DigestType::SHA256) {}
  Result<void> write(std::string_view text) override {
    hash_.update(BytesView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    return file_.append(text);
  }
  std::string hex() { return to_hex(hash_.finish()); }

 private:
  StagedFile& file_;
  DigestStream hash_;
};

std::string describe(const Name& owner, RrType type, std::uint32_t ttl) {
  return owner.to_string() + " " + std::to_string(ttl) + " " + type_to_string(type);
}

// What differs between the record read back and the one written.
std::optional<std::string> difference(const Record& got, const OutputRecord& want) {
  if (!std::ranges::equal(got.owner.wire(), want.node->owner.wire()))
    return "owner " + got.owner.to_string() + " where " + want.node->owner.to_string() + " was written";
  if (got.type != want.type)
    return "type " + type_to_string(got.type) + " where " + type_to_string(want.type) + " was written";
  if (got.rclass != class_IN) return "class " + std::to_string(got.rclass) + " where IN was written";
  if (got.ttl != want.ttl) return "TTL " + std::to_string(got.ttl) + " where " + std::to_string(want.ttl) + " was written";
  if (!std::ranges::equal(got.rdata, want.rdata)) return "RDATA other than the one written";
  return std::nullopt;
}

// Compares a record read back with the next one `written` holds.
Result<void> compare_record(const Record& got, const SourceFiles& files, OutputOrder& written) {
  const Location at = record_location(got, files);
  auto want = written.next();
  if (!want)
    return fail(Errc::verify, "holds " + describe(got.owner, got.type, got.ttl) + " after the zone's last record", at);
  if (auto what = difference(got, *want))
    return fail(Errc::verify, "holds " + describe(got.owner, got.type, got.ttl) + " where the zone has " +
                                  describe(want->node->owner, want->type, want->ttl) + ": " + *what,
                at);
  return {};
}

Error read_back_failed(Error e) {
  const bool mismatch = e.code == Errc::verify;
  return Error{mismatch ? Errc::verify : Errc::internal,
               "the signed output read back from the staged file is not the zone that was checked (" + e.to_string() +
                   "); nothing was published"};
}

// A chunk read on its own gives what it gives inside the whole file only if
// nothing carries over from the lines before it. The writer writes every
// line with its owner, TTL and class, and no directive: a line without an
// owner or a TTL at the start of a chunk fails the chunk's own parse, and
// one inside it takes them from inside it, as in the whole file. What is
// left is a directive ($ORIGIN, $TTL, ...), refused here wherever it is.
Result<void> refuse_directives(std::string_view text, std::uint64_t offset) {
  for (std::size_t at = 0; at < text.size();) {
    if (text[at] == '$')
      return fail(Errc::verify, "holds a directive at byte " + std::to_string(offset + at) +
                                    ", which the writer never writes");
    const std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return {};
}

// Parses one chunk's text with a reader of its own and compares its records
// with those of the chunk's nodes, and only those.
Result<void> parse_chunk(const Zone& zone, const OutputChunk& chunk, std::string_view text,
                         const ParseOptions& options) {
  static const std::string shown = "<signed output>";
  OutputOrder written(zone, chunk.first_node, chunk.end_node);
  ZoneTextReader reader(shown, options, [&](Record&& got, const SourceFiles& files) -> Result<void> {
    return compare_record(got, files, written);
  });
  // Lines are counted from the chunk's start; the context says where it is.
  const std::string where = "in the chunk at byte " + std::to_string(chunk.offset) + " of the output";
  if (!text.empty()) {
    if (auto r = reader.read(text); !r) return std::unexpected(std::move(r.error()).with_context(where));
    if (auto r = reader.finish(); !r) return std::unexpected(std::move(r.error()).with_context(where));
  }
  if (auto want = written.next())
    return fail(Errc::verify,
                "ends before the zone's record " + describe(want->node->owner, want->type, want->ttl) + " (" + where + ")");
  return {};
}

}  // namespace

Result<std::string> write_signed_zone(const Zone& zone, StagedFile& staged, unsigned threads,
                                      std::vector<std::uint64_t>* node_ends) {
  HashingSink sink(staged);
  if (auto r = write_zone(zone, sink, threads, node_ends); !r) return std::unexpected(r.error());
  if (auto r = staged.finish(); !r) return std::unexpected(r.error());
  return sink.hex();
}

ChunkFeed::ChunkFeed(std::span<const OutputChunk> chunks) : chunks_(chunks.begin(), chunks.end()), closed_(true) {}

void ChunkFeed::push(const OutputChunk& chunk) {
  {
    std::lock_guard lock(mutex_);
    chunks_.push_back(chunk);
  }
  changed_.notify_all();
}

void ChunkFeed::close() noexcept {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

std::optional<OutputChunk> ChunkFeed::wait(std::size_t index) const {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return closed_ || index < chunks_.size(); });
  if (index < chunks_.size()) return chunks_[index];
  return std::nullopt;
}

Result<void> write_signed_zone(const Zone& zone, StagedFile& staged, unsigned threads,
                               std::span<const std::size_t> ends, const ChunkSource& source,
                               std::vector<OutputChunk>& chunks, std::uint64_t& copied, ChunkFeed* feed) {
  chunks.clear();
  copied = 0;
  threads = std::max(1u, threads);
  // Rounds of one run of chunks per thread (about 8,000 nodes each), made
  // side by side, then handed to the file in zone order.
  constexpr std::size_t run = 128;
  struct Part {
    std::string text;                              // the rendered chunks', one after the other
    std::vector<std::optional<CopyRange>> copies;  // by chunk: where it is copied from, if it is
    std::vector<std::uint64_t> sizes;
  };
  std::vector<Part> parts(threads);
  const std::size_t count = ends.size();
  auto first_node = [&](std::size_t c) { return c == 0 ? std::size_t{0} : ends[c - 1]; };
  // Ranges that follow each other in the source go to the kernel at once.
  std::optional<CopyRange> pending;
  auto copy_pending = [&]() -> Result<void> {
    if (!pending) return {};
    const CopyRange range = *std::exchange(pending, std::nullopt);
    return staged.append_copy(source.fd, range.offset, range.size, source.direct_fd);
  };
  std::uint64_t offset = 0;
  for (std::size_t round = 0; round < count; round += threads * run) {
    run_on_threads(threads, [&](std::size_t t) {
      Part& part = parts[t];
      part.text.clear();
      part.copies.clear();
      part.sizes.clear();
      const std::size_t first = std::min(count, round + t * run);
      for (std::size_t c = first; c < std::min(count, first + run); ++c) {
        std::optional<CopyRange> from = source ? source.range(c) : std::nullopt;
        const std::size_t begin = part.text.size();
        if (!from) write_nodes_text(zone, first_node(c), ends[c], part.text);
        part.sizes.push_back(from ? from->size : part.text.size() - begin);
        part.copies.push_back(from);
      }
    });
    for (std::size_t t = 0; t < threads; ++t) {
      const std::size_t first = std::min(count, round + t * run);
      std::size_t at = 0;  // in parts[t].text
      for (std::size_t i = 0; i < parts[t].sizes.size(); ++i) {
        const std::uint64_t size = parts[t].sizes[i];
        chunks.push_back(OutputChunk{first_node(first + i), ends[first + i], offset, size});
        if (feed) feed->push(chunks.back());
        offset += size;
        if (const auto& from = parts[t].copies[i]) {
          copied += size;
          if (pending && pending->offset + pending->size == from->offset) {
            pending->size += size;
            continue;
          }
          if (auto r = copy_pending(); !r) return r;
          pending = from;
          continue;
        }
        if (auto r = copy_pending(); !r) return r;
        if (auto w = staged.append(std::string_view(parts[t].text).substr(at, size)); !w) return w;
        at += size;
      }
    }
  }
  if (auto r = copy_pending(); !r) return r;
  return staged.write_out();
}

namespace {

constexpr std::size_t read_window_bytes = std::size_t{4} << 20;

// Reads that mostly follow each other (the read-back's chunks, tens of KB
// each), served from whole aligned windows of the file: a staged file read
// with direct I/O then sees a few large aligned requests, read in place,
// instead of one small unaligned one per chunk.
class WindowReader {
 public:
  explicit WindowReader(const ReadAt& read)
      : read_(read), window_(make_aligned_buffer(read_window_bytes)) {}

  Result<std::size_t> operator()(std::uint64_t offset, std::span<char> out) {
    if (!window_) return read_(offset, out);
    std::size_t got = 0;
    while (got < out.size()) {
      const std::uint64_t at = offset + got;
      if (at < start_ || at >= start_ + filled_) {
        start_ = at & ~std::uint64_t{direct_io_align - 1};
        auto n = read_(start_, std::span<char>(window_.get(), read_window_bytes));
        if (!n) return n;
        filled_ = *n;
        if (at >= start_ + filled_) break;  // the end of the file
      }
      const auto from = static_cast<std::size_t>(at - start_);
      const std::size_t take = std::min(filled_ - from, out.size() - got);
      std::memcpy(out.data() + got, window_.get() + from, take);
      got += take;
    }
    return got;
  }

 private:
  const ReadAt& read_;
  AlignedBuffer window_;
  std::uint64_t start_ = 0;
  std::size_t filled_ = 0;
};

}  // namespace

struct ReadBackTee::State {
  struct Window {
    AlignedBuffer bytes;
    std::uint64_t offset = 0;
    std::size_t size = 0;
  };
  ReadAt source;
  std::vector<Window> windows;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::size_t> free;    // windows run() may fill
  std::deque<std::size_t> filled;  // windows read() has yet to take, in file order
  std::optional<std::size_t> current;  // the window read() reads from
  std::uint64_t consumed = 0;          // where read()'s last read ended
  bool ended = false;                  // run() reached the end, or failed
  std::optional<Error> error;          // how run() failed
  bool stopped = false;                // read()'s reader is done
};

ReadBackTee::ReadBackTee(ReadAt source, std::size_t windows) : state_(std::make_unique<State>()) {
  state_->source = std::move(source);
  state_->windows.resize(std::max<std::size_t>(windows, 2));
  for (std::size_t i = 0; i < state_->windows.size(); ++i) state_->free.push_back(i);
}

ReadBackTee::~ReadBackTee() = default;

Result<std::string> ReadBackTee::run() {
  State& s = *state_;
  auto end = [&](std::optional<Error> error) noexcept {
    {
      std::lock_guard lock(s.mutex);
      if (s.ended) return;
      s.ended = true;
      s.error = std::move(error);
    }
    s.changed.notify_all();
  };
  // Every way out ends the reading for the reader; an exception (out of
  // memory) too, which must not leave it waiting.
  struct EndOnExit {
    decltype(end)& end_now;
    ~EndOnExit() { end_now(Error(Errc::internal, "the read-back's reading stopped")); }
  } end_on_exit{end};
  DigestStream hash(DigestType::SHA256);
  for (std::uint64_t offset = 0;;) {
    std::size_t index = 0;
    {
      std::unique_lock lock(s.mutex);
      s.changed.wait(lock, [&] { return s.stopped || !s.free.empty(); });
      if (s.stopped) {
        lock.unlock();
        end(Error(Errc::internal, "the read-back stopped before the end of the file"));
        return fail(Errc::internal, "the read-back stopped before the end of the file");
      }
      index = s.free.front();
      s.free.pop_front();
    }
    State::Window& w = s.windows[index];
    // Aligned, so that a file read with direct I/O is read in place.
    if (!w.bytes) w.bytes = make_aligned_buffer(read_window_bytes);
    if (!w.bytes) {
      end(Error(Errc::io, "cannot read back the signed output: out of memory"));
      return fail(Errc::io, "cannot read back the signed output: out of memory");
    }
    auto n = s.source(offset, std::span<char>(w.bytes.get(), read_window_bytes));
    if (!n) {
      end(n.error());
      return std::unexpected(std::move(n.error()));
    }
    if (*n == 0) {
      end(std::nullopt);
      return to_hex(hash.finish());
    }
    hash.update(BytesView(reinterpret_cast<const std::uint8_t*>(w.bytes.get()), *n));
    w.offset = offset;
    w.size = *n;
    offset += *n;
    {
      std::lock_guard lock(s.mutex);
      s.filled.push_back(index);
    }
    s.changed.notify_all();
  }
}

Result<std::size_t> ReadBackTee::read(std::uint64_t offset, std::span<char> out) {
  State& s = *state_;
  if (offset < s.consumed) return fail(Errc::internal, "the read-back read the output out of order");
  std::size_t got = 0;
  while (got < out.size()) {
    const std::uint64_t at = offset + got;
    if (!s.current || at >= s.windows[*s.current].offset + s.windows[*s.current].size) {
      std::unique_lock lock(s.mutex);
      if (s.current) s.free.push_back(*std::exchange(s.current, std::nullopt));
      s.changed.notify_all();
      s.changed.wait(lock, [&] { return s.ended || !s.filled.empty(); });
      if (s.filled.empty()) {
        if (s.error) return std::unexpected(*s.error);
        break;  // the end of the file
      }
      s.current = s.filled.front();
      s.filled.pop_front();
      continue;
    }
    const State::Window& w = s.windows[*s.current];
    if (at < w.offset) return fail(Errc::internal, "the read-back read the output out of order");
    const auto from = static_cast<std::size_t>(at - w.offset);
    const std::size_t take = std::min(w.size - from, out.size() - got);
    std::memcpy(out.data() + got, w.bytes.get() + from, take);
    got += take;
  }
  s.consumed = offset + got;
  return got;
}

void ReadBackTee::stop() noexcept {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopped = true;
    // Called off before run() ended (or before it ran at all): a read
    // waiting for a window fails instead of waiting for ever.
    if (!state_->ended) {
      state_->ended = true;
      state_->error = Error(Errc::internal, "the read-back was called off before the end of the file");
    }
  }
  state_->changed.notify_all();
}

Result<std::string> output_sha256(const ReadAt& read) {
  DigestStream hash(DigestType::SHA256);
  // Aligned, so that a file read with direct I/O is read in place.
  AlignedBuffer piece = make_aligned_buffer(read_window_bytes);
  if (!piece) return fail(Errc::io, "cannot hash the signed output: out of memory");
  for (std::uint64_t offset = 0;;) {
    auto n = read(offset, std::span<char>(piece.get(), read_window_bytes));
    if (!n) return std::unexpected(std::move(n.error()));
    if (*n == 0) break;
    hash.update(BytesView(reinterpret_cast<const std::uint8_t*>(piece.get()), *n));
    offset += *n;
  }
  return to_hex(hash.finish());
}

Result<void> check_read_back(const Zone& zone, const ReadAt& read, const Name& origin, std::size_t piece_bytes) {
  static const std::string shown = "<signed output>";
  OutputOrder written(zone);
  ParseOptions options{origin};
  // The writer writes no directive; one in the file is not ours to follow.
  options.input.allow_include = false;
  ZoneTextReader reader(shown, options, [&](Record&& got, const SourceFiles& files) -> Result<void> {
    return compare_record(got, files, written);
  });
  auto failed = [](Error e) { return std::unexpected(read_back_failed(std::move(e))); };
  // `text` holds whole lines for the reader, then the start of the next one.
  // Reads start at 64 KiB and double up to `piece_bytes`: a small zone (the
  // cron run of a few records) then zero-fills no 4 MiB buffer per run.
  std::string text;
  std::size_t piece = std::min<std::size_t>(piece_bytes, 64 << 10);
  std::uint64_t offset = 0;
  bool end = false;
  while (!end) {
    const std::size_t kept = text.size();
    text.resize(std::max(kept + piece / 2, piece));
    piece = std::min(piece * 2, piece_bytes);
    auto n = read(offset, std::span<char>(text.data() + kept, text.size() - kept));
    if (!n) return failed(std::move(n.error()));
    text.resize(kept + *n);
    offset += *n;
    end = *n == 0;
    const std::size_t cut = end ? text.size() : text.rfind('\n', text.size() - 1) + 1;
    if (cut == 0) continue;  // no line end yet: a line longer than a piece
    if (auto r = reader.read(std::string_view(text).substr(0, cut)); !r) return failed(std::move(r.error()));
    text.erase(0, cut);
  }
  if (auto r = reader.finish(); !r) return failed(std::move(r.error()));
  if (auto want = written.next())
    return fail(Errc::verify, "the signed output read back from the staged file ends before the zone's record " +
                                  describe(want->node->owner, want->type, want->ttl) + "; nothing was published");
  return {};
}

Result<std::vector<ChunkProof>> check_read_back(const Zone& zone, const ReadAt& read_file, const Name& origin,
                                                std::span<const OutputChunk> chunks, const ProvenChunks& proven,
                                                ReadBackCounts* counts, std::span<const IndexedChunk* const> carried) {
  WindowReader windows(read_file);
  const ReadAt read = [&windows](std::uint64_t offset, std::span<char> out) { return windows(offset, out); };
  return check_read_back(zone, read, origin, ChunkFeed(chunks), proven, counts, carried);
}

Result<std::vector<ChunkProof>> check_read_back(const Zone& zone, const ReadAt& read, const Name& origin,
                                                const ChunkFeed& feed, const ProvenChunks& proven,
                                                ReadBackCounts* counts, std::span<const IndexedChunk* const> carried) {
  auto failed = [](Error e) { return std::unexpected(read_back_failed(std::move(e))); };
  ParseOptions options{origin};
  // The writer writes no directive; one in the file is not ours to follow.
  options.input.allow_include = false;
  std::vector<ChunkProof> proofs;
  std::string text;
  // The chunks must tile the zone and the text, in order: what is shown
  // chunk by chunk then holds for the whole file.
  std::uint64_t end_offset = 0;
  std::size_t end_node = 0;
  for (std::size_t index = 0;; ++index) {
    const std::optional<OutputChunk> next = feed.wait(index);
    if (!next) break;
    const OutputChunk& c = *next;
    if (c.offset != end_offset || c.first_node != end_node || c.end_node <= c.first_node ||
        c.end_node > zone.nodes().size())
      return fail(Errc::internal, "the output's chunks do not follow each other; nothing was published");
    if (!carried.empty() && index >= carried.size())
      return fail(Errc::internal, "the carried chunks are not the output's; nothing was published");
    end_offset += c.size;
    end_node = c.end_node;
    // The bytes as the file holds them, not as they were handed to it.
    text.resize(c.size);
    std::size_t got = 0;
    while (got < c.size) {
      auto n = read(c.offset + got, std::span<char>(text.data() + got, c.size - got));
      if (!n) return failed(std::move(n.error()));
      if (*n == 0) break;
      got += *n;
    }
    text.resize(got);
    if (got != c.size)
      return fail(Errc::verify, "the signed output read back from the staged file ends at byte " +
                                    std::to_string(c.offset + got) + ", inside the zone's text; nothing was published");
    if (auto r = refuse_directives(text, c.offset); !r) return failed(std::move(r.error()));
    const Bytes hash = digest(DigestType::SHA256, bytes_of(text));
    if (const IndexedChunk* from = carried.empty() ? nullptr : carried[index]) {
      // The bytes that run proved (its read-back parsed them, or took them
      // from a proof of its own), and so the records it recorded for them.
      if (!std::equal(hash.begin(), hash.end(), from->proof.text.begin()))
        return fail(Errc::verify, "the signed output read back from the staged file does not hold, at byte " +
                                      std::to_string(c.offset) +
                                      ", the chunk that the last run proved and this run copied; nothing was "
                                      "published");
      proofs.push_back(from->proof);
      if (counts) counts->bytes_proven += got;
      continue;
    }
    ChunkProof proof{chunk_records_digest(zone, c.first_node, c.end_node), {}};
    std::copy_n(hash.begin(), proof.text.size(), proof.text.begin());
    proofs.push_back(proof);
    // These bytes, read alone, gave these records when an earlier run
    // parsed them: parsing them again would give the same.
    if (proven.contains(proof)) {
      if (counts) counts->bytes_proven += got;
      continue;
    }
    if (auto r = parse_chunk(zone, c, text, options); !r) return failed(std::move(r.error()));
    if (counts) counts->bytes_parsed += got;
  }
  if (end_node != zone.nodes().size())
    return fail(Errc::internal, "the output's chunks do not cover the zone; nothing was published");
  if (!carried.empty() && carried.size() != proofs.size())
    return fail(Errc::internal, "the carried chunks are not the output's; nothing was published");
  char extra = 0;
  auto n = read(end_offset, std::span<char>(&extra, 1));
  if (!n) return failed(std::move(n.error()));
  if (*n != 0)
    return fail(Errc::verify, "the signed output read back from the staged file holds bytes after the zone's last "
                              "record; nothing was published");
  return proofs;
}

Result<VerifyReport> check_signed_zone(const Zone& zone, const GateOptions& options) {
  VerifyReport report = verify_zone(
      zone, VerifyOptions{static_cast<std::uint64_t>(options.now), options.threads, options.verified, options.prover,
                          options.carried_nodes, options.denial_proven});
  // ok(): warnings fail the gate too. `zonesign verify` tolerates what
  // resolvers tolerate in others' zones; our own output breaks no rule.
  if (report.ok()) return report;
  std::string message = "the signed zone failed its self-check; nothing was published:";
  std::size_t shown = 0;
  for (const auto& p : report.problems) {
    if (++shown > 20) {
      message += "\n  ... and " + std::to_string(report.problems.size() - 20) + " more";
      break;
    }
    message += "\n  " + p.owner.to_string() + " " + type_to_string(p.type) + ": " +
               (p.severity == Severity::warning ? "warning: " : "") + p.what;
  }
  return fail(Errc::verify, message);
}

}  // namespace zs
