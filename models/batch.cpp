#include "models/batch.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <nlopt.hpp>
#include <omp.h>
#include <optional>
#include <sstream>
#include <unistd.h>

#include "models/registry.hpp"
#include "sim/output.hpp"

namespace salesim::models {
using nlohmann::json;
namespace fs = std::filesystem;

RunResult run_one(const Scenario& sc, uint64_t seed, int threads) {
  auto e = make_engine(sc, EngineOptions{seed, threads});
  e->run();
  RunResult r;
  const auto kpis = e->kpis();
  r.kpis.assign(kpi_names().size(), std::numeric_limits<double>::quiet_NaN());
  for (const Kpi& k : kpis) {
    auto it = std::find(kpi_names().begin(), kpi_names().end(), k.name);
    if (it != kpi_names().end()) r.kpis[size_t(it - kpi_names().begin())] = k.value;
  }
  r.state_hash = e->state_hash();
  return r;
}

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw BatchInputError(fmt::format("{}: cannot open the file", p.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string partial_name(int rank) {
  return rank == 0 ? std::string(kPartialFile) : fmt::format("results.partial.rank-{}.csv", rank);
}

std::vector<fs::path> partial_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("results.partial", 0) == 0 && n.size() > 4 && n.substr(n.size() - 4) == ".csv") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// An append-only file of result lines: each line is one write() followed by fdatasync(), so after a
// kill the file holds whole lines and at most one torn last line.
class AppendLog {
 public:
  AppendLog(const fs::path& p, bool truncate, const std::string& header) : path_(p) {
    fd_ = ::open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
    if (fd_ < 0) throw std::runtime_error(fmt::format("cannot write {}: {}", p.string(), std::strerror(errno)));
    if (truncate) append(header);
  }
  ~AppendLog() { if (fd_ >= 0) ::close(fd_); }
  AppendLog(const AppendLog&) = delete;
  AppendLog& operator=(const AppendLog&) = delete;
  void append(const std::string& line) {
    const std::string s = line + "\n";
    size_t done = 0;
    while (done < s.size()) {
      const ssize_t n = ::write(fd_, s.data() + done, s.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error(fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
      done += size_t(n);
    }
    if (::fdatasync(fd_) != 0) throw std::runtime_error(fmt::format("cannot sync {}: {}", path_.string(), std::strerror(errno)));
  }

 private:
  fs::path path_;
  int fd_ = -1;
};

// Reads the rows of a results file. A partial file may end in a torn line (no newline, or not a
// whole row): it is ignored. Any other bad line is an error naming file:line.
void read_rows(const Experiment& ex, const fs::path& p, bool partial, std::map<size_t, ResultRow>& rows, size_t& torn) {
  const std::string text = read_text(p);
  const std::string header = results_header(ex);
  size_t pos = 0, lineno = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    const bool last = nl == std::string::npos || nl + 1 == text.size();
    const bool complete = nl != std::string::npos;
    const std::string line = text.substr(pos, complete ? nl - pos : std::string::npos);
    pos = complete ? nl + 1 : text.size();
    ++lineno;
    if (lineno == 1) {
      if (partial && !complete) return;  // killed while the header itself was written: no rows yet
      if (line != header)
        throw BatchInputError(fmt::format("{}:1: the header is not this experiment's (expected \"{}...\")", p.string(),
                                          header.substr(0, 60)));
      continue;
    }
    std::string err;
    auto row = complete ? parse_results_row(ex, line, err) : std::nullopt;
    if (!row) {
      if (partial && last) { ++torn; continue; }
      throw BatchInputError(fmt::format("{}:{}: {}", p.string(), lineno, complete ? err : "the file ends in the middle of a line"));
    }
    auto [it, inserted] = rows.emplace(row->run, *row);
    if (!inserted && it->second.line != row->line)
      throw BatchInputError(fmt::format("{}:{}: run {} appears twice with different results", p.string(), lineno, row->run));
  }
}

void write_final(const Experiment& ex, const fs::path& dir, const std::vector<ResultRow>& rows, int shards) {
  write_file_atomic((dir / kResultsFile).string(), results_csv(ex, rows));
  if (shards == 1) {
    write_file_atomic((dir / kSummaryFile).string(), summary_csv(ex, rows));
    if (ex.morris) write_file_atomic((dir / kSensitivityFile).string(), sensitivity_csv(ex, rows));
  }
}

Collective& single_process() {
  static Collective c;
  return c;
}

}  // namespace

SweepOutcome run_sweep(const Experiment& ex, const SweepOptions& opt) { return run_sweep(ex, opt, single_process()); }

SweepOutcome run_sweep(const Experiment& ex, const SweepOptions& opt, Collective& comm) {
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path dir(opt.out_dir);
  const bool root = comm.rank() == 0;
  const std::string header = results_header(ex);
  auto note = [&](const std::string& s) { if (root && opt.note) opt.note(s); };
  if (opt.shards < 1 || opt.shard < 0 || opt.shard >= opt.shards)
    throw BatchInputError(fmt::format("--shard {}/{}: the index must be in 0..{}", opt.shard, opt.shards, opt.shards - 1));

  // Rank 0 prepares the directory and finds the runs already done; every rank learns which.
  std::map<size_t, ResultRow> done;
  std::string plan;
  if (root) {
    try {
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) throw BatchInputError(fmt::format("cannot create the output directory {}: {}", dir.string(), ec.message()));
      const fs::path record = dir / kRecordFile;
      const auto partials = partial_files(dir);
      const std::string shard_text = fmt::format("{}/{}", opt.shard, opt.shards);
      if (opt.resume && fs::exists(record)) {
        json r;
        try {
          r = json::parse(read_text(record));
        } catch (const json::exception&) {
          throw BatchInputError(fmt::format("{}: not valid JSON; cannot resume", record.string()));
        }
        if (r.value("hash", "") != fmt::format("{:016x}", ex.hash))
          throw BatchInputError(fmt::format(
              "{} holds results of a different experiment (or the scenario, \"set\" or --set changed since): "
              "resume with the same inputs, or choose another --out",
              dir.string()));
        const std::string was = r.contains("shard") ? fmt::format("{}/{}", r["shard"].value("index", 0), r["shard"].value("count", 1)) : "0/1";
        if (was != shard_text)
          throw BatchInputError(fmt::format("{} holds shard {} of this sweep, not shard {}", dir.string(), was, shard_text));
        size_t torn = 0;
        if (fs::exists(dir / kResultsFile)) read_rows(ex, dir / kResultsFile, false, done, torn);
        for (const auto& p : partials) read_rows(ex, p, true, done, torn);
        note(fmt::format("resuming {}: {} runs already done{}", dir.string(), done.size(),
                         torn ? fmt::format(" (ignored {} torn line{} left by the kill)", torn, torn == 1 ? "" : "s") : ""));
      } else if (opt.resume && !partials.empty()) {
        throw BatchInputError(fmt::format("{} has partial results but no {}; cannot tell which experiment made them", dir.string(), kRecordFile));
      } else if (!opt.resume && !partials.empty()) {
        throw BatchInputError(fmt::format("{} holds an unfinished sweep ({}): add --resume to complete it, or remove the directory "
                                          "to start again",
                                          dir.string(), partials.front().filename().string()));
      } else {
        if (opt.resume) note(fmt::format("nothing to resume in {}: starting the sweep", dir.string()));
        for (const char* f : {kResultsFile, kSummaryFile, kSensitivityFile, kManifestFile}) fs::remove(dir / f, ec);
      }
      for (const auto& [run, row] : done)
        if (int(run % size_t(opt.shards)) != opt.shard)
          throw BatchInputError(fmt::format("{}: run {} does not belong to shard {}", dir.string(), run, shard_text));
      write_file_atomic(record.string(), experiment_record(ex, opt.shard, opt.shards).dump(1) + "\n");
      // One partial file with every row known so far; the other ranks start their own afresh.
      std::string consolidated = header + "\n";
      for (const auto& [run, row] : done) consolidated += row.line + "\n";
      write_file_atomic((dir / kPartialFile).string(), consolidated);
      for (const auto& p : partials)
        if (p.filename() != kPartialFile) fs::remove(p, ec);
      plan = "ok\n";
      for (const auto& [run, row] : done) plan += std::to_string(run) + "\n";
    } catch (const BatchInputError& e) {
      plan = std::string("input\n") + e.what();
    } catch (const std::exception& e) {
      plan = std::string("error\n") + e.what();
    }
  }
  plan = comm.broadcast(plan);
  std::vector<char> is_done(ex.runs(), 0);
  {
    std::istringstream in(plan);
    std::string status;
    std::getline(in, status);
    if (status != "ok") {
      std::string msg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (status == "input") throw BatchInputError(msg);
      throw std::runtime_error(msg);
    }
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) is_done[std::stoull(l)] = 1;
  }

