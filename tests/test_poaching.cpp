// Poaching (docs/incentives.md#poaching): reps take other reps' accounts when the plan pays for it,
// the revenue credit moves but is never created or lost, and a plan that prices complaints cuts them.
#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "sim/engine.hpp"

using namespace salesim;
using namespace salesim::test;

namespace {
std::unique_ptr<Engine> poaching_run(const std::string& incentive, const std::string& propensity = "0.1") {
  const Scenario sc = load("scenarios/fmcg-incentives.json",
                           {{"/clock/days", "60"}, {"/recorder/events", "[]"}, {"/reps/poaching/propensity", propensity},
                            {"/incentive", incentive}});
  return run(sc, 2);
}
}  // namespace

TEST_CASE("reps poach under a plan that pays for any revenue, and a complaint penalty cuts it",
          "[incentives][poaching]") {
  auto none = poaching_run(R"({"plan_file": "plans/linear.json"})", "0");
  auto linear = poaching_run(R"({"plan_file": "plans/linear.json"})");
  auto priced = poaching_run(R"({"plan_file": "plans/dynamic.json", "weights": {"poaching_complaints": -0.2}})");
  CHECK(kpi(*none, "poached_accounts") == 0);
  CHECK(kpi(*none, "poaching_complaints") == 0);
  CHECK(kpi(*linear, "poached_accounts") > 100);
  CHECK(kpi(*linear, "poaching_complaints") > 0);
  CHECK(kpi(*linear, "poaching_complaints") <= kpi(*linear, "poached_accounts"));
  CHECK(kpi(*priced, "poaching_complaints") < 0.7 * kpi(*linear, "poaching_complaints"));
  // The credit moves between reps; the total is what was sold.
  for (const Engine* e : {linear.get(), priced.get()}) {
    double credited = 0;
    for (double r : e->recorder().rep_revenue) credited += r;
    CHECK(credited == Approx(kpi(*e, "revenue")).epsilon(1e-9));
  }
  // Complaints reach the pay statements of a plan that prices them.
  bool seen = false;
  for (const auto& st : priced->recorder().statements())
    for (const auto& [name, value] : st.variables)
      if (name == "poaching_complaints" && value > 0) seen = true;
  CHECK(seen);
}
