//! The policy engine over the API (public, no login): evaluate one introduction and list the
//! loaded policies. Input and output are the JSON of docs/adr/0002-policy-engine.md, the same
//! as `yincai policy eval`.
//!
//! The body is read as JSON first and checked field by field before it becomes [`Facts`], so
//! that every error names its field (`start`, `person.degree`, `service_months[1]`) in Chinese;
//! the engine's own checks ([`Facts::check`]) name theirs too. The page `/calculator` uses the
//! same path ([`facts_from_json`], [`evaluate`]).

use axum::extract::Query;
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use yincai_app::{AppError, FieldError};
use yincai_policy::{Assessment, Degree, Employer, Facts, Honour, Mode, PolicySet, Report, SetError, Title};

use crate::AppState;
use crate::api::ApiJson;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/policy/evaluate", post(evaluate_policy))
        .route("/policies", get(list_policies))
}

pub(crate) fn policies() -> &'static PolicySet {
    yincai_app::policies()
}

/// A choice of an enumerated fact: its JSON code and its Chinese label.
#[derive(Clone, Copy)]
pub(crate) struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

/// The engine's vocabulary (`yincai_policy::vocabulary`) as choices: one set of names for
/// the calculator, the registration form and the engine's own explanations.
const fn choices<const N: usize>(table: [(&'static str, &'static str); N]) -> [Choice; N] {
    let mut out = [Choice { code: "", label: "" }; N];
    let mut i = 0;
    while i < N {
        out[i] = Choice {
            code: table[i].0,
            label: table[i].1,
        };
        i += 1;
    }
    out
}

pub(crate) const DEGREES: &[Choice] = &choices(Degree::TABLE);
pub(crate) const TITLES: &[Choice] = &choices(Title::TABLE);
pub(crate) const HONOURS: &[Choice] = &choices(Honour::TABLE);
pub(crate) const EMPLOYERS: &[Choice] = &choices(Employer::TABLE);
pub(crate) const MODES: &[Choice] = &choices(Mode::TABLE);
pub(crate) const ASSESSMENTS: &[Choice] = &choices(Assessment::TABLE);

const FACT_FIELDS: &[&str] = &[
    "name",
    "policy",
    "as_of",
    "person",
    "employer",
    "mode",
    "start",
    "end",
    "ended_for_cause",
    "assessments",
    "service_months",
    "project_verified",
    "project_benefit_significant",
];
const PERSON_BOOLS: &[&str] = &[
    "full_time",
    "registered_practitioner",
    "leading_technology",
    "research_results",
    "shortage_field",
    "practical_talent",
    "aid_xinjiang",
];
const FACT_BOOLS: &[&str] = &["ended_for_cause", "project_verified", "project_benefit_significant"];

fn options(choices: &[Choice]) -> String {
    choices
        .iter()
        .map(|c| format!("{}（{}）", c.code, c.label))
        .collect::<Vec<_>>()
        .join("、")
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("「{s}」"),
        other => other.to_string(),
    }
}

/// Checks one enumerated value; the error lists the accepted codes.
fn check_choice(field: &str, v: &Value, choices: &[Choice], errors: &mut Vec<FieldError>) {
    let known = v.as_str().is_some_and(|s| choices.iter().any(|c| c.code == s));
    if !known {
        errors.push(FieldError::new(
            field,
            format!("取值 {} 无效，可选：{}", describe(v), options(choices)),
        ));
    }
}

/// A calendar date `YYYY-MM-DD` that exists.
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(format!("日期 「{s}」 格式不对，请按 YYYY-MM-DD 填写，如 2015-01-10"));
    }
    // The domain's one date parser (strict YYYY-MM-DD of a date that exists).
    yincai_domain::dates::parse_iso(s).ok_or_else(|| format!("日期 {s} 不存在（该月没有这一天），请填写实际存在的日期"))
}

