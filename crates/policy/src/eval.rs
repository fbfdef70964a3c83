//! The evaluator: pure, deterministic, and allocation-free with the trace off.
//!
//! It fills a fixed-size [`Outcome`] (one slot per entitlement code). The rich, allocating
//! view with schedules, obligations and why-not lists is built from it by [`crate::report`].

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::dates;
use crate::expr::{self, bit, flag};
use crate::facts::{Degree, Facts, Honour};
use crate::money::{Fen, to_yuan};
use crate::plan::{LumpDue, MAX_VALUED_CODES, Payout, Plan, Rule};

/// "No rule / no route" in the compact indices.
pub const NONE: u16 = u16::MAX;

/// One granted entitlement in compact form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// Index into `plan.rules`, or [`NONE`] when the slot is empty.
    pub rule: u16,
    /// Index into `plan.routes`, or [`NONE`].
    pub route: u16,
    /// The rate in force at start: monthly, lump sum, per year, or a range's maximum.
    pub amount: Fen,
    /// Cumulative amount payable as of the evaluation date.
    pub due: Fen,
    /// Months (monthly) or years (per year) counted into `due`.
    pub count: u16,
    /// Housing: gifted.
    pub gifted: bool,
}

impl Grant {
    const EMPTY: Grant = Grant {
        rule: NONE,
        route: NONE,
        amount: 0,
        due: 0,
        count: 0,
        gifted: false,
    };
    pub fn is_some(&self) -> bool {
        self.rule != NONE
    }
}

/// The result of one evaluation, in a fixed-size form that needs no allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub covered: bool,
    /// Index into `plan.exclusions` of the rule that excludes, or [`NONE`].
    pub excluded_by: u16,
    /// Bit n-1 set: Art. 10 category n met.
    pub categories: u8,
    /// Tier level met (0: none).
    pub tier: u8,
    /// Index into `plan.cancellations`, or [`NONE`].
    pub cancelled_by: u16,
    /// The feature word the conditions were tested against (for why-not).
    pub word: u128,
    /// Valued entitlements by code slot (see `plan.valued_codes`).
    pub grants: [Grant; MAX_VALUED_CODES],
    /// Bit i set: the i-th benefit rule (non-monetary) applies.
    pub benefits: u64,
}

impl Default for Outcome {
    fn default() -> Self {
        Outcome {
            covered: false,
            excluded_by: NONE,
            categories: 0,
            tier: 0,
            cancelled_by: NONE,
            word: 0,
            grants: [Grant::EMPTY; MAX_VALUED_CODES],
            benefits: 0,
        }
    }
}

impl Outcome {
    /// The lowest-numbered category met (the one CASES.md reports).
    pub fn primary_category(&self) -> Option<u8> {
        (self.categories != 0).then(|| self.categories.trailing_zeros() as u8 + 1)
    }
    /// Total due over all entitlements, in fen.
    pub fn total_due(&self) -> Fen {
        self.grants.iter().filter(|g| g.is_some()).map(|g| g.due).sum()
    }
}

/// One step of the explanation, citing its article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    pub article: Option<String>,
    pub message: String,
}

/// The service history reduced to what the rules read, computed once per evaluation.
#[derive(Debug, Clone, Copy)]
pub struct History<'f> {
    pub start: Date,
    /// Last day that counts: as_of, or the end of the relation if earlier.
    pub until: Date,
    pub completed: u32,
    pub begun: u32,
    /// The relation ended on or before as_of.
    pub ended: bool,
    /// Number of assessments on file.
    assessed: u32,
    /// Bit n-1 set: the assessment of service year n was passed (years beyond 64 are ignored).
    passes: u64,
    pub gate: bool,
    /// Interpretation 6's alternative: the settlement allowance needs year 1's own pass.
    pub settlement_year_one: bool,
    pub service_months: &'f [u8],
}

