// Checkpoints (docs/outputs.md#checkpoints): a run saved part-way, restored into a fresh engine and
// run to the end gives the same state hash and the same bytes in every output as a run never
// stopped, at 1 and 2 threads; a checkpoint of another scenario, truncated or corrupt is refused.
#include <catch2/catch.hpp>
#include <sstream>

#include "helpers.hpp"
#include "sim/checkpoint.hpp"
#include "sim/engine.hpp"
#include "sim/output.hpp"

using namespace salesim;
using namespace salesim::test;

namespace {

// Every new kind of state on: rules of each `then` kind, pods with demand cards and discounts,
// late payers and a freeze rule, attrition.
const std::string kRules = R"([
  {"name": "idle trial", "cooldown_days": 5, "when": [{"metric": "trial_idle_days", "op": ">=", "value": 3}],
   "then": [{"kind": "push_material", "action": "brochure"},
            {"kind": "dispatch", "role": "customer_success", "action": "needs_discovery"},
            {"kind": "task", "action": "check_in"}]},
  {"name": "overdue", "cooldown_days": 30, "when": [{"metric": "overdue_days", "op": ">", "value": 10}],
   "then": [{"kind": "freeze_credit"}]},
  {"name": "safety stock", "scope": "stock", "cooldown_days": 3,
   "when": [{"metric": "stock_cover_days", "op": "<", "value": 5}],
   "then": [{"kind": "replenish", "cover_days": 10, "lead_days": 2}]}])";

Scenario busy_default(int days = 60) {
  return short_default(days, {{"/interventions/rules", kRules},
                              {"/pods/organisation", "pods"},
                              {"/pods/cards/rate", "0.1"},
                              {"/pods/discounts/ask_probability", "0.5"},
                              {"/credit/late_share", "0.2"},
                              {"/credit/late_days_mean", "20"},
                              {"/accounts/initial_stage_shares", "[0, 0.1, 0.1, 0.1, 0.1, 0.2, 0.1, 0.1, 0.2]"},
                              // every event but touches (the bulk; tests/cli/checkpoint.sh compares those too)
                              {"/recorder/events", R"(["order", "stage", "intervention", "payout", "stockout", "rep_quit"])"}});
}

// The benchmark scenario made small: incentive-driven reps on the dynamic plan, buying centres.
Scenario small_bench() {
  return load("scenarios/bench-large.json",
              {{"/clock/days", "45"}, {"/reps/count", "20"}, {"/accounts/per_rep", "40"},
               {"/recorder/events", R"(["touch", "order", "stage", "intervention", "payout", "stockout", "rep_quit"])"}});
}

struct Outputs {
  uint64_t hash;
  std::vector<std::string> files;
};
Outputs outputs(const Engine& e) {
  return {e.state_hash(),
          {summary_json(e).dump(2), timeseries_csv(e), events_csv(e), payouts_csv(e), statements_jsonl(e),
           interventions_csv(e), pods_csv(e), warehouse_csv(e)}};
}

std::string checkpoint_at(const Scenario& sc, int day, int threads) {
  auto e = models::make_engine(sc, EngineOptions{std::nullopt, threads});
  while (e->tick() < Tick(day) * sc.clock.ticks_per_day()) e->step();
  std::ostringstream out;
  e->save_checkpoint(out);
  return std::move(out).str();
}

// Saved at day `day` with `save_threads`, resumed with `resume_threads`, for each pair.
void check_resume(const Scenario& sc, int day, const std::vector<std::pair<int, int>>& threads) {
  const Outputs whole = outputs(*run(sc, 1));
  for (const auto& [save_threads, resume_threads] : threads) {
    INFO("saved at " << save_threads << " threads, resumed at " << resume_threads);
    const std::string bytes = checkpoint_at(sc, day, save_threads);
    auto e = models::make_engine(sc, EngineOptions{std::nullopt, resume_threads});
    std::istringstream in(bytes);
    e->restore_checkpoint(in);
    CHECK(e->tick() == Tick(day) * sc.clock.ticks_per_day());
    e->run();
    const Outputs resumed = outputs(*e);
    CHECK(resumed.hash == whole.hash);
    for (size_t f = 0; f < whole.files.size(); ++f) {
      INFO("output " << f);
      CHECK(resumed.files[f] == whole.files[f]);
    }
  }
}

