//! The registration form (人才登记表): the applicant's own form at `/me/profile`, and the
//! coordination office's list and detail, masked, with a reasoned, audited full view.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::candidates::{
    CandidateView, DEGREES, Education, GENDERS, HONOURS, ID_TYPES, ProfileInput, Revealed, SCHOOL_TIERS, TITLES,
    name_of,
};
use yincai_app::{FieldError, Permission};
use yincai_store::CandidateQuery;

use crate::attachments::pages::AttachmentsBox;
use crate::auth::{Form, PageCall};
use crate::export::{Cell, Column, MAX_ROWS, col, xlsx};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, form_status, render, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/profile", get(my_form).post(save))
        .route("/candidates", get(list))
        .route("/candidates/export.xlsx", get(export))
        .route("/candidates/{id}", get(show))
        .route("/candidates/{id}/reveal", post(reveal))
}

type Options = &'static [(&'static str, &'static str)];

/// The form's rows: what was typed plus blank rows, at least three.
fn education_rows(rows: &[Education]) -> Vec<Education> {
    let mut out = rows.to_vec();
    let want = (rows.len() + 1).max(3);
    while out.len() < want {
        // Most degrees are full-time: a blank row starts at 是.
        out.push(Education {
            full_time: true,
            ..Default::default()
        });
    }
    out
}

#[derive(Template)]
#[template(path = "profile_form.html")]
struct FormPage {
    layout: Layout,
    form: ProfileInput,
    education: Vec<Education>,
    errors: FieldErrors,
    stored: Option<CandidateView>,
    saved: bool,
    id_types: Options,
    genders: Options,
    degrees: Options,
    tiers: Options,
    titles: Options,
    honours: Options,
    attachments: AttachmentsBox,
}

impl FormPage {
    fn has_honour(&self, code: &&str) -> bool {
        self.form.honours.iter().any(|h| h == code)
    }
    fn version(&self) -> String {
        self.form.version.map(|v| v.to_string()).unwrap_or_default()
    }
}

