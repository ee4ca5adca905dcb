// The SKU of an order line: the index upper_bound(cum, cum + n, u) gives, clamped to n - 1, for a
// uniform u in [0, 1) and the catalogue's cumulative popularity cum (ascending, cum[n - 1] = 1).
// Every path below returns exactly that index; which one runs depends on the catalogue only.
// tests/test_models.cpp checks each path at every entry and every cell edge; docs/performance.md.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace salesim::models {

class SkuPicker {
 public:
  enum class Path { Fine, Count, Guide };

  SkuPicker() = default;
  SkuPicker(const double* cum, size_t n) {
    cum_.assign(cum, cum + n);
    cum_.resize(n + 2, std::numeric_limits<double>::infinity());  // compares past the end are false
    n_ = n;
    guide_.resize(kGuide + 1);
    for (size_t j = 0; j <= kGuide; ++j) guide_[j] = uint32_t(std::upper_bound(cum, cum + n, double(j) / kGuide) - cum);
    // The fine guide fits where no cell (j / kFine, (j + 1) / kFine) holds more than two entries.
    bool fits = n > 0 && n < 65535;
    fine_.assign(kFine, 0);
    for (size_t j = 0; j < kFine && fits; ++j) {
      const size_t g = size_t(std::upper_bound(cum, cum + n, double(j) / kFine) - cum);
      fine_[j] = uint16_t(g);
      fits = size_t(std::lower_bound(cum, cum + n, double(j + 1) / kFine) - cum) - g <= 2;
    }
    path_ = fits ? Path::Fine : n <= kCountUpTo ? Path::Count : Path::Guide;
    if (!fits) fine_.clear();
  }

  Path path() const { return path_; }
  size_t size() const { return n_; }

  size_t operator()(double u) const {
    const double* cum = cum_.data();
    size_t k;
    if (path_ == Path::Fine) {
      // fine_[j] entries are <= j / kFine and at most two more lie inside cell j, which holds u
      // (u * kFine is exact: kFine is a power of two). Two compares finish the count, no branch.
      const size_t g = fine_[size_t(u * double(kFine))];
      k = g + size_t(cum[g] <= u) + size_t(cum[g + 1] <= u);
    } else if (path_ == Path::Count) {
      // Count the entries <= u without branches, two at a time where SSE2 is there (every x86-64
      // CPU): a true compare is all ones, -1, so subtracting counts it.
      k = 0;
      size_t j = 0;
#if defined(__SSE2__)
      const __m128d uu = _mm_set1_pd(u);
      __m128i count = _mm_setzero_si128();
      for (; j + 2 <= n_; j += 2) count = _mm_sub_epi64(count, _mm_castpd_si128(_mm_cmple_pd(_mm_loadu_pd(cum + j), uu)));
      alignas(16) uint64_t lanes[2];
      _mm_store_si128(reinterpret_cast<__m128i*>(lanes), count);
      k = size_t(lanes[0] + lanes[1]);
#endif
      for (; j < n_; ++j) k += cum[j] <= u;
    } else {
      // Started from a guide table (Chen and Asau 1974): the answer is at least guide_[j].
      k = guide_[size_t(u * double(kGuide))];
      while (k < n_ && cum[k] <= u) ++k;
      while (k > 0 && cum[k - 1] > u) --k;
    }
    return k >= n_ ? (n_ ? n_ - 1 : 0) : k;
  }

  static constexpr size_t kFine = 4096;  // cells of the fine guide (8 KiB of 16-bit indices)
  static constexpr size_t kGuide = 256;
  static constexpr size_t kCountUpTo = 32;

 private:
  std::vector<double> cum_;        // the cumulative popularity and two +infinity
  std::vector<uint16_t> fine_;     // [j]: upper_bound of j / kFine; empty unless the path is Fine
  std::vector<uint32_t> guide_;    // [j]: upper_bound of j / kGuide
  size_t n_ = 0;
  Path path_ = Path::Guide;
};

}  // namespace salesim::models
