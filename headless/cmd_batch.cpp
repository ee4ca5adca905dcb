// salesim sweep | sensitivity | merge | calibrate | report: the batch tools for researchers.
// The work is done by sim/experiment and models/batch; this file parses flags and prints.
// docs/experiments.md has every command with a worked example.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <omp.h>
#include <sstream>

#include "headless/batch_mpi.hpp"
#include "headless/cli_common.hpp"
#include "models/batch.hpp"
#include "sim/experiment.hpp"
#include "sim/experiment_report.hpp"
#include "sim/output.hpp"

namespace salesim::cli {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

struct SweepFlags {
  std::string experiment, out_dir, shard;
  std::vector<std::string> sets;
  int threads = 0;
  bool resume = false, dry_run = false, quiet = false;
  std::string command_line;
};

std::string problems_text(const std::string& file, const std::vector<Problem>& problems, const std::string& tail) {
  std::string msg;
  for (const auto& p : problems) {
    const bool located = p.where.rfind(file, 0) == 0;
    msg += located ? p.str() + "\n" : fmt::format("{}: {}\n", file, p.str());
  }
  return msg + fmt::format("{}: {} problem{}; {}", file, problems.size(), problems.size() == 1 ? "" : "s", tail);
}

Experiment load_experiment_or_throw(const std::string& path, const std::vector<std::string>& sets) {
  ExperimentLoad el = load_experiment_file(path, parse_overrides(sets));
  if (!el.ok()) throw BadInput(problems_text(path, el.problems, "nothing was run"));
  return std::move(*el.experiment);
}

std::pair<int, int> parse_shard(const std::string& s) {
  if (s.empty()) return {0, 1};
  int i = -1, n = 0;
  char slash = 0, extra = 0;
  std::istringstream in(s);
  if (!(in >> i >> slash >> n) || slash != '/' || (in >> extra) || n < 1 || i < 0 || i >= n)
    throw BadInput(fmt::format("--shard {}: expected I/N with 0 <= I < N, e.g. --shard 0/4 (Slurm: --shard $SLURM_ARRAY_TASK_ID/4)", s));
  return {i, n};
}

// A KPI value for a table: mean and the half-width of its 95% interval, on one scale (31.2% ±0.4%,
// 21.89M ±0.63M, 64.5 ±0.1).
std::string mean_ci(const Stats& s, const std::string& unit) {
  if (s.n == 0) return "n/a";
  double scale = 1;
  const char* suffix = "";
  if (unit == "share") { scale = 100; suffix = "%"; }
  else if (std::abs(s.mean) >= 1e6) { scale = 1e-6; suffix = "M"; }
  else if (std::abs(s.mean) >= 1e4) { scale = 1e-3; suffix = "k"; }
  const double m = s.mean * scale;
  const int digits = m == 0 ? 1 : std::clamp(3 - int(std::floor(std::log10(std::abs(m)))), 0, 3);
  std::string out = fmt::format("{:.{}f}{}", m, digits, suffix);
  if (std::isfinite(s.ci_high)) out += fmt::format(" ±{:.{}f}{}", (s.ci_high - s.ci_low) / 2 * scale, digits, suffix);
  return out;
}

// An effect in a table: 4 significant digits, k/M for large values, percentage points for shares.
std::string compact(double v, const std::string& unit) {
  if (!std::isfinite(v)) return "n/a";
  if (unit == "share") return fmt::format("{:.3g} pp", v * 100);
  if (std::abs(v) >= 1e6) return fmt::format("{:.4g}M", v / 1e6);
  if (std::abs(v) >= 1e4) return fmt::format("{:.4g}k", v / 1e3);
  return fmt::format("{:.4g}", v);
}

size_t kpi_index(const std::string& name) {
  return size_t(std::find(kpi_names().begin(), kpi_names().end(), name) - kpi_names().begin());
}

void print_points(const Experiment& ex, const std::vector<ResultRow>& rows, size_t max_rows) {
  const auto stats = point_stats(ex, rows);
  const size_t nk = std::min<size_t>(3, ex.kpis.size());
  std::vector<std::string> head{"point"};
  for (const auto& c : ex.columns) head.push_back(c);
  for (size_t k = 0; k < nk; ++k) head.push_back(ex.kpis[k]);
  std::vector<std::vector<std::string>> table{head};
  for (size_t p = 0; p < ex.points.size() && p < max_rows; ++p) {
    std::vector<std::string> r{std::to_string(p)};
    for (const auto& c : ex.cells[p]) r.push_back(c.size() > 30 ? c.substr(0, 27) + "..." : c);
    for (size_t k = 0; k < nk; ++k) r.push_back(mean_ci(stats[p][kpi_index(ex.kpis[k])], kpi_unit(ex.kpis[k])));
    table.push_back(r);
  }
  std::vector<size_t> w(head.size(), 0);
  for (const auto& r : table)
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
  for (const auto& r : table) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      if (i > 0) line += "  ";
      line += fmt::format("{:>{}}", r[i], w[i]);
    }
    fmt::print("{}\n", line);
  }
  if (ex.points.size() > max_rows) fmt::print("... and {} more points in summary.csv\n", ex.points.size() - max_rows);
  fmt::print("(mean ±half-width of the 95% confidence interval over {} replication{}; every KPI is in summary.csv)\n",
             ex.replications, ex.replications == 1 ? "" : "s");
}

