// The scenario parameters as a form generated from scenarios/schema.json: families as collapsing
// headers, numbers as sliders (bounded) or inputs, enums and policy models as combo boxes, units
// beside the names and the schema's business-word descriptions as tooltips. A new policy family or
// parameter in the schema appears here without a change to gui/.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

namespace salesim::gui {

// An edit the user committed this frame: the value for a JSON pointer of the scenario document.
struct FormEdit {
  std::string pointer;
  nlohmann::json value;
};

struct FormState {
  std::string filter;                                   // show only parameters matching this
  std::unordered_map<std::string, nlohmann::json> live;  // values of widgets being dragged or typed
  std::string refused_pointer, refused_message;          // the last refused edit, shown under its row
  std::string open_family;                               // open this family's header once (then "")
};

// Draws every family of the schema for `doc` (a valid, defaults-filled scenario document).
std::optional<FormEdit> scenario_form(const nlohmann::json& doc, FormState& st);

// Family key for a top-level scenario key ("roles" -> "buying_centre"), and its display title.
std::string family_of(const std::string& top_key);
std::string family_title(const std::string& family);

}  // namespace salesim::gui
