// History import (sim/history.hpp) and forecast backtests (models/backtest.hpp): the CSV reader on
// messy input, declared date and number formats, name matching, every row accounted for, mapping
// errors named by JSON pointer, the shared CRM export's known problems, and metrics checked by hand.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "models/backtest.hpp"
#include "models/models.hpp"
#include "sim/history.hpp"

using namespace salesim;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string src(const std::string& rel) { return std::string(SALESIM_SOURCE_DIR) + "/" + rel; }

json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return json::parse(in);
}

std::vector<CsvRecord> read_all(std::string_view text, CsvDialect d = {}) {
  CsvReader r(text, d);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  while (r.next(rec)) out.push_back(rec);
  return out;
}

std::vector<const RowProblem*> problems(const History& h, const std::string& reason) {
  std::vector<const RowProblem*> out;
  for (const auto& p : h.report.problems)
    if (p.reason == reason) out.push_back(&p);
  return out;
}

const Opportunity* opp(const History& h, const std::string& id) {
  for (const auto& o : h.opportunities)
    if (o.id == id) return &o;
  return nullptr;
}

bool mentions(const std::vector<Problem>& ps, const std::string& where, const std::string& what) {
  for (const auto& p : ps)
    if (p.where == where && p.what.find(what) != std::string::npos) return true;
  return false;
}

std::string dump(const std::vector<Problem>& ps) {
  std::string s;
  for (const auto& p : ps) s += p.str() + "\n";
  return s;
}

// A scratch directory with files written by the test.
struct Scratch {
  fs::path dir;
  explicit Scratch(const std::string& name) : dir(fs::temp_directory_path() / ("salesim-test-" + name)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(dir / name, std::ios::binary) << bytes;
  }
};

HistoryLoad load_messy(const std::function<void(json&)>& edit = {}) {
  json m = read_json(src("tests/data/history/messy.json"));
  if (edit) edit(m);
  return load_history_json(m, src("tests/data/history"), "messy.json");
}

}  // namespace

// ---- CSV -------------------------------------------------------------------------------------------

TEST_CASE("CSV: quoted delimiters, doubled quotes, newlines inside quotes, CRLF and line numbers", "[history][csv]") {
  const auto recs = read_all("a,b\r\n\"x,1\",\"he said \"\"hi\"\"\"\r\n\"multi\r\nline\",z\r\nlast,row");
  REQUIRE(recs.size() == 4);
  CHECK(recs[0].fields == std::vector<std::string>{"a", "b"});
  CHECK(recs[1].fields == std::vector<std::string>{"x,1", "he said \"hi\""});
  CHECK(recs[1].line == 2);
  CHECK(recs[2].fields == std::vector<std::string>{"multi\nline", "z"});
  CHECK(recs[2].line == 3);
  CHECK(recs[2].end_line == 4);
  CHECK(recs[3].line == 5);  // the physical line, after the two-line record
  CHECK(recs[3].fields == std::vector<std::string>{"last", "row"});  // no final line end
  for (const auto& r : recs) CHECK(r.error.empty());
}

TEST_CASE("CSV: a UTF-8 BOM is skipped; lone CR line ends; blank fields and blank lines", "[history][csv]") {
  CsvReader r("\xEF\xBB\xBFid,v\rA,\r\r,\r");
  CsvRecord rec;
  REQUIRE(r.next(rec));
  CHECK(r.had_bom());
  CHECK(rec.fields == std::vector<std::string>{"id", "v"});
  REQUIRE(r.next(rec));
  CHECK(rec.fields == std::vector<std::string>{"A", ""});
  CHECK(rec.line == 2);
  REQUIRE(r.next(rec));
  CHECK(rec.blank);
  CHECK(rec.line == 3);
  REQUIRE(r.next(rec));
  CHECK(rec.fields == std::vector<std::string>{"", ""});
  CHECK(rec.line == 4);
  CHECK_FALSE(r.next(rec));
}

TEST_CASE("CSV: an unclosed quote spoils only its own line; text after a closing quote is an error", "[history][csv]") {
  auto recs = read_all("h1,h2\n\"x,1\n2,3\n5,6\n");
  REQUIRE(recs.size() == 4);
  CHECK(recs[1].line == 2);
  CHECK(recs[1].error == "a quote opened on line 2 in field 1 is never closed");
  CHECK(recs[1].raw == "\"x,1");
  CHECK(recs[2].line == 3);
  CHECK(recs[2].fields == std::vector<std::string>{"2", "3"});
  CHECK(recs[2].error.empty());
  CHECK(recs[3].line == 4);

  recs = read_all("h1,h2\n\"ok\"junk,4\n5,6\n");
  REQUIRE(recs.size() == 3);
  CHECK(recs[1].error_field == 1);
  CHECK_THAT(recs[1].error, Catch::Contains("text after the closing quote of field 1"));
  CHECK(recs[1].raw == "\"ok\"junk,4");
  CHECK(recs[2].fields == std::vector<std::string>{"5", "6"});

  // A stray quote closed by another one lines later is valid CSV: one record over several lines, which
  // the importer then rejects for its field count, naming the lines it spans.
  recs = read_all("h1,h2\na,\"b\nc,d\ne,f\"\n");
  REQUIRE(recs.size() == 2);
  CHECK(recs[1].line == 2);
  CHECK(recs[1].end_line == 4);
}

TEST_CASE("CSV: other delimiters, trimming and re-quoting", "[history][csv]") {
  const auto recs = read_all("a; b ;\" c \"\n", CsvDialect{';', '"', true});
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].fields == std::vector<std::string>{"a", "b", " c "});
  const auto tabs = read_all("a\t\t \"b\" \t c \n", CsvDialect{'\t', '"', true});
  REQUIRE(tabs.size() == 1);
  CHECK(tabs[0].fields == std::vector<std::string>{"a", "", "b", "c"});
  CHECK(tabs[0].error.empty());
  CHECK(csv_quote("plain") == "plain");
  CHECK(csv_quote("a,b") == "\"a,b\"");
  CHECK(csv_quote("say \"x\"") == "\"say \"\"x\"\"\"");
  CHECK(csv_join({"1", "two,2", ""}) == "1,\"two,2\",");
}

// ---- formats ---------------------------------------------------------------------------------------

