#include "sim/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <xxhash.h>

#include "sim/recorder.hpp"

namespace salesim {
using nlohmann::json;

extern const char* const kScenarioSchemaText;  // generated from scenarios/schema.json at build time

const json& scenario_schema() {
  static const json schema = json::parse(kScenarioSchemaText);
  return schema;
}

std::optional<Override> parse_override(const std::string& text, std::string& error) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || text[0] != '/') {
    error = fmt::format("--set '{}': expected JSON_POINTER=VALUE, for example /reps/count=50", text);
    return std::nullopt;
  }
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

const std::vector<std::string>& kpi_names() {
  static const std::vector<std::string> names = [] {
    Recorder r;
    r.init(0, 0);
    std::vector<std::string> out;
    for (const Kpi& k : r.kpis(1, 0)) out.push_back(k.name);
    return out;
  }();
  return names;
}

namespace {

std::array<bool, 7> weekday_set(const json& names) {
  std::array<bool, 7> out{};
  for (const auto& n : names)
    for (size_t i = 0; i < 7; ++i)
      if (n.get<std::string>() == kWeekdayNames[i]) out[i] = true;
  return out;
}

template <size_t N>
std::array<double, N> array_of(const json& v) {
  std::array<double, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = v[i].get<double>();
  return out;
}

// Everything the schema cannot say: references between sections and sums.
void cross_check(const json& d, std::vector<Problem>& p) {
  auto unique_names = [&](const char* section) {
    std::set<std::string> seen;
    for (size_t i = 0; i < d[section].size(); ++i) {
      const std::string n = d[section][i].value("name", "");
      if (!seen.insert(n).second)
        p.push_back({fmt::format("/{}/{}/name", section, i), fmt::format("duplicate name \"{}\"", n)});
    }
  };
  unique_names("regions");
  unique_names("skus");
  unique_names("roles");
  std::set<std::string> roles;
  for (const auto& r : d["roles"]) roles.insert(r.value("name", ""));
  for (size_t i = 0; i < d["influence_edges"].size(); ++i) {
    const auto& e = d["influence_edges"][i];
    for (const char* end : {"from", "to"}) {
      const std::string n = e.value(end, "");
      if (!roles.count(n))
        p.push_back({fmt::format("/influence_edges/{}/{}", i, end),
                     fmt::format("unknown role \"{}\" (roles are defined in /roles)", n)});
    }
  }
  for (size_t i = 0; i < d["skus"].size(); ++i) {
    const auto& s = d["skus"][i];
    if (s["unit_cost_cny"].get<double>() > s["price_cny"].get<double>())
      p.push_back({fmt::format("/skus/{}/unit_cost_cny", i),
                   fmt::format("must not exceed price_cny ({}), got {}", s["price_cny"].dump(), s["unit_cost_cny"].dump())});
  }
  auto positive_sum = [&](const json& arr, const std::string& at) {
    double sum = 0;
    for (const auto& x : arr) sum += x.is_number() ? x.get<double>() : 0.0;
    if (!(sum > 0)) p.push_back({at, "weights must not all be zero"});
  };
  positive_sum(d["accounts"]["initial_stage_shares"], "/accounts/initial_stage_shares");
  positive_sum(json::array({d["accounts"]["tier_shares"]["A"], d["accounts"]["tier_shares"]["B"],
                            d["accounts"]["tier_shares"]["C"]}), "/accounts/tier_shares");
  {
    json pops = json::array();
    for (const auto& s : d["skus"]) pops.push_back(s["popularity"]);
    positive_sum(pops, "/skus (popularity)");
    json shares = json::array();
    for (const auto& r : d["regions"]) shares.push_back(r["rep_share"]);
    positive_sum(shares, "/regions (rep_share)");
    json avail = json::array();
    for (const auto& r : d["roles"]) avail.push_back(r["availability"]);
    positive_sum(avail, "/roles (availability)");
  }
  if (d["clock"]["rep_workdays"].empty())
    p.push_back({"/clock/rep_workdays", "needs at least one weekday"});
  if (d["clock"]["office_workdays"].empty())
    p.push_back({"/clock/office_workdays", "needs at least one weekday"});
  if (d["clock"]["work_start_hour"].get<int>() + d["clock"]["work_hours"].get<int>() > 24)
    p.push_back({"/clock/work_hours", "the working day must end by midnight (work_start_hour + work_hours <= 24)"});
  const Date start = *Date::parse(d["clock"]["start_date"].get<std::string>());
  const int64_t horizon = d["clock"]["days"].get<int64_t>();
  for (size_t i = 0; i < d["clock"]["holidays"].size(); ++i) {
    const auto& h = d["clock"]["holidays"][i];
    const int64_t day = Date::parse(h["date"].get<std::string>())->serial() - start.serial();
    if (day + h["days"].get<int64_t>() <= 0 || day >= horizon + 366)
      p.push_back({fmt::format("/clock/holidays/{}/date", i),
                   fmt::format("{} is outside the simulated period starting {}", h["date"].get<std::string>(), start.str())});
  }
  for (auto it = d["targets"].begin(); it != d["targets"].end(); ++it)
    if (std::find(kpi_names().begin(), kpi_names().end(), it.key()) == kpi_names().end())
      p.push_back({"/targets/" + it.key(), fmt::format("\"{}\" is not a KPI salesim reports (see docs/model.md#kpis)", it.key())});
  if (d["pods"]["discounts"]["manager_authority"].get<double>() < d["pods"]["discounts"]["pod_authority"].get<double>())
    p.push_back({"/pods/discounts/manager_authority", "must be at least /pods/discounts/pod_authority (a manager approves more than a pod)"});
  const auto& rules = d["interventions"]["rules"];
  for (size_t i = 0; i < rules.size(); ++i) {
    const bool stock = rules[i]["scope"] == "stock";
    for (size_t k = 0; k < rules[i]["when"].size(); ++k) {
      const std::string metric = rules[i]["when"][k]["metric"];
      if ((metric == "stock_cover_days") != stock)
        p.push_back({fmt::format("/interventions/rules/{}/when/{}/metric", i, k),
                     stock ? fmt::format("a rule with scope \"stock\" can only use stock_cover_days, not {}", metric)
                           : "stock_cover_days needs \"scope\": \"stock\" on the rule"});
    }
    for (size_t k = 0; k < rules[i]["then"].size(); ++k) {
      const std::string kind = rules[i]["then"][k]["kind"];
      if ((kind == "replenish") != stock)
        p.push_back({fmt::format("/interventions/rules/{}/then/{}/kind", i, k),
                     stock ? fmt::format("a rule with scope \"stock\" can only replenish, not {}", kind)
                           : "replenish needs \"scope\": \"stock\" on the rule"});
    }
  }
  if (d["inventory"]["lead_days"].get<int>() > d["clock"]["days"].get<int>())
    p.push_back({"/inventory/lead_days", "is longer than the simulated horizon (/clock/days)"});
}

Scenario build(const json& d, const std::string& source) {
  Scenario s;
  s.name = d["name"];
  s.description = d["description"];
  s.source = source;
  s.seed = d["seed"].get<uint64_t>();
  const auto& c = d["clock"];
  const Date start = *Date::parse(c["start_date"].get<std::string>());
  std::vector<Holiday> holidays;
  for (const auto& h : c["holidays"]) {
    holidays.push_back(Holiday{h["name"], int(Date::parse(h["date"].get<std::string>())->serial() - start.serial()),
                               h["days"].get<int>(), h["demand_multiplier"].get<double>(), h["workday"].get<bool>()});
  }
  s.clock = Clock(start, c["days"].get<int>(), c["tick_hours"].get<int>(), weekday_set(c["rep_workdays"]),
                  weekday_set(c["office_workdays"]), c["work_start_hour"].get<int>(), c["work_hours"].get<int>(),
                  std::move(holidays));
  for (const auto& r : d["regions"])
    s.regions.push_back({r["name"], r["rep_share"], r["demand_multiplier"], r["tier"].get<std::string>()[0]});
  for (const auto& k : d["skus"])
    s.skus.push_back({k["name"], k["category"], k["price_cny"], k["unit_cost_cny"], k["popularity"], k["new_product"]});
  std::map<std::string, uint16_t> role_ids;
  for (const auto& r : d["roles"]) {
    role_ids[r["name"]] = uint16_t(s.roles.size());
    s.roles.push_back({r["name"], r["influence_weight"], r["presence"], r["availability"]});
  }
  for (const auto& e : d["influence_edges"])
    s.influence_edges.push_back({role_ids.at(e["from"]), role_ids.at(e["to"]), e["weight"]});
  for (size_t a = 0; a < kActions; ++a) {
    const auto& x = d["actions"][std::string(kActionNames[a])];
    s.actions[a] = {x["base_contribution"], x["result_probability_customer"], x["result_probability_prospect"],
                    x["touch_cost"]};
  }
  const auto& r = d["reps"];
  s.reps = {r["count"], r["visits_per_day"], r["skill_mean"], r["skill_sd"], r["new_hire_share"], r["ramp_days"],
            r["ramp_start"], r["b_tier_skill_multiplier"], r["cost_per_visit_cny"], r["base_salary_cny_month"],
            r["evaluation"] == "behaviour_value", r["attrition_per_month"], r["pay_fairness_sensitivity"],
            r["top_performer_attrition_multiplier"], r["vacancy_days"], r["effort_floor"], r["effort_scale"]};
  {
    const auto& q = r["poaching"];
    s.reps.poach_propensity = q["propensity"];
    s.reps.poach_duration_days = q["duration_days"];
    s.reps.poach_cross_region_share = q["cross_region_share"];
    s.reps.poach_complaint_probability = q["complaint_probability"];
    s.reps.poach_churn_multiplier = q["churn_multiplier"];
    s.reps.poach_noise = q["noise"];
  }
  s.pod_size = d["pods"]["size"];
  {
    const auto& P = d["pods"];
    auto& o = s.pods;
    o.size = P["size"];
    o.agile = P["organisation"] == "pods";
    o.presales = P["specialists"]["presales"];
    o.customer_success = P["specialists"]["customer_success"];
    o.analyst = P["specialists"]["analyst"];
    o.specialist_capacity_per_day = P["specialist_capacity_per_day"];
    o.specialist_cost_month = P["specialist_cost_month"];
    const auto& C = P["cards"];
    o.card_rate = C["rate"];
    o.pod_response_hours = C["pod_response_hours"];
    o.hierarchy_response_hours = C["hierarchy_response_hours"];
    o.card_expiry_days = C["expiry_days"];
    o.card_topics = C["topics"];
    o.reuse_speedup = C["reuse_speedup"];
    o.answer_contribution = C["answer_contribution"];
    o.cards_block_progress = C["blocks_progress"];
    const auto& D = P["discounts"];
    o.ask_probability = D["ask_probability"];
    o.max_ask = D["max_ask"];
    o.elasticity = D["elasticity"];
    o.pod_authority = D["pod_authority"];
    o.manager_authority = D["manager_authority"];
    o.manager_delay_days = D["manager_delay_days"];
    o.authorisation_matrix = D["authorisation_matrix"];
  }
  {
    const auto& C = d["credit"];
    s.credit = {C["terms_days"], C["late_share"], C["late_days_mean"], C["write_off_days"],
                C["manager_collection_speedup"]};
    const auto& B = d["behaviour_value"];
    auto& b = s.behaviour_value;
    b.window_hours = B["window_hours"];
    b.shape = B["shape"] == "step" ? DecayShape::Step : B["shape"] == "linear" ? DecayShape::Linear : DecayShape::Exponential;
    b.exponential_rate = B["exponential_rate"];
    const auto& V = B["visit_dimensions"];
    b.w_discovery = V["needs_discovery"];
    b.w_objection = V["objection_handling"];
    b.w_chain = V["decision_chain"];
    b.weight_in_value = V["weight_in_value"];
    s.intervention_outcome_days = d["interventions"]["outcome_days"];
  }
  const auto& a = d["accounts"];
  s.accounts.per_rep = a["per_rep"];
  s.accounts.tier_shares = {a["tier_shares"]["A"], a["tier_shares"]["B"], a["tier_shares"]["C"]};
  s.accounts.tier_order_multiplier = {a["tier_order_multiplier"]["A"], a["tier_order_multiplier"]["B"],
                                      a["tier_order_multiplier"]["C"]};
  s.accounts.size_sigma = a["size_sigma"];
  s.accounts.price_sensitivity_mean = a["price_sensitivity_mean"];
  s.accounts.initial_stage_shares = array_of<kStages>(a["initial_stage_shares"]);
  const auto& j = d["journey"];
  s.journey = {j["self_progress_per_day"], j["inbound_per_day"], j["stage_gain"], j["trial_window_days"],
               j["adopt_at_first_order"], j["adopt_per_followup"], j["lapse_to_stage"]};
  const auto& ch = d["churn"];
  s.churn = {ch["base_per_day"], ch["service_days"], ch["neglect_per_month"], ch["promo_sensitivity"],
             ch["stockout_multiplier"], ch["stockout_memory_days"]};
  const auto& g = d["signals"];
  s.signals = {g["weather_persistence"], g["weather_volatility"], g["competitor_promos_per_year"],
               g["competitor_promo_days"], g["competitor_depth_min"], g["competitor_depth_max"]};
  const auto& inv = d["inventory"];
  s.inventory = {inv["lead_days"], inv["review_days"], inv["safety_factor"], inv["initial_cover_days"], {}};
  {
    const auto& W = inv["warehouse"];
    s.inventory.warehouse = {W["staff_per_region"], W["reliability_mean"], W["reliability_sd"], W["late_days_mean"],
                             W["effort_floor"], W["effort_scale_cny"], W["base_salary_cny_month"]};
  }
  const auto& op = d["order_processing"];
  s.order_processing = {op["entry_delay_hours"], op["batch_hour"], op["lag_office_days"], op["mode"] == "automatic"};
  auto choice = [&](const char* family) { return PolicyChoice{d[family]["model"], d[family]}; };
  s.demand = choice("demand");
  s.rep_behaviour = choice("rep_behaviour");
  s.forecast = choice("forecast");
  s.incentive = choice("incentive");
  s.interventions = PolicyChoice{"rules", d["interventions"]};
  const auto& cb = d["interventions"]["circuit_breaker"];
  s.circuit_breaker = {cb["enabled"], cb["multiple"], cb["window_days"], cb["brief_acceptance"],
                       cb["overload_quality_loss"]};
  s.event_mask = 0;
  for (const auto& e : d["recorder"]["events"])
    for (size_t k = 0; k < kEventKinds; ++k)
      if (e.get<std::string>() == kEventNames[k]) s.event_mask |= 1u << k;
  for (auto it = d["targets"].begin(); it != d["targets"].end(); ++it)
    s.targets.push_back({it.key(), it.value()["value"], it.value()["tolerance"], it.value()["source"]});
  s.normalized = d;
  const std::string canon = d.dump();
  s.hash = XXH64(canon.data(), canon.size(), 0);
  return s;
}

// {"incentive": {"plan_file": "plans/x.json", ...}}: the file's keys, then the keys beside plan_file.
void resolve_plan_file(json& doc, const std::string& source, std::vector<Problem>& problems) {
  if (!doc.is_object() || !doc.contains("incentive") || !doc["incentive"].is_object() ||
      !doc["incentive"].contains("plan_file"))
    return;
  const json& pf = doc["incentive"]["plan_file"];
  if (!pf.is_string()) {
    problems.push_back({"/incentive/plan_file", fmt::format("expected a string (a path), got {}", describe(pf))});
    return;
  }
  namespace fs = std::filesystem;
  fs::path path(pf.get<std::string>());
  if (path.is_relative()) {
    const fs::path base = fs::path(source).has_parent_path() ? fs::path(source).parent_path() : fs::path(".");
    path = base / path;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.push_back({"/incentive/plan_file", fmt::format("cannot open the plan file {}", path.string())});
    return;
  }
  // Only regular files: a device or a pipe (/dev/zero) would be read without end.
  if (std::error_code ec; !fs::is_regular_file(path, ec)) {
    problems.push_back({"/incentive/plan_file", fmt::format("{} is not a regular file", path.string())});
    return;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  auto parsed = parse_json_text(ss.str(), path.string(), problems);
  if (!parsed) return;
  json plan = std::move(*parsed);
  if (!plan.is_object()) {
    problems.push_back({"/incentive/plan_file", fmt::format("{} must hold a JSON object", path.string())});
    return;
  }
  for (auto it = doc["incentive"].begin(); it != doc["incentive"].end(); ++it)
    if (it.key() != "plan_file") plan[it.key()] = it.value();
  doc["incentive"] = plan;
}

// The older rule form {"then": {"action": A, "cooldown_days": N}} is read as
// {"cooldown_days": N, "then": [{"kind": "task", "action": A}]} (docs/interventions.md#rules).
void upgrade_rule_then(json& doc) {
  if (!doc.is_object() || !doc.contains("interventions") || !doc["interventions"].is_object()) return;
  json& iv = doc["interventions"];
  if (!iv.contains("rules") || !iv["rules"].is_array()) return;
  for (json& rule : iv["rules"]) {
    if (!rule.is_object() || !rule.contains("then") || !rule["then"].is_object()) continue;
    json then = rule["then"];
    if (then.contains("cooldown_days") && !rule.contains("cooldown_days")) rule["cooldown_days"] = then["cooldown_days"];
    then.erase("cooldown_days");
    if (then.contains("task") && then["task"] == "revisit") then.erase("task");
    rule["then"] = json::array({then});
  }
}

}  // namespace

double BehaviourValueSpec::decay(double age_hours) const {
  if (age_hours < 0 || !(age_hours < window_hours)) return age_hours < 0 ? 0.0 : (window_hours <= 0 && age_hours == 0 ? 1.0 : 0.0);
  const double x = age_hours / window_hours;
  switch (shape) {
    case DecayShape::Step: return 1.0;
    case DecayShape::Linear: return 1.0 - x;
    case DecayShape::Exponential: return std::exp(-exponential_rate * x);
  }
  return 0.0;
}

LoadResult load_scenario_json(json doc, const std::string& source, const std::vector<Override>& overrides) {
  LoadResult out;
  for (const auto& o : overrides) {
    json value;
    try {
      value = json::parse(o.value);
    } catch (const json::exception&) {  // parse_error, or out_of_range for 1e999
      value = o.value;  // bare words are strings: --set /forecast/model=exponential_smoothing
    }
    try {
      const json::json_pointer ptr(o.pointer);
      if (!doc.is_object()) break;
      if (!ptr.parent_pointer().empty() && !doc.contains(ptr.parent_pointer())) {
        // Create intermediate objects so a default-only section can be set from the command line.
        doc[ptr.parent_pointer()] = json::object();
      }
      doc[ptr] = value;
    } catch (const json::exception& e) {
      out.problems.push_back({o.pointer, fmt::format("cannot set this pointer: {}", e.what())});
    }
  }
  if (!out.problems.empty()) return out;
  resolve_plan_file(doc, source, out.problems);
  if (!out.problems.empty()) return out;
  if (!doc.is_object()) {
    out.problems.push_back({"", fmt::format("a scenario must be a JSON object, got {}", describe(doc))});
    return out;
  }
  upgrade_rule_then(doc);
  json filled = validate_and_fill(scenario_schema(), doc, out.problems);
  if (!out.problems.empty()) return out;
  cross_check(filled, out.problems);
  if (!out.problems.empty()) return out;
  out.scenario = build(filled, source);
  return out;
}

LoadResult load_scenario_text(const std::string& text, const std::string& source,
                              const std::vector<Override>& overrides) {
  LoadResult out;
  auto doc = parse_json_text(text, source, out.problems);
  if (!doc) return out;
  return load_scenario_json(std::move(*doc), source, overrides);
}

LoadResult load_scenario_file(const std::string& path, const std::vector<Override>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult out;
    out.problems.push_back({path, "cannot open the file (does it exist and is it readable?)"});
    return out;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_scenario_text(ss.str(), path, overrides);
}

}  // namespace salesim
