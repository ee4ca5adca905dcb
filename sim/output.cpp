#include "sim/output.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>
#include <unistd.h>

namespace salesim {
using nlohmann::json;

const char* const kVersion = "0.1.0";

AtomicFile::AtomicFile(const std::string& path) : path_(path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  tmp_ = (target.parent_path() / ("." + target.filename().string() + ".tmp")).string();
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error(fmt::format("cannot write {}: {}", tmp_, std::strerror(errno)));
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {  // not committed: nothing of it may look like a finished file
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicFile::write(std::string_view piece) {
  size_t done = 0;
  while (done < piece.size()) {
    const ssize_t n = ::write(fd_, piece.data() + done, piece.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("cannot write {}: {}", tmp_, std::strerror(errno)));
    }
    done += size_t(n);
  }
  // Fault injection for the kill test (tests/cli/atomic_outputs.sh, docs/reliability.md): with
  // SALESIM_TEST_KILL_WRITING=NAME the process is killed (SIGKILL) right after the first piece of
  // the file NAME reaches its temporary file, as a crash or an out-of-memory kill would.
  static const char* const kill_writing = std::getenv("SALESIM_TEST_KILL_WRITING");
  if (kill_writing && std::filesystem::path(path_).filename() == kill_writing) ::raise(SIGKILL);
}

void AtomicFile::commit() {
  const int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp_.c_str());
    throw std::runtime_error(fmt::format("cannot write {}: {}", tmp_, err));
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp_.c_str());
    throw std::runtime_error(fmt::format("cannot rename to {}: {}", path_, err));
  }
}

void write_file_atomic(const std::string& path, const std::string& content) {
  AtomicFile f(path);
  f.write(content);
  f.commit();
}

namespace {
// Streamed files (events.csv, interventions.csv) are handed on a piece of about this size at a time.
constexpr size_t kPiece = size_t(1) << 20;
using Sink = std::function<void(std::string_view)>;
void hand_on_full_piece(std::string& out, const Sink& sink) {
  if (out.size() < kPiece) return;
  sink(out);
  out.clear();
}
// A streamed file's pieces gathered into one string.
std::string whole(void (*write)(const Engine&, const Sink&), const Engine& e) {
  std::string all;
  write(e, [&](std::string_view piece) { all += piece; });
  return all;
}
}  // namespace

namespace {
// Numbers in outputs: 10 significant digits, NaN as null (JSON) or empty (CSV).
json jnum(double x) { return std::isfinite(x) ? json(std::stod(fmt::format("{:.10g}", x))) : json(nullptr); }
std::string cnum(double x) { return std::isfinite(x) ? fmt::format("{:.10g}", x) : std::string(); }
}  // namespace

std::string staff_label(const Engine& e, uint32_t staff) {
  const World& w = e.world();
  if (staff >= w.staff()) return "";
  return fmt::format("{}/{}", e.scenario().regions[w.staff_region[staff]].name, staff % w.staff_per_region);
}

json summary_json(const Engine& e) {
  json kpis = json::object(), units = json::object();
  for (const Kpi& k : e.kpis()) {
    kpis[k.name] = jnum(k.value);
    units[k.name] = k.unit;
  }
  json journey = json::object();
  std::array<uint32_t, kStages> counts{};
  for (uint8_t st : e.world().stage) ++counts[st];
  for (size_t i = 0; i < kStages; ++i) journey[fmt::format("{}_{}", i + 1, kStageNames[i])] = counts[i];
  return json{{"scenario", e.scenario().name},
              {"scenario_file", e.scenario().source},
              {"scenario_hash", fmt::format("{:016x}", e.scenario().hash)},
              {"seed", e.seed()},
              {"version", kVersion},
              {"start_date", e.clock().start().str()},
              {"days", e.clock().days()},
              {"tick_hours", e.clock().tick_hours()},
              {"reps", e.world().reps()},
              {"accounts", e.world().accounts()},
              {"warehouse_staff", e.world().staff()},
              {"policies", {{"demand", e.scenario().demand.model},
                            {"rep_behaviour", e.scenario().rep_behaviour.model},
                            {"forecast", e.scenario().forecast.model},
                            {"incentive", e.scenario().incentive.model},
                            {"rep_evaluation", e.scenario().reps.evaluation_by_value ? "behaviour_value" : "activity_count"},
                            {"intervention_rules", e.policies().interventions->rule_count()}}},
              {"journey_at_end", journey},
              {"state_hash", fmt::format("{:016x}", e.state_hash())},
              {"kpis", kpis},
              {"units", units}};
}

