// Experiments and batch runs: the experiment file's every error path, designs (grid order, Latin
// hypercube strata, Morris trajectories), seeds, statistics, results rows, Morris effects on
// analytic functions with known answers, the minimiser on a known function, sweeps that give the
// same bytes at any thread count and after an interrupted run, and a calibration that recovers a
// known parameter of a small scenario.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "helpers.hpp"
#include "models/batch.hpp"
#include "sim/experiment.hpp"

using namespace salesim;
using nlohmann::json;

namespace {

ExperimentLoad load(const std::string& text, const std::vector<Override>& extra = {}) {
  return load_experiment_json(json::parse(text), "exp.json", extra, test::source("scenarios"));
}

Experiment load_ok(const std::string& text, const std::vector<Override>& extra = {}) {
  ExperimentLoad r = load(text, extra);
  for (const auto& p : r.problems) UNSCOPED_INFO(p.str());
  REQUIRE(r.ok());
  return std::move(*r.experiment);
}

// Every problem of an experiment text, one "pointer: what" per line.
std::string problems(const std::string& text) {
  ExperimentLoad r = load(text);
  REQUIRE_FALSE(r.ok());
  std::string s;
  for (const auto& p : r.problems) s += p.str() + "\n";
  return s;
}

// A small, fast variant of the default scenario for runs inside tests.
const char* const kSmall = R"("scenario": "default.json",
  "set": {"/clock/days": 20, "/reps/count": 12, "/recorder/events": []})";

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::filesystem::path fresh_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("salesim-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  return d;
}

}  // namespace

TEST_CASE("a grid varies its first parameter slowest; every run has a stable id and seed", "[experiment]") {
  Experiment ex = load_ok(R"({"scenario": {}, "replications": 2, "seed": 5,
    "design": {"type": "grid", "parameters": [{"pointer": "/reps/count", "values": [3, 4]},
                                              {"pointer": "/incentive/rate", "min": 0.01, "max": 0.03, "steps": 3}]}})");
  REQUIRE(ex.points.size() == 6);
  REQUIRE(ex.runs() == 12);
  CHECK(ex.columns == std::vector<std::string>{"/reps/count", "/incentive/rate"});
  CHECK(ex.cells[0] == std::vector<std::string>{"3", "0.01"});
  CHECK(ex.cells[1] == std::vector<std::string>{"3", "0.02"});
  CHECK(ex.cells[3] == std::vector<std::string>{"4", "0.01"});
  CHECK(ex.cells[5] == std::vector<std::string>{"4", "0.03"});
  CHECK(ex.point_of(7) == 3);
  CHECK(ex.replication_of(7) == 1);
  CHECK(ex.seed_of(7) == run_seed(5, 3, 1, false));
  // The point's scenario carries its values.
  LoadResult lr = load_point(ex, 4);
  REQUIRE(lr.ok());
  CHECK(lr.scenario->reps.count == 4);
  CHECK(lr.scenario->normalized["incentive"]["rate"] == 0.02);
}

TEST_CASE("list points, a log-spaced grid and columns filled from the scenario where a point sets nothing", "[experiment]") {
  Experiment ex = load_ok(R"({"scenario": {}, "design": [
      {"type": "list", "points": [{"/forecast/model": "exponential_smoothing"}, {"/reps/count": 7}]},
      {"type": "grid", "parameters": [{"pointer": "/churn/base_per_day", "min": 0.001, "max": 0.1, "steps": 3, "scale": "log"}]}]})");
  REQUIRE(ex.points.size() == 5);
  CHECK(ex.columns == std::vector<std::string>{"/forecast/model", "/reps/count", "/churn/base_per_day"});
  CHECK(ex.cells[0] == std::vector<std::string>{"exponential_smoothing", "10", "0.002"});  // defaults where not set
  CHECK(ex.cells[1] == std::vector<std::string>{"seasonal_naive", "7", "0.002"});
  CHECK(ex.cells[2][2] == "0.001");
  CHECK(ex.cells[3][2] == "0.01");
  CHECK(ex.cells[4][2] == "0.1");
}

