// Rep behaviour: whom a rep touches and with which action. docs/model.md#rep-behaviour
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "models/models.hpp"
#include "sim/checkpoint.hpp"
#include "sim/rng_batch.hpp"
#include "sim/simd.hpp"
#include "sim/tick_table.hpp"

namespace salesim::models {
namespace {

// Standard Gumbel quantile -log(-log(u)), from a table with linear interpolation in the middle
// (error below 3e-5 there) and the exact formula in the tails, where the curve steepens. Two logs per
// candidate were a tenth of a large run (docs/performance.md); the noise is a modelling device, so
// interpolation error far below its scale changes nothing but the last digits.
class GumbelQuantile {
 public:
  static constexpr int kCells = 4096;
  GumbelQuantile() {
    for (int i = 0; i <= kCells; ++i) {
      const double u = double(i) / kCells;
      q_[size_t(i)] = i == 0 || i == kCells ? 0.0 : -std::log(-std::log(u));
    }
  }
  double operator()(double u) const {
    const double x = u * kCells;
    const int i = int(x);
    if (tail(i)) return exact(u);
    const double f = x - double(i);
    return q_[size_t(i)] + f * (q_[size_t(i) + 1] - q_[size_t(i)]);
  }
  // The pieces, for a loop that computes many at once: whether cell i is a tail cell, the exact
  // quantile, the table.
  static bool tail(int i) { return i < kTail || i >= kCells - kTail; }
  static double exact(double u) { return -std::log(-std::log(std::max(1e-12, u))); }
  const double* table() const { return q_.data(); }

 private:
  static constexpr int kTail = 64;  // cells at each end computed exactly (1.6% of draws each)
  std::array<double, kCells + 1> q_{};
};
const GumbelQuantile kGumbel;

// A contact met by chance: drawn by role availability (clerks are easier to meet than owners).
ContactId chance_contact(const World& w, AccountId a, Rng& rng) {
  const uint32_t b = w.acct_contact_begin[a], e = w.acct_contact_begin[a + 1];
  double total = 0;
  for (uint32_t c = b; c < e; ++c) total += w.role_availability[w.contact_role[c]];
  double u = rng.uniform() * total;
  for (uint32_t c = b; c < e; ++c) {
    u -= w.role_availability[w.contact_role[c]];
    if (u < 0) return c;
  }
  return e - 1;
}

// The "before" habit: walk the route through the whole book and keep the visit count up.
class CountBased final : public RepBehaviour {
 public:
  explicit CountBased(const Scenario& sc)
      : check_in_(sc.rep_behaviour.params["check_in_share"]), merch_(sc.rep_behaviour.params["merchandising_share"]),
        brochure_(sc.rep_behaviour.params["brochure_share"]), costs_(costs(sc)) {}

  void init(const World& w) override {
    route_.assign(w.reps(), 0);
    for (RepId r = 0; r < w.reps(); ++r) {
      const uint32_t n = w.rep_account_begin[r + 1] - w.rep_account_begin[r];
      route_[r] = n ? uint32_t((uint64_t(r) * 7919u) % n) : 0;  // reps start at different points of their routes
    }
  }

  void plan(const PlanContext& ctx, RepId r, double budget, std::vector<TouchPlan>& out) override {
    const World& w = ctx.w;
    const uint32_t b = w.rep_account_begin[r], n = w.rep_account_begin[r + 1] - b;
    if (n == 0) return;
    Rng rng(ctx.seed, Purpose::Plan, r, ctx.tick);
    for (uint32_t guard = 0; guard < n; ++guard) {
      const AccountId a = b + route_[r];
      Action act;
      const double u = rng.uniform();
      if (is_customer(w.stage[a])) act = u < check_in_ ? kCheckIn : u < check_in_ + merch_ ? kMerchandising : kOrderTaking;
      else act = u < brochure_ ? kBrochure : kCheckIn;
      if (costs_[act] > budget) break;  // this stop stays first on the route for next time
      route_[r] = (route_[r] + 1) % n;
      budget -= costs_[act];
      out.push_back({a, chance_contact(w, a, rng), act, false});
    }
  }

