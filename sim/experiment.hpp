// Experiments: a base scenario and what varies in it (grid, list, random, Latin-hypercube and Morris
// designs over any JSON pointer), replications with their own seeds, the results table, its
// per-point statistics and Morris elementary effects. Pure data and arithmetic: running the runs is
// models/batch. The file format is documented in docs/experiments.md.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario.hpp"

namespace salesim {

// A parameter varied over a range (random, latin_hypercube and morris designs; grid min/max/steps).
struct ParameterRange {
  std::string pointer;
  double min = 0, max = 1;
  bool log = false;      // spread evenly in log space (min > 0)
  bool integer = false;  // round to the nearest integer
  double at(double u) const;         // value at u in [0, 1] (rounded if integer)
  double unit(double value) const;   // inverse of at(): where a value lies in [0, 1]
};

// One point of a design: the values it sets, by JSON pointer, on top of the base scenario.
struct DesignPoint {
  std::vector<std::pair<std::string, nlohmann::json>> values;
  std::string where;  // JSON pointer in the experiment file of the block (or list entry) it came from
};

// A Morris block: r trajectories of k+1 points each, in the order they were generated.
struct MorrisDesign {
  std::vector<ParameterRange> parameters;
  int trajectories = 0, levels = 4;
  size_t first_point = 0;  // index of the block's first point in Experiment::points
};

struct Experiment {
  std::string name, description;
  std::string source;         // the experiment file (or record) it was read from
  std::string scenario_file;  // the base scenario's path ("<inline>" if given in the experiment)
  nlohmann::json scenario_doc;  // the base scenario document as written
  std::vector<Override> fixed;  // "set": applied to every run, in pointer order
  uint64_t seed = 1;
  int replications = 1;
  bool common_random_numbers = false;
  std::vector<DesignPoint> points;
  std::vector<std::string> columns;                 // varied pointers, in order of first appearance
  std::vector<std::vector<std::string>> cells;      // per point, per column: the value as written in CSV
  std::vector<std::string> kpis;                    // KPIs reports and sensitivity focus on (default: all)
  std::optional<MorrisDesign> morris;
  nlohmann::json resolved;  // the experiment with defaults filled, scenario inlined and --set merged
  uint64_t hash = 0;        // xxh64 of resolved: equal hashes = the same runs with the same results