TEST_CASE("experiment errors name the JSON pointer and what was expected", "[experiment][errors]") {
  CHECK(problems(R"({"scenario": {}})") == "/design: is required but missing\n");
  CHECK(problems(R"({"scenario": {}, "replicatons": 3, "design": {"type": "list", "points": [{}]}})") ==
        "/replicatons: unknown key \"replicatons\" (did you mean \"replications\"?)\n");
  CHECK(problems(R"({"scenario": {}, "replications": 0, "design": {"type": "list", "points": [{}]}})") ==
        "/replications: must be >= 1, got 0\n");
  CHECK(problems(R"({"scenario": {}, "design": {"type": "grd", "parameters": []}})") ==
        "/design/type: unknown design type \"grd\"; design types: \"grid\", \"list\", \"random\", \"latin_hypercube\", \"morris\"\n");
  CHECK(problems(R"({"scenario": {}, "design": {"type": "grid", "parameters": [{"pointer": "/reps/count"}]}})") ==
        "/design/parameters/0: give either \"values\" (a list) or all of \"min\", \"max\" and \"steps\"\n");
  CHECK(problems(R"({"scenario": {}, "design": {"type": "grid", "parameters": [{"pointer": "/reps/count", "values": [1], "stpes": 3}]}})") ==
        "/design/parameters/0/stpes: unknown key \"stpes\" (did you mean \"steps\"?)\n");
  CHECK(problems(R"({"scenario": {}, "design": {"type": "list", "points": [{"reps/count": 3}]}})") ==
        "/design/points/0: key \"reps/count\" is not a JSON pointer (it starts with '/', e.g. \"/reps/count\")\n");
  CHECK(problems(R"({"scenario": {}, "design": {"type": "list", "points": [{"/reps/count": 3}, {"/reps/visits_per_day": -1}]}})") ==
        "/design/points/1: point 1 (/reps/visits_per_day=-1) gives an invalid scenario: /reps/visits_per_day: must be > 0, got -1\n");
  CHECK(problems(R"({"scenario": {}, "design": {"type": "list", "points": [{"/reps/visits_per_dya": 3}]}})") ==
        "/design/points/0: point 0 (/reps/visits_per_dya=3) gives an invalid scenario: /reps/visits_per_dya: unknown key "
        "\"visits_per_dya\" (did you mean \"visits_per_day\"?)\n");
  CHECK(problems(R"({"scenario": {}, "design": {"type": "random", "samples": 4, "parameters": [{"pointer": "/incentive/rate", "min": -0.1, "max": 0.05}]}})") ==
        "/design/parameters/0/min: gives an invalid scenario: /incentive/rate: must be >= 0, got -0.1\n");
  CHECK(problems(R"({"scenario": {}, "design": {"type": "latin_hypercube", "samples": 4, "parameters": [{"pointer": "/incentive/rate", "min": 0.05, "max": 0.01}]}})") ==
        "/design/parameters/0/max: must be greater than min (0.05), got 0.01\n");
  CHECK(problems(R"({"scenario": {}, "design": {"type": "random", "samples": 4, "parameters": [{"pointer": "/churn/base_per_day", "min": 0, "max": 0.01, "scale": "log"}]}})") ==
        "/design/parameters/0/min: must be > 0 with \"scale\": \"log\", got 0\n");
  CHECK(problems(R"({"scenario": {}, "design": {"type": "morris", "levels": 5, "parameters": [{"pointer": "/incentive/rate", "min": 0, "max": 0.05}]}})") ==
        "/design/levels: must be even (the Morris step is levels / (2 (levels - 1))), got 5\n");
  CHECK(problems(R"({"scenario": {}, "kpis": ["revenu"], "design": {"type": "list", "points": [{}]}})").rfind(
            "/kpis/0: \"revenu\" is not a KPI salesim reports; KPIs: revenue, ", 0) == 0);
  CHECK(problems(R"({"scenario": {}, "set": {"/clock/days": 0}, "design": {"type": "list", "points": [{}]}})") ==
        "/set: the scenario with these values is invalid: /clock/days: must be >= 1, got 0\n");
  CHECK(problems(R"({"scenario": "nope.json", "design": {"type": "list", "points": [{}]}})") ==
        "/scenario: " + test::source("scenarios/nope.json") + ": cannot open the file (does it exist and is it readable?)\n");
  CHECK(problems(R"({"scenario": {"reps": {"count": "many"}}, "design": {"type": "list", "points": [{}]}})") ==
        "/scenario: exp.json: /reps/count: expected an integer, got \"many\"\n");
  CHECK(problems(R"({"scenario": 3, "design": {"type": "list", "points": [{}]}})") ==
        "/scenario: expected a scenario file name or a scenario object, got 3\n");
  CHECK(problems(R"([1])") == "/: an experiment must be a JSON object, got an array of 1\n");
  // --set from the command line is checked like the file's "set".
  ExperimentLoad r = load(R"({"scenario": {}, "design": {"type": "list", "points": [{}]}})", {{"clock/days", "3"}});
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].str() == "--set: \"clock/days\" is not a JSON pointer (it starts with '/', e.g. \"/clock/days\")");
}

