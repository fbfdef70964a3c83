//! The end of the introduction: the procedure by mode (Art. 11, 12(4)-(5)) that the
//! employer unit records while an application is in `procedure`, and the talent record
//! (Art. 6 talent database) that the coordination office's confirmation creates.
//!
//! - recruit (招聘): the employment contract (number, signed, start and end dates, term,
//!   probation);
//! - transfer (调动): the steps of 组织部 / 人社局, each with its date and document number;
//!   at least the 调动审批 of one of them and the 报到;
//! - special (特聘): the service agreement (聘请 / 借调 / 兼职 / 合作研究, start, term, months
//!   a year on site).
//!
//! The details are stored as JSON (`procedures.details`), checked field by field, and can
//! be edited until the unit reports the procedure done. Confirmation freezes the policy
//! evaluation on the talent record: the policy id and version, the exact facts and the
//! report, so that what the talent was promised never moves when a policy file changes.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use yincai_domain::workflow::APPLICATION;
use yincai_policy::plan::Duty;
use yincai_policy::report::cite_zh;
use yincai_policy::report::{Installment, InstallmentStatus, Terms};
use yincai_policy::{Degree, Employer, Facts, Honour, Mode, Person, Report, Title};
use yincai_store::{ApplicationBrief, CandidateRow, Page, ProcedureRow, TalentQuery, TalentRow, Tx, WorkflowEventRow};

use crate::candidates::{Education, name_of};
use crate::clock::format_beijing;
use crate::workflow::Transitioned;
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// Modes of introduction with a procedure (Art. 11).
pub use yincai_policy::vocabulary::INTRODUCTION_MODES as MODES;
/// Every mode the policy engine knows (for the talent list).
pub use yincai_policy::vocabulary::MODES as ALL_MODES;
/// Kinds of service agreement of a special appointment (Art. 11).
pub const AGREEMENT_KINDS: [(&str, &str); 4] = [
    ("hire", "聘请"),
    ("secondment", "借调"),
    ("part_time", "兼职"),
    ("joint_research", "合作研究"),
];
/// Steps of a transfer (调动手续) at 组织部 / 人社局.
pub const TRANSFER_STEPS: [(&str, &str); 6] = [
    ("org_approval", "组织部调动审批"),
    ("hr_approval", "人社局调动审批"),
    ("transfer_order", "开具调动通知（调令）"),
    ("file_transfer", "人事档案转递"),
    ("salary_transfer", "工资关系转移"),
    ("report", "到岗报到"),
];
/// The employer as the policy engine sees it (Art. 14(8)).
pub const EMPLOYERS: [(&str, &str); 3] = [
    ("city_unit", "市直单位"),
    ("enterprise", "企业"),
    ("central_unit", "中央、自治区驻阿单位"),
];

/// The employment contract of a recruitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub contract_number: String,
    pub signed_on: Date,
    pub start_date: Date,
    pub end_date: Date,
    pub term_years: u32,
    pub probation_months: u32,
}

/// One step of a transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferStep {
    /// A code of [`TRANSFER_STEPS`].
    pub step: String,
    pub name: String,
    pub done_on: Date,
    pub document_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub steps: Vec<TransferStep>,
}

/// The service agreement of a special appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAgreement {
    /// A code of [`AGREEMENT_KINDS`].
    pub kind: String,
    pub kind_name: String,
    pub start_date: Date,
    pub term_years: u32,
    /// Months a year required on site (1-12).
    pub months_per_year: u32,
}

/// What a procedure records, by mode: the JSON of `procedures.details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum ProcedureDetails {
    Recruit(Contract),
    Transfer(Transfer),
    Special(ServiceAgreement),
}

impl ProcedureDetails {
    pub fn mode(&self) -> &'static str {
        match self {
            ProcedureDetails::Recruit(_) => "recruit",
            ProcedureDetails::Transfer(_) => "transfer",
            ProcedureDetails::Special(_) => "special",
        }
    }

    /// The day the talent starts: the contract's start, the 报到, the agreement's start.
    pub fn start_date(&self) -> Option<Date> {
        match self {
            ProcedureDetails::Recruit(c) => Some(c.start_date),
            ProcedureDetails::Transfer(t) => t.steps.iter().find(|s| s.step == "report").map(|s| s.done_on),
            ProcedureDetails::Special(a) => Some(a.start_date),
        }
    }

    /// The end of the relation agreed, if the procedure fixes one.
    pub fn end_date(&self) -> Option<Date> {
        match self {
            ProcedureDetails::Recruit(c) => Some(c.end_date),
            ProcedureDetails::Transfer(_) => None,
            ProcedureDetails::Special(a) => last_day_of_term(a.start_date, a.term_years),
        }
    }

    /// One line for the chain of steps and the audit trail.
    pub fn summary(&self) -> String {
        match self {
            ProcedureDetails::Recruit(c) => format!(
                "劳动（聘用）合同 {}，{} 签订，期限 {} 年（{} 至 {}），试用期 {} 个月",
                c.contract_number, c.signed_on, c.term_years, c.start_date, c.end_date, c.probation_months
            ),
            ProcedureDetails::Transfer(t) => {
                let steps: Vec<String> = t
                    .steps
                    .iter()
                    .map(|s| {
                        if s.document_number.is_empty() {
                            format!("{} {}", s.name, s.done_on)
                        } else {
                            format!("{} {}（{}）", s.name, s.done_on, s.document_number)
                        }
                    })
                    .collect();
                format!("调动手续：{}", steps.join("；"))
            }
            ProcedureDetails::Special(a) => format!(
                "服务协议（{}），{} 起 {} 年，每年在阿工作不少于 {} 个月",
                a.kind_name, a.start_date, a.term_years, a.months_per_year
            ),
        }
    }
}

