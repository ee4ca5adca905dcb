#include "gui/kpi_series.hpp"

#include <algorithm>
#include <cmath>

namespace salesim::gui {

const std::vector<KpiChartDef>& kpi_chart_defs() {
  static const std::vector<KpiChartDef> defs = {
      {"revenue", "Revenue per day", "CNY", ValueFormat::Money,
       "Revenue of shipped order lines per day, averaged over the smoothing window; the band is the daily low "
       "and high within the window."},
      {"gross_margin", "Gross margin", "", ValueFormat::Percent,
       "(revenue - cost of goods) / revenue over the smoothing window."},
      {"invalid_visit_rate", "Invalid visit rate", "", ValueFormat::Percent,
       "Share of visits with no recorded result, over the smoothing window (domain.md section 3)."},
      {"customers", "Active customers", "accounts", ValueFormat::Number,
       "Accounts that ordered in the last 30 days, at the end of each day."},
      {"payouts", "Payouts to reps, cumulative", "CNY", ValueFormat::Money,
       "Total pay to reps so far (base salary and incentive); statements are paid at each month end."},
      {"forecast_mape", "Forecast error (MAPE)", "", ValueFormat::Percent,
       "Mean absolute percentage error of the demand forecast per region x SKU x bucket, over the last 28 days "
       "(or the smoothing window if longer)."},
  };
  return defs;
}

std::vector<std::vector<double>> kpi_series(const std::vector<DayRow>& days, int window_days) {
  const size_t n = days.size();
  const size_t w = size_t(std::max(1, window_days));
  const size_t w_mape = std::max<size_t>(w, 28);
  std::vector<std::vector<double>> out(kpi_chart_defs().size(), std::vector<double>(n, NAN));
  // Prefix sums make every rolling window O(1).
  std::vector<double> rev(n + 1, 0), cogs(n + 1, 0), visits(n + 1, 0), valid(n + 1, 0), ape(n + 1, 0), cells(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    const DayRow& d = days[i];
    rev[i + 1] = rev[i] + d.revenue;
    cogs[i + 1] = cogs[i] + d.cogs;
    visits[i + 1] = visits[i] + d.visits;
    valid[i + 1] = valid[i] + d.valid_visits;
    ape[i + 1] = ape[i] + d.forecast_ape_sum;
    cells[i + 1] = cells[i] + d.forecast_cells;
  }
  auto sum = [](const std::vector<double>& p, size_t i, size_t win) {
    const size_t from = i + 1 >= win ? i + 1 - win : 0;
    return p[i + 1] - p[from];
  };
  double paid = 0;
  for (size_t i = 0; i < n; ++i) {
    const double span = double(std::min(w, i + 1));
    const double r = sum(rev, i, w);
    out[0][i] = r / span;
    if (r > 0) out[1][i] = (r - sum(cogs, i, w)) / r;
    const double v = sum(visits, i, w);
    if (v > 0) out[2][i] = (v - sum(valid, i, w)) / v;
    out[3][i] = days[i].customers;
    paid += days[i].payouts;
    out[4][i] = paid;
    const double c = sum(cells, i, w_mape);
    if (c > 0) out[5][i] = sum(ape, i, w_mape) / c;
  }
  return out;
}

void revenue_band(const std::vector<DayRow>& days, int window_days, std::vector<double>& lo, std::vector<double>& hi) {
  const size_t n = days.size(), w = size_t(std::max(1, window_days));
  lo.assign(n, NAN);
  hi.assign(n, NAN);
  if (w <= 1) return;
  for (size_t i = 0; i < n; ++i) {
    const size_t from = i + 1 >= w ? i + 1 - w : 0;
    double a = INFINITY, b = -INFINITY;
    for (size_t k = from; k <= i; ++k) a = std::min(a, days[k].revenue), b = std::max(b, days[k].revenue);
    lo[i] = a;
    hi[i] = b;
  }
}

}  // namespace salesim::gui
