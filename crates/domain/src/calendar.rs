//! China's official working-day calendar: public holidays and make-up workdays (调休) as
//! announced each year by the State Council General Office.
//!
//! The table lists only days that differ from the ordinary week: `holiday` = a day off
//! (including weekends folded into a holiday), `workday` = a Saturday or Sunday that is
//! worked. Every other Saturday and Sunday is a day off and every other weekday a working
//! day. A date in a year the table does not cover is an error
//! ([`CalendarError::BeyondKnown`]), never silently treated as an ordinary week: deadlines
//! counted in 工作日 would be wrong around every Spring Festival and National Day.
//!
//! The official table (2004 onwards) is compiled into the binary from
//! `data-static/cn-official-days.csv`; each December an administrator adds the next year's
//! arrangement with [`WorkCalendar::with_overrides`].
//!
//! CSV format: header `date,kind,name`; `date` is `YYYY-MM-DD`; `kind` is `holiday`,
//! `workday`, or (an extension for overrides) `ordinary`, which removes an earlier entry
//! for that date and marks its year as known; `name` is free text (may be empty, may be
//! quoted, may contain commas). Blank lines and lines starting with `#` are ignored; a
//! UTF-8 BOM and CRLF line ends are accepted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use jiff::civil::{Date, Weekday};

const OFFICIAL_CSV: &str = include_str!("../../../data-static/cn-official-days.csv");

/// What an entry of the table says about a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// A day off (放假).
    Holiday,
    /// A weekend day that is worked (调休上班).
    Workday,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    kind: DayKind,
    name: String,
}

/// What is wrong with one row of a calendar CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// Fewer than 3 columns.
    Columns { found: usize },
    /// Not a `YYYY-MM-DD` date that exists.
    Date { value: String },
    /// Not `holiday`, `workday` or `ordinary`.
    Kind { value: String },
    /// A `workday` row on Monday-Friday: make-up workdays are always weekend days.
    WorkdayOnWeekday { date: Date },
    /// The same date twice in one file.
    Duplicate { date: Date },
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowProblem::Columns { found } => {
                write!(f, "应有 3 列（date,kind,name），当前 {found} 列，请补全")
            }
            RowProblem::Date { value } => write!(
                f,
                "日期“{value}”不正确，应为存在的日期，格式 YYYY-MM-DD（如 2027-01-01），请修改"
            ),
            RowProblem::Kind { value } => write!(
                f,
                "类型“{value}”无效，应为 holiday（放假）或 workday（调休上班），请修改"
            ),
            RowProblem::WorkdayOnWeekday { date } => write!(
                f,
                "{date} 本来就是工作日（周一至周五），workday（调休上班）只能是周六或周日，请核对"
            ),
            RowProblem::Duplicate { date } => {
                write!(f, "日期 {date} 重复出现，请删除多余的一行")
            }
        }
    }
}

impl RowProblem {
    fn message_en(&self) -> String {
        match self {
            RowProblem::Columns { found } => {
                format!("expected 3 columns (date,kind,name), found {found}; please complete it")
            }
            RowProblem::Date { value } => {
                format!("date '{value}' is not a real date in the form YYYY-MM-DD; please correct it")
            }
            RowProblem::Kind { value } => {
                format!("kind '{value}' must be holiday or workday; please correct it")
            }
            RowProblem::WorkdayOnWeekday { date } => {
                format!("{date} is a weekday already; a make-up workday must be a Saturday or Sunday; please check it")
            }
            RowProblem::Duplicate { date } => {
                format!("date {date} appears twice; please remove one row")
            }
        }
    }
}

