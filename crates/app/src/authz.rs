//! Authorization in one place: which role may do what, and over which records.
//!
//! Every use case calls [`Actor::require`] (what) and, for a record owned by an
//! organisation, [`Actor::can_see_org`] (which). Out-of-scope records answer
//! "not found", so nobody learns that another unit's record exists.

use serde::Serialize;
use yincai_domain::{OrgKind, Role};

use crate::AppError;

/// An action on the system. Each is granted to roles by [`grants`], the one table of who
/// may do what; use cases check a permission (and the record's scope), never a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See one's own pending tasks (待办).
    TaskRead,
    /// Read organisations within one's scope.
    OrgRead,
    /// Create and edit organisations (system admin).
    OrgManage,
    /// Read user accounts.
    UserRead,
    /// Create accounts and disable them (system admin).
    UserManage,
    /// Propose an unlock, a password reset or a role change (security admin); it takes
    /// effect only when another administrator confirms it (ADR 0009).
    UserSecurity,
    /// Confirm or reject another administrator's proposal on an account (双人复核).
    UserConfirm,
    /// Search and read the audit trail, verify the chain (audit admin).
    AuditRead,
    /// Read workflow items and applications within scope and take the steps that the
    /// workflow tables give one's role (submit, review, return, comment); which step in
    /// which state is the table's to say (see [`Actor::acts_as`]).
    WorkflowAct,
    /// Draft and edit one's own unit's annual introduction plan (年度引进计划).
    PlanDraft,
    /// Fill in and publish the announcement of an approved plan (引进公告).
    PlanAnnounce,
    /// Review an application's qualifications: checklist, findings, pass, 补正, reject.
    ApplicationReview,
    /// Generate and send the intent letter (意向书) of a passed application.
    IntentLetterIssue,
    /// Record the introduction procedure (contract, transfer, agreement) of an application
    /// to one's own unit's position.
    ProcedureRecord,
    /// Propose a talent's benefit amounts (待遇额度) for the leading group to fix.
    FixingPropose,
    /// Propose ending a talent's relation for cause (Art. 27, 经市协调办核实) for the
    /// leading group to decide in a meeting.
    EndingPropose,
    /// Open a special case (一事一议) on a candidate for the leading group.
    SpecialCasePropose,
    /// Record a talent's annual assessment (the employer unit, for its own talents).
    AssessmentRecord,
    /// File (备案) a recorded annual assessment, which opens the payment gate.
    AssessmentFile,
    /// Start the release of a due benefit installment (待遇发放 → leading-group meeting).
    ReleaseStart,
    /// Fill in and edit one's own registration form (人才登记表).
    ProfileEdit,
    /// Apply to open positions and act on one's own applications (submit, 补正, accept
    /// or decline an intent letter).
    Apply,
    /// List and read candidates' registration forms, ID number and phone masked.
    CandidateRead,
    /// See a candidate's full ID number and phone, with a reason, audited (PIPL).
    PersonalDataView,
    /// Read leading-group meetings, their agendas and decisions.
    MeetingRead,
    /// Convene a meeting and put items on its agenda (the coordination office, the leading
    /// group's secretariat).
    MeetingManage,
    /// Record the leading group's decision on an agenda item, with its resolution number.
    MeetingDecide,
    /// Read the talent database (Art. 6) within one's scope.
    TalentRead,
    /// Read the special fund: budgets, balances, ledger, payment batches (Art. 29).
    FundRead,
    /// Enter and correct the special fund's annual budgets (finance).
    FundBudget,
    /// Pay certified releases, make, export and pay payment batches, record repayments
    /// (finance).
    FundPay,
    /// Keep the housing register, allocate, gift and take back housing (Art. 14; coordination office).
    HousingManage,
}

/// What a permission is about, for the separation of duties (ADR 0009): the three
/// administrators hold no business permission and business roles no administration one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Everyone's basics (one's tasks, the organisation directory).
    Common,
    /// Accounts, organisations and the audit trail.
    Administration,
    /// Talent introduction, benefits and money.
    Business,
}