/// The last day of a term of `years` from `start` (a 5-year term from 2026-01-01 ends on
/// 2030-12-31).
fn last_day_of_term(start: Date, years: u32) -> Option<Date> {
    start
        .checked_add(i64::from(years).years())
        .ok()
        .and_then(|d| d.checked_sub(1.day()).ok())
}

/// One transfer step as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferStepInput {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub done_on: String,
    #[serde(default)]
    pub document_number: String,
}

/// The procedure form as typed (kept whole on an error). Which fields count depends on the
/// position's mode: recruit the contract fields, transfer `steps`, special the agreement
/// fields (`start_date` and `term_years` serve recruit and special).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureInput {
    #[serde(default)]
    pub contract_number: String,
    #[serde(default)]
    pub signed_on: String,
    #[serde(default)]
    pub start_date: String,
    #[serde(default)]
    pub end_date: String,
    #[serde(default)]
    pub term_years: String,
    #[serde(default)]
    pub probation_months: String,
    #[serde(default)]
    pub steps: Vec<TransferStepInput>,
    #[serde(default)]
    pub agreement_kind: String,
    #[serde(default)]
    pub months_per_year: String,
    /// The version read (edits); `None` for the first record.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ProcedureInput {
    /// The form filled from a stored procedure.
    pub fn from_details(d: &ProcedureDetails, version: i64) -> ProcedureInput {
        let mut input = ProcedureInput {
            version: Some(version),
            ..Default::default()
        };
        match d {
            ProcedureDetails::Recruit(c) => {
                input.contract_number = c.contract_number.clone();
                input.signed_on = c.signed_on.to_string();
                input.start_date = c.start_date.to_string();
                input.end_date = c.end_date.to_string();
                input.term_years = c.term_years.to_string();
                input.probation_months = c.probation_months.to_string();
            }
            ProcedureDetails::Transfer(t) => {
                input.steps = t
                    .steps
                    .iter()
                    .map(|s| TransferStepInput {
                        step: s.step.clone(),
                        done_on: s.done_on.to_string(),
                        document_number: s.document_number.clone(),
                    })
                    .collect();
            }
            ProcedureDetails::Special(a) => {
                input.agreement_kind = a.kind.clone();
                input.start_date = a.start_date.to_string();
                input.term_years = a.term_years.to_string();
                input.months_per_year = a.months_per_year.to_string();
            }
        }
        input
    }
}

/// Checks the form for the position's `mode`; every problem names its field.
pub fn validate_procedure(mode: &str, input: &ProcedureInput) -> Result<ProcedureDetails> {
    let mut errors = Vec::new();
    let details = match mode {
        "recruit" => validate_contract(input, &mut errors).map(ProcedureDetails::Recruit),
        "transfer" => validate_transfer(input, &mut errors).map(ProcedureDetails::Transfer),
        "special" => validate_agreement(input, &mut errors).map(ProcedureDetails::Special),
        other => {
            errors.push(FieldError::new(
                "mode",
                format!("引进方式：岗位的引进方式“{other}”没有对应的引进手续，请联系协调办核对岗位"),
            ));
            None
        }
    };
    match details {
        Some(d) if errors.is_empty() => Ok(d),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// A contract or procedure date: 1990 to 2100 (contracts run for decades; the records were
/// not kept before 1990), through the one date parser of the domain.
fn date_field(value: &str, field: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let range = yincai_domain::dates::DateRange {
        min: jiff::civil::date(1990, 1, 1),
        max: jiff::civil::date(2100, 12, 31),
    };
    yincai_domain::dates::parse_date(label, value, range)
        .map_err(|e| errors.push(FieldError::new(field, e.to_string())))
        .ok()
}

fn number_field(
    value: &str,
    field: &str,
    label: &str,
    range: std::ops::RangeInclusive<u32>,
    errors: &mut Vec<FieldError>,
) -> Option<u32> {
    let v = value.trim();
    let (lo, hi) = (*range.start(), *range.end());
    if v.is_empty() {
        errors.push(FieldError::new(
            field,
            format!("{label}：必填，请填写 {lo} 至 {hi} 的整数"),
        ));
        return None;
    }
    match v.parse::<u32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.push(FieldError::new(
                field,
                format!("{label}：应为 {lo} 至 {hi} 的整数，请核对（填写的是“{v}”）"),
            ));
            None
        }
    }
}

