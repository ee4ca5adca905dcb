// Policy families on hand-computed fixtures: forecasts, commission, rep behaviour, rules, graph.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <set>

#include "helpers.hpp"
#include "models/models.hpp"
#include "models/sku_picker.hpp"
#include "sim/rng.hpp"
#include "sim/simd.hpp"
#include "sim/world.hpp"

using namespace salesim;
using namespace salesim::test;

TEST_CASE("seasonal naive repeats the value one season ago", "[models][forecast]") {
  auto m = models::make_seasonal_naive(*load_scenario_text("{}", "t").scenario);
  std::vector<double> h = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  Rng rng(1, Purpose::Forecast, 0, 0);
  CHECK(m->forecast(h, 4, rng) == 7);   // h[10 - 4]
  CHECK(m->forecast(h, 52, rng) == 10); // less than a season of history: last value
  CHECK(m->forecast(h, 1, rng) == 10);
}

TEST_CASE("exponential smoothing on known series", "[models][forecast]") {
  const std::vector<double> flat(20, 5.0);
  CHECK(models::exponential_smoothing_forecast(flat, 1, 0.3, 0.0, 0.0) == Approx(5.0));
  const std::vector<double> h = {10, 12, 11};
  // alpha = 1: the last value.
  CHECK(models::exponential_smoothing_forecast(h, 1, 1.0, 0.0, 0.0) == Approx(11));
  // alpha = 0.5 by hand: 10 -> 11 -> 11
  CHECK(models::exponential_smoothing_forecast(h, 1, 0.5, 0.0, 0.0) == Approx(11.0));
  // Holt on a straight line extrapolates it.
  std::vector<double> line;
  for (int i = 0; i < 30; ++i) line.push_back(3.0 + 2.0 * i);
  CHECK(models::exponential_smoothing_forecast(line, 1, 0.8, 0.8, 0.0) == Approx(63.0).margin(0.05));
  // Additive Holt-Winters on a pure seasonal pattern forecasts the next phase.
  std::vector<double> seasonal;
  const double pattern[4] = {10, 20, 30, 20};
  for (int i = 0; i < 12; ++i) seasonal.push_back(pattern[i % 4]);
  CHECK(models::exponential_smoothing_forecast(seasonal, 4, 0.3, 0.0, 0.3) == Approx(10.0).margin(1e-9));
  seasonal.push_back(10);
  CHECK(models::exponential_smoothing_forecast(seasonal, 4, 0.3, 0.0, 0.3) == Approx(20.0).margin(1e-9));
}

TEST_CASE("rep-submitted forecasts are biased and noisy as parameterised", "[models][forecast]") {
  auto sc = load_scenario_text(R"({"forecast": {"model": "rep_submitted", "optimism_bias": 0.2, "noise": 0.3}})", "t");
  REQUIRE(sc.ok());
  auto m = models::make_rep_submitted(*sc.scenario);
  const std::vector<double> h = {90, 110, 100, 100};  // anchor: mean of the last 4 = 100
  double sum = 0, sum_abs = 0;
  const int n = 40000;
  for (int i = 0; i < n; ++i) {
    Rng rng(5, Purpose::Forecast, uint64_t(i), 0);
    const double f = m->forecast(h, 52, rng);
    sum += f;
    sum_abs += std::abs(f - 100) / 100;
  }
  CHECK(sum / n == Approx(120).epsilon(0.01));
  CHECK(sum_abs / n > 0.2);
}

TEST_CASE("the decision graph: influence, uncontacted contacts, journey, org", "[models][graph]") {
  auto sc = load_scenario_text(R"({
    "reps": {"count": 4}, "pods": {"size": 2}, "accounts": {"per_rep": 3},
    "regions": [{"name": "N"}, {"name": "S"}],
    "roles": [{"name": "owner", "influence_weight": 0.9, "presence": 1},
              {"name": "manager", "influence_weight": 0.6, "presence": 1},
              {"name": "clerk", "influence_weight": 0.3, "presence": 1}],
    "influence_edges": [{"from": "clerk", "to": "owner", "weight": 1.0}]})", "t");
  REQUIRE(sc.ok());
  World w = build_world(*sc.scenario, 1);
  CHECK(w.accounts() == 12);
  CHECK(w.contacts() == 36);
  // clerk: 0.3 + 1.0 x 0.9 = 1.2 beats owner 0.9 and manager 0.6.
  const AccountId a = 5;
  const uint32_t b = w.acct_contact_begin[a];
  CHECK(w.contact_influence[b] == Approx(1.2f));
  CHECK(w.contact_role[b] == 2);
  CHECK(w.contact_role[b + 1] == 0);
  CHECK(w.contact_role[b + 2] == 1);
  // The graph was rebuilt on the sorted ids: the clerk's edge points at the owner.
  auto [e, end] = boost::out_edges(b, w.graph.influence);
  REQUIRE(e != end);
  CHECK(boost::target(*e, w.graph.influence) == b + 1);
  // Most influential uncontacted: the clerk, then the owner once the clerk was touched recently.
  CHECK(w.most_influential_uncontacted(a, 100, 18) == b);
  w.contact_last_touch[b] = 95;
  CHECK(w.most_influential_uncontacted(a, 100, 18) == b + 1);
  CHECK(w.most_influential_uncontacted(a, 200, 18) == b);  // the touch is older than the window
  // Journey graph.
  CHECK(w.graph.journey_allows(kNegotiating, kTrial));
  CHECK(w.graph.journey_allows(kRepeat, kEvaluating));
  CHECK_FALSE(w.graph.journey_allows(kUnaware, kRepeat));
  CHECK_FALSE(w.graph.journey_allows(kTrial, kNegotiating));
  // Org graph: 4 reps in pods of 2 over 2 regions.
  CHECK(w.pods() == 2);
  CHECK(w.graph.pod_of_rep(3) == w.rep_pod[3]);
  CHECK(w.graph.region_of_pod(1) == w.pod_region[1]);
  CHECK(w.rep_account_begin.back() == 12);
}

