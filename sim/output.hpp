// Writing results: every file is written to a temporary name in the same directory and renamed
// into place, so a killed run never leaves a half file that looks whole. docs/outputs.md
#pragma once
#include <nlohmann/json.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "sim/engine.hpp"

namespace salesim {

// A file written atomically, in pieces: write() appends to a hidden temporary beside `path`, and
// commit() syncs it and renames it into place. Destroyed without commit() (an exception, an early
// return), it removes the temporary: the old file, or none, stays. Throws std::runtime_error.
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();
  void write(std::string_view piece);
  void commit();

 private:
  std::string path_, tmp_;
  int fd_ = -1;
};

// Writes `content` to `path` atomically (temp file + fsync + rename). Throws std::runtime_error.
void write_file_atomic(const std::string& path, const std::string& content);

// summary.json: scenario, seed, scenario hash, version, state hash and every KPI. Identical bytes
// for the same scenario and seed whatever the thread count (so no timings or thread count here).
nlohmann::json summary_json(const Engine& e);
std::string timeseries_csv(const Engine& e);
// events.csv, handed to `sink` a piece (about a megabyte) at a time: a long run's events would
// otherwise be held twice, as records and as text. events_csv is the same as one string.
void write_events_csv(const Engine& e, const std::function<void(std::string_view)>& sink);
std::string events_csv(const Engine& e);
std::string payouts_csv(const Engine& e);
// One JSON object per payout statement: lines, variables, change, attribution and explanation.
std::string statements_jsonl(const Engine& e);
// Who a suggestion went to, in words: rep:ID, pod:ID/ROLE, central:ROLE, manager:REGION, warehouse, digital.
std::string assignee_label(const Engine& e, const InterventionRecord& x);
// One row per suggestion of an intervention rule: what fired, what became of it, its outcome.
void write_interventions_csv(const Engine& e, const std::function<void(std::string_view)>& sink);
std::string interventions_csv(const Engine& e);
// One row per pod (or team): revenue, margin, discounts, deals, demand cards (docs/pods.md#kpis).
std::string pods_csv(const Engine& e);
// A warehouse staff member's name, REGION/K (docs/model.md#warehouse); "" for an id out of range.
std::string staff_label(const Engine& e, uint32_t staff);
// One row per warehouse staff member and pay period: replenishments, on time, late, effort, bonus
// (docs/outputs.md#warehouse-csv). Only a header without warehouse staff.
std::string warehouse_csv(const Engine& e);

struct RunInfo { double wall_seconds = 0; std::string command; };
// Writes summary.json, timeseries.csv, events.csv, payouts.csv, statements.jsonl, interventions.csv,
// pods.csv, warehouse.csv and manifest.json into dir.
void write_run_outputs(const std::string& dir, const Engine& e, const RunInfo& info);

extern const char* const kVersion;

}  // namespace salesim
