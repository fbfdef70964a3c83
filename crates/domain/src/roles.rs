//! Roles of PRODUCT.md's table and the kinds of organisation they belong to.
//! Codes are stable (stored in the database, used in the API); names are for people.

use serde::{Deserialize, Serialize};

/// A role a user account holds. An account may hold several, except that the three
/// separated admin roles exclude each other (等保 three-role separation) and no account
/// holds an admin role together with a business role (ADR 0009).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Talent,
    Unit,
    Department,
    Coordination,
    LeadingGroup,
    Assessor,
    Finance,
    CityLeader,
    ServiceDept,
    SysAdmin,
    SecAdmin,
    AuditAdmin,
}

impl Role {
    pub const ALL: [Role; 12] = [
        Role::Talent,
        Role::Unit,
        Role::Department,
        Role::Coordination,
        Role::LeadingGroup,
        Role::Assessor,
        Role::Finance,
        Role::CityLeader,
        Role::ServiceDept,
        Role::SysAdmin,
        Role::SecAdmin,
        Role::AuditAdmin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Talent => "talent",
            Role::Unit => "unit",
            Role::Department => "department",
            Role::Coordination => "coordination",
            Role::LeadingGroup => "leading_group",
            Role::Assessor => "assessor",
            Role::Finance => "finance",
            Role::CityLeader => "city_leader",
            Role::ServiceDept => "service_dept",
            Role::SysAdmin => "sys_admin",
            Role::SecAdmin => "sec_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Role::Talent => "人才/申请人",
            Role::Unit => "用人单位",
            Role::Department => "主管部门",
            Role::Coordination => "人才工作协调办",
            Role::LeadingGroup => "人才工作领导小组",
            Role::Assessor => "考核部门（组织部/人社局）",
            Role::Finance => "财政局",
            Role::CityLeader => "市领导",
            Role::ServiceDept => "服务部门",
            Role::SysAdmin => "系统管理员",
            Role::SecAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Role::Talent => "Talent / applicant",
            Role::Unit => "Employer unit",
            Role::Department => "Competent department",
            Role::Coordination => "Coordination office",
            Role::LeadingGroup => "Leading group",
            Role::Assessor => "Assessor",
            Role::Finance => "Finance bureau",
            Role::CityLeader => "City leader",
            Role::ServiceDept => "Service department",
            Role::SysAdmin => "System administrator",
            Role::SecAdmin => "Security administrator",
            Role::AuditAdmin => "Audit administrator",
        }
    }

    /// The three separated administrator roles.
    pub fn is_separated_admin(self) -> bool {
        matches!(self, Role::SysAdmin | Role::SecAdmin | Role::AuditAdmin)
    }

    /// Staff sessions time out after 15 idle minutes, applicants' after 30.
    pub fn idle_timeout_minutes(self) -> i64 {
        if self == Role::Talent { 30 } else { 15 }
    }

    /// Which kinds of organisation may hold a user with this role.
    pub fn allowed_in(self, kind: OrgKind) -> bool {
        use OrgKind::*;
        match self {
            Role::Talent => kind == Public,
            Role::Unit => matches!(kind, CityUnit | Enterprise | CentralUnit),
            Role::Department => kind == Department,
            Role::Coordination => kind == CoordinationOffice,
            Role::LeadingGroup => kind == LeadingGroup,
            Role::Assessor => matches!(kind, OrganizationDept | HrBureau),
            Role::Finance => kind == FinanceBureau,
            Role::CityLeader => kind == CityLeadership,
            Role::ServiceDept => kind == ServiceDept,
            // Administrators sit in the IT centre only, never beside the business staff.
            Role::SysAdmin | Role::SecAdmin | Role::AuditAdmin => kind == ItCentre,
        }
    }
}

/// Why a set of roles cannot be held by one account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleSetError {
    #[error("角色：系统管理员、安全管理员、审计管理员三者互斥，一个账号只能担任其中一个，请移除多余的管理员角色")]
    SeparatedAdmins,
    #[error("角色：管理员角色不能与业务角色同属一个账号（三员分立），请分别使用不同账号")]
    AdminWithBusiness,
    #[error("角色：至少选择一个角色")]
    Empty,
    #[error("角色：{role}不能属于{org}，请选择其他机构或角色")]
    WrongOrganisation { role: &'static str, org: &'static str },
}

/// Checks a set of roles for one account of an organisation of `kind`.
pub fn check_role_set(roles: &[Role], kind: OrgKind) -> Result<(), RoleSetError> {
    if roles.is_empty() {
        return Err(RoleSetError::Empty);
    }
    if roles.iter().filter(|r| r.is_separated_admin()).count() > 1 {
        return Err(RoleSetError::SeparatedAdmins);
    }
    if roles.iter().any(|r| r.is_separated_admin()) && roles.iter().any(|r| !r.is_separated_admin()) {
        return Err(RoleSetError::AdminWithBusiness);
    }
    if let Some(r) = roles.iter().find(|r| !r.allowed_in(kind)) {
        return Err(RoleSetError::WrongOrganisation {
            role: r.name_zh(),
            org: kind.name_zh(),
        });
    }
    Ok(())
}

