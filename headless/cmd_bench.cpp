// salesim bench: throughput of whole runs (a benchmark is a program, not a timed test).
// docs/performance.md records its output with the command that produced it.
//
// Shared and virtual machines change speed while a benchmark runs (docs/performance.md#noise), so:
// - the thread counts take turns, round by round (1, 2, then 2, 1, ...), and a slow spell of the
//   machine falls on all of them alike;
// - the speed-up is given both best-against-best and as the median of each round's own ratio;
// - a fixed reference kernel, run before every round, shows how much the machine itself drifted, and
//   run as N copies at once, what N threads can gain on this machine at all.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <omp.h>
#include <optional>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/resource.h>

#include "headless/cli_common.hpp"
#include "models/registry.hpp"
#include "sim/rng.hpp"
#include "sim/simd.hpp"

namespace salesim::cli {
namespace {

struct BenchOptions {
  std::vector<std::string> scenarios{"scenarios/default.json", "scenarios/bench-large.json"};
  std::vector<int> threads{1, 2};
  std::vector<std::string> sets;
  int repeat = 3;
  bool phases = false;
  bool reference = true;
};

// The process's peak resident memory (VmHWM), and a reset of it (Linux: "5" to /proc/self/clear_refs),
// so each scenario's figure is its own, not the largest so far. Without /proc: getrusage, never reset.
double peak_rss_mib() {
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    double kib = -1;
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "VmHWM: %lf kB", &kib) == 1) break;
    std::fclose(f);
    if (kib >= 0) return kib / 1024.0;
  }
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;  // Linux reports KiB
}
bool reset_peak_rss() {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> x) {
  if (x.empty()) return 0;
  std::sort(x.begin(), x.end());
  const size_t n = x.size();
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

// The reference kernel: what the engine's hot loops do, in a fixed amount: four independent chains
// of hashed, data-dependent reads over a 64 MiB table (a mix of arithmetic and cache misses). One
// copy per thread, each on a table of its own, so copies share nothing but the machine. Returns
// steps per second of one copy (the slowest, when several run at once).
class ReferenceKernel {
 public:
  static constexpr size_t kWords = size_t(8) << 20;  // 64 MiB of uint64
  static constexpr size_t kBytes = kWords * sizeof(uint64_t);
  static constexpr long kSteps = 1'500'000;          // per chain: about 0.1 s on the development machine

  // Tables are mapped and unmapped directly, so their memory is gone when the kernel is (malloc, or
  // a sanitizer's quarantine, could keep it resident and count it in the scenarios' peak memory).
  explicit ReferenceKernel(int copies) : tables_(size_t(copies)) {
#pragma omp parallel for num_threads(copies) schedule(static, 1)
    for (int c = 0; c < copies; ++c) {  // each copy's table first touched by its own thread
      void* p = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) continue;
      auto* t = static_cast<uint64_t*>(p);
      for (size_t i = 0; i < kWords; ++i) t[i] = mix64(i);
      tables_[size_t(c)] = t;
    }
    for (const uint64_t* t : tables_)
      if (!t) throw std::runtime_error("bench: cannot map the reference kernel's 64 MiB table");
  }
  ~ReferenceKernel() {
    for (uint64_t* t : tables_)
      if (t) ::munmap(t, kBytes);
  }
  ReferenceKernel(const ReferenceKernel&) = delete;
  ReferenceKernel& operator=(const ReferenceKernel&) = delete;
  double run() {
    const int copies = int(tables_.size());
    std::vector<double> rate(tables_.size());
#pragma omp parallel for num_threads(copies) schedule(static, 1)
    for (int c = 0; c < copies; ++c) {
      const uint64_t* t = tables_[size_t(c)];
      const auto t0 = std::chrono::steady_clock::now();
      uint64_t x[4] = {1, 2, 3, 4};
      for (long s = 0; s < kSteps; ++s)
        for (auto& v : x) v = mix64(v ^ t[v & (kWords - 1)]);
      rate[size_t(c)] = 4.0 * double(kSteps) / seconds_since(t0);
      sink_ ^= x[0] ^ x[1] ^ x[2] ^ x[3];
    }
    return *std::min_element(rate.begin(), rate.end());
  }
  uint64_t sink() const { return sink_; }

 private:
  std::vector<uint64_t*> tables_;
  uint64_t sink_ = 0;
};

