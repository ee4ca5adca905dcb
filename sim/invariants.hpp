// Invariants of a run that must hold after every step, whatever the scenario (docs/reliability.md#soak):
// finite state, no negative stock, revenue equal to the sum of orders, every account in one stage,
// reps within their daily capacity, payout statements equal to their lines. Used by the soak test;
// cheap enough to call once a simulated day.
#pragma once
#include <string>
#include <vector>

#include "sim/engine.hpp"

namespace salesim {

// Days after which every KPI must be defined (retention_6m needs a cohort 182 days old).
constexpr int kKpiWarmupDays = 183;

// Checks an engine incrementally: each call looks at the whole current state but only at the days,
// events and payout statements recorded since the previous call, so calling it every day of a
// multi-year run stays linear in the run's length. Use one checker per engine.
class InvariantChecker {
 public:
  // Every violated invariant, one sentence each (empty when all hold). At most `limit` messages.
  // `with_kpis`: also compute every KPI (the costliest part: the median basket sorts every order
  // so far), so a daily caller can ask for it less often.
  std::vector<std::string> check(const Engine& e, size_t limit = 20, bool with_kpis = true);

 private:
  size_t events_seen_ = 0, statements_seen_ = 0;
  int days_checked_ = 0;
  std::vector<double> day_order_revenue_;     // sum of order events by day
  std::vector<uint32_t> day_order_count_;     // number of order events by day
  std::vector<double> rep_day_capacity_used_; // touch cost by rep, for the day being accumulated
  int capacity_day_ = -1;
};

// The same, once, over the whole run so far.
std::vector<std::string> check_invariants(const Engine& e, size_t limit = 20);

}  // namespace salesim
