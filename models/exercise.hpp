// Onboarding exercises (docs/exercises.md): a base scenario played in turns on one Engine, with the
// decisions a trainee controls bound to scenario parameters by JSON pointer, weighted objectives on
// KPIs, and a debrief that compares the trainee's play with the trainer's reference strategy, with
// doing nothing, and with counterfactuals that undo one turn's changes. Front ends (salesim
// exercise, salesim-gui --exercise, tests) all play through this API; no model logic lives in them.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine.hpp"
#include "sim/scenario.hpp"

namespace salesim::models {

struct DecisionChoice { std::string name, label; nlohmann::json value; };

// One thing the trainee controls, bound to one scenario parameter.
struct DecisionSpec {
  std::string name, label, pointer, type, unit, help;  // type: number | integer | boolean | choice
  double min = 0, max = 0;                             // number, integer
  std::vector<DecisionChoice> choices;                 // choice
  nlohmann::json default_value;                        // as in decisions files (a choice's name)
  // The JSON written at `pointer` for a (valid) decision value.
  nlohmann::json scenario_value(const nlohmann::json& v) const;
  // Empty if v is a valid value of this decision, else what was expected.
  std::string check(const nlohmann::json& v) const;
};

struct Objective {
  std::string name, kpi;
  bool above = true;
  double threshold = 0, tolerance = 0.1, weight = 1;
};

struct Hint { int turn = 1; std::string text; };

struct Exercise {
  std::string name, story, source;  // source: the exercise file
  std::string scenario_file;        // the base scenario, resolved against the exercise file
  nlohmann::json base_doc;          // the base scenario with `set` and /clock/days applied (raw)
  std::optional<uint64_t> seed;
  int turn_days = 30, turns = 1;
  std::vector<DecisionSpec> decisions;
  std::vector<Objective> objectives;
  std::vector<Hint> hints;
  std::vector<std::string> debrief_notes;
  std::string reference_file;       // NAME.reference.json beside the exercise, if it exists
  Scenario start;                   // the base scenario with every decision at its default
  const DecisionSpec* decision(const std::string& name) const;
  int days() const { return turn_days * turns; }
};

struct ExerciseLoad {
  std::optional<Exercise> exercise;
  std::vector<Problem> problems;  // JSON pointers into the exercise file (or file:line:column)
};
const nlohmann::json& exercise_schema();
ExerciseLoad load_exercise_file(const std::string& path);
ExerciseLoad load_exercise_json(const nlohmann::json& doc, const std::string& source);

// Pointers a decision may not change: the world, the signals and the state arrays are built from them.
const std::vector<std::string>& exercise_fixed_pointers();

// A decisions file: per turn, the decisions the trainee changed (and why). Values stay in force
// until changed again. docs/exercises.md#decisions-files
using DecisionValues = std::map<std::string, nlohmann::json>;
struct TurnDecisions { int turn = 1; DecisionValues set; std::string note; };
struct Decisions {
  std::string trainee;
  std::vector<TurnDecisions> turns;  // sorted by turn, at most one entry per turn
  const TurnDecisions* at(int turn) const;
};
struct DecisionsLoad { std::optional<Decisions> decisions; std::vector<Problem> problems; };
DecisionsLoad load_decisions_file(const Exercise& ex, const std::string& path);
DecisionsLoad load_decisions_json(const Exercise& ex, const nlohmann::json& doc);
// A decisions file with every decision at its default at turn 1 (a template to edit).
nlohmann::json decisions_template(const Exercise& ex);

// ---- scoring (docs/exercises.md#scoring) -----------------------------------------------------
struct ObjectiveScore {
  Objective objective;
  double value = 0;        // the KPI (NaN if it could not be measured)
  double achievement = 0;  // 0..1
  double points = 0;       // 100 * weight * achievement / sum of weights
};
struct Score { double total = 0; std::vector<ObjectiveScore> by_objective; };
// achievement = clamp(1 - shortfall / tolerance, 0, 1), shortfall = max(0, threshold - value) for
// "above" and max(0, value - threshold) for "below"; an unmeasurable KPI scores 0.
double achievement(const Objective& o, double value);
Score score(const std::vector<Objective>& objectives, const std::vector<Kpi>& kpis);

// ---- playing ---------------------------------------------------------------------------------
// What one turn did and what came of it.
struct TurnRecord {
  int turn = 1, first_day = 0, end_day = 0;    // days [first_day, end_day)
  std::vector<std::pair<std::string, nlohmann::json>> changes;  // decisions changed at the start
  std::string note;
  std::vector<std::string> rebuilt;            // policy families rebuilt for the change
  DecisionValues in_force;                     // every decision's value during the turn
  std::vector<Kpi> kpis;                       // the run so far, at the end of the turn
  double score = 0;                            // the score on those KPIs
  // This turn's own figures (its days only).
  double revenue = 0, visits = 0, invalid_visit_rate = 0, cost_of_sales_ratio = 0;
  double churned = 0, first_orders = 0, degraded = 0, accepted = 0;
};

// Plays an exercise turn by turn on one Engine. The GUI calls play_turn once per click; the
// headless player calls it for every turn of a decisions file.
class ExercisePlay {
 public:
  ExercisePlay(const Exercise& ex, EngineOptions opt = {});
  ~ExercisePlay();
  // Applies `changes` (checked by the caller or by load_decisions_*: throws std::invalid_argument
  // on an unknown decision or a bad value), then steps one turn.
  void play_turn(const DecisionValues& changes, const std::string& note = {});
  int turns_done() const { return int(turns_.size()); }
  bool done() const { return turns_done() >= ex_.turns; }
  const DecisionValues& in_force() const { return values_; }
  const std::vector<TurnRecord>& turns() const { return turns_; }
  const Engine& engine() const { return *engine_; }
  const Exercise& exercise() const { return ex_; }
  std::vector<Kpi> kpis_so_far() const;
  Score score_so_far() const { return score(ex_.objectives, kpis_so_far()); }