fn validate_contract(input: &ProcedureInput, errors: &mut Vec<FieldError>) -> Option<Contract> {
    let number = input.contract_number.trim();
    if number.is_empty() || number.chars().count() > 50 {
        errors.push(FieldError::new(
            "contract_number",
            "合同编号：必填，最多 50 字，请按合同文本填写",
        ));
    }
    let signed_on = date_field(&input.signed_on, "signed_on", "签订日期", errors);
    let start = date_field(&input.start_date, "start_date", "合同起始日期", errors);
    let end = date_field(&input.end_date, "end_date", "合同终止日期", errors);
    let term = number_field(&input.term_years, "term_years", "合同期限（年）", 1..=30, errors);
    let probation = number_field(
        &input.probation_months,
        "probation_months",
        "试用期（月）",
        0..=6,
        errors,
    );
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        errors.push(FieldError::new(
            "end_date",
            format!("合同终止日期：应晚于合同起始日期 {s}，请核对"),
        ));
    } else if let (Some(s), Some(e), Some(t)) = (start, end, term) {
        // A term of N years runs to the day before the N-th anniversary (or to it).
        let last = last_day_of_term(s, t);
        let anniversary = s.checked_add(i64::from(t).years()).ok();
        if Some(e) != last && Some(e) != anniversary {
            errors.push(FieldError::new(
                "end_date",
                format!(
                    "合同终止日期：与合同期限 {t} 年不符，自 {s} 起 {t} 年应于 {} 终止，请核对日期或期限",
                    last.map(|d| d.to_string()).unwrap_or_default()
                ),
            ));
        }
    }
    if let (Some(sig), Some(s)) = (signed_on, start)
        && sig > s
    {
        errors.push(FieldError::new(
            "signed_on",
            format!("签订日期：不应晚于合同起始日期 {s}，请核对"),
        ));
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Contract {
        contract_number: number.to_string(),
        signed_on: signed_on?,
        start_date: start?,
        end_date: end?,
        term_years: term?,
        probation_months: probation?,
    })
}

fn validate_transfer(input: &ProcedureInput, errors: &mut Vec<FieldError>) -> Option<Transfer> {
    let mut steps = Vec::new();
    let typed: Vec<(usize, &TransferStepInput)> = input
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            !(s.step.trim().is_empty() && s.done_on.trim().is_empty() && s.document_number.trim().is_empty())
        })
        .collect();
    for (i, s) in typed {
        let n = i + 1;
        let code = s.step.trim();
        let Some((code, name)) = TRANSFER_STEPS.iter().find(|(c, _)| *c == code) else {
            errors.push(FieldError::new(
                format!("steps[{i}].step"),
                format!("第 {n} 步 手续名称：请从列表中选择"),
            ));
            continue;
        };
        let done_on = date_field(
            &s.done_on,
            &format!("steps[{i}].done_on"),
            &format!("第 {n} 步（{name}）办结日期"),
            errors,
        );
        let document = s.document_number.trim();
        let needs_document = matches!(*code, "org_approval" | "hr_approval" | "transfer_order");
        if needs_document && document.is_empty() {
            errors.push(FieldError::new(
                format!("steps[{i}].document_number"),
                format!("第 {n} 步（{name}）文号：必填，请填写审批或调令文号"),
            ));
        } else if document.chars().count() > 50 {
            errors.push(FieldError::new(
                format!("steps[{i}].document_number"),
                format!("第 {n} 步（{name}）文号：最多 50 字"),
            ));
        }
        if let Some(done_on) = done_on {
            steps.push(TransferStep {
                step: code.to_string(),
                name: name.to_string(),
                done_on,
                document_number: document.to_string(),
            });
        }
    }
    let has = |code: &str| input.steps.iter().any(|s| s.step.trim() == code);
    if !has("org_approval") && !has("hr_approval") {
        errors.push(FieldError::new(
            "steps",
            "调动手续：须有组织部或人社局的调动审批，请添加“组织部调动审批”或“人社局调动审批”一步",
        ));
    }
    if !has("report") {
        errors.push(FieldError::new(
            "steps",
            "调动手续：须有“到岗报到”一步（报到日期即引进开始日期），请添加",
        ));
    }
    for (code, name) in TRANSFER_STEPS {
        if input.steps.iter().filter(|s| s.step.trim() == code).count() > 1 {
            errors.push(FieldError::new(
                "steps",
                format!("调动手续：“{name}”只能填写一次，请删除重复的一步"),
            ));
        }
    }
    // The report comes last: no approval after the person reported.
    if let Some(report) = steps.iter().find(|s| s.step == "report")
        && let Some(late) = steps.iter().find(|s| s.step != "report" && s.done_on > report.done_on)
        && matches!(late.step.as_str(), "org_approval" | "hr_approval")
    {
        errors.push(FieldError::new(
            "steps",
            format!(
                "调动手续：{}（{}）晚于到岗报到（{}），应先审批后报到，请核对日期",
                late.name, late.done_on, report.done_on
            ),
        ));
    }
    if !errors.is_empty() {
        return None;
    }
    steps.sort_by_key(|s| s.done_on);
    Some(Transfer { steps })
}

