// The engine's private state and scratch, shared by its translation units (engine.cpp: the tick and
// its phases; engine_support.cpp: interventions' actions, specialists, demand cards, discounts, credit).
// Not part of the API: front ends use sim/engine.hpp.
#pragma once
#include <array>
#include <deque>
#include <vector>

#include "sim/engine.hpp"
#include "sim/recorder.hpp"
#include "sim/tick_table.hpp"

namespace salesim {

constexpr size_t kValueRing = 4;

struct TouchRecord { AccountId account; ContactId contact; Action action; bool valid; bool from_task; };
// An order waiting for fulfilment. The empty default constructor is on purpose: the order phase
// grows `pending` by a tick's orders and fills the new places in parallel, and a zeroing pass before
// that was a serial part of the phase (docs/performance.md).
// The account's rep travels with the order (fixed when the world is built), so fulfil reads it, and
// the region with it (the rep's), here in order instead of at scattered places in per-account arrays.
// Eight bytes: the rep in 30 bits (the scenario schema allows at most 1,000,000 reps).
// (Saved in checkpoints as raw bytes, between ticks always empty.)
struct PendingOrder {
  PendingOrder() {}  // NOLINT: leaves the fields unset (see above)
  PendingOrder(const World& w, AccountId a, bool visit, bool first_order) : PendingOrder{a, w.acct_rep[a], visit, first_order} {}
  constexpr PendingOrder(AccountId a, RepId r, bool visit, bool first_order)
      : account(a), rep(r), via_visit(visit), first(first_order) {}
  AccountId account;
  uint32_t rep : 30;
  uint32_t via_visit : 1;
  uint32_t first : 1;
};
static_assert(sizeof(PendingOrder) == 8);
struct StageChange { AccountId account; uint8_t from, to; };
// A stage change of the day's journey (Engine::begin_day), with what its account contributes to the
// rep's churn clawback (the last three months' revenue) when a repeat customer lapses.
// (Saved in checkpoints as raw bytes, between ticks always empty; the padding is spelled out anyway.)
struct DayChange {
  AccountId account;
  RepId rep;
  uint8_t from, to;
  uint8_t unused[6] = {};
  double clawback = 0;
};
// A suggested task, dispatch or pushed material waiting to be done. `record`: its row in
// Recorder::interventions (kNone for none).
struct Task { AccountId account; Action action; uint16_t rule; Tick not_before, expires; uint32_t record = kNone; };
// A demand card raised or a discount asked at a touch (merged serially into the pods' state).
struct CardRaised { AccountId account; ContactId contact; };
struct DiscountAsk { AccountId account; float asked, granted; double wait_days; };

// One shipped order's credit to the rep it counts for (and that rep's pod).
struct OrderCredit {
  RepId rep = kNone;
  double revenue = 0, cogs = 0, new_product_revenue = 0, list_revenue = 0, cycle_days = 0;
  uint32_t lines = 0, short_lines = 0, new_ordering_account = 0, new_category_hits = 0;
  bool first = false, won = false;
};
// What fulfil books in one region during a tick, merged in region order (Engine::fulfil).
struct alignas(64) RegionBook {     // a cache line of its own: threads fill neighbouring books
  std::vector<uint32_t> orders_idx;   // this tick's orders of the region: indices into pending, in order
  std::vector<std::vector<uint32_t>> parts;  // the same, found by each thread in its part of pending
  std::vector<Event> events;          // in booking order; order events get their sequence number at the merge
  std::vector<OrderCredit> foreign;   // credit to reps of other regions (poachers)
  std::vector<double> values;         // shipped orders' values (revenue months, the recorder's histogram)
  std::vector<AccountId> ordering;    // the account of each of values (for the revenue months)
  std::vector<float> big_values;      // values beyond the recorder's histogram, kept at the merge in order
  struct Exposure { AccountId account; bool add; double amount; };
  std::vector<Exposure> exposure;     // the tick's invoices: added to the account's exposure, or a new one
  struct Totals {
    double revenue = 0, cogs = 0, lost_revenue = 0, discount_given = 0, lead_hours = 0, cycle_days = 0;
    uint32_t orders = 0, lines = 0, short_lines = 0, blocked = 0, first_orders = 0, adoptions = 0;
    uint64_t deals_won = 0, repurchase_eligible = 0, repurchase_hits = 0;
  } sum;
};

// What one rep did in a tick; filled in parallel, merged serially in rep order.
struct RepOut {
  std::vector<TouchPlan> plan;
  std::vector<TouchRecord> touches;
  std::vector<PendingOrder> orders;
  std::vector<StageChange> stages;
  uint32_t tasks_done = 0;
  uint32_t valid_touches = 0;           // of touches (set by rep_phase for the merge)
  std::vector<CardRaised> cards;
  std::vector<DiscountAsk> discounts;
  std::vector<uint32_t> done_records;   // intervention records carried out this tick
  double quality_sum = 0;               // visit sub-dimension composite, summed over valid visits
  uint32_t quality_n = 0;
};


struct Engine::Impl {
  // rep state
  std::vector<double> budget, effort, overload;
  std::vector<RepPeriodStats> period;
  std::vector<std::deque<Task>> tasks;
  std::vector<std::vector<uint32_t>> suggestion_window;  // per rep, ring of window_days daily counts
  std::vector<RepOut> rep_out;
  // account scratch
  std::vector<float> order_hazard;   // per account: order hazard accumulated since its last order
  std::vector<float> order_target;   // per account: the Exp(1) level at which it orders next
  std::vector<std::vector<AccountId>> account_chunks;  // scratch: accounts found per block (credit), in order
  std::vector<std::vector<PendingOrder>> order_chunks;  // scratch: the orders found per block of accounts, in order
  std::vector<double> order_lambda;  // cache: each account's order hazard per tick on day lambda_day
  int lambda_day = -1;               // (not checkpointed: recomputed from the saved rates after a restore)
  std::vector<std::vector<DayChange>> change_chunks;  // scratch of begin_day: each block's changes, in order
  std::vector<Tick> trial_start;     // first-order tick if eligible for the 30-day repurchase KPI
  std::vector<uint8_t> cohort;       // bit c: repeat customer on retention cohort day 30c (c < 8)
  std::vector<PendingOrder> pending;
  std::vector<size_t> pending_at;                // scratch of parallel_append into pending (reps' and the order phase's orders)
  // demand
  std::vector<double> region_rate, promo_loss;
  // forecasting & inventory per series (region * n_skus + sku)
  std::vector<std::vector<double>> history;
  std::vector<double> bucket_demand, current_forecast, err_var;
  std::vector<bool> has_forecast;
  int bucket = 0;
  std::vector<std::vector<double>> arrivals;  // [day][series]
  std::vector<double> on_order;
  std::vector<double> region_units_today;
  std::vector<std::array<double, 14>> region_units_ring;
  std::vector<double> region_wow;
  std::vector<RegionBook> region_books;          // scratch of fulfil, empty between ticks (not checkpointed)
  std::vector<Suggestion> suggestions;
  // interventions (docs/interventions.md)
  std::vector<double> region_units_daily;           // [day * regions + g]
  std::vector<uint32_t> region_first_orders_daily;  // [day * regions + g]
  std::vector<double> stock_cover;                  // per series, days
  size_t next_outcome = 0;                          // first intervention record whose outcome is not measured
  std::deque<Task> digital;                         // pushed material, sent at the next tick
  std::vector<std::deque<Task>> pod_queue;          // dispatched to a pod's specialists, [pod * 3 + role]
  std::array<std::deque<Task>, 3> central_queue;    // dispatched to the central departments, per role
  std::array<double, 3> central_capacity_left{};    // today, per role (same headcount as the pods would have)
  std::vector<double> pod_capacity_left;            // today, [pod * 3 + role]
  RepOut support_out;                               // scratch for specialist and digital touches
  std::vector<RepOut> pod_out;                      // scratch: each pod's specialist touches, merged in pod order
  // behaviour value (docs/model.md#behaviour-value): the last kValueRing valued touches of each account
  std::vector<std::array<float, kValueRing>> value_amount;
  std::vector<std::array<Tick, kValueRing>> value_tick;
  // deals and pods (docs/pods.md)
  std::vector<Tick> engaged_at;                     // per account: when it last reached engaged (kNever)
  std::vector<Tick> card_raised, card_answer;       // per account: open demand card (kNever: none)
  std::vector<uint16_t> card_topic;
  std::vector<ContactId> card_contact;
  std::vector<uint8_t> card_reused;
  std::vector<AccountId> open_cards;                // in the order raised
  std::vector<std::vector<uint8_t>> pod_topic_known;  // [pod][topic]
  std::vector<float> discount_pending;              // per account: approved discount waiting for the manager
  std::vector<Tick> discount_ready;                 // per account: when the manager's approval arrives
  // poaching (docs/incentives.md#poaching): who takes an account's revenue credit, and until when
  std::vector<RepId> poached_by;
  std::vector<Tick> poached_until;
  // Per account, which of four fields an order must read: a discount, a poaching (past or present),
  // an unpaid late invoice and a credit freeze are rare, and the arrays were a quarter of an order's
  // memory traffic (docs/performance.md). Derived, not state: kept in step wherever those fields change
  // (set_order_flags), rebuilt whole at construction and restore; neither saved nor hashed.
  enum : uint8_t { kFlagDiscount = 1, kFlagPoached = 2, kFlagArrears = 4, kFlagFrozen = 8 };
  std::vector<uint8_t> order_flags;
  uint8_t order_flags_for(const World& w, AccountId a) const {
    return uint8_t((w.acct_discount[a] != 0.f ? kFlagDiscount : 0) | (poached_until[a] != kNever ? kFlagPoached : 0) |
                   (w.arrears_due[a] != kNever ? kFlagArrears : 0) | (w.credit_frozen[a] ? kFlagFrozen : 0));
  }
  void set_order_flags(const World& w, AccountId a) { order_flags[a] = order_flags_for(w, a); }
  // Asks for the account fields touch_account reads at account a, so that the cache misses of the
  // several touches that come next overlap; changes nothing (docs/performance.md). The contact's
  // fields are the caller's: it may not know the contact yet.
  void prefetch_touch(const World& w, AccountId a) const {
    __builtin_prefetch(&w.last_valid_visit[a], 1);
    __builtin_prefetch(&value_amount[a], 1);
    __builtin_prefetch(&value_tick[a], 1);
    __builtin_prefetch(&card_answer[a]);
    __builtin_prefetch(&discount_ready[a]);
    __builtin_prefetch(&w.stage_since[a]);
  }
  void rebuild_order_flags(const World& w) {
    order_flags.assign(w.accounts(), 0);
    for (AccountId a = 0; a < AccountId(w.accounts()); ++a) set_order_flags(w, a);
  }
  double revenue_total = 0, orders_total = 0;       // running, for a rep's estimate of an order's value
  int month_start_day = 0;
  uint32_t order_seq = 0;
  // incentives (docs/incentives.md)
  std::vector<PlanSignals> incentives;     // per rep: what the plan rewards now
  std::vector<PlanVars> last_vars;         // per rep: the variables of its previous statement
  std::vector<double> last_total, last_base;
  std::vector<uint8_t> has_last;
  std::vector<Tick> first_order_tick;      // per account: its latest first order
  // Revenue of the last three months (a ring of months), [month][account]: an order adds to one
  // month, so one array of the three is in its way, not all three (docs/performance.md).
  std::array<std::vector<float>, 3> rev_months;
  std::vector<uint32_t> categories;        // per account: categories ordered this period (bits)
  std::vector<double> region_inventory_sum, region_cogs_sum;  // this period, per region
  int month_index = 0, period_days = 0;
  Tick next_recompute = 0, recompute_every = 1;
  // Derived from the scenario (not checkpointed: rebuilt by init and adjust): a repeat customer's
  // churn hazard per day before promotions, stock-outs and poaching, by ticks since its last valid
  // visit (docs/model.md#churn).
  TickTable churn_base;
  bool plan_uses_retention = true;         // derived from the plan (not checkpointed: rebuilt with it)
  // warehouse staff (docs/model.md#warehouse)
  std::vector<double> staff_effort;                // per staff member: effort now
  std::vector<StaffPeriodStats> staff_period;      // per staff member: this period
  std::vector<uint32_t> staff_next;                // per region: whose turn the next replenishment is
  std::vector<std::vector<uint32_t>> staff_due;    // [day]: (staff << 1 | on time) of replenishments due that day
  std::vector<double> region_last_inventory_days;  // per region: turnover of the last closed period (NaN: none)
  std::vector<StaffVars> staff_last_vars;          // per staff member: the variables of its previous statement
  std::vector<double> staff_last_total, staff_last_base;
};

}  // namespace salesim
