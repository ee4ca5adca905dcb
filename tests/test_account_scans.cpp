// Per-account passes compiled twice (sim/account_scans.hpp): each against its definition, on both forms.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cstring>
#include <vector>

#include "sim/account_scans.hpp"
#include "sim/rng.hpp"
#include "sim/simd.hpp"
#include "sim/tick_table.hpp"
#include "sim/types.hpp"
#include "sim/world.hpp"

using namespace salesim;

namespace {
// memcmp's answer, and true for no bytes (an empty vector's data() may be null, which memcmp must not get).
bool same_bytes(const void* a, const void* b, size_t bytes) { return bytes == 0 || std::memcmp(a, b, bytes) == 0; }
}  // namespace

TEST_CASE("the hazard scan adds, compares and resets as its definition says, bit for bit on both forms", "[orders]") {
  const bool vector_here = simd::v4();
  INFO("AVX-512 form available on this CPU: " << vector_here);
  for (const size_t n : {size_t(0), size_t(1), size_t(15), size_t(16), size_t(17), size_t(64), size_t(255), size_t(256), size_t(1000)}) {
    // Every stage, adopted or not, hazards near their targets (some equal to them), rates of every size.
    Rng rng(99, Purpose::Order, n, 0);
    std::vector<uint8_t> stage(n), adopted(n);
    std::vector<float> hazard(n), target(n);
    std::vector<double> lambda(n);
    for (size_t i = 0; i < n; ++i) {
      stage[i] = uint8_t(rng.below(kStages + 1));  // one past the last stage too: not a customer
      adopted[i] = uint8_t(rng.below(3));          // any non-zero byte counts as adopted
      target[i] = float(rng.exponential(1.0));
      hazard[i] = i % 7 == 0 ? target[i] : float(target[i] * rng.uniform(0.5, 1.0));
      lambda[i] = i % 11 == 0 ? 0.0 : i % 13 == 0 ? 1e-12 : 0.3 * rng.uniform();
    }
    // What the scan must give, one account at a time.
    std::vector<float> want_hazard = hazard;
    const uint32_t first = 70000 + uint32_t(n);  // account ids do not start at 0
    std::vector<uint32_t> want_found;
    for (size_t i = 0; i < n; ++i) {
      const bool can = stage[i] == kRepeat || (stage[i] == kTrial && adopted[i] != 0);
      const float h = float(double(hazard[i]) + lambda[i]);
      if (can) want_hazard[i] = h;
      if (can && h >= target[i]) want_found.push_back(first + uint32_t(i));
    }
    if (n >= 255) CHECK(want_found.size() > n / 20);  // some order, and not all
    if (n >= 255) CHECK(want_found.size() < n / 2);
    for (const bool allow : {false, true}) {
      simd::allow_v4(allow);
      CHECK(simd::v4() == (allow && vector_here));
      std::vector<float> got_hazard = hazard;
      std::vector<uint32_t> got_found(n + 17, 0xABABABABu);
      const size_t count = order_hazard_scan(stage.data(), adopted.data(), got_hazard.data(), target.data(), lambda.data(), n,
                                             first, got_found.data());
      REQUIRE(same_bytes(got_hazard.data(), want_hazard.data(), n * sizeof(float)));
      REQUIRE(count == want_found.size());
      REQUIRE(std::equal(want_found.begin(), want_found.end(), got_found.begin()));
      CHECK(got_found[n + 16] == 0xABABABABu);  // nothing written past n + 16
    }
  }
  simd::allow_v4(true);
}

TEST_CASE("the journey's own moves follow their definition, bit for bit on both forms", "[journey]") {
  const bool vector_here = simd::v4();
  INFO("AVX-512 form available on this CPU: " << vector_here);
  const Tick tpd = 6, t = 500 * tpd;
  const TickTable churn(Tick(400 * tpd), [](Tick dt) { return 0.001 + 1e-5 * double(dt); });
  const std::vector<double> promo{0.0, 0.4, 1.5};
  for (const size_t n : {size_t(0), size_t(1), size_t(9), size_t(255), size_t(256), size_t(257), size_t(2000)}) {
    // Every stage; trials on both sides of their window; repeat customers with and without a recent
    // stockout or a poaching, some beyond the churn table; uniforms near the thresholds.
    Rng rng(5, Purpose::Journey, n, 0);
    const size_t lo = 3;  // the block does not start at account 0
    std::vector<uint8_t> stage(lo + n);
    std::vector<Tick> since(lo + n), lvv(lo + n), stockout(lo + n), poached(lo + n);
    std::vector<RegionId> region(lo + n);
    std::vector<float> sens(lo + n);
    std::vector<double> u(n);
    for (size_t a = 0; a < lo + n; ++a) {
      stage[a] = uint8_t(rng.below(kStages));
      since[a] = t - Tick(rng.below(30 * tpd));
      lvv[a] = a % 17 == 0 ? t - Tick(500 * tpd) : t - Tick(rng.below(200 * tpd));
      stockout[a] = a % 3 == 0 ? t - Tick(rng.below(20 * tpd)) : kNever;
      poached[a] = a % 5 == 0 ? t + Tick(rng.below(10)) - 4 : kNever;
      region[a] = RegionId(rng.below(3));
      sens[a] = float(rng.uniform());
    }
    for (size_t i = 0; i < n; ++i) u[i] = i % 4 == 0 ? rng.uniform() : 0.02 * rng.uniform();
    const JourneyDay d{t, 0.01, 0.015, 14 * tpd, kResearching, 7 * tpd, 1.8, 2.5, promo.data(), &churn,
                       stage.data(), since.data(), lvv.data(), stockout.data(), poached.data(), region.data(), sens.data()};
    // What the moves must be, one account at a time, from the definition in sim/account_scans.hpp.
    std::vector<uint8_t> want(n);
    size_t moved = 0, lapsed_repeat = 0;
    for (size_t i = 0; i < n; ++i) {
      const size_t a = lo + i;
      const uint8_t st = stage[a];
      uint8_t to = st;
      if ((st < kShortlisting && u[i] < d.self_progress) || (st >= kShortlisting && st <= kNegotiating && u[i] < d.inbound))
        to = uint8_t(st + 1);
      if (st == kTrial && t - since[a] >= d.trial_ticks) to = d.lapse_to;
      if (st == kRepeat) {
        double h = churn(t - lvv[a]);
        h *= 1.0 + promo[region[a]] * double(sens[a]);
        if (t - stockout[a] < d.stockout_ticks) h *= d.stockout_multiplier;
        if (poached[a] > t) h *= d.poach_multiplier;
        if (u[i] < h) { to = d.lapse_to; ++lapsed_repeat; }
      }
      want[i] = to;
      moved += to != st;
    }
    if (n >= 2000) { CHECK(moved > 50); CHECK(lapsed_repeat > 5); }  // the cases are exercised
    for (const bool allow : {false, true}) {
      simd::allow_v4(allow);
      std::vector<uint8_t> got(n + 1, 0xAB);
      journey_moves(d, lo, n, u.data(), got.data());
      REQUIRE(same_bytes(got.data(), want.data(), n));
      CHECK(got[n] == 0xAB);
    }
  }
  simd::allow_v4(true);
}
