//! Interpretations switch without code changes, and amendments apply by date.

use jiff::civil::date;
use yincai_policy::{Assessment, Degree, Facts, Mode, Person, PolicySet, Title, compile_policy, evaluate};

const POLICY: &str = include_str!("../../../policies/alashankou-2014.toml");
const AMENDED: &str = include_str!("data/amended.toml");

fn swap(source: &str, chosen: &str, alternative: &str) -> String {
    let from = format!("chosen = \"{chosen}\"\nreading");
    assert!(source.contains(&from), "{chosen} not found");
    let swapped = source.replace(&from, &format!("chosen = \"{alternative}\"\nreading"));
    swapped.replace(
        &format!("alternative = \"{alternative}\""),
        &format!("alternative = \"{chosen}\""),
    )
}

/// A full-time doctor with research results, recruited (every reading here is about a recruit).
fn doctor(start: jiff::civil::Date, as_of: jiff::civil::Date, assessments: Vec<Assessment>) -> Facts {
    Facts {
        name: None,
        policy: None,
        as_of,
        person: Person {
            degree: Degree::Doctor,
            full_time: true,
            research_results: true,
            ..Person::default()
        },
        employer: Default::default(),
        mode: Mode::Recruit,
        start,
        end: None,
        ended_for_cause: false,
        assessments,
        service_months: Vec::new(),
        project_verified: false,
        project_benefit_significant: false,
    }
}

fn due(report: &yincai_policy::Report, code: &str) -> serde_json::Value {
    serde_json::to_value(&report.entitlements[code]).unwrap()["due"].clone()
}

#[test]
fn assessment_gate_can_be_switched_off() {
    let facts = doctor(date(2015, 1, 1), date(2017, 1, 1), vec![]);
    let gated = compile_policy("p", POLICY).unwrap();
    assert_eq!(due(&evaluate(&gated, &facts, false), "living_subsidy"), 0);
    let open = compile_policy("p", &swap(POLICY, "gate", "no_gate")).unwrap();
    let r = evaluate(&open, &facts, false);
    assert_eq!(due(&r, "living_subsidy"), 48000);
    assert_eq!(due(&r, "settlement_allowance"), 100000);
}

#[test]
fn degrees_can_count_without_full_time() {
    let mut facts = doctor(date(2015, 1, 1), date(2016, 1, 1), vec![Assessment::Passed]);
    facts.person.full_time = false;
    let strict = compile_policy("p", POLICY).unwrap();
    assert!(!evaluate(&strict, &facts, false).covered);
    let lenient = compile_policy("p", &swap(POLICY, "full_time_only", "any_degree")).unwrap();
    let r = evaluate(&lenient, &facts, false);
    assert_eq!(r.category, Some(4));
    assert_eq!(due(&r, "living_subsidy"), 24000);
}

#[test]
fn settlement_timing_can_require_year_one() {
    let facts = doctor(
        date(2015, 1, 1),
        date(2017, 1, 2),
        vec![Assessment::Failed, Assessment::Passed],
    );
    let first_pass = compile_policy("p", POLICY).unwrap();
    assert_eq!(
        due(&evaluate(&first_pass, &facts, false), "settlement_allowance"),
        100000
    );
    let year_one = compile_policy("p", &swap(POLICY, "first_passed_assessment", "year_one_assessment")).unwrap();
    assert_eq!(due(&evaluate(&year_one, &facts, false), "settlement_allowance"), 0);
}

#[test]
fn cancellation_can_keep_what_was_due() {
    let mut facts = doctor(
        date(2015, 1, 1),
        date(2017, 6, 1),
        vec![Assessment::Passed, Assessment::Passed],
    );
    facts.end = Some(date(2017, 3, 1));
    facts.ended_for_cause = true;
    let all = evaluate(&compile_policy("p", POLICY).unwrap(), &facts, false);
    assert_eq!(all.cancelled_by.as_deref(), Some("27"));
    assert!(all.entitlements.is_empty());
    let keep = evaluate(
        &compile_policy("p", &swap(POLICY, "cancel_all", "keep_due_before_end")).unwrap(),
        &facts,
        false,
    );
    assert_eq!(keep.cancelled_by.as_deref(), Some("27"));
    assert_eq!(due(&keep, "living_subsidy"), 48000);
}

