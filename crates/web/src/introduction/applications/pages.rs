//! Applications (报名, Art. 12(2)-(3)): applying to a position, the applicant's own
//! applications with their history and actions, the coordination office's list and review
//! page (form with the changes of a 补正 highlighted, Art. 10 category with its reasons,
//! checklist and findings (审查认定) with their basis), and the intent letter's print page. Actions go through the generic
//! workflow form (`/workflow/{id}/act`), which comes back here.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::applications::{
    ApplicationFilter, ApplicationSummary, ApplicationView, ApplyPreview, CHECKLIST_ITEMS, CheckItem, Checklist,
    FINDING_BASIS_MAX, FINDING_ITEMS, Finding, FindingRow, Findings, LetterView, MyApplication, ReviewInput,
};
use yincai_app::{AppError, FieldError, Permission};
use yincai_domain::workflow::APPLICATION;

use crate::auth::{Form, NoFields, PageCall};
use crate::export::{Cell, Column, MAX_ROWS, col, xlsx};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, after_submit, form_status, render, render_with};
use crate::workflow::pages::WorkflowPanel;
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/positions/{id}/apply", get(apply_page).post(apply))
        .route("/me/applications", get(mine))
        .route("/applications", get(list))
        .route("/applications/export.xlsx", get(export))
        .route("/applications/{id}", get(show))
        .route("/applications/{id}/checklist", post(save_checklist))
        .route("/applications/{id}/letter", get(letter).post(generate_letter))
}

#[derive(Debug, Default, serde::Deserialize)]
struct OkQuery {
    ok: Option<String>,
}

// ---- Applying --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "application_apply.html")]
struct ApplyPage {
    layout: Layout,
    p: ApplyPreview,
    errors: FieldErrors,
}

async fn apply_page_with(call: &PageCall, id: i64, status: StatusCode, errors: FieldErrors) -> PageResult {
    let p = call.app.apply_preview(&call.actor, id).await?;
    Ok(render_with(
        status,
        &ApplyPage {
            layout: call.layout(format!("报名：{}", p.position.title), "/me/applications"),
            p,
            errors,
        },
    ))
}

async fn apply_page(call: PageCall, Path(id): Path<i64>) -> PageResult {
    apply_page_with(&call, id, StatusCode::OK, FieldErrors::default()).await
}

