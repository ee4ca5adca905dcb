// Sortable tables of reps and pods; a rep's payout statements (with each line's explanation) and
// the interventions suggested to it.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>

#include "gui/app.hpp"
#include "gui/format.hpp"
#include "gui/widgets.hpp"

namespace salesim::gui {

namespace {

double invalid_rate(const RepTotals& t) { return t.visits ? double(t.visits - t.valid_visits) / t.visits : NAN; }

// Sorts `idx` by the table's sort specs; `key(column, i)` gives the value to sort by.
template <class Key>
void sort_rows(std::vector<uint32_t>& idx, Key key) {
  ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
  if (!specs || specs->SpecsCount == 0) return;
  const ImGuiTableColumnSortSpecs& sp = specs->Specs[0];
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
    const double ka = key(sp.ColumnIndex, a), kb = key(sp.ColumnIndex, b);
    if (std::isnan(ka) != std::isnan(kb)) return std::isnan(kb);  // n/a last
    return sp.SortDirection == ImGuiSortDirection_Ascending ? ka < kb : ka > kb;
  });
}

}  // namespace

void App::reps_panel() {
  const auto s = run_a_->snapshot();
  const auto w = run_a_->world();
  if (!s || !w || w->reps() == 0) {
    ImGui::TextDisabled("Building the world...");
    return;
  }
  const size_t R = w->reps();
  if (rep_ < 0 || size_t(rep_) >= R) rep_ = 0;
  // Table above, the selected rep's statements below: both get the full width.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImGui::BeginChild("##reps_table", ImVec2(0, std::floor(avail.y * 0.5f)), false);
  ImGui::TextDisabled("%zu reps at day %d; click a column to sort, a row for the rep's payout statements", R, s->days_done);
  if (!s->has_touch_events || !s->has_order_events)
    ImGui::TextColored(ImVec4(1, 0.72f, 0.3f, 1), "The scenario's recorder leaves out touch or order events: visits or revenue per rep show 0.");
  enum Col { kRep, kRegion, kPod, kSkill, kTenure, kAccounts, kCustomers, kVisits, kInvalid, kRevenue, kPay, kTasks, kCols };
  if (ImGui::BeginTable("##reps", kCols,
                        ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                            ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("rep", ImGuiTableColumnFlags_DefaultSort, 0.6f);
    ImGui::TableSetupColumn("region", 0, 1.2f);
    ImGui::TableSetupColumn("pod", 0, 0.6f);
    ImGui::TableSetupColumn("skill", 0, 0.65f);
    ImGui::TableSetupColumn("tenure", 0, 0.95f);
    ImGui::TableSetupColumn("accounts", 0, 0.95f);
    ImGui::TableSetupColumn("customers", 0, 1.05f);
    ImGui::TableSetupColumn("visits", 0, 0.85f);
    ImGui::TableSetupColumn("invalid", 0, 0.85f);
    ImGui::TableSetupColumn("revenue CNY", 0, 1.3f);
    ImGui::TableSetupColumn("pay CNY", 0, 1.05f);
    ImGui::TableSetupColumn("tasks taken", 0, 1.15f);
    ImGui::TableHeadersRow();
    std::vector<uint32_t> idx(R);
    std::iota(idx.begin(), idx.end(), 0u);
    auto tenure = [&](size_t r) { return double(s->days_done - w->rep_hire_day[r]); };
    sort_rows(idx, [&](int col, uint32_t r) -> double {
      const RepTotals& t = s->reps[r];
      switch (col) {
        case kRep: return r;
        case kRegion: return w->rep_region[r];
        case kPod: return w->rep_pod[r];
        case kSkill: return w->rep_skill[r];
        case kTenure: return tenure(r);
        case kAccounts: return w->rep_account_begin[r + 1] - w->rep_account_begin[r];
        case kCustomers: return s->rep_customers[r];
        case kVisits: return t.visits;
        case kInvalid: return invalid_rate(t);
        case kRevenue: return t.revenue;
        case kPay: return t.payouts;
        case kTasks: return t.interventions[salesim::kAccepted];
        default: return r;
      }
    });
    ImGuiListClipper clip;
    clip.Begin(int(R));
    while (clip.Step())
      for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
        const uint32_t r = idx[size_t(i)];
        const RepTotals& t = s->reps[r];
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(kRep);
        if (ImGui::Selectable(std::to_string(r).c_str(), int(r) == rep_, ImGuiSelectableFlags_SpanAllColumns)) rep_ = int(r);
        ImGui::TableSetColumnIndex(kRegion);
        ImGui::TextUnformatted(w->region_names[w->rep_region[r]].c_str());
        ImGui::TableSetColumnIndex(kPod);
        text_right(std::to_string(w->rep_pod[r]));
        ImGui::TableSetColumnIndex(kSkill);
        text_right(fmt::format("{:.2f}", w->rep_skill[r]));
        ImGui::TableSetColumnIndex(kTenure);
        text_right(w->rep_hire_day[r] <= -10000 ? std::string("veteran") : fmt::format("{:.0f} days", tenure(r)), w->rep_hire_day[r] <= -10000);
        ImGui::TableSetColumnIndex(kAccounts);
        text_right(std::to_string(w->rep_account_begin[r + 1] - w->rep_account_begin[r]));
        ImGui::TableSetColumnIndex(kCustomers);
        text_right(std::to_string(s->rep_customers[r]));
        ImGui::TableSetColumnIndex(kVisits);
        text_right(thousands(t.visits));
        ImGui::TableSetColumnIndex(kInvalid);
        text_right(with_unit(invalid_rate(t), "share"));
        ImGui::TableSetColumnIndex(kRevenue);
        text_right(thousands(t.revenue));
        ImGui::TableSetColumnIndex(kPay);
        text_right(thousands(t.payouts));
        ImGui::TableSetColumnIndex(kTasks);
        text_right(std::to_string(t.interventions[salesim::kAccepted]));
      }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  ImGui::BeginChild("##rep_detail", ImVec2(0, 0), true);
  rep_details(*w, *s, RepId(rep_));
  ImGui::EndChild();
  drawn_["rep"] = rep_;
}

void App::rep_details(const WorldView& w, const Snapshot& s, RepId r) {
  const RepTotals& t = s.reps[r];
  ImGui::Text("Rep %u", r);
  ImGui::SameLine();
  ImGui::TextDisabled("%s (tier %c), pod %u, skill %.2f, %s", w.region_names[w.rep_region[r]].c_str(), w.region_tier[w.rep_region[r]],
                      w.rep_pod[r], w.rep_skill[r],
                      w.rep_hire_day[r] <= -10000 ? "veteran" : fmt::format("hired {} days before the start", -w.rep_hire_day[r]).c_str());
  ImGui::Text("Revenue %s CNY from %s orders (%s first orders); %s visits, %s without a result; pay %s CNY",
              thousands(t.revenue).c_str(), thousands(t.orders).c_str(), thousands(t.first_orders).c_str(),
              thousands(t.visits).c_str(), with_unit(invalid_rate(t), "share").c_str(), thousands(t.payouts).c_str());
  if (s.has_intervention_events) {
    std::string iv;
    for (size_t k = 0; k < kInterventionStatusNames.size(); ++k)
      iv += fmt::format("{}{} {}", iv.empty() ? "" : ", ", t.interventions[k], kInterventionStatusNames[k]);
    ImGui::Text("Interventions suggested to this rep: %s", iv.c_str());
    if (w.rule_names.empty()) ImGui::TextDisabled("(the scenario defines no intervention rules)");
  }
  ImGui::Separator();
  ImGui::TextUnformatted("Payout statements");
  ImGui::SameLine();
  ImGui::TextDisabled("(newest first; each line says how it was computed)");
  std::vector<const PayoutStatement*> mine;
  if (s.statements)
    for (const auto& st : *s.statements)
      if (st.rep == r) mine.push_back(&st);
  if (mine.empty()) {
    ImGui::TextDisabled("No statement yet: reps are paid at each month end.");
    return;
  }
  if (ImGui::BeginTable("##stmts", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                         ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("month", 0, 0.55f);
    ImGui::TableSetupColumn("item", 0, 0.9f);
    ImGui::TableSetupColumn("amount CNY", 0, 0.7f);
    ImGui::TableSetupColumn("basis x rate", 0, 1.0f);
    ImGui::TableSetupColumn("how it was computed", 0, 3.4f);
    ImGui::TableHeadersRow();
    for (auto it = mine.rbegin(); it != mine.rend(); ++it) {
      const PayoutStatement& st = **it;
      for (size_t i = 0; i < st.lines.size(); ++i) {
        const PayoutLine& l = st.lines[i];
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        if (i == 0) ImGui::TextUnformatted(st.period.c_str());
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(pretty_name(l.item).c_str());
        ImGui::TableSetColumnIndex(2);
        text_right(thousands(l.amount, 2));
        ImGui::TableSetColumnIndex(3);
        if (l.rate != 0) text_right(fmt::format("{} x {:.4g}", thousands(l.basis), l.rate), true);
        ImGui::TableSetColumnIndex(4);
        ImGui::TextWrapped("%s", l.explanation.c_str());
      }
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted("Total");
      ImGui::TableSetColumnIndex(2);
      ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.78f, 1.0f, 1.0f));
      text_right(thousands(st.total, 2));
      ImGui::PopStyleColor();
    }
    ImGui::EndTable();
  }
  drawn_["statements"] = mine.size();
}

