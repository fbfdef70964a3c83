//! Loading a policy file: parse, validate, and compile it into a [`Plan`] the evaluator runs.
//!
//! Validation collects every problem it can find, each naming the file, the line and the fix
//! (Chinese first, English second), so an analyst fixes a file in one pass.
//!
//! This file holds what a compiled policy is ([`Plan`] and its parts) and its errors;
//! `compile.rs` the compiler and its shared checks (dates, conditions, citations, amounts);
//! `sections.rs` one step per section of the file; `payout.rs` a rule's payout by kind.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::expr::Cond;
use crate::money::Fen;

mod compile;
mod payout;
mod sections;

pub use compile::compile_policy;

/// Most entitlement codes with amounts or housing a policy may define (fixed output arrays).
pub const MAX_VALUED_CODES: usize = 12;
/// Most non-monetary benefit rules (a 64-bit set in the output).
pub const MAX_BENEFIT_RULES: usize = 64;

/// Policy metadata, as shown to users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub id: String,
    pub title: String,
    pub document_number: String,
    pub issuer: String,
    pub issued: Date,
    pub effective: Date,
    pub expires: Option<Date>,
    pub version: String,
    pub interpreted_by: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub number: String,
    pub title: String,
    pub text: Option<String>,
    /// The chapter this article opens, if it is a chapter's first.
    #[serde(default)]
    pub chapter: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interpretation {
    pub id: String,
    pub number: Option<u32>,
    pub question: String,
    pub switch: Option<String>,
    pub chosen: String,
    pub reading: String,
    pub alternative: String,
    pub alternative_reading: String,
}

/// The readings the engine itself can switch (the `switch` key of an interpretation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Switches {
    /// Interpretation 2: money of year n is due only after year n's assessment is passed.
    pub assessment_gate: bool,
    /// Interpretation 4: a degree counts only when full-time.
    pub degree_needs_full_time: bool,
    /// Interpretation 6: the settlement allowance needs year 1's own assessment passed
    /// (instead of the first passed assessment).
    pub settlement_needs_year_one_pass: bool,
    /// Interpretation 11: Art. 27 cancels everything (instead of keeping what was due by the end).
    pub cancel_all: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            assessment_gate: true,
            degree_needs_full_time: true,
            settlement_needs_year_one_pass: false,
            cancel_all: true,
        }
    }
}

/// A condition with its source text (for explanations and why-not).
#[derive(Debug, Clone)]
pub struct Condition {
    pub cond: Cond,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub number: u8,
    pub article: String,
    pub when: Condition,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Exclusion {
    pub id: String,
    pub article: String,
    pub when: Condition,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Tier {
    pub level: u8,
    pub article: String,
    pub when: Condition,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub id: String,
    pub article: String,
    pub when: Condition,
    /// Bit i set: applies to valued code slot i.
    pub slots: u32,
}

/// A dated amount in fen: the value in force on a date is the last step from on or before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    steps: Box<[(Date, Fen)]>,
}

impl Param {
    #[inline]
    pub fn at(&self, date: Date) -> Option<Fen> {
        self.steps.iter().rev().find(|(from, _)| *from <= date).map(|(_, v)| *v)
    }
    /// Every (from, value) step, oldest first.
    pub fn steps(&self) -> &[(Date, Fen)] {
        &self.steps
    }
}

#[derive(Debug, Clone)]
pub struct Bracket {
    pub when: Condition,
    pub amount: Param,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LumpDue {
    /// Interpretation 6: at the first passed assessment once a service year is complete.
    FirstPassedAssessment,
    /// After this many complete years (and `due_if`), with no assessment gate.
    AfterYears(u32),
}

#[derive(Debug, Clone)]
pub enum Payout {
    Monthly {
        brackets: Vec<Bracket>,
        max_months: u32,
    },
    LumpSum {
        amount: Param,
        due: LumpDue,
        due_if: Option<Condition>,
    },
    Housing {
        area_m2: u32,
        gift_after_years: Option<u32>,
        gift_if: Option<Condition>,
    },
    Range {
        min: Param,
        max: Param,
    },
    Discretionary,
    PerYear {
        per_year: Param,
        cap: Option<Param>,
        max_years: Option<u32>,
        min_service_months: u8,
    },
    Benefit,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub code: String,
    pub name: String,
    pub article: String,
    pub when: Condition,
    pub description: Option<String>,
    pub interpretations: Vec<String>,
    pub payout: Payout,
    /// Index into the valued codes (money or housing), or the benefit bit for `Benefit`.
    pub slot: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    ContinuousYears(u32),
    MonthsPerYear(u8),
}

#[derive(Debug, Clone)]
pub struct Obligation {
    pub id: String,
    pub name: String,
    pub article: String,
    pub when: Condition,
    pub duty: Duty,
}

#[derive(Debug, Clone)]
pub struct Cancellation {
    pub id: String,
    pub article: String,
    pub when: Condition,
    pub reason: String,
}

/// A validated, compiled policy: what the evaluator runs.
#[derive(Debug, Clone)]
pub struct Plan {
    pub meta: Meta,
    pub articles: Vec<Article>,
    pub interpretations: Vec<Interpretation>,
    pub categories: Vec<Category>,
    pub exclusions: Vec<Exclusion>,
    pub tiers: Vec<Tier>,
    pub routes: Vec<Route>,
    pub rules: Vec<Rule>,
    /// Entitlement codes with money or housing, by slot.
    pub valued_codes: Vec<String>,
    pub obligations: Vec<Obligation>,
    pub cancellations: Vec<Cancellation>,
    pub switches: Switches,
}

impl Plan {
    /// The article's title and text, for showing it where a result cites it.
    pub fn article(&self, number: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.number == number)
    }
}

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyError {
    pub file: String,
    pub line: Option<usize>,
    /// What is wrong, in Chinese then English.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}: {}", self.file, line, self.message, self.fix),
            None => write!(f, "{}: {}: {}", self.file, self.message, self.fix),
        }
    }
}

/// Every problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyErrors(pub Vec<PolicyError>);

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}
