// The decision graph, kept as graphs (Boost.Graph): who sways whom in each buying centre, which
// journey stage leads to which, and the org (rep -> pod -> region). Models query it; the hot loop
// reads the per-account orderings it precomputes. docs/model.md#decision-graph
#pragma once
#include <array>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <string>
#include <vector>

#include "sim/types.hpp"

namespace salesim {

enum class JourneyEdge : uint8_t { SelfDirected, Touch, Order, Lapse };

class DecisionGraph {
 public:
  // Who sways whom, over every contact: fixed once the world is built, so a compressed sparse row
  // graph (8 bytes per edge, 4 per contact; an adjacency list took ~300 bytes per account with its
  // rebuild, docs/performance.md#memory). Out-edges of a contact are in the order they were added.
  struct InfluenceEdge { float weight = 0; };
  using InfluenceGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, InfluenceEdge,
                                                            boost::no_property, uint32_t, uint32_t>;
  // Builds it from (from, to, weight) edges; n vertices. Edges of one source keep their given order.
  struct WeightedEdge { uint32_t from, to; float weight; };
  static InfluenceGraph make_influence(std::vector<WeightedEdge> edges, size_t n);
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
