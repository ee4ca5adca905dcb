#include "tests/fuzz/targets.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <unistd.h>

#include "sim/history.hpp"
#include "sim/scenario.hpp"

namespace salesim::fuzz {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A broken contract is a finding: say which and abort (libFuzzer then saves the input).
[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "fuzz contract broken: %s\n", what);
  std::abort();
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Exercise what a front end does with an accepted history, so its code is fuzzed too.
void use(const History& h) {
  (void)summarise(h);
  (void)problems_csv(h.report, RowProblem::kRejected);
  (void)problems_csv(h.report, RowProblem::kWarning);
  for (const auto& f : h.report.files)
    if (f.accepted + f.rejected != f.rows_read) broken("a row was neither accepted nor rejected");
  if (h.report.rejected_records.size() != h.report.rejected()) broken("rejects and their records differ in number");
}

Outcome judge(const HistoryLoad& r) {
  if (r.history) {
    use(*r.history);
    return r.mapping_problems.empty() ? Outcome::kAccepted : Outcome::kRejected;
  }
  if (r.mapping_problems.empty()) broken("no history and no problem");
  for (const auto& p : r.mapping_problems)
    if (p.what.empty()) broken("a problem without a message");
  return Outcome::kRejected;
}

}  // namespace

std::string source_dir() { return SALESIM_SOURCE_DIR; }

Outcome scenario(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Named as if it were in scenarios/, so a relative /incentive/plan_file resolves against the shipped plans.
  LoadResult r = load_scenario_text(text, source_dir() + "/scenarios/fuzz-input.json");
  if (r.ok() == !r.problems.empty()) broken("a scenario must be accepted or rejected with problems, not both or neither");
  for (const auto& p : r.problems)
    if (p.what.empty()) broken("a problem without a message");
  if (r.ok()) (void)r.scenario->normalized.dump();
  return r.ok() ? Outcome::kAccepted : Outcome::kRejected;
}

Outcome mapping(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return judge(load_history_text(text, source_dir() + "/tests/fuzz/data", "fuzz-mapping.json"));
}

Outcome csv(const uint8_t* data, size_t size) {
  if (size == 0) return Outcome::kRejected;
  const uint8_t sel = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  static const char* const kRoles[] = {"opportunities", "reps", "accounts", "products", "orders", "signals"};
  const char* role = kRoles[(sel & 7) % 6];
  const int dialect = (sel >> 3) & 3;
  const bool trim = (sel & 0x20) == 0;

  // 1. The reader alone, with the chosen dialect: every record ends at or after where it starts and
  //    the reader always makes progress.
  static const CsvDialect kDialects[] = {{',', '"', true}, {';', '"', true}, {'\t', '\'', true}, {'|', '"', true}};
  CsvDialect d = kDialects[dialect];
  d.trim = trim;
  CsvReader reader(text, d);
  CsvRecord rec;
  size_t records = 0, last_line = 0;
  while (reader.next(rec)) {
    if (rec.end_line < rec.line || rec.line < last_line) broken("CSV record lines go backwards");
    last_line = rec.line;
    if (++records > text.size() + 1) broken("CsvReader made no progress");
    (void)csv_join(rec.fields, d.delimiter);
  }

  // 2. The whole importer, with this text as the chosen section's file.
  static const json base = json::parse(read_text(source_dir() + "/tests/fuzz/data/all.json"));
  // One scratch directory per process, removed at exit (the corpus replay in ctest must leave nothing).
  struct Scratch {
    fs::path dir = fs::temp_directory_path() / ("salesim-fuzz-csv-" + std::to_string(::getpid()));
    Scratch() { fs::create_directories(dir); }
    ~Scratch() { std::error_code ec; fs::remove_all(dir, ec); }
  };
  static const Scratch scratch;
  const fs::path file = scratch.dir / "input.csv";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
  }
  json m = base;
  json& section = std::string_view(role) == "signals" ? m["signals"][0] : m[role];
  section["file"] = file.string();
  if (dialect == 1) {
    section["csv"] = {{"delimiter", ";"}, {"trim", trim}};
    section["numbers"] = {{"decimal", ","}, {"thousands", "."}};
    section["date_format"] = "DD/MM/YYYY";
  } else if (dialect == 2) {
    section["csv"] = {{"delimiter", "\t"}, {"quote", "'"}, {"encoding", "latin-1"}, {"trim", trim}};
    section["date_format"] = "D-MMM-YYYY*";
  } else if (dialect == 3) {
    section["csv"] = {{"delimiter", "|"}, {"trim", trim}};
    section["numbers"] = {{"decimal", "."}, {"thousands", ","}, {"strip", "$€ "}};
    section["date_format"] = "MM/DD/YYYY";
  }
  return judge(load_history_json(m, source_dir() + "/tests/fuzz/data", "fuzz-all.json"));
}

}  // namespace salesim::fuzz