impl Permission {
    /// Every permission, in the order of the table in ADR 0003.
    pub const ALL: [Permission; 32] = [
        Permission::TaskRead,
        Permission::OrgRead,
        Permission::OrgManage,
        Permission::UserRead,
        Permission::UserManage,
        Permission::UserSecurity,
        Permission::UserConfirm,
        Permission::AuditRead,
        Permission::WorkflowAct,
        Permission::PlanDraft,
        Permission::PlanAnnounce,
        Permission::ApplicationReview,
        Permission::IntentLetterIssue,
        Permission::ProcedureRecord,
        Permission::FixingPropose,
        Permission::EndingPropose,
        Permission::SpecialCasePropose,
        Permission::AssessmentRecord,
        Permission::AssessmentFile,
        Permission::ReleaseStart,
        Permission::ProfileEdit,
        Permission::Apply,
        Permission::CandidateRead,
        Permission::PersonalDataView,
        Permission::MeetingRead,
        Permission::MeetingManage,
        Permission::MeetingDecide,
        Permission::TalentRead,
        Permission::FundRead,
        Permission::FundBudget,
        Permission::FundPay,
        Permission::HousingManage,
    ];

    pub fn name_zh(self) -> &'static str {
        match self {
            Permission::TaskRead => "查看待办",
            Permission::OrgRead => "查看机构",
            Permission::OrgManage => "管理机构",
            Permission::UserRead => "查看账号",
            Permission::UserManage => "管理账号",
            Permission::UserSecurity => "账号安全管理",
            Permission::UserConfirm => "复核账号变更",
            Permission::AuditRead => "查阅审计日志",
            Permission::WorkflowAct => "办理审批环节",
            Permission::PlanDraft => "编制年度引进计划",
            Permission::PlanAnnounce => "设置并发布引进公告",
            Permission::ApplicationReview => "报名资格审查",
            Permission::IntentLetterIssue => "出具意向书",
            Permission::ProcedureRecord => "填写引进手续",
            Permission::FixingPropose => "提出待遇额度",
            Permission::EndingPropose => "提出因故解除",
            Permission::SpecialCasePropose => "发起一事一议",
            Permission::AssessmentRecord => "录入年度考核结果",
            Permission::AssessmentFile => "备案年度考核结果",
            Permission::ReleaseStart => "提请待遇发放",
            Permission::ProfileEdit => "填写本人登记表",
            Permission::Apply => "报名应聘",
            Permission::CandidateRead => "查看人才登记表",
            Permission::PersonalDataView => "查看完整证件号",
            Permission::MeetingRead => "查看领导小组会议",
            Permission::MeetingManage => "安排领导小组会议议程",
            Permission::MeetingDecide => "记录领导小组决定",
            Permission::TalentRead => "查看人才库",
            Permission::FundRead => "查看专项资金",
            Permission::FundBudget => "录入专项资金预算",
            Permission::FundPay => "支付待遇与登记还款",
            Permission::HousingManage => "管理人才住房",
        }
    }

    pub fn domain(self) -> Domain {
        use Permission::*;
        match self {
            TaskRead | OrgRead => Domain::Common,
            OrgManage | UserRead | UserManage | UserSecurity | UserConfirm | AuditRead => Domain::Administration,
            _ => Domain::Business,
        }
    }

    /// The roles granted this permission by [`grants`].
    pub fn holders(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| grants(*r).contains(&self)).collect()
    }

    /// The refusal's text: what was refused and, when few roles may do it, who does it
    /// (taken from the table, so it cannot disagree with it).
    fn refusal_zh(self) -> String {
        let holders = self.holders();
        if self.domain() == Domain::Business && holders.len() <= 2 {
            let names: Vec<&str> = holders.iter().map(|r| r.name_zh()).collect();
            format!("{}（由{}办理）", self.name_zh(), names.join("、"))
        } else {
            self.name_zh().to_string()
        }
    }
}

