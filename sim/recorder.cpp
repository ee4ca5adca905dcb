#include "sim/recorder.hpp"

#include <algorithm>
#include <cmath>

namespace salesim {

void Recorder::init(int days, uint32_t event_mask) {
  event_mask_ = event_mask;
  days_.assign(size_t(days), DayRow{});
  events_.clear();
  baskets_.clear();
  statements_.clear();
}

double Recorder::median_basket() const {
  if (baskets_.empty()) return 0;
  std::vector<float> v = baskets_;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + long(mid), v.end());
  if (v.size() % 2) return v[mid];
  const float hi = v[mid];
  const float lo = *std::max_element(v.begin(), v.begin() + long(mid));
  return 0.5 * (double(lo) + double(hi));
}

std::vector<Kpi> Recorder::kpis(size_t reps, double cost_per_visit) const {
  DayRow t;
  double customer_days = 0;
  for (const auto& d : days_) {
    t.revenue += d.revenue; t.cogs += d.cogs; t.payouts += d.payouts; t.lost_revenue += d.lost_revenue;
    t.orders += d.orders; t.lines += d.lines; t.short_lines += d.short_lines;
    t.visits += d.visits; t.valid_visits += d.valid_visits;
    t.first_orders += d.first_orders; t.adoptions += d.adoptions; t.churned += d.churned;
    t.trial_lapsed += d.trial_lapsed; t.engaged += d.engaged;
    t.suggestions += d.suggestions; t.accepted += d.accepted; t.degraded += d.degraded; t.tasks_done += d.tasks_done;
    t.forecast_ape_sum += d.forecast_ape_sum; t.forecast_cells += d.forecast_cells;
    customer_days += d.customers;
  }
  const double n_days = double(days_.size());
  const double months = n_days / (365.25 / 12.0);
  double inv_sum = 0;
  for (const auto& d : days_) inv_sum += d.inventory_value;
  const double mean_customers = n_days > 0 ? customer_days / n_days : 0;
  auto ratio = [](double a, double b) { return b > 0 ? a / b : std::nan(""); };
  const double visit_cost = double(t.visits) * cost_per_visit;
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
      {"cost_of_sales_ratio", ratio(t.payouts + visit_cost, t.revenue), "share", "(rep pay + visit cost) / revenue."},
      {"interventions_fired", double(t.suggestions), "tasks", "Suggestions created by intervention rules."},
      {"interventions_accepted", double(t.accepted), "tasks", "Suggestions reps accepted."},
      {"interventions_degraded", double(t.degraded), "tasks", "Suggestions the circuit breaker degraded to a brief."},
  };
}

}  // namespace salesim
