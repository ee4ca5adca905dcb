// The interfaces of the policy families. Implementations live in models/ and are chosen by name in
// the scenario (models/registry.hpp). Each family is called once per tick, day, bucket or period
// with a whole phase to do, never once per agent through a virtual call in the hot loop.
#pragma once
#include <array>
#include <memory>
#include <string_view>
#include <span>
#include <string>
#include <vector>

#include "sim/rng.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace salesim {

class ArchiveWriter;  // sim/checkpoint.hpp
class ArchiveReader;

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
  // Called once the world exists (and again if the model replaces another mid-run): tables that
  // depend on the world's SKUs are built here, never lazily inside the parallel phases.
  virtual void init(const World& w) { (void)w; }
  // Orders per day of a repeat customer of unit size in region g on `day`, and the share of demand
  // lost per unit of price sensitivity to competitor promotions that day.
  virtual void daily_rates(const World& w, const Clock& clock, const Signals& sig, int day,
                           std::span<double> rate, std::span<double> promo_loss) const = 0;
  // The lines of one order.
  virtual void basket(const World& w, AccountId a, Rng& rng, std::vector<OrderLine>& out) const = 0;
  // Mean units of SKU k per order (for the initial stock and the forecasters' prior).
  virtual double expected_units_per_order(const World& w, SkuId k) const = 0;
  virtual double discount() const = 0;
  // Checkpoints (sim/checkpoint.hpp): state kept between calls, if any. Throw CheckpointError on a
  // mismatch. The defaults suit a policy without such state.
  virtual void save(ArchiveWriter& out) const { (void)out; }
  virtual void load(ArchiveReader& in) { (void)in; }
};

// ---- rep behaviour ---------------------------------------------------------------------------
struct TouchPlan { AccountId account; ContactId contact; Action action; bool from_task; uint32_t record = kNone; };

struct PlanSignals;
struct PlanContext {
  const Scenario& sc;
  const World& w;
  const Signals& sig;
  Tick tick;
  int day;
  Tick ticks_per_day;
  uint64_t seed;
  const struct PlanSignals* incentives = nullptr;  // per rep: what the pay plan rewards now
};

class RepBehaviour {
 public:
  virtual ~RepBehaviour() = default;
  virtual void init(const World& w) { (void)w; }
  // Appends touches for rep r worth at most `budget` touch units. Called in parallel for distinct
  // reps: an implementation may only write per-rep state of r.
  virtual void plan(const PlanContext& ctx, RepId r, double budget, std::vector<TouchPlan>& out) = 0;
  // Checkpoints (sim/checkpoint.hpp): state kept between calls, if any. Throw CheckpointError on a
  // mismatch. The defaults suit a policy without such state.
  virtual void save(ArchiveWriter& out) const { (void)out; }
  virtual void load(ArchiveReader& in) { (void)in; }
};

// ---- forecast --------------------------------------------------------------------------------
class ForecastModel {
 public:
  virtual ~ForecastModel() = default;
  // Forecast of the next bucket of one series from its history (oldest first, never empty).
  virtual double forecast(std::span<const double> history, int season_buckets, Rng& rng) const = 0;
  // Checkpoints (sim/checkpoint.hpp): state kept between calls, if any. Throw CheckpointError on a
  // mismatch. The defaults suit a policy without such state.
  virtual void save(ArchiveWriter& out) const { (void)out; }
  virtual void load(ArchiveReader& in) { (void)in; }
};

// ---- incentive -------------------------------------------------------------------------------
// Everything a plan may depend on for one rep and one pay period; the engine measures it.
// docs/incentives.md#variables
enum PlanVar : uint8_t {
  kVarRevenue, kVarNewCustomers, kVarFirstOrderMargin, kVarNewCustomerRetention, kVarClawbackBase,
  kVarPodRevenue, kVarPodSize, kVarClv, kVarChannelHealth, kVarSynergy, kVarComplaintRate, kVarChurnWarnings,
  kVarNewProductRevenue, kVarRegionInventoryDays, kVarExpectedRevenue, kVarPoachingComplaints, kPlanVars
};
constexpr std::array<std::string_view, kPlanVars> kPlanVarNames = {
    "revenue", "new_customers", "first_order_margin", "new_customer_retention", "clawback_base",
    "pod_revenue", "pod_size", "clv_index", "channel_health", "synergy", "complaint_rate", "churn_warnings",
    "new_product_revenue", "region_inventory_days", "expected_revenue", "poaching_complaints"};