void print_sensitivity(const Experiment& ex, const std::vector<ResultRow>& rows) {
  const auto all = sensitivity(ex, rows);
  for (const auto& k : ex.kpis) {
    std::vector<Sensitivity> s;
    for (const auto& x : all)
      if (x.kpi == k) s.push_back(x);
    std::stable_sort(s.begin(), s.end(), [](const auto& a, const auto& b) {
      const double x = std::isfinite(a.ee.mu_star) ? a.ee.mu_star : -1, y = std::isfinite(b.ee.mu_star) ? b.ee.mu_star : -1;
      return x > y;
    });
    const std::string& unit = kpi_unit(k);
    fmt::print("\n{} ({}): change over the full range of each parameter{}\n", k, unit,
               unit == "share" ? ", in percentage points" : "");
    fmt::print("{:<44} {:>10} {:>10} {:>10} {:>4}\n", "parameter", "mu*", "mu", "sigma", "n");
    for (const auto& x : s)
      fmt::print("{:<44} {:>10} {:>10} {:>10} {:>4}\n", x.parameter, compact(x.ee.mu_star, unit), compact(x.ee.mu, unit),
                 compact(x.ee.sigma, unit), x.ee.n);
  }
}

int sweep(const SweepFlags& f, bool sensitivity_command) {
  MpiSession mpi;  // first: under mpirun every rank must take part in what follows
  const bool root = mpi.rank() == 0;
  const bool quiet = f.quiet || !root;
  Experiment ex = load_experiment_or_throw(f.experiment, f.sets);
  if (sensitivity_command && !ex.morris)
    throw BadInput(fmt::format("{}: /design: salesim sensitivity needs a design block of type \"morris\" "
                               "(docs/experiments.md#sensitivity); run other designs with salesim sweep",
                               f.experiment));
  const auto [shard, shards] = parse_shard(f.shard);
  const int threads = f.threads > 0 ? f.threads : omp_get_max_threads();
  if (!quiet || (f.dry_run && root))
    fmt::print("{}: {}{} points x {} replication{} = {} runs{}\n", f.experiment, ex.name.empty() ? "" : ex.name + " — ",
               ex.points.size(), ex.replications, ex.replications == 1 ? "" : "s", ex.runs(),
               f.dry_run ? "" : fmt::format(", {} thread{}{}{}", threads, threads == 1 ? "" : "s",
                                            mpi.size() > 1 ? fmt::format(" x {} ranks", mpi.size()) : "",
                                            shards > 1 ? fmt::format(", shard {}/{}", shard, shards) : ""));
  std::fflush(stdout);  // before the progress lines on stderr
  if (f.dry_run) {
    if (!root) return kExitOk;
    fmt::print("base scenario: {}; varied: {}; seeds from {}{}\n", ex.scenario_file,
               ex.columns.empty() ? "nothing" : fmt::format("{}", fmt::join(ex.columns, ", ")), ex.seed,
               ex.common_random_numbers ? " (common random numbers)" : "");
    for (size_t p = 0; p < ex.points.size() && p < 20; ++p) {
      std::string vals;
      for (size_t c = 0; c < ex.columns.size(); ++c) vals += fmt::format("  {}={}", ex.columns[c], ex.cells[p][c]);
      fmt::print("point {:>4}:{}  seeds {}{}\n", p, vals, ex.seed_of(p * size_t(ex.replications)),
                 ex.replications > 1 ? ", ..." : "");
    }
    if (ex.points.size() > 20) fmt::print("... and {} more points\n", ex.points.size() - 20);
    fmt::print("every point validates; nothing was run (--dry-run)\n");
    return kExitOk;
  }

  models::SweepOptions o;
  o.out_dir = f.out_dir.empty() ? "out/" + fs::path(f.experiment).stem().string() : f.out_dir;
  o.threads = threads;
  o.resume = f.resume;
  o.shard = shard;
  o.shards = shards;
  o.command_line = f.command_line;
  Progress progress(mpi.size() > 1 ? "rank 0 runs" : "runs", !quiet);
  o.progress = [&](long done, long total) { progress(done, total); };
  if (!quiet) o.note = [](const std::string& s) { fmt::print(stderr, "{}\n", s); };
  models::SweepOutcome r;
  try {
    r = models::run_sweep(ex, o, mpi.comm());
  } catch (const models::BatchInputError& e) {
    throw BadInput(e.what());
  }
  if (!root) return kExitOk;
  const std::string files = shards > 1 ? "results.csv" : ex.morris ? "results.csv, summary.csv, sensitivity.csv" : "results.csv, summary.csv";
  fmt::print("{} run{} in {:.1f} s ({:.2f} runs/s){}; wrote {}/{}, experiment.json, manifest.json\n", r.ran,
             r.ran == 1 ? "" : "s", r.seconds, r.seconds > 0 ? double(r.ran) / r.seconds : 0.0,
             r.resumed ? fmt::format(", {} resumed", r.resumed) : "", o.out_dir, files);
  if (shards > 1) {
    fmt::print("shard {}/{} done; when every shard is, join them with: salesim merge DIR... --out DIR\n", shard, shards);
    return kExitOk;
  }
  if (f.quiet) return kExitOk;
  fmt::print("\n");
  if (sensitivity_command) print_sensitivity(ex, r.rows);
  else print_points(ex, r.rows, 30);
  return kExitOk;
}