TEST_CASE("Dates follow the declared layout and are never guessed", "[history][format]") {
  std::string err;
  const auto dmy = DateFormat::compile("DD/MM/YYYY", err);
  const auto mdy = DateFormat::compile("MM/DD/YYYY", err);
  REQUIRE(dmy);
  REQUIRE(mdy);
  CHECK(dmy->parse("03/04/2017") == Date{2017, 4, 3});
  CHECK(mdy->parse("03/04/2017") == Date{2017, 3, 4});
  CHECK_FALSE(dmy->parse("04/13/2017"));  // month 13
  CHECK(mdy->parse("04/13/2017") == Date{2017, 4, 13});
  CHECK_FALSE(dmy->parse("31/02/2017"));  // no such day
  CHECK_FALSE(dmy->parse("3/4/2017"));    // DD needs two digits
  CHECK_FALSE(dmy->parse("2017-04-03"));
  CHECK_FALSE(dmy->parse("03/04/2017 "));
  CHECK(DateFormat::compile("D.M.YYYY", err)->parse("3.4.2017") == Date{2017, 4, 3});
  CHECK(DateFormat::compile("DD-MMM-YYYY", err)->parse("03-apr-2017") == Date{2017, 4, 3});
  CHECK(DateFormat::compile("YYYY-MM-DD*", err)->parse("2017-04-03 10:22:00") == Date{2017, 4, 3});
  CHECK(DateFormat::compile("YYYY-MM-DD", err)->parse("2016-02-29") == Date{2016, 2, 29});
  CHECK_FALSE(DateFormat::compile("YYYY-MM-DD", err)->parse("2017-02-29"));

  CHECK_FALSE(DateFormat::compile("DD/MM/YY", err));
  CHECK_THAT(err, Catch::Contains("two-digit years are ambiguous"));
  CHECK_FALSE(DateFormat::compile("YYYY-MM", err));
  CHECK_THAT(err, Catch::Contains("needs a year"));
  CHECK_FALSE(DateFormat::compile("YYYY-MM-DD hh", err));
  CHECK_THAT(err, Catch::Contains("unknown token 'h'"));
}

TEST_CASE("Numbers follow the declared separators; grouping is checked", "[history][format]") {
  NumberFormat eu{',', '.', ""};
  CHECK(eu.parse("1.054,50") == Approx(1054.5));
  CHECK(eu.parse("12") == Approx(12));
  CHECK(eu.parse("-3,25") == Approx(-3.25));
  CHECK_FALSE(eu.parse("12.34"));  // not 1234: the group has two digits
  CHECK_FALSE(eu.parse("1,2,3"));
  NumberFormat us{'.', ',', "$ "};
  CHECK(us.parse("$1,234,567.5") == Approx(1234567.5));
  CHECK(us.parse("(1,200)") == Approx(-1200));
  CHECK_FALSE(us.parse("1,23"));
  CHECK_FALSE(us.parse("12a"));
  CHECK_FALSE(us.parse("1e5"));
  CHECK_FALSE(us.parse("-"));
  CHECK_FALSE(us.parse(""));
  NumberFormat plain{};
  CHECK_FALSE(plain.parse("1,054"));  // no thousands separator declared: an error, not 1 or 1054
  CHECK(plain.parse(" 7.5 ") == Approx(7.5));
}

TEST_CASE("Name normalisation folds case, spaces and punctuation only", "[history][format]") {
  CHECK(normalise_name("GTX Pro") == normalise_name("GTXPro"));
  CHECK(normalise_name("gtx-pro.") == "gtxpro");
  CHECK(normalise_name("GTX Plus Pro") != normalise_name("GTX Pro"));
  CHECK(normalise_name("Café") == "caf\xC3\xA9");
  CHECK(edit_distance("technolgy", "technology") == 1);
  CHECK(edit_distance("", "abc") == 3);
}

// ---- the messy fixture -----------------------------------------------------------------------------

TEST_CASE("Messy export: every row accounted for, problems by file:line and column", "[history][import]") {
  HistoryLoad r = load_messy();
  INFO(dump(r.mapping_problems));
  REQUIRE(r.ok());
  const History& h = *r.history;
  for (const auto& f : h.report.files) {
    INFO(f.path);
    CHECK(f.accepted + f.rejected == f.rows_read);
  }
  const FileReport& pipe = h.report.files.back();
  CHECK(pipe.role == "opportunities");
  CHECK(pipe.bom);
  CHECK(pipe.crlf);
  CHECK(pipe.rows_read == 16);
  CHECK(pipe.accepted == 7);
  CHECK(pipe.rejected == 9);
  CHECK(h.opportunities.size() == 7);
  CHECK(h.report.rejected() == 9);
  CHECK(h.report.rejected_records.size() == 9);

  // The exact message of a bad date, with the layout that would have read it.
  const auto bad_dates = problems(h, "bad_date");
  REQUIRE(bad_dates.size() == 2);
  const std::string file = (fs::path(src("tests/data/history")) / "messy/pipeline.csv").lexically_normal().string();
  CHECK(bad_dates[0]->str() == file + ":8: column close_date: '2017-03-20' is not a date (expected DD/MM/YYYY; it would "
                                      "read as YYYY-MM-DD)");
  CHECK(bad_dates[1]->str() == file + ":13: column engage_date: '31/02/2017' is not a date (expected DD/MM/YYYY)");

  // Each rejected line with its reason.
  std::map<size_t, std::string> rejected;
  for (const auto& p : h.report.problems)
    if (p.severity == RowProblem::kRejected) rejected[p.line] = p.reason;
  const std::map<size_t, std::string> expected = {
      {8, "bad_date"},    {9, "missing_close_date"}, {10, "unknown_rep"},  {12, "blank_line"},   {13, "bad_date"},
      {14, "bad_number"}, {15, "duplicate_id"},      {16, "malformed_csv"}, {18, "field_count"}};
  CHECK(rejected == expected);
  CHECK(problems(h, "duplicate_id")[0]->detail == "opportunity id 'A1' already used on line 2");
  CHECK(problems(h, "bad_number")[0]->detail ==
        "'12.34' is not a number (decimal separator ',', thousands separator '.')");
  CHECK(problems(h, "malformed_csv")[0]->column == "notes");
  CHECK(problems(h, "unknown_rep")[0]->column == "sales_agent");

  // Warnings on accepted rows.
  REQUIRE(problems(h, "name_normalised").size() == 1);
  CHECK(problems(h, "name_normalised")[0]->line == 3);
  CHECK_THAT(problems(h, "name_normalised")[0]->detail, Catch::Contains("'GTXPro' matches 'GTX Pro'"));
  REQUIRE(problems(h, "open_without_account").size() == 1);
  CHECK(problems(h, "open_without_account")[0]->line == 7);
  REQUIRE(problems(h, "open_without_created").size() == 1);
  CHECK(problems(h, "open_without_created")[0]->line == 11);
  REQUIRE(problems(h, "near_duplicate").size() == 1);
  CHECK(problems(h, "near_duplicate")[0]->line == 4);
  CHECK_THAT(problems(h, "near_duplicate")[0]->detail, Catch::Contains("'technolgy' (1 row) looks like a variant of 'technology'"));
}

