#include "gui/sim_runner.hpp"

#include <algorithm>
#include <chrono>

#include "models/registry.hpp"

namespace salesim::gui {

using SteadyClock = std::chrono::steady_clock;

RepId WorldView::owner(AccountId a) const {
  const auto it = std::upper_bound(rep_account_begin.begin(), rep_account_begin.end(), a);
  return RepId(std::max<ptrdiff_t>(0, (it - rep_account_begin.begin()) - 1));
}

namespace {

std::shared_ptr<const WorldView> make_world_view(const Engine& e) {
  auto v = std::make_shared<WorldView>();
  const Scenario& sc = e.scenario();
  const World& w = e.world();
  v->scenario_name = sc.name;
  v->seed = e.seed();
  v->scenario_hash = sc.hash;
  v->days = e.clock().days();
  v->ticks_per_day = e.clock().ticks_per_day();
  v->threads = e.threads();
  v->start = e.clock().start();
  v->cost_per_visit = sc.reps.cost_per_visit;
  for (const auto& r : sc.regions) {
    v->region_names.push_back(r.name);
    v->region_tier.push_back(r.tier);
  }
  for (const auto& r : sc.roles) v->role_names.push_back(r.name);
  v->role_weight = w.role_weight;
  // The org as the decision graph holds it (rep -> pod -> region edges).
  v->rep_region = w.rep_region;
  v->rep_pod.resize(w.reps());
  for (RepId r = 0; r < w.reps(); ++r) v->rep_pod[r] = PodId(w.graph.pod_of_rep(r));
  v->pod_region.resize(w.pods());
  for (PodId p = 0; p < w.pods(); ++p) v->pod_region[p] = RegionId(w.graph.region_of_pod(p));
  v->rep_skill = w.rep_skill;
  v->rep_hire_day = w.rep_hire_day;
  v->rep_account_begin = w.rep_account_begin;
  v->acct_region = w.acct_region;
  v->acct_tier = w.acct_tier;
  v->acct_size = w.acct_size;
  v->acct_contact_begin = w.acct_contact_begin;
  v->contact_role = w.contact_role;
  v->contact_influence = w.contact_influence;
  // Who sways whom: the influence graph's out-edges per contact, flattened.
  const auto& g = w.graph.influence;
  v->influence_begin.reserve(w.contacts() + 1);
  for (ContactId c = 0; c < w.contacts(); ++c) {
    v->influence_begin.push_back(uint32_t(v->influence.size()));
    if (c >= boost::num_vertices(g)) continue;
    for (auto [it, end] = boost::out_edges(c, g); it != end; ++it)
      v->influence.push_back({c, ContactId(boost::target(*it, g)), g[*it].weight});
  }
  v->influence_begin.push_back(uint32_t(v->influence.size()));
  const auto& iv = *e.policies().interventions;
  for (size_t i = 0; i < iv.rule_count(); ++i) v->rule_names.push_back(iv.rule_name(i));
  return v;
}

}  // namespace

SimRunner::SimRunner() { worker_ = std::thread([this] { loop(); }); }

SimRunner::~SimRunner() {
  {
    std::lock_guard lk(m_);
    quit_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void SimRunner::reset(const Scenario& sc, EngineOptions opt) {
  {
    std::lock_guard lk(m_);
    pending_reset_.emplace(sc, opt);
    steps_pending_ = 0;
    idle_ = false;
    building_ = true;
    ++pace_epoch_;
  }
  cv_.notify_all();
}

void SimRunner::play() {
  {
    std::lock_guard lk(m_);
    playing_ = true;
    idle_ = false;  // until the worker has looked at the command
    ++pace_epoch_;
  }
  cv_.notify_all();
}

void SimRunner::pause() {
  {
    std::lock_guard lk(m_);
    playing_ = false;
    steps_pending_ = 0;
  }
  cv_.notify_all();
}

void SimRunner::step_days(int n) {
  {
    std::lock_guard lk(m_);
    playing_ = false;
    steps_pending_ += std::max(0, n);
    idle_ = false;
  }
  cv_.notify_all();
}

void SimRunner::set_speed(double days_per_second) {
  {
    std::lock_guard lk(m_);
    if (speed_ == days_per_second) return;
    speed_ = days_per_second;
    ++pace_epoch_;
  }
  cv_.notify_all();
}

void SimRunner::set_stop_day(int day) {
  std::lock_guard lk(m_);
  stop_day_ = day;
}

void SimRunner::wait_idle() {
  std::unique_lock lk(m_);
  idle_cv_.wait(lk, [&] { return idle_ && !pending_reset_; });
}

std::shared_ptr<const Snapshot> SimRunner::snapshot() const {
  std::lock_guard lk(m_);
  return snap_;
}

std::shared_ptr<const WorldView> SimRunner::world() const {
  std::lock_guard lk(m_);
  return world_;
}

std::string SimRunner::error() const {
  std::lock_guard lk(m_);
  return error_;
}

// Called by the worker with m_ held.
bool SimRunner::has_work() const {
  if (quit_ || pending_reset_) return true;
  if (!engine_ || engine_->done()) return false;
  const int day = engine_->tick() / engine_->clock().ticks_per_day();
  if (stop_day_ >= 0 && day >= stop_day_ && steps_pending_ == 0) return false;
  return playing_ || steps_pending_ > 0;
}

void SimRunner::build(const Scenario& sc, EngineOptions opt) {
  std::unique_ptr<Engine> e;
  std::string err;
  try {
    e = models::make_engine(sc, opt);
  } catch (const std::exception& ex) {
    err = std::string("could not build the simulation: ") + ex.what();
  }
  std::shared_ptr<const WorldView> wv = e ? make_world_view(*e) : nullptr;
  engine_ = std::move(e);  // the old engine is destroyed here, on the worker
  event_cursor_ = 0;
  rep_totals_.assign(engine_ ? engine_->world().reps() : 0, RepTotals{});
  statements_ = std::make_shared<const std::vector<PayoutStatement>>();
  interventions_ = std::make_shared<const std::vector<InterventionRecord>>();
  last_kpis_.clear();
  measured_speed_ = 0;
  {
    std::lock_guard lk(m_);
    world_ = std::move(wv);
    error_ = err;
    if (!engine_) snap_ = std::make_shared<const Snapshot>();
  }
  if (engine_) publish(true);
}

void SimRunner::publish(bool compute_kpis) {
  const Engine& e = *engine_;
  const World& w = e.world();
  const Recorder& rec = e.recorder();
  auto s = std::make_shared<Snapshot>();
  s->version = ++version_;
  s->tick = e.tick();
  s->total_ticks = e.clock().ticks();
  s->done = e.done();
  s->playing = playing_;
  s->days_per_second = measured_speed_;
  s->days_done = e.done() ? e.clock().days() : e.tick() / e.clock().ticks_per_day();
  s->days.assign(rec.days().begin(), rec.days().begin() + s->days_done);
  if (compute_kpis) {
    last_kpis_ = e.kpis();
    interventions_ = std::make_shared<const std::vector<InterventionRecord>>(rec.interventions.to_vector());
  }
  s->interventions = interventions_;
  s->pods = rec.pods;
  s->kpis = last_kpis_;
  s->stage = w.stage;
  s->stage_since = w.stage_since;
  s->last_order = w.last_order;
  s->last_visit = w.last_visit;
  s->last_valid_visit = w.last_valid_visit;
  s->contact_last_touch = w.contact_last_touch;
  for (uint8_t st : w.stage) ++s->stage_counts[st];
  // Per-rep totals from the events recorded since the last publish.
  const auto& ev = rec.events();
  for (; event_cursor_ < ev.size(); ++event_cursor_) {
    const Event& x = ev[event_cursor_];
    if (x.rep >= rep_totals_.size()) continue;
    RepTotals& t = rep_totals_[x.rep];
    switch (x.kind) {
      case kEvTouch: ++t.visits; t.valid_visits += x.b ? 1 : 0; break;
      case kEvOrder: ++t.orders; t.first_orders += x.b ? 1 : 0; t.revenue += x.value; break;
      case kEvIntervention: if (x.a < t.interventions.size()) ++t.interventions[x.a]; break;
      default: break;
    }
  }
  if (rec.statements().size() != statements_->size()) {
    for (size_t i = statements_->size(); i < rec.statements().size(); ++i) {
      const auto& st = rec.statements()[i];
      if (st.rep < rep_totals_.size()) rep_totals_[st.rep].payouts += st.total;
    }
    statements_ = std::make_shared<const std::vector<PayoutStatement>>(rec.statements());
  }
  s->reps = rep_totals_;
  s->statements = statements_;
  s->rep_customers.assign(w.reps(), 0);
  for (AccountId a = 0; a < w.accounts(); ++a)
    if (is_customer(w.stage[a])) ++s->rep_customers[w.acct_rep[a]];
  s->has_touch_events = rec.wants(kEvTouch);
  s->has_order_events = rec.wants(kEvOrder);
  s->has_intervention_events = rec.wants(kEvIntervention);
  std::lock_guard lk(m_);
  snap_ = std::move(s);
}

void SimRunner::loop() {
  auto last_publish = SteadyClock::now(), last_kpis = last_publish;
  auto pace_start = last_publish, speed_t0 = last_publish;
  SteadyClock::duration publish_cost{};
  int pace_days = 0, speed_day0 = 0;
  uint64_t pace_epoch_seen = ~uint64_t(0);
  std::unique_lock lk(m_);
  for (;;) {
    // Every wake-up re-checks for work, so a command that turns out to need none (play on a finished
    // run) still ends as idle and wait_idle() returns.
    while (!has_work()) {
      idle_ = true;
      idle_cv_.notify_all();
      cv_.wait(lk);
    }
    idle_ = false;
    if (quit_) break;
    if (pending_reset_) {
      auto job = std::move(*pending_reset_);
      pending_reset_.reset();
      building_ = true;
      lk.unlock();
      build(job.first, job.second);
      lk.lock();
      building_ = pending_reset_.has_value();
      continue;
    }
    if (pace_epoch_seen != pace_epoch_) {
      pace_epoch_seen = pace_epoch_;
      pace_start = SteadyClock::now();
      pace_days = 0;
    }
    const bool stepping = !playing_ && steps_pending_ > 0;
    const double speed = speed_;
    lk.unlock();

    // One simulated day (or what is left of the current one).
    const int tpd = engine_->clock().ticks_per_day();
    do engine_->step();
    while (!engine_->done() && engine_->tick() % tpd != 0);
    const int day = engine_->tick() / tpd;

    const auto now = SteadyClock::now();
    const double dt = std::chrono::duration<double>(now - speed_t0).count();
    if (dt > 0.25) {
      measured_speed_ = (day - speed_day0) / dt;
      speed_t0 = now;
      speed_day0 = day;
    }
    lk.lock();
    if (stepping && steps_pending_ > 0) --steps_pending_;
    if (engine_->done() || (stop_day_ >= 0 && day >= stop_day_)) playing_ = false;
    const bool more = has_work();
    lk.unlock();
    const bool kpis_due = !more || now - last_kpis > std::chrono::milliseconds(250);
    // At most ~60 snapshots a second, and never more than a tenth of the worker's time copying
    // (large worlds make a snapshot expensive).
    if (!more || now - last_publish > std::max<SteadyClock::duration>(std::chrono::milliseconds(16), 10 * publish_cost)) {
      if (!more) measured_speed_ = 0;
      const auto t0 = SteadyClock::now();
      publish(kpis_due);
      last_publish = SteadyClock::now();
      publish_cost = last_publish - t0;
      if (kpis_due) last_kpis = last_publish;
    }
    lk.lock();
    if (playing_ && speed > 0 && pace_epoch_seen == pace_epoch_) {
      ++pace_days;
      const auto due = pace_start + std::chrono::duration_cast<SteadyClock::duration>(
                                        std::chrono::duration<double>(pace_days / speed));
      const uint64_t epoch = pace_epoch_;
      cv_.wait_until(lk, due, [&] { return quit_ || pending_reset_ || !playing_ || pace_epoch_ != epoch; });
    }
  }
}

}  // namespace salesim::gui
