// Inline versions of library functions for the per-order hot loop, each giving exactly the library's
// result (tests/test_engine.cpp checks them against it). The baseline x86-64 target has neither
// POPCNT nor SSE4.1, so __builtin_popcount, std::floor and std::round are calls there.
#pragma once
#include <cmath>
#include <cstdint>

namespace salesim {

// Set bits of x (the call into libgcc was about 1% of a default-scenario run: one per order).
constexpr uint32_t popcount32(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  return (((x + (x >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24;
}

// std::floor(x) for a stock level (one per order line). Converting to an integer truncates, which is
// the floor for 0 < x < 2^52 (the result, +0 or a whole number, is exactly the double std::floor
// gives); zeros (keeping their sign), negatives, huge values and NaN take std::floor.
inline double floor_positive(double x) { return x > 0.0 && x < 0x1p52 ? double(int64_t(x)) : std::floor(x); }

// std::round(x) (halves away from zero) for an order's value in cents (one per order, in the basket
// histogram). For 0 < x < 2^52 the fraction x - trunc(x) is exact, so comparing it with one half
// rounds as std::round does; anything else takes std::round.
inline double round_positive(double x) {
  if (!(x > 0.0 && x < 0x1p52)) return std::round(x);
  const double t = double(int64_t(x));
  return x - t >= 0.5 ? t + 1.0 : t;
}

}  // namespace salesim
