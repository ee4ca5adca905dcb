// Incentive plans: linear, tiered (quota, accelerators, cap, floor, clawback), gated, team (pod)
// and dynamic (a weighted multiplier over health variables, negative terms included), each with the
// conditional rule (new-product cut, collaboration bonus to warehouse staff). Each plan is a pure
// function from the period's variables to pay lines, so every payout can be explained.
// docs/incentives.md
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "models/models.hpp"

namespace salesim::models {
namespace {

double cents(double x) { return std::round(x * 100.0) / 100.0; }
bool nan(double x) { return std::isnan(x); }
std::string pct(double x) { return nan(x) ? std::string("n/a") : fmt::format("{:.1f}%", x * 100); }
// A line's explanation, or nothing while only amounts are wanted (AmountsOnly, sim/policies.hpp).
template <class... A>
std::string say(fmt::format_string<A...> f, A&&... a) {
  if (AmountsOnly::active()) return {};
  return fmt::format(f, std::forward<A>(a)...);
}

// Shared by every plan: the conditional new-product rule (domain.md section 3).
class PlanBase : public IncentivePlan {
 public:
  explicit PlanBase(const Scenario& sc) {
    const auto& r = sc.incentive.params["new_product_rule"];
    np_enabled_ = r["enabled"];
    np_limit_ = r["inventory_turnover_days_above"];
    np_cut_ = r["rate_cut_points"].get<double>() / 100.0;
    const auto& b = r["collaboration_bonus"];
    bonus_enabled_ = b["enabled"];
    bonus_share_ = b["on_time_share_above"];
    bonus_amount_ = b["amount_cny_month"];
  }
  std::vector<PlanVar> uses() const final {
    auto u = own_uses();
    if (np_enabled_) { u.push_back(kVarNewProductRevenue); u.push_back(kVarRegionInventoryDays); }
    return u;
  }
  void lines(const PlanVars& x, std::vector<PayoutLine>& out) const final {
    own_lines(x, out);
    if (np_enabled_ && !nan(x[kVarRegionInventoryDays]) && x[kVarRegionInventoryDays] > np_limit_)
      out.push_back({"new_product_rate_cut", x[kVarNewProductRevenue], -np_cut_, cents(-np_cut_ * x[kVarNewProductRevenue]),
                     say("your region turns its stock in {:.1f} days (> {:.0f}): new-product commission cut by "
                                 "{:.2f} points on {:.2f} CNY",
                                 x[kVarRegionInventoryDays], np_limit_, np_cut_ * 100, x[kVarNewProductRevenue])});
  }

  // The same rule's collaboration bonus to the region's warehouse staff (domain.md section 3): a flat
  // amount to each staff member of a region turning its stock slower than the limit whose own
  // replenishments were on time more than on_time_share_above of the time. docs/incentives.md#collaboration-bonus
  bool region_slow(const StaffVars& x) const {
    return !nan(x[kStaffRegionInventoryDays]) && x[kStaffRegionInventoryDays] > np_limit_;
  }
  std::vector<StaffVar> staff_uses() const final {
    if (!bonus_enabled_) return {};
    return {kStaffRegionInventoryDays, kStaffOnTimeShare};
  }
  void staff_lines(const StaffVars& x, std::vector<PayoutLine>& out) const final {
    if (!bonus_enabled_) return;
    const double days = x[kStaffRegionInventoryDays], share = x[kStaffOnTimeShare];
    const double due = nan(x[kStaffReplenishments]) ? 0.0 : x[kStaffReplenishments];
    // No replenishment due: nothing was late, and a condition with nothing to measure holds
    // (docs/incentives.md#variables), as the gated plan's gates do.
    const bool on_time = nan(share) || share > bonus_share_;
    const bool paid = region_slow(x) && on_time;
    std::string why;
    if (nan(days))
      why = "your region sold nothing this month, so its turnover is not measured: no collaboration bonus";
    else if (!region_slow(x))
      why = fmt::format("your region turns its stock in {:.1f} days (not above {:.0f}): the rule does not apply", days,
                        np_limit_);
    else
      why = fmt::format("your region turns its stock in {:.1f} days (> {:.0f}) and {}: {}", days, np_limit_,
                        nan(share) ? std::string("no replenishment of yours was due this month (nothing late)")
                                   : fmt::format("{} of your {:.0f} replenishments due arrived on time ({} {:.0f}%)",
                                                 pct(share), due, on_time ? ">" : "not above", bonus_share_ * 100),
                        paid ? fmt::format("collaboration bonus {:.2f} CNY", bonus_amount_) : std::string("no bonus"));
    out.push_back({"collaboration_bonus", share, 0, paid ? cents(bonus_amount_) : 0.0, why});
  }
  double staff_stake(const StaffVars& x) const final {
    return bonus_enabled_ && region_slow(x) ? bonus_amount_ : 0.0;
  }

