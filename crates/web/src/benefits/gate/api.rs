//! The release gate over the API (Art. 19, 22-23), tag "benefits": annual assessments
//! (the unit records, the coordination office files), the installments due city-wide with
//! their gate status, starting releases (coordination office), an installment's
//! certificate (证明), and the talent's own benefits. The leading group's approval and the
//! certificate are steps of the release's workflow item (`/api/workflow/{item_id}/act`,
//! decisions only in a meeting: `/api/meetings`).

use axum::extract::{Path, Query};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::gate::{AssessmentInput, CertificateView, DueFilter, GateRow, MyBenefits, StartOutcome};
use yincai_store::AssessmentRow;

use crate::AppState;
use crate::api::ApiJson;
use crate::auth::ApiCall;
use crate::benefits::fund::api::Installment;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/benefits/assessments", get(list_assessments).post(record_assessment))
        .route("/benefits/assessments/{id}/file", post(file_assessment))
        .route("/benefits/due", get(due_installments))
        .route("/benefits/releases", post(start_releases))
        .route("/benefits/installments/{id}/certificate", get(get_certificate))
        .route("/me/benefits", get(my_benefits))
}

/// An annual assessment (Art. 22-23).
#[derive(Debug, Serialize, ToSchema)]
pub struct Assessment {
    pub id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_id: i64,
    pub org_name: String,
    /// 1 for the first year of service.
    pub service_year: i64,
    /// passed | excellent | failed
    pub result: String,
    pub document_number: String,
    /// ISO date.
    pub document_date: String,
    pub note: String,
    /// recorded (by the unit) | filed (by the coordination office)
    pub status: String,
    pub recorded_at: i64,
    pub filed_at: Option<i64>,
    pub version: i64,
}