/// Kinds of organisation (Art. 4-8 and 14(8)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 市直单位 (covered by the policy)
    CityUnit,
    /// 企业 (Art. 14(8): makes its own measures)
    Enterprise,
    /// 中央、自治区驻阿单位 (Art. 14(8))
    CentralUnit,
    /// 主管部门
    Department,
    /// 市人才工作领导小组
    LeadingGroup,
    /// 人才工作协调办公室 (at 人社局)
    CoordinationOffice,
    /// 市委组织部
    OrganizationDept,
    /// 人社局
    HrBureau,
    /// 财政局
    FinanceBureau,
    /// 市领导
    CityLeadership,
    /// 教育、公安 … service departments
    ServiceDept,
    /// 信息中心 (hosts the system administrators)
    ItCentre,
    /// 社会公众: where self-registered applicants belong
    Public,
}

impl OrgKind {
    pub const ALL: [OrgKind; 13] = [
        OrgKind::CityUnit,
        OrgKind::Enterprise,
        OrgKind::CentralUnit,
        OrgKind::Department,
        OrgKind::LeadingGroup,
        OrgKind::CoordinationOffice,
        OrgKind::OrganizationDept,
        OrgKind::HrBureau,
        OrgKind::FinanceBureau,
        OrgKind::CityLeadership,
        OrgKind::ServiceDept,
        OrgKind::ItCentre,
        OrgKind::Public,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::CityUnit => "city_unit",
            OrgKind::Enterprise => "enterprise",
            OrgKind::CentralUnit => "central_unit",
            OrgKind::Department => "department",
            OrgKind::LeadingGroup => "leading_group",
            OrgKind::CoordinationOffice => "coordination_office",
            OrgKind::OrganizationDept => "organization_dept",
            OrgKind::HrBureau => "hr_bureau",
            OrgKind::FinanceBureau => "finance_bureau",
            OrgKind::CityLeadership => "city_leadership",
            OrgKind::ServiceDept => "service_dept",
            OrgKind::ItCentre => "it_centre",
            OrgKind::Public => "public",
        }
    }

    pub fn parse(code: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            OrgKind::CityUnit => "市直单位",
            OrgKind::Enterprise => "企业",
            OrgKind::CentralUnit => "中央、自治区驻阿单位",
            OrgKind::Department => "主管部门",
            OrgKind::LeadingGroup => "市人才工作领导小组",
            OrgKind::CoordinationOffice => "人才工作协调办公室",
            OrgKind::OrganizationDept => "市委组织部",
            OrgKind::HrBureau => "人力资源和社会保障局",
            OrgKind::FinanceBureau => "财政局",
            OrgKind::CityLeadership => "市领导",
            OrgKind::ServiceDept => "服务部门",
            OrgKind::ItCentre => "信息中心",
            OrgKind::Public => "社会公众",
        }
    }

    /// Employer units: they need a 统一社会信用代码 and may have a supervising department.
    pub fn is_employer(self) -> bool {
        matches!(self, OrgKind::CityUnit | OrgKind::Enterprise | OrgKind::CentralUnit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.code()), Some(k));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn separated_admins_exclude_each_other() {
        let it = OrgKind::ItCentre;
        assert!(check_role_set(&[Role::SysAdmin], it).is_ok());
        for (a, b) in [
            (Role::SysAdmin, Role::SecAdmin),
            (Role::SecAdmin, Role::AuditAdmin),
            (Role::SysAdmin, Role::AuditAdmin),
        ] {
            assert_eq!(check_role_set(&[a, b], it), Err(RoleSetError::SeparatedAdmins));
        }
    }

    #[test]
    fn no_account_is_both_administrator_and_business_role() {
        for admin in [Role::SysAdmin, Role::SecAdmin, Role::AuditAdmin] {
            for business in Role::ALL.into_iter().filter(|r| !r.is_separated_admin()) {
                for kind in OrgKind::ALL {
                    assert!(
                        check_role_set(&[business, admin], kind).is_err(),
                        "{business:?}+{admin:?} in {kind:?}"
                    );
                }
                assert_eq!(
                    check_role_set(&[business, admin], OrgKind::ItCentre),
                    Err(RoleSetError::AdminWithBusiness)
                );
            }
        }
        assert!(!Role::SecAdmin.allowed_in(OrgKind::CoordinationOffice));
    }

    #[test]
    fn role_must_fit_organisation() {
        assert!(check_role_set(&[Role::Unit], OrgKind::CityUnit).is_ok());
        assert!(matches!(
            check_role_set(&[Role::Finance], OrgKind::CityUnit),
            Err(RoleSetError::WrongOrganisation { .. })
        ));
        assert_eq!(check_role_set(&[], OrgKind::CityUnit), Err(RoleSetError::Empty));
    }
}
