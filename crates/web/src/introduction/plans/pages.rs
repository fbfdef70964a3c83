//! Annual introduction plans (年度引进计划): the list, a unit's new plan and its edits in the
//! draft step, a plan's page with its positions and workflow panel, the coordination
//! office's announcement form, and the public announcement page (`/announcements/{id}`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use yincai_app::candidates::{DEGREES, TITLES};
use yincai_app::plans::{
    AnnouncementInput, AnnouncementView, MODES, PlanFilter, PlanInput, PlanListItem, PlanView, PositionInput,
};
use yincai_app::{AppError, FieldError, Permission};
use yincai_domain::workflow::ANNUAL_PLAN;

use crate::auth::{Form, MaybeUser, PageCall};
use crate::export::{Cell, Column, MAX_ROWS, col, xlsx};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, after_submit, form_status, render, render_with};
use crate::workflow::pages::WorkflowPanel;
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans", get(list).post(create))
        .route("/plans/new", get(new_form))
        .route("/plans/export.xlsx", get(export))
        .route("/plans/{id}", get(show).post(update))
        .route("/plans/{id}/edit", get(edit_form))
        .route("/plans/{id}/delete", post(delete_draft))
        .route(
            "/plans/{id}/announcement",
            get(announcement_form).post(save_announcement),
        )
        .route("/announcements/{id}", get(public_announcement))
}

type Options = &'static [(&'static str, &'static str)];

// ---------------------------------------------------------------- list

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    year: Option<String>,
    state: Option<String>,
    /// `deleted` after a draft was deleted.
    ok: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

impl ListQuery {
    /// The use case's filter: `limit` plans from `offset`.
    fn filter(&self, offset: i64, limit: i64) -> PlanFilter {
        PlanFilter {
            year: self.year.as_deref().and_then(|y| y.trim().parse().ok()),
            state: self.state.clone().filter(|s| !s.is_empty()),
            org_id: None,
            offset,
            limit,
        }
    }
}

#[derive(Template)]
#[template(path = "plans.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<PlanListItem>,
    year: String,
    state: String,
    states: Vec<(&'static str, &'static str)>,
    can_create: bool,
    pager: Pager,
    notice: &'static str,
    /// The export of what the list shows under its filters.
    export_link: String,
}

fn may_create(call: &PageCall) -> bool {
    call.actor.has(Permission::PlanDraft)
}

async fn list(call: PageCall, Query(q): Query<ListQuery>) -> PageResult {
    let year_text = q.year.clone().unwrap_or_default();
    let state_code = q.state.clone().unwrap_or_default();
    let page = call
        .app
        .plans(&call.actor, &q.filter(q.paging.offset(), q.paging.limit()))
        .await?;
    let pager = Pager::new(page.total, &q.paging, &[("year", &year_text), ("state", &state_code)]);
    Ok(render(&ListPage {
        layout: call.layout("年度引进计划", "/plans"),
        rows: page.rows,
        year: year_text,
        state: state_code,
        states: ANNUAL_PLAN.states.iter().map(|s| (s.code, s.name_zh)).collect(),
        can_create: may_create(&call),
        export_link: format!("/plans/export.xlsx?{}", pager.base),
        pager,
        notice: match q.ok.as_deref() {
            Some("deleted") => "草稿已删除。",
            _ => "",
        },
    }))
}

const PLAN_COLUMNS: [Column; 13] = [
    col("年度", 8.0),
    col("计划名称", 28.0),
    col("用人单位", 30.0),
    col("当前环节", 14.0),
    col("报名开始", 12.0),
    col("报名截止", 12.0),
    col("岗位", 22.0),
    col("人数", 8.0),
    col("专业领域", 18.0),
    col("引进方式", 10.0),
    col("最低学位", 10.0),
    col("专业要求", 22.0),
    col("最低职称", 12.0),
];