TEST_CASE("a bad experiment file says file:line:column", "[experiment][errors]") {
  const auto dir = fresh_dir("syntax");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.json") << "{\n  \"scenario\": {},\n  \"design\": [,]\n}\n";
  ExperimentLoad r = load_experiment_file((dir / "bad.json").string());
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].where == (dir / "bad.json").string() + ":3:14");
  CHECK(r.problems[0].what.rfind("not valid JSON: syntax error", 0) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the hash changes with anything that changes results, not with names", "[experiment]") {
  const std::string a = R"({"name": "A", "scenario": {}, "design": {"type": "list", "points": [{"/reps/count": 3}]}})";
  const std::string b = R"({"name": "B", "description": "x", "kpis": ["revenue"], "scenario": {}, "design": {"type": "list", "points": [{"/reps/count": 3}]}})";
  const std::string c = R"({"name": "A", "scenario": {}, "design": {"type": "list", "points": [{"/reps/count": 4}]}})";
  CHECK(load_ok(a).hash == load_ok(b).hash);
  CHECK(load_ok(a).hash != load_ok(c).hash);
  CHECK(load_ok(a).hash != load_ok(a, {{"/clock/days", "30"}}).hash);
  CHECK(load_ok(a, {{"/clock/days", "30"}}).hash == load_ok(R"({"name": "A", "scenario": {}, "set": {"/clock/days": 30},
      "design": {"type": "list", "points": [{"/reps/count": 3}]}})").hash);
}

TEST_CASE("seeds are pure functions of (experiment seed, point, replication), exact in a double", "[experiment]") {
  CHECK(run_seed(1, 0, 0, false) == 8658861412559364ull);  // pinned: results.csv files must stay reproducible
  std::set<uint64_t> seen;
  for (size_t p = 0; p < 50; ++p)
    for (int r = 0; r < 20; ++r) {
      const uint64_t s = run_seed(42, p, r, false);
      CHECK(s < (1ull << 53));
      seen.insert(s);
      CHECK(run_seed(42, p, r, true) == run_seed(42, 0, r, true));  // common random numbers
    }
  CHECK(seen.size() == 1000);
  CHECK(run_seed(42, 0, 0, false) != run_seed(43, 0, 0, false));
}

TEST_CASE("a Latin hypercube puts exactly one sample in each stratum of every dimension", "[experiment][design]") {
  const size_t n = 37, dims = 4;
  const auto x = latin_hypercube(n, dims, 9);
  REQUIRE(x.size() == n);
  for (size_t d = 0; d < dims; ++d) {
    std::set<size_t> strata;
    for (const auto& row : x) {
      CHECK(row[d] >= 0.0);
      CHECK(row[d] < 1.0);
      strata.insert(size_t(row[d] * double(n)));
    }
    CHECK(strata.size() == n);
  }
  CHECK(latin_hypercube(n, dims, 9) == x);
  CHECK(latin_hypercube(n, dims, 10) != x);
  const auto u = uniform_samples(200, 2, 3);
  double mean = 0;
  for (const auto& row : u) mean += row[0] / 200;
  CHECK(mean == Approx(0.5).margin(0.06));
}

