#include "sim/attribution.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace salesim {

namespace {

// Shapley values of the variables `vars` (named by `names`) for the pay function `total`: the
// average, over every order of switching them from `before` to `after`, of the change each causes.
template <class Vars, class Var, size_t N, class Total>
std::vector<Attribution> shapley(const std::vector<Var>& vars, const std::array<std::string_view, N>& names,
                                 const Vars& before, const Vars& after, Total total) {
  const size_t n = vars.size();
  std::vector<Attribution> out;
  if (n == 0 || n > 16) return out;
  // f(S): pay with the variables in S at their new values and the others at their old ones.
  std::vector<double> f(size_t(1) << n);
  const AmountsOnly amounts_only;  // the lines' text is not needed here
  for (size_t mask = 0; mask < f.size(); ++mask) {
    Vars x = before;
    for (size_t i = 0; i < n; ++i)
      if (mask >> i & 1u) x[vars[i]] = after[vars[i]];
    f[mask] = total(x);
  }
  std::vector<double> fact(n + 1, 1.0);
  for (size_t k = 1; k <= n; ++k) fact[k] = fact[k - 1] * double(k);
  for (size_t i = 0; i < n; ++i) {
    double phi = 0;
    for (size_t mask = 0; mask < f.size(); ++mask) {
      if (mask >> i & 1u) continue;
      const size_t s = size_t(__builtin_popcountll(mask));
      phi += fact[s] * fact[n - s - 1] / fact[n] * (f[mask | (size_t(1) << i)] - f[mask]);
    }
    out.push_back({std::string(names[vars[i]]), before[vars[i]], after[vars[i]], phi});
  }
  return out;
}

double sum_amounts(const std::vector<PayoutLine>& lines) {
  double t = 0;
  for (const auto& l : lines) t += l.amount;
  return t;
}

}  // namespace

double plan_total(const IncentivePlan& plan, const PlanVars& x) {
  std::vector<PayoutLine> lines;
  plan.lines(x, lines);
  return sum_amounts(lines);
}

double plan_total(const IncentivePlan& plan, const StaffVars& x) {
  std::vector<PayoutLine> lines;
  plan.staff_lines(x, lines);
  return sum_amounts(lines);
}

std::vector<Attribution> shapley_attribution(const IncentivePlan& plan, const PlanVars& before, const PlanVars& after) {
  return shapley(plan.uses(), kPlanVarNames, before, after, [&](const PlanVars& x) { return plan_total(plan, x); });
}

std::vector<Attribution> shapley_attribution(const IncentivePlan& plan, const StaffVars& before, const StaffVars& after) {
  return shapley(plan.staff_uses(), kStaffVarNames, before, after, [&](const StaffVars& x) { return plan_total(plan, x); });
}

namespace {
std::string show(const std::string& var, double x) {
  if (std::isnan(x)) return "n/a";
  if (var == "first_order_margin" || var == "new_customer_retention" || var == "channel_health" ||
      var == "complaint_rate" || var == "churn_warnings" || var == "on_time_share")
    return fmt::format("{:.1f}%", x * 100);
  if (var == "new_customers" || var == "pod_size" || var == "replenishments") return fmt::format("{:.0f}", x);
  if (std::abs(x) >= 1000) return fmt::format("{:.0f}", x);
  return fmt::format("{:.2f}", x);
}
}  // namespace

std::string explain_change(const PayoutStatement& st) {
  if (!st.has_previous) return "first period: nothing to compare with";
  const double change = st.total - st.previous_total;
  std::vector<const Attribution*> parts;
  for (const auto& a : st.attribution)
    if (std::abs(a.amount) >= 0.005) parts.push_back(&a);
  std::sort(parts.begin(), parts.end(), [](auto* x, auto* y) { return std::abs(x->amount) > std::abs(y->amount); });
  std::string out;
  if (std::abs(change) < 0.005) out = "your pay did not change";
  else
    out = fmt::format("your pay {} {:.1f}% ({:+.2f} CNY)", change > 0 ? "rose" : "fell",
                      st.previous_total != 0 ? 100 * std::abs(change) / std::abs(st.previous_total) : 0.0, change);
  for (size_t i = 0; i < parts.size() && i < 3; ++i) {
    const Attribution& a = *parts[i];
    out += i == 0 ? ", mainly because " : (i + 1 == parts.size() || i == 2 ? " and " : ", ");
    if (a.variable == "base_salary")
      out += fmt::format("the base salary changed from {:.2f} to {:.2f} ({:+.2f} CNY)", a.from, a.to, a.amount);
    else
      out += fmt::format("{} went from {} to {} ({:+.2f} CNY)", a.variable, show(a.variable, a.from),
                         show(a.variable, a.to), a.amount);
  }
  if (parts.size() > 3) {
    double rest = 0;
    for (size_t i = 3; i < parts.size(); ++i) rest += parts[i]->amount;
    out += fmt::format("; other variables {:+.2f} CNY", rest);
  }
  return out;
}

}  // namespace salesim
