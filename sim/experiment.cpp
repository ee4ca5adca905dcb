#include "sim/experiment.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <numeric>
#include <set>
#include <sstream>
#include <xxhash.h>

#include "sim/recorder.hpp"
#include "sim/rng.hpp"

namespace salesim {
using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The experiment file's own schema, in the language of sim/schema.cpp (docs/scenario.md#schema-language).
// Design blocks are validated one by one against the block schema their "type" names.
const json& experiment_schema() {
  static const json s = json::parse(R"({
    "type": "object", "required": ["scenario", "design"],
    "properties": {
      "name": {"type": "string", "default": ""},
      "description": {"type": "string", "default": ""},
      "scenario": {"additionalProperties": true},
      "set": {"type": "object", "additionalProperties": true, "default": {}},
      "seed": {"type": "integer", "minimum": 0, "default": 1},
      "replications": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
      "common_random_numbers": {"type": "boolean", "default": false},
      "kpis": {"type": "array", "items": {"type": "string"}, "default": []},
      "design": {"additionalProperties": true}
    }
  })");
  return s;
}

const json& range_parameter_schema() {
  static const json s = json::parse(R"({
    "type": "object", "required": ["pointer", "min", "max"],
    "properties": {
      "pointer": {"type": "string", "minLength": 1},
      "min": {"type": "number"}, "max": {"type": "number"},
      "scale": {"type": "string", "enum": ["linear", "log"], "default": "linear"},
      "integer": {"type": "boolean", "default": false}
    }
  })");
  return s;
}

const json& block_schema(const std::string& type) {
  static const json blocks = [] {
    json grid_param = json::parse(R"({
      "type": "object", "required": ["pointer"],
      "properties": {
        "pointer": {"type": "string", "minLength": 1},
        "values": {"type": "array", "minItems": 1},
        "min": {"type": "number"}, "max": {"type": "number"},
        "steps": {"type": "integer", "minimum": 2, "maximum": 100000},
        "scale": {"type": "string", "enum": ["linear", "log"], "default": "linear"},
        "integer": {"type": "boolean", "default": false}
      }
    })");
    json b = json::object();
    b["grid"] = {{"type", "object"},
                 {"required", {"type", "parameters"}},
                 {"properties", {{"type", {{"type", "string"}}},
                                 {"parameters", {{"type", "array"}, {"minItems", 1}, {"items", grid_param}}}}}};
    b["list"] = {{"type", "object"},
                 {"required", {"type", "points"}},
                 {"properties", {{"type", {{"type", "string"}}},
                                 {"points", {{"type", "array"}, {"minItems", 1},
                                             {"items", {{"type", "object"}, {"additionalProperties", true}}}}}}}};
    for (const char* t : {"random", "latin_hypercube"})
      b[t] = {{"type", "object"},
              {"required", {"type", "samples", "parameters"}},
              {"properties", {{"type", {{"type", "string"}}},
                              {"samples", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000000}}},
                              {"parameters", {{"type", "array"}, {"minItems", 1}, {"items", range_parameter_schema()}}}}}};
    b["morris"] = {{"type", "object"},
                   {"required", {"type", "parameters"}},
                   {"properties", {{"type", {{"type", "string"}}},
                                   {"trajectories", {{"type", "integer"}, {"minimum", 2}, {"maximum", 100000}, {"default", 10}}},
                                   {"levels", {{"type", "integer"}, {"minimum", 2}, {"maximum", 1000}, {"default", 4}}},
                                   {"parameters", {{"type", "array"}, {"minItems", 1}, {"items", range_parameter_schema()}}}}}};
    return b;
  }();
  return blocks.at(type);
}

const std::vector<std::string> kDesignTypes{"grid", "list", "random", "latin_hypercube", "morris"};
constexpr size_t kMaxPoints = 1000000;

// A small counter-based generator for designs (the same construction as sim/rng.hpp's streams).
struct DesignRng {
  uint64_t key, n = 0;
  double uniform() { return double(mix64(key + 0xD1B54A32D192ED03ull * ++n) >> 11) * 0x1.0p-53; }
  size_t below(size_t m) { return std::min(m - 1, size_t(uniform() * double(m))); }
};
DesignRng design_rng(uint64_t seed, uint64_t block) { return {mix64(mix64(seed ^ 0x64657369676e0000ull) ^ block)}; }

double round_sig(double x, int digits) { return std::stod(fmt::format("{:.{}g}", x, digits)); }

json number_json(double x, bool integer) {
  if (integer) return json(int64_t(std::llround(x)));
  return json(x);
}

// What a value looks like in a CSV cell: strings bare, everything else as JSON text.
std::string cell_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

json value_of_override(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {  // parse_error, or out_of_range for 1e999
    return json(text);  // bare words are strings, as for --set
  }
}

