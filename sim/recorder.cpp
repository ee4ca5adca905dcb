#include "sim/recorder.hpp"

#include "sim/exact_math.hpp"

#include <algorithm>
#include <cmath>
#include <span>

namespace salesim {

void Recorder::init(int days, uint32_t event_mask) {
  event_mask_ = event_mask;
  days_.assign(size_t(days), DayRow{});
  events_.clear();
  basket_bins_.clear();
  basket_more_.clear();
  basket_big_.clear();
  statements_.clear();
}

void Recorder::basket_lanes(size_t n) {
  if (basket_bins_.empty()) basket_bins_.assign(kBasketBins, 0);
  while (basket_more_.size() + 1 < n) basket_more_.emplace_back(kBasketBins, 0);
}

std::vector<uint32_t> Recorder::basket_counts() const {
  std::vector<uint32_t> sum = basket_bins_;
  for (const auto& lane : basket_more_)
    for (size_t i = 0; i < lane.size(); ++i) sum[i] += lane[i];  // lanes exist only beside basket_bins_
  return sum;
}

double Recorder::median_basket() const {
  const std::vector<uint32_t> added = basket_more_.empty() ? std::vector<uint32_t>{} : basket_counts();
  const std::vector<uint32_t>& bins = basket_more_.empty() ? basket_bins_ : added;
  uint64_t small = 0;
  for (uint32_t c : bins) small += c;
  const uint64_t n = small + basket_big_.size();
  if (n == 0) return 0;
  std::vector<float> big = basket_big_;
  std::sort(big.begin(), big.end());
  // The value of rank k (0-based) in ascending order: histogram bins first, then the big ones.
  auto at = [&](uint64_t k) {
    if (k >= small) return double(big[size_t(k - small)]);
    uint64_t seen = 0;
    for (size_t i = 0; i < bins.size(); ++i) {
      seen += bins[i];
      if (seen > k) return double(i) / 100.0;
    }
    return 0.0;  // unreachable: k < small
  };
  const uint64_t mid = n / 2;
  return n % 2 ? at(mid) : 0.5 * (at(mid - 1) + at(mid));
}

double gini(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  double cum = 0, weighted = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    cum += v[i];
    weighted += double(i + 1) * v[i];
  }
  if (cum <= 0) return 0.0;
  const double n = double(v.size());
  return (2.0 * weighted) / (n * cum) - (n + 1.0) / n;
}

