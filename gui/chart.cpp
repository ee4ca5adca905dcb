#include "gui/chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

#include "gui/format.hpp"

namespace salesim::gui {

namespace {

constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

double nice_step(double raw) {
  if (!(raw > 0)) return 1;
  const double e = std::floor(std::log10(raw));
  const double f = raw / std::pow(10.0, e);
  const double n = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return n * std::pow(10.0, e);
}

std::string tick_label(double v, double step, ValueFormat f) {
  if (f == ValueFormat::Percent) return step < 0.01 ? fmt::format("{:.1f}%", 100 * v) : fmt::format("{:.0f}%", 100 * v);
  if (std::abs(v) < 1e-12) return "0";
  return compact(v);
}

}  // namespace

std::vector<ChartRecord>& chart_log() {
  static std::vector<ChartRecord> log;
  return log;
}

std::string format_value(double v, ValueFormat f) {
  if (!std::isfinite(v)) return "n/a";
  switch (f) {
    case ValueFormat::Percent: return fmt::format("{:.1f}%", 100 * v);
    case ValueFormat::Money: return thousands(v, std::abs(v) < 100 ? 2 : 0);
    case ValueFormat::Number: return std::abs(v) >= 1000 ? thousands(v, 0) : fmt::format("{:.3g}", v);
  }
  return {};
}

ChartRecord draw_chart(const char* id, const Chart& c, ImVec2 size, int shared_day, int* hovered_day) {
  ImGui::PushID(id);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = std::max(50.0f, avail.x + size.x);
  if (size.y <= 0) size.y = std::max(50.0f, avail.y + size.y);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##chart", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float lh = ImGui::GetTextLineHeight();
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 grid_col = ImGui::GetColorU32(ImGuiCol_Border, 0.45f);
  const ImU32 axis_col = ImGui::GetColorU32(ImGuiCol_Border, 1.0f);

  ChartRecord rec;
  rec.title = c.title;

  // Frame and title row.
  dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(255, 255, 255, 8), 4.0f);
  dl->AddRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), ImGui::GetColorU32(ImGuiCol_Border, 0.6f), 4.0f);
  dl->AddText(ImVec2(p0.x + 8, p0.y + 4), text_col, c.title.c_str());
  float tx = p0.x + 8 + ImGui::CalcTextSize(c.title.c_str()).x + 8;
  if (!c.unit.empty()) {
    dl->AddText(ImVec2(tx, p0.y + 4), dim_col, c.unit.c_str());
    tx += ImGui::CalcTextSize(c.unit.c_str()).x;
  }

  // Value range over every finite value.
  double lo = INFINITY, hi = -INFINITY;
  int n_max = 0;
  for (const auto& s : c.series) {
    n_max = std::max<int>(n_max, int(s.y.size()));
    for (double v : s.y)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  for (const auto& b : c.bands)
    for (size_t i = 0; i < b.lo.size() && i < b.hi.size(); ++i)
      if (std::isfinite(b.lo[i]) && std::isfinite(b.hi[i])) lo = std::min(lo, b.lo[i]), hi = std::max(hi, b.hi[i]);
  const bool empty = !(lo <= hi);
  if (empty) lo = 0, hi = c.format == ValueFormat::Percent ? 1 : 1;
  if (c.y_from_zero && lo > 0) lo = 0;
  if (hi - lo < 1e-12) hi = lo + (std::abs(lo) > 0 ? std::abs(lo) * 0.1 : 1);
  const double step = nice_step((hi - lo) / 4.0);
  const double y_lo = std::floor(lo / step + 1e-9) * step, y_hi = std::ceil(hi / step - 1e-9) * step;

  // Plot area: room for y labels on the left and month labels below.
  float label_w = 0;
  for (double v = y_lo; v <= y_hi + step * 0.5; v += step)
    label_w = std::max(label_w, ImGui::CalcTextSize(tick_label(v, step, c.format).c_str()).x);
  const ImVec2 a(p0.x + label_w + 14, p0.y + lh + 12);
  const ImVec2 b(p0.x + size.x - 12, p0.y + size.y - lh - 8);
  rec.plot_min = a;
  rec.plot_max = b;
  rec.y_min = y_lo;
  rec.y_max = y_hi;
  const int horizon = std::max({c.horizon_days, n_max, 1});
  auto X = [&](double d) { return a.x + float(d / std::max(1, horizon - 1)) * (b.x - a.x); };
  auto Y = [&](double v) { return b.y - float((v - y_lo) / (y_hi - y_lo)) * (b.y - a.y); };

  // Grid, y ticks.
  for (double v = y_lo; v <= y_hi + step * 0.5; v += step) {
    const float y = Y(v);
    dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), grid_col);
    const std::string t = tick_label(v, step, c.format);
    dl->AddText(ImVec2(a.x - 6 - ImGui::CalcTextSize(t.c_str()).x, y - lh * 0.5f), dim_col, t.c_str());
  }
  // x ticks at month starts, labelled with the month where labels fit; January shows the year and
  // is placed first so it is never the one left out.
  {
    const int64_t s0 = c.start.serial();
    struct Tick { float x; bool year; std::string text; };
    std::vector<Tick> ticks;
    for (int d = 0; d < horizon; ++d) {
      const Date dt = Date::from_serial(s0 + d);
      if (dt.day != 1 && d != 0) continue;
      const float x = X(d);
      if (dt.day == 1) dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), grid_col);
      dl->AddLine(ImVec2(x, b.y), ImVec2(x, b.y + 4), axis_col);
      ticks.push_back({x, dt.month == 1, dt.month == 1 ? std::to_string(dt.year) : std::string(kMonths[size_t(dt.month - 1)])});
    }
    std::vector<std::pair<float, float>> placed;
    for (int pass = 0; pass < 2; ++pass)
      for (const auto& t : ticks) {
        if (t.year != (pass == 0)) continue;
        const float w = ImGui::CalcTextSize(t.text.c_str()).x, left = t.x - w * 0.5f;
        if (left + w > b.x + 8 || left < a.x - 8) continue;
        bool clash = false;
        for (const auto& [l, r] : placed) clash |= left < r + 8 && left + w + 8 > l;
        if (clash) continue;
        placed.emplace_back(left, left + w);
        dl->AddText(ImVec2(left, b.y + 4), t.year ? text_col : dim_col, t.text.c_str());
      }
  }
  dl->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, b.y), axis_col);
  dl->AddLine(ImVec2(a.x, a.y), ImVec2(a.x, b.y), axis_col);

  dl->PushClipRect(ImVec2(a.x - 1, a.y - 4), ImVec2(b.x + 4, b.y + 1), true);
  // Bands are many adjacent quads: without anti-aliased fill their shared edges leave no seams.
  const ImDrawListFlags saved_flags = dl->Flags;
  dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
  for (const auto& band : c.bands) {
    const size_t n = std::min(band.lo.size(), band.hi.size());
    ChartRecord::BandStats bs{band.label};
    for (size_t i = 0; i < n; ++i)
      if (std::isfinite(band.lo[i]) && std::isfinite(band.hi[i])) {
        bs.lo_min = bs.points ? std::min(bs.lo_min, band.lo[i]) : band.lo[i];
        bs.hi_max = bs.points ? std::max(bs.hi_max, band.hi[i]) : band.hi[i];
        ++bs.points;
      }
    rec.bands.push_back(bs);
    for (size_t i = 0; i + 1 < n; ++i) {
      if (!std::isfinite(band.lo[i]) || !std::isfinite(band.hi[i]) || !std::isfinite(band.lo[i + 1]) ||
          !std::isfinite(band.hi[i + 1]))
        continue;
      dl->AddQuadFilled(ImVec2(X(double(i)), Y(band.hi[i])), ImVec2(X(double(i + 1)), Y(band.hi[i + 1])),
                        ImVec2(X(double(i + 1)), Y(band.lo[i + 1])), ImVec2(X(double(i)), Y(band.lo[i])), band.color);
    }
  }
  dl->Flags = saved_flags;
  std::vector<ImVec2> pts;
  for (const auto& s : c.series) {
    ChartRecord::SeriesStats st{s.label, s.color};
    bool first = true;
    auto flush = [&] {
      if (pts.size() == 1) dl->AddCircleFilled(pts[0], s.thickness + 1.0f, s.color);
      else if (pts.size() > 1) dl->AddPolyline(pts.data(), int(pts.size()), s.color, 0, s.thickness);
      pts.clear();
    };
    for (size_t i = 0; i < s.y.size(); ++i) {
      const double v = s.y[i];
      if (!std::isfinite(v)) {
        flush();
        continue;
      }
      pts.emplace_back(X(double(i)), Y(v));
      if (first) st.first = st.min = st.max = v, first = false;
      st.min = std::min(st.min, v);
      st.max = std::max(st.max, v);
      st.last = v;
      st.sum += v;
      ++st.points;
    }
    flush();
    rec.series.push_back(st);
  }
  dl->PopClipRect();

  // Legend in the title row, right-aligned: swatch, label and the latest value of each series;
  // compact numbers when the full ones do not fit, and inside the plot when even those do not.
  {
    auto entry = [&](size_t k, bool compact_values) {
      const auto& s = c.series[k];
      std::string v = "-";
      if (rec.series[k].points)
        v = compact_values && c.format != ValueFormat::Percent ? compact(rec.series[k].last) : format_value(rec.series[k].last, c.format);
      return (c.series.size() > 1 || !s.label.empty() ? s.label + " " : std::string()) + v;
    };
    auto width = [&](bool compact_values) {
      float w = 0;
      for (size_t k = 0; k < c.series.size(); ++k) w += ImGui::CalcTextSize(entry(k, compact_values).c_str()).x + 32;
      return w;
    };
    const bool compact_values = tx + 20 + width(false) > b.x;
    if (tx + 20 + width(true) <= b.x) {
      float x = b.x;
      const float top = p0.y + 4;
      for (size_t k = c.series.size(); k-- > 0;) {
        const std::string t = entry(k, compact_values);
        x -= ImGui::CalcTextSize(t.c_str()).x;
        dl->AddText(ImVec2(x, top), text_col, t.c_str());
        x -= 18;
        dl->AddRectFilled(ImVec2(x, top + lh * 0.5f - 2), ImVec2(x + 12, top + lh * 0.5f + 2), c.series[k].color, 1.0f);
        x -= 14;
      }
    } else {  // second choice: top-left inside the plot, on a backdrop, wrapped into rows
      float x = a.x + 6, y = a.y + 4;
      for (size_t k = 0; k < c.series.size(); ++k) {
        const std::string t = entry(k, true);
        const float wk = ImGui::CalcTextSize(t.c_str()).x + 18;
        if (x + wk > b.x - 4 && x > a.x + 6) x = a.x + 6, y += lh + 4;
        dl->AddRectFilled(ImVec2(x - 4, y - 2), ImVec2(x + wk + 4, y + lh + 2), ImGui::GetColorU32(ImGuiCol_ChildBg, 0.85f), 3);
        dl->AddRectFilled(ImVec2(x, y + lh * 0.5f - 2), ImVec2(x + 12, y + lh * 0.5f + 2), c.series[k].color, 1.0f);
        dl->AddText(ImVec2(x + 18, y), text_col, t.c_str());
        x += wk + 14;
      }
    }
  }
  if (empty) {
    const char* t = "no data yet - press Run";
    const ImVec2 ts = ImGui::CalcTextSize(t);
    dl->AddText(ImVec2((a.x + b.x - ts.x) * 0.5f, (a.y + b.y - ts.y) * 0.5f), dim_col, t);
  }

  // Cursor: from this chart's mouse, or shared from another chart.
  int cursor = -1;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (hovered && mouse.x >= a.x && mouse.x <= b.x) {
    cursor = std::clamp(int(std::lround((mouse.x - a.x) / std::max(1.0f, b.x - a.x) * float(horizon - 1))), 0, horizon - 1);
    if (hovered_day) *hovered_day = cursor;
  } else if (shared_day >= 0 && shared_day < horizon) {
    cursor = shared_day;
  }
  if (cursor >= 0) {
    const float x = X(cursor);
    dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), ImGui::GetColorU32(ImGuiCol_Text, 0.5f));
    for (const auto& s : c.series)
      if (size_t(cursor) < s.y.size() && std::isfinite(s.y[size_t(cursor)]))
        dl->AddCircleFilled(ImVec2(x, Y(s.y[size_t(cursor)])), 3.5f, s.color);
    if (hovered) {
      ImGui::BeginTooltip();
      const Date dt = Date::from_serial(c.start.serial() + cursor);
      ImGui::Text("%s  (day %d)", dt.str().c_str(), cursor + 1);
      for (size_t k = 0; k < c.series.size(); ++k) {
        const auto& s = c.series[k];
        const double v = size_t(cursor) < s.y.size() ? s.y[size_t(cursor)] : NAN;
        ImGui::ColorButton("##sw", ImGui::ColorConvertU32ToFloat4(s.color),
                           ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoPicker, ImVec2(lh * 0.8f, lh * 0.8f));
        ImGui::SameLine();
        ImGui::Text("%s %s %s", s.label.empty() ? c.title.c_str() : s.label.c_str(), format_value(v, c.format).c_str(),
                    c.unit.c_str());
      }
      for (const auto& band : c.bands)
        if (size_t(cursor) < band.lo.size() && size_t(cursor) < band.hi.size())
          ImGui::TextDisabled("%s %s .. %s", band.label.c_str(), format_value(band.lo[size_t(cursor)], c.format).c_str(),
                              format_value(band.hi[size_t(cursor)], c.format).c_str());
      if (c.hover_extra) c.hover_extra(cursor);
      if (!c.tooltip.empty()) {
        ImGui::Separator();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
        ImGui::TextDisabled("%s", c.tooltip.c_str());
        ImGui::PopTextWrapPos();
      }
      ImGui::EndTooltip();
    }
  }
  chart_log().push_back(rec);
  ImGui::PopID();
  return rec;
}

}  // namespace salesim::gui
