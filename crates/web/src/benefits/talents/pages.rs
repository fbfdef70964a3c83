//! The end of the introduction in the browser: the unit's procedure form by mode
//! (`/applications/{id}/procedure`), the talent database (`/talents`, Art. 6) with each
//! record's frozen evaluation and the chain of steps that led there, the talent's own
//! record (`/me/talent`), and the coordination office's 一事一议 cases (`/special-cases`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::fixings::{Fixable, FixingView};
use yincai_app::special_cases::{SpecialCaseInput, SpecialCaseView};
use yincai_app::talents::{
    AGREEMENT_KINDS, ALL_MODES, BankAccountInput, ProcedureInput, ProcedureView, TRANSFER_STEPS, TalentFilter,
    TalentListRow, TalentView, TransferStepInput,
};
use yincai_app::{AppError, FieldError, Permission};
use yincai_store::SpecialCaseQuery;

use crate::auth::{Form, PageCall};
use crate::export::{Cell, Column, MAX_ROWS, col, xlsx};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, after_submit, form_status, render, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/talents", get(list))
        .route("/talents/export.xlsx", get(export))
        .route("/talents/{id}", get(show))
        .route("/talents/{id}/bank-account", post(save_bank_account))
        .route("/me/talent", get(mine))
        .route("/me/talent/bank-account", post(save_my_bank_account))
        .route("/applications/{id}/procedure", get(procedure_form).post(save_procedure))
        .route("/special-cases", get(cases).post(open_case))
        .route("/special-cases/export.xlsx", get(export_cases))
        .route("/special-cases/new", get(new_case))
        .route("/special-cases/{id}", get(show_case).post(edit_case))
        .route("/special-cases/{id}/submit", post(submit_case))
}

type Options = &'static [(&'static str, &'static str)];

// ---- the talent database ------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    #[serde(flatten)]
    filter: TalentFilter,
    #[serde(flatten)]
    paging: Paging,
}

#[derive(Template)]
#[template(path = "talents.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<TalentListRow>,
    name: String,
    unit: String,
    category: String,
    mode: String,
    start_year: String,
    modes: Options,
    errors: FieldErrors,
    pager: Pager,
    /// The export of what the list shows under its filters.
    export_link: String,
}

async fn list(call: PageCall, Query(q): Query<ListQuery>) -> PageResult {
    let f = &q.filter;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (name, unit, category, mode, start_year) = (
        text(&f.name),
        text(&f.unit),
        text(&f.category),
        text(&f.mode),
        text(&f.start_year),
    );
    let (rows, total, errors) = match call
        .app
        .talents(&call.actor, f, q.paging.offset(), q.paging.limit())
        .await
    {
        Ok(page) => (page.rows, page.total, FieldErrors::default()),
        Err(e) if !e.field_errors().is_empty() => (vec![], 0, e.field_errors().into()),
        Err(e) => return Err(e.into()),
    };
    let pager = Pager::new(
        total,
        &q.paging,
        &[
            ("name", &name),
            ("unit", &unit),
            ("category", &category),
            ("mode", &mode),
            ("start_year", &start_year),
        ],
    );
    Ok(render_with(
        form_status(&errors),
        &ListPage {
            layout: call.layout("人才库", "/talents"),
            rows,
            name,
            unit,
            category,
            mode,
            start_year,
            modes: ALL_MODES,
            errors,
            export_link: format!("/talents/export.xlsx?{}", pager.base),
            pager,
        },
    ))
}

const TALENT_COLUMNS: [Column; 6] = [
    col("姓名", 12.0),
    col("用人单位", 32.0),
    col("引进方式", 10.0),
    col("人才类别", 10.0),
    col("开始日期", 12.0),
    col("服务期至", 12.0),
];

