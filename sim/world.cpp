#include "sim/world.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "sim/rng.hpp"

namespace salesim {

ContactId World::most_influential_uncontacted(AccountId a, Tick now, Tick window) const {
  const uint32_t b = acct_contact_begin[a], e = acct_contact_begin[a + 1];
  for (uint32_t c = b; c < e; ++c)
    if (now - contact_last_touch[c] >= window) return c;
  return b;
}

namespace {

// Largest-remainder apportionment of n items over weights (deterministic, sums exactly to n).
std::vector<size_t> apportion(size_t n, const std::vector<double>& w) {
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  std::vector<size_t> out(w.size());
  std::vector<std::pair<double, size_t>> rem;
  size_t given = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const double exact = double(n) * w[i] / total;
    out[i] = size_t(std::floor(exact));
    given += out[i];
    rem.push_back({exact - std::floor(exact), i});
  }
  std::stable_sort(rem.begin(), rem.end(), [](auto& x, auto& y) { return x.first > y.first; });
  for (size_t k = 0; given < n; ++k, ++given) ++out[rem[k % rem.size()].second];
  return out;
}

size_t pick(const double* cum, size_t n, double u) {
  return size_t(std::upper_bound(cum, cum + n, u) - cum) < n ? size_t(std::upper_bound(cum, cum + n, u) - cum) : n - 1;
}

}  // namespace

