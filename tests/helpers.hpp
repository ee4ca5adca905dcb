// Test helpers: load shipped scenarios with overrides and run them to the end.
#pragma once
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "models/registry.hpp"
#include "sim/scenario.hpp"

namespace salesim::test {

inline std::string source(const std::string& rel) { return std::string(SALESIM_SOURCE_DIR) + "/" + rel; }

inline Scenario load(const std::string& rel, const std::vector<Override>& overrides = {}) {
  LoadResult r = load_scenario_file(source(rel), overrides);
  if (!r.ok())
    for (const auto& p : r.problems) UNSCOPED_INFO(p.str());
  REQUIRE(r.ok());
  return std::move(*r.scenario);
}

// The default scenario shortened to `days` (keeps the suite fast; same mechanisms).
inline Scenario short_default(int days = 60, std::vector<Override> more = {}) {
  more.insert(more.begin(), Override{"/clock/days", std::to_string(days)});
  return load("scenarios/default.json", more);
}

inline std::unique_ptr<Engine> run(const Scenario& sc, int threads = 1) {
  auto e = models::make_engine(sc, EngineOptions{std::nullopt, threads});
  e->run();
  return e;
}

inline double kpi(const Engine& e, const std::string& name) {
  for (const Kpi& k : e.kpis())
    if (k.name == name) return k.value;
  FAIL("no KPI " << name);
  return 0;
}

// A payout statement is consistent: its lines add up to its total, and (if it has a previous period)
// its attribution adds up to the change within a cent and it is explained. Returns whether it had a
// previous period to explain against.
inline bool check_statement_adds_up(const PayoutStatement& st) {
  double lines = 0;
  for (const auto& l : st.lines) lines += l.amount;
  REQUIRE(lines == Approx(st.total).margin(1e-6));
  if (!st.has_previous) return false;
  double sum = 0;
  for (const auto& a : st.attribution) sum += a.amount;
  REQUIRE(sum == Approx(st.total - st.previous_total).margin(0.01));
  CHECK(!st.explanation.empty());
  return true;
}

// Problems of loading a JSON text (with the default scenario's required content merged in).
inline std::vector<Problem> problems_of(const std::string& json_text) {
  return load_scenario_text(json_text, "test.json").problems;
}

}  // namespace salesim::test
