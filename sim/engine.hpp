// The engine: owns the world, the chosen policies and the recorder, and advances time one tick at
// a time. Front ends (CLI, GUI, tests, benchmarks) all drive it through this API.
#pragma once
#include <array>
#include <functional>
#include <string_view>
#include <iosfwd>
#include <memory>
#include <vector>

#include "sim/policies.hpp"
#include "sim/recorder.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace salesim {

struct RepOut;       // sim/engine_impl.hpp
struct OrderCredit;  // sim/engine_impl.hpp

struct EngineOptions {
  std::optional<uint64_t> seed;  // overrides the scenario's seed
  int threads = 0;               // 0 = OpenMP default
  // Recompute a plan's signals at every due tick, even where nobody reads them (the engine skips
  // those; a test checks that skipping them changes nothing).
  bool eager_signals = false;
};

struct PolicySet {
  std::unique_ptr<DemandModel> demand;
  std::unique_ptr<RepBehaviour> behaviour;
  std::unique_ptr<ForecastModel> forecast;
  std::unique_ptr<IncentivePlan> incentive;
  std::unique_ptr<InterventionPolicy> interventions;
};

// The phases of one tick (Engine::step), for the wall time spent in each (salesim bench --phases,
// docs/performance.md). Not state: not saved, hashed or compared.
enum Phase : uint8_t { kPhaseDayStart, kPhaseSignals, kPhaseSupport, kPhaseReps, kPhaseOrders, kPhaseFulfil,
                       kPhaseDayEnd, kPhaseFinalPay, kPhases };
constexpr std::array<std::string_view, kPhases> kPhaseNames = {"day start", "pay signals", "specialists", "reps",
                                                                "orders",    "fulfilment",  "day end",     "final pay"};

class Engine {
 public:
  Engine(const Scenario& sc, PolicySet policies, EngineOptions opt = {});
  ~Engine();

  void step();                       // one tick
  void run(const std::function<void(Tick, Tick)>& progress = {});  // to the end
  bool done() const { return tick_ >= clock().ticks(); }
  Tick tick() const { return tick_; }
  uint64_t seed() const { return seed_; }
  int threads() const { return threads_; }
  // Wall-clock seconds spent in each phase of step() so far (kPhaseNames).
  const std::array<double, kPhases>& phase_seconds() const { return phase_seconds_; }

  const Scenario& scenario() const { return sc_; }
  const Clock& clock() const { return sc_.clock; }
  const World& world() const { return w_; }
  const Signals& signals() const { return sig_; }
  const Recorder& recorder() const { return rec_; }
  const PolicySet& policies() const { return pol_; }
  std::vector<Kpi> kpis() const;
  // xxHash64 of the whole mutable state and the recorder's totals: equal hashes = equal runs.
  uint64_t state_hash() const;
  // The first account whose derived per-account caches (what an order must read: sim/engine_impl.hpp)
  // disagree with the fields they are derived from, described; empty if none (sim/invariants.cpp).
  std::string check_caches() const;
  // Checkpoints (sim/checkpoint.cpp, docs/outputs.md#checkpoints): the full mutable state (world,
  // engine, recorder, policies, tick). restore_checkpoint overwrites it on an engine built from the
  // same scenario and seed; it throws CheckpointError (another scenario, seed, format or version, a
  // truncated or corrupt file) before changing anything if the file is not whole, and leaves the
  // engine unusable if a verified file still does not fit (a different build).
  void save_checkpoint(std::ostream& out) const;
  void restore_checkpoint(std::istream& in);

 private:
  struct Impl;
  void begin_day(int day);
  void end_day(int day);
  void rep_phase(Tick t, int day);
  void account_order_phase(Tick t, int day);
  void fulfil(Tick t, int day);
  void forecast_and_replenish(int day);
  void interventions(Tick t, int day);
  void pay(int day, bool final_period);
  // Warehouse staff (docs/model.md#warehouse): who handles a replenishment of `series` ordered on `day`
  // with `lead_days`, whether it is on time, and the day it arrives (day + lead_days when on time or
  // without staff). `key` tells apart replenishments of one series on one day.
  int assign_replenishment(size_t series, int day, int lead_days, int64_t key, uint32_t* staff = nullptr);
  void staff_due_today(int day);
  void pay_staff(int last_day, Tick t, const std::string& label, double days_in, double month_len);
  void recompute_incentives();
  void attrition(int day, const std::vector<double>& pay);
  // engine_support.cpp: what fired rules do, specialists and pushed material, demand cards, discounts, credit.
  void act_on(const Suggestion& s, uint32_t record, Tick t, int day);
  size_t dispatch_queue(const Suggestion& s) const;
  void dispatch(const Suggestion& s, size_t queue, uint32_t record, Tick t);
  void support_phase(Tick t, int day);
  // Stage changes, orders, cards, discounts and done tasks of one RepOut, in its order; clears them.
  void merge_out(RepOut& out, Tick t, int day);
  void build_tables();
  void fulfil_region(RegionId g, Tick t, int day);
  void credit_order(const OrderCredit& c);
  void credit_day(Tick t, int day);
  void poaching(Tick t, int day);
  void measure_outcomes(int day, bool final_day);
  // The physics of one touch of account a's contact c (docs/model.md#touch): valid with p_valid, then
  // the action's decayed value moves the journey. Writes only account a's state and `out`.
  void touch_account(RepOut& out, AccountId a, ContactId c, Action action, double base, double p_valid,
                     bool rep_visit, double quality, Tick t, Rng& rng);
 public:
  // The variables the incentive plan sees for rep r at tick t (without pod totals and with clv_index
  // not yet normalised: all_plan_variables completes them).
  // retention = false leaves new_customer_retention n/a (a scan of every account the plan may not need).
  PlanVars plan_variables(RepId r, Tick t, bool retention = true) const;
  // The same for every rep, with clv_index normalised over reps.
  std::vector<PlanVars> all_plan_variables(Tick t, bool retention = true) const;
  // The variables the plan pays warehouse staff member k on, this period so far. With `as_seen`, the
  // region's turnover is the one the staff member acts on: the last closed period's until a day of
  // this one is complete (docs/model.md#warehouse).
  StaffVars staff_variables(uint32_t k, bool as_seen) const;
 private:

  Scenario sc_;
  PolicySet pol_;
  uint64_t seed_;
  int threads_;
  bool eager_signals_ = false;
  World w_;
  Signals sig_;
  Recorder rec_;
  Tick tick_ = 0;
  std::array<double, kPhases> phase_seconds_{};
  std::unique_ptr<Impl> m_;

 public:
  // ---- changing parameters between steps (exercises, sim/exercise.hpp) ------------------------
  // Replaces the engine's scenario by `next` and swaps in every policy given in `replacements`
  // (null members keep the current policy). `next` must describe the same world: the sections the
  // world, the signals and the state arrays are built from (clock, regions, SKUs, roles, accounts,
  // pods, rep count and skills, seed, signals, forecast buckets) must be unchanged; the caller checks
  // that (sim/exercise.cpp: exercise_fixed_pointers). Parameters the engine reads as sc_.x during the
  // run apply from the next step; a policy that baked parameters in at construction must be rebuilt by
  // the caller and passed here. docs/exercises.md#how-decisions-reach-the-engine
  void adjust(const Scenario& next, PolicySet replacements);
};

}  // namespace salesim