std::string timeseries_csv(const Engine& e) {
  std::string out =
      "date,day,revenue,gross_profit,orders,visits,valid_visits,invalid_visit_rate,customers,first_orders,"
      "adoptions,churned,inventory_value,stockout_lines,lost_revenue,payouts,suggestions,accepted,degraded,"
      "forecast_mape,engaged,forecast_units,actual_units,cards_raised,cards_answered,discount_given,bad_debt,"
      "credit_blocked_orders,replenishments_due,replenishments_on_time,staff_pay,collaboration_bonus\n";
  const auto& days = e.recorder().days();
  for (size_t d = 0; d < days.size(); ++d) {
    const DayRow& r = days[d];
    const double invalid = r.visits ? double(r.visits - r.valid_visits) / r.visits : std::nan("");
    const double mape = r.forecast_cells ? r.forecast_ape_sum / r.forecast_cells : std::nan("");
    fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},",
                   e.clock().date_of_day(int(d)).str(), d, cnum(r.revenue), cnum(r.revenue - r.cogs), r.orders,
                   r.visits, r.valid_visits, cnum(invalid), r.customers, r.first_orders, r.adoptions, r.churned,
                   cnum(r.inventory_value), r.short_lines, cnum(r.lost_revenue), cnum(r.payouts), r.suggestions,
                   r.accepted, r.degraded, cnum(mape));
    const bool bucket = r.forecast_units > 0 || r.actual_units > 0;
    fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{},{},{},{},{},{}\n", r.engaged,
                   bucket ? cnum(r.forecast_units) : std::string(), bucket ? cnum(r.actual_units) : std::string(),
                   r.cards_raised, r.cards_answered, cnum(r.discount_given), cnum(r.bad_debt), r.credit_blocked_orders,
                   r.replenishments_due, r.replenishments_on_time, cnum(r.staff_pay), cnum(r.collaboration_bonus));
  }
  return out;
}

std::string assignee_label(const Engine& e, const InterventionRecord& x) {
  const World& w = e.world();
  switch (x.assignee) {
    case kToRep: return fmt::format("rep:{}", x.rep);
    case kToPod: return fmt::format("pod:{}/{}", w.rep_pod[x.rep], kSpecialistRoleNames[x.role % 3]);
    case kToCentral: return fmt::format("central:{}", kSpecialistRoleNames[x.role % 3]);
    case kToManager: return fmt::format("manager:{}", e.scenario().regions[w.acct_region[x.account]].name);
    case kToWarehouse:  // with warehouse staff: the one who handled the replenishment
      return x.staff == 0xFFFF || w.staff_per_region == 0 || x.series == kNone
                 ? std::string("warehouse")
                 : "warehouse:" + staff_label(e, uint32_t(x.series / w.n_skus * w.staff_per_region + x.staff));
    case kToDigital: return "digital";
  }
  return "";
}

void write_interventions_csv(const Engine& e, const std::function<void(std::string_view)>& sink) {
  std::string out =
      "day,date,rule,rule_name,kind,status,degraded,assignee,rep,account,region,sku,stage_before,done_day,"
      "ordered_within_outcome_days,stage_after,amount\n";
  out.reserve(kPiece + 4096);
  const World& w = e.world();
  const auto& pol = *e.policies().interventions;
  auto q = [](const std::string& x) { return "\"" + x + "\""; };
  for (const InterventionRecord& x : e.recorder().interventions) {
    std::string region, sku;
    if (x.account != kNone) region = e.scenario().regions[w.acct_region[x.account]].name;
    if (x.series != kNone) {
      region = e.scenario().regions[x.series / w.n_skus].name;
      sku = e.scenario().skus[x.series % w.n_skus].name;
    }
    const bool acct = x.account != kNone;
    fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", x.day,
                   e.clock().date_of_day(x.day).str(), x.rule, q(pol.rule_name(x.rule)), kThenKindNames[size_t(x.kind)],
                   kInterventionStatusNames[x.status], x.degraded ? 1 : 0, assignee_label(e, x),
                   x.rep == kNone ? std::string() : std::to_string(x.rep), acct ? std::to_string(x.account) : std::string(),
                   q(region), sku.empty() ? std::string() : q(sku), acct ? std::to_string(x.stage_before + 1) : std::string(),
                   x.done_day >= 0 ? std::to_string(x.done_day) : std::string(),
                   x.ordered >= 0 ? std::to_string(x.ordered) : std::string(),
                   acct && x.stage_after != 255 ? std::to_string(x.stage_after + 1) : std::string(), cnum(x.amount));
    hand_on_full_piece(out, sink);
  }
  sink(out);
}

std::string interventions_csv(const Engine& e) { return whole(write_interventions_csv, e); }

