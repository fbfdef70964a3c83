//! Properties over arbitrary facts and arbitrary policy text.

use jiff::civil::Date;
use proptest::prelude::*;
use yincai_policy::{
    Assessment, Degree, Employer, Facts, Honour, Mode, Person, PolicySet, Title, compile_policy, evaluate,
};

const POLICY: &str = include_str!("../../../policies/alashankou-2014.toml");
static SET: std::sync::LazyLock<PolicySet> = std::sync::LazyLock::new(PolicySet::builtin);

fn date_in(lo: i32, hi: i32) -> impl Strategy<Value = Date> {
    (lo..=hi).prop_map(|days| {
        Date::constant(2014, 1, 1)
            .checked_add(jiff::Span::new().days(days))
            .unwrap()
    })
}

fn facts() -> impl Strategy<Value = Facts> {
    let person = (
        prop::sample::select(vec![Degree::None, Degree::Bachelor, Degree::Master, Degree::Doctor]),
        prop::sample::select(vec![
            Title::None,
            Title::Junior,
            Title::Intermediate,
            Title::ViceSenior,
            Title::Senior,
        ]),
        prop::collection::vec(
            prop::sample::select(vec![
                Honour::NationalExpert,
                Honour::NationalLeader,
                Honour::ProvincialExpert,
                Honour::ProvincialLeader,
            ]),
            0..3,
        ),
        prop::array::uniform8(any::<bool>()),
    )
        .prop_map(|(degree, title, honours, f)| Person {
            degree,
            full_time: f[0],
            title,
            registered_practitioner: f[1],
            honours,
            leading_technology: f[2],
            research_results: f[3],
            shortage_field: f[4],
            practical_talent: f[5],
            aid_xinjiang: f[6],
        });
    (
        person,
        prop::sample::select(vec![Employer::CityUnit, Employer::Enterprise, Employer::CentralUnit]),
        prop::sample::select(vec![
            Mode::Recruit,
            Mode::Transfer,
            Mode::Special,
            Mode::Local,
            Mode::AidExtension,
        ]),
        date_in(0, 4000),
        prop::option::of(0i32..5000),
        prop::collection::vec(
            prop::sample::select(vec![Assessment::Passed, Assessment::Excellent, Assessment::Failed]),
            0..14,
        ),
        prop::collection::vec(0u8..=12, 0..14),
        prop::array::uniform3(any::<bool>()),
    )
        .prop_map(
            |(person, employer, mode, start, end_after, assessments, service_months, f)| Facts {
                name: None,
                policy: None,
                as_of: Date::constant(2040, 1, 1),
                person,
                employer,
                mode,
                start,
                end: end_after.map(|d| start.checked_add(jiff::Span::new().days(i64::from(d))).unwrap()),
                ended_for_cause: f[0],
                assessments,
                service_months,
                project_verified: f[1],
                project_benefit_significant: f[2],
            },
        )
}

fn dues(r: &yincai_policy::Report) -> Vec<(String, i64)> {
    r.entitlements
        .iter()
        .filter_map(|(code, e)| {
            serde_json::to_value(e).unwrap()["due"]
                .as_i64()
                .map(|d| (code.clone(), d))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn due_never_decreases_and_never_exceeds_its_cap(f in facts(), steps in prop::collection::vec(0i64..900, 1..8)) {
        let plan = &SET.plans()[0];
        let mut as_of = f.start;
        let mut last: Vec<(String, i64)> = Vec::new();
        for step in steps {
            as_of = as_of.checked_add(jiff::Span::new().days(step)).unwrap();
            let r = evaluate(plan, &Facts { as_of, ..f.clone() }, false);
            let now = dues(&r);
            for (code, before) in &last {
                let after = now.iter().find(|(c, _)| c == code).map_or(0, |(_, d)| *d);
                prop_assert!(after >= *before, "{code}: {before} -> {after} at {as_of}");
            }
            for (code, due) in &now {
                let cap = match code.as_str() {
                    "living_subsidy" => 60 * 2000,
                    "special_service_subsidy" => 500_000,
                    "aid_extension_subsidy" => 3 * 30_000,
                    "settlement_allowance" => 150_000,
                    _ => i64::MAX,
                };
                prop_assert!(*due >= 0 && *due <= cap, "{code}: {due} > {cap}");
            }
            last = now;
        }
    }

    #[test]
    fn evaluation_never_panics(f in facts(), as_of in date_in(-3000, 12000)) {
        let plan = &SET.plans()[0];
        let r = evaluate(plan, &Facts { as_of, ..f }, true);
        let _ = yincai_policy::explain(&r);
        // The schedule and the hot path agree: the due installments add up to `due`.
        for (code, e) in &r.entitlements {
            let json = serde_json::to_value(e).unwrap();
            if let (Some(due), Some(schedule)) = (json["due"].as_i64(), json["schedule"].as_array()) {
                let scheduled: i64 = schedule.iter().filter(|i| i["status"] == "due").map(|i| i["amount"].as_i64().unwrap()).sum();
                prop_assert_eq!(scheduled, due, "{}: {:?}", code, schedule);
            }
        }
    }

    #[test]
    fn evaluation_never_panics_at_the_calendar_edges(f in facts(), start in 0i64..7_304_000, as_of in 0i64..7_304_000, end in prop::option::of(0i64..7_304_000)) {
        let plan = &SET.plans()[0];
        let day = |d: i64| Date::MIN.checked_add(jiff::Span::new().days(d)).unwrap_or(Date::MAX);
        let f = Facts { start: day(start), as_of: day(as_of), end: end.map(day), ..f };
        let r = evaluate(plan, &f, true);
        let _ = yincai_policy::explain(&r);
    }

    #[test]
    fn validation_never_panics_on_mutated_policies(at in 0usize..POLICY.len(), len in 0usize..40, insert in "[ -~\n]{0,12}") {
        let mut at = at;
        while !POLICY.is_char_boundary(at) { at -= 1; }
        let mut end = (at + len).min(POLICY.len());
        while !POLICY.is_char_boundary(end) { end -= 1; }
        let mutated = format!("{}{}{}", &POLICY[..at], insert, &POLICY[end..]);
        let _ = compile_policy("mutated.toml", &mutated);
    }

    #[test]
    fn validation_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = compile_policy("random.toml", &text);
    }
}
