// Onboarding exercises: loading and checking exercise and decisions files, playing turn by turn on
// one Engine, scoring and the debrief. docs/exercises.md
#include "models/exercise.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

#include "models/registry.hpp"
#include "sim/recorder.hpp"

namespace salesim {
extern const char* const kExerciseSchemaText;  // generated from scenarios/exercises/schema.json
}

namespace salesim::models {
using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::pair<size_t, size_t> line_col(const std::string& text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
  }
  return {line, col};
}

std::optional<json> read_json(const std::string& path, std::vector<Problem>& problems, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.push_back({path, fmt::format("cannot open the {} (does it exist and is it readable?)", what)});
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    auto [line, col] = line_col(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string msg = e.what();
    if (auto k = msg.find("syntax error"); k != std::string::npos) msg = msg.substr(k);
    problems.push_back({fmt::format("{}:{}:{}", path, line, col), fmt::format("not valid JSON: {}", msg)});
    return std::nullopt;
  }
}

// Sets doc[pointer] = value, creating intermediate objects as `salesim run --set` does.
bool set_at(json& doc, const std::string& pointer, const json& value, std::string& error) {
  try {
    const json::json_pointer ptr(pointer);
    if (!ptr.parent_pointer().empty() && !doc.contains(ptr.parent_pointer())) doc[ptr.parent_pointer()] = json::object();
    doc[ptr] = value;
    return true;
  } catch (const json::exception& e) {
    error = e.what();
    return false;
  }
}

const std::map<std::string, std::string>& kpi_units() {
  static const std::map<std::string, std::string> units = [] {
    Recorder r;
    r.init(0, 0);
    std::map<std::string, std::string> out;
    for (const Kpi& k : r.kpis(1, 0)) out[k.name] = k.unit;
    return out;
  }();
  return units;
}

double kpi_value(const std::vector<Kpi>& kpis, const std::string& name) {
  for (const Kpi& k : kpis)
    if (k.name == name) return k.value;
  return kNaN;
}

// The scenario with every decision at the given value (defaults for those not given).
LoadResult build_scenario(const Exercise& ex, const DecisionValues& values) {
  json doc = ex.base_doc;
  LoadResult out;
  for (const DecisionSpec& d : ex.decisions) {
    auto it = values.find(d.name);
    const json& v = it != values.end() ? it->second : d.default_value;
    std::string error;
    if (!set_at(doc, d.pointer, d.scenario_value(v), error)) {
      out.problems.push_back({d.pointer, fmt::format("decision \"{}\" cannot set this pointer: {}", d.name, error)});
      return out;
    }
  }
  return load_scenario_json(std::move(doc), ex.scenario_file);
}

bool differs(const Scenario& a, const Scenario& b, const char* pointer) {
  const json::json_pointer p(pointer);
  const bool ha = a.normalized.contains(p), hb = b.normalized.contains(p);
  if (ha != hb) return true;
  return ha && a.normalized.at(p) != b.normalized.at(p);
}

std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  return v.dump();
}

}  // namespace

// ---- exercise files ------------------------------------------------------------------------------

const json& exercise_schema() {
  static const json s = json::parse(kExerciseSchemaText);
  return s;
}

const std::vector<std::string>& exercise_fixed_pointers() {
  static const std::vector<std::string> p = {
      "/seed", "/clock", "/regions", "/skus", "/roles", "/influence_edges", "/accounts", "/pods", "/signals",
      "/recorder", "/reps/count", "/reps/skill_mean", "/reps/skill_sd", "/reps/new_hire_share",
      "/reps/b_tier_skill_multiplier", "/inventory/lead_days", "/forecast/bucket_days",
      "/inventory/warehouse/staff_per_region", "/inventory/warehouse/reliability_mean",
      "/inventory/warehouse/reliability_sd"};
  return p;
}

json DecisionSpec::scenario_value(const json& v) const {
  if (type == "choice")
    for (const auto& c : choices)
      if (v.is_string() && c.name == v.get<std::string>()) return c.value;
  return v;
}