/// The permission table. The three admin roles are separated: the system admin runs
/// organisations and accounts (without roles), the security admin proposes role changes,
/// resets and unlocks, which a second administrator (security or system) confirms; the
/// audit admin reads the trail; none of them approves or pays anything. ADR 0003 prints
/// this table; a test keeps the two equal.
pub fn grants(role: Role) -> &'static [Permission] {
    use Permission::*;
    match role {
        Role::Talent => &[TaskRead, ProfileEdit, Apply],
        Role::ServiceDept => &[TaskRead],
        Role::Coordination => &[
            TaskRead,
            OrgRead,
            WorkflowAct,
            PlanAnnounce,
            ApplicationReview,
            IntentLetterIssue,
            FixingPropose,
            EndingPropose,
            SpecialCasePropose,
            AssessmentFile,
            ReleaseStart,
            CandidateRead,
            PersonalDataView,
            MeetingRead,
            MeetingManage,
            TalentRead,
            FundRead,
            HousingManage,
        ],
        Role::Unit => &[
            TaskRead,
            OrgRead,
            WorkflowAct,
            PlanDraft,
            ProcedureRecord,
            AssessmentRecord,
            TalentRead,
        ],
        Role::Department => &[TaskRead, OrgRead, WorkflowAct, TalentRead],
        Role::LeadingGroup => &[TaskRead, OrgRead, WorkflowAct, MeetingRead, MeetingDecide, TalentRead],
        Role::CityLeader => &[TaskRead, OrgRead, MeetingRead, TalentRead, FundRead],
        Role::Assessor => &[TaskRead, OrgRead, TalentRead],
        Role::Finance => &[TaskRead, OrgRead, TalentRead, FundRead, FundBudget, FundPay],
        Role::SysAdmin => &[TaskRead, OrgRead, OrgManage, UserRead, UserManage, UserConfirm],
        Role::SecAdmin => &[TaskRead, UserRead, UserSecurity, UserConfirm],
        Role::AuditAdmin => &[AuditRead],
    }
}

/// The authenticated user on whose behalf a use case runs.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: OrgKind,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
    /// The session's CSRF token (browser sessions).
    #[serde(skip)]
    pub csrf_token: String,
}

impl Actor {
    pub fn has(&self, p: Permission) -> bool {
        self.roles.iter().any(|r| grants(*r).contains(&p))
    }

