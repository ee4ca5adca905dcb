// What the UI draws, copied out of an engine on its worker thread so the window never touches live
// engine state: the fixed structure of the world once per build (WorldView), and the changing state
// after each simulated day (Snapshot). Published as shared_ptr<const ...>: the UI takes a reference
// under the runner's mutex and reads it without locking.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/policies.hpp"
#include "sim/recorder.hpp"
#include "sim/types.hpp"

namespace salesim::gui {

struct InfluenceLink { ContactId from, to; float weight; };

struct WorldView {
  std::string scenario_name;
  uint64_t seed = 0, scenario_hash = 0;
  int days = 0, ticks_per_day = 1, threads = 1;
  Date start;
  std::vector<std::string> region_names, role_names;
  std::vector<char> region_tier;
  std::vector<float> role_weight;
  // reps and the org (rep -> pod -> region, read from the decision graph's org graph)
  std::vector<RegionId> rep_region;
  std::vector<PodId> rep_pod;
  std::vector<float> rep_skill;
  std::vector<int32_t> rep_hire_day;
  std::vector<uint32_t> rep_account_begin;  // reps + 1 entries
  std::vector<RegionId> pod_region;
  // accounts and their buying centres
  std::vector<RegionId> acct_region;
  std::vector<uint8_t> acct_tier;
  std::vector<float> acct_size;
  std::vector<uint32_t> acct_contact_begin;  // accounts + 1 entries
  std::vector<RoleId> contact_role;
  std::vector<float> contact_influence;
  std::vector<uint32_t> influence_begin;  // CSR over source contacts (contacts + 1 entries)
  std::vector<InfluenceLink> influence;
  std::vector<std::string> rule_names;
  double cost_per_visit = 0;

  size_t reps() const { return rep_region.size(); }
  size_t pods() const { return pod_region.size(); }
  size_t accounts() const { return acct_region.size(); }
  size_t contacts() const { return contact_role.size(); }
  RepId owner(AccountId a) const;  // binary search over rep_account_begin
};

// Per-rep totals, accumulated by the runner from the event log (only for the event kinds the
// scenario records; see Snapshot::has_*).
struct RepTotals {
  double revenue = 0, payouts = 0;
  uint32_t orders = 0, first_orders = 0, visits = 0, valid_visits = 0;
  std::array<uint32_t, kInterventionStatusNames.size()> interventions{};  // by InterventionStatus
};

struct Snapshot {
  uint64_t version = 0;
  Tick tick = 0, total_ticks = 0;
  int days_done = 0;  // completed days
  bool done = false, playing = false;
  double days_per_second = 0;  // measured simulation speed
  std::vector<DayRow> days;    // completed days only (rows are re-copied: pay() fills the last day late)
  std::vector<Kpi> kpis;       // Engine::kpis(); final only when done
  // account state
  std::vector<uint8_t> stage;
  std::vector<Tick> stage_since, last_order, last_visit, last_valid_visit;
  std::vector<Tick> contact_last_touch;
  std::array<uint32_t, kStages> stage_counts{};
  // reps
  std::vector<RepTotals> reps;
  std::vector<uint32_t> rep_customers;
  std::shared_ptr<const std::vector<PayoutStatement>> statements;
  // pods (Recorder::pods) and intervention suggestions (Recorder::interventions); the latter are
  // re-copied with the KPIs (every 250 ms and at the end), as their status changes after they fire.
  std::vector<PodStats> pods;
  std::shared_ptr<const std::vector<InterventionRecord>> interventions;
  bool has_touch_events = true, has_order_events = true, has_intervention_events = true;
};

}  // namespace salesim::gui