using PlanVars = std::array<double, kPlanVars>;  // NaN where not measurable (e.g. no new customers)

struct RepPeriodStats {
  double revenue = 0, gross_profit = 0, new_product_revenue = 0;
  double first_order_revenue = 0, first_order_gross_profit = 0, clawback_base = 0;
  uint32_t visits = 0, valid_visits = 0, new_customers = 0, churned_customers = 0, lines = 0, short_lines = 0;
  uint32_t poaching_complaints = 0;  // complaints against this rep as a poacher
  uint64_t category_hits = 0, ordering_accounts = 0;  // for cross-category synergy
};

// What a plan may pay a region's warehouse staff on, per staff member and calendar month
// (docs/incentives.md#collaboration-bonus): the region's inventory turnover in days, and the staff
// member's replenishments due in the month and the share of them that arrived on time.
enum StaffVar : uint8_t { kStaffRegionInventoryDays, kStaffOnTimeShare, kStaffReplenishments, kStaffVars };
constexpr std::array<std::string_view, kStaffVars> kStaffVarNames = {"region_inventory_days", "on_time_share",
                                                                     "replenishments"};
using StaffVars = std::array<double, kStaffVars>;  // NaN where not measurable (no replenishment due)

struct StaffPeriodStats {
  uint32_t assigned = 0;                      // replenishments handed to the staff member this period
  uint32_t replenishments = 0, on_time = 0;   // replenishments due this period, and those that arrived on time
  double effort_sum = 0;                      // effort at each assignment, summed
};

struct PayoutLine { std::string item; double basis = 0, rate = 0, amount = 0; std::string explanation; };
struct Attribution { std::string variable; double from = 0, to = 0, amount = 0; };
// Who a statement pays: a rep (`rep`), or a warehouse staff member (`staff`, World::staff_region).
enum class Payee : uint8_t { Rep, WarehouseStaff };
constexpr std::array<std::string_view, 2> kPayeeNames = {"rep", "warehouse"};
struct PayoutStatement {
  Payee role = Payee::Rep;
  RepId rep = 0;                         // kNone for warehouse staff
  uint32_t staff = kNone;                // the staff member, for warehouse staff
  std::string period;                    // "YYYY-MM"
  std::vector<PayoutLine> lines;
  double total = 0;                      // sum of lines' amounts, by construction
  std::vector<std::pair<std::string, double>> variables;  // what the plan saw
  bool has_previous = false;
  double previous_total = 0;
  std::vector<Attribution> attribution;  // sums exactly to total - previous_total
  std::string explanation;               // the attribution in plain words
};

// What one more unit of an outcome is worth to a rep now, in CNY of pay (reps respond to the plan):
// per CNY of revenue; per first order; per trial customer who adopts (keeps buying); per CNY of an
// at-risk customer's revenue kept from churning.
// per_poaching_complaint: pay change per complaint against the rep (negative penalises poaching).
struct PlanSignals {
  double per_revenue = 0, per_new_customer = 0, per_adopted_customer = 0, per_retained_revenue = 0;
  double per_poaching_complaint = 0;
};

// While an AmountsOnly lives on a thread, plans on that thread may leave their lines' explanations
// empty: the attribution evaluates a plan 2^n times for the amounts alone (sim/attribution.cpp), and
// formatting the text was most of that work. Amounts must not depend on it.
class AmountsOnly {
 public:
  AmountsOnly() : was_(active_) { active_ = true; }
  ~AmountsOnly() { active_ = was_; }
  AmountsOnly(const AmountsOnly&) = delete;
  AmountsOnly& operator=(const AmountsOnly&) = delete;
  static bool active() { return active_; }

 private:
  bool was_;
  static inline thread_local bool active_ = false;
};

