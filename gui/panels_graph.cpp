// The decision graph: an account's buying centre (contacts, roles, influence, who was touched, the
// journey stage) and the org (reps -> pods -> regions), both read from the world's DecisionGraph.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "gui/app.hpp"
#include "gui/format.hpp"

namespace salesim::gui {

using nlohmann::json;

namespace {

constexpr float kPi = 3.14159265f;

ImU32 role_color(size_t role) {
  static const ImU32 palette[] = {IM_COL32(86, 156, 255, 255), IM_COL32(180, 120, 255, 255), IM_COL32(60, 190, 170, 255),
                                  IM_COL32(240, 110, 150, 255), IM_COL32(200, 170, 60, 255), IM_COL32(120, 200, 90, 255),
                                  IM_COL32(250, 140, 70, 255)};
  return palette[role % (sizeof palette / sizeof palette[0])];
}

// Red (low) .. amber .. green (high) for t in [0, 1].
ImU32 heat(float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  const float r = t < 0.5f ? 0.90f : 0.90f - (t - 0.5f) * 2 * 0.55f;
  const float g = t < 0.5f ? 0.35f + t * 2 * 0.45f : 0.80f;
  return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, 0.30f, 1.0f));
}

void arrow(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float thickness) {
  dl->AddLine(a, b, col, thickness);
  const float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return;
  const float ux = dx / len, uy = dy / len, s = 9 + thickness * 2;
  dl->AddTriangleFilled(b, ImVec2(b.x - ux * s - uy * s * 0.5f, b.y - uy * s + ux * s * 0.5f),
                        ImVec2(b.x - ux * s + uy * s * 0.5f, b.y - uy * s - ux * s * 0.5f), col);
}

void dashed_circle(ImDrawList* dl, ImVec2 c, float r, ImU32 col, float thickness) {
  const int n = 24;
  for (int i = 0; i < n; i += 2) {
    const float a0 = 2 * kPi * float(i) / float(n), a1 = 2 * kPi * float(i + 1) / float(n);
    dl->PathArcTo(c, r, a0, a1, 4);
    dl->PathStroke(col, 0, thickness);
  }
}

void centered_text(ImDrawList* dl, ImVec2 center_top, ImU32 col, const std::string& t) {
  const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
  dl->AddText(ImVec2(center_top.x - ts.x * 0.5f, center_top.y), col, t.c_str());
}

std::string days_ago(Tick now, Tick then, int tpd) {
  if (then <= kNever / 2) return "never";
  const int d = (now - then) / std::max(1, tpd);
  return d <= 0 ? "today" : d == 1 ? "1 day ago" : fmt::format("{} days ago", d);
}

}  // namespace

