//! 待遇额度核定 over the API (Art. 14(1), 14(2), 14(7)): what a talent's range or
//! discretionary entitlements are, the coordination office's proposal, its edits and its
//! submission to the leading group, which fixes the amount in a meeting
//! (`/api/meetings/...`). The fixed amount becomes an installment (`/api/fund/installments/{id}`).

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yincai_app::fixings::{Fixable, FixingInput, FixingView};

use crate::AppState;
use crate::api::ApiJson;
use crate::auth::ApiCall;
use crate::benefits::talents::api::SubmitBody;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/talents/{id}/fixings", get(talent_fixings).post(propose_fixing))
        .route("/fixings/{id}", get(get_fixing).put(put_fixing))
        .route("/fixings/{id}/submit", post(submit_fixing))
}

/// A proposal as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct FixingBody {
    /// The entitlement's code in the talent's report, e.g. `startup_fund` (when proposing).
    #[serde(default)]
    pub benefit_code: String,
    /// Yuan as text, at most two decimals: `1500000` or `1,500,000.00`.
    pub amount: String,
    /// The project (科技成果转化项目) the amount is for.
    pub project: String,
    /// Why this amount: the project's size and the 论证 it passed.
    pub reason: String,
    /// The version read (edits).
    pub version: Option<i64>,
}

impl From<FixingBody> for FixingInput {
    fn from(b: FixingBody) -> Self {
        FixingInput {
            benefit_code: b.benefit_code,
            amount: b.amount,
            project: b.project,
            reason: b.reason,
            version: b.version,
        }
    }
}

/// An entitlement whose amount the leading group fixes.
#[derive(Debug, Serialize, ToSchema)]
pub struct FixableBenefit {
    pub benefit_code: String,
    pub benefit_name: String,
    /// `14(1)`.
    pub article: String,
    /// `第十四条第㈠项`.
    pub article_zh: String,
    /// The policy's range in fen; both null when at the group's discretion (14(7)).
    pub min_fen: Option<i64>,
    pub max_fen: Option<i64>,
    pub range_text: String,
    /// The proposal under way or fixed, if any (a new one is refused).
    pub current_fixing_id: Option<i64>,
}

impl From<Fixable> for FixableBenefit {
    fn from(f: Fixable) -> Self {
        FixableBenefit {
            benefit_code: f.benefit_code,
            benefit_name: f.benefit_name,
            article: f.article,
            article_zh: f.article_zh,
            min_fen: f.min_fen,
            max_fen: f.max_fen,
            range_text: f.range_text,
            current_fixing_id: f.current,
        }
    }
}

/// A proposal with its state, history and, once fixed, the installment it created.
#[derive(Debug, Serialize, ToSchema)]
pub struct Fixing {
    pub id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_name: String,
    pub benefit_code: String,
    pub benefit_name: String,
    pub article: String,
    pub article_zh: String,
    pub min_fen: Option<i64>,
    pub max_fen: Option<i64>,
    pub range_text: String,
    pub project: String,
    pub reason: String,
    /// Whole fen.
    pub amount_fen: i64,
    /// Set when the leading group fixed the amount.
    pub installment_id: Option<i64>,
    pub item_id: Option<i64>,
    /// draft | group_decision | approved | rejected
    pub state: Option<String>,
    pub state_name: String,
    pub resolution_number: Option<String>,
    pub version: i64,
    /// Send it to `POST …/submit`.
    pub item_version: Option<i64>,
    pub editable: bool,
    #[schema(value_type = Vec<Object>)]
    pub events: serde_json::Value,
}

impl From<FixingView> for Fixing {
    fn from(f: FixingView) -> Self {
        Fixing {
            id: f.row.id,
            talent_id: f.row.talent_id,
            talent_name: f.row.talent_name,
            org_name: f.row.org_name,
            benefit_code: f.row.benefit_code,
            benefit_name: f.row.benefit_name,
            article: f.row.article,
            article_zh: f.article_zh,
            min_fen: f.row.min_fen,
            max_fen: f.row.max_fen,
            range_text: f.range_text,
            project: f.row.project,
            reason: f.row.reason,
            amount_fen: f.row.amount_fen,
            installment_id: f.row.installment_id,
            item_id: f.row.item_id,
            state: f.row.state,
            state_name: f.state_name,
            resolution_number: f.resolution_number,
            version: f.row.version,
            item_version: f.item_version,
            editable: f.editable,
            events: serde_json::to_value(&f.events).unwrap_or_default(),
        }
    }
}

/// A talent's entitlements whose amount the leading group fixes, and the proposals.
#[derive(Debug, Serialize, ToSchema)]
pub struct TalentFixings {
    pub fixable: Vec<FixableBenefit>,
    pub fixings: Vec<Fixing>,
}

/// What of a talent's entitlements is fixed by the leading group, and the proposals so far
/// (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/talents/{id}/fixings", tag = "fixings", security(("bearer" = [])),
    responses((status = 200, body = TalentFixings), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn talent_fixings(call: ApiCall, Path(id): Path<i64>) -> ApiResult<TalentFixings> {
    let fixable = call.app.fixable_benefits(&call.actor, id).await?;
    let fixings = call.app.fixings_of_talent(&call.actor, id).await?;
    Ok(Json(TalentFixings {
        fixable: fixable.into_iter().map(FixableBenefit::from).collect(),
        fixings: fixings.into_iter().map(Fixing::from).collect(),
    }))
}

/// Proposes an amount (coordination office); it starts in `draft`. 422 names each field
/// (an amount outside the policy's range says the range); 409 if one is under way.
#[utoipa::path(post, path = "/api/talents/{id}/fixings", tag = "fixings", security(("bearer" = [])),
    request_body = FixingBody,
    responses((status = 200, body = Fixing), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn propose_fixing(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<FixingBody>,
) -> ApiResult<Fixing> {
    let fixing = call
        .app
        .propose_fixing(&call.actor, id, &body.into(), &call.ctx)
        .await?;
    Ok(Json(call.app.fixing(&call.actor, fixing).await?.into()))
}

/// One proposal with its history and resolution number.
#[utoipa::path(get, path = "/api/fixings/{id}", tag = "fixings", security(("bearer" = [])),
    responses((status = 200, body = Fixing), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_fixing(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Fixing> {
    Ok(Json(call.app.fixing(&call.actor, id).await?.into()))
}

/// Edits the project, reason and amount while the proposal is in `draft`.
#[utoipa::path(put, path = "/api/fixings/{id}", tag = "fixings", security(("bearer" = [])),
    request_body = FixingBody,
    responses((status = 200, body = Fixing), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_fixing(call: ApiCall, Path(id): Path<i64>, ApiJson(body): ApiJson<FixingBody>) -> ApiResult<Fixing> {
    call.app.update_fixing(&call.actor, id, &body.into(), &call.ctx).await?;
    Ok(Json(call.app.fixing(&call.actor, id).await?.into()))
}

/// Submits the proposal to the leading group (`draft` → `group_decision`); it is decided in
/// a meeting.
#[utoipa::path(post, path = "/api/fixings/{id}/submit", tag = "fixings", security(("bearer" = [])),
    request_body = SubmitBody,
    responses((status = 200, body = Fixing), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn submit_fixing(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SubmitBody>,
) -> ApiResult<Fixing> {
    call.app
        .submit_fixing(&call.actor, id, body.item_version, &call.ctx)
        .await?;
    Ok(Json(call.app.fixing(&call.actor, id).await?.into()))
}
