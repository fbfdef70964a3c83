use super::shorthand::{REVIEW, tr};
use super::*;

#[test]
fn every_named_step_is_a_transition_of_its_table() {
    for step in super::steps::ALL {
        assert!(step.exists(), "{step:?} is not a transition of its workflow");
    }
    assert!(
        !super::Step {
            workflow: "application",
            from: "review",
            to: "introduced"
        }
        .exists()
    );
}

fn facts(roles: &[Role], is_maker: bool) -> ActorFacts<'_> {
    ActorFacts { roles, is_maker }
}

fn full(action: Action) -> Request<'static> {
    Request {
        action: Some(action),
        reason: "材料不全",
        resolution_number: "阿人才领字〔2026〕3号",
        return_to: None,
    }
}

#[test]
fn due_dates_skip_spring_festival_2025_and_fall_back_to_plain_days() {
    use jiff::civil::date;
    let cal = WorkCalendar::official();
    // Friday 2025-01-24: Sunday 01-26 is a make-up workday, 01-28..02-04 the holiday.
    let due = due_date(cal, date(2025, 1, 24), 5);
    assert_eq!(
        due,
        Due {
            date: date(2025, 2, 7),
            plain_days: false
        }
    );
    let due = due_date(cal, date(2025, 1, 27), 1);
    assert_eq!(due.date, date(2025, 2, 5));
    let far = due_date(cal, date(2099, 12, 30), 5);
    assert_eq!(
        far,
        Due {
            date: date(2100, 1, 4),
            plain_days: true
        }
    );
}

#[test]
fn every_workflow_is_valid() {
    for def in ALL {
        assert_eq!(def.validate(), Ok(()), "{}", def.code);
        assert_eq!(by_code(def.code).map(|d| d.code), Some(def.code));
    }
}

#[test]
fn validation_finds_broken_definitions() {
    const BAD: WorkflowDef = WorkflowDef {
        code: "bad",
        name_zh: "坏流程",
        initial: "a",
        starter: Role::Unit,
        states: &[
            StateDef {
                code: "a",
                name_zh: "甲",
                pending_role: Some(Role::Unit),
                due_workdays: None,
                terminal: false,
            },
            StateDef {
                code: "island",
                name_zh: "孤岛",
                pending_role: Some(Role::Unit),
                due_workdays: None,
                terminal: false,
            },
            StateDef {
                code: "end",
                name_zh: "结束",
                pending_role: None,
                due_workdays: None,
                terminal: true,
            },
        ],
        transitions: &[
            tr("a", Role::Unit, Action::Submit, "end", &[]),
            tr("end", Role::Unit, Action::Submit, "a", &[]),
            tr("a", Role::Department, Action::Reject, "end", &[]),
            tr("a", Role::SysAdmin, Action::Approve, "end", REVIEW),
        ],
        commenters: &[],
        labels: &[],
    };
    let problems = BAD.validate().unwrap_err().join("\n");
    for expected in [
        "transition out of terminal state end",
        "state island is unreachable",
        "non-terminal state island has no way out",
        "Reject from a must require a reason",
        "Reject from a must exclude the maker",
        "admin role SysAdmin",
    ] {
        assert!(problems.contains(expected), "missing {expected:?} in\n{problems}");
    }
}

