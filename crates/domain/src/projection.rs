//! The special fund's projection (Art. 29): what the fund owes, year by year, for the talents
//! already introduced. Pure: installment rows in, figures out; no IO, no floats.
//!
//! # What counts
//! Only installments still owed: `scheduled`, `approved` and `certified` (approved and
//! certified are committed but not yet paid). `paid` and `cancelled` never count.
//!
//! Year `start_year + i` (`i` in `0..horizon`) owes the installments due in that calendar
//! year. Installments due *before* `start_year` are **arrears** (欠付): they are owed now, so
//! they count in the first year and are also reported on their own ([`Projection::arrears`]).
//! Installments due after the horizon are not projected; their sum is reported as
//! [`Projection::beyond`].
//!
//! [`project`] reads one row per installment; [`project_grouped`] reads sums already grouped by
//! unit, kind, due year and status (what the database returns, so a page over 100 000 talents
//! reads a few thousand rows, not hundreds of thousands) and gives the same projection.
//!
//! # The two scenarios
//! - **Base** (基本情形): every talent stays and passes every assessment; the year owes the
//!   sum of its installments.
//! - **With departures** (考虑离职): each year a share `r` of the talents still in leaves
//!   (`r` in per mille, 0-1000, i.e. 0.0 %-100.0 %). An installment `i` years from the first
//!   year is paid only if its talent is still in, so its expected amount is the base amount
//!   times the survival `(1 − r)^i` (the first year, arrears included, has `i = 0`: nothing
//!   is discounted).
//!
//! # Exact integer rounding
//! The expected amount is computed per **cell** (year × benefit kind × unit), from the cell's
//! base sum `B` (fen) and `i` years from the first year, with `k = 1000 − r`:
//!
//! ```text
//! expected = ⌊ B × k^i / 1000^i ⌋        (whole fen, rounded down)
//! ```
//!
//! `B × k^i` is formed exactly as a multi-word integer (up to 512 bits), then divided by
//! 1000 `i` times; since `⌊⌊x / a⌋ / b⌋ = ⌊x / (a·b)⌋` for integers, this is exactly the floor
//! of the rational value. Every total of the with-departures scenario (per year, per kind,
//! per unit, over the horizon) is the **sum of rounded cells**, so totals by kind, totals by
//! unit and the grand total are always equal to the fen; the price is that a total may lie up
//! to one fen per cell below the unrounded expectation. Because the floor is monotone and
//! `k^i` never grows when `r` grows, a higher departure rate never owes more, and a rate of
//! 0 ‰ gives exactly the base scenario.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::money::Fen;

/// The projection's usual horizon: ten years from the current one.
pub const HORIZON_YEARS: u32 = 10;
/// The longest horizon [`project`] accepts (the exact arithmetic is sized for it).
pub const MAX_HORIZON_YEARS: u32 = 40;
/// The departure rate is per mille: 1000 ‰ = everyone leaves every year.
pub const PER_MILLE: u32 = 1000;

/// An installment's state (its lifecycle is defined in [`crate::lifecycle::installment`]).
pub use crate::lifecycle::InstallmentState as Status;

/// One installment, as the projection reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installment {
    pub talent_id: i64,
    /// The talent's unit (用人单位).
    pub unit_id: i64,
    /// The benefit kind: the entitlement's code (e.g. `living_subsidy`).
    pub kind: String,
    /// The calendar year of its due date.
    pub due_year: i32,
    pub amount: Fen,
    pub status: Status,
}

/// Why a projection cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectionError {
    #[error("年离职率：须在 0 至 1000 ‰ 之间，当前为 {0} ‰")]
    RateOutOfRange(u32),
    #[error("预测年限：须在 1 至 {MAX_HORIZON_YEARS} 年之间，当前为 {0} 年")]
    HorizonOutOfRange(u32),
    #[error("分期金额不能为负数（人才 {talent_id}），请核对分期数据")]
    NegativeAmount { talent_id: i64 },
    #[error("应付金额合计超出可处理的范围，请核对分期数据")]
    Overflow,
}

