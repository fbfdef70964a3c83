//! Case files in the format of CASES.md (a user-facing contract): parsing with errors that
//! name the case and the field, checking `expect`, and a readable diff.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer};
use serde_yaml_ng::{Mapping, Value};

use crate::facts::Facts;
use crate::report::Report;
use crate::set::PolicySet;

/// One case: the facts and what the report must say.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub facts: Facts,
    pub expect: Option<Expect>,
}

/// The checked keys of `expect`; only the keys written are checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub covered: Option<bool>,
    /// `Some(None)` is a written `category: null`.
    #[serde(default, deserialize_with = "written")]
    pub category: Option<Option<u8>>,
    #[serde(default)]
    pub cancelled_by: Option<String>,
    /// Code → the fields written for it.
    #[serde(default)]
    pub entitlements: Option<BTreeMap<String, BTreeMap<String, Value>>>,
    /// Extension: the non-monetary benefit codes granted (compared as a set).
    #[serde(default)]
    pub benefits: Option<Vec<String>>,
    /// Extension: obligation code → fields of its status (`status`, `next_checkpoint`, ...).
    #[serde(default)]
    pub obligations: Option<BTreeMap<String, BTreeMap<String, Value>>>,
}

fn written<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u8>>, D::Error> {
    Option::<u8>::deserialize(d).map(Some)
}

/// Fields an expected entitlement may name (the report's own field names).
const ENTITLEMENT_FIELDS: &[&str] = &[
    "monthly",
    "max_months",
    "months",
    "due",
    "per_year",
    "cap",
    "years",
    "years_counted",
    "amount",
    "area_m2",
    "gift_after_years",
    "gifted",
    "gift_date",
    "min",
    "max",
    "discretionary",
    "article",
    "route",
    "rule",
    "name",
];

/// A case that could not be read: which case, which field, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    /// The case's name, or its position when it has none.
    pub case: String,
    pub message: String,
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "case `{}`: {}", self.case, self.message)
    }
}

/// A parsed case file: the default policy id and each case (or why it could not be read).
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub policy: Option<String>,
    pub cases: Vec<Result<Case, CaseError>>,
}

/// Parses a case file. A broken case does not stop the others.
pub fn parse_case_file(text: &str) -> Result<CaseFile, String> {
    let root: Value = serde_yaml_ng::from_str(text).map_err(|e| format!("YAML 无法解析 (not valid YAML): {e}"))?;
    let Value::Mapping(mut root) = root else {
        return Err("文件须为映射，含 policy 和 cases (the file must be a mapping with policy and cases)".to_owned());
    };
    let policy = match root.remove("policy") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => return Err(format!("policy: 须为字符串 (must be a string), got {}", short(&other))),
    };
    let cases = match root.remove("cases") {
        Some(Value::Sequence(cases)) => cases,
        _ => return Err("缺少 cases 列表 (missing the cases list)".to_owned()),
    };
    if let Some((key, _)) = root.into_iter().next() {
        return Err(format!(
            "未知字段 `{}` (unknown top-level field): only policy and cases",
            short(&key)
        ));
    }
    let cases = cases
        .into_iter()
        .enumerate()
        .map(|(i, v)| parse_case(i, v, true))
        .collect();
    Ok(CaseFile { policy, cases })
}

/// Parses one case (`with_expect`: a case file entry; otherwise input to `eval`).
pub fn parse_case(index: usize, value: Value, with_expect: bool) -> Result<Case, CaseError> {
    let fallback = format!("#{}", index + 1);
    let Value::Mapping(mut map) = value else {
        return Err(CaseError {
            case: fallback,
            message: "须为映射 (a case must be a mapping)".to_owned(),
        });
    };
    let name = match map.get("name") {
        Some(Value::String(s)) => s.clone(),
        _ => fallback,
    };
    let fail = |message: String| CaseError {
        case: name.clone(),
        message,
    };
    let expect = match map.remove("expect") {
        None => None,
        Some(_) if !with_expect => {
            return Err(fail(
                "未知字段 `expect` (expect belongs in case files: use yincai policy test)".to_owned(),
            ));
        }
        Some(v) => Some(parse_expect(v).map_err(|m| fail(format!("expect.{m}")))?),
    };
    let facts = facts_from_mapping(map).map_err(fail)?;
    facts.check().map_err(|e| fail(e.to_string()))?;
    Ok(Case { name, facts, expect })
}

/// Deserializes facts, naming the field that is wrong.
pub fn facts_from_mapping(map: Mapping) -> Result<Facts, String> {
    match serde_yaml_ng::from_value::<Facts>(Value::Mapping(map.clone())) {
        Ok(facts) => Ok(facts),
        Err(e) => Err(locate(&map, e.to_string())),
    }
}

/// serde names unknown and missing fields itself; for a bad value it does not say which
/// field held it, so find the field whose value fails on its own.
fn locate(map: &Mapping, message: String) -> String {
    if message.contains("unknown field") || message.contains("missing field") {
        return format!("{message} (字段错误: 删除、更正或补上该字段)");
    }
    for (key, value) in map {
        let Value::String(key) = key else { continue };
        let mut probe = Mapping::new();
        probe.insert("as_of".into(), "2015-01-01".into());
        probe.insert("mode".into(), "recruit".into());
        probe.insert("start".into(), "2015-01-01".into());
        probe.insert(Value::String(key.clone()), value.clone());
        if let Err(e) = serde_yaml_ng::from_value::<Facts>(Value::Mapping(probe)) {
            let detail = e.to_string();
            if key == "person"
                && let Value::Mapping(person) = value
            {
                for (pk, pv) in person {
                    let mut one = Mapping::new();
                    one.insert(pk.clone(), pv.clone());
                    if let Err(e) = serde_yaml_ng::from_value::<crate::facts::Person>(Value::Mapping(one)) {
                        return format!("person.{}: {e} (取值错误: 更正该字段)", short(pk));
                    }
                }
            }
            return format!("{key}: {detail} (取值错误: 更正该字段)");
        }
    }
    message
}

