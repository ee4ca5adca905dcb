// Incentive plans: linear commission on the revenue of the rep's accounts. docs/model.md#incentive
#include <cmath>
#include <fmt/format.h>

#include "models/models.hpp"

namespace salesim::models {
namespace {

class LinearCommission final : public IncentivePlan {
 public:
  explicit LinearCommission(const Scenario& sc)
      : rate_(sc.incentive.params["rate"]), scale_(sc.incentive.params["effort_scale"]),
        floor_(sc.incentive.params["effort_floor"]) {}

  PayoutStatement pay(RepId r, const std::string& period, const RepPeriodStats& s, double base) const override {
    PayoutStatement st;
    st.rep = r;
    st.period = period;
    st.lines.push_back({"base_salary", 0, 0, base, fmt::format("fixed monthly pay {:.2f} CNY", base)});
    const double commission = std::round(rate_ * s.revenue * 100.0) / 100.0;  // paid in fen
    st.lines.push_back({"commission", s.revenue, rate_, commission,
                        fmt::format("{:.2f}% of {:.2f} CNY revenue from your accounts", rate_ * 100, s.revenue)});
    for (const auto& l : st.lines) st.total += l.amount;
    return st;
  }

  // Effort rises with the share of pay at stake: floor + (1 - floor)(1 - exp(-rate / scale)).
  double effort(RepId) const override { return floor_ + (1.0 - floor_) * (1.0 - std::exp(-rate_ / scale_)); }

 private:
  double rate_, scale_, floor_;
};

}  // namespace

std::unique_ptr<IncentivePlan> make_linear_commission(const Scenario& sc) {
  return std::make_unique<LinearCommission>(sc);
}

}  // namespace salesim::models
