// Incentive plans on hand-computed fixtures; attributions that add up; plans that change behaviour.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "helpers.hpp"
#include "models/models.hpp"
#include "sim/attribution.hpp"

using namespace salesim;
using namespace salesim::test;

namespace {
std::unique_ptr<IncentivePlan> plan_of(const std::string& incentive_json) {
  auto r = load_scenario_text("{\"incentive\": " + incentive_json + "}", "t.json");
  for (const auto& p : r.problems) UNSCOPED_INFO(p.str());
  REQUIRE(r.ok());
  return models::make_incentive(*r.scenario);
}
PlanVars vars(std::initializer_list<std::pair<PlanVar, double>> values) {
  PlanVars x;
  x.fill(std::nan(""));
  for (auto [k, v] : values) x[k] = v;
  return x;
}
std::map<std::string, double> lines_of(const IncentivePlan& p, const PlanVars& x) {
  std::vector<PayoutLine> lines;
  p.lines(x, lines);
  std::map<std::string, double> out;
  for (const auto& l : lines) out[l.item] += l.amount;
  return out;
}
}  // namespace

TEST_CASE("linear: rate x revenue", "[incentive]") {
  auto p = plan_of(R"({"model": "linear", "rate": 0.03})");
  auto l = lines_of(*p, vars({{kVarRevenue, 142000}}));
  CHECK(l.size() == 1);
  CHECK(l["commission"] == Approx(4260.0));
  CHECK(p->signals(vars({})).per_revenue == 0.03);
}

TEST_CASE("tiered: bands, accelerator, cap, floor, clawback", "[incentive]") {
  auto p = plan_of(R"({"model": "tiered", "quota_cny_month": 100000,
      "tiers": [{"from_attainment": 0, "rate": 0.01}, {"from_attainment": 0.8, "rate": 0.02}, {"from_attainment": 1.0, "rate": 0.04}],
      "cap_cny_month": 1500, "floor_cny_month": 500, "clawback_share": 0.5})");
  // 120,000: 1% of 80,000 + 2% of 20,000 + 4% of 20,000 = 800 + 400 + 800 = 2,000, capped at 1,500.
  auto high = lines_of(*p, vars({{kVarRevenue, 120000}, {kVarClawbackBase, 0}}));
  CHECK(high["commission"] == Approx(2000));
  CHECK(high["cap"] == Approx(-500));
  CHECK(high.count("floor") == 0);
  // 30,000: 300, topped up to the 500 floor.
  auto low = lines_of(*p, vars({{kVarRevenue, 30000}, {kVarClawbackBase, 0}}));
  CHECK(low["commission"] == Approx(300));
  CHECK(low["floor"] == Approx(200));
  // Clawback: half the average rate (2,000 / 120,000) on 6,000 CNY from churned customers = -50.
  auto claw = lines_of(*p, vars({{kVarRevenue, 120000}, {kVarClawbackBase, 6000}}));
  CHECK(claw["clawback"] == Approx(-50));
  // Marginal rate seen by reps: 2% between 80% and 100% of quota; nothing once capped.
  CHECK(p->signals(vars({{kVarRevenue, 90000}})).per_revenue == Approx(0.02));
  CHECK(p->signals(vars({{kVarRevenue, 120000}})).per_revenue == 0);
}

TEST_CASE("gated: full commission only when both gates hold", "[incentive]") {
  auto p = plan_of(R"({"model": "gated", "rate": 0.03, "new_customer_bonus_cny": 100,
      "min_first_order_margin": 0.35, "min_new_customer_retention": 0.6, "gated_share": 0.5})");
  auto ok = lines_of(*p, vars({{kVarRevenue, 100000}, {kVarNewCustomers, 4}, {kVarFirstOrderMargin, 0.4},
                               {kVarNewCustomerRetention, 0.7}}));
  CHECK(ok["commission"] == Approx(3000));
  CHECK(ok.count("gate") == 0);
  CHECK(ok["new_customer_bonus"] == Approx(400));
  auto retention_fails = lines_of(*p, vars({{kVarRevenue, 100000}, {kVarNewCustomers, 4}, {kVarFirstOrderMargin, 0.4},
                                            {kVarNewCustomerRetention, 0.5}}));
  CHECK(retention_fails["gate"] == Approx(-1500));
  CHECK(retention_fails["new_customer_bonus"] == Approx(400));
  auto margin_fails = lines_of(*p, vars({{kVarRevenue, 100000}, {kVarNewCustomers, 4}, {kVarFirstOrderMargin, 0.3},
                                         {kVarNewCustomerRetention, 0.7}}));
  CHECK(margin_fails["gate"] == Approx(-1500));
  CHECK(margin_fails["new_customer_bonus"] == 0);
  // Nothing to measure is no failure: no new customers, no cohort six months back.
  auto none = lines_of(*p, vars({{kVarRevenue, 100000}, {kVarNewCustomers, 0}}));
  CHECK(none.count("gate") == 0);
}

