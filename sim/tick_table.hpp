// A function of a whole number of ticks, tabulated: hot loops evaluate expressions such as
// exp(k * days(dt)) for every account, while dt takes few distinct values. The table holds exactly
// the doubles the function returns (it is the same function called once per dt), so a lookup
// changes no result; beyond the table the function is called. docs/performance.md
#pragma once
#include <functional>
#include <utility>
#include <vector>

#include "sim/calendar.hpp"

namespace salesim {

class TickTable {
 public:
  TickTable() = default;
  TickTable(Tick size, std::function<double(Tick)> f) : f_(std::move(f)) {
    table_.reserve(size_t(size));
    for (Tick dt = 0; dt < size; ++dt) table_.push_back(f_(dt));
  }
  double operator()(Tick dt) const { return size_t(dt) < table_.size() ? table_[size_t(dt)] : f_(dt); }
  // The table itself, for loops that read it for many dt at once: f(dt) for dt < size().
  const double* data() const { return table_.data(); }
  size_t size() const { return table_.size(); }

 private:
  std::function<double(Tick)> f_;
  std::vector<double> table_;
};

// The least whole number of ticks dt >= 0 with double(dt) / tpd >= days, or -1 if there is none
// below `limit`. Division by tpd > 0 is monotone in dt, so for every dt >= 0, dt < this is exactly
// double(dt) / tpd < days: a hot loop compares integers instead of waiting for a division.
inline Tick least_ticks_reaching(double days, Tick tpd, Tick limit = Tick(1) << 24) {
  if (tpd <= 0) return -1;
  for (Tick dt = 0; dt < limit; ++dt)
    if (double(dt) / double(tpd) >= days) return dt;
  return -1;
}

}  // namespace salesim