TEST_CASE("Messy export: values read as declared, blanks stay blank", "[history][import]") {
  HistoryLoad r = load_messy();
  REQUIRE(r.ok());
  const History& h = *r.history;
  const Opportunity* a1 = opp(h, "A1");
  REQUIRE(a1);
  CHECK(a1->value == Approx(1054.5));
  CHECK(Date::from_serial(a1->created) == Date{2016, 10, 20});  // 20/10/2016, day first
  CHECK(Date::from_serial(a1->closed) == Date{2017, 3, 1});
  CHECK(a1->line == 2);
  const Opportunity* a2 = opp(h, "A2");
  REQUIRE(a2);
  CHECK(h.accounts[size_t(a2->account)].name == "Isdom, Inc.");
  CHECK(h.products[size_t(a2->product)].name == "GTX Pro");
  const Opportunity* a3 = opp(h, "A3");
  REQUIRE(a3);
  CHECK(h.accounts[size_t(a3->account)].name == "Codehow \"The Best\"");
  CHECK(a3->status == DealStatus::kLost);
  const Opportunity* a4 = opp(h, "A4");
  REQUIRE(a4);
  CHECK(a4->line == 5);
  const Opportunity* a13 = opp(h, "A13");
  REQUIRE(a13);
  CHECK(a13->line == 17);  // after the record spanning lines 5-6 and the broken line 16
  const Opportunity* a5 = opp(h, "A5");
  REQUIRE(a5);
  CHECK(a5->status == DealStatus::kOpen);
  CHECK(a5->account == kNoId);
  CHECK(a5->closed == kNoDate);
  CHECK(std::isnan(a5->value));
  const Opportunity* a9 = opp(h, "A9");
  REQUIRE(a9);
  CHECK(a9->created == kNoDate);
  // The accounts file is ';'-separated with ' ' as thousands separator.
  CHECK(h.accounts[0].name == "Cancity");
  CHECK(h.accounts[0].employees == Approx(2000));
  // Regions come from the reps file.
  CHECK(h.regions == std::vector<std::string>{"Central", "East"});
}

TEST_CASE("Rejects file: one line per rejected row with the record as written", "[history][import]") {
  HistoryLoad r = load_messy();
  REQUIRE(r.ok());
  const std::string csv = problems_csv(r.history->report, RowProblem::kRejected);
  CsvReader reader(csv);
  CsvRecord rec;
  REQUIRE(reader.next(rec));
  CHECK(rec.fields == std::vector<std::string>{"file", "line", "column", "reason", "detail", "record"});
  size_t rows = 0;
  while (reader.next(rec)) {
    ++rows;
    REQUIRE(rec.fields.size() == 6);
    if (rec.fields[1] == "14") CHECK(rec.fields[5] == "A11,Moses Frase,GTX Basic,Cancity,Won,01/02/2017,15/03/2017,12.34,");
  }
  CHECK(rows == r.history->report.rejected());
  const std::string warnings = problems_csv(r.history->report, RowProblem::kWarning);
  CHECK(size_t(std::count(warnings.begin(), warnings.end(), '\n')) == r.history->report.warnings() + 1);
}

TEST_CASE("Aliases accept a spelling explicitly; allowed lists flag typos", "[history][import]") {
  HistoryLoad r = load_messy([](json& m) {
    m["aliases"]["product"]["GTXPro"] = "GTX Pro";
    m["aliases"]["sector"]["technolgy"] = "technology";
    m["reps"]["allowed"]["region"] = {"Central", "West"};
  });
  INFO(dump(r.mapping_problems));
  REQUIRE(r.ok());
  const History& h = *r.history;
  CHECK(problems(h, "name_normalised").empty());
  CHECK(problems(h, "near_duplicate").empty());
  CHECK(h.accounts[2].sector == "technology");
  const auto notes = h.report.notes;
  CHECK(std::find(notes.begin(), notes.end(), "alias product 'GTXPro' -> 'GTX Pro' applied to 1 row") != notes.end());
  const auto not_allowed = problems(h, "value_not_allowed");
  REQUIRE(not_allowed.size() == 1);
  CHECK(not_allowed[0]->line == 4);
  CHECK(not_allowed[0]->column == "regional_office");
  CHECK_THAT(not_allowed[0]->detail, Catch::Contains("region 'East' is not in the mapping's allowed list"));
}

TEST_CASE("Without entity files, entities are derived from the opportunities and said so", "[history][import]") {
  HistoryLoad r = load_messy([](json& m) {
    m.erase("reps");
    m.erase("products");
  });
  REQUIRE(r.ok());
  const History& h = *r.history;
  // No reps file: every rep named on an accepted row is a rep, "Nobody Known" included; names on
  // rejected rows create nothing. Products are spelled as first seen ("GTXPro": nothing is renamed).
  CHECK(problems(h, "unknown_rep").empty());
  std::vector<std::string> reps, products;
  for (const auto& r : h.reps) reps.push_back(r.name);
  for (const auto& p : h.products) products.push_back(p.name);
  CHECK(reps == std::vector<std::string>{"Moses Frase", "Darcel Schlecht", "Nobody Known"});
  CHECK(products == std::vector<std::string>{"GTX Basic", "GTXPro", "MG Special"});
  CHECK(h.opportunities.size() == 8);
  CHECK(std::find(h.report.notes.begin(), h.report.notes.end(), "3 reps known only from the opportunities (no /reps file)") !=
        h.report.notes.end());
  // An alias names a derived entity: GTXPro rows count as the product "GTX Pro", which no file defines.
  HistoryLoad aliased = load_messy([](json& m) {
    m.erase("products");
    m["aliases"]["product"]["GTXPro"] = "GTX Pro";
  });
  REQUIRE(aliased.ok());
  std::vector<std::string> aliased_products;
  for (const auto& p : aliased.history->products) aliased_products.push_back(p.name);
  CHECK(aliased_products == std::vector<std::string>{"GTX Basic", "GTX Pro", "MG Special"});
  CHECK(problems(*aliased.history, "name_normalised").empty());
  // A rep that appears only on a rejected row is not created.
  Scratch s("derived");
  s.write("d.csv", "id,stage,rep,closed\nD1,Won,Ann,2017-01-05\nD2,Won,Ghost,2017-13-01\nD3,Won,Ann,2017-01-06\n");
  s.write("m.json", R"({"opportunities": {"file": "d.csv", "columns": {"id": "id", "stage": "stage", "rep": "rep",
                        "close_date": "closed"}, "stages": [{"name": "Won", "status": "won"}]}})");
  HistoryLoad d = load_history((s.dir / "m.json").string());
  REQUIRE(d.ok());
  REQUIRE(d.history->reps.size() == 1);
  CHECK(d.history->reps[0].name == "Ann");
  CHECK(d.history->opportunities[1].rep == 0);
}

