// salesim: the headless command line. Parses arguments, calls the engine API, prints and writes
// results. No model logic lives here. docs/cli.md has every command with a worked example.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <sys/resource.h>
#include <unistd.h>

#include "models/registry.hpp"
#include "sim/output.hpp"

using namespace salesim;

namespace {

constexpr int kExitOk = 0, kExitInternal = 1, kExitBadInput = 2;

// Bad input: a message on stderr and exit code 2.
struct BadInput : std::runtime_error { using std::runtime_error::runtime_error; };

Scenario load_or_throw(const std::string& path, const std::vector<std::string>& sets) {
  std::vector<Override> overrides;
  for (const auto& s : sets) {
    std::string err;
    auto o = parse_override(s, err);
    if (!o) throw BadInput(err);
    overrides.push_back(*o);
  }
  LoadResult r = load_scenario_file(path, overrides);
  if (!r.ok()) {
    std::string msg;
    for (const auto& p : r.problems) {
      const bool located = p.where.rfind(path, 0) == 0;  // already "file:line:col" or the file itself
      msg += located ? p.str() + "\n" : fmt::format("{}: {}\n", path, p.str());
    }
    msg += fmt::format("{}: {} problem{}; nothing was run", path, r.problems.size(), r.problems.size() == 1 ? "" : "s");
    throw BadInput(msg);
  }
  return std::move(*r.scenario);
}

std::string fmt_value(double v, const std::string& unit) {
  if (!std::isfinite(v)) return "n/a";
  if (unit == "share") return fmt::format("{:.1f}%", v * 100);
  if (std::abs(v) >= 1e5) return fmt::format("{:.0f}", v);
  return fmt::format("{:.1f}", v);
}

void print_kpi_table(const Engine& e, std::FILE* out) {
  const auto kpis = e.kpis();
  const auto& targets = e.scenario().targets;
  fmt::print(out, "\n{} — seed {}, {} days, {} reps, {} accounts\n", e.scenario().name, e.seed(), e.clock().days(),
             e.world().reps(), e.world().accounts());
  fmt::print(out, "{:<30} {:>14} {:<20} {:>12} {:>9}\n", "KPI", "value", "unit", "target", "vs target");
  fmt::print(out, "{:-<30} {:->14} {:-<20} {:->12} {:->9}\n", "", "", "", "", "");
  for (const Kpi& k : kpis) {
    std::string target, dev;
    for (const auto& t : targets)
      if (t.kpi == k.name) {
        target = fmt_value(t.value, k.unit);
        if (std::isfinite(k.value) && t.value != 0) {
          const double rel = (k.value - t.value) / std::abs(t.value);
          dev = fmt::format("{:+.1f}%{}", rel * 100, std::abs(rel) <= t.tolerance ? "" : " !");
        }
      }
    fmt::print(out, "{:<30} {:>14} {:<20} {:>12} {:>9}\n", k.name, fmt_value(k.value, k.unit), k.unit, target, dev);
  }
}

// A progress bar on a terminal; nothing when stderr is not one (logs stay clean).
struct Progress {
  bool tty = ::isatty(2);
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  void operator()(Tick done, Tick total) const {
    if (!tty) return;
    const double f = double(done) / total;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const int width = 40, fill = int(f * width);
    fmt::print(stderr, "\r[{:=<{}}{: <{}}] {:3.0f}%  {:.1f}s elapsed, {:.1f}s left ", "", fill, "", width - fill,
               f * 100, secs, f > 0 ? secs * (1 - f) / f : 0.0);
    if (done == total) fmt::print(stderr, "\n");
  }
};

int cmd_run(const std::string& path, const std::vector<std::string>& sets, std::optional<uint64_t> seed, int threads,
            std::string out_dir, bool quiet, const std::string& command) {
  Scenario sc = load_or_throw(path, sets);
  auto engine = models::make_engine(sc, EngineOptions{seed, threads});
  const auto t0 = std::chrono::steady_clock::now();
  Progress progress;
  engine->run([&](Tick d, Tick t) { if (!quiet) progress(d, t); });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (out_dir.empty()) out_dir = "out/" + std::filesystem::path(path).stem().string();
  write_run_outputs(out_dir, *engine, RunInfo{secs, command});
  if (!quiet) print_kpi_table(*engine, stdout);
  const double account_ticks = double(engine->world().accounts()) * engine->clock().ticks();
  fmt::print("\n{} ticks in {:.2f} s ({:.1f} M account-ticks/s, {} threads); wrote {}/summary.json, timeseries.csv, "
             "events.csv, payouts.csv\n",
             engine->clock().ticks(), secs, account_ticks / secs / 1e6, engine->threads(), out_dir);
  return kExitOk;
}

int cmd_validate(const std::vector<std::string>& paths, const std::vector<std::string>& sets) {
  int rc = kExitOk;
  for (const auto& p : paths) {
    try {
      Scenario sc = load_or_throw(p, sets);
      fmt::print("{}: ok ({}; {} reps, {} regions, {} SKUs; policies: {}, {}, {}, {})\n", p, sc.name, sc.reps.count,
                 sc.regions.size(), sc.skus.size(), sc.demand.model, sc.rep_behaviour.model, sc.forecast.model,
                 sc.incentive.model);
    } catch (const BadInput& e) {
      fmt::print(stderr, "{}\n", e.what());
      rc = kExitBadInput;
    }
  }
  return rc;
}

// Prints the scenario schema as a Markdown reference (docs/scenario.md embeds its output).
void print_schema_markdown(const nlohmann::json& s, const std::string& at, int depth) {
  if (!s.is_object()) return;
  auto row = [&](const std::string& ptr, const nlohmann::json& p) {
    std::string type = p.value("type", "");
    std::string dflt = p.contains("default") ? p["default"].dump() : (p.value("type", "") == "object" ? "" : "required");
    if (dflt.size() > 40) dflt = dflt.substr(0, 37) + "...";
    std::string range;
    if (p.contains("minimum")) range += ">= " + p["minimum"].dump();
    if (p.contains("exclusiveMinimum")) range += "> " + p["exclusiveMinimum"].dump();
    if (p.contains("maximum")) range += (range.empty() ? "" : ", ") + std::string("<= ") + p["maximum"].dump();
    if (p.contains("enum")) {
      range.clear();
      for (const auto& e : p["enum"]) range += (range.empty() ? "" : " ") + e.dump();
    }
    fmt::print("| `{}` | {} | {} | {} | {} | {} |\n", ptr, type, p.value("x-unit", ""), dflt, range,
               p.value("description", ""));
  };
  if (depth == 0) {
    fmt::print("| pointer | type | unit | default | allowed | meaning |\n|---|---|---|---|---|---|\n");
  }
  if (s.contains("properties"))
    for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it) {
      const std::string ptr = at + "/" + it.key();
      row(ptr, it.value());
      print_schema_markdown(it.value(), ptr, depth + 1);
      if (it.value().contains("items") && it.value()["items"].contains("properties"))
        print_schema_markdown(it.value()["items"], ptr + "/N", depth + 1);
    }
  if (s.contains("x-models"))
    for (auto it = s["x-models"].begin(); it != s["x-models"].end(); ++it)
      for (auto p = it.value()["properties"].begin(); p != it.value()["properties"].end(); ++p)
        row(at + "/" + p.key() + " (model " + it.key() + ")", p.value());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"salesim: an agent-based sandbox for sales strategies (docs/cli.md)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(kVersion));
  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);

  std::string scenario_path, out_dir;
  std::vector<std::string> sets, paths;
  std::optional<uint64_t> seed;
  int threads = 0;
  bool quiet = false;

  auto* run = app.add_subcommand("run", "Run a scenario; print the KPI table and write results to --out");
  run->add_option("scenario", scenario_path, "Scenario file (JSON)")->required();
  run->add_option("--seed", seed, "Seed (default: the scenario's)");
  run->add_option("--threads", threads, "OpenMP threads (default: all cores)")->check(CLI::NonNegativeNumber);
  run->add_option("--out", out_dir, "Output directory (default: out/<scenario name>)");
  run->add_option("--set", sets, "Override a parameter: JSON_POINTER=VALUE, e.g. --set /reps/count=50");
  run->add_flag("--quiet", quiet, "No progress bar and no KPI table");

  auto* validate = app.add_subcommand("validate", "Check scenario files; report every problem (exit 2 if any)");
  validate->add_option("scenarios", paths, "Scenario files")->required();
  validate->add_option("--set", sets, "Overrides to check as well: JSON_POINTER=VALUE");

  auto* schema = app.add_subcommand("schema", "Print the scenario schema (JSON, or --markdown for a reference table)");
  bool markdown = false;
  schema->add_flag("--markdown", markdown, "Markdown table of every parameter");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  try {
    if (*run) return cmd_run(scenario_path, sets, seed, threads, out_dir, quiet, command);
    if (*validate) return cmd_validate(paths, sets);
    if (*schema) {
      if (markdown) print_schema_markdown(scenario_schema(), "", 0);
      else fmt::print("{}\n", scenario_schema().dump(1));
      return kExitOk;
    }
  } catch (const BadInput& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "salesim: internal error: {}\n", e.what());
    return kExitInternal;
  }
  return kExitOk;
}
