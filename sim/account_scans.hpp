// Per-account passes over a block of accounts, compiled twice (sim/simd.hpp): a baseline form and an
// AVX-512 form that handles 8 accounts per instruction. Each gives, bit for bit, what its definition
// says (tests/test_account_scans.cpp checks both forms against it; tests/test_engine.cpp whole runs).
#pragma once
#include <cstddef>
#include <cstdint>

#include "sim/tick_table.hpp"
#include "sim/types.hpp"

namespace salesim {

// One tick of the order phase's hazards (Engine::account_order_phase, docs/model.md#orders): an
// account that can order (a repeat customer, or an adopted trial one) adds its hazard for the tick,
// and orders when the sum reaches its Exp(1) target. For i < n: can = stage[i] is repeat, or trial
// with adopted[i] != 0; h = float(double(hazard[i]) + lambda[i]); hazard[i] = h where can, else
// unchanged; account first + i orders if can && h >= target[i]. The accounts that order are written
// to found, in order; returns how many. found needs room for n + 16: the places after the last one
// written may be overwritten.
size_t order_hazard_scan(const uint8_t* stage, const uint8_t* adopted, float* hazard, const float* target,
                         const double* lambda, size_t n, uint32_t first, uint32_t* found);

// The day's own moves along the journey (Engine::begin_day, docs/model.md#journey): the stage each
// account moves to by itself today, before a rep does anything. Per-account arrays are indexed by
// account id.
struct JourneyDay {
  Tick t;                        // the day's first tick
  double self_progress, inbound;  // daily chances of the first steps and of shortlisting to negotiating
  Tick trial_ticks;              // a trial lapses after this many ticks without adoption into repeat
  uint8_t lapse_to;              // the stage a lapsed customer returns to
  Tick stockout_ticks;           // a stockout this recent raises churn by stockout_multiplier
  double stockout_multiplier, poach_multiplier;
  const double* promo_churn;     // per region: the promotion term of the churn hazard
  const TickTable* churn_base;   // churn hazard by ticks since the last valid visit
  const uint8_t* stage;
  const Tick *stage_since, *last_valid_visit, *last_stockout, *poached_until;
  const RegionId* region;
  const float* price_sens;
};
// For accounts a = lo + i, i < n, with u[i] the account's uniform for the day, to[i] is:
//   stage + 1 if stage < shortlisting and u < self_progress, or shortlisting <= stage <= negotiating
//   and u < inbound; lapse_to if a trial has lasted trial_ticks, or a repeat customer's u < h, where
//   h = churn_base(t - last_valid_visit) * (1 + promo_churn[region] * price_sens), times
//   stockout_multiplier if t - last_stockout < stockout_ticks, times poach_multiplier if
//   poached_until > t, multiplied in that order; otherwise the stage itself.
void journey_moves(const JourneyDay& d, size_t lo, size_t n, const double* u, uint8_t* to);

}  // namespace salesim
