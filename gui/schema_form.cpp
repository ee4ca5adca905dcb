#include "gui/schema_form.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <fmt/format.h>

#include "gui/format.hpp"
#include "gui/scenario_doc.hpp"
#include "sim/scenario.hpp"
#include "sim/types.hpp"

// The schema text compiled into salesim_sim (sim/schema_data.cpp.in). nlohmann::json sorts keys;
// the parameter panel wants them in the order the schema's authors wrote them ("count" before
// "skill_sd"), so it re-reads the text as ordered JSON. (Engine API wish: expose this in schema.hpp.)
namespace salesim {
extern const char* const kScenarioSchemaText;
}

namespace salesim::gui {

using json = nlohmann::json;

namespace {

// Families in the order a sales leader reads them; top-level keys not listed (a policy family added
// later) get a family of their own after these.
const std::vector<std::pair<std::string, std::vector<std::string>>>& family_layout() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> layout = {
      {"general", {"name", "description", "seed"}},
      {"reps", {"reps"}},
      {"pods", {"pods"}},
      {"accounts", {"accounts"}},
      {"buying_centre", {"roles", "influence_edges", "actions"}},
      {"journey", {"journey"}},
      {"regions", {"regions"}},
      {"products", {"skus"}},
      {"demand", {"demand"}},
      {"rep_behaviour", {"rep_behaviour", "behaviour_value"}},
      {"forecast", {"forecast"}},
      {"incentive", {"incentive"}},
      {"interventions", {"interventions"}},
      {"churn", {"churn"}},
      {"signals", {"signals"}},
      {"inventory", {"inventory"}},
      {"order_processing", {"order_processing"}},
      {"credit", {"credit"}},
      {"calendar", {"clock"}},
      {"recorder", {"recorder"}},
      {"targets", {"targets"}},
  };
  return layout;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string escape_token(const std::string& k) {
  std::string out;
  for (char c : k) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

// The JSON pointer of `key` under `parent`.
std::string child(const std::string& parent, const std::string& key) {
  std::string out = parent;
  out += '/';
  out += escape_token(key);
  return out;
}

const ImVec4 kRefusedColor(1.0f, 0.45f, 0.40f, 1.0f);

struct Ctx {
  FormState& st;
  std::string filter;  // lower case
  std::optional<FormEdit> edit;
};

// Keys of the "properties" of the schema node at `schema_ptr` (a JSON pointer into the schema), in
// the order they are written in scenarios/schema.json.
const std::vector<std::string>& ordered_keys(const std::string& schema_ptr) {
  static const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(kScenarioSchemaText, nullptr, false);
  static std::unordered_map<std::string, std::vector<std::string>> cache;
  auto it = cache.find(schema_ptr);
  if (it != cache.end()) return it->second;
  std::vector<std::string> keys;
  try {
    const auto& node = ordered.at(nlohmann::ordered_json::json_pointer(schema_ptr));
    if (node.contains("properties"))
      for (auto& [k, p] : node["properties"].items()) keys.push_back(k);
  } catch (const std::exception&) {
  }
  return cache.emplace(schema_ptr, std::move(keys)).first->second;
}

// Properties of an object schema, including those its chosen model brings (x-models).
json object_props(const json& s, const json& v) {
  json props = s.value("properties", json::object());
  if (s.contains("x-models") && v.is_object()) {
    const std::string model = v.value("model", s["properties"]["model"].value("default", ""));
    if (s["x-models"].contains(model)) {
      const json model_props = s["x-models"][model].value("properties", json::object());
      for (auto& [k, p] : model_props.items()) props[k] = p;
    }
  }
  return props;
}

bool is_container(const json& s) {
  const std::string t = s.value("type", "");
  return t == "object" || (t == "array" && s.contains("items") &&
                           !(s["items"].value("type", "") == "string" && s["items"].contains("enum")));
}

bool matches(Ctx& c, const std::string& key, const json& s) {
  if (c.filter.empty()) return true;
  return lower(key).find(c.filter) != std::string::npos ||
         lower(pretty_name(key)).find(c.filter) != std::string::npos ||
         lower(s.value("description", "")).find(c.filter) != std::string::npos;
}

bool subtree_matches(Ctx& c, const std::string& key, const json& s, const json& v) {
  if (matches(c, key, s)) return true;
  const std::string t = s.value("type", "");
  if (t == "object" && v.is_object()) {
    const json props = object_props(s, v);
    for (auto& [k, p] : props.items())
      if (subtree_matches(c, k, p, v.contains(k) ? v[k] : json())) return true;
    if (s.contains("additionalSchema"))
      for (auto& [k, x] : v.items())
        if (subtree_matches(c, k, s["additionalSchema"], x)) return true;
  }
  if (t == "array" && v.is_array() && s.contains("items") && s["items"].value("type", "") == "object")
    for (const auto& item : v) {
      const json props = object_props(s["items"], item);
      for (auto& [k, p] : props.items())
        if (subtree_matches(c, k, p, item.contains(k) ? item[k] : json())) return true;
    }
  return false;
}

std::string range_text(const json& s) {
  std::string r;
  if (s.contains("minimum")) r += ">= " + s["minimum"].dump();
  if (s.contains("exclusiveMinimum")) r += "> " + s["exclusiveMinimum"].dump();
  if (s.contains("maximum")) r += (r.empty() ? "" : ", ") + std::string("<= ") + s["maximum"].dump();
  if (s.contains("exclusiveMaximum")) r += (r.empty() ? "" : ", ") + std::string("< ") + s["exclusiveMaximum"].dump();
  if (s.contains("enum")) {
    r.clear();
    for (const auto& e : s["enum"]) r += (r.empty() ? "" : ", ") + e.get<std::string>();
  }
  return r;
}

void param_tooltip(const std::string& key, const json& s, const std::string& ptr) {
  if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
  ImGui::TextUnformatted(pretty_name(key).c_str());
  ImGui::Separator();
  if (s.contains("description")) ImGui::TextUnformatted(s["description"].get<std::string>().c_str());
  if (s.contains("x-unit")) ImGui::Text("Unit: %s", s["x-unit"].get<std::string>().c_str());
  if (s.contains("default") && !s["default"].is_object()) {
    std::string d = s["default"].dump();
    if (d.size() > 60) d = d.substr(0, 57) + "...";
    ImGui::Text("Default: %s", d.c_str());
  }
  if (const std::string r = range_text(s); !r.empty()) ImGui::Text("Allowed: %s", r.c_str());
  ImGui::TextDisabled("%s", ptr.c_str());
  if (s.contains("default") && !is_container(s)) ImGui::TextDisabled("Right-click to reset to the default.");
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

// "base_salary_cny_month" with unit "CNY/month" reads "Base salary": the unit says the rest.
std::string param_label(const std::string& key, const json& s) {
  const std::string unit = s.value("x-unit", "");
  const size_t k = key.find("_cny");
  if (k != std::string::npos && k > 0 && unit.rfind("CNY", 0) == 0) return pretty_name(key.substr(0, k));
  return pretty_name(key);
}

void label_cell(const std::string& key, const json& s, const std::string& ptr) {
  ImGui::TableSetColumnIndex(0);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(param_label(key, s).c_str());
  param_tooltip(key, s, ptr);
  if (s.contains("x-unit")) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", s["x-unit"].get<std::string>().c_str());
    param_tooltip(key, s, ptr);
  }
}

void refusal_row(Ctx& c, const std::string& ptr) {
  if (c.st.refused_pointer.empty() || c.st.refused_pointer != ptr) return;
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::PushStyleColor(ImGuiCol_Text, kRefusedColor);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(("Refused: " + c.st.refused_message).c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::TableSetColumnIndex(1);
  if (ImGui::SmallButton("dismiss")) c.st.refused_pointer.clear();
}

// The value a widget shows: what the user is dragging or typing, else the document's.
json current(Ctx& c, const std::string& ptr, const json& v) {
  auto it = c.st.live.find(ptr);
  return it != c.st.live.end() ? it->second : v;
}

// After a continuous widget: keep the live value while active, commit on release.
void track(Ctx& c, const std::string& ptr, bool changed, const json& value) {
  if (changed) c.st.live[ptr] = value;
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    auto it = c.st.live.find(ptr);
    c.edit = FormEdit{ptr, it != c.st.live.end() ? it->second : value};
    c.st.live.erase(ptr);
  } else if (!ImGui::IsItemActive() && !changed) {
    c.st.live.erase(ptr);
  }
}

void reset_menu(Ctx& c, const json& s, const std::string& ptr, const json& v) {
  if (!s.contains("default") || is_container(s)) return;
  if (ImGui::BeginPopupContextItem("##reset")) {
    std::string d = s["default"].dump();
    if (d.size() > 40) d = d.substr(0, 37) + "...";
    if (ImGui::MenuItem(fmt::format("Reset to default ({})", d).c_str(), nullptr, false, s["default"] != v))
      c.edit = FormEdit{ptr, s["default"]};
    ImGui::EndPopup();
  }
}

void number_widget(Ctx& c, const json& s, const std::string& ptr, const json& v) {
  const bool integer = s.value("type", "") == "integer";
  const json cur = current(c, ptr, v);
  const bool has_min = s.contains("minimum") || s.contains("exclusiveMinimum");
  const bool has_max = s.contains("maximum") || s.contains("exclusiveMaximum");
  const double lo = s.contains("minimum") ? s["minimum"].get<double>() : s.value("exclusiveMinimum", 0.0);
  const double hi = s.contains("maximum") ? s["maximum"].get<double>() : s.value("exclusiveMaximum", 0.0);
  const bool slider = has_min && has_max && (hi - lo) <= (integer ? 100.0 : 10.0);
  ImGui::SetNextItemWidth(-FLT_MIN);
  bool changed = false;
  if (integer) {
    int64_t x = cur.is_number() ? cur.get<int64_t>() : 0;
    if (slider) {
      const int64_t a = int64_t(std::ceil(lo)), b = int64_t(std::floor(hi));
      changed = ImGui::SliderScalar("##v", ImGuiDataType_S64, &x, &a, &b, "%lld");
    } else {
      changed = ImGui::InputScalar("##v", ImGuiDataType_S64, &x, nullptr, nullptr, "%lld");
    }
    track(c, ptr, changed, json(x));
  } else {
    double x = cur.is_number() ? cur.get<double>() : 0.0;
    if (slider) {
      changed = ImGui::SliderScalar("##v", ImGuiDataType_Double, &x, &lo, &hi, "%.4g");
    } else {
      changed = ImGui::InputScalar("##v", ImGuiDataType_Double, &x, nullptr, nullptr, "%.6g");
    }
    track(c, ptr, changed, json(x));
  }
  reset_menu(c, s, ptr, v);
}

void leaf_row(Ctx& c, const std::string& key, const json& s, const json& v, const std::string& ptr,
              const json* models = nullptr, const json* family_value = nullptr, const json* family_schema = nullptr) {
  if (!matches(c, key, s)) return;
  ImGui::TableNextRow();
  label_cell(key, s, ptr);
  ImGui::TableSetColumnIndex(1);
  ImGui::PushID(ptr.c_str());
  const std::string t = s.value("type", "");
  if (models) {
    // The policy model of a family: switching keeps the family's common keys and lets the new
    // model's parameters take their defaults.
    const std::string cur = v.is_string() ? v.get<std::string>() : "";
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::BeginCombo("##model", cur.c_str())) {
      for (auto& [name, m] : models->items()) {
        if (ImGui::Selectable(name.c_str(), name == cur) && name != cur) {
          c.edit = FormEdit{ptr.substr(0, ptr.rfind('/')), switch_model(*family_value, *family_schema, name)};
        }
        if (ImGui::IsItemHovered() && m.contains("description"))
          ImGui::SetTooltip("%s", m["description"].get<std::string>().c_str());
      }
      ImGui::EndCombo();
    }
    param_tooltip(key, s, ptr);
  } else if (t == "number" || t == "integer") {
    number_widget(c, s, ptr, v);
    param_tooltip(key, s, ptr);
  } else if (t == "boolean") {
    bool b = v.is_boolean() && v.get<bool>();
    if (ImGui::Checkbox("##b", &b)) c.edit = FormEdit{ptr, b};
    param_tooltip(key, s, ptr);
    reset_menu(c, s, ptr, v);
  } else if (t == "string" && s.contains("enum")) {
    const std::string cur = v.is_string() ? v.get<std::string>() : "";
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::BeginCombo("##e", cur.c_str())) {
      for (const auto& e : s["enum"]) {
        const std::string name = e.get<std::string>();
        if (ImGui::Selectable(name.c_str(), name == cur) && name != cur) c.edit = FormEdit{ptr, name};
      }
      ImGui::EndCombo();
    }
    param_tooltip(key, s, ptr);
    reset_menu(c, s, ptr, v);
  } else if (t == "string") {
    const json cur = current(c, ptr, v);
    std::string text = cur.is_string() ? cur.get<std::string>() : "";
    ImGui::SetNextItemWidth(-FLT_MIN);
    const bool changed = ImGui::InputText("##s", &text);
    track(c, ptr, changed, json(text));
    param_tooltip(key, s, ptr);
    reset_menu(c, s, ptr, v);
  } else if (t == "array" && s.contains("items") && s["items"].contains("enum")) {
    // A set of enum values (e.g. workdays): one checkbox each.
    std::vector<std::string> chosen;
    for (const auto& x : v) chosen.push_back(x.get<std::string>());
    bool first = true;
    for (const auto& e : s["items"]["enum"]) {
      const std::string name = e.get<std::string>();
      bool on = std::find(chosen.begin(), chosen.end(), name) != chosen.end();
      const float w = ImGui::CalcTextSize(name.c_str()).x + ImGui::GetFrameHeight() + 12;
      if (!first && ImGui::GetContentRegionAvail().x > w) ImGui::SameLine();
      first = false;
      if (ImGui::Checkbox(name.c_str(), &on)) {
        json arr = json::array();
        for (const auto& x : s["items"]["enum"]) {
          const std::string n = x.get<std::string>();
          const bool keep = n == name ? on : std::find(chosen.begin(), chosen.end(), n) != chosen.end();
          if (keep) arr.push_back(n);
        }
        c.edit = FormEdit{ptr, arr};
      }
      param_tooltip(key, s, ptr);
    }
  } else {
    std::string d = v.dump();
    if (d.size() > 40) d = d.substr(0, 37) + "...";
    ImGui::TextDisabled("%s", d.c_str());
    param_tooltip(key, s, ptr);
  }
  ImGui::PopID();
  refusal_row(c, ptr);
}

void rows(Ctx& c, const std::string& key, const json& s, const json& v, const std::string& ptr, const std::string& spath);

// `spath`: the JSON pointer of `s` within the schema (for the authors' key order).
void object_rows(Ctx& c, const json& s, const json& v, const std::string& ptr, const std::string& spath) {
  const json props = object_props(s, v);
  // "model" first, then the family's own keys, then the chosen model's, each in schema order.
  if (props.contains("model") && s.contains("x-models"))
    leaf_row(c, "model", props["model"], v.value("model", json()), ptr + "/model", &s["x-models"], &v, &s);
  std::vector<std::pair<std::string, std::string>> order;  // key, schema path of its parent node
  for (const auto& k : ordered_keys(spath)) order.emplace_back(k, spath);
  if (s.contains("x-models") && v.is_object()) {
    const std::string model = v.value("model", std::string());
    const std::string mpath = spath + "/x-models/" + escape_token(model);
    for (const auto& k : ordered_keys(mpath)) order.emplace_back(k, mpath);
  }
  for (auto& [k, p] : props.items())  // anything the ordered read missed, alphabetically
    if (std::none_of(order.begin(), order.end(), [&](const auto& o) { return o.first == k; })) order.emplace_back(k, spath);
  for (const auto& [k, parent] : order) {
    if (!props.contains(k) || (k == "model" && s.contains("x-models"))) continue;
    rows(c, k, props[k], v.contains(k) ? v[k] : json(), child(ptr, k), parent + "/properties/" + escape_token(k));
  }
  if (s.contains("additionalSchema") && v.is_object()) {
    for (auto& [k, x] : v.items()) {
      if (props.contains(k)) continue;
      rows(c, k, s["additionalSchema"], x, child(ptr, k), spath + "/additionalSchema");
    }
  }
}

std::vector<std::string> element_names(const std::string& key, size_t n) {
  std::vector<std::string> out;
  if (n == 7 && key.find("weekday") != std::string::npos)
    for (auto w : kWeekdayNames) out.emplace_back(w);
  else if (n == size_t(kStages) && key.find("stage") != std::string::npos)
    for (size_t i = 0; i < size_t(kStages); ++i) out.push_back(fmt::format("{} {}", i + 1, kStageNames[i]));
  else
    for (size_t i = 0; i < n; ++i) out.push_back(fmt::format("[{}]", i));
  return out;
}

std::string item_label(const json& item, size_t i) {
  if (item.is_object()) {
    if (item.contains("name") && item["name"].is_string()) return item["name"].get<std::string>();
    if (item.contains("from") && item.contains("to"))
      return fmt::format("{} -> {}", item["from"].is_string() ? item["from"].get<std::string>() : item["from"].dump(),
                         item["to"].is_string() ? item["to"].get<std::string>() : item["to"].dump());
  }
  return fmt::format("item {}", i + 1);
}

bool tree_row(Ctx& c, const std::string& key, const json& s, const std::string& ptr, const std::string& label,
              const std::string& note) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  if (!c.filter.empty()) ImGui::SetNextItemOpen(true);
  const bool open = ImGui::TreeNodeEx(ptr.c_str(), ImGuiTreeNodeFlags_SpanFullWidth, "%s", label.c_str());
  param_tooltip(key, s, ptr);
  ImGui::TableSetColumnIndex(1);
  ImGui::AlignTextToFramePadding();
  if (!note.empty()) ImGui::TextDisabled("%s", note.c_str());
  return open;
}

