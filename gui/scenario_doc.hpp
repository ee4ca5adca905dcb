// The scenario being edited: a valid, defaults-filled JSON document and the Scenario built from it.
// Every edit is tried on a copy and re-validated with the loader; only a valid document replaces
// the current one, so the document (and a file saved from it) is valid by construction. Unsaved
// edits are written to a recovery file after each accepted edit and offered back at the next start.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace salesim::gui {

struct ScenarioDoc {
  std::string path;        // file it was opened from or saved to ("" = never saved)
  nlohmann::json doc;      // normalised: every default filled in
  Scenario scenario;       // built from doc
  bool dirty = false;      // edits not saved to `path`
  uint64_t revision = 0;   // bumps on every accepted edit

  static ScenarioDoc from(Scenario sc, std::string path);
  // Puts `value` at `pointer` in a copy and keeps it only if the loader accepts it; otherwise
  // `problems` holds the validator's messages and nothing changes.
  bool try_set(const std::string& pointer, const nlohmann::json& value, std::vector<Problem>& problems);
  bool try_replace(nlohmann::json candidate, std::vector<Problem>& problems);
  std::string display_name() const;
};

// The policy family object `family` (e.g. doc["forecast"]) switched to `model`: the family's own keys
// are kept, the old model's parameters dropped so the new model's take their defaults.
nlohmann::json switch_model(const nlohmann::json& family, const nlohmann::json& family_schema, const std::string& model);
// `doc` prepared for overrides: where an override sets a family's "model", that family is switched
// first (so `--set /forecast/model=exponential_smoothing` works on a defaults-filled document).
nlohmann::json prepare_model_switches(nlohmann::json doc, const std::vector<Override>& overrides);

// Writes to a temporary name, then renames, so a crash never leaves a half-written file.
bool write_file_atomic(const std::string& path, const std::string& text, std::string& error);

class Recovery {
 public:
  explicit Recovery(std::string path = {});  // "" disables recovery
  struct Found {
    std::string source, saved_at;
    nlohmann::json a;
    std::optional<nlohmann::json> b;
  };
  void save(const ScenarioDoc& a, const ScenarioDoc* b) const;
  std::optional<Found> load() const;
  void discard() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ~/.salesim-gui-recovery.json ($HOME unset: the system temporary directory).
std::string default_recovery_path();

}  // namespace salesim::gui