std::string DecisionSpec::check(const json& v) const {
  if (type == "boolean") return v.is_boolean() ? "" : fmt::format("expected true or false, got {}", describe(v));
  if (type == "choice") {
    std::vector<std::string> names;
    for (const auto& c : choices) {
      if (v.is_string() && c.name == v.get<std::string>()) return "";
      names.push_back("\"" + c.name + "\"");
    }
    return fmt::format("must be one of {}, got {}", fmt::join(names, ", "), describe(v));
  }
  if (!v.is_number() || (type == "integer" && !(v.is_number_integer() || std::floor(v.get<double>()) == v.get<double>())))
    return fmt::format("expected {} between {} and {}, got {}", type == "integer" ? "an integer" : "a number", min, max,
                       describe(v));
  const double x = v.get<double>();
  if (!(x >= min && x <= max)) return fmt::format("must be between {} and {}, got {}", min, max, v.dump());
  return "";
}

const DecisionSpec* Exercise::decision(const std::string& n) const {
  for (const auto& d : decisions)
    if (d.name == n) return &d;
  return nullptr;
}

ExerciseLoad load_exercise_file(const std::string& path) {
  ExerciseLoad out;
  auto doc = read_json(path, out.problems, "exercise file");
  if (!doc) return out;
  return load_exercise_json(*doc, path);
}