fn validate_agreement(input: &ProcedureInput, errors: &mut Vec<FieldError>) -> Option<ServiceAgreement> {
    let kind = input.agreement_kind.trim();
    let kind = AGREEMENT_KINDS.iter().find(|(c, _)| *c == kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "agreement_kind",
            "协议类型：请选择聘请、借调、兼职或合作研究",
        ));
    }
    let start = date_field(&input.start_date, "start_date", "服务起始日期", errors);
    let term = number_field(&input.term_years, "term_years", "服务期限（年）", 1..=30, errors);
    let months = number_field(
        &input.months_per_year,
        "months_per_year",
        // Art. 26: a special appointee works in the city at least 6 months a year.
        "每年在阿工作月数（第二十六条：不少于 6 个月）",
        6..=12,
        errors,
    );
    if !errors.is_empty() {
        return None;
    }
    let (code, name) = kind?;
    Some(ServiceAgreement {
        kind: code.to_string(),
        kind_name: name.to_string(),
        start_date: start?,
        term_years: term?,
        months_per_year: months?,
    })
}

/// The procedure of an application, for its page and the API.
#[derive(Debug, Clone, Serialize)]
pub struct ProcedureView {
    pub application: ApplicationBrief,
    pub mode: String,
    pub mode_name: String,
    /// The application's workflow item and its state.
    pub item_id: Option<i64>,
    pub state: Option<String>,
    pub state_name: String,
    pub details: Option<ProcedureDetails>,
    pub summary: Option<String>,
    pub version: Option<i64>,
    pub recorded_at: Option<i64>,
    /// The actor may record or edit it now (the unit, while in `procedure`).
    pub editable: bool,
}

/// One obligation of the talent (Art. 26), as frozen on the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    pub code: String,
    pub name: String,
    pub article: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuous_years: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months_per_year: Option<u32>,
    /// For a special appointee: the months a year the service agreement requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed_months_per_year: Option<u32>,
    /// The last day of the service period, when the duty is a number of years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// What it means, in one sentence.
    pub text: String,
}

/// One entitlement of the frozen report, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct EntitlementView {
    pub code: String,
    pub name: String,
    /// Amounts and terms in words.
    pub terms: String,
    pub article: String,
    pub schedule: Vec<InstallmentView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InstallmentView {
    pub year: u32,
    pub amount: i64,
    pub due_on: Date,
    pub status: String,
}

/// One step of what led to the record, linking to the case history.
#[derive(Debug, Clone, Serialize)]
pub struct ChainStep {
    pub label: String,
    pub done: bool,
    pub at: String,
    pub actor: String,
    pub detail: String,
    pub link: Option<String>,
}

/// A talent record as shown: the row, the frozen evaluation in words, the chain of steps.
#[derive(Debug, Clone, Serialize)]
pub struct TalentView {
    #[serde(flatten)]
    pub row: TalentRow,
    pub mode_name: String,
    pub employer_name: String,
    pub category_reasons: Vec<String>,
    pub obligations: Vec<Obligation>,
    pub entitlements: Vec<EntitlementView>,
    /// Non-monetary benefits (name and article).
    pub benefits: Vec<(String, String)>,
    pub policy_title: String,
    pub item_id: Option<i64>,
    pub resolution_number: Option<String>,
    pub steps: Vec<ChainStep>,
}

/// A row of the talent list.
#[derive(Debug, Clone, Serialize)]
pub struct TalentListRow {
    pub id: i64,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    pub mode: String,
    pub mode_name: String,
    pub category: Option<i64>,
    pub start_date: String,
    /// The end of the agreed term, or of the relation once it ended early.
    pub end_date: Option<String>,
}

impl From<TalentRow> for TalentListRow {
    fn from(r: TalentRow) -> Self {
        TalentListRow {
            mode_name: name_of(ALL_MODES, &r.mode),
            id: r.id,
            name: r.name,
            org_id: r.org_id,
            org_name: r.org_name,
            mode: r.mode,
            category: r.category,
            start_date: r.start_date,
            end_date: r.end_date,
        }
    }
}

/// Filters of the talent list, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TalentFilter {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub start_year: Option<String>,
}

/// The employer kind of the policy engine for an organisation kind.
pub fn employer_of(org_kind: &str) -> Employer {
    match org_kind {
        "enterprise" => Employer::Enterprise,
        "central_unit" => Employer::CentralUnit,
        _ => Employer::CityUnit,
    }
}

fn employer_code(e: Employer) -> &'static str {
    match e {
        Employer::CityUnit => "city_unit",
        Employer::Enterprise => "enterprise",
        Employer::CentralUnit => "central_unit",
    }
}

fn parse_mode(code: &str) -> Option<Mode> {
    match code {
        "recruit" => Some(Mode::Recruit),
        "transfer" => Some(Mode::Transfer),
        "special" => Some(Mode::Special),
        _ => None,
    }
}

