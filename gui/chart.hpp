// A small time-series chart on ImDrawList (there is no ImPlot package on Debian 12): axes with
// "nice" ticks, month labels on the x axis, a legend, an optional band, a hover read-out and a
// cursor shared between charts. Series are per simulated day; NaN leaves a gap.
#pragma once
#include <imgui.h>

#include <functional>
#include <string>
#include <vector>

#include "sim/calendar.hpp"

namespace salesim::gui {

enum class ValueFormat { Number, Money, Percent };

struct ChartSeries {
  std::string label;
  std::vector<double> y;  // one value per day from day 0; may be shorter than the horizon
  ImU32 color = IM_COL32(90, 170, 255, 255);
  float thickness = 2.0f;
};

struct ChartBand {  // shaded range, e.g. an error band around a series
  std::string label;
  std::vector<double> lo, hi;
  ImU32 color = IM_COL32(90, 170, 255, 60);
};

struct Chart {
  std::string title, unit;        // unit is shown after the title
  ValueFormat format = ValueFormat::Number;
  int horizon_days = 0;           // x axis spans the whole run, so the lines grow as it runs
  Date start;                     // calendar date of day 0 (month ticks)
  std::vector<ChartSeries> series;
  std::vector<ChartBand> bands;
  bool y_from_zero = true;
  std::string tooltip;            // what the chart shows, in business words
  std::function<void(int day)> hover_extra;  // more read-out lines for the hovered day (in the tooltip)
};

// What a chart drew, for tests and the screenshot sidecar.
struct ChartRecord {
  std::string title;
  ImVec2 plot_min, plot_max;  // screen pixels of the plot area
  double y_min = 0, y_max = 0;
  struct SeriesStats { std::string label; ImU32 color; int points = 0; double first = 0, last = 0, min = 0, max = 0, sum = 0; };
  std::vector<SeriesStats> series;
  struct BandStats { std::string label; int points = 0; double lo_min = 0, hi_max = 0; };
  std::vector<BandStats> bands;
};

// Draws the chart filling `size` (negative = available). A cursor is drawn at `shared_day` (the day
// hovered in another chart last frame, -1 for none); the day under the mouse, if any, is written to
// `hovered_day`. Returns what was drawn.
ChartRecord draw_chart(const char* id, const Chart& c, ImVec2 size, int shared_day = -1, int* hovered_day = nullptr);

std::string format_value(double v, ValueFormat f);

// Charts drawn in the current frame (cleared by the app at the start of each frame).
std::vector<ChartRecord>& chart_log();

}  // namespace salesim::gui
