// Demand: seasonal Poisson ordering by repeat customers. docs/model.md#demand
#include <algorithm>
#include <array>
#include <cmath>

#include "models/models.hpp"
#include "models/sku_picker.hpp"

namespace salesim::models {
namespace {

// Rng::poisson(mean, exp(-mean)) by a table of its running sums: the same recurrence in the same
// order, so every draw is bit-for-bit the one Rng::poisson gives, without a division per step.
class PoissonTable {
 public:
  PoissonTable() = default;
  PoissonTable(double mean, double exp_neg_mean) : mean_(mean) {
    if (mean <= 0 || mean > 30) return;  // Rng::poisson's other branches
    double p = exp_neg_mean, s = p;
    cdf_[0] = s;
    for (uint32_t k = 1; k < cdf_.size(); ++k) { p *= mean / k; s += p; cdf_[k] = s; }
    for (size_t j = 0; j < guide_.size(); ++j) {
      uint32_t k = 0;
      while (double(j) / kGuide > cdf_[k] && k < 200) ++k;
      guide_[j] = uint8_t(k);
    }
    tabled_ = true;
  }
  uint32_t draw(Rng& rng) const {
    if (!tabled_) return rng.poisson(mean_);
    const double u = rng.uniform();
    // The first k with cdf[k] >= u (or 200), started from a guide table (Chen and Asau 1974): the
    // answer is at least guide[j] for u >= j / kGuide, and the walk from there is rarely a step, where
    // a walk from 0 ended at a different place every draw and mispredicted about once per draw.
    uint32_t k = guide_[size_t(u * kGuide)];
    while (u > cdf_[k] && k < 200) ++k;
    return k;
  }

 private:
  static constexpr size_t kGuide = 64;
  double mean_ = 0;
  bool tabled_ = false;
  std::array<double, 201> cdf_{};
  std::array<uint8_t, kGuide> guide_{};  // [j]: the first k with cdf[k] >= j / kGuide
};

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
    lines_cdf_ = PoissonTable(lines_ - 1.0, exp_lines_);
    qty_cdf_ = PoissonTable(qty_ - 1.0, exp_qty_);
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
    const uint32_t lines = 1 + lines_cdf_.draw(rng);
    const double* cum = w.sku_cum_popularity.data();
    const size_t n = w.n_skus;
    const bool ready = picker_.size() == n;  // init() has run
    for (uint32_t i = 0; i < lines; ++i) {
      const double u = rng.uniform();
      const size_t k = ready ? picker_(u) : std::min(n - 1, size_t(std::upper_bound(cum, cum + n, u) - cum));
      out.push_back({SkuId(k), 1 + qty_cdf_.draw(rng)});
    }
  }

  void init(const World& w) override { picker_ = SkuPicker(w.sku_cum_popularity.data(), w.n_skus); }

  double expected_units_per_order(const World& w, SkuId k) const override {
    const double share = w.sku_cum_popularity[k] - (k ? w.sku_cum_popularity[k - 1] : 0.0);
    return lines_ * share * qty_;
  }
  double discount() const override { return discount_; }

 private:
  PoissonTable lines_cdf_, qty_cdf_;
  SkuPicker picker_;  // the SKU of a line: upper_bound in the cumulative popularity (models/sku_picker.hpp)
  double orders_per_day_, lines_, qty_, amplitude_, discount_, weather_effect_, promo_effect_, exp_lines_, exp_qty_;
  int peak_doy_, start_doy_;
  std::array<double, 7> weekday_{};
  std::vector<double> region_mult_;
};

}  // namespace

std::unique_ptr<DemandModel> make_seasonal_poisson(const Scenario& sc) { return std::make_unique<SeasonalPoisson>(sc); }

}  // namespace salesim::models
