// Replay of history and scenarios estimated from it, on a fixture small enough to compute by hand:
// tests/data/history/fixture-replay.json (9 deals, reps Ann and Bob under Mia in North, Cy and Dee
// under Max in South; Dee has no deal). docs/history.md#replay, docs/history.md#to-scenario
#include <catch2/catch.hpp>
#include <cmath>

#include "helpers.hpp"
#include "models/registry.hpp"
#include "models/replay.hpp"
#include "sim/history.hpp"

using namespace salesim;
using salesim::test::source;

namespace {

History fixture() {
  HistoryLoad r = load_history(source("tests/data/history/fixture-replay.json"));
  REQUIRE(r.ok());
  REQUIRE(r.history->report.rejected() == 0);
  return std::move(*r.history);
}

Scenario with_plan(const std::string& incentive) {
  LoadResult r = load_scenario_text(R"({"reps": {"base_salary_cny_month": 1000}, "incentive": )" + incentive + "}", "<test>");
  for (const auto& p : r.problems) UNSCOPED_INFO(p.str());
  REQUIRE(r.ok());
  return std::move(*r.scenario);
}

size_t rep(const History& h, const models::ReplayData& d, const std::string& name) {
  for (size_t r = 0; r < d.reps(); ++r)
    if (h.reps[size_t(d.world.rep_history[r])].name == name) return r;
  FAIL("no replay rep " << name);
  return 0;
}

double line(const PayoutStatement& st, const std::string& item) {
  double x = 0;
  for (const auto& l : st.lines)
    if (l.item == item) x += l.amount;
  return x;
}

}  // namespace

TEST_CASE("Replay world: reps with deals, pods from managers", "[replay]") {
  const History h = fixture();
  const auto w = models::build_replay_world(h);
  CHECK(w.pod_source == "manager");
  CHECK(w.rep_history.size() == 3);  // Dee has no deal
  CHECK(w.reps_without_deals == 1);
  REQUIRE(w.pods.size() == 2);
  CHECK(w.pods[0] == "Mia");
  CHECK(w.pod_size[0] == 2);
  CHECK(w.pods[1] == "Max");
  CHECK(w.pod_size[1] == 1);
}

TEST_CASE("Replay variables per rep and month match a hand computation", "[replay]") {
  const History h = fixture();
  const auto d = models::replay_history(h, models::Period::kMonth);
  REQUIRE(d.labels == std::vector<std::string>{"2017-01", "2017-02", "2017-03"});
  CHECK(d.deals_replayed == 8);  // 6 won + 2 lost; the open deal has no close date
  CHECK(d.won == 6);
  const size_t ann = rep(h, d, "Ann"), bob = rep(h, d, "Bob"), cy = rep(h, d, "Cy");
  // Won value closed in the month.
  CHECK(d.at(0, ann)[kVarRevenue] == 90);
  CHECK(d.at(0, bob)[kVarRevenue] == 1000);
  CHECK(d.at(1, ann)[kVarRevenue] == 950);
  CHECK(d.at(1, cy)[kVarRevenue] == 100);
  CHECK(d.at(2, bob)[kVarRevenue] == 1000);
  CHECK(d.at(2, cy)[kVarRevenue] == 80);
  CHECK(d.at(2, ann)[kVarRevenue] == 0);
  // New customers: Acme first won by Ann (F1, Jan), Beta by Bob (F2, Jan), Core by Cy (F4, Feb);
  // Beta's later wins (F7 by Cy, F9 by Bob) are not new.
  CHECK(d.at(0, ann)[kVarNewCustomers] == 1);
  CHECK(d.at(0, bob)[kVarNewCustomers] == 1);
  CHECK(d.at(1, cy)[kVarNewCustomers] == 1);
  CHECK(d.at(2, cy)[kVarNewCustomers] == 0);
  CHECK(d.first_won_account == std::vector<std::string>{"Acme", "Beta", "Core"});
  // Pod revenue (Mia: Ann + Bob; Max: Cy) and size.
  CHECK(d.at(0, ann)[kVarPodRevenue] == 1090);
  CHECK(d.at(0, bob)[kVarPodRevenue] == 1090);
  CHECK(d.at(1, cy)[kVarPodRevenue] == 100);
  CHECK(d.at(0, ann)[kVarPodSize] == 2);
  CHECK(d.at(0, cy)[kVarPodSize] == 1);
  // What a deals export cannot measure stays NaN, never 0.
  for (PlanVar v : {kVarFirstOrderMargin, kVarNewCustomerRetention, kVarClawbackBase, kVarClv, kVarChannelHealth,
                    kVarSynergy, kVarComplaintRate, kVarChurnWarnings, kVarNewProductRevenue, kVarRegionInventoryDays}) {
    CHECK_FALSE(models::replay_measures(v));
    CHECK(std::isnan(d.at(0, ann)[v]));
  }
  // Quarters: one period with everything.
  const auto q = models::replay_history(h, models::Period::kQuarter);
  REQUIRE(q.labels == std::vector<std::string>{"2017-Q1"});
  CHECK(q.at(0, rep(h, q, "Bob"))[kVarRevenue] == 2000);
  CHECK(q.at(0, rep(h, q, "Cy"))[kVarNewCustomers] == 1);
}

