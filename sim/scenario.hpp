// Scenario: the validated, typed form of a scenarios/*.json file. Loading validates everything
// against scenarios/schema.json and says where and what; the engine then trusts it.
#pragma once
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/schema.hpp"
#include "sim/types.hpp"

namespace salesim {

struct RegionSpec { std::string name; double rep_share = 1, demand_multiplier = 1; char tier = 'A'; };
struct SkuSpec { std::string name, category; double price = 0, unit_cost = 0, popularity = 1; bool new_product = false; };
struct RoleSpec { std::string name; double influence_weight = 0.5, presence = 1, availability = 1; };
struct InfluenceEdgeSpec { uint16_t from = 0, to = 0; double weight = 0; };
struct ActionSpec { double base_contribution = 0, result_customer = 0, result_prospect = 0, touch_cost = 1; };

struct RepsSpec {
  int count = 0;
  double visits_per_day = 5, skill_mean = 0.85, skill_sd = 0.08, new_hire_share = 0.15;
  int ramp_days = 90;
  double ramp_start = 0.6, b_tier_skill_multiplier = 1.0, cost_per_visit = 90, base_salary_month = 6000;
  bool evaluation_by_value = false;  // /reps/evaluation == "behaviour_value"
  double attrition_per_month = 0.012, pay_fairness_sensitivity = 2.0, top_performer_attrition_multiplier = 2.8;
  int vacancy_days = 30;
  double effort_floor = 0.7, effort_scale = 0.02;
  // /reps/poaching (docs/incentives.md#poaching)
  double poach_propensity = 0;
  int poach_duration_days = 30;
  double poach_cross_region_share = 0.5, poach_complaint_probability = 0.6, poach_churn_multiplier = 1.3,
         poach_noise = 0.3;
};
struct AccountsSpec {
  double per_rep = 86;
  std::array<double, 3> tier_shares{0.2, 0.3, 0.5}, tier_order_multiplier{2.0, 1.0, 0.6};
  double size_sigma = 0.5, price_sensitivity_mean = 0.5;
  std::array<double, kStages> initial_stage_shares{};
};
struct JourneySpec {
  double self_progress_per_day = 0.02, inbound_per_day = 0.005, stage_gain = 2.0;
  int trial_window_days = 45;
  double adopt_at_first_order = 0.15, adopt_per_followup = 0.2;
  int lapse_to_stage = 4;  // 1-based
};
struct ChurnSpec {
  double base_per_day = 0.002, service_days = 14, neglect_per_month = 0.8, promo_sensitivity = 3.0,
         stockout_multiplier = 1.5;
  int stockout_memory_days = 14;
};
struct SignalsSpec {
  double weather_persistence = 0.8, weather_volatility = 1.0, competitor_promos_per_year = 4;
  int competitor_promo_days = 10;
  double competitor_depth_min = 0.05, competitor_depth_max = 0.15;
};
// Warehouse staff who handle each region's replenishments (docs/model.md#warehouse); 0 staff: not modelled.
struct WarehouseSpec {
  int staff_per_region = 0;
  double reliability_mean = 0.985, reliability_sd = 0.01, late_days_mean = 3;
  double effort_floor = 0.9, effort_scale_cny = 250, base_salary_month = 5000;
};
struct InventorySpec {
  int lead_days = 7, review_days = 7;
  double safety_factor = 1.65, initial_cover_days = 21;
  WarehouseSpec warehouse;
};
struct OrderProcessingSpec { double entry_delay_hours = 6; int batch_hour = 17, lag_office_days = 2; bool automatic = false; };
struct CircuitBreakerSpec {
  bool enabled = true;
  double multiple = 1.8;
  int window_days = 1;
  double brief_acceptance = 0.1, overload_quality_loss = 0.3;
};

// Invoices and late payment (docs/interventions.md#credit).
struct CreditSpec {
  int terms_days = 30;
  double late_share = 0, late_days_mean = 40;
  int write_off_days = 120;
  double manager_collection_speedup = 0.5;
};
// Decay of an action's value and a visit's sub-dimensions (docs/model.md#behaviour-value).
enum class DecayShape : uint8_t { Step, Linear, Exponential };
struct BehaviourValueSpec {
  double window_hours = 72;
  DecayShape shape = DecayShape::Linear;
  double exponential_rate = 3;
  double w_discovery = 0.4, w_objection = 0.3, w_chain = 0.3, weight_in_value = 0;
  // The share of an action's value left `age_hours` after it was done: 1 at 0, exactly 0 from the window on.
  double decay(double age_hours) const;
};
// Hierarchy or agile pods: specialists, demand cards, discount authority (docs/pods.md).
struct PodsSpec {
  int size = 6;
  bool agile = false;  // /pods/organisation == "pods"
  int presales = 1, customer_success = 1, analyst = 0;
  double specialist_capacity_per_day = 6, specialist_cost_month = 9000;
  double card_rate = 0, pod_response_hours = 2, hierarchy_response_hours = 113;
  int card_expiry_days = 30, card_topics = 20;
  double reuse_speedup = 0.5, answer_contribution = 0.41;
  bool cards_block_progress = true;
  double ask_probability = 0, max_ask = 0.15, elasticity = 3, pod_authority = 0.05, manager_authority = 0.10,
         manager_delay_days = 2;
  bool authorisation_matrix = true;
  int specialists() const { return agile ? presales + customer_success + analyst : 0; }
};

// A policy family's choice: the model's name and its parameters (defaults filled in).
struct PolicyChoice { std::string model; nlohmann::json params; };

struct Scenario {
  std::string name, description, source;  // source: file path or "<memory>"
  uint64_t seed = 1;
  Clock clock;
  std::vector<RegionSpec> regions;
  std::vector<SkuSpec> skus;
  std::vector<RoleSpec> roles;
  std::vector<InfluenceEdgeSpec> influence_edges;
  std::array<ActionSpec, kActions> actions{};
  RepsSpec reps;
  int pod_size = 6;
  PodsSpec pods;
  CreditSpec credit;
  BehaviourValueSpec behaviour_value;
  int intervention_outcome_days = 14;
  AccountsSpec accounts;
  JourneySpec journey;
  ChurnSpec churn;
  SignalsSpec signals;
  InventorySpec inventory;
  OrderProcessingSpec order_processing;
  PolicyChoice demand, rep_behaviour, forecast, incentive, interventions;
  CircuitBreakerSpec circuit_breaker;
  uint32_t event_mask = ~0u;  // bit per EventKind
  struct Target { std::string kpi; double value = 0, tolerance = 0.15; std::string source; };
  std::vector<Target> targets;

  nlohmann::json normalized;  // the validated document with every default filled in
  uint64_t hash = 0;          // xxh64 of normalized.dump(): identifies the exact inputs of a run
};

// Outcome of loading: a scenario, or the list of every problem found (never both).
struct LoadResult {
  std::optional<Scenario> scenario;
  std::vector<Problem> problems;
  bool ok() const { return scenario.has_value(); }
};

// An override "JSON_POINTER=VALUE" as given to --set; VALUE is parsed as JSON, else taken as a string.
struct Override { std::string pointer; std::string value; };
std::optional<Override> parse_override(const std::string& text, std::string& error);

const nlohmann::json& scenario_schema();
// Names of every KPI a run reports (docs/model.md#kpis), in report order.
const std::vector<std::string>& kpi_names();
LoadResult load_scenario_file(const std::string& path, const std::vector<Override>& overrides = {});
LoadResult load_scenario_text(const std::string& text, const std::string& source_name,
                              const std::vector<Override>& overrides = {});
LoadResult load_scenario_json(nlohmann::json doc, const std::string& source_name,
                              const std::vector<Override>& overrides = {});

}  // namespace salesim