/// The person's facts from the registration form: the highest full-time degree if there
/// is one (Art. 10 counts full-time degrees), else the highest degree, not full-time; the
/// title and the honours. The form does not state research results, a shortage field, a
/// practical talent or a leading technology: those are the qualification review's
/// findings (审查认定, `findings`), each fact true when its finding is checked. An
/// application reviewed before findings were recorded (`None`) keeps the older reading:
/// when its stored category is 3-6 (`reviewed_category`), the fact that category stands
/// for is set.
pub fn person_of(
    c: &CandidateRow,
    findings: Option<&crate::applications::Findings>,
    reviewed_category: Option<i64>,
) -> Person {
    let education: Vec<Education> = serde_json::from_str(&c.education).unwrap_or_default();
    let degree_of = |e: &Education| parse_code::<Degree>(&e.degree).unwrap_or_default();
    let full_time = education.iter().filter(|e| e.full_time).map(degree_of).max();
    let (degree, full_time) = match full_time {
        Some(d) if d > Degree::None => (d, true),
        _ => (
            education
                .iter()
                .map(degree_of)
                .max()
                .unwrap_or_else(|| parse_code::<Degree>(&c.highest_degree).unwrap_or_default()),
            false,
        ),
    };
    let honours: Vec<String> = serde_json::from_str(&c.honours).unwrap_or_default();
    let mut person = Person {
        degree,
        full_time,
        title: parse_code::<Title>(&c.title).unwrap_or_default(),
        honours: honours.iter().filter_map(|h| parse_code::<Honour>(h)).collect(),
        ..Default::default()
    };
    match (findings, reviewed_category) {
        (Some(findings), _) => crate::applications::apply_findings(&mut person, findings),
        (None, Some(3)) => person.leading_technology = true,
        (None, Some(4)) => person.research_results = true,
        (None, Some(5)) => person.shortage_field = true,
        (None, Some(6)) => person.practical_talent = true,
        (None, _) => {}
    }
    person
}

fn parse_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_string())).ok()
}

fn terms_text(t: &Terms) -> String {
    match t {
        Terms::Monthly {
            monthly, max_months, ..
        } => format!("每月 {monthly} 元，最长 {max_months} 个月"),
        Terms::PerYear {
            per_year, cap, years, ..
        } => {
            let mut s = format!("每年 {per_year} 元");
            if let Some(y) = years {
                s.push_str(&format!("，共 {y} 年"));
            }
            if let Some(c) = cap {
                s.push_str(&format!("，累计不超过 {c} 元"));
            }
            s
        }
        Terms::LumpSum { amount, .. } => format!("一次性 {amount} 元"),
        Terms::Housing {
            area_m2,
            gift_after_years,
            gift_date,
            ..
        } => match (gift_after_years, gift_date) {
            (Some(y), Some(d)) => format!("住房 {area_m2} 平方米，服务满 {y} 年（{d}）后赠予"),
            _ => format!("住房 {area_m2} 平方米"),
        },
        Terms::Range { min, max } => format!("{min} 至 {max} 元"),
        Terms::Discretionary { .. } => "由领导小组一事一议确定".into(),
    }
}

fn schedule_view(s: &[Installment]) -> Vec<InstallmentView> {
    s.iter()
        .map(|i| InstallmentView {
            year: i.year,
            amount: i.amount,
            due_on: i.due_on,
            status: InstallmentStatus::label_zh(i.status).into(),
        })
        .collect()
}

/// The obligations of Art. 26 that the report lists, with their duty from the policy and,
/// for a special appointee, the months the agreement requires.
fn obligations_of(report: &Report, facts: &Facts, details: &ProcedureDetails) -> Vec<Obligation> {
    let plan = crate::policies().select(facts, None).ok();
    report
        .obligations
        .iter()
        .map(|o| {
            let duty = plan
                .and_then(|p| p.obligations.iter().find(|d| d.id == o.code))
                .map(|d| d.duty);
            let mut ob = Obligation {
                code: o.code.clone(),
                name: o.name.clone(),
                article: cite_zh(&o.article),
                continuous_years: None,
                months_per_year: None,
                agreed_months_per_year: None,
                until: None,
                text: o.name.clone(),
            };
            match duty {
                Some(Duty::ContinuousYears(y)) => {
                    ob.continuous_years = Some(y);
                    ob.until = last_day_of_term(facts.start, y);
                    if let Some(u) = ob.until {
                        ob.text = format!("自 {} 起在阿拉山口市连续工作不少于 {y} 年（至 {u}）", facts.start);
                    }
                }
                Some(Duty::MonthsPerYear(m)) => {
                    ob.months_per_year = Some(u32::from(m));
                    if let ProcedureDetails::Special(a) = details {
                        ob.agreed_months_per_year = Some(a.months_per_year);
                        ob.text = format!(
                            "每个服务年度在阿拉山口市工作不少于 {m} 个月（服务协议约定 {} 个月）",
                            a.months_per_year
                        );
                    } else {
                        ob.text = format!("每个服务年度在阿拉山口市工作不少于 {m} 个月");
                    }
                }
                None => {}
            }
            ob
        })
        .collect()
}

fn not_found_application() -> AppError {
    AppError::NotFound("报名申请".into())
}

fn not_found_talent() -> AppError {
    AppError::NotFound("人才档案".into())
}

fn application_id_of(t: &Transitioned<'_>) -> Result<i64> {
    t.item
        .object_id
        .parse()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("application item {} has a bad object id", t.item.id)))
}

/// The application's item of the introduction workflow.
async fn application_item(tx: &mut Tx, application_id: i64) -> Result<Option<yincai_store::WorkflowItemRow>> {
    Ok(tx
        .workflow_items_for_object("application", &application_id.to_string())
        .await?
        .into_iter()
        .rfind(|i| i.workflow == APPLICATION.code))
}

fn stored_details(p: &ProcedureRow) -> Result<ProcedureDetails> {
    serde_json::from_str(&p.details)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("procedure of application {}: {e}", p.application_id)))
}

