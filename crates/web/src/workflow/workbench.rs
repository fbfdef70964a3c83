//! The workbench: each user's pending tasks (待办) and the entry points their permissions open.

use askama::Template;
use axum::Router;
use axum::routing::get;
use yincai_app::clock::format_beijing;
use yincai_app::{Actor, Permission};

use crate::auth::PageCall;
use crate::layout::Layout;
use crate::pages::render;
use crate::{AppState, PageResult};

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

/// The entry points, each shown to whoever holds its permission (the first entry for a
/// path wins, so the more specific ones come first). Keyed by permission, not by role:
/// the grants table in `yincai_app::authz` decides who sees what.
const SHORTCUTS: &[(Permission, &str, &str, &str)] = &[
    (
        Permission::PlanDraft,
        "/plans/new",
        "编制年度引进计划",
        "设置特设岗位，报主管部门审核",
    ),
    (
        Permission::PlanAnnounce,
        "/plans",
        "年度引进计划",
        "初审计划，设置并发布公告",
    ),
    (
        Permission::PlanDraft,
        "/plans",
        "本单位计划",
        "查看计划的审核进度与公告",
    ),
    (
        Permission::WorkflowAct,
        "/plans",
        "年度引进计划",
        "查看、审核各单位的年度引进计划",
    ),
    (
        Permission::ApplicationReview,
        "/applications",
        "报名审查",
        "资格审查、退回补正、发出意向书、确认引进",
    ),
    (
        Permission::ProcedureRecord,
        "/applications",
        "本单位岗位报名",
        "查看报名人选，办理聘用合同、调动或特聘协议",
    ),
    (
        Permission::MeetingManage,
        "/meetings",
        "领导小组会议",
        "安排会议，把计划、拟聘人员名单、一事一议列入议程",
    ),
    (
        Permission::MeetingDecide,
        "/meetings",
        "领导小组会议",
        "在会议上逐项作出决定并填写批复文号",
    ),
    (
        Permission::MeetingRead,
        "/meetings",
        "领导小组会议",
        "查看会议议程与决定",
    ),
    (
        Permission::SpecialCasePropose,
        "/special-cases",
        "一事一议",
        "对特殊人选拟定待遇，报领导小组审议",
    ),
    (
        Permission::TalentRead,
        "/talents",
        "人才库",
        "已引进人才、类别、待遇与服务期",
    ),
    (
        Permission::AssessmentRecord,
        "/assessments",
        "年度考核",
        "录入本单位人才的年度考核结果",
    ),
    (
        Permission::AssessmentFile,
        "/assessments",
        "年度考核",
        "备案用人单位录入的年度考核结果",
    ),
    (
        Permission::ReleaseStart,
        "/benefits/due",
        "到期待遇",
        "对到期且考核合格的待遇提请发放",
    ),
    (
        Permission::CandidateRead,
        "/candidates",
        "人才登记表",
        "查阅申请人的登记信息（证件号脱敏）",
    ),
    (Permission::FundRead, "/fund", "专项资金", "预算、台账与支付批次"),
    (
        Permission::OrgManage,
        "/orgs/new",
        "新建机构",
        "登记用人单位、主管部门等",
    ),
    (Permission::OrgRead, "/orgs", "机构名录", "查看本单位或全市的机构信息"),
    (
        Permission::UserManage,
        "/admin/users/new",
        "新建账号",
        "为机构人员开通账号（不含角色）",
    ),
    (
        Permission::UserSecurity,
        "/admin/users",
        "账号安全",
        "申请解锁、重置密码、调整角色，复核他人的申请",
    ),
    (
        Permission::UserSecurity,
        "/admin/users?status=locked",
        "已锁定账号",
        "因连续密码错误被锁定的账号",
    ),
    (
        Permission::UserConfirm,
        "/admin/users",
        "账号与复核",
        "复核安全管理员提出的角色、密码、解锁申请",
    ),
    (
        Permission::AuditRead,
        "/audit",
        "审计日志",
        "查询操作记录，校验日志完整性",
    ),
    (Permission::Apply, "/", "引进公告", "查看正在报名的岗位并报名"),
    (
        Permission::ProfileEdit,
        "/me/profile",
        "我的登记表",
        "填写或修改人才登记表",
    ),
    (
        Permission::Apply,
        "/me/applications",
        "我的报名",
        "查看报名进度，补正材料，确认意向书",
    ),
    (
        Permission::ProfileEdit,
        "/me/talent",
        "我的人才档案",
        "引进后的待遇与服务期",
    ),
];

/// The actor's entry points, by permission, then the calculator for everyone.
fn shortcuts(actor: &Actor) -> Vec<Shortcut> {
    let mut out: Vec<Shortcut> = Vec::new();
    for (permission, href, label, note) in SHORTCUTS {
        if actor.has(*permission) && !out.iter().any(|s| s.href == *href) {
            out.push(Shortcut { href, label, note });
        }
    }
    out.push(Shortcut {
        href: "/calculator",
        label: "政策计算器",
        note: "按《暂行办法》测算类别与待遇",
    });
    out
}

async fn workbench(call: PageCall) -> PageResult {
    let actor = &call.actor;
    let tasks = if actor.has(Permission::TaskRead) {
        call.app.my_tasks(actor).await?
    } else {
        Vec::new()
    };
    let today = call.app.today().to_string();
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
    let login_notice = call.app.login_info(actor).await?.notice_zh();
    Ok(render(&WorkbenchPage {
        login_notice,
        greeting: format!("{}，您好", actor.display_name),
        shortcuts: shortcuts(actor),
        layout: call.layout("工作台", "/workbench"),
        tasks,
        overdue,
    }))
}
