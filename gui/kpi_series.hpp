// The KPI time series the charts draw, derived from the recorder's per-day rows. Ratios are taken
// over a rolling window as sum(numerator) / sum(denominator), never as a mean of daily ratios;
// definitions of the KPIs themselves are in docs/model.md#kpis.
#pragma once
#include <string>
#include <vector>

#include "gui/chart.hpp"
#include "sim/recorder.hpp"

namespace salesim::gui {

struct KpiChartDef {
  const char* key;      // stable name (sidecar, tests)
  const char* title;
  const char* unit;
  ValueFormat format;
  const char* tooltip;
};

// The charts of the Run and What-if panels, in display order. "forecast_vs_actual" is drawn from
// forecast_buckets() (two series and a band per run); the others are one series per run.
const std::vector<KpiChartDef>& kpi_chart_defs();

// One series per chart def (same order), each with one value per completed day.
// window_days: smoothing window for flows and ratios (1 = daily values).
std::vector<std::vector<double>> kpi_series(const std::vector<DayRow>& days, int window_days);

// Daily minimum and maximum of revenue within the window: the band behind the smoothed line.
void revenue_band(const std::vector<DayRow>& days, int window_days, std::vector<double>& lo, std::vector<double>& hi);

// The rolling window of the win-rate chart: 28 days, or the smoothing window if longer.
int win_rate_window(int window_days);

// Forecast vs actual units per forecast bucket, from the rows of the days a bucket closed (those
// with forecast_units or actual_units > 0, as timeseries.csv leaves the other days blank). Each
// bucket's totals are held over the days it covers, (previous close, its close], so the chart is
// a step line; days of the bucket still open are NaN. The error band is
// forecast x (1 -/+ m), m = mean absolute percentage error |actual - forecast| / actual of the
// previous `band_buckets` closed buckets (totals over all series): the error one could expect
// before the bucket closed. The first bucket has no band.
struct ForecastBuckets {
  std::vector<double> forecast, actual, lo, hi;  // per day
  std::vector<int> bucket_of_day;                // per day: index into close_day, -1 if open
  std::vector<int> close_day;                    // per bucket: the day its row was recorded
  std::vector<double> band_mape;                 // per bucket: m (NaN for the first)
};
ForecastBuckets forecast_buckets(const std::vector<DayRow>& days, int band_buckets = 8);

}  // namespace salesim::gui
