//! The special fund over the API (Art. 19, 29): budgets with growth and balances, the
//! ledger, the release approval (leading group), payments of certified releases
//! (finance, with an `Idempotency-Key` header), and payment batches.

use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::fund::{BatchInput, BatchPayment, BatchView, BudgetInput, FundOverview, FundYear, PaymentReceipt};
use yincai_store::{InstallmentRow, LedgerRow, PaymentBatchRow};

use crate::AppState;
use crate::api::ApiJson;
use crate::auth::ApiCall;
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fund", get(get_fund))
        .route("/fund/budgets", post(put_budget))
        .route("/fund/installments/{id}", get(get_installment))
        .route("/fund/installments/{id}/pay", post(pay_installment))
        .route("/fund/batches", get(list_batches).post(create_batch))
        .route("/fund/batches/{id}", get(get_batch))
        .route("/fund/batches/{id}/pay", post(pay_batch))
}

/// The header that makes a payment request safe to repeat.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A year of the fund; money in fen.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundYearBody {
    pub year: i64,
    pub budget_fen: i64,
    /// Growth over the previous year's budget (fen), when there is one.
    pub growth_fen: Option<i64>,
    /// The same in percent with two decimals, e.g. `12.50%`.
    pub growth_pct: Option<String>,
    pub committed_fen: i64,
    pub paid_fen: i64,
    /// budget − commitments − payments.
    pub available_fen: i64,
    pub note: String,
    pub entered_by_name: String,
    /// Epoch milliseconds.
    pub entered_at: i64,
    pub version: i64,
}

impl From<FundYear> for FundYearBody {
    fn from(y: FundYear) -> Self {
        FundYearBody {
            year: y.year,
            budget_fen: y.budget_fen,
            growth_fen: y.growth_fen,
            growth_pct: y.growth_pct,
            committed_fen: y.committed_fen,
            paid_fen: y.paid_fen,
            available_fen: y.available_fen,
            note: y.note,
            entered_by_name: y.entered_by_name,
            entered_at: y.entered_at,
            version: y.version,
        }
    }
}

/// A ledger posting (its two legs balance), with the year's available balance after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerPosting {
    pub id: i64,
    pub year: i64,
    /// Epoch milliseconds.
    pub at: i64,
    /// budget | commitment | release_of_commitment | payment | recovery
    pub kind: String,
    pub installment_id: Option<i64>,
    pub amount_fen: i64,
    pub actor_name: Option<String>,
    pub memo: String,
    pub available_after_fen: i64,
}

impl From<LedgerRow> for LedgerPosting {
    fn from(r: LedgerRow) -> Self {
        LedgerPosting {
            id: r.id,
            year: r.year,
            at: r.at,
            kind: r.kind,
            installment_id: r.installment_id,
            amount_fen: r.amount_fen,
            actor_name: r.actor_name,
            memo: r.memo,
            available_after_fen: r.available_after_fen,
        }
    }
}

/// An installment of an entitlement.
#[derive(Debug, Serialize, ToSchema)]
pub struct Installment {
    pub id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub benefit_code: String,
    pub benefit_name: String,
    /// The policy article, e.g. `13(2)`.
    pub article: String,
    pub seq: i64,
    pub service_year: Option<i64>,
    /// ISO date.
    pub due_on: String,
    pub amount_fen: i64,
    /// scheduled | approved | certified | paid | cancelled
    pub status: String,
    /// What the policy engine says of the installment's year, from the talent's service
    /// record (ADR 0011): due | awaiting_assessment | awaiting_service_months |
    /// condition_unmet | future. Only `due` may be released.
    pub engine_status: String,
    /// The same in Chinese (应发放, 待年度考核 …).
    pub engine_status_name: String,
    /// 批复文号.
    pub resolution_number: Option<String>,
    /// 证明编号.
    pub certificate_number: Option<String>,
    pub paid_at: Option<i64>,
    pub payment_batch_id: Option<i64>,
    pub version: i64,
}