fn check_date(field: &str, v: Option<&Value>, required: bool, errors: &mut Vec<FieldError>) {
    match v {
        None | Some(Value::Null) if required => {
            errors.push(FieldError::new(field, "必填：请填写日期（YYYY-MM-DD，如 2015-01-10）"))
        }
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => {
            if let Err(m) = parse_date(s) {
                errors.push(FieldError::new(field, m));
            }
        }
        Some(other) => errors.push(FieldError::new(
            field,
            format!("须为日期字符串 YYYY-MM-DD，得到 {other}"),
        )),
    }
}

fn check_bool(field: &str, v: &Value, errors: &mut Vec<FieldError>) {
    if !v.is_boolean() {
        errors.push(FieldError::new(
            field,
            format!("须为 true 或 false，得到 {}", describe(v)),
        ));
    }
}

fn check_list(
    field: &str,
    v: &Value,
    errors: &mut Vec<FieldError>,
    mut each: impl FnMut(&str, &Value, &mut Vec<FieldError>),
) {
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                each(&format!("{field}[{i}]"), item, errors);
            }
        }
        Value::Null => {}
        other => errors.push(FieldError::new(field, format!("须为列表 [...]，得到 {other}"))),
    }
}

fn unknown_field(field: &str, known: &[&str]) -> FieldError {
    FieldError::new(
        field,
        format!("未知字段 {field}，请删除或更正；可用字段：{}", known.join("、")),
    )
}

fn check_person(v: &Value, errors: &mut Vec<FieldError>) {
    let Value::Object(person) = v else {
        if !v.is_null() {
            errors.push(FieldError::new("person", format!("须为对象 {{...}}，得到 {v}")));
        }
        return;
    };
    let mut known: Vec<&str> = vec!["degree", "title", "honours"];
    known.extend_from_slice(PERSON_BOOLS);
    for (key, value) in person {
        let field = format!("person.{key}");
        match key.as_str() {
            "degree" => check_choice(&field, value, DEGREES, errors),
            "title" => check_choice(&field, value, TITLES, errors),
            "honours" => check_list(&field, value, errors, |f, item, errors| {
                check_choice(f, item, HONOURS, errors);
            }),
            k if PERSON_BOOLS.contains(&k) => check_bool(&field, value, errors),
            _ => errors.push(unknown_field(&field, &known)),
        }
    }
}

fn check_months(field: &str, v: &Value, errors: &mut Vec<FieldError>) {
    let message = match v.as_i64() {
        Some(n) if n < 0 => format!("服务月数不能为负数，得到 {n}"),
        Some(n) if n > 12 => format!("一个服务年度最多 12 个月，得到 {n}"),
        Some(_) => return,
        None => format!("须为 0 到 12 的整数，得到 {}", describe(v)),
    };
    errors.push(FieldError::new(field, message));
}

