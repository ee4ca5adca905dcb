// Engine::step and its phases. The physics of a touch, an order and a day live here; the choices
// (whom to visit, what to forecast, how to pay) come from the policies. docs/model.md
#include "sim/engine.hpp"

#include "sim/account_scans.hpp"
#include "sim/attribution.hpp"
#include "sim/engine_impl.hpp"
#include "sim/exact_math.hpp"
#include "sim/parallel.hpp"
#include "sim/rng_batch.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <deque>
#include <limits>
#include <fmt/format.h>
#include <numeric>
#include <omp.h>
#include <xxhash.h>

namespace salesim {

// Whether a plan reads the six-month retention of new customers (its cohort scan is skipped if not).
static bool uses_retention(const IncentivePlan& plan) {
  for (PlanVar v : plan.uses())
    if (v == kVarNewCustomerRetention) return true;
  return false;
}

namespace {

std::string period_label(const Date& d) { return fmt::format("{:04}-{:02}", d.year, d.month); }

}  // namespace

Signals generate_signals(const Scenario& sc, size_t regions, int days, uint64_t seed) {
  Signals s;
  s.regions = regions;
  s.weather.assign(size_t(days) * regions, 0.f);
  s.promo_depth.assign(size_t(days) * regions, 0.f);
  const auto& p = sc.signals;
  const double innov = p.weather_volatility * std::sqrt(std::max(0.0, 1.0 - p.weather_persistence * p.weather_persistence));
  for (size_t g = 0; g < regions; ++g) {
    double w = Rng(seed, Purpose::Signals, g, -1).normal(0.0, p.weather_volatility);
    int promo_left = 0;
    double depth = 0;
    for (int d = 0; d < days; ++d) {
      Rng rng(seed, Purpose::Signals, g, d);
      w = p.weather_persistence * w + innov * rng.normal();
      if (promo_left == 0 && rng.bernoulli(p.competitor_promos_per_year / 365.0)) {
        promo_left = p.competitor_promo_days;
        depth = rng.uniform(p.competitor_depth_min, p.competitor_depth_max);
      }
      s.weather[size_t(d) * regions + g] = float(w);
      if (promo_left > 0) {
        s.promo_depth[size_t(d) * regions + g] = float(depth);
        --promo_left;
      }
    }
  }
  return s;
}


Engine::Engine(const Scenario& sc, PolicySet policies, EngineOptions opt)
    : sc_(sc), pol_(std::move(policies)), seed_(opt.seed.value_or(sc.seed)),
      threads_(opt.threads > 0 ? opt.threads : omp_get_max_threads()), eager_signals_(opt.eager_signals),
      w_(build_world(sc_, seed_)),
      m_(std::make_unique<Impl>()) {
  sig_ = generate_signals(sc_, w_.n_regions, clock().days(), seed_);
  rec_.init(clock().days(), sc_.event_mask);
  m_->cohort.assign(w_.accounts(), 0);
  pol_.demand->init(w_);
  pol_.behaviour->init(w_);
  pol_.interventions->init(w_);
  Impl& m = *m_;
  const size_t R = w_.reps(), A = w_.accounts(), S = w_.n_regions * w_.n_skus;
  m.budget.assign(R, 0.0);
  m.overload.assign(R, 1.0);
  m.period.assign(R, {});
  m.tasks.assign(R, {});
  m.suggestion_window.assign(R, std::vector<uint32_t>(size_t(sc_.circuit_breaker.window_days), 0));
  m.rep_out.assign(R, {});
  m.effort.assign(R, 1.0);
  m.incentives.assign(R, {});
  m.last_vars.assign(R, {});
  m.last_total.assign(R, 0.0);
  m.last_base.assign(R, 0.0);
  m.has_last.assign(R, 0);
  m.first_order_tick.assign(A, kNever);
  for (auto& month : m.rev_months) month.assign(A, 0.f);
  m.categories.assign(A, 0);
  m.region_inventory_sum.assign(w_.n_regions, 0.0);
  m.region_cogs_sum.assign(w_.n_regions, 0.0);
  // Warehouse staff (docs/model.md#warehouse); empty without them. Sized before the first
  // recompute_incentives, which sets their effort.
  const size_t K = w_.staff();
  m.staff_effort.assign(K, sc_.inventory.warehouse.effort_floor);
  m.staff_period.assign(K, {});
  m.staff_next.assign(w_.n_regions, 0);
  m.region_last_inventory_days.assign(w_.n_regions, std::nan(""));
  m.staff_last_vars.assign(K, {});
  m.staff_last_total.assign(K, 0.0);
  m.staff_last_base.assign(K, 0.0);
  rec_.rep_pay.assign(R, 0.0);
  rec_.rep_revenue.assign(R, 0.0);
  m.recompute_every = std::max<Tick>(1, Tick(std::llround(pol_.incentive->recompute_hours() / clock().tick_hours())));
  m.plan_uses_retention = uses_retention(*pol_.incentive);
  build_tables();
  recompute_incentives();
  m.order_hazard.assign(A, 0.f);
  m.order_target.resize(A);
  for (AccountId a = 0; a < A; ++a) m.order_target[a] = float(Rng(seed_, Purpose::Order, a, -1).exponential(1.0));
  m.trial_start.assign(A, kNever);
  m.region_rate.assign(w_.n_regions, 0);
  m.promo_loss.assign(w_.n_regions, 0);
  m.region_units_today.assign(w_.n_regions, 0);
  m.region_units_ring.assign(w_.n_regions, {});
  m.region_wow.assign(w_.n_regions, 0);
  m.region_units_daily.assign(size_t(clock().days()) * w_.n_regions, 0.0);
  m.region_first_orders_daily.assign(size_t(clock().days()) * w_.n_regions, 0);
  m.stock_cover.assign(S, 0.0);
  m.value_amount.assign(A, {});
  m.value_tick.assign(A, {});
  for (auto& v : m.value_tick) v.fill(kNever);
  m.engaged_at.assign(A, kNever);
  m.card_raised.assign(A, kNever);
  m.card_answer.assign(A, kNever);
  m.card_topic.assign(A, 0);
  m.card_contact.assign(A, 0);
  m.card_reused.assign(A, 0);
  m.pod_topic_known.assign(w_.pods(), std::vector<uint8_t>(size_t(sc_.pods.card_topics), 0));
  m.pod_queue.assign(w_.pods() * 3, {});
  m.pod_capacity_left.assign(w_.pods() * 3, 0.0);
  m.discount_pending.assign(A, 0.f);
  m.discount_ready.assign(A, kNever);
  m.poached_by.assign(A, kNone);
  m.poached_until.assign(A, kNever);
  m.rebuild_order_flags(w_);
  rec_.pods.assign(w_.pods(), {});
  for (RepId r = 0; r < R; ++r) ++rec_.pods[w_.rep_pod[r]].members;
  for (PodId p = 0; p < w_.pods(); ++p) rec_.pods[p].specialists = w_.pod_specialists[p];

  // Expected demand per series from the scenario (docs/model.md#inventory): the forecasters' prior
  // history and the initial stock.
  std::vector<double> mean_rate(w_.n_regions, 0.0);
  const int prior_days = std::min(28, clock().days());
  for (int d = 0; d < prior_days; ++d) {
    pol_.demand->daily_rates(w_, clock(), sig_, d, m.region_rate, m.promo_loss);
    for (size_t g = 0; g < w_.n_regions; ++g) mean_rate[g] += m.region_rate[g] / prior_days;
  }
  std::vector<double> size_in_region(w_.n_regions, 0.0);
  for (AccountId a = 0; a < A; ++a)
    if (is_customer(w_.stage[a])) size_in_region[w_.acct_region[a]] += w_.acct_size[a];
  const int bd = int(sc_.forecast.params["bucket_days"]);
  m.history.assign(S, {});
  m.bucket_demand.assign(S, 0);
  m.current_forecast.assign(S, 0);
  m.err_var.assign(S, 0);
  m.has_forecast.assign(S, false);
  m.on_order.assign(S, 0);
  m.arrivals.assign(size_t(clock().days() + sc_.inventory.lead_days + 1), std::vector<double>());
  m.staff_due.assign(K > 0 ? m.arrivals.size() : 0, std::vector<uint32_t>());
  for (size_t g = 0; g < w_.n_regions; ++g)
    for (SkuId k = 0; k < w_.n_skus; ++k) {
      const size_t s = g * w_.n_skus + k;
      const double daily = mean_rate[g] * size_in_region[g] * pol_.demand->expected_units_per_order(w_, k);
      m.history[s].assign(4, daily * bd);
      m.err_var[s] = std::pow(0.25 * daily * bd, 2);
      w_.stock[s] = std::floor(daily * sc_.inventory.initial_cover_days);
    }
}

Engine::~Engine() = default;

void Engine::run(const std::function<void(Tick, Tick)>& progress) {
  const Tick total = clock().ticks();
  const Tick every = std::max<Tick>(1, total / 100);
  while (!done()) {
    step();
    if (progress && (tick_ % every == 0 || done())) progress(tick_, total);
  }
}

void Engine::step() {
  assert(!done());
  const Tick t = tick_;
  const int tpd = clock().ticks_per_day();
  const int day = clock().day_of(t);
  // Each phase's wall time is added to phase_seconds_ (a clock read per phase: negligible).
  auto clock_start = std::chrono::steady_clock::now();
  const auto timed = [&](Phase p, auto&& phase) {
    phase();
    const auto now = std::chrono::steady_clock::now();
    phase_seconds_[p] += std::chrono::duration<double>(now - clock_start).count();
    clock_start = now;
  };
  if (t % tpd == 0) timed(kPhaseDayStart, [&] { begin_day(day); });
  // Signals are read by reps at work (rep_phase, after this) and by poaching at the next day's start
  // (begin_day runs before this, so it reads the signals of the day's last tick). A plan recomputed
  // every tick need not be recomputed at a tick whose signals nobody reads: the next reader's tick
  // recomputes from its own state, exactly as before (docs/performance.md).
  if (t >= m_->next_recompute &&
      (eager_signals_ || m_->recompute_every > 1 || (t + 1) % tpd == 0 || clock().work_fraction(t) > 0))
    timed(kPhaseSignals, [&] { recompute_incentives(); });
  timed(kPhaseSupport, [&] { support_phase(t, day); });
  if (clock().work_fraction(t) > 0) timed(kPhaseReps, [&] { rep_phase(t, day); });
  timed(kPhaseOrders, [&] { account_order_phase(t, day); });
  timed(kPhaseFulfil, [&] { fulfil(t, day); });
  if ((t + 1) % tpd == 0) timed(kPhaseDayEnd, [&] { end_day(day); });
  ++tick_;
  if (done()) timed(kPhaseFinalPay, [&] { pay(day, true); });
}

// ---- day boundaries ----------------------------------------------------------------------------

// Tables of what the scenario fixes (docs/performance.md).
void Engine::build_tables() {
  // The churn hazard of a repeat customer not validly visited for dt ticks: base, raised by neglect
  // only past service_days (exp(0) = 1: no call needed, the same value). docs/model.md#churn
  const double tpd = clock().ticks_per_day();
  m_->churn_base = TickTable(Tick(400 * tpd), [C = sc_.churn, tpd](Tick dt) {
    const double since_valid = double(dt) / tpd;
    const double overdue = std::max(0.0, since_valid - C.service_days);
    return C.base_per_day * (overdue > 0 ? std::exp(C.neglect_per_month * overdue / 30.0) : 1.0);
  });
}

void Engine::begin_day(int day) {
  Impl& m = *m_;
  const Date date = clock().date_of_day(day);
  if (day > 0 && date.day == 1) pay(day, false);
  // Stock that arrives today.
  if (size_t(day) < m.arrivals.size() && !m.arrivals[size_t(day)].empty()) {
    for (size_t s = 0; s < w_.stock.size(); ++s) {
      w_.stock[s] += m.arrivals[size_t(day)][s];
      m.on_order[s] -= m.arrivals[size_t(day)][s];
    }
    std::vector<double>().swap(m.arrivals[size_t(day)]);
  }
  const int bd = int(sc_.forecast.params["bucket_days"]);
  if (day % bd == 0 || day % sc_.inventory.review_days == 0) forecast_and_replenish(day);
  pol_.demand->daily_rates(w_, clock(), sig_, day, m.region_rate, m.promo_loss);
  for (double& b : m.budget) b = std::min(b, 1.0);  // unused capacity does not pile up
  for (size_t k = 0; k < m.pod_capacity_left.size(); ++k) {  // specialists' capacity today
    const auto& P = sc_.pods;
    const int have = k % 3 == 0 ? P.presales : k % 3 == 1 ? P.customer_success : P.analyst;
    m.pod_capacity_left[k] = P.agile ? have * P.specialist_capacity_per_day : 0.0;
  }
  for (size_t k = 0; k < 3; ++k) {  // a hierarchy's central departments: the same headcount, pooled
    const auto& P = sc_.pods;
    const int have = k == 0 ? P.presales : k == 1 ? P.customer_success : P.analyst;
    m.central_capacity_left[k] = double(w_.pods()) * have * P.specialist_capacity_per_day;
  }

  // Accounts, in parallel: self-directed journey, trial expiry, churn. docs/model.md#journey
  const Tick t = Tick(day) * clock().ticks_per_day();
  const auto& J = sc_.journey;
  const auto& C = sc_.churn;
  const uint8_t lapse_to = uint8_t(J.lapse_to_stage - 1);
  const Tick trial_ticks = Tick(J.trial_window_days) * clock().ticks_per_day();
  const Tick stockout_ticks = Tick(C.stockout_memory_days) * clock().ticks_per_day();
  const long A = long(w_.accounts());
  std::vector<double> promo_churn(w_.n_regions);  // the promotion term of the churn hazard, per region
  for (RegionId g = 0; g < w_.n_regions; ++g) promo_churn[g] = C.promo_sensitivity * sig_.promo_at(day, g);
  // Each thread lists the changes it makes; read in order, they are the day's changes in account
  // order at any thread count (sim/parallel.hpp). Per block of accounts: first each account's draw
  // for the day (a branch-free loop of integer hashing the CPU overlaps across accounts), then the
  // stage each moves to (sim/account_scans.hpp: vectorised where the CPU allows), then what the few
  // moves change.
  constexpr long kBlock = 256;
  const RngStream journey(seed_, Purpose::Journey);
  const JourneyDay jd{t, J.self_progress_per_day, J.inbound_per_day, trial_ticks, lapse_to, stockout_ticks,
                      C.stockout_multiplier, sc_.reps.poach_churn_multiplier, promo_churn.data(), &m.churn_base,
                      w_.stage.data(), w_.stage_since.data(), w_.last_valid_visit.data(), w_.last_stockout.data(),
                      m.poached_until.data(), w_.acct_region.data(), w_.acct_price_sens.data()};
  ordered_block_scan(A, threads_, kBlock, m.change_chunks, [&](long lo, long hi, std::vector<DayChange>& changes) {
    double draw[kBlock];  // journey.at(a, day).uniform() for each account a of the block
    RngBatch::first_uniforms(journey, uint64_t(lo), day, size_t(hi - lo), draw);
    uint8_t moves[kBlock];  // the stage each account moves to (its own if it stays)
    journey_moves(jd, size_t(lo), size_t(hi - lo), draw, moves);
    for (long ai = lo; ai < hi; ++ai) {
      const AccountId a = AccountId(ai);
      const uint8_t st = w_.stage[a];
      const uint8_t to = moves[ai - lo];
      if (to != st) {
        assert(w_.graph.journey_allows(st, to));
        w_.stage[a] = to;
        w_.stage_since[a] = t;
        w_.adopted[a] = 0;
        if (to == lapse_to) w_.last_lapse[a] = t;
        // What the change does to the account itself is done here, in parallel; what it adds to
        // shared counters (the day's, the rep's, the pod's) follows in account order below.
        DayChange c{a, w_.acct_rep[a], st, to};
        if (st == kRepeat) c.clawback = double(m.rev_months[0][a]) + m.rev_months[1][a] + m.rev_months[2][a];
        if (st == kTrial) m.trial_start[a] = kNever;
        if (to == kEngaged) m.engaged_at[a] = t;
        if (to == kTrial) w_.adopted[a] = Rng(seed_, Purpose::Trial, a, t).uniform() < J.adopt_at_first_order;
        changes.push_back(c);
      }
    }
  });
  DayRow& row = rec_.day(day);
  for_each_in_order(m.change_chunks, [&](const DayChange& change) {
    const AccountId a = change.account;
    const uint8_t from = change.from, to = change.to;
    if (from == kRepeat) {
      ++row.churned;
      RepPeriodStats& ps = m.period[change.rep];
      ++ps.churned_customers;
      ps.clawback_base += change.clawback;
    }
    if (from == kTrial) ++row.trial_lapsed;
    if (to == kEngaged) {
      ++row.engaged;
      ++rec_.pods[w_.rep_pod[change.rep]].engaged;
    }
    if (to == kTrial) m.pending.push_back(PendingOrder(w_, a, true, true));  // the prospect placed its first order by itself
    rec_.event({t, kEvStage, from, to, change.rep, a, 0, 0});
  });
  for (auto& c : m.change_chunks) c.clear();
  credit_day(t, day);
  measure_outcomes(day, false);
  interventions(t, day);
  poaching(t, day);
  staff_due_today(day);  // last: today's replenishments (with zero lead time too) are all placed
}

void Engine::end_day(int day) {
  Impl& m = *m_;
  DayRow& row = rec_.day(day);
  double inv = 0;
  for (size_t s = 0; s < w_.stock.size(); ++s) inv += w_.stock[s] * w_.sku_cost[s % w_.n_skus];
  row.inventory_value = inv;
  for (size_t s = 0; s < w_.stock.size(); ++s)
    m.region_inventory_sum[s / w_.n_skus] += w_.stock[s] * w_.sku_cost[s % w_.n_skus];
  ++m.period_days;
  // Pods' specialists are paid every day of the month (docs/pods.md#kpis).
  double specialists = 0;
  for (uint32_t n : w_.pod_specialists) specialists += n;
  rec_.specialist_cost += specialists * sc_.pods.specialist_cost_month * 12.0 / 365.25;
  if (day + 1 == clock().days()) measure_outcomes(day + 1, true);
  // Active customers: ordered within the last 30 days (docs/model.md#kpis).
  const Tick now = Tick(day + 1) * clock().ticks_per_day();
  const Tick window30 = Tick(30) * clock().ticks_per_day();
  uint32_t customers = 0;
  const Tick* last_order = w_.last_order.data();
  const long A = long(w_.accounts());
#pragma omp parallel for schedule(static) num_threads(threads_) reduction(+ : customers) if (A >= 65536)
  for (long a = 0; a < A; ++a) customers += now - last_order[a] <= window30;
  row.customers = customers;
  // Retention cohorts: repeat customers every 30 days, checked 182 days later (docs/model.md#kpis).
  if (day % 30 == 0 && day + 182 < clock().days() && day / 30 < 8) {
    const uint8_t bit = uint8_t(1u << (day / 30));
    for (AccountId a = 0; a < w_.accounts(); ++a)
      if (w_.stage[a] == kRepeat) m.cohort[a] |= bit;
  }
  if (day >= 182 && (day - 182) % 30 == 0 && (day - 182) / 30 < 8) {
    const int c = (day - 182) / 30;
    const Tick cohort_tick = Tick(c * 30 + 1) * clock().ticks_per_day();  // cohort taken at the end of day 30c
    for (AccountId a = 0; a < w_.accounts(); ++a)
      if (m.cohort[a] >> c & 1u) {
        ++rec_.retention_cohort;
        rec_.retention_kept += w_.last_lapse[a] < cohort_tick;
      }
  }
  // Week-on-week change of each region's demand, for intervention rules.
  for (size_t g = 0; g < w_.n_regions; ++g) {
    auto& ring = m.region_units_ring[g];
    ring[size_t(day) % 14] = m.region_units_today[g];
    m.region_units_daily[size_t(day) * w_.n_regions + g] = m.region_units_today[g];
    m.region_units_today[g] = 0;
    if (day >= 13) {
      double last = 0, prev = 0;
      for (int k = 0; k < 7; ++k) {
        last += ring[size_t(day - k) % 14];
        prev += ring[size_t(day - 7 - k) % 14];
      }
      m.region_wow[g] = prev > 0 ? 100.0 * (last - prev) / prev : 0.0;
    }
  }
}

// ---- forecasting and replenishment (docs/model.md#forecast, #inventory) ------------------------

void Engine::forecast_and_replenish(int day) {
  Impl& m = *m_;
  const auto& F = sc_.forecast.params;
  const int bd = F["bucket_days"], season = F["season_buckets"], burn_in = F["score_after_buckets"];
  const size_t S = w_.stock.size();
  DayRow& row = rec_.day(day);
  if (day % bd == 0) {
    if (day > 0) {
      for (size_t s = 0; s < S; ++s) {
        const double actual = m.bucket_demand[s];
        if (m.has_forecast[s]) {
          row.forecast_units += m.current_forecast[s];
          row.actual_units += actual;
        }
        if (m.has_forecast[s]) {
          const double err = m.current_forecast[s] - actual;
          m.err_var[s] = 0.8 * m.err_var[s] + 0.2 * err * err;
          if (m.bucket >= burn_in && actual > 0) {
            row.forecast_ape_sum += std::abs(err) / actual;
            ++row.forecast_cells;
          }
        }
        m.history[s].push_back(actual);
        m.bucket_demand[s] = 0;
      }
      ++m.bucket;
    }
    for (size_t s = 0; s < S; ++s) {
      Rng rng(seed_, Purpose::Forecast, s, m.bucket);
      m.current_forecast[s] = std::max(0.0, pol_.forecast->forecast(m.history[s], season, rng));
      m.has_forecast[s] = true;
    }
  }
  if (day % sc_.inventory.review_days == 0) {
    const auto& I = sc_.inventory;
    const double cover = I.lead_days + I.review_days;
    const size_t arrive = size_t(day + I.lead_days);
    for (size_t s = 0; s < S; ++s) {
      const double daily = m.current_forecast[s] / bd;
      const double sigma = std::sqrt(m.err_var[s]) * std::sqrt(cover / bd);
      const double target = daily * cover + I.safety_factor * sigma;
      const double qty = std::floor(std::max(0.0, target - w_.stock[s] - m.on_order[s]));
      if (qty <= 0) continue;
      if (arrive >= m.arrivals.size()) continue;  // would arrive after the horizon
      // Without warehouse staff every order arrives after lead_days; with them it may be late.
      const size_t when = size_t(assign_replenishment(s, day, I.lead_days, int64_t(day) << 16));
      if (when == size_t(day)) { w_.stock[s] += qty; continue; }
      m.on_order[s] += qty;
      if (when >= m.arrivals.size()) continue;  // late beyond the end of the run: it never arrives
      if (m.arrivals[when].empty()) m.arrivals[when].assign(S, 0.0);
      m.arrivals[when][s] += qty;
    }
  }
}

// ---- interventions and the circuit breaker (docs/model.md#interventions) -----------------------

void Engine::interventions(Tick t, int day) {
  Impl& m = *m_;
  const size_t R = w_.reps();
  const auto& cb = sc_.circuit_breaker;
  const double trust = sc_.interventions.params["trust"];
  const Tick tpd = clock().ticks_per_day();
  // Expire stale tasks.
  DayRow& row = rec_.day(day);
  for (RepId r = 0; r < R; ++r) {
    auto& q = m.tasks[r];
    while (!q.empty() && q.front().expires <= t) {
      rec_.event({t, kEvIntervention, kExpired, 0, r, q.front().account, q.front().rule, 0});
      if (q.front().record != kNone) rec_.interventions[q.front().record].status = kExpired;
      q.pop_front();
    }
    m.suggestion_window[r][size_t(day % cb.window_days)] = 0;
    m.overload[r] = 1.0;
  }
  if (pol_.interventions->rule_count() == 0) return;
  // Days of forecast demand each stock series covers.
  const int bd = int(sc_.forecast.params["bucket_days"]);
  for (size_t s = 0; s < m.stock_cover.size(); ++s) {
    const double daily = m.current_forecast[s] / bd;
    m.stock_cover[s] = daily > 0 ? w_.stock[s] / daily : std::numeric_limits<double>::infinity();
  }
  m.suggestions.clear();
  InterventionContext ctx{sc_, w_, sig_, t, day, m.region_wow, m.region_units_daily, m.region_first_orders_daily,
                          m.stock_cover, threads_};
  pol_.interventions->daily(ctx, m.suggestions);
  for (const auto& s : m.suggestions)
    if (s.kind == ThenKind::Task) ++m.suggestion_window[s.rep][size_t(day % cb.window_days)];
  // The next Monday's first tick, when a weekly brief is read.
  int monday = day + 1;
  while (clock().weekday_of_day(monday) != 0) ++monday;
  const double capacity = sc_.reps.visits_per_day * cb.window_days;
  // Every suggestion gets the next record of the intervention log, in suggestion order. A task
  // changes only its rep's queue and overload, and its acceptance draw is its own, so tasks are taken
  // by all threads, each the reps of its share, in suggestion order within a rep. A dispatch changes
  // only its specialist queue and its record, with a draw of its own: dispatches are taken the same
  // way, each thread the queues of its share. The other kinds (pushed material, credit,
  // replenishment), which share a queue and stock, and the events, which are one list, follow on one
  // thread in suggestion order: the same records, queues and events as one loop over the
  // suggestions. docs/performance.md
  const size_t N = m.suggestions.size(), base = rec_.interventions.size();
  rec_.interventions.resize(base + N);
  const int nt = N >= 512 ? std::max(1, threads_) : 1;
  uint64_t degraded = 0, accepted = 0;
#pragma omp parallel num_threads(nt) reduction(+ : degraded, accepted)
  {
    const size_t n = size_t(omp_get_num_threads()), me = size_t(omp_get_thread_num());
    for (size_t i = N * me / n; i < N * (me + 1) / n; ++i) {
      const Suggestion& s = m.suggestions[i];
      InterventionRecord& fired = rec_.interventions[base + i];
      fired.day = day;
      fired.rule = s.rule;
      fired.kind = s.kind;
      fired.rep = s.rep;
      fired.account = s.account;
      fired.series = s.series;
      fired.stage_before = s.account != kNone ? w_.stage[s.account] : uint8_t(0);
    }
#pragma omp barrier
    const size_t queues = m.pod_queue.size() + m.central_queue.size();
    for (size_t i = 0; i < N; ++i) {
      const Suggestion& s = m.suggestions[i];
      if (s.kind == ThenKind::Dispatch) {  // queues in contiguous shares
        const size_t q = dispatch_queue(s);
        if (q * n / queues == me) dispatch(s, q, uint32_t(base + i), t);
        continue;
      }
      if (s.kind != ThenKind::Task || size_t(s.rep) * n / R != me) continue;  // reps in contiguous shares
      InterventionRecord& x = rec_.interventions[base + i];
      x.assignee = kToRep;
      const auto& win = m.suggestion_window[s.rep];
      const double load = double(std::accumulate(win.begin(), win.end(), 0u)) / std::max(1e-9, capacity);
      Rng rng(seed_, Purpose::Acceptance, s.account, t + s.rule);
      if (cb.enabled && load > cb.multiple) {
        ++degraded;
        x.status = kDegraded;
        x.degraded = true;
        if (rng.bernoulli(cb.brief_acceptance))
          m.tasks[s.rep].push_back({s.account, s.action, s.rule, Tick(monday) * tpd, Tick(monday + 7) * tpd, uint32_t(base + i)});
        continue;
      }
      m.overload[s.rep] = std::max(0.2, 1.0 - cb.overload_quality_loss * std::max(0.0, load - 1.0));
      if (rng.bernoulli(trust * std::min(1.0, 1.0 / std::max(load, 1e-9)))) {
        ++accepted;
        x.status = kAccepted;
        m.tasks[s.rep].push_back({s.account, s.action, s.rule, t, t + 7 * tpd, uint32_t(base + i)});
      } else {
        x.status = kIgnored;
      }
    }
  }
  row.suggestions += uint32_t(N);
  row.degraded += uint32_t(degraded);
  row.accepted += uint32_t(accepted);
  const bool events = rec_.wants(kEvIntervention);
  for (size_t i = 0; i < N; ++i) {
    const Suggestion& s = m.suggestions[i];
    if (events) rec_.event({t, kEvIntervention, kFired, 0, s.rep, s.account, s.rule, 0});
    if (s.kind == ThenKind::Dispatch) continue;  // taken above
    if (s.kind != ThenKind::Task) {
      act_on(s, uint32_t(base + i), t, day);
    } else if (events) {
      rec_.event({t, kEvIntervention, uint8_t(rec_.interventions[base + i].status), 0, s.rep, s.account, s.rule, 0});
    }
  }
  // Keep queues in time order (briefs sit behind today's tasks); a stable sort leaves a sorted queue as
  // it is, so only the unsorted ones are sorted.
  const auto by_expiry = [](const Task& x, const Task& y) { return x.expires < y.expires; };
#pragma omp parallel for schedule(static) num_threads(R >= 256 ? std::max(1, threads_) : 1)
  for (long r = 0; r < long(R); ++r) {
    auto& q = m.tasks[size_t(r)];
    if (!std::is_sorted(q.begin(), q.end(), by_expiry)) std::stable_sort(q.begin(), q.end(), by_expiry);
  }
}

// ---- one touch (docs/model.md#touch, #behaviour-value) ------------------------------------------

void Engine::touch_account(RepOut& out, AccountId a, ContactId c, Action action, double base, double p_valid,
                           bool rep_visit, double quality, Tick t, Rng& rng) {
  Impl& m = *m_;
  const auto& J = sc_.journey;
  const auto& BV = sc_.behaviour_value;
  const uint8_t st = w_.stage[a];
  const bool valid = rng.uniform() < p_valid;
  if (rep_visit) out.touches.push_back({a, c, action, valid, false});
  if (!valid) return;
  w_.last_valid_visit[a] = t;
  w_.contact_last_touch[c] = t;
  // Behaviour value: base contribution x contact-role weight, plus what is left of the account's
  // recent valued touches after decay. docs/model.md#behaviour-value
  double value = base * w_.role_weight[w_.contact_role[c]];
  if (rep_visit) {
    // A visit's sub-dimensions: needs-discovery depth, objection handling (evaluating and later),
    // influence on the decision chain (this contact against the account's most influential one).
    Rng dims(seed_, Purpose::VisitDimensions, a, t);
    const double discovery = std::clamp(quality * (action == kNeedsDiscovery ? 1.0 : 0.5) + dims.normal(0.0, 0.1), 0.0, 1.0);
    const double chain = w_.contact_influence[c] / std::max(1e-9f, w_.contact_influence[w_.acct_contact_begin[a]]);
    double wsum = BV.w_discovery + BV.w_chain, q = BV.w_discovery * discovery + BV.w_chain * chain;
    if (st >= kEvaluating && st < kTrial) {
      q += BV.w_objection * std::clamp(quality + dims.normal(0.0, 0.1), 0.0, 1.0);
      wsum += BV.w_objection;
    }
    q = wsum > 0 ? q / wsum : 0.5;
    out.quality_sum += q;
    ++out.quality_n;
    value *= 1.0 - BV.weight_in_value + BV.weight_in_value * q / 0.5;
  }
  auto& amount = m.value_amount[a];
  auto& when = m.value_tick[a];
  double live = 0;
  size_t oldest = 0;
  for (size_t k = 0; k < kValueRing; ++k) {
    if (amount[k] > 0) live += amount[k] * BV.decay(double(t - when[k]) * clock().tick_hours());
    if (when[k] < when[oldest]) oldest = k;
  }
  amount[oldest] = float(value);
  when[oldest] = t;
  double advance = std::min(1.0, J.stage_gain * (value + live));
  // An open demand card or a discount waiting for approval holds the deal where it is. docs/pods.md
  const bool card_open = m.card_answer[a] != kNever;
  const bool waiting = m.discount_ready[a] != kNever && t < m.discount_ready[a];
  if (m.discount_ready[a] != kNever && t >= m.discount_ready[a]) {
    w_.acct_discount[a] = m.discount_pending[a];
    m.set_order_flags(w_, a);
    m.discount_ready[a] = kNever;
  }
  if (st >= kEvaluating && st <= kNegotiating && rep_visit && !card_open) {
    const auto& P = sc_.pods;
    Rng pr(seed_, Purpose::Cards, a, t);
    if (P.card_rate > 0 && pr.uniform() < P.card_rate) {
      out.cards.push_back({a, c});
      if (P.cards_block_progress) return;
    }
    if (st == kNegotiating && P.ask_probability > 0 && w_.acct_discount[a] == 0 && m.discount_ready[a] == kNever &&
        pr.uniform() < P.ask_probability) {
      const float asked = float(pr.uniform(0.0, P.max_ask));
      // Who grants it: a pod without an authorisation matrix grants what is asked; a pod with one
      // grants up to its authority and sends the rest to the regional manager; in a hierarchy every
      // discount waits for the manager. Nobody grants more than the manager's authority, except an
      // unbounded pod.
      float granted = asked;
      double wait = 0;
      if (P.agile && !P.authorisation_matrix) {
        granted = asked;
      } else if (P.agile && asked <= P.pod_authority) {
        granted = asked;
      } else {
        granted = float(std::min<double>(asked, P.manager_authority));
        wait = P.manager_delay_days;
      }
      out.discounts.push_back({a, asked, granted, wait});
      if (wait > 0) {
        m.discount_pending[a] = granted;
        m.discount_ready[a] = t + Tick(std::ceil(wait * clock().ticks_per_day()));
        return;
      }
      w_.acct_discount[a] = granted;
      m.set_order_flags(w_, a);
    }
  }
  if ((card_open && sc_.pods.cards_block_progress) || waiting) return;
  if (st == kNegotiating && w_.acct_discount[a] > 0)
    advance = std::min(1.0, advance * (1.0 + sc_.pods.elasticity * w_.acct_discount[a] * w_.acct_price_sens[a]));
  auto move = [&](uint8_t to) {
    assert(w_.graph.journey_allows(st, to));
    out.stages.push_back({a, st, to});
    w_.stage[a] = to;
    w_.stage_since[a] = t;
    amount.fill(0.f);  // the value was spent on this step
  };
  if (st == kRepeat) {
    if (action == kOrderTaking) out.orders.push_back(PendingOrder(w_, a, true, false));
  } else if (st == kTrial) {
    if (!w_.adopted[a] && rng.uniform() < J.adopt_per_followup * advance) w_.adopted[a] = 1;
    if (w_.adopted[a] && action == kOrderTaking) out.orders.push_back(PendingOrder(w_, a, true, false));
  } else if (rng.uniform() < advance) {
    if (st == kNegotiating) {
      move(kTrial);
      w_.adopted[a] = rng.uniform() < J.adopt_at_first_order;
      out.orders.push_back(PendingOrder(w_, a, true, true));
    } else if (st >= kEvaluating && st <= kShortlisting) {
      move(kEngaged);
    } else {
      move(uint8_t(st + 1));
    }
  }
}

// ---- reps: plan and touch (docs/model.md#touch) ------------------------------------------------

void Engine::rep_phase(Tick t, int day) {
  Impl& m = *m_;
  const long R = long(w_.reps());
  const double frac = clock().work_fraction(t);
  const PlanContext ctx{sc_, w_, sig_, t, day, clock().ticks_per_day(), seed_, m.incentives.data()};
  const Tick window = Tick(3 * clock().ticks_per_day());
#pragma omp parallel for schedule(dynamic, 4) num_threads(threads_)
  for (long ri = 0; ri < R; ++ri) {
    const RepId r = RepId(ri);
    RepOut& out = m.rep_out[r];
    out.plan.clear();
    if (day < w_.rep_hire_day[r]) continue;  // a vacant territory: the leaver's successor has not started
    m.budget[r] += sc_.reps.visits_per_day * frac;
    double budget = m.budget[r];
    // Accepted tasks first: they compete with the rep's own plan for the same capacity.
    auto& q = m.tasks[r];
    while (!q.empty() && q.front().not_before <= t) {
      const Task& task = q.front();
      const double cost = sc_.actions[task.action].touch_cost;
      if (cost > budget) break;
      budget -= cost;
      out.plan.push_back({task.account, w_.most_influential_uncontacted(task.account, t, window), task.action, true,
                          task.record});
      q.pop_front();
    }
    pol_.behaviour->plan(ctx, r, budget, out.plan);
    // The touches below read and write a dozen fields of each planned account, scattered over the
    // rep's book: ask for them all at once, so their cache misses overlap (docs/performance.md).
    for (const TouchPlan& p : out.plan) {
      m.prefetch_touch(w_, p.account);
      __builtin_prefetch(&w_.contact_influence[p.contact]);
      __builtin_prefetch(&w_.contact_role[p.contact]);
    }
    Rng rng(seed_, Purpose::Touch, r, t);
    const int tenure = day - w_.rep_hire_day[r];
    const double ramp = tenure >= sc_.reps.ramp_days || sc_.reps.ramp_days == 0
                            ? 1.0
                            : sc_.reps.ramp_start + (1 - sc_.reps.ramp_start) * double(tenure) / sc_.reps.ramp_days;
    const double quality = w_.rep_skill[r] * ramp * m.effort[r] * m.overload[r];
    for (const TouchPlan& p : out.plan) {
      const AccountId a = p.account;
      assert(w_.acct_rep[a] == r);  // a rep only touches its own book, so this loop is race-free
      m.budget[r] -= sc_.actions[p.action].touch_cost;
      const ActionSpec& act = sc_.actions[p.action];
      const double p_valid = (is_customer(w_.stage[a]) ? act.result_customer : act.result_prospect) * quality;
      w_.last_visit[a] = t;
      const size_t before = out.touches.size();
      touch_account(out, a, p.contact, p.action, act.base_contribution, p_valid, true, quality, t, rng);
      if (out.touches.size() == before) out.touches.push_back({a, p.contact, p.action, false, p.from_task});
      out.touches.back().from_task = p.from_task;
      out.tasks_done += p.from_task;
      if (p.record != kNone) out.done_records.push_back(p.record);
    }
    // The rep's own counters here, in parallel; the day's totals at the merge.
    uint32_t valid = 0;
    for (const auto& x : out.touches) valid += x.valid;
    out.valid_touches = valid;
    m.period[r].visits += uint32_t(out.touches.size());
    m.period[r].valid_visits += valid;
  }
  // The reps' orders go to the pending list in rep order: each rep's place by a running sum, the
  // copies in parallel (the serial merge below waited on each rep's order list in memory).
  parallel_append(
      size_t(R), m.pending, m.pending_at, threads_, [&](size_t r) { return m.rep_out[r].orders.size(); },
      [&](size_t r, PendingOrder* to) {
        std::copy(m.rep_out[r].orders.begin(), m.rep_out[r].orders.end(), to);
        m.rep_out[r].orders.clear();
      });
  // Serial merge in rep order: events, counters, the rest of what the reps did (merge_out).
  DayRow& row = rec_.day(day);
  const bool touch_events = rec_.wants(kEvTouch);
  for (RepId r = 0; r < RepId(R); ++r) {
    RepOut& out = m.rep_out[r];
    row.visits += uint32_t(out.touches.size());
    row.valid_visits += out.valid_touches;
    if (touch_events)
      for (const auto& x : out.touches) rec_.event({t, kEvTouch, x.action, x.valid, r, x.account, x.contact, 0});
    row.visit_cost += double(out.touches.size()) * sc_.reps.cost_per_visit;
    row.tasks_done += out.tasks_done;
    merge_out(out, t, day);
    out.touches.clear();
    out.valid_touches = 0;
  }
}

// ---- customers order (docs/model.md#demand) ----------------------------------------------------

void Engine::account_order_phase(Tick t, int day) {
  Impl& m = *m_;
  const long A = long(w_.accounts());
  const double tick_days = clock().tick_hours() / 24.0;
  const uint8_t* stage = w_.stage.data();
  const uint8_t* adopted = w_.adopted.data();
  const RegionId* region = w_.acct_region.data();
  const float* size = w_.acct_size.data();
  const float* sens = w_.acct_price_sens.data();
  float* hazard = m.order_hazard.data();
  float* target = m.order_target.data();
  // Each account's hazard per tick is constant through the day (rates change at begin_day): computed
  // at the day's first order phase, with the same expression as per tick before.
  if (m.lambda_day != day) {
    m.order_lambda.resize(size_t(A));
    double* lam = m.order_lambda.data();
#pragma omp parallel for schedule(static) num_threads(threads_)
    for (long ai = 0; ai < A; ++ai) {
      const RegionId g = region[ai];
      lam[ai] = m.region_rate[g] * size[ai] * std::max(0.0, 1.0 - m.promo_loss[g] * sens[ai]) * tick_days;
    }
    m.lambda_day = day;
  }
  const double* lam = m.order_lambda.data();
  // Each customer orders when its hazard, accumulated over the ticks it could order in, reaches an
  // Exp(1) target drawn at its previous order: the same law as an independent draw with
  // P = 1 - exp(-lambda) each tick (memorylessness), without a random draw or an exp per account-tick.
  // Orders found in account order at any thread count (sim/parallel.hpp).
  // Per block of accounts: a branch-free pass the compiler vectorises (accumulate, compare), then a
  // scalar pass over the few accounts that order (about one in ten per tick in bench-large).
  constexpr long kBlock = 256;
  const RngStream order_stream(seed_, Purpose::Order);
  const RepId* acct_rep = w_.acct_rep.data();
  const uint32_t* book_begin = w_.rep_account_begin.data();
  ordered_block_scan(A, threads_, kBlock, m.order_chunks, [&](long lo, long hi, std::vector<PendingOrder>& orders) {
    const long n = hi - lo;
    const uint8_t *st = stage + lo, *ad = adopted + lo;
    float *hz = hazard + lo;
    const float* tg = target + lo;
    const double* lm = lam + lo;
    // The tick's hazards and the accounts that order (sim/account_scans.hpp); then their new levels:
    // each its stream's first uniform, drawn together (sim/rng_batch.hpp), then -log(1 - u) as
    // Rng::exponential(1.0) gives it.
    AccountId found_ids[kBlock + 16];
    const size_t found = order_hazard_scan(st, ad, hz, tg, lm, size_t(n), AccountId(lo), found_ids);
    double u[kBlock];
    RngBatch::first_uniforms(order_stream, found_ids, t, found, u);
    // Each order takes its account's rep: a rep's book is a run of accounts (World::rep_account_begin),
    // so the block's reps are walked in account order from the first account's, not read per order.
    RepId r = acct_rep[lo];
    for (size_t j = 0; j < found; ++j) {
      const AccountId a = found_ids[j];
      hazard[a] = 0.f;
      target[a] = float(Rng::exponential_of(u[j], 1.0));
      while (a >= book_begin[r + 1]) ++r;
      orders.push_back(PendingOrder{a, r, false, false});
    }
  });
  // The orders found, appended to the pending list in block order: each block's place by a running
  // sum, the copies in parallel (this was the order phase's serial part).
  parallel_append(
      m.order_chunks.size(), m.pending, m.pending_at, threads_, [&](size_t k) { return m.order_chunks[k].size(); },
      [&](size_t k, PendingOrder* to) { std::copy(m.order_chunks[k].begin(), m.order_chunks[k].end(), to); });
}

// Orders are fulfilled per region, regions in parallel: a region's orders share its stock and are
// taken in the order of m.pending; everything an order changes is the region's (stock, demand, its
// accounts, its reps and pods) except the day's totals and the revenue credit of a rep poaching from
// another region, which are kept per region and merged in region order. So results do not depend on
// the thread count. docs/model.md#orders, docs/performance.md
void Engine::fulfil(Tick t, int day) {
  Impl& m = *m_;
  const size_t G = w_.n_regions;
  if (m.region_books.size() != G) m.region_books.resize(G);
  const long P = long(m.pending.size());
  const int nt = P > 256 ? std::max(1, threads_) : 1;
  std::vector<RegionId> by_size(G);
  rec_.basket_lanes(size_t(nt));  // each thread counts its regions' order values into its own lane
#pragma omp parallel num_threads(nt)
  {
    // Each thread sorts its contiguous part of the pending orders by region, in order; a region's
    // orders are its parts read in part order: pending's order, as one thread would find it.
    const size_t n = size_t(omp_get_num_threads()), me = size_t(omp_get_thread_num());
#pragma omp single
    for (RegionBook& b : m.region_books) b.parts.resize(n);
    for (RegionBook& b : m.region_books) b.parts[me].clear();
    for (size_t i = size_t(P) * me / n; i < size_t(P) * (me + 1) / n; ++i)
      m.region_books[w_.rep_region[m.pending[i].rep]].parts[me].push_back(uint32_t(i));
#pragma omp barrier
#pragma omp single
    {
      // Largest regions first, so two threads finish together.
      std::vector<size_t> size(G, 0);
      for (size_t g = 0; g < G; ++g)
        for (const auto& part : m.region_books[g].parts) size[g] += part.size();
      for (size_t g = 0; g < G; ++g) by_size[g] = RegionId(g);
      std::stable_sort(by_size.begin(), by_size.end(), [&](RegionId x, RegionId y) { return size[x] > size[y]; });
    }
#pragma omp for schedule(dynamic, 1)
    for (long k = 0; k < long(G); ++k) {
      RegionBook& b = m.region_books[by_size[size_t(k)]];
      b.orders_idx.clear();
      for (const auto& part : b.parts) b.orders_idx.insert(b.orders_idx.end(), part.begin(), part.end());
      fulfil_region(by_size[size_t(k)], t, day);
    }
  }
  // Merge in region order.
  DayRow& row = rec_.day(day);
  for (RegionBook& b : m.region_books) {
    const RegionBook::Totals& x = b.sum;
    row.orders += x.orders;
    row.lines += x.lines;
    row.short_lines += x.short_lines;
    row.credit_blocked_orders += x.blocked;
    row.first_orders += x.first_orders;
    row.adoptions += x.adoptions;
    row.revenue += x.revenue;
    row.cogs += x.cogs;
    row.lost_revenue += x.lost_revenue;
    row.discount_given += x.discount_given;
    m.orders_total += x.orders;
    m.revenue_total += x.revenue;
    rec_.lead_hours_sum += x.lead_hours;
    rec_.lead_count += x.orders;
    rec_.deals_won += x.deals_won;
    rec_.deal_cycle_days_sum += x.cycle_days;
    rec_.repurchase_eligible += x.repurchase_eligible;
    rec_.repurchase_hits += x.repurchase_hits;
    rec_.basket_big(b.big_values);
    for (const OrderCredit& c : b.foreign) credit_order(c);
    for (Event& e : b.events) {
      if (e.kind == kEvOrder) e.detail = ++m.order_seq;
      rec_.event(e);
    }
    if (!rec_.wants(kEvOrder)) m.order_seq += x.orders;
    b.sum = {};
    b.orders_idx.clear();
    b.events.clear();
    b.foreign.clear();
    b.values.clear();
    b.big_values.clear();
  }
  m.pending.clear();
}

// A shipped order's credit to rep c.rep (and its pod). docs/incentives.md#variables, docs/pods.md#kpis
void Engine::credit_order(const OrderCredit& c) {
  Impl& m = *m_;
  PodStats& pod = rec_.pods[w_.rep_pod[c.rep]];
  pod.revenue += c.revenue;
  pod.gross_profit += c.revenue - c.cogs;
  pod.list_revenue += c.list_revenue;
  RepPeriodStats& ps = m.period[c.rep];
  ps.revenue += c.revenue;
  rec_.rep_revenue[c.rep] += c.revenue;
  ps.gross_profit += c.revenue - c.cogs;
  ps.new_product_revenue += c.new_product_revenue;
  ps.lines += c.lines;
  ps.short_lines += c.short_lines;
  ps.ordering_accounts += c.new_ordering_account;
  ps.category_hits += c.new_category_hits;
  if (c.won) {
    ++pod.won;
    pod.cycle_days_sum += c.cycle_days;
  }
  if (c.first) {
    ++ps.new_customers;
    ps.first_order_revenue += c.revenue;
    ps.first_order_gross_profit += c.revenue - c.cogs;
  }
}

void Engine::fulfil_region(RegionId g, Tick t, int day) {
  Impl& m = *m_;
  RegionBook& b = m.region_books[g];
  const double discount = pol_.demand->discount();
  const auto& op = sc_.order_processing;
  const double when = clock().hours_at(t) + 0.5 * clock().tick_hours();
  const double lead = op.automatic ? op.entry_delay_hours
                                  : clock().office_lead_hours(when, op.entry_delay_hours, op.batch_hour, op.lag_office_days);
  const Tick window30 = Tick(30) * clock().ticks_per_day();
  const bool eligible_window = t + window30 <= clock().ticks();
  const bool stockout_events = rec_.wants(kEvStockout), order_events = rec_.wants(kEvOrder),
             stage_events = rec_.wants(kEvStage);
  // Two threads fulfil two regions at once: what is written per order or line is kept in locals
  // (written back at the end, the same sums in the same order) so the threads do not contend for
  // cache lines that hold several regions' counters (the region arrays, neighbouring RegionBooks).
  std::vector<OrderLine> lines;
  lines.reserve(16);
  RegionBook::Totals sum = b.sum;
  double units_today = m.region_units_today[g], cogs_sum = m.region_cogs_sum[g];
  uint32_t first_orders_today = 0;
  b.values.clear();
  // An order touches a dozen per-account arrays at scattered accounts: fetch them a few orders ahead.
  constexpr size_t kAhead = 8;
  const auto prefetch = [&](AccountId x) {
    __builtin_prefetch(&w_.last_order[x], 1);
    __builtin_prefetch(&m.order_flags[x]);
    __builtin_prefetch(&w_.stage[x]);
    __builtin_prefetch(&m.categories[x], 1);
  };
  const RngStream basket_stream(seed_, Purpose::Basket), credit_stream(seed_, Purpose::Credit);
  // The SKU tables and the region's stock and demand, as pointers held through the loop.
  const uint8_t* sku_category = w_.sku_category.data();
  const uint8_t* sku_new = w_.sku_new.data();
  const double* sku_price = w_.sku_price.data();
  const double* sku_cost = w_.sku_cost.data();
  double* stock = w_.stock.data();
  double* bucket_demand = m.bucket_demand.data();
  const size_t region_skus = size_t(g) * w_.n_skus;
  const size_t n_orders = b.orders_idx.size();
  for (size_t j = 0; j < std::min(kAhead, n_orders); ++j) prefetch(m.pending[b.orders_idx[j]].account);
  for (size_t j = 0; j < n_orders; ++j) {
    if (j + kAhead < n_orders) prefetch(m.pending[b.orders_idx[j + kAhead]].account);
    const PendingOrder& o = m.pending[b.orders_idx[j]];
    const AccountId a = o.account;
    // The revenue credit goes to a poacher while the poaching lasts (docs/incentives.md#poaching).
    // A discount, a poaching, a late invoice and a credit freeze are read only where the account's flags
    // say there is one.
    const uint8_t flags = m.order_flags[a];
    const RepId r = (flags & Impl::kFlagPoached) && m.poached_until[a] > t ? m.poached_by[a] : RepId(o.rep);
    // A customer orders at most once per tick: a visit order replaces a spontaneous one.
    if (!o.via_visit && w_.last_order[a] == t) continue;
    if (flags & Impl::kFlagFrozen) { ++sum.blocked; continue; }  // credit_frozen[a]: docs/interventions.md#credit
    // The basket, from the order's own keyed stream.
    lines.clear();
    Rng rng = basket_stream.at(a, int64_t(t) * 4 + o.via_visit * 2 + o.first);
    pol_.demand->basket(w_, a, rng, lines);
    const double acct_discount = flags & Impl::kFlagDiscount ? double(w_.acct_discount[a]) : 0.0;
    // The order's sums in locals, not in `c`: a store to the stock could be one to `c` as far as the
    // compiler knows, so every line read and wrote them in memory (docs/performance.md). The same
    // additions in the same order.
    double revenue = 0, cogs = 0, list_revenue = 0, new_product_revenue = 0;
    uint32_t short_lines = 0, category_bits = 0;
    for (const OrderLine& l : lines) {
      category_bits |= 1u << (sku_category[l.sku] & 31u);
      const size_t s = region_skus + l.sku;
      bucket_demand[s] += l.qty;
      units_today += l.qty;
      const double shipped = std::min<double>(l.qty, floor_positive(stock[s]));
      stock[s] -= shipped;
      ++sum.lines;
      const double list_price = sku_price[l.sku] * (1.0 - discount);
      const double price = list_price * (1.0 - acct_discount);
      list_revenue += shipped * list_price;
      if (sku_new[l.sku]) new_product_revenue += shipped * price;
      if (shipped < l.qty) {
        ++short_lines;
        ++sum.short_lines;
        sum.lost_revenue += (l.qty - shipped) * price;
        w_.last_stockout[a] = t;
        if (stockout_events) b.events.push_back({t, kEvStockout, 0, 0, r, a, l.sku, double(l.qty) - shipped});
      }
      revenue += shipped * price;
      cogs += shipped * sku_cost[l.sku];
    }
    if (revenue <= 0) continue;  // nothing could be shipped: no order
    OrderCredit c;
    c.rep = r;
    c.revenue = revenue;
    c.cogs = cogs;
    c.list_revenue = list_revenue;
    c.new_product_revenue = new_product_revenue;
    c.short_lines = short_lines;
    ++sum.orders;
    sum.revenue += revenue;
    sum.cogs += cogs;
    sum.discount_given += c.list_revenue - revenue;
    if (sc_.credit.late_share > 0) {  // the order's invoice (docs/interventions.md#credit)
      if (flags & Impl::kFlagArrears) {  // arrears_due[a] != kNever
        b.exposure.push_back({a, true, revenue});
      } else {
        Rng crng = credit_stream.at(a, t);
        if (crng.bernoulli(sc_.credit.late_share)) {
          const Tick tpd = clock().ticks_per_day();
          w_.arrears_due[a] = t + Tick(sc_.credit.terms_days) * tpd;
          w_.arrears_paid[a] = w_.arrears_due[a] + Tick(std::ceil(crng.exponential(sc_.credit.late_days_mean) * tpd));
          m.set_order_flags(w_, a);
          b.exposure.push_back({a, false, revenue});
        }
      }
    }
    c.lines = uint32_t(lines.size());
    c.new_ordering_account = m.categories[a] == 0;
    c.new_category_hits = popcount32(category_bits & ~m.categories[a]);  // categories new to it
    m.categories[a] |= category_bits;
    cogs_sum += cogs;
    b.values.push_back(revenue);
    b.ordering.push_back(a);
    sum.lead_hours += lead;
    if (order_events) b.events.push_back({t, kEvOrder, uint8_t(std::min<size_t>(255, lines.size())), uint8_t(o.first), r, a, 0, revenue});
    if (o.first) {
      ++sum.first_orders;
      ++first_orders_today;
      if (m.engaged_at[a] != kNever) {  // a deal won (docs/model.md#kpis: win_rate, deal_cycle_days)
        c.won = true;
        c.cycle_days = double(t - m.engaged_at[a]) / clock().ticks_per_day();
        ++sum.deals_won;
        sum.cycle_days += c.cycle_days;
        m.engaged_at[a] = kNever;
      }
      c.first = true;
      m.first_order_tick[a] = t;
      if (eligible_window) { m.trial_start[a] = t; ++sum.repurchase_eligible; }
    } else if (w_.stage[a] == kTrial) {
      assert(w_.graph.journey_allows(kTrial, kRepeat));
      if (m.trial_start[a] != kNever && t - m.trial_start[a] <= window30) ++sum.repurchase_hits;
      m.trial_start[a] = kNever;
      ++sum.adoptions;
      if (stage_events) b.events.push_back({t, kEvStage, kTrial, kRepeat, r, a, 0, 0});
      w_.stage[a] = kRepeat;
      w_.stage_since[a] = t;
    }
    w_.last_order[a] = t;
    if (w_.rep_region[r] == g) credit_order(c);
    else b.foreign.push_back(c);  // a poacher from another region: credited at the merge
  }
  // The accounts' revenue months and invoices, after the orders (each order's work is long, so these
  // scattered updates overlap far better in loops of their own; the same additions in the same order).
  // The order values go into this thread's lane of the recorder's histogram on the way (it was a
  // serial pass over every value after the regions, read by every thread: docs/performance.md).
  const size_t month = size_t(m.month_index % 3);
  uint32_t* basket_lane = rec_.basket_lane(size_t(omp_get_thread_num()));
  for (size_t i = 0; i < b.values.size(); ++i) {
    m.rev_months[month][b.ordering[i]] += float(b.values[i]);
    Recorder::count_basket(basket_lane, b.values[i], b.big_values);
  }
  b.ordering.clear();
  for (const RegionBook::Exposure& x : b.exposure) w_.exposure[x.account] = x.add ? w_.exposure[x.account] + x.amount : x.amount;
  b.exposure.clear();
  b.sum = sum;
  m.region_units_today[g] = units_today;
  m.region_cogs_sum[g] = cogs_sum;
  m.region_first_orders_daily[size_t(day) * w_.n_regions + g] += first_orders_today;
}

// ---- pay (docs/model.md#incentive) ---------------------------------------------------------------

// The variables a plan sees for rep r now (docs/incentives.md#variables).
PlanVars Engine::plan_variables(RepId r, Tick t, bool retention) const {
  const Impl& m = *m_;
  const RepPeriodStats& ps = m.period[r];
  PlanVars x;
  x.fill(std::nan(""));
  x[kVarRevenue] = ps.revenue;
  x[kVarNewCustomers] = ps.new_customers;
  if (ps.first_order_revenue > 0) x[kVarFirstOrderMargin] = ps.first_order_gross_profit / ps.first_order_revenue;
  x[kVarClawbackBase] = ps.clawback_base;
  x[kVarNewProductRevenue] = ps.new_product_revenue;
  x[kVarPoachingComplaints] = ps.poaching_complaints;
  if (ps.lines > 0) x[kVarComplaintRate] = double(ps.short_lines) / ps.lines;
  if (ps.ordering_accounts > 0) x[kVarSynergy] = double(ps.category_hits) / double(ps.ordering_accounts);
  // Pod revenue and size: set by all_plan_variables, which sums each pod once.
  // Book-level health, from the rep's accounts.
  const Tick tpd = clock().ticks_per_day();
  const Tick service = Tick(sc_.churn.service_days * double(tpd));
  const Tick warn = service + 14 * tpd;
  const Tick stockout_memory = Tick(sc_.churn.stockout_memory_days) * tpd;
  const Tick six_months = 182 * tpd, month = 30 * tpd;
  uint32_t repeat = 0, served = 0, warned = 0, cohort = 0, kept = 0;
  double clv = 0;
  // Branch-free: this runs over every account at every recompute (docs/performance.md).
  const uint8_t* stage = w_.stage.data();
  const Tick *lvv = w_.last_valid_visit.data(), *lso = w_.last_stockout.data(), *lapse = w_.last_lapse.data();
  const Tick* first = m.first_order_tick.data();
  const float* size = w_.acct_size.data();
  const AccountId begin = w_.rep_account_begin[r], end = w_.rep_account_begin[r + 1];
  // Four partial CLV sums (accounts 4k, 4k+1, 4k+2, 4k+3 from the rep's first), added at the end:
  // no chain of dependent floating-point adds through the loop.
  double p0 = 0, p1 = 0, p2 = 0, p3 = 0;
  const auto book = [&](AccountId a) {
    const uint32_t rep = stage[a] == kRepeat;
    const Tick since_valid = t - lvv[a];
    repeat += rep;
    served += rep & uint32_t(since_valid <= service);
    warned += rep & (uint32_t(since_valid > warn) | uint32_t(t - lso[a] < stockout_memory));
    return double(size[a]) * double(rep);  // size or +0.0: the same sums as a branch
  };
  AccountId a = begin;
#if defined(__SSE2__)
  // The same four sums and counts, four accounts per step in SSE2 registers (every x86-64 CPU has it;
  // the compiler does not vectorise the loop below by itself). A non-repeat account's size is masked
  // to +0.0f, so each partial sum gets exactly the additions the scalar loop makes.
  {
    __m128d s01 = _mm_setzero_pd(), s23 = _mm_setzero_pd();
    __m128i n_repeat = _mm_setzero_si128(), n_served = _mm_setzero_si128(), n_warned = _mm_setzero_si128();
    const __m128i t4 = _mm_set1_epi32(t), service4 = _mm_set1_epi32(service), warn4 = _mm_set1_epi32(warn),
                  memory4 = _mm_set1_epi32(stockout_memory), repeat16 = _mm_set1_epi8(char(kRepeat)),
                  one4 = _mm_set1_epi32(1);
    for (; a + 4 <= end; a += 4) {
      uint32_t st;
      std::memcpy(&st, stage + a, 4);
      __m128i is_rep = _mm_cmpeq_epi8(_mm_cvtsi32_si128(int(st)), repeat16);  // 4 bytes of 0x00 / 0xFF
      is_rep = _mm_unpacklo_epi8(is_rep, is_rep);
      is_rep = _mm_unpacklo_epi16(is_rep, is_rep);  // 4 lanes of 0 / ~0
      const __m128i since_valid = _mm_sub_epi32(t4, _mm_loadu_si128(reinterpret_cast<const __m128i*>(lvv + a)));
      const __m128i since_stockout = _mm_sub_epi32(t4, _mm_loadu_si128(reinterpret_cast<const __m128i*>(lso + a)));
      const __m128i served_now = _mm_andnot_si128(_mm_cmpgt_epi32(since_valid, service4), is_rep);
      const __m128i warned_now = _mm_and_si128(
          is_rep, _mm_or_si128(_mm_cmpgt_epi32(since_valid, warn4), _mm_cmplt_epi32(since_stockout, memory4)));
      n_repeat = _mm_add_epi32(n_repeat, _mm_and_si128(is_rep, one4));
      n_served = _mm_add_epi32(n_served, _mm_and_si128(served_now, one4));
      n_warned = _mm_add_epi32(n_warned, _mm_and_si128(warned_now, one4));
      const __m128 sz = _mm_and_ps(_mm_loadu_ps(size + a), _mm_castsi128_ps(is_rep));
      s01 = _mm_add_pd(s01, _mm_cvtps_pd(sz));
      s23 = _mm_add_pd(s23, _mm_cvtps_pd(_mm_movehl_ps(sz, sz)));
    }
    alignas(16) uint32_t c[3][4];
    _mm_store_si128(reinterpret_cast<__m128i*>(c[0]), n_repeat);
    _mm_store_si128(reinterpret_cast<__m128i*>(c[1]), n_served);
    _mm_store_si128(reinterpret_cast<__m128i*>(c[2]), n_warned);
    repeat += c[0][0] + c[0][1] + c[0][2] + c[0][3];
    served += c[1][0] + c[1][1] + c[1][2] + c[1][3];
    warned += c[2][0] + c[2][1] + c[2][2] + c[2][3];
    alignas(16) double p[4];
    _mm_store_pd(p, s01);
    _mm_store_pd(p + 2, s23);
    p0 = p[0];
    p1 = p[1];
    p2 = p[2];
    p3 = p[3];
  }
#else
  for (; a + 4 <= end; a += 4) {
    p0 += book(a);
    p1 += book(a + 1);
    p2 += book(a + 2);
    p3 += book(a + 3);
  }
#endif
  for (; a < end; ++a) p0 += book(a);
  clv = (p0 + p1) + (p2 + p3);
  if (retention)
    for (AccountId a = begin; a < end; ++a) {
      const Tick fo = first[a];
      const uint32_t in_cohort =
          uint32_t(fo != kNever) & uint32_t(t - fo >= six_months) & uint32_t(t - fo < six_months + month);
      cohort += in_cohort;
      kept += in_cohort & uint32_t(stage[a] == kRepeat) & uint32_t(lapse[a] < fo);
    }
  if (repeat > 0) {
    x[kVarChannelHealth] = double(served) / repeat;
    x[kVarChurnWarnings] = double(warned) / repeat;
  }
  if (cohort > 0) x[kVarNewCustomerRetention] = double(kept) / cohort;
  x[kVarClv] = clv;  // turned into an index over reps by the caller
  // The month's revenue as the rep can expect it from what it has so far (for forward-looking signals).
  const double elapsed = std::max(1.0, double(t / tpd - m.month_start_day));
  x[kVarExpectedRevenue] = ps.revenue * 30.4 / std::max(elapsed, 7.0);
  const RegionId g = w_.rep_region[r];
  if (m.region_cogs_sum[g] > 0) x[kVarRegionInventoryDays] = m.region_inventory_sum[g] / m.region_cogs_sum[g];
  return x;
}

std::vector<PlanVars> Engine::all_plan_variables(Tick t, bool retention) const {
  const size_t R = w_.reps();
  std::vector<PlanVars> vars(R);
  std::vector<double> pod_revenue(w_.pods(), 0.0), pod_size(w_.pods(), 0.0);
  for (RepId r = 0; r < R; ++r) {
    pod_revenue[w_.rep_pod[r]] += m_->period[r].revenue;
    pod_size[w_.rep_pod[r]] += 1;
  }
  // Each rep's variables read only its own accounts: in parallel; the CLV sum in rep order after.
#pragma omp parallel for schedule(static) num_threads(threads_)
  for (long ri = 0; ri < long(R); ++ri) {
    const RepId r = RepId(ri);
    vars[r] = plan_variables(r, t, retention);
    vars[r][kVarPodRevenue] = pod_revenue[w_.rep_pod[r]];
    vars[r][kVarPodSize] = pod_size[w_.rep_pod[r]];
  }
  double clv_sum = 0;
  for (RepId r = 0; r < R; ++r) clv_sum += vars[r][kVarClv];
  // The CLV variable is an index: the rep's book value over the mean rep's, minus 1.
  const double clv_mean = R ? clv_sum / double(R) : 0;
  for (PlanVars& x : vars) x[kVarClv] = clv_mean > 0 ? x[kVarClv] / clv_mean - 1.0 : 0.0;
  return vars;
}

void Engine::recompute_incentives() {
  Impl& m = *m_;
  const Tick t = tick_;
  const std::vector<PlanVars> vars = all_plan_variables(t, m.plan_uses_retention);
  const double floor = sc_.reps.effort_floor, scale = sc_.reps.effort_scale;
  // A plan's signals are a pure function of one rep's variables (IncentivePlan): reps in parallel.
#pragma omp parallel for schedule(static) num_threads(threads_)
  for (long ri = 0; ri < long(w_.reps()); ++ri) {
    const RepId r = RepId(ri);
    m.incentives[r] = pol_.incentive->signals(vars[r]);
    // Effort follows the variable pay at stake per CNY (docs/model.md#incentive).
    m.effort[r] = floor + (1.0 - floor) * (1.0 - std::exp(-m.incentives[r].per_revenue / scale));
  }
  // Warehouse staff: the same shape, on the bonus at stake in CNY (docs/model.md#warehouse).
  const auto& W = sc_.inventory.warehouse;
  for (uint32_t k = 0; k < w_.staff(); ++k) {
    const double stake = pol_.incentive->staff_stake(staff_variables(k, true));
    m.staff_effort[k] = W.effort_floor + (1.0 - W.effort_floor) * (1.0 - std::exp(-stake / W.effort_scale_cny));
  }
  m.next_recompute = t + m.recompute_every;
}

void Engine::pay(int day, bool final_period) {
  Impl& m = *m_;
  // The period is the calendar month that ended (or the partial one at the end of the run).
  const int last_day = final_period ? day : day - 1;
  const std::string label = period_label(clock().date_of_day(last_day));
  const Tick t = final_period ? clock().ticks() - 1 : Tick(day) * clock().ticks_per_day();
  // Base salary pro rata for partial months.
  const double days_in = double(last_day - m.month_start_day + 1);
  const Date first = clock().date_of_day(m.month_start_day);
  const Date next_month = first.month == 12 ? Date{first.year + 1, 1, 1} : Date{first.year, first.month + 1, 1};
  const double month_len = double(next_month.serial() - Date{first.year, first.month, 1}.serial());
  const double base = std::round(sc_.reps.base_salary_month * std::min(1.0, days_in / month_len) * 100.0) / 100.0;
  DayRow& row = rec_.day(last_day);
  const size_t R = w_.reps();
  const std::vector<PlanVars> vars = all_plan_variables(t, m.plan_uses_retention);
  const std::vector<PlanVar> used = pol_.incentive->uses();
  std::vector<double> totals(R);
  for (RepId r = 0; r < R; ++r) {
    const PlanVars& x = vars[r];
    PayoutStatement st;
    st.rep = r;
    st.period = label;
    const bool vacant = day < w_.rep_hire_day[r];
    const double rep_base = vacant ? 0.0 : base;
    st.lines.push_back({"base_salary", days_in, 0, rep_base,
                        vacant ? std::string("territory vacant: no salary")
                               : fmt::format("fixed pay for {:.0f} of {:.0f} days", days_in, month_len)});
    pol_.incentive->lines(x, st.lines);
    for (const auto& l : st.lines) st.total += l.amount;
    for (PlanVar v : used) st.variables.push_back({std::string(kPlanVarNames[v]), x[v]});
    if (m.has_last[r]) {
      st.has_previous = true;
      st.previous_total = m.last_total[r];
    }
    totals[r] = st.total;
    rec_.rep_pay[r] += st.total;
    row.payouts += st.total;
    rec_.event({t, kEvPayout, 0, 0, r, kNone, uint32_t(rec_.statements().size()), st.total});
    rec_.statements().push_back(std::move(st));
  }
  // Attribution of each change to the plan's variables (exact: Shapley values), plus the base salary.
  // Each rep's attribution evaluates the plan 2^n times (n variables): reps in parallel.
  const size_t first_statement = rec_.statements().size() - R;
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads_)
  for (long ri = 0; ri < long(R); ++ri) {
    const RepId r = RepId(ri);
    PayoutStatement& st = rec_.statements()[first_statement + r];
    const double base_now = st.lines[0].amount;
    if (m.has_last[r]) {
      st.attribution = shapley_attribution(*pol_.incentive, m.last_vars[r], vars[r]);
      st.attribution.insert(st.attribution.begin(),
                            Attribution{"base_salary", m.last_base[r], base_now, base_now - m.last_base[r]});
      st.explanation = explain_change(st);
    }
    m.last_base[r] = base_now;
    m.last_vars[r] = vars[r];
    m.last_total[r] = st.total;
    m.has_last[r] = 1;
  }
  if (w_.staff() > 0) pay_staff(last_day, t, label, days_in, month_len);
  for (size_t g = 0; g < w_.n_regions; ++g)
    m.region_last_inventory_days[g] =
        m.region_cogs_sum[g] > 0 ? m.region_inventory_sum[g] / m.region_cogs_sum[g] : std::nan("");
  if (!final_period) attrition(day, totals);
  for (RepId r = 0; r < R; ++r) m.period[r] = {};
  std::fill(m.categories.begin(), m.categories.end(), 0u);
  ++m.month_index;
  std::fill(m.rev_months[size_t(m.month_index % 3)].begin(), m.rev_months[size_t(m.month_index % 3)].end(), 0.f);
  std::fill(m.region_inventory_sum.begin(), m.region_inventory_sum.end(), 0.0);
  std::fill(m.region_cogs_sum.begin(), m.region_cogs_sum.end(), 0.0);
  m.period_days = 0;
  m.month_start_day = day;
}

