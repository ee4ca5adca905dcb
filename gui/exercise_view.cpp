#include "gui/exercise_view.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "gui/chart.hpp"
#include "gui/kpi_series.hpp"

namespace salesim::gui {

using nlohmann::json;

namespace {
const ImVec4 kGood(0.45f, 0.85f, 0.50f, 1.0f);
const ImVec4 kWarn(1.0f, 0.72f, 0.30f, 1.0f);
const ImVec4 kBad(1.0f, 0.45f, 0.40f, 1.0f);
const ImU32 kYou = IM_COL32(86, 156, 255, 255), kRef = IM_COL32(120, 210, 120, 255), kNothing = IM_COL32(200, 200, 200, 200);

std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

ImVec4 score_colour(double achievement) { return achievement >= 0.999 ? kGood : achievement > 0 ? kWarn : kBad; }

// A turn-by-turn score as a daily series: each day shows the score at the end of its turn.
std::vector<double> score_by_day(const std::vector<models::TurnRecord>& turns) {
  std::vector<double> y;
  for (const auto& t : turns)
    for (int d = t.first_day; d < t.end_day; ++d) y.push_back(t.score);
  return y;
}
}  // namespace

ExerciseView::ExerciseView(ExerciseViewOptions opt) : opt_(std::move(opt)) {}

ExerciseView::~ExerciseView() {
  if (work_.valid()) work_.wait();
}

bool ExerciseView::init(std::string& error) {
  auto join = [](const std::string& file, const std::vector<Problem>& ps) {
    std::string out;
    for (const auto& p : ps) out += (out.empty() ? "" : "\n") + (p.where.rfind(file, 0) == 0 ? p.str() : file + ": " + p.str());
    return out;
  };
  auto loaded = models::load_exercise_file(opt_.exercise_path);
  if (!loaded.exercise) {
    error = join(opt_.exercise_path, loaded.problems);
    return false;
  }
  ex_ = std::move(*loaded.exercise);
  if (!opt_.decisions_path.empty()) {
    auto d = models::load_decisions_file(*ex_, opt_.decisions_path);
    if (!d.decisions) {
      error = join(opt_.decisions_path, d.problems);
      return false;
    }
    recorded_ = std::move(*d.decisions);
  }
  if (!ex_->reference_file.empty()) {
    auto r = models::load_decisions_file(*ex_, ex_->reference_file);
    if (!r.decisions) {
      error = join(ex_->reference_file, r.problems);
      return false;
    }
    reference_ = std::move(*r.decisions);
  }
  if (opt_.panel != "play" && opt_.panel != "debrief") {
    error = fmt::format("--panel {}: an exercise has the panels play and debrief", opt_.panel);
    return false;
  }
  if (opt_.turn != -1 && (opt_.turn < 1 || opt_.turn > ex_->turns)) {
    error = fmt::format("--turn {}: the exercise has turns 1 to {}", opt_.turn, ex_->turns);
    return false;
  }
  play_ = std::make_unique<models::ExercisePlay>(*ex_, EngineOptions{std::nullopt, opt_.threads});
  pending_ = play_->in_force();
  return true;
}

bool ExerciseView::busy() const {
  return work_.valid() && work_.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
}

void ExerciseView::finish_work() {
  if (work_.valid() && !busy()) {
    try {
      work_.get();
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
}

models::Decisions ExerciseView::played() const {
  models::Decisions d;
  d.trainee = recorded_ ? recorded_->trainee : std::string("you");
  d.turns = history_;
  return d;
}

void ExerciseView::start_turn() {
  models::TurnDecisions td;
  td.turn = play_->turns_done() + 1;
  td.note = note_;
  for (const auto& [k, v] : pending_)
    if (play_->in_force().at(k) != v) td.set[k] = v;
  if (!td.set.empty()) history_.push_back(td);
  note_.clear();
  work_ = std::async(std::launch::async, [this, td] { play_->play_turn(td.set, td.note); });
}

void ExerciseView::start_debrief() {
  const models::Decisions d = played();
  work_ = std::async(std::launch::async, [this, d] {
    debrief_ = models::debrief(*ex_, d, reference_, EngineOptions{std::nullopt, opt_.threads});
  });
  show_debrief_ = true;
}

void ExerciseView::run_until(int) {
  // Plays the recorded decisions: up to the start of --turn for "play", every turn for "debrief".
  const int stop = opt_.panel == "debrief" ? ex_->turns
                                           : (opt_.turn > 0 ? opt_.turn - 1 : std::min(2, ex_->turns - 1));
  auto recorded_at = [&](int turn) {
    const models::TurnDecisions* td = recorded_ ? recorded_->at(turn) : nullptr;
    return td ? *td : models::TurnDecisions{turn, {}, {}};
  };
  while (play_->turns_done() < stop) {
    const models::TurnDecisions td = recorded_at(play_->turns_done() + 1);
    for (const auto& [k, v] : td.set) pending_[k] = v;
    note_ = td.note;
    start_turn();
    work_.wait();
    finish_work();
  }
  pending_ = play_->in_force();
  const models::TurnDecisions next = recorded_at(play_->turns_done() + 1);
  for (const auto& [k, v] : next.set) pending_[k] = v;  // the widgets show what the trainee chose next
  note_ = next.note;
  if (opt_.panel == "debrief") {
    start_debrief();
    work_.wait();
    finish_work();
  }
}

std::string ExerciseView::window_title() const { return "salesim-gui - exercise: " + (ex_ ? ex_->name : std::string()); }

void ExerciseView::frame() {
  chart_log().clear();
  drawn_ = json::object();
  finish_work();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::Begin("exercise", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  if (show_debrief_) debrief_view();
  else play_view();
  ImGui::End();
}

void ExerciseView::decision_widget(const models::DecisionSpec& d) {
  ImGui::PushID(d.name.c_str());
  json& v = pending_[d.name];
  const bool changed = play_->in_force().at(d.name) != v;
  ImGui::TextUnformatted(d.label.c_str());
  if (changed) {
    ImGui::SameLine();
    ImGui::TextColored(kWarn, "(changed: was %s)", value_text(play_->in_force().at(d.name)).c_str());
  }
  ImGui::SetNextItemWidth(-1);
  if (d.type == "choice") {
    int cur = 0;
    for (size_t i = 0; i < d.choices.size(); ++i)
      if (v.is_string() && d.choices[i].name == v.get<std::string>()) cur = int(i);
    if (ImGui::BeginCombo("##v", d.choices[size_t(cur)].label.c_str())) {
      for (size_t i = 0; i < d.choices.size(); ++i)
        if (ImGui::Selectable(d.choices[i].label.c_str(), int(i) == cur)) v = d.choices[i].name;
      ImGui::EndCombo();
    }
  } else if (d.type == "boolean") {
    bool b = v.get<bool>();
    if (ImGui::Checkbox(b ? "on" : "off", &b)) v = b;
  } else if (d.type == "integer") {
    int x = v.get<int>();
    if (ImGui::SliderInt("##v", &x, int(std::ceil(d.min)), int(std::floor(d.max)), ("%d " + d.unit).c_str())) v = x;
  } else {
    float x = v.get<float>();
    if (ImGui::SliderFloat("##v", &x, float(d.min), float(d.max), ("%.2f " + d.unit).c_str())) v = double(std::round(x * 1000.0f) / 1000.0f);
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", d.help.c_str());
  ImGui::PopStyleColor();
  ImGui::Spacing();
  ImGui::PopID();
  drawn_["decisions"][d.name] = {{"value", v}, {"in_force", play_->in_force().at(d.name)}};
}

void ExerciseView::objective_table(const models::Score& s) {
  if (!ImGui::BeginTable("objectives", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
  ImGui::TableSetupColumn("objective", ImGuiTableColumnFlags_WidthStretch, 3.0f);
  ImGui::TableSetupColumn("so far", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn("weight", ImGuiTableColumnFlags_WidthStretch, 0.6f);
  ImGui::TableSetupColumn("points", ImGuiTableColumnFlags_WidthStretch, 0.7f);
  ImGui::TableHeadersRow();
  for (const auto& o : s.by_objective) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", o.objective.name.c_str());
    ImGui::TableNextColumn();
    ImGui::TextColored(score_colour(o.achievement), "%s", models::format_kpi(o.objective.kpi, o.value).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%g", o.objective.weight);
    ImGui::TableNextColumn();
    ImGui::Text("%.1f", o.points);
  }
  ImGui::EndTable();
}

// The consequences so far: daily charts of the run, with the turn boundaries as the x axis' months.
void ExerciseView::turn_charts(float height) {
  const Engine& e = play_->engine();
  const int days_done = int(e.tick() / e.clock().ticks_per_day());
  std::vector<DayRow> rows(e.recorder().days().begin(), e.recorder().days().begin() + days_done);
  const auto series = kpi_series(rows, 7);
  const auto& defs = kpi_chart_defs();
  const char* wanted[] = {"revenue", "invalid_visit_rate", "customers"};
  const float w = ImGui::GetContentRegionAvail().x;
  const float cw = (w - 2 * ImGui::GetStyle().ItemSpacing.x) / 3.0f;
  int drawn = 0;
  for (const char* key : wanted)
    for (size_t k = 0; k < defs.size(); ++k) {
      if (std::string(defs[k].key) != key) continue;
      Chart c;
      c.title = defs[k].title;
      c.unit = defs[k].unit;
      c.format = defs[k].format;
      c.tooltip = defs[k].tooltip;
      c.horizon_days = ex_->days();
      c.start = e.clock().start();
      c.series.push_back({"", series[k], kYou, 2.0f});
      if (drawn++) ImGui::SameLine();
      draw_chart(defs[k].key, c, ImVec2(cw, height));
    }
  Chart sc;
  sc.title = "Score so far, by turn";
  sc.horizon_days = ex_->days();
  sc.start = e.clock().start();
  sc.series.push_back({"you", score_by_day(play_->turns()), kYou, 2.5f});
  draw_chart("score", sc, ImVec2(-1, height));
}

void ExerciseView::play_view() {
  const models::Exercise& ex = *ex_;
  if (busy()) {  // the worker owns the engine until the turn is played
    ImGui::Text("%s: playing turn %d of %d...", ex.name.c_str(), play_->turns_done() + 1, ex.turns);
    drawn_["panel"] = "play";
    drawn_["busy"] = true;
    return;
  }
  const int turn = play_->turns_done() + 1;
  const bool over = play_->done();
  ImGui::TextUnformatted(ex.name.c_str());
  ImGui::SameLine(ImGui::GetWindowWidth() - 330);
  const models::Score s = play_->score_so_far();
  ImGui::Text("Score so far: %.1f / 100", s.total);
  ImGui::Separator();
  const float left_w = 560;
  ImGui::BeginChild("left", ImVec2(left_w, 0), false);
  ImGui::TextWrapped("%s", ex.story.c_str());
  ImGui::Separator();
  if (!over) {
    ImGui::Text("Turn %d of %d: days %d to %d", turn, ex.turns, (turn - 1) * ex.turn_days, turn * ex.turn_days);
    for (const auto& h : ex.hints)
      if (h.turn == turn) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarn);
        ImGui::TextWrapped("Hint: %s", h.text.c_str());
        ImGui::PopStyleColor();
      }
    ImGui::Spacing();
    for (const auto& d : ex.decisions) decision_widget(d);
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##note", "why (optional; shown in the debrief)", &note_);
    if (ImGui::Button(fmt::format("Play turn {} ({} days)", turn, ex.turn_days).c_str(), ImVec2(-1, 0))) start_turn();
  } else {
    ImGui::Text("All %d turns played.", ex.turns);
    if (ImGui::Button("Debrief", ImVec2(-1, 0))) start_debrief();
  }
  if (!error_.empty()) ImGui::TextColored(kBad, "%s", error_.c_str());
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("right", ImVec2(0, 0), false);
  objective_table(s);
  ImGui::Spacing();
  if (!play_->turns().empty()) {
    const auto& last = play_->turns().back();
    ImGui::Text("Last turn (%d): revenue %s, invalid visits %s, cost of sales %s, stores lost %.0f, first orders %.0f",
                last.turn, models::format_kpi("revenue", last.revenue).c_str(),
                models::format_kpi("invalid_visit_rate", last.invalid_visit_rate).c_str(),
                models::format_kpi("cost_of_sales_ratio", last.cost_of_sales_ratio).c_str(), last.churned, last.first_orders);
  } else {
    ImGui::TextDisabled("Play the first turn to see its consequences here.");
  }
  const float h = std::max(140.0f, (ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y) / 2.0f);
  turn_charts(h);
  ImGui::EndChild();
  drawn_["panel"] = "play";
  drawn_["turn"] = over ? json(nullptr) : json(turn);
  drawn_["turns_done"] = play_->turns_done();
  drawn_["score"] = s.total;
}

void ExerciseView::debrief_view() {
  const models::Exercise& ex = *ex_;
  ImGui::Text("Debrief: %s", ex.name.c_str());
  ImGui::Separator();
  if (!debrief_) {
    ImGui::Text("Playing the reference strategy, doing nothing and the counterfactuals on the same seed...");
    drawn_["panel"] = "debrief";
    drawn_["ready"] = false;
    return;
  }
  const models::Debrief& db = *debrief_;
  ImGui::BeginChild("left", ImVec2(800, 0), false);
  ImGui::Text("Your score: %.1f", db.trainee.score.total);
  ImGui::SameLine(220);
  if (db.reference) ImGui::TextColored(kGood, "Reference: %.1f", db.reference->score.total);
  ImGui::SameLine(420);
  ImGui::TextDisabled("Doing nothing: %.1f", db.nothing.score.total);
  ImGui::Spacing();
  if (ImGui::BeginTable("byobj", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("objective (weight)", ImGuiTableColumnFlags_WidthStretch, 2.6f);
    ImGui::TableSetupColumn("you", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("reference", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("nothing", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < ex.objectives.size(); ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s (%g)", ex.objectives[i].name.c_str(), ex.objectives[i].weight);
      auto cell = [&](const models::Playthrough* p) {
        ImGui::TableNextColumn();
        if (!p) { ImGui::TextDisabled("n/a"); return; }
        const auto& o = p->score.by_objective[i];
        ImGui::TextColored(score_colour(o.achievement), "%s  %.0f pt", models::format_kpi(o.objective.kpi, o.value).c_str(), o.points);
      };
      cell(&db.trainee);
      cell(db.reference ? &*db.reference : nullptr);
      cell(&db.nothing);
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  ImGui::TextUnformatted("What you did");
  if (ImGui::BeginTable("turns", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("turn", ImGuiTableColumnFlags_WidthStretch, 0.4f);
    ImGui::TableSetupColumn("score", ImGuiTableColumnFlags_WidthStretch, 0.5f);
    ImGui::TableSetupColumn("changes", ImGuiTableColumnFlags_WidthStretch, 4.0f);
    ImGui::TableHeadersRow();
    for (const auto& t : db.trainee.turns) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d", t.turn);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", t.score);
      ImGui::TableNextColumn();
      std::string ch;
      for (const auto& [k, v] : t.changes) ch += (ch.empty() ? "" : ", ") + k + " = " + value_text(v);
      if (!t.note.empty()) ch += "  \"" + t.note + "\"";
      ImGui::TextWrapped("%s", ch.empty() ? "-" : ch.c_str());
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  ImGui::TextUnformatted("Key moments (your play without one turn's changes, same seed)");
  if (db.moments.empty()) ImGui::TextDisabled("No turn changed a decision.");
  for (const auto& k : db.moments) {
    std::string ch;
    for (const auto& [n, v] : k.changes) ch += (ch.empty() ? "" : ", ") + n + " = " + value_text(v);
    ImGui::TextWrapped("Turn %d (%s): %+.1f points; %s %s instead of %s", k.turn, ch.c_str(), k.impact, k.kpi.c_str(),
                       models::format_kpi(k.kpi, k.kpi_with).c_str(), models::format_kpi(k.kpi, k.kpi_without).c_str());
  }
  ImGui::Spacing();
  ImGui::TextUnformatted("Trainer's notes");
  for (const auto& n : ex.debrief_notes) {
    ImGui::Bullet();
    ImGui::TextWrapped("%s", n.c_str());
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("right", ImVec2(0, 0), false);
  Chart c;
  c.title = "Score by turn: you, the reference, doing nothing";
  c.horizon_days = ex.days();
  c.start = ex.start.clock.start();
  c.series.push_back({"you", score_by_day(db.trainee.turns), kYou, 2.5f});
  if (db.reference) c.series.push_back({"reference", score_by_day(db.reference->turns), kRef, 2.0f});
  c.series.push_back({"nothing", score_by_day(db.nothing.turns), kNothing, 2.0f});
  const float h = (ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y) / 2.0f;
  draw_chart("debrief_score", c, ImVec2(-1, h));
  Chart r;
  r.title = "Revenue per turn";
  r.unit = "CNY";
  r.format = ValueFormat::Money;
  r.horizon_days = ex.days();
  r.start = c.start;
  auto per_turn = [](const models::Playthrough& p) {
    std::vector<double> y;
    for (const auto& t : p.turns)
      for (int d = t.first_day; d < t.end_day; ++d) y.push_back(t.revenue);
    return y;
  };
  r.series.push_back({"you", per_turn(db.trainee), kYou, 2.5f});
  if (db.reference) r.series.push_back({"reference", per_turn(*db.reference), kRef, 2.0f});
  r.series.push_back({"nothing", per_turn(db.nothing), kNothing, 2.0f});
  draw_chart("debrief_revenue", r, ImVec2(-1, h));
  ImGui::EndChild();
  drawn_["panel"] = "debrief";
  drawn_["ready"] = true;
  drawn_["score"] = db.trainee.score.total;
  drawn_["reference_score"] = db.reference ? json(db.reference->score.total) : json(nullptr);
  drawn_["nothing_score"] = db.nothing.score.total;
  drawn_["key_moments"] = db.moments.size();
}

json ExerciseView::sidecar() const {
  json out = drawn_;
  json charts = json::array();
  for (const auto& c : chart_log()) {
    json series = json::array();
    for (const auto& s : c.series)
      series.push_back({{"label", s.label}, {"points", s.points}, {"last", s.last}, {"min", s.min}, {"max", s.max}});
    charts.push_back({{"title", c.title}, {"series", series}});
  }
  out["charts"] = charts;
  out["exercise"] = ex_ ? ex_->name : "";
  return out;
}

}  // namespace salesim::gui