// ---- mapping errors --------------------------------------------------------------------------------

TEST_CASE("Mapping errors name the JSON pointer and what was expected", "[history][mapping]") {
  struct Case { std::function<void(json&)> edit; std::string where, what; };
  const std::vector<Case> cases = {
      {[](json& m) { m["opportunities"]["colums"] = m["opportunities"]["columns"]; },
       "/opportunities/colums", "unknown key \"colums\" (did you mean \"columns\"?)"},
      {[](json& m) { m["opportunities"].erase("columns"); }, "/opportunities/columns", "is required but missing"},
      {[](json& m) { m["opportunities"]["columns"].erase("id"); }, "/opportunities/columns/id", "is required but missing"},
      {[](json& m) { m["opportunities"]["stages"][1]["status"] = "closed"; }, "/opportunities/stages/1/status",
       "must be one of \"open\", \"won\", \"lost\", got \"closed\""},
      {[](json& m) { m["opportunities"]["stages"] = json::array({{{"name", "Open"}, {"status", "open"}}}); },
       "/opportunities/stages", "no stage has status \"won\""},
      {[](json& m) { m["opportunities"]["stages"][1]["name"] = "Prospecting"; }, "/opportunities/stages/1/name",
       "listed twice"},
      {[](json& m) { m["opportunities"]["columns"]["close_date"] = "closedate"; }, "/opportunities/columns/close_date",
       "no column \"closedate\" in the header of"},
      {[](json& m) { m["opportunities"]["columns"]["close_date"] = "Close Date"; }, "/opportunities/columns/close_date",
       "(did you mean \"close_date\"?)"},
      {[](json& m) { m["opportunities"]["file"] = "messy/nope.csv"; }, "/opportunities/file", "cannot open \"messy/nope.csv\""},
      {[](json& m) { m["date_format"] = "DD/MM/YY"; }, "/date_format", "two-digit years are ambiguous"},
      {[](json& m) { m["accounts"]["date_format"] = "YYYY"; }, "/accounts/date_format", "needs a year"},
      {[](json& m) { m["numbers"]["thousands"] = ","; }, "/numbers/thousands", "must differ from the decimal separator"},
      {[](json& m) { m["numbers"]["decimal"] = ";"; }, "/numbers/decimal", "must be one of"},
      {[](json& m) { m["accounts"]["csv"]["delimiter"] = ";;"; }, "/accounts/csv/delimiter", "must be one character"},
      {[](json& m) { m["aliases"]["product"]["GTXPro"] = "GTX Pr"; }, "/aliases/product/GTXPro",
       "\"GTX Pr\" is not a product in the file of /products (did you mean \"GTX Pro\"?)"},
      {[](json& m) { m["aliases"]["stage"]["Closed Won"] = "Winning"; }, "/aliases/stage/Closed Won",
       "\"Winning\" is not in /opportunities/stages"},
      {[](json& m) { m["as_of"] = "2017-13-01"; }, "/as_of", "is not a date"},
      {[](json& m) { m["signals"] = json::array({{{"name", "web"}, {"file", "messy/teams.csv"}, {"key_level", "region"},
                                                   {"columns", {{"date", "manager"}, {"value", "manager"}}}}}); },
       "/signals/0/columns/key", "is required when key_level is \"region\""},
      {[](json& m) { m["reps"]["allowed"]["sector"] = json::array({"x"}); }, "/reps/allowed/sector", "unknown key"},
  };
  for (const Case& c : cases) {
    HistoryLoad r = load_messy(c.edit);
    INFO("expected " << c.where << ": " << c.what << "\ngot:\n" << dump(r.mapping_problems));
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.history.has_value());
    CHECK(mentions(r.mapping_problems, c.where, c.what));
  }
}

TEST_CASE("Mapping files: syntax errors by line and column, missing files, non-objects", "[history][mapping]") {
  Scratch s("mapping");
  s.write("bad.json", "{\n  \"opportunities\": {\n    \"file\": \"x.csv\",\n  }\n}\n");
  HistoryLoad r = load_history((s.dir / "bad.json").string());
  REQUIRE(r.mapping_problems.size() == 1);
  CHECK(r.mapping_problems[0].where == (s.dir / "bad.json").string() + ":4:3");
  CHECK_THAT(r.mapping_problems[0].what, Catch::Contains("not valid JSON"));
  r = load_history((s.dir / "none.json").string());
  REQUIRE(r.mapping_problems.size() == 1);
  CHECK_THAT(r.mapping_problems[0].what, Catch::Contains("cannot open the mapping file"));
  r = load_history_json(json::array(), s.dir.string(), "x");
  REQUIRE(r.mapping_problems.size() == 1);
  CHECK(r.mapping_problems[0].what == "a mapping must be a JSON object, got an array of 0");
  // A file whose header cannot be read.
  s.write("empty.csv", "");
  s.write("m.json", R"({"opportunities": {"file": "empty.csv", "columns": {"id": "id", "stage": "stage"},
                        "stages": [{"name": "Won", "status": "won"}]}})");
  r = load_history((s.dir / "m.json").string());
  CHECK(mentions(r.mapping_problems, "/opportunities/file", "is empty"));
  s.write("utf16.csv", std::string("\xFF\xFEi\0d\0", 6));
  s.write("m.json", R"({"opportunities": {"file": "utf16.csv", "columns": {"id": "id", "stage": "stage"},
                        "stages": [{"name": "Won", "status": "won"}]}})");
  r = load_history((s.dir / "m.json").string());
  CHECK(mentions(r.mapping_problems, "/opportunities/file", "is UTF-16"));
}

