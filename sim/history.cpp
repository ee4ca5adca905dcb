#include "sim/history.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace salesim {
using nlohmann::json;
namespace fs = std::filesystem;

// =====================================================================================================
// CSV
// =====================================================================================================

CsvReader::CsvReader(std::string_view text, CsvDialect dialect) : text_(text), d_(dialect) {
  if (text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    pos_ = 3;
    bom_ = true;
  }
}

// Consumes one line end (LF, CRLF or a lone CR) at pos_, counting the line.
void CsvReader::end_of_line() {
  if (pos_ < text_.size() && text_[pos_] == '\r') {
    ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      crlf_ = true;
    }
  } else if (pos_ < text_.size() && text_[pos_] == '\n') {
    ++pos_;
  }
  ++line_;
}

namespace {
bool is_space(char c) { return c == ' ' || c == '\t'; }
std::string_view trim_view(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
}  // namespace

bool CsvReader::next(CsvRecord& rec) {
  rec.fields.clear();
  rec.error.clear();
  rec.error_field = 0;
  rec.blank = false;
  if (pos_ >= text_.size()) return false;
  rec.line = line_;
  const size_t record_start = pos_, record_line = line_;
  const size_t n = text_.size();
  if (text_[pos_] == '\n' || text_[pos_] == '\r') {
    rec.blank = true;
    rec.raw = {};
    rec.fields.emplace_back();
    end_of_line();
    rec.end_line = rec.line;
    return true;
  }
  for (;;) {
    std::string field;
    size_t p = pos_;
    while (p < n && d_.trim && is_space(text_[p]) && text_[p] != d_.delimiter) ++p;  // spaces before a quote
    if (p < n && text_[p] == d_.quote) {
      const size_t quote_line = line_;
      pos_ = p + 1;
      bool closed = false;
      while (pos_ < n) {
        const char c = text_[pos_];
        if (c == d_.quote) {
          if (pos_ + 1 < n && text_[pos_ + 1] == d_.quote) {
            field += d_.quote;
            pos_ += 2;
            continue;
          }
          ++pos_;
          closed = true;
          break;
        }
        if (c == '\r' || c == '\n') {
          // A line break inside quotes belongs to the value; keep it as "\n" and count the line.
          field += '\n';
          if (c == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n') {
            ++pos_;
            crlf_ = true;
          }
          ++pos_;
          ++line_;
          continue;
        }
        field += c;
        ++pos_;
      }
      if (!closed) {
        // Never closed: resume after the physical line where the record starts, so one stray quote
        // costs one row, not the rest of the file.
        const size_t field_no = rec.fields.size() + 1;
        pos_ = record_start;
        line_ = record_line;
        while (pos_ < n && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
        rec.raw = text_.substr(record_start, pos_ - record_start);
        rec.fields.clear();
        rec.fields.emplace_back(rec.raw);
        rec.error = fmt::format("a quote opened on line {} in field {} is never closed", quote_line, field_no);
        rec.error_field = field_no;
        end_of_line();
        rec.end_line = rec.line;
        return true;
      }
      // After the closing quote only spaces, a delimiter or a line end may follow.
      size_t q = pos_;
      while (q < n && is_space(text_[q]) && text_[q] != d_.delimiter) ++q;
      if (q < n && text_[q] != d_.delimiter && text_[q] != '\n' && text_[q] != '\r') {
        if (rec.error.empty()) {
          rec.error = fmt::format("text after the closing quote of field {} (a quote inside a value must be doubled)",
                                  rec.fields.size() + 1);
          rec.error_field = rec.fields.size() + 1;
        }
        while (q < n && text_[q] != d_.delimiter && text_[q] != '\n' && text_[q] != '\r') field += text_[q++];
      }
      pos_ = q;
    } else {
      size_t e = pos_;
      while (e < n && text_[e] != d_.delimiter && text_[e] != '\n' && text_[e] != '\r') ++e;
      std::string_view v = text_.substr(pos_, e - pos_);
      if (d_.trim) v = trim_view(v);  // cannot hold the delimiter, so a tab delimiter is safe
      field.assign(v);
      pos_ = e;
    }
    rec.fields.push_back(std::move(field));
    if (pos_ < n && text_[pos_] == d_.delimiter) {
      ++pos_;
      continue;
    }
    rec.end_line = line_;
    rec.raw = text_.substr(record_start, pos_ - record_start);
    if (pos_ < n) end_of_line();
    return true;
  }
}

std::string csv_quote(std::string_view f, char delimiter) {
  if (f.find_first_of(std::string{delimiter, '"', '\n', '\r'}) == std::string_view::npos) return std::string(f);
  std::string out = "\"";
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_join(const std::vector<std::string>& fields, char delimiter) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += delimiter;
    out += csv_quote(fields[i], delimiter);
  }
  return out;
}

// =====================================================================================================
// Formats
// =====================================================================================================

namespace {
constexpr std::string_view kMonthNames[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                              "jul", "aug", "sep", "oct", "nov", "dec"};
char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::optional<DateFormat> DateFormat::compile(std::string_view layout, std::string& error) {
  DateFormat f;
  f.layout_ = std::string(layout);
  bool year = false, month = false, day = false;
  for (size_t i = 0; i < layout.size();) {
    auto starts = [&](std::string_view tok) { return layout.substr(i, tok.size()) == tok; };
    if (starts("YYYY")) { f.tokens_.push_back({kYear, 0}); i += 4; year = true; }
    else if (starts("MMM")) { f.tokens_.push_back({kMonthName, 0}); i += 3; month = true; }
    else if (starts("MM")) { f.tokens_.push_back({kMonth2, 0}); i += 2; month = true; }
    else if (starts("M")) { f.tokens_.push_back({kMonth, 0}); i += 1; month = true; }
    else if (starts("DD")) { f.tokens_.push_back({kDay2, 0}); i += 2; day = true; }
    else if (starts("D")) { f.tokens_.push_back({kDay, 0}); i += 1; day = true; }
    else if (starts("*")) {
      if (i + 1 != layout.size()) { error = "'*' (ignore the rest) may only end a date format"; return std::nullopt; }
      f.tokens_.push_back({kRest, 0});
      i += 1;
    } else if (starts("YY") || starts("Y")) {
      error = "two-digit years are ambiguous; use YYYY";
      return std::nullopt;
    } else if ((layout[i] >= 'A' && layout[i] <= 'Z') || (layout[i] >= 'a' && layout[i] <= 'z')) {
      error = fmt::format("unknown token '{}' (use YYYY, MM, M, MMM, DD, D, literal separators and a final '*')",
                          layout[i]);
      return std::nullopt;
    } else {
      f.tokens_.push_back({kLiteral, layout[i]});
      i += 1;
    }
  }
  if (!year || !month || !day) {
    error = "a date format needs a year (YYYY), a month (MM, M or MMM) and a day (DD or D)";
    return std::nullopt;
  }
  return f;
}

std::optional<Date> DateFormat::parse(std::string_view s) const {
  Date d{0, 0, 0};
  size_t p = 0;
  auto digits = [&](size_t min_n, size_t max_n, int& out) {
    size_t k = 0;
    int v = 0;
    while (k < max_n && p + k < s.size() && is_digit(s[p + k])) v = v * 10 + (s[p + k++] - '0');
    if (k < min_n) return false;
    p += k;
    out = v;
    return true;
  };
  for (const Token& t : tokens_) {
    switch (t.kind) {
      case kYear: if (!digits(4, 4, d.year)) return std::nullopt; break;
      case kMonth2: if (!digits(2, 2, d.month)) return std::nullopt; break;
      case kMonth: if (!digits(1, 2, d.month)) return std::nullopt; break;
      case kDay2: if (!digits(2, 2, d.day)) return std::nullopt; break;
      case kDay: if (!digits(1, 2, d.day)) return std::nullopt; break;
      case kMonthName: {
        if (p + 3 > s.size()) return std::nullopt;
        std::string m{lower(s[p]), lower(s[p + 1]), lower(s[p + 2])};
        d.month = 0;
        for (int k = 0; k < 12; ++k)
          if (kMonthNames[k] == m) d.month = k + 1;
        if (!d.month) return std::nullopt;
        p += 3;
        break;
      }
      case kLiteral:
        if (p >= s.size() || s[p] != t.literal) return std::nullopt;
        ++p;
        break;
      case kRest: p = s.size(); break;
    }
  }
  if (p != s.size()) return std::nullopt;
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || d.year < 1) return std::nullopt;
  if (Date::from_serial(d.serial()) != d) return std::nullopt;  // 31 April, 29 February 2017
  return d;
}

std::optional<double> NumberFormat::parse(std::string_view raw) const {
  std::string s;
  s.reserve(raw.size());
  for (char c : raw)
    if (strip.find(c) == std::string::npos) s += c;
  std::string_view v = trim_view(s);
  if (v.empty()) return std::nullopt;
  bool negative = false;
  if (v.front() == '(' && v.back() == ')') {  // accounting negatives: (1,234.00)
    negative = true;
    v = trim_view(v.substr(1, v.size() - 2));
  }
  std::string clean;
  clean.reserve(v.size());
  size_t i = 0;
  if (i < v.size() && (v[i] == '-' || v[i] == '+')) {
    if (v[i] == '-') negative = !negative;
    ++i;
  }
  // Integer part, with thousands groups of exactly three digits when a separator is declared.
  size_t digits_in_group = 0, groups = 0;
  bool any_digit = false;
  for (; i < v.size() && v[i] != decimal; ++i) {
    const char c = v[i];
    if (is_digit(c)) {
      clean += c;
      ++digits_in_group;
      any_digit = true;
    } else if (thousands && c == thousands) {
      if ((groups == 0 && (digits_in_group == 0 || digits_in_group > 3)) || (groups > 0 && digits_in_group != 3))
        return std::nullopt;
      ++groups;
      digits_in_group = 0;
    } else {
      return std::nullopt;
    }
  }
  if (groups > 0 && digits_in_group != 3) return std::nullopt;
  if (i < v.size()) {  // the decimal separator
    clean += '.';
    ++i;
    for (; i < v.size(); ++i) {
      if (!is_digit(v[i])) return std::nullopt;
      clean += v[i];
      any_digit = true;
    }
  }
  if (!any_digit) return std::nullopt;
  double x = 0;
  auto r = std::from_chars(clean.data(), clean.data() + clean.size(), x);
  if (r.ec != std::errc() || r.ptr != clean.data() + clean.size() || !std::isfinite(x)) return std::nullopt;
  return negative ? -x : x;
}

std::string NumberFormat::describe() const {
  std::string out = fmt::format("decimal separator '{}'", decimal);
  out += thousands ? fmt::format(", thousands separator '{}'", thousands) : ", no thousands separator";
  return out;
}

std::string normalise_name(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) out += c;  // non-ASCII (UTF-8) is kept as written
    else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) out += c;
    else if (c >= 'A' && c <= 'Z') out += char(c - 'A' + 'a');
  }
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string_view status_name(DealStatus s) {
  switch (s) {
    case DealStatus::kOpen: return "open";
    case DealStatus::kWon: return "won";
    case DealStatus::kLost: return "lost";
  }
  return "?";
}