ExerciseLoad load_exercise_json(const json& raw, const std::string& source) {
  namespace fs = std::filesystem;
  ExerciseLoad out;
  auto& problems = out.problems;
  if (!raw.is_object()) {
    problems.push_back({"", fmt::format("an exercise must be a JSON object, got {}", describe(raw))});
    return out;
  }
  const json d = validate_and_fill(exercise_schema(), raw, problems);
  if (!problems.empty()) return out;

  Exercise ex;
  ex.source = source;
  ex.name = d["name"];
  ex.story = d["story"];
  ex.turn_days = d["turn_days"];
  ex.turns = d["turns"];
  if (d.contains("seed")) ex.seed = d["seed"].get<uint64_t>();
  const fs::path dir = fs::path(source).has_parent_path() ? fs::path(source).parent_path() : fs::path(".");
  fs::path sp = d["scenario"].get<std::string>();
  if (sp.is_relative()) sp = dir / sp;
  ex.scenario_file = sp.lexically_normal().string();
  {
    std::vector<Problem> sprob;
    auto sdoc = read_json(ex.scenario_file, sprob, "base scenario");
    if (!sdoc) {
      for (auto& q : sprob) problems.push_back({"/scenario", q.str()});
      return out;
    }
    if (!sdoc->is_object()) {
      problems.push_back({"/scenario", fmt::format("{} must hold a JSON object", ex.scenario_file)});
      return out;
    }
    ex.base_doc = std::move(*sdoc);
  }
  for (auto it = d["set"].begin(); it != d["set"].end(); ++it) {
    std::string error;
    if (it.key().empty() || it.key()[0] != '/' || !set_at(ex.base_doc, it.key(), it.value(), error))
      problems.push_back({"/set/" + it.key(), fmt::format("not a JSON pointer into the scenario {}", error)});
  }
  std::string error;
  set_at(ex.base_doc, "/clock/days", ex.days(), error);

  // Decisions: names, kinds, ranges and defaults.
  std::set<std::string> names;
  for (size_t i = 0; i < d["decisions"].size(); ++i) {
    const json& j = d["decisions"][i];
    const std::string at = fmt::format("/decisions/{}", i);
    DecisionSpec s;
    s.name = j["name"];
    s.label = j["label"].get<std::string>().empty() ? s.name : j["label"].get<std::string>();
    s.pointer = j["pointer"];
    s.type = j["type"];
    s.unit = j["unit"];
    s.help = j["help"];
    s.default_value = j["default"];
    if (!names.insert(s.name).second) problems.push_back({at + "/name", fmt::format("duplicate decision name \"{}\"", s.name)});
    if (s.pointer[0] != '/') problems.push_back({at + "/pointer", fmt::format("expected a JSON pointer (starting with /), got \"{}\"", s.pointer)});
    if (s.type == "number" || s.type == "integer") {
      if (!j.contains("min") || !j.contains("max")) {
        problems.push_back({at, fmt::format("a {} decision needs \"min\" and \"max\"", s.type)});
        continue;
      }
      s.min = j["min"];
      s.max = j["max"];
      if (!(s.min <= s.max)) problems.push_back({at + "/max", fmt::format("must be >= min ({}), got {}", s.min, s.max)});
    }
    if (s.type == "choice") {
      if (!j.contains("choices") || j["choices"].empty()) {
        problems.push_back({at + "/choices", "a choice decision needs at least one choice"});
        continue;
      }
      std::set<std::string> cn;
      for (size_t k = 0; k < j["choices"].size(); ++k) {
        const json& c = j["choices"][k];
        s.choices.push_back({c["name"], c["label"].get<std::string>().empty() ? c["name"].get<std::string>() : c["label"].get<std::string>(), c["value"]});
        if (!cn.insert(c["name"]).second)
          problems.push_back({fmt::format("{}/choices/{}/name", at, k), fmt::format("duplicate choice \"{}\"", c["name"].get<std::string>())});
      }
    }
    if (const std::string why = s.check(s.default_value); !why.empty()) problems.push_back({at + "/default", why});
    ex.decisions.push_back(std::move(s));
  }
  for (size_t i = 0; i < d["objectives"].size(); ++i) {
    const json& j = d["objectives"][i];
    Objective o;
    o.kpi = j["kpi"];
    o.above = j["direction"] == "above";
    o.threshold = j["threshold"];
    o.tolerance = j.contains("tolerance") ? j["tolerance"].get<double>()
                                          : (o.threshold != 0 ? 0.1 * std::abs(o.threshold) : 0.1);
    o.weight = j["weight"];
    const auto& units = kpi_units();
    if (!units.count(o.kpi)) {
      problems.push_back({fmt::format("/objectives/{}/kpi", i),
                          fmt::format("\"{}\" is not a KPI salesim reports (see docs/model.md#kpis)", o.kpi)});
      continue;
    }
    o.name = j["name"].get<std::string>().empty()
                 ? fmt::format("{} {} {}", o.kpi, o.above ? "at or above" : "at or below", format_kpi(o.kpi, o.threshold))
                 : j["name"].get<std::string>();
    ex.objectives.push_back(std::move(o));
  }
  for (size_t i = 0; i < d["hints"].size(); ++i) {
    const int t = d["hints"][i]["turn"];
    if (t > ex.turns)
      problems.push_back({fmt::format("/hints/{}/turn", i), fmt::format("the exercise has {} turns, got turn {}", ex.turns, t)});
    ex.hints.push_back({t, d["hints"][i]["text"]});
  }
  for (const auto& n : d["debrief"]) ex.debrief_notes.push_back(n);
  if (!problems.empty()) return out;

  // The starting scenario (every decision at its default) must load, and every decision's extreme
  // values and choices must give a valid scenario of the same world.
  LoadResult start = build_scenario(ex, {});
  if (!start.ok()) {
    // A problem at (or under) a decision's pointer is that decision's; the rest are the scenario's.
    for (const auto& p : start.problems) {
      std::string at = "/scenario";
      for (size_t i = 0; i < ex.decisions.size(); ++i)
        if (p.where.rfind(ex.decisions[i].pointer, 0) == 0) at = fmt::format("/decisions/{}/pointer", i);
      problems.push_back({at, fmt::format("{} with the set overrides and every decision at its default: {}",
                                          ex.scenario_file, p.str())});
    }
    return out;
  }
  ex.start = std::move(*start.scenario);
  for (size_t i = 0; i < ex.decisions.size(); ++i) {
    const DecisionSpec& s = ex.decisions[i];
    const std::string at = fmt::format("/decisions/{}", i);
    if (!ex.start.normalized.contains(json::json_pointer(s.pointer))) {
      problems.push_back({at + "/pointer", fmt::format("{} is not a parameter of the scenario (salesim schema --markdown lists them)", s.pointer)});
      continue;
    }
    std::vector<json> probes;
    if (s.type == "boolean") probes = {true, false};
    else if (s.type == "choice") for (const auto& c : s.choices) probes.push_back(c.name);
    else if (s.type == "integer") probes = {json(int64_t(std::ceil(s.min))), json(int64_t(std::floor(s.max)))};
    else probes = {s.min, s.max};
    for (const json& v : probes) {
      LoadResult r = build_scenario(ex, {{s.name, v}});
      if (!r.ok()) {
        problems.push_back({at, fmt::format("value {} gives an invalid scenario: {}", value_text(v), r.problems.front().str())});
        break;
      }
      bool fixed = false;
      for (const auto& fp : exercise_fixed_pointers())
        if (differs(ex.start, *r.scenario, fp.c_str())) {
          problems.push_back({at + "/pointer", fmt::format("value {} changes {}, which is fixed once the world is built "
                                                           "(docs/exercises.md#what-a-decision-may-bind)", value_text(v), fp)});
          fixed = true;
          break;
        }
      if (fixed) break;
    }
  }
  fs::path ref = fs::path(source);
  ref.replace_extension(".reference.json");
  if (fs::exists(ref)) ex.reference_file = ref.string();
  if (problems.empty()) out.exercise = std::move(ex);
  return out;
}