TEST_CASE("Morris trajectories move one factor at a time by the Morris step, on the grid", "[experiment][design][morris]") {
  const int levels = 6;
  const size_t dims = 5, r = 12;
  const auto pts = morris_trajectories(r, dims, levels, 4);
  REQUIRE(pts.size() == r * (dims + 1));
  const double delta = double(levels) / (2.0 * (levels - 1));
  for (size_t t = 0; t < r; ++t) {
    std::set<size_t> moved;
    for (size_t m = 1; m <= dims; ++m) {
      const auto& a = pts[t * (dims + 1) + m - 1];
      const auto& b = pts[t * (dims + 1) + m];
      size_t changed = 0;
      for (size_t d = 0; d < dims; ++d) {
        CHECK(b[d] >= 0.0);
        CHECK(b[d] <= 1.0);
        const double k = b[d] * (levels - 1);
        CHECK(std::abs(k - std::round(k)) < 1e-9);
        if (a[d] != b[d]) {
          ++changed;
          moved.insert(d);
          CHECK(std::abs(b[d] - a[d]) == Approx(delta));
        }
      }
      CHECK(changed == 1);
    }
    CHECK(moved.size() == dims);  // every factor moves once per trajectory
  }
}

TEST_CASE("Morris recovers the exact effects of a linear function", "[experiment][morris]") {
  const size_t dims = 3;
  const auto pts = morris_trajectories(10, dims, 4, 1);
  std::vector<double> y;
  for (const auto& x : pts) y.push_back(3 * x[0] - 2 * x[1] + 0 * x[2] + 5);
  const auto ee = morris_effects(pts, dims, y);
  CHECK(ee[0].mu == Approx(3));
  CHECK(ee[0].mu_star == Approx(3));
  CHECK(ee[1].mu == Approx(-2));
  CHECK(ee[1].mu_star == Approx(2));
  CHECK(ee[2].mu_star == Approx(0).margin(1e-12));
  for (const auto& e : ee) {
    CHECK(e.n == 10);
    CHECK(e.sigma == Approx(0).margin(1e-9));
  }
}

TEST_CASE("Morris ranks the factors of Sobol's g-function in their known order", "[experiment][morris]") {
  // g(x) = prod (|4 x_i - 2| + a_i) / (1 + a_i): the smaller a_i, the more important x_i
  // (Saltelli et al., Global Sensitivity Analysis: The Primer, 2008, section 3.7).
  const std::vector<double> a{0, 1, 4.5, 9, 99, 99};
  const size_t dims = a.size();
  const auto pts = morris_trajectories(40, dims, 4, 2024);
  std::vector<double> y;
  for (const auto& x : pts) {
    double g = 1;
    for (size_t i = 0; i < dims; ++i) g *= (std::abs(4 * x[i] - 2) + a[i]) / (1 + a[i]);
    y.push_back(g);
  }
  const auto ee = morris_effects(pts, dims, y);
  for (size_t i = 0; i + 1 < 4; ++i) CHECK(ee[i].mu_star > ee[i + 1].mu_star);
  CHECK(ee[3].mu_star > ee[4].mu_star);
  CHECK(ee[3].mu_star > ee[5].mu_star);
  CHECK(ee[4].mu_star < 0.05 * ee[0].mu_star);
  CHECK(ee[0].sigma > 0.5 * ee[0].mu_star);  // the important factor interacts: sigma is large
}

TEST_CASE("summary statistics: mean, sample sd and a Student-t 95% interval of the finite values", "[experiment][stats]") {
  const double nan = std::nan("");
  const Stats s = summarize({1, 2, 3, 4, nan});
  CHECK(s.n == 4);
  CHECK(s.mean == Approx(2.5));
  CHECK(s.sd == Approx(1.2909944487));
  const double half = 3.1824463053 * 1.2909944487 / 2;  // t(0.975, 3)
  CHECK(s.ci_low == Approx(2.5 - half));
  CHECK(s.ci_high == Approx(2.5 + half));
  const Stats one = summarize({7});
  CHECK(one.mean == 7);
  CHECK(std::isnan(one.sd));
  CHECK(std::isnan(one.ci_low));
  CHECK(summarize({nan}).n == 0);
}

