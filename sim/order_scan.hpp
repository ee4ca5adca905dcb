// One tick of the order phase's hazards over a run of accounts (Engine::account_order_phase,
// docs/model.md#orders): an account that can order (a repeat customer, or an adopted trial one) adds
// its hazard for the tick, and orders when the sum reaches its Exp(1) target. Compiled twice
// (sim/simd.hpp): the AVX-512 form converts, adds and compares 8 accounts at a time, with the same
// IEEE operations, so the same bits.
#pragma once
#include <cstddef>
#include <cstdint>

namespace salesim {

// For i < n: can = stage[i] is repeat, or trial with adopted[i] != 0; h = float(double(hazard[i]) +
// lambda[i]); hit[i] = can && h >= target[i]; hazard[i] = h where can, else unchanged.
void order_hazard_scan(const uint8_t* stage, const uint8_t* adopted, float* hazard, const float* target,
                       const double* lambda, size_t n, uint8_t* hit);

}  // namespace salesim