// ---- decisions files -----------------------------------------------------------------------------

const TurnDecisions* Decisions::at(int turn) const {
  for (const auto& t : turns)
    if (t.turn == turn) return &t;
  return nullptr;
}

DecisionsLoad load_decisions_file(const Exercise& ex, const std::string& path) {
  DecisionsLoad out;
  auto doc = read_json(path, out.problems, "decisions file");
  if (!doc) return out;
  out = load_decisions_json(ex, *doc);
  for (auto& p : out.problems) p.where = path + ": " + (p.where.empty() ? "/" : p.where);
  return out;
}

DecisionsLoad load_decisions_json(const Exercise& ex, const json& doc) {
  static const json schema = json::parse(R"({
    "type": "object", "required": ["turns"],
    "properties": {
      "exercise": {"type": "string", "default": ""},
      "trainee": {"type": "string", "default": ""},
      "turns": {"type": "array", "items": {
        "type": "object", "required": ["turn"],
        "properties": {
          "turn": {"type": "integer"},
          "decisions": {"type": "object", "additionalProperties": true, "default": {}},
          "note": {"type": "string", "default": ""}
        }}}
    }
  })");
  DecisionsLoad out;
  auto& problems = out.problems;
  const json d = validate_and_fill(schema, doc, problems);
  if (!problems.empty()) return out;
  Decisions dec;
  dec.trainee = d["trainee"];
  std::set<int> seen;
  for (size_t i = 0; i < d["turns"].size(); ++i) {
    const json& t = d["turns"][i];
    const std::string at = fmt::format("/turns/{}", i);
    TurnDecisions td;
    td.turn = t["turn"];
    td.note = t["note"];
    if (td.turn < 1 || td.turn > ex.turns)
      problems.push_back({at + "/turn", fmt::format("the exercise has turns 1 to {}, got {}", ex.turns, td.turn)});
    else if (!seen.insert(td.turn).second)
      problems.push_back({at + "/turn", fmt::format("turn {} appears twice", td.turn)});
    for (auto it = t["decisions"].begin(); it != t["decisions"].end(); ++it) {
      const std::string here = at + "/decisions/" + it.key();
      const DecisionSpec* s = ex.decision(it.key());
      if (!s) {
        std::vector<std::string> known;
        for (const auto& x : ex.decisions) known.push_back(x.name);
        problems.push_back({here, fmt::format("unknown decision \"{}\" (this exercise has: {})", it.key(), fmt::join(known, ", "))});
        continue;
      }
      if (const std::string why = s->check(it.value()); !why.empty()) {
        problems.push_back({here, why});
        continue;
      }
      td.set[it.key()] = it.value();
    }
    dec.turns.push_back(std::move(td));
  }
  if (!problems.empty()) return out;
  std::sort(dec.turns.begin(), dec.turns.end(), [](const auto& a, const auto& b) { return a.turn < b.turn; });
  // Every combination of values in force must give a valid scenario of the same world.
  DecisionValues values;
  for (const auto& td : dec.turns) {
    for (const auto& [k, v] : td.set) values[k] = v;
    LoadResult r = build_scenario(ex, values);
    if (!r.ok()) {
      problems.push_back({fmt::format("/turns (turn {})", td.turn),
                          fmt::format("the decisions in force give an invalid scenario: {}", r.problems.front().str())});
      return out;
    }
  }
  out.decisions = std::move(dec);
  return out;
}

