#include "gui/app.hpp"

#include <imgui_stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <thread>

#include "gui/format.hpp"
#include "gui/kpi_series.hpp"
#include "sim/output.hpp"

namespace salesim::gui {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The rows of a where/what table of loader problems (the modal and the Problems tab).
void problem_rows(const std::vector<Problem>& problems) {
  for (const auto& p : problems) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(p.where.empty() ? "/" : p.where.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::TextWrapped("%s", p.what.c_str());
  }
}
const ImVec4 kWarn(1.0f, 0.72f, 0.30f, 1.0f);
const ImVec4 kBad(1.0f, 0.45f, 0.40f, 1.0f);

std::vector<Override> parse_sets(const std::vector<std::string>& sets, std::string& error) {
  std::vector<Override> out;
  for (const auto& s : sets) {
    std::string err;
    auto o = parse_override(s, err);
    if (!o) {
      error = fmt::format("--set {}: {}", s, err);
      return {};
    }
    out.push_back(*o);
  }
  return out;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string join_problems(const std::vector<Problem>& ps) {
  std::string out;
  for (const auto& p : ps) {
    if (!out.empty()) out += '\n';
    out += p.str();
  }
  return out;
}
}  // namespace

const std::vector<std::string>& panel_names() {
  static const std::vector<std::string> names = {"run", "whatif", "graph", "org", "reps", "pods", "problems"};
  return names;
}

App::App(AppOptions opt) : opt_(std::move(opt)), recovery_(opt_.recovery_path) {
  max_speed_ = opt_.speed_days_per_s <= 0;
  if (!max_speed_) speed_days_per_s_ = std::clamp(opt_.speed_days_per_s, 1.0, 365.0);
  request_panel_ = opt_.panel;
  account_ = opt_.account;
  rep_ = opt_.rep;
  form_.open_family = opt_.family;
  form_.filter = opt_.filter;
}

App::~App() = default;

EngineOptions App::engine_options() const {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const int threads = opt_.threads > 0 ? opt_.threads : int(std::max(1u, hw - 1));
  return EngineOptions{opt_.seed.value_or(a_.scenario.seed), threads};
}

bool App::init(std::string& error) {
  bool fatal = false;
  load_initial(error, fatal);
  if (fatal) return false;
  if (auto f = recovery_.load(); f && (f->a != a_.doc || f->b)) recovery_offer_ = std::move(f);
  run_a_ = std::make_unique<SimRunner>();
  run_a_->set_speed(max_speed_ ? 0 : speed_days_per_s_);
  run_a_->reset(a_.scenario, engine_options());
  if (b_) {
    run_b_ = std::make_unique<SimRunner>();
    run_b_->set_speed(max_speed_ ? 0 : speed_days_per_s_);
    run_b_->reset(b_->scenario, engine_options());
  }
  // Edits given on the command line go through the same path as the parameter panel (validated,
  // refused with the validator's message, autosaved to the recovery file).
  for (const auto& e : opt_.edits) {
    std::string err;
    const auto o = parse_override(e, err);
    if (!o) {
      error = fmt::format("--edit {}: {}", e, err);
      return false;
    }
    json value;
    try {
      value = json::parse(o->value);
    } catch (const json::exception&) {  // parse_error, or out_of_range for 1e999
      value = o->value;
    }
    apply_edit(FormEdit{o->pointer, value});
  }
  if (!opt_.save_as.empty()) {
    if (!save_doc(a_, opt_.save_as)) {
      error = status_;
      return false;
    }
  }
  if (!opt_.open_after.empty()) open_file(opt_.open_after);
  return true;
}

std::string App::window_title() const {
  return fmt::format("salesim-gui - {}{}{}", a_.scenario.name, a_.dirty || (b_ && b_->dirty) ? " (unsaved edits)" : "",
                     b_ ? " - what-if A/B" : "");
}

void App::load_initial(std::string& error, bool& fatal) {
  std::string path = opt_.scenario_path;
  if (path.empty()) {
    for (const std::string& c : {std::string("scenarios/default.json"), std::string(SALESIM_SOURCE_DIR) + "/scenarios/default.json"})
      if (std::error_code ec; fs::exists(c, ec)) {
        path = c;
        break;
      }
  }
  std::string err;
  const auto sets = parse_sets(opt_.sets, err);
  const auto sets_b = err.empty() ? parse_sets(opt_.sets_b, err) : std::vector<Override>{};
  if (!err.empty()) {
    error = err;
    fatal = true;
    return;
  }
  LoadResult r;
  if (!path.empty()) {
    r = load_scenario_file(path, sets);
    if (!r.ok() && !sets.empty()) {  // a model switch needs the old model's keys dropped first
      LoadResult plain = load_scenario_file(path);
      if (plain.ok()) r = load_scenario_json(prepare_model_switches(plain.scenario->normalized, sets), path, sets);
    }
    if (!r.ok()) {
      error = fmt::format("{}: the scenario is not valid:\n{}", path, join_problems(r.problems));
      if (opt_.screenshot) {
        fatal = true;
        return;
      }
      problems_ = r.problems;
      problems_source_ = path;
      show_problems_popup_ = true;
      log_.push_back(error);
      path.clear();
      r = load_scenario_json(json::object(), "<schema defaults>");
    }
  } else {
    r = load_scenario_json(json::object(), "<schema defaults>", sets);
  }
  if (!r.ok()) {  // only --set overrides on the schema defaults can fail here
    error = fmt::format("the scenario is not valid:\n{}", join_problems(r.problems));
    fatal = true;
    return;
  }
  a_ = ScenarioDoc::from(std::move(*r.scenario), path);
  a_.dirty = !sets.empty();
  if (!opt_.sets_b.empty()) {
    LoadResult rb = load_scenario_json(prepare_model_switches(a_.doc, sets_b), path.empty() ? "<B>" : path, sets_b);
    if (!rb.ok()) {
      error = fmt::format("--set-b: scenario B is not valid:\n{}", join_problems(rb.problems));
      fatal = true;
      return;
    }
    b_ = ScenarioDoc::from(std::move(*rb.scenario), "");
    b_->dirty = true;
    edit_target_ = 1;  // the parameter panel shows B, the copy being explored
  }
}

void App::set_status(std::string msg, bool error) {
  log_.push_back(msg);
  if (log_.size() > 200) log_.erase(log_.begin());
  status_ = std::move(msg);
  status_error_ = error;
  status_time_ = now_seconds();
}

bool App::open_file(const std::string& path) {
  LoadResult r = load_scenario_file(path);
  if (!r.ok()) {
    problems_ = r.problems;
    problems_source_ = path;
    show_problems_popup_ = true;
    set_status(fmt::format("Could not open {}: {} problem{}; the current scenario stays loaded", path,
                           r.problems.size(), r.problems.size() == 1 ? "" : "s"),
               true);
    return false;
  }
  a_ = ScenarioDoc::from(std::move(*r.scenario), path);
  if (b_) discard_b();
  edit_target_ = 0;
  form_.live.clear();
  form_.refused_pointer.clear();
  account_ = rep_ = -1;
  run_a_->pause();
  run_a_->reset(a_.scenario, engine_options());
  set_status("Opened " + path);
  return true;
}

bool App::save_doc(ScenarioDoc& d, const std::string& path) {
  std::string err;
  if (!write_file_atomic(path, d.doc.dump(2) + "\n", err)) {
    set_status("Save failed: " + err, true);
    return false;
  }
  d.path = path;
  d.dirty = false;
  if (!a_.dirty && !(b_ && b_->dirty)) recovery_.discard();
  else recovery_.save(a_, b_ ? &*b_ : nullptr);
  set_status("Saved " + path);
  return true;
}

void App::restart_engines() {
  const EngineOptions eo = engine_options();
  auto restart = [&](SimRunner& r, const Scenario& sc) {
    const auto s = r.snapshot();
    const bool resume = r.playing() || (s && s->done && s->days_done > 0);
    r.reset(sc, eo);
    if (resume) r.play();
  };
  restart(*run_a_, a_.scenario);
  if (b_ && run_b_) restart(*run_b_, b_->scenario);
}

void App::apply_edit(const FormEdit& e) {
  const bool to_b = edit_target_ == 1 && b_;
  ScenarioDoc& d = to_b ? *b_ : a_;
  std::vector<Problem> problems;
  std::string shown = e.value.dump();
  if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
  if (d.try_set(e.pointer, e.value, problems)) {
    form_.refused_pointer.clear();
    restart_engines();
    recovery_.save(a_, b_ ? &*b_ : nullptr);
    set_status(fmt::format("{}{} = {}: accepted; the simulation restarted", to_b ? "B: " : "", e.pointer, shown));
  } else {
    form_.refused_pointer = e.pointer;
    form_.refused_message = join_problems(problems);
    set_status(fmt::format("{}{} = {} refused: {}", to_b ? "B: " : "", e.pointer, shown, join_problems(problems)), true);
  }
}

void App::duplicate_as_b() {
  b_ = a_;
  b_->path.clear();
  b_->dirty = true;
  if (!run_b_) run_b_ = std::make_unique<SimRunner>();
  run_b_->set_speed(max_speed_ ? 0 : speed_days_per_s_);
  edit_target_ = 1;
  form_.live.clear();
  form_.refused_pointer.clear();
  // Both restart together so they stay in step, with the same seed.
  run_a_->pause();
  run_a_->reset(a_.scenario, engine_options());
  run_b_->reset(b_->scenario, engine_options());
  recovery_.save(a_, &*b_);
  set_status("B is a copy of A: edit B in the parameter panel, then Run to compare");
}

void App::discard_b() {
  b_.reset();
  run_b_.reset();
  edit_target_ = 0;
  form_.live.clear();
  cache_b_ = SeriesCache{};
}

bool App::animating() const {
  if (run_a_ && (run_a_->playing() || run_a_->building())) return true;
  if (run_b_ && (run_b_->playing() || run_b_->building())) return true;
  return now_seconds() - status_time_ < 0.5;
}

void App::play() {
  run_a_->play();
  if (run_b_) run_b_->play();
}

void App::pause() {
  run_a_->pause();
  if (run_b_) run_b_->pause();
}

void App::run_until(int day) {
  for (SimRunner* r : {run_a_.get(), run_b_.get()}) {
    if (!r) continue;
    r->set_speed(0);
    r->set_stop_day(day);
    r->play();
  }
  for (SimRunner* r : {run_a_.get(), run_b_.get()})
    if (r) r->wait_idle();
}

// ---- frame ---------------------------------------------------------------------------------------

void App::frame() {
  ++frames_;
  chart_log().clear();
  drawn_ = json::object();
  shared_hover_ = next_hover_;
  next_hover_ = -1;
  if (!pending_open_.empty()) {
    open_file(pending_open_);
    pending_open_.clear();
  }
  ImGuiIO& io = ImGui::GetIO();
  if (io.KeyCtrl && ImGui::IsKeyPressed('S', false) && !file_dialog_.is_open()) {  // GLFW_KEY_S == 'S'
    if (a_.path.empty()) {
      dialog_purpose_ = DialogPurpose::SaveA;
      file_dialog_.open("Save scenario A as", "scenario.json", true);
    } else {
      save_doc(a_, a_.path);
    }
  }

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
  ImGui::Begin("salesim-gui", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_MenuBar |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground);  // glClear paints it
  ImGui::PopStyleVar();
  menu_bar();
  const float left_w = std::clamp(vp->WorkSize.x * 0.27f, 330.0f, 520.0f);
  ImGui::BeginChild("##params", ImVec2(left_w, 0), true);
  params_panel();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##main", ImVec2(0, 0), false);
  run_controls();
  const bool request_this_frame = request_panel_pending_;
  if (ImGui::BeginTabBar("##panels")) {
    const char* titles[] = {"Run", "What-if A/B", "Buying centre", "Org", "Reps", "Pods", "Problems"};
    for (int i = 0; i < int(Panel::Count); ++i) {
      const Panel p = Panel(i);
      std::string title = titles[i];
      if (p == Panel::Problems && !problems_.empty()) title += fmt::format(" ({})", problems_.size());
      if (p == Panel::WhatIf && b_) title += " *";
      title += "###tab" + std::to_string(i);
      ImGuiTabItemFlags flags = 0;
      if (request_panel_pending_ && request_panel_ == p) flags |= ImGuiTabItemFlags_SetSelected;
      if (ImGui::BeginTabItem(title.c_str(), nullptr, flags)) {
        current_panel_ = p;
        switch (p) {
          case Panel::Run: run_panel(); break;
          case Panel::WhatIf: whatif_panel(); break;
          case Panel::BuyingCentre: buying_centre_panel(); break;
          case Panel::Org: org_panel(); break;
          case Panel::Reps: reps_panel(); break;
          case Panel::Pods: pods_panel(); break;
          case Panel::Problems: problems_panel(); break;
          case Panel::Count: break;
        }
        ImGui::EndTabItem();
      }
    }
    ImGui::EndTabBar();
    // Screenshot mode keeps forcing the panel; interactively it is a one-off request.
    if (!opt_.screenshot && request_this_frame) request_panel_pending_ = false;
  }
  ImGui::EndChild();
  ImGui::End();
  popups();
  drawn_["panel"] = panel_names()[size_t(current_panel_)];
}

void App::menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open scenario...")) {
      dialog_purpose_ = DialogPurpose::Open;
      file_dialog_.open("Open scenario", a_.path.empty() ? "scenarios" : fs::path(a_.path).parent_path().string(), false);
    }
    if (ImGui::MenuItem("Reload from disk", nullptr, false, !a_.path.empty())) open_file(a_.path);
    ImGui::Separator();
    if (ImGui::MenuItem("Save A", "Ctrl+S", false, true)) {
      if (a_.path.empty()) {
        dialog_purpose_ = DialogPurpose::SaveA;
        file_dialog_.open("Save scenario A as", "scenario.json", true);
      } else {
        save_doc(a_, a_.path);
      }
    }
    if (ImGui::MenuItem("Save A as...")) {
      dialog_purpose_ = DialogPurpose::SaveA;
      file_dialog_.open("Save scenario A as", a_.path.empty() ? "scenario.json" : a_.path, true);
    }
    if (ImGui::MenuItem("Save B as...", nullptr, false, b_.has_value())) {
      dialog_purpose_ = DialogPurpose::SaveB;
      file_dialog_.open("Save scenario B as", b_->path.empty() ? "scenario-b.json" : b_->path, true);
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Offer recovered edits again", nullptr, false, !recovery_.path().empty()))
      if (auto f = recovery_.load()) recovery_offer_ = std::move(f);
    ImGui::Separator();
    if (ImGui::MenuItem("Quit")) quit_ = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("What-if")) {
    if (ImGui::MenuItem(b_ ? "Duplicate A as B again (drops B's edits)" : "Duplicate A as B")) duplicate_as_b();
    if (ImGui::MenuItem("Discard B", nullptr, false, b_.has_value())) discard_b();
    if (ImGui::MenuItem("Edit A", nullptr, edit_target_ == 0)) edit_target_ = 0, form_.live.clear();
    if (ImGui::MenuItem("Edit B", nullptr, edit_target_ == 1, b_.has_value())) edit_target_ = 1, form_.live.clear();
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    for (int w : {1, 7, 28})
      if (ImGui::MenuItem(w == 1 ? "Daily values" : fmt::format("{}-day smoothing", w).c_str(), nullptr, opt_.smoothing_days == w))
        opt_.smoothing_days = w;
    ImGui::Separator();
    ImGui::SetNextItemWidth(120);
    ImGui::SliderInt("'touched recently' window, days", &recent_days_, 1, 90);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    ImGui::TextUnformatted("salesim-gui: explore what-if scenarios of a sales organisation.");
    ImGui::TextDisabled("Hover any parameter for its meaning in business words; docs/gui.md describes every panel.");
    ImGui::TextDisabled("Recovery file: %s", recovery_.path().empty() ? "(off)" : recovery_.path().c_str());
    ImGui::EndMenu();
  }
  // Right side: engine facts.
  if (const auto w = run_a_->world()) {
    std::string facts = fmt::format("seed {}  |  {} thread{} per engine", w->seed, w->threads, w->threads == 1 ? "" : "s");
    if (!opt_.screenshot) facts += fmt::format("  |  {:.0f} fps", ImGui::GetIO().Framerate);
    ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(facts.c_str()).x - 16);
    ImGui::TextDisabled("%s", facts.c_str());
  }
  ImGui::EndMenuBar();
}