impl App {
    /// The procedure of an application (recorded or not yet), for the unit that owns it
    /// and anyone whose scope covers that unit.
    pub async fn procedure(&self, actor: &Actor, application_id: i64) -> Result<ProcedureView> {
        actor.require(Permission::WorkflowAct)?;
        let mut tx = self.store.begin_read().await?;
        self.procedure_in(&mut tx, actor, application_id).await
    }

    async fn procedure_in(&self, tx: &mut Tx, actor: &Actor, application_id: i64) -> Result<ProcedureView> {
        let app = tx
            .application_brief(application_id)
            .await?
            .filter(|a| actor.can_see_org(a.org_id, a.org_parent_id))
            .ok_or_else(not_found_application)?;
        let item = application_item(tx, application_id).await?;
        let stored = tx.procedure(application_id).await?;
        let details = stored.as_ref().map(stored_details).transpose()?;
        let in_procedure = item.as_ref().is_some_and(|i| i.state == "procedure");
        Ok(ProcedureView {
            mode: app.position_mode.clone(),
            mode_name: name_of(ALL_MODES, &app.position_mode),
            item_id: item.as_ref().map(|i| i.id),
            state: item.as_ref().map(|i| i.state.clone()),
            state_name: item
                .as_ref()
                .map_or_else(|| "未进入流程".to_string(), |i| APPLICATION.state_name(&i.state)),
            summary: details.as_ref().map(ProcedureDetails::summary),
            details,
            version: stored.as_ref().map(|p| p.version),
            recorded_at: stored.as_ref().map(|p| p.recorded_at),
            editable: in_procedure && actor.has(Permission::ProcedureRecord) && actor.org_id == app.org_id,
            application: app,
        })
    }