 private:
  const Exercise& ex_;
  Scenario current_;
  DecisionValues values_;
  std::unique_ptr<Engine> engine_;
  std::vector<TurnRecord> turns_;
};

struct Playthrough {
  std::vector<TurnRecord> turns;
  std::vector<Kpi> kpis;
  Score score;
  uint64_t state_hash = 0;
};
Playthrough play(const Exercise& ex, const Decisions& d, EngineOptions opt = {});

// The turn whose changes mattered most: the play without that turn's changes (every other turn as
// played), scored on the same seed. docs/exercises.md#key-moments
struct KeyMoment {
  int turn = 1;
  std::vector<std::pair<std::string, nlohmann::json>> changes;
  double score_without = 0, impact = 0;  // impact = trainee's score - score without the turn's changes
  std::string kpi;                       // the objective KPI that moved most (relative to its tolerance)
  double kpi_with = 0, kpi_without = 0;
};

struct Debrief {
  Playthrough trainee, nothing;
  std::optional<Playthrough> reference;
  std::vector<KeyMoment> moments;  // one per turn with changes, largest |impact| first
  bool counterfactuals = true;     // false: the key moments were not computed
};
// counterfactuals = false skips the key moments (one extra play per turn with changes).
Debrief debrief(const Exercise& ex, const Decisions& d, const std::optional<Decisions>& reference,
                EngineOptions opt = {}, bool counterfactuals = true);
nlohmann::json debrief_json(const Exercise& ex, const Decisions& d, const Debrief& db);
// The debrief as the trainer reads it on a terminal (salesim exercise prints it).
std::string debrief_text(const Exercise& ex, const Decisions& d, const Debrief& db);
// The exercise brief: story, turns, decisions with their help, objectives, hints.
std::string brief_text(const Exercise& ex);
// Figures as the debrief prints them ("61.2%", "142,300 CNY").
std::string format_kpi(const std::string& kpi, double v);

}  // namespace salesim::models
