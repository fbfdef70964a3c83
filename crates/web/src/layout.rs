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

/// Entries of one area of the menu, shown under its name when the menu is long.
pub struct MenuGroup {
    pub label: &'static str,
    pub items: Vec<MenuItem>,
    /// The page shown is one of them.
    pub active: bool,
}

pub struct Layout {
    pub title: String,
    pub user: Option<NavUser>,
    pub csrf: String,
    /// Every entry the viewer may open, in menu order.
    pub menu: Vec<MenuItem>,
    /// The same entries by area, for a menu too long for one line (empty: show `menu` flat).
    pub groups: Vec<MenuGroup>,
    pub active: &'static str,
}

/// At most this many entries stand in one line; a longer menu is grouped by area (the
/// coordination office has about twenty entries, which wrapped the header to three lines).
const FLAT_MENU_MAX: usize = 9;

/// Who sees a menu entry.
enum Shown {
    Everyone,
    LoggedIn,
    With(Permission),
}

/// The menu's areas, in the order they are shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Area {
    Workbench,
    Mine,
    Introduction,
    Benefits,
    Administration,
    Policy,
    Account,
}

impl Area {
    const ALL: [Area; 7] = [
        Area::Workbench,
        Area::Mine,
        Area::Introduction,
        Area::Benefits,
        Area::Administration,
        Area::Policy,
        Area::Account,
    ];

    fn name_zh(self) -> &'static str {
        match self {
            Area::Workbench => "工作台",
            Area::Mine => "我的",
            Area::Introduction => "人才引进",
            Area::Benefits => "待遇兑现",
            Area::Administration => "系统管理",
            Area::Policy => "政策",
            Area::Account => "账号安全",
        }
    }
}

/// The menu, one entry a line: path, label, who sees it, area.
#[rustfmt::skip]
const MENU: &[(&str, &str, Shown, Area)] = &[
    ("/workbench", "工作台", Shown::LoggedIn, Area::Workbench),
    ("/me/profile", "我的登记表", Shown::With(Permission::ProfileEdit), Area::Mine),
    ("/me/applications", "我的报名", Shown::With(Permission::Apply), Area::Mine),
    ("/me/talent", "我的人才档案", Shown::With(Permission::ProfileEdit), Area::Mine),
    ("/me/benefits", "我的待遇", Shown::With(Permission::ProfileEdit), Area::Mine),
    ("/candidates", "人才登记表", Shown::With(Permission::CandidateRead), Area::Introduction),
    ("/plans", "年度计划", Shown::With(Permission::WorkflowAct), Area::Introduction),
    ("/applications", "报名审查", Shown::With(Permission::WorkflowAct), Area::Introduction),
    ("/meetings", "领导小组会议", Shown::With(Permission::MeetingRead), Area::Introduction),
    ("/special-cases", "一事一议", Shown::With(Permission::MeetingRead), Area::Introduction),
    ("/talents", "人才库", Shown::With(Permission::TalentRead), Area::Benefits),
    ("/fund", "专项资金", Shown::With(Permission::FundRead), Area::Benefits),
    ("/benefits/due", "到期待遇", Shown::With(Permission::FundRead), Area::Benefits),
    ("/recoveries", "待遇追回", Shown::With(Permission::FundRead), Area::Benefits),
    ("/assessments", "年度考核", Shown::With(Permission::TalentRead), Area::Benefits),
    ("/housing", "人才住房", Shown::With(Permission::HousingManage), Area::Benefits),
    ("/orgs", "机构", Shown::With(Permission::OrgRead), Area::Administration),
    ("/admin/users", "账号", Shown::With(Permission::UserRead), Area::Administration),
    ("/audit", "审计日志", Shown::With(Permission::AuditRead), Area::Administration),
    ("/policy", "政策原文", Shown::Everyone, Area::Policy),
    ("/calculator", "政策计算器", Shown::Everyone, Area::Policy),
    ("/account/password", "修改密码", Shown::LoggedIn, Area::Account),
];

impl Layout {
    pub fn new(title: impl Into<String>, actor: Option<&Actor>, active: &'static str) -> Layout {
        let shown: Vec<&(&str, &str, Shown, Area)> = MENU
            .iter()
            .filter(|(_, _, shown, _)| match shown {
                Shown::Everyone => true,
                Shown::LoggedIn => actor.is_some(),
                Shown::With(p) => actor.is_some_and(|a| a.has(*p)),
            })
            .collect();
        let item = |(href, label, _, _): &&(&'static str, &'static str, Shown, Area)| MenuItem { href, label };
        let groups = if shown.len() > FLAT_MENU_MAX {
            Area::ALL
                .iter()
                .map(|area| MenuGroup {
                    label: area.name_zh(),
                    items: shown.iter().filter(|e| e.3 == *area).map(item).collect(),
                    active: shown.iter().any(|e| e.3 == *area && e.0 == active),
                })
                .filter(|g| !g.items.is_empty())
                .collect()
        } else {
            Vec::new()
        };
        let menu = shown.iter().map(item).collect();
        Layout {
            title: title.into(),
            user: actor.map(|a| NavUser {
                display_name: a.display_name.clone(),
                org_name: a.org_name.clone(),
                roles: a.roles.iter().map(|r| r.name_zh()).collect::<Vec<_>>().join("、"),
            }),
            csrf: actor.map(|a| a.csrf_token.clone()).unwrap_or_default(),
            menu,
            groups,
            active,
        }
    }
}
