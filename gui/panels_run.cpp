// The Run panel (KPI charts and table) and the What-if panel (A and B side by side).
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "gui/app.hpp"
#include "gui/format.hpp"
#include "gui/kpi_series.hpp"
#include "gui/widgets.hpp"

namespace salesim::gui {

using nlohmann::json;

namespace {

const ImU32 kColorA = IM_COL32(86, 156, 255, 255);
const ImU32 kColorB = IM_COL32(255, 150, 60, 255);
const ImU32 kForecastA = IM_COL32(185, 150, 255, 255);  // forecast lines (actual units use kColorA/B)
const ImU32 kForecastB = IM_COL32(255, 215, 120, 255);
const ImVec4 kGood(0.45f, 0.85f, 0.45f, 1.0f);
const ImVec4 kBadV(1.0f, 0.45f, 0.40f, 1.0f);

// KPIs where a smaller number is the better outcome (colours the what-if differences).
bool lower_is_better(const std::string& k) {
  static const std::vector<std::string> lower = {
      "invalid_visit_rate", "visit_cost_per_customer_month", "order_to_finance_hours", "forecast_mape",
      "inventory_turnover_days", "churned", "stockout_rate", "lost_revenue", "cost_of_sales_ratio",
      "interventions_degraded", "deal_cycle_days", "card_response_hours", "discount_given", "bad_debt",
      "credit_blocked_orders"};
  return std::find(lower.begin(), lower.end(), k) != lower.end();
}
bool neutral(const std::string& k) {
  return k == "payouts" || k == "interventions_fired" || k == "visits_per_month" || k == "cards_raised" || k == "specialist_cost";
}

const Scenario::Target* target_of(const Scenario& sc, const std::string& kpi) {
  for (const auto& t : sc.targets)
    if (t.kpi == kpi) return &t;
  return nullptr;
}

}  // namespace

const App::SeriesCache& App::series_for(const Snapshot& s, SeriesCache& cache) const {
  if (cache.version != s.version || cache.smoothing != opt_.smoothing_days) {
    cache.version = s.version;
    cache.smoothing = opt_.smoothing_days;
    cache.series = kpi_series(s.days, opt_.smoothing_days);
    revenue_band(s.days, opt_.smoothing_days, cache.band_lo, cache.band_hi);
    cache.forecast = forecast_buckets(s.days);
    const size_t n = s.days.size(), w = size_t(win_rate_window(opt_.smoothing_days));
    cache.win_engaged.assign(n, 0);
    cache.win_first.assign(n, 0);
    double e = 0, f = 0;
    for (size_t i = 0; i < n; ++i) {
      e += s.days[i].engaged;
      f += s.days[i].first_orders;
      if (i >= w) e -= s.days[i - w].engaged, f -= s.days[i - w].first_orders;
      cache.win_engaged[i] = e;
      cache.win_first[i] = f;
    }
  }
  return cache;
}

void App::chart_grid(const std::vector<const Snapshot*>& snaps, const std::vector<SeriesCache*>& caches,
                     const WorldView& w, ImVec2 size, const char* id) {
  const auto& defs = kpi_chart_defs();
  const int cols = 2, rows = int((defs.size() + 1) / 2);
  const float sp = ImGui::GetStyle().ItemSpacing.y;
  const float cw = (size.x - ImGui::GetStyle().ItemSpacing.x * float(cols - 1)) / float(cols);
  const float ch = std::max(120.0f, (size.y - sp * float(rows - 1)) / float(rows));
  ImGui::PushID(id);
  for (size_t k = 0; k < defs.size(); ++k) {
    Chart c;
    c.title = defs[k].title;
    c.unit = defs[k].unit;
    c.format = defs[k].format;
    c.tooltip = defs[k].tooltip;
    c.horizon_days = w.days;
    c.start = w.start;
    const std::string key = defs[k].key;
    std::vector<const SeriesCache*> used;
    for (size_t i = 0; i < snaps.size(); ++i) {
      const SeriesCache& sc = series_for(*snaps[i], *caches[i]);
      used.push_back(&sc);
      const std::string run = snaps.size() > 1 ? (i == 0 ? "A" : "B") : "";
      if (key == "forecast_vs_actual") {
        // Forecast in a lighter shade with its error band, actual in the run's colour.
        const ImU32 fc = i == 0 ? kForecastA : kForecastB;
        const std::string pre = run.empty() ? "" : run + " ";
        c.series.push_back({pre + "forecast", sc.forecast.forecast, fc, 1.5f});
        c.series.push_back({pre + "actual", sc.forecast.actual, i == 0 ? kColorA : kColorB, 2.0f});
        c.bands.push_back({pre + "forecast +/- MAPE of 8 buckets", sc.forecast.lo, sc.forecast.hi, (fc & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, snaps.size() > 1 ? 40 : 55)});
        continue;
      }
      c.series.push_back({run, sc.series[k], i == 0 ? kColorA : kColorB, 2.0f});
      if (k == 0 && snaps.size() == 1 && opt_.smoothing_days > 1)
        c.bands.push_back({"daily low..high", sc.band_lo, sc.band_hi, IM_COL32(86, 156, 255, 45)});
    }
    if (key == "forecast_vs_actual") {
      c.hover_extra = [used, w, multi = snaps.size() > 1](int day) {
        for (size_t i = 0; i < used.size(); ++i) {
          const ForecastBuckets& f = used[i]->forecast;
          const std::string run = multi ? (i == 0 ? "A: " : "B: ") : "";
          if (size_t(day) >= f.bucket_of_day.size() || f.bucket_of_day[size_t(day)] < 0) {
            ImGui::TextDisabled("%sbucket still open", run.c_str());
            continue;
          }
          const size_t b = size_t(f.bucket_of_day[size_t(day)]);
          const double fc = f.forecast[size_t(day)], ac = f.actual[size_t(day)];
          const Date closed = Date::from_serial(w.start.serial() + f.close_day[b]);
          ImGui::TextDisabled("%sbucket %zu, closed %s: error %s of actual; band +/- %s", run.c_str(), b + 1,
                              closed.str().c_str(), ac > 0 ? format_value((fc - ac) / ac, ValueFormat::Percent).c_str() : "n/a",
                              format_value(f.band_mape[b], ValueFormat::Percent).c_str());
        }
      };
    } else if (key == "win_rate") {
      c.hover_extra = [used, multi = snaps.size() > 1, win = win_rate_window(opt_.smoothing_days)](int day) {
        for (size_t i = 0; i < used.size(); ++i) {
          if (size_t(day) >= used[i]->win_engaged.size()) continue;
          ImGui::TextDisabled("%s%.0f first orders / %.0f deals opened in the %d days to here", multi ? (i == 0 ? "A: " : "B: ") : "",
                              used[i]->win_first[size_t(day)], used[i]->win_engaged[size_t(day)], win);
        }
      };
    }
    if (k % cols) ImGui::SameLine();
    draw_chart(defs[k].key, c, ImVec2(cw, ch), shared_hover_, &next_hover_);
  }
  ImGui::PopID();
}

void App::run_panel() {
  const auto s = run_a_->snapshot();
  const auto w = run_a_->world();
  if (!s || !w) {
    ImGui::TextDisabled("Building the world...");
    return;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float table_w = std::clamp(avail.x * 0.37f, 330.0f, 520.0f);
  ImGui::BeginChild("##charts", ImVec2(avail.x - table_w - ImGui::GetStyle().ItemSpacing.x, 0));
  chart_grid({s.get()}, {&cache_a_}, *w, ImGui::GetContentRegionAvail(), "run");
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##kpis", ImVec2(0, 0), true);
  kpi_table(*s, a_.scenario, s->done);
  ImGui::EndChild();
  drawn_["days_done"] = s->days_done;
}

void App::kpi_table(const Snapshot& s, const Scenario& sc, bool final) {
  ImGui::TextUnformatted("KPIs of the run");
  ImGui::SameLine();
  if (final) ImGui::TextColored(kGood, "final");
  else ImGui::TextDisabled("(final when the run ends: day %d of %d)", s.days_done, sc.clock.days());
  if (s.kpis.empty()) return;
  if (!ImGui::BeginTable("##kpi", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp |
                                         ImGuiTableFlags_ScrollY))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("KPI", ImGuiTableColumnFlags_WidthStretch, 1.9f);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, 1.15f);
  ImGui::TableSetupColumn("target", ImGuiTableColumnFlags_WidthStretch, 0.85f);
  ImGui::TableSetupColumn("vs", ImGuiTableColumnFlags_WidthStretch, 0.55f);
  ImGui::TableHeadersRow();
  for (const auto& k : s.kpis) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(pretty_name(k.name).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s = %s", k.description.c_str(), k.name.c_str(), with_unit(k.value, k.unit).c_str());
    ImGui::TableSetColumnIndex(1);
    text_right(short_value(k.value, k.unit), !final);
    if (const auto* t = target_of(sc, k.name)) {
      ImGui::TableSetColumnIndex(2);
      text_right(short_value(t->value, k.unit), true);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\ntolerance %.0f%%", t->source.c_str(), 100 * t->tolerance);
      ImGui::TableSetColumnIndex(3);
      if (std::isfinite(k.value) && t->value != 0) {
        const double rel = k.value / t->value - 1;
        const bool ok = std::abs(rel) <= t->tolerance;
        ImGui::TextColored(final ? (ok ? kGood : kBadV) : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled), "%+.1f%%", 100 * rel);
      }
    }
  }
  ImGui::EndTable();
}

