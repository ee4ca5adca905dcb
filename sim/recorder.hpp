// Recorder: per-day time series, the event log and the counters KPIs are computed from.
// docs/outputs.md describes every file and column; docs/model.md#kpis every KPI definition.
#pragma once
#include "sim/exact_math.hpp"
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/chunked_vector.hpp"
#include "sim/policies.hpp"
#include "sim/types.hpp"

namespace salesim {

struct Event {
  Tick tick;
  EventKind kind;
  uint8_t a, b;        // touch: action, valid; order: lines, first; stage: from, to; intervention: status;
                       // payout: Payee (0 rep, 1 warehouse staff)
  RepId rep;
  AccountId account;
  uint32_t detail;     // touch: contact; intervention: rule; stockout: sku; payout: statement index
  double value;        // order: revenue; stockout: units short; payout: total
};
// Gini coefficient of non-negative values (0 = all equal).
double gini(std::vector<double> v);

enum InterventionStatus : uint8_t { kFired, kAccepted, kIgnored, kDegraded, kDone, kExpired, kApplied };
constexpr std::array<std::string_view, 7> kInterventionStatusNames = {"fired", "accepted", "ignored", "degraded",
                                                                       "done", "expired", "applied"};

// Who a suggestion went to (shown as rep:ID, pod:ID/ROLE, central:ROLE, manager:REGION, warehouse,
// digital by assignee_label in sim/output.hpp).
enum Assignee : uint8_t { kToRep, kToPod, kToCentral, kToManager, kToWarehouse, kToDigital };

// One suggestion of an intervention rule and what became of it (interventions.csv, docs/outputs.md).
// Kept compact (36 bytes): a large run logs millions of them.
struct InterventionRecord {
  int32_t day = 0;
  int32_t done_day = -1;       // the task or dispatch was carried out
  RepId rep = kNone;
  AccountId account = kNone;
  uint32_t series = kNone;
  float amount = 0;            // replenish: units ordered
  uint16_t rule = 0;
  uint16_t staff = 0xFFFF;     // replenish: the warehouse staff member (K of REGION/K) who handled it; 0xFFFF: none
  ThenKind kind = ThenKind::Task;
  uint8_t status = kFired;     // final status: accepted+done, ignored, degraded(+done), expired, applied
  bool degraded = false;
  uint8_t assignee = kToRep;   // Assignee
  uint8_t role = 0;            // SpecialistRole of a dispatch
  uint8_t stage_before = 0, stage_after = 255;  // 255: not measured
  int8_t ordered = -1;         // ordered within outcome_days (-1: not measured, the run ended first)
};
static_assert(sizeof(InterventionRecord) == 36, "kept compact: a large run logs millions of intervention records");

// Per pod, over the run (pods.csv, docs/pods.md#kpis).
struct PodStats {
  uint32_t members = 0, specialists = 0;
  uint64_t cards_raised = 0, cards_answered = 0, cards_expired = 0, cards_reused = 0;
  double response_hours_sum = 0;
  uint64_t dispatches_done = 0, discounts = 0;
  double discount_sum = 0, approval_wait_days_sum = 0;
  double revenue = 0, gross_profit = 0, list_revenue = 0;
  uint64_t engaged = 0, won = 0;
  double cycle_days_sum = 0;
};

struct DayRow {
  double revenue = 0, cogs = 0, payouts = 0, inventory_value = 0, lost_revenue = 0, visit_cost = 0;
  uint32_t orders = 0, lines = 0, short_lines = 0, visits = 0, valid_visits = 0;
  uint32_t first_orders = 0, adoptions = 0, churned = 0, trial_lapsed = 0, engaged = 0;
  uint32_t suggestions = 0, accepted = 0, degraded = 0, tasks_done = 0;
  uint32_t customers = 0;          // active customers (ordered in the last 30 days) at the end of the day
  double forecast_ape_sum = 0;     // scored forecast cells closed today
  uint32_t forecast_cells = 0;
  double forecast_units = 0, actual_units = 0;  // all series of the bucket closed today (0 on other days)
  uint32_t cards_raised = 0, cards_answered = 0, discounts = 0, credit_blocked_orders = 0;
  double bad_debt = 0, discount_given = 0;      // CNY
  uint32_t poached = 0, poaching_complaints = 0;
  // Warehouse staff (docs/model.md#warehouse): replenishments due today and those on time; staff pay and
  // its collaboration bonus on the last day of each pay period.
  uint32_t replenishments_due = 0, replenishments_on_time = 0;
  double staff_pay = 0, collaboration_bonus = 0;
};

// One warehouse staff member's month (warehouse.csv, docs/outputs.md#warehouse-csv).
struct StaffMonth {
  int32_t first_day = 0, last_day = 0;  // the pay period
  uint32_t staff = 0;
  uint32_t assigned = 0;                // replenishments handed to the staff member in the period
  uint32_t replenishments = 0, on_time = 0, late = 0;  // due in the period
  float effort = 0;                     // mean effort over the replenishments handed over (NaN: none)
  double region_inventory_days = 0;     // the region's turnover in the period (NaN: nothing sold)
  double bonus = 0, total = 0;          // the statement's variable pay and total, CNY
};

struct Kpi { std::string name; double value; std::string unit; std::string description; };

class Recorder {
 public:
  void init(int days, uint32_t event_mask);
  bool wants(EventKind k) const { return (event_mask_ >> k) & 1u; }
  void event(const Event& e) {
    if (wants(e.kind)) events_.push_back(e);
  }
  // An order's value, kept to the cent in a histogram (values from kBasketBins cents on are kept as
  // they are): the median basket without keeping every order. One thread's form of the lanes below.
  void order(double value) {
    basket_lanes(1);
    count_basket(basket_bins_.data(), value, basket_big_);
  }
  // Orders counted in parallel (Engine::fulfil): each thread counts into a lane of its own, a
  // histogram like the one order() fills; the lanes are added when the median is read or the
  // recorder saved (counts add up the same in any order). Values beyond the histogram go to the
  // caller's list and are kept by basket_big() in the order it is called. docs/performance.md
  void basket_lanes(size_t n);                       // at least n lanes, lane 0 the histogram itself
  uint32_t* basket_lane(size_t lane) { return lane == 0 ? basket_bins_.data() : basket_more_[lane - 1].data(); }
  static void count_basket(uint32_t* lane, double value, std::vector<float>& big) {
    const double cents = round_positive(value * 100.0);  // std::round's value (sim/exact_math.hpp)
    if (cents >= 0 && cents < double(kBasketBins)) ++lane[size_t(cents)];
    else big.push_back(float(value));
  }
  void basket_big(const std::vector<float>& values) { basket_big_.insert(basket_big_.end(), values.begin(), values.end()); }
  static constexpr size_t kBasketBins = 200000;  // 0.00 .. 1999.99 CNY

