// Replay of imported history: plan variables per rep and period from the won deals in time order, what
// each incentive plan would have paid, and the engine's forecasters scored on the replayed series.
// docs/history.md#replay
#include "models/replay.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <stdexcept>

#include "sim/rng.hpp"

namespace salesim::models {

namespace {
std::string period_label(Period p, int32_t start) {
  const Date d = Date::from_serial(start);
  if (p == Period::kQuarter) return fmt::format("{:04}-Q{}", d.year, (d.month - 1) / 3 + 1);
  if (p == Period::kMonth) return fmt::format("{:04}-{:02}", d.year, d.month);
  return d.str();
}
// Calendar months in a period (base salary is monthly).
double months_in(Period p) {
  switch (p) {
    case Period::kDay: return 12.0 / 365.25;
    case Period::kWeek: return 7 * 12.0 / 365.25;
    case Period::kMonth: return 1;
    case Period::kQuarter: return 3;
  }
  return 1;
}
}  // namespace

ReplayWorld build_replay_world(const History& h) {
  ReplayWorld w;
  std::vector<uint8_t> has_deal(h.reps.size(), 0);
  for (const auto& o : h.opportunities)
    if (o.rep != kNoId) has_deal[size_t(o.rep)] = 1;
  bool any_pod = false, any_manager = false, any_region = false;
  for (size_t i = 0; i < h.reps.size(); ++i) {
    if (!has_deal[i]) continue;
    any_pod |= !h.reps[i].pod.empty();
    any_manager |= !h.reps[i].manager.empty();
    any_region |= !h.reps[i].region.empty();
  }
  // Pods: the mapped pod, else the manager's team, else the region, else one pod of everyone.
  w.pod_source = any_pod ? "pod" : any_manager ? "manager" : any_region ? "region" : "one";
  std::map<std::string, int32_t> pod_index;
  w.rep_of_history.assign(h.reps.size(), kNoId);
  for (size_t i = 0; i < h.reps.size(); ++i) {
    if (!has_deal[i]) {
      ++w.reps_without_deals;
      continue;
    }
    const HistoryRep& rep = h.reps[i];
    std::string pod = w.pod_source == "pod" ? rep.pod : w.pod_source == "manager" ? rep.manager
                      : w.pod_source == "region" ? rep.region : std::string("all");
    if (pod.empty()) pod = "(none)";  // a rep without one is its own group, named as such
    auto [it, inserted] = pod_index.try_emplace(pod, int32_t(w.pods.size()));
    if (inserted) {
      w.pods.push_back(pod);
      w.pod_size.push_back(0);
    }
    ++w.pod_size[size_t(it->second)];
    w.rep_of_history[i] = int32_t(w.rep_history.size());
    w.rep_history.push_back(int32_t(i));
    w.rep_pod.push_back(it->second);
    w.rep_region.push_back(i < h.rep_region.size() ? h.rep_region[i] : kNoId);
  }
  return w;
}

bool replay_measures(PlanVar v) {
  return v == kVarRevenue || v == kVarNewCustomers || v == kVarPodRevenue || v == kVarPodSize;
}

ReplayData replay_history(const History& h, Period period) {
  ReplayData d;
  d.period = period;
  d.world = build_replay_world(h);
  // Closed deals in time order (close day, then file line): the order the business saw them.
  std::vector<const Opportunity*> closed;
  for (const auto& o : h.opportunities)
    if (o.status != DealStatus::kOpen && o.closed != kNoDate) closed.push_back(&o);
  std::stable_sort(closed.begin(), closed.end(), [](const Opportunity* a, const Opportunity* b) {
    return a->closed != b->closed ? a->closed < b->closed : a->line < b->line;
  });
  int32_t first = kNoDate, last = kNoDate;
  for (const Opportunity* o : closed)
    if (o->status == DealStatus::kWon) {
      if (first == kNoDate) first = o->closed;
      last = o->closed;
    }
  if (first == kNoDate) throw std::invalid_argument("the history has no won deal with a close date: nothing to replay");
  if (h.as_of != kNoDate && h.as_of > last) last = h.as_of;
  for (int32_t s = period_start(period, first); s <= last; s = period_after(period, s)) {
    d.starts.push_back(s);
    d.labels.push_back(period_label(period, s));
  }
  d.starts.push_back(period_after(period, d.starts.back()));
  const size_t T = d.labels.size(), R = d.reps();
  for (size_t t = 0; t < T; ++t) {
    const double len = d.starts[t + 1] - d.starts[t];
    const double upto = std::min<double>(d.starts[t + 1], double(last) + 1) - d.starts[t];
    d.covered.push_back(std::clamp(upto / len, 0.0, 1.0));
  }
  PlanVars blank;
  blank.fill(kBlank);
  d.vars.assign(T * R, blank);
  d.won_deals.assign(T * R, 0);
  const bool values = h.has_values;
  for (auto& x : d.vars) {
    x[kVarRevenue] = values ? 0.0 : kBlank;
    x[kVarNewCustomers] = 0;
  }
  std::vector<uint8_t> account_seen(h.accounts.size(), 0);
  size_t t = 0;
  for (const Opportunity* o : closed) {
    ++d.deals_replayed;
    if (o->status != DealStatus::kWon) continue;
    ++d.won;
    while (t + 1 < T && o->closed >= d.starts[t + 1]) ++t;
    const int32_t r = o->rep == kNoId ? kNoId : d.world.rep_of_history[size_t(o->rep)];
    // The account's first won deal in the history makes it a new customer of that deal's rep.
    bool first_win = false;
    if (o->account != kNoId && !account_seen[size_t(o->account)]) {
      account_seen[size_t(o->account)] = 1;
      first_win = true;
      d.first_won_account.push_back(h.accounts[size_t(o->account)].name);
    }
    if (r == kNoId) {
      ++d.won_without_rep;
      continue;
    }
    PlanVars& x = d.vars[t * R + size_t(r)];
    if (values) x[kVarRevenue] += o->value;
    if (first_win) x[kVarNewCustomers] += 1;
    ++d.won_deals[t * R + size_t(r)];
  }
  // Pod revenue: summed once per pod and period, then given to each member.
  std::vector<double> pod_rev(d.world.pods.size());
  for (size_t tt = 0; tt < T; ++tt) {
    std::fill(pod_rev.begin(), pod_rev.end(), 0.0);
    for (size_t r = 0; r < R; ++r) pod_rev[size_t(d.world.rep_pod[r])] += d.vars[tt * R + r][kVarRevenue];
    for (size_t r = 0; r < R; ++r) {
      const size_t p = size_t(d.world.rep_pod[r]);
      d.vars[tt * R + r][kVarPodRevenue] = pod_rev[p];
      d.vars[tt * R + r][kVarPodSize] = d.world.pod_size[p];
    }
  }
  return d;
}

double gini(std::vector<double> v) {
  if (v.size() < 2) return 0;
  std::sort(v.begin(), v.end());
  double sum = 0, weighted = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    sum += v[i];
    weighted += double(i + 1) * v[i];
  }
  if (sum <= 0) return 0;
  const double n = double(v.size());
  return (2 * weighted) / (n * sum) - (n + 1) / n;
}

