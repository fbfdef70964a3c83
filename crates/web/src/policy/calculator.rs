//! 政策计算器: the public policy calculator. A GET form, so that a result is a link one can
//! bookmark, send or print, and a reload never asks to resend a form. The form's values are
//! turned into the JSON of `POST /api/policy/evaluate` and go through exactly its checks and
//! evaluation ([`crate::api::policy`]); its field paths map back onto the form's inputs.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use jiff::tz::{TimeZone, offset};
use serde_json::{Map, Value, json};
use yincai_app::FieldError;
use yincai_policy::Report;
use yincai_policy::plan::Plan;
use yincai_policy::report::{InstallmentStatus, ObligationState, Terms, cite_zh};

use crate::AppState;
use crate::auth::MaybeUser;
use crate::layout::Layout;
use crate::pages::{FieldErrors, form_status, render, render_with};
use crate::policy::api::{
    ASSESSMENTS, Choice, DEGREES, EMPLOYERS, HONOURS, MODES, TITLES, evaluate, facts_from_json, policies,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/calculator", get(calculator))
}

/// The Art. 10 flags of the form: input name (= the JSON field of `person`) and label.
const FLAGS: &[Choice] = &[
    Choice {
        code: "leading_technology",
        label: "具有领先技术来阿创业（第十条第㈢项）",
    },
    Choice {
        code: "research_results",
        label: "具有创新能力和科研成果（第十条第㈣项）",
    },
    Choice {
        code: "shortage_field",
        label: "紧缺专业（第十条第㈤项）",
    },
    Choice {
        code: "practical_talent",
        label: "实用性人才（第十条第㈥项）",
    },
    Choice {
        code: "aid_xinjiang",
        label: "援疆专业技术人才（第十四条第㈥项）",
    },
];

/// What was typed, as typed (nothing is lost on an error). Checkboxes: present = checked.
#[derive(Debug, Clone)]
struct CalcForm {
    degree: String,
    full_time: bool,
    title: String,
    registered_practitioner: bool,
    honours: Vec<String>,
    flags: Vec<String>,
    employer: String,
    mode: String,
    start: String,
    end: String,
    ended_for_cause: bool,
    assessments: String,
    service_months: String,
    project_verified: bool,
    project_benefit_significant: bool,
    as_of: String,
}

impl CalcForm {
    /// The empty form: a full-time degree is the usual case; today in Beijing.
    fn blank(today: String) -> CalcForm {
        CalcForm {
            degree: "none".into(),
            full_time: true,
            title: "none".into(),
            registered_practitioner: false,
            honours: vec![],
            flags: vec![],
            employer: "city_unit".into(),
            mode: "recruit".into(),
            start: String::new(),
            end: String::new(),
            ended_for_cause: false,
            assessments: String::new(),
            service_months: String::new(),
            project_verified: false,
            project_benefit_significant: false,
            as_of: today,
        }
    }

    /// Reads a query string leniently: unknown keys are ignored, a repeated key keeps the last;
    /// an empty 计算日期 means today.
    fn from_query(pairs: Vec<(String, String)>, today: String) -> CalcForm {
        let mut f = CalcForm::blank(String::new());
        f.full_time = false;
        for (key, value) in pairs {
            let value = value.trim().to_owned();
            let on = !value.is_empty();
            match key.as_str() {
                "degree" => f.degree = value,
                "full_time" => f.full_time = on,
                "title" => f.title = value,
                "registered_practitioner" => f.registered_practitioner = on,
                "employer" => f.employer = value,
                "mode" => f.mode = value,
                "start" => f.start = value,
                "end" => f.end = value,
                "ended_for_cause" => f.ended_for_cause = on,
                "assessments" => f.assessments = value,
                "service_months" => f.service_months = value,
                "project_verified" => f.project_verified = on,
                "project_benefit_significant" => f.project_benefit_significant = on,
                "as_of" => f.as_of = value,
                k if on && HONOURS.iter().any(|h| h.code == k) => f.honours.push(key),
                k if on && FLAGS.iter().any(|h| h.code == k) => f.flags.push(key),
                _ => {}
            }
        }
        if f.as_of.is_empty() {
            f.as_of = today;
        }
        f
    }