// What N threads can gain on this machine: the reference kernel alone, then as N copies at once.
void print_machine_reference(const std::vector<int>& threads) {
  const int most = *std::max_element(threads.begin(), threads.end());
  ReferenceKernel one(1);
  std::optional<ReferenceKernel> many;  // only when more than one thread is measured
  if (most > 1) many.emplace(most);
  double best_one = 0, best_many = 0;
  for (int r = 0; r < 3; ++r) {
    best_one = std::max(best_one, one.run());
    if (many) best_many = std::max(best_many, many->run());
  }
  fmt::print("machine reference: {:.1f} M steps/s on one thread", best_one / 1e6);
  const double gain = most * best_many / best_one;
  if (many)
    fmt::print("; {} copies at once do {:.2f}x the work of one (the most {} threads can gain here)", most, gain, most);
  fmt::print("  [checksum {}]\n", (one.sink() ^ (many ? many->sink() : 0)) & 0xff);
  if (many && gain < 0.8 * most)
    fmt::print("warning: other work is using this machine's cores: {} threads can gain only {:.2f}x here, so the\n"
               "         figures for more than one thread measure the neighbours as much as salesim\n",
               most, gain);
}

struct Sample {
  double seconds = 0;
  std::array<double, kPhases + 1> phases{};  // world build, then each phase of a tick
};