TEST_CASE("Replay payouts of the team and gated plans match a hand computation", "[replay]") {
  const History h = fixture();
  const auto d = models::replay_history(h, models::Period::kMonth);
  const size_t ann = rep(h, d, "Ann"), cy = rep(h, d, "Cy");

  const Scenario team = with_plan(R"({"model": "team", "rate": 0.1, "pod_share": 0.5, "pod_goal_cny_month": 1000, "pod_goal_bonus_cny": 50})");
  auto plan = models::make_incentive(team);
  const auto res = models::replay_plan(d, *plan, "team", team.reps.base_salary_month);
  const size_t R = d.reps();
  // Ann, January: own 5% of 90 = 4.50; pod share 10% x 50% / 2 of 1090 = 27.25; Mia's pod reached 1000: +50.
  const PayoutStatement& a0 = res.statements[0 * R + ann];
  CHECK(line(a0, "base_salary") == Approx(1000));
  CHECK(line(a0, "commission") == Approx(4.50));
  CHECK(line(a0, "pod_share") == Approx(27.25));
  CHECK(line(a0, "pod_goal_bonus") == Approx(50));
  CHECK(a0.total == Approx(1081.75));
  // Cy, February: own 5% of 100 = 5; pod (alone) 5% of 100 = 5; no goal.
  const PayoutStatement& c1 = res.statements[1 * R + cy];
  CHECK(c1.total == Approx(1010));
  CHECK(line(c1, "pod_goal_bonus") == 0);
  CHECK(res.unmeasured_uses.empty());
  CHECK(res.revenue == Approx(3220));
  CHECK(res.base_pay == Approx(9000));  // 3 reps x 3 full months x 1000
  CHECK(res.cost_of_sales_ratio == Approx(res.total_pay / 3220));

  // Gated: the margin and retention gates rest on variables the history does not have; they are
  // reported as unmeasured (the plan's rule is that a gate with nothing to measure holds).
  const Scenario gated = with_plan(R"({"model": "gated", "rate": 0.1, "new_customer_bonus_cny": 20, "min_first_order_margin": 0.35, "min_new_customer_retention": 0.6, "gated_share": 0.5})");
  auto gp = models::make_incentive(gated);
  const auto gr = models::replay_plan(d, *gp, "gated", 0);
  CHECK(gr.statements[0 * R + ann].total == Approx(9 + 20));
  CHECK(gr.unmeasured_uses == std::vector<PlanVar>{kVarFirstOrderMargin, kVarNewCustomerRetention});
  CHECK(gr.variable_pay == Approx(322 + 3 * 20));

  // Linear 3%: pay per rep over the replay Ann 31.20, Bob 60, Cy 5.40; Gini by the definition
  // sum_i sum_j |x_i - x_j| / (2 n^2 mean) = 2 (28.8 + 54.6 + 25.8) / (2 * 9 * 32.2).
  const Scenario linear = with_plan(R"({"model": "linear", "rate": 0.03})");
  auto lp = models::make_incentive(linear);
  const auto lr = models::replay_plan(d, *lp, "linear", 0);
  CHECK(lr.variable_pay == Approx(96.60));
  CHECK(lr.payout_gini == Approx(2 * (28.8 + 54.6 + 25.8) / (2 * 9 * 32.2)));
}

TEST_CASE("Replay forecast scores the engine's forecaster one period ahead", "[replay]") {
  const History h = fixture();
  const auto d = models::replay_history(h, models::Period::kMonth);
  const Scenario sc = with_plan(R"({"model": "linear"})");
  LoadResult naive = load_scenario_json(nlohmann::json{{"forecast", {{"model", "seasonal_naive"}}}}, "<test>");
  REQUIRE(naive.ok());
  auto model = models::make_forecast(*naive.scenario);
  // Season 12 (longer than the history): the seasonal naive forecast is the last value.
  const auto f = models::replay_forecast(d, h, *model, "seasonal_naive", 12, 1, 1);
  // Total won value: 1090, 1050, 1080. Forecasts for Feb and Mar: 1090 and 1050.
  REQUIRE(f.scores.size() == 2);
  CHECK(f.scores[0].level == "total");
  CHECK(f.scores[0].points == 2);
  CHECK(f.scores[0].wape == Approx((40.0 + 30.0) / (1050.0 + 1080.0)));
  CHECK(f.scores[0].mape == Approx((40.0 / 1050 + 30.0 / 1080) / 2));
  CHECK(f.scores[0].bias == Approx((40.0 - 30.0) / (1050.0 + 1080.0)));
  // Regions: North 1090, 950, 1000; South 0, 100, 80 -> 4 points, MAPE over the 4 with a non-zero actual.
  CHECK(f.scores[1].points == 4);
  CHECK(f.scores[1].wape == Approx((140.0 + 50 + 100 + 20) / (950.0 + 1000 + 100 + 80)));
}

