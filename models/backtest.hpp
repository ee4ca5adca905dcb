// Forecast backtests on imported history (docs/history.md#backtest): series per level and period are
// built from the history, and every model is refitted at each rolling origin on data before that origin
// only, then scored on what happened after it (MAPE, WAPE, sMAPE, MASE, bias, interval coverage).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/history.hpp"

namespace salesim::models {

enum class Level : uint8_t { kTotal, kRegion, kManager, kRep, kProduct, kSeries, kAccount, kSector };
enum class Period : uint8_t { kDay, kWeek, kMonth, kQuarter };
enum class Measure : uint8_t { kWonValue, kWonDeals, kOrderValue };

std::optional<Level> parse_level(std::string_view s);
std::optional<Period> parse_period(std::string_view s);
std::optional<Measure> parse_measure(std::string_view s);
std::string_view level_name(Level l);
std::string_view period_name(Period p);
std::string_view measure_name(Measure m);

// Calendar periods over day serials: weeks start on Monday; months and quarters are calendar ones.
int32_t period_start(Period p, int32_t day);
int32_t period_after(Period p, int32_t start);  // first day of the next period
// Default season length in periods: a week of days, a quarter of weeks (13) or of months (3), a year of quarters.
int default_season(Period p);

// Time series of one measure at one level: one series per key (region, rep, ...), all on one axis of
// complete periods between the first and last date of the measure in the history.
struct SeriesSet {
  Level level = Level::kTotal;
  Period period = Period::kMonth;
  Measure measure = Measure::kWonValue;
  std::vector<int32_t> starts;      // T + 1 boundaries; period t covers days [starts[t], starts[t + 1])
  std::vector<std::string> keys;    // one name per series
  std::vector<int32_t> key_region;  // the region of each series when the level has one, else kNoId
  std::vector<double> values;       // [s * T + t]
  std::vector<int32_t> opp_series;  // per opportunity: its series, kNoId without a key at this level
  size_t without_key = 0;           // events of the measure that have no key at this level (left out)
  size_t outside = 0;               // events in incomplete periods at either end (left out)

