// salesim replay | history to-scenario: incentive plans and forecasters evaluated exactly on replayed
// history, and a scenario estimated from it for the policies that would change history. docs/history.md
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <memory>

#include "headless/cli_common.hpp"
#include "models/registry.hpp"
#include "models/replay.hpp"
#include "sim/output.hpp"

namespace salesim::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string num(double x, const char* f = "{:.2f}") { return std::isnan(x) ? std::string("n/a") : fmt::format(fmt::runtime(f), x); }
json jnum(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }
double secs_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

struct ReplayOptions {
  std::string scenario, mapping, out_dir, period = "month";
  std::vector<std::string> plans;
  int season = 0, min_train = 0;
  bool quiet = false;
};

struct PlanVariant { std::string name, file; Scenario sc; };

int replay(const ReplayOptions& o) {
  if (o.period != "month" && o.period != "quarter")
    throw BadInput(fmt::format("--period '{}': expected month or quarter (pay periods)", o.period));
  const models::Period period = *models::parse_period(o.period);
  const Scenario sc = load_or_throw(o.scenario, {});
  // Every plan is loaded before anything runs, so a bad plan file stops the replay at once.
  std::vector<PlanVariant> plans;
  plans.push_back({"scenario:" + sc.incentive.model, "", sc});
  for (const auto& plan : o.plans) {
    if (!fs::exists(plan)) throw BadInput(fmt::format("{}: cannot open the plan file", plan));
    try {
      plans.push_back({fs::path(plan).stem().string(), plan,
                       load_or_throw(o.scenario, {fmt::format("/incentive={{\"plan_file\": {}}}",
                                                              json(fs::absolute(plan).string()).dump())})});
    } catch (const BadInput& e) {
      throw BadInput(fmt::format("with plan {}:\n{}", plan, e.what()));
    }
  }
  // Forecasters: the scenario's, then every other registered one with its default parameters.
  std::vector<std::pair<std::string, Scenario>> forecasters = {{sc.forecast.model, sc}};
  for (const auto& name : models::model_names("forecast")) {
    if (name == sc.forecast.model) continue;
    json doc = sc.normalized;
    doc["forecast"] = {{"model", name}};
    LoadResult lr = load_scenario_json(doc, sc.source);
    if (!lr.ok()) throw std::logic_error("forecast variant " + name + " does not validate");
    forecasters.emplace_back(name, std::move(*lr.scenario));
  }

  const auto t0 = std::chrono::steady_clock::now();
  const History h = load_history_or_throw(o.mapping);
  const double import_secs = secs_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  models::ReplayData d;
  try {
    d = models::replay_history(h, period);
  } catch (const std::invalid_argument& e) {
    throw BadInput(fmt::format("{}: {}", o.mapping, e.what()));
  }
  std::vector<models::ReplayPlanResult> results;
  for (const auto& p : plans) {
    auto plan = models::make_incentive(p.sc);
    results.push_back(models::replay_plan(d, *plan, p.name, p.sc.reps.base_salary_month));
  }
  const int season = o.season > 0 ? o.season : models::default_season(period);
  const int min_train = o.min_train > 0 ? o.min_train : season;
  std::vector<models::ReplayForecast> fc;
  for (const auto& [name, fsc] : forecasters) {
    auto model = models::make_forecast(fsc);
    fc.push_back(models::replay_forecast(d, h, *model, name, season, min_train, sc.seed));
  }
  const double replay_secs = secs_since(t1);

  // ---- outputs ----------------------------------------------------------------------------------------
  const size_t T = d.periods(), R = d.reps();
  auto rep_name = [&](size_t r) { return h.reps[size_t(d.world.rep_history[r])].name; };
  auto pod_name = [&](size_t r) { return d.world.pods[size_t(d.world.rep_pod[r])]; };
  auto region_name = [&](size_t r) {
    return d.world.rep_region[r] == kNoId ? std::string() : h.regions[size_t(d.world.rep_region[r])];
  };
  std::string payouts = "plan,period,rep,rep_name,pod,region,item,basis,rate,amount,explanation\n";
  for (const auto& res : results)
    for (size_t t = 0; t < T; ++t)
      for (size_t r = 0; r < R; ++r) {
        const PayoutStatement& st = res.statements[t * R + r];
        const std::string head = fmt::format("{},{},{},{},{},{}", csv_quote(res.name), st.period, r, csv_quote(rep_name(r)),
                                             csv_quote(pod_name(r)), csv_quote(region_name(r)));
        for (const auto& l : st.lines)
          payouts += fmt::format("{},{},{},{},{:.2f},{}\n", head, l.item, num(l.basis, "{:.10g}"), num(l.rate, "{:.10g}"),
                                 l.amount, csv_quote(l.explanation));
        payouts += fmt::format("{},total,,,{:.2f},\n", head, st.total);
      }
  std::string vars = "period,rep,rep_name,pod,region,won_deals";
  for (auto n : kPlanVarNames) vars += fmt::format(",{}", n);
  vars += "\n";
  for (size_t t = 0; t < T; ++t)
    for (size_t r = 0; r < R; ++r) {
      vars += fmt::format("{},{},{},{},{},{}", d.labels[t], r, csv_quote(rep_name(r)), csv_quote(pod_name(r)),
                          csv_quote(region_name(r)), d.won_deals[t * R + r]);
      for (double x : d.at(t, r)) {
        vars += ',';
        vars += num(x, "{:.10g}");
      }
      vars += "\n";
    }
  std::string forecasts = "model,level,key,period,actual,forecast\n";
  for (const auto& f : fc)
    for (const auto& p : f.points)
      forecasts += fmt::format("{},{},{},{},{:.10g},{:.10g}\n", f.scores.front().model, p.level, csv_quote(p.key), p.period,
                               p.actual, p.forecast);

  json summary;
  summary["scenario"] = sc.name;
  summary["scenario_file"] = o.scenario;
  summary["mapping"] = o.mapping;
  summary["history"] = h.name;
  summary["period"] = o.period;
  summary["periods"] = d.labels;
  summary["version"] = kVersion;
  json pods = json::array();
  for (size_t p = 0; p < d.world.pods.size(); ++p) pods.push_back({{"name", d.world.pods[p]}, {"reps", d.world.pod_size[p]}});
  summary["world"] = {{"reps", R}, {"reps_without_deals", d.world.reps_without_deals}, {"pod_source", d.world.pod_source},
                      {"pods", pods}, {"regions", h.regions}, {"accounts", h.accounts.size()}, {"products", h.products.size()}};
  summary["replayed"] = {{"opportunity_rows", h.opportunities.size()}, {"closed_deals", d.deals_replayed},
                         {"won_deals", d.won}, {"won_without_rep", d.won_without_rep},
                         {"new_customers", d.first_won_account.size()}};
  json measured = json::object();
  for (size_t v = 0; v < kPlanVars; ++v)
    measured[std::string(kPlanVarNames[v])] = models::replay_measures(PlanVar(v)) ? "measured" : "not in the history (NaN)";
  summary["variables"] = measured;
  json pj = json::array();
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& res = results[i];
    json uses = json::array(), unmeasured = json::array();
    for (PlanVar v : res.uses) uses.push_back(kPlanVarNames[v]);
    for (PlanVar v : res.unmeasured_uses) unmeasured.push_back(kPlanVarNames[v]);
    pj.push_back({{"name", res.name}, {"model", plans[i].sc.incentive.model}, {"file", plans[i].file},
                  {"won_revenue", res.revenue}, {"variable_pay", std::round(res.variable_pay * 100) / 100},
                  {"base_pay", std::round(res.base_pay * 100) / 100}, {"total_pay", std::round(res.total_pay * 100) / 100},
                  {"cost_of_sales_ratio", jnum(res.cost_of_sales_ratio)}, {"payout_gini", res.payout_gini},
                  {"uses", uses}, {"unmeasured_uses", unmeasured}});
  }
  summary["plans"] = pj;
  json fj = json::array();
  for (const auto& f : fc)
    for (const auto& s : f.scores)
      fj.push_back({{"model", s.model}, {"level", s.level}, {"points", s.points}, {"mape_points", s.mape_points},
                    {"mape", jnum(s.mape)}, {"wape", jnum(s.wape)}, {"bias", jnum(s.bias)}});
  summary["forecast"] = {{"measure", "won value per period"}, {"horizon", 1}, {"season", season}, {"min_train", min_train},
                         {"scenario_model", sc.forecast.model}, {"scores", fj}};

  fs::create_directories(o.out_dir);
  write_file_atomic(o.out_dir + "/payouts.csv", payouts);
  write_file_atomic(o.out_dir + "/variables.csv", vars);
  write_file_atomic(o.out_dir + "/forecasts.csv", forecasts);
  write_file_atomic(o.out_dir + "/summary.json", summary.dump(1) + "\n");  // last: its presence means complete

  if (!o.quiet) {
    fmt::print("replay of {} ({}): {} reps in {} pods (by {}), {} periods {} .. {}\n", o.mapping, h.name, R,
               d.world.pods.size(), d.world.pod_source, T, d.labels.front(), d.labels.back());
    fmt::print("{} closed deals replayed in time order, {} won, {} new customers (first won deal with an account)\n",
               d.deals_replayed, d.won, d.first_won_account.size());
    fmt::print("not in the history (NaN, never invented):");
    for (size_t v = 0; v < kPlanVars; ++v)
      if (!models::replay_measures(PlanVar(v))) fmt::print(" {}", kPlanVarNames[v]);
    fmt::print("\n\n  {:<22} {:>14} {:>14} {:>14} {:>8} {:>7}  {}\n", "plan", "variable pay", "base pay", "total pay",
               "CoS", "Gini", "uses, not measured");
    for (const auto& res : results) {
      std::string un;
      for (PlanVar v : res.unmeasured_uses) {
        if (!un.empty()) un += ", ";
        un += kPlanVarNames[v];
      }
      fmt::print("  {:<22} {:>14.2f} {:>14.2f} {:>14.2f} {:>7.2f}% {:>7.3f}  {}\n", res.name, res.variable_pay, res.base_pay,
                 res.total_pay, 100 * res.cost_of_sales_ratio, res.payout_gini, un.empty() ? "-" : un);
    }
    fmt::print("\n  forecast of won value per {}, 1 ahead (season {}, from period {}):\n", o.period, season, min_train + 1);
    fmt::print("  {:<24} {:<7} {:>6} {:>8} {:>8} {:>8}\n", "model", "level", "points", "MAPE", "WAPE", "bias");
    for (const auto& f : fc)
      for (const auto& s : f.scores)
        fmt::print("  {:<24} {:<7} {:>6} {:>8} {:>8} {:>8}\n", s.model, s.level, s.points, num(100 * s.mape, "{:.1f}%"),
                   num(100 * s.wape, "{:.1f}%"), num(100 * s.bias, "{:+.1f}%"));
  }
  fmt::print("import {:.3f} s; replay {:.4f} s ({:.0f} rows/s); wrote {}/payouts.csv, variables.csv, forecasts.csv, summary.json\n",
             import_secs, replay_secs, replay_secs > 0 ? double(h.opportunities.size()) / replay_secs : 0.0, o.out_dir);
  return kExitOk;
}