TEST_CASE("count-based reps walk their route and fill their budget", "[models][behaviour]") {
  const Scenario sc = short_default(10);
  World w = build_world(sc, sc.seed);
  Signals sig = generate_signals(sc, w.n_regions, 10, sc.seed);
  auto b = models::make_count_based(sc);
  b->init(w);
  PlanContext ctx{sc, w, sig, 2, 0, 6, sc.seed};
  std::vector<TouchPlan> plan;
  b->plan(ctx, 0, 6.8, plan);
  CHECK(plan.size() == 6);
  std::set<AccountId> seen;
  for (int k = 0; k < 20; ++k) {
    for (const auto& p : plan) {
      CHECK(w.acct_rep[p.account] == 0);
      seen.insert(p.account);
    }
    plan.clear();
    b->plan(ctx, 0, 6.0, plan);
  }
  CHECK(seen.size() == w.rep_account_begin[1] - w.rep_account_begin[0]);  // the whole book
}

TEST_CASE("value-based reps go first to neglected customers and trials", "[models][behaviour]") {
  const Scenario sc = short_default(10, {{"/rep_behaviour", R"({"model": "value_based"})"}});
  World w = build_world(sc, sc.seed);
  Signals sig = generate_signals(sc, w.n_regions, 10, sc.seed);
  auto b = models::make_value_based(sc);
  const Tick now = 60 * 6;
  for (AccountId a = w.rep_account_begin[0]; a < w.rep_account_begin[1]; ++a) {
    w.stage[a] = kRepeat;
    w.last_valid_visit[a] = w.last_visit[a] = now - 6;  // everyone visited yesterday
  }
  const AccountId neglected = w.rep_account_begin[0] + 5, trial = w.rep_account_begin[0] + 9;
  w.last_valid_visit[neglected] = w.last_visit[neglected] = now - 100 * 6;  // risk e^(0.5*86/30)-1 > trial weight
  w.stage[trial] = kTrial;
  w.last_visit[trial] = now - 5 * 6;
  PlanContext ctx{sc, w, sig, now, 60, 6, sc.seed};
  std::vector<TouchPlan> plan;
  b->plan(ctx, 0, 2.0, plan);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].account == neglected);
  CHECK(plan[0].action == kNeedsDiscovery);
  CHECK(plan[1].account == trial);
  CHECK(plan[0].contact == w.acct_contact_begin[neglected]);  // the most influential contact
}

TEST_CASE("a threshold rule fires exactly when its conditions hold", "[models][interventions]") {
  const Scenario sc = short_default(10, {{"/interventions/rules", R"([
     {"name": "quiet", "when": [{"metric": "days_since_order", "op": ">", "value": 10},
                                {"metric": "days_since_valid_visit", "op": ">=", "value": 5}],
      "then": {"action": "merchandising", "cooldown_days": 3}}])"}});
  World w = build_world(sc, sc.seed);
  Signals sig = generate_signals(sc, w.n_regions, 10, sc.seed);
  auto policy = models::make_threshold_rules(sc);
  policy->init(w);
  const Tick tpd = 6, now = 30 * tpd;
  for (AccountId a = 0; a < w.accounts(); ++a) {
    w.stage[a] = kRepeat;
    w.last_order[a] = now;
    w.last_valid_visit[a] = now;
  }
  w.last_order[3] = now - 11 * tpd;        // both hold
  w.last_valid_visit[3] = now - 5 * tpd;
  w.last_order[4] = now - 10 * tpd;        // exactly 10 days: not > 10
  w.last_valid_visit[4] = now - 9 * tpd;
  w.last_order[5] = now - 20 * tpd;        // only the first holds
  w.last_valid_visit[5] = now - 4 * tpd;
  w.last_order[6] = now - 20 * tpd;        // a prospect: days_since_order does not apply
  w.last_valid_visit[6] = now - 20 * tpd;
  w.stage[6] = kEngaged;
  std::vector<double> wow(w.n_regions, 0.0);
  std::vector<Suggestion> out;
  policy->daily({sc, w, sig, now, 30, wow, {}, {}, {}}, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].account == 3);
  CHECK(out[0].rep == w.acct_rep[3]);
  CHECK(out[0].action == kMerchandising);
  // A day later accounts 4 and 5 cross their thresholds; 3 is in its 3-day cooldown.
  out.clear();
  policy->daily({sc, w, sig, now + tpd, 31, wow, {}, {}, {}}, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].account == 4);
  CHECK(out[1].account == 5);
  out.clear();
  policy->daily({sc, w, sig, now + 3 * tpd, 33, wow, {}, {}, {}}, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].account == 3);  // its cooldown is over; 4 and 5 are still in theirs
}

