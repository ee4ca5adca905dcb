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

// Problems of loading a JSON text (with the default scenario's required content merged in).
inline std::vector<Problem> problems_of(const std::string& json_text) {
  return load_scenario_text(json_text, "test.json").problems;
}

}  // namespace salesim::test