int bench(const BenchOptions& o) {
  std::vector<Scenario> scenarios;  // every file checked before anything runs
  for (const auto& path : o.scenarios) scenarios.push_back(load_or_throw(path, o.sets));
  if (o.reference) print_machine_reference(o.threads);
  fmt::print("loops compiled twice run {}\n", simd::form());  // docs/performance.md
  const bool per_scenario_rss = reset_peak_rss();
  fmt::print("{:<34} {:>7} {:>9} {:>6} {:>9} {:>9} {:>16} {:>13} {:>10}\n", "scenario", "threads", "accounts", "ticks",
             "best s", "median s", "account-ticks/s", "peak RSS MiB", "B/account");
  const size_t T = o.threads.size();
  const int repeat = std::max(1, o.repeat);
  for (size_t si = 0; si < scenarios.size(); ++si) {
    const std::string& path = o.scenarios[si];
    const Scenario& sc = scenarios[si];
    std::vector<std::vector<Sample>> runs(T);
    std::vector<double> machine;  // the reference kernel's speed before each round
    size_t accounts = 0;
    Tick ticks = 0;
    std::vector<double> rss(T, 0.0);  // peak resident memory of each thread count's runs
    for (int r = 0; r < repeat; ++r) {
      if (o.reference) machine.push_back(ReferenceKernel(1).run());  // its table is freed again
      for (size_t j = 0; j < T; ++j) {
        const size_t k = r % 2 ? T - 1 - j : j;  // turns: forward, then backward
        Sample s;
        if (per_scenario_rss) reset_peak_rss();
        const auto t0 = std::chrono::steady_clock::now();
        auto e = models::make_engine(sc, EngineOptions{std::nullopt, o.threads[k]});
        s.phases[0] = seconds_since(t0);
        e->run();
        s.seconds = seconds_since(t0);
        std::copy(e->phase_seconds().begin(), e->phase_seconds().end(), s.phases.begin() + 1);
        runs[k].push_back(s);
        accounts = e->world().accounts();
        ticks = e->clock().ticks();
        e.reset();
        rss[k] = std::max(rss[k], peak_rss_mib());
      }
    }
    const auto best_of = [](const std::vector<Sample>& v) {
      return *std::min_element(v.begin(), v.end(), [](const Sample& a, const Sample& b) { return a.seconds < b.seconds; });
    };
    std::vector<Sample> best(T);
    for (size_t k = 0; k < T; ++k) {
      best[k] = best_of(runs[k]);
      std::vector<double> secs;
      for (const Sample& s : runs[k]) secs.push_back(s.seconds);
      std::string speedup;
      if (k > 0) {
        std::vector<double> ratio;  // each round's own speed-up over the first thread count
        for (size_t r = 0; r < runs[k].size(); ++r) ratio.push_back(runs[0][r].seconds / runs[k][r].seconds);
        speedup = fmt::format("  speed-up {:.2f}x best, {:.2f}x median of rounds", best[0].seconds / best[k].seconds,
                              median(ratio));
      }
      fmt::print("{:<34} {:>7} {:>9} {:>6} {:>9.3f} {:>9.3f} {:>16.3e} {:>13.0f} {:>10.0f}{}\n", path, o.threads[k],
                 accounts, ticks, best[k].seconds, median(secs), double(accounts) * double(ticks) / best[k].seconds, rss[k],
                 rss[k] * 1024.0 * 1024.0 / double(std::max<size_t>(1, accounts)), speedup);
    }
    if (machine.size() > 1) {
      const auto [lo, hi] = std::minmax_element(machine.begin(), machine.end());
      fmt::print("  the machine's own speed (reference kernel, before each round) varied {:.2f}x over these runs\n",
                 *hi / *lo);
    }
    if (o.phases) {
      // Where the time goes, per thread count (the best run's): seconds, and for 2+ threads the
      // speed-up of the phase over the first thread count measured.
      fmt::print("  {:<14}", "phase");
      for (size_t k = 0; k < T; ++k)
        fmt::print(" {:>9}{}", fmt::format("{} thr s", o.threads[k]), k == 0 ? "" : " speed-up");
      fmt::print("  share at {} thr\n", o.threads.front());
      double total = 0;
      for (double x : best.front().phases) total += x;
      for (size_t p = 0; p <= kPhases; ++p) {
        fmt::print("  {:<14}", p == 0 ? std::string_view("world build") : kPhaseNames[p - 1]);
        for (size_t k = 0; k < T; ++k) {
          fmt::print(" {:>9.3f}", best[k].phases[p]);
          if (k > 0)
            fmt::print(" {:>8}", best[k].phases[p] > 0.005 ? fmt::format("{:.2f}x", best.front().phases[p] / best[k].phases[p]) : "");
        }
        fmt::print("  {:>10.1f}%\n", total > 0 ? 100.0 * best.front().phases[p] / total : 0.0);
      }
    }
    std::fflush(stdout);
  }
  fmt::print("({} rounds; in each, every thread count runs once, in turns; best and median wall time, world build\n"
             " included; B/account = peak RSS / accounts, everything included; {})\n", repeat,
             per_scenario_rss ? "peak RSS is each thread count's own"
                              : "peak RSS is the process's so far, so list scenarios from small to large");
  return kExitOk;
}

}  // namespace

void add_bench_commands(CLI::App& app, Runner& selected, const std::string&) {
  auto o = std::make_shared<BenchOptions>();
  auto* b = app.add_subcommand("bench", "Measure simulation throughput (account-ticks per second) and memory");
  b->add_option("scenarios", o->scenarios, "Scenario files (default: scenarios/default.json scenarios/bench-large.json)");
  b->add_option("--threads", o->threads, "Thread counts to measure (default: 1 2)")->delimiter(',')->check(CLI::Range(1, 1024));
  b->add_option("--repeat", o->repeat, "Rounds; each runs every thread count once (default: 3)")->check(CLI::Range(1, 1000));
  b->add_option("--set", o->sets, "Override a parameter: JSON_POINTER=VALUE");
  b->add_flag("--phases", o->phases, "Also print the best run's wall time by phase of a tick (docs/performance.md)");
  b->add_flag("!--no-reference", o->reference,
              "Skip the machine reference kernel (what N threads can gain here, and the machine's drift)");
  b->callback([o, &selected] { selected = [o] { return bench(*o); }; });
}

}  // namespace salesim::cli
