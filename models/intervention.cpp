// Interventions: when/then rules evaluated once a day, per account or per stock series. The circuit
// breaker that degrades overload into a weekly brief, and what each `then` does, are applied by the
// engine (sim/engine.cpp), since they need each rep's capacity and the pods. docs/interventions.md
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "models/models.hpp"
#include "sim/checkpoint.hpp"
#include "sim/parallel.hpp"
#include "sim/simd.hpp"

namespace salesim::models {
namespace {

enum class Metric {
  DaysSinceOrder, DaysSinceValidVisit, PromoDepth, Stage, RegionDemandChangeWow, RegionUnitsChangePct,
  RegionNewCustomers, TrialIdleDays, DaysInStage, OverdueDays, CreditFrozen, StockCoverDays,
};
enum class Op { Gt, Ge, Lt, Le, Eq };

struct Condition { Metric metric; Op op; double value; int window_days; };
struct Then { ThenKind kind; Action action; SpecialistRole role; double cover_days; int lead_days; };
struct Rule { std::string name; bool stock; std::vector<Condition> when; std::vector<Then> then; int cooldown_days; };

Metric metric_of(const std::string& s) {
  static const std::pair<const char*, Metric> names[] = {
      {"days_since_order", Metric::DaysSinceOrder}, {"days_since_valid_visit", Metric::DaysSinceValidVisit},
      {"competitor_promo_depth", Metric::PromoDepth}, {"stage", Metric::Stage},
      {"region_demand_change_wow", Metric::RegionDemandChangeWow},
      {"region_units_change_pct", Metric::RegionUnitsChangePct}, {"region_new_customers", Metric::RegionNewCustomers},
      {"trial_idle_days", Metric::TrialIdleDays}, {"days_in_stage", Metric::DaysInStage},
      {"overdue_days", Metric::OverdueDays}, {"credit_frozen", Metric::CreditFrozen},
      {"stock_cover_days", Metric::StockCoverDays}};
  for (const auto& [n, m] : names)
    if (s == n) return m;
  return Metric::Stage;  // unreachable: the schema's enum lists exactly these names
}
Op op_of(const std::string& s) {
  if (s == ">") return Op::Gt;
  if (s == ">=") return Op::Ge;
  if (s == "<") return Op::Lt;
  if (s == "<=") return Op::Le;
  return Op::Eq;
}
// A metric that cannot be measured (NaN: not a trial customer, no history yet) never satisfies a condition.
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
template <class E, size_t N>
E enum_of(const std::array<std::string_view, N>& names, const std::string& s) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == s) return E(i);
  return E(0);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr long kBlock = 256;  // accounts evaluated together (ThresholdRules::daily)

// The per-account state an account condition reads, from the block's first account on.
struct AccountColumns {
  const uint8_t* stage;
  const Tick *last_order, *last_valid_visit, *stage_since, *arrears_due;
  const uint8_t* credit_frozen;
};

// mask[i] &= (the condition holds for account i) for i in [0, n), n <= kBlock; returns whether any
// mask entry is still set. The metric of one account is what docs/interventions.md#metrics defines;
// NaN (not measurable) never holds. Simple loops over arrays, without reductions or calls, which the
// compiler vectorises; compiled twice (sim/simd.hpp): AVX-512 converts the 64-bit tick counts to
// doubles and divides 8 at a time, with the same IEEE operations, so the same bits.
#define SALESIM_ACCOUNT_CONDITION(NAME, ATTR)                                                                \
  ATTR bool NAME(const Condition& c, const AccountColumns& col, Tick t, long n, double tpd, uint8_t* mask) { \
    const uint8_t* stage = col.stage;                                                                        \
    const Tick *last_order = col.last_order, *lvv = col.last_valid_visit, *since = col.stage_since,          \
               *due = col.arrears_due;                                                                       \
    const uint8_t* frozen = col.credit_frozen;                                                               \
    alignas(64) double x[kBlock];                                                                            \
    switch (c.metric) {                                                                                      \
      case Metric::DaysSinceOrder: /* NaN (never holds) for a prospect: cleared from the mask instead */     \
        for (long i = 0; i < n; ++i) mask[i] &= uint8_t(stage[i] >= kTrial);                                 \
        for (long i = 0; i < n; ++i) x[i] = double(t - last_order[i]) / tpd;                                 \
        break;                                                                                               \
      case Metric::DaysSinceValidVisit: for (long i = 0; i < n; ++i) x[i] = double(t - lvv[i]) / tpd; break; \
      case Metric::Stage: for (long i = 0; i < n; ++i) x[i] = double(stage[i]) + 1.0; break;                 \
      case Metric::DaysInStage: for (long i = 0; i < n; ++i) x[i] = double(t - since[i]) / tpd; break;       \
      case Metric::TrialIdleDays: /* NaN for anyone not in trial: cleared from the mask */                   \
        for (long i = 0; i < n; ++i) mask[i] &= uint8_t(stage[i] == kTrial);                                 \
        for (long i = 0; i < n; ++i) x[i] = double(t - std::max(last_order[i], since[i])) / tpd;             \
        break;                                                                                               \
      case Metric::OverdueDays: /* 0 unless an invoice is past due (0 * days is 0 in every comparison) */    \
        for (long i = 0; i < n; ++i) x[i] = double(t - due[i]) / tpd * double((due[i] != kNever) & (t > due[i])); \
        break;                                                                                               \
      case Metric::CreditFrozen: for (long i = 0; i < n; ++i) x[i] = double(frozen[i]); break;               \
      default: /* a stock or region metric in an account rule: not measurable per account */                 \
        std::fill(mask, mask + n, uint8_t(0));                                                               \
        return false;                                                                                        \
    }                                                                                                        \
    const double v = c.value;                                                                                \
    switch (c.op) {                                                                                          \
      case Op::Gt: for (long i = 0; i < n; ++i) mask[i] &= uint8_t(x[i] > v); break;                         \
      case Op::Ge: for (long i = 0; i < n; ++i) mask[i] &= uint8_t(x[i] >= v); break;                        \
      case Op::Lt: for (long i = 0; i < n; ++i) mask[i] &= uint8_t(x[i] < v); break;                         \
      case Op::Le: for (long i = 0; i < n; ++i) mask[i] &= uint8_t(x[i] <= v); break;                        \
      case Op::Eq: for (long i = 0; i < n; ++i) mask[i] &= uint8_t(x[i] == v); break;                        \
    }                                                                                                        \
    uint8_t any = 0;                                                                                         \
    for (long i = 0; i < n; ++i) any |= mask[i];                                                             \
    return any != 0;                                                                                         \
  }
SALESIM_ACCOUNT_CONDITION(account_condition_base, )
#if SALESIM_SIMD_V4
SALESIM_ACCOUNT_CONDITION(account_condition_v4, SALESIM_V4_TARGET)
#endif
#undef SALESIM_ACCOUNT_CONDITION

class ThresholdRules final : public InterventionPolicy {