std::string_view key_level_name(KeyLevel k) {
  switch (k) {
    case KeyLevel::kTotal: return "total";
    case KeyLevel::kRegion: return "region";
    case KeyLevel::kRep: return "rep";
    case KeyLevel::kAccount: return "account";
    case KeyLevel::kProduct: return "product";
  }
  return "?";
}

std::string RowProblem::str() const {
  return column.empty() ? fmt::format("{}:{}: {}", file, line, detail)
                        : fmt::format("{}:{}: column {}: {}", file, line, column, detail);
}

size_t ImportReport::rejected() const {
  return size_t(std::count_if(problems.begin(), problems.end(),
                              [](const RowProblem& p) { return p.severity == RowProblem::kRejected; }));
}
size_t ImportReport::warnings() const { return problems.size() - rejected(); }

std::string problems_csv(const ImportReport& r, RowProblem::Severity which) {
  std::string out = which == RowProblem::kRejected ? "file,line,column,reason,detail,record\n"
                                                   : "file,line,column,reason,detail\n";
  size_t k = 0;
  for (const RowProblem& p : r.problems) {
    if (p.severity != RowProblem::kRejected) {
      if (which == RowProblem::kWarning)
        out += fmt::format("{},{},{},{},{}\n", csv_quote(p.file), p.line, csv_quote(p.column), p.reason,
                           csv_quote(p.detail));
      continue;
    }
    const std::string& record = r.rejected_records[k++];
    if (which == RowProblem::kRejected)
      out += fmt::format("{},{},{},{},{},{}\n", csv_quote(p.file), p.line, csv_quote(p.column), p.reason,
                         csv_quote(p.detail), csv_quote(record));
  }
  return out;
}

// =====================================================================================================
// The mapping schema (docs/history.md#mapping). Kept here, compiled in, so every front end validates
// against the same text; `salesim history schema` prints it.
// =====================================================================================================

namespace {

const char* const kMappingSchemaText = R"json({
  "type": "object",
  "description": "Which CSV files and columns of a CRM/order export hold what (docs/history.md#mapping)",
  "required": ["opportunities"],
  "properties": {
    "name": {"type": "string", "default": "", "description": "A name for reports"},
    "description": {"type": "string", "default": "", "description": "Free text"},
    "as_of": {"type": "string", "format": "date", "description": "Date of the export (YYYY-MM-DD); default: the last date seen"},
    "csv": {"type": "object", "description": "CSV dialect of every file (a file may override it)",
      "properties": {
        "delimiter": {"type": "string", "minLength": 1, "default": ",", "description": "One character; \"\\t\" for tab"},
        "quote": {"type": "string", "minLength": 1, "default": "\"", "description": "One character"},
        "encoding": {"type": "string", "enum": ["utf-8", "latin-1"], "default": "utf-8", "description": "Text encoding of the files"},
        "trim": {"type": "boolean", "default": true, "description": "Strip spaces around unquoted fields"}}},
    "date_format": {"type": "string", "default": "YYYY-MM-DD", "description": "Layout of every date (a file may override it)"},
    "numbers": {"type": "object", "description": "Number format of every file (a file may override it)",
      "properties": {
        "decimal": {"type": "string", "enum": [".", ","], "default": ".", "description": "Decimal separator"},
        "thousands": {"type": "string", "enum": ["", ",", ".", " ", "'", "_"], "default": "", "description": "Thousands separator, \"\" for none"},
        "strip": {"type": "string", "default": "", "description": "Characters removed before parsing, e.g. \"$€\""}}},
    "opportunities": {"type": "object", "required": ["file", "columns", "stages"], "description": "One row per opportunity (deal)",
      "properties": {
        "file": {"type": "string", "minLength": 1, "description": "CSV path, relative to the mapping file"},
        "csv": @CSV_OVERRIDE@, "date_format": @DATE_OVERRIDE@, "numbers": @NUMBERS_OVERRIDE@,
        "columns": {"type": "object", "required": ["id", "stage"], "description": "Header names of the columns",
          "properties": {
            "id": {"type": "string", "minLength": 1, "description": "Opportunity id (unique)"},
            "stage": {"type": "string", "minLength": 1, "description": "Stage name, mapped by /opportunities/stages"},
            "rep": {"type": "string", "minLength": 1, "description": "Owner (matched to reps)"},
            "account": {"type": "string", "minLength": 1, "description": "Customer (matched to accounts)"},
            "product": {"type": "string", "minLength": 1, "description": "Product (matched to products)"},
            "created": {"type": "string", "minLength": 1, "description": "Created or engaged date"},
            "close_date": {"type": "string", "minLength": 1, "description": "Close date (expected close on open deals)"},
            "value": {"type": "string", "minLength": 1, "description": "Deal value"}}},
        "stages": {"type": "array", "minItems": 1, "description": "Every stage name in funnel order, with its status",
          "items": {"type": "object", "required": ["name", "status"],
            "properties": {
              "name": {"type": "string", "minLength": 1, "description": "Stage name as written in the file"},
              "status": {"type": "string", "enum": ["open", "won", "lost"], "description": "What the stage means"}}}}}},
    "reps": {"type": "object", "x-optional": true, "required": ["file", "columns"], "description": "One row per rep",
      "properties": {
        "file": {"type": "string", "minLength": 1, "description": "CSV path, relative to the mapping file"},
        "csv": @CSV_OVERRIDE@, "date_format": @DATE_OVERRIDE@, "numbers": @NUMBERS_OVERRIDE@,
        "columns": {"type": "object", "required": ["name"], "description": "Header names of the columns",
          "properties": {
            "name": {"type": "string", "minLength": 1, "description": "Rep name (as in the opportunities)"},
            "manager": {"type": "string", "minLength": 1, "description": "Manager name"},
            "region": {"type": "string", "minLength": 1, "description": "Region or office"},
            "pod": {"type": "string", "minLength": 1, "description": "Pod or team"}}},
        "allowed": {"type": "object", "x-optional": true, "description": "Allowed values; others are reported",
          "properties": {"manager": @STRINGS@, "region": @STRINGS@, "pod": @STRINGS@}}}},
    "accounts": {"type": "object", "x-optional": true, "required": ["file", "columns"], "description": "One row per account",
      "properties": {
        "file": {"type": "string", "minLength": 1, "description": "CSV path, relative to the mapping file"},
        "csv": @CSV_OVERRIDE@, "date_format": @DATE_OVERRIDE@, "numbers": @NUMBERS_OVERRIDE@,
        "columns": {"type": "object", "required": ["name"], "description": "Header names of the columns",
          "properties": {
            "name": {"type": "string", "minLength": 1, "description": "Account name (as in the opportunities)"},
            "sector": {"type": "string", "minLength": 1, "description": "Sector or industry"},
            "size": {"type": "string", "minLength": 1, "description": "Employees (a number)"},
            "revenue": {"type": "string", "minLength": 1, "description": "Annual revenue (a number)"},
            "location": {"type": "string", "minLength": 1, "description": "Country or office location"},
            "parent": {"type": "string", "minLength": 1, "description": "Parent account name"},
            "founded": {"type": "string", "minLength": 1, "description": "Year established (a number)"}}},
        "allowed": {"type": "object", "x-optional": true, "description": "Allowed values; others are reported",
          "properties": {"sector": @STRINGS@, "location": @STRINGS@}}}},
    "products": {"type": "object", "x-optional": true, "required": ["file", "columns"], "description": "One row per product",
      "properties": {
        "file": {"type": "string", "minLength": 1, "description": "CSV path, relative to the mapping file"},
        "csv": @CSV_OVERRIDE@, "date_format": @DATE_OVERRIDE@, "numbers": @NUMBERS_OVERRIDE@,
        "columns": {"type": "object", "required": ["name"], "description": "Header names of the columns",
          "properties": {
            "name": {"type": "string", "minLength": 1, "description": "Product name or SKU"},
            "series": {"type": "string", "minLength": 1, "description": "Product line or series"},
            "price": {"type": "string", "minLength": 1, "description": "List price (a number)"}}},
        "allowed": {"type": "object", "x-optional": true, "description": "Allowed values; others are reported",
          "properties": {"series": @STRINGS@}}}},
    "orders": {"type": "object", "x-optional": true, "required": ["file", "columns"], "description": "One row per order line",
      "properties": {
        "file": {"type": "string", "minLength": 1, "description": "CSV path, relative to the mapping file"},
        "csv": @CSV_OVERRIDE@, "date_format": @DATE_OVERRIDE@, "numbers": @NUMBERS_OVERRIDE@,
        "discount_unit": {"type": "string", "enum": ["fraction", "percent"], "default": "fraction", "description": "0.1 or 10 for a 10% discount"},
        "columns": {"type": "object", "required": ["date", "sku"], "description": "Header names of the columns",
          "properties": {
            "id": {"type": "string", "minLength": 1, "description": "Order id"},
            "date": {"type": "string", "minLength": 1, "description": "Order date"},
            "customer": {"type": "string", "minLength": 1, "description": "Customer (matched to accounts)"},
            "sku": {"type": "string", "minLength": 1, "description": "SKU (matched to products)"},
            "quantity": {"type": "string", "minLength": 1, "description": "Units; 1 when not mapped"},
            "unit_price": {"type": "string", "minLength": 1, "description": "Price per unit"},
            "discount": {"type": "string", "minLength": 1, "description": "Discount (see discount_unit); blank is none"},
            "value": {"type": "string", "minLength": 1, "description": "Net line value; else quantity x price x (1 - discount)"},
            "region": {"type": "string", "minLength": 1, "description": "Region"},
            "rep": {"type": "string", "minLength": 1, "description": "Rep (matched to reps)"}}}}},
    "signals": {"type": "array", "default": [], "description": "Time-stamped signal series (domain.md section 2)",
      "items": {"type": "object", "required": ["name", "file", "columns"],
        "properties": {
          "name": {"type": "string", "minLength": 1, "description": "Signal name"},
          "file": {"type": "string", "minLength": 1, "description": "CSV path, relative to the mapping file"},
          "csv": @CSV_OVERRIDE@, "date_format": @DATE_OVERRIDE@, "numbers": @NUMBERS_OVERRIDE@,
          "key_level": {"type": "string", "enum": ["total", "region", "rep", "account", "product"], "default": "total", "description": "What the key column names"},
          "aggregate": {"type": "string", "enum": ["sum", "mean", "last"], "default": "sum", "description": "How points in one period combine"},
          "columns": {"type": "object", "required": ["date", "value"], "description": "Header names of the columns",
            "properties": {
              "date": {"type": "string", "minLength": 1, "description": "Date the value refers to"},
              "value": {"type": "string", "minLength": 1, "description": "The value (a number)"},
              "key": {"type": "string", "minLength": 1, "description": "Region, rep, account or product name"},
              "available": {"type": "string", "minLength": 1, "description": "Date the value became known (default: date)"}}}}}},
    "aliases": {"type": "object", "description": "Explicit spellings: {\"product\": {\"GTXPro\": \"GTX Pro\"}}",
      "properties": {"rep": @ALIASES@, "account": @ALIASES@, "product": @ALIASES@, "stage": @ALIASES@,
                     "region": @ALIASES@, "manager": @ALIASES@, "pod": @ALIASES@, "sector": @ALIASES@,
                     "location": @ALIASES@, "series": @ALIASES@}}
  }
})json";

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

}  // namespace

