// Factories of the built-in policies; each is defined in its own file of models/.
#pragma once
#include <memory>

#include "sim/policies.hpp"

namespace salesim::models {

std::unique_ptr<DemandModel> make_seasonal_poisson(const Scenario&);      // demand.cpp
std::unique_ptr<RepBehaviour> make_count_based(const Scenario&);          // rep_behaviour.cpp
std::unique_ptr<RepBehaviour> make_value_based(const Scenario&);          // rep_behaviour.cpp
std::unique_ptr<ForecastModel> make_seasonal_naive(const Scenario&);      // forecast.cpp
std::unique_ptr<ForecastModel> make_exponential_smoothing(const Scenario&);
std::unique_ptr<ForecastModel> make_rep_submitted(const Scenario&);
std::unique_ptr<IncentivePlan> make_linear_commission(const Scenario&);   // incentive.cpp
std::unique_ptr<IncentivePlan> make_tiered(const Scenario&);
std::unique_ptr<IncentivePlan> make_gated(const Scenario&);
std::unique_ptr<IncentivePlan> make_team(const Scenario&);
std::unique_ptr<IncentivePlan> make_dynamic(const Scenario&);
std::unique_ptr<RepBehaviour> make_incentive_driven(const Scenario&);    // rep_behaviour.cpp
std::unique_ptr<InterventionPolicy> make_threshold_rules(const Scenario&); // intervention.cpp

// Exposed for unit tests: Holt-Winters style exponential smoothing over one series.
double exponential_smoothing_forecast(std::span<const double> history, int season, double alpha, double beta,
                                      double gamma);

}  // namespace salesim::models
