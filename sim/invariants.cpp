#include "sim/invariants.hpp"

#include <cmath>
#include <fmt/format.h>

namespace salesim {

namespace {

struct Report {
  std::vector<std::string> out;
  size_t limit;
  template <typename... A>
  void fail(fmt::format_string<A...> f, A&&... a) {
    if (out.size() < limit) out.push_back(fmt::format(f, std::forward<A>(a)...));
  }
  bool full() const { return out.size() >= limit; }
};

bool near(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::max(std::abs(a), std::abs(b))); }

void check_world(const Engine& e, Report& r) {
  const World& w = e.world();
  const Tick now = e.tick();
  for (size_t s = 0; s < w.stock.size() && !r.full(); ++s)
    if (!std::isfinite(w.stock[s]) || w.stock[s] < 0) r.fail("stock[{}] is {} (must be finite and >= 0)", s, w.stock[s]);

  // The books partition the accounts, and each account's contacts are a range of the contacts.
  if (w.rep_account_begin.size() != w.reps() + 1 || w.rep_account_begin.front() != 0 ||
      w.rep_account_begin.back() != w.accounts())
    r.fail("rep_account_begin does not span the {} accounts", w.accounts());
  else
    for (RepId rep = 0; rep < w.reps() && !r.full(); ++rep)
      for (uint32_t a = w.rep_account_begin[rep]; a < w.rep_account_begin[rep + 1]; ++a)
        if (w.acct_rep[a] != rep) { r.fail("account {} is in rep {}'s book but owned by rep {}", a, rep, w.acct_rep[a]); break; }
        else if (w.acct_region[a] != w.rep_region[rep]) {
          // fulfil takes an order's region from its rep (Engine::fulfil)
          r.fail("account {} is in region {} but its rep {} in region {}", a, w.acct_region[a], rep, w.rep_region[rep]);
          break;
        }
  if (w.acct_contact_begin.size() != w.accounts() + 1 || w.acct_contact_begin.back() != w.contacts())
    r.fail("acct_contact_begin does not span the {} contacts", w.contacts());

  // Every account is in exactly one stage: the counts per stage add up to the total.
  std::array<size_t, kStages> per_stage{};
  size_t out_of_range = 0;
  for (size_t a = 0; a < w.accounts(); ++a) {
    if (w.stage[a] < kStages) ++per_stage[w.stage[a]]; else ++out_of_range;
    if (w.adopted[a] > 1) r.fail("account {}: adopted flag is {}", a, int(w.adopted[a]));
    for (const auto* v : {&w.stage_since, &w.last_order, &w.last_visit, &w.last_valid_visit, &w.last_stockout, &w.last_lapse})
      if ((*v)[a] > now) { r.fail("account {}: a time stamp ({}) lies after the current tick {}", a, (*v)[a], now); break; }
    if (r.full()) return;
  }
  size_t sum = 0;
  for (size_t n : per_stage) sum += n;
  if (out_of_range) r.fail("{} accounts have a stage outside 1..{}", out_of_range, kStages);
  if (sum != w.accounts()) r.fail("accounts per stage add up to {}, not the {} accounts", sum, w.accounts());

  if (const std::string caches = e.check_caches(); !caches.empty()) r.fail("{}", caches);
  for (size_t i = 0; i < w.rep_skill.size() && !r.full(); ++i)
    if (!std::isfinite(w.rep_skill[i]) || w.rep_skill[i] < 0 || w.rep_skill[i] > 1) r.fail("rep {}: skill {} outside [0, 1]", i, w.rep_skill[i]);
  for (size_t a = 0; a < w.accounts() && !r.full(); ++a)
    if (!std::isfinite(w.acct_size[a]) || w.acct_size[a] <= 0 || !std::isfinite(w.acct_price_sens[a]))
      r.fail("account {}: size {} / price sensitivity {} not finite and positive", a, w.acct_size[a], w.acct_price_sens[a]);
}

void check_day(const DayRow& d, int day, size_t accounts, Report& r) {
  const double values[] = {d.revenue, d.cogs, d.payouts, d.inventory_value, d.lost_revenue, d.visit_cost, d.forecast_ape_sum};
  const char* names[] = {"revenue", "cogs", "payouts", "inventory_value", "lost_revenue", "visit_cost", "forecast_ape_sum"};
  for (size_t i = 0; i < std::size(values); ++i) {
    if (!std::isfinite(values[i])) r.fail("day {}: {} is {}", day, names[i], values[i]);
    else if (values[i] < 0 && i != 2) r.fail("day {}: {} is negative ({})", day, names[i], values[i]);
  }
  if (d.valid_visits > d.visits) r.fail("day {}: {} valid visits of {} visits", day, d.valid_visits, d.visits);
  if (d.short_lines > d.lines) r.fail("day {}: {} short lines of {} lines", day, d.short_lines, d.lines);
  if (d.orders > d.lines) r.fail("day {}: {} orders but only {} lines", day, d.orders, d.lines);
  if (d.first_orders > d.orders) r.fail("day {}: {} first orders of {} orders", day, d.first_orders, d.orders);
  if (d.customers > accounts) r.fail("day {}: {} active customers of {} accounts", day, d.customers, accounts);
  if (d.revenue > 0 && d.orders == 0) r.fail("day {}: revenue {} without an order", day, d.revenue);
}

}  // namespace

