#include "sim/calendar.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace salesim {

int64_t Date::serial() const {
  // Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".
  const int y = year - (month <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return int64_t(era) * 146097 + int64_t(doe) - 719468;
}

Date Date::from_serial(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = int64_t(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{int(y + (m <= 2)), int(m), int(d)};
}

std::optional<Date> Date::parse(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](size_t pos, size_t len, int& out) {
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return r.ec == std::errc() && r.ptr == s.data() + pos + len;
  };
  Date d;
  if (!num(0, 4, d.year) || !num(5, 2, d.month) || !num(8, 2, d.day)) return std::nullopt;
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) return std::nullopt;
  if (from_serial(d.serial()) != d) return std::nullopt;  // e.g. 2025-02-30
  return d;
}

std::string Date::str() const { return fmt::format("{:04}-{:02}-{:02}", year, month, day); }

int Date::weekday() const {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  int64_t w = (serial() + 3) % 7;
  return int(w < 0 ? w + 7 : w);
}

Clock::Clock(Date start, int days, int tick_hours, std::array<bool, 7> rep_workdays,
             std::array<bool, 7> office_workdays, int work_start_hour, int work_hours,
             std::vector<Holiday> holidays)
    : start_(start), start_weekday_(start.weekday()), days_(days), tick_hours_(tick_hours),
      rep_workdays_(rep_workdays), office_workdays_(office_workdays),
      work_start_hour_(work_start_hour), work_hours_(work_hours), holidays_(std::move(holidays)) {
  holiday_index_.assign(size_t(days_) + 400, int16_t(-1));
  for (size_t i = 0; i < holidays_.size(); ++i)
    for (int d = std::max(0, holidays_[i].first_day);
         d < holidays_[i].first_day + holidays_[i].days && d < int(holiday_index_.size()); ++d)
      holiday_index_[size_t(d)] = int16_t(i);
}

const Holiday* Clock::holiday_on(int day) const {
  if (day < 0 || day >= int(holiday_index_.size())) return nullptr;
  int16_t i = holiday_index_[size_t(day)];
  return i < 0 ? nullptr : &holidays_[size_t(i)];
}

bool Clock::rep_workday(int day) const {
  if (const Holiday* h = holiday_on(day)) return h->workday;
  return rep_workdays_[size_t(weekday_of_day(day))];
}

bool Clock::office_workday(int day) const {
  if (const Holiday* h = holiday_on(day)) return h->workday;
  return office_workdays_[size_t(weekday_of_day(day))];
}

double Clock::holiday_multiplier(int day) const {
  const Holiday* h = holiday_on(day);
  return h ? h->demand_multiplier : 1.0;
}

double Clock::work_fraction(Tick t) const {
  if (!rep_workday(day_of(t))) return 0.0;
  const int h0 = hour_of(t), h1 = h0 + tick_hours_;
  const int w0 = work_start_hour_, w1 = work_start_hour_ + work_hours_;
  const int overlap = std::max(0, std::min(h1, w1) - std::max(h0, w0));
  return double(overlap) / double(work_hours_);
}

double Clock::office_lead_hours(double h0, double ready_after_hours, int batch_hour,
                                int lag_days) const {
  const double ready = h0 + ready_after_hours;
  int day = int(std::floor(ready / 24.0));
  // First office day whose batch time is not before `ready`.
  for (int guard = 0; guard < 400; ++guard, ++day) {
    if (office_workday(day) && day * 24.0 + batch_hour >= ready) break;
  }
  for (int lag = 0; lag < lag_days;) {
    ++day;
    if (office_workday(day)) ++lag;
  }
  return day * 24.0 + batch_hour - h0;
}

}  // namespace salesim