std::string pods_csv(const Engine& e) {
  std::string out =
      "pod,region,members,specialists,revenue,gross_margin,discount_rate,engaged,won,win_rate,cycle_days,"
      "cards_raised,cards_answered,cards_expired,card_closure_rate,card_response_hours,knowledge_reuse,"
      "dispatches_done,discounts,mean_discount,approval_wait_days\n";
  const World& w = e.world();
  auto ratio = [](double a, double b) { return b > 0 ? a / b : std::nan(""); };
  const auto& pods = e.recorder().pods;
  for (size_t p = 0; p < pods.size(); ++p) {
    const PodStats& x = pods[p];
    fmt::format_to(std::back_inserter(out), "{},\"{}\",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", p,
                   e.scenario().regions[w.pod_region[p]].name, x.members, x.specialists, cnum(x.revenue),
                   cnum(ratio(x.gross_profit, x.revenue)), cnum(ratio(x.list_revenue - x.revenue, x.list_revenue)),
                   x.engaged, x.won, cnum(ratio(double(x.won), double(x.engaged))), cnum(ratio(x.cycle_days_sum, double(x.won))),
                   x.cards_raised, x.cards_answered, x.cards_expired,
                   cnum(ratio(double(x.cards_answered), double(x.cards_raised))),
                   cnum(ratio(x.response_hours_sum, double(x.cards_answered))),
                   cnum(ratio(double(x.cards_reused), double(x.cards_answered))), x.dispatches_done, x.discounts,
                   cnum(ratio(x.discount_sum, double(x.discounts))), cnum(ratio(x.approval_wait_days_sum, double(x.discounts))));
  }
  return out;
}

void write_events_csv(const Engine& e, const std::function<void(std::string_view)>& sink) {
  std::string out = "time,tick,kind,rep,account,detail,subject,value\n";
  out.reserve(kPiece + 4096);
  const auto& events = e.recorder().events();
  const int th = e.clock().tick_hours();
  const auto& policies = e.policies();
  for (const Event& ev : events) {
    const int day = ev.tick / e.clock().ticks_per_day();
    const int hour = (ev.tick % e.clock().ticks_per_day()) * th;
    const std::string time = fmt::format("{}T{:02}:00", e.clock().date_of_day(day).str(), hour);
    std::string detail, subject, value;
    switch (ev.kind) {
      case kEvTouch:
        detail = std::string(kActionNames[ev.a]) + (ev.b ? ":valid" : ":invalid");
        subject = fmt::format("contact {}", ev.detail);
        break;
      case kEvOrder:
        detail = ev.b ? "first_order" : "order";
        subject = fmt::format("order {} ({} lines)", ev.detail, ev.a);
        value = cnum(ev.value);
        break;
      case kEvStage:
        detail = fmt::format("{}->{}", kStageNames[ev.a], kStageNames[ev.b]);
        break;
      case kEvIntervention:
        detail = std::string(kInterventionStatusNames[ev.a]);
        subject = policies.interventions->rule_name(ev.detail);
        break;
      case kEvPayout:
        detail = e.recorder().statements()[ev.detail].period;
        if (ev.a == uint8_t(Payee::WarehouseStaff))
          subject = "warehouse:" + staff_label(e, e.recorder().statements()[ev.detail].staff);
        value = cnum(ev.value);
        break;
      case kEvStockout:
        detail = e.world().n_skus > ev.detail ? e.scenario().skus[ev.detail].name : "";
        value = cnum(ev.value);
        break;
      case kEvRepQuit:
        detail = "quit";
        subject = "last month's pay";
        value = cnum(ev.value);
        break;
    }
    // Names may hold commas: quote the free-text columns.
    auto q = [](const std::string& s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string o = "\"";
      for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
      return o + "\"";
    };
    fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{},{}\n", time, ev.tick, kEventNames[ev.kind],
                   ev.rep == kNone ? std::string() : std::to_string(ev.rep),
                   ev.account == kNone ? std::string() : std::to_string(ev.account), q(detail), q(subject), value);
    hand_on_full_piece(out, sink);
  }
  sink(out);
}

std::string events_csv(const Engine& e) { return whole(write_events_csv, e); }

std::string payouts_csv(const Engine& e) {
  // role and staff come last so readers of the first seven columns keep working; a warehouse staff
  // member's rows have an empty rep and staff = REGION/K.
  std::string out = "period,rep,item,basis,rate,amount,explanation,role,staff\n";
  for (const auto& st : e.recorder().statements()) {
    const bool rep = st.role == Payee::Rep;
    const std::string who = rep ? std::to_string(st.rep) : std::string();
    const std::string tail = fmt::format("{},{}", kPayeeNames[size_t(st.role)], rep ? std::string() : staff_label(e, st.staff));
    for (const auto& l : st.lines)
      fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{:.2f},\"{}\",{}\n", st.period, who, l.item,
                     cnum(l.basis), cnum(l.rate), l.amount, l.explanation, tail);
    fmt::format_to(std::back_inserter(out), "{},{},total,,,{:.2f},\"sum of the lines above\",{}\n", st.period, who,
                   st.total, tail);
  }
  return out;
}