TEST_CASE("baskets have at least one line and the expected size", "[models][demand]") {
  const Scenario sc = short_default(10);
  World w = build_world(sc, sc.seed);
  auto d = models::make_seasonal_poisson(sc);
  double units = 0, expected = 0;
  const int n = 20000;
  std::vector<OrderLine> lines;
  for (int i = 0; i < n; ++i) {
    lines.clear();
    Rng rng(1, Purpose::Basket, uint64_t(i), 0);
    d->basket(w, 0, rng, lines);
    REQUIRE(!lines.empty());
    for (const auto& l : lines) {
      REQUIRE(l.qty >= 1);
      REQUIRE(l.sku < w.n_skus);
      units += l.qty;
    }
  }
  for (SkuId k = 0; k < w.n_skus; ++k) expected += d->expected_units_per_order(w, k);
  CHECK(units / n == Approx(expected).epsilon(0.02));
  CHECK(expected == Approx(2.5 * 2.8));
}

TEST_CASE("basket draws are exactly Poisson inversion and a binary search over SKU popularity", "[models][demand]") {
  // The basket takes shortcuts (guide tables over the CDFs, models/sku_picker.hpp for the SKU); each
  // must give the index the textbook draw gives from the same stream. Each SKU path is checked at
  // every edge in the next test.
  Scenario sc = short_default(10);
  const auto n_skus = GENERATE(size_t(0), size_t(80));  // 0: the scenario's own 18 SKUs; 80 more
  if (n_skus > 0) {
    const auto base = sc.skus;
    sc.skus.clear();
    for (size_t k = 0; k < n_skus; ++k) {
      auto sku = base[k % base.size()];
      sku.name += " #" + std::to_string(k);
      sku.popularity = 0.2 + double((k * 37) % 11);
      sc.skus.push_back(sku);
    }
  }
  World w = build_world(sc, sc.seed);
  auto d = models::make_seasonal_poisson(sc);
  d->init(w);
  const double lines_mean = double(sc.demand.params["lines_per_order"]) - 1.0;
  const double qty_mean = double(sc.demand.params["qty_per_line"]) - 1.0;
  const double* cum = w.sku_cum_popularity.data();
  std::vector<OrderLine> got;
  size_t lines = 0;
  for (int i = 0; i < 50000; ++i) {
    got.clear();
    Rng r1(7, Purpose::Basket, uint64_t(i), 0), r2(7, Purpose::Basket, uint64_t(i), 0);
    d->basket(w, 0, r1, got);
    const uint32_t n = 1 + r2.poisson(lines_mean);
    REQUIRE(got.size() == n);
    for (uint32_t k = 0; k < n; ++k) {
      const size_t sku = std::min<size_t>(w.n_skus - 1, size_t(std::upper_bound(cum, cum + w.n_skus, r2.uniform()) - cum));
      REQUIRE(got[k].sku == sku);
      REQUIRE(got[k].qty == 1 + r2.poisson(qty_mean));
    }
    lines += n;
  }
  CHECK(lines > 100000);
}