 protected:
  virtual std::vector<PlanVar> own_uses() const = 0;
  virtual void own_lines(const PlanVars& x, std::vector<PayoutLine>& out) const = 0;

 private:
  bool np_enabled_ = false;
  double np_limit_ = 45, np_cut_ = 0.005;
  bool bonus_enabled_ = false;
  double bonus_share_ = 0.95, bonus_amount_ = 500;
};

class Linear final : public PlanBase {
 public:
  explicit Linear(const Scenario& sc) : PlanBase(sc), rate_(sc.incentive.params["rate"]) {}
  std::vector<PlanVar> own_uses() const override { return {kVarRevenue}; }
  void own_lines(const PlanVars& x, std::vector<PayoutLine>& out) const override {
    out.push_back({"commission", x[kVarRevenue], rate_, cents(rate_ * x[kVarRevenue]),
                   say("{:.2f}% of {:.2f} CNY revenue from your accounts", rate_ * 100, x[kVarRevenue])});
  }
  PlanSignals signals(const PlanVars&) const override { return {rate_, 0, 0, 0}; }

 private:
  double rate_;
};

class Tiered final : public PlanBase {
 public:
  explicit Tiered(const Scenario& sc) : PlanBase(sc) {
    const auto& p = sc.incentive.params;
    quota_ = p["quota_cny_month"];
    cap_ = p["cap_cny_month"];
    floor_ = p["floor_cny_month"];
    clawback_ = p["clawback_share"];
    for (const auto& t : p["tiers"]) tiers_.push_back({t["from_attainment"], t["rate"]});
    std::sort(tiers_.begin(), tiers_.end());
  }
  std::vector<PlanVar> own_uses() const override { return {kVarRevenue, kVarClawbackBase}; }

  double commission(double revenue) const {
    double c = 0;
    for (size_t k = 0; k < tiers_.size(); ++k) {
      const double lo = tiers_[k].first * quota_;
      const double hi = k + 1 < tiers_.size() ? tiers_[k + 1].first * quota_ : INFINITY;
      if (revenue > lo) c += tiers_[k].second * (std::min(revenue, hi) - lo);
    }
    return c;
  }
  double marginal_rate(double revenue) const {
    double r = 0;
    for (const auto& [from, rate] : tiers_)
      if (revenue >= from * quota_) r = rate;
    return r;
  }
  double average_rate(double revenue) const {
    return revenue > 0 ? commission(revenue) / revenue : marginal_rate(0);
  }

  void own_lines(const PlanVars& x, std::vector<PayoutLine>& out) const override {
    const double rev = x[kVarRevenue];
    const double c = cents(commission(rev));
    out.push_back({"commission", rev, rev > 0 ? c / rev : 0, c,
                   say("tiered commission on {:.2f} CNY: {:.1f}% of your {:.0f} CNY quota attained", rev,
                               100 * rev / quota_, quota_)});
    double variable = c;
    if (cap_ > 0 && variable > cap_) {
      out.push_back({"cap", variable, 0, cents(cap_ - variable), say("variable pay capped at {:.2f} CNY", cap_)});
      variable = cap_;
    }
    if (variable < floor_) {
      out.push_back({"floor", variable, 0, cents(floor_ - variable), say("topped up to the {:.2f} CNY floor", floor_)});
    }
    if (clawback_ > 0 && x[kVarClawbackBase] > 0) {
      const double rate = average_rate(rev);
      out.push_back({"clawback", x[kVarClawbackBase], -clawback_ * rate, cents(-clawback_ * rate * x[kVarClawbackBase]),
                     say("{:.0f}% of the commission on {:.2f} CNY earned from customers who churned",
                                 clawback_ * 100, x[kVarClawbackBase])});
    }
  }
  PlanSignals signals(const PlanVars& x) const override {
    const double rev = x[kVarRevenue];
    double per_rev = marginal_rate(rev);
    if (cap_ > 0 && commission(rev) >= cap_) per_rev = 0;  // nothing more to earn this month
    return {per_rev, 0, 0, clawback_ * average_rate(rev)};
  }

