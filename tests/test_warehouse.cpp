// Warehouse staff as agents and the collaboration bonus (docs/model.md#warehouse,
// docs/incentives.md#collaboration-bonus): the bonus on hand-computed fixtures, staff statements whose
// attributions add up to the cent, replenishments handed to the staff in turn and counted, and that the
// bonus raises the on-time share and cuts stock-outs where stock turns slowly (and changes nothing where
// it turns fast).
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "helpers.hpp"
#include "models/registry.hpp"
#include "sim/attribution.hpp"
#include "sim/invariants.hpp"
#include "sim/output.hpp"

using namespace salesim;
using namespace salesim::test;

namespace {

const std::string kConditional = R"({"model": "linear", "rate": 0.03,
    "new_product_rule": {"enabled": true, "inventory_turnover_days_above": 45, "rate_cut_points": 0.5,
                         "collaboration_bonus": {"enabled": true, "on_time_share_above": 0.95, "amount_cny_month": 500}}})";

std::unique_ptr<IncentivePlan> plan_of(const std::string& incentive_json) {
  auto r = load_scenario_text("{\"incentive\": " + incentive_json + "}", "t.json");
  for (const auto& p : r.problems) UNSCOPED_INFO(p.str());
  REQUIRE(r.ok());
  return models::make_incentive(*r.scenario);
}

StaffVars staff(double region_days, double on_time, double due) {
  StaffVars x;
  x[kStaffRegionInventoryDays] = region_days;
  x[kStaffOnTimeShare] = on_time;
  x[kStaffReplenishments] = due;
  return x;
}

// The collaboration bonus line of a staff member (-1: no such line).
double bonus(const IncentivePlan& p, const StaffVars& x) {
  std::vector<PayoutLine> lines;
  p.staff_lines(x, lines);
  double out = -1;
  for (const auto& l : lines)
    if (l.item == "collaboration_bonus") out = l.amount;
  return out;
}

double variable(const PayoutStatement& st, const std::string& name) {
  for (const auto& [k, v] : st.variables)
    if (k == name) return v;
  FAIL("no variable " << name);
  return 0;
}

// The slow-turning warehouse scenario with the bonus on or off (everything else equal).
Scenario warehouse(bool bonus_on, std::vector<Override> more = {}) {
  more.push_back({"/incentive/new_product_rule/collaboration_bonus/enabled", bonus_on ? "true" : "false"});
  return load("scenarios/fmcg-warehouse.json", more);
}

}  // namespace

