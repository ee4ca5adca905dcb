// Onboarding exercises (models/exercise): scoring on a hand-computed fixture, playing turn by turn
// with parameter changes on one Engine, determinism, the shipped exercises against doing nothing,
// and every error path of exercise and decisions files. docs/exercises.md
#include <cmath>
#include <fstream>
#include <functional>

#include "helpers.hpp"
#include "models/exercise.hpp"

using namespace salesim;
using namespace salesim::models;
using nlohmann::json;

namespace {

Exercise load_ex(const std::string& rel) {
  ExerciseLoad r = load_exercise_file(test::source(rel));
  for (const auto& p : r.problems) UNSCOPED_INFO(p.str());
  REQUIRE(r.exercise);
  return std::move(*r.exercise);
}

Decisions load_dec(const Exercise& ex, const std::string& rel) {
  DecisionsLoad r = load_decisions_file(ex, test::source(rel));
  for (const auto& p : r.problems) UNSCOPED_INFO(p.str());
  REQUIRE(r.decisions);
  return std::move(*r.decisions);
}

std::vector<Problem> decision_problems(const Exercise& ex, const std::string& text) {
  DecisionsLoad r = load_decisions_json(ex, json::parse(text));
  CHECK(!r.decisions);
  return r.problems;
}

bool has_problem(const std::vector<Problem>& ps, const std::string& where, const std::string& what) {
  for (const auto& p : ps)
    if (p.where == where && p.what.find(what) != std::string::npos) return true;
  for (const auto& p : ps) UNSCOPED_INFO(p.str());
  return false;
}

const char* kTiny = "tests/data/exercises/tiny.json";

}  // namespace

TEST_CASE("exercise scoring matches a hand-computed fixture", "[exercise]") {
  // Three objectives, weights 2, 1, 1 (sum 4). docs/exercises.md#scoring
  const std::vector<Objective> obj = {
      {"retention", "retention_6m", true, 0.60, 0.10, 2.0},
      {"cost", "cost_of_sales_ratio", false, 0.09, 0.02, 1.0},
      {"output", "output_per_rep_month", true, 150000, 50000, 1.0},
  };
  SECTION("partial credit and an unmeasured KPI") {
    // retention 0.55: short by 0.05 of a 0.10 band -> 0.5; cost 0.10: over by 0.01 of 0.02 -> 0.5;
    // output NaN -> 0. Score = 100 * (2*0.5 + 1*0.5 + 1*0) / 4 = 37.5.
    const Score s = score(obj, {{"retention_6m", 0.55, "", ""}, {"cost_of_sales_ratio", 0.10, "", ""},
                                {"output_per_rep_month", std::nan(""), "", ""}});
    CHECK(s.by_objective[0].achievement == Approx(0.5));
    CHECK(s.by_objective[1].achievement == Approx(0.5));
    CHECK(s.by_objective[2].achievement == 0.0);
    CHECK(s.by_objective[0].points == Approx(25.0));
    CHECK(s.by_objective[1].points == Approx(12.5));
    CHECK(s.total == Approx(37.5));
  }
  SECTION("met, missed beyond the band, and met exactly at the threshold") {
    // retention 0.70 -> 1 (50 points); cost 0.20 -> 0; output exactly 150000 -> 1 (25 points).
    const Score s = score(obj, {{"retention_6m", 0.70, "", ""}, {"cost_of_sales_ratio", 0.20, "", ""},
                                {"output_per_rep_month", 150000, "", ""}});
    CHECK(s.total == Approx(75.0));
    CHECK(s.by_objective[1].achievement == 0.0);
  }
  SECTION("a KPI the run did not report scores zero") {
    CHECK(score(obj, {}).total == 0.0);
  }
}