std::string statements_jsonl(const Engine& e) {
  std::string out;
  for (const auto& st : e.recorder().statements()) {
    json lines = json::array(), vars = json::object(), attribution = json::array();
    for (const auto& l : st.lines)
      lines.push_back({{"item", l.item}, {"basis", jnum(l.basis)}, {"rate", jnum(l.rate)}, {"amount", jnum(l.amount)},
                       {"explanation", l.explanation}});
    for (const auto& [k, v] : st.variables) vars[k] = jnum(v);
    for (const auto& a : st.attribution)
      attribution.push_back({{"variable", a.variable}, {"from", jnum(a.from)}, {"to", jnum(a.to)}, {"amount", jnum(a.amount)}});
    json j = {{"role", kPayeeNames[size_t(st.role)]}, {"period", st.period}, {"total", jnum(st.total)}, {"lines", lines},
              {"variables", vars}};
    if (st.role == Payee::Rep) {
      j["rep"] = st.rep;
    } else {  // no "rep" key: readers that select by rep id never match a staff member
      j["staff"] = staff_label(e, st.staff);
      j["region"] = e.scenario().regions[e.world().staff_region[st.staff]].name;
    }
    if (st.has_previous) {
      j["previous_total"] = jnum(st.previous_total);
      j["change"] = jnum(st.total - st.previous_total);
      j["attribution"] = attribution;
      j["explanation"] = st.explanation;
    }
    out += j.dump() + "\n";
  }
  return out;
}

std::string warehouse_csv(const Engine& e) {
  std::string out =
      "period,staff,region,reliability,effort,assigned,replenishments,on_time,late,on_time_share,"
      "region_inventory_days,collaboration_bonus,total_pay\n";
  const World& w = e.world();
  for (const StaffMonth& x : e.recorder().warehouse) {
    const Date d = e.clock().date_of_day(x.last_day);
    fmt::format_to(std::back_inserter(out), "{:04}-{:02},\"{}\",\"{}\",{},{},{},{},{},{},{},{},{:.2f},{:.2f}\n", d.year,
                   d.month, staff_label(e, x.staff), e.scenario().regions[w.staff_region[x.staff]].name,
                   cnum(w.staff_reliability[x.staff]), cnum(x.effort), x.assigned, x.replenishments, x.on_time, x.late,
                   x.replenishments ? cnum(double(x.on_time) / x.replenishments) : std::string(),
                   cnum(x.region_inventory_days), x.bonus, x.total);
  }
  return out;
}

void write_run_outputs(const std::string& dir, const Engine& e, const RunInfo& info) {
  std::filesystem::create_directories(dir);
  // summary.json marks a complete set; one left by an earlier run into the same directory must not
  // vouch for this run's files while they are being replaced. docs/reliability.md#atomic-outputs
  std::filesystem::remove(dir + "/summary.json");
  write_file_atomic(dir + "/timeseries.csv", timeseries_csv(e));
  // The two files that grow with the run's length are streamed in pieces (docs/reliability.md#atomic-outputs).
  const auto stream = [&](const std::string& name, auto&& write) {
    AtomicFile f(dir + "/" + name);
    write(e, [&](std::string_view piece) { f.write(piece); });
    f.commit();
  };
  stream("events.csv", write_events_csv);
  write_file_atomic(dir + "/payouts.csv", payouts_csv(e));
  write_file_atomic(dir + "/statements.jsonl", statements_jsonl(e));
  stream("interventions.csv", write_interventions_csv);
  write_file_atomic(dir + "/pods.csv", pods_csv(e));
  write_file_atomic(dir + "/warehouse.csv", warehouse_csv(e));
  json manifest = {{"version", kVersion},
                   {"scenario_file", e.scenario().source},
                   {"scenario_hash", fmt::format("{:016x}", e.scenario().hash)},
                   {"seed", e.seed()},
                   {"threads", e.threads()},
                   {"wall_seconds", info.wall_seconds},
                   {"command", info.command},
                   {"files", {"summary.json", "timeseries.csv", "events.csv", "payouts.csv", "statements.jsonl",
                              "interventions.csv", "pods.csv", "warehouse.csv"}}};
  write_file_atomic(dir + "/manifest.json", manifest.dump(2) + "\n");
  // summary.json last: its presence means the run's files are complete.
  write_file_atomic(dir + "/summary.json", summary_json(e).dump(2) + "\n");
}

}  // namespace salesim