int merge(const std::vector<std::string>& dirs, const std::string& out) {
  models::MergeOutcome m;
  try {
    m = models::merge_sweeps(dirs, out);
  } catch (const models::BatchInputError& e) {
    throw BadInput(e.what());
  }
  fmt::print("merged {} runs from {} directories into {}/results.csv, summary.csv, experiment.json, manifest.json\n", m.runs,
             m.parts, out);
  return kExitOk;
}

struct CalibrateFlags {
  std::string scenario, targets, out_dir;
  int threads = 0;
  bool quiet = false;
  std::string command_line;
};

// The scenario file as written, with the fitted values set (parents created as --set does) and a
// relative plan_file made relative to the directory the fitted scenario is written to.
json fitted_document(const std::string& path, const std::string& out_dir, const CalibrationSpec& spec,
                     const std::vector<double>& values) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  json doc = json::parse(ss.str());
  const json::json_pointer plan("/incentive/plan_file");
  if (doc.contains(plan) && doc.at(plan).is_string() && fs::path(doc.at(plan).get<std::string>()).is_relative()) {
    const fs::path target = fs::absolute(fs::path(path).parent_path() / doc.at(plan).get<std::string>()).lexically_normal();
    doc[plan] = target.lexically_relative(fs::absolute(out_dir).lexically_normal()).string();
  }
  for (size_t i = 0; i < spec.parameters.size(); ++i) {
    const auto& r = spec.parameters[i].range;
    const json::json_pointer ptr(r.pointer);
    if (!ptr.parent_pointer().empty() && !doc.contains(ptr.parent_pointer())) doc[ptr.parent_pointer()] = json::object();
    doc[ptr] = r.integer ? json(int64_t(std::llround(values[i]))) : json(values[i]);
  }
  return doc;
}