const json& history_mapping_schema() {
  static const json schema = [] {
    std::string t = kMappingSchemaText;
    t = replace_all(t, "@CSV_OVERRIDE@",
                    R"({"type": "object", "x-optional": true, "description": "Overrides /csv for this file",
                        "properties": {"delimiter": {"type": "string", "minLength": 1, "description": "One character"},
                                       "quote": {"type": "string", "minLength": 1, "description": "One character"},
                                       "encoding": {"type": "string", "enum": ["utf-8", "latin-1"], "description": "Text encoding"},
                                       "trim": {"type": "boolean", "description": "Strip spaces around unquoted fields"}}})");
    t = replace_all(t, "@DATE_OVERRIDE@", R"({"type": "string", "description": "Overrides /date_format for this file"})");
    t = replace_all(t, "@NUMBERS_OVERRIDE@",
                    R"({"type": "object", "x-optional": true, "description": "Overrides /numbers for this file",
                        "properties": {"decimal": {"type": "string", "enum": [".", ","], "description": "Decimal separator"},
                                       "thousands": {"type": "string", "enum": ["", ",", ".", " ", "'", "_"], "description": "Thousands separator"},
                                       "strip": {"type": "string", "description": "Characters removed before parsing"}}})");
    t = replace_all(t, "@STRINGS@", R"({"type": "array", "items": {"type": "string"}, "description": "Allowed values"})");
    t = replace_all(t, "@ALIASES@",
                    R"({"type": "object", "additionalProperties": true, "additionalSchema": {"type": "string", "minLength": 1},
                        "description": "Spelling in a file -> name it stands for"})");
    return json::parse(t);
  }();
  return schema;
}

// =====================================================================================================
// The importer
// =====================================================================================================