json decisions_template(const Exercise& ex) {
  json decisions = json::object();
  for (const auto& s : ex.decisions) decisions[s.name] = s.default_value;
  return json{{"exercise", ex.name},
              {"trainee", ""},
              {"turns", json::array({json{{"turn", 1}, {"decisions", decisions}, {"note", "why I chose this"}}})}};
}

// ---- scoring ---------------------------------------------------------------------------------------

double achievement(const Objective& o, double value) {
  if (!std::isfinite(value)) return 0.0;
  const double shortfall = o.above ? std::max(0.0, o.threshold - value) : std::max(0.0, value - o.threshold);
  return std::clamp(1.0 - shortfall / o.tolerance, 0.0, 1.0);
}

Score score(const std::vector<Objective>& objectives, const std::vector<Kpi>& kpis) {
  Score s;
  double weights = 0;
  for (const auto& o : objectives) weights += o.weight;
  for (const auto& o : objectives) {
    ObjectiveScore os;
    os.objective = o;
    os.value = kpi_value(kpis, o.kpi);
    os.achievement = achievement(o, os.value);
    os.points = weights > 0 ? 100.0 * o.weight * os.achievement / weights : 0.0;
    s.total += os.points;
    s.by_objective.push_back(os);
  }
  return s;
}

// ---- playing -----------------------------------------------------------------------------------------

ExercisePlay::ExercisePlay(const Exercise& ex, EngineOptions opt) : ex_(ex), current_(ex.start) {
  for (const auto& d : ex.decisions) values_[d.name] = d.default_value;
  if (!opt.seed) opt.seed = ex.seed;
  engine_ = make_engine(current_, opt);
}

ExercisePlay::~ExercisePlay() = default;

std::vector<Kpi> ExercisePlay::kpis_so_far() const {
  const Engine& e = *engine_;
  const int days = int(e.tick() / e.clock().ticks_per_day());
  return e.recorder().kpis(e.world().reps(), e.scenario().reps.cost_per_visit, e.world().rep_region,
                           e.recorder().rep_revenue, days);
}