bool valid_pointer(const std::string& p) {
  if (p.empty() || p[0] != '/') return false;
  try {
    json::json_pointer ptr(p);
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

std::string prefix(const std::string& at, const std::string& where) { return where.empty() ? at : at + where; }

// Reads a JSON file; a syntax error is reported as file:line:column.
std::optional<json> read_json_file(const std::string& path, std::vector<Problem>& problems) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.push_back({path, "cannot open the file (does it exist and is it readable?)"});
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_json_text(ss.str(), path, problems);
}

ParameterRange range_from(const json& p) {
  ParameterRange r;
  r.pointer = p["pointer"];
  r.min = p["min"].get<double>();
  r.max = p["max"].get<double>();
  r.log = p.value("scale", "linear") == "log";
  r.integer = p.value("integer", false);
  return r;
}

// Checks a range parameter's own consistency (pointer syntax, min < max, log needs min > 0).
void check_range(const ParameterRange& r, const std::string& at, std::vector<Problem>& problems) {
  if (!valid_pointer(r.pointer))
    problems.push_back({at + "/pointer", fmt::format("\"{}\" is not a JSON pointer (it starts with '/', e.g. \"/reps/count\")", r.pointer)});
  if (!(r.max > r.min)) problems.push_back({at + "/max", fmt::format("must be greater than min ({:g}), got {:g}", r.min, r.max)});
  if (r.log && !(r.min > 0)) problems.push_back({at + "/min", fmt::format("must be > 0 with \"scale\": \"log\", got {:g}", r.min)});
}

std::string point_label(const DesignPoint& p) {
  std::string s;
  for (const auto& [ptr, v] : p.values) {
    std::string t = cell_text(v);
    if (t.size() > 40) t = t.substr(0, 37) + "...";
    if (!s.empty()) s += ", ";
    s += ptr + "=" + t;
  }
  return s;
}

std::vector<Override> point_overrides(const Experiment& ex, size_t point) {
  std::vector<Override> o = ex.fixed;
  for (const auto& [ptr, v] : ex.points[point].values) o.push_back({ptr, v.dump()});
  return o;
}

// Generates the points of one validated block; returns false (with problems) if it cannot.
bool generate_block(const json& b, const std::string& at, size_t block_index, uint64_t seed, Experiment& ex,
                    std::vector<Problem>& problems, std::vector<std::pair<ParameterRange, std::string>>& ranges_to_check) {
  const std::string type = b["type"];
  std::vector<DesignPoint> pts;
  if (type == "grid") {
    std::vector<std::pair<std::string, std::vector<json>>> axes;
    std::set<std::string> seen;
    for (size_t i = 0; i < b["parameters"].size(); ++i) {
      const json& p = b["parameters"][i];
      const std::string pat = fmt::format("{}/parameters/{}", at, i);
      const std::string ptr = p["pointer"];
      if (!valid_pointer(ptr))
        problems.push_back({pat + "/pointer", fmt::format("\"{}\" is not a JSON pointer (it starts with '/', e.g. \"/reps/count\")", ptr)});
      if (!seen.insert(ptr).second) problems.push_back({pat + "/pointer", fmt::format("\"{}\" is varied twice in this block", ptr)});
      const bool has_values = p.contains("values"), has_range = p.contains("min") || p.contains("max") || p.contains("steps");
      std::vector<json> vals;
      if (has_values == has_range || (has_range && !(p.contains("min") && p.contains("max") && p.contains("steps")))) {
        problems.push_back({pat, "give either \"values\" (a list) or all of \"min\", \"max\" and \"steps\""});
      } else if (has_values) {
        for (const auto& v : p["values"]) vals.push_back(v);
      } else {
        ParameterRange r;
        r.pointer = ptr;
        r.min = p["min"].get<double>();
        r.max = p["max"].get<double>();
        r.log = p.value("scale", "linear") == "log";
        r.integer = p.value("integer", false);
        const size_t before = problems.size();
        check_range(r, pat, problems);
        if (problems.size() == before) {
          const int steps = p["steps"].get<int>();
          for (int k = 0; k < steps; ++k) vals.push_back(number_json(round_sig(r.at(double(k) / (steps - 1)), 12), r.integer));
          ranges_to_check.push_back({r, pat});
        }
      }
      axes.push_back({ptr, std::move(vals)});
    }
    size_t total = 1;
    for (const auto& a : axes) {
      if (a.second.empty()) return false;  // already reported
      if (total > kMaxPoints / a.second.size()) {
        problems.push_back({at, fmt::format("the grid has more than {} points; use a random or latin_hypercube design", kMaxPoints)});
        return false;
      }
      total *= a.second.size();
    }
    // The first parameter varies slowest, as in nested loops written in the order given.
    for (size_t i = 0; i < total; ++i) {
      DesignPoint dp;
      size_t rest = i;
      std::vector<size_t> idx(axes.size());
      for (size_t a = axes.size(); a-- > 0;) {
        idx[a] = rest % axes[a].second.size();
        rest /= axes[a].second.size();
      }
      for (size_t a = 0; a < axes.size(); ++a) dp.values.push_back({axes[a].first, axes[a].second[idx[a]]});
      pts.push_back(std::move(dp));
    }
  } else if (type == "list") {
    for (size_t i = 0; i < b["points"].size(); ++i) {
      const json& p = b["points"][i];
      DesignPoint dp;
      dp.where = fmt::format("{}/points/{}", at, i);
      for (auto it = p.begin(); it != p.end(); ++it) {
        if (!valid_pointer(it.key()))
          problems.push_back({dp.where, fmt::format("key \"{}\" is not a JSON pointer (it starts with '/', e.g. \"/reps/count\")", it.key())});
        dp.values.push_back({it.key(), it.value()});
      }
      pts.push_back(std::move(dp));
    }
  } else {  // random, latin_hypercube, morris: ranges in the unit cube
    std::vector<ParameterRange> ranges;
    std::set<std::string> seen;
    const size_t before = problems.size();
    for (size_t i = 0; i < b["parameters"].size(); ++i) {
      const std::string pat = fmt::format("{}/parameters/{}", at, i);
      ranges.push_back(range_from(b["parameters"][i]));
      check_range(ranges.back(), pat, problems);
      if (!seen.insert(ranges.back().pointer).second)
        problems.push_back({pat + "/pointer", fmt::format("\"{}\" is varied twice in this block", ranges.back().pointer)});
    }
    if (problems.size() != before) return false;
    for (size_t i = 0; i < ranges.size(); ++i) ranges_to_check.push_back({ranges[i], fmt::format("{}/parameters/{}", at, i)});
    std::vector<std::vector<double>> unit;
    const int digits = 6;  // samples print exactly, so a row can be re-run with salesim run --set
    if (type == "random") {
      unit = uniform_samples(b["samples"].get<size_t>(), ranges.size(), mix64(seed ^ block_index));
    } else if (type == "latin_hypercube") {
      unit = latin_hypercube(b["samples"].get<size_t>(), ranges.size(), mix64(seed ^ block_index));
    } else {
      const int levels = b["levels"].get<int>();
      if (levels % 2 != 0) {
        problems.push_back({at + "/levels", fmt::format("must be even (the Morris step is levels / (2 (levels - 1))), got {}", levels)});
        return false;
      }
      if (ex.morris) {
        problems.push_back({at, "only one morris block per experiment (the sensitivity analysis reads one)"});
        return false;
      }
      const size_t traj = b["trajectories"].get<size_t>();
      if (traj * (ranges.size() + 1) > kMaxPoints) {
        problems.push_back({at + "/trajectories", fmt::format("gives more than {} points", kMaxPoints)});
        return false;
      }
      unit = morris_trajectories(traj, ranges.size(), levels, mix64(seed ^ block_index));
      ex.morris = MorrisDesign{ranges, int(traj), levels, ex.points.size()};
    }
    for (const auto& u : unit) {
      DesignPoint dp;
      for (size_t d = 0; d < ranges.size(); ++d)
        dp.values.push_back({ranges[d].pointer, number_json(round_sig(ranges[d].at(u[d]), digits), ranges[d].integer)});
      pts.push_back(std::move(dp));
    }
  }
  for (auto& p : pts) {
    if (p.where.empty()) p.where = at;
    ex.points.push_back(std::move(p));
  }
  if (ex.points.size() > kMaxPoints) {
    problems.push_back({at, fmt::format("the design has more than {} points", kMaxPoints)});
    return false;
  }
  return true;
}

uint64_t hash_of(const json& resolved) {
  json h = resolved;
  for (const char* k : {"name", "description", "kpis"}) h.erase(k);  // they do not change any result
  const std::string s = h.dump();
  return XXH64(s.data(), s.size(), 0);
}

ExperimentLoad load_resolved(json doc, const std::string& source, const std::vector<Override>& extra,
                             const std::string& base_dir, const std::string* recorded_scenario_file) {
  ExperimentLoad out;
  auto& problems = out.problems;
  if (!doc.is_object()) {
    problems.push_back({"", fmt::format("an experiment must be a JSON object, got {}", describe(doc))});
    return out;
  }
  json d = validate_and_fill(experiment_schema(), doc, problems);
  if (!problems.empty()) return out;

  Experiment ex;
  ex.source = source;
  ex.name = d["name"];
  ex.description = d["description"];
  ex.seed = d["seed"].get<uint64_t>();
  ex.replications = d["replications"].get<int>();
  ex.common_random_numbers = d["common_random_numbers"];

  // The base scenario: a path relative to the experiment file, or inline.
  if (d["scenario"].is_string()) {
    namespace fs = std::filesystem;
    fs::path p = d["scenario"].get<std::string>();
    if (p.is_relative()) p = fs::path(base_dir) / p;
    ex.scenario_file = p.lexically_normal().string();
    std::vector<Problem> sp;
    auto sdoc = read_json_file(ex.scenario_file, sp);
    if (!sdoc) {
      for (auto& q : sp) problems.push_back({"/scenario", q.str()});
      return out;
    }
    ex.scenario_doc = std::move(*sdoc);
  } else if (d["scenario"].is_object()) {
    ex.scenario_file = recorded_scenario_file ? *recorded_scenario_file : source;
    ex.scenario_doc = d["scenario"];
  } else {
    problems.push_back({"/scenario", fmt::format("expected a scenario file name or a scenario object, got {}", describe(d["scenario"]))});
    return out;
  }
  if (recorded_scenario_file) ex.scenario_file = *recorded_scenario_file;

  // Fixed overrides: the file's "set", then --set from the command line.
  json set = d["set"];
  for (auto it = set.begin(); it != set.end(); ++it)
    if (!valid_pointer(it.key()))
      problems.push_back({"/set", fmt::format("key \"{}\" is not a JSON pointer (it starts with '/', e.g. \"/clock/days\")", it.key())});
  for (const auto& o : extra) {
    if (!valid_pointer(o.pointer)) {
      problems.push_back({"--set", fmt::format("\"{}\" is not a JSON pointer (it starts with '/', e.g. \"/clock/days\")", o.pointer)});
      continue;
    }
    set[o.pointer] = value_of_override(o.value);
  }
  if (!problems.empty()) return out;
  for (auto it = set.begin(); it != set.end(); ++it) ex.fixed.push_back({it.key(), it.value().dump()});

  // The base scenario alone, then with "set": problems are reported where they come from.
  {
    LoadResult base = load_scenario_json(ex.scenario_doc, ex.scenario_file);
    if (!base.ok()) {
      for (const auto& q : base.problems)
        problems.push_back({"/scenario", q.where.rfind(ex.scenario_file, 0) == 0 ? q.str() : ex.scenario_file + ": " + q.str()});
      return out;
    }
    // An incentive plan kept in its own file is taken in, so the experiment (and the record of it in
    // the output directory, and its hash) holds every input of its runs.
    if (ex.scenario_doc.contains("incentive") && ex.scenario_doc["incentive"].is_object() &&
        ex.scenario_doc["incentive"].contains("plan_file"))
      ex.scenario_doc["incentive"] = base.scenario->normalized["incentive"];
    LoadResult with_set = load_scenario_json(ex.scenario_doc, ex.scenario_file, ex.fixed);
    if (!with_set.ok()) {
      for (const auto& q : with_set.problems) problems.push_back({"/set", "the scenario with these values is invalid: " + q.str()});
      return out;
    }
  }

  // KPIs to focus on.
  for (size_t i = 0; i < d["kpis"].size(); ++i) {
    const std::string k = d["kpis"][i];
    if (std::find(kpi_names().begin(), kpi_names().end(), k) == kpi_names().end())
      problems.push_back({fmt::format("/kpis/{}", i), fmt::format("\"{}\" is not a KPI salesim reports; KPIs: {}", k, fmt::join(kpi_names(), ", "))});
    else
      ex.kpis.push_back(k);
  }
  if (ex.kpis.empty()) ex.kpis = kpi_names();

  // Design blocks.
  json blocks = d["design"].is_array() ? d["design"] : json::array({d["design"]});
  if (blocks.empty()) problems.push_back({"/design", "needs at least one design block"});
  json filled_blocks = json::array();
  std::vector<std::pair<ParameterRange, std::string>> ranges_to_check;
  for (size_t bi = 0; bi < blocks.size(); ++bi) {
    const std::string at = d["design"].is_array() ? fmt::format("/design/{}", bi) : "/design";
    const json& b = blocks[bi];
    if (!b.is_object()) {
      problems.push_back({at, fmt::format("expected a design block (an object with a \"type\"), got {}", describe(b))});
      continue;
    }
    const std::string type = b.contains("type") && b["type"].is_string() ? b["type"].get<std::string>() : "";
    if (std::find(kDesignTypes.begin(), kDesignTypes.end(), type) == kDesignTypes.end()) {
      problems.push_back({at + "/type", fmt::format("{}; design types: \"grid\", \"list\", \"random\", \"latin_hypercube\", \"morris\"",
                                                    b.contains("type") ? "unknown design type " + describe(b["type"]) : "is required but missing")});
      continue;
    }
    std::vector<Problem> bp;
    json fb = validate_and_fill(block_schema(type), b, bp);
    for (auto& q : bp) problems.push_back({prefix(at, q.where), q.what});
    if (!bp.empty()) continue;
    filled_blocks.push_back(fb);
    generate_block(fb, at, bi, ex.seed, ex, problems, ranges_to_check);
  }
  if (!problems.empty()) return out;

  // Columns: every varied pointer, in order of first appearance.
  for (const auto& p : ex.points)
    for (const auto& [ptr, v] : p.values)
      if (std::find(ex.columns.begin(), ex.columns.end(), ptr) == ex.columns.end()) ex.columns.push_back(ptr);

  // The ends of every range must give valid scenarios (a clearer message than a failing sample).
  for (const auto& [r, where] : ranges_to_check)
    for (double u : {0.0, 1.0}) {
      std::vector<Override> o = ex.fixed;
      o.push_back({r.pointer, number_json(r.at(u), r.integer).dump()});
      LoadResult lr = load_scenario_json(ex.scenario_doc, ex.scenario_file, o);
      for (const auto& q : lr.problems) problems.push_back({where + (u == 0 ? "/min" : "/max"), "gives an invalid scenario: " + q.str()});
    }
  if (!problems.empty()) return out;

  // Every point must be a valid scenario; report the first few that are not.
  ex.resolved = d;
  ex.resolved["scenario"] = ex.scenario_doc;
  ex.resolved["set"] = set;
  ex.resolved["design"] = filled_blocks;
  ex.hash = hash_of(ex.resolved);
  ex.cells.resize(ex.points.size());
  size_t bad_points = 0;
  for (size_t i = 0; i < ex.points.size(); ++i) {
    LoadResult lr = load_point(ex, i);
    if (!lr.ok()) {
      if (++bad_points <= 5)
        for (const auto& q : lr.problems)
          problems.push_back({ex.points[i].where, fmt::format("point {} ({}) gives an invalid scenario: {}", i,
                                                              point_label(ex.points[i]), q.str())});
      continue;
    }
    const json& norm = lr.scenario->normalized;
    for (const auto& col : ex.columns) {
      auto it = std::find_if(ex.points[i].values.begin(), ex.points[i].values.end(), [&](const auto& kv) { return kv.first == col; });
      if (it != ex.points[i].values.end()) {
        ex.cells[i].push_back(cell_text(it->second));
      } else {
        const json::json_pointer ptr(col);
        ex.cells[i].push_back(norm.contains(ptr) ? cell_text(norm.at(ptr)) : std::string());
      }
    }
  }
  if (bad_points > 5) problems.push_back({"/design", fmt::format("... and {} more points give invalid scenarios", bad_points - 5)});
  if (!problems.empty()) return out;
  out.experiment = std::move(ex);
  return out;
}

}  // namespace