  DayRow& day(int d) { return days_[size_t(d)]; }
  const std::vector<DayRow>& days() const { return days_; }
  const std::vector<Event>& events() const { return events_; }
  std::vector<PayoutStatement>& statements() { return statements_; }
  const std::vector<PayoutStatement>& statements() const { return statements_; }

  uint64_t repurchase_eligible = 0, repurchase_hits = 0;
  uint64_t retention_cohort = 0, retention_kept = 0;
  uint64_t rep_quits = 0;
  std::vector<double> rep_pay;      // per rep, over the run (for the payout Gini)
  std::vector<double> rep_revenue;  // per rep, over the run (for regional variance)  // docs/model.md#kpis (retention_6m)
  double lead_hours_sum = 0;
  uint64_t lead_count = 0;
  uint64_t deals_won = 0;           // first orders of accounts that had been engaged (stage 6) in the run
  double deal_cycle_days_sum = 0;   // engaged -> first order, over deals_won
  double specialist_cost = 0;       // pods' specialists, CNY over the run
  double visit_quality_sum = 0;     // visit sub-dimension composite over valid visits
  uint64_t visit_quality_n = 0;
  ChunkedVector<InterventionRecord> interventions;  // millions in a large run: no reallocation copies
  std::vector<PodStats> pods;
  std::vector<StaffMonth> warehouse;  // per warehouse staff member and pay period, in period order

  // KPIs over the whole run; definitions in docs/model.md#kpis.
  // rep_region: region of each rep, for the regional variance of output.
  // days_done >= 0: KPIs of the first days_done days only (the run so far, as an exercise shows it
  // between turns; counters such as retention cohorts are cumulative anyway).
  std::vector<Kpi> kpis(size_t reps, double cost_per_visit, const std::vector<RegionId>& rep_region = {},
                        const std::vector<double>& rep_revenue = {}, int days_done = -1) const;
  double median_basket() const;
  // Checkpoints: everything above, private members included (sim/checkpoint.cpp).
  void save(ArchiveWriter& out) const;
  void load(ArchiveReader& in);

 private:
  uint32_t event_mask_ = ~0u;
  std::vector<DayRow> days_;
  std::vector<Event> events_;
  std::vector<uint32_t> basket_bins_;  // order count per cent of value, below kBasketBins cents
  std::vector<std::vector<uint32_t>> basket_more_;  // lanes 1.. of parallel counting (added to basket_bins_ when read)
  std::vector<uint32_t> basket_counts() const;     // basket_bins_ with every lane added
  std::vector<float> basket_big_;      // orders of kBasketBins cents and more
  std::vector<PayoutStatement> statements_;
};

}  // namespace salesim
