// salesim bench: throughput of whole runs (a benchmark is a program, not a timed test).
// docs/performance.md records its output with the command that produced it.
#include <algorithm>
#include <array>
#include <cstdio>
#include <chrono>
#include <fmt/format.h>
#include <memory>
#include <sys/resource.h>

#include "headless/cli_common.hpp"
#include "models/registry.hpp"

namespace salesim::cli {
namespace {

struct BenchOptions {
  std::vector<std::string> scenarios{"scenarios/default.json", "scenarios/bench-large.json"};
  std::vector<int> threads{1, 2};
  std::vector<std::string> sets;
  int repeat = 3;
  bool phases = false;
};

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;  // Linux reports KiB
}

int bench(const BenchOptions& o) {
  fmt::print("{:<34} {:>7} {:>9} {:>10} {:>10} {:>16} {:>14} {:>13}\n", "scenario", "threads", "accounts", "ticks",
             "best s", "account-ticks/s", "peak RSS MiB", "B/account");
  for (const auto& path : o.scenarios) {
    const Scenario sc = load_or_throw(path, o.sets);
    double one_thread = 0;
    // Per thread count, the best run's wall time by phase: building the world, then each phase of a tick.
    std::vector<std::array<double, kPhases + 1>> phases;
    for (int t : o.threads) {
      double best = 1e300;
      size_t accounts = 0;
      Tick ticks = 0;
      std::array<double, kPhases + 1> best_phases{};
      for (int r = 0; r < std::max(1, o.repeat); ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        auto e = models::make_engine(sc, EngineOptions{std::nullopt, t});
        const auto built = std::chrono::steady_clock::now();
        e->run();
        const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (took < best) {
          best = took;
          best_phases[0] = std::chrono::duration<double>(built - t0).count();
          std::copy(e->phase_seconds().begin(), e->phase_seconds().end(), best_phases.begin() + 1);
        }
        accounts = e->world().accounts();
        ticks = e->clock().ticks();
      }
      phases.push_back(best_phases);
      const double rate = double(accounts) * double(ticks) / best;
      if (t == 1) one_thread = best;
      fmt::print("{:<34} {:>7} {:>9} {:>10} {:>10.3f} {:>16.3e} {:>14.0f} {:>13.0f}{}\n", path, t, accounts, ticks, best,
                 rate, peak_rss_mib(), peak_rss_mib() * 1024.0 * 1024.0 / double(std::max<size_t>(1, accounts)),
                 t != 1 && one_thread > 0 ? fmt::format("  speed-up {:.2f}x", one_thread / best) : "");
      std::fflush(stdout);
    }
    if (o.phases) {
      // Where the time goes, per thread count (the best run's): seconds, and for 2+ threads the
      // speed-up of the phase over the first thread count measured.
      fmt::print("  {:<14}", "phase");
      for (size_t k = 0; k < o.threads.size(); ++k)
        fmt::print(" {:>9}{}", fmt::format("{} thr s", o.threads[k]), k == 0 ? "" : " speed-up");
      fmt::print("  share at {} thr\n", o.threads.front());
      double total = 0;
      for (double x : phases.front()) total += x;
      for (size_t p = 0; p <= kPhases; ++p) {
        fmt::print("  {:<14}", p == 0 ? std::string_view("world build") : kPhaseNames[p - 1]);
        for (size_t k = 0; k < phases.size(); ++k) {
          fmt::print(" {:>9.3f}", phases[k][p]);
          if (k > 0)
            fmt::print(" {:>8}", phases[k][p] > 0.005 ? fmt::format("{:.2f}x", phases.front()[p] / phases[k][p]) : "");
        }
        fmt::print("  {:>10.1f}%\n", total > 0 ? 100.0 * phases.front()[p] / total : 0.0);
      }
      std::fflush(stdout);
    }
  }
  fmt::print("(best of {} runs each, including world build; peak RSS is the process's so far, so list scenarios\n"
             " from small to large; B/account = peak RSS / accounts, everything included)\n", o.repeat);
  return kExitOk;
}

}  // namespace

void add_bench_commands(CLI::App& app, Runner& selected, const std::string&) {
  auto o = std::make_shared<BenchOptions>();
  auto* b = app.add_subcommand("bench", "Measure simulation throughput (account-ticks per second) and memory");
  b->add_option("scenarios", o->scenarios, "Scenario files (default: scenarios/default.json scenarios/bench-large.json)");
  b->add_option("--threads", o->threads, "Thread counts to measure (default: 1 2)")->delimiter(',')->check(CLI::Range(1, 1024));
  b->add_option("--repeat", o->repeat, "Runs per measurement; the best is reported (default: 3)")->check(CLI::Range(1, 1000));
  b->add_option("--set", o->sets, "Override a parameter: JSON_POINTER=VALUE");
  b->add_flag("--phases", o->phases, "Also print the best run's wall time by phase of a tick (docs/performance.md)");
  b->callback([o, &selected] { selected = [o] { return bench(*o); }; });
}

}  // namespace salesim::cli
