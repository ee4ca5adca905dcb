#include "gui/format.hpp"

#include <cctype>
#include <cmath>
#include <fmt/format.h>

namespace salesim::gui {

std::string pretty_name(std::string_view key) {
  std::string out(key);
  for (char& c : out)
    if (c == '_') c = ' ';
  if (!out.empty()) out[0] = char(std::toupper(static_cast<unsigned char>(out[0])));
  // Abbreviations the field uses stay upper case.
  for (const char* abbr : {"mape", "clv", "nps", "sku", "cny", "kpi"}) {
    const std::string a(abbr);
    for (size_t p = out.find(a); p != std::string::npos; p = out.find(a, p + a.size())) {
      const bool left = p == 0 || out[p - 1] == ' ';
      const bool right = p + a.size() == out.size() || out[p + a.size()] == ' ';
      if (left && right)
        for (size_t i = 0; i < a.size(); ++i) out[p + i] = char(std::toupper(static_cast<unsigned char>(out[p + i])));
    }
  }
  return out;
}

std::string thousands(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  std::string s = fmt::format("{:.{}f}", std::abs(v), decimals);
  const size_t dot = s.find('.');
  const size_t int_end = dot == std::string::npos ? s.size() : dot;
  std::string out;
  for (size_t i = 0; i < int_end; ++i) {
    if (i > 0 && (int_end - i) % 3 == 0) out += ',';
    out += s[i];
  }
  out += s.substr(int_end);
  return (v < 0 && out.find_first_not_of("0.,") != std::string::npos ? "-" : "") + out;
}

std::string compact(double v) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::abs(v);
  if (a >= 1e9) return fmt::format("{:.3g} B", v / 1e9);
  if (a >= 1e6) return fmt::format("{:.3g} M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:.3g} k", v / 1e3);
  if (a >= 100 || a == 0) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3g}", v);
}

bool is_share_unit(std::string_view unit) { return unit == "share"; }

std::string with_unit(double v, std::string_view unit) {
  if (!std::isfinite(v)) return "n/a";
  if (is_share_unit(unit)) return fmt::format("{:.1f}%", 100 * v);
  if (unit.starts_with("CNY")) {
    const std::string rest(unit.substr(3));
    return thousands(v, std::abs(v) >= 1000 ? 0 : 1) + " CNY" + rest;
  }
  const double a = std::abs(v);
  const std::string num = a >= 1000 ? thousands(v, 0) : a >= 10 ? fmt::format("{:.1f}", v) : fmt::format("{:.3g}", v);
  return unit.empty() ? num : num + " " + std::string(unit);
}

std::string short_value(double v, std::string_view unit) {
  if (!std::isfinite(v)) return "n/a";
  if (is_share_unit(unit)) return fmt::format("{:.1f}%", 100 * v);
  std::string u;
  if (unit.starts_with("CNY")) u = "CNY";
  else if (unit == "hours") u = "h";
  else if (unit == "days") u = "days";
  const double a = std::abs(v);
  const std::string num = a >= 1e6   ? fmt::format("{:.2f} M", v / 1e6)
                          : a >= 1000 ? thousands(v, 0)
                          : a >= 10   ? fmt::format("{:.1f}", v)
                                      : fmt::format("{:.3g}", v);
  return u.empty() ? num : num + " " + u;
}

}  // namespace salesim::gui