World build_world(const Scenario& sc, uint64_t seed) {
  World w;
  w.n_regions = sc.regions.size();
  w.n_skus = sc.skus.size();
  w.n_roles = sc.roles.size();
  for (const auto& r : sc.roles) {
    w.role_weight.push_back(float(r.influence_weight));
    w.role_availability.push_back(float(r.availability));
  }
  double pop_total = 0;
  for (const auto& k : sc.skus) pop_total += k.popularity;
  double cum = 0;
  std::vector<std::string> categories;
  for (const auto& k : sc.skus) {
    auto it = std::find(categories.begin(), categories.end(), k.category);
    if (it == categories.end()) it = categories.insert(categories.end(), k.category);
    w.sku_category.push_back(uint8_t(std::min<long>(255, it - categories.begin())));
    w.sku_new.push_back(k.new_product);
    w.sku_price.push_back(k.price);
    w.sku_cost.push_back(k.unit_cost);
    cum += k.popularity / pop_total;
    w.sku_cum_popularity.push_back(cum);
  }
  w.sku_cum_popularity.back() = 1.0;

  // Reps over regions, pods of pod_size consecutive reps within a region.
  std::vector<double> shares;
  for (const auto& r : sc.regions) shares.push_back(r.rep_share);
  const auto reps_in = apportion(size_t(sc.reps.count), shares);
  for (size_t g = 0; g < w.n_regions; ++g) {
    for (size_t i = 0; i < reps_in[g]; ++i) {
      if (i % size_t(sc.pod_size) == 0) w.pod_region.push_back(RegionId(g));
      w.rep_region.push_back(RegionId(g));
      w.rep_pod.push_back(PodId(w.pod_region.size() - 1));
    }
  }
  const size_t R = w.reps();
  for (RepId r = 0; r < R; ++r) {
    Rng rng(seed, Purpose::RepTraits, r, 0);
    double skill = std::clamp(rng.normal(sc.reps.skill_mean, sc.reps.skill_sd), 0.05, 1.0);
    if (sc.regions[w.rep_region[r]].tier != 'A') skill = std::min(1.0, skill * sc.reps.b_tier_skill_multiplier);
    w.rep_skill.push_back(float(skill));
    // New hires joined uniformly within the last ramp period; others long ago.
    const bool new_hire = rng.bernoulli(sc.reps.new_hire_share);
    w.rep_hire_day.push_back(new_hire ? -int32_t(rng.below(uint32_t(std::max(1, sc.reps.ramp_days)))) : -100000);
  }

  // Accounts: per_rep on average, contiguous per rep.
  double tier_total = sc.accounts.tier_shares[0] + sc.accounts.tier_shares[1] + sc.accounts.tier_shares[2];
  const std::array<double, 3> tier_cum = {sc.accounts.tier_shares[0] / tier_total,
                                          (sc.accounts.tier_shares[0] + sc.accounts.tier_shares[1]) / tier_total, 1.0};
  std::array<double, kStages> stage_cum{};
  {
    double t = 0, s = 0;
    for (double x : sc.accounts.initial_stage_shares) t += x;
    for (size_t i = 0; i < kStages; ++i) stage_cum[i] = (s += sc.accounts.initial_stage_shares[i] / t);
    stage_cum[kStages - 1] = 1.0;
  }
  std::vector<double> role_presence;
  for (const auto& r : sc.roles) role_presence.push_back(r.presence);
  for (RepId r = 0; r < R; ++r) {
    w.rep_account_begin.push_back(uint32_t(w.accounts()));
    const size_t n = size_t(std::llround(double(r + 1) * sc.accounts.per_rep)) -
                     size_t(std::llround(double(r) * sc.accounts.per_rep));
    for (size_t i = 0; i < n; ++i) {
      const AccountId a = AccountId(w.accounts());
      Rng rng(seed, Purpose::AccountTraits, a, 0);
      const uint8_t tier = uint8_t(pick(tier_cum.data(), 3, rng.uniform()));
      w.acct_rep.push_back(r);
      w.acct_region.push_back(w.rep_region[r]);
      w.acct_tier.push_back(tier);
      w.acct_size.push_back(float(sc.accounts.tier_order_multiplier[tier] *
                                  rng.lognormal_mean(1.0, sc.accounts.size_sigma)));
      w.acct_price_sens.push_back(float(std::clamp(rng.normal(sc.accounts.price_sensitivity_mean, 0.15), 0.0, 1.0)));
      const uint8_t st = uint8_t(pick(stage_cum.data(), kStages, rng.uniform()));
      w.stage.push_back(st);
      w.adopted.push_back(0);
      // Spread the history of existing customers so the first days are not all alike.
      const Tick ago = -Tick(rng.below(14 * 24)) / sc.clock.tick_hours();
      w.stage_since.push_back(ago);
      w.last_order.push_back(is_customer(st) ? ago : kNever);
      w.last_visit.push_back(ago);
      w.last_valid_visit.push_back(ago);
      w.last_stockout.push_back(kNever);
      w.last_lapse.push_back(kNever);
      // Buying centre: one contact per role present (the first role is always present).
      w.acct_contact_begin.push_back(uint32_t(w.contacts()));
      for (RoleId k = 0; k < w.n_roles; ++k) {
        if (k == 0 || rng.bernoulli(role_presence[k])) {
          w.contact_account.push_back(a);
          w.contact_role.push_back(k);
        }
      }
    }
  }
  w.rep_account_begin.push_back(uint32_t(w.accounts()));
  w.acct_contact_begin.push_back(uint32_t(w.contacts()));

  // Influence edges inside each buying centre, by role; then each account's contacts sorted by
  // influence (descending) so "most influential uncontacted" is a short forward scan.
  std::vector<DecisionGraph::WeightedEdge> edges;
  for (AccountId a = 0; a < w.accounts(); ++a) {
    const uint32_t b = w.acct_contact_begin[a], e = w.acct_contact_begin[a + 1];
    for (const auto& edge : sc.influence_edges)
      for (uint32_t x = b; x < e; ++x)
        for (uint32_t y = b; y < e; ++y)
          if (w.contact_role[x] == edge.from && w.contact_role[y] == edge.to && x != y)
            edges.push_back({x, y, float(edge.weight)});
  }
  w.graph.influence = DecisionGraph::make_influence(edges, w.contacts());
  std::vector<float> rw(w.contacts());
  for (ContactId c = 0; c < w.contacts(); ++c) rw[c] = w.role_weight[w.contact_role[c]];
  w.contact_influence = w.graph.influence_scores(rw);
  // Roles are added in role order and the graph was built on that order; re-sort within accounts
  // and rebuild the graph on the new ids so ids, arrays and graph agree.
  std::vector<ContactId> order(w.contacts());
  std::iota(order.begin(), order.end(), 0);
  for (AccountId a = 0; a < w.accounts(); ++a)
    std::stable_sort(order.begin() + w.acct_contact_begin[a], order.begin() + w.acct_contact_begin[a + 1],
                     [&](ContactId x, ContactId y) { return w.contact_influence[x] > w.contact_influence[y]; });
  std::vector<ContactId> new_id(w.contacts());
  for (ContactId i = 0; i < order.size(); ++i) new_id[order[i]] = i;
  for (auto& edge : edges) edge = {new_id[edge.from], new_id[edge.to], edge.weight};
  w.graph.influence = DecisionGraph::make_influence(std::move(edges), w.contacts());
  auto permute = [&](auto& v) {
    auto copy = v;
    for (size_t i = 0; i < order.size(); ++i) v[i] = copy[order[i]];
  };
  permute(w.contact_role);
  permute(w.contact_influence);
  w.contact_last_touch.assign(w.contacts(), kNever);

  // Org graph: rep -> pod -> region.
  w.graph.org_reps = R;
  w.graph.org_pods = w.pods();
  w.graph.org_regions = w.n_regions;
  w.graph.org = DecisionGraph::OrgGraph(R + w.pods() + w.n_regions);
  for (RepId r = 0; r < R; ++r) boost::add_edge(r, R + w.rep_pod[r], w.graph.org);
  for (PodId p = 0; p < w.pods(); ++p) boost::add_edge(R + p, R + w.pods() + w.pod_region[p], w.graph.org);

  // Warehouse staff: a reliability each, drawn from their own stream (so turning staff on leaves
  // every other draw of the world as it was).
  const auto& W = sc.inventory.warehouse;
  w.staff_per_region = size_t(W.staff_per_region);
  for (size_t g = 0; g < w.n_regions; ++g)
    for (size_t k = 0; k < w.staff_per_region; ++k) {
      Rng rng(seed, Purpose::StaffTraits, w.staff(), 0);
      w.staff_region.push_back(RegionId(g));
      w.staff_reliability.push_back(float(std::clamp(rng.normal(W.reliability_mean, W.reliability_sd), 0.0, 1.0)));
    }

  w.stock.assign(w.n_regions * w.n_skus, 0.0);
  w.pod_specialists.assign(w.pods(), uint32_t(sc.pods.specialists()));
  const size_t A = w.accounts();
  w.arrears_due.assign(A, kNever);
  w.arrears_paid.assign(A, kNever);
  w.exposure.assign(A, 0.0);
  w.credit_frozen.assign(A, 0);
  w.acct_discount.assign(A, 0.f);
  return w;
}

}  // namespace salesim
