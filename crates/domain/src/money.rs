//! Money in whole fen (分), never floats. Stored and serialised as an `i64` of fen.
//!
//! Text forms:
//! - `Display`: `1234.50` / `-1234.50` (plain, for exports and machine-readable files);
//! - [`Fen::yuan_string`]: `1,234.50` (grouped, for tables);
//! - [`Fen::format_cn`]: `¥1,234.50` / `-¥1,234.50` (for people).
//!
//! [`Fen::parse_yuan`] reads all three back, and what people type into forms.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount of money in whole fen (1 元 = 100 分). Negative amounts are allowed
/// (refunds, reversals); callers that need a positive amount check [`Fen::is_negative`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(pub i64);

/// Why an amount was rejected. Field name `"amount"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额：不能为空，请填写金额（如 1234.50）")]
    Empty,
    #[error("金额：“{input}”不是有效金额，请只填写数字，最多两位小数（如 1234.50 或 1,234.50）")]
    Invalid { input: String },
    #[error("金额：千分位逗号位置不对（“{input}”），请每三位一个逗号（如 1,234,567.00）或不写逗号")]
    BadGrouping { input: String },
    #[error("金额：最多两位小数（精确到分），当前“{input}”，请修改")]
    TooManyDecimals { input: String },
    #[error("金额：“{input}”超出可处理的范围，请核对金额")]
    Overflow { input: String },
}

impl MoneyError {
    /// Stable machine field name.
    pub fn field(&self) -> &'static str {
        "amount"
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            MoneyError::Empty => "Amount: required, please enter an amount (e.g. 1234.50)".into(),
            MoneyError::Invalid { input } => format!(
                "Amount: '{input}' is not a valid amount; use digits with at most two decimals (e.g. 1234.50 or 1,234.50)"
            ),
            MoneyError::BadGrouping { input } => format!(
                "Amount: misplaced thousands separators in '{input}'; put a comma every three digits (1,234,567.00) or none"
            ),
            MoneyError::TooManyDecimals { input } => {
                format!("Amount: at most two decimals (whole fen), got '{input}'; please correct it")
            }
            MoneyError::Overflow { input } => {
                format!("Amount: '{input}' is out of range; please check it")
            }
        }
    }
}

