//! Reading the audit trail (audit admin only) and verifying its chain.

use yincai_store::{AuditProblem, AuditQuery, AuditRecord, AuditVerdict, Page};

use crate::{Actor, App, Permission, RequestCtx, Result};

impl App {
    /// The records the query selects. Its action may be a code or words of an action's
    /// Chinese name ("发放" finds every action whose name says it).
    pub async fn audit_records(&self, actor: &Actor, q: &AuditQuery) -> Result<Page<AuditRecord>> {
        actor.require(Permission::AuditRead)?;
        let mut q = q.clone();
        if let Some(typed) = &q.action {
            let codes = actions_named(typed);
            // Nothing named so: the typed text itself (an old code still matches its records).
            q.action = Some(if codes.is_empty() {
                typed.trim().to_string()
            } else {
                codes.join(",")
            });
        }
        Ok(self.store.begin_read().await?.audit_records(&q).await?)
    }

    /// The records the query selects, each with the page of its object where one exists (an
    /// installment opens its talent's record): the audit log as it reads on screen.
    pub async fn audit_lines(&self, actor: &Actor, q: &AuditQuery) -> Result<Page<AuditLine>> {
        let page = self.audit_records(actor, q).await?;
        let mut tx = self.store.begin_read().await?;
        let mut rows = Vec::with_capacity(page.rows.len());
        for record in page.rows {
            let link = match (record.object_type.as_str(), record.object_id.parse::<i64>()) {
                ("installment", Ok(id)) => tx
                    .installment(id)
                    .await?
                    .and_then(|i| object_link("talent", &i.talent_id.to_string())),
                _ => object_link(&record.object_type, &record.object_id),
            };
            rows.push(AuditLine { record, link });
        }
        Ok(Page {
            rows,
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }

    /// The records for an export; taking a copy of the trail out of the system is itself
    /// recorded, with the filter and the number of rows.
    pub async fn export_audit_records(
        &self,
        actor: &Actor,
        q: &AuditQuery,
        ctx: &RequestCtx,
    ) -> Result<Page<AuditRecord>> {
        let page = self.audit_records(actor, q).await?;
        let summary = format!(
            "导出审计日志 {} 条（操作={}，操作人={}，关键词={}）",
            page.rows.len(),
            q.action.as_deref().unwrap_or("全部"),
            q.actor.as_deref().unwrap_or("全部"),
            q.text.as_deref().unwrap_or("无"),
        );
        self.record_export(actor, ctx, "audit_exported", "audit_log", summary)
            .await?;
        Ok(page)
    }

    /// The summary of an export's audit record: the list, the number of rows and the filters
    /// it was taken under ("导出报名 3 条（状态=资格审查，岗位编号=全部）").
    pub(crate) fn export_summary(what: &str, rows: usize, filters: &[(&str, Option<&str>)]) -> String {
        let shown: Vec<String> = filters
            .iter()
            .map(|(name, value)| {
                let value = value.map(str::trim).filter(|v| !v.is_empty()).unwrap_or("全部");
                format!("{name}={value}")
            })
            .collect();
        format!("导出{what} {rows} 条（{}）", shown.join("，"))
    }

    /// Records that `actor` took a list out of the system as a file (`action`, with the
    /// filter and the count in `summary`): every export is in the audit trail.
    pub(crate) async fn record_export(
        &self,
        actor: &Actor,
        ctx: &RequestCtx,
        action: &str,
        object_type: &str,
        summary: String,
    ) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        tx.append_audit(&self.audit_by(actor, ctx, action, (object_type, "export".into()), summary))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The change history of one organisation, for those who may see it: who changed
    /// what, when and why, newest first.
    pub async fn org_history(&self, actor: &Actor, org_id: i64) -> Result<Vec<AuditRecord>> {
        self.org(actor, org_id).await?; // permission and scope
        let q = AuditQuery {
            object_type: Some("organisation".into()),
            object_id: Some(org_id.to_string()),
            limit: 100,
            ..Default::default()
        };
        Ok(self.store.begin_read().await?.audit_records(&q).await?.rows)
    }

    pub async fn verify_audit(&self, actor: &Actor) -> Result<AuditVerdict> {
        actor.require(Permission::AuditRead)?;
        Ok(self.store.verify_audit().await?)
    }
}

/// What is wrong with the first broken record of the audit chain, in Chinese.
pub fn problem_zh(problem: AuditProblem) -> String {
    match problem {
        AuditProblem::Missing { next_present } => format!("该记录缺失，其后现存的是第 {next_present} 条"),
        AuditProblem::LinkBroken => "与前一条记录的链接不符".into(),
        AuditProblem::ContentAltered => "记录内容被改动".into(),
        AuditProblem::Truncated { chain_ends, head_says } => {
            format!("链止于第 {chain_ends} 条，而链头记为第 {head_says} 条：末尾的记录被删除")
        }
    }
}

/// Every action an audit record names, with its Chinese name: the one vocabulary of the
/// audit log (pages, exports, the action filter). The code stays stable in the record and the
/// API; a test scans the use cases and fails on an action without a name here. Workflow
/// steps (`workflow_<action>`) are named from the workflow's actions.
pub const AUDIT_ACTIONS: &[(&str, &str)] = &[
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("login_refused", "拒绝登录"),
    ("account_locked", "账号锁定"),
    ("logout", "退出登录"),
    ("register", "申请人注册"),
    ("password_changed", "修改密码"),
    ("password_reset", "重置密码"),
    ("user_created", "创建账号"),
    ("user_unlocked", "解锁账号"),
    ("user_roles_changed", "调整角色"),
    ("user_disabled", "停用账号"),
    ("user_enabled", "启用账号"),
    ("account_change_proposed", "申请调整账号"),
    ("account_change_confirmed", "复核通过账号调整"),
    ("account_change_rejected", "驳回账号调整"),
    ("admin_bootstrapped", "命令行创建管理员"),
    ("org_created", "新建机构"),
    ("org_updated", "修改机构"),
    ("demo_loaded", "载入演示数据"),
    ("audit_exported", "导出审计日志"),
    ("talents_exported", "导出人才库"),
    ("orgs_exported", "导出机构名录"),
    ("applications_exported", "导出报名审查表"),
    ("plans_exported", "导出年度计划"),
    ("candidates_exported", "导出人才登记表"),
    ("due_installments_exported", "导出到期待遇"),
    ("special_cases_exported", "导出一事一议"),
    ("assessments_exported", "导出年度考核"),
    ("personal_data_viewed", "查看完整个人信息"),
    ("candidate_created", "填写登记表"),
    ("candidate_updated", "修改登记表"),
    ("attachment_uploaded", "上传附件"),
    ("plan_created", "新建年度计划"),
    ("plan_updated", "修改年度计划"),
    ("plan_draft_deleted", "删除年度计划草稿"),
    ("plan_announcement_set", "填写招聘公告"),
    ("plan_published", "发布招聘公告"),
    ("application_created", "报名"),
    ("application_reviewed", "资格审查"),
    ("intent_letter_generated", "出具意向书"),
    ("procedure_record", "填写引进手续"),
    ("meeting_created", "新建领导小组会议"),
    ("meeting_rescheduled", "会议改期"),
    ("meeting_closed", "会议结束"),
    ("agenda_item_added", "列入会议议题"),
    ("agenda_item_removed", "撤下会议议题"),
    ("agenda_item_decided", "会议作出决定"),
    ("special_case_open", "发起一事一议"),
    ("special_case_edit", "修改一事一议"),
    ("talent_create", "人才入库"),
    ("talent_reevaluate", "重新评估待遇"),
    ("talent_end_for_cause", "因故解除引进关系"),
    ("installments_schedule", "安排待遇分期"),
    ("installments_rederive", "按服务记录重新计算待遇"),
    ("service_months_record", "录入服务月数"),
    ("service_months_confirm", "确认服务月数"),
    ("assessment_record", "登记年度考核"),
    ("assessment_file", "考核结果归档"),
    ("release_approve", "批准待遇发放"),
    ("release_certify", "出具发放证明"),
    ("fixing_propose", "拟定待遇额度"),
    ("fixing_edit", "修改待遇额度"),
    ("fixing_fixed", "核定待遇额度"),
    ("ending_propose", "拟定因故解除议案"),
    ("ending_edit", "修改因故解除议案"),
    ("unit_misconduct_recorded", "记录单位弄虚作假"),
    ("fund_budget", "编制专项资金预算"),
    ("fund_pay", "支付待遇"),
    ("fund_batch_create", "建立支付批次"),
    ("fund_batch_exported", "导出支付批次"),
    ("bank_account_recorded", "记录收款银行账户"),
    ("recovery_repayment", "登记追回款"),
    ("housing_unit_add", "登记人才住房"),
    ("housing_unit_edit", "修改人才住房"),
    ("housing_allocate", "分配住房"),
    ("housing_gift", "赠予住房"),
    ("housing_return", "收回住房"),
    ("workflow_start", "发起审批"),
];

/// The Chinese name of an audit action code; unknown codes are shown as they are.
pub fn action_label(code: &str) -> String {
    if let Some((_, name)) = AUDIT_ACTIONS.iter().find(|(c, _)| *c == code) {
        return (*name).to_string();
    }
    if let Some(action) = code
        .strip_prefix("workflow_")
        .and_then(yincai_domain::workflow::Action::parse)
    {
        return format!("审批：{}", action.name_zh());
    }
    code.to_string()
}

/// The action codes whose Chinese name contains `text` (the audit filter takes either).
pub fn actions_named(text: &str) -> Vec<String> {
    let text = text.trim();
    let mut codes: Vec<String> = AUDIT_ACTIONS
        .iter()
        .filter(|(code, name)| !text.is_empty() && (name.contains(text) || *code == text))
        .map(|(code, _)| (*code).to_string())
        .collect();
    for action in yincai_domain::workflow::Action::ALL {
        if !text.is_empty() && format!("审批：{}", action.name_zh()).contains(text) {
            codes.push(format!("workflow_{}", action.code()));
        }
    }
    codes
}

/// Object types of audit records, in Chinese.
pub const AUDIT_OBJECTS: &[(&str, &str)] = &[
    ("user", "账号"),
    ("account_proposal", "账号调整申请"),
    ("organisation", "机构"),
    ("org", "机构"),
    ("candidate", "人才登记表"),
    ("application", "报名申请"),
    ("plan", "年度计划"),
    ("meeting", "领导小组会议"),
    ("workflow_item", "审批事项"),
    ("special_case", "一事一议"),
    ("talent", "人才档案"),
    ("assessment", "年度考核"),
    ("installment", "待遇分期"),
    ("benefit_fixing", "待遇额度核定"),
    ("talent_ending", "因故解除"),
    ("unit_misconduct", "单位弄虚作假记录"),
    ("fund_budget", "专项资金预算"),
    ("payment_batch", "支付批次"),
    ("recovery", "追回"),
    ("housing_unit", "人才住房"),
    ("housing_allocation", "住房分配"),
    ("attachment", "附件"),
    ("audit_log", "审计日志"),
    ("export", "导出"),
    ("system", "系统"),
];

/// An audit record's object in Chinese: its kind and number (报名申请 10).
pub fn object_label(object_type: &str, object_id: &str) -> String {
    let kind = AUDIT_OBJECTS
        .iter()
        .find(|(c, _)| *c == object_type)
        .map_or(object_type, |(_, name)| name);
    if object_id.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} {object_id}")
    }
}