double ParameterRange::at(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  double v = log ? std::exp(std::log(min) + u * (std::log(max) - std::log(min))) : min + u * (max - min);
  if (u == 0) v = min;
  if (u == 1) v = max;
  return integer ? std::round(v) : v;
}

double ParameterRange::unit(double value) const {
  if (log) return (std::log(value) - std::log(min)) / (std::log(max) - std::log(min));
  return (value - min) / (max - min);
}

uint64_t Experiment::seed_of(size_t run) const {
  return run_seed(seed, point_of(run), replication_of(run), common_random_numbers);
}

uint64_t run_seed(uint64_t experiment_seed, size_t point, int replication, bool common_random_numbers) {
  uint64_t k = mix64(experiment_seed ^ 0x73616c6573696d00ull);  // "salesim"
  k = mix64(k ^ (common_random_numbers ? 0 : uint64_t(point) + 1));
  k = mix64(k ^ (uint64_t(replication) * 0x9E3779B97F4A7C15ull));
  return k >> 11;
}

ExperimentLoad load_experiment_json(json doc, const std::string& source, const std::vector<Override>& extra,
                                    const std::string& base_dir) {
  return load_resolved(std::move(doc), source, extra, base_dir, nullptr);
}

ExperimentLoad load_experiment_file(const std::string& path, const std::vector<Override>& extra) {
  ExperimentLoad out;
  auto doc = read_json_file(path, out.problems);
  if (!doc) return out;
  return load_resolved(std::move(*doc), path, extra, std::filesystem::path(path).parent_path().string(), nullptr);
}

