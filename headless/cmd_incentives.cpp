// salesim compare | explain: incentive plans side by side, and one payout statement in plain
// words. docs/incentives.md
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <memory>
#include <omp.h>

#include "headless/cli_common.hpp"
#include "models/registry.hpp"
#include "sim/experiment.hpp"
#include "sim/output.hpp"
#include "sim/rng.hpp"

namespace salesim::cli {
namespace {

const std::vector<std::string> kCompareKpis = {
    "revenue", "gross_margin", "cost_of_sales_ratio", "payouts", "repurchase_rate_30d", "retention_6m",
    "first_orders", "invalid_visit_rate", "regional_output_cv", "payout_gini", "rep_attrition_rate",
    // the warehouse (docs/incentives.md#collaboration-bonus): n/a without warehouse staff
    "stockout_rate", "replenishment_on_time_share", "collaboration_bonus", "warehouse_pay"};

struct CompareOptions {
  std::string scenario, out_dir = "out/compare";
  std::vector<std::string> plans, sets;
  int replications = 5, threads = 0;
};

int compare(const CompareOptions& o) {
  namespace fs = std::filesystem;
  if (o.plans.empty()) throw BadInput("compare: give at least one plan file with --plans");
  if (o.replications < 1) throw BadInput("compare: --replications must be >= 1");
  // Load every variant first, so bad input stops before any run.
  std::vector<Scenario> variants;
  for (const auto& plan : o.plans) {
    if (!fs::exists(plan)) throw BadInput(fmt::format("{}: cannot open the plan file", plan));
    auto sets = o.sets;
    sets.push_back("/recorder/events=[]");  // compare reads KPIs only
    sets.push_back(fmt::format("/incentive={{\"plan_file\": {}}}", nlohmann::json(fs::absolute(plan).string()).dump()));
    try {
      variants.push_back(load_or_throw(o.scenario, sets));
    } catch (const BadInput& e) {
      throw BadInput(fmt::format("with plan {}:\n{}", plan, e.what()));
    }
  }
  const size_t P = variants.size(), N = size_t(o.replications), runs = P * N;
  std::vector<std::vector<double>> kpi(runs);
  std::vector<uint64_t> seeds(N);
  for (size_t k = 0; k < N; ++k) seeds[k] = mix64(variants[0].seed ^ (0x9E3779B97F4A7C15ull * (k + 1)));
  Progress progress("comparing", true);
  long done = 0;
  const int threads = o.threads > 0 ? o.threads : omp_get_max_threads();
  // Same seeds for every plan (common random numbers): differences are the plans'.
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (long i = 0; i < long(runs); ++i) {
    const size_t p = size_t(i) / N, k = size_t(i) % N;
    auto e = models::make_engine(variants[p], EngineOptions{seeds[k], 1});
    e->run();
    std::vector<double> v;
    for (const auto& name : kCompareKpis)
      for (const Kpi& x : e->kpis())
        if (x.name == name) v.push_back(x.value);
    kpi[size_t(i)] = std::move(v);
#pragma omp critical
    progress(++done, long(runs));
  }
  fs::create_directories(o.out_dir);
  std::string runs_csv = "plan,replication,seed";
  for (const auto& n : kCompareKpis) runs_csv += "," + n;
  runs_csv += "\n";
  for (size_t i = 0; i < runs; ++i) {
    runs_csv += fmt::format("{},{},{}", fs::path(o.plans[i / N]).stem().string(), i % N, seeds[i % N]);
    for (double x : kpi[i]) runs_csv += fmt::format(",{:.10g}", x);
    runs_csv += "\n";
  }
  std::string summary = "plan,kpi,mean,sd,ci95_low,ci95_high,n\n";
  std::vector<std::string> names;
  for (const auto& p : o.plans) names.push_back(fs::path(p).stem().string());
  std::string table = fmt::format("| KPI | {} |\n|---|", fmt::join(names, " | "));
  for (size_t p = 0; p < P; ++p) table += "---|";
  table += "\n";
  for (size_t j = 0; j < kCompareKpis.size(); ++j) {
    table += "| " + kCompareKpis[j] + " |";
    for (size_t p = 0; p < P; ++p) {
      std::vector<double> xs;
      for (size_t k = 0; k < N; ++k) xs.push_back(kpi[p * N + k][j]);
      const Stats st = summarize(xs);  // mean, sd and Student-t 95% interval (sim/experiment.hpp)
      const double mean = st.n ? st.mean : NAN, sd = st.n > 1 ? st.sd : NAN;
      const double half = st.n > 1 ? (st.ci_high - st.ci_low) / 2 : NAN;
      const size_t n = st.n;
      summary += fmt::format("{},{},{:.10g},{:.10g},{:.10g},{:.10g},{}\n", fs::path(o.plans[p]).stem().string(),
                             kCompareKpis[j], mean, sd, mean - half, mean + half, n);
      const bool share = kCompareKpis[j].find("rate") != std::string::npos || kCompareKpis[j] == "gross_margin" ||
                         kCompareKpis[j] == "retention_6m" || kCompareKpis[j] == "cost_of_sales_ratio" ||
                         kCompareKpis[j] == "regional_output_cv" || kCompareKpis[j] == "replenishment_on_time_share";
      if (std::isnan(mean)) table += " n/a |";
      else if (share && kCompareKpis[j] == "stockout_rate") table += fmt::format(" {:.2f}% ± {:.2f} |", mean * 100, half * 100);
      else if (share) table += fmt::format(" {:.1f}% ± {:.1f} |", mean * 100, half * 100);
      else if (std::abs(mean) >= 1e5) table += fmt::format(" {:.4g} ± {:.2g} |", mean, half);
      else table += fmt::format(" {:.3f} ± {:.3f} |", mean, half);
    }
    table += "\n";
  }
  table += fmt::format("\nMean ± half-width of the 95% confidence interval over {} replications (seeds shared "
                       "across plans); poaching counts only when the scenario turns it on (/reps/poaching).\n", N);
  write_file_atomic(o.out_dir + "/compare_runs.csv", runs_csv);
  write_file_atomic(o.out_dir + "/compare_summary.csv", summary);
  write_file_atomic(o.out_dir + "/compare.md", table);
  fmt::print("{}\nwrote {}/compare.md, compare_summary.csv, compare_runs.csv\n", table, o.out_dir);
  return kExitOk;
}

struct ExplainOptions { std::string dir, period, staff; long rep = -1; };

int explain(const ExplainOptions& o) {
  const std::string path = o.dir + "/statements.jsonl";
  // A rep (--rep ID) or a warehouse staff member (--staff REGION/K, as in payouts.csv; a leading
  // "warehouse:" as in events.csv and interventions.csv is accepted).
  const bool staff = !o.staff.empty();
  if (staff == (o.rep >= 0)) throw BadInput("explain: give either --rep ID or --staff REGION/K");
  const std::string staff_name = o.staff.rfind("warehouse:", 0) == 0 ? o.staff.substr(10) : o.staff;
  const std::string who = staff ? fmt::format("warehouse staff {}", staff_name) : fmt::format("rep {}", o.rep);
  std::ifstream in(path);
  if (!in) throw BadInput(fmt::format("{}: cannot open (run `salesim run SCENARIO --out {}` first)", path, o.dir));
  std::string line;
  std::vector<std::string> periods;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {  // parse_error, or out_of_range for 1e999
      throw BadInput(fmt::format("{}:{}: not a JSON statement", path, lineno));
    }
    // Statements written before warehouse staff existed have no "role": they are reps'.
    const bool is_staff = j.is_object() && j.value("role", std::string("rep")) == "warehouse";
    if (is_staff != staff) continue;
    if (staff ? j.value("staff", std::string()) != staff_name : j.value("rep", -1L) != o.rep) continue;
    const std::string period = j.value("period", "");
    if (std::find(periods.begin(), periods.end(), period) == periods.end()) periods.push_back(period);
    if (period != o.period) continue;
    fmt::print("Payout statement: {}, {}\n\n", who, o.period);
    for (const auto& l : j["lines"])
      fmt::print("  {:<22} {:>12.2f} CNY   {}\n", l["item"].get<std::string>(), l["amount"].get<double>(),
                 l["explanation"].get<std::string>());
    fmt::print("  {:<22} {:>12.2f} CNY\n\n", "total", j["total"].get<double>());
    if (j.contains("explanation")) {
      fmt::print("Compared with the previous period ({:.2f} CNY): {}.\n\n", j["previous_total"].get<double>(),
                 j["explanation"].get<std::string>());
      fmt::print("  {:<24} {:>14} {:>14} {:>12}\n", "variable", "before", "now", "effect CNY");
      double sum = 0;
      for (const auto& a : j["attribution"]) {
        auto num = [](const nlohmann::json& v) { return v.is_number() ? fmt::format("{:.4g}", v.get<double>()) : "n/a"; };
        fmt::print("  {:<24} {:>14} {:>14} {:>+12.2f}\n", a["variable"].get<std::string>(), num(a["from"]), num(a["to"]),
                   a["amount"].get<double>());
        sum += a["amount"].get<double>();
      }
      fmt::print("  {:<24} {:>14} {:>14} {:>+12.2f}  (= the change)\n", "total", "", "", sum);
    } else {
      fmt::print("This is the {}'s first pay period in the run: there is no change to explain.\n",
                 staff ? "staff member" : "rep");
    }
    return kExitOk;
  }
  if (periods.empty())
    throw BadInput(fmt::format("{}: no statement for {}{}", path, who,
                               staff ? " (staff are named REGION/K, as in payouts.csv; a run has them with "
                                       "/inventory/warehouse/staff_per_region > 0)"
                                     : ""));
  throw BadInput(fmt::format("{}: {} has no statement for period {}; periods: {}", path, who, o.period,
                             fmt::join(periods, ", ")));
}

}  // namespace