    /// Whether the actor acts in `role` where a workflow table (in `yincai_domain`) names
    /// the role of a step: who starts an item, who takes which transition, whose scope
    /// applies. Those tables are data about the procedure (Art. 8-12), shared with the
    /// domain's pure `decide`, so they stay keyed by role; everything else asks for a
    /// [`Permission`]. Crate-private: the web layer never asks about roles.
    pub(crate) fn acts_as(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        if self.has(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden(p.refusal_zh()))
        }
    }

    pub fn role_codes(&self) -> Vec<&'static str> {
        self.roles.iter().map(|r| r.code()).collect()
    }

    /// Whether the actor's roles limit them to their own organisation's records
    /// (an employer unit) or to it and the units it supervises (a department).
    /// `None`: the whole city.
    pub fn org_scope(&self) -> Option<i64> {
        let city_wide = self.roles.iter().any(|r| {
            !matches!(r, Role::Unit | Role::Department | Role::Talent | Role::ServiceDept)
                && grants(*r).contains(&Permission::OrgRead)
        });
        if city_wide { None } else { Some(self.org_id) }
    }

    /// Whether an organisation record (with its supervising department) is in scope.
    pub fn can_see_org(&self, org_id: i64, parent_id: Option<i64>) -> bool {
        match self.org_scope() {
            None => true,
            Some(root) => org_id == root || parent_id == Some(root),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: Vec<Role>, org_id: i64) -> Actor {
        Actor {
            user_id: 1,
            username: "u".into(),
            display_name: "u".into(),
            org_id,
            org_name: "o".into(),
            org_kind: OrgKind::CityUnit,
            roles,
            must_change_password: false,
            csrf_token: String::new(),
        }
    }

    #[test]
    fn admin_roles_never_approve_or_pay_and_audit_admin_only_reads_audit() {
        assert_eq!(grants(Role::AuditAdmin), &[Permission::AuditRead]);
        for admin in [Role::SysAdmin, Role::SecAdmin] {
            assert!(!grants(admin).contains(&Permission::AuditRead));
        }
        for role in Role::ALL {
            let is_audit = role == Role::AuditAdmin;
            assert_eq!(grants(role).contains(&Permission::AuditRead), is_audit, "{role:?}");
        }
    }

    #[test]
    fn only_the_security_admin_proposes_and_only_admins_confirm() {
        for role in Role::ALL {
            assert_eq!(
                grants(role).contains(&Permission::UserSecurity),
                role == Role::SecAdmin,
                "{role:?}"
            );
            assert_eq!(
                grants(role).contains(&Permission::UserConfirm),
                matches!(role, Role::SecAdmin | Role::SysAdmin),
                "{role:?}"
            );
        }
    }

    #[test]
    fn every_permission_is_listed_once_in_order_and_granted_to_some_role() {
        for (i, p) in Permission::ALL.into_iter().enumerate() {
            assert_eq!(p as usize, i, "{p:?} out of order in Permission::ALL");
            assert!(!p.holders().is_empty(), "{p:?} is granted to no role");
        }
        // A variant added after the last one must be added to ALL too.
        assert_eq!(Permission::HousingManage as usize, Permission::ALL.len() - 1);
        for role in Role::ALL {
            for p in grants(role) {
                assert_eq!(grants(role).iter().filter(|q| *q == p).count(), 1, "{role:?} {p:?}");
            }
        }
    }

    #[test]
    fn administrators_hold_no_business_permission_and_business_roles_no_administration() {
        for role in Role::ALL {
            for p in grants(role) {
                if role.is_separated_admin() {
                    assert_ne!(p.domain(), Domain::Business, "admin {role:?} holds {p:?}");
                } else {
                    assert_ne!(p.domain(), Domain::Administration, "{role:?} holds {p:?}");
                }
            }
        }
    }

    /// The fine-grained steps stay with the role that did them when they were role checks
    /// in the use cases (issue 9): the same people may do the same things.
    #[test]
    fn each_step_stays_with_its_office() {
        use Permission::*;
        let only = |p: Permission, roles: &[Role]| assert_eq!(p.holders(), roles, "{p:?}");
        for p in [PlanDraft, ProcedureRecord, AssessmentRecord] {
            only(p, &[Role::Unit]);
        }
        for p in [
            PlanAnnounce,
            ApplicationReview,
            IntentLetterIssue,
            FixingPropose,
            EndingPropose,
            SpecialCasePropose,
            AssessmentFile,
            ReleaseStart,
        ] {
            only(p, &[Role::Coordination]);
        }
        only(MeetingDecide, &[Role::LeadingGroup]);
        for p in [FundBudget, FundPay] {
            only(p, &[Role::Finance]);
        }
        // Every fine-grained step is taken inside a workflow, so its holders take part in them.
        for p in Permission::ALL {
            if matches!(
                p,
                PlanDraft
                    | PlanAnnounce
                    | ApplicationReview
                    | IntentLetterIssue
                    | ProcedureRecord
                    | FixingPropose
                    | EndingPropose
                    | SpecialCasePropose
                    | AssessmentFile
                    | ReleaseStart
            ) {
                assert!(p.holders().iter().all(|r| grants(*r).contains(&WorkflowAct)), "{p:?}");
            }
        }
    }

    #[test]
    fn a_refusal_names_who_does_it() {
        let dept = actor(vec![Role::Department], 3);
        let err = dept.require(Permission::PlanDraft).unwrap_err();
        assert_eq!(err.to_string(), "无权执行此操作：编制年度引进计划（由用人单位办理）");
        let talent = actor(vec![Role::Talent], 1);
        let err = talent.require(Permission::OrgRead).unwrap_err();
        assert_eq!(err.to_string(), "无权执行此操作：查看机构");
    }

    /// The permission × role table as Markdown, as ADR 0003 prints it.
    fn grants_markdown() -> String {
        let mut out = String::from("| 权限 | 说明 |");
        for r in Role::ALL {
            out.push_str(&format!(" {} |", r.name_zh()));
        }
        out.push_str("\n|---|---|");
        for _ in Role::ALL {
            out.push_str(":-:|");
        }
        out.push('\n');
        for p in Permission::ALL {
            out.push_str(&format!("| `{p:?}` | {} |", p.name_zh()));
            for r in Role::ALL {
                out.push_str(if grants(r).contains(&p) { " ✓ |" } else { "  |" });
            }
            out.push('\n');
        }
        out
    }

    /// ADR 0003 prints the permission table; it must be the code's. To update the ADR after
    /// changing [`grants`]: `YINCAI_BLESS_ADR=1 cargo test -p yincai-app authz`.
    #[test]
    fn adr_0003_prints_the_permission_table_of_the_code() {
        const START: &str = "<!-- permission-table:start (generated by authz::grants_markdown) -->\n";
        const END: &str = "<!-- permission-table:end -->";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/adr/0003-accounts-authorization-and-audit.md");
        let adr = std::fs::read_to_string(&path).expect("ADR 0003");
        let (Some(a), Some(b)) = (adr.find(START), adr.find(END)) else {
            panic!("ADR 0003 lacks the permission-table markers");
        };
        let printed = &adr[a + START.len()..b];
        let table = grants_markdown();
        if printed != table {
            if std::env::var_os("YINCAI_BLESS_ADR").is_some() {
                let updated = format!("{}{}{}", &adr[..a + START.len()], table, &adr[b..]);
                std::fs::write(&path, updated).expect("write ADR 0003");
            } else {
                panic!(
                    "ADR 0003's permission table differs from authz::grants; rerun with \
                     YINCAI_BLESS_ADR=1 to print the code's table there:\n{table}"
                );
            }
        }
    }

    #[test]
    fn admin_roles_take_no_part_in_workflows() {
        for admin in [Role::SysAdmin, Role::SecAdmin, Role::AuditAdmin] {
            assert!(!grants(admin).contains(&Permission::WorkflowAct), "{admin:?}");
        }
    }

    #[test]
    fn only_the_coordination_office_reads_candidates_and_sees_full_numbers() {
        for role in Role::ALL {
            let coord = role == Role::Coordination;
            assert_eq!(grants(role).contains(&Permission::CandidateRead), coord, "{role:?}");
            assert_eq!(grants(role).contains(&Permission::PersonalDataView), coord, "{role:?}");
            assert_eq!(
                grants(role).contains(&Permission::ProfileEdit),
                role == Role::Talent,
                "{role:?}"
            );
        }
    }

    #[test]
    fn scope_of_unit_department_and_city() {
        let unit = actor(vec![Role::Unit], 10);
        assert_eq!(unit.org_scope(), Some(10));
        assert!(unit.can_see_org(10, Some(3)));
        assert!(!unit.can_see_org(11, Some(3)));
        let dept = actor(vec![Role::Department], 3);
        assert!(dept.can_see_org(10, Some(3)));
        assert!(dept.can_see_org(3, None));
        assert!(!dept.can_see_org(12, Some(4)));
        let coord = actor(vec![Role::Coordination], 2);
        assert!(coord.can_see_org(12, Some(4)));
    }

    #[test]
    fn must_change_password_blocks_everything() {
        let mut a = actor(vec![Role::Coordination], 2);
        a.must_change_password = true;
        assert!(matches!(
            a.require(Permission::TaskRead),
            Err(AppError::PasswordChangeRequired)
        ));
    }
}
