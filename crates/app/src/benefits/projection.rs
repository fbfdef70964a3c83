//! The special fund's projection (Art. 29): what the fund owes, year by year for the next ten
//! years, for the talents already introduced, in two scenarios (no departures; a departure
//! rate the user sets), by benefit kind and by unit, against the annual budgets.
//!
//! The arithmetic is [`yincai_domain::projection`]'s (pure, exact, in fen). This module reads
//! the owed installments (summed by the database by unit, benefit, due year and status, so
//! the read stays small at any number of talents) and the budgets in one snapshot, names the
//! kinds and units, and lays the figures out for the page, the export and the API.

use serde::Serialize;
use yincai_domain::money::Fen;
use yincai_domain::projection::{self, Amounts, Grouped, HORIZON_YEARS, Projection, ProjectionError, Status};

use crate::{Actor, App, AppError, FieldError, Permission, Result};

/// The departure rate the page starts with when none is given: 50 ‰ (5 % a year).
pub const DEFAULT_DEPARTURE_PER_MILLE: u32 = 50;

/// Reads the departure rate as typed: a whole number of per mille, 0-1000 (a trailing ‰ and
/// spaces are allowed). The error names the field `departure_rate`.
pub fn parse_departure_rate(typed: &str) -> Result<u32> {
    let t = typed.trim();
    let t = t.strip_suffix('‰').unwrap_or(t).trim_end();
    let invalid = |msg: String| AppError::Invalid(vec![FieldError::new("departure_rate", msg)]);
    if t.is_empty() {
        return Err(invalid(
            "年离职率：请填写 0 至 1000 之间的整数，单位为千分之一（‰），如每年 5% 填 50".into(),
        ));
    }
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(format!(
            "年离职率：“{}”不是整数，请填写 0 至 1000 之间的整数，单位为千分之一（‰），如每年 5% 填 50、2.5% 填 25",
            echo(typed)
        )));
    }
    match t.parse::<u32>() {
        Ok(r) if r <= projection::PER_MILLE => Ok(r),
        _ => Err(invalid(format!(
            "年离职率：“{}”超出范围，请填写 0 至 1000 之间的整数（‰），1000 表示每年全部离职",
            echo(typed)
        ))),
    }
}

fn echo(typed: &str) -> String {
    let t = typed.trim();
    if t.chars().count() <= 16 {
        t.to_owned()
    } else {
        t.chars().take(16).chain(['…']).collect()
    }
}

/// One row of a table by kind or by unit: the label and the amounts per year and in all.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectionRow {
    /// The benefit code, or the unit's id as text.
    pub key: String,
    pub label: String,
    /// The article granting it (kinds only).
    pub article: String,
    /// Per year, in the order of [`ProjectionView::years`].
    pub years: Vec<Amounts>,
    pub total: Amounts,
}

/// One year against the budget.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectionYear {
    pub year: i32,
    /// Owed with no departures (arrears included in the first year).
    pub base: Fen,
    /// Owed with departures (expected, rounded down per cell).
    pub expected: Fen,
    /// Of `base`, due before this year and still unpaid (first year only).
    pub arrears: Fen,
    /// The survival `(1 − r)^i` applied this year, as a percentage with four decimals.
    pub survival_pct: String,
    pub installments: usize,
    /// The budget of the year, or the last one entered carried forward flat.
    pub budget: Option<Fen>,
    /// The year whose budget is shown, when it is carried forward (an assumption).
    pub budget_assumed_from: Option<i32>,
    /// `base − budget`: positive is a shortfall (缺口), negative is headroom.
    pub gap_base: Option<Fen>,
    /// `expected − budget`.
    pub gap_expected: Option<Fen>,
}