fn parse_expect(value: Value) -> Result<Expect, String> {
    let expect: Expect = serde_yaml_ng::from_value(value).map_err(|e| format!(" {e}"))?;
    for (code, fields) in expect.entitlements.iter().flatten() {
        for key in fields.keys() {
            if !ENTITLEMENT_FIELDS.contains(&key.as_str()) {
                return Err(format!(
                    "entitlements.{code}.{key}: 未知字段 (unknown field): use one of {}",
                    ENTITLEMENT_FIELDS.join(", ")
                ));
            }
        }
    }
    Ok(expect)
}

fn short(v: &Value) -> String {
    serde_yaml_ng::to_string(v).unwrap_or_default().trim().to_owned()
}

/// One difference between expectation and result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub path: String,
    pub expected: String,
    pub got: String,
}

/// Compares a report with an expectation (only the keys written).
pub fn compare(expect: &Expect, report: &Report) -> Vec<Diff> {
    let mut diffs = Vec::new();
    let mut check = |path: &str, expected: serde_json::Value, got: serde_json::Value| {
        if expected != got {
            diffs.push(Diff {
                path: path.to_owned(),
                expected: expected.to_string(),
                got: got.to_string(),
            });
        }
    };
    fn json<T: serde::Serialize + ?Sized>(v: &T) -> serde_json::Value {
        serde_json::to_value(v).unwrap_or_default()
    }
    if let Some(covered) = expect.covered {
        check("covered", json(&covered), json(&report.covered));
    }
    if let Some(category) = expect.category {
        check("category", json(&category), json(&report.category));
    }
    if let Some(cancelled) = &expect.cancelled_by {
        check("cancelled_by", json(cancelled), json(&report.cancelled_by));
    }
    if let Some(expected) = &expect.entitlements {
        for (code, fields) in expected {
            let Some(got) = report.entitlements.get(code) else {
                check(
                    &format!("entitlements.{code}"),
                    json(fields),
                    serde_json::Value::String("(absent)".to_owned()),
                );
                continue;
            };
            let got = serde_json::to_value(got).unwrap_or_default();
            for (key, value) in fields {
                let expected = serde_json::to_value(value).unwrap_or_default();
                let got = got
                    .get(key)
                    .cloned()
                    .unwrap_or(serde_json::Value::String("(absent)".to_owned()));
                check(&format!("entitlements.{code}.{key}"), expected, got);
            }
        }
        for (code, got) in &report.entitlements {
            if expected.contains_key(code) {
                continue;
            }
            let got = serde_json::to_value(got).unwrap_or_default();
            check(
                &format!("entitlements.{code}"),
                serde_json::Value::String("(absent)".to_owned()),
                compact(got),
            );
        }
    }
    if let Some(expected) = &expect.benefits {
        let mut expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        let mut got: Vec<&str> = report.benefits.iter().map(|b| b.code.as_str()).collect();
        expected.sort_unstable();
        expected.dedup();
        got.sort_unstable();
        got.dedup();
        check("benefits", json(&expected), json(&got));
    }
    if let Some(expected) = &expect.obligations {
        for (code, fields) in expected {
            let got = report.obligations.iter().find(|o| o.code == *code).map(json);
            let Some(got) = got else {
                check(
                    &format!("obligations.{code}"),
                    json(fields),
                    serde_json::Value::String("(absent)".to_owned()),
                );
                continue;
            };
            for (key, value) in fields {
                let got = got
                    .get(key)
                    .cloned()
                    .unwrap_or(serde_json::Value::String("(absent)".to_owned()));
                check(&format!("obligations.{code}.{key}"), json(value), got);
            }
        }
        for o in &report.obligations {
            if !expected.contains_key(&o.code) {
                check(
                    &format!("obligations.{}", o.code),
                    serde_json::Value::String("(absent)".to_owned()),
                    json(o),
                );
            }
        }
    }
    diffs
}

/// Drops the schedule so a diff line stays readable.
fn compact(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(map) = v.as_object_mut() {
        map.remove("schedule");
    }
    v
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub name: String,
    /// Empty when the case passed.
    pub diffs: Vec<Diff>,
    /// Set when the case could not be read or evaluated.
    pub error: Option<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.diffs.is_empty() && self.error.is_none()
    }
}

/// Runs every case of a parsed file against the policies.
pub fn run_cases(set: &PolicySet, file: &CaseFile) -> Vec<CaseResult> {
    file.cases
        .iter()
        .map(|case| match case {
            Err(e) => CaseResult {
                name: e.case.clone(),
                diffs: Vec::new(),
                error: Some(e.message.clone()),
            },
            Ok(case) => match set.select(&case.facts, file.policy.as_deref()) {
                Err(e) => CaseResult {
                    name: case.name.clone(),
                    diffs: Vec::new(),
                    error: Some(e.to_string()),
                },
                Ok(plan) => {
                    let report = crate::report::evaluate(plan, &case.facts, false);
                    let diffs = case.expect.as_ref().map(|x| compare(x, &report)).unwrap_or_default();
                    CaseResult {
                        name: case.name.clone(),
                        diffs,
                        error: None,
                    }
                }
            },
        })
        .collect()
}
