#include "sim/graph.hpp"

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

std::vector<float> DecisionGraph::influence_scores(const std::vector<float>& role_weight) const {
  std::vector<float> score(boost::num_vertices(influence));
  const auto weight = boost::get(boost::edge_weight, influence);
  for (size_t v = 0; v < score.size(); ++v) {
    float s = role_weight[v];
    for (auto [e, end] = boost::out_edges(v, influence); e != end; ++e)
      s += weight[*e] * role_weight[boost::target(*e, influence)];
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
