// salesim run | validate | schema. docs/cli.md#run
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <fmt/format.h>
#include <memory>
#include <optional>

#include "headless/cli_common.hpp"
#include "models/registry.hpp"
#include "sim/checkpoint.hpp"
#include "sim/output.hpp"

namespace salesim::cli {
namespace {

struct RunOptions {
  std::string scenario, out_dir;
  std::vector<std::string> sets;
  std::optional<uint64_t> seed;
  int threads = 0;
  bool quiet = false;
  std::string command_line;
  int checkpoint_every = 0;  // days; 0 = none
  int keep_checkpoints = 2;
  std::string resume;        // checkpoint file to continue from
};

// --resume: the checkpoint's bytes, checked whole (magic, format, checksum) before the engine is built.
std::string read_checkpoint_or_throw(const std::string& path, CheckpointHeader& h) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw BadInput(fmt::format("{}: cannot open the checkpoint", path));
  std::ostringstream bytes;
  bytes << f.rdbuf();
  if (f.bad()) throw BadInput(fmt::format("{}: cannot read the checkpoint", path));
  std::istringstream in(bytes.str());
  try {
    h = read_checkpoint_header(in);
  } catch (const CheckpointError& e) {
    throw BadInput(fmt::format("{}: {}", path, e.what()));
  }
  return std::move(bytes).str();
}

// --checkpoint-every: DIR/checkpoints/day-NNNN.ckpt, written atomically; only the newest `keep` stay.
void write_checkpoint_file(const std::string& dir, const Engine& e, int keep) {
  namespace fs = std::filesystem;
  const fs::path cdir = fs::path(dir) / "checkpoints";
  fs::create_directories(cdir);
  const int day = int(e.tick() / e.clock().ticks_per_day());
  std::ostringstream bytes;
  e.save_checkpoint(bytes);
  write_file_atomic((cdir / fmt::format("day-{:04}.ckpt", day)).string(), std::move(bytes).str());
  std::vector<std::pair<long, fs::path>> have;
  for (const auto& entry : fs::directory_iterator(cdir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 9 && name.rfind("day-", 0) == 0 && name.ends_with(".ckpt") &&
        name.find_first_not_of("0123456789", 4) == name.size() - 5)
      have.push_back({std::stol(name.substr(4, name.size() - 9)), entry.path()});
  }
  std::sort(have.begin(), have.end());
  for (size_t i = 0; i + size_t(keep) < have.size(); ++i) fs::remove(have[i].second);
}

int run(const RunOptions& o) {
  Scenario sc = load_or_throw(o.scenario, o.sets);
  CheckpointHeader ckpt;
  const std::string ckpt_bytes = o.resume.empty() ? std::string() : read_checkpoint_or_throw(o.resume, ckpt);
  std::optional<uint64_t> seed = o.seed;
  if (!o.resume.empty() && !seed) seed = ckpt.seed;  // the checkpoint's seed unless --seed says otherwise
  auto engine = models::make_engine(sc, EngineOptions{seed, o.threads});
  if (!o.resume.empty()) {
    std::istringstream in(ckpt_bytes);
    try {
      engine->restore_checkpoint(in);
    } catch (const CheckpointError& e) {
      throw BadInput(fmt::format("{}: {}", o.resume, e.what()));
    }
  }
  const std::string dir = o.out_dir.empty() ? "out/" + std::filesystem::path(o.scenario).stem().string() : o.out_dir;
  const Tick start_tick = engine->tick();  // > 0 when resumed
  const auto t0 = std::chrono::steady_clock::now();
  Progress progress("simulating", !o.quiet);
  CoreWatch cores(engine->threads());
  if (o.checkpoint_every > 0) {
    // Engine::run, with a checkpoint at the start of every checkpoint_every-th day.
    const Tick total = engine->clock().ticks(), every = std::max<Tick>(1, total / 100);
    const Tick tpd = engine->clock().ticks_per_day();
    while (!engine->done()) {
      engine->step();
      if (engine->tick() % every == 0 || engine->done()) {
        progress(engine->tick(), total);
        cores.check();
      }
      if (!engine->done() && engine->tick() % tpd == 0 && (engine->tick() / tpd) % o.checkpoint_every == 0)
        write_checkpoint_file(dir, *engine, o.keep_checkpoints);
    }
  } else {
    engine->run([&](Tick d, Tick t) {
      progress(d, t);
      cores.check();
    });
  }
  cores.check(true);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_run_outputs(dir, *engine, RunInfo{secs, o.command_line});
  if (!o.quiet) print_kpi_table(*engine, stdout);
  const double account_ticks = double(engine->world().accounts()) * double(engine->clock().ticks() - start_tick);
  fmt::print("\n{} ticks in {:.2f} s ({:.1f} M account-ticks/s, {} threads); wrote {}/summary.json, timeseries.csv, "
             "events.csv, payouts.csv, statements.jsonl, interventions.csv, pods.csv, warehouse.csv, manifest.json\n",
             engine->clock().ticks(), secs, account_ticks / secs / 1e6, engine->threads(), dir);
  return kExitOk;
}

int validate(const std::vector<std::string>& paths, const std::vector<std::string>& sets) {
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

// The scenario schema as a Markdown reference table (docs/scenario.md embeds its output).
void schema_markdown(const nlohmann::json& s, const std::string& at, std::string& out) {
  auto row = [&](const std::string& ptr, const nlohmann::json& p) {
    std::string type = p.value("type", "");
    std::string dflt = p.contains("default") ? p["default"].dump() : (type == "object" ? "" : "required");
    if (dflt.size() > 40) dflt = dflt.substr(0, 37) + "...";
    std::string range;
    if (p.contains("minimum")) range += ">= " + p["minimum"].dump();
    if (p.contains("exclusiveMinimum")) range += "> " + p["exclusiveMinimum"].dump();
    if (p.contains("maximum")) range += (range.empty() ? "" : ", ") + std::string("<= ") + p["maximum"].dump();
    if (p.contains("exclusiveMaximum")) range += (range.empty() ? "" : ", ") + std::string("< ") + p["exclusiveMaximum"].dump();
    if (p.contains("enum")) {
      range.clear();
      for (const auto& e : p["enum"]) range += (range.empty() ? "" : " ") + e.dump();
    }
    out += fmt::format("| `{}` | {} | {} | `{}` | {} | {} |\n", ptr, type, p.value("x-unit", ""), dflt, range,
                       p.value("description", ""));
  };
  if (s.contains("properties"))
    for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it) {
      const std::string ptr = at + "/" + it.key();
      row(ptr, it.value());
      schema_markdown(it.value(), ptr, out);
      if (it.value().contains("items") && it.value()["items"].contains("properties"))
        schema_markdown(it.value()["items"], ptr + "/N", out);
      if (it.value().contains("additionalSchema")) schema_markdown(it.value()["additionalSchema"], ptr + "/KPI", out);
    }
  if (s.contains("x-models"))
    for (auto it = s["x-models"].begin(); it != s["x-models"].end(); ++it)
      for (auto p = it.value()["properties"].begin(); p != it.value()["properties"].end(); ++p)
        row(at + "/" + p.key() + "` (model `" + it.key(), p.value());
}

}  // namespace