TEST_CASE("A scenario estimated from history matches hand-computed values and loads", "[replay]") {
  const History h = fixture();
  const auto f = models::fit_scenario(h, nlohmann::json::object(), "fixture-replay.json");
  const auto& fit = f.fit;
  CHECK(fit["deals"]["won"] == 6);
  CHECK(fit["deals"]["lost"] == 2);
  CHECK(fit["deals"]["win_rate_of_closed"].get<double>() == Approx(0.75));
  CHECK(fit["window"]["days"].get<double>() == 81);  // 2017-01-10 .. 2017-03-31
  // Won cycles 8, 15, 19, 10, 30, 10 days; lost 20, 19.
  CHECK(fit["cycle_days"]["won_mean"].get<double>() == Approx(92.0 / 6).epsilon(1e-4));
  CHECK(fit["cycle_days"]["won_median"].get<double>() == 12.5);
  CHECK(fit["cycle_days"]["lost_mean"].get<double>() == 19.5);
  // Per product: Widget won 3 of 5 closed, Gadget 3 of 3.
  CHECK(fit["products"][0]["name"] == "Widget");
  CHECK(fit["products"][0]["win_rate"].get<double>() == Approx(0.6));
  CHECK(fit["products"][1]["win_rate"].get<double>() == Approx(1.0));
  CHECK(fit["products"][1]["mean_won_value"].get<double>() == Approx(2950.0 / 3).epsilon(1e-4));
  const auto& sc = f.scenario;
  // 6 won deals over 3 accounts and 81 days.
  CHECK(fit["accounts"]["won_per_account_per_day"].get<double>() == Approx(6.0 / (3 * 81)).epsilon(1e-4));
  // The parameter corrects for at most one order per 4-hour tick: -ln(1 - rate / 6) x 6.
  CHECK(sc["demand"]["orders_per_day"].get<double>() == Approx(-std::log(1 - 6.0 / (3 * 81) / 6) * 6).epsilon(1e-4));
  // Discount off list: 1 - 3220 / 3300.
  CHECK(sc["demand"]["discount"].get<double>() == Approx(1 - 3220.0 / 3300).margin(1e-4));
  // Account size spread: sample sd of ln 2, ln 3, ln 1.
  CHECK(sc["accounts"]["size_sigma"].get<double>() == Approx(0.5555).epsilon(1e-3));
  CHECK(sc["accounts"]["per_rep"].get<double>() == Approx(1.0));
  CHECK(sc["reps"]["count"] == 3);
  CHECK(sc["pods"]["size"] == 2);  // mean of 2 and 1, rounded
  CHECK(sc["regions"].size() == 2);
  CHECK(sc["regions"][0]["rep_share"].get<double>() == Approx(2.0 / 3).epsilon(1e-3));
  CHECK(sc["skus"][0]["popularity"].get<double>() == Approx(0.5));
  CHECK(sc["skus"][1]["price_cny"].get<double>() == 1000);
  CHECK(sc["churn"]["base_per_day"].get<double>() == 0);  // no account idle for 90 days
  CHECK(sc["targets"]["median_basket"]["value"].get<double>() == 525);
  CHECK(sc["targets"]["orders"]["value"].get<double>() == 27);  // 6 / 81 x 365 = 27.04
  // The generated document is a valid scenario, and a year of it runs.
  LoadResult lr = load_scenario_json(sc, "<generated>");
  for (const auto& p : lr.problems) UNSCOPED_INFO(p.str());
  REQUIRE(lr.ok());
  CHECK(lr.scenario->reps.count == 3);
  CHECK(lr.scenario->clock.days() == 365);
  // With a base scenario its other sections are kept, and it still validates.
  const Scenario base = test::load("scenarios/default.json");
  const auto fb = models::fit_scenario(h, base.normalized, "fixture-replay.json");
  LoadResult lb = load_scenario_json(fb.scenario, "<generated>");
  for (const auto& p : lb.problems) UNSCOPED_INFO(p.str());
  REQUIRE(lb.ok());
  CHECK(lb.scenario->roles.size() == base.roles.size());
}
