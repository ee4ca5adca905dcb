// sim/account_scans.hpp
#include "sim/account_scans.hpp"

#include "sim/simd.hpp"

#include <cstring>
#if SALESIM_SIMD_V4
#include <immintrin.h>
#endif

namespace salesim {
namespace {

#define SALESIM_ORDER_SCAN(NAME, ATTR)                                                                      \
  ATTR void NAME(const uint8_t* st, const uint8_t* ad, float* hz, const float* tg, const double* lm, size_t n, \
                 uint8_t* hit) {                                                                            \
    for (size_t i = 0; i < n; ++i) {                                                                        \
      const bool can = (st[i] == kRepeat) | ((st[i] == kTrial) & (ad[i] != 0));                             \
      const float h = float(double(hz[i]) + lm[i]);                                                         \
      const bool order = can & (h >= tg[i]);                                                                \
      hz[i] = can ? h : hz[i];                                                                              \
      hit[i] = order;                                                                                       \
    }                                                                                                       \
  }

SALESIM_ORDER_SCAN(scan_base, )
#if SALESIM_SIMD_V4
SALESIM_ORDER_SCAN(scan_v4, SALESIM_V4_TARGET)

// The ids id0 + i of the hits among hit[0, m), in order, to out, 16 at a time compressed in a
// register and stored whole (no branch per hit; a compressing store to memory is microcoded and slow
// on AMD Zen 4): up to 15 places past the last id are overwritten. Returns how many.
SALESIM_V4_TARGET size_t compress_hits_v4(const uint8_t* hit, size_t m, uint32_t id0, uint32_t* out) {
  size_t count = 0;
  const __m512i step = _mm512_set1_epi32(16);
  __m512i ids = _mm512_add_epi32(_mm512_set1_epi32(int(id0)),
                                 _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  for (size_t i = 0; i < m; i += 16) {
    const __mmask16 in_range = m - i >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (m - i)) - 1);
    const __m128i bytes = _mm_maskz_loadu_epi8(in_range, hit + i);
    const __mmask16 set = _mm_test_epi8_mask(bytes, bytes);
    _mm512_storeu_si512(out + count, _mm512_maskz_compress_epi32(set, ids));
    count += size_t(__builtin_popcount(unsigned(set)));
    ids = _mm512_add_epi32(ids, step);
  }
  return count;
}
#endif
#undef SALESIM_ORDER_SCAN

// The churn hazard of a repeat customer as the definition multiplies it, from its base value.
inline double churn_hazard(const JourneyDay& d, size_t a, double base) {
  double h = base;
  h *= 1.0 + d.promo_churn[d.region[a]] * double(d.price_sens[a]);
  if (d.t - d.last_stockout[a] < d.stockout_ticks) h *= d.stockout_multiplier;
  if (d.poached_until[a] > d.t) h *= d.poach_multiplier;  // two reps chase the customer
  return h;
}

// The baseline form: the definition as written, one account at a time (its branches follow the stage).
void journey_base(const JourneyDay& d, size_t lo, size_t n, const double* u, uint8_t* to) {
  for (size_t i = 0; i < n; ++i) {
    const size_t a = lo + i;
    const uint8_t st = d.stage[a];
    uint8_t next = st;
    if (st < kShortlisting) {
      if (u[i] < d.self_progress) next = uint8_t(st + 1);
    } else if (st <= kNegotiating) {
      if (u[i] < d.inbound) next = uint8_t(st + 1);
    } else if (st == kTrial) {
      if (d.t - d.stage_since[a] >= d.trial_ticks) next = d.lapse_to;
    } else if (st == kRepeat) {
      if (u[i] < churn_hazard(d, a, (*d.churn_base)(d.t - d.last_valid_visit[a]))) next = d.lapse_to;
    }
    to[i] = next;
  }
}

#if SALESIM_SIMD_V4
// The AVX-512 form: every case computed for every account and the stage's one chosen, without
// branches, so GCC vectorises it (gathers for the two tables). A factor of 1.0 where a condition does
// not hold leaves the hazard exactly as it was. Repeat customers beyond the churn table are redone
// afterwards with the table's own function (few: not validly visited for 400 days).
SALESIM_V4_TARGET void journey_v4(const JourneyDay& d, size_t lo, size_t n, const double* u, uint8_t* to) {
  const double* table = d.churn_base->data();
  const uint64_t table_size = d.churn_base->size();
  if (table_size == 0) return journey_base(d, lo, n, u, to);
  // Everything as locals: the byte stores below may alias any field of d as far as GCC knows.
  const uint8_t* stage = d.stage + lo;
  const Tick *since = d.stage_since + lo, *lvv = d.last_valid_visit + lo, *stockout = d.last_stockout + lo,
             *poached = d.poached_until + lo;
  const RegionId* region = d.region + lo;
  const float* sens = d.price_sens + lo;
  const double* promo = d.promo_churn;
  const Tick t = d.t, trial_ticks = d.trial_ticks, stockout_ticks = d.stockout_ticks;
  const double self_progress = d.self_progress, inbound = d.inbound, stockout_mult = d.stockout_multiplier,
               poach_mult = d.poach_multiplier;
  const uint8_t lapse_to = d.lapse_to;
  for (size_t i0 = 0; i0 < n; i0 += 256) {
    const size_t m = n - i0 < 256 ? n - i0 : 256;
    // The churn hazard of every account as if it were a repeat customer (8 per instruction, the
    // tables read by gathers), then the moves (64 per instruction).
    alignas(64) double h[256];
    uint8_t beyond[256];
    for (size_t j = 0; j < m; ++j) {
      const size_t i = i0 + j;
      const uint64_t dt = uint64_t(t - lvv[i]);
      double x = table[dt < table_size ? dt : 0];  // entry 0 beyond the table: redone below
      x *= 1.0 + promo[region[i]] * double(sens[i]);
      x *= t - stockout[i] < stockout_ticks ? stockout_mult : 1.0;
      x *= poached[i] > t ? poach_mult : 1.0;
      h[j] = x;
    }
    for (size_t j = 0; j < m; ++j) {
      const size_t i = i0 + j;
      const uint8_t st = stage[i];
      const double ui = u[i];
      const bool early = st < kShortlisting, middle = (st >= kShortlisting) & (st <= kNegotiating);
      const bool step = (early & (ui < self_progress)) | (middle & (ui < inbound));
      const bool lapse = ((st == kTrial) & (t - since[i] >= trial_ticks)) | ((st == kRepeat) & (ui < h[j]));
      uint8_t next = st;
      next = step ? uint8_t(st + 1) : next;
      next = lapse ? lapse_to : next;
      to[i] = next;
      beyond[j] = uint8_t((st == kRepeat) & (uint64_t(t - lvv[i]) >= table_size));
    }
    uint8_t any_beyond = 0;
    for (size_t j = 0; j < m; ++j) any_beyond |= beyond[j];
    if (!any_beyond) continue;
    for (size_t j = 0; j < m; ++j)
      if (beyond[j]) {
        const size_t i = i0 + j;
        to[i] = u[i] < churn_hazard(d, lo + i, (*d.churn_base)(t - lvv[i])) ? lapse_to : stage[i];
      }
  }
}
#endif

}  // namespace

