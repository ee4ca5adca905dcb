// The interfaces of the policy families. Implementations live in models/ and are chosen by name in
// the scenario (models/registry.hpp). Each family is called once per tick, day, bucket or period
// with a whole phase to do, never once per agent through a virtual call in the hot loop.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/rng.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace salesim {

// Exogenous signal processes per region and day (generated from the seed before the run).
struct Signals {
  size_t regions = 0;
  std::vector<float> weather;      // [day * regions + g], standardised index
  std::vector<float> promo_depth;  // competitor price cut in force, 0..1
  float weather_at(int day, RegionId g) const { return weather[size_t(day) * regions + g]; }
  float promo_at(int day, RegionId g) const { return promo_depth[size_t(day) * regions + g]; }
};
Signals generate_signals(const Scenario& sc, size_t regions, int days, uint64_t seed);

struct OrderLine { SkuId sku; uint32_t qty; };

// ---- demand ----------------------------------------------------------------------------------
class DemandModel {
 public:
  virtual ~DemandModel() = default;
  // Orders per day of a repeat customer of unit size in region g on `day`, and the share of demand
  // lost per unit of price sensitivity to competitor promotions that day.
  virtual void daily_rates(const World& w, const Clock& clock, const Signals& sig, int day,
                           std::span<double> rate, std::span<double> promo_loss) const = 0;
  // The lines of one order.
  virtual void basket(const World& w, AccountId a, Rng& rng, std::vector<OrderLine>& out) const = 0;
  // Mean units of SKU k per order (for the initial stock and the forecasters' prior).
  virtual double expected_units_per_order(const World& w, SkuId k) const = 0;
  virtual double discount() const = 0;
};

// ---- rep behaviour ---------------------------------------------------------------------------
struct TouchPlan { AccountId account; ContactId contact; Action action; bool from_task; };

struct PlanContext {
  const Scenario& sc;
  const World& w;
  const Signals& sig;
  Tick tick;
  int day;
  Tick ticks_per_day;
  uint64_t seed;
};

class RepBehaviour {
 public:
  virtual ~RepBehaviour() = default;
  virtual void init(const World& w) { (void)w; }
  // Appends touches for rep r worth at most `budget` touch units. Called in parallel for distinct
  // reps: an implementation may only write per-rep state of r.
  virtual void plan(const PlanContext& ctx, RepId r, double budget, std::vector<TouchPlan>& out) = 0;
};

// ---- forecast --------------------------------------------------------------------------------
class ForecastModel {
 public:
  virtual ~ForecastModel() = default;
  // Forecast of the next bucket of one series from its history (oldest first, never empty).
  virtual double forecast(std::span<const double> history, int season_buckets, Rng& rng) const = 0;
};

// ---- incentive -------------------------------------------------------------------------------
struct RepPeriodStats { double revenue = 0, gross_profit = 0; uint32_t visits = 0, valid_visits = 0, new_customers = 0; };
struct PayoutLine { std::string item; double basis = 0, rate = 0, amount = 0; std::string explanation; };
struct PayoutStatement {
  RepId rep = 0;
  std::string period;  // "YYYY-MM"
  std::vector<PayoutLine> lines;
  double total = 0;    // sum of lines' amounts, by construction
};

class IncentivePlan {
 public:
  virtual ~IncentivePlan() = default;
  virtual PayoutStatement pay(RepId r, const std::string& period, const RepPeriodStats& s,
                              double base_salary) const = 0;
  // Effort a rep puts into each touch under this plan, 0..1 (reps respond to how they are paid).
  virtual double effort(RepId r) const = 0;
};

// ---- interventions ---------------------------------------------------------------------------
struct Suggestion { RepId rep; AccountId account; Action action; uint16_t rule; };

struct InterventionContext {
  const Scenario& sc;
  const World& w;
  const Signals& sig;
  Tick tick;
  int day;
  std::span<const double> region_demand_change_wow;  // percent, per region
};

class InterventionPolicy {
 public:
  virtual ~InterventionPolicy() = default;
  virtual void init(const World& w) { (void)w; }
  virtual size_t rule_count() const = 0;
  virtual const std::string& rule_name(size_t i) const = 0;
  // Every suggestion that fires today, in account order.
  virtual void daily(const InterventionContext& ctx, std::vector<Suggestion>& out) = 0;
};

}  // namespace salesim