TEST_CASE("Another export by mapping only: orders, signals, Latin-1, percent discounts, month-first dates", "[history][import]") {
  Scratch s("orders");
  s.write("deals.csv", "Deal;Stage;Owner;Closed\nD1;Closed Won;Zoë;03/31/2017\nD2;Closed Lost;Zoë;04/02/2017\n");
  s.write("reps.csv", "name,area\nZo\xEB,Nord\n");  // Latin-1 e-diaeresis
  s.write("orders.csv",
          "order,day,client,sku,qty,price,disc\n"
          "O1,03/01/2017,Acme,SKU-1,2,\"1,000.00\",10\n"
          "O2,03/02/2017,Acme,sku 1,1,50,\n"        // normalised SKU, blank discount
          "O3,03/02/2017,Acme,SKU-9,1,50,0\n"       // unknown SKU: no products file, so it is a new product
          "O4,03/03/2017,,SKU-1,-1,50,0\n"          // a return without a customer
          "O5,03/04/2017,Acme,SKU-1,1,,0\n"         // no price, no value
          "O6,03/05/2017,Acme,SKU-1,1,50,150\n");   // discount over 100%
  s.write("web.csv", "date,visits,region\n03/01/2017,10,Nord\n03/02/2017,12,Sud\n03/03/2017,,Nord\n");
  s.write("m.json", R"({
    "date_format": "MM/DD/YYYY",
    "opportunities": {"file": "deals.csv", "csv": {"delimiter": ";"},
                      "columns": {"id": "Deal", "stage": "Stage", "rep": "Owner", "close_date": "Closed"},
                      "stages": [{"name": "Closed Won", "status": "won"}, {"name": "Closed Lost", "status": "lost"}]},
    "reps": {"file": "reps.csv", "csv": {"encoding": "latin-1"}, "columns": {"name": "name", "region": "area"}},
    "orders": {"file": "orders.csv", "numbers": {"thousands": ","}, "discount_unit": "percent",
               "columns": {"id": "order", "date": "day", "customer": "client", "sku": "sku", "quantity": "qty",
                           "unit_price": "price", "discount": "disc"}},
    "signals": [{"name": "web_visits", "file": "web.csv", "key_level": "region",
                 "columns": {"date": "date", "value": "visits", "key": "region"}}]
  })");
  HistoryLoad r = load_history((s.dir / "m.json").string());
  INFO(dump(r.mapping_problems));
  REQUIRE(r.ok());
  const History& h = *r.history;
  for (const auto& p : h.report.problems) UNSCOPED_INFO(p.str());
  REQUIRE(h.reps.size() == 1);
  CHECK(h.reps[0].name == "Zo\xC3\xAB");  // converted to UTF-8, and it matches the UTF-8 pipeline
  CHECK(h.opportunities.size() == 2);
  CHECK(Date::from_serial(h.opportunities[0].closed) == Date{2017, 3, 31});
  CHECK(h.has_orders);
  REQUIRE(h.orders.size() == 4);
  CHECK(h.orders[0].value == Approx(2 * 1000.0 * 0.9));
  CHECK(h.orders[1].discount == 0);
  CHECK(h.orders[1].product == h.orders[0].product);
  CHECK(h.orders[3].quantity == -1);
  CHECK(problems(h, "name_normalised").size() == 1);
  CHECK(problems(h, "negative_quantity").size() == 1);
  CHECK(problems(h, "missing_customer").size() == 1);
  CHECK(problems(h, "missing_price").size() == 1);
  CHECK(problems(h, "missing_price")[0]->line == 6);
  CHECK(problems(h, "bad_discount").size() == 1);
  // Signals: the region 'Sud' has no rep, a point without a value is rejected.
  REQUIRE(h.signals.size() == 1);
  CHECK(h.signals[0].points.size() == 1);
  CHECK(problems(h, "unknown_region").size() == 1);
  CHECK(problems(h, "missing_value").size() == 1);
  for (const auto& f : h.report.files) CHECK(f.accepted + f.rejected == f.rows_read);

  // Order value by day adds up to the accepted order lines (the return included); the pipeline model
  // forecasts won deals and declines this measure.
  const auto set = models::build_series(h, models::Level::kTotal, models::Period::kDay, models::Measure::kOrderValue);
  double total = 0, lines = 0;
  for (double v : set.values) total += v;
  for (const auto& o : h.orders) lines += o.value;
  CHECK(total == Approx(lines));
  CHECK(total == Approx(1800 + 50 + 50 - 50));
  CHECK(set.label(0) == "2017-03-01");
  models::BacktestOptions opt;
  opt.models = {"pipeline", "naive"};
  opt.horizon = 1;
  const auto res = models::run_backtest(h, set, opt);
  REQUIRE(!res.notes.empty());
  CHECK_THAT(res.notes[0], Catch::Contains("pipeline: no forecast") && Catch::Contains("not order value"));
  CHECK(res.metrics[0].acc.points == 0);
  CHECK(res.metrics[1].acc.points > 0);
}

TEST_CASE("Invalid UTF-8 is rejected with a hint, not passed on", "[history][import]") {
  Scratch s("utf8");
  s.write("deals.csv", "id,stage\nD1,Won\nD\xE9,Won\n");
  s.write("m.json", R"({"opportunities": {"file": "deals.csv", "columns": {"id": "id", "stage": "stage"},
                        "stages": [{"name": "Won", "status": "won"}]}})");
  HistoryLoad r = load_history((s.dir / "m.json").string());
  REQUIRE(r.ok());
  const auto bad = problems(*r.history, "invalid_utf8");
  REQUIRE(bad.size() == 1);
  CHECK(bad[0]->line == 3);
  CHECK(bad[0]->column == "id");
  CHECK_THAT(bad[0]->detail, Catch::Contains("byte 0xE9 at character 2 is not UTF-8"));
}

// ---- the shared CRM export -------------------------------------------------------------------------