    /// The JSON of `POST /api/policy/evaluate`. Lists are split on commas, 、 or spaces; the
    /// Chinese words of the assessments are accepted, anything else is passed on as typed so
    /// that the shared checks name it.
    fn to_json(&self) -> Value {
        let text = |s: &str| {
            if s.is_empty() {
                Value::Null
            } else {
                Value::String(s.to_owned())
            }
        };
        let mut person = Map::new();
        person.insert("degree".into(), text(&self.degree));
        person.insert("full_time".into(), self.full_time.into());
        person.insert("title".into(), text(&self.title));
        person.insert("registered_practitioner".into(), self.registered_practitioner.into());
        person.insert("honours".into(), json!(self.honours));
        for flag in FLAGS {
            person.insert(flag.code.into(), self.flags.iter().any(|f| f == flag.code).into());
        }
        let assessments: Vec<Value> = split_list(&self.assessments)
            .map(|word| {
                let code = ASSESSMENTS
                    .iter()
                    .find(|a| a.label == word || a.code == word)
                    .map_or(word, |a| a.code);
                Value::String(code.to_owned())
            })
            .collect();
        let months: Vec<Value> = split_list(&self.service_months)
            .map(|m| {
                m.parse::<i64>()
                    .map_or_else(|_| Value::String(m.to_owned()), Value::from)
            })
            .collect();
        json!({
            "as_of": text(&self.as_of),
            "person": person,
            "employer": text(&self.employer),
            "mode": text(&self.mode),
            "start": text(&self.start),
            "end": text(&self.end),
            "ended_for_cause": self.ended_for_cause,
            "assessments": assessments,
            "service_months": months,
            "project_verified": self.project_verified,
            "project_benefit_significant": self.project_benefit_significant,
        })
    }

    fn has_honour(&self, code: &str) -> bool {
        self.honours.iter().any(|h| h == code)
    }
    fn has_flag(&self, code: &str) -> bool {
        self.flags.iter().any(|h| h == code)
    }
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', '，', '、', ';', '；', ' ', '　', '/'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
}

/// The form input an error of the shared checks belongs to: `person.degree` → `degree`,
/// `service_months[1]` → `service_months`, `person.honours[0]` → `honours`.
fn input_of(field: &str) -> String {
    let field = field.strip_prefix("person.").unwrap_or(field);
    let base = field.split('[').next().unwrap_or(field);
    match base {
        "" | "policy" | "name" => "form".into(),
        f if FLAGS.iter().any(|x| x.code == f) => "flags".into(),
        f => f.into(),
    }
}

/// "service_months[1]" → "第 2 项：".
fn item_prefix(field: &str) -> String {
    field
        .split_once('[')
        .and_then(|(_, rest)| rest.trim_end_matches(']').parse::<usize>().ok())
        .map_or(String::new(), |i| format!("第 {} 项：", i + 1))
}

fn today_in_beijing(state: &AppState) -> String {
    jiff::Timestamp::from_millisecond(state.app.now())
        .map(|t| t.to_zoned_datetime(TimeZone::fixed(offset(8))).date().to_string())
        .unwrap_or_default()
}

/// An article as cited, with its text for the reader (the title when the file has no text).
struct ArticleView {
    number: String,
    cite: String,
    title: String,
    text: String,
}

fn article(plan: &Plan, number: &str) -> ArticleView {
    let (title, text) = match plan.article(number) {
        Some(a) => (a.title.clone(), a.text.clone().unwrap_or_else(|| a.title.clone())),
        None => (String::new(), String::new()),
    };
    ArticleView {
        number: number.to_owned(),
        cite: cite_zh(number),
        title,
        text,
    }
}

struct CategoryView {
    label: String,
    article: ArticleView,
    reason: String,
}

struct InstallmentView {
    year: u32,
    amount: String,
    due_on: String,
    status: &'static str,
    due: bool,
}

struct EntitlementView {
    name: String,
    terms: String,
    due: String,
    article: ArticleView,
    route: Option<ArticleView>,
    schedule: Vec<InstallmentView>,
}

struct BenefitView {
    name: String,
    article: ArticleView,
    description: String,
}

struct ObligationView {
    name: String,
    article: ArticleView,
    status: &'static str,
    next_checkpoint: String,
    shortfall: String,
}

struct NotGrantedView {
    name: String,
    article: ArticleView,
    unmet: String,
}

struct ExcludedView {
    article: ArticleView,
    reason: String,
}

struct ResultView {
    policy_title: String,
    document_number: String,
    as_of: String,
    covered: bool,
    excluded: Option<ExcludedView>,
    cancelled: Option<ArticleView>,
    category: String,
    categories: Vec<CategoryView>,
    tier: Option<ArticleView>,
    entitlements: Vec<EntitlementView>,
    total_due: String,
    benefits: Vec<BenefitView>,
    obligations: Vec<ObligationView>,
    not_granted: Vec<NotGrantedView>,
    explanation: String,
    /// Every article cited above, in order, for the printed appendix.
    cited: Vec<ArticleView>,
}

