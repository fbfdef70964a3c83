//! The policy file as written (TOML). Every table denies unknown keys, and the entries that
//! validation may complain about keep their span, so an error can name the line.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

/// The keys every cited entry has: the article it implements and the readings it invokes.
pub trait Cited {
    fn article(&self) -> &Option<String>;
    fn interpretations(&self) -> &[String];
}

/// Declares a table of the file whose entries cite an article: the struct with its own keys
/// plus `article` and `interpretations` (declared here once), and its [`Cited`] impl.
macro_rules! cited {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident: $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// The article it implements: `13` or `13(2)`.
            #[serde(default)]
            pub article: Option<String>,
            /// The ids of the interpretations it follows.
            #[serde(default)]
            pub interpretations: Vec<String>,
        }

        impl Cited for $name {
            fn article(&self) -> &Option<String> {
                &self.article
            }
            fn interpretations(&self) -> &[String] {
                &self.interpretations
            }
        }
    };
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub policy: Spanned<RawMeta>,
    #[serde(default)]
    pub interpretation: Vec<Spanned<RawInterpretation>>,
    #[serde(default)]
    pub article: Vec<Spanned<RawArticle>>,
    #[serde(default)]
    pub category: Vec<Spanned<RawCategory>>,
    #[serde(default)]
    pub exclusion: Vec<Spanned<RawReasoned>>,
    #[serde(default)]
    pub tier: Vec<Spanned<RawTier>>,
    #[serde(default)]
    pub route: Vec<Spanned<RawRoute>>,
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
    #[serde(default)]
    pub obligation: Vec<Spanned<RawObligation>>,
    #[serde(default)]
    pub cancellation: Vec<Spanned<RawReasoned>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub id: String,
    pub title: String,
    pub document_number: String,
    pub issuer: String,
    pub issued: toml::value::Datetime,
    pub effective: toml::value::Datetime,
    #[serde(default)]
    pub expires: Option<toml::value::Datetime>,
    pub version: String,
    #[serde(default)]
    pub interpreted_by: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInterpretation {
    pub id: String,
    /// The number in CASES.md, when the reading comes from there.
    #[serde(default)]
    pub number: Option<u32>,
    pub question: String,
    /// The engine switch this reading sets, when the engine offers one.
    #[serde(default)]
    pub switch: Option<String>,
    pub chosen: String,
    pub reading: String,
    pub alternative: String,
    pub alternative_reading: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArticle {
    pub number: String,
    pub title: String,
    #[serde(default)]
    pub text: Option<String>,
    /// The chapter this article opens (on the first article of a chapter), e.g. "第一章 总则".
    #[serde(default)]
    pub chapter: Option<String>,
}

cited! {
    pub struct RawCategory {
        pub number: u8,
        pub when: Spanned<String>,
        pub reason: String,
    }
}

cited! {
    /// `[[exclusion]]` and `[[cancellation]]` have the same keys: a condition and its reason.
    pub struct RawReasoned {
        pub id: String,
        pub when: Spanned<String>,
        pub reason: String,
    }
}

cited! {
    pub struct RawTier {
        pub level: u8,
        pub when: Spanned<String>,
    }
}

cited! {
    pub struct RawRoute {
        pub id: String,
        pub when: Spanned<String>,
        pub codes: Vec<String>,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawKind {
    Monthly,
    LumpSum,
    Housing,
    Range,
    PerYear,
    Benefit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawDue {
    FirstPassedAssessment,
    AfterYears,
}

cited! {
    pub struct RawRule {
        pub id: String,
        pub code: String,
        pub kind: RawKind,
        pub name: String,
        #[serde(default)]
        pub when: Option<Spanned<String>>,
        #[serde(default)]
        pub description: Option<String>,
        // monthly
        #[serde(default)]
        pub bracket: Vec<Spanned<RawBracket>>,
        #[serde(default)]
        pub max_months: Option<u32>,
        // lump_sum, range, per_year
        #[serde(default)]
        pub amount: Option<Spanned<RawParam>>,
        #[serde(default)]
        pub due: Option<RawDue>,
        #[serde(default)]
        pub due_after_years: Option<u32>,
        #[serde(default)]
        pub due_if: Option<Spanned<String>>,
        // housing
        #[serde(default)]
        pub area_m2: Option<u32>,
        #[serde(default)]
        pub gift_after_years: Option<u32>,
        #[serde(default)]
        pub gift_if: Option<Spanned<String>>,
        // range
        #[serde(default)]
        pub min: Option<Spanned<RawParam>>,
        #[serde(default)]
        pub max: Option<Spanned<RawParam>>,
        #[serde(default)]
        pub discretionary: bool,
        // per_year
        #[serde(default)]
        pub per_year: Option<Spanned<RawParam>>,
        #[serde(default)]
        pub cap: Option<Spanned<RawParam>>,
        #[serde(default)]
        pub max_years: Option<u32>,
        #[serde(default)]
        pub min_service_months: Option<u8>,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBracket {
    pub when: Spanned<String>,
    pub amount: Spanned<RawParam>,
}

cited! {
    pub struct RawObligation {
        pub id: String,
        pub name: String,
        pub when: Spanned<String>,
        #[serde(default)]
        pub continuous_years: Option<u32>,
        #[serde(default)]
        pub months_per_year: Option<u8>,
    }
}

/// An amount in whole yuan: a plain integer, or dated values (OpenFisca-style parameters)
/// `[{from = 2014-11-05, value = 2000}, {from = 2018-01-01, value = 2500}]`.
#[derive(Debug, Clone, PartialEq)]
pub struct RawParam(pub Vec<(Option<toml::value::Datetime>, i64)>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDated {
    from: toml::value::Datetime,
    value: i64,
}

impl<'de> Deserialize<'de> for RawParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ParamVisitor;
        impl<'de> Visitor<'de> for ParamVisitor {
            type Value = RawParam;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount in yuan (2000) or dated values [{from = 2014-11-05, value = 2000}]")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawParam, E> {
                Ok(RawParam(vec![(None, v)]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawParam, E> {
                i64::try_from(v)
                    .map(|v| RawParam(vec![(None, v)]))
                    .map_err(|_| E::custom("amount too large"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawParam, A::Error> {
                let mut steps = Vec::new();
                while let Some(step) = seq.next_element::<RawDated>()? {
                    steps.push((Some(step.from), step.value));
                }
                Ok(RawParam(steps))
            }
        }
        deserializer.deserialize_any(ParamVisitor)
    }
}
