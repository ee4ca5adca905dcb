// salesim exercise: print an exercise's brief or a decisions template, or play a recorded decisions
// file and print its score and debrief (for grading a class). The playing and scoring live in
// models/exercise. docs/cli.md#exercise, docs/exercises.md
#include <filesystem>
#include <fmt/format.h>
#include <memory>

#include "headless/cli_common.hpp"
#include "models/exercise.hpp"
#include "sim/output.hpp"

namespace salesim::cli {
namespace {

struct ExerciseOptions {
  std::string exercise, decisions, reference, out_dir;
  bool brief = false, template_ = false, json = false, no_key_moments = false;
  int threads = 0;
};

std::string join_problems(const std::string& file, const std::vector<Problem>& problems) {
  std::string msg;
  for (const auto& p : problems) {
    if (!msg.empty()) msg += '\n';
    msg += file + ": " + p.str();
  }
  return msg;
}

models::Decisions load_decisions_or_throw(const models::Exercise& ex, const std::string& path) {
  auto d = models::load_decisions_file(ex, path);
  if (!d.decisions) {
    std::string msg;
    for (const auto& p : d.problems) {
      if (!msg.empty()) msg += '\n';
      msg += p.str();
    }
    throw BadInput(msg);
  }
  return *d.decisions;
}

int exercise(const ExerciseOptions& o) {
  auto loaded = models::load_exercise_file(o.exercise);
  if (!loaded.exercise) {
    // A file that cannot be read or parsed already names itself in the problem.
    const bool located = loaded.problems.size() == 1 && loaded.problems[0].where.rfind(o.exercise, 0) == 0;
    throw BadInput(located ? loaded.problems[0].str() : join_problems(o.exercise, loaded.problems));
  }
  const models::Exercise& ex = *loaded.exercise;
  if (o.template_) {
    fmt::print("{}\n", models::decisions_template(ex).dump(2));
    return kExitOk;
  }
  if (o.brief || o.decisions.empty()) {
    fmt::print("{}", models::brief_text(ex));
    if (o.decisions.empty() && !o.brief)
      fmt::print("\n(give --decisions FILE.json to play a recorded set of decisions; --template prints one to edit)\n");
    return kExitOk;
  }
  const models::Decisions d = load_decisions_or_throw(ex, o.decisions);
  std::optional<models::Decisions> ref;
  const std::string ref_path = o.reference.empty() ? ex.reference_file : o.reference;
  if (!ref_path.empty()) ref = load_decisions_or_throw(ex, ref_path);
  const models::Debrief db = models::debrief(ex, d, ref, EngineOptions{std::nullopt, o.threads}, !o.no_key_moments);
  const nlohmann::json j = models::debrief_json(ex, d, db);
  if (!o.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    if (ec) throw BadInput(fmt::format("--out {}: cannot create the directory: {}", o.out_dir, ec.message()));
    std::string csv = "turn,first_day,end_day,changes,score_so_far,turn_revenue,turn_visits,turn_invalid_visit_rate,"
                      "turn_cost_of_sales_ratio,turn_churned,turn_first_orders\n";
    for (const auto& t : db.trainee.turns) {
      std::string ch;
      for (const auto& [k, v] : t.changes) ch += (ch.empty() ? "" : "; ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
      csv += fmt::format("{},{},{},\"{}\",{:.6g},{:.2f},{:.0f},{:.6g},{:.6g},{:.0f},{:.0f}\n", t.turn, t.first_day, t.end_day, ch,
                         t.score, t.revenue, t.visits, t.invalid_visit_rate, t.cost_of_sales_ratio, t.churned, t.first_orders);
    }
    try {
      write_file_atomic(o.out_dir + "/debrief.json", j.dump(2) + "\n");
      write_file_atomic(o.out_dir + "/turns.csv", csv);
    } catch (const std::runtime_error& e) {
      throw BadInput(fmt::format("--out {}: {}", o.out_dir, e.what()));
    }
  }
  if (o.json) {
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("{}", models::debrief_text(ex, d, db));
    if (!o.out_dir.empty()) fmt::print("\nwrote {}/debrief.json, turns.csv\n", o.out_dir);
  }
  return kExitOk;
}

}  // namespace

void add_exercise_commands(CLI::App& app, Runner& selected, const std::string& command_line) {
  (void)command_line;
  auto o = std::make_shared<ExerciseOptions>();
  auto* c = app.add_subcommand("exercise",
                               "Play an onboarding exercise from a recorded decisions file and print the score and "
                               "debrief; or print its brief or a decisions template (docs/exercises.md)");
  c->add_option("exercise", o->exercise, "Exercise file (JSON), e.g. scenarios/exercises/fmcg-invalid-visits.json")->required();
  c->add_option("--decisions", o->decisions, "Decisions file to play (JSON; docs/exercises.md#decisions-files)");
  c->add_option("--reference", o->reference, "Reference decisions (default: NAME.reference.json beside the exercise)");
  c->add_option("--out", o->out_dir, "Also write debrief.json and turns.csv into this directory");
  c->add_option("--threads", o->threads, "OpenMP threads (the score does not depend on it)")->check(CLI::NonNegativeNumber);
  c->add_flag("--json", o->json, "Print the debrief as JSON instead of text");
  c->add_flag("--brief", o->brief, "Print the exercise brief (story, decisions, objectives, hints)");
  c->add_flag("--template", o->template_, "Print a decisions file with every decision at its default");
  c->add_flag("--no-key-moments", o->no_key_moments, "Skip the counterfactual plays behind the key moments");
  c->callback([o, &selected] { selected = [o] { return exercise(*o); }; });
}

}  // namespace salesim::cli
