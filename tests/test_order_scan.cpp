// The order phase's hazard scan (sim/order_scan.hpp): its definition, on both forms of the loop.
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "sim/order_scan.hpp"
#include "sim/rng.hpp"
#include "sim/simd.hpp"
#include "sim/types.hpp"

using namespace salesim;

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
    std::vector<uint8_t> want_hit(n);
    for (size_t i = 0; i < n; ++i) {
      const bool can = stage[i] == kRepeat || (stage[i] == kTrial && adopted[i] != 0);
      const float h = float(double(hazard[i]) + lambda[i]);
      if (can) want_hazard[i] = h;
      want_hit[i] = can && h >= target[i];
    }
    for (const bool allow : {false, true}) {
      simd::allow_v4(allow);
      CHECK(simd::v4() == (allow && vector_here));
      std::vector<float> got_hazard = hazard;
      std::vector<uint8_t> got_hit(n + 1, 0xAB);
      order_hazard_scan(stage.data(), adopted.data(), got_hazard.data(), target.data(), lambda.data(), n, got_hit.data());
      REQUIRE(std::memcmp(got_hazard.data(), want_hazard.data(), n * sizeof(float)) == 0);
      REQUIRE(std::memcmp(got_hit.data(), want_hit.data(), n) == 0);
      CHECK(got_hit[n] == 0xAB);  // nothing written past n
    }
  }
  simd::allow_v4(true);
}