void App::params_panel() {
  ScenarioDoc& d = edit_target_ == 1 && b_ ? *b_ : a_;
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(d.scenario.name.c_str());
  ImGui::PopTextWrapPos();
  ImGui::TextDisabled("%s", edit_target_ == 1 && b_ ? "B (what-if copy of A)" : (a_.path.empty() ? "(not saved to a file)" : a_.path.c_str()));
  if (d.dirty) {
    ImGui::SameLine();
    ImGui::TextColored(kWarn, "unsaved edits");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Edits are kept in %s until saved", recovery_.path().empty() ? "(recovery off)" : recovery_.path().c_str());
  }
  if (b_) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Editing");
    ImGui::SameLine();
    if (ImGui::RadioButton("A", edit_target_ == 0)) edit_target_ = 0, form_.live.clear(), form_.refused_pointer.clear();
    ImGui::SameLine();
    if (ImGui::RadioButton("B (what-if)", edit_target_ == 1)) edit_target_ = 1, form_.live.clear(), form_.refused_pointer.clear();
  }
  ImGui::SetNextItemWidth(-FLT_MIN);
  ImGui::InputTextWithHint("##filter", "Search parameters (name or meaning)", &form_.filter);
  ImGui::Separator();
  ImGui::BeginChild("##form");
  if (auto e = scenario_form(d.doc, form_)) apply_edit(*e);
  ImGui::EndChild();
}

