//! The audit trail over the API (audit admin only).

use axum::extract::Query;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_store::{AuditQuery, AuditRecord, AuditVerdict};

use crate::AppState;
use crate::api::{PageOf, Window};
use crate::auth::ApiCall;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(list_audit))
        .route("/audit/verify", get(verify_audit))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    /// Epoch milliseconds.
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub summary: String,
    pub reason: String,
    pub request_id: String,
    pub result: String,
    pub hash: String,
}

impl From<AuditRecord> for AuditEntry {
    fn from(r: AuditRecord) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            actor_role: r.actor_role,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            summary: r.summary,
            reason: r.reason,
            request_id: r.request_id,
            result: r.result,
            hash: r.hash,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// Words in the summary, reason or actor name.
    pub q: Option<String>,
    /// From this epoch millisecond (inclusive).
    pub from: Option<i64>,
    /// Until this epoch millisecond (exclusive).
    pub to: Option<i64>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/audit", tag = "audit", security(("bearer" = [])), params(AuditFilter),
    responses((status = 200, body = PageOf<AuditEntry>), (status = 403, body = ErrorBody)))]
pub async fn list_audit(call: ApiCall, Query(f): Query<AuditFilter>) -> ApiResult<PageOf<AuditEntry>> {
    let w = Window::new(f.offset, f.limit);
    let q = AuditQuery {
        action: f.action,
        actor: f.actor,
        object_type: f.object_type,
        object_id: f.object_id,
        text: f.q,
        from: f.from,
        to: f.to,
        offset: w.offset(),
        limit: w.limit(),
    };
    let page = call.app.audit_records(&call.actor, &q).await?;
    Ok(Json(page.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    /// `intact` or `broken`.
    pub status: String,
    pub records: Option<i64>,
    /// The first record that was altered or removed.
    pub first_bad_seq: Option<i64>,
    /// What is wrong with it, in Chinese.
    pub problem: Option<String>,
    /// missing | link_broken | content_altered | truncated
    pub problem_code: Option<String>,
}

/// Walk the SM3 chain and report the first altered or removed record.
#[utoipa::path(get, path = "/api/audit/verify", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = Verification), (status = 403, body = ErrorBody)))]
pub async fn verify_audit(call: ApiCall) -> ApiResult<Verification> {
    Ok(Json(match call.app.verify_audit(&call.actor).await? {
        AuditVerdict::Intact { records, .. } => Verification {
            status: "intact".into(),
            records: Some(records),
            first_bad_seq: None,
            problem: None,
            problem_code: None,
        },
        AuditVerdict::Broken { seq, problem } => Verification {
            status: "broken".into(),
            records: None,
            first_bad_seq: Some(seq),
            problem: Some(yincai_app::audit::problem_zh(problem)),
            problem_code: serde_json::to_value(problem)
                .ok()
                .and_then(|v| v["kind"].as_str().map(String::from)),
        },
    }))
}
