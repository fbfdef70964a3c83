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

mod bank;
mod procedure;
mod record;

pub use bank::{BankAccountInput, BankAccountView, PayeeBank};

pub use procedure::{
    AGREEMENT_KINDS, Contract, ProcedureDetails, ProcedureInput, ProcedureView, ServiceAgreement, TRANSFER_STEPS,
    Transfer, TransferStep, TransferStepInput, validate_procedure,
};
use procedure::{last_day_of_term, parse_opt, stored_details};
pub use record::{ChainStep, EntitlementView, InstallmentView, Obligation, TalentFilter, TalentListRow, TalentView};

/// Modes of introduction with a procedure (Art. 11).
pub use yincai_policy::vocabulary::INTRODUCTION_MODES as MODES;
/// Every mode the policy engine knows (for the talent list).
pub use yincai_policy::vocabulary::MODES as ALL_MODES;

/// The employer as the policy engine sees it (Art. 14(8)).
pub const EMPLOYERS: [(&str, &str); 3] = [
    ("city_unit", "市直单位"),
    ("enterprise", "企业"),
    ("central_unit", "中央、自治区驻阿单位"),
];

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

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.into()))
}

/// The last event that entered `to` from `from` (by any action).
fn entered<'a>(events: &'a [WorkflowEventRow], from: &str, to: &str) -> Option<&'a WorkflowEventRow> {
    events.iter().rev().find(|e| e.from_state == from && e.to_state == to)
}

/// The talent, if the actor's scope covers its unit (404 otherwise, as for any record).
pub(crate) async fn visible_talent(tx: &mut Tx, actor: &Actor, talent_id: i64) -> Result<TalentRow> {
    tx.talent(talent_id)
        .await?
        .filter(|t| actor.can_see_org(t.org_id, t.org_parent_id))
        .ok_or_else(not_found_talent)
}