    /// Records (or corrects) the procedure of an application of the actor's own unit while
    /// it is in `procedure`. One audit record. A stale version is refused.
    pub async fn save_procedure(
        &self,
        actor: &Actor,
        application_id: i64,
        input: &ProcedureInput,
        ctx: &RequestCtx,
    ) -> Result<ProcedureView> {
        actor.require(Permission::WorkflowAct)?;
        let mut tx = self.store.begin_write().await?;
        let view = self.procedure_in(&mut tx, actor, application_id).await?;
        if !actor.has(Permission::ProcedureRecord) || actor.org_id != view.application.org_id {
            return Err(AppError::Forbidden("引进手续由用人单位填写".into()));
        }
        if view.state.as_deref() != Some("procedure") {
            return Err(AppError::Forbidden(format!(
                "引进手续只能在“{}”环节填写或修改，当前环节：{}",
                APPLICATION.state_name("procedure"),
                view.state_name
            )));
        }
        let details = validate_procedure(&view.mode, input)?;
        let json = serde_json::to_string(&details).map_err(|e| AppError::Internal(e.into()))?;
        let version = tx
            .save_procedure(
                application_id,
                input.version,
                details.mode(),
                &json,
                actor.user_id,
                self.now(),
            )
            .await?;
        let summary = format!(
            "{}（{}，{}）：{}引进手续{}",
            view.application.candidate_name,
            view.application.position_title,
            view.application.org_name,
            if version == 1 { "填写" } else { "修改" },
            details.summary()
        );
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "procedure_record",
            ("application", application_id.to_string()),
            summary,
        ))
        .await?;
        let view = self.procedure_in(&mut tx, actor, application_id).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The unit reports the procedure done (`procedure` → `confirmation`): refused without
    /// a recorded procedure that is complete for the position's mode.
    pub(crate) async fn procedure_reported(&self, tx: &mut Tx, t: &Transitioned<'_>) -> Result<()> {
        let application_id = application_id_of(t)?;
        let app = tx
            .application_brief(application_id)
            .await?
            .ok_or_else(not_found_application)?;
        let Some(stored) = tx.procedure(application_id).await? else {
            return Err(AppError::invalid(
                "procedure",
                format!(
                    "引进手续：尚未填写{}，请先在“引进手续”中填写后再报协调办确认",
                    procedure_noun(&app.position_mode)
                ),
            ));
        };
        // Re-check what was stored: complete, and of the position's mode.
        let details = stored_details(&stored)?;
        let again = validate_procedure(
            &app.position_mode,
            &ProcedureInput::from_details(&details, stored.version),
        );
        match again {
            Ok(d) if d.mode() == app.position_mode => Ok(()),
            Ok(_) | Err(_) => Err(AppError::invalid(
                "procedure",
                format!(
                    "引进手续：已填写的手续与岗位的引进方式（{}）不符或不完整，请按{}重新填写",
                    name_of(ALL_MODES, &app.position_mode),
                    procedure_noun(&app.position_mode)
                ),
            )),
        }
    }

    /// The coordination office confirms (`confirmation` → `introduced`): creates the talent
    /// record with the policy evaluation frozen. Exactly one per application.
    pub(crate) async fn talent_on_confirmation(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        t: &Transitioned<'_>,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let application_id = application_id_of(t)?;
        let app = tx
            .application_brief(application_id)
            .await?
            .ok_or_else(not_found_application)?;
        if tx.talent_by_application(application_id).await?.is_some() {
            return Err(AppError::invalid("application", "该申请已建立人才档案，不能重复确认"));
        }
        let stored = tx
            .procedure(application_id)
            .await?
            .ok_or_else(|| AppError::invalid("procedure", "引进手续：尚未填写，请退回用人单位补填引进手续后再确认"))?;
        let details = stored_details(&stored)?;
        let start = details.start_date().ok_or_else(|| {
            AppError::invalid(
                "procedure",
                "引进手续：缺少开始日期（合同起始、报到或服务起始日期），请退回用人单位补填",
            )
        })?;
        let mode = parse_mode(&app.position_mode).ok_or_else(|| {
            AppError::invalid(
                "mode",
                format!(
                    "引进方式：岗位的引进方式“{}”无法计算待遇，请联系系统管理员",
                    app.position_mode
                ),
            )
        })?;
        let candidate = tx
            .candidate(app.candidate_id)
            .await?
            .ok_or_else(|| AppError::NotFound("人才登记表".into()))?;
        // The review's findings (审查认定) on the facts of Art. 10(3)-(6) the form does not state.
        let findings = tx
            .application(application_id)
            .await?
            .and_then(|a| crate::applications::recorded_findings(&a.findings));
        let employer = employer_of(&app.org_kind);
        let today = self.today();
        let facts = Facts {
            name: Some(candidate.name.clone()),
            policy: None,
            as_of: if today < start { start } else { today },
            person: person_of(&candidate, findings.as_ref(), app.category),
            employer,
            mode,
            start,
            end: None,
            ended_for_cause: false,
            assessments: Vec::new(),
            service_months: Vec::new(),
            project_verified: false,
            project_benefit_significant: false,
        };
        let report = crate::policies()
            .evaluate(&facts, false)
            .map_err(|e| AppError::invalid("procedure", format!("政策计算失败：{e}；请核对引进手续的日期")))?;
        let obligations = obligations_of(&report, &facts, &details);
        let new = yincai_store::NewTalent {
            candidate_id: app.candidate_id,
            application_id: Some(application_id),
            special_case_id: None,
            org_id: app.org_id,
            name: candidate.name.clone(),
            mode: app.position_mode.clone(),
            employer: employer_code(employer).into(),
            start_date: start.to_string(),
            end_date: details.end_date().map(|d| d.to_string()),
            category: report.category.map(i64::from),
            obligations: json(&obligations)?,
            policy_id: report.policy.id.clone(),
            policy_version: report.policy.version.clone(),
            facts: json(&facts)?,
            report: json(&report)?,
        };
        let id = tx.insert_talent(&new, self.now()).await?;
        // The money of the frozen entitlements becomes installments now (issue 5).
        self.schedule_installments(tx, id).await?;
        let category = report
            .category
            .map_or_else(|| "未达到第十条所列类别".to_string(), |c| format!("第{c}类"));
        let summary = format!(
            "建立人才档案：{}，{}，{}引进，{} 起，{}，依据 {} {}",
            candidate.name,
            app.org_name,
            name_of(ALL_MODES, &app.position_mode),
            start,
            category,
            report.policy.id,
            report.policy.version
        );
        tx.append_audit(&self.audit_by(actor, ctx, "talent_create", ("talent", id.to_string()), summary))
            .await?;
        Ok(())
    }

    /// The talent database within the actor's scope (Art. 6).
    pub async fn talents(
        &self,
        actor: &Actor,
        filter: &TalentFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Page<TalentListRow>> {
        actor.require(Permission::TalentRead)?;
        let mut errors = Vec::new();
        let category = parse_opt(filter.category.as_deref(), "category", "人才类别", 1..=9, &mut errors);
        let start_year = parse_opt(
            filter.start_year.as_deref(),
            "start_year",
            "引进年份",
            1990..=2100,
            &mut errors,
        );
        let mode = filter.mode.as_deref().map(str::trim).filter(|m| !m.is_empty());
        if let Some(m) = mode
            && !ALL_MODES.iter().any(|(c, _)| *c == m)
        {
            errors.push(FieldError::new("mode", "引进方式：请从列表中选择"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let q = TalentQuery {
            name: filter.name.clone(),
            unit: filter.unit.clone(),
            category,
            mode: mode.map(String::from),
            start_year,
            candidate_id: None,
            scope_root: actor.org_scope(),
            offset,
            limit,
        };
        let mut tx = self.store.begin_read().await?;
        let page = tx.talents(&q).await?;
        Ok(Page {
            rows: page.rows.into_iter().map(TalentListRow::from).collect(),
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }

    /// One talent record with its frozen evaluation and the steps that led to it.
    pub async fn talent(&self, actor: &Actor, id: i64) -> Result<TalentView> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        let row = tx
            .talent(id)
            .await?
            .filter(|t| actor.can_see_org(t.org_id, t.org_parent_id))
            .ok_or_else(not_found_talent)?;
        talent_view(&mut tx, row).await
    }

    /// The applicant's own talent record (the latest), if they were introduced.
    pub async fn my_talent(&self, actor: &Actor) -> Result<Option<TalentView>> {
        actor.require(Permission::ProfileEdit)?;
        let mut tx = self.store.begin_read().await?;
        let Some(candidate) = tx.candidate_by_user(actor.user_id).await? else {
            return Ok(None);
        };
        let q = TalentQuery {
            candidate_id: Some(candidate.id),
            offset: 0,
            limit: 1,
            ..Default::default()
        };
        match tx.talents(&q).await?.rows.into_iter().next() {
            Some(row) => Ok(Some(talent_view(&mut tx, row).await?)),
            None => Ok(None),
        }
    }
}

fn procedure_noun(mode: &str) -> &'static str {
    match mode {
        "recruit" => "劳动（聘用）合同",
        "transfer" => "调动手续",
        "special" => "服务协议",
        _ => "引进手续",
    }
}

fn parse_opt(
    value: Option<&str>,
    field: &str,
    label: &str,
    range: std::ops::RangeInclusive<i64>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match v.parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.push(FieldError::new(
                field,
                format!("{label}：应为 {} 至 {} 的整数", range.start(), range.end()),
            ));
            None
        }
    }
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.into()))
}

