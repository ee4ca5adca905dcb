// Interventions: when/then threshold rules evaluated daily per account. The circuit breaker that
// degrades overload into a weekly brief is applied by the engine (sim/engine.cpp), since it needs
// each rep's capacity. docs/model.md#interventions
#include <cmath>

#include "models/models.hpp"

namespace salesim::models {
namespace {

enum class Metric { DaysSinceOrder, DaysSinceValidVisit, PromoDepth, Stage, RegionDemandChangeWow };
enum class Op { Gt, Ge, Lt, Le, Eq };

struct Condition { Metric metric; Op op; double value; };
struct Rule { std::string name; std::vector<Condition> when; Action action; int cooldown_days; };

Metric metric_of(const std::string& s) {
  if (s == "days_since_order") return Metric::DaysSinceOrder;
  if (s == "days_since_valid_visit") return Metric::DaysSinceValidVisit;
  if (s == "competitor_promo_depth") return Metric::PromoDepth;
  if (s == "stage") return Metric::Stage;
  return Metric::RegionDemandChangeWow;
}
Op op_of(const std::string& s) {
  if (s == ">") return Op::Gt;
  if (s == ">=") return Op::Ge;
  if (s == "<") return Op::Lt;
  if (s == "<=") return Op::Le;
  return Op::Eq;
}
bool holds(Op op, double x, double v) {
  switch (op) {
    case Op::Gt: return x > v;
    case Op::Ge: return x >= v;
    case Op::Lt: return x < v;
    case Op::Le: return x <= v;
    case Op::Eq: return x == v;
  }
  return false;
}

class ThresholdRules final : public InterventionPolicy {
 public:
  explicit ThresholdRules(const Scenario& sc) {
    for (const auto& r : sc.interventions.params["rules"]) {
      Rule rule{r["name"], {}, kNeedsDiscovery, r["then"]["cooldown_days"]};
      for (const auto& c : r["when"]) rule.when.push_back({metric_of(c["metric"]), op_of(c["op"]), c["value"]});
      const std::string act = r["then"]["action"];
      for (size_t a = 0; a < kActions; ++a)
        if (kActionNames[a] == act) rule.action = Action(a);
      rules_.push_back(std::move(rule));
    }
  }

  void init(const World& w) override { last_fired_.assign(rules_.size() * w.accounts(), -1000000); }
  size_t rule_count() const override { return rules_.size(); }
  const std::string& rule_name(size_t i) const override { return rules_[i].name; }

  void daily(const InterventionContext& ctx, std::vector<Suggestion>& out) override {
    const World& w = ctx.w;
    const double tpd = 24.0 / ctx.sc.clock.tick_hours();
    for (AccountId a = 0; a < w.accounts(); ++a) {
      for (size_t k = 0; k < rules_.size(); ++k) {
        const Rule& rule = rules_[k];
        int& last = last_fired_[k * w.accounts() + a];
        if (ctx.day - last < rule.cooldown_days) continue;
        bool all = true;
        for (const Condition& c : rule.when) {
          double x = 0;
          switch (c.metric) {
            case Metric::DaysSinceOrder:
              if (!is_customer(w.stage[a])) { all = false; break; }
              x = double(ctx.tick - w.last_order[a]) / tpd;
              break;
            case Metric::DaysSinceValidVisit: x = double(ctx.tick - w.last_valid_visit[a]) / tpd; break;
            case Metric::PromoDepth: x = ctx.sig.promo_at(ctx.day, w.acct_region[a]); break;
            case Metric::Stage: x = double(w.stage[a]) + 1.0; break;
            case Metric::RegionDemandChangeWow: x = ctx.region_demand_change_wow[w.acct_region[a]]; break;
          }
          if (!all || !holds(c.op, x, c.value)) { all = false; break; }
        }
        if (!all) continue;
        last = ctx.day;
        out.push_back({w.acct_rep[a], a, rule.action, uint16_t(k)});
      }
    }
  }

 private:
  std::vector<Rule> rules_;
  std::vector<int> last_fired_;  // [rule * accounts + account]: day it last fired
};

}  // namespace

std::unique_ptr<InterventionPolicy> make_threshold_rules(const Scenario& sc) { return std::make_unique<ThresholdRules>(sc); }

}  // namespace salesim::models