  SweepOutcome out;
  std::vector<size_t> todo;
  for (size_t run = 0; run < ex.runs(); ++run)
    if (int(run % size_t(opt.shards)) == opt.shard) {
      ++out.runs;
      if (is_done[run]) ++out.resumed;
      else todo.push_back(run);
    }
  std::vector<size_t> mine;
  for (size_t j = 0; j < todo.size(); ++j)
    if (int(j % size_t(comm.size())) == comm.rank()) mine.push_back(todo[j]);
  if (root)
    note(fmt::format("{} run{} to do{}{}", todo.size(), todo.size() == 1 ? "" : "s",
                     out.resumed ? fmt::format(" ({} of {} already done)", out.resumed, out.runs) : "",
                     comm.size() > 1 ? fmt::format(" on {} ranks", comm.size()) : ""));

  // Run this rank's share: OpenMP over runs, one thread per run, rows appended as they finish.
  std::vector<ResultRow> made;
  std::string failure;
  {
    std::optional<AppendLog> log;
    try {
      log.emplace(dir / partial_name(comm.rank()), !root, header);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    const int threads = opt.threads > 0 ? opt.threads : omp_get_max_threads();
    std::vector<std::optional<std::pair<size_t, Scenario>>> cache(size_t(std::max(1, threads)));
    std::mutex mu;
    long finished = 0;
    const long total = long(mine.size());
    if (root && opt.progress && failure.empty()) opt.progress(0, total);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long j = 0; j < total; ++j) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!failure.empty()) continue;
      }
      try {
        const size_t run = mine[size_t(j)], point = ex.point_of(run);
        auto& slot = cache[size_t(omp_get_thread_num())];
        if (!slot || slot->first != point) {
          LoadResult lr = load_point(ex, point);
          if (!lr.ok()) throw std::runtime_error(fmt::format("point {} no longer validates: {}", point, lr.problems.front().str()));
          slot.emplace(point, std::move(*lr.scenario));
        }
        const RunResult rr = run_one(slot->second, ex.seed_of(run));
        std::string err;
        auto row = parse_results_row(ex, results_row(ex, run, rr.kpis, rr.state_hash), err);
        if (!row) throw std::runtime_error(fmt::format("run {}: its row does not read back: {}", run, err));
        std::lock_guard<std::mutex> lock(mu);
        if (!failure.empty()) continue;
        log->append(row->line);
        made.push_back(std::move(*row));
        ++finished;
        if (root && opt.progress) opt.progress(finished, total);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (failure.empty()) failure = e.what();
      }
    }
  }

  // Rank 0 gathers every rank's rows and writes the final files.
  std::string mine_text = failure.empty() ? "ok\n" : "error\n" + failure;
  if (failure.empty())
    for (const auto& r : made) mine_text += r.line + "\n";
  const auto parts = comm.gather(mine_text);
  std::string final_status = "ok\n";
  if (root) {
    try {
      for (size_t k = 0; k < parts.size(); ++k) {
        std::istringstream in(parts[k]);
        std::string status;
        std::getline(in, status);
        if (status != "ok") {
          std::string msg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
          throw std::runtime_error(comm.size() > 1 ? fmt::format("rank {}: {}", k, msg) : msg);
        }
        for (std::string l; std::getline(in, l);) {
          std::string err;
          auto row = parse_results_row(ex, l, err);
          if (!row) throw std::runtime_error(fmt::format("rank {} sent a bad row: {}", k, err));
          ++out.ran;
          done.emplace(row->run, std::move(*row));
        }
      }
      for (auto& [run, row] : done) out.rows.push_back(std::move(row));
      if (out.rows.size() != out.runs)
        throw std::runtime_error(fmt::format("{} of {} runs finished", out.rows.size(), out.runs));
      write_final(ex, dir, out.rows, opt.shards);
      out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      json manifest{{"version", kVersion},
                    {"experiment", ex.source},
                    {"experiment_hash", fmt::format("{:016x}", ex.hash)},
                    {"shard", fmt::format("{}/{}", opt.shard, opt.shards)},
                    {"runs", out.runs},
                    {"runs_resumed", out.resumed},
                    {"runs_this_invocation", out.ran},
                    {"threads_per_rank", opt.threads > 0 ? opt.threads : omp_get_max_threads()},
                    {"ranks", comm.size()},
                    {"wall_seconds", out.seconds},
                    {"runs_per_second", out.seconds > 0 ? double(out.ran) / out.seconds : 0.0},
                    {"command", opt.command_line}};
      json files = json::array({kRecordFile, kResultsFile});
      if (opt.shards == 1) files.push_back(kSummaryFile);
      if (opt.shards == 1 && ex.morris) files.push_back(kSensitivityFile);
      manifest["files"] = files;
      write_file_atomic((dir / kManifestFile).string(), manifest.dump(1) + "\n");
      std::error_code ec;
      for (const auto& p : partial_files(dir)) fs::remove(p, ec);
    } catch (const std::exception& e) {
      final_status = std::string("error\n") + e.what();
    }
  }
  final_status = comm.broadcast(final_status);
  if (final_status != "ok\n") throw std::runtime_error(final_status.substr(6));
  if (!root) {
    std::error_code ec;
    fs::remove(dir / partial_name(comm.rank()), ec);  // already gone on a shared file system
  }
  return out;
}