TEST_CASE("CSV fields are quoted when needed and split back", "[experiment][csv]") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  const auto f = split_csv_line(std::string("1,\"a,b\",") + csv_field("{\"model\":\"x\"}") + ",");
  REQUIRE(f.size() == 4);
  CHECK(f[1] == "a,b");
  CHECK(f[2] == "{\"model\":\"x\"}");
  CHECK(f[3].empty());
  CHECK(csv_number(std::nan("")).empty());
  CHECK(csv_number(0.1 + 0.2) == "0.3");
}

TEST_CASE("result rows read back exactly; rows of another experiment or torn rows are refused", "[experiment][csv]") {
  Experiment ex = load_ok(R"({"scenario": {}, "replications": 2, "design": {"type": "list", "points": [{"/rep_behaviour": {"model": "value_based"}}, {"/reps/count": 4}]}})");
  std::vector<double> k(kpi_names().size(), 1.5);
  k[2] = std::nan("");
  const std::string line = results_row(ex, 1, k, 0xabcdef);
  std::string err;
  auto row = parse_results_row(ex, line, err);
  REQUIRE(row);
  CHECK(row->run == 1);
  CHECK(row->kpis[0] == 1.5);
  CHECK(std::isnan(row->kpis[2]));
  CHECK(row->line == line);
  CHECK_FALSE(parse_results_row(ex, line.substr(0, line.size() - 3), err));
  CHECK(err == "state_hash \"0000000000abc\" is not 16 hex digits");
  std::string other = line;
  other[0] = '2';  // run 2 is point 1: its seed and values differ
  CHECK_FALSE(parse_results_row(ex, other, err));
  CHECK(err == "run 2 does not match this experiment (its point values or seed differ)");
  std::string nine = line;
  nine[0] = '9';
  CHECK_FALSE(parse_results_row(ex, nine, err));
  CHECK(err == "run id \"9\" is not a run of this experiment (0..3)");
}

TEST_CASE("a sweep writes the same bytes at 1 and 2 threads, and after an interrupted run is resumed", "[experiment][sweep][threads]") {
  Experiment ex = load_ok(std::string("{") + kSmall + R"(, "replications": 2,
      "design": {"type": "grid", "parameters": [{"pointer": "/incentive/rate", "values": [0.0, 0.05]}]}})");
  const auto d1 = fresh_dir("t1"), d2 = fresh_dir("t2"), d3 = fresh_dir("t3");
  models::SweepOptions o;
  o.out_dir = d1.string();
  o.threads = 1;
  const auto r1 = models::run_sweep(ex, o);
  CHECK(r1.ran == 4);
  o.out_dir = d2.string();
  o.threads = 2;
  models::run_sweep(ex, o);
  for (const char* f : {"results.csv", "summary.csv", "experiment.json"}) CHECK(read(d1 / f) == read(d2 / f));
  CHECK_FALSE(std::filesystem::exists(d1 / "results.partial.csv"));
  // Simulate a kill: a partial file with two whole rows and a torn third.
  const std::string results = read(d1 / "results.csv");
  std::vector<std::string> lines;
  for (size_t a = 0, b; (b = results.find('\n', a)) != std::string::npos; a = b + 1) lines.push_back(results.substr(a, b - a));
  REQUIRE(lines.size() == 5);
  std::filesystem::create_directories(d3);
  std::filesystem::copy_file(d1 / "experiment.json", d3 / "experiment.json");
  std::ofstream(d3 / "results.partial.csv") << lines[0] << "\n" << lines[3] << "\n" << lines[1] << "\n" << lines[2].substr(0, 30);
  o.out_dir = d3.string();
  o.threads = 2;
  CHECK_THROWS_AS(models::run_sweep(ex, o), models::BatchInputError);  // without --resume: refused, nothing lost
  o.resume = true;
  const auto r3 = models::run_sweep(ex, o);
  CHECK(r3.resumed == 2);
  CHECK(r3.ran == 2);
  for (const char* f : {"results.csv", "summary.csv", "experiment.json"}) CHECK(read(d1 / f) == read(d3 / f));
  // Resuming with a different experiment is refused.
  Experiment other = load_ok(std::string("{") + kSmall + R"(, "replications": 3,
      "design": {"type": "grid", "parameters": [{"pointer": "/incentive/rate", "values": [0.0, 0.05]}]}})");
  CHECK_THROWS_WITH(models::run_sweep(other, o), Catch::Contains("holds results of a different experiment"));
  for (const auto& d : {d1, d2, d3}) std::filesystem::remove_all(d);
}

