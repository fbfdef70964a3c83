//! Properties of the fund projection: every total adds up to the fen, a rate of 0 ‰ is the
//! base scenario, a higher departure rate never owes more, the rounding is the exact floor.

use proptest::prelude::*;
use yincai_domain::money::Fen;
use yincai_domain::projection::{
    Amounts, Grouped, Installment, PER_MILLE, Projection, Status, project, project_grouped, survive,
};

const START: i32 = 2026;
const KINDS: [&str; 5] = [
    "living_subsidy",
    "settlement_allowance",
    "special_appointment_subsidy",
    "startup_fund",
    "aid_extension",
];
const STATUSES: [Status; 5] = [
    Status::Scheduled,
    Status::Approved,
    Status::Certified,
    Status::Paid,
    Status::Cancelled,
];

fn installment() -> impl Strategy<Value = Installment> {
    (
        1i64..40,
        1i64..8,
        0usize..KINDS.len(),
        (START - 4)..(START + 14),
        0i64..50_000_000_000,
        0usize..STATUSES.len(),
    )
        .prop_map(|(talent_id, unit_id, k, due_year, fen, s)| Installment {
            talent_id,
            unit_id,
            kind: KINDS[k].to_string(),
            due_year,
            amount: Fen(fen),
            status: STATUSES[s],
        })
}

fn rows() -> impl Strategy<Value = Vec<Installment>> {
    prop::collection::vec(installment(), 0..120)
}

fn sum(items: impl Iterator<Item = Amounts>) -> Amounts {
    items.fold(Amounts::default(), |a, b| Amounts {
        base: Fen(a.base.0 + b.base.0),
        expected: Fen(a.expected.0 + b.expected.0),
    })
}

fn owed_within(rows: &[Installment], horizon: u32) -> impl Iterator<Item = &Installment> {
    rows.iter()
        .filter(move |r| r.status.is_owed() && r.due_year < START + horizon as i32)
}

