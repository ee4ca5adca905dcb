// World state: reps, pods, regions, accounts, contacts, SKUs and stock as dense arrays (struct of
// arrays), plus the decision graph. Accounts are numbered contiguously per owning rep, so a rep's
// book is the range [rep_account_begin[r], rep_account_begin[r + 1]).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/graph.hpp"
#include "sim/scenario.hpp"
#include "sim/types.hpp"

namespace salesim {

constexpr Tick kNever = -1000000;  // "long ago": the tick of something that has not happened

struct World {
  World() = default;
  World(World&&) = default;
  World& operator=(World&&) = default;
  World(const World&) = delete;  // large; copy explicitly if ever needed
  World& operator=(const World&) = delete;

  // --- structure (fixed after build) ---
  size_t n_regions = 0, n_skus = 0, n_roles = 0;
  std::vector<RegionId> pod_region;
  std::vector<RegionId> rep_region;
  std::vector<PodId> rep_pod;
  std::vector<uint32_t> pod_specialists;  // per pod (pods organisation): presales + customer success + analysts
  std::vector<float> rep_skill;          // 0..1, before ramp-up
  std::vector<int32_t> rep_hire_day;     // day index; negative = hired before the start
  std::vector<uint32_t> rep_account_begin;

  std::vector<RepId> acct_rep;
  std::vector<RegionId> acct_region;
  std::vector<uint8_t> acct_tier;        // 0 = A, 1 = B, 2 = C
  std::vector<float> acct_size;          // order-rate multiplier (tier x size)
  std::vector<float> acct_price_sens;    // 0..1
  std::vector<uint32_t> acct_contact_begin;

  std::vector<AccountId> contact_account;
  std::vector<RoleId> contact_role;
  std::vector<float> contact_influence;  // from the decision graph; contacts of an account sorted by it, descending

  std::vector<float> role_weight;        // per role
  std::vector<float> role_availability;  // per role, normalised within nothing: relative weights
  std::vector<double> sku_price, sku_cost, sku_cum_popularity;  // cumulative, normalised to 1
  std::vector<uint8_t> sku_category, sku_new;  // category index (by first appearance), new-product flag
  // Warehouse staff (docs/model.md#warehouse): staff k of region g is staff_per_region * g + k.
  size_t staff_per_region = 0;
  std::vector<RegionId> staff_region;
  std::vector<float> staff_reliability;  // 0..1: chance of an on-time replenishment at full effort

  DecisionGraph graph;

  // --- state (changes every tick) ---
  std::vector<uint8_t> stage;            // Stage
  std::vector<uint8_t> adopted;          // trial accounts: has the customer decided to keep buying?
  std::vector<Tick> stage_since, last_order, last_visit, last_valid_visit, last_stockout, last_lapse;
  std::vector<Tick> contact_last_touch;
  std::vector<double> stock;             // units, [region * n_skus + sku]
  // Credit (docs/interventions.md#credit): the due tick of the account's oldest late invoice (kNever: none),
  // the tick it will be paid, what was shipped while in arrears, and whether shipping is frozen.
  std::vector<Tick> arrears_due, arrears_paid;
  std::vector<double> exposure;
  std::vector<uint8_t> credit_frozen;
  std::vector<float> acct_discount;      // discount granted in negotiation, on all the account's orders

  size_t reps() const { return rep_region.size(); }
  size_t accounts() const { return acct_rep.size(); }
  size_t contacts() const { return contact_account.size(); }
  size_t pods() const { return pod_region.size(); }
  size_t staff() const { return staff_region.size(); }
  double stock_at(RegionId g, SkuId k) const { return stock[size_t(g) * n_skus + k]; }

  // The most influential contact of an account not touched within `window` ticks; the most
  // influential one overall when all were touched recently. docs/model.md#decision-graph
  ContactId most_influential_uncontacted(AccountId a, Tick now, Tick window) const;
};

// Builds the world a scenario describes (deterministic in the scenario's seed).
World build_world(const Scenario& sc, uint64_t seed);

}  // namespace salesim