TEST_CASE("Shared CRM export: the known problems are reported by line, nothing lost", "[history][shared]") {
  const std::string data = src("../shared/data/crm-opportunities");
  if (!fs::exists(data + "/sales_pipeline.csv")) {
    WARN("the shared CRM export is not at " << data << "; skipped");
    return;
  }
  HistoryLoad r = load_history(src("scenarios/history/crm-opportunities.json"));
  INFO(dump(r.mapping_problems));
  REQUIRE(r.ok());
  const History& h = *r.history;
  size_t rows = 0;
  for (const auto& f : h.report.files) {
    CHECK(f.accepted + f.rejected == f.rows_read);
    rows += f.rows_read;
  }
  CHECK(rows == 8800 + 35 + 85 + 7);
  CHECK(h.opportunities.size() + h.report.rejected() == 8800);
  CHECK(h.reps.size() == 35);
  CHECK(h.accounts.size() == 85);
  CHECK(h.products.size() == 7);

  // "GTXPro" in the pipeline vs "GTX Pro" in products.csv, on every such line; the first is line 3.
  const auto gtx = problems(h, "name_normalised");
  CHECK(gtx.size() == 1480);
  REQUIRE(!gtx.empty());
  CHECK(gtx[0]->line == 3);
  CHECK(gtx[0]->column == "product");
  CHECK_THAT(gtx[0]->detail, Catch::Contains("'GTXPro' matches 'GTX Pro'"));
  // Open deals without an account or without an engage date.
  const auto no_account = problems(h, "open_without_account");
  CHECK(no_account.size() == 1425);
  REQUIRE(!no_account.empty());
  CHECK(no_account[0]->line == 11);
  const auto no_date = problems(h, "open_without_created");
  CHECK(no_date.size() == 500);
  REQUIRE(!no_date.empty());
  CHECK(no_date[0]->line == 8302);
  // The sector typo, on the accounts' lines.
  const auto typo = problems(h, "value_not_allowed");
  REQUIRE(typo.size() >= 12);
  size_t sector_typos = 0;
  for (const auto* p : typo)
    if (p->column == "sector") {
      ++sector_typos;
      CHECK_THAT(p->detail, Catch::Contains("sector 'technolgy'") && Catch::Contains("did you mean 'technology'?"));
    }
  CHECK(sector_typos == 12);
  CHECK(typo[0]->line == 2);  // Acme Corporation
  // The open deals are kept open with blanks, not invented.
  const HistorySummary s = summarise(h);
  CHECK(s.won == 4238);
  CHECK(s.lost == 2473);
  CHECK(s.open == 2089);
  CHECK(s.won_value == Approx(10005534));
  CHECK(Date::from_serial(s.closed_first) == Date{2017, 3, 1});
  CHECK(Date::from_serial(s.closed_last) == Date{2017, 12, 31});
}

TEST_CASE("Shared CRM export: pipeline forecast equals an independent computation", "[history][shared][backtest]") {
  const std::string data = src("../shared/data/crm-opportunities");
  if (!fs::exists(data + "/sales_pipeline.csv")) {
    WARN("the shared CRM export is not at " << data << "; skipped");
    return;
  }
  HistoryLoad r = load_history(src("scenarios/history/crm-opportunities.json"));
  REQUIRE(r.ok());
  const auto set = models::build_series(*r.history, models::Level::kTotal, models::Period::kMonth,
                                        models::Measure::kWonValue);
  REQUIRE(set.periods() == 10);
  CHECK(set.series(0)[0] == Approx(1134672));  // March 2017, summed independently with awk
  CHECK(set.series(0)[9] == Approx(1131573));  // December 2017
  models::BacktestOptions opt;
  opt.models = {"pipeline"};
  opt.horizon = 1;
  const auto res = models::run_backtest(*r.history, set, opt);
  // Origin December 2017: open deals x P(won in December | open at their age) plus new deals, as
  // recomputed by a separate Python script over the raw CSV (docs/history.md#pipeline): 712,408.71.
  bool found = false;
  for (const auto& f : res.forecasts)
    if (set.label(f.origin) == "2017-12") {
      CHECK(f.forecast == Approx(712408.71).epsilon(1e-6));
      found = true;
    }
  CHECK(found);
}

// ---- backtest --------------------------------------------------------------------------------------

TEST_CASE("Backtest metrics on a tiny history match a hand computation", "[history][backtest]") {
  HistoryLoad r = load_history(src("tests/data/history/tiny.json"));
  INFO(dump(r.mapping_problems));
  REQUIRE(r.ok());
  const auto set = models::build_series(*r.history, models::Level::kTotal, models::Period::kMonth,
                                        models::Measure::kWonValue);
  // Won value by close month, Jan-Jun 2017.
  REQUIRE(set.periods() == 6);
  const std::vector<double> y(set.series(0).begin(), set.series(0).end());
  CHECK(y == std::vector<double>{100, 300, 200, 400, 300, 500});
  models::BacktestOptions opt;
  opt.models = {"seasonal_naive", "naive", "moving_average"};
  opt.season = 2;
  opt.min_train = 4;
  opt.horizon = 2;
  opt.ma_window = 2;
  const auto res = models::run_backtest(*r.history, set, opt);
  auto metric = [&](const std::string& model, int h) {
    for (const auto& m : res.metrics)
      if (m.model == model && m.horizon == h) return m.acc;
    FAIL("no metric for " << model << " h=" << h);
    return models::Accuracy{};
  };
  // Seasonal naive (m = 2), h = 1: origin May forecasts y[Mar] = 200 for 300; origin June forecasts
  // y[Apr] = 400 for 500. MAPE = (100/300 + 100/500) / 2; WAPE = 200 / 800; sMAPE = (200/500 + 200/900) / 2;
  // MASE scales: mean |y_t - y_{t-2}| in training = 100 at both origins; bias = -200 / 800.
  const auto sn = metric("seasonal_naive", 1);
  CHECK(sn.points == 2);
  CHECK(sn.mape == Approx((100.0 / 300 + 100.0 / 500) / 2));
  CHECK(sn.wape == Approx(0.25));
  CHECK(sn.smape == Approx((200.0 / 500 + 200.0 / 900) / 2));
  CHECK(sn.mase == Approx(1.0));
  CHECK(sn.bias == Approx(-0.25));
  CHECK(sn.coverage == Approx(1.0));  // sigma 100, z(0.9) = 1.2816: [71.8, 328.2] and [271.8, 528.2]
  // h = 2 from May: June, two seasons back = y[Apr] = 400 for 500.
  const auto sn2 = metric("seasonal_naive", 2);
  CHECK(sn2.points == 1);
  CHECK(sn2.mape == Approx(0.2));
  // Naive, h = 1: 400 for 300, then 300 for 500.
  const auto nv = metric("naive", 1);
  CHECK(nv.mape == Approx((100.0 / 300 + 200.0 / 500) / 2));
  CHECK(nv.wape == Approx(300.0 / 800));
  CHECK(nv.bias == Approx(-100.0 / 800));
  CHECK(nv.mase == Approx(1.5));
  // Moving average of 2, h = 1: (200 + 400) / 2 = 300 for 300, then (400 + 300) / 2 = 350 for 500.
  const auto ma = metric("moving_average", 1);
  CHECK(ma.wape == Approx(150.0 / 800));
  CHECK(ma.mape == Approx(0.15));

  // Levels split the same events: the two reps' series add up to the total.
  const auto by_rep = models::build_series(*r.history, models::Level::kRep, models::Period::kMonth,
                                           models::Measure::kWonValue);
  REQUIRE(by_rep.count() == 2);
  for (size_t t = 0; t < 6; ++t) CHECK(by_rep.series(0)[t] + by_rep.series(1)[t] == Approx(y[t]));
  const auto deals = models::build_series(*r.history, models::Level::kRegion, models::Period::kMonth,
                                          models::Measure::kWonDeals);
  CHECK(deals.keys == std::vector<std::string>{"North", "South"});
  double n = 0;
  for (double v : deals.values) n += v;
  CHECK(n == 8);

  // The CSV outputs carry every metric row and every forecast point.
  const std::string m = models::metrics_csv(res, set);
  CHECK(size_t(std::count(m.begin(), m.end(), '\n')) == res.metrics.size() + 1);
  CHECK_THAT(m, Catch::Contains("seasonal_naive,total,month,won_value,1,1,2,0.266667,2,0.25,"));
  const std::string f = models::forecasts_csv(res, set);
  CHECK_THAT(f, Catch::Contains("seasonal_naive,total,total,2017-05,1,2017-05,300,200,"));
}

