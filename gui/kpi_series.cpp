#include "gui/kpi_series.hpp"

#include <algorithm>
#include <cmath>

namespace salesim::gui {

namespace {
enum Def { kRevenue, kMargin, kWinRate, kInvalid, kCustomers, kPayouts, kForecastVsActual, kMape, kDefs };
}

const std::vector<KpiChartDef>& kpi_chart_defs() {
  static const std::vector<KpiChartDef> defs = {
      {"revenue", "Revenue per day", "CNY", ValueFormat::Money,
       "Revenue of shipped order lines per day, averaged over the smoothing window; the band is the daily low "
       "and high within the window."},
      {"gross_margin", "Gross margin", "", ValueFormat::Percent,
       "(revenue - cost of goods) / revenue over the smoothing window."},
      {"win_rate", "Win rate, rolling 28 days", "", ValueFormat::Percent,
       "First orders / accounts reaching the engaged stage (deals opened), both summed over the last 28 days "
       "(or the smoothing window if longer). A first order in the window may come from a deal opened before it "
       "or from a lapsed customer won back, so the rolling rate can exceed 100%; the win_rate KPI of the table "
       "counts only first orders of engaged accounts, over the whole run."},
      {"invalid_visit_rate", "Invalid visit rate", "", ValueFormat::Percent,
       "Share of visits with no recorded result, over the smoothing window (domain.md section 3)."},
      {"customers", "Active customers", "accounts", ValueFormat::Number,
       "Accounts that ordered in the last 30 days, at the end of each day."},
      {"payouts", "Payouts to reps, cumulative", "CNY", ValueFormat::Money,
       "Total pay to reps so far (base salary and incentive); statements are paid at each month end."},
      {"forecast_vs_actual", "Forecast vs actual", "units per bucket", ValueFormat::Number,
       "Units forecast and units demanded per forecast bucket, summed over every region x SKU series, drawn "
       "over the days the bucket covers. Band: forecast x (1 +/- the mean absolute percentage error of the "
       "previous 8 buckets), the error to expect before the bucket closes."},
      {"forecast_mape", "Forecast error (MAPE)", "", ValueFormat::Percent,
       "Mean absolute percentage error of the demand forecast per region x SKU x bucket, over the last 28 days "
       "(or the smoothing window if longer)."},
  };
  return defs;
}

int win_rate_window(int window_days) { return std::max(28, window_days); }

std::vector<std::vector<double>> kpi_series(const std::vector<DayRow>& days, int window_days) {
  const size_t n = days.size();
  const size_t w = size_t(std::max(1, window_days));
  const size_t w_long = size_t(win_rate_window(window_days));
  std::vector<std::vector<double>> out(kpi_chart_defs().size(), std::vector<double>(n, NAN));
  // Prefix sums make every rolling window O(1).
  std::vector<double> rev(n + 1, 0), cogs(n + 1, 0), visits(n + 1, 0), valid(n + 1, 0), ape(n + 1, 0), cells(n + 1, 0),
      engaged(n + 1, 0), won(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    const DayRow& d = days[i];
    rev[i + 1] = rev[i] + d.revenue;
    cogs[i + 1] = cogs[i] + d.cogs;
    visits[i + 1] = visits[i] + d.visits;
    valid[i + 1] = valid[i] + d.valid_visits;
    ape[i + 1] = ape[i] + d.forecast_ape_sum;
    cells[i + 1] = cells[i] + d.forecast_cells;
    engaged[i + 1] = engaged[i] + d.engaged;
    won[i + 1] = won[i] + d.first_orders;
  }
  auto sum = [](const std::vector<double>& p, size_t i, size_t win) {
    const size_t from = i + 1 >= win ? i + 1 - win : 0;
    return p[i + 1] - p[from];
  };
  double paid = 0;
  for (size_t i = 0; i < n; ++i) {
    const double span = double(std::min(w, i + 1));
    const double r = sum(rev, i, w);
    out[kRevenue][i] = r / span;
    if (r > 0) out[kMargin][i] = (r - sum(cogs, i, w)) / r;
    const double e = sum(engaged, i, w_long);
    if (e > 0) out[kWinRate][i] = sum(won, i, w_long) / e;
    const double v = sum(visits, i, w);
    if (v > 0) out[kInvalid][i] = (v - sum(valid, i, w)) / v;
    out[kCustomers][i] = days[i].customers;
    paid += days[i].payouts;
    out[kPayouts][i] = paid;
    const double c = sum(cells, i, w_long);
    if (c > 0) out[kMape][i] = sum(ape, i, w_long) / c;
  }
  out[kForecastVsActual] = forecast_buckets(days).actual;
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

ForecastBuckets forecast_buckets(const std::vector<DayRow>& days, int band_buckets) {
  const size_t n = days.size();
  ForecastBuckets f;
  f.forecast.assign(n, NAN);
  f.actual.assign(n, NAN);
  f.lo.assign(n, NAN);
  f.hi.assign(n, NAN);
  f.bucket_of_day.assign(n, -1);
  for (size_t i = 0; i < n; ++i)
    if (days[i].forecast_units > 0 || days[i].actual_units > 0) f.close_day.push_back(int(i));
  if (f.close_day.empty()) return f;
  // Bucket length: the shortest gap between closes (the first close may follow an unscored bucket).
  int len = f.close_day[0] + 1;
  for (size_t b = 1; b < f.close_day.size(); ++b) len = std::min(len, f.close_day[b] - f.close_day[b - 1]);
  std::vector<double> apes;
  for (size_t b = 0; b < f.close_day.size(); ++b) {
    const int c = f.close_day[b];
    const DayRow& d = days[size_t(c)];
    const size_t k = std::min(apes.size(), size_t(std::max(1, band_buckets)));
    double m = NAN;
    if (k > 0) {
      m = 0;
      for (size_t j = apes.size() - k; j < apes.size(); ++j) m += apes[j];
      m /= double(k);
    }
    f.band_mape.push_back(m);
    const int from = std::max(b ? f.close_day[b - 1] + 1 : 0, c - len + 1);
    for (int i = from; i <= c; ++i) {
      f.forecast[size_t(i)] = d.forecast_units;
      f.actual[size_t(i)] = d.actual_units;
      f.bucket_of_day[size_t(i)] = int(b);
      if (std::isfinite(m)) {
        f.lo[size_t(i)] = std::max(0.0, d.forecast_units * (1 - m));
        f.hi[size_t(i)] = d.forecast_units * (1 + m);
      }
    }
    if (d.actual_units > 0) apes.push_back(std::abs(d.actual_units - d.forecast_units) / d.actual_units);
  }
  return f;
}

}  // namespace salesim::gui