TEST_CASE("the collaboration bonus pays exactly when the region turns slowly and the staff member is on time",
          "[warehouse][incentive]") {
  auto p = plan_of(kConditional);
  // Region slower than 45 days and more than 95% on time: 500 CNY.
  CHECK(bonus(*p, staff(50, 32.0 / 33, 33)) == 500);
  CHECK(bonus(*p, staff(50, 20.0 / 21, 21)) == 500);  // 95.2%
  CHECK(bonus(*p, staff(45.01, 1.0, 20)) == 500);
  // Exactly 95% is not above 95%; exactly 45 days is not above 45: the line is there, at 0.
  CHECK(bonus(*p, staff(50, 19.0 / 20, 20)) == 0);
  CHECK(bonus(*p, staff(45, 1.0, 20)) == 0);
  CHECK(bonus(*p, staff(30, 1.0, 20)) == 0);
  CHECK(bonus(*p, staff(50, 0.8, 20)) == 0);
  // No replenishment due is nothing late: the on-time condition holds, as gates on what cannot be
  // measured do (docs/incentives.md#variables). A region that sold nothing has no turnover: no bonus.
  CHECK(bonus(*p, staff(50, std::nan(""), 0)) == 500);
  CHECK(bonus(*p, staff(30, std::nan(""), 0)) == 0);
  CHECK(bonus(*p, staff(std::nan(""), 1.0, 20)) == 0);
  // What the staff member sees at stake (docs/model.md#warehouse): the amount where the rule applies.
  CHECK(p->staff_stake(staff(50, 0.5, 10)) == 500);
  CHECK(p->staff_stake(staff(30, 1.0, 10)) == 0);
  CHECK(p->staff_stake(staff(std::nan(""), 1.0, 10)) == 0);
  CHECK(p->staff_uses() == std::vector<StaffVar>{kStaffRegionInventoryDays, kStaffOnTimeShare});
  // The lines say why.
  std::vector<PayoutLine> lines;
  p->staff_lines(staff(52.34, 0.9, 20), lines);
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0].explanation, Catch::Contains("52.3 days (> 45)") && Catch::Contains("90.0% of your 20") &&
                                       Catch::Contains("not above 95%"));
  // The rep side of the rule is unchanged: 0.5 points of 20,000 CNY of new-product revenue.
  PlanVars x;
  x.fill(std::nan(""));
  x[kVarRevenue] = 100000;
  x[kVarNewProductRevenue] = 20000;
  x[kVarRegionInventoryDays] = 50;
  std::vector<PayoutLine> rep_lines;
  p->lines(x, rep_lines);
  REQUIRE(rep_lines.size() == 2);
  CHECK(rep_lines[1].amount == Approx(-100));

  SECTION("the bonus and the commission cut have their own switches") {
    auto off = plan_of(R"({"model": "linear", "new_product_rule": {"enabled": true}})");
    CHECK(bonus(*off, staff(50, 1.0, 20)) == -1);  // no line at all
    CHECK(off->staff_stake(staff(50, 1.0, 20)) == 0);
    CHECK(off->staff_uses().empty());
    auto only_bonus = plan_of(R"({"model": "tiered", "new_product_rule": {"enabled": false,
        "inventory_turnover_days_above": 30, "collaboration_bonus": {"enabled": true, "amount_cny_month": 800}}})");
    CHECK(bonus(*only_bonus, staff(31, 1.0, 20)) == 800);
    CHECK(bonus(*only_bonus, staff(29, 1.0, 20)) == 0);
  }
}

TEST_CASE("staff attributions add up exactly to the change", "[warehouse][attribution]") {
  auto p = plan_of(kConditional);
  for (int trial = 0; trial < 500; ++trial) {
    Rng rng(13, Purpose::WorldBuild, uint64_t(trial), 0);
    auto draw = [&] {
      const double due = double(rng.below(40));
      return staff(rng.uniform(20, 70), due > 0 ? double(rng.below(uint32_t(due) + 1)) / due : std::nan(""), due);
    };
    const StaffVars before = draw(), after = draw();
    double sum = 0;
    for (const auto& a : shapley_attribution(*p, before, after)) sum += a.amount;
    REQUIRE(sum == Approx(plan_total(*p, after) - plan_total(*p, before)).margin(0.01));
  }
  // The bonus is a step in two variables: going from (30 days, 100%) to (50 days, 100%) is all turnover.
  auto a = shapley_attribution(*p, staff(30, 1.0, 20), staff(50, 1.0, 20));
  REQUIRE(a.size() == 2);
  CHECK(a[0].variable == "region_inventory_days");
  CHECK(a[0].amount == Approx(500));
  CHECK(a[1].amount == Approx(0));
  // From (30 days, 80%) to (50 days, 100%) both were needed: half each.
  a = shapley_attribution(*p, staff(30, 0.8, 20), staff(50, 1.0, 20));
  CHECK(a[0].amount == Approx(250));
  CHECK(a[1].amount == Approx(250));
}