/// Errors of loading a calendar table or of asking it about a date it does not cover.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("工作日历：第 1 行表头应为 date,kind,name，当前为“{found}”，请修改表头")]
    BadHeader { found: String },
    #[error("工作日历：没有任何日期行，请至少填写一行后重新导入")]
    Empty,
    /// `line` is the 1-based line number in the file (the header is line 1).
    #[error("工作日历：第 {line} 行{problem}")]
    BadRow { line: usize, problem: RowProblem },
    #[error("工作日历：缺少 {year} 年的放假安排（年份不连续），请补充该年度的安排后重新导入")]
    YearGap { year: i16 },
    /// The date's year is outside [`WorkCalendar::known_years`].
    #[error("日期：{year} 年的节假日安排尚未录入，无法计算工作日，请联系管理员导入 {year} 年的放假安排")]
    BeyondKnown { year: i16 },
}

impl CalendarError {
    /// Stable machine field name: `"date"` for [`CalendarError::BeyondKnown`], otherwise
    /// `"calendar"` (the uploaded table).
    pub fn field(&self) -> &'static str {
        match self {
            CalendarError::BeyondKnown { .. } => "date",
            _ => "calendar",
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            CalendarError::BadHeader { found } => {
                format!("Calendar: line 1 must be the header date,kind,name, found '{found}'; please fix the header")
            }
            CalendarError::Empty => "Calendar: no date rows; please add at least one row and import again".into(),
            CalendarError::BadRow { line, problem } => {
                format!("Calendar: line {line}: {}", problem.message_en())
            }
            CalendarError::YearGap { year } => format!(
                "Calendar: the arrangement for {year} is missing (years must be consecutive); please add it and import again"
            ),
            CalendarError::BeyondKnown { year } => format!(
                "Date: the holiday arrangement for {year} has not been entered, so working days cannot be counted; ask an administrator to import it"
            ),
        }
    }
}

/// China's working-day calendar: which days are worked, with holiday names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    days: BTreeMap<Date, Entry>,
    years: RangeInclusive<i16>,
}

/// One parsed row; `kind == None` is an `ordinary` row.
struct Row {
    date: Date,
    kind: Option<DayKind>,
    name: String,
}

fn parse_rows(csv: &str) -> Result<Vec<Row>, CalendarError> {
    let csv = csv.strip_prefix('\u{feff}').unwrap_or(csv);
    let mut lines = csv
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    match lines.next() {
        Some((_, header)) => {
            let cols: Vec<String> = header
                .split(',')
                .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
                .collect();
            if cols != ["date", "kind", "name"] {
                return Err(CalendarError::BadHeader {
                    found: header.chars().take(60).collect(),
                });
            }
        }
        None => return Err(CalendarError::Empty),
    }
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for (line, text) in lines {
        let bad = |problem| CalendarError::BadRow { line, problem };
        let mut cols = text.splitn(3, ',');
        let (Some(date_text), Some(kind_text), Some(name_text)) = (cols.next(), cols.next(), cols.next()) else {
            return Err(bad(RowProblem::Columns {
                found: text.split(',').count(),
            }));
        };
        let date_text = date_text.trim().trim_matches('"');
        let date = parse_date(date_text).ok_or_else(|| {
            bad(RowProblem::Date {
                value: date_text.chars().take(30).collect(),
            })
        })?;
        let kind_text = kind_text.trim().trim_matches('"');
        let kind = match kind_text.to_ascii_lowercase().as_str() {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            "ordinary" => None,
            _ => {
                return Err(bad(RowProblem::Kind {
                    value: kind_text.chars().take(30).collect(),
                }));
            }
        };
        if kind == Some(DayKind::Workday) && !is_weekend(date) {
            return Err(bad(RowProblem::WorkdayOnWeekday { date }));
        }
        if !seen.insert(date) {
            return Err(bad(RowProblem::Duplicate { date }));
        }
        rows.push(Row {
            date,
            kind,
            name: unquote(name_text.trim()),
        });
    }
    if rows.is_empty() {
        return Err(CalendarError::Empty);
    }
    Ok(rows)
}

/// Strict `YYYY-MM-DD` of a date that exists (the domain's one date parser).
fn parse_date(s: &str) -> Option<Date> {
    crate::dates::parse_iso(s)
}