json experiment_record(const Experiment& ex, int shard, int shards) {
  return json{{"format", "salesim experiment record"},
              {"source", ex.source},
              {"scenario_file", ex.scenario_file},
              {"hash", fmt::format("{:016x}", ex.hash)},
              {"shard", {{"index", shard}, {"count", shards}}},
              {"points", ex.points.size()},
              {"replications", ex.replications},
              {"runs", ex.runs()},
              {"columns", ex.columns},
              {"experiment", ex.resolved}};
}

ExperimentLoad load_experiment_record(const std::string& path) {
  ExperimentLoad out;
  auto doc = read_json_file(path, out.problems);
  if (!doc) return out;
  if (!doc->is_object() || doc->value("format", "") != "salesim experiment record" || !(*doc)["experiment"].is_object() ||
      !(*doc)["scenario_file"].is_string()) {
    out.problems.push_back({path, "is not an experiment record written by salesim sweep"});
    return out;
  }
  const std::string scenario_file = (*doc)["scenario_file"];
  out = load_resolved((*doc)["experiment"], (*doc).value("source", path), {}, ".", &scenario_file);
  for (auto& p : out.problems) p = Problem{path, p.str()};
  return out;
}

LoadResult load_point(const Experiment& ex, size_t point) {
  return load_scenario_json(ex.scenario_doc, ex.scenario_file, point_overrides(ex, point));
}