// ---- warehouse staff (docs/model.md#warehouse, docs/incentives.md#collaboration-bonus) -----------

int Engine::assign_replenishment(size_t series, int day, int lead_days, int64_t key, uint32_t* staff) {
  if (w_.staff() == 0) return day + lead_days;
  Impl& m = *m_;
  // Round robin over the region's staff: deterministic, and the same share of the work for each.
  const RegionId g = RegionId(series / w_.n_skus);
  const uint32_t k = uint32_t(g * w_.staff_per_region + m.staff_next[g]);
  m.staff_next[g] = uint32_t((m.staff_next[g] + 1) % w_.staff_per_region);
  Rng rng(seed_, Purpose::Replenishment, series, key);
  const double effort = m.staff_effort[k];
  const bool on_time = rng.uniform() < double(w_.staff_reliability[k]) * effort;
  const int late = on_time ? 0 : 1 + int(rng.poisson(sc_.inventory.warehouse.late_days_mean - 1.0));
  StaffPeriodStats& ps = m.staff_period[k];
  ++ps.assigned;
  ps.effort_sum += effort;
  // Counted in the period it is due in (staff_due_today), when whether it came on time is known.
  const size_t due = size_t(day + lead_days);
  if (due < m.staff_due.size()) m.staff_due[due].push_back(k << 1 | uint32_t(on_time));
  if (staff) *staff = k;
  return day + lead_days + late;
}