int calibrate(const CalibrateFlags& f) {
  if (launcher_size() > 1) throw BadInput("salesim calibrate runs in one process (use --threads); start it without mpirun");
  const Scenario sc = load_or_throw(f.scenario, {});
  std::vector<Problem> problems;
  auto spec = load_calibration_spec(f.targets, sc, problems);
  if (!spec) throw BadInput(problems_text(f.targets, problems, "nothing was run"));
  const int threads = f.threads > 0 ? f.threads : omp_get_max_threads();
  const std::string dir = f.out_dir.empty() ? "out/calibrate-" + fs::path(f.scenario).stem().string() : f.out_dir;
  if (!f.quiet)
    fmt::print(stderr, "calibrating {} parameter{} of {} to {} target{}: {} ({} evaluations at most, {} replications each, {} threads)\n",
               spec->parameters.size(), spec->parameters.size() == 1 ? "" : "s", f.scenario, spec->targets.size(),
               spec->targets.size() == 1 ? "" : "s", spec->method, spec->max_evaluations, spec->replications, threads);
  const auto t0 = std::chrono::steady_clock::now();
  auto progress = [&](size_t n, double y, double best) {
    if (!f.quiet) fmt::print(stderr, "evaluation {:>4}: objective {:.6g} (best {:.6g})\n", n, y, best);
  };
  const models::CalibrationOutcome c = models::calibrate(sc, *spec, threads, progress);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& best = c.search.trace[c.search.best];
  const auto& best_kpis = c.kpi_means[c.search.best];
  const auto& start_kpis = c.kpi_means.front();

  // Outputs: the fitted scenario, the trace (CSV) and a summary (JSON, also read by salesim report).
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw BadInput(fmt::format("cannot create the output directory {}: {}", dir, ec.message()));
  const json fitted = fitted_document(f.scenario, dir, *spec, best.values);
  {
    LoadResult check = load_scenario_json(fitted, dir + "/scenario.json");
    if (!check.ok()) throw std::runtime_error("the fitted scenario does not validate: " + check.problems.front().str());
  }
  write_file_atomic(dir + "/scenario.json", fitted.dump(2) + "\n");
  std::string csv = "evaluation";
  for (const auto& p : spec->parameters) csv += "," + csv_field(p.range.pointer);
  csv += ",objective";
  for (const auto& t : spec->targets) csv += "," + t.kpi;
  csv += "\n";
  json trace = json::array();
  for (size_t i = 0; i < c.search.trace.size(); ++i) {
    csv += std::to_string(i + 1);
    for (double v : c.search.trace[i].values) csv += "," + csv_number(v);
    csv += "," + csv_number(c.search.trace[i].objective);
    json kp = json::object();
    for (const auto& t : spec->targets) {
      const double m = c.kpi_means[i][kpi_index(t.kpi)];
      csv += "," + csv_number(m);
      kp[t.kpi] = std::isfinite(m) ? json(m) : json(nullptr);
    }
    csv += "\n";
    const double y = c.search.trace[i].objective;
    trace.push_back({{"values", c.search.trace[i].values}, {"objective", std::isfinite(y) ? json(y) : json(nullptr)}, {"kpis", kp}});
  }
  write_file_atomic(dir + "/calibration.csv", csv);
  json params = json::array(), targets = json::array();
  for (size_t i = 0; i < spec->parameters.size(); ++i) {
    const auto& r = spec->parameters[i].range;
    params.push_back({{"pointer", r.pointer}, {"min", r.min}, {"max", r.max}, {"start", c.start[i]}, {"fitted", best.values[i]}});
  }
  auto jnum = [](double x) { return std::isfinite(x) ? json(x) : json(nullptr); };
  for (const auto& t : spec->targets) {
    const double s = start_kpis[kpi_index(t.kpi)], m = best_kpis[kpi_index(t.kpi)];
    targets.push_back({{"kpi", t.kpi}, {"unit", kpi_unit(t.kpi)}, {"target", t.value}, {"weight", t.weight}, {"start", jnum(s)},
                       {"fitted", jnum(m)}, {"relative_error", jnum((m - t.value) / std::abs(t.value))}});
  }
  const json summary{{"format", "salesim calibration"},
                     {"version", kVersion},
                     {"scenario", f.scenario},
                     {"targets_file", f.targets},
                     {"method", spec->method},
                     {"replications", spec->replications},
                     {"seed", spec->seed},
                     {"set", [&] { json s = json::object(); for (const auto& o : spec->set) s[o.pointer] = json::parse(o.value); return s; }()},
                     {"evaluations", c.search.trace.size()},
                     {"stop_reason", c.search.stop_reason},
                     {"objective_start", jnum(c.search.trace.front().objective)},
                     {"objective_fitted", jnum(best.objective)},
                     {"parameters", params},
                     {"targets", targets},
                     {"trace", trace},
                     {"wall_seconds", secs},
                     {"threads", threads},
                     {"command", f.command_line}};
  write_file_atomic(dir + "/calibration.json", summary.dump(1) + "\n");

  fmt::print("\n{} evaluations in {:.1f} s; stopped because {}\n", c.search.trace.size(), secs, c.search.stop_reason);
  fmt::print("objective (weighted mean squared relative error): {:.6g} at the start, {:.6g} fitted\n\n",
             c.search.trace.front().objective, best.objective);
  fmt::print("{:<44} {:>12} {:>12} {:>12} {:>12}\n", "parameter", "min", "max", "start", "fitted");
  for (size_t i = 0; i < spec->parameters.size(); ++i) {
    const auto& r = spec->parameters[i].range;
    fmt::print("{:<44} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g}\n", r.pointer, r.min, r.max, c.start[i], best.values[i]);
  }
  fmt::print("\n{:<30} {:>12} {:>12} {:>12} {:>9}\n", "KPI", "target", "start", "fitted", "error");
  for (const auto& t : spec->targets) {
    const std::string& u = kpi_unit(t.kpi);
    const double s = start_kpis[kpi_index(t.kpi)], m = best_kpis[kpi_index(t.kpi)];
    fmt::print("{:<30} {:>12} {:>12} {:>12} {:>+8.1f}%\n", t.kpi, fmt_value(t.value, u), fmt_value(s, u), fmt_value(m, u),
               (m - t.value) / std::abs(t.value) * 100);
  }
  fmt::print("\nwrote {0}/scenario.json (the fitted scenario), {0}/calibration.csv, {0}/calibration.json\n", dir);
  return kExitOk;
}