struct ToScenarioOptions { std::string mapping, out, base; };

std::string fit_path(const std::string& out) {
  fs::path p(out);
  return (p.parent_path() / (p.stem().string() + ".fit.json")).string();
}

int to_scenario(const ToScenarioOptions& o) {
  json base = json::object();
  if (!o.base.empty()) base = load_or_throw(o.base, {}).normalized;
  const History h = load_history_or_throw(o.mapping);
  models::ScenarioFit f;
  try {
    f = models::fit_scenario(h, base, o.mapping);
  } catch (const std::invalid_argument& e) {
    throw BadInput(fmt::format("{}: {}", o.mapping, e.what()));
  }
  // The generated file must load as it is written: validate before writing anything.
  LoadResult lr = load_scenario_json(f.scenario, o.out);
  if (!lr.ok()) {
    std::string msg = "the generated scenario does not validate:";
    for (const auto& p : lr.problems) msg += "\n  " + p.str();
    throw std::logic_error(msg);
  }
  const fs::path out(o.out);
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  const std::string sidecar = fit_path(o.out);
  write_file_atomic(sidecar, f.fit.dump(1) + "\n");
  write_file_atomic(o.out, f.scenario.dump(2) + "\n");
  const auto& fit = f.fit;
  fmt::print("{}: estimated from {} won and {} lost deals, {} .. {}\n", o.mapping, fit["deals"]["won"].get<size_t>(),
             fit["deals"]["lost"].get<size_t>(), fit["window"]["first_close"].get<std::string>(),
             fit["window"]["last_close"].get<std::string>());
  fmt::print("  reps {} (pods of {}), regions {}, accounts {}, SKUs {}\n", lr.scenario->reps.count, lr.scenario->pod_size,
             lr.scenario->regions.size(), fit["accounts"]["with_won_deals"].get<size_t>(), lr.scenario->skus.size());
  fmt::print("  orders per account per day {:.6f}, discount off list {:.2f}%, account size log-sd {:.3f}, churn per day {:.6f}\n",
             f.scenario["demand"]["orders_per_day"].get<double>(), 100 * f.scenario["demand"]["discount"].get<double>(),
             f.scenario["accounts"]["size_sigma"].get<double>(), f.scenario["churn"]["base_per_day"].get<double>());
  fmt::print("  not expressed by the engine (in the fit file only): win rate {:.1f}% of closed, mean won cycle {} days\n",
             100 * fit["deals"]["win_rate_of_closed"].get<double>(), fit["cycle_days"]["won_mean"].dump());
  fmt::print("wrote {} (valid; run it with `salesim run {}`) and {}\n", o.out, o.out, sidecar);
  return kExitOk;
}

}  // namespace