void ExercisePlay::play_turn(const DecisionValues& changes, const std::string& note) {
  if (done()) throw std::logic_error("the exercise is over: every turn has been played");
  TurnRecord rec;
  rec.turn = turns_done() + 1;
  rec.note = note;
  DecisionValues next = values_;
  for (const auto& [k, v] : changes) {
    const DecisionSpec* s = ex_.decision(k);
    if (!s) throw std::invalid_argument(fmt::format("unknown decision \"{}\"", k));
    if (const std::string why = s->check(v); !why.empty())
      throw std::invalid_argument(fmt::format("decision \"{}\": {}", k, why));
    if (next[k] != v) rec.changes.emplace_back(k, v);
    next[k] = v;
  }
  if (!rec.changes.empty()) {
    LoadResult r = build_scenario(ex_, next);
    if (!r.ok()) throw std::invalid_argument("the decisions give an invalid scenario: " + r.problems.front().str());
    Scenario& sc = *r.scenario;
    // Rebuild each policy whose construction read a section that changed (docs/exercises.md).
    PolicySet set;
    auto any = [&](std::initializer_list<const char*> ptrs) {
      for (const char* p : ptrs)
        if (differs(current_, sc, p)) return true;
      return false;
    };
    if (any({"/demand"})) { set.demand = make_demand(sc); rec.rebuilt.push_back("demand"); }
    if (any({"/forecast"})) { set.forecast = make_forecast(sc); rec.rebuilt.push_back("forecast"); }
    if (any({"/rep_behaviour", "/churn", "/actions", "/journey", "/demand"})) {
      set.behaviour = make_rep_behaviour(sc);
      rec.rebuilt.push_back("rep_behaviour");
    }
    if (any({"/incentive"})) { set.incentive = make_incentive(sc); rec.rebuilt.push_back("incentive"); }
    if (any({"/interventions/rules"})) { set.interventions = make_interventions(sc); rec.rebuilt.push_back("interventions"); }
    engine_->adjust(sc, std::move(set));
    current_ = std::move(sc);
  }
  values_ = std::move(next);
  rec.in_force = values_;
  const Engine& e = *engine_;
  const Tick tpd = e.clock().ticks_per_day();
  rec.first_day = int(e.tick() / tpd);
  const Tick end = std::min<Tick>(e.clock().ticks(), Tick(rec.first_day + ex_.turn_days) * tpd);
  while (engine_->tick() < end) engine_->step();
  rec.end_day = int(e.tick() / tpd);
  double valid = 0, cost = 0;
  for (int day = rec.first_day; day < rec.end_day; ++day) {
    const DayRow& r = e.recorder().days()[size_t(day)];
    rec.revenue += r.revenue;
    rec.visits += r.visits;
    valid += r.valid_visits;
    cost += r.payouts + r.visit_cost;
    rec.churned += r.churned;
    rec.first_orders += r.first_orders;
    rec.degraded += r.degraded;
    rec.accepted += r.accepted;
  }
  rec.invalid_visit_rate = rec.visits > 0 ? (rec.visits - valid) / rec.visits : kNaN;
  rec.cost_of_sales_ratio = rec.revenue > 0 ? cost / rec.revenue : kNaN;
  rec.kpis = kpis_so_far();
  rec.score = score(ex_.objectives, rec.kpis).total;
  turns_.push_back(std::move(rec));
}

Playthrough play(const Exercise& ex, const Decisions& d, EngineOptions opt) {
  ExercisePlay p(ex, opt);
  while (!p.done()) {
    const TurnDecisions* td = d.at(p.turns_done() + 1);
    p.play_turn(td ? td->set : DecisionValues{}, td ? td->note : std::string());
  }
  Playthrough out;
  out.turns = p.turns();
  out.kpis = p.kpis_so_far();
  out.score = score(ex.objectives, out.kpis);
  out.state_hash = p.engine().state_hash();
  return out;
}

Debrief debrief(const Exercise& ex, const Decisions& d, const std::optional<Decisions>& reference, EngineOptions opt,
                bool counterfactuals) {
  Debrief db;
  db.trainee = play(ex, d, opt);
  db.nothing = play(ex, Decisions{}, opt);
  if (reference) db.reference = play(ex, *reference, opt);
  db.counterfactuals = counterfactuals;
  if (!counterfactuals) return db;
  for (size_t i = 0; i < d.turns.size(); ++i) {
    const int turn = d.turns[i].turn;
    const auto& changes = db.trainee.turns[size_t(turn - 1)].changes;
    if (changes.empty()) continue;  // nothing changed that turn: nothing to undo
    Decisions without = d;
    without.turns.erase(without.turns.begin() + long(i));
    const Playthrough cf = play(ex, without, opt);
    KeyMoment k;
    k.turn = turn;
    k.changes = changes;
    k.score_without = cf.score.total;
    k.impact = db.trainee.score.total - cf.score.total;
    double best = -1;
    for (const auto& o : ex.objectives) {
      const double a = kpi_value(db.trainee.kpis, o.kpi), b = kpi_value(cf.kpis, o.kpi);
      const double moved = std::isfinite(a) && std::isfinite(b) ? std::abs(a - b) / o.tolerance : 0.0;
      if (moved > best) { best = moved; k.kpi = o.kpi; k.kpi_with = a; k.kpi_without = b; }
    }
    db.moments.push_back(std::move(k));
  }
  std::stable_sort(db.moments.begin(), db.moments.end(),
                   [](const KeyMoment& a, const KeyMoment& b) { return std::abs(a.impact) > std::abs(b.impact); });
  return db;
}

