#include "headless/cli_common.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
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

}  // namespace salesim::cli
