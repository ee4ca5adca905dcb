// Running experiments: sweeps over many runs in parallel (OpenMP within a process, optionally MPI
// ranks across processes through the Collective interface), resumable after a kill; shard merging;
// and calibration with NLopt. Front ends (salesim sweep/sensitivity/merge/calibrate) call these.
// docs/experiments.md
#pragma once
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/experiment.hpp"

namespace salesim::models {

// Bad input found while running (a directory holding another experiment's results, a shard that
// is missing, ...): the front end reports it like a validation error.
struct BatchInputError : std::runtime_error { using std::runtime_error::runtime_error; };

// How processes share a sweep. The default is one process; headless/ implements it with MPI.
// All calls are collective (every rank calls them in the same order) and made outside OpenMP regions.
class Collective {
 public:
  virtual ~Collective() = default;
  virtual int rank() const { return 0; }
  virtual int size() const { return 1; }
  virtual std::string broadcast(const std::string& from_root) { return from_root; }  // root's string, everywhere
  virtual std::vector<std::string> gather(const std::string& mine) { return {mine}; }  // at root: one per rank
};

// One run of a scenario with a seed, on one thread: every KPI (kpi_names() order) and the state hash.
struct RunResult { std::vector<double> kpis; uint64_t state_hash = 0; };
RunResult run_one(const Scenario& sc, uint64_t seed, int threads = 1);

// File names in a sweep's output directory.
inline constexpr const char* kResultsFile = "results.csv";
inline constexpr const char* kSummaryFile = "summary.csv";
inline constexpr const char* kSensitivityFile = "sensitivity.csv";
inline constexpr const char* kRecordFile = "experiment.json";
inline constexpr const char* kManifestFile = "manifest.json";
inline constexpr const char* kPartialFile = "results.partial.csv";  // rank k > 0: results.partial.rank-k.csv

struct SweepOptions {
  std::string out_dir;
  int threads = 0;        // OpenMP threads per process (0: all cores); each run uses one
  bool resume = false;    // complete the runs missing in out_dir
  int shard = 0, shards = 1;  // run i belongs to shard i % shards
  std::string command_line;
  std::function<void(long done, long total)> progress;  // rank 0's runs; called under a lock
  std::function<void(const std::string&)> note;          // what the sweep is doing (rank 0)
};

struct SweepOutcome {
  size_t runs = 0;     // runs of this shard
  size_t resumed = 0;  // of which found done in out_dir
  size_t ran = 0;      // of which run now (all ranks)
  double seconds = 0;
  std::vector<ResultRow> rows;  // at rank 0: every row of the shard, sorted by run id
};

// Runs every run of the experiment (this shard) that out_dir does not hold yet. Each finished run
// is appended to the partial file (one fsync'd line at a time), so a kill loses at most the runs in
// flight; at the end rank 0 writes results.csv, summary.csv (sensitivity.csv for a Morris design)
// and manifest.json atomically and removes the partial files. Outputs do not depend on threads,
// ranks, order or interruptions.
SweepOutcome run_sweep(const Experiment& ex, const SweepOptions& opt, Collective& comm);
SweepOutcome run_sweep(const Experiment& ex, const SweepOptions& opt);

// Joins the output directories of the shards of one sweep into out_dir: the same files as the
// sweep run whole. Throws BatchInputError if they disagree or a run is missing.
struct MergeOutcome { size_t runs = 0, parts = 0; };
MergeOutcome merge_sweeps(const std::vector<std::string>& dirs, const std::string& out_dir);

// Reads a finished sweep directory (report, merge): its experiment and sorted rows.
struct SweepData { Experiment experiment; std::vector<ResultRow> rows; int shard = 0, shards = 1; };
SweepData read_sweep(const std::string& dir);

// Derivative-free minimisation over a box (NLopt SBPLX or Nelder-Mead in the unit cube of the
// ranges). Deterministic. Exposed apart from calibrate() so it can be tested on a known function.
struct Evaluation { std::vector<double> values; double objective = 0; };
struct MinimiseOutcome {
  std::vector<Evaluation> trace;  // every evaluation, in order
  size_t best = 0;                // index of the best one in trace (the earliest among equals)
  std::string stop_reason;
};
MinimiseOutcome minimise(const std::vector<ParameterRange>& ranges, const std::vector<double>& start,
                         const std::function<double(const std::vector<double>&)>& f, const std::string& method,
                         int max_evaluations, double tolerance, double initial_step);

// Fits spec.parameters so the KPIs averaged over spec.replications (the same seeds at every
// evaluation) match spec.targets. `sc` is the scenario as loaded; spec.set applies on top.
struct CalibrationOutcome {
  MinimiseOutcome search;
  std::vector<std::vector<double>> kpi_means;  // per evaluation, kpi_names() order
  std::vector<double> start;
};
CalibrationOutcome calibrate(const Scenario& sc, const CalibrationSpec& spec, int threads,
                             const std::function<void(size_t evaluation, double objective, double best)>& progress = {});
// The KPI means over the calibration replications at given parameter values (also used for the start).
std::vector<double> calibration_kpis(const Scenario& sc, const CalibrationSpec& spec, const std::vector<double>& values,
                                     int threads);

}  // namespace salesim::models