namespace {

using Aliases = std::map<std::string, std::string>;

// Position of the first byte that is not valid UTF-8, or npos.
size_t invalid_utf8_at(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return i;
    if (len == 2 && c < 0xC2) return i;  // overlong
    i += len;
  }
  return std::string_view::npos;
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) out += ch;
    else {
      out += char(0xC0 | (c >> 6));
      out += char(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string show(std::string_view v) {
  std::string s(v);
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return "'" + s + "'";
}

std::string esc(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// Names of one kind of entity: exact lookup, then the normalised form (unique forms only).
class NameIndex {
 public:
  enum How { kExact, kAlias, kNormalised, kNone };
  struct Match { int32_t id = kNoId; How how = kNone; std::string via; };

  void add(const std::string& name, int32_t id) {
    exact_.emplace(name, id);
    auto [it, fresh] = norm_.emplace(normalise_name(name), id);
    if (!fresh && it->second != id) it->second = kAmbiguous;
    names_.push_back(name);
  }
  bool contains(const std::string& name) const { return exact_.count(name) > 0; }
  int32_t exact(const std::string& name) const {
    auto it = exact_.find(name);
    return it == exact_.end() ? kNoId : it->second;
  }
  Match find(const std::string& s, const Aliases* aliases) const {
    if (auto it = exact_.find(s); it != exact_.end()) return {it->second, kExact, {}};
    if (aliases)
      if (auto a = aliases->find(s); a != aliases->end())
        if (auto it = exact_.find(a->second); it != exact_.end()) return {it->second, kAlias, a->second};
    const std::string n = normalise_name(s);
    if (!n.empty())
      if (auto it = norm_.find(n); it != norm_.end() && it->second != kAmbiguous)
        return {it->second, kNormalised, names_[size_t(it->second)]};
    return {};
  }
  // Closest known name for a "did you mean" hint ("" when none is close).
  std::string suggest(const std::string& s) const {
    const std::string n = normalise_name(s);
    std::string best;
    size_t best_d = std::max<size_t>(2, n.size() / 4) + 1;
    for (const auto& name : names_) {
      const size_t d = edit_distance(n, normalise_name(name));
      if (d < best_d) { best_d = d; best = name; }
    }
    return best;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  static constexpr int32_t kAmbiguous = -2;
  std::unordered_map<std::string, int32_t> exact_, norm_;
  std::vector<std::string> names_;  // by id
};

struct RowIssues {
  std::vector<RowProblem> rejects, warnings;
  void reject(std::string column, std::string reason, std::string detail) {
    rejects.push_back({RowProblem::kRejected, {}, 0, std::move(column), std::move(reason), std::move(detail)});
  }
  void warn(std::string column, std::string reason, std::string detail) {
    warnings.push_back({RowProblem::kWarning, {}, 0, std::move(column), std::move(reason), std::move(detail)});
  }
};

// One CSV file of the mapping, opened and with its mapped columns located.
struct Table {
  std::string role, pointer, path, shown;
  std::string text;
  CsvDialect dialect;
  std::optional<DateFormat> dates;
  NumberFormat numbers;
  bool utf8_check = true;
  std::vector<std::string> header;
  std::map<std::string, int> col;    // role -> column index
  std::map<std::string, std::string> col_name;  // role -> header name
  FileReport report;
  size_t report_index = 0;
};

class Importer {
 public:
  Importer(json raw, std::string base_dir, std::string source)
      : raw_(std::move(raw)), base_(std::move(base_dir)), source_(std::move(source)) {}

  HistoryLoad run();

 private:
  void fail(std::string where, std::string what) {
    out_.mapping_problems.push_back({std::move(where), std::move(what)});
  }

  std::optional<Table> open_table(const json& section, const std::string& pointer, const std::string& role);
  void read_aliases();
  void check_alias_targets(const std::string& role, const NameIndex& index, const std::string& file_pointer);

  // Commits one row: rejected (first problem, others joined) or accepted with its warnings.
  bool commit(Table& t, const CsvRecord& rec, RowIssues& is);
  // Common structural checks of a record; false when it was rejected.
  bool structural(Table& t, const CsvRecord& rec, RowIssues& is);
  std::string_view field(const Table& t, const CsvRecord& rec, const std::string& role) const {
    auto it = t.col.find(role);
    if (it == t.col.end() || size_t(it->second) >= rec.fields.size()) return {};
    return rec.fields[size_t(it->second)];
  }
  bool mapped(const Table& t, const std::string& role) const { return t.col.count(role) > 0; }
  const std::string& cname(const Table& t, const std::string& role) const { return t.col_name.at(role); }

  int32_t parse_date(const Table& t, const CsvRecord& rec, const std::string& role, RowIssues& is, bool& bad);
  double parse_number(const Table& t, const CsvRecord& rec, const std::string& role, RowIssues& is, bool& bad);
  std::string categorical(const Table& t, const CsvRecord& rec, const std::string& role, const json& allowed,
                          RowIssues& is);
  // Resolves a reference (column `role`) to an entity of kind `entity`; in `collect` mode unknown names
  // become new entities (when the mapping has no file for them).
  int32_t resolve(const Table& t, const CsvRecord& rec, const std::string& role, const std::string& entity,
                  NameIndex& index, bool collect,
                  const std::string& entity_file, RowIssues& is, bool& bad,
                  const std::function<int32_t(const std::string&)>& add);

  void import_products(Table& t);
  void import_reps(Table& t);
  void import_accounts(Table& t);
  void import_opportunities(Table& t);
  void import_orders(Table& t);
  void import_signal(Table& t, const json& spec);
  // Values of one column that differ only by case, spacing, punctuation or (when `fuzzy`) a typo.
  void near_duplicates(Table& t, const std::string& role, const std::vector<std::pair<std::string, uint32_t>>& values,
                       bool fuzzy = true);

  json raw_, m_;  // the mapping as written, and with defaults filled in
  std::string base_, source_;
  HistoryLoad out_;
  History h_;
  std::map<std::string, Aliases> aliases_;
  std::map<std::pair<std::string, std::string>, size_t> alias_uses_;
  NameIndex rep_index_, account_index_, product_index_, stage_index_, region_index_;
  bool reps_mapped_ = false, accounts_mapped_ = false, products_mapped_ = false;
  std::string reps_file_, accounts_file_, products_file_;
  int32_t last_date_ = kNoDate;
  // Entities known only from the names other files use (no file of their own); an existing name is reused.
  int32_t add_rep(const std::string& n) {
    if (int32_t id = rep_index_.exact(n); id != kNoId) return id;
    rep_index_.add(n, int32_t(h_.reps.size()));
    h_.reps.push_back(HistoryRep{n, {}, {}, {}, 0});
    return int32_t(h_.reps.size() - 1);
  }
  int32_t add_product(const std::string& n) {
    if (int32_t id = product_index_.exact(n); id != kNoId) return id;
    product_index_.add(n, int32_t(h_.products.size()));
    h_.products.push_back(HistoryProduct{n, {}, kBlank, 0});
    return int32_t(h_.products.size() - 1);
  }
  int32_t add_account(const std::string& n) {
    if (int32_t id = account_index_.exact(n); id != kNoId) return id;
    account_index_.add(n, int32_t(h_.accounts.size()));
    HistoryAccount a;
    a.name = n;
    h_.accounts.push_back(std::move(a));
    return int32_t(h_.accounts.size() - 1);
  }
  // Entities named by the current row that no file defines; created when the row is accepted.
  static constexpr int32_t kPending = -3;
  struct Pending { std::string name; std::function<int32_t(const std::string&)> add; };
  std::vector<Pending> pending_;
  // Replaces a kPending id by the entity, now created (or found: an earlier row may have added it).
  void settle(int32_t& id) {
    if (id != kPending) return;
    const Pending p = pending_.front();
    pending_.erase(pending_.begin());
    id = p.add(p.name);  // the add functions return the existing entity when the name is known
  }
};

std::optional<Table> Importer::open_table(const json& section, const std::string& pointer, const std::string& role) {
  Table t;
  t.role = role;
  t.pointer = pointer;
  // Dialect and formats: the mapping's, overridden by the section's.
  json csv = m_["csv"];
  if (section.contains("csv"))
    for (auto it = section["csv"].begin(); it != section["csv"].end(); ++it) csv[it.key()] = it.value();
  const std::string csv_ptr = section.contains("csv") ? pointer + "/csv" : "/csv";
  const std::string delim = csv["delimiter"], quote = csv["quote"];
  bool ok = true;
  if (delim.size() != 1) {
    fail(csv_ptr + "/delimiter", fmt::format("must be one character, got \"{}\"", delim));
    ok = false;
  }
  if (quote.size() != 1) {
    fail(csv_ptr + "/quote", fmt::format("must be one character, got \"{}\"", quote));
    ok = false;
  }
  if (ok && (delim[0] == '\n' || delim[0] == '\r' || delim == quote)) {
    fail(csv_ptr + "/delimiter", "must differ from the quote and from a line break");
    ok = false;
  }
  if (ok) t.dialect = CsvDialect{delim[0], quote[0], csv["trim"].get<bool>()};
  const bool latin1 = csv["encoding"] == "latin-1";
  t.utf8_check = !latin1;

  const std::string layout = section.value("date_format", m_["date_format"].get<std::string>());
  std::string err;
  t.dates = DateFormat::compile(layout, err);
  if (!t.dates) {
    fail(section.contains("date_format") ? pointer + "/date_format" : "/date_format",
         fmt::format("\"{}\": {}", layout, err));
    ok = false;
  }
  json numbers = m_["numbers"];
  if (section.contains("numbers"))
    for (auto it = section["numbers"].begin(); it != section["numbers"].end(); ++it) numbers[it.key()] = it.value();
  const std::string dec = numbers["decimal"], th = numbers["thousands"];
  t.numbers.decimal = dec[0];
  t.numbers.thousands = th.empty() ? 0 : th[0];
  t.numbers.strip = numbers["strip"];
  if (t.numbers.thousands == t.numbers.decimal) {
    fail(section.contains("numbers") ? pointer + "/numbers/thousands" : "/numbers/thousands",
         "the thousands separator must differ from the decimal separator");
    ok = false;
  }

  // The file, relative to the mapping.
  const std::string file = section["file"];
  const fs::path full = fs::path(file).is_absolute() ? fs::path(file) : fs::path(base_) / file;
  t.path = full.string();
  t.shown = full.lexically_normal().string();
  std::ifstream in(full, std::ios::binary);
  if (!in || fs::is_directory(full)) {
    fail(pointer + "/file", fmt::format("cannot open \"{}\" (resolved to {}; paths are relative to the mapping file)",
                                        file, t.shown));
    return std::nullopt;
  }
  // Only regular files: a device or a pipe (/dev/zero, /dev/stdin) would be read without end.
  if (std::error_code ec; !fs::is_regular_file(full, ec)) {
    fail(pointer + "/file", fmt::format("{} is not a regular file (a device or a pipe cannot be imported)", t.shown));
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  t.text = ss.str();
  if (t.text.size() >= 2 && ((uint8_t(t.text[0]) == 0xFF && uint8_t(t.text[1]) == 0xFE) ||
                             (uint8_t(t.text[0]) == 0xFE && uint8_t(t.text[1]) == 0xFF))) {
    fail(pointer + "/file", fmt::format("{} is UTF-16; export it as UTF-8 (or latin-1 with \"encoding\")", t.shown));
    return std::nullopt;
  }
  if (latin1) t.text = latin1_to_utf8(t.text);
  if (!ok) return std::nullopt;

  CsvReader reader(t.text, t.dialect);
  CsvRecord header;
  if (!reader.next(header) || header.blank) {
    fail(pointer + "/file", fmt::format("{} is empty: the first line must be a header naming the columns", t.shown));
    return std::nullopt;
  }
  if (!header.error.empty()) {
    fail(pointer + "/file", fmt::format("{}:1: the header is malformed: {}", t.shown, header.error));
    return std::nullopt;
  }
  t.header = header.fields;
  const json& columns = section["columns"];
  for (auto it = columns.begin(); it != columns.end(); ++it) {
    const std::string name = it.value();
    std::vector<int> hits;
    for (size_t i = 0; i < t.header.size(); ++i)
      if (t.header[i] == name) hits.push_back(int(i));
    const std::string where = pointer + "/columns/" + esc(it.key());
    if (hits.empty()) {
      std::string hint;
      for (const auto& hname : t.header)
        if (normalise_name(hname) == normalise_name(name)) hint = fmt::format(" (did you mean \"{}\"?)", hname);
      if (hint.empty()) {
        std::vector<std::string> quoted;
        for (const auto& hname : t.header) quoted.push_back("\"" + hname + "\"");
        hint = fmt::format(" (its columns: {})", fmt::join(quoted, ", "));
      }
      fail(where, fmt::format("no column \"{}\" in the header of {}{}", name, t.shown, hint));
      ok = false;
    } else if (hits.size() > 1) {
      fail(where, fmt::format("column \"{}\" appears {} times in the header of {} (columns {} and {})", name,
                              hits.size(), t.shown, hits[0] + 1, hits[1] + 1));
      ok = false;
    } else {
      t.col[it.key()] = hits[0];
      t.col_name[it.key()] = name;
    }
  }
  if (!ok) return std::nullopt;
  t.report.role = role;
  t.report.path = t.shown;
  t.report.bom = reader.had_bom();
  return t;
}

void Importer::read_aliases() {
  const json& a = m_["aliases"];
  for (auto it = a.begin(); it != a.end(); ++it)
    for (auto e = it.value().begin(); e != it.value().end(); ++e) aliases_[it.key()][e.key()] = e.value();
}

void Importer::check_alias_targets(const std::string& role, const NameIndex& index, const std::string& file_pointer) {
  auto it = aliases_.find(role);
  if (it == aliases_.end()) return;
  for (const auto& [from, to] : it->second)
    if (!index.contains(to)) {
      const std::string near = index.suggest(to);
      fail("/aliases/" + role + "/" + esc(from),
           fmt::format("\"{}\" is not a {} in the file of {}{}", to, role, file_pointer,
                       near.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", near)));
    }
}

bool Importer::commit(Table& t, const CsvRecord& rec, RowIssues& is) {
  if (!is.rejects.empty()) {
    pending_.clear();
    RowProblem p = is.rejects.front();
    for (size_t k = 1; k < is.rejects.size(); ++k)
      p.detail += fmt::format("; also {}{}", is.rejects[k].column.empty() ? "" : "column " + is.rejects[k].column + ": ",
                              is.rejects[k].detail);
    p.file = t.shown;
    p.line = rec.line;
    h_.report.problems.push_back(std::move(p));
    h_.report.rejected_records.emplace_back(rec.raw);
    ++t.report.rejected;
    return false;
  }
  for (RowProblem& w : is.warnings) {
    w.file = t.shown;
    w.line = rec.line;
    h_.report.problems.push_back(std::move(w));
    ++t.report.warnings;
  }
  ++t.report.accepted;
  return true;
}

bool Importer::structural(Table& t, const CsvRecord& rec, RowIssues& is) {
  if (rec.blank) {
    is.reject("", "blank_line", "empty line");
    return false;
  }
  if (!rec.error.empty()) {
    is.reject(rec.error_field >= 1 && rec.error_field <= t.header.size() ? t.header[rec.error_field - 1] : "",
              "malformed_csv", rec.error);
    return false;
  }
  if (rec.fields.size() != t.header.size()) {
    std::string hint;
    if (rec.end_line > rec.line)
      hint = fmt::format(" (the record runs to line {}: an unbalanced quote?)", rec.end_line);
    else if (rec.fields.size() > t.header.size() &&
             std::all_of(rec.fields.begin() + long(t.header.size()), rec.fields.end(),
                         [](const std::string& f) { return f.empty(); }))
      hint = " (the extra fields are empty: a trailing delimiter?)";
    else if (rec.fields.size() > t.header.size())
      hint = " (an unquoted delimiter inside a value?)";
    is.reject("", "field_count",
              fmt::format("{} fields, the header has {}{}", rec.fields.size(), t.header.size(), hint));
    return false;
  }
  if (t.utf8_check)
    for (size_t i = 0; i < rec.fields.size(); ++i)
      if (size_t at = invalid_utf8_at(rec.fields[i]); at != std::string::npos) {
        is.reject(t.header[i], "invalid_utf8",
                  fmt::format("byte 0x{:02X} at character {} is not UTF-8 (set \"encoding\": \"latin-1\" if the "
                              "file is Latin-1)",
                              static_cast<unsigned char>(rec.fields[i][at]), at + 1));
        return false;
      }
  return true;
}

int32_t Importer::parse_date(const Table& t, const CsvRecord& rec, const std::string& role, RowIssues& is, bool& bad) {
  if (!mapped(t, role)) return kNoDate;
  const std::string_view v = field(t, rec, role);
  if (v.empty()) return kNoDate;
  auto d = t.dates->parse(v);
  if (!d) {
    // Never guess: say which other common layout would have read it, so the mapping can be fixed.
    std::string hint;
    for (const char* alt : {"YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY", "D/M/YYYY", "M/D/YYYY",
                            "YYYY/MM/DD", "DD-MMM-YYYY", "YYYY-MM-DD*"}) {
      std::string e;
      auto f = DateFormat::compile(alt, e);
      if (alt != t.dates->layout() && f->parse(v)) {
        hint = fmt::format("; it would read as {}", alt);
        break;
      }
    }
    is.reject(cname(t, role), "bad_date",
              fmt::format("{} is not a date (expected {}{})", show(v), t.dates->layout(), hint));
    bad = true;
    return kNoDate;
  }
  const int32_t day = int32_t(d->serial());
  return day;
}

double Importer::parse_number(const Table& t, const CsvRecord& rec, const std::string& role, RowIssues& is, bool& bad) {
  if (!mapped(t, role)) return kBlank;
  const std::string_view v = field(t, rec, role);
  if (v.empty()) return kBlank;
  auto x = t.numbers.parse(v);
  if (!x) {
    is.reject(cname(t, role), "bad_number", fmt::format("{} is not a number ({})", show(v), t.numbers.describe()));
    bad = true;
    return kBlank;
  }
  return *x;
}

std::string Importer::categorical(const Table& t, const CsvRecord& rec, const std::string& role, const json& allowed,
                                  RowIssues& is) {
  if (!mapped(t, role)) return {};
  std::string v(field(t, rec, role));
  if (v.empty()) return v;
  if (auto a = aliases_.find(role); a != aliases_.end())
    if (auto e = a->second.find(v); e != a->second.end()) {
      ++alias_uses_[{role, v}];
      v = e->second;
    }
  if (allowed.contains(role)) {
    const auto& list = allowed[role];
    bool found = false;
    for (const auto& x : list) found = found || x.get<std::string>() == v;
    if (!found) {
      std::string best;
      size_t best_d = std::max<size_t>(2, v.size() / 4) + 1;
      for (const auto& x : list) {
        const size_t d = edit_distance(normalise_name(v), normalise_name(x.get<std::string>()));
        if (d < best_d) { best_d = d; best = x.get<std::string>(); }
      }
      is.warn(cname(t, role), "value_not_allowed",
              fmt::format("{} {} is not in the mapping's allowed list{} (kept as written)", role, show(v),
                          best.empty() ? "" : fmt::format("; did you mean '{}'?", best)));
    }
  }
  return v;
}

int32_t Importer::resolve(const Table& t, const CsvRecord& rec, const std::string& role, const std::string& entity,
                          NameIndex& index, bool collect, const std::string& entity_file, RowIssues& is, bool& bad,
                          const std::function<int32_t(const std::string&)>& add) {
  const std::string v(field(t, rec, role));
  auto a = aliases_.find(entity);
  const NameIndex::Match m = index.find(v, a == aliases_.end() ? nullptr : &a->second);
  switch (m.how) {
    case NameIndex::kExact: return m.id;
    case NameIndex::kAlias: ++alias_uses_[{entity, v}]; return m.id;
    case NameIndex::kNormalised:
      is.warn(cname(t, role), "name_normalised",
              fmt::format("{} {} matches '{}'{} only after ignoring case, spaces and punctuation (add it to "
                          "/aliases/{} to accept it explicitly)",
                          entity, show(v), m.via, collect ? "" : " in " + entity_file, entity));
      return m.id;
    case NameIndex::kNone: break;
  }
  if (collect) {
    // Added only if the row is accepted (see commit): a rejected row must not create an entity. An
    // explicit alias names the entity even when no file defines it.
    std::string name = v;
    if (a != aliases_.end())
      if (auto e = a->second.find(v); e != a->second.end()) {
        ++alias_uses_[{entity, v}];
        name = e->second;
      }
    pending_.push_back({name, add});
    return kPending;
  }
  const std::string near = index.suggest(v);
  is.reject(cname(t, role), "unknown_" + entity,
            fmt::format("{} {} is not in {}{}", entity, show(v), entity_file,
                        near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
  bad = true;
  return kNoId;
}

void Importer::near_duplicates(Table& t, const std::string& role,
                               const std::vector<std::pair<std::string, uint32_t>>& values, bool fuzzy) {
  // Distinct values with their rows; a rarer value close to a commoner one is flagged on its rows.
  std::map<std::string, std::vector<uint32_t>> rows;
  for (const auto& [v, line] : values)
    if (!v.empty()) rows[v].push_back(line);
  std::vector<std::string> distinct;
  for (const auto& [v, l] : rows) distinct.push_back(v);
  for (const auto& a : distinct) {
    const std::string na = normalise_name(a);
    for (const auto& b : distinct) {
      if (a == b) continue;
      const std::string nb = normalise_name(b);
      const size_t len = std::min(na.size(), nb.size());
      const size_t tolerance = !fuzzy ? 0 : len >= 8 ? 2 : len >= 5 ? 1 : 0;
      if (na != nb && edit_distance(na, nb) > tolerance) continue;
      const size_t ca = rows[a].size(), cb = rows[b].size();
      if (ca > cb || (ca == cb && a < b)) continue;  // flag the rarer one (ties: one of the two)
      for (uint32_t line : rows[a]) {
        h_.report.problems.push_back(
            {RowProblem::kWarning, t.shown, line, cname(t, role), "near_duplicate",
             fmt::format("{} '{}' ({} row{}) looks like a variant of '{}' ({} row{})", role, a, ca, ca == 1 ? "" : "s",
                         b, cb, cb == 1 ? "" : "s")});
        ++t.report.warnings;
      }
    }
  }
}

void Importer::import_products(Table& t) {
  const json& allowed = m_["products"].value("allowed", json::object());
  CsvReader reader(t.text, t.dialect);
  CsvRecord rec;
  reader.next(rec);  // header
  std::vector<std::pair<std::string, uint32_t>> series, names;
  while (reader.next(rec)) {
    ++t.report.rows_read;
    RowIssues is;
    HistoryProduct p;
    if (structural(t, rec, is)) {
      bool bad = false;
      p.name = field(t, rec, "name");
      if (p.name.empty()) is.reject(cname(t, "name"), "missing_name", "blank product name");
      else if (int32_t prev = product_index_.exact(p.name); prev != kNoId)
        is.reject(cname(t, "name"), "duplicate_name",
                  fmt::format("product {} already defined on line {}", show(p.name), h_.products[size_t(prev)].line));
      p.series = categorical(t, rec, "series", allowed, is);
      p.price = parse_number(t, rec, "price", is, bad);
      if (!bad && p.price < 0)
        is.reject(cname(t, "price"), "negative_value", fmt::format("price {} is negative", p.price));
    }
    p.line = uint32_t(rec.line);
    if (commit(t, rec, is)) {
      product_index_.add(p.name, int32_t(h_.products.size()));
      series.emplace_back(p.series, p.line);
      names.emplace_back(p.name, p.line);
      h_.products.push_back(std::move(p));
    }
  }
  t.report.crlf = reader.saw_crlf();
  if (mapped(t, "series")) near_duplicates(t, "series", series);
  near_duplicates(t, "name", names, false);
}

void Importer::import_reps(Table& t) {
  const json& allowed = m_["reps"].value("allowed", json::object());
  CsvReader reader(t.text, t.dialect);
  CsvRecord rec;
  reader.next(rec);
  std::vector<std::pair<std::string, uint32_t>> managers, regions, pods, names;
  while (reader.next(rec)) {
    ++t.report.rows_read;
    RowIssues is;
    HistoryRep r;
    if (structural(t, rec, is)) {
      r.name = field(t, rec, "name");
      if (r.name.empty()) is.reject(cname(t, "name"), "missing_name", "blank rep name");
      else if (int32_t prev = rep_index_.exact(r.name); prev != kNoId)
        is.reject(cname(t, "name"), "duplicate_name",
                  fmt::format("rep {} already defined on line {}", show(r.name), h_.reps[size_t(prev)].line));
      r.manager = categorical(t, rec, "manager", allowed, is);
      r.region = categorical(t, rec, "region", allowed, is);
      r.pod = categorical(t, rec, "pod", allowed, is);
    }
    r.line = uint32_t(rec.line);
    if (commit(t, rec, is)) {
      rep_index_.add(r.name, int32_t(h_.reps.size()));
      managers.emplace_back(r.manager, r.line);
      regions.emplace_back(r.region, r.line);
      pods.emplace_back(r.pod, r.line);
      names.emplace_back(r.name, r.line);
      h_.reps.push_back(std::move(r));
    }
  }
  t.report.crlf = reader.saw_crlf();
  if (mapped(t, "manager")) near_duplicates(t, "manager", managers);
  if (mapped(t, "region")) near_duplicates(t, "region", regions);
  if (mapped(t, "pod")) near_duplicates(t, "pod", pods);
  near_duplicates(t, "name", names, false);
}

void Importer::import_accounts(Table& t) {
  const json& allowed = m_["accounts"].value("allowed", json::object());
  CsvReader reader(t.text, t.dialect);
  CsvRecord rec;
  reader.next(rec);
  std::vector<std::pair<std::string, uint32_t>> sectors, locations, names;
  while (reader.next(rec)) {
    ++t.report.rows_read;
    RowIssues is;
    HistoryAccount a;
    if (structural(t, rec, is)) {
      bool bad = false;
      a.name = field(t, rec, "name");
      if (a.name.empty()) is.reject(cname(t, "name"), "missing_name", "blank account name");
      else if (int32_t prev = account_index_.exact(a.name); prev != kNoId)
        is.reject(cname(t, "name"), "duplicate_name",
                  fmt::format("account {} already defined on line {}", show(a.name), h_.accounts[size_t(prev)].line));
      a.sector = categorical(t, rec, "sector", allowed, is);
      a.location = categorical(t, rec, "location", allowed, is);
      a.parent_name = field(t, rec, "parent");
      a.employees = parse_number(t, rec, "size", is, bad);
      a.revenue = parse_number(t, rec, "revenue", is, bad);
      a.founded = parse_number(t, rec, "founded", is, bad);
    }
    a.line = uint32_t(rec.line);
    if (commit(t, rec, is)) {
      account_index_.add(a.name, int32_t(h_.accounts.size()));
      sectors.emplace_back(a.sector, a.line);
      locations.emplace_back(a.location, a.line);
      names.emplace_back(a.name, a.line);
      h_.accounts.push_back(std::move(a));
    }
  }
  t.report.crlf = reader.saw_crlf();
  if (mapped(t, "sector")) near_duplicates(t, "sector", sectors);
  if (mapped(t, "location")) near_duplicates(t, "location", locations);
  near_duplicates(t, "name", names, false);
  // Parents refer to accounts of the same file; they are resolved once all are read.
  if (mapped(t, "parent")) {
    auto a = aliases_.find("account");
    for (HistoryAccount& acc : h_.accounts) {
      if (acc.parent_name.empty()) continue;
      const auto match = account_index_.find(acc.parent_name, a == aliases_.end() ? nullptr : &a->second);
      acc.parent = match.id;
      if (match.how == NameIndex::kNone || match.how == NameIndex::kNormalised) {
        h_.report.problems.push_back(
            {RowProblem::kWarning, t.shown, acc.line, cname(t, "parent"), "unknown_parent",
             match.how == NameIndex::kNone
                 ? fmt::format("parent {} is not an account of this file (kept as a name)", show(acc.parent_name))
                 : fmt::format("parent {} matches '{}' only after ignoring case, spaces and punctuation",
                               show(acc.parent_name), match.via)});
        ++t.report.warnings;
      }
    }
  }
}

void Importer::import_opportunities(Table& t) {
  CsvReader reader(t.text, t.dialect);
  CsvRecord rec;
  reader.next(rec);
  std::unordered_map<std::string, uint32_t> seen_ids;
  const std::string reps_file = reps_mapped_ ? reps_file_ : "", accounts_file = accounts_mapped_ ? accounts_file_ : "",
                    products_file = products_mapped_ ? products_file_ : "";
  auto stage_aliases = aliases_.find("stage");
  while (reader.next(rec)) {
    ++t.report.rows_read;
    RowIssues is;
    pending_.clear();
    Opportunity o;
    o.line = uint32_t(rec.line);
    if (structural(t, rec, is)) {
      bool bad = false;
      o.id = field(t, rec, "id");
      if (o.id.empty()) is.reject(cname(t, "id"), "missing_id", "blank opportunity id");
      else if (auto it = seen_ids.find(o.id); it != seen_ids.end())
        is.reject(cname(t, "id"), "duplicate_id",
                  fmt::format("opportunity id {} already used on line {}", show(o.id), it->second));

      const std::string stage(field(t, rec, "stage"));
      bool stage_ok = false;
      if (stage.empty()) {
        is.reject(cname(t, "stage"), "missing_stage", "blank stage");
      } else {
        const auto m = stage_index_.find(stage, stage_aliases == aliases_.end() ? nullptr : &stage_aliases->second);
        if (m.how == NameIndex::kNone) {
          is.reject(cname(t, "stage"), "unknown_stage",
                    fmt::format("stage {} is not in /opportunities/stages ({})", show(stage),
                                fmt::join(stage_index_.names(), ", ")));
        } else {
          if (m.how == NameIndex::kNormalised)
            is.warn(cname(t, "stage"), "name_normalised",
                    fmt::format("stage {} matches '{}' only after ignoring case, spaces and punctuation (add it to "
                                "/aliases/stage to accept it explicitly)",
                                show(stage), m.via));
          if (m.how == NameIndex::kAlias) ++alias_uses_[{"stage", stage}];
          o.stage = uint16_t(m.id);
          o.status = h_.stages[size_t(m.id)].status;
          stage_ok = true;
        }
      }
      const bool closed = stage_ok && o.status != DealStatus::kOpen;
      const std::string what = !stage_ok ? "deal" : o.status == DealStatus::kWon ? "won deal"
                                                  : o.status == DealStatus::kLost ? "lost deal" : "open deal";

      if (mapped(t, "rep")) {
        if (field(t, rec, "rep").empty())
          is.reject(cname(t, "rep"), "missing_rep", fmt::format("{} without a rep", what));
        else
          o.rep = resolve(t, rec, "rep", "rep", rep_index_, !reps_mapped_, reps_file, is, bad,
                          [this](const std::string& n) { return add_rep(n); });
      }
      if (mapped(t, "product")) {
        if (field(t, rec, "product").empty())
          is.reject(cname(t, "product"), "missing_product", fmt::format("{} without a product", what));
        else
          o.product = resolve(t, rec, "product", "product", product_index_, !products_mapped_, products_file, is, bad,
                              [this](const std::string& n) { return add_product(n); });
      }
      if (mapped(t, "account")) {
        if (field(t, rec, "account").empty()) {
          if (closed) is.reject(cname(t, "account"), "missing_account", fmt::format("{} without an account", what));
          else if (stage_ok)
            is.warn(cname(t, "account"), "open_without_account", "open deal without an account (kept open, account blank)");
        } else {
          o.account = resolve(t, rec, "account", "account", account_index_, !accounts_mapped_, accounts_file, is, bad,
                              [this](const std::string& n) { return add_account(n); });
        }
      }
      bool bad_date = false;
      o.created = parse_date(t, rec, "created", is, bad_date);
      const int32_t close = parse_date(t, rec, "close_date", is, bad_date);
      if (mapped(t, "created") && o.created == kNoDate && !bad_date && stage_ok) {
        if (closed) is.warn(cname(t, "created"), "closed_without_created", fmt::format("{} without a created date (cycle length unknown)", what));
        else is.warn(cname(t, "created"), "open_without_created", "open deal without a created date (kept open, date blank)");
      }
      if (closed) {
        if (!mapped(t, "close_date"))
          is.reject("", "missing_close_date", fmt::format("{}: no close_date column is mapped", what));
        else if (close == kNoDate && !bad_date)
          is.reject(cname(t, "close_date"), "missing_close_date", fmt::format("{} without a close date", what));
        o.closed = close;
      } else {
        o.expected_close = close;
      }
      if (o.created != kNoDate && close != kNoDate && close < o.created)
        is.reject(cname(t, "close_date"), "close_before_created",
                  fmt::format("close date {} is before the created date {}", Date::from_serial(close).str(),
                              Date::from_serial(o.created).str()));
      bool bad_value = false;
      o.value = parse_number(t, rec, "value", is, bad_value);
      if (!std::isnan(o.value) && o.value < 0)
        is.reject(cname(t, "value"), "negative_value", fmt::format("value {} is negative", field(t, rec, "value")));
      if (stage_ok && o.status == DealStatus::kWon && std::isnan(o.value) && !bad_value && mapped(t, "value"))
        is.reject(cname(t, "value"), "missing_value", "won deal without a value");
      if (h_.as_of != kNoDate) {
        for (const auto& [role, day] : {std::pair<const char*, int32_t>{"created", o.created}, {"close_date", o.closed}})
          if (day != kNoDate && day > h_.as_of && mapped(t, role))
            is.warn(cname(t, role), "after_as_of",
                    fmt::format("{} is after the export date /as_of {}", Date::from_serial(day).str(),
                                Date::from_serial(h_.as_of).str()));
      }
    }
    if (commit(t, rec, is)) {
      settle(o.rep);
      settle(o.product);
      settle(o.account);
      seen_ids.emplace(o.id, o.line);
      last_date_ = std::max({last_date_, o.created, o.closed});
      h_.opportunities.push_back(std::move(o));
    }
  }
  t.report.crlf = reader.saw_crlf();
  h_.has_values = mapped(t, "value");
}

void Importer::import_orders(Table& t) {
  const bool percent = m_["orders"]["discount_unit"] == "percent";
  CsvReader reader(t.text, t.dialect);
  CsvRecord rec;
  reader.next(rec);
  std::vector<std::pair<std::string, uint32_t>> regions;
  while (reader.next(rec)) {
    ++t.report.rows_read;
    RowIssues is;
    pending_.clear();
    HistoryOrder o;
    o.line = uint32_t(rec.line);
    if (structural(t, rec, is)) {
      bool bad = false;
      o.id = field(t, rec, "id");
      o.date = parse_date(t, rec, "date", is, bad);
      if (o.date == kNoDate && !bad) is.reject(cname(t, "date"), "missing_date", "order line without a date");
      if (field(t, rec, "sku").empty()) is.reject(cname(t, "sku"), "missing_sku", "order line without a SKU");
      else
        o.product = resolve(t, rec, "sku", "product", product_index_, !products_mapped_, products_file_, is, bad,
                            [this](const std::string& n) { return add_product(n); });
      if (mapped(t, "customer")) {
        if (field(t, rec, "customer").empty()) is.warn(cname(t, "customer"), "missing_customer", "order line without a customer");
        else
          o.account = resolve(t, rec, "customer", "account", account_index_, !accounts_mapped_, accounts_file_, is, bad,
                              [this](const std::string& n) { return add_account(n); });
      }
      if (mapped(t, "rep") && !field(t, rec, "rep").empty())
        o.rep = resolve(t, rec, "rep", "rep", rep_index_, !reps_mapped_, reps_file_, is, bad, 
                        [this](const std::string& n) { return add_rep(n); });
      o.region = categorical(t, rec, "region", json::object(), is);
      if (mapped(t, "quantity")) {
        const double q = parse_number(t, rec, "quantity", is, bad);
        if (std::isnan(q) && !bad) is.reject(cname(t, "quantity"), "missing_quantity", "order line without a quantity");
        o.quantity = q;
        if (q < 0) is.warn(cname(t, "quantity"), "negative_quantity", fmt::format("quantity {} is negative (a return?)", q));
      }
      o.unit_price = parse_number(t, rec, "unit_price", is, bad);
      const double disc = parse_number(t, rec, "discount", is, bad);
      o.discount = std::isnan(disc) ? 0.0 : percent ? disc / 100.0 : disc;
      if (o.discount < 0 || o.discount > 1)
        is.reject(cname(t, "discount"), "bad_discount",
                  fmt::format("discount {} is outside 0..{} (discount_unit \"{}\")", disc, percent ? 100 : 1,
                              percent ? "percent" : "fraction"));
      o.value = parse_number(t, rec, "value", is, bad);
      if (std::isnan(o.value) && !bad) {
        if (std::isnan(o.unit_price)) {
          is.reject(mapped(t, "unit_price") ? cname(t, "unit_price") : "", "missing_price",
                    mapped(t, "value") ? "order line with neither a value nor a unit price"
                                       : "order line without a unit price (and no value column is mapped)");
        } else if (!std::isnan(o.quantity)) {
          o.value = o.quantity * o.unit_price * (1 - o.discount);
        }
      }
    }
    if (commit(t, rec, is)) {
      settle(o.product);
      settle(o.account);
      settle(o.rep);
      last_date_ = std::max(last_date_, o.date);
      regions.emplace_back(o.region, o.line);
      h_.orders.push_back(std::move(o));
    }
  }
  t.report.crlf = reader.saw_crlf();
  if (mapped(t, "region")) near_duplicates(t, "region", regions);
}

void Importer::import_signal(Table& t, const json& spec) {
  SignalSeries s;
  s.name = spec["name"];
  s.aggregate = spec["aggregate"];
  const std::string level = spec["key_level"];
  s.level = level == "region" ? KeyLevel::kRegion : level == "rep" ? KeyLevel::kRep
          : level == "account" ? KeyLevel::kAccount : level == "product" ? KeyLevel::kProduct : KeyLevel::kTotal;
  NameIndex* index = s.level == KeyLevel::kRegion ? &region_index_ : s.level == KeyLevel::kRep ? &rep_index_
                   : s.level == KeyLevel::kAccount ? &account_index_ : s.level == KeyLevel::kProduct ? &product_index_
                   : nullptr;
  const std::string entity_file = s.level == KeyLevel::kRegion ? "the reps' regions"
                                : s.level == KeyLevel::kRep ? reps_file_ : s.level == KeyLevel::kAccount ? accounts_file_
                                : products_file_;
  CsvReader reader(t.text, t.dialect);
  CsvRecord rec;
  reader.next(rec);
  while (reader.next(rec)) {
    ++t.report.rows_read;
    RowIssues is;
    SignalPoint p;
    if (structural(t, rec, is)) {
      bool bad = false;
      p.date = parse_date(t, rec, "date", is, bad);
      if (p.date == kNoDate && !bad) is.reject(cname(t, "date"), "missing_date", "signal point without a date");
      p.available = parse_date(t, rec, "available", is, bad);
      if (p.available == kNoDate) p.available = p.date;
      p.value = parse_number(t, rec, "value", is, bad);
      if (std::isnan(p.value) && !bad) is.reject(cname(t, "value"), "missing_value", "signal point without a value");
      if (index) {
        if (field(t, rec, "key").empty()) is.reject(cname(t, "key"), "missing_key", fmt::format("signal point without a {}", level));
        else
          p.key = resolve(t, rec, "key", level, *index, false, entity_file, is, bad, [](const std::string&) { return kNoId; });
      }
    }
    if (commit(t, rec, is)) s.points.push_back(p);
  }
  t.report.crlf = reader.saw_crlf();
  h_.signals.push_back(std::move(s));
}

HistoryLoad Importer::run() {
  // 1. The mapping against its schema.
  m_ = validate_and_fill(history_mapping_schema(), raw_, out_.mapping_problems);
  if (!out_.mapping_problems.empty()) return std::move(out_);
  h_.name = m_["name"];
  h_.mapping_path = source_;
  if (m_.contains("as_of")) {
    h_.as_of = int32_t(Date::parse(m_["as_of"].get<std::string>())->serial());
    h_.as_of_declared = true;
  }

  // 2. Stages and aliases.
  std::set<std::string> won_or_lost;
  const json& stages = m_["opportunities"]["stages"];
  for (size_t i = 0; i < stages.size(); ++i) {
    const std::string name = stages[i]["name"], status = stages[i]["status"];
    if (stage_index_.contains(name)) {
      fail(fmt::format("/opportunities/stages/{}/name", i), fmt::format("stage \"{}\" is listed twice", name));
      continue;
    }
    stage_index_.add(name, int32_t(h_.stages.size()));
    h_.stages.push_back({name, status == "won" ? DealStatus::kWon : status == "lost" ? DealStatus::kLost : DealStatus::kOpen});
    won_or_lost.insert(status);
  }
  if (!won_or_lost.count("won"))
    fail("/opportunities/stages", "no stage has status \"won\": won deals could never be told apart");
  read_aliases();
  if (aliases_.count("stage"))
    for (const auto& [from, to] : aliases_["stage"])
      if (!stage_index_.contains(to))
        fail("/aliases/stage/" + esc(from), fmt::format("\"{}\" is not in /opportunities/stages", to));

  // 3. Open every file and locate its columns; all mapping problems are reported together.
  std::optional<Table> products, reps, accounts, opportunities, orders;
  std::vector<std::optional<Table>> signals;
  if (m_.contains("products")) products = open_table(m_["products"], "/products", "products");
  if (m_.contains("reps")) reps = open_table(m_["reps"], "/reps", "reps");
  if (m_.contains("accounts")) accounts = open_table(m_["accounts"], "/accounts", "accounts");
  opportunities = open_table(m_["opportunities"], "/opportunities", "opportunities");
  if (m_.contains("orders")) orders = open_table(m_["orders"], "/orders", "orders");
  for (size_t i = 0; i < m_["signals"].size(); ++i) {
    const json& s = m_["signals"][i];
    const std::string ptr = fmt::format("/signals/{}", i);
    if (s["key_level"] != "total" && !s["columns"].contains("key"))
      fail(ptr + "/columns/key", fmt::format("is required when key_level is \"{}\"", s["key_level"].get<std::string>()));
    if (s["key_level"] == "region" && !m_.contains("reps"))
      fail(ptr + "/key_level", "\"region\" needs /reps with a region column");
    signals.push_back(open_table(s, ptr, "signal " + s["name"].get<std::string>()));
  }
  if (!out_.mapping_problems.empty()) return std::move(out_);
  reps_mapped_ = reps.has_value();
  accounts_mapped_ = accounts.has_value();
  products_mapped_ = products.has_value();
  if (reps) reps_file_ = reps->shown;
  if (accounts) accounts_file_ = accounts->shown;
  if (products) products_file_ = products->shown;
  if (!reps_mapped_ && m_["signals"].size())
    for (const auto& s : m_["signals"])
      if (s["key_level"] == "rep") reps_file_ = "the opportunities' reps";

  // 4. Entities first (they define the names), then what refers to them.
  auto reserve_report = [&](Table& t) {
    t.report_index = h_.report.files.size();
    h_.report.files.push_back({});
  };
  auto finish = [&](Table& t) { h_.report.files[t.report_index] = t.report; };
  if (products) { reserve_report(*products); import_products(*products); finish(*products); check_alias_targets("product", product_index_, "/products"); }
  if (reps) {
    reserve_report(*reps);
    import_reps(*reps);
    finish(*reps);
    check_alias_targets("rep", rep_index_, "/reps");
  }
  if (accounts) { reserve_report(*accounts); import_accounts(*accounts); finish(*accounts); check_alias_targets("account", account_index_, "/accounts"); }
  if (!out_.mapping_problems.empty()) return std::move(out_);
  // Regions are the distinct regions of the reps file.
  h_.rep_region.assign(h_.reps.size(), kNoId);
  for (size_t r = 0; r < h_.reps.size(); ++r) {
    const std::string& g = h_.reps[r].region;
    if (g.empty()) continue;
    int32_t id = region_index_.exact(g);
    if (id == kNoId) {
      id = int32_t(h_.regions.size());
      region_index_.add(g, id);
      h_.regions.push_back(g);
    }
    h_.rep_region[r] = id;
  }
  reserve_report(*opportunities);
  import_opportunities(*opportunities);
  finish(*opportunities);
  if (orders) {
    reserve_report(*orders);
    import_orders(*orders);
    finish(*orders);
    h_.has_orders = true;
  }
  for (size_t i = 0; i < signals.size(); ++i) {
    reserve_report(*signals[i]);
    import_signal(*signals[i], m_["signals"][i]);
    finish(*signals[i]);
  }
  // Reps derived from the opportunities get no region.
  h_.rep_region.resize(h_.reps.size(), kNoId);

  // 5. Notes: what was derived rather than read, and every alias used.
  auto& notes = h_.report.notes;
  if (!reps_mapped_ && !h_.reps.empty()) notes.push_back(fmt::format("{} reps known only from the opportunities (no /reps file)", h_.reps.size()));
  if (!accounts_mapped_ && !h_.accounts.empty()) notes.push_back(fmt::format("{} accounts known only from the opportunities (no /accounts file)", h_.accounts.size()));
  if (!products_mapped_ && !h_.products.empty()) notes.push_back(fmt::format("{} products known only from the opportunities (no /products file)", h_.products.size()));
  for (const auto& [key, n] : alias_uses_)
    notes.push_back(fmt::format("alias {} '{}' -> '{}' applied to {} row{}", key.first, key.second,
                                aliases_[key.first][key.second], n, n == 1 ? "" : "s"));
  if (h_.as_of == kNoDate) h_.as_of = last_date_;
  out_.history = std::move(h_);
  return std::move(out_);
}

}  // namespace

HistoryLoad load_history_json(const json& mapping, const std::string& base_dir, const std::string& source) {
  if (!mapping.is_object()) {
    HistoryLoad out;
    out.mapping_problems.push_back({"", fmt::format("a mapping must be a JSON object, got {}", describe(mapping))});
    return out;
  }
  Importer imp(mapping, base_dir, source);
  return imp.run();
}

HistoryLoad load_history(const std::string& path) {
  HistoryLoad out;
  std::ifstream in(path, std::ios::binary);
  if (!in || fs::is_directory(path)) {
    out.mapping_problems.push_back({path, "cannot open the mapping file (does it exist and is it readable?)"});
    return out;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const fs::path base = fs::path(path).parent_path();
  return load_history_text(ss.str(), base.empty() ? "." : base.string(), path);
}

HistoryLoad load_history_text(const std::string& text, const std::string& base_dir, const std::string& source) {
  HistoryLoad out;
  auto doc = parse_json_text(text, source, out.mapping_problems);
  if (!doc) return out;
  return load_history_json(*doc, base_dir, source);
}

// =====================================================================================================
// Summary
// =====================================================================================================

HistorySummary summarise(const History& h) {
  HistorySummary s;
  auto minmax = [](int32_t& lo, int32_t& hi, int32_t d) {
    if (d == kNoDate) return;
    if (lo == kNoDate || d < lo) lo = d;
    if (hi == kNoDate || d > hi) hi = d;
  };
  std::vector<size_t> per_stage(h.stages.size());
  std::vector<char> rep_used(h.reps.size()), account_used(h.accounts.size()), product_used(h.products.size());
  for (const Opportunity& o : h.opportunities) {
    minmax(s.created_first, s.created_last, o.created);
    minmax(s.closed_first, s.closed_last, o.closed);
    ++per_stage[o.stage];
    if (o.rep != kNoId) rep_used[size_t(o.rep)] = 1;
    if (o.account != kNoId) account_used[size_t(o.account)] = 1;
    if (o.product != kNoId) product_used[size_t(o.product)] = 1;
    switch (o.status) {
      case DealStatus::kOpen:
        ++s.open;
        s.open_without_account += o.account == kNoId;
        s.open_without_created += o.created == kNoDate;
        break;
      case DealStatus::kWon:
        ++s.won;
        if (!std::isnan(o.value)) s.won_value += o.value;
        break;
      case DealStatus::kLost: ++s.lost; break;
    }
  }
  for (const HistoryOrder& o : h.orders) {
    minmax(s.orders_first, s.orders_last, o.date);
    if (!std::isnan(o.value)) s.order_value += o.value;
  }
  s.reps_with_deals = size_t(std::count(rep_used.begin(), rep_used.end(), 1));
  s.accounts_with_deals = size_t(std::count(account_used.begin(), account_used.end(), 1));
  s.products_with_deals = size_t(std::count(product_used.begin(), product_used.end(), 1));
  for (size_t i = 0; i < h.stages.size(); ++i) s.stages.push_back({h.stages[i].name, per_stage[i]});
  auto count = [](std::vector<HistorySummary::Count>& out, auto&& values) {
    std::map<std::string, size_t> n;
    std::vector<std::string> order;
    for (const std::string& v : values) {
      if (v.empty()) continue;
      if (n[v]++ == 0) order.push_back(v);
    }
    for (const auto& v : order) out.push_back({v, n[v]});
  };
  std::vector<std::string> regions, managers, sectors, series;
  for (const auto& r : h.reps) { regions.push_back(r.region); managers.push_back(r.manager); }
  for (const auto& a : h.accounts) sectors.push_back(a.sector);
  for (const auto& p : h.products) series.push_back(p.series);
  count(s.regions, regions);
  count(s.managers, managers);
  count(s.sectors, sectors);
  count(s.series, series);
  return s;
}

}  // namespace salesim