void App::run_controls() {
  const auto sa = run_a_->snapshot();
  const auto wa = run_a_->world();
  const bool playing = run_a_->playing() || (run_b_ && run_b_->playing());
  const bool done = sa && sa->done;
  auto all = [&](auto&& f) {
    f(*run_a_);
    if (run_b_) f(*run_b_);
  };
  const float bw = ImGui::CalcTextSize("Run again").x + ImGui::GetStyle().FramePadding.x * 2 + 4;
  if (playing) {
    if (ImGui::Button("Pause", ImVec2(bw, 0))) all([](SimRunner& r) { r.pause(); });
  } else if (done) {
    if (ImGui::Button("Run again", ImVec2(bw, 0))) {
      restart_engines();
      all([](SimRunner& r) { r.play(); });
    }
  } else if (ImGui::Button("Run", ImVec2(bw, 0))) {
    all([](SimRunner& r) { r.play(); });
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", b_ ? "Runs A and B side by side with the same seed" : "Simulate day by day on a worker thread");
  ImGui::SameLine();
  ImGui::BeginDisabled(done);
  if (ImGui::Button("Step day")) all([](SimRunner& r) { r.step_days(1); });
  ImGui::SameLine();
  if (ImGui::Button("Step week")) all([](SimRunner& r) { r.step_days(7); });
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Reset")) {
    all([](SimRunner& r) { r.pause(); });
    run_a_->reset(a_.scenario, engine_options());
    if (b_ && run_b_) run_b_->reset(b_->scenario, engine_options());
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to day 0 with the current parameters");
  ImGui::SameLine(0, 24);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Speed");
  ImGui::SameLine();
  ImGui::BeginDisabled(max_speed_);
  ImGui::SetNextItemWidth(180);
  float sp = float(speed_days_per_s_);
  if (ImGui::SliderFloat("##speed", &sp, 1.0f, 365.0f, "%.0f days/s", ImGuiSliderFlags_Logarithmic)) {
    speed_days_per_s_ = sp;
    all([&](SimRunner& r) { r.set_speed(speed_days_per_s_); });
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Checkbox("as fast as possible", &max_speed_))
    all([&](SimRunner& r) { r.set_speed(max_speed_ ? 0 : speed_days_per_s_); });
  ImGui::SameLine(0, 24);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Smoothing");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  const char* sm_labels[] = {"daily", "7 days", "28 days"};
  const int sm_values[] = {1, 7, 28};
  int sm = opt_.smoothing_days == 1 ? 0 : opt_.smoothing_days == 28 ? 2 : 1;
  if (ImGui::Combo("##smooth", &sm, sm_labels, 3)) opt_.smoothing_days = sm_values[sm];

  // Progress of A (and B).
  const float bar_w = b_ ? (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f : -FLT_MIN;
  auto progress = [&](const char* label, const SimRunner& r) {
    const auto s = r.snapshot();
    const auto w = r.world();
    std::string text;
    float frac = 0;
    if (r.building() || !s || !w) {
      text = "building the world...";
    } else {
      frac = s->total_ticks ? float(s->tick) / float(s->total_ticks) : 0.0f;
      const Date d = Date::from_serial(w->start.serial() + std::min(s->days_done, std::max(0, w->days - 1)));
      text = fmt::format("{}day {} of {}  -  {}{}", label, s->days_done, w->days, d.str(),
                         s->done ? "  -  finished" : s->playing ? fmt::format("  -  {:.0f} days/s", s->days_per_second) : "  -  paused");
    }
    if (!r.error().empty()) text = r.error();
    ImGui::ProgressBar(frac, ImVec2(bar_w, 0), text.c_str());
  };
  progress(b_ ? "A: " : "", *run_a_);
  if (b_ && run_b_) {
    ImGui::SameLine();
    progress("B: ", *run_b_);
  }
  // Status line: the last message (edits applied or refused, files opened or saved).
  if (!status_.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    const bool fresh = now_seconds() - status_time_ < 20 || opt_.screenshot;
    ImGui::TextColored(status_error_ ? kBad : (fresh ? ImVec4(0.6f, 0.85f, 0.6f, 1) : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled)),
                       "%s", status_.c_str());
    ImGui::PopTextWrapPos();
  } else {
    ImGui::TextDisabled("%s", wa ? fmt::format("{} reps, {} pods, {} accounts, {} contacts  -  scenario hash {:016x}", wa->reps(),
                                               wa->pods(), wa->accounts(), wa->contacts(), wa->scenario_hash).c_str()
                                 : "");
  }
}

void App::popups() {
  if (auto chosen = file_dialog_.draw()) {
    switch (dialog_purpose_) {
      case DialogPurpose::Open: open_file(*chosen); break;
      case DialogPurpose::SaveA: save_doc(a_, *chosen); break;
      case DialogPurpose::SaveB:
        if (b_) save_doc(*b_, *chosen);
        break;
      case DialogPurpose::None: break;
    }
    dialog_purpose_ = DialogPurpose::None;
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 center(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f);
  if (show_problems_popup_ && !ImGui::IsPopupOpen("Scenario not loaded") && !file_dialog_.is_open()) {
    ImGui::OpenPopup("Scenario not loaded");
    show_problems_popup_ = false;
  }
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(820.0f, vp->WorkSize.x - 60), 0), ImGuiCond_Appearing);
  if (ImGui::BeginPopupModal("Scenario not loaded", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextColored(kBad, "%s has %zu problem%s:", problems_source_.c_str(), problems_.size(), problems_.size() == 1 ? "" : "s");
    if (ImGui::BeginTable("##probs", 2, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY,
                          ImVec2(std::min(780.0f, vp->WorkSize.x - 100), std::min(320.0f, 30.0f + 26.0f * float(problems_.size()))))) {
      ImGui::TableSetupColumn("where", ImGuiTableColumnFlags_WidthFixed, 260);
      ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
      ImGui::TableHeadersRow();
      problem_rows(problems_);
      ImGui::EndTable();
    }
    ImGui::TextUnformatted(fmt::format("Still loaded: {} ({})", a_.scenario.name, a_.path.empty() ? "schema defaults" : a_.path).c_str());
    ImGui::TextDisabled("Fix the file and open it again; the Problems tab keeps this list.");
    if (ImGui::Button("OK", ImVec2(120, 0)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
      ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  if (recovery_offer_ && !ImGui::IsPopupOpen("Recover unsaved edits?") && !ImGui::IsPopupOpen("Scenario not loaded"))
    ImGui::OpenPopup("Recover unsaved edits?");
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Recover unsaved edits?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    const auto& f = *recovery_offer_;
    ImGui::Text("Unsaved edits from %s were kept in %s.", f.saved_at.c_str(), recovery_.path().c_str());
    ImGui::Text("They were made to %s%s.", f.source.empty() ? "an unsaved scenario" : f.source.c_str(),
                f.b ? " (with a what-if copy B)" : "");
    const json patch = json::diff(a_.doc, f.a);
    ImGui::Text("Differences from what is loaded now (%zu):", patch.size());
    ImGui::BeginChild("##diff", ImVec2(640, std::min(220.0f, 26.0f * float(patch.size() + 1))), true);
    for (const auto& op : patch) {
      std::string v = op.contains("value") ? op["value"].dump() : "";
      if (v.size() > 50) v = v.substr(0, 47) + "...";
      ImGui::Text("%s %s %s", op["op"].get<std::string>().c_str(), op["path"].get<std::string>().c_str(), v.c_str());
    }
    ImGui::EndChild();
    if (ImGui::Button("Restore", ImVec2(140, 0))) {
      std::vector<Problem> problems;
      ScenarioDoc d = a_;
      d.path = f.source;
      if (d.try_replace(f.a, problems)) {
        a_ = std::move(d);
        if (f.b) {
          ScenarioDoc b = a_;
          b.path.clear();
          if (b.try_replace(*f.b, problems)) {
            b_ = std::move(b);
            if (!run_b_) run_b_ = std::make_unique<SimRunner>();
            run_b_->set_speed(max_speed_ ? 0 : speed_days_per_s_);
          }
        }
        restart_engines();
        set_status("Restored the recovered edits (not yet saved)");
      } else {
        set_status("The recovered edits are no longer valid: " + join_problems(problems), true);
      }
      recovery_offer_.reset();
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Discard them", ImVec2(140, 0))) {
      recovery_.discard();
      recovery_offer_.reset();
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Decide later", ImVec2(140, 0))) {
      recovery_offer_.reset();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

void App::problems_panel() {
  if (problems_.empty()) {
    ImGui::TextDisabled("No file problems. A scenario file that does not validate is listed here when opened; the last good scenario stays loaded.");
  } else {
    ImGui::TextColored(kBad, "%s could not be opened (%zu problems). The last good scenario stays loaded.", problems_source_.c_str(), problems_.size());
    if (ImGui::BeginTable("##probs2", 2, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_Resizable)) {
      ImGui::TableSetupColumn("where (JSON pointer or file:line:column)", ImGuiTableColumnFlags_WidthFixed, 320);
      ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
      ImGui::TableHeadersRow();
      problem_rows(problems_);
      ImGui::EndTable();
    }
    if (ImGui::Button("Clear")) problems_.clear();
  }
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::TextUnformatted("Messages");
  ImGui::BeginChild("##log", ImVec2(0, 0), true);
  for (auto it = log_.rbegin(); it != log_.rend(); ++it) ImGui::TextWrapped("%s", it->c_str());
  ImGui::EndChild();
}

json App::sidecar() const {
  json out = drawn_;
  json charts = json::array();
  for (const auto& c : chart_log()) {
    json series = json::array();
    for (const auto& s : c.series)
      series.push_back({{"label", s.label}, {"color", fmt::format("#{:02x}{:02x}{:02x}", s.color & 0xFF, (s.color >> 8) & 0xFF, (s.color >> 16) & 0xFF)},
                        {"points", s.points}, {"first", s.first}, {"last", s.last}, {"min", s.min}, {"max", s.max}, {"sum", s.sum}});
    json bands = json::array();
    for (const auto& b : c.bands) bands.push_back({{"label", b.label}, {"points", b.points}, {"lo_min", b.lo_min}, {"hi_max", b.hi_max}});
    charts.push_back({{"title", c.title},
                      {"bands", bands},
                      {"plot", {c.plot_min.x, c.plot_min.y, c.plot_max.x, c.plot_max.y}},
                      {"y_range", {c.y_min, c.y_max}},
                      {"series", series}});
  }
  out["charts"] = charts;
  auto runner = [&](const SimRunner* r, const ScenarioDoc* d) {
    json j;
    if (!r || !d) return j;
    const auto s = r->snapshot();
    const auto w = r->world();
    j["scenario"] = d->scenario.name;
    j["path"] = d->path;
    j["scenario_hash"] = fmt::format("{:016x}", d->scenario.hash);
    if (w) j["seed"] = w->seed;
    if (s) {
      j["days_done"] = s->days_done;
      j["done"] = s->done;
      json k = json::object();
      for (const auto& x : s->kpis) k[x.name] = std::isfinite(x.value) ? json(x.value) : json(nullptr);
      j["kpis"] = k;
      double revenue = 0;
      for (const auto& row : s->days) revenue += row.revenue;
      j["revenue_sum"] = revenue;
    }
    return j;
  };
  out["a"] = runner(run_a_.get(), &a_);
  if (b_) out["b"] = runner(run_b_.get(), &*b_);
  out["status"] = status_;
  out["edit_target"] = edit_target_ == 1 && b_ ? "b" : "a";
  out["refused"] = form_.refused_pointer.empty() ? json(nullptr) : json{{"pointer", form_.refused_pointer}, {"message", form_.refused_message}};
  out["recovery_offered"] = recovery_offer_.has_value();
  out["problems"] = json::array();
  for (const auto& p : problems_) out["problems"].push_back(p.str());
  return out;
}

}  // namespace salesim::gui
