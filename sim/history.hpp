// Real CRM and order history, imported from CSV exports through a mapping file (docs/history.md).
// Every row read is accounted for: accepted (perhaps with warnings) or rejected with file:line,
// column and reason. Nothing is dropped silently and nothing is invented: a blank stays blank.
#pragma once
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/schema.hpp"

namespace salesim {

// ---- CSV (RFC 4180) ------------------------------------------------------------------------------

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';
  bool trim = true;  // strip spaces and tabs around unquoted fields (quoted fields are kept as written)
};

struct CsvRecord {
  size_t line = 0;      // physical line where the record starts (1-based; the header is line 1)
  size_t end_line = 0;  // physical line where it ends (> line when a quoted field holds newlines)
  std::vector<std::string> fields;
  std::string_view raw; // the record as written (without its final line end); views the reader's text
  std::string error;    // set when the record is malformed: it must be rejected
  size_t error_field = 0;  // 1-based field the error is in (0: the whole record)
  bool blank = false;   // an empty line
};

// Reads records from a whole file held in memory: quoted fields with delimiters, doubled quotes and
// newlines; LF, CRLF or CR line ends; a UTF-8 byte-order mark is skipped. A quote that is never closed
// spoils only its own line: the reader reports it and resumes on the next line.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text, CsvDialect dialect = {});
  bool next(CsvRecord& rec);  // false at the end of the input
  bool had_bom() const { return bom_; }
  bool saw_crlf() const { return crlf_; }

 private:
  void end_of_line();
  std::string_view text_;
  CsvDialect d_;
  size_t pos_ = 0, line_ = 1;
  bool bom_ = false, crlf_ = false;
};

// The raw text of a record again, quoted where needed (for the rejects file).
std::string csv_join(const std::vector<std::string>& fields, char delimiter = ',');
// One CSV field, quoted when it holds a delimiter, a quote or a line break.
std::string csv_quote(std::string_view field, char delimiter = ',');

// ---- formats declared in the mapping ---------------------------------------------------------------

// A date layout such as "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "D.M.YYYY" or "DD-MMM-YYYY".
// Tokens: YYYY, MM (two digits), M (one or two), DD, D, MMM (Jan..Dec, any case); a trailing "*"
// ignores the rest (a time of day). Everything else must appear literally. Dates are never guessed.
class DateFormat {
 public:
  static std::optional<DateFormat> compile(std::string_view layout, std::string& error);
  std::optional<Date> parse(std::string_view s) const;
  const std::string& layout() const { return layout_; }

 private:
  enum Kind : uint8_t { kYear, kMonth2, kMonth, kMonthName, kDay2, kDay, kLiteral, kRest };
  struct Token { Kind kind; char literal; };
  std::vector<Token> tokens_;
  std::string layout_;
};

// Numbers with a declared decimal and thousands separator ("1.234,50" with decimal ',' and thousands
// '.'); `strip` lists characters removed first (currency signs). Thousands groups must have 3 digits,
// so "1,23" is an error, not 123.
struct NumberFormat {
  char decimal = '.';
  char thousands = 0;  // 0 = none
  std::string strip;
  std::optional<double> parse(std::string_view s) const;
  std::string describe() const;
};

// Case, spaces and punctuation folded away: "GTX Pro", "gtx-pro" and "GTXPro" all give "gtxpro".
std::string normalise_name(std::string_view s);
// Levenshtein distance (bytes), for "did you mean" hints.
size_t edit_distance(std::string_view a, std::string_view b);

// ---- the imported history ----------------------------------------------------------------------------

constexpr int32_t kNoId = -1;
constexpr int32_t kNoDate = std::numeric_limits<int32_t>::min();  // a blank date (days since 1970 otherwise)
constexpr double kBlank = std::numeric_limits<double>::quiet_NaN();

enum class DealStatus : uint8_t { kOpen, kWon, kLost };
std::string_view status_name(DealStatus s);

struct HistoryStage { std::string name; DealStatus status = DealStatus::kOpen; };

struct HistoryRep {
  std::string name, manager, region, pod;  // blank when not mapped or blank in the file
  uint32_t line = 0;                       // 0 when the rep is known only from the opportunities
};
struct HistoryAccount {
  std::string name, sector, location, parent_name;
  double employees = kBlank, revenue = kBlank, founded = kBlank;
  int32_t parent = kNoId;
  uint32_t line = 0;
};
struct HistoryProduct {
  std::string name, series;
  double price = kBlank;
  uint32_t line = 0;
};