std::vector<std::string> InvariantChecker::check(const Engine& e, size_t limit, bool with_kpis) {
  Report r{{}, limit};
  check_world(e, r);

  const Recorder& rec = e.recorder();
  const Scenario& sc = e.scenario();
  const int tpd = e.clock().ticks_per_day();
  const int days = e.clock().days();
  const size_t reps = e.world().reps();
  if (day_order_revenue_.empty()) {
    day_order_revenue_.assign(size_t(days), 0.0);
    day_order_count_.assign(size_t(days), 0);
    rep_day_capacity_used_.assign(reps, 0.0);
  }

  // New events: orders by day, touches by rep and day (events are appended in tick order).
  const auto& events = rec.events();
  const double capacity = sc.reps.visits_per_day + 1.0;  // a day's visits plus the fraction carried over
  for (; events_seen_ < events.size(); ++events_seen_) {
    const Event& ev = events[events_seen_];
    const int day = e.clock().day_of(ev.tick);
    if (ev.tick < 0 || ev.tick > e.tick() || day >= days) { r.fail("event {} has tick {} outside the run", events_seen_, ev.tick); continue; }
    if (!std::isfinite(ev.value)) r.fail("event {} ({}) has value {}", events_seen_, kEventNames[ev.kind], ev.value);
    if (ev.kind == kEvOrder) {
      day_order_revenue_[size_t(day)] += ev.value;
      ++day_order_count_[size_t(day)];
    } else if (ev.kind == kEvTouch && ev.rep < reps && ev.a < kActions) {
      if (day != capacity_day_) {
        std::fill(rep_day_capacity_used_.begin(), rep_day_capacity_used_.end(), 0.0);
        capacity_day_ = day;
      }
      double& used = rep_day_capacity_used_[ev.rep];
      const double before = used;
      used += sc.actions[ev.a].touch_cost;
      if (used > capacity && before <= capacity)
        r.fail("day {}: rep {} used more than its capacity of {} visits", day, ev.rep, capacity);
    }
  }

  // Completed days: finite, in range, and revenue and orders equal to the order events.
  const int done_days = std::min(days, int(e.tick() / tpd));
  const bool orders_logged = rec.wants(kEvOrder);
  for (; days_checked_ < done_days; ++days_checked_) {
    const DayRow& d = rec.days()[size_t(days_checked_)];
    check_day(d, days_checked_, e.world().accounts(), r);
    if (orders_logged) {
      if (!near(d.revenue, day_order_revenue_[size_t(days_checked_)]))
        r.fail("day {}: revenue {} differs from the sum of its orders {}", days_checked_, d.revenue,
               day_order_revenue_[size_t(days_checked_)]);
      if (d.orders != day_order_count_[size_t(days_checked_)])
        r.fail("day {}: {} orders counted but {} order events", days_checked_, d.orders, day_order_count_[size_t(days_checked_)]);
    }
  }

  // New payout statements: finite, equal to the sum of their lines.
  const auto& st = rec.statements();
  for (; statements_seen_ < st.size(); ++statements_seen_) {
    const PayoutStatement& s = st[statements_seen_];
    double lines = 0;
    for (const auto& l : s.lines) lines += l.amount;
    if (!std::isfinite(s.total) || std::abs(lines - s.total) > 1e-6 * std::max(1.0, std::abs(s.total)))
      r.fail("payout statement {} (rep {}, {}): total {} but its lines add up to {}", statements_seen_, s.rep, s.period, s.total, lines);
    if (s.role == Payee::Rep && s.rep >= reps) r.fail("payout statement {} names rep {} of {}", statements_seen_, s.rep, reps);
    if (s.role == Payee::WarehouseStaff && s.staff >= e.world().staff())
      r.fail("payout statement {} names warehouse staff member {} of {}", statements_seen_, s.staff, e.world().staff());
  }

  // KPIs: never infinite. NaN means "not defined yet" (a ratio with nothing to count: no forecast
  // bucket scored, no six-month cohort), allowed during a warm-up of kKpiWarmupDays, never after.
  const bool warm = e.tick() / tpd >= kKpiWarmupDays;
  if (with_kpis)
    for (const Kpi& k : e.kpis()) {
      if (std::isinf(k.value)) r.fail("KPI {} is {}", k.name, k.value);
      // KPIs of mechanisms a scenario may not use are NaN for good when there is nothing to measure.
      const bool optional = ((k.name == "card_closure_rate" || k.name == "card_response_hours") &&
                             e.recorder().pods.size() > 0 && [&] {
                               for (const PodStats& p : e.recorder().pods)
                                 if (p.cards_raised > 0) return false;
                               return true;
                             }()) ||
                            (k.name == "replenishment_on_time_share" && e.world().staff() == 0);
      if (std::isnan(k.value) && warm && !optional) r.fail("KPI {} is NaN after {} days", k.name, e.tick() / tpd);
    }
  return std::move(r.out);
}

std::vector<std::string> check_invariants(const Engine& e, size_t limit) {
  InvariantChecker c;
  return c.check(e, limit);
}

}  // namespace salesim