TEST_CASE("every staff statement of a run is paid by the rule and explains its change to the cent",
          "[warehouse][attribution]") {
  auto e = run(warehouse(true, {{"/clock/days", "200"}, {"/recorder/events", R"(["payout"])"}}), 2);
  const World& w = e->world();
  REQUIRE(w.staff() == 10);  // 2 per region, 5 regions
  size_t statements = 0, explained = 0, paid = 0, withheld = 0;
  std::map<std::string, size_t> per_period;
  for (const auto& st : e->recorder().statements()) {
    if (st.role != Payee::WarehouseStaff) {
      CHECK(st.rep < w.reps());
      continue;
    }
    ++statements;
    ++per_period[st.period];
    CHECK(st.rep == kNone);
    REQUIRE(st.staff < w.staff());
    double line_bonus = 0;
    for (const auto& l : st.lines)
      if (l.item == "collaboration_bonus") line_bonus = l.amount;
    // Paid exactly when the statement's own variables meet the rule.
    const double days = variable(st, "region_inventory_days"), share = variable(st, "on_time_share");
    const bool due = days > 45 && (std::isnan(share) || share > 0.95);  // nothing due: nothing late
    CHECK(line_bonus == (due ? 500.0 : 0.0));
    (due ? paid : withheld) += 1;
    explained += check_statement_adds_up(st);
  }
  // July .. January (7 periods, the last one partial) for each of the 10 staff members.
  CHECK(per_period.size() == 7);
  CHECK(statements == 7 * w.staff());
  CHECK(explained == 6 * w.staff());
  CHECK(paid > 5);      // the rule bites in this scenario...
  CHECK(withheld > 5);  // ...and not for everyone
  // The monthly records agree with the statements, and the KPIs with both.
  double bonus_total = 0, pay_total = 0;
  uint64_t on_time = 0, replenishments = 0;
  for (const StaffMonth& x : e->recorder().warehouse) {
    CHECK(x.on_time + x.late == x.replenishments);
    bonus_total += x.bonus;
    pay_total += x.total;
    on_time += x.on_time;
    replenishments += x.replenishments;
  }
  CHECK(e->recorder().warehouse.size() == statements);
  CHECK(kpi(*e, "collaboration_bonus") == Approx(500.0 * double(paid)));
  CHECK(bonus_total == Approx(kpi(*e, "collaboration_bonus")));
  CHECK(pay_total == Approx(kpi(*e, "warehouse_pay")));
  CHECK(kpi(*e, "replenishment_on_time_share") == Approx(double(on_time) / double(replenishments)));
  // Payout events name the staff member; payouts.csv and statements.jsonl tell staff from reps.
  size_t staff_events = 0;
  for (const Event& ev : e->recorder().events())
    if (ev.kind == kEvPayout && ev.a == uint8_t(Payee::WarehouseStaff)) ++staff_events;
  CHECK(staff_events == statements);
  CHECK_THAT(payouts_csv(*e), Catch::StartsWith("period,rep,item,basis,rate,amount,explanation,role,staff\n") &&
                                  Catch::Contains(",,collaboration_bonus,") && Catch::Contains(",warehouse,Hefei/1\n"));
  CHECK_THAT(statements_jsonl(*e), Catch::Contains(R"("role":"warehouse")") && Catch::Contains(R"("staff":"Shanghai/0")"));
  CHECK_THAT(events_csv(*e), Catch::Contains("warehouse:Nanjing/1"));
  // The invariant checker knows staff statements and the on-time KPI.
  const auto problems = check_invariants(*e);
  INFO((problems.empty() ? std::string() : problems.front()));
  CHECK(problems.empty());
}

TEST_CASE("replenishments go to the region's staff in turn; each is due, then on time or late", "[warehouse]") {
  auto e = run(warehouse(false, {{"/clock/days", "150"}, {"/recorder/events", "[]"}}), 1);
  const World& w = e->world();
  std::vector<uint64_t> assigned(w.staff(), 0);
  uint64_t due = 0, late = 0;
  for (const StaffMonth& x : e->recorder().warehouse) {
    assigned[x.staff] += x.assigned;
    due += x.replenishments;
    late += x.late;
    CHECK((x.assigned == 0 || (x.effort >= 0.9f && x.effort <= 1.0f)));
  }
  for (size_t g = 0; g < w.n_regions; ++g) {
    INFO("region " << g);
    const uint64_t a = assigned[2 * g], b = assigned[2 * g + 1];
    CHECK(a + b > 20);
    CHECK((a > b ? a - b : b - a) <= 1);  // round robin
  }
  // Without a bonus at stake staff work at the effort floor (0.9 x reliability ~0.985: about 89% on time).
  CHECK(late > 0);
  CHECK(kpi(*e, "replenishment_on_time_share") == Approx(0.89).margin(0.04));
  CHECK(kpi(*e, "collaboration_bonus") == 0);
  // Day rows and records count the same replenishments.
  uint64_t rows_due = 0;
  for (const DayRow& d : e->recorder().days()) rows_due += d.replenishments_due;
  CHECK(rows_due == due);
}