struct Opportunity {
  std::string id;
  int32_t rep = kNoId, account = kNoId, product = kNoId;
  uint16_t stage = 0;  // index into History::stages
  DealStatus status = DealStatus::kOpen;
  int32_t created = kNoDate;         // engaged/created day
  int32_t closed = kNoDate;          // close day of a won or lost deal
  int32_t expected_close = kNoDate;  // a close date given on an open deal
  double value = kBlank;             // blank on open deals (and on lost ones in some exports)
  uint32_t line = 0;
};

struct HistoryOrder {
  std::string id, region;
  int32_t date = kNoDate;
  int32_t account = kNoId, product = kNoId, rep = kNoId;
  double quantity = 1, unit_price = kBlank, discount = 0, value = kBlank;  // value = net line value
  uint32_t line = 0;
};

enum class KeyLevel : uint8_t { kTotal, kRegion, kRep, kAccount, kProduct };
std::string_view key_level_name(KeyLevel k);

struct SignalPoint { int32_t date = kNoDate, available = kNoDate; int32_t key = 0; double value = 0; };
struct SignalSeries {
  std::string name, aggregate = "sum";  // sum | mean | last, when several points fall into one period
  KeyLevel level = KeyLevel::kTotal;
  std::vector<SignalPoint> points;      // key indexes the entity list of `level` (regions: History::regions)
};

struct RowProblem {
  enum Severity : uint8_t { kRejected, kWarning };
  Severity severity = kRejected;
  std::string file;    // as shown to the user
  size_t line = 0;     // physical line where the record starts
  std::string column;  // CSV column name; empty for the whole row
  std::string reason;  // short stable code, e.g. "bad_date" (docs/history.md#problems)
  std::string detail;  // what is wrong, with the value
  std::string str() const;  // "file:line: column C: detail"
};

struct FileReport {
  std::string role, path;
  size_t rows_read = 0, accepted = 0, rejected = 0, warnings = 0;
  bool bom = false, crlf = false;
};

struct ImportReport {
  std::vector<FileReport> files;
  // Rejected rows (one entry each: the first problem; more are joined into `detail`) and warnings on
  // accepted rows, in the order they were found.
  std::vector<RowProblem> problems;
  std::vector<std::string> rejected_records;  // raw record of each rejected row, parallel to the rejects
  std::vector<std::string> notes;             // facts worth a line (aliases applied, entities derived)
  size_t rejected() const;
  size_t warnings() const;
};

struct History {
  std::string name, mapping_path;
  std::vector<HistoryStage> stages;
  std::vector<HistoryRep> reps;
  std::vector<HistoryAccount> accounts;
  std::vector<HistoryProduct> products;
  std::vector<std::string> regions;       // distinct rep regions (order of first appearance)
  std::vector<int32_t> rep_region;        // per rep: index into regions, kNoId when blank
  std::vector<Opportunity> opportunities;
  std::vector<HistoryOrder> orders;
  std::vector<SignalSeries> signals;
  bool has_orders = false, has_values = false;
  int32_t as_of = kNoDate;                // the export's date: the mapping's, else the last date seen
  bool as_of_declared = false;            // /as_of was given
  ImportReport report;
};

struct HistoryLoad {
  std::optional<History> history;        // set when the mapping is usable (data rows may still be rejected)
  std::vector<Problem> mapping_problems; // the mapping itself is wrong; each names a JSON pointer
  bool ok() const { return mapping_problems.empty() && history.has_value(); }
};

// Loads a mapping file and every CSV it names (paths relative to the mapping file's directory).
HistoryLoad load_history(const std::string& mapping_path);
// The same from the mapping's text (JSON errors reported as source:line:column).
HistoryLoad load_history_text(const std::string& text, const std::string& base_dir, const std::string& source);
// The same from a parsed mapping; `base_dir` resolves relative paths, `source` names the mapping.
HistoryLoad load_history_json(const nlohmann::json& mapping, const std::string& base_dir, const std::string& source);

// The mapping's JSON schema (docs/history.md#mapping explains every key).
const nlohmann::json& history_mapping_schema();

// rejects.csv / warnings.csv: file,line,column,reason,detail[,record].
std::string problems_csv(const ImportReport& r, RowProblem::Severity which);

// What `salesim history check` prints, as numbers.
struct HistorySummary {
  struct Count { std::string name; size_t n = 0; };
  int32_t created_first = kNoDate, created_last = kNoDate, closed_first = kNoDate, closed_last = kNoDate;
  int32_t orders_first = kNoDate, orders_last = kNoDate;
  size_t open = 0, won = 0, lost = 0, open_without_account = 0, open_without_created = 0;
  size_t reps_with_deals = 0, accounts_with_deals = 0, products_with_deals = 0;
  double won_value = 0, order_value = 0;
  std::vector<Count> stages, regions, managers, sectors, series;
};
HistorySummary summarise(const History& h);

}  // namespace salesim
