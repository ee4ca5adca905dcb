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

// The charts of the Run and What-if panels, in display order.
const std::vector<KpiChartDef>& kpi_chart_defs();

// One series per chart def (same order), each with one value per completed day.
// window_days: smoothing window for flows and ratios (1 = daily values).
std::vector<std::vector<double>> kpi_series(const std::vector<DayRow>& days, int window_days);

// Daily minimum and maximum of revenue within the window: the band behind the smoothed line.
void revenue_band(const std::vector<DayRow>& days, int window_days, std::vector<double>& lo, std::vector<double>& hi);

}  // namespace salesim::gui