TEST_CASE("perfectly reliable staff at full effort change nothing but add their pay", "[warehouse]") {
  const std::vector<Override> perfect = {{"/inventory/warehouse/staff_per_region", "3"},
                                         {"/inventory/warehouse/reliability_mean", "1"},
                                         {"/inventory/warehouse/reliability_sd", "0"},
                                         {"/inventory/warehouse/effort_floor", "1"},
                                         {"/recorder/events", "[]"}};
  auto with = run(short_default(75, perfect), 2);
  auto without = run(short_default(75, {{"/recorder/events", "[]"}}), 2);
  CHECK(with->world().staff() == 15);
  CHECK(kpi(*with, "replenishment_on_time_share") == 1.0);
  CHECK(kpi(*with, "warehouse_pay") > 0);
  for (const Kpi& k : without->kpis()) {
    if (k.name == "replenishment_on_time_share" || k.name == "collaboration_bonus" || k.name == "warehouse_pay") continue;
    INFO(k.name);
    const double v = kpi(*with, k.name);
    CHECK(((std::isnan(v) && std::isnan(k.value)) || v == k.value));
  }
}

TEST_CASE("without warehouse staff there are no staff statements and nothing to measure", "[warehouse]") {
  auto e = run(short_default(40, {{"/recorder/events", "[]"},
                                  {"/incentive", R"({"plan_file": "plans/conditional.json"})"}}),
               1);
  CHECK(e->world().staff() == 0);
  for (const auto& st : e->recorder().statements()) CHECK(st.role == Payee::Rep);
  CHECK(e->recorder().warehouse.empty());
  CHECK(std::isnan(kpi(*e, "replenishment_on_time_share")));
  CHECK(kpi(*e, "collaboration_bonus") == 0);
  CHECK(kpi(*e, "warehouse_pay") == 0);
  CHECK(warehouse_csv(*e).find('\n') == warehouse_csv(*e).size() - 1);  // the header only
}

TEST_CASE("results with warehouse staff do not depend on the thread count", "[warehouse][determinism][threads]") {
  const Scenario sc = warehouse(true, {{"/clock/days", "70"}, {"/reps/count", "30"}, {"/recorder/events", "[]"}});
  auto a = run(sc, 1), b = run(sc, 2);
  CHECK(a->state_hash() == b->state_hash());
  CHECK(warehouse_csv(*a) == warehouse_csv(*b));
  CHECK(payouts_csv(*a) == payouts_csv(*b));
}

TEST_CASE("the bonus raises the on-time share and cuts stock-outs where stock turns slowly", "[warehouse][behaviour]") {
  // A year of the slow-turning scenario (stock turns in ~52 days: the rule applies), seed of the file.
  auto on = run(warehouse(true, {{"/recorder/events", R"(["stockout"])"}}), 2);
  auto off = run(warehouse(false, {{"/recorder/events", R"(["stockout"])"}}), 2);
  CHECK(kpi(*off, "inventory_turnover_days") > 45);
  CHECK(kpi(*on, "collaboration_bonus") > 10000);
  CHECK(kpi(*off, "collaboration_bonus") == 0);
  // Over the chain: measured 90.1% -> 94.9% on time and 1.38% -> 1.15% of lines short.
  CHECK(kpi(*on, "replenishment_on_time_share") > kpi(*off, "replenishment_on_time_share") + 0.03);
  CHECK(kpi(*on, "stockout_rate") < 0.93 * kpi(*off, "stockout_rate"));
  CHECK(kpi(*on, "lost_revenue") < kpi(*off, "lost_revenue"));
  // In the region that turned its stock slowest: more on time, fewer short lines.
  const World& w = on->world();
  auto per_region = [&](const Engine& e) {
    std::vector<double> days(w.n_regions, 0), n(w.n_regions, 0), due(w.n_regions, 0), on_time(w.n_regions, 0),
        short_lines(w.n_regions, 0);
    for (const StaffMonth& x : e.recorder().warehouse) {
      const RegionId g = w.staff_region[x.staff];
      if (!std::isnan(x.region_inventory_days)) { days[g] += x.region_inventory_days; n[g] += 1; }
      due[g] += x.replenishments;
      on_time[g] += x.on_time;
    }
    for (const Event& ev : e.recorder().events())
      if (ev.kind == kEvStockout) short_lines[w.acct_region[ev.account]] += 1;
    for (size_t g = 0; g < w.n_regions; ++g) { days[g] /= std::max(1.0, n[g]); on_time[g] /= std::max(1.0, due[g]); }
    return std::tuple{days, on_time, short_lines};
  };
  const auto [days_off, on_time_off, short_off] = per_region(*off);
  const auto [days_on, on_time_on, short_on] = per_region(*on);
  const size_t slowest = size_t(std::max_element(days_off.begin(), days_off.end()) - days_off.begin());
  INFO("slowest region " << slowest << ": " << days_off[slowest] << " days; on time " << on_time_off[slowest] << " -> "
                         << on_time_on[slowest] << "; short lines " << short_off[slowest] << " -> " << short_on[slowest]);
  // Measured: region 2 (Nanjing), 56 days; 94.9% -> 97.1% on time; 9,760 -> 9,230 short lines.
  CHECK(days_off[slowest] > 45);
  CHECK(on_time_on[slowest] > on_time_off[slowest] + 0.01);
  CHECK(short_on[slowest] < 0.97 * short_off[slowest]);
}

