// Forecast policies: seasonal naive, exponential smoothing (Holt-Winters), rep-submitted judgement.
// docs/model.md#forecast
#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/models.hpp"

namespace salesim::models {

double exponential_smoothing_forecast(std::span<const double> h, int season, double alpha, double beta,
                                      double gamma) {
  const size_t n = h.size();
  const size_t m = size_t(std::max(1, season));
  const bool seasonal = m > 1 && n >= 2 * m && gamma > 0;
  if (!seasonal) {
    // Holt's linear method (simple exponential smoothing when beta = 0).
    double level = h[0], trend = 0;
    for (size_t t = 1; t < n; ++t) {
      const double prev = level;
      level = alpha * h[t] + (1 - alpha) * (level + trend);
      trend = beta * (level - prev) + (1 - beta) * trend;
    }
    return std::max(0.0, level + trend);
  }
  // Additive Holt-Winters initialised on the first two seasons.
  const double mean1 = std::accumulate(h.begin(), h.begin() + long(m), 0.0) / double(m);
  const double mean2 = std::accumulate(h.begin() + long(m), h.begin() + long(2 * m), 0.0) / double(m);
  double level = mean1, trend = (mean2 - mean1) / double(m);
  std::vector<double> s(m);
  for (size_t i = 0; i < m; ++i) s[i] = h[i] - mean1;
  for (size_t t = m; t < n; ++t) {
    const double prev = level;
    const double& season_t = s[t % m];
    level = alpha * (h[t] - season_t) + (1 - alpha) * (level + trend);
    trend = beta * (level - prev) + (1 - beta) * trend;
    s[t % m] = gamma * (h[t] - level) + (1 - gamma) * season_t;
  }
  return std::max(0.0, level + trend + s[n % m]);
}

namespace {

// The value one season ago; the last value while less than a season of history exists.
class SeasonalNaive final : public ForecastModel {
 public:
  double forecast(std::span<const double> h, int season, Rng&) const override {
    const size_t m = size_t(std::max(1, season));
    return h.size() >= m ? h[h.size() - m] : h.back();
  }
};

class ExponentialSmoothing final : public ForecastModel {
 public:
  explicit ExponentialSmoothing(const Scenario& sc)
      : alpha_(sc.forecast.params["alpha"]), beta_(sc.forecast.params["beta"]), gamma_(sc.forecast.params["gamma"]) {}
  double forecast(std::span<const double> h, int season, Rng&) const override {
    return exponential_smoothing_forecast(h, season, alpha_, beta_, gamma_);
  }

 private:
  double alpha_, beta_, gamma_;
};

// What reps submit: their recent average, made optimistic and noisy by judgement
// (domain.md section 3: rep-submitted forecasts are off by about 38%).
class RepSubmitted final : public ForecastModel {
 public:
  explicit RepSubmitted(const Scenario& sc)
      : bias_(sc.forecast.params["optimism_bias"]), noise_(sc.forecast.params["noise"]) {}
  double forecast(std::span<const double> h, int, Rng& rng) const override {
    const size_t k = std::min<size_t>(4, h.size());
    const double anchor = std::accumulate(h.end() - long(k), h.end(), 0.0) / double(k);
    return anchor * (1.0 + bias_) * rng.lognormal_mean(1.0, noise_);
  }

 private:
  double bias_, noise_;
};

}  // namespace

std::unique_ptr<ForecastModel> make_seasonal_naive(const Scenario&) { return std::make_unique<SeasonalNaive>(); }
std::unique_ptr<ForecastModel> make_exponential_smoothing(const Scenario& sc) {
  return std::make_unique<ExponentialSmoothing>(sc);
}
std::unique_ptr<ForecastModel> make_rep_submitted(const Scenario& sc) { return std::make_unique<RepSubmitted>(sc); }

}  // namespace salesim::models