/// The projection as the page, the export and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectionView {
    /// Today (Beijing), the date of the figures.
    pub as_of: String,
    pub start_year: i32,
    pub horizon: u32,
    pub departure_per_mille: u32,
    pub years: Vec<ProjectionYear>,
    /// By benefit kind, the largest first.
    pub by_kind: Vec<ProjectionRow>,
    /// By unit, the largest first.
    pub by_unit: Vec<ProjectionRow>,
    pub total: Amounts,
    /// Due before this year and still unpaid, counted in the first year.
    pub arrears: Fen,
    pub arrears_installments: usize,
    /// Still owed but due after the horizon (not projected).
    pub beyond: Fen,
    pub beyond_installments: usize,
    pub talents: usize,
    pub installments: usize,
    /// Whether some year's budget is the last one carried forward.
    pub budget_assumed: bool,
    /// The projection itself (cells by kind and unit in code and id order).
    #[serde(skip)]
    pub raw: Projection,
}

impl App {
    /// The fund projection from this year for ten years, with `departure_rate_per_mille`
    /// (as typed: 0-1000 ‰) of the talents leaving each year. Finance, the coordination
    /// office and city leaders ([`Permission::FundRead`]).
    pub async fn fund_projection(&self, actor: &Actor, departure_rate_per_mille: &str) -> Result<ProjectionView> {
        actor.require(Permission::FundRead)?;
        let rate = parse_departure_rate(departure_rate_per_mille)?;
        let today = self.today();
        let start_year = i32::from(today.year());

        let mut tx = self.store.begin_read().await?;
        let sums = tx.projection_owed_sums().await?;
        let talents = tx.projection_talents_owed(start_year + HORIZON_YEARS as i32).await?;
        let units = tx.projection_unit_names().await?;
        let budgets = tx.projection_budgets().await?;
        drop(tx);

        let internal = |what: String| AppError::Internal(anyhow::anyhow!(what));
        // Benefit code → (name, article).
        let mut kinds: Vec<(String, String, String)> = Vec::new();
        for r in &sums {
            if !kinds.iter().any(|(code, _, _)| *code == r.benefit_code) {
                kinds.push((r.benefit_code.clone(), r.benefit_name.clone(), r.article.clone()));
            }
        }
        let groups: Vec<Grouped> = sums
            .into_iter()
            .map(|r| {
                Ok(Grouped {
                    unit_id: r.org_id,
                    due_year: i32::try_from(r.due_year).map_err(|_| internal(format!("due year {}", r.due_year)))?,
                    amount: Fen(r.amount_fen),
                    installments: usize::try_from(r.installments).unwrap_or(0),
                    status: Status::parse(&r.status).ok_or_else(|| internal(format!("status {}", r.status)))?,
                    kind: r.benefit_code,
                })
            })
            .collect::<Result<_>>()?;
        let talents = usize::try_from(talents).unwrap_or(0);
        let p =
            projection::project_grouped(&groups, talents, start_year, HORIZON_YEARS, rate).map_err(|e| match e {
                ProjectionError::RateOutOfRange(_) => {
                    AppError::Invalid(vec![FieldError::new("departure_rate", e.to_string())])
                }
                other => AppError::Internal(other.into()),
            })?;

        let budget_pairs: Vec<(i32, Fen)> = budgets
            .iter()
            .filter_map(|b| Some((i32::try_from(b.year).ok()?, Fen(b.amount_fen))))
            .collect();
        let years: Vec<ProjectionYear> = p
            .years
            .iter()
            .map(|y| {
                let (budget, assumed) = budget_for(&budget_pairs, y.year);
                let gap = |owed: Fen| budget.and_then(|b| owed.checked_sub(b));
                ProjectionYear {
                    year: y.year,
                    base: y.total.base,
                    expected: y.total.expected,
                    arrears: y.arrears,
                    survival_pct: percent_of_ppm(y.survival_ppm),
                    installments: y.installments,
                    budget,
                    budget_assumed_from: assumed,
                    gap_base: gap(y.total.base),
                    gap_expected: gap(y.total.expected),
                }
            })
            .collect();

        let mut by_kind: Vec<ProjectionRow> = p
            .kinds
            .iter()
            .enumerate()
            .map(|(k, code)| {
                let named = kinds.iter().find(|(c, _, _)| c == code);
                ProjectionRow {
                    key: code.clone(),
                    label: named.map_or_else(|| code.clone(), |(_, name, _)| name.clone()),
                    article: named.map(|(_, _, article)| article.clone()).unwrap_or_default(),
                    years: p.years.iter().map(|y| y.by_kind[k]).collect(),
                    total: p.kind_totals[k],
                }
            })
            .collect();
        let mut by_unit: Vec<ProjectionRow> = p
            .units
            .iter()
            .enumerate()
            .map(|(u, id)| ProjectionRow {
                key: id.to_string(),
                label: units
                    .iter()
                    .find(|x| x.id == *id)
                    .map_or_else(|| format!("单位 {id}"), |x| x.name.clone()),
                article: String::new(),
                years: p.years.iter().map(|y| y.by_unit[u]).collect(),
                total: p.unit_totals[u],
            })
            .collect();
        let largest_first =
            |a: &ProjectionRow, b: &ProjectionRow| b.total.base.cmp(&a.total.base).then_with(|| a.label.cmp(&b.label));
        by_kind.sort_by(largest_first);
        by_unit.sort_by(largest_first);

        Ok(ProjectionView {
            as_of: today.to_string(),
            start_year,
            horizon: p.horizon,
            departure_per_mille: rate,
            budget_assumed: years.iter().any(|y| y.budget_assumed_from.is_some()),
            years,
            by_kind,
            by_unit,
            total: p.total,
            arrears: p.arrears,
            arrears_installments: p.arrears_installments,
            beyond: p.beyond,
            beyond_installments: p.beyond_installments,
            talents: p.talents,
            installments: p.installments,
            raw: p,
        })
    }
}

