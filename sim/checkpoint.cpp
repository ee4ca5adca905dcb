// Checkpoints: the archive's file framing, and what the engine, the world and the recorder save.
// docs/outputs.md#checkpoints. Every member of World (state part), Engine::Impl and Recorder is
// listed below, in declaration order; the size guards at the end of the file fail the build when a
// member is added to one of them, so a new piece of state cannot be silently left out.
#include "sim/checkpoint.hpp"

#include <fmt/format.h>
#include <iterator>
#include <xxhash.h>

#include "sim/engine.hpp"
#include "sim/engine_impl.hpp"
#include "sim/output.hpp"
#include "sim/recorder.hpp"

namespace salesim {

namespace {

constexpr char kMagic[8] = {'S', 'L', 'S', 'M', 'C', 'K', 'P', 'T'};

void save(ArchiveWriter& o, const RepOut& x) {
  o.vec(x.plan);
  o.vec(x.touches);
  o.vec(x.orders);
  o.vec(x.stages);
  o.pod(x.tasks_done);
  o.vec(x.cards);
  o.vec(x.discounts);
  o.vec(x.done_records);
  o.pod(x.quality_sum);
  o.pod(x.quality_n);
}
void load(ArchiveReader& in, RepOut& x) {
  in.vec(x.plan);
  in.vec(x.touches);
  in.vec(x.orders);
  in.vec(x.stages);
  in.pod(x.tasks_done);
  in.vec(x.cards);
  in.vec(x.discounts);
  in.vec(x.done_records);
  in.pod(x.quality_sum);
  in.pod(x.quality_n);
}

template <class V>
void require_size(const V& v, size_t n, const char* what) {
  if (v.size() != n)
    ArchiveReader::fail(fmt::format("{} has {} entries, the scenario {}", what, v.size(), n));
}

}  // namespace

// ---- file framing ------------------------------------------------------------------------------

void write_checkpoint(std::ostream& out, const CheckpointHeader& h, const ArchiveWriter& payload) {
  ArchiveWriter head;
  head.raw(kMagic, sizeof kMagic);
  head.pod(h.format);
  head.pod(h.scenario_hash);
  head.pod(h.seed);
  head.pod(h.tick);
  head.str(h.version);
  head.size(payload.bytes().size());
  const uint64_t sum = XXH64(payload.bytes().data(), payload.bytes().size(), 0);
  out.write(head.bytes().data(), std::streamsize(head.bytes().size()));
  out.write(payload.bytes().data(), std::streamsize(payload.bytes().size()));
  out.write(reinterpret_cast<const char*>(&sum), sizeof sum);
  if (!out) throw CheckpointError("cannot write the checkpoint");
}

ArchiveReader read_checkpoint(std::istream& in, CheckpointHeader& h) {
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw CheckpointError("cannot read the checkpoint");
  ArchiveReader f(std::move(all));
  char magic[sizeof kMagic] = {};
  if (f.remaining() < sizeof magic) throw CheckpointError("not a salesim checkpoint (file too short)");
  f.raw(magic, sizeof magic);
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) throw CheckpointError("not a salesim checkpoint (bad magic)");
  f.pod(h.format);
  if (h.format != kCheckpointFormat)
    throw CheckpointError(fmt::format("checkpoint format {} cannot be read by this salesim (format {})", h.format,
                                      kCheckpointFormat));
  f.pod(h.scenario_hash);
  f.pod(h.seed);
  f.pod(h.tick);
  f.str(h.version);
  const size_t n = f.size(1);
  std::string payload(n, '\0');
  f.raw(payload.data(), n);
  const uint64_t sum = f.get<uint64_t>();
  f.expect_end();
  if (sum != XXH64(payload.data(), payload.size(), 0)) ArchiveReader::fail("checksum mismatch");
  return ArchiveReader(std::move(payload));
}

CheckpointHeader read_checkpoint_header(std::istream& in) {
  CheckpointHeader h;
  (void)read_checkpoint(in, h);
  return h;
}