size_t order_hazard_scan(const uint8_t* stage, const uint8_t* adopted, float* hazard, const float* target,
                         const double* lambda, size_t n, uint32_t first, uint32_t* found) {
  size_t count = 0;
  alignas(64) uint8_t hit[256 + 64];
  for (size_t i0 = 0; i0 < n; i0 += 256) {
    const size_t m = n - i0 < 256 ? n - i0 : 256;
    const uint32_t id0 = first + uint32_t(i0);
#if SALESIM_SIMD_V4
    if (simd::v4()) {
      scan_v4(stage + i0, adopted + i0, hazard + i0, target + i0, lambda + i0, m, hit);
      count += compress_hits_v4(hit, m, id0, found + count);
      continue;
    }
#endif
    scan_base(stage + i0, adopted + i0, hazard + i0, target + i0, lambda + i0, m, hit);
    // The hits, eight bytes at a time: a zero word (most of them) costs one test.
    std::memset(hit + m, 0, 8);
    for (size_t i = 0; i < m; i += 8) {
      uint64_t word;
      std::memcpy(&word, hit + i, 8);
      while (word) {
        found[count++] = id0 + uint32_t(i + size_t(__builtin_ctzll(word) >> 3));
        word &= word - 1;
      }
    }
  }
  return count;
}

void journey_moves(const JourneyDay& d, size_t lo, size_t n, const double* u, uint8_t* to) {
#if SALESIM_SIMD_V4
  if (simd::v4()) return journey_v4(d, lo, n, u, to);
#endif
  journey_base(d, lo, n, u, to);
}

}  // namespace salesim
