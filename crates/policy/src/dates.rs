//! Service-year arithmetic (interpretation 1: year n runs from start + (n-1) years to start + n years).
//!
//! A start on 29 February has its anniversary on 28 February in common years (the day is
//! clamped to the month's end, as jiff's `Date + years` does), and on 29 February again in
//! leap years: the anniversary is always computed from `start`, never from the previous one.
//! These run in the hot path, so they compare (month, day) pairs instead of building spans.

use jiff::civil::Date;

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: i8) -> i8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day of `start`'s month on which its anniversary falls in `year`.
fn anniversary_day(start: Date, year: i32) -> i8 {
    start.day().min(days_in_month(year, start.month()))
}

/// start + n years (day clamped to the end of the month), saturating at jiff's range.
pub fn anniversary(start: Date, n: u32) -> Date {
    let year = i64::from(start.year()) + i64::from(n);
    if year > 9999 {
        return Date::MAX;
    }
    let year = year as i32;
    Date::new(year as i16, start.month(), anniversary_day(start, year)).unwrap_or(Date::MAX)
}

/// start + k months, day clamped to the end of the month.
pub fn add_months(start: Date, k: u32) -> Date {
    let total = i64::from(start.year()) * 12 + i64::from(start.month()) - 1 + i64::from(k);
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as i8);
    if year > 9999 {
        return Date::MAX;
    }
    let year = year as i32;
    let day = start.day().min(days_in_month(year, month));
    Date::new(year as i16, month, day).unwrap_or(Date::MAX)
}

/// Number of service years complete on `until` (year n is complete on start + n years).
pub fn years_completed(start: Date, until: Date) -> u32 {
    if until <= start {
        return 0;
    }
    let until_year = i32::from(until.year());
    let mut n = until_year - i32::from(start.year());
    if (until.month(), until.day()) < (start.month(), anniversary_day(start, until_year)) {
        n -= 1;
    }
    n.max(0) as u32
}

/// Number of service years that have begun on `until` (the running one included).
pub fn years_begun(start: Date, until: Date) -> u32 {
    if until < start {
        0
    } else {
        years_completed(start, until) + 1
    }
}

/// Whole months from `from` to `to`: the largest k with from + k months <= to.
pub fn whole_months(from: Date, to: Date) -> u32 {
    if to <= from {
        return 0;
    }
    let to_year = i32::from(to.year());
    let mut k = (to_year - i32::from(from.year())) * 12 + i32::from(to.month() - from.month());
    if to.day() < from.day().min(days_in_month(to_year, to.month())) {
        k -= 1;
    }
    k.max(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn exact_anniversary_completes_the_year() {
        let start = date(2015, 3, 1);
        assert_eq!(years_completed(start, date(2023, 2, 28)), 7);
        assert_eq!(years_completed(start, date(2023, 3, 1)), 8);
        assert_eq!(years_begun(start, date(2023, 3, 1)), 9);
        assert_eq!(years_begun(start, date(2015, 2, 28)), 0);
    }

    #[test]
    fn leap_day_start_has_its_anniversary_on_28_february() {
        let start = date(2016, 2, 29);
        assert_eq!(anniversary(start, 1), date(2017, 2, 28));
        assert_eq!(anniversary(start, 4), date(2020, 2, 29));
        assert_eq!(years_completed(start, date(2017, 2, 27)), 0);
        assert_eq!(years_completed(start, date(2017, 2, 28)), 1);
        assert_eq!(years_completed(start, date(2020, 2, 28)), 3);
        assert_eq!(years_completed(start, date(2020, 2, 29)), 4);
        // Agrees with jiff's own arithmetic.
        for n in 0..12 {
            let by_jiff = start.checked_add(jiff::Span::new().years(n)).unwrap();
            assert_eq!(anniversary(start, n as u32), by_jiff);
        }
    }

    #[test]
    fn whole_months_clamp_at_month_end() {
        assert_eq!(whole_months(date(2015, 1, 31), date(2015, 2, 28)), 1);
        assert_eq!(whole_months(date(2015, 1, 10), date(2015, 8, 9)), 6);
        assert_eq!(whole_months(date(2015, 1, 10), date(2015, 8, 10)), 7);
        assert_eq!(add_months(date(2015, 1, 31), 1), date(2015, 2, 28));
        assert_eq!(whole_months(date(2015, 1, 10), date(2016, 1, 10)), 12);
    }
}
