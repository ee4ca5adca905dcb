// A small JSON-Schema-style validator: the scenario schema (scenarios/schema.json) is the one source
// of truth for every parameter's type, range, default, unit and description. The loader, `salesim
// schema`, docs/scenario.md and the GUI all read it. It reports every problem, each with a JSON
// pointer, and fills in defaults. Supported keywords are listed in docs/scenario.md#schema-language.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace salesim {

struct Problem {
  std::string where;  // JSON pointer ("" is the document) or file:line:column
  std::string what;   // what was expected and what was found
  std::string str() const { return (where.empty() ? std::string("/") : where) + ": " + what; }
};

// Validates `doc` against `schema`, appending problems; returns `doc` with defaults filled in.
nlohmann::json validate_and_fill(const nlohmann::json& schema, const nlohmann::json& doc,
                                 std::vector<Problem>& problems);

// Parses JSON text a user wrote. On failure returns nothing and appends one problem saying where
// ("source:line:column") and what. Every failure of nlohmann::json::parse is caught, not only syntax
// errors: a number too large for a double ("1e999") throws out_of_range, which found by fuzzing
// (docs/reliability.md#fuzzers) used to escape the loaders and end the program.
std::optional<nlohmann::json> parse_json_text(const std::string& text, const std::string& source,
                                              std::vector<Problem>& problems);

// Short human description of a JSON value for error messages ("number -3", "string \"abc\"").
std::string describe(const nlohmann::json& v);

}  // namespace salesim