TEST_CASE("an exercise plays turn by turn on one engine: same decisions and seed, same score at any thread count",
          "[exercise][threads]") {
  const Exercise ex = load_ex(kTiny);
  const Decisions d = load_dec(ex, "tests/data/exercises/tiny.decisions.json");
  REQUIRE(ex.days() == 30);
  REQUIRE(ex.start.clock.days() == 30);
  REQUIRE(ex.start.reps.count == 12);

  const Playthrough p1 = play(ex, d, EngineOptions{std::nullopt, 1});
  const Playthrough p2 = play(ex, d, EngineOptions{std::nullopt, 2});
  CHECK(p1.state_hash == p2.state_hash);
  CHECK(p1.score.total == p2.score.total);
  REQUIRE(p1.turns.size() == 3);
  CHECK(p1.turns[0].changes.empty());
  CHECK(p1.turns[1].changes.size() == 2);
  CHECK(p1.turns[1].first_day == 10);
  CHECK(p1.turns[1].end_day == 20);
  // Behaviour is baked into the policy: the change rebuilt it. The breaker is read live: no rebuild.
  CHECK(p1.turns[1].rebuilt == std::vector<std::string>{"rep_behaviour"});
  CHECK(p1.turns[2].rebuilt.empty());
  CHECK(p1.turns[2].in_force.at("breaker") == false);
  CHECK(p1.turns[2].in_force.at("visit_planning") == "value");  // in force until changed again

  // Doing nothing is exactly a plain run of the starting scenario on the same seed.
  const Playthrough nothing = play(ex, Decisions{}, EngineOptions{std::nullopt, 2});
  auto plain = test::run(ex.start, 2);
  CHECK(nothing.state_hash == plain->state_hash());
  CHECK(nothing.kpis.size() == plain->kpis().size());
  for (size_t i = 0; i < nothing.kpis.size(); ++i)
    if (std::isfinite(plain->kpis()[i].value)) CHECK(nothing.kpis[i].value == plain->kpis()[i].value);
  // ... and the trainee's decisions changed the run.
  CHECK(p1.state_hash != nothing.state_hash);
  // The last turn's "so far" KPIs are the run's KPIs.
  CHECK(p1.turns.back().score == Approx(p1.score.total));
}

TEST_CASE("the debrief compares with doing nothing and finds the turn whose changes mattered most", "[exercise]") {
  const Exercise ex = load_ex(kTiny);
  const Decisions d = load_dec(ex, "tests/data/exercises/tiny.decisions.json");
  const Debrief db = debrief(ex, d, Decisions{}, EngineOptions{std::nullopt, 2});
  REQUIRE(db.reference);
  CHECK(db.reference->state_hash == db.nothing.state_hash);  // an empty reference is doing nothing
  REQUIRE(db.moments.size() == 2);                           // turns 2 and 3 changed something
  for (size_t i = 1; i < db.moments.size(); ++i) CHECK(std::abs(db.moments[i - 1].impact) >= std::abs(db.moments[i].impact));
  for (const auto& k : db.moments) {
    // Undoing a turn's changes is a different play; its score is what the impact is measured against.
    Decisions without = d;
    without.turns.erase(std::find_if(without.turns.begin(), without.turns.end(), [&](auto& t) { return t.turn == k.turn; }));
    CHECK(play(ex, without, EngineOptions{std::nullopt, 1}).score.total == Approx(k.score_without));
    CHECK(k.impact == Approx(db.trainee.score.total - k.score_without));
  }
  const json j = debrief_json(ex, d, db);
  CHECK(j["trainee_play"]["turns"].size() == 3);
  CHECK(j["key_moments"].size() == 2);
  CHECK(debrief_text(ex, d, db).find("Key moments") != std::string::npos);
}

TEST_CASE("each shipped exercise: the reference strategy scores clearly better than doing nothing", "[exercise][shipped]") {
  for (const char* name : {"fmcg-invalid-visits", "industrial-template", "intervention-overload"}) {
    INFO(name);
    const Exercise ex = load_ex(std::string("scenarios/exercises/") + name + ".json");
    REQUIRE(!ex.reference_file.empty());
    const Decisions ref = load_dec(ex, std::string("scenarios/exercises/") + name + ".reference.json");
    const Debrief db = debrief(ex, Decisions{}, ref, EngineOptions{std::nullopt, 2}, false);
    REQUIRE(db.reference);
    INFO("reference " << db.reference->score.total << ", nothing " << db.nothing.score.total);
    CHECK(db.reference->score.total >= db.nothing.score.total + 25.0);
  }
}