SweepData read_sweep(const std::string& dir_name) {
  const fs::path dir(dir_name);
  if (!fs::is_directory(dir)) throw BatchInputError(fmt::format("{}: no such directory", dir_name));
  const fs::path record = dir / kRecordFile;
  if (!fs::exists(record))
    throw BatchInputError(fmt::format("{}: no {} (is this the --out directory of salesim sweep?)", dir_name, kRecordFile));
  ExperimentLoad el = load_experiment_record(record.string());
  if (!el.ok()) {
    std::string msg;
    for (const auto& p : el.problems) {
      if (!msg.empty()) msg += "\n";
      msg += p.str();
    }
    throw BatchInputError(msg);
  }
  SweepData d{std::move(*el.experiment), {}, 0, 1};
  const json r = json::parse(read_text(record));
  if (r.contains("shard")) {
    d.shard = r["shard"].value("index", 0);
    d.shards = r["shard"].value("count", 1);
  }
  if (!fs::exists(dir / kResultsFile)) {
    const auto partials = partial_files(dir);
    throw BatchInputError(fmt::format("{}: no {}: the sweep has not finished{}", dir_name, kResultsFile,
                                      partials.empty() ? "" : " (complete it with salesim sweep ... --resume)"));
  }
  std::map<size_t, ResultRow> rows;
  size_t torn = 0;
  read_rows(d.experiment, dir / kResultsFile, false, rows, torn);
  for (auto& [run, row] : rows) d.rows.push_back(std::move(row));
  return d;
}