std::vector<std::vector<double>> uniform_samples(size_t samples, size_t dims, uint64_t seed) {
  DesignRng rng = design_rng(seed, 1);
  std::vector<std::vector<double>> out(samples, std::vector<double>(dims));
  for (auto& row : out)
    for (auto& u : row) u = rng.uniform();
  return out;
}

std::vector<std::vector<double>> latin_hypercube(size_t samples, size_t dims, uint64_t seed) {
  DesignRng rng = design_rng(seed, 2);
  std::vector<std::vector<double>> out(samples, std::vector<double>(dims));
  std::vector<size_t> perm(samples);
  for (size_t d = 0; d < dims; ++d) {
    std::iota(perm.begin(), perm.end(), size_t(0));
    for (size_t i = samples; i > 1; --i) std::swap(perm[i - 1], perm[rng.below(i)]);  // Fisher-Yates
    for (size_t i = 0; i < samples; ++i) out[i][d] = (double(perm[i]) + rng.uniform()) / double(samples);
  }
  return out;
}

std::vector<std::vector<double>> morris_trajectories(size_t trajectories, size_t dims, int levels, uint64_t seed) {
  DesignRng rng = design_rng(seed, 3);
  const int step = levels / 2;  // in grid units: delta = levels / (2 (levels - 1))
  std::vector<std::vector<double>> out;
  out.reserve(trajectories * (dims + 1));
  for (size_t t = 0; t < trajectories; ++t) {
    std::vector<int> level(dims), dir(dims);
    for (size_t d = 0; d < dims; ++d) {
      dir[d] = rng.uniform() < 0.5 ? 1 : -1;
      const int lo = dir[d] > 0 ? 0 : step, hi = dir[d] > 0 ? levels - 1 - step : levels - 1;
      level[d] = lo + int(rng.below(size_t(hi - lo + 1)));
    }
    std::vector<size_t> order(dims);
    std::iota(order.begin(), order.end(), size_t(0));
    for (size_t i = dims; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    auto unit = [&] {
      std::vector<double> u(dims);
      for (size_t d = 0; d < dims; ++d) u[d] = double(level[d]) / double(levels - 1);
      return u;
    };
    out.push_back(unit());
    for (size_t m = 0; m < dims; ++m) {
      level[order[m]] += dir[order[m]] * step;
      out.push_back(unit());
    }
  }
  return out;
}

std::vector<ElementaryEffects> morris_effects(const std::vector<std::vector<double>>& unit_points, size_t dims,
                                              const std::vector<double>& y) {
  std::vector<std::vector<double>> ee(dims);
  const size_t per = dims + 1;
  for (size_t t = 0; t + per <= unit_points.size() && t + per <= y.size(); t += per)
    for (size_t m = 1; m < per; ++m) {
      const auto& a = unit_points[t + m - 1];
      const auto& b = unit_points[t + m];
      size_t moved = dims;
      double du = 0;
      for (size_t d = 0; d < dims; ++d)
        if (std::abs(b[d] - a[d]) > std::abs(du)) { du = b[d] - a[d]; moved = d; }
      if (moved == dims || du == 0 || !std::isfinite(y[t + m]) || !std::isfinite(y[t + m - 1])) continue;
      ee[moved].push_back((y[t + m] - y[t + m - 1]) / du);
    }
  std::vector<ElementaryEffects> out(dims);
  for (size_t d = 0; d < dims; ++d) {
    const auto& e = ee[d];
    ElementaryEffects& o = out[d];
    o.n = e.size();
    if (e.empty()) { o.mu = o.mu_star = o.sigma = kNaN; continue; }
    double s = 0, sa = 0;
    for (double x : e) { s += x; sa += std::abs(x); }
    o.mu = s / double(e.size());
    o.mu_star = sa / double(e.size());
    double v = 0;
    for (double x : e) v += (x - o.mu) * (x - o.mu);
    o.sigma = e.size() > 1 ? std::sqrt(v / double(e.size() - 1)) : kNaN;
  }
  return out;
}

Stats summarize(const std::vector<double>& xs) {
  Stats s;
  double sum = 0;
  for (double x : xs)
    if (std::isfinite(x)) { sum += x; ++s.n; }
  if (s.n == 0) return Stats{0, kNaN, kNaN, kNaN, kNaN};
  s.mean = sum / double(s.n);
  if (s.n == 1) { s.sd = s.ci_low = s.ci_high = kNaN; return s; }
  double v = 0;
  for (double x : xs)
    if (std::isfinite(x)) v += (x - s.mean) * (x - s.mean);
  s.sd = std::sqrt(v / double(s.n - 1));
  const double t = boost::math::quantile(boost::math::students_t(double(s.n - 1)), 0.975);
  const double half = t * s.sd / std::sqrt(double(s.n));
  s.ci_low = s.mean - half;
  s.ci_high = s.mean + half;
  return s;
}

namespace {
const Kpi* kpi_info(const std::string& name) {
  static const std::vector<Kpi> all = [] {
    Recorder r;
    r.init(0, 0);
    return r.kpis(1, 0);
  }();
  for (const Kpi& k : all)
    if (k.name == name) return &k;
  return nullptr;
}
const std::string kNoText;
}  // namespace

const std::string& kpi_unit(const std::string& name) {
  const Kpi* k = kpi_info(name);
  return k ? k->unit : kNoText;
}
const std::string& kpi_description(const std::string& name) {
  const Kpi* k = kpi_info(name);
  return k ? k->description : kNoText;
}

std::string csv_number(double x) { return std::isfinite(x) ? fmt::format("{:.10g}", x) : std::string(); }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') { out.back() += '"'; ++i; }
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string results_header(const Experiment& ex) {
  std::string h = "run,point,replication,seed";
  for (const auto& c : ex.columns) {
    h += ',';
    h += csv_field(c);
  }
  for (const auto& k : kpi_names()) {
    h += ',';
    h += k;
  }
  return h + ",state_hash";
}

std::string results_row(const Experiment& ex, size_t run, const std::vector<double>& kpis, uint64_t state_hash) {
  const size_t p = ex.point_of(run);
  std::string r = fmt::format("{},{},{},{}", run, p, ex.replication_of(run), ex.seed_of(run));
  for (const auto& c : ex.cells[p]) {
    r += ',';
    r += csv_field(c);
  }
  for (double k : kpis) {
    r += ',';
    r += csv_number(k);
  }
  return r + fmt::format(",{:016x}", state_hash);
}

std::optional<ResultRow> parse_results_row(const Experiment& ex, const std::string& line, std::string& error) {
  const auto f = split_csv_line(line);
  const size_t nk = kpi_names().size(), want = 4 + ex.columns.size() + nk + 1;
  if (f.size() != want) {
    error = fmt::format("expected {} fields, got {}", want, f.size());
    return std::nullopt;
  }
  ResultRow r;
  try {
    size_t used = 0;
    r.run = std::stoull(f[0], &used);
    if (used != f[0].size() || r.run >= ex.runs()) throw std::invalid_argument("run");
  } catch (const std::exception&) {
    error = fmt::format("run id \"{}\" is not a run of this experiment (0..{})", f[0], ex.runs() - 1);
    return std::nullopt;
  }
  r.kpis.resize(nk);
  for (size_t i = 0; i < nk; ++i) {
    const std::string& s = f[4 + ex.columns.size() + i];
    if (s.empty()) { r.kpis[i] = kNaN; continue; }
    char* end = nullptr;
    r.kpis[i] = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size()) {
      error = fmt::format("{}: \"{}\" is not a number", kpi_names()[i], s);
      return std::nullopt;
    }
  }
  uint64_t hash = 0;
  const std::string& hs = f.back();
  if (hs.size() != 16 || hs.find_first_not_of("0123456789abcdef") != std::string::npos) {
    error = fmt::format("state_hash \"{}\" is not 16 hex digits", hs);
    return std::nullopt;
  }
  hash = std::stoull(hs, nullptr, 16);
  // The row must be exactly what this experiment writes for this run: same point values, seed and format.
  if (results_row(ex, r.run, r.kpis, hash) != line) {
    error = fmt::format("run {} does not match this experiment (its point values or seed differ)", r.run);
    return std::nullopt;
  }
  r.line = line;
  return r;
}