  // Checkpoints: where each rep is on its route.
  void save(ArchiveWriter& out) const override { out.vec(route_); }
  void load(ArchiveReader& in) override { in.fixed(route_, "the reps' routes"); }

  static std::array<double, kActions> costs(const Scenario& sc) {
    std::array<double, kActions> c{};
    for (size_t i = 0; i < kActions; ++i) c[i] = sc.actions[i].touch_cost;
    return c;
  }

 private:
  double check_in_, merch_, brochure_;
  std::array<double, kActions> costs_;
  std::vector<uint32_t> route_;
};

// Value-based: rank the book by expected value of a touch now and target the most influential
// contact not touched within the behaviour-value window (72 h).
class ValueBased final : public RepBehaviour {
 public:
  explicit ValueBased(const Scenario& sc)
      : revisit_days_(sc.rep_behaviour.params["revisit_min_days"]), prospect_w_(sc.rep_behaviour.params["prospect_weight"]),
        risk_w_(sc.rep_behaviour.params["risk_weight"]), trial_w_(sc.rep_behaviour.params["trial_weight"]),
        routine_w_(sc.rep_behaviour.params["routine_weight"]), service_days_(sc.churn.service_days),
        neglect_(sc.churn.neglect_per_month), costs_(CountBased::costs(sc)) {}