 public:
  explicit ThresholdRules(const Scenario& sc) {
    for (const auto& r : sc.interventions.params["rules"]) {
      Rule rule{r["name"], r["scope"] == "stock", {}, {}, r["cooldown_days"]};
      for (const auto& c : r["when"])
        rule.when.push_back({metric_of(c["metric"]), op_of(c["op"]), c["value"], c["window_days"]});
      for (const auto& t : r["then"])
        rule.then.push_back({enum_of<ThenKind>(kThenKindNames, t["kind"]), enum_of<Action>(kActionNames, t["action"]),
                             enum_of<SpecialistRole>(kSpecialistRoleNames, t["role"]), t["cover_days"], t["lead_days"]});
      rules_.push_back(std::move(rule));
    }
  }

  void init(const World& w) override {
    series_ = w.n_regions * w.n_skus;
    last_fired_.assign(rules_.size() * std::max(w.accounts(), series_), -1000000);
  }
  // Checkpoints: the cooldowns (region_value_ is rebuilt at every call and not saved).
  void save(ArchiveWriter& out) const override { out.vec(last_fired_); }
  void load(ArchiveReader& in) override { in.fixed(last_fired_, "the rules' cooldowns"); }
  size_t rule_count() const override { return rules_.size(); }
  const std::string& rule_name(size_t i) const override { return rules_[i].name; }

