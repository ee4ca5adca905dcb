#include "models/registry.hpp"

#include <functional>
#include <map>
#include <stdexcept>

#include "models/models.hpp"

namespace salesim::models {
namespace {

template <class T>
using Factories = std::map<std::string, std::function<std::unique_ptr<T>(const Scenario&)>>;

const Factories<DemandModel>& demand() {
  static const Factories<DemandModel> f = {
      {"seasonal_poisson", [](const Scenario& s) { return make_seasonal_poisson(s); }},
  };
  return f;
}
const Factories<RepBehaviour>& behaviour() {
  static const Factories<RepBehaviour> f = {
      {"count_based", [](const Scenario& s) { return make_count_based(s); }},
      {"value_based", [](const Scenario& s) { return make_value_based(s); }},
      {"incentive_driven", [](const Scenario& s) { return make_incentive_driven(s); }},
  };
  return f;
}
const Factories<ForecastModel>& forecast() {
  static const Factories<ForecastModel> f = {
      {"seasonal_naive", [](const Scenario& s) { return make_seasonal_naive(s); }},
      {"exponential_smoothing", [](const Scenario& s) { return make_exponential_smoothing(s); }},
      {"rep_submitted", [](const Scenario& s) { return make_rep_submitted(s); }},
  };
  return f;
}
const Factories<IncentivePlan>& incentive() {
  static const Factories<IncentivePlan> f = {
      {"linear", [](const Scenario& s) { return make_linear_commission(s); }},
      {"tiered", [](const Scenario& s) { return make_tiered(s); }},
      {"gated", [](const Scenario& s) { return make_gated(s); }},
      {"team", [](const Scenario& s) { return make_team(s); }},
      {"dynamic", [](const Scenario& s) { return make_dynamic(s); }},
  };
  return f;
}

template <class T>
std::unique_ptr<T> make(const Factories<T>& f, const std::string& family, const std::string& name, const Scenario& s) {
  auto it = f.find(name);
  // The loader validated the name against the schema; reaching here means schema and registry disagree.
  if (it == f.end()) throw std::logic_error("no " + family + " model registered as '" + name + "'");
  return it->second(s);
}

template <class T>
std::vector<std::string> names(const Factories<T>& f) {
  std::vector<std::string> out;
  for (const auto& [k, v] : f) out.push_back(k);
  return out;
}

}  // namespace

std::unique_ptr<DemandModel> make_demand(const Scenario& s) { return make(demand(), "demand", s.demand.model, s); }
std::unique_ptr<RepBehaviour> make_rep_behaviour(const Scenario& s) {
  return make(behaviour(), "rep_behaviour", s.rep_behaviour.model, s);
}
std::unique_ptr<ForecastModel> make_forecast(const Scenario& s) { return make(forecast(), "forecast", s.forecast.model, s); }
std::unique_ptr<IncentivePlan> make_incentive(const Scenario& s) {
  return make(incentive(), "incentive", s.incentive.model, s);
}
std::unique_ptr<InterventionPolicy> make_interventions(const Scenario& s) { return make_threshold_rules(s); }

PolicySet make_policies(const Scenario& s) {
  return PolicySet{make_demand(s), make_rep_behaviour(s), make_forecast(s), make_incentive(s), make_interventions(s)};
}

std::unique_ptr<Engine> make_engine(const Scenario& s, EngineOptions opt) {
  return std::make_unique<Engine>(s, make_policies(s), opt);
}

std::vector<std::string> model_names(const std::string& family) {
  if (family == "demand") return names(demand());
  if (family == "rep_behaviour") return names(behaviour());
  if (family == "forecast") return names(forecast());
  if (family == "incentive") return names(incentive());
  return {};
}

}  // namespace salesim::models