void rows(Ctx& c, const std::string& key, const json& s, const json& v, const std::string& ptr, const std::string& spath) {
  const std::string t = s.value("type", "");
  if (!is_container(s)) {
    leaf_row(c, key, s, v, ptr);
    return;
  }
  if (!subtree_matches(c, key, s, v)) return;
  if (t == "object") {
    if (tree_row(c, key, s, ptr, pretty_name(key), s.contains("x-unit") ? s["x-unit"].get<std::string>() : "")) {
      object_rows(c, s, v, ptr, spath);
      if (s.contains("additionalSchema")) {
        // An open map (calibration targets): add a key from the known KPI names.
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::PushID(ptr.c_str());
        if (ImGui::BeginCombo("##add", "Add a target...")) {
          for (const auto& k : kpi_names())
            if (!v.contains(k) && ImGui::Selectable(k.c_str())) c.edit = FormEdit{child(ptr, k), json{{"value", 0}}};
          ImGui::EndCombo();
        }
        ImGui::PopID();
      }
      ImGui::TreePop();
    }
    refusal_row(c, ptr);
    return;
  }
  // Arrays.
  const json& items = s["items"];
  const size_t n = v.is_array() ? v.size() : 0;
  if (tree_row(c, key, s, ptr, pretty_name(key), fmt::format("{} item{}", n, n == 1 ? "" : "s"))) {
    if (items.value("type", "") == "object") {
      for (size_t i = 0; i < n; ++i) {
        const std::string ip = child(ptr, std::to_string(i));
        if (!subtree_matches(c, key, items, v[i]) && !c.filter.empty()) continue;
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        if (!c.filter.empty()) ImGui::SetNextItemOpen(true);
        const bool open = ImGui::TreeNodeEx(ip.c_str(), ImGuiTreeNodeFlags_SpanFullWidth, "%s", item_label(v[i], i).c_str());
        ImGui::TableSetColumnIndex(1);
        ImGui::PushID(ip.c_str());
        if (ImGui::SmallButton("remove")) {
          json arr = v;
          arr.erase(arr.begin() + long(i));
          c.edit = FormEdit{ptr, arr};
        }
        ImGui::PopID();
        if (open) {
          object_rows(c, items, v[i], ip, spath + "/items");
          ImGui::TreePop();
        }
      }
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::PushID(ptr.c_str());
      if (ImGui::SmallButton(n ? "add (a copy of the last)" : "add")) {
        json arr = v.is_array() ? v : json::array();
        json item = n ? v[n - 1] : json::object();
        if (item.contains("name") && item["name"].is_string()) item["name"] = item["name"].get<std::string>() + " copy";
        for (const auto& r : items.value("required", json::array()))
          if (!item.contains(r.get<std::string>())) item[r.get<std::string>()] = "new";
        arr.push_back(item);
        c.edit = FormEdit{ptr, arr};
      }
      ImGui::PopID();
    } else {
      const auto names = element_names(key, n);
      json item_schema = items;
      if (!item_schema.contains("description") && s.contains("description")) item_schema["description"] = s["description"];
      for (size_t i = 0; i < n; ++i) leaf_row(c, names[i], item_schema, v[i], child(ptr, std::to_string(i)));
    }
    ImGui::TreePop();
  }
  refusal_row(c, ptr);
}

}  // namespace