TEST_CASE("decisions files: unknown decision, value out of range, turn out of range -> a pointer and what was expected",
          "[exercise][errors]") {
  const Exercise ex = load_ex(kTiny);
  CHECK(has_problem(decision_problems(ex, R"({"turns": [{"turn": 1, "decisions": {"visit_plan": "value"}}]})"),
                    "/turns/0/decisions/visit_plan", "unknown decision \"visit_plan\""));
  CHECK(has_problem(decision_problems(ex, R"({"turns": [{"turn": 1, "decisions": {"visits_per_day": 12}}]})"),
                    "/turns/0/decisions/visits_per_day", "must be between 3 and 9, got 12"));
  CHECK(has_problem(decision_problems(ex, R"({"turns": [{"turn": 1, "decisions": {"visit_planning": "fast"}}]})"),
                    "/turns/0/decisions/visit_planning", "must be one of \"route\", \"value\""));
  CHECK(has_problem(decision_problems(ex, R"({"turns": [{"turn": 1, "decisions": {"breaker": "yes"}}]})"),
                    "/turns/0/decisions/breaker", "expected true or false"));
  CHECK(has_problem(decision_problems(ex, R"({"turns": [{"turn": 4}]})"), "/turns/0/turn", "turns 1 to 3, got 4"));
  CHECK(has_problem(decision_problems(ex, R"({"turns": [{"turn": 0}]})"), "/turns/0/turn", "turns 1 to 3, got 0"));
  CHECK(has_problem(decision_problems(ex, R"({"turns": [{"turn": 2}, {"turn": 2}]})"), "/turns/1/turn", "appears twice"));
  CHECK(has_problem(decision_problems(ex, R"({"turn": []})"), "/turn", "unknown key"));
  CHECK(has_problem(decision_problems(ex, R"([1, 2])"), "", "expected an object"));
  // A file names itself, with line and column for bad JSON.
  DecisionsLoad missing = load_decisions_file(ex, "/nonexistent/decisions.json");
  REQUIRE(!missing.problems.empty());
  CHECK(missing.problems[0].str().find("/nonexistent/decisions.json") != std::string::npos);
  // The template is a valid decisions file.
  CHECK(load_decisions_json(ex, decisions_template(ex)).decisions);
}

TEST_CASE("exercise files: every problem with its JSON pointer", "[exercise][errors]") {
  json base = json::parse(std::ifstream(test::source(kTiny)));
  auto problems = [&](const std::function<void(json&)>& edit) {
    json d = base;
    edit(d);
    ExerciseLoad r = load_exercise_json(d, test::source(kTiny));
    CHECK(!r.exercise);
    return r.problems;
  };
  CHECK(has_problem(problems([](json& d) { d["decisions"][1]["pointer"] = "/reps/count"; d["decisions"][1]["type"] = "integer"; d["decisions"][1]["default"] = 5; }),
                    "/decisions/1/pointer", "changes /reps/count, which is fixed"));
  CHECK(has_problem(problems([](json& d) { d["decisions"][1]["pointer"] = "/accounts/per_rep"; }), "/decisions/1/pointer",
                    "changes /accounts, which is fixed once the world is built"));
  CHECK(has_problem(problems([](json& d) { d["decisions"][1]["pointer"] = "/reps/visits_per_dya"; }), "/decisions/1/pointer",
                    "unknown key \"visits_per_dya\""));
  CHECK(has_problem(problems([](json& d) { d["decisions"][1]["max"] = 500; }), "/decisions/1",
                    "value 500 gives an invalid scenario: /reps/visits_per_day: must be <= 200"));
  CHECK(has_problem(problems([](json& d) { d["decisions"][1]["default"] = 20; }), "/decisions/1/default", "between 3 and 9"));
  CHECK(has_problem(problems([](json& d) { d["decisions"][1].erase("min"); }), "/decisions/1", "needs \"min\" and \"max\""));
  CHECK(has_problem(problems([](json& d) { d["decisions"][0]["name"] = "breaker"; d["decisions"][2]["name"] = "breaker"; }),
                    "/decisions/2/name", "duplicate decision name"));
  CHECK(has_problem(problems([](json& d) { d["objectives"][0]["kpi"] = "happiness"; }), "/objectives/0/kpi",
                    "not a KPI salesim reports"));
  CHECK(has_problem(problems([](json& d) { d["objectives"][0]["direction"] = "up"; }), "/objectives/0/direction",
                    "must be one of"));
  CHECK(has_problem(problems([](json& d) { d["hints"][0]["turn"] = 9; }), "/hints/0/turn", "has 3 turns"));
  CHECK(has_problem(problems([](json& d) { d.erase("turns"); }), "/turns", "required"));
  CHECK(has_problem(problems([](json& d) { d["scenario"] = "no-such.json"; }), "/scenario", "cannot open"));
  CHECK(has_problem(problems([](json& d) { d["set"]["/reps/count"] = -1; }), "/scenario", "/reps/count"));
}