TEST_CASE("Accuracy: zeros, intervals and scales", "[history][backtest]") {
  const std::vector<models::ErrorPoint> pts = {{0, 0, 0, 1, 0}, {0, 5, 0, 1, 2}, {10, 5, 4, 6, 5}};
  const auto a = models::accuracy(pts);
  CHECK(a.points == 3);
  CHECK(a.mape_points == 1);
  CHECK(a.mape == Approx(0.5));
  CHECK(a.wape == Approx(10.0 / 10));
  CHECK(a.smape == Approx((0 + 2.0 + 2 * 5.0 / 15) / 3));
  CHECK(a.mase_points == 2);  // the zero scale is left out
  CHECK(a.mase == Approx((5.0 / 2 + 5.0 / 5) / 2));
  CHECK(a.bias == Approx(0.0));
  CHECK(a.coverage == Approx(2.0 / 3));  // 0 in [0, 1] twice; 10 outside [4, 6]
  CHECK(models::normal_quantile(0.975) == Approx(1.959964).epsilon(1e-6));
  CHECK(models::normal_quantile(0.9) == Approx(1.281552).epsilon(1e-6));
}

TEST_CASE("Holt-Winters matches the engine's exponential smoothing; fitting recovers a clean pattern", "[history][backtest]") {
  std::vector<double> y;
  for (int t = 0; t < 24; ++t) y.push_back(100 + 2 * t + (t % 4 == 3 ? 30 : t % 4 == 1 ? -10 : 0) + (t * 7 % 5));
  const models::HoltWintersParams p{0.3, 0.1, 0.2};
  const auto f = models::forecast_holt_winters(y, 4, 1, false, p);
  REQUIRE(f.ok());
  CHECK(f.mean[0] == Approx(models::exponential_smoothing_forecast(y, 4, p.alpha, p.beta, p.gamma)));

  // A noise-free additive seasonal series with a trend is forecast almost exactly once fitted.
  std::vector<double> clean;
  const double season[4] = {-20, 5, 0, 15};
  for (int t = 0; t < 28; ++t) clean.push_back(200 + 3 * t + season[t % 4]);
  models::HoltWintersParams fitted;
  const auto g = models::forecast_holt_winters(clean, 4, 4, false, std::nullopt, &fitted);
  REQUIRE(g.ok());
  for (int h = 0; h < 4; ++h) CHECK(g.mean[size_t(h)] == Approx(200 + 3 * (28 + h) + season[(28 + h) % 4]).epsilon(0.002));
  const auto mult = models::forecast_holt_winters(clean, 4, 2, true);
  REQUIRE(mult.ok());
  CHECK(mult.mean[0] == Approx(200 + 3 * 28 + season[0]).epsilon(0.03));
  // Multiplicative seasonality is undefined with zeros; short series are refused, with a reason.
  std::vector<double> zeros = clean;
  zeros[5] = 0;
  CHECK_THAT(models::forecast_holt_winters(zeros, 4, 1, true).why_not, Catch::Contains("positive values"));
  CHECK_THAT(models::forecast_holt_winters(std::span(clean).first(7), 4, 1, false).why_not,
             Catch::Contains("two full seasons"));
}

TEST_CASE("Croston and SBA by hand; seasonal naive steps back whole seasons", "[history][backtest]") {
  // Demands 3 (after 2 periods) then 6 (after 3): z = 3 + 0.5 (6 - 3) = 4.5, p = 2 + 0.5 (3 - 2) = 2.5.
  const std::vector<double> y = {0, 3, 0, 0, 6};
  CHECK(models::forecast_croston(y, 2, 0.5, false).mean == std::vector<double>{1.8, 1.8});
  CHECK(models::forecast_croston(y, 1, 0.5, true).mean[0] == Approx(1.8 * 0.75));
  CHECK(models::forecast_croston(std::vector<double>{0, 0, 0}, 1, 0.1, false).mean[0] == 0);
  const std::vector<double> s = {1, 2, 3, 4, 5, 6, 7};
  CHECK(models::forecast_seasonal_naive(s, 3, 4).mean == std::vector<double>{5, 6, 7, 5});
  CHECK(models::forecast_moving_average(s, 3, 1).mean[0] == Approx(6));
  CHECK_FALSE(models::forecast_seasonal_naive(std::vector<double>{1}, 3, 1).ok());
}

