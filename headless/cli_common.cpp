#include "headless/cli_common.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace salesim::cli {

namespace {
double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

std::vector<Override> parse_overrides(const std::vector<std::string>& sets) {
  std::vector<Override> overrides;
  for (const auto& s : sets) {
    std::string err;
    auto o = parse_override(s, err);
    if (!o) throw BadInput(err);
    overrides.push_back(*o);
  }
  return overrides;
}

Scenario load_or_throw(const std::string& path, const std::vector<std::string>& sets) {
  LoadResult r = load_scenario_file(path, parse_overrides(sets));
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
  if (!targets.empty()) fmt::print(out, "('!' marks a KPI outside its target's tolerance)\n");
}

Progress::Progress(std::string what, bool enabled)
    : what_(std::move(what)), enabled_(enabled), tty_(::isatty(2)), start_(now_seconds()) {}

void Progress::operator()(long done, long total) {
  if (!enabled_ || total <= 0) return;
  const double f = double(done) / double(total);
  const double secs = now_seconds() - start_;
  const double left = f > 0 ? secs * (1 - f) / f : 0.0;
  if (tty_) {
    const int width = 32, fill = int(f * width);
    fmt::print(stderr, "\r{} [{:=<{}}{: <{}}] {:3.0f}%  {}/{}  {:.1f}/s  {:.0f}s left ", what_, "", fill, "",
               width - fill, f * 100, done, total, secs > 0 ? done / secs : 0.0, left);
    if (done == total) fmt::print(stderr, "\n");
    return;
  }
  const int decile = int(f * 10);
  if (secs >= 2.0 && decile != last_decile_) {  // plain lines for logs, only for work that takes a while
    last_decile_ = decile;
    fmt::print(stderr, "{}: {:.0f}% ({}/{}), {:.1f}s elapsed, {:.0f}s left\n", what_, f * 100, done, total, secs, left);
  }
}

CoreWatch::CoreWatch(int threads)
    : threads_(threads), cores_(int(std::thread::hardware_concurrency())), start_(threads > 1 ? read() : Reading{}) {}

// Busy time in seconds: the machine's (all CPUs; idle, I/O wait and time stolen by the hypervisor
// aside) and this process's, both in clock ticks of sysconf(_SC_CLK_TCK).
CoreWatch::Reading CoreWatch::read() {
  Reading r;
  r.wall = now_seconds();
  const double hz = double(::sysconf(_SC_CLK_TCK));
  std::ifstream stat("/proc/stat"), self("/proc/self/stat");
  std::string cpu, line;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
  if (!(stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq) || cpu != "cpu" || hz <= 0) return r;
  r.machine_busy = (user + nice + system + irq + softirq) / hz;
  // /proc/self/stat: "pid (comm) state ..." where comm may hold spaces; utime and stime are the 12th
  // and 13th fields after the closing parenthesis.
  if (!std::getline(self, line)) return r;
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return r;
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 1; i <= 13 && rest >> field; ++i) {
    if (i == 12) utime = std::atof(field.c_str());
    if (i == 13) stime = std::atof(field.c_str());
  }
  r.ours = (utime + stime) / hz;
  r.ok = true;
  return r;
}

void CoreWatch::check(bool final) {
  if (done_ || threads_ <= 1 || !start_.ok || cores_ <= 0) return;
  const double wall = now_seconds() - start_.wall;
  if (wall < (final ? 0.25 : 2.0)) return;
  const Reading now = read();
  done_ = true;
  if (!now.ok) return;
  const double others = std::max(0.0, (now.machine_busy - start_.machine_busy) - (now.ours - start_.ours)) / wall;
  const double free = double(cores_) - others;
  if (others < 0.35 || double(threads_) <= free + 0.25) return;
  const int suggest = std::max(1, int(std::floor(free + 0.25)));
  const std::string when = final ? fmt::format("during this run ({:.1f} s)", wall) : fmt::format("during the first {:.0f} s of this run", wall);
  fmt::print(stderr,
             "\nwarning: other programs kept {:.1f} of this machine's {} cores busy {};\n"
             "         its {} threads wait for each other at every step when one lacks a core, and can run slower\n"
             "         than one thread (docs/performance.md#noise). --threads {} may be faster.\n",
             others, cores_, when, threads_, suggest);
}

}  // namespace salesim::cli