 private:
  double quota_, cap_, floor_, clawback_;
  std::vector<std::pair<double, double>> tiers_;
};

class Gated final : public PlanBase {
 public:
  explicit Gated(const Scenario& sc) : PlanBase(sc) {
    const auto& p = sc.incentive.params;
    rate_ = p["rate"];
    bonus_ = p["new_customer_bonus_cny"];
    min_margin_ = p["min_first_order_margin"];
    min_retention_ = p["min_new_customer_retention"];
    gated_share_ = p["gated_share"];
  }
  std::vector<PlanVar> own_uses() const override {
    return {kVarRevenue, kVarNewCustomers, kVarFirstOrderMargin, kVarNewCustomerRetention};
  }
  // A gate with nothing to measure (no first orders, no cohort) holds.
  bool margin_ok(const PlanVars& x) const { return nan(x[kVarFirstOrderMargin]) || x[kVarFirstOrderMargin] >= min_margin_; }
  bool retention_ok(const PlanVars& x) const {
    return nan(x[kVarNewCustomerRetention]) || x[kVarNewCustomerRetention] >= min_retention_;
  }
  void own_lines(const PlanVars& x, std::vector<PayoutLine>& out) const override {
    const double rev = x[kVarRevenue];
    out.push_back({"commission", rev, rate_, cents(rate_ * rev),
                   say("{:.2f}% of {:.2f} CNY revenue from your accounts", rate_ * 100, rev)});
    if (!margin_ok(x) || !retention_ok(x)) {
      std::string why;
      if (!margin_ok(x)) why += say("first-order margin {} < {}", pct(x[kVarFirstOrderMargin]), pct(min_margin_));
      if (!retention_ok(x))
        why += say("{}6-month retention of new customers {} < {}", why.empty() ? "" : " and ",
                           pct(x[kVarNewCustomerRetention]), pct(min_retention_));
      out.push_back({"gate", rate_ * rev, -(1 - gated_share_), cents(-(1 - gated_share_) * rate_ * rev),
                     say("gate not met ({}): {:.0f}% of the commission is paid", why, gated_share_ * 100)});
    }
    const double n = x[kVarNewCustomers];
    if (n > 0)
      out.push_back({"new_customer_bonus", n, margin_ok(x) ? bonus_ : 0, margin_ok(x) ? cents(bonus_ * n) : 0,
                     margin_ok(x) ? say("{:.0f} new customers x {:.2f} CNY", n, bonus_)
                                  : say("{:.0f} new customers, no bonus: first-order margin below {}", n,
                                                pct(min_margin_))});
  }
  PlanSignals signals(const PlanVars& x) const override {
    const bool ok = margin_ok(x) && retention_ok(x);
    // The retention gate puts (1 - gated_share) of a month's commission at stake, shared over the
    // month's new customers: what keeping one of them is worth.
    const double monthly = nan(x[kVarExpectedRevenue]) ? x[kVarRevenue] : x[kVarExpectedRevenue];
    const double cohort = std::max(1.0, nan(x[kVarNewCustomers]) ? 1.0 : x[kVarNewCustomers]);
    const double stake = (1.0 - gated_share_) * rate_ * monthly / cohort;
    // New customers count for the gate only while they keep buying: keeping customers matters too.
    return {rate_ * (ok ? 1.0 : gated_share_), margin_ok(x) ? bonus_ : 0.0, stake, (1.0 - gated_share_) * rate_};
  }

 private:
  double rate_, bonus_, min_margin_, min_retention_, gated_share_;
};

class Team final : public PlanBase {
 public:
  explicit Team(const Scenario& sc) : PlanBase(sc) {
    const auto& p = sc.incentive.params;
    rate_ = p["rate"];
    pod_share_ = p["pod_share"];
    goal_ = p["pod_goal_cny_month"];
    goal_bonus_ = p["pod_goal_bonus_cny"];
  }
  std::vector<PlanVar> own_uses() const override { return {kVarRevenue, kVarPodRevenue}; }
  void own_lines(const PlanVars& x, std::vector<PayoutLine>& out) const override {
    const double rev = x[kVarRevenue], pod = x[kVarPodRevenue], size = std::max(1.0, x[kVarPodSize]);
    const double own_rate = rate_ * (1 - pod_share_);
    out.push_back({"commission", rev, own_rate, cents(own_rate * rev),
                   say("{:.2f}% of {:.2f} CNY revenue from your accounts", own_rate * 100, rev)});
    const double pod_rate = rate_ * pod_share_ / size;
    out.push_back({"pod_share", pod, pod_rate, cents(pod_rate * pod),
                   say("your 1/{:.0f} of {:.2f}% of your pod's {:.2f} CNY", size, rate_ * pod_share_ * 100, pod)});
    if (goal_ > 0 && pod >= goal_)
      out.push_back({"pod_goal_bonus", pod, 0, cents(goal_bonus_),
                     say("your pod reached its {:.0f} CNY goal", goal_)});
  }
  PlanSignals signals(const PlanVars& x) const override {
    const double size = std::max(1.0, nan(x[kVarPodSize]) ? 1.0 : x[kVarPodSize]);
    return {rate_ * (1 - pod_share_ + pod_share_ / size), 0, 0, 0};
  }

