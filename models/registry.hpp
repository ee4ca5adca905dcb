// Policy registry: each family maps a model name (as written in the scenario) to a factory.
// Adding a policy = one file in models/, one line in registry.cpp, its tests, its docs/model.md entry.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "sim/engine.hpp"
#include "sim/policies.hpp"

namespace salesim::models {

std::unique_ptr<DemandModel> make_demand(const Scenario& sc);
std::unique_ptr<RepBehaviour> make_rep_behaviour(const Scenario& sc);
std::unique_ptr<ForecastModel> make_forecast(const Scenario& sc);
std::unique_ptr<IncentivePlan> make_incentive(const Scenario& sc);
std::unique_ptr<InterventionPolicy> make_interventions(const Scenario& sc);

// The policies a scenario chooses, and an engine on them: what every front end calls.
PolicySet make_policies(const Scenario& sc);
std::unique_ptr<Engine> make_engine(const Scenario& sc, EngineOptions opt = {});

// Registered model names per family ("demand", "rep_behaviour", "forecast", "incentive").
std::vector<std::string> model_names(const std::string& family);

}  // namespace salesim::models
