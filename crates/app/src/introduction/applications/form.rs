//! The submitted form (登记表) as the review reads it: its fields with what a 补正 changed, and
//! the Art. 10 category the policy engine computes from it and the findings.

use super::*;

/// One field of the submitted form, with its value at the previous submission when a
/// 补正 changed it.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    /// The value before the last 补正, when it differs.
    pub old: Option<String>,
}

/// An Art. 10 category met, with its reason.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryReason {
    pub number: u8,
    pub article: String,
    /// 第十条第（二）项
    pub article_zh: String,
    pub reason: String,
}

/// An Art. 10 category as the measures cite it: 第十条第（二）项.
pub fn category_zh(number: i64) -> String {
    format!(
        "第十条第（{}）项",
        yincai_domain::dates::number_zh(u32::try_from(number).unwrap_or(0))
    )
}

/// What the policy engine says of the submitted form.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CategoryEvaluation {
    /// The lowest-numbered Art. 10 category met.
    pub category: Option<u8>,
    /// 第十条第（二）项, or empty.
    pub category_zh: String,
    pub categories: Vec<CategoryReason>,
    pub covered: bool,
    /// Why the policy does not cover the introduction, with its article.
    pub excluded_by: Option<String>,
    /// The policy applied.
    pub policy: String,
    /// What the facts were taken from (the form states only some of Art. 10; the review's
    /// findings the rest).
    pub basis: String,
    /// The labels of the review's findings taken into account (checked ones).
    pub findings: Vec<String>,
    /// Set when the engine could not evaluate.
    pub error: Option<String>,
}

/// The part of the snapshot the category is computed from.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Snapshot {
    name: String,
    education: Vec<Education>,
    title: String,
    honours: Vec<String>,
}

/// The fields of the form in the order of the 登记表 (key in the snapshot, label).
const FORM_FIELDS: [(&str, &str); 13] = [
    ("name", "姓名"),
    ("id_type_name", "证件类型"),
    ("id_number_masked", "证件号码"),
    ("phone_masked", "手机号码"),
    ("email", "电子邮箱"),
    ("gender_name", "性别"),
    ("birth_year", "出生年份"),
    ("education", "学历"),
    ("highest_degree_name", "最高学位"),
    ("title_name", "专业技术职称"),
    ("qualifications", "职业资格"),
    ("honour_names", "荣誉称号"),
    ("projects", "项目与科研成果"),
];

fn field_text(form: &Value, key: &str) -> String {
    let v = &form[key];
    if key == "education" {
        let rows: Vec<Education> = serde_json::from_value(v.clone()).unwrap_or_default();
        return rows
            .iter()
            .map(|e| {
                let mut parts = vec![name_of(DEGREES, &e.degree), e.institution.clone()];
                if !e.major.is_empty() {
                    parts.push(e.major.clone());
                }
                parts.push(if e.full_time { "全日制" } else { "非全日制" }.into());
                if !e.school_tier.is_empty() && e.school_tier != "none" {
                    parts.push(name_of(&SCHOOL_TIERS, &e.school_tier));
                }
                if !e.graduation_year.is_empty() {
                    parts.push(format!("{} 年毕业", e.graduation_year));
                }
                parts.join("，")
            })
            .collect::<Vec<_>>()
            .join("；");
    }
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join("、"),
        other => other.to_string(),
    }
}

/// The form's fields, each with its previous value where a 补正 changed it.
pub fn form_fields(form: &Value, previous: Option<&Value>) -> Vec<FormField> {
    FORM_FIELDS
        .iter()
        .map(|(key, label)| {
            let value = field_text(form, key);
            let old = previous.map(|p| field_text(p, key)).filter(|old| *old != value);
            FormField { key, label, value, old }
        })
        .collect()
}