std::vector<Kpi> Recorder::kpis(size_t reps, double cost_per_visit, const std::vector<RegionId>& rep_region,
                                const std::vector<double>& rep_revenue, int days_done) const {
  const size_t nd = days_done < 0 ? days_.size() : std::min(days_.size(), size_t(days_done));
  const std::span<const DayRow> rows(days_.data(), nd);  // the days counted
  DayRow t;
  double customer_days = 0;
  for (const auto& d : rows) {
    t.revenue += d.revenue; t.cogs += d.cogs; t.payouts += d.payouts; t.lost_revenue += d.lost_revenue;
    t.orders += d.orders; t.lines += d.lines; t.short_lines += d.short_lines;
    t.visits += d.visits; t.valid_visits += d.valid_visits;
    t.first_orders += d.first_orders; t.adoptions += d.adoptions; t.churned += d.churned;
    t.trial_lapsed += d.trial_lapsed; t.engaged += d.engaged;
    t.suggestions += d.suggestions; t.accepted += d.accepted; t.degraded += d.degraded; t.tasks_done += d.tasks_done;
    t.forecast_ape_sum += d.forecast_ape_sum; t.forecast_cells += d.forecast_cells;
    t.cards_raised += d.cards_raised; t.cards_answered += d.cards_answered; t.discounts += d.discounts;
    t.credit_blocked_orders += d.credit_blocked_orders; t.poached += d.poached; t.poaching_complaints += d.poaching_complaints; t.bad_debt += d.bad_debt; t.discount_given += d.discount_given;
    t.replenishments_due += d.replenishments_due; t.replenishments_on_time += d.replenishments_on_time;
    t.staff_pay += d.staff_pay; t.collaboration_bonus += d.collaboration_bonus;
    customer_days += d.customers;
  }
  const double n_days = double(rows.size());
  const double months = n_days / (365.25 / 12.0);
  double inv_sum = 0;
  for (const auto& d : rows) inv_sum += d.inventory_value;
  const double mean_customers = n_days > 0 ? customer_days / n_days : 0;
  auto ratio = [](double a, double b) { return b > 0 ? a / b : std::nan(""); };
  const double visit_cost = double(t.visits) * cost_per_visit;
  double response_hours = 0, answered = 0;
  for (const PodStats& p : pods) { response_hours += p.response_hours_sum; answered += double(p.cards_answered); }
  uint64_t done = 0;
  for (const InterventionRecord& x : interventions) done += x.done_day >= 0;
  // Regional variance: coefficient of variation over regions of revenue per rep.
  double regional_cv = std::nan("");
  if (!rep_region.empty() && rep_region.size() == rep_revenue.size()) {
    std::vector<double> sum, count;
    for (size_t r = 0; r < rep_region.size(); ++r) {
      if (rep_region[r] >= sum.size()) { sum.resize(rep_region[r] + 1, 0.0); count.resize(rep_region[r] + 1, 0.0); }
      sum[rep_region[r]] += rep_revenue[r];
      count[rep_region[r]] += 1;
    }
    std::vector<double> per;
    for (size_t g = 0; g < sum.size(); ++g)
      if (count[g] > 0) per.push_back(sum[g] / count[g]);
    if (per.size() > 1) {
      double mean = 0, var = 0;
      for (double x : per) mean += x / double(per.size());
      for (double x : per) var += (x - mean) * (x - mean) / double(per.size());
      regional_cv = mean > 0 ? std::sqrt(var) / mean : std::nan("");
    }
  }
  return {
      {"revenue", t.revenue, "CNY", "Revenue of shipped order lines, net of discount."},
      {"gross_margin", ratio(t.revenue - t.cogs, t.revenue), "share", "(revenue - cost of goods) / revenue."},
      {"invalid_visit_rate", ratio(double(t.visits - t.valid_visits), double(t.visits)), "share",
       "Share of visits with no recorded result (domain.md section 3)."},
      {"output_per_rep_month", ratio(t.revenue, double(reps) * months), "CNY/rep/month", "Revenue per rep per month."},
      {"visit_cost_per_customer_month", ratio(visit_cost, mean_customers * months), "CNY/customer/month",
       "Visit cost per active customer (ordered in the last 30 days) per month."},
      {"order_to_finance_hours", ratio(lead_hours_sum, double(lead_count)), "hours",
       "Mean hours from an order being placed to finance posting it."},
      {"forecast_mape", ratio(t.forecast_ape_sum, double(t.forecast_cells)), "share",
       "Mean absolute percentage error of the forecast per region x SKU x bucket."},
      {"inventory_turnover_days", ratio(inv_sum / std::max(1.0, n_days), t.cogs / std::max(1.0, n_days)), "days",
       "Mean inventory value at cost / mean daily cost of goods sold."},
      {"repurchase_rate_30d", ratio(double(repurchase_hits), double(repurchase_eligible)), "share",
       "Share of first orders followed by a second order within 30 days."},
      {"retention_6m", ratio(double(retention_kept), double(retention_cohort)), "share",
       "Share of repeat customers on a cohort day (every 30 days) that have not lapsed 182 days later."},
      {"median_basket", median_basket(), "CNY", "Median order value."},
      {"orders", double(t.orders), "orders", "Orders shipped (at least one unit)."},
      {"visits_per_month", ratio(double(t.visits), months), "visits/month", "Touches made by all reps per month."},
      {"customers_mean", mean_customers, "accounts", "Mean number of active customers (ordered in the last 30 days)."},
      {"first_orders", double(t.first_orders), "accounts", "First orders (new or won-back customers)."},
      {"churned", double(t.churned), "accounts", "Repeat customers that lapsed."},
      {"stockout_rate", ratio(double(t.short_lines), double(t.lines)), "share", "Share of order lines not shipped in full."},
      {"lost_revenue", t.lost_revenue, "CNY", "Revenue lost to stock-outs."},
      {"payouts", t.payouts, "CNY", "Total pay to reps (all statement lines)."},
      {"cost_of_sales_ratio", ratio(t.payouts + visit_cost + specialist_cost + t.collaboration_bonus, t.revenue), "share",
       "(rep pay + visit cost + pod specialists' cost + warehouse collaboration bonus) / revenue."},
      {"payout_gini", gini(rep_pay), "index", "Gini coefficient of total pay across reps (0 = equal)."},
      {"rep_attrition_rate", ratio(double(rep_quits), double(reps) * n_days / 365.25), "share",
       "Reps who quit per rep per year."},
      {"regional_output_cv", regional_cv, "share",
       "Coefficient of variation over regions of revenue per rep (regional performance variance)."},
      {"interventions_fired", double(t.suggestions), "tasks", "Suggestions created by intervention rules."},
      {"interventions_accepted", double(t.accepted), "tasks", "Suggestions reps accepted."},
      {"interventions_degraded", double(t.degraded), "tasks", "Suggestions the circuit breaker degraded to a brief."},
      {"interventions_done", double(done), "tasks", "Suggestions carried out: tasks and dispatches done, material pushed, stock ordered (a credit freeze applies at once and shows only in its status; docs/interventions.md)."},
      {"win_rate", ratio(double(deals_won), double(t.engaged)), "share",
       "Deals won (first order after reaching stage 6, engaged) / accounts that reached engaged in the run."},
      {"deal_cycle_days", ratio(deal_cycle_days_sum, double(deals_won)), "days", "Mean days from engaged to the first order, over deals won."},
      {"cards_raised", double(t.cards_raised), "cards", "Demand cards raised (docs/pods.md#cards)."},
      {"card_closure_rate", ratio(double(t.cards_answered), double(t.cards_raised)), "share", "Demand cards answered / raised."},
      {"card_response_hours", ratio(response_hours, answered), "hours", "Mean hours from a demand card to its answer."},
      {"discount_given", t.discount_given, "CNY", "Revenue given away as negotiated discounts (docs/pods.md#discounts)."},
      {"bad_debt", t.bad_debt, "CNY", "Revenue shipped to accounts whose invoices were written off (docs/interventions.md#credit)."},
      {"credit_blocked_orders", double(t.credit_blocked_orders), "orders", "Orders refused because the account's credit was frozen."},
      {"poached_accounts", double(t.poached), "accounts", "Accounts another rep took the revenue credit of (docs/incentives.md#poaching)."},
      {"poaching_complaints", double(t.poaching_complaints), "complaints", "Complaints by reps whose accounts were poached."},
      {"visit_quality", ratio(visit_quality_sum, double(visit_quality_n)), "score",
       "Mean composite of a valid visit's sub-dimensions: needs discovery, objection handling, decision-chain influence (0-1)."},
      {"specialist_cost", specialist_cost, "CNY", "Cost of the pods' specialists (presales, customer success, analysts)."},
      // Warehouse staff (docs/model.md#warehouse). Last in the list: Engine::state_hash leaves them out
      // of scenarios without staff, so adding them did not move the pinned hashes.
      {"replenishment_on_time_share", ratio(double(t.replenishments_on_time), double(t.replenishments_due)), "share",
       "Share of replenishments due that arrived on time (after lead_days), over warehouse staff (docs/model.md#warehouse)."},
      {"collaboration_bonus", t.collaboration_bonus, "CNY",
       "Collaboration bonus paid to warehouse staff (docs/incentives.md#collaboration-bonus); counted in cost_of_sales_ratio."},
      {"warehouse_pay", t.staff_pay, "CNY", "Total pay to warehouse staff: base salary and collaboration bonus."},
  };
}

}  // namespace salesim