void add_run_commands(CLI::App& app, Runner& selected, const std::string& command_line) {
  auto o = std::make_shared<RunOptions>();
  o->command_line = command_line;
  auto* r = app.add_subcommand("run", "Run a scenario: print the KPI table and write results to --out");
  r->add_option("scenario", o->scenario, "Scenario file (JSON)")->required();
  r->add_option("--seed", o->seed, "Seed (default: the scenario's)");
  r->add_option("--threads", o->threads, "OpenMP threads (default: all cores)")->check(CLI::NonNegativeNumber);
  r->add_option("--out", o->out_dir, "Output directory (default: out/<scenario file name>)");
  r->add_option("--set", o->sets, "Override a parameter: JSON_POINTER=VALUE, e.g. --set /reps/count=50");
  r->add_flag("--quiet", o->quiet, "No progress bar and no KPI table");
  r->add_option("--checkpoint-every", o->checkpoint_every,
                "Write the full state to OUT/checkpoints/day-NNNN.ckpt every DAYS simulated days")
      ->check(CLI::PositiveNumber);
  r->add_option("--keep-checkpoints", o->keep_checkpoints, "How many of the newest checkpoints to keep (default 2)")
      ->check(CLI::PositiveNumber);
  r->add_option("--resume", o->resume,
                "Continue from a checkpoint of the same scenario (and --set overrides); outputs as if never stopped");
  r->callback([o, &selected] { selected = [o] { return run(*o); }; });

  auto paths = std::make_shared<std::vector<std::string>>();
  auto sets = std::make_shared<std::vector<std::string>>();
  auto* v = app.add_subcommand("validate", "Check scenario files and report every problem (exit 2 if any)");
  v->add_option("scenarios", *paths, "Scenario files")->required();
  v->add_option("--set", *sets, "Overrides to check as well: JSON_POINTER=VALUE");
  v->callback([paths, sets, &selected] { selected = [paths, sets] { return validate(*paths, *sets); }; });

  auto markdown = std::make_shared<bool>(false);
  auto* s = app.add_subcommand("schema", "Print the scenario schema (JSON, or --markdown for a reference table)");
  s->add_flag("--markdown", *markdown, "A Markdown table of every parameter");
  s->callback([markdown, &selected] {
    selected = [markdown] {
      if (*markdown) {
        std::string out = "| pointer | type | unit | default | allowed | meaning |\n|---|---|---|---|---|---|\n";
        schema_markdown(scenario_schema(), "", out);
        fmt::print("{}", out);
      } else {
        fmt::print("{}\n", scenario_schema().dump(1));
      }
      return kExitOk;
    };
  });
}

}  // namespace salesim::cli
