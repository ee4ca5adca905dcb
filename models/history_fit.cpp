// A scenario estimated from imported history (salesim history to-scenario): what the deals export
// measures is mapped onto the engine's parameters, each estimate kept with its source counts, and
// what the engine cannot express is said, not faked. docs/history.md#to-scenario
#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <stdexcept>

#include "models/replay.hpp"

namespace salesim::models {
namespace {

using nlohmann::json;

double r4(double x) { return std::isfinite(x) ? std::round(x * 1e4) / 1e4 : x; }
double r6(double x) { return std::isfinite(x) ? std::round(x * 1e6) / 1e6 : x; }
json num(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

double median(std::vector<double> v) {
  if (v.empty()) return kBlank;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
double mean(const std::vector<double>& v) {
  if (v.empty()) return kBlank;
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

// Four-hour ticks, the engine's default: an account orders at most once a tick, so the rate is set
// so that the chance of an order in a tick, 1 - exp(-rate h/24), equals the history's rate x h/24.
constexpr int kTickHours = 4;

constexpr std::array<const char*, 7> kWeekdays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

}  // namespace

ScenarioFit fit_scenario(const History& h, const json& base, const std::string& mapping_path) {
  // ---- what the history says -------------------------------------------------------------------
  const ReplayWorld w = build_replay_world(h);
  const size_t R = w.rep_history.size();
  int32_t first = kNoDate, last = kNoDate;
  size_t won = 0, lost = 0, open = 0;
  std::vector<double> won_values, won_cycle, lost_cycle;
  std::vector<size_t> prod_won(h.products.size()), prod_lost(h.products.size());
  std::vector<double> prod_value(h.products.size()), prod_list(h.products.size());
  std::vector<std::vector<double>> prod_cycle(h.products.size());
  std::vector<size_t> acct_won(h.accounts.size());
  std::vector<size_t> region_won(h.regions.size()), region_reps(h.regions.size());
  std::array<double, 7> close_weekday{}, created_weekday{};
  size_t created_n = 0;
  int32_t created_first = kNoDate, created_last = kNoDate;
  std::map<std::string, std::pair<size_t, double>> monthly;  // YYYY-MM -> won deals, won value
  for (const auto& o : h.opportunities) {
    if (o.created != kNoDate) {
      ++created_n;
      created_weekday[size_t(Date::from_serial(o.created).weekday())] += 1;
      created_first = created_first == kNoDate ? o.created : std::min(created_first, o.created);
      created_last = created_last == kNoDate ? o.created : std::max(created_last, o.created);
    }
    if (o.status == DealStatus::kOpen) {
      ++open;
      continue;
    }
    if (o.closed == kNoDate) continue;
    const double cycle = o.created != kNoDate ? double(o.closed - o.created) : kBlank;
    if (o.status == DealStatus::kLost) {
      ++lost;
      if (o.product != kNoId) ++prod_lost[size_t(o.product)];
      if (std::isfinite(cycle)) lost_cycle.push_back(cycle);
      continue;
    }
    if (!std::isfinite(o.value)) continue;
    ++won;
    first = first == kNoDate ? o.closed : std::min(first, o.closed);
    last = last == kNoDate ? o.closed : std::max(last, o.closed);
    won_values.push_back(o.value);
    if (std::isfinite(cycle)) won_cycle.push_back(cycle);
    close_weekday[size_t(Date::from_serial(o.closed).weekday())] += 1;
    const Date cd = Date::from_serial(o.closed);
    auto& m = monthly[fmt::format("{:04}-{:02}", cd.year, cd.month)];
    ++m.first;
    m.second += o.value;
    if (o.product != kNoId) {
      const size_t p = size_t(o.product);
      ++prod_won[p];
      prod_value[p] += o.value;
      prod_list[p] += h.products[p].price;  // NaN when the products file has no price
      if (std::isfinite(cycle)) prod_cycle[p].push_back(cycle);
    }
    if (o.account != kNoId) ++acct_won[size_t(o.account)];
    if (o.rep != kNoId && size_t(o.rep) < h.rep_region.size() && h.rep_region[size_t(o.rep)] != kNoId)
      ++region_won[size_t(h.rep_region[size_t(o.rep)])];
  }
  if (won == 0) throw std::invalid_argument("the history has no won deal with a value and a close date: nothing to estimate");
  for (size_t r = 0; r < R; ++r)
    if (w.rep_region[r] != kNoId) ++region_reps[size_t(w.rep_region[r])];

  const double window_days = double(last - first + 1);
  const double months = window_days / (365.25 / 12);
  size_t accounts_won = 0;
  std::vector<double> log_counts;
  for (size_t a = 0; a < acct_won.size(); ++a)
    if (acct_won[a] > 0) {
      ++accounts_won;
      log_counts.push_back(std::log(double(acct_won[a])));
    }
  // Without an accounts file or account column, every won deal is its own customer: say so.
  const bool have_accounts = accounts_won > 0;
  const double n_accounts = have_accounts ? double(accounts_won) : double(won);
  const double orders_per_account_day = double(won) / (n_accounts * window_days);
  double size_sigma = 0;
  if (log_counts.size() >= 2) {
    const double m = mean(log_counts);
    double ss = 0;
    for (double x : log_counts) ss += (x - m) * (x - m);
    size_sigma = std::sqrt(ss / double(log_counts.size() - 1));
  }
  double total_value = 0, total_list = 0;
  size_t priced = 0;
  for (size_t p = 0; p < h.products.size(); ++p)
    if (prod_won[p] && std::isfinite(prod_list[p])) {
      total_value += prod_value[p];
      total_list += prod_list[p];
      priced += prod_won[p];
    }
  const double discount = total_list > 0 ? std::clamp(1.0 - total_value / total_list, 0.0, 1.0) : 0.0;
  // Churn: accounts whose last won deal is more than 90 days before the end of the window.
  std::vector<int32_t> acct_last(h.accounts.size(), kNoDate);
  for (const auto& o : h.opportunities)
    if (o.status == DealStatus::kWon && o.closed != kNoDate && o.account != kNoId)
      acct_last[size_t(o.account)] = std::max(acct_last[size_t(o.account)], o.closed);
  size_t lapsed = 0;
  for (int32_t d : acct_last)
    if (d != kNoDate && last - d > 90) ++lapsed;
  const double churn_per_day = have_accounts ? double(lapsed) / (double(accounts_won) * window_days) : 0.0;
  // Rep capacity: deals engaged per active rep per working day (a floor on touches: each needs one).
  std::array<bool, 7> workday{};
  double working_days = 0;
  for (size_t k = 0; k < 7; ++k) workday[k] = created_n > 0 && created_weekday[k] >= 0.01 * double(created_n);
  if (created_n > 0)
    for (int32_t d = created_first; d <= created_last; ++d) working_days += workday[size_t(Date::from_serial(d).weekday())];
  const double engaged_per_rep_day = created_n > 0 && R > 0 && working_days > 0
                                         ? double(created_n) / double(R) / working_days : kBlank;
  std::map<std::string, size_t> manager_reps;
  for (size_t r = 0; r < R; ++r) ++manager_reps[w.pods[size_t(w.rep_pod[r])]];
  std::vector<double> pod_sizes;
  for (const auto& [k, n] : manager_reps) pod_sizes.push_back(double(n));
  const int pod_size = std::max(1, int(std::lround(mean(pod_sizes))));

  // ---- the fit sidecar: every estimate with its source counts --------------------------------------
  json fit;
  fit["mapping"] = mapping_path;
  fit["history"] = h.name;
  fit["window"] = {{"first_close", Date::from_serial(first).str()}, {"last_close", Date::from_serial(last).str()},
                   {"days", window_days}, {"months", r4(months)},
                   {"source", "close dates of won deals with a value"}};
  fit["deals"] = {{"won", won}, {"lost", lost}, {"open", open},
                  {"win_rate_of_closed", r4(double(won) / double(won + lost))},
                  {"source", "won / (won + lost), closed deals with a close date"}};
  fit["cycle_days"] = {{"won_mean", r4(mean(won_cycle))}, {"won_median", num(median(won_cycle))},
                       {"won_n", won_cycle.size()}, {"lost_mean", r4(mean(lost_cycle))},
                       {"lost_median", num(median(lost_cycle))}, {"lost_n", lost_cycle.size()},
                       {"source", "close date - created date, deals with both"}};
  fit["deal_value"] = {{"won_mean", r4(mean(won_values))}, {"won_median", num(median(won_values))},
                       {"n", won_values.size()}, {"discount_off_list", r4(discount)}, {"discount_n", priced},
                       {"source", "won deal values; discount = 1 - sum(value) / sum(list price) over won deals of priced products"}};
  json prods = json::array();
  for (size_t p = 0; p < h.products.size(); ++p) {
    const size_t closed = prod_won[p] + prod_lost[p];
    prods.push_back({{"name", h.products[p].name}, {"series", h.products[p].series},
                     {"list_price", num(h.products[p].price)}, {"won", prod_won[p]}, {"lost", prod_lost[p]},
                     {"win_rate", closed ? json(r4(double(prod_won[p]) / double(closed))) : json(nullptr)},
                     {"mean_won_value", prod_won[p] ? json(r4(prod_value[p] / double(prod_won[p]))) : json(nullptr)},
                     {"won_share", r4(double(prod_won[p]) / double(won))},
                     {"mean_won_cycle_days", num(r4(mean(prod_cycle[p])))}});
  }
  fit["products"] = prods;
  json stages = json::array();
  for (size_t s = 0; s < h.stages.size(); ++s) {
    size_t n = 0;
    for (const auto& o : h.opportunities) n += o.stage == s;
    stages.push_back({{"name", h.stages[s].name}, {"status", std::string(status_name(h.stages[s].status))}, {"deals", n}});
  }
  fit["stages"] = {{"counts", stages},
                   {"note", "the export is a snapshot (one row per deal, its last stage): the win rate from each open "
                            "stage cannot be estimated without stage histories; win_rate_of_closed is the rate from "
                            "the first open stage on"}};
  fit["reps"] = {{"active", R}, {"without_deals", w.reps_without_deals},
                 {"engaged_per_rep_working_day", num(r4(engaged_per_rep_day))}, {"deals_with_created", created_n},
                 {"working_days", working_days}, {"pods", w.pods.size()}, {"pod_source", w.pod_source},
                 {"mean_pod_size", r4(mean(pod_sizes))},
                 {"source", "reps named on at least one opportunity; capacity = deals with a created date / active reps / "
                            "working days between the first and last created date (weekdays with >= 1% of created deals)"}};
  json regions = json::array();
  const double won_per_rep = double(won) / double(std::max<size_t>(1, R));
  for (size_t g = 0; g < h.regions.size(); ++g)
    regions.push_back({{"name", h.regions[g]}, {"reps", region_reps[g]}, {"won", region_won[g]},
                       {"won_per_rep_vs_mean", region_reps[g] ? json(r4(double(region_won[g]) / double(region_reps[g]) / won_per_rep)) : json(nullptr)}});
  fit["regions"] = regions;
  fit["accounts"] = {{"with_won_deals", accounts_won}, {"in_file", h.accounts.size()},
                     {"won_per_account_per_day", r6(orders_per_account_day)},
                     {"orders_per_day_parameter", r6(-std::log(1.0 - std::min(0.99, orders_per_account_day * kTickHours / 24.0)) * 24.0 / kTickHours)},
                     {"log_sd_of_won_per_account", r4(size_sigma)},
                     {"lapsed_90_days", lapsed}, {"lapse_per_account_day", r6(churn_per_day)},
                     {"source", have_accounts ? "accounts with at least one won deal" : "no account on won deals: each won deal counted as its own account"}};
  json weekday = json::object();
  for (size_t k = 0; k < 7; ++k) weekday[kWeekdays[k]] = close_weekday[k];
  fit["won_by_close_weekday"] = weekday;
  json month_rows = json::array();
  for (const auto& [m, v] : monthly)
    month_rows.push_back({{"month", m}, {"won_deals", v.first}, {"won_value", r4(v.second)},
                          {"won_value_per_rep", r4(v.second / double(std::max<size_t>(1, R)))}});
  fit["monthly"] = month_rows;
  fit["summary"] = {{"won_deals_per_month", r4(double(won) / months)},
                    {"won_value_per_month", r4(mean(won_values) * double(won) / months)},
                    {"won_value_per_rep_month", r4(mean(won_values) * double(won) / double(std::max<size_t>(1, R)) / months)}};

  // ---- the scenario -----------------------------------------------------------------------------
  json sc = base.is_object() ? base : json::object();
  sc.erase("targets");
  const Date start = Date::from_serial(first);
  sc["name"] = "From history: " + (h.name.empty() ? mapping_path : h.name);
  const std::string not_expressed = fmt::format(
      "Generated by salesim history to-scenario from {}; estimates and their counts are in the .fit.json sidecar. "
      "A won deal is one order of one unit of its product. NOT expressed by the engine (see docs/history.md#to-scenario): "
      "win rates by stage and product (won/(won+lost) = {:.1f}% overall) and lost deals; the sales cycle (won deals took "
      "{:.0f} days on average from created to close) - customers order at a constant rate instead; the quarter-end "
      "rhythm of closing; accounts shared by several reps (each account here has one rep); costs (unit cost set to 0, "
      "so gross margin is not meaningful); amounts are in the export's currency although parameters say CNY.",
      mapping_path, 100.0 * double(won) / double(won + lost), mean(won_cycle));
  sc["description"] = not_expressed;
  json clock = sc.value("clock", json::object());
  clock["start_date"] = Date{start.year, start.month, 1}.str();
  clock["days"] = 365;
  clock["tick_hours"] = kTickHours;
  clock["holidays"] = json::array();
  json workdays = json::array();
  for (size_t k = 0; k < 7; ++k)
    if (workday[k]) workdays.push_back(kWeekdays[k]);
  if (!workdays.empty()) clock["rep_workdays"] = workdays;
  sc["clock"] = clock;
  json regs = json::array();
  for (size_t g = 0; g < h.regions.size(); ++g) {
    if (!region_reps[g]) continue;
    const double mult = double(region_won[g]) / double(region_reps[g]) / won_per_rep;
    regs.push_back({{"name", h.regions[g]}, {"rep_share", r4(double(region_reps[g]) / double(R))},
                    {"demand_multiplier", r4(std::clamp(mult, 0.0, 10.0))}, {"tier", "A"}});
  }
  if (regs.empty()) regs.push_back({{"name", "All"}});
  sc["regions"] = regs;
  json skus = json::array();
  for (size_t p = 0; p < h.products.size(); ++p) {
    if (!prod_won[p]) continue;  // popularity must be > 0: a product never won is left out (noted in the fit)
    const double price = std::isfinite(h.products[p].price) && h.products[p].price > 0
                             ? h.products[p].price : prod_value[p] / double(prod_won[p]);
    skus.push_back({{"name", h.products[p].name},
                    {"category", h.products[p].series.empty() ? "general" : h.products[p].series},
                    {"price_cny", r4(price)}, {"unit_cost_cny", 0.0},
                    {"popularity", r4(double(prod_won[p]) / double(won))}});
  }
  if (skus.empty())
    skus.push_back({{"name", "deal"}, {"price_cny", r4(mean(won_values))}, {"unit_cost_cny", 0.0}, {"popularity", 1}});
  sc["skus"] = skus;
  json reps = sc.value("reps", json::object());
  reps["count"] = std::max<size_t>(1, R);
  if (std::isfinite(engaged_per_rep_day) && engaged_per_rep_day > 0) reps["visits_per_day"] = r4(std::min(200.0, engaged_per_rep_day));
  reps["new_hire_share"] = 0.0;  // tenure is not in the export
  sc["reps"] = reps;
  sc["pods"] = {{"size", pod_size}};
  std::vector<double> shares(9, 0.0);
  shares[8] = 1.0;  // every account with a won deal is a repeat customer
  sc["accounts"] = {{"per_rep", r6(n_accounts / double(std::max<size_t>(1, R)))},
                    {"tier_shares", {{"A", 1.0}, {"B", 0.0}, {"C", 0.0}}},
                    {"tier_order_multiplier", {{"A", 1.0}, {"B", 1.0}, {"C", 1.0}}},
                    {"size_sigma", r4(std::min(3.0, size_sigma))},
                    {"initial_stage_shares", shares}};
  json churn = sc.value("churn", json::object());
  churn["base_per_day"] = r6(churn_per_day);
  churn["neglect_per_month"] = 0.0;  // service visits are not in the export
  churn["promo_sensitivity"] = 0.0;
  sc["churn"] = churn;
  json profile = json::array();
  double wsum = 0;
  for (double x : close_weekday) wsum += x;
  for (double x : close_weekday) profile.push_back(r4(x / wsum * 7));
  const double tick_share = kTickHours / 24.0;
  const double rate = -std::log(1.0 - std::min(0.99, orders_per_account_day * tick_share)) / tick_share;
  sc["demand"] = {{"model", "seasonal_poisson"}, {"orders_per_day", r6(rate)},
                  {"lines_per_order", 1.0}, {"qty_per_line", 1.0}, {"weekday_profile", profile},
                  {"annual_amplitude", 0.0}, {"discount", r4(discount)}, {"weather_effect", 0.0},
                  {"promo_effect", 0.0}};
  sc["signals"] = {{"competitor_promos_per_year", 0}};
  // Reps keep accounts served but do not take orders: in the export the rep's work is in the deal,
  // which the demand rate already counts; an order-taking visit would add orders the history lacks.
  sc["rep_behaviour"] = {{"model", "count_based"}, {"check_in_share", 0.5}, {"merchandising_share", 0.5}};
  // Deals are not shipped from regional stock: enough cover that stock never limits revenue.
  sc["inventory"] = {{"lead_days", 1}, {"review_days", 7}, {"safety_factor", 10}, {"initial_cover_days", 120}};
  sc["targets"] = {
      {"output_per_rep_month", {{"value", r4(mean(won_values) * double(won) / double(std::max<size_t>(1, R)) / months)},
                                {"source", fmt::format("history: won value / {} active reps / {:.2f} months", R, months)}}},
      {"orders", {{"value", std::round(double(won) / window_days * 365.0)},
                  {"source", fmt::format("history: {} won deals in {} days, scaled to 365", won, window_days)}}},
      {"median_basket", {{"value", num(median(won_values))}, {"source", "history: median won deal value"}}}};
  return {sc, fit};
}

}  // namespace salesim::models
