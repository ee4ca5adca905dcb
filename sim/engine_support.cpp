// The engine's support functions around the rep's own touches: what a fired intervention rule does
// (tasks, pushed material, dispatches to specialists, credit freezes, replenishment), the pods'
// specialists and demand cards, negotiated discounts and the credit model. docs/interventions.md,
// docs/pods.md
#include <algorithm>
#include <cassert>
#include <cmath>
#include <omp.h>
#include <fmt/format.h>

#include "sim/engine.hpp"
#include "sim/engine_impl.hpp"
#include "sim/parallel.hpp"

namespace salesim {

namespace {
Tick hours_to_ticks(double hours, double tick_hours) { return Tick(std::ceil(std::max(0.0, hours) / tick_hours)); }
// A specialist queue is served in order of readiness: each dispatch has its own random delay, so
// appending would let one long delay at the front hold back every task behind it.
void enqueue(std::deque<Task>& q, const Task& task) {
  const auto at = std::upper_bound(q.begin(), q.end(), task.not_before,
                                   [](Tick x, const Task& y) { return x < y.not_before; });
  q.insert(at, task);
}
}  // namespace

// ---- merging what reps, specialists and pushes did (serial, in a fixed order) ------------------

void Engine::merge_out(RepOut& out, Tick t, int day) {
  Impl& m = *m_;
  DayRow& row = rec_.day(day);
  for (const auto& s : out.stages) {
    const RepId r = w_.acct_rep[s.account];
    if (s.to == kEngaged) {
      ++row.engaged;
      m.engaged_at[s.account] = t;
      ++rec_.pods[w_.rep_pod[r]].engaged;
    }
    rec_.event({t, kEvStage, s.from, s.to, r, s.account, 0, 0});
  }
  for (const auto& o : out.orders) m.pending.push_back(o);
  const auto& P = sc_.pods;
  for (const CardRaised& c : out.cards) {
    const PodId pod = w_.rep_pod[w_.acct_rep[c.account]];
    Rng rng(seed_, Purpose::Cards, c.account, int64_t(t) * 2 + 1);
    const uint16_t topic = uint16_t(rng.below(uint32_t(P.card_topics)));
    const bool pod_answers = P.agile && P.presales > 0;
    const bool reused = pod_answers && m.pod_topic_known[pod][topic];
    double hours = rng.exponential(pod_answers ? P.pod_response_hours : P.hierarchy_response_hours);
    if (reused) hours *= 1.0 - P.reuse_speedup;
    m.card_raised[c.account] = t;
    m.card_answer[c.account] = t + std::max<Tick>(1, hours_to_ticks(hours, clock().tick_hours()));
    m.card_topic[c.account] = topic;
    m.card_contact[c.account] = c.contact;
    m.card_reused[c.account] = reused;
    m.open_cards.push_back(c.account);
    ++row.cards_raised;
    ++rec_.pods[pod].cards_raised;
  }
  for (const DiscountAsk& d : out.discounts) {
    PodStats& ps = rec_.pods[w_.rep_pod[w_.acct_rep[d.account]]];
    ++row.discounts;
    ++ps.discounts;
    ps.discount_sum += d.granted;
    ps.approval_wait_days_sum += d.wait_days;
  }
  for (uint32_t k : out.done_records) {
    InterventionRecord& x = rec_.interventions[k];
    x.done_day = day;
    if (x.status == kAccepted) x.status = kDone;
    if (x.kind == ThenKind::Dispatch && x.rep != kNone) ++rec_.pods[w_.rep_pod[x.rep]].dispatches_done;
  }
  rec_.visit_quality_sum += out.quality_sum;
  rec_.visit_quality_n += out.quality_n;
  out.orders.clear();
  out.stages.clear();
  out.cards.clear();
  out.discounts.clear();
  out.done_records.clear();
  out.quality_sum = 0;
  out.quality_n = 0;
  out.tasks_done = 0;
}

// ---- what a fired rule does (docs/interventions.md#then) ---------------------------------------

// A dispatch goes to its pod's specialists of its role, or to the central department of that role
// when the pod has none (or the organisation is a hierarchy): queue index [pod * 3 + role] among the
// pod queues, then the three central ones.
size_t Engine::dispatch_queue(const Suggestion& s) const {
  const auto& P = sc_.pods;
  const int role = int(s.role);
  const int have = role == 0 ? P.presales : role == 1 ? P.customer_success : P.analyst;
  if (P.agile && have > 0) return size_t(w_.rep_pod[s.rep]) * 3 + size_t(role);
  return m_->pod_queue.size() + size_t(role);
}

// Puts the dispatch in queue q (dispatch_queue(s)); changes only that queue and the dispatch's record
// (Engine::interventions takes dispatches to different queues in parallel).
void Engine::dispatch(const Suggestion& s, size_t q, uint32_t record, Tick t) {
  Impl& m = *m_;
  InterventionRecord& x = rec_.interventions[record];
  const auto& P = sc_.pods;
  const Tick tpd = clock().ticks_per_day();
  Rng rng(seed_, Purpose::Specialist, s.account, int64_t(t) * 8 + s.rule);
  x.status = kApplied;
  x.role = uint8_t(s.role);
  if (q < m.pod_queue.size()) {
    x.assignee = kToPod;
    const Tick delay = hours_to_ticks(rng.exponential(P.pod_response_hours), clock().tick_hours());
    enqueue(m.pod_queue[q], {s.account, s.action, s.rule, t + delay, t + 14 * tpd, record});
  } else {
    x.assignee = kToCentral;
    const Tick delay = hours_to_ticks(rng.exponential(P.hierarchy_response_hours), clock().tick_hours());
    enqueue(m.central_queue[q - m.pod_queue.size()], {s.account, s.action, s.rule, t + delay, t + delay + 14 * tpd, record});
  }
}

void Engine::act_on(const Suggestion& s, uint32_t record, Tick t, int day) {
  Impl& m = *m_;
  InterventionRecord& x = rec_.interventions[record];
  const Tick tpd = clock().ticks_per_day();
  switch (s.kind) {
    case ThenKind::PushMaterial:
      x.assignee = kToDigital;
      x.status = kApplied;
      m.digital.push_back({s.account, s.action, s.rule, t, t + tpd, record});
      break;
    case ThenKind::Task:      // handled by the caller: trust and the circuit breaker apply
    case ThenKind::Dispatch:  // handled by the caller, per share of queues in parallel (Engine::dispatch)
      break;
    case ThenKind::FreezeCredit: {
      const AccountId a = s.account;
      x.assignee = kToManager;
      if (w_.arrears_due[a] == kNever) { x.status = kIgnored; break; }  // nothing overdue: nothing to freeze
      x.status = kApplied;
      w_.credit_frozen[a] = 1;
      m.set_order_flags(w_, a);
      // The regional manager's collection call brings the payment forward.
      const Tick left = std::max<Tick>(0, w_.arrears_paid[a] - t);
      w_.arrears_paid[a] = t + Tick(std::llround(double(left) * (1.0 - sc_.credit.manager_collection_speedup)));
      break;
    }
    case ThenKind::Replenish: {
      const size_t series = s.series;
      const int bd = int(sc_.forecast.params["bucket_days"]);
      const double daily = m.current_forecast[series] / bd;
      const double qty = std::floor(std::max(0.0, s.cover_days * daily - w_.stock[series] - m.on_order[series]));
      x.assignee = kToWarehouse;
      x.status = qty > 0 ? kApplied : kIgnored;
      x.amount = float(qty);
      if (qty <= 0) break;
      const size_t arrive = size_t(day + s.lead_days);
      if (arrive < m.arrivals.size()) {
        // Handled by a warehouse staff member of the region, if there are any: it may come late.
        uint32_t staff = kNone;
        const size_t when = size_t(assign_replenishment(series, day, s.lead_days, (int64_t(day) << 16) + 1 + s.rule, &staff));
        if (staff != kNone) x.staff = uint16_t(staff % w_.staff_per_region);
        if (when == size_t(day)) {
          w_.stock[series] += qty;
        } else {
          m.on_order[series] += qty;
          if (when < m.arrivals.size()) {
            if (m.arrivals[when].empty()) m.arrivals[when].assign(w_.stock.size(), 0.0);
            m.arrivals[when][series] += qty;
          }
        }
      }
      x.done_day = day;
      break;
    }
  }
}

// ---- specialists, pushed material and demand cards, once per tick (serial) ---------------------

void Engine::support_phase(Tick t, int day) {
  Impl& m = *m_;
  const auto& P = sc_.pods;
  const bool working = clock().work_fraction(t) > 0;
  const Tick window = Tick(3 * clock().ticks_per_day());
  RepOut& out = m.support_out;
  // A task's touch fields, asked for a few tasks ahead; its contact is found only at the touch.
  const auto prefetch = [&](AccountId a) {
    m.prefetch_touch(w_, a);
    __builtin_prefetch(&w_.acct_contact_begin[a]);
  };
  auto material_p_valid = [&](AccountId a, Action act) {
    const ActionSpec& spec = sc_.actions[act];
    return is_customer(w_.stage[a]) ? spec.result_customer : spec.result_prospect;
  };
  // Pushed material goes out at once, whatever the hour: the tasks due, in queue order. A touch
  // changes only its own account (and that account's contacts), so accounts are shared out between
  // threads by number, each thread taking its accounts' tasks in queue order; what the touches
  // produce (stage changes, orders) is then put back in task order, as one thread would have made it.
  size_t due = 0;
  while (due < m.digital.size() && m.digital[due].not_before <= t) ++due;
  if (due > 0) {
    struct Lane {
      RepOut out;
      std::vector<uint32_t> stage_task, order_task;  // the task each stage change and order came from
      size_t next_stage = 0, next_order = 0;
    };
    const int lanes_n = due >= 64 ? std::max(1, threads_) : 1;
    std::vector<Lane> lanes(static_cast<size_t>(lanes_n));
    size_t lanes_used = 1;  // as many as OpenMP gave threads
#pragma omp parallel num_threads(lanes_n)
    {
      const size_t n = size_t(omp_get_num_threads()), me = size_t(omp_get_thread_num());
      if (me == 0) lanes_used = n;
      Lane& lane = lanes[me];
      constexpr size_t kAhead = 8;  // the touches' fields are asked for a few tasks ahead
      for (size_t i = 0; i < std::min(due, kAhead); ++i)
        if (m.digital[i].account % n == me) prefetch(m.digital[i].account);
      for (size_t i = 0; i < due; ++i) {
        if (i + kAhead < due && m.digital[i + kAhead].account % n == me) prefetch(m.digital[i + kAhead].account);
        const Task& task = m.digital[i];
        if (task.account % n != me) continue;
        Rng rng(seed_, Purpose::Specialist, task.account, int64_t(t) * 8 + 7);
        const ContactId c = w_.most_influential_uncontacted(task.account, t, window);
        touch_account(lane.out, task.account, c, task.action, sc_.actions[task.action].base_contribution,
                      material_p_valid(task.account, task.action), false, 1.0, t, rng);
        lane.stage_task.resize(lane.out.stages.size(), uint32_t(i));
        lane.order_task.resize(lane.out.orders.size(), uint32_t(i));
      }
    }
    for (size_t i = 0; i < due; ++i) {
      Lane& lane = lanes[m.digital[i].account % lanes_used];
      for (; lane.next_stage < lane.stage_task.size() && lane.stage_task[lane.next_stage] == i; ++lane.next_stage)
        out.stages.push_back(lane.out.stages[lane.next_stage]);
      for (; lane.next_order < lane.order_task.size() && lane.order_task[lane.next_order] == i; ++lane.next_order)
        out.orders.push_back(lane.out.orders[lane.next_order]);
      out.done_records.push_back(m.digital[i].record);
    }
#ifndef NDEBUG
    for (const Lane& lane : lanes)  // a touch that is not a rep's visit raises no card, asks no discount
      assert(lane.out.touches.empty() && lane.out.cards.empty() && lane.out.discounts.empty());
#endif
    m.digital.erase(m.digital.begin(), m.digital.begin() + long(due));
  }
  if (working) {
    // Specialists: each pod's role queue within its capacity today; in a hierarchy the central
    // departments, with the same headcount pooled, after their coordination delay.
    auto serve = [&](std::deque<Task>& q, double* capacity, RepOut& into) {
      while (!q.empty() && q.front().not_before <= t) {
        const Task task = q.front();
        if (task.expires <= t) {
          q.pop_front();
          rec_.interventions[task.record].status = kExpired;
          continue;
        }
        if (capacity && *capacity < 1.0) break;
        q.pop_front();
        if (q.size() > 4) prefetch(q[4].account);  // a few tasks ahead
        if (capacity) *capacity -= 1.0;
        Rng rng(seed_, Purpose::Specialist, task.account, int64_t(t) * 8 + 3);
        const ContactId c = w_.most_influential_uncontacted(task.account, t, window);
        const double p_valid = std::min(1.0, material_p_valid(task.account, task.action) * 1.2);
        touch_account(into, task.account, c, task.action, sc_.actions[task.action].base_contribution, p_valid, false,
                      1.0, t, rng);
        into.done_records.push_back(task.record);
      }
    };
    // A pod's queues hold tasks for its own reps' accounts (a dispatch goes to the pod of the
    // account's rep) and its capacity is its own, so pods are served in parallel, each into a lane of
    // its own, its three role queues in order; the lanes are then put back in pod order, as one
    // thread serving the pods in turn would have made them. Pods with nothing due are skipped.
    const long pods = long(m.pod_queue.size() / 3);
    m.pod_out.resize(size_t(pods));
    const auto due_now = [&](const std::deque<Task>& q) { return !q.empty() && q.front().not_before <= t; };
    long busy = 0;
    for (const auto& q : m.pod_queue) busy += due_now(q);
#pragma omp parallel for schedule(dynamic, 4) num_threads(busy >= 2 ? std::max(1, threads_) : 1)
    for (long pod = 0; pod < pods; ++pod)
      for (size_t k = size_t(pod) * 3; k < size_t(pod) * 3 + 3; ++k)
        if (due_now(m.pod_queue[k])) serve(m.pod_queue[k], &m.pod_capacity_left[k], m.pod_out[size_t(pod)]);
    for (RepOut& lane : m.pod_out) {
      assert(lane.touches.empty() && lane.cards.empty() && lane.discounts.empty());  // no rep visits
      out.stages.insert(out.stages.end(), lane.stages.begin(), lane.stages.end());
      out.orders.insert(out.orders.end(), lane.orders.begin(), lane.orders.end());
      out.done_records.insert(out.done_records.end(), lane.done_records.begin(), lane.done_records.end());
      lane.stages.clear();
      lane.orders.clear();
      lane.done_records.clear();
    }
    for (size_t k = 0; k < 3; ++k) serve(m.central_queue[k], &m.central_capacity_left[k], out);
  }
  // Demand cards: answered when their time comes (pod presales within today's capacity), closed
  // unanswered after expiry_days.
  const Tick expiry = Tick(P.card_expiry_days) * clock().ticks_per_day();
  DayRow& row = rec_.day(day);
  size_t keep = 0;
  for (size_t i = 0; i < m.open_cards.size(); ++i) {
    const AccountId a = m.open_cards[i];
    const PodId pod = w_.rep_pod[w_.acct_rep[a]];
    PodStats& ps = rec_.pods[pod];
    if (t - m.card_raised[a] >= expiry) {
      ++ps.cards_expired;
      m.card_answer[a] = kNever;
      continue;
    }
    bool answer = t >= m.card_answer[a];
    double& capacity = P.agile && P.presales > 0 ? m.pod_capacity_left[size_t(pod) * 3 + 0] : m.central_capacity_left[0];
    answer = answer && working && capacity >= 1.0;
    if (!answer) { m.open_cards[keep++] = a; continue; }
    capacity -= 1.0;
    ++row.cards_answered;
    ++ps.cards_answered;
    ps.cards_reused += m.card_reused[a];
    ps.response_hours_sum += double(t - m.card_raised[a]) * clock().tick_hours();
    // The pod keeps the answer for reuse: always with an analyst, otherwise half the time.
    Rng rng(seed_, Purpose::Cards, a, int64_t(t) * 2);
    if (P.agile && (P.analyst > 0 || rng.bernoulli(0.5))) m.pod_topic_known[pod][m.card_topic[a]] = 1;
    m.card_answer[a] = kNever;
    touch_account(out, a, m.card_contact[a], kCustomTemplate, P.answer_contribution, 1.0, false, 1.0, t, rng);
  }
  m.open_cards.resize(keep);
  merge_out(out, t, day);
  out.touches.clear();
}

// ---- credit: payments, write-offs (docs/interventions.md#credit) --------------------------------

void Engine::credit_day(Tick t, int day) {
  if (sc_.credit.late_share <= 0) return;
  Impl& m = *m_;
  DayRow& row = rec_.day(day);
  const Tick write_off = Tick(sc_.credit.write_off_days) * clock().ticks_per_day();
  const uint8_t lapse_to = uint8_t(sc_.journey.lapse_to_stage - 1);
  // The accounts whose arrears are paid or written off today, found in parallel and in account order
  // (sim/parallel.hpp), a block at a time: a branch-free pass, then the few it finds. What decides it
  // is the account's own invoice, which no other account's settlement changes.
  constexpr long kBlock = 256;
  const Tick* due = w_.arrears_due.data();
  const Tick* paid = w_.arrears_paid.data();
  ordered_block_scan(long(w_.accounts()), threads_, kBlock, m.account_chunks, [&](long lo, long hi, std::vector<AccountId>& settle) {
    uint8_t hit[kBlock];
    for (long a = lo; a < hi; ++a)
      hit[a - lo] = uint8_t((due[a] != kNever) & ((t >= paid[a]) | (t - due[a] >= write_off)));
    for (long a = lo; a < hi; ++a)
      if (hit[a - lo]) settle.push_back(AccountId(a));
  });
  for_each_in_order(m.account_chunks, [&](const AccountId a) {
    if (t >= w_.arrears_paid[a]) {
      w_.arrears_due[a] = kNever;
      w_.exposure[a] = 0;
      w_.credit_frozen[a] = 0;
      m.set_order_flags(w_, a);
    } else if (t - w_.arrears_due[a] >= write_off) {
      row.bad_debt += w_.exposure[a];
      w_.arrears_due[a] = kNever;
      w_.exposure[a] = 0;
      w_.credit_frozen[a] = 0;
      m.set_order_flags(w_, a);
      if (is_customer(w_.stage[a])) {  // the customer is lost with its debt
        const uint8_t from = w_.stage[a];
        w_.stage[a] = lapse_to;
        w_.stage_since[a] = t;
        w_.adopted[a] = 0;
        w_.last_lapse[a] = t;
        if (from == kRepeat) ++row.churned;
        if (from == kTrial) {
          ++row.trial_lapsed;
          m.trial_start[a] = kNever;
        }
        rec_.event({t, kEvStage, from, lapse_to, w_.acct_rep[a], a, 0, 0});
      }
    }
  });
}

// ---- poaching (docs/incentives.md#poaching) ------------------------------------------------------

void Engine::poaching(Tick t, int day) {
  const auto& P = sc_.reps;
  if (P.poach_propensity <= 0 || !clock().rep_workday(day)) return;
  Impl& m = *m_;
  DayRow& row = rec_.day(day);
  const Tick until = t + Tick(P.poach_duration_days) * clock().ticks_per_day();
  const double order_value = m.orders_total > 0 ? m.revenue_total / m.orders_total : 100.0;
  const AccountId A = AccountId(w_.accounts());
  for (RepId r = 0; r < w_.reps(); ++r) {
    if (day < w_.rep_hire_day[r]) continue;
    Rng rng(seed_, Purpose::Poaching, r, day);
    if (!rng.bernoulli(P.poach_propensity)) continue;
    // The rep looks at a few accounts of other reps (another region's with cross_region_share) and
    // goes for the biggest repeat customer among them.
    const bool cross = rng.bernoulli(P.poach_cross_region_share);
    AccountId target = kNone;
    for (int k = 0; k < 8; ++k) {
      const AccountId a = AccountId(rng.below(A));
      if (w_.acct_rep[a] == r || w_.stage[a] != kRepeat || m.poached_until[a] > t) continue;
      if ((w_.acct_region[a] != w_.rep_region[r]) != cross) continue;
      if (target == kNone || w_.acct_size[a] > w_.acct_size[target]) target = a;
    }
    if (target == kNone) continue;
    // Gain: the plan's pay for the account's expected revenue over the poaching; penalty: the plan's
    // price of a complaint times its chance. Bounded rationality: a noisy estimate of the gain.
    const PlanSignals& sig = m.incentives[r];
    const double revenue = w_.acct_size[target] * m.region_rate[w_.acct_region[target]] * order_value * P.poach_duration_days;
    const double gain = sig.per_revenue * revenue * std::exp(P.poach_noise * rng.normal());
    const double penalty = P.poach_complaint_probability * std::max(0.0, -sig.per_poaching_complaint);
    if (gain <= penalty) continue;
    m.poached_by[target] = r;
    m.poached_until[target] = until;
    m.set_order_flags(w_, target);
    ++row.poached;
    if (rng.bernoulli(P.poach_complaint_probability)) {
      ++row.poaching_complaints;
      ++m.period[r].poaching_complaints;
    }
  }
}

// ---- outcomes of suggestions, outcome_days after they fired ------------------------------------

void Engine::measure_outcomes(int day, bool final_day) {
  Impl& m = *m_;
  const int after = sc_.intervention_outcome_days;
  const Tick tpd = clock().ticks_per_day();
  auto& v = rec_.interventions;
  while (m.next_outcome < v.size() && (v[m.next_outcome].day + after <= day || final_day)) {
    InterventionRecord& x = v[m.next_outcome++];
    if (x.account == kNone) continue;
    x.stage_after = w_.stage[x.account];
    if (x.day + after <= day) x.ordered = w_.last_order[x.account] >= Tick(x.day) * tpd ? 1 : 0;
  }
}

std::string Engine::check_caches() const {
  for (AccountId a = 0; a < AccountId(w_.accounts()); ++a) {
    const uint8_t want = m_->order_flags_for(w_, a);
    if (m_->order_flags[a] != want)
      return fmt::format("account {}: order flags {} where its discount, poaching, arrears and credit freeze say {}", a,
                         int(m_->order_flags[a]), int(want));
  }
  return {};
}

}  // namespace salesim