TEST_CASE("team: own share, pod share and pod goal", "[incentive]") {
  auto p = plan_of(R"({"model": "team", "rate": 0.03, "pod_share": 0.3, "pod_goal_cny_month": 500000, "pod_goal_bonus_cny": 800})");
  auto l = lines_of(*p, vars({{kVarRevenue, 100000}, {kVarPodRevenue, 600000}, {kVarPodSize, 6}}));
  CHECK(l["commission"] == Approx(0.03 * 0.7 * 100000));
  CHECK(l["pod_share"] == Approx(0.03 * 0.3 * 600000 / 6));
  CHECK(l["pod_goal_bonus"] == Approx(800));
  auto miss = lines_of(*p, vars({{kVarRevenue, 100000}, {kVarPodRevenue, 400000}, {kVarPodSize, 6}}));
  CHECK(miss.count("pod_goal_bonus") == 0);
}

TEST_CASE("dynamic: a weighted multiplier with negative terms, clamped", "[incentive]") {
  auto p = plan_of(R"({"model": "dynamic", "rate": 0.03,
      "weights": {"clv": 0.3, "channel_health": 0.5, "synergy": 0.1, "complaint_rate": -2.0, "churn_warnings": -0.5},
      "references": {"channel_health": 0.7, "synergy": 3.0, "complaint_rate": 0.01, "churn_warnings": 0.2},
      "multiplier_min": 0.5, "multiplier_max": 1.5})");
  // m = 1 + 0.3*0.1 + 0.5*(0.8-0.7) + 0.1*(3.5-3) - 2*(0.03-0.01) - 0.5*(0.3-0.2) = 1.04
  auto x = vars({{kVarRevenue, 100000}, {kVarClv, 0.1}, {kVarChannelHealth, 0.8}, {kVarSynergy, 3.5},
                 {kVarComplaintRate, 0.03}, {kVarChurnWarnings, 0.3}});
  auto l = lines_of(*p, x);
  CHECK(l["commission"] == Approx(3000));
  CHECK(l["dynamic_adjustment"] == Approx(3000 * 0.04));
  x[kVarComplaintRate] = 0.5;  // a disaster: clamped at the minimum multiplier
  CHECK(lines_of(*p, x)["dynamic_adjustment"] == Approx(-1500));
}

TEST_CASE("the conditional new-product rule cuts commission when stock turns slowly", "[incentive]") {
  auto p = plan_of(R"({"model": "linear", "rate": 0.03,
      "new_product_rule": {"enabled": true, "inventory_turnover_days_above": 45, "rate_cut_points": 0.5}})");
  auto slow = lines_of(*p, vars({{kVarRevenue, 100000}, {kVarNewProductRevenue, 20000}, {kVarRegionInventoryDays, 50}}));
  CHECK(slow["new_product_rate_cut"] == Approx(-100));  // 0.5 points of 20,000
  auto fast = lines_of(*p, vars({{kVarRevenue, 100000}, {kVarNewProductRevenue, 20000}, {kVarRegionInventoryDays, 30}}));
  CHECK(fast.count("new_product_rate_cut") == 0);
}

TEST_CASE("attributions add up exactly to the change, for every plan", "[incentive][attribution]") {
  const std::vector<std::string> plans = {
      R"({"model": "linear"})", R"({"model": "tiered", "cap_cny_month": 5000, "clawback_share": 0.3})",
      R"({"model": "gated"})", R"({"model": "team"})", R"({"model": "dynamic"})",
      R"({"model": "linear", "new_product_rule": {"enabled": true}})"};
  for (const auto& text : plans) {
    auto p = plan_of(text);
    for (int trial = 0; trial < 200; ++trial) {
      Rng rng(11, Purpose::WorldBuild, uint64_t(trial), 0);
      auto draw = [&] {
        return vars({{kVarRevenue, rng.uniform(0, 300000)}, {kVarNewCustomers, double(rng.below(30))},
                     {kVarFirstOrderMargin, rng.uniform(0.1, 0.5)}, {kVarNewCustomerRetention, rng.uniform(0.3, 0.9)},
                     {kVarClawbackBase, rng.uniform(0, 20000)}, {kVarPodRevenue, rng.uniform(0, 1.5e6)},
                     {kVarPodSize, 6}, {kVarClv, rng.uniform(-0.5, 0.5)}, {kVarChannelHealth, rng.uniform(0, 1)},
                     {kVarSynergy, rng.uniform(1, 5)}, {kVarComplaintRate, rng.uniform(0, 0.1)},
                     {kVarChurnWarnings, rng.uniform(0, 0.6)}, {kVarNewProductRevenue, rng.uniform(0, 50000)},
                     {kVarRegionInventoryDays, rng.uniform(20, 70)}});
      };
      const PlanVars before = draw(), after = draw();
      double sum = 0;
      for (const auto& a : shapley_attribution(*p, before, after)) sum += a.amount;
      INFO(text);
      REQUIRE(sum == Approx(plan_total(*p, after) - plan_total(*p, before)).margin(0.01));
    }
  }
  // Linear: the change is all revenue, rate x its change.
  auto lin = plan_of(R"({"model": "linear", "rate": 0.03})");
  auto a = shapley_attribution(*lin, vars({{kVarRevenue, 100000}}), vars({{kVarRevenue, 88000}}));
  REQUIRE(a.size() == 1);
  CHECK(a[0].amount == Approx(-360));
}