  size_t runs() const { return points.size() * size_t(replications); }
  // Run ids are point * replications + replication: stable, whatever the order runs finish in.
  size_t point_of(size_t run) const { return run / size_t(replications); }
  int replication_of(size_t run) const { return int(run % size_t(replications)); }
  uint64_t seed_of(size_t run) const;
};

struct ExperimentLoad {
  std::optional<Experiment> experiment;
  std::vector<Problem> problems;  // where: a JSON pointer in the experiment file, or file:line:column
  bool ok() const { return experiment.has_value(); }
};

// Reads an experiment file; "scenario" is a path relative to the experiment file (or an inline
// scenario object). `extra` (--set on the command line) is applied after the file's "set". Every
// point is validated as a scenario before anything runs.
ExperimentLoad load_experiment_file(const std::string& path, const std::vector<Override>& extra = {});
ExperimentLoad load_experiment_json(nlohmann::json doc, const std::string& source, const std::vector<Override>& extra = {},
                                    const std::string& base_dir = ".");
// From the experiment.json a sweep writes into its output directory (resume, merge, report).
ExperimentLoad load_experiment_record(const std::string& path);
nlohmann::json experiment_record(const Experiment& ex, int shard, int shards);

// The scenario of one point: base + "set" + the point's values, validated.
LoadResult load_point(const Experiment& ex, size_t point);

// Seed of replication `rep` of point `point`: a pure function, < 2^53 (exact in any CSV reader).
// With common random numbers every point uses the same seeds replication by replication.
uint64_t run_seed(uint64_t experiment_seed, size_t point, int replication, bool common_random_numbers);

// Designs in the unit cube [0, 1]^dims, deterministic in `seed` (exposed for tests and front ends).
std::vector<std::vector<double>> uniform_samples(size_t samples, size_t dims, uint64_t seed);
std::vector<std::vector<double>> latin_hypercube(size_t samples, size_t dims, uint64_t seed);
// Morris (1991) trajectories: `trajectories` x (dims + 1) points on a grid of `levels` (even) levels;
// consecutive points of a trajectory differ in one coordinate by levels / (2 (levels - 1)).
std::vector<std::vector<double>> morris_trajectories(size_t trajectories, size_t dims, int levels, uint64_t seed);

// Elementary effects of each factor from trajectory-ordered points and their outputs y (NaN outputs
// skip the effects they touch). mu_star = mean |EE| ranks importance; sigma = sd of EE flags
// non-linearity or interaction. Effects are per unit of the factor's normalised range.
struct ElementaryEffects { double mu = 0, mu_star = 0, sigma = 0; size_t n = 0; };
std::vector<ElementaryEffects> morris_effects(const std::vector<std::vector<double>>& unit_points, size_t dims,
                                              const std::vector<double>& y);

// Mean, sample standard deviation and Student-t 95% confidence interval of the finite values.
struct Stats { size_t n = 0; double mean = 0, sd = 0, ci_low = 0, ci_high = 0; };
Stats summarize(const std::vector<double>& xs);

// ---- results tables (docs/experiments.md#results) ----
// results.csv: run,point,replication,seed,<columns>,<every KPI>,state_hash
std::string results_header(const Experiment& ex);
std::string results_row(const Experiment& ex, size_t run, const std::vector<double>& kpis, uint64_t state_hash);
struct ResultRow {
  size_t run = 0;
  std::string line;          // exactly as written (no newline)
  std::vector<double> kpis;  // in kpi_names() order, as read back from the line
};
// Parses one results.csv line; nullopt with `error` set if it is not a row of this experiment.
std::optional<ResultRow> parse_results_row(const Experiment& ex, const std::string& line, std::string& error);
// Whole files from rows sorted by run id. Statistics use the values as written, so a resumed or
// merged sweep gives the same bytes as an uninterrupted one.
std::string results_csv(const Experiment& ex, const std::vector<ResultRow>& rows);
std::string summary_csv(const Experiment& ex, const std::vector<ResultRow>& rows);
// Morris effects of every KPI (needs ex.morris): kpi,parameter,mu,mu_star,sigma,effects
std::string sensitivity_csv(const Experiment& ex, const std::vector<ResultRow>& rows);
struct Sensitivity { std::string kpi, parameter; ElementaryEffects ee; };
std::vector<Sensitivity> sensitivity(const Experiment& ex, const std::vector<ResultRow>& rows);

// Per point and KPI: the statistics over its replications (rows sorted by run id).
std::vector<std::vector<Stats>> point_stats(const Experiment& ex, const std::vector<ResultRow>& rows);

// Unit and description of a KPI by name ("" if unknown), for tables and charts.
const std::string& kpi_unit(const std::string& name);
const std::string& kpi_description(const std::string& name);

// CSV helpers (RFC 4180 quoting).
std::string csv_field(const std::string& s);
std::vector<std::string> split_csv_line(const std::string& line);
std::string csv_number(double x);  // 10 significant digits; empty for NaN

// ---- calibration targets (docs/experiments.md#calibrate) ----
struct CalibrationParameter { ParameterRange range; std::optional<double> start; };
struct CalibrationTarget { std::string kpi; double value = 0, weight = 1; };
struct CalibrationSpec {
  std::vector<CalibrationParameter> parameters;
  std::vector<CalibrationTarget> targets;
  std::vector<Override> set;  // applied while calibrating only; not written into the fitted scenario
  int replications = 3;
  uint64_t seed = 1;
  std::string method = "sbplx";  // "sbplx" or "nelder_mead"
  int max_evaluations = 100;
  double tolerance = 1e-4;      // relative change of the objective at which to stop
  double initial_step = 0.1;    // first simplex step, as a share of each parameter's range
};
// Reads a targets file; without "targets" in it, the scenario's own targets block is used.
std::optional<CalibrationSpec> load_calibration_spec(const std::string& path, const Scenario& sc,
                                                     std::vector<Problem>& problems);
// The weighted squared relative error: sum w (m - t)^2 / t^2 / sum w; +inf if a KPI is undefined.
double calibration_objective(const CalibrationSpec& spec, const std::vector<double>& kpi_means);

}  // namespace salesim
