//! The facts of one introduction, as CASES.md writes them (whole yuan, ISO dates).
//!
//! The same struct is the JSON body of `POST /api/policy/evaluate`, one line of
//! `yincai policy eval`, and a case of a case file without its `expect`.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::dates;

/// Highest degree held (Art. 10). Ordered: a comparison `degree >= master` means master or doctor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Degree {
    #[default]
    None,
    Bachelor,
    Master,
    Doctor,
}

/// Professional title (专业技术职称). Ordered from none to senior.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Title {
    #[default]
    None,
    Junior,
    Intermediate,
    ViceSenior,
    Senior,
}

/// Honours of 10(1) and 10(2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Honour {
    NationalExpert,
    NationalLeader,
    ProvincialExpert,
    ProvincialLeader,
}

/// Who introduces the talent (14(8)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Employer {
    #[default]
    CityUnit,
    Enterprise,
    CentralUnit,
}

/// How the talent is introduced (Art. 11, Art. 20, 14(6)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Recruit,
    Transfer,
    Special,
    Local,
    AidExtension,
}

/// Result of one annual assessment (Art. 22-23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    Passed,
    Excellent,
    Failed,
}

impl Assessment {
    /// Art. 19: only a passed (or excellent) assessment releases money.
    pub fn is_pass(self) -> bool {
        matches!(self, Assessment::Passed | Assessment::Excellent)
    }
}

/// The person's qualifications (Art. 10).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Person {
    pub degree: Degree,
    /// The degree is a full-time 普通高校 degree (Art. 10 header).
    pub full_time: bool,
    pub title: Title,
    pub registered_practitioner: bool,
    pub honours: Vec<Honour>,
    pub leading_technology: bool,
    pub research_results: bool,
    pub shortage_field: bool,
    pub practical_talent: bool,
    pub aid_xinjiang: bool,
}

/// One introduction and its history, evaluated as of `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// Free text echoed in the output (a case name, a file number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Policy id; when absent, the policy in force on `start` applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    pub as_of: Date,
    #[serde(default)]
    pub person: Person,
    #[serde(default)]
    pub employer: Employer,
    pub mode: Mode,
    pub start: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    #[serde(default)]
    pub ended_for_cause: bool,
    /// One per service year, in order.
    #[serde(default)]
    pub assessments: Vec<Assessment>,
    /// Months actually served in each service year (special appointment, Art. 26).
    #[serde(default)]
    pub service_months: Vec<u8>,
    #[serde(default)]
    pub project_verified: bool,
    #[serde(default)]
    pub project_benefit_significant: bool,
}

/// A fact that is well-formed JSON/YAML but impossible (field path and reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FactError {
    pub field: String,
    pub message: String,
}

impl Facts {
    /// The last day that counts: `as_of`, or the end of the relation if earlier.
    pub fn counted_until(&self) -> Date {
        match self.end {
            Some(end) if end < self.as_of => end,
            _ => self.as_of,
        }
    }

    /// Checks what serde cannot: the history must fit the dates.
    /// The evaluator never panics without this check; it only makes impossible input an error.
    pub fn check(&self) -> Result<(), FactError> {
        let err = |field: &str, message: String| {
            Err(FactError {
                field: field.to_owned(),
                message,
            })
        };
        if let Some(end) = self.end
            && end < self.start
        {
            return err(
                "end",
                format!(
                    "结束日期 {end} 早于开始日期 {} (end is before start): fix the dates",
                    self.start
                ),
            );
        }
        if self.ended_for_cause && self.end.is_none() {
            return err(
                "ended_for_cause",
                "解除须有结束日期 (ended_for_cause needs an end date): add end".to_owned(),
            );
        }
        let until = self.counted_until();
        let begun = dates::years_begun(self.start, until);
        // One entry a service year begun, at most.
        for (field, count, zh, en) in [
            ("assessments", self.assessments.len(), "年度考核结果", "assessments"),
            ("service_months", self.service_months.len(), "年度服务月数", "entries"),
        ] {
            if count > begun as usize {
                return err(
                    field,
                    format!(
                        "{count} 个{zh}，但截至 {until} 仅开始了 {begun} 个服务年度 \
                         (more {en} than service years begun): remove the extra entries"
                    ),
                );
            }
        }
        if let Some((i, m)) = self.service_months.iter().enumerate().find(|(_, m)| **m > 12) {
            return err(
                &format!("service_months[{i}]"),
                format!("一年最多 12 个月，得到 {m} (a service year has at most 12 months)"),
            );
        }
        Ok(())
    }
}
