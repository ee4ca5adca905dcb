#include "sim/graph.hpp"

#include <algorithm>

namespace salesim {

DecisionGraph::DecisionGraph() : journey(kStages) {
  auto add = [&](int from, int to, JourneyEdge kind) {
    boost::add_edge(size_t(from), size_t(to), kind, journey);
    allowed_[size_t(from)][size_t(to)] = true;
  };
  // Self-directed information gathering (domain.md: 63% of it happens without sales).
  for (int s = kUnaware; s < kShortlisting; ++s) add(s, s + 1, JourneyEdge::SelfDirected);
  add(kShortlisting, kEngaged, JourneyEdge::Touch);        // sales enters (or inbound contact)
  add(kEngaged, kNegotiating, JourneyEdge::Touch);
  add(kNegotiating, kTrial, JourneyEdge::Order);           // first order
  add(kTrial, kRepeat, JourneyEdge::Order);                // second order: adoption
  for (int s = kUnaware; s <= kShortlisting; ++s) {
    add(kTrial, s, JourneyEdge::Lapse);   // trial not adopted (where to: /journey/lapse_to_stage)
    add(kRepeat, s, JourneyEdge::Lapse);  // churn
  }
  for (int s = kEvaluating; s <= kShortlisting; ++s) add(s, kEngaged, JourneyEdge::Touch);  // a rep can pull forward
}

DecisionGraph::InfluenceGraph DecisionGraph::make_influence(std::vector<WeightedEdge> edges, size_t n) {
  std::stable_sort(edges.begin(), edges.end(), [](const WeightedEdge& x, const WeightedEdge& y) { return x.from < y.from; });
  std::vector<std::pair<uint32_t, uint32_t>> ends(edges.size());
  std::vector<InfluenceEdge> props(edges.size());
  for (size_t i = 0; i < edges.size(); ++i) {
    ends[i] = {edges[i].from, edges[i].to};
    props[i].weight = edges[i].weight;
  }
  return InfluenceGraph(boost::edges_are_sorted, ends.begin(), ends.end(), props.begin(), uint32_t(n));
}

std::vector<float> DecisionGraph::influence_scores(const std::vector<float>& role_weight) const {
  std::vector<float> score(boost::num_vertices(influence));
  for (size_t v = 0; v < score.size(); ++v) {
    float s = role_weight[v];
    for (auto [e, end] = boost::out_edges(uint32_t(v), influence); e != end; ++e)
      s += influence[*e].weight * role_weight[boost::target(*e, influence)];
    score[v] = s;
  }
  return score;
}

size_t DecisionGraph::pod_of_rep(RepId r) const {
  auto [e, end] = boost::out_edges(size_t(r), org);
  return e == end ? kNone : boost::target(*e, org) - org_reps;
}

size_t DecisionGraph::region_of_pod(PodId p) const {
  auto [e, end] = boost::out_edges(org_reps + p, org);
  return e == end ? kNone : boost::target(*e, org) - org_reps - org_pods;
}

}  // namespace salesim