// ---- recorder ----------------------------------------------------------------------------------

void save(ArchiveWriter& o, const PayoutStatement& s) {
  o.pod(s.role);
  o.pod(s.rep);
  o.pod(s.staff);
  o.str(s.period);
  o.size(s.lines.size());
  for (const PayoutLine& l : s.lines) {
    o.str(l.item);
    o.pod(l.basis);
    o.pod(l.rate);
    o.pod(l.amount);
    o.str(l.explanation);
  }
  o.pod(s.total);
  o.size(s.variables.size());
  for (const auto& [name, value] : s.variables) {
    o.str(name);
    o.pod(value);
  }
  o.pod(s.has_previous);
  o.pod(s.previous_total);
  o.size(s.attribution.size());
  for (const Attribution& a : s.attribution) {
    o.str(a.variable);
    o.pod(a.from);
    o.pod(a.to);
    o.pod(a.amount);
  }
  o.str(s.explanation);
}

void load(ArchiveReader& in, PayoutStatement& s) {
  in.pod(s.role);
  if (s.role != Payee::Rep && s.role != Payee::WarehouseStaff) ArchiveReader::fail("a payout statement's payee is unknown");
  in.pod(s.rep);
  in.pod(s.staff);
  in.str(s.period);
  s.lines.resize(in.size(8 + 3 * 8 + 8));  // two lengths and three doubles at least
  for (PayoutLine& l : s.lines) {
    in.str(l.item);
    in.pod(l.basis);
    in.pod(l.rate);
    in.pod(l.amount);
    in.str(l.explanation);
  }
  in.pod(s.total);
  s.variables.resize(in.size(8 + 8));
  for (auto& [name, value] : s.variables) {
    in.str(name);
    in.pod(value);
  }
  in.pod(s.has_previous);
  in.pod(s.previous_total);
  s.attribution.resize(in.size(8 + 3 * 8));
  for (Attribution& a : s.attribution) {
    in.str(a.variable);
    in.pod(a.from);
    in.pod(a.to);
    in.pod(a.amount);
  }
  in.str(s.explanation);
}

void save(ArchiveWriter& o, const InterventionRecord& x) {
  o.pod(x.day);
  o.pod(x.rule);
  o.pod(x.kind);
  o.pod(x.status);
  o.pod(x.degraded);
  o.pod(x.rep);
  o.pod(x.account);
  o.pod(x.series);
  o.pod(x.assignee);
  o.pod(x.role);
  o.pod(x.done_day);
  o.pod(x.stage_before);
  o.pod(x.stage_after);
  o.pod(x.ordered);
  o.pod(x.amount);
  o.pod(x.staff);
}

void load(ArchiveReader& in, InterventionRecord& x) {
  in.pod(x.day);
  in.pod(x.rule);
  in.pod(x.kind);
  in.pod(x.status);
  in.pod(x.degraded);
  in.pod(x.rep);
  in.pod(x.account);
  in.pod(x.series);
  in.pod(x.assignee);
  in.pod(x.role);
  in.pod(x.done_day);
  in.pod(x.stage_before);
  in.pod(x.stage_after);
  in.pod(x.ordered);
  in.pod(x.amount);
  in.pod(x.staff);
}

void Recorder::save(ArchiveWriter& o) const {
  o.section("recorder");
  o.pod(event_mask_);
  o.vec(days_);
  o.vec(events_);
  o.vec(basket_more_.empty() ? basket_bins_ : basket_counts());  // the lanes added: as one thread counts
  o.vec(basket_big_);
  o.size(statements_.size());
  for (const auto& s : statements_) salesim::save(o, s);
  o.pod(repurchase_eligible);
  o.pod(repurchase_hits);
  o.pod(retention_cohort);
  o.pod(retention_kept);
  o.pod(rep_quits);
  o.vec(rep_pay);
  o.vec(rep_revenue);
  o.pod(lead_hours_sum);
  o.pod(lead_count);
  o.pod(deals_won);
  o.pod(deal_cycle_days_sum);
  o.pod(specialist_cost);
  o.pod(visit_quality_sum);
  o.pod(visit_quality_n);
  o.size(interventions.size());
  for (const auto& x : interventions) salesim::save(o, x);
  o.vec(pods);
  o.vec(warehouse);
}

