// salesim bench: throughput of whole runs (a benchmark is a program, not a timed test).
// docs/performance.md records its output with the command that produced it.
#include <algorithm>
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
    for (int t : o.threads) {
      double best = 1e300;
      size_t accounts = 0;
      Tick ticks = 0;
      for (int r = 0; r < std::max(1, o.repeat); ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        auto e = models::make_engine(sc, EngineOptions{std::nullopt, t});
        e->run();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        accounts = e->world().accounts();
        ticks = e->clock().ticks();
      }
      const double rate = double(accounts) * double(ticks) / best;
      if (t == 1) one_thread = best;
      fmt::print("{:<34} {:>7} {:>9} {:>10} {:>10.3f} {:>16.3e} {:>14.0f} {:>13.0f}{}\n", path, t, accounts, ticks, best,
                 rate, peak_rss_mib(), peak_rss_mib() * 1024.0 * 1024.0 / double(std::max<size_t>(1, accounts)),
                 t != 1 && one_thread > 0 ? fmt::format("  speed-up {:.2f}x", one_thread / best) : "");
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
  b->add_option("--threads", o->threads, "Thread counts to measure (default: 1 2)")->delimiter(',');
  b->add_option("--repeat", o->repeat, "Runs per measurement; the best is reported (default: 3)");
  b->add_option("--set", o->sets, "Override a parameter: JSON_POINTER=VALUE");
  b->callback([o, &selected] { selected = [o] { return bench(*o); }; });
}

}  // namespace salesim::cli