MergeOutcome merge_sweeps(const std::vector<std::string>& dirs, const std::string& out_dir) {
  if (dirs.empty()) throw BatchInputError("merge: name the directories of the shards to join");
  std::optional<SweepData> first;
  std::map<size_t, std::pair<ResultRow, std::string>> rows;
  for (const auto& d : dirs) {
    SweepData s = read_sweep(d);
    if (!first) {
      first.emplace(SweepData{s.experiment, {}, s.shard, s.shards});
    } else if (s.experiment.hash != first->experiment.hash) {
      throw BatchInputError(fmt::format("{} and {} hold different experiments (their experiment hashes differ)", dirs.front(), d));
    }
    for (auto& r : s.rows) {
      auto [it, inserted] = rows.emplace(r.run, std::make_pair(r, d));
      if (!inserted && it->second.first.line != r.line)
        throw BatchInputError(fmt::format("run {} differs between {} and {}", r.run, it->second.second, d));
    }
  }
  const Experiment& ex = first->experiment;
  if (rows.size() != ex.runs()) {
    std::map<std::string, size_t> missing_by_shard;  // which shard each missing run belongs to, by the first dir's count
    size_t missing = 0;
    for (size_t run = 0; run < ex.runs(); ++run)
      if (!rows.count(run)) {
        ++missing;
        ++missing_by_shard[fmt::format("{}/{}", run % size_t(first->shards), first->shards)];
      }
    std::string which;
    for (const auto& [s, n] : missing_by_shard) which += fmt::format("{}shard {} ({} runs)", which.empty() ? "" : ", ", s, n);
    throw BatchInputError(fmt::format("merge: {} of {} runs are missing: {}", missing, ex.runs(), which));
  }
  std::vector<ResultRow> sorted;
  for (auto& [run, r] : rows) sorted.push_back(std::move(r.first));
  const fs::path dir(out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw BatchInputError(fmt::format("cannot create the output directory {}: {}", out_dir, ec.message()));
  write_file_atomic((dir / kRecordFile).string(), experiment_record(ex, 0, 1).dump(1) + "\n");
  write_final(ex, dir, sorted, 1);
  json manifest{{"version", kVersion}, {"experiment", ex.source}, {"experiment_hash", fmt::format("{:016x}", ex.hash)},
                {"runs", sorted.size()}, {"merged_from", dirs}};
  write_file_atomic((dir / kManifestFile).string(), manifest.dump(1) + "\n");
  return MergeOutcome{sorted.size(), dirs.size()};
}

// ---- calibration ----

MinimiseOutcome minimise(const std::vector<ParameterRange>& ranges, const std::vector<double>& start,
                         const std::function<double(const std::vector<double>&)>& f, const std::string& method,
                         int max_evaluations, double tolerance, double initial_step) {
  const size_t k = ranges.size();
  MinimiseOutcome out;
  // Searching the unit cube gives every parameter the same scale whatever its units.
  auto values_at = [&](const std::vector<double>& u) {
    std::vector<double> v(k);
    for (size_t i = 0; i < k; ++i) v[i] = ranges[i].at(u[i]);
    return v;
  };
  struct Ctx { decltype(values_at)* at; const std::function<double(const std::vector<double>&)>* f; MinimiseOutcome* out; };
  Ctx ctx{&values_at, &f, &out};
  nlopt::opt opt(method == "nelder_mead" ? nlopt::LN_NELDERMEAD : nlopt::LN_SBPLX, unsigned(k));
  opt.set_lower_bounds(std::vector<double>(k, 0.0));
  opt.set_upper_bounds(std::vector<double>(k, 1.0));
  opt.set_maxeval(max_evaluations);
  opt.set_ftol_rel(tolerance);
  opt.set_xtol_abs(1e-6);
  opt.set_initial_step(std::vector<double>(k, initial_step));
  opt.set_min_objective(
      [](const std::vector<double>& u, std::vector<double>&, void* data) -> double {
        auto* c = static_cast<Ctx*>(data);
        const std::vector<double> v = (*c->at)(u);
        double y = (*c->f)(v);
        c->out->trace.push_back({v, y});
        const auto& best = c->out->trace[c->out->best];
        if (y < best.objective || c->out->trace.size() == 1) c->out->best = c->out->trace.size() - 1;
        return std::isfinite(y) ? y : 1e300;  // NLopt needs a number; the trace keeps the truth
      },
      &ctx);
  std::vector<double> u(k);
  for (size_t i = 0; i < k; ++i) u[i] = std::clamp(ranges[i].unit(start[i]), 0.0, 1.0);
  double fmin = 0;
  try {
    const nlopt::result r = opt.optimize(u, fmin);
    switch (r) {
      case nlopt::MAXEVAL_REACHED: out.stop_reason = "the evaluation budget (max_evaluations) was used up"; break;
      case nlopt::FTOL_REACHED: out.stop_reason = "the objective changed less than the tolerance"; break;
      case nlopt::XTOL_REACHED: out.stop_reason = "the parameters changed by less than 1e-6 of their ranges"; break;
      case nlopt::STOPVAL_REACHED: out.stop_reason = "the objective reached its stop value"; break;
      default: out.stop_reason = fmt::format("NLopt stopped (code {})", int(r)); break;
    }
  } catch (const nlopt::roundoff_limited&) {
    out.stop_reason = "rounding errors limited progress (the best point found is kept)";
  } catch (const std::exception& e) {
    if (out.trace.empty()) throw;
    out.stop_reason = fmt::format("NLopt stopped: {} (the best point found is kept)", e.what());
  }
  return out;
}

namespace {
std::vector<Override> calibration_overrides(const CalibrationSpec& spec, const std::vector<double>& values) {
  std::vector<Override> o = spec.set;
  for (size_t i = 0; i < spec.parameters.size(); ++i) {
    const auto& r = spec.parameters[i].range;
    o.push_back({r.pointer, r.integer ? json(int64_t(std::llround(values[i]))).dump() : json(values[i]).dump()});
  }
  return o;
}
}  // namespace

std::vector<double> calibration_kpis(const Scenario& sc, const CalibrationSpec& spec, const std::vector<double>& values,
                                     int threads) {
  const size_t nk = kpi_names().size();
  LoadResult lr = load_scenario_json(sc.normalized, sc.source, calibration_overrides(spec, values));
  if (!lr.ok()) return std::vector<double>(nk, std::numeric_limits<double>::quiet_NaN());
  const Scenario& s = *lr.scenario;
  const int reps = spec.replications;
  const int t = threads > 0 ? threads : omp_get_max_threads();
  std::vector<RunResult> res(static_cast<size_t>(reps));
  // Replications in parallel (one thread each); a single replication uses every thread itself.
  if (reps == 1) {
    res[0] = run_one(s, run_seed(spec.seed, 0, 0, true), t);
  } else {
    std::string failure;
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::min(t, reps))
    for (int r = 0; r < reps; ++r) {
      try {
        res[size_t(r)] = run_one(s, run_seed(spec.seed, 0, r, true), 1);
      } catch (const std::exception& e) {
#pragma omp critical
        failure = e.what();
      }
    }
    if (!failure.empty()) throw std::runtime_error(failure);
  }
  std::vector<double> means(nk);
  for (size_t k = 0; k < nk; ++k) {
    std::vector<double> xs;
    for (const auto& r : res) xs.push_back(r.kpis[k]);
    means[k] = summarize(xs).mean;
  }
  return means;
}

CalibrationOutcome calibrate(const Scenario& sc, const CalibrationSpec& spec, int threads,
                             const std::function<void(size_t, double, double)>& progress) {
  CalibrationOutcome out;
  std::vector<ParameterRange> ranges;
  for (const auto& p : spec.parameters) {
    ranges.push_back(p.range);
    out.start.push_back(*p.start);
  }
  double best = std::numeric_limits<double>::infinity();
  auto f = [&](const std::vector<double>& v) {
    out.kpi_means.push_back(calibration_kpis(sc, spec, v, threads));
    const double y = calibration_objective(spec, out.kpi_means.back());
    best = std::min(best, y);
    if (progress) progress(out.kpi_means.size(), y, best);
    return y;
  };
  out.search = minimise(ranges, out.start, f, spec.method, spec.max_evaluations, spec.tolerance, spec.initial_step);
  return out;
}

}  // namespace salesim::models