TEST_CASE("every statement of a run explains its change to the cent", "[incentive][attribution]") {
  const Scenario sc = short_default(120, {{"/incentive", R"({"plan_file": "plans/gated.json"})"}});
  auto e = run(sc, 2);
  size_t explained = 0;
  for (const auto& st : e->recorder().statements()) explained += check_statement_adds_up(st);
  CHECK(explained == 3 * e->world().reps());  // Aug, Sep, Oct compared with the month before
}

TEST_CASE("reps respond to the plan: gated pay moves effort from volume to new customers who stay",
          "[incentive][behaviour]") {
  auto with = [](const std::string& plan) {
    return run(short_default(150, {{"/rep_behaviour", R"({"model": "incentive_driven"})"},
                                   {"/incentive", "{\"plan_file\": \"plans/" + plan + ".json\"}"},
                                   {"/recorder/events", R"(["touch"])"}}),
               2);
  };
  auto linear = with("linear"), gated = with("gated");
  auto share = [](const Engine& e, Action act) {
    double n = 0, k = 0;
    for (const Event& ev : e.recorder().events())
      if (ev.kind == kEvTouch) { ++n; k += ev.a == act; }
    return k / n;
  };
  // Linear pays for volume now: more order taking. Gated pays for new customers who keep buying.
  CHECK(share(*linear, kOrderTaking) > share(*gated, kOrderTaking) + 0.05);
  CHECK(kpi(*gated, "first_orders") > 1.2 * kpi(*linear, "first_orders"));
  CHECK(kpi(*gated, "repurchase_rate_30d") > kpi(*linear, "repurchase_rate_30d") + 0.1);
}

TEST_CASE("plan files load, and a missing one is a clear error", "[incentive][scenario]") {
  for (const char* p : {"linear", "tiered", "gated", "conditional", "team", "dynamic"}) {
    INFO(p);
    auto r = load_scenario_file(source("scenarios/default.json"),
                                {{"/incentive", std::string("{\"plan_file\": \"plans/") + p + ".json\"}"}});
    CHECK(r.ok());
  }
  auto bad = load_scenario_file(source("scenarios/default.json"), {{"/incentive", R"({"plan_file": "plans/nope.json"})"}});
  REQUIRE(bad.problems.size() == 1);
  CHECK(bad.problems[0].where == "/incentive/plan_file");
  CHECK(bad.problems[0].what.find("cannot open the plan file") == 0);
}

TEST_CASE("payout inequality and attrition KPIs", "[incentive]") {
  CHECK(gini({1, 1, 1, 1}) == Approx(0.0));
  CHECK(gini({0, 0, 0, 1}) == Approx(0.75));
  CHECK(gini({1, 2, 3, 4}) == Approx(0.25));
  // Activity-count evaluation makes top performers leave more (domain.md: 2.8x).
  auto count = run(short_default(200, {{"/reps/attrition_per_month", "0.05"}, {"/recorder/events", "[]"}}), 2);
  auto value = run(short_default(200, {{"/reps/attrition_per_month", "0.05"}, {"/reps/evaluation", "\"behaviour_value\""},
                                       {"/recorder/events", "[]"}}), 2);
  CHECK(kpi(*count, "rep_attrition_rate") > kpi(*value, "rep_attrition_rate"));
}

TEST_CASE("team plans see their pod's revenue: the sum over its members", "[incentive]") {
  auto e = run(short_default(45, {{"/incentive", R"({"plan_file": "plans/team.json"})"}, {"/recorder/events", "[]"}}), 2);
  std::map<std::pair<std::string, PodId>, double> sum;
  auto var = [](const PayoutStatement& st, const std::string& name) {
    for (const auto& [k, v] : st.variables)
      if (k == name) return v;
    FAIL("no variable " << name);
    return 0.0;
  };
  for (const auto& st : e->recorder().statements()) sum[{st.period, e->world().rep_pod[st.rep]}] += var(st, "revenue");
  size_t checked = 0;
  for (const auto& st : e->recorder().statements()) {
    REQUIRE(var(st, "pod_revenue") == Approx(sum[{st.period, e->world().rep_pod[st.rep]}]).epsilon(1e-12));
    ++checked;
  }
  CHECK(checked == 2 * e->world().reps());
}