// ---- reporting ---------------------------------------------------------------------------------------

std::string format_kpi(const std::string& kpi, double v) {
  if (!std::isfinite(v)) return "n/a";
  auto it = kpi_units().find(kpi);
  const std::string unit = it == kpi_units().end() ? "" : it->second;
  if (unit == "share") return fmt::format("{:.1f}%", 100.0 * v);
  if (std::abs(v) >= 1e6) return fmt::format("{:.1f}M {}", v / 1e6, unit);
  if (std::abs(v) >= 1e4) return fmt::format("{:.1f}k {}", v / 1e3, unit);
  return fmt::format("{:.4g} {}", v, unit);
}

namespace {

json changes_json(const std::vector<std::pair<std::string, json>>& c) {
  json out = json::object();
  for (const auto& [k, v] : c) out[k] = v;
  return out;
}

json playthrough_json(const Exercise& ex, const Playthrough& p) {
  json objectives = json::array();
  for (const auto& o : p.score.by_objective)
    objectives.push_back({{"kpi", o.objective.kpi}, {"value", o.value}, {"achievement", o.achievement}, {"points", o.points}});
  json turns = json::array();
  for (const auto& t : p.turns) {
    json kpis = json::object();
    for (const auto& o : ex.objectives) kpis[o.kpi] = kpi_value(t.kpis, o.kpi);
    turns.push_back({{"turn", t.turn},
                     {"days", {t.first_day, t.end_day}},
                     {"changes", changes_json(t.changes)},
                     {"note", t.note},
                     {"rebuilt", t.rebuilt},
                     {"score_so_far", t.score},
                     {"kpis_so_far", kpis},
                     {"turn_revenue", t.revenue},
                     {"turn_visits", t.visits},
                     {"turn_invalid_visit_rate", t.invalid_visit_rate},
                     {"turn_cost_of_sales_ratio", t.cost_of_sales_ratio},
                     {"turn_churned", t.churned},
                     {"turn_first_orders", t.first_orders},
                     {"turn_interventions_accepted", t.accepted},
                     {"turn_interventions_degraded", t.degraded}});
  }
  return {{"score", p.score.total}, {"objectives", objectives}, {"turns", turns},
          {"state_hash", fmt::format("{:016x}", p.state_hash)}};
}

}  // namespace

json debrief_json(const Exercise& ex, const Decisions& d, const Debrief& db) {
  json objectives = json::array();
  for (const auto& o : ex.objectives)
    objectives.push_back({{"name", o.name}, {"kpi", o.kpi}, {"direction", o.above ? "above" : "below"},
                          {"threshold", o.threshold}, {"tolerance", o.tolerance}, {"weight", o.weight}});
  json moments = json::array();
  for (const auto& k : db.moments)
    moments.push_back({{"turn", k.turn}, {"changes", changes_json(k.changes)}, {"score_without", k.score_without},
                       {"impact", k.impact}, {"kpi", k.kpi}, {"kpi_with", k.kpi_with}, {"kpi_without", k.kpi_without}});
  json out = {{"exercise", ex.name},
              {"exercise_file", ex.source},
              {"trainee", d.trainee},
              {"seed", ex.seed.value_or(ex.start.seed)},
              {"turns", ex.turns},
              {"turn_days", ex.turn_days},
              {"objectives", objectives},
              {"trainee_play", playthrough_json(ex, db.trainee)},
              {"nothing_play", playthrough_json(ex, db.nothing)},
              {"key_moments", moments},
              {"notes", ex.debrief_notes}};
  if (db.reference) out["reference_play"] = playthrough_json(ex, *db.reference);
  return out;
}

