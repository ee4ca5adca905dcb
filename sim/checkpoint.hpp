// Checkpoints: a small binary archive of the engine's full mutable state, so a run can be resumed
// and finish with byte-identical outputs (docs/outputs.md#checkpoints).
//
// File layout (all integers little-endian as the machine writes them; checkpoints are not meant to
// move between architectures):
//   magic "SLSMCKPT" | u32 format version | u64 scenario hash | u64 seed | i64 tick |
//   string salesim version | u64 payload size | payload | u64 xxh64 of the payload
// The payload is a sequence of tagged sections (a string tag before each), written and read in the
// same order by Engine::save_checkpoint / Engine::restore_checkpoint (sim/checkpoint.cpp).
//
// Reading never trusts a length: every count is checked against the bytes that remain before
// anything is allocated, and the checksum is verified before any state is touched.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace salesim {

// 2: warehouse staff (their state, payee of a statement, staff of a replenishment record).
constexpr uint32_t kCheckpointFormat = 2;

// A checkpoint that cannot be used: another scenario, seed, format or salesim version, or a
// truncated or corrupt file. The message says which.
struct CheckpointError : std::runtime_error { using std::runtime_error::runtime_error; };

struct CheckpointHeader {
  uint32_t format = kCheckpointFormat;
  uint64_t scenario_hash = 0, seed = 0;
  int64_t tick = 0;
  std::string version;  // salesim version that wrote it (kVersion)
};

template <class T>
concept Trivial = std::is_trivially_copyable_v<T>;

class ArchiveWriter {
 public:
  // n == 0 may come with p == nullptr (an empty vector's data()): append nothing, touch nothing.
  void raw(const void* p, size_t n) {
    if (n > 0) buf_.append(static_cast<const char*>(p), n);
  }
  template <Trivial T> void pod(const T& x) { raw(&x, sizeof x); }
  void size(size_t n) { pod(uint64_t(n)); }
  void str(std::string_view s) { size(s.size()); raw(s.data(), s.size()); }
  // A section tag: the reader checks it, so a misplaced read is an error rather than garbage.
  void section(std::string_view tag) { str(tag); }

  template <Trivial T> void vec(const std::vector<T>& v) { size(v.size()); raw(v.data(), v.size() * sizeof(T)); }
  void vec(const std::vector<bool>& v) {
    size(v.size());
    for (bool b : v) pod(uint8_t(b));
  }
  template <Trivial T> void vec(const std::vector<std::vector<T>>& v) {
    size(v.size());
    for (const auto& x : v) vec(x);
  }
  template <Trivial T> void deq(const std::deque<T>& d) {
    size(d.size());
    for (const T& x : d) pod(x);
  }
  template <Trivial T> void deq(const std::vector<std::deque<T>>& v) {
    size(v.size());
    for (const auto& d : v) deq(d);
  }
  template <Trivial T, size_t N> void deq(const std::array<std::deque<T>, N>& v) {
    for (const auto& d : v) deq(d);
  }

  const std::string& bytes() const { return buf_; }

 private:
  std::string buf_;
};

class ArchiveReader {
 public:
  explicit ArchiveReader(std::string payload) : buf_(std::move(payload)) {}

  size_t remaining() const { return buf_.size() - pos_; }
  void raw(void* p, size_t n) {
    if (n == 0) return;  // an empty vector's data() may be null: memcpy must not see it
    need(n, "data");
    std::memcpy(p, buf_.data() + pos_, n);
    pos_ += n;
  }
  template <Trivial T> void pod(T& x) { raw(&x, sizeof x); }
  template <Trivial T> T get() {
    T x;
    pod(x);
    return x;
  }
  // A count of items of at least `item_bytes` bytes each: never more than the bytes that remain.
  size_t size(size_t item_bytes) {
    const uint64_t n = get<uint64_t>();
    if (item_bytes > 0 && n > remaining() / item_bytes) fail("a length field exceeds the file");
    if (item_bytes == 0 && n > (uint64_t(1) << 32)) fail("a length field is implausible");
    return size_t(n);
  }
  void str(std::string& s) {
    const size_t n = size(1);
    s.assign(buf_.data() + pos_, n);
    pos_ += n;
  }
  void section(std::string_view tag) {
    std::string got;
    str(got);
    if (got != tag) fail("expected section \"" + std::string(tag) + "\", found \"" + got.substr(0, 32) + "\"");
  }

  // Any length (bounded by the file).
  template <Trivial T> void vec(std::vector<T>& v) {
    const size_t n = size(sizeof(T));
    v.resize(n);
    raw(v.data(), n * sizeof(T));
  }
  void vec(std::vector<bool>& v) {
    const size_t n = size(1);
    v.assign(n, false);
    for (size_t i = 0; i < n; ++i) v[i] = get<uint8_t>() != 0;
  }
  template <Trivial T> void vec(std::vector<std::vector<T>>& v) {
    const size_t n = size(sizeof(uint64_t));
    v.resize(n);
    for (auto& x : v) vec(x);
  }
  // Exactly the length `v` has now (state arrays sized by the world): anything else is an error.
  template <class V> void fixed(V& v, const char* what) {
    const size_t expect = v.size();
    const size_t at = pos_;
    const uint64_t n = get<uint64_t>();
    if (n != expect) fail(std::string(what) + " has " + std::to_string(n) + " entries, the scenario " + std::to_string(expect));
    pos_ = at;
    vec(v);
  }
  template <Trivial T> void deq(std::deque<T>& d) {
    const size_t n = size(sizeof(T));
    d.clear();
    for (size_t i = 0; i < n; ++i) d.push_back(get<T>());
  }
  template <Trivial T> void deq(std::vector<std::deque<T>>& v) {
    const size_t n = size(sizeof(uint64_t));
    v.resize(n);
    for (auto& d : v) deq(d);
  }
  template <Trivial T, size_t N> void deq(std::array<std::deque<T>, N>& v) {
    for (auto& d : v) deq(d);
  }

  void expect_end() const {
    if (remaining() != 0) fail("unexpected data after the last section");
  }
  [[noreturn]] static void fail(const std::string& why) { throw CheckpointError("corrupt checkpoint: " + why); }

 private:
  void need(size_t n, const char* what) const {
    if (n > remaining()) fail(std::string("truncated (") + what + ")");
  }
  std::string buf_;
  size_t pos_ = 0;
};

// The structs with strings and vectors inside (sim/policies.hpp, sim/recorder.hpp).
struct PayoutStatement;
struct InterventionRecord;
void save(ArchiveWriter& out, const PayoutStatement& s);
void load(ArchiveReader& in, PayoutStatement& s);
void save(ArchiveWriter& out, const InterventionRecord& x);
void load(ArchiveReader& in, InterventionRecord& x);

// Writes header, payload and checksum to `out`. Throws CheckpointError if the stream fails.
void write_checkpoint(std::ostream& out, const CheckpointHeader& h, const ArchiveWriter& payload);
// Reads the header only (e.g. to learn the seed before building the engine). Throws CheckpointError.
CheckpointHeader read_checkpoint_header(std::istream& in);
// Reads and verifies a whole checkpoint (magic, format, lengths, checksum); returns the header and a
// reader positioned at the payload's start. Throws CheckpointError.
ArchiveReader read_checkpoint(std::istream& in, CheckpointHeader& header);

}  // namespace salesim
