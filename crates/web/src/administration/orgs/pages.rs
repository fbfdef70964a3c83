//! Organisations: the list (scoped), one organisation, and the admin's forms.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use yincai_app::audit::action_label;
use yincai_app::clock::format_beijing;
use yincai_app::orgs::{OrgInput, OrgView};
use yincai_app::{FieldError, OrgKind, Permission};
use yincai_store::{OrgQuery, OrgRow, OrgSort};

use crate::auth::{Form, PageCall};
use crate::export::{Column, MAX_ROWS, col, text_rows, xlsx};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, after_submit, form_status, render, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(list).post(create))
        .route("/orgs/new", get(new_form))
        .route("/orgs/export.xlsx", get(export))
        .route("/orgs/{id}", get(show).post(update))
        .route("/orgs/{id}/edit", get(edit_form))
}

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    kind: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

struct KindOption {
    code: &'static str,
    name: &'static str,
}

fn kind_options() -> Vec<KindOption> {
    OrgKind::ALL
        .iter()
        .filter(|k| **k != OrgKind::Public)
        .map(|k| KindOption {
            code: k.code(),
            name: k.name_zh(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<OrgView>,
    kinds: Vec<KindOption>,
    kind: String,
    q: String,
    sort: String,
    pager: Pager,
    can_manage: bool,
    export_link: String,
}

impl ListQuery {
    /// The store query the filters mean (shared by the list and its export).
    fn to_store(&self) -> OrgQuery {
        OrgQuery {
            kind: self.kind.clone().filter(|k| !k.is_empty()),
            text: self.q.clone(),
            sort: self.sort.as_deref().and_then(OrgSort::parse).unwrap_or_default(),
            offset: self.paging.offset(),
            limit: self.paging.limit(),
            ..Default::default()
        }
    }
}

async fn list(call: PageCall, Query(query): Query<ListQuery>) -> PageResult {
    let page = call.app.orgs(&call.actor, query.to_store()).await?;
    let kind = query.kind.clone().unwrap_or_default();
    let q = query.q.clone().unwrap_or_default();
    let sort = query
        .sort
        .clone()
        .filter(|s| OrgSort::parse(s).is_some())
        .unwrap_or_default();
    let pager = Pager::new(
        page.total,
        &query.paging,
        &[("kind", &kind), ("q", &q), ("sort", &sort)],
    );
    Ok(render(&ListPage {
        can_manage: call.actor.has(Permission::OrgManage),
        layout: call.layout("机构", "/orgs"),
        export_link: format!("/orgs/export.xlsx?{}", pager.base),
        rows: page.rows,
        kinds: kind_options(),
        kind,
        q,
        sort,
        pager,
    }))
}

const ORG_COLUMNS: [Column; 4] = [
    col("名称", 36.0),
    col("类型", 18.0),
    col("统一社会信用代码", 22.0),
    col("主管部门", 30.0),
];

/// The organisations in the actor's scope under the current filters, as .xlsx.
async fn export(call: PageCall, Query(query): Query<ListQuery>) -> PageResult {
    let store_query = OrgQuery {
        offset: 0,
        limit: MAX_ROWS,
        ..query.to_store()
    };
    let page = call.app.export_orgs(&call.actor, store_query, &call.ctx).await?;
    let rows: Vec<Vec<String>> = page
        .rows
        .into_iter()
        .map(|r| {
            vec![
                r.org.name,
                r.kind_name,
                r.org.credit_code.unwrap_or_default(),
                r.parent_name.unwrap_or_default(),
            ]
        })
        .collect();
    Ok(xlsx("机构名录", "机构", &ORG_COLUMNS, &text_rows(rows), page.total))
}

#[derive(Template)]
#[template(path = "org_detail.html")]
struct DetailPage {
    layout: Layout,
    org: OrgView,
    history: Vec<HistoryLine>,
    /// Records of 弄虚作假 against the unit (Art. 27), for those who read the talent database.
    misconduct: Vec<MisconductLine>,
    can_manage: bool,
    saved: bool,
}

/// One record against the unit: what, who is responsible, the decision, when.
struct MisconductLine {
    ending_id: i64,
    at: String,
    summary: String,
    responsible: String,
    resolution_number: String,
}

impl DetailPage {
    fn updated(&self) -> String {
        format_beijing(self.org.org.updated_at)
    }
}

/// One change of the organisation: who, when, what, why.
struct HistoryLine {
    at: String,
    actor: String,
    action: String,
    summary: String,
    reason: String,
}

#[derive(Debug, Default, serde::Deserialize)]
struct DetailQuery {
    ok: Option<String>,
}

async fn show(call: PageCall, Path(id): Path<i64>, Query(q): Query<DetailQuery>) -> PageResult {
    let org = call.app.org(&call.actor, id).await?;
    let history = call
        .app
        .org_history(&call.actor, id)
        .await?
        .into_iter()
        .map(|r| HistoryLine {
            at: format_beijing(r.at),
            actor: r.actor_name,
            action: action_label(&r.action),
            summary: r.summary,
            reason: r.reason,
        })
        .collect();
    let misconduct = if call.actor.has(Permission::TalentRead) {
        call.app
            .unit_misconduct(&call.actor, id)
            .await?
            .into_iter()
            .map(|m| MisconductLine {
                ending_id: m.ending_id,
                at: format_beijing(m.recorded_at),
                summary: m.summary,
                responsible: m.responsible,
                resolution_number: m.resolution_number,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&DetailPage {
        history,
        misconduct,
        can_manage: call.actor.has(Permission::OrgManage),
        layout: call.layout(org.org.name.clone(), "/orgs"),
        org,
        saved: q.ok.is_some(),
    }))
}

#[derive(Template)]
#[template(path = "org_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    form: OrgInput,
    kinds: Vec<KindOption>,
    departments: Vec<OrgRow>,
    errors: FieldErrors,
    editing: bool,
}

impl FormPage {
    fn parent_is(&self, id: &i64) -> bool {
        self.form.parent_id == Some(*id)
    }
    fn version(&self) -> String {
        self.form.version.map(|v| v.to_string()).unwrap_or_default()
    }
}

async fn form_page(call: &PageCall, form: OrgInput, errors: FieldErrors, editing: Option<i64>) -> PageResult {
    call.actor.require(Permission::OrgManage)?;
    let departments = call.app.departments(&call.actor).await?;
    let (title, action) = match editing {
        Some(id) => ("修改机构", format!("/orgs/{id}")),
        None => ("新建机构", "/orgs".to_string()),
    };
    let status = form_status(&errors);
    Ok(render_with(
        status,
        &FormPage {
            layout: call.layout(title, "/orgs"),
            action,
            form,
            kinds: kind_options(),
            departments,
            errors,
            editing: editing.is_some(),
        },
    ))
}

async fn new_form(call: PageCall) -> PageResult {
    form_page(
        &call,
        OrgInput {
            kind: OrgKind::CityUnit.code().into(),
            ..Default::default()
        },
        FieldErrors::default(),
        None,
    )
    .await
}

async fn edit_form(call: PageCall, Path(id): Path<i64>) -> PageResult {
    call.actor.require(Permission::OrgManage)?;
    let org = call.app.org(&call.actor, id).await?.org;
    let input = OrgInput {
        name: org.name,
        kind: org.kind,
        credit_code: org.credit_code.unwrap_or_default(),
        parent_id: org.parent_id,
        version: Some(org.version),
    };
    form_page(&call, input, FieldErrors::default(), Some(id)).await
}

async fn create(call: PageCall, form: Form<OrgInput>) -> PageResult {
    let result = call.app.create_org(&call.actor, &form.value, &call.ctx).await;
    after_submit(
        result,
        |id| format!("/orgs/{id}?ok=saved"),
        |errors| form_page(&call, form.value, errors, None),
    )
    .await
}

async fn update(call: PageCall, Path(id): Path<i64>, form: Form<OrgInput>) -> PageResult {
    match call.app.update_org(&call.actor, id, &form.value, &call.ctx).await {
        Ok(()) => Ok(Redirect::to(&format!("/orgs/{id}?ok=saved")).into_response()),
        Err(e) if !e.field_errors().is_empty() => form_page(&call, form.value, e.field_errors().into(), Some(id)).await,
        Err(yincai_app::AppError::Stale) => {
            let errors = vec![FieldError::new(
                "",
                "该机构已被他人修改：您填写的内容保留在下方，请核对最新信息后再次保存",
            )];
            let mut value = form.value;
            value.version = Some(call.app.org(&call.actor, id).await?.org.version);
            form_page(&call, value, errors.into(), Some(id)).await
        }
        Err(e) => Err(e.into()),
    }
}
