//! Identifiers parsed at the edge: a value of these types exists only if it passed its
//! checksum ("parse, don't validate").
//!
//! - [`CitizenId`]: 居民身份证号码, GB 11643-1999 (ISO 7064 MOD 11-2 check character).
//! - [`CreditCode`]: 统一社会信用代码, GB 32100-2015 (base-31 check character plus the
//!   embedded GB 11714 organisation-code check).
//!
//! Both trim surrounding whitespace and normalise to upper case. Neither type ever prints
//! a full 身份证号 by accident: `Display` and `Debug` of [`CitizenId`] show the masked form;
//! only [`CitizenId::as_str`] (and serde serialisation, for storage) gives the full number.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `FromStr` and serde for an identifier: its full form is what is stored, and whatever is
/// read back (a form, a row, JSON) goes through `parse` again.
macro_rules! parsed_at_the_edge {
    ($id:ident) => {
        impl FromStr for $id {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $id::parse(s)
            }
        }

        impl Serialize for $id {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $id {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                $id::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Which identifier an [`IdError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// 身份证号
    CitizenId,
    /// 统一社会信用代码
    CreditCode,
}

impl IdKind {
    /// Stable machine field name: `"id_number"` or `"credit_code"`.
    pub fn field(self) -> &'static str {
        match self {
            IdKind::CitizenId => "id_number",
            IdKind::CreditCode => "credit_code",
        }
    }

    /// Name shown to people, in Simplified Chinese.
    pub fn label_cn(self) -> &'static str {
        match self {
            IdKind::CitizenId => "身份证号",
            IdKind::CreditCode => "统一社会信用代码",
        }
    }

    fn label_en(self) -> &'static str {
        match self {
            IdKind::CitizenId => "ID number",
            IdKind::CreditCode => "Unified social credit code",
        }
    }
}

/// Why a 身份证号 or 统一社会信用代码 was rejected. The message (Display) is in Simplified
/// Chinese, names the field and says what to do; [`IdError::message_en`] gives English.
///
/// Positions are 1-based character positions, as a person counts them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{}：不能为空，请填写 18 位{}", .kind.label_cn(), .kind.label_cn())]
    Empty { kind: IdKind },

    #[error("{}：应为 18 位，当前 {found} 位，{}", .kind.label_cn(), length_hint_cn(*.kind, *.found))]
    Length { kind: IdKind, found: usize },

    #[error("{}：第 {position} 位“{ch}”不是有效字符，{}", .kind.label_cn(), bad_char_hint_cn(*.kind, *.position))]
    BadChar { kind: IdKind, position: usize, ch: char },

    /// 身份证号 only: positions 7-14 are not a real date.
    #[error("身份证号：第 7-14 位出生日期“{value}”不是有效日期，请核对出生年月日")]
    BadDate { value: String },

    /// 身份证号 only: the birth date in positions 7-14 is after today.
    #[error("身份证号：出生日期（第 7-14 位“{value}”）不能晚于今天，请核对")]
    FutureBirth { value: String },

    /// 身份证号 only: the gender digit (position 17, odd for men, even for women) does not
    /// agree with the form's 性别.
    #[error("{}", gender_cn(*.id_says_male))]
    GenderMismatch { id_says_male: bool },

    /// 统一社会信用代码 only: position 1 (登记管理部门代码) or 2 (机构类别代码) is not in
    /// GB 32100's table.
    #[error("{}", authority_cn(*.position, *.ch))]
    BadAuthority { position: usize, ch: char },

    #[error("{}", region_cn(*.kind, .value))]
    BadRegion { kind: IdKind, value: String },

    /// The last character (ISO 7064 MOD 11-2 for 身份证号, GB 32100 base-31 for 统一社会信用代码).
    #[error("{}", check_cn(*.kind))]
    CheckDigit { kind: IdKind },

    /// 统一社会信用代码 only: the organisation code (positions 9-17) fails its GB 11714 check.
    #[error("统一社会信用代码：第 9-17 位组织机构代码的校验位（第 17 位）不正确，请核对第 9-17 位")]
    OrgCodeCheck,
}

fn length_hint_cn(kind: IdKind, found: usize) -> &'static str {
    match (kind, found) {
        (IdKind::CitizenId, 15) => "15 位旧证号码已停用，请填写 18 位新号码",
        (IdKind::CreditCode, 9 | 10) => "请填写 18 位统一社会信用代码，而不是 9 位组织机构代码",
        _ => "请核对后重新填写",
    }
}

fn bad_char_hint_cn(kind: IdKind, position: usize) -> &'static str {
    match kind {
        IdKind::CitizenId if position == 18 => "最后一位应为数字或 X，请核对",
        IdKind::CitizenId => "前 17 位应为数字，请核对",
        IdKind::CreditCode => "只能是数字和大写字母（不含 I、O、S、V、Z），请核对",
    }
}

fn region_cn(kind: IdKind, value: &str) -> String {
    match kind {
        IdKind::CitizenId => {
            format!("身份证号：前 6 位地区码“{value}”不是有效的行政区划代码（GB/T 2260），请核对前 6 位")
        }
        IdKind::CreditCode => {
            format!("统一社会信用代码：第 3-8 位行政区划码“{value}”应为 6 位数字，请核对第 3-8 位")
        }
    }
}

fn gender_cn(id_says_male: bool) -> String {
    let (id, form) = if id_says_male { ("男", "女") } else { ("女", "男") };
    format!("身份证号与性别不一致：身份证号第 17 位表示{id}性，性别却选择了“{form}”，请核对身份证号或性别")
}

fn authority_cn(position: usize, ch: char) -> String {
    if position == 1 {
        format!(
            "统一社会信用代码：第 1 位“{ch}”不是登记管理部门代码（应为 1-9、A、N 或 Y，如企业为 9、机关事业单位为 1），请核对第 1 位"
        )
    } else {
        format!("统一社会信用代码：第 2 位机构类别代码“{ch}”与第 1 位的登记管理部门不相符，请核对前 2 位")
    }
}

fn check_cn(kind: IdKind) -> &'static str {
    match kind {
        IdKind::CitizenId => "身份证号：校验位不正确，请核对最后一位（0-9 或 X）",
        IdKind::CreditCode => {
            "统一社会信用代码：校验码（第 18 位）不正确，请逐位核对，常见错误是 0 与 D、1 与 L 等混淆"
        }
    }
}

impl IdError {
    /// Stable machine field name: `"id_number"` or `"credit_code"`.
    pub fn field(&self) -> &'static str {
        self.kind().field()
    }

    /// Which identifier the error is about.
    pub fn kind(&self) -> IdKind {
        match self {
            IdError::Empty { kind }
            | IdError::Length { kind, .. }
            | IdError::BadChar { kind, .. }
            | IdError::BadRegion { kind, .. }
            | IdError::CheckDigit { kind } => *kind,
            IdError::BadDate { .. } | IdError::FutureBirth { .. } | IdError::GenderMismatch { .. } => IdKind::CitizenId,
            IdError::OrgCodeCheck | IdError::BadAuthority { .. } => IdKind::CreditCode,
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        let label = self.kind().label_en();
        match self {
            IdError::Empty { .. } => format!("{label}: required, please enter all 18 characters"),
            IdError::Length { found, .. } => {
                format!("{label}: must be 18 characters, got {found}; please check it")
            }
            IdError::BadChar { kind, position, ch } => {
                let hint = match kind {
                    IdKind::CitizenId if *position == 18 => "the last one must be a digit or X",
                    IdKind::CitizenId => "the first 17 must be digits",
                    IdKind::CreditCode => "only digits and upper-case letters except I, O, S, V, Z",
                };
                format!("{label}: character {position} ('{ch}') is not allowed ({hint}); please check it")
            }
            IdError::BadDate { value } => {
                format!("{label}: the birth date in characters 7-14 ('{value}') does not exist; please check it")
            }
            IdError::FutureBirth { value } => {
                format!("{label}: the birth date in characters 7-14 ('{value}') is after today; please check it")
            }
            IdError::GenderMismatch { id_says_male } => {
                let (id, form) = if *id_says_male {
                    ("male", "female")
                } else {
                    ("female", "male")
                };
                format!("{label} and gender disagree: character 17 says {id}, the form says {form}; please check both")
            }
            IdError::BadAuthority { position, ch } => format!(
                "{label}: character {position} ('{ch}') is not a registration authority / organisation kind of GB 32100; please check characters 1-2"
            ),
            IdError::BadRegion { kind, value } => match kind {
                IdKind::CitizenId => {
                    format!("{label}: region code '{value}' (first 6 digits) is not a GB/T 2260 code; please check it")
                }
                IdKind::CreditCode => {
                    format!("{label}: region code '{value}' (characters 3-8) must be 6 digits; please check it")
                }
            },
            IdError::CheckDigit { kind } => match kind {
                IdKind::CitizenId => {
                    format!("{label}: the check character is wrong; please check the last one (0-9 or X)")
                }
                IdKind::CreditCode => {
                    format!("{label}: the check character (position 18) is wrong; please check every character")
                }
            },
            IdError::OrgCodeCheck => format!(
                "{label}: the organisation code (characters 9-17) fails its own check; please check characters 9-17"
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------
// 身份证号
// ---------------------------------------------------------------------------------------

/// ISO 7064 MOD 11-2 weights for positions 1-17 (2^(17-i) mod 11).
const CITIZEN_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for `sum mod 11` = index.
const CITIZEN_CHECK: [u8; 11] = *b"10X98765432";

/// The ISO 7064 MOD 11-2 check character of the first 17 digits of a 身份证号.
///
/// Returns `None` unless `first17` is exactly 17 ASCII digits. Public so that test-data
/// generators elsewhere in the workspace can build valid numbers.
pub fn citizen_id_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(CITIZEN_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(char::from(CITIZEN_CHECK[(sum % 11) as usize]))
}

/// The GB/T 2260 region codes (with the codes abolished since 1980, and 810000 / 820000 /
/// 830000 of the 港澳台居民居住证), shipped as data: `data/gbt2260.txt` (derived from
/// python-stdnum's `loc.dat`, LGPL-2.1-or-later; see the file's header).
const GBT2260: &str = include_str!("../data/gbt2260.txt");

/// The codes of [`GBT2260`], sorted, parsed once.
static REGION_CODES: LazyLock<Vec<u32>> = LazyLock::new(|| {
    let mut codes: Vec<u32> = GBT2260
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next()?.parse().ok())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
});

/// Every region code a 身份证号 may start with, sorted (for test-data generators).
pub fn region_codes() -> &'static [u32] {
    &REGION_CODES
}

/// Whether a 6-digit text is a region code of the shipped GB/T 2260 list.
pub fn is_region_code(code: &str) -> bool {
    code.len() == 6
        && code.bytes().all(|b| b.is_ascii_digit())
        && code
            .parse::<u32>()
            .is_ok_and(|c| REGION_CODES.binary_search(&c).is_ok())
}

/// Both identifiers are 18 characters: trims the input and checks the length.
fn eighteen_chars(input: &str, kind: IdKind) -> Result<&str, IdError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(IdError::Empty { kind });
    }
    let found = s.chars().count();
    if found != 18 {
        return Err(IdError::Length { kind, found });
    }
    Ok(s)
}

/// A valid 18-character 居民身份证号码 (GB 11643-1999).
///
/// Checked: 18 characters, 17 digits then a digit or `X` (lower-case `x` is accepted and
/// normalised), the region code (positions 1-6) is in the shipped GB/T 2260 list
/// ([`is_region_code`]: current and abolished county-level codes, 810000/820000/830000),
/// the birth date exists and its year is 1800 or later, and the ISO 7064 MOD 11-2 check
/// character matches. [`CitizenId::parse_as_of`] also refuses a birth date after "today";
/// [`CitizenId::check_gender`] compares position 17 with a form's gender. Not checked:
/// that the county existed in the birth year (a number keeps the code where it was issued).
///
/// `Display`/`Debug` print the masked form (`110***********1233`) so the number never leaks
/// into logs; [`CitizenId::as_str`] gives the full number. Serde serialises the full number
/// (the store encrypts it) and deserialises through [`CitizenId::parse`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitizenId(String);

impl CitizenId {
    /// Parse a 身份证号, trimming surrounding whitespace and upper-casing a final `x`.
    pub fn parse(input: &str) -> Result<CitizenId, IdError> {
        const KIND: IdKind = IdKind::CitizenId;
        let s = eighteen_chars(input, KIND)?;
        let mut normalised = String::with_capacity(18);
        for (i, ch) in s.chars().enumerate() {
            let ok = ch.is_ascii_digit() || (i == 17 && (ch == 'X' || ch == 'x'));
            if !ok {
                return Err(IdError::BadChar {
                    kind: KIND,
                    position: i + 1,
                    ch,
                });
            }
            normalised.push(ch.to_ascii_uppercase());
        }
        // All ASCII from here on: byte slicing is char slicing.
        let region = &normalised[0..6];
        if !is_region_code(region) {
            return Err(IdError::BadRegion {
                kind: KIND,
                value: region.to_owned(),
            });
        }
        let date_text = &normalised[6..14];
        if parse_birth_date(date_text).is_none() {
            return Err(IdError::BadDate {
                value: date_text.to_owned(),
            });
        }
        let expected = citizen_id_check_char(&normalised[..17]);
        if expected != normalised.chars().nth(17) {
            return Err(IdError::CheckDigit { kind: KIND });
        }
        Ok(CitizenId(normalised))
    }

    /// [`CitizenId::parse`], and the birth date must not be after `today` (the caller's
    /// clock, so tests are deterministic).
    pub fn parse_as_of(input: &str, today: Date) -> Result<CitizenId, IdError> {
        let id = CitizenId::parse(input)?;
        if id.birth_date() > today {
            return Err(IdError::FutureBirth {
                value: id.0[6..14].to_owned(),
            });
        }
        Ok(id)
    }

    /// Whether position 17 says male (odd) rather than female (even), GB 11643.
    pub fn is_male(&self) -> bool {
        (self.0.as_bytes()[16] - b'0') % 2 == 1
    }

    /// The form's gender (`male`) agrees with position 17; the error names both fields.
    pub fn check_gender(&self, male: bool) -> Result<(), IdError> {
        if self.is_male() == male {
            Ok(())
        } else {
            Err(IdError::GenderMismatch {
                id_says_male: self.is_male(),
            })
        }
    }

    /// The full number. Handle with care: personal data.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date encoded in positions 7-14.
    pub fn birth_date(&self) -> Date {
        parse_birth_date(&self.0[6..14]).expect("validated by CitizenId::parse")
    }

    /// Age in whole years on `on` (0 before the first birthday; negative if `on` is before
    /// the birth date). A person born on 29 February turns a year older on 1 March in
    /// common years.
    pub fn age_on(&self, on: Date) -> i16 {
        let birth = self.birth_date();
        let mut age = on.year() - birth.year();
        if (on.month(), on.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        age
    }

    /// The 6-digit region code (positions 1-6) where the number was first issued.
    pub fn region_code(&self) -> &str {
        &self.0[0..6]
    }

    /// Masked for display: only the last character kept (`*****************3`), see
    /// [`crate::mask::citizen_id`].
    pub fn masked(&self) -> String {
        crate::mask::citizen_id(&self.0)
    }
}

fn parse_birth_date(yyyymmdd: &str) -> Option<Date> {
    if yyyymmdd.len() != 8 || !yyyymmdd.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i16 = yyyymmdd[0..4].parse().ok()?;
    let month: i8 = yyyymmdd[4..6].parse().ok()?;
    let day: i8 = yyyymmdd[6..8].parse().ok()?;
    if year < 1800 {
        return None;
    }
    Date::new(year, month, day).ok()
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CitizenId({})", self.masked())
    }
}

parsed_at_the_edge!(CitizenId);

// ---------------------------------------------------------------------------------------
// 统一社会信用代码
// ---------------------------------------------------------------------------------------

/// The 31 characters of GB 32100 (no I, O, S, V, Z); a character's value is its index.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100 weights for positions 1-17 (3^(i-1) mod 31).
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/// GB 11714 weights for the 8 body characters of an organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// GB 32100-2015 table 1 (登记管理部门代码, position 1) with the 机构类别代码 (position 2)
/// each authority may give, as amended (3 司法行政, A 中央军委改革和编制办公室, N 农业 added):
///
/// | 1 | authority | 2 |
/// |---|---|---|
/// | 1 | 机构编制 | 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他 |
/// | 2 | 外交 | 1 外国常驻新闻机构, 9 其他 |
/// | 3 | 司法行政 | 1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构, 5 仲裁委员会, 9 其他 |
/// | 4 | 文化 | 1 外国在华文化中心, 9 其他 |
/// | 5 | 民政 | 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他 |
/// | 6 | 旅游 | 1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地（大陆）代表机构, 9 其他 |
/// | 7 | 宗教 | 1 宗教活动场所, 2 宗教院校, 9 其他 |
/// | 8 | 工会 | 1 基层工会, 9 其他 |
/// | 9 | 工商 | 1 企业, 2 个体工商户, 3 农民专业合作社 |
/// | A | 中央军委改革和编制办公室 | 1 军队事业单位, 9 其他 |
/// | N | 农业 | 1 组级集体经济组织, 2 村级集体经济组织, 3 乡镇级集体经济组织, 9 其他 |
/// | Y | 其他 | 1 |
pub const CREDIT_AUTHORITIES: [(char, &str); 12] = [
    ('1', "1239"),
    ('2', "19"),
    ('3', "123459"),
    ('4', "19"),
    ('5', "1239"),
    ('6', "129"),
    ('7', "129"),
    ('8', "19"),
    ('9', "123"),
    ('A', "19"),
    ('N', "1239"),
    ('Y', "1"),
];

fn credit_value(b: u8) -> Option<u32> {
    CREDIT_ALPHABET.iter().position(|&c| c == b).map(|i| i as u32)
}

/// GB 32100 check character of the first 17 characters (upper case, GB 32100 alphabet).
/// `None` if the input is not 17 such characters.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&b, w) in bytes.iter().zip(CREDIT_WEIGHTS) {
        sum += credit_value(b)? * w;
    }
    let c = (31 - sum % 31) % 31;
    Some(char::from(CREDIT_ALPHABET[c as usize]))
}

/// GB 11714 check character of an organisation code's first 8 characters (digits and
/// upper-case letters, a letter's value being 10 for A up to 35 for Z): `11 - sum mod 11`,
/// where 10 is written `X` and 11 is written `0`. `None` if the input is not 8 such
/// characters.
pub fn org_code_check_char(first8: &str) -> Option<char> {
    let bytes = first8.as_bytes();
    if bytes.len() != 8 {
        return None;
    }
    let mut sum = 0u32;
    for (&b, w) in bytes.iter().zip(ORG_WEIGHTS) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from(b'0' + c as u8),
    })
}

/// A valid 18-character 统一社会信用代码 (GB 32100-2015).
///
/// Checked: 18 characters from the 31-character alphabet (upper-cased first), positions 3-8
/// are digits (the region code; the GB/T 2260 table is not carried), the organisation code
/// in positions 9-17 passes its GB 11714 check (position 17 is a digit or `X`), position
/// 18 is the GB 32100 base-31 check character, and positions 1 (registration authority)
/// and 2 (organisation kind) are a pair of [`CREDIT_AUTHORITIES`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parse a 统一社会信用代码, trimming surrounding whitespace and upper-casing.
    pub fn parse(input: &str) -> Result<CreditCode, IdError> {
        const KIND: IdKind = IdKind::CreditCode;
        let s = eighteen_chars(input, KIND)?;
        let mut normalised = String::with_capacity(18);
        for (i, ch) in s.chars().enumerate() {
            let up = ch.to_ascii_uppercase();
            if !up.is_ascii() || credit_value(up as u8).is_none() {
                return Err(IdError::BadChar {
                    kind: KIND,
                    position: i + 1,
                    ch,
                });
            }
            normalised.push(up);
        }
        let first = char::from(normalised.as_bytes()[0]);
        let second = char::from(normalised.as_bytes()[1]);
        let Some((_, kinds)) = CREDIT_AUTHORITIES.iter().find(|(a, _)| *a == first) else {
            return Err(IdError::BadAuthority { position: 1, ch: first });
        };
        if !kinds.contains(second) {
            return Err(IdError::BadAuthority {
                position: 2,
                ch: second,
            });
        }
        let region = &normalised[2..8];
        if !region.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::BadRegion {
                kind: KIND,
                value: region.to_owned(),
            });
        }
        let org_check = org_code_check_char(&normalised[8..16]);
        if org_check != normalised.chars().nth(16) {
            return Err(IdError::OrgCodeCheck);
        }
        if credit_code_check_char(&normalised[..17]) != normalised.chars().nth(17) {
            return Err(IdError::CheckDigit { kind: KIND });
        }
        Ok(CreditCode(normalised))
    }

    /// The code (not personal data: it is printed on the business licence).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 9-character organisation code (GB 11714) in positions 9-17.
    pub fn org_code(&self) -> &str {
        &self.0[8..17]
    }

    /// The 6-digit region code in positions 3-8.
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditCode({})", self.0)
    }
}

parsed_at_the_edge!(CreditCode);

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn citizen_known_valid() {
        let id = CitizenId::parse("110101199003071233").unwrap();
        assert_eq!(id.as_str(), "110101199003071233");
        assert_eq!(id.birth_date(), date(1990, 3, 7));
        assert_eq!(id.region_code(), "110101");
        assert_eq!(id.masked(), "*****************3");

        let x = CitizenId::parse("11010519491231002X").unwrap();
        assert_eq!(x.birth_date(), date(1949, 12, 31));
    }

    #[test]
    fn citizen_lower_x_and_whitespace_are_normalised() {
        let id = CitizenId::parse("  11010519491231002x\n").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn citizen_known_invalid() {
        assert_eq!(
            CitizenId::parse("110101199003071235"),
            Err(IdError::CheckDigit {
                kind: IdKind::CitizenId
            })
        );
        assert_eq!(
            CitizenId::parse("110101199002301236"),
            Err(IdError::BadDate {
                value: "19900230".into()
            })
        );
    }

    #[test]
    fn citizen_other_rejections() {
        assert!(matches!(CitizenId::parse(""), Err(IdError::Empty { .. })));
        assert!(matches!(CitizenId::parse("   "), Err(IdError::Empty { .. })));
        assert_eq!(
            CitizenId::parse("110101900307123"),
            Err(IdError::Length {
                kind: IdKind::CitizenId,
                found: 15
            })
        );
        // 18 chars, but a Chinese character in the middle: counted as one char.
        assert_eq!(
            CitizenId::parse("1101011990中3071233"),
            Err(IdError::BadChar {
                kind: IdKind::CitizenId,
                position: 11,
                ch: '中'
            })
        );
        assert!(matches!(
            CitizenId::parse("X10101199003071233"),
            Err(IdError::BadChar { position: 1, .. })
        ));
        assert!(matches!(
            CitizenId::parse("910101199003071233"),
            Err(IdError::BadRegion { .. })
        ));
        assert!(matches!(
            CitizenId::parse("010101199003071233"),
            Err(IdError::BadRegion { .. })
        ));
        // Year 1700: plausibility.
        assert!(matches!(
            CitizenId::parse("110101170003071233"),
            Err(IdError::BadDate { .. })
        ));
        // Month 13.
        assert!(matches!(
            CitizenId::parse("110101199013071233"),
            Err(IdError::BadDate { .. })
        ));
    }

    #[test]
    fn citizen_region_must_be_a_gbt2260_code() {
        let with_region = |region: &str| {
            let first17 = format!("{region}19900307123");
            format!("{first17}{}", citizen_id_check_char(&first17).unwrap())
        };
        // Current, abolished (崇文区 until 2010) and the 港澳台居民居住证 codes.
        for ok in ["110101", "110103", "652702", "810000", "820000", "830000", "710000"] {
            assert!(CitizenId::parse(&with_region(ok)).is_ok(), "{ok}");
        }
        // First digit 1-8 but no such county (the review's examples).
        for bad in ["738458", "829025", "110199", "840000"] {
            let e = CitizenId::parse(&with_region(bad)).unwrap_err();
            assert_eq!(
                e,
                IdError::BadRegion {
                    kind: IdKind::CitizenId,
                    value: bad.into()
                }
            );
            assert!(e.to_string().contains("GB/T 2260"), "{e}");
        }
        assert!(region_codes().len() > 6000);
        assert!(is_region_code("652702") && !is_region_code("65270") && !is_region_code("6527a2"));
    }

    #[test]
    fn citizen_future_birth_date_is_refused_as_of_today() {
        let today = date(2026, 12, 2);
        let on = |ymd: &str| {
            let first17 = format!("110101{ymd}123");
            format!("{first17}{}", citizen_id_check_char(&first17).unwrap())
        };
        assert!(CitizenId::parse_as_of(&on("20261202"), today).is_ok());
        let e = CitizenId::parse_as_of(&on("20261203"), today).unwrap_err();
        assert_eq!(
            e,
            IdError::FutureBirth {
                value: "20261203".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "身份证号：出生日期（第 7-14 位“20261203”）不能晚于今天，请核对"
        );
        assert!(CitizenId::parse_as_of(&on("20991231"), today).is_err());
        // The structural parse alone does not know the date.
        assert!(CitizenId::parse(&on("20991231")).is_ok());
    }

    #[test]
    fn citizen_gender_digit_must_agree_with_the_form() {
        let id = CitizenId::parse("110101199003071233").unwrap(); // 17th digit 3: male
        assert!(id.is_male());
        assert_eq!(id.check_gender(true), Ok(()));
        let e = id.check_gender(false).unwrap_err();
        assert_eq!(e, IdError::GenderMismatch { id_says_male: true });
        let text = e.to_string();
        assert!(text.contains("身份证号") && text.contains("性别"), "{text}");
        let woman = CitizenId::parse("11010519491231002X").unwrap(); // 17th digit 2
        assert!(!woman.is_male());
        assert!(woman.check_gender(true).is_err());
    }

    #[test]
    fn credit_positions_one_and_two_follow_gb32100() {
        let code = |p1: char, p2: char| {
            let first17 = format!("{p1}{p2}110108MA01C3K5X");
            format!("{first17}{}", credit_code_check_char(&first17).unwrap())
        };
        for (p1, kinds) in CREDIT_AUTHORITIES {
            for p2 in kinds.chars() {
                assert!(CreditCode::parse(&code(p1, p2)).is_ok(), "{p1}{p2}");
            }
        }
        // The review's examples: K, W are no authority; 2N: 外交 has no kind N; 0 no kind.
        assert_eq!(
            CreditCode::parse(&code('K', 'H')),
            Err(IdError::BadAuthority { position: 1, ch: 'K' })
        );
        assert_eq!(
            CreditCode::parse(&code('W', '0')),
            Err(IdError::BadAuthority { position: 1, ch: 'W' })
        );
        assert_eq!(
            CreditCode::parse(&code('2', 'N')),
            Err(IdError::BadAuthority { position: 2, ch: 'N' })
        );
        assert_eq!(
            CreditCode::parse(&code('9', '9')),
            Err(IdError::BadAuthority { position: 2, ch: '9' })
        );
        assert_eq!(
            CreditCode::parse(&code('0', '1')),
            Err(IdError::BadAuthority { position: 1, ch: '0' })
        );
        let e = CreditCode::parse(&code('Y', '2')).unwrap_err();
        assert!(e.to_string().starts_with("统一社会信用代码：第 2 位"), "{e}");
        assert_eq!(e.field(), "credit_code");
    }

    #[test]
    fn citizen_leap_day() {
        let first17 = "11010120000229123";
        let full = format!("{first17}{}", citizen_id_check_char(first17).unwrap());
        assert_eq!(CitizenId::parse(&full).unwrap().birth_date(), date(2000, 2, 29));
        let first17 = "11010119000229123"; // 1900 is not a leap year
        let full = format!("{first17}{}", citizen_id_check_char(first17).unwrap());
        assert!(matches!(CitizenId::parse(&full), Err(IdError::BadDate { .. })));
    }

    #[test]
    fn citizen_age() {
        let id = CitizenId::parse("110101199003071233").unwrap();
        assert_eq!(id.age_on(date(2025, 3, 6)), 34);
        assert_eq!(id.age_on(date(2025, 3, 7)), 35);
        assert_eq!(id.age_on(date(1990, 3, 7)), 0);
    }

    #[test]
    fn citizen_never_prints_full_number() {
        let id = CitizenId::parse("110101199003071233").unwrap();
        assert_eq!(id.to_string(), "*****************3");
        assert!(!format!("{id:?}").contains("110101199003071233"));
        assert!(!format!("{:?}", Some(&id)).contains("1990"));
    }

    #[test]
    fn citizen_serde() {
        let id = CitizenId::parse("11010519491231002X").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"11010519491231002X\"");
        let back: CitizenId = serde_json::from_str("\"11010519491231002x\"").unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<CitizenId>("\"110101199003071235\"").is_err());
    }

    #[test]
    fn credit_known_valid() {
        let c = CreditCode::parse("91110108MA01C3K5XA").unwrap();
        assert_eq!(c.as_str(), "91110108MA01C3K5XA");
        assert_eq!(c.org_code(), "MA01C3K5X");
        assert_eq!(c.region_code(), "110108");
        assert_eq!(c.to_string(), "91110108MA01C3K5XA");
        // lower case and whitespace
        assert_eq!(CreditCode::parse(" 91110108ma01c3k5xa ").unwrap(), c);
    }

    #[test]
    fn credit_known_invalid_for_the_stated_reason() {
        // Only position 18 is wrong: the organisation code is fine.
        assert_eq!(org_code_check_char("MA01C3K5"), Some('X'));
        assert_eq!(
            CreditCode::parse("91110108MA01C3K5XX"),
            Err(IdError::CheckDigit {
                kind: IdKind::CreditCode
            })
        );
        // Position 17 is wrong for GB 11714, although position 18 is right for GB 32100
        // over the first 17 as written: only the organisation-code check catches it.
        assert_eq!(credit_code_check_char("91110108MA01C3K51"), Some('K'));
        let err = CreditCode::parse("91110108MA01C3K51K").unwrap_err();
        assert_eq!(err, IdError::OrgCodeCheck);
        assert!(err.to_string().contains("组织机构代码"));
        assert!(err.message_en().contains("organisation code"));
    }

    #[test]
    fn credit_other_rejections() {
        assert!(matches!(
            CreditCode::parse("91110108MA01C3K5X"),
            Err(IdError::Length { found: 17, .. })
        ));
        // I, O, S, V, Z are not in the alphabet.
        assert_eq!(
            CreditCode::parse("91110108MA0IC3K5XA"),
            Err(IdError::BadChar {
                kind: IdKind::CreditCode,
                position: 12,
                ch: 'I'
            })
        );
        assert!(matches!(
            CreditCode::parse("911A0108MA01C3K5XA"),
            Err(IdError::BadRegion { .. })
        ));
        assert!(matches!(
            CreditCode::parse("91110108MA01C3K5XＡ"),
            Err(IdError::BadChar { position: 18, .. })
        ));
    }

    #[test]
    fn credit_serde() {
        let c: CreditCode = serde_json::from_str("\"91110108ma01c3k5xa\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"91110108MA01C3K5XA\"");
        assert!(serde_json::from_str::<CreditCode>("\"91110108MA01C3K5XX\"").is_err());
    }

    #[test]
    fn errors_name_their_field_in_both_languages() {
        let e = CitizenId::parse("110101199003071235").unwrap_err();
        assert_eq!(e.field(), "id_number");
        assert_eq!(e.to_string(), "身份证号：校验位不正确，请核对最后一位（0-9 或 X）");
        assert!(e.message_en().starts_with("ID number:"));
        let e = CreditCode::parse("123").unwrap_err();
        assert_eq!(e.field(), "credit_code");
        assert!(e.to_string().starts_with("统一社会信用代码：应为 18 位，当前 3 位"));
        assert!(e.message_en().starts_with("Unified social credit code:"));
        let e = CitizenId::parse("110101900307123").unwrap_err();
        assert!(e.to_string().contains("15 位旧证"));
    }
}