/// Walks every state × role × action of `def` against a table written out by hand,
/// independently of the constant (any change to the table must change it), and returns how
/// many combinations it checked.
fn exhaustive_walk(def: &WorkflowDef, expected: &[(&str, Role, Action, &str)], commenters: &[Role]) -> usize {
    assert_eq!(
        def.transitions.len(),
        expected.len(),
        "{}: table grew or shrank",
        def.code
    );
    let mut checked = 0;
    for state in def.states {
        for role in Role::ALL {
            for action in Action::ALL {
                let roles = [role];
                // Withdraw needs the maker; everything else a non-maker with all inputs.
                let is_maker = action == Action::Withdraw;
                let got = decide(def, state.code, facts(&roles, is_maker), &full(action));
                let want = if action == Action::Comment {
                    (!state.terminal && commenters.contains(&role)).then_some(state.code)
                } else {
                    expected
                        .iter()
                        .find(|(s, r, a, _)| *s == state.code && *r == role && *a == action)
                        .map(|(_, _, _, to)| *to)
                };
                match (want, &got) {
                    (Some(to), Ok(d)) => {
                        assert_eq!(d.to, to, "{} {} × {role:?} × {action:?}", def.code, state.code);
                        assert_eq!(d.changes_state, action != Action::Comment);
                        assert_eq!(d.terminal, def.state(to).unwrap().terminal);
                    }
                    (None, Err(WorkflowError::NotAllowed { .. } | WorkflowError::Finished { .. })) => {}
                    _ => panic!(
                        "{} {} × {role:?} × {action:?}: want {want:?}, got {got:?}",
                        def.code, state.code
                    ),
                }
                if state.terminal {
                    assert!(matches!(got, Err(WorkflowError::Finished { .. })));
                }
                if role.is_separated_admin() {
                    assert!(got.is_err(), "admin {role:?} acted");
                }
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn annual_plan_exhaustive_walk_of_state_role_action() {
    use Action::*;
    use Role::*;
    let checked = exhaustive_walk(
        &ANNUAL_PLAN,
        &[
            ("draft", Unit, Submit, "department_review"),
            ("department_review", Department, Approve, "coordination_review"),
            ("department_review", Department, Return, "draft"),
            ("department_review", Department, Reject, "rejected"),
            ("department_review", Unit, Withdraw, "draft"),
            ("coordination_review", Coordination, Approve, "group_decision"),
            ("coordination_review", Coordination, Return, "draft"),
            ("coordination_review", Coordination, Reject, "rejected"),
            ("coordination_review", Department, Withdraw, "department_review"),
            ("group_decision", LeadingGroup, Approve, "approved"),
            ("group_decision", LeadingGroup, Return, "draft"),
            ("group_decision", LeadingGroup, Reject, "rejected"),
            ("group_decision", Coordination, Withdraw, "coordination_review"),
            ("approved", Coordination, Publish, "published"),
        ],
        &[Unit, Department, Coordination, LeadingGroup],
    );
    assert_eq!(checked, 7 * 12 * 7);
}

#[test]
fn application_exhaustive_walk_of_state_role_action() {
    use Action::*;
    use Role::*;
    exhaustive_walk(
        &APPLICATION,
        &[
            ("draft", Talent, Submit, "review"),
            ("review", Coordination, Approve, "passed"),
            ("review", Coordination, Return, "draft"),
            ("review", Coordination, Reject, "rejected"),
            ("passed", Coordination, Submit, "offered"),
            ("offered", Talent, Approve, "accepted"),
            ("offered", Talent, Reject, "declined"),
            ("offered", Coordination, Withdraw, "passed"),
            ("accepted", Coordination, Submit, "group_decision"),
            ("group_decision", LeadingGroup, Approve, "procedure"),
            ("group_decision", LeadingGroup, Reject, "rejected"),
            ("group_decision", Coordination, Withdraw, "accepted"),
            ("procedure", Unit, Submit, "confirmation"),
            ("confirmation", Coordination, Approve, "introduced"),
            ("confirmation", Coordination, Return, "procedure"),
        ],
        &[Unit, Department, Coordination, LeadingGroup],
    );
    // The applicant never comments on their own file: they act or stay silent.
    assert!(!APPLICATION.commenters.contains(&Talent));
}

#[test]
fn proposals_to_the_group_exhaustive_walk_of_state_role_action() {
    use Action::*;
    use Role::*;
    for def in [&SPECIAL_CASE, &BENEFIT_FIXING, &TALENT_ENDING] {
        exhaustive_walk(
            def,
            &[
                ("draft", Coordination, Submit, "group_decision"),
                ("group_decision", LeadingGroup, Approve, "approved"),
                ("group_decision", LeadingGroup, Reject, "rejected"),
                ("group_decision", LeadingGroup, Return, "draft"),
                ("group_decision", Coordination, Withdraw, "draft"),
            ],
            &[Coordination, LeadingGroup],
        );
    }
}

#[test]
fn benefit_release_exhaustive_walk_of_state_role_action() {
    use Action::*;
    use Role::*;
    exhaustive_walk(
        &BENEFIT_RELEASE,
        &[
            ("requested", Coordination, Submit, "group_decision"),
            ("group_decision", LeadingGroup, Approve, "approved"),
            ("group_decision", LeadingGroup, Reject, "rejected"),
            ("group_decision", Coordination, Withdraw, "requested"),
            ("approved", Coordination, Submit, "certified"),
        ],
        &[Coordination, LeadingGroup],
    );
}

#[test]
fn leading_group_decisions_are_the_only_ones_taken_in_meetings() {
    for def in ALL {
        for t in def.transitions {
            assert_eq!(
                def.needs_meeting(t.from, t.action),
                t.role == Role::LeadingGroup,
                "{} {} {:?}",
                def.code,
                t.from,
                t.action
            );
        }
    }
    assert_eq!(APPLICATION.action_label("offered", Action::Approve), "接受意向书");
    assert_eq!(APPLICATION.action_label("review", Action::Reject), "不予通过");
}

#[test]
fn guards_are_enforced() {
    let def = &ANNUAL_PLAN;
    let dept = [Role::Department];
    // Maker cannot approve their own step.
    assert_eq!(
        decide(def, "department_review", facts(&dept, true), &full(Action::Approve)),
        Err(WorkflowError::MakerCannotAct)
    );
    // Return and reject need a reason.
    for action in [Action::Return, Action::Reject] {
        let req = Request {
            reason: "  ",
            ..full(action)
        };
        assert!(matches!(
            decide(def, "department_review", facts(&dept, false), &req),
            Err(WorkflowError::ReasonRequired { .. })
        ));
    }
    // Withdraw only by the maker.
    assert_eq!(
        decide(
            def,
            "department_review",
            facts(&[Role::Unit], false),
            &full(Action::Withdraw)
        ),
        Err(WorkflowError::NotTheMaker)
    );
    // The leading group decides in a meeting: resolution number required.
    let lg = [Role::LeadingGroup];
    for action in [Action::Approve, Action::Return, Action::Reject] {
        let req = Request {
            resolution_number: "",
            ..full(action)
        };
        assert_eq!(
            decide(def, "group_decision", facts(&lg, false), &req),
            Err(WorkflowError::ResolutionRequired)
        );
    }
    // Comment needs text and changes nothing.
    let d = decide(def, "group_decision", facts(&lg, true), &full(Action::Comment)).unwrap();
    assert_eq!(
        (d.from, d.to, d.changes_state),
        ("group_decision", "group_decision", false)
    );
    assert!(decide(def, "group_decision", facts(&lg, false), &Request::new(Action::Comment)).is_err());
    assert_eq!(
        decide(def, "draft", facts(&lg, false), &Request::default()),
        Err(WorkflowError::NoAction)
    );
    assert!(matches!(
        decide(def, "nowhere", facts(&lg, false), &full(Action::Approve)),
        Err(WorkflowError::UnknownState(_))
    ));
}

#[test]
fn return_goes_to_the_submitter_or_a_chosen_earlier_step() {
    let def = &ANNUAL_PLAN;
    let lg = [Role::LeadingGroup];
    let to = |target: Option<&'static str>| {
        let req = Request {
            return_to: target,
            ..full(Action::Return)
        };
        decide(def, "group_decision", facts(&lg, false), &req).map(|d| d.to)
    };
    assert_eq!(to(None), Ok("draft"));
    assert_eq!(to(Some("draft")), Ok("draft"));
    assert_eq!(to(Some("department_review")), Ok("department_review"));
    assert_eq!(to(Some("coordination_review")), Ok("coordination_review"));
    let err = to(Some("approved")).unwrap_err();
    assert!(matches!(err, WorkflowError::BadReturnTarget { .. }));
    assert!(err.to_string().contains("可退回至"), "{err}");
    // The department can only send it back to the unit.
    let req = Request {
        return_to: Some("coordination_review"),
        ..full(Action::Return)
    };
    assert!(decide(def, "department_review", facts(&[Role::Department], false), &req).is_err());
}

#[test]
fn messages_are_chinese_and_say_what_to_do() {
    let err = decide(
        &ANNUAL_PLAN,
        "coordination_review",
        facts(&[Role::Unit], false),
        &full(Action::Approve),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "当前环节“协调办初审”，您的角色不能“同意”，您可以：填写意见"
    );
    let err = decide(
        &ANNUAL_PLAN,
        "published",
        facts(&[Role::Unit], false),
        &full(Action::Submit),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "该事项已“已发布”，流程已结束，不能再提交");
    for a in Action::ALL {
        assert_eq!(Action::parse(a.code()), Some(a));
    }
}

#[test]
fn the_happy_path_reaches_published() {
    let def = &ANNUAL_PLAN;
    let steps = [
        (Role::Unit, Action::Submit),
        (Role::Department, Action::Approve),
        (Role::Coordination, Action::Approve),
        (Role::LeadingGroup, Action::Approve),
        (Role::Coordination, Action::Publish),
    ];
    let mut state = def.initial;
    for (role, action) in steps {
        state = decide(def, state, facts(&[role], false), &full(action)).unwrap().to;
    }
    assert_eq!(state, "published");
    assert!(def.state(state).unwrap().terminal);
}

mod props {
    use proptest::prelude::*;

    use super::super::*;

    proptest! {
        /// Whatever the roles, flags and inputs: a decision is either refused or leads
        /// to a known state by a row of the table (or a comment that stays put), and
        /// admins never act.
        #[test]
        fn decide_is_total_and_follows_the_table(
            s in 0usize..7, role_bits in 0u16..4096, is_maker: bool, a in 0usize..7,
            reason in "( |理由)?", resolution in "(文号)?", target in proptest::option::of(0usize..7),
        ) {
            let def = &ANNUAL_PLAN;
            let state = def.states[s].code;
            let roles: Vec<Role> = Role::ALL.into_iter().enumerate()
                .filter(|(i, _)| role_bits & (1 << i) != 0).map(|(_, r)| r).collect();
            let action = Action::ALL[a];
            let req = Request {
                action: Some(action),
                reason: &reason,
                resolution_number: &resolution,
                return_to: target.map(|t| def.states[t].code),
            };
            if let Ok(d) = decide(def, state, ActorFacts { roles: &roles, is_maker }, &req) {
                prop_assert!(roles.contains(&d.role));
                prop_assert!(!d.role.is_separated_admin());
                if d.changes_state {
                    let t = def.transitions.iter()
                        .find(|t| t.from == state && t.role == d.role && t.action == action).unwrap();
                    prop_assert!(d.to == t.to || t.return_to.contains(&d.to));
                    prop_assert!(!t.guards.contains(&Guard::NotMaker) || !is_maker);
                    prop_assert!(!t.guards.contains(&Guard::MakerOnly) || is_maker);
                    prop_assert!(!t.guards.contains(&Guard::ReasonRequired) || !reason.trim().is_empty());
                    prop_assert!(!t.guards.contains(&Guard::ResolutionRequired) || !resolution.is_empty());
                } else {
                    prop_assert_eq!(d.to, state);
                    prop_assert_eq!(action, Action::Comment);
                }
            }
        }
    }
}