void add_incentive_commands(CLI::App& app, Runner& selected, const std::string&) {
  auto c = std::make_shared<CompareOptions>();
  auto* cmp = app.add_subcommand("compare", "Run one scenario under several incentive plans with shared seeds");
  cmp->add_option("scenario", c->scenario, "Scenario file")->required();
  cmp->add_option("--plans", c->plans, "Plan files (scenarios/plans/*.json)")->required();
  cmp->add_option("--replications", c->replications, "Seeds per plan (default 5)");
  cmp->add_option("--threads", c->threads, "Runs in parallel (default: all cores)");
  cmp->add_option("--out", c->out_dir, "Output directory (default out/compare)");
  cmp->add_option("--set", c->sets, "Override a parameter for every plan: JSON_POINTER=VALUE");
  cmp->callback([c, &selected] { selected = [c] { return compare(*c); }; });

  auto x = std::make_shared<ExplainOptions>();
  auto* ex = app.add_subcommand("explain", "Print one payout statement and why it changed, in plain words");
  ex->add_option("dir", x->dir, "Output directory of a run")->required();
  auto* rep = ex->add_option("--rep", x->rep, "Rep id");
  auto* staff = ex->add_option("--staff", x->staff, "Warehouse staff member, REGION/K (as in payouts.csv)");
  rep->excludes(staff);
  ex->add_option("--period", x->period, "Pay period, YYYY-MM")->required();
  ex->callback([x, &selected] { selected = [x] { return explain(*x); }; });
}

}  // namespace salesim::cli
