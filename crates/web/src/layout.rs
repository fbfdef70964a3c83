//! What every page shows around its content: title, menu by permission, the user.

use yincai_app::{Actor, Permission};

pub struct MenuItem {
    pub href: &'static str,
    pub label: &'static str,
}

pub struct NavUser {
    pub display_name: String,
    pub org_name: String,
    pub roles: String,
}

pub struct Layout {
    pub title: String,
    pub user: Option<NavUser>,
    pub csrf: String,
    pub menu: Vec<MenuItem>,
    pub active: &'static str,
}

/// Who sees a menu entry.
enum Shown {
    Everyone,
    LoggedIn,
    With(Permission),
}

const MENU: &[(&str, &str, Shown)] = &[
    ("/workbench", "工作台", Shown::LoggedIn),
    ("/me/profile", "我的登记表", Shown::With(Permission::ProfileEdit)),
    ("/me/applications", "我的报名", Shown::With(Permission::Apply)),
    ("/me/talent", "我的人才档案", Shown::With(Permission::ProfileEdit)),
    ("/me/benefits", "我的待遇", Shown::With(Permission::ProfileEdit)),
    ("/candidates", "人才登记表", Shown::With(Permission::CandidateRead)),
    ("/plans", "年度计划", Shown::With(Permission::WorkflowAct)),
    ("/applications", "报名审查", Shown::With(Permission::WorkflowAct)),
    ("/meetings", "领导小组会议", Shown::With(Permission::MeetingRead)),
    ("/talents", "人才库", Shown::With(Permission::TalentRead)),
    ("/fund", "专项资金", Shown::With(Permission::FundRead)),
    ("/benefits/due", "到期待遇", Shown::With(Permission::FundRead)),
    ("/recoveries", "待遇追回", Shown::With(Permission::FundRead)),
    ("/assessments", "年度考核", Shown::With(Permission::TalentRead)),
    ("/housing", "人才住房", Shown::With(Permission::HousingManage)),
    ("/special-cases", "一事一议", Shown::With(Permission::MeetingRead)),
    ("/orgs", "机构", Shown::With(Permission::OrgRead)),
    ("/admin/users", "账号", Shown::With(Permission::UserRead)),
    ("/audit", "审计日志", Shown::With(Permission::AuditRead)),
    ("/policy", "政策原文", Shown::Everyone),
    ("/calculator", "政策计算器", Shown::Everyone),
    ("/account/password", "修改密码", Shown::LoggedIn),
];

impl Layout {
    pub fn new(title: impl Into<String>, actor: Option<&Actor>, active: &'static str) -> Layout {
        let menu = MENU
            .iter()
            .filter(|(_, _, shown)| match shown {
                Shown::Everyone => true,
                Shown::LoggedIn => actor.is_some(),
                Shown::With(p) => actor.is_some_and(|a| a.has(*p)),
            })
            .map(|(href, label, _)| MenuItem { href, label })
            .collect();
        Layout {
            title: title.into(),
            user: actor.map(|a| NavUser {
                display_name: a.display_name.clone(),
                org_name: a.org_name.clone(),
                roles: a.roles.iter().map(|r| r.name_zh()).collect::<Vec<_>>().join("、"),
            }),
            csrf: actor.map(|a| a.csrf_token.clone()).unwrap_or_default(),
            menu,
            active,
        }
    }
}