/// An amount in both scenarios.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Amounts {
    /// Base scenario: no departures, every assessment passed.
    pub base: Fen,
    /// With departures: the expected amount, rounded down per cell.
    pub expected: Fen,
}

impl Amounts {
    fn checked_add(self, o: Amounts) -> Option<Amounts> {
        Some(Amounts {
            base: self.base.checked_add(o.base)?,
            expected: self.expected.checked_add(o.expected)?,
        })
    }
}

/// One year of the projection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Year {
    pub year: i32,
    /// Years from the first year (the exponent of the survival).
    pub offset: u32,
    /// The survival `(1 − r)^offset` in millionths, rounded down (display only; the amounts
    /// use the exact formula).
    pub survival_ppm: i64,
    pub total: Amounts,
    /// Of `total.base`, what was due before the first year (arrears); zero after the first year.
    pub arrears: Fen,
    /// Per kind, in the order of [`Projection::kinds`].
    pub by_kind: Vec<Amounts>,
    /// Per unit, in the order of [`Projection::units`].
    pub by_unit: Vec<Amounts>,
    /// Installments counted in the year.
    pub installments: usize,
}

/// What the fund owes over the horizon, in both scenarios.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Projection {
    pub start_year: i32,
    pub horizon: u32,
    pub departure_per_mille: u32,
    /// The benefit kinds with something owed within the horizon, sorted.
    pub kinds: Vec<String>,
    /// The units with something owed within the horizon, sorted by id.
    pub units: Vec<i64>,
    pub years: Vec<Year>,
    /// Sum over the horizon, per kind (order of `kinds`).
    pub kind_totals: Vec<Amounts>,
    /// Sum over the horizon, per unit (order of `units`).
    pub unit_totals: Vec<Amounts>,
    /// Sum over the horizon.
    pub total: Amounts,
    /// Due before the first year and still owed (counted in the first year).
    pub arrears: Fen,
    pub arrears_installments: usize,
    /// Still owed but due after the horizon (not projected).
    pub beyond: Fen,
    pub beyond_installments: usize,
    /// Distinct talents with something owed within the horizon.
    pub talents: usize,
    /// Installments owed within the horizon (arrears included).
    pub installments: usize,
}

/// `⌊ base × keep^years / 1000^years ⌋`, exactly (see the module documentation).
/// `base` must not be negative and `keep` must be at most 1000.
pub fn survive(base: Fen, keep_per_mille: u32, years: u32) -> Fen {
    debug_assert!(base.0 >= 0 && keep_per_mille <= PER_MILLE && years <= MAX_HORIZON_YEARS);
    if years == 0 || keep_per_mille == PER_MILLE || base.0 <= 0 {
        return base;
    }
    if keep_per_mille == 0 {
        return Fen::ZERO;
    }
    // Little-endian 64-bit words; base < 2^63 and keep^40 ≤ 1000^40 < 2^399 fit in 512 bits.
    let mut n = [0u64; 8];
    n[0] = base.0 as u64;
    let mut len = 1;
    for _ in 0..years {
        let mut carry: u128 = 0;
        for w in n.iter_mut().take(len) {
            let p = u128::from(*w) * u128::from(keep_per_mille) + carry;
            *w = p as u64;
            carry = p >> 64;
        }
        if carry != 0 {
            n[len] = carry as u64;
            len += 1;
        }
    }
    for _ in 0..years {
        let mut rem: u128 = 0;
        for w in n.iter_mut().take(len).rev() {
            let cur = (rem << 64) | u128::from(*w);
            *w = (cur / u128::from(PER_MILLE)) as u64;
            rem = cur % u128::from(PER_MILLE);
        }
        while len > 1 && n[len - 1] == 0 {
            len -= 1;
        }
    }
    // The result is at most `base`, so it fits in one word and in i64.
    Fen(n[0] as i64)
}

/// Owed installments already summed by unit, kind, due year and status (what a database can
/// group); `installments` is how many were summed. [`project_grouped`] gives from these
/// exactly what [`project`] gives from the rows, the talents counted apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouped {
    pub unit_id: i64,
    pub kind: String,
    pub due_year: i32,
    pub amount: Fen,
    pub installments: usize,
    pub status: Status,
}

