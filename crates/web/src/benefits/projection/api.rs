//! The special fund's projection over the API (Art. 29): what the fund owes for the next ten
//! years, in two scenarios, against the budgets, by benefit kind and by unit. Amounts in fen.

use axum::extract::Query;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::projection::{DEFAULT_DEPARTURE_PER_MILLE, ProjectionRow, ProjectionView};
use yincai_domain::projection::Amounts;

use crate::AppState;
use crate::auth::ApiCall;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new().route("/fund/projection", get(fund_projection))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ProjectionParams {
    /// The share of talents leaving each year, in per mille (‰): a whole number 0-1000
    /// (50 = 5 % a year). Default 50.
    pub departure_rate: Option<String>,
}

/// An amount in both scenarios, in fen.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioAmounts {
    /// No departures, every assessment passed.
    pub base_fen: i64,
    /// With departures: expected amount, rounded down to the fen per year × kind × unit.
    pub expected_fen: i64,
}

impl From<Amounts> for ScenarioAmounts {
    fn from(a: Amounts) -> Self {
        ScenarioAmounts {
            base_fen: a.base.0,
            expected_fen: a.expected.0,
        }
    }
}

/// One year against the budget.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectionYearBody {
    pub year: i32,
    /// Owed with no departures; the first year includes the arrears.
    pub base_fen: i64,
    /// Owed with departures.
    pub expected_fen: i64,
    /// Of `base_fen`, due in earlier years and still unpaid (first year only).
    pub arrears_fen: i64,
    /// The survival (1 − rate)^i applied, e.g. "90.2500%".
    pub survival_pct: String,
    pub installments: usize,
    /// The year's budget, or the last one carried forward flat; null when none was entered.
    pub budget_fen: Option<i64>,
    /// Set when the budget is an assumption: the year whose budget is carried forward.
    pub budget_assumed_from: Option<i32>,
    /// base − budget: positive is a shortfall (缺口).
    pub gap_base_fen: Option<i64>,
    /// expected − budget.
    pub gap_expected_fen: Option<i64>,
}

/// One benefit kind or unit, per year and over the horizon.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectionRowBody {
    /// The benefit code, or the unit's id.
    pub key: String,
    pub label: String,
    /// The article granting the benefit (kinds only).
    pub article: String,
    pub years: Vec<ScenarioAmounts>,
    pub total: ScenarioAmounts,
}

impl From<ProjectionRow> for ProjectionRowBody {
    fn from(r: ProjectionRow) -> Self {
        ProjectionRowBody {
            key: r.key,
            label: r.label,
            article: r.article,
            years: r.years.into_iter().map(Into::into).collect(),
            total: r.total.into(),
        }
    }
}

/// The projection: from this year for `horizon` years.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundProjection {
    /// The date of the figures (Beijing).
    pub as_of: String,
    pub start_year: i32,
    pub horizon: u32,
    pub departure_rate_per_mille: u32,
    /// Talents with something owed within the horizon.
    pub talents: usize,
    /// Installments owed within the horizon (scheduled, approved or certified).
    pub installments: usize,
    pub total: ScenarioAmounts,
    /// Due in earlier years and still unpaid, counted in the first year.
    pub arrears_fen: i64,
    pub arrears_installments: usize,
    /// Still owed but due after the horizon (not projected).
    pub beyond_fen: i64,
    pub beyond_installments: usize,
    /// Whether some year's budget is the last one carried forward (an assumption).
    pub budget_assumed: bool,
    pub years: Vec<ProjectionYearBody>,
    /// By benefit kind, the largest first.
    pub by_kind: Vec<ProjectionRowBody>,
    /// By unit, the largest first.
    pub by_unit: Vec<ProjectionRowBody>,
}

impl From<ProjectionView> for FundProjection {
    fn from(p: ProjectionView) -> Self {
        FundProjection {
            as_of: p.as_of,
            start_year: p.start_year,
            horizon: p.horizon,
            departure_rate_per_mille: p.departure_per_mille,
            talents: p.talents,
            installments: p.installments,
            total: p.total.into(),
            arrears_fen: p.arrears.0,
            arrears_installments: p.arrears_installments,
            beyond_fen: p.beyond.0,
            beyond_installments: p.beyond_installments,
            budget_assumed: p.budget_assumed,
            years: p
                .years
                .into_iter()
                .map(|y| ProjectionYearBody {
                    year: y.year,
                    base_fen: y.base.0,
                    expected_fen: y.expected.0,
                    arrears_fen: y.arrears.0,
                    survival_pct: y.survival_pct,
                    installments: y.installments,
                    budget_fen: y.budget.map(|b| b.0),
                    budget_assumed_from: y.budget_assumed_from,
                    gap_base_fen: y.gap_base.map(|g| g.0),
                    gap_expected_fen: y.gap_expected.map(|g| g.0),
                })
                .collect(),
            by_kind: p.by_kind.into_iter().map(Into::into).collect(),
            by_unit: p.by_unit.into_iter().map(Into::into).collect(),
        }
    }
}

/// What the special fund owes for the next ten years for the talents already introduced:
/// the base scenario (no departures, every assessment passed) and the expected amount with
/// `departure_rate` ‰ of the talents leaving each year, by benefit kind and by unit, against
/// the annual budgets (finance, the coordination office, city leaders). 422 names
/// `departure_rate` when it is not a whole number 0-1000.
#[utoipa::path(get, path = "/api/fund/projection", tag = "fund", security(("bearer" = [])), params(ProjectionParams),
    responses((status = 200, body = FundProjection), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn fund_projection(call: ApiCall, Query(p): Query<ProjectionParams>) -> ApiResult<FundProjection> {
    let typed = p
        .departure_rate
        .unwrap_or_else(|| DEFAULT_DEPARTURE_PER_MILLE.to_string());
    Ok(Json(call.app.fund_projection(&call.actor, &typed).await?.into()))
}