TEST_CASE("shards of a sweep merge into the files of the whole sweep", "[experiment][sweep]") {
  Experiment ex = load_ok(std::string("{") + kSmall + R"(, "replications": 3, "common_random_numbers": true,
      "design": {"type": "morris", "trajectories": 2, "parameters": [{"pointer": "/incentive/rate", "min": 0, "max": 0.06},
                                                                      {"pointer": "/reps/visits_per_day", "min": 4, "max": 8}]}})");
  const auto whole = fresh_dir("whole"), s0 = fresh_dir("s0"), s1 = fresh_dir("s1"), merged = fresh_dir("merged");
  models::SweepOptions o;
  o.threads = 2;
  o.out_dir = whole.string();
  models::run_sweep(ex, o);
  o.shards = 2;
  o.shard = 0;
  o.out_dir = s0.string();
  models::run_sweep(ex, o);
  CHECK_FALSE(std::filesystem::exists(s0 / "summary.csv"));
  CHECK_THROWS_WITH(models::merge_sweeps({s0.string()}, merged.string()), Catch::Contains("shard 1/2 (9 runs)"));
  o.shard = 1;
  o.out_dir = s1.string();
  models::run_sweep(ex, o);
  const auto m = models::merge_sweeps({s1.string(), s0.string()}, merged.string());
  CHECK(m.runs == 18);
  for (const char* f : {"results.csv", "summary.csv", "sensitivity.csv", "experiment.json"}) CHECK(read(whole / f) == read(merged / f));
  for (const auto& d : {whole, s0, s1, merged}) std::filesystem::remove_all(d);
}

TEST_CASE("the minimiser finds the minimum of a known function with both methods", "[experiment][calibrate]") {
  const std::vector<ParameterRange> ranges{{"/x", -2, 2, false, false}, {"/y", 0.1, 10, true, false}};
  auto f = [](const std::vector<double>& v) { return std::pow(v[0] - 0.7, 2) + 3 * std::pow(std::log(v[1] / 2.5), 2); };
  for (const char* method : {"sbplx", "nelder_mead"}) {
    INFO(method);
    const auto r = models::minimise(ranges, {-1.5, 0.5}, f, method, 400, 1e-12, 0.1);
    const auto& best = r.trace[r.best];
    CHECK(best.values[0] == Approx(0.7).margin(1e-3));
    CHECK(best.values[1] == Approx(2.5).margin(1e-2));
    CHECK(r.trace.size() <= 400);
    CHECK_FALSE(r.stop_reason.empty());
  }
}

TEST_CASE("calibration recovers a known demand rate of a small scenario", "[experiment][calibrate][threads]") {
  // Targets made by running the scenario at orders_per_day = 0.7 with the calibration's own seeds;
  // the search starts from 0.5 and must come back to 0.7.
  const Scenario sc = test::load("scenarios/default.json", {{"/clock/days", "30"}, {"/reps/count", "12"}, {"/recorder/events", "[]"}});
  CalibrationSpec spec;
  spec.replications = 2;
  spec.seed = 11;
  spec.max_evaluations = 60;
  spec.tolerance = 1e-6;
  spec.parameters.push_back({ParameterRange{"/demand/orders_per_day", 0.2, 1.5, false, false}, 0.5});
  spec.targets = {{"revenue", 0, 1}, {"orders", 0, 1}};
  const auto truth = models::calibration_kpis(sc, spec, {0.7}, 2);
  for (auto& t : spec.targets) t.value = truth[size_t(std::find(kpi_names().begin(), kpi_names().end(), t.kpi) - kpi_names().begin())];
  REQUIRE(spec.targets[0].value > 0);
  const auto c = models::calibrate(sc, spec, 2);
  const auto& best = c.search.trace[c.search.best];
  CHECK(best.values[0] == Approx(0.7).margin(0.02));
  CHECK(best.objective < 1e-4);
  CHECK(c.search.trace.front().objective > 0.01);  // the start was far off
}