/// Projects what the fund owes from `start_year` for `horizon` years, in the base scenario
/// and with `departure_per_mille` ‰ of the talents leaving each year.
pub fn project(
    rows: &[Installment],
    start_year: i32,
    horizon: u32,
    departure_per_mille: u32,
) -> Result<Projection, ProjectionError> {
    let mut acc = Accumulator::new(start_year, horizon, departure_per_mille)?;
    let mut talents: HashSet<i64> = HashSet::new();
    let mut last_talent: Option<i64> = None;
    for r in rows {
        let within = acc
            .add(r.unit_id, &r.kind, r.due_year, r.amount, 1, r.status)
            .map_err(|e| match e {
                ProjectionError::NegativeAmount { .. } => ProjectionError::NegativeAmount { talent_id: r.talent_id },
                other => other,
            })?;
        if within && last_talent != Some(r.talent_id) {
            talents.insert(r.talent_id);
            last_talent = Some(r.talent_id);
        }
    }
    acc.finish(talents.len())
}

/// [`project`] from sums grouped by unit, kind, due year and status; `talents` is the number
/// of distinct talents with something owed within the horizon (counted by the caller).
pub fn project_grouped(
    groups: &[Grouped],
    talents: usize,
    start_year: i32,
    horizon: u32,
    departure_per_mille: u32,
) -> Result<Projection, ProjectionError> {
    let mut acc = Accumulator::new(start_year, horizon, departure_per_mille)?;
    for g in groups {
        acc.add(g.unit_id, &g.kind, g.due_year, g.amount, g.installments, g.status)?;
    }
    acc.finish(talents)
}

/// Base sums per cell, indexed by kind and unit in order of appearance: `cells[k][u*h + y]`.
struct Accumulator {
    start_year: i32,
    horizon: u32,
    departure_per_mille: u32,
    end_year: i64,
    kinds: Vec<String>,
    units: Vec<i64>,
    unit_index: HashMap<i64, usize>,
    cells: Vec<Vec<i64>>,
    counts: Vec<usize>,
    arrears: i64,
    arrears_n: usize,
    beyond: i64,
    beyond_n: usize,
    last_unit: Option<(i64, usize)>,
    last_kind: Option<usize>,
}

impl Accumulator {
    fn new(start_year: i32, horizon: u32, departure_per_mille: u32) -> Result<Accumulator, ProjectionError> {
        if departure_per_mille > PER_MILLE {
            return Err(ProjectionError::RateOutOfRange(departure_per_mille));
        }
        if horizon == 0 || horizon > MAX_HORIZON_YEARS {
            return Err(ProjectionError::HorizonOutOfRange(horizon));
        }
        Ok(Accumulator {
            start_year,
            horizon,
            departure_per_mille,
            end_year: i64::from(start_year) + i64::from(horizon),
            kinds: Vec::new(),
            units: Vec::new(),
            unit_index: HashMap::new(),
            cells: Vec::new(),
            counts: vec![0; horizon as usize],
            arrears: 0,
            arrears_n: 0,
            beyond: 0,
            beyond_n: 0,
            last_unit: None,
            last_kind: None,
        })
    }