int report(const std::string& dir, const std::string& out_file) {
  const std::string out = out_file.empty() ? dir + "/report.html" : out_file;
  std::string html;
  if (fs::exists(fs::path(dir) / "calibration.json") && !fs::exists(fs::path(dir) / models::kRecordFile)) {
    std::ifstream in(fs::path(dir) / "calibration.json", std::ios::binary);
    json c;
    try {
      c = json::parse(in);
    } catch (const json::exception& e) {
      throw BadInput(fmt::format("{}/calibration.json: not valid JSON: {}", dir, e.what()));
    }
    html = calibration_report_html(c);
  } else {
    models::SweepData d;
    try {
      d = models::read_sweep(dir);
    } catch (const models::BatchInputError& e) {
      throw BadInput(e.what());
    }
    html = sweep_report_html(d.experiment, d.rows, d.shard, d.shards);
  }
  write_file_atomic(out, html);
  fmt::print("wrote {} ({} KB, self-contained: open it in any browser)\n", out, (html.size() + 1023) / 1024);
  return kExitOk;
}

void add_sweep_flags(CLI::App* s, const std::shared_ptr<SweepFlags>& o) {
  s->add_option("experiment", o->experiment, "Experiment file (JSON; docs/experiments.md)")->required();
  s->add_option("--out", o->out_dir, "Output directory (default: out/<experiment file name>)");
  s->add_option("--threads", o->threads, "OpenMP threads in this process (default: all cores); each run uses one")
      ->check(CLI::NonNegativeNumber);
  s->add_flag("--resume", o->resume, "Complete an interrupted sweep in --out: run only the missing runs");
  s->add_option("--shard", o->shard, "Run only shard I of N (runs with id % N == I), e.g. 0/4; join with salesim merge");
  s->add_option("--set", o->sets, "Override a base-scenario parameter for every run: JSON_POINTER=VALUE");
  s->add_flag("--dry-run", o->dry_run, "Validate every point and print the design; run nothing");
  s->add_flag("--quiet", o->quiet, "No progress and no table");
}

}  // namespace