void Engine::staff_due_today(int day) {
  Impl& m = *m_;
  if (size_t(day) >= m.staff_due.size()) return;
  DayRow& row = rec_.day(day);
  for (uint32_t x : m.staff_due[size_t(day)]) {
    StaffPeriodStats& ps = m.staff_period[x >> 1];
    ++ps.replenishments;
    ps.on_time += x & 1u;
    ++row.replenishments_due;
    row.replenishments_on_time += x & 1u;
  }
  std::vector<uint32_t>().swap(m.staff_due[size_t(day)]);
}

StaffVars Engine::staff_variables(uint32_t k, bool as_seen) const {
  const Impl& m = *m_;
  StaffVars x;
  x.fill(std::nan(""));
  const RegionId g = w_.staff_region[k];
  if (as_seen && m.period_days == 0) x[kStaffRegionInventoryDays] = m.region_last_inventory_days[g];
  else if (m.region_cogs_sum[g] > 0) x[kStaffRegionInventoryDays] = m.region_inventory_sum[g] / m.region_cogs_sum[g];
  const StaffPeriodStats& ps = m.staff_period[k];
  x[kStaffReplenishments] = ps.replenishments;
  if (ps.replenishments > 0) x[kStaffOnTimeShare] = double(ps.on_time) / ps.replenishments;
  return x;
}