void App::whatif_panel() {
  if (!b_ || !run_b_) {
    ImGui::Spacing();
    ImGui::TextWrapped(
        "What-if: make B a copy of the scenario, change a few parameters of B (the parameter panel switches to "
        "B), and run A and B side by side with the same seed. The difference in the KPIs is then due to the "
        "parameters alone, not to chance.");
    ImGui::Spacing();
    if (ImGui::Button("Duplicate A as B", ImVec2(220, 0))) duplicate_as_b();
    return;
  }
  const auto sa = run_a_->snapshot(), sb = run_b_->snapshot();
  const auto wa = run_a_->world(), wb = run_b_->world();
  if (!sa || !sb || !wa || !wb) {
    ImGui::TextDisabled("Building the worlds...");
    return;
  }
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorA), "A");
  ImGui::SameLine();
  ImGui::TextUnformatted(a_.scenario.name.c_str());
  ImGui::SameLine(0, 20);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorB), "B");
  ImGui::SameLine();
  ImGui::TextUnformatted(fmt::format("the what-if copy  -  both with seed {}", wa->seed).c_str());
  ImGui::SameLine(0, 20);
  if (ImGui::SmallButton(edit_target_ == 1 ? "editing B" : "edit B")) edit_target_ = 1, form_.live.clear();
  ImGui::SameLine();
  if (ImGui::SmallButton("discard B")) {
    discard_b();
    return;
  }

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float left_w = std::clamp(avail.x * 0.42f, 360.0f, 560.0f);
  ImGui::BeginChild("##ab_left", ImVec2(left_w, 0), true);
  // Parameters that differ, from a JSON patch of A to B.
  const json patch = json::diff(a_.doc, b_->doc);
  ImGui::Text("Parameters that differ (%zu)", patch.size());
  if (ImGui::BeginTable("##pdiff", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("parameter", ImGuiTableColumnFlags_WidthStretch, 2.8f);
    ImGui::TableSetupColumn("A", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("B", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    json diffs = json::array();
    for (const auto& op : patch) {
      const std::string path = op["path"].get<std::string>();
      auto shorten = [](std::string v) { return v.size() > 28 ? v.substr(0, 25) + "..." : v; };
      std::string va = "-", vb = "(removed)";
      try {
        if (a_.doc.contains(json::json_pointer(path))) va = a_.doc.at(json::json_pointer(path)).dump();
      } catch (const json::exception&) {
      }
      if (op.contains("value")) vb = op["value"].dump();
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(path.c_str() + 1);  // without the leading '/'
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\nA: %s\nB: %s", path.c_str(), va.c_str(), vb.c_str());
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(shorten(va).c_str());
      ImGui::TableSetColumnIndex(2);
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorB), "%s", shorten(vb).c_str());
      diffs.push_back({{"path", path}, {"a", va}, {"b", vb}});
    }
    ImGui::EndTable();
    drawn_["parameter_differences"] = diffs;
  }
  if (patch.empty()) ImGui::TextDisabled("None yet: edit B in the parameter panel on the left.");
  ImGui::Spacing();
  const bool final = sa->done && sb->done;
  ImGui::TextUnformatted("KPI differences, B vs A");
  ImGui::SameLine();
  if (final) ImGui::TextColored(kGood, "final");
  else ImGui::TextDisabled("(final when both runs end)");
  if (ImGui::BeginTable("##kdiff", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp |
                                          ImGuiTableFlags_ScrollY)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("KPI", ImGuiTableColumnFlags_WidthStretch, 1.7f);
    ImGui::TableSetupColumn("A", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn("B", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn("change", ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableHeadersRow();
    json kd = json::array();
    for (size_t i = 0; i < sa->kpis.size() && i < sb->kpis.size(); ++i) {
      const Kpi& ka = sa->kpis[i];
      const Kpi& kb = sb->kpis[i];
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(pretty_name(ka.name).c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ka.description.c_str());
      ImGui::TableSetColumnIndex(1);
      text_right(short_value(ka.value, ka.unit));
      ImGui::TableSetColumnIndex(2);
      text_right(short_value(kb.value, kb.unit));
      ImGui::TableSetColumnIndex(3);
      std::string change;
      if (std::isfinite(ka.value) && std::isfinite(kb.value)) {
        if (is_share_unit(ka.unit)) change = fmt::format("{:+.1f} pt", 100 * (kb.value - ka.value));
        else if (ka.value != 0) change = fmt::format("{:+.1f}%", 100 * (kb.value / ka.value - 1));
        const double d = kb.value - ka.value;
        ImVec4 col = ImGui::GetStyleColorVec4(ImGuiCol_Text);
        // Colour only changes that show in the rounded figures (0.05 points or 0.05%).
        const bool visible = is_share_unit(ka.unit) ? std::abs(d) >= 0.0005 : std::abs(d) >= 0.0005 * std::abs(ka.value);
        if (visible && !neutral(ka.name))
          col = ((d < 0) == lower_is_better(ka.name)) ? kGood : kBadV;
        if (!final) col = ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
        ImGui::TextColored(col, "%s", change.c_str());
      }
      kd.push_back({{"kpi", ka.name}, {"a", std::isfinite(ka.value) ? json(ka.value) : json(nullptr)},
                    {"b", std::isfinite(kb.value) ? json(kb.value) : json(nullptr)}});
    }
    ImGui::EndTable();
    drawn_["kpi_differences"] = kd;
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##ab_charts", ImVec2(0, 0));
  chart_grid({sa.get(), sb.get()}, {&cache_a_, &cache_b_}, *wa, ImGui::GetContentRegionAvail(), "ab");
  ImGui::EndChild();
}

}  // namespace salesim::gui
