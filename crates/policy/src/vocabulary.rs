//! The names of the policy's code tables, defined once. A code is what the engine reads, the
//! API carries and the database stores; the Chinese name is what every page, export, letter,
//! explanation and audit summary shows. Each enum of the facts gets `ALL`, `code()`,
//! `label_zh()` and `TABLE` (code, name) from one list below, so a variant without a name does
//! not compile, and `codes_are_the_serde_codes` keeps the codes equal to the JSON ones.

use crate::facts::{Assessment, Degree, Employer, Honour, Mode, Title};

/// (code, Chinese name) pairs, in the order a form offers them.
pub type Table = &'static [(&'static str, &'static str)];

macro_rules! vocabulary {
    ($ty:ident, $n:literal, [$(($variant:ident, $code:literal, $zh:literal)),* $(,)?]) => {
        impl $ty {
            pub const ALL: [$ty; $n] = [$($ty::$variant),*];
            /// (code, Chinese name) of every variant, in order.
            pub const TABLE: [(&'static str, &'static str); $n] = [$(($code, $zh)),*];

            /// The code in JSON, policy files and the database.
            pub const fn code(self) -> &'static str {
                match self {
                    $($ty::$variant => $code),*
                }
            }

            /// The Chinese name every page and document shows.
            pub const fn label_zh(self) -> &'static str {
                match self {
                    $($ty::$variant => $zh),*
                }
            }
        }
    };
}

vocabulary!(
    Degree,
    4,
    [
        (None, "none", "无学位"),
        (Bachelor, "bachelor", "学士"),
        (Master, "master", "硕士"),
        (Doctor, "doctor", "博士"),
    ]
);
vocabulary!(
    Title,
    5,
    [
        (None, "none", "无"),
        (Junior, "junior", "初级"),
        (Intermediate, "intermediate", "中级"),
        (ViceSenior, "vice_senior", "副高级"),
        (Senior, "senior", "正高级"),
    ]
);
// Art. 10㈠㈡, in the measures' words.
vocabulary!(
    Honour,
    4,
    [
        (NationalExpert, "national_expert", "国家级有突出贡献的专家"),
        (NationalLeader, "national_leader", "国家级学术、技术带头人"),
        (ProvincialExpert, "provincial_expert", "省部级有突出贡献的专家"),
        (ProvincialLeader, "provincial_leader", "省部级学术、技术带头人"),
    ]
);
// Art. 14㈧ names the employers outside the city's own units.
vocabulary!(
    Employer,
    3,
    [
        (CityUnit, "city_unit", "市直单位"),
        (Enterprise, "enterprise", "企业"),
        (CentralUnit, "central_unit", "中央、自治区驻阿单位"),
    ]
);
// Art. 11's three modes of introduction, then Art. 20's local talents and Art. 14㈥'s
// aid-Xinjiang talents who extend their service.
vocabulary!(
    Mode,
    5,
    [
        (Recruit, "recruit", "招聘"),
        (Transfer, "transfer", "调动"),
        (Special, "special", "特聘"),
        (Local, "local", "本地人才"),
        (AidExtension, "aid_extension", "援疆人才延长服务期"),
    ]
);
vocabulary!(
    Assessment,
    3,
    [
        (Passed, "passed", "合格"),
        (Excellent, "excellent", "优秀"),
        (Failed, "failed", "不合格"),
    ]
);

pub const DEGREES: Table = &Degree::TABLE;
pub const TITLES: Table = &Title::TABLE;
pub const HONOURS: Table = &Honour::TABLE;
pub const EMPLOYERS: Table = &Employer::TABLE;
/// Every mode the engine knows.
pub const MODES: Table = &Mode::TABLE;
/// The three modes of introduction of Art. 11 (plans, positions, applications).
pub const INTRODUCTION_MODES: Table = MODES.split_at(3).0;
pub const ASSESSMENTS: Table = &Assessment::TABLE;

/// The Chinese name of `code` in `table`, if it has one.
pub fn name(table: Table, code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T: serde::Serialize + Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) {
        for v in all {
            assert_eq!(
                serde_json::to_value(v).unwrap(),
                code(*v),
                "a code differs from its JSON"
            );
            assert!(!label(*v).is_empty());
        }
    }

    #[test]
    fn codes_are_the_serde_codes() {
        check(&Degree::ALL, Degree::code, Degree::label_zh);
        check(&Title::ALL, Title::code, Title::label_zh);
        check(&Honour::ALL, Honour::code, Honour::label_zh);
        check(&Employer::ALL, Employer::code, Employer::label_zh);
        check(&Mode::ALL, Mode::code, Mode::label_zh);
        check(&Assessment::ALL, Assessment::code, Assessment::label_zh);
        assert_eq!(
            INTRODUCTION_MODES,
            &[("recruit", "招聘"), ("transfer", "调动"), ("special", "特聘")]
        );
        assert_eq!(name(DEGREES, "bachelor"), Some("学士"));
    }
}
