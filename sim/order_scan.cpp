// sim/order_scan.hpp
#include "sim/order_scan.hpp"

#include "sim/simd.hpp"
#include "sim/types.hpp"

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
#endif
#undef SALESIM_ORDER_SCAN

}  // namespace

void order_hazard_scan(const uint8_t* stage, const uint8_t* adopted, float* hazard, const float* target,
                       const double* lambda, size_t n, uint8_t* hit) {
#if SALESIM_SIMD_V4
  if (simd::v4()) return scan_v4(stage, adopted, hazard, target, lambda, n, hit);
#endif
  scan_base(stage, adopted, hazard, target, lambda, n, hit);
}

}  // namespace salesim