/// The talent database under the list's filters, as .xlsx (dates as dates, the category as
/// a number); the export is audited.
async fn export(call: PageCall, Query(q): Query<ListQuery>) -> PageResult {
    let page = call
        .app
        .export_talents(&call.actor, &q.filter, MAX_ROWS, &call.ctx)
        .await?;
    let rows: Vec<Vec<Cell>> = page
        .rows
        .into_iter()
        .map(|r| {
            vec![
                r.name.into(),
                r.org_name.into(),
                r.mode_name.into(),
                r.category.map_or_else(|| Cell::Text(String::new()), Cell::Int),
                Cell::Date(r.start_date),
                Cell::Date(r.end_date.unwrap_or_default()),
            ]
        })
        .collect();
    Ok(xlsx("人才库", "人才库", &TALENT_COLUMNS, &rows, page.total))
}

#[derive(Template)]
#[template(path = "talent_detail.html")]
struct DetailPage {
    layout: Layout,
    /// `None` on `/me/talent` before the introduction is confirmed.
    talent: Option<TalentView>,
    own: bool,
    /// Entitlements whose amount the leading group fixes (Art. 14 ranges, 14(7)).
    fixable: Vec<Fixable>,
    fixings: Vec<FixingView>,
    /// The viewer may propose an amount (the coordination office).
    may_propose: bool,
    /// The viewer may record the bank account (the talent on their own record, the office).
    may_record_bank: bool,
    /// The bank account form as typed (kept on an error), its errors, and whether it was saved.
    bank: BankAccountInput,
    bank_errors: FieldErrors,
    bank_saved: bool,
}

