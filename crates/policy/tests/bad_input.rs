//! Bad case input: each error names the case and the field.

use yincai_policy::cases::parse_case_file;

fn first_error(case_body: &str) -> String {
    let text = format!("policy: alashankou-2014\ncases:\n  - name: 坏案例\n{case_body}");
    let file = parse_case_file(&text).unwrap();
    let err = file.cases.into_iter().next().unwrap().unwrap_err();
    assert_eq!(err.case, "坏案例");
    err.to_string()
}

const BASE: &str = "    as_of: 2016-06-30\n    person: {degree: doctor, full_time: true}\n    employer: city_unit\n    mode: recruit\n";

#[test]
fn unknown_field_is_named() {
    let e = first_error(&format!("{BASE}    start: 2015-01-10\n    salary: 3\n"));
    assert!(e.contains("salary") && e.contains("unknown field"), "{e}");
    let e = first_error(&format!(
        "{BASE}    start: 2015-01-10\n    expect: {{covered: true, colour: red}}\n"
    ));
    assert!(e.contains("colour"), "{e}");
    let e = first_error(&format!(
        "{BASE}    start: 2015-01-10\n    expect: {{entitlements: {{housing: {{size: 3}}}}}}\n"
    ));
    assert!(e.contains("entitlements.housing.size"), "{e}");
    let e = first_error(
        "    as_of: 2016-06-30\n    person: {degree: doctor, hobby: chess}\n    mode: recruit\n    start: 2015-01-10\n",
    );
    assert!(e.contains("hobby"), "{e}");
}

#[test]
fn impossible_date_is_named() {
    let e = first_error(&format!("{BASE}    start: 2015-02-30\n"));
    assert!(e.starts_with("case `坏案例`: start:"), "{e}");
}

#[test]
fn bad_enum_value_is_named() {
    let e = first_error("    as_of: 2016-06-30\n    person: {degree: phd}\n    mode: recruit\n    start: 2015-01-10\n");
    assert!(e.contains("person.degree"), "{e}");
}

#[test]
fn too_many_assessments_is_named() {
    let e = first_error(&format!(
        "{BASE}    start: 2015-01-10\n    assessments: [passed, passed, passed]\n"
    ));
    assert!(e.contains("assessments") && e.contains("2016-06-30"), "{e}");
}

#[test]
fn negative_months_are_named() {
    let e = first_error(&format!("{BASE}    start: 2015-01-10\n    service_months: [6, -1]\n"));
    assert!(e.contains("service_months"), "{e}");
    let e = first_error(&format!("{BASE}    start: 2015-01-10\n    service_months: [13]\n"));
    assert!(e.contains("service_months[0]"), "{e}");
}

#[test]
fn a_bad_case_does_not_stop_the_others() {
    let text = format!(
        "policy: alashankou-2014\ncases:\n  - name: bad\n{BASE}    start: 2015-02-30\n  - name: good\n{BASE}    start: 2015-01-10\n"
    );
    let file = parse_case_file(&text).unwrap();
    assert!(file.cases[0].is_err());
    assert!(file.cases[1].is_ok());
}
