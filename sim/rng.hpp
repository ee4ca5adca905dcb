// Counter-based random streams: every draw is a pure function of (seed, purpose, entity, tick, n),
// so results never depend on thread count or iteration order. docs/model.md#randomness
#pragma once
#include <cmath>
#include <cstdint>

namespace salesim {

// What a stream is used for; part of the key so two purposes never share numbers.
enum class Purpose : uint32_t {
  WorldBuild = 1, RepTraits, AccountTraits, ContactTraits,
  Signals, Order, Basket, Touch, Plan, Journey, Churn, Trial,
  Forecast, Intervention, Incentive, Acceptance,
  Credit, Cards, Discount, VisitDimensions, Specialist, Poaching,
  StaffTraits, Replenishment,  // warehouse staff (docs/model.md#warehouse); new purposes go last
};

// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer that passes BigCrush.
constexpr uint64_t mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  constexpr Rng(uint64_t seed, Purpose purpose, uint64_t entity, int64_t tick)
      : Rng(stream_base(seed, purpose), entity, tick) {}

  constexpr uint64_t next_u64() { return draw(key_, ++counter_); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return to_uniform(next_u64()); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool bernoulli(double p) { return uniform() < p; }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias < 2^-32 for our n).
  uint32_t below(uint32_t n) { return uint32_t(((next_u64() >> 32) * uint64_t(n)) >> 32); }
  // Standard normal by Box-Muller (one value per call; deterministic, no cached state).
  double normal() {
    double u1 = 1.0 - uniform();  // (0, 1]
    double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // Exponential with the given mean.
  double exponential(double mean) { return exponential_of(uniform(), mean); }
  // Lognormal with the given mean of the variable itself (not of its log) and log-sd sigma.
  double lognormal_mean(double mean, double sigma) {
    return mean * std::exp(sigma * normal() - 0.5 * sigma * sigma);
  }
  // Poisson by inversion for small means, normal approximation above 30.
  uint32_t poisson(double mean) { return poisson(mean, std::exp(-mean)); }
  // The same with exp(-mean) precomputed by the caller (hot loops draw many at one mean).
  uint32_t poisson(double mean, double exp_neg_mean) {
    if (mean <= 0) return 0;
    if (mean > 30) {
      double x = std::floor(normal(mean, std::sqrt(mean)) + 0.5);
      return x < 0 ? 0u : uint32_t(x);
    }
    double p = exp_neg_mean, s = p, u = uniform();
    uint32_t k = 0;
    while (u > s && k < 200) { ++k; p *= mean / k; s += p; }
    return k;
  }

  // The pieces of the definition, for code that computes many draws at once (sim/rng_batch.hpp):
  // the n-th number of the stream with key `key` (n from 1), a number as a uniform, a uniform as an
  // exponential with the given mean.
  static constexpr uint64_t draw(uint64_t key, uint64_t n) { return mix64(key + 0xD1B54A32D192ED03ull * n); }
  static constexpr double to_uniform(uint64_t x) { return double(x >> 11) * 0x1.0p-53; }
  static double exponential_of(double u, double mean) { return -mean * std::log(1.0 - u); }
  static constexpr uint64_t key_of(uint64_t base, uint64_t entity, int64_t tick) {
    return mix64(mix64(base ^ entity) ^ uint64_t(tick));
  }

 private:
  friend class RngStream;
  friend struct RngBatch;
  // The first mix of the key depends on (seed, purpose) alone; RngStream keeps it for loops that
  // open many streams of one purpose.
  static constexpr uint64_t stream_base(uint64_t seed, Purpose purpose) { return mix64(seed ^ (uint64_t(purpose) << 48)); }
  constexpr Rng(uint64_t base, uint64_t entity, int64_t tick) : key_(key_of(base, entity, tick)) {}

  uint64_t key_;
  uint64_t counter_ = 0;
};

// The streams of one (seed, purpose): at(entity, tick) is Rng(seed, purpose, entity, tick), the same
// numbers, with the key's first mix done once (hot loops open a stream per order or account).
class RngStream {
 public:
  constexpr RngStream(uint64_t seed, Purpose purpose) : base_(Rng::stream_base(seed, purpose)) {}
  constexpr Rng at(uint64_t entity, int64_t tick) const { return Rng(base_, entity, tick); }
  constexpr uint64_t base() const { return base_; }

 private:
  uint64_t base_;
};

}  // namespace salesim