TEST_CASE("the SKU picker gives upper_bound's index on every path, at every edge", "[models][demand]") {
  // Catalogues by popularity; each selects one of the picker's paths (models/sku_picker.hpp).
  struct Case { const char* name; std::vector<double> popularity; models::SkuPicker::Path path; };
  using P = models::SkuPicker::Path;
  std::vector<Case> cases = {
      {"bench-large's 18 SKUs", {3, 2, 2.2, 1.2, 1.6, 1.4, 2.6, 1.8, 2, 1, 1, 0.6, 1.2, 0.8, 0.6, 0.5, 0.8, 1.4}, P::Fine},
      {"one SKU", {1}, P::Fine},
      // Two entries inside one cell of 1 / 4096, far apart within it: the second compare decides.
      {"two entries in a cell", {600, 0.2, 400}, P::Fine},  // 0.59988 and 0.60008 in [0.59985, 0.60010)
      {"a zero-popularity SKU (two equal entries in a cell)", {5, 0, 4}, P::Fine},
      {"four entries in a cell, small catalogue", {10, 0.0003, 0.0003, 0.0003, 9}, P::Count},
  };
  std::vector<double> big(80, 1.0);
  big[40] = big[41] = big[42] = 0.00001;
  cases.push_back({"three entries in a cell, 80 SKUs", big, P::Guide});
  std::vector<double> many(20000);
  for (size_t k = 0; k < many.size(); ++k) many[k] = 0.5 + double((k * 37) % 11);
  cases.push_back({"20,000 SKUs", many, P::Guide});
  for (const Case& c : cases) {
    INFO(c.name);
    std::vector<double> cum;
    double total = 0, run = 0;
    for (double p : c.popularity) total += p;
    for (double p : c.popularity) cum.push_back((run += p) / total);
    cum.back() = 1.0;  // as build_world sets it
    const size_t n = cum.size();
    const models::SkuPicker pick(cum.data(), n);
    CHECK(pick.path() == c.path);
    const auto expect = [&](double u) { return std::min(n - 1, size_t(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin())); };
    std::vector<double> us = {0.0, std::nextafter(1.0, 0.0)};
    for (double x : cum)  // every entry and its neighbours
      for (double u : {std::nextafter(x, 0.0), x, std::nextafter(x, 2.0)}) us.push_back(u);
    for (size_t j = 1; j < models::SkuPicker::kFine; ++j) {  // every cell edge of both guides
      const double e = double(j) / double(models::SkuPicker::kFine);
      us.push_back(e);
      us.push_back(std::nextafter(e, 0.0));
    }
    Rng rng(11, Purpose::Basket, 0, 0);
    for (int i = 0; i < 100000; ++i) us.push_back(rng.uniform());
    size_t wrong = 0;
    for (double u : us)
      if (u >= 0 && u < 1 && pick(u) != expect(u)) ++wrong;
    CHECK(wrong == 0);
  }
}

// IncentiveDriven's candidate pass has a baseline and an AVX-512 form (sim/simd.hpp); both must give
// the same touches, also for accounts beyond its tables (not visited for more than 400 days).
TEST_CASE("incentive-driven plans are the same on both forms of the candidate pass", "[models][behaviour][simd]") {
  const Scenario sc = load("scenarios/bench-large.json", {{"/reps/count", "4"}, {"/accounts/per_rep", "300"}});
  World w = build_world(sc, sc.seed);
  Signals sig = generate_signals(sc, w.n_regions, 10, sc.seed);
  auto b = models::make_incentive_driven(sc);
  b->init(w);
  const Tick tpd = sc.clock.ticks_per_day(), now = 500 * tpd;
  Rng rng(3, Purpose::WorldBuild, 0, 0);
  size_t beyond = 0;
  for (AccountId a = 0; a < w.accounts(); ++a) {
    w.stage[a] = uint8_t(rng.below(kStages));
    w.adopted[a] = uint8_t(rng.below(2));
    const bool long_ago = rng.uniform() < 0.1;
    beyond += long_ago;
    w.last_visit[a] = long_ago ? kNever : now - Tick(rng.below(40 * uint32_t(tpd)));
    w.last_valid_visit[a] = long_ago || rng.uniform() < 0.1 ? kNever : now - Tick(rng.below(120 * uint32_t(tpd)));
  }
  REQUIRE(beyond > 50);
  const std::vector<PlanSignals> pay{{0.05, 300, 150, 0.02, 0}, {0.0, 0, 0, 0, 0}, {0.2, 0, 500, 0, 0}, {0.01, 1000, 0, 0.1, 0}};
  const bool vector_here = simd::v4();
  INFO("AVX-512 form available here: " << vector_here);
  for (const Tick t : {now, now + 1, now + 3 * tpd}) {
    PlanContext ctx{sc, w, sig, t, int(t / tpd), tpd, sc.seed, pay.data()};
    for (RepId r = 0; r < 4; ++r)
      for (const double budget : {0.5, 3.0, 6.8, 40.0}) {
        std::vector<TouchPlan> base, best;
        simd::allow_v4(false);
        b->plan(ctx, r, budget, base);
        simd::allow_v4(true);
        b->plan(ctx, r, budget, best);
        REQUIRE(base.size() == best.size());
        for (size_t i = 0; i < base.size(); ++i) {
          CHECK(base[i].account == best[i].account);
          CHECK(base[i].contact == best[i].contact);
          CHECK(base[i].action == best[i].action);
        }
      }
  }
  simd::allow_v4(true);
}
