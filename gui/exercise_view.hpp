// salesim-gui --exercise: an onboarding exercise played turn by turn (docs/gui.md#exercise): the story,
// this turn's decisions as widgets, the last turns' consequences on charts, the running score, and at
// the end the debrief. Playing, scoring and the debrief come from models/exercise; this file only
// draws them and runs them on a worker thread so the window never blocks.
#pragma once
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "models/exercise.hpp"

namespace salesim::gui {

struct ExerciseViewOptions {
  std::string exercise_path, decisions_path;  // decisions: a recorded play (screenshots, demos)
  std::string panel = "play";                 // "play" or "debrief"
  int turn = -1;                              // screenshot of "play": the view at the start of this turn
  int threads = 0;
  bool screenshot = false;
};

class ExerciseView {
 public:
  explicit ExerciseView(ExerciseViewOptions opt);
  ~ExerciseView();
  bool init(std::string& error);  // false on bad input (exit code 2), before any window opens
  // Screenshot mode: plays the recorded decisions up to the requested view and waits.
  void run_until(int day);
  void play() {}
  void pause() {}
  void frame();
  std::string window_title() const;
  bool animating() const { return busy(); }
  bool quit_requested() const { return false; }
  void open_dropped(const std::string&) {}
  nlohmann::json sidecar() const;

 private:
  bool busy() const;
  void finish_work();
  void start_turn();
  void start_debrief();
  void play_view();
  void debrief_view();
  void decision_widget(const models::DecisionSpec& d);
  void objective_table(const models::Score& s);
  void turn_charts(float height);
  models::Decisions played() const;

  ExerciseViewOptions opt_;
  std::optional<models::Exercise> ex_;
  std::optional<models::Decisions> recorded_, reference_;
  std::unique_ptr<models::ExercisePlay> play_;
  models::DecisionValues pending_;  // the widgets' values for the next turn
  std::string note_;
  std::vector<models::TurnDecisions> history_;  // what the trainee changed, turn by turn
  std::future<void> work_;
  std::optional<models::Debrief> debrief_;
  bool show_debrief_ = false;
  std::string error_;
  nlohmann::json drawn_;
};

}  // namespace salesim::gui