void Recorder::load(ArchiveReader& in) {
  in.section("recorder");
  in.pod(event_mask_);
  in.fixed(days_, "the time series");
  in.vec(events_);
  in.vec(basket_bins_);
  basket_more_.clear();
  in.vec(basket_big_);
  statements_.resize(in.size(64));
  for (auto& s : statements_) salesim::load(in, s);
  in.pod(repurchase_eligible);
  in.pod(repurchase_hits);
  in.pod(retention_cohort);
  in.pod(retention_kept);
  in.pod(rep_quits);
  in.fixed(rep_pay, "rep pay");
  in.fixed(rep_revenue, "rep revenue");
  in.pod(lead_hours_sum);
  in.pod(lead_count);
  in.pod(deals_won);
  in.pod(deal_cycle_days_sum);
  in.pod(specialist_cost);
  in.pod(visit_quality_sum);
  in.pod(visit_quality_n);
  // Each record is saved field by field: 36 bytes (a bound of 40 here refused long logs that were whole).
  interventions.resize(in.size(36));
  for (auto& x : interventions) salesim::load(in, x);
  in.fixed(pods, "pod statistics");
  in.vec(warehouse);
}

// ---- engine ------------------------------------------------------------------------------------

void Engine::save_checkpoint(std::ostream& out) const {
  // Build guards: a member added to World, Engine::Impl or Recorder changes these sizes (on the
  // toolchain the project builds with). Add the member to save_checkpoint / restore_checkpoint (or,
  // for World, decide it is structure fixed after build_world; for a member derived from others, such
  // as Impl::order_flags, rebuild it at the end of restore_checkpoint), then update the number here.
#if defined(__GLIBCXX__) && defined(__x86_64__)
  static_assert(sizeof(Engine::Impl) == 2408, "Engine::Impl changed: save and restore the new member in sim/checkpoint.cpp");
  static_assert(sizeof(World) == 1320, "World changed: save and restore new state in sim/checkpoint.cpp");
  static_assert(sizeof(Recorder) == 376, "Recorder changed: save and restore the new member in sim/checkpoint.cpp");
#endif
  ArchiveWriter o;
  // World: the state part (the structure, warehouse staff and their reliability included, is
  // rebuilt from the scenario and seed), plus what
  // attrition (rep_skill, rep_hire_day) and Engine::adjust (pod_specialists) change.
  o.section("world");
  o.vec(w_.pod_specialists);
  o.vec(w_.rep_skill);
  o.vec(w_.rep_hire_day);
  o.vec(w_.stage);
  o.vec(w_.adopted);
  o.vec(w_.stage_since);
  o.vec(w_.last_order);
  o.vec(w_.last_visit);
  o.vec(w_.last_valid_visit);
  o.vec(w_.last_stockout);
  o.vec(w_.last_lapse);
  o.vec(w_.contact_last_touch);
  o.vec(w_.stock);
  o.vec(w_.arrears_due);
  o.vec(w_.arrears_paid);
  o.vec(w_.exposure);
  o.vec(w_.credit_frozen);
  o.vec(w_.acct_discount);

  // Engine::Impl, every member in declaration order. The per-tick scratch (rep_out, account_chunks, order_chunks,
  // change_chunks, pending, suggestions, support_out, ...) is empty or rebuilt at a day
  // boundary, where the CLI checkpoints, but it is saved too: then a checkpoint at any tick resumes
  // exactly, and the list needs no judgement. The exceptions: region_books, fulfil's per-region
  // scratch, and pod_out, the specialists' per-pod scratch, are emptied before their phase returns,
  // so between ticks there is nothing in them to save; and
  // plan_uses_retention is derived from the plan, which the restoring engine was built with; the
  // order_lambda cache, recomputed from the saved daily rates (lambda_day starts at -1); and
  // churn_base, a table of the scenario's churn parameters (Engine::build_tables).
  const Impl& m = *m_;
  o.section("engine");
  o.pod(tick_);
  o.vec(m.budget);
  o.vec(m.effort);
  o.vec(m.overload);
  o.vec(m.period);
  o.deq(m.tasks);
  o.vec(m.suggestion_window);
  o.size(m.rep_out.size());
  for (const RepOut& x : m.rep_out) save(o, x);
  o.vec(m.order_hazard);
  o.vec(m.order_target);
  o.vec(m.account_chunks);
  o.vec(m.order_chunks);
  o.vec(m.change_chunks);
  o.vec(m.trial_start);
  o.vec(m.cohort);
  o.vec(m.pending);
  o.vec(m.region_rate);
  o.vec(m.promo_loss);
  o.vec(m.history);
  o.vec(m.bucket_demand);
  o.vec(m.current_forecast);
  o.vec(m.err_var);
  o.vec(m.has_forecast);
  o.pod(m.bucket);
  o.vec(m.arrivals);
  o.vec(m.on_order);
  o.vec(m.region_units_today);
  o.vec(m.region_units_ring);
  o.vec(m.region_wow);
  o.vec(m.suggestions);
  o.vec(m.region_units_daily);
  o.vec(m.region_first_orders_daily);
  o.vec(m.stock_cover);
  o.pod(uint64_t(m.next_outcome));
  o.deq(m.digital);
  o.deq(m.pod_queue);
  o.deq(m.central_queue);
  o.pod(m.central_capacity_left);
  o.vec(m.pod_capacity_left);
  save(o, m.support_out);
  o.vec(m.value_amount);
  o.vec(m.value_tick);
  o.vec(m.engaged_at);
  o.vec(m.card_raised);
  o.vec(m.card_answer);
  o.vec(m.card_topic);
  o.vec(m.card_contact);
  o.vec(m.card_reused);
  o.vec(m.open_cards);
  o.vec(m.pod_topic_known);
  o.vec(m.discount_pending);
  o.vec(m.discount_ready);
  o.vec(m.poached_by);
  o.vec(m.poached_until);
  o.pod(m.revenue_total);
  o.pod(m.orders_total);
  o.pod(m.month_start_day);
  o.pod(m.order_seq);
  o.vec(m.incentives);
  o.vec(m.last_vars);
  o.vec(m.last_total);
  o.vec(m.last_base);
  o.vec(m.has_last);
  o.vec(m.first_order_tick);
  {  // by account, the three months side by side (the format since the first checkpoints)
    std::vector<std::array<float, 3>> by_account(m.rev_months[0].size());
    for (size_t a = 0; a < by_account.size(); ++a)
      for (size_t k = 0; k < 3; ++k) by_account[a][k] = m.rev_months[k][a];
    o.vec(by_account);
  }
  o.vec(m.categories);
  o.vec(m.region_inventory_sum);
  o.vec(m.region_cogs_sum);
  o.pod(m.month_index);
  o.pod(m.period_days);
  o.pod(m.next_recompute);
  o.pod(m.recompute_every);
  o.vec(m.staff_effort);
  o.vec(m.staff_period);
  o.vec(m.staff_next);
  o.vec(m.staff_due);
  o.vec(m.region_last_inventory_days);
  o.vec(m.staff_last_vars);
  o.vec(m.staff_last_total);
  o.vec(m.staff_last_base);

  rec_.save(o);

  // Policies: their state between calls (sim/policies.hpp). Signals are regenerated from the seed.
  o.section("demand");
  pol_.demand->save(o);
  o.section("behaviour");
  pol_.behaviour->save(o);
  o.section("forecast");
  pol_.forecast->save(o);
  o.section("incentive");
  pol_.incentive->save(o);
  o.section("interventions");
  pol_.interventions->save(o);
  o.section("end");

  write_checkpoint(out, CheckpointHeader{kCheckpointFormat, sc_.hash, seed_, tick_, kVersion}, o);
}

