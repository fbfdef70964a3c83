//! The registration form (人才登记表) over the API: the applicant's own form, and the
//! coordination office's masked list and detail with a reasoned, audited full view.

use axum::extract::{Path, Query};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::AppError;
use yincai_app::candidates::{CandidateView, Education, ProfileInput};
use yincai_store::CandidateQuery;

use crate::AppState;
use crate::api::{ApiJson, PageOf, Window};
use crate::auth::ApiCall;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/profile", get(get_my_profile).put(put_my_profile))
        .route("/candidates", get(list_candidates))
        .route("/candidates/{id}", get(get_candidate))
        .route("/candidates/{id}/reveal", post(reveal_candidate))
}

/// One row of education.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EducationRow {
    /// none | bachelor | master | doctor
    pub degree: String,
    pub institution: String,
    #[serde(default)]
    pub major: String,
    /// 全日制
    #[serde(default)]
    pub full_time: bool,
    /// none | 211 | 985
    #[serde(default)]
    pub school_tier: String,
    /// Four digits, e.g. "2015".
    #[serde(default)]
    pub graduation_year: String,
}

impl From<EducationRow> for Education {
    fn from(e: EducationRow) -> Self {
        Education {
            degree: e.degree,
            institution: e.institution,
            major: e.major,
            full_time: e.full_time,
            school_tier: e.school_tier,
            graduation_year: e.graduation_year,
        }
    }
}

impl From<Education> for EducationRow {
    fn from(e: Education) -> Self {
        EducationRow {
            degree: e.degree,
            institution: e.institution,
            major: e.major,
            full_time: e.full_time,
            school_tier: e.school_tier,
            graduation_year: e.graduation_year,
        }
    }
}

/// The registration form to save. On an edit, leave `id_number` or `phone` empty to keep
/// the stored value.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProfileBody {
    pub name: String,
    /// citizen_id (居民身份证) | passport | hk_macao_pass | taiwan_pass
    pub id_type: String,
    /// A 身份证号 is checked (GB 11643 check character and a real birth date).
    #[serde(default)]
    pub id_number: String,
    /// 11 digits starting with 1.
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// male | female
    pub gender: String,
    /// ISO date; ignored for a 身份证号 (taken from the number).
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub education: Vec<EducationRow>,
    /// none | junior | intermediate | vice_senior | senior
    #[serde(default)]
    pub title: String,
    /// 职业资格, free text.
    #[serde(default)]
    pub qualifications: String,
    /// national_expert | national_leader | provincial_expert | provincial_leader
    #[serde(default)]
    pub honours: Vec<String>,
    /// 项目与科研成果, free text.
    #[serde(default)]
    pub projects: String,
    /// The version you read (optimistic update); omit on the first save.
    #[serde(default)]
    pub version: Option<i64>,
}

impl From<ProfileBody> for ProfileInput {
    fn from(b: ProfileBody) -> Self {
        ProfileInput {
            name: b.name,
            id_type: b.id_type,
            id_number: b.id_number,
            phone: b.phone,
            email: b.email,
            gender: b.gender,
            birth_date: b.birth_date,
            education: b.education.into_iter().map(Education::from).collect(),
            title: b.title,
            qualifications: b.qualifications,
            honours: b.honours,
            projects: b.projects,
            version: b.version,
        }
    }
}

/// A registration form as shown: ID number and phone masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub id_type: String,
    pub id_type_name: String,
    /// e.g. `*****************3` (a 身份证号 keeps its last character only), `E******78`
    pub id_number_masked: String,
    /// e.g. `*******5678`
    pub phone_masked: String,
    pub email: String,
    pub gender: String,
    /// Only in the applicant's own form (`/api/me/profile`); staff see `birth_year`, and the
    /// date with the full number through the reasoned, audited reveal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    pub birth_year: Option<i16>,
    pub education: Vec<EducationRow>,
    pub highest_degree: String,
    pub title: String,
    pub qualifications: String,
    pub honours: Vec<String>,
    pub projects: String,
    /// Epoch milliseconds.
    pub updated_at: i64,
    /// Send it back with PUT.
    pub version: i64,
}