/// 24000 → "24,000".
fn yuan(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

const CATEGORY_NAMES: [&str; 6] = ["第一类", "第二类", "第三类", "第四类", "第五类", "第六类"];

fn category_name(n: u8) -> String {
    CATEGORY_NAMES
        .get(usize::from(n).wrapping_sub(1))
        .map_or_else(|| format!("第{n}类"), |s| (*s).to_owned())
}

fn terms_text(t: &Terms) -> (String, String) {
    match t {
        Terms::Monthly {
            monthly,
            max_months,
            months,
            due,
        } => (
            format!(
                "每月 {} 元，最长 {max_months} 个月；截至计算日已计 {months} 个月",
                yuan(*monthly)
            ),
            format!("{} 元", yuan(*due)),
        ),
        Terms::PerYear {
            per_year,
            cap,
            years,
            years_counted,
            due,
        } => {
            let limit = match (cap, years) {
                (Some(cap), _) => format!("，累计不超过 {} 元", yuan(*cap)),
                (None, Some(y)) => format!("，最多 {y} 年"),
                _ => String::new(),
            };
            (
                format!(
                    "每个服务年度 {} 元{limit}；截至计算日已计 {years_counted} 年",
                    yuan(*per_year)
                ),
                format!("{} 元", yuan(*due)),
            )
        }
        Terms::LumpSum { amount, due } => (
            format!(
                "一次性 {} 元{}",
                yuan(*amount),
                if *due > 0 {
                    "，已满足发放条件"
                } else {
                    "，尚未满足发放条件"
                }
            ),
            format!("{} 元", yuan(*due)),
        ),
        Terms::Housing { area_m2, .. } => (
            format!(
                "提供 {area_m2} 平方米住房一套免费居住；{}",
                t.gift_zh().unwrap_or_default()
            ),
            "实物（住房）".to_owned(),
        ),
        Terms::Range { min, max } => (
            format!("项目启动资金 {} 至 {} 元", yuan(*min), yuan(*max)),
            "按项目论证审定".to_owned(),
        ),
        Terms::Discretionary { .. } => (
            "视项目大小给予一定额度的项目启动资金".to_owned(),
            "按项目论证审定".to_owned(),
        ),
    }
}

fn result_view(plan: &Plan, r: &Report) -> ResultView {
    let mut cited: Vec<String> = Vec::new();
    let mut cite = |number: &str| {
        if !cited.iter().any(|c| c == number) {
            cited.push(number.to_owned());
        }
        article(plan, number)
    };
    let excluded = r.excluded_by.as_ref().map(|x| ExcludedView {
        article: cite(&x.article),
        reason: x.reason.clone(),
    });
    let cancelled = r.cancelled_by.as_deref().map(&mut cite);
    let categories = r
        .categories
        .iter()
        .map(|c| CategoryView {
            label: category_name(c.number),
            article: cite(&c.article),
            reason: c.reason.clone(),
        })
        .collect();
    let tier = r.tier.as_ref().map(|t| cite(&t.article));
    let entitlements = r
        .entitlements
        .values()
        .map(|e| {
            let (terms, due) = terms_text(&e.terms);
            EntitlementView {
                name: e.name.clone(),
                terms,
                due,
                article: cite(&e.article),
                route: e.route.as_deref().map(&mut cite),
                schedule: e
                    .schedule
                    .iter()
                    .map(|i| InstallmentView {
                        year: i.year,
                        amount: yuan(i.amount),
                        due_on: i.due_on.to_string(),
                        status: InstallmentStatus::label_zh(i.status),
                        due: matches!(i.status, InstallmentStatus::Due),
                    })
                    .collect(),
            }
        })
        .collect();
    let benefits = r
        .benefits
        .iter()
        .map(|b| BenefitView {
            name: b.name.clone(),
            article: cite(&b.article),
            description: b.description.clone().unwrap_or_default(),
        })
        .collect();
    let obligations = r
        .obligations
        .iter()
        .map(|o| ObligationView {
            name: o.name.clone(),
            article: cite(&o.article),
            status: match o.status {
                ObligationState::InProgress => "履行中",
                ObligationState::Fulfilled => "已履行",
                ObligationState::Breached => "未履行",
            },
            next_checkpoint: o.next_checkpoint.map(|d| d.to_string()).unwrap_or_default(),
            shortfall: o
                .shortfall_years
                .iter()
                .map(|y| format!("第 {y} 年"))
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
    let not_granted = r
        .not_granted
        .iter()
        .map(|n| NotGrantedView {
            name: n.name.clone(),
            article: cite(&n.article),
            unmet: n.unmet.clone(),
        })
        .collect();
    ResultView {
        policy_title: r.policy.title.clone(),
        document_number: r.policy.document_number.clone(),
        as_of: r.as_of.to_string(),
        covered: r.covered,
        excluded,
        cancelled,
        category: r.category.map(category_name).unwrap_or_default(),
        categories,
        tier,
        entitlements,
        total_due: yuan(r.total_due),
        benefits,
        obligations,
        not_granted,
        explanation: yincai_policy::explain(r),
        cited: cited.iter().map(|n| article(plan, n)).collect(),
    }
}

#[derive(Template)]
#[template(path = "calculator.html")]
struct CalculatorPage {
    layout: Layout,
    form: CalcForm,
    errors: FieldErrors,
    result: Option<ResultView>,
    degrees: &'static [Choice],
    titles: &'static [Choice],
    honours: &'static [Choice],
    flags: &'static [Choice],
    employers: &'static [Choice],
    modes: &'static [Choice],
}

impl CalculatorPage {
    fn error(&self, input: &str) -> &str {
        self.errors.on(input)
    }
    fn invalid(&self, input: &str) -> bool {
        !self.error(input).is_empty()
    }
}

async fn calculator(State(state): State<AppState>, MaybeUser(actor): MaybeUser, RawQuery(query): RawQuery) -> Response {
    let today = today_in_beijing(&state);
    let pairs: Vec<(String, String)> = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let submitted = !pairs.is_empty();
    let form = if submitted {
        CalcForm::from_query(pairs, today)
    } else {
        CalcForm::blank(today)
    };
    let outcome = if submitted {
        Some(facts_from_json(&form.to_json()).and_then(|facts| {
            let report = evaluate(&facts, false)?;
            let plan = policies()
                .select(&facts, None)
                .map_err(|e| vec![FieldError::new("start", e.to_string())])?;
            Ok(result_view(plan, &report))
        }))
    } else {
        None
    };
    let (result, errors) = match outcome {
        Some(Ok(view)) => (Some(view), vec![]),
        Some(Err(errors)) => (
            None,
            errors
                .into_iter()
                .map(|e| FieldError::new(input_of(&e.field), format!("{}{}", item_prefix(&e.field), e.message)))
                .collect(),
        ),
        None => (None, vec![]),
    };
    let errors: FieldErrors = merge_errors(errors).into();
    let status = form_status(&errors);
    let page = CalculatorPage {
        layout: Layout::new("政策计算器", actor.as_ref(), "/calculator"),
        form,
        errors,
        result,
        degrees: DEGREES,
        titles: TITLES,
        honours: HONOURS,
        flags: FLAGS,
        employers: EMPLOYERS,
        modes: MODES,
    };
    if status == StatusCode::OK {
        render(&page)
    } else {
        render_with(status, &page)
    }
}

/// One message per input (two wrong entries of one list are shown together).
fn merge_errors(errors: Vec<FieldError>) -> Vec<FieldError> {
    let mut merged: Vec<FieldError> = Vec::new();
    for e in errors {
        match merged.iter_mut().find(|m| m.field == e.field) {
            Some(m) => {
                m.message.push('；');
                m.message.push_str(&e.message);
            }
            None => merged.push(e),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_thousands_separators() {
        assert_eq!(yuan(0), "0");
        assert_eq!(yuan(500), "500");
        assert_eq!(yuan(24000), "24,000");
        assert_eq!(yuan(3_000_000), "3,000,000");
        assert_eq!(yuan(-1500), "-1,500");
    }

    #[test]
    fn errors_land_on_their_input() {
        assert_eq!(input_of("person.degree"), "degree");
        assert_eq!(input_of("service_months[1]"), "service_months");
        assert_eq!(input_of("person.honours[0]"), "honours");
        assert_eq!(input_of("person.research_results"), "flags");
        assert_eq!(input_of("start"), "start");
        assert_eq!(item_prefix("service_months[1]"), "第 2 项：");
    }

    #[test]
    fn the_query_is_read_leniently() {
        let q = |s: &str| serde_urlencoded::from_str::<Vec<(String, String)>>(s).unwrap();
        let f = CalcForm::from_query(
            q("start=2015-01-10&as_of=&start=2016-01-10&x=1&national_expert=1"),
            "2026-11-24".into(),
        );
        assert_eq!(f.start, "2016-01-10", "a repeated key keeps the last");
        assert_eq!(f.as_of, "2026-11-24", "an empty as_of is today");
        assert_eq!(f.honours, ["national_expert"]);
        assert!(!f.full_time, "an unchecked box is absent");
    }

    #[test]
    fn chinese_assessments_become_codes() {
        let mut f = CalcForm::blank("2016-06-30".into());
        f.assessments = "合格，优秀、不合格 good".into();
        f.service_months = "7,x".into();
        let v = f.to_json();
        assert_eq!(v["assessments"], json!(["passed", "excellent", "failed", "good"]));
        assert_eq!(v["service_months"], json!([7, "x"]));
    }
}