void add_batch_commands(CLI::App& app, Runner& selected, const std::string& command_line) {
  auto so = std::make_shared<SweepFlags>();
  so->command_line = command_line;
  auto* s = app.add_subcommand("sweep", "Run an experiment: every design point x replication, in parallel; results.csv and summary.csv");
  add_sweep_flags(s, so);
  s->callback([so, &selected] { selected = [so] { return sweep(*so, false); }; });

  auto mo = std::make_shared<SweepFlags>();
  mo->command_line = command_line;
  auto* m = app.add_subcommand("sensitivity", "Morris elementary effects (mu*, sigma) of an experiment with a morris design");
  add_sweep_flags(m, mo);
  m->callback([mo, &selected] { selected = [mo] { return sweep(*mo, true); }; });

  auto dirs = std::make_shared<std::vector<std::string>>();
  auto merge_out = std::make_shared<std::string>();
  auto* g = app.add_subcommand("merge", "Join the output directories of sweep shards (--shard I/N) into one");
  g->add_option("dirs", *dirs, "The shards' --out directories")->required();
  g->add_option("--out", *merge_out, "Directory for the joined results")->required();
  g->callback([dirs, merge_out, &selected] { selected = [dirs, merge_out] { return merge(*dirs, *merge_out); }; });

  auto co = std::make_shared<CalibrateFlags>();
  co->command_line = command_line;
  auto* c = app.add_subcommand("calibrate", "Fit scenario parameters to target KPIs (NLopt SBPLX or Nelder-Mead over replications)");
  c->add_option("scenario", co->scenario, "Scenario file (JSON)")->required();
  c->add_option("--targets", co->targets, "Parameters to fit, their bounds and the target KPIs (JSON; docs/experiments.md#calibrate)")
      ->required();
  c->add_option("--out", co->out_dir, "Output directory (default: out/calibrate-<scenario file name>)");
  c->add_option("--threads", co->threads, "OpenMP threads (default: all cores)")->check(CLI::NonNegativeNumber);
  c->add_flag("--quiet", co->quiet, "No per-evaluation lines");
  c->callback([co, &selected] { selected = [co] { return calibrate(*co); }; });

  auto rdir = std::make_shared<std::string>();
  auto rout = std::make_shared<std::string>();
  auto* r = app.add_subcommand("report", "Render a sweep, sensitivity or calibration directory as a self-contained HTML page");
  r->add_option("dir", *rdir, "Output directory of salesim sweep, sensitivity, merge or calibrate")->required();
  r->add_option("--out", *rout, "HTML file to write (default: DIR/report.html)");
  r->callback([rdir, rout, &selected] { selected = [rdir, rout] { return report(*rdir, *rout); }; });
}

}  // namespace salesim::cli