/// Evaluates the Art. 10 category of a submitted form for a position. The form states the
/// degree (full-time or not), the title and the honours; the engine's other facts of
/// Art. 10(3)-(6) (research results, shortage field, practical talent, leading technology)
/// are the review's findings (checked ones true, the rest false).
pub fn evaluate_form(
    form: &Value,
    findings: &Findings,
    mode: &str,
    org_kind: &str,
    today: jiff::civil::Date,
) -> CategoryEvaluation {
    use yincai_policy::{Degree, Employer, Facts, Honour, Mode, Person, Title};
    let snap: Snapshot = serde_json::from_value(form.clone()).unwrap_or_default();
    let parse_degree = |d: &str| serde_json::from_value::<Degree>(Value::String(d.into())).unwrap_or_default();
    // The highest full-time degree if there is one (a degree counts only when full-time,
    // Art. 10); otherwise the highest degree, not full-time.
    let full_time = snap
        .education
        .iter()
        .filter(|e| e.full_time)
        .map(|e| parse_degree(&e.degree))
        .max();
    let (degree, is_full_time) = match full_time {
        Some(d) if d > Degree::None => (d, true),
        _ => (
            snap.education
                .iter()
                .map(|e| parse_degree(&e.degree))
                .max()
                .unwrap_or_default(),
            false,
        ),
    };
    let title = serde_json::from_value::<Title>(Value::String(snap.title.clone())).unwrap_or_default();
    let honours: Vec<Honour> = snap
        .honours
        .iter()
        .filter_map(|h| serde_json::from_value(Value::String(h.clone())).ok())
        .collect();
    let mode_fact = serde_json::from_value::<Mode>(Value::String(mode.into())).unwrap_or_default();
    let employer = serde_json::from_value::<Employer>(Value::String(org_kind.into())).unwrap_or_default();
    let mut person = Person {
        degree,
        full_time: is_full_time,
        title,
        honours,
        ..Default::default()
    };
    apply_findings(&mut person, findings);
    let found: Vec<String> = finding_rows(findings)
        .into_iter()
        .filter(|f| f.checked)
        .map(|f| f.label.to_string())
        .collect();
    let facts = Facts {
        name: Some(snap.name.clone()).filter(|n| !n.is_empty()),
        policy: None,
        as_of: today,
        person,
        employer,
        mode: mode_fact,
        start: today,
        end: None,
        ended_for_cause: false,
        assessments: vec![],
        service_months: vec![],
        project_verified: false,
        project_benefit_significant: false,
    };
    let basis = if found.is_empty() {
        "依据登记表所填学位（是否全日制）、专业技术职称、荣誉称号计算；取得科研成果、紧缺专业、实用型人才、掌握领先技术等情形登记表未载明，须由审查人员结合材料在“审查认定”中认定（尚未认定任何一项）"
            .to_string()
    } else {
        format!(
            "依据登记表所填学位（是否全日制）、专业技术职称、荣誉称号，以及资格审查认定的{}计算",
            found.join("、")
        )
    };
    match crate::policies().evaluate(&facts, false) {
        Ok(report) => CategoryEvaluation {
            category: report.category,
            category_zh: report.category.map(|c| category_zh(c.into())).unwrap_or_default(),
            categories: report
                .categories
                .into_iter()
                .map(|c| CategoryReason {
                    article_zh: category_zh(c.number.into()),
                    number: c.number,
                    article: c.article,
                    reason: c.reason,
                })
                .collect(),
            covered: report.covered,
            excluded_by: report.excluded_by.map(|x| format!("第{}条：{}", x.article, x.reason)),
            policy: format!("{}（{}）", report.policy.title, report.policy.document_number),
            basis,
            findings: found,
            error: None,
        },
        Err(e) => CategoryEvaluation {
            basis,
            findings: found,
            error: Some(format!("政策计算未能完成：{e}")),
            ..Default::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_changed_by_a_correction_show_old_and_new() {
        let old = serde_json::json!({"name": "张三", "title_name": "中级", "honour_names": []});
        let new =
            serde_json::json!({"name": "张三", "title_name": "副高级", "honour_names": ["省部级有突出贡献的专家"]});
        let fields = form_fields(&new, Some(&old));
        let changed: Vec<(&str, Option<&str>, &str)> = fields
            .iter()
            .filter(|f| f.old.is_some())
            .map(|f| (f.key, f.old.as_deref(), f.value.as_str()))
            .collect();
        assert_eq!(
            changed,
            vec![
                ("title_name", Some("中级"), "副高级"),
                ("honour_names", Some(""), "省部级有突出贡献的专家"),
            ]
        );
        assert!(form_fields(&new, None).iter().all(|f| f.old.is_none()));
    }

    #[test]
    fn the_category_comes_from_what_the_form_states() {
        let form = serde_json::json!({
            "name": "张三",
            "education": [{"degree": "doctor", "institution": "新疆大学", "full_time": true}],
            "title": "vice_senior",
            "honours": ["provincial_expert"],
        });
        let today = jiff::civil::date(2026, 11, 24);
        let e = evaluate_form(&form, &Findings::new(), "recruit", "city_unit", today);
        assert_eq!(e.error, None);
        assert_eq!(e.category, Some(2), "{e:?}");
        assert!(e.categories.iter().any(|c| c.article == "10(2)"));
        let plain = serde_json::json!({"education": [{"degree": "master", "institution": "x", "full_time": true}]});
        assert_eq!(
            evaluate_form(&plain, &Findings::new(), "recruit", "city_unit", today).category,
            None
        );
    }

    #[test]
    fn the_reviews_findings_reach_categories_3_to_6() {
        let today = jiff::civil::date(2026, 11, 24);
        let finding = |code: &str| -> Findings {
            [(
                code.to_string(),
                Finding {
                    checked: true,
                    basis: "材料".into(),
                },
            )]
            .into()
        };
        let category =
            |form: &Value, findings: &Findings| evaluate_form(form, findings, "recruit", "city_unit", today).category;
        let master = serde_json::json!({"education": [{"degree": "master", "institution": "x", "full_time": true}]});
        let e = evaluate_form(&master, &finding("research_results"), "recruit", "city_unit", today);
        assert_eq!(e.category, Some(4), "{e:?}");
        assert_eq!(e.findings, ["取得科研成果"]);
        assert!(e.basis.contains("资格审查认定的取得科研成果"), "{}", e.basis);
        let bachelor =
            serde_json::json!({"education": [{"degree": "bachelor", "institution": "x", "full_time": true}]});
        assert_eq!(category(&bachelor, &finding("shortage_field")), Some(5));
        // Research results need a master's degree or a vice-senior title: a bachelor has neither.
        assert_eq!(category(&bachelor, &finding("research_results")), None);
        assert_eq!(category(&Value::Null, &finding("practical_talent")), Some(6));
        assert_eq!(category(&Value::Null, &finding("leading_technology")), Some(3));
        // An unchecked finding counts for nothing.
        let mut unchecked = finding("shortage_field");
        unchecked.get_mut("shortage_field").unwrap().checked = false;
        assert_eq!(category(&bachelor, &unchecked), None);
        assert_eq!(recorded_findings("{}"), None, "no findings recorded");
        assert_eq!(recorded_findings("not json"), None);
        assert_eq!(
            recorded_findings(r#"{"shortage_field":{"checked":true,"basis":"b"}}"#).map(|f| f.len()),
            Some(1)
        );
    }
}
