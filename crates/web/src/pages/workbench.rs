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
    /// The due date has passed (Beijing date).
    overdue: bool,
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
    overdue: usize,
    shortcuts: Vec<Shortcut>,
    /// The last login before this one and when the password was last set (ADR 0009).
    login_notice: String,
}

/// What each role starts from; later workflows add their entry points here.
fn shortcuts(roles: &[Role]) -> Vec<Shortcut> {
    let mut out = Vec::new();
    for role in roles {
        let items: &[(&str, &str, &str)] = match role {
            Role::Unit => &[
                ("/plans/new", "编制年度引进计划", "设置特设岗位，报主管部门审核"),
                ("/plans", "本单位计划", "查看计划的审核进度与公告"),
                (
                    "/applications",
                    "本单位岗位报名",
                    "查看报名人选，办理聘用合同、调动或特聘协议",
                ),
                ("/talents", "本单位人才", "已引进人才及其待遇"),
                ("/orgs", "本单位信息", "查看本单位的登记信息"),
            ],
            Role::Department => &[
                ("/plans", "所属单位计划", "审核本部门主管单位的年度引进计划"),
                ("/orgs", "所属单位", "查看本部门主管的用人单位"),
            ],
            Role::Coordination => &[
                ("/plans", "年度引进计划", "初审计划，设置并发布公告"),
                ("/applications", "报名审查", "资格审查、退回补正、发出意向书、确认引进"),
                (
                    "/meetings",
                    "领导小组会议",
                    "安排会议，把计划、拟聘人员名单、一事一议列入议程",
                ),
                ("/special-cases", "一事一议", "对特殊人选拟定待遇，报领导小组审议"),
                ("/talents", "人才库", "已引进人才、类别、待遇与服务期"),
                ("/candidates", "人才登记表", "查阅申请人的登记信息（证件号脱敏）"),
                ("/orgs", "机构名录", "全市机构与用人单位"),
            ],
            Role::LeadingGroup => &[
                ("/meetings", "领导小组会议", "在会议上逐项作出决定并填写批复文号"),
                ("/talents", "人才库", "已引进人才及其待遇"),
                ("/plans", "年度引进计划", "查看各单位的计划与审核意见"),
            ],
            Role::CityLeader => &[
                ("/meetings", "领导小组会议", "查看会议议程与决定"),
                ("/orgs", "机构名录", "全市机构与用人单位"),
            ],
            Role::Assessor | Role::Finance => &[("/orgs", "机构名录", "全市机构与用人单位")],
            Role::SysAdmin => &[
                ("/orgs/new", "新建机构", "登记用人单位、主管部门等"),
                ("/admin/users/new", "新建账号", "为机构人员开通账号（不含角色）"),
                ("/admin/users", "账号与复核", "复核安全管理员提出的角色、密码、解锁申请"),
            ],
            Role::SecAdmin => &[
                (
                    "/admin/users",
                    "账号安全",
                    "申请解锁、重置密码、调整角色，复核他人的申请",
                ),
                ("/admin/users?status=locked", "已锁定账号", "因连续密码错误被锁定的账号"),
            ],
            Role::AuditAdmin => &[("/audit", "审计日志", "查询操作记录，校验日志完整性")],
            Role::Talent => &[
                ("/", "引进公告", "查看正在报名的岗位并报名"),
                ("/me/profile", "我的登记表", "填写或修改人才登记表"),
                ("/me/applications", "我的报名", "查看报名进度，补正材料，确认意向书"),
                ("/me/talent", "我的人才档案", "引进后的待遇与服务期"),
            ],
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
    let today = state.app.today().to_string();
    let tasks: Vec<TaskLine> = tasks
        .into_iter()
        .map(|t| {
            let due = t.due_date.unwrap_or_default();
            TaskLine {
                title: t.title,
                link: t.link,
                created: format_beijing(t.created_at),
                overdue: !due.is_empty() && due < today,
                due,
            }
        })
        .collect();
    let overdue = tasks.iter().filter(|t| t.overdue).count();
    let login_notice = state.app.login_info(actor).await?.notice_zh();
    Ok(render(&WorkbenchPage {
        login_notice,
        greeting: format!("{}，您好", actor.display_name),
        shortcuts: shortcuts(&actor.roles),
        layout: Layout::new("工作台", Some(actor), "/workbench"),
        tasks,
        overdue,
    }))
}