/// The budget of `year`: its own, else the last earlier one carried forward flat (with the
/// year it comes from), else none.
pub fn budget_for(budgets: &[(i32, Fen)], year: i32) -> (Option<Fen>, Option<i32>) {
    if let Some((_, b)) = budgets.iter().find(|(y, _)| *y == year) {
        return (Some(*b), None);
    }
    match budgets.iter().filter(|(y, _)| *y < year).max_by_key(|(y, _)| *y) {
        Some((y, b)) => (Some(*b), Some(*y)),
        None => (None, None),
    }
}

/// Millionths as a percentage with four decimals: 970_299 → "97.0299%".
fn percent_of_ppm(ppm: i64) -> String {
    format!("{}.{:04}%", ppm / 10_000, ppm % 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_rate_as_typed() {
        assert_eq!(parse_departure_rate("50").unwrap(), 50);
        assert_eq!(parse_departure_rate(" 0 ").unwrap(), 0);
        assert_eq!(parse_departure_rate("1000‰").unwrap(), 1000);
        for bad in ["", "  ", "1001", "-5", "5%", "2.5", "abc", "99999999999999"] {
            let e = parse_departure_rate(bad).unwrap_err();
            let f = e.field_errors();
            assert_eq!(f[0].field, "departure_rate", "{bad}");
            assert!(f[0].message.starts_with("年离职率："), "{bad}");
        }
    }

    #[test]
    fn budgets_carry_forward_flat() {
        let b = [(2025, Fen(100)), (2026, Fen(200)), (2028, Fen(300))];
        assert_eq!(budget_for(&b, 2026), (Some(Fen(200)), None));
        assert_eq!(budget_for(&b, 2027), (Some(Fen(200)), Some(2026)));
        assert_eq!(budget_for(&b, 2030), (Some(Fen(300)), Some(2028)));
        assert_eq!(budget_for(&b, 2024), (None, None));
        assert_eq!(percent_of_ppm(970_299), "97.0299%");
        assert_eq!(percent_of_ppm(1_000_000), "100.0000%");
        assert_eq!(percent_of_ppm(0), "0.0000%");
    }
}