std::string results_csv(const Experiment& ex, const std::vector<ResultRow>& rows) {
  std::string out = results_header(ex) + "\n";
  for (const auto& r : rows) out += r.line + "\n";
  return out;
}

std::vector<std::vector<Stats>> point_stats(const Experiment& ex, const std::vector<ResultRow>& rows) {
  const size_t nk = kpi_names().size();
  std::vector<std::vector<std::vector<double>>> values(ex.points.size(), std::vector<std::vector<double>>(nk));
  for (const auto& r : rows)
    for (size_t k = 0; k < nk; ++k) values[ex.point_of(r.run)][k].push_back(r.kpis[k]);
  std::vector<std::vector<Stats>> out(ex.points.size(), std::vector<Stats>(nk));
  for (size_t p = 0; p < ex.points.size(); ++p)
    for (size_t k = 0; k < nk; ++k) out[p][k] = summarize(values[p][k]);
  return out;
}

std::string summary_csv(const Experiment& ex, const std::vector<ResultRow>& rows) {
  std::string out = "point";
  for (const auto& c : ex.columns) {
    out += ',';
    out += csv_field(c);
  }
  out += ",runs";
  for (const auto& k : kpi_names()) out += fmt::format(",{0}_mean,{0}_sd,{0}_ci95_low,{0}_ci95_high", k);
  out += "\n";
  std::vector<size_t> runs(ex.points.size(), 0);
  for (const auto& r : rows) ++runs[ex.point_of(r.run)];
  const auto stats = point_stats(ex, rows);
  for (size_t p = 0; p < ex.points.size(); ++p) {
    if (runs[p] == 0) continue;
    out += std::to_string(p);
    for (const auto& c : ex.cells[p]) {
      out += ',';
      out += csv_field(c);
    }
    out += fmt::format(",{}", runs[p]);
    for (const Stats& s : stats[p])
      out += fmt::format(",{},{},{},{}", csv_number(s.mean), csv_number(s.sd), csv_number(s.ci_low), csv_number(s.ci_high));
    out += "\n";
  }
  return out;
}

