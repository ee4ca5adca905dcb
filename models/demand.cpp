// Demand: seasonal Poisson ordering by repeat customers. docs/model.md#demand
#include <algorithm>
#include <array>
#include <cmath>

#include "models/models.hpp"

namespace salesim::models {
namespace {

class SeasonalPoisson final : public DemandModel {
 public:
  explicit SeasonalPoisson(const Scenario& sc) {
    const auto& p = sc.demand.params;
    orders_per_day_ = p["orders_per_day"];
    lines_ = p["lines_per_order"];
    qty_ = p["qty_per_line"];
    amplitude_ = p["annual_amplitude"];
    peak_doy_ = p["peak_day_of_year"];
    discount_ = p["discount"];
    weather_effect_ = p["weather_effect"];
    promo_effect_ = p["promo_effect"];
    exp_lines_ = std::exp(-(lines_ - 1.0));
    exp_qty_ = std::exp(-(qty_ - 1.0));
    double total = 0;
    for (size_t i = 0; i < 7; ++i) total += (weekday_[i] = p["weekday_profile"][i].get<double>());
    for (double& x : weekday_) x = total > 0 ? x * 7.0 / total : 1.0;
    for (const auto& r : sc.regions) region_mult_.push_back(r.demand_multiplier);
    start_doy_ = int(sc.clock.start().serial() - Date{sc.clock.start().year, 1, 1}.serial()) + 1;
  }

  void daily_rates(const World& w, const Clock& clock, const Signals& sig, int day, std::span<double> rate,
                   std::span<double> promo_loss) const override {
    const double doy = double((start_doy_ - 1 + day) % 365) + 1;
    const double season = 1.0 + amplitude_ * std::cos(6.283185307179586 * (doy - peak_doy_) / 365.25);
    const double base = orders_per_day_ * weekday_[size_t(clock.weekday_of_day(day))] * season *
                        clock.holiday_multiplier(day);
    for (RegionId g = 0; g < w.n_regions; ++g) {
      rate[g] = std::max(0.0, base * region_mult_[g] * (1.0 + weather_effect_ * sig.weather_at(day, g)));
      promo_loss[g] = promo_effect_ * sig.promo_at(day, g);
    }
  }

  void basket(const World& w, AccountId, Rng& rng, std::vector<OrderLine>& out) const override {
    const uint32_t lines = 1 + rng.poisson(lines_ - 1.0, exp_lines_);
    const double* cum = w.sku_cum_popularity.data();
    const size_t n = w.n_skus;
    for (uint32_t i = 0; i < lines; ++i) {
      size_t k = size_t(std::upper_bound(cum, cum + n, rng.uniform()) - cum);
      if (k >= n) k = n - 1;
      out.push_back({SkuId(k), 1 + rng.poisson(qty_ - 1.0, exp_qty_)});
    }
  }

  double expected_units_per_order(const World& w, SkuId k) const override {
    const double share = w.sku_cum_popularity[k] - (k ? w.sku_cum_popularity[k - 1] : 0.0);
    return lines_ * share * qty_;
  }
  double discount() const override { return discount_; }

 private:
  double orders_per_day_, lines_, qty_, amplitude_, discount_, weather_effect_, promo_effect_, exp_lines_, exp_qty_;
  int peak_doy_, start_doy_;
  std::array<double, 7> weekday_{};
  std::vector<double> region_mult_;
};

}  // namespace

std::unique_ptr<DemandModel> make_seasonal_poisson(const Scenario& sc) { return std::make_unique<SeasonalPoisson>(sc); }

}  // namespace salesim::models
