// The salesim-gui application: scenario A (and the what-if copy B), their simulations on worker
// threads, and the panels that show them. UI state (selection, open panels, smoothing) lives here;
// model logic lives in sim/ and models/ only.
#pragma once
#include <imgui.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gui/chart.hpp"
#include "gui/file_dialog.hpp"
#include "gui/kpi_series.hpp"
#include "gui/schema_form.hpp"
#include "gui/scenario_doc.hpp"
#include "gui/sim_runner.hpp"

namespace salesim::gui {

enum class Panel { Run, WhatIf, BuyingCentre, Org, Reps, Pods, Problems, Count };
// Names accepted by --panel, in Panel order ("scenario" opens the Run tab with a family shown).
const std::vector<std::string>& panel_names();

struct AppOptions {
  std::string scenario_path;            // "" = scenarios/default.json if found, else schema defaults
  std::vector<std::string> sets, sets_b;  // JSON_POINTER=VALUE overrides for A and B
  std::optional<uint64_t> seed;
  int threads = 0;                      // per engine; 0 = all cores but one (at least one)
  Panel panel = Panel::Run;
  std::string family;                   // parameter family to open in the scenario panel
  std::string filter;                   // initial parameter search
  int account = -1, rep = -1;           // initial selections (-1 = pick one)
  std::string open_after;               // File > Open this once the app is up (shows bad-file handling)
  std::vector<std::string> edits;       // JSON_POINTER=VALUE edits made as in the parameter panel
  std::string save_as;                  // File > Save A as this file after the edits
  std::string recovery_path;            // "" = no recovery file
  bool screenshot = false;              // deterministic rendering: no recovery prompt, no timers
  int smoothing_days = 7;
  double speed_days_per_s = 30;         // 0 = as fast as possible
};

class App {
 public:
  explicit App(AppOptions opt);
  ~App();
  // Loads the scenario and starts the engines; false with `error` set on bad input.
  bool init(std::string& error);
  void frame();                       // one frame of UI (between ImGui::NewFrame and Render)
  // Runs A (and B) until `day` (-1 = the end) and waits: the screenshot mode draws finished runs.
  void run_until(int day);
  void play();                        // start (or continue) A and B
  void pause();
  std::string window_title() const;
  bool animating() const;             // something changes without input (runs, pending builds)
  bool quit_requested() const { return quit_; }
  void open_dropped(const std::string& path) { pending_open_ = path; }  // a file dropped on the window
  nlohmann::json sidecar() const;     // what the last frame drew, for tests

 private:
  struct SeriesCache {
    uint64_t version = ~uint64_t(0);
    int smoothing = 0;
    std::vector<std::vector<double>> series;
    std::vector<double> band_lo, band_hi;
    ForecastBuckets forecast;
    std::vector<double> win_engaged, win_first;  // rolling sums behind the win-rate chart (read-out)
  };
  // scenario and documents
  void load_initial(std::string& error, bool& fatal);
  bool open_file(const std::string& path);
  bool save_doc(ScenarioDoc& d, const std::string& path);
  void apply_edit(const FormEdit& e);
  void restart_engines();
  EngineOptions engine_options() const;
  void duplicate_as_b();
  void discard_b();
  void set_status(std::string msg, bool error = false);
  // panels
  void menu_bar();
  void params_panel();
  void run_controls();
  void run_panel();
  void kpi_table(const Snapshot& s, const Scenario& sc, bool final);
  void whatif_panel();
  void buying_centre_panel();
  void org_panel();
  void reps_panel();
  void rep_details(const WorldView& w, const Snapshot& s, RepId r);
  void rep_interventions(const WorldView& w, const Snapshot& s, RepId r);
  void pods_panel();
  void problems_panel();
  void popups();
  void chart_grid(const std::vector<const Snapshot*>& snaps, const std::vector<SeriesCache*>& caches,
                  const WorldView& w, ImVec2 size, const char* id);
  const SeriesCache& series_for(const Snapshot& s, SeriesCache& cache) const;

  AppOptions opt_;
  ScenarioDoc a_;
  std::optional<ScenarioDoc> b_;
  std::unique_ptr<SimRunner> run_a_, run_b_;
  Recovery recovery_;
  std::optional<Recovery::Found> recovery_offer_;
  FormState form_;
  int edit_target_ = 0;  // 0 = A, 1 = B
  FileDialog file_dialog_;
  enum class DialogPurpose { None, Open, SaveA, SaveB } dialog_purpose_ = DialogPurpose::None;

  std::vector<Problem> problems_;      // of the last file that failed to open
  std::string problems_source_;
  bool show_problems_popup_ = false;
  std::vector<std::string> log_;       // status history (Problems panel)
  std::string status_;
  bool status_error_ = false;
  double status_time_ = 0;

  Panel request_panel_ = Panel::Run;
  bool request_panel_pending_ = true;
  Panel current_panel_ = Panel::Run;
  double speed_days_per_s_ = 30;
  bool max_speed_ = false;
  int shared_hover_ = -1, next_hover_ = -1;
  int account_ = -1, rep_ = -1;
  bool scroll_to_account_ = true;
  int recent_days_ = 30;    // "touched recently" window of the buying-centre view
  int org_colour_by_ = 0;   // org view: 0 revenue, 1 invalid visit rate, 2 skill
  int frames_ = 0;
  bool quit_ = false;
  std::string pending_open_;
  mutable SeriesCache cache_a_, cache_b_;
  nlohmann::json drawn_;  // panel-specific facts of the last frame (sidecar)
};

}  // namespace salesim::gui