std::vector<Sensitivity> sensitivity(const Experiment& ex, const std::vector<ResultRow>& rows) {
  std::vector<Sensitivity> out;
  if (!ex.morris) return out;
  const MorrisDesign& m = *ex.morris;
  const size_t dims = m.parameters.size(), n = size_t(m.trajectories) * (dims + 1);
  // Unit coordinates from the values actually run (integer rounding can shorten a step).
  std::vector<std::vector<double>> unit(n, std::vector<double>(dims));
  for (size_t i = 0; i < n; ++i)
    for (size_t d = 0; d < dims; ++d) unit[i][d] = m.parameters[d].unit(ex.points[m.first_point + i].values[d].second.get<double>());
  const auto stats = point_stats(ex, rows);
  for (size_t k = 0; k < kpi_names().size(); ++k) {
    std::vector<double> y(n);
    for (size_t i = 0; i < n; ++i) y[i] = stats[m.first_point + i][k].mean;
    const auto ee = morris_effects(unit, dims, y);
    for (size_t d = 0; d < dims; ++d) out.push_back({kpi_names()[k], m.parameters[d].pointer, ee[d]});
  }
  return out;
}

std::string sensitivity_csv(const Experiment& ex, const std::vector<ResultRow>& rows) {
  std::string out = "kpi,parameter,mu,mu_star,sigma,effects\n";
  for (const auto& s : sensitivity(ex, rows))
    out += fmt::format("{},{},{},{},{},{}\n", s.kpi, csv_field(s.parameter), csv_number(s.ee.mu), csv_number(s.ee.mu_star),
                       csv_number(s.ee.sigma), s.ee.n);
  return out;
}

// ---- calibration targets ----