ReplayPlanResult replay_plan(const ReplayData& d, const IncentivePlan& plan, const std::string& name,
                             double base_salary_month) {
  ReplayPlanResult res;
  res.name = name;
  res.uses = plan.uses();
  for (PlanVar v : res.uses)
    if (!replay_measures(v) && std::find(res.unmeasured_uses.begin(), res.unmeasured_uses.end(), v) == res.unmeasured_uses.end())
      res.unmeasured_uses.push_back(v);
  const size_t T = d.periods(), R = d.reps();
  res.rep_total.assign(R, 0.0);
  res.statements.resize(T * R);
  std::vector<PayoutLine> lines;
  for (size_t t = 0; t < T; ++t) {
    const double base = std::round(base_salary_month * months_in(d.period) * d.covered[t] * 100) / 100;
    for (size_t r = 0; r < R; ++r) {
      const PlanVars& x = d.at(t, r);
      PayoutStatement& st = res.statements[t * R + r];
      st.rep = RepId(r);
      st.period = d.labels[t];
      st.lines.push_back({"base_salary", months_in(d.period) * d.covered[t], base_salary_month, base,
                          fmt::format("fixed pay for {:.2f} months", months_in(d.period) * d.covered[t])});
      lines.clear();
      plan.lines(x, lines);
      double variable = 0;
      for (auto& l : lines) {
        variable += l.amount;
        st.lines.push_back(std::move(l));
      }
      st.total = base + variable;
      for (PlanVar v : res.uses) st.variables.emplace_back(std::string(kPlanVarNames[v]), x[v]);
      res.variable_pay += variable;
      res.base_pay += base;
      res.rep_total[r] += st.total;
      if (!std::isnan(x[kVarRevenue])) res.revenue += x[kVarRevenue];
    }
  }
  res.total_pay = res.variable_pay + res.base_pay;
  res.cost_of_sales_ratio = res.revenue > 0 ? res.total_pay / res.revenue : kBlank;
  res.payout_gini = gini(res.rep_total);
  return res;
}