std::string family_of(const std::string& top_key) {
  for (const auto& [fam, members] : family_layout())
    if (std::find(members.begin(), members.end(), top_key) != members.end()) return fam;
  return top_key;
}

std::string family_title(const std::string& family) {
  if (family == "buying_centre") return "Buying centre (roles, influence, actions)";
  if (family == "products") return "Products (SKUs)";
  if (family == "calendar") return "Calendar and clock";
  if (family == "rep_behaviour") return "Rep behaviour and action value";
  if (family == "pods") return "Pods (organisation, specialists, cards, discounts)";
  if (family == "credit") return "Credit and collections";
  return pretty_name(family);
}

std::optional<FormEdit> scenario_form(const json& doc, FormState& st) {
  Ctx c{st, lower(st.filter), std::nullopt};
  const json& schema = scenario_schema();
  const json& props = schema["properties"];
  std::vector<std::pair<std::string, std::vector<std::string>>> families;
  std::vector<std::string> placed;
  for (const auto& [fam, members] : family_layout()) {
    std::vector<std::string> present;
    for (const auto& m : members)
      if (props.contains(m)) present.push_back(m), placed.push_back(m);
    if (!present.empty()) families.emplace_back(fam, present);
  }
  for (auto& [k, p] : props.items())
    if (std::find(placed.begin(), placed.end(), k) == placed.end()) families.push_back({k, {k}});

  for (const auto& [fam, members] : families) {
    bool any = false;
    for (const auto& m : members) any |= subtree_matches(c, m, props[m], doc.contains(m) ? doc[m] : json());
    if (!any) continue;
    if (!c.filter.empty() || st.open_family == fam) ImGui::SetNextItemOpen(true);
    const bool open = ImGui::CollapsingHeader((family_title(fam) + "###fam_" + fam).c_str());
    if (members.size() == 1 && props[members[0]].contains("description"))
      if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
        ImGui::TextUnformatted(props[members[0]]["description"].get<std::string>().c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
    if (!open) continue;
    if (members.size() == 1 && props[members[0]].contains("description")) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped("%s", props[members[0]]["description"].get<std::string>().c_str());
      ImGui::PopStyleColor();
    }
    if (ImGui::BeginTable(("##t_" + fam).c_str(), 2, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_PadOuterX)) {
      ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch, 0.58f);
      ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, 0.42f);
      for (const auto& m : members) {
        const json& s = props[m];
        const json v = doc.contains(m) ? doc[m] : json();
        const std::string ptr = child("", m);
        if (members.size() == 1 && s.value("type", "") == "object" && !s.contains("additionalSchema")) {
          object_rows(c, s, v, ptr, child("/properties", m));  // the header is the family's tree node
          refusal_row(c, ptr);
        } else {
          rows(c, m, s, v, ptr, child("/properties", m));
        }
      }
      ImGui::EndTable();
    }
    ImGui::Spacing();
  }
  st.open_family.clear();
  return c.edit;
}

}  // namespace salesim::gui
