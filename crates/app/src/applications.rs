//! Applications (Art. 12(2)-(3)): a registered candidate applies to a position of a
//! published plan while it is open; the coordination office reviews the application with
//! a checklist, records its findings (审查认定) on the facts of Art. 10(3)-(6) that the form
//! does not state, sees the Art. 10 category computed by the policy engine from the form and
//! the findings, returns it for
//! completion (补正: the form is snapshotted again on resubmission and the changes shown),
//! rejects it or passes it; for a passed application it generates the intent letter
//! (招聘意向书 / 特聘意向书, Art. 12), which the candidate accepts or declines.
//!
//! The states are the `APPLICATION` workflow's (`yincai_domain::workflow`); every step is
//! a transition of the generic [`App::act`], and what a step records is checked and written
//! by the hooks at the end of this module, called from `App::transition_effects`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use yincai_domain::Role;
use yincai_domain::workflow::{APPLICATION, Action, ActorFacts, Request, decide};
use yincai_store::{
    ApplicationListRow, ApplicationPosition, ApplicationQuery, IntentLetterRow, NewApplication, NewIntentLetter, Page,
    Tx, WorkflowEventRow,
};

use crate::candidates::{CandidateView, DEGREES, Education, SCHOOL_TIERS, name_of, staff_form};
use crate::clock::format_beijing;
use crate::workflow::{ActInput, Transitioned, WorkflowObject, events_seen_by};
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// The object type of applications on workflow items, tasks and audit records.
pub const OBJECT: &str = "application";

/// Modes of introduction (Art. 11): code and name.
pub use yincai_policy::vocabulary::INTRODUCTION_MODES as MODES;

/// The qualification review's checklist (Art. 12(3)): code and what the reviewer confirms.
pub const CHECKLIST_ITEMS: [(&str, &str); 5] = [
    ("identity", "身份信息已核实"),
    ("degree", "学历、学位证书已核验"),
    ("title", "专业技术职称证书已核验（无职称的注明“无”）"),
    ("qualifications", "职业资格证书已核验（无资格的注明“无”）"),
    ("no_record", "无不良记录，无不得引进的情形"),
];

/// The qualification review's findings (审查认定): the facts of Art. 10(3)-(6) that the
/// registration form does not state, which the reviewer judges from the materials, each
/// recorded with its basis. Code (the policy engine's fact of the same name), label, and
/// what the reviewer finds (with the category it counts towards).
pub const FINDING_ITEMS: [(&str, &str, &str); 4] = [
    (
        "research_results",
        "取得科研成果",
        "具有创新能力和科研成果（第十条第（四）项，须同时具有硕士及以上学位或副高级及以上职称）",
    ),
    (
        "shortage_field",
        "紧缺专业",
        "所学专业属本市主导产业、新兴产业、重点工程、重点行业等急需紧缺专业（第十条第（五）项，须同时具有学士及以上学位、注册师执业资格或中级及以上职称）",
    ),
    (
        "practical_talent",
        "实用型人才",
        "未取得较高学历，但确有真才实学或较高专业技术水平（第十条第（六）项）",
    ),
    (
        "leading_technology",
        "掌握领先技术",
        "具有区内外领先水平或填补区内外空白的科技项目、发明专利、专有技术，来阿拉山口市创业（第十条第（三）项）",
    ),
];

/// The longest basis of a finding, in characters.
pub const FINDING_BASIS_MAX: usize = 200;

/// States in which an application holds one of its position's openings: from the letter
/// sent to the introduced talent.
pub const HOLDING_STATES: [&str; 6] = [
    "offered",
    "accepted",
    "group_decision",
    "procedure",
    "confirmation",
    "introduced",
];

/// One line of the checklist as stored and as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckItem {
    #[serde(default)]
    pub checked: bool,
    #[serde(default)]
    pub note: String,
}

/// The checklist by item code (see [`CHECKLIST_ITEMS`]).
pub type Checklist = BTreeMap<String, CheckItem>;

/// One finding of the review (审查认定) as stored and as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(default)]
    pub checked: bool,
    /// What the finding rests on: the document, certificate or opinion (required when checked).
    #[serde(default)]
    pub basis: String,
}

/// The review's findings by code (see [`FINDING_ITEMS`]).
pub type Findings = BTreeMap<String, Finding>;

/// One finding as shown.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub code: &'static str,
    pub label: &'static str,
    /// What the reviewer finds, with the category it counts towards.
    pub hint: &'static str,
    pub checked: bool,
    pub basis: String,
}

/// The findings recorded with an application (its stored JSON): `None` when none were
/// recorded (an application reviewed before findings existed stores `{}`).
pub fn recorded_findings(stored: &str) -> Option<Findings> {
    serde_json::from_str::<Findings>(stored).ok().filter(|f| !f.is_empty())
}

/// Sets the person's facts of Art. 10(3)-(6) to what the review found: a fact is true when
/// its finding is checked.
pub fn apply_findings(person: &mut yincai_policy::Person, findings: &Findings) {
    let found = |code: &str| findings.get(code).is_some_and(|f| f.checked);
    person.research_results = found("research_results");
    person.shortage_field = found("shortage_field");
    person.practical_talent = found("practical_talent");
    person.leading_technology = found("leading_technology");
}

fn finding_rows(findings: &Findings) -> Vec<FindingRow> {
    FINDING_ITEMS
        .iter()
        .map(|(code, label, hint)| {
            let f = findings.get(*code).cloned().unwrap_or_default();
            FindingRow {
                code,
                label,
                hint,
                checked: f.checked,
                basis: f.basis,
            }
        })
        .collect()
}

/// The findings as the audit record states them: those made (with their basis) and those
/// withdrawn since `before`.
fn findings_summary(now: &Findings, before: &Findings) -> String {
    let found = |f: &Findings, code: &str| f.get(code).is_some_and(|x| x.checked);
    let made: Vec<String> = FINDING_ITEMS
        .iter()
        .filter(|(code, _, _)| found(now, code))
        .map(|(code, label, _)| format!("{label}（依据：{}）", now[*code].basis))
        .collect();
    let withdrawn: Vec<&str> = FINDING_ITEMS
        .iter()
        .filter(|(code, _, _)| found(before, code) && !found(now, code))
        .map(|(_, label, _)| *label)
        .collect();
    let mut out = if made.is_empty() {
        "审查认定：无".to_string()
    } else {
        format!("审查认定：{}", made.join("、"))
    };
    if !withdrawn.is_empty() {
        out.push_str(&format!("；撤销认定：{}", withdrawn.join("、")));
    }
    out
}