/// The plans under the list's filters as .xlsx, one row per position (year and count as
/// numbers, the application window as dates); the export is audited.
async fn export(call: PageCall, Query(q): Query<ListQuery>) -> PageResult {
    let (rows, total) = call
        .app
        .export_plans(&call.actor, &q.filter(0, MAX_ROWS), &call.ctx)
        .await?;
    let rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|(plan, position)| {
            let p = &plan.row.plan;
            let mut row = vec![
                Cell::Int(p.year),
                p.title.clone().into(),
                plan.row.org_name.clone().into(),
                plan.state_name.clone().into(),
                Cell::Date(p.open_date.clone().unwrap_or_default()),
                Cell::Date(p.close_date.clone().unwrap_or_default()),
            ];
            let limit_or = |code: &str, name: String| if code == "none" { "不限".to_string() } else { name };
            match position {
                Some(v) => row.extend([
                    v.row.title.into(),
                    Cell::Int(v.row.openings),
                    v.row.field.into(),
                    v.mode_name.into(),
                    limit_or(&v.row.min_degree, v.min_degree_name).into(),
                    v.row.majors.into(),
                    limit_or(&v.row.min_title, v.min_title_name).into(),
                ]),
                None => row.push("（未设岗位）".into()),
            }
            row
        })
        .collect();
    Ok(xlsx("年度引进计划", "年度计划", &PLAN_COLUMNS, &rows, total))
}

// ---------------------------------------------------------------- plan form

#[derive(Template)]
#[template(path = "plan_form.html")]
struct FormPage {
    layout: Layout,
    /// `None` for a new plan.
    plan_id: Option<i64>,
    form: PlanInput,
    rows: Vec<PositionInput>,
    errors: FieldErrors,
    modes: Options,
    degrees: Options,
    titles: Options,
}

impl FormPage {
    /// Every message about row `i` of the positions.
    fn row_errors(&self, i: &usize) -> Vec<&str> {
        let prefix = format!("positions[{i}].");
        self.errors
            .iter()
            .filter(|e| e.field.starts_with(&prefix))
            .map(|e| e.message.as_str())
            .collect()
    }
    fn version(&self) -> String {
        self.form.version.map(|v| v.to_string()).unwrap_or_default()
    }
    fn action(&self) -> String {
        match self.plan_id {
            Some(id) => format!("/plans/{id}"),
            None => "/plans".into(),
        }
    }
    fn row_id(&self, p: &PositionInput) -> String {
        p.id.map(|v| v.to_string()).unwrap_or_default()
    }
}

/// The typed rows plus blank ones, at least three.
fn position_rows(rows: &[PositionInput]) -> Vec<PositionInput> {
    let mut out = rows.to_vec();
    let want = (rows.len() + 1).max(3);
    while out.len() < want {
        out.push(PositionInput {
            mode: "recruit".into(),
            min_degree: "bachelor".into(),
            min_title: "none".into(),
            ..Default::default()
        });
    }
    out
}

fn form_page(call: &PageCall, plan_id: Option<i64>, form: PlanInput, errors: FieldErrors) -> Response {
    let title = match plan_id {
        Some(_) => "修改年度引进计划",
        None => "编制年度引进计划",
    };
    render_with(
        form_status(&errors),
        &FormPage {
            layout: call.layout(title, "/plans"),
            plan_id,
            rows: position_rows(&form.positions),
            form,
            errors,
            modes: MODES,
            degrees: DEGREES,
            titles: TITLES,
        },
    )
}

async fn new_form(call: PageCall) -> PageResult {
    if !may_create(&call) {
        return Err(AppError::Forbidden("年度引进计划由用人单位编制".into()).into());
    }
    let form = PlanInput {
        year: (call.app.today().year() + 1).to_string(),
        ..Default::default()
    };
    Ok(form_page(&call, None, form, FieldErrors::default()))
}