async fn apply(call: PageCall, Path(id): Path<i64>, _checked: Form<NoFields>) -> PageResult {
    match call.app.apply(&call.actor, id, &call.ctx).await {
        Ok(_) => Ok(Redirect::to("/me/applications?ok=applied").into_response()),
        Err(e @ AppError::Duplicate(_)) => {
            apply_page_with(&call, id, StatusCode::CONFLICT, e.field_errors().into()).await
        }
        Err(e) if !e.field_errors().is_empty() => {
            apply_page_with(&call, id, StatusCode::UNPROCESSABLE_ENTITY, e.field_errors().into()).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- The applicant's own applications ----------------------------------------------------

struct MyCard {
    a: MyApplication,
    panel: WorkflowPanel,
}

#[derive(Template)]
#[template(path = "applications_mine.html")]
struct MinePage {
    layout: Layout,
    cards: Vec<MyCard>,
    notice: &'static str,
}

async fn mine(call: PageCall, Query(q): Query<OkQuery>) -> PageResult {
    let apps = call.app.my_applications(&call.actor).await?;
    let today = call.app.today().to_string();
    let mut cards = Vec::with_capacity(apps.len());
    for a in apps {
        let view = call.app.workflow_item(&call.actor, a.summary.item_id).await?;
        let panel = WorkflowPanel::new(&view, &call.actor, &today, "/me/applications");
        cards.push(MyCard { a, panel });
    }
    let notice = match q.ok.as_deref() {
        Some("applied") => "报名已提交，等待人才工作协调办公室资格审查。",
        _ => "",
    };
    Ok(render(&MinePage {
        layout: call.layout("我的报名", "/me/applications"),
        cards,
        notice,
    }))
}

// ---- Reviewers' list -----------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    state: Option<String>,
    position: Option<String>,
    plan: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

impl ListQuery {
    /// The use case's filter: `limit` rows from `offset`.
    fn filter(&self, offset: i64, limit: i64) -> ApplicationFilter {
        let num = |s: &Option<String>| s.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
        ApplicationFilter {
            state: self.state.clone(),
            position_id: num(&self.position),
            plan_id: num(&self.plan),
            offset,
            limit,
        }
    }
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<ApplicationSummary>,
    states: Vec<(&'static str, &'static str)>,
    state: String,
    position: String,
    plan: String,
    pager: Pager,
    /// The export of what the list shows under its filters.
    export_link: String,
}

async fn list(call: PageCall, Query(q): Query<ListQuery>) -> PageResult {
    let page = call
        .app
        .applications(&call.actor, &q.filter(q.paging.offset(), q.paging.limit()))
        .await?;
    let st = q.state.clone().unwrap_or_default();
    let position = q.position.clone().unwrap_or_default();
    let plan = q.plan.clone().unwrap_or_default();
    let pager = Pager::new(
        page.total,
        &q.paging,
        &[("state", &st), ("position", &position), ("plan", &plan)],
    );
    Ok(render(&ListPage {
        layout: call.layout("报名与资格审查", "/applications"),
        rows: page.rows,
        states: APPLICATION.states.iter().map(|s| (s.code, s.name_zh)).collect(),
        state: st,
        position,
        plan,
        export_link: format!("/applications/export.xlsx?{}", pager.base),
        pager,
    }))
}

const APPLICATION_COLUMNS: [Column; 9] = [
    col("编号", 8.0),
    col("姓名", 12.0),
    col("岗位", 24.0),
    col("年度计划", 28.0),
    col("引进单位", 30.0),
    col("方式", 10.0),
    col("人才类别", 10.0),
    col("状态", 14.0),
    col("办理期限", 12.0),
];

/// The review list under its filters as .xlsx (the number and the category as numbers, the
/// deadline as a date); the export is audited.
async fn export(call: PageCall, Query(q): Query<ListQuery>) -> PageResult {
    let page = call
        .app
        .export_applications(&call.actor, &q.filter(0, MAX_ROWS), &call.ctx)
        .await?;
    let rows: Vec<Vec<Cell>> = page
        .rows
        .into_iter()
        .map(|r| {
            vec![
                Cell::Int(r.id),
                r.candidate_name.into(),
                r.position_title.into(),
                r.plan_title.into(),
                r.org_name.into(),
                r.mode_name.into(),
                r.category.map_or_else(|| Cell::Text(String::new()), Cell::Int),
                r.state_name.into(),
                Cell::Date(r.due_date.unwrap_or_default()),
            ]
        })
        .collect();
    Ok(xlsx("报名审查表", "报名审查", &APPLICATION_COLUMNS, &rows, page.total))
}

// ---- One application: review page --------------------------------------------------------

#[derive(Template)]
#[template(path = "application_detail.html")]
struct DetailPage {
    layout: Layout,
    v: ApplicationView,
    panel: Option<WorkflowPanel>,
    /// The checklist as typed, after an error.
    checklist: Vec<(&'static str, &'static str, bool, String)>,
    /// The findings (审查认定) as typed, after an error.
    findings: Vec<FindingRow>,
    basis_max: usize,
    errors: FieldErrors,
    notice: &'static str,
}

impl DetailPage {
    fn note_error(&self, code: &str) -> &str {
        self.errors.on(&format!("note_{code}"))
    }
    fn basis_error(&self, code: &str) -> &str {
        self.errors.on(&format!("basis_{code}"))
    }
}

/// What the review form typed: the checklist and the findings.
struct Typed {
    checklist: Checklist,
    findings: Findings,
}

async fn detail_page(
    call: &PageCall,
    id: i64,
    typed: Option<Typed>,
    errors: FieldErrors,
    notice: &'static str,
) -> PageResult {
    let v = call.app.application(&call.actor, id).await?;
    let panel = if call.actor.has(Permission::WorkflowAct) || v.is_applicant {
        let view = call.app.workflow_item(&call.actor, v.summary.item_id).await?;
        let today = call.app.today().to_string();
        Some(WorkflowPanel::new(
            &view,
            &call.actor,
            &today,
            &format!("/applications/{id}"),
        ))
    } else {
        None
    };
    let checklist = match &typed {
        Some(t) => CHECKLIST_ITEMS
            .iter()
            .map(|(code, label)| {
                let item = t.checklist.get(*code).cloned().unwrap_or_default();
                (*code, *label, item.checked, item.note)
            })
            .collect(),
        None => v
            .checklist
            .iter()
            .map(|r| (r.code, r.label, r.checked, r.note.clone()))
            .collect(),
    };
    let findings = match &typed {
        Some(t) => FINDING_ITEMS
            .iter()
            .map(|(code, label, hint)| {
                let f = t.findings.get(*code).cloned().unwrap_or_default();
                FindingRow {
                    code,
                    label,
                    hint,
                    checked: f.checked,
                    basis: f.basis,
                }
            })
            .collect(),
        None => v.findings.clone(),
    };
    let status = form_status(&errors);
    let active = if v.is_applicant {
        "/me/applications"
    } else {
        "/applications"
    };
    Ok(render_with(
        status,
        &DetailPage {
            layout: call.layout(
                format!("报名：{} → {}", v.summary.candidate_name, v.summary.position_title),
                active,
            ),
            v,
            panel,
            checklist,
            findings,
            basis_max: FINDING_BASIS_MAX,
            errors,
            notice,
        },
    ))
}

async fn show(call: PageCall, Path(id): Path<i64>, Query(q): Query<OkQuery>) -> PageResult {
    let notice = match q.ok.as_deref() {
        Some("checklist") => "审查清单已保存（含审查认定），人才类别已按登记表和审查认定重新计算。",
        _ => "",
    };
    detail_page(&call, id, None, FieldErrors::default(), notice).await
}

/// The review form's fields: the checklist's `check_<code>` (checkbox) and `note_<code>`,
/// the findings' `finding_<code>` (checkbox) and `basis_<code>`, plus `version`.
fn review_from_pairs(pairs: &[(String, String)]) -> (Typed, Option<i64>) {
    let mut list = Checklist::new();
    let mut findings = Findings::new();
    let mut version = None;
    for (code, _) in CHECKLIST_ITEMS {
        list.insert(code.to_string(), CheckItem::default());
    }
    for (code, _, _) in FINDING_ITEMS {
        findings.insert(code.to_string(), Finding::default());
    }
    for (k, v) in pairs {
        if k == "version" {
            version = v.trim().parse().ok();
        } else if let Some(code) = k.strip_prefix("check_") {
            if let Some(item) = list.get_mut(code) {
                item.checked = !v.is_empty();
            }
        } else if let Some(code) = k.strip_prefix("note_") {
            if let Some(item) = list.get_mut(code) {
                item.note = v.clone();
            }
        } else if let Some(code) = k.strip_prefix("finding_") {
            if let Some(f) = findings.get_mut(code) {
                f.checked = !v.is_empty();
            }
        } else if let Some(code) = k.strip_prefix("basis_")
            && let Some(f) = findings.get_mut(code)
        {
            f.basis = v.clone();
        }
    }
    (
        Typed {
            checklist: list,
            findings,
        },
        version,
    )
}

async fn save_checklist(call: PageCall, Path(id): Path<i64>, form: Form<Vec<(String, String)>>) -> PageResult {
    let (typed, version) = review_from_pairs(&form.value);
    let input = ReviewInput {
        version,
        checklist: typed.checklist.clone(),
        findings: Some(typed.findings.clone()),
        ..Default::default()
    };
    match call.app.review_application(&call.actor, id, &input, &call.ctx).await {
        Ok(()) => Ok(Redirect::to(&format!("/applications/{id}?ok=checklist")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            detail_page(&call, id, Some(typed), e.field_errors().into(), "").await
        }
        Err(AppError::Stale) => {
            let errors = vec![FieldError::new(
                "checklist",
                "审查清单已被他人修改：您勾选和填写的内容（含审查认定）保留在下方，请核对后再次保存",
            )];
            detail_page(&call, id, Some(typed), errors.into(), "").await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- The intent letter ---------------------------------------------------------------------

async fn generate_letter(call: PageCall, Path(id): Path<i64>, _checked: Form<NoFields>) -> PageResult {
    let result = call.app.generate_letter(&call.actor, id, &call.ctx).await;
    after_submit(
        result,
        |_| format!("/applications/{id}/letter"),
        |errors| detail_page(&call, id, None, errors, ""),
    )
    .await
}

#[derive(Template)]
#[template(path = "intent_letter.html")]
struct LetterPage {
    l: LetterView,
    back: String,
}

async fn letter(call: PageCall, Path(id): Path<i64>) -> PageResult {
    let l = call.app.letter(&call.actor, id).await?;
    let back = if call.actor.has(Permission::WorkflowAct) {
        format!("/applications/{id}")
    } else {
        "/me/applications".into()
    };
    Ok(render(&LetterPage { l, back }))
}
