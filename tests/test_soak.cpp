// Soak: the default scenario over two simulated years, with every invariant of sim/invariants.hpp
// checked at the end of every day (docs/reliability.md#soak; ten years were run by hand, see there).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>

#include "helpers.hpp"
#include "sim/invariants.hpp"

using namespace salesim;
using namespace salesim::test;

namespace {
std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}
}  // namespace

TEST_CASE("soak: two years of the default scenario keep every invariant every day", "[soak][invariants]") {
  // SALESIM_SOAK_DAYS=3650 runs the ten years of docs/reliability.md#soak by hand.
  const char* env = std::getenv("SALESIM_SOAK_DAYS");
  const int days = env ? std::max(91, std::atoi(env)) : 730;
  const Scenario sc = load("scenarios/default.json", {{"/clock/days", std::to_string(days)}});
  auto e = models::make_engine(sc, EngineOptions{std::nullopt, 2});
  InvariantChecker checker;
  const int tpd = e->clock().ticks_per_day();
  int checked = 0;
  while (!e->done()) {
    e->step();
    if (e->tick() % tpd == 0) {
      const int day = int(e->tick() / tpd);
      const auto bad = checker.check(*e, 20, day % 30 == 0 || e->done());  // KPIs monthly: they are the costly part
      INFO("after day " << day - 1 << ":\n" << joined(bad));
      REQUIRE(bad.empty());
      ++checked;
    }
  }
  CHECK(checked == days);
  // The run is alive at the end, not stalled into an empty steady state.
  const auto& rows = e->recorder().days();
  double first_q = 0, last_q = 0;
  for (int d = 0; d < 91; ++d) { first_q += rows[size_t(d)].revenue; last_q += rows[size_t(days - 1 - d)].revenue; }
  CHECK(first_q > 0);
  CHECK(last_q > 0);
  for (const Kpi& k : e->kpis()) {
    INFO(k.name);
    // The default scenario raises no demand cards and has no warehouse staff: their KPIs have nothing to measure.
    if (k.name == "card_closure_rate" || k.name == "card_response_hours" || k.name == "replenishment_on_time_share")
      CHECK(std::isnan(k.value));
    else CHECK(std::isfinite(k.value));
  }
  // A full pass over the finished run agrees with the daily ones.
  CHECK(check_invariants(*e).empty());
}

TEST_CASE("the invariant checker reports what it is there to catch", "[invariants]") {
  const Scenario sc = short_default(20);
  auto e = run(sc, 1);
  REQUIRE(check_invariants(*e).empty());
  // The checker only reads; to show it can fail, break the state behind its back.
  World& w = const_cast<World&>(e->world());
  w.stock[0] = -1;
  w.stage[3] = 200;
  const auto bad = check_invariants(*e);
  INFO(joined(bad));
  CHECK(bad.size() >= 2);
  CHECK_THAT(joined(bad), Catch::Contains("stock[0] is -1") && Catch::Contains("stage outside"));
  w.stock[0] = std::nan("");
  CHECK_THAT(joined(check_invariants(*e)), Catch::Contains("stock[0] is nan"));
}