impl<'f> History<'f> {
    pub fn new(plan: &Plan, facts: &'f Facts) -> History<'f> {
        let until = facts.counted_until();
        let begun = dates::years_begun(facts.start, until);
        let mut passes = 0u64;
        for (i, a) in facts.assessments.iter().take(begun.min(64) as usize).enumerate() {
            passes |= u64::from(a.is_pass()) << i;
        }
        History {
            start: facts.start,
            until,
            completed: dates::years_completed(facts.start, until),
            begun,
            ended: facts.end.is_some_and(|e| e <= facts.as_of),
            assessed: facts.assessments.len().min(u32::MAX as usize) as u32,
            passes,
            gate: plan.switches.assessment_gate,
            settlement_year_one: plan.switches.settlement_needs_year_one_pass,
            service_months: &facts.service_months,
        }
    }

    /// Art. 19 (interpretation 2): money of year n may be released.
    #[inline]
    pub fn released(&self, year: u32) -> bool {
        !self.gate || self.passed(year)
    }

    pub fn has_assessment(&self, year: u32) -> bool {
        year >= 1 && year <= self.assessed
    }

    pub fn passes_any(&self) -> bool {
        self.passes != 0
    }

    #[inline]
    pub fn passed(&self, year: u32) -> bool {
        (1..=64).contains(&year) && self.passes & (1 << (year - 1)) != 0
    }

    /// Whole months served in year n up to `until` (12 for a complete year).
    pub fn months_in_year(&self, year: u32) -> u32 {
        if year <= self.completed {
            12
        } else if year == self.completed + 1 {
            dates::whole_months(dates::anniversary(self.start, year - 1), self.until)
        } else {
            0
        }
    }

    /// Months recorded as served in year n (special appointment).
    pub fn service_months(&self, year: u32) -> u8 {
        (year as usize)
            .checked_sub(1)
            .and_then(|i| self.service_months.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Whether the months served in year n are on record (the facts give one entry a year,
    /// in order; a year past the list is not recorded yet, which is not the same as 0).
    pub fn months_on_record(&self, year: u32) -> bool {
        year >= 1 && (year as usize) <= self.service_months.len()
    }

    /// Per-year payout (14(1), 14(6)): year n counts when complete, released and served enough.
    pub fn year_counts(&self, year: u32, min_service_months: u8) -> bool {
        year <= self.completed
            && self.released(year)
            && (min_service_months == 0 || self.service_months(year) >= min_service_months)
    }

    /// Interpretation 6: the settlement allowance's assessment condition.
    pub fn settlement_released(&self) -> bool {
        self.completed >= 1
            && (!self.gate
                || if self.settlement_year_one {
                    self.passed(1)
                } else {
                    self.passes != 0
                })
    }
}

/// The feature word of the facts given (before categories and tier are known).
pub fn input_word(plan: &Plan, facts: &Facts) -> u128 {
    let p = &facts.person;
    let degree = if plan.switches.degree_needs_full_time && !p.full_time {
        Degree::None
    } else {
        p.degree
    };
    let mut honours = [false; 4];
    for h in &p.honours {
        honours[match h {
            Honour::NationalExpert => 0,
            Honour::NationalLeader => 1,
            Honour::ProvincialExpert => 2,
            Honour::ProvincialLeader => 3,
        }] = true;
    }
    let ended = facts.end.is_some_and(|e| e <= facts.as_of);
    let mut word = bit(expr::DEGREE, degree as u32)
        | bit(expr::TITLE, p.title as u32)
        | bit(expr::MODE, facts.mode as u32)
        | bit(expr::EMPLOYER, facts.employer as u32)
        | flag(expr::FULL_TIME, p.full_time)
        | flag(expr::REGISTERED_PRACTITIONER, p.registered_practitioner)
        | flag(expr::LEADING_TECHNOLOGY, p.leading_technology)
        | flag(expr::RESEARCH_RESULTS, p.research_results)
        | flag(expr::SHORTAGE_FIELD, p.shortage_field)
        | flag(expr::PRACTICAL_TALENT, p.practical_talent)
        | flag(expr::AID_XINJIANG, p.aid_xinjiang)
        | flag(expr::PROJECT_VERIFIED, facts.project_verified)
        | flag(expr::PROJECT_BENEFIT_SIGNIFICANT, facts.project_benefit_significant)
        | flag(expr::ENDED_FOR_CAUSE, facts.ended_for_cause)
        | flag(expr::ENDED, ended)
        | flag(expr::BEFORE_EFFECTIVE, facts.start < plan.meta.effective);
    for (i, has) in honours.iter().enumerate() {
        word |= flag(expr::HONOURS + 2 * i as u32, *has);
    }
    word
}

/// Evaluates one introduction into `out` (overwritten). With `trace: None` nothing is allocated.
pub fn evaluate_into(plan: &Plan, facts: &Facts, mut trace: Option<&mut Vec<TraceStep>>, out: &mut Outcome) {
    macro_rules! step {
        ($article:expr, $($fmt:tt)*) => {
            if let Some(t) = trace.as_deref_mut() {
                t.push(TraceStep { article: $article, message: format!($($fmt)*) });
            }
        };
    }
    *out = Outcome::default();
    let mut word = input_word(plan, facts);

    // Art. 10: categories.
    for c in &plan.categories {
        let met = c.when.cond.holds(word);
        let n = u32::from(c.number - 1);
        word |= flag(expr::CATEGORY + 2 * n, met);
        if met {
            out.categories |= 1 << n;
            step!(
                Some(c.article.clone()),
                "符合第十条第{}类: {} (category {} met: {})",
                c.number,
                c.reason,
                c.number,
                c.when.source
            );
        }
    }
    for n in plan.categories.len() as u32..expr::MAX_CATEGORIES as u32 {
        word |= flag(expr::CATEGORY + 2 * n, false);
    }
    word |= flag(expr::ANY_CATEGORY, out.categories != 0);

    // Tier of 14(3)-(5): the highest met.
    let tier = plan.tiers.iter().find(|t| t.when.cond.holds(word));
    out.tier = tier.map_or(0, |t| t.level);
    word |= bit(expr::TIER, u32::from(out.tier));
    if let Some(t) = tier {
        step!(
            Some(t.article.clone()),
            "待遇档次按 {} 执行 (tier {}: {})",
            t.article,
            t.level,
            t.when.source
        );
    }
    out.word = word;

    // Coverage: 14(8), Art. 30, Art. 10.
    if let Some(i) = plan.exclusions.iter().position(|x| x.when.cond.holds(word)) {
        let x = &plan.exclusions[i];
        out.excluded_by = i as u16;
        step!(Some(x.article.clone()), "不适用本办法: {} (not covered)", x.reason);
        return;
    }
    out.covered = true;

    // Art. 27: cancellation.
    if let Some(i) = plan.cancellations.iter().position(|c| c.when.cond.holds(word)) {
        let c = &plan.cancellations[i];
        out.cancelled_by = i as u16;
        if plan.switches.cancel_all {
            step!(
                Some(c.article.clone()),
                "取消全部待遇: {} (all benefits cancelled)",
                c.reason
            );
            return;
        }
        step!(
            Some(c.article.clone()),
            "{}: 仅保留解除前已应发的部分 (keeps what was due by the end)",
            c.reason
        );
    }

    let history = History::new(plan, facts);
    step!(
        None,
        "自 {} 起算，截至 {} 已满 {} 个服务年度 (service years complete)",
        history.start,
        history.until,
        history.completed
    );

    let mut best_rank = [i64::MIN; MAX_VALUED_CODES];
    for (index, rule) in plan.rules.iter().enumerate() {
        if !rule.when.cond.holds(word) {
            continue;
        }
        if matches!(rule.payout, Payout::Benefit) {
            out.benefits |= 1 << rule.slot;
            continue;
        }
        let Some(grant) = grant(rule, word, &history) else {
            step!(
                Some(rule.article.clone()),
                "{}: 开始日期时尚无生效金额 (no amount in force on the start date)",
                rule.name
            );
            continue;
        };
        let rank = rank(rule, &grant, word);
        let slot = usize::from(rule.slot);
        let current = out.grants[slot];
        if rank > best_rank[slot] {
            if current.is_some() {
                step!(
                    Some(rule.article.clone()),
                    "{} 按 {} 执行，优于 {}，不重复享受 (most favourable, no stacking)",
                    rule.name,
                    rule.article,
                    plan.rules[usize::from(current.rule)].article
                );
            }
            best_rank[slot] = rank;
            out.grants[slot] = Grant {
                rule: index as u16,
                ..grant
            };
        } else {
            step!(
                Some(rule.article.clone()),
                "{} 已按 {} 执行，{} 不重复享受 (no stacking)",
                rule.name,
                plan.rules[usize::from(current.rule)].article,
                rule.article
            );
        }
    }

    for (slot, g) in out.grants.iter_mut().enumerate() {
        if !g.is_some() {
            continue;
        }
        if let Some(r) = plan
            .routes
            .iter()
            .position(|r| r.slots & (1 << slot) != 0 && r.when.cond.holds(word))
        {
            g.route = r as u16;
        }
        let rule = &plan.rules[usize::from(g.rule)];
        step!(
            Some(rule.article.clone()),
            "{}: 标准 {} 元，截至 {} 应发 {} 元 ({}: rate {}, due {})",
            rule.name,
            to_yuan(g.amount),
            facts.as_of,
            to_yuan(g.due),
            rule.code,
            to_yuan(g.amount),
            to_yuan(g.due)
        );
    }
}

/// Computes a rule's grant for a person it applies to; `None` when no amount is in force.
pub fn grant(rule: &Rule, word: u128, h: &History) -> Option<Grant> {
    let mut g = Grant::EMPTY;
    match &rule.payout {
        Payout::Monthly { brackets, max_months } => {
            let bracket = brackets.iter().find(|b| b.when.cond.holds(word))?;
            g.amount = bracket.amount.at(h.start)?;
            let mut months = 0;
            for year in 1..=h.begun {
                if months >= *max_months {
                    break;
                }
                if h.released(year) {
                    months += h.months_in_year(year);
                }
            }
            let months = months.min(*max_months);
            g.count = months.min(u32::from(u16::MAX)) as u16;
            g.due = g.amount.saturating_mul(i64::from(months));
        }
        Payout::LumpSum { amount, due, due_if } => {
            g.amount = amount.at(h.start)?;
            let condition = due_if.as_ref().is_none_or(|c| c.cond.holds(word));
            let released = match due {
                LumpDue::FirstPassedAssessment => h.settlement_released(),
                LumpDue::AfterYears(years) => h.completed >= *years,
            };
            if condition && released {
                g.due = g.amount;
                g.count = 1;
            }
        }
        Payout::Housing {
            gift_after_years,
            gift_if,
            ..
        } => {
            g.gifted = gift_after_years.is_some_and(|y| h.completed >= y)
                && gift_if.as_ref().is_none_or(|c| c.cond.holds(word));
        }
        Payout::Range { max, .. } => {
            g.amount = max.at(h.start)?;
        }
        Payout::Discretionary | Payout::Benefit => {}
        Payout::PerYear {
            per_year,
            cap,
            max_years,
            min_service_months,
        } => {
            g.amount = per_year.at(h.start)?;
            let mut years = (1..=h.completed.min(1024))
                .filter(|y| h.year_counts(*y, *min_service_months))
                .count() as u32;
            if let Some(max) = max_years {
                years = years.min(*max);
            }
            g.count = years as u16;
            g.due = g.amount.saturating_mul(i64::from(years));
            if let Some(cap) = cap {
                g.due = g.due.min(cap.at(h.start)?);
            }
        }
    }
    Some(g)
}

/// How favourable a grant is, to pick one among rules of the same code (interpretation 5).
fn rank(rule: &Rule, g: &Grant, word: u128) -> i64 {
    match &rule.payout {
        Payout::Housing {
            area_m2,
            gift_after_years,
            gift_if,
        } => {
            let reachable = gift_after_years.is_some() && gift_if.as_ref().is_none_or(|c| c.cond.holds(word));
            let sooner = 63 - i64::from(gift_after_years.unwrap_or(63).min(63));
            (i64::from(*area_m2) << 8) | (i64::from(g.gifted) << 7) | (i64::from(reachable) << 6) | sooner
        }
        Payout::PerYear { cap, max_years, .. } => match (cap, max_years) {
            (Some(cap), _) => cap.steps().last().map_or(0, |s| s.1),
            (None, Some(y)) => g.amount.saturating_mul(i64::from(*y)),
            (None, None) => g.amount,
        },
        Payout::Discretionary => 0,
        _ => g.amount,
    }
}

/// Evaluates many introductions into a reusable buffer (resized to `facts.len()`), trace off.
pub fn evaluate_batch(plan: &Plan, facts: &[Facts], out: &mut Vec<Outcome>) {
    out.resize(facts.len(), Outcome::default());
    for (f, o) in facts.iter().zip(out.iter_mut()) {
        evaluate_into(plan, f, None, o);
    }
}