 private:
  double rate_, pod_share_, goal_, goal_bonus_;
};

class Dynamic final : public PlanBase {
 public:
  explicit Dynamic(const Scenario& sc) : PlanBase(sc) {
    const auto& p = sc.incentive.params;
    rate_ = p["rate"];
    hours_ = p["recompute_hours"];
    const auto& w = p["weights"];
    const auto& r = p["references"];
    terms_ = {{kVarClv, w["clv"], 0.0},
              {kVarChannelHealth, w["channel_health"], r["channel_health"]},
              {kVarSynergy, w["synergy"], r["synergy"]},
              {kVarComplaintRate, w["complaint_rate"], r["complaint_rate"]},
              {kVarChurnWarnings, w["churn_warnings"], r["churn_warnings"]},
              {kVarPoachingComplaints, w["poaching_complaints"], 0.0}};
    lo_ = p["multiplier_min"];
    hi_ = p["multiplier_max"];
    poach_weight_ = w["poaching_complaints"];
  }
  std::vector<PlanVar> own_uses() const override {
    std::vector<PlanVar> v = {kVarRevenue, kVarClv, kVarChannelHealth, kVarSynergy, kVarComplaintRate, kVarChurnWarnings};
    if (poach_weight_ != 0) v.push_back(kVarPoachingComplaints);  // only plans that price poaching show it
    return v;
  }
  double multiplier(const PlanVars& x) const {
    double m = 1.0;
    for (const auto& t : terms_)
      if (!nan(x[t.var])) m += t.weight * (x[t.var] - t.reference);
    return std::clamp(m, lo_, hi_);
  }
  void own_lines(const PlanVars& x, std::vector<PayoutLine>& out) const override {
    const double rev = x[kVarRevenue], m = multiplier(x);
    out.push_back({"commission", rev, rate_, cents(rate_ * rev),
                   say("{:.2f}% of {:.2f} CNY revenue from your accounts", rate_ * 100, rev)});
    std::string terms;
    for (const auto& t : terms_)
      if (!nan(x[t.var]) && t.weight != 0)
        terms += say("{}{} {:.3f} (reference {:.3f}, weight {:+.2f})", terms.empty() ? "" : "; ",
                             kPlanVarNames[t.var], x[t.var], t.reference, t.weight);
    out.push_back({"dynamic_adjustment", rate_ * rev, m - 1, cents(rate_ * rev * (m - 1)),
                   say("multiplier {:.3f} from {}", m, terms)});
  }
  PlanSignals signals(const PlanVars& x) const override {
    const double m = multiplier(x);
    // Keeping a customer served raises channel health and lowers churn warnings.
    double retain = 0;
    for (const auto& t : terms_)
      if (t.var == kVarChannelHealth) retain += std::max(0.0, t.weight);
      else if (t.var == kVarChurnWarnings) retain += std::max(0.0, -t.weight);
    // One more complaint moves the multiplier by the weight, on the month's expected commission base.
    const double base = nan(x[kVarExpectedRevenue]) ? x[kVarRevenue] : x[kVarExpectedRevenue];
    return {rate_ * m, 0, 0, rate_ * retain, rate_ * base * poach_weight_};
  }
  double recompute_hours() const override { return hours_; }

 private:
  struct Term { PlanVar var; double weight, reference; };
  double rate_, hours_, lo_, hi_, poach_weight_ = 0;
  std::vector<Term> terms_;
};

}  // namespace

std::unique_ptr<IncentivePlan> make_linear_commission(const Scenario& sc) { return std::make_unique<Linear>(sc); }
std::unique_ptr<IncentivePlan> make_tiered(const Scenario& sc) { return std::make_unique<Tiered>(sc); }
std::unique_ptr<IncentivePlan> make_gated(const Scenario& sc) { return std::make_unique<Gated>(sc); }
std::unique_ptr<IncentivePlan> make_team(const Scenario& sc) { return std::make_unique<Team>(sc); }
std::unique_ptr<IncentivePlan> make_dynamic(const Scenario& sc) { return std::make_unique<Dynamic>(sc); }

}  // namespace salesim::models