impl From<CandidateView> for Candidate {
    fn from(c: CandidateView) -> Self {
        Candidate {
            id: c.id,
            name: c.name,
            id_type: c.id_type,
            id_type_name: c.id_type_name,
            id_number_masked: c.id_number_masked,
            phone_masked: c.phone_masked,
            email: c.email,
            gender: c.gender,
            birth_date: c.birth_date,
            birth_year: c.birth_year,
            education: c.education.into_iter().map(EducationRow::from).collect(),
            highest_degree: c.highest_degree,
            title: c.title,
            qualifications: c.qualifications,
            honours: c.honours,
            projects: c.projects,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

/// Why the full numbers are needed (at least 4 characters); kept in the audit record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevealBody {
    #[serde(default)]
    pub reason: String,
}

/// The full ID number, phone and birth date.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevealedNumbers {
    pub id_number: String,
    pub phone: String,
    pub birth_date: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct CandidateFilter {
    /// Part of the name.
    pub q: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// The caller's own registration form, masked; 404 before the first save.
#[utoipa::path(get, path = "/api/me/profile", tag = "candidates", security(("bearer" = [])),
    responses((status = 200, body = Candidate), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_my_profile(call: ApiCall) -> ApiResult<Candidate> {
    let view = call
        .app
        .my_profile(&call.actor)
        .await?
        .ok_or_else(|| AppError::NotFound("人才登记表（尚未填写）".into()))?;
    Ok(Json(view.into()))
}

/// Create or edit the caller's own registration form (applicants). 422 names the field
/// (`id_number` for a bad 身份证号); 409 `id_number` when that number is already registered.
#[utoipa::path(put, path = "/api/me/profile", tag = "candidates", security(("bearer" = [])), request_body = ProfileBody,
    responses((status = 200, body = Candidate), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_my_profile(call: ApiCall, ApiJson(body): ApiJson<ProfileBody>) -> ApiResult<Candidate> {
    let id = call.app.save_my_profile(&call.actor, &body.into(), &call.ctx).await?;
    Ok(Json(call.app.candidate(&call.actor, id).await?.into()))
}

/// Candidates, masked, most recently changed first (coordination office).
#[utoipa::path(get, path = "/api/candidates", tag = "candidates", security(("bearer" = [])), params(CandidateFilter),
    responses((status = 200, body = PageOf<Candidate>), (status = 403, body = ErrorBody)))]
pub async fn list_candidates(call: ApiCall, Query(f): Query<CandidateFilter>) -> ApiResult<PageOf<Candidate>> {
    let w = Window::new(f.offset, f.limit);
    let page = call
        .app
        .candidates(
            &call.actor,
            CandidateQuery {
                text: f.q,
                offset: w.offset(),
                limit: w.limit(),
                ..Default::default()
            },
        )
        .await?;
    Ok(Json(page.into()))
}

/// One candidate, masked: the coordination office sees any, an applicant only their own
/// (404 for any other).
#[utoipa::path(get, path = "/api/candidates/{id}", tag = "candidates", security(("bearer" = [])),
    responses((status = 200, body = Candidate), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_candidate(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Candidate> {
    Ok(Json(call.app.candidate(&call.actor, id).await?.into()))
}

/// The full ID number and phone (coordination office), with a reason of at least 4
/// characters; each call writes one audit record with the reason.
#[utoipa::path(post, path = "/api/candidates/{id}/reveal", tag = "candidates", security(("bearer" = [])), request_body = RevealBody,
    responses((status = 200, body = RevealedNumbers), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn reveal_candidate(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RevealBody>,
) -> ApiResult<RevealedNumbers> {
    let r = call
        .app
        .reveal_candidate(&call.actor, id, &body.reason, &call.ctx)
        .await?;
    Ok(Json(RevealedNumbers {
        id_number: r.id_number,
        phone: r.phone,
        birth_date: r.birth_date,
    }))
}
