//! The full result of an evaluation (JSON), built from a compact [`Outcome`]: entitlements
//! with their schedules, obligations, why-not, and the Chinese explanation a clerk reads aloud.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::dates;
use crate::eval::{self, History, NONE, Outcome, TraceStep};
use crate::facts::Facts;
use crate::money::{Fen, to_yuan};
use crate::numerals::number_zh;
use crate::plan::{Duty, LumpDue, Payout, Plan, Rule};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRef {
    pub id: String,
    pub version: String,
    pub title: String,
    pub document_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cited {
    pub article: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryMet {
    pub number: u8,
    pub article: String,
    pub reason: String,
    pub condition: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierMet {
    pub level: u8,
    pub article: String,
}

/// The amounts of one entitlement, in whole yuan, named as CASES.md names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Terms {
    Monthly {
        monthly: i64,
        max_months: u32,
        months: u32,
        due: i64,
    },
    PerYear {
        per_year: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        years: Option<u32>,
        years_counted: u32,
        due: i64,
    },
    LumpSum {
        amount: i64,
        due: i64,
    },
    Housing {
        area_m2: u32,
        gift_after_years: Option<u32>,
        gifted: bool,
        /// The day the gift condition of years is met (if it can be).
        gift_date: Option<Date>,
        /// The rule's further gift condition (`gift_if`, e.g. 14(2)'s 项目效益显著) while the facts
        /// do not meet it, in Chinese: the gift waits for it whatever the date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gift_waits_for: Option<String>,
    },
    Range {
        min: i64,
        max: i64,
    },
    Discretionary {
        discretionary: bool,
    },
}

impl Terms {
    /// Whether and when a housing grant becomes a gift, in the one wording every page uses
    /// (None for terms that are not housing).
    pub fn gift_zh(&self) -> Option<String> {
        let Terms::Housing {
            gift_after_years,
            gifted,
            gift_date,
            gift_waits_for,
            ..
        } = self
        else {
            return None;
        };
        Some(match (gift_after_years, gifted) {
            (_, true) => "已满足条件，住房直接赠予".to_owned(),
            (Some(y), false) => format!(
                "连续工作满 {y} 年{}{}后可直接赠予",
                gift_date.map_or(String::new(), |d| format!("（{d}）")),
                gift_waits_for.as_ref().map_or(String::new(), |w| format!("且{w}"))
            ),
            (None, false) => "不赠予".to_owned(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallmentStatus {
    /// Payable now (counted in `due`).
    Due,
    /// The year is complete; its assessment is not in yet (Art. 19).
    AwaitingAssessment,
    /// The year's assessment was failed: nothing for it.
    NotPassed,
    /// Too few months served in the year (Art. 26, 14(1)).
    NotServed,
    /// The year is complete; the months served in it are not on record yet (Art. 26, 14(1)).
    AwaitingServiceMonths,
    /// A condition other than time is not met yet (e.g. project benefit).
    ConditionUnmet,
    /// The year is running or lies ahead.
    Future,
}

impl InstallmentStatus {
    /// The one Chinese name of the status, for the calculator, the talent record and exports.
    pub const fn label_zh(self) -> &'static str {
        match self {
            InstallmentStatus::Due => "应发放",
            InstallmentStatus::AwaitingAssessment => "待年度考核",
            InstallmentStatus::NotPassed => "考核未合格，不发放",
            InstallmentStatus::NotServed => "服务月数不足，不发放",
            InstallmentStatus::AwaitingServiceMonths => "待确认服务月数",
            InstallmentStatus::ConditionUnmet => "条件未满足",
            InstallmentStatus::Future => "尚未到期",
        }
    }

    /// Every status, in declaration order.
    pub const ALL: [InstallmentStatus; 7] = [
        InstallmentStatus::Due,
        InstallmentStatus::AwaitingAssessment,
        InstallmentStatus::NotPassed,
        InstallmentStatus::NotServed,
        InstallmentStatus::AwaitingServiceMonths,
        InstallmentStatus::ConditionUnmet,
        InstallmentStatus::Future,
    ];

    /// The code a stored installment keeps (as serde writes it).
    pub const fn code(self) -> &'static str {
        match self {
            InstallmentStatus::Due => "due",
            InstallmentStatus::AwaitingAssessment => "awaiting_assessment",
            InstallmentStatus::NotPassed => "not_passed",
            InstallmentStatus::NotServed => "not_served",
            InstallmentStatus::AwaitingServiceMonths => "awaiting_service_months",
            InstallmentStatus::ConditionUnmet => "condition_unmet",
            InstallmentStatus::Future => "future",
        }
    }

    pub fn parse(code: &str) -> Option<InstallmentStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Final for its year: nothing will be paid for it whatever is recorded later.
    pub const fn is_final_refusal(self) -> bool {
        matches!(self, InstallmentStatus::NotPassed | InstallmentStatus::NotServed)
    }
}

/// A stored status code that is none of [`InstallmentStatus`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown installment status {0:?}")]
pub struct UnknownStatus(pub String);

impl TryFrom<String> for InstallmentStatus {
    type Error = UnknownStatus;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        InstallmentStatus::parse(&code).ok_or(UnknownStatus(code))
    }
}

/// One installment of an entitlement: a service year's money, or a lump sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installment {
    pub year: u32,
    pub amount: i64,
    /// Earliest day it can become due (the end of the year, or of the relation).
    pub due_on: Date,
    pub status: InstallmentStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlement {
    pub name: String,
    #[serde(flatten)]
    pub terms: Terms,
    pub article: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    pub rule: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<Installment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benefit {
    pub code: String,
    pub name: String,
    pub article: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObligationState {
    InProgress,
    Fulfilled,
    Breached,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObligationStatus {
    pub code: String,
    pub name: String,
    pub article: String,
    pub status: ObligationState,
    /// Next day the obligation is checked (None once fulfilled or ended).
    pub next_checkpoint: Option<Date>,
    /// Service years in which it was not met.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shortfall_years: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotGranted {
    pub code: String,
    pub name: String,
    pub rule: String,
    pub article: String,
    /// The unmet condition (Chinese), and in the condition language.
    pub unmet: String,
    pub unmet_en: String,
}

/// The full evaluation result: the JSON of `POST /api/policy/evaluate` and `yincai policy eval`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub policy: PolicyRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub as_of: Date,
    pub covered: bool,
    pub excluded_by: Option<Cited>,
    /// The lowest-numbered Art. 10 category met.
    pub category: Option<u8>,
    pub categories: Vec<CategoryMet>,
    pub tier: Option<TierMet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_by: Option<String>,
    pub entitlements: BTreeMap<String, Entitlement>,
    pub total_due: i64,
    pub benefits: Vec<Benefit>,
    pub obligations: Vec<ObligationStatus>,
    pub not_granted: Vec<NotGranted>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceStep>,
}

/// Evaluates and builds the full report (allocates; use [`eval::evaluate_into`] in bulk).
pub fn evaluate(plan: &Plan, facts: &Facts, with_trace: bool) -> Report {
    let mut outcome = Outcome::default();
    let mut trace = Vec::new();
    eval::evaluate_into(plan, facts, with_trace.then_some(&mut trace), &mut outcome);
    build(plan, facts, &outcome, trace)
}

/// Builds the report of an outcome computed for `facts`.
pub fn build(plan: &Plan, facts: &Facts, o: &Outcome, trace: Vec<TraceStep>) -> Report {
    let history = History::new(plan, facts);
    let categories = plan
        .categories
        .iter()
        .filter(|c| o.categories & (1 << (c.number - 1)) != 0)
        .map(|c| CategoryMet {
            number: c.number,
            article: c.article.clone(),
            reason: c.reason.clone(),
            condition: c.when.source.clone(),
        })
        .collect();
    let tier = plan.tiers.iter().find(|t| t.level == o.tier).map(|t| TierMet {
        level: t.level,
        article: t.article.clone(),
    });
    let excluded_by = (o.excluded_by != NONE).then(|| {
        let x = &plan.exclusions[usize::from(o.excluded_by)];
        Cited {
            article: x.article.clone(),
            reason: x.reason.clone(),
        }
    });
    let cancelled = (o.cancelled_by != NONE).then(|| &plan.cancellations[usize::from(o.cancelled_by)]);

    let mut entitlements = BTreeMap::new();
    for g in o.grants.iter().filter(|g| g.is_some()) {
        let rule = &plan.rules[usize::from(g.rule)];
        let (terms, schedule) = terms_and_schedule(rule, g, &history, o.word);
        entitlements.insert(
            rule.code.clone(),
            Entitlement {
                name: rule.name.clone(),
                terms,
                article: rule.article.clone(),
                route: (g.route != NONE).then(|| plan.routes[usize::from(g.route)].article.clone()),
                rule: rule.id.clone(),
                schedule,
            },
        );
    }
    let benefits = plan
        .rules
        .iter()
        .filter(|r| matches!(r.payout, Payout::Benefit) && o.benefits & (1 << r.slot) != 0)
        .map(|r| Benefit {
            code: r.code.clone(),
            name: r.name.clone(),
            article: r.article.clone(),
            description: r.description.clone(),
        })
        .collect();
    let obligations = if o.covered && cancelled.is_none() {
        plan.obligations
            .iter()
            .filter(|ob| ob.when.cond.holds(o.word))
            .map(|ob| {
                obligation_status(
                    ob.id.clone(),
                    ob.name.clone(),
                    ob.article.clone(),
                    ob.duty,
                    facts,
                    &history,
                )
            })
            .collect()
    } else {
        Vec::new()
    };

    Report {
        policy: PolicyRef {
            id: plan.meta.id.clone(),
            version: plan.meta.version.clone(),
            title: plan.meta.title.clone(),
            document_number: plan.meta.document_number.clone(),
        },
        name: facts.name.clone(),
        as_of: facts.as_of,
        covered: o.covered,
        excluded_by,
        category: o.primary_category(),
        categories,
        tier,
        cancelled_by: cancelled.map(|c| c.article.clone()),
        entitlements,
        total_due: to_yuan(o.total_due()),
        benefits,
        obligations,
        not_granted: not_granted(plan, o),
        trace,
    }
}

fn terms_and_schedule(rule: &Rule, g: &eval::Grant, h: &History, word: u128) -> (Terms, Vec<Installment>) {
    let yuan = to_yuan;
    match &rule.payout {
        Payout::Monthly { max_months, .. } => {
            let limit = g.amount.saturating_mul(Fen::from(*max_months));
            (
                Terms::Monthly {
                    monthly: yuan(g.amount),
                    max_months: *max_months,
                    months: u32::from(g.count),
                    due: yuan(g.due),
                },
                yearly_schedule(h, g, limit, None),
            )
        }
        Payout::PerYear {
            cap,
            max_years,
            min_service_months,
            ..
        } => {
            let cap_fen = cap.as_ref().and_then(|c| c.at(h.start));
            let limit = cap_fen.unwrap_or_else(|| g.amount.saturating_mul(i64::from(max_years.unwrap_or(64))));
            (
                Terms::PerYear {
                    per_year: yuan(g.amount),
                    cap: cap_fen.map(yuan),
                    years: *max_years,
                    years_counted: u32::from(g.count),
                    due: yuan(g.due),
                },
                yearly_schedule(h, g, limit, Some(*min_service_months)),
            )
        }
        Payout::LumpSum { due, due_if, .. } => {
            let year = match due {
                LumpDue::FirstPassedAssessment => 1,
                LumpDue::AfterYears(y) => *y,
            };
            let status = if g.due > 0 {
                InstallmentStatus::Due
            } else if h.completed < year {
                InstallmentStatus::Future
            } else if due_if.as_ref().is_some_and(|c| !c.cond.holds(word)) {
                InstallmentStatus::ConditionUnmet
            } else if h.passes_any() {
                InstallmentStatus::NotPassed
            } else {
                InstallmentStatus::AwaitingAssessment
            };
            let installment = Installment {
                year,
                amount: yuan(g.amount),
                due_on: dates::anniversary(h.start, year),
                status,
            };
            (
                Terms::LumpSum {
                    amount: yuan(g.amount),
                    due: yuan(g.due),
                },
                vec![installment],
            )
        }
        Payout::Housing {
            area_m2,
            gift_after_years,
            gift_if,
        } => (
            Terms::Housing {
                area_m2: *area_m2,
                gift_after_years: *gift_after_years,
                gifted: g.gifted,
                gift_date: gift_after_years.map(|y| dates::anniversary(h.start, y)),
                gift_waits_for: gift_after_years
                    .and(gift_if.as_ref())
                    .and_then(|c| c.cond.why_not(word))
                    .map(|(zh, _)| zh),
            },
            Vec::new(),
        ),
        Payout::Range { min, .. } => (
            Terms::Range {
                min: yuan(min.at(h.start).unwrap_or(0)),
                max: yuan(g.amount),
            },
            Vec::new(),
        ),
        Payout::Discretionary | Payout::Benefit => (Terms::Discretionary { discretionary: true }, Vec::new()),
    }
}

fn year_end(h: &History, year: u32) -> Date {
    dates::anniversary(h.start, year).min(if h.ended { h.until } else { Date::MAX })
}

/// Installments per service year. The due ones share out exactly `g.due`, as
/// [`eval::grant`] counted it; the years still open are projected into what `limit` leaves; a
/// year that earned nothing shows what it would have given.
fn yearly_schedule(h: &History, g: &eval::Grant, limit: Fen, per_year: Option<u8>) -> Vec<Installment> {
    let mut due_left = g.due;
    let mut room = limit.saturating_sub(g.due);
    let mut schedule = Vec::new();
    for year in 1..=64u32 {
        if (h.ended && year > h.begun) || (due_left == 0 && room == 0) {
            break;
        }
        let (months, status) = year_status(h, year, per_year);
        let nominal = match (per_year, status) {
            (Some(_), _) => g.amount,
            (None, InstallmentStatus::Future) => g.amount.saturating_mul(12),
            (None, _) => g.amount.saturating_mul(Fen::from(months)),
        };
        let amount = match status {
            InstallmentStatus::Due => take(&mut due_left, nominal),
            InstallmentStatus::AwaitingAssessment
            | InstallmentStatus::AwaitingServiceMonths
            | InstallmentStatus::Future => take(&mut room, nominal),
            _ => nominal,
        };
        if amount == 0 {
            continue;
        }
        schedule.push(Installment {
            year,
            amount: to_yuan(amount),
            due_on: year_end(h, year),
            status,
        });
    }
    schedule
}

fn take(left: &mut Fen, wanted: Fen) -> Fen {
    let got = wanted.min(*left);
    *left -= got;
    got
}

/// Months counted and the state of service year `year`. `per_year` is `Some(min months)` for
/// per-year payouts; `Due` mirrors [`eval::grant`] exactly: a monthly payout counts every
/// released year begun, a per-year payout only complete years with enough months served.
fn year_status(h: &History, year: u32, per_year: Option<u8>) -> (u32, InstallmentStatus) {
    let months = h.months_in_year(year);
    let due = match per_year {
        None => year <= h.begun && h.released(year),
        Some(min) => h.year_counts(year, min),
    };
    let finished = year <= h.completed || (h.ended && year == h.completed + 1);
    let short = |min: u8| year > h.completed || (min > 0 && h.service_months(year) < min);
    let status = if due {
        InstallmentStatus::Due
    } else if !finished {
        InstallmentStatus::Future
    } else if per_year.is_some_and(|min| min > 0 && year <= h.completed && !h.months_on_record(year)) {
        InstallmentStatus::AwaitingServiceMonths
    } else if per_year.is_some_and(short) {
        InstallmentStatus::NotServed
    } else if h.has_assessment(year) {
        InstallmentStatus::NotPassed
    } else {
        InstallmentStatus::AwaitingAssessment
    };
    (months, status)
}

fn obligation_status(
    code: String,
    name: String,
    article: String,
    duty: Duty,
    facts: &Facts,
    h: &History,
) -> ObligationStatus {
    let (status, next_checkpoint, shortfall_years) = match duty {
        Duty::ContinuousYears(years) => {
            if h.completed >= years {
                (ObligationState::Fulfilled, None, Vec::new())
            } else if h.ended {
                (ObligationState::Breached, None, Vec::new())
            } else {
                (
                    ObligationState::InProgress,
                    Some(dates::anniversary(facts.start, years)),
                    Vec::new(),
                )
            }
        }
        Duty::MonthsPerYear(months) => {
            let short: Vec<u32> = (1..=h.completed).filter(|y| h.service_months(*y) < months).collect();
            let next = (!h.ended).then(|| dates::anniversary(facts.start, h.completed + 1));
            let status = if short.is_empty() {
                ObligationState::InProgress
            } else {
                ObligationState::Breached
            };
            (status, next, short)
        }
    };
    ObligationStatus {
        code,
        name,
        article,
        status,
        next_checkpoint,
        shortfall_years,
    }
}

fn not_granted(plan: &Plan, o: &Outcome) -> Vec<NotGranted> {
    if !o.covered || o.cancelled_by != NONE && plan.switches.cancel_all {
        return Vec::new();
    }
    let benefit_granted = |code: &str| {
        plan.rules
            .iter()
            .any(|r| r.code == code && matches!(r.payout, Payout::Benefit) && o.benefits & (1 << r.slot) != 0)
    };
    let mut out = Vec::new();
    for rule in &plan.rules {
        let granted = match rule.payout {
            Payout::Benefit => benefit_granted(&rule.code),
            _ => o.grants[usize::from(rule.slot)].is_some(),
        };
        if granted {
            continue;
        }
        let (unmet, unmet_en) = rule.when.cond.why_not(o.word).unwrap_or_else(|| match &rule.payout {
            Payout::Monthly { brackets, .. } => (
                "无适用的标准档 (no bracket applies)".to_owned(),
                brackets
                    .iter()
                    .map(|b| b.when.source.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
            ),
            _ => (
                "开始日期时尚无生效金额 (no amount in force on the start date)".to_owned(),
                String::new(),
            ),
        });
        out.push(NotGranted {
            code: rule.code.clone(),
            name: rule.name.clone(),
            rule: rule.id.clone(),
            article: rule.article.clone(),
            unmet,
            unmet_en,
        });
    }
    out
}

/// "13(2)" → "第十三条第㈡项".
pub fn cite_zh(citation: &str) -> String {
    const ITEMS: [&str; 10] = ["㈠", "㈡", "㈢", "㈣", "㈤", "㈥", "㈦", "㈧", "㈨", "㈩"];
    let (article, item) = match citation.split_once('(') {
        Some((a, rest)) => (a, rest.strip_suffix(')')),
        None => (citation, None),
    };
    let Ok(a) = article.parse::<u32>() else {
        return citation.to_owned();
    };
    let mut s = format!("第{}条", number_zh(a));
    if let Some(i) = item.and_then(|i| i.parse::<usize>().ok()) {
        match ITEMS.get(i.wrapping_sub(1)) {
            Some(c) => write!(s, "第{c}项").unwrap_or(()),
            None => write!(s, "第{i}项").unwrap_or(()),
        }
    }
    s
}

/// The explanation a clerk reads aloud to the talent (Chinese).
pub fn explain(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "依据《{}》（{}），评估日期 {}。",
        r.policy.title, r.policy.document_number, r.as_of
    );
    if let Some(name) = &r.name {
        let _ = writeln!(s, "事项：{name}");
    }
    if let Some(x) = &r.excluded_by {
        let _ = writeln!(s, "【引进范围】不适用本办法：{}（{}）。", x.reason, cite_zh(&x.article));
        return s;
    }
    let _ = writeln!(s, "【引进范围】属于本办法的引进范围。");
    for (i, c) in r.categories.iter().enumerate() {
        let lead = if i == 0 {
            "【人才类别】按"
        } else {
            "　　　　　　同时符合"
        };
        let _ = writeln!(
            s,
            "{lead}第{}类（{}）：{}。",
            number_zh(u32::from(c.number)),
            cite_zh(&c.article),
            c.reason
        );
    }
    if let Some(t) = &r.tier {
        let _ = writeln!(s, "【待遇档次】住房和安家费按{}的标准执行。", cite_zh(&t.article));
    }
    if let Some(c) = &r.cancelled_by {
        let _ = writeln!(
            s,
            "【待遇取消】因{}所列情形解除合同，取消所享受的相关待遇。",
            cite_zh(c)
        );
    }
    if !r.entitlements.is_empty() {
        let _ = writeln!(s, "【待遇】");
    }
    for (i, e) in r.entitlements.values().enumerate() {
        let via = e
            .route
            .as_ref()
            .map_or(String::new(), |route| format!("，经{}比照执行", cite_zh(route)));
        let body = match &e.terms {
            Terms::Monthly {
                monthly,
                max_months,
                months,
                due,
            } => format!("每月 {monthly} 元，最长 {max_months} 个月；截至评估日已计 {months} 个月，应发 {due} 元"),
            Terms::PerYear {
                per_year,
                cap,
                years,
                due,
                ..
            } => {
                let limit = match (cap, years) {
                    (Some(cap), _) => format!("累计不超过 {cap} 元"),
                    (None, Some(y)) => format!("最多 {y} 年"),
                    _ => String::new(),
                };
                format!("每个服务年度 {per_year} 元，{limit}；截至评估日应发 {due} 元")
            }
            Terms::LumpSum { amount, due } => {
                if due > &0 {
                    format!("{amount} 元，已满足发放条件，应发 {due} 元")
                } else {
                    format!("{amount} 元，尚未满足发放条件，目前应发 0 元")
                }
            }
            Terms::Housing {
                area_m2,
                gift_after_years,
                gifted,
                ..
            } => match (gift_after_years, gifted) {
                (_, true) => format!(
                    "提供 {area_m2} 平方米住房一套，{}",
                    e.terms.gift_zh().unwrap_or_default()
                ),
                (Some(_), false) => format!(
                    "提供 {area_m2} 平方米住房一套免费居住，{}",
                    e.terms.gift_zh().unwrap_or_default()
                ),
                (None, false) => format!("提供 {area_m2} 平方米住房一套免费居住（不赠予）"),
            },
            Terms::Range { min, max } => format!("项目启动资金 {min} 至 {max} 元"),
            Terms::Discretionary { .. } => "视项目大小给予一定额度的项目启动资金".to_owned(),
        };
        let _ = writeln!(
            s,
            "  {}. {}：{}。依据{}{}。",
            i + 1,
            e.name,
            body,
            cite_zh(&e.article),
            via
        );
    }
    if r.total_due > 0 {
        let _ = writeln!(
            s,
            "  合计截至评估日应发 {} 元（须经考核合格、领导小组审定后凭批复和证明兑现，第十九条）。",
            r.total_due
        );
    }
    if !r.benefits.is_empty() {
        let _ = writeln!(s, "【其他待遇】");
        for b in &r.benefits {
            let _ = writeln!(s, "  - {}（{}）", b.name, cite_zh(&b.article));
        }
    }
    if !r.obligations.is_empty() {
        let _ = writeln!(s, "【应尽义务】");
        for o in &r.obligations {
            let state = match o.status {
                ObligationState::InProgress => "履行中",
                ObligationState::Fulfilled => "已履行",
                ObligationState::Breached => "未履行",
            };
            let next = o.next_checkpoint.map_or(String::new(), |d| format!("，下一检查日 {d}"));
            let short = if o.shortfall_years.is_empty() {
                String::new()
            } else {
                format!("，未达要求的服务年度：{:?}", o.shortfall_years)
            };
            let _ = writeln!(s, "  - {}（{}）：{state}{next}{short}。", o.name, cite_zh(&o.article));
        }
    }
    if !r.not_granted.is_empty() {
        let _ = writeln!(s, "【未享受的待遇及原因】");
        for n in &r.not_granted {
            let _ = writeln!(s, "  - {}（{}）：不满足“{}”。", n.name, cite_zh(&n.article), n.unmet);
        }
    }
    s
}