TEST_CASE("where stock turns fast the bonus is never at stake and changes nothing", "[warehouse][behaviour]") {
  // scenarios/fmcg-incentives.json turns its stock in ~28 days, below the rule's 45.
  auto with_bonus = [](bool on) {
    return run(load("scenarios/fmcg-incentives.json",
                    {{"/clock/days", "150"}, {"/recorder/events", "[]"}, {"/inventory/warehouse/staff_per_region", "2"},
                     {"/incentive", R"({"plan_file": "plans/conditional.json"})"},
                     {"/incentive/new_product_rule/collaboration_bonus/enabled", on ? "true" : "false"}}),
               2);
  };
  auto on = with_bonus(true), off = with_bonus(false);
  CHECK(kpi(*on, "collaboration_bonus") == 0);
  CHECK(on->state_hash() == off->state_hash());
}

TEST_CASE("bad warehouse and bonus parameters name their JSON pointer", "[warehouse][scenario][errors]") {
  auto only = [](const std::string& text) {
    auto p = problems_of(text);
    INFO(text);
    REQUIRE(p.size() == 1);
    return p[0].str();
  };
  CHECK(only(R"({"inventory": {"warehouse": {"staff_per_region": -1}}})") ==
        "/inventory/warehouse/staff_per_region: must be >= 0, got -1");
  CHECK(only(R"({"inventory": {"warehouse": {"staff_per_region": 1.5}}})") ==
        "/inventory/warehouse/staff_per_region: expected an integer, got 1.5");
  CHECK(only(R"({"inventory": {"warehouse": {"late_days_mean": 0.5}}})") ==
        "/inventory/warehouse/late_days_mean: must be >= 1, got 0.5");
  CHECK(only(R"({"inventory": {"warehouse": {"effort_scale_cny": 0}}})") ==
        "/inventory/warehouse/effort_scale_cny: must be > 0, got 0");
  CHECK(only(R"({"inventory": {"warehouse": {"reliability_mean": 1.2}}})") ==
        "/inventory/warehouse/reliability_mean: must be <= 1, got 1.2");
  CHECK_THAT(only(R"({"inventory": {"warehouse": {"staf_per_region": 2}}})"),
             Catch::StartsWith("/inventory/warehouse/staf_per_region: unknown key") && Catch::Contains("staff_per_region"));
  CHECK(only(R"({"incentive": {"new_product_rule": {"collaboration_bonus": {"on_time_share_above": 95}}}})") ==
        "/incentive/new_product_rule/collaboration_bonus/on_time_share_above: must be <= 1, got 95");
  CHECK(only(R"({"incentive": {"new_product_rule": {"collaboration_bonus": {"amount_cny_month": -500}}}})") ==
        "/incentive/new_product_rule/collaboration_bonus/amount_cny_month: must be >= 0, got -500");
  CHECK(only(R"({"incentive": {"new_product_rule": {"collaboration_bonus": {"enabled": "yes"}}}})") ==
        "/incentive/new_product_rule/collaboration_bonus/enabled: expected a boolean, got \"yes\"");
}
