// Rolling-origin backtests of forecast models on imported history. The models and their assumptions
// are described in docs/history.md#models; the metrics in docs/history.md#metrics.
#include "models/backtest.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <fmt/format.h>
#include <numbers>
#include <numeric>
#include <omp.h>
#include <stdexcept>

namespace salesim::models {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

// =====================================================================================================
// Names and calendar periods
// =====================================================================================================

std::optional<Level> parse_level(std::string_view s) {
  if (s == "total") return Level::kTotal;
  if (s == "region") return Level::kRegion;
  if (s == "manager") return Level::kManager;
  if (s == "rep") return Level::kRep;
  if (s == "product") return Level::kProduct;
  if (s == "series") return Level::kSeries;
  if (s == "account") return Level::kAccount;
  if (s == "sector") return Level::kSector;
  return std::nullopt;
}
std::optional<Period> parse_period(std::string_view s) {
  if (s == "day") return Period::kDay;
  if (s == "week") return Period::kWeek;
  if (s == "month") return Period::kMonth;
  if (s == "quarter") return Period::kQuarter;
  return std::nullopt;
}
std::optional<Measure> parse_measure(std::string_view s) {
  if (s == "won_value") return Measure::kWonValue;
  if (s == "won_deals") return Measure::kWonDeals;
  if (s == "order_value") return Measure::kOrderValue;
  return std::nullopt;
}
std::string_view level_name(Level l) {
  constexpr std::string_view n[] = {"total", "region", "manager", "rep", "product", "series", "account", "sector"};
  return n[size_t(l)];
}
std::string_view period_name(Period p) {
  constexpr std::string_view n[] = {"day", "week", "month", "quarter"};
  return n[size_t(p)];
}
std::string_view measure_name(Measure m) {
  constexpr std::string_view n[] = {"won_value", "won_deals", "order_value"};
  return n[size_t(m)];
}

int32_t period_start(Period p, int32_t day) {
  switch (p) {
    case Period::kDay: return day;
    case Period::kWeek: return day - Date::from_serial(day).weekday();
    case Period::kMonth: {
      Date d = Date::from_serial(day);
      return int32_t(Date{d.year, d.month, 1}.serial());
    }
    case Period::kQuarter: {
      Date d = Date::from_serial(day);
      return int32_t(Date{d.year, (d.month - 1) / 3 * 3 + 1, 1}.serial());
    }
  }
  return day;
}

int32_t period_after(Period p, int32_t start) {
  switch (p) {
    case Period::kDay: return start + 1;
    case Period::kWeek: return start + 7;
    case Period::kMonth: {
      Date d = Date::from_serial(start);
      return int32_t((d.month == 12 ? Date{d.year + 1, 1, 1} : Date{d.year, d.month + 1, 1}).serial());
    }
    case Period::kQuarter: {
      Date d = Date::from_serial(start);
      return int32_t((d.month >= 10 ? Date{d.year + 1, 1, 1} : Date{d.year, d.month + 3, 1}).serial());
    }
  }
  return start + 1;
}

int default_season(Period p) {
  switch (p) {
    case Period::kDay: return 7;
    case Period::kWeek: return 13;
    case Period::kMonth: return 3;
    case Period::kQuarter: return 4;
  }
  return 1;
}

std::string SeriesSet::label(size_t t) const {
  const Date d = Date::from_serial(starts[t]);
  switch (period) {
    case Period::kDay:
    case Period::kWeek: return d.str();
    case Period::kMonth: return fmt::format("{:04}-{:02}", d.year, d.month);
    case Period::kQuarter: return fmt::format("{:04}-Q{}", d.year, (d.month - 1) / 3 + 1);
  }
  return d.str();
}

// =====================================================================================================
// Series
// =====================================================================================================

namespace {

// The key of a rep, account or product at a level ("" when it has none).
struct Keys {
  const History& h;
  Level level;
  std::string of(int32_t rep, int32_t account, int32_t product, const std::string* order_region = nullptr) const {
    switch (level) {
      case Level::kTotal: return "total";
      case Level::kRegion:
        if (order_region && !order_region->empty()) return *order_region;
        return rep == kNoId || h.rep_region[size_t(rep)] == kNoId ? "" : h.regions[size_t(h.rep_region[size_t(rep)])];
      case Level::kManager: return rep == kNoId ? "" : h.reps[size_t(rep)].manager;
      case Level::kRep: return rep == kNoId ? "" : h.reps[size_t(rep)].name;
      case Level::kProduct: return product == kNoId ? "" : h.products[size_t(product)].name;
      case Level::kSeries: return product == kNoId ? "" : h.products[size_t(product)].series;
      case Level::kAccount: return account == kNoId ? "" : h.accounts[size_t(account)].name;
      case Level::kSector: return account == kNoId ? "" : h.accounts[size_t(account)].sector;
    }
    return "";
  }
};

}  // namespace

SeriesSet build_series(const History& h, Level level, Period period, Measure measure) {
  SeriesSet set;
  set.level = level;
  set.period = period;
  set.measure = measure;
  if (measure == Measure::kOrderValue && !h.has_orders)
    throw std::invalid_argument("the mapping has no /orders: use --measure won_value or won_deals");
  if (measure == Measure::kWonValue && !h.has_values)
    throw std::invalid_argument("the mapping has no /opportunities/columns/value: use --measure won_deals");

  // Events of the measure: (day, key, amount).
  struct Event { int32_t day; std::string key; double amount; };
  std::vector<Event> events;
  const Keys keys{h, level};
  int32_t first = kNoDate;
  auto seen = [&](int32_t d) { if (d != kNoDate && (first == kNoDate || d < first)) first = d; };
  if (measure == Measure::kOrderValue) {
    for (const HistoryOrder& o : h.orders) {
      seen(o.date);
      if (std::isnan(o.value)) continue;
      events.push_back({o.date, keys.of(o.rep, o.account, o.product, &o.region), o.value});
    }
  } else {
    for (const Opportunity& o : h.opportunities) {
      seen(o.closed);  // closing activity (won or lost) marks the span the export covers
      if (o.status != DealStatus::kWon) continue;
      events.push_back({o.closed, keys.of(o.rep, o.account, o.product),
                        measure == Measure::kWonDeals ? 1.0 : o.value});
    }
  }
  if (first == kNoDate) throw std::invalid_argument(fmt::format("the history has no dated {}", measure_name(measure)));
  const int32_t last = std::max(h.as_of, first);

  // Complete periods only: a part-period at either end would look like a collapse in sales.
  int32_t begin = period_start(period, first);
  if (begin < first) begin = period_after(period, begin);
  const int32_t end = period_start(period, last + 1);
  for (int32_t d = begin; d <= end; d = period_after(period, d)) set.starts.push_back(d);
  if (set.starts.size() < 2)
    throw std::invalid_argument(fmt::format("no complete {} between {} and {}", period_name(period),
                                            Date::from_serial(first).str(), Date::from_serial(last).str()));
  const size_t T = set.periods();

  std::map<std::string, int32_t> index;
  for (const Event& e : events)
    if (!e.key.empty()) index.emplace(e.key, 0);
  for (auto& [k, i] : index) {
    i = int32_t(set.keys.size());
    set.keys.push_back(k);
  }
  if (set.keys.empty()) {
    constexpr const char* kWhere[] = {"", "/reps/columns/region", "/reps/columns/manager", "/opportunities/columns/rep",
                                      "/opportunities/columns/product", "/products/columns/series",
                                      "/opportunities/columns/account", "/accounts/columns/sector"};
    throw std::invalid_argument(fmt::format("none of the {} {} events has a {} (it comes from {} in the mapping)",
                                            events.size(), measure_name(measure), level_name(level),
                                            kWhere[size_t(level)]));
  }
  set.values.assign(set.keys.size() * T, 0.0);
  for (const Event& e : events) {
    if (e.key.empty()) { ++set.without_key; continue; }
    if (e.day < set.starts.front() || e.day >= set.starts.back()) { ++set.outside; continue; }
    const size_t t = size_t(std::upper_bound(set.starts.begin(), set.starts.end(), e.day) - set.starts.begin()) - 1;
    set.values[size_t(index[e.key]) * T + t] += e.amount;
  }
  set.key_region.assign(set.keys.size(), kNoId);
  for (size_t r = 0; r < h.reps.size(); ++r) {
    const std::string k = keys.of(int32_t(r), kNoId, kNoId);
    if (auto it = index.find(k); it != index.end() && (level == Level::kRegion || level == Level::kRep))
      set.key_region[size_t(it->second)] = h.rep_region[r];
  }
  set.opp_series.assign(h.opportunities.size(), kNoId);
  for (size_t i = 0; i < h.opportunities.size(); ++i) {
    const Opportunity& o = h.opportunities[i];
    if (auto it = index.find(keys.of(o.rep, o.account, o.product)); it != index.end()) set.opp_series[i] = it->second;
  }
  return set;
}

// =====================================================================================================
// Single-series methods
// =====================================================================================================

namespace {

double rms(double sum_sq, size_t n) { return n ? std::sqrt(sum_sq / double(n)) : kNaN; }

}  // namespace

PointForecast forecast_naive(std::span<const double> y, int horizon) {
  PointForecast f;
  if (y.empty()) { f.why_not = "no history"; return f; }
  double ss = 0;
  for (size_t t = 1; t < y.size(); ++t) ss += (y[t] - y[t - 1]) * (y[t] - y[t - 1]);
  f.sigma = rms(ss, y.size() - 1);
  f.mean.assign(size_t(horizon), y.back());
  return f;
}

PointForecast forecast_seasonal_naive(std::span<const double> y, int season, int horizon) {
  PointForecast f;
  const size_t m = size_t(std::max(1, season)), n = y.size();
  if (n < m) { f.why_not = "needs a full season of history"; return f; }
  double ss = 0;
  for (size_t t = m; t < n; ++t) ss += (y[t] - y[t - m]) * (y[t] - y[t - m]);
  f.sigma = rms(ss, n - m);
  for (int h = 1; h <= horizon; ++h) {
    const size_t back = m * ((size_t(h) + m - 1) / m);  // whole seasons back from the target
    f.mean.push_back(y[n + size_t(h) - 1 - back]);
  }
  return f;
}

PointForecast forecast_moving_average(std::span<const double> y, int window, int horizon) {
  PointForecast f;
  const size_t k = size_t(std::max(1, window)), n = y.size();
  if (n < k) { f.why_not = "needs a full window of history"; return f; }
  double sum = std::accumulate(y.begin(), y.begin() + long(k), 0.0), ss = 0;
  for (size_t t = k; t < n; ++t) {
    const double e = y[t] - sum / double(k);
    ss += e * e;
    sum += y[t] - y[t - k];
  }
  f.sigma = rms(ss, n - k);
  f.mean.assign(size_t(horizon), sum / double(k));
  return f;
}

namespace {

// Runs Holt-Winters over y; returns the one-step in-sample SSE (infinite when the state degenerates)
// and, when `out` is given, the H forecasts after the end.
template <bool kMult>
double holt_winters_run(std::span<const double> y, size_t m, const HoltWintersParams& p, std::vector<double>* out,
                        int horizon, std::vector<double>& s) {
  const double mean1 = std::accumulate(y.begin(), y.begin() + long(m), 0.0) / double(m);
  const double mean2 = std::accumulate(y.begin() + long(m), y.begin() + long(2 * m), 0.0) / double(m);
  double level = mean1, trend = (mean2 - mean1) / double(m), sse = 0;
  s.resize(m);
  for (size_t i = 0; i < m; ++i) s[i] = kMult ? y[i] / mean1 : y[i] - mean1;
  const double a = p.alpha, b = p.beta, g = p.gamma;
  size_t k = 0;  // t % m
  for (size_t t = m; t < y.size(); ++t) {
    double& st = s[k];
    if (++k == m) k = 0;
    const double fc = kMult ? (level + trend) * st : level + trend + st;
    sse += (y[t] - fc) * (y[t] - fc);
    const double prev = level;
    level = kMult ? a * y[t] / st + (1 - a) * (level + trend) : a * (y[t] - st) + (1 - a) * (level + trend);
    trend = b * (level - prev) + (1 - b) * trend;
    if constexpr (kMult) {
      if (!(level > 0) || !std::isfinite(level)) return std::numeric_limits<double>::infinity();
    }
    st = kMult ? g * y[t] / level + (1 - g) * st : g * (y[t] - level) + (1 - g) * st;
  }
  if (out) {
    out->clear();
    const size_t n = y.size();
    for (int h = 1; h <= horizon; ++h) {
      const double st = s[(n + size_t(h) - 1) % m];
      out->push_back(std::max(0.0, kMult ? (level + h * trend) * st : level + h * trend + st));
    }
  }
  return std::isfinite(sse) ? sse : std::numeric_limits<double>::infinity();
}

double holt_winters_run(std::span<const double> y, size_t m, bool mult, const HoltWintersParams& p,
                        std::vector<double>* out, int horizon, std::vector<double>& s) {
  return mult ? holt_winters_run<true>(y, m, p, out, horizon, s) : holt_winters_run<false>(y, m, p, out, horizon, s);
}

}  // namespace

PointForecast forecast_holt_winters(std::span<const double> y, int season, int horizon, bool multiplicative,
                                    std::optional<HoltWintersParams> fixed, HoltWintersParams* fitted,
                                    const HoltWintersParams* start) {
  PointForecast f;
  const size_t m = size_t(season), n = y.size();
  if (season < 2) { f.why_not = "needs a season length of at least 2"; return f; }
  if (n < 2 * m) { f.why_not = "needs two full seasons of history"; return f; }
  if (multiplicative) {
    for (double v : y)
      if (!(v > 0)) { f.why_not = "multiplicative seasonality needs positive values (the series has zeros)"; return f; }
  }
  std::vector<double> s;
  HoltWintersParams best = fixed.value_or(start ? *start : HoltWintersParams{});
  if (!fixed) {
    // A grid (unless warm-started), then coordinate refinement around the best point; deterministic.
    double best_sse = holt_winters_run(y, m, multiplicative, best, nullptr, 0, s);
    if (!start)
      for (double a : {0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9})
        for (double b : {0.0, 0.05, 0.15, 0.3})
          for (double g : {0.05, 0.15, 0.3, 0.5}) {
            const double sse = holt_winters_run(y, m, multiplicative, {a, b, g}, nullptr, 0, s);
            if (sse < best_sse) { best_sse = sse; best = {a, b, g}; }
          }
    for (double step : {0.04, 0.01}) {
      for (int it = 0; it < 4; ++it) {
        bool moved = false;
        for (int k = 0; k < 3; ++k)
          for (double dir : {-1.0, 1.0}) {
            HoltWintersParams q = best;
            double& v = k == 0 ? q.alpha : k == 1 ? q.beta : q.gamma;
            v = std::clamp(v + dir * step, k == 1 ? 0.0 : 0.01, 0.99);
            const double sse = holt_winters_run(y, m, multiplicative, q, nullptr, 0, s);
            if (sse < best_sse - 1e-12 * std::max(1.0, best_sse)) { best_sse = sse; best = q; moved = true; }
          }
        if (!moved) break;
      }
    }
    if (!std::isfinite(best_sse)) { f.why_not = "no smoothing parameters keep the level positive"; return f; }
  }
  const double sse = holt_winters_run(y, m, multiplicative, best, &f.mean, horizon, s);
  if (!std::isfinite(sse)) { f.mean.clear(); f.why_not = "the level fell to zero or below"; return f; }
  f.sigma = rms(sse, n - m);
  if (fitted) *fitted = best;
  return f;
}

PointForecast forecast_croston(std::span<const double> y, int horizon, double alpha, bool sba) {
  PointForecast f;
  if (y.empty()) { f.why_not = "no history"; return f; }
  size_t first = 0;
  while (first < y.size() && y[first] == 0) ++first;
  if (first == y.size()) {  // no demand yet: the forecast is zero
    f.sigma = 0;
    f.mean.assign(size_t(horizon), 0.0);
    return f;
  }
  const double k = sba ? 1 - alpha / 2 : 1.0;
  double z = y[first], p = double(first + 1), ss = 0;
  size_t q = 1, errors = 0;
  for (size_t t = first + 1; t < y.size(); ++t) {
    const double e = y[t] - k * z / p;
    ss += e * e;
    ++errors;
    if (y[t] != 0) {
      z += alpha * (y[t] - z);
      p += alpha * (double(q) - p);
      q = 1;
    } else {
      ++q;
    }
  }
  f.sigma = errors ? rms(ss, errors) : kNaN;
  f.mean.assign(size_t(horizon), k * z / p);
  return f;
}

// =====================================================================================================
// Accuracy
// =====================================================================================================

Accuracy accuracy(std::span<const ErrorPoint> pts) {
  Accuracy a;
  double abs_err = 0, abs_y = 0, err = 0, ape = 0, sape = 0, scaled = 0;
  size_t covered = 0;
  for (const ErrorPoint& p : pts) {
    const double e = p.forecast - p.actual;
    ++a.points;
    abs_err += std::abs(e);
    abs_y += std::abs(p.actual);
    err += e;
    if (p.actual != 0) { ape += std::abs(e) / std::abs(p.actual); ++a.mape_points; }
    const double denom = std::abs(p.actual) + std::abs(p.forecast);
    sape += denom > 0 ? 2 * std::abs(e) / denom : 0.0;
    if (std::isfinite(p.scale) && p.scale > 0) { scaled += std::abs(e) / p.scale; ++a.mase_points; }
    if (std::isfinite(p.lo) && std::isfinite(p.hi)) {
      ++a.interval_points;
      covered += p.actual >= p.lo && p.actual <= p.hi;
    }
  }
  if (a.points) {
    a.smape = sape / double(a.points);
    if (abs_y > 0) { a.wape = abs_err / abs_y; a.bias = err / abs_y; }
  }
  if (a.mape_points) a.mape = ape / double(a.mape_points);
  if (a.mase_points) a.mase = scaled / double(a.mase_points);
  if (a.interval_points) a.coverage = double(covered) / double(a.interval_points);
  return a;
}

double normal_quantile(double p) {
  if (!(p > 0 && p < 1)) return kNaN;
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// =====================================================================================================
// The backtest
// =====================================================================================================

const std::vector<std::string>& backtest_model_names() {
  static const std::vector<std::string> names = {
      "naive",  "seasonal_naive", "moving_average", "holt_winters_additive", "holt_winters_multiplicative",
      "croston", "sba",           "pipeline",       "ridge"};
  return names;
}

namespace {

// Forecasts of one model for every (series, origin, horizon); NaN where it has none.
struct Grid {
  size_t S = 0, O = 0, H = 0;
  std::vector<double> mean, sd;  // sd: forecast standard deviation for the interval
  std::vector<std::string> why;  // per (series, origin): why there is no forecast
  void init(size_t s, size_t o, size_t h) {
    S = s; O = o; H = h;
    mean.assign(S * O * H, kNaN);
    sd.assign(S * O * H, kNaN);
    why.assign(S * O, {});
  }
  size_t at(size_t s, size_t o, size_t h) const { return (s * O + o) * H + h; }
};

struct Context {
  const History& h;
  const SeriesSet& set;
  const BacktestOptions& opt;
  size_t T, S, O, H;
  int m, min_train;
  int threads;  // 1 when the work is too small to pay for a parallel region (see run_backtest)
  const BacktestOptions* opt_override = nullptr;  // signal scoring refits with other factor weights
  const BacktestOptions& options() const { return opt_override ? *opt_override : opt; }
};

void univariate(const Context& c, Grid& g, const std::string& model) {
  const int window = c.opt.ma_window > 0 ? c.opt.ma_window : c.m;
#pragma omp parallel for schedule(dynamic) num_threads(c.threads)
  for (long si = 0; si < long(c.S); ++si) {
    const size_t s = size_t(si);
    const auto y = c.set.series(s);
    HoltWintersParams previous;
    bool warm = false;
    for (size_t oi = 0; oi < c.O; ++oi) {
      const auto train = y.first(size_t(c.min_train) + oi);
      const int H = int(c.H);
      PointForecast f;
      if (model == "naive") f = forecast_naive(train, H);
      else if (model == "seasonal_naive") f = forecast_seasonal_naive(train, c.m, H);
      else if (model == "moving_average") f = forecast_moving_average(train, window, H);
      else if (model == "holt_winters_additive" || model == "holt_winters_multiplicative") {
        // Refitted at every origin, warm-started from the previous origin's parameters.
        HoltWintersParams fitted;
        f = forecast_holt_winters(train, c.m, H, model == "holt_winters_multiplicative", std::nullopt, &fitted,
                                  warm ? &previous : nullptr);
        if (f.ok()) { previous = fitted; warm = true; }
      }
      else if (model == "croston") f = forecast_croston(train, H, c.opt.croston_alpha, false);
      else if (model == "sba") f = forecast_croston(train, H, c.opt.croston_alpha, true);
      if (!f.ok()) { g.why[s * c.O + oi] = f.why_not; continue; }
      for (size_t h = 0; h < c.H; ++h) {
        g.mean[g.at(s, oi, h)] = std::max(0.0, f.mean[h]);
        g.sd[g.at(s, oi, h)] = f.sigma * std::sqrt(double(h + 1));
      }
    }
  }
}

// Pipeline-weighted forecast: each deal open at the origin contributes value x P(won within the target
// period | still open at its age), with the probabilities from an Aalen-Johansen estimate (won and lost
// as competing outcomes, open deals censored) on deals created before the origin; plus deals not yet
// created, at the series' recent creation rate. docs/history.md#pipeline
void pipeline(const Context& c, Grid& g) {
  const auto& opps = c.h.opportunities;
  const auto& starts = c.set.starts;
  int32_t first_created = std::numeric_limits<int32_t>::max();
  for (const Opportunity& o : opps)
    if (o.created != kNoDate) first_created = std::min(first_created, o.created);
  if (first_created == std::numeric_limits<int32_t>::max()) {
    for (auto& w : g.why) w = "no opportunity has a created date";
    return;
  }
  const bool count_only = c.set.measure == Measure::kWonDeals;
  const size_t D = size_t(std::max<int64_t>(1, int64_t(starts.back()) - first_created + 1));
#pragma omp parallel for schedule(dynamic) num_threads(c.threads)
  for (long oi = 0; oi < long(c.O); ++oi) {
    const size_t o = size_t(c.min_train) + size_t(oi);
    const int32_t cut = starts[o];
    std::vector<double> won(D + 1), lost(D + 1), censored(D + 2);
    std::vector<double> product_sum(c.h.products.size()), product_n(c.h.products.size());
    std::vector<double> series_sum(c.S), series_n(c.S), created_recent(c.S);
    double n_at_risk = 0, value_sum = 0, value_sq = 0, value_n = 0;
    const int32_t recent_from = std::max(first_created, cut - 90);
    for (size_t i = 0; i < opps.size(); ++i) {
      const Opportunity& op = opps[i];
      if (op.created == kNoDate || op.created >= cut) continue;
      n_at_risk += 1;
      if (op.created >= recent_from && c.set.opp_series[i] != kNoId) created_recent[size_t(c.set.opp_series[i])] += 1;
      if (op.closed != kNoDate && op.closed < cut) {
        const size_t d = std::min(D, size_t(op.closed - op.created));
        (op.status == DealStatus::kWon ? won : lost)[d] += 1;
        if (op.status == DealStatus::kWon) {
          const double v = count_only ? 1.0 : op.value;
          value_sum += v; value_sq += v * v; value_n += 1;
          if (op.product != kNoId) { product_sum[size_t(op.product)] += v; product_n[size_t(op.product)] += 1; }
          if (c.set.opp_series[i] != kNoId) {
            series_sum[size_t(c.set.opp_series[i])] += v;
            series_n[size_t(c.set.opp_series[i])] += 1;
          }
        }
      } else {
        censored[std::min(D + 1, size_t(cut - op.created))] += 1;  // known open through age cut - created - 1
      }
    }
    if (value_n == 0) {
      for (size_t s = 0; s < c.S; ++s) g.why[s * c.O + size_t(oi)] = "no won deal before the origin";
      continue;
    }
    // Survival S[d] = P(open at age d) and cumulative incidence of a win CIF[d] = P(won before age d).
    std::vector<double> surv(D + 2), cif(D + 2), cif_prefix(D + 2);
    double at_risk = n_at_risk - censored[0], S_d = 1, F_d = 0;
    for (size_t d = 0; d <= D; ++d) {
      surv[d] = S_d;
      cif[d] = F_d;
      if (at_risk > 0) {
        F_d += S_d * won[d] / at_risk;
        S_d *= 1 - (won[d] + lost[d]) / at_risk;
      }
      at_risk -= won[d] + lost[d] + censored[d + 1];
    }
    surv[D + 1] = S_d;
    cif[D + 1] = F_d;
    for (size_t d = 1; d <= D + 1; ++d) cif_prefix[d] = cif_prefix[d - 1] + cif[d];  // sum of CIF[1..d]
    auto cif_at = [&](int64_t d) { return cif[size_t(std::clamp<int64_t>(d, 0, int64_t(D) + 1))]; };
    auto prefix_at = [&](int64_t d) { return cif_prefix[size_t(std::clamp<int64_t>(d, 0, int64_t(D) + 1))]; };
    const double mean_value = value_sum / value_n, mean_sq = value_sq / value_n;

    std::vector<double> mean(c.S * c.H), var(c.S * c.H);
    for (size_t i = 0; i < opps.size(); ++i) {
      const Opportunity& op = opps[i];
      const int32_t s = c.set.opp_series[i];
      if (s == kNoId || op.created == kNoDate || op.created >= cut) continue;
      if (op.closed != kNoDate && op.closed < cut) continue;
      const int64_t age = cut - op.created;
      const double alive = surv[size_t(std::min<int64_t>(age, int64_t(D) + 1))];
      if (alive <= 1e-12) continue;
      double v = mean_value;
      if (count_only) v = 1;
      else if (op.product != kNoId && product_n[size_t(op.product)] > 0)
        v = product_sum[size_t(op.product)] / product_n[size_t(op.product)];
      else if (op.product != kNoId && !std::isnan(c.h.products[size_t(op.product)].price))
        v = c.h.products[size_t(op.product)].price;
      for (size_t h = 0; h < c.H && o + h < c.T; ++h) {
        const int64_t lo = std::max<int64_t>(age, starts[o + h] - op.created), hi = starts[o + h + 1] - op.created;
        const double q = std::clamp((cif_at(hi) - cif_at(lo)) / alive, 0.0, 1.0);
        mean[size_t(s) * c.H + h] += v * q;
        var[size_t(s) * c.H + h] += v * v * q * (1 - q);
      }
    }
    const double days = double(cut - recent_from);
    for (size_t s = 0; s < c.S; ++s) {
      const double rate = days > 0 ? created_recent[s] / days : 0;  // deals created per day
      const double v = count_only ? 1 : series_n[s] > 0 ? series_sum[s] / series_n[s] : mean_value;
      const double v2 = count_only ? 1 : series_n[s] > 0 ? std::max(v * v, mean_sq) : mean_sq;
      for (size_t h = 0; h < c.H && o + h < c.T; ++h) {
        const double expected_wins = rate * (prefix_at(starts[o + h + 1] - cut) - prefix_at(starts[o + h] - cut));
        const size_t k = g.at(s, size_t(oi), h);
        g.mean[k] = mean[s * c.H + h] + v * expected_wins;
        g.sd[k] = std::sqrt(var[s * c.H + h] + v2 * expected_wins);
      }
    }
  }
}

// Signal regression: a ridge fit per series, origin and horizon (direct strategy) of y[r + h - 1] on
// what is known before period r: the last value, the value a season ago, the recent mean, the season's
// position, deals created and deals open (from the CRM itself), and every mapped signal series.
struct RidgeFeatures {
  std::vector<std::string> names;
  size_t p = 0;
  std::vector<double> x;  // [s][r][f]: features known before period r, for targets from r on
  double& at(size_t s, size_t r, size_t f, size_t T) { return x[(s * T + r) * p + f]; }
  double at(size_t s, size_t r, size_t f, size_t T) const { return x[(s * T + r) * p + f]; }
};

RidgeFeatures ridge_features(const Context& c, std::vector<std::string>& notes) {
  RidgeFeatures F;
  const size_t T = c.T, S = c.S, m = size_t(c.m);
  const auto& starts = c.set.starts;
  F.names = {"lag1", "recent_mean"};
  if (m >= 2) { F.names.push_back("lag_season"); F.names.push_back("season_cos"); }
  if (m >= 3) F.names.push_back("season_sin");
  F.names.push_back("created");
  F.names.push_back("open_pipeline");
  // Signals usable at this level: a total signal applies to every series, a signal keyed like the
  // level to its own series, a regional one to the series of that region.
  struct Use { size_t signal; };
  std::vector<Use> uses;
  for (size_t j = 0; j < c.h.signals.size(); ++j) {
    const SignalSeries& sig = c.h.signals[j];
    const bool ok = sig.level == KeyLevel::kTotal ||
                    (sig.level == KeyLevel::kRegion && (c.set.level == Level::kRegion || c.set.level == Level::kRep)) ||
                    (sig.level == KeyLevel::kRep && c.set.level == Level::kRep) ||
                    (sig.level == KeyLevel::kAccount && c.set.level == Level::kAccount) ||
                    (sig.level == KeyLevel::kProduct && c.set.level == Level::kProduct);
    if (!ok) {
      notes.push_back(fmt::format("ridge: signal '{}' is keyed by {} and is not used at level {}", sig.name,
                                  key_level_name(sig.level), level_name(c.set.level)));
      continue;
    }
    uses.push_back({j});
    F.names.push_back("signal:" + sig.name);
  }
  F.p = F.names.size();
  F.x.assign(S * T * F.p, 0.0);
  auto period_of = [&](int32_t day) -> int64_t {  // -1 before the axis, T after it
    if (day < starts.front()) return -1;
    if (day >= starts.back()) return int64_t(T);
    return int64_t(std::upper_bound(starts.begin(), starts.end(), day) - starts.begin()) - 1;
  };
  // CRM features per series: deals created in period r - 1, deals open at the start of r.
  std::vector<double> created(S * T), open(S * (T + 1));
  for (size_t i = 0; i < c.h.opportunities.size(); ++i) {
    const Opportunity& op = c.h.opportunities[i];
    const int32_t s = c.set.opp_series[i];
    if (s == kNoId || op.created == kNoDate) continue;
    const int64_t pc = period_of(op.created);
    if (pc >= 0 && pc < int64_t(T)) created[size_t(s) * T + size_t(pc)] += 1;
    // Open at starts[r] when created < starts[r] <= closed (or never closed).
    const int64_t r0 = pc + 1, r1 = op.closed == kNoDate ? int64_t(T) + 1 : period_of(op.closed) + 1;
    for (int64_t r = std::max<int64_t>(0, r0); r < std::min<int64_t>(r1, int64_t(T) + 1); ++r)
      open[size_t(s) * (T + 1) + size_t(r)] += 1;
  }
  for (size_t s = 0; s < S; ++s) {
    const auto y = c.set.series(s);
    for (size_t r = 1; r < T; ++r) {
      size_t f = 0;
      F.at(s, r, f++, T) = y[r - 1];
      const size_t k = std::min(r, std::max<size_t>(m, 1));
      F.at(s, r, f++, T) = std::accumulate(y.begin() + long(r - k), y.begin() + long(r), 0.0) / double(k);
      if (m >= 2) {
        F.at(s, r, f++, T) = r >= m ? y[r - m] : y[r - 1];
        F.at(s, r, f++, T) = std::cos(2 * std::numbers::pi * double(r % m) / double(m));
      }
      if (m >= 3) F.at(s, r, f++, T) = std::sin(2 * std::numbers::pi * double(r % m) / double(m));
      F.at(s, r, f++, T) = created[s * T + r - 1];
      F.at(s, r, f++, T) = open[s * (T + 1) + r];
    }
  }
  // Signals: the aggregate of the points dated in period r - 1 that were available before period r;
  // a period without any carries the last value forward (timeliness counts: late points are unseen).
  const size_t base = F.p - uses.size();
  for (size_t u = 0; u < uses.size(); ++u) {
    const SignalSeries& sig = c.h.signals[uses[u].signal];
    std::vector<double> sum(S * T), cnt(S * T), last(S * T, kNaN);
    std::vector<int32_t> last_day(S * T, kNoDate);
    for (const SignalPoint& pt : sig.points) {
      const int64_t pd = period_of(pt.date);
      if (pd < 0 || pd >= int64_t(T) - 1) continue;
      if (pt.available >= starts[size_t(pd) + 1]) continue;  // not known by the end of its period
      for (size_t s = 0; s < S; ++s) {
        bool match = sig.level == KeyLevel::kTotal;
        if (!match && sig.level == KeyLevel::kRegion)
          match = c.set.key_region[s] == pt.key;
        else if (!match) {
          const std::string& key = sig.level == KeyLevel::kRep       ? c.h.reps[size_t(pt.key)].name
                                   : sig.level == KeyLevel::kAccount ? c.h.accounts[size_t(pt.key)].name
                                                                     : c.h.products[size_t(pt.key)].name;
          match = c.set.keys[s] == key;
        }
        if (!match) continue;
        const size_t k = s * T + size_t(pd);
        sum[k] += pt.value;
        cnt[k] += 1;
        if (last_day[k] == kNoDate || pt.date >= last_day[k]) { last[k] = pt.value; last_day[k] = pt.date; }
      }
    }
    for (size_t s = 0; s < S; ++s) {
      double carry = 0;
      for (size_t r = 1; r < T; ++r) {
        const size_t k = s * T + r - 1;
        if (cnt[k] > 0)
          carry = sig.aggregate == "sum" ? sum[k] : sig.aggregate == "mean" ? sum[k] / cnt[k] : last[k];
        else if (sig.aggregate == "sum")
          carry = 0;  // a sum over no points is zero
        F.at(s, r, base + u, T) = carry;
      }
    }
  }
  return F;
}

void ridge(const Context& c, Grid& g, const RidgeFeatures& F) {
  const size_t T = c.T, p = F.p;
  const size_t first_row = size_t(std::max(c.m, 1));
  // Factor weights per series: its region's, else the defaults, else 1.
  std::vector<double> weights(c.S * p, 1.0);
  for (size_t s = 0; s < c.S; ++s)
    for (size_t f = 0; f < p; ++f) {
      double w = 1.0;
      const auto& rw = c.options().ridge_weights;
      if (auto d = rw.find("default"); d != rw.end())
        if (auto x = d->second.find(F.names[f]); x != d->second.end()) w = x->second;
      if (c.set.key_region[s] != kNoId)
        if (auto r = rw.find(c.h.regions[size_t(c.set.key_region[s])]); r != rw.end())
          if (auto x = r->second.find(F.names[f]); x != r->second.end()) w = x->second;
      weights[s * p + f] = w;
    }
  const double lambda = c.opt.ridge_lambda;
#pragma omp parallel for schedule(dynamic) num_threads(c.threads)
  for (long si = 0; si < long(c.S); ++si) {
    const size_t s = size_t(si);
    const auto y = c.set.series(s);
    const Eigen::Index P = Eigen::Index(p);
    // Running sums over the training rows, shifted by the first row to keep cancellation small. Each
    // origin adds one row, so a refit costs O(p^2) plus a p x p solve instead of O(rows x p^2).
    Eigen::VectorXd sx(P), sxy(P), kx(P), x(P), mu(P), scale(P), b(P), x0(P);
    Eigen::MatrixXd sxx(P, P), A(P, P);
    for (size_t h = 0; h < c.H; ++h) {
      sx.setZero(); sxy.setZero(); sxx.setZero();
      double sy = 0, syy = 0, ky = 0;
      size_t next = first_row, n = 0;
      for (size_t oi = 0; oi < c.O; ++oi) {
        const size_t o = size_t(c.min_train) + oi;
        if (o + h >= T) break;
        // Training rows r: targets y[r + h] known before the origin (r + h < o).
        for (; next + h < o; ++next, ++n) {
          for (size_t f = 0; f < p; ++f) x(Eigen::Index(f)) = F.at(s, next, f, T);
          if (n == 0) { kx = x; ky = y[next + h]; }
          x -= kx;
          const double yr = y[next + h] - ky;
          sx += x; sxx.noalias() += x * x.transpose(); sxy += yr * x;
          sy += yr; syy += yr * yr;
        }
        if (n < 3) {  // longer horizons have fewer rows: the metrics' point counts show it
          if (h == 0) g.why[s * c.O + oi] = "needs at least 3 training rows";
          continue;
        }
        const double dn = double(n), ybar = sy / dn;
        mu = sx / dn;
        for (Eigen::Index f = 0; f < P; ++f) {
          const double var = sxx(f, f) / dn - mu(f) * mu(f);
          const double w = weights[s * p + size_t(f)];
          scale(f) = var > 1e-12 * (1 + std::abs(kx(f)) * std::abs(kx(f))) && w > 0 ? w / std::sqrt(var) : 0.0;
        }
        // Standardised (and factor-weighted) normal equations: (Z'Z + lambda n I) beta = Z'y.
        A = (sxx - dn * mu * mu.transpose()).cwiseProduct(scale * scale.transpose());
        A.diagonal().array() += lambda * dn;
        b = (sxy - dn * ybar * mu).cwiseProduct(scale);
        const Eigen::VectorXd beta = A.ldlt().solve(b);
        const double syy_c = syy - dn * ybar * ybar;
        const double sse = std::max(0.0, syy_c - 2 * beta.dot(b) + beta.dot((A * beta) - lambda * dn * beta));
        for (size_t f = 0; f < p; ++f) x0(Eigen::Index(f)) = F.at(s, o, f, T) - kx(Eigen::Index(f)) - mu(Eigen::Index(f));
        const double fc = ky + ybar + beta.dot(x0.cwiseProduct(scale));
        g.mean[g.at(s, oi, h)] = std::max(0.0, fc);
        g.sd[g.at(s, oi, h)] = std::sqrt(sse / double(std::max<size_t>(1, n - 1)));
      }
    }
  }
}

// WAPE of one period ahead over every series and origin of a grid.
double wape_one_ahead(const Context& c, const Grid& g) {
  double abs_err = 0, abs_y = 0;
  for (size_t s = 0; s < c.S; ++s) {
    const auto y = c.set.series(s);
    for (size_t oi = 0; oi < c.O; ++oi) {
      const double f = g.mean[g.at(s, oi, 0)];
      if (std::isnan(f)) continue;
      const double a = y[size_t(c.min_train) + oi];
      abs_err += std::abs(f - a);
      abs_y += std::abs(a);
    }
  }
  return abs_y > 0 ? abs_err / abs_y : kNaN;
}

// Signal scores by ablation: the ridge regression with and without each signal-like feature.
std::vector<SignalScore> score_signals(const Context& c, const RidgeFeatures& F, const Grid& with_all) {
  std::vector<SignalScore> out;
  const double wape_all = wape_one_ahead(c, with_all);
  const double period_days = double(c.set.starts.back() - c.set.starts.front()) / double(c.T);
  for (const std::string& feature : F.names) {
    const bool external = feature.rfind("signal:", 0) == 0;
    if (!external && feature != "created" && feature != "open_pipeline") continue;
    SignalScore sc;
    sc.signal = feature;
    BacktestOptions opt = c.opt;
    opt.ridge_weights["default"][feature] = 0.0;
    for (auto& [region, w] : opt.ridge_weights) w[feature] = 0.0;
    Context without = c;
    without.opt_override = &opt;
    Grid g;
    g.init(c.S, c.O, c.H);
    ridge(without, g, F);
    sc.wape_with = wape_all;
    sc.wape_without = wape_one_ahead(c, g);
    sc.relevance = std::isfinite(sc.wape_with) && std::isfinite(sc.wape_without) && sc.wape_without > 0
                       ? std::clamp((sc.wape_without - sc.wape_with) / sc.wape_without, 0.0, 1.0)
                       : 0.0;
    sc.coverage = 1;
    sc.timeliness = 1;
    if (external) {
      const std::string name = feature.substr(7);
      const SignalSeries* sig = nullptr;
      for (const auto& x : c.h.signals)
        if (x.name == name) sig = &x;
      if (sig) {
        // Coverage: share of (series, period) cells with a point; timeliness: 1 / (1 + median latency
        // in periods), latency being the days from a value's date to when it became known.
        std::vector<char> cell(c.S * c.T);
        std::vector<int32_t> latency;
        for (const SignalPoint& pt : sig->points) {
          latency.push_back(pt.available - pt.date);
          if (pt.date < c.set.starts.front() || pt.date >= c.set.starts.back()) continue;
          const size_t t = size_t(std::upper_bound(c.set.starts.begin(), c.set.starts.end(), pt.date) -
                                  c.set.starts.begin()) - 1;
          for (size_t s = 0; s < c.S; ++s) {
            bool match = sig->level == KeyLevel::kTotal || (sig->level == KeyLevel::kRegion && c.set.key_region[s] == pt.key);
            if (!match && sig->level == KeyLevel::kRep) match = c.set.keys[s] == c.h.reps[size_t(pt.key)].name;
            if (!match && sig->level == KeyLevel::kAccount) match = c.set.keys[s] == c.h.accounts[size_t(pt.key)].name;
            if (!match && sig->level == KeyLevel::kProduct) match = c.set.keys[s] == c.h.products[size_t(pt.key)].name;
            if (match) cell[s * c.T + t] = 1;
          }
        }
        sc.coverage = double(std::count(cell.begin(), cell.end(), 1)) / double(cell.size());
        if (!latency.empty()) {
          std::nth_element(latency.begin(), latency.begin() + long(latency.size() / 2), latency.end());
          sc.median_latency_days = std::max(0, latency[latency.size() / 2]);
        }
        sc.timeliness = 1.0 / (1.0 + sc.median_latency_days / period_days);
      }
    }
    sc.score = 10 * sc.coverage * sc.timeliness * sc.relevance;
    out.push_back(sc);
  }
  return out;
}

}  // namespace

BacktestResult run_backtest(const History& h, const SeriesSet& set, const BacktestOptions& opt) {
  BacktestResult res;
  const auto& all = backtest_model_names();
  res.models = opt.models.empty() ? all : opt.models;
  for (const auto& name : res.models)
    if (std::find(all.begin(), all.end(), name) == all.end())
      throw std::invalid_argument(fmt::format("unknown model '{}' (models: {})", name, fmt::join(all, ", ")));
  if (opt.horizon < 1) throw std::invalid_argument("the horizon must be at least 1 period");
  if (!(opt.interval > 0 && opt.interval < 1)) throw std::invalid_argument("the interval must be between 0 and 1");
  if (opt.croston_alpha <= 0 || opt.croston_alpha > 1) throw std::invalid_argument("croston alpha must be in (0, 1]");
  if (opt.ridge_lambda < 0) throw std::invalid_argument("the ridge penalty must be >= 0");
  const size_t T = set.periods();
  const int m = opt.season > 0 ? opt.season : default_season(set.period);
  const int min_train = opt.min_train > 0 ? opt.min_train : std::max(2 * m, int(T / 2));
  if (size_t(min_train) >= T)
    throw std::invalid_argument(fmt::format(
        "the history has {} complete {}s of {}; a backtest needs more than the {} used to train before the first "
        "origin (set --min-train lower or use a shorter --period)",
        T, period_name(set.period), measure_name(set.measure), min_train));
  if (set.count() == 0) throw std::invalid_argument("no series at this level has any event of the measure");
  // Threads only for work worth it: on a busy machine every parallel region waits for its slowest
  // thread to be scheduled, which costs more than a small backtest (measured in docs/performance-history.md).
  const double work = double(set.count()) * double(T - size_t(min_train)) * double(T);
  const int threads = work < 2e5 ? 1 : opt.threads > 0 ? opt.threads : omp_get_max_threads();
  Context c{h, set, opt, T, set.count(), T - size_t(min_train), size_t(opt.horizon), m, min_train, threads};
  res.season = m;
  res.min_train = min_train;
  res.horizon = opt.horizon;
  res.origins = int(c.O);
  res.interval = opt.interval;
  const double z = normal_quantile(0.5 + opt.interval / 2);

  // MASE scale per (series, origin): mean |y_t - y_{t-m}| over the training data (lag 1 if too short).
  std::vector<double> scale(c.S * c.O, kNaN);
  for (size_t s = 0; s < c.S; ++s) {
    const auto y = set.series(s);
    for (size_t oi = 0; oi < c.O; ++oi) {
      const size_t n = size_t(min_train) + oi, lag = n > size_t(m) ? size_t(m) : 1;
      double sum = 0;
      for (size_t t = lag; t < n; ++t) sum += std::abs(y[t] - y[t - lag]);
      scale[s * c.O + oi] = n > lag ? sum / double(n - lag) : kNaN;
    }
  }

  std::optional<RidgeFeatures> features;
  for (size_t mi = 0; mi < res.models.size(); ++mi) {
    const std::string& model = res.models[mi];
    Grid g;
    g.init(c.S, c.O, c.H);
    if (model == "pipeline" && set.measure == Measure::kOrderValue) {
      for (auto& w : g.why) w = "forecasts won deals, not order value";
    } else if (model == "pipeline") pipeline(c, g);
    else if (model == "ridge") {
      if (!features) {
        features = ridge_features(c, res.notes);
        res.features = features->names;
      }
      ridge(c, g, *features);
      res.signals = score_signals(c, *features, g);
    } else univariate(c, g, model);

    std::map<std::string, size_t> reasons;
    for (const auto& w : g.why)
      if (!w.empty()) ++reasons[w];
    for (const auto& [w, n] : reasons)
      res.notes.push_back(fmt::format("{}: no forecast at {} of {} series x origins: {}", model, n, c.S * c.O, w));

    std::vector<std::vector<ErrorPoint>> per_h(c.H);
    std::vector<std::vector<char>> series_seen(c.H, std::vector<char>(c.S));
    for (size_t s = 0; s < c.S; ++s) {
      const auto y = set.series(s);
      for (size_t oi = 0; oi < c.O; ++oi)
        for (size_t hh = 0; hh < c.H; ++hh) {
          const size_t t = size_t(min_train) + oi + hh;
          const double f = g.mean[g.at(s, oi, hh)];
          if (t >= T || std::isnan(f)) continue;
          const double sd = g.sd[g.at(s, oi, hh)];
          ForecastRecord r;
          r.model = uint16_t(mi);
          r.horizon = uint16_t(hh + 1);
          r.series = uint32_t(s);
          r.origin = uint32_t(min_train + int(oi));
          r.actual = y[t];
          r.forecast = f;
          r.lo = std::isfinite(sd) ? std::max(0.0, f - z * sd) : kNaN;
          r.hi = std::isfinite(sd) ? f + z * sd : kNaN;
          r.scale = scale[s * c.O + oi];
          res.forecasts.push_back(r);
          per_h[hh].push_back({r.actual, r.forecast, r.lo, r.hi, r.scale});
          series_seen[hh][s] = 1;
        }
    }
    for (size_t hh = 0; hh < c.H; ++hh) {
      MetricRow row;
      row.model = model;
      row.horizon = int(hh + 1);
      row.series = size_t(std::count(series_seen[hh].begin(), series_seen[hh].end(), 1));
      row.acc = accuracy(per_h[hh]);
      res.metrics.push_back(std::move(row));
    }
  }
  return res;
}

namespace {
std::string num(double x) { return std::isfinite(x) ? fmt::format("{:.6g}", x) : std::string(); }
}  // namespace

std::string metrics_csv(const BacktestResult& r, const SeriesSet& set) {
  std::string out = "model,level,period,measure,horizon,series,points,mape,mape_points,wape,smape,mase,bias,coverage,interval\n";
  for (const MetricRow& m : r.metrics)
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", m.model, level_name(set.level),
                       period_name(set.period), measure_name(set.measure), m.horizon, m.series, m.acc.points,
                       num(m.acc.mape), m.acc.mape_points, num(m.acc.wape), num(m.acc.smape), num(m.acc.mase),
                       num(m.acc.bias), num(m.acc.coverage), num(r.interval));
  return out;
}

std::string signals_csv(const BacktestResult& r, const SeriesSet& set) {
  std::string out = "signal,level,period,coverage,timeliness,relevance,score,median_latency_days,wape_with,wape_without\n";
  for (const SignalScore& s : r.signals)
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", csv_quote(s.signal), level_name(set.level),
                       period_name(set.period), num(s.coverage), num(s.timeliness), num(s.relevance), num(s.score),
                       num(s.median_latency_days), num(s.wape_with), num(s.wape_without));
  return out;
}

std::string forecasts_csv(const BacktestResult& r, const SeriesSet& set) {
  std::string out = "model,level,key,origin,horizon,period,actual,forecast,lo,hi\n";
  out.reserve(r.forecasts.size() * 80);
  for (const ForecastRecord& f : r.forecasts)
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", r.models[f.model], level_name(set.level),
                       csv_quote(set.keys[f.series]), set.label(f.origin), f.horizon,
                       set.label(f.origin + f.horizon - 1), num(f.actual), num(f.forecast), num(f.lo), num(f.hi));
  return out;
}

}  // namespace salesim::models
