// Explainable pay: the change of a rep's (or a warehouse staff member's) pay between two periods, attributed exactly to the
// variables of its plan (Shapley values: the amounts always add up to the change), and said in
// plain words. docs/incentives.md#explaining-a-payout
#pragma once
#include <string>
#include <vector>

#include "sim/policies.hpp"

namespace salesim {

// Total variable pay (all lines) of a plan for the given variables.
double plan_total(const IncentivePlan& plan, const PlanVars& x);
// Shapley attribution of plan_total(after) - plan_total(before) over plan.uses().
std::vector<Attribution> shapley_attribution(const IncentivePlan& plan, const PlanVars& before, const PlanVars& after);
// The same for a warehouse staff member's variable pay (staff_lines) over plan.staff_uses().
double plan_total(const IncentivePlan& plan, const StaffVars& x);
std::vector<Attribution> shapley_attribution(const IncentivePlan& plan, const StaffVars& before, const StaffVars& after);
// "Your pay fell 12.0% (-1,234.56 CNY), mainly because revenue fell from ... (-900.00 CNY), ..."
std::string explain_change(const PayoutStatement& st);

}  // namespace salesim