// Each staff member's statement: the base salary and the plan's staff lines, explained like a rep's.
void Engine::pay_staff(int last_day, Tick t, const std::string& label, double days_in, double month_len) {
  Impl& m = *m_;
  const double base =
      std::round(sc_.inventory.warehouse.base_salary_month * std::min(1.0, days_in / month_len) * 100.0) / 100.0;
  DayRow& row = rec_.day(last_day);
  const bool has_last = m.month_index > 0;  // every staff member is paid every period
  for (uint32_t k = 0; k < w_.staff(); ++k) {
    const StaffVars x = staff_variables(k, false);
    PayoutStatement st;
    st.role = Payee::WarehouseStaff;
    st.rep = kNone;
    st.staff = k;
    st.period = label;
    st.lines.push_back({"base_salary", days_in, 0, base, fmt::format("fixed pay for {:.0f} of {:.0f} days", days_in, month_len)});
    pol_.incentive->staff_lines(x, st.lines);
    for (const auto& l : st.lines) st.total += l.amount;
    for (size_t v = 0; v < kStaffVars; ++v) st.variables.push_back({std::string(kStaffVarNames[v]), x[v]});
    if (has_last) {
      st.has_previous = true;
      st.previous_total = m.staff_last_total[k];
      st.attribution = shapley_attribution(*pol_.incentive, m.staff_last_vars[k], x);
      st.attribution.insert(st.attribution.begin(),
                            Attribution{"base_salary", m.staff_last_base[k], base, base - m.staff_last_base[k]});
      st.explanation = explain_change(st);
    }
    m.staff_last_base[k] = base;
    m.staff_last_vars[k] = x;
    m.staff_last_total[k] = st.total;
    row.staff_pay += st.total;
    row.collaboration_bonus += st.total - base;
    const StaffPeriodStats& ps = m.staff_period[k];
    rec_.warehouse.push_back({m.month_start_day, last_day, k, ps.assigned, ps.replenishments, ps.on_time,
                              ps.replenishments - ps.on_time,
                              ps.assigned ? float(ps.effort_sum / ps.assigned) : std::nanf(""),
                              x[kStaffRegionInventoryDays], st.total - base, st.total});
    rec_.event({t, kEvPayout, uint8_t(Payee::WarehouseStaff), 0, kNone, kNone, uint32_t(rec_.statements().size()), st.total});
    rec_.statements().push_back(std::move(st));
    m.staff_period[k] = {};
  }
}