/// One line of the checklist as shown.
#[derive(Debug, Clone, Serialize)]
pub struct CheckRow {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
    pub note: String,
}

/// One field of the submitted form, with its value at the previous submission when a
/// 补正 changed it.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    /// The value before the last 补正, when it differs.
    pub old: Option<String>,
}

/// An Art. 10 category met, with its reason.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryReason {
    pub number: u8,
    pub article: String,
    /// 第十条第（二）项
    pub article_zh: String,
    pub reason: String,
}

/// An Art. 10 category as the measures cite it: 第十条第（二）项.
pub fn category_zh(number: i64) -> String {
    format!(
        "第十条第（{}）项",
        yincai_domain::dates::number_zh(u32::try_from(number).unwrap_or(0))
    )
}

/// What the policy engine says of the submitted form.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CategoryEvaluation {
    /// The lowest-numbered Art. 10 category met.
    pub category: Option<u8>,
    /// 第十条第（二）项, or empty.
    pub category_zh: String,
    pub categories: Vec<CategoryReason>,
    pub covered: bool,
    /// Why the policy does not cover the introduction, with its article.
    pub excluded_by: Option<String>,
    /// The policy applied.
    pub policy: String,
    /// What the facts were taken from (the form states only some of Art. 10; the review's
    /// findings the rest).
    pub basis: String,
    /// The labels of the review's findings taken into account (checked ones).
    pub findings: Vec<String>,
    /// Set when the engine could not evaluate.
    pub error: Option<String>,
}

/// An action the viewer may take now.
#[derive(Debug, Clone, Serialize)]
pub struct ActionChoice {
    pub action: Action,
    pub code: &'static str,
    pub label: &'static str,
    pub needs_reason: bool,
}

/// An application in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationSummary {
    pub id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub position_id: i64,
    pub position_title: String,
    pub mode: String,
    pub mode_name: String,
    pub openings: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub org_id: i64,
    pub org_name: String,
    pub category: Option<i64>,
    /// 第十条第（二）项, or empty.
    pub category_zh: String,
    pub state: String,
    pub state_name: String,
    /// The workflow item: act on it with this id and version.
    pub item_id: i64,
    pub item_version: i64,
    pub due_date: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl From<ApplicationListRow> for ApplicationSummary {
    fn from(r: ApplicationListRow) -> Self {
        let state = r.state.unwrap_or_default();
        ApplicationSummary {
            mode_name: name_of(MODES, &r.mode),
            state_name: APPLICATION.state_name(&state),
            category_zh: r.category.map(category_zh).unwrap_or_default(),
            id: r.id,
            candidate_id: r.candidate_id,
            candidate_name: r.candidate_name,
            position_id: r.position_id,
            position_title: r.position_title,
            mode: r.mode,
            openings: r.openings,
            plan_id: r.plan_id,
            plan_title: r.plan_title,
            org_id: r.org_id,
            org_name: r.org_name,
            category: r.category,
            state,
            item_id: r.item_id.unwrap_or_default(),
            item_version: r.item_version.unwrap_or_default(),
            due_date: r.due_date,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

/// An intent letter as shown and printed.
#[derive(Debug, Clone, Serialize)]
pub struct LetterView {
    pub id: i64,
    pub application_id: i64,
    /// recruit | special
    pub kind: String,
    /// 招聘意向书 | 特聘意向书
    pub kind_name: String,
    pub number: String,
    /// The whole text, one paragraph a line.
    pub body: String,
    pub salutation: String,
    pub paragraphs: Vec<String>,
    /// Issuer and date, right-aligned at the foot.
    pub signature: Vec<String>,
    pub issued_at: i64,
    pub issued_at_text: String,
    pub accepted_at: Option<i64>,
    pub accepted_at_text: String,
}

impl From<IntentLetterRow> for LetterView {
    fn from(r: IntentLetterRow) -> Self {
        let lines: Vec<String> = r.body.lines().map(str::to_string).collect();
        let (head, rest) = lines
            .split_first()
            .map_or((String::new(), &[][..]), |(h, t)| (h.clone(), t));
        let split = rest.len().saturating_sub(2);
        LetterView {
            kind_name: letter_kind_name(&r.kind).into(),
            issued_at_text: format_beijing(r.issued_at),
            accepted_at_text: r.accepted_at.map(format_beijing).unwrap_or_default(),
            salutation: head,
            paragraphs: rest[..split].to_vec(),
            signature: rest[split..].to_vec(),
            id: r.id,
            application_id: r.application_id,
            kind: r.kind,
            number: r.number,
            body: r.body,
            issued_at: r.issued_at,
            accepted_at: r.accepted_at,
        }
    }
}

fn letter_kind_name(kind: &str) -> &'static str {
    if kind == "special" {
        "特聘意向书"
    } else {
        "招聘意向书"
    }
}

/// An application with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub summary: ApplicationSummary,
    /// The masked registration form as submitted last (JSON of the candidate view).
    pub form: Value,
    pub fields: Vec<FormField>,
    /// The fields a 补正 changed (old → new).
    pub changes: Vec<FormField>,
    pub resubmitted: bool,
    pub checklist: Vec<CheckRow>,
    /// The review's findings (审查认定), every item, checked or not.
    pub findings: Vec<FindingRow>,
    /// Whether findings were recorded (otherwise every item shows unchecked).
    pub findings_recorded: bool,
    pub evaluation: CategoryEvaluation,
    pub events: Vec<WorkflowEventRow>,
    pub actions: Vec<ActionChoice>,
    pub letter: Option<LetterView>,
    /// The viewer reviews (coordination office, application in review).
    pub can_review: bool,
    /// The viewer may generate the intent letter (coordination office, passed).
    pub can_generate_letter: bool,
    /// The viewer is the applicant.
    pub is_applicant: bool,
}

/// One of the applicant's own applications, for their page.
#[derive(Debug, Clone, Serialize)]
pub struct MyApplication {
    #[serde(flatten)]
    pub summary: ApplicationSummary,
    pub events: Vec<WorkflowEventRow>,
    pub actions: Vec<ActionChoice>,
    /// The letter once it has been sent.
    pub letter: Option<LetterView>,
    /// The reason of the last return (补正), while the application waits for it.
    pub return_reason: Option<String>,
}

/// Filters of the reviewers' list, as typed.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub state: Option<String>,
    pub position_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// The review as typed: the checklist, the findings, and optionally the decision taken
/// with it.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    /// The application's version as read (optimistic); `None`: the current one.
    pub version: Option<i64>,
    pub checklist: Checklist,
    /// The findings (审查认定); items left out are saved unchecked. `None` keeps the
    /// findings recorded before.
    pub findings: Option<Findings>,
    /// Approve (pass), Return (补正) or Reject, taken in the same transaction.
    pub action: Option<Action>,
    pub reason: String,
    /// The workflow item's version as read, for the action.
    pub item_version: Option<i64>,
}

