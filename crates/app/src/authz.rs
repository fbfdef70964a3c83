//! Authorization in one place: which role may do what, and over which records.
//!
//! Every use case calls [`Actor::require`] (what) and, for a record owned by an
//! organisation, [`Actor::can_see_org`] (which). Out-of-scope records answer
//! "not found", so nobody learns that another unit's record exists.

use serde::Serialize;
use yincai_domain::{OrgKind, Role};

use crate::AppError;

/// An action on the system. Each is granted to roles by [`grants`].
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
    /// Start and act on workflow items (submit, review, decide, publish) within scope;
    /// which action in which state is the workflow table's to say.
    WorkflowAct,
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
    /// Enter annual budgets, pay certified releases, make and export payment batches (finance).
    FundManage,
    /// Keep the housing register, allocate, gift and take back housing (Art. 14; coordination office).
    HousingManage,
}

impl Permission {
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
            Permission::WorkflowAct => "办理审批事项",
            Permission::ProfileEdit => "填写本人登记表",
            Permission::Apply => "报名应聘",
            Permission::CandidateRead => "查看人才登记表",
            Permission::PersonalDataView => "查看完整证件号",
            Permission::MeetingRead => "查看领导小组会议",
            Permission::MeetingManage => "安排领导小组会议议程",
            Permission::MeetingDecide => "记录领导小组决定",
            Permission::TalentRead => "查看人才库",
            Permission::FundRead => "查看专项资金",
            Permission::FundManage => "管理专项资金（预算、支付）",
            Permission::HousingManage => "管理人才住房",
        }
    }
}

/// The permission table. The three admin roles are separated: the system admin runs
/// organisations and accounts (without roles), the security admin proposes role changes,
/// resets and unlocks, which a second administrator (security or system) confirms; the
/// audit admin reads the trail; none of them approves or pays anything.
pub fn grants(role: Role) -> &'static [Permission] {
    use Permission::*;
    match role {
        Role::Talent => &[TaskRead, ProfileEdit, Apply],
        Role::ServiceDept => &[TaskRead],
        Role::Coordination => &[
            TaskRead,
            OrgRead,
            WorkflowAct,
            CandidateRead,
            PersonalDataView,
            MeetingRead,
            MeetingManage,
            TalentRead,
            FundRead,
            HousingManage,
        ],
        Role::Unit | Role::Department => &[TaskRead, OrgRead, WorkflowAct, TalentRead],
        Role::LeadingGroup => &[TaskRead, OrgRead, WorkflowAct, MeetingRead, MeetingDecide, TalentRead],
        Role::CityLeader => &[TaskRead, OrgRead, MeetingRead, TalentRead, FundRead],
        Role::Assessor => &[TaskRead, OrgRead, TalentRead],
        Role::Finance => &[TaskRead, OrgRead, TalentRead, FundRead, FundManage],
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

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        if self.has(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden(p.name_zh().into()))
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
