// Calendar and clock: civil dates, weekdays, workdays, holidays and office lead times.
#include <catch2/catch.hpp>

#include "sim/calendar.hpp"

using namespace salesim;

TEST_CASE("dates round-trip and know their weekday", "[calendar]") {
  CHECK(Date{1970, 1, 1}.serial() == 0);
  CHECK(Date{2000, 3, 1}.serial() == 11017);
  CHECK(Date::from_serial(Date{2025, 7, 1}.serial()) == Date{2025, 7, 1});
  CHECK(Date{2025, 7, 1}.weekday() == 1);   // a Tuesday
  CHECK(Date{2026, 2, 17}.weekday() == 1);  // Spring Festival 2026, a Tuesday
  CHECK(Date{1969, 12, 31}.serial() == -1);
  for (int64_t d = -800; d < 800000; d += 997) CHECK(Date::from_serial(d).serial() == d);
}

TEST_CASE("date parsing is strict", "[calendar]") {
  CHECK(Date::parse("2024-02-29").has_value());
  CHECK_FALSE(Date::parse("2025-02-29").has_value());
  CHECK_FALSE(Date::parse("2017-13-01").has_value());
  CHECK_FALSE(Date::parse("2017-1-01").has_value());
  CHECK_FALSE(Date::parse("01/02/2017").has_value());
  CHECK_FALSE(Date::parse("").has_value());
  CHECK(Date::parse("2017-03-01")->str() == "2017-03-01");
}

namespace {
Clock week_clock(int tick_hours, std::vector<Holiday> holidays = {}) {
  // Starts Monday 2025-06-30; reps work Mon-Sat 08-16, the office Mon-Fri.
  return Clock(Date{2025, 6, 30}, 28, tick_hours, {true, true, true, true, true, true, false},
               {true, true, true, true, true, false, false}, 8, 8, std::move(holidays));
}
}  // namespace

TEST_CASE("ticks, workdays and working share of a tick", "[calendar]") {
  Clock c = week_clock(4);
  CHECK(c.ticks_per_day() == 6);
  CHECK(c.ticks() == 28 * 6);
  CHECK(c.day_of(7) == 1);
  CHECK(c.hour_of(7) == 4);
  CHECK(c.work_fraction(0) == 0.0);           // Monday 00-04
  CHECK(c.work_fraction(2) == 0.5);           // Monday 08-12: half of the 8 working hours
  CHECK(c.work_fraction(3) == 0.5);           // Monday 12-16
  CHECK(c.work_fraction(4) == 0.0);           // Monday 16-20
  CHECK(c.work_fraction(6 * 6 + 2) == 0.0);   // Sunday
  CHECK(c.rep_workday(5));                    // Saturday: reps work
  CHECK_FALSE(c.office_workday(5));           // the office does not
  Clock daily = week_clock(24);
  CHECK(daily.work_fraction(0) == 1.0);
}

TEST_CASE("holidays stop work and scale demand", "[calendar]") {
  Clock c = week_clock(24, {Holiday{"feast", 2, 2, 1.5, false}, Holiday{"stock-up", 9, 1, 1.2, true}});
  CHECK_FALSE(c.rep_workday(2));
  CHECK_FALSE(c.office_workday(3));
  CHECK(c.holiday_multiplier(3) == 1.5);
  CHECK(c.holiday_multiplier(4) == 1.0);
  CHECK(c.rep_workday(9));
  CHECK(c.holiday_multiplier(9) == 1.2);
}

TEST_CASE("office lead time follows batches and office days", "[calendar]") {
  Clock c = week_clock(4);
  // Monday 10:00, ready at 16:00, batch at 17:00 the same day, then one office day: Tuesday 17:00.
  CHECK(c.office_lead_hours(10, 6, 17, 1) == Approx(31));
  // Monday 12:00 ready at 18:00, misses Monday's batch: Tuesday 17:00 + 1 office day = Wednesday 17:00.
  CHECK(c.office_lead_hours(12, 6, 17, 1) == Approx(53));
  // Friday 12:00 (hour 4*24+12): ready 18:00, next batch Monday 17:00, + 1 = Tuesday 17:00 (day 8).
  CHECK(c.office_lead_hours(4 * 24 + 12, 6, 17, 1) == Approx(8 * 24 + 17 - (4 * 24 + 12)));
  // Saturday orders wait for Monday too; zero lag posts at the batch itself.
  CHECK(c.office_lead_hours(5 * 24 + 9, 0, 17, 0) == Approx(7 * 24 + 17 - (5 * 24 + 9)));
}