/// The input echoed in an error, shortened so a pasted novel does not become the message.
fn echo(input: &str) -> String {
    const MAX: usize = 32;
    let t = input.trim();
    if t.chars().count() <= MAX {
        t.to_owned()
    } else {
        let mut s: String = t.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

impl Fen {
    /// Zero fen.
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan to fen. Saturates at the `i64` limits (about ±9.2 × 10^16 元), far
    /// beyond any real amount; use [`Fen::checked_from_yuan`] to detect it.
    pub const fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan.saturating_mul(100))
    }

    /// Whole yuan to fen, `None` on overflow.
    pub const fn checked_from_yuan(yuan: i64) -> Option<Fen> {
        match yuan.checked_mul(100) {
            Some(f) => Some(Fen(f)),
            None => None,
        }
    }

    /// Parse an amount in yuan as people write it: `12`, `12.3`, `12.34`, `1,234.50`,
    /// `¥12.00` (also full-width `￥`), ` 12 元`, `-5.00`, `-¥5.00`.
    ///
    /// Rejected: empty input, more than two decimals (never rounded: the amount would no
    /// longer be what was written), a lone `.` or a number starting or ending with `.`,
    /// misplaced thousands separators (`1,23` might mean 1.23 elsewhere), anything else
    /// that is not an ASCII digit, and values outside `i64` fen.
    pub fn parse_yuan(input: &str) -> Result<Fen, MoneyError> {
        let mut s = input.trim();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let invalid = || MoneyError::Invalid { input: echo(input) };

        if let Some(rest) = s.strip_suffix('元') {
            s = rest.trim_end();
        }
        let mut negative = false;
        if let Some(rest) = s.strip_prefix('-') {
            negative = true;
            s = rest.trim_start();
        }
        if let Some(rest) = s.strip_prefix('¥').or_else(|| s.strip_prefix('￥')) {
            s = rest.trim_start();
        }
        if !negative && let Some(rest) = s.strip_prefix('-') {
            negative = true;
            s = rest.trim_start();
        }
        if s.is_empty() {
            return Err(invalid());
        }

        let (int_part, frac_part) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        if int_part.is_empty() {
            return Err(invalid());
        }

        // Integer part, with optional thousands separators.
        let mut int_digits = String::with_capacity(int_part.len());
        if int_part.contains(',') {
            for (i, group) in int_part.split(',').enumerate() {
                if !group.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid());
                }
                let ok = if i == 0 {
                    (1..=3).contains(&group.len())
                } else {
                    group.len() == 3
                };
                if !ok {
                    return Err(MoneyError::BadGrouping { input: echo(input) });
                }
                int_digits.push_str(group);
            }
        } else {
            if !int_part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            int_digits.push_str(int_part);
        }

        let mut frac_fen: i128 = 0;
        if let Some(f) = frac_part {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            if f.len() > 2 {
                return Err(MoneyError::TooManyDecimals { input: echo(input) });
            }
            frac_fen = i128::from(f.parse::<u8>().map_err(|_| invalid())?);
            if f.len() == 1 {
                frac_fen *= 10;
            }
        }

        let overflow = || MoneyError::Overflow { input: echo(input) };
        let digits = int_digits.trim_start_matches('0');
        // i64::MAX has 19 digits, so 18 digits of yuan are the most that can fit in fen.
        if digits.len() > 18 {
            return Err(overflow());
        }
        let yuan: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| invalid())?
        };
        let mut total = yuan * 100 + frac_fen;
        if negative {
            total = -total;
        }
        i64::try_from(total).map(Fen).map_err(|_| overflow())
    }

    /// Grouped without a currency sign: `1,234.50`, `-0.05`.
    pub fn yuan_string(&self) -> String {
        self.render(true, false)
    }

    /// For people: `¥1,234.50`, `-¥0.05`.
    pub fn format_cn(&self) -> String {
        self.render(true, true)
    }

    fn render(&self, grouped: bool, sign: bool) -> String {
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let fen = abs % 100;
        let mut out = String::with_capacity(yuan.len() + yuan.len() / 3 + 6);
        if self.0 < 0 {
            out.push('-');
        }
        if sign {
            out.push('¥');
        }
        if grouped {
            let first = yuan.len() % 3;
            for (i, c) in yuan.chars().enumerate() {
                if i > 0 && (i + 3 - first).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
        } else {
            out.push_str(&yuan);
        }
        out.push('.');
        out.push(char::from(b'0' + (fen / 10) as u8));
        out.push(char::from(b'0' + (fen % 10) as u8));
        out
    }

    /// The amount in capital Chinese numerals (大写金额), as financial documents write it
    /// (中国人民银行《支付结算办法》): `贰万肆仟元整`, `壹仟陆佰捌拾元零叁角贰分`,
    /// `壹拾万柒仟元零伍角叁分`, `负伍角`. One 零 stands for any run of zeros between
    /// digits; 整 follows an amount that ends in 元.
    pub fn uppercase_cn(&self) -> String {
        const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
        let abs = self.0.unsigned_abs();
        let (yuan, jiao, fen) = (abs / 100, (abs / 10 % 10) as usize, (abs % 10) as usize);
        let mut out = String::new();
        if self.0 < 0 {
            out.push('负');
        }
        if yuan > 0 {
            out.push_str(&integer_uppercase(yuan));
            out.push('元');
        }
        if jiao == 0 && fen == 0 {
            if yuan == 0 {
                out.push_str("零元");
            }
            out.push('整');
            return out;
        }
        if jiao > 0 {
            // 元 position zero after larger digits: 壹拾元零伍角 reads as written.
            if yuan > 0 && yuan % 10 == 0 {
                out.push('零');
            }
            out.push(DIGITS[jiao]);
            out.push('角');
        } else if yuan > 0 {
            out.push('零');
        }
        if fen > 0 {
            out.push(DIGITS[fen]);
            out.push('分');
        }
        out
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The amount in fen.
    pub fn as_i64(self) -> i64 {
        self.0
    }
}

/// A whole number of yuan in capital numerals: 亿 by recursion (so `壹万零壹亿`), below it
/// groups of four digits with 万: `壹佰万零伍佰`, `壹亿零壹`.
fn integer_uppercase(n: u64) -> String {
    const YI: u64 = 100_000_000;
    if n < YI {
        return below_yi_uppercase(n);
    }
    let (high, low) = (n / YI, n % YI);
    let mut out = integer_uppercase(high);
    out.push('亿');
    if low > 0 {
        if low < YI / 10 {
            out.push('零');
        }
        out.push_str(&below_yi_uppercase(low));
    }
    out
}

/// 0 < n < 1亿 in capital numerals, with no leading 零.
fn below_yi_uppercase(n: u64) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const PLACES: [&str; 4] = ["仟", "佰", "拾", ""];
    let mut out = String::new();
    let mut zero = false;
    for (value, group) in [(n / 10_000, "万"), (n % 10_000, "")] {
        if value == 0 {
            zero = !out.is_empty();
            continue;
        }
        let digits = [value / 1000, value / 100 % 10, value / 10 % 10, value % 10];
        for (place, &d) in digits.iter().enumerate() {
            if d == 0 {
                zero = !out.is_empty();
                continue;
            }
            if zero {
                out.push('零');
                zero = false;
            }
            out.push(DIGITS[d as usize]);
            out.push_str(PLACES[place]);
        }
        out.push_str(group);
        zero = false;
    }
    out
}