/// Reads the facts of one introduction from JSON, naming every field that is wrong
/// (all of them, not only the first), then applies the engine's own checks.
pub(crate) fn facts_from_json(v: &Value) -> Result<Facts, Vec<FieldError>> {
    let Value::Object(map) = v else {
        return Err(vec![FieldError::new(
            "",
            "请求体须为 JSON 对象 {...}，字段见 /api/openapi.json",
        )]);
    };
    let mut errors = Vec::new();
    for key in map.keys() {
        if !FACT_FIELDS.contains(&key.as_str()) {
            errors.push(unknown_field(key, FACT_FIELDS));
        }
    }
    check_date("as_of", map.get("as_of"), true, &mut errors);
    check_date("start", map.get("start"), true, &mut errors);
    check_date("end", map.get("end"), false, &mut errors);
    match map.get("mode") {
        None | Some(Value::Null) => errors.push(FieldError::new(
            "mode",
            format!("必填：请选择引进方式，可选：{}", options(MODES)),
        )),
        Some(m) => check_choice("mode", m, MODES, &mut errors),
    }
    if let Some(e) = map.get("employer").filter(|e| !e.is_null()) {
        check_choice("employer", e, EMPLOYERS, &mut errors);
    }
    if let Some(p) = map.get("person") {
        check_person(p, &mut errors);
    }
    for key in FACT_BOOLS {
        if let Some(b) = map.get(*key) {
            check_bool(key, b, &mut errors);
        }
    }
    for key in ["name", "policy"] {
        if let Some(s) = map.get(key).filter(|s| !s.is_null() && !s.is_string()) {
            errors.push(FieldError::new(key, format!("须为字符串，得到 {s}")));
        }
    }
    if let Some(a) = map.get("assessments") {
        check_list("assessments", a, &mut errors, |f, item, errors| {
            check_choice(f, item, ASSESSMENTS, errors);
        });
    }
    if let Some(m) = map.get("service_months") {
        check_list("service_months", m, &mut errors, check_months);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Nulls mean "the default" for the fields that have one (as in the ADR's example).
    let cleaned: Map<String, Value> = map
        .iter()
        .filter(|(k, v)| !v.is_null() || matches!(k.as_str(), "end" | "name" | "policy"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let facts: Facts = serde_json::from_value(Value::Object(cleaned)).map_err(|e| {
        vec![FieldError::new(
            "",
            format!("无法读取事实：{e}。请对照 /api/openapi.json 修改"),
        )]
    })?;
    facts.check().map_err(|e| vec![FieldError::new(e.field, e.message)])?;
    Ok(facts)
}

/// Evaluates checked facts with the built-in policies; errors name their field.
pub(crate) fn evaluate(facts: &Facts, with_trace: bool) -> Result<Report, Vec<FieldError>> {
    policies().evaluate(facts, with_trace).map_err(|e| match e {
        SetError::Facts(f) => vec![FieldError::new(f.field, f.message)],
        SetError::UnknownPolicy(id, known) => vec![FieldError::new(
            "policy",
            format!("没有政策 「{id}」，可用：{known}；不填则按开始日期适用当时有效的政策"),
        )],
        other => vec![FieldError::new("start", format!("开始日期没有适用的政策：{other}"))],
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct EvaluateOptions {
    /// `true`: include the step-by-step `trace` (each step cites its article).
    pub trace: Option<String>,
    /// `true`: add `explanation`, the Chinese text a clerk reads aloud (`yincai policy eval --explain`).
    pub explain: Option<String>,
}

fn flag(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("true" | "1" | "yes" | "on"))
}

/// Documentation of the request body: the facts of one introduction (ADR 0002, CASES.md).
/// Required: `as_of`, `mode`, `start`; unknown fields are rejected.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "as_of": "2016-06-30", "mode": "recruit", "employer": "city_unit", "start": "2015-01-10",
    "person": {"degree": "doctor", "full_time": true, "research_results": true},
    "assessments": ["passed"]
}))]
pub struct PolicyFacts {
    /// Free text echoed in the result.
    pub name: Option<String>,
    /// Policy id (see `GET /api/policies`); absent: the policy in force on `start`.
    pub policy: Option<String>,
    /// The day of the evaluation (计算日期).
    #[schema(value_type = String, format = Date)]
    pub as_of: String,
    pub person: Option<PolicyPerson>,
    /// city_unit（市直单位）| enterprise（企业）| central_unit（中央、自治区驻阿单位）
    pub employer: Option<String>,
    /// recruit | transfer | special | local (Art. 20) | aid_extension (14(6))
    pub mode: String,
    #[schema(value_type = String, format = Date)]
    pub start: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub end: Option<String>,
    /// Dismissed for cause (Art. 27); needs `end`.
    pub ended_for_cause: Option<bool>,
    /// One per service year, in order: passed | excellent | failed.
    pub assessments: Option<Vec<String>>,
    /// Months served in each service year (special appointment, Art. 26), 0-12.
    pub service_months: Option<Vec<u8>>,
    pub project_verified: Option<bool>,
    pub project_benefit_significant: Option<bool>,
}

/// The person's qualifications (Art. 10); every field defaults to none / false.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PolicyPerson {
    /// none | bachelor | master | doctor
    pub degree: Option<String>,
    /// The degree is from full-time study (Art. 10 header).
    pub full_time: Option<bool>,
    /// none | junior | intermediate | vice_senior | senior
    pub title: Option<String>,
    pub registered_practitioner: Option<bool>,
    /// national_expert | national_leader | provincial_expert | provincial_leader
    pub honours: Option<Vec<String>>,
    pub leading_technology: Option<bool>,
    pub research_results: Option<bool>,
    pub shortage_field: Option<bool>,
    pub practical_talent: Option<bool>,
    pub aid_xinjiang: Option<bool>,
}

/// Evaluate one introduction (公开，无需登录): coverage, Art. 10 category, entitlements with
/// what is due as of `as_of` and their articles, obligations and the benefits not granted.
/// The answer is the engine's report (docs/adr/0002-policy-engine.md, section JSON), the same as
/// `yincai policy eval`; with `explain=true` it also carries `explanation` (Chinese text).
/// 422: `errors` names each wrong field (`start`, `person.degree`, `service_months[0]`).
#[utoipa::path(post, path = "/api/policy/evaluate", tag = "policy", params(EvaluateOptions),
    request_body = PolicyFacts,
    responses(
        (status = 200, description = "The report: docs/adr/0002-policy-engine.md (JSON, Output)", body = Object),
        (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn evaluate_policy(Query(opts): Query<EvaluateOptions>, ApiJson(body): ApiJson<Value>) -> ApiResult<Value> {
    let facts = facts_from_json(&body).map_err(AppError::Invalid)?;
    let report = evaluate(&facts, flag(&opts.trace)).map_err(AppError::Invalid)?;
    let mut json = serde_json::to_value(&report).map_err(|e| AppError::Internal(e.into()))?;
    if flag(&opts.explain)
        && let Value::Object(map) = &mut json
    {
        map.insert("explanation".into(), Value::String(yincai_policy::explain(&report)));
    }
    Ok(Json(json))
}

/// One loaded policy (version).
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicySummary {
    pub id: String,
    pub version: String,
    pub title: String,
    /// 文号, e.g. 阿市党办发〔2014〕90号
    pub document_number: String,
    pub issuer: String,
    #[schema(value_type = String, format = Date)]
    pub issued: Date,
    #[schema(value_type = String, format = Date)]
    pub effective: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub expires: Option<Date>,
}

/// The policies the engine has loaded (公开), oldest first.
#[utoipa::path(get, path = "/api/policies", tag = "policy",
    responses((status = 200, body = Vec<PolicySummary>)))]
pub async fn list_policies() -> Json<Vec<PolicySummary>> {
    Json(
        policies()
            .plans()
            .iter()
            .map(|p| PolicySummary {
                id: p.meta.id.clone(),
                version: p.meta.version.clone(),
                title: p.meta.title.clone(),
                document_number: p.meta.document_number.clone(),
                issuer: p.meta.issuer.clone(),
                issued: p.meta.issued,
                effective: p.meta.effective,
                expires: p.meta.expires,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert!(parse_date("2015-01-10").is_ok());
        assert!(parse_date("2016-02-29").is_ok());
        assert!(parse_date("2015-02-30").unwrap_err().contains("不存在"));
        assert!(parse_date("2015-2-3").unwrap_err().contains("格式"));
    }

    #[test]
    fn every_wrong_field_is_named() {
        let v = serde_json::json!({
            "as_of": "2016-06-30", "mode": "hire", "start": "2015-02-30",
            "person": {"degree": "phd", "colour": "red"}, "service_months": [6, -1], "extra": 1
        });
        let errors = facts_from_json(&v).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "mode",
            "start",
            "person.degree",
            "person.colour",
            "service_months[1]",
            "extra",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }
}
