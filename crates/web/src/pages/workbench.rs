//! The workbench: each user's pending tasks (待办) and the entry points of their role.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use yincai_app::clock::format_beijing;
use yincai_app::{Permission, Role};

use super::render;
use crate::auth::PageUser;
use crate::layout::Layout;
use crate::{AppState, PageError};

pub fn routes() -> Router<AppState> {
    Router::new().route("/workbench", get(workbench))
}

struct TaskLine {
    title: String,
    link: String,
    created: String,
    due: String,
}

struct Shortcut {
    href: &'static str,
    label: &'static str,
    note: &'static str,
}

#[derive(Template)]
#[template(path = "workbench.html")]
struct WorkbenchPage {
    layout: Layout,
    greeting: String,
    tasks: Vec<TaskLine>,
    shortcuts: Vec<Shortcut>,
}

/// What each role starts from; later workflows add their entry points here.
fn shortcuts(roles: &[Role]) -> Vec<Shortcut> {
    let mut out = Vec::new();
    for role in roles {
        let items: &[(&str, &str, &str)] = match role {
            Role::Unit => &[("/orgs", "本单位信息", "查看本单位的登记信息")],
            Role::Department => &[("/orgs", "所属单位", "查看本部门主管的用人单位")],
            Role::Coordination => &[
                ("/candidates", "人才登记表", "查阅申请人的登记信息（证件号脱敏）"),
                ("/orgs", "机构名录", "全市机构与用人单位"),
            ],
            Role::LeadingGroup | Role::Assessor | Role::Finance | Role::CityLeader => {
                &[("/orgs", "机构名录", "全市机构与用人单位")]
            }
            Role::SysAdmin => &[
                ("/orgs/new", "新建机构", "登记用人单位、主管部门等"),
                ("/admin/users/new", "新建账号", "为机构人员开通账号"),
            ],
            Role::SecAdmin => &[("/admin/users", "账号安全", "解锁账号、重置密码、调整角色")],
            Role::AuditAdmin => &[("/audit", "审计日志", "查询操作记录，校验日志完整性")],
            Role::Talent => &[("/me/profile", "我的登记表", "填写或修改人才登记表")],
            Role::ServiceDept => &[],
        };
        for (href, label, note) in items {
            if !out.iter().any(|s: &Shortcut| s.href == *href) {
                out.push(Shortcut { href, label, note });
            }
        }
    }
    out.push(Shortcut {
        href: "/calculator",
        label: "政策计算器",
        note: "按《暂行办法》测算类别与待遇",
    });
    out
}

async fn workbench(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let actor = &user.actor;
    let tasks = if actor.has(Permission::TaskRead) {
        state.app.my_tasks(actor).await?
    } else {
        Vec::new()
    };
    let tasks = tasks
        .into_iter()
        .map(|t| TaskLine {
            title: t.title,
            link: t.link,
            created: format_beijing(t.created_at),
            due: t.due_date.unwrap_or_default(),
        })
        .collect();
    Ok(render(&WorkbenchPage {
        greeting: format!("{}，您好", actor.display_name),
        shortcuts: shortcuts(&actor.roles),
        layout: Layout::new("工作台", Some(actor), "/workbench"),
        tasks,
    }))
}