ReplayForecast replay_forecast(const ReplayData& d, const History& h, const ForecastModel& model,
                               const std::string& name, int season, int min_train, uint64_t seed) {
  ReplayForecast out;
  const size_t T = d.periods(), R = d.reps();
  // Series: the total, then one per region (reps without a region are in the total only).
  struct Series { std::string level, key; std::vector<double> y; };
  std::vector<Series> series;
  series.push_back({"total", "total", std::vector<double>(T, 0.0)});
  for (const auto& g : h.regions) series.push_back({"region", g, std::vector<double>(T, 0.0)});
  for (size_t t = 0; t < T; ++t)
    for (size_t r = 0; r < R; ++r) {
      const double v = d.at(t, r)[kVarRevenue];
      if (std::isnan(v)) continue;
      series[0].y[t] += v;
      if (d.world.rep_region[r] != kNoId) series[1 + size_t(d.world.rep_region[r])].y[t] += v;
    }
  // Deals closed by reps without a replay rep are not in the rep-level variables; the total is what
  // the reps closed. Incomplete final periods are not scored (their actual is partial).
  std::map<std::string, ReplayForecastScore> acc;
  std::map<std::string, double> abs_err, abs_act, err, ape;
  for (size_t s = 0; s < series.size(); ++s) {
    const auto& y = series[s].y;
    for (size_t t = size_t(std::max(1, min_train)); t < T; ++t) {
      if (d.covered[t] < 1.0) continue;
      Rng rng(seed, Purpose::Forecast, 0x5E91A7ull + s, int64_t(t));
      const double f = model.forecast(std::span<const double>(y.data(), t), season, rng);
      const std::string& lv = series[s].level;
      out.points.push_back({lv, series[s].key, d.labels[t], y[t], f});
      ReplayForecastScore& sc = acc[lv];
      ++sc.points;
      abs_err[lv] += std::abs(f - y[t]);
      abs_act[lv] += std::abs(y[t]);
      err[lv] += f - y[t];
      if (y[t] != 0) {
        ++sc.mape_points;
        ape[lv] += std::abs(f - y[t]) / std::abs(y[t]);
      }
    }
  }
  for (const char* lv : {"total", "region"}) {
    ReplayForecastScore sc = acc.count(lv) ? acc[lv] : ReplayForecastScore{};
    sc.model = name;
    sc.level = lv;
    sc.mape = sc.mape_points ? ape[lv] / double(sc.mape_points) : kBlank;
    sc.wape = abs_act[lv] > 0 ? abs_err[lv] / abs_act[lv] : kBlank;
    sc.bias = abs_act[lv] > 0 ? err[lv] / abs_act[lv] : kBlank;
    out.scores.push_back(sc);
  }
  return out;
}

}  // namespace salesim::models