  void plan(const PlanContext& ctx, RepId r, double budget, std::vector<TouchPlan>& out) override {
    const World& w = ctx.w;
    const uint32_t b = w.rep_account_begin[r], e = w.rep_account_begin[r + 1];
    const double tpd = double(ctx.ticks_per_day);
    auto& cand = scratch_;
    cand.clear();
    for (AccountId a = b; a < e; ++a) {
      const double since_visit = double(ctx.tick - w.last_visit[a]) / tpd;
      if (since_visit < revisit_days_) continue;
      const double since_valid = double(ctx.tick - w.last_valid_visit[a]) / tpd;
      const uint8_t st = w.stage[a];
      double score = 0;
      if (st == kRepeat) {
        const double risk = std::exp(neglect_ * std::max(0.0, since_valid + 7.0 - service_days_) / 30.0) - 1.0;
        score = risk_w_ * risk + routine_w_ * std::min(1.0, since_valid / std::max(1.0, service_days_));
      } else if (st == kTrial) {
        score = w.adopted[a] ? routine_w_ : trial_w_;
      } else if (st >= kEvaluating) {
        score = prospect_w_ * double(st - kResearching) / 4.0;
      }
      if (score > 0) cand.push_back({score, a});
    }
    const size_t k = std::min(cand.size(), size_t(std::ceil(budget)) + 1);
    std::partial_sort(cand.begin(), cand.begin() + long(k), cand.end(),
                      [](const auto& x, const auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
    const Tick window = Tick(3 * ctx.ticks_per_day);  // 72 h, docs/model.md#behaviour-value
    for (size_t i = 0; i < k; ++i) {
      const AccountId a = cand[i].second;
      const uint8_t st = w.stage[a];
      const double since_valid = double(ctx.tick - w.last_valid_visit[a]) / tpd;
      Action act;
      if (st == kRepeat) act = since_valid > service_days_ ? kNeedsDiscovery : kOrderTaking;
      else if (st == kTrial) act = w.adopted[a] ? kOrderTaking : kNeedsDiscovery;
      else if (st >= kEngaged) act = kCustomTemplate;
      else act = kNeedsDiscovery;
      if (costs_[act] > budget) break;
      budget -= costs_[act];
      out.push_back({a, w.most_influential_uncontacted(a, ctx.tick, window), act, false});
    }
  }

 private:
  double revisit_days_, prospect_w_, risk_w_, trial_w_, routine_w_, service_days_, neglect_;
  std::array<double, kActions> costs_;
  static thread_local std::vector<std::pair<double, AccountId>> scratch_;
};
thread_local std::vector<std::pair<double, AccountId>> ValueBased::scratch_;

// A candidate of IncentiveDriven::plan: an account's expected pay for a touch, its route habit, the
// account and the action the touch would be.
struct PlanCand {
  double pay, habit;
  AccountId a;
  Action act;
};

// A repeat customer's pay for a touch under the plan, and the touch: serving it now avoids the neglect
// part of churn over the horizon (keep, given the churn risk), or takes an order (take).
struct RepeatPay {
  double pay;
  Action act;
};
inline RepeatPay repeat_pay(double risk, double order, double future, double orders_per_day, const PlanSignals& sig) {
  const double keep = risk * (sig.per_revenue * future + sig.per_retained_revenue * order * orders_per_day * 90.0);
  const double take = sig.per_revenue * order;
  return {std::max(keep, take), keep > take ? kNeedsDiscovery : kOrderTaking};
}

// What IncentiveDriven's candidate pass reads (the tabled case: whole ticks, revisit_ticks > 0).
struct PlanPassIn {
  Tick tick, revisit_ticks;
  double order_value, orders_per_day, horizon, adopt_gain;
  const double* reach_trial;  // per stage
  PlanSignals sig;
  const TickTable *risk, *habit;
  const Tick *last_visit, *last_valid_visit;
  const uint8_t *stage, *adopted;
  const float* size;
};

#if SALESIM_SIMD_V4
// IncentiveDriven::plan's candidate loop over the accounts [b, e) in the AVX-512 form (sim/simd.hpp):
// the table look-ups, then every account's pay under each stage's formula with the stage's one chosen
// without branches (8 accounts per instruction), then the accounts not visited too recently copied
// out in order with the same sum. The expressions are the loop's own, so are the numbers; accounts
// beyond a table are redone with its function. Returns the number of candidates written to out.
SALESIM_V4_TARGET size_t plan_candidates_v4(const PlanPassIn& in, AccountId b, AccountId e, PlanCand* out, double& sum) {
  const double* risk_tab = in.risk->data();
  const double* habit_tab = in.habit->data();
  const uint64_t risk_size = in.risk->size(), habit_size = in.habit->size();
  const Tick tick = in.tick, revisit_ticks = in.revisit_ticks;
  const double order_value = in.order_value, orders_per_day = in.orders_per_day, horizon = in.horizon,
               adopt_gain = in.adopt_gain;
  const double pr = in.sig.per_revenue, prr = in.sig.per_retained_revenue, pac = in.sig.per_adopted_customer,
               pnc = in.sig.per_new_customer;
  const double* reach_trial = in.reach_trial;
  size_t n = 0;
  double total = 0;
  for (AccountId a0 = b; a0 < e; a0 += 256) {
    const size_t m = e - a0 < 256 ? e - a0 : 256;
    const Tick *lv = in.last_visit + a0, *lvv = in.last_valid_visit + a0;
    const uint8_t *stage = in.stage + a0, *adopted = in.adopted + a0;
    const float* size = in.size + a0;
    // The look-ups one account at a time (GCC 12 does not gather here), every field as a 64-bit lane.
    alignas(64) int64_t st64[256], ad64[256], act[256], keepit[256], beyond[256];
    alignas(64) double sz[256], risk[256], habit[256], reach[256], pay[256];
    for (size_t j = 0; j < m; ++j) {
      const uint64_t dv = uint64_t(tick - lv[j]), dt = uint64_t(tick - lvv[j]);
      st64[j] = stage[j];
      ad64[j] = adopted[j];
      sz[j] = double(size[j]);
      risk[j] = risk_tab[dt < risk_size ? dt : 0];  // entry 0 beyond a table: redone below
      habit[j] = habit_tab[dv < habit_size ? dv : 0];
      reach[j] = reach_trial[stage[j]];
      keepit[j] = Tick(dv) >= revisit_ticks;
      beyond[j] = (stage[j] == kRepeat && dt >= risk_size) || dv >= habit_size;
    }
    for (size_t j = 0; j < m; ++j) {
      const int64_t st = st64[j];
      const double order = order_value * sz[j];
      const double future = order * orders_per_day * horizon;
      const double keep = risk[j] * (pr * future + prr * order * orders_per_day * 90.0);
      const double take = pr * order;
      const double pay_adopting = adopt_gain * (pr * future + pac);
      const double pay_prospect = reach[j] * (pnc + pr * order);
      const bool prospect = (st >= kEvaluating) & (st < kTrial), trial = st == kTrial, repeat = st == kRepeat;
      const bool adopted_trial = ad64[j] != 0, engaged = st >= kEngaged;
      const bool take_more = keep < take, keep_more = keep > take;
      const double pay_trial = adopted_trial ? take : pay_adopting;
      const double pay_repeat = take_more ? take : keep;  // std::max(keep, take)
      double p = 0.0;
      p = prospect ? pay_prospect : p;
      p = trial ? pay_trial : p;
      p = repeat ? pay_repeat : p;
      pay[j] = p;
      // The action by arithmetic on the conditions (they exclude each other; kCheckIn is 0): GCC 12
      // vectorises this, not a chain of selects between integer constants.
      static_assert(kCheckIn == 0);
      act[j] = int64_t(prospect) * (int64_t(kNeedsDiscovery) + (int64_t(kCustomTemplate) - int64_t(kNeedsDiscovery)) * int64_t(engaged)) +
               int64_t(trial) * (int64_t(kNeedsDiscovery) + (int64_t(kOrderTaking) - int64_t(kNeedsDiscovery)) * int64_t(adopted_trial)) +
               int64_t(repeat) * (int64_t(kOrderTaking) + (int64_t(kNeedsDiscovery) - int64_t(kOrderTaking)) * int64_t(keep_more));
    }
    for (size_t j = 0; j < m; ++j) {
      if (!keepit[j]) continue;
      const AccountId a = AccountId(a0 + j);
      if (beyond[j]) {  // a table does not reach: the baseline loop's expressions with the tables' functions
        if (st64[j] == kRepeat) {
          const double order = order_value * sz[j];
          const RepeatPay rp = repeat_pay((*in.risk)(tick - in.last_valid_visit[a]), order, order * orders_per_day * horizon,
                                          orders_per_day, in.sig);
          pay[j] = rp.pay;
          act[j] = rp.act;
        }
        habit[j] = (*in.habit)(tick - in.last_visit[a]);
      }
      out[n++] = PlanCand{pay[j], habit[j], a, Action(act[j])};
      total += pay[j];
    }
  }
  sum = total;
  return n;
}

// IncentiveDriven::plan's scores in the AVX-512 form: score[i] = rationality * pay / scale +
// habit_weight * habit + noise * Gumbel(u[i]), the Gumbel quantile as GumbelQuantile gives it (the
// table's two entries looked up one at a time, the interpolation 8 at a time, tail cells exactly).
SALESIM_V4_TARGET void plan_scores_v4(const PlanCand* cands, const double* u, size_t n, double rationality,
                                      double scale, double habit_weight, double noise, double* score) {
  const double* q = kGumbel.table();
  constexpr double cells = GumbelQuantile::kCells;
  for (size_t i0 = 0; i0 < n; i0 += 256) {
    const size_t m = n - i0 < 256 ? n - i0 : 256;
    alignas(64) double q0[256], q1[256], f[256], pay[256], habit[256];
    alignas(64) int64_t tail[256];
    for (size_t j = 0; j < m; ++j) {
      const double x = u[i0 + j] * cells;
      const int c = int(x);
      const bool t = GumbelQuantile::tail(c);
      const size_t at = t ? 0 : size_t(c);
      q0[j] = q[at];
      q1[j] = q[at + 1];
      f[j] = x - double(c);
      tail[j] = t;
      pay[j] = cands[i0 + j].pay;
      habit[j] = cands[i0 + j].habit;
    }
    alignas(64) double gumbel[256];
    for (size_t j = 0; j < m; ++j) gumbel[j] = q0[j] + f[j] * (q1[j] - q0[j]);
    for (size_t j = 0; j < m; ++j)
      if (tail[j]) gumbel[j] = GumbelQuantile::exact(u[i0 + j]);
    double* out = score + i0;
    for (size_t j = 0; j < m; ++j) out[j] = rationality * pay[j] / scale + habit_weight * habit[j] + noise * gumbel[j];
  }
}
#endif

// Incentive-driven: reps are players of the pay plan. Each account is scored by the pay a touch
// there is expected to bring under the plan's current marginal values (docs/model.md#rep-behaviour),
// blended with the habit of the route (rationality < 1) and misjudged by Gumbel noise.
class IncentiveDriven final : public RepBehaviour {
 public:
  explicit IncentiveDriven(const Scenario& sc)
      : revisit_days_(sc.rep_behaviour.params["revisit_min_days"]), rationality_(sc.rep_behaviour.params["rationality"]),
        noise_(sc.rep_behaviour.params["noise"]), horizon_(sc.rep_behaviour.params["horizon_days"]),
        service_days_(sc.churn.service_days), neglect_(sc.churn.neglect_per_month), base_churn_(sc.churn.base_per_day),
        stage_gain_(sc.journey.stage_gain), adopt_(sc.journey.adopt_per_followup), costs_(CountBased::costs(sc)) {
    // Revenue of one order of a unit-size customer, from the demand parameters (docs/model.md#demand).
    const auto& d = sc.demand.params;
    double pop = 0, price = 0;
    for (const auto& k : sc.skus) { pop += k.popularity; price += k.popularity * k.price; }
    const double mean_price = pop > 0 ? price / pop : 0;
    order_value_ = d.value("lines_per_order", 2.0) * d.value("qty_per_line", 3.0) * mean_price * (1 - d.value("discount", 0.0));
    orders_per_day_ = d.value("orders_per_day", 0.5);
    for (size_t a = 0; a < kActions; ++a) value_[a] = sc.actions[a].base_contribution;
    // The chance that a prospect in stage st reaches trial if worked on, one step per touch.
    for (int st = kEvaluating; st < kTrial; ++st) {
      const Action try_act = st >= kEngaged ? kCustomTemplate : kNeedsDiscovery;
      reach_trial_[size_t(st)] = std::pow(std::min(1.0, stage_gain_ * value_[try_act] * 0.9), double(kTrial - st));
    }
    tpd_ = sc.clock.ticks_per_day();
    risk_ = TickTable(400 * tpd_, [p = RiskParams{horizon_, service_days_, base_churn_, neglect_}, tpd = tpd_](Tick dt) {
      return risk(p, double(dt) / double(tpd));
    });
    // "Visited less than revisit_min_days ago" as a whole number of ticks, the same test as the
    // division, so the branch on it no longer waits for one (docs/performance.md).
    if (revisit_days_ > 0) revisit_ticks_ = std::max<Tick>(0, least_ticks_reaching(revisit_days_, tpd_));
    // The habit term by whole ticks since a visit: the same two divisions, done once per value.
    habit_ = TickTable(400 * tpd_, [tpd = tpd_](Tick dt) { return double(dt) / double(tpd) / 30.0; });
  }

  // The chance that a repeat customer not validly visited for since_valid days churns from neglect
  // within the horizon if not served now. exp(0) - 1 = 0: no neglect within the horizon, no risk.
  struct RiskParams { double horizon, service_days, base_churn, neglect; };
  static double risk(const RiskParams& p, double since_valid) {
    const double overdue = std::max(0.0, since_valid + p.horizon - p.service_days);
    return overdue > 0 ? std::min(1.0, p.base_churn * p.horizon * (std::exp(p.neglect * overdue / 30.0) - 1.0)) : 0.0;
  }

  void plan(const PlanContext& ctx, RepId r, double budget, std::vector<TouchPlan>& out) override {
    const World& w = ctx.w;
    const PlanSignals sig = ctx.incentives ? ctx.incentives[r] : PlanSignals{};
    const uint32_t b = w.rep_account_begin[r], e = w.rep_account_begin[r + 1];
    const double tpd = double(ctx.ticks_per_day);
    const bool tabled = ctx.ticks_per_day == tpd_;
    Rng rng(ctx.seed, Purpose::Plan, r, ctx.tick);
    // What the loops read of this object, as locals: the candidates are written through pointers the
    // compiler cannot tell from this object's fields, so it read each field again per account
    // (docs/performance.md). The expressions are unchanged, so are the numbers.
    const double order_value = order_value_, orders_per_day = orders_per_day_, horizon = horizon_;
    const double adopt_gain = adopt_ * std::min(1.0, stage_gain_ * value_[kNeedsDiscovery]);
    const std::array<double, kStages> reach_trial = reach_trial_;
    const Tick tick = ctx.tick, revisit_ticks = revisit_ticks_;
    const double revisit_days = revisit_days_;
    const Tick* last_visit = w.last_visit.data();
    const Tick* last_valid_visit = w.last_valid_visit.data();
    const uint8_t* stage = w.stage.data();
    const uint8_t* adopted = w.adopted.data();
    const float* acct_size = w.acct_size.data();
    // Every account may be a candidate: the list is sized once and filled by index.
    auto& cand = scratch_;
    if (cand.size() < size_t(e - b)) cand.resize(size_t(e - b));
    PlanCand* const cands = cand.data();
    double sum = 0;
    size_t n = 0;
    const bool tick_test = tabled && revisit_ticks > 0;
#if SALESIM_SIMD_V4
    if (tick_test && simd::v4()) {
      const PlanPassIn in{tick, revisit_ticks, order_value, orders_per_day, horizon, adopt_gain, reach_trial.data(), sig,
                          &risk_, &habit_, last_visit, last_valid_visit, stage, adopted, acct_size};
      n = plan_candidates_v4(in, b, e, cands, sum);
    } else
#endif
    for (AccountId a = b; a < e; ++a) {
      const Tick dv = tick - last_visit[a];
      if (tick_test ? dv < revisit_ticks : double(dv) / tpd < revisit_days) continue;
      const uint8_t st = stage[a];
      const double size = acct_size[a];
      const double order = order_value * size;                      // one order
      const double future = order * orders_per_day * horizon;      // orders within the horizon
      double pay = 0;
      Action act = kCheckIn;
      if (st == kRepeat) {
        // Serving now avoids the neglect part of churn over the horizon.
        const Tick dt = tick - last_valid_visit[a];
        const double risk = tabled ? risk_(dt) : IncentiveDriven::risk({horizon_, service_days_, base_churn_, neglect_}, double(dt) / tpd);
        const RepeatPay rp = repeat_pay(risk, order, future, orders_per_day, sig);
        pay = rp.pay;
        act = rp.act;
      } else if (st == kTrial) {
        if (adopted[a]) { pay = sig.per_revenue * order; act = kOrderTaking; }
        else {
          pay = adopt_gain * (sig.per_revenue * future + sig.per_adopted_customer);
          act = kNeedsDiscovery;
        }
      } else if (st >= kEvaluating) {
        pay = reach_trial[st] * (sig.per_new_customer + sig.per_revenue * order);
        act = st >= kEngaged ? kCustomTemplate : kNeedsDiscovery;
      }
      // Habit: the longer since the last visit, the more the route says "go there".
      const double habit = tabled ? habit_(dv) : double(dv) / tpd / 30.0;
      cands[n] = PlanCand{pay, habit, a, act};
      sum += pay;
      ++n;
    }
    if (n == 0) return;
    const double scale = std::max(1e-9, sum / double(n));
    // The k best by score (ties: the lower account id), kept sorted while the scores are drawn: the
    // same list, in the same order, as a partial sort of all candidates, without moving them.
    const size_t k = std::min(n, size_t(std::ceil(budget)) + 1);
    auto& top = top_;
    top.clear();
    const auto better = [](const Top& x, const Top& y) { return x.score > y.score || (x.score == y.score && x.a < y.a); };
    // The candidates' uniforms, drawn together (sim/rng_batch.hpp): the numbers rng.uniform() gives in turn.
    auto& u = uniforms_;
    if (u.size() < n) u.resize(n);
    RngBatch::uniforms(rng, n, u.data());
    const double rationality = rationality_, habit_weight = 1 - rationality_, noise = noise_;
#if SALESIM_SIMD_V4
    // The AVX-512 form computes the scores first (8 at a time), then the same selection reads them.
    const bool scored = simd::v4();
    if (scored) {
      if (scores_.size() < n) scores_.resize(n);
      plan_scores_v4(cands, u.data(), n, rationality, scale, habit_weight, noise, scores_.data());
    }
#else
    const bool scored = false;
#endif
    for (size_t i = 0; i < n; ++i) {
      const PlanCand& c = cands[i];
      const double score =
          scored ? scores_[i] : rationality * c.pay / scale + habit_weight * c.habit + noise * kGumbel(u[i]);
      const Top x{score, c.a, c.act};
      if (top.size() == k) {
        if (k == 0 || !better(x, top.back())) continue;
        top.pop_back();
      }
      top.insert(std::upper_bound(top.begin(), top.end(), x, better), x);
    }
    const Tick window = Tick(3 * ctx.ticks_per_day);
    for (const Top& x : top) {
      if (costs_[x.act] > budget) break;
      budget -= costs_[x.act];
      out.push_back({x.a, w.most_influential_uncontacted(x.a, ctx.tick, window), x.act, false});
    }
  }

 private:
  struct Top {
    double score;
    AccountId a;
    Action act;
  };
  double revisit_days_, rationality_, noise_, horizon_, service_days_, neglect_, base_churn_, stage_gain_, adopt_;
  double order_value_ = 0, orders_per_day_ = 0;
  std::array<double, kActions> value_{};
  std::array<double, kStages> reach_trial_{};
  std::array<double, kActions> costs_;
  int tpd_ = 0;
  TickTable risk_;  // risk(days since the last valid visit), by ticks
  TickTable habit_;  // habit by whole ticks since the last visit
  Tick revisit_ticks_ = 0;  // the least whole number of ticks that is revisit_days_ or more (0: not found)
  static thread_local std::vector<PlanCand> scratch_;  // an aggregate: resized without a constructor call per place
  static thread_local std::vector<Top> top_;
  static thread_local std::vector<double> uniforms_;
  static thread_local std::vector<double> scores_;
};
thread_local std::vector<PlanCand> IncentiveDriven::scratch_;
thread_local std::vector<IncentiveDriven::Top> IncentiveDriven::top_;
thread_local std::vector<double> IncentiveDriven::uniforms_;
thread_local std::vector<double> IncentiveDriven::scores_;

}  // namespace

std::unique_ptr<RepBehaviour> make_count_based(const Scenario& sc) { return std::make_unique<CountBased>(sc); }
std::unique_ptr<RepBehaviour> make_value_based(const Scenario& sc) { return std::make_unique<ValueBased>(sc); }
std::unique_ptr<RepBehaviour> make_incentive_driven(const Scenario& sc) { return std::make_unique<IncentiveDriven>(sc); }

}  // namespace salesim::models