// Reps quit more when paid below their peers, and top performers more under activity-count
// evaluation (domain.md section 3: 2.8x). A leaver's territory stays vacant, then a new hire ramps up.
void Engine::attrition(int day, const std::vector<double>& pay) {
  Impl& m = *m_;
  const auto& P = sc_.reps;
  const size_t R = w_.reps();
  if (R == 0 || P.attrition_per_month <= 0) return;
  std::vector<double> sorted(pay);
  std::nth_element(sorted.begin(), sorted.begin() + long(R / 2), sorted.end());
  const double median = sorted[R / 2];
  std::vector<double> revenue(R);
  for (RepId r = 0; r < R; ++r) revenue[r] = m.period[r].revenue;
  std::vector<double> rs(revenue);
  std::nth_element(rs.begin(), rs.begin() + long(3 * R / 4), rs.end());
  const double top_quartile = rs[3 * R / 4];
  const Tick t = Tick(day) * clock().ticks_per_day();
  for (RepId r = 0; r < R; ++r) {
    if (day < w_.rep_hire_day[r]) continue;  // already vacant
    const double shortfall = median > 0 ? std::max(0.0, (median - pay[r]) / median) : 0.0;
    double q = P.attrition_per_month * std::exp(P.pay_fairness_sensitivity * shortfall);
    if (!P.evaluation_by_value && revenue[r] >= top_quartile && revenue[r] > 0) q *= P.top_performer_attrition_multiplier;
    Rng rng(seed_, Purpose::Incentive, r, day);
    if (!rng.bernoulli(std::min(1.0, q))) continue;
    ++rec_.rep_quits;
    rec_.event({t, kEvRepQuit, 0, 0, r, kNone, 0, pay[r]});
    // The successor: a new draw of skill, starting after the vacancy, then ramping up.
    w_.rep_hire_day[r] = day + P.vacancy_days;
    double skill = std::clamp(rng.normal(P.skill_mean, P.skill_sd), 0.05, 1.0);
    if (sc_.regions[w_.rep_region[r]].tier != 'A') skill = std::min(1.0, skill * P.b_tier_skill_multiplier);
    w_.rep_skill[r] = float(skill);
    for (const Task& task : m.tasks[r])
      if (task.record != kNone) rec_.interventions[task.record].status = kExpired;
    m.tasks[r].clear();
  }
}