async fn form_page(call: &PageCall, form: ProfileInput, errors: FieldErrors, saved: bool) -> PageResult {
    let stored = call.app.my_profile(&call.actor).await?;
    let attachments = match &stored {
        Some(c) => AttachmentsBox::load(call, "candidate", &c.id.to_string(), "/me/profile").await?,
        None => AttachmentsBox::unavailable("请先保存登记表，再上传身份证件、学历学位证书等证明材料"),
    };
    let status = form_status(&errors);
    Ok(render_with(
        status,
        &FormPage {
            layout: call.layout("我的人才登记表", "/me/profile"),
            education: education_rows(&form.education),
            form,
            errors,
            stored,
            saved,
            id_types: &ID_TYPES,
            genders: &GENDERS,
            degrees: DEGREES,
            tiers: &SCHOOL_TIERS,
            titles: TITLES,
            honours: HONOURS,
            attachments,
        },
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
struct SavedQuery {
    ok: Option<String>,
}

async fn my_form(call: PageCall, Query(q): Query<SavedQuery>) -> PageResult {
    let form = match call.app.my_profile(&call.actor).await? {
        // The ID number and phone stay empty: the form shows them masked, and an empty
        // field keeps the stored value.
        Some(c) => ProfileInput {
            name: c.name,
            id_type: c.id_type,
            id_number: String::new(),
            phone: String::new(),
            email: c.email,
            gender: c.gender,
            birth_date: c.birth_date.unwrap_or_default(),
            education: c.education,
            title: c.title,
            qualifications: c.qualifications,
            honours: c.honours,
            projects: c.projects,
            version: Some(c.version),
        },
        None => ProfileInput {
            id_type: "citizen_id".into(),
            title: "none".into(),
            ..Default::default()
        },
    };
    form_page(&call, form, FieldErrors::default(), q.ok.is_some()).await
}

/// The form's fields, read from the posted pairs: education rows come as repeated
/// `edu_*` fields (selects, so every row sends each one), honours as repeated checkboxes.
fn profile_from_pairs(pairs: Vec<(String, String)>) -> ProfileInput {
    let mut p = ProfileInput::default();
    let mut edu: [Vec<String>; 6] = Default::default();
    for (k, v) in pairs {
        match k.as_str() {
            "name" => p.name = v,
            "id_type" => p.id_type = v,
            "id_number" => p.id_number = v,
            "phone" => p.phone = v,
            "email" => p.email = v,
            "gender" => p.gender = v,
            "birth_date" => p.birth_date = v,
            "title" => p.title = v,
            "qualifications" => p.qualifications = v,
            "projects" => p.projects = v,
            "version" => p.version = v.trim().parse().ok(),
            "honours" => p.honours.push(v),
            "edu_degree" => edu[0].push(v),
            "edu_institution" => edu[1].push(v),
            "edu_major" => edu[2].push(v),
            "edu_full_time" => edu[3].push(v),
            "edu_tier" => edu[4].push(v),
            "edu_year" => edu[5].push(v),
            _ => {}
        }
    }
    let rows = edu.iter().map(Vec::len).max().unwrap_or(0).min(20);
    let at = |col: usize, i: usize| edu[col].get(i).cloned().unwrap_or_default();
    p.education = (0..rows)
        .map(|i| Education {
            degree: at(0, i),
            institution: at(1, i),
            major: at(2, i),
            full_time: at(3, i) == "yes",
            school_tier: at(4, i),
            graduation_year: at(5, i),
        })
        .collect();
    p
}

async fn save(call: PageCall, form: Form<Vec<(String, String)>>) -> PageResult {
    let input = profile_from_pairs(form.value);
    match call.app.save_my_profile(&call.actor, &input, &call.ctx).await {
        Ok(_) => Ok(Redirect::to("/me/profile?ok=saved").into_response()),
        Err(e) if !e.field_errors().is_empty() => form_page(&call, input, e.field_errors().into(), false).await,
        Err(yincai_app::AppError::Stale) => {
            let errors = vec![FieldError::new(
                "",
                "登记表已在别处修改：您填写的内容保留在下方，请核对后再次保存",
            )];
            let mut input = input;
            input.version = call.app.my_profile(&call.actor).await?.map(|c| c.version);
            form_page(&call, input, errors.into(), false).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    q: Option<String>,
    degree: Option<String>,
    major: Option<String>,
    title: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

impl ListQuery {
    fn query(&self, offset: i64, limit: i64) -> CandidateQuery {
        CandidateQuery {
            text: self.q.clone(),
            degree: self.degree.clone(),
            major: self.major.clone(),
            title: self.title.clone(),
            offset,
            limit,
        }
    }
}

#[derive(Template)]
#[template(path = "candidates.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<CandidateView>,
    q: String,
    degree: String,
    major: String,
    title: String,
    degrees: Options,
    titles: Options,
    pager: Pager,
    /// The export of what the list shows under its filters.
    export_link: String,
}

async fn list(call: PageCall, Query(query): Query<ListQuery>) -> PageResult {
    let page = call
        .app
        .candidates(&call.actor, query.query(query.paging.offset(), query.paging.limit()))
        .await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (q, degree, major, title) = (
        text(&query.q),
        text(&query.degree),
        text(&query.major),
        text(&query.title),
    );
    let pager = Pager::new(
        page.total,
        &query.paging,
        &[("q", &q), ("degree", &degree), ("major", &major), ("title", &title)],
    );
    Ok(render(&ListPage {
        layout: call.layout("人才登记表", "/candidates"),
        rows: page.rows,
        q,
        degree,
        major,
        title,
        degrees: DEGREES,
        titles: TITLES,
        export_link: format!("/candidates/export.xlsx?{}", pager.base),
        pager,
    }))
}

const CANDIDATE_COLUMNS: [Column; 8] = [
    col("姓名", 12.0),
    col("性别", 6.0),
    col("出生年份", 10.0),
    col("证件号码", 22.0),
    col("最高学位", 10.0),
    col("专业", 24.0),
    col("职称", 12.0),
    col("更新日期", 12.0),
];

/// The registration forms under the list's filters as .xlsx, masked as on screen (the year
/// of birth a number, the date of the last change a date); the export is audited.
async fn export(call: PageCall, Query(query): Query<ListQuery>) -> PageResult {
    let page = call
        .app
        .export_candidates(&call.actor, query.query(0, MAX_ROWS), &call.ctx)
        .await?;
    let rows: Vec<Vec<Cell>> = page
        .rows
        .into_iter()
        .map(|c| {
            let majors: Vec<&str> = c
                .education
                .iter()
                .map(|e| e.major.as_str())
                .filter(|m| !m.is_empty())
                .collect();
            vec![
                c.name.into(),
                c.gender_name.into(),
                c.birth_year
                    .map_or_else(|| Cell::Text(String::new()), |y| Cell::Int(y.into())),
                c.id_number_masked.into(),
                c.highest_degree_name.into(),
                majors.join("、").into(),
                c.title_name.into(),
                Cell::Date(yincai_app::clock::beijing_date(c.updated_at).to_string()),
            ]
        })
        .collect();
    Ok(xlsx("人才登记表", "人才登记表", &CANDIDATE_COLUMNS, &rows, page.total))
}

#[derive(Template)]
#[template(path = "candidate_detail.html")]
struct DetailPage {
    layout: Layout,
    c: CandidateView,
    can_reveal: bool,
    revealed: Option<Revealed>,
    reason: String,
    errors: FieldErrors,
    attachments: AttachmentsBox,
}

impl DetailPage {
    fn degree_name(&self, code: &str) -> String {
        name_of(DEGREES, code)
    }
    fn tier_name(&self, code: &str) -> String {
        name_of(&SCHOOL_TIERS, code)
    }
}

async fn detail_page(
    call: &PageCall,
    id: i64,
    revealed: Option<Revealed>,
    reason: String,
    errors: FieldErrors,
) -> PageResult {
    let c = call.app.candidate(&call.actor, id).await?;
    let back = format!("/candidates/{id}");
    let attachments = AttachmentsBox::load(call, "candidate", &id.to_string(), &back).await?;
    let status = form_status(&errors);
    Ok(render_with(
        status,
        &DetailPage {
            layout: call.layout(format!("人才登记表：{}", c.name), "/candidates"),
            can_reveal: call.actor.has(Permission::PersonalDataView),
            c,
            revealed,
            reason,
            errors,
            attachments,
        },
    ))
}

async fn show(call: PageCall, Path(id): Path<i64>) -> PageResult {
    detail_page(&call, id, None, String::new(), FieldErrors::default()).await
}

#[derive(Debug, Default, serde::Deserialize)]
struct RevealForm {
    #[serde(default)]
    reason: String,
}

/// Shows the full numbers once, on this response only; nothing is kept in the session.
async fn reveal(call: PageCall, Path(id): Path<i64>, form: Form<RevealForm>) -> PageResult {
    let reason = form.value.reason;
    match call.app.reveal_candidate(&call.actor, id, &reason, &call.ctx).await {
        Ok(r) => detail_page(&call, id, Some(r), String::new(), FieldErrors::default()).await,
        Err(e) if !e.field_errors().is_empty() => detail_page(&call, id, None, reason, e.field_errors().into()).await,
        Err(e) => Err(e.into()),
    }
}
