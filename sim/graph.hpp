// The decision graph, kept as graphs (Boost.Graph): who sways whom in each buying centre, which
// journey stage leads to which, and the org (rep -> pod -> region). Models query it; the hot loop
// reads the per-account orderings it precomputes. docs/model.md#decision-graph
#pragma once
#include <array>
#include <boost/graph/adjacency_list.hpp>
#include <string>
#include <vector>

#include "sim/types.hpp"

namespace salesim {

enum class JourneyEdge : uint8_t { SelfDirected, Touch, Order, Lapse };

class DecisionGraph {
 public:
  using InfluenceGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                               boost::no_property, boost::property<boost::edge_weight_t, float>>;
  using JourneyGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                             boost::property<boost::edge_name_t, JourneyEdge>>;
  // Org vertices: reps [0, R), pods [R, R + P), regions [R + P, R + P + G); edges point upwards.
  using OrgGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

  InfluenceGraph influence;  // vertex id == ContactId
  JourneyGraph journey;      // vertex id == Stage
  OrgGraph org;
  size_t org_reps = 0, org_pods = 0, org_regions = 0;

  DecisionGraph();
  // The transitions the engine may make; anything else is a bug (asserted in debug builds).
  bool journey_allows(int from, int to) const { return allowed_[size_t(from)][size_t(to)]; }
  // Influence of a contact: its own role weight plus what it carries onto those it sways
  // (sum of edge weight x target role weight). docs/model.md#influence
  std::vector<float> influence_scores(const std::vector<float>& role_weight_of_contact) const;
  // Upward walk in the org graph.
  size_t pod_of_rep(RepId r) const;
  size_t region_of_pod(PodId p) const;

 private:
  std::array<std::array<bool, kStages>, kStages> allowed_{};
};

}  // namespace salesim