  void daily(const InterventionContext& ctx, std::vector<Suggestion>& out) override {
    const World& w = ctx.w;
    const size_t G = w.n_regions;
    const double tpd = 24.0 / ctx.sc.clock.tick_hours();
    // Region metrics once per condition and region (they do not depend on the account).
    region_value_.assign(rules_.size(), {});
    for (size_t k = 0; k < rules_.size(); ++k) {
      region_value_[k].assign(rules_[k].when.size() * G, kNaN);
      for (size_t c = 0; c < rules_[k].when.size(); ++c)
        for (size_t g = 0; g < G; ++g) region_value_[k][c * G + g] = region_metric(ctx, rules_[k].when[c], RegionId(g));
    }
    // Region conditions once per rule and region: a rule fires in region g only if all of them hold
    // there (a region metric without enough history, NaN, holds for nobody).
    region_ok_.assign(rules_.size() * G, 1);
    for (size_t k = 0; k < rules_.size(); ++k)
      for (size_t c = 0; c < rules_[k].when.size(); ++c) {
        if (!is_region_metric(rules_[k].when[c].metric)) continue;
        for (size_t g = 0; g < G; ++g)
          if (!holds(rules_[k].when[c].op, region_value_[k][c * G + g], rules_[k].when[c].value)) region_ok_[k * G + g] = 0;
      }
    // Per rule: 0 if its region conditions hold in no region, 1 if in every region, 2 if in some.
    region_all_.assign(rules_.size(), 0);
    for (size_t k = 0; k < rules_.size(); ++k) {
      size_t held = 0;
      for (size_t g = 0; g < G; ++g) held += region_ok_[k * G + g];
      region_all_[k] = held == 0 ? 0 : held == G ? 1 : 2;
    }
    const auto stride = std::max(w.accounts(), series_);
    const size_t R = rules_.size();
    // Accounts in blocks, in parallel: per block and rule a mask of the accounts whose conditions all
    // hold, one condition at a time in branch-free loops the compiler vectorises (the conditions only
    // read state), then the cooldowns of the few that pass, in account then rule order. Each block
    // writes only its own accounts' cooldowns; `out` is in account order at any thread count
    // (sim/parallel.hpp).
    ordered_block_scan(long(w.accounts()), ctx.threads, kBlock, chunks_, [&](long lo, long hi, std::vector<Suggestion>& mine) {
      thread_local std::vector<uint8_t> pass;
      pass.assign(R * kBlock, 0);
      const long n = hi - lo;
      uint8_t any = 0;
      for (size_t k = 0; k < R; ++k) {
        const Rule& rule = rules_[k];
        if (rule.stock) continue;
        uint8_t* m = pass.data() + k * kBlock;
        uint8_t block_any = 0;
        if (region_all_[k] == 0) continue;  // its region conditions hold nowhere today: the mask stays 0
        if (region_all_[k] == 1) {           // they hold everywhere (or it has none): every account
          std::memset(m, 1, size_t(n));
          block_any = n > 0;
        } else {
          const uint8_t* ok = region_ok_.data() + k * G;
          for (long i = 0; i < n; ++i) block_any |= (m[i] = ok[w.acct_region[size_t(lo + i)]]);
        }
        for (size_t c = 0; c < rule.when.size() && block_any; ++c)
          if (!is_region_metric(rule.when[c].metric)) block_any = and_account_condition(ctx, rule.when[c], AccountId(lo), n, tpd, m);
        any |= block_any;
      }
      if (!any) return;
      // The accounts that pass some rule (a vectorised OR of the masks), found eight at a time by a
      // word scan; each in rule order: the same suggestions in the same order as a loop over every
      // account and rule, without a test per account and rule (few pass).
      alignas(64) uint8_t some[kBlock + 8] = {};
      for (size_t k = 0; k < R; ++k) {
        const uint8_t* m = pass.data() + k * kBlock;
        for (long i = 0; i < n; ++i) some[i] |= m[i];
      }
      for (long i0 = 0; i0 < n; i0 += 8) {
        uint64_t word;
        std::memcpy(&word, some + i0, 8);  // entries past n are 0
        while (word) {
          const long i = i0 + (__builtin_ctzll(word) >> 3);
          word &= word - 1;
          const AccountId a = AccountId(lo + i);
          for (size_t k = 0; k < R; ++k) {
            if (!pass[k * kBlock + size_t(i)]) continue;
            const Rule& rule = rules_[k];
            int& last = last_fired_[k * stride + a];
            if (ctx.day - last < rule.cooldown_days) continue;
            last = ctx.day;
            for (const Then& t : rule.then)
              mine.push_back({w.acct_rep[a], a, t.action, uint16_t(k), t.kind, t.role, kNone, 0.f, 0});
          }
        }
      }
    });
    parallel_append(
        chunks_.size(), out, append_at_, ctx.threads, [&](size_t k) { return chunks_[k].size(); },
        [&](size_t k, Suggestion* to) { std::copy(chunks_[k].begin(), chunks_[k].end(), to); });
    for (size_t s = 0; s < series_; ++s) {
      for (size_t k = 0; k < rules_.size(); ++k) {
        const Rule& rule = rules_[k];
        if (!rule.stock) continue;
        int& last = last_fired_[k * stride + s];
        if (ctx.day - last < rule.cooldown_days) continue;
        bool all = true;
        for (const Condition& cond : rule.when) all = all && holds(cond.op, ctx.stock_cover_days[s], cond.value);
        if (!all) continue;
        last = ctx.day;
        for (const Then& t : rule.then)
          out.push_back({kNone, kNone, t.action, uint16_t(k), t.kind, t.role, uint32_t(s), float(t.cover_days), t.lead_days});
      }
    }
  }