/// The form's fields: positions come as repeated `pos_*` fields, one of each per row
/// (text inputs and selects always send a value, so the rows line up).
fn plan_from_pairs(pairs: Vec<(String, String)>) -> PlanInput {
    let mut p = PlanInput::default();
    let mut cols: [Vec<String>; 10] = Default::default();
    for (k, v) in pairs {
        match k.as_str() {
            "year" => p.year = v,
            "title" => p.title = v,
            "note" => p.note = v,
            "version" => p.version = v.trim().parse().ok(),
            "pos_id" => cols[0].push(v),
            "pos_title" => cols[1].push(v),
            "pos_openings" => cols[2].push(v),
            "pos_field" => cols[3].push(v),
            "pos_mode" => cols[4].push(v),
            "pos_min_degree" => cols[5].push(v),
            "pos_majors" => cols[6].push(v),
            "pos_min_title" => cols[7].push(v),
            "pos_qualifications" => cols[8].push(v),
            "pos_requirements" => cols[9].push(v),
            _ => {}
        }
    }
    let rows = cols.iter().map(Vec::len).max().unwrap_or(0).min(100);
    let at = |col: usize, i: usize| cols[col].get(i).cloned().unwrap_or_default();
    p.positions = (0..rows)
        .map(|i| PositionInput {
            id: at(0, i).trim().parse().ok(),
            title: at(1, i),
            openings: at(2, i),
            field: at(3, i),
            mode: at(4, i),
            min_degree: at(5, i),
            majors: at(6, i),
            min_title: at(7, i),
            qualifications: at(8, i),
            requirements: at(9, i),
        })
        .collect();
    // Trailing blank rows of the form are not the user's: drop them so the error row
    // numbers match what was typed.
    while p.positions.last().is_some_and(|r| {
        r.id.is_none()
            && [
                &r.title,
                &r.openings,
                &r.field,
                &r.majors,
                &r.qualifications,
                &r.requirements,
            ]
            .iter()
            .all(|s| s.trim().is_empty())
    }) {
        p.positions.pop();
    }
    p
}

async fn create(call: PageCall, form: Form<Vec<(String, String)>>) -> PageResult {
    let input = plan_from_pairs(form.value);
    let result = call.app.create_plan(&call.actor, &input, &call.ctx).await;
    after_submit(
        result,
        |id| format!("/plans/{id}?ok=created"),
        |errors| async move { Ok(form_page(&call, None, input, errors)) },
    )
    .await
}

async fn edit_form(call: PageCall, Path(id): Path<i64>) -> PageResult {
    let v = call.app.plan(&call.actor, id).await?;
    if !v.may_edit {
        return Err(AppError::Forbidden(format!(
            "计划当前环节为“{}”：只有编制它的用人单位在“单位编制”环节（含被退回修改后）可以修改",
            v.state_name
        ))
        .into());
    }
    let form = PlanInput {
        org_id: None,
        year: v.plan.year.to_string(),
        title: v.plan.title.clone(),
        note: v.plan.note.clone(),
        positions: v.positions.iter().map(|p| PositionInput::from(&p.row)).collect(),
        version: Some(v.plan.version),
    };
    Ok(form_page(&call, Some(id), form, FieldErrors::default()))
}

