// Counter-based random streams: pure functions of their key, well spread, independent by purpose.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/rng.hpp"
#include "sim/rng_batch.hpp"
#include "sim/simd.hpp"

using namespace salesim;

TEST_CASE("a stream is a pure function of (seed, purpose, entity, tick)", "[rng]") {
  Rng a(7, Purpose::Order, 12, 300), b(7, Purpose::Order, 12, 300);
  for (int i = 0; i < 100; ++i) CHECK(a.next_u64() == b.next_u64());
  CHECK(Rng(7, Purpose::Order, 12, 300).next_u64() != Rng(8, Purpose::Order, 12, 300).next_u64());
  CHECK(Rng(7, Purpose::Order, 12, 300).next_u64() != Rng(7, Purpose::Churn, 12, 300).next_u64());
  CHECK(Rng(7, Purpose::Order, 12, 300).next_u64() != Rng(7, Purpose::Order, 13, 300).next_u64());
  CHECK(Rng(7, Purpose::Order, 12, 300).next_u64() != Rng(7, Purpose::Order, 12, 301).next_u64());
}

TEST_CASE("a stream's key is three mixes of seed and purpose, entity, tick; RngStream gives the same numbers", "[rng]") {
  // The definition the pinned results depend on (docs/model.md#randomness), written out here.
  const uint64_t key = mix64(mix64(mix64(7 ^ (uint64_t(Purpose::Order) << 48)) ^ 12) ^ uint64_t(int64_t(300)));
  CHECK(Rng(7, Purpose::Order, 12, 300).next_u64() == mix64(key + 0xD1B54A32D192ED03ull));
  for (const Purpose p : {Purpose::Order, Purpose::Basket, Purpose::Credit, Purpose::Journey}) {
    const RngStream stream(20250701, p);
    for (int64_t tick : {int64_t(-1), int64_t(0), int64_t(4387), int64_t(1) << 40}) {
      for (uint64_t entity : {0ull, 1ull, 199999ull}) {
        Rng a = stream.at(entity, tick), b(20250701, p, entity, tick);
        for (int i = 0; i < 4; ++i) CHECK(a.next_u64() == b.next_u64());
      }
    }
  }
}

TEST_CASE("batched draws are, bit for bit, the draws Rng gives one at a time, on both paths", "[rng]") {
  // The vector path is taken only where the CPU has AVX-512 (sim/simd.hpp); on others both sections run the
  // one-at-a-time loop, and this test still pins the batch API to Rng.
  const bool vector_here = simd::v4();
  INFO("vector path available on this CPU: " << vector_here);
  for (const bool allow : {false, true}) {
    simd::allow_v4(allow);
    CHECK(simd::v4() == (allow && vector_here));
    const RngStream stream(20250701, Purpose::Journey);
    for (const size_t n : {size_t(0), size_t(1), size_t(7), size_t(8), size_t(9), size_t(31), size_t(256), size_t(1001)}) {
      for (const int64_t tick : {int64_t(0), int64_t(-3), int64_t(365)}) {
        // A range of consecutive entities, starting anywhere.
        std::vector<double> out(n + 1, -1.0);
        RngBatch::first_uniforms(stream, 199990, tick, n, out.data());
        for (size_t i = 0; i < n; ++i) REQUIRE(out[i] == stream.at(199990 + i, tick).uniform());
        CHECK(out[n] == -1.0);  // nothing written past n
        // A list of entities, in any order, with repeats.
        std::vector<uint32_t> ids(n);
        for (size_t i = 0; i < n; ++i) ids[i] = uint32_t((i * 7919u + 13u) % 200000u);
        RngBatch::first_uniforms(stream, ids.data(), tick, n, out.data());
        for (size_t i = 0; i < n; ++i) REQUIRE(out[i] == stream.at(ids[i], tick).uniform());
      }
      // The next n uniforms of one stream, and the stream moves on by exactly n draws.
      Rng batched(7, Purpose::Credit, 42, 900), single(7, Purpose::Credit, 42, 900);
      (void)batched.next_u64();
      (void)single.next_u64();  // start mid-stream
      std::vector<double> out(n);
      RngBatch::uniforms(batched, n, out.data());
      for (size_t i = 0; i < n; ++i) REQUIRE(out[i] == single.uniform());
      CHECK(batched.next_u64() == single.next_u64());
    }
  }
  simd::allow_v4(true);
}

TEST_CASE("a uniform turned into an exponential is the exponential Rng draws", "[rng]") {
  for (uint64_t e = 0; e < 1000; ++e) {
    Rng a(3, Purpose::Order, e, 17), b(3, Purpose::Order, e, 17);
    CHECK(Rng::exponential_of(a.uniform(), 2.5) == b.exponential(2.5));
  }
}

TEST_CASE("distributions have the moments they claim", "[rng]") {
  const int n = 200000;
  double su = 0, sn = 0, sn2 = 0, sp = 0, sl = 0;
  uint64_t below = 0;
  for (int i = 0; i < n; ++i) {
    Rng r(1, Purpose::WorldBuild, uint64_t(i), 0);  // a fresh stream per draw, as the engine uses them
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    su += u;
    const double z = r.normal();
    sn += z;
    sn2 += z * z;
    sp += r.poisson(3.5);
    sl += r.lognormal_mean(2.0, 0.5);
    below += r.below(10) < 3;
  }
  CHECK(su / n == Approx(0.5).margin(0.005));
  CHECK(sn / n == Approx(0.0).margin(0.01));
  CHECK(sn2 / n == Approx(1.0).margin(0.02));
  CHECK(sp / n == Approx(3.5).margin(0.03));
  CHECK(sl / n == Approx(2.0).margin(0.02));
  CHECK(double(below) / n == Approx(0.3).margin(0.005));
  Rng big(3, Purpose::Basket, 0, 0);
  double s = 0;
  for (int i = 0; i < 20000; ++i) s += big.poisson(80.0);
  CHECK(s / 20000 == Approx(80).margin(0.5));
  CHECK(Rng(3, Purpose::Basket, 0, 0).poisson(0.0) == 0u);
}