fn unquote(s: &str) -> String {
    match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => s.to_owned(),
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The smallest range holding `years`, or an error naming the first missing year.
fn contiguous(years: &BTreeSet<i16>) -> Result<RangeInclusive<i16>, CalendarError> {
    let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
        return Err(CalendarError::Empty);
    };
    if let Some(year) = (first..=last).find(|y| !years.contains(y)) {
        return Err(CalendarError::YearGap { year });
    }
    Ok(first..=last)
}

impl WorkCalendar {
    /// The official table compiled into the binary (2004 to the last year published when
    /// this version was built), parsed once on first use.
    pub fn official() -> &'static WorkCalendar {
        static OFFICIAL: OnceLock<WorkCalendar> = OnceLock::new();
        OFFICIAL.get_or_init(|| {
            WorkCalendar::from_csv(OFFICIAL_CSV).expect("data-static/cn-official-days.csv is valid (checked by tests)")
        })
    }

    /// Parse a table (see the module documentation for the format). The years that appear
    /// in it become the known years; they must be consecutive.
    pub fn from_csv(csv: &str) -> Result<WorkCalendar, CalendarError> {
        let rows = parse_rows(csv)?;
        let years: BTreeSet<i16> = rows.iter().map(|r| r.date.year()).collect();
        let years = contiguous(&years)?;
        let days = rows
            .into_iter()
            .filter_map(|r| r.kind.map(|kind| (r.date, Entry { kind, name: r.name })))
            .collect();
        Ok(WorkCalendar { days, years })
    }

    /// A copy with the rows of `csv` applied on top: a row replaces any entry for its date
    /// (`ordinary` removes it), and its year becomes known. Typical use: each December the
    /// administrator uploads next year's arrangement. The known years must stay
    /// consecutive (adding 2028 before 2027 is an error). Note that only the listed dates
    /// change: to correct a year wholesale, list `ordinary` for dates to drop.
    pub fn with_overrides(&self, csv: &str) -> Result<WorkCalendar, CalendarError> {
        let rows = parse_rows(csv)?;
        let mut years: BTreeSet<i16> = self.years.clone().collect();
        years.extend(rows.iter().map(|r| r.date.year()));
        let years = contiguous(&years)?;
        let mut days = self.days.clone();
        for r in rows {
            match r.kind {
                Some(kind) => {
                    days.insert(r.date, Entry { kind, name: r.name });
                }
                None => {
                    days.remove(&r.date);
                }
            }
        }
        Ok(WorkCalendar { days, years })
    }

    /// The years this table covers.
    pub fn known_years(&self) -> RangeInclusive<i16> {
        self.years.clone()
    }

    fn check(&self, d: Date) -> Result<(), CalendarError> {
        if self.years.contains(&d.year()) {
            Ok(())
        } else {
            Err(CalendarError::BeyondKnown { year: d.year() })
        }
    }

    /// Whether `d` is a working day: a listed make-up workday, or a Monday-Friday that is
    /// not a listed holiday. Error for a year outside [`WorkCalendar::known_years`].
    pub fn is_workday(&self, d: Date) -> Result<bool, CalendarError> {
        self.check(d)?;
        Ok(match self.days.get(&d) {
            Some(e) => e.kind == DayKind::Workday,
            None => !is_weekend(d),
        })
    }

    fn next_day(&self, d: Date) -> Result<Date, CalendarError> {
        let next = d
            .tomorrow()
            .map_err(|_| CalendarError::BeyondKnown { year: d.year() })?;
        self.check(next)?;
        Ok(next)
    }

    /// The `n`-th working day after `d` (`d` itself not counted): Friday + 1 is normally
    /// Monday. For `n = 0`, `d` itself if it is a working day, else the next working day
    /// ("the first working day on or after `d`"). Error if the count runs beyond the known
    /// years.
    pub fn add_workdays(&self, d: Date, n: u32) -> Result<Date, CalendarError> {
        let mut cur = d;
        if n == 0 {
            while !self.is_workday(cur)? {
                cur = self.next_day(cur)?;
            }
            return Ok(cur);
        }
        self.check(d)?;
        let mut left = n;
        loop {
            cur = self.next_day(cur)?;
            if self.is_workday(cur)? {
                left -= 1;
                if left == 0 {
                    return Ok(cur);
                }
            }
        }
    }

    /// The number of working days in `(from, to]` (so Friday to next Monday is 1 in an
    /// ordinary week); negative with the same magnitude if `to` is before `from`, 0 if they
    /// are equal. Error if either year is outside the known years.
    pub fn workdays_between(&self, from: Date, to: Date) -> Result<i64, CalendarError> {
        self.check(from)?;
        self.check(to)?;
        if to < from {
            return self.workdays_between(to, from).map(|n| -n);
        }
        let mut count = 0;
        let mut cur = from;
        while cur < to {
            cur = self.next_day(cur)?;
            if self.is_workday(cur)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// The name of the holiday `d` belongs to (as written in the table, e.g.
    /// `Spring Festival`), if `d` is a listed holiday. Make-up workdays return `None`; see
    /// [`WorkCalendar::special_day`].
    pub fn holiday_name(&self, d: Date) -> Option<&str> {
        self.days
            .get(&d)
            .filter(|e| e.kind == DayKind::Holiday)
            .map(|e| e.name.as_str())
    }

    /// The table's entry for `d`, if any: a holiday, or a make-up workday with the name of
    /// the holiday it makes up for.
    pub fn special_day(&self, d: Date) -> Option<(DayKind, &str)> {
        self.days.get(&d).map(|e| (e.kind, e.name.as_str()))
    }
}

/// The Chinese name of a holiday named in English in the official table
/// (`Spring Festival` → `春节`); `None` for names it does not know.
pub fn holiday_name_cn(name_en: &str) -> Option<&'static str> {
    Some(match name_en {
        "New Year's Day" => "元旦",
        "Spring Festival" => "春节",
        "Tomb-sweeping Day" => "清明节",
        "Labour Day" => "劳动节",
        "Dragon Boat Festival" => "端午节",
        "Mid-autumn Festival" => "中秋节",
        "National Day" => "国庆节",
        "Anti-Fascist 70th Day" => "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cal() -> &'static WorkCalendar {
        WorkCalendar::official()
    }

    #[test]
    fn official_table_loads() {
        assert_eq!(cal().known_years(), 2004..=2026);
    }

    #[test]
    fn official_names_all_translate() {
        for e in cal().days.values() {
            assert!(holiday_name_cn(&e.name).is_some(), "{}", e.name);
        }
    }

    #[test]
    fn known_answers() {
        let c = cal();
        // National Day 2024, and its make-up Saturday.
        assert_eq!(c.is_workday(date(2024, 10, 1)), Ok(false));
        assert_eq!(c.holiday_name(date(2024, 10, 1)), Some("National Day"));
        assert_eq!(c.is_workday(date(2024, 10, 12)), Ok(true));
        assert_eq!(c.holiday_name(date(2024, 10, 12)), None);
        assert_eq!(
            c.special_day(date(2024, 10, 12)),
            Some((DayKind::Workday, "National Day"))
        );
        // Spring Festival 2025: Sunday 26 January worked.
        assert_eq!(date(2025, 1, 26).weekday(), Weekday::Sunday);
        assert_eq!(c.is_workday(date(2025, 1, 26)), Ok(true));
        assert_eq!(c.is_workday(date(2025, 1, 28)), Ok(false));
        // Spring Festival 2026: Saturday 14 February worked, 15-23 off.
        assert_eq!(date(2026, 2, 14).weekday(), Weekday::Saturday);
        assert_eq!(c.is_workday(date(2026, 2, 14)), Ok(true));
        assert_eq!(c.is_workday(date(2026, 2, 16)), Ok(false));
        assert_eq!(c.holiday_name(date(2026, 2, 16)), Some("Spring Festival"));
        // Ordinary days.
        assert_eq!(c.is_workday(date(2024, 10, 8)), Ok(true));
        assert_eq!(c.is_workday(date(2024, 10, 13)), Ok(false)); // Sunday
        assert_eq!(c.holiday_name(date(2024, 10, 8)), None);
    }

    #[test]
    fn beyond_known_is_flagged() {
        let c = cal();
        let e = c.is_workday(date(2027, 3, 1)).unwrap_err();
        assert_eq!(e, CalendarError::BeyondKnown { year: 2027 });
        assert_eq!(e.field(), "date");
        assert!(e.to_string().contains("2027 年"));
        assert_eq!(
            c.is_workday(date(2003, 6, 2)),
            Err(CalendarError::BeyondKnown { year: 2003 })
        );
        // Counting off the end of the table.
        assert_eq!(
            c.add_workdays(date(2026, 12, 30), 5),
            Err(CalendarError::BeyondKnown { year: 2027 })
        );
        assert_eq!(
            c.workdays_between(date(2026, 12, 1), date(2027, 1, 5)),
            Err(CalendarError::BeyondKnown { year: 2027 })
        );
    }

    #[test]
    fn add_workdays_across_spring_festival_2025() {
        let c = cal();
        // Friday 24 January 2025: next working days are Sun 26 (调休), Mon 27, then the
        // holiday 28 Jan - 4 Feb, then Wed 5 Feb.
        let fri = date(2025, 1, 24);
        assert_eq!(c.add_workdays(fri, 1), Ok(date(2025, 1, 26)));
        assert_eq!(c.add_workdays(fri, 2), Ok(date(2025, 1, 27)));
        assert_eq!(c.add_workdays(fri, 3), Ok(date(2025, 2, 5)));
        assert_eq!(c.add_workdays(fri, 0), Ok(fri));
        // n = 0 on a holiday: the first working day on or after it.
        assert_eq!(c.add_workdays(date(2025, 1, 28), 0), Ok(date(2025, 2, 5)));
        assert_eq!(c.workdays_between(fri, date(2025, 2, 5)), Ok(3));
        assert_eq!(c.workdays_between(date(2025, 2, 5), fri), Ok(-3));
        assert_eq!(c.workdays_between(fri, fri), Ok(0));
        // A plain weekday count would say 8 (Mon 27 Jan to Wed 5 Feb inclusive).
    }

    #[test]
    fn ordinary_week() {
        let c = cal();
        let fri = date(2024, 11, 1);
        assert_eq!(c.add_workdays(fri, 1), Ok(date(2024, 11, 4)));
        assert_eq!(c.add_workdays(date(2024, 11, 2), 0), Ok(date(2024, 11, 4)));
        assert_eq!(c.workdays_between(fri, date(2024, 11, 4)), Ok(1));
        assert_eq!(c.add_workdays(fri, 10), Ok(date(2024, 11, 15)));
    }

    #[test]
    fn add_and_between_agree() {
        let c = cal();
        let start = date(2024, 9, 20);
        for n in 1..60 {
            let end = c.add_workdays(start, n).unwrap();
            assert_eq!(c.workdays_between(start, end), Ok(i64::from(n)));
            assert_eq!(c.is_workday(end), Ok(true));
        }
    }

    #[test]
    fn whole_year_counts() {
        // 2025: 261 weekdays - 18 weekday holidays + 5 make-up weekend days = 248 (the
        // figure published for 2025); 2024: 251.
        let c = cal();
        let n = c.workdays_between(date(2024, 12, 31), date(2025, 12, 31));
        assert_eq!(n, Ok(248));
        let n = c.workdays_between(date(2023, 12, 31), date(2024, 12, 31));
        assert_eq!(n, Ok(251));
    }

    #[test]
    fn overrides_add_next_year() {
        let c = cal();
        let next = "date,kind,name\n\
                    2027-01-01,holiday,New Year's Day\n\
                    2027-02-06,holiday,Spring Festival\n\
                    2027-02-20,workday,Spring Festival\n";
        let c2 = c.with_overrides(next).unwrap();
        assert_eq!(c2.known_years(), 2004..=2027);
        assert_eq!(c2.is_workday(date(2027, 1, 1)), Ok(false));
        assert_eq!(c2.is_workday(date(2027, 2, 20)), Ok(true));
        assert_eq!(c2.is_workday(date(2027, 3, 1)), Ok(true));
        assert_eq!(c2.is_workday(date(2024, 10, 1)), Ok(false));
        // The original is unchanged.
        assert_eq!(c.known_years(), 2004..=2026);
        // An override can correct or remove an existing day.
        let fix = "date,kind,name\n2024-10-01,ordinary,\n2024-10-08,holiday,\"Extra, day\"\n";
        let c3 = c.with_overrides(fix).unwrap();
        assert_eq!(c3.is_workday(date(2024, 10, 1)), Ok(true));
        assert_eq!(c3.holiday_name(date(2024, 10, 8)), Some("Extra, day"));
        // A gap is refused.
        assert_eq!(
            c.with_overrides("date,kind,name\n2028-01-01,holiday,New Year's Day\n"),
            Err(CalendarError::YearGap { year: 2027 })
        );
    }

    #[test]
    fn csv_errors_name_the_line() {
        let e = WorkCalendar::from_csv("date,kind,name\n2025-01-01,holiday,x\n2025-13-01,holiday,x\n").unwrap_err();
        assert!(matches!(
            e,
            CalendarError::BadRow {
                line: 3,
                problem: RowProblem::Date { .. }
            }
        ));
        assert!(e.to_string().starts_with("工作日历：第 3 行日期“2025-13-01”"));
        assert_eq!(e.field(), "calendar");
        assert!(e.message_en().contains("line 3"));

        let e = WorkCalendar::from_csv("date,kind,name\n2025-01-01,day-off,x\n").unwrap_err();
        assert!(matches!(
            e,
            CalendarError::BadRow {
                line: 2,
                problem: RowProblem::Kind { .. }
            }
        ));
        // 2025-01-02 is a Thursday.
        let e = WorkCalendar::from_csv("date,kind,name\n2025-01-02,workday,x\n").unwrap_err();
        assert!(matches!(
            e,
            CalendarError::BadRow {
                line: 2,
                problem: RowProblem::WorkdayOnWeekday { .. }
            }
        ));
        let e = WorkCalendar::from_csv("date,kind,name\n2025-01-01,holiday\n").unwrap_err();
        assert!(matches!(
            e,
            CalendarError::BadRow {
                line: 2,
                problem: RowProblem::Columns { found: 2 }
            }
        ));
        let e = WorkCalendar::from_csv("date,kind,name\n2025-01-01,holiday,a\n2025-01-01,holiday,b\n").unwrap_err();
        assert!(matches!(
            e,
            CalendarError::BadRow {
                line: 3,
                problem: RowProblem::Duplicate { .. }
            }
        ));
        assert!(matches!(
            WorkCalendar::from_csv("day,type\n2025-01-01,holiday,x\n"),
            Err(CalendarError::BadHeader { .. })
        ));
        assert_eq!(WorkCalendar::from_csv(""), Err(CalendarError::Empty));
        assert_eq!(WorkCalendar::from_csv("date,kind,name\n"), Err(CalendarError::Empty));
        assert!(matches!(
            WorkCalendar::from_csv("date,kind,name\n2025/01/01,holiday,x\n"),
            Err(CalendarError::BadRow {
                problem: RowProblem::Date { .. },
                ..
            })
        ));
    }

    #[test]
    fn csv_tolerates_bom_crlf_comments_and_blank_lines() {
        let csv = "\u{feff}date,kind,name\r\n# 2025 年安排\r\n\r\n2025-01-01,holiday,New Year's Day\r\n";
        let c = WorkCalendar::from_csv(csv).unwrap();
        assert_eq!(c.known_years(), 2025..=2025);
        assert_eq!(c.holiday_name(date(2025, 1, 1)), Some("New Year's Day"));
    }
}