/// Plain: `1234.50`, `-0.05` (no grouping, no sign), for exports.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.render(false, false))
    }
}

impl std::str::FromStr for Fen {
    type Err = MoneyError;
    /// Same as [`Fen::parse_yuan`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fen::parse_yuan(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn capital_numerals_as_payment_documents_write_them() {
        for (fen, want) in [
            (0, "零元整"),
            (1, "壹分"),
            (50, "伍角"),
            (-50, "负伍角"),
            (100, "壹元整"),
            (1000, "壹拾元整"),
            (1050, "壹拾元零伍角"),
            (32_504, "叁佰贰拾伍元零肆分"),
            (168_032, "壹仟陆佰捌拾元零叁角贰分"),
            (2_400_000, "贰万肆仟元整"),
            (10_700_053, "壹拾万柒仟元零伍角叁分"),
            (100_050_000, "壹佰万零伍佰元整"),
            (1_001_000, "壹万零壹拾元整"),
            (10_000_000_100, "壹亿零壹元整"),
            (300_000_000, "叁佰万元整"),
            (100_100_000_000, "壹拾亿零壹佰万元整"),
            (100_010_000_000_000, "壹万零壹亿元整"),
        ] {
            assert_eq!(super::Fen(fen).uppercase_cn(), want, "{fen}");
        }
    }

    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Result<Fen, MoneyError> {
        Fen::parse_yuan(s)
    }

    #[test]
    fn parses_what_people_write() {
        assert_eq!(p("12"), Ok(Fen(1200)));
        assert_eq!(p("12.3"), Ok(Fen(1230)));
        assert_eq!(p("12.34"), Ok(Fen(1234)));
        assert_eq!(p("1,234.50"), Ok(Fen(123_450)));
        assert_eq!(p("¥12.00"), Ok(Fen(1200)));
        assert_eq!(p("￥12.00"), Ok(Fen(1200)));
        assert_eq!(p(" 12 元"), Ok(Fen(1200)));
        assert_eq!(p("¥ 1,234,567.89元"), Ok(Fen(123_456_789)));
        assert_eq!(p("0.05"), Ok(Fen(5)));
        assert_eq!(p("007"), Ok(Fen(700)));
        assert_eq!(p("-5.5"), Ok(Fen(-550)));
        assert_eq!(p("-¥5.50"), Ok(Fen(-550)));
        assert_eq!(p("¥-5.50"), Ok(Fen(-550)));
        assert_eq!(p("0"), Ok(Fen(0)));
    }

    #[test]
    fn rejects_the_rest() {
        assert_eq!(p(""), Err(MoneyError::Empty));
        assert_eq!(p("   "), Err(MoneyError::Empty));
        assert!(matches!(p("12.345"), Err(MoneyError::TooManyDecimals { .. })));
        assert!(matches!(p("abc"), Err(MoneyError::Invalid { .. })));
        assert!(matches!(p("12."), Err(MoneyError::Invalid { .. })));
        assert!(matches!(p(".5"), Err(MoneyError::Invalid { .. })));
        assert!(matches!(p("1.2.3"), Err(MoneyError::Invalid { .. })));
        assert!(matches!(p("¥"), Err(MoneyError::Invalid { .. })));
        assert!(matches!(p("--5"), Err(MoneyError::Invalid { .. })));
        assert!(matches!(p("+5"), Err(MoneyError::Invalid { .. })));
        assert!(matches!(p("1e3"), Err(MoneyError::Invalid { .. })));
        assert!(matches!(p("１２"), Err(MoneyError::Invalid { .. })));
        assert!(matches!(p("1,23"), Err(MoneyError::BadGrouping { .. })));
        assert!(matches!(p("1234,567"), Err(MoneyError::BadGrouping { .. })));
        assert!(matches!(p(",123"), Err(MoneyError::BadGrouping { .. })));
        assert!(matches!(p("92233720368547758.08"), Err(MoneyError::Overflow { .. })));
        assert!(matches!(
            p("99999999999999999999999999"),
            Err(MoneyError::Overflow { .. })
        ));
    }

    #[test]
    fn extremes_round_trip() {
        assert_eq!(p("92233720368547758.07"), Ok(Fen(i64::MAX)));
        assert_eq!(p("-92233720368547758.08"), Ok(Fen(i64::MIN)));
        assert_eq!(Fen(i64::MIN).to_string(), "-92233720368547758.08");
    }

    #[test]
    fn formats() {
        let f = Fen(123_450);
        assert_eq!(f.to_string(), "1234.50");
        assert_eq!(f.yuan_string(), "1,234.50");
        assert_eq!(f.format_cn(), "¥1,234.50");
        assert_eq!(Fen(5).format_cn(), "¥0.05");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(Fen(-123_456_789).format_cn(), "-¥1,234,567.89");
        assert_eq!(Fen(100_000).yuan_string(), "1,000.00");
        assert_eq!(Fen(99_999).yuan_string(), "999.99");
        assert_eq!(Fen(0).format_cn(), "¥0.00");
    }

    #[test]
    fn arithmetic() {
        assert_eq!(Fen::from_yuan(12), Fen(1200));
        assert_eq!(Fen::from_yuan(i64::MAX), Fen(i64::MAX));
        assert_eq!(Fen::checked_from_yuan(i64::MAX), None);
        assert_eq!(Fen(1).checked_add(Fen(2)), Some(Fen(3)));
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(1).checked_sub(Fen(2)), Some(Fen(-1)));
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert!(Fen(-1).is_negative());
        assert!(!Fen(0).is_negative());
    }

    #[test]
    fn serde_is_a_plain_integer() {
        assert_eq!(serde_json::to_string(&Fen(123_450)).unwrap(), "123450");
        assert_eq!(serde_json::from_str::<Fen>("-7").unwrap(), Fen(-7));
    }

    #[test]
    fn errors_name_the_field() {
        let e = p("12.345").unwrap_err();
        assert_eq!(e.field(), "amount");
        assert!(e.to_string().starts_with("金额："));
        assert!(e.message_en().starts_with("Amount:"));
        let long = "x".repeat(1000);
        assert!(p(&long).unwrap_err().to_string().chars().count() < 120);
    }

    proptest! {
        #[test]
        fn round_trip_all_formats(x in any::<i64>()) {
            let f = Fen(x);
            prop_assert_eq!(p(&f.to_string()), Ok(f));
            prop_assert_eq!(p(&f.yuan_string()), Ok(f));
            prop_assert_eq!(p(&f.format_cn()), Ok(f));
        }

        #[test]
        fn round_trip_whole_yuan(y in -1_000_000_000_000i64..1_000_000_000_000) {
            prop_assert_eq!(p(&y.to_string()), Ok(Fen::from_yuan(y)));
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = p(&s);
        }

        #[test]
        fn never_panics_on_money_like_text(s in "[ ¥￥元0-9,.\\-]{0,30}") {
            if let Ok(f) = p(&s) {
                // Anything accepted formats and parses back to itself.
                prop_assert_eq!(p(&f.to_string()), Ok(f));
            }
        }
    }
}