// ---- results -----------------------------------------------------------------------------------

std::vector<Kpi> Engine::kpis() const {
  return rec_.kpis(w_.reps(), sc_.reps.cost_per_visit, w_.rep_region, rec_.rep_revenue);
}

uint64_t Engine::state_hash() const {
  XXH64_state_t* h = XXH64_createState();
  XXH64_reset(h, 0);
  auto add = [&](const auto& v) { XXH64_update(h, v.data(), v.size() * sizeof(v[0])); };
  XXH64_update(h, &tick_, sizeof tick_);
  add(w_.stage);
  add(w_.adopted);
  add(w_.stage_since);
  add(w_.last_order);
  add(w_.last_visit);
  add(w_.last_valid_visit);
  add(w_.last_stockout);
  add(w_.last_lapse);
  add(w_.contact_last_touch);
  add(w_.stock);
  add(m_->budget);
  add(w_.arrears_due);
  add(w_.arrears_paid);
  add(w_.exposure);
  add(w_.credit_frozen);
  add(w_.acct_discount);
  add(m_->value_amount);
  add(m_->value_tick);
  add(m_->engaged_at);
  add(m_->card_answer);
  add(m_->discount_ready);
  add(m_->poached_until);
  add(m_->order_hazard);
  add(m_->order_target);
  // The warehouse KPIs only with warehouse staff: a scenario without them hashes as it did before
  // they existed (tests/test_engine.cpp pins such a hash).
  for (const Kpi& k : kpis()) {
    const bool warehouse = k.name == "replenishment_on_time_share" || k.name == "collaboration_bonus" ||
                           k.name == "warehouse_pay";
    if (!warehouse || w_.staff() > 0) XXH64_update(h, &k.value, sizeof k.value);
  }
  if (w_.staff() > 0) add(m_->staff_effort);
  const uint64_t out = XXH64_digest(h);
  XXH64_freeState(h);
  return out;
}

}  // namespace salesim