 private:
  // NaN for account metrics (measured per account) and for region metrics without enough history.
  static double region_metric(const InterventionContext& ctx, const Condition& c, RegionId g) {
    const size_t G = ctx.w.n_regions;
    const int W = c.window_days;
    switch (c.metric) {
      case Metric::PromoDepth: return ctx.sig.promo_at(ctx.day, g);
      case Metric::RegionDemandChangeWow: return ctx.region_demand_change_wow[g];
      case Metric::RegionUnitsChangePct: {
        if (ctx.day < 2 * W) return kNaN;
        double last = 0, prev = 0;
        for (int k = 1; k <= W; ++k) {
          last += ctx.region_units_daily[size_t(ctx.day - k) * G + g];
          prev += ctx.region_units_daily[size_t(ctx.day - W - k) * G + g];
        }
        return prev > 0 ? 100.0 * (last - prev) / prev : kNaN;
      }
      case Metric::RegionNewCustomers: {
        if (ctx.day < W) return kNaN;
        double n = 0;
        for (int k = 1; k <= W; ++k) n += ctx.region_first_orders_daily[size_t(ctx.day - k) * G + g];
        return n;
      }
      default: return kNaN;
    }
  }
  static bool is_region_metric(Metric m) {
    return m == Metric::PromoDepth || m == Metric::RegionDemandChangeWow || m == Metric::RegionUnitsChangePct ||
           m == Metric::RegionNewCustomers;
  }
  // An account condition over accounts [a0, a0 + n), n <= kBlock (account_condition above).
  static bool and_account_condition(const InterventionContext& ctx, const Condition& c, AccountId a0, long n, double tpd,
                                    uint8_t* mask) {
    const World& w = ctx.w;
    const AccountColumns cols{w.stage.data() + a0, w.last_order.data() + a0, w.last_valid_visit.data() + a0,
                              w.stage_since.data() + a0, w.arrears_due.data() + a0, w.credit_frozen.data() + a0};
#if SALESIM_SIMD_V4
    if (simd::v4()) return account_condition_v4(c, cols, ctx.tick, n, tpd, mask);
#endif
    return account_condition_base(c, cols, ctx.tick, n, tpd, mask);
  }

  std::vector<Rule> rules_;
  size_t series_ = 0;
  std::vector<int> last_fired_;                   // [rule * max(accounts, series) + id]: day it last fired
  std::vector<std::vector<double>> region_value_;  // per rule: [condition * regions + region]
  std::vector<std::vector<Suggestion>> chunks_;     // scratch of daily(): each thread's suggestions
  std::vector<size_t> append_at_;                   // scratch of daily(): where each block's suggestions go
  std::vector<uint8_t> region_ok_;                  // scratch of daily(): [rule * regions + region]
  std::vector<uint8_t> region_all_;                 // scratch of daily(): per rule, 0 none / 1 all / 2 some regions
};

}  // namespace

std::unique_ptr<InterventionPolicy> make_threshold_rules(const Scenario& sc) { return std::make_unique<ThresholdRules>(sc); }

}  // namespace salesim::models