impl DetailPage {
    fn yuan(&self, fen: &i64) -> String {
        yincai_domain::money::Fen(*fen).yuan_string()
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct DetailQuery {
    #[serde(default)]
    bank: String,
}

/// The talent's page (`id`) or the talent's own (`None`), with the bank form as typed.
async fn detail_page(
    call: &PageCall,
    id: Option<i64>,
    bank: BankAccountInput,
    bank_errors: FieldErrors,
    bank_saved: bool,
) -> PageResult {
    let status = form_status(&bank_errors);
    let page = match id {
        Some(id) => {
            let t = call.app.talent(&call.actor, id).await?;
            DetailPage {
                layout: call.layout(format!("人才档案：{}", t.row.name), "/talents"),
                talent: Some(t),
                own: false,
                fixable: call.app.fixable_benefits(&call.actor, id).await?,
                fixings: call.app.fixings_of_talent(&call.actor, id).await?,
                may_propose: call.actor.has(Permission::FixingPropose) && call.actor.has(Permission::WorkflowAct),
                may_record_bank: call.actor.has(Permission::ReleaseStart),
                bank,
                bank_errors,
                bank_saved,
            }
        }
        None => DetailPage {
            layout: call.layout("我的人才档案", "/me/talent"),
            talent: call.app.my_talent(&call.actor).await?,
            own: true,
            fixable: Vec::new(),
            fixings: Vec::new(),
            may_propose: false,
            may_record_bank: true,
            bank,
            bank_errors,
            bank_saved,
        },
    };
    Ok(render_with(status, &page))
}

async fn show(call: PageCall, Path(id): Path<i64>, Query(q): Query<DetailQuery>) -> PageResult {
    let saved = q.bank == "saved";
    detail_page(
        &call,
        Some(id),
        BankAccountInput::default(),
        FieldErrors::default(),
        saved,
    )
    .await
}

async fn mine(call: PageCall, Query(q): Query<DetailQuery>) -> PageResult {
    let saved = q.bank == "saved";
    detail_page(&call, None, BankAccountInput::default(), FieldErrors::default(), saved).await
}

/// The office records a talent's bank account; an error shows the form again as typed.
async fn save_bank_account(call: PageCall, Path(id): Path<i64>, form: Form<BankAccountInput>) -> PageResult {
    let result = call
        .app
        .record_bank_account(&call.actor, id, &form.value, &call.ctx)
        .await;
    after_submit(
        result,
        |()| format!("/talents/{id}?bank=saved#bank"),
        |errors| detail_page(&call, Some(id), form.value.clone(), errors, false),
    )
    .await
}

/// The talent records the account they are paid into, on their own record.
async fn save_my_bank_account(call: PageCall, form: Form<BankAccountInput>) -> PageResult {
    let result = call
        .app
        .record_my_bank_account(&call.actor, &form.value, &call.ctx)
        .await;
    after_submit(
        result,
        |()| "/me/talent?bank=saved#bank".to_string(),
        |errors| detail_page(&call, None, form.value.clone(), errors, false),
    )
    .await
}

// ---- the procedure by mode ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "procedure_form.html")]
struct ProcedurePage {
    layout: Layout,
    p: ProcedureView,
    form: ProcedureInput,
    steps: Vec<TransferStepInput>,
    errors: FieldErrors,
    saved: bool,
    kinds: Options,
    step_names: Options,
}

impl ProcedurePage {
    fn step_error(&self, i: &usize, part: &str) -> &str {
        self.errors.on(&format!("steps[{i}].{part}"))
    }
    fn version(&self) -> String {
        self.form.version.map(|v| v.to_string()).unwrap_or_default()
    }
}

/// The transfer rows: what was typed plus blank rows, at least four.
fn step_rows(rows: &[TransferStepInput]) -> Vec<TransferStepInput> {
    let mut out = rows.to_vec();
    let want = (rows.len() + 1).max(4);
    while out.len() < want {
        out.push(TransferStepInput::default());
    }
    out
}

async fn procedure_page(
    call: &PageCall,
    id: i64,
    form: Option<ProcedureInput>,
    errors: FieldErrors,
    saved: bool,
) -> PageResult {
    let p = call.app.procedure(&call.actor, id).await?;
    let form = form.unwrap_or_else(|| match &p.details {
        Some(d) => ProcedureInput::from_details(d, p.version.unwrap_or(1)),
        None => ProcedureInput {
            probation_months: "0".into(),
            ..Default::default()
        },
    });
    Ok(render_with(
        form_status(&errors),
        &ProcedurePage {
            layout: call.layout(format!("引进手续：{}", p.application.candidate_name), "/workbench"),
            steps: step_rows(&form.steps),
            p,
            form,
            errors,
            saved,
            kinds: &AGREEMENT_KINDS,
            step_names: &TRANSFER_STEPS,
        },
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
struct SavedQuery {
    ok: Option<String>,
}

async fn procedure_form(call: PageCall, Path(id): Path<i64>, Query(q): Query<SavedQuery>) -> PageResult {
    procedure_page(&call, id, None, FieldErrors::default(), q.ok.is_some()).await
}

/// The form's fields from the posted pairs; transfer steps come as repeated `step_*`.
fn procedure_from_pairs(pairs: Vec<(String, String)>) -> ProcedureInput {
    let mut p = ProcedureInput::default();
    let mut cols: [Vec<String>; 3] = Default::default();
    for (k, v) in pairs {
        match k.as_str() {
            "contract_number" => p.contract_number = v,
            "signed_on" => p.signed_on = v,
            "start_date" => p.start_date = v,
            "end_date" => p.end_date = v,
            "term_years" => p.term_years = v,
            "probation_months" => p.probation_months = v,
            "agreement_kind" => p.agreement_kind = v,
            "months_per_year" => p.months_per_year = v,
            "version" => p.version = v.trim().parse().ok(),
            "step_name" => cols[0].push(v),
            "step_done_on" => cols[1].push(v),
            "step_document" => cols[2].push(v),
            _ => {}
        }
    }
    let rows = cols.iter().map(Vec::len).max().unwrap_or(0).min(20);
    let at = |c: usize, i: usize| cols[c].get(i).cloned().unwrap_or_default();
    p.steps = (0..rows)
        .map(|i| TransferStepInput {
            step: at(0, i),
            done_on: at(1, i),
            document_number: at(2, i),
        })
        .filter(|s| !(s.step.is_empty() && s.done_on.trim().is_empty() && s.document_number.trim().is_empty()))
        .collect();
    p
}

async fn save_procedure(call: PageCall, Path(id): Path<i64>, form: Form<Vec<(String, String)>>) -> PageResult {
    let input = procedure_from_pairs(form.value);
    match call.app.save_procedure(&call.actor, id, &input, &call.ctx).await {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}/procedure?ok=saved")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            procedure_page(&call, id, Some(input), e.field_errors().into(), false).await
        }
        Err(AppError::Stale) => {
            let errors = vec![FieldError::new(
                "",
                "引进手续已在别处修改：您填写的内容保留在下方，请核对后再次保存",
            )];
            let mut input = input;
            input.version = call.app.procedure(&call.actor, id).await?.version;
            procedure_page(&call, id, Some(input), errors.into(), false).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- 一事一议 -------------------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
struct CaseListQuery {
    q: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

impl CaseListQuery {
    fn query(&self, offset: i64, limit: i64) -> SpecialCaseQuery {
        SpecialCaseQuery {
            text: self.q.clone(),
            state: None,
            offset,
            limit,
        }
    }
}

const CASE_COLUMNS: [Column; 7] = [
    col("编号", 8.0),
    col("人才", 12.0),
    col("事由", 40.0),
    col("拟议待遇", 36.0),
    col("拟议金额（元）", 14.0),
    col("状态", 14.0),
    col("提出日期", 12.0),
];

/// The cases under the list's filter as .xlsx (the proposed amount in yuan with a 合计
/// row, the date a date); the export is audited.
async fn export_cases(call: PageCall, Query(query): Query<CaseListQuery>) -> PageResult {
    let page = call
        .app
        .export_special_cases(&call.actor, &query.query(0, MAX_ROWS), &call.ctx)
        .await?;
    let rows: Vec<Vec<Cell>> = page
        .rows
        .into_iter()
        .map(|c| {
            vec![
                Cell::Int(c.row.id),
                c.row.candidate_name.into(),
                c.row.reason.into(),
                c.treatment.text.into(),
                c.treatment
                    .amount_yuan
                    .map_or_else(|| Cell::Text(String::new()), |y| Cell::Money(y.saturating_mul(100))),
                c.state_name.into(),
                Cell::Date(yincai_app::clock::beijing_date(c.row.created_at).to_string()),
            ]
        })
        .collect();
    Ok(xlsx("一事一议", "一事一议", &CASE_COLUMNS, &rows, page.total))
}

#[derive(Template)]
#[template(path = "special_cases.html")]
struct CasesPage {
    layout: Layout,
    rows: Vec<SpecialCaseView>,
    q: String,
    can_open: bool,
    pager: Pager,
    /// The export of what the list shows under its filter.
    export_link: String,
}

async fn cases(call: PageCall, Query(query): Query<CaseListQuery>) -> PageResult {
    let page = call
        .app
        .special_cases(&call.actor, &query.query(query.paging.offset(), query.paging.limit()))
        .await?;
    let q = query.q.clone().unwrap_or_default();
    let pager = Pager::new(page.total, &query.paging, &[("q", &q)]);
    Ok(render(&CasesPage {
        layout: call.layout("一事一议", "/special-cases"),
        rows: page.rows,
        q,
        can_open: call.actor.has(Permission::SpecialCasePropose),
        export_link: format!("/special-cases/export.xlsx?{}", pager.base),
        pager,
    }))
}

#[derive(Template)]
#[template(path = "special_case_form.html")]
struct CaseFormPage {
    layout: Layout,
    candidate_name: String,
    form: SpecialCaseInput,
    errors: FieldErrors,
}

#[derive(Debug, Default, serde::Deserialize)]
struct NewCaseQuery {
    candidate: Option<String>,
}

async fn case_form_page(call: &PageCall, form: SpecialCaseInput, errors: FieldErrors) -> PageResult {
    // The candidate's name, if the id names a form the actor may read.
    let candidate_name = match form.candidate_id.trim().parse::<i64>() {
        Ok(id) => call
            .app
            .candidate(&call.actor, id)
            .await
            .map(|c| c.name)
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok(render_with(
        form_status(&errors),
        &CaseFormPage {
            layout: call.layout("发起一事一议", "/special-cases"),
            candidate_name,
            form,
            errors,
        },
    ))
}

async fn new_case(call: PageCall, Query(q): Query<NewCaseQuery>) -> PageResult {
    if !call.actor.has(Permission::SpecialCasePropose) {
        return Err(AppError::Forbidden("一事一议由人才工作协调办发起".into()).into());
    }
    let form = SpecialCaseInput {
        candidate_id: q.candidate.unwrap_or_default(),
        ..Default::default()
    };
    case_form_page(&call, form, FieldErrors::default()).await
}

async fn open_case(call: PageCall, form: Form<SpecialCaseInput>) -> PageResult {
    let input = form.value;
    let result = call.app.open_special_case(&call.actor, &input, &call.ctx).await;
    after_submit(
        result,
        |id| format!("/special-cases/{id}"),
        |errors| case_form_page(&call, input, errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "special_case_detail.html")]
struct CaseDetailPage {
    layout: Layout,
    c: SpecialCaseView,
    form: SpecialCaseInput,
    errors: FieldErrors,
}

impl CaseDetailPage {
    fn when(&self, ms: &i64) -> String {
        yincai_app::clock::format_beijing(*ms)
    }
    fn state_name(&self, code: &str) -> String {
        yincai_domain::workflow::SPECIAL_CASE.state_name(code)
    }
    fn action_name(&self, code: &str) -> String {
        match yincai_domain::workflow::Action::parse(code) {
            Some(a) => a.name_zh().to_string(),
            None if code == "start" => "发起".into(),
            None => code.to_string(),
        }
    }
    fn item_version(&self) -> String {
        self.c.item_version.map(|v| v.to_string()).unwrap_or_default()
    }
}

async fn case_detail_page(call: &PageCall, id: i64, form: Option<SpecialCaseInput>, errors: FieldErrors) -> PageResult {
    let c = call.app.special_case(&call.actor, id).await?;
    let form = form.unwrap_or_else(|| SpecialCaseInput {
        candidate_id: c.row.candidate_id.to_string(),
        reason: c.row.reason.clone(),
        treatment: c.treatment.text.clone(),
        amount_yuan: c.treatment.amount_yuan.map(|a| a.to_string()).unwrap_or_default(),
        version: Some(c.row.version),
    });
    Ok(render_with(
        form_status(&errors),
        &CaseDetailPage {
            layout: call.layout(format!("一事一议：{}", c.row.candidate_name), "/special-cases"),
            c,
            form,
            errors,
        },
    ))
}

async fn show_case(call: PageCall, Path(id): Path<i64>) -> PageResult {
    case_detail_page(&call, id, None, FieldErrors::default()).await
}

async fn edit_case(call: PageCall, Path(id): Path<i64>, form: Form<SpecialCaseInput>) -> PageResult {
    let input = form.value;
    match call.app.update_special_case(&call.actor, id, &input, &call.ctx).await {
        Ok(()) => Ok(Redirect::to(&format!("/special-cases/{id}")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            case_detail_page(&call, id, Some(input), e.field_errors().into()).await
        }
        Err(AppError::Stale) => {
            let errors = vec![FieldError::new(
                "",
                "该事项已在别处修改：您填写的内容保留在下方，请核对后再次保存",
            )];
            let mut input = input;
            input.version = Some(call.app.special_case(&call.actor, id).await?.row.version);
            case_detail_page(&call, id, Some(input), errors.into()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct SubmitForm {
    #[serde(default)]
    item_version: String,
}

async fn submit_case(call: PageCall, Path(id): Path<i64>, form: Form<SubmitForm>) -> PageResult {
    let version = form.value.item_version.trim().parse().unwrap_or(0);
    call.app
        .submit_special_case(&call.actor, id, version, &call.ctx)
        .await?;
    Ok(Redirect::to(&format!("/special-cases/{id}")).into_response())
}