  size_t periods() const { return starts.empty() ? 0 : starts.size() - 1; }
  size_t count() const { return keys.size(); }
  std::span<const double> series(size_t s) const { return {values.data() + s * periods(), periods()}; }
  std::string label(size_t t) const;  // 2017-03-06, 2017-W10, 2017-03 or 2017-Q1
};

// Throws std::invalid_argument when the history cannot give the measure (no values, no orders) or
// has no complete period of it.
SeriesSet build_series(const History& h, Level level, Period period, Measure measure);

// ---- single-series methods (exposed for tests) ------------------------------------------------------

// H point forecasts after the end of `y` (oldest first) and the standard deviation of the method's
// one-step in-sample errors (for prediction intervals). `why_not` says why a method cannot forecast.
struct PointForecast {
  std::vector<double> mean;
  double sigma = std::numeric_limits<double>::quiet_NaN();
  std::string why_not;
  bool ok() const { return why_not.empty(); }
};

struct HoltWintersParams { double alpha = 0.3, beta = 0.1, gamma = 0.1; };

PointForecast forecast_naive(std::span<const double> y, int horizon);
PointForecast forecast_seasonal_naive(std::span<const double> y, int season, int horizon);
PointForecast forecast_moving_average(std::span<const double> y, int window, int horizon);
// Holt-Winters, additive or multiplicative seasonality, initialised on the first two seasons. With
// `fixed` the smoothing parameters are used as given; otherwise they are fitted by minimising the
// one-step in-sample squared error (a grid, or local search from `start` when given, then
// coordinate refinement) and returned in `fitted`.
PointForecast forecast_holt_winters(std::span<const double> y, int season, int horizon, bool multiplicative,
                                    std::optional<HoltWintersParams> fixed = std::nullopt,
                                    HoltWintersParams* fitted = nullptr, const HoltWintersParams* start = nullptr);
// Croston's method for intermittent demand; `sba` applies the Syntetos-Boylan correction (1 - alpha/2).
PointForecast forecast_croston(std::span<const double> y, int horizon, double alpha, bool sba);

// ---- accuracy ----------------------------------------------------------------------------------------

// One forecast point: what happened, what was forecast, the interval, and the MASE scale (the mean
// absolute seasonal-naive error in the training data; NaN or 0 leaves the point out of MASE).
struct ErrorPoint { double actual = 0, forecast = 0, lo = 0, hi = 0, scale = 0; };

struct Accuracy {
  size_t points = 0, mape_points = 0, mase_points = 0, interval_points = 0;
  double mape = NAN, wape = NAN, smape = NAN, mase = NAN, bias = NAN, coverage = NAN;
};
// docs/history.md#metrics: MAPE over points with a non-zero actual; WAPE = sum|e| / sum|y|;
// sMAPE = mean 2|e| / (|y| + |f|) (0 when both are 0); MASE = mean |e| / scale; bias = sum(f - y) / sum|y|;
// coverage = share of actuals inside [lo, hi].
Accuracy accuracy(std::span<const ErrorPoint> points);

// Inverse of the standard normal distribution function.
double normal_quantile(double p);

// ---- the backtest ------------------------------------------------------------------------------------

struct BacktestOptions {
  std::vector<std::string> models;  // empty: every model
  int horizon = 3;                  // periods ahead, 1..horizon
  int season = 0;                   // 0: default_season(period)
  int min_train = 0;                // periods before the first origin; 0: max(2 x season, half the periods)
  int ma_window = 0;                // moving average window; 0: the season
  double interval = 0.8;            // nominal coverage of the prediction intervals
  double croston_alpha = 0.1;
  double ridge_lambda = 1.0;        // penalty on standardised features
  // Factor weights per region for the signal regression: {"default": {feature: w}, "<region>": {...}}.
  // A standardised feature is multiplied by its weight before the fit (0 removes it).
  std::map<std::string, std::map<std::string, double>> ridge_weights;
  int threads = 0;                  // OpenMP threads; 0: all
};

struct ForecastRecord {
  uint16_t model = 0, horizon = 1;
  uint32_t series = 0, origin = 0;  // origin: the first period forecast (data before it was used)
  double actual = 0, forecast = 0, lo = 0, hi = 0, scale = 0;
};

struct MetricRow {
  std::string model;
  int horizon = 1;
  size_t series = 0;
  Accuracy acc;
};

// A signal's value as in domain.md section 2: coverage x timeliness x relevance, each in [0, 1], and
// score = 10 x their product (docs/history.md#signal-scores). Relevance is the share of the signal
// regression's one-period-ahead error (WAPE) that disappears when the signal is added to the others.
struct SignalScore {
  std::string signal;  // "signal:<name>" for mapped series; "created" and "open_pipeline" come from the CRM
  double coverage = 0, timeliness = 0, relevance = 0, score = 0;
  double wape_with = NAN, wape_without = NAN, median_latency_days = 0;
};

struct BacktestResult {
  std::vector<std::string> models;
  std::vector<ForecastRecord> forecasts;  // by model, series, origin, horizon; only points with a forecast
  std::vector<MetricRow> metrics;         // by model, horizon
  int season = 0, min_train = 0, horizon = 0, origins = 0;
  double interval = 0.8;
  std::vector<std::string> notes;         // what a model could not forecast, and why
  std::vector<std::string> features;      // the signal regression's features
  std::vector<SignalScore> signals;       // when the ridge model ran
};

const std::vector<std::string>& backtest_model_names();
// Throws std::invalid_argument for an unknown model or a series too short for the options.
BacktestResult run_backtest(const History& h, const SeriesSet& set, const BacktestOptions& opt);

std::string metrics_csv(const BacktestResult& r, const SeriesSet& set);
std::string forecasts_csv(const BacktestResult& r, const SeriesSet& set);
std::string signals_csv(const BacktestResult& r, const SeriesSet& set);

}  // namespace salesim::models
