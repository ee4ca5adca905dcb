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
  rep_interventions(w, s, r);
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

void App::rep_interventions(const WorldView& w, const Snapshot& s, RepId r) {
  std::vector<const InterventionRecord*> mine;
  if (s.interventions)
    for (const auto& x : *s.interventions)
      if (x.rep == r) mine.push_back(&x);
  drawn_["rep_interventions"] = mine.size();
  if (mine.empty()) return;
  if (!ImGui::TreeNodeEx("##iv", ImGuiTreeNodeFlags_DefaultOpen, "This rep's interventions (%zu, newest first)", mine.size())) return;
  const float h = std::min(ImGui::GetTextLineHeightWithSpacing() * float(std::min<size_t>(mine.size(), 6) + 1.5f),
                           ImGui::GetContentRegionAvail().y * 0.45f);
  if (ImGui::BeginTable("##ivt", 7, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                      ImGuiTableFlags_SizingStretchProp, ImVec2(0, h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("day", 0, 0.8f);
    ImGui::TableSetupColumn("rule", 0, 1.6f);
    ImGui::TableSetupColumn("kind", 0, 0.8f);
    ImGui::TableSetupColumn("status", 0, 0.8f);
    ImGui::TableSetupColumn("account", 0, 0.5f);
    ImGui::TableSetupColumn("done", 0, 0.8f);
    ImGui::TableSetupColumn("outcome", 0, 2.0f);
    ImGui::TableHeadersRow();
    ImGuiListClipper clip;
    clip.Begin(int(mine.size()));
    while (clip.Step())
      for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
        const InterventionRecord& x = *mine[mine.size() - 1 - size_t(i)];
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextUnformatted(Date::from_serial(w.start.serial() + x.day).str().c_str());
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(x.rule < w.rule_names.size() ? w.rule_names[x.rule].c_str() : "?");
        if (ImGui::IsItemHovered()) {
          static constexpr const char* kTo[] = {"the rep", "a pod specialist", "a central department", "the regional manager",
                                                "the warehouse", "a digital push"};
          ImGui::SetTooltip("rule %u, assigned to %s%s%s", unsigned(x.rule), kTo[x.assignee % 6],
                            x.assignee == kToPod || x.assignee == kToCentral ? ": " : "",
                            x.assignee == kToPod || x.assignee == kToCentral
                                ? std::string(kSpecialistRoleNames[x.role % 3]).c_str() : "");
        }
        ImGui::TableSetColumnIndex(2);
        ImGui::TextUnformatted(std::string(kThenKindNames[size_t(x.kind)]).c_str());
        ImGui::TableSetColumnIndex(3);
        ImGui::Text("%s%s", std::string(kInterventionStatusNames[x.status]).c_str(), x.degraded && x.status != kDegraded ? " (degraded)" : "");
        ImGui::TableSetColumnIndex(4);
        if (x.account != kNone) ImGui::Text("%u", x.account);
        ImGui::TableSetColumnIndex(5);
        if (x.done_day >= 0) ImGui::TextUnformatted(Date::from_serial(w.start.serial() + x.done_day).str().c_str());
        else ImGui::TextDisabled("-");
        ImGui::TableSetColumnIndex(6);
        std::string out;
        if (x.account != kNone && x.stage_after != 255) out = fmt::format("stage {} -> {}", x.stage_before + 1, x.stage_after + 1);
        if (x.ordered >= 0) out += fmt::format("{}{}", out.empty() ? "" : ", ", x.ordered ? "ordered" : "no order");
        if (x.kind == ThenKind::Replenish) out += fmt::format("{}{} units ordered", out.empty() ? "" : ", ", thousands(x.amount));
        if (out.empty()) ImGui::TextDisabled("not measured yet");
        else ImGui::TextUnformatted(out.c_str());
      }
    ImGui::EndTable();
  }
  ImGui::TreePop();
}

void App::pods_panel() {
  const auto s = run_a_->snapshot();
  const auto w = run_a_->world();
  if (!s || !w || w->pods() == 0) {
    ImGui::TextDisabled("Building the world...");
    return;
  }
  const size_t P = w->pods();
  struct PodRow { size_t accounts = 0, customers = 0; double revenue = 0, pay = 0; uint32_t visits = 0, valid = 0; };
  std::vector<PodRow> rows(P);
  for (RepId r = 0; r < w->reps(); ++r) {
    PodRow& p = rows[w->rep_pod[r]];
    p.accounts += w->rep_account_begin[r + 1] - w->rep_account_begin[r];
    p.customers += s->rep_customers[r];
    p.pay += s->reps[r].payouts;
    p.visits += s->reps[r].visits;
    p.valid += s->reps[r].valid_visits;
  }
  static const PodStats kNoStats{};
  auto st = [&](size_t i) -> const PodStats& { return i < s->pods.size() ? s->pods[i] : kNoStats; };
  auto ratio = [](double a, double b) { return b > 0 ? a / b : NAN; };
  ImGui::TextDisabled("%zu pods at day %d, sharing one goal and budget each. Click a header to sort, hover it for its definition.",
                      P, s->days_done);
  enum Col { kPod, kRegion, kReps, kSpec, kRevenue, kMargin, kWinRate, kCycle, kCards, kClosure, kResponse, kReuse, kDiscounts,
             kMeanDisc, kApproval, kCustomers, kInvalid, kPerRep, kPay, kCols };
  struct ColDef { const char* name; const char* tip; };
  static const ColDef cols[kCols] = {
      {"pod", "Pod id"},
      {"region", "The pod's region"},
      {"reps", "Reps in the pod (Recorder::pods members)"},
      {"specialists", "Specialists attached to the pod (presales, customer success, analyst)"},
      {"revenue CNY", "Revenue of the pod's reps' accounts over the run so far"},
      {"margin", "Gross margin: (revenue - cost of goods) / revenue"},
      {"win rate", "Deals won / deals opened: first orders of accounts that reached the engaged stage, over accounts "
                   "that reached it"},
      {"cycle days", "Mean days from engaged to first order, over the deals won"},
      {"cards", "Knowledge cards raised by the pod's reps"},
      {"answered", "Card closure rate: cards answered / cards raised"},
      {"response h", "Mean hours from a card being raised to its answer"},
      {"reuse", "Knowledge reuse: answered cards that reused an earlier answer / cards answered"},
      {"discounts", "Discounts granted"},
      {"mean disc.", "Mean discount granted (share of list price)"},
      {"approval d", "Mean days a discount waited for approval"},
      {"customers", "Active customers of the pod's reps now"},
      {"invalid", "Invalid visit rate: visits without a recorded result / visits"},
      {"rev./rep", "Revenue per rep"},
      {"pay CNY", "Pay to the pod's reps so far"},
  };
  nlohmann::json drawn = nlohmann::json::array();
  if (ImGui::BeginTable("##pods", kCols, ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                            ImGuiTableFlags_ScrollX | ImGuiTableFlags_BordersInnerV |
                                            ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupScrollFreeze(1, 1);
    for (int k = 0; k < kCols; ++k) ImGui::TableSetupColumn(cols[k].name, k == kPod ? ImGuiTableColumnFlags_DefaultSort : 0);
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int k = 0; k < kCols; ++k) {
      ImGui::TableSetColumnIndex(k);
      ImGui::TableHeader(cols[k].name);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", cols[k].tip);
    }
    auto value = [&](int col, uint32_t i) -> double {
      const PodRow& p = rows[i];
      const PodStats& x = st(i);
      switch (col) {
        case kRegion: return w->pod_region[i];
        case kReps: return x.members;
        case kSpec: return x.specialists;
        case kRevenue: return x.revenue;
        case kMargin: return ratio(x.gross_profit, x.revenue);
        case kWinRate: return ratio(double(x.won), double(x.engaged));
        case kCycle: return ratio(x.cycle_days_sum, double(x.won));
        case kCards: return double(x.cards_raised);
        case kClosure: return ratio(double(x.cards_answered), double(x.cards_raised));
        case kResponse: return ratio(x.response_hours_sum, double(x.cards_answered));
        case kReuse: return ratio(double(x.cards_reused), double(x.cards_answered));
        case kDiscounts: return double(x.discounts);
        case kMeanDisc: return ratio(x.discount_sum, double(x.discounts));
        case kApproval: return ratio(x.approval_wait_days_sum, double(x.discounts));
        case kCustomers: return double(p.customers);
        case kInvalid: return p.visits ? double(p.visits - p.valid) / p.visits : NAN;
        case kPerRep: return ratio(x.revenue, double(x.members));
        case kPay: return p.pay;
        default: return i;
      }
    };
    std::vector<uint32_t> idx(P);
    std::iota(idx.begin(), idx.end(), 0u);
    sort_rows(idx, value);
    for (uint32_t i : idx) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(kPod);
      ImGui::Text("%u", i);
      ImGui::TableSetColumnIndex(kRegion);
      ImGui::TextUnformatted(w->region_names[w->pod_region[i]].c_str());
      nlohmann::json row = {{"pod", i}};
      for (int k = kReps; k < kCols; ++k) {
        const double v = value(k, i);
        ImGui::TableSetColumnIndex(k);
        switch (k) {
          case kMargin: case kWinRate: case kClosure: case kReuse: case kMeanDisc: case kInvalid:
            text_right(with_unit(v, "share"));
            break;
          case kCycle: case kResponse: case kApproval:
            text_right(std::isfinite(v) ? fmt::format("{:.1f}", v) : std::string("n/a"), !std::isfinite(v));
            break;
          default: text_right(thousands(v)); break;
        }
        row[cols[k].name] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
      }
      drawn.push_back(row);
    }
    ImGui::EndTable();
  }
  drawn_["pods"] = drawn;
}

}  // namespace salesim::gui
