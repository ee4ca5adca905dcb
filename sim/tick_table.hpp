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

 private:
  std::function<double(Tick)> f_;
  std::vector<double> table_;
};

}  // namespace salesim
