// Scenario loading: every validation error path says where (JSON pointer or file:line:column) and
// what was expected; defaults are filled; shipped scenarios are valid; schema and registry agree.
#include <catch2/catch.hpp>
#include <filesystem>

#include "helpers.hpp"
#include "models/registry.hpp"

using namespace salesim;
using salesim::test::problems_of;

namespace {
// The single problem of a text, as "pointer: what".
std::string only_problem(const std::string& text) {
  auto p = problems_of(text);
  INFO(text);
  REQUIRE(p.size() == 1);
  return p[0].str();
}
}  // namespace

TEST_CASE("an empty object is a complete scenario: every default is filled", "[scenario]") {
  LoadResult r = load_scenario_text("{}", "empty.json");
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(s.reps.count == 10);
  CHECK(s.clock.tick_hours() == 4);
  CHECK(s.clock.days() == 365);
  CHECK(s.forecast.model == "seasonal_naive");
  CHECK(s.normalized["reps"]["visits_per_day"] == 5.0);
  CHECK(s.circuit_breaker.multiple == 1.8);
  CHECK(s.interventions.params["trust"] == 0.38);
}

TEST_CASE("wrong types name the pointer and what was expected", "[scenario][errors]") {
  CHECK(only_problem(R"({"reps": {"count": "many"}})") == "/reps/count: expected an integer, got \"many\"");
  CHECK(only_problem(R"({"reps": {"count": 2.5}})") == "/reps/count: expected an integer, got 2.5");
  CHECK(only_problem(R"({"clock": {"days": true}})") == "/clock/days: expected an integer, got true");
  CHECK(only_problem(R"({"regions": {"name": "x"}})") == "/regions: expected an array, got an object");
  CHECK(only_problem(R"({"reps": 5})") == "/reps: expected an object, got 5");
  CHECK(only_problem(R"([1, 2])") == "/: a scenario must be a JSON object, got an array of 2");
}

TEST_CASE("ranges are enforced with the value found", "[scenario][errors]") {
  CHECK(only_problem(R"({"reps": {"visits_per_day": -3}})") == "/reps/visits_per_day: must be > 0, got -3");
  CHECK(only_problem(R"({"reps": {"count": 0}})") == "/reps/count: must be >= 1, got 0");
  CHECK(only_problem(R"({"journey": {"adopt_at_first_order": 1.5}})") ==
        "/journey/adopt_at_first_order: must be <= 1, got 1.5");
  CHECK(only_problem(R"({"clock": {"tick_hours": 5}})") == "/clock/tick_hours: must be one of 1, 2, 3, 4, 6, 8, 12, 24, got 5");
}

TEST_CASE("unknown keys are errors, with a suggestion for typos", "[scenario][errors]") {
  CHECK(only_problem(R"({"reps": {"visits_per_dya": 5}})") ==
        "/reps/visits_per_dya: unknown key \"visits_per_dya\" (did you mean \"visits_per_day\"?)");
  CHECK(only_problem(R"({"colour": 1})").find("/colour: unknown key \"colour\"") == 0);
  CHECK(only_problem(R"({"forecast": {"model": "exponential_smoothing", "noise": 0.3}})") ==
        "/forecast/noise: unknown key \"noise\" (expected one of: alpha, beta, bucket_days, gamma, model, score_after_buckets, season_buckets)");
}

TEST_CASE("models are chosen by name from the registry", "[scenario][errors]") {
  CHECK(only_problem(R"({"forecast": {"model": "crystal_ball"}})") ==
        "/forecast/model: unknown model \"crystal_ball\"; known models: \"exponential_smoothing\", \"rep_submitted\", \"seasonal_naive\"");
  CHECK(only_problem(R"({"forecast": {"model": 3}})") == "/forecast/model: expected a string, got 3");
  for (const char* family : {"demand", "rep_behaviour", "forecast", "incentive"}) {
    std::vector<std::string> in_schema;
    const auto& models = scenario_schema()["properties"][family]["x-models"];
    for (auto it = models.begin(); it != models.end(); ++it) in_schema.push_back(it.key());
    INFO(family);
    CHECK(in_schema == models::model_names(family));
  }
}

