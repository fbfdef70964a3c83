//! Re-evaluations and Art. 27 cancellation and recovery over the API: a talent's
//! evaluations with their differences, a change of facts (coordination office), the
//! recoveries and their repayments (finance). Ending for cause is a proposal the leading
//! group decides in a meeting (`benefits::endings`); no endpoint here ends a relation.

use axum::extract::{Path, Query};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::recovery::{EvaluationsView, FactsChange, RecoveryView, RepaymentInput};
use yincai_store::{RecoveryRow, RepaymentRow};

use crate::AppState;
use crate::api::ApiJson;
use crate::auth::ApiCall;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/talents/{id}/evaluations", get(get_evaluations).post(reevaluate))
        .route("/recoveries", get(list_recoveries))
        .route("/recoveries/{id}", get(get_recovery))
        .route("/recoveries/{id}/repayments", post(repay))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiffLine {
    pub what: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Evaluation {
    /// 0 = the evaluation frozen at the introduction decision.
    pub seq: i64,
    pub policy_id: String,
    pub policy_version: String,
    pub change_summary: String,
    pub reason: String,
    pub actor_name: String,
    pub created_at: i64,
    pub category: Option<u8>,
    pub total_due_yuan: i64,
    pub cancelled_by: Option<String>,
    /// Differences from the evaluation before.
    pub diff: Vec<DiffLine>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Evaluations {
    pub talent_id: i64,
    pub talent_name: String,
    pub evaluations: Vec<Evaluation>,
}

impl From<EvaluationsView> for Evaluations {
    fn from(v: EvaluationsView) -> Self {
        Evaluations {
            talent_id: v.talent_id,
            talent_name: v.talent_name,
            evaluations: v
                .evaluations
                .into_iter()
                .map(|e| Evaluation {
                    seq: e.seq,
                    policy_id: e.policy_id,
                    policy_version: e.policy_version,
                    change_summary: e.change_summary,
                    reason: e.reason,
                    actor_name: e.actor_name,
                    created_at: e.created_at,
                    category: e.category,
                    total_due_yuan: e.total_due_yuan,
                    cancelled_by: e.cancelled_by,
                    diff: e
                        .diff
                        .into_iter()
                        .map(|d| DiffLine {
                            what: d.what,
                            before: d.before,
                            after: d.after,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A change of facts; empty fields are unchanged.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ChangeBody {
    /// none | junior | intermediate | vice_senior | senior
    #[serde(default)]
    pub title: String,
    /// End of the relation, ISO date.
    #[serde(default)]
    pub end: String,
    /// The talent's project landed and passed its 论证 (the startup fund of Art. 14 becomes
    /// an entitlement, fixed by the leading group: `/api/talents/{id}/fixings`).
    #[serde(default)]
    pub project_verified: bool,
    /// The project has run on and its benefit is found significant (Art. 14(2): the housing
    /// gift and the 安家费 wait for it); `reason` records the basis of the finding.
    #[serde(default)]
    pub project_benefit_significant: bool,
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RepaymentBody {
    /// ISO date.
    pub paid_on: String,
    /// Yuan, at most two decimals, e.g. "1200.50".
    pub amount: String,
    #[serde(default)]
    pub note: String,
    /// The recovery's version as read.
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Recovery {
    pub id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub ended_on: String,
    pub reason: String,
    pub document: String,
    /// The policy file's interpretation used, e.g. `cancellation (cancel_all)`.
    pub interpretation_id: String,
    pub reading: String,
    pub basis: String,
    pub paid_fen: i64,
    pub amount_fen: i64,
    pub recovered_fen: i64,
    pub outstanding_fen: i64,
    pub cancelled_count: i64,
    pub cancelled_fen: i64,
    /// open | partially_recovered | settled
    pub status: String,
    pub version: i64,
}

impl From<RecoveryRow> for Recovery {
    fn from(r: RecoveryRow) -> Self {
        Recovery {
            id: r.id,
            talent_id: r.talent_id,
            talent_name: r.talent_name,
            org_id: r.org_id,
            org_name: r.org_name,
            ended_on: r.ended_on,
            reason: r.reason,
            document: r.document,
            interpretation_id: r.interpretation_id,
            reading: r.reading,
            basis: r.basis,
            paid_fen: r.paid_fen,
            amount_fen: r.amount_fen,
            recovered_fen: r.recovered_fen,
            outstanding_fen: r.amount_fen - r.recovered_fen,
            cancelled_count: r.cancelled_count,
            cancelled_fen: r.cancelled_fen,
            status: r.status.code().into(),
            version: r.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Repayment {
    pub id: i64,
    pub paid_on: String,
    pub amount_fen: i64,
    pub note: String,
    pub posting_id: Option<i64>,
    pub recorded_by_name: String,
    pub recorded_at: i64,
}

impl From<RepaymentRow> for Repayment {
    fn from(p: RepaymentRow) -> Self {
        Repayment {
            id: p.id,
            paid_on: p.paid_on,
            amount_fen: p.amount_fen,
            note: p.note,
            posting_id: p.posting_id,
            recorded_by_name: p.recorded_by_name,
            recorded_at: p.recorded_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryDetail {
    pub recovery: Recovery,
    pub repayments: Vec<Repayment>,
}

impl From<RecoveryView> for RecoveryDetail {
    fn from(v: RecoveryView) -> Self {
        RecoveryDetail {
            recovery: v.recovery.into(),
            repayments: v.repayments.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryList {
    pub total: i64,
    pub offset: i64,
    pub items: Vec<Recovery>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ListQuery {
    /// open | partially_recovered | settled
    pub status: Option<String>,
    #[serde(default)]
    pub offset: i64,
}

/// The frozen evaluation and every re-evaluation, each with its difference from the one before.
#[utoipa::path(get, path = "/api/talents/{id}/evaluations", tag = "recovery", security(("bearer" = [])),
    responses((status = 200, body = Evaluations), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_evaluations(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Evaluations> {
    Ok(Json(call.app.talent_evaluations(&call.actor, id).await?.into()))
}

/// Records a change of facts (coordination office): evaluated anew and stored as a new
/// evaluation; the frozen one is never overwritten.
#[utoipa::path(post, path = "/api/talents/{id}/evaluations", tag = "recovery", security(("bearer" = [])), request_body = ChangeBody,
    responses((status = 200, body = Evaluations), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn reevaluate(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> ApiResult<Evaluations> {
    let change = FactsChange {
        title: body.title,
        end: body.end,
        project_verified: body.project_verified,
        project_benefit_significant: body.project_benefit_significant,
    };
    Ok(Json(
        call.app
            .reevaluate_talent(&call.actor, id, &change, &body.reason, &call.ctx)
            .await?
            .into(),
    ))
}

/// Recoveries within scope, newest first (coordination office, finance).
#[utoipa::path(get, path = "/api/recoveries", tag = "recovery", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = RecoveryList), (status = 403, body = ErrorBody)))]
pub async fn list_recoveries(call: ApiCall, Query(q): Query<ListQuery>) -> ApiResult<RecoveryList> {
    let page = call.app.recoveries(&call.actor, q.status.as_deref(), q.offset).await?;
    Ok(Json(RecoveryList {
        total: page.total,
        offset: page.offset,
        items: page.rows.into_iter().map(Into::into).collect(),
    }))
}

/// One recovery with its repayments.
#[utoipa::path(get, path = "/api/recoveries/{id}", tag = "recovery", security(("bearer" = [])),
    responses((status = 200, body = RecoveryDetail), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_recovery(call: ApiCall, Path(id): Path<i64>) -> ApiResult<RecoveryDetail> {
    Ok(Json(call.app.recovery(&call.actor, id).await?.into()))
}

/// Records a repayment (finance): never more than is owed (422); a `recovery` posting in
/// the fund's ledger.
#[utoipa::path(post, path = "/api/recoveries/{id}/repayments", tag = "recovery", security(("bearer" = [])), request_body = RepaymentBody,
    responses((status = 200, body = RecoveryDetail), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn repay(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RepaymentBody>,
) -> ApiResult<RecoveryDetail> {
    let input = RepaymentInput {
        paid_on: body.paid_on,
        amount: body.amount,
        note: body.note,
        version: body.version.to_string(),
    };
    Ok(Json(
        call.app
            .record_repayment(&call.actor, id, &input, &call.ctx)
            .await?
            .into(),
    ))
}