impl From<InstallmentRow> for Installment {
    fn from(i: InstallmentRow) -> Self {
        Installment {
            id: i.id,
            talent_id: i.talent_id,
            talent_name: i.talent_name,
            org_id: i.org_id,
            org_name: i.org_name,
            benefit_code: i.benefit_code,
            benefit_name: i.benefit_name,
            article: i.article,
            seq: i.seq,
            service_year: i.service_year,
            due_on: i.due_on,
            amount_fen: i.amount_fen,
            status: i.status.code().into(),
            engine_status: i.engine_status.code().into(),
            engine_status_name: i.engine_status.label_zh().into(),
            resolution_number: i.resolution_number,
            certificate_number: i.certificate_number,
            paid_at: i.paid_at,
            payment_batch_id: i.payment_batch_id,
            version: i.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Fund {
    /// Years with a budget, the most recent first.
    pub years: Vec<FundYearBody>,
    /// Postings, newest first (50 per page).
    pub ledger: Vec<LedgerPosting>,
    pub ledger_total: i64,
    /// Certified releases in no payment batch yet.
    pub releasable: Vec<Installment>,
}

impl From<FundOverview> for Fund {
    fn from(o: FundOverview) -> Self {
        Fund {
            years: o.years.into_iter().map(Into::into).collect(),
            ledger_total: o.ledger.total,
            ledger: o.ledger.rows.into_iter().map(Into::into).collect(),
            releasable: o.releasable.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FundQuery {
    /// Only this year's postings.
    pub year: Option<i64>,
    #[serde(default)]
    pub offset: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BudgetBody {
    pub year: i64,
    /// Yuan as text with at most two decimals, e.g. `12000000.00`.
    pub amount: String,
    #[serde(default)]
    pub note: String,
    /// The version read, to revise an existing year; absent for a new year.
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PayBody {
    /// The batch the installment is paid in, if any.
    pub batch_id: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    pub payment_id: i64,
    pub installment_id: i64,
    pub talent_name: String,
    pub benefit_name: String,
    pub amount_fen: i64,
    pub fund_year: i64,
    pub batch_id: Option<i64>,
    /// Epoch milliseconds.
    pub paid_at: i64,
    pub paid_by: String,
    pub available_after_fen: i64,
}

impl From<PaymentReceipt> for Receipt {
    fn from(r: PaymentReceipt) -> Self {
        Receipt {
            payment_id: r.payment_id,
            installment_id: r.installment_id,
            talent_name: r.talent_name,
            benefit_name: r.benefit_name,
            amount_fen: r.amount_fen,
            fund_year: r.fund_year,
            batch_id: r.batch_id,
            paid_at: r.paid_at,
            paid_by: r.paid_by,
            available_after_fen: r.available_after_fen,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Batch {
    pub id: i64,
    /// e.g. ZF2026-0001
    pub number: String,
    /// open | paid
    pub status: String,
    pub total_fen: i64,
    pub note: String,
    pub created_by_name: String,
    pub created_at: i64,
    pub paid_at: Option<i64>,
    pub items: i64,
    pub paid_items: i64,
    pub paid_fen: i64,
}

impl From<PaymentBatchRow> for Batch {
    fn from(b: PaymentBatchRow) -> Self {
        Batch {
            id: b.id,
            number: b.number,
            status: b.status.code().into(),
            total_fen: b.total_fen,
            note: b.note,
            created_by_name: b.created_by_name,
            created_at: b.created_at,
            paid_at: b.paid_at,
            items: b.items,
            paid_items: b.paid_items,
            paid_fen: b.paid_fen,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchDetail {
    #[serde(flatten)]
    pub batch: Batch,
    pub installments: Vec<Installment>,
    /// Payees still to be paid without a bank account recorded (names).
    pub missing_accounts: Vec<String>,
}

impl From<BatchView> for BatchDetail {
    fn from(v: BatchView) -> Self {
        BatchDetail {
            batch: v.batch.into(),
            installments: v.installments.into_iter().map(Into::into).collect(),
            missing_accounts: v.missing_accounts,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchBody {
    /// Certified installments in no batch yet.
    pub installment_ids: Vec<i64>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Refusal {
    pub installment_id: i64,
    pub talent_name: String,
    pub amount_fen: i64,
    /// Why it was not paid (e.g. the available balance with the figures).
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchPaid {
    pub paid: Vec<Receipt>,
    pub refused: Vec<Refusal>,
}

impl From<BatchPayment> for BatchPaid {
    fn from(p: BatchPayment) -> Self {
        BatchPaid {
            paid: p.paid.into_iter().map(Into::into).collect(),
            refused: p
                .refused
                .into_iter()
                .map(|r| Refusal {
                    installment_id: r.installment_id,
                    talent_name: r.talent_name,
                    amount_fen: r.amount_fen,
                    message: r.message,
                })
                .collect(),
        }
    }
}

/// Budgets per year with growth and balances, the ledger, certified releases to batch
/// (finance, the coordination office, city leaders).
#[utoipa::path(get, path = "/api/fund", tag = "fund", security(("bearer" = [])), params(FundQuery),
    responses((status = 200, body = Fund), (status = 403, body = ErrorBody)))]
pub async fn get_fund(call: ApiCall, Query(q): Query<FundQuery>) -> ApiResult<Fund> {
    Ok(Json(
        call.app.fund_overview(&call.actor, q.year, q.offset).await?.into(),
    ))
}

/// Enters a year's budget, or revises it with `version` (finance). A revision below what
/// is committed and paid is refused with the figures (422); a second entry for a year 409.
#[utoipa::path(post, path = "/api/fund/budgets", tag = "fund", security(("bearer" = [])), request_body = BudgetBody,
    responses((status = 200, body = FundYearBody), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_budget(call: ApiCall, ApiJson(body): ApiJson<BudgetBody>) -> ApiResult<FundYearBody> {
    let input = BudgetInput {
        year: body.year.to_string(),
        amount: body.amount,
        note: body.note,
        version: body.version.map(|v| v.to_string()).unwrap_or_default(),
    };
    let row = call.app.set_budget(&call.actor, &input, &call.ctx).await?;
    let overview = call.app.fund_overview(&call.actor, Some(row.year), 0).await?;
    let year = overview
        .years
        .into_iter()
        .find(|y| y.year == row.year)
        .ok_or_else(|| ApiError(yincai_app::AppError::NotFound("年度预算".into())))?;
    Ok(Json(year.into()))
}

/// One installment (fund readers, the leading group).
#[utoipa::path(get, path = "/api/fund/installments/{id}", tag = "fund", security(("bearer" = [])),
    responses((status = 200, body = Installment), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_installment(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Installment> {
    Ok(Json(call.app.installment(&call.actor, id).await?.into()))
}

/// Pays a certified release (finance). Send an `Idempotency-Key` header: the same key with
/// the same request answers the first receipt again; with another request 409. Paying an
/// installment already paid is 409 `already_handled`; too little money 422 with the figures.
#[utoipa::path(post, path = "/api/fund/installments/{id}/pay", tag = "fund", security(("bearer" = [])), request_body = PayBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "A key unique per payment request (e.g. a UUID)")),
    responses((status = 200, body = Receipt), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn pay_installment(
    call: ApiCall,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Receipt> {
    // The body is optional: none (or `{}`) pays outside a batch.
    let body: PayBody = if body.iter().all(u8::is_ascii_whitespace) {
        PayBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            yincai_app::AppError::invalid(
                "batch_id",
                format!("请求体：{e}；应为 {{\"batch_id\": 批次编号}} 或为空"),
            )
        })?
    };
    let key = idempotency_key(&headers);
    Ok(Json(
        call.app
            .pay(&call.actor, id, body.batch_id, key.as_deref(), &call.ctx)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct BatchesQuery {
    #[serde(default)]
    pub offset: i64,
}

/// Payment batches, newest first (50 per page).
#[utoipa::path(get, path = "/api/fund/batches", tag = "fund", security(("bearer" = [])), params(BatchesQuery),
    responses((status = 200, body = Vec<Batch>), (status = 403, body = ErrorBody)))]
pub async fn list_batches(call: ApiCall, Query(q): Query<BatchesQuery>) -> ApiResult<Vec<Batch>> {
    Ok(Json(
        call.app
            .batches(&call.actor, q.offset)
            .await?
            .rows
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Puts certified releases in no batch yet into a new batch (finance).
#[utoipa::path(post, path = "/api/fund/batches", tag = "fund", security(("bearer" = [])), request_body = BatchBody,
    responses((status = 200, body = BatchDetail), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_batch(call: ApiCall, ApiJson(body): ApiJson<BatchBody>) -> ApiResult<BatchDetail> {
    let input = BatchInput {
        installment_ids: body.installment_ids,
        note: body.note,
    };
    let batch = call.app.create_batch(&call.actor, &input, &call.ctx).await?;
    Ok(Json(call.app.batch(&call.actor, batch.id).await?.into()))
}

/// A batch with its installments.
#[utoipa::path(get, path = "/api/fund/batches/{id}", tag = "fund", security(("bearer" = [])),
    responses((status = 200, body = BatchDetail), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_batch(call: ApiCall, Path(id): Path<i64>) -> ApiResult<BatchDetail> {
    Ok(Json(call.app.batch(&call.actor, id).await?.into()))
}

/// Pays every unpaid installment of a batch, each by the rules of a single payment; those
/// that cannot be paid are listed with why. With an `Idempotency-Key` a repeated request
/// pays nothing twice and answers the same.
#[utoipa::path(post, path = "/api/fund/batches/{id}/pay", tag = "fund", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "A key unique per batch payment request")),
    responses((status = 200, body = BatchPaid), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn pay_batch(call: ApiCall, Path(id): Path<i64>, headers: HeaderMap) -> ApiResult<BatchPaid> {
    let key = idempotency_key(&headers);
    Ok(Json(
        call.app
            .pay_batch(&call.actor, id, key.as_deref(), &call.ctx)
            .await?
            .into(),
    ))
}
