//! One parser for the dates people type (`YYYY-MM-DD`), with a plausible range per kind of
//! date and one set of Chinese messages that name the field: no `0000-01-01` or
//! `9999-12-31` reaches the database. "Today" is passed in (the application's clock), so
//! the ranges are deterministic in tests.

use jiff::civil::Date;
use jiff::{Span, ToSpan};

/// The dates a field accepts, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub min: Date,
    pub max: Date,
}

fn shift(today: Date, years: i64) -> Date {
    let span: Span = years.years();
    today.checked_add(span).unwrap_or(today)
}

impl DateRange {
    /// A birth date: 1900-01-01 up to today.
    pub fn birth(today: Date) -> DateRange {
        DateRange {
            min: jiff::civil::date(1900, 1, 1),
            max: today,
        }
    }

    /// A date of the programme's records (service start and end, meetings, allocations,
    /// repayments): 20 years back to 10 years ahead of today.
    pub fn record(today: Date) -> DateRange {
        DateRange {
            min: shift(today, -20),
            max: shift(today, 10),
        }
    }

    /// A date that has happened (a document's date): 20 years back up to today.
    pub fn past(today: Date) -> DateRange {
        DateRange {
            min: shift(today, -20),
            max: today,
        }
    }

    /// The range narrowed to start no earlier than `min`.
    pub fn not_before(self, min: Date) -> DateRange {
        DateRange {
            min: self.min.max(min),
            max: self.max,
        }
    }

    pub fn contains(&self, d: Date) -> bool {
        self.min <= d && d <= self.max
    }
}

/// Why a typed date was refused. `Display` is the Chinese message, starting with the
/// field's label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("{label}：必填，请按 年-月-日 填写，例如 2026-03-07")]
    Empty { label: String },
    #[error("{label}：“{text}”不是有效日期，请按 年-月-日 填写，例如 2026-03-07")]
    Format { label: String, text: String },
    #[error("{label}：不能早于 {min}，请核对")]
    TooEarly { label: String, min: Date },
    #[error("{label}：不能晚于 {max}，请核对")]
    TooLate { label: String, max: Date },
}

/// Strict `YYYY-MM-DD` of a date that exists, nothing else (no time, no sign, no spaces
/// inside); surrounding whitespace is trimmed.
pub fn parse_iso(text: &str) -> Option<Date> {
    let s = text.trim();
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let year: i16 = s[0..4].parse().ok()?;
    let month: i8 = s[5..7].parse().ok()?;
    let day: i8 = s[8..10].parse().ok()?;
    Date::new(year, month, day).ok()
}

/// A typed date of the field called `label` (Chinese, e.g. "会议日期"), within `range`.
pub fn parse_date(label: &str, text: &str, range: DateRange) -> Result<Date, DateError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DateError::Empty { label: label.into() });
    }
    let d = parse_iso(t).ok_or_else(|| DateError::Format {
        label: label.into(),
        text: t.chars().take(20).collect(),
    })?;
    if d < range.min {
        return Err(DateError::TooEarly {
            label: label.into(),
            min: range.min,
        });
    }
    if d > range.max {
        return Err(DateError::TooLate {
            label: label.into(),
            max: range.max,
        });
    }
    Ok(d)
}

// ---- Official date styles ------------------------------------------------------------------

/// A date in figures, `2026年11月24日`: certificates (证明), lists and notices.
pub fn date_in_figures(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A date in Chinese numerals, `二〇二六年十一月二十四日`: the date line of a letter (意向书),
/// as official documents write it.
pub fn date_in_numerals(d: Date) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let year: String = d
        .year()
        .to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect();
    format!(
        "{year}年{}月{}日",
        number_zh(d.month().unsigned_abs().into()),
        number_zh(d.day().unsigned_abs().into())
    )
}

/// 0-99 in Chinese numerals (二, 十二, 二十四): defined once, in the policy crate, which
/// writes article numbers with it.
pub use yincai_policy::numerals::number_zh;

#[cfg(test)]
mod tests {
    #[test]
    fn official_dates_in_figures_and_in_numerals() {
        assert_eq!(
            super::date_in_figures(jiff::civil::date(2026, 11, 24)),
            "2026年11月24日"
        );
        assert_eq!(
            super::date_in_numerals(jiff::civil::date(2026, 11, 24)),
            "二〇二六年十一月二十四日"
        );
        assert_eq!(
            super::date_in_numerals(jiff::civil::date(2030, 1, 10)),
            "二〇三〇年一月十日"
        );
        assert_eq!(super::number_zh(2), "二");
        assert_eq!(super::number_zh(20), "二十");
        assert_eq!(super::number_zh(31), "三十一");
    }

    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 12, 2);

    #[test]
    fn accepts_a_date_in_range() {
        assert_eq!(
            parse_date("会议日期", " 2026-12-03 ", DateRange::record(TODAY)),
            Ok(date(2026, 12, 3))
        );
    }

    #[test]
    fn refuses_the_extremes_with_the_field_named() {
        let e = parse_date("会议日期", "9999-12-31", DateRange::record(TODAY)).unwrap_err();
        assert_eq!(e.to_string(), "会议日期：不能晚于 2036-12-02，请核对");
        let e = parse_date("会议日期", "0000-01-01", DateRange::record(TODAY)).unwrap_err();
        assert_eq!(e.to_string(), "会议日期：不能早于 2006-12-02，请核对");
        let e = parse_date("出生日期", "2026-12-03", DateRange::birth(TODAY)).unwrap_err();
        assert!(e.to_string().starts_with("出生日期：不能晚于 2026-12-02"));
    }

    #[test]
    fn refuses_other_shapes() {
        for bad in [
            "2026-2-3",
            "2026/12/03",
            "20261203",
            "2026-02-30",
            "+2026-12-03",
            "2026-12-03T00:00",
        ] {
            assert!(
                matches!(
                    parse_date("日期", bad, DateRange::record(TODAY)),
                    Err(DateError::Format { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_date("日期", "  ", DateRange::record(TODAY)),
            Err(DateError::Empty { .. })
        ));
    }

    #[test]
    fn not_before_narrows() {
        let r = DateRange::past(TODAY).not_before(date(2024, 9, 1));
        assert!(r.contains(date(2024, 9, 1)));
        assert!(!r.contains(date(2024, 8, 31)));
    }
}