std::string restore_error(const Scenario& sc, const std::string& bytes) {
  auto e = models::make_engine(sc, EngineOptions{std::nullopt, 1});
  std::istringstream in(bytes);
  try {
    e->restore_checkpoint(in);
  } catch (const CheckpointError& x) {
    return x.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a run resumed from a checkpoint ends exactly as an uninterrupted run", "[checkpoint][threads]") {
  const Scenario sc = busy_default(50);
  // The new state is exercised, so the comparison means something.
  auto whole = run(sc, 1);
  CHECK(kpi(*whole, "cards_raised") > 0);
  CHECK(kpi(*whole, "discount_given") > 0);
  CHECK(whole->recorder().interventions.size() > 10);
  check_resume(sc, 20, {{1, 2}, {2, 1}});  // saved at one thread count, resumed at the other
}

TEST_CASE("resuming works with incentive-driven reps on the dynamic plan, and mid-day", "[checkpoint]") {
  const Scenario sc = small_bench();
  check_resume(sc, 17, {{1, 1}});  // (thread counts: the test above)
  // Not only at day boundaries: a checkpoint at any tick resumes exactly.
  const Outputs whole = outputs(*run(sc, 1));
  auto e = models::make_engine(sc, EngineOptions{std::nullopt, 1});
  for (int k = 0; k < 20 * sc.clock.ticks_per_day() + 3; ++k) e->step();
  std::stringstream bytes;
  e->save_checkpoint(bytes);
  auto r = models::make_engine(sc, EngineOptions{std::nullopt, 1});
  r->restore_checkpoint(bytes);
  r->run();
  const Outputs resumed = outputs(*r);
  CHECK(resumed.hash == whole.hash);
  CHECK(resumed.files == whole.files);
}

TEST_CASE("resuming works with warehouse staff, the collaboration bonus and rule replenishments", "[checkpoint][warehouse][threads]") {
  // The slow-turning warehouse scenario made small, with a stock rule whose replenishments staff handle too.
  const std::string stock_rule = R"([{"name": "safety stock", "scope": "stock", "cooldown_days": 3,
      "when": [{"metric": "stock_cover_days", "op": "<", "value": 5}],
      "then": [{"kind": "replenish", "cover_days": 10, "lead_days": 2}]}])";
  const Scenario sc = load("scenarios/fmcg-warehouse.json",
                           {{"/clock/days", "130"}, {"/reps/count", "20"}, {"/accounts/per_rep", "40"},
                            {"/interventions/rules", stock_rule},
                            {"/recorder/events", R"(["order", "stage", "intervention", "payout", "stockout", "rep_quit"])"}});
  auto whole = run(sc, 1);
  // The warehouse state is exercised: staff paid a bonus, some replenishments late, rule replenishments assigned.
  CHECK(kpi(*whole, "collaboration_bonus") > 0);
  CHECK(kpi(*whole, "replenishment_on_time_share") < 1.0);
  size_t assigned = 0;
  for (const InterventionRecord& x : whole->recorder().interventions) assigned += x.staff != 0xFFFF;
  CHECK(assigned > 0);
  check_resume(sc, 47, {{1, 2}, {2, 1}});  // day 47: mid-month, replenishments in flight
}

TEST_CASE("a checkpoint of another scenario, seed or format, truncated or corrupt is refused", "[checkpoint]") {
  const Scenario sc = busy_default(30);
  const std::string good = checkpoint_at(sc, 10, 1);
  REQUIRE(restore_error(sc, good).empty());

  CHECK_THAT(restore_error(busy_default(31), good), Catch::Contains("another scenario"));
  {
    auto e = models::make_engine(sc, EngineOptions{sc.seed + 1, 1});
    std::istringstream in(good);
    CHECK_THROWS_WITH(e->restore_checkpoint(in), Catch::Contains("seed"));
  }
  std::string bad = good;
  bad[0] = 'X';
  CHECK_THAT(restore_error(sc, bad), Catch::Contains("bad magic"));
  bad = good;
  bad[8] = 9;  // format version
  CHECK_THAT(restore_error(sc, bad), Catch::Contains("format 9"));
  CHECK_THAT(restore_error(sc, ""), Catch::Contains("not a salesim checkpoint"));
  for (size_t cut : {size_t(10), size_t(30), good.size() / 2, good.size() - 1}) {
    INFO("truncated to " << cut << " bytes");
    CHECK_THAT(restore_error(sc, good.substr(0, cut)), Catch::Contains("corrupt checkpoint"));
  }
  bad = good;
  bad[good.size() / 2] ^= 0x5a;  // a flipped byte in the payload
  CHECK_THAT(restore_error(sc, bad), Catch::Contains("checksum"));
  bad = good + "x";
  CHECK_THAT(restore_error(sc, bad), Catch::Contains("corrupt checkpoint"));
  // A huge payload length is an error, not an allocation.
  bad = good;
  const size_t version_len_at = 8 + 4 + 8 + 8 + 8;
  const size_t payload_len_at = version_len_at + 8 + std::string(kVersion).size();
  const uint64_t huge = ~uint64_t(0) / 2;
  bad.replace(payload_len_at, 8, reinterpret_cast<const char*>(&huge), 8);
  CHECK_THAT(restore_error(sc, bad), Catch::Contains("length field exceeds"));
}

TEST_CASE("the archive refuses lengths beyond the data", "[checkpoint]") {
  ArchiveWriter w;
  w.size(1000);  // claims 1000 doubles, has none
  ArchiveReader r(w.bytes());
  std::vector<double> v;
  CHECK_THROWS_AS(r.vec(v), CheckpointError);
  ArchiveWriter w2;
  w2.vec(std::vector<int>{1, 2, 3});
  w2.str("tag");
  ArchiveReader r2(w2.bytes());
  std::vector<int> fixed(2);
  CHECK_THROWS_WITH(r2.fixed(fixed, "the thing"), Catch::Contains("the thing has 3 entries"));
  ArchiveReader r3(w2.bytes());
  std::vector<int> any;
  r3.vec(any);
  CHECK(any == std::vector<int>{1, 2, 3});
  CHECK_THROWS_WITH(r3.section("other"), Catch::Contains("expected section \"other\""));
}