void add_to_scenario_command(CLI::App& history, Runner& selected) {
  auto o = std::make_shared<ToScenarioOptions>();
  auto* c = history.add_subcommand("to-scenario", "Estimate a scenario (and a .fit.json of the estimates) from history");
  c->add_option("mapping", o->mapping, "Mapping file (JSON)")->required();
  c->add_option("--out", o->out, "Scenario file to write; the estimates go to the same name with .fit.json")->required();
  c->add_option("--base", o->base, "Scenario whose roles, actions, journey, forecast and incentive are kept");
  c->callback([o, &selected] { selected = [o] { return to_scenario(*o); }; });
}

void add_replay_commands(CLI::App& app, Runner& selected, const std::string&) {
  auto o = std::make_shared<ReplayOptions>();
  auto* c = app.add_subcommand("replay", "Replay history: what each incentive plan would have paid, forecast accuracy");
  c->add_option("scenario", o->scenario, "Scenario: its incentive plan, base salary and forecast model")->required();
  c->add_option("--history", o->mapping, "Mapping file (JSON)")->required();
  c->add_option("--out", o->out_dir, "Output directory: payouts.csv, variables.csv, forecasts.csv, summary.json")->required();
  c->add_option("--plans", o->plans, "More plan files (scenarios/plans/*.json) to replay beside the scenario's");
  c->add_option("--period", o->period, "Pay period: month (default) or quarter");
  c->add_option("--season", o->season, "Season of the forecasters, in periods (default 3 months or 4 quarters)")
      ->check(CLI::Range(1, 1000));
  c->add_option("--min-train", o->min_train, "Periods before the first scored forecast (default: the season)")
      ->check(CLI::Range(1, 100000));
  c->add_flag("--quiet", o->quiet, "Print only the last line");
  c->callback([o, &selected] { selected = [o] { return replay(*o); }; });
}

}  // namespace salesim::cli