void App::buying_centre_panel() {
  const auto s = run_a_->snapshot();
  const auto w = run_a_->world();
  if (!s || !w || w->reps() == 0 || w->accounts() == 0) {
    ImGui::TextDisabled("Building the world...");
    return;
  }
  const int tpd = w->ticks_per_day;
  if (rep_ < 0 || size_t(rep_) >= w->reps()) rep_ = account_ >= 0 && size_t(account_) < w->accounts() ? int(w->owner(AccountId(account_))) : 0;
  auto contacts_of = [&](AccountId a) { return w->acct_contact_begin[a + 1] - w->acct_contact_begin[a]; };
  if (account_ < 0 || size_t(account_) >= w->accounts()) {
    // Default: the account with the largest buying centre in the rep's book.
    uint32_t best = w->rep_account_begin[size_t(rep_)];
    for (uint32_t a = best; a < w->rep_account_begin[size_t(rep_) + 1]; ++a)
      if (contacts_of(a) > contacts_of(best)) best = a;
    account_ = int(best);
  }
  const AccountId acct = AccountId(account_);

  // Left: the rep's book of accounts.
  ImGui::BeginChild("##book", ImVec2(std::clamp(ImGui::GetContentRegionAvail().x * 0.27f, 280.0f, 360.0f), 0), true);
  ImGui::TextUnformatted("Accounts of rep");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-FLT_MIN);
  const std::string rep_label = fmt::format("{} ({}, pod {})", rep_, w->region_names[w->rep_region[size_t(rep_)]], w->rep_pod[size_t(rep_)]);
  if (ImGui::BeginCombo("##rep", rep_label.c_str())) {
    ImGuiListClipper clip;
    clip.Begin(int(w->reps()));
    while (clip.Step())
      for (int r = clip.DisplayStart; r < clip.DisplayEnd; ++r)
        if (ImGui::Selectable(fmt::format("{} ({}, pod {})", r, w->region_names[w->rep_region[size_t(r)]], w->rep_pod[size_t(r)]).c_str(), r == rep_)) {
          rep_ = r;
          account_ = -1;
        }
    ImGui::EndCombo();
  }
  int jump = account_;
  ImGui::SetNextItemWidth(140);
  if (ImGui::InputInt("go to account", &jump, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue) && jump >= 0 && size_t(jump) < w->accounts()) {
    account_ = jump;
    rep_ = int(w->owner(AccountId(jump)));
    scroll_to_account_ = true;
  }
  if (ImGui::BeginTable("##accts", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("account", 0, 0.8f);
    ImGui::TableSetupColumn("tier", 0, 0.45f);
    ImGui::TableSetupColumn("stage", 0, 1.6f);
    ImGui::TableSetupColumn("contacts", 0, 0.95f);
    ImGui::TableHeadersRow();
    const uint32_t b = w->rep_account_begin[size_t(rep_)], e = w->rep_account_begin[size_t(rep_) + 1];
    if (scroll_to_account_ && acct >= b && acct < e) {  // bring a jumped-to account into view
      ImGui::SetScrollY(std::max(0.0f, float(acct - b) - 3.0f) * (ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y));
      scroll_to_account_ = false;
    }
    ImGuiListClipper clip;
    clip.Begin(int(e - b));
    while (clip.Step())
      for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
        const AccountId a = b + uint32_t(i);
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        if (ImGui::Selectable(std::to_string(a).c_str(), a == acct, ImGuiSelectableFlags_SpanAllColumns)) account_ = int(a);
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(std::string(1, char('A' + w->acct_tier[a])).c_str());
        ImGui::TableSetColumnIndex(2);
        ImGui::Text("%d %s", s->stage[a] + 1, std::string(kStageNames[s->stage[a]]).c_str());
        ImGui::TableSetColumnIndex(3);
        ImGui::Text("%u", contacts_of(a));
      }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  ImGui::SameLine();

  // Right: the account.
  ImGui::BeginChild("##centre", ImVec2(0, 0), true);
  const uint8_t stage = s->stage[acct];
  const RepId owner = w->owner(acct);
  ImGui::Text("Account %u  -  tier %c  -  %s  -  owner rep %u (pod %u)", acct, char('A' + w->acct_tier[acct]),
              w->region_names[w->acct_region[acct]].c_str(), owner, w->rep_pod[owner]);
  ImGui::TextDisabled("day %d  -  last order %s  -  last visit %s  -  last visit with a result %s", s->days_done,
                      days_ago(s->tick, s->last_order[acct], tpd).c_str(), days_ago(s->tick, s->last_visit[acct], tpd).c_str(),
                      days_ago(s->tick, s->last_valid_visit[acct], tpd).c_str());
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const float lh = ImGui::GetTextLineHeight();

  // Journey strip: 9 stages, this account's highlighted; the bar under each is the share of all accounts there.
  ImGui::Spacing();
  ImGui::TextUnformatted("Buying journey");
  ImGui::SameLine();
  ImGui::TextDisabled("in stage %d since %s; bars: share of all %zu accounts in each stage", stage + 1,
                      days_ago(s->tick, s->stage_since[acct], tpd).c_str(), w->accounts());
  {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float W = ImGui::GetContentRegionAvail().x, gap = 14, bw = (W - gap * (kStages - 1)) / kStages, bh = lh * 2 + 12;
    const uint32_t max_count = *std::max_element(s->stage_counts.begin(), s->stage_counts.end());
    for (int i = 0; i < kStages; ++i) {
      const ImVec2 a(p.x + float(i) * (bw + gap), p.y), b(a.x + bw, p.y + bh);
      const bool cur = i == stage;
      const ImU32 fill = cur ? IM_COL32(86, 156, 255, 255) : i < stage ? IM_COL32(86, 156, 255, 70) : ImGui::GetColorU32(ImGuiCol_FrameBg);
      dl->AddRectFilled(a, b, fill, 4);
      if (cur) dl->AddRect(a, b, IM_COL32(255, 255, 255, 220), 4, 0, 2);
      std::string name(kStageNames[size_t(i)]);
      std::replace(name.begin(), name.end(), '_', ' ');
      centered_text(dl, ImVec2((a.x + b.x) * 0.5f, a.y + 4), cur ? IM_COL32(255, 255, 255, 255) : text, std::to_string(i + 1));
      if (ImGui::CalcTextSize(name.c_str()).x > bw - 4) {
        const size_t sp = name.find(' ');
        if (sp != std::string::npos) name = name.substr(0, sp);  // the first word when the box is narrow
      }
      centered_text(dl, ImVec2((a.x + b.x) * 0.5f, a.y + 6 + lh), cur ? IM_COL32(255, 255, 255, 255) : text, name);
      if (i + 1 < kStages) arrow(dl, ImVec2(b.x + 1, (a.y + b.y) * 0.5f), ImVec2(b.x + gap - 1, (a.y + b.y) * 0.5f), dim, 1.5f);
      const float share = max_count ? float(s->stage_counts[size_t(i)]) / float(max_count) : 0.0f;
      dl->AddRectFilled(ImVec2(a.x, b.y + 4), ImVec2(a.x + bw * share, b.y + 10), IM_COL32(160, 160, 170, 200), 2);
      const std::string pct = fmt::format("{:.0f}%", 100.0 * s->stage_counts[size_t(i)] / std::max<size_t>(1, w->accounts()));
      dl->AddText(ImVec2(a.x, b.y + 12), dim, pct.c_str());
    }
    ImGui::Dummy(ImVec2(W, bh + 14 + lh));
  }

  // The buying centre graph.
  const uint32_t c0 = w->acct_contact_begin[acct], c1 = w->acct_contact_begin[acct + 1];
  const size_t n = c1 - c0;
  ImGui::Spacing();
  ImGui::Text("Buying centre: %zu contact%s", n, n == 1 ? "" : "s");
  ImGui::SameLine(0, 30);
  ImGui::TextDisabled("touched recently = within");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(160);
  ImGui::SliderInt("##recent", &recent_days_, 1, 90, "%d days");
  const float table_h = std::min(lh * 1.6f * float(n + 1) + 16, ImGui::GetContentRegionAvail().y * 0.35f);
  const ImVec2 cp = ImGui::GetCursorScreenPos();
  const ImVec2 cs(ImGui::GetContentRegionAvail().x, std::max(200.0f, ImGui::GetContentRegionAvail().y - table_h - 8));
  ImGui::InvisibleButton("##graph", cs);
  dl->AddRectFilled(cp, ImVec2(cp.x + cs.x, cp.y + cs.y), ImGui::GetColorU32(ImGuiCol_FrameBg, 0.5f), 6);
  const float legend_h = lh + 24;  // the legend strip at the bottom of the canvas
  const ImVec2 mid(cp.x + cs.x * 0.5f, cp.y + (cs.y - legend_h) * 0.5f - lh * 0.5f);
  const float ring = n <= 1 ? 0.0f : std::min(cs.x * 0.36f, (cs.y - legend_h) * 0.5f - 2.5f * lh - 48);
  float max_infl = 0;
  for (uint32_t c = c0; c < c1; ++c) max_infl = std::max(max_infl, w->contact_influence[c]);
  std::vector<ImVec2> pos(n);
  std::vector<float> rad(n);
  for (size_t i = 0; i < n; ++i) {
    // Most influential at the top (two contacts: side by side).
    const float ang = (n == 2 ? kPi : -kPi / 2) + 2 * kPi * float(i) / float(std::max<size_t>(1, n));
    pos[i] = ImVec2(mid.x + ring * std::cos(ang), mid.y + ring * std::sin(ang));
    rad[i] = 18 + 22 * (max_infl > 0 ? w->contact_influence[c0 + i] / max_infl : 1.0f);
  }
  json drawn_contacts = json::array();
  for (uint32_t c = c0; c < c1; ++c)
    for (uint32_t k = w->influence_begin[c]; k < w->influence_begin[c + 1]; ++k) {
      const auto& l = w->influence[k];
      if (l.to < c0 || l.to >= c1) continue;
      const ImVec2 a = pos[c - c0], b = pos[l.to - c0];
      const float dx = b.x - a.x, dy = b.y - a.y, len = std::max(1.0f, std::sqrt(dx * dx + dy * dy));
      const ImVec2 from(a.x + dx / len * (rad[c - c0] + 6), a.y + dy / len * (rad[c - c0] + 6));
      const ImVec2 to(b.x - dx / len * (rad[l.to - c0] + 8), b.y - dy / len * (rad[l.to - c0] + 8));
      arrow(dl, from, to, IM_COL32(200, 200, 210, 200), 1.0f + 4.0f * l.weight);
      const std::string t = fmt::format("sways {:.2f}", l.weight);
      const ImVec2 m((from.x + to.x) * 0.5f, (from.y + to.y) * 0.5f);
      const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
      dl->AddRectFilled(ImVec2(m.x - ts.x * 0.5f - 4, m.y - ts.y * 0.5f - 2), ImVec2(m.x + ts.x * 0.5f + 4, m.y + ts.y * 0.5f + 2),
                        ImGui::GetColorU32(ImGuiCol_WindowBg), 3);
      dl->AddText(ImVec2(m.x - ts.x * 0.5f, m.y - ts.y * 0.5f), text, t.c_str());
    }
  for (size_t i = 0; i < n; ++i) {
    const ContactId c = ContactId(c0 + i);
    const RoleId role = w->contact_role[c];
    const Tick last = s->contact_last_touch[c];
    const bool never = last <= kNever / 2;
    const bool recent = !never && (s->tick - last) <= Tick(recent_days_) * tpd;
    dl->AddCircleFilled(pos[i], rad[i], role_color(role), 40);
    if (never) dashed_circle(dl, pos[i], rad[i] + 5, IM_COL32(170, 170, 170, 255), 2.0f);
    else dl->AddCircle(pos[i], rad[i] + 5, recent ? IM_COL32(90, 220, 110, 255) : IM_COL32(240, 180, 60, 255), 40, 3.5f);
    const std::string role_name = role < w->role_names.size() ? pretty_name(w->role_names[role]) : fmt::format("role {}", role);
    const std::string infl = fmt::format("{:.2f}", w->contact_influence[c]);
    centered_text(dl, ImVec2(pos[i].x, pos[i].y - lh * 0.5f), IM_COL32(255, 255, 255, 255), infl);
    centered_text(dl, ImVec2(pos[i].x, pos[i].y + rad[i] + 8), text, role_name);
    centered_text(dl, ImVec2(pos[i].x, pos[i].y + rad[i] + 8 + lh), dim, never ? std::string("never touched") : "touched " + days_ago(s->tick, last, tpd));
    drawn_contacts.push_back({{"contact", c}, {"role", role < w->role_names.size() ? w->role_names[role] : ""},
                              {"influence", w->contact_influence[c]}, {"touched_recently", recent}, {"never_touched", never}});
  }
  if (n == 0) centered_text(dl, mid, dim, "no contacts");
  {  // legend, bottom left of the canvas
    float lx = cp.x + 14;
    const float ly = cp.y + cs.y - lh - 12, r = 7;
    auto item = [&](int kind, const std::string& label) {
      const ImVec2 c(lx + r, ly + lh * 0.5f);
      if (kind == 0) dl->AddCircle(c, r, IM_COL32(90, 220, 110, 255), 20, 3.0f);
      else if (kind == 1) dl->AddCircle(c, r, IM_COL32(240, 180, 60, 255), 20, 3.0f);
      else dashed_circle(dl, c, r, IM_COL32(170, 170, 170, 255), 2.0f);
      dl->AddText(ImVec2(lx + 2 * r + 6, ly), dim, label.c_str());
      lx += 2 * r + 6 + ImGui::CalcTextSize(label.c_str()).x + 22;
    };
    item(0, fmt::format("touched in the last {} days", recent_days_));
    item(1, "touched earlier");
    item(2, "never touched");
    dl->AddText(ImVec2(lx, ly), dim, "size, number: influence; colour: role");
  }

  // Contacts table.
  if (ImGui::BeginTable("##contacts", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("contact");
    ImGui::TableSetupColumn("role");
    ImGui::TableSetupColumn("role weight");
    ImGui::TableSetupColumn("influence (with whom it sways)");
    ImGui::TableSetupColumn("last touch");
    ImGui::TableHeadersRow();
    for (uint32_t c = c0; c < c1; ++c) {
      const RoleId role = w->contact_role[c];
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::Text("%u", c);
      ImGui::TableSetColumnIndex(1);
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(role_color(role)), "%s", role < w->role_names.size() ? w->role_names[role].c_str() : "?");
      ImGui::TableSetColumnIndex(2);
      ImGui::Text("%.2f", role < w->role_weight.size() ? w->role_weight[role] : 0.0f);
      ImGui::TableSetColumnIndex(3);
      ImGui::Text("%.2f", w->contact_influence[c]);
      ImGui::TableSetColumnIndex(4);
      ImGui::TextUnformatted(days_ago(s->tick, s->contact_last_touch[c], tpd).c_str());
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  drawn_["account"] = acct;
  drawn_["stage"] = std::string(kStageNames[stage]);
  drawn_["contacts"] = drawn_contacts;
}

void App::org_panel() {
  const auto s = run_a_->snapshot();
  const auto w = run_a_->world();
  if (!s || !w || w->reps() == 0) {
    ImGui::TextDisabled("Building the world...");
    return;
  }
  ImGui::TextUnformatted("Reps -> pods -> regions, from the decision graph.");
  ImGui::SameLine(0, 30);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Colour reps by");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200);
  const char* modes[] = {"revenue", "invalid visit rate", "skill"};
  ImGui::Combo("##colour", &org_colour_by_, modes, 3);
  ImGui::SameLine();
  ImGui::TextDisabled("red lowest, green highest; click a rep for its payouts");

  const size_t R = w->reps(), P = w->pods(), G = w->region_names.size();
  std::vector<double> metric(R, 0);
  for (size_t r = 0; r < R; ++r) {
    const RepTotals& t = s->reps[r];
    metric[r] = org_colour_by_ == 0 ? t.revenue
                : org_colour_by_ == 1 ? (t.visits ? -double(t.visits - t.valid_visits) / t.visits : 0.0)
                                 : w->rep_skill[r];
  }
  const auto [mn_it, mx_it] = std::minmax_element(metric.begin(), metric.end());
  const double mn = *mn_it, mx = *mx_it;
  std::vector<std::vector<RepId>> pod_reps(P);
  for (RepId r = 0; r < R; ++r) pod_reps[w->rep_pod[r]].push_back(r);
  std::vector<std::vector<PodId>> region_pods(G);
  for (PodId p = 0; p < P; ++p) region_pods[w->pod_region[p]].push_back(p);
  std::vector<double> pod_rev(P, 0), region_rev(G, 0);
  for (RepId r = 0; r < R; ++r) pod_rev[w->rep_pod[r]] += s->reps[r].revenue;
  for (PodId p = 0; p < P; ++p) region_rev[w->pod_region[p]] += pod_rev[p];

  const float lh = ImGui::GetTextLineHeight();
  const float row_h = std::max(lh + 12, 30.0f), region_gap = 10;
  const float content_h = row_h * float(P) + region_gap * float(G) + 20;
  ImGui::BeginChild("##org", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float region_w = 190, pod_x = o.x + region_w + 50, pod_w = 230, reps_x = pod_x + pod_w + 40, dot = 9, pitch = 24;
  size_t max_pod = 1;
  for (const auto& v : pod_reps) max_pod = std::max(max_pod, v.size());
  ImGui::Dummy(ImVec2(reps_x - o.x + pitch * float(max_pod) + 20, content_h));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 edge = IM_COL32(150, 150, 165, 160);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hovered_rep = -1;
  float y = o.y + 6;
  for (size_t g = 0; g < G; ++g) {
    if (region_pods[g].empty()) continue;
    const float top = y, bottom = y + row_h * float(region_pods[g].size()) - 6;
    const ImVec2 ra(o.x + 4, top), rb(o.x + region_w, bottom);
    dl->AddRectFilled(ra, rb, IM_COL32(70, 80, 110, 255), 5);
    dl->AddText(ImVec2(ra.x + 8, ra.y + 5), text, fmt::format("{} ({})", w->region_names[g], w->region_tier[g]).c_str());
    if (bottom - top > lh * 2.2f)
      dl->AddText(ImVec2(ra.x + 8, ra.y + 5 + lh), dim, fmt::format("{} pods, {} CNY", region_pods[g].size(), compact(region_rev[g])).c_str());
    for (PodId p : region_pods[g]) {
      const float cy = y + (row_h - 6) * 0.5f;
      dl->AddBezierCubic(ImVec2(rb.x, (top + bottom) * 0.5f), ImVec2(rb.x + 30, (top + bottom) * 0.5f), ImVec2(pod_x - 30, cy),
                         ImVec2(pod_x, cy), edge, 1.5f);
      const ImVec2 pa(pod_x, y), pb(pod_x + pod_w, y + row_h - 6);
      dl->AddRectFilled(pa, pb, IM_COL32(55, 62, 80, 255), 4);
      dl->AddText(ImVec2(pa.x + 8, pa.y + (row_h - 6 - lh) * 0.5f), text,
                  fmt::format("pod {}  -  {} rep{}  -  {} CNY", p, pod_reps[p].size(), pod_reps[p].size() == 1 ? "" : "s", compact(pod_rev[p])).c_str());
      dl->AddLine(ImVec2(pb.x, cy), ImVec2(reps_x + pitch * float(std::max<size_t>(1, pod_reps[p].size()) - 1), cy), edge, 1.5f);
      for (size_t i = 0; i < pod_reps[p].size(); ++i) {
        const RepId r = pod_reps[p][i];
        const ImVec2 c(reps_x + pitch * float(i), cy);
        const float t = mx > mn ? float((metric[r] - mn) / (mx - mn)) : 0.5f;
        dl->AddCircleFilled(c, dot, heat(t), 20);
        const bool hov = std::abs(mouse.x - c.x) <= dot + 2 && std::abs(mouse.y - c.y) <= dot + 2 && ImGui::IsWindowHovered();
        if (hov) hovered_rep = int(r);
        if (int(r) == rep_ || hov) dl->AddCircle(c, dot + 3, IM_COL32(255, 255, 255, 255), 20, 2.0f);
      }
      y += row_h;
    }
    y += region_gap;
  }
  if (hovered_rep >= 0) {
    const RepTotals& t = s->reps[size_t(hovered_rep)];
    ImGui::BeginTooltip();
    ImGui::Text("Rep %d  -  %s, pod %u", hovered_rep, w->region_names[w->rep_region[size_t(hovered_rep)]].c_str(), w->rep_pod[size_t(hovered_rep)]);
    ImGui::Text("revenue %s CNY, %u visits (%.1f%% invalid), skill %.2f", thousands(t.revenue).c_str(), t.visits,
                t.visits ? 100.0 * (t.visits - t.valid_visits) / t.visits : 0.0, w->rep_skill[size_t(hovered_rep)]);
    ImGui::TextDisabled("click: payout statements in the Reps panel");
    ImGui::EndTooltip();
    if (ImGui::IsMouseClicked(0)) {
      rep_ = hovered_rep;
      request_panel_ = Panel::Reps;
      request_panel_pending_ = true;
    }
  }
  ImGui::EndChild();
  drawn_["pods"] = P;
  drawn_["regions"] = G;
  drawn_["reps"] = R;
}

}  // namespace salesim::gui