// ---- changing parameters between steps (exercises; docs/exercises.md) -------------------------

namespace salesim {

void Engine::adjust(const Scenario& next, PolicySet replacements) {
  Impl& m = *m_;
  const int old_window = sc_.circuit_breaker.window_days;
  sc_ = next;
  m.lambda_day = -1;  // order hazards are recomputed from the (possibly new) demand at the next tick
  build_tables();
  if (replacements.demand) {
    pol_.demand = std::move(replacements.demand);
    pol_.demand->init(w_);
  }
  if (replacements.forecast) pol_.forecast = std::move(replacements.forecast);
  if (replacements.behaviour) {
    pol_.behaviour = std::move(replacements.behaviour);
    pol_.behaviour->init(w_);
  }
  if (replacements.interventions) {
    pol_.interventions = std::move(replacements.interventions);
    pol_.interventions->init(w_);
  }
  // Pods: a new organisation or headcount applies from now on; more card topics start unknown.
  w_.pod_specialists.assign(w_.pods(), uint32_t(sc_.pods.specialists()));
  for (PodStats& p : rec_.pods) p.specialists = uint32_t(sc_.pods.specialists());
  for (auto& known : m.pod_topic_known) known.resize(size_t(sc_.pods.card_topics), 0);
  // The breaker's window holds one count per day of the window: a new length starts it afresh.
  if (sc_.circuit_breaker.window_days != old_window)
    for (auto& win : m.suggestion_window) win.assign(size_t(sc_.circuit_breaker.window_days), 0);
  if (replacements.incentive) {
    pol_.incentive = std::move(replacements.incentive);
    m.plan_uses_retention = uses_retention(*pol_.incentive);
    m.recompute_every =
        std::max<Tick>(1, Tick(std::llround(pol_.incentive->recompute_hours() / clock().tick_hours())));
    recompute_incentives();
  }
}

}  // namespace salesim