#[test]
fn the_version_in_force_on_the_start_date_applies() {
    let set = PolicySet::from_sources([("alashankou-2014.toml", POLICY), ("amended.toml", AMENDED)]).unwrap();
    let master = |start| {
        let mut f = doctor(start, date(2030, 1, 1), vec![Assessment::Passed]);
        f.person.degree = Degree::Master;
        f.person.title = Title::None;
        f.policy = Some("alashankou-2014".to_owned());
        f
    };
    let monthly = |f: &Facts| {
        let r = set.evaluate(f, false).unwrap();
        (
            r.policy.version.clone(),
            serde_json::to_value(&r.entitlements["living_subsidy"]).unwrap()["monthly"].clone(),
        )
    };
    assert_eq!(monthly(&master(date(2016, 5, 1))), ("2014.1".to_owned(), 1000.into()));
    assert_eq!(monthly(&master(date(2018, 5, 1))), ("2018.1".to_owned(), 1200.into()));
    assert_eq!(monthly(&master(date(2019, 5, 1))), ("2018.1".to_owned(), 1500.into()));
    // Without an id, the policy in force on the start date.
    let mut anonymous = master(date(2019, 5, 1));
    anonymous.policy = None;
    assert_eq!(monthly(&anonymous).1, serde_json::Value::from(1500));
    // The amendment changed nothing for the doctor: 2000 before and after.
    let d = doctor(date(2019, 5, 1), date(2020, 5, 1), vec![Assessment::Passed]);
    assert_eq!(due(&set.evaluate(&d, false).unwrap(), "living_subsidy"), 24000);
}

#[test]
fn unknown_policy_id_is_an_error() {
    let mut f = doctor(date(2016, 5, 1), date(2017, 1, 1), vec![]);
    f.policy = Some("nowhere-2020".to_owned());
    let e = PolicySet::builtin().evaluate(&f, false).unwrap_err().to_string();
    assert!(e.contains("nowhere-2020") && e.contains("alashankou-2014"), "{e}");
}

#[test]
fn report_has_trace_schedule_obligations_and_why_not() {
    let facts = doctor(date(2015, 1, 10), date(2016, 6, 30), vec![Assessment::Passed]);
    let r = PolicySet::builtin().evaluate(&facts, true).unwrap();
    assert!(r.trace.iter().any(|s| s.article.as_deref() == Some("10(4)")));
    let living = serde_json::to_value(&r.entitlements["living_subsidy"]).unwrap();
    assert_eq!(living["schedule"][0]["status"], "due");
    assert_eq!(living["schedule"][0]["due_on"], "2016-01-10");
    assert_eq!(living["schedule"][1]["status"], "future");
    assert_eq!(r.obligations[0].next_checkpoint, Some(date(2020, 1, 10)));
    assert!(
        r.not_granted
            .iter()
            .any(|n| n.code == "special_service_subsidy" && n.unmet_en.contains("mode"))
    );
    let text = yincai_policy::explain(&r);
    assert!(text.contains("第十三条第㈡项") && text.contains("24000"), "{text}");
    // JSON round trip: the web layer serves exactly this.
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<yincai_policy::Report>(&json).unwrap(), r);
}

/// Art. 14(2): the housing gift waits for 项目效益显著 as well as the years; the report names
/// what it waits for (so the application can say it), and says nothing once the finding holds.
#[test]
fn a_14_2_gift_names_the_finding_it_waits_for() {
    let plan = compile_policy("p", POLICY).unwrap();
    let mut facts = doctor(date(2015, 1, 1), date(2021, 1, 1), vec![]);
    facts.person = Person {
        leading_technology: true,
        ..Person::default()
    };
    facts.mode = Mode::Special;
    let housing = |r: &yincai_policy::Report| serde_json::to_value(&r.entitlements["housing"]).unwrap();
    let waiting = housing(&evaluate(&plan, &facts, false));
    assert_eq!(waiting["article"], "14(2)");
    assert_eq!(waiting["gifted"], false);
    assert_eq!(waiting["gift_date"], "2020-01-01");
    assert_eq!(waiting["gift_waits_for"], "项目连续实施且效益显著");
    facts.project_benefit_significant = true;
    let found = housing(&evaluate(&plan, &facts, false));
    assert_eq!(found["gifted"], true);
    assert!(found.get("gift_waits_for").is_none(), "{found}");
}
