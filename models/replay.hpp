// Replay of imported history (docs/history.md#replay) and scenarios estimated from it
// (docs/history.md#to-scenario). Policies that do not feed back into history (what an incentive plan
// would have paid, how accurate a forecaster would have been) are evaluated exactly on the recorded
// deals; policies that would change history run in the agent-based model, in a scenario whose
// parameters `fit_scenario` estimates from the same history.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/backtest.hpp"
#include "sim/history.hpp"
#include "sim/policies.hpp"

namespace salesim::models {

// The world of a replay: the reps that appear on at least one opportunity, their pods and regions.
struct ReplayWorld {
  std::vector<int32_t> rep_history;    // per replay rep: its index in History::reps
  std::vector<int32_t> rep_of_history; // per History rep: its replay rep, kNoId when it has no deal
  std::vector<int32_t> rep_pod;        // per replay rep: index into pods
  std::vector<int32_t> rep_region;     // per replay rep: index into History::regions, kNoId if blank
  std::vector<std::string> pods;
  std::vector<uint32_t> pod_size;      // replay reps per pod
  std::string pod_source;              // "pod", "manager", "region" or "one" (how pods were formed)
  size_t reps_without_deals = 0;       // reps of the reps file left out (no opportunity names them)
};
ReplayWorld build_replay_world(const History& h);

// The plan variables of every rep in every period, measured from the won deals replayed in time order.
// Variables the history cannot measure are NaN in every cell (kReplayMeasured says which are measured).
struct ReplayData {
  ReplayWorld world;
  Period period = Period::kMonth;
  std::vector<int32_t> starts;        // T + 1 period boundaries (day serials)
  std::vector<std::string> labels;    // T labels: 2017-03 or 2017-Q1
  std::vector<double> covered;        // per period: share of its days on or before as_of (1 except at the end)
  std::vector<PlanVars> vars;         // [t * R + r]
  std::vector<uint32_t> won_deals;    // [t * R + r]
  std::vector<std::string> first_won_account;  // per new customer, in time order (for tests and docs)
  size_t deals_replayed = 0;          // won and lost deals with a close date, replayed in time order
  size_t won = 0, won_without_rep = 0;
  size_t reps() const { return world.rep_history.size(); }
  size_t periods() const { return labels.size(); }
  const PlanVars& at(size_t t, size_t r) const { return vars[t * reps() + r]; }
};
// Variables a deals export measures: revenue (won value closed in the period), new_customers (accounts
// whose first won deal in the history closed in the period), pod_revenue and pod_size. The rest are NaN.
bool replay_measures(PlanVar v);
// Throws std::invalid_argument when the history has no won deal with a close date.
ReplayData replay_history(const History& h, Period period);

// One plan replayed: every rep's statement in every period, and the totals.
struct ReplayPlanResult {
  std::string name;
  std::vector<PlanVar> uses;
  std::vector<PayoutStatement> statements;   // [t * R + r]; lines include base_salary first
  std::vector<double> rep_total;             // per rep: total pay over the replay
  double variable_pay = 0, base_pay = 0, total_pay = 0, revenue = 0;
  double cost_of_sales_ratio = 0;            // total pay / won revenue (visit costs are not in the history)
  double payout_gini = 0;                    // inequality of rep_total
  std::vector<PlanVar> unmeasured_uses;      // variables the plan uses that the history cannot measure
};
// `base_salary_month` is paid pro rata to the months (and the covered share) of each period.
ReplayPlanResult replay_plan(const ReplayData& d, const IncentivePlan& plan, const std::string& name,
                             double base_salary_month);

double gini(std::vector<double> v);

// One-step-ahead accuracy of a forecaster over the replayed won value per period: total and per region.
struct ReplayForecastPoint { std::string level, key, period; double actual = 0, forecast = 0; };
struct ReplayForecastScore {
  std::string model, level;
  size_t points = 0, mape_points = 0;
  double mape = 0, wape = 0, bias = 0;  // NaN without points
};
struct ReplayForecast {
  std::vector<ReplayForecastScore> scores;
  std::vector<ReplayForecastPoint> points;
};
ReplayForecast replay_forecast(const ReplayData& d, const History& h, const ForecastModel& model,
                               const std::string& name, int season, int min_train, uint64_t seed);

// ---- scenario from history ----------------------------------------------------------------------------
// A scenario document estimated from the history, and the estimates with their source counts
// (FILE.fit.json). `base` is a loaded scenario's normalized document (or an empty object): its roles,
// actions, journey, forecast and incentive are kept; what the history measures is replaced.
struct ScenarioFit {
  nlohmann::json scenario;
  nlohmann::json fit;
};
// Throws std::invalid_argument when the history has no won deal with a value and close date.
ScenarioFit fit_scenario(const History& h, const nlohmann::json& base, const std::string& mapping_path);

}  // namespace salesim::models
