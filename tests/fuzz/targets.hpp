// Fuzz entry points for the loaders (docs/reliability.md#fuzzers). Each takes arbitrary bytes and
// must return normally: every input is either accepted or rejected with at least one problem. A crash,
// an escaped exception or a broken contract aborts, which libFuzzer reports as a finding. The same
// functions are linked into the normal test suite (tests/test_fuzz_corpus.cpp), which replays every
// file under tests/fuzz/corpus/<target>/ without libFuzzer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace salesim::fuzz {

// What one input did: accepted (a usable result) or rejected with problems (a clear error).
enum class Outcome { kAccepted, kRejected };

// Scenario text -> load_scenario_text (parse, plan_file, schema validation, cross checks, build).
Outcome scenario(const uint8_t* data, size_t size);
// Mapping text -> load_history_text, with relative files resolved in tests/fuzz/data.
Outcome mapping(const uint8_t* data, size_t size);
// First byte picks a section of tests/fuzz/data/all.json and a CSV dialect; the rest is that section's
// CSV file. Runs CsvReader over it, then the whole importer and the summary.
Outcome csv(const uint8_t* data, size_t size);

// Where the fixtures are (the source tree); set at compile time by SALESIM_SOURCE_DIR.
std::string source_dir();

}  // namespace salesim::fuzz