void Engine::restore_checkpoint(std::istream& input) {
  CheckpointHeader h;
  ArchiveReader in = read_checkpoint(input, h);  // verified whole before anything changes
  m_->lambda_day = -1;                           // the order-hazard cache is rebuilt from the rates
  if (h.scenario_hash != sc_.hash)
    throw CheckpointError(fmt::format("the checkpoint is of another scenario (hash {:016x}; this run's is {:016x}): "
                                      "resume with the same scenario file and --set overrides",
                                      h.scenario_hash, sc_.hash));
  if (h.seed != seed_)
    throw CheckpointError(fmt::format("the checkpoint was written with seed {}, this run has seed {}", h.seed, seed_));
  if (h.version != kVersion)
    throw CheckpointError(fmt::format("the checkpoint was written by salesim {}, this is salesim {}", h.version.substr(0, 40),
                                      kVersion));
  if (h.tick < 0 || h.tick > clock().ticks())
    ArchiveReader::fail(fmt::format("tick {} is outside the run (0..{})", h.tick, clock().ticks()));

  in.section("world");
  in.fixed(w_.pod_specialists, "pod_specialists");
  in.fixed(w_.rep_skill, "rep_skill");
  in.fixed(w_.rep_hire_day, "rep_hire_day");
  in.fixed(w_.stage, "stage");
  in.fixed(w_.adopted, "adopted");
  in.fixed(w_.stage_since, "stage_since");
  in.fixed(w_.last_order, "last_order");
  in.fixed(w_.last_visit, "last_visit");
  in.fixed(w_.last_valid_visit, "last_valid_visit");
  in.fixed(w_.last_stockout, "last_stockout");
  in.fixed(w_.last_lapse, "last_lapse");
  in.fixed(w_.contact_last_touch, "contact_last_touch");
  in.fixed(w_.stock, "stock");
  in.fixed(w_.arrears_due, "arrears_due");
  in.fixed(w_.arrears_paid, "arrears_paid");
  in.fixed(w_.exposure, "exposure");
  in.fixed(w_.credit_frozen, "credit_frozen");
  in.fixed(w_.acct_discount, "acct_discount");

  Impl& m = *m_;
  const size_t R = w_.reps();
  in.section("engine");
  in.pod(tick_);
  if (tick_ != h.tick) ArchiveReader::fail("the tick in the header and the body differ");
  in.fixed(m.budget, "budget");
  in.fixed(m.effort, "effort");
  in.fixed(m.overload, "overload");
  in.fixed(m.period, "period");
  in.deq(m.tasks);
  require_size(m.tasks, R, "tasks");
  in.fixed(m.suggestion_window, "suggestion_window");
  m.rep_out.resize(in.size(8));
  require_size(m.rep_out, R, "rep_out");
  for (RepOut& x : m.rep_out) load(in, x);
  in.fixed(m.order_hazard, "order_hazard");
  in.fixed(m.order_target, "order_target");
  in.vec(m.account_chunks);
  in.vec(m.order_chunks);
  in.vec(m.change_chunks);
  in.fixed(m.trial_start, "trial_start");
  in.fixed(m.cohort, "cohort");
  in.vec(m.pending);
  in.fixed(m.region_rate, "region_rate");
  in.fixed(m.promo_loss, "promo_loss");
  in.fixed(m.history, "history");
  in.fixed(m.bucket_demand, "bucket_demand");
  in.fixed(m.current_forecast, "current_forecast");
  in.fixed(m.err_var, "err_var");
  in.fixed(m.has_forecast, "has_forecast");
  in.pod(m.bucket);
  in.fixed(m.arrivals, "arrivals");
  in.fixed(m.on_order, "on_order");
  in.fixed(m.region_units_today, "region_units_today");
  in.fixed(m.region_units_ring, "region_units_ring");
  in.fixed(m.region_wow, "region_wow");
  in.vec(m.suggestions);
  in.fixed(m.region_units_daily, "region_units_daily");
  in.fixed(m.region_first_orders_daily, "region_first_orders_daily");
  in.fixed(m.stock_cover, "stock_cover");
  m.next_outcome = size_t(in.get<uint64_t>());
  in.deq(m.digital);
  const size_t pod_queues = m.pod_queue.size();
  in.deq(m.pod_queue);
  require_size(m.pod_queue, pod_queues, "pod_queue");
  in.deq(m.central_queue);
  in.pod(m.central_capacity_left);
  in.fixed(m.pod_capacity_left, "pod_capacity_left");
  load(in, m.support_out);
  in.fixed(m.value_amount, "value_amount");
  in.fixed(m.value_tick, "value_tick");
  in.fixed(m.engaged_at, "engaged_at");
  in.fixed(m.card_raised, "card_raised");
  in.fixed(m.card_answer, "card_answer");
  in.fixed(m.card_topic, "card_topic");
  in.fixed(m.card_contact, "card_contact");
  in.fixed(m.card_reused, "card_reused");
  in.vec(m.open_cards);
  in.fixed(m.pod_topic_known, "pod_topic_known");
  in.fixed(m.discount_pending, "discount_pending");
  in.fixed(m.discount_ready, "discount_ready");
  in.fixed(m.poached_by, "poached_by");
  in.fixed(m.poached_until, "poached_until");
  in.pod(m.revenue_total);
  in.pod(m.orders_total);
  in.pod(m.month_start_day);
  in.pod(m.order_seq);
  in.fixed(m.incentives, "incentives");
  in.fixed(m.last_vars, "last_vars");
  in.fixed(m.last_total, "last_total");
  in.fixed(m.last_base, "last_base");
  in.fixed(m.has_last, "has_last");
  in.fixed(m.first_order_tick, "first_order_tick");
  {
    std::vector<std::array<float, 3>> by_account(m.rev_months[0].size());
    in.fixed(by_account, "rev_months");
    for (size_t a = 0; a < by_account.size(); ++a)
      for (size_t k = 0; k < 3; ++k) m.rev_months[k][a] = by_account[a][k];
  }
  in.fixed(m.categories, "categories");
  in.fixed(m.region_inventory_sum, "region_inventory_sum");
  in.fixed(m.region_cogs_sum, "region_cogs_sum");
  in.pod(m.month_index);
  in.pod(m.period_days);
  in.pod(m.next_recompute);
  in.pod(m.recompute_every);
  in.fixed(m.staff_effort, "staff_effort");
  in.fixed(m.staff_period, "staff_period");
  in.fixed(m.staff_next, "staff_next");
  in.fixed(m.staff_due, "staff_due");
  in.fixed(m.region_last_inventory_days, "region_last_inventory_days");
  in.fixed(m.staff_last_vars, "staff_last_vars");
  in.fixed(m.staff_last_total, "staff_last_total");
  in.fixed(m.staff_last_base, "staff_last_base");

  rec_.load(in);
  if (m.next_outcome > rec_.interventions.size()) ArchiveReader::fail("next_outcome is past the intervention records");

  in.section("demand");
  pol_.demand->load(in);
  in.section("behaviour");
  pol_.behaviour->load(in);
  in.section("forecast");
  pol_.forecast->load(in);
  in.section("incentive");
  pol_.incentive->load(in);
  in.section("interventions");
  pol_.interventions->load(in);
  in.section("end");
  in.expect_end();
  m_->rebuild_order_flags(w_);  // derived from the restored fields
}


}  // namespace salesim
