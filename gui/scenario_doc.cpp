#include "gui/scenario_doc.hpp"

#include "sim/output.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace salesim::gui {

using nlohmann::json;

ScenarioDoc ScenarioDoc::from(Scenario sc, std::string path) {
  ScenarioDoc d;
  d.path = std::move(path);
  d.doc = sc.normalized;
  d.scenario = std::move(sc);
  return d;
}

bool ScenarioDoc::try_set(const std::string& pointer, const json& value, std::vector<Problem>& problems) {
  json candidate = doc;
  try {
    candidate[json::json_pointer(pointer)] = value;
  } catch (const json::exception& e) {
    problems = {{pointer, fmt::format("cannot set this pointer: {}", e.what())}};
    return false;
  }
  return try_replace(std::move(candidate), problems);
}

bool ScenarioDoc::try_replace(json candidate, std::vector<Problem>& problems) {
  LoadResult r = load_scenario_json(std::move(candidate), path.empty() ? "<edited>" : path);
  if (!r.ok()) {
    problems = std::move(r.problems);
    return false;
  }
  problems.clear();
  doc = r.scenario->normalized;
  scenario = std::move(*r.scenario);
  dirty = true;
  ++revision;
  return true;
}

std::string ScenarioDoc::display_name() const {
  return path.empty() ? std::string("(unsaved)") : std::filesystem::path(path).filename().string();
}

json switch_model(const json& family, const json& family_schema, const std::string& model) {
  json obj = {{"model", model}};
  const json common = family_schema.value("properties", json::object());
  for (auto& [k, p] : common.items())
    if (k != "model" && family.is_object() && family.contains(k)) obj[k] = family[k];
  return obj;
}

json prepare_model_switches(json doc, const std::vector<Override>& overrides) {
  const json& props = scenario_schema()["properties"];
  for (const auto& o : overrides) {
    const std::string suffix = "/model";
    if (o.pointer.size() <= suffix.size() || o.pointer.compare(o.pointer.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const std::string family = o.pointer.substr(1, o.pointer.size() - suffix.size() - 1);
    if (family.find('/') != std::string::npos || !props.contains(family) || !props[family].contains("x-models")) continue;
    json value;
    try {
      value = json::parse(o.value);
    } catch (const json::exception&) {  // parse_error, or out_of_range for 1e999
      value = o.value;
    }
    if (value.is_string() && doc.contains(family)) doc[family] = switch_model(doc[family], props[family], value.get<std::string>());
  }
  return doc;
}

bool write_file_atomic(const std::string& path, const std::string& text, std::string& error) {
  // The engine's writer (temp file, fsync, rename): the earlier copy here did not fsync, so after a
  // power cut the renamed file could be empty. docs/reliability.md#atomic-outputs
  try {
    salesim::write_file_atomic(path, text);
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
  return true;
}

Recovery::Recovery(std::string path) : path_(std::move(path)) {}

void Recovery::save(const ScenarioDoc& a, const ScenarioDoc* b) const {
  if (path_.empty()) return;
  const std::time_t now = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
  json out = {{"salesim_gui_recovery", 1}, {"source", a.path}, {"saved_at", when}, {"a", a.doc}};
  out["b"] = b ? b->doc : json(nullptr);
  std::string err;
  write_file_atomic(path_, out.dump(1), err);  // best effort: recovery must never interrupt editing
}

std::optional<Recovery::Found> Recovery::load() const {
  if (path_.empty()) return std::nullopt;
  std::ifstream f(path_);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  try {
    const json j = json::parse(ss.str());
    if (!j.is_object() || !j.contains("a") || !j["a"].is_object()) return std::nullopt;
    Found out{j.value("source", ""), j.value("saved_at", ""), j["a"], std::nullopt};
    if (j.contains("b") && j["b"].is_object()) out.b = j["b"];
    return out;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

void Recovery::discard() const {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

std::string default_recovery_path() {
  if (const char* home = std::getenv("HOME"); home && *home)
    return (std::filesystem::path(home) / ".salesim-gui-recovery.json").string();
  std::error_code ec;
  return (std::filesystem::temp_directory_path(ec) / "salesim-gui-recovery.json").string();
}

}  // namespace salesim::gui
