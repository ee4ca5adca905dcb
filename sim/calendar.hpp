// Time is explicit: a clock of fixed-length ticks over a civil calendar with workdays and holidays.
// Scenario rates are per day or per hour; the loader converts them once. docs/model.md#time
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace salesim {

using Tick = int32_t;

struct Date {
  int year = 1970, month = 1, day = 1;
  // Days since 1970-01-01 (proleptic Gregorian; Hinnant's days_from_civil).
  int64_t serial() const;
  static Date from_serial(int64_t days);
  // Parses strictly "YYYY-MM-DD"; nullopt when malformed or not a real date.
  static std::optional<Date> parse(std::string_view s);
  std::string str() const;
  int weekday() const;  // 0 = Monday .. 6 = Sunday
  bool operator==(const Date&) const = default;
};

struct Holiday {
  std::string name;
  int first_day = 0;         // day index from the simulation start
  int days = 1;
  double demand_multiplier = 1.0;
  bool workday = false;      // do reps and the office work on it?
};

class Clock {
 public:
  Clock() = default;
  Clock(Date start, int days, int tick_hours, std::array<bool, 7> rep_workdays,
        std::array<bool, 7> office_workdays, int work_start_hour, int work_hours,
        std::vector<Holiday> holidays);

  int tick_hours() const { return tick_hours_; }
  int ticks_per_day() const { return 24 / tick_hours_; }
  int days() const { return days_; }
  Tick ticks() const { return Tick(days_) * ticks_per_day(); }
  Date start() const { return start_; }

  int day_of(Tick t) const { return t / ticks_per_day(); }
  int hour_of(Tick t) const { return (t % ticks_per_day()) * tick_hours_; }
  double hours_at(Tick t) const { return double(t) * tick_hours_; }
  Date date_of_day(int day) const { return Date::from_serial(start_.serial() + day); }
  int weekday_of_day(int day) const { return (start_weekday_ + day) % 7; }

  // Day-level calendar facts, defined also for days past the horizon (lead-time arithmetic needs them).
  bool rep_workday(int day) const;
  bool office_workday(int day) const;
  double holiday_multiplier(int day) const;
  // Share of a rep's working hours that fall into tick t (0 outside working time).
  double work_fraction(Tick t) const;
  int work_start_hour() const { return work_start_hour_; }
  int work_hours() const { return work_hours_; }

  // Hours from absolute hour h0 (since start) until the office processes something that becomes
  // ready at h0 + ready_after_hours: the next office-day batch at batch_hour, plus lag office days.
  double office_lead_hours(double h0, double ready_after_hours, int batch_hour, int lag_days) const;

 private:
  const Holiday* holiday_on(int day) const;
  Date start_;
  int start_weekday_ = 0;
  int days_ = 0;
  int tick_hours_ = 24;
  std::array<bool, 7> rep_workdays_{};
  std::array<bool, 7> office_workdays_{};
  int work_start_hour_ = 8, work_hours_ = 8;
  std::vector<Holiday> holidays_;
  std::vector<int16_t> holiday_index_;  // per day in [0, days + 400): index into holidays_ or -1
};

}  // namespace salesim
