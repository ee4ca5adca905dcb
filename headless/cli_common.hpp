// Shared pieces of the salesim command line: exit codes, loading with clear errors, the KPI table
// and a progress bar. Commands live in headless/cmd_*.cpp and register in headless/main.cpp.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/engine.hpp"
#include "sim/history.hpp"
#include "sim/scenario.hpp"

namespace salesim::cli {

constexpr int kExitOk = 0, kExitInternal = 1, kExitBadInput = 2;

// Bad input (a file, a flag, a value): printed on stderr, exit code 2.
struct BadInput : std::runtime_error { using std::runtime_error::runtime_error; };

// The command chosen on the command line; set by a subcommand's callback, run by main.
using Runner = std::function<int()>;

// Loads a scenario applying --set overrides; throws BadInput listing every problem as
// "FILE: /json/pointer: what was expected".
Scenario load_or_throw(const std::string& path, const std::vector<std::string>& sets);
std::vector<Override> parse_overrides(const std::vector<std::string>& sets);

std::string fmt_value(double v, const std::string& unit);
void print_kpi_table(const Engine& e, std::FILE* out);

// A progress bar on a terminal (runs done, rate, time left); plain lines every 10% otherwise.
class Progress {
 public:
  explicit Progress(std::string what, bool enabled = true);
  void operator()(long done, long total);

 private:
  std::string what_;
  bool enabled_, tty_;
  int last_decile_ = -1;
  double start_;
};

// Whether other programs took the cores a run of several threads needs. OpenMP's threads meet at
// barriers many times a tick, so a thread waiting for a core holds up the others, and two threads
// beside a busy neighbour can be many times slower than one (docs/performance.md#noise). Reads the
// machine's busy time (/proc/stat) and this process's (/proc/self/stat); check() warns once on
// stderr when others kept more cores busy than the run left free: after 2 s of running, or at the
// end (final = true) if the run took a quarter of a second. Silent for one thread or where /proc is absent.
class CoreWatch {
 public:
  explicit CoreWatch(int threads);
  void check(bool final = false);

 private:
  struct Reading { double wall = 0, machine_busy = 0, ours = 0; bool ok = false; };
  static Reading read();
  int threads_, cores_;
  Reading start_;
  bool done_ = false;
};

// Registration of each command family (headless/cmd_*.cpp).
void add_run_commands(CLI::App& app, Runner& selected, const std::string& command_line);
void add_history_commands(CLI::App& app, Runner& selected, const std::string& command_line);
void add_bench_commands(CLI::App& app, Runner& selected, const std::string& command_line);
void add_incentive_commands(CLI::App& app, Runner& selected, const std::string& command_line);
void add_batch_commands(CLI::App& app, Runner& selected, const std::string& command_line);
void add_replay_commands(CLI::App& app, Runner& selected, const std::string& command_line);
// `salesim history to-scenario`, registered under the history command (headless/cmd_replay.cpp).
void add_to_scenario_command(CLI::App& history, Runner& selected);

// Loads a mapping and its files; throws BadInput naming every mapping problem (JSON pointer).
History load_history_or_throw(const std::string& mapping);
void add_exercise_commands(CLI::App& app, Runner& selected, const std::string& command_line);

}  // namespace salesim::cli