std::string brief_text(const Exercise& ex) {
  std::string o = fmt::format("{}\n{}\n\n{}\n\n", ex.name, std::string(ex.name.size(), '='), ex.story);
  o += fmt::format("{} turns of {} days ({} days), seed {}.\n\nYour decisions (in force until you change them):\n",
                   ex.turns, ex.turn_days, ex.days(), ex.seed.value_or(ex.start.seed));
  for (const auto& s : ex.decisions) {
    std::string range;
    if (s.type == "choice") {
      for (const auto& c : s.choices) range += fmt::format("\n      \"{}\": {}", c.name, c.label);
    } else if (s.type == "boolean") {
      range = " true or false";
    } else {
      range = fmt::format(" {} to {}{}", s.min, s.max, s.unit.empty() ? "" : " " + s.unit);
    }
    o += fmt::format("  {} ({}, default {}):{}\n      {}\n", s.name, s.label, value_text(s.default_value), range, s.help);
  }
  o += "\nObjectives (score = 100 x weighted share of objectives met; docs/exercises.md#scoring):\n";
  for (const auto& ob : ex.objectives)
    o += fmt::format("  weight {:g}: {} (zero credit at {})\n", ob.weight, ob.name,
                     format_kpi(ob.kpi, ob.above ? ob.threshold - ob.tolerance : ob.threshold + ob.tolerance));
  if (!ex.hints.empty()) {
    o += "\nHints:\n";
    for (const auto& h : ex.hints) o += fmt::format("  turn {}: {}\n", h.turn, h.text);
  }
  return o;
}

std::string debrief_text(const Exercise& ex, const Decisions& d, const Debrief& db) {
  std::string o = fmt::format("{}{}\n", ex.name, d.trainee.empty() ? "" : " - " + d.trainee);
  o += fmt::format("score {:.1f} / 100   (reference {}, doing nothing {:.1f})\n\n", db.trainee.score.total,
                   db.reference ? fmt::format("{:.1f}", db.reference->score.total) : std::string("n/a"),
                   db.nothing.score.total);
  o += "What you did\n";
  o += fmt::format("  {:>4}  {:>9}  {:>7}  {}\n", "turn", "days", "score", "changes");
  for (const auto& t : db.trainee.turns) {
    std::string ch;
    for (const auto& [k, v] : t.changes) ch += (ch.empty() ? "" : ", ") + k + " = " + value_text(v);
    if (ch.empty()) ch = "-";
    if (!t.note.empty()) ch += "  (\"" + t.note + "\")";
    o += fmt::format("  {:>4}  {:>4}-{:<4}  {:>7.1f}  {}\n", t.turn, t.first_day, t.end_day, t.score, ch);
  }
  o += "\nScore by objective\n";
  o += fmt::format("  {:<48} {:>6} {:>14} {:>14} {:>14}\n", "objective", "weight", "you", "reference", "nothing");
  for (size_t i = 0; i < ex.objectives.size(); ++i) {
    const auto& me = db.trainee.score.by_objective[i];
    auto cell = [&](const ObjectiveScore& s) { return fmt::format("{} ({:.0f})", format_kpi(s.objective.kpi, s.value), s.points); };
    o += fmt::format("  {:<48} {:>6g} {:>14} {:>14} {:>14}\n", ex.objectives[i].name, ex.objectives[i].weight, cell(me),
                     db.reference ? cell(db.reference->score.by_objective[i]) : std::string("n/a"),
                     cell(db.nothing.score.by_objective[i]));
  }
  o += "  (value, and points in brackets)\n\nKey moments (your play without one turn's changes, same seed)\n";
  if (!db.counterfactuals) o += "  not computed (--no-key-moments)\n";
  else if (db.moments.empty()) o += "  none: no turn changed a decision\n";
  for (const auto& k : db.moments) {
    std::string ch;
    for (const auto& [n, v] : k.changes) ch += (ch.empty() ? "" : ", ") + n + " = " + value_text(v);
    o += fmt::format("  turn {}: {} -> {:+.1f} points (score without it {:.1f}); {} {} instead of {}\n", k.turn, ch,
                     k.impact, k.score_without, k.kpi, format_kpi(k.kpi, k.kpi_with), format_kpi(k.kpi, k.kpi_without));
  }
  if (!ex.debrief_notes.empty()) {
    o += "\nTrainer's notes\n";
    for (const auto& n : ex.debrief_notes) o += "  - " + n + "\n";
  }
  return o;
}

}  // namespace salesim::models