    /// Adds `count` owed installments summing to `amount`; whether they fall within the
    /// horizon (arrears included). Paid and cancelled ones are ignored.
    fn add(
        &mut self,
        unit_id: i64,
        kind: &str,
        due_year: i32,
        amount: Fen,
        count: usize,
        status: Status,
    ) -> Result<bool, ProjectionError> {
        if !status.is_owed() {
            return Ok(false);
        }
        if amount.is_negative() {
            return Err(ProjectionError::NegativeAmount { talent_id: 0 });
        }
        let h = self.horizon as usize;
        let year = i64::from(due_year);
        if year >= self.end_year {
            self.beyond = self.beyond.checked_add(amount.0).ok_or(ProjectionError::Overflow)?;
            self.beyond_n += count;
            return Ok(false);
        }
        let y = if year < i64::from(self.start_year) {
            self.arrears = self.arrears.checked_add(amount.0).ok_or(ProjectionError::Overflow)?;
            self.arrears_n += count;
            0
        } else {
            (year - i64::from(self.start_year)) as usize
        };
        self.counts[y] += count;
        let k = match self.last_kind {
            Some(k) if self.kinds[k] == kind => k,
            _ => {
                let k = match self.kinds.iter().position(|x| x == kind) {
                    Some(k) => k,
                    None => {
                        self.kinds.push(kind.to_owned());
                        self.cells.push(vec![0; self.units.len() * h]);
                        self.kinds.len() - 1
                    }
                };
                self.last_kind = Some(k);
                k
            }
        };
        let u = match self.last_unit {
            Some((id, u)) if id == unit_id => u,
            _ => {
                let u = match self.unit_index.get(&unit_id) {
                    Some(u) => *u,
                    None => {
                        self.units.push(unit_id);
                        let u = self.units.len() - 1;
                        self.unit_index.insert(unit_id, u);
                        for c in self.cells.iter_mut() {
                            c.resize(self.units.len() * h, 0);
                        }
                        u
                    }
                };
                self.last_unit = Some((unit_id, u));
                u
            }
        };
        let cell = &mut self.cells[k][u * h + y];
        *cell = cell.checked_add(amount.0).ok_or(ProjectionError::Overflow)?;
        Ok(true)
    }