void App::pods_panel() {
  const auto s = run_a_->snapshot();
  const auto w = run_a_->world();
  if (!s || !w || w->pods() == 0) {
    ImGui::TextDisabled("Building the world...");
    return;
  }
  const size_t P = w->pods();
  struct PodRow { size_t reps = 0, accounts = 0, customers = 0; double revenue = 0, pay = 0; uint32_t visits = 0, valid = 0; };
  std::vector<PodRow> rows(P);
  for (RepId r = 0; r < w->reps(); ++r) {
    PodRow& p = rows[w->rep_pod[r]];
    ++p.reps;
    p.accounts += w->rep_account_begin[r + 1] - w->rep_account_begin[r];
    p.customers += s->rep_customers[r];
    p.revenue += s->reps[r].revenue;
    p.pay += s->reps[r].payouts;
    p.visits += s->reps[r].visits;
    p.valid += s->reps[r].valid_visits;
  }
  ImGui::TextDisabled("%zu pods at day %d; a pod shares one goal and one budget (domain.md section 1)", P, s->days_done);
  enum Col { kPod, kRegion, kReps, kAccounts, kCustomers, kVisits, kInvalid, kRevenue, kPerRep, kPay, kCols };
  if (ImGui::BeginTable("##pods", kCols, ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                            ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("pod", ImGuiTableColumnFlags_DefaultSort);
    ImGui::TableSetupColumn("region");
    ImGui::TableSetupColumn("reps");
    ImGui::TableSetupColumn("accounts");
    ImGui::TableSetupColumn("customers");
    ImGui::TableSetupColumn("visits");
    ImGui::TableSetupColumn("invalid");
    ImGui::TableSetupColumn("revenue CNY");
    ImGui::TableSetupColumn("revenue per rep");
    ImGui::TableSetupColumn("pay CNY");
    ImGui::TableHeadersRow();
    std::vector<uint32_t> idx(P);
    std::iota(idx.begin(), idx.end(), 0u);
    auto inv = [&](const PodRow& p) { return p.visits ? double(p.visits - p.valid) / p.visits : NAN; };
    sort_rows(idx, [&](int col, uint32_t i) -> double {
      const PodRow& p = rows[i];
      switch (col) {
        case kRegion: return w->pod_region[i];
        case kReps: return double(p.reps);
        case kAccounts: return double(p.accounts);
        case kCustomers: return double(p.customers);
        case kVisits: return p.visits;
        case kInvalid: return inv(p);
        case kRevenue: return p.revenue;
        case kPerRep: return p.reps ? p.revenue / double(p.reps) : 0.0;
        case kPay: return p.pay;
        default: return i;
      }
    });
    for (uint32_t i : idx) {
      const PodRow& p = rows[i];
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(kPod);
      ImGui::Text("%u", i);
      ImGui::TableSetColumnIndex(kRegion);
      ImGui::TextUnformatted(w->region_names[w->pod_region[i]].c_str());
      ImGui::TableSetColumnIndex(kReps);
      text_right(std::to_string(p.reps));
      ImGui::TableSetColumnIndex(kAccounts);
      text_right(std::to_string(p.accounts));
      ImGui::TableSetColumnIndex(kCustomers);
      text_right(std::to_string(p.customers));
      ImGui::TableSetColumnIndex(kVisits);
      text_right(thousands(p.visits));
      ImGui::TableSetColumnIndex(kInvalid);
      text_right(with_unit(inv(p), "share"));
      ImGui::TableSetColumnIndex(kRevenue);
      text_right(thousands(p.revenue));
      ImGui::TableSetColumnIndex(kPerRep);
      text_right(thousands(p.reps ? p.revenue / double(p.reps) : 0.0));
      ImGui::TableSetColumnIndex(kPay);
      text_right(thousands(p.pay));
    }
    ImGui::EndTable();
  }
}

}  // namespace salesim::gui
