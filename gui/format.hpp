// Number and name formatting shared by the panels: values with their schema or KPI unit, compact
// axis labels (1.2 M), and business-word labels from snake_case keys.
#pragma once
#include <string>
#include <string_view>

namespace salesim::gui {

// "visits_per_day" -> "Visits per day".
std::string pretty_name(std::string_view key);
// 1234567.8 -> "1,234,568" (decimals = 0) or "1,234,567.80" (decimals = 2).
std::string thousands(double v, int decimals = 0);
// Compact: 1.23 M, 45.6 k, 0.031. For axis ticks and small read-outs.
std::string compact(double v);
// A value in a KPI or schema unit: shares as percentages, money with thousands separators.
std::string with_unit(double v, std::string_view unit);
// Shorter, for tables: big amounts in millions, only the currency or time part of the unit
// ("CNY/rep/month" -> "CNY"); the KPI's name says the rest.
std::string short_value(double v, std::string_view unit);
// True for units whose values read as percentages ("share").
bool is_share_unit(std::string_view unit);

}  // namespace salesim::gui