/// The part of the snapshot the category is computed from.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Snapshot {
    name: String,
    education: Vec<Education>,
    title: String,
    honours: Vec<String>,
}

/// The fields of the form in the order of the 登记表 (key in the snapshot, label).
const FORM_FIELDS: [(&str, &str); 13] = [
    ("name", "姓名"),
    ("id_type_name", "证件类型"),
    ("id_number_masked", "证件号码"),
    ("phone_masked", "手机号码"),
    ("email", "电子邮箱"),
    ("gender_name", "性别"),
    ("birth_year", "出生年份"),
    ("education", "学历"),
    ("highest_degree_name", "最高学位"),
    ("title_name", "专业技术职称"),
    ("qualifications", "职业资格"),
    ("honour_names", "荣誉称号"),
    ("projects", "项目与科研成果"),
];

fn field_text(form: &Value, key: &str) -> String {
    let v = &form[key];
    if key == "education" {
        let rows: Vec<Education> = serde_json::from_value(v.clone()).unwrap_or_default();
        return rows
            .iter()
            .map(|e| {
                let mut parts = vec![name_of(DEGREES, &e.degree), e.institution.clone()];
                if !e.major.is_empty() {
                    parts.push(e.major.clone());
                }
                parts.push(if e.full_time { "全日制" } else { "非全日制" }.into());
                if !e.school_tier.is_empty() && e.school_tier != "none" {
                    parts.push(name_of(&SCHOOL_TIERS, &e.school_tier));
                }
                if !e.graduation_year.is_empty() {
                    parts.push(format!("{} 年毕业", e.graduation_year));
                }
                parts.join("，")
            })
            .collect::<Vec<_>>()
            .join("；");
    }
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join("、"),
        other => other.to_string(),
    }
}

/// The form's fields, each with its previous value where a 补正 changed it.
pub fn form_fields(form: &Value, previous: Option<&Value>) -> Vec<FormField> {
    FORM_FIELDS
        .iter()
        .map(|(key, label)| {
            let value = field_text(form, key);
            let old = previous.map(|p| field_text(p, key)).filter(|old| *old != value);
            FormField { key, label, value, old }
        })
        .collect()
}

fn checklist_rows(stored: &str) -> Vec<CheckRow> {
    let list: Checklist = serde_json::from_str(stored).unwrap_or_default();
    CHECKLIST_ITEMS
        .iter()
        .map(|(code, label)| {
            let item = list.get(*code).cloned().unwrap_or_default();
            CheckRow {
                code,
                label,
                checked: item.checked,
                note: item.note,
            }
        })
        .collect()
}

/// Evaluates the Art. 10 category of a submitted form for a position. The form states the
/// degree (full-time or not), the title and the honours; the engine's other facts of
/// Art. 10(3)-(6) (research results, shortage field, practical talent, leading technology)
/// are the review's findings (checked ones true, the rest false).
pub fn evaluate_form(
    form: &Value,
    findings: &Findings,
    mode: &str,
    org_kind: &str,
    today: jiff::civil::Date,
) -> CategoryEvaluation {
    use yincai_policy::{Degree, Employer, Facts, Honour, Mode, Person, Title};
    let snap: Snapshot = serde_json::from_value(form.clone()).unwrap_or_default();
    let parse_degree = |d: &str| serde_json::from_value::<Degree>(Value::String(d.into())).unwrap_or_default();
    // The highest full-time degree if there is one (a degree counts only when full-time,
    // Art. 10); otherwise the highest degree, not full-time.
    let full_time = snap
        .education
        .iter()
        .filter(|e| e.full_time)
        .map(|e| parse_degree(&e.degree))
        .max();
    let (degree, is_full_time) = match full_time {
        Some(d) if d > Degree::None => (d, true),
        _ => (
            snap.education
                .iter()
                .map(|e| parse_degree(&e.degree))
                .max()
                .unwrap_or_default(),
            false,
        ),
    };
    let title = serde_json::from_value::<Title>(Value::String(snap.title.clone())).unwrap_or_default();
    let honours: Vec<Honour> = snap
        .honours
        .iter()
        .filter_map(|h| serde_json::from_value(Value::String(h.clone())).ok())
        .collect();
    let mode_fact = serde_json::from_value::<Mode>(Value::String(mode.into())).unwrap_or_default();
    let employer = serde_json::from_value::<Employer>(Value::String(org_kind.into())).unwrap_or_default();
    let mut person = Person {
        degree,
        full_time: is_full_time,
        title,
        honours,
        ..Default::default()
    };
    apply_findings(&mut person, findings);
    let found: Vec<String> = finding_rows(findings)
        .into_iter()
        .filter(|f| f.checked)
        .map(|f| f.label.to_string())
        .collect();
    let facts = Facts {
        name: Some(snap.name.clone()).filter(|n| !n.is_empty()),
        policy: None,
        as_of: today,
        person,
        employer,
        mode: mode_fact,
        start: today,
        end: None,
        ended_for_cause: false,
        assessments: vec![],
        service_months: vec![],
        project_verified: false,
        project_benefit_significant: false,
    };
    let basis = if found.is_empty() {
        "依据登记表所填学位（是否全日制）、专业技术职称、荣誉称号计算；取得科研成果、紧缺专业、实用型人才、掌握领先技术等情形登记表未载明，须由审查人员结合材料在“审查认定”中认定（尚未认定任何一项）"
            .to_string()
    } else {
        format!(
            "依据登记表所填学位（是否全日制）、专业技术职称、荣誉称号，以及资格审查认定的{}计算",
            found.join("、")
        )
    };
    match crate::policies().evaluate(&facts, false) {
        Ok(report) => CategoryEvaluation {
            category: report.category,
            category_zh: report.category.map(|c| category_zh(c.into())).unwrap_or_default(),
            categories: report
                .categories
                .into_iter()
                .map(|c| CategoryReason {
                    article_zh: category_zh(c.number.into()),
                    number: c.number,
                    article: c.article,
                    reason: c.reason,
                })
                .collect(),
            covered: report.covered,
            excluded_by: report.excluded_by.map(|x| format!("第{}条：{}", x.article, x.reason)),
            policy: format!("{}（{}）", report.policy.title, report.policy.document_number),
            basis,
            findings: found,
            error: None,
        },
        Err(e) => CategoryEvaluation {
            basis,
            findings: found,
            error: Some(format!("政策计算未能完成：{e}")),
            ..Default::default()
        },
    }
}