/// The last event that entered `to` from `from` (by any action).
fn entered<'a>(events: &'a [WorkflowEventRow], from: &str, to: &str) -> Option<&'a WorkflowEventRow> {
    events.iter().rev().find(|e| e.from_state == from && e.to_state == to)
}

async fn talent_view(tx: &mut Tx, row: TalentRow) -> Result<TalentView> {
    let report: Option<Report> = serde_json::from_str(&row.report).ok();
    let obligations: Vec<Obligation> = serde_json::from_str(&row.obligations).unwrap_or_default();
    let (item, events, letter, procedure, position) = match row.application_id {
        Some(app_id) => {
            let item = application_item(tx, app_id).await?;
            let events = match &item {
                Some(i) => tx.workflow_events(i.id).await?,
                None => Vec::new(),
            };
            let letter = tx.intent_letter_brief(app_id).await?;
            let procedure = match tx.procedure(app_id).await? {
                Some(p) => stored_details(&p).ok(),
                None => None,
            };
            let position = tx.application_brief(app_id).await?.map(|a| a.position_title);
            (item, events, letter, procedure, position)
        }
        None => (None, Vec::new(), None, None, None),
    };
    let link = item.as_ref().map(|i| format!("/workflow/{}", i.id));
    let decision = entered(&events, "group_decision", "procedure");
    let resolution_number = decision.and_then(|e| e.resolution_number.clone());
    let step = |label: &str, e: Option<&WorkflowEventRow>, detail: String| ChainStep {
        label: label.into(),
        done: e.is_some(),
        at: e.map(|e| format_beijing(e.at)).unwrap_or_default(),
        actor: e.map(|e| e.actor_name.clone()).unwrap_or_default(),
        detail,
        link: link.clone(),
    };
    let steps = if row.application_id.is_some() {
        let submitted = events
            .iter()
            .find(|e| e.from_state == "draft" && e.to_state == "review");
        let letter_text = letter.as_ref().map_or_else(String::new, |l| {
            let kind = match l.kind.as_str() {
                "recruit" | "recruitment" => "招聘意向书",
                "special" | "special_appointment" => "特聘意向书",
                other => other,
            };
            let accepted = if l.accepted_at.is_some() {
                "，本人已接受"
            } else {
                ""
            };
            format!("{kind} {}{accepted}", l.number)
        });
        vec![
            step(
                "报名",
                submitted,
                position.clone().map(|p| format!("报名岗位：{p}")).unwrap_or_default(),
            ),
            step(
                "资格审查",
                entered(&events, "review", "passed"),
                "协调办资格审查通过".into(),
            ),
            step(
                "意向书",
                entered(&events, "offered", "accepted").or_else(|| entered(&events, "passed", "offered")),
                letter_text,
            ),
            step(
                "领导小组审定",
                decision,
                resolution_number
                    .as_ref()
                    .map(|r| format!("批复文号：{r}"))
                    .unwrap_or_default(),
            ),
            step(
                "引进手续",
                entered(&events, "procedure", "confirmation"),
                procedure.as_ref().map(ProcedureDetails::summary).unwrap_or_default(),
            ),
            step(
                "协调办确认入库",
                entered(&events, "confirmation", "introduced"),
                "建立人才档案".into(),
            ),
        ]
    } else {
        Vec::new()
    };
    let (category_reasons, entitlements, benefits, policy_title) = match &report {
        Some(r) => (
            r.categories
                .iter()
                .filter(|c| Some(c.number) == r.category)
                .map(|c| format!("{}（{}）", c.reason, cite_zh(&c.article)))
                .collect(),
            r.entitlements
                .iter()
                .map(|(code, e)| EntitlementView {
                    code: code.clone(),
                    name: e.name.clone(),
                    terms: terms_text(&e.terms),
                    article: cite_zh(&e.article),
                    schedule: schedule_view(&e.schedule),
                })
                .collect(),
            r.benefits
                .iter()
                .map(|b| (b.name.clone(), cite_zh(&b.article)))
                .collect(),
            format!("{}（{}）", r.policy.title, r.policy.document_number),
        ),
        None => (Vec::new(), Vec::new(), Vec::new(), String::new()),
    };
    Ok(TalentView {
        mode_name: name_of(ALL_MODES, &row.mode),
        employer_name: name_of(&EMPLOYERS, &row.employer),
        category_reasons,
        obligations,
        entitlements,
        benefits,
        policy_title,
        item_id: item.map(|i| i.id),
        resolution_number,
        steps,
        row,
    })
}
