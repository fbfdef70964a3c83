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

mod apply;
mod form;
mod hooks;
mod letters;
mod review;

pub use apply::ApplyPreview;
pub use form::{CategoryEvaluation, CategoryReason, FormField, category_zh, evaluate_form, form_fields};
pub use letters::LetterView;
pub use review::{
    CHECKLIST_ITEMS, CheckItem, CheckRow, Checklist, FINDING_BASIS_MAX, FINDING_ITEMS, Finding, FindingRow, Findings,
    ReviewInput, apply_findings, recorded_findings,
};
use review::{checklist_rows, finding_rows};

/// The object type of applications on workflow items, tasks and audit records.
pub const OBJECT: &str = "application";

/// Modes of introduction (Art. 11): code and name.
pub use yincai_policy::vocabulary::INTRODUCTION_MODES as MODES;

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
    /// Where the talent record the confirmation created is read (the applicant's own page,
    /// or the talent database's), once the application is confirmed.
    pub talent_link: Option<String>,
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

impl App {
    /// Applications for reviewers: the coordination office and leading group see every
    /// one, a unit those to its positions, a department those of its units.
    pub async fn applications(&self, actor: &Actor, f: &ApplicationFilter) -> Result<Page<ApplicationSummary>> {
        self.application_page(actor, f, 200).await
    }

    /// The applications under the list's filters for an export (up to `f.limit` rows from
    /// the first); the export is audited with its filters.
    pub async fn export_applications(
        &self,
        actor: &Actor,
        f: &ApplicationFilter,
        ctx: &RequestCtx,
    ) -> Result<Page<ApplicationSummary>> {
        let all = ApplicationFilter { offset: 0, ..f.clone() };
        let page = self.application_page(actor, &all, f.limit).await?;
        let number = |n: Option<i64>| n.map(|n| n.to_string());
        let state = f.state.as_deref().map(|s| APPLICATION.state_name(s));
        let summary = App::export_summary(
            "报名审查表",
            page.rows.len(),
            &[
                ("状态", state.as_deref()),
                ("岗位编号", number(f.position_id).as_deref()),
                ("计划编号", number(f.plan_id).as_deref()),
            ],
        );
        self.record_export(actor, ctx, "applications_exported", "application", summary)
            .await?;
        Ok(page)
    }

    async fn application_page(
        &self,
        actor: &Actor,
        f: &ApplicationFilter,
        cap: i64,
    ) -> Result<Page<ApplicationSummary>> {
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
                limit: f.limit.clamp(1, cap.max(1)),
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
        let talent_link = match tx.talent_by_application(id).await? {
            Some(_) if is_applicant => Some("/me/talent".to_string()),
            Some(t) if actor.has(Permission::TalentRead) => Some(format!("/talents/{}", t.id)),
            _ => None,
        };
        Ok(ApplicationView {
            talent_link,
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
}