fn parse_id(object_id: &str) -> Result<i64> {
    object_id
        .parse()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("application workflow item names object {object_id}")))
}

/// Whether the actor may see the application: the applicant their own, the coordination
/// office and leading group every one, the unit its own positions' and the department
/// its units'.
/// An application the actor may see: its list row (state, names), the stored row (forms,
/// checklist, findings) and its position; 404 otherwise.
async fn visible_application(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
) -> Result<(ApplicationListRow, yincai_store::ApplicationRow, ApplicationPosition)> {
    let row = tx
        .application_listed(id)
        .await?
        .filter(|r| may_see(actor, r))
        .ok_or_else(|| AppError::NotFound("报名".into()))?;
    let app = tx
        .application(id)
        .await?
        .ok_or_else(|| AppError::NotFound("报名".into()))?;
    let pos = tx
        .application_position(row.position_id)
        .await?
        .ok_or_else(|| AppError::NotFound("岗位".into()))?;
    Ok((row, app, pos))
}

fn may_see(actor: &Actor, row: &ApplicationListRow) -> bool {
    if actor.has(Permission::WorkflowAct) {
        actor.can_see_org(row.org_id, row.org_parent_id)
    } else {
        actor.has(Permission::Apply) && row.candidate_user_id == actor.user_id
    }
}

fn require_reader(actor: &Actor) -> Result<()> {
    if actor.has(Permission::WorkflowAct) {
        actor.require(Permission::WorkflowAct)
    } else {
        actor.require(Permission::Apply)
    }
}

/// The office's own steps on an application: `permission` on top of taking part in the
/// workflow, refused with a message naming who does `what`.
fn require_office(actor: &Actor, permission: Permission, what: &str) -> Result<()> {
    actor.require(Permission::WorkflowAct)?;
    if actor.has(permission) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("{what}由人才工作协调办公室办理")))
    }
}

/// The actions the actor may take on an application now: the workflow's, for the roles
/// the actor holds over this application, without meeting decisions and comments.
fn actions_for(actor: &Actor, row: &ApplicationListRow, maker_id: Option<i64>) -> Vec<ActionChoice> {
    let state = row.state.as_deref().unwrap_or_default();
    let facts = ActorFacts {
        roles: &actor.roles,
        is_maker: maker_id == Some(actor.user_id),
    };
    APPLICATION
        .actions_for(state, &actor.roles)
        .into_iter()
        .filter(|a| *a != Action::Comment && !APPLICATION.needs_meeting(state, *a))
        .filter_map(|action| {
            let req = Request {
                action: Some(action),
                reason: "-",
                resolution_number: "",
                return_to: None,
            };
            let d = decide(&APPLICATION, state, facts, &req).ok()?;
            let in_scope = match d.role {
                Role::Talent => row.candidate_user_id == actor.user_id,
                Role::Unit => actor.org_id == row.org_id,
                Role::Department => row.org_parent_id == Some(actor.org_id),
                _ => true,
            };
            in_scope.then(|| ActionChoice {
                action,
                code: action.code(),
                label: APPLICATION.action_label(state, action),
                needs_reason: matches!(action, Action::Return | Action::Reject),
            })
        })
        .collect()
}

/// What the applicant sees before applying to a position.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyPreview {
    pub position: ApplicationPosition,
    pub mode_name: String,
    /// open | not_yet | closed | no_dates
    pub status: &'static str,
    pub status_text: String,
    /// The applicant has a registration form.
    pub has_profile: bool,
    /// The applicant's application to this position, if any.
    pub existing: Option<i64>,
}