/// The page that shows an audit record's object, for the kinds that have one (a number
/// only: anything else has no page). Installments are linked through their talent by
/// [`App::audit_lines`].
pub fn object_link(object_type: &str, object_id: &str) -> Option<String> {
    let id: i64 = object_id.parse().ok().filter(|id| *id > 0)?;
    let base = match object_type {
        "plan" => "/plans",
        "application" => "/applications",
        "candidate" => "/candidates",
        "talent" => "/talents",
        "meeting" => "/meetings",
        "payment_batch" => "/fund/batches",
        "organisation" | "org" => "/orgs",
        "user" => "/admin/users",
        "special_case" => "/special-cases",
        "workflow_item" => "/workflow",
        "benefit_fixing" => "/fixings",
        "talent_ending" => "/endings",
        "recovery" => "/recoveries",
        _ => return None,
    };
    Some(format!("{base}/{id}"))
}

/// One record of the audit log with the page of its object, if it has one.
#[derive(Debug, Clone)]
pub struct AuditLine {
    pub record: AuditRecord,
    pub link: Option<String>,
}

/// An audit record's result in Chinese.
pub fn result_label(result: &str) -> &str {
    match result {
        "ok" => "成功",
        "refused" => "拒绝",
        "failed" => "失败",
        other => other,
    }
}

