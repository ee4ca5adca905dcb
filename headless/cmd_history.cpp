// salesim history check | history schema | backtest. docs/history.md
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "headless/cli_common.hpp"
#include "models/backtest.hpp"
#include "sim/history.hpp"
#include "sim/output.hpp"

namespace salesim::cli {

History load_history_or_throw(const std::string& mapping) {
  HistoryLoad r = load_history(mapping);
  if (!r.ok()) {
    std::string msg;
    for (const Problem& p : r.mapping_problems) {
      const bool located = p.where.rfind(mapping, 0) == 0;  // "file:line:col" or the file itself
      msg += located ? p.str() + "\n" : fmt::format("{}: {}\n", mapping, p.str());
    }
    msg += fmt::format("{}: {} problem{} in the mapping; nothing was imported", mapping, r.mapping_problems.size(),
                       r.mapping_problems.size() == 1 ? "" : "s");
    throw BadInput(msg);
  }
  return std::move(*r.history);
}

namespace {

// What each problem code means (docs/history.md#problems has the same list).
const std::map<std::string, std::string>& reason_meanings() {
  static const std::map<std::string, std::string> m = {
      {"blank_line", "an empty line inside the file"},
      {"malformed_csv", "broken CSV quoting: the row cannot be split into fields reliably"},
      {"field_count", "the row has more or fewer fields than the header"},
      {"invalid_utf8", "bytes that are not UTF-8 (wrong /csv/encoding?)"},
      {"missing_id", "an opportunity without an id"},
      {"duplicate_id", "an opportunity id used twice"},
      {"missing_stage", "an opportunity without a stage"},
      {"unknown_stage", "a stage that /opportunities/stages does not list"},
      {"missing_rep", "an opportunity without a rep"},
      {"unknown_rep", "a rep not in the reps file"},
      {"missing_product", "an opportunity without a product"},
      {"unknown_product", "a product not in the products file"},
      {"missing_account", "a closed deal without an account"},
      {"unknown_account", "an account not in the accounts file"},
      {"bad_date", "a date that does not match the declared format or does not exist"},
      {"missing_close_date", "a won or lost deal without a close date"},
      {"close_before_created", "a close date before the created date"},
      {"bad_number", "a value that is not a number in the declared format"},
      {"negative_value", "a negative deal value or price"},
      {"missing_value", "a won deal without a value"},
      {"missing_name", "an entity row without a name"},
      {"duplicate_name", "an entity defined twice"},
      {"missing_date", "an order line or signal point without a date"},
      {"missing_sku", "an order line without a SKU"},
      {"missing_quantity", "an order line without a quantity"},
      {"missing_price", "an order line without a value or unit price"},
      {"bad_discount", "a discount outside 0..100%"},
      {"missing_key", "a signal point without its region/rep/account/product"},
      {"unknown_region", "a region no rep belongs to"},
      {"name_normalised", "a name that matches only after ignoring case, spaces and punctuation"},
      {"open_without_account", "an open deal without an account (kept open; nothing invented)"},
      {"open_without_created", "an open deal without a created date (kept open; nothing invented)"},
      {"closed_without_created", "a closed deal without a created date (its cycle length is unknown)"},
      {"value_not_allowed", "a value outside the mapping's allowed list (a typo?)"},
      {"near_duplicate", "a value that looks like a variant of a commoner one (a typo?)"},
      {"unknown_parent", "a parent account that is not in the accounts file"},
      {"after_as_of", "a date after the export date /as_of"},
      {"missing_customer", "an order line without a customer"},
      {"negative_quantity", "a negative quantity (a return?)"},
  };
  return m;
}

std::string day(int32_t d) { return d == kNoDate ? "-" : Date::from_serial(d).str(); }

std::string thousands(double v) {
  std::string s = fmt::format("{:.0f}", v);
  std::string out;
  const size_t start = s[0] == '-' ? 1 : 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > start && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

std::string counts(const std::vector<HistorySummary::Count>& c, size_t max_items = 12) {
  std::string out;
  for (size_t i = 0; i < c.size() && i < max_items; ++i) out += fmt::format("{}{} {}", i ? ", " : "", c[i].name, c[i].n);
  if (c.size() > max_items) out += fmt::format(", ... ({} in all)", c.size());
  return out;
}

// Problems grouped by severity and reason, then by message; each with its first lines.
void print_problems(const ImportReport& rep, size_t max_lines, std::FILE* out) {
  struct Group { size_t rows = 0; std::map<std::string, std::vector<const RowProblem*>> by_detail; std::vector<std::string> order; };
  std::vector<std::pair<std::string, Group>> groups;  // "rejected|reason" in first-seen order, rejects first
  auto find = [&](const std::string& key) -> Group& {
    for (auto& g : groups)
      if (g.first == key) return g.second;
    groups.emplace_back(key, Group{});
    return groups.back().second;
  };
  for (int pass = 0; pass < 2; ++pass)
    for (const RowProblem& p : rep.problems) {
      if ((pass == 0) != (p.severity == RowProblem::kRejected)) continue;
      Group& g = find(std::string(pass == 0 ? "rejected" : "warning") + "|" + p.reason);
      ++g.rows;
      // Messages are grouped with the value left in (one line per distinct spelling).
      const std::string key = p.file + "\x1f" + p.column + "\x1f" + p.detail;
      if (!g.by_detail.count(key)) g.order.push_back(key);
      g.by_detail[key].push_back(&p);
    }
  for (const auto& [key, g] : groups) {
    const std::string severity = key.substr(0, key.find('|')), reason = key.substr(key.find('|') + 1);
    auto meaning = reason_meanings().find(reason);
    fmt::print(out, "  {} {}: {} row{}{}\n", severity, reason, g.rows, g.rows == 1 ? "" : "s",
               meaning == reason_meanings().end() ? "" : " — " + meaning->second);
    size_t shown = 0;
    for (const auto& k : g.order) {
      if (shown == max_lines) {
        fmt::print(out, "    ... and {} more distinct messages\n", g.order.size() - shown);
        break;
      }
      ++shown;
      const auto& v = g.by_detail.at(k);
      fmt::print(out, "    {}\n", v.front()->str());
      if (v.size() > 1) {
        std::string lines;
        for (size_t i = 1; i < v.size() && i <= max_lines; ++i) lines += fmt::format("{}{}", i > 1 ? ", " : "", v[i]->line);
        fmt::print(out, "      same on line{} {}{}\n", v.size() > 2 ? "s" : "", lines,
                   v.size() > max_lines + 1 ? fmt::format(" and {} more", v.size() - max_lines - 1) : "");
      }
    }
  }
}

struct CheckOptions {
  std::string mapping, rejects, warnings;
  size_t examples = 3;
};

int check(const CheckOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  History h = load_history_or_throw(o.mapping);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const ImportReport& rep = h.report;
  const HistorySummary s = summarise(h);

  fmt::print("{}{}\n", o.mapping, h.name.empty() ? "" : ": " + h.name);
  fmt::print("as of {} ({})\n\n", day(h.as_of),
             h.as_of_declared ? "/as_of" : h.as_of == kNoDate ? "no dates" : "the last date seen; /as_of can state it");
  size_t width = 4;
  for (const auto& f : rep.files) width = std::max(width, f.path.size());
  fmt::print("{:<{}}  {:<20} {:>8} {:>9} {:>9} {:>9}\n", "file", width, "role", "rows", "accepted", "rejected", "warnings");
  size_t rows = 0, acc = 0, rej = 0, warn = 0;
  for (const auto& f : rep.files) {
    std::string role = f.role + (f.bom ? " (BOM)" : "");
    fmt::print("{:<{}}  {:<20} {:>8} {:>9} {:>9} {:>9}\n", f.path, width, role, f.rows_read, f.accepted, f.rejected,
               f.warnings);
    rows += f.rows_read; acc += f.accepted; rej += f.rejected; warn += f.warnings;
  }
  fmt::print("{:<{}}  {:<20} {:>8} {:>9} {:>9} {:>9}\n", "total", width, "", rows, acc, rej, warn);
  fmt::print("accepted + rejected = rows read: {}\n\n", acc + rej == rows ? "yes" : "NO (a bug: please report it)");

  const size_t closed = s.won + s.lost;
  fmt::print("opportunities: {} — open {} ({} without an account, {} without a created date), won {}, lost {}",
             h.opportunities.size(), s.open, s.open_without_account, s.open_without_created, s.won, s.lost);
  if (closed) fmt::print("; win rate {:.1f}% of closed", 100.0 * double(s.won) / double(closed));
  fmt::print("\n");
  std::string stages;
  for (size_t i = 0; i < h.stages.size(); ++i)
    stages += fmt::format("{}{} ({}) {}", i ? ", " : "", h.stages[i].name, status_name(h.stages[i].status), s.stages[i].n);
  fmt::print("stages: {}\n", stages);
  fmt::print("dates: created {} .. {}; closed {} .. {}\n", day(s.created_first), day(s.created_last),
             day(s.closed_first), day(s.closed_last));
  if (h.has_values) fmt::print("won value: {}\n", thousands(s.won_value));
  fmt::print("reps: {} ({} with opportunities)", h.reps.size(), s.reps_with_deals);
  if (!s.managers.empty()) fmt::print("; {} managers", s.managers.size());
  if (!s.regions.empty()) fmt::print("; regions: {}", counts(s.regions));
  fmt::print("\naccounts: {} ({} with opportunities)", h.accounts.size(), s.accounts_with_deals);
  if (!s.sectors.empty()) fmt::print("; sectors: {}", counts(s.sectors));
  fmt::print("\nproducts: {} ({} with opportunities)", h.products.size(), s.products_with_deals);
  if (!s.series.empty()) fmt::print("; series: {}", counts(s.series));
  fmt::print("\n");
  if (h.has_orders)
    fmt::print("orders: {} lines, {} .. {}, value {}\n", h.orders.size(), day(s.orders_first), day(s.orders_last),
               thousands(s.order_value));
  for (const auto& sig : h.signals)
    fmt::print("signal {}: {} points keyed by {}\n", sig.name, sig.points.size(), key_level_name(sig.level));

  fmt::print("\nproblems: {} row{} rejected, {} warning{} on accepted rows\n", rej, rej == 1 ? "" : "s", warn,
             warn == 1 ? "" : "s");
  print_problems(rep, o.examples, stdout);
  if (!rep.notes.empty()) {
    fmt::print("\nnotes:\n");
    for (const auto& n : rep.notes) fmt::print("  {}\n", n);
  }
  if (!o.rejects.empty()) {
    write_file_atomic(o.rejects, problems_csv(rep, RowProblem::kRejected));
    fmt::print("\nwrote {} rejected row{} to {}\n", rej, rej == 1 ? "" : "s", o.rejects);
  }
  if (!o.warnings.empty()) {
    write_file_atomic(o.warnings, problems_csv(rep, RowProblem::kWarning));
    fmt::print("wrote {} warning{} to {}\n", warn, warn == 1 ? "" : "s", o.warnings);
  }
  fmt::print("\nimported {} rows in {:.3f} s ({:.0f} rows/s); the mapping is valid{}\n", rows, secs,
             secs > 0 ? double(rows) / secs : 0.0,
             rej ? " (rejected rows are data problems, listed above; exit code 0)" : "");
  return kExitOk;
}

struct BacktestCliOptions {
  std::string mapping, out_dir, ridge_weights, measure = "won_value", period = "month";
  std::vector<std::string> models, levels{"region"};
  models::BacktestOptions opt;
  bool quiet = false;
  std::string command_line;
};

std::map<std::string, std::map<std::string, double>> read_ridge_weights(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BadInput(fmt::format("{}: cannot open the ridge weights file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    throw BadInput(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  if (!j.is_object()) throw BadInput(fmt::format("{}: /: expected an object of regions, got {}", path, describe(j)));
  std::map<std::string, std::map<std::string, double>> out;
  for (auto r = j.begin(); r != j.end(); ++r) {
    if (!r.value().is_object())
      throw BadInput(fmt::format("{}: /{}: expected an object of feature weights, got {}", path, r.key(), describe(r.value())));
    for (auto f = r.value().begin(); f != r.value().end(); ++f) {
      if (!f.value().is_number() || f.value().get<double>() < 0)
        throw BadInput(fmt::format("{}: /{}/{}: expected a number >= 0, got {}", path, r.key(), f.key(), describe(f.value())));
      out[r.key()][f.key()] = f.value().get<double>();
    }
  }
  return out;
}

std::string pct(double x) { return std::isfinite(x) ? fmt::format("{:.1f}%", 100 * x) : "n/a"; }
std::string dec(double x) { return std::isfinite(x) ? fmt::format("{:.2f}", x) : "n/a"; }

int backtest(BacktestCliOptions o) {
  const auto period = models::parse_period(o.period);
  if (!period) throw BadInput(fmt::format("--period '{}': expected day, week, month or quarter", o.period));
  const auto measure = models::parse_measure(o.measure);
  if (!measure) throw BadInput(fmt::format("--measure '{}': expected won_value, won_deals or order_value", o.measure));
  std::vector<models::Level> levels;
  for (const auto& l : o.levels) {
    auto lv = models::parse_level(l);
    if (!lv) throw BadInput(fmt::format("--level '{}': expected total, region, manager, rep, product, series, account or sector", l));
    levels.push_back(*lv);
  }
  o.opt.models = o.models;
  if (!o.ridge_weights.empty()) o.opt.ridge_weights = read_ridge_weights(o.ridge_weights);

  const auto t0 = std::chrono::steady_clock::now();
  History h = load_history_or_throw(o.mapping);
  const double import_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!o.ridge_weights.empty())
    for (const auto& [region, w] : o.opt.ridge_weights)
      if (region != "default" && std::find(h.regions.begin(), h.regions.end(), region) == h.regions.end())
        throw BadInput(fmt::format("{}: /{}: not a region of the history (regions: {}; or \"default\")", o.ridge_weights,
                                   region, fmt::join(h.regions, ", ")));

  std::string metrics, forecasts, signals;
  nlohmann::json levels_json = nlohmann::json::array();
  size_t series_total = 0, fits = 0;
  double backtest_secs = 0;
  for (models::Level level : levels) {
    models::SeriesSet set;
    models::BacktestResult r;
    const auto t1 = std::chrono::steady_clock::now();
    try {
      set = models::build_series(h, level, *period, *measure);
      r = models::run_backtest(h, set, o.opt);
    } catch (const std::invalid_argument& e) {
      throw BadInput(fmt::format("{}: backtest at level {}: {}", o.mapping, models::level_name(level), e.what()));
    }
    if (!o.opt.ridge_weights.empty() && !r.features.empty())
      for (const auto& [region, w] : o.opt.ridge_weights)
        for (const auto& [feature, x] : w)
          if (std::find(r.features.begin(), r.features.end(), feature) == r.features.end())
            throw BadInput(fmt::format("{}: /{}/{}: not a feature of the signal regression (features: {})",
                                       o.ridge_weights, region, feature, fmt::join(r.features, ", ")));
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    backtest_secs += secs;
    series_total += set.count();
    fits += set.count() * size_t(r.origins) * r.models.size();
    std::string m = models::metrics_csv(r, set), f = models::forecasts_csv(r, set), g = models::signals_csv(r, set);
    if (!metrics.empty()) m = m.substr(m.find('\n') + 1);  // one header
    if (!forecasts.empty()) f = f.substr(f.find('\n') + 1);
    if (!signals.empty()) g = g.substr(g.find('\n') + 1);
    metrics += m;
    forecasts += f;
    signals += g;
    levels_json.push_back({{"level", models::level_name(level)},
                           {"series", set.count()},
                           {"periods", set.periods()},
                           {"first_period", set.label(0)},
                           {"last_period", set.label(set.periods() - 1)},
                           {"season", r.season},
                           {"min_train", r.min_train},
                           {"origins", r.origins},
                           {"events_without_key", set.without_key},
                           {"events_outside_complete_periods", set.outside},
                           {"ridge_features", r.features},
                           {"notes", r.notes},
                           {"seconds", secs}});
    if (!o.quiet) {
      fmt::print("\nlevel {} — {} series x {} {}s ({} .. {}); season {}, {} origins after {} training periods\n",
                 models::level_name(level), set.count(), set.periods(), models::period_name(*period), set.label(0),
                 set.label(set.periods() - 1), r.season, r.origins, r.min_train);
      if (set.without_key || set.outside)
        fmt::print("  left out: {} events without a {} key, {} in incomplete periods at the ends\n", set.without_key,
                   models::level_name(level), set.outside);
      fmt::print("  {:<28} {:>3} {:>7} {:>8} {:>8} {:>8} {:>6} {:>8} {:>9}\n", "model", "h", "points", "MAPE", "WAPE",
                 "sMAPE", "MASE", "bias", "coverage");
      for (const auto& row : r.metrics)
        fmt::print("  {:<28} {:>3} {:>7} {:>8} {:>8} {:>8} {:>6} {:>8} {:>9}\n", row.model, row.horizon, row.acc.points,
                   pct(row.acc.mape), pct(row.acc.wape), pct(row.acc.smape), dec(row.acc.mase), pct(row.acc.bias),
                   pct(row.acc.coverage));
      if (!r.signals.empty()) {
        fmt::print("  signal scores (coverage x timeliness x relevance, x10; relevance = share of the ridge's 1-ahead WAPE it removes)\n");
        for (const auto& sc : r.signals)
          fmt::print("    {:<26} coverage {:.2f}  timeliness {:.2f}  relevance {:.2f}  score {:.2f}  (WAPE {} with, {} without)\n",
                     sc.signal, sc.coverage, sc.timeliness, sc.relevance, sc.score, pct(sc.wape_with), pct(sc.wape_without));
      }
      for (const auto& n : r.notes) fmt::print("  note: {}\n", n);
    }
  }
  std::filesystem::create_directories(o.out_dir);
  write_file_atomic(o.out_dir + "/metrics.csv", metrics);
  write_file_atomic(o.out_dir + "/forecasts.csv", forecasts);
  if (!signals.empty()) write_file_atomic(o.out_dir + "/signals.csv", signals);
  nlohmann::json manifest = {{"version", kVersion},
                             {"command", o.command_line},
                             {"mapping", o.mapping},
                             {"measure", o.measure},
                             {"period", o.period},
                             {"horizon", o.opt.horizon},
                             {"interval", o.opt.interval},
                             {"models", o.opt.models.empty() ? models::backtest_model_names() : o.opt.models},
                             {"levels", levels_json},
                             {"rows_rejected", h.report.rejected()},
                             {"import_seconds", import_secs},
                             {"backtest_seconds", backtest_secs}};
  write_file_atomic(o.out_dir + "/backtest.json", manifest.dump(1) + "\n");
  fmt::print("\nimport {:.3f} s; backtest {:.3f} s: {} series ({:.0f} series/s, {:.0f} model fits/s); wrote {}/metrics.csv, "
             "forecasts.csv, {}backtest.json\n",
             import_secs, backtest_secs, series_total, backtest_secs > 0 ? double(series_total) / backtest_secs : 0.0,
             backtest_secs > 0 ? double(fits) / backtest_secs : 0.0, o.out_dir, signals.empty() ? "" : "signals.csv, ");
  return kExitOk;
}

}  // namespace

void add_history_commands(CLI::App& app, Runner& selected, const std::string& command_line) {
  auto* hist = app.add_subcommand("history", "Import real CRM/order history through a mapping file (docs/history.md)");
  hist->require_subcommand(1);

  auto c = std::make_shared<CheckOptions>();
  auto* chk = hist->add_subcommand("check", "Import the files a mapping names and report what was found and every problem row");
  chk->add_option("mapping", c->mapping, "Mapping file (JSON)")->required();
  chk->add_option("--rejects", c->rejects, "Write rejected rows (file, line, column, reason, detail, record) to this CSV");
  chk->add_option("--warnings", c->warnings, "Write warnings on accepted rows to this CSV");
  chk->add_option("--examples", c->examples, "Distinct messages and lines shown per problem (default 3)")
      ->check(CLI::PositiveNumber);
  chk->callback([c, &selected] { selected = [c] { return check(*c); }; });

  auto* sch = hist->add_subcommand("schema", "Print the mapping file's JSON schema");
  sch->callback([&selected] {
    selected = [] {
      fmt::print("{}\n", history_mapping_schema().dump(1));
      return kExitOk;
    };
  });

  auto b = std::make_shared<BacktestCliOptions>();
  b->command_line = command_line;
  auto* bt = app.add_subcommand("backtest", "Rolling-origin backtest of every forecast model on imported history");
  bt->add_option("--history", b->mapping, "Mapping file (JSON)")->required();
  bt->add_option("--out", b->out_dir, "Output directory: metrics.csv, forecasts.csv, backtest.json")->required();
  bt->add_option("--models", b->models, "Models, comma-separated (default: all): " +
                                             fmt::format("{}", fmt::join(models::backtest_model_names(), ", ")))
      ->delimiter(',');
  bt->add_option("--level", b->levels, "Levels, comma-separated: total, region, manager, rep, product, series, account, sector (default region)")
      ->delimiter(',');
  bt->add_option("--period", b->period, "day, week, month (default) or quarter");
  bt->add_option("--horizon", b->opt.horizon, "Periods ahead (default 3)")->check(CLI::Range(1, 1000));
  bt->add_option("--measure", b->measure, "won_value (default), won_deals or order_value");
  bt->add_option("--season", b->opt.season, "Season length in periods (default 7 days, 13 weeks, 3 months, 4 quarters)")
      ->check(CLI::Range(1, 1000));
  bt->add_option("--min-train", b->opt.min_train, "Periods before the first origin (default max(2 seasons, half))")
      ->check(CLI::Range(1, 100000));
  bt->add_option("--interval", b->opt.interval, "Nominal coverage of prediction intervals (default 0.8)");
  bt->add_option("--ma-window", b->opt.ma_window, "Moving average window (default: the season)")->check(CLI::Range(1, 100000));
  bt->add_option("--croston-alpha", b->opt.croston_alpha, "Croston/SBA smoothing (default 0.1)");
  bt->add_option("--ridge-lambda", b->opt.ridge_lambda, "Ridge penalty on standardised features (default 1)");
  bt->add_option("--ridge-weights", b->ridge_weights, "JSON file of factor weights per region: {\"default\": {...}, \"East\": {\"created\": 2}}");
  bt->add_option("--threads", b->opt.threads, "OpenMP threads (default: all cores)")->check(CLI::NonNegativeNumber);
  bt->add_flag("--quiet", b->quiet, "Print only the last line");
  bt->callback([b, &selected] { selected = [b] { return backtest(*b); }; });

  add_to_scenario_command(*hist, selected);
}

}  // namespace salesim::cli