impl From<AssessmentRow> for Assessment {
    fn from(a: AssessmentRow) -> Self {
        Assessment {
            id: a.id,
            talent_id: a.talent_id,
            talent_name: a.talent_name,
            org_id: a.org_id,
            org_name: a.org_name,
            service_year: a.service_year,
            result: a.result,
            document_number: a.document_number,
            document_date: a.document_date,
            note: a.note,
            status: a.status.code().into(),
            recorded_at: a.recorded_at,
            filed_at: a.filed_at,
            version: a.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssessmentBody {
    pub talent_id: i64,
    pub service_year: i64,
    /// passed | excellent | failed
    pub result: String,
    pub document_number: String,
    /// `YYYY-MM-DD`
    pub document_date: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FileBody {
    /// The version read.
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Filed {
    pub assessment: Assessment,
    /// How many of the talent's installments the filing changed (re-derived from the
    /// service record: due, moved or cancelled).
    pub installments_set: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AssessmentQuery {
    pub talent_id: Option<i64>,
    /// recorded | filed
    pub status: Option<String>,
}

/// A due installment with its gate status.
#[derive(Debug, Serialize, ToSchema)]
pub struct GateStatus {
    pub installment: Installment,
    /// 第十三条第㈡项
    pub article_zh: String,
    /// The release's workflow item and its state, if one was started.
    pub item_id: Option<i64>,
    pub item_state: Option<String>,
    pub startable: bool,
    pub blocked_reason: Option<String>,
}

impl From<GateRow> for GateStatus {
    fn from(g: GateRow) -> Self {
        GateStatus {
            installment: g.installment.into(),
            article_zh: g.article_zh,
            item_id: g.item_id,
            item_state: g.item_state,
            startable: g.startable,
            blocked_reason: g.blocked_reason,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueList {
    pub rows: Vec<GateStatus>,
    pub total: i64,
    pub offset: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DueQuery {
    #[serde(default)]
    pub offset: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReleasesBody {
    pub installment_ids: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Started {
    pub installment_id: i64,
    /// The release's workflow item, when started.
    pub item_id: Option<i64>,
    /// Why not, when refused.
    pub error: Option<String>,
}

impl From<StartOutcome> for Started {
    fn from(o: StartOutcome) -> Self {
        Started {
            installment_id: o.installment_id,
            item_id: o.item_id,
            error: o.error,
        }
    }
}

/// A certificate (证明) as issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct Certificate {
    pub installment_id: i64,
    /// 阿人才证〔2026〕1号
    pub number: String,
    pub talent_name: String,
    pub org_name: String,
    pub benefit_name: String,
    pub article_zh: String,
    pub amount_fen: i64,
    pub amount_text: String,
    pub resolution_number: String,
    pub date_zh: String,
    pub issuer: String,
    pub body: String,
    pub issued_at: i64,
}

impl From<CertificateView> for Certificate {
    fn from(v: CertificateView) -> Self {
        let c = v.content;
        Certificate {
            installment_id: v.installment.id,
            number: v.certificate.number,
            talent_name: c.talent_name,
            org_name: c.org_name,
            benefit_name: c.benefit_name,
            article_zh: c.article_zh,
            amount_fen: c.amount_fen,
            amount_text: c.amount_text,
            resolution_number: c.resolution_number,
            date_zh: c.date_zh,
            issuer: c.issuer,
            body: c.body,
            issued_at: v.certificate.issued_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyInstallmentBody {
    pub installment: Installment,
    pub article_zh: String,
    /// due | paid | pending | cancelled
    pub stage: String,
    pub stage_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyBenefitsBody {
    pub talent_id: Option<i64>,
    pub installments: Vec<MyInstallmentBody>,
    pub entitled_fen: i64,
    pub due_fen: i64,
    pub paid_fen: i64,
    pub pending_fen: i64,
    /// Non-monetary entitlements: [name, article].
    pub other_benefits: Vec<(String, String)>,
}

impl From<MyBenefits> for MyBenefitsBody {
    fn from(m: MyBenefits) -> Self {
        MyBenefitsBody {
            talent_id: m.talent_id,
            installments: m
                .installments
                .into_iter()
                .map(|i| MyInstallmentBody {
                    installment: i.installment.into(),
                    article_zh: i.article_zh,
                    stage: i.stage,
                    stage_name: i.stage_name,
                })
                .collect(),
            entitled_fen: m.entitled_fen,
            due_fen: m.due_fen,
            paid_fen: m.paid_fen,
            pending_fen: m.pending_fen,
            other_benefits: m.other_benefits,
        }
    }
}

/// Assessments in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/benefits/assessments", tag = "benefits", security(("bearer" = [])), params(AssessmentQuery),
    responses((status = 200, body = [Assessment]), (status = 403, body = ErrorBody)))]
pub async fn list_assessments(call: ApiCall, Query(q): Query<AssessmentQuery>) -> ApiResult<Vec<Assessment>> {
    let rows = call
        .app
        .assessments(&call.actor, q.talent_id, q.status.as_deref())
        .await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// The unit records a service year's assessment of its talent (once per year).
#[utoipa::path(post, path = "/api/benefits/assessments", tag = "benefits", security(("bearer" = [])), request_body = AssessmentBody,
    responses((status = 200, body = Assessment), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn record_assessment(call: ApiCall, ApiJson(body): ApiJson<AssessmentBody>) -> ApiResult<Assessment> {
    let input = AssessmentInput {
        talent_id: body.talent_id.to_string(),
        service_year: body.service_year.to_string(),
        result: body.result,
        document_number: body.document_number,
        document_date: body.document_date,
        note: body.note,
    };
    Ok(Json(
        call.app.record_assessment(&call.actor, &input, &call.ctx).await?.into(),
    ))
}

/// The coordination office files an assessment: passed or excellent opens the gate of
/// that service year's installments, failed closes it.
#[utoipa::path(post, path = "/api/benefits/assessments/{id}/file", tag = "benefits", security(("bearer" = [])), request_body = FileBody,
    responses((status = 200, body = Filed), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn file_assessment(call: ApiCall, Path(id): Path<i64>, ApiJson(body): ApiJson<FileBody>) -> ApiResult<Filed> {
    let (a, set) = call
        .app
        .file_assessment(&call.actor, id, body.version, &call.ctx)
        .await?;
    Ok(Json(Filed {
        assessment: a.into(),
        installments_set: set,
    }))
}

/// Installments due on or before today (city-wide for the coordination office, finance
/// and city leaders) with their gate status, 100 per page.
#[utoipa::path(get, path = "/api/benefits/due", tag = "benefits", security(("bearer" = [])), params(DueQuery),
    responses((status = 200, body = DueList), (status = 403, body = ErrorBody)))]
pub async fn due_installments(call: ApiCall, Query(q): Query<DueQuery>) -> ApiResult<DueList> {
    let page = call
        .app
        .due_installments(&call.actor, &DueFilter::default(), q.offset, 100)
        .await?;
    Ok(Json(DueList {
        total: page.total,
        offset: page.offset,
        rows: page.rows.into_iter().map(Into::into).collect(),
    }))
}

/// The coordination office starts releases (the `benefit_release` workflow) of due,
/// assessed installments; each is started or refused on its own.
#[utoipa::path(post, path = "/api/benefits/releases", tag = "benefits", security(("bearer" = [])), request_body = ReleasesBody,
    responses((status = 200, body = [Started]), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn start_releases(call: ApiCall, ApiJson(body): ApiJson<ReleasesBody>) -> ApiResult<Vec<Started>> {
    let out = call
        .app
        .start_releases(&call.actor, &body.installment_ids, &call.ctx)
        .await?;
    Ok(Json(out.into_iter().map(Into::into).collect()))
}

/// The certificate (证明) of an installment (fund readers; the talent their own).
#[utoipa::path(get, path = "/api/benefits/installments/{id}/certificate", tag = "benefits", security(("bearer" = [])),
    responses((status = 200, body = Certificate), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_certificate(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Certificate> {
    Ok(Json(call.app.certificate(&call.actor, id).await?.into()))
}

/// The talent's own benefits: entitled, due, paid and pending, with the articles.
#[utoipa::path(get, path = "/api/me/benefits", tag = "benefits", security(("bearer" = [])),
    responses((status = 200, body = MyBenefitsBody), (status = 403, body = ErrorBody)))]
pub async fn my_benefits(call: ApiCall) -> ApiResult<MyBenefitsBody> {
    Ok(Json(call.app.my_benefits(&call.actor).await?.into()))
}
