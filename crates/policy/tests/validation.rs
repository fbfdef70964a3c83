//! Load-time validation of policy files: each error names the file, the line and the fix.

use yincai_policy::compile_policy;

const POLICY: &str = include_str!("../../../policies/alashankou-2014.toml");

fn errors(source: &str) -> Vec<String> {
    match compile_policy("alashankou-2014.toml", source) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

/// Asserts that one of the errors mentions every one of `words`.
fn assert_mentions(errors: &[String], words: &[&str]) {
    assert!(
        errors.iter().any(|e| words.iter().all(|w| e.contains(w))),
        "{words:?} in {errors:?}"
    );
}

fn line_of(source: &str, needle: &str) -> usize {
    source[..source.find(needle).unwrap()].lines().count() + 1
}

#[test]
fn the_shipped_policy_is_valid() {
    assert_eq!(errors(POLICY), Vec::<String>::new());
}

#[test]
fn unknown_key_names_its_line() {
    let source = POLICY.replace("max_months = 60", "max_month = 60");
    let e = errors(&source);
    assert_eq!(e.len(), 1, "{e:?}");
    let line = line_of(&source, "max_month = 60");
    assert!(e[0].starts_with(&format!("alashankou-2014.toml:{line}:")), "{e:?}");
    assert!(e[0].contains("max_month"), "{e:?}");
}

#[test]
fn rule_without_citation_suggests_the_article_above() {
    let source = POLICY.replacen(
        "kind = \"monthly\"\nname = \"生活补贴\"\narticle = \"13(2)\"",
        "kind = \"monthly\"\nname = \"生活补贴\"",
        1,
    );
    let e = errors(&source);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("规则 living_subsidy 缺少条款引用 (has no citation)"),
        "{e:?}"
    );
    assert!(e[0].ends_with("add article = \"13(2)\""), "{e:?}");
    let line = line_of(&source, "id = \"living_subsidy\"") - 1;
    assert!(e[0].starts_with(&format!("alashankou-2014.toml:{line}:")), "{e:?}");
}

#[test]
fn citation_of_a_missing_article() {
    let e = errors(&POLICY.replace("article = \"14(7)\"\nwhen", "article = \"14(9)\"\nwhen"));
    assert_mentions(&e, &["14(9)", "not in the file"]);
}

#[test]
fn overlapping_and_missing_tiers() {
    let e = errors(&POLICY.replace("level = 3", "level = 2"));
    assert_mentions(&e, &["overlapping tiers"]);
    let e = errors(&POLICY.replace("level = 2", "level = 4"));
    assert_mentions(&e, &["missing tier 2"]);
    let e = errors(&POLICY.replace(
        "when = \"tier == 3 and mode in [recruit, transfer, local]\"\narea_m2 = 80",
        "when = \"tier == 5\"\narea_m2 = 80",
    ));
    assert_mentions(&e, &["housing_14_5", "missing tier"]);
}

#[test]
fn overlapping_brackets() {
    let e = errors(&POLICY.replace(
        "degree == bachelor or (degree == none and practical_talent)",
        "degree == bachelor or practical_talent",
    ));
    assert_mentions(&e, &["overlapping brackets"]);
}

#[test]
fn interpretation_no_rule_uses() {
    let e = errors(&POLICY.replace(
        "interpretations = [\"aid-extension\", \"service-years\", \"assessment-gate\"]",
        "interpretations = [\"service-years\"]",
    ));
    assert_mentions(&e, &["aid-extension", "no rule uses"]);
}

#[test]
fn dates_out_of_order() {
    let e = errors(&POLICY.replace(
        "[{ from = 2014-11-05, value = 2000 }]",
        "[{ from = 2016-01-01, value = 2500 }, { from = 2014-11-05, value = 2000 }]",
    ));
    assert_mentions(&e, &["dates out of order"]);
    let e = errors(&POLICY.replace("issued = 2014-11-05", "issued = 2015-01-01"));
    assert_mentions(&e, &["dates out of order"]);
}

#[test]
fn bad_condition_and_switch_option() {
    let e = errors(&POLICY.replace(
        "when = \"practical_talent\"",
        "when = \"practical_talent and degree >= phd\"",
    ));
    assert_mentions(&e, &["phd", "doctor"]);
    let e = errors(&POLICY.replace("chosen = \"gate\"", "chosen = \"sometimes\""));
    assert_mentions(&e, &["sometimes"]);
    let e = errors(&POLICY.replace(
        "when = \"national_expert or national_leader\"",
        "when = \"category(2)\"",
    ));
    assert_mentions(&e, &["decided later"]);
}