std::optional<CalibrationSpec> load_calibration_spec(const std::string& path, const Scenario& sc,
                                                     std::vector<Problem>& problems) {
  static const json schema = json::parse(R"({
    "type": "object", "required": ["parameters"],
    "properties": {
      "description": {"type": "string", "default": ""},
      "parameters": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["pointer", "min", "max"],
        "properties": {
          "pointer": {"type": "string", "minLength": 1},
          "min": {"type": "number"}, "max": {"type": "number"}, "start": {"type": "number"},
          "scale": {"type": "string", "enum": ["linear", "log"], "default": "linear"},
          "integer": {"type": "boolean", "default": false}}}},
      "targets": {"type": "object", "additionalProperties": true, "x-optional": true,
                  "additionalSchema": {"type": "object", "required": ["value"],
                    "properties": {"value": {"type": "number"}, "weight": {"type": "number", "minimum": 0, "default": 1},
                                   "source": {"type": "string", "default": ""}}}},
      "set": {"type": "object", "additionalProperties": true, "default": {}},
      "replications": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 3},
      "seed": {"type": "integer", "minimum": 0, "default": 1},
      "method": {"type": "string", "enum": ["sbplx", "nelder_mead"], "default": "sbplx"},
      "max_evaluations": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 100},
      "tolerance": {"type": "number", "exclusiveMinimum": 0, "default": 0.0001},
      "initial_step": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.1}
    }
  })");
  auto doc = read_json_file(path, problems);
  if (!doc) return std::nullopt;
  const size_t before = problems.size();
  json d = validate_and_fill(schema, *doc, problems);
  if (problems.size() != before) return std::nullopt;
  CalibrationSpec spec;
  spec.replications = d["replications"];
  spec.seed = d["seed"].get<uint64_t>();
  spec.method = d["method"];
  spec.max_evaluations = d["max_evaluations"];
  spec.tolerance = d["tolerance"];
  spec.initial_step = d["initial_step"];
  for (auto it = d["set"].begin(); it != d["set"].end(); ++it) {
    if (!valid_pointer(it.key()))
      problems.push_back({"/set", fmt::format("key \"{}\" is not a JSON pointer (it starts with '/', e.g. \"/clock/days\")", it.key())});
    spec.set.push_back({it.key(), it.value().dump()});
  }
  // Targets: from the file, else the scenario's own targets block.
  if (d.contains("targets")) {
    for (auto it = d["targets"].begin(); it != d["targets"].end(); ++it) {
      if (std::find(kpi_names().begin(), kpi_names().end(), it.key()) == kpi_names().end()) {
        problems.push_back({"/targets/" + it.key(), fmt::format("\"{}\" is not a KPI salesim reports; KPIs: {}", it.key(), fmt::join(kpi_names(), ", "))});
        continue;
      }
      spec.targets.push_back({it.key(), it.value()["value"].get<double>(), it.value()["weight"].get<double>()});
      if (spec.targets.back().value == 0)
        problems.push_back({"/targets/" + it.key() + "/value", "must not be 0 (the error is relative to the target)"});
    }
  } else {
    for (const auto& t : sc.targets) {
      spec.targets.push_back({t.kpi, t.value, 1.0});
      if (t.value == 0) problems.push_back({"/targets", fmt::format("the scenario's target for {} is 0; the error is relative, so give targets in this file", t.kpi)});
    }
    if (spec.targets.empty())
      problems.push_back({"/targets", fmt::format("is missing, and the scenario {} has no targets block either", sc.source)});
  }
  double wsum = 0;
  for (const auto& t : spec.targets) wsum += t.weight;
  if (!spec.targets.empty() && wsum <= 0) problems.push_back({"/targets", "the weights add up to 0"});

  std::set<std::string> seen;
  for (size_t i = 0; i < d["parameters"].size(); ++i) {
    const json& p = d["parameters"][i];
    const std::string at = fmt::format("/parameters/{}", i);
    CalibrationParameter cp{range_from(p), std::nullopt};
    const size_t b = problems.size();
    check_range(cp.range, at, problems);
    if (!seen.insert(cp.range.pointer).second) problems.push_back({at + "/pointer", "is calibrated twice"});
    if (problems.size() != b) continue;
    if (p.contains("start")) {
      cp.start = p["start"].get<double>();
      if (*cp.start < cp.range.min || *cp.start > cp.range.max)
        problems.push_back({at + "/start", fmt::format("must be within [{:g}, {:g}], got {:g}", cp.range.min, cp.range.max, *cp.start)});
    } else {
      // Default start: the scenario's own value, if it is a number inside the bounds; else the middle.
      const json::json_pointer ptr(cp.range.pointer);
      if (sc.normalized.contains(ptr) && sc.normalized.at(ptr).is_number()) {
        const double v = sc.normalized.at(ptr).get<double>();
        if (v >= cp.range.min && v <= cp.range.max) cp.start = v;
      }
      if (!cp.start) cp.start = cp.range.at(0.5);
    }
    for (double u : {0.0, 1.0}) {
      std::vector<Override> o = spec.set;
      o.push_back({cp.range.pointer, number_json(cp.range.at(u), cp.range.integer).dump()});
      LoadResult lr = load_scenario_json(sc.normalized, sc.source, o);
      for (const auto& q : lr.problems) problems.push_back({at + (u == 0 ? "/min" : "/max"), "gives an invalid scenario: " + q.str()});
    }
    spec.parameters.push_back(cp);
  }
  if (problems.size() != before) return std::nullopt;
  return spec;
}

double calibration_objective(const CalibrationSpec& spec, const std::vector<double>& kpi_means) {
  double num = 0, den = 0;
  for (const auto& t : spec.targets) {
    const size_t k = size_t(std::find(kpi_names().begin(), kpi_names().end(), t.kpi) - kpi_names().begin());
    const double m = k < kpi_means.size() ? kpi_means[k] : kNaN;
    if (!std::isfinite(m)) return std::numeric_limits<double>::infinity();
    const double e = (m - t.value) / std::abs(t.value);
    num += t.weight * e * e;
    den += t.weight;
  }
  return den > 0 ? num / den : 0.0;
}

}  // namespace salesim