class IncentivePlan {
 public:
  virtual ~IncentivePlan() = default;
  // The variables this plan's pay depends on (attribution runs over these).
  virtual std::vector<PlanVar> uses() const = 0;
  // Variable pay lines (base salary excluded) as a pure function of the variables.
  virtual void lines(const PlanVars& x, std::vector<PayoutLine>& out) const = 0;
  // Marginal value of outcomes given the variables so far in the period. Must be a pure function of x
  // (no state, thread-safe): the engine evaluates it for reps in parallel.
  virtual PlanSignals signals(const PlanVars& x) const = 0;
  // How often the engine recomputes signals (dynamic plans: hours; others daily).
  virtual double recompute_hours() const { return 24.0; }
  // Warehouse staff (docs/incentives.md#collaboration-bonus): the variables their pay depends on,
  // their variable pay lines (base salary excluded) as a pure function of them, and the bonus a staff
  // member stands to earn this month by replenishing on time, as the staff member sees it from `x`
  // (the region's turnover so far). The defaults: a plan that pays staff nothing variable.
  virtual std::vector<StaffVar> staff_uses() const { return {}; }
  virtual void staff_lines(const StaffVars& x, std::vector<PayoutLine>& out) const { (void)x; (void)out; }
  virtual double staff_stake(const StaffVars& x) const { (void)x; return 0.0; }
  // Checkpoints (sim/checkpoint.hpp): state kept between calls, if any. Throw CheckpointError on a
  // mismatch. The defaults suit a policy without such state.
  virtual void save(ArchiveWriter& out) const { (void)out; }
  virtual void load(ArchiveReader& in) { (void)in; }
};

// ---- interventions ---------------------------------------------------------------------------
// What a rule does when it fires (docs/interventions.md#then).
enum class ThenKind : uint8_t { Task, PushMaterial, Dispatch, FreezeCredit, Replenish };
constexpr std::array<std::string_view, 5> kThenKindNames = {"task", "push_material", "dispatch", "freeze_credit",
                                                            "replenish"};
enum class SpecialistRole : uint8_t { Presales, CustomerSuccess, Analyst };
constexpr std::array<std::string_view, 3> kSpecialistRoleNames = {"presales", "customer_success", "analyst"};

struct Suggestion {
  RepId rep;            // the account's rep (kNone for stock rules)
  AccountId account;    // kNone for stock rules
  Action action;
  uint16_t rule;
  ThenKind kind = ThenKind::Task;
  SpecialistRole role = SpecialistRole::CustomerSuccess;  // dispatch
  uint32_t series = kNone;                                 // replenish: region * n_skus + sku
  float cover_days = 0;                                    // replenish
  int lead_days = 0;                                       // replenish
};

struct InterventionContext {
  const Scenario& sc;
  const World& w;
  const Signals& sig;
  Tick tick;
  int day;
  std::span<const double> region_demand_change_wow;  // percent, per region
  // Per completed day d < day and region g, at [d * regions + g]: units sold and first orders.
  std::span<const double> region_units_daily;
  std::span<const uint32_t> region_first_orders_daily;
  // Per stock series (region * n_skus + sku): days of forecast demand the stock covers (inf: no demand).
  std::span<const double> stock_cover_days;
  int threads = 1;  // the engine's thread count (a policy may evaluate accounts in parallel)
};

class InterventionPolicy {
 public:
  virtual ~InterventionPolicy() = default;
  virtual void init(const World& w) { (void)w; }
  virtual size_t rule_count() const = 0;
  virtual const std::string& rule_name(size_t i) const = 0;
  // Every suggestion that fires today: account rules in account order, then stock rules in series order.
  virtual void daily(const InterventionContext& ctx, std::vector<Suggestion>& out) = 0;
  // Checkpoints (sim/checkpoint.hpp): state kept between calls, if any. Throw CheckpointError on a
  // mismatch. The defaults suit a policy without such state.
  virtual void save(ArchiveWriter& out) const { (void)out; }
  virtual void load(ArchiveReader& in) { (void)in; }
};

}  // namespace salesim