/// Role codes as stored ("unit,coordination") in Chinese ("用人单位、人才工作协调办").
pub fn roles_label(codes: &str) -> String {
    if codes.is_empty() {
        return "—".into();
    }
    codes
        .split(',')
        .map(|c| yincai_domain::Role::parse(c).map_or(c, |r| r.name_zh()))
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_chinese_and_unknown_codes_pass_through() {
        assert_eq!(action_label("login_failed"), "登录失败");
        assert_eq!(action_label("workflow_approve"), "审批：同意");
        assert_eq!(action_label("something_new"), "something_new");
        assert_eq!(roles_label("unit,coordination"), "用人单位、人才工作协调办");
        assert_eq!(roles_label("system"), "system");
        assert_eq!(object_label("application", "10"), "报名申请 10");
        assert_eq!(result_label("refused"), "拒绝");
        assert_eq!(object_link("plan", "3").as_deref(), Some("/plans/3"));
        assert_eq!(object_link("organisation", "7").as_deref(), Some("/orgs/7"));
        assert_eq!(object_link("plan", "export"), None);
        assert_eq!(object_link("audit_log", "1"), None);
        assert!(actions_named("发放").contains(&"release_approve".to_string()));
        assert!(actions_named("同意").contains(&"workflow_approve".to_string()));
        assert!(actions_named("").is_empty());
    }

    /// The arguments of every call of `callee` in `source` (balanced parentheses), as text.
    fn calls<'a>(source: &'a str, callee: &str) -> Vec<Vec<&'a str>> {
        let mut out = Vec::new();
        for (at, _) in source.match_indices(callee) {
            let rest = &source[at + callee.len()..];
            let (mut depth, mut start, mut args) = (1, 0, Vec::new());
            for (i, c) in rest.char_indices() {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => {
                        depth -= 1;
                        if depth == 0 {
                            args.push(rest[start..i].trim());
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        args.push(rest[start..i].trim());
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            out.push(args);
        }
        out
    }

    fn literal(arg: &str) -> Option<&str> {
        arg.strip_prefix('"')?.strip_suffix('"')
    }

    /// The code-like string literals of an argument (`if locked { "a" } else { "b" }` gives both).
    fn codes_in(arg: &str) -> Vec<&str> {
        arg.split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect()
    }

    #[test]
    fn every_action_and_object_the_use_cases_audit_has_a_chinese_name() {
        let mut sources = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    sources.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let (mut actions, mut objects) = (Vec::new(), Vec::new());
        for source in &sources {
            for args in calls(source, "audit_by(") {
                actions.extend(args.get(2).map(|a| codes_in(a)).unwrap_or_default());
                if let Some(object) = args.get(3).and_then(|a| a.strip_prefix('(')) {
                    objects.extend(object.split(',').next().and_then(|o| literal(o.trim())));
                }
            }
            for args in calls(source, "anonymous_audit(") {
                actions.extend(args.get(2).map(|a| codes_in(a)).unwrap_or_default());
            }
            for args in calls(source, "&refusal(") {
                actions.extend(args.first().map(|a| codes_in(a)).unwrap_or_default());
            }
            // A record written out in full, as a NewAudit literal naming its action.
            for (at, _) in source.match_indices("NewAudit {") {
                let block = &source[at..];
                let block = &block[..block.find("\n    }").unwrap_or(block.len())];
                if let Some(a) = block.find("action: \"") {
                    let rest = &block[a + "action: \"".len()..];
                    actions.push(&rest[..rest.find('"').unwrap()]);
                }
            }
        }
        assert!(
            actions.len() > 40 && objects.len() > 20,
            "the scan found too little: {actions:?} {objects:?}"
        );
        let unnamed: Vec<_> = actions.iter().filter(|a| action_label(a) == **a).collect();
        assert!(
            unnamed.is_empty(),
            "audit actions without a Chinese name in AUDIT_ACTIONS: {unnamed:?}"
        );
        let unnamed: Vec<_> = objects
            .iter()
            .filter(|o| !AUDIT_OBJECTS.iter().any(|(c, _)| c == *o))
            .collect();
        assert!(
            unnamed.is_empty(),
            "audit objects without a Chinese name in AUDIT_OBJECTS: {unnamed:?}"
        );
        // The scan sees what it must: a literal action, an anonymous one and a NewAudit's.
        for seen in ["fund_pay", "login_failed", "demo_loaded"] {
            assert!(actions.contains(&seen), "{seen} not found by the scan");
        }
    }
}
