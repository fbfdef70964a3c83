//! A rule's payout: monthly brackets (which must not overlap), lump sums, housing, ranges
//! and yearly amounts, each with the keys its kind needs.

use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;

use super::compile::Compiler;
use super::*;
use crate::expr::{self, Stage};
use crate::file::*;

impl Compiler<'_> {
    pub(super) fn payout(&mut self, span: &Range<usize>, what: &str, r: &RawRule, effective: Date) -> Payout {
        let missing = |cx: &mut Self, key: &str, example: &str| {
            cx.error(
                span,
                format!("{what} ({:?}) 缺少 {key} (missing {key})", r.kind),
                format!("add {key} = {example}"),
            );
        };
        // An amount the kind cannot do without; when missing, 0 from the effective date.
        let required = |cx: &mut Self, raw: &Option<Spanned<RawParam>>, key: &str| match raw {
            Some(p) => cx.param(what, p, effective),
            None => {
                missing(cx, key, "100000");
                Param {
                    steps: Box::new([(effective, 0)]),
                }
            }
        };
        match r.kind {
            RawKind::Monthly => {
                let mut brackets = Vec::new();
                for b in &r.bracket {
                    let when = self.condition(&b.get_ref().when, what, Stage::Tier);
                    let amount = self.param(what, &b.get_ref().amount, effective);
                    brackets.push(Bracket { when, amount });
                }
                if brackets.is_empty() {
                    missing(
                        self,
                        "[[rule.bracket]]",
                        "{ when = \"degree == doctor\", amount = 2000 }",
                    );
                }
                self.check_brackets_exclusive(span, what, &brackets);
                let max_months = r.max_months.unwrap_or_else(|| {
                    missing(self, "max_months", "60");
                    0
                });
                Payout::Monthly { brackets, max_months }
            }
            RawKind::LumpSum => {
                let amount = required(self, &r.amount, "amount");
                let due = match (r.due, r.due_after_years) {
                    (Some(RawDue::FirstPassedAssessment), None) => LumpDue::FirstPassedAssessment,
                    (Some(RawDue::AfterYears), Some(y)) => LumpDue::AfterYears(y),
                    _ => {
                        missing(
                            self,
                            "due",
                            "\"first_passed_assessment\" (or \"after_years\" with due_after_years = 5)",
                        );
                        LumpDue::FirstPassedAssessment
                    }
                };
                let due_if = r.due_if.as_ref().map(|c| self.condition(c, what, Stage::Tier));
                Payout::LumpSum { amount, due, due_if }
            }
            RawKind::Housing => {
                let area_m2 = r.area_m2.unwrap_or_else(|| {
                    missing(self, "area_m2", "120");
                    0
                });
                let gift_if = r.gift_if.as_ref().map(|c| self.condition(c, what, Stage::Tier));
                Payout::Housing {
                    area_m2,
                    gift_after_years: r.gift_after_years,
                    gift_if,
                }
            }
            RawKind::Range if r.discretionary => Payout::Discretionary,
            RawKind::Range => match (&r.min, &r.max) {
                (Some(min), Some(max)) => {
                    let (min, max) = (self.param(what, min, effective), self.param(what, max, effective));
                    Payout::Range { min, max }
                }
                _ => {
                    missing(self, "min/max", "500000 / 3000000 (or discretionary = true)");
                    Payout::Discretionary
                }
            },
            RawKind::PerYear => {
                let per_year = required(self, &r.per_year, "per_year");
                let cap = r.cap.as_ref().map(|c| self.param(what, c, effective));
                if cap.is_none() && r.max_years.is_none() {
                    missing(self, "cap or max_years", "500000 / 3");
                }
                Payout::PerYear {
                    per_year,
                    cap,
                    max_years: r.max_years,
                    min_service_months: r.min_service_months.unwrap_or(0),
                }
            }
            RawKind::Benefit => Payout::Benefit,
        }
    }

    /// Brackets of one rule must not overlap: every combination of the facts they read
    /// (a small finite set) may match at most one bracket.
    pub(super) fn check_brackets_exclusive(&mut self, span: &Range<usize>, what: &str, brackets: &[Bracket]) {
        let mut vars: Vec<&'static expr::Var> = brackets.iter().flat_map(|b| b.when.cond.vars()).collect();
        vars.sort_by_key(|v| v.base);
        vars.dedup_by_key(|v| v.base);
        let combos: usize = vars.iter().map(|v| v.values.len()).product();
        if combos > 1 << 16 {
            return; // too many to enumerate; the evaluator takes the first match anyway
        }
        for n in 0..combos {
            let mut word = 0u128;
            let mut rest = n;
            let mut described = Vec::new();
            for v in &vars {
                let i = rest % v.values.len();
                rest /= v.values.len();
                word |= expr::bit(v.base, i as u32);
                described.push(format!("{} = {}", v.name, v.values[i].0));
            }
            let matching: Vec<&str> = brackets
                .iter()
                .filter(|b| b.when.cond.holds(word))
                .map(|b| b.when.source.as_str())
                .collect();
            if matching.len() > 1 {
                self.error(
                    span,
                    format!(
                        "{what} 的分档重叠 (overlapping brackets) 当 {}: {}",
                        described.join(", "),
                        matching.join(" | ")
                    ),
                    "make the bracket conditions mutually exclusive".to_owned(),
                );
                return;
            }
        }
    }
}
