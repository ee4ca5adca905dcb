// A growable array in fixed-size chunks: appending never moves or copies what is stored, so a log
// of millions of records never needs twice its size while growing (as std::vector does when it
// reallocates). Indexing is one shift and one mask. docs/performance.md#memory
#pragma once
#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

namespace salesim {

template <class T, size_t kChunkBits = 16>
class ChunkedVector {
 public:
  static constexpr size_t kChunk = size_t(1) << kChunkBits;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  const T& operator[](size_t i) const { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  T& back() { return (*this)[size_ - 1]; }
  void push_back(const T& x) {
    if ((size_ >> kChunkBits) == chunks_.size()) chunks_.push_back(std::make_unique<T[]>(kChunk));
    (*this)[size_++] = x;
  }
  // Grows with default-constructed elements, or shrinks (keeping the chunks that remain in use).
  void resize(size_t n) {
    while (chunks_.size() * kChunk < n) chunks_.push_back(std::make_unique<T[]>(kChunk));
    for (size_t i = size_; i < n; ++i) (*this)[i] = T{};
    size_ = n;
    chunks_.resize((n + kChunk - 1) >> kChunkBits);
  }
  void clear() { resize(0); }
  std::vector<T> to_vector() const { return std::vector<T>(begin(), end()); }

  template <class V, class Owner>
  class Iter {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = V*;
    using reference = V&;
    Iter() = default;
    Iter(Owner* v, size_t i) : v_(v), i_(i) {}
    reference operator*() const { return (*v_)[i_]; }
    pointer operator->() const { return &(*v_)[i_]; }
    reference operator[](difference_type k) const { return (*v_)[size_t(difference_type(i_) + k)]; }
    Iter& operator++() { ++i_; return *this; }
    Iter operator++(int) { Iter x = *this; ++i_; return x; }
    Iter& operator--() { --i_; return *this; }
    Iter operator--(int) { Iter x = *this; --i_; return x; }
    Iter& operator+=(difference_type k) { i_ = size_t(difference_type(i_) + k); return *this; }
    Iter& operator-=(difference_type k) { i_ = size_t(difference_type(i_) - k); return *this; }
    friend Iter operator+(Iter x, difference_type k) { return x += k; }
    friend Iter operator+(difference_type k, Iter x) { return x += k; }
    friend Iter operator-(Iter x, difference_type k) { return x -= k; }
    friend difference_type operator-(const Iter& x, const Iter& y) { return difference_type(x.i_) - difference_type(y.i_); }
    friend bool operator==(const Iter& x, const Iter& y) { return x.i_ == y.i_; }
    friend auto operator<=>(const Iter& x, const Iter& y) { return x.i_ <=> y.i_; }

   private:
    Owner* v_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iter<T, ChunkedVector>;
  using const_iterator = Iter<const T, const ChunkedVector>;
  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace salesim