impl App {
    /// Applies to a position: the applicant's registration form is snapshotted (masked),
    /// a workflow item is started and submitted to the qualification review. Returns the
    /// application's id.
    pub async fn apply(&self, actor: &Actor, position_id: i64, ctx: &RequestCtx) -> Result<i64> {
        actor.require(Permission::Apply)?;
        let mut tx = self.store.begin_write().await?;
        let candidate = tx.candidate_by_user(actor.user_id).await?.ok_or_else(|| {
            AppError::invalid(
                "profile",
                "报名：请先填写人才登记表（菜单“我的登记表”，/me/profile），保存后再报名",
            )
        })?;
        let pos = tx
            .application_position(position_id)
            .await?
            .filter(|p| p.published_at.is_some())
            .ok_or_else(|| AppError::NotFound("岗位".into()))?;
        let today = self.today();
        let date = |d: &Option<String>| d.as_deref().and_then(|s| s.parse::<jiff::civil::Date>().ok());
        let (Some(open), Some(close)) = (date(&pos.open_date), date(&pos.close_date)) else {
            return Err(AppError::invalid(
                "position_id",
                "报名：该公告未载明报名起止日期，暂不能报名，请咨询人才工作协调办公室",
            ));
        };
        if today < open {
            return Err(AppError::invalid(
                "position_id",
                format!("报名：“{}”岗位的报名自 {open} 开始，请届时再报名", pos.title),
            ));
        }
        if today > close {
            return Err(AppError::invalid(
                "position_id",
                format!("报名：“{}”岗位的报名已于 {close} 截止，不能再报名", pos.title),
            ));
        }
        let duplicate = || {
            AppError::Duplicate(FieldError::new(
                "position_id",
                format!(
                    "报名：您已报名“{}”岗位，每个岗位只能报名一次，请在“我的报名”中查看办理进度",
                    pos.title
                ),
            ))
        };
        if tx.application_of(candidate.id, position_id).await?.is_some() {
            return Err(duplicate());
        }
        // Snapshotted as staff see it: birth year, never the birth date (ADR 0005).
        let view = CandidateView::from(candidate).for_staff();
        let form = serde_json::to_value(&view).map_err(|e| AppError::Internal(e.into()))?;
        let evaluation = evaluate_form(&form, &Findings::new(), &pos.mode, &pos.org_kind, today);
        let now = self.now();
        let id = tx
            .insert_application(
                &NewApplication {
                    candidate_id: view.id,
                    position_id,
                    org_id: pos.org_id,
                    submitted_form: form.to_string(),
                    category: evaluation.category.map(i64::from),
                },
                now,
            )
            .await
            .map_err(|e| match e {
                yincai_store::StoreError::Unique { .. } => duplicate(),
                other => other.into(),
            })?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "application_created",
            (OBJECT, id.to_string()),
            format!("报名：{} → {}（{}）", view.name, pos.title, pos.org_name),
        ))
        .await?;
        let object = WorkflowObject {
            object_type: OBJECT.into(),
            object_id: id.to_string(),
        };
        let item_id = self
            .start_in(
                &mut tx,
                actor,
                &APPLICATION,
                &object,
                pos.org_id,
                Some(actor.user_id),
                ctx,
            )
            .await?;
        let version = tx.workflow_item(item_id).await?.map_or(1, |i| i.version);
        self.act_in(
            &mut tx,
            actor,
            item_id,
            version,
            &ActInput::new(Action::Submit),
            None,
            ctx,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The position an applicant is about to apply to, with whether it is open now and
    /// whether they have a registration form (a plan not yet published is not found).
    pub async fn apply_preview(&self, actor: &Actor, position_id: i64) -> Result<ApplyPreview> {
        actor.require(Permission::Apply)?;
        let mut tx = self.store.begin_read().await?;
        let position = tx
            .application_position(position_id)
            .await?
            .filter(|p| p.published_at.is_some())
            .ok_or_else(|| AppError::NotFound("岗位".into()))?;
        let candidate = tx.candidate_by_user(actor.user_id).await?;
        let existing = match &candidate {
            Some(c) => tx.application_of(c.id, position_id).await?.map(|a| a.id),
            None => None,
        };
        let today = self.today();
        let date = |d: &Option<String>| d.as_deref().and_then(|s| s.parse::<jiff::civil::Date>().ok());
        let (status, status_text) = match (date(&position.open_date), date(&position.close_date)) {
            (Some(open), _) if today < open => ("not_yet", format!("报名自 {open} 开始")),
            (_, Some(close)) if today > close => ("closed", format!("报名已于 {close} 截止")),
            (Some(open), Some(close)) => ("open", format!("报名中（{open} 至 {close}，含当日）")),
            _ => ("no_dates", "公告未载明报名日期".to_string()),
        };
        Ok(ApplyPreview {
            mode_name: name_of(MODES, &position.mode),
            position,
            status,
            status_text,
            has_profile: candidate.is_some(),
            existing,
        })
    }

    /// The applicant's own applications with their history and the actions open to them.
    pub async fn my_applications(&self, actor: &Actor) -> Result<Vec<MyApplication>> {
        actor.require(Permission::Apply)?;
        let mut tx = self.store.begin_read().await?;
        let page = tx
            .applications(&ApplicationQuery {
                candidate_user_id: Some(actor.user_id),
                limit: 500,
                ..Default::default()
            })
            .await?;
        let mut out = Vec::with_capacity(page.rows.len());
        for row in page.rows {
            let (events, maker) = match row.item_id {
                Some(item) => (
                    events_seen_by(actor, tx.workflow_events(item).await?),
                    tx.workflow_item(item).await?.and_then(|i| i.maker_id),
                ),
                None => (vec![], None),
            };
            let actions = actions_for(actor, &row, maker);
            let state = row.state.clone().unwrap_or_default();
            let letter = if HOLDING_STATES.contains(&state.as_str()) || state == "declined" {
                tx.intent_letter_for(row.id).await?.map(LetterView::from)
            } else {
                None
            };
            let return_reason = (state == "draft")
                .then(|| events.iter().rev().find(|e| e.action == Action::Return.code()))
                .flatten()
                .map(|e| e.reason.clone());
            out.push(MyApplication {
                summary: row.into(),
                events,
                actions,
                letter,
                return_reason,
            });
        }
        Ok(out)
    }

    /// Applications for reviewers: the coordination office and leading group see every
    /// one, a unit those to its positions, a department those of its units.
    pub async fn applications(&self, actor: &Actor, f: &ApplicationFilter) -> Result<Page<ApplicationSummary>> {
        actor.require(Permission::WorkflowAct)?;
        let mut tx = self.store.begin_read().await?;
        let page = tx
            .applications(&ApplicationQuery {
                state: f.state.clone().filter(|s| !s.trim().is_empty()),
                position_id: f.position_id,
                plan_id: f.plan_id,
                org_scope: actor.org_scope(),
                candidate_user_id: None,
                offset: f.offset.max(0),
                limit: f.limit.clamp(1, 200),
            })
            .await?;
        Ok(Page {
            rows: page.rows.into_iter().map(ApplicationSummary::from).collect(),
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }

    /// One application with its form (masked), the changes of the last 补正, the
    /// checklist, the category and its reasons, the history and the viewer's actions.
    pub async fn application(&self, actor: &Actor, id: i64) -> Result<ApplicationView> {
        require_reader(actor)?;
        let mut tx = self.store.begin_read().await?;
        let (row, app, pos) = visible_application(&mut tx, actor, id).await?;
        let (events, maker) = match row.item_id {
            Some(item) => (
                events_seen_by(actor, tx.workflow_events(item).await?),
                tx.workflow_item(item).await?.and_then(|i| i.maker_id),
            ),
            None => (vec![], None),
        };
        // Older snapshots carry the birth date and weaker masks: made safe on every read.
        let form: Value = staff_form(serde_json::from_str(&app.submitted_form).unwrap_or(Value::Null));
        let previous: Option<Value> = app
            .previous_form
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .map(staff_form);
        let fields = form_fields(&form, previous.as_ref());
        let changes = fields.iter().filter(|f| f.old.is_some()).cloned().collect();
        let recorded = recorded_findings(&app.findings);
        let findings = recorded.clone().unwrap_or_default();
        let evaluation = evaluate_form(&form, &findings, &pos.mode, &pos.org_kind, self.today());
        let is_applicant = row.candidate_user_id == actor.user_id;
        let state = row.state.clone().unwrap_or_default();
        let letter = tx.intent_letter_for(id).await?.map(LetterView::from);
        // The applicant sees the letter once it has been sent.
        let letter = letter.filter(|_| !is_applicant || state != "passed");
        Ok(ApplicationView {
            actions: actions_for(actor, &row, maker),
            can_review: actor.has(Permission::ApplicationReview) && state == "review",
            can_generate_letter: actor.has(Permission::IntentLetterIssue) && state == "passed",
            summary: row.into(),
            form,
            fields,
            changes,
            resubmitted: previous.is_some(),
            // The review's working papers are the staff's (ADR 0006, internal and shared).
            checklist: if is_applicant {
                vec![]
            } else {
                checklist_rows(&app.checklist)
            },
            findings: if is_applicant { vec![] } else { finding_rows(&findings) },
            findings_recorded: recorded.is_some(),
            evaluation,
            events,
            letter,
            is_applicant,
        })
    }

    /// Saves the review checklist and findings (and the category computed now from the form
    /// and the findings) and, if asked, takes the review decision — pass, return for 补正,
    /// reject — in the same transaction.
    pub async fn review_application(
        &self,
        actor: &Actor,
        id: i64,
        input: &ReviewInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        require_office(actor, Permission::ApplicationReview, "资格审查")?;
        let mut errors = Vec::new();
        for (code, item) in &input.checklist {
            let Some((_, label)) = CHECKLIST_ITEMS.iter().find(|(c, _)| c == code) else {
                errors.push(FieldError::new(
                    "checklist",
                    format!("审查清单：没有“{code}”这一项，请按页面所列填写"),
                ));
                continue;
            };
            if item.note.chars().count() > 500 {
                errors.push(FieldError::new(
                    format!("note_{code}"),
                    format!("审查清单“{label}”的备注：最多 500 字"),
                ));
            }
        }
        for (code, f) in input.findings.iter().flatten() {
            let Some((_, label, _)) = FINDING_ITEMS.iter().find(|(c, _, _)| c == code) else {
                errors.push(FieldError::new(
                    "findings",
                    format!(
                        "审查认定：没有“{code}”这一项，请按页面所列填写（取得科研成果、紧缺专业、实用型人才、掌握领先技术）"
                    ),
                ));
                continue;
            };
            let basis = f.basis.trim();
            if basis.chars().count() > FINDING_BASIS_MAX {
                errors.push(FieldError::new(
                    format!("basis_{code}"),
                    format!("审查认定“{label}”的认定依据：最多 {FINDING_BASIS_MAX} 字，请写明所依据的材料名称即可"),
                ));
            } else if f.checked && basis.is_empty() {
                errors.push(FieldError::new(
                    format!("basis_{code}"),
                    format!(
                        "审查认定“{label}”：请填写认定依据（所依据的材料，如论文、专利证书、获奖证书、项目验收文件或主管部门意见）"
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut tx = self.store.begin_write().await?;
        let (row, app, pos) = visible_application(&mut tx, actor, id).await?;
        let state = row.state.clone().unwrap_or_default();
        if state != "review" {
            return Err(AppError::invalid(
                "checklist",
                format!(
                    "审查清单：该报名当前为“{}”，只有“资格审查”环节可以填写审查清单",
                    APPLICATION.state_name(&state)
                ),
            ));
        }
        let form: Value = serde_json::from_str(&app.submitted_form).unwrap_or(Value::Null);
        let before = recorded_findings(&app.findings).unwrap_or_default();
        let findings: Option<Findings> = input.findings.as_ref().map(|typed| {
            FINDING_ITEMS
                .iter()
                .map(|(code, _, _)| {
                    let f = typed.get(*code).cloned().unwrap_or_default();
                    (
                        code.to_string(),
                        Finding {
                            checked: f.checked,
                            basis: f.basis.trim().to_string(),
                        },
                    )
                })
                .collect()
        });
        let effective = findings.as_ref().unwrap_or(&before);
        let evaluation = evaluate_form(&form, effective, &pos.mode, &pos.org_kind, self.today());
        let checklist: Checklist = CHECKLIST_ITEMS
            .iter()
            .map(|(code, _)| {
                let item = input.checklist.get(*code).cloned().unwrap_or_default();
                (
                    code.to_string(),
                    CheckItem {
                        checked: item.checked,
                        note: item.note.trim().to_string(),
                    },
                )
            })
            .collect();
        let stored = serde_json::to_string(&checklist).map_err(|e| AppError::Internal(e.into()))?;
        tx.update_application_review(
            id,
            input.version.unwrap_or(app.version),
            &stored,
            evaluation.category.map(i64::from),
            self.now(),
        )
        .await?;
        if let Some(findings) = &findings {
            let stored = serde_json::to_string(findings).map_err(|e| AppError::Internal(e.into()))?;
            tx.update_application_findings(id, &stored).await?;
        }
        let done = checklist.values().filter(|c| c.checked).count();
        let category = evaluation
            .category
            .map_or_else(|| "未认定类别".to_string(), |c| category_zh(c.into()));
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "application_reviewed",
            (OBJECT, id.to_string()),
            format!(
                "资格审查清单：{} → {}（已核 {done}/{} 项；{}；{category}）",
                row.candidate_name,
                row.position_title,
                CHECKLIST_ITEMS.len(),
                findings_summary(effective, &before)
            ),
        ))
        .await?;
        if let Some(action) = input.action {
            let item_id = row
                .item_id
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application {id} has no workflow item")))?;
            let act = ActInput {
                action: Some(action),
                reason: input.reason.clone(),
                ..Default::default()
            };
            let version = input.item_version.or(row.item_version).unwrap_or_default();
            self.act_in(&mut tx, actor, item_id, version, &act, None, ctx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Acts on an application through its workflow item (submit after 补正, accept or
    /// decline the letter, send the letter, …): [`App::act`] with the application's scope.
    pub async fn act_on_application(
        &self,
        actor: &Actor,
        id: i64,
        item_version: i64,
        input: &ActInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        require_reader(actor)?;
        let mut tx = self.store.begin_write().await?;
        let row = tx
            .application_listed(id)
            .await?
            .filter(|r| may_see(actor, r))
            .ok_or_else(|| AppError::NotFound("报名".into()))?;
        let item_id = row
            .item_id
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application {id} has no workflow item")))?;
        self.act_in(&mut tx, actor, item_id, item_version, input, None, ctx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Generates (or, after a withdrawal, regenerates with the same number) the intent
    /// letter of a passed application: 特聘意向书 for a special appointment, 招聘意向书
    /// otherwise, numbered 阿人才意〔year〕n号.
    pub async fn generate_letter(&self, actor: &Actor, id: i64, ctx: &RequestCtx) -> Result<LetterView> {
        require_office(actor, Permission::IntentLetterIssue, "意向书")?;
        let mut tx = self.store.begin_write().await?;
        let (row, app, pos) = visible_application(&mut tx, actor, id).await?;
        let state = row.state.clone().unwrap_or_default();
        if state != "passed" {
            return Err(AppError::invalid(
                "letter",
                format!(
                    "意向书：该报名当前为“{}”，只有资格审查通过、待发意向书的报名可以生成意向书",
                    APPLICATION.state_name(&state)
                ),
            ));
        }
        let form: Value = serde_json::from_str(&app.submitted_form).unwrap_or(Value::Null);
        let today = self.today();
        let findings = recorded_findings(&app.findings).unwrap_or_default();
        let evaluation = evaluate_form(&form, &findings, &pos.mode, &pos.org_kind, today);
        let kind = if pos.mode == "special" { "special" } else { "recruit" };
        let body = letter_body(&row, &pos, &evaluation, today);
        let now = self.now();
        let existing = tx.intent_letter_for(id).await?;
        let number = match &existing {
            Some(l) => {
                tx.update_intent_letter(l.id, kind, &body, actor.user_id, now).await?;
                l.number.clone()
            }
            None => {
                let prefix = format!("阿人才意〔{}〕", today.year());
                let issued = tx.count_intent_letters_numbered(&prefix).await?;
                let n = tx
                    .next_document_number("intent_letter", i64::from(today.year()), issued)
                    .await?;
                let number = format!("{prefix}{n}号");
                tx.insert_intent_letter(
                    &NewIntentLetter {
                        application_id: id,
                        kind: kind.into(),
                        number: number.clone(),
                        body,
                        issued_by: actor.user_id,
                    },
                    now,
                )
                .await
                .map_err(|e| match e {
                    yincai_store::StoreError::Unique { .. } => {
                        AppError::AlreadyHandled("意向书：文号已被同时生成的另一份意向书占用，请刷新后重新生成".into())
                    }
                    other => other.into(),
                })?;
                number
            }
        };
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "intent_letter_generated",
            (OBJECT, id.to_string()),
            format!(
                "{}{}：{} → {}（{}）",
                if existing.is_some() { "重新生成" } else { "生成" },
                letter_kind_name(kind),
                row.candidate_name,
                row.position_title,
                number
            ),
        ))
        .await?;
        let letter = tx
            .intent_letter_for(id)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("letter of application {id} vanished")))?;
        tx.commit().await?;
        Ok(letter.into())
    }

    /// The intent letter of an application: for reviewers once generated, for the
    /// applicant once sent.
    pub async fn letter(&self, actor: &Actor, id: i64) -> Result<LetterView> {
        require_reader(actor)?;
        let mut tx = self.store.begin_read().await?;
        let row = tx
            .application_listed(id)
            .await?
            .filter(|r| may_see(actor, r))
            .ok_or_else(|| AppError::NotFound("报名".into()))?;
        let sent = row.state.as_deref() != Some("passed");
        tx.intent_letter_for(id)
            .await?
            .filter(|_| sent || row.candidate_user_id != actor.user_id)
            .map(LetterView::from)
            .ok_or_else(|| AppError::NotFound("意向书".into()))
    }

    /// After a 补正 (draft → review following a return): the form is snapshotted again,
    /// the last submitted one kept as the previous, and the category recomputed from the new
    /// form and the review's findings, which are kept.
    pub(crate) async fn application_resubmitted(&self, tx: &mut Tx, t: &Transitioned<'_>) -> Result<()> {
        let events = tx.workflow_events(t.item.id).await?;
        if !events.iter().any(|e| e.action == Action::Return.code()) {
            return Ok(()); // the first submission: the snapshot was taken on applying
        }
        let id = parse_id(&t.item.object_id)?;
        let app = tx
            .application(id)
            .await?
            .ok_or_else(|| AppError::NotFound("报名".into()))?;
        let candidate = tx
            .candidate(app.candidate_id)
            .await?
            .ok_or_else(|| AppError::NotFound("人才登记表".into()))?;
        let pos = tx
            .application_position(app.position_id)
            .await?
            .ok_or_else(|| AppError::NotFound("岗位".into()))?;
        let form = serde_json::to_value(CandidateView::from(candidate).for_staff())
            .map_err(|e| AppError::Internal(e.into()))?;
        let findings = recorded_findings(&app.findings).unwrap_or_default();
        let evaluation = evaluate_form(&form, &findings, &pos.mode, &pos.org_kind, self.today());
        tx.resnapshot_application(id, &form.to_string(), evaluation.category.map(i64::from), self.now())
            .await?;
        Ok(())
    }

    /// Passing the review (review → passed) needs every checklist item checked.
    pub(crate) async fn application_passing(&self, tx: &mut Tx, t: &Transitioned<'_>) -> Result<()> {
        let id = parse_id(&t.item.object_id)?;
        let app = tx
            .application(id)
            .await?
            .ok_or_else(|| AppError::NotFound("报名".into()))?;
        let missing: Vec<&str> = checklist_rows(&app.checklist)
            .into_iter()
            .filter(|r| !r.checked)
            .map(|r| r.label)
            .collect();
        if !missing.is_empty() {
            return Err(AppError::invalid(
                "checklist",
                format!(
                    "资格审查通过：请先核对并勾选审查清单的全部项目（尚未勾选：{}）",
                    missing.join("；")
                ),
            ));
        }
        Ok(())
    }

    /// Sending the letter (passed → offered) needs a generated letter, and the position's
    /// approved openings must not be exceeded by the applications holding one.
    pub(crate) async fn application_offering(&self, tx: &mut Tx, t: &Transitioned<'_>) -> Result<()> {
        let id = parse_id(&t.item.object_id)?;
        let app = tx
            .application(id)
            .await?
            .ok_or_else(|| AppError::NotFound("报名".into()))?;
        if tx.intent_letter_for(id).await?.is_none() {
            return Err(AppError::invalid(
                "letter",
                "发出意向书：尚未生成意向书，请先“生成意向书”并核对后再发出",
            ));
        }
        let pos = tx
            .application_position(app.position_id)
            .await?
            .ok_or_else(|| AppError::NotFound("岗位".into()))?;
        let holding = tx
            .count_applications_in_states(pos.position_id, id, &HOLDING_STATES)
            .await?;
        if holding + 1 > pos.openings {
            return Err(AppError::invalid(
                "openings",
                format!(
                    "发出意向书：“{}”岗位核定引进 {} 人，已发出意向书（含已接受、审批中、办理中和已引进）{} 人，再发出将超出核定人数，不能发出",
                    pos.title, pos.openings, holding
                ),
            ));
        }
        Ok(())
    }

    /// The applicant accepted the letter (offered → accepted).
    pub(crate) async fn application_letter_accepted(&self, tx: &mut Tx, t: &Transitioned<'_>) -> Result<()> {
        let id = parse_id(&t.item.object_id)?;
        tx.accept_intent_letter(id, self.now()).await.map_err(|e| match e {
            yincai_store::StoreError::NotFound => {
                AppError::invalid("letter", "接受意向书：意向书不存在，请联系人才工作协调办公室")
            }
            other => other.into(),
        })
    }
}

/// The letter's text: salutation, paragraphs, issuer and date (one a line).
fn letter_body(
    row: &ApplicationListRow,
    pos: &ApplicationPosition,
    eval: &CategoryEvaluation,
    today: jiff::civil::Date,
) -> String {
    let mode_name = name_of(MODES, &pos.mode);
    let category = eval.categories.iter().find(|c| Some(c.number) == eval.category);
    let mut articles = vec!["第十一条".to_string(), "第十二条第（三）项".to_string()];
    if let Some(c) = category {
        articles.insert(0, category_zh(c.number.into()));
    }
    let procedure = match pos.mode.as_str() {
        "transfer" => "由市委组织部、市人力资源和社会保障局为您办理调入手续",
        "special" => {
            "由用人单位与您签订服务协议（聘请、借调、兼职或合作研究），人才工作协调办公室协调有关部门为您提供服务、落实待遇"
        }
        _ => "由用人单位与您签订岗位聘任（用）合同，办理相关人事手续",
    };
    let category_line = match category {
        Some(c) => format!(
            "四、人才类别：经初步审查，您符合该办法{}“{}”的条件，最终以市人才工作领导小组审定为准。",
            category_zh(c.number.into()),
            c.reason
        ),
        None => "四、人才类别：由人才工作协调办公室结合有关材料认定，以市人才工作领导小组审定为准。".to_string(),
    };
    [
        format!("{}同志：", row.candidate_name),
        format!(
            "根据《阿拉山口市高层次和急需紧缺人才引进暂行办法》（阿市党办发〔2014〕90号）{}的规定，经资格审查，您符合{}“{}”岗位的引进条件。按照双方自愿的原则，{}拟以{}方式引进您。现将有关事项告知如下：",
            articles.join("、"),
            pos.org_name,
            pos.title,
            pos.org_name,
            mode_name
        ),
        format!("一、用人单位：{}。", pos.org_name),
        format!("二、引进岗位：{}（{}）。", pos.title, pos.plan_title),
        format!("三、引进方式：{mode_name}（第十一条）。"),
        category_line,
        format!(
            "五、您确认接受本意向书后，将列入拟聘人员名单报市人才工作领导小组审批；经批准后，{procedure}（第十二条第（四）项）。"
        ),
        "六、请自收到本意向书之日起十个工作日内，登录阿拉山口市人才引进服务平台，在“我的报名”中确认接受或放弃。本意向书不作为聘用合同或服务协议。"
            .to_string(),
        "阿拉山口市人才工作协调办公室".to_string(),
        yincai_domain::dates::date_in_numerals(today),
    ]
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_changed_by_a_correction_show_old_and_new() {
        let old = serde_json::json!({"name": "张三", "title_name": "中级", "honour_names": []});
        let new =
            serde_json::json!({"name": "张三", "title_name": "副高级", "honour_names": ["省部级有突出贡献的专家"]});
        let fields = form_fields(&new, Some(&old));
        let changed: Vec<(&str, Option<&str>, &str)> = fields
            .iter()
            .filter(|f| f.old.is_some())
            .map(|f| (f.key, f.old.as_deref(), f.value.as_str()))
            .collect();
        assert_eq!(
            changed,
            vec![
                ("title_name", Some("中级"), "副高级"),
                ("honour_names", Some(""), "省部级有突出贡献的专家"),
            ]
        );
        assert!(form_fields(&new, None).iter().all(|f| f.old.is_none()));
    }

    #[test]
    fn the_category_comes_from_what_the_form_states() {
        let form = serde_json::json!({
            "name": "张三",
            "education": [{"degree": "doctor", "institution": "新疆大学", "full_time": true}],
            "title": "vice_senior",
            "honours": ["provincial_expert"],
        });
        let today = jiff::civil::date(2026, 11, 24);
        let e = evaluate_form(&form, &Findings::new(), "recruit", "city_unit", today);
        assert_eq!(e.error, None);
        assert_eq!(e.category, Some(2), "{e:?}");
        assert!(e.categories.iter().any(|c| c.article == "10(2)"));
        let plain = serde_json::json!({"education": [{"degree": "master", "institution": "x", "full_time": true}]});
        assert_eq!(
            evaluate_form(&plain, &Findings::new(), "recruit", "city_unit", today).category,
            None
        );
    }

    #[test]
    fn the_reviews_findings_reach_categories_3_to_6() {
        let today = jiff::civil::date(2026, 11, 24);
        let finding = |code: &str| -> Findings {
            [(
                code.to_string(),
                Finding {
                    checked: true,
                    basis: "材料".into(),
                },
            )]
            .into()
        };
        let category =
            |form: &Value, findings: &Findings| evaluate_form(form, findings, "recruit", "city_unit", today).category;
        let master = serde_json::json!({"education": [{"degree": "master", "institution": "x", "full_time": true}]});
        let e = evaluate_form(&master, &finding("research_results"), "recruit", "city_unit", today);
        assert_eq!(e.category, Some(4), "{e:?}");
        assert_eq!(e.findings, ["取得科研成果"]);
        assert!(e.basis.contains("资格审查认定的取得科研成果"), "{}", e.basis);
        let bachelor =
            serde_json::json!({"education": [{"degree": "bachelor", "institution": "x", "full_time": true}]});
        assert_eq!(category(&bachelor, &finding("shortage_field")), Some(5));
        // Research results need a master's degree or a vice-senior title: a bachelor has neither.
        assert_eq!(category(&bachelor, &finding("research_results")), None);
        assert_eq!(category(&Value::Null, &finding("practical_talent")), Some(6));
        assert_eq!(category(&Value::Null, &finding("leading_technology")), Some(3));
        // An unchecked finding counts for nothing.
        let mut unchecked = finding("shortage_field");
        unchecked.get_mut("shortage_field").unwrap().checked = false;
        assert_eq!(category(&bachelor, &unchecked), None);
        assert_eq!(recorded_findings("{}"), None, "no findings recorded");
        assert_eq!(recorded_findings("not json"), None);
        assert_eq!(
            recorded_findings(r#"{"shortage_field":{"checked":true,"basis":"b"}}"#).map(|f| f.len()),
            Some(1)
        );
    }

    #[test]
    fn the_audit_states_the_findings_made_and_withdrawn() {
        let f = |pairs: &[(&str, bool)]| -> Findings {
            pairs
                .iter()
                .map(|(c, checked)| {
                    (
                        c.to_string(),
                        Finding {
                            checked: *checked,
                            basis: format!("{c}的材料"),
                        },
                    )
                })
                .collect()
        };
        assert_eq!(findings_summary(&Findings::new(), &Findings::new()), "审查认定：无");
        assert_eq!(
            findings_summary(
                &f(&[("research_results", true), ("shortage_field", false)]),
                &f(&[("shortage_field", true)])
            ),
            "审查认定：取得科研成果（依据：research_results的材料）；撤销认定：紧缺专业"
        );
    }
}