TEST_CASE("required keys, dates and references", "[scenario][errors]") {
  CHECK(only_problem(R"({"regions": [{"rep_share": 1}]})") == "/regions/0/name: is required but missing");
  CHECK(only_problem(R"({"clock": {"start_date": "2017-13-01"}})") ==
        "/clock/start_date: \"2017-13-01\" is not a date (expected YYYY-MM-DD)");
  CHECK(only_problem(R"({"influence_edges": [{"from": "store_owner", "to": "cfo"}]})") ==
        "/influence_edges/0/to: unknown role \"cfo\" (roles are defined in /roles)");
  CHECK(only_problem(R"({"regions": [{"name": "A"}, {"name": "A"}]})") == "/regions/1/name: duplicate name \"A\"");
  CHECK(only_problem(R"({"skus": [{"name": "x", "price_cny": 5, "unit_cost_cny": 6}]})") ==
        "/skus/0/unit_cost_cny: must not exceed price_cny (5), got 6");
  CHECK(only_problem(R"({"targets": {"happiness": {"value": 1}}})") ==
        "/targets/happiness: \"happiness\" is not a KPI salesim reports (see docs/model.md#kpis)");
  CHECK(only_problem(R"({"clock": {"work_start_hour": 20, "work_hours": 8}})") ==
        "/clock/work_hours: the working day must end by midnight (work_start_hour + work_hours <= 24)");
  CHECK(only_problem(R"({"accounts": {"initial_stage_shares": [0,0,0,0,0,0,0,0,0]}})") ==
        "/accounts/initial_stage_shares: weights must not all be zero");
}

TEST_CASE("every problem is reported at once", "[scenario][errors]") {
  auto p = problems_of(R"({"reps": {"count": -1, "visits_per_day": "x"}, "bogus": 1, "clock": {"days": 0}})");
  CHECK(p.size() == 4);
}

TEST_CASE("syntax errors give file:line:column", "[scenario][errors]") {
  auto p = load_scenario_text("{\n  \"reps\": {\n    \"count\": 5,\n  }\n}", "bad.json").problems;
  REQUIRE(p.size() == 1);
  CHECK(p[0].where == "bad.json:4:3");
  CHECK(p[0].what.find("not valid JSON") == 0);
  auto missing = load_scenario_file("/nonexistent/scenario.json").problems;
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].str().find("cannot open") != std::string::npos);
}

TEST_CASE("command-line overrides are applied before validation", "[scenario]") {
  std::string err;
  CHECK_FALSE(parse_override("reps/count=3", err).has_value());
  CHECK(err.find("JSON_POINTER=VALUE") != std::string::npos);
  auto o = parse_override("/reps/count=3", err);
  REQUIRE(o);
  LoadResult r = load_scenario_text("{}", "t.json", {*o, Override{"/forecast/model", "rep_submitted"}});
  REQUIRE(r.ok());
  CHECK(r.scenario->reps.count == 3);
  CHECK(r.scenario->forecast.model == "rep_submitted");
  CHECK(r.scenario->forecast.params["noise"] == 0.35);  // the new model's defaults are filled
  auto bad = load_scenario_text("{}", "t.json", {Override{"/reps/count", "-2"}}).problems;
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].str() == "/reps/count: must be >= 1, got -2");
}

TEST_CASE("the scenario hash identifies the exact inputs", "[scenario]") {
  auto a = load_scenario_text("{}", "a.json");
  auto b = load_scenario_text("{\"reps\": {\"count\": 10}}", "b.json");  // same as the default
  auto c = load_scenario_text("{\"reps\": {\"count\": 11}}", "c.json");
  REQUIRE((a.ok() && b.ok() && c.ok()));
  CHECK(a.scenario->hash == b.scenario->hash);
  CHECK(a.scenario->hash != c.scenario->hash);
}

TEST_CASE("every shipped scenario is valid", "[scenario]") {
  int n = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(test::source("scenarios"))) {
    const auto p = f.path();
    if (p.extension() != ".json" || p.filename() == "schema.json") continue;
    if (p.parent_path().filename() != "scenarios") continue;  // subfolders hold other file kinds
    LoadResult r = load_scenario_file(p.string());
    INFO(p.string());
    for (const auto& pr : r.problems) UNSCOPED_INFO(pr.str());
    CHECK(r.ok());
    ++n;
  }
  CHECK(n >= 1);
}