fn check_totals(p: &Projection) -> Result<(), TestCaseError> {
    for y in &p.years {
        prop_assert_eq!(sum(y.by_kind.iter().copied()), y.total, "by kind, year {}", y.year);
        prop_assert_eq!(sum(y.by_unit.iter().copied()), y.total, "by unit, year {}", y.year);
        prop_assert!(y.total.expected <= y.total.base);
    }
    prop_assert_eq!(sum(p.years.iter().map(|y| y.total)), p.total);
    prop_assert_eq!(sum(p.kind_totals.iter().copied()), p.total);
    prop_assert_eq!(sum(p.unit_totals.iter().copied()), p.total);
    for (k, t) in p.kind_totals.iter().enumerate() {
        prop_assert_eq!(sum(p.years.iter().map(|y| y.by_kind[k])), *t);
    }
    for (u, t) in p.unit_totals.iter().enumerate() {
        prop_assert_eq!(sum(p.years.iter().map(|y| y.by_unit[u])), *t);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Totals by kind == totals by unit == grand total, per year and over the horizon, in
    /// both scenarios; the base figures equal a naive sum of the owed rows.
    #[test]
    fn totals_add_up(rows in rows(), rate in 0u32..=PER_MILLE, horizon in 1u32..=12) {
        let p = project(&rows, START, horizon, rate).unwrap();
        prop_assert_eq!(p.years.len(), horizon as usize);
        check_totals(&p)?;

        let owed: Vec<&Installment> = owed_within(&rows, horizon).collect();
        prop_assert_eq!(p.total.base.0, owed.iter().map(|r| r.amount.0).sum::<i64>());
        prop_assert_eq!(p.installments, owed.len());
        for (k, kind) in p.kinds.iter().enumerate() {
            let naive: i64 = owed.iter().filter(|r| &r.kind == kind).map(|r| r.amount.0).sum();
            prop_assert_eq!(p.kind_totals[k].base.0, naive);
        }
        for (u, unit) in p.units.iter().enumerate() {
            let naive: i64 = owed.iter().filter(|r| r.unit_id == *unit).map(|r| r.amount.0).sum();
            prop_assert_eq!(p.unit_totals[u].base.0, naive);
        }
        for y in &p.years {
            let naive: i64 = owed
                .iter()
                .filter(|r| r.due_year == y.year || (y.offset == 0 && r.due_year < START))
                .map(|r| r.amount.0)
                .sum();
            prop_assert_eq!(y.total.base.0, naive, "year {}", y.year);
        }
        let arrears: i64 = owed.iter().filter(|r| r.due_year < START).map(|r| r.amount.0).sum();
        prop_assert_eq!(p.arrears.0, arrears);
        prop_assert_eq!(p.years[0].arrears.0, arrears);
        let beyond: i64 = rows
            .iter()
            .filter(|r| r.status.is_owed() && r.due_year >= START + horizon as i32)
            .map(|r| r.amount.0)
            .sum();
        prop_assert_eq!(p.beyond.0, beyond);
    }

    /// A rate of 0 ‰ is exactly the base scenario.
    #[test]
    fn rate_zero_is_the_base_scenario(rows in rows()) {
        let p = project(&rows, START, 10, 0).unwrap();
        for y in &p.years {
            prop_assert_eq!(y.total.expected, y.total.base);
            for a in y.by_kind.iter().chain(&y.by_unit) {
                prop_assert_eq!(a.expected, a.base);
            }
        }
        prop_assert_eq!(p.total.expected, p.total.base);
    }

    /// A higher departure rate never owes more, in any year, kind or unit; the base scenario
    /// does not depend on the rate.
    #[test]
    fn a_higher_rate_never_owes_more(rows in rows(), a in 0u32..=PER_MILLE, b in 0u32..=PER_MILLE) {
        let (lo, hi) = (a.min(b), a.max(b));
        let p = project(&rows, START, 10, lo).unwrap();
        let q = project(&rows, START, 10, hi).unwrap();
        prop_assert_eq!(&p.kinds, &q.kinds);
        prop_assert_eq!(&p.units, &q.units);
        for (x, y) in p.years.iter().zip(&q.years) {
            prop_assert_eq!(x.total.base, y.total.base);
            prop_assert!(y.total.expected <= x.total.expected, "year {}", x.year);
            for (m, n) in x.by_kind.iter().zip(&y.by_kind).chain(x.by_unit.iter().zip(&y.by_unit)) {
                prop_assert!(n.expected <= m.expected);
            }
        }
        prop_assert!(q.total.expected <= p.total.expected);
    }

    /// Everyone leaving every year: only the first year (arrears included) is owed.
    #[test]
    fn rate_one_thousand_owes_only_the_first_year(rows in rows()) {
        let p = project(&rows, START, 10, PER_MILLE).unwrap();
        prop_assert_eq!(p.years[0].total.expected, p.years[0].total.base);
        for y in &p.years[1..] {
            prop_assert_eq!(y.total.expected, Fen::ZERO);
        }
    }

    /// Order of the rows and paid or cancelled rows change nothing.
    #[test]
    fn order_and_settled_rows_do_not_matter(rows in rows(), rate in 0u32..=PER_MILLE, seed in any::<u64>()) {
        let p = project(&rows, START, 10, rate).unwrap();
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let owed_only: Vec<Installment> = rows.iter().filter(|r| r.status.is_owed()).cloned().collect();
        let q = project(&shuffled, START, 10, rate).unwrap();
        let mut r = project(&owed_only, START, 10, rate).unwrap();
        prop_assert_eq!(&p, &q);
        // The distinct-talent count may differ only if a talent has nothing owed.
        r.talents = p.talents;
        prop_assert_eq!(&p, &r);
    }

    /// Sums grouped by unit, kind, due year and status (as the database returns them) give
    /// exactly the projection of the rows.
    #[test]
    fn grouped_sums_give_the_same_projection(rows in rows(), rate in 0u32..=PER_MILLE, horizon in 1u32..=12) {
        let p = project(&rows, START, horizon, rate).unwrap();
        let mut groups: Vec<Grouped> = Vec::new();
        for r in &rows {
            match groups.iter_mut().find(|g| {
                g.unit_id == r.unit_id && g.kind == r.kind && g.due_year == r.due_year && g.status == r.status
            }) {
                Some(g) => {
                    g.amount = Fen(g.amount.0 + r.amount.0);
                    g.installments += 1;
                }
                None => groups.push(Grouped {
                    unit_id: r.unit_id,
                    kind: r.kind.clone(),
                    due_year: r.due_year,
                    amount: r.amount,
                    installments: 1,
                    status: r.status,
                }),
            }
        }
        groups.reverse();
        let q = project_grouped(&groups, p.talents, START, horizon, rate).unwrap();
        prop_assert_eq!(p, q);
    }

    /// The expected amount is exactly ⌊ base × (1000 − r)^i / 1000^i ⌋, checked against
    /// plain 128-bit arithmetic where it fits.
    #[test]
    fn survival_is_the_exact_floor(base in 0i64..(1 << 40), keep in 0u32..=PER_MILLE, years in 0u32..=4) {
        let num = u128::from(base as u64) * u128::from(keep).pow(years);
        let den = 1000u128.pow(years);
        prop_assert_eq!(survive(Fen(base), keep, years).0 as u128, num / den);
    }

    /// Long horizons and the largest amounts: never negative, never more than the base, never
    /// more after one more year or at a higher rate.
    #[test]
    fn survival_bounds(base in 0i64..=i64::MAX, keep in 0u32..=PER_MILLE, years in 0u32..=40) {
        let e = survive(Fen(base), keep, years).0;
        prop_assert!(e >= 0 && e <= base);
        if years < 40 {
            // Compounding one more year never increases it.
            prop_assert!(survive(Fen(base), keep, years + 1).0 <= e);
        }
        // Nor does a higher rate.
        prop_assert!(survive(Fen(base), keep.saturating_sub(1), years).0 <= e);
    }
}

#[test]
fn survival_is_not_rounded_year_by_year() {
    // ⌊B·k²/10⁶⌋, not ⌊⌊B·k/10³⌋·k/10³⌋: rounding every year would lose a fen a year.
    assert_eq!(survive(Fen(2), 999, 2).0, 1); // 2 × 0.998001 = 1.996002
    assert_eq!(survive(survive(Fen(2), 999, 1), 999, 1).0, 0); // 1.998 → 1 → 0.999 → 0
    assert_eq!(survive(Fen(1_000_000), 900, 10).0, 348_678); // 0.9^10 = 0.3486784401
}
