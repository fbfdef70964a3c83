//! Reading the audit trail (audit admin only) and verifying its chain.

use yincai_store::{AuditProblem, AuditQuery, AuditRecord, AuditVerdict, Page};

use crate::{Actor, App, Permission, RequestCtx, Result};

impl App {
    pub async fn audit_records(&self, actor: &Actor, q: &AuditQuery) -> Result<Page<AuditRecord>> {
        actor.require(Permission::AuditRead)?;
        Ok(self.store.begin_read().await?.audit_records(q).await?)
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
        let mut tx = self.store.begin_write().await?;
        let summary = format!(
            "导出审计日志 {} 条（操作={}，操作人={}，关键词={}）",
            page.rows.len(),
            q.action.as_deref().unwrap_or("全部"),
            q.actor.as_deref().unwrap_or("全部"),
            q.text.as_deref().unwrap_or("无"),
        );
        tx.append_audit(&self.audit_by(actor, ctx, "audit_exported", ("audit_log", "export".into()), summary))
            .await?;
        tx.commit().await?;
        Ok(page)
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

/// The Chinese name of an audit action code, for pages (the code itself stays stable in
/// the record and the API). Unknown codes are shown as they are.
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

pub fn action_label(code: &str) -> String {
    let known = match code {
        "login" => "登录",
        "login_failed" => "登录失败",
        "login_refused" => "拒绝登录",
        "account_locked" => "账号锁定",
        "logout" => "退出登录",
        "register" => "申请人注册",
        "password_changed" => "修改密码",
        "password_reset" => "重置密码",
        "user_created" => "创建账号",
        "user_unlocked" => "解锁账号",
        "user_roles_changed" => "调整角色",
        "user_disabled" => "停用账号",
        "user_enabled" => "启用账号",
        "admin_bootstrapped" => "命令行创建管理员",
        "org_created" => "新建机构",
        "org_updated" => "修改机构",
        "demo_loaded" => "载入演示数据",
        "audit_exported" => "导出审计日志",
        "candidate_created" => "填写登记表",
        "candidate_updated" => "修改登记表",
        "workflow_start" => "发起审批",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    if let Some(action) = code
        .strip_prefix("workflow_")
        .and_then(yincai_domain::workflow::Action::parse)
    {
        return format!("审批：{}", action.name_zh());
    }
    code.to_string()
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
    }
}