    fn finish(self, talents: usize) -> Result<Projection, ProjectionError> {
        let h = self.horizon as usize;
        let (kinds, units, cells) = (&self.kinds, &self.units, &self.cells);
        let mut kind_order: Vec<usize> = (0..kinds.len()).collect();
        kind_order.sort_by(|a, b| kinds[*a].cmp(&kinds[*b]));
        let mut unit_order: Vec<usize> = (0..units.len()).collect();
        unit_order.sort_by_key(|u| units[*u]);

        let keep = PER_MILLE - self.departure_per_mille;
        let overflow = || ProjectionError::Overflow;
        let mut years = Vec::with_capacity(h);
        let mut kind_totals = vec![Amounts::default(); kinds.len()];
        let mut unit_totals = vec![Amounts::default(); units.len()];
        let mut total = Amounts::default();
        for (y, count) in self.counts.iter().enumerate() {
            let offset = y as u32;
            let mut by_kind = vec![Amounts::default(); kinds.len()];
            let mut by_unit = vec![Amounts::default(); units.len()];
            let mut year_total = Amounts::default();
            for (ki, &k) in kind_order.iter().enumerate() {
                for (ui, &u) in unit_order.iter().enumerate() {
                    let base = Fen(cells[k][u * h + y]);
                    if base == Fen::ZERO {
                        continue;
                    }
                    let a = Amounts {
                        base,
                        expected: survive(base, keep, offset),
                    };
                    by_kind[ki] = by_kind[ki].checked_add(a).ok_or_else(overflow)?;
                    by_unit[ui] = by_unit[ui].checked_add(a).ok_or_else(overflow)?;
                    year_total = year_total.checked_add(a).ok_or_else(overflow)?;
                }
            }
            for (t, a) in kind_totals.iter_mut().zip(&by_kind) {
                *t = t.checked_add(*a).ok_or_else(overflow)?;
            }
            for (t, a) in unit_totals.iter_mut().zip(&by_unit) {
                *t = t.checked_add(*a).ok_or_else(overflow)?;
            }
            total = total.checked_add(year_total).ok_or_else(overflow)?;
            years.push(Year {
                year: self.start_year + y as i32,
                offset,
                survival_ppm: survive(Fen(1_000_000), keep, offset).0,
                total: year_total,
                arrears: if y == 0 { Fen(self.arrears) } else { Fen::ZERO },
                by_kind,
                by_unit,
                installments: *count,
            });
        }

        Ok(Projection {
            start_year: self.start_year,
            horizon: self.horizon,
            departure_per_mille: self.departure_per_mille,
            kinds: kind_order.iter().map(|&k| kinds[k].clone()).collect(),
            units: unit_order.iter().map(|&u| units[u]).collect(),
            years,
            kind_totals,
            unit_totals,
            total,
            arrears: Fen(self.arrears),
            arrears_installments: self.arrears_n,
            beyond: Fen(self.beyond),
            beyond_installments: self.beyond_n,
            talents,
            installments: self.counts.iter().sum(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(talent_id: i64, unit_id: i64, kind: &str, due_year: i32, fen: i64, status: Status) -> Installment {
        Installment {
            talent_id,
            unit_id,
            kind: kind.into(),
            due_year,
            amount: Fen(fen),
            status,
        }
    }

    #[test]
    fn survival_is_exact() {
        assert_eq!(survive(Fen(1000), 900, 1), Fen(900));
        assert_eq!(survive(Fen(1000), 900, 2), Fen(810));
        // 999 × 0.999 = 998.001 → 998
        assert_eq!(survive(Fen(999), 999, 1), Fen(998));
        // 1 fen × 0.999 → 0
        assert_eq!(survive(Fen(1), 999, 1), Fen(0));
        let big = survive(Fen(i64::MAX), 999, 40).0;
        assert!(big < i64::MAX && big > i64::MAX / 100 * 96);
        assert_eq!(survive(Fen(12345), 0, 1), Fen(0));
        assert_eq!(survive(Fen(12345), 0, 0), Fen(12345));
        assert_eq!(survive(Fen(12345), 1000, 9), Fen(12345));
        assert_eq!(survive(Fen(1_000_000), 950, 3), Fen(857_375));
    }

    #[test]
    fn arrears_count_in_the_first_year_and_the_rest_by_year() {
        let rows = vec![
            row(1, 10, "living_subsidy", 2024, 100, Status::Scheduled),
            row(1, 10, "living_subsidy", 2026, 200, Status::Certified),
            row(1, 10, "living_subsidy", 2027, 300, Status::Approved),
            row(1, 10, "living_subsidy", 2025, 999, Status::Paid),
            row(2, 20, "settlement", 2028, 400, Status::Cancelled),
            row(2, 20, "settlement", 2029, 500, Status::Scheduled),
            row(2, 20, "settlement", 2036, 600, Status::Scheduled),
        ];
        let p = project(&rows, 2026, 10, 100).unwrap();
        assert_eq!(p.years.len(), 10);
        assert_eq!(p.years[0].total.base, Fen(300));
        assert_eq!(p.years[0].arrears, Fen(100));
        assert_eq!(p.arrears, Fen(100));
        assert_eq!(
            p.years[1].total,
            Amounts {
                base: Fen(300),
                expected: Fen(270)
            }
        );
        assert_eq!(
            p.years[3].total,
            Amounts {
                base: Fen(500),
                expected: Fen(364)
            }
        ); // 500 × 0.729
        assert_eq!(p.beyond, Fen(600));
        assert_eq!(p.kinds, vec!["living_subsidy".to_string(), "settlement".to_string()]);
        assert_eq!(p.units, vec![10, 20]);
        assert_eq!(p.talents, 2);
        assert_eq!(p.installments, 4);
        assert_eq!(p.total.base, Fen(1100));
        assert_eq!(p.years[1].survival_ppm, 900_000);
    }

    #[test]
    fn refuses_bad_parameters() {
        assert_eq!(project(&[], 2026, 10, 1001), Err(ProjectionError::RateOutOfRange(1001)));
        assert_eq!(project(&[], 2026, 0, 0), Err(ProjectionError::HorizonOutOfRange(0)));
        let neg = [row(1, 1, "x", 2026, -1, Status::Scheduled)];
        assert_eq!(
            project(&neg, 2026, 10, 0),
            Err(ProjectionError::NegativeAmount { talent_id: 1 })
        );
        let big = [
            row(1, 1, "x", 2026, i64::MAX, Status::Scheduled),
            row(2, 1, "x", 2026, 1, Status::Scheduled),
        ];
        assert_eq!(project(&big, 2026, 10, 0), Err(ProjectionError::Overflow));
    }
}