async fn update(call: PageCall, Path(id): Path<i64>, form: Form<Vec<(String, String)>>) -> PageResult {
    let mut input = plan_from_pairs(form.value);
    match call.app.update_plan(&call.actor, id, &input, &call.ctx).await {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{id}?ok=saved")).into_response()),
        Err(e) if !e.field_errors().is_empty() => Ok(form_page(&call, Some(id), input, e.field_errors().into())),
        Err(AppError::Stale) => {
            input.version = Some(call.app.plan(&call.actor, id).await?.plan.version);
            let errors = vec![FieldError::new(
                "",
                "计划已在别处修改：您填写的内容保留在下方，请核对后再次保存",
            )];
            Ok(form_page(&call, Some(id), input, errors.into()))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- detail

#[derive(Debug, Default, serde::Deserialize)]
struct DetailQuery {
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "plan_detail.html")]
struct DetailPage {
    layout: Layout,
    v: PlanView,
    /// The workflow block (for those who act on workflows; others see the history below).
    panel: Option<WorkflowPanel>,
    notice: &'static str,
}

/// Deletes a draft never submitted (the page asks first); a plan that was submitted, or
/// someone else's, is refused on the error page with the reason (409 / 403).
async fn delete_draft(call: PageCall, Path(id): Path<i64>, _csrf_checked: Form<Vec<(String, String)>>) -> PageResult {
    call.app.delete_plan_draft(&call.actor, id, &call.ctx).await?;
    Ok(Redirect::to("/plans?ok=deleted").into_response())
}

async fn show(call: PageCall, Path(id): Path<i64>, Query(q): Query<DetailQuery>) -> PageResult {
    let v = call.app.plan(&call.actor, id).await?;
    let panel = match &v.item {
        Some(item) if call.actor.has(Permission::WorkflowAct) => {
            let view = call.app.workflow_item(&call.actor, item.id).await?;
            let today = call.app.today().to_string();
            Some(WorkflowPanel::new(&view, &call.actor, &today, &format!("/plans/{id}")))
        }
        _ => None,
    };
    let notice = match q.ok.as_deref() {
        Some("created") => "年度引进计划已保存。核对无误后，请在下方“办理进度”中提交主管部门审核。",
        Some("saved") => "已保存修改。",
        Some("announcement") => "公告已保存。核对无误后，请在下方“办理进度”中发布。",
        _ => "",
    };
    Ok(render(&DetailPage {
        layout: call.layout(format!("年度引进计划：{}", v.plan.title), "/plans"),
        v,
        panel,
        notice,
    }))
}

// ---------------------------------------------------------------- announcement form

#[derive(Template)]
#[template(path = "plan_announcement.html")]
struct AnnouncementPage {
    layout: Layout,
    v: PlanView,
    form: AnnouncementInput,
    errors: FieldErrors,
    today: String,
}

impl AnnouncementPage {
    fn version(&self) -> String {
        self.form.version.map(|v| v.to_string()).unwrap_or_default()
    }
}

async fn announcement_page(
    call: &PageCall,
    id: i64,
    form: Option<AnnouncementInput>,
    errors: FieldErrors,
) -> PageResult {
    let v = call.app.plan(&call.actor, id).await?;
    if !v.may_set_announcement {
        return Err(AppError::Forbidden(format!(
            "计划当前环节为“{}”：引进公告由协调办在领导小组审定同意后（“已批准待发布”）填写",
            v.state_name
        ))
        .into());
    }
    let form = form.unwrap_or_else(|| AnnouncementInput {
        title: v
            .plan
            .announcement_title
            .clone()
            .unwrap_or_else(|| format!("{}{}年度高层次和急需紧缺人才引进公告", v.org_name, v.plan.year)),
        body: v.plan.announcement_body.clone().unwrap_or_default(),
        open_date: v.plan.open_date.clone().unwrap_or_default(),
        close_date: v.plan.close_date.clone().unwrap_or_default(),
        version: Some(v.plan.version),
    });
    Ok(render_with(
        form_status(&errors),
        &AnnouncementPage {
            layout: call.layout(format!("填写引进公告：{}", v.plan.title), "/plans"),
            v,
            form,
            errors,
            today: call.app.today().to_string(),
        },
    ))
}

async fn announcement_form(call: PageCall, Path(id): Path<i64>) -> PageResult {
    announcement_page(&call, id, None, FieldErrors::default()).await
}

#[derive(Debug, Default, serde::Deserialize)]
struct AnnouncementForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    open_date: String,
    #[serde(default)]
    close_date: String,
    #[serde(default)]
    version: String,
}

async fn save_announcement(call: PageCall, Path(id): Path<i64>, form: Form<AnnouncementForm>) -> PageResult {
    let f = form.value;
    let mut input = AnnouncementInput {
        title: f.title,
        body: f.body,
        open_date: f.open_date,
        close_date: f.close_date,
        version: f.version.trim().parse().ok(),
    };
    match call.app.set_announcement(&call.actor, id, &input, &call.ctx).await {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{id}?ok=announcement")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            announcement_page(&call, id, Some(input), e.field_errors().into()).await
        }
        Err(AppError::Stale) => {
            input.version = Some(call.app.plan(&call.actor, id).await?.plan.version);
            let errors = vec![FieldError::new(
                "",
                "计划已在别处修改：您填写的内容保留在下方，请核对后再次保存",
            )];
            announcement_page(&call, id, Some(input), errors.into()).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- public announcement

#[derive(Template)]
#[template(path = "announcement.html")]
struct PublicPage {
    layout: Layout,
    a: AnnouncementView,
}

async fn public_announcement(
    State(state): State<AppState>,
    MaybeUser(actor): MaybeUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.announcement(id).await {
        Ok(a) => render(&PublicPage {
            layout: Layout::new(a.title.clone(), actor.as_ref(), "/"),
            a,
        }),
        Err(e) => crate::PageError(e).into_response(),
    }
}