TEST_CASE("Ridge signal regression learns an exact lead and honours factor weights", "[history][backtest]") {
  // A synthetic history: each month's won value is 10x the deals created the month before.
  History h;
  h.stages = {{"Open", DealStatus::kOpen}, {"Won", DealStatus::kWon}};
  h.has_values = true;
  h.reps = {HistoryRep{"Ann", "", "North", "", 1}};
  h.regions = {"North"};
  h.rep_region = {0};
  const int created_per_month[] = {3, 5, 2, 6, 4, 7, 3, 5, 8, 2, 6, 4, 5, 7, 3, 6, 2, 8, 4, 5};
  int id = 0;
  for (int month = 0; month < 20; ++month) {
    const int32_t start = int32_t(Date{2016 + month / 12, month % 12 + 1, 1}.serial());
    for (int k = 0; k < created_per_month[month]; ++k) {  // open deals created this month, never closed
      Opportunity o;
      o.id = fmt::format("c{}", id++);
      o.rep = 0;
      o.created = start + k;
      h.opportunities.push_back(o);
    }
    if (month > 0) {  // one won deal (no created date) closing in the month, worth 10x last month's creations
      Opportunity o;
      o.id = fmt::format("w{}", id++);
      o.rep = 0;
      o.stage = 1;
      o.status = DealStatus::kWon;
      o.closed = start + (month == 1 ? 0 : 14);  // the first on the 1st, so February 2016 is a complete month
      o.value = 10.0 * created_per_month[month - 1];
      h.opportunities.push_back(o);
    }
  }
  h.as_of = int32_t(Date{2017, 8, 31}.serial());
  const auto set = models::build_series(h, models::Level::kRegion, models::Period::kMonth, models::Measure::kWonValue);
  REQUIRE(set.periods() == 19);  // February 2016 (first close) to August 2017
  models::BacktestOptions opt;
  opt.models = {"ridge", "naive"};
  opt.horizon = 1;
  opt.season = 2;
  opt.min_train = 12;
  opt.ridge_lambda = 1e-6;
  const auto res = models::run_backtest(h, set, opt);
  REQUIRE(std::find(res.features.begin(), res.features.end(), "created") != res.features.end());
  double ridge_wape = -1, naive_wape = -1;
  for (const auto& m : res.metrics) (m.model == "ridge" ? ridge_wape : naive_wape) = m.acc.wape;
  CHECK(ridge_wape < 0.02);
  CHECK(naive_wape > 0.2);
  // With the CRM feature weighted out for the region, the regression loses the lead.
  opt.ridge_weights["North"]["created"] = 0.0;
  const auto without = models::run_backtest(h, set, opt);
  for (const auto& m : without.metrics)
    if (m.model == "ridge") CHECK(m.acc.wape > 0.1);

  // An external signal carrying the same lead scores high when it is known on time, and low when it
  // arrives 45 days late (domain.md section 2: coverage x timeliness x relevance).
  for (int late : {0, 45}) {
    History hs = h;
    SignalSeries sig;
    sig.name = late ? "late" : "timely";
    for (int month = 0; month < 20; ++month) {
      const int32_t day = int32_t(Date{2016 + month / 12, month % 12 + 1, 10}.serial());
      sig.points.push_back({day, day + late, 0, double(created_per_month[month])});
    }
    hs.signals.push_back(sig);
    const auto res2 = models::run_backtest(hs, set, opt);  // "created" still weighted out for North
    const models::SignalScore* sc = nullptr;
    for (const auto& x : res2.signals)
      if (x.signal == "signal:" + sig.name) sc = &x;
    REQUIRE(sc);
    INFO(sig.name << ": coverage " << sc->coverage << " timeliness " << sc->timeliness << " relevance " << sc->relevance);
    CHECK(sc->coverage == Approx(1.0));
    if (late == 0) {
      CHECK(sc->timeliness == Approx(1.0));
      CHECK(sc->relevance > 0.9);
      CHECK(sc->score > 7.5);
    } else {
      CHECK(sc->median_latency_days == 45);
      CHECK(sc->timeliness < 0.5);
      CHECK(sc->score < 2);
    }
  }
  CHECK_THAT(models::signals_csv(without, set), Catch::StartsWith("signal,level,period,coverage,timeliness,relevance"));
}

TEST_CASE("Backtest: bad requests are refused with a reason", "[history][backtest]") {
  HistoryLoad r = load_history(src("tests/data/history/tiny.json"));
  REQUIRE(r.ok());
  const History& h = *r.history;
  CHECK_THROWS_WITH(models::build_series(h, models::Level::kTotal, models::Period::kMonth, models::Measure::kOrderValue),
                    Catch::Contains("no /orders"));
  const auto set = models::build_series(h, models::Level::kTotal, models::Period::kMonth, models::Measure::kWonValue);
  models::BacktestOptions opt;
  opt.models = {"prophet"};
  CHECK_THROWS_WITH(models::run_backtest(h, set, opt), Catch::Contains("unknown model 'prophet'"));
  opt.models = {};
  opt.min_train = 6;
  CHECK_THROWS_WITH(models::run_backtest(h, set, opt), Catch::Contains("6 complete months"));
  CHECK(models::build_series(h, models::Level::kTotal, models::Period::kQuarter, models::Measure::kWonValue).periods() == 2);
  History two_weeks = h;
  two_weeks.as_of = int32_t(Date{2017, 1, 14}.serial());
  for (auto& o : two_weeks.opportunities) o.closed = o.closed == kNoDate ? kNoDate : int32_t(Date{2017, 1, 3}.serial());
  CHECK_THROWS_WITH(models::build_series(two_weeks, models::Level::kTotal, models::Period::kMonth, models::Measure::kWonValue),
                    Catch::Contains("no complete month between 2017-01-03 and 2017-01-14"));
  // Every model runs on the tiny history without crashing, and says why when it cannot forecast.
  opt.min_train = 4;
  opt.season = 2;
  const auto res = models::run_backtest(h, set, opt);
  CHECK(res.models.size() == models::backtest_model_names().size());
  CHECK(res.metrics.size() == res.models.size() * 3);
}

TEST_CASE("Periods: weeks start on Monday, months and quarters are calendar ones", "[history][backtest]") {
  using models::Period;
  const int32_t wed = int32_t(Date{2017, 3, 1}.serial());
  CHECK(Date::from_serial(models::period_start(Period::kWeek, wed)) == Date{2017, 2, 27});
  CHECK(Date::from_serial(models::period_start(Period::kMonth, wed)) == Date{2017, 3, 1});
  CHECK(Date::from_serial(models::period_start(Period::kQuarter, int32_t(Date{2017, 5, 20}.serial()))) == Date{2017, 4, 1});
  CHECK(Date::from_serial(models::period_after(Period::kMonth, int32_t(Date{2017, 12, 1}.serial()))) == Date{2018, 1, 1});
  CHECK(Date::from_serial(models::period_after(Period::kQuarter, int32_t(Date{2017, 10, 1}.serial()))) == Date{2018, 1, 1});
}

TEST_CASE("Backtest results do not depend on the thread count", "[history][backtest][threads]") {
  HistoryLoad r = load_history(src("tests/data/history/tiny.json"));
  REQUIRE(r.ok());
  const auto set = models::build_series(*r.history, models::Level::kRep, models::Period::kWeek,
                                        models::Measure::kWonValue);
  models::BacktestOptions opt;
  opt.season = 4;
  opt.threads = 1;
  const std::string one = models::forecasts_csv(models::run_backtest(*r.history, set, opt), set);
  opt.threads = 2;
  const std::string two = models::forecasts_csv(models::run_backtest(*r.history, set, opt), set);
  CHECK(one.size() > 1000);
  CHECK(one == two);
}
